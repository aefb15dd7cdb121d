/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The media leg table and the dataplane (cp_leg.h): the LEG_* commands
 * built from the records, sent in order and paced, their RESULTs, and the
 * LEG_LATCHED / LEG_INACTIVE events.
 *
 * Order. Commands of one leg go in bit order of its needs (LEG_ADD first);
 * owed LEG_DELs go before any queued command, and legs that lose their
 * peer are queued in front, so an unbind never lands after the binding
 * that replaced it. The dataplane applies commands in ring order.
 *
 * Pacing. At most CP_LEG_INFLIGHT commands wait for their RESULT; what is
 * left stays queued for the next poll. A re-install of 65536 legs thus
 * never fills the 4096-slot command ring nor the link's pending list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_leg_int.h"
#include "cp_log.h"

static void
sa_bytes(const struct sa *sa, uint8_t *family, uint8_t addr[16])
{
	uint32_t v4;

	*family = (uint8_t)sa_af(sa);
	if (*family == AF_INET) {
		v4 = htonl(sa_in(sa));
		memcpy(addr, &v4, 4);
	} else if (*family == AF_INET6) {
		sa_in6(sa, addr);
	}
}

void
cp_leg_fill(const struct cp_leg *leg, unsigned int need, union dp_msg *m)
{
	uint8_t family;

	memset(m, 0, sizeof(*m));
	switch (need) {
	case CP_LEG_NEED_ADD:
		m->hdr.type = DP_MSG_LEG_ADD;
		m->leg_add.leg_id = leg->id;
		m->leg_add.port = leg->prm.ifport;
		sa_bytes(&leg->prm.local, &m->leg_add.family, m->leg_add.addr);
		m->leg_add.flags = leg->prm.flags;
		m->leg_add.rtp_port = sa_port(&leg->prm.local);
		m->leg_add.rtcp_port = leg->prm.rtcp_port;
		m->leg_add.idle_ms = leg->prm.idle_ms;
		m->leg_add.clock_hz = leg->prm.clock_hz;
		m->leg_add.relatch_ms = leg->prm.relatch_ms;
		return;
	case CP_LEG_NEED_MOD:
		m->hdr.type = DP_MSG_LEG_MOD;
		m->leg_mod.leg_id = leg->id;
		m->leg_mod.flags = leg->prm.flags;
		m->leg_mod.relatch_ms = leg->prm.relatch_ms;
		m->leg_mod.idle_ms = leg->prm.idle_ms;
		m->leg_mod.clock_hz = leg->prm.clock_hz;
		return;
	case CP_LEG_NEED_REMOTE:
		m->hdr.type = DP_MSG_LEG_REMOTE;
		m->leg_remote.leg_id = leg->id;
		sa_bytes(&leg->remote, &family, m->leg_remote.addr);
		m->leg_remote.family = family;
		m->leg_remote.rtp_port = sa_port(&leg->remote);
		m->leg_remote.rtcp_port = leg->remote_rtcp;
		m->leg_remote.flags =
			leg->remote_relatch ? DP_LEG_REMOTE_RELATCH : 0;
		return;
	case CP_LEG_NEED_DSCP:
		m->hdr.type = DP_MSG_LEG_DSCP;
		m->leg_dscp.leg_id = leg->id;
		m->leg_dscp.dscp = leg->dscp;
		return;
	case CP_LEG_NEED_POLICE:
		m->hdr.type = DP_MSG_LEG_POLICE;
		m->leg_police.leg_id = leg->id;
		m->leg_police.pps = leg->police.pps;
		m->leg_police.burst_pkts = leg->police.burst_pkts;
		m->leg_police.kbps = leg->police.kbps;
		m->leg_police.burst_bytes = leg->police.burst_bytes;
		return;
	case CP_LEG_NEED_BIND:
		m->hdr.type = DP_MSG_LEG_BIND;
		m->leg_bind.leg_id = leg->id;
		m->leg_bind.peer_id =
			leg->peer != NULL ? leg->peer->id : DP_LEG_NONE;
		return;
	default: /* one bit at a time, from the list above */
		return;
	}
}

