/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LEG_* commands on the main lcore (dp_msg.h has the contract). The
 * message was validated by dp_msg_validate(); what needs state is
 * checked here. A command either applies whole or changes nothing.
 * Every change of a leg's configuration publishes a new copy
 * (dp_leg_cfg_publish); the workers see the old or the new one, never a
 * mix. Errors: -ENOENT unknown leg, -EEXIST id or endpoint in use,
 * -EADDRNOTAVAIL local address not the interface's, -ERANGE local port
 * outside the media range, -ENOSPC id beyond max_legs or table full,
 * -ENODEV no such interface, -EAFNOSUPPORT remote of another family,
 * -ERANGE (LEG_REMOTE) an implied RTCP port past 65535, -EINVAL
 * (LEG_REMOTE) a broadcast address of the leg's link, -ENOMEM no
 * configuration copy left.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_hash.h>

#include "dp_leg.h"
#include "dp_rtp.h"

#define MS 1000000ull

static struct dp_leg_cfg *
live(struct dp_relay *r, uint32_t id)
{
	if (id >= r->max_legs || r->lm[id].state != DP_LEG_LIVE)
		return NULL;
	return r->legs[id].cfg;
}

/* A copy of leg id's configuration to change and publish. */
static struct dp_leg_cfg *
cow(struct dp_relay *r, uint32_t id)
{
	struct dp_leg_cfg *c = dp_leg_cfg_alloc(r);

	if (c != NULL)
		*c = *r->legs[id].cfg;
	return c;
}

/* The live leg id's configuration, copied for a change: -ENOENT for no
 * such leg, -ENOMEM when no copy is free. */
static int
cow_live(struct dp_relay *r, uint32_t id, struct dp_leg_cfg **cp)
{
	if (live(r, id) == NULL)
		return -ENOENT;
	*cp = cow(r, id);
	return *cp == NULL ? -ENOMEM : 0;
}

static void
timers_set(struct dp_leg_cfg *c, uint32_t idle_ms, uint32_t clock_hz,
	   uint16_t relatch_ms)
{
	c->idle_ms = idle_ms;
	c->clock_hz = clock_hz != 0 ? clock_hz : DP_RTP_CLOCK_DEFAULT;
	c->relatch_ns =
		(uint64_t)(relatch_ms != 0 ? relatch_ms
					   : DP_LEG_RELATCH_DEFAULT_MS) *
		MS;
}

static bool
addr_ours(const struct dp_iface *ifc, uint8_t family, const uint8_t *addr)
{
	const struct dp_addrs *a = dp_iface_addrs(ifc);
	uint32_t ip4;

	if (family == AF_INET) {
		memcpy(&ip4, addr, 4);
		return dp_addr4_is_ours(a, ip4);
	}
	return dp_addr6_is_ours(a, addr);
}

static bool
port_media(const struct dp_iface *ifc, uint16_t port)
{
	return port >= ifc->media_port_min && port <= ifc->media_port_max;
}

static int
key_add(struct dp_relay *r, const struct dp_msg_leg_add *a, uint16_t port,
	uintptr_t data)
{
	struct dp_leg_key k;
	int rc;

	dp_leg_key_set(&k, a->port, a->family, a->addr, rte_cpu_to_be_16(port));
	rc = rte_hash_add_key_data(r->hash, &k, (void *)data);
	return rc == 0 ? 0 : (rc == -ENOSPC ? -ENOSPC : rc);
}

static void
key_del(struct dp_relay *r, const struct dp_leg_cfg *c, uint16_t port_be)
{
	struct dp_leg_key k;

	dp_leg_key_set(&k, c->ifidx, c->family, c->addr, port_be);
	rte_hash_del_key(r->hash, &k);
}

static bool
key_exists(struct dp_relay *r, const struct dp_msg_leg_add *a, uint16_t port)
{
	struct dp_leg_key k;

	dp_leg_key_set(&k, a->port, a->family, a->addr, rte_cpu_to_be_16(port));
	return rte_hash_lookup(r->hash, &k) >= 0;
}

