/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Router discovery as a host (dataplane/dp_ra.c) through the real
 * classifier and dp_nd.c, with a driven clock (lc.now_ns, STYLE rule 7):
 *   - RFC 4861 6.3.4: a valid RA (to all-nodes, SLLA, a prefix option)
 *     makes its link-local source the IPv6 default gateway, published
 *     with the address list (new copy, addr_gen bumped), the tun's
 *     default route added with metric DP_RA_METRIC, the router's MAC in
 *     the neighbour cache; a second router is not taken;
 *   - RFC 4861 6.1.2 validation, each counted under nd_ra_bad: hop limit
 *     254, a global source, 12 bytes, an option of length 0, an option
 *     past the end, code 1, a wrong checksum;
 *   - the router lifetime: refreshed by each RA, expiry exactly at the
 *     last RA + lifetime (route removed), lifetime 0 removes at once;
 *   - a configured gateway6 and IF_GW's win (dp_gw_change): the router is
 *     kept aside and takes over when IF_GW clears;
 *   - RFC 4861 6.3.7 / 4.1 solicitations: to ff02::2 (33:33:00:00:00:02)
 *     from the link-local address, hop limit 255, SLLA, checksum; three
 *     4 s apart, none once an RA came, none with a gateway of its own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dp_state.h"
#include "dp_test.h"

struct dp_state dp_g; /* dp_gw_change() (dp_ctl.c) is linked in */

#define S 1000000000ull

static const uint8_t RTR[16] = {0xfe, 0x80, [8] = 0x02, [15] = 0xfe};
static const uint8_t RTR2[16] = {0xfe, 0x80, [8] = 0x02, [15] = 0xfd};
static const uint8_t RTR_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};
static const uint8_t ALL_NODES[16] = {0xff, 0x02, [15] = 1};
static const uint8_t ALL_NODES_MAC[6] = {0x33, 0x33, 0, 0, 0, 1};
static const uint8_t ALL_ROUTERS[16] = {0xff, 0x02, [15] = 2};
static const uint8_t ALL_ROUTERS_MAC[6] = {0x33, 0x33, 0, 0, 0, 2};

/* The kernel route hook: what dp_ra.c asked for. */
static struct {
	unsigned int calls;
	int ifindex, family;
	uint32_t metric;
	bool add;
	bool route; /* the route as the kernel would have it */
} K;

static int
fake_route(int ifindex, int family, uint32_t metric, bool add)
{
	K.calls++;
	K.ifindex = ifindex;
	K.family = family;
	K.metric = metric;
	K.add = add;
	K.route = add;
	return 0;
}

static uint8_t LL[16];

static int
setup(void **state)
{
	struct dp_addrs *a;

	(void)state;
	t_eal_init();
	t_env_reset(0);
	/* the interface's own link-local (dp_addr_add_ll) */
	dp_addr6_ll_of(&T.ifc.mac, LL);
	memcpy(T.addrs.a6[1].addr, LL, 16);
	T.addrs.a6[1].plen = 64;
	T.addrs.nb6 = 2;
	a = malloc(sizeof(*a)); /* published lists are freed */
	assert_non_null(a);
	*a = T.addrs;
	T.ifc.addrs = a;
	T.ifc.has_tun = true;
	T.ifc.tun_ifindex = 7;
	T.lc.kif_route = fake_route;
	memset(&K, 0, sizeof(K));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	t_env_free_captures();
	free(T.ifc.addrs);
	T.ifc.addrs = &T.addrs;
	return 0;
}

/* An ICMPv6 message of type/code with body, its checksum right (or
 * spoiled by csum_xor), from src to dst with hop limit hlim. */
static size_t
icmp6(uint8_t *f, const uint8_t *dmac, uint8_t hlim, const uint8_t *src,
      const uint8_t *dst, uint8_t type, uint8_t code, const uint8_t *body,
      size_t blen, uint16_t csum_xor)
{
	uint8_t msg[256];
	size_t l2 = t_eth(f, dmac, RTR_MAC, 0x86dd, 0);
	uint16_t c;

	assert_true(blen + 4 <= sizeof(msg));
	msg[0] = type;
	msg[1] = code;
	msg[2] = msg[3] = 0;
	memcpy(msg + 4, body, blen);
	c = t_csum6(src, dst, 58, msg, blen + 4) ^ csum_xor;
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	return t_ip6(f, l2, 58, hlim, src, dst, msg, blen + 4);
}

