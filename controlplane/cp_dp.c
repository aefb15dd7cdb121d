/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane link (cp_dp.h).
 *
 * States: WAITING -> ATTACHED on a successful attach to a beating
 * dataplane; ATTACHED -> WAITING when the dataplane is gone (heartbeat
 * older than dead_ns, a new epoch at the path, or a ring header that
 * changed under us); WAITING -> FAILED on a contract mismatch or when the
 * first attach does not happen within attach_timeout_ns. Only the first
 * attach has a deadline: after that the control plane outlives dataplane
 * restarts (ARCHITECTURE.md, restart rules) and waits for the next one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "cp_dp.h"
#include "cp_log.h"

/* Events handled per poll: bounds the work of one tick; the rest waits
 * for the next one (1 ms later), the ring holds it meanwhile. */
#define CP_DP_RX_BURST 32
#define CP_DP_RX_MAX_PER_POLL 256
/* Commands waiting for a RESULT; above this, sending is refused. */
#define CP_DP_MAX_PENDING 4096
/* PONGs missing for this many intervals: warn. */
#define CP_DP_PONG_MISS 3

struct cp_dp_pending {
	struct le le;
	union dp_msg cmd; /* copy: the RESULT handler sees what was sent */
	uint64_t sent_ns;
	cp_dp_result_h *resh;
	void *arg;
};

struct cp_dp {
	struct cp_dp_cfg cfg;
	enum cp_dp_state state;
	int fail_err;
	struct dp_shm *shm;
	uint64_t epoch;
	uint64_t gone_epoch; /* last epoch lost: not re-attached while stale */
	bool ever_attached;
	bool waiting_logged;
	int last_attach_err; /* to log a changed reason once */
	uint64_t start_ns;
	uint64_t next_attach_ns;
	uint64_t next_check_ns;
	uint64_t next_ping_ns;
	uint64_t last_pong_ns;
	bool pong_warned;
	uint32_t seq;
	uint64_t ping_token;
	struct list pending; /* oldest first */
	cp_dp_attach_h *attachh;
	void *arg;
	cp_dp_leg_h *legh; /* media leg events */
	void *leg_arg;
	cp_dp_probe_h *probeh; /* ADDR_PROBED */
	void *probe_arg;
	struct cp_dp_counters c;
	struct dp_shm_side_stats shm_prev; /* of earlier attaches */
};

const char *
cp_dp_state_name(enum cp_dp_state state)
{
	switch (state) {
	case CP_DP_WAITING:
		return "waiting";
	case CP_DP_ATTACHED:
		return "attached";
	case CP_DP_FAILED:
		return "failed";
	}
	return "?";
}

static const char *
port_name(const struct cp_dp *dp, uint16_t port, char *buf, size_t len)
{
	if (port < DP_MAX_PORTS && dp->cfg.port_name[port][0] != '\0')
		return dp->cfg.port_name[port];
	snprintf(buf, len, "port%u", port);
	return buf;
}

static void
pending_flush(struct cp_dp *dp)
{
	list_flush(&dp->pending);
}

static void
detach(struct cp_dp *dp)
{
	const struct dp_shm_side_stats *s;

	if (dp->shm == NULL)
		return;
	s = dp_shm_side_stats(dp->shm);
	dp->shm_prev.rx += s->rx;
	dp->shm_prev.rx_bad += s->rx_bad;
	dp->shm_prev.tx += s->tx;
	dp->shm_prev.tx_full += s->tx_full;
	dp->shm_prev.ring_corrupt += s->ring_corrupt;
	dp_shm_detach(dp->shm);
	dp->shm = NULL;
}

static void
destructor(void *arg)
{
	struct cp_dp *dp = arg;

	pending_flush(dp);
	if (dp->shm != NULL)
		cp_info("detached from dataplane epoch %016" PRIx64, dp->epoch);
	detach(dp);
}

