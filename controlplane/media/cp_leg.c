/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The media leg table (cp_leg.h): legs as refcounted objects, their ids,
 * the owner's calls, and what happens on an attach. What is sent and what
 * comes back is in cp_leg_sync.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_leg_int.h"
#include "cp_log.h"
#include "dp_shm.h"

static void
tbl_destructor(void *arg)
{
	struct cp_leg_tbl *tbl = arg;

	/* Legs hold a reference: none is left here. */
	cp_dp_set_leg_h(tbl->dp, NULL, NULL);
	mem_deref(tbl->ht);
	mem_deref(tbl->ids);
	mem_deref(tbl->dp);
}

int
cp_leg_tbl_alloc(struct cp_leg_tbl **tblp, struct cp_dp *dp, uint32_t max_legs)
{
	struct cp_leg_tbl *tbl;
	uint32_t buckets;
	int err;

	if (tblp == NULL || dp == NULL || max_legs == 0 ||
	    max_legs > DP_SHM_MAX_LEGS)
		return EINVAL;
	tbl = mem_zalloc(sizeof(*tbl), tbl_destructor);
	if (tbl == NULL)
		return ENOMEM;
	tbl->ids = mem_zalloc(max_legs, NULL);
	if (tbl->ids == NULL) {
		err = ENOMEM;
		goto out;
	}
	/* About 8 legs a bucket when full, within [16, 16384]. */
	buckets = max_legs / 8;
	buckets = buckets < 16 ? 16 : buckets > 16384 ? 16384 : buckets;
	err = hash_alloc(&tbl->ht, hash_valid_size(buckets));
	if (err)
		goto out;
	tbl->dp = mem_ref(dp);
	tbl->cap = max_legs;
	tbl->limit = max_legs; /* until a dataplane tells its own */
	list_init(&tbl->queue);
	list_init(&tbl->errq);
	cp_dp_set_leg_h(dp, cp_leg_evt_h, tbl);
	*tblp = tbl;
	return 0;
out:
	mem_deref(tbl);
	return err;
}

void
cp_leg_tbl_close(struct cp_leg_tbl *tbl)
{
	if (tbl != NULL)
		tbl->closed = true;
}

void
cp_leg_tbl_counters(const struct cp_leg_tbl *tbl, struct cp_leg_counters *c)
{
	*c = tbl->c;
}

uint32_t
cp_leg_tbl_limit(const struct cp_leg_tbl *tbl)
{
	return tbl->limit;
}

static bool
id_cmp_h(struct le *le, void *arg)
{
	const struct cp_leg *leg = le->data;

	return leg->id == *(const uint32_t *)arg;
}

struct cp_leg *
cp_leg_find(const struct cp_leg_tbl *tbl, uint32_t id)
{
	struct le *le = hash_lookup(tbl->ht, id, id_cmp_h, &id);

	return le != NULL ? le->data : NULL;
}

/* Next fit from the cursor: an id freed a moment ago is the last to be
 * taken again, so whatever the dataplane still says about the old leg
 * (a late event) is very unlikely to meet a new one. */
static int
id_alloc(struct cp_leg_tbl *tbl, uint32_t *idp)
{
	uint32_t i, id;

	for (i = 0; i < tbl->limit; i++) {
		id = tbl->next + i;
		if (id >= tbl->limit)
			id -= tbl->limit;
		if (tbl->ids[id] == CP_LEG_ID_FREE) {
			tbl->ids[id] = CP_LEG_ID_LIVE;
			tbl->next = id + 1 < tbl->limit ? id + 1 : 0;
			*idp = id;
			return 0;
		}
	}
	return ENOSPC;
}

static void
leg_destructor(void *arg)
{
	struct cp_leg *leg = arg;
	struct cp_leg_tbl *tbl = leg->tbl;

	hash_unlink(&leg->he);
	list_unlink(&leg->qe);
	list_unlink(&leg->ee);
	/* LEG_DEL unbinds the peer in the dataplane: the record follows. */
	if (leg->peer != NULL)
		leg->peer->peer = NULL;
	tbl->c.legs--;
	if (leg->added && !tbl->closed) {
		/* The dataplane has it (or may have it: a link that comes
		 * back to the same epoch). The id stays reserved until the
		 * deletion is confirmed. */
		cp_leg_owe_del(tbl, leg->id);
		cp_leg_flush(tbl);
	} else {
		tbl->ids[leg->id] = CP_LEG_ID_FREE;
	}
	mem_deref(tbl);
}

