/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal types of esg-dataplane shared by its modules (not part of the
 * contract: that is dataplane/api/). See docs/dataplane.md for the lcore
 * model and the packet path.
 */
#ifndef DP_H
#define DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_msg.h"
#include "dp_stats.h"

#define DP_MAX_ADDRS 8 /* per family per interface (ESG_CONF_MAX_ADDRS) */
#define DP_BURST 32
#define DP_NEIGH_MAX 256   /* entries per interface */
#define DP_NEIGH_PENDING 4 /* packets queued per unresolved neighbour */
#define DP_NEIGH_TRIES 3   /* solicitations before giving up */
#define DP_EXC_RING_SIZE 1024

struct dp_addr4 {
	uint32_t addr; /* network order */
	uint8_t plen;
};

struct dp_addr6 {
	uint8_t addr[16];
	uint8_t plen;
};

/*
 * The own addresses of an interface. Workers read it on the fast path; the
 * main lcore replaces it as a whole (copy, publish, wait for the workers'
 * quiescent state, free the old one), so a reader never sees a torn list.
 */
struct dp_addrs {
	unsigned int nb4;
	struct dp_addr4 a4[DP_MAX_ADDRS];
	unsigned int nb6;
	/* The configured ones and the link-local (dp_addr_add_ll). */
	struct dp_addr6 a6[DP_MAX_ADDRS + 1];
	/* Default gateways: the configuration's, then IF_GW. Here, not in
	 * struct dp_iface, so a worker resolving a relay next hop reads a
	 * gateway and its flag from one consistent copy. */
	bool has_gw4;
	uint32_t gw4; /* network order */
	bool has_gw6;
	uint8_t gw6[16];
	/* Addresses being probed (ADDR_PROBE, dp_probe.c): not ours yet,
	 * but the classifier passes their ARP / NS / NA to the main lcore. */
	unsigned int nb_probe;
	struct dp_addr_probe {
		uint8_t family;
		uint8_t addr[16];
	} probe[DP_PROBE_MAX];
};

/* One ADDR_PROBE in progress (main lcore only, dp_probe.c). */
struct dp_probe {
	uint8_t family; /* 0: slot free */
	uint8_t left;	/* probes still to send */
	uint8_t addr[16];
	uint32_t interval_ms;
	uint32_t token;
	uint64_t next_ns; /* next probe; with left 0, the end */
};

/*
 * Router discovery as a host (RFC 4861 6.3.4, 6.3.7; dp_ra.c), main lcore
 * only: the first router that advertises a non-zero lifetime becomes the
 * IPv6 default gateway while no gateway6 is configured or set by IF_GW.
 */
#define DP_RA_METRIC 2048 /* the tun's default route of a learned router */
#define DP_RS_MAX 3	  /* MAX_RTR_SOLICITATIONS (RFC 4861 10) */
#define DP_RS_INTERVAL_NS 4000000000ull /* RTR_SOLICITATION_INTERVAL */
struct dp_ra {
	bool gw6_fixed;	 /* gateway6 from the configuration or IF_GW: wins */
	bool have;	 /* a router learned (router, expire_ns) */
	bool installed;	 /* it is addrs->gw6 and the tun's default route */
	uint8_t rs_left; /* router solicitations still to send */
	uint8_t router[16];
	uint64_t expire_ns;  /* RA router lifetime from its last RA */
	uint64_t rs_next_ns; /* next solicitation */
};

struct dp_neigh_table;
struct dp_relay;
struct rte_ring;
struct rte_rcu_qsbr;

