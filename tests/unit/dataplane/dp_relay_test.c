/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the relay unit tests (see dp_relay_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_relay_test.h"

struct r_env R;
const uint8_t R_LAN_MAC[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t R_WAN_MAC[6] = {0x02, 0, 0, 0, 0, 0x03};
const uint8_t R_PEER_MAC[6] = {0x02, 0, 0, 0, 0, 0x02};
const uint8_t R_GW_MAC[6] = {0x02, 0, 0, 0, 0, 0xfe};
const uint8_t R_LAN4[4] = {192, 0, 2, 1}, R_WAN4[4] = {198, 51, 100, 1};
const uint8_t R_LAN6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};
const uint8_t R_WAN6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1};
const uint8_t R_PEER4[4] = {192, 0, 2, 2};
const uint8_t R_PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2};
const uint8_t R_FAR4[4] = {203, 0, 113, 5};
const uint8_t R_FAR6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 5};
static const uint8_t GW4[4] = {198, 51, 100, 254};
static const uint8_t GW6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 0xfe};

static uint16_t
cap_tx(struct dp_lcore *lc, struct dp_iface *ifc, uint16_t txq,
       struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	(void)lc;
	for (i = 0; i < n; i++) {
		if (R.nb_tx >= R.tx_refuse)
			break;
		assert_true(R.nb_tx < R_MAX_CAP);
		R.tx_if[R.nb_tx] = ifc->idx;
		R.tx_q[R.nb_tx] = txq;
		R.tx[R.nb_tx++] = pkts[i];
	}
	return i;
}

static void
cap_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	(void)lc;
	(void)ifc;
	assert_true(R.nb_main_tx < R_MAX_CAP);
	R.main_tx[R.nb_main_tx++] = m;
}

static void
cap_evt(struct dp_lcore *lc, const union dp_msg *m)
{
	(void)lc;
	assert_int_equal(dp_msg_validate(m, DP_DIR_EVT), 0);
	assert_true(R.nb_evt < R_MAX_CAP);
	R.evt[R.nb_evt++] = *m;
}

static void
iface_init(unsigned int i, const uint8_t *mac, const uint8_t *a4,
	   const uint8_t *a6, uint16_t vlan)
{
	struct dp_iface *ifc = &R.ifc[i];

	memset(ifc, 0, sizeof(*ifc));
	ifc->idx = (uint16_t)i;
	memcpy(ifc->mac.addr_bytes, mac, 6);
	ifc->vlan = vlan;
	ifc->mtu = 1500;
	ifc->media_port_min = 16384;
	ifc->media_port_max = 32767;
	ifc->nb_txq = 3;
	ifc->main_txq = 2;
	memset(&R.addrs[i], 0, sizeof(R.addrs[i]));
	R.addrs[i].nb4 = 1;
	memcpy(&R.addrs[i].a4[0].addr, a4, 4);
	R.addrs[i].a4[0].plen = 24;
	R.addrs[i].nb6 = 1;
	memcpy(R.addrs[i].a6[0].addr, a6, 16);
	R.addrs[i].a6[0].plen = 64;
	ifc->addrs = &R.addrs[i];
	ifc->neigh = dp_neigh_create();
	assert_non_null(ifc->neigh);
}

