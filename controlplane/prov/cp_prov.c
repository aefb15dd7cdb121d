/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning orchestrator's logic (cp_prov.h): spec 000 8.1.3,
 * spec 001 6.1 (flows), 6.3.4 (eUE-22 download, eUE-23 file check,
 * eUE-24 "provisioning complete"), 6.3.5 (renewal rules, in cp_dhcp4).
 * Pure: time, random numbers and I/O come through the arguments and
 * struct cp_prov_io.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_log.h"
#include "cp_prov.h"

static const char *const state_names[] = {
	[CP_PROV_WAITING] = "waiting",	  [CP_PROV_DHCP] = "dhcp",
	[CP_PROV_CONFIG] = "config-file", [CP_PROV_DONE] = "done",
	[CP_PROV_FAILED] = "failed",
};

const char *
cp_prov_state_name(enum cp_prov_state s)
{
	if ((unsigned int)s < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[s];
	return "?";
}

static const char *
ntoa4(struct in_addr a, char *buf, size_t n)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)n);
}

static const char *
host_str(const struct esg_conf_host *h, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if (h->family == 0) {
		snprintf(buf, n, "none");
		return buf;
	}
	inet_ntop(h->family, &h->u, a, sizeof(a));
	if (h->family == AF_INET6)
		snprintf(buf, n, "[%s]:%u", a, h->port);
	else
		snprintf(buf, n, "%s:%u", a, h->port);
	return buf;
}

/* One log line per transition (docs/provisioning.md "Running it"). */
static void
set_state(struct cp_prov *p, enum cp_prov_state s, const char *why)
{
	if (p->st.state == s)
		return;
	cp_notice("provisioning: %s -> %s (%s)",
		  cp_prov_state_name(p->st.state), cp_prov_state_name(s), why);
	p->st.state = s;
	p->st.transitions++;
}

void
cp_prov_init(struct cp_prov *p, const struct esg_conf_prov *conf,
	     const struct cp_prov_io *io, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->conf = conf;
	p->io = io;
	p->arg = arg;
	p->st.state = CP_PROV_WAITING;
	cp_cfgfile_settings_init(&p->st.settings);
	if (conf->syslog.family != 0)
		p->st.syslog = conf->syslog;
}

/* eUE-24: the "provisioning complete" event, pass or fail. */
static void
report(struct cp_prov *p, bool pass, const char *reason)
{
	struct cp_syslog_param param[3];
	struct cp_syslog_msg m;
	char b[64];
	int err;

	if (pass) {
		p->st.last_error[0] = '\0';
		set_state(p, CP_PROV_DONE, "provisioning complete: pass");
	} else {
		snprintf(p->st.last_error, sizeof(p->st.last_error), "%s",
			 reason);
		cp_err("provisioning failed: %s", reason);
		set_state(p, CP_PROV_FAILED, "provisioning complete: fail");
	}
	if (p->st.syslog.family == 0) {
		cp_warn("provisioning: no syslog server (none from DHCP, none "
			"configured): the %s event is not sent",
			pass ? "pass" : "fail");
		return;
	}
	cp_syslog_prov_event(&m, param, pass,
			     p->st.cfg_file[0] ? p->st.cfg_file : "-",
			     pass ? NULL : reason);
	m.time_s = p->wall_s;
	m.hostname = p->hostname[0] ? p->hostname : NULL;
	err = p->io->syslog(p->arg, &p->st.syslog, &m);
	if (err)
		cp_err("provisioning: syslog event to %s: %s",
		       host_str(&p->st.syslog, b, sizeof(b)), strerror(err));
	else
		p->st.events_sent++;
}

