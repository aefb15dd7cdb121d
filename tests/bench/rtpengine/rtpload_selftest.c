/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload selftest: the load tool checks itself before it
 * measures anything (run.sh runs it first; meson test rtpload_selftest).
 *
 * - The generator's frames, stamped across a sequence number wrap, all
 *   pass the receiver's own full UDP checksum (RFC 768 / RFC 8200 8.1):
 *   the incremental stamping and the parser agree, IPv4 and IPv6.
 * - The receiver's parser: every truncation of a good frame, a flipped
 *   payload byte, a wrong destination port, another run's tag, RTP
 *   version 1, an unknown SSRC, an IPv4 fragment, a UDP length that lies,
 *   an IPv4 total length beyond the frame, an ARP frame: each counted
 *   where it belongs and never as received.
 * - Sequence accounting (RFC 3550 A.1/A.3): reordering, a gap, a wrap.
 * - The streams file parser: good files, and malformed ones refused.
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rtpload.h"

static unsigned int st_checks, st_failed;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		st_checks++;                                                   \
		if (!(cond)) {                                                 \
			st_failed++;                                           \
			fprintf(stderr, "selftest: FAIL line %d: ", __LINE__); \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 1};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 2};

static void
addr(struct rtpload_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(a->family, ip, a->ip);
	a->port = port;
}

/* Two streams as the receiver knows them, and the frames the relay
 * would deliver for them (from the relay's side b to the destination). */
static void
setup(struct rtpload_stream *st, struct rtpload_stream *out)
{
	memset(st, 0, 2 * sizeof(*st));
	st[0].id = 0;
	addr(&st[0].src, "192.0.2.10", 40000);
	addr(&st[0].relay, "192.0.2.1", 20000);
	addr(&st[0].dst, "198.51.100.10", 40000);
	st[1].id = 1;
	addr(&st[1].src, "192.0.2.10", 40002);
	addr(&st[1].relay, "192.0.2.1", 20002);
	addr(&st[1].dst, "2001:db8:2::10", 40002);
	memcpy(out, st, 2 * sizeof(*st));
	addr(&out[0].src, "198.51.100.1", 30000);
	out[0].relay = st[0].dst;
	addr(&out[1].src, "2001:db8:2::1", 30002);
	out[1].relay = st[1].dst;
}

static void
test_checksums(const struct rtpload_stream *st,
	       const struct rtpload_stream *out)
{
	struct rtpload_rx_stream rs[2];
	struct rtpload_rx_count c;
	struct rtpload_frame f;
	unsigned int i, k, n = 70000;
	uint64_t exp, lost, late;
	uint32_t silent;

	for (i = 0; i < 2; i++) {
		memset(rs, 0, sizeof(rs));
		memset(&c, 0, sizeof(c));
		rtpload_frame_build(&f, &out[i], mac_a, mac_b, 7);
		for (k = 0; k < n; k++) {
			rtpload_frame_next(&f);
			rtpload_rx_frame(f.frame, f.len, 1, 7, st, rs, 2, &c);
		}
		CHECK(c.received == n && c.bad_csum == 0 && c.bad == 0,
		      "stream %u: %llu of %u received, %llu bad checksums", i,
		      (unsigned long long)c.received, n,
		      (unsigned long long)c.bad_csum);
		CHECK(f.len == (i == 0 ? 214 : 234), "frame length %u", f.len);
		rtpload_rx_totals(rs, 2, &exp, &lost, &late, &silent);
		CHECK(exp == n && lost == 0 && late == 0 && silent == 1,
		      "stream %u: expected %llu lost %llu late %llu silent %u",
		      i, (unsigned long long)exp, (unsigned long long)lost,
		      (unsigned long long)late, silent);
		CHECK(rs[i].cycles == 0x10000, "stream %u: one wrap, cycles %u",
		      i, rs[i].cycles);
	}
}

