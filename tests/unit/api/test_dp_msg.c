/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The message list (dataplane/api/dp_msg.h): names and size table from
 * the X-macro, and validation of every field a peer could get wrong,
 * including IF_GW, ADDR_PROBE and ADDR_PROBED (contract version 3).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dp_msg.h"

static void
test_names_and_sizes(void **state)
{
	(void)state;
	assert_string_equal(dp_msg_name(DP_MSG_PING), "PING");
	assert_string_equal(dp_msg_name(DP_MSG_IF_ADDR_DEL), "IF_ADDR_DEL");
	assert_string_equal(dp_msg_name(DP_MSG_NONE), "unknown");
	assert_string_equal(dp_msg_name(DP_MSG_MAX), "unknown");
	assert_int_equal(dp_msg_size(DP_MSG_PONG), 24);
	assert_int_equal(dp_msg_size(DP_MSG_NEIGH), 36);
	assert_int_equal(dp_msg_size(DP_MSG_MAX), 0);
}

static union dp_msg
if_addr(uint16_t type, uint8_t family, uint8_t plen)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.len = sizeof(struct dp_msg_if_addr);
	m.if_addr.family = family;
	m.if_addr.prefixlen = plen;
	m.if_addr.addr[0] = 192;
	return m;
}

static void
test_validate(void **state)
{
	union dp_msg m;

	(void)state;
	m = if_addr(DP_MSG_IF_ADDR_ADD, AF_INET, 24);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	/* a command is not an event */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EBADMSG);
	m.hdr.len++;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);
	m = if_addr(DP_MSG_IF_ADDR_ADD, AF_INET, 33);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_addr(DP_MSG_IF_ADDR_ADD, AF_INET, 24);
	m.if_addr.addr[5] = 1; /* IPv4 uses only the first 4 bytes */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_addr(DP_MSG_IF_ADDR_DEL, AF_INET6, 128);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m = if_addr(DP_MSG_IF_ADDR_DEL, AF_INET6, 129);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_addr(DP_MSG_IF_ADDR_DEL, 3, 8);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_addr(DP_MSG_IF_ADDR_ADD, AF_INET, 24);
	m.if_addr.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	memset(&m, 0, sizeof(m)); /* zeroed memory is not a message */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);
	m.hdr.type = DP_MSG_MAX;
	m.hdr.len = 24;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_PING;
	m.hdr.len = sizeof(struct dp_msg_ping);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_RESULT;
	m.hdr.len = sizeof(struct dp_msg_result);
	m.result.cmd_type = DP_MSG_IF_ADDR_ADD;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.result.status = 5; /* statuses are 0 or negative errnos */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.result.status = 0;
	m.result.cmd_type = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_IF_STATE;
	m.hdr.len = sizeof(struct dp_msg_if_state);
	m.if_state.link_up = 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.if_state.link_up = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_NEIGH;
	m.hdr.len = sizeof(struct dp_msg_neigh);
	m.neigh.family = AF_INET6;
	m.neigh.state = DP_NEIGH_REACHABLE;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.neigh.state = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.neigh.state = DP_NEIGH_EXPIRED + 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
}

static union dp_msg
msg(uint16_t type)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = type;
	m.hdr.len = (uint16_t)dp_msg_size(type);
	return m;
}

static union dp_msg
leg_add(uint8_t family)
{
	union dp_msg m = msg(DP_MSG_LEG_ADD);

	m.leg_add.leg_id = 7;
	m.leg_add.family = family;
	m.leg_add.rtp_port = 20000;
	m.leg_add.rtcp_port = 20001;
	m.leg_add.flags = DP_LEG_F_LATCH | DP_LEG_F_STRICT;
	if (family == AF_INET) {
		m.leg_add.addr[0] = 192;
		m.leg_add.addr[3] = 1;
	} else {
		m.leg_add.addr[0] = 0x20;
		m.leg_add.addr[15] = 1;
	}
	return m;
}

