/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCPv6 client state machine (controlplane/prov/cp_dhcp6.c) with a
 * lease, on a fake clock against a fake server (test_cp_dhcp6.h):
 * - RENEW at T1, REBIND at T2, expiry (RFC 8415 18.2.4, 18.2.5, their
 *   retransmission per 15 / 7.6 cut at the MRD), T1/T2 of 0 (14.2, 21.4);
 * - renewal REPLY with other DNS / syslog servers (used at once), other
 *   TFTP server / file name (ignored) and with another address (restart),
 *   the last FQDN received sent in RENEW / REBIND (PKT-EUE-PROV 6.3.5);
 * - the softwire options (64, 94) of the REPLY kept with the lease, a
 *   renewal's other values ignored (6.3.5 "other configuration options");
 * - NoBinding -> REQUEST, UseMulticast, UnspecFail, NoAddrsAvail
 *   (RFC 8415 18.2.10, 18.2.10.1);
 * - DAD failure -> DECLINE then SOLICIT (eUE-4, RFC 8415 18.2.8);
 * - RELEASE (18.2.7).
 */
#include "test_cp_dhcp6.h"

/* RFC 8415 18.2.4 / 18.2.5: RENEW at T1 (10 s doubling to 600 s, never
 * past T2), REBIND at T2 (no Server Identifier, until the valid
 * lifetime ends), then the address is lost and SOLICIT starts again. */
static void
test_renew_rebind_timing(void **state)
{
	uint64_t r, now, t2, end, prev;
	uint32_t xid;
	unsigned n;
	(void)state;

	setup_client();
	r = to_bound();
	t2 = r + 2880 * 1000;
	end = r + 7200 * 1000;
	now = r + 1800 * 1000;
	assert_int_equal(out.timer_ms, now);
	assert_int_equal(cp_dhcp6_timer(&c, now - 1, 100, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	assert_int_equal(c.state, CP_DHCP6_RENEWING);
	assert_int_equal(sent.server_id_len, 10);
	assert_int_equal(sent.server_id[9], 1);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	assert_int_equal(sent.elapsed, 0);
	assert_int_equal(out.timer_ms, now + 10000); /* REN_TIMEOUT */
	xid = sent.xid;
	n = 0;
	while (c.state == CP_DHCP6_RENEWING) {
		prev = now;
		now = out.timer_ms;
		assert_true(now <= t2);
		/* 10, 20, 40, ... s, at most REN_MAX_RT 600 s */
		assert_true(now - prev <= 600 * 1000);
		if (n < 6)
			assert_int_equal(now - prev, 10000u << n);
		assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
		n++;
		if (c.state == CP_DHCP6_RENEWING) {
			got(ESG_DHCP6_RENEW);
			assert_int_equal(sent.xid, xid);
		}
	}
	assert_int_equal(now, t2); /* the last RT cut at T2 (MRD) */
	got(ESG_DHCP6_REBIND);
	assert_int_equal(c.state, CP_DHCP6_REBINDING);
	assert_int_equal(sent.server_id_len, 0);
	assert_int_not_equal(sent.xid, xid);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	assert_int_equal(out.timer_ms, now + 10000); /* REB_TIMEOUT */
	while (out.timer_ms < end) {
		prev = now;
		now = out.timer_ms;
		assert_true(now - prev <= 600 * 1000);
		assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
		got(ESG_DHCP6_REBIND);
	}
	assert_int_equal(out.timer_ms, end);
	assert_int_equal(cp_dhcp6_timer(&c, end, 100, &out), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_LOST);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
}

/* RFC 8415 14.2 / 21.4: T1 and T2 of 0 are the client's: 0.5 and 0.8
 * of the preferred lifetime. */
static void
test_t1_t2_zero(void **state)
{
	struct esg_dhcp6_msg m;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), 0);
	got(ESG_DHCP6_REQUEST);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	m.ia[0].t1 = 0;
	m.ia[0].t2 = 0;
	assert_int_equal(deliver(&m, T0 + 200), 0);
	assert_int_equal(cp_dhcp6_dad_result(&c, 0, T0 + 300, 0, &out), 0);
	assert_int_equal(out.timer_ms, T0 + 200 + 1800 * 1000);
	assert_int_equal(c.t2_ms, T0 + 200 + 2880 * 1000);
	assert_int_equal(c.end_ms, T0 + 200 + 7200 * 1000);
}

