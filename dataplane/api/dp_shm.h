/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory segment between esg-dataplane (creator, owner) and
 * esg-controlplane / esgctl (attachers). Layout, from offset 0:
 *
 *   struct dp_shm_hdr      magic, version, size table, epoch, heartbeat,
 *                          region table
 *   command ring           cp -> dp, union dp_msg slots, SP/SC
 *   event ring             dp -> cp, union dp_msg slots, SP/SC
 *   punt ring              dp -> cp, struct dp_pkt_msg slots
 *   inject ring            cp -> dp, struct dp_pkt_msg slots
 *   stats region           struct dp_stats
 *   legs region            struct dp_leg_stats[max_legs], by leg id
 *
 * Rings are rte_rings initialised in place with rte_ring_init(); they need
 * no EAL. A consumer copies a message out of the ring before it validates
 * it and never trusts the peer's view of the ring: see dp_shm.c.
 * Functions return 0 or a negative errno (dataplane convention).
 */
#ifndef DP_SHM_H
#define DP_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_msg.h"
#include "dp_stats.h"

#define DP_SHM_MAGIC 0x31304d4853475345ULL /* "ESGSHM01" little-endian */
#define DP_API_VERSION 3
#define DP_SHM_DIR "/dev/shm"
#define DP_SHM_MAX_LEGS (1u << 24)

enum dp_shm_region_id {
	DP_SHM_R_CMD,
	DP_SHM_R_EVT,
	DP_SHM_R_PUNT,
	DP_SHM_R_INJECT,
	DP_SHM_R_STATS,
	DP_SHM_R_LEGS,
	DP_SHM_R_MAX
};

struct dp_shm_region {
	uint64_t off;	/* from the start of the segment */
	uint64_t size;	/* bytes */
	uint32_t count; /* ring slots, leg slots; 0 for the stats region */
	uint32_t esize; /* bytes per slot; 0 for the stats region */
};

enum dp_shm_state {
	DP_SHM_STATE_INIT = 0,
	DP_SHM_STATE_RUNNING = 1,
	DP_SHM_STATE_STOPPING = 2,
};

/* What both sides must agree on; compared field by field at attach. */
struct dp_shm_sizes {
	uint32_t hdr;
	uint32_t msg_slot;
	uint32_t pkt_slot;
	uint32_t stats;
	uint32_t stats_port;
	uint32_t stats_lcore;
	uint32_t leg_stats;
	uint32_t nb_msg;  /* DP_MSG_MAX */
	uint16_t msg[32]; /* sizeof each message, by type */
};

struct dp_shm_hdr {
	uint64_t magic;	  /* written last at create, cleared first at destroy */
	uint32_t version; /* DP_API_VERSION */
	uint32_t state;	  /* enum dp_shm_state */
	uint64_t total_size;
	uint64_t epoch;	       /* new on every dataplane start */
	uint64_t heartbeat_ns; /* dataplane main lcore, CLOCK_MONOTONIC */
	uint64_t started_ns;   /* CLOCK_REALTIME at create */
	uint32_t dp_pid;
	uint32_t cp_pid;      /* last control plane that attached */
	uint64_t cp_attaches; /* how many times a control plane attached */
	struct dp_shm_sizes sizes;
	struct dp_shm_region region[DP_SHM_R_MAX];
	uint8_t pad[64];
};

/* Ring sizes used by the dataplane (powers of two). */
struct dp_shm_params {
	uint32_t cmd_count;
	uint32_t evt_count;
	uint32_t punt_count;
	uint32_t inject_count;
	uint32_t max_legs; /* legs region slots, 1 .. 1 << 24 */
};
#define DP_SHM_PARAMS_DEFAULT                                                  \
	{                                                                      \
		.cmd_count = 4096, .evt_count = 4096, .punt_count = 256,       \
		.inject_count = 256, .max_legs = 65536                         \
	}

/* Counters of what a side refused; each side has its own. */
struct dp_shm_side_stats {
	uint64_t rx;	       /* messages accepted */
	uint64_t rx_bad;       /* messages that did not validate, dropped */
	uint64_t tx;	       /* messages sent */
	uint64_t tx_full;      /* messages not sent: ring full */
	uint64_t ring_corrupt; /* ring header changed under us */
};