/* Feed one (possibly damaged) frame; return the counters it changed. */
static struct rtpload_rx_count
feed(const uint8_t *frame, uint32_t len, int csum_ready,
     const struct rtpload_stream *st)
{
	struct rtpload_rx_stream rs[2];
	struct rtpload_rx_count c;

	memset(rs, 0, sizeof(rs));
	memset(&c, 0, sizeof(c));
	rtpload_rx_frame(frame, len, csum_ready, 7, st, rs, 2, &c);
	return c;
}

static void
test_malformed(const struct rtpload_stream *st,
	       const struct rtpload_stream *out)
{
	struct rtpload_rx_count c;
	struct rtpload_frame f;
	uint8_t b[RTPLOAD_FRAME_MAX];
	unsigned int i, len, l3;

	for (i = 0; i < 2; i++) {
		rtpload_frame_build(&f, &out[i], mac_a, mac_b, 7);
		rtpload_frame_next(&f);
		l3 = i == 0 ? 20 : 40;
		c = feed(f.frame, f.len, 1, st);
		CHECK(c.received == 1, "stream %u: good frame not received", i);
		for (len = 0; len < f.len; len++) {
			c = feed(f.frame, len, 1, st);
			CHECK(c.received == 0 && c.bad + c.other == 1,
			      "stream %u: truncated to %u: received %llu", i,
			      len, (unsigned long long)c.received);
		}
		memcpy(b, f.frame, f.len);
		b[f.len - 1] ^= 0x40; /* payload, not the id or the tag */
		c = feed(b, f.len, 1, st);
		CHECK(c.bad_csum == 1 && c.received == 0,
		      "stream %u: flipped byte not a bad checksum", i);
		c = feed(b, f.len, 0, st);
		CHECK(c.received == 1 && c.csum_unverified == 1,
		      "stream %u: unverified checksum not received", i);
		memcpy(b, f.frame, f.len);
		b[14 + l3 + 3] ^= 2; /* UDP destination port */
		c = feed(b, f.len, 0, st);
		CHECK(c.wrong_dst == 1, "stream %u: wrong port", i);
		c = feed(f.frame, f.len, 1, st);
		rtpload_frame_build(&f, &out[i], mac_a, mac_b, 8);
		rtpload_frame_next(&f);
		c = feed(f.frame, f.len, 1, st);
		CHECK(c.stale == 1 && c.received == 0, "stream %u: stale tag",
		      i);
		rtpload_frame_build(&f, &out[i], mac_a, mac_b, 7);
		rtpload_frame_next(&f);
		memcpy(b, f.frame, f.len);
		b[14 + l3 + 8] = 0x40; /* RTP version 1 */
		c = feed(b, f.len, 0, st);
		CHECK(c.bad == 1, "stream %u: RTP version 1", i);
		memcpy(b, f.frame, f.len);
		b[14 + l3 + 8 + 11] = 5; /* SSRC: stream 5 of 2 */
		c = feed(b, f.len, 0, st);
		CHECK(c.bad == 1, "stream %u: unknown SSRC", i);
		memcpy(b, f.frame, f.len);
		b[14 + l3 + 5] += 1; /* UDP length one more than the IP says */
		c = feed(b, f.len, 0, st);
		CHECK(c.bad == 1, "stream %u: UDP length", i);
	}
	rtpload_frame_build(&f, &out[0], mac_a, mac_b, 7);
	rtpload_frame_next(&f);
	memcpy(b, f.frame, f.len);
	b[14 + 6] |= 0x20; /* IPv4 MF: a fragment */
	c = feed(b, f.len, 0, st);
	CHECK(c.bad == 1, "IPv4 fragment");
	memcpy(b, f.frame, f.len);
	b[14 + 2] = 0x01; /* total length 256 + 200 > the frame */
	c = feed(b, f.len, 0, st);
	CHECK(c.bad == 1, "IPv4 total length beyond the frame");
	memcpy(b, f.frame, f.len);
	b[12] = 0x08;
	b[13] = 0x06; /* ARP */
	c = feed(b, f.len, 0, st);
	CHECK(c.other == 1 && c.bad == 0, "ARP is other traffic");
}

