/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mode "per-user" (cp_reg.h): a phone's REGISTER is relayed to the
 * operator as a new request of the ESG, a UAC of its own (RFC 3261 10.2):
 * own Call-ID, From tag and Via, kept for the binding's lifetime so that
 * refreshes are in sequence (10.2.4). AOR = the phone's user at the
 * operator domain; Contact = sip:<token>@<the ESG's address toward the
 * operator>, token random and unique per binding, so that an INVITE from
 * the operator to that contact finds the phone (cp_reg_lookup_token()).
 *
 * Authentication (RFC 3261 22): the operator's 401/407 is passed back to
 * the phone with its WWW-Authenticate/Proxy-Authenticate; the phone's
 * next REGISTER carries its answer, which is copied into the relayed
 * request. The ESG holds no user's password. The digest covers the
 * Request-URI the phone used: phones register to the operator's domain
 * with the ESG as outbound proxy (docs/registration.md).
 */
#include <errno.h>
#include <string.h>

#include "cp_log.h"
#include "cp_reg_int.h"

static void
relay_destructor(void *arg)
{
	struct cp_reg_relay *b = arg;

	tmr_cancel(&b->tmr);
	hash_unlink(&b->he);
	hash_unlink(&b->he_tok);
	b->req = mem_deref(b->req);
	if (b->st != NULL)
		(void)sip_treply(&b->st, cp_reg_stack_of(b->reg, b->pmsg),
				 b->pmsg, 503, "Service Unavailable");
	b->st = mem_deref(b->st);
	b->pmsg = mem_deref(b->pmsg);
	b->dlg = mem_deref(b->dlg);
}

static const char *
tname(const struct cp_reg_relay *b)
{
	return b->reg->conf.sip.tenant[b->tenant].name;
}

static void
expire_h(void *arg)
{
	struct cp_reg_relay *b = arg;

	b->reg->c.bindings_expired++;
	cp_info("SIP: tenant %s: per-user binding of %s expired", tname(b),
		b->user);
	mem_deref(b);
}

static struct cp_reg_relay *
find(const struct cp_reg *reg, unsigned int tenant, const struct pl *user)
{
	struct le *le;

	le = hash_list(reg->relay, cp_reg_key(tenant, user))->head;
	for (; le != NULL; le = le->next) {
		struct cp_reg_relay *b = le->data;

		if (b->tenant == tenant && pl_strcmp(user, b->user) == 0)
			return b;
	}
	return NULL;
}

static struct cp_reg_relay *
find_token(const struct cp_reg *reg, const struct pl *token)
{
	struct le *le;

	le = hash_list(reg->tok, hash_joaat_pl(token))->head;
	for (; le != NULL; le = le->next) {
		struct cp_reg_relay *b = le->data;

		if (pl_strcmp(token, b->c.token) == 0)
			return b;
	}
	return NULL;
}

static int
relay_alloc(struct cp_reg_relay **bp, struct cp_reg *reg, unsigned int tenant,
	    const struct pl *user)
{
	const char *routev[1] = {reg->route};
	char aor[CP_REG_URI_LEN], ruri[CP_REG_URI_LEN];
	struct cp_reg_relay *b;
	struct pl tok;
	int err, n;

	if (user->l >= CP_REG_USER_LEN)
		return EOVERFLOW;
	b = mem_zalloc(sizeof(*b), relay_destructor);
	if (b == NULL)
		return ENOMEM;
	b->reg = reg;
	b->tenant = tenant;
	tmr_init(&b->tmr);
	pl_strcpy(user, b->user, sizeof(b->user));
	/* A token nobody can guess, unique among live bindings. */
	do {
		re_snprintf(b->c.token, sizeof(b->c.token), "e%08x%08x",
			    rand_u32(), rand_u32());
		pl_set_str(&tok, b->c.token);
	} while (find_token(reg, &tok) != NULL);
	n = re_snprintf(aor, sizeof(aor), "sip:%s@%s", b->user, reg->domain);
	err = n <= 0 || (size_t)n >= sizeof(aor) ? EOVERFLOW : 0;
	n = re_snprintf(ruri, sizeof(ruri), "sip:%s", reg->domain);
	if (err == 0 && (n <= 0 || (size_t)n >= sizeof(ruri)))
		err = EOVERFLOW;
	if (err == 0)
		err = sip_dialog_alloc(&b->dlg, ruri, aor, NULL, aor, routev,
				       1);
	if (err) {
		mem_deref(b);
		return err;
	}
	hash_append(reg->relay, cp_reg_key(tenant, user), &b->he, b);
	hash_append(reg->tok, hash_joaat_pl(&tok), &b->he_tok, b);
	*bp = b;
	return 0;
}

