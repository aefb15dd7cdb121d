/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA's entry (cp_b2bua.h): requests from the SIP listener, a new
 * INVITE routed and admitted (docs/b2bua.md "Routing", "Limits"), the
 * other side's INVITE built from scratch (docs/b2bua.md "Header policy").
 */
#include <errno.h>
#include <string.h>

#include "cp_cac.h"
#include "cp_call.h"
#include "cp_log.h"
#include "cp_reg.h"

static const char *const end_names[CP_END_MAX] = {
	[CP_END_NORMAL_A] = "bye_a",
	[CP_END_NORMAL_B] = "bye_b",
	[CP_END_CANCEL] = "cancel",
	[CP_END_REJECTED] = "rejected",
	[CP_END_NO_ANSWER] = "no_answer",
	[CP_END_TIMEOUT] = "timeout",
	[CP_END_EXPIRED] = "session_expired",
	[CP_END_MEDIA_TIMEOUT] = "media_timeout",
	[CP_END_DP_ERROR] = "dataplane_error",
	[CP_END_NO_ROUTE] = "no_route",
	[CP_END_ADMISSION] = "admission",
	[CP_END_BAD_SDP] = "bad_sdp",
	[CP_END_MEDIA] = "no_media_resources",
	[CP_END_ERROR] = "error",
};

const char *
cp_b2bua_end_str(enum cp_b2bua_end e)
{
	return (unsigned int)e < CP_END_MAX ? end_names[e] : "?";
}

static void
destructor(void *arg)
{
	struct cp_b2bua *b = arg;
	unsigned int i;

	/* Shutdown: calls are forgotten, no BYE (the next control plane
	 * cannot take the dialogs over, but media flows until then). */
	list_flush(&b->calls);
	for (i = 0; i < ESG_CONF_MAX_IFACES; i++) {
		b->ds[i] = mem_deref(b->ds[i]);
		b->ports[i] = mem_deref(b->ports[i]);
	}
}

int
cp_b2bua_alloc(struct cp_b2bua **bp, const struct cp_b2bua_cfg *cfg)
{
	struct cp_b2bua *b;
	unsigned int i;
	int err;

	if (bp == NULL || cfg == NULL || cfg->conf == NULL || cfg->legs == NULL)
		return EINVAL;
	b = mem_zalloc(sizeof(*b), destructor);
	if (b == NULL)
		return ENOMEM;
	b->cfg = *cfg;
	b->conf = cfg->conf;
	list_init(&b->calls);
	for (i = 0; i < b->conf->nb_ifaces; i++) {
		if (cfg->sip[i] == NULL)
			continue;
		err = cp_dlgsock_alloc(&b->ds[i], cfg->sip[i], NULL, b);
		if (err)
			goto out;
		if (cfg->timers != NULL)
			cp_dlgsock_set_timers(b->ds[i], cfg->timers);
	}
	for (i = 0; i < b->conf->nb_ifaces; i++) {
		err = cp_ports_alloc(&b->ports[i], b->conf->dp.media_port_min,
				     b->conf->dp.media_port_max);
		if (err)
			goto out;
	}
	*bp = b;
	return 0;
out:
	mem_deref(b);
	return err;
}

/* Copy a user part, keeping only characters that are safe in any URI
 * user and header (RFC 3261 25.1 unreserved and a few marks): nothing
 * of the other side's syntax can be smuggled through. */
void
cp_b2bua_user_copy(char *dst, size_t size, const struct pl *user)
{
	size_t i, n = 0;

	for (i = 0; i < user->l && n + 1 < size; i++) {
		char c = user->p[i];

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || strchr("+-_.!~*#", c) != NULL)
			dst[n++] = c;
	}
	dst[n] = '\0';
}

/* The stack of the interface msg arrived on. */
static struct sip *
stack_of(const struct cp_b2bua *b, const struct sip_msg *msg)
{
	int i = cp_route_iface(b->conf, &msg->dst);

	return i >= 0 && i < ESG_CONF_MAX_IFACES ? b->cfg.sip[i] : NULL;
}

static int
reply(struct cp_b2bua *b, const struct sip_msg *msg, uint16_t scode,
      const char *reason, const char *hdrs)
{
	struct sip *sip = stack_of(b, msg);

	if (sip == NULL)
		return ENOENT;
	return sip_treplyf(NULL, NULL, sip, msg, false, scode, reason,
			   "%sContent-Length: 0\r\n\r\n",
			   hdrs != NULL ? hdrs : "");
}

