/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443 4.1/4.2) for the ESG's own
 * addresses, answered in place, under a per-lcore token bucket (RFC 4443
 * 2.4 (f); RFC 1812 4.3.2.8 for IPv4). Main lcore.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp.h"

#define ICMP_BUCKET_NS 1000000000ull
#define ICMP6_ECHO_REPLY 129
#define ECHO_TTL 64

/* A token bucket in nanoseconds of credit: one second of burst, one
 * reply costs 1/rate s. Rate 0 means no limit. */
static bool
rate_ok(struct dp_lcore *lc)
{
	uint64_t cost;

	if (lc->icmp_rate_pps == 0)
		return true;
	cost = ICMP_BUCKET_NS / lc->icmp_rate_pps;
	if (lc->now_ns > lc->icmp_last_ns) {
		lc->icmp_tokens += lc->now_ns - lc->icmp_last_ns;
		if (lc->icmp_tokens > ICMP_BUCKET_NS)
			lc->icmp_tokens = ICMP_BUCKET_NS;
	}
	lc->icmp_last_ns = lc->now_ns;
	if (lc->icmp_tokens < cost)
		return false;
	lc->icmp_tokens -= cost;
	return true;
}

static void
trim_to(struct rte_mbuf *m, uint32_t len)
{
	if (rte_pktmbuf_data_len(m) > len)
		rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - len);
}

enum dp_action
dp_icmp4_echo(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	      const struct dp_pkt_info *pi)
{
	struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, pi->l2_len);
	struct rte_icmp_hdr *icmp =
		(struct rte_icmp_hdr *)((uint8_t *)ip + pi->l3_len);
	uint32_t len = pi->ip_len - pi->l3_len;
	uint32_t addr;

	/* RFC 792: the checksum covers the whole ICMP message. */
	if (dp_csum(icmp, len, 0) != 0xffff || icmp->icmp_code != 0) {
		dp_drop(lc, ifc, DP_DROP_ICMP_BAD);
		return DP_ACT_DROP;
	}
	if (!rate_ok(lc)) {
		dp_drop(lc, ifc, DP_DROP_ICMP_RATE);
		return DP_ACT_DROP;
	}
	/* RFC 792 Echo: swap the addresses, type 0, recompute. Options
	 * are returned as received (RFC 1122 3.2.2.6). */
	addr = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = addr;
	ip->time_to_live = ECHO_TTL;
	ip->hdr_checksum = 0;
	ip->hdr_checksum =
		rte_cpu_to_be_16((uint16_t)~dp_csum(ip, pi->l3_len, 0));
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_cpu_to_be_16((uint16_t)~dp_csum(icmp, len, 0));
	dp_eth_reply(ifc, m);
	trim_to(m, pi->l2_len + pi->ip_len);
	dp_count(lc, DP_CNT_ICMP4_ECHO_REPLY);
	return DP_ACT_TX;
}

enum dp_action
dp_icmp6_echo(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m,
	      const struct dp_pkt_info *pi)
{
	struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, pi->l2_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);
	uint32_t len = pi->ip_len - (uint32_t)sizeof(*ip);
	uint8_t addr[16];

	/* RFC 4443 2.3: checksum over the pseudo-header and the message. */
	if (dp_csum6(ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, icmp, len) !=
		    0xffff ||
	    icmp->icmp_code != 0) {
		dp_drop(lc, ifc, DP_DROP_ICMP_BAD);
		return DP_ACT_DROP;
	}
	if (!rate_ok(lc)) {
		dp_drop(lc, ifc, DP_DROP_ICMP_RATE);
		return DP_ACT_DROP;
	}
	/* RFC 4443 4.2: the reply comes from the unicast address the
	 * request was sent to, with the request's data. */
	memcpy(addr, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, addr, 16);
	ip->hop_limits = ECHO_TTL;
	icmp->icmp_type = ICMP6_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_cpu_to_be_16((uint16_t)~dp_csum6(
		ip->src_addr, ip->dst_addr, IPPROTO_ICMPV6, icmp, len));
	dp_eth_reply(ifc, m);
	trim_to(m, pi->l2_len + pi->ip_len);
	dp_count(lc, DP_CNT_ICMP6_ECHO_REPLY);
	return DP_ACT_TX;
}
