/* SPDX-License-Identifier: BSD-3-Clause */
/* The dialog object of cp_dlg.h: life, termination, message helpers. */
#include <string.h>

#include "cp_dlg_int.h"

const struct cp_dlg_handlers cp_dlg_no_handlers;

static void
destructor(void *arg)
{
	struct cp_dlg *dlg = arg;

	dlg->ds->live.dlgs--;
	hash_unlink(&dlg->he);
	list_unlink(&dlg->ile);
	tmr_cancel(&dlg->tmr_answer);
	tmr_cancel(&dlg->tmr_glare);
	tmr_cancel(&dlg->tmr_se);
	cp_dlg_fail_sreqs(dlg);
	mem_deref(dlg->oreq); /* a pending request is cancelled quietly */
	mem_deref(dlg->st);
	mem_deref(dlg->pst);
	mem_deref(dlg->imsg);
	mem_deref(dlg->pmsg);
	mem_deref(dlg->rel);
	mem_deref(dlg->ok);
	mem_deref(dlg->ack_sdp);
	mem_deref(dlg->osdp);
	mem_deref(dlg->lsdp);
	mem_deref(dlg->sdlg);
	mem_deref(dlg->cuser);
	mem_deref(dlg->hdrs);
	mem_deref(dlg->ruri);
}

int
cp_dlg_alloc(struct cp_dlg **dlgp, struct cp_dlgsock *ds, bool uac,
	     const struct cp_dlg_handlers *h, void *arg, const char *cuser)
{
	struct cp_dlg *dlg;
	int err = 0;

	dlg = mem_zalloc(sizeof(*dlg), destructor);
	if (dlg == NULL)
		return ENOMEM;
	dlg->ds = ds;
	ds->live.dlgs++;
	dlg->uac = uac;
	dlg->state = DLG_EARLY;
	dlg->h = h != NULL ? h : &cp_dlg_no_handlers;
	dlg->arg = arg;
	tmr_init(&dlg->tmr_answer);
	tmr_init(&dlg->tmr_glare);
	tmr_init(&dlg->tmr_se);
	list_init(&dlg->sreql);
	if (cuser != NULL)
		err = str_dup(&dlg->cuser, cuser);
	if (err) {
		mem_deref(dlg);
		return err;
	}
	*dlgp = dlg;
	return 0;
}

static bool
cmp_h(struct le *le, void *arg)
{
	struct cp_dlg *dlg = le->data;

	return dlg->state != DLG_TERMINATED && sip_dialog_cmp(dlg->sdlg, arg);
}

/* RFC 3261 12.2.2: a request matches a dialog by Call-ID, To-tag (ours)
 * and From-tag (the peer's); a response by Call-ID and both tags too. */
struct cp_dlg *
cp_dlg_find(struct cp_dlgsock *ds, const struct sip_msg *msg)
{
	return list_ledata(hash_lookup(ds->ht, hash_joaat_pl(&msg->callid),
				       cmp_h, (void *)msg));
}

/*
 * End the dialog: answer what is pending, stop every timer, leave the hash,
 * tell the owner if notify, and drop the layer's reference.
 */
void
cp_dlg_terminate(struct cp_dlg *dlg, enum cp_dlg_reason reason, uint16_t scode,
		 const struct sip_msg *msg, bool notify)
{
	struct sip *sip = dlg->ds->sip;

	if (dlg->state == DLG_TERMINATED)
		return;
	dlg->state = DLG_TERMINATED;
	dlg->rel = mem_deref(dlg->rel);
	dlg->ok = mem_deref(dlg->ok);
	tmr_cancel(&dlg->tmr_answer);
	tmr_cancel(&dlg->tmr_glare);
	tmr_cancel(&dlg->tmr_se);
	dlg->oreq = mem_deref(dlg->oreq);
	if (dlg->st != NULL) /* UAS INVITE without final response */
		(void)sip_treply(&dlg->st, sip, dlg->imsg, 487,
				 "Request Terminated");
	dlg->st = mem_deref(dlg->st);
	if (dlg->pst != NULL) /* RFC 3261 15.1.2: pending requests get 487 */
		(void)sip_treply(&dlg->pst, sip, dlg->pmsg, 487,
				 "Request Terminated");
	dlg->pst = mem_deref(dlg->pst);
	cp_dlg_fail_sreqs(dlg);
	hash_unlink(&dlg->he);
	cp_inv_fork_gone(dlg);
	if (notify && dlg->h->closeh != NULL)
		dlg->h->closeh(dlg, reason, scode, msg, dlg->arg);
	mem_deref(dlg);
}

