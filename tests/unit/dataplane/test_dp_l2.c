/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2 of the dataplane through the real handlers: Ethernet and 802.1Q
 * checks, ARP (RFC 826) replies and learning, IPv6 neighbour discovery
 * (RFC 4861): NA for unicast, solicited-node and DAD solicitations with a
 * correct checksum, and the drops of malformed or unwanted input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dp_test.h"

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t OTHER4[4] = {192, 0, 2, 9};

static int
setup(void **state)
{
	(void)state;
	t_env_reset(0);
	return 0;
}

static void
test_eth_short_and_not_ours(void **state)
{
	uint8_t f[64];
	const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x77};
	size_t n;

	(void)state;
	memset(f, 0, sizeof(f));
	t_input(f, 13);
	assert_int_equal(t_drops(DP_DROP_ETH_SHORT), 1);

	n = t_echo4(f, 0, T_IP4);
	memcpy(f, other, 6); /* unicast to another MAC */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ETH_NOT_OURS), 1);

	n = t_echo4(f, 0, T_IP4);
	f[6] = 0x01; /* multicast source */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ETH_SRC_BAD), 1);

	n = t_eth(f, T_MAC, T_PEER, 0x88cc, 0); /* LLDP */
	memset(f + n, 0, 46);
	t_input(f, n + 46);
	assert_int_equal(t_drops(DP_DROP_ETHERTYPE), 1);
	assert_int_equal(T.nb_tx, 0);
	assert_int_equal(t_drops_total(), 4);
}

/* RFC 826 "Packet Reception": we are the target of a request: reply with
 * our hardware address and add the sender. */
static void
test_arp_request_reply(void **state)
{
	uint8_t f[64];
	const uint8_t *r;
	size_t n, rl;
	struct rte_ether_addr mac;

	(void)state;
	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 0);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	assert_int_equal(rl, 60);
	assert_memory_equal(r, T_PEER, 6);    /* to the requester */
	assert_memory_equal(r + 6, T_MAC, 6); /* from us */
	assert_int_equal(t_get16(r + 12), 0x0806);
	assert_int_equal(t_get16(r + 14 + 6), 2); /* reply */
	assert_memory_equal(r + 14 + 8, T_MAC, 6);
	assert_memory_equal(r + 14 + 14, T_IP4, 4);
	assert_memory_equal(r + 14 + 18, T_PEER, 6);
	assert_memory_equal(r + 14 + 24, T_PEER4, 4);
	assert_int_equal(t_cnt(DP_CNT_ARP_REQUEST_RX), 1);
	assert_int_equal(t_cnt(DP_CNT_ARP_REPLY_TX), 1);
	assert_int_equal(t_drops_total(), 0);

	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac), 0);
	assert_memory_equal(mac.addr_bytes, T_PEER, 6);
	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.evt[0].hdr.type, DP_MSG_NEIGH);
	assert_int_equal(T.evt[0].neigh.state, DP_NEIGH_REACHABLE);
	assert_memory_equal(T.evt[0].neigh.addr, T_PEER4, 4);
}

static void
test_arp_drops(void **state)
{
	uint8_t f[64];
	struct rte_ether_addr mac;
	size_t n;

	(void)state;
	n = t_arp(f, 1, T_PEER, T_PEER4, OTHER4, 0);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ARP_NOT_OURS), 1);
	/* Not for us: we learn nothing (RFC 826: only when target). */
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac),
			 -ENOENT);

	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 0);
	f[14 + 4] = 5; /* hlen */
	t_input(f, n);
	n = t_arp(f, 3, T_PEER, T_PEER4, T_IP4, 0); /* RARP opcode */
	t_input(f, n);
	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 0);
	t_input(f, 14 + 20);			   /* truncated */
	n = t_arp(f, 1, BCAST, T_PEER4, T_IP4, 0); /* broadcast sender */
	memcpy(f + 6, T_PEER, 6);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ARP_BAD), 4);

	n = t_arp(f, 1, T_PEER, T_IP4, T_IP4, 0); /* someone uses our IP */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ARP_CONFLICT), 1);
	assert_int_equal(T.nb_tx, 0);
	assert_int_equal(t_drops_total(), 6);
}

