/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl's command language (legctl.h). Every word is checked before
 * anything is sent, and a refusal names the word and the rule: a script
 * with one bad line is refused whole.
 *
 *   add ID IFACE ADDR RTP [RTCP|mux] [latch] [same-ip] [strict]
 *       [idle=MS] [clock=HZ] [relatch=MS]
 *   mod ID [none|latch|same-ip|strict ...] [idle=MS] [clock=HZ]
 *       [relatch=MS]
 *   del ID
 *   bind ID PEER|none          unbind ID
 *   remote ID ADDR RTP [RTCP] [relatch]
 *   dscp ID 0..63|keep
 *   police ID [pps=N] [burst=N] [kbps=N] [bytes=N]   police ID off
 *   bulkdel all [IFACE]        bulkdel FIRST COUNT [IFACE]
 *   sleep MS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "legctl.h"

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(err, errlen, __VA_ARGS__);                            \
		return -EINVAL;                                                \
	} while (0)

int
legctl_split(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return n;
		if (n == max)
			return -EINVAL;
		argv[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
		       *p != '\n' && *p != '#')
			p++;
		if (*p == '#') {
			*p = '\0';
			return n;
		}
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* A decimal number in [min, max]: digits only (no sign, no 0x, no
 * blanks), no overflow. */
static bool
num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	if (x < min || x > max)
		return false;
	*v = x;
	return true;
}

static int
leg_id(const char *s, uint32_t *id, char *err, size_t errlen)
{
	uint64_t v;

	if (!num(s, 0, DP_LEG_NONE - 1, &v))
		FAIL("bad leg id '%s' (0..%u)", s, DP_LEG_NONE - 1);
	*id = (uint32_t)v;
	return 0;
}

static int
udp_port(const char *s, const char *what, uint16_t *port, char *err,
	 size_t errlen)
{
	uint64_t v;

	if (!num(s, 1, 65535, &v))
		FAIL("bad %s port '%s' (1..65535)", what, s);
	*port = (uint16_t)v;
	return 0;
}

/* A unicast address as the contract wants it (dp_msg.c addr_unicast):
 * not unspecified, multicast, broadcast-class or loopback. */
static int
address(const char *s, uint8_t *family, uint8_t addr[16], char *err,
	size_t errlen)
{
	static const uint8_t zero[16], lo6[16] = {[15] = 1};

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		if (memcmp(addr, zero, 4) == 0 || addr[0] >= 224 ||
		    addr[0] == 127)
			FAIL("bad address '%s': not a unicast address", s);
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		if (memcmp(addr, zero, 16) == 0 || addr[0] == 0xff ||
		    memcmp(addr, lo6, 16) == 0)
			FAIL("bad address '%s': not a unicast address", s);
		return 0;
	}
	FAIL("bad address '%s' (IPv4 or IPv6)", s);
}

/* key=N with N in [min, max]; 1: matched, 0: not this key, < 0: bad. */
static int
keyval(const char *w, const char *key, uint64_t max, uint64_t *v, char *err,
       size_t errlen)
{
	size_t kl = strlen(key);

	if (strncmp(w, key, kl) != 0 || w[kl] != '=')
		return 0;
	if (!num(w + kl + 1, 0, max, v))
		FAIL("bad value in '%s' (%s=0..%llu)", w, key,
		     (unsigned long long)max);
	return 1;
}

static bool
flag_word(const char *w, uint8_t *flags)
{
	if (strcmp(w, "latch") == 0)
		*flags |= DP_LEG_F_LATCH;
	else if (strcmp(w, "same-ip") == 0)
		*flags |= DP_LEG_F_SAME_IP;
	else if (strcmp(w, "strict") == 0)
		*flags |= DP_LEG_F_STRICT;
	else if (strcmp(w, "none") != 0)
		return false;
	return true;
}

/* Flags and timers shared by add and mod, from argv[i..]. */
static int
leg_opts(int argc, char **argv, int i, uint8_t *flags, uint32_t *idle,
	 uint32_t *clock, uint16_t *relatch, char *err, size_t errlen)
{
	uint64_t v;
	int r;

	for (; i < argc; i++) {
		if (flag_word(argv[i], flags))
			continue;
		if ((r = keyval(argv[i], "idle", UINT32_MAX, &v, err,
				errlen)) != 0) {
			if (r < 0)
				return r;
			*idle = (uint32_t)v;
		} else if ((r = keyval(argv[i], "clock", DP_LEG_CLOCK_MAX, &v,
				       err, errlen)) != 0) {
			if (r < 0)
				return r;
			*clock = (uint32_t)v;
		} else if ((r = keyval(argv[i], "relatch", UINT16_MAX, &v, err,
				       errlen)) != 0) {
			if (r < 0)
				return r;
			*relatch = (uint16_t)v;
		} else {
			FAIL("unknown word '%s' in %s (latch, same-ip, strict, "
			     "none, idle=MS, clock=HZ, relatch=MS)",
			     argv[i], argv[0]);
		}
	}
	return 0;
}

