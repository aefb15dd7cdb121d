/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is an address in use on the link? (ADDR_PROBE, docs/contract.md.) The
 * control plane leases addresses by DHCP but sees only an L3 tun, so the
 * dataplane asks the link for it:
 *   IPv4, RFC 2131 4.4.1 "SHOULD probe" the offered address, the way of
 *     RFC 5227 2.1.1: ARP requests with sender IP 0.0.0.0;
 *   IPv6, RFC 8415 18.2.10.1 and RFC 4862 5.4: duplicate address
 *     detection, neighbour solicitations from the unspecified address.
 * A probe is a main-lcore state machine driven by lc->now_ns (STYLE rule
 * 7): the first packet at once, `probes` of them interval_ms apart, done
 * interval_ms after the last one, or at the first conflict. The address
 * is not ours meanwhile: it is published in struct dp_addrs.probe so the
 * classifier on any lcore passes its ARP / NS / NA to the main lcore
 * (dp_arp.c and dp_nd.c call back here), and nothing answers for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "dp.h"

#define MS 1000000ull
#define ND_NS 135

void
dp_addrs_publish(struct rte_rcu_qsbr *qsbr, struct dp_iface *ifc,
		 struct dp_addrs *a)
{
	struct dp_addrs *old = ifc->addrs;

	__atomic_store_n(&ifc->addrs, a, __ATOMIC_RELEASE);
	/* the relay's cached next hops were chosen with the old list */
	__atomic_store_n(&ifc->addr_gen, ifc->addr_gen + 1, __ATOMIC_RELEASE);
	if (qsbr != NULL)
		rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
	free(old);
}

/* Publish the addresses of the probes in progress. -ENOMEM: the list
 * stays as it was (probe_dirty: the timer tries again). */
static int
probe_sync(struct dp_lcore *lc, struct dp_iface *ifc)
{
	struct dp_addrs *a = malloc(sizeof(*a));
	unsigned int i;

	if (a == NULL) {
		ifc->probe_dirty = true;
		return -ENOMEM;
	}
	*a = *ifc->addrs;
	a->nb_probe = 0;
	memset(a->probe, 0, sizeof(a->probe));
	for (i = 0; i < DP_PROBE_MAX; i++) {
		if (ifc->probe[i].family == 0)
			continue;
		a->probe[a->nb_probe].family = ifc->probe[i].family;
		memcpy(a->probe[a->nb_probe++].addr, ifc->probe[i].addr, 16);
	}
	dp_addrs_publish(lc->qsbr, ifc, a);
	ifc->probe_dirty = false;
	return 0;
}

/* RFC 5227 2.1.1: an ARP Request with the sender hardware address ours,
 * sender IP 0.0.0.0, target hardware address zero, target IP the probed
 * address, broadcast. */
