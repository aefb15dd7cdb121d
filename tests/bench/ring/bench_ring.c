/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command-ring throughput between two processes, the way esg uses it: the
 * consumer (playing esg-dataplane) creates the segment with dp_shm_create()
 * and drains the command ring with dp_shm_cmd_recv(), which copies every
 * message out of shared memory and runs dp_msg_validate() on it; the
 * producer (playing esg-controlplane) is a forked process that maps the
 * segment with dp_shm_attach() and sends with dp_shm_cmd_send(). Each side
 * is pinned to its own CPU when there are two.
 *
 * For each batch size (messages per send and per receive call) it runs
 * --runs times, prints min / median / max in millions of messages per
 * second, and writes the same as JSON with --json PATH. The consumer checks
 * that every message arrives, in order, valid: a run that loses, reorders
 * or rejects a message fails the benchmark (exit 1).
 *
 * Not a test: meson builds it, docs/performance.md says how to run it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dp_msg.h"
#include "dp_shm.h"

#define MAX_RUNS 50
#define MAX_BATCH 256
#define RUN_TIMEOUT_NS (120ULL * 1000000000ULL)

static const unsigned int batches[] = {1, 32};
#define NB_BATCHES (sizeof(batches) / sizeof(batches[0]))

/* Shared (anonymous, MAP_SHARED) between the two processes: start line. */
struct sync {
	volatile uint32_t ready;
	volatile uint32_t go;
	volatile uint64_t t_start_ns; /* producer, just before its first send */
	volatile uint64_t t_end_ns;   /* producer, after its last send */
	volatile int32_t err;
};

struct opts {
	unsigned int runs;
	uint64_t count;
	const char *json;
	int cpu_cons;
	int cpu_prod;
};

struct result {
	unsigned int batch;
	double mps[MAX_RUNS]; /* millions of messages per second */
	double min, median, max;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [--runs N] [--count N] [--json PATH] "
		"[--cpus CONSUMER,PRODUCER]\n"
		"  --runs N     runs per batch size (default 5, max %d)\n"
		"  --count N    messages per run (default 20000000)\n"
		"  --json PATH  also write the results as JSON\n"
		"  --cpus C,P   pin consumer and producer (default 0,1 when "
		"there are two CPUs)\n",
		prog, MAX_RUNS);
}

static int
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : -errno;
}

static void
fill_ping(union dp_msg *m, uint32_t seq)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = DP_MSG_PING;
	m->hdr.len = sizeof(struct dp_msg_ping);
	m->hdr.seq = seq;
	m->ping.token = seq;
}

/* Producer: the control plane's side. Runs in the child. */
static int
produce(const char *instance, struct sync *sy, const struct opts *o,
	unsigned int batch)
{
	union dp_msg m[MAX_BATCH];
	struct dp_shm *shm;
	char why[128] = "";
	uint64_t sent = 0;
	unsigned int i;
	int err;

	err = pin(o->cpu_prod);
	if (err)
		fprintf(stderr, "producer: cannot pin to cpu %d: %s\n",
			o->cpu_prod, strerror(-err));
	err = dp_shm_attach(instance, &shm, why, sizeof(why));
	if (err) {
		fprintf(stderr, "producer: attach: %s (%s)\n", strerror(-err),
			why);
		sy->err = err;
		sy->ready = 1;
		return 1;
	}
	sy->ready = 1;
	while (!sy->go)
		;
	sy->t_start_ns = dp_shm_now_ns();
	while (sent < o->count) {
		unsigned int n = batch;
		int k;

		if (o->count - sent < n)
			n = (unsigned int)(o->count - sent);
		for (i = 0; i < n; i++)
			fill_ping(&m[i], (uint32_t)(sent + i));
		k = dp_shm_cmd_send(shm, m, n);
		if (k < 0) {
			sy->err = k;
			break;
		}
		/* Ring full: resend what did not fit, same sequence numbers. */
		sent += (unsigned int)k;
	}
	sy->t_end_ns = dp_shm_now_ns();
	dp_shm_detach(shm);
	return sy->err != 0;
}

/* Consumer: the dataplane main lcore's side. Returns messages/s or < 0. */
static double
consume(struct dp_shm *shm, struct sync *sy, const struct opts *o,
	unsigned int batch, pid_t child)
{
	union dp_msg m[MAX_BATCH];
	uint64_t got = 0, t_end, deadline;
	uint32_t expect = 0;
	unsigned int idle = 0;
	int i, n;

	deadline = dp_shm_now_ns() + RUN_TIMEOUT_NS;
	while (!sy->ready)
		if (dp_shm_now_ns() > deadline)
			return -1;
	if (sy->err)
		return -1;
	sy->go = 1;
	while (got < o->count) {
		n = dp_shm_cmd_recv(shm, m, batch);
		if (n < 0) {
			fprintf(stderr, "consumer: ring: %s\n", strerror(-n));
			return -1;
		}
		if (n == 0) {
			/* Bound the wait: a dead producer ends the run. */
			if (++idle % 4096 == 0) {
				if (waitpid(child, NULL, WNOHANG) == child ||
				    dp_shm_now_ns() > deadline) {
					fprintf(stderr,
						"consumer: producer gone after "
						"%" PRIu64 " messages\n",
						got);
					return -1;
				}
			}
			continue;
		}
		for (i = 0; i < n; i++, expect++) {
			if (m[i].hdr.seq != expect ||
			    m[i].ping.token != expect) {
				fprintf(stderr,
					"consumer: message %" PRIu32
					" out of order (seq %" PRIu32 ")\n",
					expect, m[i].hdr.seq);
				return -1;
			}
		}
		got += (uint64_t)n;
	}
	t_end = dp_shm_now_ns();
	if (dp_shm_side_stats(shm)->rx_bad != 0) {
		fprintf(stderr, "consumer: %" PRIu64 " messages rejected\n",
			dp_shm_side_stats(shm)->rx_bad);
		return -1;
	}
	return (double)o->count * 1e9 / (double)(t_end - sy->t_start_ns);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
run_one(const char *instance, struct dp_shm *shm, struct sync *sy,
	const struct opts *o, unsigned int batch, double *mps)
{
	int status = 0;
	double r;
	pid_t pid;

	memset((void *)sy, 0, sizeof(*sy));
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (pid == 0)
		_exit(produce(instance, sy, o, batch));
	r = consume(shm, sy, o, batch, pid);
	if (r < 0)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || r < 0)
		return -1;
	*mps = r / 1e6;
	return 0;
}

