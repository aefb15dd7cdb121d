/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCPv6 client state machine (controlplane/prov/cp_dhcp6.c), getting
 * a lease, on a fake clock against a fake server written with the shim
 * (test_cp_dhcp6.h); keeping and giving it back: test_cp_dhcp6_lease.c.
 * - the full exchange (RFC 8415 18.2.1/18.2.2, PKT-EUE-PROV 6.3.4.3
 *   eUE-1..eUE-4): SOLICIT contents (DUID-LL, IA_NA, ORO 39/23, Elapsed
 *   Time, option 16 "pktc2.0", option 17 with CL_OPTION_ORO 32/33/34/2171,
 *   CL_OPTION_DEVICE_TYPE "SESG" (spec 000 8.1.3), device id, FQDN S=1
 *   empty, no Rapid Commit), ADVERTISE collection for the first RT,
 *   REQUEST, REPLY, DAD, BOUND, the configuration file (8.1.3);
 * - a link-local ADVERTISE / REPLY refused (PKT-EUE-PROV 6.2.1.2);
 * - preference (RFC 8415 18.2.9), NoAddrsAvail, T1 > T2 (21.4);
 * - the retransmission of RFC 8415 15 / 7.6 for injected RAND values
 *   (SOLICIT, REQUEST and its give-up);
 * - DSS_ID server selection (6.3.2.2, 6.4.1.4), Rapid Commit when
 *   configured, replies for another xid / DUID, RECONFIGURE dropped;
 * - 1500 mutated ADVERTISEs / REPLYs in three states (robustness).
 */
#include "test_cp_dhcp6.h"

