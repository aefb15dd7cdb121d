/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registration (controlplane/sip/cp_reg*.c) against a libre-based mock of
 * the operator's registrar/proxy on 127.0.0.1:
 * - the timing decisions with driven time and random input: RFC 5626 4.5
 *   back-off (min doubling to max, 50-100% jitter), the refresh point
 *   (before expiry, Timer F margin), status transitions, keep-alive state;
 * - mode "trunk": 401 digest then 200 (RFC 3261 22.2), the REGISTER's
 *   Request-URI/To/From/Route/Contact/Expires (10.2), refresh before the
 *   granted expiry in the same Call-ID with a higher CSeq (10.2.4), a 403
 *   then retry after the back-off, then registered again;
 * - OPTIONS keep-alive: up with an RTT;
 * - every request cp_reg sends, parsed by the mock: no header twice
 *   (one Max-Forwards, RFC 3261 8.1.1.6);
 * LAN registrar and per-user relay: test_cp_reg_lan.c.
 * Every wait is bounded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cp_log.h"
#include "test_cp_reg_mock.h"

/* ---- timing, driven -------------------------------------------------- */

static void
test_backoff(void **state)
{
	(void)state;
	/* RFC 5626 4.5: base 30 s, max 1800 s; share 50%..100%. */
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 1, 0), 15000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 1, 500), 22500);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 1, 1000), 30000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 2, 1000), 60000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 2, 0), 30000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 6, 1000), 960000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 7, 1000), 1800000);
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 7, 0), 900000);
	/* No overflow however long it fails. */
	assert_int_equal(cp_reg_backoff_ms(30, 1800, 4000000000u, 1000),
			 1800000);
	/* rnd is taken modulo 1001: any 32-bit value stays in range. */
	assert_true(cp_reg_backoff_ms(30, 1800, 1, 0xffffffffu) >= 15000);
	assert_true(cp_reg_backoff_ms(30, 1800, 1, 0xffffffffu) <= 30000);
	/* Degenerate configuration: never 0 ms, max below min. */
	assert_true(cp_reg_backoff_ms(0, 0, 1, 0) >= 1);
	assert_int_equal(cp_reg_backoff_ms(10, 5, 3, 1000), 10000);
}

static void
test_refresh(void **state)
{
	(void)state;
	/* RFC 3261 10.2.4 refresh before expiry; margin = Timer F (32 s,
	 * 17.1.2.2) plus a tenth. */
	assert_int_equal(cp_reg_refresh_ms(3600), 3600000 - 32000 - 360000);
	assert_int_equal(cp_reg_refresh_ms(600), 600000 - 32000 - 60000);
	assert_int_equal(cp_reg_refresh_ms(60), 30000); /* short: half */
	assert_int_equal(cp_reg_refresh_ms(2), 1000);
	assert_int_equal(cp_reg_refresh_ms(0), 1);
	assert_true(cp_reg_refresh_ms(86400) < 86400000 - 32000);
}

static void
test_status_schedule(void **state)
{
	struct cp_reg_status st;
	uint64_t now = 1000;

	(void)state;
	memset(&st, 0, sizeof(st));
	/* Failures in a row double the wait up to the maximum. */
	assert_int_equal(cp_reg_status_fail(&st, now, 403, 0, 30, 120, 1000),
			 30000);
	assert_int_equal(st.state, CP_REG_FAILED);
	assert_int_equal(st.last_code, 403);
	assert_int_equal(st.failc, 1);
	assert_int_equal(st.retry_ms, now + 30000);
	now = st.retry_ms;
	assert_int_equal(
		cp_reg_status_fail(&st, now, 0, ETIMEDOUT, 30, 120, 1000),
		60000);
	assert_int_equal(st.last_code, 0);
	assert_int_equal(st.last_err, ETIMEDOUT);
	now = st.retry_ms;
	assert_int_equal(cp_reg_status_fail(&st, now, 503, 0, 30, 120, 1000),
			 120000);
	now = st.retry_ms;
	assert_int_equal(cp_reg_status_fail(&st, now, 503, 0, 30, 120, 1000),
			 120000);
	assert_int_equal(st.failc, 4);
	assert_int_equal(st.failures, 4);
	/* Success: registered until now + granted, refresh before. */
	now += 120000;
	assert_int_equal(cp_reg_status_ok(&st, now, 3600), 3208000);
	assert_int_equal(st.state, CP_REG_REGISTERED);
	assert_int_equal(st.failc, 0);
	assert_int_equal(st.expires_ms, now + 3600000);
	assert_int_equal(st.refresh_ms, now + 3208000);
	assert_true(st.refresh_ms < st.expires_ms);
	/* ... and the next failure starts again from the minimum. */
	assert_int_equal(cp_reg_status_fail(&st, now, 500, 0, 30, 120, 0),
			 15000);
	assert_int_equal(st.failc, 1);
	assert_string_equal(cp_reg_state_str(st.state), "failed");
}

