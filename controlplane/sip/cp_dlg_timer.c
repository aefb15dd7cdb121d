/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 4028 session timers of cp_dlg.h: Session-Expires/Min-SE, the
 * refresher, refresh by UPDATE or re-INVITE, BYE on expiry. */
#include <string.h>

#include "cp_dlg_int.h"

/* RFC 4028 4: a delta-seconds value, 1..2^32-1; we cap at one day. */
#define SE_MAX 86400

/* Session-Expires: delta [;refresher=uac|uas] (RFC 4028 4). */
static int
se_decode(const struct sip_msg *msg, uint32_t *sep, bool *uac_refp,
	  bool *has_refp)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_SESSION_EXPIRES);
	struct pl ws, num, params, r;

	*sep = 0;
	*has_refp = false;
	*uac_refp = false;
	if (h == NULL)
		h = sip_msg_xhdr(msg, "x"); /* compact form */
	if (h == NULL)
		return 0;
	if (re_regex(h->val.p, h->val.l, "[ \t]*[0-9]+[^]*", &ws, &num,
		     &params) != 0 ||
	    num.l > 9)
		return EBADMSG;
	*sep = pl_u32(&num);
	if (*sep == 0 || *sep > SE_MAX)
		return EBADMSG;
	if (params.l > 0 && params.p[0] != ';' && params.p[0] != ' ' &&
	    params.p[0] != '\t')
		return EBADMSG;
	if (msg_param_decode(&params, "refresher", &r) == 0) {
		if (pl_strcasecmp(&r, "uac") == 0)
			*uac_refp = true;
		else if (pl_strcasecmp(&r, "uas") != 0)
			return EBADMSG;
		*has_refp = true;
	}
	return 0;
}

/* Check a request's Session-Expires against our Min-SE (RFC 4028 8.1):
 * ERANGE means 422. */
int
cp_dlg_se_check_req(struct cp_dlgsock *ds, const struct sip_msg *msg,
		    uint32_t min_se, uint32_t *sep, bool *uac_refp,
		    bool *has_refp)
{
	int err;

	(void)ds;
	err = se_decode(msg, sep, uac_refp, has_refp);
	if (err)
		return err;
	if (*sep != 0 && *sep < MAX(min_se, 90))
		return ERANGE;
	return 0;
}

/*
 * A request we are about to answer 2xx (RFC 4028 9): the interval is the
 * request's, lowered to the owner's wish but not under either Min-SE; the
 * refresher is the request's choice, else the peer when it supports
 * timer, else us. Without Session-Expires in the request the owner's wish
 * applies with us refreshing.
 */
void
cp_dlg_se_from_req(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	const struct sip_hdr *mh = sip_msg_hdr(msg, SIP_HDR_MIN_SE);
	uint32_t se, peer_min = mh != NULL ? pl_u32(&mh->val) : 0;
	bool uac_ref, has_ref;

	if (se_decode(msg, &se, &uac_ref, &has_ref) != 0)
		return;
	if (se == 0) {
		dlg->se = dlg->se_cfg != 0 ? MAX(dlg->se_cfg, dlg->min_se) : 0;
		dlg->refresher = true;
		return;
	}
	if (dlg->se_cfg != 0 && dlg->se_cfg < se)
		se = MAX(dlg->se_cfg, MAX(peer_min, dlg->min_se));
	dlg->se = se;
	if (has_ref)
		dlg->refresher = !uac_ref;
	else
		dlg->refresher = !dlg->peer_timer;
}

/*
 * The 2xx to a request we sent (RFC 4028 7.2): refresher=uac means us.
 * Without Session-Expires, we refresh with what we asked, if anything.
 */
void
cp_dlg_se_from_resp(struct cp_dlg *dlg, const struct sip_msg *msg,
		    bool we_sent_request, uint32_t asked)
{
	uint32_t se;
	bool uac_ref, has_ref;

	if (se_decode(msg, &se, &uac_ref, &has_ref) != 0 || se == 0) {
		dlg->se = asked;
		dlg->refresher = true;
		return;
	}
	dlg->se = se;
	dlg->refresher = has_ref ? uac_ref == we_sent_request : true;
}

/* Our Session-Expires for a request (refresher=uac: us) or a 2xx
 * (refresher=uas: us); RFC 4028 9: Require: timer when the peer (UAC)
 * refreshes. */
int
cp_dlg_se_print(struct mbuf *mb, const struct cp_dlg *dlg, bool request)
{
	int err;

	if (dlg->se == 0)
		return 0;
	err = mbuf_printf(mb,
			  "Session-Expires: %u;refresher=%s\r\nMin-SE: %u\r\n",
			  dlg->se, request == dlg->refresher ? "uac" : "uas",
			  dlg->min_se);
	if (!request && !dlg->refresher && dlg->peer_timer)
		err |= mbuf_write_str(mb, "Require: timer\r\n");
	return err;
}

/* RFC 4028 10: the peer refresher stayed silent: BYE before expiry. */
static void
expire_h(void *arg)
{
	struct cp_dlg *dlg = arg;

	dlg->ds->c.expired++;
	(void)cp_dlg_send_bye(dlg);
	cp_dlg_terminate(dlg, CP_DLG_CLOSE_EXPIRED, 0, NULL, true);
}

/* RFC 4028 7.4 / 9: we refresh at half the interval, by UPDATE when the
 * peer allows it (no body), else by re-INVITE with our last SDP. */
static void
refresh_h(void *arg)
{
	struct cp_dlg *dlg = arg;
	struct cp_dlgsock *ds = dlg->ds;

	if (dlg->state != DLG_CONFIRMED)
		return;
	if (dlg->o_active || dlg->pmsg != NULL || dlg->ok != NULL ||
	    (dlg->uac && !dlg->acked) ||
	    (!dlg->peer_update && dlg->lsdp == NULL)) {
		/* an exchange is running; it refreshes too, or we retry */
		tmr_start(&dlg->tmr_se, cp_dlg_ms(ds, 1), refresh_h, dlg);
		return;
	}
	dlg->o_update = dlg->peer_update;
	dlg->o_refresh = true;
	dlg->o_active = true;
	dlg->osdp = mem_deref(dlg->osdp);
	if (!dlg->o_update)
		dlg->osdp = mem_ref(dlg->lsdp);
	ds->c.refreshes++;
	if (cp_dlg_send_offer(dlg) != 0) {
		dlg->o_active = false;
		tmr_start(&dlg->tmr_se, cp_dlg_ms(ds, 1), refresh_h, dlg);
	}
}

void
cp_dlg_se_start(struct cp_dlg *dlg)
{
	struct cp_dlgsock *ds = dlg->ds;
	uint32_t se = dlg->se;

	tmr_cancel(&dlg->tmr_se);
	if (se == 0 || dlg->state == DLG_TERMINATED)
		return;
	if (dlg->refresher)
		tmr_start(&dlg->tmr_se, cp_dlg_ms(ds, se) / 2, refresh_h, dlg);
	else
		tmr_start(&dlg->tmr_se, cp_dlg_ms(ds, se - MIN(32, se / 3)),
			  expire_h, dlg);
}
