/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L3 of the dataplane through the real handlers: IPv4 header validation
 * (RFC 791, RFC 1122 3.2.1), ICMP echo (RFC 792) and ICMPv6 echo (RFC 4443
 * 4.1/4.2) replies with correct checksums, the echo rate limit, IPv6
 * header validation (RFC 8200), and the exception path to the kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "dp_test.h"

static const uint8_t OTHER4[4] = {192, 0, 2, 9};
static const uint8_t BCAST4[4] = {192, 0, 2, 255};

static int
setup(void **state)
{
	(void)state;
	t_env_reset(0);
	return 0;
}

static void
check_echo4_reply(const uint8_t *r, size_t rl, size_t l2, size_t ihl)
{
	const uint8_t *ip = r + l2, *icmp = ip + ihl;

	assert_int_equal(rl, l2 + ihl + 16);
	assert_memory_equal(r, T_PEER, 6);
	assert_memory_equal(r + 6, T_MAC, 6);
	assert_int_equal(t_csum(ip, ihl, 0), 0); /* header checksum */
	assert_int_equal(ip[8], 64);
	assert_memory_equal(ip + 12, T_IP4, 4);
	assert_memory_equal(ip + 16, T_PEER4, 4);
	assert_int_equal(icmp[0], 0); /* echo reply */
	assert_int_equal(icmp[1], 0);
	assert_int_equal(t_csum(icmp, 16, 0), 0);
	assert_int_equal(t_get16(icmp + 4), 0x1234); /* identifier */
	assert_int_equal(t_get16(icmp + 6), 1);	     /* sequence */
	assert_memory_equal(icmp + 8, "abcdefgh", 8);
}

static void
test_echo4(void **state)
{
	uint8_t f[128];
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	n = t_echo4(f, 0, T_IP4);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	check_echo4_reply(r, rl, 14, 20);
	assert_int_equal(t_cnt(DP_CNT_ICMP4_ECHO_REPLY), 1);
	assert_int_equal(t_drops_total(), 0);
}

/* RFC 791: options are legal; the reply keeps the header length and a
 * valid checksum. Ethernet padding is not echoed. */
static void
test_echo4_options_and_padding(void **state)
{
	uint8_t f[128], icmp[16] = {8,	 0,   0,   0,	0x12, 0x34, 0,	 1,
				    'a', 'b', 'c', 'd', 'e',  'f',  'g', 'h'};
	const uint8_t *r;
	size_t n, rl;
	uint16_t c = t_csum(icmp, 16, 0);

	(void)state;
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
	n = t_ip4(f, n, 7, 1, T_PEER4, T_IP4, icmp, 16);
	memset(f + n, 0xee, 20); /* trailing bytes beyond total length */
	t_input(f, n + 20);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	check_echo4_reply(r, rl, 14, 28);
}

static void
test_ip4_malformed(void **state)
{
	uint8_t f[128], g[128];
	size_t n;

	(void)state;
	n = t_echo4(g, 0, T_IP4);

	t_input(g, 14 + 10); /* header cut short */
	assert_int_equal(t_drops(DP_DROP_IP4_SHORT), 1);

	memcpy(f, g, n);
	f[14] = 0x55; /* version 5 */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP4_VERSION), 1);

	memcpy(f, g, n);
	f[14] = 0x44; /* IHL 4 */
	t_input(f, n);
	memcpy(f, g, n);
	f[14] = 0x4f; /* IHL 15: 60 bytes, more than the frame holds */
	t_input(f, 14 + 40);
	assert_int_equal(t_drops(DP_DROP_IP4_HDR_LEN), 2);

	memcpy(f, g, n);
	f[14 + 3] += 1; /* total length past the frame */
	t_input(f, n);
	memcpy(f, g, n);
	f[14 + 2] = 0;
	f[14 + 3] = 19; /* total length below the header */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP4_TOTAL_LEN), 2);

	memcpy(f, g, n);
	f[14 + 10] ^= 1; /* header checksum */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP4_CSUM), 1);

	n = t_echo4(f, 0, OTHER4);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP4_NOT_OURS), 1);

	n = t_echo4(f, 0, BCAST4); /* RFC 1122 3.2.2.6 */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ICMP_BCAST), 1);

	assert_int_equal(T.nb_tx, 0);
	assert_int_equal(T.nb_kern, 0);
	assert_int_equal(t_drops_total(), 9);
}