int
cp_dp_alloc(struct cp_dp **dpp, const struct cp_dp_cfg *cfg, uint64_t now_ns,
	    cp_dp_attach_h *attachh, void *arg)
{
	char path[64];
	struct cp_dp *dp;

	if (dpp == NULL || cfg == NULL || cfg->retry_ns == 0 ||
	    cfg->dead_ns == 0)
		return EINVAL;
	if (dp_shm_path(cfg->instance, path, sizeof(path)) != 0)
		return EINVAL;
	dp = mem_zalloc(sizeof(*dp), destructor);
	if (dp == NULL)
		return ENOMEM;
	dp->cfg = *cfg;
	dp->state = CP_DP_WAITING;
	dp->start_ns = now_ns;
	dp->next_attach_ns = now_ns;
	dp->attachh = attachh;
	dp->arg = arg;
	list_init(&dp->pending);
	*dpp = dp;
	return 0;
}

/* The dataplane is gone: forget its rings and wait for the next one. */
static void
lose(struct cp_dp *dp, uint64_t now_ns, const char *reason)
{
	unsigned int n = list_count(&dp->pending);

	cp_warn("dataplane epoch %016" PRIx64 " gone (%s)", dp->epoch, reason);
	if (n > 0)
		cp_info("%u command(s) without RESULT dropped; state is pushed "
			"again on the next attach",
			n);
	pending_flush(dp);
	detach(dp);
	dp->c.losses++;
	dp->gone_epoch = dp->epoch;
	dp->epoch = 0;
	dp->state = CP_DP_WAITING;
	dp->waiting_logged = false;
	dp->last_attach_err = 0;
	dp->next_attach_ns = now_ns; /* a replacement may already be up */
}

static void
fail(struct cp_dp *dp, int err)
{
	dp->state = CP_DP_FAILED;
	dp->fail_err = err;
}

static void
attached(struct cp_dp *dp, struct dp_shm *shm, uint64_t now_ns)
{
	struct dp_shm_hdr *h = dp_shm_hdr(shm);

	dp->shm = shm;
	dp->epoch = h->epoch;
	dp->state = CP_DP_ATTACHED;
	dp->ever_attached = true;
	dp->c.attaches++;
	/* Tell the dataplane (and esgctl) who drives it. */
	__atomic_store_n(&h->cp_pid, (uint32_t)getpid(), __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->cp_attaches, 1, __ATOMIC_RELAXED);
	dp->next_check_ns = now_ns + dp->cfg.retry_ns;
	dp->next_ping_ns = now_ns; /* prove the rings at once */
	dp->last_pong_ns = now_ns;
	dp->pong_warned = false;
	cp_notice("dataplane epoch %016" PRIx64 " attached (pid %u)", dp->epoch,
		  h->dp_pid);
	if (dp->attachh != NULL)
		dp->attachh(dp, dp->epoch, now_ns, dp->arg);
}

static void
log_waiting(struct cp_dp *dp, int err, const char *why)
{
	if (!dp->waiting_logged) {
		cp_notice("waiting for esg-dataplane (instance %s)",
			  dp->cfg.instance);
		dp->waiting_logged = true;
	}
	if (err != dp->last_attach_err) {
		cp_debug("attach: %s", why);
		dp->last_attach_err = err;
	}
}

static int
try_attach(struct cp_dp *dp, uint64_t now_ns)
{
	struct dp_shm *shm = NULL;
	char why[256] = "";
	int err;

	dp->next_attach_ns = now_ns + dp->cfg.retry_ns;
	err = dp_shm_attach(dp->cfg.instance, &shm, why, sizeof(why));
	switch (err) {
	case 0:
		break;
	case -ENOENT:
	case -EAGAIN:
	case -EBADF: /* half-written or stale file: the dataplane replaces it */
		log_waiting(dp, err, why);
		goto timeout;
	case -EPROTO:
		cp_err("dataplane contract mismatch: %s", why);
		fail(dp, EPROTO);
		return EPROTO;
	default:
		cp_err("cannot attach to the dataplane: %s",
		       why[0] != '\0' ? why : strerror(-err));
		fail(dp, -err);
		return -err;
	}
	/* A segment left by a dataplane that died is not a dataplane. */
	if (!dp_shm_alive(shm, now_ns, dp->cfg.dead_ns)) {
		dp_shm_detach(shm);
		snprintf(why, sizeof(why), "segment present, no heartbeat");
		log_waiting(dp, -ESTALE, why);
		goto timeout;
	}
	attached(dp, shm, now_ns);
	return 0;

timeout:
	if (!dp->ever_attached && dp->cfg.attach_timeout_ns != 0 &&
	    now_ns - dp->start_ns >= dp->cfg.attach_timeout_ns) {
		cp_err("no esg-dataplane (instance %s) after %" PRIu64 " s",
		       dp->cfg.instance,
		       dp->cfg.attach_timeout_ns / 1000000000);
		fail(dp, ETIMEDOUT);
		return ETIMEDOUT;
	}
	return 0;
}

