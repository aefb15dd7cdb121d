/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cp_dlg: the SIP INVITE dialog layer of the B2BUA, on libre's transaction
 * layer (sip_request / sip_drequestf, sip_strans / sip_treplyf, sip_dialog,
 * sip_auth). libre's sipsess lacks 100rel, UPDATE, forking, asynchronous
 * offer/answer and session timers; this layer has them. See
 * docs/sip-dialogs.md.
 *
 * Objects
 *   struct cp_dlgsock  one per struct sip: routes in-dialog requests, ACK,
 *                      stray 2xx retransmissions and late forks to dialogs
 *                      (hash on Call-ID, compared on Call-ID + both tags).
 *   struct cp_dlg      one dialog (early or confirmed), UAS or UAC side.
 *   struct cp_inv      one outgoing INVITE (UAC); each To-tag in a 1xx/2xx
 *                      becomes its own struct cp_dlg (forking, RFC 3261
 *                      12.1.2, 13.2.2.4).
 *   struct cp_dlg_sreq an in-dialog request (INFO, REFER, NOTIFY, MESSAGE,
 *                      OPTIONS) waiting for the owner's reply.
 *
 * Ownership and lifetime (read this):
 *   - The layer owns every cp_dlg and cp_inv. A cp_dlg pointer handed to the
 *     owner (by cp_dlg_accept or a handler) stays valid until its close
 *     handler returns, or until the owner itself ends it with cp_dlg_bye(),
 *     cp_dlg_close() or cp_dlg_reject() of an initial INVITE: after those
 *     calls return, the owner must forget the pointer. No close handler is
 *     called for an end the owner asked for.
 *   - A cp_inv pointer stays valid until its fail handler returns, until the
 *     estab handler of its winning fork returns, or until cp_inv_close().
 *   - The owner may mem_ref() a cp_dlg to keep the memory longer; calls on
 *     a terminated dialog return ENOTCONN.
 *   - A cp_dlg_sreq stays valid until cp_dlg_sreq_reply() or the close
 *     handler of its dialog returns (the layer then answers it 481).
 *   - Handlers are never called from inside an API call of this layer; they
 *     run from libre's event loop (message receipt or a timer).
 *
 * Topology: every message the layer sends is built from scratch: libre's
 * Via, our Contact (sip:<cuser>@<the local address libre chose to send
 * from, or the address the request arrived on>;transport=...), never a
 * header copied from the other side. Record-Route of the same side is
 * echoed in responses that create a dialog (RFC 3261 12.1.1) as it must.
 * Headers the owner wants to carry across come in the hdrs arguments:
 * zero or more complete header lines, each ending in CRLF.
 *
 * Bodies: incoming bodies are handed as a struct pl (NULL when the message
 * has no body or its Content-Type is not application/sdp); outgoing SDP is
 * a struct mbuf whose bytes buf[0..end) are sent as application/sdp.
 *
 * Times (STYLE rule 7): retransmission and waits run on libre timers whose
 * durations come from struct cp_dlg_timers (tests shrink them); the random
 * value of the glare back-off comes from the sock's rand handler.
 *
 * Functions return 0 or a positive errno (libre convention).
 */
#ifndef CP_DLG_H
#define CP_DLG_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

struct cp_dlgsock;
struct cp_dlg;
struct cp_inv;
struct cp_dlg_sreq;

/* Why a dialog ended (close handler). */
enum cp_dlg_reason {
	CP_DLG_CLOSE_BYE,      /* the peer sent BYE (answered 200) */
	CP_DLG_CLOSE_CANCEL,   /* UAS: the peer CANCELled the INVITE (200 to
				  CANCEL, 487 to INVITE sent) */
	CP_DLG_CLOSE_REJECTED, /* UAC: the INVITE got a final error response
				  (scode, msg): every early fork ends */
	CP_DLG_CLOSE_TIMEOUT,  /* no ACK for our 2xx (BYE sent), no response
				  to a request (scode 408), PRACK never came
				  (RFC 3262 3: 504 sent) */
	CP_DLG_CLOSE_EXPIRED,  /* RFC 4028 10: session expired, BYE sent */
	CP_DLG_CLOSE_LOCAL,    /* the layer ended it for the owner: a fork
				  that lost to another fork's 2xx, a late
				  offer the owner never answered (ACK + BYE) */
	CP_DLG_CLOSE_ERROR,    /* transport error or malformed peer message
				  that makes the dialog unusable */
};

