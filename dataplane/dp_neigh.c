/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table of an interface (ARP and ND entries), owned by the
 * main lcore: nothing else reads or writes it, so it needs no lock. A
 * linear table is enough for the slow path it serves (exception traffic);
 * the media relay will get a read-only copy for the workers.
 *
 * States: INCOMPLETE (solicited, packets queued, retried every
 * neigh_retry_ms, DP_NEIGH_TRIES times) and REACHABLE (until neigh_ttl_s
 * after it was last confirmed; then it expires and the next packet
 * resolves it again). Each change is an event to the control plane.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"

enum neigh_state {
	N_FREE,
	N_INCOMPLETE,
	N_REACHABLE,
};

struct dp_neigh {
	enum neigh_state state;
	int family;
	uint8_t addr[16];
	struct rte_ether_addr mac;
	uint64_t confirmed_ns;
	uint64_t next_try_ns;
	unsigned int tries;
	unsigned int nb_pending;
	struct rte_mbuf *pending[DP_NEIGH_PENDING];
};

struct dp_neigh_table {
	struct dp_nbr_cache nbr; /* first: dp_iface_nbr() */
	unsigned int nbr_dead;	 /* deleted entries in nbr */
	struct dp_neigh e[DP_NEIGH_MAX];
};
_Static_assert(offsetof(struct dp_neigh_table, nbr) == 0,
	       "dp_iface_nbr() casts the table to its cache");

static size_t
alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

struct dp_neigh_table *
dp_neigh_create(void)
{
	return calloc(1, sizeof(struct dp_neigh_table));
}

static uint32_t
nbr_hash(int family, const uint8_t *addr)
{
	uint32_t w, h = (uint32_t)family;
	size_t i;

	for (i = 0; i < alen(family); i += 4) {
		memcpy(&w, addr + i, 4);
		h = (h ^ w) * 0x9e3779b1u;
	}
	return h >> 22; /* 10 bits: DP_NBR_SLOTS */
}
_Static_assert(DP_NBR_SLOTS == 1024, "nbr_hash() gives 10 bits");

static bool
nbr_match(const struct dp_nbr_ent *e, int family, const uint8_t *addr)
{
	return e->family == family && memcmp(e->addr, addr, alen(family)) == 0;
}

int
dp_nbr_lookup(const struct dp_nbr_cache *c, int family, const uint8_t *addr,
	      uint16_t *idxp, uint32_t *seqp, struct rte_ether_addr *mac)
{
	uint32_t h = nbr_hash(family, addr), seq, i;
	const struct dp_nbr_ent *e;
	bool hit;

	for (i = 0; i < DP_NBR_PROBE; i++) {
		e = &c->e[(h + i) & (DP_NBR_SLOTS - 1)];
		seq = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
		if (seq & 1)
			return -ENOENT; /* being written: the slow path */
		if (e->family == 0)
			return -ENOENT;
		hit = e->valid && nbr_match(e, family, addr);
		if (hit)
			memcpy(mac->addr_bytes, e->mac, 6);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&e->seq, __ATOMIC_RELAXED) != seq)
			return -ENOENT;
		if (hit) {
			*idxp = (uint16_t)((h + i) & (DP_NBR_SLOTS - 1));
			*seqp = seq;
			return 0;
		}
	}
	return -ENOENT;
}

