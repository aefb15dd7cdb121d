/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Syslog reporting of provisioning (docs/provisioning-cfgfile.md
 * "Syslog"): spec 001 eUE-24 asks for a "provisioning complete" event
 * with the pass/fail result to the first syslog server from DHCP (6.1,
 * pkt-eue-6). Messages in RFC 5424 (6: HEADER, STRUCTURED-DATA, MSG) or
 * RFC 3164 (4.1: PRI, TIMESTAMP, HOSTNAME, TAG, CONTENT) format, over UDP
 * (RFC 5426 / RFC 3164 port 514).
 *
 * cp_syslog_format() is pure (the time is in the message); the sender
 * (cp_syslog_alloc/cp_syslog_send) is a libre UDP socket.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_SYSLOG_H
#define CP_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_SYSLOG_PORT 514
#define CP_SYSLOG_APP "esg"
/* RFC 3164 4.1: "The total length of the packet MUST be 1024 bytes or
 * less"; RFC 5424 6.1 lets us choose, 2048 is what receivers SHOULD
 * take. */
#define CP_SYSLOG_3164_MAX 1024
#define CP_SYSLOG_MAX 2048

enum cp_syslog_fmt {
	CP_SYSLOG_RFC5424,
	CP_SYSLOG_RFC3164,
};

/* RFC 5424 6.2.1 Table 2 (the ones we use). */
#define CP_SYSLOG_SEV_ERR 3
#define CP_SYSLOG_SEV_NOTICE 5
#define CP_SYSLOG_SEV_INFO 6
#define CP_SYSLOG_FAC_LOCAL0 16

struct cp_syslog_param {
	const char *name;
	const char *value; /* UTF-8; '"', '\\', ']' are escaped */
};

struct cp_syslog_msg {
	uint8_t facility; /* 0..23 */
	uint8_t severity; /* 0..7 */
	int64_t time_s;	  /* UTC seconds since the epoch */
	uint32_t time_us;
	const char *hostname; /* NULL: "-" (5424) */
	const char *app;      /* NULL: "esg" */
	const char *procid;   /* NULL: "-" / none */
	const char *msgid;    /* NULL: "-" (5424 only) */
	/* one SD-ELEMENT (RFC 5424 6.3), NULL sd_id: none */
	const char *sd_id;
	const struct cp_syslog_param *param;
	unsigned int nb_param;
	const char *msg; /* NULL: none */
};

/* The message in buf (no NUL counted in *lenp; buf NUL-terminated).
 * EINVAL for a field outside its RFC grammar, ENOSPC if buf is too
 * small. RFC 3164 output is cut at 1024 bytes (4.1). */
int cp_syslog_format(char *buf, size_t size, enum cp_syslog_fmt fmt,
		     const struct cp_syslog_msg *m, size_t *lenp);

/* The "provisioning complete" event (spec 001 eUE-24): pass or fail,
 * the configuration file's name and the reason of a failure. param must
 * have room for 3; the strings must live as long as m. */
void cp_syslog_prov_event(struct cp_syslog_msg *m,
			  struct cp_syslog_param param[3], bool pass,
			  const char *file, const char *reason);

/* ---- the sender */

struct sa;
struct cp_syslog;

/* To server (port 0: 514) in fmt; hostname: the ESG's (NULL: "-"). */
int cp_syslog_alloc(struct cp_syslog **sp, const struct sa *server,
		    enum cp_syslog_fmt fmt, const char *hostname);
/* Send m (its hostname replaced by the sender's when NULL). */
int cp_syslog_send(struct cp_syslog *s, const struct cp_syslog_msg *m);
/* A changed server (spec 001 6.3.5: new syslog servers are used at
 * once, without reinitialising). */
void cp_syslog_set_server(struct cp_syslog *s, const struct sa *server);

#endif
