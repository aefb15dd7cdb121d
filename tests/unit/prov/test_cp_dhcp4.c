/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCPv4 client state machine (controlplane/prov/cp_dhcp4.c) on a
 * fake clock, against a fake server written with the shim:
 * - the full exchange (RFC 2131 3.1): DISCOVER with "SESG" in 43.2 (spec
 *   000 8.1.3), 122 asked for, 60 only when configured; REQUEST with 50
 *   and 54; ACK; ARP probe (4.4.1); BOUND; 'siaddr'/'file' (8.1.3);
 * - the retransmission back-off of RFC 2131 4.1 (4, 8, ... 64 s, +-1 s);
 * - NAK (3.1.4), REQUEST give-up, DECLINE on conflict + 10 s (3.1.5);
 * - T1 / T2 / expiry and the RENEWING / REBINDING retransmissions of
 *   4.4.5 (half the time left, at least 60 s);
 * - renewal with changed DNS and with a new yiaddr (PKT-EUE-PROV 6.3.5);
 * - replies for another xid or chaddr, malformed, from a server not
 *   allowed (PKT-EUE-PROV 6.3.2.2) are ignored.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp_dhcp4.h"

static const uint8_t mac[6] = {0x02, 0, 0x5e, 0x10, 0, 1};
static struct cp_dhcp4 c;
static struct cp_dhcp4_out out;
static struct esg_dhcp4_msg sent;

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

/* What the client sent last, parsed. */
static void
got(uint8_t type)
{
	char err[ESG_DHCP_ERR_LEN];

	assert_true(out.len > 0);
	assert_int_equal(esg_dhcp4_parse(out.pkt, out.len, &sent, err), 0);
	assert_int_equal(sent.type, type);
}

/* The fake server's reply to the last message sent. */
static void
reply(uint8_t type, const char *yiaddr, uint32_t lease, uint64_t now,
      int expect)
{
	struct esg_dhcp4_msg m;
	uint8_t buf[1500];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = sent.xid;
	m.htype = 1;
	m.hlen = 6;
	memcpy(m.chaddr, mac, 6);
	m.yiaddr = a4(yiaddr);
	m.siaddr = a4("198.51.100.7");
	strcpy(m.file, "esg-1.cfg");
	m.present = ESG_DHCP4_HAS_SERVER_ID | ESG_DHCP4_HAS_MASK;
	m.server_id = a4("198.51.100.2");
	m.mask = a4("255.255.255.0");
	m.routers[0] = a4("198.51.100.1");
	m.n_routers = 1;
	m.dns[0] = a4("198.51.100.53");
	m.n_dns = 1;
	if (lease != 0) {
		m.present |= ESG_DHCP4_HAS_LEASE;
		m.lease = lease;
	}
	assert_int_equal(esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL), 0);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, now, 4242, &out), expect);
}

static void
setup_client(const char *vendor_class)
{
	struct cp_dhcp4_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	if (vendor_class != NULL) {
		cfg.vendor_class_len = (uint16_t)strlen(vendor_class);
		memcpy(cfg.vendor_class, vendor_class, cfg.vendor_class_len);
	}
	cp_dhcp4_init(&c, &cfg);
}

/* From start to BOUND at about t = 1 s; returns the bind time. */
static uint64_t
to_bound(void)
{
	assert_int_equal(cp_dhcp4_start(&c, 0, 0, &out), 0);
	assert_int_equal(out.timer_ms, 1000); /* RFC 2131 4.4.1: 1-10 s */
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp4_timer(&c, 1000, 1000, &out), 0);
	got(ESG_DHCP4_DISCOVER);
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	got(ESG_DHCP4_REQUEST);
	reply(ESG_DHCP4_ACK, "198.51.100.20", 3600, 1200, 0);
	assert_int_equal(out.events, CP_DHCP4_EV_PROBE);
	assert_int_equal(c.state, CP_DHCP4_CHECKING);
	assert_int_equal(cp_dhcp4_probe_result(&c, 0, 1300, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP4_EV_BOUND);
	assert_int_equal(c.state, CP_DHCP4_BOUND);
	return 1300;
}

