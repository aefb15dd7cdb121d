/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LEG_* commands (dataplane/relay/dp_leg_ctl.c) through dp_relay_cmd():
 * every errno of dp_msg.h, binding and unbinding, bulk delete, and the
 * life cycle of a slot: a deleted leg's key no longer matches at once,
 * but its id is reset (stats zeroed, gen bumped) only after the readers'
 * grace period (QSBR). Runs under EAL --no-huge --no-pci.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <rte_rcu_qsbr.h>

#include "dp_relay_test.h"

static const uint8_t OTHER4[4] = {192, 0, 2, 99};

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

static void
test_add_errors(void **state)
{
	union dp_msg m;

	(void)state;
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 20001, 0), 0);
	/* the id, the RTP endpoint, the RTCP endpoint in use */
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20100, 0, 0),
			 -EEXIST);
	assert_int_equal(r_leg_add(2, 0, AF_INET, R_LAN4, 20000, 0, 0),
			 -EEXIST);
	assert_int_equal(r_leg_add(2, 0, AF_INET, R_LAN4, 20001, 0, 0),
			 -EEXIST);
	assert_int_equal(r_leg_add(2, 0, AF_INET, R_LAN4, 20002, 20000, 0),
			 -EEXIST);
	/* same port on another address or family is another endpoint */
	assert_int_equal(r_leg_add(2, 0, AF_INET6, R_LAN6, 20000, 20001, 0), 0);
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 20000, 0, 0), 0);
	/* id beyond max_legs, no such interface, address not ours (or
	 * not on that interface), port outside the media range */
	assert_int_equal(r_leg_add(R_MAX_LEGS, 0, AF_INET, R_LAN4, 20010, 0, 0),
			 -ENOSPC);
	assert_int_equal(r_leg_add(4, 2, AF_INET, R_LAN4, 20010, 0, 0),
			 -ENODEV);
	assert_int_equal(r_leg_add(4, 0, AF_INET, OTHER4, 20010, 0, 0),
			 -EADDRNOTAVAIL);
	assert_int_equal(r_leg_add(4, 1, AF_INET, R_LAN4, 20010, 0, 0),
			 -EADDRNOTAVAIL);
	assert_int_equal(r_leg_add(4, 0, AF_INET, R_LAN4, 16383, 0, 0),
			 -ERANGE);
	assert_int_equal(r_leg_add(4, 0, AF_INET, R_LAN4, 20010, 32768, 0),
			 -ERANGE);
	assert_int_equal(dp_relay_nb_legs(R.relay), 3);
	assert_int_equal(r_leg(1)->in_use, 1);
	assert_int_equal(r_leg(4)->in_use, 0);
	/* not a leg command */
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_PING;
	m.hdr.len = sizeof(m.ping);
	assert_int_equal(dp_relay_cmd(R.relay, &R.lc[0], &m), -EOPNOTSUPP);
}

static void
test_unknown_leg(void **state)
{
	union dp_msg m;

	(void)state;
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 0, 0), 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_MOD;
	m.leg_mod.leg_id = 7;
	assert_int_equal(r_cmd(&m), -ENOENT);
	m.leg_mod.leg_id = 1;
	m.leg_mod.flags = DP_LEG_F_LATCH;
	assert_int_equal(r_cmd(&m), 0);
	assert_int_equal(r_leg(1)->flags, DP_LEG_F_LATCH);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_DEL;
	m.leg_del.leg_id = 7;
	assert_int_equal(r_cmd(&m), -ENOENT);
	m.leg_del.leg_id = R_MAX_LEGS + 5; /* beyond the table too */
	assert_int_equal(r_cmd(&m), -ENOENT);
	assert_int_equal(r_bind(7, 1), -ENOENT);
	assert_int_equal(r_bind(1, 7), -ENOENT);
	assert_int_equal(r_remote(7, AF_INET, R_PEER4, 30000, 0, 0), -ENOENT);
	assert_int_equal(r_dscp(7, 46), -ENOENT);
	assert_int_equal(r_police(7, 100, 0, 0, 0), -ENOENT);
	/* a remote of the other family */
	assert_int_equal(r_remote(1, AF_INET6, R_PEER6, 30000, 0, 0),
			 -EAFNOSUPPORT);
	assert_int_equal(r_remote(1, AF_INET, R_PEER4, 30000, 0, 0), 0);
	/* R6: one of our own addresses, of its interface or another */
	assert_int_equal(r_remote(1, AF_INET, R_LAN4, 30000, 0, 0), -EINVAL);
	assert_int_equal(r_remote(1, AF_INET, R_WAN4, 30000, 0, 0), -EINVAL);
	assert_int_equal(r_leg_add(2, 1, AF_INET6, R_WAN6, 20002, 0, 0), 0);
	assert_int_equal(r_remote(2, AF_INET6, R_WAN6, 30000, 0, 0), -EINVAL);
	assert_int_equal(r_remote(2, AF_INET6, R_LAN6, 30000, 0, 0), -EINVAL);
	assert_int_equal(r_remote(2, AF_INET6, R_FAR6, 30000, 0, 0), 0);
	assert_int_equal(r_dscp(1, 46), 0);
	assert_int_equal(r_dscp(1, DP_DSCP_KEEP), 0);
	assert_int_equal(r_police(1, 100, 0, 0, 0), 0);
}

