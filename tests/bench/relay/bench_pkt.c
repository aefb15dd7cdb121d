/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The benchmark's traffic: where every leg lives (all of it computed
 * from the leg id, so a million legs cost the generator no table), the
 * packets it receives, and the full check of what the relay sent.
 *
 * Addresses come from the benchmarking ranges (RFC 2544 198.18.0.0/15,
 * RFC 5180 2001:2::/48); the packets never leave the process.
 *   interface k: 198.19.k.1-8/24, 2001:2:0:k::1-8/64, gateways .254 and
 *     ::fe, MAC 02:00:00:00:00:0k, gateway MAC 02:00:00:00:01:0k
 *   remotes (behind the gateways): 198.18.0.0/16 and 2001:2:ff::/64
 *   pair i = legs 2i (side A) and 2i+1 (side B); side A on interface
 *     i & 1, side B on 2 + (i & 1); j = i >> 1 picks the local address
 *     (j & 7) and the port slot (j >> 3): RTP port 1024 + 2 slot and
 *     RTCP the next one, or 1024 + slot with rtcp-mux.
 *
 * Every injected packet is 200 bytes of IP (BENCH_IP_LEN):
 *   IPv4: 20 IP + 8 UDP + 12 RTP + 160 payload (G.711, 20 ms)
 *   IPv6: 40 IP + 8 UDP + 12 RTP + 140 payload
 *   rtcp-mux (IPv4): 20 IP + 8 UDP + 172 RTCP: an SR with one report
 *     block (52, RFC 3550 6.4.1) and an SDES CNAME chunk (120, 6.5)
 * The payload carries the injection time (TSC) and the leg id where the
 * relay never looks (right after the RTP header; the SR's NTP and RTP
 * timestamp fields), so the generator reads them back from the output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "bench_relay.h"

const struct bench_case bench_cases[BENCH_NB_CASES] = {
	[BENCH_V4_V4] = {"v4-v4", AF_INET, AF_INET, false, true},
	[BENCH_V4_V6] = {"v4-v6", AF_INET, AF_INET6, false, false},
	[BENCH_V6_V4] = {"v6-v4", AF_INET6, AF_INET, false, false},
	[BENCH_RTCP_MUX] = {"rtcp-mux", AF_INET, AF_INET, true, true},
};

#define ETH_LEN 14
#define UDP_LEN 8
#define RTP_LEN 12
#define SR_LEN 52
#define SDES_LEN 120
#define CNAME_LEN 108
#define SSRC_MULT 0x9e3779b1u
#define REMOTE4_NET 0xc6120000u /* 198.18.0.0, host order */
#define REMOTE_HOSTS 65534u

static unsigned int
ip_hdr_len(int family)
{
	return family == AF_INET ? 20 : 40;
}

/* Where the marker (TSC, then leg id) sits in the L4 payload. */
static unsigned int
marker_off(const struct bench_case *c)
{
	return c->mux ? 8 : RTP_LEN;
}

static unsigned int
leg_marker_off(const struct bench_case *c)
{
	return marker_off(c) + 8;
}

