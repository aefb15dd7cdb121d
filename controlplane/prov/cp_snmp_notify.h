/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SNMP notification of the provisioning status (docs/provisioning-report.md,
 * MIB: docs/ESG-PROV-MIB.txt). Spec 001 6.3.4 flow step eUE-25: after the
 * configuration file (and the syslog event of eUE-24) the ESG sends an
 * SNMP INFORM with a "provisioning complete" notification, acknowledged by
 * a Response; "depending on the TLV38 configuration, there might be
 * multiple SNMP INFORMs sent to the configured SNMP Management stations"
 * (6.5: TLV 38, 38.8 in IPv6 mode in lieu of 38.1).
 *
 * Three layers, each usable alone:
 *  - cp_snmp_msg_*: the messages. The SNMPv2c INFORM / SNMPv2-Trap
 *    (RFC 3416 4.2.6/4.2.7, RFC 1901 message) is encoded by net-snmp's
 *    snmp_build(); a received message is decoded by net-snmp's BER
 *    parsers into a bounded struct (buf, len, out).
 *  - struct cp_snmp_tx: one notification toward one receiver as a pure
 *    state machine (STYLE rule 7, time as input): send, wait for the
 *    Response-PDU with the same request-id, resend the same bytes after
 *    the timeout (38.4), give up after the retries (38.5).
 *  - struct cp_snmp_notify: the libre driver for a set of receivers (one
 *    UDP socket each, a libre timer each), one completion handler with a
 *    result per receiver.
 *
 * Only SNMPv2c is sent (38.3 types 2 and 3). SNMPv1 traps (1) and SNMPv3
 * (4, 5: USM, RFC 3414, needs keys the S-ESG basic flow does not give)
 * are reported ENOTSUP per receiver, not sent. Functions return 0 or a
 * positive errno.
 */
#ifndef CP_SNMP_NOTIFY_H
#define CP_SNMP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp_cfgfile.h"

#define CP_SNMP_PORT 162 /* RFC 3417 3: snmpTrap */
#define CP_SNMP_COMMUNITY_MAX 64
#define CP_SNMP_TEXT_MAX 255	 /* reason, file name (DisplayString) */
#define CP_SNMP_MSG_MAX 1472	 /* what we build; RFC 3417 3: >= 484 */
#define CP_SNMP_TIMEOUT_MS 15000 /* 38.4 default */
#define CP_SNMP_RETRIES 3	 /* 38.5 default */
#define CP_SNMP_MAX_RCV 16

/* The esg MIB's notification and its objects (docs/ESG-PROV-MIB.txt). */
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_notification;
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_state;
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_reason;
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_file;
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_wan4;
extern const struct cp_cfgfile_oid cp_snmp_oid_prov_wan6;

/* esgProvState values */
#define CP_SNMP_PROV_PASS 1
#define CP_SNMP_PROV_FAIL 2

enum cp_snmp_kind {
	CP_SNMP_INFORM_V2C, /* 38.3 type 3: confirmed */
	CP_SNMP_TRAP_V2C,   /* 38.3 type 2: unconfirmed */
};

/* What the notification says. Strings are copied when encoded. */
struct cp_snmp_prov_status {
	bool pass;
	const char *reason; /* NULL: "" */
	const char *file;   /* the configuration file's name, NULL: "" */
	bool has_wan4;
	uint8_t wan4[4];
	bool has_wan6;
	uint8_t wan6[16];
	uint32_t uptime_cs; /* sysUpTime.0: hundredths of a second */
};

/* ---- messages */

/*
 * The whole message (RFC 1901 SEQUENCE { version 1, community, PDU }) of
 * an InformRequest-PDU or SNMPv2-Trap-PDU with request-id reqid and the
 * varbinds sysUpTime.0, snmpTrapOID.0 = esgProvStatusNotification,
 * esgProvState, esgProvReason, esgProvConfigFile, esgProvWanIPv4Address,
 * esgProvWanIPv6Address (RFC 3416 4.2.6: the first two in that order).
 * Strings over CP_SNMP_TEXT_MAX bytes are cut. ENOSPC if cap is small.
 */
int cp_snmp_msg_build(const struct cp_snmp_prov_status *st,
		      enum cp_snmp_kind kind, const char *community,
		      int32_t reqid, uint8_t *buf, size_t cap, size_t *lenp);

struct cp_snmp_msg {
	long version; /* 0 v1, 1 v2c */
	char community[CP_SNMP_COMMUNITY_MAX + 1];
	uint8_t pdu; /* the PDU's tag: 0xa2 Response, 0xa6 Inform ... */
	int32_t reqid;
	long error_status;
	long error_index;
	unsigned int nb_vb;
};

