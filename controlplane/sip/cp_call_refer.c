/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * REFER across the B2BUA (RFC 3515; docs/b2bua.md "REFER"): a REFER of
 * one side goes in the other side's dialog with its Refer-To and
 * Referred-By (RFC 3892) rebuilt toward that side: the number kept, the
 * host the ESG's own SIP address on that side, so that the INVITE the
 * transferee sends comes back through the ESG and is routed by number
 * like any call. A Replaces (RFC 3891) naming a dialog of a call the ESG
 * carries is mapped to the identifiers of that call's other dialog; any
 * other Replaces, and every other URI header or parameter, is dropped.
 * The implicit subscription's NOTIFYs (sipfrag, Event: refer) come back
 * through cp_call_notify(). Nothing of one side's topology crosses.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "cp_call.h"
#include "cp_log.h"

#define HDRS_MAX 768

void
cp_call_dlgid_free(struct cp_call_dlgid *id)
{
	id->callid = mem_deref(id->callid); /* the block of all three */
	id->ltag = NULL;
	id->rtag = NULL;
}

void
cp_call_dlgid_set(struct cp_call_side *cs, const struct sip_msg *msg)
{
	struct cp_call_dlgid *id = &cs->id;
	/* A request from the peer has our tag in To, a response to our
	 * request in From (RFC 3261 12.1.1, 12.1.2). */
	const struct pl *ltag = msg->req ? &msg->to.tag : &msg->from.tag;
	const struct pl *rtag = msg->req ? &msg->from.tag : &msg->to.tag;
	size_t nc = msg->callid.l, nl = ltag->l, nr = rtag->l;
	char *p;

	if (id->callid != NULL || !pl_isset(ltag) || !pl_isset(rtag))
		return;
	/* one allocation for the three strings (docs/performance.md: memory
	 * per held call); without it no Replaces mapping for this dialog */
	p = mem_alloc(nc + nl + nr + 3, NULL);
	if (p == NULL)
		return;
	id->callid = p;
	(void)pl_strcpy(&msg->callid, p, nc + 1);
	id->ltag = p + nc + 1;
	(void)pl_strcpy(ltag, id->ltag, nl + 1);
	id->rtag = id->ltag + nl + 1;
	(void)pl_strcpy(rtag, id->rtag, nr + 1);
}

/* Keep a header value of tokens and parameters only (RFC 3261 25.1
 * token characters, ';' '=' for parameters): nothing else crosses. */
static void
value_copy(char *dst, size_t size, const struct pl *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->l && n + 1 < size; i++) {
		char c = v->p[i];

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("-.!%*_+`'~;=", c) != NULL)
			dst[n++] = c;
	}
	dst[n] = '\0';
}

int
cp_call_uri_number(const struct sip_addr *a, struct pl *num)
{
	size_t i;

	if (pl_strcasecmp(&a->uri.scheme, "sip") == 0 ||
	    pl_strcasecmp(&a->uri.scheme, "sips") == 0) {
		*num = a->uri.user;
		return num->l > 0 ? 0 : ENOENT;
	}
	if (a->auri.l <= 4 || strncasecmp(a->auri.p, "tel:", 4) != 0)
		return ENOENT;
	num->p = a->auri.p + 4;
	for (i = 0; i < a->auri.l - 4 && num->p[i] != ';'; i++)
		;
	num->l = i;
	return num->l > 0 ? 0 : ENOENT;
}

/* The Replaces of the referrer (RFC 3891 3: Call-ID, to-tag = the tag of
 * the INVITE's recipient, from-tag = the other) matched against the
 * referrer's side of every call of the tenant; *outp: the same for the
 * other dialog of that call, escaped for a URI header (RFC 3261 19.1.1).
 * ENOENT: not a dialog of ours (the Replaces is dropped). */
