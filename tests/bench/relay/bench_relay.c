/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-relay: packets per second one worker lcore relays, with the
 * dataplane's own code end to end: legs installed through dp_leg_cmd()
 * (the handler of the command ring), the worker loop dp_worker_main()
 * polling net_ring ports opened by dp_port_open(), and the relay behind
 * it. The main lcore is the traffic generator (bench_gen.c). For every
 * case (v4-v4, v4-v6, v6-v4, rtcp-mux) and leg count it prints the
 * relayed rate (min / median / max of --runs runs), worker cycles per
 * packet, latency percentiles at a fixed share of that rate, and every
 * non-zero worker drop counter by name; --json writes all of it.
 *
 * A run whose relayed packets fail a check, that loses packets, or whose
 * worker drops anything, fails the benchmark (exit 1).
 *
 * Not a test: meson builds it, docs/performance.md says how to run it.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "bench_relay.h"

#define MAX_LEG_COUNTS 8

/* Where the worker's packets come from (docs/performance.md). */
enum feed {
	FEED_GEN, /* a generator on the main lcore, through net_ring ports */
	FEED_PRE, /* a prebuilt set, on the worker itself (bench_feed.c) */
	FEED_MAX,
};

static const char *const feed_names[FEED_MAX] = {
	[FEED_GEN] = "generator",
	[FEED_PRE] = "prebuilt",
};

struct opts {
	uint32_t legs[MAX_LEG_COUNTS];
	unsigned int nb_legs;
	bool cases[BENCH_NB_CASES];
	unsigned int runs;
	const char *json;
	int cpu_gen, cpu_worker;
	int huge; /* -1 auto, 0 no, 1 yes */
	unsigned int memory_mb;
	uint64_t seed;
	bool selftest;
	bool verbose;
	bool burst_loop;
	bool leg_stats_eal;
	uint8_t leg_flags;
	const char *flags_str;
	bool feeds[FEED_MAX];
	unsigned int nb_pkts; /* --feed prebuilt: the set */
	struct bench_gen_opts g;
};

/* One (case, legs) row: its runs and their summary. */
struct row {
	enum feed feed;
	const struct bench_case *c;
	uint32_t legs;
	double install_s;
	unsigned int nb_runs;
	struct bench_run run[BENCH_MAX_RUNS];
	double mpps[3], cyc[3], lat[3][3]; /* min, median, max */
	double rmpps[3], rcyc[3];	   /* --feed prebuilt: relay only */
	bool ok;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options]\n"
		"  --legs N[,N..]      active legs, k and M suffixes allowed "
		"(default 100000,1000000)\n"
		"  --cases LIST        v4-v4,v4-v6,v6-v4,rtcp-mux (default "
		"all)\n"
		"  --runs N            runs per case (default 5, max %d)\n"
		"  --duration S        measured seconds per run (default 2)\n"
		"  --warmup S          saturated seconds before (default 0.5)\n"
		"  --lat-time S        paced latency seconds (default 1; 0: "
		"none)\n"
		"  --lat-load F        paced rate, share of the measured "
		"(default 0.5)\n"
		"  --lat-burst N       packets per paced injection (default "
		"8)\n"
		"  --window N          mbufs in flight (default 512)\n"
		"  --check-every N     full check of 1 in N relayed (default "
		"16)\n"
		"  --cpus G,W          generator and worker CPUs (default "
		"0,1)\n"
		"  --huge | --no-huge  EAL memory (default: hugepages when "
		"enough are free)\n"
		"  --memory MB         EAL memory (default by legs)\n"
		"  --seed N            leg order (default 1)\n"
		"  --feed LIST         generator (default: a generator on "
		"the main lcore through net_ring ports), prebuilt (the worker "
		"feeds itself from a prebuilt set), or both\n"
		"  --pkts N            --feed prebuilt: packets in the set "
		"(default 131072)\n"
		"  --loop worker|burst dp_worker_main (default), or a minimal "
		"loop timing the relay calls alone\n"
		"  --flags LIST        leg flags: latch, strict, same-ip, "
		"none (default latch)\n"
		"  --leg-stats shm|eal per-leg counters in the segment's legs "
		"region (default, as esg-dataplane) or in EAL memory\n"
		"  --json PATH         also write the results as JSON\n"
		"  --verbose           every non-zero dataplane counter after "
		"each case\n"
		"  --selftest          check the generator's packets and exit\n",
		prog, BENCH_MAX_RUNS);
}

static int
parse_legs(const char *s, struct opts *o)
{
	char *end;

	o->nb_legs = 0;
	while (*s != '\0' && o->nb_legs < MAX_LEG_COUNTS) {
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v < 2 || v > UINT32_MAX)
			return -1;
		if (*end == 'k' || *end == 'M')
			v *= *end++ == 'k' ? 1000 : 1000000;
		o->legs[o->nb_legs++] = (uint32_t)v;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		s = end;
	}
	return *s == '\0' && o->nb_legs > 0 ? 0 : -1;
}

