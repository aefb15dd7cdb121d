/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A fake esg-dataplane for the B2BUA tests: a segment made by this process
 * (dp_shm_create(), no EAL, as tests/unit/controlplane/test_cp_leg.c
 * does) and a model of the legs the commands install, so a test can ask
 * "which legs are live, bound to what, with which remote" and prove that
 * nothing is left when a call ends. Every command is checked against the
 * model (a command for a leg that does not exist, an ADD of a live id or
 * of an endpoint in use counts as an error) and answered like the real
 * dataplane would.
 */
#ifndef TEST_CP_CALL_FDP_H
#define TEST_CP_CALL_FDP_H

#include <stdbool.h>
#include <stdint.h>

#include <re.h>

#include "cp_dp.h"
#include "dp_shm.h"
#include "media/cp_leg.h"

#define FDP_LEGS 64

struct fdp_leg {
	bool live;
	uint16_t ifport;
	int af;
	uint8_t addr[16];
	uint16_t rtp;
	uint16_t rtcp;
	uint8_t flags;
	uint32_t idle_ms;
	uint32_t clock_hz;
	uint32_t peer; /* DP_LEG_NONE */
	bool has_remote;
	struct sa remote;
	uint16_t remote_rtcp;
	unsigned int relatches;
};

struct fdp {
	char inst[32];
	struct dp_shm *shm;
	struct cp_dp *dp;
	struct cp_leg_tbl *tbl;
	uint64_t now;
	struct fdp_leg leg[FDP_LEGS];
	unsigned int errors; /* commands the model refused */
	unsigned int cmds;   /* commands seen */
	unsigned int adds;   /* LEG_ADD seen */
	unsigned int dels;   /* LEG_DEL seen */
	int fail_add;	     /* answer the next LEG_ADD with this (< 0) */
};

/* A linked, attached fake; the table in f->tbl. */
void fdp_open(struct fdp *f);
/* Answer every command on the ring and let the table see the results
 * (several rounds, until nothing is left). */
void fdp_run(struct fdp *f);
/* Send LEG_INACTIVE for id and let the table deliver it. */
void fdp_inactive(struct fdp *f, uint32_t id);
unsigned int fdp_live(const struct fdp *f);
void fdp_close(struct fdp *f);

#endif
