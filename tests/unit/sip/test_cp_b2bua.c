/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA end to end in one process (controlplane/sip/cp_b2bua.c,
 * cp_call.c, cp_call_sdp.c with cp_dlg, cp_sdp, cp_cac, cp_call_media)
 * in the lab of test_cp_b2bua_lab.h: the ESG, a PBX and the operator's
 * trunk as libre sipsess user agents on loopback, media legs on the fake
 * dataplane. REFER, 3xx and timers: test_cp_b2bua_xfer.c; forks and
 * early offers: test_cp_b2bua_early.c.
 *
 * Covers: an outgoing call (LAN -> trunk: request URI and To at the
 * operator's domain, P-Asserted-Identity of the trunk, SDP anchored on
 * each side, legs bound with both remotes, BYE from A ends B, no leg
 * left); an incoming call (trunk -> the tenant by its number -> the
 * static PBX, BYE from B); topology hiding (no byte of the other side's
 * addresses or Call-ID in any message a side receives, RFC 3261 16.6
 * style headers rebuilt); CANCEL before the answer (RFC 3261 9); a reject
 * mapped (486 passes, a 3xx becomes 480); the late offer (INVITE without
 * SDP, RFC 3264 4 / RFC 3261 13.2.1); a re-INVITE hold relayed with the
 * answer returned asynchronously (RFC 3264 8.4); INFO relayed; media
 * inactivity ending the call with BYE both sides;
 * admission 503 + Retry-After (RFC 3261 21.5.4); no route (404) and a
 * WAN source that is not the proxy (403); the error mapping table; the
 * B2BUA freed with an answered and a ringing call (shutdown); the heap
 * of held calls (test_memory_per_call: a bound per call, docs/
 * performance.md). Every test ends with no call, dialog or INVITE object
 * alive (assert_no_leak).
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
#include <malloc.h>

#include "test_cp_b2bua_lab.h"

/* AddressSanitizer replaces malloc: glibc's mallinfo2() then counts
 * nothing, so the memory bound is checked in the plain build only. */
#if defined(__SANITIZE_ADDRESS__)
#define HEAP_COUNTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_COUNTED 0
#endif
#endif
#ifndef HEAP_COUNTED
#define HEAP_COUNTED 1
#endif

/* LAN -> trunk, answered, BYE from the caller. */
static void
test_outgoing_call(void **state)
{
	char want[64], rec[4096];

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(TRUNKUA.invites, 1);
	assert_int_equal(PBXUA.estab, 1);
	assert_int_equal(TRUNKUA.estab, 1);
	/* request URI user kept, host the operator's domain */
	assert_string_equal(TRUNKUA.ruri_user, "+4930555000");
	assert_string_equal(TRUNKUA.to, "sip:+4930555000@operator.example");
	assert_string_equal(TRUNKUA.pai, "<sip:+4930123400@operator.example>");
	/* the offer the trunk got is anchored on the WAN side */
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_WAN_M);
	assert_non_null(strstr(TRUNKUA.last_sdp, want));
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_LAN_M);
	assert_non_null(strstr(PBXUA.last_sdp, want));
	WAIT(fdp_live(&F) == 2, 500);
	assert_legs(4000, 6000);
	assert_int_equal(cp_b2bua_counters(b2b)->answered, 1);
	/* BYE from A */
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NORMAL_A], 1);
	assert_hidden();
	/* the call record: numbers, never a LAN address */
	records(rec, sizeof(rec));
	assert_non_null(strstr(rec, "\"disposition\":\"answered\""));
	assert_non_null(strstr(rec, "\"callee\":\"+4930555000\""));
	assert_non_null(strstr(rec, "\"hangup_by\":\"lan\""));
	assert_non_null(strstr(rec, "\"direction\":\"outbound\""));
	assert_null(strstr(rec, "127.0.1."));
	assert_null(strstr(rec, "192.0.2."));
	assert_null(strchr(strchr(rec, '\n') + 1, '{')); /* one line */
}

/* trunk -> the tenant owning the number -> its static PBX; BYE from B. */
static void
test_incoming_call(void **state)
{
	(void)state;
	ua_call(&TRUNKUA, "+4930123455", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(PBXUA.invites, 1);
	assert_string_equal(PBXUA.ruri_user, "+4930123455");
	assert_int_equal(TRUNKUA.estab, 1);
	WAIT(fdp_live(&F) == 2, 500);
	assert_legs(4000, 6000);
	PBXUA.sess = mem_deref(PBXUA.sess); /* BYE from B */
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NORMAL_B], 1);
	assert_hidden();
}

