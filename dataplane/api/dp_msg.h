/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The message list of the contract between esg-controlplane and
 * esg-dataplane. Every message is a fixed-size plain struct without
 * pointers; each is listed once in DP_MSG_LIST, which gives the type enum,
 * the names, the direction rules and the size table written into the
 * shared-memory header. See docs/contract.md.
 */
#ifndef DP_MSG_H
#define DP_MSG_H

#include <stdint.h>
#include <stddef.h>

/* One ring slot on the command and event rings. Every message fits in it. */
#define DP_MSG_SIZE 64

#define DP_MAX_PORTS 16
#define DP_IFNAME_LEN 16

/* Who may send a message. */
#define DP_DIR_CMD 0x1 /* control plane -> dataplane (command ring) */
#define DP_DIR_EVT 0x2 /* dataplane -> control plane (event ring) */
#define DP_DIR_BOTH (DP_DIR_CMD | DP_DIR_EVT)

/*
 * X(NAME, struct name, directions)
 * Append only: the position is the wire value. A changed struct or a new
 * entry bumps DP_API_VERSION (dp_shm.h).
 */
#define DP_MSG_LIST(X)                                                         \
	X(PING, dp_msg_ping, DP_DIR_BOTH)                                      \
	X(PONG, dp_msg_ping, DP_DIR_BOTH)                                      \
	X(RESULT, dp_msg_result, DP_DIR_EVT)                                   \
	X(IF_ADDR_ADD, dp_msg_if_addr, DP_DIR_CMD)                             \
	X(IF_ADDR_DEL, dp_msg_if_addr, DP_DIR_CMD)                             \
	X(IF_STATE, dp_msg_if_state, DP_DIR_EVT)                               \
	X(NEIGH, dp_msg_neigh, DP_DIR_EVT)                                     \
	X(LEG_ADD, dp_msg_leg_add, DP_DIR_CMD)                                 \
	X(LEG_MOD, dp_msg_leg_mod, DP_DIR_CMD)                                 \
	X(LEG_DEL, dp_msg_leg_id, DP_DIR_CMD)                                  \
	X(LEG_BIND, dp_msg_leg_bind, DP_DIR_CMD)                               \
	X(LEG_REMOTE, dp_msg_leg_remote, DP_DIR_CMD)                           \
	X(LEG_DSCP, dp_msg_leg_dscp, DP_DIR_CMD)                               \
	X(LEG_POLICE, dp_msg_leg_police, DP_DIR_CMD)                           \
	X(LEG_BULK_DEL, dp_msg_leg_bulk_del, DP_DIR_CMD)                       \
	X(LEG_LATCHED, dp_msg_leg_latched, DP_DIR_EVT)                         \
	X(LEG_INACTIVE, dp_msg_leg_inactive, DP_DIR_EVT)                       \
	X(IF_GW, dp_msg_if_gw, DP_DIR_CMD)                                     \
	X(ADDR_PROBE, dp_msg_addr_probe, DP_DIR_CMD)                           \
	X(ADDR_PROBED, dp_msg_addr_probed, DP_DIR_EVT)

enum dp_msg_type {
	DP_MSG_NONE =
		0, /* never valid on a ring: zeroed memory is not a message */
#define DP_MSG_ENUM(name, st, dir) DP_MSG_##name,
	DP_MSG_LIST(DP_MSG_ENUM)
#undef DP_MSG_ENUM
		DP_MSG_MAX
};

/* Header of every message. */
struct dp_msg_hdr {
	uint16_t type; /* enum dp_msg_type */
	uint16_t len;  /* sizeof the message's struct */
	uint32_t seq;  /* sender's sequence; RESULT echoes the command's */
};

/* PING / PONG: liveness of the rings in either direction. */
struct dp_msg_ping {
	struct dp_msg_hdr hdr;
	uint64_t token;	  /* echoed unchanged in PONG */
	uint64_t sent_ns; /* sender's CLOCK_MONOTONIC, echoed */
};