/* Does m (a command filled from our records) pass the contract's own
 * checks? Our checks are the dataplane's: dp_msg_validate(). */
static int
cmd_valid(union dp_msg *m)
{
	m->hdr.len = (uint16_t)dp_msg_size(m->hdr.type);
	return dp_msg_validate(m, DP_DIR_CMD) == 0 ? 0 : EINVAL;
}

static int
prm_check(const struct cp_leg_prm *prm)
{
	struct cp_leg tmp;
	union dp_msg m;
	int af = sa_af(&prm->local);

	if (af != AF_INET && af != AF_INET6)
		return EAFNOSUPPORT;
	memset(&tmp, 0, sizeof(tmp));
	tmp.prm = *prm;
	tmp.id = 0;
	cp_leg_fill(&tmp, CP_LEG_NEED_ADD, &m);
	return cmd_valid(&m);
}

int
cp_leg_alloc(struct cp_leg **legp, struct cp_leg_tbl *tbl,
	     const struct cp_leg_prm *prm, cp_leg_event_h *eh, void *arg)
{
	struct cp_leg *leg;
	uint32_t id;
	int err;

	if (legp == NULL || tbl == NULL || prm == NULL)
		return EINVAL;
	err = prm_check(prm);
	if (err)
		return err;
	if (tbl->closed)
		return ESHUTDOWN;
	err = id_alloc(tbl, &id);
	if (err)
		return err;
	leg = mem_zalloc(sizeof(*leg), leg_destructor);
	if (leg == NULL) {
		tbl->ids[id] = CP_LEG_ID_FREE;
		return ENOMEM;
	}
	leg->tbl = mem_ref(tbl);
	leg->id = id;
	leg->prm = *prm;
	leg->eh = eh;
	leg->arg = arg;
	hash_append(tbl->ht, id, &leg->he, leg);
	tbl->c.legs++;
	tbl->c.allocs++;
	cp_leg_queue(leg, CP_LEG_NEED_ADD, false);
	cp_leg_flush(tbl);
	*legp = leg;
	return 0;
}

int
cp_leg_mod(struct cp_leg *leg, uint8_t flags, uint16_t relatch_ms,
	   uint32_t idle_ms, uint32_t clock_hz)
{
	struct cp_leg tmp;
	union dp_msg m;

	if (leg == NULL)
		return EINVAL;
	tmp = *leg;
	tmp.prm.flags = flags;
	tmp.prm.relatch_ms = relatch_ms;
	tmp.prm.idle_ms = idle_ms;
	tmp.prm.clock_hz = clock_hz;
	cp_leg_fill(&tmp, CP_LEG_NEED_MOD, &m);
	if (cmd_valid(&m) != 0)
		return EINVAL;
	leg->prm = tmp.prm;
	/* Not yet in the dataplane: its LEG_ADD carries the new values. */
	cp_leg_queue(leg, (leg->need & CP_LEG_NEED_ADD) ? 0 : CP_LEG_NEED_MOD,
		     false);
	cp_leg_flush(leg->tbl);
	return 0;
}

int
cp_leg_remote(struct cp_leg *leg, const struct sa *rtp, uint16_t rtcp_port,
	      bool relatch)
{
	struct cp_leg tmp;
	union dp_msg m;

	if (leg == NULL || rtp == NULL)
		return EINVAL;
	if (sa_af(rtp) != sa_af(&leg->prm.local))
		return EAFNOSUPPORT; /* the contract: same family as the leg */
	tmp = *leg;
	tmp.has_remote = true;
	tmp.remote = *rtp;
	tmp.remote_rtcp = rtcp_port;
	tmp.remote_relatch = relatch;
	cp_leg_fill(&tmp, CP_LEG_NEED_REMOTE, &m);
	if (cmd_valid(&m) != 0)
		return EINVAL;
	leg->has_remote = true;
	leg->remote = *rtp;
	leg->remote_rtcp = rtcp_port;
	if (relatch) {
		leg->remote_relatch = true;
		leg->latched = false;
		sa_init(&leg->latched_rtp, AF_UNSPEC);
		sa_init(&leg->latched_rtcp, AF_UNSPEC);
	}
	cp_leg_queue(leg, CP_LEG_NEED_REMOTE, false);
	cp_leg_flush(leg->tbl);
	return 0;
}

