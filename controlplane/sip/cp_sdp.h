/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP for the B2BUA (docs/sdp.md): a bounded model of one session
 * description (RFC 8866, which obsoletes RFC 4566) and the writer of the
 * SDP the ESG sends toward one side of a call, its media anchored on the
 * ESG (RFC 3264 offer/answer, topology hiding).
 *
 * cp_sdp_parse() takes the body bytes of a SIP message, checks the line
 * grammar (RFC 8866 5, 9) within fixed limits and keeps every line, so
 * cp_sdp_rewrite() passes through in order what it does not change. A
 * refused body gives EBADMSG and a reason (the caller answers 488,
 * RFC 3261 21.4.26). Functions return 0 or a positive errno.
 *
 * Stream numbers are the m= lines' positions, 0 first (RFC 3264 6: the
 * answer has the offer's m= lines in the same order).
 */
#ifndef CP_SDP_H
#define CP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

/* Limits of the parser: a body beyond them is refused (EBADMSG). */
#define CP_SDP_MAX_LEN 32768	 /* bytes of the whole body */
#define CP_SDP_MAX_LINES 512	 /* lines of the whole body */
#define CP_SDP_MAX_LINE_LEN 1024 /* bytes of one line, without CRLF */
#define CP_SDP_MAX_MEDIA 16	 /* m= sections */
#define CP_SDP_MAX_FMT 64	 /* formats of one m= line */
#define CP_SDP_WHY_LEN 96	 /* enough for any reason the parser gives */

/* RFC 8866 6.7: the direction of a stream (sendrecv when none given). */
enum cp_sdp_dir {
	CP_SDP_SENDRECV,
	CP_SDP_SENDONLY,
	CP_SDP_RECVONLY,
	CP_SDP_INACTIVE,
};

/* RFC 8866 5.14 <media>. */
enum cp_sdp_kind {
	CP_SDP_AUDIO,
	CP_SDP_VIDEO,
	CP_SDP_TEXT,
	CP_SDP_APPLICATION,
	CP_SDP_MESSAGE,
	CP_SDP_IMAGE,
	CP_SDP_KIND_OTHER, /* any other token: kept in kind_name */
};

/* RFC 8866 5.14 <proto>, as registered with IANA. */
enum cp_sdp_proto {
	CP_SDP_RTP_AVP,		  /* RFC 3551 */
	CP_SDP_RTP_AVPF,	  /* RFC 4585 */
	CP_SDP_RTP_SAVP,	  /* RFC 3711: SRTP */
	CP_SDP_RTP_SAVPF,	  /* RFC 5124 */
	CP_SDP_UDP_TLS_RTP_SAVP,  /* RFC 5764: DTLS-SRTP */
	CP_SDP_UDP_TLS_RTP_SAVPF, /* RFC 5764 */
	CP_SDP_UDP,		  /* RFC 8866 5.14: unspecified over UDP */
	CP_SDP_PROTO_OTHER,	  /* udptl (T.38), SCTP, TCP, ... */
};

/* A c= line (RFC 8866 5.7), or the address part of a=rtcp (RFC 3605). */
struct cp_sdp_conn {
	bool set;
	int af;		/* AF_INET (IP4) or AF_INET6 (IP6) */
	struct sa addr; /* port 0 */
	bool unspec;	/* 0.0.0.0 or ::: no media toward it (RFC 3264 8.4) */
	bool multicast; /* a multicast group (/ttl, /n ignored) */
};

/* A payload type of an RTP m= line and its a=rtpmap (RFC 8866 6.6), or
 * the static assignment of RFC 3551 6 when there is no rtpmap. */
struct cp_sdp_pt {
	uint8_t pt;	   /* 0..127 */
	bool rtpmap;	   /* an a=rtpmap line gave it */
	char enc[24];	   /* encoding name as written, "" if unknown */
	uint32_t clock_hz; /* 0 if unknown */
	uint8_t channels;  /* 1 unless given */
};

/* One m= section. */
struct cp_sdp_media {
	enum cp_sdp_kind kind;
	char kind_name[16];
	uint16_t port;	 /* 0: rejected or disabled (RFC 3264 6, 8.2) */
	uint16_t nports; /* m=audio 49170/2: 2; otherwise 1 */
	enum cp_sdp_proto proto;
	char proto_name[32];
	bool rtp;	       /* proto is RTP/...: fmts are payload types */
	bool secure;	       /* RTP/SAVP*, UDP/TLS/RTP/SAVP*: SRTP (later) */
	unsigned int nfmt;     /* fmt tokens on the m= line (>= 1) */
	struct cp_sdp_pt *pts; /* rtp only: nfmt entries, in m= order */
	struct cp_sdp_conn conn; /* media-level c=; see cp_sdp_conn() */
	bool rtcp;		 /* a=rtcp (RFC 3605) given */
	uint16_t rtcp_port;
	struct cp_sdp_conn rtcp_conn; /* its optional address */
	bool rtcp_mux;		      /* a=rtcp-mux (RFC 5761 5.1.1) */
	bool has_dir;		      /* a media-level direction attribute */
	enum cp_sdp_dir dir;
	/* Noted, not acted upon (docs/sdp.md). */
	bool ice_ufrag; /* RFC 8839 5.4 */
	bool ice_pwd;
	unsigned int ncand; /* a=candidate (RFC 8839 5.1) */
	bool end_of_cand;   /* RFC 8840 */
	bool remote_cands;  /* a=remote-candidates (RFC 8839 5.2) */
	bool ice_options;
	unsigned int ncrypto; /* a=crypto (RFC 4568) */
	bool fingerprint;     /* RFC 8122 5 */
	bool setup;	      /* RFC 4145 4 */
	char mid[32];	      /* a=mid (RFC 5888 4), "" if none */
};

