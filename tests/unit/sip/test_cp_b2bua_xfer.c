/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA in the lab of test_cp_b2bua_lab.h (libre sipsess PBX and
 * trunk on loopback, fake dataplane): transfers, redirects and timers.
 *
 * Covers: REFER relayed (RFC 3515 2.4): the trunk gets the PBX's REFER in
 * its own dialog with Refer-To and Referred-By (RFC 3892) rebuilt on the
 * ESG's WAN address (number kept, no LAN address), an unknown Replaces
 * dropped; the 202 back to the PBX; the trunk's NOTIFY (Event: refer,
 * sipfrag, RFC 3515 2.4.4-2.4.5) relayed to the PBX with the sipfrag cut
 * to its status line; the transferee's INVITE to the rewritten Refer-To
 * routed by number to the PBX as a new call; then an attended transfer's
 * Replaces (RFC 3891 3) naming the PBX's dialog of that second call
 * mapped to the trunk's dialog of it; a REFER with another method 403.
 * A 302 from the trunk with a number at the operator followed once (RFC
 * 3261 8.1.3.4): a new INVITE to that number through the proxy, answered;
 * a second 302 is not followed (480). sip.timers.no_answer_s: 480 to the
 * PBX, CANCEL to the trunk. RFC 4028: a PBX that asked to refresh and
 * does not: BYE at SE - min(32, SE/3) on its side, BYE to the trunk (the
 * "second" of cp_dlg scaled to 10 ms through the B2BUA's timers: 90 s
 * runs in 900 ms; the product's bounds are not touched).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_cp_b2bua_lab.h"

static void
resp_code_h(int err, const struct sip_msg *msg, void *arg)
{
	uint16_t *code = arg;

	if (!err && msg != NULL && msg->scode >= 200)
		*code = msg->scode;
}

/* ua sends REFER in its (first) session's dialog. */
static void
refer_send(struct ua *ua, const char *hdrs, uint16_t *code)
{
	*code = 0;
	assert_int_equal(sip_drequestf(NULL, ua->sip, true, "REFER",
				       sipsess_dialog(ua->sess), 0, NULL, NULL,
				       resp_code_h, code,
				       "%sContent-Length: 0\r\n\r\n", hdrs),
			 0);
	WAIT(*code != 0, 3000);
}

static void
test_refer(void **state)
{
	static const char frag[] =
		"SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP " TRUNK_M "\r\n";
	char want[256], hdrs[512], rep[512];
	uint16_t code, ncode = 0;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(TRUNKUA.estab, 1);
	/* blind transfer: an unknown Replaces is dropped */
	refer_send(&PBXUA,
		   "Refer-To: <sip:+4930123466@" PBX
		   "?Replaces=nothere%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n"
		   "Referred-By: <sip:+4930123401@" PBX ">\r\n",
		   &code);
	assert_int_equal(code, 202);
	assert_int_equal(TRUNKUA.refers, 1);
	snprintf(want, sizeof(want), "<sip:+4930123466@%s:%u>", ESG_WAN,
		 esg_port);
	assert_string_equal(TRUNKUA.refer_to, want);
	snprintf(want, sizeof(want), "<sip:+4930123401@%s:%u>", ESG_WAN,
		 esg_port);
	assert_string_equal(TRUNKUA.referred_by, want);
	assert_int_equal(cp_b2bua_counters(b2b)->refers, 1);
	/* RFC 3515 2.4.4: the trunk's NOTIFY back to the PBX */
	assert_int_equal(
		sip_drequestf(NULL, TRUNKUA.sip, true, "NOTIFY",
			      sipsess_dialog(TRUNKUA.sess), 0, NULL, NULL,
			      resp_code_h, &ncode,
			      "Event: refer\r\n"
			      "Subscription-State: active;expires=60\r\n"
			      "Content-Type: message/sipfrag;version=2.0\r\n"
			      "Content-Length: %zu\r\n\r\n%s",
			      strlen(frag), frag),
		0);
	WAIT(ncode != 0, 3000);
	assert_int_equal(ncode, 200);
	assert_int_equal(PBXUA.notifies, 1);
	assert_non_null(strstr(PBXUA.notify, "\r\nEvent: refer\r\n"));
	assert_non_null(strstr(PBXUA.notify, "Subscription-State: active"));
	assert_non_null(strstr(PBXUA.notify, "\r\n\r\nSIP/2.0 100 Trying\r\n"));
	assert_null(strstr(PBXUA.notify, "Via: SIP/2.0/UDP " TRUNK_M));
	/* the transferee calls the Refer-To: a new call, routed by number */
	ua_call_x(&TRUNKUA, &TRUNKUA.sess2, "+4930123466", "+4930555000",
		  ESG_WAN, TRUNK_SDP, NULL);
	WAIT(PBXUA.estab == 2 && TRUNKUA.estab == 2, 3000);
	assert_int_equal(PBXUA.invites, 1);
	assert_string_equal(PBXUA.ruri_user, "+4930123466");
	assert_int_equal(cp_b2bua_counters(b2b)->attempts, 2);
	/* attended: Replaces naming the PBX's dialog of the second call
	 * (to-tag = the ESG's, from-tag = the PBX's) becomes the trunk's
	 * dialog of it (to-tag = the ESG's there, from-tag = the trunk's) */
	snprintf(hdrs, sizeof(hdrs),
		 "Refer-To: <sip:+4930555000@" PBX
		 "?Replaces=%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s>\r\n",
		 PBXUA.est_callid, PBXUA.est_rtag, PBXUA.est_ltag);
	refer_send(&PBXUA, hdrs, &code);
	assert_int_equal(code, 202);
	assert_int_equal(TRUNKUA.refers, 2);
	snprintf(rep, sizeof(rep),
		 "?Replaces=%s%%3Bto-tag%%3D%s%%3Bfrom-tag%%3D%s>",
		 TRUNKUA.est_callid, TRUNKUA.est_rtag, TRUNKUA.est_ltag);
	assert_non_null(strstr(TRUNKUA.refer_to, rep));
	/* RFC 3515 2.4.2: only INVITE transfers */
	refer_send(&PBXUA, "Refer-To: <sip:+4930123466@" PBX ";method=BYE>\r\n",
		   &code);
	assert_int_equal(code, 403);
	assert_int_equal(TRUNKUA.refers, 2);
	assert_int_equal(cp_b2bua_counters(b2b)->refer_refused, 1);
	TRUNKUA.sess2 = mem_deref(TRUNKUA.sess2);
	PBXUA.sess2 = mem_deref(PBXUA.sess2);
	TRUNKUA.sess = mem_deref(TRUNKUA.sess);
	PBXUA.sess = mem_deref(PBXUA.sess);
	assert_no_leak();
	assert_hidden();
}

/* RFC 3261 8.1.3.4: the trunk redirects to another number of its own. */
static void
test_redirect(void **state)
{
	(void)state;
	TRUNKUA.reject = 302;
	TRUNKUA.reject_n = 1;
	TRUNKUA.reject_contact = "sip:+4930555111@operator.example";
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(TRUNKUA.invites, 2);
	assert_string_equal(TRUNKUA.ruri_user, "+4930555111");
	assert_string_equal(TRUNKUA.to, "sip:+4930555111@operator.example");
	assert_int_equal(PBXUA.estab, 1);
	assert_int_equal(cp_b2bua_counters(b2b)->redirects, 1);
	assert_false(rx_has(&PBXUA, "SIP/2.0 302"));
	WAIT(fdp_live(&F) == 2, 500);
	assert_legs(4000, 6000);
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_no_leak();
	/* followed once only: a second 302 is a 480 to the PBX */
	TRUNKUA.invites = 0;
	TRUNKUA.reject_n = 2;
	PBXUA.closed = 0;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 480);
	assert_int_equal(TRUNKUA.invites, 2);
	assert_int_equal(cp_b2bua_counters(b2b)->redirects, 2);
	assert_no_leak();
	assert_hidden();
}

