/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Syslog (controlplane/prov/cp_syslog.c): the exact bytes of the
 * "provisioning complete" event (spec 001 eUE-24, pass and fail) in RFC
 * 5424 (6: header, 6.2.3 timestamp, 6.3 structured data with 6.3.3
 * escaping) and RFC 3164 (4.1.2 "Mmm dd hh:mm:ss" with a space-padded
 * day, 4.1 the 1024-byte limit), the fields outside their grammar
 * refused, and the sender on loopback (one datagram, the same bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "cp_syslog.h"

/* 2024-01-02T03:04:05.123456Z */
#define T_S 1704164645
#define T_US 123456

static void
event(struct cp_syslog_msg *m, struct cp_syslog_param p[3], bool pass,
      const char *reason)
{
	cp_syslog_prov_event(m, p, pass, "esg.cfg", reason);
	m->time_s = T_S;
	m->time_us = T_US;
	m->hostname = "esg1";
}

static void
expect(enum cp_syslog_fmt fmt, const struct cp_syslog_msg *m, const char *want)
{
	char buf[CP_SYSLOG_MAX];
	size_t len = 0;

	assert_int_equal(cp_syslog_format(buf, sizeof(buf), fmt, m, &len), 0);
	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
}

static void
test_5424(void **state)
{
	struct cp_syslog_msg m;
	struct cp_syslog_param p[3];

	(void)state;
	/* PRI = local0 (16) * 8 + notice (5) */
	event(&m, p, true, NULL);
	expect(CP_SYSLOG_RFC5424, &m,
	       "<133>1 2024-01-02T03:04:05.123456Z esg1 esg - PROV "
	       "[esgProv@32473 status=\"pass\" file=\"esg.cfg\"] "
	       "provisioning complete: pass");
	/* err (3); '"', '\' and ']' escaped in PARAM-VALUE (6.3.3) */
	event(&m, p, false, "offset 37: TLV 64 \"x\" ] \\ end");
	expect(CP_SYSLOG_RFC5424, &m,
	       "<131>1 2024-01-02T03:04:05.123456Z esg1 esg - PROV "
	       "[esgProv@32473 status=\"fail\" file=\"esg.cfg\" "
	       "reason=\"offset 37: TLV 64 \\\"x\\\" \\] \\\\ end\"] "
	       "provisioning complete: fail");
	/* NILVALUEs: no hostname, procid, msgid, SD */
	memset(&m, 0, sizeof(m));
	m.facility = 1;
	m.severity = 6;
	m.time_s = 0;
	m.procid = "42";
	expect(CP_SYSLOG_RFC5424, &m,
	       "<14>1 1970-01-01T00:00:00.000000Z - esg 42 - -");
}

static void
test_3164(void **state)
{
	struct cp_syslog_msg m;
	struct cp_syslog_param p[3];
	char big[1500], buf[CP_SYSLOG_MAX];
	size_t len;

	(void)state;
	event(&m, p, true, NULL);
	expect(CP_SYSLOG_RFC3164, &m,
	       "<133>Jan  2 03:04:05 esg1 esg: [esgProv@32473 "
	       "status=\"pass\" file=\"esg.cfg\"] provisioning complete: "
	       "pass");
	m.procid = "77";
	m.time_s = T_S + 20 * 86400; /* Jan 22: two digits */
	expect(CP_SYSLOG_RFC3164, &m,
	       "<133>Jan 22 03:04:05 esg1 esg[77]: [esgProv@32473 "
	       "status=\"pass\" file=\"esg.cfg\"] provisioning complete: "
	       "pass");
	/* 4.1: at most 1024 bytes, the rest cut */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	m.msg = big;
	assert_int_equal(
		cp_syslog_format(buf, sizeof(buf), CP_SYSLOG_RFC3164, &m, &len),
		0);
	assert_int_equal(len, 1024);
	assert_int_equal(strlen(buf), 1024);
	/* 5424 has no such cut: too big for the buffer is ENOSPC */
	assert_int_equal(
		cp_syslog_format(buf, 1000, CP_SYSLOG_RFC5424, &m, &len),
		ENOSPC);
}

static void
test_refused(void **state)
{
	struct cp_syslog_msg m;
	struct cp_syslog_param p[3];
	char buf[512];
	size_t len;

	(void)state;
	event(&m, p, true, NULL);
	m.hostname = "esg 1"; /* 6.2.4: PRINTUSASCII, no space */
	assert_int_equal(
		cp_syslog_format(buf, sizeof(buf), CP_SYSLOG_RFC5424, &m, &len),
		EINVAL);
	m.hostname = "esg1";
	m.msgid = "123456789012345678901234567890123"; /* 33 > 32 */
	assert_int_equal(
		cp_syslog_format(buf, sizeof(buf), CP_SYSLOG_RFC5424, &m, &len),
		EINVAL);
	m.msgid = "PROV";
	m.sd_id = "bad=id"; /* 6.3.2: no '=' in SD-NAME */
	assert_int_equal(
		cp_syslog_format(buf, sizeof(buf), CP_SYSLOG_RFC5424, &m, &len),
		EINVAL);
	m.sd_id = "ok@32473";
	m.severity = 8;
	assert_int_equal(
		cp_syslog_format(buf, sizeof(buf), CP_SYSLOG_RFC5424, &m, &len),
		EINVAL);
}

/* ---- the sender on loopback */

struct rx {
	char buf[CP_SYSLOG_MAX];
	size_t len;
	unsigned int n;
};

static void
rx_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct rx *r = arg;

	(void)src;
	r->len = mbuf_get_left(mb);
	if (r->len >= sizeof(r->buf))
		r->len = sizeof(r->buf) - 1;
	memcpy(r->buf, mbuf_buf(mb), r->len);
	r->buf[r->len] = '\0';
	r->n++;
	re_cancel();
}

static void
guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
test_sender(void **state)
{
	struct udp_sock *server = NULL;
	struct cp_syslog *s = NULL;
	struct cp_syslog_msg m;
	struct cp_syslog_param p[3];
	struct rx r = {.n = 0};
	struct sa a;
	struct tmr guard;

	(void)state;
	assert_int_equal(libre_init(), 0);
	tmr_init(&guard);
	sa_set_str(&a, "127.0.0.1", 0);
	assert_int_equal(udp_listen(&server, &a, rx_h, &r), 0);
	assert_int_equal(udp_local_get(server, &a), 0);
	assert_int_equal(cp_syslog_alloc(&s, &a, CP_SYSLOG_RFC5424, "esg1"), 0);
	event(&m, p, false, "TFTP ERROR 1 File not found");
	m.hostname = NULL; /* the sender's */
	assert_int_equal(cp_syslog_send(s, &m), 0);
	tmr_start(&guard, 5000, guard_h, NULL);
	re_main(NULL);
	tmr_cancel(&guard);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.buf,
			    "<131>1 2024-01-02T03:04:05.123456Z esg1 esg - "
			    "PROV [esgProv@32473 status=\"fail\" "
			    "file=\"esg.cfg\" reason=\"TFTP ERROR 1 File not "
			    "found\"] provisioning complete: fail");
	mem_deref(s);
	mem_deref(server);
	libre_close();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_5424),
		cmocka_unit_test(test_3164),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sender),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