void
cp_b2bua_host(char *dst, size_t size, const struct sa *sa)
{
	if (sa_af(sa) == AF_INET6)
		re_snprintf(dst, size, "[%j]", sa);
	else
		re_snprintf(dst, size, "%j", sa);
}

/* The operator's domain: "domain", else the proxy's host. */
static void
op_domain(const struct cp_b2bua *b, char *dst, size_t size)
{
	struct pl host;

	if (b->conf->sip.domain[0] != '\0')
		re_snprintf(dst, size, "%s", b->conf->sip.domain);
	else if (cp_route_proxy_host(&b->conf->sip, &host) == 0)
		re_snprintf(dst, size, "%r", &host);
	else
		re_snprintf(dst, size, "invalid");
}

/* LAN -> trunk: the request toward the operator (docs "Header policy")
 * for the number called, from caller (A's From user). */
static int
trunk_target(struct cp_b2bua *b, unsigned int t, const char *called,
	     const char *from_user, struct cp_call_target *o)
{
	const struct esg_conf_sip *s = &b->conf->sip;
	const struct esg_conf_tenant *tn = &s->tenant[t];
	char dom[ESG_CONF_SIP_STR], caller[CP_CALL_USER];
	struct sa proxy;
	struct pl pl;

	op_domain(b, dom, sizeof(dom));
	o->where = CP_ROUTE_WAN;
	o->iface = s->wan_iface;
	o->af = cp_route_proxy(s, AF_UNSPEC, &proxy) == 0 ? sa_af(&proxy)
		: s->family == ESG_SIP_FAM_IPV6		  ? AF_INET6
							  : AF_INET;
	re_snprintf(o->user, sizeof(o->user), "%s", called);
	if (o->user[0] == '\0')
		return ENOENT;
	/* The caller's number when it is one of the tenant's, else the
	 * trunk's pilot number (no LAN extension leaks to the operator). */
	re_snprintf(caller, sizeof(caller), "%s", from_user);
	pl_set_str(&pl, caller);
	if (!cp_route_tenant_has(tn, &pl))
		re_snprintf(caller, sizeof(caller), "%s", tn->trunk.username);
	re_snprintf(o->ruri, sizeof(o->ruri), "sip:%s@%s", o->user, dom);
	re_snprintf(o->to, sizeof(o->to), "sip:%s@%s", o->user, dom);
	re_snprintf(o->from, sizeof(o->from), "sip:%s@%s", caller, dom);
	/* the trunk's transport (docs "Transport toward the operator") */
	if (cp_route_proxy_uri(s, o->route, sizeof(o->route)) != 0)
		return ENOENT;
	if (tn->trunk.aor[0] != '\0')
		re_snprintf(o->hdrs, sizeof(o->hdrs),
			    "P-Asserted-Identity: <%s>\r\n", tn->trunk.aor);
	else
		re_snprintf(o->hdrs, sizeof(o->hdrs),
			    "P-Asserted-Identity: <sip:%s@%s>\r\n",
			    tn->trunk.username, dom);
	re_snprintf(o->cuser, sizeof(o->cuser), "%s",
		    tn->trunk.username[0] != '\0' ? tn->trunk.username : "esg");
	o->auth_user = tn->trunk.auth_user[0] != '\0' ? tn->trunk.auth_user
						      : tn->trunk.username;
	o->auth_pass =
		tn->trunk.password[0] != '\0' ? tn->trunk.password : NULL;
	return 0;
}

static int
to_trunk(struct cp_b2bua *b, const struct sip_msg *msg, unsigned int t,
	 struct cp_call_target *o)
{
	char called[CP_CALL_USER], caller[CP_CALL_USER];

	cp_b2bua_user_copy(called, sizeof(called), &msg->uri.user);
	cp_b2bua_user_copy(caller, sizeof(caller), &msg->from.uri.user);
	return trunk_target(b, t, called, caller, o);
}

/* trunk -> LAN: the tenant and its PBX or phone for the called user: a
 * per-user WAN contact token, else a DID of a tenant's "numbers" reached
 * through its registered PBX/phone, else its static "pbx". */
