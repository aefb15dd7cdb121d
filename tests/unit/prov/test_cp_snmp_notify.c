/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning status notification (controlplane/prov/cp_snmp_*.c,
 * spec 001 6.3.4 eUE-25 and 6.5 TLV 38):
 *  - the INFORM and the SNMPv2-Trap decoded back by net-snmp: version,
 *    community, PDU type, request-id, the varbinds of RFC 3416 4.2.6/
 *    4.2.7 in order (sysUpTime.0, snmpTrapOID.0 = esgProvStatusNotifica-
 *    tion) and the esg MIB objects with their values; a long reason cut;
 *  - cp_snmp_msg_parse() on malformed input: every prefix of a Response,
 *    garbage, an SNMPv3 message, an over-long community;
 *  - the INFORM state machine with a fake clock: the Response with our
 *    request-id and community ends it; other ids, communities, PDUs and
 *    garbage are ignored and counted; error-status -> EPROTO; the same
 *    bytes resent after each time-out (38.4), ETIMEDOUT after 38.5
 *    retries; a late Response to an earlier send still counts; a trap is
 *    done when sent;
 *  - the libre driver toward a silent UDP port on 127.0.0.1 (every send
 *    counted on the wire, ETIMEDOUT reported) with receivers from a TLV
 *    38 list (38.8 ignored in IPv4 mode -> ENOENT, a v1 trap -> ENOTSUP);
 *  - with --snmptrapd PATH: Debian's snmptrapd on 127.0.0.1 receives
 *    the INFORM, acknowledges it (our handler sees acked) and logs our
 *    varbinds. 77 when not root or PATH is missing.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmp_impl.h>

#include "cp_snmp_notify.h"

static const struct cp_snmp_prov_status status = {
	.pass = false,
	.reason = "offset 24: configuration hash mismatch",
	.file = "esg.cfg",
	.has_wan4 = true,
	.wan4 = {198, 51, 100, 7},
	.has_wan6 = true,
	.wan6 = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7},
	.uptime_cs = 4242,
};

/* net-snmp's view of a message we built */
static netsnmp_pdu *
decode(const uint8_t *msg, size_t len, char *comm, long *version)
{
	u_char copy[CP_SNMP_MSG_MAX];
	size_t clen = 64, left = len;
	netsnmp_pdu *pdu;
	u_char *p;

	memcpy(copy, msg, len);
	p = snmp_comstr_parse(copy, &left, (u_char *)comm, &clen, version);
	assert_non_null(p);
	comm[clen] = '\0';
	pdu = snmp_pdu_create(0);
	pdu->version = *version;
	assert_int_equal(snmp_pdu_parse(pdu, p, &left), 0);
	return pdu;
}

static void
check_name(const netsnmp_variable_list *v, const struct cp_cfgfile_oid *o)
{
	size_t i;

	assert_non_null(v);
	assert_int_equal(v->name_length, o->n);
	for (i = 0; i < o->n; i++)
		assert_int_equal(v->name[i], o->sub[i]);
}

static const struct cp_cfgfile_oid oid_uptime = {
	.sub = {1, 3, 6, 1, 2, 1, 1, 3, 0}, .n = 9};
static const struct cp_cfgfile_oid oid_trapoid = {
	.sub = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0}, .n = 11};

