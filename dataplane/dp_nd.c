/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 neighbour discovery (RFC 4861) for the ESG's own addresses: answer
 * neighbour solicitations (unicast, solicited-node multicast and DAD),
 * learn from solicitations and advertisements, solicit next hops, and see
 * the conflicts of addresses being probed (dp_probe.c). Main
 * lcore. Router advertisements go to dp_ra.c; router solicitations (we
 * are a host, RFC 4861 6.2.6) and redirects are dropped by the classifier.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"

#define ND_RA 134
#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20
#define ND_HDR_LEN 24 /* type, code, csum, flags/reserved, target */
#define ND_OPT_LLA_LEN 8

struct nd_msg {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	uint8_t flags;
	uint8_t reserved[3];
	uint8_t target[16];
} __rte_packed;

/* RFC 4861 4.6: walk the options; every one has a non-zero length
 * (7.1.1, 7.1.2). Returns the link-layer address option of type want, or
 * NULL; -1 through *bad on a malformed list. */
static const uint8_t *
nd_opt_lla(const uint8_t *opt, uint32_t len, uint8_t want, bool *bad)
{
	const uint8_t *lla = NULL;
	uint32_t olen;

	*bad = false;
	while (len > 0) {
		if (len < 2 || opt[1] == 0) {
			*bad = true;
			return NULL;
		}
		olen = (uint32_t)opt[1] * 8;
		if (olen > len) {
			*bad = true;
			return NULL;
		}
		if (opt[0] == want && olen == ND_OPT_LLA_LEN)
			lla = opt + 2;
		opt += olen;
		len -= olen;
	}
	return lla;
}

static void
snm_of(const uint8_t *addr, uint8_t *snm)
{
	static const uint8_t pfx[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};

	memcpy(snm, pfx, 13);
	memcpy(snm + 13, addr + 13, 3);
}

/* RFC 2464 7: multicast IPv6 -> 33:33 + the last four bytes. */
static void
mcast_mac(const uint8_t *ip, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], ip + 12, 4);
}

/* Turn the NS in m into our NA for target (RFC 4861 7.2.4). */
static enum dp_action
nd_answer(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	  const struct dp_pkt_info *pi, const uint8_t *target, bool dad)
{
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
	uint32_t want = pi->l2_len + sizeof(struct rte_ipv6_hdr) + ND_HDR_LEN +
			ND_OPT_LLA_LEN;
	struct rte_ipv6_hdr *ip;
	struct nd_msg *na;
	uint8_t tgt[16], *opt;
	uint16_t csum;

	memcpy(tgt, target, 16);
	if (rte_pktmbuf_data_len(m) < want) {
		if (rte_pktmbuf_append(m, want - rte_pktmbuf_data_len(m)) ==
		    NULL) {
			dp_drop(lc, ifc, DP_DROP_NO_MBUF);
			return DP_ACT_DROP;
		}
	} else {
		rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - want);
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, pi->l2_len);
	na = (struct nd_msg *)(ip + 1);
	opt = (uint8_t *)(na + 1);

	dp_eth_reply(ifc, m);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(ND_HDR_LEN + ND_OPT_LLA_LEN);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	if (dad) {
		/* 7.2.4: a DAD probe is answered to all-nodes, S = 0. */
		memcpy(ip->dst_addr, all_nodes, 16);
		mcast_mac(
			all_nodes,
			&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr);
	} else {
		memcpy(ip->dst_addr, ip->src_addr, 16);
	}
	memcpy(ip->src_addr, tgt, 16);
	na->type = ND_NA;
	na->code = 0;
	na->csum = 0;
	na->flags = ND_NA_FLAG_OVERRIDE | (dad ? 0 : ND_NA_FLAG_SOLICITED);
	memset(na->reserved, 0, sizeof(na->reserved));
	memcpy(na->target, tgt, 16);
	opt[0] = ND_OPT_TLLA;
	opt[1] = 1;
	memcpy(opt + 2, &ifc->mac, RTE_ETHER_ADDR_LEN);
	csum = dp_csum6(ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, na,
			ND_HDR_LEN + ND_OPT_LLA_LEN);
	na->csum = rte_cpu_to_be_16((uint16_t)~csum);
	dp_count(lc, dad ? DP_CNT_ND_DAD_DEFEND : DP_CNT_ND_NA_TX);
	return DP_ACT_TX;
}

static const struct rte_ether_addr *
eth_src(const struct rte_mbuf *m)
{
	return &rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->src_addr;
}

static enum dp_action
nd_bad(struct dp_lcore *lc, struct dp_iface *ifc, enum dp_drop r)
{
	dp_drop(lc, ifc, r);
	return DP_ACT_DROP;
}

