/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's random functions (rand_u16/u32/u64, rand_char, rand_str,
 * rand_bytes) on glibc's arc4random instead of OpenSSL's RAND_bytes: see
 * cp_rand.c for why and how. Linking cp_rand.c into a program is all it
 * takes; this is for tests.
 */
#ifndef CP_RAND_H
#define CP_RAND_H

#include <stdint.h>

/* Values drawn through the replacement in this thread (a rand_str() of n
 * characters counts n). */
uint64_t cp_rand_draws(void);

#endif
