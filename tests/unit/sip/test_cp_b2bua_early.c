/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA before the answer, in the lab of test_cp_b2bua_lab.h, with
 * peers that libre's sipsess cannot play: a raw-UDP trunk that forks, and
 * user agents on our own dialog layer (cp_dlg: 100rel, UPDATE).
 *
 * Covers: forking on the trunk side (RFC 3261 13.2.2.4 / 12.1.2): two 183
 * with SDP from different To-tags, the PBX hears early media with the
 * ESG's LAN anchors, the B leg follows the last fork (LATCH only), the
 * 200 of the second fork is ACKed and relayed, both legs end STRICT on
 * the winner, the losing fork's dialog is gone (a BYE in it gets 481,
 * RFC 3261 12.2.2). An UPDATE with an offer in the early dialog (RFC
 * 3311 5.1) from the trunk, after a reliable 183 (RFC 3262), relayed to
 * the PBX as an UPDATE in its early dialog and its answer returned; the
 * same UPDATE refused 500 + Retry-After when the PBX does not Allow
 * UPDATE (RFC 3311 5.2 style).
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

#define FORK1_M "198.51.100.21"
#define FORK2_M "198.51.100.22"

static const char FORK1_SDP[] = "v=0\r\no=f1 31 1 IN IP4 " FORK1_M "\r\n"
				"s=-\r\nc=IN IP4 " FORK1_M "\r\nt=0 0\r\n"
				"m=audio 6100 RTP/AVP 0\r\n";
static const char FORK2_SDP[] = "v=0\r\no=f2 32 1 IN IP4 " FORK2_M "\r\n"
				"s=-\r\nc=IN IP4 " FORK2_M "\r\nt=0 0\r\n"
				"m=audio 6200 RTP/AVP 0\r\n";
static const char TRUNK_UPD[] = "v=0\r\no=op 22 2 IN IP4 " TRUNK_M "\r\n"
				"s=-\r\nc=IN IP4 " TRUNK_M "\r\nt=0 0\r\n"
				"m=audio 6300 RTP/AVP 0\r\n";
static const char PBX_UPD_ANSWER[] =
	"v=0\r\no=pbx 11 2 IN IP4 " PBX_M "\r\ns=-\r\n"
	"c=IN IP4 " PBX_M "\r\nt=0 0\r\nm=audio 4002 RTP/AVP 0\r\n";

/* --- the raw trunk: exact messages over a UDP socket --- */

static struct {
	struct udp_sock *us;
	struct sa esg;
	struct sip_msg *invite;
	unsigned int acks, byes;
	char ack_totag[32];
	uint16_t bye_resp;
} R;

static bool
via_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	(void)msg;
	(void)mbuf_printf(arg, "Via: %r\r\n", &hdr->val);
	return false;
}

/* A response to req; totag: a fork's tag (with our Contact). */
static void
raw_reply(const struct sip_msg *req, uint16_t code, const char *reason,
	  const char *totag, const char *sdp)
{
	struct mbuf *mb = mbuf_alloc(2048);
	int err = 0;

	assert_non_null(mb);
	err |= mbuf_printf(mb, "SIP/2.0 %u %s\r\n", code, reason);
	(void)sip_msg_hdr_apply(req, true, SIP_HDR_VIA, via_h, mb);
	err |= mbuf_printf(mb, "From: %r\r\n", &req->from.val);
	if (totag != NULL)
		err |= mbuf_printf(mb,
				   "To: %r;tag=%s\r\n"
				   "Contact: <sip:op@" TRUNK ":%u>\r\n",
				   &req->to.val, totag, esg_port);
	else
		err |= mbuf_printf(mb, "To: %r\r\n", &req->to.val);
	err |= mbuf_printf(mb, "Call-ID: %r\r\nCSeq: %u %r\r\n", &req->callid,
			   req->cseq.num, &req->cseq.met);
	if (sdp != NULL)
		err |= mbuf_printf(mb,
				   "Content-Type: application/sdp\r\n"
				   "Content-Length: %zu\r\n\r\n%s",
				   strlen(sdp), sdp);
	else
		err |= mbuf_printf(mb, "Content-Length: 0\r\n\r\n");
	assert_int_equal(err, 0);
	mb->pos = 0;
	assert_int_equal(udp_send(R.us, &R.esg, mb), 0);
	mem_deref(mb);
}

