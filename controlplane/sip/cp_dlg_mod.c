/* SPDX-License-Identifier: BSD-3-Clause */
/* Session modification in cp_dlg.h: re-INVITE and UPDATE (RFC 3311) both
 * ways with asynchronous answers, glare (RFC 3261 14.1/14.2), 491 back-off. */
#include <string.h>

#include "cp_dlg_int.h"

static void offer_resp_h(int err, const struct sip_msg *msg, void *arg);

int
cp_dlg_send_offer(struct cp_dlg *dlg)
{
	const struct mbuf *b = dlg->osdp;
	struct mbuf *hb;
	int err;

	hb = mbuf_alloc(1024);
	if (hb == NULL)
		return ENOMEM;
	err = mbuf_write_str(hb, cp_dlg_allow(dlg));
	err |= mbuf_write_str(hb, "Supported: timer\r\n");
	err |= cp_dlg_se_print(hb, dlg, true);
	if (b != NULL && b->end > 0)
		err |= mbuf_printf(hb,
				   "Content-Type: application/sdp\r\n"
				   "Content-Length: %zu\r\n\r\n%b",
				   b->end, b->buf, b->end);
	else
		err |= mbuf_write_str(hb, "Content-Length: 0\r\n\r\n");
	if (err)
		goto out;
	dlg->o_cseq = sip_dialog_lseq(dlg->sdlg);
	err = sip_drequestf(&dlg->oreq, dlg->ds->sip, true,
			    dlg->o_update ? "UPDATE" : "INVITE", dlg->sdlg, 0,
			    NULL, cp_dlg_send_h, offer_resp_h, dlg, "%b",
			    hb->buf, hb->end);
out:
	mem_deref(hb);
	return err;
}

/* RFC 3261 14.1: after a 491 the owner of the Call-ID (the UAC of the
 * dialog) waits 2.1-4 s in 10 ms steps, the other side 0-2 s. */
static uint32_t
glare_ms(struct cp_dlg *dlg)
{
	struct cp_dlgsock *ds = dlg->ds;
	uint32_t r = ds->randh(ds->rarg) % 191; /* 10 ms units */
	uint32_t ms;

	if (dlg->uac)
		ms = 2100 + r * 10;
	else
		ms = (r % 201) * 10;
	return (uint32_t)((uint64_t)ms * ds->t.sec_ms / 1000);
}

static void
glare_tmr_h(void *arg)
{
	struct cp_dlg *dlg = arg;

	if (dlg->pmsg != NULL) {
		/* the peer's offer is being answered: wait for it */
		tmr_start(&dlg->tmr_glare, glare_ms(dlg), glare_tmr_h, dlg);
		return;
	}
	if (cp_dlg_send_offer(dlg) != 0) {
		dlg->o_active = false;
		if (!dlg->o_refresh && dlg->h->answerh != NULL)
			dlg->h->answerh(dlg, 500, NULL, NULL, dlg->arg);
	}
}

static void
offer_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct cp_dlg *dlg = arg;
	bool refresh = dlg->o_refresh;
	uint16_t scode;
	struct pl body;
	const struct pl *b = NULL;

	if (msg != NULL && msg->scode < 200)
		return;
	mem_ref(dlg);
	scode = err || msg == NULL ? 408 : msg->scode;
	if (scode == 491) {
		dlg->ds->c.glare++;
		tmr_start(&dlg->tmr_glare, glare_ms(dlg), glare_tmr_h, dlg);
		goto out;
	}
	dlg->o_active = false;
	if (scode < 300) {
		if (!dlg->o_update)
			(void)sip_drequestf(NULL, dlg->ds->sip, false, "ACK",
					    dlg->sdlg, dlg->o_cseq, NULL, NULL,
					    NULL, NULL,
					    "Content-Length: 0\r\n\r\n");
		(void)sip_dialog_update(dlg->sdlg, msg); /* target refresh */
		cp_dlg_peer_caps(dlg, msg);
		cp_dlg_se_from_resp(dlg, msg, true, dlg->se);
		cp_dlg_se_start(dlg);
		if (dlg->osdp != NULL)
			cp_dlg_set_lsdp(dlg, dlg->osdp);
		if (cp_dlg_msg_sdp(msg, &body) == 0) {
			b = &body;
			cp_dlg_set_rsdp(dlg, b);
		}
		dlg->osdp = mem_deref(dlg->osdp);
		if (!refresh && dlg->h->answerh != NULL)
			dlg->h->answerh(dlg, scode, msg, b, dlg->arg);
		goto out;
	}
	dlg->osdp = mem_deref(dlg->osdp);
	/* RFC 3261 14.1: 481 or 408 to a re-INVITE ends the dialog */
	if (scode == 408 || scode == 481) {
		(void)cp_dlg_send_bye(dlg);
		cp_dlg_terminate(dlg,
				 scode == 408 ? CP_DLG_CLOSE_TIMEOUT
					      : CP_DLG_CLOSE_ERROR,
				 scode, msg, true);
		goto out;
	}
	if (!refresh && dlg->h->answerh != NULL)
		dlg->h->answerh(dlg, scode, msg, NULL, dlg->arg);
