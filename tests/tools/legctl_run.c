/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl at run time (legctl_run.h). The tool is a control plane for
 * the time it runs: it drives the dataplane through the control plane's
 * own link code (cp_dp: attach, PING/PONG both ways, sequence numbers,
 * RESULT matching and timeout), so what it proves about the dataplane
 * holds for esg-controlplane too.
 *
 * The command and event rings have one producer each (docs/contract.md):
 * two control planes at once would corrupt them. So the tool refuses to
 * attach while the segment names a live control plane (cp_pid), and stops
 * if another one attaches while it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "legctl_run.h"

#define MS 1000000ULL
#define LEGCTL_DEAD_MS 1500 /* heartbeat older than this: gone */
#define LEGCTL_PING_MS 1000

int
legctl_job_add(struct legctl_run *r, const struct legctl_cmd *cmd)
{
	struct legctl_job *j;

	if (r->nb_jobs == r->cap_jobs) {
		size_t cap = r->cap_jobs ? r->cap_jobs * 2 : 64;

		j = realloc(r->jobs, cap * sizeof(*j));
		if (j == NULL)
			return -ENOMEM;
		r->jobs = j;
		r->cap_jobs = cap;
	}
	j = &r->jobs[r->nb_jobs++];
	memset(j, 0, sizeof(*j));
	j->cmd = *cmd;
	j->state = LEGCTL_JOB_QUEUED;
	return 0;
}

int
legctl_line(struct legctl_run *r, char *line, unsigned int lineno)
{
	char *argv[LEGCTL_MAX_ARGS], err[LEGCTL_ERR_LEN];
	struct legctl_cmd cmd;
	int argc = legctl_split(line, argv, LEGCTL_MAX_ARGS);

	if (argc == 0)
		return 0; /* blank or comment */
	if (argc < 0) {
		snprintf(err, sizeof(err), "more than %d words",
			 LEGCTL_MAX_ARGS);
		goto bad;
	}
	if (legctl_parse(argc, argv, &cmd, err, sizeof(err)) != 0)
		goto bad;
	cmd.line = lineno;
	if (legctl_job_add(r, &cmd) != 0) {
		snprintf(err, sizeof(err), "out of memory");
		goto bad;
	}
	return 0;
bad:
	r->bad_lines++;
	legctl_out_error(r, lineno, err);
	return -EINVAL;
}

static void
nap(uint64_t ns)
{
	struct timespec ts = {(time_t)(ns / 1000000000ULL),
			      (long)(ns % 1000000000ULL)};

	nanosleep(&ts, NULL);
}

