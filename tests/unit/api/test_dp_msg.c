/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The message list (dataplane/api/dp_msg.h): names and size table from
 * the X-macro, and validation of every field a peer could get wrong.
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_sizes),
		cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
