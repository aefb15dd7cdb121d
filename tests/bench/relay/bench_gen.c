/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator, on the main lcore: it plays the NICs. It writes packets
 * into the RX rings of the ports (net_ring: what the worker's
 * rte_eth_rx_burst() reads) and takes the relayed ones back from their TX
 * rings (what rte_eth_tx_burst() wrote). A relayed mbuf is recycled: the
 * relay rewrote only its L2-L4 headers, so the generator rewrites those
 * (42 or 62 bytes) and the few payload words that differ per packet, and
 * injects it again for the next leg in its interface's random order.
 *
 * Phases of one run:
 *   warm-up    saturated: every RX ring kept at window / interfaces
 *   measured   saturated; relayed packets counted over duration_s
 *   paced      lat_load x the measured rate, in bursts of lat_burst,
 *              each packet's injection TSC read back at its return
 *   drain      after each phase, until everything came back (or 1 s
 *              pass without a packet: what is missing then is lost)
 * Every relayed packet gets a cheap check (length, the leg its marker
 * names, the interface it left from); one in check_every gets the full
 * one (bench_pkt_check): a broken relay cannot make a good number.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "bench_relay.h"
#include "dp_shm.h"

#define RET_BURST 64
#define DRAIN_IDLE_MS 1000

struct gen_state {
	struct bench_gen *g;
	struct bench_run *r;
	struct rte_mbuf **free;
	unsigned int nb_free;
	unsigned int rx_if[BENCH_NB_IF]; /* interfaces with receiving legs */
	unsigned int nb_rx_if;
	uint32_t cursor[BENCH_NB_IF];
	uint32_t round[BENCH_NB_IF];
	uint64_t injected;
	uint64_t returned;
	uint64_t topups, topups_empty;
	uint64_t moved; /* relayed mbufs whose payload was not in place */
	unsigned int check_left;
	bool lat;
	struct bench_hist *hist;
	uint16_t out_len, out_marker, in_pl, out_pl;
	uint64_t tick_gap, next_tick;
	uint64_t turns;
	uint64_t work_cycles, work_pkts;
	unsigned int next_if;
	bool fused; /* saturated: rebuild relayed mbufs at once */
	struct rte_mbuf *stage[BENCH_NB_IF][BENCH_BURST];
	unsigned int nb_stage[BENCH_NB_IF];
	size_t buf_off; /* mbuf to its buffer */
};

static void
bad(struct gen_state *s, const char *why)
{
	if (s->r->bad++ == 0)
		snprintf(s->r->why, sizeof(s->r->why), "%s", why);
}

/* Take n free mbufs: recycled first, then fresh ones from the pool. */
static unsigned int
take(struct gen_state *s, struct rte_mbuf **m, unsigned int n)
{
	const struct bench_plan *p = s->g->plan;
	unsigned int i, got = 0;

	while (got < n && s->nb_free > 0)
		m[got++] = s->free[--s->nb_free];
	if (got == n)
		return got;
	/* Only what the relay dropped (and freed) is in the pool. */
	if (rte_pktmbuf_alloc_bulk(s->g->pool, m + got, n - got) == 0) {
		for (i = got; i < n; i++)
			bench_pkt_payload(p, rte_pktmbuf_mtod(m[i], uint8_t *));
		got = n;
	}
	return got;
}

/* Write the next packet of interface k's leg order into m. */
static void
build(struct gen_state *s, unsigned int k, struct rte_mbuf *m, uint64_t tsc)
{
	const struct bench_plan *p = s->g->plan;
	uint32_t leg = p->rx_legs[k][s->cursor[k]];
	uint8_t *frame = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
	uint16_t len;

	if (++s->cursor[k] == p->nb_rx_legs[k]) {
		s->cursor[k] = 0;
		s->round[k]++;
	}
	len = bench_pkt_build(p, frame, leg, s->round[k], tsc);
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->ol_flags = 0;
	m->packet_type = 0;
}

/* Enqueue n built packets on interface k's RX ring. */
static void
enqueue(struct gen_state *s, unsigned int k, struct rte_mbuf **m,
	unsigned int n)
{
	unsigned int i, sent, room;

	/* Single producer; the window is smaller than a ring, so all of it
	 * fits; whatever would not goes back (its legs skip a round). */
	sent = rte_ring_enqueue_burst(s->g->ports[k].rx, (void **)m, n, &room);
	s->injected += sent;
	s->topups++;
	/* The worker had emptied this ring: it may have waited for us. */
	if (room + sent == rte_ring_get_capacity(s->g->ports[k].rx))
		s->topups_empty++;
	for (i = sent; i < n; i++)
		s->free[s->nb_free++] = m[i];
}