int
cp_dlg_send_bye(struct cp_dlg *dlg)
{
	if (dlg->bye_sent)
		return 0;
	dlg->bye_sent = true;
	return sip_drequestf(NULL, dlg->ds->sip, true, "BYE", dlg->sdlg, 0,
			     NULL, NULL, NULL, NULL,
			     "Content-Length: 0\r\n\r\n");
}

/* libre's send handler: called with the chosen local address. */
int
cp_dlg_send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
	      struct mbuf *mb, void *arg)
{
	struct cp_dlg *dlg = arg;
	int err;

	err = cp_sip_contact_print(mb, dlg->ds->sip, tp, src, dst, dlg->cuser);
	return err ? err : mbuf_write_str(mb, "\r\n");
}

const char *
cp_dlg_allow(const struct cp_dlg *dlg)
{
	return dlg->update_ok ? "Allow: INVITE, ACK, CANCEL, BYE, PRACK, "
				"UPDATE, INFO, REFER, NOTIFY, MESSAGE, "
				"OPTIONS\r\n"
			      : "Allow: INVITE, ACK, CANCEL, BYE, PRACK, "
				"INFO, REFER, NOTIFY, MESSAGE, OPTIONS\r\n";
}

static int
local_addr(struct sa *laddr, struct sip *sip, const struct sip_msg *msg)
{
	if (sa_isset(&msg->dst, SA_ADDR))
		*laddr = msg->dst;
	else if (sip_transp_laddr(sip, laddr, msg->tp, &msg->src))
		return EADDRNOTAVAIL;
	return 0;
}

/*
 * Reply to msg through its server transaction (*stp; NULL: a new one),
 * with our Contact when contact, the owner's extra headers, and sdp as
 * application/sdp. Record-Route is echoed with the Contact (RFC 3261
 * 12.1.1). *mbp (optional) gets the message for our own retransmission.
 */
int
cp_dlg_reply_body(struct cp_dlg *dlg, struct sip_strans **stp,
		  struct mbuf **mbp, const struct sip_msg *msg, uint16_t scode,
		  const char *reason, const char *xhdrs, const struct mbuf *sdp,
		  bool contact)
{
	struct sip *sip = dlg->ds->sip;
	struct mbuf *hb;
	struct sa laddr;
	int err = 0;

	hb = mbuf_alloc(512);
	if (hb == NULL)
		return ENOMEM;
	if (contact) {
		err = local_addr(&laddr, sip, msg);
		if (err)
			goto out;
		err = mbuf_printf(hb, "Contact: <sip:%s%s%J%s>\r\n",
				  dlg->cuser != NULL ? dlg->cuser : "",
				  dlg->cuser != NULL ? "@" : "", &laddr,
				  sip_transp_param(msg->tp));
	}
	if (xhdrs != NULL)
		err |= mbuf_write_str(hb, xhdrs);
	if (sdp != NULL && sdp->end > 0)
		err |= mbuf_printf(hb,
				   "Content-Type: application/sdp\r\n"
				   "Content-Length: %zu\r\n\r\n%b",
				   sdp->end, sdp->buf, sdp->end);
	else
		err |= mbuf_write_str(hb, "Content-Length: 0\r\n\r\n");
	if (err)
		goto out;
	err = sip_treplyf(stp, mbp, sip, msg, contact, scode, reason, "%b",
			  hb->buf, hb->end);
out:
	mem_deref(hb);
	return err;
}

uint32_t
cp_dlg_ms(const struct cp_dlgsock *ds, uint32_t sec)
{
	return sec * ds->t.sec_ms;
}

static struct mbuf *
mbuf_copy_all(const struct mbuf *src)
{
	struct mbuf *mb = mbuf_alloc(src->end + 1);

	if (mb == NULL)
		return NULL;
	if (mbuf_write_mem(mb, src->buf, src->end)) {
		mem_deref(mb);
		return NULL;
	}
	mb->pos = 0;
	return mb;
}

void
cp_dlg_set_lsdp(struct cp_dlg *dlg, const struct mbuf *sdp)
{
	struct mbuf *mb;

	if (sdp == NULL || sdp->end == 0 || sdp == dlg->lsdp)
		return;
	mb = mbuf_copy_all(sdp);
	if (mb == NULL)
		return;
	mem_deref(dlg->lsdp);
	dlg->lsdp = mb;
}

/* FNV-1a, 64 bits (the public-domain Fowler/Noll/Vo hash): a digest for
 * an equality check of bodies; a collision between two different SDPs of
 * one peer has a probability of about 2^-64. */