/* spec 000 8.1.3 / eUE-22: where the configuration file is. */
static int
locate_file(struct cp_prov *p)
{
	struct in_addr srv;
	const char *file;

	if (p->conf->cfg_server.family != 0) { /* configured */
		p->st.cfg_server = p->conf->cfg_server;
		snprintf(p->st.cfg_file, sizeof(p->st.cfg_file), "%s",
			 p->conf->cfg_file);
		return 0;
	}
	if (!p->dhcp4_on || cp_dhcp4_config_file(&p->dhcp4, &srv, &file))
		return ENOENT;
	memset(&p->st.cfg_server, 0, sizeof(p->st.cfg_server));
	p->st.cfg_server.family = AF_INET;
	p->st.cfg_server.u.v4 = srv;
	snprintf(p->st.cfg_file, sizeof(p->st.cfg_file), "%s", file);
	return 0;
}

static void
fetch_file(struct cp_prov *p)
{
	char b[64], reason[CP_PROV_ERR_LEN];
	int err;

	if (locate_file(p) != 0) {
		/* spec 000 8.1.3: the ESG downloads a configuration file;
		 * without one there is nothing to provision from */
		report(p, false,
		       "no configuration file: the lease has no siaddr/file "
		       "and none is configured");
		return;
	}
	set_state(p, CP_PROV_CONFIG, "fetching the configuration file");
	cp_info("provisioning: TFTP %s from %s", p->st.cfg_file,
		host_str(&p->st.cfg_server, b, sizeof(b)));
	err = p->io->fetch(p->arg, &p->st.cfg_server, p->st.cfg_file);
	if (err) {
		snprintf(reason, sizeof(reason), "TFTP %s: %s", p->st.cfg_file,
			 strerror(err));
		report(p, false, reason);
	}
}

void
cp_prov_fetch_done(struct cp_prov *p, int err, const uint8_t *data, size_t len,
		   uint16_t code, const char *msg, int64_t wall_s)
{
	struct cp_cfgfile_settings s = p->st.settings;
	struct cp_cfgfile_err cerr;
	char reason[CP_PROV_ERR_LEN];

	p->wall_s = wall_s;
	if (p->st.state != CP_PROV_CONFIG)
		return; /* the lease went away meanwhile */
	if (err) {
		if (err == EPROTO)
			snprintf(reason, sizeof(reason), "TFTP ERROR %u %s",
				 code, msg ? msg : "");
		else
			snprintf(reason, sizeof(reason), "TFTP %s: %s%s%s",
				 p->st.cfg_file, strerror(err), msg ? ": " : "",
				 msg ? msg : "");
		p->st.files_refused++;
		report(p, false, reason);
		return;
	}
	/* eUE-23: the file is checked whole (hash when it has one) before
	 * anything of it is used; a refused file leaves the settings. */
	memset(&cerr, 0, sizeof(cerr));
	err = cp_cfgfile_parse(data, len, NULL, &p->cf, &cerr);
	if (!err)
		err = cp_cfgfile_apply(&p->cf, &s, &cerr);
	if (err) {
		snprintf(reason, sizeof(reason), "configuration file %s: %s",
			 p->st.cfg_file,
			 cerr.reason[0] ? cerr.reason : strerror(err));
		p->st.files_refused++;
		report(p, false, reason);
		return;
	}
	p->st.settings = s;
	p->st.files_ok++;
	cp_info("provisioning: configuration file %s applied (%zu bytes, %u "
		"varbinds, %u receivers)",
		p->st.cfg_file, len, p->cf.nb_vb, p->cf.nb_notify);
	if (p->io->settings != NULL)
		p->io->settings(p->arg, &p->st.settings);
	report(p, true, NULL);
}

static uint8_t
mask_len(struct in_addr m)
{
	uint32_t v = ntohl(m.s_addr);
	uint8_t n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	return n;
}

