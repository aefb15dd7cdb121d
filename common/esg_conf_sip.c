/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sip" section: see esg_conf_sip.h and docs/configuration.md "sip".
 * Like the rest of the loader, every refusal names the JSON path and the
 * reason; the cross-checks (interfaces and their roles, unique tenant names,
 * numbers in one tenant only, media port slices) run here because the
 * interfaces and the dataplane section are parsed before this one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "esg_conf.h"
#include "esg_conf_sip_int.h"
#include "esg_conf_walk.h"

void
esg_conf_sip_defaults(struct esg_conf_sip *x)
{
	memset(x, 0, sizeof(*x));
	x->wan_iface = -1;
	x->transport = ESG_SIP_UDP;
	x->tls_verify = true;
	x->family = ESG_SIP_FAM_ANY;
	x->options_interval_s = 30;
	x->reg_retry_min_s = 30;
	x->reg_retry_max_s = 1800;
	x->max_calls = 100000;
	x->max_cps = 0;
	x->source_rps = 200;
	x->max_msg_bytes = 16384;
	x->retry_after_s = 5;
	x->media_timeout_s = 60;
	x->session_expires_s = 1800;
	x->min_se_s = 90; /* RFC 4028 4: Min-SE is never below 90 s */
	x->no_answer_s = 180;
}

/* fail() with ".key" pushed on the path for the message. */
int
fail_at(struct walk *w, const char *key, const char *fmt, ...)
{
	char msg[ESG_CONF_ERR_LEN];
	size_t old;
	va_list ap;
	int err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	old = path_push(w, key, 0);
	err = fail(w, "%s", msg);
	path_pop(w, old);
	return err;
}

/* One of names[] (n of them) into *out; absent = leave *out. */
int
get_enum(struct walk *w, json_t *o, const char *key, const char *const *names,
	 unsigned int n, const char *list, int *out)
{
	char buf[16];
	unsigned int i;
	int err;

	if (json_object_get(o, key) == NULL)
		return 0;
	err = get_str(w, o, key, buf, sizeof(buf), true);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], buf) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	return fail_at(w, key, "'%s' is not one of %s", buf, list);
}

/* The interface called by key, which must exist and have the role. */
int
get_iface(struct walk *w, json_t *o, const struct esg_conf *conf,
	  enum esg_if_role role, int *out)
{
	char name[ESG_CONF_NAME_LEN];
	int err, i;

	err = get_str(w, o, "interface", name, sizeof(name), true);
	if (err)
		return err;
	i = esg_conf_iface_find(conf, name);
	if (i < 0)
		return fail_at(w, "interface", "'%s' is not an interface",
			       name);
	if (conf->iface[i].role != role)
		return fail_at(w, "interface", "'%s' is not a %s interface",
			       name, esg_conf_role_str(role));
	*out = i;
	return 0;
}

/* RFC 1035 2.3.1 / RFC 1123 2.1: letters, digits, '-' inside labels of
 * 1..63, at most 253 in all; an all-numeric name is an IPv4 typo. */
static bool
fqdn_ok(const char *s)
{
	size_t len = strlen(s), lab = 0;
	bool alpha = false;
	const char *p;

	if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (p = s; *p != '\0'; p++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (*p == '-' && lab == 0)
			return false;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    *p == '-')
			alpha = true;
		else if (!(*p >= '0' && *p <= '9'))
			return false;
		if (++lab > 63)
			return false;
	}
	return alpha && s[len - 1] != '-';
}

static bool
port_ok(const char *s, uint16_t *port)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9' || strlen(s) > 5)
		return false;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/*
 * "host[:port]" with host an IPv4 literal, "[IPv6]" or (fqdn true) a
 * domain name; a bare IPv6 literal without port is taken too when fqdn is
 * false (the pbx key). family is 0 for a name.
 */
