/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mode "trunk" (cp_reg.h): per tenant one registration of its trunk AOR
 * at the operator, through the operator proxy (loose route), RFC 3261
 * 10.2. Our own client over libre's dialog, request and auth layers, not
 * libre's sipreg: sipreg's failure wait is fixed (30 s doubling to 1800 s,
 * libre's random source, not configurable) and its status is not
 * exposed; here the retry is reg_retry_min_s..reg_retry_max_s with the
 * RFC 5626 4.5 back-off of cp_reg_backoff_ms(), and the status is a
 * struct (cp_reg_status()).
 */
#include <errno.h>
#include <string.h>

#include "cp_log.h"
#include "cp_reg_int.h"
#include "cp_sip.h"

static void send_register(struct cp_reg_trunk *t);

static const struct esg_conf_tenant *
tconf(const struct cp_reg_trunk *t)
{
	return &t->reg->conf.sip.tenant[t->idx];
}

static int
auth_h(char **user, char **pass, const char *realm, void *arg)
{
	struct cp_reg_trunk *t = arg;
	const struct esg_conf_trunk *k = &tconf(t)->trunk;
	int err;

	(void)realm;
	if (k->password[0] == '\0')
		return EAUTH; /* challenged, but no credentials configured */
	err = str_dup(user,
		      k->auth_user[0] != '\0' ? k->auth_user : k->username);
	err |= str_dup(pass, k->password);
	return err;
}

static void
refresh_tmr_h(void *arg)
{
	struct cp_reg_trunk *t = arg;

	send_register(t);
}

static void
failed(struct cp_reg_trunk *t, uint16_t code, int err)
{
	const struct esg_conf_sip *s = &t->reg->conf.sip;
	uint64_t wait;

	wait = cp_reg_status_fail(&t->st, tmr_jiffies(), code, err,
				  s->reg_retry_min_s, s->reg_retry_max_s,
				  rand_u32());
	/* Fresh credentials on the next attempt: a new nonce is asked. */
	sip_auth_reset(t->auth);
	tmr_start(&t->tmr, wait, refresh_tmr_h, t);
	cp_warn("SIP: tenant %s: trunk REGISTER failed (%u%s%s), %u in a "
		"row; retry in %llu ms",
		tconf(t)->name, code, err ? ", " : "", err ? strerror(err) : "",
		t->st.failc, (unsigned long long)wait);
}

static void
resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct cp_reg_trunk *t = arg;
	const struct sip_hdr *h;
	uint32_t granted_s;
	uint64_t wait;
	uint32_t min;

	if (err != 0 || msg == NULL) {
		failed(t, 0, err != 0 ? err : EPROTO);
		return;
	}
	if (msg->scode < 200)
		return;
	if (msg->scode < 300) {
		granted_s = cp_reg_granted_s(msg, tconf(t)->trunk.username,
					     t->expires_s);
		if (granted_s == 0) {
			/* 2xx that binds nothing: not registered. */
			failed(t, msg->scode, EPROTO);
			return;
		}
		wait = cp_reg_status_ok(&t->st, tmr_jiffies(), granted_s);
		t->st.last_code = msg->scode;
		tmr_start(&t->tmr, wait, refresh_tmr_h, t);
		cp_info("SIP: tenant %s: trunk registered for %u s, refresh "
			"in %llu ms",
			tconf(t)->name, granted_s, (unsigned long long)wait);
		return;
	}
	switch (msg->scode) {
	case 401:
	case 407:
		/* RFC 3261 22.2: answer the challenge once; a second one
		 * for the same realm (not stale) means bad credentials and
		 * sip_auth_authenticate() says EAUTH. */
		err = sip_auth_authenticate(t->auth, msg);
		if (err == 0) {
			send_register(t);
			return;
		}
		break;
	case 423:
		/* RFC 3261 10.2.8: ask again with at least Min-Expires. */
		h = sip_msg_hdr(msg, SIP_HDR_MIN_EXPIRES);
		min = h != NULL ? pl_u32(&h->val) : 0;
		if (min > t->expires_s && min <= 86400) {
			t->expires_s = min;
			send_register(t);
			return;
		}
		break;
	default:
		break;
	}
	failed(t, msg->scode, 0);
}

static int
send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
       struct mbuf *mb, void *arg)
{
	struct cp_reg_trunk *t = arg;

	int err;

