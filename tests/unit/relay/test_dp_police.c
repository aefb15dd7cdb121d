/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-leg policing (dataplane/relay/dp_police.h, LEG_POLICE): default
 * depths, exact admitted counts over simulated time lines (burst, then
 * the refill rate), the packet and the bit bucket separately and
 * together (a packet refused by one charges neither), no limit, time
 * standing still or going backwards, idle gaps of hours and of 2^64 ns,
 * and the largest rates and sizes (no overflow: UBSan checks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_police.h"

#define MS 1000000ull
#define S 1000000000ull

/* Offer n packets of bytes, every step_ns from t0; how many got in. */
static unsigned int
offer(struct dp_police *p, const struct dp_police_cfg *c, unsigned int n,
      uint32_t bytes, uint64_t t0, uint64_t step_ns)
{
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++)
		ok += dp_police_admit(p, c, bytes, t0 + i * step_ns);
	return ok;
}

static void
test_default_depths(void **state)
{
	struct dp_police_cfg c = {0};
	struct dp_police p;

	(void)state;
	/* burst_pkts 0: pps / 10, at least 8 */
	c.pps = 100;
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.pkt_depth, 10 * DP_POLICE_PKT);
	c.pps = 79;
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.pkt_depth, 8 * DP_POLICE_PKT);
	c.pps = 1;
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.pkt_depth, 8 * DP_POLICE_PKT);
	c.burst_pkts = 3; /* given: taken as is */
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.pkt_depth, 3 * DP_POLICE_PKT);
	/* burst_bytes 0: 100 ms of kbps, at least 1500 */
	c.kbps = 1000; /* 125000 bytes/s: 12500 in 100 ms */
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.bit_depth, 12500 * 8 * DP_POLICE_BIT);
	c.kbps = 1; /* 12.5 bytes in 100 ms */
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.bit_depth, 1500 * 8 * DP_POLICE_BIT);
	c.kbps = 121; /* 1512.5 -> 1512 */
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.bit_depth, 1512 * 8 * DP_POLICE_BIT);
	c.burst_bytes = 200;
	dp_police_init(&p, &c, 0);
	assert_int_equal(p.bit_depth, 200 * 8 * DP_POLICE_BIT);
}

static void
test_pps_burst_refill(void **state)
{
	struct dp_police_cfg c = {.pps = 100}; /* depth 10 */
	struct dp_police p;

	(void)state;
	dp_police_init(&p, &c, 5 * S);
	/* full bucket: 10 at once, the 11th refused */
	assert_int_equal(offer(&p, &c, 20, 200, 5 * S, 0), 10);
	/* 9.999 ms later: not one token yet; 10 ms: exactly one */
	assert_int_equal(offer(&p, &c, 1, 200, 5 * S + 10 * MS - 1, 0), 0);
	assert_int_equal(offer(&p, &c, 2, 200, 5 * S + 10 * MS, 0), 1);
	/* 1 s later: 100 tokens, capped at 10 */
	assert_int_equal(offer(&p, &c, 20, 200, 6 * S + 10 * MS, 0), 10);

	/* 1000 packets, one per ms, from a full bucket: packet i finds
	 * 10 - 0.9 i tokens while that is >= 1, so 0..10 pass (11), then
	 * one every 10 ms: at 20, 30, .. 990 ms (98). */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 1000, 200, 0, MS), 11 + 98);
	/* steady state at exactly the rate: all pass */
	assert_int_equal(offer(&p, &c, 1000, 200, 2 * S, 10 * MS), 1000);
	/* twice the rate for 10 s (0 .. 9.995 s): packet i finds
	 * 10 - 0.5 i tokens, so 0..18 pass (19), then every other one
	 * from i = 20 to 1998 (990) */
	dp_police_init(&p, &c, 100 * S);
	assert_int_equal(offer(&p, &c, 2000, 200, 100 * S, 5 * MS), 19 + 990);
}

static void
test_kbps(void **state)
{
	/* 80 kbit/s = 10000 bytes/s, bucket 1000 bytes */
	struct dp_police_cfg c = {.kbps = 80, .burst_bytes = 1000};
	struct dp_police p;

	(void)state;
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 20, 100, 0, 0), 10);
	/* 100 bytes come back in 10 ms */
	assert_int_equal(offer(&p, &c, 1, 100, 10 * MS - 1, 0), 0);
	assert_int_equal(offer(&p, &c, 2, 100, 10 * MS, 0), 1);
	/* a bigger packet waits for its bytes; smaller ones may pass
	 * meanwhile (no reservation) */
	assert_int_equal(offer(&p, &c, 1, 300, 30 * MS, 0), 0); /* 200 */
	assert_int_equal(offer(&p, &c, 1, 300, 40 * MS, 0), 1); /* 300 */
	/* a packet larger than the bucket never passes */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 1, 1001, 3600 * S, 0), 0);
	assert_int_equal(offer(&p, &c, 1, 1000, 3600 * S, 0), 1);
	/* 1 s of 172-byte packets every 20 ms (G.711 over IPv4, 68.8
	 * kbit/s) under 80 kbit/s: all pass */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 500, 172, 0, 20 * MS), 500);
	/* every 10 ms (137.6 kbit/s) from 0 to 9.99 s: the 1000-byte
	 * bucket plus 10000 bytes/s, floor((1000 + 99900) / 172) = 586 */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 1000, 172, 0, 10 * MS), 586);
}

