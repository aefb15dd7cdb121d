/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One run: two libre SIP stacks (UAC, UAS), each bound in its own network
 * namespace if asked, a 1 ms tick that places calls (token bucket), hangs
 * up held calls and times out unanswered ones, and the end: after the
 * last hang-up, a drain during which the UAS must see every BYE.
 *
 * Signals: SIGUSR1 releases the held calls (hung up at the call rate);
 * SIGINT/SIGTERM stop placing and release; a second one ends at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "cps.h"

static volatile sig_atomic_t got_usr1;
static struct cps *running; /* the one run re_main drives */

uint64_t
cps_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
tick_stop(struct cps *cps)
{
	if (cps->tick_fd < 0)
		return;
	fd_close(cps->tick_fd);
	close(cps->tick_fd);
	cps->tick_fd = -1;
}

static void
destructor(void *arg)
{
	struct cps *cps = arg;

	tick_stop(cps);
	tmr_cancel(&cps->sec);
	cps_uac_flush(cps);
	cps_uas_flush(cps);
	cps->uac_sock = mem_deref(cps->uac_sock);
	cps->uas_sock = mem_deref(cps->uas_sock);
	cps->uac_lsnr = mem_deref(cps->uac_lsnr);
	cps->uas_lsnr = mem_deref(cps->uas_lsnr);
	if (cps->uac_sip != NULL)
		sip_close(cps->uac_sip, true);
	if (cps->uas_sip != NULL)
		sip_close(cps->uas_sip, true);
	cps->uac_sip = mem_deref(cps->uac_sip);
	cps->uas_sip = mem_deref(cps->uas_sip);
	free(cps->lat.us);
}

/* Enter network namespace name (by its /run/netns file); *oldfd keeps
 * where we were. "" = stay. */
static int
ns_enter(const char *name, int *oldfd)
{
	char path[128];
	int fd, err = 0;

	*oldfd = -1;
	if (name[0] == '\0')
		return 0;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	*oldfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*oldfd < 0 || fd < 0 || setns(fd, CLONE_NEWNET) != 0)
		err = errno ? errno : EINVAL;
	if (fd >= 0)
		close(fd);
	if (err) {
		fprintf(stderr, "netns %s: %s\n", name, strerror(err));
		if (*oldfd >= 0)
			close(*oldfd);
		*oldfd = -1;
	}
	return err;
}

static void
ns_leave(int oldfd)
{
	if (oldfd < 0)
		return;
	if (setns(oldfd, CLONE_NEWNET) != 0)
		fprintf(stderr, "setns back: %m\n");
	close(oldfd);
}

/* Socket buffers: libre 1.1.0 does not hand out a SIP transport's UDP
 * socket, so each stack sends itself one OPTIONS with this Call-ID and
 * sets the buffers of the socket it arrives on. With the kernel's default
 * (about 200 KB) a pause of the loop dropped datagrams at 1,000 calls/s,
 * and every drop is a 500 ms retransmission counted against the ESG. */
#define PROBE_CALLID "esg-bench-cps-sockbuf"
#define SOCKBUF (4 * 1024 * 1024) /* capped by net.core.rmem_max */

static bool
probe_h(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	if (pl_strcmp(&msg->callid, PROBE_CALLID) != 0)
		return false;
	if (msg->tp == SIP_TRANSP_UDP && msg->sock != NULL &&
	    udp_sockbuf_set(msg->sock, SOCKBUF) != 0)
		fprintf(stderr, "esg-bench-cps: cannot set socket buffers\n");
	return true; /* no answer: the sender is anonymous */
}

/* The probe, sent from inside the stack's namespace (udp_send_anon makes
 * its socket there). */
static int
probe_send(const struct sa *laddr)
{
	struct mbuf *mb = mbuf_alloc(512);
	int err;

	if (mb == NULL)
		return ENOMEM;
	err = mbuf_printf(mb,
			  "OPTIONS sip:%J SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP %J;branch=z9hG4bKcps%08x\r\n"
			  "Max-Forwards: 0\r\n"
			  "From: <sip:cps@%J>;tag=cps\r\n"
			  "To: <sip:%J>\r\n"
			  "Call-ID: " PROBE_CALLID "\r\n"
			  "CSeq: 1 OPTIONS\r\n"
			  "Content-Length: 0\r\n\r\n",
			  laddr, laddr, rand_u32(), laddr, laddr);
	mb->pos = 0;
	if (err == 0)
		err = udp_send_anon(laddr, mb);
	mem_deref(mb);
	return err;
}

