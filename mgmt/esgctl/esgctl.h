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
	unsigned int nb_ports;	   /* min(st.nb_ports, DP_MAX_PORTS) */
	unsigned int nb_lcores;	   /* min(st.nb_lcores, DP_MAX_LCORES) */
	unsigned int nb_drops;	   /* min(st.nb_drops, DP_STATS_MAX_DROPS) */
	unsigned int nb_cnts;	   /* min(st.nb_cnts, DP_STATS_MAX_CNTS) */
	unsigned int nb_leg_drops; /* min(st.nb_leg_drops, slots, names) */
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
/* The same, staying attached (*shmp, for the legs region); on error
 * nothing stays attached. */
int esgctl_snap_attach(const char *instance, struct esgctl_snap *snap,
		       struct dp_shm **shmp, char *why, size_t whylen);
/* Normalise a copied snapshot (bounds, NUL-termination); exposed for the
 * unit test. */
void esgctl_snap_clamp(struct esgctl_snap *snap);

/* Sum over lcores. */
uint64_t esgctl_drop_total(const struct esgctl_snap *s, unsigned int i);
uint64_t esgctl_cnt_total(const struct esgctl_snap *s, unsigned int i);

void esgctl_stats_print(FILE *f, const struct esgctl_snap *s);
json_t *esgctl_stats_json(const struct esgctl_snap *s);

/* `esgctl legs`: which slots, and how. */
struct esgctl_legs_opts {
	bool json;
	bool all;	     /* also slots of deleted legs (gen != 0) */
	const uint32_t *ids; /* only these slots, in this order */
	unsigned int nb_ids; /* 0: every slot in use (or used, --all) */
};

/* Copy slot *src into *dst so that the copy is of one generation of the
 * leg (gen unchanged across the copy); false if the writer kept
 * reusing the id. */
bool esgctl_leg_copy(const struct dp_leg_stats *src, struct dp_leg_stats *dst);
/* One leg, text row (after esgctl_legs_header()) or JSON object. now_ns
 * is CLOCK_MONOTONIC, the clock of last_rx_ns. */
void esgctl_legs_header(FILE *f);
void esgctl_leg_print(FILE *f, const struct esgctl_snap *s, uint32_t id,
		      const struct dp_leg_stats *l, uint64_t now_ns);
/* The region's leg drop names as JSON strings (escaped, quoted). */
struct esgctl_leg_keys {
	unsigned int nb;
	char *drop[DP_LEG_STATS_DROPS];
};
int esgctl_legs_keys(const struct esgctl_snap *s, struct esgctl_leg_keys *k);
void esgctl_legs_keys_free(struct esgctl_leg_keys *k);
void esgctl_leg_json(FILE *f, const struct esgctl_leg_keys *k, uint32_t id,
		     const struct dp_leg_stats *l, uint64_t now_ns);
/* Scan count slots and print what o asks for; 0, -EINVAL (an id past
 * the region), -ENOMEM, -EIO (output failed). */
int esgctl_legs_show(FILE *f, const struct esgctl_snap *s,
		     const struct dp_leg_stats *legs, uint32_t count,
		     const struct esgctl_legs_opts *o, uint64_t now_ns);

/* The control plane's status document (esgctl_cp.c): sip, calls, prov. */
#define ESGCTL_CP_STALE_MS 5000	 /* older: the writer stopped */
#define ESGCTL_CP_CALLS_SHOWN 50 /* text rows without --all */

/* /dev/shm/esg.<instance>.cp.json; -EINVAL for a bad name. */
int esgctl_cp_path(const char *instance, char *buf, size_t len);
int64_t esgctl_wall_ms(void);
/*
 * Load and check the document: 0 with *docp; -ENOENT (no file: not
 * running), -ESRCH (its writer is gone), -ESTALE (older than
 * ESGCTL_CP_STALE_MS at now_ms, UTC), -EPROTO (not a document of this
 * version); why says it.
 */
int esgctl_cp_load(const char *instance, int64_t now_ms, json_t **docp,
		   char *why, size_t whylen);
/* {"controlplane": {pid, written_ms, age_ms}, key: doc's section, ...}
 * for the NULL-terminated keys. */
json_t *esgctl_cp_json(const json_t *doc, const char *const *keys,
		       int64_t now_ms);
void esgctl_cp_sip_print(FILE *f, const json_t *doc, int64_t now_ms);
void esgctl_cp_calls_print(FILE *f, const json_t *doc, bool all);
void esgctl_cp_prov_print(FILE *f, const json_t *doc);

#endif
