/* SPDX-License-Identifier: BSD-3-Clause */
/* The DHCPv6 client's internals shared by cp_dhcp6.c and cp_dhcp6_msg.c. */
#ifndef CP_DHCP6_PRIV_H
#define CP_DHCP6_PRIV_H

#include "cp_dhcp6.h"

/* RFC 8415 21.13 status codes */
enum {
	CP_DHCP6_ST_SUCCESS = 0,
	CP_DHCP6_ST_UNSPECFAIL = 1,
	CP_DHCP6_ST_NOADDRS = 2,
	CP_DHCP6_ST_NOBINDING = 3,
	CP_DHCP6_ST_NOTONLINK = 4,
	CP_DHCP6_ST_USEMULTICAST = 5,
};

/* What message type carries, filled for this client's state. */
void cp_dhcp6_msg_build(const struct cp_dhcp6 *c, uint8_t type, uint64_t now_ms,
			struct esg_dhcp6_msg *m);
int cp_dhcp6_msg_valid(const struct cp_dhcp6 *c, const struct esg_dhcp6_msg *m);
int cp_dhcp6_dss_forbids(const struct cp_dhcp6_cfg *cfg);
int cp_dhcp6_dss_allowed(const struct cp_dhcp6 *c,
			 const struct esg_dhcp6_msg *m);
const struct esg_dhcp6_ia_na *cp_dhcp6_msg_ia(const struct cp_dhcp6 *c,
					      const struct esg_dhcp6_msg *m);
int cp_dhcp6_msg_pick(const struct cp_dhcp6 *c, struct esg_dhcp6_msg *m);

#endif /* CP_DHCP6_PRIV_H */
