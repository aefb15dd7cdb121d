/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SDP the ESG sends toward one side (cp_sdp.h, docs/sdp.md): the
 * parsed description of the other side with its media anchored on the
 * ESG and nothing of the other side's addresses left (topology hiding).
 *
 * Lines are written in the order received; the parser tagged each with
 * what happens to it (cp_sdp_int.h). Per m= section, what must be added
 * (a media c= whose anchor differs from the session c=, the direction of
 * a folded c=0.0.0.0 hold, a=rtcp-mux, a=rtcp) goes where RFC 8866 5
 * orders it: the c= after m= and i=, attributes at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_sdp_int.h"

struct wctx {
	struct mbuf *mb;
	const struct cp_sdp *sdp;
	const struct cp_sdp_anchor *anchors;
	const struct cp_sdp_origin *o;
	unsigned int nlines;
	/* the m= section being written */
	unsigned int sect; /* 0: session, i + 1: stream i */
	bool c_done, dir_done, mux_done, rtcp_done;
};

static const char *
ipver(const struct sa *a)
{
	return sa_af(a) == AF_INET6 ? "IP6" : "IP4";
}

/* End the line begun at start: CRLF, and no line or body the parser
 * would refuse (a rewritten line can be longer than the one it
 * replaces). */
static int
line_end(struct wctx *w, size_t start)
{
	int err = mbuf_write_mem(w->mb, (const uint8_t *)"\r\n", 2);

	if (err)
		return err;
	w->nlines++;
	if (w->mb->end - start - 2 > CP_SDP_MAX_LINE_LEN ||
	    w->nlines > CP_SDP_MAX_LINES || w->mb->end > CP_SDP_MAX_LEN)
		return EOVERFLOW;
	return 0;
}

static int
line_printf(struct wctx *w, const char *fmt, ...)
{
	size_t start = w->mb->end;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = mbuf_vprintf(w->mb, fmt, ap);
	va_end(ap);
	return err ? err : line_end(w, start);
}

static int
line_copy(struct wctx *w, const struct cp_sdp_line *ln)
{
	size_t start = w->mb->end;
	int err;

	err = mbuf_write_mem(w->mb, (const uint8_t *)w->sdp->buf + ln->off,
			     ln->len);
	return err ? err : line_end(w, start);
}

static const struct cp_sdp_anchor *
anchor(const struct wctx *w)
{
	return &w->anchors[w->sect - 1];
}

static bool
rejected(const struct wctx *w)
{
	return w->sdp->media[w->sect - 1].port == 0 || anchor(w)->rejected;
}

/* A rejected stream's anchor may carry no address. */
static const struct sa *
stream_addr(const struct wctx *w)
{
	const struct sa *a = &anchor(w)->addr;

	return sa_af(a) == AF_INET || sa_af(a) == AF_INET6 ? a : &w->o->addr;
}

/* The stream needs a c= of its own: it had one, or it inherits the
 * session c= (the origin's address) but is anchored elsewhere. */
static bool
need_conn(const struct wctx *w)
{
	const struct cp_sdp_media *m = &w->sdp->media[w->sect - 1];

	if (m->conn.set)
		return true;
	if (!w->sdp->conn.set)
		return false; /* a port 0 stream without c= stays so */
	return !sa_cmp(stream_addr(w), &w->o->addr, SA_ADDR);
}

/* RFC 3264 8.4: a stream on c=0.0.0.0 is written with the anchor's
 * address, so the hold is kept as a direction (cp_sdp_dir_eff()). */
static bool
folded(const struct wctx *w)
{
	const struct cp_sdp_conn *c = cp_sdp_conn(w->sdp, w->sect - 1);

	return !rejected(w) && c != NULL && c->unspec;
}

static int
conn_write(struct wctx *w)
{
	const struct sa *a = w->sect == 0 ? &w->o->addr : stream_addr(w);

	w->c_done = true;
	return line_printf(w, "c=IN %s %j", ipver(a), a);
}

static int
dir_write(struct wctx *w)
{
	w->dir_done = true;
	return line_printf(
		w, "a=%s",
		cp_sdp_dir_name(cp_sdp_dir_eff(w->sdp, w->sect - 1)));
}

static int
rtcp_write(struct wctx *w)
{
	const struct cp_sdp_anchor *a = anchor(w);
	uint16_t port =
		a->rtcp_port != 0 ? a->rtcp_port : (uint16_t)(a->rtp_port + 1);

	w->rtcp_done = true;
	/* RFC 3605 2.1: port and the address, the anchor's. */
	return line_printf(w, "a=rtcp:%u IN %s %j", port, ipver(&a->addr),
			   &a->addr);
}