static void
test_inform_varbinds(void **state)
{
	const struct cp_cfgfile_oid *n = &cp_snmp_oid_prov_notification;
	uint8_t msg[CP_SNMP_MSG_MAX];
	netsnmp_variable_list *v;
	netsnmp_pdu *pdu;
	char comm[65];
	long version;
	size_t len, i;

	(void)state;
	assert_int_equal(cp_snmp_msg_build(&status, CP_SNMP_INFORM_V2C,
					   "esgcomm", 0x1234567, msg,
					   sizeof(msg), &len),
			 0);
	/* RFC 1901: SEQUENCE, INTEGER version 1 (v2c) */
	assert_int_equal(msg[0], 0x30);
	pdu = decode(msg, len, comm, &version);
	assert_int_equal(version, SNMP_VERSION_2c);
	assert_string_equal(comm, "esgcomm");
	assert_int_equal(pdu->command, SNMP_MSG_INFORM);
	assert_int_equal(pdu->reqid, 0x1234567);
	v = pdu->variables;
	/* RFC 3416 4.2.7: sysUpTime.0 then snmpTrapOID.0 */
	check_name(v, &oid_uptime);
	assert_int_equal(v->type, ASN_TIMETICKS);
	assert_int_equal(*v->val.integer, 4242);
	v = v->next_variable;
	check_name(v, &oid_trapoid);
	assert_int_equal(v->type, ASN_OBJECT_ID);
	assert_int_equal(v->val_len, n->n * sizeof(oid));
	for (i = 0; i < n->n; i++)
		assert_int_equal(v->val.objid[i], n->sub[i]);
	/* 1.3.6.1.4.1.32473.1.0.1: docs/ESG-PROV-MIB.txt */
	assert_int_equal(v->val.objid[6], 32473);
	v = v->next_variable;
	check_name(v, &cp_snmp_oid_prov_state);
	assert_int_equal(v->type, ASN_INTEGER);
	assert_int_equal(*v->val.integer, CP_SNMP_PROV_FAIL);
	v = v->next_variable;
	check_name(v, &cp_snmp_oid_prov_reason);
	assert_int_equal(v->type, ASN_OCTET_STR);
	assert_int_equal(v->val_len, strlen(status.reason));
	assert_memory_equal(v->val.string, status.reason, v->val_len);
	v = v->next_variable;
	check_name(v, &cp_snmp_oid_prov_file);
	assert_memory_equal(v->val.string, "esg.cfg", 7);
	v = v->next_variable;
	check_name(v, &cp_snmp_oid_prov_wan4);
	assert_int_equal(v->type, ASN_IPADDRESS);
	assert_memory_equal(v->val.string, status.wan4, 4);
	v = v->next_variable;
	check_name(v, &cp_snmp_oid_prov_wan6);
	assert_int_equal(v->type, ASN_OCTET_STR);
	assert_int_equal(v->val_len, 16);
	assert_memory_equal(v->val.string, status.wan6, 16);
	assert_null(v->next_variable);
	snmp_free_pdu(pdu);
}

static void
test_trap_and_limits(void **state)
{
	struct cp_snmp_prov_status st = status;
	uint8_t msg[CP_SNMP_MSG_MAX];
	char reason[400], comm[65];
	netsnmp_variable_list *v;
	netsnmp_pdu *pdu;
	long version;
	size_t len;

	(void)state;
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	st.reason = reason;
	st.pass = true;
	st.has_wan6 = false;
	st.file = NULL;
	assert_int_equal(cp_snmp_msg_build(&st, CP_SNMP_TRAP_V2C, "public", 9,
					   msg, sizeof(msg), &len),
			 0);
	pdu = decode(msg, len, comm, &version);
	assert_int_equal(pdu->command, SNMP_MSG_TRAP2);
	v = pdu->variables->next_variable->next_variable;
	assert_int_equal(*v->val.integer, CP_SNMP_PROV_PASS);
	v = v->next_variable;
	assert_int_equal(v->val_len, CP_SNMP_TEXT_MAX); /* cut */
	v = v->next_variable;
	assert_int_equal(v->val_len, 0); /* no file name */
	v = v->next_variable->next_variable;
	assert_int_equal(v->val_len, 0); /* no IPv6 address */
	snmp_free_pdu(pdu);
	/* refusals */
	assert_int_equal(cp_snmp_msg_build(&st, CP_SNMP_TRAP_V2C, "", 9, msg,
					   sizeof(msg), &len),
			 EINVAL);
	assert_int_equal(cp_snmp_msg_build(&st, CP_SNMP_TRAP_V2C, "public", 9,
					   msg, 40, &len),
			 ENOSPC);
}