/* Main lcore: rewrite one entry under its sequence count. */
static void
nbr_write(struct dp_nbr_ent *e, int family, const uint8_t *addr,
	  const struct rte_ether_addr *mac, bool valid)
{
	uint32_t seq = e->seq;

	__atomic_store_n(&e->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->family = (uint8_t)family;
	e->valid = valid;
	memset(e->addr, 0, sizeof(e->addr));
	if (family != 0)
		memcpy(e->addr, addr, alen(family));
	if (mac != NULL)
		memcpy(e->mac, mac->addr_bytes, 6);
	__atomic_store_n(&e->seq, seq + 2, __ATOMIC_RELEASE);
}

static void
nbr_set(struct dp_neigh_table *t, int family, const uint8_t *addr,
	const struct rte_ether_addr *mac)
{
	uint32_t h = nbr_hash(family, addr), i;
	struct dp_nbr_ent *e, *free_e = NULL;

	for (i = 0; i < DP_NBR_PROBE; i++) {
		e = &t->nbr.e[(h + i) & (DP_NBR_SLOTS - 1)];
		if (e->family != 0 && nbr_match(e, family, addr)) {
			if (!e->valid)
				t->nbr_dead--;
			nbr_write(e, family, addr, mac, true);
			return;
		}
		if (free_e == NULL && (e->family == 0 || !e->valid))
			free_e = e;
		if (e->family == 0)
			break;
	}
	if (free_e == NULL) {
		/* Probe full of other entries: workers miss it and hand
		 * the packets to the main lcore, which has the table. */
		return;
	}
	if (free_e->family != 0)
		t->nbr_dead--;
	nbr_write(free_e, family, addr, mac, true);
}

static void
nbr_del(struct dp_neigh_table *t, int family, const uint8_t *addr)
{
	uint32_t h = nbr_hash(family, addr), i;
	struct dp_nbr_ent *e;

	for (i = 0; i < DP_NBR_PROBE; i++) {
		e = &t->nbr.e[(h + i) & (DP_NBR_SLOTS - 1)];
		if (e->family == 0)
			return;
		if (e->valid && nbr_match(e, family, addr)) {
			nbr_write(e, family, addr, NULL, false);
			t->nbr_dead++; /* dp_neigh_timer() rebuilds */
			return;
		}
	}
}

/* Too many deleted entries lengthen the probes: start again from the
 * reachable entries of the table. */
static void
nbr_rebuild(struct dp_neigh_table *t)
{
	unsigned int i;

	for (i = 0; i < DP_NBR_SLOTS; i++)
		if (t->nbr.e[i].family != 0)
			nbr_write(&t->nbr.e[i], 0, NULL, NULL, false);
	t->nbr_dead = 0;
	for (i = 0; i < DP_NEIGH_MAX; i++)
		if (t->e[i].state == N_REACHABLE)
			nbr_set(t, t->e[i].family, t->e[i].addr, &t->e[i].mac);
}

static void
drop_pending(struct dp_lcore *lc, struct dp_iface *ifc, struct dp_neigh *n,
	     enum dp_drop r)
{
	unsigned int i;

	for (i = 0; i < n->nb_pending; i++) {
		dp_drop(lc, ifc, r);
		rte_pktmbuf_free(n->pending[i]);
	}
	n->nb_pending = 0;
}

void
dp_neigh_free(struct dp_lcore *lc, struct dp_neigh_table *t)
{
	unsigned int i, j;

	if (t == NULL)
		return;
	for (i = 0; i < DP_NEIGH_MAX; i++) {
		for (j = 0; j < t->e[i].nb_pending; j++)
			rte_pktmbuf_free(t->e[i].pending[j]);
	}
	(void)lc;
	free(t);
}

static struct dp_neigh *
find(struct dp_neigh_table *t, int family, const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < DP_NEIGH_MAX; i++) {
		if (t->e[i].state != N_FREE && t->e[i].family == family &&
		    memcmp(t->e[i].addr, addr, alen(family)) == 0)
			return &t->e[i];
	}
	return NULL;
}

static void
event(struct dp_lcore *lc, struct dp_iface *ifc, const struct dp_neigh *n,
      uint8_t state)
{
	union dp_msg m;

	if (lc->evt == NULL)
		return;
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_NEIGH;
	m.hdr.len = sizeof(m.neigh);
	m.hdr.seq = ++lc->evt_seq;
	m.neigh.port = ifc->idx;
	m.neigh.family = (uint8_t)n->family;
	m.neigh.state = state;
	memcpy(m.neigh.addr, n->addr, alen(n->family));
	memcpy(m.neigh.mac, &n->mac, sizeof(m.neigh.mac));
	lc->evt(lc, &m);
}

/* A free slot, else the reachable entry confirmed longest ago. */
static struct dp_neigh *
alloc(struct dp_lcore *lc, struct dp_iface *ifc)
{
	struct dp_neigh_table *t = ifc->neigh;
	struct dp_neigh *old = NULL;
	unsigned int i;

	for (i = 0; i < DP_NEIGH_MAX; i++) {
		if (t->e[i].state == N_FREE)
			return &t->e[i];
		if (t->e[i].state == N_REACHABLE &&
		    (old == NULL || t->e[i].confirmed_ns < old->confirmed_ns))
			old = &t->e[i];
	}
	if (old != NULL) {
		nbr_del(t, old->family, old->addr);
		event(lc, ifc, old, DP_NEIGH_EXPIRED);
		dp_count(lc, DP_CNT_NEIGH_EXPIRED);
		memset(old, 0, sizeof(*old));
	}
	return old;
}

static void
send_one(struct dp_lcore *lc, struct dp_iface *ifc, const struct dp_neigh *n,
	 struct rte_mbuf *m)
{
	uint16_t et = n->family == AF_INET ? RTE_ETHER_TYPE_IPV4
					   : RTE_ETHER_TYPE_IPV6;