/* Answer the phone's pending REGISTER with an error. */
static void
answer(struct cp_reg_relay *b, uint16_t scode, const char *reason)
{
	if (b->st == NULL)
		return;
	(void)cp_reg_reply(b->reg, &b->st, b->pmsg, scode, reason, NULL);
	b->st = NULL; /* libre ends the transaction itself */
	b->pmsg = mem_deref(b->pmsg);
}

static bool
copy_h(const struct sip_hdr *hdr, const struct sip_msg *msg, void *arg)
{
	struct mbuf *mb = arg;

	(void)msg;
	(void)mbuf_printf(mb, "%r: %r\r\n", &hdr->name, &hdr->val);
	return false;
}

static void
granted(struct cp_reg_relay *b, const struct sip_msg *msg)
{
	struct cp_reg *reg = b->reg;
	uint32_t gs = cp_reg_granted_s(msg, b->c.token, b->asked_s);
	uint64_t now = tmr_jiffies();

	if (b->asked_s == 0 || gs == 0) {
		cp_info("SIP: tenant %s: %s unregistered at the operator",
			tname(b), b->user);
		if (b->st != NULL) {
			(void)cp_reg_reply(reg, &b->st, b->pmsg, 200, "OK",
					   "Date: %H\r\n", fmt_gmtime, NULL);
			b->st = NULL;
			b->pmsg = mem_deref(b->pmsg);
		}
		reg->c.bindings_removed++;
		mem_deref(b);
		return;
	}
	if (!b->live)
		reg->c.bindings_added++;
	b->live = true;
	b->c = b->pend;
	b->c.expires_ms = now + (uint64_t)gs * 1000;
	tmr_start(&b->tmr, (uint64_t)gs * 1000, expire_h, b);
	cp_info("SIP: tenant %s: %s registered at the operator for %u s as "
		"%s",
		tname(b), b->user, gs, b->c.token);
	if (b->st != NULL) {
		/* 10.3 step 8: the phone sees its own contact and the
		 * expiry the operator granted. */
		(void)cp_reg_reply(reg, &b->st, b->pmsg, 200, "OK",
				   "Contact: <%s>;expires=%u\r\n"
				   "Date: %H\r\n",
				   b->c.uri, gs, fmt_gmtime, NULL);
		b->st = NULL;
		b->pmsg = mem_deref(b->pmsg);
	}
}

