/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload recv: count the RTP of every stream of a streams file
 * as it arrives on an interface, through an AF_PACKET TPACKET_V3 receive
 * ring (one socket for all streams, no copy per packet into userspace).
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
 * It stops after --idle-exit ms without a packet once packets came, after
 * --duration seconds, or on SIGTERM/SIGINT, and prints one JSON object.
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

#define RECV_BLOCK_SIZE (1u << 20)
#define RECV_BLOCK_NR 64
#define RECV_FRAME_SIZE 2048
#define RECV_MAX_DURATION_S 900

struct recv_stream {
	uint32_t received;
	uint32_t cycles; /* RFC 3550 A.1: wraps of the sequence number */
	uint32_t base_seq;
	uint16_t max_seq;
	uint8_t seen;
	uint32_t late; /* behind the highest seen: reordered or duplicate */
};

struct recv_count {
	uint64_t received; /* good RTP of a known stream */
	uint64_t bad;	   /* not our RTP, or malformed */
	uint64_t wrong_dst;
	uint64_t stale; /* another run's tag: held back by the relay */
	uint64_t bad_csum;
	uint64_t csum_unverified; /* checksum left to hardware (veth) */
	uint64_t other;		  /* ARP, ND, other traffic: ignored */
	uint64_t ipv4, ipv6;
};

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

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void
recv_seq(struct recv_stream *s, uint16_t seq)
{
	uint16_t delta;

	s->received++;
	if (!s->seen) {
		s->seen = 1;
		s->base_seq = seq;
		s->max_seq = seq;
		return;
	}
	delta = (uint16_t)(seq - s->max_seq);
	if (delta != 0 && delta < 0x8000) {
		if (seq < s->max_seq)
			s->cycles += 0x10000;
		s->max_seq = seq;
	} else {
		s->late++;
	}
}

/* One frame from the ring; len is what was captured. */
static void
recv_frame(const uint8_t *f, uint32_t len, int csum_ready, uint32_t tag,
	   const struct rtpload_stream *st, struct recv_stream *rs, uint32_t n,
	   struct recv_count *c)
{
	const uint8_t *ip, *udp, *rtp, *src, *dst;
	uint32_t id, sum;
	uint16_t et, ulen;
	size_t alen;
	int fam;

	if (len < 14) {
		c->bad++;
		return;
	}
	et = get16(f + 12);
	ip = f + 14;
	len -= 14;
	if (et == ETHERTYPE_IP) {
		uint32_t ihl, tot;

		if (len < 20 || (ip[0] >> 4) != 4) {
			c->bad++;
			return;
		}
		if (ip[9] != IPPROTO_UDP) {
			c->other++;
			return;
		}
		ihl = (uint32_t)(ip[0] & 0xf) * 4;
		tot = get16(ip + 2);
		if (ihl < 20 || tot < ihl || tot > len ||
		    (get16(ip + 6) & 0x3fff) != 0) {
			c->bad++;
			return;
		}
		fam = AF_INET;
		alen = 4;
		src = ip + 12;
		dst = ip + 16;
		udp = ip + ihl;
		len = tot - ihl;
		c->ipv4++;
	} else if (et == ETHERTYPE_IPV6) {
		uint32_t plen;

		if (len < 40 || (ip[0] >> 4) != 6) {
			c->bad++;
			return;
		}
		if (ip[6] != IPPROTO_UDP) {
			c->other++; /* ND, MLD, or an extension header */
			return;
		}
		plen = get16(ip + 4);
		if (plen > len - 40) {
			c->bad++;
			return;
		}
		fam = AF_INET6;
		alen = 16;
		src = ip + 8;
		dst = ip + 24;
		udp = ip + 40;
		len = plen;
		c->ipv6++;
	} else {
		c->other++;
		return;
	}
	if (len < 8 + RTPLOAD_RTP_HDR + 4) {
		c->bad++;
		return;
	}
	ulen = get16(udp + 4);
	rtp = udp + 8;
	if (ulen != len || ulen != 8 + RTPLOAD_RTP_HDR + RTPLOAD_PAYLOAD ||
	    (rtp[0] & 0xc0) != 0x80 || (rtp[0] & 0x0f) != 0) {
		c->bad++;
		return;
	}
	id = get32(rtp + 8) & ~RTPLOAD_SSRC_MASK;
	if ((get32(rtp + 8) & RTPLOAD_SSRC_MASK) != RTPLOAD_SSRC_BASE ||
	    id >= n || get32(rtp + RTPLOAD_RTP_HDR) != id) {
		c->bad++;
		return;
	}
	if (st[id].dst.family != fam || memcmp(st[id].dst.ip, dst, alen) != 0 ||
	    st[id].dst.port != get16(udp + 2)) {
		c->wrong_dst++;
		return;
	}
	if (!csum_ready) {
		c->csum_unverified++;
	} else if (get16(udp + 6) != 0 || fam == AF_INET6) {
		/* RFC 768 / RFC 8200 8.1: the sum over the pseudo header
		 * and the datagram, checksum included, is 0xffff. */
		sum = rtpload_csum_add(0, src, alen);
		sum = rtpload_csum_add(sum, dst, alen);
		sum += IPPROTO_UDP + ulen;
		sum = rtpload_csum_add(sum, udp, ulen);
		if (rtpload_csum_fold(sum) != 0xffff) {
			c->bad_csum++;
			return;
		}
	}
	if (get32(rtp + RTPLOAD_RTP_HDR + 4) != tag) {
		c->stale++;
		return;
	}
	c->received++;
	recv_seq(&rs[id], get16(rtp + 2));
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
	o->idle_ms = 500;
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
	    o->duration > RECV_MAX_DURATION_S || o->idle_ms < 10)
		return -EINVAL;
	return 0;
}

