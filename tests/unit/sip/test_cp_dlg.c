/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The INVITE dialog layer (controlplane/sip/cp_dlg*.c), two libre SIP
 * stacks on 127.0.0.1 in one process, each with a cp_dlgsock ("A" calls
 * "B"), and a scripted raw-UDP peer for exact messages:
 * - basic call: INVITE with SDP, 180, 200, ACK, BYE both ways (RFC 3261
 *   13, 15);
 * - late offer: offer in the 2xx, the owner's answer in the ACK (13.2.2.4);
 * - 100rel: reliable 183 with RSeq, automatic PRACK, retransmission stops
 *   (RFC 3262 3, 4, 7.2);
 * - re-INVITE and UPDATE (RFC 3311) both ways with asynchronous answers, a
 *   rejected offer (488) keeping the dialog;
 * - glare: both re-INVITE, both get 491, retry after the RFC 3261 14.1
 *   back-off with injected random values, both succeed;
 * - CANCEL after a 180 (9.1, 9.2): 487 to the UAC, close CANCEL at the UAS;
 * - final errors 486 and 503 with Retry-After reach the owner;
 * - session timers (RFC 4028): the UAC refreshes by UPDATE at half the
 *   interval; when refreshes stop the UAS sends BYE before expiry (10);
 *   422 with Min-SE and the UAC's retry with the larger value (7.4, 8.1);
 * - INFO in dialog answered later by the owner;
 * - forking (RFC 3261 12.1.2, 13.2.2.4), raw peer: two 183 with different
 *   To-tags make two dialogs; 200 on one confirms it and ends the other;
 *   a late 200 of the other fork gets ACK then BYE;
 * - malformed in-dialog requests from the raw peer: PRACK without RAck
 *   (400), bad Session-Expires (400), non-SDP body (415), old CSeq (500),
 *   unknown To-tag (481); re-INVITE without SDP: offer in our 200, answer
 *   in the ACK.
 * Every wait is bounded (a tick timer polls the condition).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sip/cp_dlg_int.h"

static const char SDP_A[] = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
			    "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			    "m=audio 4000 RTP/AVP 0\r\n";
static const char SDP_A2[] = "v=0\r\no=a 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"
			     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			     "m=audio 4002 RTP/AVP 0\r\n";
static const char SDP_B[] = "v=0\r\no=b 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
			    "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			    "m=audio 5000 RTP/AVP 0\r\n";
static const char SDP_B2[] = "v=0\r\no=b 1 2 IN IP4 127.0.0.1\r\ns=-\r\n"
			     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			     "m=audio 5002 RTP/AVP 0\r\n";

/* ---- bounded waiting ------------------------------------------------- */

static struct tmr g_tick;
static uint64_t g_deadline;

static void
tick_h(void *arg)
{
	(void)arg;
	re_cancel();
}

#define WAIT(cond, ms)                                                         \
	do {                                                                   \
		g_deadline = tmr_jiffies() + (ms);                             \
		while (!(cond) && tmr_jiffies() < g_deadline) {                \
			tmr_start(&g_tick, 5, tick_h, NULL);                   \
			(void)re_main(NULL);                                   \
		}                                                              \
		tmr_cancel(&g_tick);                                           \
	} while (0)

static void
settle(uint32_t ms)
{
	WAIT(false, ms);
}

static struct mbuf *
mb_str(const char *s)
{
	struct mbuf *mb = mbuf_alloc(strlen(s) + 1);

	assert_non_null(mb);
	assert_int_equal(mbuf_write_str(mb, s), 0);
	mb->pos = 0;
	return mb;
}

/* ---- one side: a SIP stack, a dialog sock and an owner --------------- */

enum uas_mode {
	UAS_ANSWER,    /* 180 then 200 with SDP_B */
	UAS_RING,      /* 180 only */
	UAS_REL183,    /* reliable 183 with SDP_B, 200 after PRACK */
	UAS_REJECT486, /* 486 */
	UAS_REJECT503, /* 503 with Retry-After */
};

struct side {
	const char *name;
	struct sip *sip;
	struct cp_dlgsock *ds;
	struct sa laddr;
	char uri[64];
	struct cp_dlg_prm prm;
	enum uas_mode mode;
	struct cp_dlg *dlg;
	struct cp_inv *inv;
	struct tmr tmr;
	uint32_t rnd;
	bool reject_offer; /* answer offers 488 */
	/* what happened */
	int n_conn, n_prov, n_estab, n_offer, n_answer, n_close, n_fail;
	int n_sreq, n_resp;
	uint16_t scode, fail_scode, resp_scode;
	enum cp_dlg_reason reason;
	bool body_ok; /* last body seen was what the test expects */
	char body[512];
	bool retry_after;
	struct cp_dlg *forks[4];
	int nforks;
	struct cp_dlg_sreq *sreq;
};

