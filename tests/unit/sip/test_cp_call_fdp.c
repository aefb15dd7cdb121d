/* SPDX-License-Identifier: BSD-3-Clause */
/* The fake dataplane of the B2BUA tests (test_cp_call_fdp.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_cp_call_fdp.h"

#define MS 1000000ULL

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	struct fdp *f = arg;

	(void)dp;
	if (f->tbl != NULL)
		cp_leg_attach(f->tbl, epoch, now_ns);
}

void
fdp_open(struct fdp *f)
{
	static int n;
	const struct dp_shm_params p = {256, 256, 2, 2, FDP_LEGS};
	struct cp_dp_cfg cfg;
	char path[64];
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < FDP_LEGS; i++)
		f->leg[i].peer = DP_LEG_NONE;
	snprintf(f->inst, sizeof(f->inst), "cpcall-%d-%d", (int)getpid(), n++);
	if (dp_shm_path(f->inst, path, sizeof(path)) == 0)
		unlink(path);
	f->now = dp_shm_now_ns();
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", f->inst);
	cfg.retry_ns = 200 * MS;
	cfg.dead_ns = 100000 * MS;
	cfg.result_timeout_ns = 100000 * MS;
	assert_int_equal(cp_dp_alloc(&f->dp, &cfg, f->now, attach_h, f), 0);
	assert_int_equal(cp_leg_tbl_alloc(&f->tbl, f->dp, FDP_LEGS), 0);
	assert_int_equal(dp_shm_create(f->inst, &p, &f->shm), 0);
	dp_shm_heartbeat(f->shm, f->now);
	assert_int_equal(cp_dp_poll(f->dp, f->now), 0);
	assert_int_equal(cp_dp_state(f->dp), CP_DP_ATTACHED);
}

static void
sa_from(struct sa *sa, int af, const uint8_t *addr, uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (af == AF_INET) {
		uint32_t v;

		memcpy(&v, addr, 4);
		sa_set_in(sa, ntohl(v), port);
	} else
		sa_set_in6(sa, addr, port);
}

static struct fdp_leg *
live(struct fdp *f, uint32_t id)
{
	if (id >= FDP_LEGS || !f->leg[id].live) {
		f->errors++;
		return NULL;
	}
	return &f->leg[id];
}

static void
unbind(struct fdp *f, uint32_t id)
{
	uint32_t p = f->leg[id].peer;

	if (p != DP_LEG_NONE && p < FDP_LEGS && f->leg[p].peer == id)
		f->leg[p].peer = DP_LEG_NONE;
	f->leg[id].peer = DP_LEG_NONE;
}

static int
do_add(struct fdp *f, const struct dp_msg_leg_add *a)
{
	unsigned int i;

	f->adds++;
	if (f->fail_add != 0) {
		int st = f->fail_add;

		f->fail_add = 0;
		return st;
	}
	if (a->leg_id >= FDP_LEGS || f->leg[a->leg_id].live) {
		f->errors++;
		return -EEXIST;
	}
	for (i = 0; i < FDP_LEGS; i++) {
		const struct fdp_leg *l = &f->leg[i];

		if (l->live && l->ifport == a->port && l->af == a->family &&
		    memcmp(l->addr, a->addr, 16) == 0 &&
		    (l->rtp == a->rtp_port ||
		     (l->rtcp != 0 && l->rtcp == a->rtp_port) ||
		     (a->rtcp_port != 0 &&
		      (l->rtp == a->rtcp_port || l->rtcp == a->rtcp_port)))) {
			f->errors++;
			return -EEXIST;
		}
	}
	memset(&f->leg[a->leg_id], 0, sizeof(f->leg[0]));
	f->leg[a->leg_id] = (struct fdp_leg){
		.live = true,
		.ifport = a->port,
		.af = a->family,
		.rtp = a->rtp_port,
		.rtcp = a->rtcp_port,
		.flags = a->flags,
		.idle_ms = a->idle_ms,
		.clock_hz = a->clock_hz,
		.peer = DP_LEG_NONE,
	};
	memcpy(f->leg[a->leg_id].addr, a->addr, 16);
	return 0;
}

static int
apply(struct fdp *f, const union dp_msg *m)
{
	struct fdp_leg *l, *p;

	f->cmds++;
	switch (m->hdr.type) {
	case DP_MSG_LEG_ADD:
		return do_add(f, &m->leg_add);
	case DP_MSG_LEG_DEL:
		f->dels++;
		if ((l = live(f, m->leg_del.leg_id)) == NULL)
			return -ENOENT;
		unbind(f, m->leg_del.leg_id);
		l->live = false;
		return 0;
	case DP_MSG_LEG_MOD:
		if ((l = live(f, m->leg_mod.leg_id)) == NULL)
			return -ENOENT;
		l->flags = m->leg_mod.flags;
		l->idle_ms = m->leg_mod.idle_ms;
		l->clock_hz = m->leg_mod.clock_hz;
		return 0;
	case DP_MSG_LEG_BIND:
		if ((l = live(f, m->leg_bind.leg_id)) == NULL)
			return -ENOENT;
		unbind(f, m->leg_bind.leg_id);
		if (m->leg_bind.peer_id == DP_LEG_NONE)
			return 0;
		if ((p = live(f, m->leg_bind.peer_id)) == NULL)
			return -ENOENT;
		unbind(f, m->leg_bind.peer_id);
		l->peer = m->leg_bind.peer_id;
		p->peer = m->leg_bind.leg_id;
		return 0;
	case DP_MSG_LEG_REMOTE:
		if ((l = live(f, m->leg_remote.leg_id)) == NULL)
			return -ENOENT;
		if (m->leg_remote.family != l->af) {
			f->errors++;
			return -EAFNOSUPPORT;
		}
		l->has_remote = true;
		sa_from(&l->remote, l->af, m->leg_remote.addr,
			m->leg_remote.rtp_port);
		l->remote_rtcp = m->leg_remote.rtcp_port;
		if (m->leg_remote.flags & DP_LEG_REMOTE_RELATCH)
			l->relatches++;
		return 0;
	default:
		return 0; /* DSCP, POLICE: not used by the B2BUA */
	}
}

