/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTP and RTCP on the relay's fast path: header-only, static inline, no
 * EAL, no allocation, no division per packet. Every reader takes
 * (buf, len) and checks bounds before each read.
 *
 *   enum dp_media_kind dp_rtp_demux(payload, len)
 *	What a UDP payload on a media port is, by its first byte (RFC 7983
 *	7) and, for RTP/RTCP on a shared (rtcp-mux) port, by its second
 *	byte (RFC 5761 4: 192..223 is RTCP).
 *   int dp_rtp_parse(p, len, &info)
 *	RTP fixed header (RFC 3550 5.1): 0, or -EBADMSG when shorter than
 *	12 bytes, version not 2, the CSRC list or the header extension
 *	(5.3.1) past the end, or the padding count (last byte, P set) 0 or
 *	past the end of the payload.
 *   int dp_rtcp_check(p, len)
 *	First RTCP packet of a compound (RFC 3550 6.4, A.2): 0, or -EBADMSG
 *	when shorter than 8 bytes, version not 2, packet type outside
 *	192..223 (RFC 5761 4) or the length field past len or too short to
 *	hold the sender's SSRC. Only the first header: SRTCP (RFC 3711 3.4)
 *	encrypts what follows it and appends the index and the tag, so the
 *	rest of a compound cannot be walked by a relay.
 *   void dp_rtp_stats_update(st, &info, arrival_ns, clock_hz)
 *	Receiver statistics of one RTP packet into the leg's slot (struct
 *	dp_leg_stats, dataplane/api/dp_stats.h): RFC 3550 A.1 sequence
 *	(MAX_DROPOUT 3000, MAX_MISORDER 100, cycles, base_seq, a large jump
 *	confirmed by the next in-order packet), A.8 interarrival jitter
 *	(x16 integer form, RTP timestamp units at clock_hz, 0 = 8000), and
 *	a new SSRC counted in ssrc_changes and restarting the statistics.
 *   uint32_t dp_rtp_expected(st), int64_t dp_rtp_lost(st)
 *	RFC 3550 A.3 for readers (esgctl): expected = ext_max_seq -
 *	base_seq + 1, lost = expected - rtp_received (negative with
 *	duplicates, as A.3 says).
 *
 * Time: arrival_ns (CLOCK_MONOTONIC or any ns clock that only moves
 * forward) becomes RTP timestamp units as (arrival_ns * clock_hz *
 * DP_RTP_NS_MULT) >> 61 with DP_RTP_NS_MULT = ceil(2^61 / 10^9): one
 * 64-bit and one 64x64->128 multiply, no division. The factor is rounded
 * up, so the result is floor(arrival_ns * clock_hz / 10^9) exactly while
 * that is below 2.9e9 (100 hours of ns at 8 kHz) and then drifts by at
 * most 3.4e-10 of the value, which moves a difference of consecutive
 * packets by far less than one unit: jitter is a difference.
 *
 * State: A.1's bad_seq and whether a source was seen are the slot's
 * rtp_bad_seq and rtp_state (DP_RTP_STATE_* below; a zeroed slot is "no
 * source yet"). A.1's probation of a new source (MIN_SEQUENTIAL) is not
 * done: the relay accepts a source by latching (RFC 3550 8.2 collisions
 * are not ours to resolve), so counting starts at its first packet and
 * rtp_received counts every RTP packet.
 */
#ifndef DP_RTP_H
#define DP_RTP_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "dp_stats.h"

#ifndef __SIZEOF_INT128__
#error "dp_rtp.h needs a 64x64->128 multiply (unsigned __int128)"
#endif

enum dp_media_kind {
	DP_MEDIA_RTP,
	DP_MEDIA_RTCP,
	DP_MEDIA_STUN,
	DP_MEDIA_DTLS,
	DP_MEDIA_OTHER,
};

struct dp_rtp_info {
	uint32_t ssrc;
	uint32_t ts;
	uint16_t seq;
	uint8_t pt;
	uint8_t marker;
};

#define DP_RTP_HDR_LEN 12
#define DP_RTCP_HDR_MIN 8 /* header and the sender's SSRC */
#define DP_RTP_SEQ_MOD (1u << 16)
#define DP_RTP_MAX_DROPOUT 3000 /* RFC 3550 A.1 */
#define DP_RTP_MAX_MISORDER 100 /* RFC 3550 A.1 */
#define DP_RTP_CLOCK_DEFAULT 8000
/* ceil(2^61 / 10^9): ns to clock ticks in fixed point (see the top). */
#define DP_RTP_NS_MULT 2305843010ull
#define DP_RTP_NS_SHIFT 61

/*
 * RFC 7983 7: 0..3 STUN, 16..19 ZRTP, 20..63 DTLS, 64..79 TURN channel,
 * 128..191 RTP/RTCP; every other first byte is nothing we relay. On an
 * rtcp-mux port, RFC 5761 4: RTCP packet types 192..223 in the second
 * byte, which RTP payload types avoid (64..95 with the marker set would
 * collide). A 1-byte RTP/RTCP candidate is left to dp_rtp_parse() to
 * reject as truncated.
 */
static inline enum dp_media_kind
dp_rtp_demux(const uint8_t *udp_payload, uint32_t len)
{
	uint8_t b;

	if (len == 0)
		return DP_MEDIA_OTHER;
	b = udp_payload[0];
	if (b >= 128 && b <= 191) {
		if (len >= 2 && udp_payload[1] >= 192 && udp_payload[1] <= 223)
			return DP_MEDIA_RTCP;
		return DP_MEDIA_RTP;
	}
	if (b <= 3)
		return DP_MEDIA_STUN;
	if (b >= 20 && b <= 63)
		return DP_MEDIA_DTLS;
	return DP_MEDIA_OTHER;
}

static inline uint32_t
dp_rtp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
dp_rtp_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 3550 5.1 fixed header, 5.3.1 header extension. */
static inline int
dp_rtp_parse(const uint8_t *p, uint32_t len, struct dp_rtp_info *out)
{
	uint32_t hlen;

	if (len < DP_RTP_HDR_LEN || (p[0] >> 6) != 2)
		return -EBADMSG;
	hlen = DP_RTP_HDR_LEN + 4u * (p[0] & 0x0fu); /* CSRC list */
	if (hlen > len)
		return -EBADMSG;
	if (p[0] & 0x10) {
		/* 16-bit profile field, 16-bit length in 32-bit words */
		if (len - hlen < 4)
			return -EBADMSG;
		hlen += 4 + 4u * dp_rtp_be16(p + hlen + 2);
		if (hlen > len)
			return -EBADMSG;
	}
	if (p[0] & 0x20) {
		/* 5.1: the last octet counts the padding, itself included */
		uint32_t pad = p[len - 1];

		if (pad == 0 || pad > len - hlen)
			return -EBADMSG;
	}
	out->marker = p[1] >> 7;
	out->pt = p[1] & 0x7f;
	out->seq = dp_rtp_be16(p + 2);
	out->ts = dp_rtp_be32(p + 4);
	out->ssrc = dp_rtp_be32(p + 8);
	return 0;
}

/* RFC 3550 6.4.1 / A.2: the first packet's header and SSRC. */
static inline int
dp_rtcp_check(const uint8_t *p, uint32_t len)
{
	uint32_t plen;

	if (len < DP_RTCP_HDR_MIN || (p[0] >> 6) != 2)
		return -EBADMSG;
	if (p[1] < 192 || p[1] > 223) /* RFC 5761 4 */
		return -EBADMSG;
	/* 6.4.1: length in 32-bit words minus one, header included */
	plen = 4u * ((uint32_t)dp_rtp_be16(p + 2) + 1);
	if (plen < DP_RTCP_HDR_MIN || plen > len)
		return -EBADMSG;
	return 0;
}

/* struct dp_leg_stats' rtp_state bits (A.1 state, with rtp_bad_seq). */
#define DP_RTP_STATE_SRC 0x01	  /* a source was seen: ssrc etc. valid */
#define DP_RTP_STATE_BAD_SEQ 0x02 /* A.1 bad_seq is set (a large jump) */

/* arrival_ns in RTP timestamp units, modulo 2^32 (see the top). */
static inline uint32_t
dp_rtp_ns_to_ts(uint64_t arrival_ns, uint32_t clock_hz)
{
	uint64_t mult;

	if (clock_hz == 0)
		clock_hz = DP_RTP_CLOCK_DEFAULT;
	mult = (uint64_t)clock_hz * DP_RTP_NS_MULT; /* < 2^64 */
	return (uint32_t)(((unsigned __int128)arrival_ns * mult) >>
			  DP_RTP_NS_SHIFT);
}

/* A.1 init_seq() plus the A.8 reference transit of the first packet. */
static inline void
dp_rtp_seq_init(struct dp_leg_stats *st, const struct dp_rtp_info *ri,
		uint32_t arrival)
{
	st->base_seq = ri->seq;
	st->ext_max_seq = ri->seq;
	st->rtp_received = 1;
	st->transit = arrival - ri->ts;
	st->rtp_state = DP_RTP_STATE_SRC;
	st->rtp_bad_seq = 0;
}

/* RFC 3550 A.8, in unsigned arithmetic: transit differences are taken
 * modulo 2^32 and read as signed, the estimate saturates instead of
 * wrapping (the reference code's u_int32 would wrap). */
static inline void
dp_rtp_jitter(struct dp_leg_stats *st, uint32_t transit)
{
	uint32_t d = transit - st->transit;
	uint64_t j;

	st->transit = transit;
	if (d & 0x80000000u)
		d = 0u - d; /* |d|, 2^31 included */
	j = (uint64_t)st->jitter + d - (((uint64_t)st->jitter + 8) >> 4);
	st->jitter = j > UINT32_MAX ? UINT32_MAX : (uint32_t)j;
}

static inline void
dp_rtp_stats_update(struct dp_leg_stats *st, const struct dp_rtp_info *ri,
		    uint64_t arrival_ns, uint32_t clock_hz)
{
	uint32_t arrival = dp_rtp_ns_to_ts(arrival_ns, clock_hz);
	uint8_t state = st->rtp_state;
	uint16_t max_seq, udelta;

	if (!(state & DP_RTP_STATE_SRC) || ri->ssrc != st->ssrc) {
		/* a new sender: its numbering and clock are its own */
		if (state & DP_RTP_STATE_SRC)
			st->ssrc_changes++;
		st->ssrc = ri->ssrc;
		st->jitter = 0;
		dp_rtp_seq_init(st, ri, arrival);
		return;
	}
	max_seq = (uint16_t)st->ext_max_seq;
	udelta = (uint16_t)(ri->seq - max_seq);
	if (udelta < DP_RTP_MAX_DROPOUT) {
		/* in order, with a permissible gap; A.1: a smaller seq
		 * means the 16-bit number wrapped, one more cycle */
		if (ri->seq < max_seq)
			st->ext_max_seq += DP_RTP_SEQ_MOD;
		st->ext_max_seq = (st->ext_max_seq & 0xffff0000u) | ri->seq;
	} else if (udelta <= DP_RTP_SEQ_MOD - DP_RTP_MAX_MISORDER) {
		/* A.1: a very large jump. Two sequential packets say the
		 * sender restarted its numbering: start again from the
		 * second (the jitter estimate is kept, its reference
		 * transit taken anew); a lone one is not counted. */
		if ((state & DP_RTP_STATE_BAD_SEQ) &&
		    ri->seq == st->rtp_bad_seq) {
			dp_rtp_seq_init(st, ri, arrival);
			return;
		}
		st->rtp_state = DP_RTP_STATE_SRC | DP_RTP_STATE_BAD_SEQ;
		st->rtp_bad_seq = (uint16_t)(ri->seq + 1);
		return;
	}
	/* else A.1: a duplicate or a misordered packet, counted */
	st->rtp_received++;
	dp_rtp_jitter(st, arrival - ri->ts);
}

/* RFC 3550 A.3: packets expected since the source (re)started. */
static inline uint32_t
dp_rtp_expected(const struct dp_leg_stats *st)
{
	if (!(st->rtp_state & DP_RTP_STATE_SRC))
		return 0;
	return st->ext_max_seq - st->base_seq + 1;
}

/* RFC 3550 A.3: cumulative lost, negative when duplicates arrived. */
static inline int64_t
dp_rtp_lost(const struct dp_leg_stats *st)
{
	return (int64_t)dp_rtp_expected(st) - (int64_t)st->rtp_received;
}

#endif
