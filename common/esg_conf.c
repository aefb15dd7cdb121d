/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader (esg_conf.h). The whole document is checked
 * into a scratch struct; the caller's struct is written only when every key
 * passed. Every refusal names the JSON path of the key and the reason.
 * Unknown keys are refused too: a misspelt key silently ignored is how an
 * operator loses an afternoon.
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
#include "esg_conf_walk.h"

static bool
name_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		      *s == '.'))
			return false;
	return true;
}

/* "a.b.c.d/len" or "x::y/len"; the prefix length is required. */
static int
parse_prefix(const char *s, int family, struct esg_conf_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long len;
	char *slash, *end;
	unsigned int max = family == AF_INET ? 32 : 128;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash == NULL || slash[1] == '\0')
		return -1;
	*slash = '\0';
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || len > max || slash[1] == '+' ||
	    slash[1] == '-' || slash[1] == ' ')
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	out->prefixlen = (uint8_t)len;
	if (inet_pton(family, buf, &out->u) != 1)
		return -1;
	return 0;
}

static bool
addr_usable(const struct esg_conf_addr *a)
{
	if (a->family == AF_INET) {
		uint32_t h = ntohl(a->u.v4.s_addr);

		/* 0/8, 127/8, multicast and above are not host addresses */
		return (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
	}
	return !IN6_IS_ADDR_UNSPECIFIED(&a->u.v6) &&
	       !IN6_IS_ADDR_LOOPBACK(&a->u.v6) &&
	       !IN6_IS_ADDR_MULTICAST(&a->u.v6) &&
	       !IN6_IS_ADDR_V4MAPPED(&a->u.v6);
}

static int
get_prefixes(struct walk *w, json_t *obj, const char *key, int family,
	     struct esg_conf_addr *out, unsigned int *nb)
{
	json_t *arr = json_object_get(obj, key), *v;
	size_t old, i;
	int err = 0;

	if (arr == NULL)
		return 0;
	old = path_push(w, key, 0);
	if (!json_is_array(arr)) {
		err = fail(w, "must be an array of \"address/length\" strings");
		goto out;
	}
	if (json_array_size(arr) > ESG_CONF_MAX_ADDRS) {
		err = fail(w, "%zu addresses, at most %d", json_array_size(arr),
			   ESG_CONF_MAX_ADDRS);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		size_t o2 = path_push(w, NULL, (int)i);
		unsigned int j;

		if (!json_is_string(v))
			err = fail(w, "must be a string, not %s", json_kind(v));
		else if (parse_prefix(json_string_value(v), family, &out[i]) !=
			 0)
			err = fail(w, "'%s' is not an %s address/length",
				   json_string_value(v),
				   family == AF_INET ? "IPv4" : "IPv6");
		else if (!addr_usable(&out[i]))
			err = fail(w, "'%s' is not a usable host address",
				   json_string_value(v));
		for (j = 0; err == 0 && j < i; j++)
			if (memcmp(&out[j].u, &out[i].u, sizeof(out[i].u)) == 0)
				err = fail(w, "'%s' is listed twice",
					   json_string_value(v));
		path_pop(w, o2);
		if (err)
			goto out;
	}
	*nb = (unsigned int)json_array_size(arr);
out:
	path_pop(w, old);
	return err;
}

static int
get_addr(struct walk *w, json_t *obj, const char *key, int family, void *out,
	 bool *has)
{
	char buf[INET6_ADDRSTRLEN];
	size_t old;
	int err;

	if (json_object_get(obj, key) == NULL)
		return 0;
	err = get_str(w, obj, key, buf, sizeof(buf), true);
	if (err)
		return err;
	old = path_push(w, key, 0);
	if (strchr(buf, '/') != NULL || inet_pton(family, buf, out) != 1)
		err = fail(w, "'%s' is not an %s address", buf,
			   family == AF_INET ? "IPv4" : "IPv6");
	else
		*has = true;
	path_pop(w, old);
	return err;
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6 ||
	    strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	if (mac[0] & 1) /* group address */
		return -1;
	return 0;
}

/* Is the address inside one of the interface's connected prefixes? */
static bool
on_link(const struct esg_conf_addr *pfx, unsigned int nb, int family,
	const void *addr)
{
	const uint8_t *a = addr;
	unsigned int i, bits;

	for (i = 0; i < nb; i++) {
		const uint8_t *p = (const uint8_t *)&pfx[i].u;
		unsigned int full, rem;

		bits = pfx[i].prefixlen;
		full = bits / 8;
		rem = bits % 8;
		if (memcmp(p, a, full) != 0)
			continue;
		if (rem != 0 && ((p[full] ^ a[full]) & (0xff << (8 - rem))))
			continue;
		(void)family;
		return true;
	}
	return false;
}

static int
parse_iface(struct walk *w, json_t *o, struct esg_conf_iface *ifc)
{
	static const char *const keys[] = {
		"name", "role", "device", "exception", "mac",	   "mtu",
		"vlan", "ipv4", "ipv6",	  "gateway4",  "gateway6", NULL};
	char role[8], mac[24];
	unsigned int mtu = 1500, vlan = 0;
	size_t old;
	int err;

	if (!json_is_object(o))
		return fail(w, "must be an object, not %s", json_kind(o));
	err = check_keys(w, o, keys);
	if (!err)
		err = get_str(w, o, "name", ifc->name, sizeof(ifc->name), true);
	if (!err && !name_ok(ifc->name)) {
		old = path_push(w, "name", 0);
		err = fail(w, "'%s': use letters, digits, '-', '_', '.'",
			   ifc->name);
		path_pop(w, old);
	}
	if (!err)
		err = get_str(w, o, "role", role, sizeof(role), true);
	if (!err) {
		if (strcmp(role, "lan") == 0) {
			ifc->role = ESG_IF_LAN;
		} else if (strcmp(role, "wan") == 0) {
			ifc->role = ESG_IF_WAN;
		} else {
			old = path_push(w, "role", 0);
			err = fail(w, "'%s' is not \"lan\" or \"wan\"", role);
			path_pop(w, old);
		}
	}
	if (!err)
		err = get_str(w, o, "device", ifc->device, sizeof(ifc->device),
			      true);
	if (!err)
		err = get_str(w, o, "exception", ifc->exception,
			      sizeof(ifc->exception), true);
	if (!err && !name_ok(ifc->exception)) {
		old = path_push(w, "exception", 0);
		err = fail(w, "'%s' is not a usable interface name",
			   ifc->exception);
		path_pop(w, old);
	}
	if (!err && json_object_get(o, "mac") != NULL) {
		err = get_str(w, o, "mac", mac, sizeof(mac), true);
		if (!err && parse_mac(mac, ifc->mac) != 0) {
			old = path_push(w, "mac", 0);
			err = fail(w,
				   "'%s' is not a unicast MAC "
				   "(xx:xx:xx:xx:xx:xx)",
				   mac);
			path_pop(w, old);
		}
		ifc->has_mac = err == 0;
	}
	if (!err)
		err = get_uint(w, o, "mtu", 576, 9000, &mtu);
	if (!err)
		err = get_uint(w, o, "vlan", 0, 4094, &vlan);
	ifc->mtu = (uint16_t)mtu;
	ifc->vlan = (uint16_t)vlan;
	if (!err)
		err = get_prefixes(w, o, "ipv4", AF_INET, ifc->addr4,
				   &ifc->nb_addr4);
	if (!err)
		err = get_prefixes(w, o, "ipv6", AF_INET6, ifc->addr6,
				   &ifc->nb_addr6);
	if (!err)
		err = get_addr(w, o, "gateway4", AF_INET, &ifc->gw4,
			       &ifc->has_gw4);
	if (!err)
		err = get_addr(w, o, "gateway6", AF_INET6, &ifc->gw6,
			       &ifc->has_gw6);
	if (!err && ifc->has_gw4 &&
	    !on_link(ifc->addr4, ifc->nb_addr4, AF_INET, &ifc->gw4)) {
		old = path_push(w, "gateway4", 0);
		err = fail(w, "not inside any of this interface's ipv4 "
			      "prefixes");
		path_pop(w, old);
	}
	/* A link-local IPv6 gateway is on link by definition (RFC 4861). */
	if (!err && ifc->has_gw6 && !IN6_IS_ADDR_LINKLOCAL(&ifc->gw6) &&
	    !on_link(ifc->addr6, ifc->nb_addr6, AF_INET6, &ifc->gw6)) {
		old = path_push(w, "gateway6", 0);
		err = fail(w, "not link-local and not inside any of this "
			      "interface's ipv6 prefixes");
		path_pop(w, old);
	}
	return err;
}

static int
parse_ifaces(struct walk *w, json_t *arr, struct esg_conf *c)
{
	size_t old, i;
	json_t *v;
	int err = 0;

	old = path_push(w, "interfaces", 0);
	if (!json_is_array(arr)) {
		err = fail(w, "must be an array, not %s", json_kind(arr));
		goto out;
	}
	if (json_array_size(arr) > ESG_CONF_MAX_IFACES) {
		err = fail(w, "%zu interfaces, at most %d",
			   json_array_size(arr), ESG_CONF_MAX_IFACES);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		size_t o2 = path_push(w, NULL, (int)i);
		struct esg_conf_iface *ifc = &c->iface[i];
		size_t j;

		err = parse_iface(w, v, ifc);
		for (j = 0; err == 0 && j < i; j++) {
			const struct esg_conf_iface *p = &c->iface[j];

			if (strcmp(p->name, ifc->name) == 0)
				err = fail(w,
					   "name '%s' is also used by "
					   "interfaces[%zu]",
					   ifc->name, j);
			else if (strcmp(p->device, ifc->device) == 0)
				err = fail(w,
					   "device '%s' is also used by "
					   "interfaces[%zu]",
					   ifc->device, j);
			else if (strcmp(p->exception, ifc->exception) == 0)
				err = fail(w,
					   "exception '%s' is also used by "
					   "interfaces[%zu]",
					   ifc->exception, j);
		}
		path_pop(w, o2);
		if (err)
			goto out;
		c->nb_ifaces = (unsigned int)i + 1;
	}
out:
	path_pop(w, old);
	return err;
}

static int
parse_log(struct walk *w, json_t *o, struct esg_conf *c)
{
	static const char *const keys[] = {"level", "syslog", NULL};
	static const char *const levels[] = {"err", "warning", "notice", "info",
					     "debug"};
	char level[16];
	size_t old = path_push(w, "log", 0);
	unsigned int i;
	int err;

	if (!json_is_object(o)) {
		err = fail(w, "must be an object, not %s", json_kind(o));
		goto out;
	}
	err = check_keys(w, o, keys);
	if (!err && json_object_get(o, "level") != NULL) {
		err = get_str(w, o, "level", level, sizeof(level), true);
		for (i = 0; !err && i < 5; i++)
			if (strcmp(levels[i], level) == 0)
				break;
		if (!err && i == 5) {
			size_t o2 = path_push(w, "level", 0);

			err = fail(w,
				   "'%s' is not one of err, warning, "
				   "notice, info, debug",
				   level);
			path_pop(w, o2);
		}
		c->log_level = (enum esg_log_level)i;
	}
	if (!err)
		err = get_bool(w, o, "syslog", &c->log_syslog);
out:
	path_pop(w, old);
	return err;
}

static int
parse_eal_args(struct walk *w, json_t *o, struct esg_conf_dataplane *dp)
{
	json_t *arr = json_object_get(o, "eal_args"), *v;
	size_t old, i;
	int err = 0;

	if (arr == NULL)
		return 0;
	old = path_push(w, "eal_args", 0);
	if (!json_is_array(arr) ||
	    json_array_size(arr) > ESG_CONF_MAX_EAL_ARGS) {
		err = fail(w, "must be an array of at most %d strings",
			   ESG_CONF_MAX_EAL_ARGS);
		goto out;
	}
	json_array_foreach(arr, i, v)
	{
		size_t o2 = path_push(w, NULL, (int)i);

		if (!json_is_string(v) || json_string_length(v) == 0 ||
		    json_string_length(v) >= sizeof(dp->eal_args[0]))
			err = fail(w, "must be a string of 1..%zu bytes",
				   sizeof(dp->eal_args[0]) - 1);
		else
			snprintf(dp->eal_args[i], sizeof(dp->eal_args[i]), "%s",
				 json_string_value(v));
		path_pop(w, o2);
		if (err)
			goto out;
	}
	dp->nb_eal_args = (unsigned int)json_array_size(arr);
out:
	path_pop(w, old);
	return err;
}

static bool
cpulist_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || *s == ',' || *s == '-'))
			return false;
	return true;
}

