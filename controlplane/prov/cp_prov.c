/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning orchestrator's logic (cp_prov.h): spec 000 8.1.3,
 * spec 001 6.1 (flows), 6.3.4 (eUE-22 download, eUE-23 file check,
 * eUE-24 "provisioning complete"), 6.3.5 (renewal rules, decided by
 * cp_dhcp4 / cp_dhcp6 through cp_prov_rules, acted on here).
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
ntoa6(const struct in6_addr *a, char *buf, size_t n)
{
	return inet_ntop(AF_INET6, a, buf, (socklen_t)n);
}

/* "a,b,c" or "none" */
static const char *
list6(const struct in6_addr *a, unsigned int n, char *buf, size_t len)
{
	char one[INET6_ADDRSTRLEN];
	size_t off = 0;

	snprintf(buf, len, "none");
	for (unsigned int i = 0; i < n && off < len; i++) {
		ntoa6(&a[i], one, sizeof(one));
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "," : "", one);
	}
	return buf;
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
	p->st.softwire = conf->softwire;
	cp_cfgfile_settings_init(&p->st.settings);
	if (conf->syslog.family != 0)
		p->st.syslog = conf->syslog;
}

/* eUE-25: the SNMP status notification after the file, pass or fail, to
 * the TLV 38 receivers of the last accepted file (spec 001 6.5: 38.8 in
 * IPv6 mode) and the configured ones. */
static void
inform(struct cp_prov *p, bool pass, const char *reason)
{
	bool ipv6;
	int err;

	if (p->io->inform == NULL)
		return;
	if (p->nb_notify == 0 && p->conf->nb_snmp == 0) {
		cp_info("provisioning: no SNMP receiver (no TLV 38 in an "
			"accepted file, none configured): no INFORM");
		return;
	}
	/* the addressing mode of the management interface (000 7.2 5f) */
	ipv6 = p->st.mgmt_family != 0
		       ? p->st.mgmt_family == AF_INET6
		       : p->conf->stack == ESG_PROV_STACK_IPV6; /* static */
	p->st.inform_rounds++;
	p->st.inform_busy = true;
	p->st.inform_pass = pass;
	p->st.n_inform = 0;
	err = p->io->inform(p->arg, pass, pass ? NULL : reason, p->notify,
			    p->nb_notify, ipv6);
	if (err) {
		p->st.inform_busy = false;
		cp_err("provisioning: SNMP INFORM not sent: %s", strerror(err));
	}
}

void
cp_prov_inform_done(struct cp_prov *p, const struct cp_prov_inform *res,
		    unsigned int n)
{
	unsigned int i;

	if (n > CP_PROV_MAX_INFORM)
		n = CP_PROV_MAX_INFORM;
	p->st.inform_busy = false;
	p->st.n_inform = n;
	for (i = 0; i < n; i++) {
		const struct cp_prov_inform *r = &res[i];

		p->st.inform[i] = *r;
		if (r->err == 0)
			cp_notice(
				"provisioning: SNMP %s to %s (%s): %s after "
				"%u send(s)",
				r->type == CP_CFGFILE_TRAP_V2C ? "trap"
							       : "INFORM",
				r->addr, r->from_file ? "TLV 38" : "configured",
				r->type == CP_CFGFILE_TRAP_V2C ? "sent"
							       : "acknowledged",
				r->sends);
		else
			cp_warn("provisioning: SNMP notification (38.3 type "
				"%d) to %s (%s): %s%s after %u send(s)",
				r->type, r->addr,
				r->from_file ? "TLV 38" : "configured",
				r->err == ENOENT
					? "no address of the addressing mode "
					  "(spec 001 6.5)"
				: r->err == ENOTSUP
					? "type not sent (SNMPv1 / SNMPv3)"
					: strerror(r->err),
				r->err == ETIMEDOUT ? " (no Response)" : "",
				r->sends);
	}
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
	inform(p, pass, reason);
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
	memset(&p->st.cfg_server, 0, sizeof(p->st.cfg_server));
	if (p->st.mgmt_family == AF_INET6) {
		/* 8.1.3: CL_OPTION_CONFIG_FILE_NAME on the first
		 * CL_OPTION_TFTP_SERVERS address */
		if (!p->dhcp6_on ||
		    cp_dhcp6_config_file(&p->dhcp6, &p->st.cfg_server.u.v6,
					 &file))
			return ENOENT;
		p->st.cfg_server.family = AF_INET6;
	} else {
		if (!p->dhcp4_on ||
		    cp_dhcp4_config_file(&p->dhcp4, &srv, &file))
			return ENOENT;
		p->st.cfg_server.family = AF_INET;
		p->st.cfg_server.u.v4 = srv;
	}
	snprintf(p->st.cfg_file, sizeof(p->st.cfg_file), "%s", file);
	return 0;
}

