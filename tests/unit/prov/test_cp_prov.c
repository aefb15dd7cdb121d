/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning orchestrator's logic (controlplane/prov/cp_prov.c)
 * with fake I/O and a fake clock: spec 000 8.1.3 (static: no DHCP packet
 * at all; dhcp: siaddr/file locate the file), spec 001 6.3.4 (eUE-22
 * download, eUE-23 file checked before use, eUE-24 "provisioning
 * complete" pass/fail to the first syslog server of option 7), 6.3.5 (a
 * lost lease or a new address restarts), RFC 2131 4.1 (source 0.0.0.0
 * before a lease, ciaddr after), 4.4.5 (unicast renewal), 4.4.6 (RELEASE);
 * DHCPv6 (spec 001 6.3.4.3, RFC 8415 18.2): the IA_NA address applied
 * (/128, RFC 5942, or the configured prefix), the file from options 32/33
 * (spec 000 8.1.3), syslog to option 34's first server, a link-local
 * offer ignored (6.2.1.2), 6.3.5 on renewal (new DNS / syslog used at
 * once, a new address restarts), DAD through io->probe or said not run,
 * RELEASE (18.2.7); dual stack: both leases, the file and syslog from
 * the management family (spec 000 7.2 5f, spec 001 6.3.2.1 Table 4).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cp_prov.h"

static const uint8_t mac[6] = {0x02, 0, 0x5e, 0x10, 0, 1};

/* A good file: start, esgStackMode.0 = ipv4(1), end (spec 001 6.4.2). */
static const uint8_t good_file[] = {
	0xfe, 0x01, 0x01,					    /* start */
	0x0b, 0x13, 0x30, 0x11, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, /* TLV 11 */
	0x01, 0x81, 0xfd, 0x59, 0x01, 0x01, 0x01, 0x00, 0x02, 0x01,
	0x01, 0xfe, 0x01, 0xff, /* end */
};

/* The same with a TLV 38 receiver (spec 001 6.5): 38.1 198.51.100.2,
 * 38.3 type 3 (INFORM v2c). */
static const uint8_t file_tlv38[] = {
	0xfe, 0x01, 0x01,					    /* start */
	0x0b, 0x13, 0x30, 0x11, 0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04, /* TLV 11 */
	0x01, 0x81, 0xfd, 0x59, 0x01, 0x01, 0x01, 0x00, 0x02, 0x01,
	0x01, 0x26, 0x0a, 0x01, 0x04, 198,  51,	  100,	2,    0x03, /* 38 */
	0x02, 0x00, 0x03, 0xfe, 0x01, 0xff,			    /* end */
};

/* ---- fake I/O */

static struct {
	unsigned int n_sent;
	struct esg_dhcp4_msg last; /* parsed */
	struct in_addr src, dst;
	unsigned int n_add, n_del;
	struct in_addr addr;
	uint8_t plen;
	unsigned int n_fetch;
	struct esg_conf_host fetch_srv;
	char fetch_file[128];
	unsigned int n_syslog;
	struct esg_conf_host syslog_srv;
	char syslog_text[CP_SYSLOG_MAX];
	unsigned int n_settings;
	/* DHCPv6 */
	unsigned int n_sent6;
	struct esg_dhcp6_msg last6; /* parsed */
	unsigned int n_add6, n_del6;
	struct in6_addr addr6;
	uint8_t plen6;
	unsigned int n_probe;
	int probe_family;
	unsigned int n_gw;
	bool gw_set; /* the last call set one (else cleared) */
	struct in_addr gw;
	/* eUE-25 */
	unsigned int n_inform;
	bool inform_pass;
	char inform_reason[CP_PROV_ERR_LEN];
	unsigned int inform_n;
	bool inform_ipv6;
	struct cp_cfgfile_notify inform_rcv;
} io;

static int
f_send(void *arg, const uint8_t *pkt, size_t len, struct in_addr src,
       struct in_addr dst)
{
	(void)arg;
	io.n_sent++;
	assert_int_equal(esg_dhcp4_parse(pkt, len, &io.last, NULL), 0);
	io.src = src;
	io.dst = dst;
	return 0;
}

static int
f_addr(void *arg, bool add, struct in_addr a, uint8_t plen)
{
	(void)arg;
	if (add)
		io.n_add++;
	else
		io.n_del++;
	io.addr = a;
	io.plen = plen;
	return 0;
}

static int
f_fetch(void *arg, const struct esg_conf_host *srv, const char *file)
{
	(void)arg;
	io.n_fetch++;
	io.fetch_srv = *srv;
	snprintf(io.fetch_file, sizeof(io.fetch_file), "%s", file);
	return 0;
}

static int
f_syslog(void *arg, const struct esg_conf_host *srv,
	 const struct cp_syslog_msg *m)
{
	size_t len;

	(void)arg;
	io.n_syslog++;
	io.syslog_srv = *srv;
	assert_int_equal(cp_syslog_format(io.syslog_text,
					  sizeof(io.syslog_text),
					  CP_SYSLOG_RFC5424, m, &len),
			 0);
	return 0;
}

static void
f_settings(void *arg, const struct cp_cfgfile_settings *s)
{
	(void)arg;
	(void)s;
	io.n_settings++;
}

