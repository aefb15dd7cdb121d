/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the registration tests (test_cp_reg_mock.h). */
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

#include "test_cp_reg_mock.h"

/* ---- the operator mock ---------------------------------------------- */

static void
pl_keep(const struct pl *pl, char *buf, size_t sz)
{
	buf[0] = '\0';
	if (pl_isset(pl))
		pl_strcpy(pl, buf, sz);
}

static bool
digest_ok(const struct sip_msg *msg)
{
	struct httpauth_digest_resp resp;
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
	uint8_t ha1[16];
	const char *pass;

	if (h == NULL || httpauth_digest_response_decode(&resp, &h->val))
		return false;
	pass = pl_strcmp(&resp.username, TRUNK_USER) == 0 ? TRUNK_PASS
							  : PHONE_PASS;
	if (md5_printf(ha1, "%r:%r:%s", &resp.username, &resp.realm, pass))
		return false;
	return httpauth_digest_response_auth(&resp, &msg->met, ha1) == 0;
}

static bool
mock_h(const struct sip_msg *msg, void *arg)
{
	struct mock *m = arg;
	const struct sip_hdr *h;
	struct sip_addr c;

	m->dup_hdrs +=
		hdr_dups(msg, m->dup_name[0] == '\0' ? m->dup_name : NULL,
			 sizeof(m->dup_name));
	if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
		m->options++;
		m->options_src = msg->src;
		(void)sip_treply(NULL, m->sip, msg, 200, "OK");
		return true;
	}
	if (pl_strcmp(&msg->met, "REGISTER") != 0) {
		(void)sip_treply(NULL, m->sip, msg, 405, "Method Not Allowed");
		return true;
	}
	m->registers++;
	m->src = msg->src;
	pl_keep(&msg->callid, m->callid, sizeof(m->callid));
	m->cseq = msg->cseq.num;
	pl_keep(&msg->from.tag, m->from_tag, sizeof(m->from_tag));
	pl_keep(&msg->to.auri, m->to, sizeof(m->to));
	pl_keep(&msg->ruri, m->ruri, sizeof(m->ruri));
	h = sip_msg_hdr(msg, SIP_HDR_ROUTE);
	m->route[0] = '\0';
	if (h != NULL)
		pl_keep(&h->val, m->route, sizeof(m->route));
	h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	m->contact[0] = '\0';
	if (h != NULL)
		pl_keep(&h->val, m->contact, sizeof(m->contact));
	m->expires = pl_isset(&msg->expires) ? pl_u32(&msg->expires) : 9999;
	m->had_auth = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION) != NULL;
	if (m->fail_code != 0) {
		(void)sip_treply(NULL, m->sip, msg, m->fail_code, "Refused");
		return true;
	}
	if (!digest_ok(msg)) {
		(void)sip_treplyf(NULL, NULL, m->sip, msg, false, 401,
				  "Unauthorized",
				  "WWW-Authenticate: Digest realm=\"" REALM
				  "\", nonce=\"n%u\", algorithm=MD5\r\n"
				  "Content-Length: 0\r\n\r\n",
				  m->registers);
		return true;
	}
	m->authed++;
	if (m->expires == 0 || h == NULL || sip_addr_decode(&c, &h->val) != 0) {
		(void)sip_treply(NULL, m->sip, msg, 200, "OK");
		return true;
	}
	(void)sip_treplyf(NULL, NULL, m->sip, msg, false, 200, "OK",
			  "Contact: <%r>;expires=%u\r\n"
			  "Content-Length: 0\r\n\r\n",
			  &c.auri, m->grant_s);
	return true;
}

static uint16_t
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	uint16_t port;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sl), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static struct sip *
stack_at(struct sa *addr, const char *ip, uint16_t port)
{
	struct sip *sip = NULL;

	assert_int_equal(sa_set_str(addr, ip, port), 0);
	assert_int_equal(sip_alloc(&sip, NULL, 16, 16, 16, "ut", NULL, NULL),
			 0);
	assert_int_equal(sip_transp_add(sip, SIP_TRANSP_UDP, addr), 0);
	return sip;
}

static struct sip *
stack(struct sa *addr, uint16_t port)
{
	return stack_at(addr, "127.0.0.1", port);
}

void
mock_open(struct mock *m)
{
	memset(m, 0, sizeof(*m));
	m->grant_s = 3600;
	m->sip = stack(&m->addr, free_port());
	assert_int_equal(sip_listen(&m->lsnr, m->sip, true, mock_h, m), 0);
}

