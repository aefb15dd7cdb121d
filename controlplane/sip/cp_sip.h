/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP endpoint of the control plane: libre's SIP stack over UDP on
 * every own address of the ESG (reached through the kernel exception
 * interfaces). Requests go to the B2BUA when one is wired
 * (cp_sip_set_handler); what it does not take, the responder answers:
 * OPTIONS (RFC 3261 11.2) and refusals. See docs/controlplane.md.
 *
 * An own address may not be in the kernel yet (the exception interface is
 * created by the dataplane; an IPv6 address is tentative until DAD ends):
 * binding is retried on a timer until it succeeds.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_SIP_H
#define CP_SIP_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "esg_conf_sip.h"

#define CP_SIP_MAX_ADDRS 64
#define CP_SIP_MAX_GROUPS 16 /* = ESG_CONF_MAX_IFACES */

struct cp_sip_counters {
	uint64_t requests;    /* requests handed to us by libre */
	uint64_t options;     /* OPTIONS answered 200 */
	uint64_t not_allowed; /* 405: a SIP method we do not serve yet */
	uint64_t not_impl;    /* 501: a method we do not know */
	uint64_t bad_ext;     /* 420: Require of an extension we lack */
	uint64_t no_trans;    /* 481: CANCEL without a transaction */
	uint64_t acks;	      /* ACK: never answered */
	uint64_t reply_err;   /* a reply could not be sent */
};

struct cp_sip;

/* The B2BUA's entry (cp_main.c wires cp_b2bua_request()): true when it
 * consumed the request; the rest the OPTIONS responder answers. */
typedef bool(cp_sip_req_h)(const struct sip_msg *msg, void *arg);
/* An address was bound (the first time), e.g. to probe it. */
typedef void(cp_sip_bound_h)(const struct sa *addr, void *arg);

/*
 * Listen on UDP port at each of addrs (n <= CP_SIP_MAX_ADDRS); addresses
 * that cannot be bound now are retried every retry_ms.
 */
int cp_sip_alloc(struct cp_sip **csp, const struct sa *addrs, unsigned int n,
		 uint16_t port, uint32_t retry_ms);
/* The same with one libre stack per group (groups[i] < CP_SIP_MAX_GROUPS:
 * the interface of addrs[i]): a request a stack sends leaves from its
 * group's address (libre 1.1.0 takes the first transport of the family). */
int cp_sip_alloc_groups(struct cp_sip **csp, const struct sa *addrs,
			const unsigned int *groups, unsigned int n,
			uint16_t port, uint32_t retry_ms);
/* Open group's libre stack now even if it has no address yet (a WAN
 * interface whose address provisioning leases later): its users take
 * the stack at start (cp_sip_stack_of). */
int cp_sip_group_open(struct cp_sip *cs, unsigned int group);
/* Also listen on a stream transport at every address of group, now and
 * when added later: tp SIP_TRANSP_TCP on the listener's port, or
 * SIP_TRANSP_TLS with tls (referenced) on the port + 1. libre then sends
 * requests whose route or URI says ";transport=tcp|tls" over a TCP/TLS
 * connection from that stack (the operator's trunk, docs/b2bua.md
 * "Transport toward the operator"). EALREADY: the group has one. */
int cp_sip_stream(struct cp_sip *cs, unsigned int group, enum sip_transp tp,
		  struct tls *tls);
/* The TLS context of the operator's trunk (cp_sip_tls.c): s->tls_cert/
 * tls_key as the ESG's certificate when given, and, unless tls_verify is
 * false, the proxy's certificate checked against s->tls_ca and the
 * proxy's host (name or IP address). EINVAL: transport is not "tls" or a
 * file does not load (logged). */
int cp_sip_tls_alloc(struct tls **tlsp, const struct esg_conf_sip *s);
/* Listen on addr (the listener's port) in group at run time, e.g. a
 * leased address (issue 5 hand-off, cp_addrs.h); bound now or by the
 * retry timer. EALREADY: already there; ENOSPC: CP_SIP_MAX_ADDRS. */
int cp_sip_add(struct cp_sip *cs, const struct sa *addr, unsigned int group);
/* Stop listening on addr in group (port ignored). libre 1.1.0 removes
 * no single transport: the group's transports are flushed only when it
 * has no other listener left; otherwise addr's socket stays open in
 * libre. ENOENT: not a listener. */
int cp_sip_del(struct cp_sip *cs, const struct sa *addr, unsigned int group);
/* Requests go to reqh first; allow is the Allow header value the
 * responder then advertises (NULL: "OPTIONS"). boundh may be NULL. */
void cp_sip_set_handler(struct cp_sip *cs, cp_sip_req_h *reqh,
			cp_sip_bound_h *boundh, void *arg, const char *allow);
/* The libre stack of group 0 / of a group (NULL: none). */
struct sip *cp_sip_stack(const struct cp_sip *cs);
struct sip *cp_sip_stack_of(const struct cp_sip *cs, unsigned int group);
/* How many of the addresses are bound. */
unsigned int cp_sip_bound(const struct cp_sip *cs);
/* Address i of the listener (with the port) and whether it is bound;
 * ENOENT past the last (esgctl sip). */
int cp_sip_listener(const struct cp_sip *cs, unsigned int i, struct sa *addr,
		    bool *bound);
const struct cp_sip_counters *cp_sip_counters(const struct cp_sip *cs);
void cp_sip_log_counters(const struct cp_sip *cs);

/* The request handler of the responder (cp_sip_options.c): answers msg
 * on sip and counts in c; allow: the methods served (NULL: OPTIONS).
 * Always consumes the request. */
void cp_sip_options_handle(struct sip *sip, const struct sip_msg *msg,
			   struct cp_sip_counters *c, const char *allow);

/*
 * Write "Contact: <sip:user@addr:port;transport=x>" (no CRLF: the caller
 * adds parameters and the line end) for a request leaving from src toward
 * dst over tp: over TCP/TLS the port is the stack's listener, not the
 * connection's ephemeral port (cp_sip_contact.c). user may be NULL.
 */
int cp_sip_contact_print(struct mbuf *mb, struct sip *sip, enum sip_transp tp,
			 const struct sa *src, const struct sa *dst,
			 const char *user);

#endif