/* RESULT: the dataplane's answer to a command (other than PING). */
struct dp_msg_result {
	struct dp_msg_hdr hdr;
	uint16_t cmd_type; /* type of the command answered */
	uint16_t pad;
	int32_t status; /* 0 or a negative errno; LEG_BULK_DEL: the count */
};

/* IF_ADDR_ADD / IF_ADDR_DEL: the ESG's own address on an interface. */
struct dp_msg_if_addr {
	struct dp_msg_hdr hdr;
	uint16_t port;	/* interface index, < DP_MAX_PORTS */
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/* IF_STATE: an interface's link changed (or its state at attach). */
struct dp_msg_if_state {
	struct dp_msg_hdr hdr;
	uint16_t port;
	uint8_t link_up;
	uint8_t pad;
	uint32_t speed_mbps;
	uint8_t mac[6];
	uint8_t pad2[2];
};

/* NEIGH: a neighbour (ARP / ND) entry was resolved, changed or expired. */
struct dp_msg_neigh {
	struct dp_msg_hdr hdr;
	uint16_t port;
	uint8_t family;
	uint8_t state; /* DP_NEIGH_* */
	uint8_t addr[16];
	uint8_t mac[6];
	uint8_t pad[2];
};

#define DP_NEIGH_REACHABLE 1
#define DP_NEIGH_FAILED 2
#define DP_NEIGH_EXPIRED 3

/*
 * Media legs (docs/contract.md "Legs"). A leg is a local media endpoint:
 * (interface, local address, local RTP port) and its RTCP port, or the
 * RTP port alone with rtcp-mux (RFC 5761). Leg ids are chosen by the
 * control plane, 0 .. max_legs - 1 (the size of the legs stats region).
 * Ports are host order; addresses network order, IPv4 in the first 4
 * bytes. Every command is answered by a RESULT.
 */
#define DP_LEG_NONE 0xffffffffu /* "no leg" in LEG_BIND */

/*
 * Leg flags (LEG_ADD, LEG_MOD); docs/relay.md "Latching" has the rules.
 * LATCH: learn the remote from the first valid packet (symmetric RTP
 *   behind NAT, RFC 4961).
 * SAME_IP: ... only from the signalled remote's IP address, any port.
 * STRICT: once latched (or, without LATCH, given a signalled remote)
 *   accept that source only: no re-latch (RTP bleed protection).
 */
#define DP_LEG_F_LATCH 0x01
#define DP_LEG_F_SAME_IP 0x02
#define DP_LEG_F_STRICT 0x04
#define DP_LEG_F_ALL 0x07
#define DP_LEG_CLOCK_MAX 1000000 /* Hz: beyond any RTP clock (RFC 3551) */

/* LEG_ADD: create a leg, unbound, with no remote. -EEXIST for an id or
 * an endpoint in use, -EADDRNOTAVAIL for an address not ours, -ERANGE for
 * a port outside dataplane.media_port_min..max, -ENOSPC when full. */
struct dp_msg_leg_add {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint16_t port;	     /* interface index */
	uint8_t family;	     /* AF_INET or AF_INET6 */
	uint8_t flags;	     /* DP_LEG_F_* */
	uint16_t rtp_port;   /* local UDP port, even by RFC 3550 11 */
	uint16_t rtcp_port;  /* local; 0: rtcp-mux on rtp_port (RFC 5761) */
	uint32_t idle_ms;    /* LEG_INACTIVE after this long silent; 0: never */
	uint32_t clock_hz;   /* RTP clock for jitter (RFC 3550 A.8); 0: 8000 */
	uint16_t relatch_ms; /* without STRICT: a new source may take over
			      * after the latched one is silent this long */
	uint8_t pad[2];
	uint8_t addr[16]; /* local address, one of the interface's own */
};

/* LEG_MOD: change flags and timers; the latched remote is kept. */
struct dp_msg_leg_mod {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint8_t flags;
	uint8_t pad;
	uint16_t relatch_ms;
	uint32_t idle_ms;
	uint32_t clock_hz;
};

/* LEG_DEL: remove a leg (and unbind its peer). */
struct dp_msg_leg_id {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint32_t pad;
};

/* LEG_BIND: a's media goes out of b and b's out of a. peer_id
 * DP_LEG_NONE unbinds leg_id (and its former peer). */
struct dp_msg_leg_bind {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint32_t peer_id;
};

/* LEG_REMOTE: the remote endpoint signalled in SDP; same family as the
 * leg. rtcp_port 0: rtp_port + 1, or rtp_port with rtcp-mux. */
#define DP_LEG_REMOTE_RELATCH 0x01 /* forget the latched source */
struct dp_msg_leg_remote {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint8_t family;
	uint8_t flags; /* DP_LEG_REMOTE_* */
	uint16_t rtp_port;
	uint16_t rtcp_port;
	uint8_t pad[2];
	uint8_t addr[16];
};

/* LEG_DSCP: DSCP (RFC 2474) of the packets sent out of this leg;
 * DP_DSCP_KEEP copies the received packet's. */
#define DP_DSCP_KEEP 0xff
struct dp_msg_leg_dscp {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint8_t dscp; /* 0..63 or DP_DSCP_KEEP */
	uint8_t pad[3];
};

/* LEG_POLICE: token buckets on what the leg receives; 0 = no limit. */
struct dp_msg_leg_police {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint32_t pps;	      /* packets per second */
	uint32_t burst_pkts;  /* bucket depth; 0: pps / 10, at least 8 */
	uint32_t kbps;	      /* kbit/s of IP packets */
	uint32_t burst_bytes; /* bucket depth; 0: 100 ms of kbps, >= 1500 */
	uint32_t pad;
};

/* LEG_BULK_DEL: every leg with first_id <= id < first_id + count (count
 * 0xffffffff: all) and, unless port is 0xffff, on that interface. The
 * RESULT status is the number deleted (>= 0). */
struct dp_msg_leg_bulk_del {
	struct dp_msg_hdr hdr;
	uint32_t first_id;
	uint32_t count;
	uint16_t port;
	uint8_t pad[6];
};

/* LEG_LATCHED: the leg (re)learned its remote from a received packet. */
struct dp_msg_leg_latched {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint8_t family;
	uint8_t rtcp;	   /* 1: learned from RTCP (non-mux RTCP port) */
	uint16_t rtp_port; /* the source port */
	uint32_t latches;  /* how many times this leg latched */
	uint8_t pad[4];
	uint8_t addr[16];
};

/* LEG_INACTIVE: nothing received for idle_ms (once per silence). */
struct dp_msg_leg_inactive {
	struct dp_msg_hdr hdr;
	uint32_t leg_id;
	uint32_t idle_ms;
	uint64_t last_rx_ns; /* CLOCK_MONOTONIC; 0: never received */
};

/*
 * IF_GW: set (clear 0) or remove (clear 1) the interface's default gateway
 * of one family at run time; the configuration's gateway4 / gateway6 is
 * the initial value. The kernel exception interface's default route of
 * that family follows (added on set, deleted on clear).
 * Wire rules (dp_msg_validate): port < DP_MAX_PORTS, family AF_INET or
 * AF_INET6, clear 0 or 1; set: a unicast address of the family; clear:
 * addr all zero. RESULT: 0 (clearing an absent gateway too), -ENODEV (no
 * such interface), -EINVAL (one of the interface's own addresses),
 * -EHOSTUNREACH (not on-link when set: IPv4 not inside one of the
 * interface's connected prefixes; IPv6 neither link-local fe80::/10 nor
 * inside a connected prefix), or the kernel's error for the route (the
 * gateway is then unchanged).
 */
struct dp_msg_if_gw {
	struct dp_msg_hdr hdr;
	uint16_t port;
	uint8_t family;
	uint8_t clear;	  /* 1: no default gateway of this family */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/*
 * ADDR_PROBE: is addr in use on the link of port? (RFC 2131 4.4.1 "SHOULD
 * probe", RFC 8415 18.2.10.1 / RFC 4862 5.4: DAD). The control plane only
 * sees an L3 tun, so the dataplane probes:
 *   IPv4 (RFC 5227 2.1.1): ARP requests, sender IP 0.0.0.0, sender MAC
 *     the port's, target IP addr, Ethernet broadcast; conflict: any ARP
 *     whose sender IP is addr, or an ARP probe (sender IP 0) for addr from
 *     another MAC.
 *   IPv6 (RFC 4862 5.4.2): DAD NS, source ::, destination the
 *     solicited-node group of addr, no source link-layer option, hop
 *     limit 255; conflict: an NA for addr (5.4.4) or another host's DAD NS
 *     for addr (5.4.3).
 * probes of them, interval_ms apart, the first at once; ADDR_PROBED
 * follows once per accepted probe: conflict 0 interval_ms after the last
 * one (probes * interval_ms after the command), or conflict 1 as soon as
 * one is seen. The random PROBE_WAIT before the first probe (RFC 5227
 * 2.1.1) is the control plane's to wait. A dataplane restart loses the
 * probes in flight (no ADDR_PROBED: the control plane times out).
 * Wire rules: port < DP_MAX_PORTS, family, 1 <= probes <=
 * DP_PROBE_NUM_MAX, DP_PROBE_IV_MIN_MS <= interval_ms <=
 * DP_PROBE_IV_MAX_MS, addr unicast of the family. RESULT: 0 (accepted),
 * -ENODEV (no such interface), -EEXIST (addr is already an own address of
 * the interface), -EBUSY (addr is being probed on the interface),
 * -ENOSPC (DP_PROBE_MAX probes in flight on the interface).
 */
#define DP_PROBE_MAX 4 /* probes in flight per interface */
#define DP_PROBE_NUM_MAX 10
#define DP_PROBE_IV_MIN_MS 10
#define DP_PROBE_IV_MAX_MS 10000
struct dp_msg_addr_probe {
	struct dp_msg_hdr hdr;
	uint16_t port;
	uint8_t family;
	uint8_t probes;	      /* packets to send, 1..DP_PROBE_NUM_MAX */
	uint32_t interval_ms; /* between them, and after the last */
	uint32_t token;	      /* the caller's, echoed in ADDR_PROBED */
	uint8_t addr[16];
};

/* ADDR_PROBED: the outcome of one ADDR_PROBE (its port, family, addr and
 * token). conflict 1: mac is the other host's (ARP sender hardware
 * address; the NA's target link-layer option, else its Ethernet source;
 * a DAD NS's Ethernet source); conflict 0: mac is zero. */
struct dp_msg_addr_probed {
	struct dp_msg_hdr hdr;
	uint16_t port;
	uint8_t family;
	uint8_t conflict; /* 0: nobody answered; 1: in use */
	uint32_t token;
	uint8_t addr[16];
	uint8_t mac[6];
	uint8_t pad[2];
};

/* One ring slot: the union of all messages. */
union dp_msg {
	struct dp_msg_hdr hdr;
	struct dp_msg_ping ping; /* PING, PONG */
	struct dp_msg_result result;
	struct dp_msg_if_addr if_addr; /* IF_ADDR_ADD, IF_ADDR_DEL */
	struct dp_msg_if_state if_state;
	struct dp_msg_neigh neigh;
	struct dp_msg_leg_add leg_add;
	struct dp_msg_leg_mod leg_mod;
	struct dp_msg_leg_id leg_del;
	struct dp_msg_leg_bind leg_bind;
	struct dp_msg_leg_remote leg_remote;
	struct dp_msg_leg_dscp leg_dscp;
	struct dp_msg_leg_police leg_police;
	struct dp_msg_leg_bulk_del leg_bulk_del;
	struct dp_msg_leg_latched leg_latched;
	struct dp_msg_leg_inactive leg_inactive;
	struct dp_msg_if_gw if_gw;
	struct dp_msg_addr_probe addr_probe;
	struct dp_msg_addr_probed addr_probed;
	uint8_t raw[DP_MSG_SIZE];
};
#define DP_MSG_FITS(name, st, dir)                                             \
	_Static_assert(sizeof(struct st) <= DP_MSG_SIZE, #st " fits a slot");
DP_MSG_LIST(DP_MSG_FITS)
#undef DP_MSG_FITS

/* The pinned sizes: a change here is a contract change. */
_Static_assert(sizeof(struct dp_msg_hdr) == 8, "dp_msg_hdr size");
_Static_assert(sizeof(struct dp_msg_ping) == 24, "dp_msg_ping size");
_Static_assert(sizeof(struct dp_msg_result) == 16, "dp_msg_result size");
_Static_assert(sizeof(struct dp_msg_if_addr) == 28, "dp_msg_if_addr size");
_Static_assert(sizeof(struct dp_msg_if_state) == 24, "dp_msg_if_state size");
_Static_assert(sizeof(struct dp_msg_neigh) == 36, "dp_msg_neigh size");
_Static_assert(sizeof(struct dp_msg_leg_add) == 48, "dp_msg_leg_add size");
_Static_assert(sizeof(struct dp_msg_leg_mod) == 24, "dp_msg_leg_mod size");
_Static_assert(sizeof(struct dp_msg_leg_id) == 16, "dp_msg_leg_id size");
_Static_assert(sizeof(struct dp_msg_leg_bind) == 16, "dp_msg_leg_bind size");
_Static_assert(sizeof(struct dp_msg_leg_remote) == 36,
	       "dp_msg_leg_remote size");
_Static_assert(sizeof(struct dp_msg_leg_dscp) == 16, "dp_msg_leg_dscp size");
_Static_assert(sizeof(struct dp_msg_leg_police) == 32,
	       "dp_msg_leg_police size");
_Static_assert(sizeof(struct dp_msg_leg_bulk_del) == 24,
	       "dp_msg_leg_bulk_del size");
_Static_assert(sizeof(struct dp_msg_leg_latched) == 40,
	       "dp_msg_leg_latched size");
_Static_assert(sizeof(struct dp_msg_leg_inactive) == 24,
	       "dp_msg_leg_inactive size");
_Static_assert(sizeof(struct dp_msg_if_gw) == 28, "dp_msg_if_gw size");
_Static_assert(sizeof(struct dp_msg_addr_probe) == 36,
	       "dp_msg_addr_probe size");
_Static_assert(sizeof(struct dp_msg_addr_probed) == 40,
	       "dp_msg_addr_probed size");
_Static_assert(sizeof(union dp_msg) == DP_MSG_SIZE, "ring slot size");

/* Packets on the punt (dp -> cp) and inject (cp -> dp) rings. */
#define DP_PKT_MAX 2032
struct dp_pkt_msg {
	struct dp_msg_hdr hdr; /* type DP_MSG_NONE; len = bytes used in data */
	uint16_t port;
	uint16_t flags;
	uint32_t leg_id; /* later: the media leg the packet belongs to */
	uint8_t data[DP_PKT_MAX];
};
_Static_assert(sizeof(struct dp_pkt_msg) == 2048, "dp_pkt_msg size");

const char *dp_msg_name(uint16_t type);
size_t dp_msg_size(uint16_t type);

/*
 * Validate a message already copied out of shared memory.
 * dir is the ring it came from (DP_DIR_CMD or DP_DIR_EVT).
 * Returns 0 or a negative errno (-EBADMSG: bad type, length or direction;
 * -EINVAL: a field out of range).
 */
int dp_msg_validate(const union dp_msg *m, unsigned int dir);

#endif