/* A Response-PDU as an agent would send it (net-snmp builds it). */
static size_t
response(uint8_t *out, const char *comm, long reqid, long errstat, int cmd)
{
	netsnmp_session s;
	netsnmp_pdu *p;
	size_t blen = 2048, off = 0;
	u_char *buf = malloc(blen);

	snmp_sess_init(&s);
	s.version = SNMP_VERSION_2c;
	p = snmp_pdu_create(cmd);
	p->version = SNMP_VERSION_2c;
	p->reqid = reqid;
	p->errstat = errstat;
	p->community = (u_char *)strdup(comm);
	p->community_len = strlen(comm);
	assert_int_equal(snmp_build(&buf, &blen, &off, &s, p), 0);
	memcpy(out, buf + blen - off, off);
	free(buf);
	snmp_free_pdu(p);
	return off;
}

static void
test_parse_malformed(void **state)
{
	uint8_t msg[256], v3[64];
	struct cp_snmp_msg m;
	char err[128];
	size_t len, i;
	char comm[80];

	(void)state;
	len = response(msg, "public", 77, 0, SNMP_MSG_RESPONSE);
	assert_int_equal(cp_snmp_msg_parse(msg, len, &m, err, sizeof(err)), 0);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.pdu, 0xa2);
	assert_int_equal(m.reqid, 77);
	assert_string_equal(m.community, "public");
	/* every cut of it is refused */
	for (i = 0; i < len; i++)
		assert_int_equal(
			cp_snmp_msg_parse(msg, i, &m, err, sizeof(err)),
			EBADMSG);
	memset(msg, 0xff, 64);
	assert_int_equal(cp_snmp_msg_parse(msg, 64, &m, err, sizeof(err)),
			 EBADMSG);
	/* an SNMPv3 message header: SEQUENCE { INTEGER 3, SEQUENCE ... } */
	memcpy(v3,
	       "\x30\x10\x02\x01\x03\x30\x0b\x02\x01\x01\x02\x02\x05\xdc"
	       "\x04\x01\x04\x02\x01\x03",
	       18);
	assert_int_equal(cp_snmp_msg_parse(v3, 18, &m, err, sizeof(err)),
			 EBADMSG);
	/* a community longer than we keep */
	memset(comm, 'c', 79);
	comm[79] = '\0';
	len = response(msg, comm, 1, 0, SNMP_MSG_RESPONSE);
	assert_int_equal(cp_snmp_msg_parse(msg, len, &m, err, sizeof(err)),
			 EBADMSG);
}

static void
test_tx_machine(void **state)
{
	struct cp_snmp_tx tx;
	struct cp_snmp_tx_out out;
	uint8_t first[CP_SNMP_MSG_MAX], r[256];
	size_t len;

	(void)state;
	assert_int_equal(cp_snmp_tx_init(&tx, &status, CP_SNMP_INFORM_V2C,
					 "public", 500, 1000, 2),
			 0);
	memcpy(first, tx.msg, tx.msg_len);
	assert_int_equal(cp_snmp_tx_start(&tx, 10000, &out), 0);
	assert_true(out.send);
	assert_int_equal(out.deadline_ms, 11000); /* 38.4 */
	/* early timer: nothing */
	assert_int_equal(cp_snmp_tx_timer(&tx, 10999, &out), 0);
	assert_false(out.send);
	assert_int_equal(out.deadline_ms, 11000);
	/* not ours: other request-id, other community, not a Response,
	 * garbage */
	len = response(r, "public", 501, 0, SNMP_MSG_RESPONSE);
	cp_snmp_tx_recv(&tx, r, len, 10100, &out);
	len = response(r, "private", 500, 0, SNMP_MSG_RESPONSE);
	cp_snmp_tx_recv(&tx, r, len, 10100, &out);
	len = response(r, "public", 500, 0, SNMP_MSG_GET);
	cp_snmp_tx_recv(&tx, r, len, 10100, &out);
	cp_snmp_tx_recv(&tx, (const uint8_t *)"junk", 4, 10100, &out);
	assert_int_equal(tx.cnt.ignored, 3);
	assert_int_equal(tx.cnt.malformed, 1);
	assert_int_equal(tx.state, CP_SNMP_TX_WAIT);
	assert_int_equal(out.deadline_ms, 11000);
	/* time-out: the same bytes again */
	assert_int_equal(cp_snmp_tx_timer(&tx, 11000, &out), 0);
	assert_true(out.send);
	assert_int_equal(out.deadline_ms, 12000);
	assert_memory_equal(tx.msg, first, tx.msg_len);
	assert_int_equal(tx.cnt.sends, 2);
	/* a late Response (same request-id) to the first send ends it */
	len = response(r, "public", 500, 0, SNMP_MSG_RESPONSE);
	assert_int_equal(cp_snmp_tx_recv(&tx, r, len, 11500, &out), 0);
	assert_int_equal(tx.state, CP_SNMP_TX_DONE);
	assert_int_equal(out.deadline_ms, 0);
	/* after the end: ignored */
	cp_snmp_tx_recv(&tx, r, len, 11600, &out);
	assert_int_equal(tx.state, CP_SNMP_TX_DONE);
}