static void
inject(struct gen_state *s, unsigned int k, unsigned int n, uint64_t tsc)
{
	struct rte_mbuf *m[BENCH_BURST];
	unsigned int i;

	n = take(s, m, n);
	for (i = 0; i < n; i++)
		build(s, k, m[i], tsc);
	if (n > 0)
		enqueue(s, k, m, n);
}

/* Saturated: a relayed mbuf is rebuilt at once for the next interface
 * in turn (its lines are here now, taken for writing) and staged. */
static void
restage(struct gen_state *s, struct rte_mbuf *m, uint64_t now)
{
	unsigned int k;

	s->next_if = s->next_if + 1 == s->nb_rx_if ? 0 : s->next_if + 1;
	k = s->rx_if[s->next_if];
	build(s, k, m, now);
	s->stage[k][s->nb_stage[k]++] = m;
	if (s->nb_stage[k] == BENCH_BURST) {
		enqueue(s, k, s->stage[k], BENCH_BURST);
		s->nb_stage[k] = 0;
	}
}

/* Check one relayed packet that left interface k; recycle it. */
static void
returned_one(struct gen_state *s, unsigned int k, struct rte_mbuf *m,
	     uint64_t now)
{
	const struct bench_plan *p = s->g->plan;
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t *in_pl;
	uint64_t tsc;
	uint32_t leg;
	char why[128];

	if (m->data_len != s->out_len || m->pkt_len != s->out_len ||
	    m->nb_segs != 1) {
		snprintf(why, sizeof(why), "relayed frame of %u bytes, want %u",
			 m->pkt_len, s->out_len);
		bad(s, why);
		goto recycle;
	}
	memcpy(&tsc, f + s->out_marker, 8);
	memcpy(&leg, f + s->out_marker + 8, 4);
	if (leg >= p->nb_legs || bench_out_if(leg) != k) {
		snprintf(why, sizeof(why),
			 "relayed packet names leg %u, left interface %u", leg,
			 k);
		bad(s, why);
		goto recycle;
	}
	if (s->lat)
		bench_hist_add(s->hist, now - tsc);
	if (--s->check_left == 0) {
		s->check_left = s->g->o.check_every;
		s->r->checked++;
		if (bench_pkt_check(p, f, m->data_len, k, why, sizeof(why)) !=
		    0)
			bad(s, why);
	}
recycle:
	/* The relay grows or shrinks the headers in front of the payload;
	 * should it have moved the payload, restore it where we build. */
	in_pl = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM + s->in_pl;
	if (rte_pktmbuf_mtod(m, uint8_t *) + s->out_pl != in_pl) {
		s->moved++;
		bench_pkt_payload(p, (uint8_t *)m->buf_addr +
					     RTE_PKTMBUF_HEADROOM);
	}
	if (s->fused)
		restage(s, m, now);
	else
		s->free[s->nb_free++] = m;
}

/* The lines the check and the rebuild of m touch, from the mbuf's
 * address alone (the buffer follows the mbuf and its private area), for
 * writing. */
static inline void
prefetch_one(const struct gen_state *s, const struct rte_mbuf *m)
{
	const uint8_t *b = (const uint8_t *)m + s->buf_off;

	/* prefetchw (rte_prefetch0_write is experimental in 22.11) */
	__builtin_prefetch(m, 1, 3);
	__builtin_prefetch(b + RTE_PKTMBUF_HEADROOM, 1, 3);
	__builtin_prefetch(b + RTE_PKTMBUF_HEADROOM + RTE_CACHE_LINE_SIZE, 1,
			   3);
}

/* Mbufs ahead whose lines are on their way: the worker's core holds
 * them, and a core has only so many misses in flight. */
#define PREFETCH_AHEAD 4

static unsigned int
collect(struct gen_state *s, uint64_t now)
{
	struct rte_mbuf *m[RET_BURST];
	unsigned int k, q, i, n, total = 0, nq;

	/* The main lcore's queue (1) carries nothing on the relay's path:
	 * look at it now and then. */
	nq = (++s->turns & 63) == 0 ? 2 : 1;
	for (k = 0; k < BENCH_NB_IF; k++) {
		for (q = 0; q < nq; q++) {
			n = rte_ring_dequeue_burst(s->g->ports[k].tx[q],
						   (void **)m, RET_BURST, NULL);
			if (n == 0)
				continue;
			for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
				prefetch_one(s, m[i]);
			s->returned += n;
			for (i = 0; i < n; i++) {
				if (i + PREFETCH_AHEAD < n)
					prefetch_one(s, m[i + PREFETCH_AHEAD]);
				returned_one(s, k, m[i], now);
			}
			total += n;
		}
	}
	/* What a turn rebuilt goes out now, a short burst rather than a
	 * late one. */
	for (k = 0; s->fused && k < BENCH_NB_IF; k++) {
		if (s->nb_stage[k] > 0)
			enqueue(s, k, s->stage[k], s->nb_stage[k]);
		s->nb_stage[k] = 0;
	}
	/* The main lcore's turn (dp_main_loop() runs it continuously). */
	if (now >= s->next_tick) {
		bench_dut_tick();
		s->next_tick = now + s->tick_gap;
	}
	return total;
}