/* A received SNMPv1/v2c message: 0, or EBADMSG (not BER, cut, an
 * SNMPv3 or unknown version, a community longer than
 * CP_SNMP_COMMUNITY_MAX) with a reason in err (err may be NULL). */
int cp_snmp_msg_parse(const uint8_t *buf, size_t len, struct cp_snmp_msg *m,
		      char *err, size_t errsz);

/* ---- one notification toward one receiver: pure state machine */

enum cp_snmp_tx_state {
	CP_SNMP_TX_IDLE,
	CP_SNMP_TX_WAIT, /* sent, no Response yet */
	CP_SNMP_TX_DONE, /* acknowledged (inform) or sent (trap) */
	CP_SNMP_TX_FAILED,
};

struct cp_snmp_tx_counters {
	uint32_t sends;	    /* first send + retransmissions */
	uint32_t ignored;   /* not a Response to us: other id, community,
			     * PDU type, version */
	uint32_t malformed; /* not a parseable SNMP message */
};

struct cp_snmp_tx {
	enum cp_snmp_tx_state state;
	enum cp_snmp_kind kind;
	char community[CP_SNMP_COMMUNITY_MAX + 1];
	int32_t reqid;
	uint32_t timeout_ms;
	uint32_t retries;
	uint64_t deadline_ms;
	int err;	   /* outcome when FAILED */
	long error_status; /* of the Response (RFC 3416 3) */
	uint8_t msg[CP_SNMP_MSG_MAX];
	size_t msg_len;
	struct cp_snmp_tx_counters cnt;
};

struct cp_snmp_tx_out {
	bool send;	      /* send tx->msg (again) */
	uint64_t deadline_ms; /* call cp_snmp_tx_timer() then; 0: finished */
};

/* Build the message (reqid: a random input) and prepare; timeout_ms 0 =
 * 15000, retries as given (38.5: 0 means one send only). */
int cp_snmp_tx_init(struct cp_snmp_tx *tx, const struct cp_snmp_prov_status *st,
		    enum cp_snmp_kind kind, const char *community,
		    int32_t reqid, uint32_t timeout_ms, uint32_t retries);
int cp_snmp_tx_start(struct cp_snmp_tx *tx, uint64_t now_ms,
		     struct cp_snmp_tx_out *out);
/* A datagram from the receiver's address and port. */
int cp_snmp_tx_recv(struct cp_snmp_tx *tx, const uint8_t *buf, size_t len,
		    uint64_t now_ms, struct cp_snmp_tx_out *out);
int cp_snmp_tx_timer(struct cp_snmp_tx *tx, uint64_t now_ms,
		     struct cp_snmp_tx_out *out);

/* ---- the libre driver: a set of receivers */

struct sa;
struct cp_snmp_notify;

struct cp_snmp_result {
	char addr[64]; /* "[2001:db8::1]:162" or "192.0.2.1:162" */
	int type;      /* 38.3 type (2 or 3 for what we send) */
	/* 0: acknowledged (inform) or sent (trap); ETIMEDOUT: no Response
	 * after the retries; EPROTO: a Response with error-status != 0;
	 * ENOTSUP: a 38.3 type we do not send (v1, v3); ENOENT: the
	 * receiver has no address of the addressing mode (6.5); else the
	 * socket's errno. */
	int err;
	bool acked;
	long error_status;
	uint32_t sends;
};

/* Once, when every receiver has finished (never from inside
 * cp_snmp_notify_start()); res[n]. */
typedef void(cp_snmp_notify_done_h)(const struct cp_snmp_result *res,
				    unsigned int n, void *arg);

/* community: for every v2c receiver (NULL: "public"). */
int cp_snmp_notify_alloc(struct cp_snmp_notify **np, const char *community,
			 cp_snmp_notify_done_h *h, void *arg);
/* One receiver (e.g. PROV_SNMP_ENTITY of CCCv6 sub-option 3, eUE-25);
 * port 0 = 162; timeout_ms 0 = 15000. Before start. */
int cp_snmp_notify_add(struct cp_snmp_notify *n, const struct sa *addr,
		       enum cp_snmp_kind kind, uint32_t timeout_ms,
		       uint32_t retries);
/* Every TLV 38 receiver of a parsed file, with the address of the
 * addressing mode (spec 001 6.5: ipv6 -> 38.8 in lieu of 38.1); types we
 * do not send and receivers without that address get a result (ENOTSUP,
 * ENOENT) without traffic. */
int cp_snmp_notify_add_cfgfile(struct cp_snmp_notify *n,
			       const struct cp_cfgfile *cf, bool ipv6);
/* Send to all; done_h follows from the main loop. */
int cp_snmp_notify_start(struct cp_snmp_notify *n,
			 const struct cp_snmp_prov_status *st);

#endif
