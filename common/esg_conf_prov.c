/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "provisioning" section: see esg_conf_prov.h and docs/configuration.md
 * "provisioning". Spec 000 8.1.3: "static" is the fully preconfigured ESG
 * (address, DNS, configuration server and file name: no DHCP at all);
 * "dhcp" provisions the WAN side by DHCPv4, DHCPv6 or both (spec 001 6.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>

#include "esg_conf.h"
#include "esg_conf_walk.h"

void
esg_conf_prov_defaults(struct esg_conf_prov *x)
{
	memset(x, 0, sizeof(*x));
	x->iface = -1;
	x->ipv6_prefix_len = 128;
	x->mgmt_family = AF_INET6;
	snprintf(x->snmp_community, sizeof(x->snmp_community), "public");
}

const char *
esg_prov_mode_str(enum esg_prov_mode m)
{
	switch (m) {
	case ESG_PROV_OFF:
		return "off";
	case ESG_PROV_STATIC:
		return "static";
	case ESG_PROV_DHCP:
		return "dhcp";
	}
	return "?";
}

const char *
esg_prov_stack_str(enum esg_prov_stack s)
{
	switch (s) {
	case ESG_PROV_STACK_IPV4:
		return "ipv4";
	case ESG_PROV_STACK_IPV6:
		return "ipv6";
	case ESG_PROV_STACK_DUAL:
		return "dual";
	}
	return "?";
}

static int
port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return EINVAL;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < 1 || v > 65535)
		return EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int
esg_conf_host_parse(const char *s, struct esg_conf_host *h)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon;
	char *rb;
	size_t n = strlen(s);

	memset(h, 0, sizeof(*h));
	if (n == 0 || n >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, n + 1);
	if (buf[0] == '[') { /* "[x::y]:port" (RFC 3986 3.2.2 form) */
		rb = strchr(buf, ']');
		if (rb == NULL || rb[1] != ':' || port_parse(rb + 2, &h->port))
			return EINVAL;
		*rb = '\0';
		if (inet_pton(AF_INET6, buf + 1, &h->u.v6) != 1)
			return EINVAL;
		h->family = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &h->u.v6) == 1) {
		h->family = AF_INET6;
		return 0;
	}
	colon = strchr(buf, ':');
	if (colon != NULL) {
		if (port_parse(colon + 1, &h->port))
			return EINVAL;
		buf[colon - buf] = '\0';
	}
	if (inet_pton(AF_INET, buf, &h->u.v4) != 1)
		return EINVAL;
	h->family = AF_INET;
	return 0;
}

/* A unicast address a server can have: not 0/8, 127/8, multicast,
 * broadcast; not ::, ::1, multicast. */
static bool
host_unicast(const struct esg_conf_host *h)
{
	if (h->family == AF_INET) {
		uint32_t a = ntohl(h->u.v4.s_addr);

		return (a >> 24) != 0 && (a >> 24) != 127 && (a >> 28) < 14;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&h->u.v6) &&
	       !IN6_IS_ADDR_LOOPBACK(&h->u.v6) &&
	       !IN6_IS_ADDR_MULTICAST(&h->u.v6);
}

/* The value v (the path already names it) as a host. */
static int
host_value(struct walk *w, json_t *v, bool with_port, struct esg_conf_host *h)
{
	const char *s;

	if (!json_is_string(v))
		return fail(w, "must be a string, not %s", json_kind(v));
	s = json_string_value(v);
	if (esg_conf_host_parse(s, h) != 0)
		return fail(w, "'%s' is not an address (a.b.c.d%s, x::y%s)", s,
			    with_port ? "[:port]" : "",
			    with_port ? ", [x::y]:port" : "");
	if (!with_port && h->port != 0)
		return fail(w, "'%s': no port here", s);
	if (!host_unicast(h))
		return fail(w, "'%s' is not a unicast address", s);
	return 0;
}

static int
get_host(struct walk *w, json_t *obj, const char *key, bool with_port,
	 struct esg_conf_host *h)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	int err;

	old = path_push(w, key, 0);
	if (v == NULL)
		err = fail(w, "missing (required)");
	else
		err = host_value(w, v, with_port, h);
	path_pop(w, old);
	return err;
}

