/* SPDX-License-Identifier: BSD-3-Clause */
/* UAC side of cp_dlg.h: INVITE, forks (RFC 3261 12.1.2, 13.2.2.4), PRACK
 * (RFC 3262 7.2), ACK, CANCEL, digest and 422 retries. */
#include <string.h>

#include "cp_dlg_int.h"

static int send_invite(struct cp_inv *inv);

static void
destructor(void *arg)
{
	struct cp_inv *inv = arg;
	struct le *le;

	inv->ds->live.invs--;
	tmr_cancel(&inv->tmr_linger);
	list_unlink(&inv->le);
	while ((le = list_head(&inv->forkl)) != NULL) {
		struct cp_dlg *dlg = le->data;

		list_unlink(&dlg->ile);
		dlg->inv = NULL;
	}
	mem_deref(inv->req);
	mem_deref(inv->sdlg);
	mem_deref(inv->auth);
	mem_deref(inv->sdp);
	mem_deref(inv->cuser);
	mem_deref(inv->hdrs);
	mem_deref(inv->auth_user);
	mem_deref(inv->auth_pass);
}

void
cp_inv_fork_gone(struct cp_dlg *dlg)
{
	list_unlink(&dlg->ile);
	dlg->inv = NULL;
}

static int
auth_h(char **user, char **pass, const char *realm, void *arg)
{
	struct cp_inv *inv = arg;
	int err;

	(void)realm;
	if (inv->auth_user == NULL)
		return EAUTH;
	err = str_dup(user, inv->auth_user);
	err |= str_dup(pass, inv->auth_pass != NULL ? inv->auth_pass : "");
	return err;
}

static int
inv_send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
	   struct mbuf *mb, void *arg)
{
	struct cp_inv *inv = arg;
	int err;

	err = cp_sip_contact_print(mb, inv->ds->sip, tp, src, dst, inv->cuser);
	return err ? err : mbuf_write_str(mb, "\r\n");
}

/* Every early fork ends with the INVITE's final response. */
static void
forks_end(struct cp_inv *inv, enum cp_dlg_reason reason, uint16_t scode,
	  const struct sip_msg *msg, struct cp_dlg *keep, bool notify)
{
	struct le *le = list_head(&inv->forkl);

	while (le != NULL) {
		struct cp_dlg *dlg = le->data;

		le = le->next;
		if (dlg == keep)
			continue;
		cp_dlg_terminate(dlg, reason, scode, msg, notify);
	}
}

static void
inv_done(struct cp_inv *inv)
{
	inv->done = true;
	list_unlink(&inv->le);
	mem_deref(inv); /* the layer's reference */
}

static bool
fork_cmp_h(struct le *le, void *arg)
{
	struct cp_dlg *dlg = le->data;

	return sip_dialog_cmp(dlg->sdlg, arg);
}

/* The fork of msg's To-tag; created on first sight (needs a Contact). */
static struct cp_dlg *
fork_get(struct cp_inv *inv, const struct sip_msg *msg)
{
	struct cp_dlgsock *ds = inv->ds;
	const struct sip_hdr *ct;
	struct sip_addr addr;
	struct cp_dlg *dlg;
	int err;

	if (!pl_isset(&msg->to.tag))
		return NULL;
	dlg = list_ledata(
		list_apply(&inv->forkl, true, fork_cmp_h, (void *)msg));
	if (dlg != NULL)
		return dlg;
	ct = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (ct == NULL || sip_addr_decode(&addr, &ct->val) != 0)
		return NULL;
	if (cp_dlg_alloc(&dlg, ds, true, inv->h, inv->arg, inv->cuser))
		return NULL;
	err = sip_dialog_fork(&dlg->sdlg, inv->sdlg, msg);
	err |= pl_strdup(&dlg->ruri, &addr.auri);
	if (err) {
		mem_deref(dlg);
		return NULL;
	}
	dlg->inv = inv;
	dlg->icseq = msg->cseq.num;
	dlg->update_ok = inv->update_ok;
	dlg->min_se = inv->min_se;
	dlg->se_cfg = inv->se;
	if (inv->sdp != NULL)
		cp_dlg_set_lsdp(dlg, inv->sdp);
	list_append(&inv->forkl, &dlg->ile, dlg);
	hash_append(ds->ht, hash_joaat_pl(&msg->callid), &dlg->he, dlg);
	ds->c.dialogs++;
	return dlg;
}