static uint32_t
cmd_leg_id(const union dp_msg *m)
{
	switch (m->hdr.type) {
	case DP_MSG_LEG_ADD:
		return m->leg_add.leg_id;
	case DP_MSG_LEG_MOD:
		return m->leg_mod.leg_id;
	case DP_MSG_LEG_DEL:
		return m->leg_del.leg_id;
	case DP_MSG_LEG_BIND:
		return m->leg_bind.leg_id;
	case DP_MSG_LEG_REMOTE:
		return m->leg_remote.leg_id;
	case DP_MSG_LEG_DSCP:
		return m->leg_dscp.leg_id;
	case DP_MSG_LEG_POLICE:
		return m->leg_police.leg_id;
	default: /* the table sends no other command */
		return DP_LEG_NONE;
	}
}

void
cp_leg_queue(struct cp_leg *leg, unsigned int need, bool front)
{
	struct cp_leg_tbl *tbl = leg->tbl;

	leg->need |= need;
	if (leg->need == 0)
		return;
	if (front) {
		list_unlink(&leg->qe);
		list_prepend(&tbl->queue, &leg->qe, leg);
	} else if (leg->qe.list == NULL) {
		list_append(&tbl->queue, &leg->qe, leg);
	}
}

static void
leg_error(struct cp_leg *leg, uint16_t cmd, int err)
{
	leg->err = err;
	leg->err_cmd = cmd;
	leg->tbl->c.cmds_failed++;
	cp_warn("leg %u: %s failed: %s", leg->id, dp_msg_name(cmd),
		strerror(err));
}

