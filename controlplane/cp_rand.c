/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's random functions on glibc's arc4random (docs/performance.md
 * "Calls per second (issue 4)").
 *
 * Debian's libre 1.1.0 is built with OpenSSL: every rand_u32(),
 * rand_u64(), rand_str() goes to RAND_bytes(), which in OpenSSL 3 looks up
 * the default DRBG through its provider machinery and takes a read-write
 * lock each time. A call through the B2BUA draws some 20 random values
 * (Via branches of every request, tags, Call-ID, SDP session ids): perf on
 * esg-controlplane at 800 calls/s showed 7 % of its time there
 * (libcrypto.so 5.6 %, the lock 1.4 %; tests/bench/cps).
 *
 * glibc 2.36's arc4random is a cryptographically secure generator too
 * (ChaCha20, seeded and reseeded from getrandom(2), per thread, safe
 * across fork), at a fraction of the cost. The values keep libre's
 * meaning: uniformly random integers and bytes, strings of
 * [A-Za-z0-9] NUL-terminated.
 *
 * As in cp_tmr.c, these definitions interpose libre's (ELF symbol
 * interposition: libre.so reaches its rand_ functions through the PLT),
 * so libre's own branches, tags and Call-IDs use them as well. This file
 * defines names under libre's rand_ prefix (STYLE rule 1) because it has
 * to, to replace them.
 */
#include <stdint.h>
#include <stdlib.h>

#include <re.h>

#include "cp_rand.h"

static __thread uint64_t draws; /* values handed out in this thread */

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz"
			    "0123456789";

void
rand_init(void)
{
	/* arc4random seeds itself from getrandom(2) */
}

uint16_t
rand_u16(void)
{
	draws++;
	return (uint16_t)arc4random();
}

uint32_t
rand_u32(void)
{
	draws++;
	return arc4random();
}

uint64_t
rand_u64(void)
{
	uint64_t v;

	draws++;
	arc4random_buf(&v, sizeof(v));
	return v;
}

char
rand_char(void)
{
	draws++;
	return alnum[arc4random_uniform(sizeof(alnum) - 1)];
}

void
rand_str(char *str, size_t size)
{
	size_t i;

	if (str == NULL || size == 0)
		return;
	for (i = 0; i + 1 < size; i++)
		str[i] = rand_char();
	str[size - 1] = '\0';
}

void
rand_bytes(uint8_t *p, size_t size)
{
	if (p == NULL || size == 0)
		return;
	draws++;
	arc4random_buf(p, size);
}

uint64_t
cp_rand_draws(void)
{
	return draws;
}
