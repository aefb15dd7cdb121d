/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl: drive media legs of a running esg-dataplane by hand, from
 * tests and benchmarks, as its control plane (when no esg-controlplane is
 * attached). Commands come from the arguments (groups separated by a lone
 * ";"), a script (-f FILE, or stdin), or stdin line by line while attached
 * (--follow). Each command waits for its RESULT (bounded) and prints it;
 * --events / --stay print LEG_LATCHED and LEG_INACTIVE events.
 * See docs/controlplane.md "esg-legctl" for the language and the output.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cp_log.h"
#include "esg_conf.h"
#include "legctl_run.h"

static volatile sig_atomic_t quit;

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: esg-legctl [options] [COMMAND [; COMMAND]...]\n"
		"  -i, --instance NAME  dataplane instance (default \"esg\")\n"
		"  -c, --config FILE    take the instance from the "
		"configuration\n"
		"  -f, --file FILE      commands from FILE ('-': stdin); "
		"default\n"
		"                       when no COMMAND is given and stdin "
		"is not a tty\n"
		"  -F, --follow         read stdin line by line while "
		"attached\n"
		"  -e, --events         print leg events; run until "
		"SIGINT/SIGTERM\n"
		"  -s, --stay SECONDS   print leg events; stay SECONDS after "
		"the commands\n"
		"  -j, --json           one JSON object per output line\n"
		"  -k, --keep-going     go on after a failed command\n"
		"  -t, --timeout MS     wait for each RESULT (default 2000)\n"
		"  -w, --wait MS        wait for the dataplane at start "
		"(default 5000)\n"
		"  -W, --window N       commands in flight (default 1)\n"
		"      --force          attach although the segment names a "
		"live control plane\n"
		"  -v, --verbose        log the link (twice: debug)\n"
		"  -h, --help           this text\n"
		"commands:\n"
		"  add ID IFACE ADDR RTP [RTCP|mux] [latch] [same-ip] "
		"[strict]\n"
		"      [idle=MS] [clock=HZ] [relatch=MS]\n"
		"  mod ID [none|latch|same-ip|strict...] [idle=MS] [clock=HZ] "
		"[relatch=MS]\n"
		"  del ID | bind ID PEER|none | unbind ID\n"
		"  remote ID ADDR RTP [RTCP] [relatch]\n"
		"  dscp ID 0..63|keep\n"
		"  police ID [pps=N] [burst=N] [kbps=N] [bytes=N] | police ID "
		"off\n"
		"  bulkdel all [IFACE] | bulkdel FIRST COUNT [IFACE]\n"
		"  sleep MS\n"
		"exit codes: 0 ok, 1 a command failed or got no RESULT, 2 "
		"bad usage or input,\n"
		"            3 no dataplane, another control plane attached, "
		"or the link lost\n");
}

static void
signal_h(int sig)
{
	(void)sig;
	quit = 1;
}

static int
num_opt(const char *s, const char *name, unsigned long max, uint32_t *v)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || x > max || s[0] == '-') {
		fprintf(stderr, "esg-legctl: bad %s '%s' (0..%lu)\n", name, s,
			max);
		return -EINVAL;
	}
	*v = (uint32_t)x;
	return 0;
}

/* Groups of arguments separated by a lone ";". */
static int
from_args(struct legctl_run *r, int argc, char **argv)
{
	int i, start = 0;
	unsigned int n = 0;
	char line[LEGCTL_LINE_MAX];
	size_t used;

	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], ";") != 0)
			continue;
		if (i > start) {
			int k;

			used = 0;
			line[0] = '\0';
			for (k = start; k < i; k++) {
				int w = snprintf(line + used,
						 sizeof(line) - used, "%s%s",
						 k > start ? " " : "", argv[k]);

				if (w < 0 || (size_t)w >= sizeof(line) - used)
					break;
				used += (size_t)w;
			}
			legctl_line(r, line, ++n);
		}
		start = i + 1;
	}
	return r->bad_lines > 0 ? -EINVAL : 0;
}

