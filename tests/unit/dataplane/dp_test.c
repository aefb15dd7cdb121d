/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers of the dataplane unit tests (see dp_test.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_test.h"

struct t_env T;
const uint8_t T_MAC[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t T_PEER[6] = {0x02, 0, 0, 0, 0, 0x02};
const uint8_t T_IP4[4] = {192, 0, 2, 1}, T_PEER4[4] = {192, 0, 2, 2};
const uint8_t T_IP6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};
const uint8_t T_PEER6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2};

void
t_eal_init(void)
{
	static bool done;
	char prefix[64];
	char *argv[] = {"test",
			"--no-huge",
			"--no-pci",
			"-m",
			"128",
			prefix,
			"-l",
			"0",
			"--log-level=error",
			"--no-telemetry",
			NULL};

	if (done)
		return;
	snprintf(prefix, sizeof(prefix), "--file-prefix=esg-ut-%d",
		 (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "EAL unavailable: skipped\n");
		exit(77);
	}
	T.pool = rte_pktmbuf_pool_create(
		"ut", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (T.pool == NULL) {
		fprintf(stderr, "no mbuf pool: skipped\n");
		exit(77);
	}
	T.stats = calloc(1, sizeof(*T.stats));
	done = true;
}

static void
cap_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	(void)lc;
	(void)ifc;
	assert_true(T.nb_tx < T_MAX_CAPTURE);
	T.tx[T.nb_tx++] = m;
}

static void
cap_kernel(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	(void)lc;
	(void)ifc;
	assert_true(T.nb_kern < T_MAX_CAPTURE);
	T.kern[T.nb_kern++] = m;
}

static void
cap_evt(struct dp_lcore *lc, const union dp_msg *m)
{
	(void)lc;
	assert_int_equal(dp_msg_validate(m, DP_DIR_EVT), 0);
	assert_true(T.nb_evt < T_MAX_CAPTURE);
	T.evt[T.nb_evt++] = *m;
}

void
t_env_free_captures(void)
{
	unsigned int i;

	for (i = 0; i < T.nb_tx; i++)
		rte_pktmbuf_free(T.tx[i]);
	for (i = 0; i < T.nb_kern; i++)
		rte_pktmbuf_free(T.kern[i]);
	T.nb_tx = T.nb_kern = T.nb_evt = 0;
}

void
t_env_reset(uint16_t vlan)
{
	t_env_free_captures();
	if (T.ifc.neigh != NULL)
		dp_neigh_free(&T.lc, T.ifc.neigh);
	memset(&T.ifc, 0, sizeof(T.ifc));
	memset(&T.addrs, 0, sizeof(T.addrs));
	memset(&T.lc, 0, sizeof(T.lc));
	memset(T.stats, 0, sizeof(*T.stats));

	memcpy(T.ifc.mac.addr_bytes, T_MAC, 6);
	T.ifc.vlan = vlan;
	T.ifc.mtu = 1500;
	snprintf(T.ifc.name, sizeof(T.ifc.name), "lan");
	T.addrs.nb4 = 1;
	memcpy(&T.addrs.a4[0].addr, T_IP4, 4);
	T.addrs.a4[0].plen = 24;
	T.addrs.nb6 = 1;
	memcpy(T.addrs.a6[0].addr, T_IP6, 16);
	T.addrs.a6[0].plen = 64;
	T.ifc.addrs = &T.addrs;
	T.ifc.neigh = dp_neigh_create();
	assert_non_null(T.ifc.neigh);

	T.lc.st = &T.stats->lcore[0];
	T.lc.stats = T.stats;
	T.lc.now_ns = 1000000000ull;
	T.lc.pool = T.pool;
	T.lc.xmit = cap_xmit;
	T.lc.to_kernel = cap_kernel;
	T.lc.evt = cap_evt;
	T.lc.neigh_ttl_ns = 300 * 1000000000ull;
	T.lc.neigh_retry_ns = 1000000000ull;
}

void
t_input(const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(T.pool);
	char *p;

	assert_non_null(m);
	p = rte_pktmbuf_append(m, (uint16_t)len);
	assert_non_null(p);
	memcpy(p, frame, len);
	dp_input(&T.lc, &T.ifc, m);
}

uint64_t
t_drops(enum dp_drop r)
{
	return T.stats->lcore[0].drops[r];
}

uint64_t
t_drops_total(void)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < DP_DROP_MAX; i++)
		v += T.stats->lcore[0].drops[i];
	return v;
}

uint64_t
t_cnt(enum dp_cnt c)
{
	return T.stats->lcore[0].cnt[c];
}

const uint8_t *
t_tx_data(unsigned int i, size_t *len)
{
	assert_true(i < T.nb_tx);
	*len = rte_pktmbuf_data_len(T.tx[i]);
	return rte_pktmbuf_mtod(T.tx[i], const uint8_t *);
}