/* Keep window packets in flight: relayed ones are rebuilt and sent
 * again as they come back; new ones from the pool only to fill the
 * window (at the start, or after the relay dropped some). */
static void
saturate(struct gen_state *s, uint64_t end)
{
	unsigned int window = s->g->o.window, i, n;
	uint64_t now, inflight;

	s->fused = true;
	while ((now = rte_rdtsc()) < end) {
		uint64_t pkts = s->returned;

		collect(s, now);
		/* The generator's own cost: turns that moved packets. */
		if (s->returned != pkts) {
			s->work_pkts += s->returned - pkts;
			s->work_cycles += rte_rdtsc() - now;
		}
		for (i = 0; i < s->nb_rx_if; i++) {
			inflight = s->injected - s->returned;
			if (inflight >= window)
				break;
			n = (unsigned int)RTE_MIN(window - inflight,
						  (uint64_t)BENCH_BURST);
			s->next_if = (s->next_if + 1) % s->nb_rx_if;
			inject(s, s->rx_if[s->next_if], n, now);
		}
	}
	s->fused = false;
}

/* Fixed rate: lat_burst packets every lat_burst / rate seconds. */
static void
pace(struct gen_state *s, uint64_t end, double rate_pps)
{
	uint64_t gap = (uint64_t)((double)s->g->o.lat_burst *
				  (double)s->g->tsc_hz / rate_pps);
	uint64_t next = rte_rdtsc(), now;
	unsigned int i = 0, k;

	if (gap == 0)
		gap = 1;
	while ((now = rte_rdtsc()) < end) {
		collect(s, now);
		if (now < next)
			continue;
		/* Behind by more than a few bursts (preempted): restart the
		 * clock rather than inject a catch-up burst. */
		if (now - next > 8 * gap)
			next = now;
		k = s->rx_if[i++ % s->nb_rx_if];
		if (rte_ring_free_count(s->g->ports[k].rx) >= s->g->o.lat_burst)
			inject(s, k, s->g->o.lat_burst, now);
		next += gap;
	}
}

static void
drain(struct gen_state *s)
{
	uint64_t idle_end = rte_rdtsc() + s->g->tsc_hz * DRAIN_IDLE_MS / 1000;

	while (s->returned < s->injected) {
		if (collect(s, rte_rdtsc()) > 0)
			idle_end = rte_rdtsc() +
				   s->g->tsc_hz * DRAIN_IDLE_MS / 1000;
		else if (rte_rdtsc() > idle_end)
			break;
	}
}

/* Run time of a thread from the scheduler (ns): what share of the
 * measured interval it really had a CPU for. On a shared machine that
 * share says whether a figure means anything. */
static uint64_t
thread_run_ns(int tid)
{
	char path[64];
	unsigned long long run = 0;
	FILE *f;

	if (tid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu", &run) != 1)
		run = 0;
	fclose(f);
	return run;
}

/* The worker's thread: EAL names it rte-worker-<lcore>. */
static int
worker_tid(unsigned int lcore)
{
	char want[32], path[300], comm[32];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");
	int tid = -1;

	if (dir == NULL)
		return -1;
	snprintf(want, sizeof(want), "rte-worker-%u\n", lcore);
	while (tid < 0 && (d = readdir(dir)) != NULL) {
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 d->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
		    strcmp(comm, want) == 0)
			tid = atoi(d->d_name);
		fclose(f);
	}
	closedir(dir);
	return tid;
}

static uint64_t
secs(const struct gen_state *s, double sec)
{
	return (uint64_t)(sec * (double)s->g->tsc_hz);
}

static void
drops_delta(struct bench_run *r, const struct bench_dut_cnt *a,
	    const struct bench_dut_cnt *b)
{
	unsigned int i;

	for (i = 0; i < DP_DROP_MAX; i++)
		r->drops[i] = b->drops[i] - a->drops[i];
}

