/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target of the media relay end to end (dataplane/relay): frames in
 * mbufs through dp_relay_burst(), dp_relay_handoff_poll(),
 * dp_relay_flush() and dp_relay_tick(), with the real classifier, leg
 * table, latching, policing and header rewrite.
 *
 * Fixed setup (LLVMFuzzerInitialize: EAL with --no-huge --no-pci, exit 77
 * when it cannot start): three interfaces, lcore contexts 0 (main) and
 * 1, 2 (workers), neighbours learned.
 *   0 lan 192.0.2.1/24, 2001:db8:1::1/64, untagged; peer .2 / ::2
 *   1 wan 198.51.100.1/24, 2001:db8:2::1/64, VLAN 100, gateways .254,
 *     ::fe (the far end 198.18.0.5 / 2001:db8:ff::5 is behind them)
 *   2 dmz 203.0.113.1/24, 2001:db8:3::1/64, MTU 600, neighbours .2 and
 *     ::2; 2001:db8:3::9 is on-link and never resolved (the relay hands
 *     such packets to the main lcore); worker 2 has no TX queue on it.
 * The legs (table legs[] below) cover v4-v4, v6-v4, v4-v6, v6-v6,
 * rtcp-mux and separate RTCP ports, LATCH / SAME_IP / STRICT, a leg
 * without a peer, a peer without a remote, DSCP and policing. Every
 * input starts from the same state: all legs deleted (LEG_BULK_DEL),
 * reclaimed and installed again, so a crash replays from its input.
 *
 * Input: byte 0 is the port's capacity per transmit call (0: unlimited,
 * k: k - 1 packets, the rest tx_full), then up to MAX_FRAMES records
 *   ctrl (1 byte): bits 0-1 interface (% 3), bits 2-3 lcore (% 3), bit 4
 *     ends the burst, bits 5-7 the time step before the burst (steps[])
 *   len (2 bytes, big endian): bits 0-11 the frame length (cut to what
 *     is left, at most MAX_FRAME), bit 14 a headroom of 8 bytes only,
 *     bit 15 the frame split over two mbufs
 *   the frame.
 * Consecutive records on the same interface and lcore form one burst.
 * tests/fuzz/gen_dp_relay_corpus.py writes the seed corpus.
 *
 * Invariants (abort()):
 * - every frame is accounted once per burst: transmitted, handed to the
 *   main lcore (exception ring), left for the slow path (not media), or
 *   one drop reason; relay_tx, relay_resolve and handoff_tx/rx agree;
 * - a transmitted frame has the egress interface's MAC and VLAN, a
 *   valid IPv4 header (IHL 5, total length, ID 0 and DF, TTL 64, header
 *   checksum) or IPv6 header (payload length, flow label 0, hop limit
 *   64), a UDP length equal to the received one, the received payload
 *   byte for byte, a UDP checksum valid exactly when the received one
 *   was (a missing IPv4 one stays missing towards IPv4, is computed
 *   towards IPv6), never 0 over IPv6; it leaves from the receiving leg's
 *   peer (its interface, address and RTP or RTCP port), on the lcore's
 *   own queue, with the peer's DSCP and the received ECN bits;
 * - per leg: rx_pkts = fwd_pkts + no_peer + other drops; the legs'
 *   fwd_pkts add up to what was transmitted or handed to the main lcore;
 *   one LEG_LATCHED event per latch, every event valid;
 * - nothing read or written past a frame's end (the tailroom is
 *   poisoned under AddressSanitizer), no mbuf leaked (pool in-use count
 *   back to its start after every input), no packet left in a ring.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp.h"
#include "dp_leg.h"
#include "dp_relay.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NB_IF 3
#define NB_LC 3
#define MAX_FRAMES 64
#define MAX_FRAME 2048
#define MAX_LEGS 64
#define MAX_OUT (2 * MAX_FRAMES)

#define V4(a, b, c, d)                                                         \
	{                                                                      \
		a, b, c, d                                                     \
	}
#define V6(g, h, x)                                                            \
	{                                                                      \
		0x20, 0x01, 0x0d, 0xb8, 0, g, 0, h, [15] = x                   \
	}

static const uint8_t IF_MAC[NB_IF][6] = {
	{2, 0, 0, 0, 0, 0x01}, {2, 0, 0, 0, 0, 0x03}, {2, 0, 0, 0, 0, 0x05}};
static const uint8_t IF_A4[NB_IF][4] = {V4(192, 0, 2, 1), V4(198, 51, 100, 1),
					V4(203, 0, 113, 1)};
static const uint8_t IF_A6[NB_IF][16] = {V6(1, 0, 1), V6(2, 0, 1), V6(3, 0, 1)};
static const uint16_t IF_VLAN[NB_IF] = {0, 100, 0};
static const uint16_t IF_MTU[NB_IF] = {1500, 1500, 600};
static const uint16_t IF_MAIN_TXQ[NB_IF] = {2, 2, 1};

