/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ADDR_PROBE (dataplane/dp_probe.c) through the real classifier, dp_arp.c
 * and dp_nd.c with a driven clock (lc.now_ns, STYLE rule 7):
 *   - the probes on the wire, field by field: RFC 5227 2.1.1 ARP probe
 *     (sender IP 0.0.0.0, our sender MAC, target MAC zero, broadcast) and
 *     RFC 4862 5.4.2 DAD NS (source ::, solicited-node destination and
 *     MAC, hop limit 255, no source link-layer option, checksum);
 *   - no answer: ADDR_PROBED conflict 0 exactly probes * interval after
 *     the command, not a nanosecond before;
 *   - RFC 5227 2.1.1 conflicts: an ARP reply from the address (with its
 *     MAC), a gratuitous ARP from it, another host's ARP probe for it;
 *     not ours looped back, not a plain request for it;
 *   - RFC 4862 5.4.4 an NA for the address (TLLA's MAC, else the Ethernet
 *     source), 5.4.3 another host's DAD NS; not our own NS looped back;
 *   - refusals: own address (-EEXIST), twice (-EBUSY), DP_PROBE_MAX in
 *     flight (-ENOSPC), and that the classifier passes a probed
 *     address's ARP only while it is probed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dp_test.h"

#define MS 1000000ull

static const uint8_t P4[4] = {192, 0, 2, 50};
static const uint8_t P6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, 0x50};
static const uint8_t OTHER_MAC[6] = {0x02, 0, 0, 0, 0, 0x77};
static const uint8_t ZERO4[4];
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t ALL_NODES[16] = {0xff, 0x02, [15] = 1};
static const uint8_t ALL_NODES_MAC[6] = {0x33, 0x33, 0, 0, 0, 1};

/* The probe machine publishes new address lists and frees the old one:
 * the interface's list must come from malloc. */
static int
setup(void **state)
{
	struct dp_addrs *a;

	(void)state;
	t_eal_init();
	t_env_reset(0);
	a = malloc(sizeof(*a));
	assert_non_null(a);
	*a = T.addrs;
	T.ifc.addrs = a;
	T.ifc.idx = 1;
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

static int
start(uint8_t family, const uint8_t *addr, uint8_t probes, uint32_t iv_ms,
      uint32_t token)
{
	struct dp_msg_addr_probe c;

	memset(&c, 0, sizeof(c));
	c.hdr.type = DP_MSG_ADDR_PROBE;
	c.hdr.len = sizeof(c);
	c.port = T.ifc.idx;
	c.family = family;
	c.probes = probes;
	c.interval_ms = iv_ms;
	c.token = token;
	memcpy(c.addr, addr, family == AF_INET ? 4 : 16);
	assert_int_equal(dp_msg_validate((const union dp_msg *)&c, DP_DIR_CMD),
			 0);
	return dp_probe_start(&T.lc, &T.ifc, &c);
}

static void
tick_ns(uint64_t ns)
{
	T.lc.now_ns = ns;
	dp_probe_timer(&T.lc, &T.ifc);
}

static void
tick(uint64_t t0, uint64_t ms)
{
	tick_ns(t0 + ms * MS);
}

/* The one ADDR_PROBED captured: its fields. */
static void
check_probed(uint8_t family, const uint8_t *addr, uint32_t token,
	     const uint8_t *mac)
{
	static const uint8_t zero[6];
	const struct dp_msg_addr_probed *e;

	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.evt[0].hdr.type, DP_MSG_ADDR_PROBED);
	e = &T.evt[0].addr_probed;
	assert_int_equal(e->port, T.ifc.idx);
	assert_int_equal(e->family, family);
	assert_int_equal(e->token, token);
	assert_memory_equal(e->addr, addr, family == AF_INET ? 4 : 16);
	assert_int_equal(e->conflict, mac != NULL ? 1 : 0);
	assert_memory_equal(e->mac, mac != NULL ? mac : zero, 6);
}