static bool
needs_result(uint16_t type)
{
	return type != DP_MSG_PING && type != DP_MSG_PONG;
}

int
cp_dp_send(struct cp_dp *dp, union dp_msg *m, uint64_t now_ns,
	   cp_dp_result_h *resh, void *arg)
{
	struct cp_dp_pending *p = NULL;
	int n;

	if (dp == NULL || m == NULL)
		return EINVAL;
	if (dp->state != CP_DP_ATTACHED)
		return ENOTCONN;
	m->hdr.len = (uint16_t)dp_msg_size(m->hdr.type);
	if (++dp->seq == 0)
		dp->seq = 1;
	m->hdr.seq = dp->seq;
	if (dp_msg_validate(m, DP_DIR_CMD) != 0)
		return EINVAL;
	if (needs_result(m->hdr.type)) {
		if (list_count(&dp->pending) >= CP_DP_MAX_PENDING)
			return ENOBUFS;
		p = mem_zalloc(sizeof(*p), NULL);
		if (p == NULL)
			return ENOMEM;
	}
	n = dp_shm_cmd_send(dp->shm, m, 1);
	if (n < 0) {
		mem_deref(p);
		dp->c.ring_corrupt++;
		lose(dp, now_ns, "command ring corrupt");
		return EPIPE;
	}
	if (n == 0) {
		mem_deref(p);
		dp->c.tx_full++;
		return ENOBUFS;
	}
	dp->c.tx++;
	if (p != NULL) {
		p->cmd = *m;
		p->sent_ns = now_ns;
		p->resh = resh;
		p->arg = arg;
		list_append(&dp->pending, &p->le, p);
	}
	return 0;
}

static void
send_ping(struct cp_dp *dp, uint64_t now_ns)
{
	union dp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_PING;
	m.ping.token = ++dp->ping_token;
	m.ping.sent_ns = now_ns;
	if (cp_dp_send(dp, &m, now_ns, NULL, NULL) == 0)
		dp->c.pings_tx++;
}

static void
on_ping(struct cp_dp *dp, const union dp_msg *m, uint64_t now_ns)
{
	union dp_msg r;

	dp->c.pings_rx++;
	memset(&r, 0, sizeof(r));
	r.hdr.type = DP_MSG_PONG;
	r.ping.token = m->ping.token;
	r.ping.sent_ns = m->ping.sent_ns; /* the dataplane's clock, echoed */
	if (cp_dp_send(dp, &r, now_ns, NULL, NULL) == 0)
		dp->c.pongs_tx++;
}

