/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTP/RTCP on the relay's fast path (dataplane/relay/dp_rtp.h):
 * - RFC 7983 7 first-byte demux at every range boundary, RFC 5761 4
 *   RTP/RTCP split on the second byte;
 * - RFC 3550 5.1 / 5.3.1 header parsing, well-formed and malformed
 *   (short, version, CSRC list, extension, padding);
 * - RFC 3550 6.4.1 / A.2 first RTCP header of a compound;
 * - RFC 3550 A.1 sequence (wrap, misorder, duplicates, MAX_DROPOUT and
 *   MAX_MISORDER boundaries, a large jump with and without confirmation),
 *   A.3 expected / lost, SSRC change;
 * - RFC 3550 A.8 jitter: hand-computed steps, and a delay pattern checked
 *   against a reference computed here independently (exact division of
 *   the arrival time, signed 64-bit arithmetic).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_rtp.h"

#define MS 1000000ull

/* ----- demux ---------------------------------------------------------- */

static void
test_demux_first_byte(void **state)
{
	/* RFC 7983 7: [0..3] STUN, [16..19] ZRTP, [20..63] DTLS, [64..79]
	 * TURN channel, [128..191] RTP/RTCP; the rest not ours. */
	static const struct {
		uint8_t b;
		enum dp_media_kind k;
	} v[] = {
		{0, DP_MEDIA_STUN},    {3, DP_MEDIA_STUN},
		{4, DP_MEDIA_OTHER},   {15, DP_MEDIA_OTHER},
		{16, DP_MEDIA_OTHER},  {19, DP_MEDIA_OTHER},
		{20, DP_MEDIA_DTLS},   {63, DP_MEDIA_DTLS},
		{64, DP_MEDIA_OTHER},  {79, DP_MEDIA_OTHER},
		{127, DP_MEDIA_OTHER}, {128, DP_MEDIA_RTP},
		{191, DP_MEDIA_RTP},   {192, DP_MEDIA_OTHER},
		{255, DP_MEDIA_OTHER},
	};
	uint8_t pkt[12] = {0};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pkt[0] = v[i].b;
		pkt[1] = 0; /* RTP PT 0 */
		assert_int_equal(dp_rtp_demux(pkt, sizeof(pkt)), v[i].k);
	}
	assert_int_equal(dp_rtp_demux(pkt, 0), DP_MEDIA_OTHER);
	pkt[0] = 0x80;
	/* one byte: RTP by its first byte, dp_rtp_parse() rejects it */
	assert_int_equal(dp_rtp_demux(pkt, 1), DP_MEDIA_RTP);
}

static void
test_demux_rtcp_mux(void **state)
{
	/* RFC 5761 4: second byte 192..223 is RTCP (SR 200 .. XR 207,
	 * and the rest of the range kept free); everything else RTP,
	 * marker bit included in the byte. */
	static const struct {
		uint8_t b1;
		enum dp_media_kind k;
	} v[] = {
		{0x00, DP_MEDIA_RTP},  /* PT 0, no marker */
		{0x80, DP_MEDIA_RTP},  /* PT 0, marker */
		{0x60, DP_MEDIA_RTP},  /* PT 96 */
		{0xbf, DP_MEDIA_RTP},  /* 191: PT 63 + marker */
		{0xc0, DP_MEDIA_RTCP}, /* 192 */
		{0xc8, DP_MEDIA_RTCP}, /* SR */
		{0xc9, DP_MEDIA_RTCP}, /* RR */
		{0xce, DP_MEDIA_RTCP}, /* PSFB */
		{0xdf, DP_MEDIA_RTCP}, /* 223: why PT 64..95 are avoided */
		{0xe0, DP_MEDIA_RTP},  /* 224: PT 96 + marker */
		{0xff, DP_MEDIA_RTP},
	};
	uint8_t pkt[12] = {0x80};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pkt[1] = v[i].b1;
		assert_int_equal(dp_rtp_demux(pkt, sizeof(pkt)), v[i].k);
		pkt[0] = 0xbf; /* last RTP/RTCP first byte: same answer */
		assert_int_equal(dp_rtp_demux(pkt, sizeof(pkt)), v[i].k);
		pkt[0] = 0x80;
	}
}

/* ----- RTP header ------------------------------------------------------- */

static uint32_t
rtp_build(uint8_t *p, uint8_t b0, uint8_t b1, uint16_t seq, uint32_t ts,
	  uint32_t ssrc)
{
	p[0] = b0;
	p[1] = b1;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	return 12;
}

