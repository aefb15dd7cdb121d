/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One call of the B2BUA: two dialogs (side A: our UAS dialog toward the
 * caller; side B: our UAC INVITE and the fork that answered), the media
 * between them, and the relay of everything that crosses: provisional
 * responses and early media, the answer, re-offers (re-INVITE / UPDATE,
 * RFC 3311) answered asynchronously, INFO / NOTIFY / MESSAGE, the end.
 * See docs/b2bua.md; cp_call.h for the model.
 */
#include <errno.h>
#include <string.h>

#include "cp_cac.h"
#include "cp_cdr.h"
#include "cp_call.h"
#include "cp_log.h"

/* An in-dialog request relayed to the other side, waiting for its
 * response. Freed by the response handler; a call that ends first clears
 * sreq and call. */
struct relay {
	struct le le;
	struct cp_call *call;
	struct cp_dlg_sreq *sreq;
};

static void end_h(void *arg);

static enum cp_side
side_of(const struct cp_call *call, const struct cp_dlg *dlg)
{
	return dlg == call->side[CP_SIDE_A].dlg ? CP_SIDE_A : CP_SIDE_B;
}

/* A side's dialog: B's is the answered fork, before the answer the fork
 * whose early SDP went to A (an early UPDATE goes there, RFC 3311 5.1). */
static struct cp_dlg *
dlg_of(const struct cp_call *call, enum cp_side s)
{
	if (s == CP_SIDE_B && call->side[CP_SIDE_B].dlg == NULL)
		return call->b_early;
	return call->side[s].dlg;
}

static bool
ours(const struct cp_call *call, const struct cp_dlg *dlg)
{
	return dlg != NULL && (dlg == call->side[CP_SIDE_A].dlg ||
			       dlg == dlg_of(call, CP_SIDE_B));
}

static const char *
side_name(enum cp_side s)
{
	return s == CP_SIDE_A ? "A" : "B";
}

static void
relays_drop(struct cp_call *call)
{
	struct le *le = list_head(&call->relays);

	while (le != NULL) {
		struct relay *r = le->data;

		le = le->next;
		r->call = NULL;
		r->sreq = NULL; /* answered 481 by the layer with its dialog */
		list_unlink(&r->le);
	}
}

static void
destructor(void *arg)
{
	struct cp_call *call = arg;

	tmr_cancel(&call->noans);
	tmr_cancel(&call->endt);
	relays_drop(call);
	call->media = mem_deref(call->media);
	call->b_offer = mem_deref(call->b_offer);
	mem_deref(call->a_reason);
	cp_call_dlgid_free(&call->side[CP_SIDE_A].id);
	cp_call_dlgid_free(&call->side[CP_SIDE_B].id);
	list_unlink(&call->le);
}

void
cp_call_end(struct cp_call *call, enum cp_b2bua_end why)
{
	struct cp_b2bua *b = call->b;
	uint64_t now = tmr_jiffies();
	unsigned int k;

	if (call->state == CP_CALL_ENDED)
		return;
	if (call->t_answer_ms == 0)
		b->c.failed++;
	call->state = CP_CALL_ENDED;
	b->c.ended[why]++;
	b->c.active--;
	tmr_cancel(&call->noans);
	relays_drop(call);
	if (call->t_answer_ms == 0 && call->a_code == 0)
		cp_call_a_final(call, 480, "Temporarily Unavailable");
	cp_call_record(call, why); /* before the legs go: their counters */
	if (call->inv != NULL)
		cp_inv_close(call->inv); /* CANCELs if still pending */
	call->inv = NULL;
	call->b_early = NULL; /* its INVITE closed: the fork ends with it */
	/* BYE a confirmed dialog; an unanswered one toward A gets 480. */
	for (k = 0; k < 2; k++) {
		if (call->side[k].dlg != NULL)
			cp_dlg_bye(call->side[k].dlg);
		call->side[k].dlg = NULL;
	}
	call->media = mem_deref(call->media);
	if (call->cac_held && b->cfg.cac != NULL)
		cp_cac_release(b->cfg.cac, call->tenant);
	call->cac_held = false;
	cp_notice("call %llu ended: tenant %s, %s -> %s, %s, %llu ms "
		  "answered, %llu ms in all",
		  (unsigned long long)call->id,
		  b->conf->sip.tenant[call->tenant].name,
		  call->side[CP_SIDE_A].user, call->side[CP_SIDE_B].user,
		  cp_b2bua_end_str(why),
		  (unsigned long long)(call->t_answer_ms != 0
					       ? now - call->t_answer_ms
					       : 0),
		  (unsigned long long)(now - call->t_start_ms));
	mem_deref(call);
}