static int
parse_cases(const char *s, struct opts *o)
{
	char buf[128], *tok, *save = NULL;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	memset(o->cases, 0, sizeof(o->cases));
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < BENCH_NB_CASES; i++)
			if (strcmp(tok, bench_cases[i].name) == 0)
				break;
		if (i == BENCH_NB_CASES)
			return -1;
		o->cases[i] = true;
	}
	return 0;
}

static int
parse_flags(const char *s, struct opts *o)
{
	static const struct {
		const char *name;
		uint8_t flag;
	} names[] = {
		{"latch", DP_LEG_F_LATCH},
		{"strict", DP_LEG_F_STRICT},
		{"same-ip", DP_LEG_F_SAME_IP},
		{"none", 0},
	};
	char buf[64], *tok, *save = NULL;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	o->leg_flags = 0;
	o->flags_str = s;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < RTE_DIM(names); i++)
			if (strcmp(tok, names[i].name) == 0)
				break;
		if (i == RTE_DIM(names))
			return -1;
		o->leg_flags |= names[i].flag;
	}
	return 0;
}

static int
parse_feeds(const char *s, struct opts *o)
{
	char buf[64], *tok, *save = NULL;
	unsigned int i;

	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	memset(o->feeds, 0, sizeof(o->feeds));
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < FEED_MAX; i++)
			if (strcmp(tok, feed_names[i]) == 0)
				break;
		if (i == FEED_MAX)
			return -1;
		o->feeds[i] = true;
	}
	return o->feeds[FEED_GEN] || o->feeds[FEED_PRE] ? 0 : -1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	enum {
		O_LEGS = 256,
		O_CASES,
		O_RUNS,
		O_DUR,
		O_WARM,
		O_LAT,
		O_LOAD,
		O_LBURST,
		O_WIN,
		O_CHECK,
		O_CPUS,
		O_HUGE,
		O_NOHUGE,
		O_MEM,
		O_SEED,
		O_JSON,
		O_SELF,
		O_LOOP,
		O_FLAGS,
		O_VERBOSE,
		O_LEGSTATS,
		O_FEED,
		O_PKTS,
	};
	static const struct option lo[] = {
		{"legs", required_argument, NULL, O_LEGS},
		{"cases", required_argument, NULL, O_CASES},
		{"runs", required_argument, NULL, O_RUNS},
		{"duration", required_argument, NULL, O_DUR},
		{"warmup", required_argument, NULL, O_WARM},
		{"lat-time", required_argument, NULL, O_LAT},
		{"lat-load", required_argument, NULL, O_LOAD},
		{"lat-burst", required_argument, NULL, O_LBURST},
		{"window", required_argument, NULL, O_WIN},
		{"check-every", required_argument, NULL, O_CHECK},
		{"cpus", required_argument, NULL, O_CPUS},
		{"huge", no_argument, NULL, O_HUGE},
		{"no-huge", no_argument, NULL, O_NOHUGE},
		{"memory", required_argument, NULL, O_MEM},
		{"seed", required_argument, NULL, O_SEED},
		{"json", required_argument, NULL, O_JSON},
		{"selftest", no_argument, NULL, O_SELF},
		{"loop", required_argument, NULL, O_LOOP},
		{"flags", required_argument, NULL, O_FLAGS},
		{"verbose", no_argument, NULL, O_VERBOSE},
		{"leg-stats", required_argument, NULL, O_LEGSTATS},
		{"feed", required_argument, NULL, O_FEED},
		{"pkts", required_argument, NULL, O_PKTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned int i;
	int c;

	memset(o, 0, sizeof(*o));
	o->legs[0] = 100000;
	o->legs[1] = 1000000;
	o->nb_legs = 2;
	for (i = 0; i < BENCH_NB_CASES; i++)
		o->cases[i] = true;
	o->runs = 5;
	o->cpu_gen = 0;
	o->cpu_worker = 1;
	o->huge = -1;
	o->seed = 1;
	o->leg_flags = DP_LEG_F_LATCH;
	o->flags_str = "latch";
	o->g.window = 512;
	o->g.check_every = 16;
	o->g.warmup_s = 0.5;
	o->g.duration_s = 2;
	o->g.lat_s = 1;
	o->g.lat_load = 0.5;
	o->g.lat_burst = 8;
	o->feeds[FEED_GEN] = true;
	o->nb_pkts = 131072;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_LEGS:
			if (parse_legs(optarg, o) != 0)
				return -1;
			break;
		case O_CASES:
			if (parse_cases(optarg, o) != 0)
				return -1;
			break;
		case O_RUNS:
			o->runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_DUR:
			o->g.duration_s = strtod(optarg, NULL);
			break;
		case O_WARM:
			o->g.warmup_s = strtod(optarg, NULL);
			break;
		case O_LAT:
			o->g.lat_s = strtod(optarg, NULL);
			break;
		case O_LOAD:
			o->g.lat_load = strtod(optarg, NULL);
			break;
		case O_LBURST:
			o->g.lat_burst =
				(unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_WIN:
			o->g.window = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_CHECK:
			o->g.check_every =
				(unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_CPUS:
			if (sscanf(optarg, "%d,%d", &o->cpu_gen,
				   &o->cpu_worker) != 2)
				return -1;
			break;
		case O_HUGE:
			o->huge = 1;
			break;
		case O_NOHUGE:
			o->huge = 0;
			break;
		case O_MEM:
			o->memory_mb = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_SEED:
			o->seed = strtoull(optarg, NULL, 10);
			break;
		case O_JSON:
			o->json = optarg;
			break;
		case O_SELF:
			o->selftest = true;
			break;
		case O_LOOP:
			if (strcmp(optarg, "worker") != 0 &&
			    strcmp(optarg, "burst") != 0)
				return -1;
			o->burst_loop = strcmp(optarg, "burst") == 0;
			break;
		case O_LEGSTATS:
			if (strcmp(optarg, "shm") != 0 &&
			    strcmp(optarg, "eal") != 0)
				return -1;
			o->leg_stats_eal = strcmp(optarg, "eal") == 0;
			break;
		case O_FEED:
			if (parse_feeds(optarg, o) != 0)
				return -1;
			break;
		case O_PKTS:
			o->nb_pkts = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case O_VERBOSE:
			o->verbose = true;
			break;
		case O_FLAGS:
			if (parse_flags(optarg, o) != 0)
				return -1;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc || o->runs == 0 || o->runs > BENCH_MAX_RUNS ||
	    o->g.duration_s <= 0 || o->g.warmup_s < 0 || o->g.lat_s < 0 ||
	    o->g.lat_load <= 0 || o->g.lat_load > 1 || o->g.lat_burst == 0 ||
	    o->g.lat_burst > BENCH_BURST || o->g.window < 64 ||
	    o->g.window > 65536 || o->g.check_every == 0 || o->cpu_gen < 0 ||
	    o->cpu_worker < 0 || o->cpu_gen == o->cpu_worker ||
	    o->nb_pkts < BENCH_BURST * BENCH_NB_IF || o->nb_pkts > 1u << 22)
		return -1;
	return 0;
}

static uint32_t
max_legs(const struct opts *o)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < o->nb_legs; i++)
		m = RTE_MAX(m, o->legs[i]);
	return m;
}