static int
parse_dataplane(struct walk *w, json_t *o, struct esg_conf_dataplane *dp)
{
	static const char *const keys[] = {
		"workers",	  "main_lcore",	    "worker_cpus",
		"eal_args",	  "no_huge",	    "memory_mb",
		"mbufs",	  "rx_desc",	    "tx_desc",
		"heartbeat_ms",	  "neigh_ttl_s",    "neigh_retry_ms",
		"icmp_rate_pps",  "idle_sleep_us",  "max_legs",
		"media_port_min", "media_port_max", NULL};
#define DP_KEY(k, lo, hi)                                                      \
	{                                                                      \
#k, lo, hi, offsetof(struct esg_conf_dataplane, k)             \
	}
	static const struct esg_conf_uint_key uints[] = {
		DP_KEY(workers, 0, 15),
		DP_KEY(main_lcore, 0, 1023),
		DP_KEY(memory_mb, 64, 1048576),
		DP_KEY(mbufs, 1023, 16777215),
		DP_KEY(rx_desc, 64, 16384),
		DP_KEY(tx_desc, 64, 16384),
		DP_KEY(heartbeat_ms, 10, 10000),
		DP_KEY(neigh_ttl_s, 1, 86400),
		DP_KEY(neigh_retry_ms, 10, 60000),
		DP_KEY(icmp_rate_pps, 0, 1000000),
		DP_KEY(idle_sleep_us, 0, 10000),
		DP_KEY(max_legs, 2, 16777216),
		DP_KEY(media_port_min, 1024, 65535),
		DP_KEY(media_port_max, 1024, 65535),
		{NULL, 0, 0, 0},
	};
#undef DP_KEY
	size_t old = path_push(w, "dataplane", 0);
	int err;

	if (!json_is_object(o)) {
		err = fail(w, "must be an object, not %s", json_kind(o));
		goto out;
	}
	err = check_keys(w, o, keys);
	if (!err)
		err = get_uints(w, o, dp, uints);
	if (!err && json_object_get(o, "worker_cpus") != NULL) {
		err = get_str(w, o, "worker_cpus", dp->worker_cpus,
			      sizeof(dp->worker_cpus), true);
		if (!err && !cpulist_ok(dp->worker_cpus)) {
			size_t o2 = path_push(w, "worker_cpus", 0);

			err = fail(w, "'%s' is not a cpu list like \"1-3,6\"",
				   dp->worker_cpus);
			path_pop(w, o2);
		}
	}
	if (!err && dp->media_port_max < dp->media_port_min) {
		size_t o2 = path_push(w, "media_port_max", 0);

		err = fail(w, "%u is below media_port_min %u",
			   dp->media_port_max, dp->media_port_min);
		path_pop(w, o2);
	}
	if (!err)
		err = parse_eal_args(w, o, dp);
	if (!err)
		err = get_bool(w, o, "no_huge", &dp->no_huge);
out:
	path_pop(w, old);
	return err;
}

