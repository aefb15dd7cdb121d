/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-cps: a SIP call load generator on libre (issue 4 benchmark,
 * docs/performance.md "Calls per second"). One process, one libre event
 * loop, two SIP stacks: the UAC side places calls at a configured rate
 * (token bucket on a 1 ms timer) with an SDP offer, the UAS side answers
 * them (optional 180, then 200 with an SDP answer). Calls are held for a
 * configured time (0: BYE right after the ACK) or until SIGUSR1, then the
 * UAC hangs up. Plain SIP over UDP (RFC 3261), SDP offer/answer (RFC 3264).
 *
 * The two sides may live in different network namespaces (the lab's LAN
 * and WAN hosts): each side's socket is made inside its namespace
 * (setns), the process itself stays where it was started.
 *
 * This is a test tool, not the product: it uses libre's sipsess.
 */
#ifndef CPS_H
#define CPS_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#define CPS_NUM_LEN 24	   /* "+" and up to 20 digits */
#define CPS_MAX_STATUS 700 /* SIP status codes 100..699 */

enum cps_media_check {
	CPS_MEDIA_NONE,	    /* only "is there an audio m= line" */
	CPS_MEDIA_ANCHORED, /* c= must not be the peer side's own address
			     * (the ESG anchors media: RFC 3264 answer and
			     * offer carry the ESG's address) */
	CPS_MEDIA_DIRECT,   /* c= and port must be the peer's (no ESG:
			     * the selftest) */
};

/* A number range: the n-th user is first + (n mod count), printed with
 * the width and "+" of the configured first number. */
struct cps_numbers {
	bool plus;
	unsigned int width;
	uint64_t first;
	unsigned int count;
};

struct cps_conf {
	struct sa uac;	  /* UAC local address (port 0 = any) */
	struct sa uas;	  /* UAS local address */
	struct sa target; /* where INVITEs go; unset = the UAS itself */
	char uac_ns[64];  /* network namespace of the UAC socket, "" = own */
	char uas_ns[64];
	char domain[64]; /* host part of To/From; "" = the target's IP */
	double rate;	 /* new calls per second */
	unsigned int duration_s; /* stop placing after this; 0 = no limit */
	uint64_t calls;		 /* stop placing after this many; 0 = no
				  * limit */
	unsigned int hold_ms;	 /* answered call held this long */
	bool hold_forever;	 /* held until SIGUSR1 / the end */
	bool ringing;		 /* UAS sends 180 before the 200 */
	unsigned int ring_ms;	 /* delay between 180 and 200 */
	unsigned int setup_timeout_ms; /* no final answer: CANCEL, timeout */
	unsigned int drain_ms;	       /* after the last hang-up, wait this
					* long for BYEs to arrive */
	unsigned int reject_every;     /* UAS answers 486 to every n-th
					* INVITE (selftest of the counting) */
	struct cps_numbers from;       /* calling users */
	struct cps_numbers to;	       /* called users */
	uint16_t uac_media_port;       /* first RTP port offered by the UAC */
	uint16_t uas_media_port;       /* first RTP port answered by the UAS */
	unsigned int media_ports;      /* distinct port pairs per side */
	enum cps_media_check media_check;
	unsigned int hash_size; /* libre hash tables (calls in flight) */
	const char *json;	/* results file, NULL = none */
	const char *status;	/* rewritten every second, NULL = none */
	const char *label;	/* free text in the JSON */
	bool quiet;		/* no per-second progress on stderr */
};

struct cps_counters {
	/* UAC side: every attempt ends in exactly one outcome */
	uint64_t attempted;
	uint64_t prov;	      /* calls with a 1xx above 100 (180/183) */
	uint64_t answered;    /* 2xx received, ACK sent */
	uint64_t failed;      /* final >= 300 (by code below) */
	uint64_t timeouts;    /* no final answer (setup timeout or libre's
			    * Timer B, RFC 3261 17.1.1.2) */
	uint64_t errors;      /* local errors (send failed, ...) */
	uint64_t remote_bye;  /* answered call ended by the far side */
	uint64_t sdp_bad_uac; /* 2xx whose SDP answer failed the check */
	uint64_t bye_sent;    /* hang-ups by the UAC */
	uint64_t status[CPS_MAX_STATUS];
	/* UAS side */
	uint64_t invites;     /* new INVITEs received */
	uint64_t sdp_bad_uas; /* offers that failed the check (488) */
	uint64_t rejected;    /* reject_every answers */
	uint64_t uas_answered;
	uint64_t acked;	      /* ACK for the 2xx received */
	uint64_t bye_rcvd;    /* BYE received (the far end of bye_sent) */
	uint64_t uas_closed;  /* ended otherwise (ACK timeout, ...) */
	uint64_t ack_missing; /* answered, no ACK at the end of the drain */
	uint64_t bye_missing; /* acked, no BYE at the end of the drain */
	uint64_t current;     /* UAC calls answered and not hung up */
	uint64_t max_current;
	uint64_t uac_active; /* UAC calls in any state */
	uint64_t uas_active;
};