/* To RENEWING at T1; returns the time of the RENEW. */
static uint64_t
to_renewing(void)
{
	uint64_t now = to_bound() + 1800 * 1000;

	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	return now;
}

/* PKT-EUE-PROV 6.3.5: the renewal REPLY's DNS (23) and syslog (34)
 * servers are used at once, other differences (33, 32, 39) ignored;
 * the last FQDN received is sent in the next RENEW / REBIND. */
static void
test_renewal_dns_syslog(void **state)
{
	struct esg_dhcp6_msg m;
	struct in6_addr tftp;
	const char *file;
	uint64_t now;
	(void)state;

	setup_client();
	now = to_renewing();
	/* the FQDN the REPLY to the REQUEST gave */
	assert_string_equal(sent.fqdn, "esg1.example.net.");
	assert_int_equal(sent.fqdn_flags, 1);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	m.dns[0] = a6("2001:db8:2::54");
	strcpy(m.cl.config_file, "other.cfg");
	m.cl.tftp[0] = a6("2001:db8:2::70");
	strcpy(m.fqdn, "esg2.example.net.");
	m.ia[0].t1 = 600;
	m.ia[0].t2 = 960;
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RENEWED | CP_DHCP6_EV_DNS);
	assert_int_equal(c.state, CP_DHCP6_BOUND);
	assert_int_equal(out.timer_ms, now + 5 + 600 * 1000);
	assert_true(same6(c.lease.dns[0], "2001:db8:2::54"));
	assert_int_equal(cp_dhcp6_config_file(&c, &tftp, &file), 0);
	assert_true(same6(tftp, "2001:db8:2::69"));
	assert_string_equal(file, "esg-v6.cfg");

	now = out.timer_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	assert_string_equal(sent.fqdn, "esg2.example.net."); /* 6.3.5 */
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	m.dns[0] = a6("2001:db8:2::54");
	m.cl.syslog[0] = a6("2001:db8:2::515");
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RENEWED | CP_DHCP6_EV_SYSLOG);
	assert_true(same6(c.lease.cl.syslog[0], "2001:db8:2::515"));

	/* REBIND carries the last FQDN too; its REPLY may come from
	 * another server, which then holds the binding (RFC 8415 18.2.5) */
	now = c.t2_ms;
	assert_int_equal(cp_dhcp6_timer(&c, c.t1_ms, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_REBIND);
	assert_string_equal(sent.fqdn, "esg1.example.net.");
	m = srv(ESG_DHCP6_REPLY, 9, "2001:db8:2::100");
	m.dns[0] = a6("2001:db8:2::54");
	m.cl.syslog[0] = a6("2001:db8:2::515");
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RENEWED);
	assert_int_equal(c.lease.server_id[9], 9);
}

/* RFC 6334 AFTR-Name and an RFC 7598 MAP-E container (rule 89 with port
 * parameters 93, BR 90) added to a fake server message. */
static void
add_softwire(struct esg_dhcp6_msg *m, const char *aftr, uint8_t ea_len)
{
	struct esg_s46_cont *k = &m->s46[0];

	m->present |= ESG_DHCP6_HAS_AFTR;
	strcpy(m->aftr_name, aftr);
	m->n_s46 = 1;
	memset(k, 0, sizeof(*k));
	k->kind = ESG_S46_MAPE;
	k->n_rules = 1;
	k->rules[0].flags = 1;
	k->rules[0].ea_len = ea_len;
	k->rules[0].prefix4_len = 24;
	inet_pton(AF_INET, "192.0.2.0", &k->rules[0].prefix4);
	k->rules[0].prefix6_len = 56;
	k->rules[0].prefix6 = a6("2001:db8:ff00::");
	k->rules[0].has_portparams = 1;
	k->rules[0].portparams.offset = 6;
	k->rules[0].portparams.psid_len = 8;
	k->rules[0].portparams.psid = 0x34;
	k->n_br = 1;
	k->br[0] = a6("2001:db8:ffff::1");
}