static int
send_arp_probe(struct dp_lcore *lc, struct dp_iface *ifc, const uint8_t *tip)
{
	static const struct rte_ether_addr bcast = {
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	m = rte_pktmbuf_alloc(lc->pool);
	if (m == NULL)
		goto nobuf;
	/* 46 bytes: the Ethernet minimum payload, padding zeroed. */
	arp = (struct rte_arp_hdr *)rte_pktmbuf_append(m, 46);
	if (arp == NULL)
		goto nobuf;
	memset(arp, 0, 46);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
	memcpy(&arp->arp_data.arp_tip, tip, 4);
	if (dp_eth_prepend(ifc, m, &bcast, RTE_ETHER_TYPE_ARP) != 0)
		goto nobuf;
	dp_count(lc, DP_CNT_PROBE_TX);
	lc->xmit(lc, ifc, m);
	return 0;
nobuf:
	rte_pktmbuf_free(m); /* NULL-safe */
	dp_drop(lc, ifc, DP_DROP_NO_MBUF);
	return -ENOBUFS;
}

/* RFC 4862 5.4.2: an NS for the tentative address, source ::, to its
 * solicited-node group (RFC 4291 2.7.1), hop limit 255 (RFC 4861 7.1.1),
 * without a source link-layer address option (RFC 4861 4.3: not with
 * the unspecified source). */
static int
send_dad_ns(struct dp_lcore *lc, struct dp_iface *ifc, const uint8_t *target)
{
	const uint32_t plen = 24; /* type, code, csum, reserved, target */
	struct rte_ether_addr dmac;
	struct rte_ipv6_hdr *ip;
	struct rte_mbuf *m;
	uint16_t csum;
	uint8_t *ns;

	m = rte_pktmbuf_alloc(lc->pool);
	if (m == NULL)
		goto nobuf;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + plen);
	if (ip == NULL)
		goto nobuf;
	memset(ip, 0, sizeof(*ip) + plen);
	ns = (uint8_t *)(ip + 1);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(plen);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = 255;
	ip->dst_addr[0] = 0xff;
	ip->dst_addr[1] = 0x02;
	ip->dst_addr[11] = 0x01;
	ip->dst_addr[12] = 0xff;
	memcpy(ip->dst_addr + 13, target + 13, 3);
	ns[0] = ND_NS;
	memcpy(ns + 8, target, 16);
	/* RFC 4443 2.3 over the pseudo-header (RFC 8200 8.1) */
	csum = rte_cpu_to_be_16((uint16_t)~dp_csum6(ip->src_addr, ip->dst_addr,
						    IPPROTO_ICMPV6, ns, plen));
	memcpy(ns + 2, &csum, 2);
	/* RFC 2464 7: 33:33 and the group's last four bytes */
	dmac.addr_bytes[0] = 0x33;
	dmac.addr_bytes[1] = 0x33;
	memcpy(&dmac.addr_bytes[2], ip->dst_addr + 12, 4);
	if (dp_eth_prepend(ifc, m, &dmac, RTE_ETHER_TYPE_IPV6) != 0)
		goto nobuf;
	dp_count(lc, DP_CNT_PROBE_TX);
	lc->xmit(lc, ifc, m);
	return 0;
nobuf:
	rte_pktmbuf_free(m);
	dp_drop(lc, ifc, DP_DROP_NO_MBUF);
	return -ENOBUFS;
}

static void
probe_send(struct dp_lcore *lc, struct dp_iface *ifc, struct dp_probe *p)
{
	/* a probe the pool had no mbuf for counts as sent: the outcome
	 * comes at the time the caller expects it */
	if (p->family == AF_INET)
		send_arp_probe(lc, ifc, p->addr);
	else
		send_dad_ns(lc, ifc, p->addr);
	p->left--;
	p->next_ns = lc->now_ns + (uint64_t)p->interval_ms * MS;
}

/* ADDR_PROBED, and the slot is free (republished by the timer). */
static void
probe_end(struct dp_lcore *lc, struct dp_iface *ifc, struct dp_probe *p,
	  const struct rte_ether_addr *conflict)
{
	union dp_msg m;

	if (lc->evt != NULL) {
		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_ADDR_PROBED;
		m.hdr.len = sizeof(m.addr_probed);
		m.hdr.seq = ++lc->evt_seq;
		m.addr_probed.port = ifc->idx;
		m.addr_probed.family = p->family;
		m.addr_probed.token = p->token;
		memcpy(m.addr_probed.addr, p->addr, 16);
		if (conflict != NULL) {
			m.addr_probed.conflict = 1;
			memcpy(m.addr_probed.mac, conflict, 6);
		}
		lc->evt(lc, &m);
	}
	if (conflict != NULL)
		dp_count(lc, DP_CNT_PROBE_CONFLICT);
	memset(p, 0, sizeof(*p));
	ifc->probe_dirty = true;
}

static struct dp_probe *
probe_find(struct dp_iface *ifc, uint8_t family, const uint8_t *addr)
{
	unsigned int i;
	size_t len = family == AF_INET ? 4 : 16;

	for (i = 0; i < DP_PROBE_MAX; i++)
		if (ifc->probe[i].family == family &&
		    memcmp(ifc->probe[i].addr, addr, len) == 0)
			return &ifc->probe[i];
	return NULL;
}