static void
test_ip4_bad_source(void **state)
{
	static const uint8_t srcs[][4] = {{224, 0, 0, 1},
					  {255, 255, 255, 255},
					  {0, 0, 0, 0},
					  {127, 0, 0, 1},
					  {192, 0, 2, 255}};
	uint8_t f[128], udp[8] = {0, 9, 0, 9, 0, 8, 0, 0};
	unsigned int i;
	size_t n;

	(void)state;
	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
		n = t_ip4(f, n, 5, 17, srcs[i], T_IP4, udp, 8);
		t_input(f, n);
	}
	assert_int_equal(t_drops(DP_DROP_IP4_SRC_BAD), 5);
	assert_int_equal(t_drops_total(), 5);
}

static void
test_icmp4_malformed(void **state)
{
	uint8_t f[128], icmp[4] = {8, 0, 0xf7, 0xff};
	size_t n;

	(void)state;
	/* RFC 792: fewer than 8 bytes of ICMP. */
	n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
	n = t_ip4(f, n, 5, 1, T_PEER4, T_IP4, icmp, 4);
	t_input(f, n);
	/* Wrong ICMP checksum. */
	n = t_echo4(f, 0, T_IP4);
	f[14 + 20 + 9] ^= 0xff;
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ICMP_BAD), 2);
	assert_int_equal(T.nb_tx, 0);
}

/* RFC 4443 2.4 (f): a per-lcore budget of echo replies. */
static void
test_echo_rate_limit(void **state)
{
	uint8_t f[128];
	size_t n;
	int i;

	(void)state;
	T.lc.icmp_rate_pps = 2;
	T.lc.icmp_tokens = 1000000000ull; /* a full bucket: 2 replies */
	T.lc.icmp_last_ns = T.lc.now_ns;
	n = t_echo4(f, 0, T_IP4);
	for (i = 0; i < 3; i++)
		t_input(f, n);
	assert_int_equal(T.nb_tx, 2);
	assert_int_equal(t_drops(DP_DROP_ICMP_RATE), 1);
	T.lc.now_ns += 500000000ull; /* half a second: one more */
	t_input(f, n);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 3);
	assert_int_equal(t_drops(DP_DROP_ICMP_RATE), 2);
}

/* Fragments and UDP to us go to the kernel, without L2 or padding. */
static void
test_exception4(void **state)
{
	uint8_t f[128], udp[12] = {0x13, 0xc4, 0x13, 0xc4, 0,	12,
				   0,	 0,    'p',  'i',  'n', 'g'};
	const uint8_t *k;
	size_t n;

	(void)state;
	n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
	n = t_ip4(f, n, 5, 17, T_PEER4, T_IP4, udp, sizeof(udp));
	memset(f + n, 0, 60 - n); /* Ethernet minimum */
	t_input(f, 60);
	assert_int_equal(T.nb_kern, 1);
	assert_int_equal(rte_pktmbuf_data_len(T.kern[0]), n - 14);
	k = rte_pktmbuf_mtod(T.kern[0], const uint8_t *);
	assert_memory_equal(k, f + 14, n - 14);

	/* A first fragment (MF set): the kernel reassembles. */
	f[14 + 6] = 0x20;
	f[14 + 10] = f[14 + 11] = 0;
	{
		uint16_t c = t_csum(f + 14, 20, 0);

		f[14 + 10] = (uint8_t)(c >> 8);
		f[14 + 11] = (uint8_t)c;
	}
	t_input(f, n);
	assert_int_equal(T.nb_kern, 2);

	/* UDP length beyond the packet. */
	udp[5] = 40;
	n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
	n = t_ip4(f, n, 5, 17, T_PEER4, T_IP4, udp, sizeof(udp));
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_UDP_LEN), 1);
	/* UDP header cut short. */
	n = t_eth(f, T_MAC, T_PEER, 0x0800, 0);
	n = t_ip4(f, n, 5, 17, T_PEER4, T_IP4, udp, 6);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_L4_SHORT), 1);
	assert_int_equal(t_cnt(DP_CNT_EXC_TO_KERNEL), 0); /* hook counts */
	assert_int_equal(T.nb_kern, 2);
}