/* RFC 3262 4 and 7.2: PRACK a reliable 1xx once, in RSeq order. */
static bool
prack(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	const struct sip_hdr *rseq = sip_msg_hdr(msg, SIP_HDR_RSEQ);
	uint32_t n;

	if (rseq == NULL || !cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "100rel"))
		return true; /* unreliable: report */
	n = pl_u32(&rseq->val);
	if (n == 0)
		return false;
	if (dlg->prack_rseq != 0 && n != dlg->prack_rseq + 1)
		return false; /* a retransmission or out of order */
	dlg->prack_rseq = n;
	(void)sip_drequestf(NULL, dlg->ds->sip, true, "PRACK", dlg->sdlg, 0,
			    NULL, NULL, NULL, NULL,
			    "RAck: %u %u INVITE\r\n"
			    "Content-Length: 0\r\n\r\n",
			    n, msg->cseq.num);
	return true;
}

int
cp_dlg_send_ack(struct cp_dlg *dlg)
{
	const struct mbuf *b = dlg->ack_sdp;

	dlg->acked = true;
	if (b != NULL && b->end > 0)
		return sip_drequestf(NULL, dlg->ds->sip, false, "ACK",
				     dlg->sdlg, dlg->icseq, NULL, NULL, NULL,
				     NULL,
				     "Content-Type: application/sdp\r\n"
				     "Content-Length: %zu\r\n\r\n%b",
				     b->end, b->buf, b->end);
	return sip_drequestf(NULL, dlg->ds->sip, false, "ACK", dlg->sdlg,
			     dlg->icseq, NULL, NULL, NULL, NULL,
			     "Content-Length: 0\r\n\r\n");
}

/* The owner never answered the offer of the 2xx: ACK without body, BYE. */
static void
answer_tmr_h(void *arg)
{
	struct cp_dlg *dlg = arg;

	(void)cp_dlg_send_ack(dlg);
	(void)cp_dlg_send_bye(dlg);
	cp_dlg_terminate(dlg, CP_DLG_CLOSE_LOCAL, 0, NULL, true);
}

static void
linger_h(void *arg)
{
	struct cp_inv *inv = arg;

	list_unlink(&inv->le);
	mem_deref(inv);
}

static void
got_2xx(struct cp_inv *inv, const struct sip_msg *msg)
{
	struct cp_dlgsock *ds = inv->ds;
	struct cp_dlg *dlg = fork_get(inv, msg);
	struct pl body;
	const struct pl *b = NULL;

	if (dlg == NULL) {
		/* no To-tag or Contact: no dialog can be made (RFC 3261
		 * 12.1.2); nothing to ACK to */
		forks_end(inv, CP_DLG_CLOSE_ERROR, msg->scode, msg, NULL, true);
		if (inv->h->failh != NULL)
			inv->h->failh(inv, EBADMSG, msg->scode, msg, inv->arg);
		inv_done(inv);
		return;
	}
	mem_ref(dlg);
	(void)sip_dialog_update(dlg->sdlg, msg); /* 2xx Contact is target */
	dlg->state = DLG_CONFIRMED;
	dlg->icseq = msg->cseq.num;
	cp_dlg_peer_caps(dlg, msg);
	cp_dlg_se_from_resp(dlg, msg, true, inv->se);
	/* RFC 3261 13.2.2.4: the other early dialogs end */
	forks_end(inv, CP_DLG_CLOSE_LOCAL, 0, NULL, dlg, true);
	inv->done = true;
	tmr_start(&inv->tmr_linger, ds->t.linger_ms, linger_h, inv);
	if (cp_dlg_msg_sdp(msg, &body) == 0) {
		b = &body;
		cp_dlg_set_rsdp(dlg, b);
	}
	if (inv->sdp == NULL && b != NULL) {
		/* late offer: the ACK carries the owner's answer */
		tmr_start(&dlg->tmr_answer, ds->t.answer_wait_ms, answer_tmr_h,
			  dlg);
	} else {
		(void)cp_dlg_send_ack(dlg);
	}
	cp_dlg_se_start(dlg);
	if (dlg->h->estabh != NULL)
		dlg->h->estabh(dlg, msg, b, dlg->arg);
	mem_deref(dlg);
}

/* Retry once with the peer's Min-SE (RFC 4028 7.4) or credentials. */
static bool
retry(struct cp_inv *inv, const struct sip_msg *msg)
{
	const struct sip_hdr *mse;
	uint32_t v;

	if ((msg->scode == 401 || msg->scode == 407) && inv->auth != NULL &&
	    !inv->auth_tried) {
		inv->auth_tried = true;
		if (sip_auth_authenticate(inv->auth, msg) != 0)
			return false;
		return send_invite(inv) == 0;
	}
	if (msg->scode == 422 && !inv->se_retried) {
		mse = sip_msg_hdr(msg, SIP_HDR_MIN_SE);
		if (mse == NULL)
			return false;
		v = pl_u32(&mse->val);
		if (v == 0 || v > 86400)
			return false;
		inv->se_retried = true;
		inv->min_se = MAX(inv->min_se, v);
		inv->se = MAX(inv->se, v);
		return send_invite(inv) == 0;
	}
	return false;
}