static void
test_tx_timeout_and_errors(void **state)
{
	struct cp_snmp_tx tx;
	struct cp_snmp_tx_out out;
	uint8_t r[256];
	uint64_t now = 0;
	size_t len;

	(void)state;
	/* 38.5 retries 3: four sends 15 s apart (38.4 default), then
	 * ETIMEDOUT at 60 s */
	assert_int_equal(cp_snmp_tx_init(&tx, &status, CP_SNMP_INFORM_V2C,
					 "public", 42, 0, 3),
			 0);
	assert_int_equal(cp_snmp_tx_start(&tx, now, &out), 0);
	while (out.deadline_ms != 0) {
		now = out.deadline_ms;
		assert_int_equal(cp_snmp_tx_timer(&tx, now, &out), 0);
	}
	assert_int_equal(now, 60000);
	assert_int_equal(tx.cnt.sends, 4);
	assert_int_equal(tx.state, CP_SNMP_TX_FAILED);
	assert_int_equal(tx.err, ETIMEDOUT);
	/* retries 0: one send only */
	cp_snmp_tx_init(&tx, &status, CP_SNMP_INFORM_V2C, "public", 42, 100, 0);
	cp_snmp_tx_start(&tx, 0, &out);
	cp_snmp_tx_timer(&tx, 100, &out);
	assert_int_equal(tx.state, CP_SNMP_TX_FAILED);
	assert_int_equal(tx.cnt.sends, 1);
	/* a Response with error-status genErr (5) */
	cp_snmp_tx_init(&tx, &status, CP_SNMP_INFORM_V2C, "public", 43, 100, 1);
	cp_snmp_tx_start(&tx, 0, &out);
	len = response(r, "public", 43, 5, SNMP_MSG_RESPONSE);
	cp_snmp_tx_recv(&tx, r, len, 10, &out);
	assert_int_equal(tx.state, CP_SNMP_TX_FAILED);
	assert_int_equal(tx.err, EPROTO);
	assert_int_equal(tx.error_status, 5);
	/* a trap: done when sent, nothing to wait for */
	cp_snmp_tx_init(&tx, &status, CP_SNMP_TRAP_V2C, "public", 44, 100, 3);
	assert_int_equal(cp_snmp_tx_start(&tx, 0, &out), 0);
	assert_true(out.send);
	assert_int_equal(out.deadline_ms, 0);
	assert_int_equal(tx.state, CP_SNMP_TX_DONE);
	/* request-id 0 is replaced */
	cp_snmp_tx_init(&tx, &status, CP_SNMP_INFORM_V2C, "public", 0, 100, 3);
	assert_int_not_equal(tx.reqid, 0);
}

/* ---- the libre driver */

struct run {
	struct cp_snmp_result res[CP_SNMP_MAX_RCV];
	unsigned int n;
	bool called;
	unsigned int heard; /* datagrams at the silent socket */
	uint8_t first[CP_SNMP_MSG_MAX];
	size_t first_len;
	bool same;
};

static void
notify_done_h(const struct cp_snmp_result *res, unsigned int n, void *arg)
{
	struct run *r = arg;

	memcpy(r->res, res, n * sizeof(*res));
	r->n = n;
	r->called = true;
	re_cancel();
}

static void
silent_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct run *r = arg;

	(void)src;
	if (r->heard++ == 0) {
		r->first_len = mbuf_get_left(mb);
		memcpy(r->first, mbuf_buf(mb), r->first_len);
		r->same = true;
	} else if (mbuf_get_left(mb) != r->first_len ||
		   memcmp(mbuf_buf(mb), r->first, r->first_len) != 0) {
		r->same = false;
	}
}

