/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests of an independent review of the relay (dataplane/relay), through
 * the real fast path: frames in through dp_relay_burst(), the exact frame
 * out, built and checksummed here (tests/unit/dataplane/dp_relay_test.c).
 *
 * Regression tests (registered, they pass):
 * - RFC 1624 / RFC 768 edges of the incremental UDP checksum update: a
 *   received checksum of 0xffff (a computed zero) and an updated one that
 *   comes out 0 (must be sent as 0xffff), in all four family pairs, and
 *   an IPv4 packet without checksum towards IPv6 whose full checksum is 0;
 * - the same update against a from-scratch checksum for 3000 random
 *   packets (families, ports, lengths, TOS/DSCP, payload bytes);
 * - RFC 7915 / RFC 6864 header fields: flow label 0, hop limit / TTL 64,
 *   traffic class <-> TOS with the ECN bits, ID 0 and DF;
 * - a UDP length shorter than the IP payload, and Ethernet padding: the
 *   packet out is exactly the UDP datagram;
 * - LEG_REMOTE RELATCH: the peer's media goes to the signalled remote at
 *   once, before the voided leg receives anything;
 * - a packet handed to the owner lcore, then its leg deleted and the id
 *   reused before the owner polls: dropped, the new leg's slot untouched;
 * - a replaced configuration is not returned to the pool before the
 *   reader has passed a quiescent state (QSBR);
 * - 20000 mutated frames: each is counted exactly once (relayed, handed
 *   to the slow path, or one drop reason), every relayed packet has the
 *   RFC 791 / RFC 8200 header the relay promises, its payload untouched,
 *   and its UDP checksum valid exactly when the received one was.
 *
 * - the review's bugs, fixed in 8bd1166: an IPv6 UDP packet with
 *   checksum 0 is dropped (RFC 8200 8.1); no RTCP to UDP port 0 for a
 *   signalled or latched RTP port 65535 (RFC 3550 11 "next port");
 * - the review's risks, addressed in f925cfb: a third party cannot latch
 *   the RTCP port of a leg whose RTP is latched; RTCP to a peer latched
 *   behind NAT goes to the latched address; no media to a directed
 *   broadcast remote.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_leg.h"
#include "dp_relay_test.h"

#define LAN_RTP 20000
#define WAN_RTP 24000
#define PEER_RTP 30000
#define FAR_RTP 40000

static uint8_t F[2048], E[2048], PL[1600];

/* xorshift64*: reproducible pseudo-random input */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (uint32_t)((rnd_state * 0x2545f4914f6cdd1dull) >> 32);
}

static int
setup(void **state)
{
	(void)state;
	rnd_state = 0x9e3779b97f4a7c15ull;
	r_setup(0, false);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	r_teardown();
	return 0;
}

static const uint8_t *
lan_addr(uint8_t fam)
{
	return fam == AF_INET ? R_LAN4 : R_LAN6;
}

static const uint8_t *
wan_addr(uint8_t fam)
{
	return fam == AF_INET ? R_WAN4 : R_WAN6;
}

static const uint8_t *
peer_addr(uint8_t fam)
{
	return fam == AF_INET ? R_PEER4 : R_PEER6;
}

static const uint8_t *
far_addr(uint8_t fam)
{
	return fam == AF_INET ? R_FAR4 : R_FAR6;
}

/* Leg 1 on the LAN (fam_a) bound to leg 2 on the WAN (fam_b), whose
 * signalled remote is the far end behind the gateway. */
static void
legs(uint8_t fam_a, uint8_t fam_b, uint16_t lan_rtcp, uint16_t wan_rtcp)
{
	assert_int_equal(
		r_leg_add(1, 0, fam_a, lan_addr(fam_a), LAN_RTP, lan_rtcp, 0),
		0);
	assert_int_equal(
		r_leg_add(2, 1, fam_b, wan_addr(fam_b), WAN_RTP, wan_rtcp, 0),
		0);
	assert_int_equal(r_remote(2, fam_b, far_addr(fam_b), FAR_RTP, 0, 0), 0);
	assert_int_equal(r_bind(1, 2), 0);
}

static size_t
from_peer(uint8_t *buf, uint8_t fam, uint16_t sport, uint16_t dport,
	  const uint8_t *pl, size_t plen, uint8_t tos, bool no_csum)
{
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = fam,
			  .src = peer_addr(fam),
			  .dst = lan_addr(fam),
			  .sport = sport,
			  .dport = dport,
			  .payload = pl,
			  .plen = plen,
			  .tos = tos,
			  .no_csum = no_csum};

	return r_build(buf, &p);
}

static size_t
to_far(uint8_t *buf, uint8_t fam, uint16_t sport, uint16_t dport,
       const uint8_t *pl, size_t plen, uint8_t tos, bool no_csum)
{
	struct r_pkt p = {.dmac = R_GW_MAC,
			  .smac = R_WAN_MAC,
			  .family = fam,
			  .src = wan_addr(fam),
			  .dst = far_addr(fam),
			  .sport = sport,
			  .dport = dport,
			  .payload = pl,
			  .plen = plen,
			  .tos = tos,
			  .ip4_df = true,
			  .no_csum = no_csum};

	return r_build(buf, &p);
}

