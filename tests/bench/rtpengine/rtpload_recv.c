/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload recv: count the RTP of every stream of a streams file
 * as it arrives on an interface, through an AF_PACKET TPACKET_V2 receive
 * ring (one socket for all streams, no system call per packet).
 *
 * For each packet: Ethernet, IPv4 or IPv6, UDP, RTP version 2, bounds
 * checked; the SSRC names the stream; the destination address and port
 * must be the stream's, the UDP length and the payload's first word (the
 * stream id) what the generator sent, the UDP checksum right when the
 * kernel says it is complete. Sequence numbers per stream follow RFC 3550
 * A.1/A.3: expected = extended highest - first + 1, lost = expected -
 * received. Packets the ring itself dropped (the receiver too slow) are
 * reported apart: the relay did deliver them.
 *
 * A packet whose tag (the payload's second word) is not --tag is another
 * run's, held back by the relay: counted as stale, nothing else.
 *
 * It stops on SIGTERM/SIGINT (run.sh sends it a moment after the generator
 * ends), after --duration seconds, or with --idle-exit MS that long after
 * the last packet of ours, and prints one JSON object.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtpload.h"

/* TPACKET_V2: fixed frames, each handed over on its own (V3 hands over
 * whole blocks and relies on a retire timer for a part-filled one, which
 * left the last packets of a slow run unseen). 512-byte frames hold the
 * 234-byte IPv6 frame and the headers; 64 Ki frames are 32 MiB. */
#define RECV_FRAME_SIZE 512u
#define RECV_BLOCK_SIZE 4096u
#define RECV_FRAME_NR 65536u
#define RECV_RING_BYTES ((size_t)RECV_FRAME_SIZE * RECV_FRAME_NR)
#define RECV_MAX_DURATION_S 900

struct recv_opts {
	const char *streams;
	const char *ifname;
	const char *ready;
	double duration;
	unsigned int idle_ms;
	int cpu;
	uint32_t tag;
};

static volatile sig_atomic_t recv_stop;

static void
recv_signal_h(int sig)
{
	(void)sig;
	recv_stop = 1;
}

static int
recv_opts_parse(int argc, char **argv, struct recv_opts *o)
{
	static const struct option lo[] = {
		{"streams", required_argument, NULL, 's'},
		{"ifname", required_argument, NULL, 'i'},
		{"duration", required_argument, NULL, 'd'},
		{"idle-exit", required_argument, NULL, 'e'},
		{"cpu", required_argument, NULL, 'c'},
		{"ready", required_argument, NULL, 'r'},
		{"tag", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->cpu = -1;
	o->idle_ms = 0;
	o->duration = 60;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->streams = optarg;
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case 'd':
			o->duration = atof(optarg);
			break;
		case 'e':
			o->idle_ms = (unsigned int)atoi(optarg);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'r':
			o->ready = optarg;
			break;
		case 't':
			o->tag = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		default:
			return -EINVAL;
		}
	}
	if (o->streams == NULL || o->ifname == NULL || o->duration <= 0 ||
	    o->duration > RECV_MAX_DURATION_S ||
	    (o->idle_ms != 0 && o->idle_ms < 10))
		return -EINVAL;
	return 0;
}

static int
recv_ring_setup(int fd, uint8_t **ringp)
{
	struct tpacket_req req;
	int v = TPACKET_V2;
	void *ring;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = RECV_BLOCK_SIZE;
	req.tp_block_nr = RECV_RING_BYTES / RECV_BLOCK_SIZE;
	req.tp_frame_size = RECV_FRAME_SIZE;
	req.tp_frame_nr = RECV_FRAME_NR;
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0)
		return -errno;
	ring = mmap(NULL, RECV_RING_BYTES, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_LOCKED, fd, 0);
	if (ring == MAP_FAILED)
		ring = mmap(NULL, RECV_RING_BYTES, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		return -errno;
	*ringp = ring;
	return 0;
}

struct recv_ring {
	uint8_t *base;
	uint32_t idx; /* next frame to look at */
};

/* Take up to max frames the kernel handed over; returns how many. */
static unsigned int
recv_ring_take(struct recv_ring *r, unsigned int max, const struct recv_opts *o,
	       const struct rtpload_stream *st, struct rtpload_rx_stream *rs,
	       uint32_t n, struct rtpload_rx_count *c)
{
	unsigned int k;

	for (k = 0; k < max; k++) {
		struct tpacket2_hdr *h =
			(void *)(r->base + (size_t)r->idx * RECV_FRAME_SIZE);
		const struct sockaddr_ll *sll;

		if ((__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
		     TP_STATUS_USER) == 0)
			break;
		sll = (const void *)((const uint8_t *)h +
				     TPACKET_ALIGN(sizeof(*h)));
		if (sll->sll_pkttype != PACKET_OUTGOING &&
		    h->tp_mac + h->tp_snaplen <= RECV_FRAME_SIZE)
			rtpload_rx_frame(
				(const uint8_t *)h + h->tp_mac, h->tp_snaplen,
				!(h->tp_status & TP_STATUS_CSUMNOTREADY),
				o->tag, st, rs, n, c);
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		r->idx = r->idx + 1 == RECV_FRAME_NR ? 0 : r->idx + 1;
	}
	return k;
}

static void
recv_report(const struct rtpload_rx_count *c,
	    const struct rtpload_rx_stream *rs, uint32_t n,
	    const struct tpacket_stats *ps, double secs)
{
	uint64_t expected, lost, late;
	uint32_t silent;

	rtpload_rx_totals(rs, n, &expected, &lost, &late, &silent);
	printf("{\"role\":\"recv\",\"streams\":%u,\"received\":%llu,"
	       "\"bad\":%llu,\"wrong_dst\":%llu,\"stale\":%llu,"
	       "\"bad_csum\":%llu,"
	       "\"csum_unverified\":%llu,\"other\":%llu,\"ipv4\":%llu,"
	       "\"ipv6\":%llu,\"seq_expected\":%llu,\"seq_lost\":%llu,"
	       "\"late\":%llu,\"silent_streams\":%u,\"ring_packets\":%u,"
	       "\"ring_drops\":%u,\"secs\":%.3f}\n",
	       n, (unsigned long long)c->received, (unsigned long long)c->bad,
	       (unsigned long long)c->wrong_dst, (unsigned long long)c->stale,
	       (unsigned long long)c->bad_csum,
	       (unsigned long long)c->csum_unverified,
	       (unsigned long long)c->other, (unsigned long long)c->ipv4,
	       (unsigned long long)c->ipv6, (unsigned long long)expected,
	       (unsigned long long)lost, (unsigned long long)late, silent,
	       ps->tp_packets, ps->tp_drops, secs);
	fflush(stdout);
}

int
rtpload_recv_main(int argc, char **argv)
{
	struct tpacket_stats ps = {0};
	struct rtpload_rx_count c = {0};
	struct rtpload_stream *st = NULL;
	struct rtpload_rx_stream *rs = NULL;
	struct recv_opts o;
	uint64_t t0, deadline, last_rx = 0, ours = 0;
	uint32_t n = 0, i;
	uint8_t *ring = NULL, mac[6];
	struct recv_ring r;
	socklen_t pslen = sizeof(ps);
	char why[256];
	int fd, ifindex, err;

	if (recv_opts_parse(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: esg-bench-rtpload recv --streams FILE "
				"--ifname IF [--duration S] [--idle-exit MS] "
				"[--cpu N] [--ready FILE] [--tag N]\n");
		return 2;
	}
	if (rtpload_streams_read(o.streams, &st, &n, why, sizeof(why)) != 0) {
		fprintf(stderr, "recv: %s\n", why);
		return 1;
	}
	rs = calloc(n, sizeof(*rs));
	if (rs == NULL) {
		free(st);
		return 1;
	}
	err = rtpload_pin(o.cpu);
	if (err != 0)
		fprintf(stderr, "recv: cannot pin to CPU %d: %s\n", o.cpu,
			strerror(-err));
	fd = rtpload_packet_socket(o.ifname, &ifindex, mac);
	if (fd < 0 || (err = recv_ring_setup(fd, &ring)) != 0) {
		fprintf(stderr, "recv: packet ring on %s: %s\n", o.ifname,
			strerror(fd < 0 ? -fd : -err));
		if (fd >= 0)
			close(fd);
		free(rs);
		free(st);
		return 1;
	}
	signal(SIGINT, recv_signal_h);
	signal(SIGTERM, recv_signal_h);
	/* Reset the counters: what came before the ring existed is not
	 * ours to count. */
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &pslen);
	if (o.ready != NULL) {
		FILE *f = fopen(o.ready, "w");

		if (f != NULL)
			fclose(f);
	}
	r.base = ring;
	r.idx = 0;
	t0 = rtpload_now_ns();
	deadline = t0 + (uint64_t)(o.duration * 1e9);
	while (!recv_stop) {
		uint64_t now = rtpload_now_ns();
		unsigned int k;

		if (now >= deadline ||
		    (o.idle_ms != 0 && last_rx != 0 &&
		     now - last_rx >= o.idle_ms * 1000000ULL))
			break;
		/* Up to 256 frames, then look at the clock again. */
		k = recv_ring_take(&r, 256, &o, st, rs, n, &c);
		/* Only RTP of our streams starts the idle clock: an ND or
		 * ARP frame before the load must not end the run. */
		if (c.received + c.stale + c.wrong_dst + c.bad_csum != ours) {
			ours = c.received + c.stale + c.wrong_dst + c.bad_csum;
			last_rx = rtpload_now_ns();
		}
		if (k == 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			poll(&pfd, 1, 20);
		}
	}
	/* What is in the ring when told to stop arrived in time: one more
	 * pass over the ring at most. */
	for (i = 0; i < RECV_FRAME_NR / 256; i++)
		if (recv_ring_take(&r, 256, &o, st, rs, n, &c) == 0)
			break;
	pslen = sizeof(ps);
	memset(&ps, 0, sizeof(ps));
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &pslen);
	recv_report(&c, rs, n, &ps, (double)(rtpload_now_ns() - t0) / 1e9);
	munmap(ring, RECV_RING_BYTES);
	close(fd);
	free(rs);
	free(st);
	return 0;
}