static bool
stack_has(enum esg_prov_stack s, int family)
{
	return family == AF_INET ? s != ESG_PROV_STACK_IPV6
				 : s != ESG_PROV_STACK_IPV4;
}

/* A server of family f must be reachable in the stack mode (8.1.3:
 * single stack supports one IP version). */
static int
check_family(struct walk *w, const char *key, const struct esg_conf_host *h,
	     enum esg_prov_stack s)
{
	size_t old;
	int err = 0;

	if (h->family == 0 || stack_has(s, h->family))
		return 0;
	old = path_push(w, key, 0);
	err = fail(w, "an %s address with stack \"%s\"",
		   h->family == AF_INET ? "IPv4" : "IPv6",
		   esg_prov_stack_str(s));
	path_pop(w, old);
	return err;
}

static int
parse_mode(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	char buf[16];
	size_t old;
	int err;

	err = get_str(w, obj, "mode", buf, sizeof(buf), true);
	if (err)
		return err;
	if (strcmp(buf, "static") == 0) {
		x->mode = ESG_PROV_STATIC;
		return 0;
	}
	if (strcmp(buf, "dhcp") == 0) {
		x->mode = ESG_PROV_DHCP;
		return 0;
	}
	old = path_push(w, "mode", 0);
	err = fail(w, "'%s' is not \"static\" or \"dhcp\"", buf);
	path_pop(w, old);
	return err;
}

static int
parse_stack(struct walk *w, json_t *obj, struct esg_conf_prov *x, bool *given)
{
	char buf[16];
	size_t old;
	int err;

	*given = json_object_get(obj, "stack") != NULL;
	if (!*given)
		return 0;
	err = get_str(w, obj, "stack", buf, sizeof(buf), true);
	if (err)
		return err;
	if (strcmp(buf, "ipv4") == 0)
		x->stack = ESG_PROV_STACK_IPV4;
	else if (strcmp(buf, "ipv6") == 0)
		x->stack = ESG_PROV_STACK_IPV6;
	else if (strcmp(buf, "dual") == 0)
		x->stack = ESG_PROV_STACK_DUAL;
	else {
		old = path_push(w, "stack", 0);
		err = fail(w, "'%s' is not \"ipv4\", \"ipv6\" or \"dual\"",
			   buf);
		path_pop(w, old);
	}
	return err;
}

/* The provisioned interface: named, or the only one with role wan. */
static int
parse_iface(struct walk *w, json_t *obj, struct esg_conf_prov *x,
	    const struct esg_conf *conf)
{
	char name[ESG_CONF_NAME_LEN];
	unsigned int i, n = 0;
	size_t old;
	int err = 0;

	if (json_object_get(obj, "interface") != NULL) {
		err = get_str(w, obj, "interface", name, sizeof(name), true);
		if (err)
			return err;
		old = path_push(w, "interface", 0);
		x->iface = esg_conf_iface_find(conf, name);
		if (x->iface < 0)
			err = fail(w, "no interface '%s'", name);
		else if (conf->iface[x->iface].role != ESG_IF_WAN)
			err = fail(
				w, "'%s' has role %s, not wan", name,
				esg_conf_role_str(conf->iface[x->iface].role));
		path_pop(w, old);
		return err;
	}
	for (i = 0; i < conf->nb_ifaces; i++) {
		if (conf->iface[i].role == ESG_IF_WAN) {
			x->iface = (int)i;
			n++;
		}
	}
	if (n == 1)
		return 0;
	old = path_push(w, "interface", 0);
	err = fail(w, n == 0 ? "missing, and no interface has role wan"
			     : "missing, and several interfaces have role "
			       "wan: name one");
	path_pop(w, old);
	return err;
}