out:
	mem_deref(dlg);
}

int
cp_dlg_offer(struct cp_dlg *dlg, struct mbuf *sdp, bool use_update)
{
	int err;

	if (dlg == NULL || sdp == NULL || sdp->end == 0)
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	if (use_update && (!dlg->peer_update))
		return EOPNOTSUPP;
	/* a re-INVITE needs a confirmed dialog; UPDATE also an early one */
	if (!use_update && dlg->state != DLG_CONFIRMED)
		return EPROTO;
	if (dlg->o_active || dlg->pmsg != NULL || dlg->ok_offer ||
	    dlg->rel != NULL ||
	    (dlg->uac && !dlg->acked && dlg->state == DLG_CONFIRMED) ||
	    (!use_update && dlg->ok != NULL))
		return EBUSY;
	dlg->osdp = mbuf_alloc(sdp->end);
	if (dlg->osdp == NULL || mbuf_write_mem(dlg->osdp, sdp->buf, sdp->end))
		return ENOMEM;
	dlg->o_update = use_update;
	dlg->o_refresh = false;
	dlg->o_active = true;
	err = cp_dlg_send_offer(dlg);
	if (err) {
		dlg->o_active = false;
		dlg->osdp = mem_deref(dlg->osdp);
	}
	return err;
}

static void
reply_retry_after(struct cp_dlg *dlg, const struct sip_msg *msg, uint16_t scode,
		  const char *reason)
{
	struct cp_dlgsock *ds = dlg->ds;

	(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, scode, reason,
			  "Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
			  ds->randh(ds->rarg) % 10 + 1);
}

/*
 * The peer's re-INVITE or UPDATE. Glare: ours is out -> 491 (RFC 3261
 * 14.2, RFC 3311 5.2); the peer's previous offer is not answered yet ->
 * 500 with Retry-After. A re-INVITE whose SDP is the peer's last one is
 * a session refresh (RFC 4028 / RFC 3264 8: same version) and is answered
 * with our last SDP without the owner. An UPDATE without body only
 * refreshes the session timer.
 */
void
cp_dlg_mod_request(struct cp_dlg *dlg, const struct sip_msg *msg, bool update)
{
	struct cp_dlgsock *ds = dlg->ds;
	struct pl body;
	const struct pl *b = NULL;
	uint32_t se = 0;
	bool r1 = false, r2 = false;
	int err;

	if (update && !dlg->update_ok) {
		(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 405,
				  "Method Not Allowed",
				  "%sContent-Length: 0\r\n\r\n",
				  cp_dlg_allow(dlg));
		return;
	}
	if (!update && dlg->state != DLG_CONFIRMED) {
		reply_retry_after(dlg, msg, 500, "Server Internal Error");
		return;
	}
	if (dlg->oreq != NULL ||
	    (dlg->o_active && !tmr_isrunning(&dlg->tmr_glare))) {
		ds->c.glare++;
		(void)sip_treply(NULL, ds->sip, msg, 491, "Request Pending");
		return;
	}
	/* RFC 3311 5.1: an UPDATE in a UAC's early dialog once the peer's
	 * early answer to our INVITE's offer came (rsdp); a confirmed one
	 * waits for our ACK */
	if (dlg->pmsg != NULL || dlg->ok_offer || dlg->rel != NULL ||
	    (!update && dlg->ok != NULL) ||
	    (dlg->uac && !dlg->acked &&
	     (dlg->state == DLG_CONFIRMED || dlg->rsdp_len == 0))) {
		reply_retry_after(dlg, msg, 500, "Server Internal Error");
		return;
	}
	err = cp_dlg_msg_sdp(msg, &body);
	if (err == EBADMSG) {
		ds->c.malformed++;
		(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 415,
				  "Unsupported Media Type",
				  "Accept: application/sdp\r\n"
				  "Content-Length: 0\r\n\r\n");
		return;
	}
	if (err == 0)
		b = &body;
	err = cp_dlg_se_check_req(ds, msg, dlg->min_se, &se, &r1, &r2);
	if (err == ERANGE) {
		(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 422,
				  "Session Interval Too Small",
				  "Min-SE: %u\r\nContent-Length: 0\r\n\r\n",
				  dlg->min_se);
		return;
	}
	if (err) {
		ds->c.malformed++;
		(void)sip_treply(NULL, ds->sip, msg, 400,
				 "Bad Session-Expires");
		return;
	}
	if (sip_msg_hdr(msg, SIP_HDR_CONTACT) != NULL &&
	    sip_dialog_update(dlg->sdlg, msg) != 0) {
		ds->c.malformed++;
		(void)sip_treply(NULL, ds->sip, msg, 400, "Bad Contact");
		return;
	}
	cp_dlg_peer_caps(dlg, msg);
	cp_dlg_se_from_req(dlg, msg);
	if (update && b == NULL) {
		(void)cp_dlg_reply_body(dlg, NULL, NULL, msg, 200, "OK", NULL,
					NULL, true);
		cp_dlg_se_start(dlg);
		return;
	}
	if (!update && b != NULL && dlg->lsdp != NULL &&
	    cp_dlg_is_rsdp(dlg, b)) {
		(void)cp_dlg_send_2xx(dlg, NULL, msg, dlg->lsdp, false);
		return;
	}
	if (dlg->h->offerh == NULL) {
		(void)sip_treply(NULL, ds->sip, msg, 488,
				 "Not Acceptable Here");
		return;
	}
	err = sip_strans_alloc(&dlg->pst, ds->sip, msg, NULL, NULL);
	if (err) {
		(void)sip_treply(NULL, ds->sip, msg, 500,
				 "Server Internal Error");
		return;
	}
	dlg->pmsg = mem_ref((void *)msg);
	dlg->p_noffer = b == NULL;
	if (b != NULL)
		cp_dlg_set_rsdp(dlg, b);
	dlg->h->offerh(dlg, msg, b, dlg->arg);
}

