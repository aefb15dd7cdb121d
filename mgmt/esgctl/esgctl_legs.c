/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `esgctl legs`: the legs region of the segment (struct dp_leg_stats by
 * leg id), read in place while the workers write it. The scan looks at
 * one byte per slot (in_use) and copies only the slots it shows, so 2^20
 * slots take milliseconds; output is written leg by leg (the JSON array
 * too), so memory does not grow with the number of legs.
 *
 * RTP figures follow RFC 3550: expected and lost as A.3 (lost negative
 * with duplicates), jitter as the RR field, the A.8 estimate >> 4, in RTP
 * timestamp units (the slot has no clock rate; see docs/esgctl.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	return (dp_rtp_state(l) & DP_RTP_STATE_SRC) != 0;
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

static void
set(json_t *o, const char *key, json_t *v, int *err)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*err = 1;
}

static json_t *
u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

json_t *
esgctl_leg_json(const struct esgctl_snap *s, uint32_t id,
		const struct dp_leg_stats *l, uint64_t now_ns)
{
	json_t *o = json_object(), *fl = json_object(), *dr = json_object();
	unsigned int i;
	uint64_t ms;
	int err = 0;

	if (o == NULL || fl == NULL || dr == NULL) {
		json_decref(fl);
		json_decref(dr);
		err = 1;
		goto out;
	}
	set(o, "id", u64(id), &err);
	set(o, "in_use", json_boolean(l->in_use), &err);
	set(o, "gen", u64(l->gen), &err);
	set(fl, "latch", json_boolean(l->flags & DP_LEG_F_LATCH), &err);
	set(fl, "same_ip", json_boolean(l->flags & DP_LEG_F_SAME_IP), &err);
	set(fl, "strict", json_boolean(l->flags & DP_LEG_F_STRICT), &err);
	set(o, "flags", fl, &err);
	set(o, "flags_raw", u64(l->flags), &err);
	set(o, "rx_pkts", u64(l->rx_pkts), &err);
	set(o, "rx_bytes", u64(l->rx_bytes), &err);
	set(o, "fwd_pkts", u64(l->fwd_pkts), &err);
	set(o, "fwd_bytes", u64(l->fwd_bytes), &err);
	set(o, "rtcp_pkts", u64(l->rtcp_pkts), &err);
	set(o, "last_rx_age_ms", age_ms(l, now_ns, &ms) ? u64(ms) : json_null(),
	    &err);
	set(o, "latches", u64(l->latches), &err);
	set(o, "ssrc_changes", u64(l->ssrc_changes), &err);
	if (has_rtp(l)) {
		set(o, "ssrc", u64(l->ssrc), &err);
		set(o, "rtp_received", u64(l->rtp_received), &err);
		set(o, "expected", u64(dp_rtp_expected(l)), &err);
		set(o, "lost", json_integer(dp_rtp_lost(l)), &err);
		set(o, "jitter", u64(l->jitter >> 4), &err);
		set(o, "jitter_x16", u64(l->jitter), &err);
	} else {
		/* no RTP yet: no sender, nothing expected */
		set(o, "ssrc", json_null(), &err);
		set(o, "rtp_received", u64(0), &err);
		set(o, "expected", u64(0), &err);
		set(o, "lost", u64(0), &err);
		set(o, "jitter", json_null(), &err);
		set(o, "jitter_x16", json_null(), &err);
	}
	for (i = 0; i < s->nb_leg_drops; i++)
		if (s->st.leg_drop_names[i][0] != '\0')
			set(dr, s->st.leg_drop_names[i], u64(l->drops[i]),
			    &err);
	set(o, "drops", dr, &err);
out:
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Print one slot; counts what was shown. */
static int
show(FILE *f, const struct esgctl_snap *s, const struct esgctl_legs_opts *o,
     uint32_t id, const struct dp_leg_stats *slot, uint64_t now_ns,
     unsigned long *shownp)
{
	struct dp_leg_stats l;
	json_t *j;
	int rc;

	if (!esgctl_leg_copy(slot, &l))
		return 0; /* reused while we read: not one leg's figures */
	if (!o->json) {
		esgctl_leg_print(f, s, id, &l, now_ns);
		(*shownp)++;
		return 0;
	}
	j = esgctl_leg_json(s, id, &l, now_ns);
	if (j == NULL)
		return -EIO;
	if (*shownp > 0)
		fputs(",\n", f);
	fputs("    ", f);
	rc = json_dumpf(j, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	(*shownp)++;
	return rc == 0 ? 0 : -EIO;
}

int
esgctl_legs_show(FILE *f, const struct esgctl_snap *s,
		 const struct dp_leg_stats *legs, uint32_t count,
		 const struct esgctl_legs_opts *o, uint64_t now_ns)
{
	unsigned long shown = 0, in_use = 0;
	unsigned int k;
	uint32_t i;
	int err = 0;

	for (k = 0; k < o->nb_ids; k++)
		if (o->ids[k] >= count)
			return -EINVAL;
	if (o->json)
		fprintf(f,
			"{\n  \"dataplane\": {\"pid\": %" PRIu32
			", \"epoch\": \"%016" PRIx64 "\"},\n"
			"  \"max_legs\": %" PRIu32 ",\n  \"legs\": [\n",
			s->hdr.dp_pid, s->hdr.epoch, count);
	else
		esgctl_legs_header(f);
	for (k = 0; k < o->nb_ids && err == 0; k++)
		err = show(f, s, o, o->ids[k], &legs[o->ids[k]], now_ns,
			   &shown);
	for (i = 0; i < count && err == 0; i++) {
		bool used = __atomic_load_n(&legs[i].in_use, __ATOMIC_RELAXED);

		in_use += used;
		if (o->nb_ids > 0 || (!used && !(o->all && legs[i].gen != 0)))
			continue;
		err = show(f, s, o, i, &legs[i], now_ns, &shown);
	}
	if (err)
		return err;
	if (o->json)
		fprintf(f, "%s  ],\n  \"shown\": %lu,\n  \"in_use\": %lu\n}\n",
			shown > 0 ? "\n" : "", shown, in_use);
	else
		fprintf(f, "%lu shown, %lu in use of %" PRIu32 " slots\n",
			shown, in_use, count);
	return ferror(f) ? -EIO : 0;
}
