/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registration service (cp_reg.h): allocation, the REGISTER entry
 * point that picks the tenant and its mode, lookups, status, and the pure
 * timing decisions the trunk client and the keep-alive apply.
 */
#include <errno.h>
#include <string.h>

#include "cp_addrs.h"
#include "cp_log.h"
#include "cp_reg_int.h"
#include "cp_route.h"

static void
destructor(void *arg)
{
	struct cp_reg *reg = arg;
	unsigned int i;

	cp_reg_ka_close(reg);
	cp_reg_trunk_close(reg);
	cp_reg_relay_flush(reg);
	cp_reg_lan_flush(reg);
	reg->tok = mem_deref(reg->tok);
	reg->relay = mem_deref(reg->relay);
	reg->lan = mem_deref(reg->lan);
	for (i = 0; i < ESG_CONF_MAX_IFACES; i++)
		reg->sips[i] = mem_deref(reg->sips[i]);
	reg->sip = NULL; /* one of sips[] */
}

/* The route toward the operator: its proxy with the configured transport
 * (libre adds ";lr", RFC 3261 16.12.1.1 loose routing), and the domain
 * of AORs: "domain", else the proxy's host. */
static int
operator_init(struct cp_reg *reg)
{
	const struct esg_conf_sip *s = &reg->conf.sip;
	struct pl pl;
	struct uri u;
	int n;

	pl_set_str(&pl, s->proxy);
	if (s->proxy[0] == '\0' || uri_decode(&u, &pl) != 0)
		return EINVAL;
	/* the same route the B2BUA's INVITEs take */
	if (cp_route_proxy_uri(s, reg->route, sizeof(reg->route)) != 0)
		return EINVAL;
	if (s->domain[0] != '\0')
		n = re_snprintf(reg->domain, sizeof(reg->domain), "%s",
				s->domain);
	else
		n = re_snprintf(reg->domain, sizeof(reg->domain), "%r",
				&u.host);
	if (n <= 0 || (size_t)n >= sizeof(reg->domain))
		return EINVAL;
	return 0;
}

int
cp_reg_alloc_stacks(struct cp_reg **regp, struct sip *const *sips,
		    const struct esg_conf *conf, uint16_t sip_port)
{
	struct cp_reg *reg;
	unsigned int i;
	int err;

	if (regp == NULL || sips == NULL || conf == NULL ||
	    conf->nb_ifaces > ESG_CONF_MAX_IFACES)
		return EINVAL;
	if (conf->sip.enabled &&
	    (conf->sip.wan_iface < 0 ||
	     (unsigned int)conf->sip.wan_iface >= conf->nb_ifaces ||
	     sips[conf->sip.wan_iface] == NULL))
		return EINVAL;
	reg = mem_zalloc(sizeof(*reg), destructor);
	if (reg == NULL)
		return ENOMEM;
	reg->conf = *conf;
	for (i = 0; i < conf->nb_ifaces; i++)
		reg->sips[i] = mem_ref(sips[i]);
	if (conf->sip.wan_iface >= 0 &&
	    (unsigned int)conf->sip.wan_iface < conf->nb_ifaces)
		reg->sip = reg->sips[conf->sip.wan_iface];
	reg->sip_port = sip_port != 0 ? sip_port : 5060;
	tmr_init(&reg->ka_tmr);
	reg->ka.state = reg->conf.sip.options_interval_s > 0 ? CP_REG_KA_UNKNOWN
							     : CP_REG_KA_OFF;
	err = hash_alloc(&reg->lan, CP_REG_HASH);
	if (err)
		goto out;
	err = hash_alloc(&reg->relay, CP_REG_HASH);
	if (err)
		goto out;
	err = hash_alloc(&reg->tok, CP_REG_HASH);
	if (err)
		goto out;
	if (reg->conf.sip.enabled) {
		err = operator_init(reg);
		if (err)
			goto out;
	}
	err = cp_reg_trunk_init(reg);
	if (err)
		goto out;
	*regp = reg;
	return 0;
out:
	mem_deref(reg);
	return err;
}