void
mock_close(struct mock *m)
{
	m->lsnr = mem_deref(m->lsnr);
	sip_close(m->sip, true);
	m->sip = mem_deref(m->sip);
}

/* ---- the ESG side ---------------------------------------------------- */

static bool
esg_h(const struct sip_msg *msg, void *arg)
{
	struct esg *e = arg;

	if (cp_reg_request(e->reg, msg))
		return true;
	(void)sip_treply(NULL, e->sip, msg, 501, "Not Implemented");
	return true;
}

static bool
esg_wan_h(const struct sip_msg *msg, void *arg)
{
	struct esg *e = arg;

	e->wan_requests++;
	if (cp_reg_request(e->reg, msg))
		return true;
	(void)sip_treply(NULL, e->wsip, msg, 501, "Not Implemented");
	return true;
}

void
esg_conf(struct esg *e, const struct mock *m, enum esg_reg_mode mode)
{
	struct esg_conf *c = &e->conf;
	struct esg_conf_tenant *t;

	memset(e, 0, sizeof(*e));
	esg_conf_defaults(c);
	c->nb_ifaces = 2;
	c->iface[0].role = ESG_IF_LAN;
	c->iface[1].role = ESG_IF_WAN;
	c->iface[0].nb_addr4 = c->iface[1].nb_addr4 = 1;
	c->iface[0].addr4[0].family = AF_INET;
	c->iface[0].addr4[0].prefixlen = 8;
	c->iface[0].addr4[0].u.v4.s_addr = htonl(INADDR_LOOPBACK);
	c->iface[1].addr4[0] = c->iface[0].addr4[0];
	c->sip.enabled = true;
	c->sip.wan_iface = 1;
	re_snprintf(c->sip.proxy, sizeof(c->sip.proxy), "sip:%J", &m->addr);
	snprintf(c->sip.domain, sizeof(c->sip.domain), "%s", REALM);
	c->sip.options_interval_s = 0;
	c->sip.reg_retry_min_s = 1;
	c->sip.reg_retry_max_s = 4;
	c->sip.nb_tenants = 1;
	t = &c->sip.tenant[0];
	snprintf(t->name, sizeof(t->name), "t0");
	t->lan_iface = 0;
	t->registration = mode;
}

void
esg_open(struct esg *e)
{
	e->sip = stack(&e->addr, free_port());
	assert_int_equal(sip_listen(&e->lsnr, e->sip, true, esg_h, e), 0);
	assert_int_equal(
		cp_reg_alloc(&e->reg, e->sip, &e->conf, sa_port(&e->addr)), 0);
}

void
esg_open2(struct esg *e)
{
	struct sip *sips[2];

	e->conf.iface[1].addr4[0].u.v4.s_addr = inet_addr("127.0.0.2");
	e->sip = stack(&e->addr, free_port());
	e->wsip = stack_at(&e->waddr, "127.0.0.2", free_port());
	assert_int_equal(sip_listen(&e->lsnr, e->sip, true, esg_h, e), 0);
	assert_int_equal(sip_listen(&e->wlsnr, e->wsip, true, esg_wan_h, e), 0);
	sips[0] = e->sip;
	sips[1] = e->wsip;
	assert_int_equal(
		cp_reg_alloc_stacks(&e->reg, sips, &e->conf, sa_port(&e->addr)),
		0);
}

void
esg_close(struct esg *e)
{
	e->reg = mem_deref(e->reg);
	e->lsnr = mem_deref(e->lsnr);
	e->wlsnr = mem_deref(e->wlsnr);
	sip_close(e->sip, true);
	e->sip = mem_deref(e->sip);
	if (e->wsip != NULL)
		sip_close(e->wsip, true);
	e->wsip = mem_deref(e->wsip);
}

struct waiter {
	bool (*pred)(const void *arg);
	const void *arg;
	struct tmr tick;
	uint64_t deadline;
};

static void
tick_h(void *arg)
{
	struct waiter *w = arg;

	if (w->pred(w->arg) || tmr_jiffies() >= w->deadline) {
		re_cancel();
		return;
	}
	tmr_start(&w->tick, 5, tick_h, w);
}

