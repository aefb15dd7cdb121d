/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload gen: send RTP on every stream of a streams file at a
 * total paced rate, round-robin over the streams, as raw frames through an
 * AF_PACKET socket (sendmmsg, bypassing the qdisc). Prints one JSON object:
 * what was sent, the rate reached, and the CPU seconds used by the watched
 * processes (the relay) and the watched CPU during the measurement window
 * (after --warmup, until the end).
 *
 * Pacing: the number of packets due is rate * elapsed; the loop sends what
 * is due in bursts of at most --batch and sleeps when ahead, so a burst is
 * never more than about max(batch, rate * 1 ms) packets.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rtpload.h"

#define GEN_MAX_BATCH 256
#define GEN_MAX_WATCH 4
#define GEN_MAX_DURATION_S 600

struct gen_opts {
	const char *streams;
	const char *ifname;
	uint8_t dst_mac[6];
	double rate;
	double duration;
	double warmup;
	unsigned int batch;
	int cpu;
	int watch_pid[GEN_MAX_WATCH];
	unsigned int nb_watch;
	int watch_cpu;
	uint32_t tag;
};

static volatile sig_atomic_t gen_stop;

static void
gen_signal_h(int sig)
{
	(void)sig;
	gen_stop = 1;
}

static void
gen_usage(FILE *f)
{
	fprintf(f, "usage: esg-bench-rtpload gen --streams FILE --ifname IF "
		   "--dst-mac MAC --rate PPS --duration S\n"
		   "       [--warmup S] [--batch N] [--cpu N] [--watch PID]... "
		   "[--watch-cpu N]\n");
}