int
cp_reg_alloc(struct cp_reg **regp, struct sip *sip, const struct esg_conf *conf,
	     uint16_t sip_port)
{
	struct sip *sips[ESG_CONF_MAX_IFACES];
	unsigned int i;

	if (sip == NULL)
		return EINVAL;
	for (i = 0; i < ESG_CONF_MAX_IFACES; i++)
		sips[i] = sip;
	return cp_reg_alloc_stacks(regp, sips, conf, sip_port);
}

int
cp_reg_start(struct cp_reg *reg)
{
	if (reg == NULL)
		return EINVAL;
	if (!reg->conf.sip.enabled)
		return 0;
	cp_reg_trunk_start(reg);
	cp_reg_ka_start(reg);
	return 0;
}

static bool
addr_eq(const struct sa *a, int family, const void *addr)
{
	if (sa_af(a) != family)
		return false;
	if (family == AF_INET)
		return memcmp(&a->u.in.sin_addr, addr, 4) == 0;
	return memcmp(&a->u.in6.sin6_addr, addr, 16) == 0;
}

static bool
prefix_has(const struct sa *a, int family, const void *pfx, unsigned int len)
{
	const uint8_t *x, *p = pfx;
	unsigned int i, bits;

	if (sa_af(a) != family)
		return false;
	x = family == AF_INET ? (const uint8_t *)&a->u.in.sin_addr
			      : (const uint8_t *)&a->u.in6.sin6_addr;
	bits = family == AF_INET ? 32 : 128;
	if (len > bits)
		return false;
	for (i = 0; i < len / 8; i++)
		if (x[i] != p[i])
			return false;
	if (len % 8 != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - len % 8));

		if ((x[i] & m) != (p[i] & m))
			return false;
	}
	return true;
}

/* Is local an own address of interface idx: configured, or leased by
 * provisioning (cp_addrs.h)? */
static bool
iface_owns(const struct cp_reg *reg, unsigned int idx, const struct sa *local)
{
	const struct esg_conf_iface *ifc = &reg->conf.iface[idx];
	unsigned int i, k;

	for (i = 0; i < ifc->nb_addr4; i++)
		if (addr_eq(local, AF_INET, &ifc->addr4[i].u.v4))
			return true;
	for (i = 0; i < ifc->nb_addr6; i++)
		if (addr_eq(local, AF_INET6, &ifc->addr6[i].u.v6))
			return true;
	return cp_addrs_find(local, &k) == 0 && k == idx;
}

static bool
source_allowed(const struct esg_conf_tenant *t,
	       const struct esg_conf_iface *ifc, const struct sa *src)
{
	unsigned int i;

	for (i = 0; i < t->nb_sources; i++)
		if (prefix_has(src, t->sources[i].family, &t->sources[i].u,
			       t->sources[i].prefixlen))
			return true;
	if (t->nb_sources > 0)
		return false;
	for (i = 0; i < ifc->nb_addr4; i++)
		if (prefix_has(src, AF_INET, &ifc->addr4[i].u.v4,
			       ifc->addr4[i].prefixlen))
			return true;
	for (i = 0; i < ifc->nb_addr6; i++)
		if (prefix_has(src, AF_INET6, &ifc->addr6[i].u.v6,
			       ifc->addr6[i].prefixlen))
			return true;
	return false;
}

struct sip *
cp_reg_stack_of(const struct cp_reg *reg, const struct sip_msg *msg)
{
	unsigned int i;

	for (i = 0; i < reg->conf.nb_ifaces; i++)
		if (reg->sips[i] != NULL && iface_owns(reg, i, &msg->dst))
			return reg->sips[i];
	return NULL;
}

int
cp_reg_tenant_of(const struct cp_reg *reg, const struct sa *local,
		 const struct sa *src, unsigned int *tenantp)
{
	const struct esg_conf_sip *s;
	unsigned int i;

	if (reg == NULL || local == NULL || src == NULL || tenantp == NULL)
		return EINVAL;
	s = &reg->conf.sip;
	for (i = 0; i < s->nb_tenants; i++) {
		const struct esg_conf_tenant *t = &s->tenant[i];
		const struct esg_conf_iface *ifc;

		if (t->lan_iface < 0 ||
		    (unsigned int)t->lan_iface >= reg->conf.nb_ifaces)
			continue;
		ifc = &reg->conf.iface[t->lan_iface];
		if (!iface_owns(reg, (unsigned int)t->lan_iface, local) ||
		    !source_allowed(t, ifc, src))
			continue;
		*tenantp = i;
		return 0;
	}
	return EPERM;
}

