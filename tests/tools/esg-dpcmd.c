/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-dpcmd: send one IF_GW or ADDR_PROBE to a running dataplane, as its
 * control plane (the rings are single-producer / single-consumer: only
 * with no live control plane named in the segment: refused otherwise),
 * and print the outcome:
 *
 *   esg-dpcmd --instance I gw PORT ADDR     IF_GW set   -> "result 0"
 *   esg-dpcmd --instance I gw PORT clear4|clear6   IF_GW clear
 *   esg-dpcmd --instance I probe PORT ADDR PROBES INTERVAL_MS
 *       ADDR_PROBE -> "result 0", then "probed ADDR conflict 0|1 mac M"
 *
 * PORT is an index or an interface name of the stats region. The result
 * line carries the RESULT status (0 or -errno, by name). Exit 0 when the
 * RESULT came (whatever its status) and, for probe, ADDR_PROBED too; 1 on
 * a time-out (RESULT 2 s; ADDR_PROBED probes * interval + 2 s); 2 on
 * usage or attach errors. For tests/e2e/foundation_test.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dp_msg.h"
#include "dp_shm.h"

#define MS 1000000ull

static int
usage(void)
{
	fprintf(stderr,
		"usage: esg-dpcmd --instance I gw PORT ADDR|clear4|clear6\n"
		"       esg-dpcmd --instance I probe PORT ADDR PROBES "
		"INTERVAL_MS\n");
	return 2;
}

static int
port_of(struct dp_shm *shm, const char *s)
{
	const struct dp_stats *st = dp_shm_stats(shm);
	char *end;
	unsigned long v;
	unsigned int i;

	v = strtoul(s, &end, 10);
	if (*s != '\0' && *end == '\0' && v < DP_MAX_PORTS)
		return (int)v;
	for (i = 0; i < st->nb_ports && i < DP_MAX_PORTS; i++)
		if (strncmp(st->port[i].name, s, DP_IFNAME_LEN) == 0)
			return (int)i;
	return -1;
}

static int
addr_of(const char *s, uint8_t *family, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static const char *
status_name(int st)
{
	static char buf[16];

	switch (-st) {
	case 0:
		return "0";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case EINVAL:
		return "EINVAL";
	case ENODEV:
		return "ENODEV";
	case EEXIST:
		return "EEXIST";
	case EBUSY:
		return "EBUSY";
	case ENOSPC:
		return "ENOSPC";
	default:
		snprintf(buf, sizeof(buf), "E%d", -st);
		return buf;
	}
}

static void
nap(void)
{
	struct timespec ts = {0, 1000000};

	nanosleep(&ts, NULL);
}

/* Wait for the RESULT of seq and, want_probed, the ADDR_PROBED of token;
 * PINGs of the dataplane are answered. 0 or 1 (time-out). */
static int
wait_for(struct dp_shm *shm, uint32_t seq, bool want_probed, uint32_t token,
	 uint64_t probe_ns)
{
	uint64_t t0 = dp_shm_now_ns(), deadline = t0 + 2000 * MS;
	bool have_result = false;
	char a[INET6_ADDRSTRLEN];
	union dp_msg m, r;
	const uint8_t *mac;

	while (dp_shm_now_ns() < deadline) {
		if (dp_shm_evt_recv(shm, &m, 1) != 1) {
			nap();
			continue;
		}
		if (m.hdr.type == DP_MSG_PING) {
			r = m;
			r.hdr.type = DP_MSG_PONG;
			dp_shm_cmd_send(shm, &r, 1);
		} else if (m.hdr.type == DP_MSG_RESULT && m.hdr.seq == seq) {
			printf("result %s\n", status_name(m.result.status));
			fflush(stdout);
			if (!want_probed || m.result.status != 0)
				return 0;
			have_result = true;
			deadline = t0 + probe_ns + 2000 * MS;
		} else if (m.hdr.type == DP_MSG_ADDR_PROBED && have_result &&
			   m.addr_probed.token == token) {
			inet_ntop(m.addr_probed.family, m.addr_probed.addr, a,
				  sizeof(a));
			mac = m.addr_probed.mac;
			printf("probed %s conflict %u mac "
			       "%02x:%02x:%02x:%02x:%02x:%02x\n",
			       a, m.addr_probed.conflict, mac[0], mac[1],
			       mac[2], mac[3], mac[4], mac[5]);
			return 0;
		}
	}
	printf("timeout\n");
	return 1;
}

int
main(int argc, char **argv)
{
	struct dp_shm *shm = NULL;
	char why[256];
	union dp_msg c;
	uint8_t family;
	uint32_t pid;
	int port, rc;
	unsigned long probes = 0, iv = 0;

	if (argc < 5 || strcmp(argv[1], "--instance") != 0)
		return usage();
	rc = dp_shm_attach(argv[2], &shm, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "esg-dpcmd: %s\n", why);
		return 2;
	}
	/* one consumer per ring: not beside a live control plane */
	pid = __atomic_load_n(&dp_shm_hdr(shm)->cp_pid, __ATOMIC_RELAXED);
	if (pid != 0 && pid != (uint32_t)getpid() &&
	    (kill((pid_t)pid, 0) == 0 || errno == EPERM)) {
		fprintf(stderr,
			"esg-dpcmd: a control plane is attached (pid "
			"%u)\n",
			pid);
		return 2;
	}
	port = port_of(shm, argv[4]);
	if (port < 0) {
		fprintf(stderr, "esg-dpcmd: no interface %s\n", argv[4]);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	if (strcmp(argv[3], "gw") == 0 && argc == 6) {
		c.hdr.type = DP_MSG_IF_GW;
		c.if_gw.port = (uint16_t)port;
		if (strcmp(argv[5], "clear4") == 0 ||
		    strcmp(argv[5], "clear6") == 0) {
			c.if_gw.clear = 1;
			c.if_gw.family = argv[5][5] == '4' ? AF_INET : AF_INET6;
		} else if (addr_of(argv[5], &family, c.if_gw.addr) == 0) {
			c.if_gw.family = family;
		} else {
			return usage();
		}
	} else if (strcmp(argv[3], "probe") == 0 && argc == 8) {
		c.hdr.type = DP_MSG_ADDR_PROBE;
		c.addr_probe.port = (uint16_t)port;
		if (addr_of(argv[5], &family, c.addr_probe.addr) != 0)
			return usage();
		c.addr_probe.family = family;
		probes = strtoul(argv[6], NULL, 10);
		iv = strtoul(argv[7], NULL, 10);
		c.addr_probe.probes = (uint8_t)probes;
		c.addr_probe.interval_ms = (uint32_t)iv;
		c.addr_probe.token = (uint32_t)dp_shm_now_ns() | 1;
	} else {
		return usage();
	}
	c.hdr.len = (uint16_t)dp_msg_size(c.hdr.type);
	c.hdr.seq = (uint32_t)(dp_shm_now_ns() / 1000) | 1;
	if (dp_msg_validate(&c, DP_DIR_CMD) != 0) {
		fprintf(stderr, "esg-dpcmd: the command does not validate\n");
		return 2;
	}
	if (dp_shm_cmd_send(shm, &c, 1) != 1) {
		fprintf(stderr, "esg-dpcmd: command ring full or broken\n");
		return 2;
	}
	rc = wait_for(shm, c.hdr.seq, c.hdr.type == DP_MSG_ADDR_PROBE,
		      c.addr_probe.token, probes * iv * MS);
	dp_shm_detach(shm);
	return rc;
}