static void
inv_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct cp_inv *inv = arg;
	struct cp_dlg *dlg;
	struct pl body;

	if (inv->done)
		return;
	mem_ref(inv);
	if (err || msg == NULL) {
		/* no response (timer B) or transport error: 408 */
		forks_end(inv, CP_DLG_CLOSE_TIMEOUT, 408, NULL, NULL, true);
		if (inv->h->failh != NULL)
			inv->h->failh(inv, err ? err : ETIMEDOUT, 408, NULL,
				      inv->arg);
		inv_done(inv);
		goto out;
	}
	if (msg->scode < 200) {
		if (msg->scode == 100)
			goto out;
		dlg = fork_get(inv, msg);
		if (dlg != NULL && !prack(dlg, msg))
			goto out;
		if (dlg != NULL)
			cp_dlg_peer_caps(dlg, msg);
		/* the early answer to our offer (RFC 3311 5.1: an UPDATE may
		 * follow in this early dialog) */
		if (dlg != NULL && inv->sdp != NULL &&
		    cp_dlg_msg_sdp(msg, &body) == 0)
			cp_dlg_set_rsdp(dlg, &body);
		if (inv->h->provh != NULL)
			inv->h->provh(inv, dlg, msg,
				      cp_dlg_msg_sdp(msg, &body) == 0 ? &body
								      : NULL,
				      inv->arg);
		goto out;
	}
	if (msg->scode < 300) {
		got_2xx(inv, msg);
		goto out;
	}
	if (!inv->canceled && retry(inv, msg))
		goto out;
	forks_end(inv, CP_DLG_CLOSE_REJECTED, msg->scode, msg, NULL, true);
	if (inv->h->failh != NULL)
		inv->h->failh(inv, 0, msg->scode, msg, inv->arg);
	inv_done(inv);
out:
	mem_deref(inv);
}

static int
send_invite(struct cp_inv *inv)
{
	struct mbuf *hb;
	const struct mbuf *b = inv->sdp;
	int err;

	hb = mbuf_alloc(1024);
	if (hb == NULL)
		return ENOMEM;
	err = mbuf_printf(hb, "%sSupported: %stimer\r\n",
			  inv->update_ok ? "Allow: INVITE, ACK, CANCEL, BYE, "
					   "PRACK, UPDATE, INFO, REFER, "
					   "NOTIFY, MESSAGE, OPTIONS\r\n"
					 : "Allow: INVITE, ACK, CANCEL, BYE, "
					   "PRACK, INFO, REFER, NOTIFY, "
					   "MESSAGE, OPTIONS\r\n",
			  inv->rel100 ? "100rel, " : "");
	/* RFC 4028 7.1: our wish; the UAS picks the refresher */
	if (inv->se != 0)
		err |= mbuf_printf(hb, "Session-Expires: %u\r\nMin-SE: %u\r\n",
				   inv->se, inv->min_se);
	if (inv->hdrs != NULL)
		err |= mbuf_write_str(hb, inv->hdrs);
	if (b != NULL && b->end > 0)
		err |= mbuf_printf(hb,
				   "Content-Type: application/sdp\r\n"
				   "Content-Length: %zu\r\n\r\n%b",
				   b->end, b->buf, b->end);
	else
		err |= mbuf_write_str(hb, "Content-Length: 0\r\n\r\n");
	if (err)
		goto out;
	inv->icseq = sip_dialog_lseq(inv->sdlg);
	err = sip_drequestf(&inv->req, inv->ds->sip, true, "INVITE", inv->sdlg,
			    0, inv->auth, inv_send_h, inv_resp_h, inv, "%b",
			    hb->buf, hb->end);
out:
	mem_deref(hb);
	return err;
}