/* A Contact elsewhere (not at the operator) is not followed. */
static void
test_redirect_elsewhere(void **state)
{
	(void)state;
	TRUNKUA.reject = 301;
	TRUNKUA.reject_contact = "sip:+4930555111@192.0.2.99";
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 480);
	assert_int_equal(TRUNKUA.invites, 1);
	assert_int_equal(cp_b2bua_counters(b2b)->redirects, 0);
	assert_no_leak();
}

/* sip.timers.no_answer_s: the trunk rings too long. */
static void
test_no_answer(void **state)
{
	(void)state;
	conf.sip.no_answer_s = 1;
	TRUNKUA.auto_answer = false;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1 && TRUNKUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 480);
	assert_int_equal(TRUNKUA.closed, 1); /* CANCELled */
	assert_true(rx_has(&TRUNKUA, "CANCEL sip:"));
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NO_ANSWER], 1);
	assert_no_leak();
}

static int
setup_fast(void **state)
{
	const struct lab_opt o = {.sec_ms = 10};

	(void)state;
	return lab_setup(&o);
}

/* RFC 4028 10: the PBX asked to refresh (refresher=uac) and never does:
 * the ESG's BYE ends its side at 90 - 30 "s", the call ends both sides. */
static void
test_session_expired(void **state)
{
	uint64_t t0;

	(void)state;
	assert_int_equal(conf.sip.min_se_s, 90);
	conf.sip.session_expires_s = 90;
	ua_call_x(&PBXUA, &PBXUA.sess, "+4930555000", "+4930123401", ESG_LAN,
		  PBX_SDP,
		  "Supported: timer\r\nSession-Expires: 90;refresher=uac\r\n");
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(PBXUA.estab, 1);
	assert_true(rx_has(&PBXUA, "Session-Expires: 90;refresher=uac"));
	t0 = tmr_jiffies();
	WAIT(PBXUA.closed == 1 && TRUNKUA.closed == 1, 3000);
	assert_int_equal(PBXUA.closed, 1);
	assert_int_equal(TRUNKUA.closed, 1);
	/* 600 ms after the answer at the latest, not before ~half of it */
	assert_true(tmr_jiffies() - t0 >= 300);
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_EXPIRED], 1);
	assert_no_leak();
	assert_hidden();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_redirect_elsewhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_session_expired,
						setup_fast, teardown),
	};

	return lab_run("cp_b2bua_xfer", tests,
		       sizeof(tests) / sizeof(tests[0]));
}
