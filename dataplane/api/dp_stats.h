/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The stats region of the shared segment. Written only by the dataplane:
 * each lcore writes its own cache-aligned block, so nothing shared is
 * written on the fast path. Readers (esgctl, mgmt) sum over lcores.
 * Counter names are copied into the region so a reader shows the names of
 * the dataplane that runs, not the ones it was built with.
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>

#include "dp_msg.h"

#define DP_MAX_LCORES 16
#define DP_STAT_NAME_LEN 32

/*
 * Drop reasons: every dropped packet is counted under exactly one.
 * X(NAME, "name shown by esgctl", "what it means")
 */
#define DP_DROP_LIST(X)                                                        \
	X(ETH_SHORT, "eth_short", "frame shorter than an Ethernet header")     \
	X(ETH_NOT_OURS, "eth_not_ours", "unicast to another MAC")              \
	X(ETHERTYPE, "ethertype", "ethertype not handled")                     \
	X(VLAN, "vlan", "VLAN tag not configured")                             \
	X(ARP_BAD, "arp_bad", "malformed ARP")                                 \
	X(ARP_NOT_OURS, "arp_not_ours", "ARP for an address not ours")         \
	X(IP4_SHORT, "ip4_short", "IPv4 header truncated")                     \
	X(IP4_VERSION, "ip4_version", "IPv4 version field not 4")              \
	X(IP4_HDR_LEN, "ip4_hdr_len", "IPv4 IHL below 5 or past the packet")   \
	X(IP4_TOTAL_LEN, "ip4_total_len", "IPv4 total length inconsistent")    \
	X(IP4_CSUM, "ip4_csum", "IPv4 header checksum wrong")                  \
	X(IP4_TTL, "ip4_ttl", "IPv4 TTL expired")                              \
	X(IP4_NOT_OURS, "ip4_not_ours", "IPv4 destination not ours")           \
	X(IP4_SRC_BAD, "ip4_src_bad", "IPv4 source multicast or broadcast")    \
	X(IP4_FRAG, "ip4_frag", "IPv4 fragment to a media port")               \
	X(IP6_SHORT, "ip6_short", "IPv6 header truncated")                     \
	X(IP6_VERSION, "ip6_version", "IPv6 version field not 6")              \
	X(IP6_PAYLOAD_LEN, "ip6_payload_len",                                  \
	  "IPv6 payload length inconsistent")                                  \
	X(IP6_NOT_OURS, "ip6_not_ours", "IPv6 destination not ours")           \
	X(IP6_SRC_BAD, "ip6_src_bad", "IPv6 source multicast")                 \
	X(IP6_HOPLIMIT, "ip6_hoplimit", "IPv6 hop limit expired")              \
	X(ND_BAD, "nd_bad",                                                    \
	  "malformed or unauthenticated neighbour discovery")                  \
	X(ICMP_BAD, "icmp_bad", "malformed ICMP or ICMPv6")                    \
	X(ICMP_RATE, "icmp_rate", "ICMP echo over the rate limit")             \
	X(L4_SHORT, "l4_short", "UDP/TCP header truncated")                    \
	X(UDP_LEN, "udp_len", "UDP length inconsistent")                       \
	X(NO_ROUTE, "no_route", "no route to the destination")                 \
	X(NEIGH_PENDING_FULL, "neigh_pending_full",                            \
	  "too many packets waiting for a neighbour")                          \
	X(NEIGH_FAILED, "neigh_failed", "neighbour did not answer")            \
	X(EXC_RING_FULL, "exc_ring_full", "worker to main-lcore ring full")    \
	X(EXC_KERNEL_FULL, "exc_kernel_full",                                  \
	  "kernel exception interface did not take it")                        \
	X(EXC_FROM_KERNEL_BAD, "exc_from_kernel_bad",                          \
	  "kernel sent an unusable packet")                                    \
	X(TX_FULL, "tx_full", "port transmit queue full")                      \
	X(NO_MBUF, "no_mbuf", "mbuf pool exhausted")                           \
	X(ETH_SRC_BAD, "eth_src_bad", "source MAC multicast or zero")          \
	X(ARP_CONFLICT, "arp_conflict",                                        \
	  "another host uses one of our IPv4 addresses")                       \
	X(ND_HOPLIMIT, "nd_hoplimit",                                          \
	  "ND not sent with hop limit 255 (RFC 4861 7.1)")                     \
	X(ND_NOT_OURS, "nd_not_ours", "NS for an address not ours")            \
	X(ND_UNHANDLED, "nd_unhandled",                                        \
	  "router solicitation (we are a host) or redirect")                   \
	X(ND_CONFLICT, "nd_conflict",                                          \
	  "another host advertises one of our IPv6 addresses")                 \
	X(ICMP_BCAST, "icmp_bcast", "ICMP echo to a broadcast address")        \
	X(NEIGH_FULL, "neigh_full", "neighbour table full")                    \
	X(MBUF_CHAINED, "mbuf_chained", "frame spans several mbufs")           \
	X(MEDIA_NO_LEG, "media_no_leg",                                        \
	  "UDP to the media port range without a leg")                         \
	X(MEDIA_NOT_RTP, "media_not_rtp",                                      \
	  "not RTP/RTCP by its first byte (RFC 7983): STUN, DTLS, other")      \
	X(RTP_BAD, "rtp_bad", "RTP/RTCP version not 2 or header truncated")    \
	X(IP4_OPTIONS, "ip4_options", "IPv4 options on media")                 \
	X(IP6_EXT, "ip6_ext", "IPv6 extension header on media")                \
	X(LEG_SRC, "leg_src", "media from a source the leg does not accept")   \
	X(LEG_POLICE, "leg_police", "over the leg's packet or bit rate")       \
	X(LEG_NO_PEER, "leg_no_peer",                                          \
	  "leg unbound, or its peer has no remote yet")                        \
	X(LEG_MTU, "leg_mtu", "relayed packet larger than the egress MTU")     \
	X(HANDOFF_FULL, "handoff_full", "ring to the leg's worker full")       \
	X(UDP6_CSUM0, "udp6_csum0",                                            \
	  "IPv6 UDP with checksum zero (RFC 8200 8.1) to a media port")        \
	X(ND_RA_BAD, "nd_ra_bad",                                              \
	  "router advertisement failing RFC 4861 6.1.2 validation")