static void
resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct cp_reg_relay *b = arg;
	struct cp_reg *reg = b->reg;
	struct mbuf *mb;

	if (err != 0 || msg == NULL) {
		reg->c.relay_failed++;
		cp_warn("SIP: tenant %s: REGISTER of %s to the operator: %s",
			tname(b), b->user, strerror(err ? err : EPROTO));
		/* RFC 3261 16.7 step 6 style: no answer upstream is a 408
		 * toward the phone; a local error is a 503. */
		answer(b, err == ETIMEDOUT ? 408 : 503,
		       err == ETIMEDOUT ? "Request Timeout"
					: "Service Unavailable");
		if (!b->live)
			mem_deref(b);
		return;
	}
	if (msg->scode < 200)
		return;
	if (msg->scode < 300) {
		granted(b, msg);
		return;
	}
	mb = mbuf_alloc(512);
	if (mb != NULL) {
		/* RFC 3261 22.3: the challenge reaches the phone as is; the
		 * realm and nonce are the operator's. 423 keeps its
		 * Min-Expires (10.2.8). */
		sip_msg_hdr_apply(msg, true, SIP_HDR_WWW_AUTHENTICATE, copy_h,
				  mb);
		sip_msg_hdr_apply(msg, true, SIP_HDR_PROXY_AUTHENTICATE, copy_h,
				  mb);
		sip_msg_hdr_apply(msg, true, SIP_HDR_MIN_EXPIRES, copy_h, mb);
		sip_msg_hdr_apply(msg, true, SIP_HDR_RETRY_AFTER, copy_h, mb);
	}
	if (msg->scode == 401 || msg->scode == 407)
		reg->c.relay_challenge++;
	else
		reg->c.relay_failed++;
	if (b->st != NULL) {
		char reason[64];

		pl_strcpy(&msg->reason, reason, sizeof(reason));
		(void)cp_reg_reply(reg, &b->st, b->pmsg, msg->scode, reason,
				   "%b", mb != NULL ? mb->buf : NULL,
				   mb != NULL ? mb->end : (size_t)0);
		b->st = NULL;
		b->pmsg = mem_deref(b->pmsg);
	}
	mem_deref(mb);
	/* A refused refresh leaves the old binding until it expires. */
	if (!b->live && msg->scode != 401 && msg->scode != 407)
		mem_deref(b);
}

static int
send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
       struct mbuf *mb, void *arg)
{
	struct cp_reg_relay *b = arg;

	(void)dst;
	/* The WAN contact: the token at the address the request leaves
	 * from, the ESG's side toward the operator. */
	return mbuf_printf(mb, "Contact: <sip:%s@%J%s>;expires=%u\r\n",
			   b->c.token, src, sip_transp_param(tp), b->asked_s);
}

static void
relay(struct cp_reg_relay *b, const struct sip_msg *msg)
{
	struct cp_reg *reg = b->reg;
	struct mbuf *cred = mbuf_alloc(512);
	int err;

	if (cred == NULL) {
		answer(b, 500, "Server Error");
		return;
	}
	/* The phone's answer to a relayed challenge (RFC 3261 22.2/22.3). */
	sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION, copy_h, cred);
	sip_msg_hdr_apply(msg, true, SIP_HDR_PROXY_AUTHORIZATION, copy_h, cred);
	b->req = mem_deref(b->req);
	err = sip_drequestf(&b->req, reg->sip, true, "REGISTER", b->dlg, 0,
			    NULL, send_h, resp_h, b,
			    "%b"
			    "Expires: %u\r\n"
			    "Content-Length: 0\r\n\r\n",
			    cred->buf, cred->end, b->asked_s);
	mem_deref(cred);
	if (err) {
		reg->c.relay_failed++;
		answer(b, 503, "Service Unavailable");
		if (!b->live)
			mem_deref(b);
		return;
	}
	reg->c.relayed++;
}

/* The phone's one contact (or "*"), and the expiry it asks. */
static bool
contact_get(const struct sip_msg *msg, struct sip_addr *c, bool *star,
	    unsigned int *n)
{
	struct le *le;

	*star = false;
	*n = 0;
	for (le = msg->hdrl.head; le != NULL; le = le->next) {
		const struct sip_hdr *h = le->data;

		if (h->id != SIP_HDR_CONTACT)
			continue;
		if (pl_strcmp(&h->val, "*") == 0) {
			*star = true;
			continue;
		}
		if (sip_addr_decode(c, &h->val) != 0)
			return false;
		(*n)++;
	}
	return true;
}