/* spec 000 8.1.3 "a protocol (e.g., HTTP, TFTP)": a file name that is an
 * http:// URL (configured, or the DHCP file name) goes by HTTP */
static const char *
proto(const struct cp_prov *p)
{
	return strncmp(p->st.cfg_file, "http://", 7) == 0 ? "HTTP" : "TFTP";
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
		       p->st.mgmt_family == AF_INET6
			       ? "no configuration file: the DHCPv6 lease has "
				 "no CL_OPTION_TFTP_SERVERS / "
				 "CL_OPTION_CONFIG_FILE_NAME and none is "
				 "configured"
			       : "no configuration file: the lease has no "
				 "siaddr/file and none is configured");
		return;
	}
	set_state(p, CP_PROV_CONFIG, "fetching the configuration file");
	cp_info("provisioning: %s %s from %s", proto(p), p->st.cfg_file,
		host_str(&p->st.cfg_server, b, sizeof(b)));
	err = p->io->fetch(p->arg, &p->st.cfg_server, p->st.cfg_file);
	if (err) {
		snprintf(reason, sizeof(reason), "%s %s: %s", proto(p),
			 p->st.cfg_file, strerror(err));
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
		if (err == EPROTO) /* TFTP ERROR code / HTTP status */
			snprintf(reason, sizeof(reason), "%s %s%u %s", proto(p),
				 proto(p)[0] == 'T' ? "ERROR " : "status ",
				 code, msg ? msg : "");
		else
			snprintf(reason, sizeof(reason), "%s %s: %s%s%s",
				 proto(p), p->st.cfg_file, strerror(err),
				 msg ? ": " : "", msg ? msg : "");
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
	/* eUE-25 goes to the TLV 38 receivers of this file from now on */
	p->nb_notify = p->cf.nb_notify;
	memcpy(p->notify, p->cf.notify, sizeof(p->notify));
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
	/* spec 001 6.1.6 / eUE-24: the first syslog server from DHCP,
	 * unless the configuration names one; in dual stack the
	 * management family's (spec 000 7.2 5f) */
	if (p->conf->syslog.family == 0 && p->st.mgmt_family == AF_INET) {
		memset(&p->st.syslog, 0, sizeof(p->st.syslog));
		if (l->n_log > 0) {
			p->st.syslog.family = AF_INET;
			p->st.syslog.u.v4 = l->log[0];
		}
	}
}

/* Option 3's first router as the interface's IPv4 default gateway (the
 * dataplane's next hop and the kernel's default route), or none. */
