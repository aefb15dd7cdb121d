/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `esgctl legs`: the legs region of the segment (struct dp_leg_stats by
 * leg id), read in place while the workers write it. The scan looks at
 * one byte per slot (in_use) and copies only the slots it shows, so 2^20
 * slots take milliseconds; output is written leg by leg (the JSON array
 * too, one object a line), so memory does not grow with the legs.
 *
 * RTP figures follow RFC 3550: expected and lost as A.3 (lost negative
 * with duplicates), jitter as the RR field, the A.8 estimate >> 4, in RTP
 * timestamp units (the slot has no clock rate; see docs/esgctl.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_rtp.h"
#include "esgctl.h"

bool
esgctl_leg_copy(const struct dp_leg_stats *src, struct dp_leg_stats *dst)
{
	unsigned int tries;

	for (tries = 0; tries < 4; tries++) {
		uint32_t gen = __atomic_load_n(&src->gen, __ATOMIC_ACQUIRE);

		memcpy(dst, src, sizeof(*dst));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&src->gen, __ATOMIC_RELAXED) == gen &&
		    dst->gen == gen)
			return true;
	}
	return false;
}

static void
flags_str(uint8_t flags, char buf[8])
{
	buf[0] = flags & DP_LEG_F_LATCH ? 'L' : '-';
	buf[1] = flags & DP_LEG_F_SAME_IP ? 'I' : '-';
	buf[2] = flags & DP_LEG_F_STRICT ? 'S' : '-';
	buf[3] = flags & ~DP_LEG_F_ALL ? '+' : '\0';
	buf[4] = '\0';
}

static bool
age_ms(const struct dp_leg_stats *l, uint64_t now_ns, uint64_t *msp)
{
	if (l->last_rx_ns == 0)
		return false;
	*msp = now_ns > l->last_rx_ns ? (now_ns - l->last_rx_ns) / 1000000 : 0;
	return true;
}

static bool
has_rtp(const struct dp_leg_stats *l)
{
	return (l->rtp_state & DP_RTP_STATE_SRC) != 0;
}

void
esgctl_legs_header(FILE *f)
{
	fprintf(f,
		"%8s %-4s %3s %10s %12s %10s %12s %8s %8s %8s %4s %10s %8s "
		"%9s %7s %s\n",
		"id", "flag", "use", "rx_pkts", "rx_bytes", "fwd_pkts",
		"fwd_bytes", "rtcp", "age_ms", "ssrc", "chg", "expected",
		"lost", "jitter_ts", "latches", "drops");
}

void
esgctl_leg_print(FILE *f, const struct esgctl_snap *s, uint32_t id,
		 const struct dp_leg_stats *l, uint64_t now_ns)
{
	char flags[8], age[24] = "-", ssrc[12] = "-", exp[16] = "-";
	char lost[24] = "-", jit[24] = "-";
	unsigned int i, shown = 0;
	uint64_t ms;

	flags_str(l->flags, flags);
	if (age_ms(l, now_ns, &ms))
		snprintf(age, sizeof(age), "%" PRIu64, ms);
	if (has_rtp(l)) {
		snprintf(ssrc, sizeof(ssrc), "%08" PRIx32, l->ssrc);
		snprintf(exp, sizeof(exp), "%" PRIu32, dp_rtp_expected(l));
		snprintf(lost, sizeof(lost), "%" PRId64, dp_rtp_lost(l));
		/* A.8 keeps 16 x J: one decimal of J */
		snprintf(jit, sizeof(jit), "%" PRIu32 ".%" PRIu32,
			 l->jitter >> 4, ((l->jitter & 15) * 10) >> 4);
	}
	fprintf(f,
		"%8" PRIu32 " %-4s %3s %10" PRIu64 " %12" PRIu64 " %10" PRIu64
		" %12" PRIu64 " %8" PRIu32 " %8s %8s %4" PRIu32
		" %10s %8s %9s %7" PRIu32 " ",
		id, flags, l->in_use ? "yes" : "no", l->rx_pkts, l->rx_bytes,
		l->fwd_pkts, l->fwd_bytes, l->rtcp_pkts, age, ssrc,
		l->ssrc_changes, exp, lost, jit, l->latches);
	for (i = 0; i < s->nb_leg_drops; i++) {
		if (l->drops[i] == 0)
			continue;
		fprintf(f, "%s%s=%" PRIu64, shown ? "," : "",
			s->st.leg_drop_names[i], l->drops[i]);
		shown++;
	}
	fprintf(f, "%s\n", shown ? "" : "-");
}

/*
 * The JSON keys of the leg drop names, escaped once: the names come from
 * the region. jansson builds no per-leg tree (that cost 7.5 us a leg at
 * 2^20 legs); each object is printed directly, in one line.
 */
int
esgctl_legs_keys(const struct esgctl_snap *s, struct esgctl_leg_keys *k)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->nb = s->nb_leg_drops;
	for (i = 0; i < k->nb; i++) {
		json_t *str = json_string(s->st.leg_drop_names[i]);

		k->drop[i] =
			str != NULL ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
		json_decref(str);
		if (k->drop[i] == NULL) {
			esgctl_legs_keys_free(k);
			return -ENOMEM;
		}
	}
	return 0;
}