/* An end decided inside a callback of an object the end frees (a leg
 * event): on the next loop turn. */
static void
end_later(struct cp_call *call, enum cp_b2bua_end why)
{
	if (call->state == CP_CALL_ENDED || tmr_isrunning(&call->endt))
		return;
	call->end_why = why;
	tmr_start(&call->endt, 0, end_h, call);
}

static void
end_h(void *arg)
{
	struct cp_call *call = arg;

	cp_call_end(call, call->end_why);
}

static void
media_h(struct cp_cmedia *m, enum cp_cmedia_event ev, enum cp_side side,
	unsigned int stream, int err, void *arg)
{
	struct cp_call *call = arg;

	(void)m;
	switch (ev) {
	case CP_CMEDIA_EV_INACTIVE:
		cp_notice("call %llu: no media on stream %u of side %s for "
			  "%u s: ending the call (BYE both sides)",
			  (unsigned long long)call->id, stream, side_name(side),
			  call->b->conf->sip.media_timeout_s);
		end_later(call, CP_END_MEDIA_TIMEOUT);
		break;
	case CP_CMEDIA_EV_ERROR:
		cp_warn("call %llu: the dataplane refused a leg of stream %u "
			"side %s: %s: ending the call",
			(unsigned long long)call->id, stream, side_name(side),
			strerror(err));
		end_later(call, CP_END_DP_ERROR);
		break;
	}
}

/* The number of a 3xx Contact that routes through the operator again
 * (RFC 3261 8.1.3.4, 16.5 style recursion, done once): tel:<number>, or
 * sip(s):<number>@<the operator's domain or proxy host>. Anything else
 * (another host, a LAN address, a name) is not followed. */
static bool
contact_number(const struct cp_call *call, const struct sip_addr *c,
	       struct pl *num)
{
	const struct esg_conf_sip *s = &call->b->conf->sip;
	struct pl host;
	size_t i;

	if (cp_call_uri_number(c, num) != 0)
		return false;
	if (pl_strcasecmp(&c->uri.scheme, "tel") != 0 &&
	    !(s->domain[0] != '\0' &&
	      pl_strcasecmp(&c->uri.host, s->domain) == 0) &&
	    !(cp_route_proxy_host(s, &host) == 0 &&
	      pl_cmp(&c->uri.host, &host) == 0))
		return false;
	if (num->l == 0)
		return false;
	for (i = 0; i < num->l; i++)
		if (strchr("+0123456789-.()", num->p[i]) == NULL)
			return false;
	return true;
}

struct redir {
	const struct cp_call *call;
	struct sip_addr c;
	struct pl num;
};

/* The first usable Contact in header order (RFC 3261 8.1.3.4: we try
 * one, not the whole set). */
static bool
contact_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct redir *r = arg;

	(void)msg;
	return sip_addr_decode(&r->c, &hdr->val) == 0 &&
	       contact_number(r->call, &r->c, &r->num);
}

