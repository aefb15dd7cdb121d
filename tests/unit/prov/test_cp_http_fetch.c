/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP download of the configuration file (controlplane/prov/
 * cp_http_*.c; spec 000 8.1.3, spec 001 eUE-22/eUE-23):
 *  - the exact GET request, refused paths and hosts;
 *  - the response parser (RFC 9112): Content-Length, chunked with
 *    extensions and trailer, a body up to the close, 1xx skipped, 404
 *    complete without its body; every prefix of a good response is
 *    "more" (EAGAIN) and, at a close, refused; a table of malformed
 *    responses with their reasons; the size limit in all three framings;
 *  - the libre driver against scripted servers of our own on 127.0.0.1:
 *    a chunked body in pieces, a malformed response, a slow server
 *    (time-out), a refused connection, the size limit on the wire;
 *  - with --httpserver PYTHON: Python's http.server in a temporary
 *    directory (bounded start wait): 200 with a file, 404, the size
 *    limit. 77 when PYTHON is missing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "cp_http_fetch.h"

#define LIMIT (64 * 1024)

static int
parse(const char *s, bool eof, size_t max, struct cp_http_resp *r, char *err)
{
	return cp_http_resp_parse((const uint8_t *)s, strlen(s), eof, max, r,
				  err, 128);
}

static void
test_request(void **state)
{
	char buf[512];
	size_t len;

	(void)state;
	assert_int_equal(cp_http_req_build("192.0.2.1", "esg.cfg", buf,
					   sizeof(buf), &len),
			 0);
	assert_string_equal(buf, "GET /esg.cfg HTTP/1.1\r\n"
				 "Host: 192.0.2.1\r\n"
				 "User-Agent: esg\r\n"
				 "Accept: */*\r\n"
				 "Connection: close\r\n"
				 "\r\n");
	assert_int_equal(len, strlen(buf));
	assert_int_equal(cp_http_req_build("[2001:db8::1]:8080",
					   "/cfg/esg%20a.cfg", buf, sizeof(buf),
					   &len),
			 0);
	assert_non_null(strstr(buf, "GET /cfg/esg%20a.cfg HTTP/1.1\r\n"
				    "Host: [2001:db8::1]:8080\r\n"));
	/* eUE-19 note 1: the path is URL-encoded already */
	assert_int_equal(cp_http_req_build("h", "a b", buf, sizeof(buf), &len),
			 EINVAL);
	assert_int_equal(
		cp_http_req_build("h", "a\r\nX: y", buf, sizeof(buf), &len),
		EINVAL);
	assert_int_equal(cp_http_req_build("h", "a#b", buf, sizeof(buf), &len),
			 EINVAL);
	assert_int_equal(
		cp_http_req_build("h", "caf\xc3\xa9", buf, sizeof(buf), &len),
		EINVAL);
	assert_int_equal(cp_http_req_build("", "a", buf, sizeof(buf), &len),
			 EINVAL);
	assert_int_equal(cp_http_req_build("h", "a", buf, 20, &len), ENOSPC);
}

static const char resp_clen[] = "HTTP/1.1 200 OK\r\n"
				"Server: test\r\n"
				"content-length:  11 \r\n"
				"\r\n"
				"hello world";
static const char resp_chunked[] = "HTTP/1.1 200 OK\r\n"
				   "Transfer-Encoding: Chunked\r\n"
				   "\r\n"
				   "5;name=value\r\n"
				   "hello\r\n"
				   "0000A\r\n"
				   " world 123\r\n"
				   "0\r\n"
				   "X-Trailer: t\r\n"
				   "\r\n";

/* Every cut of a good response: more needed, and refused at a close. */
static void
prefixes(const char *s)
{
	struct cp_http_resp r;
	char err[128];
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		assert_int_equal(cp_http_resp_parse((const uint8_t *)s, i,
						    false, LIMIT, &r, err,
						    sizeof(err)),
				 EAGAIN);
		assert_int_equal(cp_http_resp_parse((const uint8_t *)s, i, true,
						    LIMIT, &r, err,
						    sizeof(err)),
				 EBADMSG);
	}
}

