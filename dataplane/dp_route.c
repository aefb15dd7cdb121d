/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the kernel writes to an exception interface (an L3 tun: bare IPv4
 * or IPv6 packets) leaves on that interface's port: the next hop is the
 * destination itself when it is on a connected prefix, else the
 * default gateway (configured or IF_GW, in struct dp_addrs); the neighbour table gives its MAC. Multicast and
 * broadcast map to their group MAC (RFC 1112 6.4, RFC 2464 7). Main lcore;
 * dp_route_output() also sends what the relay could not resolve.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"

static void
bad(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
    enum dp_drop r)
{
	dp_drop(lc, ifc, r);
	rte_pktmbuf_free(m);
}

static void
send_group(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	   const struct rte_ether_addr *mac, uint16_t et)
{
	if (dp_eth_prepend(ifc, m, mac, et) != 0) {
		bad(lc, ifc, m, DP_DROP_NO_MBUF);
		return;
	}
	lc->xmit(lc, ifc, m);
}

static void
route4(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
       const struct dp_addrs *a)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	struct rte_ether_addr mac = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	uint32_t dst = ip->dst_addr, hdst = rte_be_to_cpu_32(dst);
	const uint8_t *nh = NULL;
	unsigned int i;

	if (dp_ip4_is_mcast(hdst)) {
		mac = (struct rte_ether_addr){
			{0x01, 0x00, 0x5e, (hdst >> 16) & 0x7f,
			 (hdst >> 8) & 0xff, hdst & 0xff}};
		send_group(lc, ifc, m, &mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	if (dp_addr4_is_bcast(a, dst)) {
		send_group(lc, ifc, m, &mac, RTE_ETHER_TYPE_IPV4);
		return;
	}
	for (i = 0; i < a->nb4; i++) {
		if (dp_prefix4_match(dst, a->a4[i].addr, a->a4[i].plen)) {
			nh = (const uint8_t *)&ip->dst_addr;
			break;
		}
	}
	if (nh == NULL && a->has_gw4)
		nh = (const uint8_t *)&a->gw4;
	if (nh == NULL) {
		bad(lc, ifc, m, DP_DROP_NO_ROUTE);
		return;
	}
	dp_neigh_output(lc, ifc, AF_INET, nh, m);
}

static void
route6(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
       const struct dp_addrs *a)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod(m, const struct rte_ipv6_hdr *);
	const uint8_t *nh = NULL;
	struct rte_ether_addr mac;
	unsigned int i;

	if (ip->dst_addr[0] == 0xff) {
		mac.addr_bytes[0] = 0x33;
		mac.addr_bytes[1] = 0x33;
		memcpy(&mac.addr_bytes[2], ip->dst_addr + 12, 4);
		send_group(lc, ifc, m, &mac, RTE_ETHER_TYPE_IPV6);
		return;
	}
	/* fe80::/10 is on-link by definition (RFC 4291 2.5.6). */
	if (ip->dst_addr[0] == 0xfe && (ip->dst_addr[1] & 0xc0) == 0x80)
		nh = ip->dst_addr;
	for (i = 0; nh == NULL && i < a->nb6; i++) {
		if (dp_prefix6_match(ip->dst_addr, a->a6[i].addr,
				     a->a6[i].plen))
			nh = ip->dst_addr;
	}
	if (nh == NULL && a->has_gw6)
		nh = a->gw6;
	if (nh == NULL) {
		bad(lc, ifc, m, DP_DROP_NO_ROUTE);
		return;
	}
	dp_neigh_output(lc, ifc, AF_INET6, nh, m);
}

void
dp_route_from_kernel(struct dp_lcore *lc, struct dp_iface *ifc,
		     struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), ip_len;

	if (!rte_pktmbuf_is_contiguous(m)) {
		bad(lc, ifc, m, DP_DROP_MBUF_CHAINED);
		return;
	}
	/* The kernel is trusted to build headers, not to fit our MTU or
	 * to be consistent: check what we use. */
	if (len >= sizeof(struct rte_ipv4_hdr) && (p[0] >> 4) == 4) {
		ip_len = (uint32_t)p[2] << 8 | p[3];
		if ((p[0] & 0xf) < 5 || ip_len < (uint32_t)(p[0] & 0xf) * 4 ||
		    ip_len > len || ip_len > ifc->mtu) {
			bad(lc, ifc, m, DP_DROP_EXC_FROM_KERNEL_BAD);
			return;
		}
		rte_pktmbuf_trim(m, len - ip_len);
		dp_count(lc, DP_CNT_EXC_FROM_KERNEL);
		route4(lc, ifc, m, dp_iface_addrs(ifc));
		return;
	}
	if (len >= sizeof(struct rte_ipv6_hdr) && (p[0] >> 4) == 6) {
		ip_len = ((uint32_t)p[4] << 8 | p[5]) + 40;
		if (ip_len > len || ip_len > ifc->mtu) {
			bad(lc, ifc, m, DP_DROP_EXC_FROM_KERNEL_BAD);
			return;
		}
		rte_pktmbuf_trim(m, len - ip_len);
		dp_count(lc, DP_CNT_EXC_FROM_KERNEL);
		route6(lc, ifc, m, dp_iface_addrs(ifc));
		return;
	}
	bad(lc, ifc, m, DP_DROP_EXC_FROM_KERNEL_BAD);
}

/* A packet the dataplane built itself (the relay's, when a worker found
 * no neighbour for its next hop): the same next-hop choice. */
void
dp_route_output(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if ((p[0] >> 4) == 4)
		route4(lc, ifc, m, dp_iface_addrs(ifc));
	else
		route6(lc, ifc, m, dp_iface_addrs(ifc));
}