int
esg_conf_http_url_parse(const char *url, struct esg_conf_host *h,
			const char **pathp)
{
	static const char scheme[] = "http://";
	char auth[64];
	const char *a, *slash;
	size_t n;

	if (url == NULL || strncmp(url, scheme, sizeof(scheme) - 1) != 0)
		return EINVAL;
	a = url + sizeof(scheme) - 1;
	slash = strchr(a, '/');
	if (slash == NULL)
		return EINVAL;
	n = (size_t)(slash - a);
	if (n == 0 || n >= sizeof(auth))
		return EINVAL;
	memcpy(auth, a, n);
	auth[n] = '\0';
	if (esg_conf_host_parse(auth, h) != 0) {
		/* "[x::y]" without a port */
		if (n < 3 || auth[0] != '[' || auth[n - 1] != ']')
			return EINVAL;
		auth[n - 1] = '\0';
		if (esg_conf_host_parse(auth + 1, h) != 0 ||
		    h->family != AF_INET6)
			return EINVAL;
	}
	*pathp = slash;
	return 0;
}

static int
parse_cfg_file(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	static const char *const keys[] = {"server", "file", "url", NULL};
	const char *path;
	json_t *o = json_object_get(obj, "config_file");
	size_t old, i, n;
	int err;

	if (o == NULL)
		return 0;
	old = path_push(w, "config_file", 0);
	if (!json_is_object(o)) {
		err = fail(w, "must be an object, not %s", json_kind(o));
		goto out;
	}
	err = check_keys(w, o, keys);
	if (!err && json_object_get(o, "url") != NULL) {
		/* spec 000 8.1.3 / 001 eUE-22: the file by HTTP */
		if (json_object_get(o, "server") || json_object_get(o, "file"))
			err = fail(w, "\"url\" or \"server\" + \"file\", "
				      "not both");
		if (!err)
			err = get_str(w, o, "url", x->cfg_file,
				      sizeof(x->cfg_file), true);
		if (!err && esg_conf_http_url_parse(x->cfg_file, &x->cfg_server,
						    &path) != 0) {
			size_t o2 = path_push(w, "url", 0);

			err = fail(w,
				   "'%s' is not http://ADDRESS[:port]/path "
				   "(an IPv4 address or [IPv6])",
				   x->cfg_file);
			path_pop(w, o2);
		}
		goto check;
	}
	if (!err)
		err = get_host(w, o, "server", true, &x->cfg_server);
	if (!err)
		err = get_str(w, o, "file", x->cfg_file, sizeof(x->cfg_file),
			      true);
check:
	/* RFC 1350 5: the file name is netascii, NUL-terminated */
	n = err ? 0 : strlen(x->cfg_file);
	for (i = 0; i < n; i++) {
		if (x->cfg_file[i] < 0x21 || x->cfg_file[i] > 0x7e) {
			size_t o2 = path_push(w, "file", 0);

			err = fail(w,
				   "'%s': printable ASCII without blanks "
				   "only",
				   x->cfg_file);
			path_pop(w, o2);
			break;
		}
	}
out:
	path_pop(w, old);
	return err;
}

static int
parse_syslog(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	char buf[16];
	size_t old;
	int err = 0;

	if (json_object_get(obj, "syslog") != NULL)
		err = get_host(w, obj, "syslog", true, &x->syslog);
	if (err || json_object_get(obj, "syslog_format") == NULL)
		return err;
	err = get_str(w, obj, "syslog_format", buf, sizeof(buf), true);
	if (err)
		return err;
	if (strcmp(buf, "rfc5424") == 0) {
		x->syslog_fmt = ESG_PROV_SYSLOG_RFC5424;
	} else if (strcmp(buf, "rfc3164") == 0) {
		x->syslog_fmt = ESG_PROV_SYSLOG_RFC3164;
	} else {
		old = path_push(w, "syslog_format", 0);
		err = fail(w, "'%s' is not \"rfc5424\" or \"rfc3164\"", buf);
		path_pop(w, old);
	}
	return err;
}

