/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside of the SDP model (cp_sdp.h), shared by the parser (cp_sdp.c),
 * its queries (cp_sdp_query.c) and the writer (cp_sdp_rewrite.c). Not for
 * other modules.
 */
#ifndef CP_SDP_INT_H
#define CP_SDP_INT_H

#include "cp_sdp.h"

/* What the writer does with a line (cp_sdp_rewrite.c). */
enum cp_sdp_ltag {
	CP_SDP_L_PASS,	   /* copied as it is */
	CP_SDP_L_ORIGIN,   /* o=: the ESG's */
	CP_SDP_L_CONN,	   /* c=: the anchor's address */
	CP_SDP_L_MEDIA,	   /* m=: the anchor's port */
	CP_SDP_L_RTCP,	   /* a=rtcp: the anchor's (RFC 3605) */
	CP_SDP_L_RTCP_MUX, /* a=rtcp-mux, a=rtcp-mux-only: the anchor's */
	CP_SDP_L_DIR,	   /* a=sendrecv...: kept, or the folded hold */
	CP_SDP_L_ICE,	   /* ICE (RFC 8839): dropped */
	CP_SDP_L_BUNDLE,   /* a=group:BUNDLE, a=bundle-only: dropped */
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

#endif