static const uint8_t PEER_MAC[6] = {2, 0, 0, 0, 0, 0x02};
static const uint8_t GW_MAC[6] = {2, 0, 0, 0, 0, 0xfe};
static const uint8_t DMZ_MAC[6] = {2, 0, 0, 0, 0, 0x07};
static const uint8_t PEER4[4] = V4(192, 0, 2, 2);
static const uint8_t PEER6[16] = V6(1, 0, 2);
static const uint8_t GW4[4] = V4(198, 51, 100, 254);
static const uint8_t GW6[16] = V6(2, 0, 0xfe);
static const uint8_t FAR4[4] = V4(198, 18, 0, 5);
static const uint8_t FAR6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0xff, [15] = 5};
static const uint8_t DMZ4[4] = V4(203, 0, 113, 2);
static const uint8_t DMZ6[16] = V6(3, 0, 2);
static const uint8_t DMZ6_UNRES[16] = V6(3, 0, 9);

/* One leg: local endpoint, flags, signalled remote, peer, extras. */
struct fleg {
	uint32_t id;
	uint16_t ifc;
	uint8_t fam;
	uint16_t rtp, rtcp; /* rtcp 0: rtcp-mux */
	uint8_t flags;
	const uint8_t *r_addr; /* NULL: no remote */
	uint16_t r_rtp, r_rtcp;
	uint32_t peer; /* 0: unbound */
	uint8_t dscp;  /* DP_DSCP_KEEP: the default */
	uint32_t police_pps, police_burst;
	uint32_t idle_ms;
	uint16_t relatch_ms;
	uint32_t clock_hz;
};

#define LAT DP_LEG_F_LATCH
#define SIP DP_LEG_F_SAME_IP
#define STR DP_LEG_F_STRICT
#define KEEP DP_DSCP_KEEP
static const struct fleg legs[] = {
	/* v4 <-> v4, separate RTCP, lan latches, wan signalled + DSCP EF */
	{1, 0, AF_INET, 20000, 20001, LAT, NULL, 0, 0, 11, KEEP, 0, 0, 500},
	{11, 1, AF_INET, 24000, 24001, 0, FAR4, 40000, 40001, 1, 46},
	/* v6 (mux, SAME_IP) <-> v4 (mux, LATCH STRICT) */
	{2, 0, AF_INET6, 20002, 0, LAT | SIP, PEER6, 30002, 0, 12, KEEP, 0, 0,
	 0, 0, 48000},
	{12, 1, AF_INET, 24002, 0, LAT | STR, FAR4, 40002, 0, 2, KEEP},
	/* v4 STRICT signalled <-> v6 latching without a remote (idle) */
	{3, 0, AF_INET, 20004, 20005, STR, PEER4, 30004, 30005, 13, 10},
	{13, 1, AF_INET6, 24004, 24005, LAT, NULL, 0, 0, 3, KEEP, 0, 0, 2000},
	/* v6 policed <-> v6 on the dmz, remote never resolved */
	{4, 0, AF_INET6, 20006, 0, LAT, NULL, 0, 0, 14, KEEP, 50, 4},
	{14, 2, AF_INET6, 26000, 26001, 0, DMZ6_UNRES, 36000, 0, 4, KEEP},
	/* unbound */
	{5, 0, AF_INET, 20008, 20009, LAT, NULL, 0, 0, 0, KEEP},
	/* v6 LATCH STRICT <-> v4 on the dmz (MTU 600), SAME_IP */
	{6, 0, AF_INET6, 20010, 20011, LAT | STR, PEER6, 30010, 30011, 16, 0},
	{16, 2, AF_INET, 26002, 0, LAT | SIP, DMZ4, 36002, 0, 6, KEEP},
	/* v6 on the VLAN, short relatch <-> v6 lan signalled */
	{7, 1, AF_INET6, 24006, 24007, LAT, FAR6, 40006, 40007, 8, KEEP, 0, 0,
	 0, 50},
	{8, 0, AF_INET6, 20012, 0, 0, PEER6, 30012, 0, 7, KEEP},
	/* v6 dmz with a resolved remote <-> v4 wan (gateway) */
	{9, 2, AF_INET6, 26004, 26005, LAT, DMZ6, 36004, 36005, 19, KEEP},
	{19, 1, AF_INET, 24008, 24009, SIP, FAR4, 40008, 40009, 9, 0x3f},
};
#define NB_LEGS (sizeof(legs) / sizeof(legs[0]))

static const uint64_t steps_ns[8] = {0,
				     1000000ull,
				     20000000ull,
				     100000000ull,
				     600000000ull,
				     1100000000ull,
				     3000000000ull,
				     60000000000ull};

