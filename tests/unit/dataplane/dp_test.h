/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the dataplane unit tests: EAL for mbufs, an interface and a
 * main-lcore context with capturing hooks, and packet builders. The
 * checksums here are computed independently of dataplane/dp_classify.c.
 */
#ifndef DP_TEST_H
#define DP_TEST_H

#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "dp.h"

#define T_MAX_CAPTURE 16

struct t_env {
	struct rte_mempool *pool;
	struct dp_iface ifc;
	struct dp_addrs addrs;
	struct dp_lcore lc;
	struct dp_stats *stats;
	struct rte_mbuf *tx[T_MAX_CAPTURE];
	unsigned int nb_tx;
	struct rte_mbuf *kern[T_MAX_CAPTURE];
	unsigned int nb_kern;
	union dp_msg evt[T_MAX_CAPTURE];
	unsigned int nb_evt;
};

extern struct t_env T;
extern const uint8_t T_MAC[6];	/* the ESG's port */
extern const uint8_t T_PEER[6]; /* a LAN host */
extern const uint8_t T_IP4[4], T_PEER4[4];
extern const uint8_t T_IP6[16], T_PEER6[16];

/* EAL (no hugepages, no PCI) once per process; exits 77 if unavailable. */
void t_eal_init(void);
/* Fresh interface (192.0.2.1/24, 2001:db8:1::1/64), context, counters. */
void t_env_reset(uint16_t vlan);
void t_env_free_captures(void);

/* Run a frame through dp_input(). */
void t_input(const uint8_t *frame, size_t len);
uint64_t t_drops(enum dp_drop r);
uint64_t t_drops_total(void);
uint64_t t_cnt(enum dp_cnt c);
const uint8_t *t_tx_data(unsigned int i, size_t *len);

/* Independent RFC 1071 checksum (returns the folded, complemented sum). */
uint16_t t_csum(const uint8_t *p, size_t len, uint32_t init);
uint16_t t_csum6(const uint8_t *src, const uint8_t *dst, uint8_t nh,
		 const uint8_t *l4, size_t len);
static inline uint16_t
t_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Builders: write into buf, return the frame length. */
size_t t_eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src,
	     uint16_t type, uint16_t vlan);
size_t t_arp(uint8_t *buf, uint16_t op, const uint8_t *sha, const uint8_t *sip,
	     const uint8_t *tip, uint16_t vlan);
/* IPv4 with ihl words (5..15, options zero-filled NOPs), payload copied. */
size_t t_ip4(uint8_t *buf, size_t l2, uint8_t ihl, uint8_t proto,
	     const uint8_t *src, const uint8_t *dst, const uint8_t *pl,
	     size_t pllen);
size_t t_echo4(uint8_t *buf, uint16_t vlan, const uint8_t *dst_ip);
size_t t_ip6(uint8_t *buf, size_t l2, uint8_t nh, uint8_t hlim,
	     const uint8_t *src, const uint8_t *dst, const uint8_t *pl,
	     size_t pllen);
/* ICMPv6 message (type, code, body) with a correct checksum. */
size_t t_icmp6(uint8_t *buf, const uint8_t *dmac, uint8_t hlim,
	       const uint8_t *src, const uint8_t *dst, uint8_t type,
	       const uint8_t *body, size_t blen);
void t_snm(const uint8_t *addr, uint8_t *snm);

#endif
