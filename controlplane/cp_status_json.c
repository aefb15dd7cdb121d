/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The status document's builder (cp_status.h; the keys are listed in
 * docs/esgctl.md "Control plane status"). Every module is read through
 * its own read-only accessors; times become ages and delays in whole
 * seconds or ms from now_ms, so the document does not depend on the
 * reader's clock but for "written_ms".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <re.h>

#include "cp_status.h"
#include "prov/cp_prov.h"
#include "sip/cp_b2bua.h"
#include "sip/cp_cac.h"
#include "sip/cp_dlg.h"
#include "sip/cp_reg.h"
#include "sip/cp_sip.h"
#include "sip/cp_sipguard.h"

/*
 * libre's ordered dictionary, encoded by json_encode_odict() (jansson
 * cannot be used here: its enum clashes with libre's re_json.h, which
 * every module header pulls in through re.h). A failed allocation loses
 * one key, never the document: cp_status_build() checks the sections.
 */
static struct odict *
obj_new(void)
{
	struct odict *o = NULL;

	return odict_alloc(&o, 8) == 0 ? o : NULL;
}

static void
set_u64(struct odict *o, const char *key, uint64_t v)
{
	(void)odict_entry_add(o, key, ODICT_INT,
			      (int64_t)(v > INT64_MAX ? INT64_MAX : v));
}

static void
set_int(struct odict *o, const char *key, int64_t v)
{
	(void)odict_entry_add(o, key, ODICT_INT, v);
}

static void
set_null(struct odict *o, const char *key)
{
	(void)odict_entry_add(o, key, ODICT_NULL);
}

static void
set_bool(struct odict *o, const char *key, bool v)
{
	(void)odict_entry_add(o, key, ODICT_BOOL, v);
}

static void
set_str(struct odict *o, const char *key, const char *s)
{
	if (s != NULL)
		(void)odict_entry_add(o, key, ODICT_STRING, s);
	else
		set_null(o, key);
}

/* A child object or array (NULL: null); the reference is handed over. */
static void
set_child(struct odict *o, const char *key, struct odict *c, bool array)
{
	if (c == NULL) {
		set_null(o, key);
		return;
	}
	(void)odict_entry_add(o, key, array ? ODICT_ARRAY : ODICT_OBJECT, c);
	mem_deref(c);
}

/* Arrays are dictionaries keyed by the index. */
static void
arr_child(struct odict *a, struct odict *c)
{
	char key[16];

	(void)re_snprintf(key, sizeof(key), "%zu", odict_count(a, false));
	set_child(a, key, c, false);
}

static void
arr_str(struct odict *a, const char *s)
{
	char key[16];

	(void)re_snprintf(key, sizeof(key), "%zu", odict_count(a, false));
	set_str(a, key, s);
}

static void
arr_int(struct odict *a, int64_t v)
{
	char key[16];

	(void)re_snprintf(key, sizeof(key), "%zu", odict_count(a, false));
	set_int(a, key, v);
}

/* Seconds from now until t (0 if past); null when t is 0 (not set). */
static void
set_in_s(struct odict *o, const char *key, uint64_t t, uint64_t now_ms)
{
	if (t == 0)
		set_null(o, key);
	else
		set_u64(o, key, t > now_ms ? (t - now_ms) / 1000 : 0);
}

static const char *
family_str(int af)
{
	return af == AF_INET ? "ipv4" : af == AF_INET6 ? "ipv6" : NULL;
}

static const char *
mode_str(enum esg_reg_mode m)
{
	switch (m) {
	case ESG_REG_STATIC:
		return "static";
	case ESG_REG_TRUNK:
		return "trunk";
	case ESG_REG_PER_USER:
		return "per-user";
	}
	return "?";
}

static void
set_sa(struct odict *o, const char *key, const struct sa *sa)
{
	char buf[64];

	if (!sa_isset(sa, SA_ADDR) ||
	    re_snprintf(buf, sizeof(buf), sa_port(sa) != 0 ? "%J" : "%j", sa) <
		    0)
		set_null(o, key);
	else
		set_str(o, key, buf);
}

static void
set_host(struct odict *o, const char *key, const struct esg_conf_host *h)
{
	char buf[INET6_ADDRSTRLEN];

	if ((h->family != AF_INET && h->family != AF_INET6) ||
	    inet_ntop(h->family, &h->u, buf, sizeof(buf)) == NULL)
		set_null(o, key);
	else
		set_str(o, key, buf);
}

