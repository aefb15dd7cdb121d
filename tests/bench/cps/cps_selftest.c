/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --selftest (meson test cps_selftest, no root, loopback only): the SDP
 * reader and the number ranges on fixed inputs (good and malformed), then
 * the tool calls itself, UAC -> its own UAS on 127.0.0.1, no ESG:
 *   1. 200 calls at 200/s, 180 then 200, held 0.5 s, media checked
 *      "direct" (the answer must carry the UAS's address and port range):
 *      zero failures, every 180 seen, every ACK and BYE arrived, more than
 *      one call up at once;
 *   2. 50 calls, the UAS answers 486 to every 5th: exactly 10 failures by
 *      486 and 40 answered, so a benchmark that loses calls cannot report
 *      zero failures.
 */
#include <stdio.h>
#include <string.h>

#include "cps.h"

static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "selftest: %s:%d: %s\n", __FILE__,     \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

static int
parse(const char *s, struct cps_sdp_info *info)
{
	return cps_sdp_parse(s, strlen(s), info);
}

static void
check_sdp(void)
{
	struct cps_sdp_info info;
	struct mbuf *mb = NULL;
	struct sa a, b;

	/* our own offer reads back */
	(void)sa_set_str(&a, "192.0.2.10", 0);
	CHECK(cps_sdp_build(&mb, &a, 20002, false, 7) == 0);
	CHECK(cps_sdp_parse((const char *)mbuf_buf(mb), mbuf_get_left(mb),
			    &info) == 0);
	CHECK(info.port == 20002 && info.has_pcmu && info.has_te);
	CHECK(sa_cmp(&info.conn, &a, SA_ADDR));
	mb = mem_deref(mb);
	/* IPv6, the media-level c= wins (RFC 8866 5.7); video first */
	(void)sa_set_str(&b, "2001:db8:2::1", 0);
	CHECK(parse("v=0\r\nc=IN IP4 198.51.100.1\r\n"
		    "m=video 5000 RTP/AVP 96\r\nc=IN IP4 203.0.113.9\r\n"
		    "m=audio 6000 RTP/AVP 0 101\r\n"
		    "c=IN IP6 2001:db8:2::1\r\n",
		    &info) == 0);
	CHECK(info.port == 6000 && sa_cmp(&info.conn, &b, SA_ADDR));
	/* the session-level c= when the stream has none; LF only */
	(void)sa_set_str(&b, "198.51.100.1", 0);
	CHECK(parse("v=0\nc=IN IP4 198.51.100.1\nm=audio 7 RTP/AVP 8\n",
		    &info) == 0);
	CHECK(sa_cmp(&info.conn, &b, SA_ADDR) && !info.has_pcmu);
	/* malformed: no audio, no c=, bad family, bad port, no '=' */
	CHECK(parse("v=0\r\nc=IN IP4 1.2.3.4\r\n", &info) != 0);
	CHECK(parse("v=0\r\nm=audio 4000 RTP/AVP 0\r\n", &info) != 0);
	CHECK(parse("c=IN IP6 1.2.3.4\r\nm=audio 4 RTP/AVP 0\r\n", &info) != 0);
	CHECK(parse("c=IN IP4 1.2.3.4\r\nm=audio 99999 RTP/AVP 0\r\n", &info) !=
	      0);
	CHECK(parse("c=IN IP4 1.2.3.4\r\nm=audio 123456 RTP/AVP 0\r\n",
		    &info) != 0);
	CHECK(parse("c=IN IP4 1.2.3.4\r\nmaudio\r\n", &info) != 0);
	CHECK(parse("", &info) != 0);
	/* a truncated buffer: the reader stops at len */
	CHECK(cps_sdp_parse("c=IN IP4 1.2.3.4\r\nm=audio 4 RTP/AVP 0", 17,
			    &info) != 0);
}

static void
check_numbers(void)
{
	struct cps_numbers n;
	char buf[CPS_NUM_LEN];

	CHECK(cps_numbers_parse(&n, "+4930123400", 100) == 0);
	CHECK(cps_numbers_print(&n, 0, buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "+4930123400") == 0);
	CHECK(cps_numbers_print(&n, 199, buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "+4930123499") == 0);
	CHECK(cps_numbers_parse(&n, "0049", 10) == 0);
	CHECK(cps_numbers_print(&n, 3, buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "0052") == 0);
	CHECK(cps_numbers_parse(&n, "+995", 10) == ERANGE);
	CHECK(cps_numbers_parse(&n, "+49x", 1) != 0);
	CHECK(cps_numbers_parse(&n, "+", 1) != 0);
	CHECK(cps_numbers_parse(&n, "1", 0) != 0);
}

static void
self_conf(struct cps_conf *c)
{
	cps_conf_defaults(c);
	c->media_check = CPS_MEDIA_DIRECT;
	c->hash_size = 256;
	c->setup_timeout_ms = 3000;
	c->drain_ms = 3000;
	c->quiet = true;
}

int
cps_selftest(void)
{
	struct cps_counters c;
	struct cps_conf conf;

	check_sdp();
	check_numbers();

	self_conf(&conf);
	conf.label = "selftest 1: 200 calls, 180 then 200, hold 0.5 s";
	conf.rate = 200;
	conf.calls = 200;
	conf.ringing = true;
	conf.ring_ms = 2;
	conf.hold_ms = 500;
	CHECK(cps_main_run(&conf, &c) == 0);
	CHECK(cps_zero_failures(&c));
	CHECK(c.attempted == 200 && c.answered == 200 && c.prov == 200);
	CHECK(c.invites == 200 && c.acked == 200 && c.bye_rcvd == 200);
	CHECK(c.max_current > 1 && c.current == 0);

	self_conf(&conf);
	conf.label = "selftest 2: 50 calls, every 5th refused (486)";
	conf.rate = 100;
	conf.calls = 50;
	conf.reject_every = 5;
	CHECK(cps_main_run(&conf, &c) == 0);
	CHECK(!cps_zero_failures(&c));
	CHECK(c.attempted == 50 && c.answered == 40 && c.failed == 10);
	CHECK(c.status[486] == 10 && c.rejected == 10);
	CHECK(c.bye_sent == 40 && c.bye_rcvd == 40 && c.timeouts == 0);

	printf("selftest: %s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