/* The UDP checksum field of a frame (no VLAN) of family fam. */
static uint16_t
udp_csum_of(const uint8_t *frame, uint8_t fam)
{
	return t_get16(frame + 14 + (fam == AF_INET ? 20 : 40) + 6);
}

/* A payload word (RTP payload bytes 0..1, an even offset in the UDP
 * datagram) that makes the checksum of the frame built by build() come
 * out 0: the word equal to the checksum computed with it 0 (x + ~x is
 * ones' complement zero). */
static void
zero_csum_word(size_t (*build)(uint8_t *, uint8_t, size_t), uint8_t fam,
	       size_t plen)
{
	uint16_t c;

	PL[12] = PL[13] = 0;
	build(E, fam, plen);
	c = udp_csum_of(E, fam);
	PL[12] = (uint8_t)(c >> 8);
	PL[13] = (uint8_t)c;
	build(E, fam, plen);
	/* RFC 768: a computed zero is sent as all ones */
	assert_int_equal(udp_csum_of(E, fam), 0xffff);
}

static size_t
build_in(uint8_t *buf, uint8_t fam, size_t plen)
{
	return from_peer(buf, fam, PEER_RTP, LAN_RTP, PL, plen, 0, false);
}

static size_t
build_out(uint8_t *buf, uint8_t fam, size_t plen)
{
	return to_far(buf, fam, WAN_RTP, FAR_RTP, PL, plen, 0, false);
}

static void
edge_case(uint8_t fam_a, uint8_t fam_b)
{
	size_t plen = r_rtp(PL, 0, 7, 1234, 0x01020304, 41), n, e;

	legs(fam_a, fam_b, 0, 0);
	/* (a) received checksum 0xffff: ~HC is 0 in RFC 1624 eqn. 3 */
	zero_csum_word(build_in, fam_a, plen);
	n = build_in(F, fam_a, plen);
	assert_int_equal(udp_csum_of(F, fam_a), 0xffff);
	r_rx(1, 0, F, n);
	e = build_out(E, fam_b, plen);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	/* (b) the updated checksum is 0: sent as 0xffff, never as 0
	 * (RFC 768; towards IPv6 0 is not allowed at all, RFC 8200 8.1) */
	zero_csum_word(build_out, fam_b, plen);
	n = build_in(F, fam_a, plen);
	r_rx(1, 0, F, n);
	e = build_out(E, fam_b, plen);
	assert_int_equal(udp_csum_of(E, fam_b), 0xffff);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
}

static void
test_csum_edges_44(void **state)
{
	(void)state;
	edge_case(AF_INET, AF_INET);
}

static void
test_csum_edges_46(void **state)
{
	(void)state;
	edge_case(AF_INET, AF_INET6);
}

static void
test_csum_edges_64(void **state)
{
	(void)state;
	edge_case(AF_INET6, AF_INET);
}

static void
test_csum_edges_66(void **state)
{
	(void)state;
	edge_case(AF_INET6, AF_INET6);
}

/* IPv4 without checksum towards IPv6: computed in full, and a full
 * checksum of 0 goes out as 0xffff (RFC 7915 4.5, RFC 8200 8.1). */
static void
test_csum_none_to_v6_zero(void **state)
{
	size_t plen = r_rtp(PL, 0, 9, 99, 0x0a0b0c0d, 30), n, e;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0);
	zero_csum_word(build_out, AF_INET6, plen);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, true);
	assert_int_equal(udp_csum_of(F, AF_INET), 0);
	r_rx(1, 0, F, n);
	e = build_out(E, AF_INET6, plen);
	r_assert_tx(0, 1, E, e);
}

/*
 * Random packets: legs 1 (LAN v4), 2 (LAN v6), 3 (WAN v4), 4 (WAN v6);
 * each round binds a LAN leg to a WAN leg, sets a random signalled
 * remote port and DSCP, and sends a random RTP packet one way or the
 * other. The frame out must be the one built here from scratch.
 */