/* One configured interface: a port plus its kernel exception interface. */
struct dp_iface {
	uint16_t idx;	  /* index in the configuration and the stats */
	uint16_t port_id; /* ethdev of the NIC side */
	uint16_t tun_port_id;
	bool port_open;
	bool has_tun;
	char name[DP_IFNAME_LEN];
	char exception[DP_IFNAME_LEN];
	char device[128];
	struct rte_ether_addr mac;
	uint16_t vlan; /* 0: untagged */
	uint16_t mtu;
	struct dp_addrs *addrs; /* published copy, see above */
	/* bumped (main lcore) after every change of addrs: the relay's
	 * per-leg next-hop cache is valid while it is unchanged */
	uint32_t addr_gen;
	/* dataplane.media_port_min..max: UDP to an own address with a
	 * destination port in this range is media (DP_CLASS_MEDIA) */
	uint16_t media_port_min;
	uint16_t media_port_max;
	uint8_t link_up;
	uint32_t speed_mbps;
	int tun_ifindex; /* kernel ifindex of the exception interface */
	/* main lcore only, except its worker-readable cache (dp_nbr_*) */
	struct dp_neigh_table *neigh;
	/* main lcore only: ADDR_PROBEs; probe_dirty: addrs->probe is to be
	 * republished (a probe ended) */
	struct dp_probe probe[DP_PROBE_MAX];
	bool probe_dirty;
	struct dp_ra ra; /* main lcore only */
	uint16_t nb_rxq; /* worker w polls queue w - 1 */
	uint16_t nb_txq;
	uint16_t main_txq; /* the main lcore's own transmit queue */
};

/* What the classifier decided for a received frame. */
enum dp_class {
	DP_CLASS_DROP,	/* drop reason in dp_pkt_info.drop */
	DP_CLASS_ARP,	/* ARP: main lcore */
	DP_CLASS_ND,	/* NS / NA / RA: main lcore */
	DP_CLASS_ECHO4, /* ICMP echo request to us: main lcore */
	DP_CLASS_ECHO6, /* ICMPv6 echo request to us: main lcore */
	DP_CLASS_EXC,	/* anything else to us: kernel exception interface */
	DP_CLASS_MEDIA, /* UDP to a media port: the relay, on the worker */
	DP_CLASS_RELAY_OUT, /* relayed, next hop unresolved: main lcore */
};

struct dp_pkt_info {
	uint16_t l2_len; /* Ethernet header, with the VLAN tag if any */
	uint16_t l3_len; /* IP header incl. options (IPv6: fixed header) */
	uint32_t ip_len; /* total IP packet length (without L2 padding) */
	uint16_t ethertype;
	uint8_t proto; /* IP protocol / IPv6 next header */
	enum dp_drop drop;
};

/* Actions a slow-path handler returns for the packet it was given. */
enum dp_action {
	DP_ACT_DROP,   /* counted by the handler; the caller frees */
	DP_ACT_TX,     /* rewritten in place; transmit on the port */
	DP_ACT_KERNEL, /* L2 stripped; write to the exception interface */
	DP_ACT_DONE,   /* the handler kept or freed the mbuf */
};

struct dp_lcore;
typedef void (*dp_xmit_t)(struct dp_lcore *lc, struct dp_iface *ifc,
			  struct rte_mbuf *m);
typedef void (*dp_evt_t)(struct dp_lcore *lc, const union dp_msg *m);
/* Add or remove the exception interface's default route of family with
 * metric (dp_kif_route_default_metric). */
typedef int (*dp_kif_route_t)(int ifindex, int family, uint32_t metric,
			      bool add);
/* Transmit a burst on (ifc, queue); returns how many the port took.
 * NULL in dp_lcore.tx_burst: rte_eth_tx_burst() on ifc->port_id. */
typedef uint16_t (*dp_tx_burst_t)(struct dp_lcore *lc, struct dp_iface *ifc,
				  uint16_t txq, struct rte_mbuf **pkts,
				  uint16_t n);

#define DP_TXQ_NONE 0xffff

/* Relayed packets waiting for the end of the loop turn, per interface. */
struct dp_txbuf {
	uint16_t n;
	uint32_t bytes;
	struct rte_mbuf *pkts[DP_BURST];
};

/*
 * Per-lcore context: everything a packet handler needs. Tests build one
 * by hand with their own xmit/evt hooks.
 */
