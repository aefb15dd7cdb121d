/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test client of tests/pcap/relay_pcap_test.sh: attaches to a running
 * esg-dataplane's segment (dp_shm_attach) and sends LEG_* commands over
 * the command ring, one per line of standard input, each answered by a
 * RESULT on the event ring (the test runs no control plane, so the
 * events are ours). Exit 0 when every RESULT is 0, 1 otherwise, 77 when
 * the segment is not there.
 *
 *   pcap_legs INSTANCE < script
 *   pcap_legs INSTANCE wait COUNTER N   (until the dataplane's counter,
 *                                        summed over lcores, is >= N; 5 s)
 *
 * Lines ('#' comments and blank lines skipped):
 *   add ID IFACE ADDR RTP RTCP FLAGS     (FLAGS: 0 or latch,same_ip,strict)
 *   remote ID ADDR RTP RTCP [relatch]
 *   bind ID PEER
 *   dscp ID DSCP
 *   police ID PPS BURST KBPS BURST_BYTES
 *   del ID
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dp_shm.h"

#define WAIT_MS 3000

static int
addr_parse(const char *s, uint8_t *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static uint8_t
flags_parse(const char *s)
{
	uint8_t f = 0;

	if (strstr(s, "latch") != NULL)
		f |= DP_LEG_F_LATCH;
	if (strstr(s, "same_ip") != NULL)
		f |= DP_LEG_F_SAME_IP;
	if (strstr(s, "strict") != NULL)
		f |= DP_LEG_F_STRICT;
	return f;
}

/* One script line into m; -EINVAL if it does not parse. */
static int
line_parse(char *line, union dp_msg *m)
{
	char *tok[8], *save = NULL, *t;
	unsigned int n = 0;
	uint8_t fam;

	for (t = strtok_r(line, " \t\n", &save); t != NULL && n < 8;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	memset(m, 0, sizeof(*m));
	if (n == 7 && strcmp(tok[0], "add") == 0) {
		m->hdr.type = DP_MSG_LEG_ADD;
		m->leg_add.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
		m->leg_add.port = (uint16_t)strtoul(tok[2], NULL, 0);
		if (addr_parse(tok[3], &m->leg_add.family, m->leg_add.addr))
			return -EINVAL;
		m->leg_add.rtp_port = (uint16_t)strtoul(tok[4], NULL, 0);
		m->leg_add.rtcp_port = (uint16_t)strtoul(tok[5], NULL, 0);
		m->leg_add.flags = flags_parse(tok[6]);
	} else if ((n == 5 || n == 6) && strcmp(tok[0], "remote") == 0) {
		m->hdr.type = DP_MSG_LEG_REMOTE;
		m->leg_remote.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
		if (addr_parse(tok[2], &fam, m->leg_remote.addr))
			return -EINVAL;
		m->leg_remote.family = fam;
		m->leg_remote.rtp_port = (uint16_t)strtoul(tok[3], NULL, 0);
		m->leg_remote.rtcp_port = (uint16_t)strtoul(tok[4], NULL, 0);
		if (n == 6 && strcmp(tok[5], "relatch") == 0)
			m->leg_remote.flags = DP_LEG_REMOTE_RELATCH;
	} else if (n == 3 && strcmp(tok[0], "bind") == 0) {
		m->hdr.type = DP_MSG_LEG_BIND;
		m->leg_bind.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
		m->leg_bind.peer_id = (uint32_t)strtoul(tok[2], NULL, 0);
	} else if (n == 3 && strcmp(tok[0], "dscp") == 0) {
		m->hdr.type = DP_MSG_LEG_DSCP;
		m->leg_dscp.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
		m->leg_dscp.dscp = (uint8_t)strtoul(tok[2], NULL, 0);
	} else if (n == 6 && strcmp(tok[0], "police") == 0) {
		m->hdr.type = DP_MSG_LEG_POLICE;
		m->leg_police.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
		m->leg_police.pps = (uint32_t)strtoul(tok[2], NULL, 0);
		m->leg_police.burst_pkts = (uint32_t)strtoul(tok[3], NULL, 0);
		m->leg_police.kbps = (uint32_t)strtoul(tok[4], NULL, 0);
		m->leg_police.burst_bytes = (uint32_t)strtoul(tok[5], NULL, 0);
	} else if (n == 2 && strcmp(tok[0], "del") == 0) {
		m->hdr.type = DP_MSG_LEG_DEL;
		m->leg_del.leg_id = (uint32_t)strtoul(tok[1], NULL, 0);
	} else {
		return -EINVAL;
	}
	m->hdr.len = (uint16_t)dp_msg_size(m->hdr.type);
	return dp_msg_validate(m, DP_DIR_CMD);
}

/* The RESULT of command seq, or -ETIMEDOUT. */
static int
result_wait(struct dp_shm *shm, uint32_t seq, int32_t *status)
{
	struct timespec ts = {0, 1000000};
	union dp_msg e;
	int i, n;

	for (i = 0; i < WAIT_MS; i++) {
		while ((n = dp_shm_evt_recv(shm, &e, 1)) == 1) {
			if (e.hdr.type == DP_MSG_RESULT && e.hdr.seq == seq) {
				*status = e.result.status;
				return 0;
			}
		}
		if (n < 0)
			return n;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/* The stats region's counter name, summed over the lcores, reaches n. */
static int
counter_wait(struct dp_shm *shm, const char *name, uint64_t n)
{
	struct timespec ts = {0, 1000000};
	const struct dp_stats *st = dp_shm_stats(shm);
	uint64_t v = 0;
	unsigned int c, l;
	int i;

	for (c = 0; c < st->nb_cnts && c < DP_STATS_MAX_CNTS; c++)
		if (strncmp(st->cnt_names[c], name, DP_STAT_NAME_LEN) == 0)
			break;
	if (c == st->nb_cnts || c == DP_STATS_MAX_CNTS) {
		fprintf(stderr, "pcap_legs: no counter %s\n", name);
		return 1;
	}
	for (i = 0; i < 5000; i++) {
		for (v = 0, l = 0; l < DP_MAX_LCORES; l++)
			v += __atomic_load_n(&st->lcore[l].cnt[c],
					     __ATOMIC_RELAXED);
		if (v >= n)
			return 0;
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "pcap_legs: %s stayed %llu < %llu\n", name,
		(unsigned long long)v, (unsigned long long)n);
	return 1;
}

int
main(int argc, char **argv)
{
	char why[256], line[512], copy[512];
	struct dp_shm *shm;
	union dp_msg m;
	uint32_t seq = 0;
	int32_t status;
	int rc, fail = 0;

	if (argc != 2 && !(argc == 5 && strcmp(argv[2], "wait") == 0)) {
		fprintf(stderr, "usage: pcap_legs INSTANCE < script\n"
				"       pcap_legs INSTANCE wait COUNTER N\n");
		return 2;
	}
	rc = dp_shm_attach(argv[1], &shm, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "pcap_legs: attach %s: %s\n", argv[1], why);
		return 77;
	}
	if (argc == 5) {
		fail = counter_wait(shm, argv[3], strtoull(argv[4], NULL, 0));
		dp_shm_detach(shm);
		return fail;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (line[strspn(line, " \t")] == '#' ||
		    line[strspn(line, " \t\n")] == '\0')
			continue;
		snprintf(copy, sizeof(copy), "%s", line);
		copy[strcspn(copy, "\n")] = '\0';
		if (line_parse(line, &m) != 0) {
			fprintf(stderr, "pcap_legs: bad line: %s\n", copy);
			fail = 1;
			break;
		}
		m.hdr.seq = ++seq;
		if (dp_shm_cmd_send(shm, &m, 1) != 1) {
			fprintf(stderr, "pcap_legs: command ring full\n");
			fail = 1;
			break;
		}
		rc = result_wait(shm, seq, &status);
		if (rc) {
			fprintf(stderr, "pcap_legs: %s: no RESULT: %s\n", copy,
				strerror(-rc));
			fail = 1;
			break;
		}
		if (status != 0) {
			fprintf(stderr, "pcap_legs: %s: %s\n", copy,
				strerror(-status));
			fail = 1;
		}
	}
	dp_shm_detach(shm);
	return fail;
}
