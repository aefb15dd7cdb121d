/* SPDX-License-Identifier: BSD-3-Clause */
/* Kernel exception interfaces: addresses and routes over rtnetlink. */
#ifndef DP_KIF_H
#define DP_KIF_H

#include <stdbool.h>
#include <stdint.h>

/* Add or remove addr/plen on ifindex (IPv6 without DAD). 0 or -errno. */
int dp_kif_addr(int ifindex, bool add, int family, const void *addr,
		uint8_t plen);
/* A default route of family through ifindex. 0 or -errno. */
int dp_kif_route_default(int ifindex, int family);
/* Remove it (none there: 0). 0 or -errno. */
int dp_kif_route_default_del(int ifindex, int family);
/* Add or remove (none there: 0) a default route of family through ifindex
 * with its own metric (a router learned from an RA, dp_ra.c). */
int dp_kif_route_default_metric(int ifindex, int family, uint32_t metric,
				bool add);

/* Wait until the kernel routes addr (an address of one of its interfaces)
 * as local, i.e. answers for it. 0, -ETIMEDOUT or -errno. */
int dp_kif_wait_local(int family, const void *addr, unsigned int timeout_ms);

#endif
