/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The a= lines of an SDP (cp_sdp.h, RFC 8866 5.13, 6): the attributes
 * the model keeps (rtpmap, rtcp, rtcp-mux, directions, ICE, SRTP and
 * DTLS notes, mid) and the tags that tell the writer what to do with a
 * line. Part of the parser (cp_sdp.c), on its helpers (cp_sdp_int.h).
 */
#include <errno.h>
#include <string.h>

#include "cp_sdp_int.h"

/* a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding
 * parameters>] (RFC 8866 6.6). */
static int
rtpmap_parse(struct cp_sdp_pctx *px, const char *v, size_t vl)
{
	struct cp_sdp_media *m = px->m;
	const char *sp = memchr(v, ' ', vl), *s1, *s2, *end = v + vl;
	uint64_t pt, hz, ch = 1;
	unsigned int i;

	if (sp == NULL || !cp_sdp_num(v, (size_t)(sp - v), 127, &pt))
		return cp_sdp_bad(px,
				  "bad a=rtpmap payload type (RFC 8866 6.6)");
	s1 = memchr(sp, '/', (size_t)(end - sp));
	if (s1 == NULL || s1 == sp + 1)
		return cp_sdp_bad(px, "bad a=rtpmap encoding (RFC 8866 6.6)");
	s2 = memchr(s1 + 1, '/', (size_t)(end - s1 - 1));
	if (!cp_sdp_num(s1 + 1, (size_t)((s2 != NULL ? s2 : end) - s1 - 1),
			UINT32_MAX, &hz) ||
	    hz == 0)
		return cp_sdp_bad(px, "bad a=rtpmap clock rate (RFC 8866 6.6)");
	if (s2 != NULL &&
	    (!cp_sdp_num(s2 + 1, (size_t)(end - s2 - 1), 255, &ch) || ch == 0))
		return cp_sdp_bad(px, "bad a=rtpmap channels (RFC 8866 6.6)");
	for (i = 0; i < m->nfmt; i++) {
		struct cp_sdp_pt *p = &m->pts[i];
		size_t el = (size_t)(s1 - sp - 1);

		if (p->pt != pt)
			continue;
		p->rtpmap = true;
		if (el >= sizeof(p->enc))
			el = sizeof(p->enc) - 1;
		memcpy(p->enc, sp + 1, el);
		p->enc[el] = '\0';
		p->clock_hz = (uint32_t)hz;
		p->channels = (uint8_t)ch;
	}
	return 0;
}

/* a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605
 * 2.1). */
static int
rtcp_parse(struct cp_sdp_pctx *px, const char *v, size_t vl)
{
	struct cp_sdp_media *m = px->m;
	struct cp_sdp_tok t[5];
	size_t pos = 0;
	unsigned int n = 0;
	const char *err;
	uint64_t port;

	if (m->rtcp)
		return cp_sdp_bad(px, "second a=rtcp (RFC 3605 2.1)");
	while (n < 5 && cp_sdp_tok_next(v, vl, &pos, &t[n]))
		n++;
	if ((n != 1 && n != 4) || !cp_sdp_num(t[0].p, t[0].l, 65535, &port))
		return cp_sdp_bad(px, "bad a=rtcp (RFC 3605 2.1)");
	if (n == 4) {
		err = cp_sdp_addr_parse(&m->rtcp_conn, &t[1], &t[2], &t[3],
					false);
		if (err != NULL)
			return cp_sdp_bad(px, "a=rtcp %s", err);
	}
	m->rtcp = true;
	m->rtcp_port = (uint16_t)port;
	return 0;
}

static const struct {
	const char *name;
	enum cp_sdp_dir dir;
} dirs[] = {
	{"sendrecv", CP_SDP_SENDRECV},
	{"sendonly", CP_SDP_SENDONLY},
	{"recvonly", CP_SDP_RECVONLY},
	{"inactive", CP_SDP_INACTIVE},
};

/* RFC 8866 6.7: one direction attribute per level. */
static int
dir_parse(struct cp_sdp_pctx *px, struct cp_sdp_line *ln, enum cp_sdp_dir d,
	  size_t vl)
{
	bool *has = px->m != NULL ? &px->m->has_dir : &px->sdp->has_dir;

	if (vl != 0)
		return cp_sdp_bad(px, "direction attribute with a value");
	if (*has)
		return cp_sdp_bad(px,
				  "second direction attribute (RFC 8866 6.7)");
	*has = true;
	if (px->m != NULL)
		px->m->dir = d;
	else
		px->sdp->dir = d;
	ln->tag = CP_SDP_L_DIR;
	return 0;
}

