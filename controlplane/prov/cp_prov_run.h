/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning orchestrator on esg-controlplane's libre loop
 * (cp_prov.h for the logic, docs/provisioning.md "Running it").
 *
 * DHCPv4 on the WAN exception interface: replies are received on a UDP
 * socket bound to port 68 and to the interface (SO_BINDTODEVICE); requests
 * leave through a packet socket on that interface with an IPv4/UDP header
 * of our own, because the kernel would give a UDP socket's broadcast the
 * source address of another interface (the LAN's) while the WAN side has
 * none, where RFC 2131 4.1 wants 0.0.0.0. The broadcast flag is set in
 * every request before a lease (cp_dhcp4), so the server's replies are
 * broadcast and the dataplane hands them to the kernel (dp_classify.c:
 * UDP broadcasts go to the exception interface).
 *
 * DHCPv6 (stack ipv6 / dual): a UDP socket bound to the interface's
 * link-local address fe80::EUI-64(port MAC), port 546, sending to
 * ff02::1:2 port 547 (RFC 8415 13.1, 7.1); the dataplane gives the
 * exception interface that address and maps the group to its MAC.
 *
 * The lease's address goes to the dataplane as IF_ADDR_ADD (the dataplane
 * puts it on the exception interface as well), again after every attach;
 * before that the dataplane probes it (ADDR_PROBE: ARP probe / DAD), and
 * DHCPv4 option 3 becomes its default gateway (IF_GW).
 */
#ifndef CP_PROV_RUN_H
#define CP_PROV_RUN_H

#include <stdint.h>

#include "cp_prov.h"

struct cp_dp;
struct cp_prov_run;

/* conf must outlive r; nothing starts before cp_prov_run_attach(). */
int cp_prov_run_alloc(struct cp_prov_run **rp, const struct esg_conf *conf);
/* From the dataplane link's attach handler: the first attach starts
 * provisioning (the port's MAC is known then), later ones re-apply the
 * lease to the new dataplane. */
void cp_prov_run_attach(struct cp_prov_run *r, struct cp_dp *dp,
			uint64_t now_ns);
const struct cp_prov *cp_prov_run_prov(const struct cp_prov_run *r);
/* Give the lease back (RELEASE) before the process ends. */
void cp_prov_run_stop(struct cp_prov_run *r);

#endif