static int
replaces_map(const struct cp_call *call, enum cp_side from,
	     const struct pl *hdrs, char *out, size_t size)
{
	char raw[512], mapped[512];
	struct pl v, cid, tt, ft;
	const struct cp_call_dlgid *o;
	struct le *le;
	int k;

	if (uri_header_get(hdrs, &(struct pl)PL("Replaces"), &v) != 0 ||
	    re_snprintf(raw, sizeof(raw), "%H", uri_header_unescape, &v) < 0)
		return ENOENT;
	pl_set_str(&v, raw);
	if (re_regex(v.p, v.l, "[^;]+", &cid) != 0 ||
	    msg_param_decode(&v, "to-tag", &tt) != 0 ||
	    msg_param_decode(&v, "from-tag", &ft) != 0)
		return ENOENT;
	for (le = list_head(&call->b->calls); le != NULL; le = le->next) {
		const struct cp_call *c = le->data;

		if (c->tenant != call->tenant || c->state != CP_CALL_CONNECTED)
			continue;
		for (k = 0; k < 2; k++) {
			const struct cp_call_dlgid *id = &c->side[k].id;
			bool fwd, rev;

			if (c->side[k].where != call->side[from].where ||
			    id->callid == NULL || pl_strcmp(&cid, id->callid))
				continue;
			fwd = !pl_strcmp(&tt, id->ltag) &&
			      !pl_strcmp(&ft, id->rtag);
			rev = !pl_strcmp(&tt, id->rtag) &&
			      !pl_strcmp(&ft, id->ltag);
			o = &c->side[1 - k].id;
			if ((!fwd && !rev) || o->callid == NULL)
				continue;
			/* the INVITE will reach the ESG on the other dialog's
			 * side: to-tag is ours there when it was ours here */
			re_snprintf(mapped, sizeof(mapped),
				    "%s;to-tag=%s;from-tag=%s", o->callid,
				    fwd ? o->ltag : o->rtag,
				    fwd ? o->rtag : o->ltag);
			pl_set_str(&v, mapped);
			return re_snprintf(out, size, "?Replaces=%H",
					   uri_header_escape, &v) < 0
				       ? ENOMEM
				       : 0;
		}
	}
	return ENOENT;
}

/* A LAN user toward the operator: a tenant number, else the trunk's
 * (the From policy of docs/b2bua.md "Header policy"). */
static void
user_toward(const struct cp_call *call, enum cp_side to, char *user,
	    size_t size)
{
	const struct esg_conf_tenant *tn =
		&call->b->conf->sip.tenant[call->tenant];
	struct pl pl;

	pl_set_str(&pl, user);
	if (call->side[to].where == CP_ROUTE_WAN &&
	    !cp_route_tenant_has(tn, &pl))
		re_snprintf(user, size, "%s", tn->trunk.username);
}

/* Refer-To, Referred-By, Refer-Sub toward side to. EBADMSG: 400;
 * EPERM: a method other than INVITE (403). */
static int
refer_hdrs(struct cp_call *call, enum cp_side from, const struct sip_msg *msg,
	   char *out, size_t size)
{
	enum cp_side to = cp_side_other(from);
	const struct sip_hdr *h;
	struct sip_addr a;
	struct pl num, m;
	char host[64], user[CP_CALL_USER], rep[600] = "", val[16];
	uint16_t port = sa_port(&call->side[to].laddr);
	int n;

	/* RFC 3515 2.4.1: exactly one Refer-To */
	h = sip_msg_hdr(msg, SIP_HDR_REFER_TO);
	if (h == NULL || sip_msg_hdr_count(msg, SIP_HDR_REFER_TO) != 1 ||
	    sip_addr_decode(&a, &h->val) != 0 ||
	    cp_call_uri_number(&a, &num) != 0)
		return EBADMSG;
	if (msg_param_decode(&a.uri.params, "method", &m) == 0 &&
	    pl_strcasecmp(&m, "INVITE") != 0)
		return EPERM;
	if (replaces_map(call, from, &a.uri.headers, rep, sizeof(rep)) != 0)
		rep[0] = '\0';
	cp_b2bua_host(host, sizeof(host), &call->side[to].laddr);
	cp_b2bua_user_copy(user, sizeof(user), &num);
	if (user[0] == '\0')
		return EBADMSG;
	n = re_snprintf(out, size, "Refer-To: <sip:%s@%s:%u%s>\r\n", user, host,
			port, rep);
	h = sip_msg_hdr(msg, SIP_HDR_REFERRED_BY);
	if (n > 0 && h != NULL && sip_addr_decode(&a, &h->val) == 0 &&
	    cp_call_uri_number(&a, &num) == 0) {
		cp_b2bua_user_copy(user, sizeof(user), &num);
		user_toward(call, to, user, sizeof(user));
		n += re_snprintf(out + n, size - (size_t)n,
				 "Referred-By: <sip:%s@%s:%u>\r\n", user, host,
				 port);
	}
	h = sip_msg_hdr(msg, SIP_HDR_REFER_SUB); /* RFC 4488 */
	if (n > 0 && h != NULL) {
		value_copy(val, sizeof(val), &h->val);
		if (!strcasecmp(val, "true") || !strcasecmp(val, "false"))
			n += re_snprintf(out + n, size - (size_t)n,
					 "Refer-Sub: %s\r\n", val);
	}
	return n > 0 && (size_t)n < size ? 0 : ENOMEM;
}

