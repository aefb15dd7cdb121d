/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target of the relay's RTP/RTCP handling (dataplane/relay/dp_rtp.h)
 * and policing (dp_police.h), no EAL.
 *
 * The whole input is one UDP payload: demuxed (RFC 7983 / RFC 5761),
 * parsed as RTP (RFC 3550 5.1) and checked as RTCP (6.4.1); verdicts must
 * agree with the bytes they were taken from. Then the input is read as a
 * stream of 16-byte records, each an RTP fixed header (12 bytes) and the
 * nanoseconds since the previous packet (4 bytes, big-endian), fed to
 * dp_rtp_stats_update() with a clock rate chosen by the first byte (A.1,
 * A.3, A.8 on hostile sequence numbers, timestamps, SSRCs and times), and
 * to a policer configured from the input's first 16 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_police.h"
#include "dp_rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC_LEN 16

static void
one_payload(const uint8_t *data, uint32_t len)
{
	struct dp_rtp_info ri;
	enum dp_media_kind k = dp_rtp_demux(data, len);
	int rtp = dp_rtp_parse(data, len, &ri);
	int rtcp = dp_rtcp_check(data, len);

	switch (k) {
	case DP_MEDIA_RTP:
	case DP_MEDIA_RTCP:
		if (len == 0 || data[0] < 128 || data[0] > 191)
			abort();
		if ((k == DP_MEDIA_RTCP) !=
		    (len >= 2 && data[1] >= 192 && data[1] <= 223))
			abort();
		break;
	case DP_MEDIA_STUN:
		if (len == 0 || data[0] > 3)
			abort();
		break;
	case DP_MEDIA_DTLS:
		if (len == 0 || data[0] < 20 || data[0] > 63)
			abort();
		break;
	case DP_MEDIA_OTHER:
		if (len > 0 && data[0] >= 128 && data[0] <= 191)
			abort();
		break;
	}
	if (rtp == 0) {
		if (len < 12 || (data[0] >> 6) != 2 ||
		    ri.seq != (data[2] << 8 | data[3]) ||
		    ri.pt != (data[1] & 0x7f))
			abort();
	} else if (rtp != -EBADMSG) {
		abort();
	}
	if (rtcp == 0) {
		if (len < 8 || (data[0] >> 6) != 2 || data[1] < 192 ||
		    data[1] > 223 ||
		    4u * ((uint32_t)(data[2] << 8 | data[3]) + 1) > len)
			abort();
	} else if (rtcp != -EBADMSG) {
		abort();
	}
}

static uint32_t
pick_clock(const uint8_t *data, size_t size)
{
	static const uint32_t hz[] = {0,     8000, 16000,     48000,
				      90000, 1,	   UINT32_MAX};

	if (size < 5)
		return 0;
	if (data[0] % 8 < 7)
		return hz[data[0] % 8];
	return dp_rtp_be32(data + 1);
}

static void
stream(const uint8_t *data, size_t size)
{
	struct dp_police_cfg pc = {0};
	struct dp_leg_stats st;
	struct dp_police pol;
	uint32_t clock_hz = pick_clock(data, size);
	uint64_t now = 0;
	size_t off;

	memset(&st, 0, sizeof(st));
	if (size >= 16) {
		pc.pps = dp_rtp_be32(data);
		pc.burst_pkts = dp_rtp_be32(data + 4);
		pc.kbps = dp_rtp_be32(data + 8);
		pc.burst_bytes = dp_rtp_be32(data + 12);
	}
	dp_police_init(&pol, &pc, now);
	for (off = 0; off + REC_LEN <= size; off += REC_LEN) {
		const uint8_t *r = data + off;
		struct dp_rtp_info ri = {
			.seq = dp_rtp_be16(r + 2),
			.ts = dp_rtp_be32(r + 4),
			.ssrc = dp_rtp_be32(r + 8),
		};
		uint32_t before = st.ssrc_changes;
		uint32_t delta = dp_rtp_be32(r + 12);

		/* a delta with the top bit set steps back in time */
		if (delta & 0x80000000u)
			now -= delta & 0x7fffffffu;
		else
			now += delta;
		dp_rtp_stats_update(&st, &ri, now, clock_hz);
		if (st.ssrc != ri.ssrc || st.rtp_received == 0 ||
		    st.ssrc_changes - before > 1 ||
		    !(st.rtp_state & DP_RTP_STATE_SRC))
			abort();
		(void)dp_rtp_lost(&st);
		(void)dp_police_admit(&pol, &pc, dp_rtp_be32(r), now);
		if (pol.pkt_tokens > pol.pkt_depth ||
		    pol.bit_tokens > pol.bit_depth)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	/* a heap copy of the exact size, so ASan sees any over-read */
	copy = malloc(size > 0 ? size : 1);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	one_payload(copy, (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size));
	stream(copy, size);
	free(copy);
	return 0;
}