void
esgctl_legs_keys_free(struct esgctl_leg_keys *k)
{
	unsigned int i;

	for (i = 0; i < DP_LEG_STATS_DROPS; i++) {
		free(k->drop[i]);
		k->drop[i] = NULL;
	}
	k->nb = 0;
}

static const char *
jbool(bool b)
{
	return b ? "true" : "false";
}

void
esgctl_leg_json(FILE *f, const struct esgctl_leg_keys *k, uint32_t id,
		const struct dp_leg_stats *l, uint64_t now_ns)
{
	unsigned int i;
	uint64_t ms;

	fprintf(f,
		"{\"id\":%" PRIu32 ",\"in_use\":%s,\"gen\":%" PRIu32
		",\"flags\":{\"latch\":%s,\"same_ip\":%s,\"strict\":%s}"
		",\"flags_raw\":%u,\"rx_pkts\":%" PRIu64
		",\"rx_bytes\":%" PRIu64 ",\"fwd_pkts\":%" PRIu64
		",\"fwd_bytes\":%" PRIu64 ",\"rtcp_pkts\":%" PRIu32
		",\"last_rx_age_ms\":",
		id, jbool(l->in_use), l->gen, jbool(l->flags & DP_LEG_F_LATCH),
		jbool(l->flags & DP_LEG_F_SAME_IP),
		jbool(l->flags & DP_LEG_F_STRICT), l->flags, l->rx_pkts,
		l->rx_bytes, l->fwd_pkts, l->fwd_bytes, l->rtcp_pkts);
	if (age_ms(l, now_ns, &ms))
		fprintf(f, "%" PRIu64, ms);
	else
		fputs("null", f);
	fprintf(f, ",\"latches\":%" PRIu32 ",\"ssrc_changes\":%" PRIu32,
		l->latches, l->ssrc_changes);
	if (has_rtp(l))
		fprintf(f,
			",\"ssrc\":%" PRIu32 ",\"rtp_received\":%" PRIu32
			",\"expected\":%" PRIu32 ",\"lost\":%" PRId64
			",\"jitter\":%" PRIu32 ",\"jitter_x16\":%" PRIu32,
			l->ssrc, l->rtp_received, dp_rtp_expected(l),
			dp_rtp_lost(l), l->jitter >> 4, l->jitter);
	else /* no RTP yet: no sender, nothing expected */
		fputs(",\"ssrc\":null,\"rtp_received\":0,\"expected\":0,"
		      "\"lost\":0,\"jitter\":null,\"jitter_x16\":null",
		      f);
	fputs(",\"drops\":{", f);
	for (i = 0; i < k->nb; i++)
		fprintf(f, "%s%s:%" PRIu64, i > 0 ? "," : "", k->drop[i],
			l->drops[i]);
	fputs("}}", f);
}

/* Print one slot; counts what was shown. */
static void
show(FILE *f, const struct esgctl_snap *s, const struct esgctl_leg_keys *k,
     const struct esgctl_legs_opts *o, uint32_t id,
     const struct dp_leg_stats *slot, uint64_t now_ns, unsigned long *shownp)
{
	struct dp_leg_stats l;

	if (!esgctl_leg_copy(slot, &l))
		return; /* reused while we read: not one leg's figures */
	if (o->json) {
		fputs(*shownp > 0 ? ",\n    " : "    ", f);
		esgctl_leg_json(f, k, id, &l, now_ns);
	} else {
		esgctl_leg_print(f, s, id, &l, now_ns);
	}
	(*shownp)++;
}

int
esgctl_legs_show(FILE *f, const struct esgctl_snap *s,
		 const struct dp_leg_stats *legs, uint32_t count,
		 const struct esgctl_legs_opts *o, uint64_t now_ns)
{
	unsigned long shown = 0, in_use = 0;
	struct esgctl_leg_keys k;
	unsigned int n;
	uint32_t i;

	for (n = 0; n < o->nb_ids; n++)
		if (o->ids[n] >= count)
			return -EINVAL;
	if (o->json && esgctl_legs_keys(s, &k) != 0)
		return -ENOMEM;
	if (o->json)
		fprintf(f,
			"{\n  \"dataplane\": {\"pid\": %" PRIu32
			", \"epoch\": \"%016" PRIx64 "\"},\n"
			"  \"max_legs\": %" PRIu32 ",\n  \"legs\": [\n",
			s->hdr.dp_pid, s->hdr.epoch, count);
	else
		esgctl_legs_header(f);
	for (n = 0; n < o->nb_ids; n++)
		show(f, s, &k, o, o->ids[n], &legs[o->ids[n]], now_ns, &shown);
	for (i = 0; i < count; i++) {
		bool used = __atomic_load_n(&legs[i].in_use, __ATOMIC_RELAXED);

		in_use += used;
		if (o->nb_ids > 0 || (!used && !(o->all && legs[i].gen != 0)))
			continue;
		show(f, s, &k, o, i, &legs[i], now_ns, &shown);
	}
	if (o->json) {
		fprintf(f, "%s  ],\n  \"shown\": %lu,\n  \"in_use\": %lu\n}\n",
			shown > 0 ? "\n" : "", shown, in_use);
		esgctl_legs_keys_free(&k);
	} else {
		fprintf(f, "%lu shown, %lu in use of %" PRIu32 " slots\n",
			shown, in_use, count);
	}
	return ferror(f) ? -EIO : 0;
}
