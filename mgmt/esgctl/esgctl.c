/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esgctl: command-line tool of esg (docs/esgctl.md).
 *   esgctl [-c CONF.json | --instance NAME] stats [--json]
 *   esgctl [-c CONF.json | --instance NAME] legs [--json] [--all] [ID...]
 *   esgctl [-c CONF.json | --instance NAME] sip|calls|prov [--json] [--all]
 *   esgctl version | --help
 * Exit codes: 0 ok, 1 dataplane / control plane not running (or
 * unusable), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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
		"  legs [--json] [--all] [ID...]\n"
		"                       media legs: traffic, RTP statistics, "
		"drops\n"
		"                       (--all: deleted legs' last figures "
		"too)\n"
		"  sip [--json]         SIP listeners, trunk registration per "
		"tenant,\n"
		"                       keep-alive, call and admission "
		"counters\n"
		"  calls [--json] [--all]\n"
		"                       live calls (text: the first %d "
		"without --all)\n"
		"  prov [--json]        WAN provisioning state, lease, "
		"servers, file\n"
		"  version              versions of esgctl and the contract\n"
		"exit codes: 0 ok, 1 dataplane (stats, legs) or control plane "
		"(sip,\n"
		"calls, prov) not running, 2 usage error\n",
		ESGCTL_CP_CALLS_SHOWN);
}

/* Exit code of a failed attach, with its message. */
static int
attach_failed(const char *instance, int err, const char *why)
{
	switch (err) {
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
	if (err)
		return attach_failed(instance, err, why);
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

/* A leg id: decimal, 0 .. 2^32 - 2 (DP_LEG_NONE is no leg). */
static bool
parse_id(const char *s, uint32_t *idp)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v >= DP_LEG_NONE)
		return false;
	*idp = (uint32_t)v;
	return true;
}

static int
cmd_legs(const char *instance, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	static struct esgctl_snap snap;
	struct esgctl_legs_opts lo = {0};
	const struct dp_leg_stats *legs;
	struct dp_shm *shm = NULL;
	uint32_t *ids = NULL, count;
	char why[256] = "";
	int o, err, i, rc = ESGCTL_OK;

	optind = 1;
	while ((o = getopt_long(argc, argv, "ja", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			lo.json = true;
			break;
		case 'a':
			lo.all = true;
			break;
		default:
			usage(stderr);
			return ESGCTL_USAGE;
		}
	}
	if (optind < argc) {
		ids = calloc((size_t)(argc - optind), sizeof(*ids));
		if (ids == NULL) {
			fprintf(stderr, "esgctl: out of memory\n");
			return ESGCTL_USAGE;
		}
		for (i = optind; i < argc; i++) {
			if (!parse_id(argv[i], &ids[lo.nb_ids++])) {
				fprintf(stderr, "esgctl: bad leg id '%s'\n",
					argv[i]);
				free(ids);
				return ESGCTL_USAGE;
			}
		}
		lo.ids = ids;
	}
	err = esgctl_snap_attach(instance, &snap, &shm, why, sizeof(why));
	if (err) {
		free(ids);
		return attach_failed(instance, err, why);
	}
	legs = dp_shm_legs(shm, &count);
	err = esgctl_legs_show(stdout, &snap, legs, count, &lo,
			       dp_shm_now_ns());
	if (err == -EINVAL) {
		fprintf(stderr, "esgctl: leg id past the %" PRIu32 " slots\n",
			count);
		rc = ESGCTL_USAGE;
	} else if (err != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "esgctl: cannot write the output\n");
		rc = ESGCTL_NOT_RUNNING;
	}
	dp_shm_detach(shm);
	free(ids);
	return rc;
}

/* sip, calls, prov: the control plane's status document. */
static int
cmd_cp(const char *instance, const char *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"all", no_argument, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	static const char *const sip_keys[] = {"sip", "registration", NULL};
	static const char *const calls_keys[] = {"calls", NULL};
	static const char *const prov_keys[] = {"provisioning", NULL};
	bool json = false, all = false, is_calls = strcmp(cmd, "calls") == 0;
	int64_t now = esgctl_wall_ms();
	json_t *doc = NULL, *out;
	char why[256] = "";
	int o, err, rc = ESGCTL_OK;

	optind = 1;
	while ((o = getopt_long(argc, argv, is_calls ? "ja" : "j", opts,
				NULL)) != -1) {
		if (o == 'j') {
			json = true;
		} else if (o == 'a' && is_calls) {
			all = true;
		} else {
			usage(stderr);
			return ESGCTL_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return ESGCTL_USAGE;
	}
	err = esgctl_cp_load(instance, now, &doc, why, sizeof(why));
	if (err) {
		fprintf(stderr, "esgctl: control plane %s (instance %s): %s\n",
			err == -EPROTO ? "status unreadable" : "not running",
			instance, why);
		return ESGCTL_NOT_RUNNING;
	}
	if (json) {
		out = esgctl_cp_json(doc,
				     is_calls		       ? calls_keys
				     : strcmp(cmd, "sip") == 0 ? sip_keys
							       : prov_keys,
				     now);
		if (out == NULL ||
		    json_dumpf(out, stdout,
			       JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
			rc = ESGCTL_NOT_RUNNING;
		else
			fputc('\n', stdout);
		json_decref(out);
	} else if (is_calls) {
		esgctl_cp_calls_print(stdout, doc, all);
	} else if (strcmp(cmd, "sip") == 0) {
		esgctl_cp_sip_print(stdout, doc, now);
	} else {
		esgctl_cp_prov_print(stdout, doc);
	}
	json_decref(doc);
	if (rc == ESGCTL_OK && fflush(stdout) != 0)
		rc = ESGCTL_NOT_RUNNING;
	if (rc != ESGCTL_OK)
		fprintf(stderr, "esgctl: cannot write the output\n");
	return rc;
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
	if (strcmp(cmd, "stats") != 0 && strcmp(cmd, "legs") != 0 &&
	    strcmp(cmd, "sip") != 0 && strcmp(cmd, "calls") != 0 &&
	    strcmp(cmd, "prov") != 0) {
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
	if (strcmp(cmd, "sip") == 0 || strcmp(cmd, "calls") == 0 ||
	    strcmp(cmd, "prov") == 0)
		return cmd_cp(instance, cmd, argc - optind, argv + optind);
	if (strcmp(cmd, "legs") == 0)
		return cmd_legs(instance, argc - optind, argv + optind);
	return cmd_stats(instance, argc - optind, argv + optind);
}