/* The servers of the lease (6.3.5: DNS and syslog used at once). */
static void
take_servers(struct cp_prov *p, const struct esg_dhcp4_msg *l)
{
	p->st.n_routers = l->n_routers;
	memcpy(p->st.routers, l->routers, sizeof(p->st.routers));
	p->st.n_dns = l->n_dns;
	memcpy(p->st.dns, l->dns, sizeof(p->st.dns));
	/* spec 001 6.1 / eUE-24: the first syslog server from DHCP, unless
	 * the configuration names one */
	if (p->conf->syslog.family == 0) {
		memset(&p->st.syslog, 0, sizeof(p->st.syslog));
		if (l->n_log > 0) {
			p->st.syslog.family = AF_INET;
			p->st.syslog.u.v4 = l->log[0];
		}
	}
}

static void
lease_apply(struct cp_prov *p)
{
	const struct esg_dhcp4_msg *l = &p->dhcp4.lease;
	char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN] = "none";
	char d[INET_ADDRSTRLEN] = "none", lg[INET_ADDRSTRLEN] = "none";
	char sv[INET_ADDRSTRLEN];
	int err;

	p->st.have_lease = true;
	p->st.addr = l->yiaddr;
	/* RFC 2132 3.3: the subnet mask; a lease without one is a host */
	p->st.plen = (l->present & ESG_DHCP4_HAS_MASK) ? mask_len(l->mask) : 32;
	take_servers(p, l);
	ntoa4(l->yiaddr, a, sizeof(a));
	ntoa4(l->server_id, sv, sizeof(sv));
	if (p->st.n_routers)
		ntoa4(p->st.routers[0], r, sizeof(r));
	if (p->st.n_dns)
		ntoa4(p->st.dns[0], d, sizeof(d));
	if (p->st.syslog.family == AF_INET)
		ntoa4(p->st.syslog.u.v4, lg, sizeof(lg));
	cp_notice("provisioning: lease %s/%u from %s, %us, router %s, dns "
		  "%s, syslog %s",
		  a, p->st.plen, sv, l->lease, r, d, lg);
	err = p->io->addr(p->arg, true, p->st.addr, p->st.plen);
	if (err)
		cp_err("provisioning: cannot apply %s/%u: %s", a, p->st.plen,
		       strerror(err));
}

static void
lease_drop(struct cp_prov *p, const char *why)
{
	char a[INET_ADDRSTRLEN];

	if (!p->st.have_lease)
		return;
	cp_notice("provisioning: address %s/%u removed (%s)",
		  ntoa4(p->st.addr, a, sizeof(a)), p->st.plen, why);
	(void)p->io->addr(p->arg, false, p->st.addr, p->st.plen);
	p->st.have_lease = false;
}

static int dhcp4_out(struct cp_prov *p, struct cp_dhcp4_out *o, uint64_t now_ms,
		     uint32_t rnd);

