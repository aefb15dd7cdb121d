/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbour table of an interface (ARP and ND entries), owned by the
 * main lcore: nothing else reads or writes it, so it needs no lock. A
 * linear table is enough for the slow path it serves (exception traffic);
 * the media relay will get a read-only copy for the workers.
 *
 * States: INCOMPLETE (solicited, packets queued, retried every
 * neigh_retry_ms, DP_NEIGH_TRIES times), REACHABLE and PROBE. A reachable
 * entry is re-confirmed before it would expire (RFC 4861 7.3.3, the PROBE
 * state; RFC 1122 2.3.2.1 for ARP): DP_NEIGH_TRIES * neigh_retry_ms before
 * neigh_ttl_s after its last confirmation it enters PROBE, keeps its MAC
 * (here and in the workers' cache: relayed media goes on to it) and is
 * solicited again, first unicast to that MAC (RFC 4861 7.3.3), then by
 * broadcast / the solicited-node group (the neighbour may have a new MAC).
 * An answer with the same MAC refreshes it silently (no event, no cache
 * write: the workers' cached (idx, seq) stays valid); one with a new MAC
 * updates it (event, cache write). Unanswered, it expires at neigh_ttl_s as
 * before. Every reachable entry is probed, used or not: the main lcore
 * cannot see whether workers send to it without them writing shared state
 * on the fast path, and one unicast request per neighbour per neigh_ttl_s
 * costs nothing. A neighbour that is gone still ages out; when the table is
 * full the entry confirmed longest ago makes room. Each change is an event
 * to the control plane.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"

enum neigh_state {
	N_FREE,
	N_INCOMPLETE,
	N_REACHABLE,
	N_PROBE, /* reachable, MAC in use, being re-confirmed */
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
		if (t->e[i].state == N_REACHABLE || t->e[i].state == N_PROBE)
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

static bool
usable(const struct dp_neigh *n)
{
	return n->state == N_REACHABLE || n->state == N_PROBE;
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
		if (usable(&t->e[i]) &&
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
	/* A PROBE answered with the same MAC is no change: the workers'
	 * cached MAC stays valid (no nbr_set, no sequence step). */
	changed = !usable(n) || !rte_is_same_ether_addr(&n->mac, mac);
	if (!usable(n))
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

	if (n == NULL || !usable(n))
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

/*
 * RFC 4861 7.3.3 / RFC 1122 2.3.2.1: the first re-confirmation of an entry
 * in use goes unicast to the MAC we have. dp_arp_request() and
 * dp_nd_solicit() build the broadcast / solicited-node forms; this xmit
 * hook turns their frame into the unicast one on its way out: Ethernet
 * destination the cached MAC, and for the NS the IPv6 destination the
 * target itself (7.2.2: "the target address" for a unicast NS), with
 * the ICMPv6 checksum recomputed over the new pseudo-header.
 */
static struct {
	dp_xmit_t xmit;
	const struct dp_neigh *n;
} probe_hook;

static void
probe_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	const struct dp_neigh *n = probe_hook.n;
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *), *ip, *icmp;
	uint32_t len = rte_pktmbuf_data_len(m), l2 = 14, plen;
	uint16_t et, cs;

	lc->xmit = probe_hook.xmit;
	if (len < l2)
		goto out;
	memcpy(f, n->mac.addr_bytes, 6);
	et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == RTE_ETHER_TYPE_VLAN) {
		if (len < 18)
			goto out;
		l2 = 18;
		et = (uint16_t)(f[16] << 8 | f[17]);
	}
	if (et != RTE_ETHER_TYPE_IPV6 || len < l2 + 40)
		goto out;
	ip = f + l2;
	icmp = ip + 40;
	plen = (uint32_t)(ip[4] << 8 | ip[5]);
	if (ip[6] != IPPROTO_ICMPV6 || plen < 24 || len < l2 + 40 + plen)
		goto out;
	memcpy(ip + 24, n->addr, 16);
	icmp[2] = 0;
	icmp[3] = 0;
	cs = (uint16_t)~dp_csum6(ip + 8, ip + 24, IPPROTO_ICMPV6, icmp, plen);
	icmp[2] = (uint8_t)(cs >> 8);
	icmp[3] = (uint8_t)cs;
out:
	lc->xmit(lc, ifc, m);
}

static void
probe(struct dp_lcore *lc, struct dp_iface *ifc, struct dp_neigh *n)
{
	if (n->tries > 0) {
		solicit(lc, ifc, n); /* retry: the MAC may have changed */
		return;
	}
	probe_hook.xmit = lc->xmit;
	probe_hook.n = n;
	lc->xmit = probe_xmit;
	solicit(lc, ifc, n);
	/* No frame built (no source address, no mbuf): hook unused. */
	lc->xmit = probe_hook.xmit;
}

void
dp_neigh_output(struct dp_lcore *lc, struct dp_iface *ifc, int family,
		const uint8_t *nh, struct rte_mbuf *m)
{
	struct dp_neigh *n = find(ifc->neigh, family, nh);

	if (n != NULL && usable(n)) {
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

/* Time after the last confirmation when re-confirmation starts: the
 * tries fit before neigh_ttl_s, so an unanswered entry expires then. */
static uint64_t
probe_at(const struct dp_lcore *lc)
{
	uint64_t lead = (uint64_t)DP_NEIGH_TRIES * lc->neigh_retry_ns;

	return lc->neigh_ttl_ns > lead ? lc->neigh_ttl_ns - lead : 0;
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
			if (lc->now_ns - n->confirmed_ns < probe_at(lc))
				break;
			n->state = N_PROBE;
			n->tries = 0;
			probe(lc, ifc, n);
			break;
		case N_PROBE:
			if (lc->now_ns < n->next_try_ns)
				break;
			if (n->tries < DP_NEIGH_TRIES &&
			    lc->now_ns - n->confirmed_ns < lc->neigh_ttl_ns) {
				probe(lc, ifc, n);
				break;
			}
			nbr_del(t, n->family, n->addr);
			event(lc, ifc, n, DP_NEIGH_EXPIRED);
			dp_count(lc, DP_CNT_NEIGH_EXPIRED);
			memset(n, 0, sizeof(*n));
			break;
		}
	}
}
