/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane under test, set up the way esg-dataplane's start() does
 * it but without the kernel side: the same state (dp_g), ports opened by
 * dp_port_open() (net_ring devices made with rte_eth_from_rings(), whose
 * rings the generator fills and drains), address lists by
 * dp_addr_init(), the neighbour tables filled by dp_neigh_learn() with
 * each interface's gateways, the shared segment (stats and legs regions)
 * by dp_shm_create(), the relay by dp_relay_create(), legs by
 * dp_relay_cmd() with validated LEG_* messages, and one worker lcore
 * running dp_worker_main(), the production loop.
 *
 * --loop burst replaces the loop by a minimal one (rx burst,
 * dp_relay_burst, handoff poll, flush, quiescent state) that reads the
 * TSC around the relay's calls: cycles per packet of the relay alone.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "bench_relay.h"
#include "dp_relay.h"
#include "dp_state.h"

#define RING_SIZE 1024

/* dp_loop.c's worker reads the running state from here, as in
 * esg-dataplane (dp_main.c defines it there). */
struct dp_state dp_g;

static struct {
	struct dp_relay *relay;
	unsigned int worker_lcore;
	bool running;
	bool burst_loop;
	uint8_t leg_flags;
	uint64_t events[DP_MSG_MAX];
	uint64_t slow; /* frames the worker handed to the main lcore */
	/* --loop burst: written by the worker, read by the generator */
	volatile uint64_t relay_cycles;
	volatile uint64_t relay_pkts;
} dut;

static void
evt_count(struct dp_lcore *lc, const union dp_msg *m)
{
	(void)lc;
	if (m->hdr.type < DP_MSG_MAX)
		dut.events[m->hdr.type]++;
}

/* Nothing is sent by the main lcore in this benchmark; should the slow
 * path transmit (an ARP request), it goes out of the port's own queue
 * and the generator sees it as a bad packet. */
static void
main_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	(void)lc;
	if (rte_eth_tx_burst(ifc->port_id, ifc->main_txq, &m, 1) == 0)
		rte_pktmbuf_free(m);
}

static void
lcore_init(struct dp_state *s, unsigned int idx)
{
	struct dp_lcore *lc = &s->lcore[idx];

	lc->idx = idx;
	lc->stats = s->stats;
	lc->st = &s->stats->lcore[idx];
	lc->icmp_rate_pps = s->conf.dp.icmp_rate_pps;
	lc->pool = s->pool;
	lc->xmit = main_xmit;
	lc->evt = evt_count;
	lc->neigh_ttl_ns = (uint64_t)s->conf.dp.neigh_ttl_s * 1000000000ull;
	lc->neigh_retry_ns = (uint64_t)s->conf.dp.neigh_retry_ms * 1000000ull;
}

static void
conf_iface(struct esg_conf_iface *ci, unsigned int k)
{
	uint8_t gw[16];
	unsigned int a;

	memset(ci, 0, sizeof(*ci));
	snprintf(ci->name, sizeof(ci->name), "bench%u", k);
	ci->role = k < 2 ? ESG_IF_LAN : ESG_IF_WAN;
	snprintf(ci->device, sizeof(ci->device), "net_ring_bench%u", k);
	ci->has_mac = true;
	bench_if_mac(k, ci->mac);
	ci->mtu = 1500;
	for (a = 0; a < BENCH_NB_ADDR; a++) {
		ci->addr4[a].family = AF_INET;
		ci->addr4[a].prefixlen = bench_if_plen(AF_INET);
		bench_if_addr(k, AF_INET, a, (uint8_t *)&ci->addr4[a].u.v4);
		ci->addr6[a].family = AF_INET6;
		ci->addr6[a].prefixlen = bench_if_plen(AF_INET6);
		bench_if_addr(k, AF_INET6, a, (uint8_t *)&ci->addr6[a].u.v6);
	}
	ci->nb_addr4 = ci->nb_addr6 = BENCH_NB_ADDR;
	ci->has_gw4 = ci->has_gw6 = true;
	bench_if_gw(k, AF_INET, gw);
	memcpy(&ci->gw4, gw, 4);
	bench_if_gw(k, AF_INET6, gw);
	memcpy(&ci->gw6, gw, 16);
}

