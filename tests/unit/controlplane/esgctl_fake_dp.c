/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A stand-in dataplane for the esgctl tests: creates the segment of
 * instance argv[1] (argv[3]: legs region slots, default 65536) with known
 * counters, touches argv[2] when ready, and keeps the segment (beating)
 * until SIGTERM or SIGINT. Besides the dataplane's own names it adds one
 * drop reason this build does not know ("future_drop"), as a newer
 * dataplane would: esgctl must show it by the name in the region.
 *
 * Legs (esgctl_legs_test.sh checks these figures): the RTP statistics
 * are made by dp_rtp_stats_update() from the packets listed in legs(),
 * as the relay makes them.
 *   0      in use, LATCH|STRICT, traffic, a loss, jitter, leg drops
 *   5      in use, LATCH|SAME_IP, nothing received yet
 *   7      deleted (not in use, gen 2), its last figures kept
 *   8      never used
 *   last   in use, no flags but an unknown bit 0x80, an SSRC change
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dp_rtp.h"
#include "dp_shm.h"

static void
port(struct dp_stats_port *p, const char *name, const char *dev,
     const char *exc, uint8_t last, uint64_t base)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->device, sizeof(p->device), "%s", dev);
	snprintf(p->exception, sizeof(p->exception), "%s", exc);
	memcpy(p->mac, (uint8_t[]){0x02, 0, 0, 0, 0, last}, 6);
	p->link_up = 1;
	p->in_use = 1;
	p->speed_mbps = 10000;
	p->hw_ipackets = base;
	p->hw_opackets = base - 100;
	p->hw_ibytes = base * 100;
	p->hw_obytes = (base - 100) * 100;
	p->lcore[0].rx_pkts = 10;
	p->lcore[1].rx_pkts = 32;
	p->lcore[0].tx_pkts = 5;
	p->lcore[1].drops = 2;
}

#define MS 1000000ull

static void
rtp(struct dp_leg_stats *l, uint32_t ssrc, uint16_t seq, uint32_t ts,
    uint64_t t)
{
	struct dp_rtp_info ri = {.ssrc = ssrc, .seq = seq, .ts = ts};

	dp_rtp_stats_update(l, &ri, t, 8000);
}

static void
legs(struct dp_shm *shm)
{
	uint32_t count;
	struct dp_leg_stats *lg = dp_shm_legs(shm, &count);
	struct dp_leg_stats *l;

	if (count < 9)
		return;
	/* 100..105 at 20 ms / 160 units, 103 lost: A.8 by hand gives
	 * 16 J = 8 (101 1 ms late), 15 (102), 14 (104), 37 (105 3 ms
	 * early); expected 6, received 5, lost 1 */
	l = &lg[0];
	l->in_use = 1;
	l->gen = 1;
	l->flags = DP_LEG_F_LATCH | DP_LEG_F_STRICT;
	rtp(l, 0x11223344, 100, 0, 1000 * MS);
	rtp(l, 0x11223344, 101, 160, 1021 * MS);
	rtp(l, 0x11223344, 102, 320, 1040 * MS);
	rtp(l, 0x11223344, 104, 640, 1080 * MS);
	rtp(l, 0x11223344, 105, 800, 1097 * MS);
	l->rx_pkts = 7;
	l->rx_bytes = 1400;
	l->fwd_pkts = 6;
	l->fwd_bytes = 1200;
	l->rtcp_pkts = 2;
	l->latches = 1;
	l->last_rx_ns = dp_shm_now_ns() - 1500 * MS;
	l->drops[DP_LEG_DROP_SRC] = 3;
	l->drops[DP_LEG_DROP_POLICE] = 1;

	l = &lg[5];
	l->in_use = 1;
	l->gen = 1;
	l->flags = DP_LEG_F_LATCH | DP_LEG_F_SAME_IP;

	l = &lg[7];
	l->gen = 2;
	l->rx_pkts = 50;
	l->rx_bytes = 5000;

	l = &lg[count - 1];
	l->in_use = 1;
	l->gen = 3;
	l->flags = 0x80;
	rtp(l, 0xaaaa, 1, 0, 0);
	rtp(l, 0xaaaa, 2, 160, 20 * MS);
	rtp(l, 0xbbbb, 7, 999, 40 * MS);
	rtp(l, 0xbbbb, 8, 1159, 60 * MS);
	l->rx_pkts = 4;
	l->rx_bytes = 4 * 172;
	l->last_rx_ns = dp_shm_now_ns();
}

static void
fill(struct dp_shm *shm)
{
	struct dp_shm_hdr *h = dp_shm_hdr(shm);
	struct dp_stats *st = dp_shm_stats(shm);

	h->cp_pid = 4242;
	h->cp_attaches = 3;
	st->nb_ports = 2;
	st->nb_lcores = 2;
	port(&st->port[0], "lan", "net_tap0,iface=lan0", "esg-lan", 1, 1000);
	port(&st->port[1], "wan", "net_tap1,iface=wan0", "esg-wan", 2, 2000);
	st->lcore[0].in_use = 1;
	st->lcore[0].is_main = 1;
	st->lcore[0].lcore_id = 0;
	st->lcore[0].polls = 5000;
	st->lcore[0].busy_polls = 100;
	st->lcore[1].in_use = 1;
	st->lcore[1].lcore_id = 1;
	st->lcore[1].polls = 7000;
	st->lcore[1].busy_polls = 300;
	st->lcore[0].drops[DP_DROP_ETH_NOT_OURS] = 3;
	st->lcore[1].drops[DP_DROP_ETH_NOT_OURS] = 4;
	st->lcore[1].drops[DP_DROP_IP4_CSUM] = 1;
	st->lcore[0].cnt[DP_CNT_ARP_REQUEST_RX] = 5;
	/* A reason of a newer dataplane. */
	snprintf(st->drop_names[DP_DROP_MAX], DP_STAT_NAME_LEN, "future_drop");
	st->lcore[1].drops[DP_DROP_MAX] = 9;
	st->nb_drops = DP_DROP_MAX + 1;
	legs(shm);
}

int
main(int argc, char **argv)
{
	struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct timespec ts = {0, 50 * 1000000};
	struct dp_shm *shm = NULL;
	sigset_t set;
	int err, fd, sig = 0;

	if (argc != 3 && argc != 4) {
		fprintf(stderr,
			"usage: esgctl_fake_dp INSTANCE READY_FILE [MAX_LEGS]\n");
		return 2;
	}
	if (argc == 4)
		p.max_legs = (uint32_t)strtoul(argv[3], NULL, 10);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	err = dp_shm_create(argv[1], &p, &shm);
	if (err) {
		fprintf(stderr, "esgctl_fake_dp: create: %s\n", strerror(-err));
		return 1;
	}
	fill(shm);
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0)
		close(fd);
	while (sig <= 0) {
		dp_shm_heartbeat(shm, dp_shm_now_ns());
		sig = sigtimedwait(&set, NULL, &ts);
	}
	dp_shm_destroy(shm);
	return 0;
}