static void
test_good(void **state)
{
	struct cp_http_resp r;
	uint8_t body[64];
	char err[128];

	(void)state;
	assert_int_equal(parse(resp_clen, false, LIMIT, &r, err), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.reason, "OK");
	assert_true(r.has_clen);
	assert_int_equal(r.body_len, 11);
	assert_int_equal(cp_http_resp_body((const uint8_t *)resp_clen,
					   strlen(resp_clen), &r, body,
					   sizeof(body)),
			 0);
	assert_memory_equal(body, "hello world", 11);
	prefixes(resp_clen);

	assert_int_equal(parse(resp_chunked, false, LIMIT, &r, err), 0);
	assert_true(r.chunked);
	assert_int_equal(r.body_len, 15);
	assert_int_equal(cp_http_resp_body((const uint8_t *)resp_chunked,
					   strlen(resp_chunked), &r, body,
					   sizeof(body)),
			 0);
	assert_memory_equal(body, "hello world 123", 15);
	assert_int_equal(cp_http_resp_body((const uint8_t *)resp_chunked,
					   strlen(resp_chunked), &r, body, 10),
			 ENOSPC);
	prefixes(resp_chunked);

	/* HTTP/1.0 without a length: the body ends at the close */
	assert_int_equal(
		parse("HTTP/1.0 200 OK\r\n\r\nabc", false, LIMIT, &r, err),
		EAGAIN);
	assert_int_equal(
		parse("HTTP/1.0 200 OK\r\n\r\nabc", true, LIMIT, &r, err), 0);
	assert_true(r.to_close);
	assert_int_equal(r.body_len, 3);

	/* 404: complete at the end of its header section */
	assert_int_equal(parse("HTTP/1.1 404 Not Found\r\nContent-Length: "
			       "500\r\n\r\n<html>",
			       false, LIMIT, &r, err),
			 0);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.reason, "Not Found");
	assert_int_equal(r.body_len, 0);

	/* RFC 9110 15.2: 1xx before the final response; no reason */
	assert_int_equal(parse("HTTP/1.1 100 Continue\r\n\r\n"
			       "HTTP/1.1 102\r\nX: y\r\n\r\n"
			       "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			       false, LIMIT, &r, err),
			 0);
	assert_int_equal(r.nb_interim, 2);
	assert_int_equal(r.body_len, 2);
	assert_int_equal(parse("HTTP/1.1 204\r\n\r\n", false, LIMIT, &r, err),
			 0);
	assert_int_equal(r.body_len, 0);
	assert_string_equal(r.reason, "");
}