/* The port: one RX ring (the generator writes it) and two TX rings (the
 * worker's queue 0 and the main lcore's queue 1). */
static int
ring_port(unsigned int k, struct bench_dut_port *bp)
{
	char name[RTE_RING_NAMESIZE];
	int socket = (int)rte_socket_id(), port;
	unsigned int q;

	snprintf(name, sizeof(name), "bench_rx%u", k);
	bp->rx = rte_ring_create(name, RING_SIZE, socket,
				 RING_F_SP_ENQ | RING_F_SC_DEQ);
	for (q = 0; q < 2; q++) {
		snprintf(name, sizeof(name), "bench_tx%u_%u", k, q);
		bp->tx[q] = rte_ring_create(name, RING_SIZE, socket,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
	}
	if (bp->rx == NULL || bp->tx[0] == NULL || bp->tx[1] == NULL)
		return -rte_errno;
	/* the ethdev is named net_ring_ + name: ci->device finds it */
	snprintf(name, sizeof(name), "bench%u", k);
	port = rte_eth_from_rings(name, &bp->rx, 1, bp->tx, 2,
				  (unsigned int)socket);
	return port < 0 ? -rte_errno : 0;
}

static int
iface_open(struct dp_state *s, unsigned int k, struct bench_dut_port *bp)
{
	const struct esg_conf_iface *ci = &s->conf.iface[k];
	struct dp_iface *ifc = &s->iface[k];
	struct dp_lcore *main_lc = &s->lcore[0];
	uint8_t gw[16], mac[6];
	char err[256];
	int rc;

	rc = ring_port(k, bp);
	if (rc) {
		fprintf(stderr, "net_ring port %u: %s\n", k, strerror(-rc));
		return rc;
	}
	ifc->idx = (uint16_t)k;
	snprintf(ifc->name, sizeof(ifc->name), "%s", ci->name);
	snprintf(ifc->device, sizeof(ifc->device), "%s", ci->device);
	ifc->media_port_min = (uint16_t)s->conf.dp.media_port_min;
	ifc->media_port_max = (uint16_t)s->conf.dp.media_port_max;
	ifc->neigh = dp_neigh_create();
	if (ifc->neigh == NULL || dp_addr_init(ifc, ci) != 0)
		return -ENOMEM;
	rc = dp_port_open(ifc, ci, &s->conf.dp, s->nb_workers, s->pool, err,
			  sizeof(err));
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return rc;
	}
	s->port2if[ifc->port_id] = (int16_t)k;
	s->stats->port[k].in_use = 1;
	/* Every remote is behind the gateway: its MAC is the next hop of
	 * all relayed packets, as learned from an ARP reply or an NA. */
	bench_gw_mac(k, mac);
	main_lc->now_ns = dp_shm_now_ns();
	bench_if_gw(k, AF_INET, gw);
	dp_neigh_learn(main_lc, ifc, AF_INET, gw,
		       (const struct rte_ether_addr *)mac, true);
	bench_if_gw(k, AF_INET6, gw);
	dp_neigh_learn(main_lc, ifc, AF_INET6, gw,
		       (const struct rte_ether_addr *)mac, true);
	return 0;
}