static int
to_lan(struct cp_b2bua *b, const struct sip_msg *msg, unsigned int *tp,
       struct cp_call_target *o)
{
	const struct esg_conf_sip *s = &b->conf->sip;
	struct cp_reg_contact ct;
	char caller[CP_CALL_USER], own[64], tgt[64];
	struct sa target, addr;
	bool found = false;
	int err;

	cp_b2bua_user_copy(o->user, sizeof(o->user), &msg->uri.user);
	cp_b2bua_user_copy(caller, sizeof(caller), &msg->from.uri.user);
	if (b->cfg.reg != NULL &&
	    cp_reg_lookup_token(b->cfg.reg, &msg->uri.user, tp, &ct) == 0)
		found = true;
	if (!found) {
		err = cp_route_number(s, &msg->uri.user, tp);
		if (err)
			return ENOENT;
		if (b->cfg.reg != NULL &&
		    cp_reg_lookup(b->cfg.reg, *tp, &msg->uri.user, &ct) == 0)
			found = true;
	}
	if (found) {
		re_snprintf(o->ruri, sizeof(o->ruri), "%s", ct.uri);
		target = ct.dst;
	} else {
		if (cp_route_pbx(&s->tenant[*tp], &target) != 0)
			return EHOSTUNREACH;
		cp_b2bua_host(tgt, sizeof(tgt), &target);
		re_snprintf(o->ruri, sizeof(o->ruri), "sip:%s@%s:%u", o->user,
			    tgt, sa_port(&target));
	}
	o->where = CP_ROUTE_LAN;
	o->iface = s->tenant[*tp].lan_iface;
	o->af = sa_af(&target);
	if (cp_route_own_addr(b->conf, o->iface, o->af, &addr) != 0)
		return EHOSTUNREACH;
	cp_b2bua_host(own, sizeof(own), &addr);
	cp_b2bua_host(tgt, sizeof(tgt), &target);
	re_snprintf(o->to, sizeof(o->to), "sip:%s@%s", o->user, tgt);
	re_snprintf(o->from, sizeof(o->from), "sip:%s@%s",
		    caller[0] != '\0' ? caller : "anonymous", own);
	re_snprintf(o->cuser, sizeof(o->cuser), "%s",
		    caller[0] != '\0' ? caller : "esg");
	return 0;
}

/* The media of one side: its interface's own address in family af (or
 * the other when it has none), the other family as the alternative. */
static int
media_side(const struct cp_b2bua *b, struct cp_cmedia_side *ms, int iface,
	   int af, unsigned int t)
{
	int other = af == AF_INET ? AF_INET6 : AF_INET;

	memset(ms, 0, sizeof(*ms));
	if (iface < 0 || iface >= ESG_CONF_MAX_IFACES ||
	    b->ports[iface] == NULL)
		return ENOENT;
	ms->ifport = (uint16_t)iface;
	if (cp_route_own_addr(b->conf, iface, af, &ms->addr) != 0 &&
	    cp_route_own_addr(b->conf, iface, other, &ms->addr) != 0)
		return EADDRNOTAVAIL;
	if (sa_af(&ms->addr) == af)
		(void)cp_route_own_addr(b->conf, iface, other, &ms->alt);
	ms->ports = b->ports[iface];
	ms->port_min = (uint16_t)b->conf->sip.tenant[t].media_port_min;
	ms->port_max = (uint16_t)b->conf->sip.tenant[t].media_port_max;
	return 0;
}

static void
side_init(struct cp_call_side *cs, enum cp_route_side where, int iface, int af,
	  const struct sa *media, const char *user)
{
	cs->where = where;
	cs->iface = iface;
	cs->af = af;
	cs->media = *media;
	cs->sess_id = rand_u64() >> 1; /* RFC 8866 5.2: NTP-ish, < 2^63 */
	cs->sess_ver = 1;
	re_snprintf(cs->user, sizeof(cs->user), "%s", user);
}

/* The display name of A's From without quotes or escapes. */
static void
dname_copy(char *dst, size_t size, const struct pl *dn)
{
	size_t i, n = 0;

	for (i = 0; i < dn->l && n + 1 < size; i++) {
		char c = dn->p[i];

		if (c != '"' && c != '\\' && c != '\r' && c != '\n')
			dst[n++] = c;
	}
	dst[n] = '\0';
}