static void
on_pong(struct cp_dp *dp, const union dp_msg *m, uint64_t now_ns)
{
	uint64_t rtt;

	/* Only a PONG for a PING we sent counts (token and time echoed). */
	if (m->ping.token == 0 || m->ping.token > dp->ping_token ||
	    m->ping.sent_ns > now_ns) {
		dp->c.rx_unexpected++;
		cp_debug("PONG with token %" PRIu64 " we never sent",
			 m->ping.token);
		return;
	}
	rtt = now_ns - m->ping.sent_ns;
	dp->c.pongs_rx++;
	dp->c.rtt_last_ns = rtt;
	dp->c.rtt_sum_ns += rtt;
	if (dp->c.rtt_min_ns == 0 || rtt < dp->c.rtt_min_ns)
		dp->c.rtt_min_ns = rtt;
	if (rtt > dp->c.rtt_max_ns)
		dp->c.rtt_max_ns = rtt;
	if (dp->pong_warned)
		cp_notice("PONG from the dataplane again after %" PRIu64 " ms",
			  (now_ns - dp->last_pong_ns) / 1000000);
	dp->pong_warned = false;
	dp->last_pong_ns = now_ns;
	cp_debug("PONG %" PRIu64 ": round trip %" PRIu64 " us", m->ping.token,
		 rtt / 1000);
}

static struct cp_dp_pending *
pending_find(const struct cp_dp *dp, uint32_t seq)
{
	struct le *le;

	LIST_FOREACH(&dp->pending, le)
	{
		struct cp_dp_pending *p = le->data;

		if (p->cmd.hdr.seq == seq)
			return p;
	}
	return NULL;
}

static void
on_result(struct cp_dp *dp, const union dp_msg *m)
{
	struct cp_dp_pending *p = pending_find(dp, m->hdr.seq);
	int status = m->result.status;

	if (p == NULL || p->cmd.hdr.type != m->result.cmd_type) {
		dp->c.rx_unexpected++;
		cp_warn("RESULT for %s seq %u matches no command sent",
			dp_msg_name(m->result.cmd_type), m->hdr.seq);
		return;
	}
	if (status == 0) {
		dp->c.results_ok++;
		cp_debug("%s seq %u: ok", dp_msg_name(p->cmd.hdr.type),
			 m->hdr.seq);
	} else if (p->resh != NULL) {
		/* The sender knows what the failure means and logs it. */
		dp->c.results_failed++;
		cp_debug("%s seq %u: %s", dp_msg_name(p->cmd.hdr.type),
			 m->hdr.seq, strerror(-status));
	} else {
		dp->c.results_failed++;
		cp_warn("%s seq %u failed in the dataplane: %s",
			dp_msg_name(p->cmd.hdr.type), m->hdr.seq,
			strerror(-status));
	}
	list_unlink(&p->le);
	if (p->resh != NULL)
		p->resh(&p->cmd, status, p->arg);
	mem_deref(p);
}

static void
on_if_state(struct cp_dp *dp, const union dp_msg *m)
{
	const uint8_t *a = m->if_state.mac;
	char buf[16];

	cp_info("%s: link %s, %u Mb/s, mac %02x:%02x:%02x:%02x:%02x:%02x",
		port_name(dp, m->if_state.port, buf, sizeof(buf)),
		m->if_state.link_up ? "up" : "down", m->if_state.speed_mbps,
		a[0], a[1], a[2], a[3], a[4], a[5]);
}

static const char *
neigh_state_name(uint8_t state)
{
	switch (state) {
	case DP_NEIGH_REACHABLE:
		return "reachable";
	case DP_NEIGH_FAILED:
		return "failed";
	case DP_NEIGH_EXPIRED:
		return "expired";
	default: /* dp_msg_validate() let only the three above through */
		return "?";
	}
}

static void
on_neigh(struct cp_dp *dp, const union dp_msg *m)
{
	char addr[INET6_ADDRSTRLEN] = "?", buf[16];
	const uint8_t *a = m->neigh.mac;

	inet_ntop(m->neigh.family, m->neigh.addr, addr, sizeof(addr));
	cp_info("%s: neighbour %s %s (%02x:%02x:%02x:%02x:%02x:%02x)",
		port_name(dp, m->neigh.port, buf, sizeof(buf)), addr,
		neigh_state_name(m->neigh.state), a[0], a[1], a[2], a[3], a[4],
		a[5]);
}

void
cp_dp_set_leg_h(struct cp_dp *dp, cp_dp_leg_h *legh, void *arg)
{
	dp->legh = legh;
	dp->leg_arg = arg;
}