static int
from_file(struct legctl_run *r, const char *path)
{
	char line[LEGCTL_LINE_MAX + 2];
	unsigned int n = 0;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "esg-legctl: %s: %s\n", path, strerror(errno));
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		if (strlen(line) > LEGCTL_LINE_MAX) {
			legctl_out_error(r, n, "line too long");
			r->bad_lines++;
			while (strchr(line, '\n') == NULL &&
			       fgets(line, sizeof(line), f) != NULL)
				;
			continue;
		}
		legctl_line(r, line, n);
	}
	if (f != stdin)
		fclose(f);
	return r->bad_lines > 0 ? -EINVAL : 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"instance", required_argument, NULL, 'i'},
		{"config", required_argument, NULL, 'c'},
		{"file", required_argument, NULL, 'f'},
		{"follow", no_argument, NULL, 'F'},
		{"events", no_argument, NULL, 'e'},
		{"stay", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"keep-going", no_argument, NULL, 'k'},
		{"timeout", required_argument, NULL, 't'},
		{"wait", required_argument, NULL, 'w'},
		{"window", required_argument, NULL, 'W'},
		{"force", no_argument, NULL, 'X'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct legctl_run r; /* large: not on the stack */
	static struct esg_conf conf;
	const char *file = NULL, *conf_path = NULL;
	char err_buf[ESG_CONF_ERR_LEN], shm_path[64];
	struct sigaction sa;
	uint32_t v;
	int o, rc;

	snprintf(r.instance, sizeof(r.instance), "esg");
	r.stay_ms = -1;
	r.timeout_ms = 2000;
	r.wait_ms = 5000;
	r.window = 1;
	r.quit = &quit;
	/* "+": a command's words are not options ("police 1 pps=-1"). */
	while ((o = getopt_long(argc, argv, "+i:c:f:Fes:jkt:w:W:vh", opts,
				NULL)) != -1) {
		switch (o) {
		case 'i':
			if (dp_shm_path(optarg, shm_path, sizeof(shm_path)) !=
			    0) {
				fprintf(stderr,
					"esg-legctl: bad instance name '%s'\n",
					optarg);
				return LEGCTL_EXIT_USAGE;
			}
			snprintf(r.instance, sizeof(r.instance), "%s", optarg);
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'F':
			r.follow = true;
			break;
		case 'e':
			r.events = true;
			break;
		case 's':
			if (num_opt(optarg, "--stay", 86400, &v) != 0)
				return LEGCTL_EXIT_USAGE;
			r.stay_ms = (int64_t)v * 1000;
			break;
		case 'j':
			r.json = true;
			break;
		case 'k':
			r.keep_going = true;
			break;
		case 't':
			if (num_opt(optarg, "--timeout", 600000, &v) != 0 ||
			    v == 0) {
				fprintf(stderr,
					"esg-legctl: --timeout: 1..600000\n");
				return LEGCTL_EXIT_USAGE;
			}
			r.timeout_ms = v;
			break;
		case 'w':
			if (num_opt(optarg, "--wait", 600000, &v) != 0)
				return LEGCTL_EXIT_USAGE;
			r.wait_ms = v;
			break;
		case 'W':
			if (num_opt(optarg, "--window", 4096, &v) != 0 ||
			    v == 0) {
				fprintf(stderr,
					"esg-legctl: --window: 1..4096\n");
				return LEGCTL_EXIT_USAGE;
			}
			r.window = v;
			break;
		case 'X':
			r.force = true;
			break;
		case 'v':
			r.verbose++;
			break;
		case 'h':
			usage(stdout);
			return LEGCTL_EXIT_OK;
		default:
			usage(stderr);
			return LEGCTL_EXIT_USAGE;
		}
	}
	if (conf_path != NULL) {
		if (esg_conf_load(conf_path, &conf, err_buf) != 0) {
			fprintf(stderr, "esg-legctl: %s: %s\n", conf_path,
				err_buf);
			return LEGCTL_EXIT_USAGE;
		}
		snprintf(r.instance, sizeof(r.instance), "%s", conf.instance);
	}
	if (r.follow && (optind < argc || file != NULL)) {
		fprintf(stderr, "esg-legctl: --follow reads stdin: no COMMAND "
				"or --file with it\n");
		return LEGCTL_EXIT_USAGE;
	}
	if (optind < argc)
		rc = from_args(&r, argc - optind, argv + optind);
	else if (file != NULL)
		rc = from_file(&r, file);
	else if (!r.follow && !isatty(0) && !r.events && r.stay_ms < 0)
		rc = from_file(&r, "-");
	else
		rc = 0;
	if (rc != 0)
		return LEGCTL_EXIT_USAGE;
	if (r.nb_jobs == 0 && !r.follow && !r.events && r.stay_ms < 0) {
		usage(stderr);
		return LEGCTL_EXIT_USAGE;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = signal_h;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	cp_log_init(r.verbose >= 2   ? ESG_LOG_DEBUG
		    : r.verbose == 1 ? ESG_LOG_INFO
				     : ESG_LOG_ERR,
		    false);
	rc = legctl_run(&r);
	free(r.jobs);
	return rc;
}
