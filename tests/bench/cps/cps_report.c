/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Results: setup latency percentiles (every answered call's INVITE-to-2xx
 * time, kept exactly), the printed table, the JSON file, and the status
 * file a driver script polls while calls are held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cps.h"

int
cps_lat_add(struct cps_lat *l, uint64_t us)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		uint32_t *p = realloc(l->us, cap * sizeof(*p));

		if (p == NULL)
			return ENOMEM;
		l->us = p;
		l->cap = cap;
	}
	l->us[l->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile in microseconds (0 without samples). */
uint32_t
cps_lat_pct(struct cps_lat *l, double pct)
{
	size_t rank;

	if (l->n == 0)
		return 0;
	qsort(l->us, l->n, sizeof(*l->us), cmp_u32);
	rank = (size_t)(pct / 100.0 * (double)l->n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > l->n)
		rank = l->n;
	return l->us[rank - 1];
}

bool
cps_zero_failures(const struct cps_counters *c)
{
	return c->attempted > 0 && c->answered == c->attempted &&
	       c->failed == 0 && c->timeouts == 0 && c->errors == 0 &&
	       c->remote_bye == 0 && c->sdp_bad_uac == 0 &&
	       c->sdp_bad_uas == 0 && c->ack_missing == 0 &&
	       c->bye_missing == 0 && c->acked == c->answered &&
	       c->bye_rcvd == c->bye_sent;
}

static void
row(const char *name, uint64_t v)
{
	printf("  %-28s %12llu\n", name, (unsigned long long)v);
}

void
cps_report_table(const struct cps_conf *conf, const struct cps_counters *c,
		 struct cps_lat *lat, double secs)
{
	unsigned int i;

	printf("esg-bench-cps: rate %.0f/s, hold %s%u ms, placing %.1f s%s%s\n",
	       conf->rate, conf->hold_forever ? "until release, " : "",
	       conf->hold_ms, secs, conf->label ? ", " : "",
	       conf->label ? conf->label : "");
	row("attempted", c->attempted);
	row("1xx (>100)", c->prov);
	row("answered", c->answered);
	row("failed (>= 300)", c->failed);
	for (i = 300; i < CPS_MAX_STATUS; i++) {
		char name[32];

		if (c->status[i] == 0)
			continue;
		snprintf(name, sizeof(name), "  status %u", i);
		row(name, c->status[i]);
	}
	row("timeouts", c->timeouts);
	row("errors", c->errors);
	row("ended by far side", c->remote_bye);
	row("bad SDP answer (UAC)", c->sdp_bad_uac);
	row("BYE sent (UAC)", c->bye_sent);
	row("INVITEs received (UAS)", c->invites);
	row("bad SDP offer (UAS, 488)", c->sdp_bad_uas);
	row("ACK received (UAS)", c->acked);
	row("BYE ok (received by UAS)", c->bye_rcvd);
	row("ACK missing", c->ack_missing);
	row("BYE missing", c->bye_missing);
	row("max concurrent", c->max_current);
	printf("  %-28s %12.0f\n", "answered calls/s",
	       secs > 0 ? (double)c->answered / secs : 0.0);
	printf("  %-28s %8.2f ms / %.2f ms / %.2f ms\n",
	       "setup p50 / p95 / p99", cps_lat_pct(lat, 50) / 1000.0,
	       cps_lat_pct(lat, 95) / 1000.0, cps_lat_pct(lat, 99) / 1000.0);
	printf("  %-28s %12s\n", "result",
	       cps_zero_failures(c) ? "zero failures" : "FAILURES");
}

/* JSON by hand: libre's re_json.h and jansson cannot share a file. */
static void
jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
ju(FILE *f, const char *k, uint64_t v, bool last)
{
	fprintf(f, "\"%s\": %llu%s", k, (unsigned long long)v,
		last ? "" : ", ");
}

static void
counters_json(FILE *f, const struct cps_counters *c)
{
	bool first = true;
	unsigned int i;

	fprintf(f, "{");
	ju(f, "attempted", c->attempted, false);
	ju(f, "prov", c->prov, false);
	ju(f, "answered", c->answered, false);
	ju(f, "failed", c->failed, false);
	fprintf(f, "\"failed_by_status\": {");
	for (i = 300; i < CPS_MAX_STATUS; i++) {
		if (c->status[i] == 0)
			continue;
		fprintf(f, "%s\"%u\": %llu", first ? "" : ", ", i,
			(unsigned long long)c->status[i]);
		first = false;
	}
	fprintf(f, "}, ");
	ju(f, "timeouts", c->timeouts, false);
	ju(f, "errors", c->errors, false);
	ju(f, "remote_bye", c->remote_bye, false);
	ju(f, "sdp_bad_uac", c->sdp_bad_uac, false);
	ju(f, "bye_sent", c->bye_sent, false);
	ju(f, "invites", c->invites, false);
	ju(f, "sdp_bad_uas", c->sdp_bad_uas, false);
	ju(f, "rejected", c->rejected, false);
	ju(f, "uas_answered", c->uas_answered, false);
	ju(f, "acked", c->acked, false);
	ju(f, "bye_ok", c->bye_rcvd, false);
	ju(f, "uas_closed", c->uas_closed, false);
	ju(f, "ack_missing", c->ack_missing, false);
	ju(f, "bye_missing", c->bye_missing, false);
	ju(f, "current", c->current, false);
	ju(f, "uas_active", c->uas_active, false);
	ju(f, "max_concurrent", c->max_current, true);
	fprintf(f, "}");
}

static int
write_file(const char *path, FILE *f)
{
	int err = ferror(f) ? EIO : 0;

	if (fclose(f) != 0)
		err = EIO;
	if (err)
		fprintf(stderr, "cannot write %s\n", path);
	return err;
}

int
cps_report_json(const struct cps_conf *conf, const struct cps_counters *c,
		struct cps_lat *lat, double secs, double place_secs)
{
	FILE *f = fopen(conf->json, "w");

	if (f == NULL)
		return errno;
	fprintf(f, "{\n \"label\": ");
	jstr(f, conf->label ? conf->label : "");
	fprintf(f,
		",\n \"rate\": %.3f,\n \"hold_ms\": %u,\n"
		" \"hold_forever\": %s,\n \"ringing\": %s,\n \"users\": %u,\n"
		" \"seconds\": %.3f,\n \"placing_seconds\": %.3f,\n"
		" \"answered_per_s\": %.1f,\n \"setup_p50_ms\": %.3f,\n"
		" \"setup_p95_ms\": %.3f,\n \"setup_p99_ms\": %.3f,\n"
		" \"zero_failures\": %s,\n \"counters\": ",
		conf->rate, conf->hold_ms,
		conf->hold_forever ? "true" : "false",
		conf->ringing ? "true" : "false", conf->to.count, secs,
		place_secs,
		place_secs > 0 ? (double)c->answered / place_secs : 0.0,
		cps_lat_pct(lat, 50) / 1000.0, cps_lat_pct(lat, 95) / 1000.0,
		cps_lat_pct(lat, 99) / 1000.0,
		cps_zero_failures(c) ? "true" : "false");
	counters_json(f, c);
	fprintf(f, "\n}\n");
	return write_file(conf->json, f);
}

/* Rewritten (via a temporary file and rename) every second. */
int
cps_report_status(const struct cps_conf *conf, const struct cps_counters *c,
		  bool placing_done, double secs)
{
	char tmp[512];
	FILE *f;
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", conf->status) >=
	    (int)sizeof(tmp))
		return ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (f == NULL)
		return errno;
	fprintf(f, "{\"seconds\": %.3f, \"placing_done\": %s, \"counters\": ",
		secs, placing_done ? "true" : "false");
	counters_json(f, c);
	fprintf(f, "}\n");
	err = write_file(tmp, f);
	if (err == 0 && rename(tmp, conf->status) != 0)
		err = errno;
	return err;
}
