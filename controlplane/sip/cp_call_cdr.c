/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call record of each call (cp_cdr.h, docs/b2bua.md "Records"): who
 * called whom (numbers only), the families of each side, the times, how
 * it ended and the media counters of every stream each way, read from
 * the dataplane's leg statistics before the legs go.
 */
#include <string.h>

#include "cp_call.h"
#include "cp_cdr.h"
#include "cp_dp.h"
#include "dp_shm.h"

static enum cp_cdr_disp
disp_of(enum cp_b2bua_end why, bool answered)
{
	switch (why) {
	case CP_END_NORMAL_A:
	case CP_END_NORMAL_B:
		return CP_CDR_ANSWERED;
	case CP_END_CANCEL:
		return CP_CDR_CANCELLED;
	case CP_END_REJECTED:
	case CP_END_NO_ROUTE:
	case CP_END_ADMISSION:
	case CP_END_BAD_SDP:
		return answered ? CP_CDR_FAILED : CP_CDR_REJECTED;
	case CP_END_NO_ANSWER:
	case CP_END_TIMEOUT:
	case CP_END_EXPIRED:
		return CP_CDR_TIMEOUT;
	case CP_END_MEDIA_TIMEOUT:
		return CP_CDR_MEDIA_TIMEOUT;
	case CP_END_DP_ERROR:
	case CP_END_MEDIA:
	case CP_END_ERROR:
	case CP_END_MAX:
		return CP_CDR_FAILED;
	}
	return CP_CDR_FAILED;
}

static enum cp_cdr_party
party_of(enum cp_route_side where)
{
	return where == CP_ROUTE_LAN ? CP_CDR_BY_LAN : CP_CDR_BY_WAN;
}

void
cp_call_a_final(struct cp_call *call, uint16_t scode, const char *reason)
{
	struct pl r = PL_INIT;

	call->a_code = scode;
	call->a_reason = mem_deref(call->a_reason);
	if (reason == NULL || reason[0] == '\0')
		return;
	/* allocated (a held call has none): the 47 characters the record
	 * kept when this was a fixed array */
	pl_set_str(&r, reason);
	if (r.l > 47)
		r.l = 47;
	(void)pl_strdup(&call->a_reason, &r);
}

/* The leg statistics of leg (NULL when the dataplane is not attached). */
static const struct dp_leg_stats *
leg_stats(struct cp_b2bua *b, const struct cp_leg *leg)
{
	struct dp_shm *shm;
	struct dp_leg_stats *ls;
	uint32_t n = 0, id;

	if (b->cfg.dp == NULL || leg == NULL)
		return NULL;
	shm = cp_dp_shm(b->cfg.dp);
	if (shm == NULL)
		return NULL;
	ls = dp_shm_legs(shm, &n);
	id = cp_leg_id(leg);
	return ls != NULL && id < n ? &ls[id] : NULL;
}

static void
streams(struct cp_call *call, struct cp_cdr_rec *r, enum cp_side lan)
{
	unsigned int i, n = cp_cmedia_count(call->media);

	for (i = 0; i < n && i < CP_CDR_MAX_STREAMS; i++) {
		const struct cp_leg *l = cp_cmedia_leg(call->media, lan, i);
		const struct cp_leg *w =
			cp_cmedia_leg(call->media, cp_side_other(lan), i);
		const struct dp_leg_stats *ls;
		struct cp_leg_info li;

		re_snprintf(r->stream[i].kind, sizeof(r->stream[i].kind), "%s",
			    call->kind[i]);
		if ((ls = leg_stats(call->b, l)) != NULL)
			cp_cdr_dir_from_leg(&r->stream[i].lan_wan, ls);
		if ((ls = leg_stats(call->b, w)) != NULL)
			cp_cdr_dir_from_leg(&r->stream[i].wan_lan, ls);
		if (i == 0 && l != NULL && w != NULL) {
			cp_leg_info(l, &li);
			r->lan.media_af = sa_af(&li.prm.local);
			cp_leg_info(w, &li);
			r->wan.media_af = sa_af(&li.prm.local);
		}
	}
	r->nb_streams = i;
}