/* Durations; zero fields take the default (in parentheses). */
struct cp_dlg_timers {
	uint32_t t1_ms;		 /* RFC 3261 T1 (500): 2xx and reliable 1xx
				    retransmission start, 64*T1 wait */
	uint32_t t2_ms;		 /* RFC 3261 T2 (4000): retransmission cap */
	uint32_t sec_ms;	 /* length of one "second" of session timers
				    and glare back-off (1000); tests shrink */
	uint32_t answer_wait_ms; /* UAC late offer: how long a 2xx with an
				    offer waits for cp_dlg_answer() before
				    ACK without body + BYE (32000) */
	uint32_t linger_ms;	 /* UAC: how long an answered INVITE
				    stays for the 2xx of late forks (64*T1,
				    RFC 3261 13.2.2.4) */
};

/*
 * Parameters of cp_dlg_invite (UAC) and cp_dlg_accept (UAS). Strings are
 * copied; NULL means "none".
 */
struct cp_dlg_prm {
	/* UAC only */
	const char *ruri;      /* Request-URI */
	const char *from_uri;  /* From URI (the tag is ours) */
	const char *from_name; /* From display name */
	const char *to_uri;    /* To URI */
	const char *route;     /* outbound proxy URI, loose routing
				  (Route: <uri;lr>); NULL: sent to ruri */
	const char *auth_user; /* digest credentials, used once on 401/407 */
	const char *auth_pass;
	/* both */
	const char *cuser; /* user part of our Contact */
	const char *hdrs;  /* extra header lines for the INVITE (UAC) or
				every response to it (UAS) */
	bool rel100;	   /* UAC: Supported: 100rel; UAS: we may send
				reliable 1xx (when the INVITE allows) */
	bool update;	   /* we accept UPDATE (Allow) */
	uint32_t se_s;	   /* RFC 4028 Session-Expires we ask (UAC) or
				grant at most (UAS); 0 = no session timer
				unless the peer asks for one */
	uint32_t min_se_s; /* our Min-SE (90 if lower) */
};

/* A new out-of-dialog INVITE (only when the sock listens itself). The owner
 * calls cp_dlg_accept() or replies to msg itself (sip_treplyf). */
typedef void(cp_dlg_conn_h)(const struct sip_msg *msg, void *arg);

/* UAC: a provisional response. dlg is the fork's early dialog (NULL for a
 * 1xx without To-tag or without Contact); body is its SDP or NULL. A
 * reliable 1xx (RFC 3262) was PRACKed already; a retransmission of it is
 * not reported again. */
typedef void(cp_dlg_prov_h)(struct cp_inv *inv, struct cp_dlg *dlg,
			    const struct sip_msg *msg, const struct pl *body,
			    void *arg);

/* The dialog is confirmed.
 * UAC: a 2xx for this fork (other early forks end with CLOSE_LOCAL). body is
 * the answer, or an offer when our INVITE had none: then the owner must
 * call cp_dlg_answer(dlg, sdp) which sends the ACK with it (bounded by
 * answer_wait_ms). Without an offer the ACK is sent at once.
 * UAS: the ACK of our 2xx arrived; body is the answer when our 2xx carried
 * the offer (INVITE without SDP), else NULL. */
typedef void(cp_dlg_estab_h)(struct cp_dlg *dlg, const struct sip_msg *msg,
			     const struct pl *body, void *arg);

/* An offer from the peer in a re-INVITE or UPDATE (RFC 3311), or an
 * INVITE-less offer in a PRACK. The owner answers later with cp_dlg_answer()
 * or cp_dlg_reject(). body NULL: a re-INVITE without SDP: the owner's
 * cp_dlg_answer(dlg, sdp) puts an OFFER in the 200 and the peer's answer
 * comes in the ACK through the answer handler (scode 200). */