static int
parse_dns(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	json_t *arr = json_object_get(obj, "dns"), *v;
	size_t old, o2, i;
	int err = 0;

	if (arr == NULL)
		return 0;
	old = path_push(w, "dns", 0);
	if (!json_is_array(arr)) {
		err = fail(w, "must be an array, not %s", json_kind(arr));
	} else if (json_array_size(arr) < 1 ||
		   json_array_size(arr) > ESG_CONF_PROV_MAX_DNS) {
		err = fail(w, "%zu servers: give 1..%d", json_array_size(arr),
			   ESG_CONF_PROV_MAX_DNS);
	}
	json_array_foreach(arr, i, v)
	{
		if (err)
			break;
		o2 = path_push(w, NULL, (int)i);
		err = host_value(w, v, false, &x->dns[i]);
		path_pop(w, o2);
		x->nb_dns = (unsigned int)i + 1;
	}
	path_pop(w, old);
	return err;
}

/* "snmp_receivers": ["host[:port]", ...] (eUE-25 INFORMs besides TLV 38),
 * "snmp_community": the SNMPv2c community (RFC 1901), printable ASCII. */
static int
parse_snmp(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	json_t *arr = json_object_get(obj, "snmp_receivers"), *v;
	size_t old, o2, i, n;
	int err = 0;

	if (json_object_get(obj, "snmp_community") != NULL) {
		err = get_str(w, obj, "snmp_community", x->snmp_community,
			      sizeof(x->snmp_community), true);
		n = err ? 0 : strlen(x->snmp_community);
		old = path_push(w, "snmp_community", 0);
		for (i = 0; !err && i < n; i++) {
			if (x->snmp_community[i] < 0x21 ||
			    x->snmp_community[i] > 0x7e)
				err = fail(w, "printable ASCII without blanks "
					      "only");
		}
		path_pop(w, old);
		if (err)
			return err;
	}
	if (arr == NULL)
		return 0;
	old = path_push(w, "snmp_receivers", 0);
	if (!json_is_array(arr)) {
		err = fail(w, "must be an array, not %s", json_kind(arr));
	} else if (json_array_size(arr) < 1 ||
		   json_array_size(arr) > ESG_CONF_PROV_MAX_SNMP) {
		err = fail(w, "%zu receivers: give 1..%d", json_array_size(arr),
			   ESG_CONF_PROV_MAX_SNMP);
	}
	json_array_foreach(arr, i, v)
	{
		if (err)
			break;
		o2 = path_push(w, NULL, (int)i);
		err = host_value(w, v, true, &x->snmp[i]);
		if (!err && !stack_has(x->stack, x->snmp[i].family))
			err = fail(w, "an %s address with stack \"%s\"",
				   x->snmp[i].family == AF_INET ? "IPv4"
								: "IPv6",
				   esg_prov_stack_str(x->stack));
		path_pop(w, o2);
		x->nb_snmp = (unsigned int)i + 1;
	}
	path_pop(w, old);
	return err;
}

static int
parse_dhcp_servers(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	json_t *arr = json_object_get(obj, "dhcp_servers"), *v;
	size_t old, o2, i;
	int err = 0;

	if (arr == NULL)
		return 0;
	old = path_push(w, "dhcp_servers", 0);
	if (!json_is_array(arr)) {
		err = fail(w, "must be an array, not %s", json_kind(arr));
	} else if (json_array_size(arr) < 1 ||
		   json_array_size(arr) > ESG_CONF_PROV_MAX_DHCP_SERVERS) {
		err = fail(w, "%zu servers: give 1..%d", json_array_size(arr),
			   ESG_CONF_PROV_MAX_DHCP_SERVERS);
	}
	json_array_foreach(arr, i, v)
	{
		if (err)
			break;
		o2 = path_push(w, NULL, (int)i);
		/* PKT-EUE-PROV 6.3.2.2: 255.255.255.255 = any server,
		 * 0.0.0.0 = do not provision; both are allowed here */
		if (!json_is_string(v) ||
		    inet_pton(AF_INET, json_string_value(v),
			      &x->dhcp_servers[i]) != 1)
			err = fail(w, "not an IPv4 address string");
		path_pop(w, o2);
		x->nb_dhcp_servers = (unsigned int)i + 1;
	}
	path_pop(w, old);
	return err;
}