int
cp_reg_reply(struct cp_reg *reg, struct sip_strans **stp,
	     const struct sip_msg *msg, uint16_t scode, const char *reason,
	     const char *fmt, ...)
{
	struct sip *sip = cp_reg_stack_of(reg, msg);
	struct mbuf *mb;
	va_list ap;
	int err;

	if (sip == NULL)
		return ENOENT; /* cp_reg_request() checked it */
	mb = mbuf_alloc(512);
	if (mb == NULL) {
		err = ENOMEM;
		goto out;
	}
	if (fmt != NULL) {
		va_start(ap, fmt);
		err = mbuf_vprintf(mb, fmt, ap);
		va_end(ap);
		if (err)
			goto out;
	}
	err = sip_treplyf(stp, NULL, sip, msg, false, scode, reason,
			  "%bContent-Length: 0\r\n\r\n", mb->buf, mb->end);
out:
	mem_deref(mb);
	if (err) {
		reg->c.reply_err++;
		cp_warn("SIP: cannot answer REGISTER (Call-ID %.*s) %u: %s",
			(int)msg->callid.l, msg->callid.p, scode,
			strerror(err));
	}
	return err;
}

bool
cp_reg_request(struct cp_reg *reg, const struct sip_msg *msg)
{
	const struct sip_hdr *req;
	unsigned int tenant;
	char src[64];

	if (reg == NULL || msg == NULL || pl_strcmp(&msg->met, "REGISTER"))
		return false;
	/* Answered on the stack it came in, nowhere else (cp_reg.h). */
	if (cp_reg_stack_of(reg, msg) == NULL)
		return false;
	reg->c.registers++;
	re_snprintf(src, sizeof(src), "%J", &msg->src);
	if (!reg->conf.sip.enabled ||
	    cp_reg_tenant_of(reg, &msg->dst, &msg->src, &tenant) != 0) {
		reg->c.forbidden++;
		cp_info("SIP: REGISTER from %s: no tenant allows this source",
			src);
		(void)cp_reg_reply(reg, NULL, msg, 403, "Forbidden", NULL);
		return true;
	}
	/* RFC 3261 10.3.3 (8.2.2.3): no extension is supported here. */
	req = sip_msg_hdr(msg, SIP_HDR_REQUIRE);
	if (req != NULL) {
		(void)cp_reg_reply(reg, NULL, msg, 420, "Bad Extension",
				   "Unsupported: %r\r\n", &req->val);
		return true;
	}
	switch (reg->conf.sip.tenant[tenant].registration) {
	case ESG_REG_STATIC:
		reg->c.forbidden++;
		(void)cp_reg_reply(reg, NULL, msg, 403,
				   "Registration Not Offered", NULL);
		break;
	case ESG_REG_TRUNK:
		cp_reg_lan_request(reg, tenant, msg);
		break;
	case ESG_REG_PER_USER:
		cp_reg_relay_request(reg, tenant, msg);
		break;
	}
	return true;
}

uint32_t
cp_reg_key(unsigned int tenant, const struct pl *user)
{
	return hash_joaat_pl(user) ^ (tenant * 0x9e3779b1u);
}

uint32_t
cp_reg_asked(const struct sip_msg *msg, const struct sip_addr *c, uint32_t dflt)
{
	struct pl v;

	if (c != NULL && msg_param_decode(&c->params, "expires", &v) == 0)
		return pl_u32(&v);
	if (pl_isset(&msg->expires))
		return pl_u32(&msg->expires);
	return dflt;
}