static const char *
in4_str(struct in_addr a, char *buf, size_t len)
{
	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

/* name: the tenant's, NULL for the global counters */
static struct odict *
cac_obj(const struct cp_cac_counters *c, const char *name)
{
	struct odict *o;

	if (c == NULL || (o = obj_new()) == NULL)
		return NULL;
	if (name != NULL)
		set_str(o, "tenant", name);
	set_u64(o, "admitted", c->admitted);
	set_u64(o, "refused_calls", c->refused_calls);
	set_u64(o, "refused_rate", c->refused_rate);
	set_u64(o, "active", c->active);
	set_u64(o, "peak", c->peak);
	return o;
}

static struct odict *
b2bua_obj(const struct cp_b2bua *b)
{
	const struct cp_b2bua_counters *c = cp_b2bua_counters(b);
	struct odict *o = obj_new(), *ends = obj_new();
	unsigned int i;

	if (o == NULL || ends == NULL) {
		mem_deref(ends);
		return mem_deref(o);
	}
	set_u64(o, "attempts", c->attempts);
	set_u64(o, "answered", c->answered);
	set_u64(o, "failed", c->failed);
	set_u64(o, "active", c->active);
	set_u64(o, "reoffers", c->reoffers);
	set_u64(o, "relayed_requests", c->relayed_reqs);
	set_u64(o, "refers", c->refers);
	set_u64(o, "refer_refused", c->refer_refused);
	set_u64(o, "redirects", c->redirects);
	set_u64(o, "early_media", c->early_media);
	for (i = 0; i < CP_END_MAX; i++)
		set_u64(ends, cp_b2bua_end_str((enum cp_b2bua_end)i),
			c->ended[i]);
	set_child(o, "ended", ends, false);
	return o;
}

static struct odict *
admission_obj(const struct cp_status_src *src)
{
	const struct esg_conf_sip *sc = &src->conf->sip;
	struct odict *o = obj_new(), *t = obj_new();
	unsigned int i;

	if (o == NULL || t == NULL) {
		mem_deref(t);
		return mem_deref(o);
	}
	set_child(o, "global",
		  cac_obj(cp_cac_counters(src->cac, CP_CAC_NO_TENANT), NULL),
		  false);
	for (i = 0; i < sc->nb_tenants && i < ESG_CONF_MAX_TENANTS; i++) {
		struct odict *e = cac_obj(cp_cac_counters(src->cac, i),
					  sc->tenant[i].name);

		if (e != NULL)
			arr_child(t, e);
	}
	set_child(o, "tenants", t, true);
	return o;
}

static struct odict *
guard_obj(const struct cp_sipguard *g)
{
	const struct cp_sipguard_counters *c = cp_sipguard_counters(g);
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_u64(o, "datagrams", c->datagrams);
	set_u64(o, "passed", c->passed);
	set_u64(o, "keepalive", c->keepalive);
	set_u64(o, "too_large", c->too_large);
	set_u64(o, "garbage", c->garbage);
	set_u64(o, "malformed", c->malformed);
	set_u64(o, "replied_400", c->replied_400);
	set_u64(o, "replied_513", c->replied_513);
	set_u64(o, "reply_err", c->reply_err);
	set_u64(o, "rate_limited", c->rate_limited);
	return o;
}

static struct odict *
dialogs_obj(const struct cp_b2bua *b)
{
	struct cp_dlg_counters c;
	uint32_t live = cp_b2bua_dlg_counters(b, &c);
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_u64(o, "live", live);
	set_u64(o, "dialogs", c.dialogs);
	set_u64(o, "no_dialog", c.no_dialog);
	set_u64(o, "bad_cseq", c.bad_cseq);
	set_u64(o, "glare", c.glare);
	set_u64(o, "retrans_2xx", c.retrans_2xx);
	set_u64(o, "retrans_1xx", c.retrans_1xx);
	set_u64(o, "late_forks", c.late_forks);
	set_u64(o, "malformed", c.malformed);
	set_u64(o, "expired", c.expired);
	set_u64(o, "refreshes", c.refreshes);
	return o;
}

static struct odict *
listeners_obj(const struct cp_sip *cs, unsigned int *boundp)
{
	struct odict *a = obj_new();
	struct sa sa;
	unsigned int i;
	bool bound;

	*boundp = 0;
	for (i = 0; a != NULL && cp_sip_listener(cs, i, &sa, &bound) == 0;
	     i++) {
		struct odict *e = obj_new();

		if (e == NULL)
			continue;
		set_sa(e, "address", &sa);
		set_bool(e, "bound", bound);
		arr_child(a, e);
		if (bound)
			(*boundp)++;
	}
	return a;
}

static struct odict *
sip_counters_obj(const struct cp_sip *cs)
{
	const struct cp_sip_counters *c = cp_sip_counters(cs);
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_u64(o, "requests", c->requests);
	set_u64(o, "options", c->options);
	set_u64(o, "not_allowed", c->not_allowed);
	set_u64(o, "not_implemented", c->not_impl);
	set_u64(o, "bad_extension", c->bad_ext);
	set_u64(o, "no_transaction", c->no_trans);
	set_u64(o, "acks", c->acks);
	set_u64(o, "reply_err", c->reply_err);
	return o;
}

static struct odict *
sip_section(const struct cp_status_src *src)
{
	struct odict *o = obj_new();
	unsigned int bound = 0;

	if (o == NULL)
		return NULL;
	if (src->sip == NULL) {
		set_child(o, "listeners", obj_new(), true);
		set_u64(o, "bound", 0);
		set_null(o, "counters");
	} else {
		set_child(o, "listeners", listeners_obj(src->sip, &bound),
			  true);
		set_u64(o, "bound", bound);
		set_child(o, "counters", sip_counters_obj(src->sip), false);
	}
	set_bool(o, "b2bua", src->b2bua != NULL);
	set_child(o, "calls", src->b2bua != NULL ? b2bua_obj(src->b2bua) : NULL,
		  false);
	set_child(o, "admission", src->cac != NULL ? admission_obj(src) : NULL,
		  false);
	set_child(o, "guard", src->guard != NULL ? guard_obj(src->guard) : NULL,
		  false);
	set_child(o, "dialogs",
		  src->b2bua != NULL ? dialogs_obj(src->b2bua) : NULL, false);
	return o;
}

/* --- registration --- */

struct bind_walk {
	const struct esg_conf_sip *sc;
	struct odict *list;
	unsigned int lan[ESG_CONF_MAX_TENANTS]; /* LAN bindings per tenant */
	unsigned int shown, max;
	uint64_t now_ms;
};

static bool
binding_h(const struct cp_reg_binding *bi, void *arg)
{
	struct bind_walk *w = arg;
	struct odict *e;

	if (!bi->per_user && bi->tenant < ESG_CONF_MAX_TENANTS)
		w->lan[bi->tenant]++;
	if (w->shown >= w->max)
		return false; /* keep counting */
	e = obj_new();
	if (e == NULL)
		return false;
	set_str(e, "tenant",
		bi->tenant < w->sc->nb_tenants ? w->sc->tenant[bi->tenant].name
					       : NULL);
	set_str(e, "user", bi->user);
	set_str(e, "kind", bi->per_user ? "per-user" : "lan");
	set_bool(e, "live", bi->live);
	set_str(e, "contact", bi->c->uri);
	set_sa(e, "source", &bi->c->dst);
	set_in_s(e, "expires_in_s", bi->c->expires_ms, w->now_ms);
	arr_child(w->list, e);
	w->shown++;
	return false;
}

static struct odict *
trunk_obj(const struct cp_status_src *src, unsigned int i,
	  const struct bind_walk *w)
{
	const struct esg_conf_tenant *t = &src->conf->sip.tenant[i];
	const struct cp_reg_status *st = cp_reg_status(src->reg, i);
	uint64_t now = w->now_ms;
	struct odict *e;

	if (st == NULL || (e = obj_new()) == NULL)
		return NULL;
	set_str(e, "tenant", t->name);
	set_str(e, "mode", mode_str(t->registration));
	set_str(e, "state", cp_reg_state_str(st->state));
	set_in_s(e, "expires_in_s",
		 st->state == CP_REG_REGISTERED ? st->expires_ms : 0, now);
	set_in_s(e, "refresh_in_s",
		 st->state == CP_REG_REGISTERED ? st->refresh_ms : 0, now);
	set_in_s(e, "retry_in_s", st->state == CP_REG_FAILED ? st->retry_ms : 0,
		 now);
	set_u64(e, "granted_s", st->granted_s);
	set_u64(e, "last_code", st->last_code);
	set_str(e, "last_error",
		st->last_err != 0 ? strerror(st->last_err) : NULL);
	set_u64(e, "failures_in_row", st->failc);
	set_u64(e, "attempts", st->attempts);
	set_u64(e, "successes", st->successes);
	set_u64(e, "failures", st->failures);
	set_u64(e, "lan_bindings", w->lan[i]);
	return e;
}

static struct odict *
ka_obj(const struct cp_reg_ka_status *ka, uint64_t now_ms)
{
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_str(o, "state", cp_reg_ka_state_str(ka->state));
	if (ka->state == CP_REG_KA_UP)
		set_u64(o, "rtt_ms", ka->rtt_ms);
	else
		set_null(o, "rtt_ms");
	set_u64(o, "last_code", ka->last_code);
	set_str(o, "last_error",
		ka->last_err != 0 ? strerror(ka->last_err) : NULL);
	if (ka->last_change_ms != 0 && now_ms >= ka->last_change_ms)
		set_u64(o, "since_s", (now_ms - ka->last_change_ms) / 1000);
	else
		set_null(o, "since_s");
	set_u64(o, "sent", ka->sent);
	set_u64(o, "answered", ka->answered);
	set_u64(o, "failed", ka->failed);
	return o;
}

static struct odict *
reg_counters_obj(const struct cp_reg_counters *c)
{
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_u64(o, "registers", c->registers);
	set_u64(o, "forbidden", c->forbidden);
	set_u64(o, "too_brief", c->too_brief);
	set_u64(o, "bad_request", c->bad_request);
	set_u64(o, "bindings_added", c->bindings_added);
	set_u64(o, "bindings_removed", c->bindings_removed);
	set_u64(o, "bindings_expired", c->bindings_expired);
	set_u64(o, "relayed", c->relayed);
	set_u64(o, "relay_challenge", c->relay_challenge);
	set_u64(o, "relay_failed", c->relay_failed);
	set_u64(o, "reply_err", c->reply_err);
	return o;
}

static struct odict *
reg_section(const struct cp_status_src *src, uint64_t now_ms,
	    unsigned int max_bindings)
{
	const struct esg_conf_sip *sc = &src->conf->sip;
	struct bind_walk w;
	struct odict *o, *tenants;
	unsigned int i, total;

	memset(&w, 0, sizeof(w));
	w.sc = sc;
	w.max = max_bindings;
	w.now_ms = now_ms;
	w.list = obj_new();
	o = obj_new();
	tenants = obj_new();
	if (w.list == NULL || o == NULL || tenants == NULL) {
		mem_deref(w.list);
		mem_deref(tenants);
		return mem_deref(o);
	}
	total = cp_reg_bindings_apply(src->reg, binding_h, &w);
	for (i = 0; i < sc->nb_tenants && i < ESG_CONF_MAX_TENANTS; i++)
		arr_child(tenants, trunk_obj(src, i, &w));
	set_child(o, "tenants", tenants, true);
	set_child(o, "keepalive", ka_obj(cp_reg_ka_status(src->reg), now_ms),
		  false);
	set_u64(o, "bindings_total", total);
	set_u64(o, "bindings_shown", w.shown);
	set_child(o, "bindings", w.list, true);
	set_child(o, "counters", reg_counters_obj(cp_reg_counters(src->reg)),
		  false);
	return o;
}

/* --- calls --- */

struct call_walk {
	const struct esg_conf_sip *sc;
	struct odict *list;
	unsigned int shown, max;
	uint64_t now_ms;
};

static bool
call_h(const struct cp_b2bua_call_info *ci, void *arg)
{
	struct call_walk *w = arg;
	struct odict *e, *legs;
	unsigned int i;

	if (w->shown >= w->max)
		return true; /* the total comes from the counters */
	e = obj_new();
	legs = obj_new();
	if (e == NULL || legs == NULL) {
		mem_deref(e);
		mem_deref(legs);
		return true;
	}
	set_u64(e, "id", ci->id);
	set_str(e, "tenant",
		ci->tenant < w->sc->nb_tenants ? w->sc->tenant[ci->tenant].name
					       : NULL);
	set_str(e, "direction", ci->incoming ? "in" : "out");
	set_str(e, "from", ci->user_a);
	set_str(e, "to", ci->user_b);
	set_str(e, "family_a", family_str(ci->af_a));
	set_str(e, "family_b", family_str(ci->af_b));
	set_str(e, "state", ci->state);
	set_u64(e, "age_s",
		w->now_ms > ci->start_ms ? (w->now_ms - ci->start_ms) / 1000
					 : 0);
	if (ci->answer_ms != 0)
		set_u64(e, "answered_s",
			w->now_ms > ci->answer_ms
				? (w->now_ms - ci->answer_ms) / 1000
				: 0);
	else
		set_null(e, "answered_s");
	for (i = 0; i < ci->nb_legs && i < CP_B2BUA_INFO_LEGS; i++)
		arr_int(legs, ci->legs[i]);
	set_child(e, "legs", legs, true);
	arr_child(w->list, e);
	w->shown++;
	return false;
}

static struct odict *
calls_section(const struct cp_status_src *src, uint64_t now_ms,
	      unsigned int max_calls)
{
	struct call_walk w;
	struct odict *o;

	memset(&w, 0, sizeof(w));
	w.sc = &src->conf->sip;
	w.max = max_calls;
	w.now_ms = now_ms;
	w.list = obj_new();
	o = obj_new();
	if (o == NULL || w.list == NULL) {
		mem_deref(w.list);
		return mem_deref(o);
	}
	(void)cp_b2bua_calls_apply(src->b2bua, call_h, &w);
	/* the active counter counts every live call: the walk stops at
	 * max_calls */
	set_u64(o, "total", cp_b2bua_counters(src->b2bua)->active);
	set_u64(o, "shown", w.shown);
	set_u64(o, "limit", max_calls);
	set_child(o, "list", w.list, true);
	return o;
}

/* --- provisioning --- */

static struct odict *
addr_list(const struct in_addr *a, unsigned int n)
{
	struct odict *l = obj_new();
	char buf[INET_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; l != NULL && i < n && i < ESG_DHCP_MAX_ADDRS; i++)
		arr_str(l, in4_str(a[i], buf, sizeof(buf)));
	return l;
}

static struct odict *
lease_obj(const struct cp_prov *p, uint64_t now_ms)
{
	const struct cp_prov_status *st = cp_prov_status(p);
	char buf[INET_ADDRSTRLEN];
	struct odict *o;

	if (!st->have_lease || (o = obj_new()) == NULL)
		return NULL;
	set_str(o, "address", in4_str(st->addr, buf, sizeof(buf)));
	set_u64(o, "plen", st->plen);
	set_in_s(o, "renew_in_s", p->dhcp4_on ? p->dhcp4.t1_ms : 0, now_ms);
	set_in_s(o, "expires_in_s", p->dhcp4_on ? p->dhcp4.end_ms : 0, now_ms);
	return o;
}

static struct odict *
lease6_obj(const struct cp_prov *p, uint64_t now_ms)
{
	const struct cp_prov_status *st = cp_prov_status(p);
	char buf[INET6_ADDRSTRLEN];
	struct odict *o;

	if (!st->have_lease6 || (o = obj_new()) == NULL)
		return NULL;
	set_str(o, "address",
		inet_ntop(AF_INET6, &st->addr6, buf, sizeof(buf)));
	set_u64(o, "plen", st->plen6);
	set_in_s(o, "renew_in_s", p->dhcp6_on ? p->dhcp6.t1_ms : 0, now_ms);
	set_in_s(o, "expires_in_s", p->dhcp6_on ? p->dhcp6.end_ms : 0, now_ms);
	return o;
}

static struct odict *
addr6_list(const struct in6_addr *a, unsigned int n)
{
	struct odict *l = obj_new();
	char buf[INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; l != NULL && i < n && i < ESG_DHCP_MAX_ADDRS; i++)
		arr_str(l, inet_ntop(AF_INET6, &a[i], buf, sizeof(buf)));
	return l;
}

/* "a.b.c.d/len" or "x::y/len" */
static void
set_prefix(struct odict *o, const char *key, int af, const void *a,
	   unsigned int len)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t n;

	if (inet_ntop(af, a, buf, sizeof(buf) - 4) == NULL) {
		set_null(o, key);
		return;
	}
	n = strlen(buf);
	(void)re_snprintf(buf + n, sizeof(buf) - n, "/%u", len);
	set_str(o, key, buf);
}

