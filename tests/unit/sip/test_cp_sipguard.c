/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP input guard (controlplane/sip/cp_sipguard*.c): well-formed
 * requests and responses pass (compact header names and folding, RFC 3261
 * 7.3.1/7.3.3), STUN passes, CRLF keep-alives and garbage are dropped,
 * requests without a mandatory header (RFC 3261 8.1.1) or with a broken
 * CSeq / Max-Forwards / Content-Length (RFC 3261 18.3) get a 400 naming
 * the header when a Via routes it, oversized ones a 513 (RFC 3261
 * 21.5.14), ACKs and responses are never answered (RFC 3261 17.2.3), the
 * reply copies Via/From/To/Call-ID/CSeq and adds a To tag (RFC 3261
 * 8.2.6.2), every prefix and mutation of a message is read within bounds,
 * and the datagram path counts and rate limits per source.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "sip/cp_sipguard.h"

#define VIA "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n"
#define FROM "From: <sip:alice@192.0.2.10>;tag=1928301774\r\n"
#define TO "To: Bob <sip:bob@192.0.2.1>\r\n"
#define CID "Call-ID: a84b4c76e66710@pc33\r\n"
#define CSEQ "CSeq: 314159 INVITE\r\n"
#define MF "Max-Forwards: 70\r\n"
#define RL "INVITE sip:bob@192.0.2.1 SIP/2.0\r\n"
#define SDP "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
#define CL "Content-Length: 37\r\n"

static const char good[] = RL VIA MF TO FROM CID CSEQ CL
	"Content-Type: application/sdp\r\n\r\n" SDP;

static int
parse(const char *s, size_t max, struct cp_sipguard_msg *m)
{
	return cp_sipguard_parse((const uint8_t *)s, strlen(s), max, m);
}

static void
test_pass(void **state)
{
	struct cp_sipguard_msg m;
	static const uint8_t stun[20] = {
		0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1,  2,
		3,    4,    5,	  6,	7,    8,    9,	  10,	11, 12};

	(void)state;
	assert_int_equal(parse(good, 16384, &m), 0);
	assert_int_equal(m.why, CP_SIPGUARD_OK);
	assert_true(m.request);
	assert_int_equal(m.method.len, 6);
	assert_int_equal(m.nb_via, 1);
	/* compact names (RFC 3261 7.3.3), a folded Via, no Max-Forwards
	 * (RFC 3261 16.3 step 3), LF-only line ends, two Vias on one line */
	assert_int_equal(parse("OPTIONS sip:192.0.2.1 SIP/2.0\n"
			       "v: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1,\n"
			       "  SIP/2.0/UDP 192.0.2.11;branch=z9hG4bK2\n"
			       "f: <sip:a@b>;tag=1\nt: <sip:c@d>\ni: x\n"
			       "CSeq: 1\tOPTIONS\nSubject: a\n b\nl: 0\n\n",
			       16384, &m),
			 0);
	assert_int_equal(m.nb_via, 1);
	assert_int_equal(m.via[0].len,
			 strlen("SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1,\n"
				"  SIP/2.0/UDP 192.0.2.11;branch=z9hG4bK2"));
	assert_false(m.has_maxfwd);
	/* a response */
	assert_int_equal(parse("SIP/2.0 180 Ringing\r\n" VIA FROM TO CID CSEQ
			       "\r\n",
			       16384, &m),
			 0);
	assert_false(m.request);
	assert_int_equal(cp_sipguard_parse(stun, sizeof(stun), 16384, &m), 0);
	assert_int_equal(m.why, CP_SIPGUARD_STUN);
}