/* Send RTP from the LAN peer to leg 1 (192.0.2.1:20000). */
static void
rtp_to_leg1(uint16_t seq)
{
	uint8_t f[256], pl[64];
	struct r_pkt p = {.dmac = R_LAN_MAC,
			  .smac = R_PEER_MAC,
			  .family = AF_INET,
			  .src = R_PEER4,
			  .dst = R_LAN4,
			  .sport = 30000,
			  .dport = 20000,
			  .payload = pl};

	p.plen = r_rtp(pl, 0, seq, seq * 160u, 0x1234, 20);
	r_rx(1, 0, f, r_build(f, &p));
}

static void
test_bind(void **state)
{
	(void)state;
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 0, 0), 0);
	assert_int_equal(r_leg_add(2, 1, AF_INET, R_WAN4, 20000, 0, 0), 0);
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 20002, 0, 0), 0);
	assert_int_equal(r_remote(2, AF_INET, R_FAR4, 40000, 0, 0), 0);
	assert_int_equal(r_remote(3, AF_INET, R_FAR4, 40002, 0, 0), 0);
	assert_int_equal(r_bind(1, 2), 0);
	rtp_to_leg1(1);
	assert_int_equal(R.nb_tx, 1);
	assert_int_equal(r_leg(1)->fwd_pkts, 1);
	/* rebinding 1 to 3 unbinds 2: 2's media has no peer */
	assert_int_equal(r_bind(1, 3), 0);
	rtp_to_leg1(2);
	assert_int_equal(R.nb_tx, 2);
	assert_int_equal(t_get16(rte_pktmbuf_mtod(R.tx[1], uint8_t *) + 36),
			 40002);
	/* unbind: no peer */
	assert_int_equal(r_bind(1, DP_LEG_NONE), 0);
	rtp_to_leg1(3);
	assert_int_equal(R.nb_tx, 2);
	assert_int_equal(r_drop(1, DP_DROP_LEG_NO_PEER), 1);
	assert_int_equal(r_leg(1)->drops[DP_LEG_DROP_NO_PEER], 1);
	/* delete unbinds the peer too */
	assert_int_equal(r_bind(3, 1), 0);
	rtp_to_leg1(4);
	assert_int_equal(R.nb_tx, 3);
	{
		union dp_msg m;

		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_DEL;
		m.leg_del.leg_id = 3;
		assert_int_equal(r_cmd(&m), 0);
	}
	rtp_to_leg1(5);
	assert_int_equal(R.nb_tx, 3);
	assert_int_equal(r_drop(1, DP_DROP_LEG_NO_PEER), 2);
	/* a deleted peer can no longer be bound */
	assert_int_equal(r_bind(1, 3), -ENOENT);
}

static void
test_bulk_del(void **state)
{
	union dp_msg m;
	uint32_t i;

	(void)state;
	for (i = 0; i < 10; i++)
		assert_int_equal(r_leg_add(i, i % 2, AF_INET,
					   i % 2 ? R_WAN4 : R_LAN4,
					   (uint16_t)(20000 + 2 * i), 0, 0),
				 0);
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_BULK_DEL;
	m.leg_bulk_del.first_id = 2;
	m.leg_bulk_del.count = 4; /* 2..5 on interface 1: 3 and 5 */
	m.leg_bulk_del.port = 1;
	assert_int_equal(r_cmd(&m), 2);
	m.leg_bulk_del.port = 0xffff; /* 2 and 4 */
	assert_int_equal(r_cmd(&m), 2);
	m.leg_bulk_del.first_id = 0;
	m.leg_bulk_del.count = 0xffffffffu;
	assert_int_equal(r_cmd(&m), 6);
	assert_int_equal(r_cmd(&m), 0);
	assert_int_equal(dp_relay_nb_legs(R.relay), 0);
	/* ids and endpoints free again */
	assert_int_equal(r_leg_add(3, 1, AF_INET, R_WAN4, 20006, 0, 0), 0);
}

/*
 * A reader that has not passed a quiescent state may still hold the
 * deleted leg: its slot and counters are reset only after it has.
 */
static void
test_grace_period(void **state)
{
	union dp_msg m;
	uint32_t gen;

	(void)state;
	r_teardown();
	r_setup(0, true);
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 0, 0), 0);
	rtp_to_leg1(1); /* no peer: counted on the leg */
	assert_int_equal(r_leg(1)->rx_pkts, 1);
	gen = r_leg(1)->gen;
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_DEL;
	m.leg_del.leg_id = 1;
	assert_int_equal(r_cmd(&m), 0);
	/* the key is gone at once */
	rtp_to_leg1(2);
	assert_int_equal(r_drop(1, DP_DROP_MEDIA_NO_LEG), 1);
	r_tick();
	assert_int_equal(r_leg(1)->rx_pkts, 1); /* not yet reset */
	assert_int_equal(r_leg(1)->gen, gen);
	assert_int_equal(r_leg(1)->in_use, 1);
	rte_rcu_qsbr_quiescent(R.qsbr, 0);
	r_tick();
	assert_int_equal(r_leg(1)->rx_pkts, 0);
	assert_int_equal(r_leg(1)->gen, gen + 1);
	assert_int_equal(r_leg(1)->in_use, 0);
	/* the id again, a fresh leg */
	assert_int_equal(r_leg_add(1, 0, AF_INET, R_LAN4, 20000, 0, 0), 0);
	assert_int_equal(r_leg(1)->in_use, 1);
	assert_int_equal(r_leg(1)->gen, gen + 1);
	rtp_to_leg1(3);
	assert_int_equal(r_leg(1)->rx_pkts, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_leg, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_del, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grace_period, setup,
						teardown),
	};

	t_eal_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