typedef void(cp_dlg_offer_h)(struct cp_dlg *dlg, const struct sip_msg *msg,
			     const struct pl *body, void *arg);

/* The outcome of our offer (cp_dlg_offer), or an answer arriving in an ACK
 * or a PRACK. scode 2xx: body is the answer (NULL if the peer sent none);
 * scode >= 300: the offer failed (the previous session stays, RFC 3261
 * 14.1); scode 408: no response. A 491 is not reported: the layer retries
 * after the RFC 3261 14.1 back-off and reports the retry's outcome. */
typedef void(cp_dlg_answer_h)(struct cp_dlg *dlg, uint16_t scode,
			      const struct sip_msg *msg, const struct pl *body,
			      void *arg);

/* INFO, REFER, NOTIFY, MESSAGE or OPTIONS in the dialog: reply later with
 * cp_dlg_sreq_reply(). Without this handler the layer answers 501. */
typedef void(cp_dlg_sreq_h)(struct cp_dlg *dlg, struct cp_dlg_sreq *sreq,
			    const struct sip_msg *msg, void *arg);

/* The dialog ended. scode: the final response for CLOSE_REJECTED, 408 or 0
 * for CLOSE_TIMEOUT, else 0. msg: the message that ended it, or NULL. */
typedef void(cp_dlg_close_h)(struct cp_dlg *dlg, enum cp_dlg_reason reason,
			     uint16_t scode, const struct sip_msg *msg,
			     void *arg);

/* UAC: the INVITE failed: a final 3xx-6xx (scode, msg; a 3xx has the
 * Contact list), or err != 0 with scode 408 (no response / transport). The
 * early forks got their close handler (CLOSE_REJECTED) before this. */
typedef void(cp_inv_fail_h)(struct cp_inv *inv, int err, uint16_t scode,
			    const struct sip_msg *msg, void *arg);

/* The handlers are kept by pointer (not copied: memory per held call,
 * docs/performance.md): h given to cp_dlg_accept/cp_dlg_invite must
 * outlive the dialogs (a static const table). */
struct cp_dlg_handlers {
	cp_dlg_prov_h *provh;	  /* UAC */
	cp_dlg_estab_h *estabh;	  /* both */
	cp_dlg_offer_h *offerh;	  /* both; without it offers get 488 */
	cp_dlg_answer_h *answerh; /* both */
	cp_dlg_sreq_h *sreqh;	  /* both */
	cp_dlg_close_h *closeh;	  /* both */
	cp_inv_fail_h *failh;	  /* UAC */
};

struct cp_dlg_counters {
	uint64_t dialogs;     /* dialogs created (UAS + UAC forks) */
	uint64_t no_dialog;   /* in-dialog request without dialog: 481 */
	uint64_t bad_cseq;    /* in-dialog request with an old CSeq: 500 */
	uint64_t glare;	      /* re-INVITE/UPDATE while ours pending: 491 */
	uint64_t retrans_2xx; /* 2xx retransmissions sent */
	uint64_t retrans_1xx; /* reliable 1xx retransmissions sent */
	uint64_t late_forks;  /* 2xx from a losing fork: ACK + BYE */
	uint64_t malformed;   /* in-dialog request refused 400 */
	uint64_t expired;     /* RFC 4028 session expiries */
	uint64_t refreshes;   /* RFC 4028 refreshes sent */
};

/* --- sock --- */

/*
 * Allocate a dialog sock on sip. With connh != NULL the sock registers its
 * own request listener (sip_listen) and hands new INVITEs to connh; with
 * connh == NULL the owner feeds every request to cp_dlgsock_request() from
 * its own listener (the B2BUA does, for admission checks). The sock always
 * listens for responses libre's transactions do not claim (2xx
 * retransmissions, 2xx of late forks).
 */
int cp_dlgsock_alloc(struct cp_dlgsock **dsp, struct sip *sip,
		     cp_dlg_conn_h *connh, void *arg);
