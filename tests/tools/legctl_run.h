/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl at run time: the jobs (parsed commands), the link to the
 * dataplane (controlplane/cp_dp.c, the control plane's own), the loop
 * that sends, waits for RESULTs, answers PINGs and prints events.
 */
#ifndef LEGCTL_RUN_H
#define LEGCTL_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cp_dp.h"
#include "legctl.h"

/* Exit codes */
#define LEGCTL_EXIT_OK 0
#define LEGCTL_EXIT_FAILED 1 /* a command failed or got no RESULT */
#define LEGCTL_EXIT_USAGE 2  /* bad options or bad input */
#define LEGCTL_EXIT_ATTACH 3 /* no dataplane, another control plane... */

enum legctl_job_state {
	LEGCTL_JOB_QUEUED,
	LEGCTL_JOB_SENT,
	LEGCTL_JOB_DONE,
};

struct legctl_job {
	struct legctl_cmd cmd;
	enum legctl_job_state state;
	uint32_t seq;
	int status; /* RESULT status; -ENOTCONN: dataplane gone */
};

struct legctl_run {
	/* options */
	char instance[33];
	bool json;
	bool events;	     /* print events; run until a signal */
	bool follow;	     /* read stdin while attached */
	bool keep_going;     /* go on after a failed command */
	bool force;	     /* attach even if a control plane seems there */
	int64_t stay_ms;     /* after the commands; -1: not asked */
	uint32_t timeout_ms; /* per RESULT */
	uint32_t wait_ms;    /* for the dataplane at start */
	uint32_t window;     /* commands in flight */
	int verbose;
	/* jobs */
	struct legctl_job *jobs;
	size_t nb_jobs;
	size_t cap_jobs;
	size_t next; /* next job to send */
	unsigned int inflight;
	unsigned int failed;
	bool stopped; /* a failure without keep_going: send no more */
	uint64_t sleep_until_ns;
	/* follow mode: stdin */
	char inbuf[LEGCTL_LINE_MAX + 1];
	size_t inlen;
	bool in_eof;
	unsigned int lineno;
	unsigned int bad_lines;
	/* link */
	struct cp_dp *dp;
	uint64_t epoch; /* attached one, 0: none */
	uint64_t stay_until_ns;
	volatile sig_atomic_t *quit;
};

int legctl_job_add(struct legctl_run *r, const struct legctl_cmd *cmd);
/* Parse a line (script or follow mode) into a job; bad: reported. */
int legctl_line(struct legctl_run *r, char *line, unsigned int lineno);
int legctl_run(struct legctl_run *r);

/* legctl_out.c */
void legctl_out_result(const struct legctl_run *r, const struct legctl_job *j,
		       const char *why);
void legctl_out_event(const struct legctl_run *r, const union dp_msg *m);
void legctl_out_attached(const struct legctl_run *r, uint64_t epoch,
			 uint32_t dp_pid, uint32_t max_legs);
void legctl_out_detached(const struct legctl_run *r, uint64_t epoch);
void legctl_out_error(const struct legctl_run *r, unsigned int line,
		      const char *reason);

#endif