int
cp_leg_bind(struct cp_leg *a, struct cp_leg *b)
{
	struct cp_leg *old_a, *old_b = NULL;

	if (a == NULL || a == b || (b != NULL && b->tbl != a->tbl))
		return EINVAL;
	old_a = a->peer != b ? a->peer : NULL;
	if (b != NULL)
		old_b = b->peer != a ? b->peer : NULL;
	/* Former peers are unbound before the new pair is bound, whatever
	 * the dataplane does with a rebinding: "peer_id DP_LEG_NONE unbinds
	 * leg_id (and its former peer)" must not hit the new pair. */
	if (old_a != NULL) {
		old_a->peer = NULL;
		/* Unbinding a alone: its LEG_BIND to nobody unbinds old_a
		 * as well. */
		if (b != NULL)
			cp_leg_queue(old_a, CP_LEG_NEED_BIND, true);
	}
	if (old_b != NULL) {
		old_b->peer = NULL;
		cp_leg_queue(old_b, CP_LEG_NEED_BIND, true);
	}
	a->peer = b;
	if (b != NULL) {
		b->peer = a;
		/* Either may be the one in the dataplane first: whichever is
		 * flushed when the other exists sends the one LEG_BIND. */
		cp_leg_queue(b, CP_LEG_NEED_BIND, false);
	}
	cp_leg_queue(a, CP_LEG_NEED_BIND, false);
	cp_leg_flush(a->tbl);
	return 0;
}

int
cp_leg_dscp(struct cp_leg *leg, uint8_t dscp)
{
	if (leg == NULL || (dscp > 63 && dscp != DP_DSCP_KEEP))
		return EINVAL;
	leg->dscp_set = true;
	leg->dscp = dscp;
	cp_leg_queue(leg, CP_LEG_NEED_DSCP, false);
	cp_leg_flush(leg->tbl);
	return 0;
}

int
cp_leg_police(struct cp_leg *leg, const struct cp_leg_police *p)
{
	if (leg == NULL || p == NULL)
		return EINVAL;
	/* Kept even when all zero: a re-install must lift no limit that
	 * the new dataplane does not have anyway, and sending it is cheap. */
	leg->police_set = true;
	leg->police = *p;
	cp_leg_queue(leg, CP_LEG_NEED_POLICE, false);
	cp_leg_flush(leg->tbl);
	return 0;
}

uint32_t
cp_leg_id(const struct cp_leg *leg)
{
	return leg->id;
}

void
cp_leg_info(const struct cp_leg *leg, struct cp_leg_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = leg->id;
	info->prm = leg->prm;
	info->has_remote = leg->has_remote;
	info->remote = leg->remote;
	info->remote_rtcp = leg->remote_rtcp;
	info->peer_id = leg->peer != NULL ? leg->peer->id : DP_LEG_NONE;
	info->dscp_set = leg->dscp_set;
	info->dscp = leg->dscp;
	info->police_set = leg->police_set;
	info->police = leg->police;
	info->latched = leg->latched;
	info->latched_rtp = leg->latched_rtp;
	info->latched_rtcp = leg->latched_rtcp;
	info->latches = leg->latches;
	info->installed = leg->installed;
	info->pending = leg->need != 0;
	info->err = leg->err;
	info->err_cmd = leg->err_cmd;
}

/* The ids after an attach: a new dataplane knows none of the old
 * deletions and has none of our legs; the same one (the link came back)
 * may have missed any command that was in flight. */
static void
ids_attach(struct cp_leg_tbl *tbl, bool same)
{
	uint32_t i;

	tbl->nb_owed = 0;
	tbl->owed_lo = 0;
	for (i = 0; i < tbl->cap; i++) {
		switch ((enum cp_leg_id_state)tbl->ids[i]) {
		case CP_LEG_ID_FREE:
		case CP_LEG_ID_LIVE:
			break;
		case CP_LEG_ID_DRAINING:
		case CP_LEG_ID_OWED:
			tbl->ids[i] = same ? CP_LEG_ID_OWED : CP_LEG_ID_FREE;
			tbl->nb_owed += same ? 1 : 0;
			break;
		case CP_LEG_ID_FOREIGN:
			if (!same)
				tbl->ids[i] = CP_LEG_ID_FREE;
			break;
		}
	}
}

