/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main lcore's side of the rings: commands from the control plane
 * (PING, IF_ADDR_ADD/DEL, IF_GW, ADDR_PROBE: dp_probe.c, LEG_* to the
 * relay: dataplane/relay/), events to it (IF_STATE, NEIGH, LEG_*,
 * ADDR_PROBED, our own PING),
 * and the own-address lists they change. The rings are single-producer,
 * single-consumer: only the main lcore calls anything here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dp_kif.h"
#include "dp_relay.h"
#include "dp_state.h"

#define CMD_BURST 32

void
dp_ctl_evt(struct dp_lcore *lc, const union dp_msg *m)
{
	if (dp_g.shm == NULL)
		return;
	if (dp_shm_evt_send(dp_g.shm, m, 1) == 1)
		dp_count(lc, DP_CNT_EVT_TX);
	else
		dp_count(lc, DP_CNT_EVT_RING_FULL);
}

static void
hdr(union dp_msg *m, struct dp_lcore *lc, enum dp_msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = (uint16_t)type;
	m->hdr.len = (uint16_t)dp_msg_size((uint16_t)type);
	m->hdr.seq = ++lc->evt_seq;
}

void
dp_ctl_if_state(struct dp_lcore *lc, const struct dp_iface *ifc)
{
	union dp_msg m;

	hdr(&m, lc, DP_MSG_IF_STATE);
	m.if_state.port = ifc->idx;
	m.if_state.link_up = ifc->link_up ? 1 : 0;
	m.if_state.speed_mbps = ifc->speed_mbps;
	memcpy(m.if_state.mac, &ifc->mac, 6);
	dp_ctl_evt(lc, &m);
}

/* "A first command in both directions": the control plane answers our
 * PING with a PONG on the command ring. */
void
dp_ctl_ping(struct dp_state *s, struct dp_lcore *lc)
{
	union dp_msg m;

	hdr(&m, lc, DP_MSG_PING);
	m.ping.token = ++s->ping_token;
	m.ping.sent_ns = lc->now_ns;
	dp_ctl_evt(lc, &m);
	dp_count(lc, DP_CNT_PING_TX);
}

int
dp_addr_init(struct dp_iface *ifc, const struct esg_conf_iface *ci)
{
	struct dp_addrs *a = calloc(1, sizeof(*a));
	unsigned int i;

	if (a == NULL)
		return -ENOMEM;
	for (i = 0; i < ci->nb_addr4 && i < DP_MAX_ADDRS; i++) {
		a->a4[i].addr = ci->addr4[i].u.v4.s_addr;
		a->a4[i].plen = ci->addr4[i].prefixlen;
	}
	a->nb4 = i;
	for (i = 0; i < ci->nb_addr6 && i < DP_MAX_ADDRS; i++) {
		memcpy(a->a6[i].addr, &ci->addr6[i].u.v6, 16);
		a->a6[i].plen = ci->addr6[i].prefixlen;
	}
	a->nb6 = i;
	/* the configured gateways are the initial ones (IF_GW changes them) */
	a->has_gw4 = ci->has_gw4;
	a->gw4 = ci->gw4.s_addr;
	a->has_gw6 = ci->has_gw6;
	memcpy(a->gw6, &ci->gw6, 16);
	/* a configured gateway6 wins over routers' advertisements */
	ifc->ra.gw6_fixed = ci->has_gw6;
	ifc->addrs = a;
	return 0;
}

