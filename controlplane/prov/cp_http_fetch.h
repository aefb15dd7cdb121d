/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP download of the configuration file (docs/provisioning-report.md
 * "HTTP"): spec 000 8.1.3 "a protocol (e.g., HTTP, TFTP) exchange to
 * download its configuration file", spec 001 5 (pkt-eue-5: TFTP, or
 * optionally HTTP) and 6.3.4 eUE-22/eUE-23 (HTTP per RFC 2616; today
 * RFC 9110/9112, same message syntax as RFC 7230).
 *
 * A small bounded HTTP/1.1 GET over a libre TCP connection, the same
 * shape as cp_tftp_fetch(): server address and port, a path, one
 * completion handler with the body or an error and its reason.
 *
 *  - cp_http_req_build(): the request (origin-form target, Host,
 *    Connection: close).
 *  - cp_http_resp_parse(): a pure parser of the bytes received so far
 *    (buf, len, out): status line, header fields, Content-Length or
 *    chunked transfer coding or a body up to the close; every read
 *    bounds-checked; EAGAIN while incomplete.
 *  - cp_http_fetch(): the libre driver with an overall time-out.
 *
 * Functions return 0 or a positive errno.
 */
#ifndef CP_HTTP_FETCH_H
#define CP_HTTP_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_HTTP_PORT 80
#define CP_HTTP_HDR_MAX 8192   /* status line + header section */
#define CP_HTTP_FIELDS_MAX 64  /* header fields (and trailer fields) */
#define CP_HTTP_REASON_MAX 128 /* reason phrase kept (cut) */
#define CP_HTTP_ERR_MAX 160
#define CP_HTTP_PATH_MAX 1024
#define CP_HTTP_REQ_MAX (CP_HTTP_PATH_MAX + 512)

/* The request: "GET <path> HTTP/1.1", Host, User-Agent, Accept,
 * Connection: close. path is the URL's path, already URL-encoded
 * (eUE-19 note 1); a missing leading '/' is added. host: the Host field
 * value (RFC 9112 3.2: required; an IPv6 literal in brackets). EINVAL
 * for a path or host with CTLs, spaces, '#' or non-ASCII bytes. */
int cp_http_req_build(const char *host, const char *path, char *buf,
		      size_t size, size_t *lenp);

struct cp_http_resp {
	uint16_t status;		     /* 100..599 */
	char reason[CP_HTTP_REASON_MAX + 1]; /* may be empty */
	size_t hdr_len;			     /* bytes up to the body */
	bool chunked;			     /* Transfer-Encoding: chunked */
	bool has_clen;
	uint64_t clen;		 /* Content-Length */
	bool to_close;		 /* neither: the body ends at the close */
	size_t body_off;	 /* identity body: its offset in buf */
	size_t body_len;	 /* the (decoded) body's length */
	unsigned int nb_interim; /* 1xx responses skipped */
};

/*
 * Parse the response in buf/len (all bytes received so far; eof: the
 * server closed). 0: complete, out filled; EAGAIN: more bytes needed;
 * EBADMSG: malformed, reason in err; EFBIG: the body (announced or
 * received) is over max_body. A final response other than 2xx is
 * complete as soon as its header section is (the body is not needed):
 * out->body_len 0. 1xx responses are skipped (RFC 9110 15.2).
 */
int cp_http_resp_parse(const uint8_t *buf, size_t len, bool eof,
		       size_t max_body, struct cp_http_resp *out, char *err,
		       size_t errsz);

/* The decoded body of a complete response r of buf/len into dst (cap
 * at least r->body_len): the identity bytes, or the chunks' data. */
int cp_http_resp_body(const uint8_t *buf, size_t len,
		      const struct cp_http_resp *r, uint8_t *dst, size_t cap);

/* ---- the libre driver */

struct sa;
struct cp_http_fetch;

struct cp_http_cfg {
	const char *path;    /* the file's URL path, e.g. "/esg.cfg" */
	const char *host;    /* Host field; NULL: the server's address */
	uint16_t port;	     /* 0 = 80 (the address's port wins if set) */
	uint32_t timeout_ms; /* whole exchange, 0 = 30000 */
	size_t max_size;     /* largest body, 0 = 1 MiB */
};

/* Called once: err 0 with the body (data valid during the call only)
 * and status 200; EPROTO with the server's status and reason (not 2xx);
 * EBADMSG (malformed response, reason in msg); EFBIG (over max_size);
 * ETIMEDOUT; a connection error (ECONNREFUSED, ECONNRESET ...). */
typedef void(cp_http_done_h)(int err, const uint8_t *data, size_t len,
			     uint16_t status, const char *msg, void *arg);

/* GET cfg->path from srv; h is not called after mem_deref(*fp). */
int cp_http_fetch(struct cp_http_fetch **fp, const struct sa *srv,
		  const struct cp_http_cfg *cfg, cp_http_done_h *h, void *arg);

#endif
