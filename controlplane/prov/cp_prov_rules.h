/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PKT-SP-EUE-PROV 6.3.5, post-initialization DHCP behaviour: what a lease
 * renewal may change. Pure functions: the current lease and the renewal's
 * ACK / REPLY in, the lease to use from now on and what changed out.
 */
#ifndef CP_PROV_RULES_H
#define CP_PROV_RULES_H

#include "dhcp/esg_dhcp.h"

/* What a renewal changed (bits). */
enum {
	/* a new address: reinitialize and start again from eUE-1 */
	CP_PROV_RENEW_RESTART = 1u << 0,
	/* DHCPv4 subnet mask or routers: used at once (the "MAY" taken) */
	CP_PROV_RENEW_ROUTE = 1u << 1,
	CP_PROV_RENEW_DNS = 1u << 2,	/* new DNS servers, used at once */
	CP_PROV_RENEW_SYSLOG = 1u << 3, /* new syslog servers, at once */
	/* DHCPv6: other softwire options (64, 94-96) in the renewal:
	 * ignored (6.3.5 "other configuration options"), cur's kept */
	CP_PROV_RENEW_SW_IGNORED = 1u << 4,
};

/*
 * DHCPv4: cur is the lease in use, ack the renewal's DHCPACK; *next gets
 * the lease to use (times from ack; mask, routers, DNS, syslog from ack;
 * everything else, file and siaddr included, kept from cur). With
 * CP_PROV_RENEW_RESTART *next is ack as it came.
 */
unsigned cp_prov_renew4(const struct esg_dhcp4_msg *cur,
			const struct esg_dhcp4_msg *ack,
			struct esg_dhcp4_msg *next);

/* DHCPv6: the same for a RENEW/REBIND's REPLY (IA_NA address, option 23,
 * CL_OPTION_SYSLOG_SERVERS; softwire options 64, 94-96 kept from cur). */
unsigned cp_prov_renew6(const struct esg_dhcp6_msg *cur,
			const struct esg_dhcp6_msg *reply,
			struct esg_dhcp6_msg *next);

#endif /* CP_PROV_RULES_H */
