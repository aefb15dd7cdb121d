/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's dataplane link (controlplane/cp_dp.c) against a fake
 * dataplane played by this process: it creates the segment with
 * dp_shm_create() (no EAL needed), beats, answers commands and writes
 * events, garbage included. Time is an input of cp_dp_poll(), so nothing
 * here sleeps. Covers: attach when the segment appears later, attach
 * timeout, contract mismatch refused, new epoch noticed (replaced and
 * destroyed segment), stale heartbeat, PING/PONG both ways, RESULT
 * matching and timeout, and a peer writing garbage into the event ring
 * and its ring header.
 */
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
#include <rte_ring.h>

#include "cp_dp.h"
#include "cp_log.h"

#define MS 1000000ULL

static char inst[32];
static uint64_t t0;
static unsigned int attach_calls;
static uint64_t attach_epoch;

static int
setup(void **state)
{
	static int n;
	char path[64];

	(void)state;
	snprintf(inst, sizeof(inst), "cpdp-%d-%d", (int)getpid(), n++);
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	/* The segment's heartbeat starts at the real monotonic clock. */
	t0 = dp_shm_now_ns();
	attach_calls = 0;
	attach_epoch = 0;
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

static struct dp_shm *
fake_dp(uint64_t now)
{
	const struct dp_shm_params p = {64, 64, 2, 2, 16};
	struct dp_shm *shm = NULL;

	assert_int_equal(dp_shm_create(inst, &p, &shm), 0);
	dp_shm_heartbeat(shm, now);
	return shm;
}

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	(void)dp;
	(void)now_ns;
	(void)arg;
	attach_calls++;
	attach_epoch = epoch;
}

static struct cp_dp *
link_new(uint64_t now, uint64_t attach_timeout_ns)
{
	struct cp_dp_cfg cfg;
	struct cp_dp *dp = NULL;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", inst);
	cfg.attach_timeout_ns = attach_timeout_ns;
	cfg.retry_ns = 200 * MS;
	cfg.dead_ns = 1000 * MS;
	cfg.ping_interval_ns = 1000 * MS;
	cfg.result_timeout_ns = 2000 * MS;
	snprintf(cfg.port_name[0], CP_DP_NAME_LEN, "lan");
	assert_int_equal(cp_dp_alloc(&dp, &cfg, now, attach_h, NULL), 0);
	return dp;
}

static struct cp_dp_counters
counters(const struct cp_dp *dp)
{
	struct cp_dp_counters c;

	cp_dp_counters(dp, &c);
	return c;
}

/* Attached link and fake dataplane at t0, the attach PING consumed. */
static struct cp_dp *
attached_pair(struct dp_shm **dpp)
{
	struct cp_dp *dp = link_new(t0, 0);
	union dp_msg m;

	*dpp = fake_dp(t0);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(cp_dp_poll(dp, t0), 0); /* sends the first PING */
	assert_int_equal(dp_shm_cmd_recv(*dpp, &m, 1), 1);
	assert_int_equal(m.hdr.type, DP_MSG_PING);
	return dp;
}

