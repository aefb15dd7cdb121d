/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sip" section's tenants (esg_conf_sip.h, docs/configuration.md
 * "sip.tenants[]"): each tenant's LAN interface, registration mode, PBX,
 * allowed sources, number ranges (one tenant per number), trunk account,
 * limits and media port slice (one tenant per port).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "esg_conf.h"
#include "esg_conf_sip_int.h"
#include "esg_conf_walk.h"

/* One end of a number range: '+' optional, then 1..15 digits (E.164). */
static bool
number_ok(const char *s, size_t n)
{
	size_t i = s[0] == '+' ? 1 : 0;

	if (n <= i || n - i > 15)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
parse_numrange(struct walk *w, const char *s, struct esg_conf_numrange *r)
{
	const char *dash = strchr(s, '-');
	size_t n1 = dash != NULL ? (size_t)(dash - s) : strlen(s);
	const char *s2 = dash != NULL ? dash + 1 : s;
	size_t n2 = strlen(s2);

	if (!number_ok(s, n1) || !number_ok(s2, n2) ||
	    (s[0] == '+') != (s2[0] == '+'))
		return fail(w, "'%s' is not a number or range", s);
	if (n1 != n2)
		return fail(w, "'%s': both ends must have as many digits", s);
	memcpy(r->first, s, n1);
	r->first[n1] = '\0';
	memcpy(r->last, s2, n2);
	r->last[n2] = '\0';
	if (strcmp(r->first, r->last) > 0)
		return fail(w, "'%s': the first number is above the last", s);
	return 0;
}

/* Do two ranges share a number? "+" does not count: +4930 is 4930. */
static bool
numrange_overlap(const struct esg_conf_numrange *a,
		 const struct esg_conf_numrange *b)
{
	const char *af = a->first + (a->first[0] == '+');
	const char *al = a->last + (a->last[0] == '+');
	const char *bf = b->first + (b->first[0] == '+');
	const char *bl = b->last + (b->last[0] == '+');

	if (strlen(af) != strlen(bf))
		return false;
	return strcmp(af, bl) <= 0 && strcmp(bf, al) <= 0;
}

static int
parse_numbers(struct walk *w, json_t *arr, struct esg_conf_sip *x,
	      unsigned int t)
{
	struct esg_conf_tenant *tn = &x->tenant[t];
	size_t i;
	json_t *v;
	int err = 0;

	if (!json_is_array(arr))
		return fail(w, "must be an array, not %s", json_kind(arr));
	if (json_array_size(arr) > ESG_CONF_MAX_NUMBERS)
		return fail(w, "%zu ranges, at most %d", json_array_size(arr),
			    ESG_CONF_MAX_NUMBERS);
	json_array_foreach(arr, i, v)
	{
		size_t old = path_push(w, NULL, (int)i);
		unsigned int u, j;

		if (!json_is_string(v))
			err = fail(w, "must be a string, not %s", json_kind(v));
		else
			err = parse_numrange(w, json_string_value(v),
					     &tn->numbers[i]);
		/* A called number routes to one tenant only. */
		for (u = 0; !err && u <= t; u++) {
			unsigned int nb = u < t ? x->tenant[u].nb_numbers
						: (unsigned int)i;

			for (j = 0; !err && j < nb; j++)
				if (numrange_overlap(&x->tenant[u].numbers[j],
						     &tn->numbers[i]))
					err = fail(w,
						   "'%s' overlaps "
						   "tenants[%u].numbers[%u]",
						   json_string_value(v), u, j);
		}
		path_pop(w, old);
		if (err)
			return err;
	}
	tn->nb_numbers = (unsigned int)json_array_size(arr);
	return 0;
}

/* "addr/len" or a bare address (a host); no bits set past len. */
static bool
parse_source(const char *s, struct esg_conf_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	const uint8_t *b;
	unsigned long len;
	unsigned int max, i;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	memset(p, 0, sizeof(*p));
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, &p->u.v4) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &p->u.v6) == 1)
		p->family = AF_INET6;
	else
		return false;
	max = p->family == AF_INET ? 32 : 128;
	len = max;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9' || strlen(slash + 1) > 3)
			return false;
		len = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || len > max)
			return false;
	}
	p->prefixlen = (uint8_t)len;
	b = (const uint8_t *)&p->u;
	for (i = (unsigned int)len; i < max; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static int
parse_sources(struct walk *w, json_t *arr, struct esg_conf_tenant *tn)
{
	size_t i;
	json_t *v;
	int err = 0;

	if (!json_is_array(arr))
		return fail(w, "must be an array, not %s", json_kind(arr));
	if (json_array_size(arr) > ESG_CONF_MAX_SOURCES)
		return fail(w, "%zu prefixes, at most %d", json_array_size(arr),
			    ESG_CONF_MAX_SOURCES);
	json_array_foreach(arr, i, v)
	{
		size_t old = path_push(w, NULL, (int)i);

		if (!json_is_string(v))
			err = fail(w, "must be a string, not %s", json_kind(v));
		else if (!parse_source(json_string_value(v), &tn->sources[i]))
			err = fail(w,
				   "'%s' is not an address or a prefix "
				   "\"address/length\" without host bits",
				   json_string_value(v));
		path_pop(w, old);
		if (err)
			return err;
	}
	tn->nb_sources = (unsigned int)json_array_size(arr);
	return 0;
}

/* RFC 3261 25.1 user: no separators of a URI or a header. */
static bool
user_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f ||
		    strchr("@:;<>\"?", *s) != NULL)
			return false;
	return true;
}

