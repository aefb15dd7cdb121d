/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's fast path (docs/relay.md). Per burst: classify, build the
 * lookup keys, one bulk hash lookup, then stages that prefetch what the
 * next stage reads (the leg's slot, its configuration and stats, the
 * peer's slot) so the misses of a burst overlap. Per packet: RFC 7983
 * demux, RTP/RTCP header check, source check and latching, policing,
 * statistics, and the rewrite towards the peer leg's remote
 * (dp_relay_xlate.h). No lock, no allocation, no system call; the only
 * atomic read-modify-write is the one claim of an unowned leg.
 *
 * Ownership: the first lcore that receives a leg's packet claims it (one
 * compare-and-swap per leg lifetime) and from then on is the only writer
 * of its state and counters; another lcore that receives its packets
 * hands them over an SP/SC ring (handoff_tx/rx, handoff_full). With RSS a
 * flow keeps its queue, so the owner is the lcore the flow hashes to.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_leg.h"
#include "dp_relay_xlate.h"
#include "dp_rtp.h"

struct rx_ctx {
	struct rte_mbuf *m;
	struct dp_leg *a;
	const struct dp_leg_cfg *ca;
	uint32_t v;   /* hash data: id << 1 | arrived on the RTCP port */
	uint8_t rtcp; /* RTCP (by port or RFC 5761 4) */
	uint8_t bad;  /* 0, or the drop: DP_DROP_MEDIA_NOT_RTP / RTP_BAD */
	struct dp_rtp_info ri;
};

/*
 * RFC 7983 7 demux, RFC 5761 4 on a shared port, the RTP or RTCP
 * header (dp_rtp.h): the packet alone decides, before the leg's state
 * is read; the owner counts a bad one against the leg.
 */
static inline void
pkt_check(struct rx_ctx *x)
{
	const uint8_t *udp = rte_pktmbuf_mtod_offset(
		x->m, const uint8_t *, x->m->l2_len + x->m->l3_len);
	const uint8_t *pl = udp + 8;
	uint32_t plen = (uint32_t)(udp[4] << 8 | udp[5]) - 8u;
	enum dp_media_kind kind = dp_rtp_demux(pl, plen);

	x->bad = 0;
	if (kind != DP_MEDIA_RTP && kind != DP_MEDIA_RTCP) {
		x->bad = DP_DROP_MEDIA_NOT_RTP;
		return;
	}
	x->rtcp = (x->v & 1) != 0 || kind == DP_MEDIA_RTCP;
	if (x->rtcp ? dp_rtcp_check(pl, plen) != 0
		    : dp_rtp_parse(pl, plen, &x->ri) != 0)
		x->bad = DP_DROP_RTP_BAD;
}

/* The peer's remote for one channel, read consistently. */
struct dest {
	uint8_t addr[16];
	uint16_t port; /* network order */
};

static inline void
drop_m(struct dp_lcore *lc, const struct dp_iface *ifc, struct rte_mbuf *m,
       enum dp_drop r)
{
	dp_drop(lc, ifc, r);
	rte_pktmbuf_free(m);
}

/* A leg-level drop: the lcore's reason and the leg's. */
static inline void
leg_drop(struct dp_lcore *lc, const struct dp_iface *ifc,
	 struct dp_leg_stats *st, struct rte_mbuf *m, enum dp_drop r,
	 enum dp_leg_drop lr)
{
	st->drops[lr]++;
	drop_m(lc, ifc, m, r);
}

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Equal addresses of the family: fixed-size loads, no memcmp call. */
static inline bool
addr_eq(const uint8_t *a, const uint8_t *b, uint8_t family)
{
	uint64_t x[2], y[2];
	uint32_t u, v;

	if (family == AF_INET) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		return u == v;
	}
	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/* ---- latching (owner only; readers use the sequence count) ---- */

