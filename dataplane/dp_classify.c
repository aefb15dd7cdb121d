/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet classifier: validates a received frame (Ethernet, optional
 * 802.1Q tag, ARP, IPv4, IPv6 and the first bytes of ICMP/UDP/TCP) and says
 * which handler gets it. It works on (buf, len) only: no mbuf, no EAL, so
 * the fuzz target and the unit tests run it as is. Every byte is read after
 * a bounds check; every rejection names a DP_DROP_* reason.
 *
 * Media: UDP to an own unicast address with a destination port in the
 * interface's media range is DP_CLASS_MEDIA, for the relay on the worker,
 * never the kernel. What the relay cannot take is dropped here with a
 * name: IPv4 options (ip4_options), an IPv4 first fragment (ip4_frag:
 * RTP fits the path MTU, RFC 3550 11 does not fragment), UDP behind IPv6
 * extension headers (ip6_ext). Later fragments carry no ports; they go to
 * the kernel like any fragment, which reassembles nothing without the
 * first one.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "dp.h"

#define ICMP6_ECHO_REQUEST 128
#define ND_ROUTER_SOLICIT 133
#define ND_ROUTER_ADVERT 134
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_REDIRECT 137
#define IP6_EXT_MAX 8 /* extension headers walked before giving up */

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* RFC 1071 ones' complement sum, host order, not complemented. */
uint16_t
dp_csum(const void *buf, size_t len, uint32_t sum)
{
	return csum_fold(csum_add(sum, buf, len));
}

/* RFC 8200 8.1: the sum over the IPv6 pseudo-header and the L4 data. */
uint16_t
dp_csum6(const uint8_t *src, const uint8_t *dst, uint8_t proto, const void *l4,
	 uint32_t l4_len)
{
	uint32_t sum = csum_add(0, src, 16);

	sum = csum_add(sum, dst, 16);
	sum += l4_len >> 16;
	sum += l4_len & 0xffff;
	sum += proto;
	return csum_fold(csum_add(sum, l4, l4_len));
}

bool
dp_prefix4_match(uint32_t a, uint32_t b, uint8_t plen)
{
	uint32_t mask;

	if (plen == 0)
		return true;
	mask = rte_cpu_to_be_32(~0u << (32 - (plen > 32 ? 32 : plen)));
	return ((a ^ b) & mask) == 0;
}

bool
dp_prefix6_match(const uint8_t *a, const uint8_t *b, uint8_t plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (plen > 128)
		return false;
	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((a[bytes] ^ b[bytes]) & (0xff << (8 - bits))) == 0;
}

static inline bool
addr4_ours(const struct dp_addrs *a, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < a->nb4; i++)
		if (a->a4[i].addr == ip)
			return true;
	return false;
}

bool
dp_addr4_is_ours(const struct dp_addrs *a, uint32_t ip)
{
	return addr4_ours(a, ip);
}

/* Limited broadcast or the directed broadcast of a connected prefix:
 * all host bits set (and the prefix ours). */
static inline bool
addr4_bcast(const struct dp_addrs *a, uint32_t ip)
{
	unsigned int i;
	uint32_t host;

	if (ip == 0xffffffff)
		return true;
	for (i = 0; i < a->nb4; i++) {
		if (a->a4[i].plen >= 31 || a->a4[i].plen == 0)
			continue; /* RFC 3021: no broadcast on /31 */
		host = rte_cpu_to_be_32(~0u >> a->a4[i].plen);
		if ((ip | host) == (a->a4[i].addr | host) &&
		    (ip & host) == host)
			return true;
	}
	return false;
}

bool
dp_addr4_is_bcast(const struct dp_addrs *a, uint32_t ip)
{
	return addr4_bcast(a, ip);
}

