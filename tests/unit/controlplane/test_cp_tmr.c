/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libre's timers on a heap (controlplane/cp_tmr.c): expiry order by time
 * and start order, cancel and restart from every position, a handler that
 * restarts or cancels timers, 20,000 random operations against a plain
 * reference model, and that libre's own code (a SIP client transaction
 * inside libre.so) really lands in the replacement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "cp_tmr.h"

#define ORDER_MAX 64

static unsigned int order[ORDER_MAX];
static unsigned int norder;

static void
note_h(void *arg)
{
	if (norder < ORDER_MAX)
		order[norder++] = (unsigned int)(uintptr_t)arg;
}

/* Poll until nothing is due within limit_ms, bounded. */
static void
run_for(uint64_t ms)
{
	uint64_t end = tmr_jiffies() + ms;

	while (tmr_jiffies() < end) {
		tmr_poll(NULL);
		sys_usleep(200);
	}
	tmr_poll(NULL);
}

static void
test_order(void **state)
{
	struct tmr t[6];
	unsigned int i;

	(void)state;
	norder = 0;
	for (i = 0; i < 6; i++)
		tmr_init(&t[i]);
	/* Equal times fire in start order (libre's list inserts after the
	 * last timer with the same time). */
	tmr_start(&t[0], 30, note_h, (void *)0);
	tmr_start(&t[1], 10, note_h, (void *)1);
	tmr_start(&t[2], 20, note_h, (void *)2);
	tmr_start(&t[3], 10, note_h, (void *)3);
	tmr_start(&t[4], 0, note_h, (void *)4);
	tmr_start(&t[5], 20, note_h, (void *)5);
	assert_int_equal(cp_tmr_count(), 6);
	assert_true(tmr_isrunning(&t[0]));
	assert_true(tmr_get_expire(&t[0]) <= 30);
	assert_true(tmr_next_timeout(NULL) <= 1);
	run_for(60);
	assert_int_equal(norder, 6);
	/* t4 (0 ms), then the 10s, 20s and 30 ms, each group in start
	 * order; the millisecond clock may put 1 and 3 in one tick, but
	 * never swap them. */
	assert_int_equal(order[0], 4);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 3);
	assert_int_equal(order[3], 2);
	assert_int_equal(order[4], 5);
	assert_int_equal(order[5], 0);
	assert_int_equal(cp_tmr_count(), 0);
	for (i = 0; i < 6; i++)
		assert_false(tmr_isrunning(&t[i]));
	assert_int_equal(tmr_next_timeout(NULL), 0);
}

static void
test_cancel_restart(void **state)
{
	struct tmr t[5];
	unsigned int i;

	(void)state;
	norder = 0;
	for (i = 0; i < 5; i++) {
		tmr_init(&t[i]);
		tmr_start(&t[i], 10 + i, note_h, (void *)(uintptr_t)i);
	}
	tmr_cancel(&t[0]); /* the root */
	tmr_cancel(&t[4]); /* the last */
	tmr_cancel(&t[2]); /* the middle */
	tmr_cancel(&t[2]); /* twice: nothing happens */
	assert_false(tmr_isrunning(&t[2]));
	assert_int_equal(tmr_get_expire(&t[2]), 0);
	assert_int_equal(cp_tmr_count(), 2);
	/* A restart moves the timer: t1 now after t3. */
	tmr_start(&t[1], 25, note_h, (void *)1);
	assert_int_equal(cp_tmr_count(), 2);
	run_for(40);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 1);
	/* NULL and a NULL handler are a cancel, as in libre. */
	tmr_start(NULL, 5, note_h, NULL);
	tmr_start(&t[0], 5, NULL, NULL);
	assert_int_equal(cp_tmr_count(), 0);
}

static struct tmr chain_t, victim_t;
static unsigned int chain_n;

static void
chain_h(void *arg)
{
	(void)arg;
	/* Not running while the handler runs (tmr_isrunning reads th). */
	assert_false(tmr_isrunning(&chain_t));
	if (++chain_n < 3)
		tmr_start(&chain_t, 0, chain_h, NULL);
	tmr_cancel(&victim_t);
}

static void
test_handler_restarts(void **state)
{
	(void)state;
	norder = 0;
	chain_n = 0;
	tmr_init(&chain_t);
	tmr_init(&victim_t);
	tmr_start(&chain_t, 1, chain_h, NULL);
	tmr_start(&victim_t, 2, note_h, (void *)7);
	run_for(20);
	assert_int_equal(chain_n, 3);
	assert_int_equal(norder, 0); /* the first run cancelled it */
	assert_int_equal(cp_tmr_count(), 0);
}