/* A BYE in the dialog of fork totag (we are its UAS: From/To swap). */
static void
raw_bye(const char *totag)
{
	const struct sip_msg *inv = R.invite;
	struct mbuf *mb = mbuf_alloc(2048);

	assert_non_null(mb);
	assert_int_equal(
		mbuf_printf(mb,
			    "BYE sip:esg@" ESG_WAN ":%u SIP/2.0\r\n"
			    "Via: SIP/2.0/UDP " TRUNK
			    ":%u;branch=z9hG4bK-loser-%s;rport\r\n"
			    "Max-Forwards: 70\r\n"
			    "From: %r;tag=%s\r\nTo: %r\r\nCall-ID: %r\r\n"
			    "CSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n",
			    esg_port, esg_port, totag, &inv->to.val, totag,
			    &inv->from.val, &inv->callid),
		0);
	mb->pos = 0;
	assert_int_equal(udp_send(R.us, &R.esg, mb), 0);
	mem_deref(mb);
}

static void
raw_recv_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct sip_msg *msg;

	(void)arg;
	(void)mbuf_write_mem(TRUNKUA.rx, mbuf_buf(mb), mbuf_get_left(mb));
	if (sip_msg_decode(&msg, mb) != 0)
		return;
	R.esg = *src;
	if (!msg->req) {
		if (pl_strcmp(&msg->cseq.met, "BYE") == 0)
			R.bye_resp = msg->scode;
	} else if (pl_strcmp(&msg->met, "INVITE") == 0) {
		mem_deref(R.invite);
		R.invite = mem_ref(msg);
	} else if (pl_strcmp(&msg->met, "ACK") == 0) {
		R.acks++;
		pl_strcpy(&msg->to.tag, R.ack_totag, sizeof(R.ack_totag));
	} else if (pl_strcmp(&msg->met, "BYE") == 0) {
		R.byes++;
		raw_reply(msg, 200, "OK", NULL, NULL);
	}
	mem_deref(msg);
}

static int
setup_raw(void **state)
{
	const struct lab_opt o = {.no_trunk = true};

	(void)state;
	memset(&R, 0, sizeof(R));
	lab_setup(&o);
	assert_int_equal(udp_listen(&R.us, &TRUNKUA.addr, raw_recv_h, NULL), 0);
	return 0;
}

static int
teardown_raw(void **state)
{
	R.us = mem_deref(R.us);
	R.invite = mem_deref(R.invite);
	return teardown(state);
}

/* The live leg of interface port ifport. */
static const struct fdp_leg *
leg_of(uint16_t ifport)
{
	unsigned int i;

	for (i = 0; i < FDP_LEGS; i++)
		if (F.leg[i].live && F.leg[i].ifport == ifport)
			return &F.leg[i];
	return NULL;
}

static void
test_fork(void **state)
{
	const struct fdp_leg *b;
	unsigned int n;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(R.invite != NULL, 3000);
	assert_non_null(R.invite);
	/* fork 1 rings with early media */
	raw_reply(R.invite, 183, "Session Progress", "f1", FORK1_SDP);
	WAIT(PBXUA.last_prog == 183, 3000);
	assert_int_equal(PBXUA.last_prog, 183);
	n = PBXUA.progress; /* 100 Trying and this 183 */
	assert_non_null(strstr(PBXUA.last_sdp, "c=IN IP4 " ESG_LAN_M "\r\n"));
	WAIT((b = leg_of(1)) != NULL && sa_port(&b->remote) == 6100, 500);
	assert_non_null(b);
	assert_int_equal(sa_port(&b->remote), 6100);
	assert_false(b->flags & DP_LEG_F_STRICT); /* any fork's media */
	/* fork 2 too: the B leg follows the last one */
	raw_reply(R.invite, 183, "Session Progress", "f2", FORK2_SDP);
	WAIT(PBXUA.progress == n + 1, 3000);
	assert_int_equal(PBXUA.progress, n + 1);
	assert_int_equal(PBXUA.last_prog, 183);
	WAIT(sa_port(&leg_of(1)->remote) == 6200, 500);
	assert_int_equal(sa_port(&leg_of(1)->remote), 6200);
	assert_int_equal(cp_b2bua_counters(b2b)->early_media, 2);
	/* fork 2 answers */
	raw_reply(R.invite, 200, "OK", "f2", FORK2_SDP);
	WAIT(PBXUA.estab == 1 && R.acks == 1, 3000);
	assert_int_equal(PBXUA.estab, 1);
	assert_int_equal(R.acks, 1);
	assert_string_equal(R.ack_totag, "f2");
	WAIT((leg_of(1)->flags & DP_LEG_F_STRICT) != 0, 500);
	assert_legs(4000, 6200);
	assert_true(leg_of(0)->flags & DP_LEG_F_STRICT);
	assert_true(leg_of(1)->flags & DP_LEG_F_STRICT);
	/* the loser's dialog was ended: nothing answers in it */
	raw_bye("f1");
	WAIT(R.bye_resp != 0, 3000);
	assert_int_equal(R.bye_resp, 481);
	assert_int_equal(R.byes, 0);
	assert_non_null(PBXUA.sess);
	/* the call goes on with the winner: BYE from the PBX reaches it */
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(R.byes == 1, 3000);
	assert_int_equal(R.byes, 1);
	assert_no_leak();
	assert_hidden();
}

