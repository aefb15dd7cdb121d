/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registration (docs/registration.md): what the ESG registers to the
 * operator and what the LAN side registers to the ESG.
 *
 * - Mode "trunk" (ESG_REG_TRUNK, SIPconnect style): one REGISTER per tenant
 *   of its trunk AOR through the operator proxy (RFC 3261 10.2), refreshed
 *   before expiry, retried after a failure with the RFC 5626 4.5 back-off
 *   (reg_retry_min_s doubling up to reg_retry_max_s, 50-100% jitter). The
 *   PBX may REGISTER to the ESG: the LAN registrar keeps its binding.
 * - LAN registrar (RFC 3261 10.3) for "trunk" tenants: bindings AOR user
 *   -> contact, from allowed sources only (403 otherwise), expiry bounded
 *   CP_REG_MIN_EXPIRES..CP_REG_MAX_EXPIRES (423 below).
 * - Mode "per-user" (ESG_REG_PER_USER): a phone's REGISTER is relayed to
 *   the operator as a new REGISTER of the ESG (own Call-ID, Via, tags)
 *   with the Contact rewritten to sip:<token>@<ESG WAN address>; the
 *   operator's digest challenge is passed back to the phone (RFC 3261 22:
 *   the phone answers with its own credentials).
 * - OPTIONS keep-alive toward the operator proxy (options_interval_s).
 *
 * Times are in ms of libre's monotonic clock (tmr_jiffies()).
 * Functions return 0 or a positive errno.
 */
#ifndef CP_REG_H
#define CP_REG_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "esg_conf.h"

#define CP_REG_MIN_EXPIRES 60	/* LAN bindings: 423 below (RFC 3261 10.3.7) */
#define CP_REG_MAX_EXPIRES 3600 /* LAN bindings: longer asks are cut */
#define CP_REG_URI_LEN 256
#define CP_REG_USER_LEN 64
#define CP_REG_TOKEN_LEN 24 /* per-user WAN contact user part, incl. NUL */

/* Trunk registration state of one tenant (esgctl, logs). */
enum cp_reg_state {
	CP_REG_UNREGISTERED, /* not started, or not in mode "trunk" */
	CP_REG_REGISTERING,  /* a REGISTER is in flight */
	CP_REG_REGISTERED,   /* bound until expires_ms */
	CP_REG_FAILED,	     /* last attempt failed; next at retry_ms */
};

struct cp_reg_status {
	enum cp_reg_state state;
	uint64_t expires_ms; /* REGISTERED: the operator's binding ends */
	uint64_t refresh_ms; /* REGISTERED: the refresh is sent at */
	uint64_t retry_ms;   /* FAILED: the next attempt is sent at */
	uint32_t granted_s;  /* expiry the operator granted last */
	uint16_t last_code;  /* last final response, 0 = none (see err) */
	int last_err;	     /* transport error of the last attempt, 0 */
	uint32_t failc;	     /* consecutive failures */
	uint64_t attempts;   /* REGISTER transactions started */
	uint64_t successes;
	uint64_t failures;
};

/* Where a registered user is reached. */
struct cp_reg_contact {
	char uri[CP_REG_URI_LEN]; /* the Contact URI it registered */
	struct sa dst;	    /* send here: the REGISTER's source address and
			   * port (NAT-friendly), not the URI's host */
	enum sip_transp tp; /* transport the REGISTER came over */
	char token[CP_REG_TOKEN_LEN]; /* per-user: the WAN contact's user;
				       * "" for a LAN registrar binding */
	uint64_t expires_ms;
};

/* OPTIONS keep-alive toward the operator proxy. */
enum cp_reg_ka_state {
	CP_REG_KA_OFF,	   /* options_interval_s = 0 */
	CP_REG_KA_UNKNOWN, /* no answer yet */
	CP_REG_KA_UP,	   /* the proxy answered the last OPTIONS */
	CP_REG_KA_DOWN,	   /* the last OPTIONS got no answer */
};

struct cp_reg_ka_status {
	enum cp_reg_ka_state state;
	uint32_t rtt_ms;	 /* of the last answered OPTIONS */
	uint16_t last_code;	 /* its status code (any answer = up) */
	int last_err;		 /* ETIMEDOUT etc. of the last failure */
	uint64_t last_change_ms; /* when state last changed */
	uint64_t sent;
	uint64_t answered;
	uint64_t failed;
};

struct cp_reg_counters {
	uint64_t registers;	 /* REGISTER requests consumed */
	uint64_t forbidden;	 /* 403: no tenant allows the source */
	uint64_t too_brief;	 /* 423 */
	uint64_t bad_request;	 /* 400: malformed Contact/Expires/To */
	uint64_t bindings_added; /* LAN registrar */
	uint64_t bindings_removed;
	uint64_t bindings_expired;
	uint64_t relayed;	  /* per-user REGISTERs sent to the operator */
	uint64_t relay_challenge; /* 401/407 passed back to a phone */
	uint64_t relay_failed;	  /* relayed REGISTER failed (error/>=300) */
	uint64_t reply_err;	  /* a reply could not be sent */
};

struct cp_reg;

/*
 * A registration service for conf->sip (tenants, operator) and conf's
 * interfaces (LAN prefixes and addresses, the WAN address for per-user
 * contacts). sips[i] is the libre stack of interface i (cp_sip_stack_of(),
 * conf->nb_ifaces entries, NULL for one without SIP): a REGISTER is
 * answered by a server transaction of the stack of the interface it
 * arrived at (msg->dst), so that its retransmissions are absorbed there;
 * what goes to the operator (trunk and relayed REGISTERs, the keep-alive)
 * leaves from the WAN interface's stack (sip.wan_iface), which must exist
 * when the "sip" section is enabled. sip_port is the port the ESG listens
 * on (controlplane.sip_port). Nothing is sent until cp_reg_start().
 */