static int
gen_init(struct gen_state *s, struct bench_gen *g, struct bench_run *r)
{
	const struct bench_plan *p = g->plan;
	unsigned int k;

	memset(s, 0, sizeof(*s));
	s->g = g;
	s->r = r;
	for (k = 0; k < BENCH_NB_IF; k++)
		if (p->nb_rx_legs[k] > 0)
			s->rx_if[s->nb_rx_if++] = k;
	if (s->nb_rx_if == 0)
		return -EINVAL;
	s->free = calloc(g->o.window, sizeof(*s->free));
	s->hist = calloc(1, sizeof(*s->hist));
	if (s->free == NULL || s->hist == NULL)
		return -ENOMEM;
	s->check_left = g->o.check_every;
	s->out_len = bench_out_len(p);
	s->out_marker = bench_out_marker_off(p);
	s->in_pl = bench_in_payload_off(p);
	s->out_pl = bench_out_payload_off(p);
	s->tick_gap = g->tsc_hz / 20000; /* 50 us */
	s->buf_off = sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(g->pool);
	return 0;
}

int
bench_gen_run(struct bench_gen *g, struct bench_run *r)
{
	struct bench_dut_cnt c0, c1, c2;
	struct gen_state s;
	uint64_t t0, t1, ret0, top0, empty0, g0, w0, wall0;
	int gtid = (int)gettid(), wtid = worker_tid(g->worker_lcore);
	double sec;
	int err;

	memset(r, 0, sizeof(*r));
	err = gen_init(&s, g, r);
	if (err)
		goto out;
	bench_dut_read(&c0);
	saturate(&s, rte_rdtsc() + secs(&s, g->o.warmup_s));
	ret0 = s.returned;
	s.work_cycles = s.work_pkts = 0;
	top0 = s.topups;
	empty0 = s.topups_empty;
	bench_dut_read(&c1);
	g0 = thread_run_ns(gtid);
	w0 = thread_run_ns(wtid);
	wall0 = dp_shm_now_ns();
	t0 = rte_rdtsc();
	saturate(&s, t0 + secs(&s, g->o.duration_s));
	t1 = rte_rdtsc();
	bench_dut_read(&c2);
	if (s.work_pkts > 0)
		r->gen_cap_mpps = (double)g->tsc_hz * (double)s.work_pkts /
				  (double)s.work_cycles / 1e6;
	wall0 = dp_shm_now_ns() - wall0;
	r->gen_cpu = (double)(thread_run_ns(gtid) - g0) / (double)wall0;
	r->worker_cpu = (double)(thread_run_ns(wtid) - w0) / (double)wall0;
	r->relayed = s.returned - ret0;
	sec = (double)(t1 - t0) / (double)g->tsc_hz;
	r->mpps = (double)r->relayed / sec / 1e6;
	if (c2.relay_tx > c1.relay_tx)
		r->cyc_per_pkt =
			(double)(t1 - t0) / (double)(c2.relay_tx - c1.relay_tx);
	if (c2.relay_pkts > c1.relay_pkts)
		r->relay_cyc_per_pkt =
			(double)(c2.relay_cycles - c1.relay_cycles) /
			(double)(c2.relay_pkts - c1.relay_pkts);
	if (c2.polls > c1.polls)
		r->busy = (double)(c2.busy_polls - c1.busy_polls) /
			  (double)(c2.polls - c1.polls);
	if (s.topups > top0)
		r->gen_empty = (double)(s.topups_empty - empty0) /
			       (double)(s.topups - top0);
	drain(&s);
	if (g->o.lat_s > 0 && r->mpps > 0) {
		r->lat_rate_mpps = r->mpps * g->o.lat_load;
		s.lat = true;
		pace(&s, rte_rdtsc() + secs(&s, g->o.lat_s),
		     r->lat_rate_mpps * 1e6);
		drain(&s);
		s.lat = false;
		r->lat_n = s.hist->n;
		r->lat_ns[0] = (double)bench_hist_pct(s.hist, 50) * 1e9 /
			       (double)g->tsc_hz;
		r->lat_ns[1] = (double)bench_hist_pct(s.hist, 99) * 1e9 /
			       (double)g->tsc_hz;
		r->lat_ns[2] = (double)bench_hist_pct(s.hist, 99.9) * 1e9 /
			       (double)g->tsc_hz;
	}
	bench_dut_read(&c2);
	drops_delta(r, &c0, &c2);
	r->slow = c2.slow - c0.slow;
	r->latched = c2.latched - c0.latched;
	r->lost = s.injected - s.returned;
	if (s.moved > 0 && r->bad == 0)
		snprintf(r->why, sizeof(r->why),
			 "note: %" PRIu64 " payloads moved by the relay",
			 s.moved);
out:
	/* Recycled mbufs go back to the pool for the next run. */
	if (s.free != NULL && s.nb_free > 0)
		rte_pktmbuf_free_bulk(s.free, s.nb_free);
	free(s.free);
	free(s.hist);
	return err;
}
