/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals of the INVITE dialog layer (cp_dlg.h), shared by cp_dlg*.c. */
#ifndef CP_DLG_INT_H
#define CP_DLG_INT_H

#include "cp_dlg.h"
#include "cp_sip.h"

enum dlg_state {
	DLG_EARLY,
	DLG_CONFIRMED,
	DLG_TERMINATED,
};

struct cp_dlgsock {
	struct sip *sip;
	struct sip_lsnr *lsnr_req;
	struct sip_lsnr *lsnr_resp;
	struct hash *ht;  /* struct cp_dlg by Call-ID */
	struct list invl; /* struct cp_inv still listening for late forks */
	cp_dlg_conn_h *connh;
	void *arg;
	struct cp_dlg_timers t;
	uint32_t (*randh)(void *arg);
	void *rarg;
	struct cp_dlg_counters c;
	struct cp_dlg_live live; /* a cp_inv or cp_dlg must not outlive
				    the sock: their destructors count here */
};

struct cp_dlg_sreq {
	struct le le; /* in dlg->sreql */
	struct cp_dlg *dlg;
	struct sip_msg *msg;
	struct sip_strans *st;
};

/* A response kept for retransmission until it is acknowledged (a
 * reliable 1xx until its PRACK, RFC 3262 3; a 2xx to an INVITE until its
 * ACK, RFC 3261 13.3.1.4): allocated while one is out, so that a held
 * call does not carry it (docs/performance.md: memory per held call). */
struct cp_dlg_rtx {
	struct mbuf *mb;
	struct sa dst;
	void *sock;
	enum sip_transp tp;
	uint32_t cseq;
	uint32_t ival;
	uint32_t elapsed;
	struct tmr tmr;
};

struct cp_dlg {
	struct le he; /* in ds->ht */
	struct cp_dlgsock *ds;
	struct sip_dialog *sdlg;
	struct cp_inv *inv; /* UAC fork: its INVITE (weak, cleared by inv) */
	struct le ile;	    /* UAC fork: in inv->forkl */
	const struct cp_dlg_handlers *h; /* the owner's (never NULL) */
	void *arg;
	char *cuser;
	char *hdrs; /* UAS: extra headers of every response to INVITE */
	char *ruri; /* remote target */
	enum dlg_state state;
	bool uac;
	bool update_ok;	  /* we Allow UPDATE */
	bool peer_update; /* the peer's Allow lists UPDATE */
	bool peer_timer;  /* the peer's Supported/Require lists timer */
	struct list sreql;

	/* UAS: the initial INVITE */
	struct sip_msg *imsg;
	struct sip_strans *st;
	bool rel_ok;		/* reliable 1xx allowed (prm + Supported) */
	bool rel_required;	/* INVITE had Require: 100rel */
	bool invite_offer;	/* the INVITE carried an SDP offer */
	bool rel_offer;		/* the unPRACKed 1xx carried our offer */
	uint32_t rseq;		/* last RSeq sent */
	struct cp_dlg_rtx *rel; /* unPRACKed reliable 1xx */

	/* UAS: our 2xx (initial or re-INVITE) waiting for ACK */
	struct cp_dlg_rtx *ok;
	bool ok_offer; /* our 2xx carried an offer: the ACK has the answer */
	bool ok_initial;

	/* UAC: the 2xx of the INVITE and its ACK */
	uint32_t icseq;	     /* CSeq of the INVITE */
	uint32_t prack_rseq; /* last RSeq PRACKed */
	bool acked;
	struct mbuf *ack_sdp; /* body of our ACK (late offer answer) */
	struct tmr tmr_answer;

	/* offer/answer in the dialog */
	struct sip_msg *pmsg;	/* the peer's pending re-INVITE/UPDATE/PRACK */
	struct sip_strans *pst; /* its server transaction */
	bool p_noffer;		/* re-INVITE without offer */
	struct sip_request *oreq; /* our re-INVITE/UPDATE */
	bool o_active;		  /* our offer is out or in 491 back-off */
	struct mbuf *osdp;	  /* our pending offer (kept for 491 retry) */
	bool o_update;
	bool o_refresh; /* session refresh (no answer reported) */
	uint32_t o_cseq;
	struct tmr tmr_glare;
	struct mbuf *lsdp; /* last SDP we sent (a refresh re-sends it) */
	/* The last SDP the peer sent is kept as its length and a 64-bit
	 * digest only: all it is needed for is telling a refresh re-INVITE
	 * (the same bytes, RFC 4028 / RFC 3264 8) from a new offer
	 * (docs/performance.md: memory per held call). */
	uint64_t rsdp_hash;
	uint32_t rsdp_len; /* 0: none yet */

	/* RFC 4028 session timer */
	uint32_t se;	 /* interval (s), 0 = none */
	uint32_t min_se; /* our Min-SE */
	uint32_t se_cfg; /* the owner's wish (prm.se_s) */
	bool refresher;	 /* we refresh */
	struct tmr tmr_se;
	bool bye_sent;
};

