/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-leg policing of what a leg receives (LEG_POLICE): two token
 * buckets, packets per second and kbit/s of IP bytes. Header-only, no
 * EAL; the state belongs to the worker that owns the leg.
 *
 *   void dp_police_init(&p, &cfg, now_ns)
 *	Buckets full. Call it again when the configuration changes.
 *	Depths: burst_pkts 0 is pps / 10, at least 8; burst_bytes 0 is
 *	100 ms of kbps, at least 1500 bytes. A rate of 0 is no limit.
 *   bool dp_police_admit(&p, &cfg, bytes, now_ns)
 *	Refill both buckets for the time since the last call, then admit
 *	the packet only if BOTH have its tokens (one packet, bytes * 8
 *	bits), and charge both. A configured depth smaller than one packet
 *	(burst_bytes below the packet's size) admits nothing.
 *
 * Exact integer arithmetic: a packet is 10^9 units of its bucket and pps
 * units flow in per nanosecond; a bit is 10^6 units of the byte bucket
 * and kbps units flow in per nanosecond. Depths fit in 64 bits for any
 * 32-bit configuration (2^32 * 10^9 < 2^64); the refill is a 64x32-bit
 * product taken in 128 bits and capped at the depth, so idle gaps of any
 * length neither overflow nor need a division.
 *
 * Time that stands still or goes backwards refills nothing, and the
 * reference time is kept: when time moves on again the refill counts
 * from the latest time seen, so no interval is credited twice.
 */
#ifndef DP_POLICE_H
#define DP_POLICE_H

#include <stdbool.h>
#include <stdint.h>

#ifndef __SIZEOF_INT128__
#error "dp_police.h needs a 64x64->128 multiply (unsigned __int128)"
#endif

struct dp_police_cfg {
	uint32_t pps;	      /* packets per second; 0: no limit */
	uint32_t burst_pkts;  /* 0: pps / 10, at least 8 */
	uint32_t kbps;	      /* kbit/s of IP packets; 0: no limit */
	uint32_t burst_bytes; /* 0: 100 ms of kbps, at least 1500 */
};

struct dp_police {
	uint64_t pkt_tokens; /* units: DP_POLICE_PKT per packet */
	uint64_t bit_tokens; /* units: DP_POLICE_BIT per bit */
	uint64_t pkt_depth;
	uint64_t bit_depth;
	uint64_t last_ns; /* latest time seen */
};

#define DP_POLICE_PKT 1000000000ull /* pps units per ns: 1 pkt per s */
#define DP_POLICE_BIT 1000000ull    /* kbps units per ns: 1 kbit per s */
#define DP_POLICE_MIN_BURST_PKTS 8
#define DP_POLICE_MIN_BURST_BYTES 1500

static inline void
dp_police_init(struct dp_police *p, const struct dp_police_cfg *c,
	       uint64_t now_ns)
{
	uint64_t pkts = c->burst_pkts, bytes = c->burst_bytes;

	if (pkts == 0) {
		pkts = c->pps / 10;
		if (pkts < DP_POLICE_MIN_BURST_PKTS)
			pkts = DP_POLICE_MIN_BURST_PKTS;
	}
	if (bytes == 0) {
		/* kbps * 1000 / 8 bytes per second, a tenth of it */
		bytes = (uint64_t)c->kbps * 25 / 2;
		if (bytes < DP_POLICE_MIN_BURST_BYTES)
			bytes = DP_POLICE_MIN_BURST_BYTES;
	}
	p->pkt_depth = pkts * DP_POLICE_PKT;	  /* < 2^32 * 10^9 < 2^64 */
	p->bit_depth = bytes * 8 * DP_POLICE_BIT; /* < 2^35 * 10^6 */
	p->pkt_tokens = p->pkt_depth;
	p->bit_tokens = p->bit_depth;
	p->last_ns = now_ns;
}

/* tokens + elapsed * rate, at most depth. */
static inline uint64_t
dp_police_fill(uint64_t tokens, uint64_t depth, uint64_t elapsed, uint32_t rate)
{
	unsigned __int128 add = (unsigned __int128)elapsed * rate;

	if (tokens >= depth || add >= depth - tokens)
		return depth;
	return tokens + (uint64_t)add;
}

static inline bool
dp_police_admit(struct dp_police *p, const struct dp_police_cfg *c,
		uint32_t bytes, uint64_t now_ns)
{
	uint64_t cost = (uint64_t)bytes * 8 * DP_POLICE_BIT; /* < 2^64 */

	if (now_ns > p->last_ns) {
		uint64_t elapsed = now_ns - p->last_ns;

		p->last_ns = now_ns;
		if (c->pps != 0)
			p->pkt_tokens = dp_police_fill(
				p->pkt_tokens, p->pkt_depth, elapsed, c->pps);
		if (c->kbps != 0)
			p->bit_tokens = dp_police_fill(
				p->bit_tokens, p->bit_depth, elapsed, c->kbps);
	}
	if (c->pps != 0 && p->pkt_tokens < DP_POLICE_PKT)
		return false;
	if (c->kbps != 0 && p->bit_tokens < cost)
		return false;
	if (c->pps != 0)
		p->pkt_tokens -= DP_POLICE_PKT;
	if (c->kbps != 0)
		p->bit_tokens -= cost;
	return true;
}

#endif