struct cps;

/* cps_run.c */
int cps_alloc(struct cps **cpsp, const struct cps_conf *conf);
int cps_run(struct cps *cps);
const struct cps_counters *cps_counters(const struct cps *cps);
bool cps_zero_failures(const struct cps_counters *c);

/* cps_sdp.c: build an offer/answer; check one (bounded, (buf, len)). */
struct cps_sdp_info {
	struct sa conn; /* c= of the audio stream (media or session level) */
	uint16_t port;	/* m=audio port */
	bool has_pcmu;
	bool has_te;
};
int cps_sdp_build(struct mbuf **mbp, const struct sa *addr, uint16_t port,
		  bool answer, uint64_t id);
int cps_sdp_parse(const char *buf, size_t len, struct cps_sdp_info *info);
int cps_sdp_check(const struct cps_conf *conf, const struct mbuf *mb,
		  const struct sa *peer, uint16_t peer_port_first);

/* cps_num.c */
int cps_numbers_parse(struct cps_numbers *n, const char *first,
		      unsigned int count);
int cps_numbers_print(const struct cps_numbers *n, uint64_t i, char *buf,
		      size_t size);

/* cps_report.c */
struct cps_lat {
	uint32_t *us;
	size_t n, cap;
};
int cps_lat_add(struct cps_lat *l, uint64_t us);
uint32_t cps_lat_pct(struct cps_lat *l, double pct);
void cps_report_table(const struct cps_conf *conf, const struct cps_counters *c,
		      struct cps_lat *lat, double secs);
int cps_report_json(const struct cps_conf *conf, const struct cps_counters *c,
		    struct cps_lat *lat, double secs, double place_secs);
int cps_report_status(const struct cps_conf *conf, const struct cps_counters *c,
		      bool placing_done, double secs);

/* The run's state, shared by cps_run.c, cps_uac.c and cps_uas.c. */
struct cps {
	struct cps_conf conf;
	struct cps_counters c;
	struct cps_lat lat;
	struct sip *uac_sip;
	struct sip *uas_sip;
	struct sipsess_sock *uac_sock;
	struct sipsess_sock *uas_sock;
	struct sip_lsnr *uac_lsnr; /* catches the socket buffer probe */
	struct sip_lsnr *uas_lsnr;
	struct sa uac_laddr; /* as bound (the port may have been 0) */
	struct sa uas_laddr;
	struct sa target;
	char domain[64];
	int tick_fd; /* 1 ms timerfd: token bucket, hang-ups, timeouts */
	bool finished;
	struct tmr sec;	     /* 1 s: progress, status file */
	struct list pending; /* UAC calls without a final answer, by start */
	struct list held;    /* answered UAC calls, by answer time */
	struct list uas;     /* UAS calls */
	double tokens;
	double rel_tokens;
	uint64_t last_us;
	uint64_t start_us;
	uint64_t place_end_us;
	uint64_t seq;	  /* calls placed */
	uint64_t uas_seq; /* INVITEs received */
	bool placing_done;
	bool releasing; /* hang up everything held, paced at the rate */
	bool draining;
	uint64_t drain_end_ms;
	int err;
};

/* cps_uac.c */
int cps_uac_place(struct cps *cps);
void cps_uac_hangups(struct cps *cps, uint64_t now_ms);
void cps_uac_timeouts(struct cps *cps, uint64_t now_ms);
void cps_uac_flush(struct cps *cps);
/* cps_uas.c */
void cps_uas_conn_h(const struct sip_msg *msg, void *arg);
void cps_uas_flush(struct cps *cps);

/* cps_main.c / cps_selftest.c */
void cps_conf_defaults(struct cps_conf *c);
int cps_main_run(const struct cps_conf *conf, struct cps_counters *out);
int cps_selftest(void);

uint64_t cps_now_us(void);

#endif