static void
test_full_exchange(void **state)
{
	const struct esg_dhcp_subopt *o;
	struct in_addr srv;
	const char *file;
	uint32_t xid;
	(void)state;

	setup_client(NULL);
	assert_int_equal(cp_dhcp4_start(&c, 0, 0, &out), 0);
	assert_int_equal(cp_dhcp4_timer(&c, 999, 0, &out), 0); /* early */
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp4_timer(&c, 1000, 1000, &out), 0);
	got(ESG_DHCP4_DISCOVER);
	assert_true(out.broadcast);
	assert_int_equal(sent.flags, 0x8000);
	assert_memory_equal(sent.chaddr, mac, 6);
	/* spec 000 8.1.3: "SESG" in option 43 sub-option 2 */
	o = esg_dhcp_subopt_find(&sent.vendor_enc, 2);
	assert_non_null(o);
	assert_int_equal(o->len, 4);
	assert_memory_equal(o->data, "SESG", 4);
	/* spec 000 8.1.3: option 60 not required; none configured */
	assert_false(sent.present & ESG_DHCP4_HAS_VENDOR_CLASS);
	/* option 122 (RFC 3495) asked for */
	assert_non_null(memchr(sent.prl, 122, sent.n_prl));
	assert_non_null(memchr(sent.prl, 7, sent.n_prl));
	assert_int_equal(sent.client_id_len, 7);
	xid = sent.xid;

	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	got(ESG_DHCP4_REQUEST);
	assert_int_equal(sent.xid, xid); /* RFC 2131 4.4.1 */
	assert_true(sent.present & ESG_DHCP4_HAS_REQ_IP);
	assert_int_equal(sent.req_ip.s_addr, a4("198.51.100.20").s_addr);
	assert_int_equal(sent.server_id.s_addr, a4("198.51.100.2").s_addr);
	assert_int_equal(sent.ciaddr.s_addr, 0);
	assert_int_equal(c.state, CP_DHCP4_REQUESTING);

	assert_int_equal(cp_dhcp4_config_file(&c, &srv, &file), ENOENT);
	reply(ESG_DHCP4_ACK, "198.51.100.20", 3600, 1200, 0);
	assert_int_equal(out.events, CP_DHCP4_EV_PROBE);
	assert_int_equal(out.addr.s_addr, a4("198.51.100.20").s_addr);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp4_probe_result(&c, 0, 1300, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP4_EV_BOUND);
	assert_int_equal(c.state, CP_DHCP4_BOUND);
	/* RFC 2131 4.4.5: T1 = 0.5 lease when the server gives none */
	assert_int_equal(out.timer_ms, 1300 + 1800 * 1000);
	/* spec 000 8.1.3: 'siaddr' and 'file' locate the config file */
	assert_int_equal(cp_dhcp4_config_file(&c, &srv, &file), 0);
	assert_int_equal(srv.s_addr, a4("198.51.100.7").s_addr);
	assert_string_equal(file, "esg-1.cfg");
}

static void
test_option60_when_configured(void **state)
{
	(void)state;

	setup_client("pktc2.0");
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 0, &out);
	got(ESG_DHCP4_DISCOVER);
	assert_true(sent.present & ESG_DHCP4_HAS_VENDOR_CLASS);
	assert_int_equal(sent.vendor_class_len, 7);
	assert_memory_equal(sent.vendor_class, "pktc2.0", 7);
}

/* RFC 2131 4.1: 4 s, doubling to 64 s, each +-1 s from the random input
 * (rnd % 2001 - 1000 ms); the xid stays; 'secs' counts from the start. */