static bool
pid_alive(uint32_t pid)
{
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

static void
pid_comm(uint32_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(buf, len, "?");
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Before attaching for real: is a dataplane there, and no other control
 * plane? */
static int
probe(struct legctl_run *r)
{
	uint64_t end = dp_shm_now_ns() + (uint64_t)r->wait_ms * MS;
	struct dp_shm *shm = NULL;
	char why[256] = "", comm[32];
	uint32_t pid;
	int err;

	for (;;) {
		err = dp_shm_attach(r->instance, &shm, why, sizeof(why));
		if (err == 0 &&
		    !dp_shm_alive(shm, dp_shm_now_ns(), LEGCTL_DEAD_MS * MS)) {
			dp_shm_detach(shm);
			snprintf(why, sizeof(why),
				 "segment present, no heartbeat");
			err = -ESTALE;
		}
		if (err == 0)
			break;
		if (err != -ENOENT && err != -EAGAIN && err != -EBADF &&
		    err != -ESTALE) {
			fprintf(stderr, "esg-legctl: instance %s: %s\n",
				r->instance, why[0] ? why : strerror(-err));
			return LEGCTL_EXIT_ATTACH;
		}
		if (dp_shm_now_ns() >= end) {
			fprintf(stderr,
				"esg-legctl: dataplane not running (instance "
				"%s): %s\n",
				r->instance, why);
			return LEGCTL_EXIT_ATTACH;
		}
		nap(50 * MS);
	}
	pid = __atomic_load_n(&dp_shm_hdr(shm)->cp_pid, __ATOMIC_RELAXED);
	dp_shm_detach(shm);
	if (pid != 0 && pid != (uint32_t)getpid() && pid_alive(pid) &&
	    !r->force) {
		pid_comm(pid, comm, sizeof(comm));
		fprintf(stderr,
			"esg-legctl: instance %s: a control plane is attached "
			"(pid %u, %s); the command ring has one producer: "
			"stop it first (or --force if that pid is not one)\n",
			r->instance, pid, comm);
		return LEGCTL_EXIT_ATTACH;
	}
	return 0;
}

static void result_h(const union dp_msg *cmd, int status, void *arg);

static struct legctl_run *g_run; /* for result_h: arg is the job index */

static void
evt_h(const union dp_msg *m, uint64_t now_ns, void *arg)
{
	struct legctl_run *r = arg;

	(void)now_ns;
	if (r->events || r->stay_ms >= 0 || r->follow)
		legctl_out_event(r, m);
}

static void
result_h(const union dp_msg *cmd, int status, void *arg)
{
	struct legctl_run *r = g_run;
	size_t idx = (size_t)(uintptr_t)arg;
	struct legctl_job *j;
	char why[64];
	bool ok;

	if (idx >= r->nb_jobs || r->jobs[idx].seq != cmd->hdr.seq)
		return;
	j = &r->jobs[idx];
	j->state = LEGCTL_JOB_DONE;
	j->status = status;
	r->inflight--;
	ok = status == 0 ||
	     (status > 0 && cmd->hdr.type == DP_MSG_LEG_BULK_DEL);
	if (status == -ETIMEDOUT) {
		snprintf(why, sizeof(why), "no RESULT within %u ms",
			 r->timeout_ms);
		legctl_out_result(r, j, why);
	} else {
		legctl_out_result(r, j, NULL);
	}
	if (!ok) {
		r->failed++;
		if (!r->keep_going)
			r->stopped = true;
	}
}

/* The dataplane went away: what was in flight gets no RESULT. */
static void
lost(struct legctl_run *r)
{
	size_t i;

	for (i = 0; i < r->nb_jobs; i++) {
		struct legctl_job *j = &r->jobs[i];

		if (j->state != LEGCTL_JOB_SENT)
			continue;
		j->state = LEGCTL_JOB_DONE;
		j->status = -ENOTCONN;
		legctl_out_result(r, j, "dataplane gone before answering");
		r->failed++;
		if (!r->keep_going)
			r->stopped = true;
	}
	r->inflight = 0;
	legctl_out_detached(r, r->epoch);
	r->epoch = 0;
}

static int
resolve(struct legctl_run *r, struct legctl_job *j)
{
	char err[LEGCTL_ERR_LEN];

	if (legctl_resolve(&j->cmd, dp_shm_stats(cp_dp_shm(r->dp)), err,
			   sizeof(err)) == 0)
		return 0;
	r->bad_lines++;
	legctl_out_error(r, j->cmd.line, err);
	return -EINVAL;
}

/* A new attach: say so; check the interface names of what waits. */
static int
on_attach(struct legctl_run *r)
{
	struct dp_shm *shm = cp_dp_shm(r->dp);
	const struct dp_shm_hdr *h = dp_shm_hdr(shm);
	bool first = r->next == 0 && r->inflight == 0;
	size_t i;
	int bad = 0;

	r->epoch = cp_dp_epoch(r->dp);
	legctl_out_attached(r, r->epoch, h->dp_pid,
			    dp_shm_stats(shm)->max_legs);
	/* A script is refused whole, before anything is sent. */
	if (first && !r->follow) {
		for (i = 0; i < r->nb_jobs; i++)
			if (resolve(r, &r->jobs[i]) != 0)
				bad = 1;
		if (bad)
			return LEGCTL_EXIT_USAGE;
	}
	return 0;
}

/* Another control plane took the rings over: stop touching them. */
static bool
usurped(struct legctl_run *r)
{
	uint32_t pid = __atomic_load_n(&dp_shm_hdr(cp_dp_shm(r->dp))->cp_pid,
				       __ATOMIC_RELAXED);

	if (pid == (uint32_t)getpid())
		return false;
	fprintf(stderr,
		"esg-legctl: another control plane (pid %u) attached to "
		"instance %s: stopping\n",
		pid, r->instance);
	return true;
}

static void
send_due(struct legctl_run *r, uint64_t now)
{
	union dp_msg m;
	int err;

	while (r->next < r->nb_jobs && !r->stopped && r->epoch != 0) {
		struct legctl_job *j = &r->jobs[r->next];

		if (j->cmd.verb == LEGCTL_SLEEP) {
			if (r->inflight > 0)
				return; /* sleep after the answers */
			if (r->sleep_until_ns == 0)
				r->sleep_until_ns =
					now + (uint64_t)j->cmd.sleep_ms * MS;
			if (now < r->sleep_until_ns)
				return;
			r->sleep_until_ns = 0;
			j->state = LEGCTL_JOB_DONE;
			r->next++;
			continue;
		}
		if (r->inflight >= r->window)
			return;
		if (resolve(r, j) != 0) {
			j->state = LEGCTL_JOB_DONE;
			r->next++;
			continue;
		}
		m = j->cmd.msg;
		err = cp_dp_send(r->dp, &m, now, result_h,
				 (void *)(uintptr_t)r->next);
		if (err == ENOBUFS || err == ENOTCONN || err == EPIPE)
			return; /* ring full or link lost: again later */
		if (err) {
			/* validated at parse time: cannot happen */
			j->state = LEGCTL_JOB_DONE;
			j->status = -err;
			legctl_out_result(r, j, "refused before sending");
			r->failed++;
			r->next++;
			continue;
		}
		j->seq = m.hdr.seq;
		j->state = LEGCTL_JOB_SENT;
		r->inflight++;
		r->next++;
	}
}

/* Follow mode: take the complete lines stdin has for us. */
static void
read_stdin(struct legctl_run *r)
{
	char *nl;
	ssize_t n;

	while (!r->in_eof) {
		n = read(0, r->inbuf + r->inlen, LEGCTL_LINE_MAX - r->inlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			r->in_eof = true;
			if (r->inlen > 0) { /* last line without newline */
				r->inbuf[r->inlen] = '\0';
				legctl_line(r, r->inbuf, ++r->lineno);
				r->inlen = 0;
			}
			break;
		}
		r->inlen += (size_t)n;
		r->inbuf[r->inlen] = '\0';
		while ((nl = strchr(r->inbuf, '\n')) != NULL) {
			*nl = '\0';
			legctl_line(r, r->inbuf, ++r->lineno);
			r->inlen -= (size_t)(nl + 1 - r->inbuf);
			memmove(r->inbuf, nl + 1, r->inlen + 1);
		}
		if (r->inlen == LEGCTL_LINE_MAX) {
			legctl_out_error(r, ++r->lineno, "line too long");
			r->bad_lines++;
			r->inlen = 0;
		}
	}
}

/* Is the run over? */
static bool
finished(struct legctl_run *r, uint64_t now)
{
	if (r->stopped && r->inflight == 0)
		return true;
	if (r->next < r->nb_jobs || r->inflight > 0 ||
	    (r->follow && !r->in_eof))
		return false;
	if (r->stay_ms >= 0) {
		if (r->stay_until_ns == 0)
			r->stay_until_ns = now + (uint64_t)r->stay_ms * MS;
		return now >= r->stay_until_ns;
	}
	return !r->events;
}

static void
idle(struct legctl_run *r)
{
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	/* Waiting for a RESULT: look often. Otherwise every millisecond
	 * is enough for PINGs and events (the control plane's period). */
	int busy = r->inflight > 0 || (r->next < r->nb_jobs && !r->stopped);

	if (r->follow && !r->in_eof && !busy) {
		poll(&pfd, 1, 1);
		return;
	}
	nap(busy ? 100000 : 1 * MS);
}

static int
attach(struct legctl_run *r)
{
	struct cp_dp_cfg cfg;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", r->instance);
	cfg.attach_timeout_ns = ((uint64_t)r->wait_ms + 1000) * MS;
	cfg.retry_ns = 100 * MS;
	cfg.dead_ns = LEGCTL_DEAD_MS * MS;
	cfg.ping_interval_ns = LEGCTL_PING_MS * MS;
	cfg.result_timeout_ns = (uint64_t)r->timeout_ms * MS;
	err = cp_dp_alloc(&r->dp, &cfg, dp_shm_now_ns(), NULL, NULL);
	if (err) {
		fprintf(stderr, "esg-legctl: %s\n", strerror(err));
		return LEGCTL_EXIT_ATTACH;
	}
	cp_dp_set_leg_h(r->dp, evt_h, r);
	while (cp_dp_state(r->dp) != CP_DP_ATTACHED) {
		err = cp_dp_poll(r->dp, dp_shm_now_ns());
		if (err || *r->quit) {
			fprintf(stderr,
				"esg-legctl: cannot attach to instance "
				"%s\n",
				r->instance);
			return LEGCTL_EXIT_ATTACH;
		}
		nap(1 * MS);
	}
	return 0;
}

/* Events left in the ring before us (a former control plane's RESULTs,
 * the dataplane's PINGs): taken before the first command, so that no
 * stale RESULT can meet one of our sequence numbers. */
static void
drain(struct legctl_run *r)
{
	struct cp_dp_counters c;
	uint64_t before;
	int i;

	for (i = 0; i < 64; i++) {
		cp_dp_counters(r->dp, &c);
		before = c.rx + c.rx_bad;
		cp_dp_poll(r->dp, dp_shm_now_ns());
		cp_dp_counters(r->dp, &c);
		if (c.rx + c.rx_bad == before)
			return;
	}
}

static int
loop(struct legctl_run *r)
{
	uint64_t now;
	int err;

	while (!*r->quit) {
		now = dp_shm_now_ns();
		err = cp_dp_poll(r->dp, now);
		if (err) {
			fprintf(stderr, "esg-legctl: dataplane link: %s\n",
				strerror(err));
			return LEGCTL_EXIT_ATTACH;
		}
		if (cp_dp_state(r->dp) == CP_DP_ATTACHED) {
			if (r->epoch != cp_dp_epoch(r->dp)) {
				if (r->epoch != 0)
					lost(r);
				if ((err = on_attach(r)) != 0)
					return err;
			}
			if (usurped(r))
				return LEGCTL_EXIT_ATTACH;
		} else if (r->epoch != 0) {
			lost(r);
			if (!r->events && r->stay_ms < 0 && !r->follow)
				return LEGCTL_EXIT_ATTACH;
		}
		if (r->follow)
			read_stdin(r);
		send_due(r, now);
		if (finished(r, now))
			return 0;
		idle(r);
	}
	return 0;
}

int
legctl_run(struct legctl_run *r)
{
	size_t unsent;
	int rc;

	g_run = r;
	rc = probe(r);
	if (rc)
		return rc;
	if (libre_init() != 0) {
		fprintf(stderr, "esg-legctl: libre_init failed\n");
		return LEGCTL_EXIT_ATTACH;
	}
	rc = attach(r);
	if (rc == 0 && !usurped(r)) {
		rc = on_attach(r);
		if (rc == 0) {
			drain(r);
			if (r->follow)
				fcntl(0, F_SETFL,
				      fcntl(0, F_GETFL) | O_NONBLOCK);
			rc = loop(r);
		}
	} else if (rc == 0) {
		rc = LEGCTL_EXIT_ATTACH;
	}
	unsent = r->nb_jobs - r->next;
	if (r->stopped && unsent > 0)
		fprintf(stderr,
			"esg-legctl: stopped after a failed command: %zu "
			"command(s) not sent (-k goes on)\n",
			unsent);
	if (r->verbose && r->dp != NULL)
		cp_dp_log_counters(r->dp);
	r->dp = mem_deref(r->dp);
	libre_close();
	if (rc)
		return rc;
	if (r->bad_lines > 0)
		return LEGCTL_EXIT_USAGE;
	return r->failed > 0 ? LEGCTL_EXIT_FAILED : LEGCTL_EXIT_OK;
}