static struct side A, B;
static struct cp_dlg_handlers H;

static void
keep_body(struct side *s, const struct pl *b)
{
	s->body[0] = '\0';
	if (b != NULL && b->l < sizeof(s->body))
		(void)pl_strcpy(b, s->body, sizeof(s->body));
}

static void
prov_h(struct cp_inv *inv, struct cp_dlg *dlg, const struct sip_msg *msg,
       const struct pl *body, void *arg)
{
	struct side *s = arg;
	int i;

	(void)inv;
	(void)msg;
	s->n_prov++;
	keep_body(s, body);
	for (i = 0; i < s->nforks; i++)
		if (s->forks[i] == dlg)
			return;
	if (dlg != NULL && s->nforks < 4)
		s->forks[s->nforks++] = dlg;
}

static void
estab_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	void *arg)
{
	struct side *s = arg;

	(void)msg;
	s->n_estab++;
	s->dlg = dlg;
	s->inv = NULL; /* not valid after the winning estab */
	keep_body(s, body);
}

static void
answer_tmr_h(void *arg)
{
	struct side *s = arg;

	if (s->reject_offer)
		assert_int_equal(
			cp_dlg_reject(s->dlg, 488, "Not Acceptable Here", NULL),
			0);
	else {
		struct mbuf *mb = mb_str(s == &A ? SDP_A2 : SDP_B2);

		assert_int_equal(cp_dlg_answer(s->dlg, mb), 0);
		mem_deref(mb);
	}
}

static void
offer_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	void *arg)
{
	struct side *s = arg;

	(void)msg;
	s->n_offer++;
	s->dlg = dlg;
	keep_body(s, body);
	/* asynchronous: the B2BUA asks the other side first */
	tmr_start(&s->tmr, 20, answer_tmr_h, s);
}

static void
answer_h(struct cp_dlg *dlg, uint16_t scode, const struct sip_msg *msg,
	 const struct pl *body, void *arg)
{
	struct side *s = arg;

	(void)dlg;
	(void)msg;
	s->n_answer++;
	s->scode = scode;
	keep_body(s, body);
}

static void
sreq_h(struct cp_dlg *dlg, struct cp_dlg_sreq *sreq, const struct sip_msg *msg,
       void *arg)
{
	struct side *s = arg;

	(void)dlg;
	s->n_sreq++;
	s->body_ok = pl_strcmp(&msg->met, "INFO") == 0;
	s->sreq = sreq;
}

static void
close_h(struct cp_dlg *dlg, enum cp_dlg_reason reason, uint16_t scode,
	const struct sip_msg *msg, void *arg)
{
	struct side *s = arg;

	(void)msg;
	s->n_close++;
	s->reason = reason;
	s->scode = scode;
	if (dlg == s->dlg)
		s->dlg = NULL;
}

static void
fail_h(struct cp_inv *inv, int err, uint16_t scode, const struct sip_msg *msg,
       void *arg)
{
	struct side *s = arg;

	(void)inv;
	(void)err;
	s->n_fail++;
	s->fail_scode = scode;
	s->retry_after =
		msg != NULL && sip_msg_hdr(msg, SIP_HDR_RETRY_AFTER) != NULL;
	s->inv = NULL;
}

static void
uas_answer_h(void *arg)
{
	struct side *s = arg;
	struct mbuf *mb = mb_str(SDP_B);

	if (s->dlg != NULL && !cp_dlg_confirmed(s->dlg))
		(void)cp_dlg_answer_invite(s->dlg, mb);
	mem_deref(mb);
}

