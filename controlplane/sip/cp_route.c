/* SPDX-License-Identifier: BSD-3-Clause */
/* Call routing over the configuration (cp_route.h, docs/b2bua.md). */
#include <errno.h>
#include <string.h>

#include "cp_addrs.h"
#include "cp_route.h"

#define SIP_PORT 5060 /* RFC 3261 19.1.2 */

/* Does the address of sa (AF_INET / AF_INET6) lie in addr/plen? */
static bool
prefix_has(int family, const void *addr, unsigned int plen, const struct sa *sa)
{
	uint8_t a[16];
	const uint8_t *p = addr;
	unsigned int len, i, bits;

	if (sa_af(sa) != family)
		return false;
	if (family == AF_INET) {
		uint32_t v = htonl(sa_in(sa));

		memcpy(a, &v, 4);
		len = 4;
	} else {
		sa_in6(sa, a);
		len = 16;
	}
	if (plen > len * 8)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (a[i] != p[i])
			return false;
	bits = plen % 8;
	if (bits == 0)
		return true;
	return ((a[i] ^ p[i]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

static bool
addr_is(const struct esg_conf_addr *ca, const struct sa *sa)
{
	return prefix_has(ca->family, &ca->u, ca->family == AF_INET ? 32 : 128,
			  sa);
}

int
cp_route_iface(const struct esg_conf *conf, const struct sa *dst)
{
	unsigned int i, j, k;

	for (i = 0; i < conf->nb_ifaces; i++) {
		const struct esg_conf_iface *ifc = &conf->iface[i];

		for (j = 0; j < ifc->nb_addr4; j++)
			if (addr_is(&ifc->addr4[j], dst))
				return (int)i;
		for (j = 0; j < ifc->nb_addr6; j++)
			if (addr_is(&ifc->addr6[j], dst))
				return (int)i;
	}
	/* an address provisioning leased (issue 5 hand-off, cp_addrs.h) */
	if (cp_addrs_find(dst, &k) == 0 && k < conf->nb_ifaces)
		return (int)k;
	return -1;
}

enum cp_route_side
cp_route_side(const struct esg_conf *conf, const struct sa *dst)
{
	int i = cp_route_iface(conf, dst);

	if (i < 0)
		return CP_ROUTE_NONE;
	if (i == conf->sip.wan_iface)
		return CP_ROUTE_WAN;
	if (conf->iface[i].role == ESG_IF_LAN)
		return CP_ROUTE_LAN;
	return CP_ROUTE_NONE; /* another WAN interface: not the trunk's */
}

static bool
iface_prefix_has(const struct esg_conf *conf, int iface, const struct sa *src)
{
	const struct esg_conf_iface *ifc = &conf->iface[iface];
	unsigned int j;

	for (j = 0; j < ifc->nb_addr4; j++)
		if (prefix_has(AF_INET, &ifc->addr4[j].u,
			       ifc->addr4[j].prefixlen, src))
			return true;
	for (j = 0; j < ifc->nb_addr6; j++)
		if (prefix_has(AF_INET6, &ifc->addr6[j].u,
			       ifc->addr6[j].prefixlen, src))
			return true;
	return cp_addrs_prefix_has((unsigned int)iface, src);
}

static bool
tenant_source_ok(const struct esg_conf *conf, const struct esg_conf_tenant *t,
		 const struct sa *src)
{
	unsigned int j;

	if (t->nb_sources == 0)
		return iface_prefix_has(conf, t->lan_iface, src);
	for (j = 0; j < t->nb_sources; j++)
		if (prefix_has(t->sources[j].family, &t->sources[j].u,
			       t->sources[j].prefixlen, src))
			return true;
	return false;
}

int
cp_route_lan_tenant(const struct esg_conf *conf, int iface,
		    const struct sa *src, unsigned int *tenantp)
{
	const struct esg_conf_sip *s = &conf->sip;
	bool any = false;
	unsigned int i;

	for (i = 0; i < s->nb_tenants; i++) {
		const struct esg_conf_tenant *t = &s->tenant[i];

		if (t->lan_iface != iface)
			continue;
		any = true;
		if (tenant_source_ok(conf, t, src)) {
			*tenantp = i;
			return 0;
		}
	}
	return any ? EPERM : ENOENT;
}

/* The proxy URI "sip:host[:port]" split; host without brackets. */
static int
proxy_split(const struct esg_conf_sip *s, struct pl *host, uint16_t *port)
{
	struct uri uri;
	struct pl pl;
	int err;

	pl_set_str(&pl, s->proxy);
	err = uri_decode(&uri, &pl);
	if (err)
		return err;
	*host = uri.host;
	*port = uri.port != 0 ? uri.port : SIP_PORT;
	return host->l > 0 ? 0 : EINVAL;
}

int
cp_route_proxy_host(const struct esg_conf_sip *s, struct pl *host)
{
	uint16_t port;

	return proxy_split(s, host, &port);
}

int
cp_route_proxy_uri(const struct esg_conf_sip *s, char *buf, size_t size)
{
	const char *tp = "";
	int n;

	switch (s->transport) {
	case ESG_SIP_UDP:
		break;
	case ESG_SIP_TCP:
		tp = ";transport=tcp";
		break;
	case ESG_SIP_TLS:
		tp = ";transport=tls";
		break;
	}
	n = re_snprintf(buf, size, "%s%s", s->proxy, tp);
	return n < 0 || (size_t)n >= size ? ENOSPC : 0;
}

int
cp_route_proxy(const struct esg_conf_sip *s, int af, struct sa *out)
{
	struct pl host;
	uint16_t port;
	int err;

	err = proxy_split(s, &host, &port);
	if (err)
		return err;
	if (sa_set(out, &host, port) != 0)
		return EAFNOSUPPORT; /* a name: resolved by the caller */
	if (af != AF_UNSPEC && sa_af(out) != af)
		return EAFNOSUPPORT;
	return 0;
}

bool
cp_route_wan_source(const struct esg_conf_sip *s, const struct sa *src)
{
	struct sa proxy;

	if (cp_route_proxy(s, AF_UNSPEC, &proxy) != 0)
		return true; /* a name: its addresses are not known here */
	return sa_cmp(&proxy, src, SA_ADDR);
}

/* The digits of num (and whether it had a "+"), separators skipped, up
 * to a ";" (RFC 3966 5.1.1 visual separators; parameters end it). */
static int
digits(const struct pl *num, char *out, size_t size, bool *plus)
{
	size_t i, n = 0;

	*plus = false;
	for (i = 0; i < num->l; i++) {
		char c = num->p[i];

		if (c == ';')
			break;
		if (c == '+' && i == 0) {
			*plus = true;
			continue;
		}
		if (c == '-' || c == '.' || c == '(' || c == ')')
			continue;
		if (c < '0' || c > '9')
			return EINVAL;
		if (n + 1 >= size)
			return EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	return n > 0 ? 0 : EINVAL;
}

bool
cp_route_in_range(const struct esg_conf_numrange *r, const struct pl *num)
{
	char d[ESG_CONF_E164_LEN], lo[ESG_CONF_E164_LEN], hi[ESG_CONF_E164_LEN];
	bool plus, plo, phi;
	struct pl pl;

	if (digits(num, d, sizeof(d), &plus) != 0)
		return false;
	pl_set_str(&pl, r->first);
	if (digits(&pl, lo, sizeof(lo), &plo) != 0)
		return false;
	pl_set_str(&pl, r->last[0] != '\0' ? r->last : r->first);
	if (digits(&pl, hi, sizeof(hi), &phi) != 0)
		return false;
	/* A "+" (global number) on both or either side without: the digits
	 * decide; a range is one length, so compare as strings. */
	(void)plus;
	if (strlen(d) != strlen(lo) || strlen(lo) != strlen(hi))
		return false;
	return strcmp(d, lo) >= 0 && strcmp(d, hi) <= 0;
}

bool
cp_route_tenant_has(const struct esg_conf_tenant *t, const struct pl *num)
{
	unsigned int j;

	for (j = 0; j < t->nb_numbers; j++)
		if (cp_route_in_range(&t->numbers[j], num))
			return true;
	return false;
}

int
cp_route_number(const struct esg_conf_sip *s, const struct pl *num,
		unsigned int *tenantp)
{
	char d[ESG_CONF_E164_LEN];
	unsigned int i;
	bool plus;

	if (num == NULL || digits(num, d, sizeof(d), &plus) != 0)
		return EINVAL;
	for (i = 0; i < s->nb_tenants; i++) {
		if (cp_route_tenant_has(&s->tenant[i], num)) {
			*tenantp = i;
			return 0;
		}
	}
	return ENOENT;
}

int
cp_route_own_addr(const struct esg_conf *conf, int iface, int af,
		  struct sa *out)
{
	const struct esg_conf_iface *ifc;

	if (iface < 0 || (unsigned int)iface >= conf->nb_ifaces)
		return ENOENT;
	ifc = &conf->iface[iface];
	memset(out, 0, sizeof(*out));
	if (af == AF_INET && ifc->nb_addr4 > 0) {
		sa_set_in(out, ntohl(ifc->addr4[0].u.v4.s_addr), 0);
		return 0;
	}
	if (af == AF_INET6 && ifc->nb_addr6 > 0) {
		sa_set_in6(out, ifc->addr6[0].u.v6.s6_addr, 0);
		return 0;
	}
	/* none configured in af: the leased one (DHCP, cp_addrs.h) */
	return cp_addrs_first((unsigned int)iface, af, out);
}

int
cp_route_sig_af(const struct esg_conf_sip *s)
{
	struct sa proxy;

	if (cp_route_proxy(s, AF_UNSPEC, &proxy) == 0)
		return sa_af(&proxy);
	switch (s->family) {
	case ESG_SIP_FAM_IPV4:
		return AF_INET;
	case ESG_SIP_FAM_IPV6:
		return AF_INET6;
	case ESG_SIP_FAM_ANY:
		break;
	}
	return AF_UNSPEC;
}

int
cp_route_pbx(const struct esg_conf_tenant *t, struct sa *out)
{
	uint16_t port;

	if (!t->has_pbx)
		return ENOENT;
	port = t->pbx.port != 0 ? t->pbx.port : SIP_PORT;
	memset(out, 0, sizeof(*out));
	if (t->pbx.family == AF_INET)
		sa_set_in(out, ntohl(t->pbx.u.v4.s_addr), port);
	else
		sa_set_in6(out, t->pbx.u.v6.s6_addr, port);
	return 0;
}
