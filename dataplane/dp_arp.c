/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for the ESG's own IPv4 addresses: answer requests, learn
 * the sender of what is addressed to us, resolve next hops. Main lcore.
 * The classifier has already checked the fixed fields and that the target
 * is one of our addresses, or that sender or target is an address being
 * probed (dp_probe.c).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp.h"

enum dp_action
dp_arp_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	     const struct dp_pkt_info *pi)
{
	struct rte_arp_hdr *arp =
		rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, pi->l2_len);
	struct rte_arp_ipv4 *d = &arp->arp_data;
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);
	uint32_t tip = d->arp_tip;

	if (!rte_is_valid_assigned_ether_addr(&d->arp_sha)) {
		dp_drop(lc, ifc, DP_DROP_ARP_BAD);
		return DP_ACT_DROP;
	}
	/* An address being probed (ADDR_PROBE): the classifier let this
	 * through because it names one; what is not for one of our own
	 * addresses ends here (RFC 5227 2.1.1: a prober answers nothing). */
	if (a->nb_probe > 0) {
		dp_probe_arp(lc, ifc, arp);
		if (!dp_addr4_is_ours(a, tip))
			return DP_ACT_DONE;
	}
	if (dp_addr4_is_ours(a, d->arp_sip)) {
		dp_drop(lc, ifc, DP_DROP_ARP_CONFLICT);
		return DP_ACT_DROP;
	}
	/* RFC 826 "Packet Reception": we are the target, so merge or add
	 * the sender. A probe (RFC 5227 2.1.1, sender 0.0.0.0) teaches
	 * nothing; a reply only updates what we asked for. */
	if (d->arp_sip != 0)
		dp_neigh_learn(lc, ifc, AF_INET, (const uint8_t *)&d->arp_sip,
			       &d->arp_sha, op == RTE_ARP_OP_REQUEST);

	if (op != RTE_ARP_OP_REQUEST) {
		dp_count(lc, DP_CNT_ARP_REPLY_RX);
		return DP_ACT_DONE;
	}
	dp_count(lc, DP_CNT_ARP_REQUEST_RX);

	/* RFC 826: swap sender and target, put our address, opcode reply. */
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&d->arp_sha, &d->arp_tha);
	d->arp_tip = d->arp_sip;
	rte_ether_addr_copy(&ifc->mac, &d->arp_sha);
	d->arp_sip = tip;
	dp_eth_reply(ifc, m);
	rte_ether_addr_copy(
		&d->arp_tha,
		&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr);
	dp_count(lc, DP_CNT_ARP_REPLY_TX);
	return DP_ACT_TX;
}

/* The source for a packet to dst: an own address on the same prefix, else
 * the first one. */
static int
src_for(const struct dp_addrs *a, uint32_t dst, uint32_t *src)
{
	unsigned int i;

	if (a->nb4 == 0)
		return -EADDRNOTAVAIL;
	*src = a->a4[0].addr;
	for (i = 0; i < a->nb4; i++) {
		if (dp_prefix4_match(a->a4[i].addr, dst, a->a4[i].plen)) {
			*src = a->a4[i].addr;
			break;
		}
	}
	return 0;
}

int
dp_arp_request(struct dp_lcore *lc, struct dp_iface *ifc, uint32_t tip)
{
	struct rte_ether_addr bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;
	uint32_t sip;
	int err;

	err = src_for(dp_iface_addrs(ifc), tip, &sip);
	if (err)
		return err;
	m = rte_pktmbuf_alloc(lc->pool);
	if (m == NULL) {
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return -ENOBUFS;
	}
	/* 46 bytes: the Ethernet minimum payload, padding zeroed. */
	arp = (struct rte_arp_hdr *)rte_pktmbuf_append(m, 46);
	if (arp == NULL) {
		rte_pktmbuf_free(m);
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return -ENOBUFS;
	}
	memset(arp, 0, 46);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = sip;
	arp->arp_data.arp_tip = tip;
	err = dp_eth_prepend(ifc, m, &bcast, RTE_ETHER_TYPE_ARP);
	if (err) {
		rte_pktmbuf_free(m);
		dp_drop(lc, ifc, DP_DROP_NO_MBUF);
		return err;
	}
	dp_count(lc, DP_CNT_ARP_REQUEST_TX);
	lc->xmit(lc, ifc, m);
	return 0;
}
