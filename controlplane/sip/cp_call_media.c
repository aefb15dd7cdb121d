/* SPDX-License-Identifier: BSD-3-Clause */
/* Media anchoring of one call: legs per stream and side (cp_call_media.h,
 * docs/b2bua.md "Media anchoring"). */
#include <errno.h>
#include <string.h>

#include "cp_call_media.h"

#define F_OPEN (DP_LEG_F_LATCH | DP_LEG_F_SAME_IP)
#define F_EARLY DP_LEG_F_LATCH /* forks: any source may send early media */
#define F_FINAL (DP_LEG_F_LATCH | DP_LEG_F_SAME_IP | DP_LEG_F_STRICT)

struct cp_cmedia;

struct legref {
	struct cp_cmedia *m;
	uint8_t stream;
	uint8_t side;
};

struct stream {
	bool live;	   /* legs and ports held */
	bool mux;	   /* legs installed with rtcp-mux */
	bool held;	   /* the last offer or answer put it on hold */
	uint32_t clock_hz; /* 0: 8000 */
	struct {
		struct cp_leg *leg;
		uint16_t port; /* RTP; RTCP = port + 1 */
		struct sa local;
		uint8_t flags;
		bool has_rem;
		struct sa rem;
		uint16_t rem_rtcp;
		bool rem_mux;
		struct legref ref;
	} s[2];
};

struct cp_cmedia {
	struct cp_cmedia_cfg cfg;
	cp_cmedia_event_h *eh;
	void *arg;
	unsigned int n;
	/* one allocation per m= line in use: a call has one or two, and a
	 * leg's event argument points into its stream, so a stream never
	 * moves (docs/performance.md: memory per call) */
	struct stream *st[CP_CMEDIA_MAX];
};

static void
side_free(struct cp_cmedia *m, struct stream *st, enum cp_side sd)
{
	st->s[sd].leg = mem_deref(st->s[sd].leg);
	if (st->s[sd].port != 0)
		cp_ports_put(m->cfg.side[sd].ports, st->s[sd].port);
	st->s[sd].port = 0;
	st->s[sd].has_rem = false;
}

static void
stream_free(struct cp_cmedia *m, struct stream *st)
{
	side_free(m, st, CP_SIDE_A);
	side_free(m, st, CP_SIDE_B);
	st->live = false;
	st->mux = false;
	st->held = false;
}

static void
destructor(void *arg)
{
	struct cp_cmedia *m = arg;
	unsigned int i;

	for (i = 0; i < CP_CMEDIA_MAX; i++) {
		if (i < m->n)
			stream_free(m, m->st[i]);
		mem_deref(m->st[i]);
	}
}

static void
leg_event_h(struct cp_leg *leg, const struct cp_leg_evt *ev, void *arg)
{
	struct legref *r = arg;

	(void)leg;
	switch (ev->type) {
	case CP_LEG_EV_INACTIVE:
		r->m->eh(r->m, CP_CMEDIA_EV_INACTIVE, (enum cp_side)r->side,
			 r->stream, 0, r->m->arg);
		break;
	case CP_LEG_EV_ERROR:
		r->m->eh(r->m, CP_CMEDIA_EV_ERROR, (enum cp_side)r->side,
			 r->stream, ev->err, r->m->arg);
		break;
	case CP_LEG_EV_LATCHED:
		break; /* kept in the leg's record */
	}
}

static uint32_t
idle_of(const struct cp_cmedia *m, const struct stream *st)
{
	/* On hold no media is expected: no inactivity timer. */
	return st->held ? 0 : m->cfg.idle_ms;
}

/* Install the leg of side sd of st (ports held), bind it, set its
 * remote again if one is known. */
static int
leg_make(struct cp_cmedia *m, unsigned int i, enum cp_side sd)
{
	struct stream *st = m->st[i];
	struct cp_leg_prm prm;
	int err;

	memset(&prm, 0, sizeof(prm));
	prm.ifport = m->cfg.side[sd].ifport;
	prm.local = st->s[sd].local;
	sa_set_port(&prm.local, st->s[sd].port);
	prm.rtcp_port = st->mux ? 0 : (uint16_t)(st->s[sd].port + 1);
	prm.flags = st->s[sd].flags;
	prm.idle_ms = idle_of(m, st);
	prm.clock_hz = st->clock_hz;
	st->s[sd].ref.m = m;
	st->s[sd].ref.stream = (uint8_t)i;
	st->s[sd].ref.side = (uint8_t)sd;
	st->s[sd].leg = mem_deref(st->s[sd].leg);
	err = cp_leg_alloc(&st->s[sd].leg, m->cfg.legs, &prm, leg_event_h,
			   &st->s[sd].ref);
	if (err)
		return err;
	if (st->s[cp_side_other(sd)].leg != NULL) {
		err = cp_leg_bind(st->s[sd].leg, st->s[cp_side_other(sd)].leg);
		if (err)
			return err;
	}
	if (st->s[sd].has_rem)
		err = cp_leg_remote(st->s[sd].leg, &st->s[sd].rem,
				    st->mux ? 0 : st->s[sd].rem_rtcp, false);
	return err;
}

