/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guard's look at a raw SIP datagram and its answer (cp_sipguard.h):
 * only the start line and the headers a response or libre needs, every
 * read bounded by the datagram. Not a SIP parser: libre parses what passes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cp_sipguard.h"

/* RFC 3261 25.1 token characters. */
static bool
is_token(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-.!%*_+`'~", c) != NULL;
}

static bool
is_digits(const char *p, size_t n, size_t maxn)
{
	size_t i;

	if (n == 0 || n > maxn)
		return false;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static unsigned long long
digits_val(const char *p, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned long long)(p[i] - '0');
	return v;
}

/* STUN (RFC 5389 6): top two bits 0, the magic cookie at offset 4. */
static bool
is_stun(const uint8_t *b, size_t n)
{
	return n >= 20 && (b[0] & 0xc0) == 0 && b[4] == 0x21 && b[5] == 0x12 &&
	       b[6] == 0xa4 && b[7] == 0x42;
}

/* The line at b[pos..n): its length without CR LF; *next after the LF.
 * false when no LF ends it inside n. */
static bool
line_at(const uint8_t *b, size_t n, size_t pos, size_t *len, size_t *next)
{
	const uint8_t *lf = memchr(b + pos, '\n', n - pos);
	size_t end;

	if (lf == NULL)
		return false;
	end = (size_t)(lf - b);
	*next = end + 1;
	if (end > pos && b[end - 1] == '\r')
		end--;
	*len = end - pos;
	return true;
}

/* Text of a start or header line: no control characters but HTAB
 * (RFC 3261 25.1 TEXT-UTF8 / header values). */
static bool
text_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f)
			return false;
	return true;
}

/* "METHOD SP Request-URI SP SIP/2.0" or "SIP/2.0 SP 3DIGIT SP reason"
 * (RFC 3261 7.1, 7.2). */
static bool
start_line(const uint8_t *b, size_t n, struct cp_sipguard_msg *m)
{
	const char *s = (const char *)b;
	size_t i = 0, u;

	if (!text_ok(b, n))
		return false;
	if (n >= 11 && memcmp(s, "SIP/2.0 ", 8) == 0) {
		return is_digits(s + 8, 3, 3) && s[8] >= '1' && s[8] <= '6' &&
		       (n == 11 || s[11] == ' ');
	}
	while (i < n && is_token(b[i]))
		i++;
	if (i == 0 || i >= n || b[i] != ' ')
		return false;
	m->method.p = s;
	m->method.len = i;
	u = ++i;
	while (i < n && b[i] != ' ' && (b[i] & 0x80) == 0)
		i++;
	if (i == u || i >= n || b[i] != ' ')
		return false;
	m->request = true;
	return n - i - 1 == 7 && memcmp(s + i + 1, "SIP/2.0", 7) == 0;
}

enum hdr_kind {
	H_OTHER,
	H_VIA,
	H_FROM,
	H_TO,
	H_CALLID,
	H_CSEQ,
	H_MAXFWD,
	H_CLEN
};

static enum hdr_kind
hdr_kind(const char *p, size_t n)
{
	static const struct {
		const char *full, *compact;
		enum hdr_kind k;
	} names[] = {
		{"via", "v", H_VIA},
		{"from", "f", H_FROM},
		{"to", "t", H_TO},
		{"call-id", "i", H_CALLID},
		{"cseq", NULL, H_CSEQ},
		{"max-forwards", NULL, H_MAXFWD},
		{"content-length", "l", H_CLEN},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].full) == n &&
		    strncasecmp(p, names[i].full, n) == 0)
			return names[i].k;
		if (names[i].compact != NULL && n == 1 &&
		    (p[0] | 0x20) == names[i].compact[0])
			return names[i].k;
	}
	return H_OTHER;
}

struct scan {
	struct cp_sipguard_str *last; /* the value a fold continues */
	struct cp_sipguard_str other; /* a header we do not keep */
	const char *bad;	      /* first fault, a reason phrase */
	enum cp_sipguard_why bad_why;
	bool many_via;
	bool has_clen;
	unsigned long long clen;
};

static void
fault(struct scan *sc, enum cp_sipguard_why why, const char *reason)
{
	if (sc->bad == NULL) {
		sc->bad = reason;
		sc->bad_why = why;
	}
}

static void
single(struct scan *sc, struct cp_sipguard_str *slot, const char *p, size_t n,
       const char *dup)
{
	if (slot->p != NULL) {
		fault(sc, CP_SIPGUARD_BAD_HEADER, dup);
		sc->last = &sc->other;
		return;
	}
	slot->p = p;
	slot->len = n;
	sc->last = slot;
}

/* One header line (b, n): name, colon, value (RFC 3261 7.3.1). */
static void
header(struct scan *sc, const uint8_t *b, size_t n, struct cp_sipguard_msg *m)
{
	const char *s = (const char *)b;
	size_t i = 0, name, v;

	while (i < n && is_token(b[i]))
		i++;
	name = i;
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	if (name == 0 || i >= n || b[i] != ':') {
		sc->last = NULL;
		fault(sc, CP_SIPGUARD_BAD_HEADER, "Bad Header Syntax");
		return;
	}
	for (i++; i < n && (b[i] == ' ' || b[i] == '\t'); i++)
		;
	v = n;
	while (v > i && (b[v - 1] == ' ' || b[v - 1] == '\t'))
		v--;
	sc->other.p = s + i;
	sc->other.len = v - i;
	sc->last = &sc->other; /* a fold of it is fine, not kept */
	switch (hdr_kind(s, name)) {
	case H_VIA:
		if (m->nb_via == CP_SIPGUARD_MAX_VIA) {
			sc->many_via = true;
			break;
		}
		m->via[m->nb_via].p = s + i;
		m->via[m->nb_via].len = v - i;
		sc->last = &m->via[m->nb_via++];
		break;
	case H_FROM:
		single(sc, &m->from, s + i, v - i, "Duplicate From Header");
		break;
	case H_TO:
		single(sc, &m->to, s + i, v - i, "Duplicate To Header");
		break;
	case H_CALLID:
		single(sc, &m->callid, s + i, v - i,
		       "Duplicate Call-ID Header");
		break;
	case H_CSEQ:
		single(sc, &m->cseq, s + i, v - i, "Duplicate CSeq Header");
		break;
	case H_MAXFWD:
		/* RFC 3261 20.22: 1*DIGIT; 8.1.1.6 suggests 70, at most
		 * 255 is what any element sends */
		if (m->has_maxfwd || !is_digits(s + i, v - i, 3) ||
		    digits_val(s + i, v - i) > 255)
			fault(sc, CP_SIPGUARD_BAD_MAXFWD,
			      "Bad Max-Forwards Header");
		m->has_maxfwd = true;
		break;
	case H_CLEN:
		if (sc->has_clen || !is_digits(s + i, v - i, 10))
			fault(sc, CP_SIPGUARD_BAD_CLEN,
			      "Bad Content-Length Header");
		else
			sc->clen = digits_val(s + i, v - i);
		sc->has_clen = true;
		break;
	case H_OTHER:
		break;
	}
}

/* A header line starting with SP/HTAB continues the one before (RFC 3261
 * 7.3.1): the value slice grows over the fold. */
static void
fold(struct scan *sc, const uint8_t *line, size_t n)
{
	size_t v = n;

	if (sc->last == NULL) {
		fault(sc, CP_SIPGUARD_BAD_HEADER, "Bad Header Syntax");
		return;
	}
	while (v > 0 && (line[v - 1] == ' ' || line[v - 1] == '\t'))
		v--;
	if (v > 0)
		sc->last->len = (size_t)((const char *)line + v - sc->last->p);
}

/* CSeq: 1*DIGIT LWS Method, the number below 2^31 (RFC 3261 8.1.1.5),
 * the method the request line's (RFC 3261 8.2 / 20.16). */
static bool
cseq_ok(const struct cp_sipguard_msg *m)
{
	const char *p = m->cseq.p;
	size_t n = m->cseq.len, i = 0, d;

	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	d = i;
	if (d == 0 || d > 10 || digits_val(p, d) > 0x7fffffffull)
		return false;
	while (i < n &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i == d)
		return false;
	if (!m->request)
		return i < n;
	return n - i == m->method.len &&
	       memcmp(p + i, m->method.p, m->method.len) == 0;
}

static void
missing(struct scan *sc, const struct cp_sipguard_msg *m)
{
	if (m->nb_via == 0 && !sc->many_via)
		fault(sc, CP_SIPGUARD_MISSING, "Missing Via Header");
	else if (m->from.p == NULL)
		fault(sc, CP_SIPGUARD_MISSING, "Missing From Header");
	else if (m->to.p == NULL)
		fault(sc, CP_SIPGUARD_MISSING, "Missing To Header");
	else if (m->callid.p == NULL || m->callid.len == 0)
		fault(sc, CP_SIPGUARD_MISSING, "Missing Call-ID Header");
	else if (m->cseq.p == NULL)
		fault(sc, CP_SIPGUARD_MISSING, "Missing CSeq Header");
	else if (!cseq_ok(m))
		fault(sc, CP_SIPGUARD_BAD_CSEQ, "Bad CSeq Header");
}

/* Scan the header lines from pos; returns where the body starts, or 0
 * when the header section does not end inside n. */
static size_t
headers(struct scan *sc, const uint8_t *b, size_t n, size_t pos,
	struct cp_sipguard_msg *m)
{
	unsigned int lines = 0;
	size_t len, next;

	while (pos < n && line_at(b, n, pos, &len, &next)) {
		if (len == 0)
			return next;
		if (++lines > CP_SIPGUARD_MAX_HDRS) {
			fault(sc, CP_SIPGUARD_BAD_HEADER, "Too Many Headers");
			return 0;
		}
		if (!text_ok(b + pos, len)) {
			/* a fold after it does not join the header before */
			sc->last = NULL;
			fault(sc, CP_SIPGUARD_BAD_HEADER, "Bad Header Syntax");
		} else if (b[pos] == ' ' || b[pos] == '\t') {
			fold(sc, b + pos, len);
		} else {
			header(sc, b + pos, len, m);
		}
		pos = next;
	}
	return 0;
}

static bool
is_ack(const struct cp_sipguard_msg *m)
{
	return m->method.len == 3 && memcmp(m->method.p, "ACK", 3) == 0;
}

int
cp_sipguard_parse(const uint8_t *buf, size_t len, size_t max_bytes,
		  struct cp_sipguard_msg *out)
{
	struct scan sc = {0};
	size_t n, llen, next, body;
	bool big = len > max_bytes;
	size_t i;

	if (buf == NULL || out == NULL)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	n = big ? max_bytes : len;
	if (!big && is_stun(buf, n)) {
		out->why = CP_SIPGUARD_STUN;
		return 0;
	}
	for (i = 0; i < n && (buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	if (n > 0 && i == n) {
		out->why = CP_SIPGUARD_KEEPALIVE;
		return EBADMSG;
	}
	if (!line_at(buf, n, 0, &llen, &next) || !start_line(buf, llen, out)) {
		out->why = big ? CP_SIPGUARD_TOO_LARGE : CP_SIPGUARD_GARBAGE;
		out->request = false;
		return big ? EMSGSIZE : EBADMSG;
	}
	body = headers(&sc, buf, n, next, out);
	if (big) {
		/* 513 when the first max_bytes hold what a reply needs */
		out->why = CP_SIPGUARD_TOO_LARGE;
		missing(&sc, out);
		out->answer = out->request && !is_ack(out) && sc.bad == NULL &&
			      !sc.many_via;
		out->scode = 513;
		snprintf(out->reason, sizeof(out->reason), "Message Too Large");
		return EMSGSIZE;
	}
	if (body == 0)
		fault(&sc, CP_SIPGUARD_BAD_HEADER, "Bad Header Section");
	missing(&sc, out);
	/* RFC 3261 18.3: a body shorter than Content-Length is an error */
	if (body != 0 && sc.has_clen && sc.clen > n - body)
		fault(&sc, CP_SIPGUARD_BAD_CLEN, "Bad Content-Length Header");
	if (sc.bad == NULL && sc.many_via)
		fault(&sc, CP_SIPGUARD_MANY_VIA, "Too Many Via Headers");
	if (sc.bad == NULL) {
		out->why = CP_SIPGUARD_OK;
		return 0;
	}
	out->why = sc.bad_why;
	/* a reply goes back along the Vias: none, or more than we keep,
	 * and there is no route for it */
	out->answer =
		out->request && !is_ack(out) && out->nb_via > 0 && !sc.many_via;
	out->scode = 400;
	snprintf(out->reason, sizeof(out->reason), "%s", sc.bad);
	return EBADMSG;
}

/* Has the To value a tag parameter? Parameters of the header follow the
 * name-addr's '>' or, without '<', the addr-spec (RFC 3261 20.39). */
static bool
has_tag(const struct cp_sipguard_str *to)
{
	const char *p = to->p, *end = to->p + to->len;
	size_t i;

	if (memchr(to->p, '<', to->len) != NULL) {
		for (i = to->len; i > 0 && to->p[i - 1] != '>'; i--)
			;
		p = to->p + i;
	}
	for (; p < end; p++) {
		const char *q = p + 1;

		if (*p != ';')
			continue;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (end - q >= 4 && strncasecmp(q, "tag=", 4) == 0)
			return true;
	}
	return false;
}

int
cp_sipguard_reply(struct mbuf *mb, const struct cp_sipguard_msg *m,
		  const char *totag)
{
	unsigned int i;
	int err;

	if (mb == NULL || m == NULL || !m->answer || m->nb_via == 0)
		return EINVAL;
	err = mbuf_printf(mb, "SIP/2.0 %u %s\r\n", m->scode, m->reason);
	for (i = 0; err == 0 && i < m->nb_via; i++)
		err = mbuf_printf(mb, "Via: %b\r\n", m->via[i].p,
				  m->via[i].len);
	if (err == 0 && m->from.p != NULL)
		err = mbuf_printf(mb, "From: %b\r\n", m->from.p, m->from.len);
	if (err == 0 && m->to.p != NULL)
		err = mbuf_printf(
			mb, "To: %b%s%s\r\n", m->to.p, m->to.len,
			has_tag(&m->to) || totag == NULL ? "" : ";tag=",
			has_tag(&m->to) || totag == NULL ? "" : totag);
	if (err == 0 && m->callid.p != NULL)
		err = mbuf_printf(mb, "Call-ID: %b\r\n", m->callid.p,
				  m->callid.len);
	if (err == 0 && m->cseq.p != NULL)
		err = mbuf_printf(mb, "CSeq: %b\r\n", m->cseq.p, m->cseq.len);
	if (err == 0)
		err = mbuf_printf(mb, "Content-Length: 0\r\n\r\n");
	return err;
}
