/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet on the slow path: the dispatch of classified frames to their
 * handlers on the main lcore (media to the relay, relayed packets a worker
 * could not resolve to dp_route_output()), and the L2 header of what the
 * ESG sends.
 * The dataplane owns L2 completely; the kernel exception interface is an
 * L3 tun and sees IP packets only (docs/dataplane.md).
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"
#include "dp_relay.h"

/* Put an Ethernet header (with the interface's 802.1Q tag) in front of an
 * L3 packet. */
int
dp_eth_prepend(const struct dp_iface *ifc, struct rte_mbuf *m,
	       const struct rte_ether_addr *dst, uint16_t ethertype)
{
	uint16_t l2 = sizeof(struct rte_ether_hdr);
	struct rte_ether_hdr *eth;
	struct rte_vlan_hdr *vh;

	if (ifc->vlan != 0)
		l2 += sizeof(*vh);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, l2);
	if (eth == NULL)
		return -ENOSPC;
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	if (ifc->vlan != 0) {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh = (struct rte_vlan_hdr *)(eth + 1);
		vh->vlan_tci = rte_cpu_to_be_16(ifc->vlan);
		vh->eth_proto = rte_cpu_to_be_16(ethertype);
	} else {
		eth->ether_type = rte_cpu_to_be_16(ethertype);
	}
	m->l2_len = l2;
	return 0;
}

/* Answer in place: back to the sender, from us; the tag stays as it came. */
void
dp_eth_reply(const struct dp_iface *ifc, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
}

/* Hand an IP packet addressed to us to the kernel: strip L2 and the
 * Ethernet padding. */
static enum dp_action
to_kernel(const struct dp_pkt_info *pi, struct rte_mbuf *m)
{
	rte_pktmbuf_adj(m, pi->l2_len);
	if (rte_pktmbuf_data_len(m) > pi->ip_len)
		rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - pi->ip_len);
	return DP_ACT_KERNEL;
}

void
dp_slow_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	      enum dp_class cls, const struct dp_pkt_info *pi)
{
	enum dp_action act = DP_ACT_DROP;

	switch (cls) {
	case DP_CLASS_DROP:
		dp_drop(lc, ifc, pi->drop);
		rte_pktmbuf_free(m);
		return;
	case DP_CLASS_ARP:
		act = dp_arp_input(lc, ifc, m, pi);
		break;
	case DP_CLASS_ND:
		act = dp_nd_input(lc, ifc, m, pi);
		break;
	case DP_CLASS_ECHO4:
		act = dp_icmp4_echo(lc, ifc, m, pi);
		break;
	case DP_CLASS_ECHO6:
		act = dp_icmp6_echo(lc, ifc, m, pi);
		break;
	case DP_CLASS_EXC:
		act = to_kernel(pi, m);
		break;
	case DP_CLASS_MEDIA:
		dp_relay_input(lc, ifc, m, pi);
		return;
	case DP_CLASS_RELAY_OUT:
		dp_relay_resolve(lc, ifc, m);
		return;
	}

	switch (act) {
	case DP_ACT_DROP:
	case DP_ACT_DONE:
		rte_pktmbuf_free(m);
		break;
	case DP_ACT_TX:
		lc->xmit(lc, ifc, m);
		break;
	case DP_ACT_KERNEL:
		lc->to_kernel(lc, ifc, m);
		break;
	}
}

void
dp_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	struct dp_pkt_info pi;
	enum dp_class cls;

	if (!rte_pktmbuf_is_contiguous(m)) {
		dp_drop(lc, ifc, DP_DROP_MBUF_CHAINED);
		rte_pktmbuf_free(m);
		return;
	}
	cls = dp_classify(ifc, dp_iface_addrs(ifc),
			  rte_pktmbuf_mtod(m, const uint8_t *),
			  rte_pktmbuf_data_len(m), &pi);
	dp_slow_input(lc, ifc, m, cls, &pi);
}
