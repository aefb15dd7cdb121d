/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Router discovery of a host (RFC 4861 6.3.4, 6.3.7) on the main lcore:
 * validate router advertisements (6.1.2), record the router's link-layer
 * address, and while the interface has no gateway6 of its own (the
 * configuration's or IF_GW's, which win) take the first router with a
 * non-zero lifetime as its IPv6 default gateway: published with the
 * address list like IF_GW (workers read it there, addr_gen bumped) and as
 * the exception interface's default route (metric DP_RA_METRIC), so the
 * kernel's own traffic (DHCPv6, TFTP, syslog of the control plane)
 * follows. It expires after the router lifetime of its last RA; lifetime
 * 0 removes it at once. Router solicitations: DP_RS_MAX, DP_RS_INTERVAL_NS
 * apart, when the port opens and on link up, until an RA answers.
 * Not done here (docs/dataplane.md): prefix information (no SLAAC: DHCPv6
 * gives the addresses), MTU, reachable time / retrans timer, more than
 * one router, router preference (RFC 4191).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"

#define ND_RS 133
#define ND_OPT_SLLA 1
#define RA_HDR_LEN                                                             \
	16 /* type, code, csum, hop limit, flags, lifetime, 2 timers */
#define RS_HDR_LEN 8 /* type, code, csum, reserved */
#define ND_OPT_LLA_LEN 8
#define RA_NS_PER_S 1000000000ull

static bool
is_ll(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static enum dp_action
ra_bad(struct dp_lcore *lc, struct dp_iface *ifc)
{
	dp_drop(lc, ifc, DP_DROP_ND_RA_BAD);
	return DP_ACT_DROP;
}

/*
 * Publish gw6 = the router (set) or no gw6, with the tun's default route
 * of metric DP_RA_METRIC following. A refused route on set leaves all as
 * it was; on clear the gateway goes anyway.
 */
static int
ra_publish(struct dp_lcore *lc, struct dp_iface *ifc, bool set)
{
	struct dp_addrs *a = malloc(sizeof(*a));
	int err = 0;

	if (a == NULL)
		return -ENOMEM;
	*a = *ifc->addrs;
	a->has_gw6 = set;
	memset(a->gw6, 0, 16);
	if (set)
		memcpy(a->gw6, ifc->ra.router, 16);
	if (ifc->has_tun && lc->kif_route != NULL)
		err = lc->kif_route(ifc->tun_ifindex, AF_INET6, DP_RA_METRIC,
				    set);
	if (err && set) {
		free(a);
		return err;
	}
	dp_addrs_publish(lc->qsbr, ifc, a);
	return 0;
}

static void
ra_install(struct dp_lcore *lc, struct dp_iface *ifc)
{
	int err = ra_publish(lc, ifc, true);

	if (err) {
		/* the next RA tries again */
		DP_WARN("interface %s: RA router: %s", ifc->name,
			strerror(-err));
		return;
	}
	ifc->ra.installed = true;
	dp_count(lc, DP_CNT_RA_ROUTER_SET);
	DP_INFO("interface %s: IPv6 default router from RA", ifc->name);
}

/* Forget the router (expired or lifetime 0): 6.3.4 / 6.3.5. */
static void
ra_forget(struct dp_lcore *lc, struct dp_iface *ifc)
{
	if (ifc->ra.installed) {
		(void)ra_publish(lc, ifc, false);
		ifc->ra.installed = false;
	}
	ifc->ra.have = false;
	memset(ifc->ra.router, 0, 16);
	dp_count(lc, DP_CNT_RA_ROUTER_EXPIRED);
	DP_INFO("interface %s: RA router gone", ifc->name);
}

/* RFC 4861 6.3.4: the Default Router List, kept to its first entry. */
static void
ra_update(struct dp_lcore *lc, struct dp_iface *ifc, const uint8_t *src,
	  uint16_t lifetime_s)
{
	struct dp_ra *r = &ifc->ra;

	if (r->have && memcmp(r->router, src, 16) != 0)
		return; /* one router: others wait until it is gone */
	if (lifetime_s == 0) {
		/* "immediately time-out the entry" */
		if (r->have)
			ra_forget(lc, ifc);
		return;
	}
	/* 6.3.7: a valid RA with a non-zero lifetime ends soliciting */
	r->rs_left = 0;
	r->expire_ns = lc->now_ns + (uint64_t)lifetime_s * RA_NS_PER_S;
	if (!r->have) {
		r->have = true;
		memcpy(r->router, src, 16);
	}
	if (!r->gw6_fixed && !r->installed)
		ra_install(lc, ifc);
}

enum dp_action
dp_ra_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	    const struct dp_pkt_info *pi)
{
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(
		m, const struct rte_ipv6_hdr *, pi->l2_len);
	const uint8_t *ra = (const uint8_t *)(ip + 1);
	uint32_t len = pi->ip_len - (uint32_t)sizeof(*ip), olen, off;
	const uint8_t *slla = NULL;

	/* RFC 4861 6.1.2: link-local source (routers use theirs), hop
	 * limit 255 (sent on this link), checksum, code 0, length >= 16,
	 * every option of non-zero length and within the message. */
	if (!is_ll(ip->src_addr) || ip->hop_limits != 255 || len < RA_HDR_LEN ||
	    ra[1] != 0 ||
	    dp_csum6(ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, ra, len) !=
		    0xffff)
		return ra_bad(lc, ifc);
	for (off = RA_HDR_LEN; off < len; off += olen) {
		if (len - off < 2 || ra[off + 1] == 0)
			return ra_bad(lc, ifc);
		olen = (uint32_t)ra[off + 1] * 8;
		if (olen > len - off)
			return ra_bad(lc, ifc);
		/* 4.6.1: Ethernet's is one unit; others are ignored (4.6:
		 * prefix information, MTU, unknown: skipped) */
		if (ra[off] == ND_OPT_SLLA && olen == ND_OPT_LLA_LEN)
			slla = ra + off + 2;
	}
	dp_count(lc, DP_CNT_ND_RA_RX);
	/* 6.3.4: the router's entry, created if need be, with its MAC */
	if (slla != NULL)
		dp_neigh_learn(lc, ifc, AF_INET6, ip->src_addr,
			       (const struct rte_ether_addr *)slla, true);
	ra_update(lc, ifc, ip->src_addr, (uint16_t)(ra[6] << 8 | ra[7]));
	return DP_ACT_DONE;
}