static void
guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
run_loop(unsigned int ms)
{
	struct tmr guard;

	tmr_init(&guard);
	tmr_start(&guard, ms, guard_h, NULL);
	re_main(NULL);
	tmr_cancel(&guard);
}

static void
test_driver_silent(void **state)
{
	struct cp_snmp_notify *n = NULL;
	struct udp_sock *us = NULL;
	struct cp_cfgfile *cf;
	struct run r;
	struct sa a;
	uint64_t t0;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(libre_init(), 0);
	sa_set_str(&a, "127.0.0.1", 0);
	assert_int_equal(udp_listen(&us, &a, silent_h, &r), 0);
	assert_int_equal(udp_local_get(us, &a), 0);
	/* three TLV 38 receivers (spec 001 6.5): an IPv4 inform at the
	 * silent port, 150 ms x (1 + 2 retries); one with 38.8 only (no
	 * address in IPv4 mode); a v1 trap (not sent) */
	cf = calloc(1, sizeof(*cf));
	cf->nb_notify = 3;
	cf->notify[0].has_v4 = true;
	memcpy(cf->notify[0].v4, "\x7f\x00\x00\x01", 4);
	cf->notify[0].port = sa_port(&a);
	cf->notify[0].type = CP_CFGFILE_INFORM_V2C;
	cf->notify[0].timeout_ms = 150;
	cf->notify[0].retries = 2;
	cf->notify[1].has_v6 = true;
	cf->notify[1].v6[15] = 1;
	cf->notify[1].port = 162;
	cf->notify[1].type = CP_CFGFILE_INFORM_V2C;
	cf->notify[2].has_v4 = true;
	memcpy(cf->notify[2].v4, "\x7f\x00\x00\x01", 4);
	cf->notify[2].port = sa_port(&a);
	cf->notify[2].type = CP_CFGFILE_TRAP_V1;
	assert_int_equal(cp_snmp_notify_alloc(&n, NULL, notify_done_h, &r), 0);
	assert_int_equal(cp_snmp_notify_add_cfgfile(n, cf, false), 0);
	t0 = tmr_jiffies();
	assert_int_equal(cp_snmp_notify_start(n, &status), 0);
	assert_false(r.called); /* never from inside start */
	assert_int_equal(cp_snmp_notify_add(n, &a, CP_SNMP_TRAP_V2C, 0, 0),
			 EALREADY);
	run_loop(3000);
	assert_true(r.called);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.res[0].err, ETIMEDOUT);
	assert_false(r.res[0].acked);
	assert_int_equal(r.res[0].sends, 3);
	assert_int_equal(r.res[1].err, ENOENT);
	assert_int_equal(r.res[2].err, ENOTSUP);
	assert_int_equal(r.res[2].type, CP_CFGFILE_TRAP_V1);
	/* on the wire: three identical INFORMs, failure after 3 x 150 ms */
	assert_int_equal(r.heard, 3);
	assert_true(r.same);
	assert_true(tmr_jiffies() - t0 >= 450);
	assert_true(tmr_jiffies() - t0 < 2000);
	mem_deref(n);
	mem_deref(us);
	free(cf);
	libre_close();
}

/* ---- against snmptrapd */

static int
free_port(void)
{
	struct udp_sock *us = NULL;
	int port = -1;
	struct sa a;

	sa_set_str(&a, "127.0.0.1", 0);
	if (udp_listen(&us, &a, NULL, NULL) == 0 && udp_local_get(us, &a) == 0)
		port = sa_port(&a);
	mem_deref(us);
	return port;
}

static bool
log_has(const char *path, const char *const *want, size_t nb)
{
	char buf[8192];
	size_t len, i;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return false;
	len = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	for (i = 0; i < nb; i++)
		if (strstr(buf, want[i]) == NULL)
			return false;
	return true;
}

