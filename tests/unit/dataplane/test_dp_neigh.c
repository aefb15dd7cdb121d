/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the kernel writes to the exception interface, through the real
 * code: the route choice (connected prefix, gateway, none), neighbour
 * resolution by ARP request / NS (RFC 826, RFC 4861 7.2.2), the queue of
 * packets waiting for it, retries, failure and ageing, and the NEIGH
 * events each step sends to the control plane.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "dp_test.h"

#define SEC 1000000000ull

static const uint8_t GW4[4] = {192, 0, 2, 254};
static const uint8_t FAR4[4] = {203, 0, 113, 5};

static int
setup(void **state)
{
	(void)state;
	t_env_reset(0);
	return 0;
}

/* An IPv4/UDP packet as the kernel writes it to the tun (no L2). */
static void
kernel_ip4(const uint8_t *dst)
{
	uint8_t f[64], udp[8] = {0x13, 0xc4, 0x13, 0xc4, 0, 8, 0, 0};
	struct rte_mbuf *m = rte_pktmbuf_alloc(T.pool);
	size_t n = t_ip4(f, 0, 5, 17, T_IP4, dst, udp, 8);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), f, n);
	dp_route_from_kernel(&T.lc, &T.ifc, m);
}

static void
kernel_ip6(const uint8_t *dst)
{
	uint8_t f[64], udp[8] = {0x13, 0xc4, 0x13, 0xc4, 0, 8, 0, 0};
	struct rte_mbuf *m = rte_pktmbuf_alloc(T.pool);
	size_t n = t_ip6(f, 0, 17, 64, T_IP6, dst, udp, 8);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), f, n);
	dp_route_from_kernel(&T.lc, &T.ifc, m);
}

static void
check_arp_request(unsigned int i, const uint8_t *tip)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t *r;
	size_t rl;

	r = t_tx_data(i, &rl);
	assert_int_equal(rl, 60);
	assert_memory_equal(r, bcast, 6);
	assert_memory_equal(r + 6, T_MAC, 6);
	assert_int_equal(t_get16(r + 12), 0x0806);
	assert_int_equal(t_get16(r + 14), 1);
	assert_int_equal(t_get16(r + 16), 0x0800);
	assert_int_equal(t_get16(r + 20), 1); /* request */
	assert_memory_equal(r + 22, T_MAC, 6);
	assert_memory_equal(r + 28, T_IP4, 4);
	assert_memory_equal(r + 38, tip, 4);
}

static void
test_resolve4(void **state)
{
	uint8_t f[64];
	const uint8_t *r;
	size_t n, rl;

	(void)state;
	kernel_ip4(T_PEER4);
	kernel_ip4(T_PEER4);
	assert_int_equal(T.nb_tx, 1); /* one request, two queued */
	check_arp_request(0, T_PEER4);
	assert_int_equal(t_cnt(DP_CNT_ARP_REQUEST_TX), 1);
	assert_int_equal(t_cnt(DP_CNT_EXC_FROM_KERNEL), 2);

	/* The reply resolves and flushes the queue, in order. */
	n = t_arp(f, 2, T_PEER, T_PEER4, T_IP4, 0);
	memcpy(f, T_MAC, 6);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 3);
	r = t_tx_data(1, &rl);
	assert_int_equal(rl, 14 + 28);
	assert_memory_equal(r, T_PEER, 6);
	assert_memory_equal(r + 6, T_MAC, 6);
	assert_int_equal(t_get16(r + 12), 0x0800);
	assert_memory_equal(r + 14 + 16, T_PEER4, 4);
	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.evt[0].neigh.state, DP_NEIGH_REACHABLE);
	assert_memory_equal(T.evt[0].neigh.mac, T_PEER, 6);

	/* Resolved: straight out. */
	kernel_ip4(T_PEER4);
	assert_int_equal(T.nb_tx, 4);
	assert_int_equal(t_drops_total(), 0);
}

/* Off-prefix goes to the gateway; no gateway, no route. */
static void
test_gateway_and_no_route(void **state)
{
	(void)state;
	kernel_ip4(FAR4);
	assert_int_equal(t_drops(DP_DROP_NO_ROUTE), 1);
	assert_int_equal(T.nb_tx, 0);

	T.addrs.has_gw4 = true;
	memcpy(&T.addrs.gw4, GW4, 4);
	kernel_ip4(FAR4);
	assert_int_equal(T.nb_tx, 1);
	check_arp_request(0, GW4);
}

