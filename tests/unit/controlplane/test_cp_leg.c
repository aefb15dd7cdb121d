/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The media leg table (controlplane/media/cp_leg.c, cp_leg_sync.c) against
 * a fake dataplane played by this process (dp_shm_create(), no EAL), the
 * way test_cp_state.c does it. Time is an input: nothing sleeps.
 *
 * Covers: LEG_ADD / MOD / REMOTE / BIND / DSCP / POLICE / DEL on the
 * command ring with every field; one LEG_BIND per pair whatever the order;
 * former peers unbound before a new binding; RESULT errors and timeouts
 * surfaced to the owner and kept in the record; ids reserved until the
 * deletion is confirmed and reused late; legs made while detached sent at
 * the attach; re-install of every live leg at a new epoch (nothing to the
 * old one), the same epoch again (EEXIST taken as installed, owed deletes
 * first); pacing when the command ring is full; LEG_LATCHED recorded,
 * RELATCH forgetting it; LEG_INACTIVE to the owner; legs of another
 * control plane kept and deleted once inactive; the dataplane's max_legs;
 * refused parameters; shutdown sending nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <re.h>

#include "cp_log.h"
#include "media/cp_leg.h"

#define MS 1000000ULL

static char inst[32];
static uint64_t t0;
static struct cp_leg_tbl *g_tbl;
static unsigned int attach_calls;

/* What the owner's event handler saw. */
static struct {
	unsigned int n;
	struct cp_leg_evt last;
	uint32_t last_id;
} evs;

static int
setup(void **state)
{
	static int n;
	char path[64];

	(void)state;
	snprintf(inst, sizeof(inst), "cpleg-%d-%d", (int)getpid(), n++);
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	t0 = dp_shm_now_ns();
	g_tbl = NULL;
	attach_calls = 0;
	memset(&evs, 0, sizeof(evs));
	return 0;
}

static int
teardown(void **state)
{
	char path[64];

	(void)state;
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	return 0;
}

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	(void)dp;
	(void)arg;
	attach_calls++;
	if (g_tbl != NULL)
		cp_leg_attach(g_tbl, epoch, now_ns);
}

static void
event_h(struct cp_leg *leg, const struct cp_leg_evt *ev, void *arg)
{
	(void)arg;
	evs.n++;
	evs.last = *ev;
	evs.last_id = cp_leg_id(leg);
}

static struct dp_shm *
fake_dp_legs(uint64_t now, uint32_t max_legs)
{
	const struct dp_shm_params p = {64, 64, 2, 2, max_legs};
	struct dp_shm *shm = NULL;

	assert_int_equal(dp_shm_create(inst, &p, &shm), 0);
	dp_shm_heartbeat(shm, now);
	return shm;
}

static struct dp_shm *
fake_dp(uint64_t now)
{
	return fake_dp_legs(now, 16);
}

static struct cp_dp *
link_new(void)
{
	struct cp_dp_cfg cfg;
	struct cp_dp *dp = NULL;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", inst);
	cfg.retry_ns = 200 * MS;
	cfg.dead_ns = 1000 * MS;
	cfg.result_timeout_ns = 2000 * MS; /* no pings: only our commands */
	assert_int_equal(cp_dp_alloc(&dp, &cfg, t0, attach_h, NULL), 0);
	return dp;
}

/* Commands on the ring, in order (no answer yet). */
static unsigned int
take(struct dp_shm *fdp, union dp_msg *got, unsigned int max)
{
	union dp_msg m[64];
	unsigned int n = 0;
	int k, i;

	while ((k = dp_shm_cmd_recv(fdp, m, 64)) > 0) {
		for (i = 0; i < k; i++) {
			assert_true(n < max);
			got[n++] = m[i];
		}
	}
	return n;
}

static void
answer(struct dp_shm *fdp, const union dp_msg *c, int status)
{
	union dp_msg r;

	memset(&r, 0, sizeof(r));
	r.hdr.type = DP_MSG_RESULT;
	r.hdr.len = sizeof(r.result);
	r.hdr.seq = c->hdr.seq;
	r.result.cmd_type = c->hdr.type;
	r.result.status = status;
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
}

static void
answer_all(struct dp_shm *fdp, const union dp_msg *got, unsigned int n,
	   int status)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		answer(fdp, &got[i], status);
}

/* Link, table and fake dataplane attached at t0. */
static struct cp_dp *
attached(struct dp_shm **fdpp, uint32_t dp_max_legs, uint32_t cap)
{
	struct cp_dp *dp = link_new();

	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, cap), 0);
	*fdpp = fake_dp_legs(t0, dp_max_legs);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(attach_calls, 1);
	return dp;
}