enum dp_drop {
#define DP_DROP_ENUM(n, s, d) DP_DROP_##n,
	DP_DROP_LIST(DP_DROP_ENUM)
#undef DP_DROP_ENUM
		DP_DROP_MAX
};

/* Event counters (not drops). */
#define DP_CNT_LIST(X)                                                         \
	X(ARP_REQUEST_RX, "arp_request_rx")                                    \
	X(ARP_REPLY_TX, "arp_reply_tx")                                        \
	X(ARP_REPLY_RX, "arp_reply_rx")                                        \
	X(ARP_REQUEST_TX, "arp_request_tx")                                    \
	X(ND_NS_RX, "nd_ns_rx")                                                \
	X(ND_NA_TX, "nd_na_tx")                                                \
	X(ND_NA_RX, "nd_na_rx")                                                \
	X(ND_NS_TX, "nd_ns_tx")                                                \
	X(ICMP4_ECHO_REPLY, "icmp4_echo_reply")                                \
	X(ICMP6_ECHO_REPLY, "icmp6_echo_reply")                                \
	X(EXC_TO_KERNEL, "exc_to_kernel")                                      \
	X(EXC_FROM_KERNEL, "exc_from_kernel")                                  \
	X(NEIGH_ADDED, "neigh_added")                                          \
	X(NEIGH_EXPIRED, "neigh_expired")                                      \
	X(CMD_RX, "cmd_rx")                                                    \
	X(CMD_BAD, "cmd_bad")                                                  \
	X(EVT_TX, "evt_tx")                                                    \
	X(EVT_RING_FULL, "evt_ring_full")                                      \
	X(PING_TX, "ping_tx")                                                  \
	X(PONG_RX, "pong_rx")                                                  \
	X(PING_RX, "ping_rx")                                                  \
	X(NEIGH_FAILED, "neigh_failed")                                        \
	X(ND_DAD_DEFEND, "nd_dad_defend")                                      \
	X(RELAY_TX, "relay_tx")                                                \
	X(RELAY_RESOLVE, "relay_resolve")                                      \
	X(HANDOFF_TX, "handoff_tx")                                            \
	X(HANDOFF_RX, "handoff_rx")                                            \
	X(LEG_LATCH, "leg_latch")                                              \
	X(LEG_INACTIVE, "leg_inactive")                                        \
	X(LEG_CMD_FAIL, "leg_cmd_fail")                                        \
	X(LEG_NOTE_LOST, "leg_note_lost")                                      \
	X(PROBE_TX, "probe_tx")                                                \
	X(PROBE_CONFLICT, "probe_conflict")                                    \
	X(ND_RA_RX, "nd_ra_rx")                                                \
	X(ND_RS_TX, "nd_rs_tx")                                                \
	X(RA_ROUTER_SET, "ra_router_set")                                      \
	X(RA_ROUTER_EXPIRED, "ra_router_expired")

