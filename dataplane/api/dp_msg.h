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
 * entry bumps DP_API_VERSION (dp_api.h).
 */
#define DP_MSG_LIST(X)                                                         \
	X(PING, dp_msg_ping, DP_DIR_BOTH)                                      \
	X(PONG, dp_msg_ping, DP_DIR_BOTH)                                      \
	X(RESULT, dp_msg_result, DP_DIR_EVT)                                   \
	X(IF_ADDR_ADD, dp_msg_if_addr, DP_DIR_CMD)                             \
	X(IF_ADDR_DEL, dp_msg_if_addr, DP_DIR_CMD)                             \
	X(IF_STATE, dp_msg_if_state, DP_DIR_EVT)                               \
	X(NEIGH, dp_msg_neigh, DP_DIR_EVT)

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
	int32_t status; /* 0 or a negative errno */
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

/* One ring slot: the union of all messages. */
union dp_msg {
	struct dp_msg_hdr hdr;
	struct dp_msg_ping ping; /* PING, PONG */
	struct dp_msg_result result;
	struct dp_msg_if_addr if_addr; /* IF_ADDR_ADD, IF_ADDR_DEL */
	struct dp_msg_if_state if_state;
	struct dp_msg_neigh neigh;
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