/* The interface's static addresses against the mode (8.1.3). */
static int
check_addrs(struct walk *w, const struct esg_conf_prov *x,
	    const struct esg_conf *conf)
{
	const struct esg_conf_iface *ifc = &conf->iface[x->iface];
	bool v4 = stack_has(x->stack, AF_INET);
	bool v6 = stack_has(x->stack, AF_INET6);
	size_t old;
	int err = 0;

	old = path_push(w, "mode", 0);
	if (x->mode == ESG_PROV_STATIC) {
		if (v4 && ifc->nb_addr4 == 0)
			err = fail(w,
				   "static needs an ipv4 address on interface "
				   "'%s' (stack %s)",
				   ifc->name, esg_prov_stack_str(x->stack));
		else if (v6 && ifc->nb_addr6 == 0)
			err = fail(w,
				   "static needs an ipv6 address on interface "
				   "'%s' (stack %s)",
				   ifc->name, esg_prov_stack_str(x->stack));
	} else {
		if (v4 && ifc->nb_addr4 != 0)
			err = fail(w,
				   "dhcp with stack %s: interface '%s' may not "
				   "have static ipv4 addresses (DHCPv4 gives "
				   "them)",
				   esg_prov_stack_str(x->stack), ifc->name);
		else if (v6 && ifc->nb_addr6 != 0)
			err = fail(w,
				   "dhcp with stack %s: interface '%s' may not "
				   "have static ipv6 addresses (DHCPv6 gives "
				   "them)",
				   esg_prov_stack_str(x->stack), ifc->name);
	}
	path_pop(w, old);
	return err;
}

/* ipv6_prefix_len and softwire (dhcp with IPv6), management_family (dhcp,
 * dual). */
static int
parse_v6_keys(struct walk *w, json_t *obj, struct esg_conf_prov *x)
{
	char buf[16];
	size_t old;
	int err;

	if (json_object_get(obj, "ipv6_prefix_len") != NULL &&
	    (x->mode != ESG_PROV_DHCP || !stack_has(x->stack, AF_INET6))) {
		old = path_push(w, "ipv6_prefix_len", 0);
		err = fail(w, "only with mode dhcp and stack ipv6 or dual");
		path_pop(w, old);
		return err;
	}
	err = get_uint(w, obj, "ipv6_prefix_len", 1, 128, &x->ipv6_prefix_len);
	if (err)
		return err;
	/* RFC 6334 / RFC 7598: DHCPv6 options, so only where DHCPv6 runs */
	if (json_object_get(obj, "softwire") != NULL &&
	    (x->mode != ESG_PROV_DHCP || !stack_has(x->stack, AF_INET6))) {
		old = path_push(w, "softwire", 0);
		err = fail(w, "only with mode dhcp and stack ipv6 or dual "
			      "(DHCPv6 options 64, 94-96)");
		path_pop(w, old);
		return err;
	}
	err = get_bool(w, obj, "softwire", &x->softwire);
	if (err || json_object_get(obj, "management_family") == NULL)
		return err;
	old = path_push(w, "management_family", 0);
	if (x->mode != ESG_PROV_DHCP || x->stack != ESG_PROV_STACK_DUAL) {
		err = fail(w, "only with mode dhcp and stack dual");
		path_pop(w, old);
		return err;
	}
	path_pop(w, old);
	err = get_str(w, obj, "management_family", buf, sizeof(buf), true);
	if (err)
		return err;
	if (strcmp(buf, "ipv4") == 0) {
		x->mgmt_family = AF_INET;
	} else if (strcmp(buf, "ipv6") == 0) {
		x->mgmt_family = AF_INET6;
	} else {
		old = path_push(w, "management_family", 0);
		err = fail(w, "'%s' is not \"ipv4\" or \"ipv6\"", buf);
		path_pop(w, old);
	}
	return err;
}

/* Keys that belong to one mode only. */
static int
refuse_key(struct walk *w, json_t *obj, const char *key, const char *why)
{
	size_t old;
	int err;

	if (json_object_get(obj, key) == NULL)
		return 0;
	old = path_push(w, key, 0);
	err = fail(w, "%s", why);
	path_pop(w, old);
	return err;
}

