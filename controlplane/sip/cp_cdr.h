/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call records (docs/admission.md "Call records"): one JSON object per
 * line for each ended call, appended to sip.records (line-buffered, so a
 * reader never sees half a record; reopened on SIGHUP for log rotation),
 * or one log line per call when sip.records is empty. The record names
 * the numbers of both parties, never a LAN address (topology hiding).
 *
 * The B2BUA fills a struct cp_cdr_rec when a call ends and calls
 * cp_cdr_write(). Functions return 0 or a positive errno.
 */
#ifndef CP_CDR_H
#define CP_CDR_H

#include <stdbool.h>
#include <stdint.h>

struct dp_leg_stats;

#define CP_CDR_MAX_STREAMS 4
#define CP_CDR_NUM 64

enum cp_cdr_dir {
	CP_CDR_OUTBOUND, /* "outbound": from the LAN to the operator */
	CP_CDR_INBOUND,	 /* "inbound": from the operator to a tenant */
};

enum cp_cdr_disp {
	CP_CDR_ANSWERED,      /* "answered": a 2xx, then a BYE */
	CP_CDR_CANCELLED,     /* "cancelled": the caller gave up first */
	CP_CDR_REJECTED,      /* "rejected": a final >= 300 from the
			       * callee, or from the ESG (route, limits) */
	CP_CDR_FAILED,	      /* "failed": an error (transport, SDP,
			       * media resources) */
	CP_CDR_TIMEOUT,	      /* "timeout": no answer in no_answer_s, no
			       * response, or the session expired */
	CP_CDR_MEDIA_TIMEOUT, /* "media-timeout": no media for
			       * media_timeout_s ended an answered call */
};

enum cp_cdr_party {
	CP_CDR_BY_LAN, /* "lan" */
	CP_CDR_BY_WAN, /* "wan" */
	CP_CDR_BY_ESG, /* "esg": a timer, a limit, an error */
};

/* One direction of a stream: the counters of the leg the packets come in
 * on (struct dp_leg_stats of that leg). */
struct cp_cdr_dir_stats {
	uint64_t rx_pkts;   /* accepted from that side's peer */
	uint64_t rx_bytes;  /* their IP bytes */
	uint64_t fwd_pkts;  /* sent on toward the other side */
	uint64_t fwd_bytes; /* their IP bytes */
	uint32_t rtcp_pkts; /* of rx_pkts, RTCP */
};

struct cp_cdr_stream {
	char kind[16];			 /* "audio", "video", ... */
	struct cp_cdr_dir_stats lan_wan; /* in on the LAN leg */
	struct cp_cdr_dir_stats wan_lan; /* in on the WAN leg */
};

/* A side's families: AF_INET, AF_INET6, or 0 (unknown / no media). */
struct cp_cdr_side {
	int sig_af;
	int media_af;
};

struct cp_cdr_rec {
	uint64_t id;	    /* our call id (not a SIP Call-ID) */
	const char *tenant; /* NULL: none */
	enum cp_cdr_dir dir;
	char caller[CP_CDR_NUM]; /* user part of the caller (From) */
	char callee[CP_CDR_NUM]; /* user part of the callee (To/R-URI) */
	struct cp_cdr_side lan, wan;
	/* wall-clock times, Unix ms (cp_cdr_now_ms()); answer 0 = none */
	uint64_t start_ms, answer_ms, end_ms;
	enum cp_cdr_disp disp;
	uint16_t scode;	      /* the final SIP code the caller got (or
			       * 200 for an answered call) */
	char reason[64];      /* its reason phrase */
	enum cp_cdr_party by; /* who ended the call */
	unsigned int nb_streams;
	struct cp_cdr_stream stream[CP_CDR_MAX_STREAMS];
};

struct cp_cdr_counters {
	uint64_t written;
	uint64_t errors; /* a record could not be built or written */
	uint64_t reopens;
};

struct cp_cdr;

/* path: the records file (appended to, created 0640), or NULL / "" for
 * one log line per call. */
int cp_cdr_alloc(struct cp_cdr **cdrp, const char *path);
/* Close and open the file again (after logrotate moved it: SIGHUP). */
int cp_cdr_reopen(struct cp_cdr *cdr);
/* One record, one line. */
int cp_cdr_write(struct cp_cdr *cdr, const struct cp_cdr_rec *rec);
/* The JSON text of a record, without newline; free() it. ENOMEM. */
int cp_cdr_format(const struct cp_cdr_rec *rec, char **textp);
/* The counters of one direction from the dataplane's leg statistics. */
void cp_cdr_dir_from_leg(struct cp_cdr_dir_stats *d,
			 const struct dp_leg_stats *ls);
/* Now, Unix ms (CLOCK_REALTIME): what the record's times are. */
uint64_t cp_cdr_now_ms(void);
const struct cp_cdr_counters *cp_cdr_counters(const struct cp_cdr *cdr);
const char *cp_cdr_disp_str(enum cp_cdr_disp d);

#endif