/* Offer a request to the sock. true: consumed (in-dialog request of one of
 * our dialogs or with a To-tag and no dialog: 481; ACK; PRACK/UPDATE of an
 * early dialog). false: an out-of-dialog request for the caller (new
 * INVITE, OPTIONS, REGISTER, a CANCEL libre's transactions did not match). */
bool cp_dlgsock_request(struct cp_dlgsock *ds, const struct sip_msg *msg);
void cp_dlgsock_set_timers(struct cp_dlgsock *ds,
			   const struct cp_dlg_timers *t);
/* The random source of the glare back-off (default rand_u32()). */
void cp_dlgsock_set_rand(struct cp_dlgsock *ds, uint32_t (*randh)(void *arg),
			 void *arg);
const struct cp_dlg_counters *cp_dlgsock_counters(const struct cp_dlgsock *ds);
/* Live dialogs in the sock. */
uint32_t cp_dlgsock_count(const struct cp_dlgsock *ds);
/*
 * The sock's objects alive now (allocated, destructor not run yet). Each
 * goes when its work is done: a dialog when it terminates, an INVITE at
 * its final response (after linger_ms once answered) or cp_inv_close().
 * A count that stays above 0 when no call is left is a leak (tests check
 * it: libre's mem_get_stat() is not built into Debian's libre).
 */
struct cp_dlg_live {
	uint32_t invs; /* UAC INVITEs (struct cp_inv) */
	uint32_t dlgs; /* dialogs (struct cp_dlg), in the hash or not */
};
void cp_dlgsock_live(const struct cp_dlgsock *ds, struct cp_dlg_live *live);

/* --- UAS --- */

/*
 * Take a new INVITE: creates the dialog (the To-tag is libre's msg->tag),
 * keeps the INVITE server transaction and sends 100 Trying. EBADMSG: no
 * Contact or no From-tag, or a malformed Session-Expires (the caller
 * answers 400). Answered here, no dialog: ENOTSUP (420 Bad Extension for a
 * Require other than 100rel/timer, or 100rel when prm.rel100 is false) and
 * ERANGE (RFC 4028 8.1: 422 with our Min-SE). The INVITE's SDP, if any, is
 * the owner's to read (cp_dlg_msg_sdp). dlgp: see lifetime above.
 */
int cp_dlg_accept(struct cp_dlg **dlgp, struct cp_dlgsock *ds,
		  const struct sip_msg *msg, const struct cp_dlg_prm *prm,
		  const struct cp_dlg_handlers *h, void *arg);
/*
 * Send a 101-199 with To-tag and Contact, sdp optional. reliable: RFC 3262
 * (Require: 100rel, RSeq, retransmitted T1 doubling until PRACK, PRACK
 * answered 200); only when prm.rel100 and the INVITE has Supported or
 * Require 100rel (else sent unreliably); when the INVITE has Require:
 * 100rel every 18x is reliable. EBUSY: a reliable 1xx is still unPRACKed.
 */
int cp_dlg_progress(struct cp_dlg *dlg, uint16_t scode, const char *reason,
		    struct mbuf *sdp, bool reliable);
/* Send the 200 OK to the INVITE (Contact, Supported, Allow, session timer
 * headers, sdp: the answer, or the offer when the INVITE had none),
 * retransmitted until ACK (RFC 3261 13.3.1.4); no ACK within 64*T1: BYE and
 * close handler CLOSE_TIMEOUT. */
int cp_dlg_answer_invite(struct cp_dlg *dlg, struct mbuf *sdp);

/* --- UAC --- */

/* Send an INVITE; sdp NULL = late offer. Forks arrive as dialogs in provh
 * and estabh. Session timer: prm.se_s/min_se_s; a 422 is retried once with
 * the peer's Min-SE; a 401/407 once with prm's credentials. */
int cp_dlg_invite(struct cp_inv **invp, struct cp_dlgsock *ds,
		  const struct cp_dlg_prm *prm, struct mbuf *sdp,
		  const struct cp_dlg_handlers *h, void *arg);
