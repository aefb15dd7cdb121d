/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The leg table, inside the relay (not for outside users: dp_relay.h).
 * docs/relay.md has the picture; in short:
 *
 * - struct dp_leg_cfg: what the control plane said about a leg. Written
 *   by the main lcore only, never in place: a command copies it, changes
 *   the copy and publishes it in the slot (release store); the old copy
 *   goes back to its pool only after a grace period (QSBR), so a worker
 *   never reads a torn or freed configuration.
 * - struct dp_leg: one slot per leg id, preallocated, cache aligned.
 *   Line 0 is read by every lcore: the cfg pointer (main lcore) and the
 *   latched remote (owner, under the sequence count lseq). Lines 1 and 2
 *   belong to the owning lcore alone: the latched sources' last packets
 *   and the next-hop cache (every packet), policing (line 2, only with
 *   LEG_POLICE).
 * - The lookup: rte_hash, lock-free readers, one writer (the main
 *   lcore), key slots recycled through the same QSBR variable. Key:
 *   (interface, family, local address, local port); data: id << 1 | rtcp.
 */
#ifndef DP_LEG_H
#define DP_LEG_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_common.h>

#include "dp_police.h"
#include "dp_relay.h"

struct rte_hash;
struct rte_mempool;
struct rte_rcu_qsbr;

#define DP_LEG_OWNER_NONE 0xff
#define DP_LEG_RELATCH_DEFAULT_MS 1000
#define DP_LEG_HANDOFF_RING 1024
#define DP_LEG_LATCH_RING 1024
#define DP_LEG_DEFER_MAX 4096 /* configs waiting for a grace period */

struct dp_leg_cfg {
	/* line 0: what the fast path reads for every packet */
	uint32_t clock_hz; /* RTP clock for jitter (RFC 3550 A.8) */
	uint32_t peer;	   /* DP_LEG_NONE: unbound */
	uint32_t ver;	   /* unique per published copy: cache validation */
	uint16_t ifidx;
	uint8_t family;	    /* AF_INET, AF_INET6 */
	uint8_t flags;	    /* DP_LEG_F_* */
	uint16_t rtp_port;  /* local, network order */
	uint16_t rtcp_port; /* local, network order; == rtp_port with mux */
	uint8_t mux;
	uint8_t dscp; /* 0..63 or DP_DSCP_KEEP */
	uint8_t has_remote;
	uint8_t police_on;
	uint16_t r_rtp_port;  /* signalled remote, network order */
	uint16_t r_rtcp_port; /* network order */
	uint32_t relatch_gen; /* LEG_REMOTE RELATCH: latched state is void */
	uint8_t addr[16];     /* local */
	uint8_t r_addr[16];   /* signalled remote */
	/* line 1 */
	uint64_t relatch_ns;
	uint32_t id;
	uint32_t idle_ms;
	uint32_t gen;	     /* incarnation: dp_leg_stats.gen */
	uint32_t police_gen; /* bumped by LEG_POLICE */
	struct dp_police_cfg police;
	uint64_t added_ns;
} __rte_cache_aligned;
_Static_assert(sizeof(struct dp_leg_cfg) == 2 * RTE_CACHE_LINE_SIZE,
	       "two lines");

/* A learned (latched) source: the remote of one channel. */
struct dp_latch {
	uint8_t addr[16];
	uint16_t port; /* network order */
	uint8_t valid;
	uint8_t pad;
};

/* Next-hop cache of one egress channel (rtp, rtcp) of the peer. */
struct dp_leg_egress {
	uint32_t peer_ver;  /* peer cfg this was computed for */
	uint32_t peer_lseq; /* and its latched remote */
	uint32_t nbr_seq;   /* the neighbour entry, unchanged */
	uint16_t addr_gen;  /* the egress interface's addresses (low bits) */
	uint16_t nbr_idx;
	struct rte_ether_addr mac;
	uint8_t valid;
	uint8_t pad;
};
_Static_assert(sizeof(struct dp_leg_egress) == 24, "with heard_ns: a line");

struct dp_leg {
	/* line 0: read by any lcore */
	struct dp_leg_cfg *cfg; /* NULL: no leg; main lcore writes */
	uint8_t owner;		/* lcore idx; claimed once (CAS) */
	uint8_t pad0[3];
	uint32_t lseq;		  /* odd while the owner writes the latches */
	uint32_t latch_gen;	  /* cfg->relatch_gen the latches belong to */
	struct dp_latch latch[2]; /* rtp, rtcp */
	/* cfg->peer as last published (main lcore): only a prefetch hint,
	 * read with the cfg pointer so the peer's slot can be fetched
	 * together with the leg's configuration */
	uint32_t peer_hint;
	/* line 1: owner only, every packet */
	uint64_t heard_ns[2]; /* last packet of the latched rtp, rtcp src */
	struct dp_leg_egress eg[2]; /* to the peer's rtp, rtcp remote */
	/* line 2: owner only, with LEG_POLICE */
	struct dp_police pol;
	uint32_t pol_gen;
	uint8_t pad2[20];
} __rte_cache_aligned;
_Static_assert(sizeof(struct dp_leg) == 3 * RTE_CACHE_LINE_SIZE, "three lines");