static void
test_full_exchange(void **state)
{
	static const uint8_t duid_ll[10] = {0, 3,    0,	   1, 0x02,
					    0, 0x5e, 0x10, 0, 1};
	const struct esg_dhcp_subopt *o;
	struct esg_dhcp6_msg m;
	struct in6_addr tftp;
	const char *file;
	uint32_t xid;
	(void)state;

	setup_client();
	/* RFC 8415 18.2.1: the first SOLICIT after 0..SOL_MAX_DELAY */
	assert_int_equal(cp_dhcp6_start(&c, T0, 500, &out), 0);
	assert_int_equal(out.timer_ms, T0 + 500);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 499, 100, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 500, 100, &out), 0);
	got(ESG_DHCP6_SOLICIT);
	/* eUE-1: DUID (RFC 8415 11.4 DUID-LL from the MAC) */
	assert_int_equal(sent.client_id_len, 10);
	assert_memory_equal(sent.client_id, duid_ll, 10);
	assert_int_equal(sent.server_id_len, 0);
	/* eUE-1: IA_NA, no address asked for; RFC 8415 12: IAID */
	assert_int_equal(sent.n_ia, 1);
	assert_int_equal(sent.ia[0].iaid, 0x5e100001);
	assert_int_equal(sent.ia[0].n_addr, 0);
	/* eUE-1: ORO asks for 39 and 23 */
	assert_true(has16(sent.oro, sent.n_oro, 39));
	assert_true(has16(sent.oro, sent.n_oro, 23));
	assert_false(has16(sent.oro, sent.n_oro, 64)); /* softwire off */
	/* RFC 8415 21.9: Elapsed Time 0 in the first message */
	assert_true(sent.present & ESG_DHCP6_HAS_ELAPSED);
	assert_int_equal(sent.elapsed, 0);
	/* PKT-EUE-PROV 6.3.4.3: no Rapid Commit; RFC 8415 21.20: no
	 * Reconfigure Accept (RECONFIGURE is not supported) */
	assert_false(sent.present & ESG_DHCP6_HAS_RAPID_COMMIT);
	assert_false(sent.present & ESG_DHCP6_HAS_RECONF_ACCEPT);
	/* eUE-1 / 6.6.1: option 16, 4491, "pktc2.0" */
	assert_true(sent.present & ESG_DHCP6_HAS_VENDOR_CLASS);
	assert_int_equal(sent.vendor_class_len, 7);
	assert_memory_equal(sent.vendor_class, "pktc2.0", 7);
	/* eUE-1: option 17 with CL_OPTION_ORO 32, 33, 34, 2171 */
	assert_true(sent.present & ESG_DHCP6_HAS_VENDOR_OPTS);
	assert_true(sent.cl.present & ESG_CL_HAS_ORO);
	assert_int_equal(sent.cl.n_oro, 4);
	assert_true(has16(sent.cl.oro, 4, 32));
	assert_true(has16(sent.cl.oro, 4, 33));
	assert_true(has16(sent.cl.oro, 4, 34));
	assert_true(has16(sent.cl.oro, 4, 2171));
	/* spec 000 8.1.3: CL_OPTION_DEVICE_TYPE "SESG" */
	assert_true(sent.cl.present & ESG_CL_HAS_DEVICE_TYPE);
	assert_string_equal(sent.cl.device_type, "SESG");
	/* eUE-1: CL_OPTION_DEVICE_ID (36) = the MAC */
	o = esg_dhcp_subopt_find(&sent.cl.other, 36);
	assert_non_null(o);
	assert_int_equal(o->len, 6);
	assert_memory_equal(o->data, mac, 6);
	/* eUE-1: FQDN with an empty name, S=1, N=0, O=0 */
	assert_true(sent.present & ESG_DHCP6_HAS_FQDN);
	assert_int_equal(sent.fqdn_flags, 1);
	assert_string_equal(sent.fqdn, "");
	xid = sent.xid;
	assert_int_equal(out.timer_ms, T0 + 500 + 1001);

	/* RFC 8415 18.2.1: ADVERTISEs are collected for the first RT */
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 600), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(out.timer_ms, T0 + 1501);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 1501, 100, &out), 0);
	got(ESG_DHCP6_REQUEST);
	assert_int_equal(c.state, CP_DHCP6_REQUESTING);
	/* RFC 8415 18.2.2: a new transaction, the chosen server, the
	 * address; eUE-3: the same options as the SOLICIT */
	assert_int_not_equal(sent.xid, xid);
	assert_int_equal(sent.server_id_len, 10);
	assert_int_equal(sent.server_id[9], 1);
	assert_int_equal(sent.ia[0].n_addr, 1);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	assert_int_equal(sent.elapsed, 0);
	assert_true(has16(sent.oro, sent.n_oro, 39));
	assert_int_equal(sent.cl.n_oro, 4);
	assert_string_equal(sent.cl.device_type, "SESG");
	assert_int_equal(out.timer_ms, T0 + 1501 + 1000); /* REQ_TIMEOUT */

	assert_int_equal(cp_dhcp6_config_file(&c, &tftp, &file), ENOENT);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 1600), 0);
	/* eUE-4: DAD on the address before it is used */
	assert_int_equal(out.events, CP_DHCP6_EV_DAD);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	assert_int_equal(out.len, 0);
	assert_int_equal(out.timer_ms, 0);
	assert_int_equal(c.state, CP_DHCP6_CHECKING);
	assert_int_equal(cp_dhcp6_dad_result(&c, 0, T0 + 2600, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_BOUND);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	assert_int_equal(c.state, CP_DHCP6_BOUND);
	/* RFC 8415 18.2.10.1: T1 counts from the REPLY */
	assert_int_equal(out.timer_ms, T0 + 1600 + 1800 * 1000);
	/* spec 000 8.1.3: 32 and 33 locate the configuration file */
	assert_int_equal(cp_dhcp6_config_file(&c, &tftp, &file), 0);
	assert_true(same6(tftp, "2001:db8:2::69"));
	assert_string_equal(file, "esg-v6.cfg");
	assert_string_equal(cp_dhcp6_state_name(c.state), "bound");
}

/* PKT-EUE-PROV 6.2.1.2: an ADVERTISE with a link-local address is
 * rejected; so is a REPLY with one (eUE-4: not valid by the eUE-2
 * rules: the step fails, eUE-1 again). */