static void
test_attach_later(void **state)
{
	struct cp_dp *dp = link_new(t0, 0);
	struct dp_shm *fdp;

	(void)state;
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(cp_dp_epoch(dp), 0);
	assert_int_equal(cp_dp_send(dp, &(union dp_msg){0}, t0, NULL, NULL),
			 ENOTCONN);

	fdp = fake_dp(t0 + 100 * MS);
	/* Retry not due yet (200 ms after the first attempt). */
	assert_int_equal(cp_dp_poll(dp, t0 + 100 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(cp_dp_poll(dp, t0 + 200 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(attach_calls, 1);
	assert_true(cp_dp_epoch(dp) == dp_shm_hdr(fdp)->epoch);
	assert_true(attach_epoch == dp_shm_hdr(fdp)->epoch);
	/* The control plane says who it is in the header. */
	assert_int_equal(dp_shm_hdr(fdp)->cp_pid, (uint32_t)getpid());
	assert_int_equal(dp_shm_hdr(fdp)->cp_attaches, 1);
	assert_int_equal(counters(dp).attaches, 1);

	mem_deref(dp);
	dp_shm_destroy(fdp);
}

static void
test_attach_timeout(void **state)
{
	struct cp_dp *dp = link_new(t0, 1000 * MS);

	(void)state;
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 800 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(cp_dp_poll(dp, t0 + 1000 * MS), ETIMEDOUT);
	assert_int_equal(cp_dp_state(dp), CP_DP_FAILED);
	/* Failed stays failed. */
	assert_int_equal(cp_dp_poll(dp, t0 + 5000 * MS), ETIMEDOUT);
	mem_deref(dp);
}

static void
test_version_mismatch(void **state)
{
	struct cp_dp *dp = link_new(t0, 0);
	struct dp_shm *fdp = fake_dp(t0);

	(void)state;
	dp_shm_hdr(fdp)->version = DP_API_VERSION + 1;
	assert_int_equal(cp_dp_poll(dp, t0), EPROTO);
	assert_int_equal(cp_dp_state(dp), CP_DP_FAILED);
	assert_int_equal(dp_shm_hdr(fdp)->cp_attaches, 0);
	mem_deref(dp);

	/* A size-table difference is a contract mismatch too. */
	dp_shm_hdr(fdp)->version = DP_API_VERSION;
	dp_shm_hdr(fdp)->sizes.msg[DP_MSG_PING] += 8;
	dp = link_new(t0, 0);
	assert_int_equal(cp_dp_poll(dp, t0), EPROTO);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

static void
test_epoch_replaced(void **state)
{
	struct dp_shm *fdp, *fdp2;
	struct cp_dp *dp = attached_pair(&fdp);
	uint64_t e1 = cp_dp_epoch(dp), t = t0 + 200 * MS;

	(void)state;
	/* A new dataplane replaces the segment; the old mapping still looks
	 * alive, only the path and the epoch tell. */
	fdp2 = fake_dp(t);
	dp_shm_heartbeat(fdp, t);
	assert_int_equal(cp_dp_poll(dp, t), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(counters(dp).losses, 1);
	assert_int_equal(cp_dp_poll(dp, t + 1 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_true(cp_dp_epoch(dp) == dp_shm_hdr(fdp2)->epoch);
	assert_true(cp_dp_epoch(dp) != e1);
	assert_int_equal(attach_calls, 2);
	assert_int_equal(dp_shm_hdr(fdp2)->cp_attaches, 1);
	mem_deref(dp);
	dp_shm_destroy(fdp2);
	dp_shm_destroy(fdp); /* does not unlink the newer file */
}

static void
test_epoch_destroyed(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);
	uint64_t t = t0 + 10 * MS;

	(void)state;
	dp_shm_destroy(fdp); /* clean stop: magic cleared, file gone */
	assert_int_equal(cp_dp_poll(dp, t), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(cp_dp_epoch(dp), 0);
	assert_int_equal(cp_dp_poll(dp, t + 300 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	fdp = fake_dp(t + 400 * MS);
	assert_int_equal(cp_dp_poll(dp, t + 500 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(attach_calls, 2);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

static void
test_heartbeat_stale(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);

	(void)state;
	assert_int_equal(cp_dp_poll(dp, t0 + 1000 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(cp_dp_poll(dp, t0 + 1001 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(counters(dp).losses, 1);
	/* The segment is still there but does not beat: not attached. */
	assert_int_equal(cp_dp_poll(dp, t0 + 1300 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	/* It beats again (e.g. was stopped in a debugger): attach again. */
	dp_shm_heartbeat(fdp, t0 + 1400 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 1500 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(counters(dp).attaches, 2);
	assert_int_equal(dp_shm_hdr(fdp)->cp_attaches, 2);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

static void
test_ping_pong(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = link_new(t0, 0);
	struct cp_dp_counters c;
	union dp_msg m, r;

	(void)state;
	fdp = fake_dp(t0);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	/* cp -> dp PING, answered by the fake dataplane 5 ms later. */
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &m, 1), 1);
	assert_int_equal(m.hdr.type, DP_MSG_PING);
	assert_true(m.ping.sent_ns == t0 + 1 * MS);
	r = m;
	r.hdr.type = DP_MSG_PONG;
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 6 * MS), 0);
	c = counters(dp);
	assert_int_equal(c.pings_tx, 1);
	assert_int_equal(c.pongs_rx, 1);
	assert_true(c.rtt_last_ns == 5 * MS);

	/* A PONG for a PING never sent counts as unexpected, no RTT. */
	r.ping.token = 999;
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 7 * MS), 0);
	assert_int_equal(counters(dp).pongs_rx, 1);
	assert_int_equal(counters(dp).rx_unexpected, 1);

	/* dp -> cp PING: the PONG echoes token and time. */
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_PING;
	m.hdr.len = sizeof(struct dp_msg_ping);
	m.hdr.seq = 41;
	m.ping.token = 0xfeed;
	m.ping.sent_ns = 12345;
	assert_int_equal(dp_shm_evt_send(fdp, &m, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 8 * MS), 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &r, 1), 1);
	assert_int_equal(r.hdr.type, DP_MSG_PONG);
	assert_true(r.ping.token == 0xfeed);
	assert_true(r.ping.sent_ns == 12345);
	c = counters(dp);
	assert_int_equal(c.pings_rx, 1);
	assert_int_equal(c.pongs_tx, 1);

	/* The next PING is due one interval after the first. */
	dp_shm_heartbeat(fdp, t0 + 1000 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 999 * MS), 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &r, 1), 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 1001 * MS), 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &r, 1), 1);
	assert_true(r.ping.token == 2);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

struct result_seen {
	unsigned int calls;
	int status;
	uint32_t seq;
};

static void
result_h(const union dp_msg *cmd, int status, void *arg)
{
	struct result_seen *rs = arg;

	rs->calls++;
	rs->status = status;
	rs->seq = cmd->hdr.seq;
}

static void
if_addr(union dp_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = DP_MSG_IF_ADDR_ADD;
	m->if_addr.port = 0;
	m->if_addr.family = AF_INET;
	m->if_addr.prefixlen = 24;
	m->if_addr.addr[0] = 192;
	m->if_addr.addr[2] = 2;
	m->if_addr.addr[3] = 1;
}

static void
result(union dp_msg *r, uint32_t seq, uint16_t cmd_type, int32_t status)
{
	memset(r, 0, sizeof(*r));
	r->hdr.type = DP_MSG_RESULT;
	r->hdr.len = sizeof(struct dp_msg_result);
	r->hdr.seq = seq;
	r->result.cmd_type = cmd_type;
	r->result.status = status;
}

static void
test_result_matching(void **state)
{
	struct result_seen rs1 = {0}, rs2 = {0}, rs3 = {0};
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);
	union dp_msg m, c1, c2, r;

	(void)state;
	if_addr(&m);
	assert_int_equal(cp_dp_send(dp, &m, t0, result_h, &rs1), 0);
	if_addr(&m);
	m.if_addr.addr[3] = 2;
	assert_int_equal(cp_dp_send(dp, &m, t0, result_h, &rs2), 0);
	assert_int_equal(cp_dp_pending(dp), 2);
	assert_int_equal(dp_shm_cmd_recv(fdp, &c1, 1), 1);
	assert_int_equal(dp_shm_cmd_recv(fdp, &c2, 1), 1);
	assert_int_equal(c1.hdr.len, sizeof(struct dp_msg_if_addr));
	assert_true(c2.hdr.seq != c1.hdr.seq);

	/* A RESULT for a seq never sent, and one naming the wrong command
	 * type: unexpected, nothing matched. */
	result(&r, c2.hdr.seq + 100, DP_MSG_IF_ADDR_ADD, 0);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	result(&r, c1.hdr.seq, DP_MSG_IF_ADDR_DEL, 0);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(counters(dp).rx_unexpected, 2);
	assert_int_equal(rs1.calls + rs2.calls, 0);

	/* Answers out of order: matched by seq, not by position. */
	result(&r, c2.hdr.seq, DP_MSG_IF_ADDR_ADD, -EEXIST);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	result(&r, c1.hdr.seq, DP_MSG_IF_ADDR_ADD, 0);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 2 * MS), 0);
	assert_int_equal(rs1.calls, 1);
	assert_int_equal(rs1.status, 0);
	assert_int_equal(rs1.seq, c1.hdr.seq);
	assert_int_equal(rs2.calls, 1);
	assert_int_equal(rs2.status, -EEXIST);
	assert_int_equal(counters(dp).results_ok, 1);
	assert_int_equal(counters(dp).results_failed, 1);
	assert_int_equal(cp_dp_pending(dp), 0);

	/* A second RESULT for the same seq matches nothing any more. */
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 3 * MS), 0);
	assert_int_equal(counters(dp).rx_unexpected, 3);
	assert_int_equal(rs1.calls, 1);

	/* No RESULT at all: reported after result_timeout_ns. */
	if_addr(&m);
	assert_int_equal(cp_dp_send(dp, &m, t0 + 3 * MS, result_h, &rs3), 0);
	dp_shm_heartbeat(fdp, t0 + 2000 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 2002 * MS), 0);
	assert_int_equal(rs3.calls, 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 2003 * MS), 0);
	assert_int_equal(rs3.calls, 1);
	assert_int_equal(rs3.status, -ETIMEDOUT);
	assert_int_equal(counters(dp).results_timeout, 1);

	/* A command sent from a handler carries a newer clock than the
	 * poll that runs the handler: it is new, not 2^64 ns old. */
	rs3.calls = 0;
	if_addr(&m);
	assert_int_equal(cp_dp_send(dp, &m, t0 + 2010 * MS, result_h, &rs3), 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 2004 * MS), 0);
	assert_int_equal(rs3.calls, 0);
	assert_int_equal(counters(dp).results_timeout, 1);
	result(&r, m.hdr.seq, DP_MSG_IF_ADDR_ADD, 0);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 2011 * MS), 0);
	assert_int_equal(rs3.calls, 1);
	assert_int_equal(rs3.status, 0);

	/* A command that does not validate is refused before the ring. */
	if_addr(&m);
	m.if_addr.port = DP_MAX_PORTS;
	assert_int_equal(cp_dp_send(dp, &m, t0 + 2003 * MS, NULL, NULL),
			 EINVAL);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

static void
test_pending_dropped_on_loss(void **state)
{
	struct result_seen rs = {0};
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);
	union dp_msg m;

	(void)state;
	if_addr(&m);
	assert_int_equal(cp_dp_send(dp, &m, t0, result_h, &rs), 0);
	assert_int_equal(cp_dp_pending(dp), 1);
	dp_shm_destroy(fdp);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	/* Dropped: the state is pushed again on the next attach. */
	assert_int_equal(cp_dp_pending(dp), 0);
	assert_int_equal(rs.calls, 0);
	mem_deref(dp);
}

