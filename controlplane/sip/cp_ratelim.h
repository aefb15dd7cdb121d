/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request rate limiting per source address (docs/admission.md "Rate per
 * source"): one token bucket per source IP address (the port does not
 * count: a flood from many ports of one host is one flood), refilled at
 * sip.limits.source_rps tokens per second with a burst of as many. The
 * table is bounded (max_sources entries); when it is full the least
 * recently seen source is forgotten, which gives it a full bucket again —
 * the bound is about memory, not about fairness.
 *
 * The token bucket itself (cp_ratelim_tb) is also what the call admission
 * (cp_cac.c) counts calls per second with. Time is an input (STYLE rule
 * 7): nanoseconds of a monotonic clock.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_RATELIM_H
#define CP_RATELIM_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

/* A token bucket: level in billionths of a token, so that any rate up to
 * 10^6/s refills exactly per nanosecond without a fraction. burst = rate. */
struct cp_ratelim_tb {
	uint64_t level;	  /* tokens * 1e9 */
	uint64_t last_ns; /* time of the last refill */
	uint32_t rate;	  /* tokens per second, 0 = unlimited */
};

/* Full bucket at now_ns. */
void cp_ratelim_tb_init(struct cp_ratelim_tb *tb, uint32_t rate,
			uint64_t now_ns);
/* Refill up to now_ns; true if a token is there (rate 0: always). */
bool cp_ratelim_tb_peek(struct cp_ratelim_tb *tb, uint64_t now_ns);
/* Take the token peek() saw. */
void cp_ratelim_tb_take(struct cp_ratelim_tb *tb);

struct cp_ratelim_counters {
	uint64_t checked; /* requests looked at */
	uint64_t passed;
	uint64_t limited; /* over the source's rate: dropped */
	uint64_t evicted; /* sources forgotten because the table was full */
	uint32_t sources; /* sources in the table now */
};

struct cp_ratelim;

/* rps: tokens per second per source (0: every check passes);
 * max_sources: table size, >= 1. */
int cp_ratelim_alloc(struct cp_ratelim **rlp, uint32_t rps,
		     uint32_t max_sources);
/* 0: src may send this request now; EBUSY: over its rate (counted). */
int cp_ratelim_check(struct cp_ratelim *rl, const struct sa *src,
		     uint64_t now_ns);
const struct cp_ratelim_counters *
cp_ratelim_counters(const struct cp_ratelim *rl);

#endif