static void
gw4_set(struct cp_prov *p, bool on)
{
	char a[INET_ADDRSTRLEN];
	int err;

	if (p->io->gw == NULL)
		return;
	if (on && p->st.n_routers > 0) {
		err = p->io->gw(p->arg, AF_INET, &p->st.routers[0]);
		if (err)
			cp_warn("provisioning: gateway %s not installed: %s",
				ntoa4(p->st.routers[0], a, sizeof(a)),
				strerror(err));
		p->st.have_gw4 = err == 0;
	} else if (p->st.have_gw4) {
		(void)p->io->gw(p->arg, AF_INET, NULL);
		p->st.have_gw4 = false;
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
	else
		gw4_set(p, true); /* after the address: it must be on-link */
}

static void
lease_drop(struct cp_prov *p, const char *why)
{
	char a[INET_ADDRSTRLEN];

	if (!p->st.have_lease)
		return;
	cp_notice("provisioning: address %s/%u removed (%s)",
		  ntoa4(p->st.addr, a, sizeof(a)), p->st.plen, why);
	gw4_set(p, false);
	(void)p->io->addr(p->arg, false, p->st.addr, p->st.plen);
	p->st.have_lease = false;
}

/*
 * The address check before use: ARP probe (RFC 2131 4.4.1, RFC 5227) or
 * DAD (RFC 4862 5.4, spec 001 eUE-4). True when io->probe took it (the
 * answer comes by cp_prov_probe_result()); false when the caller must go
 * on as if the address were free: the dataplane has no probe (io->probe
 * NULL) or refused to start one. Said in the log either way.
 */
static bool
probe(struct cp_prov *p, int family, const void *addr)
{
	char a[INET6_ADDRSTRLEN];
	const char *what = family == AF_INET ? "ARP probe" : "DAD";
	int err;

	inet_ntop(family, addr, a, sizeof(a));
	if (p->io->probe == NULL) {
		cp_warn("provisioning: %s: %s not run: dataplane has no probe",
			a, what);
		return false;
	}
	err = p->io->probe(p->arg, family, addr);
	if (err) {
		cp_warn("provisioning: %s: %s not run: %s", a, what,
			strerror(err));
		return false;
	}
	cp_info("provisioning: %s: %s started", a, what);
	p->probe_wait |= family == AF_INET ? 1u : 2u;
	return true;
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
		if (p->st.mgmt_family == AF_INET)
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
			/* row 2: the ESG takes the MAY, the new router now */
			if (o->events & CP_DHCP4_EV_ROUTE)
				gw4_set(p, true);
		}
	}
	if (o->events & CP_DHCP4_EV_PROBE) {
		/* RFC 2131 4.4.1 SHOULD probe the address (ARP, RFC 5227) */
		if (probe(p, AF_INET, &o->addr))
			return 0; /* the answer: cp_prov_probe_result() */
		err = cp_dhcp4_probe_result(&p->dhcp4, 0, now_ms, rnd, &o2);
		if (err)
			return err;
		return dhcp4_out(p, &o2, now_ms, rnd);
	}
	if (o->events & CP_DHCP4_EV_BOUND) {
		lease_apply(p);
		if (p->st.mgmt_family == AF_INET)
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

/* ---- DHCPv6 (spec 001 6.3.4.3, eUE-1..eUE-4) */

/* The servers of the IPv6 lease: DNS (23), syslog (34), FQDN (39);
 * 6.3.5: changed DNS / syslog servers are used at once. */
static void
take_servers6(struct cp_prov *p, const struct esg_dhcp6_msg *l)
{
	p->st.n_dns6 =
		l->n_dns < ESG_DHCP_MAX_ADDRS ? l->n_dns : ESG_DHCP_MAX_ADDRS;
	memcpy(p->st.dns6, l->dns, sizeof(p->st.dns6));
	if (l->present & ESG_DHCP6_HAS_FQDN)
		snprintf(p->st.fqdn, sizeof(p->st.fqdn), "%s", l->fqdn);
	/* eUE-24 / 6.1.6: the first syslog server, unless configured; in
	 * dual stack the management family's (spec 000 7.2 5f) */
	if (p->conf->syslog.family == 0 && p->st.mgmt_family == AF_INET6) {
		memset(&p->st.syslog, 0, sizeof(p->st.syslog));
		if (l->cl.n_syslog > 0) {
			p->st.syslog.family = AF_INET6;
			p->st.syslog.u.v6 = l->cl.syslog[0];
		}
	}
}

/* RFC 6334 / RFC 7598: the softwire options of the lease, when asked
 * for; one log line with what came. */
static void
take_softwire6(struct cp_prov *p, const struct esg_dhcp6_msg *l)
{
	static const char *const kind[3] = {"map-e", "map-t", "lw4o6"};
	char b[128];
	size_t n = 0;
	unsigned int i;

	p->st.aftr_name[0] = '\0';
	p->st.n_s46 = 0;
	if (!p->conf->softwire)
		return;
	if (l->present & ESG_DHCP6_HAS_AFTR)
		snprintf(p->st.aftr_name, sizeof(p->st.aftr_name), "%s",
			 l->aftr_name);
	p->st.n_s46 = l->n_s46 < ESG_S46_MAX_CONT ? l->n_s46 : ESG_S46_MAX_CONT;
	memcpy(p->st.s46, l->s46, sizeof(p->st.s46));
	b[0] = '\0';
	for (i = 0; i < p->st.n_s46 && n < sizeof(b); i++) {
		const struct esg_s46_cont *c = &p->st.s46[i];
		unsigned int k = c->kind - ESG_S46_MAPE;

		n += (size_t)snprintf(
			b + n, sizeof(b) - n, "%s%s (%u rules, %u BR%s%s)",
			i ? ", " : "", k < 3 ? kind[k] : "?", c->n_rules,
			c->n_br, c->has_dmr ? ", DMR" : "",
			c->has_v4v6bind ? ", binding" : "");
	}
	cp_notice("provisioning: softwire options: aftr-name %s, s46 %s "
		  "(kept and shown; no softwire mode runs)",
		  p->st.aftr_name[0] ? p->st.aftr_name : "none",
		  p->st.n_s46 ? b : "none");
}

static void
lease6_apply(struct cp_prov *p, const struct in6_addr *a)
{
	const struct esg_dhcp6_msg *l = &p->dhcp6.lease;
	char s[INET6_ADDRSTRLEN], d[4 * INET6_ADDRSTRLEN + 8];
	char lg[INET6_ADDRSTRLEN] = "none";
	int err;

	p->st.have_lease6 = true;
	p->st.addr6 = *a;
	/* RFC 8415 21.6 / RFC 5942: the IA Address carries no prefix
	 * length; 128 unless the configuration states the on-link prefix */
	p->st.plen6 = (uint8_t)p->conf->ipv6_prefix_len;
	take_servers6(p, l);
	take_softwire6(p, l);
	if (l->cl.n_syslog > 0)
		ntoa6(&l->cl.syslog[0], lg, sizeof(lg));
	cp_notice("provisioning: lease6 %s/%u, preferred %us valid %us, T1 "
		  "%us T2 %us, dns %s, syslog %s, fqdn %s",
		  ntoa6(a, s, sizeof(s)), p->st.plen6,
		  l->n_ia ? l->ia[0].addr[0].preferred : 0,
		  l->n_ia ? l->ia[0].addr[0].valid : 0,
		  l->n_ia ? l->ia[0].t1 : 0, l->n_ia ? l->ia[0].t2 : 0,
		  list6(p->st.dns6, p->st.n_dns6, d, sizeof(d)), lg,
		  p->st.fqdn[0] ? p->st.fqdn : "none");
	err = p->io->addr6(p->arg, true, &p->st.addr6, p->st.plen6);
	if (err)
		cp_err("provisioning: cannot apply %s/%u: %s", s, p->st.plen6,
		       strerror(err));
}

static void
lease6_drop(struct cp_prov *p, const char *why)
{
	char a[INET6_ADDRSTRLEN];

	if (!p->st.have_lease6)
		return;
	cp_notice("provisioning: address %s/%u removed (%s)",
		  ntoa6(&p->st.addr6, a, sizeof(a)), p->st.plen6, why);
	(void)p->io->addr6(p->arg, false, &p->st.addr6, p->st.plen6);
	p->st.have_lease6 = false;
	p->st.aftr_name[0] = '\0';
	p->st.n_s46 = 0;
}

static int dhcp6_out(struct cp_prov *p, struct cp_dhcp6_out *o, uint64_t now_ms,
		     uint32_t rnd);

static int
dhcp6_events(struct cp_prov *p, const struct cp_dhcp6_out *o, uint64_t now_ms,
	     uint32_t rnd)
{
	char a[INET6_ADDRSTRLEN], l[4 * INET6_ADDRSTRLEN + 8];
	struct cp_dhcp6_out o2;
	int err;

	if (o->events & CP_DHCP6_EV_FAILED)
		cp_notice("provisioning: DHCPv6 exchange failed, SOLICIT "
			  "again (eUE-1)");
	if (o->events & CP_DHCP6_EV_DECLINED)
		cp_notice("provisioning: %s declined (DAD: in use)",
			  ntoa6(&o->addr, a, sizeof(a)));
	if (o->events & (CP_DHCP6_EV_LOST | CP_DHCP6_EV_RESTART)) {
		/* 6.3.5: another IA Address in the REPLY: reinitialize,
		 * start from eUE-1 */
		lease6_drop(p, o->events & CP_DHCP6_EV_RESTART
				       ? "6.3.5: the renewal gave a new address"
				       : "lease lost");
		if (p->st.mgmt_family == AF_INET6 &&
		    p->dhcp6.state != CP_DHCP6_RELEASING &&
		    p->dhcp6.state != CP_DHCP6_STOPPED)
			set_state(p, CP_PROV_DHCP, "no IPv6 lease");
	}
	if (o->events & CP_DHCP6_EV_RENEWED) {
		cp_info("provisioning: lease6 of %s renewed",
			ntoa6(&p->st.addr6, a, sizeof(a)));
		if (o->events & (CP_DHCP6_EV_DNS | CP_DHCP6_EV_SYSLOG)) {
			take_servers6(p, &p->dhcp6.lease);
			/* 6.3.5: "MUST use the new values for all future
			 * operations without reinitializing" */
			cp_notice("provisioning: 6.3.5: new %s%sin the DHCPv6 "
				  "renewal, used at once: dns %s, syslog %s",
				  o->events & CP_DHCP6_EV_DNS ? "dns " : "",
				  o->events & CP_DHCP6_EV_SYSLOG ? "syslog "
								 : "",
				  list6(p->st.dns6, p->st.n_dns6, l, sizeof(l)),
				  p->dhcp6.lease.cl.n_syslog
					  ? ntoa6(&p->dhcp6.lease.cl.syslog[0],
						  a, sizeof(a))
					  : "none");
		}
	}
	if (o->events & CP_DHCP6_EV_SW_IGNORED) {
		p->st.sw_ignored++;
		if (p->conf->softwire)
			cp_notice("provisioning: 6.3.5: other softwire options "
				  "in the DHCPv6 renewal: ignored, the "
				  "lease's kept");
	}
	if (o->events & CP_DHCP6_EV_DAD) {
		/* eUE-4: DAD on the leased address (RFC 4862 5.4) */
		if (probe(p, AF_INET6, &o->addr))
			return 0;
		err = cp_dhcp6_dad_result(&p->dhcp6, 0, now_ms, rnd, &o2);
		if (err)
			return err;
		return dhcp6_out(p, &o2, now_ms, rnd);
	}
	if (o->events & CP_DHCP6_EV_BOUND) {
		lease6_apply(p, &o->addr);
		if (p->st.mgmt_family == AF_INET6)
			fetch_file(p);
	}
	return 0;
}

static int
dhcp6_out(struct cp_prov *p, struct cp_dhcp6_out *o, uint64_t now_ms,
	  uint32_t rnd)
{
	int err;

	if (o->len > 0) {
		err = p->io->dhcp6_send(p->arg, o->pkt, o->len);
		if (err)
			cp_warn("provisioning: DHCPv6 send: %s", strerror(err));
	}
	return dhcp6_events(p, o, now_ms, rnd);
}

static int
start_dhcp6(struct cp_prov *p, const uint8_t mac[6], uint64_t now_ms,
	    uint32_t rnd)
{
	struct cp_dhcp6_cfg cfg;
	struct cp_dhcp6_out o;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cfg.softwire = p->conf->softwire; /* ORO 64, 94-96 */
	cp_dhcp6_init(&p->dhcp6, &cfg);
	p->dhcp6_on = true;
	set_state(p, CP_PROV_DHCP, "DHCPv6 started");
	err = cp_dhcp6_start(&p->dhcp6, now_ms, rnd, &o);
	if (err == ECONNREFUSED) {
		report(p, false,
		       "PKT-EUE-PROV 6.3.2.2: DSS_ID 00000000 configured: "
		       "do not provision");
		return 0;
	}
	return err ? err : dhcp6_out(p, &o, now_ms, rnd);
}

int
cp_prov_start(struct cp_prov *p, const uint8_t mac[6], uint64_t now_ms,
	      int64_t wall_s, uint32_t rnd)
{
	const struct esg_conf_prov *c = p->conf;
	int err = 0;

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
	p->last_ms = now_ms;
	/* spec 000 8.1.3: single stack = one IP version; dual: both, the
	 * file and syslog from the configured management family (7.2 5f) */
	p->st.mgmt_family = c->stack == ESG_PROV_STACK_IPV4   ? AF_INET
			    : c->stack == ESG_PROV_STACK_IPV6 ? AF_INET6
							      : c->mgmt_family;
	if (c->stack == ESG_PROV_STACK_DUAL)
		cp_notice("provisioning: stack dual: DHCPv4 and DHCPv6, the "
			  "configuration file and syslog from the %s lease",
			  p->st.mgmt_family == AF_INET6 ? "IPv6" : "IPv4");
	if (c->stack != ESG_PROV_STACK_IPV6) {
		err = start_dhcp4(p, mac, now_ms, rnd);
		if (err || p->st.state == CP_PROV_FAILED)
			return err;
	}
	if (c->stack != ESG_PROV_STACK_IPV4)
		err = start_dhcp6(p, mac, now_ms, rnd);
	return err;
}

int
cp_prov_timer(struct cp_prov *p, uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	struct cp_dhcp4_out o;
	struct cp_dhcp6_out o6;
	int err = 0, err6 = 0;

	p->wall_s = wall_s;
	p->last_ms = now_ms;
	/* each client ignores a call before its own timer */
	if (p->dhcp4_on) {
		err = cp_dhcp4_timer(&p->dhcp4, now_ms, rnd, &o);
		if (!err)
			err = dhcp4_out(p, &o, now_ms, rnd);
	}
	if (p->dhcp6_on) {
		err6 = cp_dhcp6_timer(&p->dhcp6, now_ms, rnd, &o6);
		if (!err6)
			err6 = dhcp6_out(p, &o6, now_ms, rnd);
	}
	return err ? err : err6;
}

int
cp_prov_dhcp4_recv(struct cp_prov *p, const uint8_t *buf, size_t len,
		   uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	struct cp_dhcp4_out o;
	int err;

	p->wall_s = wall_s;
	p->last_ms = now_ms;
	if (!p->dhcp4_on)
		return EPROTO;
	err = cp_dhcp4_recv(&p->dhcp4, buf, len, now_ms, rnd, &o);
	if (err)
		return err; /* not for us, malformed: counted by cp_dhcp4 */
	return dhcp4_out(p, &o, now_ms, rnd);
}

int
cp_prov_dhcp6_recv(struct cp_prov *p, const uint8_t *buf, size_t len,
		   uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	struct cp_dhcp6_out o;
	int err, err2;

	p->wall_s = wall_s;
	p->last_ms = now_ms;
	if (!p->dhcp6_on)
		return EPROTO;
	err = cp_dhcp6_recv(&p->dhcp6, buf, len, now_ms, rnd, &o);
	if (err == EADDRNOTAVAIL)
		/* spec 001 6.2.1.2: an offer of a link-local address is
		 * rejected; cp_dhcp6 counts it (n_linklocal) */
		cp_notice("provisioning: DHCPv6 offer of a link-local address "
			  "ignored (spec 001 6.2.1.2; %u so far)",
			  p->dhcp6.n_linklocal);
	/* out is valid whatever the return (a refused REPLY while
	 * requesting fails the step: EV_FAILED and a new SOLICIT) */
	if (err && o.len == 0 && o.events == 0)
		return err;
	err2 = dhcp6_out(p, &o, now_ms, rnd);
	return err ? err : err2;
}

int
cp_prov_probe_result(struct cp_prov *p, int family, bool conflict,
		     uint64_t now_ms, int64_t wall_s, uint32_t rnd)
{
	unsigned int bit = family == AF_INET ? 1u : 2u;
	struct cp_dhcp4_out o;
	struct cp_dhcp6_out o6;
	int err;

	p->wall_s = wall_s;
	p->last_ms = now_ms;
	if (!(p->probe_wait & bit))
		return EALREADY; /* late, or never asked */
	p->probe_wait &= ~bit;
	if (family == AF_INET) {
		err = cp_dhcp4_probe_result(&p->dhcp4, conflict, now_ms, rnd,
					    &o);
		return err ? err : dhcp4_out(p, &o, now_ms, rnd);
	}
	err = cp_dhcp6_dad_result(&p->dhcp6, conflict, now_ms, rnd, &o6);
	return err ? err : dhcp6_out(p, &o6, now_ms, rnd);
}

void
cp_prov_reapply(struct cp_prov *p)
{
	int err;

	if (p->st.have_lease) {
		err = p->io->addr(p->arg, true, p->st.addr, p->st.plen);
		if (err)
			cp_err("provisioning: cannot apply the lease again: "
			       "%s",
			       strerror(err));
		else if (p->st.have_gw4)
			gw4_set(p, true);
	}
	if (p->st.have_lease6) {
		err = p->io->addr6(p->arg, true, &p->st.addr6, p->st.plen6);
		if (err)
			cp_err("provisioning: cannot apply the IPv6 lease "
			       "again: %s",
			       strerror(err));
	}
}

void
cp_prov_stop(struct cp_prov *p)
{
	struct cp_dhcp4_out o;
	struct cp_dhcp6_out o6;

	if (p->dhcp4_on) {
		if (cp_dhcp4_release(&p->dhcp4, &o) == 0 && o.len >= 16) {
			struct in_addr src, dst;

			memcpy(&src.s_addr, o.pkt + 12, 4);
			dst = o.dst;
			(void)p->io->dhcp4_send(p->arg, o.pkt, o.len, src, dst);
		}
		lease_drop(p, "released");
		p->dhcp4_on = false;
	}
	if (p->dhcp6_on) {
		/* RFC 8415 18.2.7: one RELEASE (the process ends: no
		 * retransmission); the address goes at once */
		if (cp_dhcp6_release(&p->dhcp6, p->last_ms, 0, &o6) == 0 &&
		    o6.len > 0)
			(void)p->io->dhcp6_send(p->arg, o6.pkt, o6.len);
		lease6_drop(p, "released");
		p->dhcp6_on = false;
	}
}

uint64_t
cp_prov_next_ms(const struct cp_prov *p)
{
	uint64_t a = p->dhcp4_on ? p->dhcp4.next_ms : 0;
	uint64_t b = p->dhcp6_on ? p->dhcp6.next_ms : 0;

	if (a == 0)
		return b;
	return b != 0 && b < a ? b : a;
}

const struct cp_prov_status *
cp_prov_status(const struct cp_prov *p)
{
	return &p->st;
}

void
cp_prov_log_status(const struct cp_prov *p)
{
	char a[INET_ADDRSTRLEN] = "none", a6[INET6_ADDRSTRLEN] = "none";
	char s[64], f[64];

	if (p->st.have_lease)
		ntoa4(p->st.addr, a, sizeof(a));
	if (p->st.have_lease6)
		ntoa6(&p->st.addr6, a6, sizeof(a6));
	cp_notice(
		"provisioning: mode %s, state %s, address %s/%u, address6 "
		"%s/%u, dhcp4 %s, dhcp6 %s (link-local offers ignored %u), "
		"config server %s file %s, syslog %s, files ok %u refused "
		"%u, events %u, last error: %s",
		esg_prov_mode_str(p->conf->mode),
		cp_prov_state_name(p->st.state), a, p->st.plen, a6, p->st.plen6,
		p->dhcp4_on ? cp_dhcp4_state_name(p->dhcp4.state) : "off",
		p->dhcp6_on ? cp_dhcp6_state_name(p->dhcp6.state) : "off",
		p->dhcp6.n_linklocal, host_str(&p->st.cfg_server, f, sizeof(f)),
		p->st.cfg_file[0] ? p->st.cfg_file : "none",
		host_str(&p->st.syslog, s, sizeof(s)), p->st.files_ok,
		p->st.files_refused, p->st.events_sent,
		p->st.last_error[0] ? p->st.last_error : "none");
}
