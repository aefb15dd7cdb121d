/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP input guard (docs/admission.md "Input guard"): every UDP
 * datagram that reaches a SIP socket is looked at before libre parses it.
 * libre 1.1.0 drops what it cannot decode without a word, and hands a
 * request without Via or CSeq to its listeners, which cannot answer it
 * properly. The guard:
 *  - refuses a message larger than sip.limits.max_msg_bytes: 513 Message
 *    Too Large (RFC 3261 21.5.14) when it is a request whose first bytes
 *    hold the headers a response needs, else a silent drop;
 *  - drops binary garbage and anything without a SIP start line;
 *  - answers 400 to a request that lacks a mandatory header (RFC 3261
 *    8.1.1: Via, From, To, Call-ID, CSeq; Max-Forwards may be missing,
 *    RFC 3261 16.3 step 3) or carries a broken CSeq, Max-Forwards or
 *    Content-Length (RFC 3261 18.3), with a reason phrase naming the
 *    header (RFC 3261 21.4.1); without a Via no answer can be routed and
 *    the request is dropped; an ACK is never answered (RFC 3261 17.2.3);
 *  - drops a malformed response;
 *  - limits requests per source address (cp_ratelim.h): over the rate,
 *    a request is dropped silently whatever its method (see docs);
 *  - lets STUN (RFC 5389: libre answers keep-alive bindings on the SIP
 *    socket) through and drops CRLF keep-alives;
 * and counts each case.
 *
 * Functions return 0 or a positive errno.
 */
#ifndef CP_SIPGUARD_H
#define CP_SIPGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

#include "esg_conf_sip.h"

#define CP_SIPGUARD_MAX_VIA 16	  /* Via header lines copied to a reply */
#define CP_SIPGUARD_MAX_HDRS 256  /* header lines looked at, at most */
#define CP_SIPGUARD_MIN_BYTES 128 /* smaller max_msg_bytes are refused */

/* What the guard makes of one datagram. */
enum cp_sipguard_why {
	CP_SIPGUARD_OK,		/* a SIP message for libre */
	CP_SIPGUARD_STUN,	/* a STUN message for libre */
	CP_SIPGUARD_KEEPALIVE,	/* CRLF only: dropped */
	CP_SIPGUARD_TOO_LARGE,	/* over max_msg_bytes */
	CP_SIPGUARD_GARBAGE,	/* no SIP start line, binary */
	CP_SIPGUARD_BAD_HEADER, /* a header line that is not one */
	CP_SIPGUARD_MISSING,	/* a mandatory header is missing */
	CP_SIPGUARD_BAD_CSEQ,	/* CSeq not "number method" of the request */
	CP_SIPGUARD_BAD_MAXFWD, /* Max-Forwards not a number 0..255 */
	CP_SIPGUARD_BAD_CLEN,	/* Content-Length not a number or above the
				 * body's bytes (RFC 3261 18.3) */
	CP_SIPGUARD_MANY_VIA,	/* more Via lines than a reply can copy */
};

/* A slice of the datagram. */
struct cp_sipguard_str {
	const char *p;
	size_t len;
};

/* The output of cp_sipguard_parse(). */
struct cp_sipguard_msg {
	enum cp_sipguard_why why;
	bool request;	/* a request start line (else a response or none) */
	bool answer;	/* a reply can and should be sent (code, reason) */
	uint16_t scode; /* 400 or 513 when answer */
	char reason[48];
	struct cp_sipguard_str method;
	unsigned int nb_via;
	struct cp_sipguard_str via[CP_SIPGUARD_MAX_VIA]; /* values */
	struct cp_sipguard_str from, to, callid, cseq;
	bool has_maxfwd;
};

/*
 * Look at one datagram (buf, len) received on a SIP socket; a datagram
 * over max_bytes is too large (len may be max_bytes + 1: the socket reads
 * one byte more than the limit to tell). Fills out; returns 0 when the
 * datagram goes on to libre (why OK or STUN), EMSGSIZE when too large,
 * EBADMSG otherwise (out->answer says whether to reply).
 */
int cp_sipguard_parse(const uint8_t *buf, size_t len, size_t max_bytes,
		      struct cp_sipguard_msg *out);
/*
 * The response to a refused request (out->answer): status line, every
 * Via, From, To (with totag added when it has no tag, RFC 3261 8.2.6.2),
 * Call-ID, CSeq, Content-Length: 0. Returns 0, EINVAL when no answer is
 * due, or ENOMEM.
 */
int cp_sipguard_reply(struct mbuf *mb, const struct cp_sipguard_msg *m,
		      const char *totag);

struct cp_sipguard_counters {
	uint64_t datagrams; /* seen */
	uint64_t passed;    /* handed to libre (SIP and STUN) */
	uint64_t keepalive; /* CRLF keep-alives dropped */
	uint64_t too_large; /* over max_msg_bytes (answered or not) */
	uint64_t garbage;   /* no SIP start line */
	uint64_t malformed; /* a SIP start line, bad or missing headers */
	uint64_t replied_400;
	uint64_t replied_513;
	uint64_t reply_err;    /* a reply could not be built or sent */
	uint64_t rate_limited; /* requests over source_rps, dropped */
};

struct cp_sipguard;
struct sip_msg;
struct udp_sock;

/* Limits from conf: max_msg_bytes, source_rps (per source, a table of
 * 4096 sources); the operator's proxy (when an IP literal) and every
 * tenant's pbx are not rate limited (all calls of a trunk come from it). */
int cp_sipguard_alloc(struct cp_sipguard **gp, const struct esg_conf_sip *conf);
/* One more source that is not rate limited (a resolved proxy, ...). */
int cp_sipguard_exempt(struct cp_sipguard *g, const struct sa *addr);
/* Put the guard in front of us: a UDP helper that sees every datagram
 * first, and a receive size of max_msg_bytes + 1. Idempotent. */
int cp_sipguard_attach(struct cp_sipguard *g, struct udp_sock *us);
/*
 * For the SIP request handler: libre 1.1.0 does not give out the socket
 * of a transport, only msg->sock of a message received on it. Attaches
 * the guard to that socket (UDP) and returns true when msg is the guard's
 * own probe (cp_sipguard_probe), which the handler then drops.
 */
bool cp_sipguard_learn(struct cp_sipguard *g, const struct sip_msg *msg);
/* Send a probe request to a SIP listener at laddr, so that learn() sees
 * its socket at once rather than at its first real request. */
int cp_sipguard_probe(struct cp_sipguard *g, const struct sa *laddr);
/* The datagram path itself (what the helper runs; exposed for tests):
 * true when consumed (dropped or answered through send). now_ns of a
 * monotonic clock. */
typedef int(cp_sipguard_send_h)(const struct sa *dst, struct mbuf *mb,
				void *arg);
bool cp_sipguard_input(struct cp_sipguard *g, const struct sa *src,
		       struct mbuf *mb, uint64_t now_ns,
		       cp_sipguard_send_h *sendh, void *arg);
const struct cp_sipguard_counters *
cp_sipguard_counters(const struct cp_sipguard *g);
void cp_sipguard_log_counters(const struct cp_sipguard *g);

#endif