static int
parse_controlplane(struct walk *w, json_t *o, struct esg_conf_controlplane *cp)
{
	static const char *const keys[] = {"attach_timeout_s", "dp_dead_ms",
					   "ping_interval_ms", "sip_port",
					   NULL};
#define CP_KEY(k, lo, hi)                                                      \
	{                                                                      \
#k, lo, hi, offsetof(struct esg_conf_controlplane, k)          \
	}
	static const struct esg_conf_uint_key uints[] = {
		CP_KEY(attach_timeout_s, 0, 86400),
		CP_KEY(dp_dead_ms, 50, 60000),
		CP_KEY(ping_interval_ms, 10, 60000),
		{NULL, 0, 0, 0},
	};
#undef CP_KEY
	size_t old = path_push(w, "controlplane", 0);
	unsigned int port = cp->sip_port; /* uint16_t: not in the table */
	int err;

	if (!json_is_object(o)) {
		err = fail(w, "must be an object, not %s", json_kind(o));
		goto out;
	}
	err = check_keys(w, o, keys);
	if (!err)
		err = get_uints(w, o, cp, uints);
	if (!err)
		err = get_uint(w, o, "sip_port", 0, 65535, &port);
	cp->sip_port = (uint16_t)port;
out:
	path_pop(w, old);
	return err;
}