static int
stack_alloc(struct cps *cps, struct sip **sipp, struct sipsess_sock **sockp,
	    struct sip_lsnr **lsnrp, const struct sa *addr, const char *ns,
	    struct sa *laddr, sipsess_conn_h *connh)
{
	uint32_t hs = cps->conf.hash_size;
	int oldfd, err;

	err = sip_alloc(sipp, NULL, hs, hs, 4, "esg-bench-cps", NULL, NULL);
	if (err)
		return err;
	err = ns_enter(ns, &oldfd);
	if (err)
		return err;
	err = sip_transp_add(*sipp, SIP_TRANSP_UDP, addr);
	ns_leave(oldfd);
	if (err) {
		re_fprintf(stderr, "cannot bind %J: %m\n", addr, err);
		return err;
	}
	err = sip_transp_laddr(*sipp, laddr, SIP_TRANSP_UDP, NULL);
	if (err)
		return err;
	err = sipsess_listen(sockp, *sipp, (int)hs, connh, cps);
	if (err)
		return err;
	err = sip_listen(lsnrp, *sipp, true, probe_h, cps);
	if (err)
		return err;
	err = ns_enter(ns, &oldfd);
	if (err)
		return err;
	err = probe_send(laddr);
	ns_leave(oldfd);
	return err;
}

int
cps_alloc(struct cps **cpsp, const struct cps_conf *conf)
{
	struct cps *cps;
	int err;

	cps = mem_zalloc(sizeof(*cps), destructor);
	if (cps == NULL)
		return ENOMEM;
	cps->conf = *conf;
	cps->tick_fd = -1;
	tmr_init(&cps->sec);
	list_init(&cps->pending);
	list_init(&cps->held);
	list_init(&cps->uas);
	/* the UAC side answers no new INVITE (sipsess's default: 486) */
	err = stack_alloc(cps, &cps->uac_sip, &cps->uac_sock, &cps->uac_lsnr,
			  &conf->uac, conf->uac_ns, &cps->uac_laddr, NULL);
	if (err)
		goto out;
	err = stack_alloc(cps, &cps->uas_sip, &cps->uas_sock, &cps->uas_lsnr,
			  &conf->uas, conf->uas_ns, &cps->uas_laddr,
			  cps_uas_conn_h);
	if (err)
		goto out;
	cps->target =
		sa_isset(&conf->target, SA_ALL) ? conf->target : cps->uas_laddr;
	if (conf->domain[0] != '\0')
		snprintf(cps->domain, sizeof(cps->domain), "%s", conf->domain);
	else
		re_snprintf(cps->domain, sizeof(cps->domain), "%j",
			    &cps->target);
out:
	if (err)
		mem_deref(cps);
	else
		*cpsp = cps;
	return err;
}

static void
finish(struct cps *cps)
{
	cps->finished = true;
	tick_stop(cps);
	tmr_cancel(&cps->sec);
	cps_uac_flush(cps);
	cps_uas_flush(cps);
	re_cancel();
}

static bool
placing_over(const struct cps *cps, uint64_t now_us)
{
	const struct cps_conf *conf = &cps->conf;

	return (conf->calls > 0 && cps->seq >= conf->calls) ||
	       (conf->duration_s > 0 &&
		now_us - cps->start_us >= (uint64_t)conf->duration_s * 1000000);
}

static void
place(struct cps *cps, uint64_t now_us, double dt)
{
	double rate = cps->conf.rate;
	double cap = rate / 50.0 > 1.0 ? rate / 50.0 : 1.0;

	/* token bucket: at most 20 ms worth of calls in one burst */
	cps->tokens += rate * dt;
	if (cps->tokens > cap)
		cps->tokens = cap;
	while (cps->tokens >= 1.0 && !placing_over(cps, now_us)) {
		cps->tokens -= 1.0;
		if (cps_uac_place(cps) != 0 && cps->c.errors > 1000) {
			cps->err = EIO; /* the socket is broken: stop */
			finish(cps);
			return;
		}
	}
	if (placing_over(cps, now_us)) {
		cps->placing_done = true;
		cps->place_end_us = now_us;
	}
}