/* Every LEG_* field dp_msg_validate() can judge without the leg table. */
static void
test_validate_legs(void **state)
{
	union dp_msg m;

	(void)state;
	assert_int_equal(dp_msg_size(DP_MSG_LEG_ADD), 48);
	assert_string_equal(dp_msg_name(DP_MSG_LEG_BULK_DEL), "LEG_BULK_DEL");

	m = leg_add(AF_INET);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EBADMSG);
	m = leg_add(AF_INET6);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_add.rtcp_port = 0; /* rtcp-mux, RFC 5761 */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_add.rtcp_port = m.leg_add.rtp_port;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.leg_id = DP_LEG_NONE;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.flags = 0x08;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.rtp_port = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.clock_hz = DP_LEG_CLOCK_MAX + 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.addr[0] = 224; /* a local media address is unicast */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.leg_add.addr[0] = 127;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	memset(m.leg_add.addr, 0, 4);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET);
	m.leg_add.addr[4] = 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET6);
	m.leg_add.addr[0] = 0xff;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_INET6);
	memset(m.leg_add.addr, 0, 16);
	m.leg_add.addr[15] = 1; /* ::1 */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = leg_add(AF_UNIX);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_REMOTE);
	m.leg_remote.leg_id = 1;
	m.leg_remote.family = AF_INET;
	m.leg_remote.addr[0] = 198;
	m.leg_remote.rtp_port = 4000;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_remote.flags = DP_LEG_REMOTE_RELATCH;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_remote.flags = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.leg_remote.flags = 0;
	m.leg_remote.rtp_port = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.leg_remote.rtp_port = 4000;
	m.leg_remote.addr[0] = 255; /* broadcast / class E */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_MOD);
	m.leg_mod.leg_id = 3;
	m.leg_mod.flags = DP_LEG_F_ALL;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_mod.flags = 0x80;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_DEL);
	m.leg_del.leg_id = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_del.leg_id = DP_LEG_NONE;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_BIND);
	m.leg_bind.leg_id = 1;
	m.leg_bind.peer_id = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_bind.peer_id = DP_LEG_NONE; /* unbind */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_bind.peer_id = 1; /* a leg is not its own peer */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_DSCP);
	m.leg_dscp.leg_id = 1;
	m.leg_dscp.dscp = 46; /* EF, RFC 3246 */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_dscp.dscp = DP_DSCP_KEEP;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_dscp.dscp = 64;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	m = msg(DP_MSG_LEG_POLICE);
	m.leg_police.leg_id = 1;
	m.leg_police.pps = 100;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);

	m = msg(DP_MSG_LEG_BULK_DEL);
	m.leg_bulk_del.count = 0xffffffff;
	m.leg_bulk_del.port = 0xffff;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.leg_bulk_del.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.leg_bulk_del.port = 1;
	m.leg_bulk_del.count = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);

	/* RESULT of a bulk delete carries a count */
	m = msg(DP_MSG_RESULT);
	m.result.cmd_type = DP_MSG_LEG_BULK_DEL;
	m.result.status = 42;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.result.cmd_type = DP_MSG_LEG_DEL;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);

	m = msg(DP_MSG_LEG_LATCHED);
	m.leg_latched.leg_id = 9;
	m.leg_latched.family = AF_INET6;
	m.leg_latched.addr[0] = 0x20;
	m.leg_latched.rtp_port = 30000;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);
	m.leg_latched.rtcp = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);

	m = msg(DP_MSG_LEG_INACTIVE);
	m.leg_inactive.leg_id = 9;
	m.leg_inactive.idle_ms = 5000;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
}

static union dp_msg
if_gw(uint8_t family)
{
	union dp_msg m = msg(DP_MSG_IF_GW);

	m.if_gw.port = 1;
	m.if_gw.family = family;
	if (family == AF_INET) {
		m.if_gw.addr[0] = 198;
		m.if_gw.addr[1] = 51;
		m.if_gw.addr[2] = 100;
		m.if_gw.addr[3] = 254;
	} else {
		m.if_gw.addr[0] = 0xfe;
		m.if_gw.addr[1] = 0x80;
		m.if_gw.addr[15] = 1;
	}
	return m;
}