static int
lcores_setup(struct dp_state *s)
{
	size_t sz = rte_rcu_qsbr_get_memsize(1);

	s->nb_workers = 1;
	s->qsbr = rte_zmalloc("bench_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (s->qsbr == NULL || rte_rcu_qsbr_init(s->qsbr, 1) != 0)
		return -ENOMEM;
	s->exc_ring[1] =
		rte_ring_create("bench_exc1", DP_EXC_RING_SIZE, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (s->exc_ring[1] == NULL)
		return -rte_errno;
	lcore_init(s, 0);
	lcore_init(s, 1);
	s->lcore[0].st->lcore_id = rte_get_main_lcore();
	s->lcore[0].st->is_main = 1;
	s->lcore[0].st->in_use = 1;
	s->lcore[1].st->lcore_id = dut.worker_lcore;
	s->lcore[1].st->in_use = 1;
	s->stats->nb_lcores = 2;
	return 0;
}

int
bench_dut_init(const struct bench_dut_opts *o, uint32_t max_legs,
	       struct rte_mempool *pool, struct bench_dut_port *ports)
{
	struct dp_shm_params sp = DP_SHM_PARAMS_DEFAULT;
	struct dp_relay_params rp;
	struct dp_state *s = &dp_g;
	uint32_t nb_slots;
	unsigned int k;
	int rc;

	memset(&dut, 0, sizeof(dut));
	dut.worker_lcore = o->worker_lcore;
	dut.burst_loop = o->burst_loop;
	dut.leg_flags = o->leg_flags;
	esg_conf_defaults(&s->conf);
	s->conf.dp.workers = 1;
	s->conf.dp.max_legs = max_legs;
	s->conf.dp.media_port_min = BENCH_PORT_MIN;
	s->conf.dp.media_port_max = BENCH_PORT_MAX;
	s->conf.nb_ifaces = BENCH_NB_IF;
	for (k = 0; k < BENCH_NB_IF; k++)
		conf_iface(&s->conf.iface[k], k);
	for (k = 0; k < RTE_MAX_ETHPORTS; k++)
		s->port2if[k] = -1;
	snprintf(s->instance, sizeof(s->instance), "bench-relay-%d",
		 (int)getpid());
	sp.max_legs = max_legs;
	rc = dp_shm_create(s->instance, &sp, &s->shm);
	if (rc) {
		fprintf(stderr, "segment %s: %s\n", s->instance, strerror(-rc));
		return rc;
	}
	s->stats = dp_shm_stats(s->shm);
	s->pool = pool;
	rc = lcores_setup(s);
	for (k = 0; !rc && k < BENCH_NB_IF; k++) {
		s->nb_ifaces = k + 1;
		rc = iface_open(s, k, &ports[k]);
	}
	s->stats->nb_ports = s->nb_ifaces;
	if (rc)
		return rc;
	memset(&rp, 0, sizeof(rp));
	rp.max_legs = max_legs;
	rp.ifaces = s->iface;
	rp.nb_ifaces = s->nb_ifaces;
	rp.nb_lcores = 2;
	rp.qsbr = s->qsbr;
	/* As esg-dataplane: the per-leg counters are the segment's legs
	 * region (4 kB pages of /dev/shm); --leg-stats eal lets the relay
	 * allocate them in EAL memory (hugepages when EAL has them). */
	rp.leg_stats = o->leg_stats_eal ? NULL : dp_shm_legs(s->shm, &nb_slots);
	rp.socket_id = (int)rte_socket_id();
	rc = dp_relay_create(&rp, &dut.relay);
	if (rc) {
		fprintf(stderr, "dp_relay_create: %s\n", strerror(-rc));
		return rc;
	}
	s->relay = dut.relay;
	dp_relay_lcore_init(dut.relay, &s->lcore[0], NULL);
	dp_relay_lcore_init(dut.relay, &s->lcore[1], s->exc_ring[1]);
	return 0;
}

/* One command as the command ring delivers it: validated, then handled
 * by the relay. */
static int
cmd(union dp_msg *m, uint16_t type, size_t len)
{
	static uint32_t seq;
	int rc;

	m->hdr.type = type;
	m->hdr.len = (uint16_t)len;
	m->hdr.seq = ++seq;
	rc = dp_msg_validate(m, DP_DIR_CMD);
	if (rc)
		return rc;
	dp_g.lcore[0].now_ns = dp_shm_now_ns();
	return dp_relay_cmd(dut.relay, &dp_g.lcore[0], m);
}

static int
leg_add(const struct bench_leg *l, uint32_t id)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.leg_add.leg_id = id;
	m.leg_add.port = (uint16_t)l->ifidx;
	m.leg_add.family = (uint8_t)l->family;
	m.leg_add.flags = dut.leg_flags;
	m.leg_add.rtp_port = l->local_rtp;
	m.leg_add.rtcp_port = l->local_rtcp;
	memcpy(m.leg_add.addr, l->local, 16);
	return cmd(&m, DP_MSG_LEG_ADD, sizeof(m.leg_add));
}

static int
leg_remote(const struct bench_leg *l, uint32_t id)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.leg_remote.leg_id = id;
	m.leg_remote.family = (uint8_t)l->family;
	m.leg_remote.rtp_port = l->remote_rtp;
	memcpy(m.leg_remote.addr, l->remote, 16);
	return cmd(&m, DP_MSG_LEG_REMOTE, sizeof(m.leg_remote));
}