static struct rte_mempool *pool;
static struct dp_iface ifcs[NB_IF];
static struct dp_addrs addrs[NB_IF];
static struct dp_stats *stats;
static struct dp_lcore lcs[NB_LC];
static struct dp_relay *relay;
static struct rte_ring *exc[NB_LC];
static bool installed;
static uint64_t now_ns = 1000000000ull;
static unsigned int tx_cap; /* per transmit call; ~0u: unlimited */

/* What left through tx_burst in the current burst cycle. */
static struct rte_mbuf *out_m[MAX_OUT];
static uint16_t out_if[MAX_OUT], out_q[MAX_OUT];
static unsigned int out_lc[MAX_OUT];
static unsigned int nb_out, refused;
static uint64_t evt_latched;

#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			fprintf(stderr, "fuzz_dp_relay: %s:%d: %s\n",          \
				__FILE__, __LINE__, #c);                       \
			abort();                                               \
		}                                                              \
	} while (0)

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static const struct fleg *
leg_by_id(uint32_t id)
{
	size_t i;

	for (i = 0; i < NB_LEGS; i++)
		if (legs[i].id == id)
			return &legs[i];
	return NULL;
}

static const uint8_t *
leg_addr(const struct fleg *l)
{
	return l->fam == AF_INET ? IF_A4[l->ifc] : IF_A6[l->ifc];
}

/* The leg whose local endpoint is (ifc, fam, addr, port); *rtcp: the
 * separate RTCP port. */
static const struct fleg *
leg_by_ep(uint16_t ifc, uint8_t fam, const uint8_t *addr, uint16_t port,
	  bool *rtcp)
{
	size_t i;

	for (i = 0; i < NB_LEGS; i++) {
		const struct fleg *l = &legs[i];

		if (l->ifc != ifc || l->fam != fam ||
		    memcmp(addr, leg_addr(l), fam == AF_INET ? 4 : 16) != 0)
			continue;
		if (port == l->rtp) {
			*rtcp = false;
			return l;
		}
		if (l->rtcp != 0 && port == l->rtcp) {
			*rtcp = true;
			return l;
		}
	}
	return NULL;
}

/* ---- independent checksums (RFC 1071) and parsing ---- */

static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return acc;
}