static void
test_echo6(void **state)
{
	uint8_t f[128], body[12] = {0xab, 0xcd, 0, 7, 'x', 'y', 'z'};
	const uint8_t *r, *ip;
	size_t n, rl;

	(void)state;
	n = t_icmp6(f, T_MAC, 64, T_PEER6, T_IP6, 128, body, sizeof(body));
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	assert_int_equal(rl, n);
	ip = r + 14;
	assert_memory_equal(r, T_PEER, 6);
	assert_memory_equal(r + 6, T_MAC, 6);
	assert_memory_equal(ip + 8, T_IP6, 16);
	assert_memory_equal(ip + 24, T_PEER6, 16);
	assert_int_equal(ip[40], 129);
	assert_memory_equal(ip + 44, body, sizeof(body));
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, ip + 40, 16), 0);
	assert_int_equal(t_cnt(DP_CNT_ICMP6_ECHO_REPLY), 1);

	/* Bad checksum; echo to all-nodes; truncated echo. */
	n = t_icmp6(f, T_MAC, 64, T_PEER6, T_IP6, 128, body, sizeof(body));
	f[14 + 40 + 6] ^= 1;
	t_input(f, n);
	n = t_icmp6(f, T_MAC, 64, T_PEER6, T_IP6, 128, body, 2);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ICMP_BAD), 2);
	{
		const uint8_t all[16] = {0xff, 0x02, [15] = 1};

		n = t_icmp6(f, T_MAC, 64, T_PEER6, all, 128, body, 8);
		t_input(f, n);
		assert_int_equal(t_drops(DP_DROP_IP6_NOT_OURS), 1);
	}
	assert_int_equal(T.nb_tx, 1);
}

static void
test_ip6_malformed(void **state)
{
	static const uint8_t other[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 7};
	static const uint8_t mc[16] = {0xff, 0x02, [15] = 1};
	uint8_t f[128], g[128], udp[8] = {0, 9, 0, 9, 0, 8, 0, 0};
	size_t n;

	(void)state;
	n = t_eth(g, T_MAC, T_PEER, 0x86dd, 0);
	n = t_ip6(g, n, 17, 64, T_PEER6, T_IP6, udp, 8);

	t_input(g, 14 + 39);
	assert_int_equal(t_drops(DP_DROP_IP6_SHORT), 1);
	memcpy(f, g, n);
	f[14] = 0x40;
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP6_VERSION), 1);
	memcpy(f, g, n);
	f[14 + 5] = 9; /* payload length past the frame */
	t_input(f, n);
	memcpy(f, g, n);
	f[14 + 5] = 0; /* jumbogram */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP6_PAYLOAD_LEN), 2);
	memcpy(f, g, n);
	memcpy(f + 14 + 8, mc, 16); /* multicast source */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP6_SRC_BAD), 1);
	memcpy(f, g, n);
	memcpy(f + 14 + 24, other, 16);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP6_NOT_OURS), 1);
	assert_int_equal(T.nb_kern, 0);

	t_input(g, n); /* the good one: to the kernel */
	assert_int_equal(T.nb_kern, 1);
	assert_int_equal(rte_pktmbuf_data_len(T.kern[0]), 48);
	assert_int_equal(t_drops_total(), 6);
}

/*
 * UDP to a media port on a unicast destination is media before the own-
 * address check (the leg lookup's key holds the address: a miss counts
 * media_no_leg, so does a directed broadcast); limited broadcast and
 * multicast destinations never are media, and other traffic to an address not ours is still ip4/ip6_not_ours.
 */
