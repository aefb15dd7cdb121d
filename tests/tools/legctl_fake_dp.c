/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in dataplane for legctl_test.sh: creates the segment of instance
 * argv[1] with two ports ("lan", net_tap0,iface=lan0, esg-lan; "wan"),
 * touches argv[2] when ready, beats, and answers the LEG_* commands of the
 * tool with the contract's errors for a table of ids (LEG_ADD of an id in
 * use: -EEXIST; any other command for an id not added: -ENOENT; an
 * interface index past its ports: -ENODEV; BULK_DEL: the count deleted).
 * A LEG_ADD with DP_LEG_F_LATCH is followed by a LEG_LATCHED event from
 * 192.0.2.10:40000 (IPv4) or [2001:db8:2::10]:40000 (IPv6), and a LEG_DEL
 * by a LEG_INACTIVE of that leg, so the tool's event output can be
 * checked. It PINGs every 100 ms and, on SIGTERM, prints "pongs N" (PONGs
 * received) and "bad N" (commands that did not validate).
 * argv[3] "mute": answer nothing (for the RESULT timeout). It is not a
 * dataplane: it checks what the tool sends, not what a dataplane does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dp_shm.h"

#define NB_LEGS 64

static volatile sig_atomic_t quit;
static bool used[NB_LEGS];
static uint8_t fam[NB_LEGS];
static uint32_t evt_seq;

static void
signal_h(int sig)
{
	(void)sig;
	quit = 1;
}

static void
evt(struct dp_shm *shm, union dp_msg *m, uint16_t type)
{
	m->hdr.type = type;
	m->hdr.len = (uint16_t)dp_msg_size(type);
	m->hdr.seq = ++evt_seq;
	dp_shm_evt_send(shm, m, 1);
}

static int
leg_cmd(struct dp_shm *shm, const union dp_msg *c)
{
	union dp_msg e;
	uint32_t id, i;
	int n = 0;

	memset(&e, 0, sizeof(e));
	switch (c->hdr.type) {
	case DP_MSG_LEG_ADD:
		id = c->leg_add.leg_id;
		if (id >= NB_LEGS)
			return -ERANGE;
		if (c->leg_add.port >= 2)
			return -ENODEV;
		if (used[id])
			return -EEXIST;
		used[id] = true;
		fam[id] = c->leg_add.family;
		if (c->leg_add.flags & DP_LEG_F_LATCH) {
			e.leg_latched.leg_id = id;
			e.leg_latched.family = fam[id];
			e.leg_latched.rtp_port = 40000;
			e.leg_latched.latches = 1;
			inet_pton(fam[id],
				  fam[id] == AF_INET ? "192.0.2.10"
						     : "2001:db8:2::10",
				  e.leg_latched.addr);
			evt(shm, &e, DP_MSG_LEG_LATCHED);
		}
		return 0;
	case DP_MSG_LEG_DEL:
		id = c->leg_del.leg_id;
		if (id >= NB_LEGS || !used[id])
			return -ENOENT;
		used[id] = false;
		e.leg_inactive.leg_id = id;
		e.leg_inactive.idle_ms = 1234;
		evt(shm, &e, DP_MSG_LEG_INACTIVE);
		return 0;
	case DP_MSG_LEG_BULK_DEL:
		for (i = 0; i < NB_LEGS; i++) {
			if (!used[i] || i < c->leg_bulk_del.first_id ||
			    i - c->leg_bulk_del.first_id >=
				    c->leg_bulk_del.count)
				continue;
			used[i] = false;
			n++;
		}
		return n;
	case DP_MSG_LEG_BIND:
		id = c->leg_bind.leg_id;
		if (id >= NB_LEGS || !used[id])
			return -ENOENT;
		if (c->leg_bind.peer_id != DP_LEG_NONE &&
		    (c->leg_bind.peer_id >= NB_LEGS ||
		     !used[c->leg_bind.peer_id]))
			return -ENOENT;
		return 0;
	case DP_MSG_LEG_REMOTE:
		id = c->leg_remote.leg_id;
		if (id >= NB_LEGS || !used[id])
			return -ENOENT;
		return c->leg_remote.family == fam[id] ? 0 : -EAFNOSUPPORT;
	case DP_MSG_LEG_MOD:
	case DP_MSG_LEG_DSCP:
	case DP_MSG_LEG_POLICE:
		/* the id is the first word of each of these bodies */
		id = c->leg_mod.leg_id;
		return id < NB_LEGS && used[id] ? 0 : -ENOENT;
	default:
		return -EOPNOTSUPP;
	}
}

static void
answer(struct dp_shm *shm, const union dp_msg *c, int status)
{
	union dp_msg r;

	memset(&r, 0, sizeof(r));
	r.hdr.type = DP_MSG_RESULT;
	r.hdr.len = sizeof(r.result);
	r.hdr.seq = c->hdr.seq;
	r.result.cmd_type = c->hdr.type;
	r.result.status = status;
	dp_shm_evt_send(shm, &r, 1);
}

int
main(int argc, char **argv)
{
	struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct timespec ts = {0, 1000000};
	uint64_t pongs = 0, token = 0, next_ping = 0, now;
	struct dp_shm *shm = NULL;
	struct dp_stats *st;
	union dp_msg m[32], ping;
	bool mute;
	int fd, n, i, err;

	if (argc < 3) {
		fprintf(stderr, "usage: legctl_fake_dp INSTANCE READY_FILE "
				"[mute]\n");
		return 2;
	}
	mute = argc > 3 && strcmp(argv[3], "mute") == 0;
	signal(SIGTERM, signal_h);
	signal(SIGINT, signal_h);
	p.max_legs = NB_LEGS;
	err = dp_shm_create(argv[1], &p, &shm);
	if (err) {
		fprintf(stderr, "dp_shm_create: %s\n", strerror(-err));
		return 1;
	}
	st = dp_shm_stats(shm);
	st->nb_ports = 2;
	snprintf(st->port[0].name, DP_IFNAME_LEN, "lan");
	snprintf(st->port[0].exception, DP_IFNAME_LEN, "esg-lan");
	snprintf(st->port[0].device, 64, "net_tap0,iface=lan0");
	snprintf(st->port[1].name, DP_IFNAME_LEN, "wan");
	snprintf(st->port[1].exception, DP_IFNAME_LEN, "esg-wan");
	snprintf(st->port[1].device, 64, "net_tap1,iface=wan0");
	dp_shm_heartbeat(shm, dp_shm_now_ns());
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
	while (!quit) {
		now = dp_shm_now_ns();
		dp_shm_heartbeat(shm, now);
		if (now >= next_ping) {
			memset(&ping, 0, sizeof(ping));
			ping.ping.token = ++token;
			ping.ping.sent_ns = now;
			evt(shm, &ping, DP_MSG_PING);
			next_ping = now + 100000000ULL;
		}
		n = dp_shm_cmd_recv(shm, m, 32);
		for (i = 0; i < n; i++) {
			if (m[i].hdr.type == DP_MSG_PONG) {
				pongs++;
				continue;
			}
			if (m[i].hdr.type == DP_MSG_PING) {
				m[i].hdr.type = DP_MSG_PONG;
				dp_shm_evt_send(shm, &m[i], 1);
				continue;
			}
			if (!mute)
				answer(shm, &m[i], leg_cmd(shm, &m[i]));
		}
		nanosleep(&ts, NULL);
	}
	printf("pongs %llu\nbad %llu\n", (unsigned long long)pongs,
	       (unsigned long long)dp_shm_side_stats(shm)->rx_bad);
	dp_shm_destroy(shm);
	return 0;
}