static void
test_csum_random(void **state)
{
	static const uint8_t lanf[2] = {AF_INET, AF_INET6};
	unsigned int round;

	(void)state;
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 0, 0), 0);
	assert_int_equal(r_leg_add(2, 0, AF_INET6, R_LAN6, 20002, 0, 0), 0);
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 24000, 0, 0), 0);
	assert_int_equal(r_leg_add(4, 1, AF_INET6, R_WAN6, 24002, 0, 0), 0);
	for (round = 0; round < 3000; round++) {
		unsigned int li = rnd() & 1, wi = rnd() & 1;
		uint8_t lfam = lanf[li], wfam = lanf[wi];
		uint32_t lan = 1 + li, wan = 3 + wi;
		bool up = rnd() & 1; /* LAN -> WAN */
		uint16_t rport = (uint16_t)(1 + rnd() % 65534);
		uint16_t sport = (uint16_t)(1 + rnd() % 65535);
		uint8_t tos = (uint8_t)rnd(), dscp = DP_DSCP_KEEP, etos;
		size_t plen = 12 + rnd() % 400, i, n, e;
		bool no_csum = (rnd() & 7) == 0;
		uint8_t in_fam = up ? lfam : wfam, out_fam = up ? wfam : lfam;
		struct r_pkt p = {0}, q = {0};

		if (rnd() & 1)
			dscp = (uint8_t)(rnd() & 63);
		assert_int_equal(r_bind(lan, wan), 0);
		assert_int_equal(r_dscp(up ? wan : lan, dscp), 0);
		if (up)
			assert_int_equal(r_remote(wan, wfam, far_addr(wfam),
						  rport, 0, 0),
					 0);
		else
			assert_int_equal(r_remote(lan, lfam, peer_addr(lfam),
						  rport, 0, 0),
					 0);
		for (i = 0; i < plen; i++)
			PL[i] = (uint8_t)rnd();
		PL[0] = 0x80;			 /* V=2, no P, X, CC */
		PL[1] = (uint8_t)(rnd() & 0x3f); /* RTP, not RTCP by RFC 5761 */
		p.family = in_fam;
		p.sport = sport;
		p.payload = PL;
		p.plen = plen;
		p.tos = tos;
		p.ttl = (uint8_t)(1 + rnd() % 255);
		p.no_csum = no_csum && in_fam == AF_INET;
		q.family = out_fam;
		q.dport = rport;
		q.payload = PL;
		q.plen = plen;
		q.ip4_df = true;
		q.no_csum = p.no_csum && out_fam == AF_INET;
		etos = dscp == DP_DSCP_KEEP ? tos
					    : (uint8_t)(dscp << 2 | (tos & 3));
		q.tos = etos;
		if (up) {
			p.dmac = R_LAN_MAC;
			p.smac = R_PEER_MAC;
			p.src = peer_addr(in_fam);
			p.dst = lan_addr(in_fam);
			p.dport = lfam == AF_INET ? 20000 : 20002;
			q.dmac = R_GW_MAC;
			q.smac = R_WAN_MAC;
			q.src = wan_addr(out_fam);
			q.dst = far_addr(out_fam);
			q.sport = wfam == AF_INET ? 24000 : 24002;
		} else {
			p.dmac = R_WAN_MAC;
			p.smac = R_GW_MAC;
			p.src = far_addr(in_fam);
			p.dst = wan_addr(in_fam);
			p.dport = wfam == AF_INET ? 24000 : 24002;
			q.dmac = R_PEER_MAC;
			q.smac = R_LAN_MAC;
			q.src = lan_addr(out_fam);
			q.dst = peer_addr(out_fam);
			q.sport = lfam == AF_INET ? 20000 : 20002;
		}
		n = r_build(F, &p);
		r_rx(1, up ? 0 : 1, F, n);
		e = r_build(E, &q);
		if (R.nb_tx != 1)
			fail_msg("round %u: %u sent", round, R.nb_tx);
		r_assert_tx(0, up ? 1 : 0, E, e);
		r_free_captures();
	}
}

/* RFC 7915 4.1 / 5.1 as the relay applies them (docs: dp_relay_xlate.h):
 * flow label 0, hop limit and TTL 64 whatever came in, TC <-> TOS with
 * ECN, IPv4 out with ID 0 and DF (an atomic datagram, RFC 6864 4.1). */
static void
test_ip_fields(void **state)
{
	size_t plen = r_rtp(PL, 8, 3, 480, 0x77, 50), n, e;
	uint8_t *ip;
	uint16_t c;

	(void)state;
	legs(AF_INET6, AF_INET, 0, 0);
	/* IPv6 in: TC 0xb9 (EF, ECT(1)), flow label 0x12345, hop limit 2 */
	{
		struct r_pkt p = {.dmac = R_LAN_MAC,
				  .smac = R_PEER_MAC,
				  .family = AF_INET6,
				  .src = R_PEER6,
				  .dst = R_LAN6,
				  .sport = PEER_RTP,
				  .dport = LAN_RTP,
				  .payload = PL,
				  .plen = plen,
				  .tos = 0xb9,
				  .ttl = 2};

		n = r_build(F, &p);
	}
	ip = F + 14;
	ip[1] |= 0x01; /* flow label bits 19..16 */
	ip[2] = 0x23;
	ip[3] = 0x45;
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET, WAN_RTP, FAR_RTP, PL, plen, 0xb9, false);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	/* IPv4 in: TTL 1, ID 0x1234 without DF; out: TTL 64, ID 0, DF */
	assert_int_equal(r_bind(1, DP_LEG_NONE), 0);
	assert_int_equal(r_leg_add(3, 0, AF_INET, R_LAN4, 20010, 0, 0), 0);
	assert_int_equal(r_leg_add(4, 1, AF_INET6, R_WAN6, 24010, 0, 0), 0);
	assert_int_equal(r_remote(4, AF_INET6, R_FAR6, FAR_RTP, 0, 0), 0);
	assert_int_equal(r_bind(3, 4), 0);
	{
		struct r_pkt p = {.dmac = R_LAN_MAC,
				  .smac = R_PEER_MAC,
				  .family = AF_INET,
				  .src = R_PEER4,
				  .dst = R_LAN4,
				  .sport = PEER_RTP,
				  .dport = 20010,
				  .payload = PL,
				  .plen = plen,
				  .tos = 0x2a,
				  .ttl = 1};

		n = r_build(F, &p);
	}
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET6, 24010, FAR_RTP, PL, plen, 0x2a, false);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	/* and IPv4 out of a v4 leg: the header checksum verifies */
	assert_int_equal(r_bind(3, 2), 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	ip = rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 14;
	c = t_csum(ip, 20, 0);
	assert_int_equal(c, 0);
	assert_int_equal(ip[4], 0); /* ID 0 */
	assert_int_equal(ip[5], 0);
	assert_int_equal(ip[6], 0x40); /* DF, offset 0 */
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[1], 0x2a);
}