/* Media leg events: to the media leg table (cp_leg) when there is one. */
static void
on_leg_evt(struct cp_dp *dp, const union dp_msg *m, uint64_t now_ns)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (dp->legh != NULL) {
		dp->legh(m, now_ns, dp->leg_arg);
		return;
	}
	if (m->hdr.type == DP_MSG_LEG_LATCHED) {
		inet_ntop(m->leg_latched.family, m->leg_latched.addr, addr,
			  sizeof(addr));
		cp_info("leg %u: latched to %s port %u%s",
			m->leg_latched.leg_id, addr, m->leg_latched.rtp_port,
			m->leg_latched.rtcp ? " (RTCP)" : "");
		return;
	}
	cp_info("leg %u: no media for %u ms", m->leg_inactive.leg_id,
		m->leg_inactive.idle_ms);
}

static int
addr_copy(uint8_t out[16], int family, const void *addr)
{
	memset(out, 0, 16);
	if (family != AF_INET && family != AF_INET6)
		return EINVAL;
	if (addr != NULL)
		memcpy(out, addr, family == AF_INET ? 4 : 16);
	return 0;
}

int
cp_dp_if_gw(struct cp_dp *dp, uint16_t port, int family, const void *addr,
	    uint64_t now_ns, cp_dp_result_h *resh, void *arg)
{
	union dp_msg m;
	int err;

	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_IF_GW;
	m.if_gw.port = port;
	m.if_gw.family = (uint8_t)family;
	m.if_gw.clear = addr == NULL;
	err = addr_copy(m.if_gw.addr, family, addr);
	if (err)
		return err;
	return cp_dp_send(dp, &m, now_ns, resh, arg);
}

int
cp_dp_addr_probe(struct cp_dp *dp, uint16_t port, int family, const void *addr,
		 uint8_t probes, uint32_t interval_ms, uint32_t token,
		 uint64_t now_ns, cp_dp_result_h *resh, void *arg)
{
	union dp_msg m;
	int err;

	if (addr == NULL)
		return EINVAL;
	memset(&m, 0, sizeof(m));
	m.hdr.type = DP_MSG_ADDR_PROBE;
	m.addr_probe.port = port;
	m.addr_probe.family = (uint8_t)family;
	m.addr_probe.probes = probes;
	m.addr_probe.interval_ms = interval_ms;
	m.addr_probe.token = token;
	err = addr_copy(m.addr_probe.addr, family, addr);
	if (err)
		return err;
	return cp_dp_send(dp, &m, now_ns, resh, arg);
}

void
cp_dp_set_probe_h(struct cp_dp *dp, cp_dp_probe_h *probeh, void *arg)
{
	dp->probeh = probeh;
	dp->probe_arg = arg;
}

static void
on_probed(struct cp_dp *dp, const union dp_msg *m, uint64_t now_ns)
{
	const struct dp_msg_addr_probed *p = &m->addr_probed;
	char addr[INET6_ADDRSTRLEN] = "?", buf[16];

	if (dp->probeh != NULL) {
		dp->probeh(p, now_ns, dp->probe_arg);
		return;
	}
	inet_ntop(p->family, p->addr, addr, sizeof(addr));
	cp_info("%s: probe of %s (token %u): %s",
		port_name(dp, p->port, buf, sizeof(buf)), addr, p->token,
		p->conflict ? "in use" : "free");
}