/* "sip:" username "@" domain, the length checked by the caller. */
static void
default_aor(struct esg_conf_trunk *tk, const char *domain)
{
	size_t u = strlen(tk->username), d = strlen(domain);

	memcpy(tk->aor, "sip:", 4);
	memcpy(tk->aor + 4, tk->username, u);
	tk->aor[4 + u] = '@';
	memcpy(tk->aor + 5 + u, domain, d + 1);
}

static int
parse_trunk(struct walk *w, json_t *o, const struct esg_conf_sip *x,
	    struct esg_conf_trunk *tk)
{
	static const char *const keys[] = {"username", "auth_user", "password",
					   "aor",      "expires_s", NULL};
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = get_str(w, o, "username", tk->username,
			      sizeof(tk->username), true);
	if (!err && !user_ok(tk->username))
		err = fail_at(w, "username", "'%s' is not a SIP user part",
			      tk->username);
	if (!err)
		err = get_str(w, o, "auth_user", tk->auth_user,
			      sizeof(tk->auth_user), false);
	if (!err && tk->auth_user[0] == '\0')
		memcpy(tk->auth_user, tk->username, sizeof(tk->auth_user));
	if (!err && !user_ok(tk->auth_user))
		err = fail_at(w, "auth_user", "'%s' is not a SIP user part",
			      tk->auth_user);
	if (!err)
		err = get_str(w, o, "password", tk->password,
			      sizeof(tk->password), false);
	if (!err)
		err = get_str(w, o, "aor", tk->aor, sizeof(tk->aor), false);
	/* The default AOR: sip:username@domain (RFC 3261 10.2) */
	if (!err && tk->aor[0] == '\0' &&
	    4 + strlen(tk->username) + 1 + strlen(x->domain) >= sizeof(tk->aor))
		err = fail_at(w, "aor", "'sip:%s@%s' (the default) is too long",
			      tk->username, x->domain);
	else if (!err && tk->aor[0] == '\0')
		default_aor(tk, x->domain);
	if (!err && !aor_ok(tk->aor))
		err = fail_at(w, "aor", "'%s' is not a \"sip:user@host\" URI",
			      tk->aor);
	tk->expires_s = 3600;
	if (!err)
		err = get_uint(w, o, "expires_s", 60, 86400, &tk->expires_s);
	return err;
}

/* "20000-20999": a slice of dataplane.media_port_min..max of its own. */
static int
parse_media_ports(struct walk *w, json_t *o, struct esg_conf_sip *x,
		  unsigned int t, const struct esg_conf *conf)
{
	struct esg_conf_tenant *tn = &x->tenant[t];
	unsigned int lo, hi, u;
	char buf[16], tail;
	int err;

	if (json_object_get(o, "media_ports") == NULL)
		return 0;
	err = get_str(w, o, "media_ports", buf, sizeof(buf), true);
	if (err)
		return err;
	if (sscanf(buf, "%5u-%5u%c", &lo, &hi, &tail) != 2 || buf[0] < '0' ||
	    buf[0] > '9' || strchr(buf, '+') != NULL || strchr(buf, ' '))
		return fail_at(w, "media_ports",
			       "'%s' is not a port range \"first-last\"", buf);
	if (lo > hi)
		return fail_at(w, "media_ports", "'%s': %u is above %u", buf,
			       lo, hi);
	if (lo < conf->dp.media_port_min || hi > conf->dp.media_port_max)
		return fail_at(w, "media_ports",
			       "'%s' is not inside the dataplane's media "
			       "ports %u-%u",
			       buf, conf->dp.media_port_min,
			       conf->dp.media_port_max);
	for (u = 0; u < t; u++)
		if (x->tenant[u].media_port_min != 0 &&
		    lo <= x->tenant[u].media_port_max &&
		    x->tenant[u].media_port_min <= hi)
			return fail_at(w, "media_ports",
				       "'%s' overlaps tenants[%u] %u-%u", buf,
				       u, x->tenant[u].media_port_min,
				       x->tenant[u].media_port_max);
	tn->media_port_min = lo;
	tn->media_port_max = hi;
	return 0;
}

