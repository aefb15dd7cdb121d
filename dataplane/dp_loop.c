/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lcore loops. Workers poll their RX queue of every port, classify,
 * drop what is bad, relay media (dataplane/relay/dp_relay.h) and hand the
 * slow path (ARP, ND, echo, exception, relayed packets whose next hop is
 * unresolved) to the main lcore through their own SP/SC ring: they never
 * touch the shared segment's rings nor the neighbour tables. The main lcore polls its share
 * of the ports (all of queue 0 when there are no workers), the kernel
 * exception interfaces, the worker rings and the command ring, and runs
 * the timers: heartbeat, neighbours, link and hardware counters, PING.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_relay.h"
#include "dp_state.h"

#define MS 1000000ull
#define NEIGH_TIMER_NS (100 * MS)
#define STATS_NS (1000 * MS)
#define PING_NS (5000 * MS)
/* RFC 4861 10: MAX_RTR_SOLICITATION_DELAY */
#define RS_DELAY_NS (1000 * MS)

/*
 * The workers' clock: CLOCK_MONOTONIC (the clock of the main lcore, of
 * last_rx_ns in the legs region and of the control plane) extrapolated
 * from the TSC, instead of a clock_gettime() per loop turn. Each worker
 * re-anchors on CLOCK_MONOTONIC every WCLK_ANCHOR_NS, so NTP's slewing and
 * an imprecise TSC rate cost at most the rate error over that interval;
 * the rate itself is re-measured against CLOCK_MONOTONIC over the
 * worker's whole run (rte_get_tsc_hz() only until a second has passed).
 * Anchors are per worker, so TSC offsets between CPUs do not matter. The
 * result never goes backwards: latching compares now_ns - heard_ns.
 */
#define WCLK_ANCHOR_NS (100 * MS)
#define WCLK_SHIFT 32

struct wclock {
	uint64_t tsc0, ns0;	  /* the last anchor */
	uint64_t tsc_1st, ns_1st; /* the first: the baseline of the rate */
	uint64_t mult;		  /* ns per TSC tick << WCLK_SHIFT */
	uint64_t next_tsc;	  /* re-anchor from this TSC on */
};

static void
wclock_anchor(struct wclock *c)
{
	uint64_t tsc = rte_rdtsc(), ns = dp_shm_now_ns(), hz, dt;

	if (c->mult == 0) {
		hz = rte_get_tsc_hz();
		c->tsc_1st = tsc;
		c->ns_1st = ns;
		c->mult = ((uint64_t)1000000000 << WCLK_SHIFT) / (hz ? hz : 1);
	} else if (ns - c->ns_1st >= 1000 * MS && tsc > c->tsc_1st) {
		/* ns / tick over the run: double keeps 53 bits, plenty */
		c->mult = (uint64_t)((double)(ns - c->ns_1st) /
				     (double)(tsc - c->tsc_1st) *
				     (double)(1ull << WCLK_SHIFT));
	}
	c->tsc0 = tsc;
	c->ns0 = ns;
	/* ticks of WCLK_ANCHOR_NS at the current rate: (tsc - tsc0) * mult
	 * then stays below WCLK_ANCHOR_NS << WCLK_SHIFT, 2^59: no overflow */
	dt = ((uint64_t)WCLK_ANCHOR_NS << WCLK_SHIFT) / (c->mult ? c->mult : 1);
	c->next_tsc = tsc + dt;
}

static inline uint64_t
wclock_now(struct wclock *c, uint64_t prev)
{
	uint64_t tsc = rte_rdtsc(), ns;

	if (unlikely(tsc >= c->next_tsc || tsc < c->tsc0)) {
		wclock_anchor(c);
		ns = c->ns0;
	} else {
		ns = c->ns0 + (((tsc - c->tsc0) * c->mult) >> WCLK_SHIFT);
	}
	return ns > prev ? ns : prev;
}

static void
count_rx(struct dp_lcore *lc, uint16_t ifidx, struct rte_mbuf **pkts,
	 uint16_t n)
{
	struct dp_stats_port_lcore *c = &lc->stats->port[ifidx].lcore[lc->idx];
	uint16_t i;

	c->rx_pkts += n;
	for (i = 0; i < n; i++)
		c->rx_bytes += rte_pktmbuf_pkt_len(pkts[i]);
}

