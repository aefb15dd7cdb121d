/* SPDX-License-Identifier: BSD-3-Clause */
/* UAS side of cp_dlg.h: accept, 1xx (RFC 3262 reliable), 2xx until ACK,
 * CANCEL, PRACK. */
#include <string.h>

#include "cp_dlg_int.h"

static void
reply_dst(struct sa *dst, const struct sip_msg *msg)
{
	struct pl rp;

	sip_reply_addr(dst, msg,
		       msg_param_exists(&msg->via.params, "rport", &rp) == 0);
}

/* RFC 3261 9.2: libre's server transaction answered the CANCEL 200; the
 * INVITE gets 487 (terminate) and the owner hears CLOSE_CANCEL. */
static void
cancel_h(void *arg)
{
	struct cp_dlg *dlg = arg;

	cp_dlg_terminate(dlg, CP_DLG_CLOSE_CANCEL, 0, NULL, true);
}

/* Only 100rel and timer are extensions we implement (RFC 3261 8.2.2.3). */
static bool
unsupported_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct pl *bad = arg;

	(void)msg;
	if (pl_strcasecmp(&hdr->val, "100rel") == 0 ||
	    pl_strcasecmp(&hdr->val, "timer") == 0)
		return false;
	*bad = hdr->val;
	return true;
}

int
cp_dlg_accept(struct cp_dlg **dlgp, struct cp_dlgsock *ds,
	      const struct sip_msg *msg, const struct cp_dlg_prm *prm,
	      const struct cp_dlg_handlers *h, void *arg)
{
	const struct cp_dlg_prm dprm = {0};
	const struct sip_hdr *ct;
	struct sip_addr addr;
	struct cp_dlg *dlg = NULL;
	struct pl body, bad;
	uint32_t se = 0;
	bool uac_ref = false, has_ref = false;
	int err;

	if (dlgp == NULL || ds == NULL || msg == NULL || !msg->req)
		return EINVAL;
	if (prm == NULL)
		prm = &dprm;
	ct = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (!pl_isset(&msg->from.tag) || ct == NULL ||
	    sip_addr_decode(&addr, &ct->val) != 0)
		return EBADMSG;
	if (sip_msg_hdr_apply(msg, true, SIP_HDR_REQUIRE, unsupported_h,
			      &bad) != NULL ||
	    (!prm->rel100 && cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "100rel"))) {
		if (prm->rel100 ||
		    !cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "100rel"))
			(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 420,
					  "Bad Extension",
					  "Unsupported: %r\r\n"
					  "Content-Length: 0\r\n\r\n",
					  &bad);
		else
			(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 420,
					  "Bad Extension",
					  "Unsupported: 100rel\r\n"
					  "Content-Length: 0\r\n\r\n");
		return ENOTSUP;
	}
	/* RFC 4028 8.1: too small an interval is refused 422 with ours */
	err = cp_dlg_se_check_req(ds, msg, prm->min_se_s, &se, &uac_ref,
				  &has_ref);
	if (err == ERANGE) {
		(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 422,
				  "Session Interval Too Small",
				  "Min-SE: %u\r\nContent-Length: 0\r\n\r\n",
				  prm->min_se_s < 90 ? 90 : prm->min_se_s);
		return ERANGE;
	}
	if (err)
		return EBADMSG;

	err = cp_dlg_alloc(&dlg, ds, false, h, arg, prm->cuser);
	if (err)
		return err;
	if (prm->hdrs != NULL)
		err = str_dup(&dlg->hdrs, prm->hdrs);
	err |= pl_strdup(&dlg->ruri, &addr.auri);
	if (err)
		goto out;
	err = sip_dialog_accept(&dlg->sdlg, msg);
	if (err)
		goto out;
	dlg->update_ok = prm->update;
	dlg->rel_ok = prm->rel100 &&
		      (cp_dlg_has_opt(msg, SIP_HDR_SUPPORTED, "100rel") ||
		       cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "100rel"));
	dlg->rel_required = cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "100rel");
	dlg->invite_offer = cp_dlg_msg_sdp(msg, &body) == 0;
	if (dlg->invite_offer)
		cp_dlg_set_rsdp(dlg, &body);
	dlg->min_se = prm->min_se_s < 90 ? 90 : prm->min_se_s;
	dlg->se_cfg = prm->se_s;
	cp_dlg_peer_caps(dlg, msg);
	cp_dlg_se_from_req(dlg, msg);
	/* RFC 3262 3: the first RSeq is random in 1..2^31-1 */
	dlg->rseq = ds->randh(ds->rarg) % 0x7fffffffu;
	dlg->imsg = mem_ref((void *)msg);
	err = sip_strans_alloc(&dlg->st, ds->sip, msg, cancel_h, dlg);
	if (err)
		goto out;
	hash_append(ds->ht, hash_joaat_pl(&msg->callid), &dlg->he, dlg);
	ds->c.dialogs++;
	/* RFC 3261 8.2.6.1 / 13.3.1.1: 100 Trying at once */
	err = sip_treply(&dlg->st, ds->sip, msg, 100, "Trying");
	if (err) {
		cp_dlg_terminate(dlg, CP_DLG_CLOSE_ERROR, 0, NULL, false);
		return err;
	}
	*dlgp = dlg;
	return 0;