static void
done(struct cp_dp *dp, struct dp_shm *fdp)
{
	/* The owner's order at shutdown: stop sending, free. */
	cp_leg_tbl_close(g_tbl);
	g_tbl = mem_deref(g_tbl);
	mem_deref(dp);
	if (fdp != NULL)
		dp_shm_destroy(fdp);
}

static void
prm_v4(struct cp_leg_prm *p, uint16_t rtp, uint16_t rtcp)
{
	memset(p, 0, sizeof(*p));
	p->ifport = 0;
	assert_int_equal(sa_set_str(&p->local, "192.0.2.1", rtp), 0);
	p->rtcp_port = rtcp;
	p->flags = DP_LEG_F_LATCH | DP_LEG_F_STRICT;
	p->idle_ms = 5000;
	p->clock_hz = 8000;
	p->relatch_ms = 250;
}

static void
prm_v6(struct cp_leg_prm *p, uint16_t rtp)
{
	memset(p, 0, sizeof(*p));
	p->ifport = 1;
	assert_int_equal(sa_set_str(&p->local, "2001:db8:2::1", rtp), 0);
	p->flags = DP_LEG_F_STRICT;
}

static void
addr_is(const uint8_t *got, int af, const char *s)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	assert_int_equal(inet_pton(af, s, a), 1);
	assert_memory_equal(got, a, af == AF_INET ? 4 : 16);
}

static struct cp_leg_counters
ctr(void)
{
	struct cp_leg_counters c;

	cp_leg_tbl_counters(g_tbl, &c);
	return c;
}

/* LEG_ADD with every field, RESULT 0 -> installed. */
static void
test_add(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 20001);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, event_h, NULL), 0);
	assert_int_equal(cp_leg_id(leg), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_ADD);
	assert_int_equal(got[0].hdr.len, sizeof(struct dp_msg_leg_add));
	assert_int_equal(got[0].leg_add.leg_id, 0);
	assert_int_equal(got[0].leg_add.port, 0);
	assert_int_equal(got[0].leg_add.family, AF_INET);
	addr_is(got[0].leg_add.addr, AF_INET, "192.0.2.1");
	assert_int_equal(got[0].leg_add.rtp_port, 20000);
	assert_int_equal(got[0].leg_add.rtcp_port, 20001);
	assert_int_equal(got[0].leg_add.flags,
			 DP_LEG_F_LATCH | DP_LEG_F_STRICT);
	assert_int_equal(got[0].leg_add.idle_ms, 5000);
	assert_int_equal(got[0].leg_add.clock_hz, 8000);
	assert_int_equal(got[0].leg_add.relatch_ms, 250);
	cp_leg_info(leg, &info);
	assert_false(info.installed);
	assert_false(info.pending);

	answer(fdp, &got[0], 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	cp_leg_info(leg, &info);
	assert_true(info.installed);
	assert_int_equal(info.err, 0);
	assert_int_equal(ctr().cmds_sent, 1);
	assert_int_equal(ctr().cmds_ok, 1);
	assert_int_equal(ctr().legs, 1);
	assert_int_equal(evs.n, 0);
	mem_deref(leg);
	done(dp, fdp);
}