/* m=<media> <port>[/n] <rest>: the anchor's port, one port (the ESG
 * anchors one RTP port, and one RTCP port, per m=). */
static int
media_write(struct wctx *w, const struct cp_sdp_line *ln)
{
	const char *s = w->sdp->buf + ln->off, *end = s + ln->len;
	const char *sp1 = memchr(s, ' ', ln->len), *rest;
	size_t start = w->mb->end;
	int err;

	/* The parser saw <media> <port> <proto> ...: both spaces exist. */
	while (sp1 + 1 < end && sp1[1] == ' ')
		sp1++;
	rest = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	err = mbuf_write_mem(w->mb, (const uint8_t *)s, (size_t)(sp1 + 1 - s));
	err |= mbuf_printf(w->mb, "%u",
			   rejected(w) ? 0u
				       : (unsigned int)anchor(w)->rtp_port);
	err |= mbuf_write_mem(w->mb, (const uint8_t *)rest,
			      (size_t)(end - rest));
	return err ? ENOMEM : line_end(w, start);
}

static bool
addr_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* A character of a host name or other word: a literal is not cut out of
 * one ("1.2.3.4.5", "v1.0.0.1" stay). */
static bool
word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '_';
}

/* The length of the IPv4/IPv6 literal s[0..n) begins with: the longest
 * prefix of its run of address characters that inet_pton() takes and no
 * word character follows; 0 if none. */
static size_t
literal_len(const char *s, size_t n)
{
	char tmp[INET6_ADDRSTRLEN];
	uint8_t bin[16];
	size_t run = 0, l;

	while (run < n && run < sizeof(tmp) - 1 && addr_char(s[run]))
		run++;
	for (l = run; l >= 2; l--) {
		if (l < n && word_char(s[l]))
			continue;
		memcpy(tmp, s, l);
		tmp[l] = '\0';
		if (inet_pton(AF_INET, tmp, bin) == 1 ||
		    inet_pton(AF_INET6, tmp, bin) == 1)
			return l;
	}
	return 0;
}

/*
 * RFC 5576 a=ssrc: every IPv4/IPv6 literal in the line (a CNAME is
 * "user@host" with a numeric host, RFC 3550 6.5.1, or a SIP URI) becomes
 * the ESG's address toward the side, the rest of the text stays. A
 * literal starts at the value or after a character that is neither a
 * word character nor an address character, or after ':' ("cname:").
 * The RTCP SDES the dataplane relays still carries the original CNAME
 * (docs/sdp.md).
 */
static int
addr_text_write(struct wctx *w, const struct cp_sdp_line *ln)
{
	const char *s = w->sdp->buf + ln->off;
	const char *colon = memchr(s, ':', ln->len);
	const struct sa *a = w->sect == 0 ? &w->o->addr : stream_addr(w);
	size_t start = w->mb->end, i, l, from = 0;
	int err = 0;

	i = colon != NULL ? (size_t)(colon - s) + 1 : ln->len;
	while (i < ln->len && !err) {
		l = 0;
		if (!word_char(s[i - 1]) || s[i - 1] == ':')
			l = literal_len(s + i, ln->len - i);
		if (l == 0) {
			/* not a literal: skip the rest of this word */
			while (++i < ln->len && word_char(s[i]) &&
			       word_char(s[i - 1]))
				;
			continue;
		}
		err = mbuf_write_mem(w->mb, (const uint8_t *)s + from,
				     i - from);
		/* An IPv6 address followed by ':' (a port) would read as a
		 * longer literal when rewritten again: bracketed then (RFC
		 * 3986 3.2.2 style). */
		if (sa_af(a) == AF_INET6 && i + l < ln->len && s[i + l] == ':')
			err |= mbuf_printf(w->mb, "[%j]", a);
		else
			err |= mbuf_printf(w->mb, "%j", a);
		i += l;
		from = i;
	}
	if (!err)
		err = mbuf_write_mem(w->mb, (const uint8_t *)s + from,
				     ln->len - from);
	return err ? ENOMEM : line_end(w, start);
}

/* Before the first line of a m= section past m= and i=: its c=. */
static int
conn_insert(struct wctx *w, const struct cp_sdp_line *ln)
{
	char type = w->sdp->buf[ln->off];

	if (w->sect == 0 || w->c_done || type == 'm' || type == 'i' ||
	    type == 'c' || w->sdp->media[w->sect - 1].conn.set || !need_conn(w))
		return 0;
	return conn_write(w);
}