static void
test_rtp_parse_fields(void **state)
{
	struct dp_rtp_info ri;
	uint8_t p[64];

	(void)state;
	memset(p, 0xaa, sizeof(p));
	rtp_build(p, 0x80, 0x80 | 8, 0xbeef, 0x01020304, 0xdeadbeef);
	memset(&ri, 0, sizeof(ri));
	assert_int_equal(dp_rtp_parse(p, 12, &ri), 0);
	assert_int_equal(ri.marker, 1);
	assert_int_equal(ri.pt, 8);
	assert_int_equal(ri.seq, 0xbeef);
	assert_int_equal(ri.ts, 0x01020304);
	assert_int_equal(ri.ssrc, 0xdeadbeef);

	p[1] = 111;
	assert_int_equal(dp_rtp_parse(p, 40, &ri), 0);
	assert_int_equal(ri.marker, 0);
	assert_int_equal(ri.pt, 111);

	/* 5.1: 15 CSRCs fill 72 bytes exactly */
	p[0] = 0x8f;
	assert_int_equal(dp_rtp_parse(p, 64, &ri), -EBADMSG);
	{
		uint8_t big[80] = {0};

		rtp_build(big, 0x8f, 0, 1, 2, 3);
		assert_int_equal(dp_rtp_parse(big, 72, &ri), 0);
		assert_int_equal(dp_rtp_parse(big, 71, &ri), -EBADMSG);
	}

	/* 5.3.1: extension of 2 words after 1 CSRC: 12 + 4 + 4 + 8 */
	memset(p, 0, sizeof(p));
	rtp_build(p, 0x80 | 0x10 | 1, 0, 1, 2, 3);
	p[16] = 0xbe;
	p[17] = 0xde;
	p[18] = 0;
	p[19] = 2;
	assert_int_equal(dp_rtp_parse(p, 28, &ri), 0);
	assert_int_equal(dp_rtp_parse(p, 27, &ri), -EBADMSG);

	/* padding: 4 bytes of payload, 4 of padding, count 4 */
	memset(p, 0, sizeof(p));
	rtp_build(p, 0xa0, 0, 1, 2, 3);
	p[19] = 4;
	assert_int_equal(dp_rtp_parse(p, 20, &ri), 0);
	/* padding may take the whole payload */
	p[19] = 8;
	assert_int_equal(dp_rtp_parse(p, 20, &ri), 0);
}

static void
test_rtp_parse_malformed(void **state)
{
	struct dp_rtp_info ri;
	uint8_t p[64];
	uint32_t len;

	(void)state;
	memset(p, 0, sizeof(p));
	/* short: 11 bytes */
	rtp_build(p, 0x80, 0, 1, 2, 3);
	assert_int_equal(dp_rtp_parse(p, 11, &ri), -EBADMSG);
	assert_int_equal(dp_rtp_parse(p, 0, &ri), -EBADMSG);
	/* version 0, 1, 3 */
	p[0] = 0x00;
	assert_int_equal(dp_rtp_parse(p, 12, &ri), -EBADMSG);
	p[0] = 0x40;
	assert_int_equal(dp_rtp_parse(p, 12, &ri), -EBADMSG);
	p[0] = 0xc0;
	assert_int_equal(dp_rtp_parse(p, 12, &ri), -EBADMSG);
	/* CSRC count 2 past the end of 19 bytes */
	p[0] = 0x82;
	assert_int_equal(dp_rtp_parse(p, 19, &ri), -EBADMSG);
	assert_int_equal(dp_rtp_parse(p, 20, &ri), 0);
	/* extension header itself past the end */
	p[0] = 0x90;
	assert_int_equal(dp_rtp_parse(p, 12, &ri), -EBADMSG);
	assert_int_equal(dp_rtp_parse(p, 15, &ri), -EBADMSG);
	assert_int_equal(dp_rtp_parse(p, 16, &ri), 0); /* length 0 */
	/* extension length past the end: 0xffff words */
	p[14] = 0xff;
	p[15] = 0xff;
	assert_int_equal(dp_rtp_parse(p, 64, &ri), -EBADMSG);
	p[14] = 0;
	p[15] = 12; /* 48 bytes: 12 + 4 + 48 = 64 */
	assert_int_equal(dp_rtp_parse(p, 64, &ri), 0);
	assert_int_equal(dp_rtp_parse(p, 63, &ri), -EBADMSG);
	/* padding count 0 with P set */
	memset(p, 0, sizeof(p));
	len = rtp_build(p, 0xa0, 0, 1, 2, 3) + 8;
	p[len - 1] = 0;
	assert_int_equal(dp_rtp_parse(p, len, &ri), -EBADMSG);
	/* padding past the payload (8 bytes) */
	p[len - 1] = 9;
	assert_int_equal(dp_rtp_parse(p, len, &ri), -EBADMSG);
	p[len - 1] = 255;
	assert_int_equal(dp_rtp_parse(p, len, &ri), -EBADMSG);
	/* padding with no payload at all: the count byte would be header */
	assert_int_equal(dp_rtp_parse(p, 12, &ri), -EBADMSG);
	/* padding past an extension: payload after it is 2 bytes */
	memset(p, 0, sizeof(p));
	rtp_build(p, 0xb0, 0, 1, 2, 3);
	p[15] = 1; /* 4 bytes of extension: header ends at 20 */
	p[21] = 3;
	assert_int_equal(dp_rtp_parse(p, 22, &ri), -EBADMSG);
	p[21] = 2;
	assert_int_equal(dp_rtp_parse(p, 22, &ri), 0);
}