static void
test_garbage_peer(void **state)
{
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);
	union dp_msg g[8], m;
	struct rte_ring *ring;
	uint32_t size;
	unsigned int i;

	(void)state;
	memset(g, 0, sizeof(g));
	for (i = 0; i < sizeof(g[0].raw); i++)
		g[0].raw[i] = (uint8_t)(i * 37 + 11); /* noise */
	g[1].hdr.type = 0xffff;			      /* unknown type */
	g[2].hdr.type = DP_MSG_PING;		      /* wrong length */
	g[2].hdr.len = 63;
	result(&g[3], 1, DP_MSG_IF_ADDR_ADD, 5); /* positive status */
	if_addr(&g[4]); /* a command, on the event ring */
	g[4].hdr.len = sizeof(struct dp_msg_if_addr);
	g[5].hdr.type = DP_MSG_NEIGH; /* state out of range */
	g[5].hdr.len = sizeof(struct dp_msg_neigh);
	g[5].neigh.family = AF_INET;
	g[5].neigh.state = 9;
	g[6].hdr.type = DP_MSG_IF_STATE; /* port out of range */
	g[6].hdr.len = sizeof(struct dp_msg_if_state);
	g[6].if_state.port = 999;
	/* and a good one after the garbage: still handled */
	g[7].hdr.type = DP_MSG_IF_STATE;
	g[7].hdr.len = sizeof(struct dp_msg_if_state);
	g[7].if_state.link_up = 1;
	g[7].if_state.speed_mbps = 10000;
	assert_int_equal(dp_shm_evt_send(fdp, g, 8), 8);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	assert_int_equal(counters(dp).rx_bad, 7);
	assert_int_equal(counters(dp).rx, 1);

	/* A full ring of garbage is drained over several polls, no more
	 * than a bounded amount per poll, without a crash. */
	for (i = 0; i < 63; i++)
		assert_int_equal(dp_shm_evt_send(fdp, &g[1], 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 2 * MS), 0);
	assert_int_equal(counters(dp).rx_bad, 7 + 63);

	/* The peer scribbles on the event ring header: the link is given
	 * up, and a segment in that state is not attached again. */
	ring = (struct rte_ring *)((uint8_t *)dp_shm_base(fdp) +
				   dp_shm_hdr(fdp)->region[DP_SHM_R_EVT].off);
	size = ring->size;
	ring->size = 1u << 30;
	assert_int_equal(cp_dp_poll(dp, t0 + 3 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	assert_int_equal(counters(dp).ring_corrupt, 2); /* dp_shm's + ours */
	assert_int_equal(cp_dp_poll(dp, t0 + 4 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_WAITING);
	ring->size = size;
	assert_int_equal(cp_dp_poll(dp, t0 + 204 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	memset(&m, 0, sizeof(m));
	assert_int_equal(cp_dp_send(dp, &m, t0 + 204 * MS, NULL, NULL), EINVAL);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

struct probed_seen {
	unsigned int calls;
	struct dp_msg_addr_probed evt;
};

static void
probe_h(const struct dp_msg_addr_probed *evt, uint64_t now_ns, void *arg)
{
	struct probed_seen *ps = arg;

	(void)now_ns;
	ps->calls++;
	ps->evt = *evt;
}

/* cp_dp_if_gw / cp_dp_addr_probe put the fields on the ring (RESULT
 * tracked like any command), refuse what does not validate, and an
 * ADDR_PROBED event reaches the handler of cp_dp_set_probe_h(). */
static void
test_gw_and_probe(void **state)
{
	const uint8_t gw4[4] = {198, 51, 100, 254};
	const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 7};
	struct result_seen rs = {0};
	struct probed_seen ps = {0};
	struct dp_shm *fdp;
	struct cp_dp *dp = attached_pair(&fdp);
	union dp_msg c, r;

	(void)state;
	assert_int_equal(cp_dp_if_gw(dp, 1, AF_INET, gw4, t0, result_h, &rs),
			 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &c, 1), 1);
	assert_int_equal(c.hdr.type, DP_MSG_IF_GW);
	assert_int_equal(c.if_gw.port, 1);
	assert_int_equal(c.if_gw.family, AF_INET);
	assert_int_equal(c.if_gw.clear, 0);
	assert_memory_equal(c.if_gw.addr, gw4, 4);
	result(&r, c.hdr.seq, DP_MSG_IF_GW, -EHOSTUNREACH);
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(rs.calls, 1);
	assert_int_equal(rs.status, -EHOSTUNREACH);

	assert_int_equal(cp_dp_if_gw(dp, 1, AF_INET6, NULL, t0, NULL, NULL), 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &c, 1), 1);
	assert_int_equal(c.if_gw.clear, 1);
	assert_int_equal(c.if_gw.family, AF_INET6);
	assert_int_equal(cp_dp_if_gw(dp, 1, AF_INET + 1, gw4, t0, NULL, NULL),
			 EINVAL);
	assert_int_equal(
		cp_dp_if_gw(dp, DP_MAX_PORTS, AF_INET, gw4, t0, NULL, NULL),
		EINVAL);

	assert_int_equal(cp_dp_addr_probe(dp, 1, AF_INET6, a6, 1, 1000, 42, t0,
					  result_h, &rs),
			 0);
	assert_int_equal(dp_shm_cmd_recv(fdp, &c, 1), 1);
	assert_int_equal(c.hdr.type, DP_MSG_ADDR_PROBE);
	assert_int_equal(c.addr_probe.probes, 1);
	assert_int_equal(c.addr_probe.interval_ms, 1000);
	assert_int_equal(c.addr_probe.token, 42);
	assert_memory_equal(c.addr_probe.addr, a6, 16);
	assert_int_equal(cp_dp_addr_probe(dp, 1, AF_INET6, a6, 0, 1000, 42, t0,
					  NULL, NULL),
			 EINVAL);
	assert_int_equal(cp_dp_addr_probe(dp, 1, AF_INET6, NULL, 1, 1000, 42,
					  t0, NULL, NULL),
			 EINVAL);

	cp_dp_set_probe_h(dp, probe_h, &ps);
	memset(&r, 0, sizeof(r));
	r.hdr.type = DP_MSG_ADDR_PROBED;
	r.hdr.len = sizeof(r.addr_probed);
	r.addr_probed.port = 1;
	r.addr_probed.family = AF_INET6;
	r.addr_probed.conflict = 1;
	r.addr_probed.token = 42;
	memcpy(r.addr_probed.addr, a6, 16);
	r.addr_probed.mac[0] = 2;
	assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	assert_int_equal(cp_dp_poll(dp, t0 + 2 * MS), 0);
	assert_int_equal(ps.calls, 1);
	assert_int_equal(ps.evt.token, 42);
	assert_int_equal(ps.evt.conflict, 1);
	assert_int_equal(ps.evt.mac[0], 2);
	assert_int_equal(counters(dp).rx_unexpected, 0);
	mem_deref(dp);
	dp_shm_destroy(fdp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attach_later, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attach_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_version_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_epoch_replaced, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_epoch_destroyed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_heartbeat_stale, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ping_pong, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_result_matching, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pending_dropped_on_loss,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_peer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_gw_and_probe, setup,
						teardown),
	};

	cp_log_init(ESG_LOG_DEBUG, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