/* RFC 3261 9.1: the caller CANCELs while B rings: B is CANCELled. */
static void
test_cancel(void **state)
{
	(void)state;
	TRUNKUA.auto_answer = false;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.progress >= 1, 3000);
	assert_int_equal(PBXUA.last_prog, 180);
	WAIT(fdp_live(&F) == 2, 500);
	PBXUA.sess = mem_deref(PBXUA.sess); /* CANCEL */
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_CANCEL], 1);
	assert_int_equal(cp_b2bua_counters(b2b)->failed, 1);
	assert_hidden();
}

/* 486 from B passes; a 302 becomes 480 (its Contact stays behind). */
static void
test_reject_mapped(void **state)
{
	(void)state;
	TRUNKUA.reject = 486;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 486);
	assert_no_leak();
	PBXUA.closed = 0;
	TRUNKUA.reject = 302;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 480);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_REJECTED], 2);
	assert_false(rx_has(&PBXUA, "elsewhere"));
	assert_hidden();
}

/* RFC 3264 4: INVITE without SDP; B's 200 carries the offer, A answers
 * in its ACK, which goes to B in ours. */
static void
test_late_offer(void **state)
{
	char want[64];

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, NULL);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1 && TRUNKUA.answers == 1,
	     3000);
	assert_int_equal(TRUNKUA.estab, 1);
	assert_int_equal(TRUNKUA.answers, 1); /* the answer in the ACK */
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_WAN_M);
	assert_non_null(strstr(TRUNKUA.last_sdp, want));
	WAIT(fdp_live(&F) == 2 && sa_port(&F.leg[0].remote) != 0, 500);
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_no_leak();
	assert_hidden();
}

/* The trunk holds (a=sendonly re-INVITE): the PBX gets the offer with
 * LAN anchors, its recvonly answer returns to the trunk; legs kept, no
 * inactivity timer. Then INFO relayed. */
static void
test_hold_info(void **state)
{
	struct mbuf *mb;
	unsigned int i;

	(void)state;
	PBXUA.reoffer_answer = PBX_HOLD_ANSWER;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	mb = mb_str(TRUNK_HOLD);
	assert_int_equal(sipsess_modify(TRUNKUA.sess, mb), 0);
	mem_deref(mb);
	WAIT(TRUNKUA.answers >= 1, 3000);
	assert_int_equal(PBXUA.offers, 1);
	assert_non_null(strstr(PBXUA.last_sdp, "a=sendonly"));
	assert_non_null(strstr(TRUNKUA.last_sdp, "a=recvonly"));
	WAIT(false, 50);
	assert_int_equal(fdp_live(&F), 2);
	for (i = 0; i < FDP_LEGS; i++)
		if (F.leg[i].live)
			assert_int_equal(F.leg[i].idle_ms, 0);
	assert_int_equal(cp_b2bua_counters(b2b)->reoffers, 1);
	/* INFO from the PBX reaches the trunk */
	mb = mb_str("Signal=1\r\nDuration=100\r\n");
	assert_int_equal(sipsess_info(PBXUA.sess, "application/dtmf-relay", mb,
				      NULL, NULL),
			 0);
	mem_deref(mb);
	WAIT(TRUNKUA.infos == 1, 3000);
	assert_int_equal(TRUNKUA.infos, 1);
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_no_leak();
	assert_hidden();
}

/* LEG_INACTIVE (media_timeout_s): BYE to both sides. */
static void
test_media_timeout(void **state)
{
	unsigned int i;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	WAIT(fdp_live(&F) == 2, 500);
	for (i = 0; i < FDP_LEGS && !F.leg[i].live; i++)
		;
	assert_int_equal(F.leg[i].idle_ms, 60000);
	fdp_inactive(&F, i);
	WAIT(PBXUA.closed == 1 && TRUNKUA.closed == 1, 3000);
	assert_int_equal(PBXUA.closed, 1);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_MEDIA_TIMEOUT],
			 1);
}

/* max_calls 1: the second call gets 503 with Retry-After. */
static void
test_admission(void **state)
{
	struct ua other;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1, 3000);
	other = TRUNKUA; /* calls from the trunk side while A talks */
	ua_call(&TRUNKUA, "+4930123455", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.close_scode, 503);
	assert_true(rx_has(&TRUNKUA, "Retry-After: 5"));
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_ADMISSION], 1);
	(void)other;
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(cp_b2bua_counters(b2b)->active == 0, 3000);
	assert_no_leak();
}