/* B's 3xx: A keeps ringing while the ESG calls the redirect's number. */
static bool
redirect(struct cp_call *call, const struct sip_msg *msg)
{
	struct redir r;
	int err;

	if (msg == NULL || call->redirected ||
	    call->side[CP_SIDE_B].where != CP_ROUTE_WAN)
		return false;
	memset(&r, 0, sizeof(r));
	r.call = call;
	if (sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_h, &r) ==
	    NULL)
		return false;
	err = cp_b2bua_redirect(call, &r.num);
	cp_info("call %llu: side B redirected (%u) to %s: %s",
		(unsigned long long)call->id, msg->scode,
		call->side[CP_SIDE_B].user, err ? strerror(err) : "following");
	if (!err)
		call->b->c.redirects++;
	return err == 0;
}

/* B's INVITE failed: A hears the mapped response. */
static void
fail_h(struct cp_inv *inv, int err, uint16_t scode, const struct sip_msg *msg,
       void *arg)
{
	struct cp_call *call = arg;
	const char *reason;
	uint16_t code;

	(void)inv;
	call->inv = NULL; /* gone when we return */
	call->b_early = NULL;
	if (call->state != CP_CALL_CALLING)
		return;
	if (!err && scode >= 300 && scode < 400 && redirect(call, msg))
		return;
	code = cp_b2bua_map_final(scode, err, &reason);
	cp_info("call %llu: side B failed: %u%s%s -> %u to side A",
		(unsigned long long)call->id, scode, err ? " " : "",
		err ? strerror(err) : "", code);
	if (call->side[CP_SIDE_A].dlg != NULL)
		cp_dlg_reject(call->side[CP_SIDE_A].dlg, code, reason, NULL);
	call->side[CP_SIDE_A].dlg = NULL;
	cp_call_a_final(call, code, reason);
	cp_call_end(call, (err != 0 || scode == 408) ? CP_END_TIMEOUT
						     : CP_END_REJECTED);
}

/* A provisional response of one of B's forks: to A, with its SDP as
 * early media (the B leg takes any fork's media until the answer). */
static void
prov_h(struct cp_inv *inv, struct cp_dlg *dlg, const struct sip_msg *msg,
       const struct pl *body, void *arg)
{
	struct cp_call *call = arg;
	struct mbuf *mb = NULL;
	char reason[64];
	bool reliable;
	int err;

	(void)inv;
	if (call->state != CP_CALL_CALLING || msg->scode <= 100)
		return;
	if (body != NULL && dlg != NULL && !call->late_offer) {
		err = cp_call_sdp_answer(call, CP_SIDE_B, body, false, &mb);
		if (err) {
			cp_info("call %llu: early SDP of side B ignored: %s",
				(unsigned long long)call->id, strerror(err));
			mb = mem_deref(mb);
		}
	}
	/* RFC 3262: reliable toward A when it was reliable from B (the
	 * layer sends it unreliably if A does not support 100rel). */
	reliable = sip_msg_hdr_has_value(msg, SIP_HDR_REQUIRE, "100rel");
	pl_strcpy(&msg->reason, reason, sizeof(reason));
	err = cp_dlg_progress(call->side[CP_SIDE_A].dlg, msg->scode, reason, mb,
			      reliable && mb != NULL);
	if (err && err != EBUSY)
		cp_info("call %llu: %u to side A: %s",
			(unsigned long long)call->id, msg->scode,
			strerror(err));
	if (!err && mb != NULL) {
		call->b->c.early_media++;
		call->early_sdp_a = true;
		call->b_early = dlg;
	}
	mem_deref(mb);
}

/* B answered: the 2xx's SDP (the answer, or B's offer after our late
 * offer) goes to A in our 2xx. */