/* A reply we did not ask for creates nothing; one we asked for resolves. */
static void
test_arp_reply_learn(void **state)
{
	uint8_t f[64];
	struct rte_ether_addr mac;
	size_t n;

	(void)state;
	n = t_arp(f, 2, T_PEER, T_PEER4, T_IP4, 0);
	memcpy(f, T_MAC, 6);
	t_input(f, n);
	assert_int_equal(t_cnt(DP_CNT_ARP_REPLY_RX), 1);
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac),
			 -ENOENT);
	assert_int_equal(t_drops_total(), 0);
}

static void
test_vlan(void **state)
{
	uint8_t f[80];
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	t_env_reset(100);
	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 100);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	assert_int_equal(t_get16(r + 12), 0x8100);
	assert_int_equal(t_get16(r + 14) & 0xfff, 100);
	assert_int_equal(t_get16(r + 16), 0x0806);
	assert_int_equal(t_get16(r + 18 + 6), 2);

	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 0); /* untagged */
	t_input(f, n);
	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 200); /* other VID */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_VLAN), 2);

	t_env_reset(0);
	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 100); /* tag not configured */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_VLAN), 1);
	t_input(f, 15); /* tag cut short */
	assert_int_equal(t_drops(DP_DROP_ETH_SHORT), 1);
}

/* An NS body: reserved, target, then an optional SLLA option. */
static size_t
ns_body(uint8_t *b, const uint8_t *target, const uint8_t *slla)
{
	memset(b, 0, 4);
	memcpy(b + 4, target, 16);
	if (slla == NULL)
		return 20;
	b[20] = 1;
	b[21] = 1;
	memcpy(b + 22, slla, 6);
	return 28;
}

static void
check_na(const uint8_t *r, size_t rl, const uint8_t *dmac, const uint8_t *dst,
	 uint8_t flags)
{
	const uint8_t *ip = r + 14, *na = ip + 40;

	assert_int_equal(rl, 14 + 40 + 32);
	assert_memory_equal(r, dmac, 6);
	assert_memory_equal(r + 6, T_MAC, 6);
	assert_int_equal(t_get16(r + 12), 0x86dd);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(t_get16(ip + 4), 32);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 255); /* RFC 4861 7.1.2 */
	assert_memory_equal(ip + 8, T_IP6, 16);
	assert_memory_equal(ip + 24, dst, 16);
	assert_int_equal(na[0], 136);
	assert_int_equal(na[1], 0);
	assert_int_equal(na[4], flags);
	assert_memory_equal(na + 8, T_IP6, 16);
	assert_int_equal(na[24], 2); /* TLLA */
	assert_int_equal(na[25], 1);
	assert_memory_equal(na + 26, T_MAC, 6);
	/* A correct checksum sums to zero with itself included. */
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, na, 32), 0);
}

/* RFC 4861 7.2.4: a solicited NA, S and O set, to the solicitor. */
static void
test_nd_ns_snm(void **state)
{
	uint8_t f[128], b[32], snm[16], smac[6] = {0x33, 0x33, 0xff};
	struct rte_ether_addr mac;
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	t_snm(T_IP6, snm);
	memcpy(smac + 3, snm + 13, 3);
	n = t_icmp6(f, smac, 255, T_PEER6, snm, 135, b,
		    ns_body(b, T_IP6, T_PEER));
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	check_na(r, rl, T_PEER, T_PEER6, 0x60);
	assert_int_equal(t_cnt(DP_CNT_ND_NS_RX), 1);
	assert_int_equal(t_cnt(DP_CNT_ND_NA_TX), 1);
	/* 7.2.3: the solicitor's SLLA creates its entry. */
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET6, T_PEER6, &mac), 0);
	assert_memory_equal(mac.addr_bytes, T_PEER, 6);
	assert_int_equal(t_drops_total(), 0);
}

/* A unicast NS without options (NUD) is answered too. */
static void
test_nd_ns_unicast(void **state)
{
	uint8_t f[128], b[32];
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b,
		    ns_body(b, T_IP6, NULL));
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	check_na(r, rl, T_PEER, T_PEER6, 0x60);
}

/* RFC 4861 7.2.4 / RFC 4862 5.4.3: DAD for our address is answered to
 * all-nodes with S = 0. */
