/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call admission (controlplane/sip/cp_cac.c): concurrent-call limits
 * global and per tenant, call-rate limits as token buckets with burst =
 * rate driven by the time input, the Retry-After seconds of a refusal
 * (RFC 3261 21.5.4 / 20.33), and the counters.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "sip/cp_cac.h"

#define MS 1000000ull
#define S 1000000000ull
#define T0 (1000 * S)

static void
conf_init(struct esg_conf_sip *c)
{
	esg_conf_sip_defaults(c);
	c->enabled = true;
	c->retry_after_s = 7;
	c->nb_tenants = 2;
	snprintf(c->tenant[0].name, sizeof(c->tenant[0].name), "a");
	snprintf(c->tenant[1].name, sizeof(c->tenant[1].name), "b");
}

static void
test_max_calls(void **state)
{
	struct esg_conf_sip c;
	struct cp_cac *cac;
	uint32_t ra = 0;
	const struct cp_cac_counters *k;
	int i;

	(void)state;
	conf_init(&c);
	c.max_calls = 5;
	c.tenant[0].max_calls = 3;
	assert_int_equal(cp_cac_alloc(&cac, &c, T0), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), 0);
	/* tenant a is full; b and tenant-less calls are not */
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), EBUSY);
	assert_int_equal(ra, 7);
	assert_int_equal(cp_cac_admit(cac, 1, T0, &ra), 0);
	assert_int_equal(cp_cac_admit(cac, CP_CAC_NO_TENANT, T0, &ra), 0);
	/* the global limit (5) now refuses everyone */
	ra = 0;
	assert_int_equal(cp_cac_admit(cac, 1, T0, &ra), EBUSY);
	assert_int_equal(ra, 7);
	assert_int_equal(cp_cac_admit(cac, CP_CAC_NO_TENANT, T0, &ra), EBUSY);
	k = cp_cac_counters(cac, 0);
	assert_int_equal(k->admitted, 3);
	assert_int_equal(k->refused_calls, 1);
	assert_int_equal(k->refused_rate, 0);
	assert_int_equal(k->active, 3);
	assert_int_equal(k->peak, 3);
	k = cp_cac_counters(cac, 1);
	assert_int_equal(k->admitted, 1);
	assert_int_equal(k->refused_calls, 1);
	k = cp_cac_counters(cac, CP_CAC_NO_TENANT);
	assert_int_equal(k->admitted, 5);
	assert_int_equal(k->refused_calls, 3);
	assert_int_equal(k->active, 5);
	assert_int_equal(k->peak, 5);
	/* a release makes room again; peak stays */
	cp_cac_release(cac, 0);
	assert_int_equal(cp_cac_counters(cac, 0)->active, 2);
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), 0);
	cp_cac_release(cac, 0);
	cp_cac_release(cac, 0);
	cp_cac_release(cac, 0);
	cp_cac_release(cac, 0); /* one too many: does not wrap */
	k = cp_cac_counters(cac, 0);
	assert_int_equal(k->active, 0);
	assert_int_equal(k->peak, 3);
	assert_int_equal(cp_cac_counters(cac, CP_CAC_NO_TENANT)->active, 2);
	/* bad tenants */
	assert_int_equal(cp_cac_admit(cac, 2, T0, &ra), EINVAL);
	assert_null(cp_cac_counters(cac, 2));
	mem_deref(cac);
}

static void
test_max_cps(void **state)
{
	struct esg_conf_sip c;
	struct cp_cac *cac;
	uint32_t ra;
	int i;

	(void)state;
	conf_init(&c);
	c.max_cps = 10;
	c.tenant[0].max_cps = 2;
	assert_int_equal(cp_cac_alloc(&cac, &c, T0), 0);
	/* burst = rate: two at once for a (global 10 -> 8), then none
	 * until a token is back (one every 500 ms for a) */
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), 0);
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), 0);
	ra = 0;
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), EBUSY);
	assert_int_equal(ra, 7);
	/* a's refusal took no global token: b gets the 8 left */
	for (i = 0; i < 8; i++)
		assert_int_equal(cp_cac_admit(cac, 1, T0, &ra), 0);
	assert_int_equal(cp_cac_admit(cac, 1, T0, &ra), EBUSY);
	/* 100 ms: one global token, a has 0.2 of one: refused by a */
	assert_int_equal(cp_cac_admit(cac, 0, T0 + 100 * MS, &ra), EBUSY);
	/* 500 ms: a has one, global 5 */
	assert_int_equal(cp_cac_admit(cac, 0, T0 + 500 * MS, &ra), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(cp_cac_admit(cac, 1, T0 + 500 * MS, &ra), 0);
	/* 1 s: a has one, global 5; b empties global, a is refused by
	 * the global bucket... */
	for (i = 0; i < 5; i++)
		assert_int_equal(cp_cac_admit(cac, 1, T0 + S, &ra), 0);
	assert_int_equal(cp_cac_admit(cac, 0, T0 + S, &ra), EBUSY);
	/* ...which took none of a's: 100 ms later (one global token, a at
	 * 1.2) a passes */
	assert_int_equal(cp_cac_admit(cac, 0, T0 + 1100 * MS, &ra), 0);
	assert_int_equal(cp_cac_counters(cac, 0)->admitted, 4);
	assert_int_equal(cp_cac_counters(cac, 0)->refused_rate, 3);
	assert_int_equal(cp_cac_counters(cac, 0)->refused_calls, 0);
	assert_int_equal(cp_cac_counters(cac, 1)->admitted, 17);
	assert_int_equal(cp_cac_counters(cac, 1)->refused_rate, 1);
	assert_int_equal(cp_cac_counters(cac, CP_CAC_NO_TENANT)->admitted, 21);
	assert_int_equal(cp_cac_counters(cac, CP_CAC_NO_TENANT)->refused_rate,
			 4);
	/* a clock going back refills nothing */
	assert_int_equal(cp_cac_admit(cac, 0, T0, &ra), EBUSY);
	assert_int_equal(cp_cac_admit(cac, 0, T0 + 100 * MS, &ra), EBUSY);
	mem_deref(cac);
}

/* 0 = no limit: many calls at one instant pass. */
static void
test_unlimited(void **state)
{
	struct esg_conf_sip c;
	struct cp_cac *cac;
	uint32_t ra;
	int i;

	(void)state;
	conf_init(&c);
	assert_int_equal(c.max_cps, 0);
	assert_int_equal(cp_cac_alloc(&cac, &c, 0), 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(cp_cac_admit(cac, 1, 0, &ra), 0);
	assert_int_equal(cp_cac_counters(cac, 1)->peak, 10000);
	mem_deref(cac);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_calls),
		cmocka_unit_test(test_max_cps),
		cmocka_unit_test(test_unlimited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
