/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TFTP client (controlplane/prov/cp_tftp*.c).
 *
 * Without arguments: the state machine with scripted packets and a fake
 * clock: the read request's exact bytes (RFC 1350 5, RFC 2347 options,
 * blksize 1428 of spec 001 eUE-22), OACK then ACK 0, DATA and ACKs to the
 * end (a short block), loss and retransmission then the retry limit,
 * duplicate and out-of-order DATA, a server without options (512-byte
 * blocks), ERROR from the server, packets from another TID answered with
 * ERROR 5 (RFC 1350 4), block number rollover, the size limit (tsize and
 * DATA), refused OACKs (ERROR 8), a lost ACK 0 and a lost final ACK.
 *
 * With --tftpd PATH: cp_tftp_fetch() against Debian's tftpd-hpa on
 * 127.0.0.1 in a temporary directory (a file, then a missing one); exit
 * 77 when not root or PATH is missing. Bounded: 10 s of libre loop.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "cp_tftp.h"

#define SRV 40000 /* the server's TID in the scripts */

static struct cp_tftp *
machine(uint16_t blksize, bool tsize, size_t max)
{
	struct cp_tftp_cfg c = {
		.file = "esg.cfg",
		.blksize = blksize,
		.tsize = tsize,
		.rto_ms = 1000,
		.retries = 3,
		.max_size = max,
	};
	struct cp_tftp *t = NULL;

	assert_int_equal(cp_tftp_alloc(&t, &c), 0);
	return t;
}

static void
deliver(struct cp_tftp *t, uint16_t port, const void *p, size_t n, uint64_t now,
	struct cp_tftp_out *o)
{
	assert_int_equal(cp_tftp_recv(t, port, p, n, now, o), 0);
}

/* DATA block of n bytes, byte i = (block * 7 + i) & 0xff */
static size_t
data_pkt(uint8_t *p, uint16_t block, size_t n)
{
	size_t i;

	p[0] = 0;
	p[1] = 3;
	p[2] = (uint8_t)(block >> 8);
	p[3] = (uint8_t)block;
	for (i = 0; i < n; i++)
		p[4 + i] = (uint8_t)(block * 7 + i);
	return n + 4;
}

static void
assert_ack(const struct cp_tftp_out *o, uint16_t block, uint16_t port)
{
	uint8_t a[4] = {0, 4, (uint8_t)(block >> 8), (uint8_t)block};

	assert_int_equal(o->len, 4);
	assert_memory_equal(o->pkt, a, 4);
	assert_int_equal(o->port, port);
}

static void
test_rrq_oack_transfer(void **state)
{
	static const char rrq[] = "\0\1esg.cfg\0octet\0blksize\0"
				  "1428\0tsize\0000\0";
	static const char oack[] = "\0\6blksize\0001428\0tsize\0003000\0";
	struct cp_tftp *t = machine(CP_TFTP_BLKSIZE_V6, true, 0);
	struct cp_tftp_out o;
	uint8_t p[1500];
	size_t n, len;
	const uint8_t *d;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 100, &o), 0);
	assert_int_equal(o.len, sizeof(rrq) - 1);
	assert_memory_equal(o.pkt, rrq, sizeof(rrq) - 1);
	assert_int_equal(o.port, 69);
	assert_int_equal(o.deadline_ms, 1100);
	/* RFC 2347: OACK, answered by ACK 0 to the server's new port */
	deliver(t, SRV, oack, sizeof(oack) - 1, 200, &o);
	assert_ack(&o, 0, SRV);
	assert_int_equal(cp_tftp_blksize(t), 1428);
	assert_int_equal(cp_tftp_tsize(t), 3000);
	n = data_pkt(p, 1, 1428);
	deliver(t, SRV, p, n, 300, &o);
	assert_ack(&o, 1, SRV);
	assert_int_equal(o.deadline_ms, 1300);
	n = data_pkt(p, 2, 1428);
	deliver(t, SRV, p, n, 400, &o);
	assert_ack(&o, 2, SRV);
	/* RFC 1350 6: a block shorter than blksize ends the transfer */
	n = data_pkt(p, 3, 144);
	deliver(t, SRV, p, n, 500, &o);
	assert_ack(&o, 3, SRV);
	assert_int_equal(o.deadline_ms, 0);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_DONE);
	assert_int_equal(cp_tftp_result(t, NULL, NULL), 0);
	d = cp_tftp_data(t, &len);
	assert_int_equal(len, 3000);
	assert_int_equal(d[0], 7);
	assert_int_equal(d[1428], 14);
	assert_int_equal(d[2856 + 143], (uint8_t)(21 + 143));
	/* the final ACK was lost: the server sends block 3 again */
	deliver(t, SRV, p, n, 600, &o);
	assert_ack(&o, 3, SRV);
	assert_int_equal(o.deadline_ms, 0);
	mem_deref(t);
}