/* ----- RTCP ------------------------------------------------------------- */

static void
test_rtcp_check(void **state)
{
	/* RR with no report block: 8 bytes, length 1 */
	uint8_t rr[8] = {0x80, 201, 0, 1, 1, 2, 3, 4};
	/* SR without report blocks: 28 bytes, length 6, then an SDES */
	uint8_t c[40] = {0x80, 200, 0, 6};

	(void)state;
	assert_int_equal(dp_rtcp_check(rr, 8), 0);
	assert_int_equal(dp_rtcp_check(rr, 7), -EBADMSG);
	assert_int_equal(dp_rtcp_check(c, 28), 0);
	assert_int_equal(dp_rtcp_check(c, 40), 0); /* compound, or SRTCP */
	assert_int_equal(dp_rtcp_check(c, 27), -EBADMSG);
	/* length field 0: 4 bytes, no room for the SSRC */
	c[3] = 0;
	assert_int_equal(dp_rtcp_check(c, 40), -EBADMSG);
	/* length field past len */
	c[2] = 0xff;
	c[3] = 0xff;
	assert_int_equal(dp_rtcp_check(c, 40), -EBADMSG);
	/* versions other than 2 */
	rr[0] = 0x40;
	assert_int_equal(dp_rtcp_check(rr, 8), -EBADMSG);
	rr[0] = 0xc0;
	assert_int_equal(dp_rtcp_check(rr, 8), -EBADMSG);
	rr[0] = 0x81; /* RC 1 does not change the header length check */
	assert_int_equal(dp_rtcp_check(rr, 8), 0);
	/* packet type outside RFC 5761 4's 192..223 */
	rr[1] = 191;
	assert_int_equal(dp_rtcp_check(rr, 8), -EBADMSG);
	rr[1] = 224;
	assert_int_equal(dp_rtcp_check(rr, 8), -EBADMSG);
	rr[1] = 192;
	assert_int_equal(dp_rtcp_check(rr, 8), 0);
	rr[1] = 223;
	assert_int_equal(dp_rtcp_check(rr, 8), 0);
}

/* ----- A.1 / A.3 -------------------------------------------------------- */

static void
feed(struct dp_leg_stats *st, uint32_t ssrc, uint16_t seq)
{
	struct dp_rtp_info ri = {.ssrc = ssrc, .seq = seq, .ts = 0};

	/* same arrival, same timestamp: jitter stays out of the way */
	dp_rtp_stats_update(st, &ri, 0, 8000);
}

static void
test_seq_first_packet(void **state)
{
	struct dp_leg_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	assert_int_equal(dp_rtp_expected(&st), 0);
	assert_int_equal(dp_rtp_lost(&st), 0);
	feed(&st, 0, 1000); /* SSRC 0 is a valid SSRC */
	assert_int_equal(st.ssrc, 0);
	assert_int_equal(st.ssrc_changes, 0);
	assert_int_equal(st.base_seq, 1000);
	assert_int_equal(st.ext_max_seq, 1000);
	assert_int_equal(st.rtp_received, 1);
	assert_int_equal(dp_rtp_expected(&st), 1);
	assert_int_equal(dp_rtp_lost(&st), 0);
	/* the per-leg counters of the relay are not ours */
	assert_int_equal(st.rx_pkts, 0);
}