static void
prm_common(const struct cp_b2bua *b, struct cp_dlg_prm *p)
{
	memset(p, 0, sizeof(*p));
	p->rel100 = true;
	p->update = true;
	p->se_s = b->conf->sip.session_expires_s;
	p->min_se_s = b->conf->sip.min_se_s;
}

/* A's SDP offer goes to B with B's anchors: refusals map to 488 / 503. */
static uint16_t
offer_code(int err, enum cp_b2bua_end *why)
{
	if (err == EBADMSG || err == EAFNOSUPPORT || err == ENOTSUP ||
	    err == EPROTO) {
		*why = CP_END_BAD_SDP;
		return 488;
	}
	*why = CP_END_MEDIA;
	return 503;
}

/* Count a call refused before its object existed. */
static void
refused(struct cp_b2bua *b, unsigned int t, enum cp_b2bua_end why)
{
	if (b->cfg.cac != NULL)
		cp_cac_release(b->cfg.cac, t);
	b->c.failed++;
	b->c.ended[why]++;
}

/* The call object with both sides' media; 503 to A when it cannot be. */
static int
call_new(struct cp_b2bua *b, const struct sip_msg *msg, unsigned int t,
	 enum cp_route_side aside, const struct cp_call_target *o,
	 struct cp_call **callp)
{
	struct cp_cmedia_cfg mc;
	char caller[CP_CALL_USER];
	int aif = cp_route_iface(b->conf, &msg->dst), err;

	memset(&mc, 0, sizeof(mc));
	mc.legs = b->cfg.legs;
	mc.idle_ms = b->conf->sip.media_timeout_s * 1000;
	err = media_side(b, &mc.side[CP_SIDE_A], aif, sa_af(&msg->dst), t);
	if (!err)
		err = media_side(b, &mc.side[CP_SIDE_B], o->iface, o->af, t);
	if (!err && b->ds[o->iface] == NULL) /* media_side checked iface */
		err = ENOENT;
	if (!err)
		err = cp_call_alloc(callp, b, t, &mc);
	if (err) {
		reply(b, msg, 503, "Service Unavailable", NULL);
		cp_call_record_refused(b, msg, aside, (int)t, 503,
				       "Service Unavailable", CP_END_MEDIA);
		refused(b, t, CP_END_MEDIA);
		return err;
	}
	(*callp)->cac_held = b->cfg.cac != NULL;
	cp_b2bua_user_copy(caller, sizeof(caller), &msg->from.uri.user);
	side_init(&(*callp)->side[CP_SIDE_A], aside, aif, sa_af(&msg->dst),
		  &mc.side[CP_SIDE_A].addr, caller);
	(*callp)->side[CP_SIDE_A].laddr = msg->dst;
	side_init(&(*callp)->side[CP_SIDE_B], o->where, o->iface, o->af,
		  &mc.side[CP_SIDE_B].addr, o->user);
	return 0;
}

int
cp_b2bua_invite_b(struct cp_call *call, const struct cp_call_target *o,
		  const char *dname)
{
	struct cp_b2bua *b = call->b;
	struct cp_dlg_prm bp;

	prm_common(b, &bp);
	bp.ruri = o->ruri;
	bp.from_uri = o->from;
	bp.from_name = dname != NULL && dname[0] != '\0' ? dname : NULL;
	bp.to_uri = o->to;
	bp.route = o->route[0] != '\0' ? o->route : NULL;
	bp.auth_user = o->auth_user;
	bp.auth_pass = o->auth_pass;
	bp.cuser = o->cuser;
	bp.hdrs = o->hdrs[0] != '\0' ? o->hdrs : NULL;
	return cp_dlg_invite(&call->inv, b->ds[o->iface], &bp, call->b_offer,
			     &cp_call_handlers, call);
}

int
cp_b2bua_redirect(struct cp_call *call, const struct pl *number)
{
	struct cp_call_target o;
	char called[CP_CALL_USER];
	int err;

	if (call->redirected || call->side[CP_SIDE_B].where != CP_ROUTE_WAN)
		return ENOENT;
	memset(&o, 0, sizeof(o));
	cp_b2bua_user_copy(called, sizeof(called), number);
	err = trunk_target(call->b, call->tenant, called,
			   call->side[CP_SIDE_A].user, &o);
	if (err)
		return err;
	call->redirected = true;
	err = cp_b2bua_invite_b(call, &o, NULL);
	if (!err)
		re_snprintf(call->side[CP_SIDE_B].user,
			    sizeof(call->side[CP_SIDE_B].user), "%s", o.user);
	return err;
}