#define RND_N 512

struct rnd_ref {
	bool running;
	uint64_t jfs;
	uint64_t seq;
};

static struct rnd_ref ref[RND_N];
static struct tmr rt[RND_N];
static uint64_t last_jfs, last_seq;
static unsigned int fired, out_of_order;

static void
rnd_h(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;

	assert_true(ref[i].running);
	if (ref[i].jfs < last_jfs ||
	    (ref[i].jfs == last_jfs && ref[i].seq < last_seq))
		out_of_order++;
	last_jfs = ref[i].jfs;
	last_seq = ref[i].seq;
	ref[i].running = false;
	fired++;
}

static void
test_random_against_reference(void **state)
{
	uint64_t seq = 0, x = 88172645463325252ull;
	unsigned int op, i, running = 0;

	(void)state;
	memset(ref, 0, sizeof(ref));
	for (i = 0; i < RND_N; i++)
		tmr_init(&rt[i]);
	for (op = 0; op < 20000; op++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		i = (unsigned int)(x % RND_N);
		if ((x >> 32) % 3 == 0) {
			tmr_cancel(&rt[i]);
			ref[i].running = false;
		} else {
			uint64_t delay = 1000 + (x >> 40) % 5000;

			tmr_start(&rt[i], delay, rnd_h, (void *)(uintptr_t)i);
			ref[i].running = true;
			ref[i].jfs = rt[i].jfs;
			ref[i].seq = seq++;
		}
	}
	for (i = 0; i < RND_N; i++)
		running += ref[i].running;
	assert_int_equal(cp_tmr_count(), running);
	/* Drain: each step the heap's next timer must be the one the
	 * reference says expires first. */
	last_jfs = 0;
	last_seq = 0;
	fired = 0;
	out_of_order = 0;
	while (cp_tmr_count() > 0) {
		/* The heap root must be the reference's earliest timer. */
		uint64_t best = UINT64_MAX, bseq = UINT64_MAX;
		unsigned int b = RND_N;

		for (i = 0; i < RND_N; i++) {
			if (!ref[i].running)
				continue;
			if (ref[i].jfs < best ||
			    (ref[i].jfs == best && ref[i].seq < bseq)) {
				best = ref[i].jfs;
				bseq = ref[i].seq;
				b = i;
			}
		}
		assert_true(b < RND_N);
		/* The heap's next timer is the reference's earliest, ties
		 * broken by start order. */
		assert_ptr_equal(cp_tmr_next(), &rt[b]);
		assert_true(tmr_next_timeout(NULL) >= 1);
		/* Fire it by hand through its handler, cancelling it the
		 * way tmr_poll would. */
		tmr_cancel(&rt[b]);
		rnd_h((void *)(uintptr_t)b);
	}
	assert_int_equal(fired, running);
	assert_int_equal(out_of_order, 0);
}

static void
resp_h(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

static void
test_libre_uses_it(void **state)
{
	struct sip *sip = NULL;
	struct sip_request *req = NULL;
	struct sa laddr;
	size_t before;

	(void)state;
	assert_int_equal(
		sip_alloc(&sip, NULL, 16, 16, 16, "esg-test", NULL, NULL), 0);
	assert_int_equal(sa_set_str(&laddr, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(sip, SIP_TRANSP_UDP, &laddr), 0);
	before = cp_tmr_count();
	/* A client transaction inside libre.so starts Timer A/B (RFC 3261
	 * 17.1.1.2) with its own tmr_start calls: they must land here. */
	assert_int_equal(sip_requestf(&req, sip, true, "OPTIONS",
				      "sip:nobody@127.0.0.1:9", NULL, NULL,
				      NULL, resp_h, NULL,
				      "To: <sip:nobody@127.0.0.1>\r\n"
				      "From: <sip:t@127.0.0.1>;tag=1\r\n"
				      "Call-ID: tmr-test\r\n"
				      "CSeq: 1 OPTIONS\r\n"
				      "Max-Forwards: 70\r\n"
				      "Content-Length: 0\r\n\r\n"),
			 0);
	assert_true(cp_tmr_count() > before);
	mem_deref(req);
	sip_close(sip, true);
	mem_deref(sip);
	tmr_poll(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_cancel_restart),
		cmocka_unit_test(test_handler_restarts),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_libre_uses_it),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
