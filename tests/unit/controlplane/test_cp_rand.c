/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's random functions on arc4random (controlplane/cp_rand.c): the
 * values keep libre's meaning (strings of [A-Za-z0-9] NUL-terminated,
 * bytes and integers that vary), and libre's own code (a SIP dialog's
 * Call-ID and tag made inside libre.so) really draws from the replacement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "cp_rand.h"

static bool
is_alnum(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9');
}

static void
test_str(void **state)
{
	char s[33], one[1] = {'x'};
	bool seen[62] = {false};
	unsigned int i, k, distinct = 0;

	(void)state;
	memset(s, '#', sizeof(s));
	rand_str(s, sizeof(s));
	assert_int_equal(strlen(s), sizeof(s) - 1);
	/* a size of 1 holds only the NUL; 0 writes nothing */
	rand_str(one, 1);
	assert_int_equal(one[0], '\0');
	one[0] = 'x';
	rand_str(one, 0);
	assert_int_equal(one[0], 'x');
	/* 10,000 characters: all alphanumeric, every one of the 62 seen */
	for (k = 0; k < 10000 / 32; k++) {
		rand_str(s, sizeof(s));
		for (i = 0; i < 32; i++) {
			const char *p;

			assert_true(is_alnum(s[i]));
			p = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "abcdefghijklmnopqrstuvwxyz0123456789",
				   s[i]);
			seen[p - "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "abcdefghijklmnopqrstuvwxyz0123456789"] = true;
		}
	}
	for (i = 0; i < 62; i++)
		distinct += seen[i];
	assert_int_equal(distinct, 62);
	assert_true(is_alnum(rand_char()));
}

static void
test_numbers(void **state)
{
	uint64_t a = rand_u64(), b = rand_u64(), or64 = 0, and64 = ~0ULL;
	uint32_t or32 = 0;
	uint16_t or16 = 0;
	uint8_t buf[64], zero[64] = {0};
	unsigned int i;

	(void)state;
	assert_true(a != b); /* 2^-64 */
	for (i = 0; i < 256; i++) {
		uint64_t v = rand_u64();

		or64 |= v;
		and64 &= v;
		or32 |= rand_u32();
		or16 |= rand_u16();
	}
	/* every bit is set sometimes and clear sometimes */
	assert_true(or64 == ~0ULL && and64 == 0);
	assert_true(or32 == 0xffffffffu && or16 == 0xffff);
	memset(buf, 0, sizeof(buf));
	rand_bytes(buf, sizeof(buf));
	assert_memory_not_equal(buf, zero, sizeof(buf));
	rand_bytes(NULL, 4); /* no crash */
}

static void
test_libre_uses_it(void **state)
{
	struct sip_dialog *dlg = NULL;
	uint64_t before = cp_rand_draws();

	(void)state;
	/* libre.so makes the Call-ID (rand_str) and the local tag
	 * (rand_u64) of a new dialog: through the PLT, so here */
	assert_int_equal(sip_dialog_alloc(&dlg, "sip:b@192.0.2.2",
					  "sip:b@192.0.2.2", NULL,
					  "sip:a@192.0.2.1", NULL, 0),
			 0);
	assert_true(cp_rand_draws() > before);
	assert_true(strlen(sip_dialog_callid(dlg)) > 0);
	mem_deref(dlg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_libre_uses_it),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