static inline void
latch_write_begin(struct dp_leg *l)
{
	__atomic_store_n(&l->lseq, l->lseq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static inline void
latch_write_end(struct dp_leg *l)
{
	__atomic_store_n(&l->lseq, l->lseq + 1, __ATOMIC_RELEASE);
}

/* LEG_REMOTE with RELATCH: the control plane voided the latches. */
static void
latch_reset(struct dp_leg *l, const struct dp_leg_cfg *c)
{
	latch_write_begin(l);
	l->latch[0].valid = 0;
	l->latch[1].valid = 0;
	l->latch_gen = c->relatch_gen;
	latch_write_end(l);
}

static void
latch_set(struct dp_lcore *lc, struct dp_relay *r, struct dp_leg *l,
	  const struct dp_leg_cfg *c, unsigned int ch, const uint8_t *src,
	  uint16_t sport)
{
	struct dp_leg_stats *st = &r->st[c->id]; /* rare: line 1 is fine */
	struct dp_latch *lt = &l->latch[ch];
	struct dp_leg_note n;
	size_t alen = c->family == AF_INET ? 4 : 16;

	latch_write_begin(l);
	memset(lt->addr, 0, sizeof(lt->addr));
	memcpy(lt->addr, src, alen);
	lt->port = sport;
	lt->valid = 1;
	latch_write_end(l);
	l->heard_ns[ch] = lc->now_ns;
	st->latches++;
	dp_count(lc, DP_CNT_LEG_LATCH);
	/* The main lcore turns it into LEG_LATCHED: only it writes the
	 * event ring. */
	memset(&n, 0, sizeof(n));
	n.id = c->id;
	n.gen = c->gen;
	n.latches = st->latches;
	n.port = sport;
	n.family = c->family;
	n.rtcp = (uint8_t)ch;
	memcpy(n.addr, lt->addr, 16);
	/* Ring full: the latch stands, only its note is lost; the main
	 * lcore's scan sees latches move and sends the event then. */
	if (rte_ring_sp_enqueue_elem(r->latch[lc->idx], &n, sizeof(n)) != 0)
		dp_count(lc, DP_CNT_LEG_NOTE_LOST);
}

/*
 * The latching rules (docs/relay.md "Latching"): may a packet from
 * (src, sport) on channel ch (0 RTP port, 1 separate RTCP port) of leg
 * l pass, and does it (re)latch?
 */
static bool
src_accept(struct dp_lcore *lc, struct dp_relay *r, struct dp_leg *l,
	   const struct dp_leg_cfg *c, unsigned int ch, const uint8_t *src,
	   uint16_t sport)
{
	const struct dp_latch *lt = &l->latch[ch];
	bool ip_ok, lt_valid = lt->valid;

	ip_ok = !(c->flags & DP_LEG_F_SAME_IP) || !c->has_remote ||
		addr_eq(src, c->r_addr, c->family);
	/* RTCP follows RTP (RTP bleed through RTCP, RFC 3550 6 gives the
	 * RTCP port no identity of its own): the separate RTCP port latches
	 * only the latched RTP source's address (its NAT's other port, any
	 * port); before RTP latched, only the signalled remote's address if
	 * there is one. An RTCP latch from another address than a later RTP
	 * latch is stale: as if none. */
	if (ch == 1 && l->latch[0].valid) {
		ip_ok = ip_ok && addr_eq(src, l->latch[0].addr, c->family);
		if (lt_valid && !addr_eq(lt->addr, l->latch[0].addr, c->family))
			lt_valid = false;
	} else if (ch == 1 && c->has_remote) {
		ip_ok = ip_ok && addr_eq(src, c->r_addr, c->family);
	}
	if (c->flags & DP_LEG_F_LATCH) {
		if (lt_valid) {
			if (lt->port == sport &&
			    addr_eq(lt->addr, src, c->family)) {
				l->heard_ns[ch] = lc->now_ns;
				return true;
			}
			/* RTP bleed: no takeover while the latched source
			 * talks, none at all with STRICT */
			if ((c->flags & DP_LEG_F_STRICT) || !ip_ok ||
			    lc->now_ns - l->heard_ns[ch] < c->relatch_ns)
				return false;
		} else if (!ip_ok) {
			return false;
		}
		if (dp_leg_own_addr(r, c->family, src))
			return false;
		latch_set(lc, r, l, c, ch, src, sport);
		return true;
	}
	if (c->has_remote && (c->flags & DP_LEG_F_STRICT))
		return sport == (ch ? c->r_rtcp_port : c->r_rtp_port) &&
		       addr_eq(src, c->r_addr, c->family);
	return true;
}

/* Where the peer b's media goes: latched, else signalled. */
static bool
peer_dest(const struct dp_leg *b, const struct dp_leg_cfg *cb, bool rtcp,
	  struct dest *d, uint32_t *lseqp)
{
	struct dp_latch lt[2];
	uint32_t s, gen;

	for (;;) {
		s = __atomic_load_n(&b->lseq, __ATOMIC_ACQUIRE);
		if (unlikely(s & 1)) {
			rte_pause(); /* its owner is writing: a few ns */
			continue;
		}
		memcpy(lt, b->latch, sizeof(lt));
		gen = b->latch_gen;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&b->lseq, __ATOMIC_RELAXED) == s)
			break;
	}
	*lseqp = s;
	if (gen != cb->relatch_gen)
		lt[0].valid = lt[1].valid = 0; /* voided, owner not yet told */
	if (!rtcp || cb->mux) {
		if (lt[0].valid) {
			memcpy(d->addr, lt[0].addr, 16);
			d->port = lt[0].port;
			return true;
		}
		if (!cb->has_remote)
			return false;
		memcpy(d->addr, cb->r_addr, 16);
		d->port = cb->r_rtp_port;
		return true;
	}
	/* RTCP to a leg without rtcp-mux: its latched RTCP source; else
	 * the latched RTP source's address (behind NAT the signalled one is
	 * not reachable) with the signalled RTCP port if that address was
	 * the signalled one, else the next port (RFC 3550 11; none after
	 * 65535); else the signalled remote */
	/* an RTCP latch from another address than the RTP latch is stale
	 * (src_accept(): RTCP follows RTP) */
	if (lt[1].valid && lt[0].valid &&
	    !addr_eq(lt[1].addr, lt[0].addr, cb->family))
		lt[1].valid = 0;
	if (lt[1].valid) {
		memcpy(d->addr, lt[1].addr, 16);
		d->port = lt[1].port;
		return true;
	}
	if (lt[0].valid && cb->has_remote &&
	    addr_eq(lt[0].addr, cb->r_addr, cb->family)) {
		memcpy(d->addr, lt[0].addr, 16);
		d->port = cb->r_rtcp_port;
		return true;
	}
	if (!lt[0].valid) {
		if (!cb->has_remote)
			return false;
		memcpy(d->addr, cb->r_addr, 16);
		d->port = cb->r_rtcp_port;
		return true;
	}
	if (lt[0].port == 0xffff)
		return false;
	memcpy(d->addr, lt[0].addr, 16);
	d->port =
		rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(lt[0].port) + 1));
	return true;
}