/* RFC 768: the datagram is what the UDP length says. Bytes past it in
 * the IP packet, and Ethernet padding, are not relayed. */
static void
test_trailing_bytes(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 4), n, e;
	uint8_t *ip = F + 14;
	uint16_t c;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0);
	/* a 16-byte RTP packet: a 58-byte frame, padded to 60 */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	assert_true(n < 60);
	memset(F + n, 0xee, 60 - n);
	r_rx(1, 0, F, 60);
	e = to_far(E, AF_INET6, WAN_RTP, FAR_RTP, PL, plen, 0, false);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	/* 7 bytes inside the IPv4 total length but past the UDP length */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	memset(F + n, 0x5a, 7);
	ip[2] = (uint8_t)((n - 14 + 7) >> 8);
	ip[3] = (uint8_t)(n - 14 + 7);
	ip[10] = ip[11] = 0;
	c = t_csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	r_rx(1, 0, F, n + 7);
	r_assert_tx(0, 1, E, e);
	/* counted as the UDP datagram's IP bytes: 20 + 8 + 16, twice */
	assert_int_equal(r_leg(1)->rx_bytes, 2 * (20 + 8 + plen));
}

/* LEG_REMOTE RELATCH on leg 2: leg 1's media goes to leg 2's signalled
 * remote from the next packet on, before leg 2's owner hears anything
 * (peer_dest() reads the voided latch as invalid, the next-hop cache
 * is keyed on the peer's configuration). */
static void
test_relatch_voids_dest(void **state)
{
	static const uint8_t NAT4[4] = {203, 0, 113, 77};
	struct r_pkt p = {.dmac = R_WAN_MAC,
			  .smac = R_GW_MAC,
			  .family = AF_INET,
			  .src = NAT4,
			  .dst = R_WAN4,
			  .sport = 5555,
			  .dport = WAN_RTP,
			  .payload = PL};
	union dp_msg m;
	size_t plen, n, e;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 2;
	m.leg_mod.flags = DP_LEG_F_LATCH;
	assert_int_equal(r_cmd(&m), 0);
	p.plen = r_rtp(PL, 0, 1, 0, 9, 20);
	/* leg 2 is owned by lcore 2, leg 1 by lcore 1 */
	r_rx(2, 1, F, r_build(F, &p));
	assert_int_equal(r_leg(2)->latches, 1);
	r_free_captures();
	plen = r_rtp(PL, 0, 1, 0, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	{
		struct r_pkt q = {.dmac = R_GW_MAC,
				  .smac = R_WAN_MAC,
				  .family = AF_INET,
				  .src = R_WAN4,
				  .dst = NAT4,
				  .sport = WAN_RTP,
				  .dport = 5555,
				  .payload = PL,
				  .plen = plen,
				  .ip4_df = true};

		e = r_build(E, &q);
	}
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	assert_int_equal(
		r_remote(2, AF_INET, R_FAR4, FAR_RTP, 0, DP_LEG_REMOTE_RELATCH),
		0);
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET, WAN_RTP, FAR_RTP, PL, plen, 0, false);
	r_assert_tx(0, 1, E, e);
	r_free_captures();
	/* the NAT talks again: latched anew, the media follows */
	p.plen = r_rtp(PL, 0, 2, 160, 9, 20);
	r_rx(2, 1, F, r_build(F, &p));
	assert_int_equal(r_leg(2)->latches, 2);
	r_free_captures();
	plen = r_rtp(PL, 0, 2, 160, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_memory_equal(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 14 + 16,
			    NAT4, 4);
}

/* A packet waits in the handoff ring while its leg is deleted and the
 * id reused (gen + 1): the owner drops it (media_no_leg) and the new
 * leg's counters stay zero. */
static void
test_handoff_reused_id(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n;
	struct rte_mbuf *m;
	union dp_msg d;
	uint32_t gen;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n); /* lcore 1 owns leg 1 */
	assert_int_equal(R.nb_tx, 1);
	r_free_captures();
	gen = r_leg(1)->gen;
	/* lcore 2 receives one: into the ring to lcore 1, not polled */
	m = rte_pktmbuf_alloc(T.pool);
	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), F, n);
	assert_int_equal(dp_relay_burst(&R.lc[2], &R.ifc[0], &m, 1), 0);
	assert_int_equal(r_cnt(2, DP_CNT_HANDOFF_TX), 1);
	memset(&d, 0, sizeof(d));
	d.hdr.type = DP_MSG_LEG_DEL;
	d.leg_del.leg_id = 1;
	assert_int_equal(r_cmd(&d), 0);
	r_tick(); /* no registered reader: the slot is reset now */
	assert_int_equal(r_leg(1)->gen, gen + 1);
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, LAN_RTP, 0, 0), 0);
	assert_int_equal(r_bind(1, 2), 0);
	dp_relay_handoff_poll(&R.lc[1]);
	dp_relay_flush(&R.lc[1]);
	assert_int_equal(r_cnt(1, DP_CNT_HANDOFF_RX), 1);
	assert_int_equal(r_drop(1, DP_DROP_MEDIA_NO_LEG), 1);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_leg(1)->rx_pkts, 0);
	assert_int_equal(r_leg(1)->rtp_received, 0);
	assert_int_equal(r_leg(1)->rtp_state, 0);
	assert_int_equal(r_leg(1)->gen, gen + 1);
	/* the new incarnation relays (and is claimed afresh) */
	r_rx(2, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(r_leg(1)->rx_pkts, 1);
}