void
r_setup(uint16_t wan_vlan, bool with_qsbr)
{
	struct dp_relay_params p;
	struct rte_ether_addr mac;
	unsigned int i;

	t_eal_init();
	memset(&R, 0, sizeof(R));
	R.tx_refuse = ~0u;
	R.stats = calloc(1, sizeof(*R.stats));
	assert_non_null(R.stats);
	iface_init(0, R_LAN_MAC, R_LAN4, R_LAN6, 0);
	iface_init(1, R_WAN_MAC, R_WAN4, R_WAN6, wan_vlan);
	R.addrs[1].has_gw4 = true;
	memcpy(&R.addrs[1].gw4, GW4, 4);
	R.addrs[1].has_gw6 = true;
	memcpy(R.addrs[1].gw6, GW6, 16);
	for (i = 0; i < 3; i++) {
		struct dp_lcore *lc = &R.lc[i];

		lc->idx = i;
		lc->st = &R.stats->lcore[i];
		lc->stats = R.stats;
		lc->now_ns = 1000000000ull;
		lc->pool = T.pool;
		lc->xmit = cap_xmit;
		lc->evt = i == 0 ? cap_evt : NULL;
		lc->tx_burst = cap_tx;
		lc->neigh_ttl_ns = 300 * 1000000000ull;
		lc->neigh_retry_ns = 1000000000ull;
	}
	if (with_qsbr) {
		size_t sz = rte_rcu_qsbr_get_memsize(2);

		R.qsbr = rte_zmalloc("ut_qsbr", sz, RTE_CACHE_LINE_SIZE);
		assert_non_null(R.qsbr);
		assert_int_equal(rte_rcu_qsbr_init(R.qsbr, 2), 0);
		assert_int_equal(rte_rcu_qsbr_thread_register(R.qsbr, 0), 0);
		rte_rcu_qsbr_thread_online(R.qsbr, 0);
	}
	memset(&p, 0, sizeof(p));
	p.max_legs = R_MAX_LEGS;
	p.ifaces = R.ifc;
	p.nb_ifaces = 2;
	p.nb_lcores = 3;
	p.qsbr = R.qsbr;
	p.socket_id = SOCKET_ID_ANY;
	assert_int_equal(dp_relay_create(&p, &R.relay), 0);
	R.exc = rte_ring_create("ut_exc", 64, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(R.exc);
	for (i = 0; i < 3; i++)
		dp_relay_lcore_init(R.relay, &R.lc[i], i == 1 ? R.exc : NULL);
	/* neighbours: the LAN peer and the WAN gateway */
	memcpy(mac.addr_bytes, R_PEER_MAC, 6);
	dp_neigh_learn(&R.lc[0], &R.ifc[0], AF_INET, R_PEER4, &mac, true);
	dp_neigh_learn(&R.lc[0], &R.ifc[0], AF_INET6, R_PEER6, &mac, true);
	memcpy(mac.addr_bytes, R_GW_MAC, 6);
	dp_neigh_learn(&R.lc[0], &R.ifc[1], AF_INET, GW4, &mac, true);
	dp_neigh_learn(&R.lc[0], &R.ifc[1], AF_INET6, GW6, &mac, true);
	R.nb_evt = 0; /* the NEIGH events of the setup */
}

void
r_free_captures(void)
{
	unsigned int i;

	for (i = 0; i < R.nb_tx; i++)
		rte_pktmbuf_free(R.tx[i]);
	for (i = 0; i < R.nb_main_tx; i++)
		rte_pktmbuf_free(R.main_tx[i]);
	R.nb_tx = R.nb_main_tx = R.nb_evt = 0;
}

void
r_teardown(void)
{
	void *m;

	r_free_captures();
	while (rte_ring_sc_dequeue(R.exc, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(R.exc);
	dp_relay_free(R.relay);
	dp_neigh_free(&R.lc[0], R.ifc[0].neigh);
	dp_neigh_free(&R.lc[0], R.ifc[1].neigh);
	if (R.qsbr != NULL) {
		rte_rcu_qsbr_thread_offline(R.qsbr, 0);
		rte_rcu_qsbr_thread_unregister(R.qsbr, 0);
		rte_free(R.qsbr);
	}
	free(R.stats);
	memset(&R, 0, sizeof(R));
}

int
r_cmd(union dp_msg *m)
{
	m->hdr.len = (uint16_t)dp_msg_size(m->hdr.type);
	assert_int_equal(dp_msg_validate(m, DP_DIR_CMD), 0);
	return dp_relay_cmd(R.relay, &R.lc[0], m);
}

int
r_leg_add(uint32_t id, uint16_t ifidx, uint8_t family, const uint8_t *addr,
	  uint16_t rtp, uint16_t rtcp, uint8_t flags)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_ADD;
	m.leg_add.leg_id = id;
	m.leg_add.port = ifidx;
	m.leg_add.family = family;
	m.leg_add.flags = flags;
	m.leg_add.rtp_port = rtp;
	m.leg_add.rtcp_port = rtcp;
	memcpy(m.leg_add.addr, addr, family == AF_INET ? 4 : 16);
	return r_cmd(&m);
}

int
r_bind(uint32_t a, uint32_t b)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_BIND;
	m.leg_bind.leg_id = a;
	m.leg_bind.peer_id = b;
	return r_cmd(&m);
}

int
r_remote(uint32_t id, uint8_t family, const uint8_t *addr, uint16_t rtp,
	 uint16_t rtcp, uint8_t flags)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_REMOTE;
	m.leg_remote.leg_id = id;
	m.leg_remote.family = family;
	m.leg_remote.flags = flags;
	m.leg_remote.rtp_port = rtp;
	m.leg_remote.rtcp_port = rtcp;
	memcpy(m.leg_remote.addr, addr, family == AF_INET ? 4 : 16);
	return r_cmd(&m);
}

int
r_dscp(uint32_t id, uint8_t dscp)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_DSCP;
	m.leg_dscp.leg_id = id;
	m.leg_dscp.dscp = dscp;
	return r_cmd(&m);
}

int
r_police(uint32_t id, uint32_t pps, uint32_t burst, uint32_t kbps,
	 uint32_t burst_bytes)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_POLICE;
	m.leg_police.leg_id = id;
	m.leg_police.pps = pps;
	m.leg_police.burst_pkts = burst;
	m.leg_police.kbps = kbps;
	m.leg_police.burst_bytes = burst_bytes;
	return r_cmd(&m);
}