/* The softwire options of the REPLY (built and parsed by the Kea shim)
 * stay with the lease; PKT-EUE-PROV 6.3.5 names none of them among what
 * a renewal changes, so other values in a renewal REPLY are ignored
 * (EV_SW_IGNORED, counted) and the first REPLY's kept. */
static void
test_softwire_kept(void **state)
{
	struct cp_dhcp6_cfg cfg;
	struct esg_dhcp6_msg m;
	const struct esg_s46_rule *r;
	uint64_t now;
	(void)state;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cfg.softwire = 1;
	cp_dhcp6_init(&c, &cfg);
	to_soliciting();
	assert_true(has16(sent.oro, sent.n_oro, 64));
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), 0);
	got(ESG_DHCP6_REQUEST);
	assert_true(has16(sent.oro, sent.n_oro, 94));
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	add_softwire(&m, "aftr.example.net", 16);
	assert_int_equal(deliver(&m, T0 + 200), 0);
	assert_int_equal(cp_dhcp6_dad_result(&c, 0, T0 + 1200, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_BOUND);
	assert_true(c.lease.present & ESG_DHCP6_HAS_AFTR);
	assert_string_equal(c.lease.aftr_name, "aftr.example.net");
	assert_int_equal(c.lease.n_s46, 1);
	assert_int_equal(c.lease.s46[0].kind, ESG_S46_MAPE);
	assert_int_equal(c.lease.s46[0].n_rules, 1);
	r = &c.lease.s46[0].rules[0];
	assert_int_equal(r->ea_len, 16);
	assert_int_equal(r->prefix4_len, 24);
	assert_int_equal(r->prefix6_len, 56);
	assert_true(same6(r->prefix6, "2001:db8:ff00::"));
	assert_true(r->has_portparams);
	assert_int_equal(r->portparams.offset, 6);
	assert_int_equal(r->portparams.psid_len, 8);
	assert_int_equal(r->portparams.psid, 0x34);
	assert_int_equal(c.lease.s46[0].n_br, 1);
	assert_true(same6(c.lease.s46[0].br[0], "2001:db8:ffff::1"));

	/* the same options in the renewal: nothing to report */
	now = c.t1_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	assert_true(has16(sent.oro, sent.n_oro, 96));
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	add_softwire(&m, "aftr.example.net", 16);
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RENEWED);
	assert_int_equal(c.n_sw_ignored, 0);

	/* another AFTR name: ignored, the lease's kept */
	now = c.t1_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	add_softwire(&m, "aftr2.example.net", 16);
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events,
			 CP_DHCP6_EV_RENEWED | CP_DHCP6_EV_SW_IGNORED);
	assert_string_equal(c.lease.aftr_name, "aftr.example.net");
	assert_int_equal(c.n_sw_ignored, 1);

	/* another rule (EA-len), then no softwire option at all: both
	 * ignored */
	now = c.t1_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	add_softwire(&m, "aftr.example.net", 12);
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_true(out.events & CP_DHCP6_EV_SW_IGNORED);
	assert_int_equal(c.lease.s46[0].rules[0].ea_len, 16);
	now = c.t1_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_true(out.events & CP_DHCP6_EV_SW_IGNORED);
	assert_int_equal(c.lease.n_s46, 1);
	assert_true(c.lease.present & ESG_DHCP6_HAS_AFTR);
	assert_int_equal(c.n_sw_ignored, 3);

	/* a new address: the lease goes, the next REPLY's options count */
	now = c.t1_ms;
	assert_int_equal(cp_dhcp6_timer(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RENEW);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::200");
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_true(out.events & CP_DHCP6_EV_RESTART);
	assert_int_equal(c.have_lease, 0);
}