static int
leg_add(struct dp_relay *r, struct dp_lcore *lc, const struct dp_msg_leg_add *a)
{
	const struct dp_iface *ifc;
	struct dp_leg_cfg *c;
	uint32_t id = a->leg_id;
	int rc;

	if (id >= r->max_legs)
		return -ENOSPC;
	if (a->port >= r->nb_ifaces)
		return -ENODEV;
	ifc = &r->ifaces[a->port];
	if (!addr_ours(ifc, a->family, a->addr))
		return -EADDRNOTAVAIL;
	if (!port_media(ifc, a->rtp_port) ||
	    (a->rtcp_port != 0 && !port_media(ifc, a->rtcp_port)))
		return -ERANGE;
	if (r->lm[id].state == DP_LEG_LIVE)
		return -EEXIST;
	if (key_exists(r, a, a->rtp_port) ||
	    (a->rtcp_port != 0 && key_exists(r, a, a->rtcp_port)))
		return -EEXIST;
	if (r->lm[id].state == DP_LEG_DYING)
		dp_leg_reclaim(r, true); /* the slot is reset after it */
	c = dp_leg_cfg_alloc(r);
	if (c == NULL)
		return -ENOMEM;
	rc = key_add(r, a, a->rtp_port, (uintptr_t)id << 1);
	if (rc == 0 && a->rtcp_port != 0) {
		rc = key_add(r, a, a->rtcp_port, (uintptr_t)id << 1 | 1);
		if (rc != 0) {
			struct dp_leg_key k;

			dp_leg_key_set(&k, a->port, a->family, a->addr,
				       rte_cpu_to_be_16(a->rtp_port));
			rte_hash_del_key(r->hash, &k);
		}
	}
	if (rc != 0) {
		rte_mempool_put(r->cfg_pool, c);
		return rc;
	}
	c->id = id;
	c->peer = DP_LEG_NONE;
	c->ifidx = a->port;
	c->family = a->family;
	c->flags = a->flags;
	c->rtp_port = rte_cpu_to_be_16(a->rtp_port);
	c->mux = a->rtcp_port == 0;
	c->rtcp_port = c->mux ? c->rtp_port : rte_cpu_to_be_16(a->rtcp_port);
	c->dscp = DP_DSCP_KEEP;
	memcpy(c->addr, a->addr, a->family == AF_INET ? 4 : 16);
	timers_set(c, a->idle_ms, a->clock_hz, a->relatch_ms);
	c->police_gen = 1;
	c->added_ns = lc->now_ns;
	/* The slot and its stats were reset when the id was last freed
	 * (or never used): this incarnation is gen. */
	c->gen = r->st[id].gen;
	r->st[id].in_use = 1;
	r->st[id].flags = a->flags;
	r->lm[id].state = DP_LEG_LIVE;
	r->nb_legs++;
	dp_leg_cfg_publish(r, id, c);
	return 0;
}

static int
leg_mod(struct dp_relay *r, const struct dp_msg_leg_mod *m)
{
	struct dp_leg_cfg *c;
	int err;

	err = cow_live(r, m->leg_id, &c);
	if (err)
		return err;
	c->flags = m->flags;
	timers_set(c, m->idle_ms, m->clock_hz, m->relatch_ms);
	r->st[m->leg_id].flags = m->flags;
	dp_leg_cfg_publish(r, m->leg_id, c);
	return 0;
}

/* Set id's peer (a live leg); -ENOMEM leaves it as it was. */
static int
peer_set(struct dp_relay *r, uint32_t id, uint32_t peer)
{
	struct dp_leg_cfg *c;

	if (r->legs[id].cfg->peer == peer)
		return 0;
	c = cow(r, id);
	if (c == NULL)
		return -ENOMEM;
	c->peer = peer;
	dp_leg_cfg_publish(r, id, c);
	return 0;
}

/* id's peer, if bound back to id, is left unbound. */
static int
unbind_peer_of(struct dp_relay *r, uint32_t id)
{
	uint32_t p = r->legs[id].cfg->peer;

	if (p == DP_LEG_NONE || live(r, p) == NULL ||
	    r->legs[p].cfg->peer != id)
		return 0;
	return peer_set(r, p, DP_LEG_NONE);
}

static void
leg_remove(struct dp_relay *r, uint32_t id)
{
	const struct dp_leg_cfg *c = r->legs[id].cfg;

	unbind_peer_of(r, id);
	key_del(r, c, c->rtp_port);
	if (!c->mux)
		key_del(r, c, c->rtcp_port);
	r->nb_legs--;
	dp_leg_slot_retire(r, id);
}

static int
leg_del(struct dp_relay *r, const struct dp_msg_leg_id *d)
{
	if (live(r, d->leg_id) == NULL)
		return -ENOENT;
	leg_remove(r, d->leg_id);
	return 0;
}

static int
leg_bind(struct dp_relay *r, const struct dp_msg_leg_bind *b)
{
	int rc;

	if (live(r, b->leg_id) == NULL)
		return -ENOENT;
	if (b->peer_id != DP_LEG_NONE && live(r, b->peer_id) == NULL)
		return -ENOENT;
	/* No -ENOMEM half way: the pool holds a copy per leg plus the
	 * retired FIFO, and dp_leg_cfg_alloc() waits for a grace period
	 * and reclaims before it gives up. */
	if (r->legs[b->leg_id].cfg->peer != b->peer_id) {
		rc = unbind_peer_of(r, b->leg_id);
		if (!rc && b->peer_id != DP_LEG_NONE)
			rc = unbind_peer_of(r, b->peer_id);
		if (rc)
			return rc;
	}
	rc = peer_set(r, b->leg_id, b->peer_id);
	if (!rc && b->peer_id != DP_LEG_NONE)
		rc = peer_set(r, b->peer_id, b->leg_id);
	return rc;
}

