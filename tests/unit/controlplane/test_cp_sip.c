/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's SIP endpoint (controlplane/sip/): OPTIONS answered
 * 200 with Allow and Accept and the request's Call-ID and CSeq (RFC 3261
 * 11.2), 405 with Allow for a known method we do not serve (8.2.1), 501
 * for an unknown one (21.5.2), 420 for a Require (8.2.2.3), 481 for a
 * CANCEL (9.2), no answer to ACK (17.1.1.3), garbage datagrams ignored
 * without harm, IPv4 and IPv6 loopback, and the bind retry of an address
 * that cannot be bound yet.
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
#include "sip/cp_sip.h"

struct client {
	int fd;
	char buf[4096];
	ssize_t len; /* -1: nothing received */
	struct tmr tmr;
};

static uint16_t
free_port(int af)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint16_t port;
	int fd;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)af;
	if (af == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	fd = socket(af, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	port = ntohs(af == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				   : ((struct sockaddr_in6 *)&ss)->sin6_port);
	close(fd);
	return port;
}

static void
client_read_h(int flags, void *arg)
{
	struct client *c = arg;

	(void)flags;
	c->len = recv(c->fd, c->buf, sizeof(c->buf) - 1, 0);
	if (c->len >= 0)
		c->buf[c->len] = '\0';
	re_cancel();
}

static void
client_timeout_h(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Send one datagram to the responder and wait (bounded) for one answer. */
static void
exchange(struct client *c, const struct sa *to, const char *data, size_t len,
	 uint32_t wait_ms)
{
	c->len = -1;
	assert_int_equal(sendto(c->fd, data, len, 0, &to->u.sa, to->len),
			 (ssize_t)len);
	tmr_start(&c->tmr, wait_ms, client_timeout_h, c);
	re_main(NULL);
	tmr_cancel(&c->tmr);
}

static struct sip_msg *
decode(const struct client *c)
{
	struct sip_msg *msg = NULL;
	struct mbuf *mb;

	assert_true(c->len > 0);
	mb = mbuf_alloc((size_t)c->len);
	assert_non_null(mb);
	assert_int_equal(
		mbuf_write_mem(mb, (const uint8_t *)c->buf, (size_t)c->len), 0);
	mb->pos = 0;
	assert_int_equal(sip_msg_decode(&msg, mb), 0);
	mem_deref(mb);
	return msg;
}

static int
request(char *buf, size_t len, const char *met, const struct sa *to,
	const char *callid, uint32_t cseq, const char *extra)
{
	static unsigned int branch;

	return re_snprintf(buf, len,
			   "%s sip:esg@%j SIP/2.0\r\n"
			   "Via: SIP/2.0/UDP client.invalid;rport;"
			   "branch=z9hG4bK-ut%u\r\n"
			   "Max-Forwards: 70\r\n"
			   "To: <sip:esg@%j>\r\n"
			   "From: <sip:ut@client.invalid>;tag=ut1\r\n"
			   "Call-ID: %s\r\n"
			   "CSeq: %u %s\r\n"
			   "%s"
			   "Content-Length: 0\r\n\r\n",
			   met, to, ++branch, to, callid, cseq, met, extra);
}

static void
client_open(struct client *c, int af)
{
	memset(c, 0, sizeof(*c));
	c->fd = socket(af, SOCK_DGRAM, 0);
	assert_true(c->fd >= 0);
	tmr_init(&c->tmr);
	assert_int_equal(fd_listen(c->fd, FD_READ, client_read_h, c), 0);
}

static void
client_close(struct client *c)
{
	fd_close(c->fd);
	close(c->fd);
}

/* Send met and return the decoded answer (NULL if none came). */
static struct sip_msg *
ask(struct client *c, const struct sa *to, const char *met, const char *callid,
    uint32_t cseq, const char *extra)
{
	char req[1024];
	int n = request(req, sizeof(req), met, to, callid, cseq, extra);

	assert_true(n > 0);
	exchange(c, to, req, (size_t)n, 1000);
	return c->len > 0 ? decode(c) : NULL;
}

static void
assert_hdr(const struct sip_msg *msg, const char *name, const char *value)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, name);

	assert_non_null(h);
	assert_int_equal(pl_strcmp(&h->val, value), 0);
}

static struct cp_sip *
responder(struct sa *to, int af)
{
	struct cp_sip *cs = NULL;
	uint16_t port = free_port(af);

	memset(to, 0, sizeof(*to));
	assert_int_equal(
		sa_set_str(to, af == AF_INET ? "127.0.0.1" : "::1", port), 0);
	if (af == AF_INET6) { /* libre's sa_pton leaves these unset */
		to->u.in6.sin6_flowinfo = 0;
		to->u.in6.sin6_scope_id = 0;
	}
	assert_int_equal(cp_sip_alloc(&cs, to, 1, port, 20), 0);
	assert_int_equal(cp_sip_bound(cs), 1);
	return cs;
}