/* RA body after type/code/checksum (RFC 4861 4.2): cur hop limit 64,
 * flags 0, lifetime, reachable 0, retrans 0; SLLA option; a prefix
 * information option (4.6.2) for 2001:db8:9::/64. */
static size_t
ra_body(uint8_t *b, uint16_t lifetime, bool slla, bool prefix)
{
	size_t n = 12;

	memset(b, 0, 64);
	b[0] = 64;
	b[2] = (uint8_t)(lifetime >> 8);
	b[3] = (uint8_t)lifetime;
	if (slla) {
		b[n] = 1;
		b[n + 1] = 1;
		memcpy(b + n + 2, RTR_MAC, 6);
		n += 8;
	}
	if (prefix) {
		b[n] = 3;
		b[n + 1] = 4;
		b[n + 2] = 64;
		b[n + 3] = 0xc0; /* on-link, autonomous */
		memset(b + n + 4, 0xff, 8);
		b[n + 16] = 0x20;
		b[n + 17] = 0x01;
		b[n + 18] = 0x0d;
		b[n + 19] = 0xb8;
		b[n + 21] = 9;
		n += 32;
	}
	return n;
}

static void
ra_from(const uint8_t *src, uint16_t lifetime)
{
	uint8_t f[256], b[64];
	size_t bl = ra_body(b, lifetime, true, true);

	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, src, ALL_NODES, 134, 0, b, bl, 0));
}

static void
test_ra_sets_gateway(void **state)
{
	struct rte_ether_addr mac;
	const struct dp_addrs *before = T.ifc.addrs;
	uint32_t gen = T.ifc.addr_gen;

	(void)state;
	assert_false(T.ifc.addrs->has_gw6);
	ra_from(RTR, 1800);
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 1);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 1);
	assert_int_equal(t_drops_total(), 0);
	assert_ptr_not_equal(T.ifc.addrs, before);
	assert_int_equal(T.ifc.addr_gen, gen + 1);
	assert_true(T.ifc.addrs->has_gw6);
	assert_memory_equal(T.ifc.addrs->gw6, RTR, 16);
	/* the addresses are kept; no address from the prefix (no SLAAC) */
	assert_int_equal(T.ifc.addrs->nb6, 2);
	assert_int_equal(T.ifc.addrs->nb4, 1);
	/* the tun's default route, metric DP_RA_METRIC */
	assert_int_equal(K.calls, 1);
	assert_int_equal(K.ifindex, 7);
	assert_int_equal(K.family, AF_INET6);
	assert_int_equal(K.metric, DP_RA_METRIC);
	assert_true(K.add);
	/* 6.3.4: the SLLA into the neighbour cache */
	assert_int_equal(dp_neigh_lookup(&T.ifc, AF_INET6, RTR, &mac), 0);
	assert_memory_equal(&mac, RTR_MAC, 6);
	/* nothing sent in answer */
	assert_int_equal(T.nb_tx, 0);

	/* the same router again: a refresh, no republication */
	before = T.ifc.addrs;
	ra_from(RTR, 1800);
	assert_ptr_equal(T.ifc.addrs, before);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 1);
	assert_int_equal(K.calls, 1);
	/* a second router is not taken while the first one lives */
	ra_from(RTR2, 1800);
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 3);
	assert_memory_equal(T.ifc.addrs->gw6, RTR, 16);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 1);
}