static void
test_loss_and_retry_limit(void **state)
{
	struct cp_tftp *t = machine(CP_TFTP_BLKSIZE_V4, false, 0);
	struct cp_tftp_out o, first;
	uint8_t p[600];
	size_t n;
	int i;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &first), 0);
	/* RRQ with blksize 1448 over IPv4 (spec 001 6.3.3) */
	assert_non_null(memmem(first.pkt, first.len,
			       "blksize\0"
			       "1448",
			       12));
	/* early timer call: nothing sent, same deadline */
	assert_int_equal(cp_tftp_timer(t, 999, &o), 0);
	assert_int_equal(o.len, 0);
	assert_int_equal(o.deadline_ms, 1000);
	/* RFC 1350 2: the RRQ again at each time-out */
	for (i = 1; i <= 3; i++) {
		assert_int_equal(cp_tftp_timer(t, 1000u * i, &o), 0);
		assert_int_equal(o.len, first.len);
		assert_memory_equal(o.pkt, first.pkt, first.len);
		assert_int_equal(o.deadline_ms, 1000u * (i + 1));
	}
	assert_int_equal(cp_tftp_timer(t, 4000, &o), 0);
	assert_int_equal(o.len, 0);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_FAILED);
	assert_int_equal(cp_tftp_result(t, NULL, NULL), ETIMEDOUT);
	assert_int_equal(cp_tftp_counters(t)->retransmits, 3);
	mem_deref(t);

	/* a lost ACK: the ACK is sent again, tries count anew per block */
	t = machine(0, false, 0);
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	n = data_pkt(p, 1, 512);
	deliver(t, SRV, p, n, 10, &o);
	assert_ack(&o, 1, SRV);
	assert_int_equal(cp_tftp_timer(t, 1010, &o), 0);
	assert_ack(&o, 1, SRV);
	n = data_pkt(p, 2, 0);
	deliver(t, SRV, p, n, 1500, &o);
	assert_ack(&o, 2, SRV);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_DONE);
	mem_deref(t);
}

static void
test_duplicates_and_order(void **state)
{
	struct cp_tftp *t = machine(0, false, 0);
	struct cp_tftp_out o;
	uint8_t p[600];
	size_t n, len;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	/* no options asked: the RRQ is only file and mode */
	assert_int_equal(o.len, 2 + 8 + 6);
	n = data_pkt(p, 1, 512);
	deliver(t, SRV, p, n, 10, &o);
	assert_ack(&o, 1, SRV);
	/* duplicate: ACK again, no second copy of the data */
	deliver(t, SRV, p, n, 20, &o);
	assert_ack(&o, 1, SRV);
	/* block 3 before 2: ignored, nothing sent, deadline kept */
	n = data_pkt(p, 3, 512);
	deliver(t, SRV, p, n, 30, &o);
	assert_int_equal(o.len, 0);
	assert_int_equal(o.deadline_ms, 1020);
	n = data_pkt(p, 2, 100);
	deliver(t, SRV, p, n, 40, &o);
	assert_ack(&o, 2, SRV);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_DONE);
	cp_tftp_data(t, &len);
	assert_int_equal(len, 612);
	assert_int_equal(cp_tftp_counters(t)->dup_data, 1);
	assert_int_equal(cp_tftp_counters(t)->ooo_data, 1);
	mem_deref(t);
}

