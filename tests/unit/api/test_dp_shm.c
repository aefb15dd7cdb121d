/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The contract (dataplane/api): segment create/attach, the checks that
 * refuse a segment of another version or size table or a damaged one,
 * epochs and heartbeats, the four rings, and peers that write garbage
 * into messages and ring headers (counted and refused, never followed).
 * Runs without EAL: the contract needs only rte_ring.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_shm.h"

static char inst[32];

static int
setup(void **state)
{
	static int n;

	(void)state;
	snprintf(inst, sizeof(inst), "ut-%d-%d", (int)getpid(), n++);
	return 0;
}

/* A failed assertion leaves the segment behind: remove it either way. */
static int
teardown(void **state)
{
	char path[64];

	(void)state;
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	return 0;
}

static struct dp_shm *
create(void)
{
	const struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct dp_shm *shm = NULL;

	assert_int_equal(dp_shm_create(inst, &p, &shm), 0);
	return shm;
}

static struct dp_shm *
attach(void)
{
	struct dp_shm *shm = NULL;
	char why[128] = "";

	if (dp_shm_attach(inst, &shm, why, sizeof(why)) != 0)
		fail_msg("attach: %s", why);
	return shm;
}

static void
ping(union dp_msg *m, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = DP_MSG_PING;
	m->hdr.len = sizeof(struct dp_msg_ping);
	m->hdr.seq = seq;
	m->ping.token = 0x1000 + seq;
}

static void
test_create_attach(void **state)
{
	struct dp_shm *dp = create(), *cp;
	struct dp_stats *st;
	char path[64];
	struct stat sb;

	(void)state;
	assert_int_equal(dp_shm_path(inst, path, sizeof(path)), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	cp = attach();
	assert_int_equal(dp_shm_hdr(cp)->epoch, dp_shm_hdr(dp)->epoch);
	assert_int_not_equal(dp_shm_hdr(cp)->epoch, 0);
	assert_int_equal(dp_shm_hdr(cp)->dp_pid, getpid());
	assert_int_equal(dp_shm_hdr(cp)->state, DP_SHM_STATE_RUNNING);
	st = dp_shm_stats(cp);
	assert_int_equal(st->nb_drops, DP_DROP_MAX);
	assert_string_equal(st->drop_names[DP_DROP_IP4_CSUM], "ip4_csum");
	assert_string_equal(st->cnt_names[DP_CNT_CMD_BAD], "cmd_bad");
	assert_true(dp_shm_current(cp));
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
	assert_int_equal(stat(path, &sb), -1);
}

/* The legs region sits on 2 MiB boundaries of the file and of the
 * mapping (huge-page mappable), is faulted in at create, the attacher
 * accepts the gap before it, and its huge-page report covers it. */
static void
test_legs_region_huge_aligned(void **state)
{
	struct dp_shm *dp = create(), *cp;
	const struct dp_shm_region *r = &dp_shm_hdr(dp)->region[DP_SHM_R_LEGS];
	struct dp_leg_stats *legs;
	uint64_t huge = 1, size = 0;
	uint32_t count = 0;

	(void)state;
	assert_int_equal(r->off % (2u << 20), 0);
	assert_int_equal(r->size % (2u << 20), 0);
	assert_true(r->off >=
		    dp_shm_hdr(dp)->region[DP_SHM_R_STATS].off +
			    dp_shm_hdr(dp)->region[DP_SHM_R_STATS].size);
	assert_true(r->off + r->size <= dp_shm_size(dp));
	legs = dp_shm_legs(dp, &count);
	assert_int_equal((uintptr_t)legs % (2u << 20), 0);
	assert_int_equal(dp_shm_legs_huge(dp, &huge, &size), 0);
	assert_int_equal(size, r->size);
	assert_true(huge <= size);
	cp = attach();
	assert_int_equal(dp_shm_legs(cp, &count) != NULL, 1);
	assert_int_equal(count, r->count);
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
}

static void
test_attach_refusals(void **state)
{
	struct dp_shm *dp, *cp = NULL;
	struct dp_shm_hdr *h;
	char why[160] = "", want[64];
	char path[64];

	(void)state;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "No such file"));
	assert_int_equal(dp_shm_attach("../etc", &cp, why, sizeof(why)),
			 -EINVAL);

	dp = create();
	h = dp_shm_hdr(dp);

	h->version = 99;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EPROTO);
	snprintf(want, sizeof(want),
		 "contract version 99, this build speaks %u", DP_API_VERSION);
	assert_string_equal(why, want);
	h->version = DP_API_VERSION;

	h->sizes.msg[DP_MSG_PING] += 8;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EPROTO);
	assert_non_null(strstr(why, "size table differs"));
	h->sizes.msg[DP_MSG_PING] -= 8;

	h->magic = 0;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EAGAIN);
	h->magic = DP_SHM_MAGIC;

	h->region[DP_SHM_R_STATS].off = h->total_size;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EBADF);
	assert_string_equal(why, "region 4 out of bounds");
	h->region[DP_SHM_R_STATS].off = h->region[DP_SHM_R_INJECT].off +
					h->region[DP_SHM_R_INJECT].size;

	h->region[DP_SHM_R_EVT].count = 3;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EBADF);
	h->region[DP_SHM_R_EVT].count = 4096;

	((struct rte_ring *)((uint8_t *)h + h->region[DP_SHM_R_CMD].off))
		->mask = 0xffff;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EBADF);
	assert_string_equal(why, "ring 0 header inconsistent");
	((struct rte_ring *)((uint8_t *)h + h->region[DP_SHM_R_CMD].off))
		->mask = 4095;

	h->total_size += 4096;
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EBADF);
	h->total_size -= 4096;

	cp = attach(); /* all restored: accepted again */
	dp_shm_detach(cp);

	/* a truncated file is not a segment */
	assert_int_equal(dp_shm_path(inst, path, sizeof(path)), 0);
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(dp_shm_attach(inst, &cp, why, sizeof(why)), -EBADF);
	dp_shm_destroy(dp);
}

