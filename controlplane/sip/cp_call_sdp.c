/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The offer/answer flow of a call across its sides (cp_call.h,
 * docs/b2bua.md "SDP"): each SDP from one side sets that side's media
 * (cp_call_media.c) and is written toward the other side with the ESG's
 * anchors there (cp_sdp_rewrite: c=, m= ports, a=rtcp, o= all the ESG's,
 * so no address of one side reaches the other).
 */
#include <errno.h>
#include <string.h>

#include "cp_call.h"
#include "cp_log.h"

int
cp_call_sdp_rems(const struct cp_sdp *sdp, struct cp_cmedia_rem *r,
		 unsigned int *np)
{
	unsigned int i, n = cp_sdp_media_count(sdp);

	if (n > CP_CMEDIA_MAX)
		return EBADMSG;
	for (i = 0; i < n; i++) {
		struct sa rtcp;

		memset(&r[i], 0, sizeof(r[i]));
		if (cp_sdp_rejected(sdp, i)) {
			r[i].rejected = true;
			continue;
		}
		r[i].mux = cp_sdp_rtcp_mux(sdp, i);
		r[i].clock_hz = cp_sdp_clock_hz(sdp, i);
		/* RFC 3264 8.4: sendonly or inactive toward us, or the old
		 * c=0.0.0.0: held; no media expected. */
		r[i].hold = cp_sdp_held(sdp, i);
		if (cp_sdp_remote(sdp, i, &r[i].rtp, &rtcp) != 0) {
			const struct cp_sdp_conn *c = cp_sdp_conn(sdp, i);

			if (c == NULL || !c->unspec)
				return EBADMSG; /* no address, not a hold */
			r[i].hold = true;
			r[i].rtp = c->addr;
			continue;
		}
		if (!r[i].mux && sa_port(&rtcp) != sa_port(&r[i].rtp) + 1)
			r[i].rtcp_port = sa_port(&rtcp);
	}
	*np = n;
	return 0;
}

int
cp_call_sdp_parse(struct cp_call *call, const struct pl *body,
		  struct cp_sdp **sdpp)
{
	char why[CP_SDP_WHY_LEN] = "";
	int err;

	err = cp_sdp_parse(sdpp, (const uint8_t *)body->p, body->l, why,
			   sizeof(why));
	if (err)
		cp_info("call %llu: SDP refused: %s",
			(unsigned long long)call->id, why);
	return err;
}

/* sdp written toward side to with the anchors of that side. */
static int
rewrite(struct cp_call *call, const struct cp_sdp *sdp, enum cp_side to,
	struct mbuf **mbp)
{
	struct cp_sdp_anchor an[CP_CMEDIA_MAX];
	struct cp_call_side *s = &call->side[to];
	const struct mbuf *last;
	struct cp_sdp_origin o;
	unsigned int i, n = cp_sdp_media_count(sdp);
	int err;

	if (n > CP_CMEDIA_MAX || n != cp_cmedia_count(call->media))
		return EBADMSG;
	memset(an, 0, sizeof(an));
	for (i = 0; i < n; i++) {
		struct cp_cmedia_anchor a;

		err = cp_cmedia_anchor(call->media, to, i, &a);
		if (err)
			return err;
		an[i].addr = a.rtp;
		an[i].rtp_port = sa_port(&a.rtp);
		an[i].rtcp_port = a.rtcp_port;
		an[i].rtcp_mux = cp_sdp_rtcp_mux(sdp, i);
		an[i].rejected = !a.live || cp_sdp_rejected(sdp, i);
		if (!a.live)
			an[i].addr = s->media;
	}
	memset(&o, 0, sizeof(o));
	o.user = "esg";
	o.sess_id = s->sess_id;
	o.sess_ver = s->sess_ver;
	o.addr = s->media;
	err = cp_sdp_rewrite(mbp, sdp, an, n, &o);
	if (err || s->dlg == NULL)
		return err;
	/* RFC 3264 8: an SDP that differs from the last one toward this
	 * side has a higher version; the same one keeps it. */
	last = cp_dlg_local_sdp(s->dlg);
	if (last == NULL || (last->end == (*mbp)->end &&
			     memcmp(last->buf, (*mbp)->buf, last->end) == 0))
		return 0;
	*mbp = mem_deref(*mbp);
	o.sess_ver = ++s->sess_ver;
	return cp_sdp_rewrite(mbp, sdp, an, n, &o);
}

int
cp_call_sdp_offer(struct cp_call *call, enum cp_side from,
		  const struct pl *body, struct mbuf **mbp)
{
	struct cp_cmedia_rem r[CP_CMEDIA_MAX];
	struct cp_sdp *sdp = NULL;
	unsigned int n, i;
	int err;

	err = cp_call_sdp_parse(call, body, &sdp);
	if (err)
		goto out;
	err = cp_call_sdp_rems(sdp, r, &n);
	if (err)
		goto out;
	err = cp_cmedia_offer(call->media, from, r, n);
	if (err)
		goto out;
	for (i = 0; i < n && i < CP_CDR_MAX_STREAMS; i++) /* for the record */
		re_snprintf(call->kind[i], sizeof(call->kind[i]), "%s",
			    cp_sdp_media(sdp, i)->kind_name);
	err = rewrite(call, sdp, cp_side_other(from), mbp);
out:
	mem_deref(sdp);
	return err;
}

int
cp_call_sdp_answer(struct cp_call *call, enum cp_side from,
		   const struct pl *body, bool final, struct mbuf **mbp)
{
	struct cp_cmedia_rem r[CP_CMEDIA_MAX];
	struct cp_sdp *sdp = NULL;
	unsigned int n;
	int err;

	err = cp_call_sdp_parse(call, body, &sdp);
	if (err)
		goto out;
	err = cp_call_sdp_rems(sdp, r, &n);
	if (err)
		goto out;
	err = cp_cmedia_answer(call->media, from, r, n, final);
	if (err)
		goto out;
	if (mbp != NULL)
		err = rewrite(call, sdp, cp_side_other(from), mbp);
out:
	mem_deref(sdp);
	return err;
}

int
cp_call_sdp_reoffer(struct cp_call *call, enum cp_side to, struct mbuf **mbp)
{
	const struct mbuf *last = cp_dlg_local_sdp(call->side[to].dlg);
	struct mbuf *mb;
	int err;

	if (last == NULL || last->end == 0)
		return ENOENT;
	mb = mbuf_alloc(last->end);
	if (mb == NULL)
		return ENOMEM;
	/* The session as it stands, same version: nothing changed (RFC 3264
	 * 8: an offer identical to the previous one keeps its version). */
	err = mbuf_write_mem(mb, last->buf, last->end);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}