void
fdp_run(struct fdp *f)
{
	union dp_msg m[64], r;
	int k, i, round;

	for (round = 0; round < 16; round++) {
		bool any = false;

		while ((k = dp_shm_cmd_recv(f->shm, m, 64)) > 0) {
			any = true;
			for (i = 0; i < k; i++) {
				memset(&r, 0, sizeof(r));
				r.hdr.type = DP_MSG_RESULT;
				r.hdr.len = sizeof(r.result);
				r.hdr.seq = m[i].hdr.seq;
				r.result.cmd_type = m[i].hdr.type;
				r.result.status = apply(f, &m[i]);
				assert_int_equal(dp_shm_evt_send(f->shm, &r, 1),
						 1);
			}
		}
		f->now += 1 * MS;
		dp_shm_heartbeat(f->shm, f->now);
		assert_int_equal(cp_dp_poll(f->dp, f->now), 0);
		cp_leg_poll(f->tbl, f->now);
		if (!any && round > 0)
			break;
	}
}

void
fdp_inactive(struct fdp *f, uint32_t id)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_INACTIVE;
	m.hdr.len = sizeof(m.leg_inactive);
	m.leg_inactive.leg_id = id;
	m.leg_inactive.idle_ms = f->leg[id].idle_ms;
	assert_int_equal(dp_shm_evt_send(f->shm, &m, 1), 1);
	fdp_run(f);
}

unsigned int
fdp_live(const struct fdp *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < FDP_LEGS; i++)
		if (f->leg[i].live)
			n++;
	return n;
}

void
fdp_close(struct fdp *f)
{
	char path[64];

	cp_leg_tbl_close(f->tbl);
	f->dp = mem_deref(f->dp);
	f->tbl = mem_deref(f->tbl);
	if (f->shm != NULL)
		dp_shm_destroy(f->shm);
	f->shm = NULL;
	if (dp_shm_path(f->inst, path, sizeof(path)) == 0)
		unlink(path);
}