static void
test_seq_wrap(void **state)
{
	struct dp_leg_stats st;

	(void)state;
	/* A.1: 65535 -> 0 adds RTP_SEQ_MOD to cycles */
	memset(&st, 0, sizeof(st));
	feed(&st, 7, 65534);
	feed(&st, 7, 65535);
	assert_int_equal(st.ext_max_seq, 65535);
	feed(&st, 7, 0);
	assert_int_equal(st.ext_max_seq, 65536);
	feed(&st, 7, 1);
	assert_int_equal(st.ext_max_seq >> 16, 1); /* cycles */
	assert_int_equal(st.ext_max_seq, 65537);
	assert_int_equal(dp_rtp_expected(&st), 4);
	assert_int_equal(dp_rtp_lost(&st), 0);
	/* a gap across the wrap: 65530 .. 5 with 65533 .. 2 lost */
	memset(&st, 0, sizeof(st));
	feed(&st, 7, 65530);
	feed(&st, 7, 65531);
	feed(&st, 7, 65532);
	feed(&st, 7, 3);
	feed(&st, 7, 4);
	feed(&st, 7, 5);
	assert_int_equal(st.ext_max_seq, 65536 + 5);
	assert_int_equal(dp_rtp_expected(&st), 12);
	assert_int_equal(dp_rtp_lost(&st), 6);
	/* a late packet from before the wrap: counted, no new cycle */
	feed(&st, 7, 65534);
	assert_int_equal(st.ext_max_seq, 65536 + 5);
	assert_int_equal(dp_rtp_lost(&st), 5);
	/* many cycles */
	memset(&st, 0, sizeof(st));
	for (uint32_t i = 0; i < 3 * 65536 + 10; i++)
		feed(&st, 7, (uint16_t)i);
	assert_int_equal(st.ext_max_seq, 3 * 65536 + 9);
	assert_int_equal(dp_rtp_expected(&st), 3 * 65536 + 10);
	assert_int_equal(dp_rtp_lost(&st), 0);
}

static void
test_seq_misorder_dup(void **state)
{
	struct dp_leg_stats st;

	(void)state;
	/* A.1: misordered packets are counted, max_seq stays */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 10);
	feed(&st, 1, 12);
	feed(&st, 1, 11);
	assert_int_equal(st.ext_max_seq, 12);
	assert_int_equal(st.rtp_received, 3);
	assert_int_equal(dp_rtp_lost(&st), 0);
	/* A.3: duplicates make lost negative */
	feed(&st, 1, 12);
	feed(&st, 1, 11);
	assert_int_equal(st.rtp_received, 5);
	assert_int_equal(dp_rtp_expected(&st), 3);
	assert_int_equal(dp_rtp_lost(&st), -2);
	/* a packet from before base_seq: expected does not grow */
	feed(&st, 1, 9);
	assert_int_equal(dp_rtp_expected(&st), 3);
	assert_int_equal(dp_rtp_lost(&st), -3);
	/* plain loss */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 1);
	feed(&st, 1, 2);
	feed(&st, 1, 5);
	assert_int_equal(dp_rtp_expected(&st), 5);
	assert_int_equal(dp_rtp_lost(&st), 2);
}

static void
test_seq_boundaries(void **state)
{
	struct dp_leg_stats st;

	(void)state;
	/* udelta MAX_DROPOUT - 1: an in-order gap */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 100);
	feed(&st, 1, 100 + 2999);
	assert_int_equal(st.ext_max_seq, 3099);
	assert_int_equal(st.rtp_received, 2);
	/* udelta MAX_DROPOUT: a large jump, not counted */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 100);
	feed(&st, 1, 100 + 3000);
	assert_int_equal(st.ext_max_seq, 100);
	assert_int_equal(st.rtp_received, 1);
	/* udelta RTP_SEQ_MOD - MAX_MISORDER (65436): still a jump */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 1000);
	feed(&st, 1, (uint16_t)(1000 + 65436));
	assert_int_equal(st.rtp_received, 1);
	/* one closer (65437, i.e. 99 behind): misordered, counted */
	feed(&st, 1, (uint16_t)(1000 + 65437));
	assert_int_equal(st.rtp_received, 2);
	assert_int_equal(st.ext_max_seq, 1000);
}