int
cp_reg_lookup(const struct cp_reg *reg, unsigned int tenant,
	      const struct pl *user, struct cp_reg_contact *out)
{
	if (reg == NULL || user == NULL || out == NULL ||
	    tenant >= reg->conf.sip.nb_tenants)
		return EINVAL;
	if (reg->conf.sip.tenant[tenant].registration == ESG_REG_PER_USER)
		return cp_reg_relay_lookup(reg, tenant, user, out);
	return cp_reg_lan_lookup(reg, tenant, user, out);
}

const struct cp_reg_status *
cp_reg_status(const struct cp_reg *reg, unsigned int tenant)
{
	if (reg == NULL || tenant >= reg->conf.sip.nb_tenants)
		return NULL;
	return &reg->trunk[tenant].st;
}

const struct cp_reg_ka_status *
cp_reg_ka_status(const struct cp_reg *reg)
{
	return reg != NULL ? &reg->ka : NULL;
}

const struct cp_reg_counters *
cp_reg_counters(const struct cp_reg *reg)
{
	return reg != NULL ? &reg->c : NULL;
}

const char *
cp_reg_state_str(enum cp_reg_state state)
{
	switch (state) {
	case CP_REG_UNREGISTERED:
		return "unregistered";
	case CP_REG_REGISTERING:
		return "registering";
	case CP_REG_REGISTERED:
		return "registered";
	case CP_REG_FAILED:
		return "failed";
	}
	return "?";
}

const char *
cp_reg_ka_state_str(enum cp_reg_ka_state state)
{
	switch (state) {
	case CP_REG_KA_OFF:
		return "off";
	case CP_REG_KA_UNKNOWN:
		return "unknown";
	case CP_REG_KA_UP:
		return "up";
	case CP_REG_KA_DOWN:
		return "down";
	}
	return "?";
}

void
cp_reg_log_status(const struct cp_reg *reg)
{
	const struct cp_reg_counters *c = &reg->c;
	uint64_t now = tmr_jiffies();
	unsigned int i;

	for (i = 0; i < reg->conf.sip.nb_tenants; i++) {
		const struct cp_reg_status *st = &reg->trunk[i].st;

		if (!reg->trunk[i].active)
			continue;
		cp_notice("SIP: tenant %s trunk %s, expires in %lld s, retry "
			  "in %lld s, last code %u, failures %u in a row, "
			  "attempts %llu",
			  reg->conf.sip.tenant[i].name,
			  cp_reg_state_str(st->state),
			  st->state == CP_REG_REGISTERED
				  ? (long long)(st->expires_ms - now) / 1000
				  : -1LL,
			  st->state == CP_REG_FAILED
				  ? (long long)(st->retry_ms - now) / 1000
				  : -1LL,
			  st->last_code, st->failc,
			  (unsigned long long)st->attempts);
	}
	cp_notice("SIP: proxy keep-alive %s, rtt %u ms, OPTIONS sent %llu, "
		  "answered %llu, failed %llu",
		  cp_reg_ka_state_str(reg->ka.state), reg->ka.rtt_ms,
		  (unsigned long long)reg->ka.sent,
		  (unsigned long long)reg->ka.answered,
		  (unsigned long long)reg->ka.failed);
	cp_notice("SIP: REGISTER %llu, 403 %llu, 423 %llu, 400 %llu, "
		  "bindings +%llu -%llu expired %llu, relayed %llu, "
		  "challenges %llu, relay failures %llu, reply errors %llu",
		  (unsigned long long)c->registers,
		  (unsigned long long)c->forbidden,
		  (unsigned long long)c->too_brief,
		  (unsigned long long)c->bad_request,
		  (unsigned long long)c->bindings_added,
		  (unsigned long long)c->bindings_removed,
		  (unsigned long long)c->bindings_expired,
		  (unsigned long long)c->relayed,
		  (unsigned long long)c->relay_challenge,
		  (unsigned long long)c->relay_failed,
		  (unsigned long long)c->reply_err);
}