static void
test_pending_full_retry_fail(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DP_NEIGH_PENDING + 2; i++)
		kernel_ip4(T_PEER4);
	assert_int_equal(t_drops(DP_DROP_NEIGH_PENDING_FULL), 2);
	assert_int_equal(T.nb_tx, 1);

	/* Not yet time to retry. */
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 1);
	/* Retried every neigh_retry, DP_NEIGH_TRIES requests in all. */
	for (i = 1; i < DP_NEIGH_TRIES; i++) {
		T.lc.now_ns += T.lc.neigh_retry_ns;
		dp_neigh_timer(&T.lc, &T.ifc);
		assert_int_equal(T.nb_tx, i + 1);
		check_arp_request(i, T_PEER4);
	}
	T.lc.now_ns += T.lc.neigh_retry_ns;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, DP_NEIGH_TRIES);
	assert_int_equal(t_drops(DP_DROP_NEIGH_FAILED), DP_NEIGH_PENDING);
	assert_int_equal(t_cnt(DP_CNT_NEIGH_FAILED), 1);
	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.evt[0].neigh.state, DP_NEIGH_FAILED);

	/* The entry is gone: a new packet starts again. */
	kernel_ip4(T_PEER4);
	assert_int_equal(T.nb_tx, DP_NEIGH_TRIES + 1);
}

/* The probes a reachable entry gets before it would expire (RFC 4861
 * 7.3.3): DP_NEIGH_TRIES * neigh_retry before neigh_ttl. */
#define PROBE_AT (T.lc.neigh_ttl_ns - DP_NEIGH_TRIES * T.lc.neigh_retry_ns)

static void
learn4(void)
{
	uint8_t f[64];
	size_t n;

	unsigned int i;

	n = t_arp(f, 1, T_PEER, T_PEER4, T_IP4, 0);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1); /* our reply */
	for (i = 0; i < T.nb_tx; i++)
		rte_pktmbuf_free(T.tx[i]);
	T.nb_tx = 0;
}

static void
check_arp_unicast(unsigned int i, const uint8_t *dmac, const uint8_t *tip)
{
	const uint8_t *r;
	size_t rl;

	r = t_tx_data(i, &rl);
	assert_int_equal(rl, 60);
	assert_memory_equal(r, dmac, 6);
	assert_int_equal(t_get16(r + 12), 0x0806);
	assert_int_equal(t_get16(r + 20), 1); /* request */
	assert_memory_equal(r + 28, T_IP4, 4);
	assert_memory_equal(r + 38, tip, 4);
}

/* Unanswered re-confirmation: one unicast request to the cached MAC, then
 * broadcast ones, the MAC in use all along; expiry at neigh_ttl. */
static void
test_ageing(void **state)
{
	struct rte_ether_addr mac;
	unsigned int i;

	(void)state;
	learn4();
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac), 0);
	T.lc.now_ns += PROBE_AT - 1;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 0);
	T.lc.now_ns += 1;
	for (i = 0; i < DP_NEIGH_TRIES; i++) {
		dp_neigh_timer(&T.lc, &T.ifc);
		assert_int_equal(T.nb_tx, i + 1);
		if (i == 0)
			check_arp_unicast(0, T_PEER, T_PEER4);
		else
			check_arp_request(i, T_PEER4);
		/* Still usable, by the main lcore and the workers. */
		assert_int_equal(
			dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac), 0);
		assert_memory_equal(&mac, T_PEER, 6);
		assert_int_equal(t_cnt(DP_CNT_NEIGH_EXPIRED), 0);
		T.lc.now_ns += T.lc.neigh_retry_ns - 1;
		dp_neigh_timer(&T.lc, &T.ifc);
		assert_int_equal(T.nb_tx, i + 1);
		T.lc.now_ns += 1;
	}
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, DP_NEIGH_TRIES);
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET, T_PEER4, &mac),
			 -ENOENT);
	assert_int_equal(t_cnt(DP_CNT_NEIGH_EXPIRED), 1);
	assert_int_equal(T.nb_evt, 2);
	assert_int_equal(T.evt[1].neigh.state, DP_NEIGH_EXPIRED);
}

/* R4: an entry in use by the relay is refreshed by its answer before it
 * expires, and the workers' cached (idx, seq) never goes stale: relayed
 * media keeps its MAC across neigh_ttl (no slow-path trip, no loss). */
