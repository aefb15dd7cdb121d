/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names, sizes and validation of the contract's messages (dp_msg.h).
 * A message is validated after it has been copied out of shared memory;
 * nothing the peer wrote is trusted before that.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dp_msg.h"

static const struct {
	const char *name;
	uint16_t size;
	uint8_t dir;
} msg_info[DP_MSG_MAX] = {[DP_MSG_NONE] = {"none", 0, 0},
#define DP_MSG_INFO(n, st, d) [DP_MSG_##n] = {#n, sizeof(struct st), d},
			  DP_MSG_LIST(DP_MSG_INFO)
#undef DP_MSG_INFO
};

const char *
dp_msg_name(uint16_t type)
{
	if (type == DP_MSG_NONE || type >= DP_MSG_MAX)
		return "unknown";
	return msg_info[type].name;
}

size_t
dp_msg_size(uint16_t type)
{
	if (type >= DP_MSG_MAX)
		return 0;
	return msg_info[type].size;
}

static int
addr_valid(uint8_t family, uint8_t prefixlen, const uint8_t addr[16])
{
	static const uint8_t zero[12];

	switch (family) {
	case AF_INET:
		if (prefixlen > 32 || memcmp(addr + 4, zero, sizeof(zero)) != 0)
			return -EINVAL;
		return 0;
	case AF_INET6:
		return prefixlen > 128 ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

int
dp_msg_validate(const union dp_msg *m, unsigned int dir)
{
	uint16_t type = m->hdr.type;

	if (type == DP_MSG_NONE || type >= DP_MSG_MAX)
		return -EBADMSG;
	if (m->hdr.len != msg_info[type].size)
		return -EBADMSG;
	if ((msg_info[type].dir & dir) == 0)
		return -EBADMSG;

	switch ((enum dp_msg_type)type) {
	case DP_MSG_PING:
	case DP_MSG_PONG:
		return 0;
	case DP_MSG_RESULT:
		if (m->result.cmd_type == DP_MSG_NONE ||
		    m->result.cmd_type >= DP_MSG_MAX || m->result.status > 0)
			return -EINVAL;
		return 0;
	case DP_MSG_IF_ADDR_ADD:
	case DP_MSG_IF_ADDR_DEL:
		if (m->if_addr.port >= DP_MAX_PORTS)
			return -EINVAL;
		return addr_valid(m->if_addr.family, m->if_addr.prefixlen,
				  m->if_addr.addr);
	case DP_MSG_IF_STATE:
		if (m->if_state.port >= DP_MAX_PORTS || m->if_state.link_up > 1)
			return -EINVAL;
		return 0;
	case DP_MSG_NEIGH:
		if (m->neigh.port >= DP_MAX_PORTS ||
		    m->neigh.state < DP_NEIGH_REACHABLE ||
		    m->neigh.state > DP_NEIGH_EXPIRED)
			return -EINVAL;
		return addr_valid(m->neigh.family,
				  m->neigh.family == AF_INET ? 32 : 128,
				  m->neigh.addr);
	case DP_MSG_NONE:
	case DP_MSG_MAX:
		break;
	}
	return -EBADMSG;
}