static const struct bad {
	const char *resp;
	const char *reason;
} bad[] = {
	{"HTTP/2 200 OK\r\n\r\n", "status line"},
	{"HTTP/1.1 2x0 OK\r\n\r\n", "three digits"},
	{"HTTP/1.1 600 X\r\n\r\n", "status code 600"},
	{"HTTP/1.1 200OK\r\n\r\n", "no space"},
	{"HTTP/1.1 200 O\x01K\r\n\r\n", "control byte 0x01 in the reason"},
	{"ICY 200 OK\r\n\r\n", "status line"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
	 "two different Content-Length"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n", "not a number"},
	{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a number"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
	 "not a number"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: "
	 "chunked\r\n\r\n",
	 "both Content-Length and Transfer-Encoding"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	 "transfer coding \"gzip, chunked\" not supported"},
	{"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "obsolete line folding"},
	{"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "byte 0x20 in a field name"},
	{"HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx",
	 "byte 0x20 in a field name"},
	{"HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "without a name"},
	{"HTTP/1.1 200 OK\r\n: x\r\n\r\n", "without a name"},
	{"HTTP/1.1 200 OK\r\nX: a\nY: b\r\n\r\n", "bare CR or LF"},
	{"HTTP/1.1 200 OK\r\nX: a\rY: b\r\n\r\n", "bare CR or LF"},
	{"HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n", "control byte 0x7f"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	 "bad chunk size"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\n",
	 "bad chunk size"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX",
	 "chunk data not followed by CRLF"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT x\r\n\r\n",
	 "byte 0x20 in a field name"},
	{"HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"},
	{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
	 "closed before the end of the body"},
	{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
	 "closed before the end of the body"},
	{"HTTP/1.1 200 OK\r\nX: y", "closed in the header section"},
};

static void
test_malformed(void **state)
{
	struct cp_http_resp r, keep;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&keep, 0x5a, sizeof(keep));
		r = keep;
		err[0] = '\0';
		if (parse(bad[i].resp, true, LIMIT, &r, err) != EBADMSG ||
		    strstr(err, bad[i].reason) == NULL)
			fail_msg("case %zu: want \"%s\", got \"%s\"", i,
				 bad[i].reason, err);
		/* out is written only on success */
		assert_memory_equal(&r, &keep, sizeof(r));
	}
}

/* Header section and field limits, long chunk lines. */
static void
test_limits(void **state)
{
	struct cp_http_resp r;
	static char s[CP_HTTP_HDR_MAX + 4096];
	char err[128];
	size_t n, i;

	(void)state;
	/* a header section over 8192 bytes, still open: refused at once */
	n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\n");
	while (n < CP_HTTP_HDR_MAX + 100)
		n += (size_t)sprintf(s + n, "X-Pad: %0500d\r\n", 0);
	assert_int_equal(parse(s, false, LIMIT, &r, err), EBADMSG);
	assert_non_null(strstr(err, "over 8192 bytes"));
	/* a status line without its end over the limit */
	memset(s, 'a', CP_HTTP_HDR_MAX + 10);
	memcpy(s, "HTTP/1.1 200 ", 13);
	s[CP_HTTP_HDR_MAX + 10] = '\0';
	assert_int_equal(parse(s, false, LIMIT, &r, err), EBADMSG);
	/* 65 fields */
	n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < CP_HTTP_FIELDS_MAX + 1; i++)
		n += (size_t)sprintf(s + n, "X%zu: y\r\n", i);
	sprintf(s + n, "\r\n");
	assert_int_equal(parse(s, false, LIMIT, &r, err), EBADMSG);
	assert_non_null(strstr(err, "over 64 fields"));
	/* a chunk line over 1024 bytes (extension) */
	n = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\nTransfer-Encoding: "
			       "chunked\r\n\r\n1;");
	memset(s + n, 'e', 1100);
	s[n + 1100] = '\0';
	assert_int_equal(parse(s, false, LIMIT, &r, err), EBADMSG);
	assert_non_null(strstr(err, "chunk line over 1024"));
}

static void
test_size_limit(void **state)
{
	struct cp_http_resp r;
	char err[128];

	(void)state;
	assert_int_equal(parse(resp_clen, false, 10, &r, err), EFBIG);
	assert_non_null(strstr(err, "Content-Length 11 over the size limit"));
	assert_int_equal(parse(resp_clen, false, 11, &r, err), 0);
	assert_int_equal(parse(resp_chunked, false, 14, &r, err), EFBIG);
	assert_int_equal(parse(resp_chunked, false, 15, &r, err), 0);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
			       "\r\n\r\nFFFFFFFFFFFFFFFFFFFF\r\n",
			       false, LIMIT, &r, err),
			 EFBIG);
	assert_int_equal(
		parse("HTTP/1.0 200 OK\r\n\r\nabcd", false, 3, &r, err), EFBIG);
}

/* ---- the driver against scripted servers */

struct srv {
	struct tcp_sock *ts;
	struct tcp_conn *tc;
	const char *const *parts; /* sent one tcp_send each */
	bool close_after;	  /* else stall */
	size_t got;		  /* request bytes */
	char req[1024];
};

struct res {
	bool called;
	int err;
	uint16_t status;
	char msg[CP_HTTP_ERR_MAX];
	uint8_t *data;
	size_t len;
};