/* RFC 8866 5.2 o= */
struct cp_sdp_origin_info {
	char user[64];
	uint64_t sess_id;
	uint64_t sess_ver;
	int af;	       /* AF_INET or AF_INET6 (IP4 / IP6) */
	char addr[64]; /* as written (may be a name) */
};

/* The parsed body; a libre mem object. */
struct cp_sdp;

/*
 * Parse buf[0..len) (the body of a SIP message). EBADMSG: refused, why
 * (whylen bytes, CP_SDP_WHY_LEN is enough) says why; ENOMEM. why may be
 * NULL.
 */
int cp_sdp_parse(struct cp_sdp **sdpp, const uint8_t *buf, size_t len,
		 char *why, size_t whylen);

/* Queries on a parsed body. Stream i < cp_sdp_media_count(). */
unsigned int cp_sdp_media_count(const struct cp_sdp *sdp);
const struct cp_sdp_media *cp_sdp_media(const struct cp_sdp *sdp,
					unsigned int i);
const struct cp_sdp_origin_info *cp_sdp_origin(const struct cp_sdp *sdp);
/* RFC 8839 5.3: a=ice-lite at session level. */
bool cp_sdp_ice_lite(const struct cp_sdp *sdp);
/* Any ICE attribute at session or media level (RFC 8839). */
bool cp_sdp_has_ice(const struct cp_sdp *sdp);
/* The connection of stream i: its own c= or the session's (RFC 8866
 * 5.7); NULL if neither (allowed only for a rejected stream). */
const struct cp_sdp_conn *cp_sdp_conn(const struct cp_sdp *sdp, unsigned int i);
/* Port 0 on the m= line: rejected (answer) or disabled (offer). */
bool cp_sdp_rejected(const struct cp_sdp *sdp, unsigned int i);
/*
 * Where stream i wants its media: rtp = connection address and m= port;
 * rtcp = with a=rtcp-mux the RTP address and port (RFC 5761 5.1.3: what
 * an answer with mux means; an offer's fallback a=rtcp is in
 * cp_sdp_media()), else the a=rtcp port and address (RFC 3605), else the
 * RTP address and port + 1 (RFC 3550 11). ENOENT: rejected, no address,
 * or unspecified (0.0.0.0 hold: nothing is to be sent to it).
 */
int cp_sdp_remote(const struct cp_sdp *sdp, unsigned int i, struct sa *rtp,
		  struct sa *rtcp);
bool cp_sdp_rtcp_mux(const struct cp_sdp *sdp, unsigned int i);
/* Direction of stream i as signalled: the media's attribute, else the
 * session's, else sendrecv (RFC 8866 6.7). */
enum cp_sdp_dir cp_sdp_dir(const struct cp_sdp *sdp, unsigned int i);
/* Direction with an unspecified connection folded in (RFC 3264 8.4:
 * c=0.0.0.0 means send nothing to it): sendrecv -> sendonly, recvonly ->
 * inactive. This is what the stream means; what cp_sdp_rewrite() writes. */
enum cp_sdp_dir cp_sdp_dir_eff(const struct cp_sdp *sdp, unsigned int i);
/* Held by the other party toward us: effective direction sendonly or
 * inactive (RFC 3264 8.4). */
bool cp_sdp_held(const struct cp_sdp *sdp, unsigned int i);
/* RTP clock rate of stream i's first payload type (rtpmap, else RFC 3551
 * static); 0 if unknown or not RTP. */
uint32_t cp_sdp_clock_hz(const struct cp_sdp *sdp, unsigned int i);
const char *cp_sdp_dir_name(enum cp_sdp_dir dir);

/* What the ESG offers or answers for stream i toward one side. */
struct cp_sdp_anchor {
	struct sa addr; /* ESG media address on that side (port unused) */
	uint16_t rtp_port;
	uint16_t rtcp_port; /* 0: RTP + 1 (RFC 3550 11) */
	bool rtcp_mux;	    /* RTCP on the RTP port: a=rtcp-mux, no a=rtcp */
	bool rejected;	    /* write port 0 (RFC 3264 6) */
};

/* The ESG's o= toward that side (RFC 8866 5.2, RFC 3264 5, 8). */
struct cp_sdp_origin {
	const char *user; /* NULL: "esg" */
	uint64_t sess_id;
	uint64_t sess_ver; /* the caller increments it on every change */
	struct sa addr;	   /* family gives IN IP4 / IN IP6 */
};

/*
 * Write sdp toward one side into a new mbuf *mbp (position 0, end = the
 * length). anchors[i] for stream i, n == cp_sdp_media_count(sdp); a
 * stream with port 0 stays at port 0. Rules in docs/sdp.md. EINVAL: n or
 * an address family wrong; ENOMEM.
 */
int cp_sdp_rewrite(struct mbuf **mbp, const struct cp_sdp *sdp,
		   const struct cp_sdp_anchor *anchors, unsigned int n,
		   const struct cp_sdp_origin *origin);

#endif