/* REMOTE, DSCP, POLICE, MOD with their fields; one BIND per pair. */
static void
test_commands(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *a = NULL, *b = NULL;
	struct cp_leg_police pol = {100, 0, 64, 0};
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[16];
	struct sa r;

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, event_h, NULL), 0);
	prm_v6(&p, 30000);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, event_h, NULL), 0);
	assert_int_equal(sa_set_str(&r, "2001:db8:2::10", 30010), 0);
	assert_int_equal(cp_leg_remote(b, &r, 0, false), 0);
	assert_int_equal(cp_leg_bind(a, b), 0);
	assert_int_equal(cp_leg_dscp(b, 46), 0);
	assert_int_equal(cp_leg_police(a, &pol), 0);
	assert_int_equal(cp_leg_mod(a, DP_LEG_F_LATCH, 0, 3000, 16000), 0);

	assert_int_equal(take(fdp, got, 16), 7);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_ADD);
	assert_int_equal(got[0].leg_add.rtcp_port, 0); /* rtcp-mux */
	assert_int_equal(got[1].hdr.type, DP_MSG_LEG_ADD);
	assert_int_equal(got[1].leg_add.leg_id, 1);
	assert_int_equal(got[1].leg_add.port, 1);
	assert_int_equal(got[1].leg_add.family, AF_INET6);
	addr_is(got[1].leg_add.addr, AF_INET6, "2001:db8:2::1");
	assert_int_equal(got[2].hdr.type, DP_MSG_LEG_REMOTE);
	assert_int_equal(got[2].leg_remote.leg_id, 1);
	assert_int_equal(got[2].leg_remote.family, AF_INET6);
	addr_is(got[2].leg_remote.addr, AF_INET6, "2001:db8:2::10");
	assert_int_equal(got[2].leg_remote.rtp_port, 30010);
	assert_int_equal(got[2].leg_remote.rtcp_port, 0);
	assert_int_equal(got[2].leg_remote.flags, 0);
	assert_int_equal(got[3].hdr.type, DP_MSG_LEG_BIND);
	assert_true(
		(got[3].leg_bind.leg_id == 0 && got[3].leg_bind.peer_id == 1) ||
		(got[3].leg_bind.leg_id == 1 && got[3].leg_bind.peer_id == 0));
	assert_int_equal(got[4].hdr.type, DP_MSG_LEG_DSCP);
	assert_int_equal(got[4].leg_dscp.leg_id, 1);
	assert_int_equal(got[4].leg_dscp.dscp, 46);
	assert_int_equal(got[5].hdr.type, DP_MSG_LEG_POLICE);
	assert_int_equal(got[5].leg_police.leg_id, 0);
	assert_int_equal(got[5].leg_police.pps, 100);
	assert_int_equal(got[5].leg_police.kbps, 64);
	assert_int_equal(got[6].hdr.type, DP_MSG_LEG_MOD);
	assert_int_equal(got[6].leg_mod.leg_id, 0);
	assert_int_equal(got[6].leg_mod.flags, DP_LEG_F_LATCH);
	assert_int_equal(got[6].leg_mod.idle_ms, 3000);
	assert_int_equal(got[6].leg_mod.clock_hz, 16000);
	answer_all(fdp, got, 7, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(ctr().cmds_ok, 7);

	cp_leg_info(a, &info);
	assert_int_equal(info.peer_id, 1);
	assert_true(info.police_set);
	assert_int_equal(info.police.pps, 100);
	assert_int_equal(info.prm.flags, DP_LEG_F_LATCH);
	cp_leg_info(b, &info);
	assert_int_equal(info.peer_id, 0);
	assert_true(info.has_remote);
	assert_true(sa_cmp(&info.remote, &r, SA_ALL));
	assert_int_equal(info.dscp, 46);

	/* Deleting b: LEG_DEL, and a is unbound in the record too (the
	 * dataplane unbinds the peer of a deleted leg). */
	mem_deref(b);
	assert_int_equal(take(fdp, got, 16), 1);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_DEL);
	assert_int_equal(got[0].leg_del.leg_id, 1);
	cp_leg_info(a, &info);
	assert_int_equal(info.peer_id, DP_LEG_NONE);
	mem_deref(a);
	done(dp, fdp);
}

/* A binding before either leg is in the dataplane: one LEG_BIND, after
 * both LEG_ADDs. */
static void
test_bind_before_add(void **state)
{
	struct cp_dp *dp = link_new();
	struct cp_leg *a = NULL, *b = NULL;
	struct dp_shm *fdp;
	struct cp_leg_prm p;
	union dp_msg got[8];
	unsigned int n, i, binds = 0, adds = 0;

	(void)state;
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, 16), 0);
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, event_h, NULL), 0);
	prm_v6(&p, 30000);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, event_h, NULL), 0);
	/* b bound to a: b is queued first for the BIND, a for nothing */
	assert_int_equal(cp_leg_bind(b, a), 0);
	fdp = fake_dp(t0);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	n = take(fdp, got, 8);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (got[i].hdr.type == DP_MSG_LEG_ADD)
			adds++;
		if (got[i].hdr.type == DP_MSG_LEG_BIND) {
			binds++;
			assert_int_equal(adds, 2);
		}
	}
	assert_int_equal(binds, 1);
	assert_int_equal(ctr().reinstalls, 2);
	mem_deref(a);
	mem_deref(b);
	done(dp, fdp);
}