/* A number no tenant owns: 404. */
static void
test_no_route(void **state)
{
	char rec[4096];

	(void)state;
	ua_call(&TRUNKUA, "+4977777", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.close_scode, 404);
	/* the PBX calling the ESG's WAN address is not the proxy: 403 */
	ua_call(&PBXUA, "+4930123455", "+4930123401", ESG_WAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 403);
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NO_ROUTE], 2);
	assert_no_leak();
	records(rec, sizeof(rec)); /* refusals are recorded too */
	assert_non_null(strstr(rec, "\"sip_code\":404"));
	assert_non_null(strstr(rec, "\"sip_code\":403"));
}

/* docs/b2bua.md "Error mapping". */
static void
test_map(void **state)
{
	const char *r;

	(void)state;
	assert_int_equal(cp_b2bua_map_final(486, 0, &r), 486);
	assert_int_equal(cp_b2bua_map_final(404, 0, &r), 404);
	assert_int_equal(cp_b2bua_map_final(487, 0, &r), 487);
	assert_int_equal(cp_b2bua_map_final(401, 0, &r), 403);
	assert_int_equal(cp_b2bua_map_final(407, 0, &r), 403);
	assert_int_equal(cp_b2bua_map_final(302, 0, &r), 480);
	assert_int_equal(cp_b2bua_map_final(420, 0, &r), 500);
	assert_int_equal(cp_b2bua_map_final(499, 0, &r), 480);
	assert_int_equal(cp_b2bua_map_final(503, 0, &r), 503);
	assert_int_equal(cp_b2bua_map_final(599, 0, &r), 500);
	assert_int_equal(cp_b2bua_map_final(603, 0, &r), 603);
	assert_int_equal(cp_b2bua_map_final(699, 0, &r), 600);
	assert_int_equal(cp_b2bua_map_final(0, ETIMEDOUT, &r), 408);
	assert_string_equal(r, "Request Timeout");
	assert_int_equal(cp_b2bua_map_final(408, 0, &r), 408);
}

/*
 * Shutdown with calls up: an answered incoming call and a ringing
 * outgoing one (its INVITE with the trunk's credentials pending) when the
 * B2BUA is freed by the teardown, the peers silent. Every call, dialog and
 * INVITE must go with it: the sanitizer build's LeakSanitizer checks that
 * at exit (an INVITE kept by a reference cycle leaked here).
 */
static void
test_shutdown_calls_up(void **state)
{
	struct cp_dlg_live l;

	(void)state;
	ua_call(&TRUNKUA, "+4930123455", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(PBXUA.estab, 1);
	assert_int_equal(TRUNKUA.estab, 1);
	TRUNKUA.auto_answer = false; /* the next call rings */
	ua_call_x(&PBXUA, &PBXUA.sess2, "+4930555000", "+4930123401", ESG_LAN,
		  PBX_SDP, NULL);
	WAIT(TRUNKUA.invites == 1 && PBXUA.progress >= 1, 3000);
	assert_int_equal(TRUNKUA.invites, 1);
	assert_int_equal(cp_b2bua_counters(b2b)->active, 2);
	cp_b2bua_dlg_live(b2b, &l);
	assert_true(l.invs >= 1); /* the ringing call's */
	assert_true(l.dlgs >= 3); /* answered: A and B; ringing: A */
}

/*
 * Memory per held call (issue 4: 100,000 calls under 4 KiB of control
 * plane each; docs/performance.md "Memory per held call"). MEM_N calls
 * PBX -> ESG -> trunk are held and the heap in use (mallinfo2) measured;
 * the two user agents live in this process too, so the same MEM_N calls
 * are first made PBX -> trunk directly and that heap subtracted. What is
 * left is the ESG's: calls, dialogs, libre's dialogs, legs, media and the
 * transactions libre keeps 64*T1 after a 2xx (the lab cannot wait 32 s;
 * the load tool measures after them: tests/bench/cps), so the figure
 * here is about twice the load tool's. Measured on 2026-11-21 (Debian
 * glibc, libre 1.1.0): 13,860-13,930 B per call here, 6,100-6,300 B per held
 * call with the load tool (it was 7,661 B there before the SDP digests
 * and the transient retransmission records). MEM_BOUND is 13,930 plus
 * about 5 %: a change that keeps more per call (another SDP copy is
 * 300-500 bytes, a fixed 256-byte array per side 512) fails here.
 */
#define MEM_N 30	/* the fake dataplane has 64 legs */
#define MEM_BOUND 14600 /* bytes per call, see above */

static struct sipsess *mem_a[MEM_N], *mem_b[MEM_N];
static unsigned int mem_nb, mem_estab;

static void
mem_estab_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	mem_estab++;
}