/* CANCEL the INVITE (RFC 3261 9.1: sent once a provisional arrived, at once
 * if one did). The 487 then comes through failh. EALREADY: a 2xx came. */
int cp_inv_cancel(struct cp_inv *inv);
/* Forget the INVITE without any more handler calls (CANCELs if pending;
 * its early forks end silently). */
void cp_inv_close(struct cp_inv *inv);
/* The Call-ID of the INVITE (for logs and CDRs). */
const char *cp_inv_callid(const struct cp_inv *inv);

/* --- in a dialog (both sides) --- */

/* Answer the peer's pending offer (re-INVITE / UPDATE / PRACK: 200 with
 * sdp; re-INVITE without offer: sdp is our offer), or, UAC, give the answer
 * to the offer of a 2xx (late offer): sent in the ACK. */
int cp_dlg_answer(struct cp_dlg *dlg, struct mbuf *sdp);
/*
 * Reject: the initial INVITE (UAS, before a 2xx: scode 300-699, hdrs e.g.
 * "Retry-After: 5\r\n" or a 3xx Contact; the dialog ends, no close handler)
 * or the peer's pending offer (re-INVITE / UPDATE: 488, 491, 500 with
 * Retry-After...; the dialog stays).
 */
int cp_dlg_reject(struct cp_dlg *dlg, uint16_t scode, const char *reason,
		  const char *hdrs);
/* Make an offer: re-INVITE, or UPDATE (RFC 3311; also in an early dialog on
 * the UAS side when the peer allows UPDATE). The answer (or failure) comes
 * through answerh. EBUSY: an offer is already pending either way.
 * EOPNOTSUPP: use_update but the peer did not Allow UPDATE. */
int cp_dlg_offer(struct cp_dlg *dlg, struct mbuf *sdp, bool use_update);
/* Send BYE (confirmed dialog; in an early UAS dialog: a 480 to the INVITE,
 * in an early UAC fork: CANCEL of the INVITE) and end the dialog. */
int cp_dlg_bye(struct cp_dlg *dlg);
/* End the dialog without sending anything and without close handler. */
void cp_dlg_close(struct cp_dlg *dlg);
/* Send a request in the dialog (INFO, REFER, NOTIFY, MESSAGE, OPTIONS);
 * ctype/body optional; resph gets the final response (libre's sip_resp_h:
 * err, msg). */
int cp_dlg_request(struct cp_dlg *dlg, const char *method, const char *hdrs,
		   const char *ctype, const struct pl *body, sip_resp_h *resph,
		   void *arg);
/* Reply to an in-dialog request (scode >= 200); frees sreq. */
int cp_dlg_sreq_reply(struct cp_dlg_sreq *sreq, uint16_t scode,
		      const char *reason, const char *ctype,
		      const struct pl *body);

/* --- inspection --- */

bool cp_dlg_confirmed(const struct cp_dlg *dlg);
bool cp_dlg_is_uac(const struct cp_dlg *dlg);
const char *cp_dlg_callid(const struct cp_dlg *dlg);
/* The peer's Allow lists UPDATE (RFC 3311 5.1: an offer in an early
 * dialog can only go there by UPDATE). */
bool cp_dlg_peer_update(const struct cp_dlg *dlg);
/* The remote target (Contact URI) of the dialog. */
const char *cp_dlg_remote_uri(const struct cp_dlg *dlg);
/* The last SDP we sent in the dialog (offer or answer), or NULL. */
const struct mbuf *cp_dlg_local_sdp(const struct cp_dlg *dlg);
/* Session interval in force (s) and whether we refresh; 0 = no timer. */
uint32_t cp_dlg_session_expires(const struct cp_dlg *dlg, bool *refresherp);
/* The owner's handler argument may change (e.g. when a call object is
 * created after the dialog). */
void cp_dlg_set_arg(struct cp_dlg *dlg, void *arg);

/* The SDP body of msg (Content-Type application/sdp, non-empty): 0 and
 * *body set, ENOENT without one, EBADMSG for another content type. */
int cp_dlg_msg_sdp(const struct sip_msg *msg, struct pl *body);

#endif
