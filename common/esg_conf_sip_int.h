/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the two files of the "sip" section's parser
 * (esg_conf_sip.c: operator, limits, timers; esg_conf_sip_tenant.c). */
#ifndef ESG_CONF_SIP_INT_H
#define ESG_CONF_SIP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "esg_conf.h"
#include "esg_conf_walk.h"

/* fail() with ".key" pushed on the path for the message. */
int esg_conf_sip_fail_at(struct walk *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One of names[] (n of them, list spells them for the message) into
 * *out; an absent key leaves *out. */
int esg_conf_sip_get_enum(struct walk *w, json_t *o, const char *key,
			  const char *const *names, unsigned int n,
			  const char *list, int *out);
/* o's "interface": an interface of the document with that role. */
int esg_conf_sip_get_iface(struct walk *w, json_t *o,
			   const struct esg_conf *conf, enum esg_if_role role,
			   int *out);
/* "host[:port]": IPv4, "[IPv6]" or (fqdn) a domain name; a bare IPv6
 * literal when !fqdn. host (may be NULL) gets the host as written in a
 * URI. */
bool esg_conf_sip_hostport(const char *s, bool fqdn,
			   struct esg_conf_hostport *hp, char *host,
			   size_t hostlen);
/* "sip:user@host[:port]". */
bool esg_conf_sip_aor_ok(const char *s);
/* The "tenants" array (operator and limits are parsed already). */
int esg_conf_sip_tenants(struct walk *w, json_t *arr, struct esg_conf_sip *x,
			 const struct esg_conf *conf);

#define fail_at esg_conf_sip_fail_at
#define get_enum esg_conf_sip_get_enum
#define get_iface esg_conf_sip_get_iface
#define parse_hostport esg_conf_sip_hostport
#define aor_ok esg_conf_sip_aor_ok

#endif