/* RFC 1071 over an IPv4 header (ihl a multiple of 4): 32-bit words. */
static inline bool
ip4_csum_ok(const uint8_t *p, uint32_t ihl)
{
	uint64_t sum = 0;
	uint32_t w, i;

	for (i = 0; i < ihl; i += 4) {
		memcpy(&w, p + i, 4);
		sum += w;
	}
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

bool
dp_addr6_is_ours(const struct dp_addrs *a, const uint8_t ip[16])
{
	unsigned int i;

	for (i = 0; i < a->nb6; i++)
		if (memcmp(a->a6[i].addr, ip, 16) == 0)
			return true;
	return false;
}

/* RFC 4291 2.7.1: solicited-node multicast ff02::1:ffXX:XXXX of one of
 * our addresses. */
bool
dp_addr6_is_snm_ours(const struct dp_addrs *a, const uint8_t ip[16])
{
	static const uint8_t snm[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};
	unsigned int i;

	if (memcmp(ip, snm, 13) != 0)
		return false;
	for (i = 0; i < a->nb6; i++)
		if (memcmp(a->a6[i].addr + 13, ip + 13, 3) == 0)
			return true;
	return false;
}

bool
dp_addr4_is_probed(const struct dp_addrs *a, uint32_t ip)
{
	unsigned int i;

	for (i = 0; i < a->nb_probe; i++)
		if (a->probe[i].family == AF_INET &&
		    memcmp(a->probe[i].addr, &ip, 4) == 0)
			return true;
	return false;
}

bool
dp_addr6_is_probed(const struct dp_addrs *a, const uint8_t ip[16])
{
	unsigned int i;

	for (i = 0; i < a->nb_probe; i++)
		if (a->probe[i].family == AF_INET6 &&
		    memcmp(a->probe[i].addr, ip, 16) == 0)
			return true;
	return false;
}

/* The solicited-node group of an address being probed: where another
 * host's DAD NS for it goes (RFC 4862 5.4.2, 5.4.3). */
bool
dp_addr6_is_snm_probed(const struct dp_addrs *a, const uint8_t ip[16])
{
	static const uint8_t snm[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};
	unsigned int i;

	if (memcmp(ip, snm, 13) != 0)
		return false;
	for (i = 0; i < a->nb_probe; i++)
		if (a->probe[i].family == AF_INET6 &&
		    memcmp(a->probe[i].addr + 13, ip + 13, 3) == 0)
			return true;
	return false;
}

static bool
ip6_is_all_nodes(const uint8_t ip[16])
{
	static const uint8_t all[16] = {0xff, 0x02, [15] = 1};

	return memcmp(ip, all, 16) == 0;
}

static bool
ip6_is_unspecified(const uint8_t ip[16])
{
	static const uint8_t zero[16];

	return memcmp(ip, zero, 16) == 0;
}

static bool
ip6_is_loopback(const uint8_t ip[16])
{
	static const uint8_t lo[16] = {[15] = 1};

	return memcmp(ip, lo, 16) == 0;
}

static enum dp_class
drop(struct dp_pkt_info *pi, enum dp_drop r)
{
	pi->drop = r;
	return DP_CLASS_DROP;
}

static enum dp_class
classify_arp(const struct dp_addrs *a, const uint8_t *p, uint32_t len,
	     struct dp_pkt_info *pi)
{
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)p;
	uint16_t op;

	/* RFC 826: Ethernet hardware, IPv4 protocol, request or reply. */
	if (len < sizeof(*arp))
		return drop(pi, DP_DROP_ARP_BAD);
	op = rte_be_to_cpu_16(arp->arp_opcode);
	if (rte_be_to_cpu_16(arp->arp_hardware) != RTE_ARP_HRD_ETHER ||
	    rte_be_to_cpu_16(arp->arp_protocol) != RTE_ETHER_TYPE_IPV4 ||
	    arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY))
		return drop(pi, DP_DROP_ARP_BAD);
	/* An address being probed is not ours yet, but any ARP naming it
	 * as sender or target is a conflict to see (RFC 5227 2.1.1). */
	if (!dp_addr4_is_ours(a, arp->arp_data.arp_tip) &&
	    (a->nb_probe == 0 ||
	     (!dp_addr4_is_probed(a, arp->arp_data.arp_tip) &&
	      !dp_addr4_is_probed(a, arp->arp_data.arp_sip))))
		return drop(pi, DP_DROP_ARP_NOT_OURS);
	pi->l3_len = sizeof(*arp);
	pi->ip_len = sizeof(*arp);
	return DP_CLASS_ARP;
}

/* UDP/TCP: enough header for the kernel or, later, the media lookup. */
static enum dp_class
classify_l4(uint8_t proto, const uint8_t *l4, uint32_t l4_len,
	    struct dp_pkt_info *pi)
{
	uint16_t ulen;

	switch (proto) {
	case IPPROTO_UDP:
		if (l4_len < 8)
			return drop(pi, DP_DROP_L4_SHORT);
		/* RFC 768: length covers header and data. */
		ulen = (uint16_t)(l4[4] << 8 | l4[5]);
		if (ulen < 8 || ulen > l4_len)
			return drop(pi, DP_DROP_UDP_LEN);
		return DP_CLASS_EXC;
	case IPPROTO_TCP:
		if (l4_len < 20)
			return drop(pi, DP_DROP_L4_SHORT);
		return DP_CLASS_EXC;
	default:
		return DP_CLASS_EXC;
	}
}