/* Rebinding a to c: b (a's former peer) is unbound first. */
static void
test_rebind(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *a = NULL, *b = NULL, *c = NULL;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, NULL, NULL), 0);
	prm_v6(&p, 30000);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, NULL, NULL), 0);
	prm_v6(&p, 30002);
	assert_int_equal(cp_leg_alloc(&c, g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(cp_leg_bind(a, b), 0);
	assert_int_equal(take(fdp, got, 8), 4);
	answer_all(fdp, got, 4, 0);

	assert_int_equal(cp_leg_bind(a, c), 0);
	assert_int_equal(take(fdp, got, 8), 2);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_BIND);
	assert_int_equal(got[0].leg_bind.leg_id, cp_leg_id(b));
	assert_int_equal(got[0].leg_bind.peer_id, DP_LEG_NONE);
	assert_int_equal(got[1].hdr.type, DP_MSG_LEG_BIND);
	assert_true(got[1].leg_bind.leg_id == cp_leg_id(a) ||
		    got[1].leg_bind.leg_id == cp_leg_id(c));
	cp_leg_info(b, &info);
	assert_int_equal(info.peer_id, DP_LEG_NONE);

	/* Unbinding: one BIND to nobody. */
	assert_int_equal(cp_leg_bind(a, NULL), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].leg_bind.leg_id, cp_leg_id(a));
	assert_int_equal(got[0].leg_bind.peer_id, DP_LEG_NONE);
	cp_leg_info(c, &info);
	assert_int_equal(info.peer_id, DP_LEG_NONE);
	mem_deref(a);
	mem_deref(b);
	mem_deref(c);
	done(dp, fdp);
}

/* A refused command reaches the owner with the dataplane's errno, and
 * no RESULT at all is reported as ETIMEDOUT. */
static void
test_result_errors(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 20001);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, event_h, NULL), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	answer(fdp, &got[0], -EADDRNOTAVAIL);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(evs.n, 1);
	assert_int_equal(evs.last.type, CP_LEG_EV_ERROR);
	assert_int_equal(evs.last.cmd, DP_MSG_LEG_ADD);
	assert_int_equal(evs.last.err, EADDRNOTAVAIL);
	assert_int_equal(evs.last_id, cp_leg_id(leg));
	cp_leg_info(leg, &info);
	assert_false(info.installed);
	assert_int_equal(info.err, EADDRNOTAVAIL);
	assert_int_equal(info.err_cmd, DP_MSG_LEG_ADD);
	assert_int_equal(ctr().cmds_failed, 1);

	/* No answer to LEG_DSCP within the link's result timeout. */
	assert_int_equal(cp_leg_dscp(leg, 34), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	dp_shm_heartbeat(fdp, t0 + 2100 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 2100 * MS), 0);
	assert_int_equal(evs.n, 2);
	assert_int_equal(evs.last.cmd, DP_MSG_LEG_DSCP);
	assert_int_equal(evs.last.err, ETIMEDOUT);
	assert_int_equal(ctr().cmds_failed, 2);
	mem_deref(leg);
	done(dp, fdp);
}

/* A deleted leg's id stays reserved until LEG_DEL is confirmed, and ids
 * are handed out next-fit. */