static void
conn_h(const struct sip_msg *msg, void *arg)
{
	struct side *s = arg;
	struct mbuf *mb;
	int err;

	s->n_conn++;
	err = cp_dlg_accept(&s->dlg, s->ds, msg, &s->prm, &H, s);
	if (err == ERANGE)
		return; /* 422 sent */
	assert_int_equal(err, 0);
	switch (s->mode) {
	case UAS_ANSWER:
		assert_int_equal(
			cp_dlg_progress(s->dlg, 180, "Ringing", NULL, false),
			0);
		tmr_start(&s->tmr, 10, uas_answer_h, s);
		break;
	case UAS_RING:
		assert_int_equal(
			cp_dlg_progress(s->dlg, 180, "Ringing", NULL, false),
			0);
		break;
	case UAS_REL183:
		mb = mb_str(SDP_B);
		assert_int_equal(cp_dlg_progress(s->dlg, 183,
						 "Session Progress", mb, true),
				 0);
		/* RFC 3262 3: no second reliable 1xx before the PRACK */
		assert_int_equal(
			cp_dlg_progress(s->dlg, 180, "Ringing", NULL, true),
			EBUSY);
		mem_deref(mb);
		break;
	case UAS_REJECT486:
		assert_int_equal(cp_dlg_reject(s->dlg, 486, "Busy Here", NULL),
				 0);
		s->dlg = NULL;
		break;
	case UAS_REJECT503:
		assert_int_equal(cp_dlg_reject(s->dlg, 503,
					       "Service Unavailable",
					       "Retry-After: 5\r\n"),
				 0);
		s->dlg = NULL;
		break;
	}
}

static uint32_t
rand_h(void *arg)
{
	struct side *s = arg;

	return s->rnd;
}

static void
trace_h(bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
	const uint8_t *pkt, size_t len, void *arg)
{
	(void)tp;
	(void)arg;
	(void)re_fprintf(stderr, "%s %J -> %J\n%b\n", tx ? "TX" : "RX", src,
			 dst, pkt, len);
}

