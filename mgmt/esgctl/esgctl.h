/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esgctl: the command-line tool of esg. For now it reads the stats region
 * of the dataplane's shared segment directly (the REST API comes later).
 * See docs/esgctl.md.
 */
#ifndef ESGCTL_H
#define ESGCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "dp_shm.h"

/* A copy of the segment's header and stats region, taken once, bounded
 * and NUL-terminated before anything is printed: the reader trusts no
 * count or string of the writer. */
struct esgctl_snap {
	struct dp_shm_hdr hdr;
	struct dp_stats st;
	unsigned int nb_ports;	/* min(st.nb_ports, DP_MAX_PORTS) */
	unsigned int nb_lcores; /* min(st.nb_lcores, DP_MAX_LCORES) */
	unsigned int nb_drops;	/* min(st.nb_drops, DP_STATS_MAX_DROPS) */
	unsigned int nb_cnts;	/* min(st.nb_cnts, DP_STATS_MAX_CNTS) */
	uint64_t uptime_ns;
	uint64_t heartbeat_age_ns;
};

/*
 * Attach to instance's segment, copy it into *snap and detach.
 * 0, or a negative errno: -ENOENT / -EAGAIN / -ESRCH (no dataplane, or a
 * segment its dead owner left), -EPROTO (another contract); why says it.
 */
int esgctl_snap_take(const char *instance, struct esgctl_snap *snap, char *why,
		     size_t whylen);
/* Normalise a copied snapshot (bounds, NUL-termination); exposed for the
 * unit test. */
void esgctl_snap_clamp(struct esgctl_snap *snap);

/* Sum over lcores. */
uint64_t esgctl_drop_total(const struct esgctl_snap *s, unsigned int i);
uint64_t esgctl_cnt_total(const struct esgctl_snap *s, unsigned int i);

void esgctl_stats_print(FILE *f, const struct esgctl_snap *s);
json_t *esgctl_stats_json(const struct esgctl_snap *s);

#endif