static void
test_options(void **state)
{
	struct sip_msg *msg;
	struct client c;
	struct cp_sip *cs;
	struct sa to;

	(void)state;
	cs = responder(&to, AF_INET);
	client_open(&c, AF_INET);

	msg = ask(&c, &to, "OPTIONS", "call-1@ut", 7, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 200);
	assert_int_equal(pl_strcmp(&msg->callid, "call-1@ut"), 0);
	assert_int_equal(msg->cseq.num, 7);
	assert_int_equal(pl_strcmp(&msg->cseq.met, "OPTIONS"), 0);
	assert_hdr(msg, "Allow", "OPTIONS");
	assert_hdr(msg, "Accept", "application/sdp");
	assert_non_null(msg->to.tag.p); /* RFC 3261 8.2.6.2: To tag added */
	mem_deref(msg);
	assert_int_equal(cp_sip_counters(cs)->options, 1);

	client_close(&c);
	mem_deref(cs);
}

static void
test_other_methods(void **state)
{
	struct sip_msg *msg;
	struct client c;
	struct cp_sip *cs;
	struct sa to;

	(void)state;
	cs = responder(&to, AF_INET);
	client_open(&c, AF_INET);

	msg = ask(&c, &to, "INVITE", "call-2@ut", 1, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 405);
	assert_hdr(msg, "Allow", "OPTIONS");
	mem_deref(msg);

	msg = ask(&c, &to, "FROBNICATE", "call-3@ut", 1, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 501);
	mem_deref(msg);

	msg = ask(&c, &to, "OPTIONS", "call-4@ut", 1, "Require: foo\r\n");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 420);
	assert_hdr(msg, "Unsupported", "foo");
	mem_deref(msg);

	msg = ask(&c, &to, "CANCEL", "call-5@ut", 1, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 481);
	mem_deref(msg);

	/* ACK: no answer at all. */
	{
		char req[1024];
		int n = request(req, sizeof(req), "ACK", &to, "call-6@ut", 1,
				"");

		exchange(&c, &to, req, (size_t)n, 200);
		assert_int_equal(c.len, -1);
	}
	assert_int_equal(cp_sip_counters(cs)->not_allowed, 1);
	assert_int_equal(cp_sip_counters(cs)->not_impl, 1);
	assert_int_equal(cp_sip_counters(cs)->bad_ext, 1);
	assert_int_equal(cp_sip_counters(cs)->no_trans, 1);
	assert_int_equal(cp_sip_counters(cs)->acks, 1);

	client_close(&c);
	mem_deref(cs);
}

static void
test_garbage(void **state)
{
	static const char *const garbage[] = {
		"\x01\x02\x03\x04 not sip at all",
		"OPTIONS\r\n\r\n",
		"OPTIONS sip:x SIP/2.0\r\nCSeq: banana\r\n\r\n",
		"SIP/2.0 200 OK\r\n\r\n", /* a response with no transaction */
		"",
	};
	struct sip_msg *msg;
	struct client c;
	struct cp_sip *cs;
	struct sa to;
	size_t i;

	(void)state;
	cs = responder(&to, AF_INET);
	client_open(&c, AF_INET);
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		exchange(&c, &to, garbage[i], strlen(garbage[i]), 100);
		assert_int_equal(c.len, -1);
	}
	/* Still answering. */
	msg = ask(&c, &to, "OPTIONS", "call-7@ut", 2, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 200);
	assert_int_equal(pl_strcmp(&msg->callid, "call-7@ut"), 0);
	mem_deref(msg);
	client_close(&c);
	mem_deref(cs);
}

static void
test_ipv6(void **state)
{
	struct sip_msg *msg;
	struct client c;
	struct cp_sip *cs;
	struct sa to;
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	(void)state;
	if (fd < 0)
		skip();
	close(fd);
	cs = responder(&to, AF_INET6);
	client_open(&c, AF_INET6);
	msg = ask(&c, &to, "OPTIONS", "call-8@ut", 3, "");
	assert_non_null(msg);
	assert_int_equal(msg->scode, 200);
	assert_int_equal(msg->cseq.num, 3);
	mem_deref(msg);
	client_close(&c);
	mem_deref(cs);
}

static void
bound_check_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
test_bind_retry(void **state)
{
	struct sockaddr_in sin;
	struct cp_sip *cs = NULL;
	struct tmr t;
	struct sa a;
	uint16_t port = free_port(AF_INET);
	int fd, i;

	(void)state;
	/* Someone holds the address: not bound, retried. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(sa_set_str(&a, "127.0.0.1", 0), 0);
	assert_int_equal(cp_sip_alloc(&cs, &a, 1, port, 20), 0);
	assert_int_equal(cp_sip_bound(cs), 0);
	close(fd);
	/* Bounded wait: the 20 ms retry binds it. */
	tmr_init(&t);
	for (i = 0; i < 50 && cp_sip_bound(cs) == 0; i++) {
		tmr_start(&t, 10, bound_check_h, NULL);
		re_main(NULL);
	}
	tmr_cancel(&t);
	assert_int_equal(cp_sip_bound(cs), 1);
	mem_deref(cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_other_methods),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bind_retry),
	};
	int rc;

	cp_log_init(ESG_LOG_DEBUG, false);
	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
