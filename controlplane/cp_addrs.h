/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The own addresses the control plane learns at run time (issue 5
 * hand-off, spec 000 8.1.3): the addresses provisioning leases for an
 * interface (DHCPv4 / DHCPv6), on top of the configured ones in struct
 * esg_conf, which stay where they are. Readers (cp_route, cp_reg, the SIP
 * listeners through cp_main.c) look at the configuration first, then here.
 *
 * One table per process, like the log: the readers are pure functions
 * over the configuration (cp_route) called from many places; a table
 * handed to each of them would change every caller. The table lives on
 * the libre thread only. Watchers are told of every change, after it is
 * made (docs/controlplane.md "Own addresses at run time").
 * Functions return 0 or a positive errno.
 */
#ifndef CP_ADDRS_H
#define CP_ADDRS_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#define CP_ADDRS_MAX 16

/* Address a (port ignored) was added to (added) or removed from iface. */
typedef void(cp_addrs_change_h)(unsigned int iface, const struct sa *a,
				bool added, void *arg);
struct cp_addrs_watch;

/* Add a/plen to iface; EALREADY: already there (nothing told),
 * ENOSPC: table full, EAFNOSUPPORT: not IPv4/IPv6. */
int cp_addrs_add(unsigned int iface, const struct sa *a, uint8_t plen);
/* Remove a from iface; ENOENT: not there. */
int cp_addrs_del(unsigned int iface, const struct sa *a);
/* The interface holding a (port ignored); ENOENT: none. */
int cp_addrs_find(const struct sa *a, unsigned int *ifacep);
/* The first address of iface in family af (port 0); ENOENT: none. */
int cp_addrs_first(unsigned int iface, int af, struct sa *out);
/* Does one of iface's addresses' prefixes hold a? */
bool cp_addrs_prefix_has(unsigned int iface, const struct sa *a);
/* Entry i (in order of addition); ENOENT past the last. */
int cp_addrs_get(unsigned int i, unsigned int *ifacep, struct sa *a,
		 uint8_t *plenp);
/* Watch the changes; *wp is a mem object, dereferencing it stops. */
int cp_addrs_watch(struct cp_addrs_watch **wp, cp_addrs_change_h *h, void *arg);
/* Forget every address (no watcher told): tests, shutdown. */
void cp_addrs_clear(void);

#endif