static int
leg_remote(struct dp_relay *r, const struct dp_msg_leg_remote *m)
{
	const struct dp_leg_cfg *old = live(r, m->leg_id);
	struct dp_leg_cfg *c;
	uint32_t ip4;
	uint16_t rtcp;

	if (old == NULL)
		return -ENOENT;
	if (m->family != old->family)
		return -EAFNOSUPPORT;
	/* RFC 3550 11: RTCP on the next port; there is none after 65535 */
	if (!old->mux && m->rtcp_port == 0 && m->rtp_port == 0xffff)
		return -ERANGE;
	/* a directed broadcast of the leg's link: no media to every host */
	memcpy(&ip4, m->addr, 4);
	if (m->family == AF_INET &&
	    dp_addr4_is_bcast(dp_iface_addrs(&r->ifaces[old->ifidx]), ip4))
		return -EINVAL;
	/* one of our own addresses (any interface): media to ourselves,
	 * a loop through our own ARP / ND */
	if (dp_leg_own_addr(r, m->family, m->addr))
		return -EINVAL;
	c = cow(r, m->leg_id);
	if (c == NULL)
		return -ENOMEM;
	c->has_remote = 1;
	memset(c->r_addr, 0, sizeof(c->r_addr));
	memcpy(c->r_addr, m->addr, m->family == AF_INET ? 4 : 16);
	c->r_rtp_port = rte_cpu_to_be_16(m->rtp_port);
	/* RFC 3605: RTCP on the next port unless said otherwise; RFC
	 * 5761: on the RTP port with rtcp-mux */
	rtcp = m->rtcp_port;
	if (rtcp == 0)
		rtcp = c->mux ? m->rtp_port : (uint16_t)(m->rtp_port + 1);
	c->r_rtcp_port = rte_cpu_to_be_16(rtcp);
	if (m->flags & DP_LEG_REMOTE_RELATCH)
		c->relatch_gen++;
	dp_leg_cfg_publish(r, m->leg_id, c);
	return 0;
}

static int
leg_dscp(struct dp_relay *r, const struct dp_msg_leg_dscp *m)
{
	struct dp_leg_cfg *c;
	int err;

	err = cow_live(r, m->leg_id, &c);
	if (err)
		return err;
	c->dscp = m->dscp;
	dp_leg_cfg_publish(r, m->leg_id, c);
	return 0;
}

static int
leg_police(struct dp_relay *r, const struct dp_msg_leg_police *m)
{
	struct dp_leg_cfg *c;
	int err;

	err = cow_live(r, m->leg_id, &c);
	if (err)
		return err;
	c->police.pps = m->pps;
	c->police.burst_pkts = m->burst_pkts;
	c->police.kbps = m->kbps;
	c->police.burst_bytes = m->burst_bytes;
	c->police_on = m->pps != 0 || m->kbps != 0;
	c->police_gen++; /* the owner refills its buckets */
	dp_leg_cfg_publish(r, m->leg_id, c);
	return 0;
}

static int
leg_bulk_del(struct dp_relay *r, const struct dp_msg_leg_bulk_del *m)
{
	uint64_t end = (uint64_t)m->first_id + m->count;
	uint32_t id;
	int n = 0;

	if (m->count == 0xffffffffu || end > r->max_legs)
		end = r->max_legs;
	for (id = m->first_id; id < end; id++) {
		const struct dp_leg_cfg *c = live(r, id);

		if (c == NULL || (m->port != 0xffff && c->ifidx != m->port))
			continue;
		leg_remove(r, id);
		n++;
	}
	return n;
}

int
dp_relay_cmd(struct dp_relay *r, struct dp_lcore *lc, const union dp_msg *c)
{
	switch ((enum dp_msg_type)c->hdr.type) {
	case DP_MSG_LEG_ADD:
		return leg_add(r, lc, &c->leg_add);
	case DP_MSG_LEG_MOD:
		return leg_mod(r, &c->leg_mod);
	case DP_MSG_LEG_DEL:
		return leg_del(r, &c->leg_del);
	case DP_MSG_LEG_BIND:
		return leg_bind(r, &c->leg_bind);
	case DP_MSG_LEG_REMOTE:
		return leg_remote(r, &c->leg_remote);
	case DP_MSG_LEG_DSCP:
		return leg_dscp(r, &c->leg_dscp);
	case DP_MSG_LEG_POLICE:
		return leg_police(r, &c->leg_police);
	case DP_MSG_LEG_BULK_DEL:
		return leg_bulk_del(r, &c->leg_bulk_del);
	case DP_MSG_NONE:
	case DP_MSG_PING:
	case DP_MSG_PONG:
	case DP_MSG_RESULT:
	case DP_MSG_IF_ADDR_ADD:
	case DP_MSG_IF_ADDR_DEL:
	case DP_MSG_IF_STATE:
	case DP_MSG_NEIGH:
	case DP_MSG_LEG_LATCHED:
	case DP_MSG_LEG_INACTIVE:
	case DP_MSG_IF_GW:
	case DP_MSG_ADDR_PROBE:
	case DP_MSG_ADDR_PROBED:
	case DP_MSG_MAX:
		break;
	}
	return -EOPNOTSUPP;
}