static int
f_send6(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	io.n_sent6++;
	assert_int_equal(esg_dhcp6_parse(pkt, len, &io.last6, NULL), 0);
	return 0;
}

static int
f_addr6(void *arg, bool add, const struct in6_addr *a, uint8_t plen)
{
	(void)arg;
	if (add)
		io.n_add6++;
	else
		io.n_del6++;
	io.addr6 = *a;
	io.plen6 = plen;
	return 0;
}

static int
f_probe(void *arg, int family, const void *addr)
{
	(void)arg;
	(void)addr;
	io.n_probe++;
	io.probe_family = family;
	return 0;
}

static int
f_gw(void *arg, int family, const void *addr)
{
	(void)arg;
	assert_int_equal(family, AF_INET);
	io.n_gw++;
	io.gw_set = addr != NULL;
	if (addr != NULL)
		memcpy(&io.gw, addr, 4);
	return 0;
}

static int
f_inform(void *arg, bool pass, const char *reason,
	 const struct cp_cfgfile_notify *rcv, unsigned int n, bool ipv6)
{
	(void)arg;
	io.n_inform++;
	io.inform_pass = pass;
	snprintf(io.inform_reason, sizeof(io.inform_reason), "%s",
		 reason ? reason : "");
	io.inform_n = n;
	io.inform_ipv6 = ipv6;
	if (n > 0)
		io.inform_rcv = rcv[0];
	return 0;
}

static const struct cp_prov_io fake_inform = {
	.dhcp4_send = f_send,
	.addr = f_addr,
	.fetch = f_fetch,
	.syslog = f_syslog,
	.settings = f_settings,
	.dhcp6_send = f_send6,
	.addr6 = f_addr6,
	.gw = f_gw,
	.inform = f_inform,
};

static const struct cp_prov_io fake = {
	.dhcp4_send = f_send,
	.addr = f_addr,
	.fetch = f_fetch,
	.syslog = f_syslog,
	.settings = f_settings,
	.dhcp6_send = f_send6,
	.addr6 = f_addr6,
	.gw = f_gw,
};

/* the same with a dataplane that probes (DP_MSG_ADDR_PROBE) */
static const struct cp_prov_io fake_probe = {
	.dhcp4_send = f_send,
	.addr = f_addr,
	.fetch = f_fetch,
	.syslog = f_syslog,
	.settings = f_settings,
	.dhcp6_send = f_send6,
	.addr6 = f_addr6,
	.probe = f_probe,
	.gw = f_gw,
};

static struct cp_prov p; /* large */
static struct esg_conf_prov conf;

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void
setup(enum esg_prov_mode mode)
{
	memset(&io, 0, sizeof(io));
	esg_conf_prov_defaults(&conf);
	conf.enabled = true;
	conf.mode = mode;
	conf.stack = ESG_PROV_STACK_IPV4;
	conf.iface = 1;
	cp_prov_init(&p, &conf, &fake, NULL);
	snprintf(p.hostname, sizeof(p.hostname), "esg1");
}

/* The server's answer to the last packet sent. */
static int
reply(uint8_t type, const char *yiaddr, bool with_file, uint64_t now)
{
	struct esg_dhcp4_msg m;
	uint8_t buf[1500];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = io.last.xid;
	m.htype = 1;
	m.hlen = 6;
	m.flags = io.last.flags;
	memcpy(m.chaddr, mac, 6);
	m.yiaddr = a4(yiaddr);
	if (with_file) { /* spec 000 8.1.3 */
		m.siaddr = a4("198.51.100.254");
		strcpy(m.file, "esg.cfg");
	}
	m.present = ESG_DHCP4_HAS_SERVER_ID | ESG_DHCP4_HAS_MASK |
		    ESG_DHCP4_HAS_LEASE;
	m.server_id = a4("198.51.100.254");
	m.mask = a4("255.255.255.0");
	m.lease = 3600;
	m.routers[0] = a4("198.51.100.254");
	m.n_routers = 1;
	m.dns[0] = a4("198.51.100.53");
	m.n_dns = 1;
	m.log[0] = a4("198.51.100.254"); /* option 7 */
	m.n_log = 1;
	assert_int_equal(esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL), 0);
	return cp_prov_dhcp4_recv(&p, buf, len, now, 1700000000, 7);
}

