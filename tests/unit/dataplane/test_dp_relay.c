/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The relay's fast path (dataplane/relay/dp_relay.c): frames in through
 * dp_relay_burst(), the exact frame out (built and checksummed here,
 * independently) or the exact drop counter. Covers v4->v4, v4->v6,
 * v6->v4 (RFC 7915 header mapping), rtcp-mux (RFC 5761) and separate
 * RTCP ports, 802.1Q, DSCP, latching and re-latching after silence (RTP
 * bleed), strict source, SAME_IP, policing, the inactivity event, the
 * handoff between lcores, next hops the worker cannot resolve, and
 * malformed input (short UDP, bad UDP length, bad IP version, truncated
 * RTP, RTP version, fragments, IPv4 options, IPv6 extension headers).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <rte_ring.h>

#include "dp_leg.h"
#include "dp_relay_test.h"

#define LAN_RTP 20000
#define WAN_RTP 24000
#define PEER_RTP 30000
#define FAR_RTP 40000

static uint8_t F[2048], E[2048], PL[1600];

static int
setup(void **state)
{
	(void)state;
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

/* Leg 1 on the LAN (fam_a), leg 2 on the WAN (fam_b) with a signalled
 * remote behind the gateway; bound. */
static void
legs(uint8_t fam_a, uint8_t fam_b, uint16_t lan_rtcp, uint16_t wan_rtcp,
     uint8_t flags_a)
{
	assert_int_equal(r_leg_add(1, 0, fam_a,
				   fam_a == AF_INET ? R_LAN4 : R_LAN6, LAN_RTP,
				   lan_rtcp, flags_a),
			 0);
	assert_int_equal(r_leg_add(2, 1, fam_b,
				   fam_b == AF_INET ? R_WAN4 : R_WAN6, WAN_RTP,
				   wan_rtcp, 0),
			 0);
	assert_int_equal(r_remote(2, fam_b, fam_b == AF_INET ? R_FAR4 : R_FAR6,
				  FAR_RTP, 0, 0),
			 0);
	assert_int_equal(r_bind(1, 2), 0);
}

/* A frame from the LAN peer (fam) to leg 1's port dport. */
static size_t
from_peer(uint8_t *buf, uint8_t fam, uint16_t sport, uint16_t dport,
	  const uint8_t *pl, size_t plen, uint8_t tos)
{
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = fam,
			  .sport = sport,
			  .dport = dport,
			  .payload = pl,
			  .plen = plen,
			  .tos = tos};

	p.src = fam == AF_INET ? R_PEER4 : R_PEER6;
	p.dst = fam == AF_INET ? R_LAN4 : R_LAN6;
	return r_build(buf, &p);
}

/* What leg 2 must send: from the WAN address to the far remote. */
static size_t
to_far(uint8_t *buf, uint8_t fam, uint16_t sport, uint16_t dport,
       const uint8_t *pl, size_t plen, uint8_t tos, uint16_t vlan)
{
	struct r_pkt p = {.dmac = R_GW_MAC,
			  .smac = R_WAN_MAC,
			  .vlan = vlan,
			  .family = fam,
			  .sport = sport,
			  .dport = dport,
			  .payload = pl,
			  .plen = plen,
			  .tos = tos,
			  .ip4_df = true};

	p.src = fam == AF_INET ? R_WAN4 : R_WAN6;
	p.dst = fam == AF_INET ? R_FAR4 : R_FAR6;
	return r_build(buf, &p);
}

static void
relay_case(uint8_t fam_a, uint8_t fam_b)
{
	size_t plen = r_rtp(PL, 8, 100, 16000, 0xabcdef01, 160), n, e;

	legs(fam_a, fam_b, 0, 0, 0);
	n = from_peer(F, fam_a, PEER_RTP, LAN_RTP, PL, plen, 0xb8 | 1);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	/* DSCP and ECN kept (no LEG_DSCP), TTL/hop limit 64 */
	e = to_far(E, fam_b, WAN_RTP, FAR_RTP, PL, plen, 0xb8 | 1, 0);
	r_assert_tx(0, 1, E, e);
	assert_int_equal(R.tx_q[0], 0); /* worker 1: queue 0 */
	assert_int_equal(r_leg(1)->rx_pkts, 1);
	assert_int_equal(r_leg(1)->rx_bytes, n - 14);
	assert_int_equal(r_leg(1)->fwd_pkts, 1);
	assert_int_equal(r_leg(1)->fwd_bytes, e - 14);
	assert_int_equal(r_leg(1)->last_rx_ns, R.lc[1].now_ns);
	assert_int_equal(r_leg(1)->ssrc, 0xabcdef01);
	assert_int_equal(r_leg(1)->rtp_received, 1);
	assert_int_equal(r_cnt(1, DP_CNT_RELAY_TX), 1);
	assert_int_equal(R.stats->port[1].lcore[1].tx_pkts, 1);
	assert_int_equal(R.stats->port[1].lcore[1].tx_bytes, e);
	/* and back: the far end to leg 2, out of leg 1 to the LAN peer,
	 * which leg 1 learned nothing about: no remote, no peer */
	assert_int_equal(r_leg(2)->rx_pkts, 0);
}

static void
test_v4_v4(void **state)
{
	(void)state;
	relay_case(AF_INET, AF_INET);
}

static void
test_v4_v6(void **state)
{
	(void)state;
	relay_case(AF_INET, AF_INET6);
}

