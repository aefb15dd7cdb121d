/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The media relay of esg-dataplane (docs/relay.md): legs, their lookup,
 * and RTP/RTCP relayed between bound legs with rewritten headers.
 *
 * Entry points, for esg-dataplane (dp_main.c, dp_loop.c) and for anyone
 * who drives the relay without it (unit tests, tests/bench/relay):
 *
 *   Setup (after rte_eal_init(), before any lcore relays):
 *     struct dp_relay_params p = {
 *         .max_legs = N, .ifaces = ifc_array, .nb_ifaces = n,
 *         .nb_lcores = 1 + workers,  // lcore idx 0 is the main lcore
 *         .qsbr = NULL,              // or the workers' QSBR variable
 *         .leg_stats = NULL,         // or dp_shm_legs(): max_legs slots
 *         .socket_id = SOCKET_ID_ANY };
 *     dp_relay_create(&p, &r);
 *   Every struct dp_iface in ifc_array needs: idx (its index in the
 *   array), port_id, mac, vlan, mtu, addrs (dp_addrs list, the local
 *   addresses of the legs must be in it; its gw4/gw6 if any), media_port_min
 *   /max (the classifier's media range), main_txq, and neigh =
 *   dp_neigh_create() (its worker-readable cache gives the next hop's
 *   MAC: fill it with dp_neigh_learn(main_lc, ifc, family, ip, mac,
 *   true); lc->evt may be NULL).
 *   Each lcore context (struct dp_lcore, dp.h) needs idx (0 main, 1..
 *   workers), st / stats (a struct dp_stats block), now_ns (set it before
 *   each burst: arrival time, CLOCK_MONOTONIC ns), and then
 *     dp_relay_lcore_init(r, lc, exc_ring);
 *   which sets lc->relay and lc->txq[] (main: ifc->main_txq; worker w:
 *   queue w - 1) and keeps exc_ring (worker -> main lcore, may be NULL on
 *   the main lcore: it then resolves in place through lc->xmit). Set
 *   lc->tx_burst to capture transmissions instead of rte_eth_tx_burst().
 *
 *   Legs (main lcore, or the single thread of a benchmark before the
 *   workers start): build a union dp_msg (LEG_ADD, LEG_BIND,
 *   LEG_REMOTE, ...; dp_msg_validate() must accept it) and call
 *     int rc = dp_relay_cmd(r, main_lc, &msg);  // 0 / count / -errno
 *
 *   Fast path (the lcore owning the RX queue):
 *     uint16_t keep = dp_relay_burst(lc, ifc, pkts, n);
 *   classifies n received frames (any n), drops what is bad, relays the
 *   media and leaves the first `keep` entries of pkts as the frames for
 *   the slow path (class in the mbuf: dp_pkt_info_load()). Relayed
 *   packets are buffered per interface: call
 *     dp_relay_handoff_poll(lc);   // packets of legs this lcore owns
 *                                  // that another lcore received
 *     dp_relay_flush(lc);          // transmit the buffers
 *   once per loop turn, before reporting a quiescent state.
 *
 *   Main lcore, every loop turn: dp_relay_tick(r, main_lc) turns latch
 *   notes into LEG_LATCHED events, finishes deletions whose grace period
 *   is over and scans a slice of the legs for LEG_INACTIVE.
 *
 * Threading: dp_relay_cmd() and dp_relay_tick() on one thread only (the
 * main lcore); dp_relay_burst() / _handoff_poll() / _flush() on any lcore
 * with its own struct dp_lcore. With p.qsbr NULL the relay makes its own
 * QSBR variable with no reader registered: only for a single thread, or
 * for readers that never run concurrently with commands.
 */
#ifndef DP_RELAY_H
#define DP_RELAY_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dp.h"

struct rte_rcu_qsbr;

struct dp_relay_params {
	uint32_t max_legs;	 /* leg ids 0 .. max_legs - 1 */
	struct dp_iface *ifaces; /* [nb_ifaces], ifaces[i].idx == i */
	unsigned int nb_ifaces;
	unsigned int nb_lcores;	   /* main + workers: handoff and latch rings */
	struct rte_rcu_qsbr *qsbr; /* readers' quiescent states; NULL: own */
	struct dp_leg_stats *leg_stats; /* [max_legs]; NULL: allocated */
	int socket_id;
};

int dp_relay_create(const struct dp_relay_params *p, struct dp_relay **rp);
void dp_relay_free(struct dp_relay *r);
void dp_relay_lcore_init(struct dp_relay *r, struct dp_lcore *lc,
			 struct rte_ring *exc_ring);

/* Main lcore: a LEG_* command; 0, a count (LEG_BULK_DEL) or -errno. */
int dp_relay_cmd(struct dp_relay *r, struct dp_lcore *lc,
		 const union dp_msg *c);
/* Main lcore, every loop turn (events, reclaim, inactivity). */
void dp_relay_tick(struct dp_relay *r, struct dp_lcore *lc);

uint16_t dp_relay_burst(struct dp_lcore *lc, struct dp_iface *ifc,
			struct rte_mbuf **pkts, uint16_t n);
/* One frame the classifier found to be media (the main lcore's
 * dp_input() path: dp_slow_input() with DP_CLASS_MEDIA). */
void dp_relay_input(struct dp_lcore *lc, struct dp_iface *ifc,
		    struct rte_mbuf *m, const struct dp_pkt_info *pi);
void dp_relay_handoff_poll(struct dp_lcore *lc);
void dp_relay_flush(struct dp_lcore *lc);

/* Main lcore: a relayed packet (IP, no L2) whose next hop a worker could
 * not resolve (DP_CLASS_RELAY_OUT). */
void dp_relay_resolve(struct dp_lcore *lc, struct dp_iface *ifc,
		      struct rte_mbuf *m);

/* The per-leg counters (the shm legs region or the relay's own). */
struct dp_leg_stats *dp_relay_leg_stats(struct dp_relay *r);
/* Legs installed (main lcore). */
uint32_t dp_relay_nb_legs(const struct dp_relay *r);

#endif