/* Next hop of dst on ifc and its MAC from the worker-readable cache.
 * 0, -ENOENT (not resolved: the main lcore resolves) or -EHOSTUNREACH. */
static int
egress_resolve(const struct dp_iface *ifc, uint8_t family, const uint8_t *dst,
	       struct dp_leg_egress *eg)
{
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	const uint8_t *nh = NULL;
	uint32_t d4;
	unsigned int i;

	if (family == AF_INET) {
		memcpy(&d4, dst, 4);
		/* media is never broadcast (the main lcore would send it to
		 * every host of the link) */
		if (dp_addr4_is_bcast(a, d4))
			return -EHOSTUNREACH;
		for (i = 0; i < a->nb4 && nh == NULL; i++)
			if (dp_prefix4_match(d4, a->a4[i].addr, a->a4[i].plen))
				nh = dst;
		if (nh == NULL && a->has_gw4)
			nh = (const uint8_t *)&a->gw4;
	} else {
		/* fe80::/10 is on-link (RFC 4291 2.5.6) */
		if (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80)
			nh = dst;
		for (i = 0; i < a->nb6 && nh == NULL; i++)
			if (dp_prefix6_match(dst, a->a6[i].addr, a->a6[i].plen))
				nh = dst;
		if (nh == NULL && a->has_gw6)
			nh = a->gw6;
	}
	if (nh == NULL)
		return -EHOSTUNREACH;
	if (ifc->neigh == NULL ||
	    dp_nbr_lookup(dp_iface_nbr(ifc), family, nh, &eg->nbr_idx,
			  &eg->nbr_seq, &eg->mac) != 0)
		return -ENOENT;
	eg->valid = 1;
	return 0;
}

static void flush_one(struct dp_lcore *lc, struct dp_relay *r, unsigned int i);