out:
	mem_deref(dlg);
	return err;
}

static void
rtx_destructor(void *arg)
{
	struct cp_dlg_rtx *rtx = arg;

	tmr_cancel(&rtx->tmr);
	mem_deref(rtx->mb);
}

int
cp_dlg_rtx_alloc(struct cp_dlg_rtx **rtxp, struct cp_dlg *dlg, struct mbuf *mb,
		 const struct sip_msg *msg)
{
	struct cp_dlg_rtx *rtx;

	rtx = mem_zalloc(sizeof(*rtx), rtx_destructor);
	if (rtx == NULL)
		return ENOMEM;
	tmr_init(&rtx->tmr);
	rtx->mb = mem_ref(mb);
	reply_dst(&rtx->dst, msg);
	rtx->sock = msg->sock;
	rtx->tp = msg->tp;
	rtx->cseq = msg->cseq.num;
	rtx->ival = dlg->ds->t.t1_ms;
	*rtxp = rtx;
	return 0;
}

/* RFC 3262 3: retransmit at T1, 2T1, 4T1...; after 64*T1 without PRACK the
 * INVITE is rejected with a 5xx. */
static void
rel_tmr_h(void *arg)
{
	struct cp_dlg *dlg = arg;
	struct cp_dlgsock *ds = dlg->ds;
	struct cp_dlg_rtx *rel = dlg->rel;

	if (rel == NULL)
		return;
	rel->elapsed += rel->ival;
	if (rel->elapsed >= 64 * ds->t.t1_ms) {
		dlg->rel = mem_deref(dlg->rel);
		(void)cp_dlg_reply_body(dlg, &dlg->st, NULL, dlg->imsg, 504,
					"Server Time-out", dlg->hdrs, NULL,
					false);
		cp_dlg_terminate(dlg, CP_DLG_CLOSE_TIMEOUT, 0, NULL, true);
		return;
	}
	(void)sip_send(ds->sip, rel->sock, rel->tp, &rel->dst, rel->mb);
	ds->c.retrans_1xx++;
	rel->ival *= 2;
	tmr_start(&rel->tmr, rel->ival, rel_tmr_h, dlg);
}

int
cp_dlg_progress(struct cp_dlg *dlg, uint16_t scode, const char *reason,
		struct mbuf *sdp, bool reliable)
{
	struct mbuf *hb = NULL, *mb = NULL;
	int err;