static int
snmptrapd_test(const char *trapd)
{
	char dir[] = "/tmp/esg-snmptrapd-XXXXXX", conf[64], logf[64], addr[40],
	     env[80];
	static const char *const want[] = {
		".1.3.6.1.2.1.1.3.0 = Timeticks: (4242)",
		".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.4.1.32473.1.0.1",
		".1.3.6.1.4.1.32473.1.2.1.0 = INTEGER: 2",
		".1.3.6.1.4.1.32473.1.2.2.0 = STRING: \"offset 24: "
		"configuration hash mismatch\"",
		".1.3.6.1.4.1.32473.1.2.3.0 = STRING: \"esg.cfg\"",
		".1.3.6.1.4.1.32473.1.2.4.0 = IpAddress: 198.51.100.7",
		".1.3.6.1.4.1.32473.1.2.5.0 = Hex-STRING: 20 01 0D B8 00 02 "
		"00 00 00 00 00 00 00 00 00 07",
	};
	struct cp_snmp_notify *n = NULL;
	struct run r;
	struct sa srv;
	pid_t pid = -1;
	FILE *fp;
	int port, rc = 1, i;

	if (geteuid() != 0 || access(trapd, X_OK) != 0) {
		printf("SKIP: needs root and %s\n", trapd);
		return 77;
	}
	if (libre_init() || mkdtemp(dir) == NULL)
		return 1;
	snprintf(conf, sizeof(conf), "%s/snmptrapd.conf", dir);
	snprintf(logf, sizeof(logf), "%s/trapd.log", dir);
	fp = fopen(conf, "w");
	if (fp == NULL)
		goto out;
	fprintf(fp, "authCommunity log,execute,net public\n");
	fclose(fp);
	port = free_port();
	if (port < 0)
		goto out;
	snprintf(addr, sizeof(addr), "udp:127.0.0.1:%d", port);
	pid = fork();
	if (pid == 0) {
		int fd = open(logf, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		/* its persistent files in our directory, no MIBs: numeric
		 * OIDs (-On); -C: no other configuration file */
		snprintf(env, sizeof(env), "SNMP_PERSISTENT_DIR=%s", dir);
		putenv(env);
		putenv("MIBS=");
		execl(trapd, trapd, "-f", "-Lo", "-C", "-c", conf, "-On", "-n",
		      addr, (char *)NULL);
		_exit(127);
	}
	/* bounded start: its banner, 5 s at most */
	for (i = 0; i < 50; i++) {
		static const char *const banner[] = {"NET-SNMP version"};

		if (log_has(logf, banner, 1))
			break;
		usleep(100000);
	}
	if (i == 50 || waitpid(pid, NULL, WNOHANG) != 0) {
		printf("SKIP: snmptrapd did not start\n");
		rc = 77;
		goto out;
	}
	memset(&r, 0, sizeof(r));
	sa_set_str(&srv, "127.0.0.1", (uint16_t)port);
	if (cp_snmp_notify_alloc(&n, "public", notify_done_h, &r) ||
	    cp_snmp_notify_add(n, &srv, CP_SNMP_INFORM_V2C, 500, 3) ||
	    cp_snmp_notify_start(n, &status))
		goto out;
	run_loop(5000);
	if (!r.called || r.n != 1 || r.res[0].err != 0 || !r.res[0].acked) {
		printf("FAIL: INFORM not acknowledged: called %d err %d\n",
		       r.called, r.n ? r.res[0].err : -1);
		goto out;
	}
	for (i = 0; i < 30 && !log_has(logf, want, 7); i++)
		usleep(100000);
	if (i == 30) {
		printf("FAIL: snmptrapd did not log our varbinds (%s)\n", logf);
		goto out;
	}
	printf("ok: INFORM acknowledged by snmptrapd after %u send(s), "
	       "varbinds logged\n",
	       r.res[0].sends);
	rc = 0;
out:
	mem_deref(n);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	if (rc == 0) {
		char cmd[96];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			rc = 1;
	}
	libre_close();
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inform_varbinds),
		cmocka_unit_test(test_trap_and_limits),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_tx_machine),
		cmocka_unit_test(test_tx_timeout_and_errors),
		cmocka_unit_test(test_driver_silent),
	};

	if (argc == 3 && strcmp(argv[1], "--snmptrapd") == 0)
		return snmptrapd_test(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
