/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's header rewrite, in place (static inline: only dp_relay.c
 * includes it). The UDP payload stays where it is; new Ethernet, IP and
 * UDP headers are written in front of it, growing into the headroom
 * (IPv4 -> IPv6) or giving bytes back (IPv6 -> IPv4).
 *
 * IPv4 out: version 4, IHL 5, ID 0 and DF (RFC 6864 4.1: an atomic
 * datagram's ID has no meaning), TTL 64, header checksum computed.
 * IPv6 out: flow label 0, hop limit 64. Both: the traffic class / TOS
 * byte is the received one (RFC 7915 4.1, 5.1: copied between the
 * families) with the DSCP of the egress leg unless it keeps the
 * received DSCP (DP_DSCP_KEEP); ECN bits always kept.
 *
 * UDP checksum: the pseudo-header (RFC 768, RFC 8200 8.1) changes only
 * in its addresses, because proto and length are the same numbers in
 * both families, and the ports change: an incremental update (RFC 1624
 * eqn. 3) over those words, which also carries a sender's checksum
 * error through unchanged. A zero IPv4 checksum (none computed) stays
 * zero towards IPv4 and is computed in full towards IPv6 (RFC 7915 4.5,
 * RFC 8200 8.1: IPv6 requires it); an IPv6 checksum is never sent as 0,
 * nor accepted as 0 (the classifier drops it: udp6_csum0).
 * Sums are taken over words as they lie in memory (RFC 1071 2(B): byte
 * order independent), so nothing is byte-swapped.
 */
#ifndef DP_RELAY_XLATE_H
#define DP_RELAY_XLATE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_leg.h"

static inline uint64_t
xl_sum32(uint64_t acc, const uint8_t *p, unsigned int words)
{
	uint32_t w;
	unsigned int i;

	for (i = 0; i < words; i++) {
		memcpy(&w, p + 4 * i, 4);
		acc += w;
	}
	return acc;
}

/* Subtract, in ones' complement: add the complement of each word. */
static inline uint64_t
xl_sub32(uint64_t acc, const uint8_t *p, unsigned int words)
{
	uint32_t w;
	unsigned int i;

	for (i = 0; i < words; i++) {
		memcpy(&w, p + 4 * i, 4);
		acc += (uint32_t)~w;
	}
	return acc;
}

static inline uint16_t
xl_fold(uint64_t acc)
{
	acc = (acc & 0xffffffffull) + (acc >> 32);
	acc = (acc & 0xffffffffull) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static inline void
xl_put16(uint8_t *p, uint16_t host)
{
	uint16_t be = rte_cpu_to_be_16(host);

	memcpy(p, &be, 2);
}

/* What goes out: everything the rewrite needs, gathered before any old
 * header byte is overwritten. */
struct xl_out {
	const struct dp_iface *ifc;
	const struct rte_ether_addr *dmac;
	const uint8_t *saddr; /* egress leg's local address */
	const uint8_t *daddr; /* its remote */
	uint16_t sport;	      /* network order */
	uint16_t dport;	      /* network order */
	uint8_t out6;
	uint8_t dscp; /* 0..63 or DP_DSCP_KEEP */
};

/*
 * Rewrite m (received: l2_len, l3_len 20 or 40, UDP of ulen bytes right
 * after) into the frame described by o. Returns the new IP length, or 0
 * when the headroom is too small for the new headers.
 */
static inline uint32_t
xl_rewrite(struct rte_mbuf *m, const struct xl_out *o)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *ip = d + m->l2_len;
	bool in6 = m->l3_len == sizeof(struct rte_ipv6_hdr);
	uint8_t *udp = d + m->l2_len + m->l3_len, *pl = udp + 8, *nd, *nip, *nu;
	uint32_t ulen = (uint32_t)udp[4] << 8 | udp[5];
	uint32_t l2o = o->ifc->vlan != 0 ? 18 : 14;
	uint32_t l3o = o->out6 ? 40 : 20, hdr = l2o + l3o + 8;
	uint16_t ocs, ncs;
	uint32_t oports, nports;
	uint8_t tos, pb[4];
	uint64_t acc;

	/* Old words first: the new headers overlap the old ones. */
	tos = in6 ? (uint8_t)(ip[0] << 4 | ip[1] >> 4) : ip[1];
	memcpy(&ocs, udp + 6, 2);
	memcpy(&oports, udp, 4);
	/* constant word counts: the loops unroll */
	if (in6)
		acc = xl_sub32((uint16_t)~ocs, ip + 8, 8);
	else
		acc = xl_sub32((uint16_t)~ocs, ip + 12, 2);
	acc += (uint32_t)~oports;

	nd = pl - hdr;
	if (nd < (uint8_t *)m->buf_addr)
		return 0;
	if (o->dscp != DP_DSCP_KEEP)
		tos = (uint8_t)(o->dscp << 2 | (tos & 3));

	memcpy(nd, o->dmac, 6);
	memcpy(nd + 6, &o->ifc->mac, 6);
	if (o->ifc->vlan != 0) {
		nd[12] = 0x81;
		nd[13] = 0x00;
		xl_put16(nd + 14, o->ifc->vlan);
	}
	nip = nd + l2o;
	nu = nip + l3o;
	if (o->out6) {
		xl_put16(nip - 2, RTE_ETHER_TYPE_IPV6);
		nip[0] = (uint8_t)(0x60 | tos >> 4);
		nip[1] = (uint8_t)(tos << 4);
		nip[2] = nip[3] = 0; /* flow label */
		xl_put16(nip + 4, (uint16_t)ulen);
		nip[6] = IPPROTO_UDP;
		nip[7] = 64;
		memcpy(nip + 8, o->saddr, 16);
		memcpy(nip + 24, o->daddr, 16);
	} else {
		uint32_t w[5];

		xl_put16(nip - 2, RTE_ETHER_TYPE_IPV4);
		/* RFC 791 3.1, built in registers and summed there: reading
		 * back bytes just stored would stall on store forwarding */
		w[0] = rte_cpu_to_be_32(0x45000000u | (uint32_t)tos << 16 |
					(20 + ulen));
		w[1] = rte_cpu_to_be_32(0x4000); /* ID 0, DF */
		w[2] = rte_cpu_to_be_32(64u << 24 | IPPROTO_UDP << 16);
		memcpy(&w[3], o->saddr, 4);
		memcpy(&w[4], o->daddr, 4);
		ncs = (uint16_t)~xl_fold((uint64_t)w[0] + w[1] + w[2] + w[3] +
					 w[4]);
		memcpy(nip, w, 20);
		memcpy(nip + 10, &ncs, 2);
	}
	memcpy(pb, &o->sport, 2);
	memcpy(pb + 2, &o->dport, 2);
	memcpy(&nports, pb, 4);
	memcpy(nu, &nports, 4);
	xl_put16(nu + 4, (uint16_t)ulen);

	if (ocs == 0 && !o->out6) {
		ncs = 0; /* RFC 768: no checksum stays none */
	} else if (ocs == 0) {
		/* full: pseudo-header, then header and payload */
		memset(nu + 6, 0, 2);
		acc = xl_sum32(0, nip + 8, 8);
		acc += rte_cpu_to_be_16((uint16_t)ulen);
		acc += rte_cpu_to_be_16(IPPROTO_UDP);
		acc += rte_raw_cksum(nu, ulen);
		ncs = (uint16_t)~xl_fold(acc);
	} else {
		if (o->out6) {
			acc = xl_sum32(acc, o->saddr, 4);
			acc = xl_sum32(acc, o->daddr, 4);
		} else {
			acc = xl_sum32(acc, o->saddr, 1);
			acc = xl_sum32(acc, o->daddr, 1);
		}
		acc += nports;
		ncs = (uint16_t)~xl_fold(acc);
	}
	if (ncs == 0 && (ocs != 0 || o->out6))
		ncs = 0xffff; /* RFC 768: computed zero is sent as ones */
	memcpy(nu + 6, &ncs, 2);

	m->data_off = (uint16_t)(nd - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(hdr + ulen - 8);
	m->pkt_len = m->data_len;
	m->l2_len = l2o;
	m->l3_len = l3o;
	return l3o + ulen;
}

#endif