int
esg_conf_prov_parse(struct walk *w, void *o, struct esg_conf_prov *x,
		    const struct esg_conf *conf)
{
	static const char *const keys[] = {"mode",
					   "interface",
					   "stack",
					   "config_file",
					   "syslog",
					   "syslog_format",
					   "dns",
					   "vendor_class",
					   "dhcp_servers",
					   "ipv6_prefix_len",
					   "management_family",
					   "softwire",
					   "snmp_receivers",
					   "snmp_community",
					   NULL};
	const struct esg_conf_iface *ifc;
	json_t *obj = o;
	bool stack_given = false;
	size_t old;
	int err;

	if (!json_is_object(obj))
		return fail(w, "must be an object, not %s", json_kind(obj));
	x->enabled = true;
	err = check_keys(w, obj, keys);
	if (!err)
		err = parse_mode(w, obj, x);
	if (!err)
		err = parse_iface(w, obj, x, conf);
	if (!err)
		err = parse_stack(w, obj, x, &stack_given);
	if (err)
		return err;
	ifc = &conf->iface[x->iface];
	if (!stack_given && x->mode == ESG_PROV_DHCP) {
		old = path_push(w, "stack", 0);
		err = fail(w, "missing (required with mode dhcp)");
		path_pop(w, old);
		return err;
	}
	if (!stack_given) /* static: what the interface has */
		x->stack = ifc->nb_addr4 && ifc->nb_addr6 ? ESG_PROV_STACK_DUAL
			   : ifc->nb_addr6		  ? ESG_PROV_STACK_IPV6
							  : ESG_PROV_STACK_IPV4;
	err = parse_cfg_file(w, obj, x);
	if (!err)
		err = parse_syslog(w, obj, x);
	if (!err)
		err = parse_dns(w, obj, x);
	if (!err)
		err = parse_dhcp_servers(w, obj, x);
	if (!err && json_object_get(obj, "vendor_class") != NULL)
		err = get_str(w, obj, "vendor_class", x->vendor_class,
			      sizeof(x->vendor_class), true);
	if (!err)
		err = parse_v6_keys(w, obj, x);
	if (!err)
		err = parse_snmp(w, obj, x);
	if (!err)
		err = check_addrs(w, x, conf);
	if (!err)
		err = check_family(w, "config_file", &x->cfg_server, x->stack);
	if (!err)
		err = check_family(w, "syslog", &x->syslog, x->stack);
	if (err)
		return err;
	if (x->mode == ESG_PROV_STATIC) {
		/* spec 000 8.1.3: fully preconfigured = address, DNS,
		 * configuration server and file name */
		err = refuse_key(w, obj, "vendor_class",
				 "only with mode dhcp (option 60)");
		if (!err)
			err = refuse_key(w, obj, "dhcp_servers",
					 "only with mode dhcp");
		if (!err && x->nb_dns == 0) {
			old = path_push(w, "dns", 0);
			err = fail(w, "missing (required with mode static: "
				      "spec 000 8.1.3)");
			path_pop(w, old);
		}
		if (!err && x->cfg_server.family == 0) {
			old = path_push(w, "config_file", 0);
			err = fail(w, "missing (required with mode static: "
				      "spec 000 8.1.3)");
			path_pop(w, old);
		}
		for (unsigned int i = 0; !err && i < x->nb_dns; i++) {
			if (!stack_has(x->stack, x->dns[i].family)) {
				old = path_push(w, "dns", 0);
				size_t o2 = path_push(w, NULL, (int)i);

				err = fail(w, "an %s address with stack \"%s\"",
					   x->dns[i].family == AF_INET ? "IPv4"
								       : "IPv6",
					   esg_prov_stack_str(x->stack));
				path_pop(w, o2);
				path_pop(w, old);
			}
		}
	} else {
		err = refuse_key(w, obj, "dns",
				 "only with mode static (DHCP gives the DNS "
				 "servers: option 6 / 23)");
	}
	return err;
}