/* RFC 7598 4.5 S46_PORTPARAMS: null without one */
static void
set_portparams(struct odict *o, bool has, const struct esg_s46_portparams *pp)
{
	if (!has) {
		set_null(o, "psid_offset");
		set_null(o, "psid_len");
		set_null(o, "psid");
		return;
	}
	set_u64(o, "psid_offset", pp->offset);
	set_u64(o, "psid_len", pp->psid_len);
	set_u64(o, "psid", pp->psid);
}

/* RFC 7598 4.1 S46_RULE (89); fmr: the F-flag (forwarding mapping rule) */
static struct odict *
s46_rule_obj(const struct esg_s46_rule *r)
{
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_bool(o, "fmr", (r->flags & 1) != 0);
	set_u64(o, "ea_len", r->ea_len);
	set_prefix(o, "ipv4_prefix", AF_INET, &r->prefix4, r->prefix4_len);
	set_prefix(o, "ipv6_prefix", AF_INET6, &r->prefix6, r->prefix6_len);
	set_portparams(o, r->has_portparams, &r->portparams);
	return o;
}

/* RFC 7598 4.3-4.4 and 5: one container (94 MAP-E, 95 MAP-T, 96 lw4o6)
 * with its rules (89), BRs (90), DMR (91) and binding (92). */