/*
 * Opt-in idle sleep (dataplane.idle_sleep_us): after DP_IDLE_POLLS loop
 * turns that received nothing, give the CPU away for a moment. Off by
 * default: a production lcore polls without pause; on a lab or a shared
 * host busy lcores would otherwise starve the kernel and the control plane.
 */
#define DP_IDLE_POLLS 64

static void
dp_idle(const struct dp_state *s, struct dp_lcore *lc, uint64_t busy_before)
{
	if (s->conf.dp.idle_sleep_us == 0)
		return;
	if (lc->st->busy_polls != busy_before) {
		lc->idle_polls = 0;
		return;
	}
	if (++lc->idle_polls < DP_IDLE_POLLS)
		return;
	lc->idle_polls = 0;
	lc->st->idle_sleeps++;
	rte_delay_us_sleep(s->conf.dp.idle_sleep_us);
}

int
dp_worker_main(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_state *s = &dp_g;
	struct rte_ring *ring = s->exc_ring[lc->idx];
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int i, q = lc->idx - 1, sent;
	struct wclock clk;
	uint16_t n, keep;

	memset(&clk, 0, sizeof(clk));
	wclock_anchor(&clk);
	rte_rcu_qsbr_thread_register(s->qsbr, q);
	rte_rcu_qsbr_thread_online(s->qsbr, q);
	while (!s->quit) {
		uint64_t busy = lc->st->busy_polls;

		/* one timestamp per loop turn: arrival time of the media */
		lc->now_ns = wclock_now(&clk, lc->now_ns);
		for (i = 0; i < s->nb_ifaces; i++) {
			struct dp_iface *ifc = &s->iface[i];

			if (q >= ifc->nb_rxq)
				continue;
			lc->st->polls++;
			n = rte_eth_rx_burst(ifc->port_id, (uint16_t)q, pkts,
					     DP_BURST);
			if (n == 0)
				continue;
			lc->st->busy_polls++;
			count_rx(lc, ifc->idx, pkts, n);
			keep = dp_relay_burst(lc, ifc, pkts, n);
			sent = rte_ring_sp_enqueue_burst(ring, (void **)pkts,
							 keep, NULL);
			for (; sent < keep; sent++) {
				dp_drop(lc, ifc, DP_DROP_EXC_RING_FULL);
				rte_pktmbuf_free(pkts[sent]);
			}
		}
		dp_relay_handoff_poll(lc);
		dp_relay_flush(lc);
		/* Nothing of an address list, a leg or its configuration is
		 * held past this point. */
		rte_rcu_qsbr_quiescent(s->qsbr, q);
		dp_idle(s, lc, busy);
	}
	rte_rcu_qsbr_thread_offline(s->qsbr, q);
	rte_rcu_qsbr_thread_unregister(s->qsbr, q);
	return 0;
}