static uint16_t
fold(uint32_t acc)
{
	while (acc > 0xffff)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

enum cs_state { CS_NONE, CS_OK, CS_WRONG };

struct udp_view {
	uint8_t fam;
	const uint8_t *ip, *udp;
	uint32_t ulen;
	uint8_t tos;
	enum cs_state cs;
};

/* UDP after a plain IPv4 (IHL 5) or IPv6 (next header UDP) header at
 * f + l2, the UDP length inside the IP packet and the frame. */
static bool
udp_parse(const uint8_t *f, size_t len, size_t l2, uint16_t et,
	  struct udp_view *v)
{
	size_t hl, iplen;
	uint32_t acc;
	uint16_t c;

	if (len < l2 + 20)
		return false;
	v->ip = f + l2;
	if (et == 0x0800 && v->ip[0] == 0x45 && v->ip[9] == 17) {
		v->fam = AF_INET;
		hl = 20;
		iplen = get16(v->ip + 2);
		v->tos = v->ip[1];
	} else if (et == 0x86dd && len >= l2 + 40 && (v->ip[0] >> 4) == 6 &&
		   v->ip[6] == 17) {
		v->fam = AF_INET6;
		hl = 40;
		iplen = 40 + (size_t)get16(v->ip + 4);
		v->tos = (uint8_t)(v->ip[0] << 4 | v->ip[1] >> 4);
	} else {
		return false;
	}
	if (iplen < hl + 8 || l2 + iplen > len)
		return false;
	v->udp = v->ip + hl;
	v->ulen = get16(v->udp + 4);
	if (v->ulen < 8 || hl + v->ulen > iplen)
		return false;
	c = get16(v->udp + 6);
	if (c == 0 && v->fam == AF_INET) {
		v->cs = CS_NONE;
		return true;
	}
	/* RFC 768 / RFC 8200 8.1 pseudo-header */
	if (v->fam == AF_INET)
		acc = sum16(v->ip + 12, 8, 0);
	else
		acc = sum16(v->ip + 8, 32, 0);
	acc += 17 + v->ulen;
	acc = sum16(v->udp, v->ulen, acc);
	v->cs = fold(acc) == 0xffff ? CS_OK : CS_WRONG;
	return true;
}

/* Ethernet (one optional 802.1Q tag) in front of UDP. */
static bool
frame_parse(const uint8_t *f, size_t len, size_t *l2, struct udp_view *v)
{
	uint16_t et;

	if (len < 14)
		return false;
	et = get16(f + 12);
	*l2 = 14;
	if (et == 0x8100) {
		if (len < 18)
			return false;
		et = get16(f + 16);
		*l2 = 18;
	}
	return udp_parse(f, len, *l2, et, v);
}

/* ---- the received frames of the current burst ---- */

struct in_frame {
	struct rte_mbuf *m;
	uint16_t ifc;
	bool ok; /* parsed: a relayed one must */
	size_t l2;
	struct udp_view v;
	uint8_t copy[MAX_FRAME];
	size_t len;
};
static struct in_frame inf[MAX_FRAMES];

static const struct in_frame *
in_by_mbuf(const struct rte_mbuf *m, unsigned int nb)
{
	unsigned int i;

	for (i = 0; i < nb; i++)
		if (inf[i].m == m)
			return &inf[i];
	return NULL;
}

/*
 * A relayed packet (L2 at data, l2 bytes, or none with l2 == 0 when it
 * was handed to the main lcore) left interface ifc: the headers the
 * relay promises and the peer leg's endpoint.
 */
static void
check_relayed(const struct in_frame *in, const struct rte_mbuf *m, uint16_t ifc,
	      bool with_l2)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m), l2 = 0, hl;
	const struct fleg *a, *b;
	struct udp_view o;
	uint16_t et, sport, want;
	bool rtcp_port, rtcp;

	CHECK(in != NULL && in->ok);
	CHECK(m->nb_segs == 1 && rte_pktmbuf_pkt_len(m) == len);
	/* the classifier let through only a valid, whole IPv4 header */
	if (in->v.fam == AF_INET) {
		CHECK(fold(sum16(in->v.ip, 20, 0)) == 0xffff);
		CHECK((get16(in->v.ip + 6) & 0x3fff) == 0); /* no fragment */
	}
	/* RFC 8200 8.1: an IPv6 zero checksum is never relayed */
	CHECK(!(in->v.fam == AF_INET6 && get16(in->v.udp + 6) == 0));
	if (with_l2) {
		CHECK(len >= 14);
		CHECK(memcmp(f + 6, IF_MAC[ifc], 6) == 0);
		CHECK(memcmp(f, PEER_MAC, 6) == 0 ||
		      memcmp(f, GW_MAC, 6) == 0 || memcmp(f, DMZ_MAC, 6) == 0);
		if (IF_VLAN[ifc] != 0) {
			CHECK(len >= 18 && get16(f + 12) == 0x8100);
			CHECK(get16(f + 14) == IF_VLAN[ifc]);
			l2 = 18;
		} else {
			l2 = 14;
		}
		et = get16(f + l2 - 2);
	} else {
		CHECK(len >= 1);
		et = (f[0] >> 4) == 4 ? 0x0800 : 0x86dd;
	}
	CHECK(udp_parse(f, len, l2, et, &o));
	hl = o.fam == AF_INET ? 20 : 40;
	/* exactly the datagram: no trailing bytes */
	CHECK(len == l2 + hl + o.ulen);
	CHECK(o.ulen == in->v.ulen);
	CHECK(memcmp(o.udp + 8, in->v.udp + 8, o.ulen - 8) == 0);
	if (o.fam == AF_INET) {
		CHECK(fold(sum16(o.ip, 20, 0)) == 0xffff); /* RFC 791 */
		CHECK(get16(o.ip + 2) == 20 + o.ulen);
		CHECK(get16(o.ip + 4) == 0 && get16(o.ip + 6) == 0x4000);
		CHECK(o.ip[8] == 64);
	} else {
		CHECK((o.ip[1] & 0x0f) == 0 && get16(o.ip + 2) == 0);
		CHECK(get16(o.ip + 4) == o.ulen);
		CHECK(o.ip[7] == 64);
		CHECK(get16(o.udp + 6) != 0);
	}
	if (in->v.cs == CS_NONE)
		CHECK(o.cs == (o.fam == AF_INET ? CS_NONE : CS_OK));
	else
		CHECK(o.cs == in->v.cs);
	CHECK((o.tos & 3) == (in->v.tos & 3)); /* ECN kept */

	/* from the receiving leg's peer */
	a = leg_by_ep(in->ifc, in->v.fam,
		      in->v.ip + (in->v.fam == AF_INET ? 16 : 24),
		      get16(in->v.udp + 2), &rtcp_port);
	CHECK(a != NULL && a->peer != 0);
	b = leg_by_id(a->peer);
	CHECK(b != NULL && b->ifc == ifc && b->fam == o.fam);
	CHECK(memcmp(o.ip + (o.fam == AF_INET ? 12 : 8), leg_addr(b),
		     o.fam == AF_INET ? 4 : 16) == 0);
	/* RTCP: the separate port or RFC 5761 4 (second byte 192..223) */
	rtcp = rtcp_port ||
	       (in->v.ulen >= 10 && in->v.udp[9] >= 192 && in->v.udp[9] <= 223);
	sport = get16(o.udp);
	want = rtcp && b->rtcp != 0 ? b->rtcp : b->rtp;
	CHECK(sport == want);
	CHECK(get16(o.udp + 2) != 0);
	if (b->dscp != KEEP)
		CHECK((o.tos >> 2) == b->dscp);
	else
		CHECK((o.tos >> 2) == (in->v.tos >> 2));
}