static int
ifname(struct legctl_cmd *cmd, const char *s, char *err, size_t errlen)
{
	if (strlen(s) >= sizeof(cmd->ifname))
		FAIL("unknown interface '%.32s...'", s);
	snprintf(cmd->ifname, sizeof(cmd->ifname), "%s", s);
	return 0;
}

static int
parse_add(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	  size_t errlen)
{
	struct dp_msg_leg_add *a = &cmd->msg.leg_add;
	int i = 5, rc;

	if (argc < 5)
		FAIL("add: ID IFACE ADDR RTP [RTCP|mux] [flags] [idle=MS] "
		     "[clock=HZ] [relatch=MS]");
	cmd->msg.hdr.type = DP_MSG_LEG_ADD;
	if ((rc = leg_id(argv[1], &a->leg_id, err, errlen)) != 0 ||
	    (rc = ifname(cmd, argv[2], err, errlen)) != 0 ||
	    (rc = address(argv[3], &a->family, a->addr, err, errlen)) != 0 ||
	    (rc = udp_port(argv[4], "RTP", &a->rtp_port, err, errlen)) != 0)
		return rc;
	/* RFC 3550 11: RTCP on the next port unless told otherwise. */
	a->rtcp_port = a->rtp_port < 65535 ? (uint16_t)(a->rtp_port + 1) : 0;
	if (argc > 5 && strcmp(argv[5], "mux") == 0) {
		a->rtcp_port = 0; /* RFC 5761 */
		i = 6;
	} else if (argc > 5 && argv[5][0] >= '0' && argv[5][0] <= '9') {
		if ((rc = udp_port(argv[5], "RTCP", &a->rtcp_port, err,
				   errlen)) != 0)
			return rc;
		i = 6;
	}
	if (a->rtp_port == 65535 && i == 5)
		FAIL("RTP port 65535 has no next port for RTCP: give one or "
		     "mux");
	if (a->rtcp_port == a->rtp_port)
		FAIL("RTCP port %u is the RTP port: use mux", a->rtcp_port);
	return leg_opts(argc, argv, i, &a->flags, &a->idle_ms, &a->clock_hz,
			&a->relatch_ms, err, errlen);
}

static int
parse_mod(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	  size_t errlen)
{
	struct dp_msg_leg_mod *m = &cmd->msg.leg_mod;
	int rc;

	if (argc < 2)
		FAIL("mod: ID [flags] [idle=MS] [clock=HZ] [relatch=MS]");
	cmd->msg.hdr.type = DP_MSG_LEG_MOD;
	if ((rc = leg_id(argv[1], &m->leg_id, err, errlen)) != 0)
		return rc;
	return leg_opts(argc, argv, 2, &m->flags, &m->idle_ms, &m->clock_hz,
			&m->relatch_ms, err, errlen);
}

static int
parse_bind(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	   size_t errlen)
{
	struct dp_msg_leg_bind *b = &cmd->msg.leg_bind;
	bool unbind = strcmp(argv[0], "unbind") == 0;
	int rc;

	if (argc != (unbind ? 2 : 3))
		FAIL(unbind ? "unbind: ID" : "bind: ID PEER|none");
	cmd->msg.hdr.type = DP_MSG_LEG_BIND;
	if ((rc = leg_id(argv[1], &b->leg_id, err, errlen)) != 0)
		return rc;
	if (unbind || strcmp(argv[2], "none") == 0) {
		b->peer_id = DP_LEG_NONE;
		return 0;
	}
	if ((rc = leg_id(argv[2], &b->peer_id, err, errlen)) != 0)
		return rc;
	if (b->peer_id == b->leg_id)
		FAIL("bind: a leg cannot be its own peer");
	return 0;
}