static int
line_write(struct wctx *w, const struct cp_sdp_line *ln)
{
	bool media = w->sect > 0;
	int err = conn_insert(w, ln);

	if (err)
		return err;
	switch ((enum cp_sdp_ltag)ln->tag) {
	case CP_SDP_L_PASS:
		return line_copy(w, ln);
	case CP_SDP_L_ORIGIN:
		return line_printf(w, "o=%s %llu %llu IN %s %j",
				   w->o->user != NULL ? w->o->user : "esg",
				   (unsigned long long)w->o->sess_id,
				   (unsigned long long)w->o->sess_ver,
				   ipver(&w->o->addr), &w->o->addr);
	case CP_SDP_L_CONN:
		return conn_write(w);
	case CP_SDP_L_MEDIA:
		return media_write(w, ln);
	case CP_SDP_L_RTCP:
		if (!media || rejected(w) || anchor(w)->rtcp_mux ||
		    w->rtcp_done)
			return 0;
		return rtcp_write(w);
	case CP_SDP_L_RTCP_MUX:
		if (!media || rejected(w))
			return line_copy(w, ln);
		if (!anchor(w)->rtcp_mux)
			return 0;
		w->mux_done = true;
		return line_copy(w, ln);
	case CP_SDP_L_DIR:
		if (!media || !folded(w))
			return line_copy(w, ln);
		return w->dir_done ? 0 : dir_write(w);
	case CP_SDP_L_ADDR_TEXT:
		return addr_text_write(w, ln);
	case CP_SDP_L_ICE:
	case CP_SDP_L_BUNDLE:
	case CP_SDP_L_DROP:
		return 0;
	}
	return 0;
}

/* What a m= section still lacks at its end. */
static int
section_end(struct wctx *w)
{
	const struct cp_sdp_anchor *a;
	int err = 0;

	if (w->sect == 0)
		return 0;
	a = anchor(w);
	if (!w->c_done && need_conn(w))
		err = conn_write(w);
	if (!err && folded(w) && !w->dir_done)
		err = dir_write(w);
	if (err || rejected(w))
		return err;
	if (a->rtcp_mux && !w->mux_done) {
		w->mux_done = true;
		return line_printf(w, "a=rtcp-mux");
	}
	/* RFC 3605 2.1: needed when RTCP is not on RTP + 1. */
	if (!a->rtcp_mux && !w->rtcp_done && a->rtcp_port != 0 &&
	    a->rtcp_port != a->rtp_port + 1)
		return rtcp_write(w);
	return 0;
}

static int
args_check(const struct cp_sdp *sdp, const struct cp_sdp_anchor *anchors,
	   unsigned int n, const struct cp_sdp_origin *o)
{
	unsigned int i;
	const char *u;

	if (sdp == NULL || o == NULL || n != sdp->nmedia ||
	    (n > 0 && anchors == NULL))
		return EINVAL;
	if (sa_af(&o->addr) != AF_INET && sa_af(&o->addr) != AF_INET6)
		return EINVAL;
	/* RFC 8866 5.2: the username is a non-empty token. */
	u = o->user != NULL ? o->user : "esg";
	if (u[0] == '\0' || strlen(u) > 64 || strpbrk(u, " \r\n") != NULL)
		return EINVAL;
	for (i = 0; i < n; i++) {
		const struct cp_sdp_anchor *a = &anchors[i];

		if (a->rejected || sdp->media[i].port == 0)
			continue;
		if ((sa_af(&a->addr) != AF_INET &&
		     sa_af(&a->addr) != AF_INET6) ||
		    a->rtp_port == 0 ||
		    (a->rtcp_port == 0 && !a->rtcp_mux && a->rtp_port == 65535))
			return EINVAL;
	}
	return 0;
}

int
cp_sdp_rewrite(struct mbuf **mbp, const struct cp_sdp *sdp,
	       const struct cp_sdp_anchor *anchors, unsigned int n,
	       const struct cp_sdp_origin *origin)
{
	struct wctx w = {.sdp = sdp, .anchors = anchors, .o = origin};
	unsigned int i;
	int err;

	if (mbp == NULL)
		return EINVAL;
	err = args_check(sdp, anchors, n, origin);
	if (err)
		return err;
	w.mb = mbuf_alloc(sdp->len + 256);
	if (w.mb == NULL)
		return ENOMEM;
	for (i = 0; i < sdp->nlines && !err; i++) {
		const struct cp_sdp_line *ln = &sdp->lines[i];

		if (ln->sect != w.sect) {
			err = section_end(&w);
			w.sect = ln->sect;
			w.c_done = w.dir_done = w.mux_done = w.rtcp_done =
				false;
			if (err)
				break;
		}
		err = line_write(&w, ln);
	}
	if (!err)
		err = section_end(&w);
	if (err) {
		mem_deref(w.mb);
		return err;
	}
	w.mb->pos = 0;
	*mbp = w.mb;
	return 0;
}