/* QSBR: a configuration replaced while a reader has not reported a
 * quiescent state stays out of the pool, intact, until it has. */
static void
test_cfg_grace(void **state)
{
	struct dp_relay *r;
	const struct dp_leg_cfg *old, *mid;
	unsigned int avail;

	(void)state;
	r_teardown();
	r_setup(0, true);
	r = R.relay;
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, LAN_RTP, 0, 0), 0);
	old = r->legs[1].cfg;
	avail = rte_mempool_avail_count(r->cfg_pool);
	assert_int_equal(r_dscp(1, 46), 0);
	mid = r->legs[1].cfg;
	assert_ptr_not_equal(mid, old);
	r_tick();
	assert_int_equal(rte_mempool_avail_count(r->cfg_pool), avail - 1);
	assert_int_equal(old->id, 1);
	assert_int_equal(old->dscp, DP_DSCP_KEEP);
	/* another change: a third object, not the retired one */
	assert_int_equal(r_dscp(1, 10), 0);
	assert_ptr_not_equal(r->legs[1].cfg, old);
	assert_ptr_not_equal(r->legs[1].cfg, mid);
	r_tick();
	assert_int_equal(rte_mempool_avail_count(r->cfg_pool), avail - 2);
	assert_int_equal(mid->dscp, 46);
	rte_rcu_qsbr_quiescent(R.qsbr, 0);
	r_tick();
	assert_int_equal(rte_mempool_avail_count(r->cfg_pool), avail);
}

/* ---- mutated frames: accounting and header invariants ---- */

enum csum_state { CS_BAD = -1, CS_NONE, CS_OK, CS_WRONG };

struct parsed {
	uint8_t fam;
	const uint8_t *ip, *udp;
	uint32_t ulen;
	enum csum_state cs;
	uint16_t csum;
};

/* Independent parse of an untagged frame carrying UDP right after a
 * 20- or 40-byte IP header; the checksum state per RFC 768 / 8200. */