static int
leg_bind(uint32_t a, uint32_t b)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.leg_bind.leg_id = a;
	m.leg_bind.peer_id = b;
	return cmd(&m, DP_MSG_LEG_BIND, sizeof(m.leg_bind));
}

/* What a control plane sends for a call: both legs, their signalled
 * remotes, the binding. */
int
bench_dut_legs_install(const struct bench_plan *p)
{
	struct bench_leg a, b;
	uint32_t i;
	int rc = 0;

	for (i = 0; !rc && i < p->nb_legs; i += 2) {
		bench_leg(p, i, &a);
		bench_leg(p, i + 1, &b);
		rc = leg_add(&a, i);
		if (!rc)
			rc = leg_add(&b, i + 1);
		if (!rc)
			rc = leg_remote(&a, i);
		if (!rc)
			rc = leg_remote(&b, i + 1);
		if (!rc)
			rc = leg_bind(i, i + 1);
		/* the main lcore's loop would run this between commands */
		if ((i & 1023) == 0)
			bench_dut_tick();
	}
	if (rc)
		fprintf(stderr, "leg command for pair %u: %s\n", i / 2 - 1,
			strerror(-rc));
	return rc;
}

int
bench_dut_legs_clear(const struct bench_plan *p)
{
	union dp_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.leg_bulk_del.first_id = 0;
	m.leg_bulk_del.count = 0xffffffff;
	m.leg_bulk_del.port = 0xffff;
	rc = cmd(&m, DP_MSG_LEG_BULK_DEL, sizeof(m.leg_bulk_del));
	if (rc < 0)
		return rc;
	if ((uint32_t)rc != p->nb_legs) {
		fprintf(stderr, "LEG_BULK_DEL removed %d legs of %u\n", rc,
			p->nb_legs);
		return -EIO;
	}
	return 0;
}

/* The main lcore's share of the relay (dp_main_loop() does the same
 * every turn): latch notes to events, grace periods, inactivity; and
 * frames a worker handed over (none expected here). */