void
dp_main_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	struct dp_stats_port_lcore *c = &lc->stats->port[ifc->idx].lcore[0];
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (rte_eth_tx_burst(ifc->port_id, ifc->main_txq, &m, 1) == 0) {
		dp_drop(lc, ifc, DP_DROP_TX_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	c->tx_pkts++;
	c->tx_bytes += len;
}

void
dp_main_to_kernel(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	if (!ifc->has_tun ||
	    rte_eth_tx_burst(ifc->tun_port_id, 0, &m, 1) == 0) {
		dp_drop(lc, ifc, DP_DROP_EXC_KERNEL_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	dp_count(lc, DP_CNT_EXC_TO_KERNEL);
}

static void
poll_ports(struct dp_state *s, struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_pkt_info pi;
	enum dp_class cls;
	unsigned int i;
	uint16_t n, j, q;

	for (i = 0; i < s->nb_ifaces; i++) {
		struct dp_iface *ifc = &s->iface[i];

		/* The RX queues no worker owns (all of them without
		 * workers). */
		for (q = s->nb_workers; q < ifc->nb_rxq; q++) {
			lc->st->polls++;
			n = rte_eth_rx_burst(ifc->port_id, q, pkts, DP_BURST);
			if (n == 0)
				continue;
			lc->st->busy_polls++;
			count_rx(lc, ifc->idx, pkts, n);
			n = dp_relay_burst(lc, ifc, pkts, n);
			for (j = 0; j < n; j++) {
				cls = dp_pkt_info_load(pkts[j], &pi);
				dp_slow_input(lc, ifc, pkts[j], cls, &pi);
			}
		}
		if (!ifc->has_tun)
			continue;
		n = rte_eth_rx_burst(ifc->tun_port_id, 0, pkts, DP_BURST);
		if (n > 0)
			lc->st->busy_polls++; /* not idle: the kernel sends */
		for (j = 0; j < n; j++)
			dp_route_from_kernel(lc, ifc, pkts[j]);
	}
}

static void
poll_rings(struct dp_state *s, struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_BURST];
	struct dp_pkt_info pi;
	enum dp_class cls;
	unsigned int w, n, j;

	for (w = 1; w <= s->nb_workers; w++) {
		n = rte_ring_sc_dequeue_burst(s->exc_ring[w], (void **)pkts,
					      DP_BURST, NULL);
		if (n > 0)
			lc->st->busy_polls++;
		for (j = 0; j < n; j++) {
			cls = dp_pkt_info_load(pkts[j], &pi);
			dp_slow_input(lc, &s->iface[pkts[j]->port], pkts[j],
				      cls, &pi);
		}
	}
}

static void
timers(struct dp_state *s, struct dp_lcore *lc, uint64_t *next_hb,
       uint64_t *next_neigh, uint64_t *next_stats, uint64_t *next_ping)
{
	unsigned int i;

	/* ADDR_PROBE timing is in milliseconds: every turn (a probe-less
	 * interface costs one loop over DP_PROBE_MAX slots) */
	for (i = 0; i < s->nb_ifaces; i++) {
		dp_probe_timer(lc, &s->iface[i]);
		dp_ra_timer(lc, &s->iface[i]);
	}
	if (lc->now_ns >= *next_hb) {
		dp_shm_heartbeat(s->shm, lc->now_ns);
		*next_hb = lc->now_ns + s->conf.dp.heartbeat_ms * MS;
	}
	if (lc->now_ns >= *next_neigh) {
		for (i = 0; i < s->nb_ifaces; i++)
			dp_neigh_timer(lc, &s->iface[i]);
		*next_neigh = lc->now_ns + NEIGH_TIMER_NS;
	}
	if (lc->now_ns >= *next_stats) {
		for (i = 0; i < s->nb_ifaces; i++) {
			struct dp_iface *ifc = &s->iface[i];

			if (dp_port_link_poll(ifc)) {
				DP_NOTICE("interface %s: link %s %u Mb/s",
					  ifc->name,
					  ifc->link_up ? "up" : "down",
					  ifc->speed_mbps);
				dp_ctl_if_state(lc, ifc);
				/* RFC 4861 6.3.7: the link (re)enabled */
				if (ifc->link_up)
					dp_ra_solicit_start(
						lc, ifc,
						rte_rand_max(RS_DELAY_NS));
			}
			dp_port_hw_stats(ifc, &s->stats->port[i]);
		}
		*next_stats = lc->now_ns + STATS_NS;
	}
	if (lc->now_ns >= *next_ping) {
		dp_ctl_ping(s, lc);
		*next_ping = lc->now_ns + PING_NS;
	}
}

void
dp_main_loop(struct dp_state *s)
{
	struct dp_lcore *lc = &s->lcore[0];
	uint64_t next_hb = 0, next_neigh = 0, next_stats = 0, next_ping = 0;

	while (!s->quit) {
		uint64_t busy = lc->st->busy_polls;

		lc->now_ns = dp_shm_now_ns();
		poll_ports(s, lc);
		poll_rings(s, lc);
		dp_relay_handoff_poll(lc);
		dp_relay_flush(lc);
		dp_ctl_poll(s, lc);
		if (s->relay != NULL)
			dp_relay_tick(s->relay, lc);
		timers(s, lc, &next_hb, &next_neigh, &next_stats, &next_ping);
		dp_idle(s, lc, busy);
	}
}
