/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LAN registrar and location table (cp_reg.h) of "trunk" tenants:
 * RFC 3261 10.3. The PBX (or a phone) REGISTERs its contact to the ESG;
 * the B2BUA finds it with cp_reg_lookup(). The source has been checked
 * by cp_reg_request() (403 otherwise). A binding keeps where the
 * REGISTER came from: calls go to that address and port, so a PBX behind
 * a NAT is reached on its mapping, not on its private Contact host.
 */
#include <errno.h>
#include <string.h>

#include "cp_log.h"
#include "cp_reg_int.h"

static void
lan_destructor(void *arg)
{
	struct cp_reg_lan *b = arg;

	tmr_cancel(&b->tmr);
	hash_unlink(&b->he);
}

struct aor {
	unsigned int tenant;
	struct pl user;
};

static bool
aor_cmp(struct le *le, void *arg)
{
	const struct cp_reg_lan *b = le->data;
	const struct aor *a = arg;

	return b->tenant == a->tenant && pl_strcmp(&a->user, b->user) == 0;
}

static void
expire_h(void *arg)
{
	struct cp_reg_lan *b = arg;

	b->reg->c.bindings_expired++;
	cp_info("SIP: tenant %s: binding of %s (%s) expired",
		b->reg->conf.sip.tenant[b->tenant].name, b->user, b->c.uri);
	mem_deref(b);
}

/* What a REGISTER asks, checked before anything changes (10.3 step 6-7:
 * the request is applied as a whole or not at all). */
struct lan_req {
	struct cp_reg *reg;
	unsigned int tenant;
	const struct sip_msg *msg;
	struct pl user;
	bool star;
	unsigned int n;
	uint16_t scode; /* an error found, 0 = none */
	const char *reason;
	struct sip_addr c[CP_REG_MAX_CONTACTS];
};

static bool
check_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct lan_req *r = arg;
	struct sip_addr a;

	(void)msg;
	if (pl_strcmp(&hdr->val, "*") == 0) {
		r->star = true;
		return false;
	}
	if (sip_addr_decode(&a, &hdr->val) != 0) {
		r->scode = 400;
		r->reason = "Bad Contact";
		return true;
	}
	if (r->n == CP_REG_MAX_CONTACTS) {
		r->scode = 403;
		r->reason = "Too Many Contacts";
		return true;
	}
	r->c[r->n++] = a;
	return false;
}

static struct cp_reg_lan *
find(struct cp_reg *reg, unsigned int tenant, const struct pl *user,
     const struct pl *uri)
{
	struct le *le;

	le = hash_list(reg->lan, cp_reg_key(tenant, user))->head;
	for (; le != NULL; le = le->next) {
		struct cp_reg_lan *b = le->data;

		if (b->tenant == tenant && pl_strcmp(user, b->user) == 0 &&
		    pl_strcmp(uri, b->c.uri) == 0)
			return b;
	}
	return NULL;
}

static unsigned int
count(struct cp_reg *reg, unsigned int tenant, const struct pl *user)
{
	struct aor a = {tenant, *user};
	struct le *le;
	unsigned int n = 0;

	le = hash_list(reg->lan, cp_reg_key(tenant, user))->head;
	for (; le != NULL; le = le->next)
		if (aor_cmp(le, &a))
			n++;
	return n;
}

/* Step 7 for one contact: add, update or remove its binding. */
static int
apply(struct lan_req *r, const struct sip_addr *c, uint32_t exp_s, uint64_t now)
{
	struct cp_reg *reg = r->reg;
	const struct sip_msg *msg = r->msg;
	struct cp_reg_lan *b;

	b = find(reg, r->tenant, &r->user, &c->auri);
	if (b != NULL && pl_strcmp(&msg->callid, b->callid) == 0 &&
	    msg->cseq.num <= b->cseq)
		return EALREADY; /* an older or repeated request */
	if (exp_s == 0) {
		if (b != NULL) {
			reg->c.bindings_removed++;
			mem_deref(b);
		}
		return 0;
	}
	if (b == NULL) {
		if (c->auri.l >= CP_REG_URI_LEN || r->user.l >= CP_REG_USER_LEN)
			return EOVERFLOW;
		if (count(reg, r->tenant, &r->user) >= CP_REG_MAX_CONTACTS)
			return ENOSPC;
		b = mem_zalloc(sizeof(*b), lan_destructor);
		if (b == NULL)
			return ENOMEM;
		b->reg = reg;
		b->tenant = r->tenant;
		tmr_init(&b->tmr);
		pl_strcpy(&r->user, b->user, sizeof(b->user));
		pl_strcpy(&c->auri, b->c.uri, sizeof(b->c.uri));
		hash_append(reg->lan, cp_reg_key(r->tenant, &r->user), &b->he,
			    b);
		reg->c.bindings_added++;
	}
	pl_strcpy(&msg->callid, b->callid, sizeof(b->callid));
	b->cseq = msg->cseq.num;
	b->c.dst = msg->src;
	b->c.tp = msg->tp;
	b->c.token[0] = '\0';
	b->c.expires_ms = now + (uint64_t)exp_s * 1000;
	b->updated_ms = now;
	tmr_start(&b->tmr, (uint64_t)exp_s * 1000, expire_h, b);
	return 0;
}