	if (dp_eth_prepend(ifc, m, &n->mac, et) != 0) {
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	lc->xmit(lc, ifc, m);
}

void
dp_neigh_learn(struct dp_lcore *lc, struct dp_iface *ifc, int family,
	       const uint8_t *addr, const struct rte_ether_addr *mac,
	       bool create)
{
	struct dp_neigh *n = find(ifc->neigh, family, addr);
	bool changed;
	unsigned int i;

	if (n == NULL) {
		if (!create)
			return;
		n = alloc(lc, ifc);
		if (n == NULL)
			return; /* all incomplete: the next NS/ARP retries */
		n->family = family;
		memcpy(n->addr, addr, alen(family));
	}
	changed = n->state != N_REACHABLE ||
		  !rte_is_same_ether_addr(&n->mac, mac);
	if (n->state != N_REACHABLE)
		dp_count(lc, DP_CNT_NEIGH_ADDED);
	n->state = N_REACHABLE;
	rte_ether_addr_copy(mac, &n->mac);
	n->confirmed_ns = lc->now_ns;
	n->tries = 0;
	if (changed) {
		nbr_set(ifc->neigh, family, addr, mac);
		event(lc, ifc, n, DP_NEIGH_REACHABLE);
	}
	for (i = 0; i < n->nb_pending; i++)
		send_one(lc, ifc, n, n->pending[i]);
	n->nb_pending = 0;
}

int
dp_neigh_lookup(struct dp_iface *ifc, int family, const uint8_t *addr,
		struct rte_ether_addr *mac)
{
	struct dp_neigh *n = find(ifc->neigh, family, addr);

	if (n == NULL || n->state != N_REACHABLE)
		return -ENOENT;
	rte_ether_addr_copy(&n->mac, mac);
	return 0;
}

static void
solicit(struct dp_lcore *lc, struct dp_iface *ifc, struct dp_neigh *n)
{
	uint32_t ip;

	n->tries++;
	n->next_try_ns = lc->now_ns + lc->neigh_retry_ns;
	if (n->family == AF_INET) {
		memcpy(&ip, n->addr, 4);
		dp_arp_request(lc, ifc, ip);
	} else {
		dp_nd_solicit(lc, ifc, n->addr);
	}
}

void
dp_neigh_output(struct dp_lcore *lc, struct dp_iface *ifc, int family,
		const uint8_t *nh, struct rte_mbuf *m)
{
	struct dp_neigh *n = find(ifc->neigh, family, nh);

	if (n != NULL && n->state == N_REACHABLE) {
		send_one(lc, ifc, n, m);
		return;
	}
	if (n == NULL) {
		n = alloc(lc, ifc);
		if (n == NULL) {
			dp_drop(lc, ifc, DP_DROP_NEIGH_FULL);
			rte_pktmbuf_free(m);
			return;
		}
		n->state = N_INCOMPLETE;
		n->family = family;
		memcpy(n->addr, nh, alen(family));
		n->pending[n->nb_pending++] = m;
		solicit(lc, ifc, n);
		return;
	}
	if (n->nb_pending == DP_NEIGH_PENDING) {
		dp_drop(lc, ifc, DP_DROP_NEIGH_PENDING_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	n->pending[n->nb_pending++] = m;
}

void
dp_neigh_timer(struct dp_lcore *lc, struct dp_iface *ifc)
{
	struct dp_neigh_table *t = ifc->neigh;
	struct dp_neigh *n;
	unsigned int i;

	if (t->nbr_dead > DP_NEIGH_MAX)
		nbr_rebuild(t);
	for (i = 0; i < DP_NEIGH_MAX; i++) {
		n = &t->e[i];
		switch (n->state) {
		case N_FREE:
			break;
		case N_INCOMPLETE:
			if (lc->now_ns < n->next_try_ns)
				break;
			if (n->tries < DP_NEIGH_TRIES) {
				solicit(lc, ifc, n);
				break;
			}
			drop_pending(lc, ifc, n, DP_DROP_NEIGH_FAILED);
			event(lc, ifc, n, DP_NEIGH_FAILED);
			dp_count(lc, DP_CNT_NEIGH_FAILED);
			memset(n, 0, sizeof(*n));
			break;
		case N_REACHABLE:
			if (lc->now_ns - n->confirmed_ns < lc->neigh_ttl_ns)
				break;
			nbr_del(t, n->family, n->addr);
			event(lc, ifc, n, DP_NEIGH_EXPIRED);
			dp_count(lc, DP_CNT_NEIGH_EXPIRED);
			memset(n, 0, sizeof(*n));
			break;
		}
	}
}