/* The local address of side sd for a remote of family af. */
static int
local_for(const struct cp_cmedia *m, enum cp_side sd, int af, struct sa *out)
{
	const struct cp_cmedia_side *c = &m->cfg.side[sd];

	if (af == AF_UNSPEC || sa_af(&c->addr) == af) {
		*out = c->addr;
		return 0;
	}
	if (sa_af(&c->alt) == af) {
		*out = c->alt;
		return 0;
	}
	return EAFNOSUPPORT;
}

/* A new live stream: ports on both sides, legs, binding. from's leg is in
 * the family of its SDP. */
static int
stream_open(struct cp_cmedia *m, unsigned int i, enum cp_side from,
	    const struct cp_cmedia_rem *r)
{
	struct stream *st = m->st[i];
	unsigned int k;
	int err;

	memset(st, 0, sizeof(*st));
	st->clock_hz = r->clock_hz;
	for (k = 0; k < 2; k++) {
		const struct cp_cmedia_side *c = &m->cfg.side[k];
		int af = (k == from && !r->hold) ? sa_af(&r->rtp) : AF_UNSPEC;

		err = local_for(m, k, af, &st->s[k].local);
		if (err)
			goto out;
		err = cp_ports_get(c->ports, c->port_min, c->port_max,
				   &st->s[k].port);
		if (err)
			goto out;
		st->s[k].flags = F_OPEN;
	}
	st->live = true;
	err = leg_make(m, i, CP_SIDE_A);
	if (!err)
		err = leg_make(m, i, CP_SIDE_B);
out:
	if (err)
		stream_free(m, st);
	return err;
}

static bool
rem_same(const struct stream *st, enum cp_side sd,
	 const struct cp_cmedia_rem *r)
{
	return st->s[sd].has_rem && sa_cmp(&st->s[sd].rem, &r->rtp, SA_ALL) &&
	       st->s[sd].rem_rtcp == r->rtcp_port;
}

/* Side sd's SDP for stream st: its remote (unless held: the old one is
 * kept, RFC 3264 8.4). */
static int
remote_set(struct stream *st, enum cp_side sd, const struct cp_cmedia_rem *r)
{
	bool relatch;
	int err;

	st->s[sd].rem_mux = r->mux;
	if (r->hold || sa_is_any(&r->rtp) || rem_same(st, sd, r))
		return 0;
	if (sa_af(&r->rtp) != sa_af(&st->s[sd].local))
		return EAFNOSUPPORT; /* a leg has one family (docs) */
	/* A remote that moved: forget the latched source at once. */
	relatch = st->s[sd].has_rem;
	err = cp_leg_remote(st->s[sd].leg, &r->rtp, st->mux ? 0 : r->rtcp_port,
			    relatch);
	if (err)
		return err;
	st->s[sd].has_rem = true;
	st->s[sd].rem = r->rtp;
	st->s[sd].rem_rtcp = r->rtcp_port;
	return 0;
}

/* Flags, timer and clock of both legs as st says now. */
static int
legs_mod(struct cp_cmedia *m, struct stream *st)
{
	unsigned int k;
	int err;

	for (k = 0; k < 2; k++) {
		struct cp_leg_info li;

		cp_leg_info(st->s[k].leg, &li);
		if (li.prm.flags == st->s[k].flags &&
		    li.prm.idle_ms == idle_of(m, st) &&
		    li.prm.clock_hz == st->clock_hz)
			continue;
		err = cp_leg_mod(st->s[k].leg, st->s[k].flags, 0,
				 idle_of(m, st), st->clock_hz);
		if (err)
			return err;
	}
	return 0;
}

int
cp_cmedia_alloc(struct cp_cmedia **mp, const struct cp_cmedia_cfg *cfg,
		cp_cmedia_event_h *eh, void *arg)
{
	struct cp_cmedia *m;

	if (mp == NULL || cfg == NULL || cfg->legs == NULL || eh == NULL ||
	    cfg->side[0].ports == NULL || cfg->side[1].ports == NULL)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), destructor);
	if (m == NULL)
		return ENOMEM;
	m->cfg = *cfg;
	m->eh = eh;
	m->arg = arg;
	*mp = m;
	return 0;
}

