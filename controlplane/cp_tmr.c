/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's timers on a binary heap (docs/controlplane.md "Timers").
 *
 * libre 1.1.0 keeps every timer of a thread in one sorted linked list and
 * finds a new timer's place by walking back from the tail: a short timer
 * (a SIP retransmission, 500 ms) walks past every longer one. A B2BUA at
 * 2,000 calls/s holds well over 100,000 transaction timers of 32 s
 * (RFC 3261 Timers B, F, J at 64*T1), so each short timer costs a walk of
 * 100,000 list nodes and the event loop stops scaling near 500 calls/s
 * (measured with tests/bench/cps: 80% of the time in that walk).
 *
 * This file defines libre's public timer functions itself. Every call
 * inside libre.so reaches them through the PLT, so the executable's
 * definitions take precedence (ELF symbol interposition; the linker puts
 * a symbol that a shared library on the link line references into the
 * executable's dynamic symbol table). struct tmr is unchanged: th, arg and
 * jfs keep libre's meaning (tmr_isrunning() is inline in re_tmr.h and
 * reads th), and the le field, unused by anything but libre's timer code,
 * holds the heap position. Start and cancel are O(log n); the order of
 * expiry is libre's: by time, and in start order for equal times.
 *
 * One heap per thread, as libre keeps one list per thread (re_main() of a
 * thread polls its own timers). The list argument of tmr_poll() and
 * tmr_next_timeout() is libre's own, now always empty, and is ignored.
 *
 * This is the one place that defines names under libre's tmr_ prefix
 * (STYLE rule 1): it has to, to replace them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "cp_tmr.h"

struct heap_ent {
	uint64_t jfs;
	uint64_t seq; /* start order: equal times expire first-started first */
	struct tmr *tmr;
};

struct heap {
	struct heap_ent *v;
	size_t n;
	size_t cap;
	uint64_t seq;
	uint64_t peak;
};

static __thread struct heap heap;

/* The heap position of a running timer lives in its unused list element:
 * data = index + 1 (0 = not in the heap). */
static inline size_t
pos_get(const struct tmr *t)
{
	return (size_t)(uintptr_t)t->le.data;
}

static inline void
pos_set(struct tmr *t, size_t pos1)
{
	t->le.data = (void *)(uintptr_t)pos1;
}

static inline bool
before(const struct heap_ent *a, const struct heap_ent *b)
{
	return a->jfs < b->jfs || (a->jfs == b->jfs && a->seq < b->seq);
}

static void
place(struct heap *h, size_t i, struct heap_ent e)
{
	h->v[i] = e;
	pos_set(e.tmr, i + 1);
}

static void
sift_up(struct heap *h, size_t i)
{
	struct heap_ent e = h->v[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (!before(&e, &h->v[p]))
			break;
		place(h, i, h->v[p]);
		i = p;
	}
	place(h, i, e);
}

static void
sift_down(struct heap *h, size_t i)
{
	struct heap_ent e = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &e))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, e);
}

static void
heap_remove(struct heap *h, struct tmr *t)
{
	size_t pos1 = pos_get(t);
	size_t i;

	if (pos1 == 0 || pos1 > h->n || h->v[pos1 - 1].tmr != t)
		return;
	i = pos1 - 1;
	pos_set(t, 0);
	h->n--;
	if (i == h->n)
		return;
	h->v[i] = h->v[h->n];
	pos_set(h->v[i].tmr, i + 1);
	if (i > 0 && before(&h->v[i], &h->v[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

static bool
heap_grow(struct heap *h)
{
	size_t cap = h->cap ? h->cap * 2 : 1024;
	struct heap_ent *v = realloc(h->v, cap * sizeof(*v));

	if (v == NULL)
		return false;
	h->v = v;
	h->cap = cap;
	return true;
}

uint64_t
tmr_jiffies(void)
{
	struct timespec ts;

	/* libre's clock: monotonic milliseconds. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
tmr_init(struct tmr *tmr)
{
	if (tmr == NULL)
		return;
	memset(tmr, 0, sizeof(*tmr));
}

void
tmr_start(struct tmr *tmr, uint64_t delay, tmr_h *th, void *arg)
{
	struct heap *h = &heap;
	struct heap_ent e;

	if (tmr == NULL)
		return;
	if (tmr->th != NULL)
		heap_remove(h, tmr);
	tmr->th = NULL;
	if (th == NULL)
		return;
	if (h->n == h->cap && !heap_grow(h)) {
		/* libre's tmr_start cannot fail; without memory for the heap
		 * a timer that never fires would hang a call forever, which
		 * is worse than stopping. */
		(void)re_fprintf(stderr, "esg: out of memory for timers\n");
		abort();
	}
	tmr->th = th;
	tmr->arg = arg;
	tmr->jfs = tmr_jiffies() + delay;
	e.jfs = tmr->jfs;
	e.seq = h->seq++;
	e.tmr = tmr;
	h->v[h->n] = e;
	pos_set(tmr, h->n + 1);
	h->n++;
	if (h->n > h->peak)
		h->peak = h->n;
	sift_up(h, h->n - 1);
}

void
tmr_cancel(struct tmr *tmr)
{
	tmr_start(tmr, 0, NULL, NULL);
}

uint64_t
tmr_get_expire(const struct tmr *tmr)
{
	uint64_t now;

	if (tmr == NULL || tmr->th == NULL)
		return 0;
	now = tmr_jiffies();
	return tmr->jfs > now ? tmr->jfs - now : 0;
}

void
tmr_poll(struct list *tmrl)
{
	struct heap *h = &heap;
	const uint64_t now = tmr_jiffies();

	(void)tmrl;
	while (h->n > 0 && h->v[0].jfs <= now) {
		struct tmr *t = h->v[0].tmr;
		tmr_h *th = t->th;
		void *arg = t->arg;

		heap_remove(h, t);
		/* Not running any more before the handler runs: it may start
		 * the timer again (tmr_isrunning() reads th). */
		t->th = NULL;
		if (th != NULL)
			th(arg);
	}
}

uint64_t
tmr_next_timeout(struct list *tmrl)
{
	const struct heap *h = &heap;
	uint64_t now;

	(void)tmrl;
	if (h->n == 0)
		return 0; /* libre: 0 means no timer */
	now = tmr_jiffies();
	return h->v[0].jfs <= now ? 1 : h->v[0].jfs - now;
}

int
tmr_status(struct re_printf *pf, void *unused)
{
	(void)unused;
	return re_hprintf(pf, "Timers: %zu running (peak %llu, binary heap)\n",
			  heap.n, (unsigned long long)heap.peak);
}

void
tmr_debug(void)
{
	(void)re_fprintf(stderr, "%H", tmr_status, NULL);
}

size_t
cp_tmr_count(void)
{
	return heap.n;
}

uint64_t
cp_tmr_peak(void)
{
	return heap.peak;
}

const struct tmr *
cp_tmr_next(void)
{
	return heap.n > 0 ? heap.v[0].tmr : NULL;
}