static void
test_v6_v4(void **state)
{
	(void)state;
	relay_case(AF_INET6, AF_INET);
}

static void
test_v6_v6(void **state)
{
	(void)state;
	relay_case(AF_INET6, AF_INET6);
}

/* Odd payload lengths, a zero IPv4 checksum (none): towards IPv6 it is
 * computed in full (RFC 7915 4.5), towards IPv4 it stays zero. */
static void
test_zero_csum(void **state)
{
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = AF_INET,
			  .src = R_PEER4,
			  .dst = R_LAN4,
			  .sport = PEER_RTP,
			  .dport = LAN_RTP,
			  .payload = PL,
			  .no_csum = true};
	size_t n, e;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0, 0);
	p.plen = r_rtp(PL, 0, 1, 0, 7, 33);
	n = r_build(F, &p);
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET6, WAN_RTP, FAR_RTP, PL, p.plen, 0, 0);
	r_assert_tx(0, 1, E, e);
	/* the same to an IPv4 leg 3 */
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 24002, 0, 0), 0);
	assert_int_equal(r_remote(3, AF_INET, R_FAR4, FAR_RTP, 0, 0), 0);
	assert_int_equal(r_bind(1, 3), 0);
	r_rx(1, 0, F, n);
	{
		struct r_pkt q = {.dmac = R_GW_MAC,
				  .smac = R_WAN_MAC,
				  .family = AF_INET,
				  .src = R_WAN4,
				  .dst = R_FAR4,
				  .sport = 24002,
				  .dport = FAR_RTP,
				  .payload = PL,
				  .plen = p.plen,
				  .ip4_df = true,
				  .no_csum = true};

		e = r_build(E, &q);
	}
	r_assert_tx(1, 1, E, e);
}

/* A wrong UDP checksum stays exactly as wrong (incremental update):
 * the receiver, not the relay, judges the payload. */
static void
test_bad_csum_carried(void **state)
{
	size_t plen = r_rtp(PL, 0, 5, 0, 9, 40), n, e;
	uint8_t *u;
	uint16_t c;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0, 0);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	u = F + 14 + 20;
	c = (uint16_t)(t_get16(u + 6) + 0x0101);
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET6, WAN_RTP, FAR_RTP, PL, plen, 0, 0);
	u = E + 14 + 40;
	/* the same error in ones' complement */
	c = (uint16_t)(t_get16(u + 6) + 0x0101);
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	r_assert_tx(0, 1, E, e);
}

static void
test_vlan_dscp(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n, e;

	(void)state;
	r_teardown();
	r_setup(100, false);
	legs(AF_INET, AF_INET6, 0, 0, 0);
	assert_int_equal(r_dscp(2, 46), 0); /* EF */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0x02);
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET6, WAN_RTP, FAR_RTP, PL, plen, 46 << 2 | 0x02,
		   100);
	r_assert_tx(0, 1, E, e);
	/* the way back: tagged in, untagged out to an IPv4 LAN leg with
	 * DSCP 0 set */
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP, 0, 0), 0);
	assert_int_equal(r_dscp(1, 0), 0);
	{
		struct r_pkt p = {.dmac = R_WAN_MAC,
				  .smac = R_GW_MAC,
				  .vlan = 100,
				  .family = AF_INET6,
				  .src = R_FAR6,
				  .dst = R_WAN6,
				  .sport = FAR_RTP,
				  .dport = WAN_RTP,
				  .payload = PL,
				  .plen = plen,
				  .tos = 0xb8};
		struct r_pkt q = {.dmac = R_PEER_MAC,
				  .smac = R_LAN_MAC,
				  .family = AF_INET,
				  .src = R_LAN4,
				  .dst = R_PEER4,
				  .sport = LAN_RTP,
				  .dport = PEER_RTP,
				  .payload = PL,
				  .plen = plen,
				  .tos = 0,
				  .ip4_df = true};

		n = r_build(F, &p);
		r_rx(1, 1, F, n);
		e = r_build(E, &q);
	}
	r_assert_tx(1, 0, E, e);
	/* an untagged frame on the tagged interface is not ours */
	{
		struct r_pkt p = {.dmac = R_WAN_MAC,
				  .smac = R_GW_MAC,
				  .family = AF_INET6,
				  .src = R_FAR6,
				  .dst = R_WAN6,
				  .sport = FAR_RTP,
				  .dport = WAN_RTP,
				  .payload = PL,
				  .plen = plen};

		n = r_build(F, &p);
	}
	r_rx(1, 1, F, n);
	assert_int_equal(r_drop(1, DP_DROP_VLAN), 1);
}

/* RFC 5761: RTCP on the RTP port of a mux leg goes to the peer's RTCP
 * destination: its RTCP port pair without mux (remote rtp + 1). */
static void
test_rtcp_mux(void **state)
{
	size_t plen = r_rtcp(PL, 0x55), n, e;

	(void)state;
	legs(AF_INET, AF_INET, 0, 24001, 0);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET, 24001, FAR_RTP + 1, PL, plen, 0, 0);
	r_assert_tx(0, 1, E, e);
	assert_int_equal(r_leg(1)->rtcp_pkts, 1);
	assert_int_equal(r_leg(1)->rx_pkts, 1);
	assert_int_equal(r_leg(1)->rtp_received, 0);
}