bool
wait_for(bool (*pred)(const void *), const void *arg, uint32_t ms)
{
	struct waiter w = {.pred = pred, .arg = arg};

	tmr_init(&w.tick);
	w.deadline = tmr_jiffies() + ms;
	tmr_start(&w.tick, 0, tick_h, &w);
	re_main(NULL);
	tmr_cancel(&w.tick);
	return pred(arg);
}

/* ---- a phone: a raw UDP socket -------------------------------------- */

static void
phone_read_h(int flags, void *arg)
{
	struct phone *p = arg;

	(void)flags;
	memset(&p->from, 0, sizeof(p->from));
	p->from.len = sizeof(p->from.u);
	p->len = recvfrom(p->fd, p->buf, sizeof(p->buf) - 1, 0, &p->from.u.sa,
			  &p->from.len);
	if (p->len >= 0)
		p->buf[p->len] = '\0';
}

void
phone_open(struct phone *p, const char *ip)
{
	socklen_t sl = sizeof(p->addr.u.in);

	memset(p, 0, sizeof(*p));
	assert_int_equal(sa_set_str(&p->addr, ip, 0), 0);
	p->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(p->fd >= 0);
	assert_int_equal(bind(p->fd, &p->addr.u.sa, p->addr.len), 0);
	assert_int_equal(getsockname(p->fd, &p->addr.u.sa, &sl), 0);
	assert_int_equal(fd_listen(p->fd, FD_READ, phone_read_h, p), 0);
}

void
phone_close(struct phone *p)
{
	fd_close(p->fd);
	close(p->fd);
}

static bool
phone_got(const void *arg)
{
	return ((const struct phone *)arg)->len > 0;
}

struct sip_msg *
phone_register(struct phone *p, const struct esg *e, const char *user,
	       const char *callid, uint32_t cseq, const char *contact,
	       const char *extra)
{
	static unsigned int branch;
	int n;

	n = re_snprintf(p->req, sizeof(p->req),
			"REGISTER sip:" REALM " SIP/2.0\r\n"
			"Via: SIP/2.0/UDP %J;rport;branch=z9hG4bK-ph%u\r\n"
			"Max-Forwards: 70\r\n"
			"To: <sip:%s@" REALM ">\r\n"
			"From: <sip:%s@" REALM ">;tag=ph1\r\n"
			"Call-ID: %s\r\n"
			"CSeq: %u REGISTER\r\n"
			"%s%s%s"
			"%s"
			"Content-Length: 0\r\n\r\n",
			&p->addr, ++branch, user, user, callid, cseq,
			contact != NULL ? "Contact: " : "",
			contact != NULL ? contact : "",
			contact != NULL ? "\r\n" : "", extra);
	assert_true(n > 0);
	p->req_len = (size_t)n;
	return phone_resend(p, e);
}

struct sip_msg *
phone_resend(struct phone *p, const struct esg *e)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb;

	p->len = -1;
	assert_int_equal(sendto(p->fd, p->req, p->req_len, 0, &e->addr.u.sa,
				e->addr.len),
			 (ssize_t)p->req_len);
	if (!wait_for(phone_got, p, 3000))
		return NULL;
	mb = mbuf_alloc((size_t)p->len);
	assert_non_null(mb);
	assert_int_equal(
		mbuf_write_mem(mb, (const uint8_t *)p->buf, (size_t)p->len), 0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	mem_deref(mb);
	return msg;
}

static bool
hdr_same(const struct sip_hdr *a, const struct sip_hdr *b)
{
	if (a->id != SIP_HDR_NONE || b->id != SIP_HDR_NONE)
		return a->id == b->id;
	return pl_casecmp(&a->name, &b->name) == 0;
}

unsigned int
hdr_dups(const struct sip_msg *msg, char *name, size_t sz)
{
	const struct le *le, *k;
	unsigned int n = 0;

	for (le = msg->hdrl.head; le != NULL; le = le->next) {
		const struct sip_hdr *h = le->data;

		for (k = msg->hdrl.head; k != le; k = k->next)
			if (hdr_same(k->data, h))
				break;
		if (k == le)
			continue; /* the first of its name */
		if (n++ == 0 && name != NULL)
			pl_strcpy(&h->name, name, sz);
	}
	return n;
}

const char *
hdr_val(const struct sip_msg *msg, const char *name, char *buf, size_t sz)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, name);

	buf[0] = '\0';
	if (h != NULL)
		pl_strcpy(&h->val, buf, sz);
	return buf;
}