/* DHCP up to BOUND; returns the time. */
static uint64_t
to_bound(bool with_file)
{
	uint64_t t = 1000;

	assert_int_equal(cp_prov_start(&p, mac, t, 1700000000, 0), 0);
	assert_int_equal(cp_prov_status(&p)->state, CP_PROV_DHCP);
	/* RFC 2131 4.4.1: nothing before the random 1-10 s wait */
	assert_int_equal(io.n_sent, 0);
	t = cp_prov_next_ms(&p);
	assert_true(t >= 2000 && t <= 11000);
	assert_int_equal(cp_prov_timer(&p, t, 1700000001, 0), 0);
	assert_int_equal(io.n_sent, 1);
	assert_int_equal(io.last.type, ESG_DHCP4_DISCOVER);
	/* RFC 2131 4.1: from 0.0.0.0 to 255.255.255.255, broadcast flag
	 * so that the reply is broadcast (the ESG has no address yet) */
	assert_int_equal(io.src.s_addr, INADDR_ANY);
	assert_int_equal(io.dst.s_addr, INADDR_BROADCAST);
	assert_true(io.last.flags & 0x8000);
	assert_memory_equal(io.last.chaddr, mac, 6);
	assert_int_equal(reply(ESG_DHCP4_OFFER, "198.51.100.10", with_file, t),
			 0);
	assert_int_equal(io.n_sent, 2);
	assert_int_equal(io.last.type, ESG_DHCP4_REQUEST);
	assert_int_equal(io.src.s_addr, INADDR_ANY);
	assert_int_equal(io.dst.s_addr, INADDR_BROADCAST);
	assert_int_equal(reply(ESG_DHCP4_ACK, "198.51.100.10", with_file, t),
			 0);
	return t;
}

static void
test_dhcp_pass(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	char a[INET_ADDRSTRLEN];

	(void)state;
	setup(ESG_PROV_DHCP);
	assert_int_equal(st->state, CP_PROV_WAITING);
	to_bound(true);
	/* the lease applied: address/prefix to the dataplane */
	assert_int_equal(io.n_add, 1);
	assert_string_equal(inet_ntop(AF_INET, &io.addr, a, sizeof(a)),
			    "198.51.100.10");
	assert_int_equal(io.plen, 24);
	assert_true(st->have_lease);
	assert_int_equal(st->n_routers, 1);
	assert_int_equal(st->n_dns, 1);
	assert_int_equal(st->dns[0].s_addr, a4("198.51.100.53").s_addr);
	/* option 3's router: the interface's default gateway (IF_GW) */
	assert_int_equal(io.n_gw, 1);
	assert_true(io.gw_set);
	assert_int_equal(io.gw.s_addr, a4("198.51.100.254").s_addr);
	/* spec 000 8.1.3: the file is 'file' on 'siaddr' */
	assert_int_equal(st->state, CP_PROV_CONFIG);
	assert_int_equal(io.n_fetch, 1);
	assert_int_equal(io.fetch_srv.family, AF_INET);
	assert_int_equal(io.fetch_srv.u.v4.s_addr, a4("198.51.100.254").s_addr);
	assert_string_equal(io.fetch_file, "esg.cfg");
	assert_int_equal(io.n_syslog, 0);
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL,
			   1704164645);
	assert_int_equal(st->state, CP_PROV_DONE);
	assert_int_equal(st->settings.stack, CP_CFGFILE_STACK_IPV4);
	assert_int_equal(io.n_settings, 1);
	assert_int_equal(st->files_ok, 1);
	/* eUE-24 to the first option 7 server */
	assert_int_equal(io.n_syslog, 1);
	assert_int_equal(io.syslog_srv.u.v4.s_addr,
			 a4("198.51.100.254").s_addr);
	assert_string_equal(
		io.syslog_text,
		"<133>1 2024-01-02T03:04:05.000000Z esg1 esg - PROV "
		"[esgProv@32473 status=\"pass\" file=\"esg.cfg\"] "
		"provisioning complete: pass");
	assert_string_equal(st->last_error, "");
}

/* eUE-25: the INFORM after the file, pass and fail, to the TLV 38
 * receivers of the last accepted file (a refused file keeps them) and
 * the configured ones; the outcome per receiver in the status. */
static void
test_inform(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	struct cp_prov_inform res[2];
	uint8_t bad[sizeof(file_tlv38) - 3];

	(void)state;
	/* no receiver anywhere: nothing asked */
	setup(ESG_PROV_DHCP);
	cp_prov_init(&p, &conf, &fake_inform, NULL);
	to_bound(true);
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(st->state, CP_PROV_DONE);
	assert_int_equal(io.n_inform, 0);
	assert_int_equal(st->inform_rounds, 0);

	/* the file's TLV 38 */
	setup(ESG_PROV_DHCP);
	cp_prov_init(&p, &conf, &fake_inform, NULL);
	to_bound(true);
	cp_prov_fetch_done(&p, 0, file_tlv38, sizeof(file_tlv38), 0, NULL, 0);
	assert_int_equal(st->state, CP_PROV_DONE);
	assert_int_equal(io.n_inform, 1);
	assert_true(io.inform_pass);
	assert_string_equal(io.inform_reason, "");
	assert_false(io.inform_ipv6); /* stack ipv4: 38.1 */
	assert_int_equal(io.inform_n, 1);
	assert_true(io.inform_rcv.has_v4);
	assert_int_equal(io.inform_rcv.v4[3], 2);
	assert_int_equal(io.inform_rcv.type, CP_CFGFILE_INFORM_V2C);
	assert_true(st->inform_busy);
	assert_int_equal(st->inform_rounds, 1);
	memset(res, 0, sizeof(res));
	strcpy(res[0].addr, "198.51.100.2:162");
	res[0].type = 3;
	res[0].from_file = true;
	res[0].acked = true;
	res[0].sends = 1;
	strcpy(res[1].addr, "198.51.100.9:162");
	res[1].type = 3;
	res[1].err = ETIMEDOUT;
	res[1].sends = 4;
	cp_prov_inform_done(&p, res, 2);
	assert_false(st->inform_busy);
	assert_true(st->inform_pass);
	assert_int_equal(st->n_inform, 2);
	assert_string_equal(st->inform[0].addr, "198.51.100.2:162");
	assert_true(st->inform[0].acked);
	assert_int_equal(st->inform[1].err, ETIMEDOUT);

	/* a refused file later: "fail" to the accepted file's receivers */
	memcpy(bad, file_tlv38, sizeof(bad)); /* no end marker */
	p.st.state = CP_PROV_CONFIG;
	cp_prov_fetch_done(&p, 0, bad, sizeof(bad), 0, NULL, 0);
	assert_int_equal(st->state, CP_PROV_FAILED);
	assert_int_equal(io.n_inform, 2);
	assert_false(io.inform_pass);
	assert_non_null(strstr(io.inform_reason, "without the end marker"));
	assert_int_equal(io.inform_n, 1);
	assert_int_equal(st->inform_rounds, 2);

	/* configured receivers only: asked with no TLV 38 */
	setup(ESG_PROV_DHCP);
	conf.nb_snmp = 1;
	conf.snmp[0].family = AF_INET;
	conf.snmp[0].u.v4 = a4("198.51.100.9");
	cp_prov_init(&p, &conf, &fake_inform, NULL);
	to_bound(false); /* no file: fail */
	assert_int_equal(st->state, CP_PROV_FAILED);
	assert_int_equal(io.n_inform, 1);
	assert_false(io.inform_pass);
	assert_int_equal(io.inform_n, 0);
	assert_non_null(strstr(io.inform_reason, "no configuration file"));
}