bool
parse_hostport(const char *s, bool fqdn, struct esg_conf_hostport *hp,
	       char *host, size_t hostlen)
{
	char buf[ESG_CONF_SIP_STR];
	char *colon, *h = buf;

	memset(hp, 0, sizeof(*hp));
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (close == NULL)
			return false;
		*close = '\0';
		h = buf + 1;
		if (close[1] == ':') {
			if (!port_ok(close + 2, &hp->port))
				return false;
		} else if (close[1] != '\0') {
			return false;
		}
		if (inet_pton(AF_INET6, h, &hp->u.v6) != 1)
			return false;
		hp->family = AF_INET6;
	} else if (!fqdn && inet_pton(AF_INET6, buf, &hp->u.v6) == 1) {
		hp->family = AF_INET6;
	} else {
		colon = strchr(buf, ':');
		if (colon != NULL) {
			*colon = '\0';
			if (!port_ok(colon + 1, &hp->port))
				return false;
		}
		if (inet_pton(AF_INET, buf, &hp->u.v4) == 1)
			hp->family = AF_INET;
		else if (!fqdn || !fqdn_ok(buf))
			return false;
	}
	if (host != NULL && strlen(h) + 3 > hostlen)
		return false;
	if (host != NULL && hp->family == AF_INET6)
		sprintf(host, "[%s]", h);
	else if (host != NULL)
		strcpy(host, h);
	return true;
}

/* "sip:host[:port]" (RFC 3261 19.1.1, no user, no parameters). */
static bool
proxy_ok(const char *s, struct esg_conf_hostport *hp, char *host,
	 size_t hostlen)
{
	if (strncmp(s, "sip:", 4) != 0 || strpbrk(s + 4, "@;?") != NULL)
		return false;
	return parse_hostport(s + 4, true, hp, host, hostlen);
}

/* "sip:user@host[:port]": an address of record (trunk.aor). */
bool
aor_ok(const char *s)
{
	struct esg_conf_hostport hp;
	const char *at;

	if (strncmp(s, "sip:", 4) != 0 || strpbrk(s + 4, ";?") != NULL)
		return false;
	at = strchr(s + 4, '@');
	if (at == NULL || at == s + 4 || strchr(at + 1, '@') != NULL)
		return false;
	return parse_hostport(at + 1, true, &hp, NULL, 0);
}

/* The TLS keys of "operator": only with transport "tls"; a CA to verify
 * the proxy's certificate unless tls_verify is false (RFC 3261 26.3.1,
 * RFC 5922: without it TLS authenticates nobody);
 * a key only with a certificate. */
static int
parse_tls(struct walk *w, json_t *o, struct esg_conf_sip *x)
{
	static const char *const tls_keys[] = {"tls_ca", "tls_cert", "tls_key",
					       "tls_verify"};
	unsigned int i;
	int err = 0;

	if (x->transport != ESG_SIP_TLS) {
		for (i = 0; i < 4; i++)
			if (json_object_get(o, tls_keys[i]) != NULL)
				return fail_at(w, tls_keys[i],
					       "only with transport \"tls\"");
		return 0;
	}
	err = get_str(w, o, "tls_ca", x->tls_ca, sizeof(x->tls_ca), false);
	if (!err)
		err = get_str(w, o, "tls_cert", x->tls_cert,
			      sizeof(x->tls_cert), false);
	if (!err)
		err = get_str(w, o, "tls_key", x->tls_key, sizeof(x->tls_key),
			      false);
	if (!err)
		err = get_bool(w, o, "tls_verify", &x->tls_verify);
	if (err)
		return err;
	if (x->tls_verify && x->tls_ca[0] == '\0')
		return fail_at(w, "tls_ca",
			       "required with transport \"tls\" (the proxy's "
			       "certificate is verified against it) unless "
			       "tls_verify is false");
	if (x->tls_key[0] != '\0' && x->tls_cert[0] == '\0')
		return fail_at(w, "tls_key", "only with tls_cert");
	return 0;
}

/* Interface i has an address of family af at run time: a configured
 * one, or a lease (provisioning "dhcp" on that interface with af in its
 * stack: spec 000 8.1.3, docs/provisioning.md "Hand-off to SIP").
 * esg_conf.c parses "provisioning" before "sip". */
static bool
iface_has_af(const struct esg_conf *conf, int i, int af)
{
	const struct esg_conf_iface *ifc = &conf->iface[i];
	const struct esg_conf_prov *p = &conf->prov;
	unsigned int want =
		af == AF_INET ? ESG_PROV_STACK_IPV4 : ESG_PROV_STACK_IPV6;

	if (af == AF_INET ? ifc->nb_addr4 != 0 : ifc->nb_addr6 != 0)
		return true;
	return p->enabled && p->mode == ESG_PROV_DHCP && p->iface == i &&
	       ((unsigned int)p->stack & want) != 0;
}