/* --- user agents on cp_dlg (100rel, UPDATE) --- */

struct peer {
	struct cp_dlgsock *ds;
	struct cp_dlg *dlg;
	struct cp_inv *inv;
	unsigned int prov, estab, offers, answers, closed;
	uint16_t ans_code, fail;
	const char *answer; /* our answer to an offer */
	char sdp[1024];	    /* the last body received */
};

static struct peer P, T;

static void
keep(struct peer *p, const struct pl *body)
{
	if (body != NULL)
		(void)pl_strcpy(body, p->sdp, sizeof(p->sdp));
}

static void
p_prov_h(struct cp_inv *inv, struct cp_dlg *dlg, const struct sip_msg *msg,
	 const struct pl *body, void *arg)
{
	struct peer *p = arg;

	(void)inv;
	(void)msg;
	p->prov++;
	if (dlg != NULL)
		p->dlg = dlg;
	keep(p, body);
}

static void
p_estab_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	  void *arg)
{
	struct peer *p = arg;

	(void)msg;
	p->estab++;
	p->dlg = dlg;
	keep(p, body);
}

static void
p_offer_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	  void *arg)
{
	struct peer *p = arg;
	struct mbuf *mb = mb_str(p->answer);

	(void)msg;
	p->offers++;
	keep(p, body);
	assert_int_equal(cp_dlg_answer(dlg, mb), 0);
	mem_deref(mb);
}

static void
p_answer_h(struct cp_dlg *dlg, uint16_t scode, const struct sip_msg *msg,
	   const struct pl *body, void *arg)
{
	struct peer *p = arg;

	(void)dlg;
	(void)msg;
	p->answers++;
	p->ans_code = scode;
	keep(p, body);
}

static void
p_close_h(struct cp_dlg *dlg, enum cp_dlg_reason reason, uint16_t scode,
	  const struct sip_msg *msg, void *arg)
{
	struct peer *p = arg;

	(void)dlg;
	(void)reason;
	(void)scode;
	(void)msg;
	p->closed++;
	p->dlg = NULL;
}

static void
p_fail_h(struct cp_inv *inv, int err, uint16_t scode, const struct sip_msg *msg,
	 void *arg)
{
	struct peer *p = arg;

	(void)inv;
	(void)err;
	(void)msg;
	p->fail = scode;
	p->inv = NULL;
}

static const struct cp_dlg_handlers peer_h = {
	.provh = p_prov_h,
	.estabh = p_estab_h,
	.offerh = p_offer_h,
	.answerh = p_answer_h,
	.closeh = p_close_h,
	.failh = p_fail_h,
};

/* The trunk takes the ESG's INVITE and rings reliably with its SDP. */
static void
t_conn_h(const struct sip_msg *msg, void *arg)
{
	struct cp_dlg_prm prm = {.cuser = "op", .rel100 = true, .update = true};
	struct mbuf *mb = mb_str(TRUNK_SDP);

	(void)arg;
	assert_int_equal(cp_dlg_accept(&T.dlg, T.ds, msg, &prm, &peer_h, &T),
			 0);
	assert_int_equal(
		cp_dlg_progress(T.dlg, 183, "Session Progress", mb, true), 0);
	mem_deref(mb);
}

/* The PBX only calls: its sock listens for in-dialog requests. */
static void
p_conn_h(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	(void)sip_treply(NULL, PBXUA.sip, msg, 603, "Decline");
}

static void
peers_up(bool pbx_dlg)
{
	memset(&P, 0, sizeof(P));
	memset(&T, 0, sizeof(T));
	ua_stack(&TRUNKUA, "trunk", TRUNK, true);
	assert_int_equal(cp_dlgsock_alloc(&T.ds, TRUNKUA.sip, t_conn_h, NULL),
			 0);
	cp_dlgsock_set_timers(T.ds, &(struct cp_dlg_timers){.t1_ms = 50});
	if (!pbx_dlg)
		return;
	ua_stack(&PBXUA, "pbx", PBX, true);
	assert_int_equal(cp_dlgsock_alloc(&P.ds, PBXUA.sip, p_conn_h, NULL), 0);
	cp_dlgsock_set_timers(P.ds, &(struct cp_dlg_timers){.t1_ms = 50});
	P.answer = PBX_UPD_ANSWER;
}

static int
setup_dlg(void **state)
{
	const struct lab_opt o = {.no_trunk = true, .no_pbx = true};

	(void)state;
	lab_setup(&o);
	peers_up(true);
	return 0;
}

static int
setup_dlg_trunk(void **state)
{
	const struct lab_opt o = {.no_trunk = true};

	(void)state;
	lab_setup(&o);
	peers_up(false);
	return 0;
}