uint64_t
cp_reg_backoff_ms(unsigned int min_s, unsigned int max_s, uint32_t failc,
		  uint32_t rnd)
{
	uint64_t wait_ms;
	uint32_t n = failc > 0 ? failc - 1 : 0;

	if (min_s == 0)
		min_s = 1;
	if (max_s < min_s)
		max_s = min_s;
	/* RFC 5626 4.5: wait-time = min(max-time, base-time * 2^failures);
	 * the first failure waits base-time. */
	wait_ms = (uint64_t)min_s * 1000;
	while (n-- > 0 && wait_ms < (uint64_t)max_s * 1000)
		wait_ms *= 2;
	if (wait_ms > (uint64_t)max_s * 1000)
		wait_ms = (uint64_t)max_s * 1000;
	/* ... then a uniform random share of 50% to 100% of it. */
	wait_ms = wait_ms / 2 + (wait_ms / 2) * (rnd % 1001) / 1000;
	return wait_ms > 0 ? wait_ms : 1;
}

uint64_t
cp_reg_refresh_ms(uint32_t granted_s)
{
	/* A refresh sent 32 s (UDP Timer F, RFC 3261 17.1.2.2) plus a
	 * tenth of the interval before expiry ends in time even when
	 * retransmitted to the end; short grants refresh at half. */
	uint64_t g = (uint64_t)granted_s * 1000;
	uint64_t margin = 32000 + g / 10;

	if (g == 0)
		return 1;
	if (g <= 2 * margin)
		return g / 2 > 0 ? g / 2 : 1;
	return g - margin;
}

uint64_t
cp_reg_status_ok(struct cp_reg_status *st, uint64_t now, uint32_t granted_s)
{
	uint64_t wait = cp_reg_refresh_ms(granted_s);

	st->state = CP_REG_REGISTERED;
	st->granted_s = granted_s;
	st->expires_ms = now + (uint64_t)granted_s * 1000;
	st->refresh_ms = now + wait;
	st->retry_ms = 0;
	st->last_code = 200;
	st->last_err = 0;
	st->failc = 0;
	st->successes++;
	return wait;
}

uint64_t
cp_reg_status_fail(struct cp_reg_status *st, uint64_t now, uint16_t code,
		   int err, unsigned int min_s, unsigned int max_s,
		   uint32_t rnd)
{
	uint64_t wait;

	st->failc++;
	st->failures++;
	st->last_code = code;
	st->last_err = err;
	wait = cp_reg_backoff_ms(min_s, max_s, st->failc, rnd);
	st->retry_ms = now + wait;
	/* A binding granted before is still valid until it expires; the
	 * status says failed because the operator refused its refresh. */
	st->state = CP_REG_FAILED;
	return wait;
}

bool
cp_reg_ka_result(struct cp_reg_ka_status *ka, uint64_t sent_ms, uint64_t now,
		 uint16_t code, int err)
{
	enum cp_reg_ka_state old = ka->state;

	if (err == 0 && code != 0) {
		/* Any response, even an error, proves the proxy alive. */
		ka->answered++;
		ka->rtt_ms = (uint32_t)(now - sent_ms);
		ka->last_code = code;
		ka->last_err = 0;
		ka->state = CP_REG_KA_UP;
	} else {
		ka->failed++;
		ka->last_err = err != 0 ? err : ETIMEDOUT;
		ka->state = CP_REG_KA_DOWN;
	}
	if (ka->state == old)
		return false;
	ka->last_change_ms = now;
	return true;
}

struct granted {
	const char *user;
	uint32_t s;
	bool found;
};

static bool
granted_contact_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		  void *arg)
{
	struct granted *g = arg;
	struct sip_addr c;
	struct pl v;

	(void)msg;
	if (sip_addr_decode(&c, &hdr->val) != 0 ||
	    pl_strcmp(&c.uri.user, g->user) != 0 ||
	    msg_param_decode(&c.params, "expires", &v) != 0)
		return false;
	g->s = pl_u32(&v);
	g->found = true;
	return true;
}

uint32_t
cp_reg_granted_s(const struct sip_msg *msg, const char *user, uint32_t fallback)
{
	struct granted g = {.user = user};

	sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, granted_contact_h, &g);
	if (g.found)
		return g.s;
	return pl_isset(&msg->expires) ? pl_u32(&msg->expires) : fallback;
}