/* RFC 2347: a server that ignores the options answers DATA 1, and the
 * block size is RFC 1350's 512. */
static void
test_server_without_options(void **state)
{
	struct cp_tftp *t = machine(1428, true, 0);
	struct cp_tftp_out o;
	uint8_t p[600];
	size_t n;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	n = data_pkt(p, 1, 512);
	deliver(t, SRV, p, n, 10, &o);
	assert_ack(&o, 1, SRV);
	assert_int_equal(cp_tftp_blksize(t), 512);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_XFER);
	n = data_pkt(p, 2, 511);
	deliver(t, SRV, p, n, 20, &o);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_DONE);
	mem_deref(t);
}

static void
test_error_from_server(void **state)
{
	static const char err[] = "\0\5\0\1File not found\0";
	struct cp_tftp *t = machine(1428, false, 0);
	struct cp_tftp_out o;
	const char *msg;
	uint16_t code;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV, err, sizeof(err) - 1, 10, &o);
	assert_int_equal(o.len, 0); /* RFC 1350 7: an ERROR is not ACKed */
	assert_int_equal(cp_tftp_state(t), CP_TFTP_FAILED);
	assert_int_equal(cp_tftp_result(t, &code, &msg), EPROTO);
	assert_int_equal(code, 1);
	assert_string_equal(msg, "File not found");
	/* nothing more happens after a failure */
	assert_int_equal(cp_tftp_timer(t, 5000, &o), 0);
	assert_int_equal(o.len, 0);
	mem_deref(t);
}

/* RFC 1350 4: the first reply fixes the server's TID; another source
 * port gets ERROR 5 and the transfer goes on. */
static void
test_wrong_tid(void **state)
{
	static const uint8_t err5[] = "\0\5\0\5Unknown transfer ID";
	struct cp_tftp *t = machine(0, false, 0);
	struct cp_tftp_out o;
	uint8_t p[600];
	size_t n;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	n = data_pkt(p, 1, 512);
	deliver(t, SRV, p, n, 10, &o);
	n = data_pkt(p, 2, 512);
	deliver(t, SRV + 1, p, n, 20, &o);
	assert_int_equal(o.port, SRV + 1);
	assert_int_equal(o.len, sizeof(err5));
	assert_memory_equal(o.pkt, err5, sizeof(err5));
	assert_int_equal(o.deadline_ms, 1010);
	assert_int_equal(cp_tftp_state(t), CP_TFTP_XFER);
	assert_int_equal(cp_tftp_counters(t)->wrong_tid, 1);
	deliver(t, SRV, p, n, 30, &o);
	assert_ack(&o, 2, SRV);
	mem_deref(t);
}

/* Past block 65535 the number wraps to 0 (what tftp-hpa sends). */
static void
test_rollover(void **state)
{
	struct cp_tftp *t = machine(8, false, 1u << 20);
	struct cp_tftp_out o;
	uint8_t p[16];
	uint32_t i, total = 65536 + 3;
	size_t n, len;
	const uint8_t *d;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV,
		"\0\6blksize\0"
		"8\0",
		12, 1, &o);
	assert_ack(&o, 0, SRV);
	for (i = 1; i <= total; i++) {
		n = data_pkt(p, (uint16_t)i, i == total ? 3 : 8);
		deliver(t, SRV, p, n, 2 + i, &o);
		assert_int_equal(o.len, 4);
		assert_int_equal(o.pkt[2] << 8 | o.pkt[3], (uint16_t)i);
	}
	assert_int_equal(cp_tftp_state(t), CP_TFTP_DONE);
	assert_int_equal(cp_tftp_counters(t)->rollovers, 1);
	d = cp_tftp_data(t, &len);
	assert_int_equal(len, (total - 1) * 8 + 3);
	/* block 65536 (sent as 0) landed after 65535 */
	assert_int_equal(d[65535 * 8], 0);
	assert_int_equal(d[65534 * 8], (uint8_t)(65535 * 7));
	mem_deref(t);
}

