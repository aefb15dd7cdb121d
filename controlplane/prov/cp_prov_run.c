/* SPDX-License-Identifier: BSD-3-Clause */
/* The provisioning orchestrator's libre driver (cp_prov_run.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "cp_addrs.h"
#include "cp_dp.h"
#include "cp_http_fetch.h"
#include "cp_log.h"
#include "cp_prov_run.h"
#include "cp_snmp_notify.h"
#include "cp_state.h"
#include "cp_tftp.h"

#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68
#define DHCP6_CLIENT_PORT 546 /* RFC 8415 7.2 */
#define DHCP6_SERVER_PORT 547

/* The address check by the dataplane (DP_MSG_ADDR_PROBE). IPv4, RFC 5227
 * 1.1: PROBE_NUM 3 probes PROBE_MIN..PROBE_MAX (1-2 s) apart and
 * ANNOUNCE_WAIT (2 s) after the last: 3 x 2 s. IPv6, RFC 4862 5.1:
 * DupAddrDetectTransmits 1, RetransTimer 1 s (RFC 4861 10). IPv4 waits
 * a random 0..PROBE_WAIT (1 s) before the first probe (RFC 5227 2.1.1);
 * IPv6 does not (RFC 4862 5.4.2 delays only a first message after the
 * interface came up, and the DHCPv6 exchange went before). */
#define PROBE4_WAIT_MS 1000
#define PROBE4_NUM 3
#define PROBE4_IV_MS 2000
#define DAD6_NUM 1
#define DAD6_IV_MS 1000
/* no ADDR_PROBED this long after the last wait: the dataplane lost it */
#define PROBE_SLACK_MS 2000

struct cp_prov_run {
	struct cp_prov p;
	const struct esg_conf *conf;
	struct cp_dp *dp;
	char ifname[IFNAMSIZ];
	int ifindex;
	int rx_fd; /* UDP 68 on the exception interface */
	int tx_fd; /* AF_PACKET on the exception interface */
	int fd6;   /* UDP [fe80::EUI-64%exception]:546 */
	struct in6_addr ll;
	struct tmr tmr;
	struct cp_tftp_fetch *fetch;
	struct cp_http_fetch *http;
	/* the HTTP download waits for the leased address on the exception
	 * interface (IF_ADDR_ADD is asynchronous: a connect before it lands
	 * fails ENETUNREACH); retried every HTTP_RETRY_MS, HTTP_TRIES times */
	struct tmr htmr;
	struct sa hsa;
	char hpath[ESG_CONF_PROV_FILE_LEN];
	unsigned int htries;
	struct cp_syslog *slog;
	struct cp_snmp_notify *snmp;	 /* eUE-25 round in flight */
	struct cp_snmp_notify *snmp_old; /* finished: freed later */
	uint64_t start_ms;		 /* for sysUpTime.0 */
	bool started;
	/* ADDR_PROBE in flight per family (0 IPv4, 1 IPv6): its token (0:
	 * none), address, and the time-out */
	uint32_t token;
	uint32_t ptoken[2];
	uint8_t paddr[2][16];
	/* the outcome, handed to cp_prov from ptmr (not from inside cp_dp's
	 * dispatch: cp_prov then sends IF_ADDR_ADD, and a command sent from a
	 * RESULT / event handler with a clock newer than the poll's is timed
	 * out at once by cp_dp) */
	enum { PROBE_DELAY, PROBE_WAIT, PROBE_FREE, PROBE_CONFLICT } pout[2];
	struct tmr ptmr[2];
};

static const char *const probe_what[2] = {"ARP probe", "DAD"};

static int64_t
wall_s(void)
{
	return (int64_t)time(NULL);
}

static void rearm(struct cp_prov_run *r);

static void
timer_h(void *arg)
{
	struct cp_prov_run *r = arg;

	(void)cp_prov_timer(&r->p, tmr_jiffies(), wall_s(), rand_u32());
	rearm(r);
}

static void
rearm(struct cp_prov_run *r)
{
	uint64_t next = cp_prov_next_ms(&r->p), now = tmr_jiffies();

	if (next == 0) {
		tmr_cancel(&r->tmr);
		return;
	}
	tmr_start(&r->tmr, next > now ? next - now : 0, timer_h, r);
}

