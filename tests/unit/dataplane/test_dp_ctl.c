/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Own-address changes from the command ring (dataplane/dp_ctl.c): an
 * IF_ADDR_ADD of an address already held succeeds and only updates its
 * prefix length (a control plane re-pushes its whole state after every
 * attach), a delete of an address not held is refused, and the list is
 * bounded. The link-local address of an interface (RFC 4291 2.5.6) is
 * made from its MAC (RFC 4291 Appendix A) and fits beside a full list of
 * configured ones. IF_GW's on-link rules and its publication with the
 * list. Runs without EAL (no tun, no RCU: the list swap alone).
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

/* dp_main.c owns the state in the program; the test provides it. */
struct dp_state dp_g;

static void
test_addr_idempotent(void **state)
{
	struct dp_iface *ifc = &dp_g.iface[0];
	uint8_t a4[16] = {192, 0, 2, 9};
	uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 9};
	unsigned int i;

	(void)state;
	ifc->addrs = calloc(1, sizeof(*ifc->addrs));
	assert_non_null(ifc->addrs);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 24), 0);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 25), 0);
	assert_int_equal(ifc->addrs->nb4, 1);
	assert_int_equal(ifc->addrs->a4[0].plen, 25);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET6, a6, 64), 0);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET6, a6, 64), 0);
	assert_int_equal(ifc->addrs->nb6, 1);
	assert_int_equal(dp_addr_change(&dp_g, ifc, false, AF_INET, a4, 25), 0);
	assert_int_equal(ifc->addrs->nb4, 0);
	assert_int_equal(dp_addr_change(&dp_g, ifc, false, AF_INET, a4, 25),
			 -EADDRNOTAVAIL);
	for (i = 0; i < DP_MAX_ADDRS; i++) {
		a4[3] = (uint8_t)(10 + i);
		assert_int_equal(
			dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 24), 0);
	}
	a4[3] = 200;
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 24),
			 -ENOSPC);
	assert_int_equal(ifc->addrs->nb4, DP_MAX_ADDRS);
	free(ifc->addrs);
}

/* RFC 4291 Appendix A: 34-56-78-9A-BC-DE gives interface identifier
 * 3656:78FF:FE9A:BCDE (the universal/local bit inverted). */
static void
test_link_local(void **state)
{
	struct dp_iface *ifc = &dp_g.iface[1];
	static const uint8_t want[16] = {0xfe, 0x80, [8] = 0x36, 0x56, 0x78,
					 0xff, 0xfe, 0x9a,	 0xbc, 0xde};
	uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	uint8_t ll[16];
	unsigned int i;

	(void)state;
	ifc->mac =
		(struct rte_ether_addr){{0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde}};
	dp_addr6_ll_of(&ifc->mac, ll);
	assert_memory_equal(ll, want, 16);
	ifc->addrs = calloc(1, sizeof(*ifc->addrs));
	assert_non_null(ifc->addrs);
	/* A full list of configured addresses, then the link-local. */
	for (i = 0; i < DP_MAX_ADDRS; i++) {
		a6[15] = (uint8_t)(1 + i);
		assert_int_equal(
			dp_addr_change(&dp_g, ifc, true, AF_INET6, a6, 64), 0);
	}
	assert_int_equal(dp_addr_add_ll(ifc), 0);
	assert_int_equal(ifc->addrs->nb6, DP_MAX_ADDRS + 1);
	assert_memory_equal(ifc->addrs->a6[DP_MAX_ADDRS].addr, want, 16);
	assert_int_equal(ifc->addrs->a6[DP_MAX_ADDRS].plen, 64);
	assert_true(dp_addr6_is_ours(ifc->addrs, want));
	/* Twice is once. */
	assert_int_equal(dp_addr_add_ll(ifc), 0);
	assert_int_equal(ifc->addrs->nb6, DP_MAX_ADDRS + 1);
	free(ifc->addrs);
}

/*
 * IF_GW (dp_gw_change): the gateway must be on-link: IPv4 inside one of
 * the interface's prefixes, IPv6 link-local (RFC 4291 2.5.6) or inside
 * one; not an own address. It is published with the address list (a new
 * copy, addr_gen bumped: the relay's cached next hops are re-resolved),
 * the addresses are kept, and clearing twice is clearing once. No tun
 * here: the kernel route is left alone.
 */
static void
test_if_gw(void **state)
{
	struct dp_iface *ifc = &dp_g.iface[2];
	uint8_t a4[16] = {198, 51, 100, 1}, gw4[16] = {198, 51, 100, 254};
	uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1};
	uint8_t gw6[16] = {0xfe, 0x80, [15] = 1};
	uint8_t far6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 9, [15] = 1};
	uint8_t far4[16] = {203, 0, 113, 1};
	const struct dp_addrs *before;
	uint32_t gen;

	(void)state;
	ifc->addrs = calloc(1, sizeof(*ifc->addrs));
	assert_non_null(ifc->addrs);
	/* no address yet: nothing is on-link */
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, gw4), -EHOSTUNREACH);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 24), 0);
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET6, a6, 64), 0);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, far4),
			 -EHOSTUNREACH);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, a4), -EINVAL);
	assert_false(ifc->addrs->has_gw4);
	before = ifc->addrs;
	gen = ifc->addr_gen;
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, gw4), 0);
	assert_ptr_not_equal(ifc->addrs, before);
	assert_int_equal(ifc->addr_gen, gen + 1);
	assert_true(ifc->addrs->has_gw4);
	assert_memory_equal(&ifc->addrs->gw4, gw4, 4);
	assert_int_equal(ifc->addrs->nb4, 1);
	assert_int_equal(ifc->addrs->nb6, 1);
	assert_false(ifc->addrs->has_gw6);

	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, far6),
			 -EHOSTUNREACH);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, a6), -EINVAL);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, gw6), 0);
	assert_true(ifc->addrs->has_gw6);
	assert_memory_equal(ifc->addrs->gw6, gw6, 16);
	a6[15] = 0xfe; /* on the connected prefix */
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, a6), 0);
	assert_memory_equal(ifc->addrs->gw6, a6, 16);
	assert_true(ifc->addrs->has_gw4); /* the other family untouched */

	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, NULL), 0);
	assert_false(ifc->addrs->has_gw6);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET6, NULL), 0);
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, NULL), 0);
	assert_false(ifc->addrs->has_gw4);
	assert_int_equal(ifc->addrs->gw4, 0);
	/* an address change keeps the gateway */
	assert_int_equal(dp_gw_change(&dp_g, ifc, AF_INET, gw4), 0);
	a4[3] = 2;
	assert_int_equal(dp_addr_change(&dp_g, ifc, true, AF_INET, a4, 24), 0);
	assert_true(ifc->addrs->has_gw4);
	free(ifc->addrs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_idempotent),
		cmocka_unit_test(test_link_local),
		cmocka_unit_test(test_if_gw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