	if (dlg == NULL || scode <= 100 || scode > 199 || reason == NULL)
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	if (dlg->uac || dlg->st == NULL)
		return EPROTO;
	/* RFC 3262 4: with Require: 100rel every provisional is reliable */
	reliable = dlg->rel_required || (reliable && dlg->rel_ok);
	if (reliable && dlg->rel != NULL)
		return EBUSY; /* RFC 3262 3: one unPRACKed at a time */
	hb = mbuf_alloc(256);
	if (hb == NULL)
		return ENOMEM;
	err = mbuf_write_str(hb, cp_dlg_allow(dlg));
	if (reliable) {
		dlg->rseq++;
		err |= mbuf_printf(hb, "Require: 100rel\r\nRSeq: %u\r\n",
				   dlg->rseq);
	}
	if (dlg->hdrs != NULL)
		err |= mbuf_write_str(hb, dlg->hdrs);
	err |= mbuf_write_u8(hb, 0);
	if (err)
		goto out;
	err = cp_dlg_reply_body(dlg, &dlg->st, reliable ? &mb : NULL, dlg->imsg,
				scode, reason, (char *)hb->buf, sdp, true);
	if (err)
		goto out;
	if (sdp != NULL && sdp->end > 0)
		cp_dlg_set_lsdp(dlg, sdp);
	if (reliable) {
		/* the 1xx is out: without its record it is not retransmitted
		 * and the PRACK finds none (481), as if lost */
		if (cp_dlg_rtx_alloc(&dlg->rel, dlg, mb, dlg->imsg) != 0)
			goto out;
		dlg->rel_offer = !dlg->invite_offer && sdp != NULL;
		tmr_start(&dlg->rel->tmr, dlg->rel->ival, rel_tmr_h, dlg);
	}
out:
	mem_deref(hb);
	mem_deref(mb);
	return err;
}

/* RFC 3261 13.3.1.4: the 2xx is retransmitted T1, 2T1... capped at T2
 * until the ACK; no ACK within 64*T1: the dialog is ended with BYE. */
static void
ok_tmr_h(void *arg)
{
	struct cp_dlg *dlg = arg;
	struct cp_dlgsock *ds = dlg->ds;
	struct cp_dlg_rtx *ok = dlg->ok;

	if (ok == NULL)
		return;
	ok->elapsed += ok->ival;
	if (ok->elapsed >= 64 * ds->t.t1_ms) {
		dlg->ok = mem_deref(dlg->ok);
		(void)cp_dlg_send_bye(dlg);
		cp_dlg_terminate(dlg, CP_DLG_CLOSE_TIMEOUT, 0, NULL, true);
		return;
	}
	(void)sip_send(ds->sip, ok->sock, ok->tp, &ok->dst, ok->mb);
	ds->c.retrans_2xx++;
	ok->ival = MIN(2 * ok->ival, ds->t.t2_ms);
	tmr_start(&ok->tmr, ok->ival, ok_tmr_h, dlg);
}

/* A 200 to an INVITE (initial or re-INVITE) with our Contact, Allow,
 * Supported, session timer headers and sdp, kept for retransmission. */
int
cp_dlg_send_2xx(struct cp_dlg *dlg, struct sip_strans **stp,
		const struct sip_msg *msg, const struct mbuf *sdp, bool initial)
{
	struct mbuf *hb, *mb = NULL;
	int err;

	hb = mbuf_alloc(512);
	if (hb == NULL)
		return ENOMEM;
	err = mbuf_write_str(hb, cp_dlg_allow(dlg));
	err |= mbuf_write_str(hb, dlg->update_ok || dlg->rel_ok
					  ? "Supported: timer, 100rel\r\n"
					  : "Supported: timer\r\n");
	err |= cp_dlg_se_print(hb, dlg, false);
	if (initial && dlg->hdrs != NULL)
		err |= mbuf_write_str(hb, dlg->hdrs);
	err |= mbuf_write_u8(hb, 0);
	if (err)
		goto out;
	err = cp_dlg_reply_body(dlg, stp, &mb, msg, 200, "OK", (char *)hb->buf,
				sdp, true);
	if (err)
		goto out;
	/* the 2xx is out: without its record it is not retransmitted and
	 * the ACK ends nothing; the peer's retransmissions or no ACK end
	 * the dialog as with a lost 2xx */
	dlg->ok = mem_deref(dlg->ok);
	if (cp_dlg_rtx_alloc(&dlg->ok, dlg, mb, msg) != 0)
		goto out;
	dlg->ok_initial = initial;
	tmr_start(&dlg->ok->tmr, dlg->ok->ival, ok_tmr_h, dlg);
	if (sdp != NULL && sdp->end > 0)
		cp_dlg_set_lsdp(dlg, sdp);
	cp_dlg_se_start(dlg);
out:
	mem_deref(hb);
	mem_deref(mb);
	return err;
}

