/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TFTP client for the configuration file (docs/provisioning-cfgfile.md
 * "TFTP"): RFC 1350 read request in octet mode, the options of RFC 2347
 * (OACK), blksize (RFC 2348), tsize and timeout (RFC 2349).
 *
 * struct cp_tftp is a pure state machine (STYLE rule 7): time is an input
 * (now_ms of a monotonic clock), every call says in struct cp_tftp_out
 * what to send (a datagram and its destination port) and when to call
 * cp_tftp_timer() next; the caller owns the socket. cp_tftp_fetch() is
 * the libre UDP driver around it.
 *
 * Functions return 0 or a positive errno. The outcome is in
 * cp_tftp_state() and cp_tftp_result(): ETIMEDOUT (no answer after the
 * retries), EPROTO (the server sent ERROR: code and message kept), EFBIG
 * (over max_size), EBADMSG (the server broke the protocol).
 */
#ifndef CP_TFTP_H
#define CP_TFTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_TFTP_PORT 69
/* spec 001 6.3.4, flow step eUE-22: "a blocksize of 1428 when using
 * TFTP over IPv6"; 6.3.3: "1448 when using TFTP over IPv4". */
#define CP_TFTP_BLKSIZE_V6 1428
#define CP_TFTP_BLKSIZE_V4 1448
#define CP_TFTP_FILE_MAX 255
#define CP_TFTP_OUT_MAX 512

/* RFC 1350 5 / RFC 2347 error codes. */
enum cp_tftp_ecode {
	CP_TFTP_E_UNDEF = 0,
	CP_TFTP_E_NOTFOUND = 1,
	CP_TFTP_E_ACCESS = 2,
	CP_TFTP_E_DISKFULL = 3,
	CP_TFTP_E_ILLEGAL = 4,
	CP_TFTP_E_UNKNOWN_TID = 5,
	CP_TFTP_E_EXISTS = 6,
	CP_TFTP_E_NOUSER = 7,
	CP_TFTP_E_OPTION = 8,
};

struct cp_tftp_cfg {
	const char *file;
	uint16_t port;	   /* the server's request port, 0 = 69 */
	uint16_t blksize;  /* requested (RFC 2348, 8..65464); 0 = none */
	bool tsize;	   /* ask the size (RFC 2349) */
	uint8_t timeout_s; /* RFC 2349 timeout option (1..255), 0 = none;
			     * also our retransmission interval when set */
	uint32_t rto_ms;   /* retransmission interval, 0 = 1000 */
	uint32_t retries;  /* retransmissions before giving up, 0 = 5 */
	size_t max_size;   /* largest file accepted, 0 = 1 MiB */
};

enum cp_tftp_state {
	CP_TFTP_IDLE,
	CP_TFTP_RRQ,  /* request sent, no answer yet */
	CP_TFTP_XFER, /* receiving DATA */
	CP_TFTP_DONE,
	CP_TFTP_FAILED,
};

struct cp_tftp_counters {
	uint32_t retransmits;
	uint32_t dup_data;  /* duplicate DATA, ACK sent again */
	uint32_t ooo_data;  /* other out-of-order DATA, ignored */
	uint32_t wrong_tid; /* answered ERROR 5 (RFC 1350 4) */
	uint32_t bad_pkt;   /* too short / unknown, ignored */
	uint32_t rollovers; /* block number 65535 -> 0 */
};

struct cp_tftp_out {
	uint8_t pkt[CP_TFTP_OUT_MAX];
	size_t len;	      /* 0: nothing to send */
	uint16_t port;	      /* destination UDP port of pkt */
	uint64_t deadline_ms; /* call cp_tftp_timer() then; 0: finished */
};

struct cp_tftp;

/* A machine for one transfer; mem_deref() frees it and its data. */
int cp_tftp_alloc(struct cp_tftp **tp, const struct cp_tftp_cfg *cfg);
/* The read request (RFC 1350 5, RFC 2347 options). */
int cp_tftp_start(struct cp_tftp *t, uint64_t now_ms, struct cp_tftp_out *out);
/* A datagram from the server's address, from UDP port src_port. */
int cp_tftp_recv(struct cp_tftp *t, uint16_t src_port, const uint8_t *pkt,
		 size_t len, uint64_t now_ms, struct cp_tftp_out *out);
/* The deadline passed (or not yet: then nothing happens). */
int cp_tftp_timer(struct cp_tftp *t, uint64_t now_ms, struct cp_tftp_out *out);

enum cp_tftp_state cp_tftp_state(const struct cp_tftp *t);
/* 0 when DONE; the errno of a failure, the server's ERROR code and text
 * (EPROTO) or the reason. */
int cp_tftp_result(const struct cp_tftp *t, uint16_t *codep, const char **msgp);
const uint8_t *cp_tftp_data(const struct cp_tftp *t, size_t *lenp);
uint16_t cp_tftp_blksize(const struct cp_tftp *t); /* negotiated */
uint64_t cp_tftp_tsize(const struct cp_tftp *t);   /* from OACK, 0 */
const struct cp_tftp_counters *cp_tftp_counters(const struct cp_tftp *t);

/* ---- the libre UDP driver */

struct sa;
struct cp_tftp_fetch;

/* Called once: err 0 with the file, or as cp_tftp_result(). */
typedef void(cp_tftp_done_h)(int err, const uint8_t *data, size_t len,
			     uint16_t code, const char *msg, void *arg);

/*
 * Fetch cfg->file from srv (its port replaces cfg->port when set) over a
 * new UDP socket of srv's family, on libre's main loop. A cfg->blksize of
 * 0 picks the spec's value for the family. h is not called after
 * mem_deref(*fp).
 */
int cp_tftp_fetch(struct cp_tftp_fetch **fp, const struct sa *srv,
		  const struct cp_tftp_cfg *cfg, cp_tftp_done_h *h, void *arg);

#endif