static void
test_check_hdr_short(void **state)
{
	struct dp_shm_hdr h;
	char why[128];

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(dp_shm_check_hdr(&h, 10, why, sizeof(why)), -EBADF);
	assert_int_equal(dp_shm_check_hdr(&h, sizeof(h), why, sizeof(why)),
			 -EAGAIN);
}

static void
test_cmd_ring_order_and_full(void **state)
{
	struct dp_shm *dp = create(), *cp = attach();
	union dp_msg m[32], r[32];
	uint32_t seq = 0, want = 0;
	int i, n, total = 0;

	(void)state;
	for (i = 0; i < 32; i++)
		ping(&m[i], (uint32_t)i);
	/* fill the ring: capacity is count - 1 */
	for (;;) {
		for (i = 0; i < 32; i++)
			ping(&m[i], seq + (uint32_t)i);
		n = dp_shm_cmd_send(cp, m, 32);
		assert_true(n >= 0);
		seq += (uint32_t)n;
		total += n;
		if (n < 32)
			break;
	}
	assert_int_equal(total, 4095);
	assert_int_equal(dp_shm_side_stats(cp)->tx_full, 32 - (4095 % 32));
	while ((n = dp_shm_cmd_recv(dp, r, 32)) > 0)
		for (i = 0; i < n; i++) {
			assert_int_equal(r[i].hdr.seq, want);
			assert_int_equal(r[i].ping.token, 0x1000 + want);
			want++;
		}
	assert_int_equal(want, 4095);
	assert_int_equal(dp_shm_side_stats(dp)->rx, 4095);
	assert_int_equal(dp_shm_side_stats(dp)->rx_bad, 0);
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
}