int cp_reg_alloc_stacks(struct cp_reg **regp, struct sip *const *sips,
			const struct esg_conf *conf, uint16_t sip_port);
/* The same with one stack serving every interface. */
int cp_reg_alloc(struct cp_reg **regp, struct sip *sip,
		 const struct esg_conf *conf, uint16_t sip_port);
/* Start the trunk registrations and the OPTIONS keep-alive. */
int cp_reg_start(struct cp_reg *reg);
/* The WAN interface gained or lost an own address in the signalling
 * family (a DHCP lease, cp_addrs.h; spec 000 8.1.3, spec 001 6.3.5: a
 * changed address starts again): every trunk registration is sent again
 * now, from the address the WAN stack has then (its Contact follows),
 * its back-off forgotten. Without such an address the attempt fails and
 * backs off as usual until the next change. */
void cp_reg_wan_changed(struct cp_reg *reg);

/*
 * The request entry point for the SIP listener: consumes (answers or
 * relays) a REGISTER and returns true; returns false for any other
 * method, and for a REGISTER to an address of no interface with a stack,
 * which the caller handles.
 */
bool cp_reg_request(struct cp_reg *reg, const struct sip_msg *msg);

/*
 * The contact of user (the Request-URI user of a call toward tenant):
 * a LAN registrar binding or a per-user binding, the latest registered.
 * 0, or ENOENT when user has no live binding.
 */
int cp_reg_lookup(const struct cp_reg *reg, unsigned int tenant,
		  const struct pl *user, struct cp_reg_contact *out);
/*
 * Per-user: the phone behind the WAN contact token (the Request-URI
 * user of an INVITE from the operator). 0, or ENOENT.
 */
int cp_reg_lookup_token(const struct cp_reg *reg, const struct pl *token,
			unsigned int *tenantp, struct cp_reg_contact *out);

/*
 * The tenant whose LAN side src may send from: local is the ESG address
 * the message arrived at (msg->dst), src its source (msg->src). Tenants
 * are tried in configuration order; a tenant's "sources", or the
 * prefixes of its LAN interface when it has none, must hold src.
 * 0 with *tenantp, or EPERM.
 */
int cp_reg_tenant_of(const struct cp_reg *reg, const struct sa *local,
		     const struct sa *src, unsigned int *tenantp);

/* Trunk registration status of tenant (NULL if out of range). */
const struct cp_reg_status *cp_reg_status(const struct cp_reg *reg,
					  unsigned int tenant);
const struct cp_reg_ka_status *cp_reg_ka_status(const struct cp_reg *reg);
const struct cp_reg_counters *cp_reg_counters(const struct cp_reg *reg);
const char *cp_reg_state_str(enum cp_reg_state state);
const char *cp_reg_ka_state_str(enum cp_reg_ka_state state);
/* Read-only view of one binding (cp_status.h, esgctl). */
struct cp_reg_binding {
	unsigned int tenant;
	const char *user;		/* the AOR user */
	bool per_user;			/* relayed to the operator */
	bool live;			/* per-user: the operator holds it */
	const struct cp_reg_contact *c; /* where the user is reached */
};
/* true stops the walk. */
typedef bool(cp_reg_binding_h)(const struct cp_reg_binding *bi, void *arg);
/* Walk the LAN registrar's bindings, then the per-user ones; returns
 * how many were visited. */
unsigned int cp_reg_bindings_apply(const struct cp_reg *reg,
				   cp_reg_binding_h *h, void *arg);
/* One log line per tenant, one for the keep-alive, one of counters. */
void cp_reg_log_status(const struct cp_reg *reg);

/*
 * The timing decisions, pure so that tests drive them (STYLE rule 7).
 *
 * RFC 5626 4.5: after failc consecutive failures (failc >= 1) wait
 * min(max_s, min_s * 2^(failc-1)) seconds scaled by a random factor in
 * [50%, 100%]; rnd is a uniform random number. Result in ms, >= 1.
 */
uint64_t cp_reg_backoff_ms(unsigned int min_s, unsigned int max_s,
			   uint32_t failc, uint32_t rnd);
/*
 * When to refresh a binding the operator granted for granted_s seconds,
 * in ms after the 2xx: early enough that a refresh which needs the whole
 * UDP transaction time (Timer F, 32 s) still ends before expiry.
 */
uint64_t cp_reg_refresh_ms(uint32_t granted_s);
/*
 * The trunk status transitions the driver applies (cp_reg_trunk.c), with
 * now and rnd as inputs: a 2xx granting granted_s seconds; a failure
 * (final response code, or code 0 with a transport error err) that
 * schedules the next attempt by cp_reg_backoff_ms(). Both return the
 * delay in ms until the next REGISTER.
 */
uint64_t cp_reg_status_ok(struct cp_reg_status *st, uint64_t now,
			  uint32_t granted_s);
uint64_t cp_reg_status_fail(struct cp_reg_status *st, uint64_t now,
			    uint16_t code, int err, unsigned int min_s,
			    unsigned int max_s, uint32_t rnd);
/*
 * The keep-alive status after an OPTIONS sent at sent_ms ended at now:
 * any response (code) means up, err (no response) means down. Returns
 * true when the state changed (the caller logs it).
 */
bool cp_reg_ka_result(struct cp_reg_ka_status *ka, uint64_t sent_ms,
		      uint64_t now, uint16_t code, int err);

#endif
