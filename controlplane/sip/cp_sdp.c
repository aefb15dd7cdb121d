/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SDP parser (cp_sdp.h): RFC 8866 line grammar within the limits of
 * cp_sdp.h, into the model the B2BUA reads and the line list the writer
 * (cp_sdp_rewrite.c) walks. Every read is bounded by the line's length;
 * the body is copied, so the caller's buffer may go.
 *
 * Strict where the RFC is (RFC 8866 5: v=, o=, s= first and in that
 * order, t= before the first m=, an unknown line type refuses the whole
 * description; 5.7: a c= for every stream), lenient where real stacks
 * differ and nothing depends on it (runs of spaces between fields, an LF
 * line end without CR, empty lines at the end, no ordering check of the
 * optional lines). docs/sdp.md lists what is refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_sdp_int.h"

int
cp_sdp_bad(struct cp_sdp_pctx *px, const char *fmt, ...)
{
	char msg[CP_SDP_WHY_LEN];
	va_list ap;

	if (px->why == NULL || px->whylen == 0)
		return EBADMSG;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(px->why, px->whylen, "line %u: %s", px->idx + 1, msg);
	return EBADMSG;
}

/* The next token of s[*pos..len) separated by spaces; false at the end. */
bool
cp_sdp_tok_next(const char *s, size_t len, size_t *pos, struct cp_sdp_tok *t)
{
	size_t i = *pos;

	while (i < len && s[i] == ' ')
		i++;
	if (i == len)
		return false;
	t->p = s + i;
	while (i < len && s[i] != ' ')
		i++;
	t->l = (size_t)(s + i - t->p);
	*pos = i;
	return true;
}

bool
cp_sdp_tok_eq(const struct cp_sdp_tok *t, const char *s)
{
	return t->l == strlen(s) && memcmp(t->p, s, t->l) == 0;
}

static bool
tok_caseeq(const struct cp_sdp_tok *t, const char *s)
{
	return t->l == strlen(s) && strncasecmp(t->p, s, t->l) == 0;
}

