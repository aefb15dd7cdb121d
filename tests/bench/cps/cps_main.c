/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-cps: options, one run, the table and JSON; --selftest calls
 * itself (UAC -> its own UAS on loopback, no ESG). See cps.h and
 * tests/bench/cps/README.md.
 *
 * Exit: 0 zero failures, 1 failures (or the selftest failed), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cps.h"

static void
usage(void)
{
	fprintf(stderr,
		"usage: esg-bench-cps [options]   |   esg-bench-cps --selftest\n"
		"  --uac ADDR[:PORT]      UAC local address (127.0.0.1:0)\n"
		"  --uas ADDR[:PORT]      UAS local address (127.0.0.1:0)\n"
		"  --target ADDR[:PORT]   where INVITEs go (default: the UAS)\n"
		"  --uac-netns NS / --uas-netns NS   bind that side in NS\n"
		"  --domain HOST          host of From URIs (target IP)\n"
		"  --rate R               new calls per second (100)\n"
		"  --duration S           place calls for S seconds\n"
		"  --calls N              place N calls (one of the two, or "
		"both)\n"
		"  --hold S               hold answered calls S seconds (0)\n"
		"  --hold-forever         hold until SIGUSR1 (then hang up at "
		"the rate)\n"
		"  --ringing              UAS sends 180 first; --ring-ms MS "
		"before the 200 (0)\n"
		"  --from NUM --to NUM --users N   caller/callee numbers "
		"NUM.. (N users)\n"
		"  --uac-media-port P --uas-media-port P --media-ports N\n"
		"  --media-check anchored|direct|none   (anchored)\n"
		"  --setup-timeout MS (8000)  --drain MS (5000)  --hash N "
		"(16384)\n"
		"  --reject-every N       UAS answers 486 to every N-th "
		"INVITE\n"
		"  --json FILE  --status FILE  --label TEXT  --quiet\n");
	exit(2);
}

static int
parse_addr(struct sa *sa, const char *s)
{
	if (sa_decode(sa, s, strlen(s)) == 0)
		return 0;
	return sa_set_str(sa, s, 0);
}

static unsigned long
num(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || end == s || v > max) {
		fprintf(stderr, "bad number %s\n", s);
		usage();
	}
	return v;
}

void
cps_conf_defaults(struct cps_conf *c)
{
	memset(c, 0, sizeof(*c));
	(void)sa_set_str(&c->uac, "127.0.0.1", 0);
	(void)sa_set_str(&c->uas, "127.0.0.1", 0);
	sa_init(&c->target, AF_UNSPEC);
	c->rate = 100;
	c->setup_timeout_ms = 8000;
	c->drain_ms = 5000;
	c->uac_media_port = 20000;
	c->uas_media_port = 40000;
	c->media_ports = 10000;
	c->media_check = CPS_MEDIA_ANCHORED;
	c->hash_size = 16384;
	(void)cps_numbers_parse(&c->from, "+4930123400", 100);
	(void)cps_numbers_parse(&c->to, "+4940555000", 100);
}

enum {
	O_UAC = 256,
	O_UAS,
	O_TARGET,
	O_UACNS,
	O_UASNS,
	O_DOMAIN,
	O_RATE,
	O_DURATION,
	O_CALLS,
	O_HOLD,
	O_HOLDF,
	O_RINGING,
	O_RINGMS,
	O_FROM,
	O_TO,
	O_USERS,
	O_UACMP,
	O_UASMP,
	O_MPORTS,
	O_MCHECK,
	O_SETUPTO,
	O_DRAIN,
	O_HASH,
	O_REJECT,
	O_JSON,
	O_STATUS,
	O_LABEL,
	O_QUIET,
	O_SELFTEST,
};

static const struct option opts[] = {
	{"uac", 1, 0, O_UAC},
	{"uas", 1, 0, O_UAS},
	{"target", 1, 0, O_TARGET},
	{"uac-netns", 1, 0, O_UACNS},
	{"uas-netns", 1, 0, O_UASNS},
	{"domain", 1, 0, O_DOMAIN},
	{"rate", 1, 0, O_RATE},
	{"duration", 1, 0, O_DURATION},
	{"calls", 1, 0, O_CALLS},
	{"hold", 1, 0, O_HOLD},
	{"hold-forever", 0, 0, O_HOLDF},
	{"ringing", 0, 0, O_RINGING},
	{"ring-ms", 1, 0, O_RINGMS},
	{"from", 1, 0, O_FROM},
	{"to", 1, 0, O_TO},
	{"users", 1, 0, O_USERS},
	{"uac-media-port", 1, 0, O_UACMP},
	{"uas-media-port", 1, 0, O_UASMP},
	{"media-ports", 1, 0, O_MPORTS},
	{"media-check", 1, 0, O_MCHECK},
	{"setup-timeout", 1, 0, O_SETUPTO},
	{"drain", 1, 0, O_DRAIN},
	{"hash", 1, 0, O_HASH},
	{"reject-every", 1, 0, O_REJECT},
	{"json", 1, 0, O_JSON},
	{"status", 1, 0, O_STATUS},
	{"label", 1, 0, O_LABEL},
	{"quiet", 0, 0, O_QUIET},
	{"selftest", 0, 0, O_SELFTEST},
	{"help", 0, 0, 'h'},
	{0, 0, 0, 0},
};

static void
set_str(char *dst, size_t size, const char *s)
{
	if (strlen(s) >= size) {
		fprintf(stderr, "too long: %s\n", s);
		usage();
	}
	strcpy(dst, s);
}