static void
test_ka_result(void **state)
{
	struct cp_reg_ka_status ka;

	(void)state;
	memset(&ka, 0, sizeof(ka));
	ka.state = CP_REG_KA_UNKNOWN;
	assert_true(cp_reg_ka_result(&ka, 100, 130, 200, 0));
	assert_int_equal(ka.state, CP_REG_KA_UP);
	assert_int_equal(ka.rtt_ms, 30);
	assert_int_equal(ka.last_change_ms, 130);
	assert_false(cp_reg_ka_result(&ka, 1100, 1105, 200, 0));
	assert_int_equal(ka.rtt_ms, 5);
	/* No answer within the transaction: down. */
	assert_true(cp_reg_ka_result(&ka, 2100, 34100, 0, ETIMEDOUT));
	assert_int_equal(ka.state, CP_REG_KA_DOWN);
	assert_int_equal(ka.last_err, ETIMEDOUT);
	assert_false(cp_reg_ka_result(&ka, 35100, 67100, 0, ETIMEDOUT));
	/* Any answer, even 503, proves the proxy alive. */
	assert_true(cp_reg_ka_result(&ka, 68000, 68010, 503, 0));
	assert_int_equal(ka.state, CP_REG_KA_UP);
	assert_int_equal(ka.last_code, 503);
	assert_int_equal(ka.answered, 3);
	assert_int_equal(ka.failed, 2);
	assert_string_equal(cp_reg_ka_state_str(ka.state), "up");
}

/* ---- mode "trunk" against the mock -------------------------------- */

static bool
registered(const void *arg)
{
	const struct cp_reg_status *st = cp_reg_status(arg, 0);

	return st->state == CP_REG_REGISTERED;
}

static bool
failed(const void *arg)
{
	return cp_reg_status(arg, 0)->state == CP_REG_FAILED;
}

static bool
three_registers(const void *arg)
{
	return ((const struct mock *)arg)->registers >= 3;
}

static void
test_trunk(void **state)
{
	const struct cp_reg_status *st;
	struct esg_conf_tenant *t;
	char want[128], callid[128];
	uint64_t succ, now;
	uint32_t cseq;
	struct mock m;
	struct esg e;

	(void)state;
	mock_open(&m);
	m.grant_s = 2; /* the operator shortens the asked 60 s */
	esg_conf(&e, &m, ESG_REG_TRUNK);
	t = &e.conf.sip.tenant[0];
	snprintf(t->trunk.username, sizeof(t->trunk.username), TRUNK_USER);
	snprintf(t->trunk.password, sizeof(t->trunk.password), TRUNK_PASS);
	t->trunk.expires_s = 60;
	esg_open(&e);
	st = cp_reg_status(e.reg, 0);
	assert_int_equal(st->state, CP_REG_UNREGISTERED);
	assert_int_equal(cp_reg_start(e.reg), 0);

	/* RFC 3261 22.2: 401, then the same REGISTER with credentials. */
	assert_true(wait_for(registered, e.reg, 3000));
	assert_int_equal(m.registers, 2);
	assert_int_equal(m.authed, 1);
	assert_true(m.had_auth);
	/* 10.2: Request-URI is the domain; To = From = the AOR. */
	assert_string_equal(m.ruri, "sip:" REALM);
	assert_non_null(strstr(m.to, "sip:" TRUNK_USER "@" REALM));
	/* Through the operator proxy, loose routing (16.12.1.1). */
	re_snprintf(want, sizeof(want), "<sip:%J;lr>", &m.addr);
	assert_string_equal(m.route, want);
	/* Our contact: the trunk user at the ESG's address. */
	re_snprintf(want, sizeof(want), "<sip:" TRUNK_USER "@%J>;expires=60",
		    &e.addr);
	assert_string_equal(m.contact, want);
	assert_int_equal(m.expires, 60);
	now = tmr_jiffies();
	assert_int_equal(st->granted_s, 2);
	assert_true(st->expires_ms <= now + 2000);
	assert_true(st->refresh_ms < st->expires_ms);
	assert_int_equal(st->last_code, 200);
	assert_int_equal(st->failc, 0);

	/* 10.2.4: refreshed before expiry, same Call-ID, higher CSeq. */
	snprintf(callid, sizeof(callid), "%s", m.callid);
	cseq = m.cseq;
	succ = st->successes;
	assert_true(wait_for(three_registers, &m, 3000));
	assert_true(tmr_jiffies() < st->expires_ms);
	assert_string_equal(m.callid, callid);
	assert_true(m.cseq > cseq);
	assert_true(wait_for(registered, e.reg, 2000));

	/* A refusal: failed with its code, retried after the back-off
	 * (reg_retry_min_s 1: 0.5..1 s), then registered again. */
	m.fail_code = 403;
	assert_true(wait_for(failed, e.reg, 3000));
	now = tmr_jiffies();
	assert_int_equal(st->last_code, 403);
	assert_int_equal(st->failc, 1);
	assert_true(st->retry_ms > now);
	assert_true(st->retry_ms <= now + 1000);
	m.fail_code = 0;
	assert_true(wait_for(registered, e.reg, 3000));
	assert_true(st->successes > succ);
	assert_int_equal(st->failc, 0);
	assert_true(st->attempts >= 5);
	/* Each header once in every REGISTER (first, authenticated,
	 * refreshes): libre's Max-Forwards is not doubled by ours. */
	assert_string_equal(m.dup_name, "");
	assert_int_equal(m.dup_hdrs, 0);
	cp_reg_log_status(e.reg);

	esg_close(&e);
	mock_close(&m);
}

