/* SPDX-License-Identifier: BSD-3-Clause */
/* PKT-SP-EUE-PROV 6.3.5: the renewal rule tables (cp_prov_rules.h). */
#include <string.h>

#include "cp_prov_rules.h"

static int
same4(const struct in_addr *a, unsigned na, const struct in_addr *b,
      unsigned nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

static int
same6(const struct in6_addr *a, unsigned na, const struct in6_addr *b,
      unsigned nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

unsigned
cp_prov_renew4(const struct esg_dhcp4_msg *cur, const struct esg_dhcp4_msg *ack,
	       struct esg_dhcp4_msg *next)
{
	unsigned r = 0;

	/* 6.3.5: a different yiaddr: reinitialize, start from eUE-1 */
	if (ack->yiaddr.s_addr != cur->yiaddr.s_addr) {
		*next = *ack;
		return CP_PROV_RENEW_RESTART;
	}
	/* 6.3.5: other options: differences ignored ('file', 'siaddr',
	 * 12, 15, every sub-option of 122, ...): start from cur */
	*next = *cur;
	next->xid = ack->xid;
	/* the renewal itself: the new lease times */
	next->lease = ack->lease;
	next->t1 = ack->t1;
	next->t2 = ack->t2;
	next->present &= ~(ESG_DHCP4_HAS_LEASE | ESG_DHCP4_HAS_T1 |
			   ESG_DHCP4_HAS_T2 | ESG_DHCP4_HAS_MASK);
	next->present |= ack->present & (ESG_DHCP4_HAS_LEASE |
					 ESG_DHCP4_HAS_T1 | ESG_DHCP4_HAS_T2);
	/* 6.3.5: mask (1) or routers (3) changed: MAY use the new values
	 * without reinitializing; the ESG does (a route change is cheap) */
	if ((ack->present & ESG_DHCP4_HAS_MASK) !=
		    (cur->present & ESG_DHCP4_HAS_MASK) ||
	    ack->mask.s_addr != cur->mask.s_addr ||
	    !same4(ack->routers, ack->n_routers, cur->routers, cur->n_routers))
		r |= CP_PROV_RENEW_ROUTE;
	next->present |= ack->present & ESG_DHCP4_HAS_MASK;
	next->mask = ack->mask;
	next->n_routers = ack->n_routers;
	memcpy(next->routers, ack->routers, sizeof(next->routers));
	/* 6.3.5: DNS (6) or syslog (7) changed: MUST use the new ones for
	 * all future operations without reinitializing */
	if (!same4(ack->dns, ack->n_dns, cur->dns, cur->n_dns)) {
		r |= CP_PROV_RENEW_DNS;
		next->n_dns = ack->n_dns;
		memcpy(next->dns, ack->dns, sizeof(next->dns));
	}
	if (!same4(ack->log, ack->n_log, cur->log, cur->n_log)) {
		r |= CP_PROV_RENEW_SYSLOG;
		next->n_log = ack->n_log;
		memcpy(next->log, ack->log, sizeof(next->log));
	}
	return r;
}

static const struct esg_dhcp6_iaaddr *
addr6(const struct esg_dhcp6_msg *m)
{
	return m->n_ia > 0 && m->ia[0].n_addr > 0 ? &m->ia[0].addr[0] : NULL;
}

static int
same_pp(const struct esg_s46_portparams *a, const struct esg_s46_portparams *b)
{
	return a->offset == b->offset && a->psid_len == b->psid_len &&
	       a->psid == b->psid;
}

static int
same_rule(const struct esg_s46_rule *a, const struct esg_s46_rule *b)
{
	return a->flags == b->flags && a->ea_len == b->ea_len &&
	       a->prefix4_len == b->prefix4_len &&
	       a->prefix4.s_addr == b->prefix4.s_addr &&
	       a->prefix6_len == b->prefix6_len &&
	       memcmp(&a->prefix6, &b->prefix6, sizeof(a->prefix6)) == 0 &&
	       !a->has_portparams == !b->has_portparams &&
	       (!a->has_portparams || same_pp(&a->portparams, &b->portparams));
}

/* Field by field (the structs have padding): one S46 container. */
static int
same_cont(const struct esg_s46_cont *a, const struct esg_s46_cont *b)
{
	if (a->kind != b->kind || a->n_rules != b->n_rules ||
	    !same6(a->br, a->n_br, b->br, b->n_br) ||
	    !a->has_dmr != !b->has_dmr || !a->has_v4v6bind != !b->has_v4v6bind)
		return 0;
	for (unsigned i = 0; i < a->n_rules && i < ESG_S46_MAX_RULES; i++)
		if (!same_rule(&a->rules[i], &b->rules[i]))
			return 0;
	if (a->has_dmr && (a->dmr_len != b->dmr_len ||
			   memcmp(&a->dmr, &b->dmr, sizeof(a->dmr)) != 0))
		return 0;
	if (a->has_v4v6bind &&
	    (a->bind_v4.s_addr != b->bind_v4.s_addr ||
	     a->bind_prefix6_len != b->bind_prefix6_len ||
	     memcmp(&a->bind_prefix6, &b->bind_prefix6,
		    sizeof(a->bind_prefix6)) != 0 ||
	     !a->bind_has_portparams != !b->bind_has_portparams ||
	     (a->bind_has_portparams &&
	      !same_pp(&a->bind_portparams, &b->bind_portparams))))
		return 0;
	return 1;
}

/* RFC 6334 option 64 and the RFC 7598 containers of two messages. */
static int
same_softwire(const struct esg_dhcp6_msg *a, const struct esg_dhcp6_msg *b)
{
	if ((a->present & ESG_DHCP6_HAS_AFTR) !=
		    (b->present & ESG_DHCP6_HAS_AFTR) ||
	    ((a->present & ESG_DHCP6_HAS_AFTR) &&
	     strcmp(a->aftr_name, b->aftr_name) != 0) ||
	    a->n_s46 != b->n_s46)
		return 0;
	for (unsigned i = 0; i < a->n_s46 && i < ESG_S46_MAX_CONT; i++)
		if (!same_cont(&a->s46[i], &b->s46[i]))
			return 0;
	return 1;
}

unsigned
cp_prov_renew6(const struct esg_dhcp6_msg *cur,
	       const struct esg_dhcp6_msg *reply, struct esg_dhcp6_msg *next)
{
	const struct esg_dhcp6_iaaddr *a = addr6(cur), *b = addr6(reply);
	unsigned r = 0;

	/* 6.3.5: a different IA_NA address: reinitialize from eUE-1 */
	if (a == NULL || b == NULL ||
	    memcmp(&a->addr, &b->addr, sizeof(a->addr)) != 0) {
		*next = *reply;
		return CP_PROV_RENEW_RESTART;
	}
	/* 6.3.5: other options ignored (32, 33, 20, 39, every sub-option of
	 * CL_OPTION_CCCV6): start from cur; the IA's times are the renewal */
	*next = *cur;
	next->xid = reply->xid;
	next->ia[0].t1 = reply->ia[0].t1;
	next->ia[0].t2 = reply->ia[0].t2;
	next->ia[0].addr[0].preferred = b->preferred;
	next->ia[0].addr[0].valid = b->valid;
	/* 6.3.5: DNS (23) or CL_OPTION_SYSLOG_SERVERS changed: use now */
	if (!same6(reply->dns, reply->n_dns, cur->dns, cur->n_dns)) {
		r |= CP_PROV_RENEW_DNS;
		next->n_dns = reply->n_dns;
		memcpy(next->dns, reply->dns, sizeof(next->dns));
	}
	if (!same6(reply->cl.syslog, reply->cl.n_syslog, cur->cl.syslog,
		   cur->cl.n_syslog)) {
		r |= CP_PROV_RENEW_SYSLOG;
		next->cl.n_syslog = reply->cl.n_syslog;
		memcpy(next->cl.syslog, reply->cl.syslog,
		       sizeof(next->cl.syslog));
	}
	/* 6.3.5 names no softwire option (64, 94-96) among what a renewal
	 * may change, so they fall under "for other configuration options,
	 * the eUE MUST ignore any difference": kept from cur (above), the
	 * difference only reported */
	if (!same_softwire(reply, cur))
		r |= CP_PROV_RENEW_SW_IGNORED;
	return r;
}