static void
rx_h(int flags, void *arg)
{
	struct cp_prov_run *r = arg;
	uint8_t buf[1500];
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	ssize_t n;

	(void)flags;
	n = recvfrom(r->rx_fd, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&src, &sl);
	if (n <= 0)
		return;
	/* only the server port answers a client (RFC 2131 4.1) */
	if (sl < sizeof(src) || ntohs(src.sin_port) != DHCP4_SERVER_PORT)
		return;
	(void)cp_prov_dhcp4_recv(&r->p, buf, (size_t)n, tmr_jiffies(), wall_s(),
				 rand_u32());
	rearm(r);
}

static void
rx6_h(int flags, void *arg)
{
	struct cp_prov_run *r = arg;
	uint8_t buf[1500];
	struct sockaddr_in6 src;
	socklen_t sl = sizeof(src);
	ssize_t n;

	(void)flags;
	n = recvfrom(r->fd6, buf, sizeof(buf), MSG_DONTWAIT,
		     (struct sockaddr *)&src, &sl);
	if (n <= 0)
		return;
	/* RFC 8415 7.2: servers send from port 547 */
	if (sl < sizeof(src) || ntohs(src.sin6_port) != DHCP6_SERVER_PORT)
		return;
	(void)cp_prov_dhcp6_recv(&r->p, buf, (size_t)n, tmr_jiffies(), wall_s(),
				 rand_u32());
	rearm(r);
}

/* RFC 8415 13.1 / 7.1: from the link-local address to ff02::1:2 port 547
 * on the WAN exception interface (the dataplane maps the group to
 * 33:33:00:01:00:02 on the way out). */
static int
dhcp6_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct cp_prov_run *r = arg;
	struct sockaddr_in6 dst;

	if (r->fd6 < 0)
		return ENOTCONN;
	memset(&dst, 0, sizeof(dst));
	dst.sin6_family = AF_INET6;
	dst.sin6_port = htons(DHCP6_SERVER_PORT);
	inet_pton(AF_INET6, "ff02::1:2", &dst.sin6_addr);
	dst.sin6_scope_id = (uint32_t)r->ifindex;
	if (sendto(r->fd6, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) <
	    0)
		return errno;
	return 0;
}

/* RFC 1071 one's complement sum. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* IPv4 (RFC 791) + UDP (RFC 768) around the DHCP payload, written to the
 * exception interface as the kernel would write a packet. */
static int
dhcp4_send(void *arg, const uint8_t *pkt, size_t len, struct in_addr src,
	   struct in_addr dst)
{
	struct cp_prov_run *r = arg;
	uint8_t b[20 + 8 + 1500];
	struct sockaddr_ll ll;
	uint16_t ulen = (uint16_t)(8 + len), tot = (uint16_t)(20 + 8 + len);
	uint16_t c;
	uint32_t sum;