int
cp_dlg_answer_invite(struct cp_dlg *dlg, struct mbuf *sdp)
{
	int err;

	if (dlg == NULL)
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	if (dlg->uac || dlg->st == NULL)
		return EPROTO;
	/* a reliable 1xx still out stops with the final response */
	dlg->rel = mem_deref(dlg->rel);
	dlg->ok_offer = !dlg->invite_offer && sdp != NULL && !dlg->rel_offer;
	err = cp_dlg_send_2xx(dlg, &dlg->st, dlg->imsg, sdp, true);
	if (err)
		return err;
	dlg->state = DLG_CONFIRMED;
	return 0;
}

/* The ACK of our 2xx (RFC 3261 13.3.1.4): stop retransmitting; it carries
 * the answer when our 2xx carried the offer. */
void
cp_dlg_uas_ack(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	struct pl body;
	const struct pl *b = NULL;
	bool offer = dlg->ok_offer, initial = dlg->ok_initial;

	if (dlg->ok == NULL || msg->cseq.num != dlg->ok->cseq)
		return; /* a retransmitted ACK */
	dlg->ok = mem_deref(dlg->ok);
	dlg->ok_offer = false;
	/* Confirmed: every response to the INVITE is sent (no server
	 * transaction left), so the INVITE itself (message, datagram and
	 * parsed headers, some 3 KB) is not kept for the call's lifetime. */
	if (initial && dlg->st == NULL) {
		dlg->imsg = mem_deref(dlg->imsg);
		/* only responses to the INVITE carried them */
		dlg->hdrs = mem_deref(dlg->hdrs);
	}
	if (offer && cp_dlg_msg_sdp(msg, &body) == 0) {
		b = &body;
		cp_dlg_set_rsdp(dlg, b);
	}
	if (initial) {
		if (dlg->h->estabh != NULL)
			dlg->h->estabh(dlg, msg, b, dlg->arg);
	} else if (offer && dlg->h->answerh != NULL) {
		dlg->h->answerh(dlg, 200, msg, b, dlg->arg);
	}
}

/* RFC 3262 4: a PRACK whose RAck names our unPRACKed 1xx stops its
 * retransmission and is answered 200; another one gets 481. */
void
cp_dlg_uas_prack(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	struct sip *sip = dlg->ds->sip;
	const struct sip_hdr *rack = sip_msg_hdr(msg, SIP_HDR_RACK);
	struct pl rs, cs, met, body, w1, w2;
	bool offer = dlg->rel_offer;

	if (rack == NULL || re_regex(rack->val.p, rack->val.l,
				     "[0-9]+[ \t]+[0-9]+[ \t]+[^ \t]+", &rs,
				     &w1, &cs, &w2, &met) != 0) {
		dlg->ds->c.malformed++;
		(void)sip_treply(NULL, sip, msg, 400, "Bad RAck");
		return;
	}
	if (dlg->uac || dlg->rel == NULL || pl_u32(&rs) != dlg->rseq ||
	    pl_u32(&cs) != dlg->imsg->cseq.num ||
	    pl_strcasecmp(&met, "INVITE") != 0) {
		(void)sip_treply(NULL, sip, msg, 481,
				 "Call/Transaction Does Not Exist");
		return;
	}
	dlg->rel = mem_deref(dlg->rel);
	dlg->rel_offer = false;
	(void)sip_treply(NULL, sip, msg, 200, "OK");
	if (offer && cp_dlg_msg_sdp(msg, &body) == 0) {
		cp_dlg_set_rsdp(dlg, &body);
		if (dlg->h->answerh != NULL)
			dlg->h->answerh(dlg, 200, msg, &body, dlg->arg);
	}
}