/* ICE (RFC 8839 5): noted, the line is dropped by the writer. */
static bool
ice_note(struct cp_sdp_pctx *px, const struct cp_sdp_tok *name)
{
	static const char *const ice[] = {
		"candidate",	     "ice-ufrag",	  "ice-pwd",
		"ice-options",	     "end-of-candidates", "ice-lite",
		"remote-candidates", "ice-mismatch",	  "ice-pacing",
	};
	struct cp_sdp_media *m = px->m;
	size_t i;

	for (i = 0; i < sizeof(ice) / sizeof(ice[0]); i++)
		if (cp_sdp_tok_eq(name, ice[i]))
			break;
	if (i == sizeof(ice) / sizeof(ice[0]))
		return false;
	px->sdp->ice_any = true;
	if (cp_sdp_tok_eq(name, "ice-lite"))
		px->sdp->ice_lite = true;
	if (m == NULL)
		return true;
	if (cp_sdp_tok_eq(name, "candidate"))
		m->ncand++;
	else if (cp_sdp_tok_eq(name, "ice-ufrag"))
		m->ice_ufrag = true;
	else if (cp_sdp_tok_eq(name, "ice-pwd"))
		m->ice_pwd = true;
	else if (cp_sdp_tok_eq(name, "ice-options"))
		m->ice_options = true;
	else if (cp_sdp_tok_eq(name, "end-of-candidates"))
		m->end_of_cand = true;
	else if (cp_sdp_tok_eq(name, "remote-candidates"))
		m->remote_cands = true;
	return true;
}

/* Media-level attributes the model keeps (noted for later issues). */
static int
media_attr(struct cp_sdp_pctx *px, struct cp_sdp_line *ln,
	   const struct cp_sdp_tok *name, const char *v, size_t vl)
{
	struct cp_sdp_media *m = px->m;
	struct cp_sdp_tok t = {v, vl};

	if (cp_sdp_tok_eq(name, "rtpmap"))
		return m->rtp ? rtpmap_parse(px, v, vl) : 0;
	if (cp_sdp_tok_eq(name, "rtcp")) {
		ln->tag = CP_SDP_L_RTCP;
		return rtcp_parse(px, v, vl);
	}
	if (cp_sdp_tok_eq(name, "rtcp-mux") ||
	    cp_sdp_tok_eq(name, "rtcp-mux-only")) {
		m->rtcp_mux = true; /* RFC 8858 4: -only implies it */
		ln->tag = CP_SDP_L_RTCP_MUX;
	} else if (cp_sdp_tok_eq(name, "crypto"))
		m->ncrypto++;
	else if (cp_sdp_tok_eq(name, "fingerprint"))
		m->fingerprint = true;
	else if (cp_sdp_tok_eq(name, "setup"))
		m->setup = true;
	else if (cp_sdp_tok_eq(name, "mid"))
		cp_sdp_tok_copy(m->mid, sizeof(m->mid), &t);
	return 0;
}

/* a=<attribute>[:<value>] (RFC 8866 5.13). */
int
cp_sdp_attr_parse(struct cp_sdp_pctx *px, struct cp_sdp_line *ln, const char *v,
		  size_t vl)
{
	const char *colon = memchr(v, ':', vl);
	struct cp_sdp_tok name = {v, colon != NULL ? (size_t)(colon - v) : vl};
	const char *av = colon != NULL ? colon + 1 : v + vl;
	size_t avl = colon != NULL ? vl - name.l - 1 : 0;
	size_t i;

	if (name.l == 0 || memchr(name.p, ' ', name.l) != NULL)
		return cp_sdp_bad(
			px, "a= without an attribute name (RFC 8866 5.13)");
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (cp_sdp_tok_eq(&name, dirs[i].name))
			return dir_parse(px, ln, dirs[i].dir, avl);
	if (ice_note(px, &name)) {
		ln->tag = CP_SDP_L_ICE;
		return 0;
	}
	/* RFC 8843: the ESG anchors every m= on its own ports, so it
	 * neither offers nor accepts bundling. */
	if ((cp_sdp_tok_eq(&name, "group") && avl >= 6 &&
	     memcmp(av, "BUNDLE", 6) == 0 && (avl == 6 || av[6] == ' ')) ||
	    cp_sdp_tok_eq(&name, "bundle-only")) {
		ln->tag = CP_SDP_L_BUNDLE;
		return 0;
	}
	/* RFC 5576 4.1: a source's attributes; the CNAME (RFC 3550
	 * 6.5.1 user@host) often holds the side's address. */
	if (cp_sdp_tok_eq(&name, "ssrc")) {
		ln->tag = CP_SDP_L_ADDR_TEXT;
		return 0;
	}
	/* Addresses of the side the ESG does not anchor: RFC 4570 source
	 * filters, alternative addresses (a=alt, RFC 6947 a=altc): like
	 * ICE candidates, dropped. */
	if (cp_sdp_tok_eq(&name, "source-filter") ||
	    cp_sdp_tok_eq(&name, "alt") || cp_sdp_tok_eq(&name, "altc")) {
		ln->tag = CP_SDP_L_DROP;
		return 0;
	}
	if (px->m != NULL)
		return media_attr(px, ln, &name, av, avl);
	/* RFC 3605 2.1: a=rtcp is media-level only; a session-level one
	 * would name a hidden address: dropped by the writer. */
	if (cp_sdp_tok_eq(&name, "rtcp"))
		ln->tag = CP_SDP_L_RTCP;
	return 0;
}