static void
test_size_limit(void **state)
{
	static const uint8_t err3[] = "\0\5\0\3file larger than the size "
				      "limit";
	struct cp_tftp *t = machine(512, true, 1000);
	struct cp_tftp_out o;
	uint8_t p[600];
	size_t n;

	(void)state;
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV,
		"\0\6tsize\0"
		"1001\0",
		13, 1, &o);
	assert_int_equal(o.len, sizeof(err3));
	assert_memory_equal(o.pkt, err3, sizeof(err3));
	assert_int_equal(cp_tftp_result(t, NULL, NULL), EFBIG);
	mem_deref(t);
	/* without tsize: the DATA that passes the limit */
	t = machine(512, false, 1000);
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	n = data_pkt(p, 1, 512);
	deliver(t, SRV, p, n, 1, &o);
	n = data_pkt(p, 2, 512);
	deliver(t, SRV, p, n, 2, &o);
	assert_memory_equal(o.pkt, err3, sizeof(err3));
	assert_int_equal(cp_tftp_result(t, NULL, NULL), EFBIG);
	mem_deref(t);
}

static void
test_bad_oack(void **state)
{
	struct cp_tftp *t = machine(1428, false, 0);
	struct cp_tftp_out o;

	(void)state;
	/* RFC 2348: the server may not raise the block size */
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV,
		"\0\6blksize\0"
		"1500\0",
		15, 1, &o);
	assert_int_equal(o.pkt[3], CP_TFTP_E_OPTION);
	assert_int_equal(o.port, SRV);
	assert_int_equal(cp_tftp_result(t, NULL, NULL), EBADMSG);
	mem_deref(t);
	/* RFC 2347: an option the client did not ask for */
	t = machine(1428, false, 0);
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV,
		"\0\6tsize\0"
		"10\0",
		11, 1, &o);
	assert_int_equal(o.pkt[3], CP_TFTP_E_OPTION);
	assert_int_equal(cp_tftp_result(t, NULL, NULL), EBADMSG);
	mem_deref(t);
	/* the ACK 0 of an OACK was lost: the OACK again gets ACK 0 */
	t = machine(1428, false, 0);
	assert_int_equal(cp_tftp_start(t, 0, &o), 0);
	deliver(t, SRV,
		"\0\6blksize\0"
		"1024\0",
		15, 1, &o);
	assert_ack(&o, 0, SRV);
	deliver(t, SRV,
		"\0\6blksize\0"
		"1024\0",
		15, 2, &o);
	assert_ack(&o, 0, SRV);
	assert_int_equal(cp_tftp_blksize(t), 1024);
	/* a too short packet is ignored */
	deliver(t, SRV, "\0\3\0", 3, 3, &o);
	assert_int_equal(o.len, 0);
	assert_int_equal(cp_tftp_counters(t)->bad_pkt, 1);
	mem_deref(t);
}