static int
teardown_dlg(void **state)
{
	if (P.inv != NULL)
		cp_inv_close(P.inv);
	P.ds = mem_deref(P.ds);
	T.ds = mem_deref(T.ds);
	return teardown(state);
}

/* The trunk's UPDATE once its reliable 183 was PRACKed (EBUSY before). */
static void
trunk_update(void)
{
	struct mbuf *mb = mb_str(TRUNK_UPD);
	int err = EBUSY;

	g_deadline = tmr_jiffies() + 2000;
	while ((err = cp_dlg_offer(T.dlg, mb, true)) == EBUSY &&
	       tmr_jiffies() < g_deadline)
		WAIT(false, 20);
	assert_int_equal(err, 0);
	mem_deref(mb);
}

static void
test_early_update(void **state)
{
	struct cp_dlg_prm prm = {
		.ruri = "sip:+4930555000@" ESG_LAN,
		.from_uri = "sip:+4930123401@" PBX,
		.to_uri = "sip:+4930555000@" ESG_LAN,
		.cuser = "pbx",
		.rel100 = true,
		.update = true,
	};
	char ruri[64];
	struct mbuf *mb = mb_str(PBX_SDP);

	(void)state;
	snprintf(ruri, sizeof(ruri), "sip:+4930555000@%s:%u", ESG_LAN,
		 esg_port);
	prm.ruri = ruri;
	prm.to_uri = ruri;
	assert_int_equal(cp_dlg_invite(&P.inv, P.ds, &prm, mb, &peer_h, &P), 0);
	mem_deref(mb);
	/* RFC 3262: the trunk's reliable 183 reaches the PBX reliably */
	WAIT(P.prov >= 1 && P.dlg != NULL, 3000);
	assert_non_null(P.dlg);
	assert_true(rx_has(&PBXUA, "RSeq: "));
	assert_non_null(strstr(P.sdp, "c=IN IP4 " ESG_LAN_M "\r\n"));
	WAIT(false, 100); /* both PRACKs */
	/* RFC 3311 5.1: the trunk's offer in the early dialog */
	trunk_update();
	WAIT(T.answers == 1, 3000);
	assert_int_equal(P.offers, 1);
	assert_true(rx_has(&PBXUA, "UPDATE sip:"));
	assert_non_null(strstr(P.sdp, "c=IN IP4 " ESG_LAN_M "\r\n"));
	assert_int_equal(T.ans_code, 200);
	assert_non_null(strstr(T.sdp, "c=IN IP4 " ESG_WAN_M "\r\n"));
	assert_int_equal(cp_b2bua_counters(b2b)->reoffers, 1);
	/* the offerer's (trunk's) new port and the PBX's answer port */
	WAIT(sa_port(&leg_of(1)->remote) == 6300 &&
		     sa_port(&leg_of(0)->remote) == 4002,
	     500);
	assert_int_equal(sa_port(&leg_of(1)->remote), 6300);
	assert_int_equal(sa_port(&leg_of(0)->remote), 4002);
	/* the answer; then BYE from the PBX */
	mb = mb_str(TRUNK_UPD);
	assert_int_equal(cp_dlg_answer_invite(T.dlg, mb), 0);
	mem_deref(mb);
	WAIT(P.estab == 1 && T.estab == 1, 3000);
	assert_int_equal(P.estab, 1);
	assert_int_equal(T.estab, 1);
	assert_legs(4002, 6300);
	P.inv = NULL; /* gone with its winning fork's estab */
	assert_int_equal(cp_dlg_bye(P.dlg), 0);
	P.dlg = NULL;
	WAIT(T.closed == 1, 3000);
	assert_int_equal(T.closed, 1);
	assert_no_leak();
	assert_hidden();
}

/* The PBX (libre sipsess) does not Allow UPDATE: the refusal stays. */
static void
test_early_update_refused(void **state)
{
	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.last_prog == 183, 3000);
	assert_int_equal(PBXUA.last_prog, 183);
	trunk_update();
	WAIT(T.answers == 1, 3000);
	assert_int_equal(T.ans_code, 500);
	assert_true(rx_has(&TRUNKUA, "Retry-After: 1"));
	assert_false(rx_has(&PBXUA, "UPDATE sip:"));
	PBXUA.sess = mem_deref(PBXUA.sess); /* CANCEL */
	WAIT(T.closed == 1, 3000);
	assert_int_equal(T.closed, 1);
	assert_no_leak();
	assert_hidden();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork, setup_raw,
						teardown_raw),
		cmocka_unit_test_setup_teardown(test_early_update, setup_dlg,
						teardown_dlg),
		cmocka_unit_test_setup_teardown(test_early_update_refused,
						setup_dlg_trunk, teardown_dlg),
	};

	return lab_run("cp_b2bua_early", tests,
		       sizeof(tests) / sizeof(tests[0]));
}