/* RFC 2464 7: multicast IPv6 -> 33:33 + the last four bytes. */
static void
mcast_mac(const uint8_t *ip, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], ip + 12, 4);
}

/* RFC 4861 4.1 / 6.3.7: to all-routers from the link-local address with
 * our link-layer address; from :: (no option, 4.1) without one. */
static int
rs_send(struct dp_lcore *lc, struct dp_iface *ifc)
{
	static const uint8_t all_routers[16] = {0xff, 0x02, [15] = 2};
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	const uint8_t *src = NULL;
	struct rte_ether_addr dmac;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint32_t plen;
	unsigned int i;
	uint16_t csum;
	uint8_t *rs;

	for (i = 0; i < a->nb6 && src == NULL; i++)
		if (is_ll(a->a6[i].addr))
			src = a->a6[i].addr;
	plen = RS_HDR_LEN + (src != NULL ? ND_OPT_LLA_LEN : 0);
	m = rte_pktmbuf_alloc(lc->pool);
	if (m == NULL)
		goto nombuf;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + plen);
	if (ip == NULL)
		goto nombuf;
	memset(ip, 0, sizeof(*ip) + plen);
	rs = (uint8_t *)(ip + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16((uint16_t)plen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	if (src != NULL) {
		memcpy(ip->src_addr, src, 16);
		rs[RS_HDR_LEN] = ND_OPT_SLLA;
		rs[RS_HDR_LEN + 1] = 1;
		memcpy(rs + RS_HDR_LEN + 2, &ifc->mac, RTE_ETHER_ADDR_LEN);
	}
	memcpy(ip->dst_addr, all_routers, 16);
	rs[0] = ND_RS;
	csum = rte_cpu_to_be_16((uint16_t)~dp_csum6(ip->src_addr, ip->dst_addr,
						    IPPROTO_ICMPV6, rs, plen));
	memcpy(rs + 2, &csum, 2);
	mcast_mac(all_routers, &dmac);
	if (dp_eth_prepend(ifc, m, &dmac, RTE_ETHER_TYPE_IPV6) != 0)
		goto nombuf;
	dp_count(lc, DP_CNT_ND_RS_TX);
	lc->xmit(lc, ifc, m);
	return 0;
nombuf:
	rte_pktmbuf_free(m);
	dp_drop(lc, ifc, DP_DROP_NO_MBUF);
	return -ENOBUFS;
}

void
dp_ra_solicit_start(struct dp_lcore *lc, struct dp_iface *ifc,
		    uint64_t delay_ns)
{
	/* a gateway of its own: no router to look for */
	if (ifc->ra.gw6_fixed)
		return;
	ifc->ra.rs_left = DP_RS_MAX;
	ifc->ra.rs_next_ns = lc->now_ns + delay_ns;
}

void
dp_ra_timer(struct dp_lcore *lc, struct dp_iface *ifc)
{
	struct dp_ra *r = &ifc->ra;

	if (r->have && lc->now_ns >= r->expire_ns)
		ra_forget(lc, ifc);
	if (r->rs_left > 0 && lc->now_ns >= r->rs_next_ns) {
		r->rs_left--;
		r->rs_next_ns = lc->now_ns + DP_RS_INTERVAL_NS;
		(void)rs_send(lc, ifc);
	}
}

void
dp_ra_gw_fixed(struct dp_lcore *lc, struct dp_iface *ifc, bool fixed)
{
	struct dp_ra *r = &ifc->ra;

	r->gw6_fixed = fixed;
	/* dp_gw_change() replaced the published gw6 and the tun's default
	 * route (clearing removes any default route of the tun) */
	if (fixed) {
		/* IF_GW published its gateway over ours: the learned one's
		 * route goes, the router stays known (it may come back) */
		if (r->installed && ifc->has_tun && lc->kif_route != NULL)
			(void)lc->kif_route(ifc->tun_ifindex, AF_INET6,
					    DP_RA_METRIC, false);
		r->installed = false;
		r->rs_left = 0;
		return;
	}
	r->installed = false;
	/* cleared: a router still within its lifetime takes over */
	if (r->have && lc->now_ns < r->expire_ns)
		ra_install(lc, ifc);
}