/* IF_GW: a unicast gateway of the family to set, all zero to clear. */
static void
test_validate_if_gw(void **state)
{
	union dp_msg m;

	(void)state;
	m = if_gw(AF_INET);
	assert_int_equal(dp_msg_size(DP_MSG_IF_GW), 28);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EBADMSG);
	m = if_gw(AF_INET6);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.if_gw.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_gw(AF_INET6);
	m.if_gw.family = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_gw(AF_INET);
	m.if_gw.addr[4] = 1; /* IPv4 in the first 4 bytes only */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_gw(AF_INET);
	m.if_gw.addr[0] = 224; /* multicast */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.if_gw.addr[0] = 127; /* loopback */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	memset(m.if_gw.addr, 0, 4); /* unspecified */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_gw(AF_INET6);
	m.if_gw.addr[0] = 0xff; /* multicast */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	/* clear: 1 with no address; 2 is no flag */
	m = if_gw(AF_INET6);
	m.if_gw.clear = 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	memset(m.if_gw.addr, 0, 16);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.if_gw.family = AF_INET;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.if_gw.clear = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = if_gw(AF_INET);
	m.hdr.len = sizeof(struct dp_msg_if_addr) + 4;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);
}

static union dp_msg
addr_probe(uint8_t family)
{
	union dp_msg m = msg(DP_MSG_ADDR_PROBE);

	m.addr_probe.port = 1;
	m.addr_probe.family = family;
	m.addr_probe.probes = 3;
	m.addr_probe.interval_ms = 1000;
	m.addr_probe.token = 0xdeadbeef;
	if (family == AF_INET) {
		m.addr_probe.addr[0] = 198;
		m.addr_probe.addr[3] = 7;
	} else {
		m.addr_probe.addr[0] = 0x20;
		m.addr_probe.addr[1] = 0x01;
		m.addr_probe.addr[15] = 7;
	}
	return m;
}

/* ADDR_PROBE: probes 1..DP_PROBE_NUM_MAX, interval in range, a unicast
 * address of the family on a port. */
static void
test_validate_addr_probe(void **state)
{
	union dp_msg m;

	(void)state;
	assert_int_equal(dp_msg_size(DP_MSG_ADDR_PROBE), 36);
	m = addr_probe(AF_INET);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EBADMSG);
	m = addr_probe(AF_INET6);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.addr_probe.probes = DP_PROBE_NUM_MAX;
	m.addr_probe.interval_ms = DP_PROBE_IV_MIN_MS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.addr_probe.interval_ms = DP_PROBE_IV_MAX_MS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), 0);
	m.addr_probe.interval_ms = DP_PROBE_IV_MAX_MS + 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.addr_probe.interval_ms = DP_PROBE_IV_MIN_MS - 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET6);
	m.addr_probe.probes = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.addr_probe.probes = DP_PROBE_NUM_MAX + 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET6);
	m.addr_probe.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET6);
	m.addr_probe.family = AF_INET + 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET6);
	memset(m.addr_probe.addr, 0, 16); /* :: */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m.addr_probe.addr[15] = 1; /* ::1 */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET);
	m.addr_probe.addr[12] = 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
	m = addr_probe(AF_INET);
	m.addr_probe.addr[0] = 255;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EINVAL);
}

/* ADDR_PROBED: an event; conflict 0 or 1; a MAC only with a conflict. */
static void
test_validate_addr_probed(void **state)
{
	union dp_msg m = msg(DP_MSG_ADDR_PROBED);

	(void)state;
	assert_int_equal(dp_msg_size(DP_MSG_ADDR_PROBED), 40);
	m.addr_probed.port = 2;
	m.addr_probed.family = AF_INET;
	m.addr_probed.addr[0] = 10;
	m.addr_probed.addr[3] = 9;
	m.addr_probed.token = 5;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	assert_int_equal(dp_msg_validate(&m, DP_DIR_CMD), -EBADMSG);
	m.addr_probed.mac[5] = 1; /* a MAC without a conflict */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.addr_probed.conflict = 1;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.addr_probed.mac[5] = 0; /* conflict, MAC not known */
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.addr_probed.conflict = 2;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.addr_probed.conflict = 1;
	m.addr_probed.port = DP_MAX_PORTS;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.addr_probed.port = 2;
	m.addr_probed.family = AF_INET6;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), 0);
	m.addr_probed.addr[0] = 0xff;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
	m.addr_probed.addr[0] = 10;
	m.addr_probed.family = 0;
	assert_int_equal(dp_msg_validate(&m, DP_DIR_EVT), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_sizes),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_validate_legs),
		cmocka_unit_test(test_validate_if_gw),
		cmocka_unit_test(test_validate_addr_probe),
		cmocka_unit_test(test_validate_addr_probed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