/*
 * Legs of another control plane (the one before this process, or a tool
 * such as esg-legctl) found in a dataplane we meet for the first time:
 * their media keeps flowing (restart rules), their ids are not handed out,
 * and each is deleted when the dataplane reports it inactive.
 */
static void
foreign_scan(struct cp_leg_tbl *tbl, struct dp_shm *shm)
{
	const struct dp_leg_stats *ls;
	uint32_t n = 0, i, found = 0;

	ls = dp_shm_legs(shm, &n);
	if (ls == NULL)
		return;
	for (i = 0; i < n && i < tbl->cap; i++) {
		if (__atomic_load_n(&ls[i].in_use, __ATOMIC_RELAXED) == 0 ||
		    tbl->ids[i] != CP_LEG_ID_FREE)
			continue;
		tbl->ids[i] = CP_LEG_ID_FOREIGN;
		found++;
	}
	if (found > 0)
		cp_notice("dataplane has %u leg(s) of another control plane: "
			  "kept until inactive",
			  found);
	tbl->c.orphans += found;
}

static bool
reinstall_h(struct le *le, void *arg)
{
	struct cp_leg *leg = le->data;
	const bool *pass = arg; /* [0]: same epoch, [1]: bound legs now */
	unsigned int need = CP_LEG_NEED_ADD;

	if ((leg->peer != NULL) != pass[1])
		return false;
	if (pass[0]) {
		/* The same dataplane: send it all again, idempotent; LEG_ADD
		 * answered EEXIST means it kept the leg. */
		leg->readd = leg->added;
		need |= CP_LEG_NEED_MOD;
		if (leg->peer != NULL || leg->maybe_bound)
			need |= CP_LEG_NEED_BIND;
	} else {
		leg->added = false;
		leg->maybe_bound = false;
		leg->readd = false;
		leg->installed = false;
		if (leg->peer != NULL)
			need |= CP_LEG_NEED_BIND;
	}
	if (leg->has_remote)
		need |= CP_LEG_NEED_REMOTE;
	if (leg->dscp_set)
		need |= CP_LEG_NEED_DSCP;
	if (leg->police_set)
		need |= CP_LEG_NEED_POLICE;
	/* A LEG_REMOTE with RELATCH that never reached a new dataplane has
	 * nothing to forget there. */
	if (!pass[0])
		leg->remote_relatch = false;
	leg->need = 0;
	list_unlink(&leg->qe);
	cp_leg_queue(leg, need, false);
	leg->tbl->c.reinstalls++;
	return false;
}

void
cp_leg_attach(struct cp_leg_tbl *tbl, uint64_t epoch, uint64_t now_ns)
{
	struct dp_shm *shm = cp_dp_shm(tbl->dp);
	uint32_t dp_max, live = (uint32_t)tbl->c.legs;
	bool pass[2];

	tbl->now_ns = now_ns;
	if (shm == NULL || tbl->closed)
		return;
	tbl->c.attaches++;
	pass[0] = epoch == tbl->epoch;
	tbl->epoch = epoch;
	dp_max = dp_shm_stats(shm)->max_legs;
	tbl->limit = dp_max < tbl->cap ? dp_max : tbl->cap;
	if (tbl->next >= tbl->limit)
		tbl->next = 0;
	ids_attach(tbl, pass[0]);
	if (!pass[0])
		foreign_scan(tbl, shm);
	/* Unbound legs first: their LEG_BIND to nobody (same epoch) must
	 * not undo a pair bound after it. */
	pass[1] = false;
	hash_apply(tbl->ht, reinstall_h, pass);
	pass[1] = true;
	hash_apply(tbl->ht, reinstall_h, pass);
	if (live > 0)
		cp_notice("installing %u leg(s) in dataplane epoch %016" PRIx64
			  " (%s; ids below %u)",
			  live, epoch,
			  pass[0] ? "the same dataplane again" : "a new one",
			  tbl->limit);
	cp_leg_flush(tbl);
	cp_leg_report_errors(tbl);
}

void
cp_leg_poll(struct cp_leg_tbl *tbl, uint64_t now_ns)
{
	uint64_t epoch = cp_dp_epoch(tbl->dp);

	tbl->now_ns = now_ns;
	/* An owner that does not call cp_leg_attach() from its attach
	 * handler still gets a re-install here, one poll later. */
	if (epoch != 0 && epoch != tbl->epoch)
		cp_leg_attach(tbl, epoch, now_ns);
	cp_leg_flush(tbl);
	cp_leg_report_errors(tbl);
}