void
cp_call_record(struct cp_call *call, enum cp_b2bua_end why)
{
	struct cp_b2bua *b = call->b;
	const struct cp_call_side *a = &call->side[CP_SIDE_A];
	enum cp_side lan = a->where == CP_ROUTE_LAN ? CP_SIDE_A : CP_SIDE_B;
	struct cp_cdr_rec r;

	if (b->cfg.cdr == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.id = call->id;
	r.tenant = b->conf->sip.tenant[call->tenant].name;
	r.dir = lan == CP_SIDE_A ? CP_CDR_OUTBOUND : CP_CDR_INBOUND;
	re_snprintf(r.caller, sizeof(r.caller), "%s", a->user);
	re_snprintf(r.callee, sizeof(r.callee), "%s",
		    call->side[CP_SIDE_B].user);
	r.lan.sig_af = call->side[lan].af;
	r.wan.sig_af = call->side[cp_side_other(lan)].af;
	r.start_ms = call->wall_start_ms;
	r.answer_ms = call->wall_answer_ms;
	r.end_ms = cp_cdr_now_ms();
	r.disp = disp_of(why, call->t_answer_ms != 0);
	r.scode = call->t_answer_ms != 0 ? 200 : call->a_code;
	re_snprintf(r.reason, sizeof(r.reason), "%s",
		    call->t_answer_ms != 0   ? "OK"
		    : call->a_reason != NULL ? call->a_reason
					     : "");
	r.by = CP_CDR_BY_ESG; /* a timer, a limit, an error */
	if (why == CP_END_NORMAL_A || why == CP_END_CANCEL)
		r.by = party_of(a->where);
	else if (why == CP_END_NORMAL_B || why == CP_END_REJECTED)
		r.by = party_of(call->side[CP_SIDE_B].where);
	if (call->media != NULL)
		streams(call, &r, lan);
	(void)cp_cdr_write(b->cfg.cdr, &r);
}

void
cp_call_record_refused(struct cp_b2bua *b, const struct sip_msg *msg,
		       enum cp_route_side from, int tenant, uint16_t scode,
		       const char *reason, enum cp_b2bua_end why)
{
	struct cp_cdr_rec r;
	char user[CP_CDR_NUM];
	size_t i, n = 0;

	if (b->cfg.cdr == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.tenant = tenant >= 0 ? b->conf->sip.tenant[tenant].name : NULL;
	r.dir = from == CP_ROUTE_LAN ? CP_CDR_OUTBOUND : CP_CDR_INBOUND;
	/* user parts only, digits and the marks of a number */
	for (i = 0; i < msg->from.uri.user.l && n + 1 < sizeof(user); i++)
		if (strchr("+0123456789*#", msg->from.uri.user.p[i]) != NULL)
			user[n++] = msg->from.uri.user.p[i];
	user[n] = '\0';
	re_snprintf(r.caller, sizeof(r.caller), "%s", user);
	for (i = 0, n = 0; i < msg->uri.user.l && n + 1 < sizeof(user); i++)
		if (strchr("+0123456789*#", msg->uri.user.p[i]) != NULL)
			user[n++] = msg->uri.user.p[i];
	user[n] = '\0';
	re_snprintf(r.callee, sizeof(r.callee), "%s", user);
	if (from == CP_ROUTE_LAN)
		r.lan.sig_af = sa_af(&msg->src);
	else
		r.wan.sig_af = sa_af(&msg->src);
	r.start_ms = r.end_ms = cp_cdr_now_ms();
	r.disp = disp_of(why, false);
	r.scode = scode;
	re_snprintf(r.reason, sizeof(r.reason), "%s", reason);
	r.by = CP_CDR_BY_ESG;
	(void)cp_cdr_write(b->cfg.cdr, &r);
}