/* ---- hooks ---- */

static uint16_t
cap_tx(struct dp_lcore *lc, struct dp_iface *ifc, uint16_t txq,
       struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n && i < tx_cap; i++) {
		CHECK(nb_out < MAX_OUT);
		out_m[nb_out] = pkts[i];
		out_if[nb_out] = ifc->idx;
		out_q[nb_out] = txq;
		out_lc[nb_out++] = lc->idx;
	}
	refused += n - i;
	return i;
}

static void
cap_xmit(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m)
{
	/* every lcore hands unresolved packets over its exception ring */
	(void)lc;
	(void)ifc;
	(void)m;
	CHECK(!"slow-path transmit");
}

static void
cap_evt(struct dp_lcore *lc, const union dp_msg *m)
{
	(void)lc;
	CHECK(dp_msg_validate(m, DP_DIR_EVT) == 0);
	if (m->hdr.type == DP_MSG_LEG_LATCHED) {
		CHECK(leg_by_id(m->leg_latched.leg_id) != NULL);
		evt_latched++;
	} else if (m->hdr.type == DP_MSG_LEG_INACTIVE) {
		CHECK(leg_by_id(m->leg_inactive.leg_id) != NULL);
	}
}

/* ---- setup ---- */

static void
iface_init(unsigned int i)
{
	struct dp_iface *ifc = &ifcs[i];

	memset(ifc, 0, sizeof(*ifc));
	ifc->idx = (uint16_t)i;
	snprintf(ifc->name, sizeof(ifc->name), "if%u", i);
	memcpy(ifc->mac.addr_bytes, IF_MAC[i], 6);
	ifc->vlan = IF_VLAN[i];
	ifc->mtu = IF_MTU[i];
	ifc->media_port_min = 16384;
	ifc->media_port_max = 32767;
	ifc->main_txq = IF_MAIN_TXQ[i];
	ifc->nb_txq = (uint16_t)(IF_MAIN_TXQ[i] + 1);
	addrs[i].nb4 = 1;
	memcpy(&addrs[i].a4[0].addr, IF_A4[i], 4);
	addrs[i].a4[0].plen = 24;
	addrs[i].nb6 = 1;
	memcpy(addrs[i].a6[0].addr, IF_A6[i], 16);
	addrs[i].a6[0].plen = 64;
	ifc->addrs = &addrs[i];
	ifc->neigh = dp_neigh_create();
	CHECK(ifc->neigh != NULL);
}

static void
learn(unsigned int ifc, int fam, const uint8_t *ip, const uint8_t *mac6)
{
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, mac6, 6);
	dp_neigh_learn(&lcs[0], &ifcs[ifc], fam, ip, &mac, true);
}

/* At exit: the relay keeps calloc()ed tables behind a pointer in EAL
 * memory, which LeakSanitizer does not scan. */
