/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --feed prebuilt: the worker lcore feeds itself. No generator on
 * another core and no ports on the way in: the worker takes bursts from
 * a large set of packets built beforehand (more than the caches hold, so
 * the relay reads cold packet lines as it would after a NIC's DMA),
 * runs the relay's own entry points on them (dp_relay_burst,
 * dp_relay_handoff_poll, dp_relay_flush) with a tx_burst hook that takes
 * the relayed packets back (a null port), checks them, and rebuilds each
 * one from the plan's templates for the next leg of its interface's
 * random order (bench_pkt_build, as the generator does), so every leg
 * and its counters are visited as with real traffic.
 *
 * The cross-core traffic of the generator feed (the generator writes a
 * packet, the worker rewrites it, the generator writes it again: every
 * line changes hands twice per packet) is gone; a NIC's DMA does not
 * cause it in the same way. Two figures per run:
 *   relay only    TSC around dp_relay_burst .. dp_relay_flush of every
 *                 burst: the fast path's ceiling
 *   with restore  TSC of the whole loop, checking and rebuilding
 *                 included: an upper bound on the relay's cost
 * The main lcore runs its share (bench_dut_tick: latch events, grace
 * periods) meanwhile, as the production main lcore does.
 *
 * The set's packets belong to it: a packet the relay frees (a drop) is
 * replaced from the pool, one it keeps for the slow path is counted and
 * taken back; either fails the run (bench_relay.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "bench_relay.h"
#include "dp_relay.h"
#include "dp_shm.h"
#include "dp_state.h"

/* Room for what one burst can send: at most what it received. */
#define RET_MAX (2 * BENCH_BURST)
#define TICK_US 50

struct feed {
	const struct bench_plan *plan;
	const struct bench_feed_opts *o;
	struct bench_run *r;
	struct rte_mempool *pool;
	struct rte_mbuf **set; /* nb_pkts, bursts of BENCH_BURST */
	unsigned int nb_bursts;
	unsigned int rx_if[BENCH_NB_IF];
	unsigned int nb_rx_if;
	uint32_t cursor[BENCH_NB_IF];
	uint32_t round[BENCH_NB_IF];
	/* what the tx_burst hook took back in the current burst */
	struct rte_mbuf *ret[RET_MAX];
	uint8_t ret_if[RET_MAX];
	unsigned int nb_ret;
	unsigned int check_left;
	uint16_t out_len, out_marker, in_pl, out_pl;
	uint64_t moved, replaced;
	uint64_t tsc_hz;
	volatile bool done;
	int err;
};

static struct feed fd;

static void
bad(struct feed *f, const char *why)
{
	if (f->r->bad++ == 0)
		snprintf(f->r->why, sizeof(f->r->why), "%s", why);
}

/* The null port: the relayed packets come back to the set. */
static uint16_t
feed_tx(struct dp_lcore *lc, struct dp_iface *ifc, uint16_t txq,
	struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	(void)txq;
	/* More than a burst cannot come; should it, the relay counts the
	 * rest as a full port and frees them (the run fails). */
	if (n > RET_MAX - fd.nb_ret)
		n = (uint16_t)(RET_MAX - fd.nb_ret);
	for (i = 0; i < n; i++) {
		fd.ret[fd.nb_ret] = pkts[i];
		fd.ret_if[fd.nb_ret++] = (uint8_t)ifc->idx;
	}
	return n;
}

/* Write the next packet of interface k's leg order into m (bench_gen.c
 * build(): the same packets). */
static void
build(struct feed *f, unsigned int k, struct rte_mbuf *m, uint64_t tsc)
{
	const struct bench_plan *p = f->plan;
	uint32_t leg = p->rx_legs[k][f->cursor[k]];
	uint8_t *frame = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
	uint16_t len;

	if (++f->cursor[k] == p->nb_rx_legs[k]) {
		f->cursor[k] = 0;
		f->round[k]++;
	}
	len = bench_pkt_build(p, frame, leg, f->round[k], tsc);
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->ol_flags = 0;
	m->packet_type = 0;
}

/* Check one relayed packet that left interface k (bench_gen.c
 * returned_one(): a cheap check of every packet, the full one of one in
 * check_every). */
static void
check_one(struct feed *f, unsigned int k, struct rte_mbuf *m)
{
	const struct bench_plan *p = f->plan;
	const uint8_t *fr = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t leg;
	char why[128];

	if (m->data_len != f->out_len || m->pkt_len != f->out_len ||
	    m->nb_segs != 1) {
		snprintf(why, sizeof(why), "relayed frame of %u bytes, want %u",
			 m->pkt_len, f->out_len);
		bad(f, why);
		return;
	}
	memcpy(&leg, fr + f->out_marker + 8, 4);
	if (leg >= p->nb_legs || bench_out_if(leg) != k) {
		snprintf(why, sizeof(why),
			 "relayed packet names leg %u, left interface %u", leg,
			 k);
		bad(f, why);
		return;
	}
	if (--f->check_left == 0) {
		f->check_left = f->o->check_every;
		f->r->checked++;
		if (bench_pkt_check(p, fr, m->data_len, k, why, sizeof(why)) !=
		    0)
			bad(f, why);
	}
}

/* Put a packet back in slot s of the set, rebuilt for interface k. */
static void
restore(struct feed *f, struct rte_mbuf **slot, unsigned int k,
	struct rte_mbuf *m, uint64_t tsc)
{
	uint8_t *in_pl =
		(uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM + f->in_pl;

	/* The relay grows or shrinks the headers in front of the payload;
	 * should it have moved the payload, rewrite it where we build. */
	if (rte_pktmbuf_mtod(m, uint8_t *) + f->out_pl != in_pl) {
		f->moved++;
		bench_pkt_payload(f->plan, (uint8_t *)m->buf_addr +
						   RTE_PKTMBUF_HEADROOM);
	}
	build(f, k, m, tsc);
	*slot = m;
}

/* After a burst: check what came back, take back what the relay kept
 * for the slow path, replace what it freed, rebuild all of it. */
static int
after_burst(struct feed *f, struct rte_mbuf **slots, unsigned int k,
	    struct rte_mbuf **kept, uint16_t nb_kept, uint64_t tsc)
{
	unsigned int i, j = 0;
	struct rte_mbuf *m;

	for (i = 0; i < f->nb_ret; i++) {
		check_one(f, f->ret_if[i], f->ret[i]);
		restore(f, &slots[j++], k, f->ret[i], tsc);
	}
	f->r->relayed += f->nb_ret;
	f->nb_ret = 0;
	/* Not expected: the run fails (bench_relay.c). */
	f->r->slow += nb_kept;
	for (i = 0; i < nb_kept && j < BENCH_BURST; i++) {
		rte_pktmbuf_reset(kept[i]);
		restore(f, &slots[j++], k, kept[i], tsc);
	}
	for (; j < BENCH_BURST; j++) {
		/* freed by the relay (a drop): a fresh mbuf takes its slot */
		m = rte_pktmbuf_alloc(f->pool);
		if (m == NULL)
			return -ENOMEM;
		f->replaced++;
		bench_pkt_payload(f->plan, rte_pktmbuf_mtod(m, uint8_t *));
		restore(f, &slots[j], k, m, tsc);
	}
	return 0;
}

struct phase {
	uint64_t relay_cyc, loop_cyc, pkts;
};

/* Bursts from the set, in order, until end. */
static int
phase(struct feed *f, struct dp_lcore *lc, unsigned int *b, uint64_t end,
      struct phase *ph)
{
	struct dp_state *s = &dp_g;
	struct rte_mbuf *pkts[BENCH_BURST];
	uint64_t start = rte_rdtsc(), t0, t1 = start;
	uint16_t keep;
	unsigned int k, q = lc->idx - 1;
	int rc;

	while (t1 < end) {
		struct rte_mbuf **slots = &f->set[(size_t)*b * BENCH_BURST];

		k = f->rx_if[*b % f->nb_rx_if];
		if (++*b == f->nb_bursts)
			*b = 0;
		memcpy(pkts, slots, sizeof(pkts));
		lc->now_ns = dp_shm_now_ns();
		t0 = rte_rdtsc();
		keep = dp_relay_burst(lc, &s->iface[k], pkts, BENCH_BURST);
		dp_relay_handoff_poll(lc);
		dp_relay_flush(lc);
		t1 = rte_rdtsc();
		ph->relay_cyc += t1 - t0;
		ph->pkts += BENCH_BURST;
		rte_rcu_qsbr_quiescent(s->qsbr, q);
		rc = after_burst(f, slots, k, pkts, keep, t1);
		if (rc)
			return rc;
	}
	ph->loop_cyc = rte_rdtsc() - start;
	return 0;
}

static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
feed_worker(void *arg)
{
	struct feed *f = arg;
	struct dp_state *s = &dp_g;
	struct dp_lcore *lc = &s->lcore[1];
	struct bench_run *r = f->r;
	struct phase warm, meas;
	unsigned int b = 0, q = lc->idx - 1;
	uint64_t cpu0, wall0;
	int rc;

	memset(&warm, 0, sizeof(warm));
	memset(&meas, 0, sizeof(meas));
	rte_rcu_qsbr_thread_register(s->qsbr, q);
	rte_rcu_qsbr_thread_online(s->qsbr, q);
	lc->tx_burst = feed_tx;
	rc = phase(f, lc, &b,
		   rte_rdtsc() + (uint64_t)(f->o->warmup_s * (double)f->tsc_hz),
		   &warm);
	cpu0 = thread_cpu_ns();
	wall0 = dp_shm_now_ns();
	if (!rc)
		rc = phase(f, lc, &b,
			   rte_rdtsc() + (uint64_t)(f->o->duration_s *
						    (double)f->tsc_hz),
			   &meas);
	r->worker_cpu = (double)(thread_cpu_ns() - cpu0) /
			(double)(dp_shm_now_ns() - wall0);
	lc->tx_burst = NULL;
	rte_rcu_qsbr_thread_offline(s->qsbr, q);
	rte_rcu_qsbr_thread_unregister(s->qsbr, q);
	if (meas.pkts > 0 && meas.loop_cyc > 0) {
		r->relay_cyc_per_pkt =
			(double)meas.relay_cyc / (double)meas.pkts;
		r->cyc_per_pkt = (double)meas.loop_cyc / (double)meas.pkts;
		r->relay_mpps = (double)f->tsc_hz / r->relay_cyc_per_pkt / 1e6;
		r->mpps = (double)f->tsc_hz / r->cyc_per_pkt / 1e6;
	}
	r->fed = meas.pkts;
	f->err = rc;
	f->done = true;
	return 0;
}

int
bench_feed_init(unsigned int nb_pkts)
{
	/* Room for the largest frame (v4 -> v6 grows it into the
	 * headroom); no per-lcore cache: every mbuf is in the set. */
	fd.pool = rte_pktmbuf_pool_create(
		"bench_feed", nb_pkts + BENCH_BURST, 0, 0,
		RTE_PKTMBUF_HEADROOM + BENCH_FRAME_MAX, (int)rte_socket_id());
	return fd.pool == NULL ? -ENOMEM : 0;
}

void
bench_feed_fini(void)
{
	rte_mempool_free(fd.pool);
	fd.pool = NULL;
}

static int
feed_setup(struct feed *f)
{
	const struct bench_plan *p = f->plan;
	unsigned int k, b, i;
	uint64_t tsc = rte_rdtsc();

	for (k = 0; k < BENCH_NB_IF; k++)
		if (p->nb_rx_legs[k] > 0)
			f->rx_if[f->nb_rx_if++] = k;
	if (f->nb_rx_if == 0)
		return -EINVAL;
	f->nb_bursts = f->o->nb_pkts / BENCH_BURST;
	f->set = calloc((size_t)f->nb_bursts * BENCH_BURST, sizeof(*f->set));
	if (f->set == NULL)
		return -ENOMEM;
	if (rte_pktmbuf_alloc_bulk(f->pool, f->set,
				   f->nb_bursts * BENCH_BURST) != 0) {
		free(f->set);
		f->set = NULL;
		return -ENOMEM;
	}
	f->check_left = f->o->check_every;
	f->out_len = bench_out_len(p);
	f->out_marker = bench_out_marker_off(p);
	f->in_pl = bench_in_payload_off(p);
	f->out_pl = bench_out_payload_off(p);
	/* Burst b is for interface rx_if[b % nb_rx_if]: the interfaces
	 * take turns, each one's legs in their random order. */
	for (b = 0; b < f->nb_bursts; b++) {
		k = f->rx_if[b % f->nb_rx_if];
		for (i = 0; i < BENCH_BURST; i++) {
			struct rte_mbuf *m = f->set[b * BENCH_BURST + i];

			bench_pkt_payload(p, rte_pktmbuf_mtod(m, uint8_t *));
			build(f, k, m, tsc);
		}
	}
	return 0;
}

int
bench_feed_run(const struct bench_plan *p, const struct bench_feed_opts *o,
	       unsigned int worker_lcore, struct bench_run *r)
{
	struct bench_dut_cnt c0, c1;
	uint64_t next = 0;
	int rc;
	struct rte_mempool *pool = fd.pool;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	memset(&fd, 0, sizeof(fd));
	fd.pool = pool;
	fd.plan = p;
	fd.o = o;
	fd.r = r;
	fd.tsc_hz = rte_get_tsc_hz();
	rc = feed_setup(&fd);
	if (rc)
		return rc;
	bench_dut_read(&c0);
	rc = rte_eal_remote_launch(feed_worker, &fd, worker_lcore);
	if (rc) {
		fprintf(stderr, "worker launch on lcore %u: %s\n", worker_lcore,
			strerror(-rc));
		goto out;
	}
	/* The main lcore's share while the worker runs. */
	while (!fd.done) {
		uint64_t now = rte_rdtsc();

		if (now >= next) {
			bench_dut_tick();
			next = now + fd.tsc_hz / (1000000 / TICK_US);
		}
		rte_pause();
	}
	rte_eal_wait_lcore(worker_lcore);
	bench_dut_tick();
	bench_dut_read(&c1);
	rc = fd.err;
	for (i = 0; i < DP_DROP_MAX; i++)
		r->drops[i] = c1.drops[i] - c0.drops[i];
	r->latched = c1.latched - c0.latched;
	r->slow += c1.slow - c0.slow;
	/* every packet fed came back through the null port */
	r->lost = fd.replaced;
	if (fd.moved > 0 && r->bad == 0)
		snprintf(r->why, sizeof(r->why),
			 "note: %" PRIu64 " payloads moved by the relay",
			 fd.moved);
out:
	rte_pktmbuf_free_bulk(fd.set, fd.nb_bursts * BENCH_BURST);
	free(fd.set);
	fd.set = NULL;
	return rc;
}