static void
test_dhcp_bad_file_keeps_settings(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	uint8_t bad[sizeof(good_file) - 3];

	(void)state;
	setup(ESG_PROV_DHCP);
	to_bound(true);
	p.st.settings.sip_port = 5060;	     /* "previous" settings */
	memcpy(bad, good_file, sizeof(bad)); /* no end marker */
	cp_prov_fetch_done(&p, 0, bad, sizeof(bad), 0, NULL, 1704164645);
	assert_int_equal(st->state, CP_PROV_FAILED);
	assert_int_equal(st->settings.stack, CP_CFGFILE_STACK_UNSET);
	assert_int_equal(st->settings.sip_port, 5060);
	assert_int_equal(io.n_settings, 0);
	assert_int_equal(st->files_refused, 1);
	assert_string_equal(st->last_error,
			    "configuration file esg.cfg: offset 24: the file "
			    "ends without the end marker (TLV 254 value 0xFF)");
	assert_int_equal(io.n_syslog, 1);
	assert_non_null(strstr(io.syslog_text, "status=\"fail\""));
	assert_non_null(strstr(io.syslog_text,
			       "reason=\"configuration file esg.cfg: offset "
			       "24: the file ends without the end marker"));
	assert_non_null(strstr(io.syslog_text, "<131>1 ")); /* err */
	/* the lease stays: only the file failed */
	assert_true(st->have_lease);
	assert_int_equal(io.n_del, 0);
}

static void
test_tftp_error(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);

	(void)state;
	setup(ESG_PROV_DHCP);
	to_bound(true);
	cp_prov_fetch_done(&p, EPROTO, NULL, 0, 1, "File not found",
			   1704164645);
	assert_int_equal(st->state, CP_PROV_FAILED);
	assert_string_equal(st->last_error, "TFTP ERROR 1 File not found");
	assert_non_null(strstr(io.syslog_text,
			       "reason=\"TFTP ERROR 1 File not found\""));
	cp_prov_fetch_done(&p, ETIMEDOUT, NULL, 0, 0, NULL, 1704164645);
	/* a result after the state moved on is ignored */
	assert_int_equal(io.n_syslog, 1);
}

static void
test_no_file_in_lease(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);

	(void)state;
	setup(ESG_PROV_DHCP);
	to_bound(false);
	assert_int_equal(io.n_fetch, 0);
	assert_int_equal(st->state, CP_PROV_FAILED);
	assert_string_equal(st->last_error,
			    "no configuration file: the lease has no "
			    "siaddr/file and none is configured");
	assert_int_equal(io.n_syslog, 1);
}

/* The configuration's file and syslog server win over the lease's. */
static void
test_overrides(void **state)
{
	(void)state;
	setup(ESG_PROV_DHCP);
	conf.cfg_server.family = AF_INET;
	conf.cfg_server.u.v4 = a4("198.51.100.9");
	conf.cfg_server.port = 6969;
	strcpy(conf.cfg_file, "other.cfg");
	conf.syslog.family = AF_INET;
	conf.syslog.u.v4 = a4("198.51.100.7");
	conf.syslog.port = 5514;
	cp_prov_init(&p, &conf, &fake, NULL);
	to_bound(true);
	assert_int_equal(io.fetch_srv.u.v4.s_addr, a4("198.51.100.9").s_addr);
	assert_int_equal(io.fetch_srv.port, 6969);
	assert_string_equal(io.fetch_file, "other.cfg");
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(io.syslog_srv.u.v4.s_addr, a4("198.51.100.7").s_addr);
	assert_int_equal(io.syslog_srv.port, 5514);
}