static void
dispatch(struct cp_dp *dp, const union dp_msg *m, uint64_t now_ns)
{
	dp->c.rx++;
	/* The type was checked by dp_msg_validate() on the copy. */
	switch ((enum dp_msg_type)m->hdr.type) {
	case DP_MSG_PING:
		on_ping(dp, m, now_ns);
		return;
	case DP_MSG_PONG:
		on_pong(dp, m, now_ns);
		return;
	case DP_MSG_RESULT:
		on_result(dp, m);
		return;
	case DP_MSG_IF_STATE:
		on_if_state(dp, m);
		return;
	case DP_MSG_NEIGH:
		on_neigh(dp, m);
		return;
	case DP_MSG_LEG_LATCHED:
	case DP_MSG_LEG_INACTIVE:
		on_leg_evt(dp, m, now_ns);
		return;
	case DP_MSG_ADDR_PROBED:
		on_probed(dp, m, now_ns);
		return;
	case DP_MSG_IF_ADDR_ADD:
	case DP_MSG_IF_ADDR_DEL:
	case DP_MSG_LEG_ADD:
	case DP_MSG_LEG_MOD:
	case DP_MSG_LEG_DEL:
	case DP_MSG_LEG_BIND:
	case DP_MSG_LEG_REMOTE:
	case DP_MSG_LEG_DSCP:
	case DP_MSG_LEG_POLICE:
	case DP_MSG_LEG_BULK_DEL:
	case DP_MSG_IF_GW:
	case DP_MSG_ADDR_PROBE:
	case DP_MSG_NONE:
	case DP_MSG_MAX:
		break;
	}
	dp->c.rx_unexpected++;
}

/* Drain (a bounded part of) the event ring. false: the link was lost. */
static bool
poll_events(struct cp_dp *dp, uint64_t now_ns)
{
	union dp_msg m[CP_DP_RX_BURST];
	unsigned int total = 0, taken;
	uint64_t bad0;
	int n, i;

	while (total < CP_DP_RX_MAX_PER_POLL) {
		bad0 = dp_shm_side_stats(dp->shm)->rx_bad;
		n = dp_shm_evt_recv(dp->shm, m, CP_DP_RX_BURST);
		if (n < 0) {
			dp->c.ring_corrupt++;
			lose(dp, now_ns, "event ring corrupt");
			return false;
		}
		/* recv hands over the good ones only and counts the rest. */
		taken = (unsigned int)n +
			(unsigned int)(dp_shm_side_stats(dp->shm)->rx_bad -
				       bad0);
		for (i = 0; i < n; i++) {
			dispatch(dp, &m[i], now_ns);
			if (dp->state != CP_DP_ATTACHED)
				return false;
		}
		total += taken;
		if (taken < CP_DP_RX_BURST)
			break; /* drained */
	}
	return true;
}

static void
expire_results(struct cp_dp *dp, uint64_t now_ns)
{
	struct le *le;

	if (dp->cfg.result_timeout_ns == 0)
		return;
	while ((le = list_head(&dp->pending)) != NULL) {
		struct cp_dp_pending *p = le->data;

		/* A command sent from inside a handler of this poll carries
		 * a newer time than now_ns: it is not old, it is new (an
		 * unsigned difference would wrap and expire it at once). */
		if (p->sent_ns >= now_ns ||
		    now_ns - p->sent_ns < dp->cfg.result_timeout_ns)
			break;
		dp->c.results_timeout++;
		cp_warn("%s seq %u: no RESULT from the dataplane after %" PRIu64
			" ms",
			dp_msg_name(p->cmd.hdr.type), p->cmd.hdr.seq,
			(now_ns - p->sent_ns) / 1000000);
		list_unlink(&p->le);
		if (p->resh != NULL)
			p->resh(&p->cmd, -ETIMEDOUT, p->arg);
		mem_deref(p);
	}
}

/* Is the attached dataplane still there? false: it was lost. */
static bool
check_alive(struct cp_dp *dp, uint64_t now_ns)
{
	const struct dp_shm_hdr *h = dp_shm_hdr(dp->shm);
	char reason[96];

	if (!dp_shm_alive(dp->shm, now_ns, dp->cfg.dead_ns)) {
		uint64_t hb =
			__atomic_load_n(&h->heartbeat_ns, __ATOMIC_ACQUIRE);

		if (h->state != DP_SHM_STATE_RUNNING)
			snprintf(reason, sizeof(reason), "stopped");
		else
			snprintf(reason, sizeof(reason),
				 "no heartbeat for %" PRIu64 " ms",
				 hb < now_ns ? (now_ns - hb) / 1000000 : 0);
		lose(dp, now_ns, reason);
		return false;
	}
	if (now_ns >= dp->next_check_ns) {
		dp->next_check_ns = now_ns + dp->cfg.retry_ns;
		/* stat() of the path: once per retry interval, not per poll */
		if (!dp_shm_current(dp->shm)) {
			lose(dp, now_ns, "replaced by a new dataplane");
			return false;
		}
	}
	return true;
}