static void
test_ids(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 4, 16);
	struct cp_leg *l[5] = {NULL};
	struct cp_leg_prm p;
	union dp_msg got[8];
	unsigned int i;

	(void)state;
	/* The dataplane has 4 legs: so has the table. */
	assert_int_equal(cp_leg_tbl_limit(g_tbl), 4);
	for (i = 0; i < 4; i++) {
		prm_v4(&p, (uint16_t)(20000 + 2 * i), 0);
		assert_int_equal(cp_leg_alloc(&l[i], g_tbl, &p, NULL, NULL), 0);
		assert_int_equal(cp_leg_id(l[i]), i);
	}
	prm_v4(&p, 20010, 0);
	assert_int_equal(cp_leg_alloc(&l[4], g_tbl, &p, NULL, NULL), ENOSPC);
	assert_int_equal(take(fdp, got, 8), 4);
	answer_all(fdp, got, 4, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);

	l[1] = mem_deref(l[1]);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_DEL);
	assert_int_equal(got[0].leg_del.leg_id, 1);
	/* Not confirmed yet: still no id. */
	assert_int_equal(cp_leg_alloc(&l[4], g_tbl, &p, NULL, NULL), ENOSPC);
	answer(fdp, &got[0], 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 2 * MS), 0);
	assert_int_equal(cp_leg_alloc(&l[4], g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(cp_leg_id(l[4]), 1);
	for (i = 0; i < 5; i++)
		mem_deref(l[i]);
	done(dp, fdp);
}

/* Next fit: a freed id is the last one taken again. */
static void
test_ids_late_reuse(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *a = NULL, *b = NULL;
	struct cp_leg_prm p;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	answer(fdp, &got[0], 0);
	a = mem_deref(a);
	assert_int_equal(take(fdp, got, 8), 1);
	answer(fdp, &got[0], -ENOENT); /* gone already: free all the same */
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(cp_leg_id(b), 1);
	mem_deref(b);
	done(dp, fdp);
}

/* Two bound legs with everything set, in a dataplane that is replaced:
 * the new one gets it all, the old one nothing. */
static void
test_reinstall_new_epoch(void **state)
{
	struct dp_shm *fdp, *fdp2;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *a = NULL, *b = NULL;
	struct cp_leg_police pol = {50, 10, 0, 0};
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[16];
	struct sa r;
	unsigned int n, i, adds = 0, binds = 0, remotes = 0, dscps = 0,
			   polices = 0;

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, event_h, NULL), 0);
	prm_v6(&p, 30000);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, event_h, NULL), 0);
	assert_int_equal(sa_set_str(&r, "2001:db8:2::10", 30010), 0);
	assert_int_equal(cp_leg_remote(b, &r, 30011, true), 0);
	assert_int_equal(cp_leg_bind(a, b), 0);
	assert_int_equal(cp_leg_dscp(a, 46), 0);
	assert_int_equal(cp_leg_police(b, &pol), 0);
	n = take(fdp, got, 16);
	assert_int_equal(n, 6);
	assert_int_equal(got[2].leg_remote.flags, DP_LEG_REMOTE_RELATCH);
	answer_all(fdp, got, n, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);

	/* The dataplane restarts: a new segment, a new epoch. */
	fdp2 = fake_dp(t0 + 300 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 300 * MS), 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 301 * MS), 0);
	assert_int_equal(attach_calls, 2);
	n = take(fdp2, got, 16);
	assert_int_equal(n, 6);
	for (i = 0; i < n; i++) {
		switch (got[i].hdr.type) {
		case DP_MSG_LEG_ADD:
			adds++;
			break;
		case DP_MSG_LEG_BIND:
			binds++;
			assert_int_equal(adds, 2); /* both exist first */
			break;
		case DP_MSG_LEG_REMOTE:
			remotes++;
			assert_int_equal(got[i].leg_remote.leg_id, 1);
			assert_int_equal(got[i].leg_remote.rtcp_port, 30011);
			/* nothing latched in a new dataplane to forget */
			assert_int_equal(got[i].leg_remote.flags, 0);
			break;
		case DP_MSG_LEG_DSCP:
			dscps++;
			assert_int_equal(got[i].leg_dscp.dscp, 46);
			break;
		case DP_MSG_LEG_POLICE:
			polices++;
			assert_int_equal(got[i].leg_police.pps, 50);
			assert_int_equal(got[i].leg_police.burst_pkts, 10);
			break;
		default:
			fail_msg("unexpected %s", dp_msg_name(got[i].hdr.type));
		}
	}
	assert_int_equal(adds, 2);
	assert_int_equal(binds, 1);
	assert_int_equal(remotes, 1);
	assert_int_equal(dscps, 1);
	assert_int_equal(polices, 1);
	assert_int_equal(take(fdp, got, 16), 0);
	cp_leg_info(a, &info);
	assert_false(info.installed); /* not confirmed by the new one yet */
	answer_all(fdp2, got, n, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 302 * MS), 0);
	cp_leg_info(a, &info);
	assert_true(info.installed);
	assert_int_equal(ctr().reinstalls, 2);
	assert_int_equal(ctr().attaches, 2);
	mem_deref(a);
	mem_deref(b);
	done(dp, fdp2);
	dp_shm_destroy(fdp);
}

/* The link is lost (heartbeat) and comes back to the same dataplane:
 * owed deletes first, then every leg again, EEXIST meaning installed. */