struct dp_lcore {
	unsigned int idx; /* 0 = main lcore, 1.. workers: stats block */
	struct dp_stats_lcore *st;
	struct dp_stats *stats; /* for the per-port per-lcore blocks */
	uint64_t now_ns;
	unsigned int idle_polls; /* loop turns in a row that found nothing */
	/* ICMP echo token bucket (RFC 4443 2.4 (f): rate-limit) */
	uint32_t icmp_rate_pps;
	uint64_t icmp_tokens;
	uint64_t icmp_last_ns;
	/* main lcore only */
	struct rte_mempool *pool;
	dp_xmit_t xmit;		  /* to the NIC port */
	dp_xmit_t to_kernel;	  /* to the exception interface */
	dp_evt_t evt;		  /* event ring */
	dp_kif_route_t kif_route; /* NULL: no kernel (tests) */
	uint64_t neigh_ttl_ns;
	uint64_t neigh_retry_ns;
	uint32_t evt_seq;
	/* the workers' quiescent states (dp_addrs_publish); NULL: none */
	struct rte_rcu_qsbr *qsbr;
	/* media relay (dataplane/relay/dp_relay.h); relay NULL: none */
	struct dp_relay *relay;
	struct rte_ring *exc_ring; /* to the main lcore; NULL on the main */
	dp_tx_burst_t tx_burst;
	uint16_t txq[DP_MAX_PORTS]; /* own TX queue per interface */
	struct dp_txbuf txb[DP_MAX_PORTS];
};

/* 224.0.0.0/4, host order. DPDK's RTE_IS_IPV4_MCAST shifts a signed int
 * by 24 (undefined behaviour that UBSan reports). */
static inline bool
dp_ip4_is_mcast(uint32_t host_addr)
{
	return (host_addr >> 28) == 0xe;
}

static inline void
dp_drop(struct dp_lcore *lc, const struct dp_iface *ifc, enum dp_drop r)
{
	lc->st->drops[r]++;
	if (ifc != NULL)
		lc->stats->port[ifc->idx].lcore[lc->idx].drops++;
}

static inline void
dp_count(struct dp_lcore *lc, enum dp_cnt c)
{
	lc->st->cnt[c]++;
}

/* dp_classify.c: parse and validate a frame (buf, len); no mbuf, no EAL. */
enum dp_class dp_classify(const struct dp_iface *ifc, const struct dp_addrs *a,
			  const uint8_t *buf, uint32_t len,
			  struct dp_pkt_info *out);
bool dp_addr4_is_ours(const struct dp_addrs *a, uint32_t ip);
bool dp_addr4_is_bcast(const struct dp_addrs *a, uint32_t ip);
bool dp_addr6_is_ours(const struct dp_addrs *a, const uint8_t ip[16]);
/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 2.5.1, App. A). */
void dp_addr6_ll_of(const struct rte_ether_addr *mac, uint8_t out[16]);
bool dp_addr6_is_snm_ours(const struct dp_addrs *a, const uint8_t ip[16]);
/* Addresses being probed (struct dp_addrs.probe). */
bool dp_addr4_is_probed(const struct dp_addrs *a, uint32_t ip);
bool dp_addr6_is_probed(const struct dp_addrs *a, const uint8_t ip[16]);
bool dp_addr6_is_snm_probed(const struct dp_addrs *a, const uint8_t ip[16]);
bool dp_prefix4_match(uint32_t a, uint32_t b, uint8_t plen);
bool dp_prefix6_match(const uint8_t *a, const uint8_t *b, uint8_t plen);
uint16_t dp_csum(const void *buf, size_t len, uint32_t sum);
uint16_t dp_csum6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		  const void *l4, uint32_t l4_len);

/* dp_eth.c: L2 helpers for the slow path. */
int dp_eth_prepend(const struct dp_iface *ifc, struct rte_mbuf *m,
		   const struct rte_ether_addr *dst, uint16_t ethertype);
void dp_eth_reply(const struct dp_iface *ifc, struct rte_mbuf *m);
void dp_slow_input(struct dp_lcore *lc, struct dp_iface *ifc,
		   struct rte_mbuf *m, enum dp_class cls,
		   const struct dp_pkt_info *pi);
/* Classify and handle a frame on the main lcore (and in tests). */
void dp_input(struct dp_lcore *lc, struct dp_iface *ifc, struct rte_mbuf *m);
/* Load the published address list (see struct dp_addrs). */
static inline const struct dp_addrs *
dp_iface_addrs(const struct dp_iface *ifc)
{
	return __atomic_load_n(&ifc->addrs, __ATOMIC_ACQUIRE);
}