static void
test_evt_ring_direction(void **state)
{
	struct dp_shm *dp = create(), *cp = attach();
	union dp_msg m[3], r[4];

	(void)state;
	memset(m, 0, sizeof(m));
	m[0].hdr.type = DP_MSG_RESULT; /* an event: fine on the event ring */
	m[0].hdr.len = sizeof(struct dp_msg_result);
	m[0].result.cmd_type = DP_MSG_IF_ADDR_ADD;
	m[0].result.status = -EINVAL;
	m[1] = m[0];
	m[1].hdr.seq = 7;
	m[2].hdr.type = DP_MSG_IF_ADDR_ADD; /* a command: not on this ring */
	m[2].hdr.len = sizeof(struct dp_msg_if_addr);
	m[2].if_addr.family = AF_INET;
	assert_int_equal(dp_shm_evt_send(dp, m, 3), 3);
	assert_int_equal(dp_shm_evt_recv(cp, r, 4), 2);
	assert_int_equal(r[1].hdr.seq, 7);
	assert_int_equal(dp_shm_side_stats(cp)->rx_bad, 1);
	/* and a RESULT on the command ring is refused */
	assert_int_equal(dp_shm_cmd_send(cp, m, 1), 1);
	assert_int_equal(dp_shm_cmd_recv(dp, r, 4), 0);
	assert_int_equal(dp_shm_side_stats(dp)->rx_bad, 1);
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
}

/*
 * A peer in another process writes 1000 slots of random bytes between 100
 * good pings, straight into the ring storage. The dataplane side gets the
 * 100 pings in order and counts every garbage slot that does not happen to
 * be a valid message (with random bytes, type and len both matching has
 * odds of about 1e-8 per slot; the peer avoids those to keep the count
 * exact).
 */
static void
test_garbage_peer(void **state)
{
	struct dp_shm *dp = create();
	union dp_msg r[64];
	uint32_t want = 0;
	uint64_t bad = 0;
	int status, n, i;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct dp_shm *cp = NULL;
		struct rte_ring *ring;
		struct dp_shm_hdr *h;
		union dp_msg g;
		unsigned int k, j;

		if (dp_shm_attach(inst, &cp, NULL, 0) != 0)
			_exit(2);
		h = dp_shm_hdr(cp);
		ring = (struct rte_ring *)((uint8_t *)h +
					   h->region[DP_SHM_R_CMD].off);
		srandom(42);
		for (k = 0; k < 100; k++) {
			for (j = 0; j < 10; j++) {
				for (i = 0; i < DP_MSG_SIZE; i++)
					g.raw[i] = (uint8_t)random();
				if (dp_msg_validate(&g, DP_DIR_CMD) == 0)
					g.hdr.type = 0;
				while (rte_ring_sp_enqueue_elem(ring, &g,
								sizeof(g)) != 0)
					usleep(100);
			}
			ping(&g, k);
			while (dp_shm_cmd_send(cp, &g, 1) != 1)
				usleep(100);
		}
		dp_shm_detach(cp);
		_exit(0);
	}
	for (i = 0; i < 100000 && want < 100; i++) {
		n = dp_shm_cmd_recv(dp, r, 64);
		assert_true(n >= 0);
		for (int k = 0; k < n; k++) {
			assert_int_equal(r[k].hdr.type, DP_MSG_PING);
			assert_int_equal(r[k].hdr.seq, want);
			want++;
		}
		if (n == 0)
			usleep(100);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	while ((n = dp_shm_cmd_recv(dp, r, 64)) > 0)
		want += (uint32_t)n;
	bad = dp_shm_side_stats(dp)->rx_bad;
	assert_int_equal(want, 100);
	assert_int_equal(bad, 1000);
	dp_shm_destroy(dp);
}

/* A peer that scribbles on the ring header: refused, counted, no crash. */
static void
test_ring_header_scribble(void **state)
{
	struct dp_shm *dp = create(), *cp = attach();
	struct dp_shm_hdr *h = dp_shm_hdr(cp);
	struct rte_ring *ring;
	union dp_msg m[4];

	(void)state;
	ring = (struct rte_ring *)((uint8_t *)h + h->region[DP_SHM_R_EVT].off);
	ring->size = 1u << 30;
	ring->mask = (1u << 30) - 1;
	ring->capacity = ring->mask;
	assert_int_equal(dp_shm_evt_recv(cp, m, 4), -EFAULT);
	assert_int_equal(dp_shm_evt_send(dp, m, 1), -EFAULT);
	assert_int_equal(dp_shm_side_stats(cp)->ring_corrupt, 1);
	assert_int_equal(dp_shm_side_stats(dp)->ring_corrupt, 1);
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
}

