/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside of the SDP model (cp_sdp.h), shared by the parser (cp_sdp.c),
 * its attributes (cp_sdp_attr.c), its queries (cp_sdp_query.c) and the
 * writer (cp_sdp_rewrite.c). Not for other modules.
 */
#ifndef CP_SDP_INT_H
#define CP_SDP_INT_H

#include "cp_sdp.h"

/* What the writer does with a line (cp_sdp_rewrite.c). */
enum cp_sdp_ltag {
	CP_SDP_L_PASS,	    /* copied as it is */
	CP_SDP_L_ORIGIN,    /* o=: the ESG's */
	CP_SDP_L_CONN,	    /* c=: the anchor's address */
	CP_SDP_L_MEDIA,	    /* m=: the anchor's port */
	CP_SDP_L_RTCP,	    /* a=rtcp: the anchor's (RFC 3605) */
	CP_SDP_L_RTCP_MUX,  /* a=rtcp-mux, a=rtcp-mux-only: the anchor's */
	CP_SDP_L_DIR,	    /* a=sendrecv...: kept, or the folded hold */
	CP_SDP_L_ICE,	    /* ICE (RFC 8839): dropped */
	CP_SDP_L_BUNDLE,    /* a=group:BUNDLE, a=bundle-only: dropped */
	CP_SDP_L_ADDR_TEXT, /* a=ssrc: IP literals in it = the anchor's */
	CP_SDP_L_DROP,	    /* names the side's hosts: dropped (docs) */
};

struct cp_sdp_line {
	uint32_t off; /* into cp_sdp.buf */
	uint16_t len; /* without the line end */
	uint8_t tag;  /* enum cp_sdp_ltag */
	uint8_t sect; /* 0: session, i + 1: m= section i */
};

struct cp_sdp {
	char *buf; /* a copy of the body */
	size_t len;
	struct cp_sdp_line *lines;
	unsigned int nlines;
	struct cp_sdp_origin_info origin;
	struct cp_sdp_conn conn; /* session-level c= */
	bool has_dir;		 /* session-level direction */
	enum cp_sdp_dir dir;
	bool ice_lite;
	bool ice_any; /* an ICE attribute anywhere */
	unsigned int nmedia;
	struct cp_sdp_media *media; /* nmedia entries */
};

/* The parser's state and helpers (cp_sdp.c), shared with cp_sdp_attr.c. */
struct cp_sdp_tok {
	const char *p;
	size_t l;
};

struct cp_sdp_pctx {
	struct cp_sdp *sdp;
	char *why;
	size_t whylen;
	unsigned int idx;	/* line being parsed, 0 first */
	struct cp_sdp_media *m; /* current m= section, NULL: session */
	bool seen_o, seen_s, seen_t;
};

/* EBADMSG, with "line N: " and the reason in px->why. */
int cp_sdp_bad(struct cp_sdp_pctx *px, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The next token of s[*pos..len) separated by spaces; false at the end. */
bool cp_sdp_tok_next(const char *s, size_t len, size_t *pos,
		     struct cp_sdp_tok *t);
bool cp_sdp_tok_eq(const struct cp_sdp_tok *t, const char *s);
/* NUL-terminated copy, truncated to dlen - 1. */
void cp_sdp_tok_copy(char *dst, size_t dlen, const struct cp_sdp_tok *t);
/* Decimal digits only, at most 20, no overflow, <= max. */
bool cp_sdp_num(const char *p, size_t l, uint64_t max, uint64_t *v);
/* <nettype> <addrtype> <address> into c: NULL or why it is refused. */
const char *cp_sdp_addr_parse(struct cp_sdp_conn *c,
			      const struct cp_sdp_tok *net,
			      const struct cp_sdp_tok *atype,
			      const struct cp_sdp_tok *addr, bool mcast_ok);
/* An a= line (cp_sdp_attr.c). */
int cp_sdp_attr_parse(struct cp_sdp_pctx *px, struct cp_sdp_line *ln,
		      const char *v, size_t vl);

#endif