/* A's dialog (100 Trying), A's offer anchored toward B (b_offer). */
static int
call_accept_a(struct cp_call *call, const struct sip_msg *msg,
	      const struct pl *body, uint16_t *codep, enum cp_b2bua_end *whyp)
{
	struct cp_b2bua *b = call->b;
	struct cp_dlg_prm ap;
	int err;

	prm_common(b, &ap);
	ap.cuser = "esg";
	err = cp_dlg_accept(&call->side[CP_SIDE_A].dlg,
			    b->ds[call->side[CP_SIDE_A].iface], msg, &ap,
			    &cp_call_handlers, call);
	if (err == ENOTSUP || err == ERANGE)
		return err; /* answered 420 / 422 by the layer */
	if (err) {
		reply(b, msg, err == EBADMSG ? 400 : 500,
		      err == EBADMSG ? "Bad Request" : "Server Internal Error",
		      NULL);
		return err;
	}
	if (call->late_offer)
		return 0;
	err = cp_call_sdp_offer(call, CP_SIDE_A, body, &call->b_offer);
	if (err)
		*codep = offer_code(err, whyp);
	return err;
}

static void
call_start(struct cp_b2bua *b, const struct sip_msg *msg, unsigned int t,
	   enum cp_route_side aside, const struct cp_call_target *o)
{
	struct cp_call *call = NULL;
	char dname[64];
	enum cp_b2bua_end why = CP_END_ERROR;
	struct pl body;
	int sdperr, err;
	uint16_t code = 503;

	sdperr = cp_dlg_msg_sdp(msg, &body);
	if (sdperr == EBADMSG) { /* RFC 3261 21.4.13 */
		reply(b, msg, 415, "Unsupported Media Type",
		      "Accept: application/sdp\r\n");
		cp_call_record_refused(b, msg, aside, (int)t, 415,
				       "Unsupported Media Type",
				       CP_END_BAD_SDP);
		refused(b, t, CP_END_BAD_SDP);
		return;
	}
	if (call_new(b, msg, t, aside, o, &call) != 0)
		return;
	call->late_offer = sdperr != 0;
	err = call_accept_a(call, msg, &body, &code, &why);
	if (err && call->side[CP_SIDE_A].dlg == NULL) {
		cp_call_end(call, CP_END_ERROR); /* answered already */
		return;
	}
	if (!err) {
		dname_copy(dname, sizeof(dname), &msg->from.dname);
		err = cp_b2bua_invite_b(call, o, dname);
	}
	if (err) {
		cp_info("call %llu: refused %u: %s",
			(unsigned long long)call->id, code, strerror(err));
		cp_dlg_reject(call->side[CP_SIDE_A].dlg, code,
			      code == 488 ? "Not Acceptable Here"
					  : "Service Unavailable",
			      NULL);
		call->side[CP_SIDE_A].dlg = NULL;
		cp_call_end(call, why);
		return;
	}
	cp_call_noans_start(call, b->conf->sip.no_answer_s);
	cp_info("call %llu: tenant %s, %s %s -> %s %s%s",
		(unsigned long long)call->id, b->conf->sip.tenant[t].name,
		aside == CP_ROUTE_LAN ? "LAN" : "WAN",
		call->side[CP_SIDE_A].user,
		o->where == CP_ROUTE_LAN ? "LAN" : "WAN", o->user,
		call->late_offer ? " (late offer)" : "");
}

static void
refuse(struct cp_b2bua *b, const struct sip_msg *msg, int tenant,
       uint16_t scode, const char *reason, const char *hdrs,
       enum cp_b2bua_end why)
{
	char src[64];

	cp_call_record_refused(b, msg, cp_route_side(b->conf, &msg->dst),
			       tenant, scode, reason, why);
	re_snprintf(src, sizeof(src), "%J", &msg->src);
	cp_info("INVITE from %s (Call-ID %.*s): %u %s", src, (int)msg->callid.l,
		msg->callid.p, scode, reason);
	reply(b, msg, scode, reason, hdrs);
	b->c.failed++;
	b->c.ended[why]++;
}