static int
parse_remote(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	     size_t errlen)
{
	struct dp_msg_leg_remote *r = &cmd->msg.leg_remote;
	int i, rc;

	if (argc < 4 || argc > 6)
		FAIL("remote: ID ADDR RTP [RTCP] [relatch]");
	cmd->msg.hdr.type = DP_MSG_LEG_REMOTE;
	if ((rc = leg_id(argv[1], &r->leg_id, err, errlen)) != 0 ||
	    (rc = address(argv[2], &r->family, r->addr, err, errlen)) != 0 ||
	    (rc = udp_port(argv[3], "RTP", &r->rtp_port, err, errlen)) != 0)
		return rc;
	for (i = 4; i < argc; i++) {
		if (strcmp(argv[i], "relatch") == 0)
			r->flags |= DP_LEG_REMOTE_RELATCH;
		else if (i == 4 && argv[i][0] >= '0' && argv[i][0] <= '9') {
			if ((rc = udp_port(argv[i], "RTCP", &r->rtcp_port, err,
					   errlen)) != 0)
				return rc;
		} else
			FAIL("unknown word '%s' in remote (RTCP port, relatch)",
			     argv[i]);
	}
	return 0;
}

static int
parse_dscp(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	   size_t errlen)
{
	uint64_t v;
	int rc;

	if (argc != 3)
		FAIL("dscp: ID 0..63|keep");
	cmd->msg.hdr.type = DP_MSG_LEG_DSCP;
	if ((rc = leg_id(argv[1], &cmd->msg.leg_dscp.leg_id, err, errlen)) != 0)
		return rc;
	if (strcmp(argv[2], "keep") == 0)
		cmd->msg.leg_dscp.dscp = DP_DSCP_KEEP;
	else if (num(argv[2], 0, 63, &v))
		cmd->msg.leg_dscp.dscp = (uint8_t)v;
	else
		FAIL("bad DSCP '%s' (0..63 or keep; RFC 2474)", argv[2]);
	return 0;
}

static int
parse_police(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	     size_t errlen)
{
	struct dp_msg_leg_police *p = &cmd->msg.leg_police;
	static const char *const keys[] = {"pps", "burst", "kbps", "bytes"};
	uint32_t *dst[] = {&p->pps, &p->burst_pkts, &p->kbps, &p->burst_bytes};
	uint64_t v;
	int i, k, r, rc;

	if (argc < 3)
		FAIL("police: ID [pps=N] [burst=N] [kbps=N] [bytes=N] | ID "
		     "off");
	cmd->msg.hdr.type = DP_MSG_LEG_POLICE;
	if ((rc = leg_id(argv[1], &p->leg_id, err, errlen)) != 0)
		return rc;
	if (argc == 3 && strcmp(argv[2], "off") == 0)
		return 0; /* all zero: no limit */
	for (i = 2; i < argc; i++) {
		for (k = 0; k < 4; k++) {
			r = keyval(argv[i], keys[k], UINT32_MAX, &v, err,
				   errlen);
			if (r < 0)
				return r;
			if (r > 0) {
				*dst[k] = (uint32_t)v;
				break;
			}
		}
		if (k == 4)
			FAIL("unknown word '%s' in police (pps=, burst=, "
			     "kbps=, bytes=, off)",
			     argv[i]);
	}
	return 0;
}

static int
parse_bulkdel(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	      size_t errlen)
{
	struct dp_msg_leg_bulk_del *b = &cmd->msg.leg_bulk_del;
	uint64_t v;
	int i, rc;

	cmd->msg.hdr.type = DP_MSG_LEG_BULK_DEL;
	b->port = 0xffff;
	if (argc >= 2 && strcmp(argv[1], "all") == 0) {
		b->first_id = 0;
		b->count = 0xffffffff;
		i = 2;
	} else if (argc >= 3) {
		if ((rc = leg_id(argv[1], &b->first_id, err, errlen)) != 0)
			return rc;
		if (!num(argv[2], 1, 0xffffffff, &v))
			FAIL("bad count '%s' (1..4294967295)", argv[2]);
		b->count = (uint32_t)v;
		i = 3;
	} else {
		FAIL("bulkdel: all [IFACE] | FIRST COUNT [IFACE]");
	}
	if (argc > i + 1)
		FAIL("bulkdel: too many words after '%s'", argv[i]);
	if (argc == i + 1)
		return ifname(cmd, argv[i], err, errlen);
	return 0;
}

