/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's timer functions (tmr_start, tmr_cancel, tmr_poll, ...) replaced
 * by a binary heap per thread: see cp_tmr.c for why and how. Linking
 * cp_tmr.c into a program is all it takes; these are for counters and
 * tests.
 */
#ifndef CP_TMR_H
#define CP_TMR_H

#include <stddef.h>
#include <stdint.h>

struct tmr;

/* Timers running in this thread. */
size_t cp_tmr_count(void);
/* The most that ever ran at once in this thread. */
uint64_t cp_tmr_peak(void);
/* The timer that expires next in this thread, NULL if none. */
const struct tmr *cp_tmr_next(void);

#endif