static void
test_reattach_same_epoch(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *a = NULL, *b = NULL;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[16];
	unsigned int n, i;

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&a, g_tbl, &p, event_h, NULL), 0);
	prm_v4(&p, 20002, 0);
	assert_int_equal(cp_leg_alloc(&b, g_tbl, &p, event_h, NULL), 0);
	n = take(fdp, got, 16);
	answer_all(fdp, got, n, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);

	/* Heartbeat stops: the link is lost. */
	assert_int_equal(cp_dp_poll(dp, t0 + 1100 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	/* Meanwhile the owner deletes b and changes a. */
	b = mem_deref(b);
	assert_int_equal(cp_leg_mod(a, DP_LEG_F_LATCH, 0, 0, 0), 0);
	assert_int_equal(take(fdp, got, 16), 0);

	/* The same dataplane beats again. */
	dp_shm_heartbeat(fdp, t0 + 1300 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 1300 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(attach_calls, 2);
	n = take(fdp, got, 16);
	assert_int_equal(n, 3);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_DEL);
	assert_int_equal(got[0].leg_del.leg_id, 1);
	assert_int_equal(got[1].hdr.type, DP_MSG_LEG_ADD);
	assert_int_equal(got[1].leg_add.leg_id, 0);
	assert_int_equal(got[2].hdr.type, DP_MSG_LEG_MOD);
	assert_int_equal(got[2].leg_mod.flags, DP_LEG_F_LATCH);
	answer(fdp, &got[0], 0);
	answer(fdp, &got[1], -EEXIST);
	answer(fdp, &got[2], 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1301 * MS), 0);
	cp_leg_info(a, &info);
	assert_true(info.installed);
	assert_int_equal(info.err, 0);
	assert_int_equal(evs.n, 0);
	/* id 1 is free again */
	for (i = 0; i < 16; i++) {
		struct cp_leg *x = NULL;

		prm_v4(&p, (uint16_t)(21000 + 2 * i), 0);
		if (cp_leg_alloc(&x, g_tbl, &p, NULL, NULL) != 0)
			break;
		if (cp_leg_id(x) == 1) {
			mem_deref(x);
			break;
		}
		mem_deref(x);
	}
	assert_true(i < 16);
	mem_deref(a);
	done(dp, fdp);
}

/* A full command ring: what does not fit is sent at the next polls, in
 * order, exactly once. */
static void
test_pacing(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 256, 256);
	struct cp_leg *l[100] = {NULL};
	struct cp_leg_prm p;
	union dp_msg got[128];
	unsigned int i, n, total = 0, polls = 0;
	uint32_t next_id = 0;

	(void)state;
	for (i = 0; i < 100; i++) {
		prm_v4(&p, (uint16_t)(20000 + 2 * i), 0);
		assert_int_equal(cp_leg_alloc(&l[i], g_tbl, &p, NULL, NULL), 0);
	}
	assert_true(ctr().cmds_late > 0); /* the 64-slot ring was full */
	while (total < 100 && polls < 10) {
		n = take(fdp, got, 128);
		for (i = 0; i < n; i++) {
			assert_int_equal(got[i].hdr.type, DP_MSG_LEG_ADD);
			assert_int_equal(got[i].leg_add.leg_id, next_id);
			next_id++;
		}
		answer_all(fdp, got, n, 0);
		total += n;
		polls++;
		assert_int_equal(cp_dp_poll(dp, t0 + polls * MS), 0);
		cp_leg_poll(g_tbl, t0 + polls * MS);
	}
	assert_int_equal(total, 100);
	assert_int_equal(ctr().cmds_sent, 100);
	n = take(fdp, got, 128);
	assert_int_equal(n, 0);
	for (i = 0; i < 100; i++)
		mem_deref(l[i]);
	done(dp, fdp);
}

static void
latched_evt(struct dp_shm *fdp, uint32_t id, int af, const char *addr,
	    uint16_t port, uint8_t rtcp, uint32_t latches)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_LATCHED;
	m.hdr.len = sizeof(m.leg_latched);
	m.leg_latched.leg_id = id;
	m.leg_latched.family = (uint8_t)af;
	m.leg_latched.rtcp = rtcp;
	m.leg_latched.rtp_port = port;
	m.leg_latched.latches = latches;
	assert_int_equal(inet_pton(af, addr, m.leg_latched.addr), 1);
	assert_int_equal(dp_shm_evt_send(fdp, &m, 1), 1);
}

/* LEG_LATCHED updates the record and tells the owner; RELATCH in a new
 * remote forgets it. */