int
legctl_parse(int argc, char **argv, struct legctl_cmd *cmd, char *err,
	     size_t errlen)
{
	const char *v;
	uint64_t ms;
	int rc;

	memset(&cmd->msg, 0, sizeof(cmd->msg));
	cmd->verb = LEGCTL_LEG;
	cmd->ifname[0] = '\0';
	cmd->sleep_ms = 0;
	if (argc < 1)
		FAIL("empty command");
	v = argv[0];
	if (strcmp(v, "add") == 0)
		rc = parse_add(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "mod") == 0)
		rc = parse_mod(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "del") == 0) {
		if (argc != 2)
			FAIL("del: ID");
		cmd->msg.hdr.type = DP_MSG_LEG_DEL;
		rc = leg_id(argv[1], &cmd->msg.leg_del.leg_id, err, errlen);
	} else if (strcmp(v, "bind") == 0 || strcmp(v, "unbind") == 0)
		rc = parse_bind(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "remote") == 0)
		rc = parse_remote(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "dscp") == 0)
		rc = parse_dscp(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "police") == 0)
		rc = parse_police(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "bulkdel") == 0)
		rc = parse_bulkdel(argc, argv, cmd, err, errlen);
	else if (strcmp(v, "sleep") == 0) {
		if (argc != 2 || !num(argv[1], 0, 3600000, &ms))
			FAIL("sleep: MS (0..3600000)");
		cmd->verb = LEGCTL_SLEEP;
		cmd->sleep_ms = (uint32_t)ms;
		return 0;
	} else
		FAIL("unknown command '%s' (add, mod, del, bind, unbind, "
		     "remote, dscp, police, bulkdel, sleep)",
		     v);
	if (rc != 0)
		return rc;
	/* The contract's own checks, last: the words above were all fine,
	 * so this finds only what they do not check. */
	cmd->msg.hdr.len = (uint16_t)dp_msg_size(cmd->msg.hdr.type);
	if (dp_msg_validate(&cmd->msg, DP_DIR_CMD) != 0)
		FAIL("%s refused by the contract's checks (dp_msg_validate)",
		     v);
	return 0;
}

/* The "iface=" value of a device string: "lan0" of
 * "net_tap0,iface=lan0". */
static bool
device_iface_is(const char *dev, const char *name)
{
	const char *p = strstr(dev, "iface=");
	size_t n = strlen(name);

	while (p != NULL) {
		if ((p == dev || p[-1] == ',') &&
		    strncmp(p + 6, name, n) == 0 &&
		    (p[6 + n] == ',' || p[6 + n] == '\0'))
			return true;
		p = strstr(p + 6, "iface=");
	}
	return false;
}

int
legctl_resolve(struct legctl_cmd *cmd, const struct dp_stats *st, char *err,
	       size_t errlen)
{
	char names[DP_MAX_PORTS * (DP_IFNAME_LEN + 2)] = "";
	unsigned int i,
		nb = st->nb_ports < DP_MAX_PORTS ? st->nb_ports : DP_MAX_PORTS;
	uint64_t idx;
	size_t used = 0;

	if (cmd->verb != LEGCTL_LEG || cmd->ifname[0] == '\0')
		return 0;
	for (i = 0; i < nb; i++) {
		const struct dp_stats_port *p = &st->port[i];

		if (strncmp(p->name, cmd->ifname, DP_IFNAME_LEN) == 0 ||
		    strncmp(p->exception, cmd->ifname, DP_IFNAME_LEN) == 0 ||
		    device_iface_is(p->device, cmd->ifname) ||
		    (num(cmd->ifname, 0, DP_MAX_PORTS - 1, &idx) && idx == i))
			break;
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%.*s", i > 0 ? ", " : "",
					 DP_IFNAME_LEN, p->name);
		if (used >= sizeof(names))
			used = sizeof(names) - 1;
	}
	if (i == nb)
		FAIL("unknown interface '%s' (this dataplane has: %s)",
		     cmd->ifname, nb > 0 ? names : "no ports");
	if (cmd->msg.hdr.type == DP_MSG_LEG_ADD)
		cmd->msg.leg_add.port = (uint16_t)i;
	else
		cmd->msg.leg_bulk_del.port = (uint16_t)i;
	return 0;
}

const char *
legctl_errno_name(int err, char *buf, size_t len)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{EPERM, "EPERM"},
		{ENOENT, "ENOENT"},
		{ENOMEM, "ENOMEM"},
		{EBUSY, "EBUSY"},
		{EEXIST, "EEXIST"},
		{ENODEV, "ENODEV"},
		{EINVAL, "EINVAL"},
		{ENOSPC, "ENOSPC"},
		{ERANGE, "ERANGE"},
		{EOPNOTSUPP, "EOPNOTSUPP"},
		{EAFNOSUPPORT, "EAFNOSUPPORT"},
		{EADDRINUSE, "EADDRINUSE"},
		{EADDRNOTAVAIL, "EADDRNOTAVAIL"},
		{ENOBUFS, "ENOBUFS"},
		{ENOTCONN, "ENOTCONN"},
		{ETIMEDOUT, "ETIMEDOUT"},
		{EAGAIN, "EAGAIN"},
		{EBADMSG, "EBADMSG"},
		{EPROTO, "EPROTO"},
		{ELOOP, "ELOOP"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, len, "E%d", err);
	return buf;
}
