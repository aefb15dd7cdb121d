/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rate limiting per source address (controlplane/sip/cp_ratelim.c): each
 * source has its own bucket (source_rps, burst = rate), the port does not
 * make a new source, the table stays bounded and forgets the least
 * recently seen source first.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sip/cp_ratelim.h"

#define MS 1000000ull

static struct sa
addr(const char *ip, uint16_t port)
{
	struct sa a;

	assert_int_equal(sa_set_str(&a, ip, port), 0);
	return a;
}

static void
test_per_source(void **state)
{
	struct cp_ratelim *rl;
	struct sa a = addr("192.0.2.10", 5060), a2 = addr("192.0.2.10", 5062);
	struct sa b = addr("2001:db8:1::10", 5060);
	const struct cp_ratelim_counters *c;
	int i;

	(void)state;
	assert_int_equal(cp_ratelim_alloc(&rl, 4, 16), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(cp_ratelim_check(rl, &a, 0), 0);
	/* another port of the same host is the same source */
	assert_int_equal(cp_ratelim_check(rl, &a2, 0), EBUSY);
	/* another host is not */
	assert_int_equal(cp_ratelim_check(rl, &b, 0), 0);
	/* 250 ms later one token is back for a */
	assert_int_equal(cp_ratelim_check(rl, &a, 249 * MS), EBUSY);
	assert_int_equal(cp_ratelim_check(rl, &a, 250 * MS), 0);
	assert_int_equal(cp_ratelim_check(rl, &a, 250 * MS), EBUSY);
	c = cp_ratelim_counters(rl);
	assert_int_equal(c->checked, 9);
	assert_int_equal(c->passed, 6);
	assert_int_equal(c->limited, 3);
	assert_int_equal(c->sources, 2);
	assert_int_equal(c->evicted, 0);
	mem_deref(rl);
}

static void
test_bounded(void **state)
{
	struct cp_ratelim *rl;
	struct sa s[4];
	char ip[32];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%d", i + 1);
		s[i] = addr(ip, 5060);
	}
	assert_int_equal(cp_ratelim_alloc(&rl, 1, 3), 0);
	/* s0, s1, s2 use their only token */
	for (i = 0; i < 3; i++)
		assert_int_equal(cp_ratelim_check(rl, &s[i], 0), 0);
	/* s0 seen again (refused): now s1 is the least recent */
	assert_int_equal(cp_ratelim_check(rl, &s[0], 0), EBUSY);
	/* s3 takes s1's place */
	assert_int_equal(cp_ratelim_check(rl, &s[3], 0), 0);
	assert_int_equal(cp_ratelim_counters(rl)->evicted, 1);
	assert_int_equal(cp_ratelim_counters(rl)->sources, 3);
	/* s0 and s2 are still remembered as empty; s1 was forgotten and
	 * comes back with a full bucket (evicting s2) */
	assert_int_equal(cp_ratelim_check(rl, &s[0], 0), EBUSY);
	assert_int_equal(cp_ratelim_check(rl, &s[1], 0), 0);
	assert_int_equal(cp_ratelim_counters(rl)->evicted, 2);
	assert_int_equal(cp_ratelim_check(rl, &s[0], 0), EBUSY);
	assert_int_equal(cp_ratelim_check(rl, &s[3], 0), EBUSY);
	mem_deref(rl);
}

static void
test_off_and_args(void **state)
{
	struct cp_ratelim *rl;
	struct sa a = addr("192.0.2.10", 5060);
	int i;

	(void)state;
	assert_int_equal(cp_ratelim_alloc(&rl, 0, 0), EINVAL);
	assert_int_equal(cp_ratelim_alloc(&rl, 0, 1), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(cp_ratelim_check(rl, &a, 0), 0);
	assert_int_equal(cp_ratelim_check(rl, NULL, 0), EINVAL);
	mem_deref(rl);
}

/* The bucket alone: exact refill at a high rate, cap at the burst. */
static void
test_bucket(void **state)
{
	struct cp_ratelim_tb tb;
	int i;

	(void)state;
	cp_ratelim_tb_init(&tb, 1000000, 5);
	for (i = 0; i < 1000000; i++) {
		assert_true(cp_ratelim_tb_peek(&tb, 5));
		cp_ratelim_tb_take(&tb);
	}
	assert_false(cp_ratelim_tb_peek(&tb, 5));
	assert_true(cp_ratelim_tb_peek(&tb, 5 + 1000)); /* 1 us = 1 token */
	cp_ratelim_tb_take(&tb);
	assert_false(cp_ratelim_tb_peek(&tb, 5 + 1000));
	/* an hour later: still only the burst */
	assert_true(cp_ratelim_tb_peek(&tb, 3600ull * 1000000000ull));
	assert_int_equal(tb.level, 1000000ull * 1000000000ull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_source),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_off_and_args),
		cmocka_unit_test(test_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