/* Frame i of the captures is an RFC 5227 2.1.1 ARP probe for tip. */
static void
check_arp_probe(unsigned int i, const uint8_t *tip)
{
	static const uint8_t zero6[6];
	size_t len;
	const uint8_t *f = t_tx_data(i, &len);
	const uint8_t *a = f + 14;

	assert_int_equal(len, 60);
	assert_memory_equal(f, BCAST, 6);
	assert_memory_equal(f + 6, T_MAC, 6);
	assert_int_equal(t_get16(f + 12), 0x0806);
	assert_int_equal(t_get16(a), 1); /* Ethernet */
	assert_int_equal(t_get16(a + 2), 0x0800);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(t_get16(a + 6), 1); /* request */
	assert_memory_equal(a + 8, T_MAC, 6);
	assert_memory_equal(a + 14, ZERO4, 4); /* sender IP 0.0.0.0 */
	assert_memory_equal(a + 18, zero6, 6); /* target MAC zero */
	assert_memory_equal(a + 24, tip, 4);
}

/* Frame i is an RFC 4862 5.4.2 DAD NS for target. */
static void
check_dad_ns(unsigned int i, const uint8_t *target)
{
	static const uint8_t unspec[16];
	uint8_t snm[16], mac[6] = {0x33, 0x33, 0xff};
	size_t len;
	const uint8_t *f = t_tx_data(i, &len);
	const uint8_t *ip = f + 14, *ns = ip + 40;

	t_snm(target, snm);
	memcpy(mac + 3, target + 13, 3);
	/* no options: 14 + 40 + 24 (a SLLA option would add 8) */
	assert_int_equal(len, 14 + 40 + 24);
	assert_memory_equal(f, mac, 6);
	assert_memory_equal(f + 6, T_MAC, 6);
	assert_int_equal(t_get16(f + 12), 0x86dd);
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(t_get16(ip + 4), 24);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, unspec, 16);
	assert_memory_equal(ip + 24, snm, 16);
	assert_int_equal(ns[0], 135);
	assert_int_equal(ns[1], 0);
	assert_memory_equal(ns + 4, unspec, 4); /* reserved */
	assert_memory_equal(ns + 8, target, 16);
	/* the checksum sums to zero with itself in place */
	assert_int_equal(t_csum6(ip + 8, ip + 24, 58, ns, 24), 0);
}

/* RFC 5227 2.1.1 with no answer: 3 probes 1 s apart, then 1 s more;
 * the result at exactly 3 s. */
static void
test_arp_no_conflict(void **state)
{
	uint64_t t0 = T.lc.now_ns;
	uint32_t ip;

	(void)state;
	assert_int_equal(start(AF_INET, P4, 3, 1000, 0xabcdef01), 0);
	assert_int_equal(T.ifc.addrs->nb_probe, 1);
	memcpy(&ip, P4, 4);
	assert_true(dp_addr4_is_probed(T.ifc.addrs, ip));
	assert_int_equal(T.nb_tx, 1);
	check_arp_probe(0, P4);
	tick_ns(t0 + 1000 * MS - 1);
	assert_int_equal(T.nb_tx, 1);
	tick(t0, 1000);
	assert_int_equal(T.nb_tx, 2);
	check_arp_probe(1, P4);
	tick_ns(t0 + 2000 * MS - 1);
	assert_int_equal(T.nb_tx, 2);
	tick(t0, 2000);
	assert_int_equal(T.nb_tx, 3);
	check_arp_probe(2, P4);
	tick_ns(t0 + 3000 * MS - 1);
	assert_int_equal(T.nb_evt, 0);
	tick(t0, 3000);
	assert_int_equal(T.nb_tx, 3);
	check_probed(AF_INET, P4, 0xabcdef01, NULL);
	assert_int_equal(t_cnt(DP_CNT_PROBE_TX), 3);
	assert_int_equal(t_cnt(DP_CNT_PROBE_CONFLICT), 0);
	/* the address is no longer passed by the classifier */
	assert_int_equal(T.ifc.addrs->nb_probe, 0);
	tick(t0, 10000);
	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.nb_tx, 3);
}

/* The holder answers our probe (RFC 826 reply, sender IP the address,
 * target IP 0.0.0.0): conflict at once, with its MAC; nothing sent back,
 * nothing more probed. */