/* spec 000 8.1.3: preconfigured, no DHCP packet at all. */
static void
test_static(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);

	(void)state;
	setup(ESG_PROV_STATIC);
	conf.cfg_server.family = AF_INET;
	conf.cfg_server.u.v4 = a4("198.51.100.254");
	strcpy(conf.cfg_file, "static.cfg");
	conf.syslog.family = AF_INET;
	conf.syslog.u.v4 = a4("198.51.100.254");
	cp_prov_init(&p, &conf, &fake, NULL);
	assert_int_equal(cp_prov_start(&p, mac, 1000, 1704164645, 0), 0);
	assert_int_equal(cp_prov_next_ms(&p), 0);
	assert_int_equal(cp_prov_timer(&p, 100000, 0, 0), 0);
	assert_int_equal(io.n_sent, 0);
	assert_int_equal(io.n_add, 0); /* the configured addresses stand */
	assert_int_equal(io.n_fetch, 1);
	assert_string_equal(io.fetch_file, "static.cfg");
	assert_int_equal(st->state, CP_PROV_CONFIG);
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(st->state, CP_PROV_DONE);
	assert_int_equal(io.n_syslog, 1);
	assert_int_equal(io.n_sent, 0);
	/* a stray DHCP reply is not for a static ESG */
	assert_int_equal(
		cp_prov_dhcp4_recv(&p, good_file, sizeof(good_file), 0, 0, 0),
		EPROTO);
	cp_prov_stop(&p);
	assert_int_equal(io.n_sent, 0);
	assert_int_equal(cp_prov_start(&p, mac, 1, 0, 0), EALREADY);
}

/* RFC 2131 4.4.5 / 6.3.5: renewal from the leased address, unicast to
 * the server; the lease lost at its end: address removed, DISCOVER
 * from 0.0.0.0 again; a new dataplane gets the lease again. */
static void
test_renew_and_loss(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	uint64_t t;

	(void)state;
	setup(ESG_PROV_DHCP);
	t = to_bound(true);
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	cp_prov_reapply(&p);
	assert_int_equal(io.n_add, 2);
	t = cp_prov_next_ms(&p); /* T1 = 1800 s */
	assert_int_equal(cp_prov_timer(&p, t, 0, 1), 0);
	assert_int_equal(io.last.type, ESG_DHCP4_REQUEST);
	assert_int_equal(io.src.s_addr, a4("198.51.100.10").s_addr);
	assert_int_equal(io.dst.s_addr, a4("198.51.100.254").s_addr);
	assert_int_equal(io.last.ciaddr.s_addr, a4("198.51.100.10").s_addr);
	/* no answer: REBINDING, then the end of the lease */
	while (st->have_lease) {
		t = cp_prov_next_ms(&p);
		assert_true(t != 0);
		assert_int_equal(cp_prov_timer(&p, t, 0, 1), 0);
	}
	assert_int_equal(io.n_del, 1);
	assert_int_equal(io.addr.s_addr, a4("198.51.100.10").s_addr);
	assert_int_equal(st->state, CP_PROV_DHCP);
	/* the gateway went with the address (set, set again, cleared) */
	assert_int_equal(io.n_gw, 3);
	assert_false(io.gw_set);
	/* the next DISCOVER comes from 0.0.0.0 */
	while (io.last.type != ESG_DHCP4_DISCOVER) {
		t = cp_prov_next_ms(&p);
		assert_int_equal(cp_prov_timer(&p, t, 0, 1), 0);
	}
	assert_int_equal(io.src.s_addr, INADDR_ANY);
	cp_prov_reapply(&p); /* no lease: nothing */
	assert_int_equal(io.n_add, 2);
}

/* RFC 2131 4.4.6: RELEASE from the address, unicast, then removed. */
static void
test_release(void **state)
{
	(void)state;
	setup(ESG_PROV_DHCP);
	to_bound(true);
	cp_prov_stop(&p);
	assert_int_equal(io.last.type, ESG_DHCP4_RELEASE);
	assert_int_equal(io.src.s_addr, a4("198.51.100.10").s_addr);
	assert_int_equal(io.dst.s_addr, a4("198.51.100.254").s_addr);
	assert_int_equal(io.n_del, 1);
	assert_int_equal(cp_prov_next_ms(&p), 0);
}

/* RFC 2131 4.4.1 / RFC 5227: the ARP probe through the dataplane; in
 * use -> DECLINE, nothing applied. */
static void
test_v4_probe(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);

	(void)state;
	setup(ESG_PROV_DHCP);
	cp_prov_init(&p, &conf, &fake_probe, NULL);
	to_bound(true);
	assert_int_equal(io.n_probe, 1);
	assert_int_equal(io.probe_family, AF_INET);
	assert_int_equal(io.n_add, 0);
	assert_false(st->have_lease);
	assert_int_equal(cp_prov_probe_result(&p, AF_INET, true, 20000, 0, 0),
			 0);
	assert_int_equal(io.last.type, ESG_DHCP4_DECLINE);
	assert_int_equal(io.n_add, 0);
	assert_int_equal(io.n_gw, 0);
	assert_int_equal(st->state, CP_PROV_DHCP);
}