static enum dp_class
classify_udp(bool v6, const uint8_t *src, const uint8_t *dst, uint16_t dport,
	     struct dp_pkt_info *pi)
{
	uint8_t udp[20] = {0x3e,	   0x80, (uint8_t)(dport >> 8),
			   (uint8_t)dport, 0,	 20,
			   0x12,	   0x34};
	uint8_t f[256];
	size_t n = t_eth(f, T_MAC, T_PEER,
			 v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4, 0);

	n = v6 ? t_ip6(f, n, IPPROTO_UDP, 64, src, dst, udp, sizeof(udp))
	       : t_ip4(f, n, 5, IPPROTO_UDP, src, dst, udp, sizeof(udp));
	return dp_classify(&T.ifc, &T.addrs, f, (uint32_t)n, pi);
}

static void
test_media_before_address(void **state)
{
	static const uint8_t other4[4] = {198, 51, 100, 7};
	static const uint8_t bcast4[4] = {192, 0, 2, 255};
	static const uint8_t all4[4] = {255, 255, 255, 255};
	static const uint8_t mcast4[4] = {239, 1, 2, 3};
	static const uint8_t other6[16] = {0x20, 0x01, 0x0d, 0xb8, 9, [15] = 7};
	static const uint8_t mcast6[16] = {0xff, 0x0e, [15] = 0x42};
	struct dp_pkt_info pi;
	uint16_t mp;

	(void)state;
	T.ifc.media_port_min = 16384;
	T.ifc.media_port_max = 32767;
	mp = 20000;
	assert_int_equal(classify_udp(false, T_PEER4, T_IP4, mp, &pi),
			 DP_CLASS_MEDIA);
	assert_int_equal(classify_udp(false, T_PEER4, other4, mp, &pi),
			 DP_CLASS_MEDIA);
	assert_int_equal(pi.l3_len, 20);
	/* a directed broadcast is no leg's address: the lookup misses */
	assert_int_equal(classify_udp(false, T_PEER4, bcast4, mp, &pi),
			 DP_CLASS_MEDIA);
	assert_int_not_equal(classify_udp(false, T_PEER4, all4, mp, &pi),
			     DP_CLASS_MEDIA);
	assert_int_equal(classify_udp(false, T_PEER4, mcast4, mp, &pi),
			 DP_CLASS_DROP);
	assert_int_equal(pi.drop, DP_DROP_IP4_NOT_OURS);
	assert_int_equal(classify_udp(false, T_PEER4, other4, 5060, &pi),
			 DP_CLASS_DROP);
	assert_int_equal(pi.drop, DP_DROP_IP4_NOT_OURS);

	assert_int_equal(classify_udp(true, T_PEER6, T_IP6, mp, &pi),
			 DP_CLASS_MEDIA);
	assert_int_equal(classify_udp(true, T_PEER6, other6, mp, &pi),
			 DP_CLASS_MEDIA);
	assert_int_equal(pi.l3_len, 40);
	assert_int_equal(classify_udp(true, T_PEER6, mcast6, mp, &pi),
			 DP_CLASS_DROP);
	assert_int_equal(pi.drop, DP_DROP_IP6_NOT_OURS);
	assert_int_equal(classify_udp(true, T_PEER6, other6, 5060, &pi),
			 DP_CLASS_DROP);
	assert_int_equal(pi.drop, DP_DROP_IP6_NOT_OURS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_echo4, setup),
		cmocka_unit_test_setup(test_media_before_address, setup),
		cmocka_unit_test_setup(test_echo4_options_and_padding, setup),
		cmocka_unit_test_setup(test_ip4_malformed, setup),
		cmocka_unit_test_setup(test_ip4_bad_source, setup),
		cmocka_unit_test_setup(test_icmp4_malformed, setup),
		cmocka_unit_test_setup(test_echo_rate_limit, setup),
		cmocka_unit_test_setup(test_exception4, setup),
		cmocka_unit_test_setup(test_echo6, setup),
		cmocka_unit_test_setup(test_ip6_malformed, setup),
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