static void
test_latched(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[8];
	struct sa want, r;

	(void)state;
	prm_v4(&p, 20000, 20001);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, event_h, NULL), 0);
	answer_all(fdp, got, take(fdp, got, 8), 0);
	latched_evt(fdp, 0, AF_INET, "192.0.2.10", 40000, 0, 1);
	latched_evt(fdp, 0, AF_INET, "192.0.2.10", 40001, 1, 2);
	latched_evt(fdp, 9, AF_INET, "192.0.2.10", 40000, 0, 1); /* no leg */
	/* family not the leg's: not believed */
	latched_evt(fdp, 0, AF_INET6, "2001:db8::1", 40000, 0, 3);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(evs.n, 2);
	assert_int_equal(evs.last.type, CP_LEG_EV_LATCHED);
	cp_leg_info(leg, &info);
	assert_true(info.latched);
	assert_int_equal(sa_set_str(&want, "192.0.2.10", 40000), 0);
	assert_true(sa_cmp(&info.latched_rtp, &want, SA_ALL));
	assert_int_equal(sa_set_str(&want, "192.0.2.10", 40001), 0);
	assert_true(sa_cmp(&info.latched_rtcp, &want, SA_ALL));
	assert_int_equal(info.latches, 2);
	assert_int_equal(ctr().latched, 2);
	assert_int_equal(ctr().evt_unknown, 2);

	/* A new answer moves the remote: forget the latched source. */
	assert_int_equal(sa_set_str(&r, "192.0.2.20", 41000), 0);
	assert_int_equal(cp_leg_remote(leg, &r, 0, true), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_REMOTE);
	assert_int_equal(got[0].leg_remote.flags, DP_LEG_REMOTE_RELATCH);
	addr_is(got[0].leg_remote.addr, AF_INET, "192.0.2.20");
	cp_leg_info(leg, &info);
	assert_false(info.latched);
	/* the next LEG_REMOTE does not forget again */
	assert_int_equal(cp_leg_remote(leg, &r, 41001, false), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].leg_remote.flags, 0);
	assert_int_equal(got[0].leg_remote.rtcp_port, 41001);
	mem_deref(leg);
	done(dp, fdp);
}

static void
inactive_evt(struct dp_shm *fdp, uint32_t id, uint32_t idle_ms)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_LEG_INACTIVE;
	m.hdr.len = sizeof(m.leg_inactive);
	m.leg_inactive.leg_id = id;
	m.leg_inactive.idle_ms = idle_ms;
	assert_int_equal(dp_shm_evt_send(fdp, &m, 1), 1);
}

static void
test_inactive(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 20001);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, event_h, NULL), 0);
	answer_all(fdp, got, take(fdp, got, 8), 0);
	inactive_evt(fdp, 0, 5000);
	inactive_evt(fdp, 7, 5000); /* not ours, not foreign: counted */
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(evs.n, 1);
	assert_int_equal(evs.last.type, CP_LEG_EV_INACTIVE);
	assert_int_equal(evs.last.idle_ms, 5000);
	assert_int_equal(evs.last_id, 0);
	assert_int_equal(ctr().inactive, 1);
	assert_int_equal(ctr().evt_unknown, 1);
	assert_int_equal(take(fdp, got, 8), 0); /* nothing deleted */
	mem_deref(leg);
	done(dp, fdp);
}

/* Legs of another control plane: not handed out, deleted when idle. */
static void
test_foreign(void **state)
{
	struct cp_dp *dp = link_new();
	struct dp_shm *fdp = fake_dp(t0);
	struct dp_leg_stats *ls;
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	union dp_msg got[8];
	uint32_t n = 0;

	(void)state;
	ls = dp_shm_legs(fdp, &n);
	assert_int_equal(n, 16);
	ls[0].in_use = 1;
	ls[1].in_use = 1;
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, 16), 0);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(ctr().orphans, 2);
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(cp_leg_id(leg), 2);
	answer_all(fdp, got, take(fdp, got, 8), 0);

	inactive_evt(fdp, 1, 5000);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(take(fdp, got, 8), 1);
	assert_int_equal(got[0].hdr.type, DP_MSG_LEG_DEL);
	assert_int_equal(got[0].leg_del.leg_id, 1);
	assert_int_equal(ctr().orphans_del, 1);
	mem_deref(leg);
	done(dp, fdp);
}

/* Legs made before the first attach: sent when it comes; one beyond the
 * dataplane's max_legs is reported, not sent. */