static void
test_seq_large_jump(void **state)
{
	struct dp_leg_stats st;

	(void)state;
	/* A.1: a jump confirmed by the next in-order packet restarts the
	 * sequence at that packet (init_seq), the jumped one not counted */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 100);
	feed(&st, 1, 101);
	feed(&st, 1, 102);
	feed(&st, 1, 20000);
	assert_int_equal(st.rtp_received, 3);
	assert_int_equal(st.ext_max_seq, 102);
	feed(&st, 1, 20001);
	assert_int_equal(st.base_seq, 20001);
	assert_int_equal(st.ext_max_seq, 20001);
	assert_int_equal(st.rtp_received, 1);
	assert_int_equal(st.ssrc_changes, 0);
	feed(&st, 1, 20002);
	assert_int_equal(dp_rtp_expected(&st), 2);
	assert_int_equal(dp_rtp_lost(&st), 0);

	/* not confirmed: the old sequence goes on, the stray packet is
	 * not counted */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 100);
	feed(&st, 1, 40000);
	feed(&st, 1, 101);
	feed(&st, 1, 102);
	assert_int_equal(st.base_seq, 100);
	assert_int_equal(st.rtp_received, 3);
	assert_int_equal(dp_rtp_lost(&st), 0);
	/* A.1 keeps bad_seq until the next jump: 40001 much later still
	 * confirms a restart */
	feed(&st, 1, 40001);
	assert_int_equal(st.base_seq, 40001);
	assert_int_equal(st.rtp_received, 1);

	/* A.1 remembers only the latest jump: 30001 after 50000 is a
	 * jump of its own (bad_seq 50001 -> 30002), 30002 confirms it */
	memset(&st, 0, sizeof(st));
	feed(&st, 1, 100);
	feed(&st, 1, 30000);
	feed(&st, 1, 50000);
	feed(&st, 1, 30001);
	assert_int_equal(st.base_seq, 100);
	assert_int_equal(st.rtp_received, 1);
	feed(&st, 1, 30002);
	assert_int_equal(st.base_seq, 30002);
	assert_int_equal(st.rtp_received, 1);

	/* a jump across the 16-bit wrap restarts with cycles 0 */
	memset(&st, 0, sizeof(st));
	for (uint32_t i = 0; i < 65536 + 5; i++)
		feed(&st, 1, (uint16_t)i);
	assert_int_equal(st.ext_max_seq, 65536 + 4);
	feed(&st, 1, 30000);
	feed(&st, 1, 30001);
	assert_int_equal(st.ext_max_seq, 30001);
	assert_int_equal(dp_rtp_expected(&st), 1);
}

static void
test_ssrc_change(void **state)
{
	struct dp_rtp_info ri = {.ssrc = 0x1111, .seq = 500, .ts = 1000};
	struct dp_leg_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	dp_rtp_stats_update(&st, &ri, 0, 8000);
	ri.seq = 510; /* 9 lost */
	ri.ts += 1600;
	dp_rtp_stats_update(&st, &ri, 205 * MS, 8000); /* 5 ms late */
	assert_int_equal(dp_rtp_lost(&st), 9);
	assert_int_equal(st.jitter, 40 - ((0 + 8) >> 4)); /* A.8, D = 40 */
	ri.seq = 40000; /* a jump pending confirmation */
	dp_rtp_stats_update(&st, &ri, 220 * MS, 8000);

	/* a new SSRC: counted, everything restarts from its packet */
	ri.ssrc = 0x2222;
	ri.seq = 7;
	ri.ts = 99;
	dp_rtp_stats_update(&st, &ri, 240 * MS, 8000);
	assert_int_equal(st.ssrc, 0x2222);
	assert_int_equal(st.ssrc_changes, 1);
	assert_int_equal(st.base_seq, 7);
	assert_int_equal(st.ext_max_seq, 7);
	assert_int_equal(st.rtp_received, 1);
	assert_int_equal(st.jitter, 0);
	assert_int_equal(dp_rtp_lost(&st), 0);
	/* 40001 of the old sender's numbering confirms nothing now */
	ri.seq = 40001;
	dp_rtp_stats_update(&st, &ri, 240 * MS, 8000);
	assert_int_equal(st.base_seq, 7);
	ri.seq = 8;
	dp_rtp_stats_update(&st, &ri, 240 * MS, 8000);
	assert_int_equal(st.rtp_received, 2);
	/* back to the first sender: another change */
	ri.ssrc = 0x1111;
	ri.seq = 511;
	dp_rtp_stats_update(&st, &ri, 260 * MS, 8000);
	assert_int_equal(st.ssrc_changes, 2);
	assert_int_equal(st.base_seq, 511);
	assert_int_equal(st.rtp_received, 1);
}

