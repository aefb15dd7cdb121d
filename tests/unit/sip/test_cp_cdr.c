/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call records (controlplane/sip/cp_cdr.c): a record written to the file
 * is one line that parses back with jansson with every field where it
 * belongs (answered call with two streams; a rejected one with a null
 * answer); durations with millisecond precision (duration_s printed
 * without binary-fraction noise, duration_ms); leg statistics map to the per-direction counters; the file is
 * appended to and reopened after a rename (log rotation); without a
 * file, records go to the log.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <re_types.h>
#include <re_mem.h>

#include "dp_stats.h"
#include "sip/cp_cdr.h"

/* 2026-11-21T12:00:00.250Z */
#define T0 1795262400250ull

static void
rec_answered(struct cp_cdr_rec *r)
{
	struct dp_leg_stats lan = {0}, wan = {0};

	memset(r, 0, sizeof(*r));
	r->id = 42;
	r->tenant = "acme";
	r->dir = CP_CDR_OUTBOUND;
	snprintf(r->caller, sizeof(r->caller), "+4930123401");
	snprintf(r->callee, sizeof(r->callee), "+4940777\"x");
	r->lan.sig_af = AF_INET;
	r->lan.media_af = AF_INET;
	r->wan.sig_af = AF_INET6;
	r->wan.media_af = AF_INET6;
	r->start_ms = T0;
	r->answer_ms = T0 + 2750;
	r->end_ms = T0 + 2750 + 61500;
	r->disp = CP_CDR_ANSWERED;
	r->scode = 200;
	snprintf(r->reason, sizeof(r->reason), "OK");
	r->by = CP_CDR_BY_WAN;
	r->nb_streams = 2;
	lan.rx_pkts = 3075;
	lan.rx_bytes = 3075 * 200;
	lan.fwd_pkts = 3070;
	lan.fwd_bytes = 3070 * 200;
	lan.rtcp_pkts = 12;
	wan.rx_pkts = 3000;
	wan.rx_bytes = 3000ull * 220 + 5000000000ull; /* over 32 bits */
	wan.fwd_pkts = 2999;
	wan.fwd_bytes = 2999 * 200;
	snprintf(r->stream[0].kind, sizeof(r->stream[0].kind), "audio");
	cp_cdr_dir_from_leg(&r->stream[0].lan_wan, &lan);
	cp_cdr_dir_from_leg(&r->stream[0].wan_lan, &wan);
	snprintf(r->stream[1].kind, sizeof(r->stream[1].kind), "video");
}

static json_t *
field(json_t *o, const char *path)
{
	char buf[64], *save = NULL, *k;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (k = strtok_r(buf, ".", &save); v != NULL && k != NULL;
	     k = strtok_r(NULL, ".", &save))
		v = json_object_get(v, k);
	if (v == NULL)
		fail_msg("no %s", path);
	return v;
}

static void
str_is(json_t *o, const char *path, const char *want)
{
	json_t *v = field(o, path);

	if (!json_is_string(v) || strcmp(json_string_value(v), want) != 0)
		fail_msg("%s: want '%s'", path, want);
}