static void
test_linklocal_refused(void **state)
{
	struct esg_dhcp6_msg m;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "fe80::5");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), EADDRNOTAVAIL);
	assert_int_equal(out.len, 0);
	assert_int_equal(c.n_linklocal, 1);
	/* a global address next to a link-local one: refused as a whole */
	m.ia[0].n_addr = 2;
	m.ia[0].addr[1] = m.ia[0].addr[0];
	m.ia[0].addr[0].addr = a6("2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 150), EADDRNOTAVAIL);
	/* nothing collected: the timer retransmits the SOLICIT */
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 1001, 100, &out), 0);
	got(ESG_DHCP6_SOLICIT);
	/* after the first RT, the first valid ADVERTISE is taken at once */
	m = srv(ESG_DHCP6_ADVERTISE, 2, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 1500), 0);
	got(ESG_DHCP6_REQUEST);
	assert_int_equal(sent.server_id[9], 2);
	m = srv(ESG_DHCP6_REPLY, 2, "fe80::7");
	assert_int_equal(deliver(&m, T0 + 1600), EADDRNOTAVAIL);
	assert_int_equal(out.events, CP_DHCP6_EV_FAILED);
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	assert_int_equal(c.n_linklocal, 3);
}

/* RFC 8415 18.2.9: the highest preference after the first RT, the first
 * of equals; 255 at once. */
static void
test_preference(void **state)
{
	struct esg_dhcp6_msg m;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::101");
	assert_int_equal(deliver(&m, T0 + 10), 0); /* no option: 0 */
	m = srv(ESG_DHCP6_ADVERTISE, 2, "2001:db8:2::102");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 20;
	assert_int_equal(deliver(&m, T0 + 20), 0);
	m = srv(ESG_DHCP6_ADVERTISE, 3, "2001:db8:2::103");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 20;
	assert_int_equal(deliver(&m, T0 + 30), 0);
	m = srv(ESG_DHCP6_ADVERTISE, 4, "2001:db8:2::104");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 10;
	assert_int_equal(deliver(&m, T0 + 40), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 1001, 100, &out), 0);
	got(ESG_DHCP6_REQUEST);
	assert_int_equal(sent.server_id[9], 2);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::102"));

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::101");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 254;
	assert_int_equal(deliver(&m, T0 + 10), 0);
	assert_int_equal(out.len, 0);
	m = srv(ESG_DHCP6_ADVERTISE, 5, "2001:db8:2::105");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 20), 0);
	got(ESG_DHCP6_REQUEST); /* at once, before the first RT */
	assert_int_equal(sent.server_id[9], 5);
}

/* RFC 8415 18.2.9: ADVERTISEs without an address (NoAddrsAvail, at the
 * top or in the IA_NA) are ignored and the SOLICIT goes on; 21.4: an
 * IA_NA with T1 > T2 is discarded; 21.6: preferred > valid discarded. */
static void
test_noaddrs(void **state)
{
	struct esg_dhcp6_msg m;
	uint32_t xid;
	(void)state;

	setup_client();
	to_soliciting();
	xid = sent.xid;
	m = srv(ESG_DHCP6_ADVERTISE, 1, NULL);
	m.present |= ESG_DHCP6_HAS_STATUS;
	m.status = 2; /* NoAddrsAvail */
	strcpy(m.status_msg, "no addresses");
	assert_int_equal(deliver(&m, T0 + 10), ENOENT);
	m = srv(ESG_DHCP6_ADVERTISE, 1, NULL);
	m.ia[0].status = 2;
	assert_int_equal(deliver(&m, T0 + 20), ENOENT);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.ia[0].t1 = 3000; /* > T2 2880 */
	assert_int_equal(deliver(&m, T0 + 30), ENOENT);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.ia[0].addr[0].preferred = 8000; /* > valid 7200 */
	assert_int_equal(deliver(&m, T0 + 40), ENOENT);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.ia[0].iaid = 77; /* not our IA */
	assert_int_equal(deliver(&m, T0 + 50), ENOENT);
	assert_int_equal(c.n_noaddrs, 5);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 1001, 100, &out), 0);
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(sent.xid, xid);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
}