size_t
r_build(uint8_t *buf, const struct r_pkt *p)
{
	size_t l2 = t_eth(buf, p->dmac, p->smac,
			  p->family == AF_INET ? 0x0800 : 0x86dd, p->vlan);
	uint8_t *ip = buf + l2, *u;
	size_t ulen = 8 + p->plen, hl = p->family == AF_INET ? 20 : 40;
	uint8_t ph[40 + 2048];
	uint16_t c;

	assert_true(ulen <= 2048);
	memset(ip, 0, hl);
	u = ip + hl;
	u[0] = (uint8_t)(p->sport >> 8);
	u[1] = (uint8_t)p->sport;
	u[2] = (uint8_t)(p->dport >> 8);
	u[3] = (uint8_t)p->dport;
	u[4] = (uint8_t)(ulen >> 8);
	u[5] = (uint8_t)ulen;
	u[6] = u[7] = 0;
	memcpy(u + 8, p->payload, p->plen);
	if (p->family == AF_INET) {
		ip[0] = 0x45;
		ip[1] = p->tos;
		ip[2] = (uint8_t)((20 + ulen) >> 8);
		ip[3] = (uint8_t)(20 + ulen);
		if (p->ip4_df) {
			ip[6] = 0x40;
		} else {
			ip[4] = 0x12;
			ip[5] = 0x34;
		}
		ip[8] = p->ttl ? p->ttl : 64;
		ip[9] = 17;
		memcpy(ip + 12, p->src, 4);
		memcpy(ip + 16, p->dst, 4);
		c = t_csum(ip, 20, 0);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		/* RFC 768 pseudo-header */
		memcpy(ph, p->src, 4);
		memcpy(ph + 4, p->dst, 4);
		ph[8] = 0;
		ph[9] = 17;
		ph[10] = (uint8_t)(ulen >> 8);
		ph[11] = (uint8_t)ulen;
		memcpy(ph + 12, u, ulen);
		c = p->no_csum ? 0 : t_csum(ph, 12 + ulen, 0);
		if (!p->no_csum && c == 0)
			c = 0xffff;
	} else {
		ip[0] = (uint8_t)(0x60 | p->tos >> 4);
		ip[1] = (uint8_t)(p->tos << 4);
		ip[4] = (uint8_t)(ulen >> 8);
		ip[5] = (uint8_t)ulen;
		ip[6] = 17;
		ip[7] = p->ttl ? p->ttl : 64;
		memcpy(ip + 8, p->src, 16);
		memcpy(ip + 24, p->dst, 16);
		c = p->no_csum ? 0 : t_csum6(p->src, p->dst, 17, u, ulen);
		if (!p->no_csum && c == 0)
			c = 0xffff;
	}
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	return l2 + hl + ulen;
}

size_t
r_rtp(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ts, uint32_t ssrc,
      size_t n)
{
	size_t i;

	buf[0] = 0x80;
	buf[1] = pt;
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(ts >> 24);
	buf[5] = (uint8_t)(ts >> 16);
	buf[6] = (uint8_t)(ts >> 8);
	buf[7] = (uint8_t)ts;
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
	for (i = 0; i < n; i++)
		buf[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + n;
}

size_t
r_rtcp(uint8_t *buf, uint32_t ssrc)
{
	memset(buf, 0, 28);
	buf[0] = 0x80; /* V=2, RC=0 */
	buf[1] = 200;  /* SR */
	buf[3] = 6;    /* 7 words */
	buf[4] = (uint8_t)(ssrc >> 24);
	buf[5] = (uint8_t)(ssrc >> 16);
	buf[6] = (uint8_t)(ssrc >> 8);
	buf[7] = (uint8_t)ssrc;
	buf[8] = 0xaa;
	return 28;
}

void
r_rx(unsigned int lc, unsigned int ifc, const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(T.pool);
	struct dp_pkt_info pi;
	enum dp_class cls;
	uint16_t keep;
	char *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(p);
	memcpy(p, frame, len);
	keep = dp_relay_burst(&R.lc[lc], &R.ifc[ifc], &m, 1);
	if (keep == 1) {
		/* not media: the slow path would take it */
		cls = dp_pkt_info_load(m, &pi);
		assert_int_not_equal(cls, DP_CLASS_MEDIA);
		rte_pktmbuf_free(m);
	}
	dp_relay_handoff_poll(&R.lc[1]);
	dp_relay_handoff_poll(&R.lc[2]);
	dp_relay_flush(&R.lc[lc]);
	dp_relay_flush(&R.lc[1]);
	dp_relay_flush(&R.lc[2]);
}

void
r_tick(void)
{
	dp_relay_tick(R.relay, &R.lc[0]);
}

uint64_t
r_drop(unsigned int lc, enum dp_drop d)
{
	return R.stats->lcore[lc].drops[d];
}

uint64_t
r_cnt(unsigned int lc, enum dp_cnt c)
{
	return R.stats->lcore[lc].cnt[c];
}

const struct dp_leg_stats *
r_leg(uint32_t id)
{
	return &dp_relay_leg_stats(R.relay)[id];
}

void
r_assert_tx(unsigned int i, unsigned int ifc, const uint8_t *frame, size_t len)
{
	const uint8_t *got;
	size_t glen;

	assert_true(i < R.nb_tx);
	assert_int_equal(R.tx_if[i], ifc);
	got = rte_pktmbuf_mtod(R.tx[i], const uint8_t *);
	glen = rte_pktmbuf_data_len(R.tx[i]);
	assert_int_equal(rte_pktmbuf_pkt_len(R.tx[i]), glen);
	assert_int_equal(glen, len);
	assert_memory_equal(got, frame, len);
}
