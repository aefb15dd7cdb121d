/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The HTTP/1.1 messages of the configuration file download
 * (cp_http_fetch.h): the GET request and a bounded parser of the
 * response (RFC 9112 message syntax, RFC 9110 semantics; spec 001 eUE-22
 * names RFC 2616, whose syntax they refine).
 *
 * What the parser refuses (EBADMSG with a reason), on purpose strict
 * because the configuration file decides how the ESG runs:
 *  - a status line that is not "HTTP/1.x NNN[ reason]" (RFC 9112 4);
 *  - a header section over CP_HTTP_HDR_MAX bytes or CP_HTTP_FIELDS_MAX
 *    fields; a field line without ':', with a space before ':' (RFC 9112
 *    5.1), a name that is not a token, a CTL in a value, obs-fold (5.2),
 *    a bare CR or LF (lines end in CRLF only);
 *  - a Content-Length that is not digits, or two that differ (RFC 9110
 *    8.6), or one next to Transfer-Encoding (RFC 9112 6.3 item 3: "ought
 *    to be handled as an error");
 *  - a transfer coding other than "chunked" alone (we ask for none);
 *  - a chunk size that is not hex, a chunk without its CRLF, a chunk
 *    line over 1024 bytes (7.1); 101 Switching Protocols (never asked);
 *  - a close before the announced end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cp_http_fetch.h"

#define CHUNK_LINE_MAX 1024
#define INTERIM_MAX 8

static int
perr(char *err, size_t errsz, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* RFC 3986 3.3 pchar, '/', '?' and '%': what a URL-encoded path holds. */
static bool
url_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= 0x20 || c >= 0x7f || c == '#' || c == '"' ||
		    c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
		    c == '{' || c == '|' || c == '}')
			return false;
	}
	return true;
}

int
cp_http_req_build(const char *host, const char *path, char *buf, size_t size,
		  size_t *lenp)
{
	int n;

	if (host == NULL || path == NULL || buf == NULL || lenp == NULL ||
	    host[0] == '\0' || strlen(path) > CP_HTTP_PATH_MAX ||
	    !url_ok(host) || !url_ok(path))
		return EINVAL;
	/* RFC 9112 3.2.1: origin-form; 3.2: Host is required in 1.1;
	 * 9.6: Connection: close, so a body without a length ends there */
	n = snprintf(buf, size,
		     "GET %s%s HTTP/1.1\r\n"
		     "Host: %s\r\n"
		     "User-Agent: esg\r\n"
		     "Accept: */*\r\n"
		     "Connection: close\r\n"
		     "\r\n",
		     path[0] == '/' ? "" : "/", path, host);
	if (n < 0 || (size_t)n >= size)
		return ENOSPC;
	*lenp = (size_t)n;
	return 0;
}

