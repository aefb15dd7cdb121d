/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the media leg table (cp_leg.c: objects, ids, the owner's calls;
 * cp_leg_sync.c: what goes to the dataplane and what comes back).
 */
#ifndef CP_LEG_INT_H
#define CP_LEG_INT_H

#include "cp_leg.h"

/* What an id is doing. An id is handed out again only when FREE. */
enum cp_leg_id_state {
	CP_LEG_ID_FREE = 0,
	CP_LEG_ID_LIVE,	    /* a leg of ours */
	CP_LEG_ID_DRAINING, /* LEG_DEL sent, its RESULT not yet back */
	CP_LEG_ID_OWED,	    /* LEG_DEL still to send (link down, ring) */
	CP_LEG_ID_FOREIGN,  /* in use in the dataplane, not ours */
};

/* What the dataplane still has to be told about a leg, sent in bit
 * order: the leg exists before anything refers to it. */
#define CP_LEG_NEED_ADD 0x01
#define CP_LEG_NEED_MOD 0x02
#define CP_LEG_NEED_REMOTE 0x04
#define CP_LEG_NEED_DSCP 0x08
#define CP_LEG_NEED_POLICE 0x10
#define CP_LEG_NEED_BIND 0x20

struct cp_leg_tbl {
	struct cp_dp *dp;
	struct hash *ht;   /* live legs by id */
	struct list queue; /* legs with need != 0, sent in this order */
	struct list errq;  /* legs with an error found while sending */
	uint8_t *ids;	   /* enum cp_leg_id_state, cap entries */
	uint32_t cap;	   /* this process's max_legs */
	uint32_t limit;	   /* ids handed out: min(cap, dataplane's) */
	uint32_t next;	   /* next-fit cursor: ids are reused late */
	uint32_t nb_owed;  /* ids in CP_LEG_ID_OWED */
	uint32_t owed_lo;  /* no id below is OWED: where send_owed starts
			    * (a freed leg's LEG_DEL must not cost a scan
			    * of the whole table) */
	uint64_t epoch;	   /* dataplane the legs are installed in; 0 */
	uint64_t now_ns;   /* of the last attach or poll */
	bool closed;	   /* shutting down: send nothing */
	struct cp_leg_counters c;
};

/* Fields ordered by size (no padding holes: docs/performance.md, memory
 * per held call; a call has two legs per stream). */
struct cp_leg {
	struct le he; /* tbl->ht */
	struct le qe; /* tbl->queue */
	struct le ee; /* tbl->errq */
	struct cp_leg_tbl *tbl;
	struct cp_leg *peer; /* no reference: each clears the other */
	cp_leg_event_h *eh;
	void *arg;
	struct cp_leg_prm prm;
	struct sa remote;
	struct sa latched_rtp;
	struct sa latched_rtcp;
	struct cp_leg_police police;
	uint32_t id;
	uint32_t latches;
	unsigned int need; /* CP_LEG_NEED_* */
	int err;
	uint16_t err_cmd;
	uint16_t remote_rtcp;
	uint8_t dscp;
	bool has_remote;
	bool remote_relatch; /* with the next LEG_REMOTE */
	bool dscp_set;
	bool police_set;
	bool latched;
	bool added;	  /* LEG_ADD sent to tbl->epoch */
	bool readd;	  /* ... again after a re-attach: EEXIST is fine */
	bool maybe_bound; /* a LEG_BIND to a peer was sent to tbl->epoch */
	bool installed;	  /* LEG_ADD confirmed */
};

/* cp_leg_sync.c */
void cp_leg_flush(struct cp_leg_tbl *tbl);
void cp_leg_queue(struct cp_leg *leg, unsigned int need, bool front);
void cp_leg_report_errors(struct cp_leg_tbl *tbl);
void cp_leg_evt_h(const union dp_msg *m, uint64_t now_ns, void *arg);
void cp_leg_fill(const struct cp_leg *leg, unsigned int need, union dp_msg *m);
void cp_leg_owe_del(struct cp_leg_tbl *tbl, uint32_t id);

#endif