enum dp_action
dp_nd_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	    const struct dp_pkt_info *pi)
{
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, pi->l2_len);
	const struct nd_msg *nd = (const struct nd_msg *)(ip + 1);
	uint32_t len = pi->ip_len - (uint32_t)sizeof(*ip);
	const uint8_t *lla;
	bool unspec, bad;
	static const uint8_t zero[16];

	/* Router advertisements: dp_ra.c (their own 6.1.2 validation). */
	if (nd->type == ND_RA)
		return dp_ra_input(lc, ifc, m, pi);
	/* 7.1.1 / 7.1.2: hop limit 255 proves the sender is on-link. */
	if (ip->hop_limits != 255)
		return nd_bad(lc, ifc, DP_DROP_ND_HOPLIMIT);
	if (dp_csum6(ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, nd, len) !=
	    0xffff)
		return nd_bad(lc, ifc, DP_DROP_ICMP_BAD);
	if (len < ND_HDR_LEN || nd->code != 0 || nd->target[0] == 0xff)
		return nd_bad(lc, ifc, DP_DROP_ND_BAD);
	unspec = memcmp(ip->src_addr, zero, 16) == 0;

	if (nd->type == ND_NS) {
		lla = nd_opt_lla((const uint8_t *)(nd + 1), len - ND_HDR_LEN,
				 ND_OPT_SLLA, &bad);
		if (bad)
			return nd_bad(lc, ifc, DP_DROP_ND_BAD);
		dp_count(lc, DP_CNT_ND_NS_RX);
		/* RFC 4862 5.4.3: another host's DAD for an address we are
		 * probing (5.4.2: to its solicited-node group, no SLLA). */
		if (unspec && lla == NULL && a->nb_probe > 0 &&
		    dp_addr6_is_snm_probed(a, ip->dst_addr) &&
		    dp_addr6_is_probed(a, nd->target) &&
		    dp_probe_dad_ns(lc, ifc, nd->target, eth_src(m)))
			return DP_ACT_DONE;
		/* 7.1.1: DAD comes to the solicited-node group without an
		 * SLLA option. */
		if (unspec &&
		    (!dp_addr6_is_snm_ours(a, ip->dst_addr) || lla != NULL))
			return nd_bad(lc, ifc, DP_DROP_ND_BAD);
		if (!dp_addr6_is_ours(a, nd->target))
			return nd_bad(lc, ifc, DP_DROP_ND_NOT_OURS);
		/* 7.2.3: create or update the sender's entry. */
		if (!unspec && lla != NULL)
			dp_neigh_learn(lc, ifc, AF_INET6, ip->src_addr,
				       (const struct rte_ether_addr *)lla,
				       true);
		return nd_answer(lc, ifc, m, pi, nd->target, unspec);
	}

	/* Neighbour advertisement (7.1.2). */
	if (unspec)
		return nd_bad(lc, ifc, DP_DROP_ND_BAD);
	if (ip->dst_addr[0] == 0xff && (nd->flags & ND_NA_FLAG_SOLICITED))
		return nd_bad(lc, ifc, DP_DROP_ND_BAD);
	lla = nd_opt_lla((const uint8_t *)(nd + 1), len - ND_HDR_LEN,
			 ND_OPT_TLLA, &bad);
	if (bad)
		return nd_bad(lc, ifc, DP_DROP_ND_BAD);
	dp_count(lc, DP_CNT_ND_NA_RX);
	/* RFC 4862 5.4.4: an NA for an address we are probing. */
	if (a->nb_probe > 0 && dp_addr6_is_probed(a, nd->target) &&
	    dp_probe_na(lc, ifc, nd->target,
			lla != NULL ? (const struct rte_ether_addr *)lla
				    : eth_src(m)))
		return DP_ACT_DONE;
	if (dp_addr6_is_ours(a, nd->target))
		return nd_bad(lc, ifc, DP_DROP_ND_CONFLICT);
	/* 7.2.5: no entry, no state: an unsolicited NA creates nothing. */
	if (lla != NULL)
		dp_neigh_learn(lc, ifc, AF_INET6, nd->target,
			       (const struct rte_ether_addr *)lla, false);
	return DP_ACT_DONE;
}

int
dp_nd_solicit(struct dp_lcore *lc, struct dp_iface *ifc,
	      const uint8_t target[16])
{
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	uint32_t plen = ND_HDR_LEN + ND_OPT_LLA_LEN;
	struct rte_ether_addr dmac;
	struct rte_ipv6_hdr *ip;
	struct nd_msg *ns;
	struct rte_mbuf *m;
	unsigned int i;
	uint8_t *opt;

	if (a->nb6 == 0)
		return -EADDRNOTAVAIL;
	m = rte_pktmbuf_alloc(lc->pool);
	if (m == NULL) {
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return -ENOBUFS;
	}
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + plen);
	if (ip == NULL) {
		rte_pktmbuf_free(m);
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return -ENOBUFS;
	}
	memset(ip, 0, sizeof(*ip) + plen);
	ns = (struct nd_msg *)(ip + 1);
	opt = (uint8_t *)(ns + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	/* 7.2.2: a source address of the interface, on-prefix if we can. */
	memcpy(ip->src_addr, a->a6[0].addr, 16);
	for (i = 0; i < a->nb6; i++) {
		if (dp_prefix6_match(a->a6[i].addr, target, a->a6[i].plen)) {
			memcpy(ip->src_addr, a->a6[i].addr, 16);
			break;
		}
	}
	snm_of(target, ip->dst_addr);
	ns->type = ND_NS;
	memcpy(ns->target, target, 16);
	opt[0] = ND_OPT_SLLA;
	opt[1] = 1;
	memcpy(opt + 2, &ifc->mac, RTE_ETHER_ADDR_LEN);
	ns->csum = rte_cpu_to_be_16((uint16_t)~dp_csum6(
		ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, ns, plen));
	mcast_mac(ip->dst_addr, &dmac);
	if (dp_eth_prepend(ifc, m, &dmac, RTE_ETHER_TYPE_IPV6) != 0) {
		rte_pktmbuf_free(m);
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return -ENOBUFS;
	}
	dp_count(lc, DP_CNT_ND_NS_TX);
	lc->xmit(lc, ifc, m);
	return 0;
}