void
cp_call_refer(struct cp_call *call, enum cp_side from, struct cp_dlg_sreq *sreq,
	      const struct sip_msg *msg)
{
	char hdrs[HDRS_MAX];
	int err;

	err = refer_hdrs(call, from, msg, hdrs, sizeof(hdrs));
	if (!err)
		err = cp_call_relay(call, from, sreq, "REFER", hdrs, NULL,
				    NULL);
	if (!err) {
		call->b->c.refers++;
		return;
	}
	cp_info("call %llu: REFER of side %s refused: %s",
		(unsigned long long)call->id, from == CP_SIDE_A ? "A" : "B",
		strerror(err));
	call->b->c.refer_refused++;
	if (err == EBADMSG)
		cp_dlg_sreq_reply(sreq, 400, "Bad Refer-To", NULL, NULL);
	else if (err == EPERM)
		cp_dlg_sreq_reply(sreq, 403, "Forbidden", NULL, NULL);
	else
		cp_dlg_sreq_reply(sreq, 500, "Server Internal Error", NULL,
				  NULL);
}

/* A sipfrag body (RFC 3420) cut to its status line (RFC 3515 2.4.5: the
 * minimum): the headers of the other side's response stay behind. */
static int
sipfrag_status(const struct sip_msg *msg, struct pl *line)
{
	struct pl b;

	b.p = (const char *)mbuf_buf(msg->mb);
	b.l = mbuf_get_left(msg->mb);
	/* RFC 3261 7.2 Status-Line: "SIP/2.0" SP 3DIGIT SP Reason-Phrase */
	if (b.l < 13 || memcmp(b.p, "SIP/2.0 ", 8) != 0 ||
	    !isdigit((unsigned char)b.p[8]) ||
	    !isdigit((unsigned char)b.p[9]) ||
	    !isdigit((unsigned char)b.p[10]) || b.p[11] != ' ')
		return EBADMSG;
	line->p = b.p;
	for (line->l = 0;
	     line->l < b.l && b.p[line->l] != '\r' && b.p[line->l] != '\n';
	     line->l++)
		;
	return 0;
}

void
cp_call_notify(struct cp_call *call, enum cp_side from,
	       struct cp_dlg_sreq *sreq, const struct sip_msg *msg)
{
	const struct sip_hdr *ev = sip_msg_hdr(msg, SIP_HDR_EVENT);
	const struct sip_hdr *st = sip_msg_hdr(msg, SIP_HDR_SUBSCRIPTION_STATE);
	char e[128], s[128], hdrs[300], frag[128];
	struct pl body, line;
	bool sipfrag;
	int err;

	if (ev == NULL || st == NULL) { /* RFC 6665 8.2.1, 8.2.3 */
		cp_dlg_sreq_reply(sreq, 400, "Missing Event", NULL, NULL);
		return;
	}
	value_copy(e, sizeof(e), &ev->val);
	value_copy(s, sizeof(s), &st->val);
	re_snprintf(hdrs, sizeof(hdrs),
		    "Event: %s\r\nSubscription-State: %s\r\n", e, s);
	sipfrag = pl_strcasecmp(&msg->ctyp.type, "message") == 0 &&
		  pl_strcasecmp(&msg->ctyp.subtype, "sipfrag") == 0;
	if (sipfrag) {
		if (sipfrag_status(msg, &line) != 0) {
			cp_dlg_sreq_reply(sreq, 400, "Bad sipfrag", NULL, NULL);
			return;
		}
		re_snprintf(frag, sizeof(frag), "%r\r\n", &line);
		pl_set_str(&body, frag);
		err = cp_call_relay(call, from, sreq, "NOTIFY", hdrs,
				    "message/sipfrag;version=2.0", &body);
	} else {
		body.p = (const char *)mbuf_buf(msg->mb);
		body.l = mbuf_get_left(msg->mb);
		if (body.l > 0 && pl_isset(&msg->ctyp.type)) {
			re_snprintf(frag, sizeof(frag), "%r/%r",
				    &msg->ctyp.type, &msg->ctyp.subtype);
			err = cp_call_relay(call, from, sreq, "NOTIFY", hdrs,
					    frag, &body);
		} else
			err = cp_call_relay(call, from, sreq, "NOTIFY", hdrs,
					    NULL, NULL);
	}
	if (err)
		cp_dlg_sreq_reply(sreq, 500, "Server Internal Error", NULL,
				  NULL);
}