/* Decimal digits only, at most 20, no overflow, <= max. */
bool
cp_sdp_num(const char *p, size_t l, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;
	size_t i;

	if (l == 0 || l > 20)
		return false;
	for (i = 0; i < l; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		if (n > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(p[i] - '0');
	}
	if (n > max)
		return false;
	*v = n;
	return true;
}

void
cp_sdp_tok_copy(char *dst, size_t dlen, const struct cp_sdp_tok *t)
{
	size_t l = t->l < dlen - 1 ? t->l : dlen - 1;

	memcpy(dst, t->p, l);
	dst[l] = '\0';
}

/* The multicast suffix of RFC 8866 5.7: IP4 /ttl[/n], IP6 /n. */
static bool
mcast_suffix_ok(const char *p, size_t l, int af)
{
	const char *sl = memchr(p, '/', l);
	uint64_t v;

	if (sl == NULL)
		return cp_sdp_num(p, l, af == AF_INET ? 255 : 65535, &v) &&
		       (af == AF_INET || v > 0);
	if (af != AF_INET)
		return false;
	return cp_sdp_num(p, (size_t)(sl - p), 255, &v) &&
	       cp_sdp_num(sl + 1, l - (size_t)(sl - p) - 1, 65535, &v) && v > 0;
}

/*
 * <nettype> <addrtype> <connection-address> (RFC 8866 5.7, RFC 3605 2.1)
 * into c; NULL or the reason it is refused. Only numeric addresses: the
 * ESG sends media to them (a name would need DNS on the call path).
 */
const char *
cp_sdp_addr_parse(struct cp_sdp_conn *c, const struct cp_sdp_tok *net,
		  const struct cp_sdp_tok *atype, const struct cp_sdp_tok *addr,
		  bool mcast_ok)
{
	char str[INET6_ADDRSTRLEN];
	const char *sl;
	uint8_t a[16];
	size_t al;

	if (!cp_sdp_tok_eq(net, "IN"))
		return "unknown nettype (RFC 8866 5.7: IN)";
	if (cp_sdp_tok_eq(atype, "IP4"))
		c->af = AF_INET;
	else if (cp_sdp_tok_eq(atype, "IP6"))
		c->af = AF_INET6;
	else
		return "unknown addrtype (RFC 8866 5.7: IP4, IP6)";
	sl = memchr(addr->p, '/', addr->l);
	al = sl != NULL ? (size_t)(sl - addr->p) : addr->l;
	if (al == 0 || al >= sizeof(str))
		return "bad address";
	memcpy(str, addr->p, al);
	str[al] = '\0';
	if (inet_pton(c->af, str, a) != 1)
		return c->af == AF_INET
			       ? "address is not a numeric IP4 address"
			       : "address is not a numeric IP6 address";
	sa_init(&c->addr, c->af);
	if (c->af == AF_INET) {
		uint32_t a4;

		memcpy(&a4, a, sizeof(a4));
		sa_set_in(&c->addr, ntohl(a4), 0);
		c->multicast = (a[0] & 0xf0) == 0xe0; /* 224.0.0.0/4 */
	} else {
		sa_set_in6(&c->addr, a, 0);
		c->multicast = a[0] == 0xff; /* ff00::/8 */
	}
	if (sl != NULL && (!mcast_ok || !c->multicast ||
			   !mcast_suffix_ok(sl + 1, addr->l - al - 1, c->af)))
		return "bad /ttl or /n suffix (RFC 8866 5.7: multicast only)";
	c->unspec = sa_is_any(&c->addr);
	c->set = true;
	return NULL;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>
 * (RFC 8866 5.2). The address may be a name: it is replaced anyway. */
static int
origin_parse(struct cp_sdp_pctx *px, const char *v, size_t vl)
{
	struct cp_sdp_origin_info *o = &px->sdp->origin;
	struct cp_sdp_tok t[7];
	size_t pos = 0;
	unsigned int n = 0;

	while (n < 7 && cp_sdp_tok_next(v, vl, &pos, &t[n]))
		n++;
	if (n != 6)
		return cp_sdp_bad(px, "o= needs 6 fields (RFC 8866 5.2)");
	cp_sdp_tok_copy(o->user, sizeof(o->user), &t[0]);
	if (!cp_sdp_num(t[1].p, t[1].l, UINT64_MAX, &o->sess_id) ||
	    !cp_sdp_num(t[2].p, t[2].l, UINT64_MAX, &o->sess_ver))
		return cp_sdp_bad(px, "o= session id or version not numeric");
	if (!cp_sdp_tok_eq(&t[3], "IN"))
		return cp_sdp_bad(px, "o= unknown nettype (RFC 8866 5.2: IN)");
	if (cp_sdp_tok_eq(&t[4], "IP4"))
		o->af = AF_INET;
	else if (cp_sdp_tok_eq(&t[4], "IP6"))
		o->af = AF_INET6;
	else
		return cp_sdp_bad(px, "o= unknown addrtype (RFC 8866 5.2)");
	cp_sdp_tok_copy(o->addr, sizeof(o->addr), &t[5]);
	px->seen_o = true;
	return 0;
}

/* c=<nettype> <addrtype> <connection-address> (RFC 8866 5.7): one per
 * level (several at media level are for layered multicast only). */
static int
conn_parse(struct cp_sdp_pctx *px, struct cp_sdp_line *ln, const char *v,
	   size_t vl)
{
	struct cp_sdp_conn *c = px->m != NULL ? &px->m->conn : &px->sdp->conn;
	struct cp_sdp_conn nc = {0};
	struct cp_sdp_tok t[4];
	size_t pos = 0;
	unsigned int n = 0;
	const char *err;

	if (c->set)
		return cp_sdp_bad(px, "second c= at the same level");
	while (n < 4 && cp_sdp_tok_next(v, vl, &pos, &t[n]))
		n++;
	if (n != 3)
		return cp_sdp_bad(px, "c= needs 3 fields (RFC 8866 5.7)");
	err = cp_sdp_addr_parse(&nc, &t[0], &t[1], &t[2], true);
	if (err != NULL)
		return cp_sdp_bad(px, "c= %s", err);
	*c = nc;
	ln->tag = CP_SDP_L_CONN;
	return 0;
}

/* RFC 3551 6, table 4 and 5: the static payload types' encodings. */
static void
pt_static(struct cp_sdp_pt *p)
{
	static const struct {
		uint8_t pt;
		const char *enc;
		uint32_t hz;
		uint8_t ch;
	} tbl[] = {
		{0, "PCMU", 8000, 1},	{3, "GSM", 8000, 1},
		{4, "G723", 8000, 1},	{5, "DVI4", 8000, 1},
		{6, "DVI4", 16000, 1},	{7, "LPC", 8000, 1},
		{8, "PCMA", 8000, 1},	{9, "G722", 8000, 1},
		{10, "L16", 44100, 2},	{11, "L16", 44100, 1},
		{12, "QCELP", 8000, 1}, {13, "CN", 8000, 1},
		{14, "MPA", 90000, 1},	{15, "G728", 8000, 1},
		{16, "DVI4", 11025, 1}, {17, "DVI4", 22050, 1},
		{18, "G729", 8000, 1},	{25, "CelB", 90000, 1},
		{26, "JPEG", 90000, 1}, {28, "nv", 90000, 1},
		{31, "H261", 90000, 1}, {32, "MPV", 90000, 1},
		{33, "MP2T", 90000, 1}, {34, "H263", 90000, 1},
	};
	size_t i;

	p->channels = 1;
	for (i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++) {
		if (tbl[i].pt != p->pt)
			continue;
		snprintf(p->enc, sizeof(p->enc), "%s", tbl[i].enc);
		p->clock_hz = tbl[i].hz;
		p->channels = tbl[i].ch;
		return;
	}
}

static const struct {
	const char *name;
	enum cp_sdp_proto proto;
} protos[] = {
	{"RTP/AVP", CP_SDP_RTP_AVP},
	{"RTP/AVPF", CP_SDP_RTP_AVPF},
	{"RTP/SAVP", CP_SDP_RTP_SAVP},
	{"RTP/SAVPF", CP_SDP_RTP_SAVPF},
	{"UDP/TLS/RTP/SAVP", CP_SDP_UDP_TLS_RTP_SAVP},
	{"UDP/TLS/RTP/SAVPF", CP_SDP_UDP_TLS_RTP_SAVPF},
	{"udp", CP_SDP_UDP},
};

static const char *const kinds[] = {
	[CP_SDP_AUDIO] = "audio",     [CP_SDP_VIDEO] = "video",
	[CP_SDP_TEXT] = "text",	      [CP_SDP_APPLICATION] = "application",
	[CP_SDP_MESSAGE] = "message", [CP_SDP_IMAGE] = "image",
	[CP_SDP_KIND_OTHER] = NULL,
};

static void
media_names(struct cp_sdp_media *m, const struct cp_sdp_tok *kind,
	    const struct cp_sdp_tok *proto)
{
	size_t i;

	cp_sdp_tok_copy(m->kind_name, sizeof(m->kind_name), kind);
	m->kind = CP_SDP_KIND_OTHER;
	for (i = 0; i < CP_SDP_KIND_OTHER; i++)
		if (cp_sdp_tok_eq(kind, kinds[i]))
			m->kind = (enum cp_sdp_kind)i;
	cp_sdp_tok_copy(m->proto_name, sizeof(m->proto_name), proto);
	m->proto = CP_SDP_PROTO_OTHER;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (tok_caseeq(proto, protos[i].name))
			m->proto = protos[i].proto;
	/* RFC 8866 5.14: with an RTP proto the formats are payload types;
	 * TCP/RTP/AVP (RFC 4571) and the like are RTP too. */
	m->rtp = strstr(m->proto_name, "RTP/") != NULL;
	m->secure = strstr(m->proto_name, "SAVP") != NULL;
}

/* The formats of an RTP m= line: payload types 0..127 (RFC 3551 3). */
static int
media_pts(struct cp_sdp_pctx *px, struct cp_sdp_media *m, const char *v,
	  size_t vl, size_t pos)
{
	struct cp_sdp_tok t;
	uint64_t pt;
	unsigned int i = 0;

	m->pts = mem_zalloc(m->nfmt * sizeof(*m->pts), NULL);
	if (m->pts == NULL)
		return ENOMEM;
	while (cp_sdp_tok_next(v, vl, &pos, &t)) {
		if (!cp_sdp_num(t.p, t.l, 127, &pt))
			return cp_sdp_bad(
				px, "m= payload type not 0..127 (RFC 3551)");
		m->pts[i].pt = (uint8_t)pt;
		pt_static(&m->pts[i]);
		i++;
	}
	return 0;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866
 * 5.14). */
static int
media_parse(struct cp_sdp_pctx *px, const char *v, size_t vl)
{
	struct cp_sdp *sdp = px->sdp;
	struct cp_sdp_media *m = &sdp->media[sdp->nmedia];
	struct cp_sdp_tok kind, port, proto, t;
	size_t pos = 0, fpos;
	const char *sl;
	uint64_t n;

	if (!px->seen_t)
		return cp_sdp_bad(
			px, "m= before t= (RFC 8866 5.9: t= is mandatory)");
	if (!cp_sdp_tok_next(v, vl, &pos, &kind) ||
	    kind.l >= sizeof(m->kind_name))
		return cp_sdp_bad(px, "m= without a media type");
	if (!cp_sdp_tok_next(v, vl, &pos, &port))
		return cp_sdp_bad(px, "m= without a port");
	if (!cp_sdp_tok_next(v, vl, &pos, &proto) ||
	    proto.l >= sizeof(m->proto_name))
		return cp_sdp_bad(px, "m= without a proto");
	fpos = pos;
	while (cp_sdp_tok_next(v, vl, &pos, &t))
		m->nfmt++;
	if (m->nfmt == 0)
		return cp_sdp_bad(px, "m= without formats (RFC 8866 5.14)");
	if (m->nfmt > CP_SDP_MAX_FMT)
		return cp_sdp_bad(px, "m= with more than %u formats",
				  CP_SDP_MAX_FMT);
	sl = memchr(port.p, '/', port.l);
	if (!cp_sdp_num(port.p, sl != NULL ? (size_t)(sl - port.p) : port.l,
			65535, &n))
		return cp_sdp_bad(px, "m= port not 0..65535");
	m->port = (uint16_t)n;
	m->nports = 1;
	if (sl != NULL) {
		if (!cp_sdp_num(sl + 1, port.l - (size_t)(sl - port.p) - 1,
				65535, &n) ||
		    n == 0)
			return cp_sdp_bad(px, "m= bad number of ports");
		m->nports = (uint16_t)n;
	}
	media_names(m, &kind, &proto);
	px->m = m;
	sdp->nmedia++;
	return m->rtp ? media_pts(px, m, v, vl, fpos) : 0;
}

static int
line_parse(struct cp_sdp_pctx *px, struct cp_sdp_line *ln)
{
	static const char order[] = "vos";
	const char *s = px->sdp->buf + ln->off;
	const char *v = s + 2;
	size_t vl = ln->len - 2u;

	if (ln->len < 2 || s[1] != '=')
		return cp_sdp_bad(px, "not <type>=<value> (RFC 8866 5)");
	ln->sect = px->m != NULL ? (uint8_t)(px->m - px->sdp->media + 1) : 0;
	if (px->idx < 3 && s[0] != order[px->idx])
		return cp_sdp_bad(px,
				  "%c= missing (RFC 8866 5: v=, o=, s= first)",
				  order[px->idx]);
	switch (s[0]) {
	case 'v':
		if (px->idx != 0 || vl != 1 || v[0] != '0')
			return cp_sdp_bad(
				px, "v= not 0 or not first (RFC 8866 5.1)");
		return 0;
	case 'o':
		if (px->idx != 1)
			return cp_sdp_bad(px, "second o= (RFC 8866 5.2)");
		ln->tag = CP_SDP_L_ORIGIN;
		return origin_parse(px, v, vl);
	case 's':
		if (px->idx != 2)
			return cp_sdp_bad(px, "second s= (RFC 8866 5.3)");
		px->seen_s = true;
		return 0;
	case 't':
		if (px->m != NULL)
			return cp_sdp_bad(
				px, "t= inside a m= section (RFC 8866 5)");
		px->seen_t = true;
		return 0;
	case 'c':
		return conn_parse(px, ln, v, vl);
	case 'm':
		ln->tag = CP_SDP_L_MEDIA;
		ln->sect = (uint8_t)(px->sdp->nmedia + 1);
		return media_parse(px, v, vl);
	case 'a':
		return cp_sdp_attr_parse(px, ln, v, vl);
	case 'u':
	case 'e':
	case 'p':
		/* RFC 8866 5.5/5.6: optional pointers to the originator (a
		 * URI, mail, phone: hosts of the side); the ESG is the
		 * originator toward the other side (topology hiding). */
		ln->tag = CP_SDP_L_DROP;
		return 0;
	case 'k':
		/* RFC 8866 5.12: k= is obsolete, MUST be discarded. */
		ln->tag = CP_SDP_L_DROP;
		return 0;
	case 'i':
	case 'b':
	case 'r':
	case 'z':
		return 0;
	default:
		/* RFC 8866 5: a description with a type letter the parser
		 * does not understand is ignored as a whole. */
		return cp_sdp_bad(px, "unknown line type (RFC 8866 5)");
	}
}

/* Cut the body into lines: CRLF or LF ends a line (RFC 8866 5), every
 * line ends, none holds NUL or a lone CR; empty lines only at the end. */
static int
lines_split(struct cp_sdp_pctx *px, const char *b, size_t len)
{
	struct cp_sdp *sdp = px->sdp;
	size_t start = 0, nl, l, i, n = 0;
	bool empty = false;

	for (i = 0; i < len; i++)
		n += b[i] == '\n';
	if (n > CP_SDP_MAX_LINES)
		return cp_sdp_bad(px, "more than %u lines", CP_SDP_MAX_LINES);
	sdp->lines = mem_zalloc((n > 0 ? n : 1) * sizeof(*sdp->lines), NULL);
	if (sdp->lines == NULL)
		return ENOMEM;
	for (px->idx = 0; start < len; px->idx++, start = nl + 1) {
		const char *e = memchr(b + start, '\n', len - start);

		if (e == NULL)
			return cp_sdp_bad(px, "no line end (truncated?)");
		nl = (size_t)(e - b);
		l = nl - start;
		if (l > 0 && b[nl - 1] == '\r')
			l--;
		if (l > CP_SDP_MAX_LINE_LEN)
			return cp_sdp_bad(px, "longer than %u bytes",
					  CP_SDP_MAX_LINE_LEN);
		if (memchr(b + start, '\0', l) != NULL)
			return cp_sdp_bad(px, "NUL byte");
		if (memchr(b + start, '\r', l) != NULL)
			return cp_sdp_bad(px, "CR inside a line");
		if (l == 0) {
			empty = true;
			continue;
		}
		if (empty)
			return cp_sdp_bad(px, "empty line (RFC 8866 5)");
		sdp->lines[sdp->nlines].off = (uint32_t)start;
		sdp->lines[sdp->nlines].len = (uint16_t)l;
		sdp->nlines++;
	}
	return 0;
}

/* Count m= lines and allocate their models. */
static int
media_alloc(struct cp_sdp_pctx *px)
{
	struct cp_sdp *sdp = px->sdp;
	unsigned int i, n = 0;

	for (i = 0; i < sdp->nlines; i++)
		if (sdp->buf[sdp->lines[i].off] == 'm') {
			n++;
			if (n > CP_SDP_MAX_MEDIA) {
				px->idx = i;
				return cp_sdp_bad(px, "more than %u m= lines",
						  CP_SDP_MAX_MEDIA);
			}
		}
	sdp->media = mem_zalloc((n > 0 ? n : 1) * sizeof(*sdp->media), NULL);
	return sdp->media == NULL ? ENOMEM : 0;
}

/* RFC 8866 5.7: a c= at session level or in every m= section (a
 * disabled stream, port 0, is let go without: stacks omit it). */
static int
check_conns(struct cp_sdp_pctx *px)
{
	struct cp_sdp *sdp = px->sdp;
	unsigned int i;

	for (i = 0; i < sdp->nmedia; i++)
		if (sdp->media[i].port != 0 && !sdp->media[i].conn.set &&
		    !sdp->conn.set) {
			snprintf(px->why, px->whylen,
				 "m= %u has no c= and there is no session c= "
				 "(RFC 8866 5.7)",
				 i);
			return EBADMSG;
		}
	return 0;
}

static void
sdp_destructor(void *arg)
{
	struct cp_sdp *sdp = arg;
	unsigned int i;

	for (i = 0; sdp->media != NULL && i < sdp->nmedia; i++)
		mem_deref(sdp->media[i].pts);
	mem_deref(sdp->media);
	mem_deref(sdp->lines);
	mem_deref(sdp->buf);
}

static int
body_parse(struct cp_sdp_pctx *px)
{
	struct cp_sdp *sdp = px->sdp;
	int err;

	err = lines_split(px, sdp->buf, sdp->len);
	if (err)
		return err;
	err = media_alloc(px);
	if (err)
		return err;
	for (px->idx = 0; px->idx < sdp->nlines; px->idx++) {
		err = line_parse(px, &sdp->lines[px->idx]);
		if (err)
			return err;
	}
	if (!px->seen_o || !px->seen_s)
		return cp_sdp_bad(px, "%s missing (RFC 8866 5)",
				  px->seen_o ? "s=" : "o=");
	if (!px->seen_t)
		return cp_sdp_bad(px, "t= missing (RFC 8866 5.9)");
	return check_conns(px);
}

int
cp_sdp_parse(struct cp_sdp **sdpp, const uint8_t *buf, size_t len, char *why,
	     size_t whylen)
{
	char dummy[CP_SDP_WHY_LEN];
	struct cp_sdp_pctx px = {.why = why, .whylen = whylen};
	struct cp_sdp *sdp;
	int err;

	if (sdpp == NULL || (buf == NULL && len > 0))
		return EINVAL;
	if (why == NULL || whylen == 0) {
		px.why = dummy;
		px.whylen = sizeof(dummy);
	}
	px.why[0] = '\0';
	if (len == 0) {
		snprintf(px.why, px.whylen, "empty body");
		return EBADMSG;
	}
	if (len > CP_SDP_MAX_LEN) {
		snprintf(px.why, px.whylen, "longer than %u bytes",
			 CP_SDP_MAX_LEN);
		return EBADMSG;
	}
	sdp = mem_zalloc(sizeof(*sdp), sdp_destructor);
	if (sdp == NULL)
		return ENOMEM;
	px.sdp = sdp;
	sdp->buf = mem_alloc(len, NULL);
	if (sdp->buf == NULL) {
		err = ENOMEM;
		goto out;
	}
	memcpy(sdp->buf, buf, len);
	sdp->len = len;
	err = body_parse(&px);
out:
	if (err)
		mem_deref(sdp);
	else
		*sdpp = sdp;
	return err;
}
