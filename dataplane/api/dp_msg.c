/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names, sizes and validation of the contract's messages (dp_msg.h).
 * A message is validated after it has been copied out of shared memory;
 * nothing the peer wrote is trusted before that.
 */
#include <errno.h>
#include <stdbool.h>
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

/* A unicast address a media peer can have: not unspecified, multicast,
 * loopback or (IPv4) limited broadcast. */
static bool
addr_unicast(uint8_t family, const uint8_t *a)
{
	static const uint8_t zero[16], lo6[16] = {[15] = 1};

	if (family == AF_INET)
		return memcmp(a, zero, 4) != 0 && a[0] < 224 && a[0] != 127;
	return memcmp(a, zero, 16) != 0 && a[0] != 0xff &&
	       memcmp(a, lo6, 16) != 0;
}

static int
leg_add_valid(const struct dp_msg_leg_add *l)
{
	if (l->leg_id == DP_LEG_NONE || l->port >= DP_MAX_PORTS ||
	    (l->flags & ~DP_LEG_F_ALL) != 0 || l->rtp_port == 0 ||
	    l->rtcp_port == l->rtp_port || l->clock_hz > DP_LEG_CLOCK_MAX)
		return -EINVAL;
	if (addr_valid(l->family, l->family == AF_INET ? 32 : 128, l->addr))
		return -EINVAL;
	return addr_unicast(l->family, l->addr) ? 0 : -EINVAL;
}

static int
leg_remote_valid(const struct dp_msg_leg_remote *r)
{
	if (r->leg_id == DP_LEG_NONE || r->rtp_port == 0 ||
	    (r->flags & ~DP_LEG_REMOTE_RELATCH) != 0)
		return -EINVAL;
	if (addr_valid(r->family, r->family == AF_INET ? 32 : 128, r->addr))
		return -EINVAL;
	return addr_unicast(r->family, r->addr) ? 0 : -EINVAL;
}

static bool
all_zero(const uint8_t *p, size_t len)
{
	while (len > 0)
		if (p[--len] != 0)
			return false;
	return true;
}

/* A unicast address of family (IPv4 in the first 4 bytes only). */
static int
unicast_valid(uint8_t family, const uint8_t addr[16])
{
	if (addr_valid(family, family == AF_INET ? 32 : 128, addr))
		return -EINVAL;
	return addr_unicast(family, addr) ? 0 : -EINVAL;
}

static int
if_gw_valid(const struct dp_msg_if_gw *g)
{
	if (g->port >= DP_MAX_PORTS || g->clear > 1)
		return -EINVAL;
	if (g->family != AF_INET && g->family != AF_INET6)
		return -EINVAL;
	/* clearing names no gateway: a stray address is a sender's bug */
	if (g->clear)
		return all_zero(g->addr, sizeof(g->addr)) ? 0 : -EINVAL;
	return unicast_valid(g->family, g->addr);
}

static int
addr_probe_valid(const struct dp_msg_addr_probe *p)
{
	if (p->port >= DP_MAX_PORTS || p->probes == 0 ||
	    p->probes > DP_PROBE_NUM_MAX ||
	    p->interval_ms < DP_PROBE_IV_MIN_MS ||
	    p->interval_ms > DP_PROBE_IV_MAX_MS)
		return -EINVAL;
	return unicast_valid(p->family, p->addr);
}

static int
addr_probed_valid(const struct dp_msg_addr_probed *p)
{
	if (p->port >= DP_MAX_PORTS || p->conflict > 1)
		return -EINVAL;
	/* no conflict, no other host */
	if (!p->conflict && !all_zero(p->mac, sizeof(p->mac)))
		return -EINVAL;
	return unicast_valid(p->family, p->addr);
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
		    m->result.cmd_type >= DP_MSG_MAX ||
		    (m->result.status > 0 &&
		     m->result.cmd_type != DP_MSG_LEG_BULK_DEL))
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
	case DP_MSG_LEG_ADD:
		return leg_add_valid(&m->leg_add);
	case DP_MSG_LEG_MOD:
		if (m->leg_mod.leg_id == DP_LEG_NONE ||
		    (m->leg_mod.flags & ~DP_LEG_F_ALL) != 0 ||
		    m->leg_mod.clock_hz > DP_LEG_CLOCK_MAX)
			return -EINVAL;
		return 0;
	case DP_MSG_LEG_DEL:
		return m->leg_del.leg_id == DP_LEG_NONE ? -EINVAL : 0;
	case DP_MSG_LEG_BIND:
		if (m->leg_bind.leg_id == DP_LEG_NONE ||
		    m->leg_bind.leg_id == m->leg_bind.peer_id)
			return -EINVAL;
		return 0;
	case DP_MSG_LEG_REMOTE:
		return leg_remote_valid(&m->leg_remote);
	case DP_MSG_LEG_DSCP:
		if (m->leg_dscp.leg_id == DP_LEG_NONE ||
		    (m->leg_dscp.dscp > 63 && m->leg_dscp.dscp != DP_DSCP_KEEP))
			return -EINVAL;
		return 0;
	case DP_MSG_LEG_POLICE:
		return m->leg_police.leg_id == DP_LEG_NONE ? -EINVAL : 0;
	case DP_MSG_LEG_BULK_DEL:
		if (m->leg_bulk_del.count == 0 ||
		    (m->leg_bulk_del.port >= DP_MAX_PORTS &&
		     m->leg_bulk_del.port != 0xffff))
			return -EINVAL;
		return 0;
	case DP_MSG_LEG_LATCHED:
		if (m->leg_latched.leg_id == DP_LEG_NONE ||
		    m->leg_latched.rtcp > 1 || m->leg_latched.rtp_port == 0)
			return -EINVAL;
		return addr_valid(m->leg_latched.family,
				  m->leg_latched.family == AF_INET ? 32 : 128,
				  m->leg_latched.addr);
	case DP_MSG_LEG_INACTIVE:
		return m->leg_inactive.leg_id == DP_LEG_NONE ? -EINVAL : 0;
	case DP_MSG_IF_GW:
		return if_gw_valid(&m->if_gw);
	case DP_MSG_ADDR_PROBE:
		return addr_probe_valid(&m->addr_probe);
	case DP_MSG_ADDR_PROBED:
		return addr_probed_valid(&m->addr_probed);
	case DP_MSG_NONE:
	case DP_MSG_MAX:
		break;
	}
	return -EBADMSG;
}
