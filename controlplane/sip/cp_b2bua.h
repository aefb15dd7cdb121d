/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA (docs/b2bua.md): calls between the enterprise's LAN side (a
 * tenant's PBX or phones) and the operator's trunk (WAN), each side its
 * own dialog (cp_dlg), media anchored in the dataplane (cp_call_media.h),
 * SDP rewritten toward each side (cp_sdp.h), every message of one side
 * built from scratch so nothing of the other side's topology crosses.
 *
 * The SIP listener (cp_sip.c) hands every request to cp_b2bua_request();
 * what it does not consume (OPTIONS outside a dialog, unknown methods) the
 * listener answers itself. Functions return 0 or a positive errno.
 */
#ifndef CP_B2BUA_H
#define CP_B2BUA_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "esg_conf.h"
#include "media/cp_leg.h"

/* The methods the ESG serves with the B2BUA (Allow, RFC 3261 20.5). */
#define CP_B2BUA_ALLOW                                                         \
	"INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, "      \
	"NOTIFY, MESSAGE, REGISTER"

struct cp_reg;
struct cp_cac;
struct cp_cdr;
struct cp_dp;
struct cp_dlg_timers;

struct cp_b2bua_cfg {
	const struct esg_conf *conf; /* kept by pointer: must outlive b */
	/* The libre stack of each interface (cp_sip_stack_of), NULL for one
	 * without SIP: a side's requests leave from its own stack. */
	struct sip *sip[ESG_CONF_MAX_IFACES];
	struct cp_leg_tbl *legs;
	struct cp_reg *reg; /* registrations; NULL: static routing only */
	struct cp_cac *cac; /* admission; NULL: no limits */
	struct cp_cdr *cdr; /* call records; NULL: none */
	struct cp_dp *dp;   /* the leg statistics of the records; NULL */
	const struct cp_dlg_timers *timers; /* NULL: RFC 3261 defaults */
};

/* Why calls ended or failed; esgctl and the log show them by name. */
enum cp_b2bua_end {
	CP_END_NORMAL_A,      /* BYE from side A (the caller) */
	CP_END_NORMAL_B,      /* BYE from side B (the callee) */
	CP_END_CANCEL,	      /* the caller CANCELled before an answer */
	CP_END_REJECTED,      /* the callee side answered >= 300 */
	CP_END_NO_ANSWER,     /* sip.timers.no_answer_s passed */
	CP_END_TIMEOUT,	      /* no response / no ACK (408) */
	CP_END_EXPIRED,	      /* RFC 4028 session expired */
	CP_END_MEDIA_TIMEOUT, /* no media for media_timeout_s */
	CP_END_DP_ERROR,      /* the dataplane refused a media leg */
	CP_END_NO_ROUTE,      /* no tenant / number / target: 403/404/480 */
	CP_END_ADMISSION,     /* over a limit: 503 + Retry-After */
	CP_END_BAD_SDP,	      /* 488 */
	CP_END_MEDIA,	      /* no media ports, legs: 503 */
	CP_END_ERROR,	      /* a transport or internal error */
	CP_END_MAX,
};

struct cp_b2bua_counters {
	uint64_t attempts; /* new INVITEs taken (not retransmissions) */
	uint64_t answered; /* calls that got a 2xx */
	uint64_t failed;   /* calls that ended without a 2xx */
	uint64_t active;   /* calls now */
	uint64_t ended[CP_END_MAX];
	uint64_t reoffers;	/* re-INVITE/UPDATE offers relayed */
	uint64_t relayed_reqs;	/* INFO/NOTIFY/MESSAGE relayed */
	uint64_t refer_refused; /* REFER refused (docs/b2bua.md "REFER") */
	uint64_t refers;	/* REFER relayed */
	uint64_t redirects;	/* 3xx followed (docs "Error mapping") */
	uint64_t early_media;	/* provisional answers relayed with SDP */
};

struct cp_b2bua;

int cp_b2bua_alloc(struct cp_b2bua **bp, const struct cp_b2bua_cfg *cfg);
/* The listener's entry point: true when the request was consumed. */
bool cp_b2bua_request(struct cp_b2bua *b, const struct sip_msg *msg);
const struct cp_b2bua_counters *cp_b2bua_counters(const struct cp_b2bua *b);
const char *cp_b2bua_end_str(enum cp_b2bua_end e);
void cp_b2bua_log_counters(const struct cp_b2bua *b);

/* Read-only views for the status document (cp_status.h, esgctl). */
#define CP_B2BUA_INFO_LEGS 16 /* >= 2 sides x CP_CMEDIA_MAX streams */
struct cp_b2bua_call_info {
	uint64_t id;
	unsigned int tenant;
	bool incoming;	    /* side A (the caller) is the operator's */
	const char *state;  /* "calling", "connected", "ended" */
	const char *user_a; /* the caller's number */
	const char *user_b; /* the number called */
	int af_a, af_b;	    /* each side's signalling family */
	uint64_t start_ms;  /* tmr_jiffies() of the INVITE */
	uint64_t answer_ms; /* of the 2xx; 0: not answered */
	unsigned int nb_legs;
	uint32_t legs[CP_B2BUA_INFO_LEGS]; /* media leg ids, A then B */
};
/* true stops the walk. The info's strings live until the next event. */
typedef bool(cp_b2bua_call_h)(const struct cp_b2bua_call_info *ci, void *arg);
/* Walk the live calls, oldest first; returns how many were visited. */
unsigned int cp_b2bua_calls_apply(const struct cp_b2bua *b, cp_b2bua_call_h *h,
				  void *arg);
struct cp_dlg_counters;
/* The dialog socks' counters summed over the interfaces into *sum;
 * returns the live dialogs. */
uint32_t cp_b2bua_dlg_counters(const struct cp_b2bua *b,
			       struct cp_dlg_counters *sum);
struct cp_dlg_live;
/* The dialog socks' live objects (cp_dlgsock_live) summed into *sum. */
void cp_b2bua_dlg_live(const struct cp_b2bua *b, struct cp_dlg_live *sum);

/*
 * The response the B2BUA sends to side A for a final response scode of
 * side B (err != 0: no response at all). Mapping in docs/b2bua.md "Error
 * mapping": end-to-end codes pass, hop-by-hop ones (auth, transport,
 * extensions) become what they mean to A; the class is kept. *reasonp
 * gets the reason phrase to send.
 */
uint16_t cp_b2bua_map_final(uint16_t scode, int err, const char **reasonp);

#endif