/* Separate RTCP ports: RTCP to leg 1's RTCP port leaves from leg 2's
 * RTCP port to a mux peer's RTP port; RTP on an RTCP port is bad. */
static void
test_rtcp_ports(void **state)
{
	size_t plen = r_rtcp(PL, 0x66), n, e;

	(void)state;
	legs(AF_INET, AF_INET, LAN_RTP + 1, 0, 0);
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, plen, 0);
	r_rx(1, 0, F, n);
	e = to_far(E, AF_INET, WAN_RTP, FAR_RTP, PL, plen, 0, 0);
	r_assert_tx(0, 1, E, e);
	plen = r_rtp(PL, 0, 1, 0, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(r_drop(1, DP_DROP_RTP_BAD), 1);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_NOT_RTP], 1);
}

static void
rtp_from(const uint8_t *src4, uint16_t sport, uint16_t seq)
{
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = AF_INET,
			  .src = src4,
			  .dst = R_LAN4,
			  .sport = sport,
			  .dport = LAN_RTP,
			  .payload = PL};

	p.plen = r_rtp(PL, 0, seq, seq * 160u, 0x42, 20);
	r_rx(1, 0, F, r_build(F, &p));
}

/* Leg 2 (WAN) latches the far end; leg 1's media then goes to the
 * latched source, not the signalled one. */
static void
test_latch(void **state)
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
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n, e;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP, 0, 0), 0);
	{
		union dp_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_MOD;
		m.leg_mod.leg_id = 2;
		m.leg_mod.flags = DP_LEG_F_LATCH;
		assert_int_equal(r_cmd(&m), 0);
	}
	p.plen = plen;
	n = r_build(F, &p);
	r_rx(1, 1, F, n);
	assert_int_equal(r_leg(2)->latches, 1);
	assert_int_equal(r_cnt(1, DP_CNT_LEG_LATCH), 1);
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	assert_int_equal(R.evt[0].hdr.type, DP_MSG_LEG_LATCHED);
	assert_int_equal(R.evt[0].leg_latched.leg_id, 2);
	assert_int_equal(R.evt[0].leg_latched.family, AF_INET);
	assert_int_equal(R.evt[0].leg_latched.rtp_port, 5555);
	assert_int_equal(R.evt[0].leg_latched.rtcp, 0);
	assert_int_equal(R.evt[0].leg_latched.latches, 1);
	assert_memory_equal(R.evt[0].leg_latched.addr, NAT4, 4);
	/* relayed to the LAN peer */
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(R.tx_if[0], 0);
	/* leg 1's media now goes to the NAT address and port */
	rtp_from(R_PEER4, PEER_RTP, 2);
	assert_int_equal(R.nb_tx, 2);
	{
		struct r_pkt q = {.dmac = R_GW_MAC,
				  .smac = R_WAN_MAC,
				  .family = AF_INET,
				  .src = R_WAN4,
				  .dst = NAT4,
				  .sport = WAN_RTP,
				  .dport = 5555,
				  .payload = PL,
				  .ip4_df = true};

		q.plen = r_rtp(PL, 0, 2, 320, 0x42, 20);
		e = r_build(E, &q);
	}
	r_assert_tx(1, 1, E, e);
}

/* RTP bleed: a second source may take over a latched leg only after the
 * latched one was silent for relatch_ms (default 1000), never with
 * STRICT; with SAME_IP only from the signalled address. */
static void
test_relatch(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH);
	rtp_from(R_PEER4, PEER_RTP, 1);
	assert_int_equal(r_leg(1)->latches, 1);
	R.lc[1].now_ns += 500000000ull; /* 0.5 s */
	rtp_from(EVIL4, 6666, 2);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_SRC], 1);
	rtp_from(R_PEER4, PEER_RTP, 3); /* the latched source talks */
	R.lc[1].now_ns += 999000000ull;
	rtp_from(EVIL4, 6666, 4); /* silent 0.999 s only */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 2);
	R.lc[1].now_ns += 1000000ull; /* 1 s of silence */
	rtp_from(EVIL4, 6666, 5);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 2);
	assert_int_equal(r_leg(1)->latches, 2);
	assert_int_equal(R.nb_tx, 3);
	/* the old source is now the stranger */
	rtp_from(R_PEER4, PEER_RTP, 6);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 3);
	r_tick();
	assert_int_equal(R.nb_evt, 2);
	assert_memory_equal(R.evt[1].leg_latched.addr, EVIL4, 4);
	assert_int_equal(R.evt[1].leg_latched.latches, 2);
	/* LEG_REMOTE RELATCH forgets it: the next source latches */
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP, 0,
				  DP_LEG_REMOTE_RELATCH),
			 0);
	rtp_from(R_PEER4, PEER_RTP, 7);
	assert_int_equal(r_leg(1)->latches, 3);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 3);
}