/* /proc/meminfo: free 2 MB hugepages, in MB. */
static unsigned int
huge_free_mb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long free_pages = 0, size_kb = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "HugePages_Free: %lu", &free_pages);
		sscanf(line, "Hugepagesize: %lu kB", &size_kb);
	}
	fclose(f);
	return (unsigned int)(free_pages * size_kb / 1024);
}

/* What EAL needs: the relay's tables (a generous 1 kB a leg), the
 * mbufs, and room for the rest. */
static unsigned int
memory_need_mb(const struct opts *o)
{
	uint64_t kb = (uint64_t)max_legs(o);

	/* the prebuilt set: an mbuf, its 384-byte buffer, the ring */
	if (o->feeds[FEED_PRE])
		kb += o->nb_pkts;
	return 256 + (unsigned int)(kb * 1024 >> 20);
}

static int
eal_start(const char *prog, struct opts *o)
{
	char lcores[32], main_lc[32], prefix[64], mem[16];
	char *argv[16];
	int argc = 0;

	if (o->memory_mb == 0)
		o->memory_mb = memory_need_mb(o);
	if (o->huge < 0)
		o->huge = huge_free_mb() >= o->memory_mb;
	snprintf(lcores, sizeof(lcores), "%d,%d", o->cpu_gen, o->cpu_worker);
	snprintf(main_lc, sizeof(main_lc), "--main-lcore=%d", o->cpu_gen);
	snprintf(prefix, sizeof(prefix), "--file-prefix=esg-bench-relay-%d",
		 (int)getpid());
	snprintf(mem, sizeof(mem), "%u", o->memory_mb);
	argv[argc++] = (char *)(uintptr_t)prog;
	argv[argc++] = (char *)(uintptr_t) "-l";
	argv[argc++] = lcores;
	argv[argc++] = main_lc;
	argv[argc++] = prefix;
	argv[argc++] = (char *)(uintptr_t) "--no-pci";
	argv[argc++] = (char *)(uintptr_t) "--log-level=notice";
	/* Hugepages without a hugetlbfs mount: --in-memory maps them
	 * anonymously (and leaves no files behind). */
	argv[argc++] =
		(char *)(uintptr_t)(o->huge ? "--in-memory" : "--no-huge");
	argv[argc++] = (char *)(uintptr_t) "-m";
	argv[argc++] = mem;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "EAL init (%s): %s\n",
			o->huge ? "hugepages" : "--no-huge",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) == 0 ? 0 : -1;
}