void
cp_reg_relay_request(struct cp_reg *reg, unsigned int tenant,
		     const struct sip_msg *msg)
{
	struct cp_reg_relay *b;
	struct sip_addr c;
	const struct pl *user = &msg->to.uri.user;
	unsigned int n;
	uint32_t asked;
	bool star;
	int err;

	if (!pl_isset(user) || user->l >= CP_REG_USER_LEN) {
		reg->c.bad_request++;
		(void)cp_reg_reply(reg, NULL, msg, 404, "Not Found", NULL);
		return;
	}
	if (!contact_get(msg, &c, &star, &n) || n > 1 || (star && n > 0) ||
	    (n == 1 && c.auri.l >= CP_REG_URI_LEN) ||
	    (star && (!pl_isset(&msg->expires) || pl_u32(&msg->expires)))) {
		/* One contact per phone; "*" only with Expires: 0. */
		reg->c.bad_request++;
		(void)cp_reg_reply(reg, NULL, msg, 400, "Bad Contact", NULL);
		return;
	}
	b = find(reg, tenant, user);
	if (n == 0 && !star) {
		/* RFC 3261 10.3 step 8: a query lists the bindings. */
		if (b != NULL && b->live)
			(void)cp_reg_reply(
				reg, NULL, msg, 200, "OK",
				"Contact: <%s>;expires=%llu\r\n", b->c.uri,
				(unsigned long long)(b->c.expires_ms -
						     tmr_jiffies()) /
					1000);
		else
			(void)cp_reg_reply(reg, NULL, msg, 200, "OK", NULL);
		return;
	}
	asked = star ? 0 : cp_reg_asked(msg, &c, CP_REG_DEFAULT_EXPIRES);
	if (asked > 0 && asked < CP_REG_MIN_EXPIRES) {
		reg->c.too_brief++;
		(void)cp_reg_reply(reg, NULL, msg, 423, "Interval Too Brief",
				   "Min-Expires: %u\r\n", CP_REG_MIN_EXPIRES);
		return;
	}
	if (asked > CP_REG_MAX_EXPIRES)
		asked = CP_REG_MAX_EXPIRES;
	if (b == NULL && asked == 0) {
		(void)cp_reg_reply(reg, NULL, msg, 200, "OK", NULL);
		return;
	}
	if (b != NULL && b->st != NULL) {
		/* One relayed REGISTER per binding at a time (10.2: a UA
		 * does not send a new REGISTER before the last ended). */
		(void)cp_reg_reply(reg, NULL, msg, 500, "Request Pending",
				   "Retry-After: 1\r\n");
		return;
	}
	if (b == NULL) {
		err = relay_alloc(&b, reg, tenant, user);
		if (err) {
			(void)cp_reg_reply(reg, NULL, msg, 500, "Server Error",
					   NULL);
			return;
		}
	}
	/* The phone's transaction lives on the stack its REGISTER came
	 * in (the LAN one): its retransmissions are absorbed there. */
	err = sip_strans_alloc(&b->st, cp_reg_stack_of(reg, msg), msg, NULL,
			       NULL);
	if (err) {
		(void)cp_reg_reply(reg, NULL, msg, 500, "Server Error", NULL);
		if (!b->live)
			mem_deref(b);
		return;
	}
	b->pmsg = mem_ref((void *)msg);
	b->asked_s = asked;
	if (!star) {
		pl_strcpy(&c.auri, b->pend.uri, sizeof(b->pend.uri));
		re_snprintf(b->pend.token, sizeof(b->pend.token), "%s",
			    b->c.token);
		b->pend.dst = msg->src;
		b->pend.tp = msg->tp;
	}
	relay(b, msg);
}

int
cp_reg_relay_lookup(const struct cp_reg *reg, unsigned int tenant,
		    const struct pl *user, struct cp_reg_contact *out)
{
	const struct cp_reg_relay *b = find(reg, tenant, user);

	if (b == NULL || !b->live)
		return ENOENT;
	*out = b->c;
	return 0;
}

int
cp_reg_lookup_token(const struct cp_reg *reg, const struct pl *token,
		    unsigned int *tenantp, struct cp_reg_contact *out)
{
	const struct cp_reg_relay *b;

	if (reg == NULL || token == NULL || out == NULL)
		return EINVAL;
	b = find_token(reg, token);
	if (b == NULL || !b->live)
		return ENOENT;
	if (tenantp != NULL)
		*tenantp = b->tenant;
	*out = b->c;
	return 0;
}

void
cp_reg_relay_flush(struct cp_reg *reg)
{
	hash_flush(reg->relay);
	/* Every relay binding was in both tables: unlinked by its
	 * destructor already. */
}