/* ---- DHCPv6 */

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static bool
same6(const struct in6_addr *a, const char *s)
{
	struct in6_addr b = a6(s);

	return memcmp(a, &b, sizeof(b)) == 0;
}

/* The DHCPv6 server's answer to the last packet sent: one address (or
 * none), T1 1800 T2 2880, preferred 3600 valid 7200, DNS dns, TFTP server
 * 2001:db8:2::69 with esg-v6.cfg (32/33), syslog (34), FQDN. */
static struct esg_dhcp6_msg
srv6(uint8_t type, const char *addr, const char *dns, const char *slog)
{
	static const uint8_t duid[10] = {0, 3, 0, 1, 2, 0, 0, 0, 0, 1};
	struct esg_dhcp6_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = io.last6.xid;
	m.client_id_len = io.last6.client_id_len;
	memcpy(m.client_id, io.last6.client_id, io.last6.client_id_len);
	m.server_id_len = sizeof(duid);
	memcpy(m.server_id, duid, sizeof(duid));
	m.n_ia = 1;
	m.ia[0].iaid = io.last6.ia[0].iaid;
	m.ia[0].t1 = 1800;
	m.ia[0].t2 = 2880;
	m.ia[0].status = -1;
	if (addr != NULL) {
		m.ia[0].n_addr = 1;
		m.ia[0].addr[0].addr = a6(addr);
		m.ia[0].addr[0].preferred = 3600;
		m.ia[0].addr[0].valid = 7200;
		m.ia[0].addr[0].status = -1;
	}
	m.n_dns = 1;
	m.dns[0] = a6(dns);
	m.present = ESG_DHCP6_HAS_VENDOR_OPTS | ESG_DHCP6_HAS_FQDN |
		    ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	m.fqdn_flags = 1;
	strcpy(m.fqdn, "esg1.example.net.");
	m.cl.n_tftp = 1;
	m.cl.tftp[0] = a6("2001:db8:2::69");
	m.cl.present = ESG_CL_HAS_CONFIG_FILE;
	strcpy(m.cl.config_file, "esg-v6.cfg");
	m.cl.n_syslog = 1;
	m.cl.syslog[0] = a6(slog);
	return m;
}

static int
deliver6(const struct esg_dhcp6_msg *m, uint64_t now)
{
	uint8_t buf[1500];
	size_t len;

	assert_int_equal(esg_dhcp6_build(m, buf, sizeof(buf), &len, NULL), 0);
	return cp_prov_dhcp6_recv(&p, buf, len, now, 1700000000, 100);
}

/* Run the timer until a DHCPv6 packet of type leaves; returns the time. */
static uint64_t
until6(uint8_t type, uint64_t t)
{
	unsigned int n = io.n_sent6, guard;

	for (guard = 0; guard < 100; guard++) {
		t = cp_prov_next_ms(&p);
		assert_true(t != 0);
		assert_int_equal(cp_prov_timer(&p, t, 1700000000, 100), 0);
		if (io.n_sent6 > n && io.last6.type == type)
			return t;
	}
	fail_msg("no DHCPv6 message %u", type);
	return t;
}

/* Dual stack: run the timer until the DISCOVER, then OFFER / ACK. */
static void
to_bound4_dual(void)
{
	uint64_t t = 0;
	unsigned int guard;

	assert_int_equal(cp_prov_start(&p, mac, 1000, 1700000000, 0), 0);
	for (guard = 0; guard < 100 && io.n_sent == 0; guard++) {
		t = cp_prov_next_ms(&p);
		assert_int_equal(cp_prov_timer(&p, t, 1700000000, 100), 0);
	}
	assert_int_equal(io.last.type, ESG_DHCP4_DISCOVER);
	assert_int_equal(reply(ESG_DHCP4_OFFER, "198.51.100.10", true, t), 0);
	assert_int_equal(reply(ESG_DHCP4_ACK, "198.51.100.10", true, t), 0);
}

/* SOLICIT ... REPLY for 2001:db8:2::100; returns the REPLY time. */
static uint64_t
to_bound6(void)
{
	struct esg_dhcp6_msg m;
	uint64_t t;

	t = until6(ESG_DHCP6_SOLICIT, 0);
	m = srv6(ESG_DHCP6_ADVERTISE, "2001:db8:2::100", "2001:db8:2::53",
		 "2001:db8:2::514");
	assert_int_equal(deliver6(&m, t + 10), 0);
	assert_int_equal(io.last6.type, ESG_DHCP6_REQUEST);
	m = srv6(ESG_DHCP6_REPLY, "2001:db8:2::100", "2001:db8:2::53",
		 "2001:db8:2::514");
	assert_int_equal(deliver6(&m, t + 20), 0);
	return t + 20;
}

static void
setup6(enum esg_prov_stack stack, const struct cp_prov_io *fio)
{
	setup(ESG_PROV_DHCP);
	conf.stack = stack;
	cp_prov_init(&p, &conf, fio, NULL);
	snprintf(p.hostname, sizeof(p.hostname), "esg1");
	assert_int_equal(cp_prov_start(&p, mac, 1000, 1700000000, 0), 0);
	assert_int_equal(cp_prov_status(&p)->state, CP_PROV_DHCP);
}