void
bench_dut_tick(void)
{
	struct dp_lcore *lc = &dp_g.lcore[0];
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int n;
	uint64_t ev;
	unsigned int turns = 0;

	/* A burst of latches (every leg's first packet) comes faster than
	 * one tick drains (a burst of notes per lcore): the production main
	 * lcore turns every microsecond or two; catch up as it would. */
	do {
		ev = dut.events[DP_MSG_LEG_LATCHED];
		lc->now_ns = dp_shm_now_ns();
		dp_relay_tick(dut.relay, lc);
	} while (dut.events[DP_MSG_LEG_LATCHED] - ev >= 32 && ++turns < 64);
	n = rte_ring_sc_dequeue_burst(dp_g.exc_ring[1], (void **)pkts, DP_BURST,
				      NULL);
	if (n > 0) {
		dut.slow += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
}

static int
burst_loop(void *arg)
{
	struct dp_lcore *lc = arg;
	struct dp_state *s = &dp_g;
	struct rte_mbuf *pkts[DP_BURST];
	unsigned int i, q = lc->idx - 1, sent;
	uint64_t t0, cyc = 0, npkts = 0;
	uint16_t n, keep;

	rte_rcu_qsbr_thread_register(s->qsbr, q);
	rte_rcu_qsbr_thread_online(s->qsbr, q);
	while (!s->quit) {
		lc->now_ns = dp_shm_now_ns();
		for (i = 0; i < s->nb_ifaces; i++) {
			struct dp_iface *ifc = &s->iface[i];

			lc->st->polls++;
			n = rte_eth_rx_burst(ifc->port_id, (uint16_t)q, pkts,
					     DP_BURST);
			if (n == 0)
				continue;
			lc->st->busy_polls++;
			t0 = rte_rdtsc();
			keep = dp_relay_burst(lc, ifc, pkts, n);
			cyc += rte_rdtsc() - t0;
			npkts += n;
			sent = rte_ring_sp_enqueue_burst(s->exc_ring[lc->idx],
							 (void **)pkts, keep,
							 NULL);
			for (; sent < keep; sent++)
				rte_pktmbuf_free(pkts[sent]);
		}
		t0 = rte_rdtsc();
		dp_relay_handoff_poll(lc);
		dp_relay_flush(lc);
		cyc += rte_rdtsc() - t0;
		dut.relay_cycles = cyc;
		dut.relay_pkts = npkts;
		rte_rcu_qsbr_quiescent(s->qsbr, q);
	}
	rte_rcu_qsbr_thread_offline(s->qsbr, q);
	rte_rcu_qsbr_thread_unregister(s->qsbr, q);
	return 0;
}

int
bench_dut_start(void)
{
	int rc;

	dp_g.quit = false;
	rc = rte_eal_remote_launch(dut.burst_loop ? burst_loop : dp_worker_main,
				   &dp_g.lcore[1], dut.worker_lcore);
	if (rc) {
		fprintf(stderr, "worker launch on lcore %u: %s\n",
			dut.worker_lcore, strerror(-rc));
		return rc;
	}
	dut.running = true;
	return 0;
}

int
bench_dut_stop(void)
{
	if (!dut.running)
		return 0;
	dp_g.quit = true;
	dut.running = false;
	return rte_eal_wait_lcore(dut.worker_lcore);
}

void
bench_dut_read(struct bench_dut_cnt *c)
{
	const volatile struct dp_stats_lcore *st = &dp_g.stats->lcore[1];
	unsigned int i;

	c->relay_tx = st->cnt[DP_CNT_RELAY_TX];
	c->polls = st->polls;
	c->busy_polls = st->busy_polls;
	for (i = 0; i < DP_DROP_MAX; i++)
		c->drops[i] = st->drops[i];
	c->relay_cycles = dut.relay_cycles;
	c->relay_pkts = dut.relay_pkts;
	c->slow = dut.slow;
	c->latched = dut.events[DP_MSG_LEG_LATCHED];
}

/* Every non-zero counter of both lcores and the ports (--verbose). */
void
bench_dut_dump(FILE *f)
{
	const struct dp_stats *st = dp_g.stats;
	unsigned int l, i;

	for (l = 0; l < 2; l++) {
		const struct dp_stats_lcore *c = &st->lcore[l];

		fprintf(f, "  lcore %u: polls %" PRIu64 " busy %" PRIu64, l,
			c->polls, c->busy_polls);
		for (i = 0; i < DP_CNT_MAX; i++)
			if (c->cnt[i] != 0)
				fprintf(f, " %s %" PRIu64, st->cnt_names[i],
					c->cnt[i]);
		for (i = 0; i < DP_DROP_MAX; i++)
			if (c->drops[i] != 0)
				fprintf(f, " drop:%s %" PRIu64,
					st->drop_names[i], c->drops[i]);
		fprintf(f, "\n");
	}
	for (i = 0; i < dp_g.nb_ifaces; i++) {
		const struct dp_stats_port_lcore *p = &st->port[i].lcore[1];

		fprintf(f,
			"  port %u worker: rx %" PRIu64 " tx %" PRIu64
			" drops %" PRIu64 "\n",
			i, p->rx_pkts, p->tx_pkts, p->drops);
	}
	fprintf(f,
		"  slow-path frames %" PRIu64 ", events latched %" PRIu64 "\n",
		dut.slow, dut.events[DP_MSG_LEG_LATCHED]);
}

void
bench_dut_fini(void)
{
	struct dp_state *s = &dp_g;
	unsigned int k;

	bench_dut_stop();
	if (dut.relay != NULL)
		dp_relay_free(dut.relay);
	dut.relay = NULL;
	s->relay = NULL;
	for (k = 0; k < s->nb_ifaces; k++) {
		dp_port_close(&s->iface[k]);
		dp_neigh_free(&s->lcore[0], s->iface[k].neigh);
		free(s->iface[k].addrs);
	}
	s->nb_ifaces = 0;
	rte_ring_free(s->exc_ring[1]);
	rte_free(s->qsbr);
	if (s->shm != NULL)
		dp_shm_destroy(s->shm);
	s->shm = NULL;
}