static const struct {
	const char *msg;
	enum cp_sipguard_why why;
	bool answer;
	const char *reason;
} bad[] = {
	{"\r\n\r\n", CP_SIPGUARD_KEEPALIVE, false, ""},
	{"", CP_SIPGUARD_GARBAGE, false, ""},
	{"hello world\r\n\r\n", CP_SIPGUARD_GARBAGE, false, ""},
	{"INVITE sip:a SIP/2.0", CP_SIPGUARD_GARBAGE, false, ""},
	{"INVITE sip:a SIP/3.0\r\n" VIA "\r\n", CP_SIPGUARD_GARBAGE, false, ""},
	{"INVITE  sip:a SIP/2.0\r\n" VIA "\r\n", CP_SIPGUARD_GARBAGE, false,
	 ""},
	{"INV\x01TE sip:a SIP/2.0\r\n" VIA "\r\n", CP_SIPGUARD_GARBAGE, false,
	 ""},
	{"SIP/2.0 20 OK\r\n" VIA "\r\n", CP_SIPGUARD_GARBAGE, false, ""},
	{"SIP/2.0 999 OK\r\n" VIA "\r\n", CP_SIPGUARD_GARBAGE, false, ""},
	{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", CP_SIPGUARD_GARBAGE,
	 false, ""},
	/* RFC 3261 8.1.1: each mandatory header */
	{RL MF TO FROM CID CSEQ "\r\n", CP_SIPGUARD_MISSING, false,
	 "Missing Via Header"},
	{RL VIA MF TO CID CSEQ "\r\n", CP_SIPGUARD_MISSING, true,
	 "Missing From Header"},
	{RL VIA MF FROM CID CSEQ "\r\n", CP_SIPGUARD_MISSING, true,
	 "Missing To Header"},
	{RL VIA MF TO FROM CSEQ "\r\n", CP_SIPGUARD_MISSING, true,
	 "Missing Call-ID Header"},
	{RL VIA MF TO FROM "Call-ID:\r\n" CSEQ "\r\n", CP_SIPGUARD_MISSING,
	 true, "Missing Call-ID Header"},
	{RL VIA MF TO FROM CID "\r\n", CP_SIPGUARD_MISSING, true,
	 "Missing CSeq Header"},
	/* RFC 3261 8.1.1.5 / 20.16 */
	{RL VIA MF TO FROM CID "CSeq: 1 BYE\r\n\r\n", CP_SIPGUARD_BAD_CSEQ,
	 true, "Bad CSeq Header"},
	{RL VIA MF TO FROM CID "CSeq: 2147483648 INVITE\r\n\r\n",
	 CP_SIPGUARD_BAD_CSEQ, true, "Bad CSeq Header"},
	{RL VIA MF TO FROM CID "CSeq: INVITE\r\n\r\n", CP_SIPGUARD_BAD_CSEQ,
	 true, "Bad CSeq Header"},
	{RL VIA MF TO FROM CID "CSeq: 1INVITE\r\n\r\n", CP_SIPGUARD_BAD_CSEQ,
	 true, "Bad CSeq Header"},
	{RL VIA "Max-Forwards: seventy\r\n" TO FROM CID CSEQ "\r\n",
	 CP_SIPGUARD_BAD_MAXFWD, true, "Bad Max-Forwards Header"},
	{RL VIA "Max-Forwards: 256\r\n" TO FROM CID CSEQ "\r\n",
	 CP_SIPGUARD_BAD_MAXFWD, true, "Bad Max-Forwards Header"},
	/* RFC 3261 18.3: the body is shorter than Content-Length */
	{RL VIA MF TO FROM CID CSEQ "Content-Length: 38\r\n\r\n" SDP,
	 CP_SIPGUARD_BAD_CLEN, true, "Bad Content-Length Header"},
	{RL VIA MF TO FROM CID CSEQ "Content-Length: -1\r\n\r\n",
	 CP_SIPGUARD_BAD_CLEN, true, "Bad Content-Length Header"},
	{RL VIA MF TO FROM CID CID CSEQ "\r\n", CP_SIPGUARD_BAD_HEADER, true,
	 "Duplicate Call-ID Header"},
	{RL VIA MF TO FROM CID CSEQ "no colon here\r\n\r\n",
	 CP_SIPGUARD_BAD_HEADER, true, "Bad Header Syntax"},
	{RL " folded first\r\n" VIA MF TO FROM CID CSEQ "\r\n",
	 CP_SIPGUARD_BAD_HEADER, true, "Bad Header Syntax"},
	{RL VIA MF TO FROM CID CSEQ "X-A: a\x01\r\n\r\n",
	 CP_SIPGUARD_BAD_HEADER, true, "Bad Header Syntax"},
	{RL VIA MF TO FROM CID CSEQ, CP_SIPGUARD_BAD_HEADER, true,
	 "Bad Header Section"},
	/* RFC 3261 17.2.3: an ACK is never answered */
	{"ACK sip:a SIP/2.0\r\n" VIA MF TO FROM CID "\r\n", CP_SIPGUARD_MISSING,
	 false, "Missing CSeq Header"},
	/* a broken response: dropped */
	{"SIP/2.0 200 OK\r\n" VIA FROM TO CSEQ "\r\n", CP_SIPGUARD_MISSING,
	 false, "Missing Call-ID Header"},
	{"SIP/2.0 200 OK\r\n" VIA FROM TO CID "CSeq: 1\r\n\r\n",
	 CP_SIPGUARD_BAD_CSEQ, false, "Bad CSeq Header"},
};