/* RFC 8415 15 with 7.6: RT = IRT + RAND*IRT, then 2*RTprev +
 * RAND*RTprev, capped at MRT + RAND*MRT; RAND = (rnd % 201 - 100) /
 * 1000; the first SOLICIT's RAND > 0: (1 + rnd % 100) / 1000. Each RT
 * is checked in floating point against the one before it (1 ms for the
 * client's integer arithmetic). */
static void
check_solicit_schedule(uint32_t rnd, double rand)
{
	double want = 1000.0 + 1000.0 * (1 + rnd % 100) / 1000.0, d;
	uint64_t now = T0, start = T0, rt;
	uint32_t xid;
	int capped = 0;

	setup_client();
	assert_int_equal(cp_dhcp6_start(&c, T0, 0, &out), 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0, rnd, &out), 0);
	got(ESG_DHCP6_SOLICIT);
	xid = sent.xid;
	for (int i = 0; i < 16; i++) {
		rt = out.timer_ms - now;
		d = (double)rt - want;
		assert_true(d <= 1.0 && d >= -1.0);
		now = out.timer_ms;
		assert_int_equal(cp_dhcp6_timer(&c, now, rnd, &out), 0);
		got(ESG_DHCP6_SOLICIT);
		assert_int_equal(sent.xid, xid); /* RFC 8415 15 */
		/* RFC 8415 21.9: 1/100 s since the first SOLICIT */
		assert_int_equal(sent.elapsed, now - start > 655350
						       ? 0xffff
						       : (now - start) / 10);
		want = 2.0 * (double)rt + rand * (double)rt;
		if (want > 3600000.0) { /* SOL_MAX_RT */
			want = 3600000.0 + rand * 3600000.0;
			capped = 1;
		}
	}
	/* 16 doublings from about 1 s: well past SOL_MAX_RT */
	assert_true(capped);
	assert_int_equal(out.timer_ms - now,
			 (uint64_t)(3600000 + (int)(rand * 3600000.0)));
}

static void
test_solicit_schedule(void **state)
{
	(void)state;
	check_solicit_schedule(100, 0.0);
	check_solicit_schedule(0, -0.1);
	check_solicit_schedule(200, 0.1);
	check_solicit_schedule(150, 0.05);
}

/* RFC 8415 18.2.2 / 7.6: REQUEST with REQ_TIMEOUT 1 s, REQ_MAX_RT 30 s,
 * REQ_MAX_RC 10; then the exchange fails: SOLICIT (eUE-3: eUE-1). */
static void
test_request_schedule(void **state)
{
	static const uint64_t rt[10] = {1000,  2000,  4000,  8000,  16000,
					30000, 30000, 30000, 30000, 30000};
	struct esg_dhcp6_msg m;
	uint64_t now = T0 + 100;
	uint32_t xid;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, now), 0);
	got(ESG_DHCP6_REQUEST);
	xid = sent.xid;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(out.timer_ms, now + rt[i]);
		now = out.timer_ms;
		assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
		if (i < 9) {
			got(ESG_DHCP6_REQUEST);
			assert_int_equal(sent.xid, xid);
		}
	}
	assert_int_equal(out.events, CP_DHCP6_EV_FAILED);
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	assert_int_equal(c.n_tx, 1 + 10 + 1);
}

static struct esg_dhcp6_msg
adv_dss(const uint8_t *id, uint16_t len, uint16_t code)
{
	struct esg_dhcp6_msg m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::1");

	m.cl.present |= ESG_CL_HAS_CCCV6;
	esg_dhcp_subopt_add(&m.cl.cccv6.all, code, id, len);
	return m;
}

/* PKT-EUE-PROV 6.3.2.2 / 6.4.1.4: only ADVERTISEs whose CL_OPTION_CCCV6
 * sub-option 1 matches a configured DSS_ID (first 32 bytes; sub-option
 * 2 ignored); FFFFFFFF = any, 00000000 = do not provision. */