static void
b_estab(struct cp_call *call, struct cp_dlg *dlg, const struct sip_msg *msg,
	const struct pl *body)
{
	struct mbuf *mb = NULL;
	int err;

	call->inv = NULL;
	call->side[CP_SIDE_B].dlg = dlg;
	call->side[CP_SIDE_B].laddr = msg->dst;
	cp_call_dlgid_set(&call->side[CP_SIDE_B], msg);
	call->b_early = NULL;
	call->b_offer = mem_deref(call->b_offer);
	call->state = CP_CALL_CONNECTED;
	call->t_answer_ms = tmr_jiffies();
	call->wall_answer_ms = cp_cdr_now_ms();
	call->b->c.answered++;
	tmr_cancel(&call->noans);
	if (body == NULL) {
		err = EPROTO; /* RFC 3264 4: the 2xx must answer */
		goto out;
	}
	if (call->late_offer) {
		err = cp_call_sdp_offer(call, CP_SIDE_B, body, &mb);
		call->oa = CP_OA_RELAY;
		call->oa_from = CP_SIDE_B;
	} else
		err = cp_call_sdp_answer(call, CP_SIDE_B, body, true, &mb);
	if (!err)
		err = cp_dlg_answer_invite(call->side[CP_SIDE_A].dlg, mb);
out:
	mem_deref(mb);
	if (err) {
		cp_warn("call %llu: the answer of side B cannot go to side "
			"A: %s",
			(unsigned long long)call->id, strerror(err));
		cp_call_end(call,
			    err == EBADMSG ? CP_END_BAD_SDP : CP_END_ERROR);
	}
}

/* A's ACK: with a late offer it carries A's answer, which B gets in
 * our ACK (cp_dlg_answer). */
static void
a_estab(struct cp_call *call, const struct sip_msg *msg, const struct pl *body)
{
	struct mbuf *mb = NULL;
	int err = 0;

	if (msg != NULL && pl_strcmp(&msg->met, "ACK") == 0)
		cp_call_dlgid_set(&call->side[CP_SIDE_A], msg);

	if (call->oa != CP_OA_RELAY || call->oa_from != CP_SIDE_B)
		return;
	call->oa = CP_OA_IDLE;
	if (body == NULL)
		err = EPROTO;
	if (!err)
		err = cp_call_sdp_answer(call, CP_SIDE_A, body, true, &mb);
	if (!err)
		err = cp_dlg_answer(call->side[CP_SIDE_B].dlg, mb);
	mem_deref(mb);
	if (err) {
		cp_warn("call %llu: the late answer of side A: %s",
			(unsigned long long)call->id, strerror(err));
		cp_call_end(call, CP_END_BAD_SDP);
	}
}

static void
estab_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	void *arg)
{
	struct cp_call *call = arg;

	if (call->state == CP_CALL_ENDED)
		return;
	if (dlg == call->side[CP_SIDE_A].dlg)
		a_estab(call, msg, body);
	else if (call->state == CP_CALL_CALLING)
		b_estab(call, dlg, msg, body);
}

/* May the offer of dlg cross? A confirmed call: yes. Before the answer
 * (RFC 3311 5.1: an UPDATE in an early dialog, after the INVITE's
 * offer/answer): only an UPDATE with SDP between A and the fork whose
 * early SDP went to A, and only when the other side Allows UPDATE too;
 * else the refusal (500 + Retry-After) stands. */
static bool
offer_relayable(const struct cp_call *call, const struct cp_dlg *dlg,
		const struct sip_msg *msg, const struct pl *body)
{
	struct cp_dlg *to;

	if (!ours(call, dlg) || call->state == CP_CALL_ENDED)
		return false;
	if (call->state == CP_CALL_CONNECTED)
		return true;
	to = dlg_of(call, cp_side_other(side_of(call, dlg)));
	return body != NULL && !call->late_offer && to != NULL &&
	       pl_strcmp(&msg->met, "UPDATE") == 0 && cp_dlg_peer_update(to);
}