/*
 * A worker hands a classified frame to the main lcore: the verdict
 * travels in the mbuf (l2_len, l3_len and hash.usr, which no PMD sets
 * without a flow rule).
 */
static inline void
dp_pkt_info_store(struct rte_mbuf *m, enum dp_class cls,
		  const struct dp_pkt_info *pi)
{
	m->l2_len = pi->l2_len;
	m->l3_len = pi->l3_len;
	m->hash.usr = (uint32_t)pi->ip_len << 16 | (uint32_t)pi->proto << 8 |
		      (uint32_t)cls;
}

static inline enum dp_class
dp_pkt_info_load(const struct rte_mbuf *m, struct dp_pkt_info *pi)
{
	pi->l2_len = m->l2_len;
	pi->l3_len = m->l3_len;
	pi->ip_len = m->hash.usr >> 16;
	pi->proto = (uint8_t)(m->hash.usr >> 8);
	pi->ethertype = 0;
	pi->drop = DP_DROP_MAX;
	return (enum dp_class)(m->hash.usr & 0xff);
}

/* dp_arp.c */
enum dp_action dp_arp_input(struct dp_lcore *lc, struct dp_iface *ifc,
			    struct rte_mbuf *m, const struct dp_pkt_info *pi);
int dp_arp_request(struct dp_lcore *lc, struct dp_iface *ifc, uint32_t tip);

/* dp_nd.c */
enum dp_action dp_nd_input(struct dp_lcore *lc, struct dp_iface *ifc,
			   struct rte_mbuf *m, const struct dp_pkt_info *pi);
int dp_nd_solicit(struct dp_lcore *lc, struct dp_iface *ifc,
		  const uint8_t target[16]);

/* dp_ra.c (main lcore): router advertisements and solicitations. */
enum dp_action dp_ra_input(struct dp_lcore *lc, struct dp_iface *ifc,
			   struct rte_mbuf *m, const struct dp_pkt_info *pi);
/* Expire the router, send the solicitations that are due. */
void dp_ra_timer(struct dp_lcore *lc, struct dp_iface *ifc);
/* Port opened or link up: DP_RS_MAX solicitations, the first after
 * delay_ns (RFC 4861 6.3.7: random, 0..MAX_RTR_SOLICITATION_DELAY). */
void dp_ra_solicit_start(struct dp_lcore *lc, struct dp_iface *ifc,
			 uint64_t delay_ns);
/* gateway6 set (fixed) or cleared by IF_GW, already published: a learned
 * router steps aside or comes back. */
void dp_ra_gw_fixed(struct dp_lcore *lc, struct dp_iface *ifc, bool fixed);

/*
 * dp_probe.c (main lcore): ADDR_PROBE, RFC 5227 2.1.1 ARP probes and
 * RFC 4862 5.4 duplicate address detection for an address not yet ours.
 */
/* 0 (first probe sent), -EEXIST, -EBUSY, -ENOSPC, -ENOMEM. */
int dp_probe_start(struct dp_lcore *lc, struct dp_iface *ifc,
		   const struct dp_msg_addr_probe *c);
/* Send what is due, end what is over, republish the probed list. */
void dp_probe_timer(struct dp_lcore *lc, struct dp_iface *ifc);
/* An ARP on ifc (any sender / target): conflicts of the probes. */
void dp_probe_arp(struct dp_lcore *lc, struct dp_iface *ifc,
		  const struct rte_arp_hdr *arp);
/* A DAD NS (source ::) for target from Ethernet source src: true when
 * target is being probed (the NS is then consumed). */
bool dp_probe_dad_ns(struct dp_lcore *lc, struct dp_iface *ifc,
		     const uint8_t target[16],
		     const struct rte_ether_addr *src);
/* An NA for target; mac: its TLLA option, else its Ethernet source. true
 * when target is being probed (consumed). */
bool dp_probe_na(struct dp_lcore *lc, struct dp_iface *ifc,
		 const uint8_t target[16], const struct rte_ether_addr *mac);
/* Replace ifc->addrs by a (a copy the caller filled): publish, bump
 * addr_gen, wait for the workers' quiescent state (qsbr), free the old. */