static void
test_detached(void **state)
{
	struct cp_dp *dp = link_new();
	struct cp_leg *l[3] = {NULL};
	struct dp_shm *fdp;
	struct cp_leg_prm p;
	struct cp_leg_info info;
	union dp_msg got[8];
	unsigned int i;

	(void)state;
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, 16), 0);
	for (i = 0; i < 3; i++) {
		prm_v4(&p, (uint16_t)(20000 + 2 * i), 0);
		assert_int_equal(cp_leg_alloc(&l[i], g_tbl, &p, event_h, NULL),
				 0);
		cp_leg_info(l[i], &info);
		assert_true(info.pending);
	}
	fdp = fake_dp_legs(t0, 2);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(take(fdp, got, 8), 2);
	assert_int_equal(got[0].leg_add.leg_id, 0);
	assert_int_equal(got[1].leg_add.leg_id, 1);
	assert_int_equal(ctr().out_of_range, 1);
	assert_int_equal(evs.n, 1);
	assert_int_equal(evs.last.type, CP_LEG_EV_ERROR);
	assert_int_equal(evs.last.err, ERANGE);
	assert_int_equal(evs.last_id, 2);
	cp_leg_info(l[2], &info);
	assert_false(info.pending);
	assert_int_equal(info.err, ERANGE);
	/* freed before it reached any dataplane: nothing to delete */
	l[2] = mem_deref(l[2]);
	assert_int_equal(take(fdp, got, 8), 0);
	mem_deref(l[0]);
	mem_deref(l[1]);
	done(dp, fdp);
}

static void
test_bad_params(void **state)
{
	struct cp_dp *dp = link_new();
	struct cp_leg *leg = NULL, *x = NULL;
	struct cp_leg_prm p;
	struct sa r;

	(void)state;
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, 0), EINVAL);
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, DP_SHM_MAX_LEGS + 1),
			 EINVAL);
	assert_int_equal(cp_leg_tbl_alloc(&g_tbl, dp, 16), 0);
	prm_v4(&p, 20000, 20000); /* RTCP on the RTP port without mux */
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	prm_v4(&p, 0, 0);
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	prm_v4(&p, 20000, 0);
	p.flags = 0x80;
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	prm_v4(&p, 20000, 0);
	p.ifport = DP_MAX_PORTS;
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	prm_v4(&p, 20000, 0);
	p.clock_hz = DP_LEG_CLOCK_MAX + 1;
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	prm_v4(&p, 20000, 0);
	assert_int_equal(sa_set_str(&p.local, "224.0.0.1", 20000), 0);
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EINVAL);
	memset(&p, 0, sizeof(p));
	assert_int_equal(cp_leg_alloc(&x, g_tbl, &p, NULL, NULL), EAFNOSUPPORT);
	assert_null(x);
	assert_int_equal(ctr().legs, 0);

	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, NULL, NULL), 0);
	assert_int_equal(sa_set_str(&r, "2001:db8::1", 30000), 0);
	assert_int_equal(cp_leg_remote(leg, &r, 0, false), EAFNOSUPPORT);
	assert_int_equal(sa_set_str(&r, "0.0.0.0", 30000), 0);
	assert_int_equal(cp_leg_remote(leg, &r, 0, false), EINVAL);
	assert_int_equal(sa_set_str(&r, "192.0.2.10", 0), 0);
	assert_int_equal(cp_leg_remote(leg, &r, 0, false), EINVAL);
	assert_int_equal(cp_leg_dscp(leg, 64), EINVAL);
	assert_int_equal(cp_leg_dscp(leg, DP_DSCP_KEEP), 0);
	assert_int_equal(cp_leg_mod(leg, 0x40, 0, 0, 0), EINVAL);
	assert_int_equal(cp_leg_bind(leg, leg), EINVAL);
	mem_deref(leg);
	done(dp, NULL);
}

/* After close (shutdown), freed legs stay in the dataplane. */
static void
test_close(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached(&fdp, 16, 16);
	struct cp_leg *leg = NULL;
	struct cp_leg_prm p;
	union dp_msg got[8];

	(void)state;
	prm_v4(&p, 20000, 0);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, NULL, NULL), 0);
	answer_all(fdp, got, take(fdp, got, 8), 0);
	cp_leg_tbl_close(g_tbl);
	mem_deref(leg);
	assert_int_equal(take(fdp, got, 8), 0);
	assert_int_equal(cp_leg_alloc(&leg, g_tbl, &p, NULL, NULL), ESHUTDOWN);
	done(dp, fdp);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_add),
		T(test_commands),
		T(test_bind_before_add),
		T(test_rebind),
		T(test_result_errors),
		T(test_ids),
		T(test_ids_late_reuse),
		T(test_reinstall_new_epoch),
		T(test_reattach_same_epoch),
		T(test_pacing),
		T(test_latched),
		T(test_inactive),
		T(test_foreign),
		T(test_detached),
		T(test_bad_params),
		T(test_close),
	};
#undef T

	cp_log_init(ESG_LOG_DEBUG, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