/* ----- A.8 -------------------------------------------------------------- */

static void
test_ns_to_ts(void **state)
{
	static const uint32_t hz[] = {8000,  16000, 44100,     48000,
				      90000, 1,	    UINT32_MAX};
	static const uint64_t ns[] = {0,
				      1,
				      124999,
				      125000,
				      999999999,
				      1000000000,
				      3600ull * 1000000000,
				      86400ull * 1000000000 + 123456789,
				      400000ull * 1000000000};
	unsigned int i, j;

	(void)state;
	/* floor(ns * hz / 10^9), exact while that is below 2.9e9 */
	for (i = 0; i < sizeof(hz) / sizeof(hz[0]); i++)
		for (j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
			unsigned __int128 exact =
				(unsigned __int128)ns[j] * hz[i] / 1000000000u;

			if (exact >= 2900000000u)
				continue;
			assert_int_equal(dp_rtp_ns_to_ts(ns[j], hz[i]),
					 (uint32_t)exact);
		}
	/* clock 0 is 8000 */
	assert_int_equal(dp_rtp_ns_to_ts(1000000000, 0), 8000);
	/* beyond: modulo 2^32, ahead of the exact value by at most
	 * 3.4e-10 of it, and 20 ms still 1800 units at 90 kHz, give or
	 * take the floor of either end */
	{
		uint64_t t = 30ull * 86400 * 1000000000; /* 30 days */
		unsigned __int128 e =
			(unsigned __int128)t * 90000 / 1000000000u;
		uint32_t got = dp_rtp_ns_to_ts(t, 90000);
		uint32_t next = dp_rtp_ns_to_ts(t + 20 * MS, 90000);

		assert_true(got - (uint32_t)e <=
			    (uint32_t)(e / 2900000000u) + 1);
		assert_true(next - got >= 1800 && next - got <= 1801);
	}
}

/* The reference: A.8's code with the arrival converted by an exact
 * division and every quantity signed 64-bit. */
struct ref_jitter {
	int64_t transit;
	int64_t jitter;
	int first;
};

static void
ref_update(struct ref_jitter *r, uint64_t arrival_ns, uint32_t hz, int64_t ts)
{
	int64_t arrival =
		(int64_t)((unsigned __int128)arrival_ns * hz / 1000000000u);
	int64_t transit = arrival - ts;
	int64_t d;

	if (r->first) {
		r->first = 0;
		r->transit = transit;
		return;
	}
	d = transit - r->transit;
	r->transit = transit;
	if (d < 0)
		d = -d;
	r->jitter += d - ((r->jitter + 8) >> 4);
}

static void
test_jitter_constant(void **state)
{
	struct dp_rtp_info ri = {.ssrc = 5, .seq = 0, .ts = 12345};
	struct dp_leg_stats st;
	unsigned int i;

	(void)state;
	/* 20 ms spacing, 160 timestamp units at 8 kHz: no jitter, with
	 * an arbitrary arrival base */
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 1000; i++) {
		dp_rtp_stats_update(&st, &ri, 7777 * MS + i * 20 * MS, 8000);
		ri.seq++;
		ri.ts += 160;
	}
	assert_int_equal(st.jitter, 0);
	assert_int_equal(st.rtp_received, 1000);
	/* the same across the 32-bit timestamp wrap, 90 kHz, 30 ms */
	memset(&st, 0, sizeof(st));
	ri.ts = UINT32_MAX - 2700 * 10;
	for (i = 0; i < 100; i++) {
		dp_rtp_stats_update(&st, &ri, 5 * MS + i * 30 * MS, 90000);
		ri.seq++;
		ri.ts += 2700;
	}
	assert_int_equal(st.jitter, 0);
}