/* RFC 4861 6.1.2: every failed check is dropped and counted. */
static void
test_ra_invalid(void **state)
{
	static const uint8_t global[16] = {0x20, 0x01, 0x0d,	   0xb8,
					   0,	 1,    [15] = 0xfe};
	uint8_t f[256], b[64];
	size_t bl;

	(void)state;
	bl = ra_body(b, 1800, true, false);
	/* hop limit 254: not from this link */
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 254, RTR, ALL_NODES, 134, 0, b, bl, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 1);
	/* a global source */
	t_input(f, icmp6(f, ALL_NODES_MAC, 255, global, ALL_NODES, 134, 0, b,
			 bl, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 2);
	/* 12 bytes: shorter than the 16 of an RA */
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b, 8, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 3);
	/* an option of length 0 */
	b[13] = 0;
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b, bl, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 4);
	/* an option running past the end (2 units in 8 bytes) */
	b[13] = 2;
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b, bl, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 5);
	/* one byte of option: no length field */
	b[13] = 1;
	t_input(f, icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b,
			 bl + 1, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 6);
	/* code 1 */
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 1, b, bl, 0));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 7);
	/* a wrong checksum */
	t_input(f, icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b, bl,
			 0x0100));
	assert_int_equal(t_drops(DP_DROP_ND_RA_BAD), 8);
	assert_int_equal(t_drops_total(), 8);
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 0);
	assert_false(T.ifc.addrs->has_gw6);
	assert_int_equal(K.calls, 0);
	/* the same RA, valid, unicast to our link-local: taken */
	t_input(f, icmp6(f, T_MAC, 255, RTR, LL, 134, 0, b, bl, 0));
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 1);
	assert_true(T.ifc.addrs->has_gw6);
	/* without options at all (16 bytes): valid too */
	t_input(f,
		icmp6(f, ALL_NODES_MAC, 255, RTR, ALL_NODES, 134, 0, b, 12, 0));
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 2);
	assert_int_equal(t_drops_total(), 8);
}

/* RFC 4861 6.3.4: the invalidation timer, reset by each RA; 6.3.5. */
static void
test_ra_lifetime(void **state)
{
	uint64_t t0 = T.lc.now_ns;

	(void)state;
	ra_from(RTR, 10);
	T.lc.now_ns = t0 + 5 * S;
	ra_from(RTR, 10); /* refresh: now + 10 s */
	T.lc.now_ns = t0 + 15 * S - 1;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_true(T.ifc.addrs->has_gw6);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_EXPIRED), 0);
	assert_true(K.route);
	T.lc.now_ns = t0 + 15 * S;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_false(T.ifc.addrs->has_gw6);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_EXPIRED), 1);
	assert_false(K.route);
	assert_int_equal(K.metric, DP_RA_METRIC);
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_EXPIRED), 1);
	/* gone: another router may now be the one */
	ra_from(RTR2, 30);
	assert_true(T.ifc.addrs->has_gw6);
	assert_memory_equal(T.ifc.addrs->gw6, RTR2, 16);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 2);
}

/* RFC 4861 6.3.4: lifetime 0 "immediately time-out the entry"; from a
 * router that is not ours it changes nothing. */
static void
test_ra_lifetime_zero(void **state)
{
	(void)state;
	ra_from(RTR, 0); /* no router yet: nothing to take */
	assert_false(T.ifc.addrs->has_gw6);
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 1);
	assert_int_equal(K.calls, 0);
	ra_from(RTR, 600);
	assert_true(T.ifc.addrs->has_gw6);
	ra_from(RTR2, 0);
	assert_true(T.ifc.addrs->has_gw6);
	ra_from(RTR, 0);
	assert_false(T.ifc.addrs->has_gw6);
	assert_false(K.route);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_EXPIRED), 1);
}

/* A gateway6 of the configuration (dp_addr_init) or IF_GW
 * (dp_gw_change) wins; IF_GW clearing it brings the router back. */
static void
test_configured_gateway_wins(void **state)
{
	static const uint8_t conf_gw[16] = {0x20, 0x01, 0x0d,	    0xb8,
					    0,	  1,	[15] = 0xfe};
	struct dp_addrs *a = T.ifc.addrs;

	(void)state;
	/* as dp_addr_init() leaves a configured gateway6 */
	a->has_gw6 = true;
	memcpy(a->gw6, conf_gw, 16);
	T.ifc.ra.gw6_fixed = true;
	ra_from(RTR, 1800);
	assert_int_equal(t_cnt(DP_CNT_ND_RA_RX), 1);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 0);
	assert_memory_equal(T.ifc.addrs->gw6, conf_gw, 16);
	assert_int_equal(K.calls, 0);
	/* IF_GW clears it (the main lcore's context is dp_g.lcore[0]; no
	 * tun: dp_gw_change() would ask the real kernel) */
	T.ifc.has_tun = false;
	dp_g.lcore[0] = T.lc;
	assert_int_equal(dp_gw_change(&dp_g, &T.ifc, AF_INET6, NULL), 0);
	assert_true(T.ifc.addrs->has_gw6);
	assert_memory_equal(T.ifc.addrs->gw6, RTR, 16);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 1);
	assert_true(T.ifc.ra.installed);
	/* IF_GW sets one: it wins */
	assert_int_equal(dp_gw_change(&dp_g, &T.ifc, AF_INET6, conf_gw), 0);
	assert_memory_equal(T.ifc.addrs->gw6, conf_gw, 16);
	assert_false(T.ifc.ra.installed);
	assert_int_equal(K.calls, 0);
	ra_from(RTR, 1800);
	assert_memory_equal(T.ifc.addrs->gw6, conf_gw, 16);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_SET), 1);
	/* and expiry of the set-aside router leaves IF_GW's alone */
	T.lc.now_ns += 1801 * S;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_memory_equal(T.ifc.addrs->gw6, conf_gw, 16);
	assert_int_equal(t_cnt(DP_CNT_RA_ROUTER_EXPIRED), 1);
}