struct cp_inv {
	struct le le; /* in ds->invl */
	struct cp_dlgsock *ds;
	struct sip_dialog *sdlg; /* base dialog: never created, forked */
	struct sip_request *req;
	struct sip_auth *auth;
	const struct cp_dlg_handlers *h; /* never NULL */
	void *arg;
	struct list forkl; /* struct cp_dlg (early forks and the winner) */
	struct mbuf *sdp;  /* our offer, NULL = late offer */
	char *cuser;
	char *hdrs;
	char *auth_user;
	char *auth_pass;
	bool rel100;
	bool update_ok;
	uint32_t se;
	uint32_t min_se;
	uint32_t icseq;
	bool auth_tried;
	bool se_retried;
	bool done;   /* final response or 2xx reported */
	bool closed; /* the owner forgot it */
	bool canceled;
	struct tmr tmr_linger; /* 64*T1 after the 2xx: late forks */
};

/* cp_dlg.c: the dialog object */
/* No handler at all (a forgotten INVITE, h NULL). */
extern const struct cp_dlg_handlers cp_dlg_no_handlers;
int cp_dlg_alloc(struct cp_dlg **dlgp, struct cp_dlgsock *ds, bool uac,
		 const struct cp_dlg_handlers *h, void *arg, const char *cuser);
struct cp_dlg *cp_dlg_find(struct cp_dlgsock *ds, const struct sip_msg *msg);
void cp_dlg_terminate(struct cp_dlg *dlg, enum cp_dlg_reason reason,
		      uint16_t scode, const struct sip_msg *msg, bool notify);
int cp_dlg_send_bye(struct cp_dlg *dlg);
int cp_dlg_send_h(enum sip_transp tp, const struct sa *src,
		  const struct sa *dst, struct mbuf *mb, void *arg);
int cp_dlg_reply_body(struct cp_dlg *dlg, struct sip_strans **stp,
		      struct mbuf **mbp, const struct sip_msg *msg,
		      uint16_t scode, const char *reason, const char *xhdrs,
		      const struct mbuf *sdp, bool contact);
uint32_t cp_dlg_ms(const struct cp_dlgsock *ds, uint32_t sec);
void cp_dlg_set_lsdp(struct cp_dlg *dlg, const struct mbuf *sdp);
void cp_dlg_set_rsdp(struct cp_dlg *dlg, const struct pl *body);
/* Is body the last SDP the peer sent (its length and digest)? */
bool cp_dlg_is_rsdp(const struct cp_dlg *dlg, const struct pl *body);
void cp_dlg_peer_caps(struct cp_dlg *dlg, const struct sip_msg *msg);
void cp_dlg_fail_sreqs(struct cp_dlg *dlg);
bool cp_dlg_has_opt(const struct sip_msg *msg, enum sip_hdrid id,
		    const char *opt);
const char *cp_dlg_allow(const struct cp_dlg *dlg);

/* cp_dlg_uas.c */
/* A retransmission record for mb (referenced) toward msg's sender. */
int cp_dlg_rtx_alloc(struct cp_dlg_rtx **rtxp, struct cp_dlg *dlg,
		     struct mbuf *mb, const struct sip_msg *msg);
void cp_dlg_uas_ack(struct cp_dlg *dlg, const struct sip_msg *msg);
void cp_dlg_uas_prack(struct cp_dlg *dlg, const struct sip_msg *msg);
int cp_dlg_send_2xx(struct cp_dlg *dlg, struct sip_strans **stp,
		    const struct sip_msg *msg, const struct mbuf *sdp,
		    bool initial);

/* cp_dlg_uac.c */
bool cp_dlg_uac_stray(struct cp_dlgsock *ds, const struct sip_msg *msg);
int cp_dlg_send_ack(struct cp_dlg *dlg);
void cp_inv_fork_gone(struct cp_dlg *dlg);

/* cp_dlg_mod.c */
void cp_dlg_mod_request(struct cp_dlg *dlg, const struct sip_msg *msg,
			bool update);
void cp_dlg_mod_abort(struct cp_dlg *dlg);
int cp_dlg_send_offer(struct cp_dlg *dlg);

/* cp_dlg_req.c */
void cp_dlg_req_recv(struct cp_dlg *dlg, const struct sip_msg *msg);

/* cp_dlg_timer.c: RFC 4028 */
int cp_dlg_se_print(struct mbuf *mb, const struct cp_dlg *dlg, bool request);
int cp_dlg_se_check_req(struct cp_dlgsock *ds, const struct sip_msg *msg,
			uint32_t min_se, uint32_t *sep, bool *uac_refp,
			bool *has_refp);
void cp_dlg_se_from_resp(struct cp_dlg *dlg, const struct sip_msg *msg,
			 bool we_sent_request, uint32_t asked);
void cp_dlg_se_from_req(struct cp_dlg *dlg, const struct sip_msg *msg);
void cp_dlg_se_start(struct cp_dlg *dlg);

#endif