static int
dhcp4_events(struct cp_prov *p, const struct cp_dhcp4_out *o, uint64_t now_ms,
	     uint32_t rnd)
{
	struct cp_dhcp4_out o2;
	char a[INET_ADDRSTRLEN];
	int err;

	if (o->events & CP_DHCP4_EV_NAK)
		cp_notice("provisioning: DHCPNAK, DHCP starts again");
	if (o->events & CP_DHCP4_EV_DECLINED)
		cp_notice("provisioning: %s declined (in use)",
			  ntoa4(o->addr, a, sizeof(a)));
	if (o->events & (CP_DHCP4_EV_LOST | CP_DHCP4_EV_RESTART)) {
		/* 6.3.5 row 1: a new address restarts provisioning */
		lease_drop(p, o->events & CP_DHCP4_EV_RESTART
				      ? "6.3.5: the renewal gave a new address"
				      : "lease lost");
		set_state(p, CP_PROV_DHCP, "no lease");
	}
	if (o->events & CP_DHCP4_EV_RENEWED) {
		cp_info("provisioning: lease of %s renewed (%us)",
			ntoa4(p->dhcp4.lease.yiaddr, a, sizeof(a)),
			p->dhcp4.lease.lease);
		if (o->events & (CP_DHCP4_EV_ROUTE | CP_DHCP4_EV_DNS |
				 CP_DHCP4_EV_SYSLOG)) {
			cp_notice(
				"provisioning: 6.3.5: new %s%s%s in the "
				"renewal, used at once",
				o->events & CP_DHCP4_EV_ROUTE ? "routers " : "",
				o->events & CP_DHCP4_EV_DNS ? "dns " : "",
				o->events & CP_DHCP4_EV_SYSLOG ? "syslog" : "");
			take_servers(p, &p->dhcp4.lease);
		}
	}
	if (o->events & CP_DHCP4_EV_PROBE) {
		/*
		 * RFC 2131 4.4.1 SHOULD probe the address (ARP). The control
		 * plane sees an L3 exception interface only; ARP is the
		 * dataplane's, which has no probe command yet: the address
		 * is taken unprobed, and said so.
		 */
		cp_warn("provisioning: %s not ARP-probed (no probe path "
			"through the dataplane yet)",
			ntoa4(o->addr, a, sizeof(a)));
		err = cp_dhcp4_probe_result(&p->dhcp4, 0, now_ms, rnd, &o2);
		if (err)
			return err;
		return dhcp4_out(p, &o2, now_ms, rnd);
	}
	if (o->events & CP_DHCP4_EV_BOUND) {
		lease_apply(p);
		fetch_file(p);
	}
	return 0;
}

/* Send what the client asks, then act on its events. */
static int
dhcp4_out(struct cp_prov *p, struct cp_dhcp4_out *o, uint64_t now_ms,
	  uint32_t rnd)
{
	struct in_addr src, dst;
	int err;

	if (o->len >= 16) {
		/* RFC 2131 4.1: the source is ciaddr when the client has
		 * an address (BOUND, RENEWING, REBINDING, RELEASE), else
		 * 0.0.0.0; ciaddr is octets 12-15 of the BOOTP header. */
		memcpy(&src.s_addr, o->pkt + 12, 4);
		dst.s_addr = o->broadcast ? INADDR_BROADCAST : o->dst.s_addr;
		err = p->io->dhcp4_send(p->arg, o->pkt, o->len, src, dst);
		if (err)
			cp_warn("provisioning: DHCPv4 send: %s", strerror(err));
	}
	return dhcp4_events(p, o, now_ms, rnd);
}

static int
start_dhcp4(struct cp_prov *p, const uint8_t mac[6], uint64_t now_ms,
	    uint32_t rnd)
{
	struct cp_dhcp4_cfg cfg;
	struct cp_dhcp4_out o;
	size_t n;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	n = strlen(p->conf->vendor_class);
	memcpy(cfg.vendor_class, p->conf->vendor_class, n);
	cfg.vendor_class_len = (uint16_t)n;
	cfg.n_servers = p->conf->nb_dhcp_servers;
	memcpy(cfg.servers, p->conf->dhcp_servers, sizeof(cfg.servers));
	cp_dhcp4_init(&p->dhcp4, &cfg);
	p->dhcp4_on = true;
	set_state(p, CP_PROV_DHCP, "DHCPv4 started");
	err = cp_dhcp4_start(&p->dhcp4, now_ms, rnd, &o);
	if (err == ECONNREFUSED) {
		report(p, false,
		       "PKT-EUE-PROV 6.3.2.2: DHCP server 0.0.0.0 "
		       "configured: do not provision");
		return 0;
	}
	return err ? err : dhcp4_out(p, &o, now_ms, rnd);
}