int
cp_dlg_answer(struct cp_dlg *dlg, struct mbuf *sdp)
{
	struct sip_msg *pmsg;
	int err;

	if (dlg == NULL)
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	if (dlg->uac && dlg->state == DLG_CONFIRMED && !dlg->acked) {
		/* late offer: the answer goes in the ACK */
		if (sdp == NULL || sdp->end == 0)
			return EINVAL;
		tmr_cancel(&dlg->tmr_answer);
		dlg->ack_sdp = mbuf_alloc(sdp->end);
		if (dlg->ack_sdp == NULL ||
		    mbuf_write_mem(dlg->ack_sdp, sdp->buf, sdp->end))
			return ENOMEM;
		cp_dlg_set_lsdp(dlg, sdp);
		return cp_dlg_send_ack(dlg);
	}
	if (dlg->pmsg == NULL)
		return EPROTO;
	if (sdp == NULL || sdp->end == 0)
		return EINVAL;
	pmsg = dlg->pmsg;
	dlg->pmsg = NULL;
	if (pl_strcmp(&pmsg->met, "INVITE") == 0) {
		dlg->ok_offer = dlg->p_noffer;
		err = cp_dlg_send_2xx(dlg, &dlg->pst, pmsg, sdp, false);
	} else {
		struct mbuf *hb = mbuf_alloc(256);

		err = hb == NULL ? ENOMEM : 0;
		if (!err) {
			err = cp_dlg_se_print(hb, dlg, false);
			err |= mbuf_write_u8(hb, 0);
		}
		if (!err)
			err = cp_dlg_reply_body(dlg, &dlg->pst, NULL, pmsg, 200,
						"OK", (char *)hb->buf, sdp,
						true);
		mem_deref(hb);
		if (!err) {
			cp_dlg_set_lsdp(dlg, sdp);
			cp_dlg_se_start(dlg);
		}
	}
	dlg->pst = mem_deref(dlg->pst);
	mem_deref(pmsg);
	return err;
}

int
cp_dlg_reject(struct cp_dlg *dlg, uint16_t scode, const char *reason,
	      const char *hdrs)
{
	struct sip_msg *pmsg;
	int err;

	if (dlg == NULL || scode < 300 || scode > 699 || reason == NULL)
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	if (!dlg->uac && dlg->st != NULL) {
		/* the initial INVITE; its reliable 1xx stops */
		struct mbuf *hb = mbuf_alloc(256);

		if (hb == NULL)
			return ENOMEM;
		err = hdrs != NULL ? mbuf_write_str(hb, hdrs) : 0;
		err |= dlg->hdrs != NULL ? mbuf_write_str(hb, dlg->hdrs) : 0;
		err |= mbuf_write_u8(hb, 0);
		if (!err)
			err = cp_dlg_reply_body(dlg, &dlg->st, NULL, dlg->imsg,
						scode, reason, (char *)hb->buf,
						NULL, false);
		mem_deref(hb);
		cp_dlg_terminate(dlg, CP_DLG_CLOSE_LOCAL, scode, NULL, false);
		return err;
	}
	if (dlg->pmsg == NULL)
		return EPROTO;
	pmsg = dlg->pmsg;
	dlg->pmsg = NULL;
	err = cp_dlg_reply_body(dlg, &dlg->pst, NULL, pmsg, scode, reason, hdrs,
				NULL, false);
	dlg->pst = mem_deref(dlg->pst);
	mem_deref(pmsg);
	return err;
}