static bool
media_port(const struct dp_iface *ifc, const uint8_t *udp)
{
	uint16_t dport = (uint16_t)(udp[2] << 8 | udp[3]);

	return dport >= ifc->media_port_min && dport <= ifc->media_port_max &&
	       ifc->media_port_max != 0;
}

/* RFC 768: the UDP header and a length that covers it and fits;
 * RFC 8200 8.1: an IPv6 receiver discards a zero UDP checksum. */
static enum dp_class
classify_media(const uint8_t *udp, uint32_t l4_len, bool v6,
	       struct dp_pkt_info *pi)
{
	uint16_t ulen;

	if (l4_len < 8)
		return drop(pi, DP_DROP_L4_SHORT);
	ulen = (uint16_t)(udp[4] << 8 | udp[5]);
	if (ulen < 8 || ulen > l4_len)
		return drop(pi, DP_DROP_UDP_LEN);
	if (v6 && udp[6] == 0 && udp[7] == 0)
		return drop(pi, DP_DROP_UDP6_CSUM0);
	return DP_CLASS_MEDIA;
}

static enum dp_class
classify_ip4(const struct dp_iface *ifc, const struct dp_addrs *a,
	     const uint8_t *p, uint32_t len, struct dp_pkt_info *pi)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	uint32_t ihl, tot, src;
	uint16_t frag;
	bool bcast;

	/* RFC 791 3.1 */
	if (len < sizeof(*ip))
		return drop(pi, DP_DROP_IP4_SHORT);
	if ((ip->version_ihl >> 4) != 4)
		return drop(pi, DP_DROP_IP4_VERSION);
	ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
	if (ihl < sizeof(*ip) || ihl > len)
		return drop(pi, DP_DROP_IP4_HDR_LEN);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < ihl || tot > len)
		return drop(pi, DP_DROP_IP4_TOTAL_LEN);
	/* RFC 1122 3.2.1.2: silently discard a bad header checksum. */
	if (!ip4_csum_ok(p, ihl))
		return drop(pi, DP_DROP_IP4_CSUM);
	/* RFC 1122 3.2.1.3: multicast, broadcast, loopback or this-host
	 * sources are martians. */
	src = rte_be_to_cpu_32(ip->src_addr);
	if (dp_ip4_is_mcast(src) || src == 0xffffffff || src == 0 ||
	    (src >> 24) == 127 || addr4_bcast(a, ip->src_addr))
		return drop(pi, DP_DROP_IP4_SRC_BAD);
	pi->l3_len = (uint16_t)ihl;
	pi->ip_len = tot;
	pi->proto = ip->next_proto_id;
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	/*
	 * Media first: UDP to a unicast address and a media port. The leg
	 * lookup's key holds the destination address, so a hit proves it
	 * ours and the address loop is not needed on the fast path; a
	 * unicast address that is not ours misses (media_no_leg), and so
	 * does a directed broadcast (no leg's address; before, it went to
	 * the kernel, which has no socket on a media port either). Limited
	 * broadcast and multicast are never media. Only an unfragmented
	 * packet or a first fragment shows ports.
	 */
	if (ip->next_proto_id == IPPROTO_UDP &&
	    (frag & RTE_IPV4_HDR_OFFSET_MASK) == 0 && tot - ihl >= 4 &&
	    ip->dst_addr != 0xffffffff &&
	    !dp_ip4_is_mcast(rte_be_to_cpu_32(ip->dst_addr)) &&
	    media_port(ifc, p + ihl)) {
		if (frag & RTE_IPV4_HDR_MF_FLAG)
			return drop(pi, DP_DROP_IP4_FRAG);
		if (ihl != sizeof(*ip))
			return drop(pi, DP_DROP_IP4_OPTIONS);
		return classify_media(p + ihl, tot - ihl, false, pi);
	}
	bcast = !addr4_ours(a, ip->dst_addr);
	if (bcast && !addr4_bcast(a, ip->dst_addr))
		return drop(pi, DP_DROP_IP4_NOT_OURS);
	if (frag & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		/* The kernel reassembles fragments addressed to us; media
		 * is never fragmented (RTP packets fit the MTU). */
		if (bcast)
			return drop(pi, DP_DROP_IP4_FRAG);
		return DP_CLASS_EXC;
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		/* RFC 792: every ICMP message has at least 8 bytes. */
		if (tot - ihl < 8)
			return drop(pi, DP_DROP_ICMP_BAD);
		if (p[ihl] == RTE_IP_ICMP_ECHO_REQUEST) {
			/* RFC 1122 3.2.2.6 allows ignoring echo to a
			 * broadcast address: no smurf amplifier. */
			if (bcast)
				return drop(pi, DP_DROP_ICMP_BCAST);
			return DP_CLASS_ECHO4;
		}
	}
	/* Only UDP broadcasts (DHCP) are of use to the kernel. */
	if (bcast && ip->next_proto_id != IPPROTO_UDP)
		return drop(pi, DP_DROP_IP4_NOT_OURS);
	return classify_l4(ip->next_proto_id, p + ihl, tot - ihl, pi);
}