/* A re-INVITE without SDP: we offer the session as it stands. */
static int
offer_local(struct cp_call *call, struct cp_dlg *dlg, enum cp_side from)
{
	struct mbuf *mb = NULL;
	int err;

	err = cp_call_sdp_reoffer(call, from, &mb);
	if (!err)
		err = cp_dlg_answer(dlg, mb);
	if (!err) {
		call->oa = CP_OA_LOCAL;
		call->oa_from = from;
	}
	mem_deref(mb);
	return err;
}

/* A re-INVITE or UPDATE offer of one side: on to the other side, whose
 * answer comes back through answer_h (asynchronous, RFC 3311 5.1). */
static void
offer_h(struct cp_dlg *dlg, const struct sip_msg *msg, const struct pl *body,
	void *arg)
{
	struct cp_call *call = arg;
	enum cp_side from;
	struct cp_dlg *to;
	struct mbuf *mb = NULL;
	bool update = pl_strcmp(&msg->met, "UPDATE") == 0;
	int err;

	if (!offer_relayable(call, dlg, msg, body)) {
		cp_dlg_reject(dlg, 500, "Server Internal Error",
			      "Retry-After: 1\r\n");
		return;
	}
	if (call->oa != CP_OA_IDLE) { /* RFC 3261 14.2, RFC 3311 5.2 */
		cp_dlg_reject(dlg, 491, "Request Pending", NULL);
		return;
	}
	from = side_of(call, dlg);
	to = dlg_of(call, cp_side_other(from));
	if (body == NULL) {
		err = offer_local(call, dlg, from);
		if (err)
			cp_dlg_reject(dlg, 500, "Server Internal Error",
				      "Retry-After: 1\r\n");
		goto out;
	}
	err = cp_call_sdp_offer(call, from, body, &mb);
	if (err == EBADMSG || err == EAFNOSUPPORT || err == ENOTSUP) {
		cp_dlg_reject(dlg, 488, "Not Acceptable Here", NULL);
		err = 0;
		goto out;
	}
	if (!err) {
		err = cp_dlg_offer(to, mb, update);
		if (err == EOPNOTSUPP) /* no UPDATE there: re-INVITE */
			err = cp_dlg_offer(to, mb, false);
	}
	if (!err) {
		call->oa = CP_OA_RELAY;
		call->oa_from = from;
		call->b->c.reoffers++;
	} else
		cp_dlg_reject(dlg, 500, "Server Internal Error",
			      "Retry-After: 1\r\n");
out:
	mem_deref(mb);
	if (err)
		cp_info("call %llu: offer of side %s not relayed: %s",
			(unsigned long long)call->id, side_name(from),
			strerror(err));
}

/* The outcome of an offer we made on a side. */
static void
answer_h(struct cp_dlg *dlg, uint16_t scode, const struct sip_msg *msg,
	 const struct pl *body, void *arg)
{
	struct cp_call *call = arg;
	enum cp_side side;
	struct cp_dlg *from_dlg;
	struct mbuf *mb = NULL;
	bool final = call->state == CP_CALL_CONNECTED;
	int err = 0;

	(void)msg;
	if (!ours(call, dlg) || call->oa == CP_OA_IDLE)
		return;
	side = side_of(call, dlg);
	if (call->oa == CP_OA_LOCAL) {
		/* the answer to the session we offered ourselves */
		call->oa = CP_OA_IDLE;
		if (scode < 300 && body != NULL)
			(void)cp_call_sdp_answer(call, side, body, true, NULL);
		return;
	}
	if (side == call->oa_from)
		return; /* not the side we offered to */
	call->oa = CP_OA_IDLE;
	from_dlg = dlg_of(call, call->oa_from);
	if (from_dlg == NULL)
		return; /* the offerer's early fork ended meanwhile */
	if (scode >= 200 && scode < 300 && body != NULL) {
		/* early (RFC 3311 5.1): LATCH only until the final answer */
		err = cp_call_sdp_answer(call, side, body, final, &mb);
		if (!err)
			err = cp_dlg_answer(from_dlg, mb);
		mem_deref(mb);
		if (err)
			cp_dlg_reject(from_dlg, 488, "Not Acceptable Here",
				      NULL);
		return;
	}
	/* RFC 5057 5.2: 408 / 481 to a mid-dialog request end the dialog
	 * usage; the call ends. Other failures keep the session. */
	if (final && (scode == 408 || scode == 481)) {
		cp_call_end(call, CP_END_TIMEOUT);
		return;
	}
	cp_dlg_reject(from_dlg, scode == 488 || scode == 491 ? scode : 500,
		      scode == 488   ? "Not Acceptable Here"
		      : scode == 491 ? "Request Pending"
				     : "Server Internal Error",
		      NULL);
}