static void
tick_h(void *arg)
{
	struct cps *cps = arg;
	uint64_t now = cps_now_us(), now_ms = now / 1000;
	double dt = (double)(now - cps->last_us) / 1e6;

	cps->last_us = now;
	if (got_usr1) {
		got_usr1 = 0;
		cps->releasing = true;
	}
	if (!cps->placing_done) {
		place(cps, now, dt);
		if (cps->err)
			return;
	}
	if (cps->releasing) {
		cps->rel_tokens += cps->conf.rate * dt;
		if (cps->rel_tokens > cps->conf.rate)
			cps->rel_tokens = cps->conf.rate;
	}
	cps_uac_hangups(cps, now_ms);
	cps_uac_timeouts(cps, now_ms);
	if (cps->placing_done && list_isempty(&cps->pending) &&
	    list_isempty(&cps->held)) {
		if (!cps->draining) {
			cps->draining = true;
			cps->drain_end_ms = now_ms + cps->conf.drain_ms;
		}
		if (list_isempty(&cps->uas) || now_ms >= cps->drain_end_ms) {
			finish(cps);
			return;
		}
	}
}

/* The tick is a 1 ms timerfd, not a libre timer: libre keeps its timers in
 * one sorted list and inserts a short one by walking from the far end, past
 * every long timer (each finished transaction holds one for 64*T1, RFC 3261
 * 17.2.2 Timer J): restarting a 1 ms timer a thousand times a second would
 * cost more than the calls. */
static void
tick_fd_h(int flags, void *arg)
{
	struct cps *cps = arg;
	uint64_t n;

	(void)flags;
	if (read(cps->tick_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	if (cps->tick_fd >= 0 && !cps->finished)
		tick_h(cps);
}

static void
sec_h(void *arg)
{
	struct cps *cps = arg;
	const struct cps_counters *c = &cps->c;
	double t = (double)(cps_now_us() - cps->start_us) / 1e6;

	if (!cps->conf.quiet)
		fprintf(stderr,
			"[cps %6.1fs] attempted %llu answered %llu failed %llu "
			"timeouts %llu current %llu uas %llu bye %llu/%llu\n",
			t, (unsigned long long)c->attempted,
			(unsigned long long)c->answered,
			(unsigned long long)c->failed,
			(unsigned long long)c->timeouts,
			(unsigned long long)c->current,
			(unsigned long long)c->uas_active,
			(unsigned long long)c->bye_rcvd,
			(unsigned long long)c->bye_sent);
	if (cps->conf.status != NULL)
		(void)cps_report_status(&cps->conf, c, cps->placing_done, t);
	tmr_start(&cps->sec, 1000, sec_h, cps);
}

static void
usr1_h(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void
signal_h(int sig)
{
	struct cps *cps = running;

	(void)sig;
	if (cps == NULL)
		return;
	if (cps->releasing && cps->placing_done) {
		finish(cps);
		return;
	}
	if (!cps->placing_done) {
		cps->placing_done = true;
		cps->place_end_us = cps_now_us();
	}
	cps->releasing = true;
}

/* Run until everything placed has ended (or the drain ran out). */
int
cps_run(struct cps *cps)
{
	struct itimerspec its = {
		.it_interval = {.tv_nsec = 1000000},
		.it_value = {.tv_nsec = 1000000},
	};
	struct sigaction sa;
	int err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = usr1_h;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	got_usr1 = 0;
	running = cps;
	cps->tick_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (cps->tick_fd < 0)
		return errno;
	err = fd_listen(cps->tick_fd, FD_READ, tick_fd_h, cps);
	if (err == 0 && timerfd_settime(cps->tick_fd, 0, &its, NULL) != 0)
		err = errno;
	if (err) {
		tick_stop(cps);
		return err;
	}
	cps->start_us = cps->last_us = cps_now_us();
	tmr_start(&cps->sec, 1000, sec_h, cps);
	err = re_main(signal_h);
	running = NULL;
	if (cps->place_end_us == 0)
		cps->place_end_us = cps_now_us();
	if (cps->conf.status != NULL)
		(void)cps_report_status(&cps->conf, &cps->c, true,
					(double)(cps_now_us() - cps->start_us) /
						1e6);
	return err ? err : cps->err;
}

const struct cps_counters *
cps_counters(const struct cps *cps)
{
	return &cps->c;
}