static void
done_h(int err, const uint8_t *data, size_t len, uint16_t status,
       const char *msg, void *arg)
{
	struct res *r = arg;

	r->called = true;
	r->err = err;
	r->status = status;
	snprintf(r->msg, sizeof(r->msg), "%s", msg ? msg : "");
	r->len = len;
	if (err == 0) {
		r->data = malloc(len ? len : 1);
		memcpy(r->data, data, len);
	}
	re_cancel();
}

static void
srv_recv_h(struct mbuf *mb, void *arg)
{
	struct srv *s = arg;
	size_t n = mbuf_get_left(mb), i;

	if (s->got + n < sizeof(s->req)) {
		memcpy(s->req + s->got, mbuf_buf(mb), n);
		s->got += n;
		s->req[s->got] = '\0';
	}
	if (strstr(s->req, "\r\n\r\n") == NULL || s->parts == NULL)
		return;
	for (i = 0; s->parts[i] != NULL; i++) {
		struct mbuf *o = mbuf_alloc(strlen(s->parts[i]));

		mbuf_write_str(o, s->parts[i]);
		o->pos = 0;
		tcp_send(s->tc, o);
		mem_deref(o);
	}
	s->parts = NULL;
	if (s->close_after)
		s->tc = mem_deref(s->tc);
}

static void
srv_close_h(int err, void *arg)
{
	struct srv *s = arg;

	(void)err;
	s->tc = mem_deref(s->tc);
}

static void
srv_conn_h(const struct sa *peer, void *arg)
{
	struct srv *s = arg;

	(void)peer;
	if (s->tc != NULL) {
		tcp_reject(s->ts);
		return;
	}
	tcp_accept(&s->tc, s->ts, NULL, srv_recv_h, srv_close_h, s);
}

static void
guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
run(const struct sa *srv, const struct cp_http_cfg *cfg, struct res *r)
{
	struct cp_http_fetch *f = NULL;
	struct tmr guard;

	memset(r, 0, sizeof(*r));
	tmr_init(&guard);
	assert_int_equal(cp_http_fetch(&f, srv, cfg, done_h, r), 0);
	assert_false(r->called);
	tmr_start(&guard, 5000, guard_h, NULL);
	re_main(NULL);
	tmr_cancel(&guard);
	mem_deref(f);
	assert_true(r->called);
}

static void
scripted(const char *const *parts, bool close_after,
	 const struct cp_http_cfg *cfg, struct res *r, struct srv *s)
{
	struct sa a;

	memset(s, 0, sizeof(*s));
	s->parts = parts;
	s->close_after = close_after;
	sa_set_str(&a, "127.0.0.1", 0);
	assert_int_equal(tcp_listen(&s->ts, &a, srv_conn_h, s), 0);
	assert_int_equal(tcp_local_get(s->ts, &a), 0);
	run(&a, cfg, r);
	s->tc = mem_deref(s->tc);
	s->ts = mem_deref(s->ts);
}

static void
test_driver(void **state)
{
	static const char *const chunked[] = {
		"HTTP/1.1 200 OK\r\nTransfer-",
		"Encoding: chunked\r\n\r\n3\r\nabc\r",
		"\n4\r\ndefg\r\n0\r\n\r\n", NULL};
	static const char *const broken[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
		NULL};
	static const char *const slow[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome", NULL};
	static const char *const big[] = {"HTTP/1.1 200 OK\r\n\r\n0123456789",
					  NULL};
	struct cp_http_cfg cfg = {.path = "esg.cfg", .timeout_ms = 300};
	struct srv s;
	struct res r;
	uint64_t t0;
	struct sa a;

	(void)state;
	assert_int_equal(libre_init(), 0);
	scripted(chunked, true, &cfg, &r, &s);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 7);
	assert_memory_equal(r.data, "abcdefg", 7);
	free(r.data);
	/* the request the server saw */
	assert_non_null(strstr(s.req, "GET /esg.cfg HTTP/1.1\r\nHost: "
				      "127.0.0.1:"));
	scripted(broken, true, &cfg, &r, &s);
	assert_int_equal(r.err, EBADMSG);
	assert_non_null(strstr(r.msg, "two different Content-Length"));
	/* slow: part of the body, then nothing */
	t0 = tmr_jiffies();
	scripted(slow, false, &cfg, &r, &s);
	assert_int_equal(r.err, ETIMEDOUT);
	assert_true(tmr_jiffies() - t0 >= 300);
	assert_non_null(strstr(r.msg, "no complete response in 300 ms"));
	/* the size limit on a body that ends at the close */
	cfg.max_size = 5;
	scripted(big, true, &cfg, &r, &s);
	assert_int_equal(r.err, EFBIG);
	cfg.max_size = 0;
	/* nobody listening */
	sa_set_str(&a, "127.0.0.1", 0);
	{
		struct tcp_sock *ts = NULL;

		assert_int_equal(tcp_listen(&ts, &a, NULL, NULL), 0);
		tcp_local_get(ts, &a);
		mem_deref(ts);
	}
	run(&a, &cfg, &r);
	assert_int_equal(r.err, ECONNREFUSED);
	libre_close();
}