static void
int_is(json_t *o, const char *path, json_int_t want)
{
	json_t *v = field(o, path);

	if (!json_is_integer(v) || json_integer_value(v) != want)
		fail_msg("%s: %lld, want %lld", path,
			 (long long)json_integer_value(v), (long long)want);
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
test_file(void **state)
{
	char dir[] = "/tmp/test_cp_cdr.XXXXXX", path[128], moved[128];
	struct cp_cdr_rec r;
	struct cp_cdr *cdr;
	json_error_t je;
	json_t *o, *s;
	char *text, *nl;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/calls.jsonl", dir);
	snprintf(moved, sizeof(moved), "%s/calls.jsonl.1", dir);
	assert_int_equal(cp_cdr_alloc(&cdr, path), 0);
	rec_answered(&r);
	assert_int_equal(cp_cdr_write(cdr, &r), 0);

	/* a rejected inbound call, no tenant, no media */
	memset(&r, 0, sizeof(r));
	r.id = 43;
	r.dir = CP_CDR_INBOUND;
	snprintf(r.caller, sizeof(r.caller), "+4940777");
	snprintf(r.callee, sizeof(r.callee), "+4930999");
	r.wan.sig_af = AF_INET;
	r.start_ms = T0;
	r.end_ms = T0 + 12;
	r.disp = CP_CDR_REJECTED;
	r.scode = 404;
	snprintf(r.reason, sizeof(r.reason), "Not Found");
	r.by = CP_CDR_BY_ESG;
	assert_int_equal(cp_cdr_write(cdr, &r), 0);

	text = read_all(path);
	nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	o = json_loads(text, 0, &je);
	if (o == NULL)
		fail_msg("line 1: %s", je.text);
	int_is(o, "id", 42);
	str_is(o, "tenant", "acme");
	str_is(o, "direction", "outbound");
	str_is(o, "caller", "+4930123401");
	str_is(o, "callee", "+4940777\"x");
	str_is(o, "lan.signalling", "ipv4");
	str_is(o, "lan.media", "ipv4");
	str_is(o, "wan.signalling", "ipv6");
	str_is(o, "wan.media", "ipv6");
	str_is(o, "start", "2026-11-21T12:00:00.250Z");
	str_is(o, "answer", "2026-11-21T12:00:03.000Z");
	str_is(o, "end", "2026-11-21T12:01:04.500Z");
	int_is(o, "setup_ms", 2750);
	assert_true(json_is_real(field(o, "duration_s")));
	assert_true(json_real_value(field(o, "duration_s")) == 61.5);
	int_is(o, "duration_ms", 61500);
	str_is(o, "disposition", "answered");
	int_is(o, "sip_code", 200);
	str_is(o, "sip_reason", "OK");
	str_is(o, "hangup_by", "wan");
	assert_int_equal(json_array_size(field(o, "streams")), 2);
	s = json_array_get(field(o, "streams"), 0);
	str_is(s, "kind", "audio");
	int_is(s, "lan_to_wan.rx_pkts", 3075);
	int_is(s, "lan_to_wan.rx_bytes", 3075 * 200);
	int_is(s, "lan_to_wan.fwd_pkts", 3070);
	int_is(s, "lan_to_wan.fwd_bytes", 3070 * 200);
	int_is(s, "lan_to_wan.rtcp_pkts", 12);
	int_is(s, "wan_to_lan.rx_pkts", 3000);
	int_is(s, "wan_to_lan.rx_bytes", 3000ll * 220 + 5000000000ll);
	int_is(s, "wan_to_lan.fwd_pkts", 2999);
	int_is(s, "wan_to_lan.fwd_bytes", 2999 * 200);
	int_is(s, "wan_to_lan.rtcp_pkts", 0);
	s = json_array_get(field(o, "streams"), 1);
	str_is(s, "kind", "video");
	int_is(s, "lan_to_wan.rx_pkts", 0);
	assert_int_equal(json_object_size(o), 18);
	json_decref(o);

	o = json_loads(nl + 1, 0, &je);
	if (o == NULL)
		fail_msg("line 2: %s", je.text);
	int_is(o, "id", 43);
	assert_true(json_is_null(field(o, "tenant")));
	str_is(o, "direction", "inbound");
	assert_true(json_is_null(field(o, "lan.signalling")));
	assert_true(json_is_null(field(o, "wan.media")));
	str_is(o, "wan.signalling", "ipv4");
	assert_true(json_is_null(field(o, "answer")));
	int_is(o, "setup_ms", 12);
	assert_true(json_real_value(field(o, "duration_s")) == 0.0);
	int_is(o, "duration_ms", 0);
	str_is(o, "disposition", "rejected");
	int_is(o, "sip_code", 404);
	str_is(o, "sip_reason", "Not Found");
	str_is(o, "hangup_by", "esg");
	assert_int_equal(json_array_size(field(o, "streams")), 0);
	json_decref(o);
	/* exactly two lines */
	assert_null(strchr(strchr(nl + 1, '\n') + 1, '\n'));
	free(text);

	/* rotation: moved away, reopened, the next record in a new file */
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(cp_cdr_reopen(cdr), 0);
	r.id = 44;
	assert_int_equal(cp_cdr_write(cdr, &r), 0);
	text = read_all(path);
	assert_non_null(strstr(text, "{\"id\":44,"));
	assert_null(strstr(text, "\"id\":42"));
	free(text);
	assert_int_equal(cp_cdr_counters(cdr)->written, 3);
	assert_int_equal(cp_cdr_counters(cdr)->reopens, 1);
	assert_int_equal(cp_cdr_counters(cdr)->errors, 0);
	mem_deref(cdr);
	unlink(path);
	unlink(moved);
	rmdir(dir);
}

static void
test_log_and_errors(void **state)
{
	struct cp_cdr_rec r;
	struct cp_cdr *cdr;

	(void)state;
	rec_answered(&r);
	assert_int_equal(cp_cdr_alloc(&cdr, ""), 0);
	assert_int_equal(cp_cdr_write(cdr, &r), 0);
	assert_int_equal(cp_cdr_reopen(cdr), 0);
	assert_int_equal(cp_cdr_counters(cdr)->written, 1);
	mem_deref(cdr);
	assert_int_equal(cp_cdr_alloc(&cdr, "/nonexistent/dir/calls.jsonl"),
			 ENOENT);
	assert_int_equal(cp_cdr_write(NULL, &r), EINVAL);
	assert_string_equal(cp_cdr_disp_str(CP_CDR_MEDIA_TIMEOUT),
			    "media-timeout");
	assert_string_equal(cp_cdr_disp_str(CP_CDR_CANCELLED), "cancelled");
	assert_string_equal(cp_cdr_disp_str(CP_CDR_TIMEOUT), "timeout");
	assert_string_equal(cp_cdr_disp_str(CP_CDR_FAILED), "failed");
	assert_true(cp_cdr_now_ms() > T0 - 1000ull * 86400 * 365 * 10);
}

/* Durations print with millisecond precision and no binary-fraction
 * noise (2.244, not 2.2440000000000002), and also as integer ms. */
static void
test_duration(void **state)
{
	static const struct {
		uint64_t ms;
		const char *text;
	} d[] = {
		{2244, "\"duration_s\":2.244,\"duration_ms\":2244,"},
		{61500, "\"duration_s\":61.5,\"duration_ms\":61500,"},
		{1, "\"duration_s\":0.001,\"duration_ms\":1,"},
		{100, "\"duration_s\":0.1,\"duration_ms\":100,"},
		{86399999,
		 "\"duration_s\":86399.999,\"duration_ms\":86399999,"},
		{0, "\"duration_s\":0.0,\"duration_ms\":0,"},
	};
	struct cp_cdr_rec r;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.start_ms = T0;
		r.answer_ms = T0 + 1000;
		r.end_ms = r.answer_ms + d[i].ms;
		r.disp = CP_CDR_ANSWERED;
		r.scode = 200;
		assert_int_equal(cp_cdr_format(&r, &text), 0);
		if (strstr(text, d[i].text) == NULL)
			fail_msg("%llu ms: %s has no %s",
				 (unsigned long long)d[i].ms, text, d[i].text);
		free(text);
	}
	/* unanswered: 0, and a clock step backwards never negative */
	r.answer_ms = 0;
	assert_int_equal(cp_cdr_format(&r, &text), 0);
	assert_non_null(strstr(text, "\"duration_s\":0.0,\"duration_ms\":0,"));
	free(text);
	r.answer_ms = T0 + 5000;
	r.end_ms = T0 + 4000;
	assert_int_equal(cp_cdr_format(&r, &text), 0);
	assert_non_null(strstr(text, "\"duration_s\":0.0,\"duration_ms\":0,"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_log_and_errors),
		cmocka_unit_test(test_duration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
