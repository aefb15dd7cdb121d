/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media anchoring of one call (docs/b2bua.md "Media anchoring"): for each
 * m= stream of the offer/answer, one dataplane leg on each side (side A:
 * the caller, side B: the callee), bound to each other, each with an own
 * RTP/RTCP port pair (even RTP port, RTCP the next one: RFC 3550 11) from
 * the tenant's slice of the media ports on that side's interface.
 *
 * The SDP model is not used here: the call (cp_call.c) turns each side's
 * SDP into cp_cmedia_rem entries, and writes the SDP toward a side with
 * the anchors cp_cmedia_anchor() gives. Legs:
 * - created at the first offer that names the stream (both sides at once,
 *   so the anchor toward the answerer exists before the offer leaves);
 * - the side that sent an SDP gets its remote set from it (a new address
 *   or port: LEG_REMOTE with RELATCH; the same: nothing);
 * - flags: LATCH|SAME_IP, and STRICT once the offer/answer is final (early
 *   media from several forks of side B: that leg is LATCH only, so media
 *   of any fork flows, until the answer of the winning fork sets STRICT);
 * - rtcp-mux (RFC 5761): legs are installed with a separate RTCP port;
 *   an answer that accepts rtcp-mux installs the stream's legs again with
 *   RTCP on the RTP port (same ports: the leg's endpoint is fixed for its
 *   life in the dataplane, cp_leg.h);
 * - hold (c=0.0.0.0 or a=inactive): legs kept, the remote not changed, no
 *   inactivity timer while held; resume: the timer again;
 * - codec change: the clock of the first payload type (LEG_MOD clock_hz);
 * - a rejected stream (port 0): its legs and ports released;
 * - the end of the call (mem_deref): every leg deleted, every port back.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_CALL_MEDIA_H
#define CP_CALL_MEDIA_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "media/cp_leg.h"

#define CP_CMEDIA_MAX 8 /* m= lines per call */

enum cp_side {
	CP_SIDE_A = 0, /* the caller's side */
	CP_SIDE_B = 1, /* the callee's side */
};

static inline enum cp_side
cp_side_other(enum cp_side s)
{
	return s == CP_SIDE_A ? CP_SIDE_B : CP_SIDE_A;
}

/* A pool of RTP/RTCP port pairs on one interface (all its addresses):
 * min..max of the dataplane's media ports, handed out in slices. */
struct cp_ports;

int cp_ports_alloc(struct cp_ports **pp, uint16_t min, uint16_t max);
/* An even port rtp with rtp + 1 free, both in lo..hi (0/0: the pool's
 * range); handed out round robin so a freed pair is not reused at once
 * (late packets of the old call). ENOSPC: none free. */
int cp_ports_get(struct cp_ports *p, uint16_t lo, uint16_t hi, uint16_t *rtpp);
void cp_ports_put(struct cp_ports *p, uint16_t rtp);
unsigned int cp_ports_used(const struct cp_ports *p);

/* One side of the call as the media sees it. */
struct cp_cmedia_side {
	uint16_t ifport;	/* interface index */
	struct sa addr;		/* the ESG's media address on it (port 0):
				 * the family its signalling uses */
	struct sa alt;		/* one of the other family, or af 0: used
				 * when the side's own offer is in it */
	struct cp_ports *ports; /* that interface's pool (not owned) */
	uint16_t port_min;	/* the tenant's slice; 0/0 = whole pool */
	uint16_t port_max;
};

struct cp_cmedia_cfg {
	struct cp_leg_tbl *legs;
	struct cp_cmedia_side side[2];
	uint32_t idle_ms; /* LEG_INACTIVE after this (media_timeout_s) */
};

/* What one side's SDP says about one m= line. */
struct cp_cmedia_rem {
	bool rejected;	    /* port 0 (RFC 3264 6, 8.2) */
	bool hold;	    /* c= 0.0.0.0 / a=inactive (RFC 3264 8.4) */
	bool mux;	    /* a=rtcp-mux (RFC 5761 5.1.1) */
	struct sa rtp;	    /* connection address and m= port */
	uint16_t rtcp_port; /* a=rtcp (RFC 3605); 0: RTP port + 1 */
	uint32_t clock_hz;  /* first payload type's clock; 0: 8000 */
};

/* Where the ESG receives a stream on one side: write it into the SDP
 * toward that side. */
struct cp_cmedia_anchor {
	struct sa rtp;	    /* own address and RTP port */
	uint16_t rtcp_port; /* RTP port + 1 (the one in a=rtcp) */
	bool live;	    /* false: rejected stream, write port 0 */
};

enum cp_cmedia_event {
	CP_CMEDIA_EV_INACTIVE, /* no media for idle_ms on a stream */
	CP_CMEDIA_EV_ERROR,    /* the dataplane refused a leg command */
};

struct cp_cmedia;
typedef void(cp_cmedia_event_h)(struct cp_cmedia *m, enum cp_cmedia_event ev,
				enum cp_side side, unsigned int stream, int err,
				void *arg);

int cp_cmedia_alloc(struct cp_cmedia **mp, const struct cp_cmedia_cfg *cfg,
		    cp_cmedia_event_h *eh, void *arg);
/* An offer from side from with n streams (n <= CP_CMEDIA_MAX; a stream
 * count below the current one: ENOTSUP, RFC 3264 8: m= lines are never
 * removed). Creates the legs of new streams, sets from's remotes. */
int cp_cmedia_offer(struct cp_cmedia *m, enum cp_side from,
		    const struct cp_cmedia_rem *r, unsigned int n);
/* The answer of side from to the last offer; final: the answer of the
 * confirmed dialog (STRICT), else early (one fork among several). */
int cp_cmedia_answer(struct cp_cmedia *m, enum cp_side from,
		     const struct cp_cmedia_rem *r, unsigned int n, bool final);
/* The anchor of stream i toward side. EINVAL: no such stream. */
int cp_cmedia_anchor(const struct cp_cmedia *m, enum cp_side side,
		     unsigned int i, struct cp_cmedia_anchor *a);
unsigned int cp_cmedia_count(const struct cp_cmedia *m);
/* The leg of stream i on side (NULL: none): stats for the call record. */
const struct cp_leg *cp_cmedia_leg(const struct cp_cmedia *m, enum cp_side side,
				   unsigned int i);

#endif