static void
test_arp_reply_conflict(void **state)
{
	uint8_t f[128];
	size_t n;
	uint64_t t0 = T.lc.now_ns;

	(void)state;
	assert_int_equal(start(AF_INET, P4, 3, 1000, 7), 0);
	n = t_arp(f, 2, OTHER_MAC, P4, ZERO4, 0);
	memcpy(f, T_MAC, 6); /* unicast to us, as Linux answers */
	tick(t0, 300);
	t_input(f, n);
	check_probed(AF_INET, P4, 7, OTHER_MAC);
	assert_int_equal(t_cnt(DP_CNT_PROBE_CONFLICT), 1);
	assert_int_equal(T.nb_tx, 1); /* only the first probe */
	assert_int_equal(t_drops_total(), 0);
	tick(t0, 5000);
	assert_int_equal(T.nb_tx, 1);
	assert_int_equal(T.nb_evt, 1);
	assert_int_equal(T.ifc.addrs->nb_probe, 0);
	/* the same reply now: an ARP for an address not ours */
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_ARP_NOT_OURS), 1);
	assert_int_equal(T.nb_evt, 1);
}

/* A gratuitous ARP (RFC 5227 3: sender = target = the address) from its
 * holder during the probe: conflict. */
static void
test_arp_gratuitous_conflict(void **state)
{
	uint8_t f[128];
	size_t n;

	(void)state;
	assert_int_equal(start(AF_INET, P4, 2, 500, 8), 0);
	n = t_arp(f, 1, OTHER_MAC, P4, P4, 0);
	t_input(f, n);
	check_probed(AF_INET, P4, 8, OTHER_MAC);
	assert_int_equal(T.nb_tx, 1); /* not answered */
}

/* RFC 5227 2.1.1: another host's ARP probe (sender IP 0) for the address
 * is a conflict; our own looped back is not, nor is a host's plain ARP
 * request for the address (it asks, it does not claim). */
static void
test_arp_probe_other_host(void **state)
{
	uint8_t f[128];
	size_t n;

	(void)state;
	assert_int_equal(start(AF_INET, P4, 3, 1000, 9), 0);
	n = t_arp(f, 1, T_MAC, ZERO4, P4, 0); /* ours, looped back */
	t_input(f, n);
	n = t_arp(f, 1, T_PEER, T_PEER4, P4, 0); /* who-has P4 */
	t_input(f, n);
	assert_int_equal(T.nb_evt, 0);
	assert_int_equal(T.nb_tx, 1); /* no answer for a probed address */
	assert_int_equal(t_drops_total(), 0);
	n = t_arp(f, 1, OTHER_MAC, ZERO4, P4, 0);
	t_input(f, n);
	check_probed(AF_INET, P4, 9, OTHER_MAC);
	assert_int_equal(t_cnt(DP_CNT_PROBE_CONFLICT), 1);
}

/* RFC 4862 5.4.2 with no answer: one DAD NS, the result 1 s later. */
static void
test_dad_no_conflict(void **state)
{
	uint64_t t0 = T.lc.now_ns;

	(void)state;
	assert_int_equal(start(AF_INET6, P6, 1, 1000, 0x600d), 0);
	assert_true(dp_addr6_is_probed(T.ifc.addrs, P6));
	assert_int_equal(T.nb_tx, 1);
	check_dad_ns(0, P6);
	tick(t0, 999);
	assert_int_equal(T.nb_evt, 0);
	tick(t0, 1000);
	check_probed(AF_INET6, P6, 0x600d, NULL);
	assert_int_equal(T.nb_tx, 1);
	assert_int_equal(T.ifc.addrs->nb_probe, 0);
}

static size_t
na(uint8_t *f, const uint8_t *target, const uint8_t *tlla)
{
	uint8_t body[4 + 16 + 8] = {0x20}; /* Override, not Solicited */
	size_t blen = 20;

	memcpy(body + 4, target, 16);
	if (tlla != NULL) {
		body[20] = 2; /* target link-layer address */
		body[21] = 1;
		memcpy(body + 22, tlla, 6);
		blen += 8;
	}
	return t_icmp6(f, ALL_NODES_MAC, 255, T_PEER6, ALL_NODES, 136, body,
		       blen);
}

/* RFC 4862 5.4.4: an NA for the tentative address (to all-nodes, as a
 * defender answers DAD, RFC 4861 7.2.4): the MAC of its TLLA option, or
 * without one its Ethernet source. */