static void
relay_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct relay *r = arg;
	uint16_t code = 500;
	char reason[64] = "Server Internal Error";

	if (!err && msg != NULL && msg->scode >= 200) {
		code = msg->scode;
		pl_strcpy(&msg->reason, reason, sizeof(reason));
	} else if (err)
		code = 408, snprintf(reason, sizeof(reason), "Timeout");
	if (r->sreq != NULL)
		cp_dlg_sreq_reply(r->sreq, code, reason, NULL, NULL);
	list_unlink(&r->le);
	mem_deref(r);
}

int
cp_call_relay(struct cp_call *call, enum cp_side from, struct cp_dlg_sreq *sreq,
	      const char *method, const char *hdrs, const char *ctype,
	      const struct pl *body)
{
	struct relay *r;
	int err;

	r = mem_zalloc(sizeof(*r), NULL);
	if (r == NULL)
		return ENOMEM;
	r->call = call;
	r->sreq = sreq;
	err = cp_dlg_request(call->side[cp_side_other(from)].dlg, method, hdrs,
			     ctype, body, relay_resp_h, r);
	if (err) {
		mem_deref(r);
		return err;
	}
	list_append(&call->relays, &r->le, r);
	call->b->c.relayed_reqs++;
	return 0;
}

/* INFO / MESSAGE relayed (body and its type kept, nothing else), NOTIFY
 * and REFER with their own rules (cp_call_refer.c), OPTIONS answered. */
static void
sreq_h(struct cp_dlg *dlg, struct cp_dlg_sreq *sreq, const struct sip_msg *msg,
       void *arg)
{
	struct cp_call *call = arg;
	char method[16], ctype[96] = "";
	enum cp_side from;
	struct pl body;

	if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
		cp_dlg_sreq_reply(sreq, 200, "OK", NULL, NULL);
		return;
	}
	from = side_of(call, dlg);
	if (!ours(call, dlg) || call->state != CP_CALL_CONNECTED ||
	    call->side[cp_side_other(from)].dlg == NULL) {
		cp_dlg_sreq_reply(sreq, 481, "Call Does Not Exist", NULL, NULL);
		return;
	}
	if (pl_strcmp(&msg->met, "REFER") == 0) {
		cp_call_refer(call, from, sreq, msg);
		return;
	}
	if (pl_strcmp(&msg->met, "NOTIFY") == 0) {
		cp_call_notify(call, from, sreq, msg);
		return;
	}
	pl_strcpy(&msg->met, method, sizeof(method));
	if (pl_isset(&msg->ctyp.type))
		re_snprintf(ctype, sizeof(ctype), "%r/%r", &msg->ctyp.type,
			    &msg->ctyp.subtype);
	body.p = (const char *)mbuf_buf(msg->mb);
	body.l = mbuf_get_left(msg->mb);
	if (cp_call_relay(call, from, sreq, method, NULL,
			  ctype[0] != '\0' ? ctype : NULL,
			  body.l > 0 ? &body : NULL) != 0)
		cp_dlg_sreq_reply(sreq, 500, "Server Internal Error", NULL,
				  NULL);
}