/* EAL leaves its runtime directory (/var/run/dpdk/PREFIX) behind; the
 * prefix is this process's own, so nobody else uses it. */
static void
eal_stop(void)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (strstr(dir, "esg-bench-relay-") != NULL)
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
summarize(double *v, unsigned int n, double out[3])
{
	qsort(v, n, sizeof(double), cmp_double);
	out[0] = v[0];
	out[1] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	out[2] = v[n - 1];
}

/* Cycles per packet: with dp_worker_main, the worker's TSC over the
 * measured interval per relayed packet (the whole loop, exact when the
 * worker is never idle: see busy); with --loop burst, the TSC inside
 * the relay's calls only. */
static void
row_summary(struct row *w, bool burst_loop)
{
	double v[BENCH_MAX_RUNS];
	unsigned int i, k;

	if (w->feed == FEED_PRE) {
		/* with restore: the whole loop; relay only: its calls */
		for (i = 0; i < w->nb_runs; i++)
			v[i] = w->run[i].mpps;
		summarize(v, w->nb_runs, w->mpps);
		for (i = 0; i < w->nb_runs; i++)
			v[i] = w->run[i].cyc_per_pkt;
		summarize(v, w->nb_runs, w->cyc);
		for (i = 0; i < w->nb_runs; i++)
			v[i] = w->run[i].relay_mpps;
		summarize(v, w->nb_runs, w->rmpps);
		for (i = 0; i < w->nb_runs; i++)
			v[i] = w->run[i].relay_cyc_per_pkt;
		summarize(v, w->nb_runs, w->rcyc);
		return;
	}
	for (i = 0; i < w->nb_runs; i++)
		v[i] = w->run[i].mpps;
	summarize(v, w->nb_runs, w->mpps);
	for (i = 0; i < w->nb_runs; i++)
		v[i] = burst_loop ? w->run[i].relay_cyc_per_pkt
				  : w->run[i].cyc_per_pkt;
	summarize(v, w->nb_runs, w->cyc);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < w->nb_runs; i++)
			v[i] = w->run[i].lat_ns[k];
		summarize(v, w->nb_runs, w->lat[k]);
	}
}

static uint64_t
drops_total(const struct bench_run *r)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < DP_DROP_MAX; i++)
		t += r->drops[i];
	return t;
}

static const char *const drop_names[DP_DROP_MAX] = {
#define DROP_NAME(n, s, d) s,
	DP_DROP_LIST(DROP_NAME)
#undef DROP_NAME
};

static void
print_run_problems(const struct row *w, unsigned int k)
{
	const struct bench_run *r = &w->run[k];
	unsigned int i;

	if (r->bad > 0)
		printf("  run %u: %" PRIu64 " bad packets, first: %s\n", k + 1,
		       r->bad, r->why);
	if (r->lost > 0)
		printf("  run %u: %" PRIu64 " packets lost\n", k + 1, r->lost);
	if (r->slow > 0)
		printf("  run %u: %" PRIu64
		       " frames handed to the main lcore\n",
		       k + 1, r->slow);
	for (i = 0; i < DP_DROP_MAX; i++)
		if (r->drops[i] > 0)
			printf("  run %u: drop %s: %" PRIu64 "\n", k + 1,
			       drop_names[i], r->drops[i]);
	if (r->bad == 0 && r->why[0] != '\0')
		printf("  run %u: %s\n", k + 1, r->why);
}

static void
print_header(void)
{
	printf("%-8s %7s %6s %6s %6s %7s %5s %4s %7s %6s %6s %7s %5s %8s\n",
	       "case", "legs", "Mpps", "min", "max", "cyc/pkt", "gen", "wait",
	       "cpu g/w", "p50", "p99", "p99.9", "@Mpps", "checked");
	printf("%-8s %7s %6s %6s %6s %7s %5s %4s %7s %6s %6s %7s %5s %8s\n", "",
	       "", "median", "", "", "median", "Mpps", "%", "%", "ns", "ns",
	       "ns", "", "");
}