static int
gen_opts_parse(int argc, char **argv, struct gen_opts *o)
{
	static const struct option lo[] = {
		{"streams", required_argument, NULL, 's'},
		{"ifname", required_argument, NULL, 'i'},
		{"dst-mac", required_argument, NULL, 'm'},
		{"rate", required_argument, NULL, 'r'},
		{"duration", required_argument, NULL, 'd'},
		{"warmup", required_argument, NULL, 'w'},
		{"batch", required_argument, NULL, 'b'},
		{"cpu", required_argument, NULL, 'c'},
		{"watch", required_argument, NULL, 'p'},
		{"watch-cpu", required_argument, NULL, 'C'},
		{"tag", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, have_mac = 0;

	memset(o, 0, sizeof(*o));
	o->batch = 64;
	o->cpu = -1;
	o->watch_cpu = -1;
	o->warmup = 1.0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->streams = optarg;
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case 'm':
			if (rtpload_parse_mac(optarg, o->dst_mac) != 0)
				return -EINVAL;
			have_mac = 1;
			break;
		case 'r':
			o->rate = atof(optarg);
			break;
		case 'd':
			o->duration = atof(optarg);
			break;
		case 'w':
			o->warmup = atof(optarg);
			break;
		case 'b':
			o->batch = (unsigned int)atoi(optarg);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'p':
			if (o->nb_watch == GEN_MAX_WATCH)
				return -E2BIG;
			o->watch_pid[o->nb_watch++] = atoi(optarg);
			break;
		case 'C':
			o->watch_cpu = atoi(optarg);
			break;
		case 't':
			o->tag = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'h':
			gen_usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (o->streams == NULL || o->ifname == NULL || !have_mac ||
	    o->rate < 1 || o->rate > 50e6 || o->duration <= 0 ||
	    o->duration > GEN_MAX_DURATION_S || o->warmup < 0 ||
	    o->warmup >= o->duration || o->batch < 1 ||
	    o->batch > GEN_MAX_BATCH)
		return -EINVAL;
	return 0;
}

struct gen_sample {
	uint64_t t_ns;
	uint64_t sent;
	double cpu_s[GEN_MAX_WATCH];
	double user_s[GEN_MAX_WATCH], sys_s[GEN_MAX_WATCH];
	double idle_s, tick_busy_s;
};

static void
gen_sample_take(const struct gen_opts *o, uint64_t sent, struct gen_sample *s)
{
	unsigned int i;

	s->t_ns = rtpload_now_ns();
	s->sent = sent;
	for (i = 0; i < o->nb_watch; i++) {
		s->cpu_s[i] = rtpload_proc_cpu_s(o->watch_pid[i]);
		if (rtpload_proc_user_sys(o->watch_pid[i], &s->user_s[i],
					  &s->sys_s[i]) != 0)
			s->user_s[i] = s->sys_s[i] = -1;
	}
	s->idle_s = s->tick_busy_s = 0;
	if (o->watch_cpu >= 0)
		rtpload_cpu_times(o->watch_cpu, &s->idle_s, &s->tick_busy_s);
}

static void
gen_report(const struct gen_opts *o, uint32_t n, uint64_t sent,
	   uint64_t send_err, const struct gen_sample *a,
	   const struct gen_sample *b)
{
	double win = (double)(b->t_ns - a->t_ns) / 1e9;
	unsigned int i;

	printf("{\"role\":\"gen\",\"streams\":%u,\"rate_target\":%.0f,"
	       "\"duration_s\":%.3f,\"sent\":%llu,\"send_errors\":%llu,"
	       "\"window_s\":%.4f,\"window_sent\":%llu,"
	       "\"rate_achieved\":%.1f,\"watch\":[",
	       n, o->rate, o->duration, (unsigned long long)sent,
	       (unsigned long long)send_err, win,
	       (unsigned long long)(b->sent - a->sent),
	       win > 0 ? (double)(b->sent - a->sent) / win : 0.0);
	for (i = 0; i < o->nb_watch; i++) {
		int ok = a->user_s[i] >= 0 && b->user_s[i] >= 0;

		printf("%s{\"pid\":%d,\"cpu_s\":%.3f,\"user_s\":%.2f,"
		       "\"sys_s\":%.2f}",
		       i ? "," : "", o->watch_pid[i],
		       a->cpu_s[i] < 0 || b->cpu_s[i] < 0
			       ? -1.0
			       : b->cpu_s[i] - a->cpu_s[i],
		       ok ? b->user_s[i] - a->user_s[i] : -1.0,
		       ok ? b->sys_s[i] - a->sys_s[i] : -1.0);
	}
	printf("]");
	/* busy = the window less the CPU's idle time (see
	 * rtpload_cpu_times()) */
	if (o->watch_cpu >= 0)
		printf(",\"cpu\":{\"id\":%d,\"busy_s\":%.3f,\"total_s\":%.4f,"
		       "\"tick_busy_s\":%.3f}",
		       o->watch_cpu, win - (b->idle_s - a->idle_s), win,
		       b->tick_busy_s - a->tick_busy_s);
	printf("}\n");
	fflush(stdout);
}

int
rtpload_gen_main(int argc, char **argv)
{
	struct mmsghdr msgs[GEN_MAX_BATCH];
	struct iovec iov[GEN_MAX_BATCH];
	struct rtpload_stream *st = NULL;
	struct rtpload_frame *gs = NULL;
	struct gen_sample s_start, s_end;
	struct gen_opts o;
	uint64_t t0, t_warm, t_end, sent = 0, send_err = 0, sleep_ns;
	uint32_t n = 0, next = 0, i;
	uint8_t src_mac[6];
	char why[256];
	int fd = -1, ifindex, err, one = 1, warm = 0;

	if (gen_opts_parse(argc, argv, &o) != 0) {
		gen_usage(stderr);
		return 2;
	}
	if (rtpload_streams_read(o.streams, &st, &n, why, sizeof(why)) != 0) {
		fprintf(stderr, "gen: %s\n", why);
		return 1;
	}
	err = rtpload_pin(o.cpu);
	if (err != 0)
		fprintf(stderr, "gen: cannot pin to CPU %d: %s\n", o.cpu,
			strerror(-err));
	fd = rtpload_packet_socket(o.ifname, &ifindex, src_mac);
	if (fd < 0) {
		fprintf(stderr, "gen: packet socket on %s: %s\n", o.ifname,
			strerror(-fd));
		free(st);
		return 1;
	}
	/* Straight to the driver: the veth has no queue worth measuring. */
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
		       sizeof(one)) != 0)
		fprintf(stderr, "gen: PACKET_QDISC_BYPASS: %s\n",
			strerror(errno));
	gs = calloc(n, sizeof(*gs));
	if (gs == NULL) {
		fprintf(stderr, "gen: out of memory\n");
		close(fd);
		free(st);
		return 1;
	}
	for (i = 0; i < n; i++)
		rtpload_frame_build(&gs[i], &st[i], src_mac, o.dst_mac, o.tag);
	if (o.batch > n)
		o.batch = n;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < GEN_MAX_BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	signal(SIGINT, gen_signal_h);
	signal(SIGTERM, gen_signal_h);

	/* Sleep when ahead for about one batch's worth of time, between
	 * 20 us and 1 ms: short enough to keep bursts small. */
	sleep_ns = (uint64_t)(1e9 * o.batch / o.rate);
	if (sleep_ns < 20000)
		sleep_ns = 20000;
	if (sleep_ns > 1000000)
		sleep_ns = 1000000;
	t0 = rtpload_now_ns();
	t_warm = t0 + (uint64_t)(o.warmup * 1e9);
	t_end = t0 + (uint64_t)(o.duration * 1e9);
	if (o.warmup == 0) {
		gen_sample_take(&o, 0, &s_start);
		warm = 1;
	}
	while (!gen_stop) {
		uint64_t now = rtpload_now_ns(), due;
		unsigned int k, b;
		int rc;

		if (now >= t_end)
			break;
		if (!warm && now >= t_warm) {
			gen_sample_take(&o, sent, &s_start);
			warm = 1;
		}
		due = (uint64_t)((double)(now - t0) * o.rate / 1e9);
		if (due <= sent) {
			struct timespec ts = {0, (long)sleep_ns};

			nanosleep(&ts, NULL);
			continue;
		}
		b = due - sent > o.batch ? o.batch : (unsigned int)(due - sent);
		/* A batch holds each stream at most once (batch <= n): the
		 * frames are stamped in place. */
		for (k = 0; k < b; k++) {
			struct rtpload_frame *g = &gs[next];

			rtpload_frame_next(g);
			iov[k].iov_base = g->frame;
			iov[k].iov_len = g->len;
			next = next + 1 == n ? 0 : next + 1;
		}
		rc = sendmmsg(fd, msgs, k, 0);
		if (rc < 0) {
			if (errno != ENOBUFS && errno != EAGAIN &&
			    errno != EINTR) {
				fprintf(stderr, "gen: sendmmsg: %s\n",
					strerror(errno));
				break;
			}
			rc = 0;
		}
		if ((unsigned int)rc < k) {
			/* Not sent: give the streams their sequence numbers
			 * back so the receiver sees no gap for them. */
			send_err += k - (unsigned int)rc;
			for (; k > (unsigned int)rc; k--) {
				next = next == 0 ? n - 1 : next - 1;
				gs[next].seq--;
				gs[next].ts -= RTPLOAD_PAYLOAD;
			}
		}
		sent += (uint64_t)rc;
	}
	if (!warm)
		gen_sample_take(&o, sent, &s_start);
	gen_sample_take(&o, sent, &s_end);
	gen_report(&o, n, sent, send_err, &s_start, &s_end);
	close(fd);
	free(gs);
	free(st);
	return 0;
}