static void
teardown(void)
{
	unsigned int i;

	dp_relay_free(relay);
	relay = NULL;
	for (i = 0; i < NB_IF; i++) {
		dp_neigh_free(&lcs[0], ifcs[i].neigh);
		ifcs[i].neigh = NULL;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dp_relay_params p;
	char prefix[64], name[32];
	char *eal[] = {"fuzz_dp_relay",
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
	unsigned int i;

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "--file-prefix=esg-fz-%d",
		 (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "EAL unavailable: skipped\n");
		exit(77);
	}
	/* no per-lcore cache: the in-use count is exact */
	pool = rte_pktmbuf_pool_create("fz_relay", 511, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	stats = calloc(1, sizeof(*stats));
	CHECK(pool != NULL && stats != NULL);
	for (i = 0; i < NB_IF; i++)
		iface_init(i);
	addrs[1].has_gw4 = true;
	memcpy(&addrs[1].gw4, GW4, 4);
	addrs[1].has_gw6 = true;
	memcpy(addrs[1].gw6, GW6, 16);
	for (i = 0; i < NB_LC; i++) {
		struct dp_lcore *lc = &lcs[i];

		lc->idx = i;
		lc->st = &stats->lcore[i];
		lc->stats = stats;
		lc->now_ns = now_ns;
		lc->pool = pool;
		lc->xmit = cap_xmit;
		lc->to_kernel = cap_xmit;
		lc->evt = i == 0 ? cap_evt : NULL;
		lc->tx_burst = cap_tx;
		lc->neigh_ttl_ns = 300 * 1000000000ull;
		lc->neigh_retry_ns = 1000000000ull;
	}
	memset(&p, 0, sizeof(p));
	p.max_legs = MAX_LEGS;
	p.ifaces = ifcs;
	p.nb_ifaces = NB_IF;
	p.nb_lcores = NB_LC;
	p.socket_id = SOCKET_ID_ANY;
	CHECK(dp_relay_create(&p, &relay) == 0);
	/* The main lcore too gets a ring (it would resolve in place
	 * through dp_route_output(), whose neighbour queue would keep
	 * packets across inputs): what the relay cannot send is counted
	 * and checked where it leaves the relay. */
	for (i = 0; i < NB_LC; i++) {
		snprintf(name, sizeof(name), "fz_exc%u", i);
		exc[i] = rte_ring_create(name, 1024, SOCKET_ID_ANY,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
		CHECK(exc[i] != NULL);
		dp_relay_lcore_init(relay, &lcs[i], exc[i]);
	}
	learn(0, AF_INET, PEER4, PEER_MAC);
	learn(0, AF_INET6, PEER6, PEER_MAC);
	learn(1, AF_INET, GW4, GW_MAC);
	learn(1, AF_INET6, GW6, GW_MAC);
	learn(2, AF_INET, DMZ4, DMZ_MAC);
	learn(2, AF_INET6, DMZ6, DMZ_MAC);
	atexit(teardown);
	return 0;
}

static int
cmd(union dp_msg *m)
{
	m->hdr.len = (uint16_t)dp_msg_size(m->hdr.type);
	CHECK(dp_msg_validate(m, DP_DIR_CMD) == 0);
	return dp_relay_cmd(relay, &lcs[0], m);
}

static void
legs_install(void)
{
	union dp_msg m;
	size_t i;

	for (i = 0; i < NB_LEGS; i++) {
		const struct fleg *l = &legs[i];

		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_ADD;
		m.leg_add.leg_id = l->id;
		m.leg_add.port = l->ifc;
		m.leg_add.family = l->fam;
		m.leg_add.flags = l->flags;
		m.leg_add.rtp_port = l->rtp;
		m.leg_add.rtcp_port = l->rtcp;
		m.leg_add.idle_ms = l->idle_ms;
		m.leg_add.clock_hz = l->clock_hz;
		m.leg_add.relatch_ms = l->relatch_ms;
		memcpy(m.leg_add.addr, leg_addr(l), l->fam == AF_INET ? 4 : 16);
		CHECK(cmd(&m) == 0);
		if (l->r_addr != NULL) {
			memset(&m, 0, sizeof(m));
			m.hdr.type = DP_MSG_LEG_REMOTE;
			m.leg_remote.leg_id = l->id;
			m.leg_remote.family = l->fam;
			m.leg_remote.rtp_port = l->r_rtp;
			m.leg_remote.rtcp_port = l->r_rtcp;
			memcpy(m.leg_remote.addr, l->r_addr,
			       l->fam == AF_INET ? 4 : 16);
			CHECK(cmd(&m) == 0);
		}
		if (l->dscp != KEEP) {
			memset(&m, 0, sizeof(m));
			m.hdr.type = DP_MSG_LEG_DSCP;
			m.leg_dscp.leg_id = l->id;
			m.leg_dscp.dscp = l->dscp;
			CHECK(cmd(&m) == 0);
		}
		if (l->police_pps != 0) {
			memset(&m, 0, sizeof(m));
			m.hdr.type = DP_MSG_LEG_POLICE;
			m.leg_police.leg_id = l->id;
			m.leg_police.pps = l->police_pps;
			m.leg_police.burst_pkts = l->police_burst;
			CHECK(cmd(&m) == 0);
		}
	}
	for (i = 0; i < NB_LEGS; i++) {
		if (legs[i].peer == 0 || legs[i].peer < legs[i].id)
			continue;
		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_BIND;
		m.leg_bind.leg_id = legs[i].id;
		m.leg_bind.peer_id = legs[i].peer;
		CHECK(cmd(&m) == 0);
	}
}

/* Every input from the same state: no legs, slots reset, then the set. */
static void
legs_reset(void)
{
	union dp_msg m;

	if (installed) {
		memset(&m, 0, sizeof(m));
		m.hdr.type = DP_MSG_LEG_BULK_DEL;
		m.leg_bulk_del.first_id = 0;
		m.leg_bulk_del.count = 0xffffffffu;
		m.leg_bulk_del.port = 0xffff;
		CHECK(cmd(&m) == (int)NB_LEGS);
		/* no reader registered: the grace period is over at once */
		dp_relay_tick(relay, &lcs[0]);
	}
	CHECK(dp_relay_nb_legs(relay) == 0);
	legs_install();
	CHECK(dp_relay_nb_legs(relay) == NB_LEGS);
	installed = true;
}

static void
set_now(uint64_t t)
{
	unsigned int i;

	for (i = 0; i < NB_LC; i++)
		lcs[i].now_ns = t;
}

/* ---- counting ---- */

struct tally {
	uint64_t drops, exc_full, tx_full, relay_tx, resolve, ho_tx, ho_rx;
	uint64_t latch;
};

static void
tally(struct tally *t)
{
	unsigned int l, d;

	memset(t, 0, sizeof(*t));
	for (l = 0; l < NB_LC; l++) {
		const struct dp_stats_lcore *s = &stats->lcore[l];

		for (d = 0; d < DP_DROP_MAX; d++)
			t->drops += s->drops[d];
		t->exc_full += s->drops[DP_DROP_EXC_RING_FULL];
		t->tx_full += s->drops[DP_DROP_TX_FULL];
		t->relay_tx += s->cnt[DP_CNT_RELAY_TX];
		t->resolve += s->cnt[DP_CNT_RELAY_RESOLVE];
		t->ho_tx += s->cnt[DP_CNT_HANDOFF_TX];
		t->ho_rx += s->cnt[DP_CNT_HANDOFF_RX];
		t->latch += s->cnt[DP_CNT_LEG_LATCH];
	}
}

static uint64_t sum_tx, sum_exc, sum_exc_full;

/* ---- mbufs ---- */

static void
poison_tail(struct rte_mbuf *m)
{
	uint8_t *end = rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len);

	ASAN_POISON_MEMORY_REGION(end, rte_pktmbuf_tailroom(m));
}

static void
unpoison(struct rte_mbuf *m)
{
	ASAN_UNPOISON_MEMORY_REGION(m->buf_addr, m->buf_len);
}

static void
free_out(struct rte_mbuf *m)
{
	struct rte_mbuf *s;

	for (s = m; s != NULL; s = s->next)
		unpoison(s);
	rte_pktmbuf_free(m);
}

static struct rte_mbuf *
make_mbuf(const uint8_t *f, size_t len, bool small_head, bool chained)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *m2;
	size_t first = chained ? len / 2 : len;

	CHECK(m != NULL);
	unpoison(m);
	if (small_head)
		m->data_off = 8;
	memcpy(rte_pktmbuf_append(m, (uint16_t)first), f, first);
	if (chained) {
		m2 = rte_pktmbuf_alloc(pool);
		CHECK(m2 != NULL);
		unpoison(m2);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)(len - first)),
		       f + first, len - first);
		poison_tail(m2);
		CHECK(rte_pktmbuf_chain(m, m2) == 0);
	}
	poison_tail(m);
	return m;
}

