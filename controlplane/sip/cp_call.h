/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside the B2BUA (cp_b2bua.c, cp_call.c, cp_call_sdp.c): one struct
 * cp_call per call, two sides. Side A is the side the INVITE came from
 * (its dialog is our UAS dialog), side B the side we call (our UAC
 * INVITE, and the dialog of the fork that answered). Not a public API.
 */
#ifndef CP_CALL_H
#define CP_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "cp_b2bua.h"
#include "cp_call_media.h"
#include "cp_cdr.h"
#include "cp_dlg.h"
#include "cp_route.h"
#include "cp_sdp.h"

#define CP_CALL_USER 64
#define CP_CALL_URI 256

struct cp_b2bua {
	struct cp_b2bua_cfg cfg;
	const struct esg_conf *conf;
	struct cp_dlgsock *ds[ESG_CONF_MAX_IFACES];  /* per interface */
	struct cp_ports *ports[ESG_CONF_MAX_IFACES]; /* per interface */
	struct list calls;
	uint64_t next_id;
	struct cp_b2bua_counters c;
};

/* Where and how side B is called (cp_b2bua.c builds it from scratch:
 * docs/b2bua.md "Header policy"). */
struct cp_call_target {
	enum cp_route_side where;
	int iface;
	int af;
	char ruri[CP_CALL_URI];
	char from[CP_CALL_URI];
	char to[CP_CALL_URI];
	char route[CP_CALL_URI];
	char hdrs[CP_CALL_URI + 32];
	char user[CP_CALL_USER]; /* the number called */
	char cuser[CP_CALL_USER];
	const char *auth_user;
	const char *auth_pass;
};

enum cp_call_state {
	CP_CALL_CALLING,   /* INVITE sent to B, no answer */
	CP_CALL_CONNECTED, /* B answered 2xx; A's ACK may be pending */
	CP_CALL_ENDED,
};

/* Who owes an answer to an offer in flight. */
enum cp_call_oa {
	CP_OA_IDLE,
	CP_OA_RELAY, /* side oa_from offered; we offered on to the other */
	CP_OA_LOCAL, /* we offered to oa_from alone (re-INVITE w/o SDP) */
};

/* The identifiers of a side's confirmed dialog (RFC 3261 12), learnt from
 * the messages that confirmed it: a REFER's Replaces names them
 * (cp_call_refer.c). NULL until confirmed. */
struct cp_call_dlgid {
	char *callid;
	char *ltag; /* ours */
	char *rtag; /* the peer's */
};

struct cp_call_side {
	struct cp_dlg *dlg; /* A: our UAS dialog; B: the answered fork */
	struct cp_call_dlgid id;
	struct sa laddr;	  /* our SIP address toward it (port too) */
	enum cp_route_side where; /* LAN or WAN */
	int iface;
	int af;		  /* signalling (and first media) family */
	struct sa media;  /* own media address toward it */
	uint64_t sess_id; /* our o= toward it (RFC 3264 5) */
	uint64_t sess_ver;
	char user[CP_CALL_USER]; /* its number (From for A, To for B) */
};

struct cp_call {
	struct le le;
	struct cp_b2bua *b;
	uint64_t id;
	unsigned int tenant;
	enum cp_call_state state;
	struct cp_call_side side[2];
	struct cp_inv *inv;	/* B: our INVITE until answered or failed */
	struct mbuf *b_offer;	/* B: our offer, kept until answered (3xx) */
	struct cp_dlg *b_early; /* B: the fork whose early SDP went to A */
	bool redirected;	/* a 3xx was followed (once) */
	struct cp_cmedia *media;
	bool late_offer;  /* A's INVITE had no SDP */
	bool cac_held;	  /* admitted: cp_cac_release() owed */
	bool early_sdp_a; /* an early answer went to A already */
	enum cp_call_oa oa;
	enum cp_side oa_from;
	bool oa_update; /* the pending offer came in an UPDATE */
	struct tmr noans;
	struct tmr endt; /* an end decided inside a leg event */
	enum cp_b2bua_end end_why;
	struct list relays; /* in-dialog requests relayed, unanswered */
	uint64_t t_start_ms, t_answer_ms;	/* tmr_jiffies() */
	uint64_t wall_start_ms, wall_answer_ms; /* cp_cdr_now_ms() */
	uint16_t a_code;			/* the final response A got */
	char *a_reason; /* its reason phrase (up to 47 characters), NULL */
	/* m= media of the streams the call record names */
	char kind[CP_CDR_MAX_STREAMS][16];
};

/* cp_b2bua.c */
/* Send B's INVITE to o (b_offer, or none: late offer); dname: A's display
 * name or NULL. */