static void
side_up(struct side *s, const char *name)
{
	struct sa la, lo;
	const struct cp_dlg_timers t = {.t1_ms = 50, .sec_ms = 10};

	memset(s, 0, sizeof(*s));
	s->name = name;
	tmr_init(&s->tmr);
	assert_int_equal(sip_alloc(&s->sip, NULL, 16, 16, 16, name, NULL, NULL),
			 0);
	assert_int_equal(sa_set_str(&la, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(s->sip, SIP_TRANSP_UDP, &la), 0);
	if (getenv("DLG_TRACE") != NULL && strcmp(name, "alice") == 0)
		sip_set_trace_handler(s->sip, trace_h);
	assert_int_equal(sa_set_str(&lo, "127.0.0.1", 9), 0);
	assert_int_equal(
		sip_transp_laddr(s->sip, &s->laddr, SIP_TRANSP_UDP, &lo), 0);
	(void)re_snprintf(s->uri, sizeof(s->uri), "sip:%s@%J", name, &s->laddr);
	assert_int_equal(cp_dlgsock_alloc(&s->ds, s->sip, conn_h, s), 0);
	cp_dlgsock_set_timers(s->ds, &t);
	cp_dlgsock_set_rand(s->ds, rand_h, s);
	s->prm.cuser = name;
	s->prm.update = true;
}

static void
side_down(struct side *s)
{
	tmr_cancel(&s->tmr);
	s->ds = mem_deref(s->ds);
	if (s->sip != NULL)
		sip_close(s->sip, true);
	s->sip = mem_deref(s->sip);
}

static int
setup(void **state)
{
	(void)state;
	H.provh = prov_h;
	H.estabh = estab_h;
	H.offerh = offer_h;
	H.answerh = answer_h;
	H.sreqh = sreq_h;
	H.closeh = close_h;
	H.failh = fail_h;
	side_up(&A, "alice");
	side_up(&B, "bob");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	side_down(&A);
	side_down(&B);
	return 0;
}

/* A calls B with prm filled from the sides. */
static void
call(struct mbuf *sdp)
{
	A.prm.ruri = B.uri;
	A.prm.to_uri = B.uri;
	A.prm.from_uri = A.uri;
	A.prm.from_name = "Alice";
	assert_int_equal(cp_dlg_invite(&A.inv, A.ds, &A.prm, sdp, &H, &A), 0);
}

static void
established(void)
{
	struct mbuf *mb = mb_str(SDP_A);

	B.mode = UAS_ANSWER;
	call(mb);
	mem_deref(mb);
	WAIT(A.n_estab == 1 && B.n_estab == 1, 3000);
	assert_int_equal(A.n_estab, 1);
	assert_int_equal(B.n_estab, 1);
	assert_true(cp_dlg_confirmed(A.dlg) && cp_dlg_confirmed(B.dlg));
}

/* RFC 3261 13, 15: INVITE/180/200/ACK, then BYE; the peer hears BYE. */
static void
test_basic_call(void **state)
{
	(void)state;
	established();
	assert_int_equal(A.n_prov, 1);
	assert_string_equal(A.body, SDP_B); /* the answer in the 200 */
	assert_string_equal(B.body, "");    /* no body in the ACK */
	assert_true(cp_dlg_is_uac(A.dlg) && !cp_dlg_is_uac(B.dlg));
	assert_string_equal(cp_dlg_callid(A.dlg), cp_dlg_callid(B.dlg));
	/* our Contact, built from our own address and user */
	assert_non_null(strstr(cp_dlg_remote_uri(A.dlg), "sip:bob@127.0.0.1"));
	assert_non_null(
		strstr(cp_dlg_remote_uri(B.dlg), "sip:alice@127.0.0.1"));
	assert_int_equal(cp_dlgsock_count(A.ds), 1);
	assert_int_equal(cp_dlg_bye(A.dlg), 0);
	A.dlg = NULL;
	WAIT(B.n_close == 1, 3000);
	assert_int_equal(B.n_close, 1);
	assert_int_equal(B.reason, CP_DLG_CLOSE_BYE);
	assert_int_equal(A.n_close, 0); /* a local end has no close handler */
	assert_int_equal(cp_dlgsock_count(A.ds), 0);
	assert_int_equal(cp_dlgsock_count(B.ds), 0);
}

/* B hangs up this time. */
static void
test_bye_from_uas(void **state)
{
	(void)state;
	established();
	assert_int_equal(cp_dlg_bye(B.dlg), 0);
	B.dlg = NULL;
	WAIT(A.n_close == 1, 3000);
	assert_int_equal(A.reason, CP_DLG_CLOSE_BYE);
}

static void
late_answer_h(void *arg)
{
	struct side *s = arg;
	struct mbuf *mb = mb_str(SDP_A);

	assert_int_equal(cp_dlg_answer(s->dlg, mb), 0);
	mem_deref(mb);
}

/* RFC 3261 13.2.1 / 13.3.1.4: INVITE without SDP, the offer in the 200,
 * the owner's answer (given later) in the ACK. */
static void
test_late_offer(void **state)
{
	(void)state;
	B.mode = UAS_ANSWER;
	call(NULL);
	WAIT(A.n_estab == 1, 3000);
	assert_int_equal(A.n_estab, 1);
	assert_string_equal(A.body, SDP_B);	   /* the offer */
	assert_int_equal(B.n_estab, 0);		   /* no ACK until we answer */
	tmr_start(&A.tmr, 120, late_answer_h, &A); /* > T1: 2xx resent */
	WAIT(B.n_estab == 1, 3000);
	assert_int_equal(B.n_estab, 1);
	assert_string_equal(B.body, SDP_A); /* the answer in the ACK */
	assert_int_equal(cp_dlgsock_counters(B.ds)->retrans_2xx > 0, 1);
}

/* RFC 3262: reliable 183 with SDP, PRACKed by the layer, retransmission
 * stops, a second reliable 1xx is possible after the PRACK. */
static void
test_100rel(void **state)
{
	struct mbuf *mb = mb_str(SDP_A);

	(void)state;
	A.prm.rel100 = true;
	B.prm.rel100 = true;
	B.mode = UAS_REL183;
	call(mb);
	mem_deref(mb);
	WAIT(A.n_prov == 1 && B.dlg != NULL && B.dlg->rel == NULL, 3000);
	assert_int_equal(A.n_prov, 1);
	assert_string_equal(A.body, SDP_B);
	assert_null(B.dlg->rel); /* PRACK received */
	settle(300);		 /* retransmissions would show now */
	assert_int_equal(A.n_prov, 1);
	assert_int_equal(cp_dlg_progress(B.dlg, 180, "Ringing", NULL, true), 0);
	WAIT(A.n_prov == 2 && B.dlg->rel == NULL, 3000);
	assert_int_equal(A.n_prov, 2);
	uas_answer_h(&B);
	WAIT(A.n_estab == 1 && B.n_estab == 1, 3000);
	assert_int_equal(B.n_estab, 1);
}

/* Without Supported: 100rel the 18x goes unreliably. */
static void
test_100rel_unsupported(void **state)
{
	struct mbuf *mb = mb_str(SDP_A);

	(void)state;
	B.prm.rel100 = true;
	B.mode = UAS_RING;
	call(mb);
	mem_deref(mb);
	WAIT(A.n_prov == 1, 3000);
	assert_int_equal(
		cp_dlg_progress(B.dlg, 183, "Session Progress", NULL, true), 0);
	assert_null(B.dlg->rel);
	assert_int_equal(cp_dlg_bye(B.dlg), 0); /* early: 480 */
	B.dlg = NULL;
	WAIT(A.n_fail == 1, 3000);
	assert_int_equal(A.fail_scode, 480);
}

/* re-INVITE from A, UPDATE from B, async answers; a 488 keeps the dialog. */
static void
test_reinvite_update(void **state)
{
	struct mbuf *mb;

	(void)state;
	established();
	mb = mb_str(SDP_A2);
	assert_int_equal(cp_dlg_offer(A.dlg, mb, false), 0);
	assert_int_equal(cp_dlg_offer(A.dlg, mb, false), EBUSY);
	mem_deref(mb);
	WAIT(A.n_answer == 1, 3000);
	assert_int_equal(B.n_offer, 1);
	assert_int_equal(A.scode, 200);
	assert_string_equal(A.body, SDP_B2);
	assert_string_equal(cp_dlg_local_sdp(B.dlg) != NULL ? "y" : "n", "y");

	mb = mb_str(SDP_B2);
	assert_int_equal(cp_dlg_offer(B.dlg, mb, true), 0); /* UPDATE */
	mem_deref(mb);
	WAIT(B.n_answer == 1, 3000);
	assert_int_equal(A.n_offer, 1);
	assert_string_equal(A.body, SDP_B2);
	assert_int_equal(B.scode, 200);
	assert_string_equal(B.body, SDP_A2);

	B.reject_offer = true;
	mb = mb_str(SDP_A);
	assert_int_equal(cp_dlg_offer(A.dlg, mb, false), 0);
	mem_deref(mb);
	WAIT(A.n_answer == 2, 3000);
	assert_int_equal(A.scode, 488);
	assert_true(cp_dlg_confirmed(A.dlg) && cp_dlg_confirmed(B.dlg));
	assert_int_equal(A.n_close + B.n_close, 0);
}

/* RFC 3261 14.1/14.2: both re-INVITE at once, both 491, A (Call-ID owner)
 * waits 2.1 s + r*10 ms, B r*10 ms (scaled by sec_ms: 1 s = 10 ms). */
static void
test_glare(void **state)
{
	struct mbuf *ma, *mbb;

	(void)state;
	established();
	A.rnd = 0;   /* A: 2100 ms -> 21 ms */
	B.rnd = 100; /* B: 1000 ms -> 10 ms */
	/* not what A answers with (SDP_A2): that would be a refresh */
	ma = mb_str(SDP_A);
	mbb = mb_str(SDP_B2);
	assert_int_equal(cp_dlg_offer(A.dlg, ma, false), 0);
	assert_int_equal(cp_dlg_offer(B.dlg, mbb, false), 0);
	mem_deref(ma);
	mem_deref(mbb);
	WAIT(A.n_answer == 1 && B.n_answer == 1, 5000);
	assert_true(cp_dlgsock_counters(A.ds)->glare >= 1);
	assert_true(cp_dlgsock_counters(B.ds)->glare >= 1);
	assert_int_equal(A.scode, 200);
	assert_int_equal(B.scode, 200);
	assert_int_equal(A.n_offer, 1);
	assert_int_equal(B.n_offer, 1);
}

static void
cancel_tmr_h(void *arg)
{
	struct side *s = arg;

	assert_int_equal(cp_inv_cancel(s->inv), 0);
}

/* RFC 3261 9.1/9.2: CANCEL after the 180: 200 to CANCEL, 487 to INVITE. */
static void
test_cancel(void **state)
{
	struct mbuf *mb = mb_str(SDP_A);

	(void)state;
	B.mode = UAS_RING;
	call(mb);
	mem_deref(mb);
	WAIT(A.n_prov == 1, 3000);
	tmr_start(&A.tmr, 1, cancel_tmr_h, &A);
	WAIT(A.n_fail == 1 && B.n_close == 1, 3000);
	assert_int_equal(B.reason, CP_DLG_CLOSE_CANCEL);
	assert_int_equal(A.fail_scode, 487);
	/* the early fork of A ended with the INVITE */
	assert_int_equal(A.n_close, 1);
	assert_int_equal(A.reason, CP_DLG_CLOSE_REJECTED);
	assert_int_equal(cp_dlgsock_count(A.ds), 0);
	assert_int_equal(cp_dlgsock_count(B.ds), 0);
}

static void
test_reject(void **state)
{
	struct mbuf *mb = mb_str(SDP_A);

	(void)state;
	B.mode = UAS_REJECT486;
	call(mb);
	WAIT(A.n_fail == 1, 3000);
	assert_int_equal(A.fail_scode, 486);
	assert_false(A.retry_after);
	B.mode = UAS_REJECT503;
	call(mb);
	mem_deref(mb);
	WAIT(A.n_fail == 2, 3000);
	assert_int_equal(A.fail_scode, 503);
	assert_true(A.retry_after);
	assert_int_equal(cp_dlgsock_count(B.ds), 0);
}

/* RFC 4028: UAC refreshes (by UPDATE: B allows it) at SE/2; when it stops,
 * B sends BYE at SE - min(32, SE/3). 1 s = 10 ms here. */
static void
test_session_timer(void **state)
{
	bool ref = false;

	(void)state;
	A.prm.se_s = 90;
	B.prm.se_s = 90;
	established();
	assert_int_equal(cp_dlg_session_expires(A.dlg, &ref), 90);
	assert_true(ref); /* the UAC supports timer: B lets it refresh */
	assert_int_equal(cp_dlg_session_expires(B.dlg, &ref), 90);
	assert_false(ref);
	settle(1500); /* expiry would be at 600 ms without refreshes */
	assert_true(cp_dlgsock_counters(A.ds)->refreshes >= 2);
	assert_int_equal(B.n_close + A.n_close, 0);
	tmr_cancel(&A.dlg->tmr_se); /* A stops refreshing */
	WAIT(B.n_close == 1 && A.n_close == 1, 3000);
	assert_int_equal(B.reason, CP_DLG_CLOSE_EXPIRED);
	assert_int_equal(A.reason, CP_DLG_CLOSE_BYE);
	assert_int_equal(cp_dlgsock_counters(B.ds)->expired, 1);
}

/* RFC 4028 7.4 / 8.1: B's Min-SE 120 > A's 90: 422, A retries with 120. */
static void
test_session_timer_422(void **state)
{
	(void)state;
	A.prm.se_s = 90;
	B.prm.min_se_s = 120;
	established();
	assert_int_equal(B.n_conn, 2);
	assert_int_equal(cp_dlg_session_expires(A.dlg, NULL), 120);
	assert_int_equal(cp_dlg_session_expires(B.dlg, NULL), 120);
}

static void
info_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct side *s = arg;

	s->n_resp++;
	s->resp_scode = err || msg == NULL ? 0 : msg->scode;
}