enum dp_cnt {
#define DP_CNT_ENUM(n, s) DP_CNT_##n,
	DP_CNT_LIST(DP_CNT_ENUM)
#undef DP_CNT_ENUM
		DP_CNT_MAX
};

#define DP_STATS_MAX_DROPS 64
#define DP_STATS_MAX_CNTS 64
_Static_assert(DP_DROP_MAX <= DP_STATS_MAX_DROPS, "too many drop reasons");
_Static_assert(DP_CNT_MAX <= DP_STATS_MAX_CNTS, "too many counters");

/* Per port, per lcore: software counters of what the dataplane did. */
struct dp_stats_port_lcore {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t drops;
	uint64_t pad[3];
};
_Static_assert(sizeof(struct dp_stats_port_lcore) == 64, "one cache line");

/* Per port: identity and hardware counters (written by the main lcore). */
struct dp_stats_port {
	char name[DP_IFNAME_LEN];      /* configured interface name */
	char exception[DP_IFNAME_LEN]; /* kernel exception interface */
	char device[64];	       /* PCI address or vdev args */
	uint8_t mac[6];
	uint8_t link_up;
	uint8_t in_use;
	uint32_t speed_mbps;
	uint64_t hw_ipackets;
	uint64_t hw_opackets;
	uint64_t hw_ibytes;
	uint64_t hw_obytes;
	uint64_t hw_imissed;
	uint64_t hw_ierrors;
	uint64_t hw_oerrors;
	uint64_t hw_rx_nombuf;
	uint8_t pad[16];
	struct dp_stats_port_lcore lcore[DP_MAX_LCORES];
};
_Static_assert(sizeof(struct dp_stats_port) % 64 == 0, "cache-line multiple");

/* Per lcore: drop reasons and counters, one writer each. */
struct dp_stats_lcore {
	uint64_t drops[DP_STATS_MAX_DROPS];
	uint64_t cnt[DP_STATS_MAX_CNTS];
	uint64_t polls;	      /* rx bursts attempted */
	uint64_t busy_polls;  /* rx bursts that returned packets */
	uint64_t idle_sleeps; /* dataplane.idle_sleep_us naps taken */
	uint32_t lcore_id;
	uint8_t in_use;
	uint8_t is_main;
	uint8_t pad[34];
};
_Static_assert(sizeof(struct dp_stats_lcore) % 64 == 0, "cache-line multiple");