static void
test_refresh4(void **state)
{
	const struct dp_nbr_cache *c = dp_iface_nbr(&T.ifc);
	struct rte_ether_addr mac;
	uint32_t seq, seq2;
	uint16_t idx, idx2;
	unsigned int round;
	uint8_t f[64];
	size_t n;

	(void)state;
	learn4();
	assert_int_equal(dp_nbr_lookup(c, AF_INET, T_PEER4, &idx, &seq, &mac),
			 0);
	for (round = 0; round < 3; round++) {
		T.lc.now_ns += PROBE_AT;
		dp_neigh_timer(&T.lc, &T.ifc);
		assert_int_equal(T.nb_tx, round + 1);
		check_arp_unicast(round, T_PEER, T_PEER4);
		assert_true(dp_nbr_valid(c, idx, seq));
		/* RFC 826: the reply to our request. */
		n = t_arp(f, 2, T_PEER, T_PEER4, T_IP4, 0);
		memcpy(f, T_MAC, 6);
		t_input(f, n);
		assert_true(dp_nbr_valid(c, idx, seq));
	}
	/* Well past the first neigh_ttl: never expired, one event. */
	T.lc.now_ns += PROBE_AT - 1;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 3);
	assert_int_equal(t_cnt(DP_CNT_NEIGH_EXPIRED), 0);
	assert_int_equal(T.nb_evt, 1);
	assert_true(dp_nbr_valid(c, idx, seq));
	assert_int_equal(dp_nbr_lookup(c, AF_INET, T_PEER4, &idx2, &seq2, &mac),
			 0);
	assert_int_equal(idx2, idx);
	assert_int_equal(seq2, seq);
	assert_int_equal(t_drops_total(), 0);
}

/* The probe's answer has a new MAC (the neighbour's NIC was replaced):
 * event, and the workers' cache changes. */
static void
test_probe_new_mac(void **state)
{
	static const uint8_t mac2[6] = {0x02, 0, 0, 0, 0x77, 0x01};
	const struct dp_nbr_cache *c = dp_iface_nbr(&T.ifc);
	struct rte_ether_addr mac;
	uint32_t seq;
	uint16_t idx;
	uint8_t f[64];
	size_t n;

	(void)state;
	learn4();
	assert_int_equal(dp_nbr_lookup(c, AF_INET, T_PEER4, &idx, &seq, &mac),
			 0);
	T.lc.now_ns += PROBE_AT;
	dp_neigh_timer(&T.lc, &T.ifc);
	T.lc.now_ns += T.lc.neigh_retry_ns;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 2);
	check_arp_request(1, T_PEER4); /* the retry is broadcast */
	n = t_arp(f, 2, mac2, T_PEER4, T_IP4, 0);
	memcpy(f, T_MAC, 6);
	t_input(f, n);
	assert_false(dp_nbr_valid(c, idx, seq));
	assert_int_equal(dp_nbr_lookup(c, AF_INET, T_PEER4, &idx, &seq, &mac),
			 0);
	assert_memory_equal(&mac, mac2, 6);
	assert_int_equal(T.nb_evt, 2);
	assert_int_equal(T.evt[1].neigh.state, DP_NEIGH_REACHABLE);
	assert_memory_equal(T.evt[1].neigh.mac, mac2, 6);
	T.lc.now_ns += T.lc.neigh_ttl_ns - 1;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(t_cnt(DP_CNT_NEIGH_EXPIRED), 0);
}

/* RFC 4861 7.3.3: the first probe of an IPv6 entry is a unicast NS, to
 * the cached MAC and the target address (7.2.2), valid checksum; the
 * retry goes to the solicited-node group. */
static void
test_refresh6(void **state)
{
	const struct dp_nbr_cache *c = dp_iface_nbr(&T.ifc);
	const uint8_t smac[6] = {0x33, 0x33, 0xff, 0, 0, 2};
	struct rte_ether_addr mac;
	uint8_t f[128], b[32], snm[16];
	const uint8_t *r, *ip;
	uint32_t seq;
	uint16_t idx;
	size_t n, rl;

	(void)state;
	/* Learnt from its NS (7.2.3). */
	memset(b, 0, sizeof(b));
	memcpy(b + 4, T_IP6, 16);
	b[20] = 1;
	b[21] = 1;
	memcpy(b + 22, T_PEER, 6);
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 135, b, 28);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 1); /* our NA */
	assert_int_equal(dp_nbr_lookup(c, AF_INET6, T_PEER6, &idx, &seq, &mac),
			 0);
	T.lc.now_ns += PROBE_AT;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 2);
	r = t_tx_data(1, &rl);
	ip = r + 14;
	assert_int_equal(rl, 14 + 40 + 32);
	assert_memory_equal(r, T_PEER, 6);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, T_IP6, 16);
	assert_memory_equal(ip + 24, T_PEER6, 16);
	assert_int_equal(ip[40], 135);
	assert_memory_equal(ip + 48, T_PEER6, 16);
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, ip + 40, 32), 0);
	/* Unanswered: the retry to the solicited-node group. */
	T.lc.now_ns += T.lc.neigh_retry_ns;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 3);
	r = t_tx_data(2, &rl);
	ip = r + 14;
	t_snm(T_PEER6, snm);
	assert_memory_equal(r, smac, 6);
	assert_memory_equal(ip + 24, snm, 16);
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, ip + 40, 32), 0);
	assert_true(dp_nbr_valid(c, idx, seq));
	/* The solicited NA (with TLLA) refreshes it, cache untouched. */
	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	memcpy(b + 4, T_PEER6, 16);
	b[20] = 2;
	b[21] = 1;
	memcpy(b + 22, T_PEER, 6);
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 136, b, 28);
	t_input(f, n);
	assert_true(dp_nbr_valid(c, idx, seq));
	T.lc.now_ns += PROBE_AT - 1;
	dp_neigh_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 3);
	assert_int_equal(t_cnt(DP_CNT_NEIGH_EXPIRED), 0);
	assert_int_equal(t_drops_total(), 0);
}