static uint64_t
body_hash(const struct pl *body)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < body->l; i++) {
		h ^= (uint8_t)body->p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
cp_dlg_set_rsdp(struct cp_dlg *dlg, const struct pl *body)
{
	if (body == NULL || body->l == 0 || body->l > UINT32_MAX)
		return;
	dlg->rsdp_hash = body_hash(body);
	dlg->rsdp_len = (uint32_t)body->l;
}

bool
cp_dlg_is_rsdp(const struct cp_dlg *dlg, const struct pl *body)
{
	return dlg->rsdp_len != 0 && body != NULL && body->l == dlg->rsdp_len &&
	       body_hash(body) == dlg->rsdp_hash;
}

bool
cp_dlg_has_opt(const struct sip_msg *msg, enum sip_hdrid id, const char *opt)
{
	return sip_msg_hdr_has_value(msg, id, opt);
}

/* What the peer can do: Allow: UPDATE (RFC 3311 5.1), Supported: timer. */
void
cp_dlg_peer_caps(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	if (sip_msg_hdr(msg, SIP_HDR_ALLOW) != NULL)
		dlg->peer_update =
			sip_msg_hdr_has_value(msg, SIP_HDR_ALLOW, "UPDATE");
	if (cp_dlg_has_opt(msg, SIP_HDR_SUPPORTED, "timer") ||
	    cp_dlg_has_opt(msg, SIP_HDR_REQUIRE, "timer"))
		dlg->peer_timer = true;
}

int
cp_dlg_msg_sdp(const struct sip_msg *msg, struct pl *body)
{
	if (msg == NULL || body == NULL)
		return EINVAL;
	if (msg->mb == NULL || mbuf_get_left(msg->mb) == 0)
		return ENOENT;
	if (!msg_ctype_cmp(&msg->ctyp, "application", "sdp"))
		return EBADMSG;
	body->p = (const char *)mbuf_buf(msg->mb);
	body->l = mbuf_get_left(msg->mb);
	return 0;
}

bool
cp_dlg_confirmed(const struct cp_dlg *dlg)
{
	return dlg != NULL && dlg->state == DLG_CONFIRMED;
}

bool
cp_dlg_is_uac(const struct cp_dlg *dlg)
{
	return dlg != NULL && dlg->uac;
}

bool
cp_dlg_peer_update(const struct cp_dlg *dlg)
{
	return dlg != NULL && dlg->state != DLG_TERMINATED && dlg->peer_update;
}

const char *
cp_dlg_callid(const struct cp_dlg *dlg)
{
	return dlg != NULL ? sip_dialog_callid(dlg->sdlg) : NULL;
}

const char *
cp_dlg_remote_uri(const struct cp_dlg *dlg)
{
	return dlg != NULL ? dlg->ruri : NULL;
}

const struct mbuf *
cp_dlg_local_sdp(const struct cp_dlg *dlg)
{
	return dlg != NULL ? dlg->lsdp : NULL;
}

uint32_t
cp_dlg_session_expires(const struct cp_dlg *dlg, bool *refresherp)
{
	if (dlg == NULL)
		return 0;
	if (refresherp != NULL)
		*refresherp = dlg->refresher;
	return dlg->se;
}

void
cp_dlg_set_arg(struct cp_dlg *dlg, void *arg)
{
	if (dlg != NULL)
		dlg->arg = arg;
}

void
cp_dlg_close(struct cp_dlg *dlg)
{
	if (dlg == NULL)
		return;
	if (dlg->uac && dlg->inv != NULL && dlg->state == DLG_EARLY)
		cp_inv_fork_gone(dlg);
	cp_dlg_terminate(dlg, CP_DLG_CLOSE_LOCAL, 0, NULL, false);
}

int
cp_dlg_bye(struct cp_dlg *dlg)
{
	int err = 0;

	if (dlg == NULL)
		return EINVAL;
	switch (dlg->state) {
	case DLG_TERMINATED:
		return ENOTCONN;
	case DLG_CONFIRMED:
		err = cp_dlg_send_bye(dlg);
		break;
	case DLG_EARLY:
		if (!dlg->uac && dlg->st != NULL) {
			err = cp_dlg_reply_body(dlg, &dlg->st, NULL, dlg->imsg,
						480, "Temporarily Unavailable",
						dlg->hdrs, NULL, false);
		} else if (dlg->uac && dlg->inv != NULL) {
			err = cp_inv_cancel(dlg->inv);
		}
		break;
	}
	cp_dlg_terminate(dlg, CP_DLG_CLOSE_LOCAL, 0, NULL, false);
	return err;
}