static void
test_info(void **state)
{
	struct pl body = PL("Signal=5\r\nDuration=160\r\n");

	(void)state;
	established();
	assert_int_equal(cp_dlg_request(A.dlg, "INFO", NULL,
					"application/dtmf-relay", &body,
					info_resp_h, &A),
			 0);
	assert_int_equal(
		cp_dlg_request(A.dlg, "FOO", NULL, NULL, NULL, info_resp_h, &A),
		EINVAL);
	WAIT(B.n_sreq == 1, 3000);
	assert_true(B.body_ok);
	assert_int_equal(A.n_resp, 0); /* B has not answered yet */
	assert_int_equal(cp_dlg_sreq_reply(B.sreq, 200, "OK", NULL, NULL), 0);
	WAIT(A.n_resp == 1, 3000);
	assert_int_equal(A.resp_scode, 200);
}

/* ---- the raw peer ---------------------------------------------------- */

struct raw {
	int fd;
	struct sa addr;
	char q[16][2048];
	int n;
};

static struct raw R;

static void
raw_read_h(int flags, void *arg)
{
	ssize_t n;

	(void)flags;
	(void)arg;
	if (R.n >= 16) {
		char junk[2048];

		(void)recv(R.fd, junk, sizeof(junk), 0);
		return;
	}
	n = recv(R.fd, R.q[R.n], sizeof(R.q[0]) - 1, 0);
	if (n > 0) {
		R.q[R.n][n] = '\0';
		R.n++;
	}
}