static void
test_bad(void **state)
{
	struct cp_sipguard_msg m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = parse(bad[i].msg, 16384, &m);

		if (err != EBADMSG)
			fail_msg("case %zu: err %d", i, err);
		if (m.why != bad[i].why)
			fail_msg("case %zu: why %d, want %d", i, m.why,
				 bad[i].why);
		if (m.answer != bad[i].answer)
			fail_msg("case %zu: answer %d", i, m.answer);
		if (bad[i].answer && m.scode != 400)
			fail_msg("case %zu: code %u", i, m.scode);
		if (bad[i].reason[0] != '\0' &&
		    strcmp(m.reason, bad[i].reason) != 0)
			fail_msg("case %zu: reason '%s', want '%s'", i,
				 m.reason, bad[i].reason);
	}
}

static void
test_many_via(void **state)
{
	struct cp_sipguard_msg m;
	char buf[4096];
	size_t n = 0;
	int i;

	(void)state;
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", RL);
	for (i = 0; i < CP_SIPGUARD_MAX_VIA + 1; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", VIA);
	snprintf(buf + n, sizeof(buf) - n, "%s", MF TO FROM CID CSEQ "\r\n");
	assert_int_equal(parse(buf, 16384, &m), EBADMSG);
	assert_int_equal(m.why, CP_SIPGUARD_MANY_VIA);
	assert_false(m.answer);
}

/* Over max_msg_bytes: 513 when the headers are inside the limit. */
static void
test_too_large(void **state)
{
	struct cp_sipguard_msg m;
	char *big = malloc(20000);
	size_t n;

	(void)state;
	assert_non_null(big);
	n = (size_t)snprintf(big, 20000, "%s",
			     RL VIA MF TO FROM CID CSEQ
			     "Content-Length: 15000\r\n\r\n");
	memset(big + n, 'x', 15000);
	n += 15000;
	assert_int_equal(cp_sipguard_parse((uint8_t *)big, n, 1024, &m),
			 EMSGSIZE);
	assert_int_equal(m.why, CP_SIPGUARD_TOO_LARGE);
	assert_true(m.answer);
	assert_int_equal(m.scode, 513);
	assert_string_equal(m.reason, "Message Too Large");
	/* the same under a limit it fits */
	assert_int_equal(cp_sipguard_parse((uint8_t *)big, n, 16384, &m), 0);
	/* headers beyond the cut: no answer */
	assert_int_equal(cp_sipguard_parse((uint8_t *)big, n, 100, &m),
			 EMSGSIZE);
	assert_false(m.answer);
	/* garbage that is too large */
	memset(big, 0xff, 20000);
	assert_int_equal(cp_sipguard_parse((uint8_t *)big, 20000, 16384, &m),
			 EMSGSIZE);
	assert_false(m.answer);
	free(big);
}

static char *
reply_text(const struct cp_sipguard_msg *m, const char *tag)
{
	struct mbuf *mb = mbuf_alloc(256);
	char *s;

	assert_non_null(mb);
	assert_int_equal(cp_sipguard_reply(mb, m, tag), 0);
	s = calloc(1, mb->end + 1);
	memcpy(s, mb->buf, mb->end);
	mem_deref(mb);
	return s;
}

/* RFC 3261 8.2.6.2: Via, From, To (+ tag), Call-ID, CSeq copied. */
static void
test_reply(void **state)
{
	struct cp_sipguard_msg m;
	char *s;

	(void)state;
	assert_int_equal(parse("BYE sip:a SIP/2.0\r\n" VIA
			       "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n"
			       "Max-Forwards: x\r\n" TO FROM CID
			       "CSeq: 2 BYE\r\n\r\n",
			       16384, &m),
			 EBADMSG);
	assert_true(m.answer);
	s = reply_text(&m, "t1");
	assert_string_equal(s,
			    "SIP/2.0 400 Bad Max-Forwards Header\r\n" VIA
			    "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx\r\n" FROM
			    "To: Bob <sip:bob@192.0.2.1>;tag=t1\r\n" CID
			    "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
	free(s);
	/* a To with a tag keeps it; a ";tag=" inside the URI is not one */
	assert_int_equal(parse(RL VIA "To: <sip:b@c;tag=u>;TAG=x\r\n" FROM CID
				      "\r\n",
			       16384, &m),
			 EBADMSG);
	s = reply_text(&m, "t2");
	assert_string_equal(s, "SIP/2.0 400 Missing CSeq Header\r\n" VIA FROM
			       "To: <sip:b@c;tag=u>;TAG=x\r\n" CID
			       "Content-Length: 0\r\n\r\n");
	free(s);
	assert_int_equal(parse(RL VIA "To: <sip:b@c;tag=u>\r\n" FROM CID "\r\n",
			       16384, &m),
			 EBADMSG);
	s = reply_text(&m, "t3");
	assert_non_null(strstr(s, "To: <sip:b@c;tag=u>;tag=t3\r\n"));
	free(s);
	/* a fold after a broken line does not join the Via before it (a
	 * fuzz finding: the NUL of the broken line ended up in the reply) */
	assert_int_equal(parse(RL VIA
			       "X-A: \x01\r\n  more\r\n" MF TO FROM CID CSEQ
			       "\r\n",
			       16384, &m),
			 EBADMSG);
	assert_int_equal(m.via[0].len, strlen(VIA) - strlen("Via: \r\n"));
	s = reply_text(&m, "t4");
	assert_string_equal(s, "SIP/2.0 400 Bad Header Syntax\r\n" VIA FROM
			       "To: Bob <sip:bob@192.0.2.1>;tag=t4\r\n" CID CSEQ
			       "Content-Length: 0\r\n\r\n");
	free(s);
	/* no answer due: refused */
	assert_int_equal(parse(good, 16384, &m), 0);
	assert_int_equal(cp_sipguard_reply(NULL, &m, "x"), EINVAL);
}

/* Every prefix, and random byte flips, read within the datagram (ASan
 * builds check it) and give a consistent result. */
static void
test_prefixes_and_flips(void **state)
{
	struct cp_sipguard_msg m;
	size_t n = strlen(good), i, k;
	uint8_t *b;
	unsigned int seed = 1;

	(void)state;
	for (i = 0; i <= n; i++) {
		b = malloc(i + 1);
		memcpy(b, good, i);
		(void)cp_sipguard_parse(b, i, 16384, &m);
		assert_true(!m.answer || m.nb_via > 0);
		(void)cp_sipguard_parse(b, i, i > 0 ? i - 1 : 0, &m);
		free(b);
	}
	b = malloc(n);
	for (k = 0; k < 20000; k++) {
		memcpy(b, good, n);
		for (i = 0; i < 4; i++) {
			seed = seed * 1103515245u + 12345u;
			b[(seed >> 8) % n] = (uint8_t)(seed >> 16);
		}
		if (cp_sipguard_parse(b, n, 16384, &m) != 0 && m.answer) {
			struct mbuf *mb = mbuf_alloc(256);

			assert_int_equal(cp_sipguard_reply(mb, &m, "t"), 0);
			mem_deref(mb);
		}
	}
	free(b);
}

struct sent {
	unsigned int n;
	struct sa dst;
	char text[1024];
};

static int
send_h(const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct sent *s = arg;
	size_t len = mbuf_get_left(mb);

	s->n++;
	s->dst = *dst;
	if (len >= sizeof(s->text))
		len = sizeof(s->text) - 1;
	memcpy(s->text, mbuf_buf(mb), len);
	s->text[len] = '\0';
	return 0;
}

static bool
input(struct cp_sipguard *g, const struct sa *src, const char *text,
      uint64_t now, struct sent *s)
{
	struct mbuf *mb = mbuf_alloc(strlen(text) + 1);
	bool consumed;

	(void)mbuf_write_str(mb, text);
	mb->pos = 0;
	consumed = cp_sipguard_input(g, src, mb, now, send_h, s);
	mem_deref(mb);
	return consumed;
}

/* The datagram path: verdicts, replies to the source, counters, and the
 * per-source rate with the PBX exempt. */
static void
test_input(void **state)
{
	struct esg_conf_sip conf;
	struct cp_sipguard *g;
	struct sent s = {0};
	struct sa src, pbx;
	const struct cp_sipguard_counters *c;
	int i;

	(void)state;
	esg_conf_sip_defaults(&conf);
	conf.source_rps = 2;
	conf.nb_tenants = 1;
	conf.tenant[0].has_pbx = true;
	conf.tenant[0].pbx.family = AF_INET;
	conf.tenant[0].pbx.u.v4.s_addr = htonl(0xc000020b); /* .11 */
	assert_int_equal(cp_sipguard_alloc(&g, &conf), 0);
	assert_int_equal(sa_set_str(&src, "192.0.2.10", 40000), 0);
	assert_int_equal(sa_set_str(&pbx, "192.0.2.11", 5060), 0);

	assert_false(input(g, &src, good, 0, &s));
	assert_true(input(g, &src, "garbage\r\n", 0, &s));
	assert_true(input(g, &src, RL VIA MF TO FROM CSEQ "\r\n", 0, &s));
	assert_int_equal(s.n, 1);
	assert_true(sa_cmp(&s.dst, &src, SA_ALL));
	assert_non_null(strstr(s.text, "SIP/2.0 400 Missing Call-ID Header"));
	/* the 3rd request of this source in the same second: dropped
	 * silently, whatever it is */
	assert_true(input(g, &src, good, 0, &s));
	assert_int_equal(s.n, 1);
	/* a response is not rate limited */
	assert_false(input(g, &src,
			   "SIP/2.0 100 Trying\r\n" VIA FROM TO CID CSEQ "\r\n",
			   0, &s));
	/* the PBX is exempt */
	for (i = 0; i < 10; i++)
		assert_false(input(g, &pbx, good, 0, &s));
	/* a second later the source may send again */
	assert_false(input(g, &src, good, 1000000000ull, &s));
	c = cp_sipguard_counters(g);
	assert_int_equal(c->datagrams, 16);
	assert_int_equal(c->passed, 13);
	assert_int_equal(c->garbage, 1);
	assert_int_equal(c->malformed, 1);
	assert_int_equal(c->replied_400, 1);
	assert_int_equal(c->rate_limited, 1);
	mem_deref(g);
	/* a limit below what any request needs is refused */
	conf.max_msg_bytes = 100;
	assert_int_equal(cp_sipguard_alloc(&g, &conf), EINVAL);
}

/* Live, on loopback: libre's SIP stack on a UDP transport, the guard
 * learnt through its probe, then datagrams from a client socket. */
struct live {
	struct sip *sip;
	struct cp_sipguard *g;
	unsigned int probes, requests;
	struct udp_sock *cli;
	char rx[2048];
	ssize_t rxlen;
	struct tmr tmr;
};

static bool
live_req_h(const struct sip_msg *msg, void *arg)
{
	struct live *l = arg;

	/* the line the SIP request handler carries (docs/admission.md) */
	if (cp_sipguard_learn(l->g, msg)) {
		l->probes++;
		re_cancel();
		return true;
	}
	l->requests++;
	(void)sip_reply(l->sip, msg, 200, "OK");
	return true;
}

static void
live_cli_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct live *l = arg;
	size_t n = mbuf_get_left(mb);

	(void)src;
	if (n >= sizeof(l->rx))
		n = sizeof(l->rx) - 1;
	memcpy(l->rx, mbuf_buf(mb), n);
	l->rx[n] = '\0';
	l->rxlen = (ssize_t)n;
	re_cancel();
}

static void
live_timeout_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
live_run(struct live *l, uint32_t ms)
{
	l->rxlen = -1;
	tmr_start(&l->tmr, ms, live_timeout_h, l);
	re_main(NULL);
	tmr_cancel(&l->tmr);
}

static void
live_send(struct live *l, const struct sa *to, const char *data, size_t n)
{
	struct mbuf *mb = mbuf_alloc(n);

	(void)mbuf_write_mem(mb, (const uint8_t *)data, n);
	mb->pos = 0;
	assert_int_equal(udp_send(l->cli, to, mb), 0);
	mem_deref(mb);
	live_run(l, 300);
}

static void
test_live(void **state)
{
	struct live l = {0};
	struct esg_conf_sip conf;
	struct sip_lsnr *lsnr = NULL;
	struct sa laddr, any;
	char *big;
	size_t n;

	(void)state;
	tmr_init(&l.tmr);
	esg_conf_sip_defaults(&conf);
	conf.max_msg_bytes = 2048;
	assert_int_equal(cp_sipguard_alloc(&l.g, &conf), 0);
	assert_int_equal(
		sip_alloc(&l.sip, NULL, 16, 16, 16, "test", NULL, NULL), 0);
	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(l.sip, SIP_TRANSP_UDP, &laddr), 0);
	assert_int_equal(sip_transp_laddr(l.sip, &laddr, SIP_TRANSP_UDP, NULL),
			 0);
	assert_int_equal(sip_listen(&lsnr, l.sip, true, live_req_h, &l), 0);
	assert_int_equal(sa_set_str(&any, "127.0.0.1", 0), 0);
	assert_int_equal(udp_listen(&l.cli, &any, live_cli_h, &l), 0);

	assert_int_equal(cp_sipguard_probe(l.g, &laddr), 0);
	live_run(&l, 2000);
	assert_int_equal(l.probes, 1);
	assert_int_equal(l.requests, 0);

	live_send(&l, &laddr, "\x00\xff garbage", 10);
	assert_int_equal(l.rxlen, -1);
	assert_int_equal(cp_sipguard_counters(l.g)->garbage, 1);

	live_send(&l, &laddr, RL VIA MF TO FROM CSEQ "\r\n",
		  strlen(RL VIA MF TO FROM CSEQ "\r\n"));
	assert_true(l.rxlen > 0);
	assert_non_null(strstr(l.rx, "SIP/2.0 400 Missing Call-ID Header\r\n"));
	assert_int_equal(l.requests, 0);

	/* over max_msg_bytes (and over libre's default 8192 read) */
	big = malloc(9000);
	n = (size_t)snprintf(big, 9000, "%s",
			     "OPTIONS sip:a SIP/2.0\r\n" VIA MF TO FROM CID
			     "CSeq: 1 OPTIONS\r\nContent-Length: 8500\r\n\r\n");
	memset(big + n, 'x', 8500);
	live_send(&l, &laddr, big, n + 8500);
	free(big);
	assert_true(l.rxlen > 0);
	assert_non_null(strstr(l.rx, "SIP/2.0 513 Message Too Large\r\n"));

	/* a good one reaches libre and its listener, whose answer follows
	 * the Via to the client */
	assert_int_equal(udp_local_get(l.cli, &any), 0);
	big = malloc(1024);
	n = (size_t)re_snprintf(
		big, 1024,
		"OPTIONS sip:a SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %J;branch=z9hG4bKok\r\n" MF TO FROM CID
		"CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		&any);
	live_send(&l, &laddr, big, n);
	free(big);
	assert_int_equal(l.requests, 1);
	assert_non_null(strstr(l.rx, "SIP/2.0 200 OK\r\n"));
	assert_int_equal(cp_sipguard_counters(l.g)->replied_400, 1);
	assert_int_equal(cp_sipguard_counters(l.g)->replied_513, 1);
	assert_int_equal(cp_sipguard_counters(l.g)->too_large, 1);

	/* the guard goes before the stack (docs/admission.md) */
	mem_deref(l.g);
	mem_deref(lsnr);
	sip_close(l.sip, true);
	mem_deref(l.sip);
	mem_deref(l.cli);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_many_via),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_prefixes_and_flips),
		cmocka_unit_test(test_input),
		cmocka_unit_test(test_live),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