static enum dp_class
classify_icmp6(const uint8_t *p, uint32_t plen, bool mcast, bool unspec,
	       struct dp_pkt_info *pi)
{
	const uint8_t *icmp = p + sizeof(struct rte_ipv6_hdr);

	/* RFC 4443 2.1: type, code, checksum. */
	if (plen < 4)
		return drop(pi, DP_DROP_ICMP_BAD);
	switch (icmp[0]) {
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
	case ND_ROUTER_ADVERT: /* RFC 4861 6.3.4, dp_ra.c */
		return DP_CLASS_ND;
	/* RFC 4861 6.2.6: a host discards solicitations; redirects (8.3)
	 * are not followed (one gateway per interface) */
	case ND_ROUTER_SOLICIT:
	case ND_REDIRECT:
		return drop(pi, DP_DROP_ND_UNHANDLED);
	default:
		break;
	}
	/* RFC 4291 2.5.2: the unspecified address is only a source of DAD
	 * solicitations. */
	if (unspec)
		return drop(pi, DP_DROP_IP6_SRC_BAD);
	if (mcast)
		return drop(pi, DP_DROP_IP6_NOT_OURS);
	if (icmp[0] == ICMP6_ECHO_REQUEST) {
		if (plen < 8)
			return drop(pi, DP_DROP_ICMP_BAD);
		return DP_CLASS_ECHO6;
	}
	/* Errors (packet too big, unreachable) matter to kernel sockets. */
	return DP_CLASS_EXC;
}

/*
 * RFC 8200 4: walk the extension headers (at most IP6_EXT_MAX) to the
 * upper-layer header. Returns its offset from the IPv6 header and sets
 * *nhp, or 0 when the chain is cut short, too long, or reaches a later
 * fragment (no upper-layer header in it).
 */