struct dp_shm; /* opaque: a mapping plus what we expect of it */

/* The path of the segment for an instance name: /dev/shm/esg.<name>. */
int dp_shm_path(const char *instance, char *buf, size_t len);

/* Dataplane: create (replacing a stale segment) and own. */
int dp_shm_create(const char *instance, const struct dp_shm_params *p,
		  struct dp_shm **shmp);
/* Dataplane: mark stopping, clear magic, unmap, unlink. */
void dp_shm_destroy(struct dp_shm *shm);

/*
 * Control plane / esgctl: map an existing segment and check it.
 * -ENOENT: no segment (dataplane not up), -EAGAIN: being created,
 * -EPROTO: version or size mismatch, -EBADF: not a segment (bad magic,
 * truncated, inconsistent region table). why gets a one-line reason.
 */
int dp_shm_attach(const char *instance, struct dp_shm **shmp, char *why,
		  size_t whylen);
void dp_shm_detach(struct dp_shm *shm);

/* Check a mapped header against what this build expects (used by attach;
 * exposed for tests). */
int dp_shm_check_hdr(const struct dp_shm_hdr *h, uint64_t file_size, char *why,
		     size_t whylen);

struct dp_shm_hdr *dp_shm_hdr(struct dp_shm *shm);
struct dp_stats *dp_shm_stats(struct dp_shm *shm);
/* The legs region: *countp slots indexed by leg id. */
struct dp_leg_stats *dp_shm_legs(struct dp_shm *shm, uint32_t *countp);
/* Of the legs region's *sizep bytes, *hugep are mapped by 2 MiB pages in
 * this process (/proc/self/smaps: ShmemPmdMapped, FilePmdMapped). 0, or
 * -errno when smaps cannot be read. */
int dp_shm_legs_huge(const struct dp_shm *shm, uint64_t *hugep,
		     uint64_t *sizep);
const struct dp_shm_side_stats *dp_shm_side_stats(const struct dp_shm *shm);

/* Dataplane main lcore: publish liveness. */
void dp_shm_heartbeat(struct dp_shm *shm, uint64_t now_ns);
/* Attacher: has the dataplane beaten within timeout_ns of now_ns? */
bool dp_shm_alive(const struct dp_shm *shm, uint64_t now_ns,
		  uint64_t timeout_ns);
/* Attacher: is the mapped segment still the one at the path (same file,
 * same epoch)? false after a dataplane restart. */
bool dp_shm_current(const struct dp_shm *shm);

/*
 * Messages. send copies n messages into the ring (all or as many as fit)
 * and returns how many; recv copies up to n out, validates each and
 * returns only the good ones (bad ones are counted in rx_bad and dropped).
 * A ring whose header no longer matches what was set up returns -EFAULT.
 */
int dp_shm_cmd_send(struct dp_shm *shm, const union dp_msg *m, unsigned int n);
int dp_shm_cmd_recv(struct dp_shm *shm, union dp_msg *m, unsigned int n);
int dp_shm_evt_send(struct dp_shm *shm, const union dp_msg *m, unsigned int n);
int dp_shm_evt_recv(struct dp_shm *shm, union dp_msg *m, unsigned int n);

/* Packets: punt (dp -> cp) and inject (cp -> dp). len <= DP_PKT_MAX. */
int dp_shm_punt_send(struct dp_shm *shm, const struct dp_pkt_msg *p);
int dp_shm_punt_recv(struct dp_shm *shm, struct dp_pkt_msg *p);
int dp_shm_inject_send(struct dp_shm *shm, const struct dp_pkt_msg *p);
int dp_shm_inject_recv(struct dp_shm *shm, struct dp_pkt_msg *p);

/* Raw access for tests that play a misbehaving peer. */
void *dp_shm_base(struct dp_shm *shm);
uint64_t dp_shm_size(const struct dp_shm *shm);

/* Monotonic nanoseconds, the clock of the heartbeat. */
uint64_t dp_shm_now_ns(void);

#endif