void
esg_conf_defaults(struct esg_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->instance, sizeof(c->instance), "esg");
	c->log_level = ESG_LOG_INFO;
	c->dp.memory_mb = 256;
	c->dp.mbufs = 8191;
	c->dp.rx_desc = 1024;
	c->dp.tx_desc = 1024;
	c->dp.heartbeat_ms = 100;
	c->dp.neigh_ttl_s = 300;
	c->dp.neigh_retry_ms = 1000;
	c->dp.icmp_rate_pps = 1000;
	c->dp.max_legs = 65536;
	c->dp.media_port_min = 16384;
	c->dp.media_port_max = 32767;
	c->cp.dp_dead_ms = 1000;
	c->cp.ping_interval_ms = 1000;
	c->cp.sip_port = 5060;
	esg_conf_sip_defaults(&c->sip);
	esg_conf_prov_defaults(&c->prov);
}

static int
parse_root(struct walk *w, json_t *root, struct esg_conf *c)
{
	static const char *const keys[] = {
		"instance",   "log", "dataplane",    "controlplane",
		"interfaces", "sip", "provisioning", NULL};
	json_t *v;
	int err;

	if (!json_is_object(root))
		return fail(w, "the document must be an object, not %s",
			    json_kind(root));
	err = check_keys(w, root, keys);
	if (!err && json_object_get(root, "instance") != NULL) {
		err = get_str(w, root, "instance", c->instance,
			      sizeof(c->instance), true);
		if (!err && (!name_ok(c->instance) ||
			     strchr(c->instance, '.') != NULL)) {
			size_t old = path_push(w, "instance", 0);

			err = fail(w, "'%s': use letters, digits, '-', '_'",
				   c->instance);
			path_pop(w, old);
		}
	}
	if (!err && (v = json_object_get(root, "log")) != NULL)
		err = parse_log(w, v, c);
	if (!err && (v = json_object_get(root, "dataplane")) != NULL)
		err = parse_dataplane(w, v, &c->dp);
	if (!err && (v = json_object_get(root, "controlplane")) != NULL)
		err = parse_controlplane(w, v, &c->cp);
	/* The fast path drops what reaches a media port without a leg: a
	 * SIP listener inside the range would never hear anything. */
	if (!err && c->cp.sip_port >= c->dp.media_port_min &&
	    c->cp.sip_port <= c->dp.media_port_max) {
		size_t old = path_push(w, "controlplane", 0);
		size_t o2 = path_push(w, "sip_port", 0);

		err = fail(w, "%u lies in the media port range %u..%u",
			   c->cp.sip_port, c->dp.media_port_min,
			   c->dp.media_port_max);
		path_pop(w, o2);
		path_pop(w, old);
	}
	if (!err) {
		v = json_object_get(root, "interfaces");
		if (v == NULL) {
			size_t old = path_push(w, "interfaces", 0);

			err = fail(w, "missing (required)");
			path_pop(w, old);
		} else {
			err = parse_ifaces(w, v, c);
		}
	}
	/* Sections that refer to interfaces come after them; "sip" after
	 * "provisioning": a WAN family may come from a lease (spec 000
	 * 8.1.3), which the sip section's family checks accept. */
	if (!err && (v = json_object_get(root, "provisioning")) != NULL) {
		size_t old = path_push(w, "provisioning", 0);

		err = esg_conf_prov_parse(w, v, &c->prov, c);
		path_pop(w, old);
	}
	if (!err && (v = json_object_get(root, "sip")) != NULL) {
		size_t old = path_push(w, "sip", 0);

		err = esg_conf_sip_parse(w, v, &c->sip, c);
		path_pop(w, old);
	}
	return err;
}