/* The next hop is not known here: the main lcore resolves and sends. */
static void
to_main(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	struct dp_pkt_info pi;

	dp_count(lc, DP_CNT_RELAY_RESOLVE);
	rte_pktmbuf_adj(m, m->l2_len);
	m->port = ifc->idx;
	if (lc->exc_ring == NULL) {
		dp_relay_resolve(lc, ifc, m);
		return;
	}
	memset(&pi, 0, sizeof(pi));
	pi.l3_len = m->l3_len;
	pi.ip_len = rte_pktmbuf_pkt_len(m);
	pi.proto = IPPROTO_UDP;
	dp_pkt_info_store(m, DP_CLASS_RELAY_OUT, &pi);
	if (rte_ring_sp_enqueue(lc->exc_ring, m) != 0)
		drop_m(lc, ifc, m, DP_DROP_EXC_RING_FULL);
}

static inline void
tx_add(struct dp_lcore *lc, struct dp_relay *r, struct dp_iface *ifc,
       struct rte_mbuf *m, uint32_t id)
{
	struct dp_txbuf *tb = &lc->txb[ifc->idx];

	if (unlikely(lc->txq[ifc->idx] == DP_TXQ_NONE)) {
		to_main(lc, ifc, m);
		return;
	}
	m->hash.usr = id; /* a send that fails is the leg's drop */
	tb->pkts[tb->n++] = m;
	tb->bytes += rte_pktmbuf_pkt_len(m);
	if (tb->n == DP_BURST)
		flush_one(lc, r, ifc->idx);
}

/* The accepted packet m of leg a goes out of a's peer. */
static void
relay_out(struct dp_lcore *lc, struct dp_relay *r, struct rte_mbuf *m,
	  struct dp_leg *a, const struct dp_leg_cfg *ca,
	  struct dp_leg_stats *st, bool rtcp, uint32_t id)
{
	const struct dp_iface *ifa = &r->ifaces[ca->ifidx];
	const struct dp_leg_cfg *cb;
	struct dp_leg_egress *eg = &a->eg[rtcp];
	struct dp_iface *ifb;
	struct xl_out o;
	struct dest d;
	uint32_t lseq, gen, len;
	int rc = 0;

	if (ca->peer == DP_LEG_NONE)
		goto no_peer;
	cb = __atomic_load_n(&r->legs[ca->peer].cfg, __ATOMIC_ACQUIRE);
	if (cb == NULL || !peer_dest(&r->legs[ca->peer], cb, rtcp, &d, &lseq))
		goto no_peer;
	ifb = &r->ifaces[cb->ifidx];
	gen = __atomic_load_n(&ifb->addr_gen, __ATOMIC_ACQUIRE);
	if (!eg->valid || eg->peer_ver != cb->ver || eg->peer_lseq != lseq ||
	    eg->addr_gen != (uint16_t)gen ||
	    !dp_nbr_valid(dp_iface_nbr(ifb), eg->nbr_idx, eg->nbr_seq)) {
		eg->valid = 0;
		eg->peer_ver = cb->ver;
		eg->peer_lseq = lseq;
		eg->addr_gen = (uint16_t)gen;
		rc = egress_resolve(ifb, cb->family, d.addr, eg);
		if (rc == -EHOSTUNREACH) {
			leg_drop(lc, ifa, st, m, DP_DROP_NO_ROUTE,
				 DP_LEG_DROP_OTHER);
			return;
		}
	}
	/* RFC 8200 5 / RFC 791: we do not fragment; the sender's MTU
	 * discovery sees the loss */
	len = (cb->family == AF_INET6 ? 40u : 20u) +
	      be16(rte_pktmbuf_mtod_offset(m, const uint8_t *,
					   m->l2_len + m->l3_len + 4));
	if (len > ifb->mtu) {
		leg_drop(lc, ifa, st, m, DP_DROP_LEG_MTU, DP_LEG_DROP_OTHER);
		return;
	}
	o.ifc = ifb;
	o.dmac = &eg->mac;
	o.saddr = cb->addr;
	o.daddr = d.addr;
	o.sport = rtcp ? cb->rtcp_port : cb->rtp_port;
	o.dport = d.port;
	o.out6 = cb->family == AF_INET6;
	o.dscp = cb->dscp;
	len = xl_rewrite(m, &o);
	if (unlikely(len == 0)) {
		leg_drop(lc, ifa, st, m, DP_DROP_NO_MBUF, DP_LEG_DROP_OTHER);
		return;
	}
	st->fwd_pkts++;
	st->fwd_bytes += len;
	if (rc != 0)
		to_main(lc, ifb, m);
	else
		tx_add(lc, r, ifb, m, id);
	return;
no_peer:
	leg_drop(lc, ifa, st, m, DP_DROP_LEG_NO_PEER, DP_LEG_DROP_NO_PEER);
}