static void
check_backoff(uint32_t rnd, int jitter_ms)
{
	static const unsigned base[] = {4, 8, 16, 32, 64, 64, 64};
	uint64_t now = 1000;
	uint32_t xid;

	setup_client(NULL);
	cp_dhcp4_start(&c, 0, 0, &out);
	assert_int_equal(cp_dhcp4_timer(&c, now, rnd, &out), 0);
	got(ESG_DHCP4_DISCOVER);
	xid = sent.xid;
	for (unsigned i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		assert_int_equal(out.timer_ms,
				 now + base[i] * 1000 + (int64_t)jitter_ms);
		now = out.timer_ms;
		assert_int_equal(cp_dhcp4_timer(&c, now, rnd, &out), 0);
		got(ESG_DHCP4_DISCOVER);
		assert_int_equal(sent.xid, xid);
		assert_int_equal(sent.secs, (now - 1000) / 1000);
	}
}

static void
test_backoff_schedule(void **state)
{
	(void)state;
	check_backoff(1000, 0);
	check_backoff(0, -1000);
	check_backoff(2000, 1000);
	check_backoff(2001 + 1500, 500);
}

static void
test_nak_restarts(void **state)
{
	uint32_t xid;
	(void)state;

	setup_client(NULL);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	xid = sent.xid;
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	got(ESG_DHCP4_REQUEST);
	/* RFC 2131 3.1.4: a DHCPNAK restarts the configuration */
	reply(ESG_DHCP4_NAK, "0.0.0.0", 0, 1200, 0);
	assert_int_equal(out.events, CP_DHCP4_EV_NAK);
	got(ESG_DHCP4_DISCOVER);
	assert_int_not_equal(sent.xid, xid);
	assert_int_equal(c.state, CP_DHCP4_SELECTING);
}

