/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload: the RTP load generator and receiver of the side by
 * side benchmark with rtpengine (docs/performance.md). Both work on raw
 * frames through an AF_PACKET socket on one veth end, so one process can
 * play N endpoints without N kernel sockets, and the same load goes to
 * either relay.
 *
 * A stream is one direction of one call: the generator sends RTP from
 * (src ip, src port) to the relay's (relay ip, relay port); the relay must
 * deliver it to (dst ip, dst port), where the receiver checks it. The
 * streams file (written by ng_calls.py or esg_legs.py) has one line each:
 *
 *   id  src_ip src_port  relay_ip relay_port  dst_ip dst_port
 *
 * Every packet is valid RTP (RFC 3550 5.1): version 2, payload type 0
 * (PCMU, RFC 3551), 160 bytes of payload (20 ms), so an IPv4 packet is 200
 * bytes (20 IP + 8 UDP + 12 RTP + 160) and an IPv6 one 220. The SSRC
 * carries the stream id (RTPLOAD_SSRC_BASE | id) and the first four bytes
 * of payload repeat it: the receiver finds the stream without a lookup and
 * notices a packet delivered to the wrong stream. The next four bytes are
 * the run's tag (--tag): a packet a relay held back from an earlier run
 * is counted as stale, not as this run's.
 */
#ifndef RTPLOAD_H
#define RTPLOAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define RTPLOAD_MAX_STREAMS 100000
#define RTPLOAD_SSRC_BASE 0x40000000u
#define RTPLOAD_SSRC_MASK 0xc0000000u
#define RTPLOAD_PAYLOAD 160 /* PCMU, 20 ms at 8 kHz (RFC 3551 4.5.14) */
#define RTPLOAD_RTP_HDR 12
#define RTPLOAD_FRAME_MAX 256

struct rtpload_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t ip[16];
	uint16_t port; /* host order */
};

struct rtpload_stream {
	uint32_t id;
	struct rtpload_addr src;
	struct rtpload_addr relay;
	struct rtpload_addr dst;
};

/* Parse a streams file; ids must be 0..n-1 in order. 0 or -errno; why
 * gets the reason. The caller frees *sp. */
int rtpload_streams_read(const char *path, struct rtpload_stream **sp,
			 uint32_t *np, char *why, size_t whylen);

uint64_t rtpload_now_ns(void);
int rtpload_pin(int cpu);
/* A raw AF_PACKET socket bound to ifname; *ifindexp and *macp filled. */
int rtpload_packet_socket(const char *ifname, int *ifindexp, uint8_t *mac);
int rtpload_parse_mac(const char *s, uint8_t *mac);

/* RFC 1071 one's-complement sum, folded, not inverted. */
uint32_t rtpload_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t rtpload_csum_fold(uint32_t sum);

/* CPU seconds of a process (all its threads, from schedstat); < 0 if
 * gone. Threads that ended before the call are not counted. */
double rtpload_proc_cpu_s(int pid);
/* User and system seconds of a process (/proc/PID/stat, tick samples
 * scaled by the kernel): only for the split between the two. */
int rtpload_proc_user_sys(int pid, double *userp, double *sysp);
/* Idle (+ iowait) seconds of one CPU, exact on a tickless kernel, and
 * its tick-sampled busy seconds; -errno on error. */
int rtpload_cpu_times(int cpu, double *idlep, double *tick_busyp);

/* One stream's frame for the generator: built once, stamped per packet. */
struct rtpload_frame {
	uint8_t frame[RTPLOAD_FRAME_MAX];
	uint16_t len;
	uint16_t seq_off; /* offset of the RTP sequence number */
	uint16_t csum_off;
	uint16_t seq;
	uint32_t ts;
	uint32_t csum_base; /* UDP checksum sum without seq and timestamp */
};

void rtpload_frame_build(struct rtpload_frame *g,
			 const struct rtpload_stream *s, const uint8_t *src_mac,
			 const uint8_t *dst_mac, uint32_t tag);
/* Stamp the next sequence number and timestamp, and the UDP checksum. */
void rtpload_frame_next(struct rtpload_frame *g);

/* The receiver's state per stream and its counters. */
struct rtpload_rx_stream {
	uint32_t received;
	uint32_t cycles; /* RFC 3550 A.1: wraps of the sequence number */
	uint32_t base_seq;
	uint16_t max_seq;
	uint8_t seen;
	uint32_t late; /* behind the highest seen: reordered or duplicate */
};

struct rtpload_rx_count {
	uint64_t received; /* good RTP of a known stream */
	uint64_t bad;	   /* not our RTP, or malformed */
	uint64_t wrong_dst;
	uint64_t stale; /* another run's tag: held back by the relay */
	uint64_t bad_csum;
	uint64_t csum_unverified; /* checksum left to hardware (veth) */
	uint64_t other;		  /* ARP, ND, other traffic: ignored */
	uint64_t ipv4, ipv6;
};

/* One received frame of len bytes (from the Ethernet header): parsed,
 * bounds checked, counted in c and, if it is this run's RTP of a known
 * stream at the right destination, in its stream. csum_ready 0: the
 * kernel says the checksum is not filled in yet (veth): not checked. */
void rtpload_rx_frame(const uint8_t *f, uint32_t len, int csum_ready,
		      uint32_t tag, const struct rtpload_stream *st,
		      struct rtpload_rx_stream *rs, uint32_t n,
		      struct rtpload_rx_count *c);
/* RFC 3550 A.3 over all streams: expected and lost. */
void rtpload_rx_totals(const struct rtpload_rx_stream *rs, uint32_t n,
		       uint64_t *expectedp, uint64_t *lostp, uint64_t *latep,
		       uint32_t *silentp);

int rtpload_gen_main(int argc, char **argv);
int rtpload_recv_main(int argc, char **argv);
int rtpload_selftest_main(int argc, char **argv);

#endif