/* One packet of leg a on its owner. */
static void
relay_one(struct dp_lcore *lc, struct dp_relay *r, const struct rx_ctx *x)
{
	struct rte_mbuf *m = x->m;
	struct dp_leg *a = x->a;
	const struct dp_leg_cfg *ca = x->ca;
	const struct dp_iface *ifa = &r->ifaces[ca->ifidx];
	struct dp_leg_stats *st = &r->st[x->v >> 1];
	const uint8_t *ip =
		rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	const uint8_t *udp = ip + m->l3_len;
	uint32_t plen = be16(udp + 4) - 8u;
	unsigned int ch = x->v & 1;
	uint16_t sport;
	bool rtcp = x->rtcp;

	if (unlikely(x->bad != 0)) {
		leg_drop(lc, ifa, st, m, (enum dp_drop)x->bad,
			 DP_LEG_DROP_NOT_RTP);
		return;
	}
	if (unlikely(a->latch_gen != ca->relatch_gen))
		latch_reset(a, ca);
	memcpy(&sport, udp, 2);
	if (!src_accept(lc, r, a, ca, ch, ip + (m->l3_len == 20 ? 12 : 8),
			sport)) {
		leg_drop(lc, ifa, st, m, DP_DROP_LEG_SRC, DP_LEG_DROP_SRC);
		return;
	}
	if (ca->police_on) {
		if (a->pol_gen != ca->police_gen) {
			dp_police_init(&a->pol, &ca->police, lc->now_ns);
			a->pol_gen = ca->police_gen;
		}
		if (!dp_police_admit(&a->pol, &ca->police, m->l3_len + plen + 8,
				     lc->now_ns)) {
			leg_drop(lc, ifa, st, m, DP_DROP_LEG_POLICE,
				 DP_LEG_DROP_POLICE);
			return;
		}
	}
	st->rx_pkts++;
	st->rx_bytes += m->l3_len + plen + 8;
	st->last_rx_ns = lc->now_ns;
	if (rtcp)
		st->rtcp_pkts++;
	else
		dp_rtp_stats_update(st, &x->ri, lc->now_ns, ca->clock_hz);
	relay_out(lc, r, m, a, ca, st, rtcp, x->v >> 1);
}

/* The leg is another lcore's: hand the packet over. */
static void
handoff(struct dp_lcore *lc, struct dp_relay *r, const struct dp_iface *ifc,
	struct rte_mbuf *m, uint32_t v, uint32_t gen, uint8_t owner)
{
	struct rte_ring *ring = NULL;

	if (owner < r->nb_lcores && lc->idx < r->nb_lcores)
		ring = r->handoff[lc->idx][owner];
	m->hash.fdir.lo = v;
	m->hash.fdir.hi = gen;
	if (ring == NULL || rte_ring_sp_enqueue(ring, m) != 0) {
		drop_m(lc, ifc, m, DP_DROP_HANDOFF_FULL);
		return;
	}
	dp_count(lc, DP_CNT_HANDOFF_TX);
}

/* Lookup and the stages of a burst of media packets (n <= DP_BURST). */
static void
relay_media(struct dp_lcore *lc, struct dp_relay *r, struct dp_iface *ifc,
	    struct rte_mbuf **media, const struct dp_leg_key *keys, uint16_t n)
{
	const void *kp[DP_BURST];
	void *data[DP_BURST];
	struct rx_ctx cx[DP_BURST];
	uint64_t hits = 0;
	uint16_t j, nc = 0, nr = 0;
	uint32_t hint;
	uint8_t owner;

