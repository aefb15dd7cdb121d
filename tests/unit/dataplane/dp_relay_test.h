/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the relay unit tests: two interfaces (lan: 192.0.2.1/24,
 * 2001:db8:1::1/64; wan: 198.51.100.1/24, 2001:db8:2::1/64, gateways
 * .254 and ::fe), a relay with three lcore contexts (0 main, 1 and 2
 * workers) whose transmissions and events are captured, neighbours
 * known, and frame builders whose checksums are computed here
 * (dp_test.c's t_csum), independently of the relay.
 */
#ifndef DP_RELAY_TEST_H
#define DP_RELAY_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dp.h"
#include "dp_relay.h"
#include "dp_test.h"

#define R_MAX_CAP 64
#define R_MAX_LEGS 64

struct r_env {
	struct dp_iface ifc[2];
	struct dp_addrs addrs[2];
	struct dp_stats *stats;
	struct dp_lcore lc[3];
	struct dp_relay *relay;
	struct rte_rcu_qsbr *qsbr; /* one reader (id 0) if a test wants */
	struct rte_ring *exc;	   /* lcore 1 -> main */
	struct rte_mbuf *tx[R_MAX_CAP];
	uint16_t tx_if[R_MAX_CAP];
	uint16_t tx_q[R_MAX_CAP];
	unsigned int nb_tx;
	unsigned int tx_refuse; /* the port takes no more than this */
	struct rte_mbuf *main_tx[R_MAX_CAP]; /* lc[0].xmit (slow path) */
	unsigned int nb_main_tx;
	union dp_msg evt[R_MAX_CAP];
	unsigned int nb_evt;
};

extern struct r_env R;
extern const uint8_t R_LAN_MAC[6], R_WAN_MAC[6];
extern const uint8_t R_LAN4[4], R_WAN4[4], R_LAN6[16], R_WAN6[16];
extern const uint8_t R_PEER_MAC[6], R_GW_MAC[6];
extern const uint8_t R_PEER4[4], R_PEER6[16]; /* on the LAN */
extern const uint8_t R_FAR4[4], R_FAR6[16];   /* behind the WAN gateway */

/* wan_vlan: 802.1Q VID of the wan interface (0: untagged). with_qsbr:
 * the relay gets a QSBR variable with reader 0 registered online. */
void r_setup(uint16_t wan_vlan, bool with_qsbr);
void r_teardown(void);

int r_cmd(union dp_msg *m); /* validates, then dp_relay_cmd() */
int r_leg_add(uint32_t id, uint16_t ifidx, uint8_t family, const uint8_t *addr,
	      uint16_t rtp, uint16_t rtcp, uint8_t flags);
int r_bind(uint32_t a, uint32_t b);
int r_remote(uint32_t id, uint8_t family, const uint8_t *addr, uint16_t rtp,
	     uint16_t rtcp, uint8_t flags);
int r_dscp(uint32_t id, uint8_t dscp);
int r_police(uint32_t id, uint32_t pps, uint32_t burst, uint32_t kbps,
	     uint32_t burst_bytes);

/* A UDP datagram in a frame. csum: 1 computed, 0 zero (IPv4 only). */
struct r_pkt {
	const uint8_t *dmac, *smac;
	uint16_t vlan;
	uint8_t family;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint8_t tos; /* TOS / traffic class */
	uint8_t ttl; /* 0: 64 */
	bool ip4_df; /* IPv4 out of the relay: ID 0, DF */
	bool no_csum;
	const uint8_t *payload;
	size_t plen;
};
size_t r_build(uint8_t *buf, const struct r_pkt *p);
/* An RTP packet: 12-byte header (pt, seq, ts, ssrc) and n payload bytes. */
size_t r_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
	     size_t n);
/* An RTCP sender report header (PT 200) of 28 bytes. */
size_t r_rtcp(uint8_t *buf, uint32_t ssrc);

/* Receive a frame on ifc through lcore lc (burst + handoff + flush). */
void r_rx(unsigned int lc, unsigned int ifc, const uint8_t *frame, size_t len);
void r_tick(void); /* dp_relay_tick() on the main lcore */
uint64_t r_drop(unsigned int lc, enum dp_drop d);
uint64_t r_cnt(unsigned int lc, enum dp_cnt c);
const struct dp_leg_stats *r_leg(uint32_t id);
/* Captured transmission i equals the frame (exact bytes). */
void r_assert_tx(unsigned int i, unsigned int ifc, const uint8_t *frame,
		 size_t len);
void r_free_captures(void);

#endif