/* ---- against Python's http.server */

static int
free_tcp_port(void)
{
	struct tcp_sock *ts = NULL;
	int port = -1;
	struct sa a;

	sa_set_str(&a, "127.0.0.1", 0);
	if (tcp_listen(&ts, &a, NULL, NULL) == 0 && tcp_local_get(ts, &a) == 0)
		port = sa_port(&a);
	mem_deref(ts);
	return port;
}

static bool
can_connect(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static int
httpserver_test(const char *python)
{
	char dir[] = "/tmp/esg-http-XXXXXX", path[64], portstr[8];
	uint8_t file[5000];
	struct cp_http_cfg cfg = {.path = "/esg.cfg", .timeout_ms = 5000};
	struct res r;
	struct sa srv;
	pid_t pid = -1;
	int port, rc = 1, i;
	FILE *fp;

	if (access(python, X_OK) != 0) {
		printf("SKIP: needs %s\n", python);
		return 77;
	}
	if (libre_init() || mkdtemp(dir) == NULL)
		return 1;
	for (i = 0; i < (int)sizeof(file); i++)
		file[i] = (uint8_t)(i * 31 + 7);
	snprintf(path, sizeof(path), "%s/esg.cfg", dir);
	fp = fopen(path, "wb");
	if (fp == NULL || fwrite(file, 1, sizeof(file), fp) != sizeof(file))
		goto out;
	fclose(fp);
	port = free_tcp_port();
	if (port < 0)
		goto out;
	snprintf(portstr, sizeof(portstr), "%d", port);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(python, python, "-m", "http.server", "--bind",
		      "127.0.0.1", "--directory", dir, portstr, (char *)NULL);
		_exit(127);
	}
	/* bounded start wait: 10 s */
	for (i = 0; i < 100 && !can_connect(port); i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0) {
			printf("SKIP: http.server did not start\n");
			pid = -1;
			rc = 77;
			goto out;
		}
		usleep(100000);
	}
	if (i == 100) {
		printf("FAIL: http.server not listening after 10 s\n");
		goto out;
	}
	sa_set_str(&srv, "127.0.0.1", (uint16_t)port);
	run(&srv, &cfg, &r);
	if (r.err != 0 || r.status != 200 || r.len != sizeof(file) ||
	    memcmp(r.data, file, sizeof(file)) != 0) {
		printf("FAIL: esg.cfg: err %d status %u len %zu\n", r.err,
		       r.status, r.len);
		goto out;
	}
	free(r.data);
	cfg.path = "/missing.cfg";
	run(&srv, &cfg, &r);
	if (r.err != EPROTO || r.status != 404) {
		printf("FAIL: missing: err %d status %u\n", r.err, r.status);
		goto out;
	}
	cfg.path = "/esg.cfg";
	cfg.max_size = 4999;
	run(&srv, &cfg, &r);
	if (r.err != EFBIG) {
		printf("FAIL: size limit: err %d\n", r.err);
		goto out;
	}
	printf("ok: %zu bytes from http.server, 404, size limit\n",
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
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_driver),
	};

	if (argc == 3 && strcmp(argv[1], "--httpserver") == 0)
		return httpserver_test(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