static void
test_strict(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};
	union dp_msg m;

	(void)state;
	/* latched and STRICT: never again */
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH | DP_LEG_F_STRICT);
	rtp_from(R_PEER4, PEER_RTP, 1);
	R.lc[1].now_ns += 60000000000ull;
	rtp_from(EVIL4, PEER_RTP, 2);
	rtp_from(R_PEER4, PEER_RTP + 2, 3); /* same IP, other port */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 2);
	assert_int_equal(r_leg(1)->latches, 1);
	/* without LATCH: STRICT takes only the signalled remote */
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 1;
	m.leg_mod.flags = DP_LEG_F_STRICT;
	assert_int_equal(r_cmd(&m), 0);
	rtp_from(R_PEER4, PEER_RTP, 4); /* no signalled remote: any */
	assert_int_equal(R.nb_tx, 2);
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP + 10, 0, 0), 0);
	rtp_from(R_PEER4, PEER_RTP, 5);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 3);
	rtp_from(R_PEER4, PEER_RTP + 10, 6);
	assert_int_equal(R.nb_tx, 3);
	/* neither: anything goes */
	m.leg_mod.flags = 0;
	assert_int_equal(r_cmd(&m), 0);
	rtp_from(EVIL4, 7777, 7);
	assert_int_equal(R.nb_tx, 4);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 3);
}

static void
test_same_ip(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH | DP_LEG_F_SAME_IP);
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP, 0, 0), 0);
	rtp_from(EVIL4, PEER_RTP, 1); /* not the signalled IP */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(r_leg(1)->latches, 0);
	rtp_from(R_PEER4, 31000, 2); /* the IP, any port (NAT) */
	assert_int_equal(r_leg(1)->latches, 1);
	R.lc[1].now_ns += 5000000000ull;
	rtp_from(EVIL4, 31000, 3); /* silent long enough, wrong IP */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 2);
	rtp_from(R_PEER4, 31002, 4); /* a rebinding NAT: allowed */
	assert_int_equal(r_leg(1)->latches, 2);
	assert_int_equal(R.nb_tx, 2);
}

static void
test_police(void **state)
{
	unsigned int i;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	/* 50 pps, a bucket of 8 packets */
	assert_int_equal(r_police(1, 50, 8, 0, 0), 0);
	for (i = 0; i < 10; i++)
		rtp_from(R_PEER4, PEER_RTP, (uint16_t)i);
	assert_int_equal(R.nb_tx, 8);
	assert_int_equal(r_drop(1, DP_DROP_LEG_POLICE), 2);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_POLICE], 2);
	assert_int_equal(r_leg(1)->rx_pkts, 8);
	R.lc[1].now_ns += 20000000ull; /* 20 ms: one token */
	rtp_from(R_PEER4, PEER_RTP, 10);
	rtp_from(R_PEER4, PEER_RTP, 11);
	assert_int_equal(R.nb_tx, 9);
	assert_int_equal(r_drop(1, DP_DROP_LEG_POLICE), 3);
	/* a bit rate too: 8 kbit/s, a 1500-byte bucket; IP packets of
	 * 20 + 8 + 12 + 20 = 60 bytes: 25 pass */
	assert_int_equal(r_police(1, 0, 0, 8, 0), 0);
	for (i = 0; i < 40; i++)
		rtp_from(R_PEER4, PEER_RTP, (uint16_t)(20 + i));
	assert_int_equal(R.nb_tx, 9 + 25);
	assert_int_equal(r_drop(1, DP_DROP_LEG_POLICE), 3 + 15);
	/* no limit again */
	assert_int_equal(r_police(1, 0, 0, 0, 0), 0);
	rtp_from(R_PEER4, PEER_RTP, 70);
	assert_int_equal(R.nb_tx, 9 + 25 + 1);
}

static void
test_inactive(void **state)
{
	union dp_msg m;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 1;
	m.leg_mod.idle_ms = 2000;
	assert_int_equal(r_cmd(&m), 0);
	R.lc[1].now_ns = R.lc[0].now_ns;
	rtp_from(R_PEER4, PEER_RTP, 1);
	/* the scan passes every 10 ms */
	R.lc[0].now_ns += 1990000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 0);
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	assert_int_equal(R.evt[0].hdr.type, DP_MSG_LEG_INACTIVE);
	assert_int_equal(R.evt[0].leg_inactive.leg_id, 1);
	assert_int_equal(R.evt[0].leg_inactive.idle_ms, 2000);
	assert_int_equal(R.evt[0].leg_inactive.last_rx_ns, R.lc[1].now_ns);
	assert_int_equal(r_leg(1)->last_rx_ns, R.lc[1].now_ns);
	assert_int_equal(r_cnt(0, DP_CNT_LEG_INACTIVE), 1);
	/* once per silence */
	R.lc[0].now_ns += 5000000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	/* re-armed by traffic */
	R.lc[1].now_ns = R.lc[0].now_ns;
	rtp_from(R_PEER4, PEER_RTP, 2);
	R.lc[0].now_ns += 1000000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	R.lc[0].now_ns += 1000000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 2);
	/* leg 2 never received, idle_ms 0: never */
	assert_int_equal(R.evt[1].leg_inactive.leg_id, 1);
}

/* Lcore 2 receives leg 1's media after lcore 1 claimed the leg: handed
 * over, relayed by lcore 1 on its own queue. */
static void
test_handoff(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n, e;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	plen = r_rtp(PL, 0, 2, 160, 1, 20);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(2, 0, F, n);
	assert_int_equal(r_cnt(2, DP_CNT_HANDOFF_TX), 1);
	assert_int_equal(r_cnt(1, DP_CNT_HANDOFF_RX), 1);
	assert_int_equal(R.nb_tx, 2);
	assert_int_equal(R.tx_q[1], 0);
	e = to_far(E, AF_INET, WAN_RTP, FAR_RTP, PL, plen, 0, 0);
	r_assert_tx(1, 1, E, e);
	assert_int_equal(r_leg(1)->rx_pkts, 2);
	assert_int_equal(r_cnt(1, DP_CNT_RELAY_TX), 2);
	assert_int_equal(r_cnt(2, DP_CNT_RELAY_TX), 0);
}