static bool
parse_udp(const uint8_t *f, size_t len, struct parsed *o)
{
	uint8_t ph[40 + 2048];
	size_t hl;

	if (len < 14 + 20)
		return false;
	o->ip = f + 14;
	if (f[12] == 0x08 && f[13] == 0x00 && o->ip[0] == 0x45) {
		o->fam = AF_INET;
		hl = 20;
	} else if (f[12] == 0x86 && f[13] == 0xdd && len >= 14 + 40 &&
		   (o->ip[0] >> 4) == 6 && o->ip[6] == 17) {
		o->fam = AF_INET6;
		hl = 40;
	} else {
		return false;
	}
	if (len < 14 + hl + 8)
		return false;
	o->udp = o->ip + hl;
	o->ulen = t_get16(o->udp + 4);
	if (o->ulen < 8 || o->ulen > len - 14 - hl || o->ulen > 2048)
		return false;
	o->csum = t_get16(o->udp + 6);
	if (o->fam == AF_INET) {
		if (o->csum == 0) {
			o->cs = CS_NONE;
			return true;
		}
		memcpy(ph, o->ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = o->udp[4];
		ph[11] = o->udp[5];
		memcpy(ph + 12, o->udp, o->ulen);
		o->cs = t_csum(ph, 12 + o->ulen, 0) == 0 ? CS_OK : CS_WRONG;
	} else {
		if (o->ulen > 1500)
			return false;
		o->cs = t_csum6(o->ip + 8, o->ip + 24, 17, o->udp, o->ulen) == 0
				? CS_OK
				: CS_WRONG;
	}
	return true;
}

static uint64_t
accounted(void)
{
	uint64_t t = R.nb_tx + R.nb_main_tx;
	unsigned int l, d;

	for (l = 0; l < 3; l++)
		for (d = 0; d < DP_DROP_MAX; d++)
			t += R.stats->lcore[l].drops[d];
	return t;
}

/* A relayed frame: the header the relay promises, the payload that came
 * in, and the checksum valid exactly when the received one was. */
static void
check_out(const struct parsed *in, const uint8_t *f, size_t len,
	  unsigned int it)
{
	struct parsed o;

	if (!parse_udp(f, len, &o))
		fail_msg("iteration %u: unparsable output", it);
	assert_int_equal(o.ulen, in->ulen);
	assert_int_equal(len, 14 + (o.fam == AF_INET ? 20 : 40) + o.ulen);
	assert_memory_equal(o.udp + 8, in->udp + 8, in->ulen - 8);
	if (o.fam == AF_INET) {
		assert_int_equal(t_csum(o.ip, 20, 0), 0);
		assert_int_equal(t_get16(o.ip + 2), 20 + o.ulen);
		assert_int_equal(t_get16(o.ip + 4), 0);
		assert_int_equal(t_get16(o.ip + 6), 0x4000);
		assert_int_equal(o.ip[8], 64);
	} else {
		assert_int_equal(o.ip[1] & 0x0f, 0);
		assert_int_equal(t_get16(o.ip + 2), 0);
		assert_int_equal(t_get16(o.ip + 4), o.ulen);
		assert_int_equal(o.ip[7], 64);
		/* RFC 8200 8.1: never 0 */
		assert_int_not_equal(o.csum, 0);
	}
	if (in->cs == CS_NONE) {
		if (o.cs != (o.fam == AF_INET ? CS_NONE : CS_OK))
			fail_msg("iteration %u: no checksum in, %d out", it,
				 o.cs);
	} else if (o.cs != in->cs) {
		fail_msg("iteration %u: checksum %d in, %d out", it, in->cs,
			 o.cs);
	}
}

static void
fix_ip4_csum(uint8_t *f, size_t len)
{
	uint8_t *ip = f + 14;
	uint16_t c;

	if (len < 34 || f[12] != 0x08 || f[13] != 0 || (ip[0] & 0xf) != 5)
		return;
	ip[10] = ip[11] = 0;
	c = t_csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
}

static void
fix_udp_csum(uint8_t *f, size_t len)
{
	struct parsed p;
	uint8_t *u;
	uint16_t c;

	if (!parse_udp(f, len, &p) || p.cs == CS_NONE)
		return;
	u = (uint8_t *)(uintptr_t)p.udp;
	u[6] = u[7] = 0;
	if (p.fam == AF_INET) {
		uint8_t ph[12 + 2048];

		memcpy(ph, p.ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = u[4];
		ph[11] = u[5];
		memcpy(ph + 12, u, p.ulen);
		c = t_csum(ph, 12 + p.ulen, 0);
	} else {
		c = t_csum6(p.ip + 8, p.ip + 24, 17, u, p.ulen);
	}
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
}

static void
test_mutations(void **state)
{
	static const uint8_t fams[4] = {AF_INET, AF_INET6, AF_INET, AF_INET6};
	static const uint8_t wfams[4] = {AF_INET6, AF_INET, AF_INET, AF_INET6};
	uint8_t base[8][256];
	size_t blen[8];
	unsigned int i, it, relayed = 0;

	(void)state;
	/* LAN legs 1..4 (v4, v6, v4, v6) on 20000 + 2i, bound to WAN legs
	 * 11..14 (v6, v4, v4, v6): every family pair */
	for (i = 0; i < 4; i++) {
		uint8_t wf = wfams[i];

		assert_int_equal(r_leg_add(1 + i, 0, fams[i], lan_addr(fams[i]),
					   (uint16_t)(20000 + 2 * i), 0, 0),
				 0);
		assert_int_equal(r_leg_add(11 + i, 1, wf, wan_addr(wf),
					   (uint16_t)(24000 + 2 * i), 0, 0),
				 0);
		assert_int_equal(
			r_remote(11 + i, wf, far_addr(wf), FAR_RTP, 0, 0), 0);
		assert_int_equal(r_bind(1 + i, 11 + i), 0);
	}
	for (i = 0; i < 8; i++) {
		size_t plen = i < 4 ? r_rtp(PL, 0, (uint16_t)i, 0, 5, 40 + i)
				    : r_rtcp(PL, 0x1234);

		blen[i] = from_peer(base[i], fams[i % 4], PEER_RTP,
				    (uint16_t)(20000 + 2 * (i % 4)), PL, plen,
				    (uint8_t)(i * 37), i == 2);
	}
	for (it = 0; it < 20000; it++) {
		unsigned int b = rnd() % 8, k, nmut = 1 + rnd() % 4;
		size_t len = blen[b];
		uint64_t before;
		struct rte_mbuf *m;
		struct parsed in;
		bool in_ok;
		uint16_t keep;
		void *x;

		memcpy(F, base[b], len);
		for (k = 0; k < nmut; k++) {
			/* mostly the headers (first 80 bytes) */
			size_t pos = (rnd() & 3) ? rnd() % 80 : rnd() % len;

			if (pos < len)
				F[pos] ^= (uint8_t)(1 + rnd() % 255);
		}
		if ((rnd() & 7) == 0)
			len = 14 + rnd() % (len - 13);
		else if ((rnd() & 15) == 0)
			for (k = rnd() % 40; k > 0; k--)
				F[len++] = (uint8_t)rnd();
		if (rnd() & 1)
			fix_ip4_csum(F, len);
		if (rnd() & 1)
			fix_udp_csum(F, len);
		in_ok = parse_udp(F, len, &in);
		before = accounted();
		m = rte_pktmbuf_alloc(T.pool);
		assert_non_null(m);
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), F, len);
		keep = dp_relay_burst(&R.lc[1], &R.ifc[0], &m, 1);
		if (keep == 1)
			rte_pktmbuf_free(m);
		dp_relay_handoff_poll(&R.lc[2]);
		dp_relay_flush(&R.lc[1]);
		dp_relay_flush(&R.lc[2]);
		while (rte_ring_sc_dequeue(R.exc, &x) == 0) {
			keep++;
			rte_pktmbuf_free(x);
		}
		if (accounted() + keep - before != 1)
			fail_msg("iteration %u (base %u, len %zu): counted %d "
				 "times",
				 it, b, len,
				 (int)(accounted() + keep - before));
		if (R.nb_tx == 1) {
			assert_true(in_ok);
			/* RFC 8200 8.1: an IPv6 zero is never relayed */
			assert_false(in.fam == AF_INET6 && in.csum == 0);
			check_out(&in, rte_pktmbuf_mtod(R.tx[0], uint8_t *),
				  rte_pktmbuf_data_len(R.tx[0]), it);
			relayed++;
		}
		r_free_captures();
	}
	/* the mutations leave enough frames whole to test the relay */
	assert_true(relayed > 1000);
	print_message("%u of 20000 mutated frames relayed\n", relayed);
}