	for (j = 0; j < n; j++)
		kp[j] = &keys[j];
	rte_hash_lookup_bulk_data(r->hash, kp, n, &hits, data);
	/* Everything the leg id gives at once: its slot (the shared line
	 * and the owner's) and its counters. */
	for (j = 0; j < n; j++) {
		uint32_t id;

		if (!((hits >> j) & 1)) {
			drop_m(lc, ifc, media[j], DP_DROP_MEDIA_NO_LEG);
			continue;
		}
		cx[nc].m = media[j];
		cx[nc].v = (uint32_t)(uintptr_t)data[j];
		id = cx[nc].v >> 1;
		cx[nc].a = &r->legs[id];
		rte_prefetch0(cx[nc].a);
		rte_prefetch0((const uint8_t *)cx[nc].a + RTE_CACHE_LINE_SIZE);
		rte_prefetch0(&r->st[id]);
		rte_prefetch0((const uint8_t *)&r->st[id] +
			      RTE_CACHE_LINE_SIZE);
		nc++;
	}
	/* The packets' own checks meanwhile: they need no leg state. */
	for (j = 0; j < nc; j++)
		pkt_check(&cx[j]);
	for (j = 0; j < nc; j++) {
		struct rx_ctx *x = &cx[j];

		x->ca = __atomic_load_n(&x->a->cfg, __ATOMIC_ACQUIRE);
		if (unlikely(x->ca == NULL)) { /* deleted under us */
			drop_m(lc, ifc, x->m, DP_DROP_MEDIA_NO_LEG);
			continue;
		}
		owner = __atomic_load_n(&x->a->owner, __ATOMIC_RELAXED);
		if (unlikely(owner != lc->idx)) {
			if (owner != DP_LEG_OWNER_NONE ||
			    !__atomic_compare_exchange_n(
				    &x->a->owner, &owner, (uint8_t)lc->idx,
				    false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE)) {
				handoff(lc, r, ifc, x->m, x->v, x->ca->gen,
					owner);
				continue;
			}
		}
		/* the configuration and, together, the peer's slot (its
		 * latched remote; by the hint of the same line) */
		rte_prefetch0(x->ca);
		hint = __atomic_load_n(&x->a->peer_hint, __ATOMIC_RELAXED);
		if (hint < r->max_legs)
			rte_prefetch0(&r->legs[hint]);
		cx[nr++] = *x;
	}
	/* then the peer's configuration */
	for (j = 0; j < nr; j++) {
		hint = __atomic_load_n(&cx[j].a->peer_hint, __ATOMIC_RELAXED);
		if (hint < r->max_legs)
			rte_prefetch0(__atomic_load_n(&r->legs[hint].cfg,
						      __ATOMIC_RELAXED));
	}
	for (j = 0; j < nr; j++)
		relay_one(lc, r, &cx[j]);
}

static inline void
key_from_pkt(struct dp_leg_key *k, const struct dp_iface *ifc,
	     const uint8_t *frame, const struct dp_pkt_info *pi)
{
	const uint8_t *ip = frame + pi->l2_len;
	uint16_t dport;

	memcpy(&dport, ip + pi->l3_len + 2, 2);
	if (pi->ethertype == RTE_ETHER_TYPE_IPV4)
		dp_leg_key_set(k, ifc->idx, AF_INET, ip + 16, dport);
	else
		dp_leg_key_set(k, ifc->idx, AF_INET6, ip + 24, dport);
}

uint16_t
dp_relay_burst(struct dp_lcore *lc, struct dp_iface *ifc,
	       struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_relay *r = lc->relay;
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	struct dp_leg_key keys[DP_BURST];
	struct rte_mbuf *media[DP_BURST];
	struct dp_pkt_info pi;
	enum dp_class cls;
	uint16_t i, keep = 0, k = 0;

	for (i = 0; i < n && i < 2 * DP_BURST; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *frame = rte_pktmbuf_mtod(m, const uint8_t *);

		if (i + 2 * DP_BURST < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 2 * DP_BURST],
						       void *));
		if (unlikely(!rte_pktmbuf_is_contiguous(m))) {
			drop_m(lc, ifc, m, DP_DROP_MBUF_CHAINED);
			continue;
		}
		cls = dp_classify(ifc, a, frame, rte_pktmbuf_data_len(m), &pi);
		if (cls == DP_CLASS_MEDIA) {
			if (unlikely(r == NULL)) {
				drop_m(lc, ifc, m, DP_DROP_MEDIA_NO_LEG);
				continue;
			}
			key_from_pkt(&keys[k], ifc, frame, &pi);
			m->l2_len = pi.l2_len;
			m->l3_len = pi.l3_len;
			media[k++] = m;
			if (k == DP_BURST) {
				relay_media(lc, r, ifc, media, keys, k);
				k = 0;
			}
		} else if (cls == DP_CLASS_DROP) {
			drop_m(lc, ifc, m, pi.drop);
		} else {
			m->port = ifc->idx;
			dp_pkt_info_store(m, cls, &pi);
			pkts[keep++] = m;
		}
	}
	if (k > 0)
		relay_media(lc, r, ifc, media, keys, k);
	return keep;
}