int cp_b2bua_invite_b(struct cp_call *call, const struct cp_call_target *o,
		      const char *dname);
/* RFC 3261 8.1.3.4: B's 3xx named a number at the operator: call it
 * through the proxy instead (once). ENOENT: not a usable target. */
int cp_b2bua_redirect(struct cp_call *call, const struct pl *number);
/* Copy a URI user part keeping only characters safe in any URI and
 * header (RFC 3261 25.1 unreserved and a few marks). */
void cp_b2bua_user_copy(char *dst, size_t size, const struct pl *user);
/* A host for URIs: an IP literal of sa (IPv6 in brackets). */
void cp_b2bua_host(char *dst, size_t size, const struct sa *sa);

/* cp_call.c */
/* The handlers of both sides' dialogs; arg is the call. */
extern const struct cp_dlg_handlers cp_call_handlers;
/* A new call in b's list (active), its media with mcfg; the owner fills
 * in the sides and starts the dialogs. */
int cp_call_alloc(struct cp_call **callp, struct cp_b2bua *b,
		  unsigned int tenant, const struct cp_cmedia_cfg *mcfg);
/* sip.timers.no_answer_s: 480 to A and CANCEL to B when it passes. */
void cp_call_noans_start(struct cp_call *call, uint32_t secs);
/* End the call: the other dialog(s) ended, media freed, counted. */
void cp_call_end(struct cp_call *call, enum cp_b2bua_end why);

/* Relay an in-dialog request of side from (sreq) in the other side's
 * dialog: method, extra header lines hdrs (built by the caller), the body
 * with its type; the final response code returns to sreq. */
int cp_call_relay(struct cp_call *call, enum cp_side from,
		  struct cp_dlg_sreq *sreq, const char *method,
		  const char *hdrs, const char *ctype, const struct pl *body);

/* cp_call_refer.c */
/* RFC 3515: a REFER of side from, relayed with Refer-To / Referred-By
 * rewritten toward the other side (docs/b2bua.md "REFER"). */
void cp_call_refer(struct cp_call *call, enum cp_side from,
		   struct cp_dlg_sreq *sreq, const struct sip_msg *msg);
/* A NOTIFY of side from (RFC 3515 2.4.4 / RFC 6665): Event and
 * Subscription-State kept, a sipfrag body cut to its status line. */
void cp_call_notify(struct cp_call *call, enum cp_side from,
		    struct cp_dlg_sreq *sreq, const struct sip_msg *msg);
/* Learn a side's dialog identifiers from the message that confirmed it
 * (A: the ACK, B: the 2xx). */
void cp_call_dlgid_set(struct cp_call_side *cs, const struct sip_msg *msg);
void cp_call_dlgid_free(struct cp_call_dlgid *id);
/* The number of a sip:/sips: URI (its user) or of a tel: URI (RFC 3966
 * 3: up to its first parameter). ENOENT: another scheme or none. */
int cp_call_uri_number(const struct sip_addr *a, struct pl *num);

/* cp_call_cdr.c */
/* The call record of a call that ends (sip.records). */
void cp_call_record(struct cp_call *call, enum cp_b2bua_end why);
/* The record of a request refused before a call existed. */
void cp_call_record_refused(struct cp_b2bua *b, const struct sip_msg *msg,
			    enum cp_route_side from, int tenant, uint16_t scode,
			    const char *reason, enum cp_b2bua_end why);
/* What A is told when the call fails: kept for the record. */
void cp_call_a_final(struct cp_call *call, uint16_t scode, const char *reason);

/* cp_call_sdp.c */
/* The cp_cmedia view of the parsed SDP of one side. EBADMSG: too many
 * streams or a stream without address. */
int cp_call_sdp_rems(const struct cp_sdp *sdp, struct cp_cmedia_rem *r,
		     unsigned int *np);
/* Parse a body. EBADMSG (the caller answers 488). */
int cp_call_sdp_parse(struct cp_call *call, const struct pl *body,
		      struct cp_sdp **sdpp);
/* The offer body from side from: legs made, rewritten toward the other
 * side into *mbp. */
int cp_call_sdp_offer(struct cp_call *call, enum cp_side from,
		      const struct pl *body, struct mbuf **mbp);
/* The answer body from side from: legs set (final or early), rewritten
 * toward the other side into *mbp. */
int cp_call_sdp_answer(struct cp_call *call, enum cp_side from,
		       const struct pl *body, bool final, struct mbuf **mbp);
/* Our own offer toward side to from what we last sent it (a re-INVITE
 * without SDP from it: RFC 3261 14.2, RFC 3264 8). */
int cp_call_sdp_reoffer(struct cp_call *call, enum cp_side to,
			struct mbuf **mbp);

#endif