static int
mem_offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	(void)descp;
	(void)msg;
	(void)arg;
	return EPROTO;
}

static int
mem_answer_h(const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return 0;
}

static void
mem_close_h(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

/* The trunk answers every INVITE 200 at once (its session in mem_b). */
static void
mem_conn_h(const struct sip_msg *msg, void *arg)
{
	struct mbuf *mb = mb_str(TRUNK_SDP);

	(void)arg;
	assert_true(mem_nb < MEM_N);
	assert_int_equal(sipsess_accept(&mem_b[mem_nb++], TRUNKUA.sock, msg,
					200, "OK", "trunk", "application/sdp",
					mb, NULL, NULL, false, mem_offer_h,
					mem_answer_h, mem_estab_h, NULL, NULL,
					mem_close_h, NULL, NULL),
			 0);
	mem_deref(mb);
}

static size_t
heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* MEM_N calls from the PBX to dst (the ESG's LAN address or the trunk's
 * own), held; the heap grown by them. */
static size_t
mem_calls(const char *dst)
{
	size_t h0;
	unsigned int i;

	/* every datagram lands in the UAs' rx buffers: sized once, so that
	 * their growth is not counted */
	mbuf_rewind(PBXUA.rx);
	mbuf_rewind(TRUNKUA.rx);
	WAIT(false, 400); /* the previous round's lingering INVITEs */
	h0 = heap_in_use();
	mem_nb = 0;
	mem_estab = 0;
	for (i = 0; i < MEM_N; i++)
		ua_call_x(&PBXUA, &mem_a[i], "+4930555000", "+4930123401", dst,
			  PBX_SDP, NULL);
	WAIT(PBXUA.estab == MEM_N && mem_estab == MEM_N, 10000);
	assert_int_equal(PBXUA.estab, MEM_N);
	assert_int_equal(mem_estab, MEM_N);
	WAIT(false, 400); /* cp_dlg's late-fork linger (300 ms here) */
	return heap_in_use() - h0;
}

static void
mem_hangup(void)
{
	unsigned int i;

	for (i = 0; i < MEM_N; i++)
		mem_a[i] = mem_deref(mem_a[i]);
	WAIT(cp_b2bua_counters(b2b)->active == 0, 5000);
	for (i = 0; i < MEM_N; i++)
		mem_b[i] = mem_deref(mem_b[i]);
	PBXUA.estab = 0;
}

static int
setup_mem(void **state)
{
	const struct lab_opt o = {.max_calls = 2 * MEM_N, .no_trunk = true};

	(void)state;
	return lab_setup(&o);
}

static void
test_memory_per_call(void **state)
{
	size_t direct, via, per;

	(void)state;
	if (!HEAP_COUNTED) {
		print_message("skipped: mallinfo2() counts nothing under "
			      "AddressSanitizer\n");
		skip();
	}
	ua_stack(&TRUNKUA, "trunk", TRUNK, true);
	assert_int_equal(sipsess_listen(&TRUNKUA.sock, TRUNKUA.sip, 16,
					mem_conn_h, NULL),
			 0);
	assert_int_equal(mbuf_resize(PBXUA.rx, 8u << 20), 0);
	assert_int_equal(mbuf_resize(TRUNKUA.rx, 8u << 20), 0);
	direct = mem_calls(TRUNK);
	mem_hangup();
	via = mem_calls(ESG_LAN);
	assert_int_equal(cp_b2bua_counters(b2b)->active, MEM_N);
	WAIT(fdp_live(&F) == 2 * MEM_N, 2000);
	assert_int_equal(fdp_live(&F), 2 * MEM_N);
	assert_true(via > direct);
	per = (via - direct) / MEM_N;
	print_message("heap per held call: %zu B (through the ESG %zu, "
		      "direct %zu, %u calls)\n",
		      per, via / MEM_N, direct / MEM_N, MEM_N);
	assert_in_range(per, 1, MEM_BOUND);
	mem_hangup();
	assert_no_leak();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test_setup_teardown(test_outgoing_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_incoming_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_mapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_late_offer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hold_info, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_media_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_admission, setup_one,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_route, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_per_call, setup_mem,
						teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_calls_up, setup,
						teardown),
	};

	return lab_run("cp_b2bua", tests, sizeof(tests) / sizeof(tests[0]));
}