/* One stream of an offer from side from. */
static int
offer_one(struct cp_cmedia *m, unsigned int i, enum cp_side from,
	  const struct cp_cmedia_rem *r)
{
	struct stream *st = m->st[i];

	if (r->rejected) {
		stream_free(m, st);
		return 0;
	}
	if (!st->live) {
		int err = stream_open(m, i, from, r);

		if (err)
			return err;
	}
	st->held = r->hold;
	return remote_set(st, from, r);
}

int
cp_cmedia_offer(struct cp_cmedia *m, enum cp_side from,
		const struct cp_cmedia_rem *r, unsigned int n)
{
	unsigned int i;
	int err;

	if (m == NULL || (r == NULL && n > 0) || n > CP_CMEDIA_MAX)
		return EINVAL;
	if (n < m->n)
		return ENOTSUP; /* RFC 3264 8: m= lines are never removed */
	for (i = m->n; i < n; i++) {
		if (m->st[i] == NULL) /* else left by an offer without memory */
			m->st[i] = mem_alloc(sizeof(*m->st[i]), NULL);
		if (m->st[i] == NULL)
			return ENOMEM; /* m->n unchanged */
		memset(m->st[i], 0, sizeof(*m->st[i]));
	}
	m->n = n;
	for (i = 0; i < n; i++) {
		err = offer_one(m, i, from, &r[i]);
		if (err)
			return err;
	}
	return 0;
}

/* rtcp-mux is used when the answer accepts it (RFC 5761 5.1.1): both legs
 * installed again with RTCP on the RTP port, and back without it. */
static int
mux_apply(struct cp_cmedia *m, unsigned int i, bool mux)
{
	struct stream *st = m->st[i];
	int err;

	if (st->mux == mux)
		return 0;
	st->mux = mux;
	/* Unbind first so the new leg binds to a live peer. */
	st->s[CP_SIDE_B].leg = mem_deref(st->s[CP_SIDE_B].leg);
	err = leg_make(m, i, CP_SIDE_A);
	if (!err)
		err = leg_make(m, i, CP_SIDE_B);
	return err;
}

static int
answer_one(struct cp_cmedia *m, unsigned int i, enum cp_side from,
	   const struct cp_cmedia_rem *r, bool final)
{
	struct stream *st = m->st[i];
	int err;

	if (r->rejected || !st->live) {
		stream_free(m, st);
		return 0;
	}
	err = mux_apply(m, i, r->mux && st->s[cp_side_other(from)].rem_mux);
	if (err)
		return err;
	/* Early media of one fork among several: any source may latch, the
	 * last fork's SDP is the remote; the final answer pins it. */
	st->s[from].flags = final ? F_FINAL : F_EARLY;
	if (final)
		st->s[cp_side_other(from)].flags = F_FINAL;
	st->held = st->held || r->hold;
	if (r->clock_hz != 0)
		st->clock_hz = r->clock_hz;
	err = remote_set(st, from, r);
	if (err)
		return err;
	return legs_mod(m, st);
}

int
cp_cmedia_answer(struct cp_cmedia *m, enum cp_side from,
		 const struct cp_cmedia_rem *r, unsigned int n, bool final)
{
	unsigned int i;
	int err;

	if (m == NULL || (r == NULL && n > 0))
		return EINVAL;
	if (n != m->n)
		return EPROTO; /* RFC 3264 6: as many m= lines as the offer */
	for (i = 0; i < n; i++) {
		err = answer_one(m, i, from, &r[i], final);
		if (err)
			return err;
	}
	return 0;
}

int
cp_cmedia_anchor(const struct cp_cmedia *m, enum cp_side side, unsigned int i,
		 struct cp_cmedia_anchor *a)
{
	const struct stream *st;

	if (m == NULL || a == NULL || i >= m->n)
		return EINVAL;
	st = m->st[i];
	memset(a, 0, sizeof(*a));
	a->live = st->live;
	a->rtp = st->live ? st->s[side].local : m->cfg.side[side].addr;
	if (!st->live)
		return 0;
	sa_set_port(&a->rtp, st->s[side].port);
	a->rtcp_port = (uint16_t)(st->s[side].port + 1);
	return 0;
}

unsigned int
cp_cmedia_count(const struct cp_cmedia *m)
{
	return m != NULL ? m->n : 0;
}

const struct cp_leg *
cp_cmedia_leg(const struct cp_cmedia *m, enum cp_side side, unsigned int i)
{
	if (m == NULL || i >= m->n)
		return NULL;
	return m->st[i]->s[side].leg;
}