static int
load(json_t *root, struct esg_conf *conf, char *err)
{
	struct esg_conf *c;
	struct walk w = {.path = "", .err = err};
	int rc;

	c = malloc(sizeof(*c));
	if (c == NULL) {
		snprintf(err, ESG_CONF_ERR_LEN, "out of memory");
		return ENOMEM;
	}
	esg_conf_defaults(c);
	rc = parse_root(&w, root, c);
	if (rc == 0)
		*conf = *c; /* all or nothing */
	free(c);
	return rc;
}

/* Either source (text or file), then the same checks. */
static int
load_json(json_t *root, const json_error_t *je, struct esg_conf *conf,
	  char *err)
{
	int rc;

	if (root == NULL) {
		snprintf(err, ESG_CONF_ERR_LEN, "line %d column %d: %s",
			 je->line, je->column, je->text);
		return EINVAL;
	}
	rc = load(root, conf, err);
	json_decref(root);
	return rc;
}

int
esg_conf_parse(const char *json, struct esg_conf *conf, char *err)
{
	json_error_t je;

	return load_json(json_loads(json, JSON_REJECT_DUPLICATES, &je), &je,
			 conf, err);
}

int
esg_conf_load(const char *path, struct esg_conf *conf, char *err)
{
	json_error_t je;
	json_t *root;
	FILE *f;
	int rc;

	f = fopen(path, "r");
	if (f == NULL) {
		rc = errno;
		snprintf(err, ESG_CONF_ERR_LEN, "cannot open: %s",
			 strerror(rc));
		return rc;
	}
	root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	return load_json(root, &je, conf, err);
}

int
esg_conf_iface_find(const struct esg_conf *conf, const char *name)
{
	unsigned int i;

	for (i = 0; i < conf->nb_ifaces; i++)
		if (strcmp(conf->iface[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
esg_conf_role_str(enum esg_if_role role)
{
	switch (role) {
	case ESG_IF_LAN:
		return "lan";
	case ESG_IF_WAN:
		return "wan";
	}
	return "?";
}