static void
test_epoch_and_heartbeat(void **state)
{
	struct dp_shm *dp = create(), *cp = attach(), *dp2, *cp2;
	uint64_t now = dp_shm_now_ns(), e1;

	(void)state;
	e1 = dp_shm_hdr(cp)->epoch;
	dp_shm_heartbeat(dp, now);
	assert_true(dp_shm_alive(cp, now + 500000000ULL, 1000000000ULL));
	assert_false(dp_shm_alive(cp, now + 1500000000ULL, 1000000000ULL));
	/* the dataplane restarts: the old mapping is no longer current */
	dp_shm_destroy(dp);
	assert_false(dp_shm_current(cp));
	assert_false(dp_shm_alive(cp, now, 1000000000ULL));
	dp2 = create();
	assert_false(dp_shm_current(cp));
	cp2 = attach();
	assert_true(dp_shm_current(cp2));
	assert_int_not_equal(dp_shm_hdr(cp2)->epoch, e1);
	dp_shm_detach(cp);
	dp_shm_detach(cp2);
	dp_shm_destroy(dp2);
}

/* A second dataplane for the same instance is refused while the first
 * lives; a stale segment left by a dead one is replaced. */
static void
test_second_dataplane(void **state)
{
	const struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct dp_shm *dp = create(), *other = NULL;
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(dp_shm_create(inst, &p, &other) == -EEXIST ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* stale: pretend the owner died */
	dp_shm_hdr(dp)->dp_pid = 0x7ffffff0;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dp_shm_create(inst, &p, &other) != 0)
			_exit(1);
		dp_shm_destroy(other);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	dp_shm_destroy(dp); /* its file is gone already: must not fail */
}

static void
test_bad_params(void **state)
{
	struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct dp_shm *shm = NULL;

	(void)state;
	p.cmd_count = 1000;
	assert_int_equal(dp_shm_create(inst, &p, &shm), -EINVAL);
	p.cmd_count = 1024;
	assert_int_equal(dp_shm_create("bad/name", &p, &shm), -EINVAL);
	assert_int_equal(dp_shm_create("", &p, &shm), -EINVAL);
}

static void
test_punt_inject(void **state)
{
	struct dp_shm *dp = create(), *cp = attach();
	static struct dp_pkt_msg p, q;
	int i;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.hdr.len = 300;
	p.port = 1;
	for (i = 0; i < 300; i++)
		p.data[i] = (uint8_t)i;
	assert_int_equal(dp_shm_punt_send(dp, &p), 0);
	assert_int_equal(dp_shm_punt_recv(cp, &q), 0);
	assert_int_equal(q.hdr.len, 300);
	assert_memory_equal(q.data, p.data, 300);
	assert_int_equal(dp_shm_punt_recv(cp, &q), -EAGAIN);
	p.hdr.len = DP_PKT_MAX + 1;
	assert_int_equal(dp_shm_inject_send(cp, &p), -EINVAL);
	p.hdr.len = 10;
	assert_int_equal(dp_shm_inject_send(cp, &p), 0);
	assert_int_equal(dp_shm_inject_recv(dp, &q), 0);
	/* a peer's bad length is refused on receipt */
	p.hdr.len = 60000;
	{
		struct dp_shm_hdr *h = dp_shm_hdr(cp);
		struct rte_ring *r =
			(struct rte_ring *)((uint8_t *)h +
					    h->region[DP_SHM_R_INJECT].off);

		assert_int_equal(rte_ring_sp_enqueue_elem(r, &p, sizeof(p)), 0);
	}
	assert_int_equal(dp_shm_inject_recv(dp, &q), -EBADMSG);
	assert_int_equal(dp_shm_side_stats(dp)->rx_bad, 1);
	p.hdr.len = 10;
	for (i = 0; i < 255; i++)
		assert_int_equal(dp_shm_punt_send(dp, &p), 0);
	assert_int_equal(dp_shm_punt_send(dp, &p), -ENOBUFS);
	dp_shm_detach(cp);
	dp_shm_destroy(dp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_attach, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_legs_region_huge_aligned,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_refusals, setup,
						teardown),
		cmocka_unit_test(test_check_hdr_short),
		cmocka_unit_test_setup_teardown(test_cmd_ring_order_and_full,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_evt_ring_direction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_garbage_peer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ring_header_scribble,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_epoch_and_heartbeat, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_second_dataplane, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_punt_inject, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