static bool
tenant_name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* The scalar keys of a tenant: name, interface, registration, pbx and
 * the limits. */
static int
parse_tenant_head(struct walk *w, json_t *o, struct esg_conf_sip *x,
		  unsigned int t, const struct esg_conf *conf)
{
	static const char *const regs[] = {"static", "trunk", "per-user"};
	struct esg_conf_tenant *tn = &x->tenant[t];
	int reg = (int)ESG_REG_TRUNK, err;
	char pbx[ESG_CONF_SIP_STR];
	unsigned int u;

	err = get_str(w, o, "name", tn->name, sizeof(tn->name), true);
	if (!err && !tenant_name_ok(tn->name))
		err = fail_at(w, "name", "'%s': use letters, digits, '-', '_'",
			      tn->name);
	for (u = 0; !err && u < t; u++)
		if (strcmp(x->tenant[u].name, tn->name) == 0)
			err = fail_at(w, "name",
				      "'%s' is also used by tenants[%u]",
				      tn->name, u);
	if (!err)
		err = get_iface(w, o, conf, ESG_IF_LAN, &tn->lan_iface);
	if (!err)
		err = get_enum(w, o, "registration", regs, 3,
			       "static, trunk, per-user", &reg);
	tn->registration = (enum esg_reg_mode)reg;
	if (!err && json_object_get(o, "pbx") != NULL) {
		err = get_str(w, o, "pbx", pbx, sizeof(pbx), true);
		if (!err && !parse_hostport(pbx, false, &tn->pbx, NULL, 0))
			err = fail_at(w, "pbx",
				      "'%s' is not \"address[:port]\" or "
				      "\"[IPv6]:port\"",
				      pbx);
		tn->has_pbx = err == 0;
	} else if (!err && tn->registration == ESG_REG_STATIC) {
		err = fail_at(w, "pbx",
			      "missing (required with registration "
			      "\"static\")");
	}
	if (!err)
		err = get_uint(w, o, "max_calls", 0, x->max_calls,
			       &tn->max_calls);
	if (!err)
		err = get_uint(w, o, "max_cps", 0,
			       x->max_cps != 0 ? x->max_cps : 1000000,
			       &tn->max_cps);
	return err;
}

static int
parse_tenant(struct walk *w, json_t *o, struct esg_conf_sip *x, unsigned int t,
	     const struct esg_conf *conf)
{
	static const char *const keys[] = {
		"name",	       "interface", "registration",
		"pbx",	       "sources",   "numbers",
		"trunk",       "max_calls", "max_cps",
		"media_ports", NULL};
	struct esg_conf_tenant *tn = &x->tenant[t];
	size_t old;
	json_t *v;
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = parse_tenant_head(w, o, x, t, conf);
	if (!err && (v = json_object_get(o, "sources")) != NULL) {
		old = path_push(w, "sources", 0);
		err = parse_sources(w, v, tn);
		path_pop(w, old);
	}
	if (!err && (v = json_object_get(o, "numbers")) != NULL) {
		old = path_push(w, "numbers", 0);
		err = parse_numbers(w, v, x, t);
		path_pop(w, old);
	}
	v = json_object_get(o, "trunk");
	if (!err && v != NULL) {
		old = path_push(w, "trunk", 0);
		err = parse_trunk(w, v, x, &tn->trunk);
		path_pop(w, old);
	} else if (!err && tn->registration == ESG_REG_TRUNK) {
		err = fail_at(w, "trunk",
			      "missing (required with registration "
			      "\"trunk\")");
	}
	if (!err)
		err = parse_media_ports(w, o, x, t, conf);
	return err;
}

int
esg_conf_sip_tenants(struct walk *w, json_t *arr, struct esg_conf_sip *x,
		     const struct esg_conf *conf)
{
	size_t old = path_push(w, "tenants", 0), i;
	json_t *v;
	int err = 0;

	if (!json_is_array(arr)) {
		err = fail(w, "must be an array, not %s", json_kind(arr));
		goto out;
	}
	if (json_array_size(arr) > ESG_CONF_MAX_TENANTS) {
		err = fail(w, "%zu tenants, at most %d", json_array_size(arr),
			   ESG_CONF_MAX_TENANTS);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		size_t o2 = path_push(w, NULL, (int)i);

		err = parse_tenant(w, v, x, (unsigned int)i, conf);
		path_pop(w, o2);
		if (err)
			goto out;
		x->nb_tenants = (unsigned int)i + 1;
	}
out:
	path_pop(w, old);
	return err;
}