static struct odict *
s46_cont_obj(const struct esg_s46_cont *c)
{
	struct odict *o = obj_new(), *l, *b;
	unsigned int i;

	if (o == NULL)
		return NULL;
	set_str(o, "kind",
		c->kind == ESG_S46_MAPE	  ? "map-e"
		: c->kind == ESG_S46_MAPT ? "map-t"
		: c->kind == ESG_S46_LW	  ? "lw4o6"
					  : NULL);
	l = obj_new();
	for (i = 0; l != NULL && i < c->n_rules && i < ESG_S46_MAX_RULES; i++)
		arr_child(l, s46_rule_obj(&c->rules[i]));
	set_child(o, "rules", l, true);
	set_child(o, "br", addr6_list(c->br, c->n_br), true);
	if (c->has_dmr)
		set_prefix(o, "dmr", AF_INET6, &c->dmr, c->dmr_len);
	else
		set_null(o, "dmr");
	b = c->has_v4v6bind ? obj_new() : NULL;
	if (b != NULL) {
		char buf[INET_ADDRSTRLEN];

		set_str(b, "ipv4", in4_str(c->bind_v4, buf, sizeof(buf)));
		set_prefix(b, "bind_prefix", AF_INET6, &c->bind_prefix6,
			   c->bind_prefix6_len);
		set_portparams(b, c->bind_has_portparams, &c->bind_portparams);
	}
	set_child(o, "binding", b, false);
	return o;
}