/* Step 8: 200 lists every current binding of the AOR, with Date. */
static void
reply_ok(struct lan_req *r, uint64_t now)
{
	struct cp_reg *reg = r->reg;
	struct aor a = {r->tenant, r->user};
	struct mbuf *mb = mbuf_alloc(512);
	struct le *le;
	int err = 0;

	if (mb == NULL) {
		(void)cp_reg_reply(reg, NULL, r->msg, 500, "Server Error",
				   NULL);
		return;
	}
	le = hash_list(reg->lan, cp_reg_key(r->tenant, &r->user))->head;
	for (; le != NULL; le = le->next) {
		const struct cp_reg_lan *b = le->data;

		if (!aor_cmp(le, &a))
			continue;
		err |= mbuf_printf(
			mb, "Contact: <%s>;expires=%llu\r\n", b->c.uri,
			(unsigned long long)(b->c.expires_ms - now + 999) /
				1000);
	}
	err |= mbuf_printf(mb, "Date: %H\r\n", fmt_gmtime, NULL);
	if (err == 0)
		(void)cp_reg_reply(reg, NULL, r->msg, 200, "OK", "%b", mb->buf,
				   mb->end);
	else
		(void)cp_reg_reply(reg, NULL, r->msg, 500, "Server Error",
				   NULL);
	mem_deref(mb);
}

static void
remove_all(struct cp_reg *reg, unsigned int tenant, const struct pl *user)
{
	struct aor a = {tenant, *user};
	struct le *le;

	le = hash_list(reg->lan, cp_reg_key(tenant, user))->head;
	while (le != NULL) {
		struct cp_reg_lan *b = le->data;

		le = le->next;
		if (aor_cmp(&b->he, &a)) {
			reg->c.bindings_removed++;
			mem_deref(b);
		}
	}
}

void
cp_reg_lan_request(struct cp_reg *reg, unsigned int tenant,
		   const struct sip_msg *msg)
{
	struct lan_req r;
	uint64_t now = tmr_jiffies();
	uint32_t exp[CP_REG_MAX_CONTACTS];
	unsigned int i;
	int err;

	memset(&r, 0, sizeof(r));
	r.reg = reg;
	r.tenant = tenant;
	r.msg = msg;
	/* 10.3 step 5: the AOR is the To URI; we key it by its user. */
	r.user = msg->to.uri.user;
	if (!pl_isset(&r.user) || r.user.l >= CP_REG_USER_LEN) {
		reg->c.bad_request++;
		(void)cp_reg_reply(reg, NULL, msg, 404, "Not Found", NULL);
		return;
	}
	sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, check_h, &r);
	if (r.scode == 0 && r.star &&
	    (r.n > 0 || !pl_isset(&msg->expires) || pl_u32(&msg->expires))) {
		/* 10.3 step 6: "*" only alone and with Expires: 0. */
		r.scode = 400;
		r.reason = "Invalid Wildcard Contact";
	}
	if (r.scode != 0) {
		if (r.scode == 400)
			reg->c.bad_request++;
		(void)cp_reg_reply(reg, NULL, msg, r.scode, r.reason, NULL);
		return;
	}
	if (r.star) {
		remove_all(reg, tenant, &r.user);
		reply_ok(&r, now);
		return;
	}
	for (i = 0; i < r.n; i++) {
		exp[i] = cp_reg_asked(msg, &r.c[i], CP_REG_DEFAULT_EXPIRES);
		/* 10.3 step 7: too brief is refused (423 with Min-Expires);
		 * too long is cut to our maximum. */
		if (exp[i] > 0 && exp[i] < CP_REG_MIN_EXPIRES) {
			reg->c.too_brief++;
			(void)cp_reg_reply(
				reg, NULL, msg, 423, "Interval Too Brief",
				"Min-Expires: %u\r\n", CP_REG_MIN_EXPIRES);
			return;
		}
		if (exp[i] > CP_REG_MAX_EXPIRES)
			exp[i] = CP_REG_MAX_EXPIRES;
	}
	for (i = 0; i < r.n; i++) {
		err = apply(&r, &r.c[i], exp[i], now);
		if (err == EALREADY) {
			/* 10.3 step 7: "the update MUST be aborted and the
			 * request fails". */
			(void)cp_reg_reply(reg, NULL, msg, 500,
					   "Out Of Order CSeq", NULL);
			return;
		}
		if (err == ENOSPC) {
			(void)cp_reg_reply(reg, NULL, msg, 403,
					   "Too Many Contacts", NULL);
			return;
		}
		if (err) {
			(void)cp_reg_reply(reg, NULL, msg, 500, "Server Error",
					   NULL);
			return;
		}
	}
	cp_info("SIP: tenant %s: REGISTER of %.*s, %u contact(s)",
		reg->conf.sip.tenant[tenant].name, (int)r.user.l, r.user.p,
		r.n);
	reply_ok(&r, now);
}

int
cp_reg_lan_lookup(const struct cp_reg *reg, unsigned int tenant,
		  const struct pl *user, struct cp_reg_contact *out)
{
	const struct cp_reg_lan *best = NULL;
	struct aor a = {tenant, *user};
	struct le *le;

	le = hash_list(reg->lan, cp_reg_key(tenant, user))->head;
	for (; le != NULL; le = le->next) {
		const struct cp_reg_lan *b = le->data;

		if (aor_cmp(le, &a) &&
		    (best == NULL || b->updated_ms >= best->updated_ms))
			best = b;
	}
	if (best == NULL)
		return ENOENT;
	*out = best->c;
	return 0;
}

void
cp_reg_lan_flush(struct cp_reg *reg)
{
	hash_flush(reg->lan);
}
