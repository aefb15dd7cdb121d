/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LAN side of registration (controlplane/sip/cp_reg_lan.c,
 * cp_reg_relay.c), phones as raw UDP sockets on 127.0.0.x:
 * - LAN registrar (RFC 3261 10.3): a source outside the tenant's
 *   "sources" gets 403; 423 with Min-Expires below 60 s (10.3 step 7);
 *   longer than 3600 s is cut; the contact's expires param wins over
 *   Expires (10.2.1.1); 200 lists the bindings with Date (step 8); an
 *   older CSeq in the same Call-ID fails (step 7); "*" only alone with
 *   Expires: 0 (step 6), removing every binding; lookup returns the
 *   REGISTER's source address (NAT-friendly) and the latest contact.
 * - Mode "per-user": the operator's 401 reaches the phone with its
 *   WWW-Authenticate (22.3), the phone's Authorization is relayed, the
 *   ESG's REGISTER has its own Call-ID and From tag and a WAN contact
 *   token, the phone gets 200 with its own contact and the granted
 *   expiry, cp_reg_lookup_token() finds the phone, unregistration is
 *   relayed with expires 0 and removes the binding; each relayed
 *   REGISTER has every header once.
 * - One libre stack per interface (as esg-controlplane runs): a LAN
 *   REGISTER retransmitted with the same branch is answered by the LAN
 *   stack's transaction (RFC 3261 17.2.2) and counted once; the trunk
 *   REGISTER and the OPTIONS keep-alive leave from the WAN stack.
 * Binding expiry by timer (60 s minimum) is not driven here: libre's
 * timers run on the real clock (docs/registration.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cp_log.h"
#include "test_cp_reg_mock.h"

static void
lan_conf(struct esg *e, const struct mock *m)
{
	struct esg_conf_prefix *p;

	esg_conf(e, m, ESG_REG_TRUNK); /* no trunk user: nothing sent */
	e->conf.sip.tenant[0].nb_sources = 1;
	p = &e->conf.sip.tenant[0].sources[0];
	p->family = AF_INET;
	p->prefixlen = 32;
	p->u.v4.s_addr = inet_addr("127.0.0.2");
}

static void
test_registrar(void **state)
{
	struct cp_reg_contact c;
	struct sip_msg *r;
	struct phone foreign, pbx;
	struct pl user;
	struct mock m;
	struct esg e;
	char buf[256], want[256];

	(void)state;
	mock_open(&m);
	lan_conf(&e, &m);
	esg_open(&e);
	assert_int_equal(cp_reg_start(e.reg), 0);
	phone_open(&foreign, "127.0.0.1");
	phone_open(&pbx, "127.0.0.2");

	/* A source the tenant does not allow. */
	r = phone_register(&foreign, &e, "pbx", "c1@ut", 1,
			   "<sip:pbx@10.0.0.5:5060>", "Expires: 600\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 403);
	mem_deref(r);
	assert_int_equal(cp_reg_counters(e.reg)->forbidden, 1);

	/* 10.3 step 7: too brief. */
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 10,
			   "<sip:pbx@10.0.0.5:5060>", "Expires: 30\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 423);
	assert_string_equal(hdr_val(r, "Min-Expires", buf, sizeof(buf)), "60");
	mem_deref(r);

	/* Too long is cut to 3600; 200 lists it with Date. */
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 20,
			   "<sip:pbx@10.0.0.5:5060>", "Expires: 7200\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	assert_string_equal(hdr_val(r, "Contact", buf, sizeof(buf)),
			    "<sip:pbx@10.0.0.5:5060>;expires=3600");
	assert_true(strlen(hdr_val(r, "Date", buf, sizeof(buf))) > 20);
	mem_deref(r);

	/* Lookup: the contact, and the source to send to. */
	pl_set_str(&user, "pbx");
	assert_int_equal(cp_reg_lookup(e.reg, 0, &user, &c), 0);
	assert_string_equal(c.uri, "sip:pbx@10.0.0.5:5060");
	assert_true(sa_cmp(&c.dst, &pbx.addr, SA_ALL));
	assert_string_equal(c.token, "");
	pl_set_str(&user, "nobody");
	assert_int_equal(cp_reg_lookup(e.reg, 0, &user, &c), ENOENT);
	assert_int_equal(cp_reg_lookup(e.reg, 1, &user, &c), EINVAL);

	/* The contact's expires param wins over Expires (10.2.1.1); a
	 * second contact of the AOR; the latest wins a lookup. */
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 30,
			   "<sip:pbx@10.0.0.6:5060>;expires=120",
			   "Expires: 600\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_CONTACT), 2);
	mem_deref(r);
	pl_set_str(&user, "pbx");
	assert_int_equal(cp_reg_lookup(e.reg, 0, &user, &c), 0);
	assert_string_equal(c.uri, "sip:pbx@10.0.0.6:5060");
	assert_true(c.expires_ms <= tmr_jiffies() + 120000);

	/* Same Call-ID, older CSeq: refused, nothing changes. (The same
	 * CSeq again would be a merged request, 482 by libre, 8.2.2.2.) */
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 25,
			   "<sip:pbx@10.0.0.6:5060>", "Expires: 0\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 500);
	mem_deref(r);
	assert_int_equal(cp_reg_lookup(e.reg, 0, &user, &c), 0);

	/* "*" needs Expires: 0 and no other contact (10.3 step 6). */
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 40, "*",
			   "Expires: 60\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 400);
	mem_deref(r);
	r = phone_register(&pbx, &e, "pbx", "c2@ut", 50, "*", "Expires: 0\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_CONTACT), 0);
	mem_deref(r);
	assert_int_equal(cp_reg_lookup(e.reg, 0, &user, &c), ENOENT);
	assert_int_equal(cp_reg_counters(e.reg)->bindings_added, 2);
	assert_int_equal(cp_reg_counters(e.reg)->bindings_removed, 2);

	/* Unregistering one contact (expires 0) leaves the others. */
	r = phone_register(&pbx, &e, "pbx", "c3@ut", 1,
			   "<sip:pbx@10.0.0.5:5060>", "");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	/* Neither asks: the default, 3600 s (10.3 step 7). */
	assert_string_equal(hdr_val(r, "Contact", buf, sizeof(buf)),
			    "<sip:pbx@10.0.0.5:5060>;expires=3600");
	mem_deref(r);
	r = phone_register(&pbx, &e, "pbx", "c3@ut", 2,
			   "<sip:pbx@10.0.0.7:5060>", "Expires: 300\r\n");
	mem_deref(r);
	r = phone_register(&pbx, &e, "pbx", "c3@ut", 3,
			   "<sip:pbx@10.0.0.7:5060>;expires=0", "");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	re_snprintf(want, sizeof(want), "<sip:pbx@10.0.0.5:5060>;expires=");
	assert_non_null(strstr(hdr_val(r, "Contact", buf, sizeof(buf)), want));
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_CONTACT), 1);
	mem_deref(r);

	/* No Contact: a query, bindings listed, nothing changed. */
	r = phone_register(&pbx, &e, "pbx", "c3@ut", 4, NULL, "");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	assert_int_equal(sip_msg_hdr_count(r, SIP_HDR_CONTACT), 1);
	mem_deref(r);

	/* A Require we do not support (10.3 step 3 / 8.2.2.3). */
	r = phone_register(&pbx, &e, "pbx", "c4@ut", 1,
			   "<sip:pbx@10.0.0.5:5060>", "Require: gruu\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 420);
	mem_deref(r);

	/* Nothing went to the operator. */
	assert_int_equal(m.registers, 0);
	phone_close(&foreign);
	phone_close(&pbx);
	esg_close(&e);
	mock_close(&m);
}

/* The phone's digest answer to the mock's challenge (RFC 2617 without
 * qop: response = MD5(HA1:nonce:HA2)). */
static void
authorization(char *out, size_t sz, const struct sip_msg *chall)
{
	struct httpauth_digest_chall ch;
	const struct sip_hdr *h;
	uint8_t ha1[16], ha2[16], resp[16];
	char h1[33], h2[33], rs[33];

	h = sip_msg_hdr(chall, SIP_HDR_WWW_AUTHENTICATE);
	assert_non_null(h);
	assert_int_equal(httpauth_digest_challenge_decode(&ch, &h->val), 0);
	assert_int_equal(md5_printf(ha1, "bob:%r:" PHONE_PASS, &ch.realm), 0);
	assert_int_equal(md5_printf(ha2, "REGISTER:sip:" REALM), 0);
	re_snprintf(h1, sizeof(h1), "%w", ha1, sizeof(ha1));
	re_snprintf(h2, sizeof(h2), "%w", ha2, sizeof(ha2));
	assert_int_equal(md5_printf(resp, "%s:%r:%s", h1, &ch.nonce, h2), 0);
	re_snprintf(rs, sizeof(rs), "%w", resp, sizeof(resp));
	re_snprintf(out, sz,
		    "Authorization: Digest username=\"bob\", realm=\"%r\", "
		    "nonce=\"%r\", uri=\"sip:" REALM "\", response=\"%s\", "
		    "algorithm=MD5\r\n",
		    &ch.realm, &ch.nonce, rs);
}

static void
test_per_user(void **state)
{
	struct cp_reg_contact c;
	struct sip_msg *r;
	struct phone ph;
	struct pl pl, tok;
	struct sip_addr wan;
	struct mock m;
	struct esg e;
	char buf[768], auth[512], want[256], token[64], callid[128];
	unsigned int tenant = 99;
	uint32_t cseq;

	(void)state;
	mock_open(&m);
	m.grant_s = 300;
	esg_conf(&e, &m, ESG_REG_PER_USER);
	esg_open(&e);
	assert_int_equal(cp_reg_start(e.reg), 0);
	phone_open(&ph, "127.0.0.1");
	re_snprintf(want, sizeof(want), "<sip:bob@%J>", &ph.addr);

	/* The operator challenges: the phone gets the 401 and its
	 * WWW-Authenticate (RFC 3261 22.3). */
	r = phone_register(&ph, &e, "bob", "ph-call-1", 1, want,
			   "Expires: 600\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 401);
	assert_int_equal(pl_strcmp(&r->callid, "ph-call-1"), 0);
	assert_non_null(strstr(hdr_val(r, "WWW-Authenticate", buf, sizeof(buf)),
			       "realm=\"" REALM "\""));
	assert_int_equal(m.registers, 1);
	assert_int_equal(cp_reg_counters(e.reg)->relay_challenge, 1);
	/* The ESG's own request: Call-ID, tag, AOR at the operator
	 * domain, Contact = a token at the ESG's address. */
	assert_string_not_equal(m.callid, "ph-call-1");
	assert_string_not_equal(m.from_tag, "ph1");
	assert_string_equal(m.ruri, "sip:" REALM);
	assert_non_null(strstr(m.to, "sip:bob@" REALM));
	assert_int_equal(m.expires, 600);
	pl_set_str(&pl, m.contact);
	assert_int_equal(sip_addr_decode(&wan, &pl), 0);
	assert_int_not_equal(pl_strcmp(&wan.uri.user, "bob"), 0);
	assert_true(wan.uri.user.l >= 8);
	pl_strcpy(&wan.uri.user, token, sizeof(token));
	re_snprintf(buf, sizeof(buf), "%r:%u", &wan.uri.host, wan.uri.port);
	re_snprintf(callid, sizeof(callid), "%J", &e.addr);
	assert_string_equal(buf, callid);
	assert_null(strstr(m.contact, "bob"));
	snprintf(callid, sizeof(callid), "%s", m.callid);
	cseq = m.cseq;
	/* Not bound yet. */
	pl_set_str(&tok, token);
	assert_int_equal(cp_reg_lookup_token(e.reg, &tok, &tenant, &c), ENOENT);

	/* The phone answers with its own credentials; relayed as is. */
	authorization(auth, sizeof(auth), r);
	mem_deref(r);
	re_snprintf(buf, sizeof(buf), "Expires: 600\r\n%s", auth);
	r = phone_register(&ph, &e, "bob", "ph-call-1", 2, want, buf);
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	assert_true(m.had_auth);
	assert_int_equal(m.authed, 1);
	/* Same Call-ID toward the operator, next CSeq (10.2.4). */
	assert_string_equal(m.callid, callid);
	assert_int_equal(m.cseq, cseq + 1);
	/* The phone sees its own contact with the granted expiry. */
	re_snprintf(auth, sizeof(auth), "%s;expires=300", want);
	assert_string_equal(hdr_val(r, "Contact", buf, sizeof(buf)), auth);
	mem_deref(r);

	/* An INVITE to the token reaches the phone. */
	assert_int_equal(cp_reg_lookup_token(e.reg, &tok, &tenant, &c), 0);
	assert_int_equal(tenant, 0);
	re_snprintf(buf, sizeof(buf), "sip:bob@%J", &ph.addr);
	assert_string_equal(c.uri, buf);
	assert_true(sa_cmp(&c.dst, &ph.addr, SA_ALL));
	assert_string_equal(c.token, token);
	assert_true(c.expires_ms <= tmr_jiffies() + 300000);
	pl_set_str(&pl, "bob");
	assert_int_equal(cp_reg_lookup(e.reg, 0, &pl, &c), 0);
	assert_string_equal(c.token, token);
	pl_set_str(&pl, "eNOTATOKEN");
	assert_int_equal(cp_reg_lookup_token(e.reg, &pl, NULL, &c), ENOENT);

	/* Too brief is answered locally. */
	r = phone_register(&ph, &e, "bob", "ph-call-1", 3, want,
			   "Expires: 10\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 423);
	mem_deref(r);
	assert_int_equal(m.registers, 2);

	/* Unregistration relayed: expires 0 for our token. */
	r = phone_register(&ph, &e, "bob", "ph-call-1", 4, "*",
			   "Expires: 0\r\n");
	assert_non_null(r);
	/* The mock asks for credentials again (no Authorization). */
	assert_int_equal(r->scode, 401);
	authorization(auth, sizeof(auth), r);
	mem_deref(r);
	re_snprintf(buf, sizeof(buf), "Expires: 0\r\n%s", auth);
	r = phone_register(&ph, &e, "bob", "ph-call-1", 5, "*", buf);
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	mem_deref(r);
	assert_int_equal(m.expires, 0);
	assert_non_null(strstr(m.contact, token));
	assert_non_null(strstr(m.contact, "expires=0"));
	assert_int_equal(cp_reg_lookup_token(e.reg, &tok, NULL, &c), ENOENT);
	pl_set_str(&pl, "bob");
	assert_int_equal(cp_reg_lookup(e.reg, 0, &pl, &c), ENOENT);

	/* A refusal by the operator reaches the phone; no binding. */
	m.fail_code = 403;
	r = phone_register(&ph, &e, "bob", "ph-call-2", 1, want,
			   "Expires: 600\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 403);
	mem_deref(r);
	assert_int_equal(cp_reg_lookup(e.reg, 0, &pl, &c), ENOENT);
	/* Every relayed REGISTER had each header once (RFC 3261 7.3.1). */
	assert_string_equal(m.dup_name, "");
	assert_int_equal(m.dup_hdrs, 0);
	cp_reg_log_status(e.reg);

	phone_close(&ph);
	esg_close(&e);
	mock_close(&m);
}

static bool
ka_up(const void *arg)
{
	return cp_reg_ka_status(arg)->state == CP_REG_KA_UP;
}

static bool
registered(const void *arg)
{
	return cp_reg_status(arg, 0)->state == CP_REG_REGISTERED;
}

/*
 * esg-controlplane runs one libre stack per interface (cp_sip.h). A
 * REGISTER from the LAN is answered by a server transaction of the LAN
 * stack, so that its retransmission (same branch, RFC 3261 17.2.2: the
 * Completed state resends the final response) is absorbed there and not
 * handled again (that was a second, refused 500 "Out Of Order CSeq"
 * and a second count). The trunk REGISTER and the keep-alive leave from
 * the WAN stack.
 */
static void
test_two_stacks(void **state)
{
	const struct cp_reg_counters *c;
	struct esg_conf_tenant *t;
	struct sip_msg *r;
	struct sa wan;
	struct phone ph;
	struct mock m;
	struct esg e;
	char want[128];

	(void)state;
	mock_open(&m);
	esg_conf(&e, &m, ESG_REG_TRUNK);
	t = &e.conf.sip.tenant[0];
	snprintf(t->trunk.username, sizeof(t->trunk.username), TRUNK_USER);
	snprintf(t->trunk.password, sizeof(t->trunk.password), TRUNK_PASS);
	e.conf.sip.options_interval_s = 1;
	esg_open2(&e);
	c = cp_reg_counters(e.reg);
	assert_int_equal(cp_reg_start(e.reg), 0);
	phone_open(&ph, "127.0.0.3");

	r = phone_register(&ph, &e, "pbx", "two@ut", 7,
			   "<sip:pbx@10.0.0.5:5060>", "Expires: 600\r\n");
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	mem_deref(r);
	assert_true(sa_cmp(&ph.from, &e.addr, SA_ALL));
	assert_int_equal(c->registers, 1);
	assert_int_equal(c->bindings_added, 1);

	/* The same datagram again: the LAN stack's transaction answers the
	 * same 200, the registrar does not see it. */
	r = phone_resend(&ph, &e);
	assert_non_null(r);
	assert_int_equal(r->scode, 200);
	mem_deref(r);
	assert_true(sa_cmp(&ph.from, &e.addr, SA_ALL));
	assert_int_equal(c->registers, 1);
	assert_int_equal(c->bindings_added, 1);
	assert_int_equal(c->reply_err, 0);

	/* Toward the operator from the WAN stack's address (and Contact). */
	assert_true(wait_for(registered, e.reg, 3000));
	assert_true(wait_for(ka_up, e.reg, 3000));
	assert_int_equal(sa_set_str(&wan, "127.0.0.2", 0), 0);
	assert_true(sa_cmp(&m.src, &wan, SA_ADDR));
	assert_true(sa_cmp(&m.options_src, &wan, SA_ADDR));
	re_snprintf(want, sizeof(want), "<sip:" TRUNK_USER "@%J>", &e.waddr);
	assert_non_null(strstr(m.contact, want));
	assert_string_equal(m.dup_name, "");

	phone_close(&ph);
	esg_close(&e);
	mock_close(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registrar),
		cmocka_unit_test(test_per_user),
		cmocka_unit_test(test_two_stacks),
	};
	int rc;

	cp_log_init(ESG_LOG_DEBUG, false);
	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