/* provisioning.softwire: null unless provisioning.softwire asks for the
 * options; what the IPv6 lease gave (RFC 6334 AFTR-Name, RFC 7598) */
static struct odict *
softwire_obj(const struct cp_prov_status *st)
{
	struct odict *o, *l;
	unsigned int i;

	if (!st->softwire || (o = obj_new()) == NULL)
		return NULL;
	set_str(o, "aftr_name",
		st->aftr_name[0] != '\0' ? st->aftr_name : NULL);
	l = obj_new();
	for (i = 0; l != NULL && i < st->n_s46 && i < ESG_S46_MAX_CONT; i++)
		arr_child(l, s46_cont_obj(&st->s46[i]));
	set_child(o, "containers", l, true);
	set_u64(o, "renewals_ignored", st->sw_ignored);
	return o;
}

/* eUE-25: the last SNMP status notification, one entry per receiver */
static struct odict *
inform_obj(const struct cp_prov_status *st)
{
	struct odict *o, *l, *e;
	unsigned int i;

	if (st->inform_rounds == 0 || (o = obj_new()) == NULL)
		return NULL;
	set_u64(o, "rounds", st->inform_rounds);
	set_bool(o, "busy", st->inform_busy);
	set_str(o, "status", st->inform_pass ? "pass" : "fail");
	l = obj_new();
	for (i = 0; l != NULL && !st->inform_busy && i < st->n_inform; i++) {
		const struct cp_prov_inform *r = &st->inform[i];

		if ((e = obj_new()) == NULL)
			break;
		set_str(e, "receiver", r->addr);
		set_int(e, "type", r->type);
		set_str(e, "source", r->from_file ? "tlv38" : "config");
		set_str(e, "result",
			r->err == 0	      ? (r->acked ? "acked" : "sent")
			: r->err == ETIMEDOUT ? "timeout"
			: r->err == EPROTO    ? "error-status"
			: r->err == ENOTSUP   ? "not-sent"
			: r->err == ENOENT    ? "no-address"
					      : "error");
		set_u64(e, "sends", r->sends);
		arr_child(l, e);
	}
	set_child(o, "receivers", l, true);
	return o;
}