/* PKT-EUE-PROV 6.3.5: another address in the renewal REPLY: the
 * current one goes, provisioning starts again from eUE-1. */
static void
test_renewal_new_address(void **state)
{
	struct esg_dhcp6_msg m;
	uint64_t now;
	(void)state;

	setup_client();
	now = to_renewing();
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::200");
	assert_int_equal(deliver(&m, now + 5), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RESTART | CP_DHCP6_EV_LOST);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	assert_int_equal(c.have_lease, 0);
}

/* RFC 8415 18.2.10.1: NoBinding for the IA in a REPLY to RENEW: REQUEST
 * the binding from that server; its REPLY is a renewal (no DAD). */
static void
test_nobinding(void **state)
{
	struct esg_dhcp6_msg m;
	uint64_t now;
	(void)state;

	setup_client();
	now = to_renewing();
	m = srv(ESG_DHCP6_REPLY, 1, NULL);
	m.ia[0].status = 3; /* NoBinding */
	assert_int_equal(deliver(&m, now + 5), 0);
	got(ESG_DHCP6_REQUEST);
	assert_int_equal(c.state, CP_DHCP6_REQUESTING);
	assert_int_equal(sent.server_id[9], 1);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, now + 10), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_RENEWED);
	assert_int_equal(c.state, CP_DHCP6_BOUND);
	assert_int_equal(out.timer_ms, now + 10 + 1800 * 1000);
}

/* RFC 8415 18.2.10: UseMulticast: the message again at once (this
 * client only multicasts); UnspecFail: ignored, retransmission goes on;
 * NoAddrsAvail in the REPLY to a REQUEST: SOLICIT again. */
static void
test_status_codes(void **state)
{
	struct esg_dhcp6_msg m;
	uint32_t xid;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), 0);
	got(ESG_DHCP6_REQUEST);
	xid = sent.xid;
	m = srv(ESG_DHCP6_REPLY, 1, NULL);
	m.present |= ESG_DHCP6_HAS_STATUS;
	m.status = 5; /* UseMulticast */
	assert_int_equal(deliver(&m, T0 + 200), 0);
	got(ESG_DHCP6_REQUEST);
	assert_int_equal(sent.xid, xid);
	assert_int_equal(out.timer_ms, T0 + 100 + 1000);
	assert_int_equal(c.n_usemcast, 1);
	m.status = 1; /* UnspecFail */
	assert_int_equal(deliver(&m, T0 + 300), EAGAIN);
	assert_int_equal(out.len, 0);
	assert_int_equal(c.state, CP_DHCP6_REQUESTING);
	m = srv(ESG_DHCP6_REPLY, 1, NULL);
	m.ia[0].status = 2; /* NoAddrsAvail */
	assert_int_equal(deliver(&m, T0 + 400), ENOENT);
	assert_int_equal(out.events, CP_DHCP6_EV_FAILED);
	got(ESG_DHCP6_SOLICIT);
}

/* PKT-EUE-PROV eUE-4: DAD finds the address in use: DECLINE (RFC 8415
 * 18.2.8: Server Identifier, the address; DEC_TIMEOUT 1 s, DEC_MAX_RC
 * 4), the step failed: SOLICIT after the REPLY or the last send. */