static void
test_dss_id(void **state)
{
	struct cp_dhcp6_cfg cfg;
	uint8_t id[40];
	struct esg_dhcp6_msg m;
	(void)state;

	for (unsigned i = 0; i < sizeof(id); i++)
		id[i] = (uint8_t)(0x40 + i);
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cfg.n_dss = 2;
	cfg.dss[0].len = 4;
	memcpy(cfg.dss[0].id, "\x01\x02\x03\x04", 4);
	cfg.dss[1].len = 32;
	memcpy(cfg.dss[1].id, id, 32);
	cp_dhcp6_init(&c, &cfg);
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::1"); /* no CCCv6 */
	assert_int_equal(deliver(&m, T0 + 10), EPERM);
	m = adv_dss((const uint8_t *)"\x01\x02\x03\x05", 4, 1);
	assert_int_equal(deliver(&m, T0 + 20), EPERM);
	m = adv_dss((const uint8_t *)"\x01\x02\x03\x04", 4, 2); /* 2 */
	assert_int_equal(deliver(&m, T0 + 30), EPERM);
	assert_int_equal(c.n_dss_refused, 3);
	m = adv_dss(id, 40, 1); /* 6.4.1.4: the first 32 bytes count */
	assert_int_equal(deliver(&m, T0 + 40), 0);
	m = adv_dss((const uint8_t *)"\x01\x02\x03\x04", 4, 1);
	assert_int_equal(deliver(&m, T0 + 50), 0);
	assert_int_equal(cp_dhcp6_timer(&c, T0 + 1001, 100, &out), 0);
	got(ESG_DHCP6_REQUEST);
	/* eUE-4: a REPLY from a server not allowed fails the step */
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::1");
	assert_int_equal(deliver(&m, T0 + 1100), EPERM);
	assert_int_equal(out.events, CP_DHCP6_EV_FAILED);
	got(ESG_DHCP6_SOLICIT);

	cfg.n_dss = 1;
	memcpy(cfg.dss[0].id, "\xff\xff\xff\xff", 4); /* any */
	cp_dhcp6_init(&c, &cfg);
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::1");
	assert_int_equal(deliver(&m, T0 + 10), 0);
	memcpy(cfg.dss[0].id, "\x00\x00\x00\x00", 4); /* do not provision */
	cp_dhcp6_init(&c, &cfg);
	assert_int_equal(cp_dhcp6_start(&c, T0, 0, &out), ECONNREFUSED);
	assert_int_equal(c.state, CP_DHCP6_STOPPED);
	assert_int_equal(out.timer_ms, 0);
}

/* RFC 8415 18.2.1: Rapid Commit only when configured (PKT-EUE-PROV
 * 6.3.4.3 forbids it for the eUE flow); a REPLY with it ends SOLICIT. */
static void
test_rapid_commit(void **state)
{
	struct cp_dhcp6_cfg cfg;
	struct esg_dhcp6_msg m;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_RAPID_COMMIT;
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cfg.rapid_commit = 1;
	cfg.softwire = 1;
	cp_dhcp6_init(&c, &cfg);
	to_soliciting();
	assert_true(sent.present & ESG_DHCP6_HAS_RAPID_COMMIT);
	/* RFC 7598 / 6334: softwire options asked for when configured */
	assert_true(has16(sent.oro, sent.n_oro, 64));
	assert_true(has16(sent.oro, sent.n_oro, 94));
	assert_true(has16(sent.oro, sent.n_oro, 95));
	assert_true(has16(sent.oro, sent.n_oro, 96));
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 10), EPROTO); /* without 14 */
	m.present |= ESG_DHCP6_HAS_RAPID_COMMIT;
	assert_int_equal(deliver(&m, T0 + 20), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_DAD);
	assert_int_equal(c.state, CP_DHCP6_CHECKING);
}

/* RFC 8415 16: replies for another transaction or client, without a
 * Server Identifier, of the wrong type, malformed, and RECONFIGURE
 * (no Reconfigure Accept sent, RFC 8415 21.20) are dropped. */