static int
recv_ring_setup(int fd, uint8_t **ringp)
{
	struct tpacket_req3 req;
	int v = TPACKET_V3;
	void *ring;

	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) != 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = RECV_BLOCK_SIZE;
	req.tp_block_nr = RECV_BLOCK_NR;
	req.tp_frame_size = RECV_FRAME_SIZE;
	req.tp_frame_nr = RECV_BLOCK_SIZE / RECV_FRAME_SIZE * RECV_BLOCK_NR;
	req.tp_retire_blk_tov = 10; /* ms: hand over a part-filled block */
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) != 0)
		return -errno;
	ring = mmap(NULL, (size_t)RECV_BLOCK_SIZE * RECV_BLOCK_NR,
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
	if (ring == MAP_FAILED)
		ring = mmap(NULL, (size_t)RECV_BLOCK_SIZE * RECV_BLOCK_NR,
			    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		return -errno;
	*ringp = ring;
	return 0;
}

static void
recv_report(const struct recv_count *c, const struct recv_stream *rs,
	    uint32_t n, const struct tpacket_stats_v3 *ps, double secs)
{
	uint64_t expected = 0, lost = 0, late = 0;
	uint32_t i, silent = 0;

	for (i = 0; i < n; i++) {
		uint64_t e;

		if (!rs[i].seen) {
			silent++;
			continue;
		}
		e = (uint64_t)rs[i].cycles + rs[i].max_seq - rs[i].base_seq + 1;
		expected += e;
		lost += e > rs[i].received ? e - rs[i].received : 0;
		late += rs[i].late;
	}
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
	struct tpacket_stats_v3 ps = {0};
	struct recv_count c = {0};
	struct rtpload_stream *st = NULL;
	struct recv_stream *rs = NULL;
	struct recv_opts o;
	uint64_t t0, deadline, last_rx = 0;
	uint32_t n = 0, blk = 0;
	uint8_t *ring = NULL, mac[6];
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
	t0 = rtpload_now_ns();
	deadline = t0 + (uint64_t)(o.duration * 1e9);
	while (!recv_stop) {
		struct tpacket_block_desc *bd =
			(void *)(ring + (size_t)blk * RECV_BLOCK_SIZE);
		struct tpacket3_hdr *h;
		uint64_t now = rtpload_now_ns();
		uint32_t k, nb;

		if (now >= deadline ||
		    (last_rx != 0 && now - last_rx >= o.idle_ms * 1000000ULL))
			break;
		if ((__atomic_load_n(&bd->hdr.bh1.block_status,
				     __ATOMIC_ACQUIRE) &
		     TP_STATUS_USER) == 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};

			poll(&pfd, 1, 20);
			continue;
		}
		nb = bd->hdr.bh1.num_pkts;
		h = (void *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
		for (k = 0; k < nb; k++) {
			const struct sockaddr_ll *sll =
				(const void *)((const uint8_t *)h +
					       TPACKET_ALIGN(sizeof(*h)));

			if (sll->sll_pkttype != PACKET_OUTGOING)
				recv_frame((const uint8_t *)h + h->tp_mac,
					   h->tp_snaplen,
					   !(h->tp_status &
					     TP_STATUS_CSUMNOTREADY),
					   o.tag, st, rs, n, &c);
			h = (void *)((uint8_t *)h + h->tp_next_offset);
		}
		if (nb > 0)
			last_rx = rtpload_now_ns();
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		blk = (blk + 1) % RECV_BLOCK_NR;
	}
	pslen = sizeof(ps);
	memset(&ps, 0, sizeof(ps));
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &pslen);
	recv_report(&c, rs, n, &ps, (double)(rtpload_now_ns() - t0) / 1e9);
	munmap(ring, (size_t)RECV_BLOCK_SIZE * RECV_BLOCK_NR);
	close(fd);
	free(rs);
	free(st);
	return 0;
}