static void
raw_up(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	memset(&R, 0, sizeof(R));
	R.fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(R.fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(R.fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(R.fd, (struct sockaddr *)&sin, &sl), 0);
	sa_set_in(&R.addr, INADDR_LOOPBACK, ntohs(sin.sin_port));
	assert_int_equal(fd_listen(R.fd, FD_READ, raw_read_h, NULL), 0);
}

static void
raw_down(void)
{
	fd_close(R.fd);
	close(R.fd);
}

/* The index of the first queued message starting with start, or -1. */
static int
raw_find(const char *start, int from)
{
	int i;

	for (i = from; i < R.n; i++)
		if (strncmp(R.q[i], start, strlen(start)) == 0)
			return i;
	return -1;
}

/* Copy the header line "name: ..." of msg (without CRLF). */
static void
hline(char *out, size_t sz, const char *msg, const char *name)
{
	const char *p = strstr(msg, name), *e;

	assert_non_null(p);
	e = strstr(p, "\r\n");
	assert_non_null(e);
	assert_true((size_t)(e - p) < sz);
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void
raw_send(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = re_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && n < (int)sizeof(buf));
	assert_int_equal(
		sendto(R.fd, buf, (size_t)n, 0, &A.laddr.u.sa, A.laddr.len), n);
}

static char r_via[256], r_from[256], r_to[256], r_cid[256], r_cseq[64];

static void
raw_resp(const char *status, const char *totag, const char *body)
{
	raw_send("SIP/2.0 %s\r\n%s\r\n%s\r\n%s;tag=%s\r\n%s\r\n%s\r\n"
		 "Contact: <sip:peer-%s@%J>\r\nAllow: INVITE, ACK, BYE, "
		 "UPDATE, PRACK\r\n%sContent-Length: %zu\r\n\r\n%s",
		 status, r_via, r_from, r_to, totag, r_cid, r_cseq, totag,
		 &R.addr, body ? "Content-Type: application/sdp\r\n" : "",
		 body ? strlen(body) : 0, body ? body : "");
}

/* An in-dialog request from fork tag "t1" toward A's dialog. */
static void
raw_req(const char *met, uint32_t cseq, const char *totag, const char *xhdrs,
	const char *ctype, const char *body)
{
	char ltag[64];
	const char *t = strstr(r_from, "tag=");

	assert_non_null(t);
	(void)snprintf(ltag, sizeof(ltag), "%s", t + 4);
	raw_send("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP %J;branch=z9hG4bK%s%u\r\n"
		 "From: <sip:peer@%J>;tag=%s\r\nTo: <%s>;tag=%s\r\n%s\r\n"
		 "CSeq: %u %s\r\nMax-Forwards: 70\r\n"
		 "Contact: <sip:peer-t1@%J>\r\n%s%s%s%sContent-Length: %zu"
		 "\r\n\r\n%s",
		 met, A.uri, &R.addr, met, cseq, &R.addr, "t1", A.uri,
		 totag != NULL ? totag : ltag, r_cid, cseq, met, &R.addr,
		 xhdrs != NULL ? xhdrs : "", ctype ? "Content-Type: " : "",
		 ctype ? ctype : "", ctype ? "\r\n" : "",
		 body ? strlen(body) : 0, body ? body : "");
}

/* The status code of the first response to method after index from. */
static int
raw_status(const char *met, int from)
{
	char cs[64];
	int i;

	(void)snprintf(cs, sizeof(cs), " %s\r\n", met);
	for (i = from; i < R.n; i++)
		if (strncmp(R.q[i], "SIP/2.0 ", 8) == 0 && strstr(R.q[i], cs))
			return atoi(R.q[i] + 8);
	return -1;
}

/* RFC 3261 12.1.2 / 13.2.2.4 with exact messages: two forks, the winner,
 * a late 200 of the loser (ACK + BYE), then malformed requests. */
static void
test_forking_raw(void **state)
{
	char ruri[64];
	struct mbuf *mb = mb_str(SDP_A);
	int i, k;

	(void)state;
	raw_up();
	(void)re_snprintf(ruri, sizeof(ruri), "sip:peer@%J", &R.addr);
	A.prm.ruri = ruri;
	A.prm.to_uri = ruri;
	A.prm.from_uri = A.uri;
	assert_int_equal(cp_dlg_invite(&A.inv, A.ds, &A.prm, mb, &H, &A), 0);
	mem_deref(mb);
	WAIT(raw_find("INVITE ", 0) >= 0, 3000);
	i = raw_find("INVITE ", 0);
	assert_true(i >= 0);
	/* topology: our Contact, our Via, nothing else */
	assert_non_null(strstr(R.q[i], "Contact: <sip:alice@127.0.0.1:"));
	hline(r_via, sizeof(r_via), R.q[i], "Via:");
	hline(r_from, sizeof(r_from), R.q[i], "From:");
	hline(r_to, sizeof(r_to), R.q[i], "To:");
	hline(r_cid, sizeof(r_cid), R.q[i], "Call-ID:");
	hline(r_cseq, sizeof(r_cseq), R.q[i], "CSeq:");

	raw_resp("183 Session Progress", "t1", SDP_B);
	raw_resp("183 Session Progress", "t2", SDP_B2);
	WAIT(A.n_prov == 2, 3000);
	assert_int_equal(A.nforks, 2);
	assert_ptr_not_equal(A.forks[0], A.forks[1]);
	assert_int_equal(cp_dlgsock_count(A.ds), 2);

	raw_resp("200 OK", "t1", SDP_B);
	WAIT(A.n_estab == 1 && raw_find("ACK ", 0) >= 0, 3000);
	assert_ptr_equal(A.dlg, A.forks[0]);
	assert_int_equal(A.n_close, 1); /* fork t2 ended */
	assert_int_equal(A.reason, CP_DLG_CLOSE_LOCAL);
	k = raw_find("ACK ", 0);
	assert_non_null(strstr(R.q[k], "tag=t1"));

	/* 2xx retransmission: ACK again */
	raw_resp("200 OK", "t1", SDP_B);
	WAIT(raw_find("ACK ", k + 1) >= 0, 3000);
	assert_true(raw_find("ACK ", k + 1) >= 0);

	/* the late 200 of fork t2: ACK then BYE to it */
	k = R.n;
	raw_resp("200 OK", "t2", SDP_B2);
	WAIT(raw_find("BYE ", k) >= 0, 3000);
	i = raw_find("ACK ", k);
	assert_true(i >= 0);
	assert_non_null(strstr(R.q[i], "tag=t2"));
	i = raw_find("BYE ", k);
	assert_true(i >= 0);
	assert_non_null(strstr(R.q[i], "tag=t2"));
	assert_int_equal(cp_dlgsock_counters(A.ds)->late_forks, 1);
	assert_true(cp_dlg_confirmed(A.dlg));

	/* malformed in-dialog requests toward the confirmed fork t1 */
	k = R.n;
	raw_req("PRACK", 10, NULL, NULL, NULL, NULL);
	WAIT(raw_status("PRACK", k) > 0, 3000);
	assert_int_equal(raw_status("PRACK", k), 400);
	k = R.n;
	raw_req("UPDATE", 11, NULL, "Session-Expires: soon\r\n", NULL, NULL);
	WAIT(raw_status("UPDATE", k) > 0, 3000);
	assert_int_equal(raw_status("UPDATE", k), 400);
	k = R.n;
	raw_req("INVITE", 12, NULL, NULL, "text/plain", "hello");
	WAIT(raw_status("INVITE", k) > 0, 3000);
	assert_int_equal(raw_status("INVITE", k), 415);
	k = R.n;
	raw_req("INFO", 5, NULL, NULL, NULL, NULL); /* CSeq went back */
	WAIT(raw_status("INFO", k) > 0, 3000);
	assert_int_equal(raw_status("INFO", k), 500);
	k = R.n;
	raw_req("BYE", 13, "nosuchtag", NULL, NULL, NULL);
	WAIT(raw_status("BYE", k) > 0, 3000);
	assert_int_equal(raw_status("BYE", k), 481);
	assert_true(cp_dlgsock_counters(A.ds)->malformed >= 3);

	/* re-INVITE without SDP: the owner's offer in the 200, the answer in
	 * the ACK reaches the answer handler */
	k = R.n;
	raw_req("INVITE", 14, NULL, NULL, NULL, NULL);
	WAIT(A.n_offer == 1 && raw_status("INVITE", k) == 200, 3000);
	assert_string_equal(A.body, "");
	i = raw_find("SIP/2.0 200", k);
	assert_true(i >= 0);
	assert_non_null(strstr(R.q[i], SDP_A2)); /* our offer */
	raw_req("ACK", 14, NULL, NULL, "application/sdp", SDP_B);
	WAIT(A.n_answer == 1, 3000);
	assert_int_equal(A.scode, 200);
	assert_string_equal(A.body, SDP_B);

	/* peer BYE */
	k = R.n;
	raw_req("BYE", 15, NULL, NULL, NULL, NULL);
	WAIT(A.n_close == 2 && raw_status("BYE", k) > 0, 3000);
	assert_int_equal(raw_status("BYE", k), 200);
	assert_int_equal(A.reason, CP_DLG_CLOSE_BYE);
	raw_down();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bye_from_uas, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_late_offer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_100rel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_100rel_unsupported, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reinvite_update, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_glare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_timer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_session_timer_422, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forking_raw, setup,
						teardown),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	tmr_init(&g_tick);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tmr_cancel(&g_tick);
	libre_close();
	return rc;
}