/* Stack ipv6: no DHCPv4 at all; the IA_NA address /128 (RFC 5942);
 * DAD said not run (no probe); the file is 33 on 32's first address
 * (spec 000 8.1.3); eUE-24 to 34's first server. */
static void
test_v6_pass(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);

	(void)state;
	setup6(ESG_PROV_STACK_IPV6, &fake);
	to_bound6();
	assert_int_equal(io.n_sent, 0); /* no DHCPv4 */
	assert_true(p.dhcp6.state == CP_DHCP6_BOUND);
	assert_int_equal(io.n_add6, 1);
	assert_true(same6(&io.addr6, "2001:db8:2::100"));
	assert_int_equal(io.plen6, 128);
	assert_true(st->have_lease6);
	assert_int_equal(st->n_dns6, 1);
	assert_true(same6(&st->dns6[0], "2001:db8:2::53"));
	assert_string_equal(st->fqdn, "esg1.example.net.");
	assert_int_equal(st->state, CP_PROV_CONFIG);
	assert_int_equal(io.n_fetch, 1);
	assert_int_equal(io.fetch_srv.family, AF_INET6);
	assert_true(same6(&io.fetch_srv.u.v6, "2001:db8:2::69"));
	assert_string_equal(io.fetch_file, "esg-v6.cfg");
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL,
			   1704164645);
	assert_int_equal(st->state, CP_PROV_DONE);
	assert_int_equal(io.n_syslog, 1);
	assert_int_equal(io.syslog_srv.family, AF_INET6);
	assert_true(same6(&io.syslog_srv.u.v6, "2001:db8:2::514"));
	assert_non_null(strstr(io.syslog_text, "status=\"pass\""));
	/* a new dataplane epoch gets the address again */
	cp_prov_reapply(&p);
	assert_int_equal(io.n_add6, 2);
	/* RFC 8415 18.2.7: RELEASE at stop, the address removed */
	cp_prov_stop(&p);
	assert_int_equal(io.last6.type, ESG_DHCP6_RELEASE);
	assert_int_equal(io.n_del6, 1);
	assert_int_equal(cp_prov_next_ms(&p), 0);
}

/* The configured on-link prefix length (ipv6_prefix_len). */
static void
test_v6_prefix_len(void **state)
{
	(void)state;
	setup(ESG_PROV_DHCP);
	conf.stack = ESG_PROV_STACK_IPV6;
	conf.ipv6_prefix_len = 64;
	cp_prov_init(&p, &conf, &fake, NULL);
	assert_int_equal(cp_prov_start(&p, mac, 1000, 1700000000, 0), 0);
	to_bound6();
	assert_int_equal(io.plen6, 64);
}

/* spec 001 6.2.1.2: an ADVERTISE offering a link-local address is
 * rejected (counted), the client keeps soliciting; a good one is taken. */
static void
test_v6_linklocal(void **state)
{
	struct esg_dhcp6_msg m;
	uint64_t t;

	(void)state;
	setup6(ESG_PROV_STACK_IPV6, &fake);
	t = until6(ESG_DHCP6_SOLICIT, 0);
	m = srv6(ESG_DHCP6_ADVERTISE, "fe80::1234", "2001:db8:2::53",
		 "2001:db8:2::514");
	assert_int_equal(deliver6(&m, t + 10), EADDRNOTAVAIL);
	assert_int_equal(p.dhcp6.n_linklocal, 1);
	assert_int_equal(io.last6.type, ESG_DHCP6_SOLICIT);
	t = until6(ESG_DHCP6_SOLICIT, t); /* retransmitted */
	assert_int_equal(deliver6(&m, t + 10), EADDRNOTAVAIL);
	assert_int_equal(p.dhcp6.n_linklocal, 2);
	assert_int_equal(io.n_add6, 0);
	m = srv6(ESG_DHCP6_ADVERTISE, "2001:db8:2::100", "2001:db8:2::53",
		 "2001:db8:2::514");
	assert_int_equal(deliver6(&m, t + 20), 0);
	assert_int_equal(io.last6.type, ESG_DHCP6_REQUEST);
}

/* 6.3.5 on renewal: new DNS and syslog servers are used at once without
 * reinitializing; another address restarts from eUE-1. */
static void
test_v6_renewal(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	struct esg_dhcp6_msg m;
	uint64_t t;

	(void)state;
	setup6(ESG_PROV_STACK_IPV6, &fake);
	t = to_bound6();
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(st->state, CP_PROV_DONE);
	t = until6(ESG_DHCP6_RENEW, t); /* T1 */
	/* 6.3.5: the last FQDN in the RENEW */
	assert_string_equal(io.last6.fqdn, "esg1.example.net.");
	m = srv6(ESG_DHCP6_REPLY, "2001:db8:2::100", "2001:db8:2::54",
		 "2001:db8:2::515");
	assert_int_equal(deliver6(&m, t + 10), 0);
	assert_true(same6(&st->dns6[0], "2001:db8:2::54"));
	assert_true(same6(&st->syslog.u.v6, "2001:db8:2::515"));
	assert_int_equal(st->state, CP_PROV_DONE); /* not reinitialized */
	assert_int_equal(io.n_del6, 0);
	assert_int_equal(io.n_fetch, 1);
	/* the next RENEW gets another address: restart (eUE-1) */
	t = until6(ESG_DHCP6_RENEW, t + 10);
	m = srv6(ESG_DHCP6_REPLY, "2001:db8:2::101", "2001:db8:2::54",
		 "2001:db8:2::515");
	assert_int_equal(deliver6(&m, t + 10), 0);
	assert_int_equal(io.n_del6, 1);
	assert_true(same6(&io.addr6, "2001:db8:2::100"));
	assert_false(st->have_lease6);
	assert_int_equal(st->state, CP_PROV_DHCP);
	until6(ESG_DHCP6_SOLICIT, t + 10);
}