static void
test_jitter_hand(void **state)
{
	struct dp_rtp_info ri = {.ssrc = 5, .seq = 0, .ts = 0};
	struct dp_leg_stats st;

	(void)state;
	/* A.8 by hand, 8 kHz (1 ms = 8 units), 20 ms packets:
	 * p0 on time: reference transit
	 * p1 1 ms late: D = 8,  J = 0 + 8 - ((0 + 8) >> 4) = 8
	 * p2 on time:   D = 8,  J = 8 + 8 - ((8 + 8) >> 4) = 15
	 * p3 on time:   D = 0,  J = 15 + 0 - ((15 + 8) >> 4) = 14
	 * p4 3 ms early: D = 24, J = 14 + 24 - ((14 + 8) >> 4) = 37 */
	static const int64_t late_us[] = {0, 1000, 0, 0, -3000};
	static const uint32_t want[] = {0, 8, 15, 14, 37};
	unsigned int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 5; i++) {
		uint64_t t = 1000 * MS + i * 20 * MS;

		t = (uint64_t)((int64_t)t + late_us[i] * 1000);
		dp_rtp_stats_update(&st, &ri, t, 8000);
		assert_int_equal(st.jitter, want[i]);
		ri.seq++;
		ri.ts += 160;
	}
	/* esgctl shows jitter / 16 timestamp units: 2 here */
	assert_int_equal(st.jitter >> 4, 2);
}

static void
test_jitter_pattern(void **state)
{
	/* delays in microseconds, repeating; some packets late or early */
	static const int64_t delay_us[] = {0,	  1250,	 375,  8000, 0,
					   125,	  20000, 3000, 3000, 0,
					   60000, 0,	 4625, 125,  250};
	static const uint32_t hz[] = {8000, 16000, 48000, 90000};
	unsigned int h, i;

	(void)state;
	for (h = 0; h < sizeof(hz) / sizeof(hz[0]); h++) {
		struct ref_jitter ref = {.first = 1};
		struct dp_rtp_info ri = {.ssrc = 9, .seq = 1, .ts = 1000};
		struct dp_leg_stats st;
		uint32_t step = hz[h] / 50; /* 20 ms */

		memset(&st, 0, sizeof(st));
		for (i = 0; i < 500; i++) {
			uint64_t t = 1000000 * MS + i * 20 * MS +
				     (uint64_t)delay_us[i % 15] * 1000;

			dp_rtp_stats_update(&st, &ri, t, hz[h]);
			ref_update(&ref, t, hz[h], (int64_t)ri.ts);
			assert_int_equal(st.jitter, (uint32_t)ref.jitter);
			ri.seq++;
			ri.ts += step;
		}
		assert_true(ref.jitter > 0);
	}
}

static void
test_jitter_extreme(void **state)
{
	struct dp_rtp_info ri = {.ssrc = 5, .seq = 0, .ts = 0};
	struct dp_leg_stats st;
	unsigned int i;

	(void)state;
	/* transit differences of 2^31 every packet: the estimate
	 * saturates instead of wrapping (UBSan checks the arithmetic) */
	memset(&st, 0, sizeof(st));
	for (i = 0; i < 200; i++) {
		ri.ts = (i & 1) ? 0x80000000u : 0;
		dp_rtp_stats_update(&st, &ri, 0, 8000);
		ri.seq++;
	}
	assert_int_equal(st.jitter, UINT32_MAX);
	/* and it decays again once the stream behaves */
	for (i = 0; i < 200; i++) {
		ri.ts = 0;
		dp_rtp_stats_update(&st, &ri, 0, 8000);
		ri.seq++;
	}
	assert_true(st.jitter < UINT32_MAX / 2);
	/* the latest arrival time, the largest clock */
	dp_rtp_stats_update(&st, &ri, UINT64_MAX, UINT32_MAX);
	ri.seq++;
	dp_rtp_stats_update(&st, &ri, UINT64_MAX, UINT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demux_first_byte),
		cmocka_unit_test(test_demux_rtcp_mux),
		cmocka_unit_test(test_rtp_parse_fields),
		cmocka_unit_test(test_rtp_parse_malformed),
		cmocka_unit_test(test_rtcp_check),
		cmocka_unit_test(test_seq_first_packet),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_seq_misorder_dup),
		cmocka_unit_test(test_seq_boundaries),
		cmocka_unit_test(test_seq_large_jump),
		cmocka_unit_test(test_ssrc_change),
		cmocka_unit_test(test_ns_to_ts),
		cmocka_unit_test(test_jitter_constant),
		cmocka_unit_test(test_jitter_hand),
		cmocka_unit_test(test_jitter_pattern),
		cmocka_unit_test(test_jitter_extreme),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