/* RFC 2131 3.1.5: no ACK or NAK after the retransmissions: INIT. */
static void
test_request_gives_up(void **state)
{
	uint64_t now;
	(void)state;

	setup_client(NULL);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	for (int i = 0; i < 3; i++) {
		got(ESG_DHCP4_REQUEST);
		now = out.timer_ms;
		cp_dhcp4_timer(&c, now, 1000, &out);
	}
	got(ESG_DHCP4_REQUEST); /* the fourth */
	cp_dhcp4_timer(&c, out.timer_ms, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	assert_int_equal(c.state, CP_DHCP4_SELECTING);
}

/* RFC 2131 4.4.1: the probe finds the address in use: DECLINE with 50
 * and 54, then a new DISCOVER no sooner than 10 s (3.1.5). */
static void
test_decline_on_conflict(void **state)
{
	(void)state;

	setup_client(NULL);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	reply(ESG_DHCP4_ACK, "198.51.100.20", 3600, 1200, 0);
	assert_int_equal(cp_dhcp4_probe_result(&c, 1, 1300, 0, &out), 0);
	got(ESG_DHCP4_DECLINE);
	assert_true(out.broadcast);
	assert_int_equal(out.events, CP_DHCP4_EV_DECLINED);
	assert_int_equal(sent.req_ip.s_addr, a4("198.51.100.20").s_addr);
	assert_int_equal(sent.server_id.s_addr, a4("198.51.100.2").s_addr);
	assert_int_equal(sent.ciaddr.s_addr, 0);
	assert_int_equal(c.state, CP_DHCP4_INIT);
	assert_int_equal(out.timer_ms, 1300 + 10000);
	assert_int_equal(cp_dhcp4_config_file(&c, &(struct in_addr){0},
					      &(const char *){NULL}),
			 ENOENT);
	assert_int_equal(cp_dhcp4_timer(&c, 11299, 5, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp4_timer(&c, 11300, 5, &out), 0);
	got(ESG_DHCP4_DISCOVER);
	/* the probe result only counts while checking */
	assert_int_equal(cp_dhcp4_probe_result(&c, 0, 11400, 0, &out), EPROTO);
}

/* RFC 2131 4.4.5 on a 3600 s lease: T1 1800 s (unicast REQUEST with
 * ciaddr), retransmit after half the time to T2, at least 60 s; T2
 * 3150 s (broadcast); then half the time to the end; the end: lost. */
static void
test_renew_rebind_timing(void **state)
{
	uint64_t b, now, t2, end;
	(void)state;

	setup_client(NULL);
	b = to_bound();
	t2 = b + 3150 * 1000;
	end = b + 3600 * 1000;
	now = b + 1800 * 1000;
	assert_int_equal(out.timer_ms, now);
	assert_int_equal(cp_dhcp4_timer(&c, now, 7, &out), 0);
	got(ESG_DHCP4_REQUEST);
	assert_int_equal(c.state, CP_DHCP4_RENEWING);
	assert_false(out.broadcast);
	assert_int_equal(out.dst.s_addr, a4("198.51.100.2").s_addr);
	assert_int_equal(sent.ciaddr.s_addr, a4("198.51.100.20").s_addr);
	assert_false(sent.present & ESG_DHCP4_HAS_REQ_IP);
	assert_false(sent.present & ESG_DHCP4_HAS_SERVER_ID);
	assert_int_equal(out.timer_ms, now + 675 * 1000); /* (3150-1800)/2 */
	while (c.state == CP_DHCP4_RENEWING) {
		uint64_t prev = now;

		now = out.timer_ms;
		assert_true(now - prev >= 60 * 1000 || now == t2);
		assert_true(now <= t2);
		cp_dhcp4_timer(&c, now, 7, &out);
		got(ESG_DHCP4_REQUEST);
	}
	assert_int_equal(now, t2);
	assert_int_equal(c.state, CP_DHCP4_REBINDING);
	assert_true(out.broadcast);
	assert_int_equal(sent.ciaddr.s_addr, a4("198.51.100.20").s_addr);
	assert_int_equal(out.timer_ms, now + 225 * 1000); /* (3600-3150)/2 */
	while (out.timer_ms < end) {
		now = out.timer_ms;
		cp_dhcp4_timer(&c, now, 7, &out);
		got(ESG_DHCP4_REQUEST);
		assert_int_equal(c.state, CP_DHCP4_REBINDING);
	}
	assert_int_equal(out.timer_ms, end);
	cp_dhcp4_timer(&c, end, 7, &out);
	assert_int_equal(out.events, CP_DHCP4_EV_LOST);
	assert_int_equal(out.addr.s_addr, a4("198.51.100.20").s_addr);
	got(ESG_DHCP4_DISCOVER);
}

/* PKT-EUE-PROV 6.3.5: a renewal ACK with other DNS servers: used at once,
 * timers from the ACK; a renewal ACK with another yiaddr: start again. */
static void
test_renewal_rules(void **state)
{
	uint64_t now;
	struct esg_dhcp4_msg m;
	uint8_t buf[1500];
	size_t len;
	(void)state;

	setup_client(NULL);
	now = to_bound() + 1800 * 1000;
	cp_dhcp4_timer(&c, now, 7, &out);
	got(ESG_DHCP4_REQUEST);
	memset(&m, 0, sizeof(m));
	m.type = ESG_DHCP4_ACK;
	m.xid = sent.xid;
	m.hlen = 6;
	memcpy(m.chaddr, mac, 6);
	m.yiaddr = a4("198.51.100.20");
	m.present = ESG_DHCP4_HAS_LEASE | ESG_DHCP4_HAS_MASK |
		    ESG_DHCP4_HAS_SERVER_ID | ESG_DHCP4_HAS_T1;
	m.lease = 7200;
	m.t1 = 600;
	m.mask = a4("255.255.255.0");
	m.server_id = a4("198.51.100.2");
	m.routers[0] = a4("198.51.100.1");
	m.n_routers = 1;
	m.dns[0] = a4("198.51.100.54");
	m.n_dns = 1;
	strcpy(m.file, "other.cfg"); /* 6.3.5: ignored */
	assert_int_equal(esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL), 0);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, now + 5, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP4_EV_RENEWED | CP_DHCP4_EV_DNS);
	assert_int_equal(c.state, CP_DHCP4_BOUND);
	assert_int_equal(out.timer_ms, now + 5 + 600 * 1000);
	assert_int_equal(c.lease.dns[0].s_addr, m.dns[0].s_addr);
	assert_string_equal(c.lease.file, "esg-1.cfg");

	now = out.timer_ms;
	cp_dhcp4_timer(&c, now, 9, &out);
	got(ESG_DHCP4_REQUEST);
	m.xid = sent.xid;
	m.yiaddr = a4("198.51.100.21");
	assert_int_equal(esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL), 0);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, now + 5, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP4_EV_RESTART | CP_DHCP4_EV_LOST);
	assert_int_equal(out.addr.s_addr, a4("198.51.100.20").s_addr);
	got(ESG_DHCP4_DISCOVER);
}