struct dp_stats {
	uint32_t nb_ports;
	uint32_t nb_lcores;
	uint32_t nb_drops;     /* DP_DROP_MAX of the writer */
	uint32_t nb_cnts;      /* DP_CNT_MAX of the writer */
	uint32_t nb_leg_drops; /* DP_LEG_DROP_MAX of the writer */
	uint32_t max_legs;     /* slots in the legs region */
	uint8_t pad[40];
	char drop_names[DP_STATS_MAX_DROPS][DP_STAT_NAME_LEN];
	char cnt_names[DP_STATS_MAX_CNTS][DP_STAT_NAME_LEN];
	char leg_drop_names[8][DP_STAT_NAME_LEN];
	struct dp_stats_port port[DP_MAX_PORTS];
	struct dp_stats_lcore lcore[DP_MAX_LCORES];
};
_Static_assert(sizeof(struct dp_stats) % 64 == 0, "cache-line multiple");

/*
 * Per leg (legs region of the segment, indexed by leg id): written only
 * by the worker that owns the leg, read by anyone. The dataplane zeroes a
 * slot before a new leg with that id receives anything; gen tells a reader
 * that the id was reused between two reads.
 */
#define DP_LEG_DROP_LIST(X)                                                    \
	X(SRC, "src", "from a source the leg does not accept")                 \
	X(POLICE, "police", "over the leg's packet or bit rate")               \
	X(NO_PEER, "no_peer", "unbound, or the peer has no remote")            \
	X(NOT_RTP, "not_rtp", "not RTP/RTCP, or a bad RTP/RTCP header")        \
	X(OTHER, "other", "no route, MTU, ring or queue full")

enum dp_leg_drop {
#define DP_LEG_DROP_ENUM(n, s, d) DP_LEG_DROP_##n,
	DP_LEG_DROP_LIST(DP_LEG_DROP_ENUM)
#undef DP_LEG_DROP_ENUM
		DP_LEG_DROP_MAX
};
#define DP_LEG_STATS_DROPS 5
_Static_assert(DP_LEG_DROP_MAX <= DP_LEG_STATS_DROPS, "leg drop slots");

struct dp_leg_stats {
	uint64_t rx_pkts;  /* accepted from the leg's remote */
	uint64_t rx_bytes; /* their IP bytes */
	uint64_t fwd_pkts; /* of those, sent out of the peer leg */
	uint64_t fwd_bytes;
	uint64_t last_rx_ns; /* CLOCK_MONOTONIC of the last accepted */
	uint32_t rtcp_pkts;  /* of rx_pkts, RTCP (RFC 3550 6, RFC 5761 4) */
	uint32_t gen;	     /* bumped each time the id is (re)used */
	/* RTP receiver statistics, RFC 3550 A.1 / A.3 / A.8 */
	uint32_t ssrc;	       /* current sender */
	uint32_t ssrc_changes; /* a new SSRC restarted the statistics */
	uint32_t rtp_received; /* RTP packets since the SSRC started */
	uint32_t ext_max_seq;  /* cycles << 16 | highest seq seen */
	uint32_t base_seq;     /* first seq of this SSRC (extended) */
	uint32_t jitter;       /* A.8 estimate x 16, RTP timestamp units */
	uint32_t transit;      /* A.8: last relative transit time */
	uint32_t latches;      /* remote learned or re-learned */
	uint64_t drops[DP_LEG_STATS_DROPS]; /* enum dp_leg_drop */
	uint8_t in_use;			    /* 1 while the leg exists */
	uint8_t flags;			    /* DP_LEG_F_* as installed */
	/* RFC 3550 A.1 state of dataplane/relay/dp_rtp.h */
	uint16_t rtp_bad_seq; /* A.1 bad_seq, with DP_RTP_STATE_BAD_SEQ */
	uint8_t rtp_state;    /* DP_RTP_STATE_*; 0 = no RTP source yet */
	uint8_t pad[3];
};
_Static_assert(sizeof(struct dp_leg_stats) == 128, "two cache lines");

/* Fill the name tables (the dataplane calls it once at create). */
void dp_stats_init(struct dp_stats *st);

#endif