/* --feed prebuilt: no generator and no latency phase. */
static void
print_header_pre(void)
{
	printf("%-8s %7s | %-26s | %-19s | %4s %7s %8s\n", "", "",
	       "relay only (fast path)", "with restore (bound)", "", "", "");
	printf("%-8s %7s | %6s %6s %6s %7s | %6s %6s %7s | %4s %7s %8s\n",
	       "case", "legs", "Mpps", "min", "max", "cyc/pkt", "Mpps", "min",
	       "cyc/pkt", "cpu", "latched", "checked");
	printf("%-8s %7s | %6s %6s %6s %7s | %6s %6s %7s | %4s %7s %8s\n", "",
	       "", "median", "", "", "median", "median", "", "median", "%", "",
	       "");
}

static void
print_row_pre(const struct row *w)
{
	uint64_t checked = 0, latched = 0;
	double wcpu = 1;
	unsigned int k;

	for (k = 0; k < w->nb_runs; k++) {
		checked += w->run[k].checked;
		latched += w->run[k].latched;
		wcpu = RTE_MIN(wcpu, w->run[k].worker_cpu);
	}
	printf("%-8s %7" PRIu32 " | %6.2f %6.2f %6.2f %7.1f | %6.2f %6.2f "
	       "%7.1f | %4.0f %7" PRIu64 " %8" PRIu64 "%s\n",
	       w->c->name, w->legs, w->rmpps[1], w->rmpps[0], w->rmpps[2],
	       w->rcyc[1], w->mpps[1], w->mpps[0], w->cyc[1], wcpu * 100,
	       latched, checked, w->ok ? "" : "  FAILED");
	for (k = 0; k < w->nb_runs; k++)
		print_run_problems(w, k);
}

static void
print_row(const struct row *w)
{
	uint64_t checked = 0;
	double gen = 0, wait = 0, rate = 0, gcpu = 1, wcpu = 1;
	unsigned int k;

	for (k = 0; k < w->nb_runs; k++) {
		checked += w->run[k].checked;
		gen += w->run[k].gen_cap_mpps / w->nb_runs;
		wait += w->run[k].gen_empty / w->nb_runs;
		rate += w->run[k].lat_rate_mpps / w->nb_runs;
		gcpu = RTE_MIN(gcpu, w->run[k].gen_cpu);
		wcpu = RTE_MIN(wcpu, w->run[k].worker_cpu);
	}
	printf("%-8s %7" PRIu32 " %6.2f %6.2f %6.2f %7.1f %5.1f %4.0f "
	       "%3.0f/%-3.0f %6.0f %6.0f %7.0f %5.2f %8" PRIu64 "%s\n",
	       w->c->name, w->legs, w->mpps[1], w->mpps[0], w->mpps[2],
	       w->cyc[1], gen, wait * 100, gcpu * 100, wcpu * 100, w->lat[0][1],
	       w->lat[1][1], w->lat[2][1], rate, checked,
	       w->ok ? "" : "  FAILED");
	for (k = 0; k < w->nb_runs; k++)
		print_run_problems(w, k);
}

static void
json_triple(FILE *f, const char *name, const double v[3], const char *end)
{
	fprintf(f, "\"%s\": {\"min\": %.3f, \"median\": %.3f, \"max\": %.3f}%s",
		name, v[0], v[1], v[2], end);
}

static void
json_run(FILE *f, const struct bench_run *r, bool last)
{
	unsigned int i;
	bool first = true;

	fprintf(f,
		"        {\"mpps\": %.4f, \"cycles_per_pkt\": %.2f, "
		"\"relay_mpps\": %.4f, \"relay_cycles_per_pkt\": %.2f, "
		"\"fed\": %" PRIu64 ", "
		"\"worker_busy\": %.4f, \"gen_empty\": %.4f, "
		"\"gen_cpu\": %.3f, \"worker_cpu\": %.3f, "
		"\"gen_capacity_mpps\": %.2f, "
		"\"latched\": %" PRIu64 ", "
		"\"relayed\": %" PRIu64 ", \"lat_rate_mpps\": %.4f, "
		"\"lat_ns\": {\"p50\": %.0f, \"p99\": %.0f, \"p99.9\": %.0f}, "
		"\"lat_samples\": %" PRIu64 ", \"checked\": %" PRIu64
		", \"bad\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"drops\": {",
		r->mpps, r->cyc_per_pkt, r->relay_mpps, r->relay_cyc_per_pkt,
		r->fed, r->busy, r->gen_empty, r->gen_cpu, r->worker_cpu,
		r->gen_cap_mpps, r->latched, r->relayed, r->lat_rate_mpps,
		r->lat_ns[0], r->lat_ns[1], r->lat_ns[2], r->lat_n, r->checked,
		r->bad, r->lost);
	for (i = 0; i < DP_DROP_MAX; i++) {
		if (r->drops[i] == 0)
			continue;
		fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ",
			drop_names[i], r->drops[i]);
		first = false;
	}
	fprintf(f, "}}%s\n", last ? "" : ",");
}