/* The next hop has no MAC in the cache: the rewritten packet goes to the
 * main lcore, which resolves (ARP) and sends once answered. */
static void
test_resolve(void **state)
{
	static const uint8_t PEER2[4] = {192, 0, 2, 3};
	static const uint8_t MAC2[6] = {0x02, 0, 0, 0, 0, 0x33};
	struct rte_ether_addr mac;
	struct r_pkt p = {.dmac = R_WAN_MAC,
			  .smac = R_GW_MAC,
			  .family = AF_INET,
			  .src = R_FAR4,
			  .dst = R_WAN4,
			  .sport = FAR_RTP,
			  .dport = WAN_RTP,
			  .payload = PL};
	struct dp_pkt_info pi;
	void *m = NULL;
	size_t e;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	assert_int_equal(r_remote(1, AF_INET, PEER2, PEER_RTP, 0, 0), 0);
	p.plen = r_rtp(PL, 0, 1, 0, 1, 20);
	r_rx(1, 1, F, r_build(F, &p));
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_cnt(1, DP_CNT_RELAY_RESOLVE), 1);
	assert_int_equal(rte_ring_sc_dequeue(R.exc, &m), 0);
	assert_int_equal(dp_pkt_info_load(m, &pi), DP_CLASS_RELAY_OUT);
	dp_slow_input(&R.lc[0], &R.ifc[((struct rte_mbuf *)m)->port], m,
		      DP_CLASS_RELAY_OUT, &pi);
	/* an ARP request went out; the packet waits */
	assert_int_equal(R.nb_main_tx, 1);
	memcpy(mac.addr_bytes, MAC2, 6);
	dp_neigh_learn(&R.lc[0], &R.ifc[0], AF_INET, PEER2, &mac, false);
	assert_int_equal(R.nb_main_tx, 2);
	{
		struct r_pkt q = {.dmac = MAC2,
				  .smac = R_LAN_MAC,
				  .family = AF_INET,
				  .src = R_LAN4,
				  .dst = PEER2,
				  .sport = LAN_RTP,
				  .dport = PEER_RTP,
				  .payload = PL,
				  .plen = p.plen,
				  .ip4_df = true};

		e = r_build(E, &q);
	}
	assert_int_equal(rte_pktmbuf_data_len(R.main_tx[1]), e);
	assert_memory_equal(rte_pktmbuf_mtod(R.main_tx[1], uint8_t *), E, e);
	/* now in the worker's cache: the next one goes straight out */
	r_rx(1, 1, F, r_build(F, &p));
	assert_int_equal(R.nb_tx, 1);
	r_assert_tx(0, 0, E, e);
	assert_int_equal(r_cnt(1, DP_CNT_RELAY_RESOLVE), 1);
}

/* Every malformed packet drops with its own counter, never relayed. */
static void
test_malformed(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n;
	uint8_t *ip = F + 14, *u = F + 34;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	/* short UDP: IP length 20 + 6 */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	ip[2] = 0;
	ip[3] = 26;
	ip[10] = ip[11] = 0;
	{
		uint16_t c = t_csum(ip, 20, 0);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_L4_SHORT), 1);
	/* UDP length past the IP packet, and below 8 */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	u[4] = 0x05;
	r_rx(1, 0, F, n);
	u[4] = 0;
	u[5] = 7;
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_UDP_LEN), 2);
	/* IP version 5 in an IPv4 frame, 4 in an IPv6 frame */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	ip[0] = 0x55;
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_IP4_VERSION), 1);
	n = from_peer(F, AF_INET6, PEER_RTP, LAN_RTP, PL, plen, 0);
	ip[0] = 0x40;
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_IP6_VERSION), 1);
	/* truncated RTP: 11 bytes; a CSRC list past the end */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, 11, 0);
	r_rx(1, 0, F, n);
	PL[0] = 0x8f;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, 40, 0);
	r_rx(1, 0, F, n);
	PL[0] = 0x80;
	assert_int_equal(r_drop(1, DP_DROP_RTP_BAD), 2);
	/* RTP version 1 and 3: not RTP by RFC 7983; STUN; DTLS */
	PL[0] = 0x40;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	PL[0] = 0xc0;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	PL[0] = 0x00;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	PL[0] = 22;
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	PL[0] = 0x80;
	assert_int_equal(r_drop(1, DP_DROP_MEDIA_NOT_RTP), 4);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_NOT_RTP], 6);
	/* RFC 8200 8.1: an IPv6 UDP checksum of zero is discarded */
	n = from_peer(F, AF_INET6, PEER_RTP, LAN_RTP, PL, plen, 0);
	F[14 + 40 + 6] = F[14 + 40 + 7] = 0;
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_UDP6_CSUM0), 1);
	/* empty UDP */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, 0, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_MEDIA_NOT_RTP), 5);
	/* no leg on that port */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP + 100, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_MEDIA_NO_LEG), 1);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_leg(1)->rx_pkts, 0);
	/* outside the media range: the kernel's (kept by the burst) */
	n = from_peer(F, AF_INET, PEER_RTP, 5060, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 0);
}