static void
report(struct cp_leg *leg, enum cp_leg_event type, uint16_t cmd, int err,
       uint32_t idle_ms)
{
	struct cp_leg_evt ev;

	if (leg->eh == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.cmd = cmd;
	ev.err = err;
	ev.idle_ms = idle_ms;
	/* The owner may free the leg here: nothing touches it after. */
	leg->eh(leg, &ev, leg->arg);
}

void
cp_leg_report_errors(struct cp_leg_tbl *tbl)
{
	struct le *le;

	while ((le = list_head(&tbl->errq)) != NULL) {
		struct cp_leg *leg = le->data;

		list_unlink(le);
		report(leg, CP_LEG_EV_ERROR, leg->err_cmd, leg->err, 0);
	}
}

static void result_h(const union dp_msg *cmd, int status, void *arg);

/* 0, or why nothing more can be sent now. */
static int
send_cmd(struct cp_leg_tbl *tbl, union dp_msg *m)
{
	int err;

	if (cp_dp_pending(tbl->dp) >= CP_LEG_INFLIGHT)
		return EAGAIN;
	err = cp_dp_send(tbl->dp, m, tbl->now_ns, result_h, tbl);
	if (err == 0)
		tbl->c.cmds_sent++;
	return err;
}

static bool
can_send(const struct cp_leg_tbl *tbl)
{
	return !tbl->closed && tbl->epoch != 0 &&
	       cp_dp_state(tbl->dp) == CP_DP_ATTACHED &&
	       cp_dp_epoch(tbl->dp) == tbl->epoch;
}

void
cp_leg_owe_del(struct cp_leg_tbl *tbl, uint32_t id)
{
	tbl->ids[id] = CP_LEG_ID_OWED;
	if (tbl->nb_owed == 0 || id < tbl->owed_lo)
		tbl->owed_lo = id;
	tbl->nb_owed++;
}

static int
send_del(struct cp_leg_tbl *tbl, uint32_t id)
{
	union dp_msg m;
	int err;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_DEL;
	m.leg_del.leg_id = id;
	err = send_cmd(tbl, &m);
	if (err == 0)
		tbl->ids[id] = CP_LEG_ID_DRAINING;
	return err;
}

/* Owed LEG_DELs, lowest id first. false: stopped (ring, pacing). */
static bool
send_owed(struct cp_leg_tbl *tbl)
{
	uint32_t id;

	for (id = tbl->owed_lo; tbl->nb_owed > 0 && id < tbl->cap; id++) {
		if (tbl->ids[id] != CP_LEG_ID_OWED)
			continue;
		if (send_del(tbl, id) != 0) {
			tbl->owed_lo = id;
			tbl->c.cmds_late++;
			return false;
		}
		tbl->nb_owed--;
	}
	return true;
}

/* LEG_BIND is one message for two legs: the leg flushed while its peer
 * exists in the dataplane sends it; the other one needs nothing more. */
static bool
bind_due(struct cp_leg *leg)
{
	struct cp_leg *peer = leg->peer;

	if (peer == NULL)
		return leg->added; /* unbinding a leg the dataplane never had:
				    * nothing to do */
	if (!leg->added)
		return false; /* its LEG_ADD failed to go: nothing yet */
	if (!peer->added) {
		peer->need |= CP_LEG_NEED_BIND;
		return false;
	}
	peer->need &= ~CP_LEG_NEED_BIND;
	return true;
}

static void
mark_bound(struct cp_leg *leg)
{
	leg->maybe_bound = leg->peer != NULL;
	if (leg->peer != NULL)
		leg->peer->maybe_bound = true;
}

/* Send what the leg needs. false: stopped (ring, pacing, link). */
static bool
leg_flush(struct cp_leg *leg)
{
	struct cp_leg_tbl *tbl = leg->tbl;
	unsigned int bit;
	union dp_msg m;
	int err;

	while (leg->need != 0) {
		bit = leg->need & (~leg->need + 1); /* lowest first */
		if (bit == CP_LEG_NEED_BIND && !bind_due(leg)) {
			leg->need &= ~bit;
			continue;
		}
		if (bit == CP_LEG_NEED_ADD && leg->id >= tbl->limit) {
			/* A dataplane with fewer legs than this process
			 * allows: this one cannot be installed there. */
			tbl->c.out_of_range++;
			leg->need = 0;
			leg_error(leg, DP_MSG_LEG_ADD, ERANGE);
			if (leg->ee.list == NULL)
				list_append(&tbl->errq, &leg->ee, leg);
			return true;
		}
		cp_leg_fill(leg, bit, &m);
		err = send_cmd(tbl, &m);
		if (err == EINVAL) {
			/* Refused by our own check of the contract: a bug
			 * here, not a reason to retry forever. */
			leg->need &= ~bit;
			leg_error(leg, m.hdr.type, EINVAL);
			if (leg->ee.list == NULL)
				list_append(&tbl->errq, &leg->ee, leg);
			continue;
		}
		if (err) {
			tbl->c.cmds_late++;
			return false;
		}
		leg->need &= ~bit;
		if (bit == CP_LEG_NEED_ADD)
			leg->added = true;
		else if (bit == CP_LEG_NEED_REMOTE)
			leg->remote_relatch = false;
		else if (bit == CP_LEG_NEED_BIND)
			mark_bound(leg);
	}
	return true;
}

void
cp_leg_flush(struct cp_leg_tbl *tbl)
{
	struct le *le;

	if (!can_send(tbl))
		return;
	if (!send_owed(tbl))
		return;
	while ((le = list_head(&tbl->queue)) != NULL) {
		struct cp_leg *leg = le->data;

		if (!leg_flush(leg))
			return;
		list_unlink(&leg->qe);
	}
}

static void
del_done(struct cp_leg_tbl *tbl, uint32_t id, int status)
{
	/* ENOENT: already gone (a re-sent delete, or a dataplane that lost
	 * it): the id is free all the same. */
	if (status == 0 || status == -ENOENT)
		tbl->c.cmds_ok++;
	else
		tbl->c.cmds_failed++;
	if (status != 0 && status != -ENOENT)
		cp_warn("leg %u: LEG_DEL failed: %s", id, strerror(-status));
	if (id < tbl->cap && tbl->ids[id] == CP_LEG_ID_DRAINING)
		tbl->ids[id] = CP_LEG_ID_FREE;
}

static void
result_h(const union dp_msg *cmd, int status, void *arg)
{
	struct cp_leg_tbl *tbl = arg;
	uint16_t type = cmd->hdr.type;
	uint32_t id = cmd_leg_id(cmd);
	struct cp_leg *leg;

	if (type == DP_MSG_LEG_DEL) {
		del_done(tbl, id, status);
		return;
	}
	leg = cp_leg_find(tbl, id);
	if (leg == NULL) {
		/* Freed since: its LEG_DEL follows this RESULT. */
		if (status == 0)
			tbl->c.cmds_ok++;
		else
			tbl->c.cmds_failed++;
		return;
	}
	if (status == 0 ||
	    (type == DP_MSG_LEG_ADD && status == -EEXIST && leg->readd)) {
		tbl->c.cmds_ok++;
		if (type == DP_MSG_LEG_ADD) {
			leg->installed = true;
			leg->readd = false;
		}
		return;
	}
	if (type == DP_MSG_LEG_ADD)
		leg->installed = false;
	leg_error(leg, type, -status);
	report(leg, CP_LEG_EV_ERROR, type, -status, 0);
}

static void
on_latched(struct cp_leg_tbl *tbl, const struct dp_msg_leg_latched *l)
{
	struct cp_leg *leg = cp_leg_find(tbl, l->leg_id);
	struct sa *sa;
	char buf[64];

	if (leg == NULL || l->family != sa_af(&leg->prm.local)) {
		tbl->c.evt_unknown++;
		cp_debug("LEG_LATCHED for leg %u, not ours", l->leg_id);
		return;
	}
	sa = l->rtcp ? &leg->latched_rtcp : &leg->latched_rtp;
	if (l->family == AF_INET) {
		uint32_t v4;

		memcpy(&v4, l->addr, 4);
		sa_set_in(sa, ntohl(v4), l->rtp_port);
	} else {
		sa_set_in6(sa, l->addr, l->rtp_port);
	}
	leg->latched = true;
	leg->latches = l->latches;
	tbl->c.latched++;
	re_snprintf(buf, sizeof(buf), "%J", sa);
	cp_info("leg %u: latched to %s%s (%u)", leg->id, buf,
		l->rtcp ? " (RTCP)" : "", l->latches);
	report(leg, CP_LEG_EV_LATCHED, 0, 0, 0);
}

static void
on_inactive(struct cp_leg_tbl *tbl, const struct dp_msg_leg_inactive *l)
{
	struct cp_leg *leg = cp_leg_find(tbl, l->leg_id);

	if (leg != NULL) {
		tbl->c.inactive++;
		cp_info("leg %u: no media for %u ms", leg->id, l->idle_ms);
		report(leg, CP_LEG_EV_INACTIVE, 0, 0, l->idle_ms);
		return;
	}
	if (l->leg_id < tbl->cap && tbl->ids[l->leg_id] == CP_LEG_ID_FOREIGN &&
	    can_send(tbl)) {
		/* A leg of a former control plane went quiet: its call is
		 * over (no one here can end it otherwise). */
		cp_info("leg %u (another control plane's): no media for %u "
			"ms, deleted",
			l->leg_id, l->idle_ms);
		if (send_del(tbl, l->leg_id) == 0)
			tbl->c.orphans_del++;
		return;
	}
	tbl->c.evt_unknown++;
	cp_debug("LEG_INACTIVE for leg %u, not ours", l->leg_id);
}

void
cp_leg_evt_h(const union dp_msg *m, uint64_t now_ns, void *arg)
{
	struct cp_leg_tbl *tbl = arg;

	tbl->now_ns = now_ns;
	if (m->hdr.type == DP_MSG_LEG_LATCHED)
		on_latched(tbl, &m->leg_latched);
	else if (m->hdr.type == DP_MSG_LEG_INACTIVE)
		on_inactive(tbl, &m->leg_inactive);
}