void dp_addrs_publish(struct rte_rcu_qsbr *qsbr, struct dp_iface *ifc,
		      struct dp_addrs *a);

/* dp_icmp.c */
enum dp_action dp_icmp4_echo(struct dp_lcore *lc, struct dp_iface *ifc,
			     struct rte_mbuf *m, const struct dp_pkt_info *pi);
enum dp_action dp_icmp6_echo(struct dp_lcore *lc, struct dp_iface *ifc,
			     struct rte_mbuf *m, const struct dp_pkt_info *pi);

/* dp_neigh.c: neighbour table (main lcore only). */
struct dp_neigh_table *dp_neigh_create(void);
void dp_neigh_free(struct dp_lcore *lc, struct dp_neigh_table *t);
/* A neighbour told us its MAC; create says whether to add unknown ones. */
void dp_neigh_learn(struct dp_lcore *lc, struct dp_iface *ifc, int family,
		    const uint8_t *addr, const struct rte_ether_addr *mac,
		    bool create);
/* Send m (IP packet, no L2) to next hop nh; queues while resolving. */
void dp_neigh_output(struct dp_lcore *lc, struct dp_iface *ifc, int family,
		     const uint8_t *nh, struct rte_mbuf *m);
void dp_neigh_timer(struct dp_lcore *lc, struct dp_iface *ifc);
int dp_neigh_lookup(struct dp_iface *ifc, int family, const uint8_t *addr,
		    struct rte_ether_addr *mac);

/*
 * dp_neigh.c: the worker-readable neighbour cache, a mirror of the table
 * kept by the main lcore (open addressing, DP_NBR_SLOTS entries per
 * interface). Each entry has a sequence count, odd while the main lcore
 * writes it: a reader copies it and checks the count did not move, and
 * may keep (idx, seq) to revalidate a cached MAC with one load.
 */
#define DP_NBR_SLOTS 1024 /* > 2 * DP_NEIGH_MAX: short probes */
#define DP_NBR_PROBE 16
struct dp_nbr_ent {
	uint32_t seq;
	uint8_t family; /* 0: never used (ends a probe) */
	uint8_t valid;	/* 0 with a family: deleted (probe goes on) */
	uint8_t mac[6];
	uint8_t addr[16];
	uint8_t pad[4];
};
_Static_assert(sizeof(struct dp_nbr_ent) == 32, "two per cache line");
struct dp_nbr_cache {
	struct dp_nbr_ent e[DP_NBR_SLOTS];
};
/* The cache of ifc (the first member of its neighbour table). */
static inline const struct dp_nbr_cache *
dp_iface_nbr(const struct dp_iface *ifc)
{
	return (const struct dp_nbr_cache *)(const void *)ifc->neigh;
}
/* Any lcore: 0 and the entry's (idx, seq) and MAC, or -ENOENT. */
int dp_nbr_lookup(const struct dp_nbr_cache *c, int family, const uint8_t *addr,
		  uint16_t *idxp, uint32_t *seqp, struct rte_ether_addr *mac);
/* Any lcore: is entry idx still what was read with seq? */
static inline bool
dp_nbr_valid(const struct dp_nbr_cache *c, uint16_t idx, uint32_t seq)
{
	return __atomic_load_n(&c->e[idx].seq, __ATOMIC_ACQUIRE) == seq;
}

/* dp_route.c: IP packets the kernel wrote to the exception interface. */
void dp_route_from_kernel(struct dp_lcore *lc, struct dp_iface *ifc,
			  struct rte_mbuf *m);
/* An IP packet (no L2) of ours out of ifc: next hop, neighbour, send. */
void dp_route_output(struct dp_lcore *lc, struct dp_iface *ifc,
		     struct rte_mbuf *m);

/* dp_log.c */
void dp_log_open(const char *instance, bool use_syslog, int level);
void dp_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define DP_ERR(...) dp_log(0, __VA_ARGS__)
#define DP_WARN(...) dp_log(1, __VA_ARGS__)
#define DP_NOTICE(...) dp_log(2, __VA_ARGS__)
#define DP_INFO(...) dp_log(3, __VA_ARGS__)
#define DP_DEBUG(...) dp_log(4, __VA_ARGS__)

#endif