static void
test_ignored_replies(void **state)
{
	struct esg_dhcp4_msg m;
	struct cp_dhcp4_cfg cfg;
	uint8_t buf[1500];
	size_t len;
	(void)state;

	setup_client(NULL);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	/* another xid */
	memset(&m, 0, sizeof(m));
	m.type = ESG_DHCP4_OFFER;
	m.xid = sent.xid + 1;
	m.hlen = 6;
	memcpy(m.chaddr, mac, 6);
	m.yiaddr = a4("198.51.100.20");
	m.present = ESG_DHCP4_HAS_SERVER_ID;
	m.server_id = a4("198.51.100.2");
	esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, 1100, 0, &out), EPROTO);
	assert_int_equal(out.len, 0);
	/* another chaddr */
	m.xid = sent.xid;
	m.chaddr[5] = 9;
	esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, 1100, 0, &out), EPROTO);
	/* an ACK while selecting */
	m.chaddr[5] = 1;
	m.type = ESG_DHCP4_ACK;
	esg_dhcp4_build(&m, buf, sizeof(buf), &len, NULL);
	assert_int_equal(cp_dhcp4_recv(&c, buf, len, 1100, 0, &out), EPROTO);
	/* malformed */
	assert_int_equal(cp_dhcp4_recv(&c, buf, 100, 1100, 0, &out), EBADMSG);
	assert_int_equal(c.state, CP_DHCP4_SELECTING);
	assert_int_equal(c.n_rx_bad, 4);

	/* PKT-EUE-PROV 6.3.2.2: only OFFERs from the allowed servers */
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cfg.n_servers = 1;
	cfg.servers[0] = a4("198.51.100.3");
	cp_dhcp4_init(&c, &cfg);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, EPERM);
	cfg.servers[0] = a4("255.255.255.255"); /* any */
	cp_dhcp4_init(&c, &cfg);
	cp_dhcp4_start(&c, 0, 0, &out);
	cp_dhcp4_timer(&c, 1000, 1000, &out);
	got(ESG_DHCP4_DISCOVER);
	reply(ESG_DHCP4_OFFER, "198.51.100.20", 3600, 1100, 0);
	cfg.servers[0] = a4("0.0.0.0"); /* must not provision */
	cp_dhcp4_init(&c, &cfg);
	assert_int_equal(cp_dhcp4_start(&c, 0, 0, &out), ECONNREFUSED);
	assert_int_equal(c.state, CP_DHCP4_STOPPED);
	assert_int_equal(out.timer_ms, 0);
}

static void
test_release(void **state)
{
	(void)state;

	setup_client(NULL);
	to_bound();
	assert_int_equal(cp_dhcp4_release(&c, &out), 0);
	got(ESG_DHCP4_RELEASE);
	assert_int_equal(sent.ciaddr.s_addr, a4("198.51.100.20").s_addr);
	assert_int_equal(out.dst.s_addr, a4("198.51.100.2").s_addr);
	assert_int_equal(out.events, CP_DHCP4_EV_LOST);
	assert_int_equal(c.state, CP_DHCP4_STOPPED);
	assert_string_equal(cp_dhcp4_state_name(c.state), "stopped");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_exchange),
		cmocka_unit_test(test_option60_when_configured),
		cmocka_unit_test(test_backoff_schedule),
		cmocka_unit_test(test_nak_restarts),
		cmocka_unit_test(test_request_gives_up),
		cmocka_unit_test(test_decline_on_conflict),
		cmocka_unit_test(test_renew_rebind_timing),
		cmocka_unit_test(test_renewal_rules),
		cmocka_unit_test(test_ignored_replies),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