static void
test_both_limits(void **state)
{
	/* 100 pps (depth 10) and 80 kbit/s (depth 1000 bytes) */
	struct dp_police_cfg c = {.pps = 100, .kbps = 80, .burst_bytes = 1000};
	struct dp_police p;

	(void)state;
	dp_police_init(&p, &c, 0);
	/* one 1000-byte packet empties the bit bucket */
	assert_int_equal(offer(&p, &c, 1, 1000, 0, 0), 1);
	/* refused by bytes: the packet bucket is not charged (9 left) */
	assert_int_equal(offer(&p, &c, 10, 100, 0, 0), 0);
	assert_int_equal(p.pkt_tokens, 9 * DP_POLICE_PKT);
	/* 100 ms: bytes full again (1000), packets 9 + 10 capped at 10:
	 * ten 100-byte packets pass (both empty), the 11th not */
	assert_int_equal(offer(&p, &c, 11, 100, 100 * MS, 0), 10);
	assert_int_equal(p.pkt_tokens, 0);
	assert_int_equal(p.bit_tokens, 0);
	/* refused by packets: the bit bucket is not charged */
	assert_int_equal(offer(&p, &c, 1, 1, 100 * MS, 0), 0);
	assert_int_equal(p.bit_tokens, 0);
	/* small packets: the packet rate binds (100 per s) */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 1000, 20, 0, MS), 11 + 98);
	/* large packets: the bit rate binds (10 per s of 1000 bytes) */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 1000, 1000, 0, MS), 1 + 9);
}

static void
test_unlimited(void **state)
{
	struct dp_police_cfg c = {0};
	struct dp_police p;

	(void)state;
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 100000, UINT32_MAX, 0, 0), 100000);
	/* pps only: bytes do not count */
	c.pps = 100;
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 20, UINT32_MAX, 0, 0), 10);
	/* kbps only: packets do not count */
	c.pps = 0;
	c.kbps = 80;
	c.burst_bytes = 1000;
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 100000, 0, 0, 0), 100000);
	assert_int_equal(offer(&p, &c, 20, 100, 0, 0), 10);
}

static void
test_time_backwards(void **state)
{
	struct dp_police_cfg c = {.pps = 100, .kbps = 80, .burst_bytes = 1000};
	struct dp_police p;

	(void)state;
	dp_police_init(&p, &c, 10 * S);
	assert_int_equal(offer(&p, &c, 20, 10, 10 * S, 0), 10);
	/* standing still and going back: nothing refilled */
	assert_int_equal(offer(&p, &c, 5, 10, 10 * S, 0), 0);
	assert_int_equal(offer(&p, &c, 5, 10, 5 * S, 0), 0);
	assert_int_equal(offer(&p, &c, 5, 10, 0, 0), 0);
	assert_int_equal(p.last_ns, 10 * S);
	/* forward again: only the time past the latest seen counts */
	assert_int_equal(offer(&p, &c, 5, 10, 10 * S + 10 * MS, 0), 1);
	/* init in the future, first packet in the past */
	dp_police_init(&p, &c, UINT64_MAX);
	assert_int_equal(offer(&p, &c, 20, 10, 0, 0), 10);
}

static void
test_huge_gaps(void **state)
{
	struct dp_police_cfg c = {.pps = 1, .kbps = 1};
	struct dp_police_cfg m = {UINT32_MAX, UINT32_MAX, UINT32_MAX,
				  UINT32_MAX};
	struct dp_police p;

	(void)state;
	/* 1 pps, depth 8: empty, then 3 hours idle: 8 again, not 10800 */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 20, 10, 0, 0), 8);
	assert_int_equal(offer(&p, &c, 20, 10, 3 * 3600 * S, 0), 8);
	/* the whole 64-bit time line at once */
	dp_police_init(&p, &c, 0);
	assert_int_equal(offer(&p, &c, 20, 10, 0, 0), 8);
	assert_int_equal(offer(&p, &c, 20, 10, UINT64_MAX, 0), 8);
	/* the largest configuration: depths and costs fit */
	dp_police_init(&p, &m, 0);
	assert_int_equal(p.pkt_depth, (uint64_t)UINT32_MAX * DP_POLICE_PKT);
	assert_int_equal(p.bit_depth, (uint64_t)UINT32_MAX * 8 * DP_POLICE_BIT);
	assert_true(dp_police_admit(&p, &m, UINT32_MAX, 0));
	/* the bit bucket is empty now: (2^32-1) * 8 bits at (2^32-1)
	 * kbit/s come back in exactly 8 ms */
	assert_false(dp_police_admit(&p, &m, UINT32_MAX, 8 * MS - 1));
	assert_true(dp_police_admit(&p, &m, UINT32_MAX, 16 * MS));
	assert_false(dp_police_admit(&p, &m, UINT32_MAX, 16 * MS));
	assert_true(dp_police_admit(&p, &m, UINT32_MAX, UINT64_MAX));
	/* the largest burst_bytes default: 100 ms of 2^32-1 kbit/s */
	m.burst_bytes = 0;
	dp_police_init(&p, &m, 0);
	assert_int_equal(p.bit_depth,
			 (uint64_t)UINT32_MAX * 25 / 2 * 8 * DP_POLICE_BIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_depths),
		cmocka_unit_test(test_pps_burst_refill),
		cmocka_unit_test(test_kbps),
		cmocka_unit_test(test_both_limits),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_time_backwards),
		cmocka_unit_test(test_huge_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