int
cp_prov_start(struct cp_prov *p, const uint8_t mac[6], uint64_t now_ms,
	      int64_t wall_s, uint32_t rnd)
{
	const struct esg_conf_prov *c = p->conf;

	p->wall_s = wall_s;
	if (p->st.state != CP_PROV_WAITING)
		return EALREADY;
	if (c->mode == ESG_PROV_STATIC) {
		/* spec 000 8.1.3: fully preconfigured, no DHCP at all; the
		 * addresses are the interface's (pushed with the rest of
		 * the configuration) */
		cp_notice("provisioning: mode static (spec 000 8.1.3): no "
			  "DHCP");
		fetch_file(p);
		return 0;
	}
	if (c->mode != ESG_PROV_DHCP)
		return EINVAL;
	if (c->stack == ESG_PROV_STACK_IPV6) {
		report(p, false,
		       "stack ipv6: the DHCPv6 client is not wired into the "
		       "orchestrator yet");
		return 0;
	}
	if (c->stack == ESG_PROV_STACK_DUAL)
		cp_warn("provisioning: stack dual: only DHCPv4 runs (the "
			"DHCPv6 client is not wired in yet)");
	return start_dhcp4(p, mac, now_ms, rnd);
}

int
cp_prov_timer(struct cp_prov *p, uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	struct cp_dhcp4_out o;
	int err;

	p->wall_s = wall_s;
	if (!p->dhcp4_on)
		return 0;
	err = cp_dhcp4_timer(&p->dhcp4, now_ms, rnd, &o);
	if (err)
		return err;
	return dhcp4_out(p, &o, now_ms, rnd);
}

int
cp_prov_dhcp4_recv(struct cp_prov *p, const uint8_t *buf, size_t len,
		   uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	struct cp_dhcp4_out o;
	int err;

	p->wall_s = wall_s;
	if (!p->dhcp4_on)
		return EPROTO;
	err = cp_dhcp4_recv(&p->dhcp4, buf, len, now_ms, rnd, &o);
	if (err)
		return err; /* not for us, malformed: counted by cp_dhcp4 */
	return dhcp4_out(p, &o, now_ms, rnd);
}

void
cp_prov_reapply(struct cp_prov *p)
{
	int err;

	if (!p->st.have_lease)
		return;
	err = p->io->addr(p->arg, true, p->st.addr, p->st.plen);
	if (err)
		cp_err("provisioning: cannot apply the lease again: %s",
		       strerror(err));
}

void
cp_prov_stop(struct cp_prov *p)
{
	struct cp_dhcp4_out o;

	if (!p->dhcp4_on)
		return;
	if (cp_dhcp4_release(&p->dhcp4, &o) == 0 && o.len >= 16) {
		struct in_addr src, dst;

		memcpy(&src.s_addr, o.pkt + 12, 4);
		dst = o.dst;
		(void)p->io->dhcp4_send(p->arg, o.pkt, o.len, src, dst);
	}
	lease_drop(p, "released");
	p->dhcp4_on = false;
}

uint64_t
cp_prov_next_ms(const struct cp_prov *p)
{
	return p->dhcp4_on ? p->dhcp4.next_ms : 0;
}

const struct cp_prov_status *
cp_prov_status(const struct cp_prov *p)
{
	return &p->st;
}

void
cp_prov_log_status(const struct cp_prov *p)
{
	char a[INET_ADDRSTRLEN] = "none", s[64], f[64];

	if (p->st.have_lease)
		ntoa4(p->st.addr, a, sizeof(a));
	cp_notice("provisioning: mode %s, state %s, address %s/%u, dhcp4 %s, "
		  "config server %s file %s, syslog %s, files ok %u refused "
		  "%u, events %u, last error: %s",
		  esg_prov_mode_str(p->conf->mode),
		  cp_prov_state_name(p->st.state), a, p->st.plen,
		  p->dhcp4_on ? cp_dhcp4_state_name(p->dhcp4.state) : "off",
		  host_str(&p->st.cfg_server, f, sizeof(f)),
		  p->st.cfg_file[0] ? p->st.cfg_file : "none",
		  host_str(&p->st.syslog, s, sizeof(s)), p->st.files_ok,
		  p->st.files_refused, p->st.events_sent,
		  p->st.last_error[0] ? p->st.last_error : "none");
}