/*
 * Review finding B1 (fixed in 8bd1166): RFC 8200 8.1, "IPv6 receivers
 * must discard UDP packets containing a zero checksum". The relay
 * terminates UDP on its leg's address; it used to relay such a packet,
 * towards IPv6 with a full checksum computed over it. Now: udp6_csum0,
 * towards either family, and the leg sees nothing.
 */
static void
test_ip6_zero_csum_dropped(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n;

	(void)state;
	legs(AF_INET6, AF_INET6, 0, 0);
	assert_int_equal(r_leg_add(3, 0, AF_INET6, R_LAN6, 20010, 0, 0), 0);
	assert_int_equal(r_leg_add(4, 1, AF_INET, R_WAN4, 24010, 0, 0), 0);
	assert_int_equal(r_remote(4, AF_INET, R_FAR4, FAR_RTP, 0, 0), 0);
	assert_int_equal(r_bind(3, 4), 0);
	n = from_peer(F, AF_INET6, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	F[14 + 40 + 6] = F[14 + 40 + 7] = 0;
	r_rx(1, 0, F, n);
	n = from_peer(F, AF_INET6, PEER_RTP, 20010, PL, plen, 0, false);
	F[14 + 40 + 6] = F[14 + 40 + 7] = 0;
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_drop(1, DP_DROP_UDP6_CSUM0), 2);
	assert_int_equal(r_leg(1)->rx_pkts, 0);
	assert_int_equal(r_leg(3)->rx_pkts, 0);
	/* the same packet with its checksum: relayed */
	n = from_peer(F, AF_INET6, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
}

/*
 * Review finding B2 (fixed in 8bd1166): a signalled remote RTP port
 * 65535 on a leg without rtcp-mux and without an RTCP port made
 * LEG_REMOTE take rtp_port + 1 = 0 (uint16_t wrap), and RTCP went to
 * UDP port 0 (RFC 3550 11: no next port after 65535). Now -ERANGE; an
 * explicit RTCP port, or rtcp-mux, is fine.
 */
static void
test_rtcp_no_port_after_65535_signalled(void **state)
{
	size_t plen = r_rtcp(PL, 0x55), n;

	(void)state;
	legs(AF_INET, AF_INET, LAN_RTP + 1, WAN_RTP + 1);
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 65535, 0, 0), -ERANGE);
	/* refused whole: the old remote stays */
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, plen, 0,
		      false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(t_get16(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 34 + 2),
			 FAR_RTP + 1);
	r_free_captures();
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 65535, 65534, 0), 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(t_get16(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 34 + 2),
			 65534);
	/* a mux leg: RTCP on the RTP port, 65535 is fine */
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 24010, 0, 0), 0);
	assert_int_equal(r_remote(3, AF_INET, R_FAR4, 65535, 0, 0), 0);
}

/*
 * Review finding B3 (fixed in 8bd1166): the same for a latched RTP
 * source port 65535 without a signalled remote: peer_dest() sent RTCP
 * to lt[0].port + 1 = 0. Now leg_no_peer.
 */
static void
test_rtcp_no_port_after_65535_latched(void **state)
{
	static const uint8_t NAT4[4] = {203, 0, 113, 77};
	struct r_pkt p = {.dmac = R_WAN_MAC,
			  .smac = R_GW_MAC,
			  .family = AF_INET,
			  .src = NAT4,
			  .dst = R_WAN4,
			  .sport = 65535,
			  .dport = WAN_RTP,
			  .payload = PL};
	size_t plen, n;

	(void)state;
	assert_int_equal(
		r_leg_add(1, 0, AF_INET, R_LAN4, LAN_RTP, LAN_RTP + 1, 0), 0);
	assert_int_equal(r_leg_add(2, 1, AF_INET, R_WAN4, WAN_RTP, WAN_RTP + 1,
				   DP_LEG_F_LATCH),
			 0);
	assert_int_equal(r_bind(1, 2), 0);
	p.plen = r_rtp(PL, 0, 1, 0, 9, 20);
	r_rx(1, 1, F, r_build(F, &p)); /* leg 1 has no remote: no_peer */
	assert_int_equal(r_leg(2)->latches, 1);
	assert_int_equal(r_drop(1, DP_DROP_LEG_NO_PEER), 1);
	r_free_captures();
	plen = r_rtcp(PL, 0x55);
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, plen, 0,
		      false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_drop(1, DP_DROP_LEG_NO_PEER), 2);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_NO_PEER], 1);
	/* RTP still goes to the latched 65535 */
	plen = r_rtp(PL, 0, 1, 0, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(t_get16(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 34 + 2),
			 65535);
}

/*
 * Review finding R1 (addressed in f925cfb): with the RTP channel of leg
 * 1 latched to the peer, a third party's RTCP to the leg's separate
 * RTCP port does not latch the RTCP channel (RTP bleed through RTCP):
 * leg_src. The peer's own RTCP, from its address, does.
 */