/* ---- one burst: in, handoffs, flush, tick, checks ---- */

static void
run_burst(unsigned int lc, uint16_t ifc, unsigned int nb)
{
	struct rte_mbuf *pkts[MAX_FRAMES];
	struct tally t0, t1;
	unsigned int i, l, nb_exc = 0;
	uint16_t keep;
	void *x;

	for (i = 0; i < nb; i++)
		pkts[i] = inf[i].m;
	tally(&t0);
	nb_out = 0;
	refused = 0;
	evt_latched = 0;
	keep = dp_relay_burst(&lcs[lc], &ifcs[ifc], pkts, (uint16_t)nb);
	CHECK(keep <= nb);
	for (i = 0; i < keep; i++) {
		struct dp_pkt_info pi;
		enum dp_class cls = dp_pkt_info_load(pkts[i], &pi);

		/* left for the slow path: never media, never ours to relay */
		CHECK(cls != DP_CLASS_MEDIA && cls != DP_CLASS_DROP &&
		      cls != DP_CLASS_RELAY_OUT);
		CHECK(in_by_mbuf(pkts[i], nb) != NULL);
		CHECK(pkts[i]->port == ifc);
		free_out(pkts[i]);
	}
	for (l = 0; l < NB_LC; l++)
		dp_relay_handoff_poll(&lcs[l]);
	for (l = 0; l < NB_LC; l++)
		dp_relay_flush(&lcs[l]);
	dp_relay_tick(relay, &lcs[0]);
	for (l = 0; l < NB_LC; l++) {
		CHECK(lcs[l].txb[0].n == 0 && lcs[l].txb[1].n == 0 &&
		      lcs[l].txb[2].n == 0);
		while (rte_ring_sc_dequeue(exc[l], &x) == 0) {
			struct rte_mbuf *m = x;
			struct dp_pkt_info pi;

			CHECK(dp_pkt_info_load(m, &pi) == DP_CLASS_RELAY_OUT);
			CHECK(m->port < NB_IF);
			check_relayed(in_by_mbuf(m, nb), m, m->port, false);
			free_out(m);
			nb_exc++;
		}
	}
	for (i = 0; i < nb_out; i++) {
		CHECK(out_q[i] == lcs[out_lc[i]].txq[out_if[i]]);
		CHECK(out_q[i] != DP_TXQ_NONE);
		check_relayed(in_by_mbuf(out_m[i], nb), out_m[i], out_if[i],
			      true);
		free_out(out_m[i]);
	}
	tally(&t1);
	/* each frame exactly once */
	CHECK((t1.drops - t0.drops) + nb_out + nb_exc + keep == nb);
	CHECK(t1.relay_tx - t0.relay_tx == nb_out);
	CHECK(t1.tx_full - t0.tx_full == refused);
	CHECK(t1.resolve - t0.resolve == nb_exc + (t1.exc_full - t0.exc_full));
	CHECK(t1.ho_tx - t0.ho_tx == t1.ho_rx - t0.ho_rx);
	CHECK(t1.latch - t0.latch == evt_latched);
	sum_tx += nb_out;
	sum_exc += nb_exc;
	sum_exc_full += t1.exc_full - t0.exc_full;
}

