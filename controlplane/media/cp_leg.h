/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media legs in the control plane: the table of the legs this process has
 * installed in esg-dataplane (docs/controlplane.md "Media legs").
 *
 * A leg is a local media endpoint (interface, own address, RTP port and
 * RTCP port or rtcp-mux) with a signalled remote, a bound peer leg, flags,
 * DSCP and policing. The table allocates leg ids (0 .. max_legs - 1 of the
 * dataplane), sends the LEG_* commands through the dataplane link
 * (cp_dp), records what it installed, tracks every RESULT, keeps the
 * latched remote of LEG_LATCHED events and passes LEG_INACTIVE to the
 * owner. A dataplane restart (new epoch) starts empty: every live leg is
 * installed again, paced so the command ring and the pending list never
 * overflow (ARCHITECTURE.md restart rules: no call is dropped by a
 * restart of either process).
 *
 * Objects are refcounted (libre mem): mem_deref() of a leg deletes it from
 * the dataplane; the table keeps a leg's id reserved until the dataplane
 * confirmed the deletion, so a late event or RESULT of the old leg never
 * reaches a new leg with the same id. Functions return 0 or a positive
 * errno; a command that fails in the dataplane is reported to the leg's
 * event handler (CP_LEG_EV_ERROR) and kept in cp_leg_info().
 *
 * Time: the table sends with the now_ns of the last cp_leg_attach() or
 * cp_leg_poll() (STYLE rule 7: tests drive it without sleeping).
 */
#ifndef CP_LEG_H
#define CP_LEG_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "cp_dp.h"

struct cp_leg_tbl;
struct cp_leg;

/* What LEG_ADD installs: fixed for the life of the leg except flags and
 * timers (cp_leg_mod). */
struct cp_leg_prm {
	uint16_t ifport;     /* interface index: position in the config */
	struct sa local;     /* own address and RTP port (even, RFC 3550 11) */
	uint16_t rtcp_port;  /* 0: rtcp-mux on the RTP port (RFC 5761) */
	uint8_t flags;	     /* DP_LEG_F_* */
	uint16_t relatch_ms; /* 0: the dataplane's default */
	uint32_t idle_ms;    /* LEG_INACTIVE after this long; 0: never */
	uint32_t clock_hz;   /* RTP clock (RFC 3550 A.8); 0: 8000 */
};

struct cp_leg_police {
	uint32_t pps;
	uint32_t burst_pkts;
	uint32_t kbps;
	uint32_t burst_bytes;
};

enum cp_leg_event {
	CP_LEG_EV_ERROR,    /* a command failed: cmd, err */
	CP_LEG_EV_LATCHED,  /* the remote was (re)learned: cp_leg_info() */
	CP_LEG_EV_INACTIVE, /* no media for idle_ms */
};

struct cp_leg_evt {
	enum cp_leg_event type;
	uint16_t cmd;	  /* ERROR: DP_MSG_LEG_* that failed */
	int err;	  /* ERROR: positive errno (ETIMEDOUT: no RESULT) */
	uint32_t idle_ms; /* INACTIVE */
};

typedef void(cp_leg_event_h)(struct cp_leg *leg, const struct cp_leg_evt *ev,
			     void *arg);

/* A copy of what the table holds for a leg. */
struct cp_leg_info {
	uint32_t id;
	struct cp_leg_prm prm;
	bool has_remote;
	struct sa remote;     /* signalled RTP address and port */
	uint16_t remote_rtcp; /* signalled RTCP port, 0: RTP + 1 or mux */
	uint32_t peer_id;     /* DP_LEG_NONE: unbound */
	bool dscp_set;
	uint8_t dscp; /* 0..63 or DP_DSCP_KEEP */
	bool police_set;
	struct cp_leg_police police;
	bool latched;
	struct sa latched_rtp;	/* source that latched by RTP (or mux) */
	struct sa latched_rtcp; /* by RTCP on its own port; unset if none */
	uint32_t latches;	/* as counted by the dataplane */
	bool installed;		/* LEG_ADD confirmed by this dataplane epoch */
	bool pending;		/* something still to send (detached, paced) */
	int err;		/* last failure (positive errno), 0: none */
	uint16_t err_cmd;	/* the command that failed */
};