	/* Our Contact: the trunk user at the address the request leaves
	 * from (the WAN side), where the operator sends calls; over TCP/TLS
	 * with the listening port (cp_sip_contact.c). */
	err = cp_sip_contact_print(mb, t->reg->sip, tp, src, dst,
				   tconf(t)->trunk.username);
	return err ? err : mbuf_printf(mb, ";expires=%u\r\n", t->expires_s);
}

static void
send_register(struct cp_reg_trunk *t)
{
	int err;

	tmr_cancel(&t->tmr);
	t->req = mem_deref(t->req);
	t->st.attempts++;
	t->st.state = CP_REG_REGISTERING;
	err = sip_drequestf(&t->req, t->reg->sip, true, "REGISTER", t->dlg, 0,
			    t->auth, send_h, resp_h, t,
			    "Expires: %u\r\n"
			    "Content-Length: 0\r\n\r\n",
			    t->expires_s);
	if (err)
		failed(t, 0, err);
}

/* The AOR: "aor", else sip:username@domain. */
static int
trunk_alloc(struct cp_reg *reg, struct cp_reg_trunk *t)
{
	const struct esg_conf_trunk *k = &tconf(t)->trunk;
	const char *routev[1] = {reg->route};
	char aor[CP_REG_URI_LEN], ruri[CP_REG_URI_LEN];
	int n;

	if (k->aor[0] != '\0')
		n = re_snprintf(aor, sizeof(aor), "%s", k->aor);
	else
		n = re_snprintf(aor, sizeof(aor), "sip:%s@%s", k->username,
				reg->domain);
	if (n <= 0 || (size_t)n >= sizeof(aor))
		return EINVAL;
	/* RFC 3261 10.2: the Request-URI names the domain of the
	 * registrar, without user part. */
	n = re_snprintf(ruri, sizeof(ruri), "sip:%s", reg->domain);
	if (n <= 0 || (size_t)n >= sizeof(ruri))
		return EINVAL;
	t->expires_s = k->expires_s != 0 ? k->expires_s : 3600;
	if (sip_dialog_alloc(&t->dlg, ruri, aor, NULL, aor, routev, 1) != 0 ||
	    sip_auth_alloc(&t->auth, auth_h, t, false) != 0)
		return ENOMEM;
	return 0;
}

int
cp_reg_trunk_init(struct cp_reg *reg)
{
	const struct esg_conf_sip *s = &reg->conf.sip;
	unsigned int i;
	int err;

	for (i = 0; i < ESG_CONF_MAX_TENANTS; i++) {
		struct cp_reg_trunk *t = &reg->trunk[i];

		t->reg = reg;
		t->idx = i;
		tmr_init(&t->tmr);
		t->st.state = CP_REG_UNREGISTERED;
		if (!s->enabled || i >= s->nb_tenants ||
		    s->tenant[i].registration != ESG_REG_TRUNK ||
		    s->tenant[i].trunk.username[0] == '\0')
			continue;
		err = trunk_alloc(reg, t);
		if (err)
			return err;
		t->active = true;
	}
	return 0;
}

void
cp_reg_trunk_start(struct cp_reg *reg)
{
	unsigned int i;

	for (i = 0; i < ESG_CONF_MAX_TENANTS; i++)
		if (reg->trunk[i].active && reg->trunk[i].req == NULL)
			send_register(&reg->trunk[i]);
}

void
cp_reg_wan_changed(struct cp_reg *reg)
{
	unsigned int i;

	if (reg == NULL || !reg->conf.sip.enabled)
		return;
	for (i = 0; i < ESG_CONF_MAX_TENANTS; i++) {
		struct cp_reg_trunk *t = &reg->trunk[i];

		if (!t->active)
			continue;
		cp_info("SIP: tenant %s: WAN address changed, registering "
			"the trunk again",
			tconf(t)->name);
		t->st.failc = 0;
		/* a new nonce for the new source (RFC 3261 22.4) */
		sip_auth_reset(t->auth);
		send_register(t);
	}
}

/* The bindings at the operator are left to expire: a restarted ESG
 * registers again with a new Call-ID and replaces nothing it should not
 * (docs/registration.md, limits). */
void
cp_reg_trunk_close(struct cp_reg *reg)
{
	unsigned int i;

	for (i = 0; i < ESG_CONF_MAX_TENANTS; i++) {
		struct cp_reg_trunk *t = &reg->trunk[i];

		tmr_cancel(&t->tmr);
		t->req = mem_deref(t->req);
		t->auth = mem_deref(t->auth);
		t->dlg = mem_deref(t->dlg);
	}
}