static void
test_ignored(void **state)
{
	struct esg_dhcp6_msg m;
	uint8_t buf[1500];
	size_t len;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.xid ^= 1;
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.client_id[9] ^= 1;
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.server_id_len = 0;
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);
	m = srv(ESG_DHCP6_RECONFIGURE, 1, NULL);
	assert_int_equal(deliver(&m, T0 + 10), EPROTO);
	assert_int_equal(c.n_reconfigure, 1);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	assert_int_equal(esg_dhcp6_build(&m, buf, sizeof(buf), &len, NULL), 0);
	assert_int_equal(cp_dhcp6_recv(&c, buf, 3, T0 + 10, 0, &out), EBADMSG);
	assert_int_equal(cp_dhcp6_recv(&c, buf, len - 1, T0 + 10, 0, &out),
			 EBADMSG);
	assert_int_equal(c.n_rx_bad, 7);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	assert_false(c.have_best);
	assert_int_equal(out.len, 0);
	/* an ADVERTISE while requesting */
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 20), 0);
	got(ESG_DHCP6_REQUEST);
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 30), EPROTO);
	assert_int_equal(c.state, CP_DHCP6_REQUESTING);
}

/* Robustness: valid ADVERTISEs / REPLYs with 1 to 4 bytes changed (a
 * fixed LCG, so a failure repeats), fed while soliciting, requesting and
 * renewing: every answer is a known refusal or a taken message, anything
 * sent parses and is a client message, the state stays a known one. */
static void
test_mutated(void **state)
{
	static const uint8_t client_types[] = {
		ESG_DHCP6_SOLICIT, ESG_DHCP6_REQUEST, ESG_DHCP6_RENEW,
		ESG_DHCP6_REBIND,  ESG_DHCP6_RELEASE, ESG_DHCP6_DECLINE};
	struct esg_dhcp6_msg m, p;
	uint32_t x = 12345;
	uint8_t buf[1500];
	size_t len;
	unsigned taken = 0;
	int err;
	(void)state;

	for (int i = 0; i < 1500; i++) {
		uint8_t type = ESG_DHCP6_REPLY;

		setup_client();
		if (i % 3 == 0) {
			to_soliciting();
			type = ESG_DHCP6_ADVERTISE;
		} else if (i % 3 == 1) {
			to_soliciting();
			m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
			m.present |= ESG_DHCP6_HAS_PREFERENCE;
			m.preference = 255;
			assert_int_equal(deliver(&m, T0 + 10), 0);
			got(ESG_DHCP6_REQUEST);
		} else {
			uint64_t t1 = to_bound() + 1800 * 1000;

			assert_int_equal(cp_dhcp6_timer(&c, t1, 100, &out), 0);
			got(ESG_DHCP6_RENEW);
		}
		m = srv(type, 1, "2001:db8:2::100");
		m.cl.present |= ESG_CL_HAS_CCCV6;
		esg_dhcp_subopt_add(&m.cl.cccv6.all, 1, "\1\2\3\4", 4);
		assert_int_equal(
			esg_dhcp6_build(&m, buf, sizeof(buf), &len, NULL), 0);
		for (int k = 0; k <= i % 4; k++) {
			x = x * 1103515245u + 12345u;
			buf[(x >> 8) % len] ^= (uint8_t)(1u + (x >> 24) % 255u);
		}
		err = cp_dhcp6_recv(&c, buf, len, T0 + 5000000, x, &out);
		assert_true(err == 0 || err == EBADMSG || err == EPROTO ||
			    err == ENOENT || err == EADDRNOTAVAIL ||
			    err == EPERM || err == EAGAIN);
		taken += err == 0;
		assert_string_not_equal(cp_dhcp6_state_name(c.state), "?");
		if (out.len > 0) {
			assert_int_equal(
				esg_dhcp6_parse(out.pkt, out.len, &p, NULL), 0);
			assert_non_null(memchr(client_types, p.type,
					       sizeof(client_types)));
			assert_true(out.timer_ms > 0);
		}
	}
	/* some mutations hit bytes that do not matter: those are taken */
	assert_true(taken > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_exchange),
		cmocka_unit_test(test_linklocal_refused),
		cmocka_unit_test(test_preference),
		cmocka_unit_test(test_noaddrs),
		cmocka_unit_test(test_solicit_schedule),
		cmocka_unit_test(test_request_schedule),
		cmocka_unit_test(test_dss_id),
		cmocka_unit_test(test_rapid_commit),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_mutated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