static int
write_json(const char *path, const struct opts *o, const struct result *res,
	   size_t nres)
{
	FILE *f = fopen(path, "w");
	size_t i;
	unsigned int k;

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f,
		"{\n  \"benchmark\": \"ring\",\n"
		"  \"what\": \"command ring, dp_shm_cmd_send -> "
		"dp_shm_cmd_recv (validating), two processes\",\n"
		"  \"unit\": \"million messages per second\",\n"
		"  \"msg_slot_bytes\": %zu,\n  \"ring_slots\": %u,\n"
		"  \"messages_per_run\": %" PRIu64 ",\n"
		"  \"cpus\": {\"consumer\": %d, \"producer\": %d},\n"
		"  \"results\": [\n",
		sizeof(union dp_msg),
		((struct dp_shm_params)DP_SHM_PARAMS_DEFAULT).cmd_count,
		o->count, o->cpu_cons, o->cpu_prod);
	for (i = 0; i < nres; i++) {
		fprintf(f, "    {\"batch\": %u, \"runs\": [", res[i].batch);
		for (k = 0; k < o->runs; k++)
			fprintf(f, "%s%.3f", k ? ", " : "", res[i].mps[k]);
		fprintf(f,
			"], \"min\": %.3f, \"median\": %.3f, \"max\": %.3f}%s\n",
			res[i].min, res[i].median, res[i].max,
			i + 1 < nres ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"runs", required_argument, NULL, 'r'},
		{"count", required_argument, NULL, 'n'},
		{"json", required_argument, NULL, 'j'},
		{"cpus", required_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->runs = 5;
	o->count = 20000000;
	o->json = NULL;
	o->cpu_cons = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 0 : -1;
	o->cpu_prod = o->cpu_cons < 0 ? -1 : 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			o->count = strtoull(optarg, NULL, 10);
			break;
		case 'j':
			o->json = optarg;
			break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &o->cpu_cons,
				   &o->cpu_prod) != 2)
				return -1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			return -1;
		}
	}
	if (o->runs == 0 || o->runs > MAX_RUNS || o->count == 0 ||
	    o->count > UINT32_MAX || optind != argc)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct dp_shm_params p = DP_SHM_PARAMS_DEFAULT;
	struct result res[NB_BATCHES];
	struct dp_shm *shm = NULL;
	struct sync *sy;
	char instance[32];
	struct opts o;
	unsigned int b, k;
	int err, rc = 1;

	if (parse_opts(argc, argv, &o) != 0) {
		usage(stderr, argv[0]);
		return 2;
	}
	sy = mmap(NULL, sizeof(*sy), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sy == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	snprintf(instance, sizeof(instance), "bench-%d", (int)getpid());
	err = dp_shm_create(instance, &p, &shm);
	if (err) {
		fprintf(stderr, "dp_shm_create(%s): %s\n", instance,
			strerror(-err));
		goto out;
	}
	err = pin(o.cpu_cons);
	if (err)
		fprintf(stderr, "consumer: cannot pin to cpu %d: %s\n",
			o.cpu_cons, strerror(-err));

	printf("command ring: %zu-byte slots, %u slots, %" PRIu64
	       " messages per run, %u runs, cpus consumer %d producer %d\n",
	       sizeof(union dp_msg), p.cmd_count, o.count, o.runs, o.cpu_cons,
	       o.cpu_prod);
	printf("%-6s %12s %12s %12s %10s\n", "batch", "min Mmsg/s", "median",
	       "max", "ns/msg");
	for (b = 0; b < NB_BATCHES; b++) {
		double sorted[MAX_RUNS];

		res[b].batch = batches[b];
		for (k = 0; k < o.runs; k++) {
			if (run_one(instance, shm, sy, &o, batches[b],
				    &res[b].mps[k]) != 0) {
				fprintf(stderr, "batch %u run %u failed\n",
					batches[b], k + 1);
				goto out;
			}
		}
		memcpy(sorted, res[b].mps, sizeof(double) * o.runs);
		qsort(sorted, o.runs, sizeof(double), cmp_double);
		res[b].min = sorted[0];
		res[b].max = sorted[o.runs - 1];
		res[b].median = o.runs % 2 ? sorted[o.runs / 2]
					   : (sorted[o.runs / 2 - 1] +
					      sorted[o.runs / 2]) /
						     2;
		printf("%-6u %12.2f %12.2f %12.2f %10.1f\n", batches[b],
		       res[b].min, res[b].median, res[b].max,
		       1e3 / res[b].median);
	}
	if (o.json != NULL && write_json(o.json, &o, res, NB_BATCHES) != 0)
		goto out;
	rc = 0;
out:
	if (shm != NULL)
		dp_shm_destroy(shm);
	munmap(sy, sizeof(*sy));
	return rc;
}
