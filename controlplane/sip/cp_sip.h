/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIP endpoint of the control plane: libre's SIP stack over UDP on
 * every own address of the ESG (reached through the kernel exception
 * interfaces). For now it answers OPTIONS (RFC 3261 11.2) and refuses the
 * rest; it is the seed of the B2BUA (issue 4). See docs/controlplane.md.
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

#define CP_SIP_MAX_ADDRS 64

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

/*
 * Listen on UDP port at each of addrs (n <= CP_SIP_MAX_ADDRS); addresses
 * that cannot be bound now are retried every retry_ms.
 */
int cp_sip_alloc(struct cp_sip **csp, const struct sa *addrs, unsigned int n,
		 uint16_t port, uint32_t retry_ms);
/* How many of the addresses are bound. */
unsigned int cp_sip_bound(const struct cp_sip *cs);
const struct cp_sip_counters *cp_sip_counters(const struct cp_sip *cs);
void cp_sip_log_counters(const struct cp_sip *cs);

/* The request handler of the responder (cp_sip_options.c): answers msg
 * on sip and counts in c. Always consumes the request. */
void cp_sip_options_handle(struct sip *sip, const struct sip_msg *msg,
			   struct cp_sip_counters *c);

#endif