/* RFC 4861 7.2.2: NS to the solicited-node group, from our address, with
 * our SLLA, hop limit 255; the solicited NA resolves. */
static void
test_resolve6(void **state)
{
	uint8_t f[128], b[32], snm[16];
	const uint8_t smac[6] = {0x33, 0x33, 0xff, 0, 0, 2};
	const uint8_t *r, *ip;
	size_t n, rl;

	(void)state;
	kernel_ip6(T_PEER6);
	assert_int_equal(T.nb_tx, 1);
	r = t_tx_data(0, &rl);
	ip = r + 14;
	t_snm(T_PEER6, snm);
	assert_int_equal(rl, 14 + 40 + 32);
	assert_memory_equal(r, smac, 6);
	assert_int_equal(t_get16(r + 12), 0x86dd);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, T_IP6, 16);
	assert_memory_equal(ip + 24, snm, 16);
	assert_int_equal(ip[40], 135);
	assert_memory_equal(ip + 48, T_PEER6, 16);
	assert_int_equal(ip[64], 1);
	assert_memory_equal(ip + 66, T_MAC, 6);
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, ip + 40, 32), 0);
	assert_int_equal(t_cnt(DP_CNT_ND_NS_TX), 1);

	memset(b, 0, sizeof(b));
	b[0] = 0x60;
	memcpy(b + 4, T_PEER6, 16);
	b[20] = 2;
	b[21] = 1;
	memcpy(b + 22, T_PEER, 6);
	n = t_icmp6(f, T_MAC, 255, T_PEER6, T_IP6, 136, b, 28);
	t_input(f, n);
	assert_int_equal(T.nb_tx, 2);
	r = t_tx_data(1, &rl);
	assert_memory_equal(r, T_PEER, 6);
	assert_int_equal(t_get16(r + 12), 0x86dd);
	assert_int_equal(rl, 14 + 48);
	assert_int_equal(t_drops_total(), 0);
}

/* Multicast and broadcast from the kernel map to their group MACs. */
static void
test_kernel_groups(void **state)
{
	static const uint8_t mc6[16] = {0xff, 0x02, [15] = 2};
	static const uint8_t bc4[4] = {255, 255, 255, 255};
	const uint8_t mac6[6] = {0x33, 0x33, 0, 0, 0, 2};
	const uint8_t bmac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t *r;
	size_t rl;

	(void)state;
	kernel_ip6(mc6);
	kernel_ip4(bc4);
	assert_int_equal(T.nb_tx, 2);
	r = t_tx_data(0, &rl);
	assert_memory_equal(r, mac6, 6);
	r = t_tx_data(1, &rl);
	assert_memory_equal(r, bmac, 6);
}

static void
test_kernel_bad(void **state)
{
	struct rte_mbuf *m;
	uint8_t junk[30] = {0x50};

	(void)state;
	m = rte_pktmbuf_alloc(T.pool);
	memcpy(rte_pktmbuf_append(m, sizeof(junk)), junk, sizeof(junk));
	dp_route_from_kernel(&T.lc, &T.ifc, m);
	/* IPv4 whose total length exceeds what was written. */
	m = rte_pktmbuf_alloc(T.pool);
	junk[0] = 0x45;
	junk[2] = 0;
	junk[3] = 200;
	memcpy(rte_pktmbuf_append(m, sizeof(junk)), junk, sizeof(junk));
	dp_route_from_kernel(&T.lc, &T.ifc, m);
	assert_int_equal(t_drops(DP_DROP_EXC_FROM_KERNEL_BAD), 2);
	assert_int_equal(T.nb_tx, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resolve4, setup),
		cmocka_unit_test_setup(test_gateway_and_no_route, setup),
		cmocka_unit_test_setup(test_pending_full_retry_fail, setup),
		cmocka_unit_test_setup(test_ageing, setup),
		cmocka_unit_test_setup(test_refresh4, setup),
		cmocka_unit_test_setup(test_probe_new_mac, setup),
		cmocka_unit_test_setup(test_refresh6, setup),
		cmocka_unit_test_setup(test_resolve6, setup),
		cmocka_unit_test_setup(test_kernel_groups, setup),
		cmocka_unit_test_setup(test_kernel_bad, setup),
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
