/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call admission control (docs/admission.md "Call limits"): a new call is
 * admitted when it keeps the concurrent calls under sip.limits.max_calls
 * and its tenant's max_calls, and the new-call rate under
 * sip.limits.max_cps and its tenant's max_cps (token buckets, burst =
 * rate; 0 = no limit of that kind). A refused INVITE is answered 503
 * Service Unavailable with Retry-After (RFC 3261 21.5.4, 20.33): the
 * seconds come from sip.limits.retry_after_s.
 *
 * Time is an input (STYLE rule 7): now_ns of a monotonic clock.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_CAC_H
#define CP_CAC_H

#include <limits.h>
#include <stdint.h>

#include "esg_conf_sip.h"

/* A call that belongs to no tenant: only the global limits apply. */
#define CP_CAC_NO_TENANT UINT_MAX

struct cp_cac_counters {
	uint64_t admitted;
	uint64_t refused_calls; /* over a max_calls */
	uint64_t refused_rate;	/* over a max_cps */
	uint32_t active;	/* admitted and not released */
	uint32_t peak;		/* highest active seen */
};

struct cp_cac;

/* Limits of conf (global and per tenant, tenant i = conf->tenant[i]);
 * the buckets start full at now_ns. */
int cp_cac_alloc(struct cp_cac **cacp, const struct esg_conf_sip *conf,
		 uint64_t now_ns);
/*
 * Admit a new call of tenant (an index of conf->tenant, or
 * CP_CAC_NO_TENANT) at now_ns: 0, and the call counts as active until
 * cp_cac_release(); or EBUSY with *retry_after_s set for the 503 (the
 * refusal is counted, on the tenant and globally); EINVAL for a bad
 * tenant.
 */
int cp_cac_admit(struct cp_cac *cac, unsigned int tenant, uint64_t now_ns,
		 uint32_t *retry_after_s);
/* The end of an admitted call (once per admitted call). */
void cp_cac_release(struct cp_cac *cac, unsigned int tenant);
/* Counters of a tenant, or the global ones for CP_CAC_NO_TENANT; NULL
 * for an index out of range. */
const struct cp_cac_counters *cp_cac_counters(const struct cp_cac *cac,
					      unsigned int tenant);

#endif