int
cp_dlg_invite(struct cp_inv **invp, struct cp_dlgsock *ds,
	      const struct cp_dlg_prm *prm, struct mbuf *sdp,
	      const struct cp_dlg_handlers *h, void *arg)
{
	const char *routev[1];
	struct cp_inv *inv;
	int err = 0;

	if (invp == NULL || ds == NULL || prm == NULL || prm->ruri == NULL ||
	    prm->from_uri == NULL || prm->to_uri == NULL)
		return EINVAL;
	inv = mem_zalloc(sizeof(*inv), destructor);
	if (inv == NULL)
		return ENOMEM;
	inv->ds = ds;
	ds->live.invs++;
	inv->h = h != NULL ? h : &cp_dlg_no_handlers;
	inv->arg = arg;
	list_init(&inv->forkl);
	tmr_init(&inv->tmr_linger);
	inv->rel100 = prm->rel100;
	inv->update_ok = prm->update;
	inv->min_se = prm->min_se_s < 90 ? 90 : prm->min_se_s;
	inv->se = prm->se_s == 0 ? 0 : MAX(prm->se_s, inv->min_se);
	if (prm->cuser != NULL)
		err |= str_dup(&inv->cuser, prm->cuser);
	if (prm->hdrs != NULL)
		err |= str_dup(&inv->hdrs, prm->hdrs);
	if (prm->auth_user != NULL)
		err |= str_dup(&inv->auth_user, prm->auth_user);
	if (prm->auth_pass != NULL)
		err |= str_dup(&inv->auth_pass, prm->auth_pass);
	if (err)
		goto out;
	if (sdp != NULL && sdp->end > 0) {
		inv->sdp = mbuf_alloc(sdp->end);
		if (inv->sdp == NULL ||
		    mbuf_write_mem(inv->sdp, sdp->buf, sdp->end) != 0) {
			err = ENOMEM;
			goto out;
		}
	}
	routev[0] = prm->route;
	err = sip_dialog_alloc(&inv->sdlg, prm->ruri, prm->to_uri,
			       prm->from_name, prm->from_uri, routev,
			       prm->route != NULL ? 1 : 0);
	if (err)
		goto out;
	if (prm->auth_user != NULL) {
		/* ref false: inv owns the auth; a reference from the auth
		 * back to inv would be a cycle that keeps both (and the
		 * sip_dialog) alive after the layer's reference is gone */
		err = sip_auth_alloc(&inv->auth, auth_h, inv, false);
		if (err)
			goto out;
	}
	err = send_invite(inv);
	if (err)
		goto out;
	list_append(&ds->invl, &inv->le, inv);
	*invp = inv;
	return 0;
out:
	mem_deref(inv);
	return err;
}

int
cp_inv_cancel(struct cp_inv *inv)
{
	if (inv == NULL)
		return EINVAL;
	if (inv->done)
		return EALREADY;
	inv->canceled = true;
	/* RFC 3261 9.1: libre sends it once a provisional arrived */
	sip_request_cancel(inv->req);
	return 0;
}

void
cp_inv_close(struct cp_inv *inv)
{
	if (inv == NULL || inv->closed)
		return;
	inv->closed = true;
	inv->h = &cp_dlg_no_handlers;
	if (!inv->done) {
		forks_end(inv, CP_DLG_CLOSE_LOCAL, 0, NULL, NULL, false);
		inv->req = mem_deref(inv->req); /* CANCELs a pending one */
		inv->done = true;
	}
	tmr_cancel(&inv->tmr_linger);
	if (inv->le.list != NULL) {
		list_unlink(&inv->le);
		mem_deref(inv);
	}
}

const char *
cp_inv_callid(const struct cp_inv *inv)
{
	return inv != NULL ? sip_dialog_callid(inv->sdlg) : NULL;
}

static bool
inv_cmp_h(struct le *le, void *arg)
{
	struct cp_inv *inv = le->data;

	return sip_dialog_cmp_half(inv->sdlg, arg);
}

/*
 * A 2xx no transaction claimed: a retransmission of a fork's 2xx (ACK
 * again, RFC 3261 13.2.2.4) or the 2xx of another fork after the first
 * one won: ACK it and BYE it.
 */
bool
cp_dlg_uac_stray(struct cp_dlgsock *ds, const struct sip_msg *msg)
{
	struct sip_dialog *sd = NULL;
	struct cp_dlg *dlg;
	struct cp_inv *inv;

	dlg = cp_dlg_find(ds, msg);
	if (dlg != NULL) {
		if (dlg->uac && dlg->acked && msg->cseq.num == dlg->icseq)
			(void)cp_dlg_send_ack(dlg);
		return true;
	}
	inv = list_ledata(list_apply(&ds->invl, true, inv_cmp_h, (void *)msg));
	if (inv == NULL || !pl_isset(&msg->to.tag))
		return false;
	if (sip_dialog_fork(&sd, inv->sdlg, msg) != 0)
		return true;
	ds->c.late_forks++;
	(void)sip_drequestf(NULL, ds->sip, false, "ACK", sd, msg->cseq.num,
			    NULL, NULL, NULL, NULL,
			    "Content-Length: 0\r\n\r\n");
	(void)sip_drequestf(NULL, ds->sip, true, "BYE", sd, 0, NULL, NULL, NULL,
			    NULL, "Content-Length: 0\r\n\r\n");
	mem_deref(sd);
	return true;
}