static struct odict *
prov_section(const struct cp_status_src *src, uint64_t now_ms)
{
	const struct cp_prov *p = src->prov;
	const struct cp_prov_status *st = cp_prov_status(p);
	struct odict *o = obj_new();

	if (o == NULL)
		return NULL;
	set_str(o, "mode", esg_prov_mode_str(src->conf->prov.mode));
	set_str(o, "stack", esg_prov_stack_str(src->conf->prov.stack));
	set_str(o, "state", cp_prov_state_name(st->state));
	set_str(o, "dhcp4",
		p->dhcp4_on ? cp_dhcp4_state_name(p->dhcp4.state) : NULL);
	set_child(o, "lease", lease_obj(p, now_ms), false);
	set_child(o, "routers", addr_list(st->routers, st->n_routers), true);
	set_bool(o, "gateway4", st->have_gw4);
	set_child(o, "dns", addr_list(st->dns, st->n_dns), true);
	set_str(o, "dhcp6",
		p->dhcp6_on ? cp_dhcp6_state_name(p->dhcp6.state) : NULL);
	set_child(o, "lease6", lease6_obj(p, now_ms), false);
	set_child(o, "dns6", addr6_list(st->dns6, st->n_dns6), true);
	set_str(o, "fqdn", st->fqdn[0] != '\0' ? st->fqdn : NULL);
	set_child(o, "softwire", softwire_obj(st), false);
	set_str(o, "management_family",
		st->mgmt_family == AF_INET6  ? "ipv6"
		: st->mgmt_family == AF_INET ? "ipv4"
					     : NULL);
	set_host(o, "syslog", &st->syslog);
	set_host(o, "config_server", &st->cfg_server);
	set_str(o, "config_file",
		st->cfg_file[0] != '\0' ? st->cfg_file : NULL);
	set_str(o, "last_error",
		st->last_error[0] != '\0' ? st->last_error : NULL);
	set_u64(o, "transitions", st->transitions);
	set_u64(o, "files_ok", st->files_ok);
	set_u64(o, "files_refused", st->files_refused);
	set_u64(o, "events_sent", st->events_sent);
	set_child(o, "inform", inform_obj(st), false);
	return o;
}