static int
parse_operator(struct walk *w, json_t *o, struct esg_conf_sip *x,
	       const struct esg_conf *conf)
{
	static const char *const keys[] = {"interface",
					   "proxy",
					   "transport",
					   "domain",
					   "family",
					   "options_interval_s",
					   "reg_retry_min_s",
					   "reg_retry_max_s",
					   "tls_ca",
					   "tls_cert",
					   "tls_key",
					   "tls_verify",
					   NULL};
	static const char *const transports[] = {"udp", "tcp", "tls"};
	static const char *const families[] = {"any", "ipv4", "ipv6"};
#define OP_KEY(k, lo, hi)                                                      \
	{                                                                      \
#k, lo, hi, offsetof(struct esg_conf_sip, k)                   \
	}
	static const struct esg_conf_uint_key uints[] = {
		OP_KEY(options_interval_s, 0, 3600),
		OP_KEY(reg_retry_min_s, 1, 3600),
		OP_KEY(reg_retry_max_s, 1, 86400),
		{NULL, 0, 0, 0},
	};
#undef OP_KEY
	const struct esg_conf_iface *ifc;
	struct esg_conf_hostport hp;
	char host[ESG_CONF_SIP_STR];
	int tr = (int)x->transport, fam = (int)x->family;
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = get_iface(w, o, conf, ESG_IF_WAN, &x->wan_iface);
	if (!err)
		err = get_str(w, o, "proxy", x->proxy, sizeof(x->proxy), true);
	if (!err && !proxy_ok(x->proxy, &hp, host, sizeof(host)))
		err = fail_at(w, "proxy",
			      "'%s' is not a \"sip:host[:port]\" URI (host: "
			      "IPv4, [IPv6] or a domain name)",
			      x->proxy);
	if (!err)
		err = get_enum(w, o, "transport", transports, 3,
			       "udp, tcp, tls", &tr);
	if (!err)
		err = get_enum(w, o, "family", families, 3, "any, ipv4, ipv6",
			       &fam);
	x->transport = (enum esg_sip_transport)tr;
	x->family = (enum esg_sip_family)fam;
	if (!err && json_object_get(o, "domain") != NULL) {
		struct esg_conf_hostport dhp;

		err = get_str(w, o, "domain", x->domain, sizeof(x->domain),
			      true);
		if (!err && (strchr(x->domain, ':') != NULL &&
			     x->domain[0] != '[')) /* a port is not a domain */
			err = fail_at(w, "domain", "'%s' is not a host",
				      x->domain);
		if (!err && !parse_hostport(x->domain, true, &dhp, NULL, 0))
			err = fail_at(w, "domain", "'%s' is not a host",
				      x->domain);
		if (!err && dhp.port != 0)
			err = fail_at(w, "domain", "'%s' is not a host",
				      x->domain);
	} else if (!err) {
		snprintf(x->domain, sizeof(x->domain), "%s", host);
	}
	if (!err)
		err = get_uints(w, o, x, uints);
	if (!err)
		err = parse_tls(w, o, x);
	if (!err && x->reg_retry_max_s < x->reg_retry_min_s) {
		size_t old = path_push(w, "reg_retry_max_s", 0);

		err = fail(w, "%u is below reg_retry_min_s %u",
			   x->reg_retry_max_s, x->reg_retry_min_s);
		path_pop(w, old);
	}
	if (err)
		return err;
	/* The signalling family toward the operator must be one the WAN
	 * interface has (configured or leased), and agree with a literal
	 * proxy address. */
	ifc = &conf->iface[x->wan_iface];
	if ((x->family == ESG_SIP_FAM_IPV4 &&
	     !iface_has_af(conf, x->wan_iface, AF_INET)) ||
	    (x->family == ESG_SIP_FAM_IPV6 &&
	     !iface_has_af(conf, x->wan_iface, AF_INET6)))
		return fail_at(w, "family",
			       "'%s' but interface '%s' has no "
			       "such address",
			       families[x->family], ifc->name);
	if ((hp.family == AF_INET && x->family == ESG_SIP_FAM_IPV6) ||
	    (hp.family == AF_INET6 && x->family == ESG_SIP_FAM_IPV4))
		return fail_at(w, "proxy", "'%s' is not of family '%s'",
			       x->proxy, families[x->family]);
	if ((hp.family == AF_INET || hp.family == AF_INET6) &&
	    !iface_has_af(conf, x->wan_iface, hp.family))
		return fail_at(w, "proxy",
			       "'%s': interface '%s' has no address of that "
			       "family",
			       x->proxy, ifc->name);
	return 0;
}