static void
ping_due(struct cp_dp *dp, uint64_t now_ns)
{
	uint64_t iv = dp->cfg.ping_interval_ns;

	if (iv == 0)
		return;
	if (now_ns >= dp->next_ping_ns) {
		dp->next_ping_ns = now_ns + iv;
		send_ping(dp, now_ns);
	}
	if (!dp->pong_warned &&
	    now_ns - dp->last_pong_ns > CP_DP_PONG_MISS * iv) {
		dp->pong_warned = true;
		cp_warn("no PONG from the dataplane for %" PRIu64 " ms "
			"(%u ping intervals)",
			(now_ns - dp->last_pong_ns) / 1000000, CP_DP_PONG_MISS);
	}
}

int
cp_dp_poll(struct cp_dp *dp, uint64_t now_ns)
{
	switch (dp->state) {
	case CP_DP_FAILED:
		return dp->fail_err;
	case CP_DP_WAITING:
		if (now_ns < dp->next_attach_ns)
			return 0;
		return try_attach(dp, now_ns);
	case CP_DP_ATTACHED:
		break;
	}
	if (!poll_events(dp, now_ns))
		return 0;
	if (!check_alive(dp, now_ns))
		return 0;
	expire_results(dp, now_ns);
	ping_due(dp, now_ns);
	return 0;
}

enum cp_dp_state
cp_dp_state(const struct cp_dp *dp)
{
	return dp->state;
}

uint64_t
cp_dp_epoch(const struct cp_dp *dp)
{
	return dp->epoch;
}

struct dp_shm *
cp_dp_shm(struct cp_dp *dp)
{
	return dp->shm;
}

unsigned int
cp_dp_pending(const struct cp_dp *dp)
{
	return list_count(&dp->pending);
}

void
cp_dp_counters(const struct cp_dp *dp, struct cp_dp_counters *c)
{
	*c = dp->c;
	c->rx_bad = dp->shm_prev.rx_bad;
	c->ring_corrupt += dp->shm_prev.ring_corrupt;
	if (dp->shm != NULL) {
		const struct dp_shm_side_stats *s = dp_shm_side_stats(dp->shm);

		c->rx_bad += s->rx_bad;
		c->ring_corrupt += s->ring_corrupt;
	}
}

void
cp_dp_log_counters(const struct cp_dp *dp)
{
	struct cp_dp_counters c;

	cp_dp_counters(dp, &c);
	cp_notice("dataplane link: %s; messages sent %" PRIu64
		  " (ring full %" PRIu64 "), received %" PRIu64 ", bad %" PRIu64
		  ", unexpected %" PRIu64,
		  cp_dp_state_name(dp->state), c.tx, c.tx_full, c.rx, c.rx_bad,
		  c.rx_unexpected);
	cp_notice("pings sent %" PRIu64 ", pongs received %" PRIu64
		  ", pings received %" PRIu64 ", pongs sent %" PRIu64,
		  c.pings_tx, c.pongs_rx, c.pings_rx, c.pongs_tx);
	if (c.pongs_rx > 0)
		cp_notice("round trip us: last %" PRIu64 ", min %" PRIu64
			  ", avg %" PRIu64 ", max %" PRIu64,
			  c.rtt_last_ns / 1000, c.rtt_min_ns / 1000,
			  c.rtt_sum_ns / c.pongs_rx / 1000,
			  c.rtt_max_ns / 1000);
	cp_notice("results ok %" PRIu64 ", failed %" PRIu64
		  ", timed out %" PRIu64 "; attaches %" PRIu64
		  ", dataplanes lost %" PRIu64 ", ring corruptions %" PRIu64,
		  c.results_ok, c.results_failed, c.results_timeout, c.attaches,
		  c.losses, c.ring_corrupt);
}