	if (r->tx_fd < 0)
		return ENOTCONN;
	if (len > 1500 - 28)
		return EMSGSIZE;
	memset(b, 0, 28);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[8] = 64; /* TTL */
	b[9] = IPPROTO_UDP;
	memcpy(b + 12, &src.s_addr, 4);
	memcpy(b + 16, &dst.s_addr, 4);
	c = csum_fold(csum_add(0, b, 20));
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
	b[20] = 0;
	b[21] = DHCP4_CLIENT_PORT;
	b[22] = 0;
	b[23] = DHCP4_SERVER_PORT;
	b[24] = (uint8_t)(ulen >> 8);
	b[25] = (uint8_t)ulen;
	memcpy(b + 28, pkt, len);
	/* RFC 768: pseudo header (src, dst, 0, proto, length) */
	sum = csum_add(0, b + 12, 8);
	sum += IPPROTO_UDP + ulen;
	sum = csum_add(sum, b + 20, ulen);
	c = csum_fold(sum);
	if (c == 0)
		c = 0xffff;
	b[26] = (uint8_t)(c >> 8);
	b[27] = (uint8_t)c;
	memset(&ll, 0, sizeof(ll));
	ll.sll_family = AF_PACKET;
	ll.sll_protocol = htons(ETH_P_IP);
	ll.sll_ifindex = r->ifindex;
	if (sendto(r->tx_fd, b, tot, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
		return errno;
	return 0;
}

static void
addr_result_h(const union dp_msg *cmd, int status, void *arg)
{
	char a[INET6_ADDRSTRLEN] = "?";

	(void)arg;
	inet_ntop(cmd->if_addr.family == AF_INET6 ? AF_INET6 : AF_INET,
		  cmd->if_addr.addr, a, sizeof(a));
	if (status == 0 || status == -EEXIST)
		cp_info("provisioning: %s %s/%u in the dataplane",
			dp_msg_name(cmd->hdr.type), a, cmd->if_addr.prefixlen);
	else
		cp_err("provisioning: %s %s/%u refused by the dataplane: %s",
		       dp_msg_name(cmd->hdr.type), a, cmd->if_addr.prefixlen,
		       strerror(status < 0 ? -status : status));
}

/* A leased address into / out of cp_addrs; again after an attach is
 * EALREADY (nothing changes). */
static void
own_addr(struct cp_prov_run *r, bool add, const struct sa *sa, uint8_t plen)
{
	unsigned int ifc = (unsigned int)r->conf->prov.iface;
	int err = add ? cp_addrs_add(ifc, sa, plen) : cp_addrs_del(ifc, sa);

	char txt[64];

	if (err == 0 || err == EALREADY || err == ENOENT)
		return;
	re_snprintf(txt, sizeof(txt), "%j", sa);
	cp_err("provisioning: own address %s: %s", txt, strerror(err));
}

/* The own address: the same IF_ADDR path as the configured ones
 * (cp_state.c); the dataplane adds it to the exception interface. */
static int
addr_io(void *arg, bool add, struct in_addr a, uint8_t plen)
{
	struct cp_prov_run *r = arg;
	struct esg_conf_addr ca;
	union dp_msg m;
	struct sa sa;

	/* the control plane's own-address table first (issue 5 hand-off:
	 * SIP listens on it, routing and media use it; cp_addrs.h) */
	sa_set_in(&sa, ntohl(a.s_addr), 0);
	own_addr(r, add, &sa, plen);
	if (r->dp == NULL)
		return ENOTCONN;
	memset(&ca, 0, sizeof(ca));
	ca.family = AF_INET;
	ca.prefixlen = plen;
	ca.u.v4 = a;
	cp_state_if_addr(&m, (uint16_t)r->conf->prov.iface, &ca);
	if (!add)
		m.hdr.type = DP_MSG_IF_ADDR_DEL;
	return cp_dp_send(r->dp, &m, dp_shm_now_ns(), addr_result_h, r);
}

/* The leased IPv6 address, the same way. */
static int
addr6_io(void *arg, bool add, const struct in6_addr *a, uint8_t plen)
{
	struct cp_prov_run *r = arg;
	struct esg_conf_addr ca;
	union dp_msg m;
	struct sa sa;

	memset(&sa, 0, sizeof(sa));
	sa_set_in6(&sa, a->s6_addr, 0);
	own_addr(r, add, &sa, plen);
	if (r->dp == NULL)
		return ENOTCONN;
	memset(&ca, 0, sizeof(ca));
	ca.family = AF_INET6;
	ca.prefixlen = plen;
	ca.u.v6 = *a;
	cp_state_if_addr(&m, (uint16_t)r->conf->prov.iface, &ca);
	if (!add)
		m.hdr.type = DP_MSG_IF_ADDR_DEL;
	return cp_dp_send(r->dp, &m, dp_shm_now_ns(), addr_result_h, r);
}

static int
fam_idx(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

/* The probe of family fi is over: hand its outcome to cp_prov. */
static void
probe_done(struct cp_prov_run *r, int fi, bool conflict)
{
	r->ptoken[fi] = 0;
	tmr_cancel(&r->ptmr[fi]);
	(void)cp_prov_probe_result(&r->p, fi ? AF_INET6 : AF_INET, conflict,
				   tmr_jiffies(), wall_s(), rand_u32());
	rearm(r);
}

static int probe_send(struct cp_prov_run *r, int fi);

/* ptmr: the random wait before the first probe is over; or the outcome
 * (set by the RESULT / ADDR_PROBED handlers); or the time-out when the
 * dataplane never answered. */
static void
probe_tmr(struct cp_prov_run *r, int fi)
{
	char a[INET6_ADDRSTRLEN];
	int err;

	if (r->ptoken[fi] == 0)
		return;
	inet_ntop(fi ? AF_INET6 : AF_INET, r->paddr[fi], a, sizeof(a));
	if (r->pout[fi] == PROBE_DELAY) {
		err = probe_send(r, fi);
		if (err == 0)
			return;
		cp_warn("provisioning: %s: %s not run: %s; taken as free", a,
			probe_what[fi], strerror(err));
		probe_done(r, fi, false);
		return;
	}
	if (r->pout[fi] != PROBE_WAIT) {
		probe_done(r, fi, r->pout[fi] == PROBE_CONFLICT);
		return;
	}
	cp_warn("provisioning: %s: %s not finished: no ADDR_PROBED from the "
		"dataplane (restarted?); taken as free",
		a, probe_what[fi]);
	probe_done(r, fi, false);
}

static void
probe_tmr4_h(void *arg)
{
	probe_tmr(arg, 0);
}

static void
probe_tmr6_h(void *arg)
{
	probe_tmr(arg, 1);
}

/* Hand the outcome over from the loop, outside cp_dp's dispatch. */
static void
probe_outcome(struct cp_prov_run *r, int fi, bool conflict)
{
	r->pout[fi] = conflict ? PROBE_CONFLICT : PROBE_FREE;
	tmr_start(&r->ptmr[fi], 0, fi ? probe_tmr6_h : probe_tmr4_h, r);
}

/* The RESULT of ADDR_PROBE: 0 = started (ADDR_PROBED follows). */
static void
probe_result_h(const union dp_msg *cmd, int status, void *arg)
{
	struct cp_prov_run *r = arg;
	const struct dp_msg_addr_probe *m = &cmd->addr_probe;
	int fi = fam_idx(m->family);
	char a[INET6_ADDRSTRLEN];

	if (status == 0 || r->ptoken[fi] != m->token)
		return;
	inet_ntop(fi ? AF_INET6 : AF_INET, m->addr, a, sizeof(a));
	if (status == -EOPNOTSUPP)
		cp_warn("provisioning: %s: %s not run: dataplane has no probe",
			a, probe_what[fi]);
	else
		cp_warn("provisioning: %s: %s not run: the dataplane answered "
			"%s; taken as free",
			a, probe_what[fi], strerror(-status));
	probe_outcome(r, fi, false);
}

/* ADDR_PROBED (cp_dp_set_probe_h). */
static void
probed_h(const struct dp_msg_addr_probed *evt, uint64_t now_ns, void *arg)
{
	struct cp_prov_run *r = arg;
	int fi = fam_idx(evt->family);
	char a[INET6_ADDRSTRLEN];

	(void)now_ns;
	if (r->ptoken[fi] == 0 || r->ptoken[fi] != evt->token)
		return; /* not ours, or timed out already */
	inet_ntop(fi ? AF_INET6 : AF_INET, evt->addr, a, sizeof(a));
	if (evt->conflict)
		cp_notice("provisioning: %s: %s: in use by "
			  "%02x:%02x:%02x:%02x:%02x:%02x",
			  a, probe_what[fi], evt->mac[0], evt->mac[1],
			  evt->mac[2], evt->mac[3], evt->mac[4], evt->mac[5]);
	else
		cp_notice("provisioning: %s: %s: free", a, probe_what[fi]);
	probe_outcome(r, fi, evt->conflict != 0);
}

/* ADDR_PROBE for the address of family fi; ptmr then times it out. */
static int
probe_send(struct cp_prov_run *r, int fi)
{
	uint8_t n = fi ? DAD6_NUM : PROBE4_NUM;
	uint32_t iv = fi ? DAD6_IV_MS : PROBE4_IV_MS;
	int err;

	if (r->dp == NULL)
		return ENOTCONN;
	r->pout[fi] = PROBE_WAIT;
	err = cp_dp_addr_probe(r->dp, (uint16_t)r->conf->prov.iface,
			       fi ? AF_INET6 : AF_INET, r->paddr[fi], n, iv,
			       r->ptoken[fi], dp_shm_now_ns(), probe_result_h,
			       r);
	if (err)
		return err;
	tmr_start(&r->ptmr[fi], (uint64_t)n * iv + PROBE_SLACK_MS,
		  fi ? probe_tmr6_h : probe_tmr4_h, r);
	return 0;
}

/* io->probe: RFC 2131 4.4.1 / RFC 5227 ARP probe, RFC 4862 5.4 DAD. */
static int
probe_io(void *arg, int family, const void *addr)
{
	struct cp_prov_run *r = arg;
	int fi = fam_idx(family), err;

	if (r->dp == NULL)
		return ENOTCONN;
	if (++r->token == 0)
		r->token = 1;
	memset(r->paddr[fi], 0, 16);
	memcpy(r->paddr[fi], addr, fi ? 16 : 4);
	r->ptoken[fi] = r->token;
	if (fi == 0) {
		/* RFC 5227 2.1.1: a random 0..PROBE_WAIT first */
		r->pout[fi] = PROBE_DELAY;
		tmr_start(&r->ptmr[fi], rand_u32() % (PROBE4_WAIT_MS + 1),
			  probe_tmr4_h, r);
		return 0;
	}
	err = probe_send(r, fi);
	if (err)
		r->ptoken[fi] = 0;
	return err;
}

static void
gw_result_h(const union dp_msg *cmd, int status, void *arg)
{
	char a[INET6_ADDRSTRLEN] = "none";

	(void)arg;
	if (!cmd->if_gw.clear)
		inet_ntop(cmd->if_gw.family == AF_INET6 ? AF_INET6 : AF_INET,
			  cmd->if_gw.addr, a, sizeof(a));
	if (status == 0)
		cp_info("provisioning: default gateway %s in the dataplane", a);
	else
		cp_err("provisioning: default gateway %s refused by the "
		       "dataplane: %s",
		       a, strerror(status < 0 ? -status : status));
}

/* io->gw: DHCPv4 option 3 as the interface's default gateway. */
static int
gw_io(void *arg, int family, const void *addr)
{
	struct cp_prov_run *r = arg;

	if (r->dp == NULL)
		return ENOTCONN;
	return cp_dp_if_gw(r->dp, (uint16_t)r->conf->prov.iface, family, addr,
			   dp_shm_now_ns(), gw_result_h, r);
}

static void
host_sa(const struct esg_conf_host *h, struct sa *sa)
{
	sa_init(sa, h->family);
	if (h->family == AF_INET)
		sa_set_in(sa, ntohl(h->u.v4.s_addr), h->port);
	else
		sa_set_in6(sa, h->u.v6.s6_addr, h->port);
}

static void
fetch_done_h(int err, const uint8_t *data, size_t len, uint16_t code,
	     const char *msg, void *arg)
{
	struct cp_prov_run *r = arg;

	/* the fetch object is freed at the next fetch or at the end: not
	 * from inside its own handler */
	cp_prov_fetch_done(&r->p, err, data, len, code, msg, wall_s());
	rearm(r);
}

static void
http_done_h(int err, const uint8_t *data, size_t len, uint16_t status,
	    const char *msg, void *arg)
{
	struct cp_prov_run *r = arg;

	cp_prov_fetch_done(&r->p, err, data, len, status, msg, wall_s());
	rearm(r);
}

#define HTTP_RETRY_MS 250
#define HTTP_TRIES 20

static void
http_try_h(void *arg)
{
	struct cp_prov_run *r = arg;
	struct cp_http_cfg hc;
	int err;

	memset(&hc, 0, sizeof(hc));
	hc.path = r->hpath;
	err = cp_http_fetch(&r->http, &r->hsa, &hc, http_done_h, r);
	if ((err == ENETUNREACH || err == EADDRNOTAVAIL) &&
	    ++r->htries < HTTP_TRIES) {
		tmr_start(&r->htmr, HTTP_RETRY_MS, http_try_h, r);
		return;
	}
	if (err) {
		cp_prov_fetch_done(&r->p, err, NULL, 0, 0, NULL, wall_s());
		rearm(r);
	}
}

static int
fetch_io(void *arg, const struct esg_conf_host *srv, const char *file)
{
	struct cp_prov_run *r = arg;
	struct esg_conf_host hs;
	struct cp_tftp_cfg cfg;
	const char *path;
	struct sa sa;

	r->fetch = mem_deref(r->fetch);
	r->http = mem_deref(r->http);
	if (strncmp(file, "http://", 7) == 0) {
		/* spec 000 8.1.3, 001 eUE-22: HTTP from the URL's server
		 * (an address: no DNS at this step), path as given (URL-
		 * encoded already, eUE-19 note 1) */
		if (esg_conf_http_url_parse(file, &hs, &path) != 0) {
			cp_err("provisioning: '%s' is not http://ADDRESS"
			       "[:port]/path",
			       file);
			return EINVAL;
		}
		snprintf(r->hpath, sizeof(r->hpath), "%s", path);
		host_sa(&hs, &r->hsa);
		r->htries = 0;
		tmr_start(&r->htmr, 0, http_try_h, r);
		return 0;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.file = file;
	cfg.tsize = true; /* RFC 2349: refuse an oversized file early */
	/* blksize 0: cp_tftp_fetch picks 1448 (IPv4, 6.3.3) / 1428
	 * (IPv6, eUE-22) */
	host_sa(srv, &sa);
	return cp_tftp_fetch(&r->fetch, &sa, &cfg, fetch_done_h, r);
}

static int
syslog_io(void *arg, const struct esg_conf_host *srv,
	  const struct cp_syslog_msg *m)
{
	struct cp_prov_run *r = arg;
	struct sa sa;
	int err;

	host_sa(srv, &sa);
	if (r->slog == NULL) {
		err = cp_syslog_alloc(&r->slog, &sa,
				      r->conf->prov.syslog_fmt ==
						      ESG_PROV_SYSLOG_RFC3164
					      ? CP_SYSLOG_RFC3164
					      : CP_SYSLOG_RFC5424,
				      NULL);
		if (err)
			return err;
	} else {
		/* spec 001 6.3.5: a changed server is used at once */
		cp_syslog_set_server(r->slog, &sa);
	}
	return cp_syslog_send(r->slog, m);
}

static void
settings_io(void *arg, const struct cp_cfgfile_settings *s)
{
	(void)arg;
	/* Not handed to SIP (docs/provisioning.md "Hand-off to SIP"): SIP
	 * follows the configuration's "sip" section; said in the log. */
	cp_notice("provisioning: settings from the file: stack %d, "
		  "signalling family %d, media family %d, trunk proxy '%s', "
		  "trunk domain '%s', syslog level %d, sip port %u (recorded, "
		  "not applied: SIP follows the configuration)",
		  (int)s->stack, (int)s->sig_family, (int)s->media_family,
		  s->trunk_proxy, s->trunk_domain, s->syslog_level,
		  s->sip_port);
}

static void
snmp_done_h(const struct cp_snmp_result *res, unsigned int n, void *arg)
{
	struct cp_prov_run *r = arg;
	struct cp_prov_inform out[CP_PROV_MAX_INFORM];
	unsigned int i, nf = r->p.nb_notify;

	if (n > CP_PROV_MAX_INFORM)
		n = CP_PROV_MAX_INFORM;
	memset(out, 0, sizeof(out));
	for (i = 0; i < n; i++) {
		snprintf(out[i].addr, sizeof(out[i].addr), "%s",
			 res[i].addr[0] ? res[i].addr : "-");
		out[i].type = res[i].type;
		/* the file's receivers were added first */
		out[i].from_file = i < nf;
		out[i].err = res[i].err;
		out[i].acked = res[i].acked;
		out[i].sends = res[i].sends;
	}
	/* not freed from inside its own handler */
	mem_deref(r->snmp_old);
	r->snmp_old = r->snmp;
	r->snmp = NULL;
	cp_prov_inform_done(&r->p, out, n);
}

static int
inform_io(void *arg, bool pass, const char *reason,
	  const struct cp_cfgfile_notify *rcv, unsigned int n, bool ipv6)
{
	struct cp_prov_run *r = arg;
	const struct esg_conf_prov *c = &r->conf->prov;
	const struct cp_prov_status *st = &r->p.st;
	struct cp_snmp_prov_status ss;
	struct cp_cfgfile *cf = NULL;
	unsigned int i;
	struct sa sa;
	int err;

	/* a round still running is superseded by the newer status */
	r->snmp = mem_deref(r->snmp);
	err = cp_snmp_notify_alloc(&r->snmp, c->snmp_community, snmp_done_h, r);
	if (err)
		return err;
	if (n > 0) {
		/* cp_snmp_notify_add_cfgfile reads a whole parsed file */
		cf = mem_zalloc(sizeof(*cf), NULL);
		if (cf == NULL) {
			err = ENOMEM;
			goto out;
		}
		if (n > CP_CFGFILE_MAX_NOTIFY)
			n = CP_CFGFILE_MAX_NOTIFY;
		memcpy(cf->notify, rcv, n * sizeof(*rcv));
		cf->nb_notify = n;
		err = cp_snmp_notify_add_cfgfile(r->snmp, cf, ipv6);
		if (err)
			goto out;
	}
	for (i = 0; i < c->nb_snmp; i++) {
		host_sa(&c->snmp[i], &sa);
		err = cp_snmp_notify_add(r->snmp, &sa, CP_SNMP_INFORM_V2C, 0,
					 CP_SNMP_RETRIES);
		if (err)
			goto out;
	}
	memset(&ss, 0, sizeof(ss));
	ss.pass = pass;
	ss.reason = reason;
	ss.file = st->cfg_file;
	ss.has_wan4 = st->have_lease;
	memcpy(ss.wan4, &st->addr, 4);
	ss.has_wan6 = st->have_lease6;
	memcpy(ss.wan6, &st->addr6, 16);
	ss.uptime_cs = (uint32_t)((tmr_jiffies() - r->start_ms) / 10);
	err = cp_snmp_notify_start(r->snmp, &ss);
out:
	mem_deref(cf);
	if (err)
		r->snmp = mem_deref(r->snmp);
	return err;
}

static const struct cp_prov_io run_io = {
	.dhcp4_send = dhcp4_send,
	.addr = addr_io,
	.fetch = fetch_io,
	.syslog = syslog_io,
	.settings = settings_io,
	.dhcp6_send = dhcp6_send,
	.addr6 = addr6_io,
	.probe = probe_io,
	.gw = gw_io,
	.inform = inform_io,
};

static void
destructor(void *arg)
{
	struct cp_prov_run *r = arg;

	tmr_cancel(&r->tmr);
	tmr_cancel(&r->htmr);
	tmr_cancel(&r->ptmr[0]);
	tmr_cancel(&r->ptmr[1]);
	if (r->rx_fd >= 0) {
		fd_close(r->rx_fd);
		close(r->rx_fd);
	}
	if (r->tx_fd >= 0)
		close(r->tx_fd);
	if (r->fd6 >= 0) {
		fd_close(r->fd6);
		close(r->fd6);
	}
	mem_deref(r->fetch);
	mem_deref(r->http);
	mem_deref(r->slog);
	mem_deref(r->snmp);
	mem_deref(r->snmp_old);
}

int
cp_prov_run_alloc(struct cp_prov_run **rp, const struct esg_conf *conf)
{
	struct cp_prov_run *r;

	if (rp == NULL || conf == NULL || !conf->prov.enabled ||
	    conf->prov.iface < 0)
		return EINVAL;
	r = mem_zalloc(sizeof(*r), destructor);
	if (r == NULL)
		return ENOMEM;
	r->conf = conf;
	r->rx_fd = -1;
	r->tx_fd = -1;
	r->fd6 = -1;
	tmr_init(&r->tmr);
	tmr_init(&r->htmr);
	tmr_init(&r->ptmr[0]);
	tmr_init(&r->ptmr[1]);
	snprintf(r->ifname, sizeof(r->ifname), "%s",
		 conf->iface[conf->prov.iface].exception);
	cp_prov_init(&r->p, &conf->prov, &run_io, r);
	r->start_ms = tmr_jiffies();
	if (gethostname(r->p.hostname, sizeof(r->p.hostname) - 1) != 0)
		r->p.hostname[0] = '\0';
	*rp = r;
	return 0;
}

/* RFC 4291 2.5.6 / Appendix A: fe80::/64 + modified EUI-64 of the MAC,
 * the address the dataplane gives the port and its exception interface
 * (docs/dataplane.md "Link-local address"). */
static void
link_local(const uint8_t mac[6], struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[8] = mac[0] ^ 0x02;
	a->s6_addr[9] = mac[1];
	a->s6_addr[10] = mac[2];
	a->s6_addr[11] = 0xff;
	a->s6_addr[12] = 0xfe;
	a->s6_addr[13] = mac[3];
	a->s6_addr[14] = mac[4];
	a->s6_addr[15] = mac[5];
}

/* DHCPv6 client socket: UDP bound to [link-local%exception]:546 (RFC
 * 8415 13.1: the client sends from its link-local address; the servers'
 * unicast replies come to it). */
static int
open_socket6(struct cp_prov_run *r, const uint8_t mac[6])
{
	struct sockaddr_in6 sin6;
	int on = 1, hops = 1;

	r->ifindex = (int)if_nametoindex(r->ifname);
	if (r->ifindex == 0)
		return errno ? errno : ENODEV;
	link_local(mac, &r->ll);
	r->fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->fd6 < 0)
		return errno;
	if (setsockopt(r->fd6, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    setsockopt(r->fd6, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) ||
	    setsockopt(r->fd6, SOL_SOCKET, SO_BINDTODEVICE, r->ifname,
		       (socklen_t)strlen(r->ifname)) ||
	    setsockopt(r->fd6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &r->ifindex,
		       sizeof(r->ifindex)) ||
	    setsockopt(r->fd6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)))
		return errno;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(DHCP6_CLIENT_PORT);
	sin6.sin6_addr = r->ll;
	sin6.sin6_scope_id = (uint32_t)r->ifindex;
	if (bind(r->fd6, (struct sockaddr *)&sin6, sizeof(sin6)))
		return errno;
	return fd_listen(r->fd6, FD_READ, rx6_h, r);
}

static int
open_sockets(struct cp_prov_run *r)
{
	struct sockaddr_in sin;
	int on = 1, err;

	r->ifindex = (int)if_nametoindex(r->ifname);
	if (r->ifindex == 0)
		return errno ? errno : ENODEV;
	r->rx_fd =
		socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (r->rx_fd < 0)
		return errno;
	if (setsockopt(r->rx_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    setsockopt(r->rx_fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) ||
	    setsockopt(r->rx_fd, SOL_SOCKET, SO_BINDTODEVICE, r->ifname,
		       (socklen_t)strlen(r->ifname)))
		return errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(DHCP4_CLIENT_PORT);
	if (bind(r->rx_fd, (struct sockaddr *)&sin, sizeof(sin)))
		return errno;
	/* send only: protocol 0 receives nothing */
	r->tx_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r->tx_fd < 0)
		return errno;
	err = fd_listen(r->rx_fd, FD_READ, rx_h, r);
	return err;
}

void
cp_prov_run_attach(struct cp_prov_run *r, struct cp_dp *dp, uint64_t now_ns)
{
	struct dp_shm *shm = cp_dp_shm(dp);
	const uint8_t *mac;
	int err;

	(void)now_ns;
	r->dp = dp;
	cp_dp_set_probe_h(dp, probed_h, r);
	if (r->started) {
		/* a new dataplane epoch starts without the lease */
		cp_prov_reapply(&r->p);
		return;
	}
	if (shm == NULL)
		return;
	r->started = true;
	mac = dp_shm_stats(shm)->port[r->conf->prov.iface].mac;
	if (r->conf->prov.mode == ESG_PROV_DHCP &&
	    r->conf->prov.stack != ESG_PROV_STACK_IPV6) {
		err = open_sockets(r);
		if (err) {
			cp_err("provisioning: DHCPv4 sockets on %s: %s",
			       r->ifname, strerror(err));
			return;
		}
		cp_info("provisioning: DHCPv4 on %s (ifindex %d), chaddr "
			"%02x:%02x:%02x:%02x:%02x:%02x",
			r->ifname, r->ifindex, mac[0], mac[1], mac[2], mac[3],
			mac[4], mac[5]);
	}
	if (r->conf->prov.mode == ESG_PROV_DHCP &&
	    r->conf->prov.stack != ESG_PROV_STACK_IPV4) {
		char ll[INET6_ADDRSTRLEN];

		err = open_socket6(r, mac);
		inet_ntop(AF_INET6, &r->ll, ll, sizeof(ll));
		if (err) {
			cp_err("provisioning: DHCPv6 socket [%s%%%s]:546: %s",
			       ll, r->ifname, strerror(err));
			return;
		}
		cp_info("provisioning: DHCPv6 on %s (ifindex %d) from "
			"[%s]:546",
			r->ifname, r->ifindex, ll);
	}
	err = cp_prov_start(&r->p, mac, tmr_jiffies(), wall_s(), rand_u32());
	if (err)
		cp_err("provisioning: start: %s", strerror(err));
	rearm(r);
}

const struct cp_prov *
cp_prov_run_prov(const struct cp_prov_run *r)
{
	return &r->p;
}

void
cp_prov_run_stop(struct cp_prov_run *r)
{
	if (r == NULL)
		return;
	tmr_cancel(&r->tmr);
	cp_prov_stop(&r->p);
	cp_prov_log_status(&r->p);
}