/* RFC 4861 6.3.7 and 4.1: the solicitation on the wire. */
static void
test_rs(void **state)
{
	const uint8_t *p;
	size_t len;
	uint64_t t0 = T.lc.now_ns;

	(void)state;
	dp_ra_solicit_start(&T.lc, &T.ifc, 300000000ull);
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 0); /* the random delay first */
	T.lc.now_ns = t0 + 300000000ull;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 1);
	assert_int_equal(t_cnt(DP_CNT_ND_RS_TX), 1);
	p = t_tx_data(0, &len);
	assert_int_equal(len, 14 + 40 + 16);
	assert_memory_equal(p, ALL_ROUTERS_MAC, 6);
	assert_memory_equal(p + 6, T_MAC, 6);
	assert_int_equal(t_get16(p + 12), 0x86dd);
	p += 14;
	assert_int_equal(p[0] >> 4, 6);
	assert_int_equal(t_get16(p + 4), 16);
	assert_int_equal(p[6], 58);
	assert_int_equal(p[7], 255);
	assert_memory_equal(p + 8, LL, 16);
	assert_memory_equal(p + 24, ALL_ROUTERS, 16);
	assert_int_equal(p[40], 133);
	assert_int_equal(p[41], 0);
	assert_int_equal(t_get16(p + 44), 0); /* reserved */
	assert_int_equal(t_get16(p + 46), 0);
	assert_int_equal(p[48], 1); /* SLLA, one unit, our MAC */
	assert_int_equal(p[49], 1);
	assert_memory_equal(p + 50, T_MAC, 6);
	assert_int_equal(t_csum6(p + 8, p + 24, 58, p + 40, 16), 0);
	/* RTR_SOLICITATION_INTERVAL: 4 s, then the third, then no more */
	T.lc.now_ns += 4 * S - 1;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 1);
	T.lc.now_ns += 1;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 2);
	T.lc.now_ns += 4 * S;
	dp_ra_timer(&T.lc, &T.ifc);
	T.lc.now_ns += 40 * S;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 3);
	assert_int_equal(t_cnt(DP_CNT_ND_RS_TX), 3);

	/* an RA with a lifetime ends soliciting */
	dp_ra_solicit_start(&T.lc, &T.ifc, 0);
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 4);
	ra_from(RTR, 1800);
	T.lc.now_ns += 40 * S;
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 4);
	/* a gateway of its own: none */
	T.ifc.ra.gw6_fixed = true;
	dp_ra_solicit_start(&T.lc, &T.ifc, 0);
	dp_ra_timer(&T.lc, &T.ifc);
	assert_int_equal(T.nb_tx, 4);
}

/* RFC 4861 6.2.6: a host drops router solicitations; redirects are not
 * followed. */
static void
test_rs_redirect_dropped(void **state)
{
	uint8_t f[256], b[64];

	(void)state;
	memset(b, 0, sizeof(b));
	t_input(f, icmp6(f, ALL_ROUTERS_MAC, 255, RTR, ALL_NODES, 133, 0, b, 4,
			 0));
	t_input(f, icmp6(f, T_MAC, 255, RTR, LL, 137, 0, b, 36, 0));
	assert_int_equal(t_drops(DP_DROP_ND_UNHANDLED), 2);
	assert_int_equal(T.nb_tx, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ra_sets_gateway, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ra_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ra_lifetime, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ra_lifetime_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_configured_gateway_wins,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_rs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rs_redirect_dropped, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