static void
test_dad_decline(void **state)
{
	struct esg_dhcp6_msg m;
	uint64_t now = T0 + 300;
	(void)state;

	setup_client();
	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), 0);
	got(ESG_DHCP6_REQUEST);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 200), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_DAD);
	assert_int_equal(cp_dhcp6_dad_result(&c, 1, now, 100, &out), 0);
	got(ESG_DHCP6_DECLINE);
	assert_int_equal(out.events, CP_DHCP6_EV_DECLINED);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	assert_int_equal(sent.server_id[9], 1);
	assert_int_equal(sent.ia[0].n_addr, 1);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	assert_true(sent.present & ESG_DHCP6_HAS_ELAPSED);
	assert_false(sent.present & ESG_DHCP6_HAS_FQDN);
	assert_int_equal(c.state, CP_DHCP6_DECLINING);
	assert_int_equal(out.timer_ms, now + 1000);
	assert_int_equal(cp_dhcp6_config_file(&c, &(struct in6_addr){0},
					      &(const char *){NULL}),
			 ENOENT);
	/* the REPLY to the DECLINE: SOLICIT again */
	m = srv(ESG_DHCP6_REPLY, 1, NULL);
	assert_int_equal(deliver(&m, now + 100), 0);
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(c.state, CP_DHCP6_SOLICITING);
	/* DAD result only counts while checking */
	assert_int_equal(cp_dhcp6_dad_result(&c, 0, now + 200, 0, &out),
			 EPROTO);

	/* no REPLY: 4 DECLINEs (1, 2, 4, 8 s), then SOLICIT */
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, now + 300), 0);
	got(ESG_DHCP6_REQUEST);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, now + 400), 0);
	now += 500;
	assert_int_equal(cp_dhcp6_dad_result(&c, 1, now, 100, &out), 0);
	for (int i = 0; i < 4; i++) {
		got(ESG_DHCP6_DECLINE);
		assert_int_equal(out.timer_ms, now + (1000u << i));
		now = out.timer_ms;
		cp_dhcp6_timer(&c, now, 100, &out);
	}
	got(ESG_DHCP6_SOLICIT);
}

/* RFC 8415 18.2.7: RELEASE with the server and the address, the address
 * goes at once; REL_TIMEOUT 1 s, REL_MAX_RC 4; REPLY: stopped. */
static void
test_release(void **state)
{
	struct esg_dhcp6_msg m;
	uint64_t now;
	(void)state;

	setup_client();
	now = to_bound() + 5000;
	assert_int_equal(cp_dhcp6_release(&c, now, 100, &out), 0);
	got(ESG_DHCP6_RELEASE);
	assert_int_equal(out.events, CP_DHCP6_EV_LOST);
	assert_true(same6(out.addr, "2001:db8:2::100"));
	assert_int_equal(sent.server_id[9], 1);
	assert_true(same6(sent.ia[0].addr[0].addr, "2001:db8:2::100"));
	assert_int_equal(c.state, CP_DHCP6_RELEASING);
	assert_int_equal(out.timer_ms, now + 1000);
	assert_int_equal(cp_dhcp6_timer(&c, now + 1000, 100, &out), 0);
	got(ESG_DHCP6_RELEASE);
	m = srv(ESG_DHCP6_REPLY, 1, NULL);
	assert_int_equal(deliver(&m, now + 1100), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_STOPPED);
	assert_int_equal(out.timer_ms, 0);
	assert_int_equal(c.state, CP_DHCP6_STOPPED);
	assert_string_equal(cp_dhcp6_state_name(c.state), "stopped");

	/* no REPLY: four RELEASEs, then stopped */
	setup_client();
	now = to_bound() + 5000;
	cp_dhcp6_release(&c, now, 100, &out);
	for (int i = 0; i < 4; i++) {
		got(ESG_DHCP6_RELEASE);
		now = out.timer_ms;
		cp_dhcp6_timer(&c, now, 100, &out);
	}
	assert_int_equal(out.len, 0);
	assert_int_equal(out.events, CP_DHCP6_EV_STOPPED);
	assert_int_equal(c.state, CP_DHCP6_STOPPED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_renew_rebind_timing),
		cmocka_unit_test(test_t1_t2_zero),
		cmocka_unit_test(test_renewal_dns_syslog),
		cmocka_unit_test(test_renewal_new_address),
		cmocka_unit_test(test_softwire_kept),
		cmocka_unit_test(test_nobinding),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_dad_decline),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