static void
test_nd_dad(void **state)
{
	static const uint8_t unspec[16];
	static const uint8_t all[16] = {0xff, 0x02, [15] = 1};
	static const uint8_t allmac[6] = {0x33, 0x33, 0, 0, 0, 1};
	uint8_t f[128], b[32], snm[16];
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	t_snm(T_IP6, snm);
	n = t_icmp6(f, T_MAC, 255, unspec, snm, 135, b,
		    ns_body(b, T_IP6, NULL));
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	check_na(r, rl, allmac, all, 0x20);
	assert_int_equal(t_cnt(DP_CNT_ND_DAD_DEFEND), 1);

	/* 7.1.1: DAD to a unicast address, or with an SLLA: invalid. */
	n = t_icmp6(f, T_MAC, 255, unspec, T_IP6, 135, b,
		    ns_body(b, T_IP6, NULL));
	t_input(f, n);
	n = t_icmp6(f, T_MAC, 255, unspec, snm, 135, b,
		    ns_body(b, T_IP6, T_PEER));
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_BAD), 2);
	assert_int_equal(T.nb_tx, 1);
}

static void
test_nd_drops(void **state)
{
	uint8_t f[128], b[40];
	const uint8_t other[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 9};
	size_t n, bl;

	(void)state;
	/* 7.1.1: hop limit must be 255. */
	n = t_icmp6(f, T_MAC, 64, T_PEER6, T_IP6, 135, b,
		    ns_body(b, T_IP6, T_PEER));
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_HOPLIMIT), 1);
	/* Bad checksum. */
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b,
		    ns_body(b, T_IP6, T_PEER));
	f[14 + 40 + 2] ^= 0x55;
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ICMP_BAD), 1);
	/* Target not ours. */
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b,
		    ns_body(b, other, T_PEER));
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_NOT_OURS), 1);
	/* An option of length zero (7.1.1). */
	bl = ns_body(b, T_IP6, T_PEER);
	b[21] = 0;
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b, bl);
	t_input(f, n);
	/* An option running past the end. */
	bl = ns_body(b, T_IP6, T_PEER);
	b[21] = 2;
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b, bl);
	t_input(f, n);
	/* Too short for an NS. */
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b, 12);
	t_input(f, n);
	/* Multicast target. */
	bl = ns_body(b, T_IP6, NULL);
	b[4] = 0xff;
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b, bl);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_BAD), 4);
	/* Router solicitation: a host drops it (RFC 4861 6.2.6). */
	memset(b, 0, 12);
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 133, b, 12);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_UNHANDLED), 1);
	assert_int_equal(T.nb_tx, 0);
	assert_int_equal(t_drops_total(), 8);
}

/* RFC 4861 7.2.5: an NA updates an entry we are resolving, creates none;
 * an NA for our own address is a conflict. */
static void
test_nd_na(void **state)
{
	uint8_t f[128], b[32];
	struct rte_ether_addr mac;
	size_t n, bl;

	(void)state;
	bl = ns_body(b, T_PEER6, T_PEER);
	b[0] = 0x60; /* S, O */
	b[20] = 2;   /* TLLA */
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 136, b, bl);
	t_input(f, n);
	assert_int_equal(t_cnt(DP_CNT_ND_NA_RX), 1);
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET6, T_PEER6, &mac),
			 -ENOENT);

	bl = ns_body(b, T_IP6, T_PEER);
	b[20] = 2;
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 136, b, bl);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ND_CONFLICT), 1);
	assert_int_equal(T.nb_tx, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_eth_short_and_not_ours, setup),
		cmocka_unit_test_setup(test_arp_request_reply, setup),
		cmocka_unit_test_setup(test_arp_drops, setup),
		cmocka_unit_test_setup(test_arp_reply_learn, setup),
		cmocka_unit_test_setup(test_vlan, setup),
		cmocka_unit_test_setup(test_nd_ns_snm, setup),
		cmocka_unit_test_setup(test_nd_ns_unicast, setup),
		cmocka_unit_test_setup(test_nd_dad, setup),
		cmocka_unit_test_setup(test_nd_drops, setup),
		cmocka_unit_test_setup(test_nd_na, setup),
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