static void
test_dad_na_conflict(void **state)
{
	uint8_t f[256];
	size_t n;
	uint64_t t0 = T.lc.now_ns;

	(void)state;
	assert_int_equal(start(AF_INET6, P6, 3, 1000, 11), 0);
	tick(t0, 1000);
	assert_int_equal(T.nb_tx, 2);
	n = na(f, P6, OTHER_MAC);
	t_input(f, n);
	check_probed(AF_INET6, P6, 11, OTHER_MAC);
	assert_int_equal(t_drops_total(), 0);
	tick(t0, 2000);
	assert_int_equal(T.nb_tx, 2);

	T.nb_evt = 0;
	assert_int_equal(start(AF_INET6, P6, 3, 1000, 12), 0);
	n = na(f, P6, NULL);
	t_input(f, n);
	check_probed(AF_INET6, P6, 12, T_PEER);
	assert_int_equal(t_cnt(DP_CNT_PROBE_CONFLICT), 2);
}

static size_t
dad_ns(uint8_t *f, const uint8_t *target)
{
	static const uint8_t unspec[16];
	uint8_t body[20] = {0}, snm[16], mac[6] = {0x33, 0x33, 0xff};

	memcpy(body + 4, target, 16);
	t_snm(target, snm);
	memcpy(mac + 3, target + 13, 3);
	return t_icmp6(f, mac, 255, unspec, snm, 135, body, sizeof(body));
}

/* RFC 4862 5.4.3: another host's DAD NS for the tentative address is a
 * conflict (its MAC: the Ethernet source); our own looped back is not. */
static void
test_dad_ns_conflict(void **state)
{
	uint8_t f[256];
	size_t n;

	(void)state;
	assert_int_equal(start(AF_INET6, P6, 2, 1000, 13), 0);
	n = dad_ns(f, P6);
	memcpy(f + 6, T_MAC, 6); /* ours, looped back */
	t_input(f, n);
	assert_int_equal(T.nb_evt, 0);
	assert_int_equal(T.nb_tx, 1); /* no NA for an address not ours */
	n = dad_ns(f, P6);
	t_input(f, n);
	check_probed(AF_INET6, P6, 13, T_PEER);
	assert_int_equal(t_drops_total(), 0);
	/* over: the same NS is for an address not ours (solicited-node
	 * group no longer ours either) */
	tick(T.lc.now_ns, 1);
	t_input(f, n);
	assert_int_equal(t_drops(DP_DROP_IP6_NOT_OURS), 1);
}

/* -EEXIST for an own address, -EBUSY twice, -ENOSPC past DP_PROBE_MAX;
 * each probe ends on its own. */
static void
test_refusals(void **state)
{
	uint8_t a[4];
	unsigned int i;

	(void)state;
	assert_int_equal(start(AF_INET, T_IP4, 1, 100, 1), -EEXIST);
	assert_int_equal(start(AF_INET6, T_IP6, 1, 100, 1), -EEXIST);
	memcpy(a, P4, 4);
	for (i = 0; i < DP_PROBE_MAX; i++) {
		a[3] = (uint8_t)(50 + i);
		assert_int_equal(
			start(AF_INET, a, 1, (uint32_t)(100 * (i + 1)), i), 0);
	}
	assert_int_equal(T.ifc.addrs->nb_probe, DP_PROBE_MAX);
	assert_int_equal(start(AF_INET, P4, 1, 100, 1), -EBUSY);
	assert_int_equal(start(AF_INET6, P6, 1, 100, 1), -ENOSPC);
	assert_int_equal(T.nb_tx, DP_PROBE_MAX);
	/* 100 ms: the first one is done, a slot is free again */
	tick(T.lc.now_ns, 100);
	check_probed(AF_INET, P4, 0, NULL);
	assert_int_equal(T.ifc.addrs->nb_probe, DP_PROBE_MAX - 1);
	assert_int_equal(start(AF_INET6, P6, 1, 100, 1), 0);
	assert_int_equal(T.ifc.addrs->nb_probe, DP_PROBE_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arp_no_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_arp_reply_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_arp_gratuitous_conflict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_probe_other_host,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_dad_no_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dad_na_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dad_ns_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