void
dp_addr6_ll_of(const struct rte_ether_addr *mac, uint8_t out[16])
{
	const uint8_t *m = mac->addr_bytes;

	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	/* RFC 4291 Appendix A: invert the universal/local bit, put ff:fe
	 * in the middle. */
	out[8] = m[0] ^ 0x02;
	out[9] = m[1];
	out[10] = m[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = m[3];
	out[14] = m[4];
	out[15] = m[5];
}

static int addrs_edit(struct dp_addrs *a, bool add, int family,
		      const uint8_t *addr, uint8_t plen);

/*
 * RFC 4291 2.5.6 / RFC 4862 5.3: every IPv6 interface has a link-local
 * address. The dataplane answers ND for it and passes what is sent to it
 * to the kernel exception interface, which gets the same address: a
 * DHCPv6 client speaks from it (RFC 8415 13.1; spec 001 6.2), and a
 * neighbour may resolve a link-local next hop. Before the workers start
 * (no readers yet), so the list is edited in place.
 */
int
dp_addr_add_ll(struct dp_iface *ifc)
{
	uint8_t ll[16];

	dp_addr6_ll_of(&ifc->mac, ll);
	return addrs_edit(ifc->addrs, true, AF_INET6, ll, 64);
}

static int
addrs_edit(struct dp_addrs *a, bool add, int family, const uint8_t *addr,
	   uint8_t plen)
{
	unsigned int i;

	if (family == AF_INET) {
		for (i = 0; i < a->nb4; i++)
			if (memcmp(&a->a4[i].addr, addr, 4) == 0)
				break;
		/* Adding an address we have is not an error: a control plane
		 * re-pushes its whole state after every (re)attach. */
		if (add && i < a->nb4) {
			a->a4[i].plen = plen;
			return 0;
		}
		if (!add && i == a->nb4)
			return -EADDRNOTAVAIL;
		if (add && a->nb4 == DP_MAX_ADDRS)
			return -ENOSPC;
		if (add) {
			memcpy(&a->a4[a->nb4].addr, addr, 4);
			a->a4[a->nb4++].plen = plen;
		} else {
			a->a4[i] = a->a4[--a->nb4];
		}
		return 0;
	}
	for (i = 0; i < a->nb6; i++)
		if (memcmp(a->a6[i].addr, addr, 16) == 0)
			break;
	if (add && i < a->nb6) {
		a->a6[i].plen = plen;
		return 0;
	}
	if (!add && i == a->nb6)
		return -EADDRNOTAVAIL;
	if (add && a->nb6 == RTE_DIM(a->a6))
		return -ENOSPC;
	if (add) {
		memcpy(a->a6[a->nb6].addr, addr, 16);
		a->a6[a->nb6++].plen = plen;
	} else {
		a->a6[i] = a->a6[--a->nb6];
	}
	return 0;
}

/*
 * Change an own address: kernel first (so a refused address is refused
 * whole), then publish a new list and free the old one once every worker
 * has passed a quiescent state (RCU: workers read without locks).
 */
int
dp_addr_change(struct dp_state *s, struct dp_iface *ifc, bool add, int family,
	       const uint8_t *addr, uint8_t plen)
{
	struct dp_addrs *a;
	int err;

	a = malloc(sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	*a = *ifc->addrs;
	err = addrs_edit(a, add, family, addr, plen);
	if (!err && ifc->has_tun)
		err = dp_kif_addr(ifc->tun_ifindex, add, family, addr, plen);
	if (err) {
		free(a);
		return err;
	}
	dp_addrs_publish(s->qsbr, ifc, a);
	return 0;
}

/* Is gw on-link for ifc? IPv4: inside a connected prefix; IPv6: link-local
 * (RFC 4291 2.5.6) or inside a connected prefix. -EINVAL for one of our
 * own addresses. */
static int
gw_check(const struct dp_addrs *a, int family, const uint8_t *gw)
{
	unsigned int i;
	uint32_t g4;

	if (family == AF_INET) {
		memcpy(&g4, gw, 4);
		if (dp_addr4_is_ours(a, g4))
			return -EINVAL;
		for (i = 0; i < a->nb4; i++)
			if (dp_prefix4_match(g4, a->a4[i].addr, a->a4[i].plen))
				return 0;
		return -EHOSTUNREACH;
	}
	if (dp_addr6_is_ours(a, gw))
		return -EINVAL;
	if (gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80)
		return 0;
	for (i = 0; i < a->nb6; i++)
		if (dp_prefix6_match(gw, a->a6[i].addr, a->a6[i].plen))
			return 0;
	return -EHOSTUNREACH;
}

/*
 * IF_GW: set or clear the default gateway of a family. The kernel's
 * default route through the exception interface follows first, so a
 * refused route leaves the gateway as it was; then the gateway is
 * published with the address list (workers read it there).
 */
int
dp_gw_change(struct dp_state *s, struct dp_iface *ifc, int family,
	     const uint8_t *gw)
{
	struct dp_addrs *a;
	int err;

	if (gw != NULL) {
		err = gw_check(ifc->addrs, family, gw);
		if (err)
			return err;
	}
	a = malloc(sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	*a = *ifc->addrs;
	if (family == AF_INET) {
		a->has_gw4 = gw != NULL;
		a->gw4 = 0;
		if (gw != NULL)
			memcpy(&a->gw4, gw, 4);
	} else {
		a->has_gw6 = gw != NULL;
		memset(a->gw6, 0, 16);
		if (gw != NULL)
			memcpy(a->gw6, gw, 16);
	}
	err = 0;
	if (ifc->has_tun)
		err = gw != NULL
			      ? dp_kif_route_default(ifc->tun_ifindex, family)
			      : dp_kif_route_default_del(ifc->tun_ifindex,
							 family);
	if (err) {
		free(a);
		return err;
	}
	dp_addrs_publish(s->qsbr, ifc, a);
	/* IF_GW's gateway6 wins over an RA's; cleared, the RA's is back */
	if (family == AF_INET6)
		dp_ra_gw_fixed(&s->lcore[0], ifc, gw != NULL);
	return 0;
}

static int
cmd_if_gw(struct dp_state *s, const struct dp_msg_if_gw *c)
{
	if (c->port >= s->nb_ifaces)
		return -ENODEV;
	return dp_gw_change(s, &s->iface[c->port], c->family,
			    c->clear ? NULL : c->addr);
}

static int
cmd_addr_probe(struct dp_state *s, struct dp_lcore *lc,
	       const struct dp_msg_addr_probe *c)
{
	if (c->port >= s->nb_ifaces)
		return -ENODEV;
	return dp_probe_start(lc, &s->iface[c->port], c);
}

static int
cmd_if_addr(struct dp_state *s, const struct dp_msg_if_addr *c, bool add)
{
	if (c->port >= s->nb_ifaces)
		return -ENODEV;
	return dp_addr_change(s, &s->iface[c->port], add, c->family, c->addr,
			      c->prefixlen);
}

int
dp_leg_cmd(struct dp_state *s, struct dp_lcore *lc, const union dp_msg *c)
{
	if (s->relay == NULL)
		return -EOPNOTSUPP;
	return dp_relay_cmd(s->relay, lc, c);
}

static void
answer(struct dp_lcore *lc, const union dp_msg *c, int status)
{
	union dp_msg r;

	memset(&r, 0, sizeof(r));
	r.hdr.type = DP_MSG_RESULT;
	r.hdr.len = sizeof(r.result);
	r.hdr.seq = c->hdr.seq;
	r.result.cmd_type = c->hdr.type;
	r.result.status = status;
	dp_ctl_evt(lc, &r);
}

static void
cmd(struct dp_state *s, struct dp_lcore *lc, const union dp_msg *c)
{
	union dp_msg r;
	int err;

	dp_count(lc, DP_CNT_CMD_RX);
	switch ((enum dp_msg_type)c->hdr.type) {
	case DP_MSG_PING:
		dp_count(lc, DP_CNT_PING_RX);
		r = *c;
		r.hdr.type = DP_MSG_PONG;
		dp_ctl_evt(lc, &r);
		return;
	case DP_MSG_PONG:
		if (c->ping.token == s->ping_token) {
			dp_count(lc, DP_CNT_PONG_RX);
			s->last_pong_ns = lc->now_ns;
		}
		return;
	case DP_MSG_IF_ADDR_ADD:
	case DP_MSG_IF_ADDR_DEL:
		err = cmd_if_addr(s, &c->if_addr,
				  c->hdr.type == DP_MSG_IF_ADDR_ADD);
		if (err)
			DP_WARN("%s port %u: %s", dp_msg_name(c->hdr.type),
				c->if_addr.port, strerror(-err));
		answer(lc, c, err);
		return;
	case DP_MSG_IF_GW:
		err = cmd_if_gw(s, &c->if_gw);
		if (err)
			DP_WARN("IF_GW port %u: %s", c->if_gw.port,
				strerror(-err));
		answer(lc, c, err);
		return;
	case DP_MSG_ADDR_PROBE:
		err = cmd_addr_probe(s, lc, &c->addr_probe);
		if (err)
			DP_INFO("ADDR_PROBE port %u: %s", c->addr_probe.port,
				strerror(-err));
		answer(lc, c, err);
		return;
	case DP_MSG_LEG_ADD:
	case DP_MSG_LEG_MOD:
	case DP_MSG_LEG_DEL:
	case DP_MSG_LEG_BIND:
	case DP_MSG_LEG_REMOTE:
	case DP_MSG_LEG_DSCP:
	case DP_MSG_LEG_POLICE:
	case DP_MSG_LEG_BULK_DEL:
		err = dp_leg_cmd(s, lc, c);
		if (err < 0)
			dp_count(lc, DP_CNT_LEG_CMD_FAIL);
		answer(lc, c, err);
		return;
	case DP_MSG_RESULT:
	case DP_MSG_IF_STATE:
	case DP_MSG_NEIGH:
	case DP_MSG_LEG_LATCHED:
	case DP_MSG_LEG_INACTIVE:
	case DP_MSG_ADDR_PROBED:
	case DP_MSG_NONE:
	case DP_MSG_MAX:
		break;
	}
	/* dp_msg_validate() lets no event through the command ring. */
	answer(lc, c, -EOPNOTSUPP);
}

void
dp_ctl_poll(struct dp_state *s, struct dp_lcore *lc)
{
	union dp_msg m[CMD_BURST];
	int n, i;

	if (s->shm == NULL)
		return;
	n = dp_shm_cmd_recv(s->shm, m, CMD_BURST);
	if (n < 0) {
		/* A peer that broke the ring must not stop the media: say
		 * it once, keep forwarding. */
		if (!s->cmd_ring_broken)
			DP_ERR("command ring: %s; commands ignored",
			       strerror(-n));
		s->cmd_ring_broken = true;
		return;
	}
	for (i = 0; i < n; i++)
		cmd(s, lc, &m[i]);
	lc->st->cnt[DP_CNT_CMD_BAD] = dp_shm_side_stats(s->shm)->rx_bad;
}