static void
test_fragments_options(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 20), n;
	uint8_t *ip = F + 14;
	uint8_t opt[512];
	uint16_t c;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0, 0);
	/* IPv4 first fragment (MF) to a media port */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	ip[6] = 0x20;
	ip[10] = ip[11] = 0;
	c = t_csum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_IP4_FRAG), 1);
	/* IPv4 options (IHL 6) on media */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	memcpy(opt, F + 34, n - 34);
	n = t_ip4(F, 14, 6, 17, R_PEER4, R_LAN4, opt, n - 34);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_IP4_OPTIONS), 1);
	/* IPv6: UDP behind a destination options header, and behind a
	 * first fragment header */
	n = from_peer(F, AF_INET6, PEER_RTP, LAN_RTP, PL, plen, 0);
	opt[0] = 17; /* next: UDP */
	opt[1] = 0;  /* 8 bytes */
	memset(opt + 2, 0, 6);
	opt[2] = 1; /* PadN */
	opt[3] = 4;
	memcpy(opt + 8, F + 54, n - 54);
	n = t_ip6(F, 14, 60, 64, R_PEER6, R_LAN6, opt, n - 54 + 8);
	r_rx(1, 0, F, n);
	opt[0] = 17;
	opt[1] = 0;
	memset(opt + 2, 0, 6);
	opt[3] = 1; /* offset 0, M */
	n = t_ip6(F, 14, 44, 64, R_PEER6, R_LAN6, opt, n - 54);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_IP6_EXT), 2);
	assert_int_equal(R.nb_tx, 0);
	assert_int_equal(r_leg(1)->rx_pkts, 0);
}

/* RFC 3550 11's "next port" after 65535 does not exist: LEG_REMOTE
 * refuses it, and RTCP to a latched RTP source on 65535 has nowhere to
 * go (leg_no_peer), never to port 0. */
static void
test_rtcp_next_port(void **state)
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
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 65535, 0, 0), -ERANGE);
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 65535, 40001, 0), 0);
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 65534, 0, 0), 0);
	assert_int_equal(r_bind(1, 2), 0);
	/* no signalled remote: leg 3 learns 65535 by latching */
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, WAN_RTP + 2,
				   WAN_RTP + 3, DP_LEG_F_LATCH),
			 0);
	assert_int_equal(r_bind(1, 3), 0);
	p.dport = WAN_RTP + 2;
	p.plen = r_rtp(PL, 0, 1, 0, 9, 20);
	r_rx(1, 1, F, r_build(F, &p));
	assert_int_equal(r_leg(3)->latches, 1);
	r_free_captures();
	plen = r_rtcp(PL, 0x55);
	n = from_peer(F, AF_INET, PEER_RTP + 1, LAN_RTP + 1, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 0);
	/* one each: leg 3's RTP (leg 1 has no remote), leg 1's RTCP */
	assert_int_equal(r_drop(1, DP_DROP_LEG_NO_PEER), 2);
	assert_int_equal(r_leg(3)->drops[DP_LEG_DROP_NO_PEER], 1);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_NO_PEER], 1);
	assert_int_equal(r_leg(1)->rtcp_pkts, 1);
}

/* RTP bleed through RTCP: with the RTP channel latched, the separate
 * RTCP port latches only from the same address (the NAT's other port);
 * RTCP to a peer latched behind NAT goes to the latched address. */
static void
test_rtcp_latch_rules(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};
	static const uint8_t NAT4[4] = {203, 0, 113, 77};
	size_t plen, n;

	(void)state;
	legs(AF_INET, AF_INET, LAN_RTP + 1, WAN_RTP + 1, DP_LEG_F_LATCH);
	rtp_from(R_PEER4, PEER_RTP, 1);
	plen = r_rtcp(PL, 0x66);
	{
		struct r_pkt p = {.dmac = R_LAN_MAC,
				  .smac = R_PEER_MAC,
				  .family = AF_INET,
				  .src = EVIL4,
				  .dst = R_LAN4,
				  .sport = 6666,
				  .dport = LAN_RTP + 1,
				  .payload = PL,
				  .plen = plen};

		n = r_build(F, &p);
	}
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(r_leg(1)->latches, 1);
	n = from_peer(F, AF_INET, 31111, LAN_RTP + 1, PL, plen, 0);
	r_rx(1, 0, F, n); /* the peer's address, another port: latches */
	assert_int_equal(r_leg(1)->latches, 2);
	/* leg 2 latches its RTP from NAT4: RTCP towards it goes to NAT4,
	 * next port (the signalled FAR4 is not where it is) */
	{
		union dp_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_MOD;
		m.leg_mod.leg_id = 2;
		m.leg_mod.flags = DP_LEG_F_LATCH;
		assert_int_equal(r_cmd(&m), 0);
	}
	{
		struct r_pkt p = {.dmac = R_WAN_MAC,
				  .smac = R_GW_MAC,
				  .family = AF_INET,
				  .src = NAT4,
				  .dst = R_WAN4,
				  .sport = 5555,
				  .dport = WAN_RTP,
				  .payload = PL};

		p.plen = r_rtp(PL, 0, 1, 0, 9, 20);
		r_rx(1, 1, F, r_build(F, &p));
	}
	r_free_captures();
	plen = r_rtcp(PL, 0x66);
	n = from_peer(F, AF_INET, 31111, LAN_RTP + 1, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(R.nb_tx, 1);
	assert_memory_equal(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 30, NAT4, 4);
	assert_int_equal(t_get16(rte_pktmbuf_mtod(R.tx[0], uint8_t *) + 36),
			 5556);
}

