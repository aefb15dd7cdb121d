/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call routing of the B2BUA (docs/b2bua.md "Routing"): which side a
 * request came from, which tenant it belongs to, and where the other side
 * is. Functions over the configuration and the own addresses learned at
 * run time (cp_addrs.h: a leased WAN address counts like a configured
 * one, the configured ones first); no I/O.
 *
 * - A request that arrives on an own address of a LAN interface belongs to
 *   the tenant on that interface whose "sources" hold its source address
 *   (no "sources": the interface's own prefixes).
 * - A request that arrives on the operator's WAN interface is accepted
 *   only from the proxy when the proxy is an IP literal, and belongs to the
 *   tenant whose "numbers" hold the request URI's user (a DID).
 * Functions return 0 or a positive errno.
 */
#ifndef CP_ROUTE_H
#define CP_ROUTE_H

#include <stdbool.h>

#include <re.h>

#include "esg_conf.h"

enum cp_route_side {
	CP_ROUTE_NONE, /* not an own address of a LAN or the SIP WAN iface */
	CP_ROUTE_LAN,
	CP_ROUTE_WAN,
};

/* The interface that owns the local address dst (port ignored), or -1. */
int cp_route_iface(const struct esg_conf *conf, const struct sa *dst);
/* Which side a request received on local address dst belongs to. */
enum cp_route_side cp_route_side(const struct esg_conf *conf,
				 const struct sa *dst);
/* The tenant of a request from src that arrived on LAN interface iface.
 * ENOENT: no tenant on that interface; EPERM: src is not an allowed
 * source of any of them. */
int cp_route_lan_tenant(const struct esg_conf *conf, int iface,
			const struct sa *src, unsigned int *tenantp);
/* May src send requests to the WAN side? Only the proxy when it is an
 * IP literal (any port); any source when it is a name. */
bool cp_route_wan_source(const struct esg_conf_sip *s, const struct sa *src);
/* The tenant whose "numbers" hold num (a request URI or To user).
 * Visual separators of RFC 3966 5.1.1 ("-", ".", "(", ")") are skipped,
 * a ";param" tail ends the number, a leading "+" is compared only when
 * both have one. ENOENT: nobody's number; EINVAL: not a number. */
int cp_route_number(const struct esg_conf_sip *s, const struct pl *num,
		    unsigned int *tenantp);
/* Is num inside r (same rules)? */
bool cp_route_in_range(const struct esg_conf_numrange *r, const struct pl *num);
/* Is num one of tenant t's "numbers"? */
bool cp_route_tenant_has(const struct esg_conf_tenant *t, const struct pl *num);
/* The proxy of s as an address in family af (AF_UNSPEC: its own), port
 * default 5060. EAFNOSUPPORT: a name or another family (the caller
 * resolves names through libre's DNS). */
int cp_route_proxy(const struct esg_conf_sip *s, int af, struct sa *out);
/* The host part of the proxy URI (for Request-URIs and From/To domains
 * when "domain" is empty). */
int cp_route_proxy_host(const struct esg_conf_sip *s, struct pl *host);
/* The proxy as a route URI toward the operator: "sip:host[:port]" with
 * ";transport=tcp" or ";transport=tls" when "transport" says so (libre
 * adds ";lr"). sip:, not sips:, for TLS: sips: asks TLS on every hop to
 * the end (RFC 3261 26.2.2, RFC 5630), which the ESG cannot promise
 * beyond the proxy; ";transport=tls" asks it for this hop (RFC 3261
 * 19.1.1, docs/b2bua.md "Transport toward the operator"). ENOSPC: size. */
int cp_route_proxy_uri(const struct esg_conf_sip *s, char *buf, size_t size);
/* The first own address of interface iface in family af (port 0): the
 * first configured one, else the first leased one (cp_addrs.h).
 * ENOENT: none in that family. */
int cp_route_own_addr(const struct esg_conf *conf, int iface, int af,
		      struct sa *out);
/* The signalling family toward the operator (spec 000 8.1.3): the
 * proxy's when it is an IP literal, else "family" (AF_INET / AF_INET6),
 * AF_UNSPEC for "any" with a named proxy (either family will do). */
int cp_route_sig_af(const struct esg_conf_sip *s);
/* The LAN target of tenant t: the static PBX. ENOENT: none. */
int cp_route_pbx(const struct esg_conf_tenant *t, struct sa *out);

#endif