int
dp_probe_start(struct dp_lcore *lc, struct dp_iface *ifc,
	       const struct dp_msg_addr_probe *c)
{
	const struct dp_addrs *a = ifc->addrs;
	struct dp_probe *p = NULL;
	uint32_t ip4;
	unsigned int i;
	int err;

	if (c->family == AF_INET) {
		memcpy(&ip4, c->addr, 4);
		if (dp_addr4_is_ours(a, ip4))
			return -EEXIST;
	} else if (dp_addr6_is_ours(a, c->addr)) {
		return -EEXIST;
	}
	if (probe_find(ifc, c->family, c->addr) != NULL)
		return -EBUSY;
	for (i = 0; i < DP_PROBE_MAX && p == NULL; i++)
		if (ifc->probe[i].family == 0)
			p = &ifc->probe[i];
	if (p == NULL)
		return -ENOSPC;
	p->family = c->family;
	memcpy(p->addr, c->addr, 16);
	p->left = c->probes;
	p->interval_ms = c->interval_ms;
	p->token = c->token;
	/* the classifier must pass the answers before the question leaves */
	err = probe_sync(lc, ifc);
	if (err) {
		memset(p, 0, sizeof(*p));
		return err;
	}
	probe_send(lc, ifc, p);
	return 0;
}

void
dp_probe_timer(struct dp_lcore *lc, struct dp_iface *ifc)
{
	struct dp_probe *p;
	unsigned int i;

	for (i = 0; i < DP_PROBE_MAX; i++) {
		p = &ifc->probe[i];
		if (p->family == 0 || lc->now_ns < p->next_ns)
			continue;
		if (p->left > 0)
			probe_send(lc, ifc, p);
		else
			probe_end(lc, ifc, p, NULL);
	}
	if (ifc->probe_dirty)
		probe_sync(lc, ifc);
}

void
dp_probe_arp(struct dp_lcore *lc, struct dp_iface *ifc,
	     const struct rte_arp_hdr *arp)
{
	const struct rte_arp_ipv4 *d = &arp->arp_data;
	struct dp_probe *p;

	/* RFC 5227 2.1.1: any ARP whose sender IP is the probed address
	 * (a reply to our probe, the holder's own request or
	 * announcement) ... */
	if (d->arp_sip != 0) {
		p = probe_find(ifc, AF_INET, (const uint8_t *)&d->arp_sip);
		if (p != NULL)
			probe_end(lc, ifc, p, &d->arp_sha);
		return;
	}
	/* ... or an ARP probe for it from another hardware address (a host
	 * probing for it at the same time; ours does not count). */
	if (rte_be_to_cpu_16(arp->arp_opcode) != RTE_ARP_OP_REQUEST ||
	    rte_is_same_ether_addr(&d->arp_sha, &ifc->mac))
		return;
	p = probe_find(ifc, AF_INET, (const uint8_t *)&d->arp_tip);
	if (p != NULL)
		probe_end(lc, ifc, p, &d->arp_sha);
}

bool
dp_probe_dad_ns(struct dp_lcore *lc, struct dp_iface *ifc,
		const uint8_t target[16], const struct rte_ether_addr *src)
{
	struct dp_probe *p = probe_find(ifc, AF_INET6, target);

	if (p == NULL)
		return false;
	/* RFC 4862 5.4.3: another node's DAD for it; our own solicitation
	 * looped back (5.4.3, last paragraphs) is no conflict */
	if (!rte_is_same_ether_addr(src, &ifc->mac))
		probe_end(lc, ifc, p, src);
	return true;
}

bool
dp_probe_na(struct dp_lcore *lc, struct dp_iface *ifc, const uint8_t target[16],
	    const struct rte_ether_addr *mac)
{
	struct dp_probe *p = probe_find(ifc, AF_INET6, target);

	if (p == NULL)
		return false;
	/* RFC 4862 5.4.4: the tentative address is a duplicate */
	probe_end(lc, ifc, p, mac);
	return true;
}