static void
test_rtcp_latch_needs_rtp_address(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = AF_INET,
			  .src = EVIL4,
			  .dst = R_LAN4,
			  .sport = 6666,
			  .dport = LAN_RTP + 1,
			  .payload = PL};
	union dp_msg m;
	size_t plen, n;

	(void)state;
	legs(AF_INET, AF_INET, LAN_RTP + 1, 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 1;
	m.leg_mod.flags = DP_LEG_F_LATCH;
	assert_int_equal(r_cmd(&m), 0);
	plen = r_rtp(PL, 0, 1, 0, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	assert_int_equal(r_leg(1)->latches, 1);
	p.plen = r_rtcp(PL, 0x66);
	r_rx(1, 0, F, r_build(F, &p));
	assert_int_equal(r_leg(1)->latches, 1);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(R.nb_tx, 1);
	/* the peer's RTCP from another port of its address: latched */
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, p.plen, 0,
		      false);
	r_rx(1, 0, F, n);
	assert_int_equal(r_leg(1)->latches, 2);
	assert_int_equal(R.nb_tx, 2);
}

/*
 * Review finding R2 (addressed in f925cfb): leg 2 (no rtcp-mux, LATCH)
 * is signalled as FAR4 but its RTP latched from a NAT address. RTCP to
 * it goes to the latched address, on the next port (RFC 3550 11), not
 * to the unreachable signalled one.
 */
static void
test_rtcp_to_nat_latched_address(void **state)
{
	static const uint8_t NAT4[4] = {203, 0, 113, 77};
	struct r_pkt p = {.dmac = R_WAN_MAC,
			  .smac = R_GW_MAC,
			  .family = AF_INET,
			  .src = NAT4,
			  .dst = R_WAN4,
			  .sport = 5555,
			  .dport = WAN_RTP,
			  .payload = PL};
	union dp_msg m;
	size_t plen, n;
	const uint8_t *o;

	(void)state;
	legs(AF_INET, AF_INET, 0, WAN_RTP + 1);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 2;
	m.leg_mod.flags = DP_LEG_F_LATCH;
	assert_int_equal(r_cmd(&m), 0);
	plen = r_rtcp(PL, 0x55); /* on leg 1's mux port */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	/* before any latch: the signalled RTCP port */
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	o = rte_pktmbuf_mtod(R.tx[0], uint8_t *);
	assert_memory_equal(o + 14 + 16, R_FAR4, 4);
	assert_int_equal(t_get16(o + 34 + 2), FAR_RTP + 1);
	r_free_captures();
	p.plen = r_rtp(PL, 0, 1, 0, 9, 20);
	r_rx(1, 1, F, r_build(F, &p));
	assert_int_equal(r_leg(2)->latches, 1);
	r_free_captures();
	plen = r_rtcp(PL, 0x55);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	o = rte_pktmbuf_mtod(R.tx[0], uint8_t *);
	assert_memory_equal(o + 14 + 16, NAT4, 4);
	assert_int_equal(t_get16(o + 34 + 2), 5556);
}

/*
 * Review finding R6 (addressed in f925cfb): a signalled remote that is
 * the directed broadcast of the leg's link is refused; one that becomes
 * it when the link's prefix changes is not sent (no_route), never as an
 * Ethernet broadcast.
 */
static void
test_no_broadcast_remote(void **state)
{
	static const uint8_t BC24[4] = {198, 51, 100, 255};
	static const uint8_t BC25[4] = {198, 51, 100, 127};
	static const uint8_t BMAC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct dp_pkt_info pi;
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n;
	unsigned int i;
	void *x;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0);
	assert_int_equal(r_remote(2, AF_INET, BC24, FAR_RTP, 0, 0), -EINVAL);
	assert_int_equal(r_remote(2, AF_INET, BC25, FAR_RTP, 0, 0), 0);
	/* the WAN becomes a /25: .127 is now its broadcast (an address
	 * change bumps addr_gen, as dp_addr_change() does) */
	R.addrs[1].a4[0].plen = 25;
	R.ifc[1].addr_gen++;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0, false);
	r_rx(1, 0, F, n);
	while (rte_ring_sc_dequeue(R.exc, &x) == 0) {
		struct rte_mbuf *mb = x;

		assert_int_equal(dp_pkt_info_load(mb, &pi), DP_CLASS_RELAY_OUT);
		dp_slow_input(&R.lc[0], &R.ifc[mb->port], mb,
			      DP_CLASS_RELAY_OUT, &pi);
	}
	for (i = 0; i < R.nb_main_tx; i++)
		assert_memory_not_equal(
			rte_pktmbuf_mtod(R.main_tx[i], uint8_t *), BMAC, 6);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_drop(1, DP_DROP_NO_ROUTE), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T_(test_csum_edges_44),
		T_(test_csum_edges_46),
		T_(test_csum_edges_64),
		T_(test_csum_edges_66),
		T_(test_csum_none_to_v6_zero),
		T_(test_csum_random),
		T_(test_ip_fields),
		T_(test_trailing_bytes),
		T_(test_relatch_voids_dest),
		T_(test_handoff_reused_id),
		T_(test_cfg_grace),
		T_(test_mutations),
		T_(test_ip6_zero_csum_dropped),
		T_(test_rtcp_no_port_after_65535_signalled),
		T_(test_rtcp_no_port_after_65535_latched),
		T_(test_rtcp_latch_needs_rtp_address),
		T_(test_rtcp_to_nat_latched_address),
		T_(test_no_broadcast_remote),
#undef T_
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