/* Options into c; returns true for --selftest. */
static bool
parse_opts(struct cps_conf *c, int argc, char **argv)
{
	const char *from = "+4930123400", *to = "+4940555000";
	unsigned int users = 100;
	bool selftest = false;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case O_UAC:
			if (parse_addr(&c->uac, optarg))
				usage();
			break;
		case O_UAS:
			if (parse_addr(&c->uas, optarg))
				usage();
			break;
		case O_TARGET:
			if (parse_addr(&c->target, optarg))
				usage();
			if (sa_port(&c->target) == 0)
				sa_set_port(&c->target, 5060);
			break;
		case O_UACNS:
			set_str(c->uac_ns, sizeof(c->uac_ns), optarg);
			break;
		case O_UASNS:
			set_str(c->uas_ns, sizeof(c->uas_ns), optarg);
			break;
		case O_DOMAIN:
			set_str(c->domain, sizeof(c->domain), optarg);
			break;
		case O_RATE:
			c->rate = strtod(optarg, &end);
			if (*end != '\0' || !(c->rate >= 0.1) || c->rate > 1e6)
				usage();
			break;
		case O_DURATION:
			c->duration_s = (unsigned int)num(optarg, 86400);
			break;
		case O_CALLS:
			c->calls = num(optarg, 100000000);
			break;
		case O_HOLD: {
			double h = strtod(optarg, &end);

			if (*end != '\0' || !(h >= 0) || h > 86400)
				usage();
			c->hold_ms = (unsigned int)(h * 1000 + 0.5);
			break;
		}
		case O_HOLDF:
			c->hold_forever = true;
			break;
		case O_RINGING:
			c->ringing = true;
			break;
		case O_RINGMS:
			c->ring_ms = (unsigned int)num(optarg, 60000);
			break;
		case O_FROM:
			from = optarg;
			break;
		case O_TO:
			to = optarg;
			break;
		case O_USERS:
			users = (unsigned int)num(optarg, 10000000);
			break;
		case O_UACMP:
			c->uac_media_port = (uint16_t)num(optarg, 65534);
			break;
		case O_UASMP:
			c->uas_media_port = (uint16_t)num(optarg, 65534);
			break;
		case O_MPORTS:
			c->media_ports = (unsigned int)num(optarg, 32767);
			break;
		case O_MCHECK:
			if (strcmp(optarg, "anchored") == 0)
				c->media_check = CPS_MEDIA_ANCHORED;
			else if (strcmp(optarg, "direct") == 0)
				c->media_check = CPS_MEDIA_DIRECT;
			else if (strcmp(optarg, "none") == 0)
				c->media_check = CPS_MEDIA_NONE;
			else
				usage();
			break;
		case O_SETUPTO:
			c->setup_timeout_ms = (unsigned int)num(optarg, 600000);
			break;
		case O_DRAIN:
			c->drain_ms = (unsigned int)num(optarg, 600000);
			break;
		case O_HASH:
			c->hash_size = (unsigned int)num(optarg, 1u << 22);
			break;
		case O_REJECT:
			c->reject_every = (unsigned int)num(optarg, 1000000);
			break;
		case O_JSON:
			c->json = optarg;
			break;
		case O_STATUS:
			c->status = optarg;
			break;
		case O_LABEL:
			c->label = optarg;
			break;
		case O_QUIET:
			c->quiet = true;
			break;
		case O_SELFTEST:
			selftest = true;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (cps_numbers_parse(&c->from, from, users) ||
	    cps_numbers_parse(&c->to, to, users)) {
		fprintf(stderr, "bad --from/--to/--users\n");
		usage();
	}
	if (c->media_ports == 0 || c->hash_size == 0 ||
	    c->uac_media_port + 2u * (c->media_ports - 1) > 65535 ||
	    c->uas_media_port + 2u * (c->media_ports - 1) > 65535) {
		fprintf(stderr, "media ports out of range\n");
		usage();
	}
	if (!selftest && c->calls == 0 && c->duration_s == 0) {
		fprintf(stderr, "--calls or --duration is required\n");
		usage();
	}
	return selftest;
}

/* One run with the table (and JSON); the counters are copied out. */
int
cps_main_run(const struct cps_conf *conf, struct cps_counters *out)
{
	struct cps *cps = NULL;
	double secs, place_secs;
	uint64_t t0;
	int err;

	err = cps_alloc(&cps, conf);
	if (err) {
		fprintf(stderr, "esg-bench-cps: setup failed: %s\n",
			strerror(err));
		return err;
	}
	t0 = cps_now_us();
	err = cps_run(cps);
	secs = (double)(cps_now_us() - t0) / 1e6;
	place_secs = (double)(cps->place_end_us - cps->start_us) / 1e6;
	cps_report_table(conf, &cps->c, &cps->lat, place_secs);
	printf("  %-28s %12.1f\n", "run seconds (with drain)", secs);
	if (conf->json != NULL &&
	    cps_report_json(conf, &cps->c, &cps->lat, secs, place_secs) != 0)
		fprintf(stderr, "cannot write %s\n", conf->json);
	*out = cps->c;
	mem_deref(cps);
	return err;
}

int
main(int argc, char **argv)
{
	struct cps_counters c;
	struct cps_conf conf;
	bool selftest;
	int err;

	cps_conf_defaults(&conf);
	selftest = parse_opts(&conf, argc, argv);
	err = libre_init();
	if (err) {
		fprintf(stderr, "libre_init: %s\n", strerror(err));
		return 1;
	}
	if (selftest) {
		err = cps_selftest();
	} else {
		err = cps_main_run(&conf, &c);
		if (err == 0 && !cps_zero_failures(&c))
			err = EPROTO;
	}
	libre_close();
	return err ? 1 : 0;
}
