/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esgctl: command-line tool of esg (docs/esgctl.md).
 *   esgctl [-c CONF.json | --instance NAME] stats [--json]
 *   esgctl version | --help
 * Exit codes: 0 ok, 1 dataplane not running (or unusable), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esg_conf.h"
#include "esgctl.h"

#define ESGCTL_OK 0
#define ESGCTL_NOT_RUNNING 1
#define ESGCTL_USAGE 2

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: esgctl [-c CONF.json | -i NAME] COMMAND\n"
		"  -c, --config FILE    take the instance from the "
		"configuration\n"
		"  -i, --instance NAME  dataplane instance (default \"esg\")\n"
		"  -h, --help           this text\n"
		"commands:\n"
		"  stats [--json]       ports, lcores, drop reasons and "
		"counters\n"
		"  version              versions of esgctl and the contract\n"
		"exit codes: 0 ok, 1 dataplane not running, 2 usage error\n");
}

static int
cmd_stats(const char *instance, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	static struct esgctl_snap snap; /* ~40 KiB: not on the stack */
	char why[256] = "";
	bool json = false;
	json_t *doc;
	int o, err;

	optind = 1;
	while ((o = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		default:
			usage(stderr);
			return ESGCTL_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return ESGCTL_USAGE;
	}
	err = esgctl_snap_take(instance, &snap, why, sizeof(why));
	switch (err) {
	case 0:
		break;
	case -ENOENT:
	case -EAGAIN:
	case -ESRCH:
		fprintf(stderr,
			"esgctl: dataplane not running (instance %s): %s\n",
			instance, why);
		return ESGCTL_NOT_RUNNING;
	default:
		fprintf(stderr, "esgctl: cannot read instance %s: %s\n",
			instance, why[0] != '\0' ? why : strerror(-err));
		return ESGCTL_NOT_RUNNING;
	}
	if (!json) {
		esgctl_stats_print(stdout, &snap);
		return ESGCTL_OK;
	}
	doc = esgctl_stats_json(&snap);
	if (doc == NULL ||
	    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) !=
		    0) {
		json_decref(doc);
		fprintf(stderr, "esgctl: cannot build the JSON output\n");
		return ESGCTL_NOT_RUNNING;
	}
	fputc('\n', stdout);
	json_decref(doc);
	return ESGCTL_OK;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"instance", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct esg_conf conf; /* large: not on the stack */
	const char *path = NULL, *instance = NULL, *cmd;
	char err_buf[ESG_CONF_ERR_LEN], shm_path[64];
	int o;

	/* "+": stop at the command; its options are its own. */
	while ((o = getopt_long(argc, argv, "+c:i:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			path = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'h':
			usage(stdout);
			return ESGCTL_OK;
		default:
			usage(stderr);
			return ESGCTL_USAGE;
		}
	}
	if (optind >= argc || (path != NULL && instance != NULL)) {
		usage(stderr);
		return ESGCTL_USAGE;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "version") == 0) {
		printf("esgctl %s (contract version %u)\n", ESG_VERSION,
		       DP_API_VERSION);
		return ESGCTL_OK;
	}
	if (strcmp(cmd, "help") == 0) {
		usage(stdout);
		return ESGCTL_OK;
	}
	if (strcmp(cmd, "stats") != 0) {
		fprintf(stderr, "esgctl: unknown command '%s'\n", cmd);
		usage(stderr);
		return ESGCTL_USAGE;
	}
	if (path != NULL) {
		if (esg_conf_load(path, &conf, err_buf) != 0) {
			fprintf(stderr, "esgctl: %s: %s\n", path, err_buf);
			return ESGCTL_USAGE;
		}
		instance = conf.instance;
	} else if (instance == NULL) {
		esg_conf_defaults(&conf);
		instance = conf.instance;
	}
	if (dp_shm_path(instance, shm_path, sizeof(shm_path)) != 0) {
		fprintf(stderr, "esgctl: bad instance name '%s'\n", instance);
		return ESGCTL_USAGE;
	}
	return cmd_stats(instance, argc - optind, argv + optind);
}