static uint32_t
ip6_upper(const uint8_t *p, uint32_t end, uint8_t *nhp)
{
	uint32_t off = sizeof(struct rte_ipv6_hdr), hlen, i;
	uint8_t nh = p[6];

	for (i = 0; i < IP6_EXT_MAX; i++) {
		switch (nh) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (end - off < 8)
				return 0;
			hlen = ((uint32_t)p[off + 1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if (end - off < 8)
				return 0;
			/* RFC 8200 4.5: offset in 8-byte units, bits 3.. */
			if ((p[off + 2] << 8 | (p[off + 3] & 0xf8)) != 0)
				return 0;
			hlen = 8;
			break;
		case IPPROTO_AH:
			/* RFC 4302 2.2: length in 4-byte units, minus 2 */
			if (end - off < 8)
				return 0;
			hlen = ((uint32_t)p[off + 1] + 2) * 4;
			break;
		default:
			*nhp = nh;
			return off;
		}
		if (hlen > end - off)
			return 0;
		nh = p[off];
		off += hlen;
	}
	return 0;
}

/* UDP to a media port, directly or behind extension headers. */
static bool
ip6_media(const struct dp_iface *ifc, const uint8_t *p, uint32_t end,
	  uint32_t *offp)
{
	uint8_t nh = 0;
	uint32_t off = ip6_upper(p, end, &nh);

	if (off == 0 || nh != IPPROTO_UDP || end - off < 4)
		return false;
	*offp = off;
	return media_port(ifc, p + off);
}

static enum dp_class
classify_ip6(const struct dp_iface *ifc, const struct dp_addrs *a,
	     const uint8_t *p, uint32_t len, struct dp_pkt_info *pi)
{
	uint32_t uoff;
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;
	uint32_t plen;
	bool mcast, unspec;

	/* RFC 8200 3 */
	if (len < sizeof(*ip))
		return drop(pi, DP_DROP_IP6_SHORT);
	if ((p[0] >> 4) != 6)
		return drop(pi, DP_DROP_IP6_VERSION);
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* A zero payload length means a jumbogram (RFC 2675): not here. */
	if (plen == 0 || plen > len - sizeof(*ip))
		return drop(pi, DP_DROP_IP6_PAYLOAD_LEN);
	if (ip->src_addr[0] == 0xff || ip6_is_loopback(ip->src_addr))
		return drop(pi, DP_DROP_IP6_SRC_BAD);
	unspec = ip6_is_unspecified(ip->src_addr);
	mcast = ip->dst_addr[0] == 0xff;
	/* Media first, as for IPv4: UDP right after the header to a unicast
	 * destination and a media port; the leg lookup proves the address
	 * ours. Behind extension headers: the walk below (ip6_ext). */
	if (!mcast && ip->proto == IPPROTO_UDP && plen >= 4 &&
	    media_port(ifc, p + sizeof(*ip))) {
		if (unspec)
			return drop(pi, DP_DROP_IP6_SRC_BAD);
		pi->l3_len = sizeof(*ip);
		pi->ip_len = plen + (uint32_t)sizeof(*ip);
		pi->proto = ip->proto;
		return classify_media(p + sizeof(*ip), plen, true, pi);
	}
	if (mcast) {
		if (!dp_addr6_is_snm_ours(a, ip->dst_addr) &&
		    !ip6_is_all_nodes(ip->dst_addr) &&
		    (a->nb_probe == 0 ||
		     !dp_addr6_is_snm_probed(a, ip->dst_addr)))
			return drop(pi, DP_DROP_IP6_NOT_OURS);
	} else if (!dp_addr6_is_ours(a, ip->dst_addr)) {
		return drop(pi, DP_DROP_IP6_NOT_OURS);
	}

	pi->l3_len = sizeof(*ip);
	pi->ip_len = plen + (uint32_t)sizeof(*ip);
	pi->proto = ip->proto;
	if (ip->proto == IPPROTO_ICMPV6)
		return classify_icmp6(p, plen, mcast, unspec, pi);
	if (unspec)
		return drop(pi, DP_DROP_IP6_SRC_BAD);
	if (mcast)
		return drop(pi, DP_DROP_IP6_NOT_OURS);
	if (ip6_media(ifc, p, pi->ip_len, &uoff)) {
		if (uoff != sizeof(*ip))
			return drop(pi, DP_DROP_IP6_EXT);
		return classify_media(p + uoff, plen, true, pi);
	}
	/* Extension headers, fragments and the rest: the kernel's job. */
	return classify_l4(ip->proto, p + sizeof(*ip), plen, pi);
}

enum dp_class
dp_classify(const struct dp_iface *ifc, const struct dp_addrs *a,
	    const uint8_t *buf, uint32_t len, struct dp_pkt_info *pi)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)buf;
	const struct rte_vlan_hdr *vh;
	uint16_t etype, l2 = sizeof(*eth);

	memset(pi, 0, sizeof(*pi));
	if (len < sizeof(*eth))
		return drop(pi, DP_DROP_ETH_SHORT);
	if (!rte_is_multicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &ifc->mac))
		return drop(pi, DP_DROP_ETH_NOT_OURS);
	if (rte_is_multicast_ether_addr(&eth->src_addr) ||
	    rte_is_zero_ether_addr(&eth->src_addr))
		return drop(pi, DP_DROP_ETH_SRC_BAD);
	etype = rte_be_to_cpu_16(eth->ether_type);
	if (etype == RTE_ETHER_TYPE_VLAN) {
		/* IEEE 802.1Q: one tag, the interface's VID. */
		if (len < sizeof(*eth) + sizeof(*vh))
			return drop(pi, DP_DROP_ETH_SHORT);
		vh = (const struct rte_vlan_hdr *)(buf + sizeof(*eth));
		if (ifc->vlan == 0 ||
		    (rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != ifc->vlan)
			return drop(pi, DP_DROP_VLAN);
		etype = rte_be_to_cpu_16(vh->eth_proto);
		l2 += sizeof(*vh);
		if (etype == RTE_ETHER_TYPE_VLAN ||
		    etype == RTE_ETHER_TYPE_QINQ)
			return drop(pi, DP_DROP_VLAN);
	} else if (ifc->vlan != 0) {
		return drop(pi, DP_DROP_VLAN);
	}
	pi->l2_len = l2;
	pi->ethertype = etype;

	switch (etype) {
	case RTE_ETHER_TYPE_ARP:
		return classify_arp(a, buf + l2, len - l2, pi);
	case RTE_ETHER_TYPE_IPV4:
		return classify_ip4(ifc, a, buf + l2, len - l2, pi);
	case RTE_ETHER_TYPE_IPV6:
		return classify_ip6(ifc, a, buf + l2, len - l2, pi);
	default:
		return drop(pi, DP_DROP_ETHERTYPE);
	}
}