uint16_t
t_csum(const uint8_t *p, size_t len, uint32_t init)
{
	uint64_t sum = init;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint64_t)p[i] * 256 + p[i + 1];
	if (len & 1)
		sum += (uint64_t)p[len - 1] * 256;
	while (sum > 0xffff)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)(~sum & 0xffff);
}

uint16_t
t_csum6(const uint8_t *src, const uint8_t *dst, uint8_t nh, const uint8_t *l4,
	size_t len)
{
	uint8_t ph[40 + 1500];

	assert_true(len <= 1500);
	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = 0;
	ph[33] = 0;
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = nh;
	memcpy(ph + 40, l4, len);
	return t_csum(ph, 40 + len, 0);
}

size_t
t_eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type,
      uint16_t vlan)
{
	size_t off = 12;

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	if (vlan != 0) {
		buf[12] = 0x81;
		buf[13] = 0x00;
		buf[14] = (uint8_t)(vlan >> 8);
		buf[15] = (uint8_t)vlan;
		off = 16;
	}
	buf[off] = (uint8_t)(type >> 8);
	buf[off + 1] = (uint8_t)type;
	return off + 2;
}

size_t
t_arp(uint8_t *buf, uint16_t op, const uint8_t *sha, const uint8_t *sip,
      const uint8_t *tip, uint16_t vlan)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t l2 = t_eth(buf, bcast, sha, 0x0806, vlan);
	uint8_t *a = buf + l2;

	memset(a, 0, 28);
	a[1] = 1;    /* Ethernet */
	a[2] = 0x08; /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = (uint8_t)op;
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, sip, 4);
	memcpy(a + 24, tip, 4);
	memset(a + 28, 0, 18); /* padding to 60 bytes */
	return l2 + 46;
}

size_t
t_ip4(uint8_t *buf, size_t l2, uint8_t ihl, uint8_t proto, const uint8_t *src,
      const uint8_t *dst, const uint8_t *pl, size_t pllen)
{
	uint8_t *ip = buf + l2;
	size_t hl = (size_t)ihl * 4, tot = hl + pllen;
	uint16_t c;

	memset(ip, 0, hl);
	ip[0] = (uint8_t)(0x40 | ihl);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[4] = 0x12;
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	if (hl > 20)
		memset(ip + 20, 1, hl - 20); /* NOP options */
	c = t_csum(ip, hl, 0);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	memcpy(ip + hl, pl, pllen);
	return l2 + tot;
}

size_t
t_echo4(uint8_t *buf, uint16_t vlan, const uint8_t *dst_ip)
{
	uint8_t icmp[16] = {8,	 0,   0,   0,	0x12, 0x34, 0,	 1,
			    'a', 'b', 'c', 'd', 'e',  'f',  'g', 'h'};
	size_t l2 = t_eth(buf, T_MAC, T_PEER, 0x0800, vlan);
	uint16_t c = t_csum(icmp, sizeof(icmp), 0);

	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	return t_ip4(buf, l2, 5, 1, T_PEER4, dst_ip, icmp, sizeof(icmp));
}

size_t
t_ip6(uint8_t *buf, size_t l2, uint8_t nh, uint8_t hlim, const uint8_t *src,
      const uint8_t *dst, const uint8_t *pl, size_t pllen)
{
	uint8_t *ip = buf + l2;

	memset(ip, 0, 40);
	ip[0] = 0x60;
	ip[4] = (uint8_t)(pllen >> 8);
	ip[5] = (uint8_t)pllen;
	ip[6] = nh;
	ip[7] = hlim;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(ip + 40, pl, pllen);
	return l2 + 40 + pllen;
}

size_t
t_icmp6(uint8_t *buf, const uint8_t *dmac, uint8_t hlim, const uint8_t *src,
	const uint8_t *dst, uint8_t type, const uint8_t *body, size_t blen)
{
	uint8_t msg[256];
	size_t l2 = t_eth(buf, dmac, T_PEER, 0x86dd, 0);
	uint16_t c;

	assert_true(blen + 4 <= sizeof(msg));
	msg[0] = type;
	msg[1] = 0;
	msg[2] = msg[3] = 0;
	memcpy(msg + 4, body, blen);
	c = t_csum6(src, dst, 58, msg, blen + 4);
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	return t_ip6(buf, l2, 58, hlim, src, dst, msg, blen + 4);
}

void
t_snm(const uint8_t *addr, uint8_t *snm)
{
	static const uint8_t pfx[13] = {0xff, 0x02, [11] = 1, [12] = 0xff};

	memcpy(snm, pfx, 13);
	memcpy(snm + 13, addr + 13, 3);
}