int
cp_status_build(struct odict **docp, const struct cp_status_src *src, int pid,
		uint64_t now_ms, int64_t wall_ms, unsigned int max_calls,
		unsigned int max_bindings)
{
	static const char *const keys[4] = {"sip", "registration", "calls",
					    "provisioning"};
	struct odict *doc, *s[4] = {NULL, NULL, NULL, NULL};
	bool want[4];
	unsigned int i;
	int err = 0;

	if (docp == NULL || src == NULL || src->conf == NULL)
		return EINVAL;
	doc = obj_new();
	if (doc == NULL)
		return ENOMEM;
	set_u64(doc, "version", CP_STATUS_VERSION);
	set_str(doc, "instance", src->conf->instance);
	set_int(doc, "pid", pid);
	set_int(doc, "written_ms", wall_ms);
	set_u64(doc, "period_ms", CP_STATUS_PERIOD_MS);
	/* a part that does not run is null; one that runs must be there */
	want[0] = true;
	want[1] = src->reg != NULL;
	want[2] = src->b2bua != NULL;
	want[3] = src->prov != NULL;
	s[0] = sip_section(src);
	s[1] = want[1] ? reg_section(src, now_ms, max_bindings) : NULL;
	s[2] = want[2] ? calls_section(src, now_ms, max_calls) : NULL;
	s[3] = want[3] ? prov_section(src, now_ms) : NULL;
	for (i = 0; i < 4; i++) {
		if (want[i] && s[i] == NULL)
			err = ENOMEM;
		set_child(doc, keys[i], s[i], false);
	}
	/* every key of the top level is there, or the document is not */
	if (!err && odict_count(doc, false) != 9)
		err = ENOMEM;
	if (err) {
		mem_deref(doc);
		return err;
	}
	*docp = doc;
	return 0;
}