/* Main lcore only, per leg id. */
enum dp_leg_state {
	DP_LEG_FREE,
	DP_LEG_LIVE,
	DP_LEG_DYING, /* deleted, slot not yet reset: grace period */
};

struct dp_leg_main {
	uint8_t state;	       /* enum dp_leg_state */
	uint8_t idle_reported; /* LEG_INACTIVE sent (not only tried) */
	uint8_t pad[2];
	/* dp_leg_stats.latches of the last LEG_LATCHED sent: the scan sends
	 * one for a latch whose note or event was lost (ring full) */
	uint32_t latches_sent;
	uint64_t idle_last_rx; /* last_rx_ns when LEG_INACTIVE was sent */
};

/* Deferred until a grace period is over. */
struct dp_leg_defer {
	uint64_t token;
	struct dp_leg_cfg *cfg;
	uint32_t id; /* DP_LEG_NONE: only the cfg; else reset the slot */
	uint32_t pad;
};

/* What an lcore tells the main lcore when it latched (LEG_LATCHED). */
struct dp_leg_note {
	uint32_t id;
	uint32_t gen;
	uint32_t latches;
	uint16_t port; /* network order */
	uint8_t family;
	uint8_t rtcp;
	uint8_t addr[16];
};
_Static_assert(sizeof(struct dp_leg_note) == 32, "ring element");

struct dp_relay {
	/* read by every lcore */
	struct dp_leg *legs;
	struct dp_leg_stats *st;
	struct rte_hash *hash;
	struct dp_iface *ifaces;
	unsigned int nb_ifaces;
	unsigned int nb_lcores;
	uint32_t max_legs;
	/* handoff[from][to], SP/SC; latch[from]: lcore -> main, SP/SC */
	struct rte_ring *handoff[DP_MAX_LCORES][DP_MAX_LCORES];
	struct rte_ring *latch[DP_MAX_LCORES];
	/* main lcore only */
	struct rte_rcu_qsbr *qsbr;
	bool own_qsbr;
	bool own_st;
	struct rte_mempool *cfg_pool;
	struct dp_leg_main *lm;
	struct dp_leg_defer *defer; /* FIFO of DP_LEG_DEFER_MAX */
	uint32_t defer_head, defer_n;
	uint32_t nb_legs;
	uint32_t ver;
	uint32_t scan_pos;
	uint32_t scan_slice;
	uint64_t next_scan_ns;
};

/* Is addr one of the ESG's own addresses (any interface)? LEG_REMOTE
 * refuses it and the relay never latches it (a forged source): media to
 * ourselves would loop through our own ARP / ND (docs/relay.md). */
static inline bool
dp_leg_own_addr(const struct dp_relay *r, uint8_t family, const uint8_t *addr)
{
	const struct dp_addrs *a;
	unsigned int i;
	uint32_t ip4;

	memcpy(&ip4, addr, 4);
	for (i = 0; i < r->nb_ifaces; i++) {
		a = dp_iface_addrs(&r->ifaces[i]);
		if (family == AF_INET ? dp_addr4_is_ours(a, ip4)
				      : dp_addr6_is_ours(a, addr))
			return true;
	}
	return false;
}

/* dp_leg_table.c (main lcore) */
/* 32 bytes, not 24: rte_hash compares 32-byte keys with vector loads,
 * other sizes with memcmp(). */
struct dp_leg_key {
	uint8_t addr[16];
	uint16_t port; /* network order */
	uint16_t ifidx;
	uint8_t family;
	uint8_t pad[11];
};
_Static_assert(sizeof(struct dp_leg_key) == 32, "hash key");

static inline void
dp_leg_key_set(struct dp_leg_key *k, uint16_t ifidx, uint8_t family,
	       const uint8_t *addr, uint16_t port_be)
{
	uint64_t *w = (uint64_t *)k;

	w[0] = w[1] = w[2] = w[3] = 0;
	__builtin_memcpy(k->addr, addr, family == AF_INET6 ? 16 : 4);
	k->port = port_be;
	k->ifidx = ifidx;
	k->family = family;
}

struct dp_leg_cfg *dp_leg_cfg_alloc(struct dp_relay *r);
/* Publish c in slot id (c may be NULL) and retire the old one. */
void dp_leg_cfg_publish(struct dp_relay *r, uint32_t id, struct dp_leg_cfg *c);
/* Retire the slot of a deleted leg: reset after a grace period. */
void dp_leg_slot_retire(struct dp_relay *r, uint32_t id);
/* Finish what a grace period allows (all: wait for one first). */
void dp_leg_reclaim(struct dp_relay *r, bool all);
void dp_leg_latch_drain(struct dp_relay *r, struct dp_lcore *lc);
void dp_leg_idle_scan(struct dp_relay *r, struct dp_lcore *lc);

#endif