/* The offset of "\r\n" at or after from and before end, or end. */
static size_t
find_crlf(const uint8_t *buf, size_t from, size_t end)
{
	size_t i;

	for (i = from; i + 1 < end; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n')
			return i;
	return end;
}

/* RFC 9110 5.6.2 tchar */
static bool
is_tchar(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* The status line buf[off..eol) (RFC 9112 4). */
static int
parse_status(const uint8_t *l, size_t n, struct cp_http_resp *r, char *err,
	     size_t errsz)
{
	size_t i, k = 0;

	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || l[7] < '0' ||
	    l[7] > '9' || l[8] != ' ')
		return perr(err, errsz, EBADMSG,
			    "status line is not \"HTTP/1.x NNN reason\"");
	for (i = 9; i < 12; i++) {
		if (l[i] < '0' || l[i] > '9')
			return perr(err, errsz, EBADMSG,
				    "status code is not three digits");
	}
	r->status = (uint16_t)((l[9] - '0') * 100 + (l[10] - '0') * 10 +
			       (l[11] - '0'));
	if (r->status < 100 || r->status > 599)
		return perr(err, errsz, EBADMSG, "status code %u",
			    (unsigned int)r->status);
	/* "HTTP/1.1 200" without SP and reason is taken too */
	if (n > 12 && l[12] != ' ')
		return perr(err, errsz, EBADMSG, "no space after the status");
	for (i = 13; i < n; i++) {
		if ((l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f)
			return perr(err, errsz, EBADMSG,
				    "control byte 0x%02x in the reason", l[i]);
		if (k < CP_HTTP_REASON_MAX)
			r->reason[k++] = l[i] >= 0x80 ? '?' : (char)l[i];
	}
	r->reason[k] = '\0';
	return 0;
}

/* A Content-Length value: 1*DIGIT (RFC 9110 8.6). */
static int
parse_clen(const uint8_t *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 19)
		return EBADMSG;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return EBADMSG;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* One field line l/n (RFC 9112 5): name ":" OWS value OWS. Content-
 * Length and Transfer-Encoding go into r when hdr is true (not in a
 * trailer, RFC 9112 7.1.2). */
static int
parse_field(const uint8_t *l, size_t n, bool hdr, struct cp_http_resp *r,
	    char *err, size_t errsz)
{
	size_t c, vs, ve, i;

	if (n > 0 && (l[0] == ' ' || l[0] == '\t'))
		return perr(err, errsz, EBADMSG,
			    "obsolete line folding (RFC 9112 5.2)");
	for (c = 0; c < n && l[c] != ':'; c++) {
		if (!is_tchar(l[c]))
			return perr(err, errsz, EBADMSG,
				    "byte 0x%02x in a field name", l[c]);
	}
	if (c == 0 || c == n)
		return perr(err, errsz, EBADMSG, "field line without a name");
	for (i = c + 1; i < n; i++) {
		if ((l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f)
			return perr(err, errsz, EBADMSG,
				    "control byte 0x%02x in a field value",
				    l[i]);
	}
	for (vs = c + 1; vs < n && (l[vs] == ' ' || l[vs] == '\t'); vs++)
		;
	for (ve = n; ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'); ve--)
		;
	if (!hdr)
		return 0;
	if (c == 14 && strncasecmp((const char *)l, "content-length", c) == 0) {
		uint64_t x;

		if (parse_clen(l + vs, ve - vs, &x) != 0)
			return perr(err, errsz, EBADMSG,
				    "Content-Length is not a number");
		if (r->has_clen && r->clen != x)
			return perr(err, errsz, EBADMSG,
				    "two different Content-Length values");
		r->has_clen = true;
		r->clen = x;
	} else if (c == 17 &&
		   strncasecmp((const char *)l, "transfer-encoding", c) == 0) {
		if (ve - vs != 7 ||
		    strncasecmp((const char *)l + vs, "chunked", 7) != 0 ||
		    r->chunked)
			return perr(err, errsz, EBADMSG,
				    "transfer coding \"%.*s\" not supported",
				    (int)(ve - vs > 32 ? 32 : ve - vs),
				    (const char *)l + vs);
		r->chunked = true;
	}
	return 0;
}

/* Field lines from off up to the empty line; *endp: after its CRLF.
 * EAGAIN when the empty line is not in buf yet. */
static int
parse_fields(const uint8_t *buf, size_t len, size_t off, size_t limit, bool hdr,
	     struct cp_http_resp *r, unsigned int *nb, size_t *endp, char *err,
	     size_t errsz)
{
	size_t end = len < limit ? len : limit;
	int rc;

	for (;;) {
		size_t eol = find_crlf(buf, off, end);

		if (eol == end)
			return len >= limit ? perr(err, errsz, EBADMSG,
						   "header section over %d "
						   "bytes",
						   CP_HTTP_HDR_MAX)
					    : EAGAIN;
		if (memchr(buf + off, '\r', eol - off) != NULL ||
		    memchr(buf + off, '\n', eol - off) != NULL)
			return perr(err, errsz, EBADMSG, "bare CR or LF");
		if (eol == off) {
			*endp = eol + 2;
			return 0;
		}
		if (++*nb > CP_HTTP_FIELDS_MAX)
			return perr(err, errsz, EBADMSG, "over %d fields",
				    CP_HTTP_FIELDS_MAX);
		rc = parse_field(buf + off, eol - off, hdr, r, err, errsz);
		if (rc)
			return rc;
		off = eol + 2;
	}
}

/* The chunked body from off (RFC 9112 7.1); *total: the data bytes. */
static int
parse_chunked(const uint8_t *buf, size_t len, size_t off, size_t max_body,
	      size_t *total, char *err, size_t errsz)
{
	unsigned int nb = 0;
	size_t end;

	*total = 0;
	for (;;) {
		size_t eol = find_crlf(buf, off, len), i;
		uint64_t sz = 0;

		if (eol == len)
			return len - off > CHUNK_LINE_MAX
				       ? perr(err, errsz, EBADMSG,
					      "chunk line over %d bytes",
					      CHUNK_LINE_MAX)
				       : EAGAIN;
		if (eol - off > CHUNK_LINE_MAX)
			return perr(err, errsz, EBADMSG,
				    "chunk line over %d bytes", CHUNK_LINE_MAX);
		for (i = off;
		     i < eol &&
		     strchr("0123456789abcdefABCDEF", buf[i]) != NULL &&
		     buf[i] != '\0';
		     i++) {
			uint8_t c = buf[i];

			sz = sz * 16 + (uint64_t)(c <= '9'   ? c - '0'
						  : c <= 'F' ? c - 'A' + 10
							     : c - 'a' + 10);
			if (sz > max_body)
				return perr(err, errsz, EFBIG,
					    "chunk over the size limit");
		}
		/* chunk-ext after ';' is ignored (7.1.1), anything else
		 * after the size is not a chunk line */
		if (i == off || (i < eol && buf[i] != ';' && buf[i] != ' ' &&
				 buf[i] != '\t'))
			return perr(err, errsz, EBADMSG, "bad chunk size");
		if (memchr(buf + off, '\n', eol - off) != NULL)
			return perr(err, errsz, EBADMSG, "bare LF");
		off = eol + 2;
		if (sz == 0) /* last-chunk, then the trailer section */
			return parse_fields(buf, len, off,
					    off + CP_HTTP_HDR_MAX, false, NULL,
					    &nb, &end, err, errsz);
		if (*total + sz > max_body)
			return perr(err, errsz, EFBIG,
				    "body over the size limit %zu", max_body);
		if (len - off < sz + 2)
			return EAGAIN;
		if (buf[off + sz] != '\r' || buf[off + sz + 1] != '\n')
			return perr(err, errsz, EBADMSG,
				    "chunk data not followed by CRLF");
		*total += sz;
		off += sz + 2;
	}
}

/* The body of a 2xx response whose header section ends at off. */
static int
parse_body(const uint8_t *buf, size_t len, bool eof, size_t max_body,
	   size_t off, struct cp_http_resp *r, char *err, size_t errsz)
{
	int rc;

	r->body_off = off;
	if (r->status == 204 || r->status == 304) {
		r->body_len = 0;
		return 0;
	}
	if (r->chunked) {
		rc = parse_chunked(buf, len, off, max_body, &r->body_len, err,
				   errsz);
	} else if (r->has_clen) {
		if (r->clen > max_body)
			return perr(err, errsz, EFBIG,
				    "Content-Length %llu over the size limit "
				    "%zu",
				    (unsigned long long)r->clen, max_body);
		r->body_len = (size_t)r->clen;
		rc = len - off >= r->clen ? 0 : EAGAIN;
	} else {
		r->to_close = true;
		r->body_len = len - off;
		if (r->body_len > max_body)
			return perr(err, errsz, EFBIG,
				    "body over the size limit %zu", max_body);
		rc = eof ? 0 : EAGAIN;
	}
	if (rc == EAGAIN && eof)
		return perr(err, errsz, EBADMSG,
			    "connection closed before the end of the body");
	return rc;
}

int
cp_http_resp_parse(const uint8_t *buf, size_t len, bool eof, size_t max_body,
		   struct cp_http_resp *out, char *err, size_t errsz)
{
	struct cp_http_resp r;
	size_t base = 0, off, eol, limit;
	unsigned int nb, interim = 0;
	int rc;

	if ((buf == NULL && len > 0) || out == NULL)
		return EINVAL;
	for (;;) {
		memset(&r, 0, sizeof(r));
		r.nb_interim = interim;
		limit = base + CP_HTTP_HDR_MAX;
		eol = find_crlf(buf, base, len < limit ? len : limit);
		if (eol == (len < limit ? len : limit)) {
			rc = len >= limit ? perr(err, errsz, EBADMSG,
						 "status line over %d bytes",
						 CP_HTTP_HDR_MAX)
					  : EAGAIN;
			break;
		}
		rc = parse_status(buf + base, eol - base, &r, err, errsz);
		if (rc)
			break;
		nb = 0;
		rc = parse_fields(buf, len, eol + 2, limit, true, &r, &nb, &off,
				  err, errsz);
		if (rc)
			break;
		if (r.has_clen && r.chunked) {
			rc = perr(err, errsz, EBADMSG,
				  "both Content-Length and Transfer-Encoding");
			break;
		}
		r.hdr_len = off;
		if (r.status == 101) {
			rc = perr(err, errsz, EBADMSG,
				  "101 Switching Protocols not asked for");
			break;
		}
		if (r.status >= 200)
			break;
		/* RFC 9110 15.2: interim responses before the final one */
		if (++interim > INTERIM_MAX) {
			rc = perr(err, errsz, EBADMSG, "over %d 1xx responses",
				  INTERIM_MAX);
			break;
		}
		base = off;
	}
	if (rc == EAGAIN && eof)
		rc = perr(err, errsz, EBADMSG,
			  "connection closed in the header section");
	if (rc)
		return rc;
	/* a final response other than 2xx: the body is not needed */
	if (r.status < 300) {
		rc = parse_body(buf, len, eof, max_body, off, &r, err, errsz);
		if (rc)
			return rc;
	}
	*out = r;
	return 0;
}

int
cp_http_resp_body(const uint8_t *buf, size_t len, const struct cp_http_resp *r,
		  uint8_t *dst, size_t cap)
{
	size_t off = r->body_off, w = 0;

	if (r->body_len > cap || r->body_off > len)
		return ENOSPC;
	if (!r->chunked) {
		if (len - off < r->body_len)
			return EINVAL;
		if (r->body_len > 0)
			memcpy(dst, buf + off, r->body_len);
		return 0;
	}
	/* the framing was checked by cp_http_resp_parse(); bounds again */
	while (w < r->body_len) {
		size_t eol = find_crlf(buf, off, len);
		uint64_t sz = 0;
		size_t i;

		for (i = off; i < eol; i++) {
			uint8_t c = buf[i];

			if (c >= '0' && c <= '9')
				sz = sz * 16 + (c - '0');
			else if (c >= 'a' && c <= 'f')
				sz = sz * 16 + (c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				sz = sz * 16 + (c - 'A' + 10);
			else
				break;
			if (sz > r->body_len)
				return EINVAL;
		}
		off = eol + 2;
		if (eol == len || sz == 0 || sz > r->body_len - w ||
		    off > len || len - off < sz)
			return EINVAL;
		memcpy(dst + w, buf + off, sz);
		w += sz;
		off += sz + 2;
	}
	return 0;
}