struct cp_leg_counters {
	uint64_t legs;	       /* live now */
	uint64_t allocs;       /* legs created */
	uint64_t cmds_sent;    /* LEG_* commands put on the ring */
	uint64_t cmds_ok;      /* RESULT 0 */
	uint64_t cmds_failed;  /* RESULT < 0, or no RESULT in time */
	uint64_t cmds_late;    /* could not be sent yet: ring or pacing */
	uint64_t attaches;     /* dataplane attaches handled */
	uint64_t reinstalls;   /* legs installed again on an attach */
	uint64_t latched;      /* LEG_LATCHED for a leg of ours */
	uint64_t inactive;     /* LEG_INACTIVE for a leg of ours */
	uint64_t evt_unknown;  /* an event for an id not ours */
	uint64_t orphans;      /* ids in use in the dataplane, not ours */
	uint64_t orphans_del;  /* of those, deleted once inactive */
	uint64_t out_of_range; /* legs beyond the dataplane's max_legs */
};

/*
 * The table; max_legs is this process's limit (dataplane.max_legs of the
 * configuration); ids are further limited by the attached dataplane's
 * stats->max_legs. The table installs itself as the link's leg event
 * handler. Free it only after the link (cp_dp) is no longer polled: the
 * link's pending commands point to it.
 */
int cp_leg_tbl_alloc(struct cp_leg_tbl **tblp, struct cp_dp *dp,
		     uint32_t max_legs);
/* Call from the link's attach handler (cp_dp_attach_h): install every
 * live leg in the (new or same) dataplane. */
void cp_leg_attach(struct cp_leg_tbl *tbl, uint64_t epoch, uint64_t now_ns);
/* Call after cp_dp_poll(): sends what is still due, at most
 * CP_LEG_INFLIGHT commands waiting for their RESULT at a time. */
void cp_leg_poll(struct cp_leg_tbl *tbl, uint64_t now_ns);
/* Shutdown of the control plane: send nothing more, so the legs freed
 * afterwards stay in the dataplane and media keeps flowing until the next
 * control plane takes over. */
void cp_leg_tbl_close(struct cp_leg_tbl *tbl);
void cp_leg_tbl_counters(const struct cp_leg_tbl *tbl,
			 struct cp_leg_counters *c);
/* The live leg with this id, or NULL (no reference taken). */
struct cp_leg *cp_leg_find(const struct cp_leg_tbl *tbl, uint32_t id);
/* Ids this table may hand out now. */
uint32_t cp_leg_tbl_limit(const struct cp_leg_tbl *tbl);

/*
 * A new leg: allocates an id and sends LEG_ADD (now, or at the next
 * attach). ENOSPC: no free id; EINVAL: bad parameters (family, port 0,
 * RTCP port equal to the RTP port, flags, clock); EAFNOSUPPORT: not IPv4
 * or IPv6.
 */
int cp_leg_alloc(struct cp_leg **legp, struct cp_leg_tbl *tbl,
		 const struct cp_leg_prm *prm, cp_leg_event_h *eh, void *arg);
/* Flags and timers (LEG_MOD); the latched remote is kept. */
int cp_leg_mod(struct cp_leg *leg, uint8_t flags, uint16_t relatch_ms,
	       uint32_t idle_ms, uint32_t clock_hz);
/* The remote signalled in SDP (LEG_REMOTE); same family as the leg.
 * relatch: forget the latched source (a new offer/answer moved it). */
int cp_leg_remote(struct cp_leg *leg, const struct sa *rtp, uint16_t rtcp_port,
		  bool relatch);
/* Bind a and b (LEG_BIND); b NULL unbinds a. Former peers of either are
 * unbound first. */
int cp_leg_bind(struct cp_leg *a, struct cp_leg *b);
int cp_leg_dscp(struct cp_leg *leg, uint8_t dscp);
/* All zero: no policing. */
int cp_leg_police(struct cp_leg *leg, const struct cp_leg_police *p);

uint32_t cp_leg_id(const struct cp_leg *leg);
void cp_leg_info(const struct cp_leg *leg, struct cp_leg_info *info);

/* At most this many commands of the table wait for a RESULT. */
#define CP_LEG_INFLIGHT 1024

#endif