/* Wrong password: the second 401 of the realm is a failure (EAUTH), not
 * a loop. */
static void
test_trunk_bad_password(void **state)
{
	struct esg_conf_tenant *t;
	struct mock m;
	struct esg e;

	(void)state;
	mock_open(&m);
	esg_conf(&e, &m, ESG_REG_TRUNK);
	t = &e.conf.sip.tenant[0];
	snprintf(t->trunk.username, sizeof(t->trunk.username), TRUNK_USER);
	snprintf(t->trunk.password, sizeof(t->trunk.password), "wrong");
	e.conf.sip.reg_retry_min_s = 30; /* no retry within the test */
	esg_open(&e);
	assert_int_equal(cp_reg_start(e.reg), 0);
	assert_true(wait_for(failed, e.reg, 3000));
	assert_int_equal(cp_reg_status(e.reg, 0)->last_code, 401);
	assert_int_equal(m.registers, 2);
	assert_int_equal(m.authed, 0);
	assert_true(cp_reg_status(e.reg, 0)->retry_ms >= tmr_jiffies() + 14000);
	esg_close(&e);
	mock_close(&m);
}

/* ---- OPTIONS keep-alive ------------------------------------------- */

static bool
ka_up(const void *arg)
{
	return cp_reg_ka_status(arg)->state == CP_REG_KA_UP;
}

static void
test_keepalive(void **state)
{
	const struct cp_reg_ka_status *ka;
	struct mock m;
	struct esg e;

	(void)state;
	mock_open(&m);
	esg_conf(&e, &m, ESG_REG_STATIC);
	e.conf.sip.options_interval_s = 1;
	esg_open(&e);
	ka = cp_reg_ka_status(e.reg);
	assert_int_equal(ka->state, CP_REG_KA_UNKNOWN);
	assert_int_equal(cp_reg_start(e.reg), 0);
	assert_true(wait_for(ka_up, e.reg, 3000));
	assert_true(m.options >= 1);
	assert_int_equal(ka->last_code, 200);
	assert_true(ka->rtt_ms < 1000);
	assert_true(ka->last_change_ms > 0);
	/* RFC 3261 7.3.1/8.1.1.6: one Max-Forwards (libre writes it; a
	 * proxy such as kamailio refuses two), each header once. */
	assert_string_equal(m.dup_name, "");
	assert_int_equal(m.dup_hdrs, 0);
	/* No REGISTER in mode "static". */
	assert_int_equal(m.registers, 0);
	assert_int_equal(cp_reg_status(e.reg, 0)->state, CP_REG_UNREGISTERED);
	esg_close(&e);
	mock_close(&m);

	/* options_interval_s 0: off. */
	mock_open(&m);
	esg_conf(&e, &m, ESG_REG_STATIC);
	esg_open(&e);
	assert_int_equal(cp_reg_ka_status(e.reg)->state, CP_REG_KA_OFF);
	esg_close(&e);
	mock_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_status_schedule),
		cmocka_unit_test(test_ka_result),
		cmocka_unit_test(test_trunk),
		cmocka_unit_test(test_trunk_bad_password),
		cmocka_unit_test(test_keepalive),
	};
	int rc;

	cp_log_init(ESG_LOG_DEBUG, false);
	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