static int
write_json(const char *path, const struct opts *o, const struct row *rows,
	   unsigned int nb_rows)
{
	FILE *f = fopen(path, "w");
	unsigned int i, k;
	char date[32];
	time_t now = time(NULL);

	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f,
		"{\n  \"benchmark\": \"relay\",\n  \"date\": \"%s\",\n"
		"  \"what\": \"packets relayed per second by one worker "
		"lcore, legs installed with dp_leg_cmd; feed generator: "
		"dp_worker_main over net_ring ports fed by a generator on "
		"another lcore (mpps, cycles_per_pkt: the worker's whole "
		"loop); feed prebuilt: the worker runs dp_relay_burst.."
		"dp_relay_flush on a prebuilt packet set into a null port "
		"(relay_only: TSC around the relay calls, the fast path's "
		"ceiling; with_restore: the whole loop with checking and "
		"rebuilding, an upper bound on the relay's cost)\",\n"
		"  \"feeds\": [%s%s%s],\n  \"prebuilt_pkts\": %u,\n"
		"  \"dpdk\": \"%s\",\n  \"build\": \"%s\",\n"
		"  \"memory\": \"%s\",\n  \"memory_mb\": %u,\n"
		"  \"loop\": \"%s\",\n  \"leg_flags\": \"%s\",\n"
		"  \"leg_stats\": \"%s\",\n"
		"  \"tsc_hz\": %" PRIu64 ",\n"
		"  \"cpus\": {\"generator\": %d, \"worker\": %d},\n"
		"  \"ip_len_in\": %u,\n  \"window\": %u,\n"
		"  \"check_every\": %u,\n  \"warmup_s\": %.2f,\n"
		"  \"duration_s\": %.2f,\n  \"lat_s\": %.2f,\n"
		"  \"lat_load\": %.2f,\n  \"lat_burst\": %u,\n"
		"  \"results\": [\n",
		date, o->feeds[FEED_GEN] ? "\"generator\"" : "",
		o->feeds[FEED_GEN] && o->feeds[FEED_PRE] ? ", " : "",
		o->feeds[FEED_PRE] ? "\"prebuilt\"" : "", o->nb_pkts,
		rte_version(), BENCH_BUILDTYPE,
		o->huge ? "hugepages" : "no-huge", o->memory_mb,
		o->burst_loop ? "burst" : "worker", o->flags_str,
		o->leg_stats_eal ? "eal" : "shm", rte_get_tsc_hz(), o->cpu_gen,
		o->cpu_worker, BENCH_IP_LEN, o->g.window, o->g.check_every,
		o->g.warmup_s, o->g.duration_s, o->g.lat_s, o->g.lat_load,
		o->g.lat_burst);
	for (i = 0; i < nb_rows; i++) {
		const struct row *w = &rows[i];

		fprintf(f,
			"    {\"feed\": \"%s\", \"case\": \"%s\", "
			"\"legs\": %" PRIu32
			", \"ok\": %s, \"install_s\": %.3f,\n      ",
			feed_names[w->feed], w->c->name, w->legs,
			w->ok ? "true" : "false", w->install_s);
		if (w->feed == FEED_PRE) {
			fprintf(f, "\"relay_only\": {");
			json_triple(f, "mpps", w->rmpps, ", ");
			json_triple(f, "cycles_per_pkt", w->rcyc, "},\n      ");
			fprintf(f, "\"with_restore\": {");
			json_triple(f, "mpps", w->mpps, ", ");
			json_triple(f, "cycles_per_pkt", w->cyc, "},\n      ");
		}
		json_triple(f, "mpps", w->mpps, ", ");
		json_triple(f, "cycles_per_pkt", w->cyc, ",\n      ");
		json_triple(f, "lat_p50_ns", w->lat[0], ", ");
		json_triple(f, "lat_p99_ns", w->lat[1], ", ");
		json_triple(f, "lat_p999_ns", w->lat[2], ",\n");
		fprintf(f, "      \"runs\": [\n");
		for (k = 0; k < w->nb_runs; k++)
			json_run(f, &w->run[k], k + 1 == w->nb_runs);
		fprintf(f, "      ]}%s\n", i + 1 < nb_rows ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}

/* The generator's packets, before any relay sees them: lengths and both
 * checksums by the independent RFC 1071 sum. */
static int
selftest(const struct opts *o)
{
	uint8_t frame[BENCH_FRAME_MAX];
	struct bench_plan p;
	unsigned int ci, k, bad = 0, n = 0;

	for (ci = 0; ci < BENCH_NB_CASES; ci++) {
		const struct bench_case *c = &bench_cases[ci];

		if (bench_plan_init(&p, c, max_legs(o), o->seed) != 0) {
			fprintf(stderr, "selftest: %s: plan\n", c->name);
			return -1;
		}
		for (k = 0; k < BENCH_NB_IF; k++) {
			uint32_t i, step = p.nb_rx_legs[k] / 1000 + 1;

			for (i = 0; i < p.nb_rx_legs[k]; i += step, n++) {
				uint32_t leg = p.rx_legs[k][i];

				memset(frame, 0, sizeof(frame));
				bench_pkt_payload(&p, frame);
				bench_pkt_build(&p, frame, leg, i * 3 + 7,
						rte_rdtsc());
				if (bench_in_check(&p, frame, leg) != 0)
					bad++;
			}
		}
		bench_plan_free(&p);
	}
	printf("selftest: %u packets built, %u bad\n", n, bad);
	return bad == 0 ? 0 : -1;
}

static int
run_row(struct bench_gen *g, const struct opts *o, struct row *w)
{
	struct bench_plan plan;
	uint64_t t0;
	unsigned int k;
	int err;

	w->ok = false;
	err = bench_plan_init(&plan, w->c, w->legs, o->seed);
	if (err) {
		fprintf(stderr,
			"%s with %" PRIu32 " legs: not possible (at "
			"most %" PRIu32 ")\n",
			w->c->name, w->legs, bench_plan_max_legs(w->c));
		return err;
	}
	t0 = rte_rdtsc();
	err = bench_dut_legs_install(&plan);
	w->install_s = (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz();
	if (err) {
		fprintf(stderr, "%s: installing %" PRIu32 " legs: %s\n",
			w->c->name, w->legs, strerror(-err));
		goto out;
	}
	g->plan = &plan;
	w->ok = true;
	for (k = 0; k < o->runs; k++) {
		struct bench_run *r = &w->run[k];

		if (w->feed == FEED_PRE) {
			struct bench_feed_opts fo = {
				.nb_pkts = o->nb_pkts,
				.check_every = o->g.check_every,
				.warmup_s = o->g.warmup_s,
				.duration_s = o->g.duration_s,
			};

			err = bench_feed_run(&plan, &fo,
					     (unsigned int)o->cpu_worker, r);
		} else {
			err = bench_gen_run(g, r);
		}
		if (err) {
			w->ok = false;
			break;
		}
		w->nb_runs++;
		if (r->bad > 0 || r->lost > 0 || drops_total(r) > 0 ||
		    r->slow > 0 || r->relayed == 0)
			w->ok = false;
	}
	if (w->nb_runs > 0)
		row_summary(w, o->burst_loop);
	if (o->verbose) {
		printf("  %s, %" PRIu32 " legs: installed in %.2f s (%.0f "
		       "commands/s)\n",
		       w->c->name, w->legs, w->install_s,
		       (double)w->legs * 2.5 / w->install_s);
		bench_dut_dump(stdout);
	}
	err = bench_dut_legs_clear(&plan);
	if (err)
		fprintf(stderr, "%s: removing legs: %s\n", w->c->name,
			strerror(-err));
out:
	g->plan = NULL;
	bench_plan_free(&plan);
	return err;
}

/* Every (legs, case) row of one feed. */
static int
run_rows(struct bench_gen *g, const struct opts *o, enum feed feed,
	 struct row *rows, unsigned int *nb_rows)
{
	unsigned int li, ci;
	int rc = 0;

	for (li = 0; li < o->nb_legs; li++) {
		for (ci = 0; ci < BENCH_NB_CASES; ci++) {
			struct row *w = &rows[*nb_rows];

			if (!o->cases[ci])
				continue;
			w->feed = feed;
			w->c = &bench_cases[ci];
			w->legs = o->legs[li];
			if (run_row(g, o, w) != 0)
				rc = 1;
			++*nb_rows;
			if (w->nb_runs > 0 && feed == FEED_PRE)
				print_row_pre(w);
			else if (w->nb_runs > 0)
				print_row(w);
			if (!w->ok)
				rc = 1;
			fflush(stdout);
		}
	}
	return rc;
}

static int
run_feed_gen(struct bench_gen *g, const struct opts *o, struct row *rows,
	     unsigned int *nb_rows)
{
	int rc;

	if (bench_dut_start() != 0)
		return -1;
	printf("relay, feed generator (a generator on another lcore): one "
	       "worker on cpu %d (%s), generator on cpu %d, %s, "
	       "%s build, legs %s, IP length %u in, %u runs x %.1f s, "
	       "latency at %.0f%% of the measured rate\n"
	       "cyc/pkt: %s; gen: packets/s the generator could recycle "
	       "(mean); wait: injections that found the worker's RX ring "
	       "empty (high, or gen near Mpps: the generator set the pace); "
	       "cpu g/w: CPU time the generator / worker threads had (lowest "
	       "run)\n",
	       o->cpu_worker, o->burst_loop ? "own loop" : "dp_worker_main",
	       o->cpu_gen, o->huge ? "hugepages" : "no-huge", BENCH_BUILDTYPE,
	       o->flags_str, BENCH_IP_LEN, o->runs, o->g.duration_s,
	       o->g.lat_load * 100,
	       o->burst_loop
		       ? "TSC inside dp_relay_burst/_handoff_poll/_flush "
			 "per packet"
		       : "worker TSC per relayed packet over the measured "
			 "interval");
	print_header();
	rc = run_rows(g, o, FEED_GEN, rows, nb_rows);
	if (bench_dut_stop() != 0)
		rc = -1;
	printf("\n");
	return rc;
}

static int
run_feed_pre(struct bench_gen *g, const struct opts *o, struct row *rows,
	     unsigned int *nb_rows)
{
	printf("relay, feed prebuilt (same core): the worker on cpu %d runs "
	       "dp_relay_burst, _handoff_poll, _flush on bursts of %u from a "
	       "set of %u prebuilt packets into a null port, then checks and "
	       "rebuilds them; main lcore (cpu %d) ticks; %s, %s build, legs "
	       "%s, IP length %u in, %u runs x %.1f s\n"
	       "relay only: TSC around the relay calls (the fast path's "
	       "ceiling); with restore: TSC of the whole loop, checking and "
	       "rebuilding included (an upper bound on the relay's cost); "
	       "cpu: CPU time the worker thread had (lowest run)\n",
	       o->cpu_worker, BENCH_BURST,
	       o->nb_pkts / BENCH_BURST * BENCH_BURST, o->cpu_gen,
	       o->huge ? "hugepages" : "no-huge", BENCH_BUILDTYPE, o->flags_str,
	       BENCH_IP_LEN, o->runs, o->g.duration_s);
	print_header_pre();
	return run_rows(g, o, FEED_PRE, rows, nb_rows);
}

int
main(int argc, char **argv)
{
	struct bench_dut_port ports[BENCH_NB_IF];
	struct bench_dut_opts dopts;
	struct bench_gen g;
	struct opts o;
	struct row *rows;
	unsigned int nb_rows = 0;
	int rc = 1;

	if (parse_opts(argc, argv, &o) != 0) {
		usage(stderr, argv[0]);
		return 2;
	}
	if (eal_start(argv[0], &o) != 0)
		return 1;
	if (o.selftest) {
		rc = selftest(&o) == 0 ? 0 : 1;
		eal_stop();
		return rc;
	}
	rows = calloc(FEED_MAX * MAX_LEG_COUNTS * BENCH_NB_CASES,
		      sizeof(*rows));
	memset(&g, 0, sizeof(g));
	g.o = o.g;
	g.ports = ports;
	g.tsc_hz = rte_get_tsc_hz();
	g.worker_lcore = (unsigned int)o.cpu_worker;
	/* Exactly the window: what the relay drops comes back to the pool
	 * and is injected again; no per-lcore cache hides mbufs. */
	g.pool = rte_pktmbuf_pool_create("bench_mbuf", o.g.window, 0, 0,
					 RTE_MBUF_DEFAULT_BUF_SIZE,
					 (int)rte_socket_id());
	if (rows == NULL || g.pool == NULL) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	dopts.worker_lcore = (unsigned int)o.cpu_worker;
	dopts.burst_loop = o.burst_loop;
	dopts.leg_flags = o.leg_flags;
	dopts.leg_stats_eal = o.leg_stats_eal;
	if (bench_dut_init(&dopts, max_legs(&o), g.pool, ports) != 0)
		goto out_dut;
	if (o.feeds[FEED_PRE] && bench_feed_init(o.nb_pkts) != 0) {
		fprintf(stderr, "prebuilt set of %u packets: %s\n", o.nb_pkts,
			rte_strerror(rte_errno));
		goto out_dut;
	}
	rc = 0;
	if (o.feeds[FEED_GEN] && run_feed_gen(&g, &o, rows, &nb_rows) != 0)
		rc = 1;
	if (o.feeds[FEED_PRE] && run_feed_pre(&g, &o, rows, &nb_rows) != 0)
		rc = 1;
	if (o.json != NULL && write_json(o.json, &o, rows, nb_rows) != 0)
		rc = 1;
out_dut:
	bench_feed_fini();
	bench_dut_fini();
out:
	free(rows);
	rte_mempool_free(g.pool);
	eal_stop();
	return rc;
}