static void
test_cfg_checks(void **state)
{
	struct cp_tftp_cfg c = {.file = ""};
	struct cp_tftp *t;
	char name[300];

	(void)state;
	assert_int_equal(cp_tftp_alloc(&t, &c), EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	c.file = name;
	assert_int_equal(cp_tftp_alloc(&t, &c), EINVAL);
	c.file = "x";
	c.blksize = 7;
	assert_int_equal(cp_tftp_alloc(&t, &c), EINVAL);
}

/* ---- against tftpd-hpa */

struct fetch_res {
	int err;
	uint16_t code;
	size_t len;
	uint8_t *data;
};

static void
done_h(int err, const uint8_t *data, size_t len, uint16_t code, const char *msg,
       void *arg)
{
	struct fetch_res *r = arg;

	(void)msg;
	r->err = err;
	r->code = code;
	r->len = len;
	if (err == 0) {
		r->data = malloc(len ? len : 1);
		memcpy(r->data, data, len);
	}
	re_cancel();
}

static void
guard_h(void *arg)
{
	struct fetch_res *r = arg;

	r->err = -1;
	re_cancel();
}

static int
fetch(const struct sa *srv, const char *file, struct fetch_res *r)
{
	struct cp_tftp_cfg c = {
		.file = file, .tsize = true, .rto_ms = 200, .retries = 10};
	struct cp_tftp_fetch *f = NULL;
	struct tmr guard;
	int err;

	memset(r, 0, sizeof(*r));
	tmr_init(&guard);
	err = cp_tftp_fetch(&f, srv, &c, done_h, r);
	if (err)
		return err;
	tmr_start(&guard, 10000, guard_h, r);
	err = re_main(NULL);
	tmr_cancel(&guard);
	mem_deref(f);
	return err;
}

static int
free_port(void)
{
	struct sa a;
	struct udp_sock *us = NULL;
	int port = -1;

	sa_set_str(&a, "127.0.0.1", 0);
	if (udp_listen(&us, &a, NULL, NULL) == 0 && udp_local_get(us, &a) == 0)
		port = sa_port(&a);
	mem_deref(us);
	return port;
}

static int
tftpd_test(const char *tftpd)
{
	char dir[] = "/tmp/esg-tftp-XXXXXX", path[64], addr[32];
	struct fetch_res r;
	struct sa srv;
	uint8_t file[5000];
	pid_t pid = -1;
	FILE *fp;
	int port, rc = 1;
	size_t i;

	if (geteuid() != 0 || access(tftpd, X_OK) != 0) {
		printf("SKIP: needs root and %s\n", tftpd);
		return 77;
	}
	if (libre_init() || mkdtemp(dir) == NULL)
		return 1;
	chmod(dir, 0755);
	for (i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 31 + 7);
	snprintf(path, sizeof(path), "%s/esg.cfg", dir);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(file, 1, sizeof(file), fp) != sizeof(file))
		goto out;
	fclose(fp);
	chmod(path, 0644);
	port = free_port();
	if (port < 0)
		goto out;
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	pid = fork();
	if (pid == 0) {
		/* -L: foreground, -s: chroot to dir, -a: our address */
		execl(tftpd, tftpd, "-L", "-s", dir, "-a", addr, (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	sa_set_str(&srv, "127.0.0.1", (uint16_t)port);
	/* retransmission covers a server still starting */
	if (fetch(&srv, "esg.cfg", &r) || r.err != 0 || r.len != sizeof(file) ||
	    memcmp(r.data, file, sizeof(file)) != 0) {
		printf("FAIL: fetch esg.cfg: err %d len %zu\n", r.err, r.len);
		goto out;
	}
	free(r.data);
	if (fetch(&srv, "missing.cfg", &r) || r.err != EPROTO || r.code != 1) {
		printf("FAIL: missing file: err %d code %u\n", r.err, r.code);
		goto out;
	}
	printf("ok: %zu bytes from tftpd-hpa, missing file -> ERROR 1\n",
	       sizeof(file));
	rc = 0;
out:
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	unlink(path);
	rmdir(dir);
	libre_close();
	return rc;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rrq_oack_transfer),
		cmocka_unit_test(test_loss_and_retry_limit),
		cmocka_unit_test(test_duplicates_and_order),
		cmocka_unit_test(test_server_without_options),
		cmocka_unit_test(test_error_from_server),
		cmocka_unit_test(test_wrong_tid),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_bad_oack),
		cmocka_unit_test(test_cfg_checks),
	};

	if (argc == 3 && strcmp(argv[1], "--tftpd") == 0)
		return tftpd_test(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
