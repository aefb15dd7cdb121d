/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl's output: one line per RESULT, event or state change, as
 * key=value text or as one JSON object per line (--json). stdout only;
 * diagnostics go to stderr.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "legctl_run.h"

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The leg (and peer) a command is about, for its RESULT line. */
static void
cmd_ids(const union dp_msg *m, int64_t *leg, int64_t *peer)
{
	*leg = -1;
	*peer = -2; /* not a BIND */
	switch (m->hdr.type) {
	case DP_MSG_LEG_ADD:
		*leg = m->leg_add.leg_id;
		break;
	case DP_MSG_LEG_MOD:
		*leg = m->leg_mod.leg_id;
		break;
	case DP_MSG_LEG_DEL:
		*leg = m->leg_del.leg_id;
		break;
	case DP_MSG_LEG_BIND:
		*leg = m->leg_bind.leg_id;
		*peer = m->leg_bind.peer_id == DP_LEG_NONE
				? -1
				: (int64_t)m->leg_bind.peer_id;
		break;
	case DP_MSG_LEG_REMOTE:
		*leg = m->leg_remote.leg_id;
		break;
	case DP_MSG_LEG_DSCP:
		*leg = m->leg_dscp.leg_id;
		break;
	case DP_MSG_LEG_POLICE:
		*leg = m->leg_police.leg_id;
		break;
	default: /* LEG_BULK_DEL: no single leg */
		break;
	}
}

void
legctl_out_result(const struct legctl_run *r, const struct legctl_job *j,
		  const char *why)
{
	const union dp_msg *m = &j->cmd.msg;
	const char *name = dp_msg_name(m->hdr.type);
	bool bulk = m->hdr.type == DP_MSG_LEG_BULK_DEL;
	bool ok = j->status == 0 || (bulk && j->status > 0);
	char ebuf[16];
	const char *ename =
		ok ? "" : legctl_errno_name(-j->status, ebuf, sizeof(ebuf));
	const char *reason = why != NULL ? why : ok ? "" : strerror(-j->status);
	int64_t leg, peer;

	cmd_ids(m, &leg, &peer);
	if (r->json) {
		printf("{\"type\":\"result\",\"line\":%u,\"cmd\":\"%s\"",
		       j->cmd.line, name);
		if (leg >= 0)
			printf(",\"leg\":%" PRId64, leg);
		if (peer >= 0)
			printf(",\"peer\":%" PRId64, peer);
		else if (peer == -1)
			printf(",\"peer\":null");
		printf(",\"seq\":%u,\"status\":%d,\"ok\":%s", j->seq, j->status,
		       ok ? "true" : "false");
		if (bulk && ok)
			printf(",\"deleted\":%d", j->status);
		if (!ok) {
			printf(",\"error\":\"%s\",\"reason\":", ename);
			json_str(stdout, reason);
		}
		printf("}\n");
		return;
	}
	printf("result line=%u cmd=%s", j->cmd.line, name);
	if (leg >= 0)
		printf(" leg=%" PRId64, leg);
	if (peer >= 0)
		printf(" peer=%" PRId64, peer);
	else if (peer == -1)
		printf(" peer=none");
	printf(" status=%d", j->status);
	if (bulk && ok)
		printf(" deleted=%d", j->status);
	if (ok)
		printf(" ok\n");
	else
		printf(" error=%s reason=\"%s\"\n", ename, reason);
}

void
legctl_out_event(const struct legctl_run *r, const union dp_msg *m)
{
	char addr[INET6_ADDRSTRLEN] = "?";

	if (m->hdr.type == DP_MSG_LEG_LATCHED) {
		const struct dp_msg_leg_latched *l = &m->leg_latched;

		inet_ntop(l->family, l->addr, addr, sizeof(addr));
		if (r->json)
			printf("{\"type\":\"event\",\"event\":\"LEG_LATCHED\","
			       "\"leg\":%u,\"family\":%u,\"addr\":\"%s\","
			       "\"port\":%u,\"rtcp\":%s,\"latches\":%u}\n",
			       l->leg_id, l->family == AF_INET ? 4 : 6, addr,
			       l->rtp_port, l->rtcp ? "true" : "false",
			       l->latches);
		else
			printf("event LEG_LATCHED leg=%u addr=%s port=%u "
			       "rtcp=%u latches=%u\n",
			       l->leg_id, addr, l->rtp_port, l->rtcp,
			       l->latches);
		return;
	}
	if (r->json)
		printf("{\"type\":\"event\",\"event\":\"LEG_INACTIVE\","
		       "\"leg\":%u,\"idle_ms\":%u,\"last_rx_ns\":%" PRIu64
		       "}\n",
		       m->leg_inactive.leg_id, m->leg_inactive.idle_ms,
		       m->leg_inactive.last_rx_ns);
	else
		printf("event LEG_INACTIVE leg=%u idle_ms=%u last_rx_ns=%" PRIu64
		       "\n",
		       m->leg_inactive.leg_id, m->leg_inactive.idle_ms,
		       m->leg_inactive.last_rx_ns);
}

void
legctl_out_attached(const struct legctl_run *r, uint64_t epoch, uint32_t dp_pid,
		    uint32_t max_legs)
{
	if (r->json)
		printf("{\"type\":\"attached\",\"epoch\":\"%016" PRIx64
		       "\",\"dp_pid\":%u,\"max_legs\":%u}\n",
		       epoch, dp_pid, max_legs);
	else
		printf("attached epoch=%016" PRIx64 " dp_pid=%u max_legs=%u\n",
		       epoch, dp_pid, max_legs);
}

void
legctl_out_detached(const struct legctl_run *r, uint64_t epoch)
{
	if (r->json)
		printf("{\"type\":\"detached\",\"epoch\":\"%016" PRIx64 "\"}\n",
		       epoch);
	else
		printf("detached epoch=%016" PRIx64 "\n", epoch);
}

void
legctl_out_error(const struct legctl_run *r, unsigned int line,
		 const char *reason)
{
	fprintf(stderr, "esg-legctl: line %u: %s\n", line, reason);
	if (!r->follow)
		return; /* batch: refused before anything was sent */
	if (r->json) {
		printf("{\"type\":\"error\",\"line\":%u,\"reason\":", line);
		json_str(stdout, reason);
		printf("}\n");
	} else {
		printf("error line=%u reason=\"%s\"\n", line, reason);
	}
}