static void
invite_new(struct cp_b2bua *b, const struct sip_msg *msg)
{
	struct cp_call_target o;
	unsigned int t = 0;
	uint32_t ra = 0;
	char hdr[48];
	int err;

	memset(&o, 0, sizeof(o));
	b->c.attempts++;
	switch (cp_route_side(b->conf, &msg->dst)) {
	case CP_ROUTE_LAN:
		err = cp_route_lan_tenant(b->conf,
					  cp_route_iface(b->conf, &msg->dst),
					  &msg->src, &t);
		if (err) {
			refuse(b, msg, -1, 403, "Forbidden", NULL,
			       CP_END_NO_ROUTE);
			return;
		}
		err = to_trunk(b, msg, t, &o);
		break;
	case CP_ROUTE_WAN:
		if (!cp_route_wan_source(&b->conf->sip, &msg->src)) {
			refuse(b, msg, -1, 403, "Forbidden", NULL,
			       CP_END_NO_ROUTE);
			return;
		}
		err = to_lan(b, msg, &t, &o);
		break;
	case CP_ROUTE_NONE:
	default:
		refuse(b, msg, -1, 403, "Forbidden", NULL, CP_END_NO_ROUTE);
		return;
	}
	if (err) {
		refuse(b, msg, -1, err == ENOENT ? 404 : 480,
		       err == ENOENT ? "Not Found" : "Temporarily Unavailable",
		       NULL, CP_END_NO_ROUTE);
		return;
	}
	if (b->cfg.cac != NULL &&
	    cp_cac_admit(b->cfg.cac, t, tmr_jiffies() * 1000000ULL, &ra) != 0) {
		/* RFC 3261 21.5.4, 20.33 */
		re_snprintf(hdr, sizeof(hdr), "Retry-After: %u\r\n", ra);
		refuse(b, msg, (int)t, 503, "Service Unavailable", hdr,
		       CP_END_ADMISSION);
		return;
	}
	call_start(b, msg, t, cp_route_side(b->conf, &msg->dst), &o);
}

bool
cp_b2bua_request(struct cp_b2bua *b, const struct sip_msg *msg)
{
	struct cp_dlgsock *ds;
	int i;

	if (b == NULL || msg == NULL)
		return false;
	i = cp_route_iface(b->conf, &msg->dst);
	ds = i >= 0 && i < ESG_CONF_MAX_IFACES ? b->ds[i] : NULL;
	if (ds == NULL)
		return false; /* not an address of ours with SIP */
	if (cp_dlgsock_request(ds, msg))
		return true;
	if (b->cfg.reg != NULL && cp_reg_request(b->cfg.reg, msg))
		return true;
	if (pl_strcmp(&msg->met, "INVITE") == 0) {
		invite_new(b, msg);
		return true;
	}
	return false; /* OPTIONS, unknown methods: the listener answers */
}

const struct cp_b2bua_counters *
cp_b2bua_counters(const struct cp_b2bua *b)
{
	return &b->c;
}

void
cp_b2bua_log_counters(const struct cp_b2bua *b)
{
	const struct cp_b2bua_counters *c = &b->c;
	char ends[512];
	size_t n = 0;
	unsigned int i;

	ends[0] = '\0';
	for (i = 0; i < CP_END_MAX && n < sizeof(ends); i++) {
		int k = re_snprintf(ends + n, sizeof(ends) - n, " %s %llu",
				    end_names[i],
				    (unsigned long long)c->ended[i]);

		if (k < 0)
			break;
		n += (size_t)k;
	}
	cp_notice("calls: attempted %llu, answered %llu, failed %llu, active "
		  "%llu, re-offers %llu, relayed requests %llu, REFER relayed "
		  "%llu, REFER refused %llu, 3xx followed %llu, early media "
		  "%llu; ended:%s",
		  (unsigned long long)c->attempts,
		  (unsigned long long)c->answered,
		  (unsigned long long)c->failed, (unsigned long long)c->active,
		  (unsigned long long)c->reoffers,
		  (unsigned long long)c->relayed_reqs,
		  (unsigned long long)c->refers,
		  (unsigned long long)c->refer_refused,
		  (unsigned long long)c->redirects,
		  (unsigned long long)c->early_media, ends);
}