/* After an input: the per-leg counters agree with what left. */
static void
check_legs(void)
{
	const struct dp_leg_stats *st = dp_relay_leg_stats(relay);
	uint64_t fwd = 0;
	unsigned int a, b;
	size_t i;

	for (i = 0; i < NB_LEGS; i++) {
		const struct dp_leg_stats *s = &st[legs[i].id];

		CHECK(s->rx_pkts == s->fwd_pkts +
					    s->drops[DP_LEG_DROP_NO_PEER] +
					    s->drops[DP_LEG_DROP_OTHER]);
		CHECK(s->rtcp_pkts <= s->rx_pkts);
		if (legs[i].peer == 0)
			CHECK(s->fwd_pkts == 0);
		fwd += s->fwd_pkts;
	}
	CHECK(fwd == sum_tx + sum_exc + sum_exc_full);
	for (a = 0; a < NB_LC; a++)
		for (b = 0; b < NB_LC; b++)
			if (relay->handoff[a][b] != NULL)
				CHECK(rte_ring_count(relay->handoff[a][b]) ==
				      0);
}

/* FUZZ_DP_RELAY_VERBOSE set: what each input did, to see that a corpus
 * reaches the relay (fuzz_dp_relay -n 0 corpus/dp_relay). */
static void
report(const uint64_t *drops0)
{
	static const char *const names[DP_DROP_MAX] = {
#define DP_DROP_NAME(n, s, d) s,
		DP_DROP_LIST(DP_DROP_NAME)
#undef DP_DROP_NAME
	};
	unsigned int d, l;

	fprintf(stderr, "tx %lu main %lu drops:", (unsigned long)sum_tx,
		(unsigned long)sum_exc);
	for (d = 0; d < DP_DROP_MAX; d++) {
		uint64_t v = 0;

		for (l = 0; l < NB_LC; l++)
			v += stats->lcore[l].drops[d];
		if (v != drops0[d])
			fprintf(stderr, " %s %lu", names[d],
				(unsigned long)(v - drops0[d]));
	}
	fprintf(stderr, "\n");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int verbose = -1;
	uint64_t drops0[DP_DROP_MAX];
	unsigned int in_use, nb = 0, lc = 0;
	uint16_t ifc = 0;
	size_t pos = 1;

	if (size < 1)
		return 0;
	in_use = rte_mempool_in_use_count(pool);
	now_ns += 100 * 1000000000ull; /* past every timer of the last */
	set_now(now_ns);
	legs_reset();
	sum_tx = sum_exc = sum_exc_full = 0;
	tx_cap = data[0] == 0 ? ~0u : data[0] - 1u;
	if (verbose < 0)
		verbose = getenv("FUZZ_DP_RELAY_VERBOSE") != NULL;
	if (verbose) {
		unsigned int d, l;

		for (d = 0; d < DP_DROP_MAX; d++)
			for (drops0[d] = 0, l = 0; l < NB_LC; l++)
				drops0[d] += stats->lcore[l].drops[d];
	}

	while (pos + 3 <= size) {
		uint8_t ctrl = data[pos];
		uint16_t lw = get16(data + pos + 1);
		size_t len = lw & 0x0fff;
		unsigned int flc = ((ctrl >> 2) & 3) % NB_LC;
		uint16_t fif = (uint16_t)((ctrl & 3) % NB_IF);
		struct in_frame *f;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (len > MAX_FRAME)
			len = MAX_FRAME;
		if (nb > 0 && (flc != lc || fif != ifc)) {
			run_burst(lc, ifc, nb);
			nb = 0;
		}
		if (nb == 0) {
			now_ns += steps_ns[ctrl >> 5];
			set_now(now_ns);
			lc = flc;
			ifc = fif;
		}
		f = &inf[nb++];
		f->ifc = fif;
		f->len = len;
		memcpy(f->copy, data + pos, len);
		f->ok = frame_parse(f->copy, len, &f->l2, &f->v);
		f->m = make_mbuf(data + pos, len, (lw & 0x4000) != 0,
				 (lw & 0x8000) != 0 && len >= 2);
		pos += len;
		if ((ctrl & 0x10) || nb == MAX_FRAMES) {
			run_burst(lc, ifc, nb);
			nb = 0;
		}
	}
	if (nb > 0)
		run_burst(lc, ifc, nb);
	check_legs();
	CHECK(rte_mempool_in_use_count(pool) == in_use);
	if (verbose)
		report(drops0);
	return 0;
}