static int
parse_limits(struct walk *w, json_t *o, struct esg_conf_sip *x)
{
	static const char *const keys[] = {"max_calls",	    "max_cps",
					   "source_rps",    "max_msg_bytes",
					   "retry_after_s", NULL};
#define LIM_KEY(k, lo, hi)                                                     \
	{                                                                      \
#k, lo, hi, offsetof(struct esg_conf_sip, k)                   \
	}
	static const struct esg_conf_uint_key uints[] = {
		LIM_KEY(max_calls, 1, 10000000),
		LIM_KEY(max_cps, 0, 1000000),
		LIM_KEY(source_rps, 0, 1000000),
		/* RFC 3261 18.1.1: UDP carries at most 65535 - headers;
		 * below 1024 a plain INVITE with SDP would not pass */
		LIM_KEY(max_msg_bytes, 1024, 65507),
		LIM_KEY(retry_after_s, 1, 3600),
		{NULL, 0, 0, 0},
	};
#undef LIM_KEY
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = get_uints(w, o, x, uints);
	return err;
}

static int
parse_timers(struct walk *w, json_t *o, struct esg_conf_sip *x)
{
	static const char *const keys[] = {"media_timeout_s",
					   "session_expires_s", "min_se_s",
					   "no_answer_s", NULL};
#define TM_KEY(k, lo, hi)                                                      \
	{                                                                      \
#k, lo, hi, offsetof(struct esg_conf_sip, k)                   \
	}
	static const struct esg_conf_uint_key uints[] = {
		TM_KEY(media_timeout_s, 0, 86400),
		/* RFC 4028 4/5: both at least 90 s */
		TM_KEY(session_expires_s, 90, 86400),
		TM_KEY(min_se_s, 90, 86400),
		TM_KEY(no_answer_s, 1, 3600),
		{NULL, 0, 0, 0},
	};
#undef TM_KEY
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = get_uints(w, o, x, uints);
	if (!err && x->session_expires_s < x->min_se_s) {
		size_t old = path_push(w, "session_expires_s", 0);

		/* RFC 4028 5: Session-Expires not below Min-SE */
		err = fail(w, "%u is below min_se_s %u", x->session_expires_s,
			   x->min_se_s);
		path_pop(w, old);
	}
	return err;
}

static int
parse_records(struct walk *w, json_t *o, struct esg_conf_sip *x)
{
	json_t *v = json_object_get(o, "records");
	int err;

	if (v == NULL || (json_is_string(v) && json_string_length(v) == 0))
		return 0; /* "" = one log line per call */
	err = get_str(w, o, "records", x->records, sizeof(x->records), true);
	if (!err && x->records[0] != '/')
		err = fail_at(w, "records", "'%s' is not an absolute path",
			      x->records);
	return err;
}

int
esg_conf_sip_parse(struct walk *w, void *o, struct esg_conf_sip *x,
		   const struct esg_conf *conf)
{
	static const char *const keys[] = {"operator", "limits",  "timers",
					   "records",  "tenants", NULL};
	json_t *obj = o, *v;
	size_t old;
	int err;

	if (!json_is_object(obj))
		return fail(w, "must be an object, not %s", json_kind(obj));
	x->enabled = true;
	err = check_keys(w, obj, keys);
	if (err)
		return err;
	old = path_push(w, "operator", 0);
	v = json_object_get(obj, "operator");
	if (v == NULL)
		err = fail(w, "missing (required)");
	else
		err = parse_operator(w, v, x, conf);
	path_pop(w, old);
	if (!err && (v = json_object_get(obj, "limits")) != NULL) {
		old = path_push(w, "limits", 0);
		err = parse_limits(w, v, x);
		path_pop(w, old);
	}
	if (!err && (v = json_object_get(obj, "timers")) != NULL) {
		old = path_push(w, "timers", 0);
		err = parse_timers(w, v, x);
		path_pop(w, old);
	}
	if (!err)
		err = parse_records(w, obj, x);
	if (!err && (v = json_object_get(obj, "tenants")) != NULL)
		err = esg_conf_sip_tenants(w, v, x, conf);
	return err;
}
