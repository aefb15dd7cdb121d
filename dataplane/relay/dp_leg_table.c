/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The leg table's memory and its life cycle (main lcore): creation of
 * the slots, the lookup hash, the configuration pool and the rings;
 * publication of configurations and their reclamation after a grace
 * period (QSBR: every reader reports a quiescent state once per loop
 * turn, so a configuration unpublished at token t is unused once all
 * readers passed t); the events the main lcore sends for the relay
 * (LEG_LATCHED from the lcores' notes, LEG_INACTIVE from a bounded scan).
 * An event is "sent" only when the event ring took it: LEG_INACTIVE is
 * tried again by the next scan of the leg, and a LEG_LATCHED whose note
 * (worker ring full: leg_note_lost) or event (evt_ring_full) was lost is
 * sent by the scan when dp_leg_stats.latches moved past the last one sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_leg.h"

#define MS 1000000ull
#define SCAN_NS (10 * MS) /* a slice every 10 ms: the table in 1 s */
#define SCAN_MIN 64
#define LATCH_BURST 32
#define RECOVER_MAX 32 /* LEG_LATCHED re-sent by one scan slice, at most */

static unsigned int relay_seq; /* unique object names per process */

static int
rings_create(struct dp_relay *r, int socket)
{
	unsigned int from, to;
	char name[RTE_RING_NAMESIZE];

	for (from = 0; from < r->nb_lcores; from++) {
		snprintf(name, sizeof(name), "rl%u_l%u", relay_seq, from);
		r->latch[from] = rte_ring_create_elem(
			name, sizeof(struct dp_leg_note), DP_LEG_LATCH_RING,
			socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (r->latch[from] == NULL)
			return -rte_errno;
		for (to = 0; to < r->nb_lcores; to++) {
			if (to == from)
				continue;
			snprintf(name, sizeof(name), "rl%u_h%u_%u", relay_seq,
				 from, to);
			r->handoff[from][to] = rte_ring_create(
				name, DP_LEG_HANDOFF_RING, socket,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (r->handoff[from][to] == NULL)
				return -rte_errno;
		}
	}
	return 0;
}

static int
hash_create(struct dp_relay *r, int socket)
{
	struct rte_hash_rcu_config rc;
	struct rte_hash_parameters hp;
	char name[RTE_HASH_NAMESIZE];

	snprintf(name, sizeof(name), "rl%u_legs", relay_seq);
	memset(&hp, 0, sizeof(hp));
	hp.name = name;
	/* an RTP and an RTCP key per leg */
	hp.entries = RTE_MAX(2 * r->max_legs, 64u);
	hp.key_len = sizeof(struct dp_leg_key);
	hp.hash_func = rte_hash_crc;
	hp.socket_id = socket;
	/* Lock-free readers, one writer (the main lcore); the extendable
	 * buckets make the capacity exact. */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	r->hash = rte_hash_create(&hp);
	if (r->hash == NULL)
		return -rte_errno;
	/* A deleted key's slot is reused only after the readers' grace
	 * period (the hash's own defer queue on our QSBR variable). */
	memset(&rc, 0, sizeof(rc));
	rc.v = r->qsbr;
	rc.mode = RTE_HASH_QSBR_MODE_DQ;
	if (rte_hash_rcu_qsbr_add(r->hash, &rc) != 0)
		return -rte_errno;
	return 0;
}

static int
qsbr_setup(struct dp_relay *r, struct rte_rcu_qsbr *v)
{
	size_t sz;

	if (v != NULL) {
		r->qsbr = v;
		return 0;
	}
	/* No readers registered: every check passes at once. */
	sz = rte_rcu_qsbr_get_memsize(1);
	r->qsbr = rte_zmalloc("esg_relay_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (r->qsbr == NULL || rte_rcu_qsbr_init(r->qsbr, 1) != 0)
		return -ENOMEM;
	r->own_qsbr = true;
	return 0;
}

int
dp_relay_create(const struct dp_relay_params *p, struct dp_relay **rp)
{
	int socket = p->socket_id;
	struct dp_relay *r;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t i;
	int err;

	*rp = NULL;
	if (p->max_legs == 0 || p->max_legs > (1u << 24) || p->nb_lcores == 0 ||
	    p->nb_lcores > DP_MAX_LCORES || p->nb_ifaces > DP_MAX_PORTS)
		return -EINVAL;
	relay_seq++;
	r = rte_zmalloc_socket("esg_relay", sizeof(*r), RTE_CACHE_LINE_SIZE,
			       socket);
	if (r == NULL)
		return -ENOMEM;
	r->max_legs = p->max_legs;
	r->ifaces = p->ifaces;
	r->nb_ifaces = p->nb_ifaces;
	r->nb_lcores = p->nb_lcores;
	err = -ENOMEM;
	r->legs = rte_zmalloc_socket("esg_legs",
				     (size_t)p->max_legs * sizeof(*r->legs),
				     RTE_CACHE_LINE_SIZE, socket);
	r->st = p->leg_stats;
	if (r->st == NULL) {
		r->st = rte_zmalloc_socket("esg_leg_stats",
					   (size_t)p->max_legs * sizeof(*r->st),
					   RTE_CACHE_LINE_SIZE, socket);
		r->own_st = true;
	}
	r->lm = calloc(p->max_legs, sizeof(*r->lm));
	r->defer = calloc(DP_LEG_DEFER_MAX, sizeof(*r->defer));
	if (r->legs == NULL || r->st == NULL || r->lm == NULL ||
	    r->defer == NULL)
		goto fail;
	for (i = 0; i < p->max_legs; i++) {
		r->legs[i].owner = DP_LEG_OWNER_NONE;
		r->legs[i].peer_hint = DP_LEG_NONE;
	}
	snprintf(name, sizeof(name), "rl%u_cfg", relay_seq);
	/* every live leg's config plus the retired ones in the FIFO */
	r->cfg_pool = rte_mempool_create(
		name, p->max_legs + DP_LEG_DEFER_MAX + 1,
		sizeof(struct dp_leg_cfg), 0, 0, NULL, NULL, NULL, NULL, socket,
		RTE_MEMPOOL_F_SP_PUT | RTE_MEMPOOL_F_SC_GET);
	if (r->cfg_pool == NULL)
		goto fail;
	err = qsbr_setup(r, p->qsbr);
	if (!err)
		err = hash_create(r, socket);
	if (!err)
		err = rings_create(r, socket);
	if (err)
		goto fail;
	r->scan_slice = RTE_MAX(p->max_legs / 100 + 1, (uint32_t)SCAN_MIN);
	*rp = r;
	return 0;
fail:
	dp_relay_free(r);
	return err < 0 ? err : -ENOMEM;
}

void
dp_relay_free(struct dp_relay *r)
{
	unsigned int a, b;

	if (r == NULL)
		return;
	for (a = 0; a < DP_MAX_LCORES; a++) {
		rte_ring_free(r->latch[a]);
		for (b = 0; b < DP_MAX_LCORES; b++) {
			void *m;

			while (r->handoff[a][b] != NULL &&
			       rte_ring_sc_dequeue(r->handoff[a][b], &m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(r->handoff[a][b]);
		}
	}
	rte_hash_free(r->hash);
	rte_mempool_free(r->cfg_pool);
	if (r->own_qsbr)
		rte_free(r->qsbr);
	if (r->own_st)
		rte_free(r->st);
	rte_free(r->legs);
	free(r->lm);
	free(r->defer);
	rte_free(r);
}

void
dp_relay_lcore_init(struct dp_relay *r, struct dp_lcore *lc,
		    struct rte_ring *exc_ring)
{
	unsigned int i;

	lc->relay = r;
	lc->exc_ring = exc_ring;
	for (i = 0; i < DP_MAX_PORTS; i++) {
		const struct dp_iface *ifc = &r->ifaces[i];

		lc->txq[i] = DP_TXQ_NONE;
		if (i >= r->nb_ifaces)
			continue;
		/* dp_port.c: worker w has queue w - 1, the main lcore the
		 * last; a worker beyond what the device has hands its
		 * packets to the main lcore. */
		if (lc->idx == 0)
			lc->txq[i] = ifc->main_txq;
		else if (lc->idx - 1 < ifc->main_txq)
			lc->txq[i] = (uint16_t)(lc->idx - 1);
	}
}

struct dp_leg_stats *
dp_relay_leg_stats(struct dp_relay *r)
{
	return r->st;
}

uint32_t
dp_relay_nb_legs(const struct dp_relay *r)
{
	return r->nb_legs;
}

struct dp_leg_cfg *
dp_leg_cfg_alloc(struct dp_relay *r)
{
	void *obj;

	if (rte_mempool_get(r->cfg_pool, &obj) != 0) {
		dp_leg_reclaim(r, true);
		if (rte_mempool_get(r->cfg_pool, &obj) != 0)
			return NULL;
	}
	memset(obj, 0, sizeof(struct dp_leg_cfg));
	return obj;
}

static void
defer_push(struct dp_relay *r, struct dp_leg_cfg *c, uint32_t id)
{
	struct dp_leg_defer *d;

	if (r->defer_n == DP_LEG_DEFER_MAX)
		dp_leg_reclaim(r, true);
	d = &r->defer[(r->defer_head + r->defer_n) & (DP_LEG_DEFER_MAX - 1)];
	d->token = rte_rcu_qsbr_start(r->qsbr);
	d->cfg = c;
	d->id = id;
	r->defer_n++;
}
_Static_assert((DP_LEG_DEFER_MAX & (DP_LEG_DEFER_MAX - 1)) == 0, "power of 2");

void
dp_leg_cfg_publish(struct dp_relay *r, uint32_t id, struct dp_leg_cfg *c)
{
	struct dp_leg *l = &r->legs[id];
	struct dp_leg_cfg *old = l->cfg;

	if (c != NULL)
		c->ver = ++r->ver;
	__atomic_store_n(&l->peer_hint, c != NULL ? c->peer : DP_LEG_NONE,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&l->cfg, c, __ATOMIC_RELEASE);
	if (old != NULL)
		defer_push(r, old, DP_LEG_NONE);
}

void
dp_leg_slot_retire(struct dp_relay *r, uint32_t id)
{
	struct dp_leg *l = &r->legs[id];
	struct dp_leg_cfg *old = l->cfg;

	__atomic_store_n(&l->peer_hint, DP_LEG_NONE, __ATOMIC_RELAXED);
	__atomic_store_n(&l->cfg, NULL, __ATOMIC_RELEASE);
	r->lm[id].state = DP_LEG_DYING;
	defer_push(r, old, id);
}

/* After the grace period: nobody holds the slot, its stats or cfg. */
static void
defer_finish(struct dp_relay *r, const struct dp_leg_defer *d)
{
	struct dp_leg_stats *st;
	uint32_t gen;

	if (d->cfg != NULL)
		rte_mempool_put(r->cfg_pool, d->cfg);
	if (d->id == DP_LEG_NONE)
		return;
	memset(&r->legs[d->id], 0, sizeof(r->legs[d->id]));
	r->legs[d->id].owner = DP_LEG_OWNER_NONE;
	r->legs[d->id].peer_hint = DP_LEG_NONE;
	/* docs/contract.md: zeroed before the id is used again; gen tells
	 * a reader that it was */
	st = &r->st[d->id];
	gen = st->gen;
	memset(st, 0, sizeof(*st));
	st->gen = gen + 1;
	memset(&r->lm[d->id], 0, sizeof(r->lm[d->id]));
}

void
dp_leg_reclaim(struct dp_relay *r, bool all)
{
	const struct dp_leg_defer *d;

	if (r->defer_n == 0)
		return;
	if (all)
		rte_rcu_qsbr_synchronize(r->qsbr, RTE_QSBR_THRID_INVALID);
	while (r->defer_n > 0) {
		d = &r->defer[r->defer_head];
		if (!all && rte_rcu_qsbr_check(r->qsbr, d->token, false) != 1)
			break;
		defer_finish(r, d);
		r->defer_head = (r->defer_head + 1) & (DP_LEG_DEFER_MAX - 1);
		r->defer_n--;
	}
}

static void
evt_hdr(union dp_msg *m, struct dp_lcore *lc, enum dp_msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = (uint16_t)type;
	m->hdr.len = (uint16_t)dp_msg_size((uint16_t)type);
	m->hdr.seq = ++lc->evt_seq;
}

/*
 * lc->evt() returns nothing; dp_ctl_evt() counts evt_ring_full when the
 * ring did not take the message, which is how we know it was not sent.
 */
static bool
evt_send(struct dp_lcore *lc, const union dp_msg *m)
{
	uint64_t full = lc->st->cnt[DP_CNT_EVT_RING_FULL];

	lc->evt(lc, m);
	return lc->st->cnt[DP_CNT_EVT_RING_FULL] == full;
}

/* Is latches count a newer than b (wrapping)? */
static bool
latches_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static void
latch_event(struct dp_relay *r, struct dp_lcore *lc,
	    const struct dp_leg_note *n)
{
	const struct dp_leg_cfg *c;
	struct dp_leg_main *lm;
	union dp_msg m;

	if (n->id >= r->max_legs || r->lm[n->id].state != DP_LEG_LIVE)
		return;
	lm = &r->lm[n->id];
	c = r->legs[n->id].cfg;
	if (c == NULL || c->gen != n->gen || lc->evt == NULL)
		return; /* a leg deleted since: nobody to tell */
	/* The scan already sent this latch or a later one. */
	if (!latches_after(n->latches, lm->latches_sent))
		return;
	evt_hdr(&m, lc, DP_MSG_LEG_LATCHED);
	m.leg_latched.leg_id = n->id;
	m.leg_latched.family = n->family;
	m.leg_latched.rtcp = n->rtcp;
	m.leg_latched.rtp_port = rte_be_to_cpu_16(n->port);
	m.leg_latched.latches = n->latches;
	memcpy(m.leg_latched.addr, n->addr, 16);
	if (evt_send(lc, &m))
		lm->latches_sent = n->latches;
}

/*
 * The scan's LEG_LATCHED for latches whose event was lost: the current
 * latched source of each channel (read under the owner's sequence count),
 * with the current count. Returns the number of events sent, -1 when one
 * could not be (tried again by the next scan of the leg).
 */
static int
latch_recover(struct dp_relay *r, struct dp_lcore *lc, uint32_t id,
	      const struct dp_leg_cfg *c, uint32_t latches)
{
	const struct dp_leg *l = &r->legs[id];
	struct dp_latch lt[2];
	uint32_t s, gen;
	unsigned int ch, tries;
	union dp_msg m;
	int sent = 0;

	for (tries = 0;; tries++) {
		if (tries == 8)
			return -1; /* the owner keeps writing: next scan */
		s = __atomic_load_n(&l->lseq, __ATOMIC_ACQUIRE);
		if (s & 1)
			continue;
		memcpy(lt, l->latch, sizeof(lt));
		gen = l->latch_gen;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&l->lseq, __ATOMIC_RELAXED) == s)
			break;
	}
	if (gen != c->relatch_gen) {
		/* voided by LEG_REMOTE RELATCH: nothing latched to tell */
		r->lm[id].latches_sent = latches;
		return 0;
	}
	for (ch = 0; ch < 2; ch++) {
		if (!lt[ch].valid)
			continue;
		evt_hdr(&m, lc, DP_MSG_LEG_LATCHED);
		m.leg_latched.leg_id = id;
		m.leg_latched.family = c->family;
		m.leg_latched.rtcp = (uint8_t)ch;
		m.leg_latched.rtp_port = rte_be_to_cpu_16(lt[ch].port);
		m.leg_latched.latches = latches;
		memcpy(m.leg_latched.addr, lt[ch].addr, 16);
		if (!evt_send(lc, &m))
			return -1;
		sent++;
	}
	r->lm[id].latches_sent = latches;
	return sent;
}

void
dp_leg_latch_drain(struct dp_relay *r, struct dp_lcore *lc)
{
	struct dp_leg_note notes[LATCH_BURST];
	unsigned int l, n, i;

	for (l = 0; l < r->nb_lcores; l++) {
		n = rte_ring_sc_dequeue_burst_elem(r->latch[l], notes,
						   sizeof(notes[0]),
						   LATCH_BURST, NULL);
		for (i = 0; i < n; i++)
			latch_event(r, lc, &notes[i]);
	}
}

/* LEG_INACTIVE once per silence: again only after last_rx_ns moved. */
static void
idle_check(struct dp_relay *r, struct dp_lcore *lc, uint32_t id)
{
	const struct dp_leg_cfg *c = r->legs[id].cfg;
	struct dp_leg_main *lm = &r->lm[id];
	uint64_t last, base;
	union dp_msg m;

	if (c == NULL || c->idle_ms == 0)
		return;
	last = __atomic_load_n(&r->st[id].last_rx_ns, __ATOMIC_RELAXED);
	base = last != 0 ? last : c->added_ns;
	if (lc->now_ns < base || lc->now_ns - base < c->idle_ms * MS)
		return;
	if (lm->idle_reported && lm->idle_last_rx == last)
		return;
	if (lc->evt != NULL) {
		evt_hdr(&m, lc, DP_MSG_LEG_INACTIVE);
		m.leg_inactive.leg_id = id;
		m.leg_inactive.idle_ms = c->idle_ms;
		m.leg_inactive.last_rx_ns = last;
		/* Ring full: not reported, the next scan of the leg
		 * (a second later) tries again. */
		if (!evt_send(lc, &m))
			return;
	}
	lm->idle_reported = 1;
	lm->idle_last_rx = last;
	dp_count(lc, DP_CNT_LEG_INACTIVE);
}

/* LEG_LATCHED for a latch whose note or event was lost; *budget bounds
 * the events of one scan slice. */
static void
latch_check(struct dp_relay *r, struct dp_lcore *lc, uint32_t id,
	    unsigned int *budget)
{
	const struct dp_leg_cfg *c = r->legs[id].cfg;
	uint32_t latches;
	int n;

	if (c == NULL || lc->evt == NULL || *budget < 2)
		return;
	latches = __atomic_load_n(&r->st[id].latches, __ATOMIC_RELAXED);
	if (!latches_after(latches, r->lm[id].latches_sent))
		return;
	n = latch_recover(r, lc, id, c, latches);
	*budget = n < 0 ? 0 : *budget - (unsigned int)n;
}

void
dp_leg_idle_scan(struct dp_relay *r, struct dp_lcore *lc)
{
	unsigned int budget = RECOVER_MAX;
	uint32_t i;

	if (lc->now_ns < r->next_scan_ns || r->nb_legs == 0)
		return;
	r->next_scan_ns = lc->now_ns + SCAN_NS;
	for (i = 0; i < r->scan_slice; i++) {
		if (r->lm[r->scan_pos].state == DP_LEG_LIVE) {
			idle_check(r, lc, r->scan_pos);
			latch_check(r, lc, r->scan_pos, &budget);
		}
		if (++r->scan_pos == r->max_legs)
			r->scan_pos = 0;
	}
}

void
dp_relay_tick(struct dp_relay *r, struct dp_lcore *lc)
{
	dp_leg_latch_drain(r, lc);
	dp_leg_reclaim(r, false);
	dp_leg_idle_scan(r, lc);
}