/* DAD through the dataplane's probe: nothing until its answer; in use
 * -> DECLINE (RFC 8415 18.2.8), free -> bound. */
static void
test_v6_probe(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	uint64_t t;

	(void)state;
	setup6(ESG_PROV_STACK_IPV6, &fake_probe);
	t = to_bound6();
	assert_int_equal(io.n_probe, 1);
	assert_int_equal(io.probe_family, AF_INET6);
	assert_int_equal(io.n_add6, 0);
	assert_false(st->have_lease6);
	assert_int_equal(cp_prov_probe_result(&p, AF_INET, false, t, 0, 0),
			 EALREADY);
	assert_int_equal(
		cp_prov_probe_result(&p, AF_INET6, true, t + 1000, 0, 0), 0);
	assert_int_equal(io.last6.type, ESG_DHCP6_DECLINE);
	assert_int_equal(io.n_add6, 0);
	assert_int_equal(
		cp_prov_probe_result(&p, AF_INET6, false, t + 1000, 0, 0),
		EALREADY);
	/* the DECLINE goes unanswered; SOLICIT again, then a free address */
	t = until6(ESG_DHCP6_SOLICIT, t + 1000);
	t = to_bound6();
	assert_int_equal(io.n_probe, 2);
	assert_int_equal(cp_prov_probe_result(&p, AF_INET6, false, t, 0, 0), 0);
	assert_int_equal(io.n_add6, 1);
	assert_int_equal(st->state, CP_PROV_CONFIG);
}

/* Dual stack: both clients; each address applied; the file and syslog
 * from the IPv6 lease (default management family, spec 001 6.3.2.1
 * Table 4), or from the IPv4 one when configured so (spec 000 8.1.3). */
static void
test_dual(void **state)
{
	const struct cp_prov_status *st = cp_prov_status(&p);
	uint64_t t;

	(void)state;
	setup(ESG_PROV_DHCP);
	conf.stack = ESG_PROV_STACK_DUAL;
	cp_prov_init(&p, &conf, &fake, NULL);
	to_bound4_dual(); /* both clients' timers run */
	assert_int_equal(io.n_add, 1);
	assert_int_equal(io.n_fetch, 0); /* the IPv6 lease decides */
	assert_int_equal(st->state, CP_PROV_DHCP);
	t = to_bound6();
	assert_int_equal(io.n_add6, 1);
	assert_int_equal(io.n_fetch, 1);
	assert_int_equal(io.fetch_srv.family, AF_INET6);
	assert_string_equal(io.fetch_file, "esg-v6.cfg");
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(io.syslog_srv.family, AF_INET6);
	assert_true(st->have_lease && st->have_lease6);
	(void)t;
	cp_prov_stop(&p);
	assert_int_equal(io.n_del, 1);
	assert_int_equal(io.n_del6, 1);
	assert_int_equal(io.last.type, ESG_DHCP4_RELEASE);
	assert_int_equal(io.last6.type, ESG_DHCP6_RELEASE);

	/* management family IPv4: siaddr/file and option 7 */
	setup(ESG_PROV_DHCP);
	conf.stack = ESG_PROV_STACK_DUAL;
	conf.mgmt_family = AF_INET;
	cp_prov_init(&p, &conf, &fake, NULL);
	to_bound4_dual();
	assert_int_equal(io.n_fetch, 1);
	assert_int_equal(io.fetch_srv.family, AF_INET);
	assert_string_equal(io.fetch_file, "esg.cfg");
	to_bound6();
	assert_int_equal(io.n_add6, 1);
	assert_int_equal(io.n_fetch, 1); /* not again */
	cp_prov_fetch_done(&p, 0, good_file, sizeof(good_file), 0, NULL, 0);
	assert_int_equal(io.syslog_srv.family, AF_INET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp_pass),
		cmocka_unit_test(test_inform),
		cmocka_unit_test(test_dhcp_bad_file_keeps_settings),
		cmocka_unit_test(test_tftp_error),
		cmocka_unit_test(test_no_file_in_lease),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_renew_and_loss),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_v4_probe),
		cmocka_unit_test(test_v6_pass),
		cmocka_unit_test(test_v6_prefix_len),
		cmocka_unit_test(test_v6_linklocal),
		cmocka_unit_test(test_v6_renewal),
		cmocka_unit_test(test_v6_probe),
		cmocka_unit_test(test_dual),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