static void
test_sequence(const struct rtpload_stream *st, const struct rtpload_stream *out)
{
	static const uint16_t seqs[] = {65534, 65535, 1, 0, 3, 3};
	struct rtpload_rx_stream rs[2];
	struct rtpload_rx_count c;
	struct rtpload_frame f;
	uint64_t exp, lost, late;
	uint32_t silent;
	unsigned int i;

	memset(rs, 0, sizeof(rs));
	memset(&c, 0, sizeof(c));
	rtpload_frame_build(&f, &out[0], mac_a, mac_b, 7);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		f.seq = seqs[i];
		rtpload_frame_next(&f);
		rtpload_rx_frame(f.frame, f.len, 1, 7, st, rs, 2, &c);
	}
	/* 65534..3 expected (6), 65534 65535 1 0 3 3 received: 2 is lost,
	 * 0 came late, the second 3 is a duplicate (late too). */
	rtpload_rx_totals(rs, 2, &exp, &lost, &late, &silent);
	CHECK(c.received == 6 && exp == 6 && late == 2 && silent == 1,
	      "sequence: received %llu expected %llu late %llu",
	      (unsigned long long)c.received, (unsigned long long)exp,
	      (unsigned long long)late);
	CHECK(lost == 0, "sequence: lost %llu (6 received for 6 expected)",
	      (unsigned long long)lost);
}

static int
parse_text(const char *text, uint32_t *np)
{
	char path[] = "/tmp/rtpload-selftest.XXXXXX", why[256];
	struct rtpload_stream *s = NULL;
	int fd = mkstemp(path), err;
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	err = rtpload_streams_read(path, &s, np, why, sizeof(why));
	unlink(path);
	free(s);
	return err;
}

static void
test_streams_file(void)
{
	static const char *bad[] = {
		"0 192.0.2.10 40000 192.0.2.1 20000 198.51.100.10\n",
		"0 192.0.2.10 40000 192.0.2.1 20000 198.51.100.10 40000 x\n",
		"1 192.0.2.10 40000 192.0.2.1 20000 198.51.100.10 40000\n",
		"0 192.0.2.300 40000 192.0.2.1 20000 198.51.100.10 40000\n",
		"0 192.0.2.10 0 192.0.2.1 20000 198.51.100.10 40000\n",
		"0 192.0.2.10 40000 192.0.2.1 65536 198.51.100.10 40000\n",
		"0 192.0.2.10 40000 192.0.2.1 20000 198.51.100.10 12x\n",
		"0 192.0.2.10 40000 2001:db8:1::1 20000 198.51.100.10 40000\n",
		"# nothing\n",
		"",
	};
	uint32_t n = 0;
	unsigned int i;

	CHECK(parse_text("# id src sport relay rport dst dport\n\n"
			 "0 192.0.2.10 40000 192.0.2.1 20000 198.51.100.10 "
			 "40000\n"
			 "1 192.0.2.10 40002 192.0.2.1 20002 2001:db8:2::10 "
			 "40002\n",
			 &n) == 0 &&
		      n == 2,
	      "good streams file: n %u", n);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(parse_text(bad[i], &n) < 0, "bad streams file %u taken",
		      i);
}

int
rtpload_selftest_main(int argc, char **argv)
{
	struct rtpload_stream st[2], out[2];

	(void)argc;
	(void)argv;
	setup(st, out);
	test_checksums(st, out);
	test_malformed(st, out);
	test_sequence(st, out);
	test_streams_file();
	printf("selftest: %u checks, %u failed\n", st_checks, st_failed);
	return st_failed == 0 ? 0 : 1;
}