static uint8_t
pattern(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

void
bench_if_mac(unsigned int ifidx, uint8_t mac[6])
{
	static const uint8_t base[6] = {0x02, 0, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = (uint8_t)ifidx;
}

void
bench_gw_mac(unsigned int ifidx, uint8_t mac[6])
{
	bench_if_mac(ifidx, mac);
	mac[4] = 1;
}

uint8_t
bench_if_plen(int family)
{
	return family == AF_INET ? 24 : 64;
}

static void
if_host(unsigned int ifidx, int family, uint8_t host, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (family == AF_INET) {
		addr[0] = 198;
		addr[1] = 19;
		addr[2] = (uint8_t)ifidx;
		addr[3] = host;
		return;
	}
	addr[0] = 0x20;
	addr[1] = 0x01;
	addr[3] = 0x02;
	addr[7] = (uint8_t)ifidx;
	addr[15] = host;
}

void
bench_if_addr(unsigned int ifidx, int family, unsigned int a, uint8_t addr[16])
{
	if_host(ifidx, family, (uint8_t)(1 + a), addr);
}

void
bench_if_gw(unsigned int ifidx, int family, uint8_t addr[16])
{
	if_host(ifidx, family, family == AF_INET ? 254 : 0xfe, addr);
}

static uint16_t
remote_port(uint32_t leg)
{
	return (uint16_t)(1024 + 2 * ((leg / REMOTE_HOSTS) % 32000));
}

static void
remote_addr(int family, uint32_t leg, uint8_t addr[16])
{
	uint32_t host = 1 + leg % REMOTE_HOSTS;

	memset(addr, 0, 16);
	if (family == AF_INET) {
		uint32_t a = rte_cpu_to_be_32(REMOTE4_NET | host);

		memcpy(addr, &a, 4);
		return;
	}
	addr[0] = 0x20;
	addr[1] = 0x01;
	addr[3] = 0x02;
	addr[5] = 0xff;
	host = rte_cpu_to_be_32(leg + 1);
	memcpy(addr + 12, &host, 4);
}

void
bench_leg(const struct bench_plan *p, uint32_t leg, struct bench_leg *l)
{
	uint32_t pair = leg >> 1, j = pair >> 1, slot = j >> 3;
	unsigned int side = leg & 1;

	l->family = side ? p->c->fam_b : p->c->fam_a;
	l->ifidx = side * 2 + (pair & 1);
	bench_if_addr(l->ifidx, l->family, j & 7, l->local);
	if (p->c->mux) {
		l->local_rtp = (uint16_t)(BENCH_PORT_MIN + slot);
		l->local_rtcp = 0;
	} else {
		l->local_rtp = (uint16_t)(BENCH_PORT_MIN + 2 * slot);
		l->local_rtcp = (uint16_t)(l->local_rtp + 1);
	}
	remote_addr(l->family, leg, l->remote);
	l->remote_rtp = remote_port(leg);
	l->ssrc = (leg + 1) * SSRC_MULT;
}

/* Legs are even in number; each interface gets a quarter of the pairs'
 * sides, eight addresses, and as many port slots as the range holds. */
uint32_t
bench_plan_max_legs(const struct bench_case *c)
{
	uint32_t ports = BENCH_PORT_MAX - BENCH_PORT_MIN + 1;
	uint32_t slots = c->mux ? ports : ports / 2;

	/* pairs = 2 interfaces x 8 addresses x slots; 2 legs a pair */
	return 2 * BENCH_NB_ADDR * slots * 2;
}

static bool
leg_receives(const struct bench_plan *p, uint32_t leg)
{
	return (leg & 1) == 0 || p->c->both_ways;
}

static uint64_t
rnd(uint64_t *s)
{
	/* splitmix64: a fixed seed gives the same order every run */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The part of the L4 checksum no packet changes: the payload with its
 * per-packet words zeroed (they are added per packet). */
static void
payload_template(const struct bench_case *c, uint8_t *pl, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		pl[i] = pattern(i);
	if (!c->mux) {
		memset(pl, 0, RTP_LEN + 12);
		return;
	}
	/* SR (RFC 3550 6.4.1): V=2 RC=1, PT 200, length in words - 1 */
	pl[0] = 0x81;
	pl[1] = 200;
	pl[2] = 0;
	pl[3] = SR_LEN / 4 - 1;
	memset(pl + 4, 0, 24); /* SSRC, NTP, RTP ts, packet and octet count */
	/* SDES (6.5): one chunk, CNAME, then END and padding to a word */
	pl[SR_LEN] = 0x81;
	pl[SR_LEN + 1] = 202;
	pl[SR_LEN + 2] = 0;
	pl[SR_LEN + 3] = SDES_LEN / 4 - 1;
	memset(pl + SR_LEN + 4, 0, 4); /* SSRC */
	pl[SR_LEN + 8] = 1;	       /* CNAME */
	pl[SR_LEN + 9] = CNAME_LEN;
	for (i = 0; i < CNAME_LEN; i++)
		pl[SR_LEN + 10 + i] = (uint8_t)('a' + i % 26);
	pl[SR_LEN + 10 + CNAME_LEN] = 0;
	pl[SR_LEN + 11 + CNAME_LEN] = 0;
}

static unsigned int
l4_payload_len(int family)
{
	return BENCH_IP_LEN - ip_hdr_len(family) - UDP_LEN;
}

static uint64_t
sum32(const uint8_t *p, unsigned int words)
{
	uint64_t s = 0;
	uint32_t w;
	unsigned int i;

	for (i = 0; i < words; i++) {
		memcpy(&w, p + 4 * i, 4);
		s += w;
	}
	return s;
}

static uint16_t
fold(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void templates_init(struct bench_plan *p);

int
bench_plan_init(struct bench_plan *p, const struct bench_case *c,
		uint32_t nb_legs, uint64_t seed)
{
	uint8_t pl[BENCH_IP_LEN];
	unsigned int k, plen = l4_payload_len(c->fam_a);
	uint32_t leg, n;

	memset(p, 0, sizeof(*p));
	p->c = c;
	if (nb_legs < 2 || nb_legs % 2 != 0 || nb_legs > bench_plan_max_legs(c))
		return -EINVAL;
	p->nb_legs = nb_legs;
	for (k = 0; k < BENCH_NB_IF; k++) {
		p->rx_legs[k] = malloc(sizeof(uint32_t) * (nb_legs / 4 + 2));
		if (p->rx_legs[k] == NULL) {
			bench_plan_free(p);
			return -ENOMEM;
		}
	}
	for (leg = 0; leg < nb_legs; leg++) {
		struct bench_leg l;

		if (!leg_receives(p, leg))
			continue;
		bench_leg(p, leg, &l);
		p->rx_legs[l.ifidx][p->nb_rx_legs[l.ifidx]++] = leg;
	}
	/* Fisher-Yates: each interface's legs in a random order, so
	 * consecutive packets hit unrelated hash buckets and leg slots. */
	for (k = 0; k < BENCH_NB_IF; k++) {
		for (n = p->nb_rx_legs[k]; n > 1; n--) {
			uint32_t r = (uint32_t)(rnd(&seed) % n), t;

			t = p->rx_legs[k][n - 1];
			p->rx_legs[k][n - 1] = p->rx_legs[k][r];
			p->rx_legs[k][r] = t;
		}
	}
	payload_template(c, pl, plen);
	p->payload_sum = fold(sum32(pl, plen / 4));
	templates_init(p);
	return 0;
}

void
bench_plan_free(struct bench_plan *p)
{
	unsigned int k;

	for (k = 0; k < BENCH_NB_IF; k++) {
		free(p->rx_legs[k]);
		p->rx_legs[k] = NULL;
	}
}

static uint16_t
ethertype(int family)
{
	return rte_cpu_to_be_16(family == AF_INET ? RTE_ETHER_TYPE_IPV4
						  : RTE_ETHER_TYPE_IPV6);
}

/* The per-packet words of the L4 payload, written in place. */
static void
payload_vars(const struct bench_case *c, uint8_t *pl, uint32_t leg,
	     uint32_t ssrc, uint32_t round, uint64_t tsc)
{
	uint32_t v;
	uint16_t s;

	if (!c->mux) {
		pl[0] = 0x80; /* V=2, no padding, extension or CSRC */
		pl[1] = 0;    /* PT 0 (PCMU, RFC 3551), no marker */
		s = rte_cpu_to_be_16((uint16_t)round);
		memcpy(pl + 2, &s, 2);
		v = rte_cpu_to_be_32(round * 160); /* 20 ms at 8 kHz */
		memcpy(pl + 4, &v, 4);
		v = rte_cpu_to_be_32(ssrc);
		memcpy(pl + 8, &v, 4);
	} else {
		v = rte_cpu_to_be_32(ssrc);
		memcpy(pl + 4, &v, 4);
		memcpy(pl + SR_LEN + 4, &v, 4);
		v = rte_cpu_to_be_32(round);
		memcpy(pl + 20, &v, 4);
		v = rte_cpu_to_be_32(round * 160);
		memcpy(pl + 24, &v, 4);
	}
	memcpy(pl + marker_off(c), &tsc, 8);
	memcpy(pl + leg_marker_off(c), &leg, 4);
}

static uint64_t
payload_vars_sum(const struct bench_case *c, const uint8_t *pl)
{
	if (!c->mux)
		return sum32(pl, 6);
	return sum32(pl + 4, 6) + sum32(pl + SR_LEN + 4, 1);
}

/* The frame up to the UDP payload for a leg on interface k, with the
 * leg's addresses (IPv4), host parts (IPv6), ports and both checksums
 * zero: what bench_pkt_build() copies and completes. */
static void
hdr_template(const struct bench_case *c, unsigned int k, uint8_t *f)
{
	unsigned int ihl = ip_hdr_len(c->fam_a);
	uint8_t *ip = f + ETH_LEN, *udp = ip + ihl, addr[16];
	uint16_t udp_len = (uint16_t)(BENCH_IP_LEN - ihl), be;

	memset(f, 0, BENCH_HDR_MAX);
	bench_if_mac(k, f);
	bench_gw_mac(k, f + 6);
	be = ethertype(c->fam_a);
	memcpy(f + 12, &be, 2);
	if (c->fam_a == AF_INET) {
		ip[0] = 0x45;
		ip[1] = 0xb8; /* DSCP EF (RFC 3246), as phones mark RTP */
		be = rte_cpu_to_be_16(BENCH_IP_LEN);
		memcpy(ip + 2, &be, 2);
		/* id 0, no fragment (RFC 6864) */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
	} else {
		uint32_t vtf = rte_cpu_to_be_32(6u << 28 | 0xb8u << 20);

		memcpy(ip, &vtf, 4);
		be = rte_cpu_to_be_16(udp_len);
		memcpy(ip + 4, &be, 2);
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		remote_addr(AF_INET6, 0, addr);
		memcpy(ip + 8, addr, 12); /* the last 4 bytes: the leg's */
		bench_if_addr(k, AF_INET6, 0, addr);
		memcpy(ip + 24, addr, 15); /* the last byte: the address */
	}
	be = rte_cpu_to_be_16(udp_len);
	memcpy(udp + 4, &be, 2);
}

static void
templates_init(struct bench_plan *p)
{
	const struct bench_case *c = p->c;
	unsigned int k, ihl = ip_hdr_len(c->fam_a);
	uint16_t be = rte_cpu_to_be_16((uint16_t)(BENCH_IP_LEN - ihl));

	for (k = 0; k < BENCH_NB_IF; k++) {
		hdr_template(c, k, p->hdr[k]);
		p->ip_sum[k] = fold(sum32(p->hdr[k] + ETH_LEN, 5));
	}
	/* RFC 768 / RFC 8200 8.1: the pseudo-header's protocol and length,
	 * the UDP length (so the length twice in all) and the data. */
	p->l4_const = rte_cpu_to_be_16(IPPROTO_UDP) + 2u * (uint32_t)be +
		      p->payload_sum;
}

uint16_t
bench_pkt_build(const struct bench_plan *p, uint8_t *frame, uint32_t leg,
		uint32_t round, uint64_t tsc)
{
	const struct bench_case *c = p->c;
	uint32_t pair = leg >> 1, j = pair >> 1, slot = j >> 3, v;
	unsigned int k = (leg & 1) * 2 + (pair & 1), a = j & 7;
	uint8_t *ip = frame + ETH_LEN, *udp, *pl;
	uint16_t ck, be;
	uint64_t s;

	/* bench_leg() says the same, the long way (--selftest compares) */
	if (c->fam_a == AF_INET) {
		uint32_t src, dst;

		memcpy(frame, p->hdr[k], ETH_LEN + 20 + UDP_LEN);
		src = rte_cpu_to_be_32(REMOTE4_NET | (1 + leg % REMOTE_HOSTS));
		dst = rte_cpu_to_be_32(198u << 24 | 19u << 16 | k << 8 |
				       (1 + a));
		memcpy(ip + 12, &src, 4);
		memcpy(ip + 16, &dst, 4);
		s = (uint64_t)src + dst;
		ck = (uint16_t)~fold(p->ip_sum[k] + s);
		memcpy(ip + 10, &ck, 2);
		udp = ip + 20;
	} else {
		memcpy(frame, p->hdr[k], ETH_LEN + 40 + UDP_LEN);
		v = rte_cpu_to_be_32(leg + 1);
		memcpy(ip + 20, &v, 4);
		ip[39] = (uint8_t)(1 + a);
		s = sum32(ip + 8, 8);
		udp = ip + 40;
	}
	be = rte_cpu_to_be_16(remote_port(leg));
	memcpy(udp, &be, 2);
	be = rte_cpu_to_be_16(
		(uint16_t)(BENCH_PORT_MIN + (c->mux ? slot : 2 * slot)));
	memcpy(udp + 2, &be, 2);
	pl = udp + UDP_LEN;
	payload_vars(c, pl, leg, (leg + 1) * SSRC_MULT, round, tsc);
	s += sum32(udp, 1) + p->l4_const + payload_vars_sum(c, pl);
	ck = (uint16_t)~fold(s);
	if (ck == 0)
		ck = 0xffff; /* RFC 768: 0 would mean none */
	memcpy(udp + 6, &ck, 2);
	return (uint16_t)(ETH_LEN + BENCH_IP_LEN);
}

/* Fill the parts of the payload the per-packet build leaves alone. */
void
bench_pkt_payload(const struct bench_plan *p, uint8_t *frame)
{
	unsigned int ihl = ip_hdr_len(p->c->fam_a);

	payload_template(p->c, frame + ETH_LEN + ihl + UDP_LEN,
			 l4_payload_len(p->c->fam_a));
}

static int
out_family(const struct bench_plan *p)
{
	/* The receiving legs are side A (family fam_a) or, both ways, of
	 * the same family on both sides: out of the peer is fam_b. */
	return p->c->fam_b;
}

uint16_t
bench_out_len(const struct bench_plan *p)
{
	int in = p->c->fam_a, out = out_family(p);

	return (uint16_t)(ETH_LEN + BENCH_IP_LEN + ip_hdr_len(out) -
			  ip_hdr_len(in));
}

uint16_t
bench_out_marker_off(const struct bench_plan *p)
{
	return (uint16_t)(ETH_LEN + ip_hdr_len(out_family(p)) + UDP_LEN +
			  marker_off(p->c));
}

uint16_t
bench_csum_ref(const uint8_t *buf, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, whylen, __VA_ARGS__);                            \
		return -1;                                                     \
	} while (0)

static uint16_t
rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* IPv4 or IPv6 header of a relayed packet; the pseudo-header sum. */
static int
check_ip(const uint8_t *ip, int family, const struct bench_leg *peer,
	 unsigned int ip_len, uint32_t *psum, char *why, size_t whylen)
{
	if (family == AF_INET) {
		if (ip[0] != 0x45)
			FAIL("IPv4 version/IHL 0x%02x", ip[0]);
		if (rd16(ip + 2) != ip_len)
			FAIL("IPv4 total length %u, want %u", rd16(ip + 2),
			     ip_len);
		if ((rd16(ip + 6) & 0xbfff) != 0)
			FAIL("IPv4 fragment field 0x%04x", rd16(ip + 6));
		if (ip[8] == 0 || ip[9] != IPPROTO_UDP)
			FAIL("IPv4 TTL %u protocol %u", ip[8], ip[9]);
		if (bench_csum_ref(ip, 20, 0) != 0xffff)
			FAIL("IPv4 header checksum wrong");
		if (memcmp(ip + 12, peer->local, 4) != 0 ||
		    memcmp(ip + 16, peer->remote, 4) != 0)
			FAIL("IPv4 addresses not the peer leg's");
		*psum = bench_csum_ref(ip + 12, 8, IPPROTO_UDP + ip_len - 20);
		return 0;
	}
	if ((ip[0] >> 4) != 6)
		FAIL("IPv6 version %u", ip[0] >> 4);
	if (rd16(ip + 4) != ip_len - 40)
		FAIL("IPv6 payload length %u, want %u", rd16(ip + 4),
		     ip_len - 40);
	if (ip[6] != IPPROTO_UDP || ip[7] == 0)
		FAIL("IPv6 next header %u hop limit %u", ip[6], ip[7]);
	if (memcmp(ip + 8, peer->local, 16) != 0 ||
	    memcmp(ip + 24, peer->remote, 16) != 0)
		FAIL("IPv6 addresses not the peer leg's");
	*psum = bench_csum_ref(ip + 8, 32, IPPROTO_UDP + ip_len - 40);
	return 0;
}

/* The L4 payload must be exactly what was injected. */
static int
check_payload(const struct bench_plan *p, const uint8_t *pl, unsigned int len,
	      uint32_t leg, char *why, size_t whylen)
{
	uint8_t want[BENCH_IP_LEN];
	struct bench_leg l;
	uint32_t round;
	uint64_t tsc;

	if (len != l4_payload_len(p->c->fam_a))
		FAIL("UDP payload %u bytes, sent %u", len,
		     l4_payload_len(p->c->fam_a));
	bench_leg(p, leg, &l);
	memcpy(&tsc, pl + marker_off(p->c), 8);
	round = p->c->mux ? rd32(pl + 20) : rd16(pl + 2);
	payload_template(p->c, want, len);
	payload_vars(p->c, want, leg, l.ssrc, round, tsc);
	if (!p->c->mux && rd32(pl + 4) % 160 != 0)
		FAIL("RTP timestamp %u changed", rd32(pl + 4));
	if (!p->c->mux)
		memcpy(want + 4, pl + 4, 4); /* the round's upper bits */
	if (memcmp(pl, want, len) != 0)
		FAIL("UDP payload changed (leg %u)", leg);
	return 0;
}

int
bench_pkt_check(const struct bench_plan *p, const uint8_t *frame, uint32_t len,
		unsigned int ifidx, char *why, size_t whylen)
{
	int out = out_family(p);
	unsigned int ihl = ip_hdr_len(out), ip_len, udp_len;
	const uint8_t *ip = frame + ETH_LEN, *udp = ip + ihl;
	uint8_t mac[6];
	struct bench_leg peer;
	uint32_t leg, psum;

	if (len != bench_out_len(p))
		FAIL("frame of %u bytes, want %u", len, bench_out_len(p));
	memcpy(&leg, frame + bench_out_marker_off(p) + 8, 4);
	if (leg >= p->nb_legs || !leg_receives(p, leg))
		FAIL("marker names leg %u, not a receiving leg", leg);
	bench_leg(p, leg ^ 1, &peer);
	if (peer.ifidx != ifidx)
		FAIL("leg %u sent out of interface %u, peer is on %u", leg,
		     ifidx, peer.ifidx);
	bench_gw_mac(ifidx, mac);
	if (memcmp(frame, mac, 6) != 0)
		FAIL("destination MAC is not the gateway's");
	bench_if_mac(ifidx, mac);
	if (memcmp(frame + 6, mac, 6) != 0)
		FAIL("source MAC is not the interface's");
	if (rd16(frame + 12) != (out == AF_INET ? 0x0800 : 0x86dd))
		FAIL("ethertype 0x%04x", rd16(frame + 12));
	ip_len = len - ETH_LEN;
	if (check_ip(ip, out, &peer, ip_len, &psum, why, whylen) != 0)
		return -1;
	udp_len = ip_len - ihl;
	if (rd16(udp) != peer.local_rtp || rd16(udp + 2) != peer.remote_rtp)
		FAIL("UDP ports %u -> %u, want %u -> %u", rd16(udp),
		     rd16(udp + 2), peer.local_rtp, peer.remote_rtp);
	if (rd16(udp + 4) != udp_len)
		FAIL("UDP length %u, want %u", rd16(udp + 4), udp_len);
	/* RFC 768: 0 would mean "no checksum"; what we sent had one, and
	 * RFC 8200 8.1 requires it over IPv6. */
	if (rd16(udp + 6) == 0)
		FAIL("UDP checksum removed");
	if (bench_csum_ref(udp, udp_len, psum) != 0xffff)
		FAIL("UDP checksum wrong");
	return check_payload(p, udp + UDP_LEN, udp_len - UDP_LEN, leg, why,
			     whylen);
}

/* Log-linear buckets: exact below 2 x BENCH_HIST_SUB, then
 * BENCH_HIST_SUB per power of two. */
static unsigned int
hist_bucket(uint64_t v)
{
	unsigned int msb, sh;

	if (v < 2 * BENCH_HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	sh = msb - 4; /* log2(BENCH_HIST_SUB) */
	return (sh + 1) * BENCH_HIST_SUB +
	       (unsigned int)((v >> sh) & (BENCH_HIST_SUB - 1));
}

static uint64_t
hist_value(unsigned int b)
{
	unsigned int sh;

	if (b < 2 * BENCH_HIST_SUB)
		return b;
	sh = b / BENCH_HIST_SUB - 1;
	/* the middle of the bucket */
	return ((uint64_t)(BENCH_HIST_SUB + b % BENCH_HIST_SUB) << sh) +
	       ((1ull << sh) >> 1);
}

void
bench_hist_add(struct bench_hist *h, uint64_t v)
{
	unsigned int b = hist_bucket(v);

	if (b >= BENCH_HIST_BUCKETS)
		b = BENCH_HIST_BUCKETS - 1;
	h->b[b]++;
	h->n++;
}

uint64_t
bench_hist_pct(const struct bench_hist *h, double pct)
{
	uint64_t want, seen = 0;
	unsigned int b;

	if (h->n == 0)
		return 0;
	want = (uint64_t)((double)h->n * pct / 100.0);
	if (want >= h->n)
		want = h->n - 1;
	for (b = 0; b < BENCH_HIST_BUCKETS; b++) {
		seen += h->b[b];
		if (seen > want)
			return hist_value(b);
	}
	return hist_value(BENCH_HIST_BUCKETS - 1);
}

uint16_t
bench_in_payload_off(const struct bench_plan *p)
{
	return (uint16_t)(ETH_LEN + ip_hdr_len(p->c->fam_a) + UDP_LEN);
}

uint16_t
bench_out_payload_off(const struct bench_plan *p)
{
	return (uint16_t)(ETH_LEN + ip_hdr_len(out_family(p)) + UDP_LEN);
}

/* The generator's own packet for leg, as the relay will see it: lengths,
 * addresses, ports and both checksums by the byte-wise sum. */
int
bench_in_check(const struct bench_plan *p, const uint8_t *frame, uint32_t leg)
{
	int fam = p->c->fam_a;
	unsigned int ihl = ip_hdr_len(fam), udp_len = BENCH_IP_LEN - ihl;
	const uint8_t *ip = frame + ETH_LEN, *udp = ip + ihl;
	struct bench_leg l;
	uint32_t psum;

	bench_leg(p, leg, &l);
	if (rd16(frame + 12) != (fam == AF_INET ? 0x0800 : 0x86dd))
		return -1;
	if (fam == AF_INET) {
		if (ip[0] != 0x45 || rd16(ip + 2) != BENCH_IP_LEN ||
		    bench_csum_ref(ip, 20, 0) != 0xffff ||
		    memcmp(ip + 12, l.remote, 4) != 0 ||
		    memcmp(ip + 16, l.local, 4) != 0)
			return -1;
		psum = bench_csum_ref(ip + 12, 8, IPPROTO_UDP + udp_len);
	} else {
		if ((ip[0] >> 4) != 6 || rd16(ip + 4) != udp_len ||
		    memcmp(ip + 8, l.remote, 16) != 0 ||
		    memcmp(ip + 24, l.local, 16) != 0)
			return -1;
		psum = bench_csum_ref(ip + 8, 32, IPPROTO_UDP + udp_len);
	}
	if (rd16(udp) != l.remote_rtp || rd16(udp + 2) != l.local_rtp ||
	    rd16(udp + 4) != udp_len || rd16(udp + 6) == 0 ||
	    bench_csum_ref(udp, udp_len, psum) != 0xffff)
		return -1;
	return 0;
}