/* No media to a directed broadcast: LEG_REMOTE refuses it. */
static void
test_bcast_remote(void **state)
{
	static const uint8_t BC4[4] = {198, 51, 100, 255};

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, 0);
	assert_int_equal(r_remote(2, AF_INET, BC4, FAR_RTP, 0, 0), -EINVAL);
}

static void
test_mtu_tx_full(void **state)
{
	size_t plen = r_rtp(PL, 0, 1, 0, 1, 1460), n;

	(void)state;
	legs(AF_INET, AF_INET6, 0, 0, 0);
	/* 20 + 8 + 1472 = 1500 in, 40 + 8 + 1472 = 1520 out */
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_LEG_MTU), 1);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_OTHER], 1);
	/* the port takes nothing: tx_full, the leg's fwd undone */
	R.tx_refuse = 0;
	plen = r_rtp(PL, 0, 2, 0, 1, 100);
	n = from_peer(F, AF_INET, PEER_RTP, LAN_RTP, PL, plen, 0);
	r_rx(1, 0, F, n);
	assert_int_equal(r_drop(1, DP_DROP_TX_FULL), 1);
	assert_int_equal(r_leg(1)->fwd_pkts, 0);
	assert_int_equal(r_leg(1)->fwd_bytes, 0);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_OTHER], 2);
	assert_int_equal(R.stats->port[1].lcore[1].tx_pkts, 0);
}

/* The event ring as dp_ctl_evt() sees it when full: nothing sent,
 * evt_ring_full counted. */
static void
evt_full(struct dp_lcore *lc, const union dp_msg *m)
{
	(void)m;
	dp_count(lc, DP_CNT_EVT_RING_FULL);
}

/* R3: a latch note lost (the lcore's note ring full) loses only the
 * event; the main lcore's scan sees dp_leg_stats.latches move and sends
 * LEG_LATCHED then, once. */
static void
test_latch_note_lost(void **state)
{
	struct dp_leg_note junk;
	unsigned int i;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH);
	memset(&junk, 0, sizeof(junk));
	junk.id = 0xffffffffu; /* no such leg: drained, ignored */
	while (rte_ring_sp_enqueue_elem(R.relay->latch[1], &junk,
					sizeof(junk)) == 0)
		;
	rtp_from(R_PEER4, PEER_RTP, 1);
	assert_int_equal(r_leg(1)->latches, 1);
	assert_int_equal(r_cnt(1, DP_CNT_LEG_NOTE_LOST), 1);
	assert_int_equal(r_cnt(1, DP_CNT_EVT_RING_FULL), 0);
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	assert_int_equal(R.evt[0].hdr.type, DP_MSG_LEG_LATCHED);
	assert_int_equal(R.evt[0].leg_latched.leg_id, 1);
	assert_int_equal(R.evt[0].leg_latched.rtcp, 0);
	assert_int_equal(R.evt[0].leg_latched.rtp_port, PEER_RTP);
	assert_int_equal(R.evt[0].leg_latched.latches, 1);
	assert_memory_equal(R.evt[0].leg_latched.addr, R_PEER4, 4);
	/* the rest of the junk and later scans: nothing more */
	for (i = 0; i < 40; i++) {
		R.lc[0].now_ns += 10000000ull;
		r_tick();
	}
	assert_int_equal(R.nb_evt, 1);
	/* a note that did get through after the scan's event: one event */
	R.lc[1].now_ns += 2000000000ull;
	rtp_from(R_FAR4, 7000, 2);
	assert_int_equal(r_leg(1)->latches, 2);
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 2);
	assert_int_equal(R.evt[1].leg_latched.latches, 2);
	assert_memory_equal(R.evt[1].leg_latched.addr, R_FAR4, 4);
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 2);
}

/* R3: events the event ring refused are sent later: LEG_LATCHED by the
 * scan, LEG_INACTIVE by the next scan of the leg (once). */
static void
test_evt_ring_full(void **state)
{
	dp_evt_t cap = R.lc[0].evt;
	union dp_msg m;

	(void)state;
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 1;
	m.leg_mod.flags = DP_LEG_F_LATCH;
	m.leg_mod.idle_ms = 2000;
	assert_int_equal(r_cmd(&m), 0);
	R.lc[1].now_ns = R.lc[0].now_ns;
	rtp_from(R_PEER4, PEER_RTP, 1);
	R.lc[0].evt = evt_full;
	r_tick();
	assert_int_equal(r_cnt(0, DP_CNT_EVT_RING_FULL), 2); /* note, scan */
	R.lc[0].evt = cap;
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	assert_int_equal(R.evt[0].hdr.type, DP_MSG_LEG_LATCHED);
	assert_int_equal(R.evt[0].leg_latched.latches, 1);
	assert_memory_equal(R.evt[0].leg_latched.addr, R_PEER4, 4);
	/* silent 2 s while the ring is full: not reported... */
	R.lc[0].now_ns += 2000000000ull;
	R.lc[0].evt = evt_full;
	r_tick();
	assert_int_equal(R.nb_evt, 1);
	assert_int_equal(r_cnt(0, DP_CNT_LEG_INACTIVE), 0);
	/* ...so the next scan reports it, once */
	R.lc[0].evt = cap;
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 2);
	assert_int_equal(R.evt[1].hdr.type, DP_MSG_LEG_INACTIVE);
	assert_int_equal(R.evt[1].leg_inactive.leg_id, 1);
	assert_int_equal(r_cnt(0, DP_CNT_LEG_INACTIVE), 1);
	R.lc[0].now_ns += 10000000ull;
	r_tick();
	assert_int_equal(R.nb_evt, 2);
}