void
dp_relay_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	       const struct dp_pkt_info *pi)
{
	struct dp_leg_key k;

	if (lc->relay == NULL) {
		drop_m(lc, ifc, m, DP_DROP_MEDIA_NO_LEG);
		return;
	}
	key_from_pkt(&k, ifc, rte_pktmbuf_mtod(m, const uint8_t *), pi);
	m->l2_len = pi->l2_len;
	m->l3_len = pi->l3_len;
	relay_media(lc, lc->relay, ifc, &m, &k, 1);
}

void
dp_relay_handoff_poll(struct dp_lcore *lc)
{
	struct dp_relay *r = lc->relay;
	struct rte_mbuf *pkts[DP_BURST];
	struct rx_ctx x;
	unsigned int from, n, j;

	if (r == NULL || lc->idx >= r->nb_lcores)
		return;
	for (from = 0; from < r->nb_lcores; from++) {
		if (from == lc->idx)
			continue;
		n = rte_ring_sc_dequeue_burst(r->handoff[from][lc->idx],
					      (void **)pkts, DP_BURST, NULL);
		for (j = 0; j < n; j++) {
			x.m = pkts[j];
			x.v = x.m->hash.fdir.lo;
			x.a = &r->legs[x.v >> 1];
			x.ca = __atomic_load_n(&x.a->cfg, __ATOMIC_ACQUIRE);
			dp_count(lc, DP_CNT_HANDOFF_RX);
			/* gen: not a later leg that reused the id */
			if (x.ca == NULL || x.ca->gen != x.m->hash.fdir.hi) {
				drop_m(lc, NULL, x.m, DP_DROP_MEDIA_NO_LEG);
				continue;
			}
			pkt_check(&x);
			relay_one(lc, r, &x);
		}
	}
}

static void
flush_one(struct dp_lcore *lc, struct dp_relay *r, unsigned int i)
{
	struct dp_txbuf *tb = &lc->txb[i];
	struct dp_iface *ifc = &r->ifaces[i];
	struct dp_stats_port_lcore *pc = &lc->stats->port[i].lcore[lc->idx];
	uint16_t sent, j;

	if (lc->tx_burst != NULL)
		sent = lc->tx_burst(lc, ifc, lc->txq[i], tb->pkts, tb->n);
	else
		sent = rte_eth_tx_burst(ifc->port_id, lc->txq[i], tb->pkts,
					tb->n);
	for (j = sent; j < tb->n; j++) {
		struct rte_mbuf *m = tb->pkts[j];
		struct dp_leg_stats *st = &r->st[m->hash.usr];
		uint32_t len = rte_pktmbuf_pkt_len(m);

		tb->bytes -= len;
		st->fwd_pkts--;
		st->fwd_bytes -= len - m->l2_len;
		st->drops[DP_LEG_DROP_OTHER]++;
		drop_m(lc, ifc, m, DP_DROP_TX_FULL);
	}
	pc->tx_pkts += sent;
	pc->tx_bytes += tb->bytes;
	lc->st->cnt[DP_CNT_RELAY_TX] += sent;
	tb->n = 0;
	tb->bytes = 0;
}

void
dp_relay_flush(struct dp_lcore *lc)
{
	struct dp_relay *r = lc->relay;
	unsigned int i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nb_ifaces; i++)
		if (lc->txb[i].n > 0)
			flush_one(lc, r, i);
}

void
dp_relay_resolve(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	dp_route_output(lc, ifc, m);
}