static enum cp_b2bua_end
why_of(enum cp_side side, enum cp_dlg_reason reason)
{
	switch (reason) {
	case CP_DLG_CLOSE_BYE:
		return side == CP_SIDE_A ? CP_END_NORMAL_A : CP_END_NORMAL_B;
	case CP_DLG_CLOSE_CANCEL:
		return CP_END_CANCEL;
	case CP_DLG_CLOSE_REJECTED:
		return CP_END_REJECTED;
	case CP_DLG_CLOSE_TIMEOUT:
		return CP_END_TIMEOUT;
	case CP_DLG_CLOSE_EXPIRED:
		return CP_END_EXPIRED;
	case CP_DLG_CLOSE_LOCAL:
	case CP_DLG_CLOSE_ERROR:
		return CP_END_ERROR;
	}
	return CP_END_ERROR;
}

static void
close_h(struct cp_dlg *dlg, enum cp_dlg_reason reason, uint16_t scode,
	const struct sip_msg *msg, void *arg)
{
	struct cp_call *call = arg;
	enum cp_side side;

	(void)scode;
	(void)msg;
	if (dlg == call->b_early && call->side[CP_SIDE_B].dlg == NULL) {
		/* that fork ended: A's early SDP stays; an early offer
		 * relayed across it is refused to its side */
		call->b_early = NULL;
		if (call->oa == CP_OA_RELAY && call->oa_from == CP_SIDE_A)
			cp_dlg_reject(call->side[CP_SIDE_A].dlg, 500,
				      "Server Internal Error",
				      "Retry-After: 1\r\n");
		call->oa = CP_OA_IDLE;
		return;
	}
	if (!ours(call, dlg) || call->state == CP_CALL_ENDED)
		return; /* an early fork that lost or was rejected */
	side = side_of(call, dlg);
	call->side[side].dlg = NULL;	   /* gone when we return */
	if (reason == CP_DLG_CLOSE_CANCEL) /* RFC 3261 9.2: 487 sent */
		cp_call_a_final(call, 487, "Request Terminated");
	cp_call_end(call, why_of(side, reason));
}

static void
noans_h(void *arg)
{
	struct cp_call *call = arg;

	/* sip.timers.no_answer_s: CANCEL B (cp_call_end), 480 to A */
	if (call->side[CP_SIDE_A].dlg != NULL)
		cp_dlg_reject(call->side[CP_SIDE_A].dlg, 480, "No Answer",
			      NULL);
	call->side[CP_SIDE_A].dlg = NULL;
	cp_call_a_final(call, 480, "No Answer");
	cp_call_end(call, CP_END_NO_ANSWER);
}

const struct cp_dlg_handlers cp_call_handlers = {
	.provh = prov_h,
	.estabh = estab_h,
	.offerh = offer_h,
	.answerh = answer_h,
	.sreqh = sreq_h,
	.closeh = close_h,
	.failh = fail_h,
};

int
cp_call_alloc(struct cp_call **callp, struct cp_b2bua *b, unsigned int tenant,
	      const struct cp_cmedia_cfg *mcfg)
{
	struct cp_call *call;
	int err;

	call = mem_zalloc(sizeof(*call), destructor);
	if (call == NULL)
		return ENOMEM;
	tmr_init(&call->noans);
	tmr_init(&call->endt);
	call->b = b;
	call->id = ++b->next_id;
	call->tenant = tenant;
	call->state = CP_CALL_CALLING;
	call->t_start_ms = tmr_jiffies();
	call->wall_start_ms = cp_cdr_now_ms();
	err = cp_cmedia_alloc(&call->media, mcfg, media_h, call);
	if (err) {
		mem_deref(call);
		return err;
	}
	list_append(&b->calls, &call->le, call);
	b->c.active++;
	*callp = call;
	return 0;
}

void
cp_call_noans_start(struct cp_call *call, uint32_t secs)
{
	if (secs > 0)
		tmr_start(&call->noans, (uint64_t)secs * 1000, noans_h, call);
}