/* An RTCP packet from src:sport to leg 1's separate RTCP port. */
static void
rtcp_from(const uint8_t *src4, uint16_t sport)
{
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = AF_INET,
			  .src = src4,
			  .dst = R_LAN4,
			  .sport = sport,
			  .dport = LAN_RTP + 1,
			  .payload = PL};

	p.plen = r_rtcp(PL, 0x66);
	r_rx(1, 0, F, r_build(F, &p));
}

/* R1: RTCP latching follows RTP. Before RTP latched, the separate RTCP
 * port latches only from the signalled remote's IP (any port); a third
 * party cannot take it in the first milliseconds of a call. */
static void
test_rtcp_latch_before_rtp(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};

	(void)state;
	legs(AF_INET, AF_INET, LAN_RTP + 1, WAN_RTP + 1, DP_LEG_F_LATCH);
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, PEER_RTP, 0, 0), 0);
	rtcp_from(EVIL4, 6667);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(r_leg(1)->latches, 0);
	rtcp_from(R_PEER4, 31001); /* the signalled IP, a NAT's port */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	assert_int_equal(r_leg(1)->latches, 1);
	assert_int_equal(R.nb_tx, 1);
}

/* R1: no signalled remote, a third party's RTCP latched first; RTP then
 * latches the real peer: the RTCP latch from another address is stale.
 * The third party is refused at once, the peer's RTCP latches without
 * waiting relatch_ms, and RTCP towards the leg goes to the RTP address. */
static void
test_rtcp_latch_follows_rtp(void **state)
{
	static const uint8_t EVIL4[4] = {192, 0, 2, 66};
	const uint8_t *o;

	(void)state;
	/* leg 2 (WAN, separate RTCP ports) latches; leg 1 has no remote */
	legs(AF_INET, AF_INET, LAN_RTP + 1, WAN_RTP + 1, DP_LEG_F_LATCH);
	rtcp_from(EVIL4, 6667);
	assert_int_equal(r_leg(1)->latches, 1);
	rtp_from(R_PEER4, PEER_RTP, 1);
	assert_int_equal(r_leg(1)->latches, 2);
	rtcp_from(EVIL4, 6667); /* still talking: refused now */
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
	/* RTCP from the far end to leg 2 goes to leg 1's RTP address,
	 * next port: not to the stale RTCP latch */
	r_free_captures();
	{
		struct r_pkt p = {.dmac = R_WAN_MAC,
				  .smac = R_GW_MAC,
				  .family = AF_INET,
				  .src = R_FAR4,
				  .dst = R_WAN4,
				  .sport = FAR_RTP + 1,
				  .dport = WAN_RTP + 1,
				  .payload = PL};

		p.plen = r_rtcp(PL, 0x77);
		r_rx(1, 1, F, r_build(F, &p));
	}
	assert_int_equal(R.nb_tx, 1);
	o = rte_pktmbuf_mtod(R.tx[0], const uint8_t *);
	assert_memory_equal(o + 30, R_PEER4, 4);
	assert_int_equal(t_get16(o + 36), PEER_RTP + 1);
	/* the peer's RTCP latches at once (the stale latch is no latch) */
	rtcp_from(R_PEER4, PEER_RTP + 1);
	assert_int_equal(r_leg(1)->latches, 3);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 1);
}

/* R6: a packet with one of our own addresses as its source (forged) is
 * never latched: leg_src. */
static void
test_no_latch_own_addr(void **state)
{
	(void)state;
	legs(AF_INET, AF_INET, 0, 0, DP_LEG_F_LATCH);
	rtp_from(R_WAN4, 7000, 1);
	rtp_from(R_LAN4, 7000, 2);
	assert_int_equal(r_leg(1)->latches, 0);
	assert_int_equal(r_drop(1, DP_DROP_LEG_SRC), 2);
	assert_int_equal(R.nb_tx, 0);
	rtp_from(R_PEER4, PEER_RTP, 3);
	assert_int_equal(r_leg(1)->latches, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T_(test_v4_v4),
		T_(test_v4_v6),
		T_(test_v6_v4),
		T_(test_v6_v6),
		T_(test_zero_csum),
		T_(test_bad_csum_carried),
		T_(test_vlan_dscp),
		T_(test_rtcp_mux),
		T_(test_rtcp_ports),
		T_(test_latch),
		T_(test_relatch),
		T_(test_strict),
		T_(test_same_ip),
		T_(test_police),
		T_(test_inactive),
		T_(test_handoff),
		T_(test_resolve),
		T_(test_malformed),
		T_(test_fragments_options),
		T_(test_rtcp_next_port),
		T_(test_rtcp_latch_rules),
		T_(test_bcast_remote),
		T_(test_mtu_tx_full),
		T_(test_latch_note_lost),
		T_(test_evt_ring_full),
		T_(test_rtcp_latch_before_rtp),
		T_(test_rtcp_latch_follows_rtp),
		T_(test_no_latch_own_addr),
#undef T_
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
