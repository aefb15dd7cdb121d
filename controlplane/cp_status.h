/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's status document (docs/esgctl.md "Control plane
 * status"): one JSON object with the SIP listeners and counters, the
 * registrations, the live calls and the provisioning state, written to
 * /dev/shm/esg.<instance>.cp.json (next to the dataplane's segment, mode
 * 0640) for `esgctl sip|calls|prov` until the REST API exists.
 *
 * The file is replaced atomically (a temporary file in the same
 * directory, then rename(2)): a reader sees the previous document or the
 * new one, never a part. It is rewritten every second, and within
 * CP_STATUS_MIN_MS of a state change (listeners bound, a tenant's
 * registration, the keep-alive, provisioning), and removed when the
 * process ends cleanly; the document carries the writer's pid and wall
 * time so that a reader tells a stale one (a crashed process) apart.
 *
 * The builder is pure (times are inputs, STYLE rule 7) so that the unit
 * test checks the document; the writer is the libre timer around it.
 * Functions return 0 or a positive errno.
 */
#ifndef CP_STATUS_H
#define CP_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "esg_conf.h"

#define CP_STATUS_VERSION 1
#define CP_STATUS_PERIOD_MS 1000 /* rewritten at least this often */
#define CP_STATUS_MIN_MS 100	 /* a state change: at most this soon */
#define CP_STATUS_MAX_CALLS 1000 /* calls listed; "total" counts all */
#define CP_STATUS_MAX_BINDINGS 1000

struct cp_sip;
struct cp_sipguard;
struct cp_reg;
struct cp_cac;
struct cp_b2bua;
struct cp_prov;

/* What the document is made of; any but conf may be NULL (not running:
 * its part of the document is null). Pointers are kept: they must
 * outlive the writer. */
struct cp_status_src {
	const struct esg_conf *conf;
	const struct cp_sip *sip;
	const struct cp_sipguard *guard;
	const struct cp_reg *reg;
	const struct cp_cac *cac;
	const struct cp_b2bua *b2bua;
	const struct cp_prov *prov; /* NULL: provisioning not configured */
};

struct odict;

/*
 * Build the document (libre's odict, json_encode_odict() writes it):
 * now_ms of libre's clock (tmr_jiffies(), the clock of every module's
 * times), wall_ms the UTC time of writing in ms, pid the writer's. At
 * most max_calls calls and max_bindings bindings are listed, the totals
 * count all. ENOMEM: no document (never a partial one).
 */
int cp_status_build(struct odict **docp, const struct cp_status_src *src,
		    int pid, uint64_t now_ms, int64_t wall_ms,
		    unsigned int max_calls, unsigned int max_bindings);
/* /dev/shm/esg.<instance>.cp.json; EINVAL for a bad instance name. */
int cp_status_path(const char *instance, char *buf, size_t len);
/* Write doc to path atomically (path.tmp.<pid> in the same directory,
 * then rename), mode 0640. */
int cp_status_write(const char *path, const struct odict *doc);
/*
 * A digest of the states whose change is worth a write before the next
 * period (listeners bound, registrations, keep-alive, provisioning).
 */
uint64_t cp_status_digest(const struct cp_status_src *src);

struct cp_status;

/* Start writing the document for conf->instance (first write at once);
 * the file is removed when *stp is freed. */
int cp_status_alloc(struct cp_status **stp, const struct cp_status_src *src);

#endif
