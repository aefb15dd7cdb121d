/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's link to esg-dataplane over the shared segment
 * (dataplane/api/dp_shm.h): attach (and wait for the dataplane), notice a
 * dead or replaced dataplane (heartbeat, epoch) and re-attach, PING/PONG in
 * both directions, commands with sequence numbers matched to their RESULT,
 * and dispatch of events. See docs/controlplane.md.
 *
 * Time is an input (STYLE rule 7): every entry point takes now_ns, the
 * CLOCK_MONOTONIC nanoseconds of dp_shm_now_ns() in production, so tests
 * drive the link without sleeping. The link itself has no timer; the
 * caller polls it (cp_main.c: every millisecond).
 * Functions return 0 or a positive errno (control plane convention).
 */
#ifndef CP_DP_H
#define CP_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_msg.h"
#include "dp_shm.h"

#define CP_DP_NAME_LEN 16

struct cp_dp_cfg {
	char instance[33];	    /* segment /dev/shm/esg.<instance> */
	uint64_t attach_timeout_ns; /* first attach only; 0 = forever */
	uint64_t retry_ns;	    /* attach retry / epoch check interval */
	uint64_t dead_ns;	    /* heartbeat older than this = gone */
	uint64_t ping_interval_ns;  /* 0 = no pings */
	uint64_t result_timeout_ns; /* command without RESULT: report */
	char port_name[DP_MAX_PORTS][CP_DP_NAME_LEN]; /* for logs; "" = # */
};

enum cp_dp_state {
	CP_DP_WAITING,	/* no dataplane attached; retrying */
	CP_DP_ATTACHED, /* rings in use */
	CP_DP_FAILED,	/* contract mismatch or attach timeout: stop */
};

/* The link's own counters (kept across attaches). */
struct cp_dp_counters {
	uint64_t tx;		/* messages sent on the command ring */
	uint64_t tx_full;	/* not sent: command ring full */
	uint64_t rx;		/* valid messages taken from the event ring */
	uint64_t rx_bad;	/* did not validate: dropped (dp_shm counts) */
	uint64_t rx_unexpected; /* valid but not expected (unknown seq...) */
	uint64_t ring_corrupt;	/* a ring header changed under us */
	uint64_t pings_tx;
	uint64_t pongs_rx;
	uint64_t pings_rx; /* PINGs of the dataplane */
	uint64_t pongs_tx;
	uint64_t rtt_last_ns;
	uint64_t rtt_min_ns;
	uint64_t rtt_max_ns;
	uint64_t rtt_sum_ns; /* over pongs_rx */
	uint64_t results_ok;
	uint64_t results_failed;
	uint64_t results_timeout; /* no RESULT within result_timeout_ns */
	uint64_t attaches;
	uint64_t losses; /* dataplane gone: dead, replaced or corrupt */
};

struct cp_dp;

/* Called after every attach (the first and each re-attach), so the owner
 * can push its state to a dataplane that may have started empty. */
typedef void(cp_dp_attach_h)(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns,
			     void *arg);
/* The RESULT of a command (status 0 or a negative errno from the
 * dataplane), or ETIMEDOUT as -ETIMEDOUT when none came in time. */
typedef void(cp_dp_result_h)(const union dp_msg *cmd, int status, void *arg);

/* A media leg event (LEG_LATCHED, LEG_INACTIVE), already validated. The
 * media leg table (controlplane/media/cp_leg.c) installs itself here;
 * without a handler the link logs the event. */
typedef void(cp_dp_leg_h)(const union dp_msg *evt, uint64_t now_ns, void *arg);

/* ADDR_PROBED: the outcome of an ADDR_PROBE (cp_dp_addr_probe), already
 * validated: port, family, addr and token as sent; conflict 1 with the
 * other host's MAC (zero when unknown), or 0. Without a handler the link
 * logs it. */
typedef void(cp_dp_probe_h)(const struct dp_msg_addr_probed *evt,
			    uint64_t now_ns, void *arg);

int cp_dp_alloc(struct cp_dp **dpp, const struct cp_dp_cfg *cfg,
		uint64_t now_ns, cp_dp_attach_h *attachh, void *arg);
/*
 * Do what is due at now_ns: attach attempt, event ring, liveness, ping.
 * Returns 0, or the reason to stop: EPROTO (contract mismatch), ETIMEDOUT
 * (no dataplane within attach_timeout_ns), or what attach reported for a
 * condition that will not fix itself (EINVAL, EACCES...).
 */
int cp_dp_poll(struct cp_dp *dp, uint64_t now_ns);
/*
 * Send a command. The caller fills type and body; hdr.seq and hdr.len are
 * set here. resh (may be NULL) gets the RESULT. PING/PONG get none.
 * ENOTCONN: not attached; ENOBUFS: ring full or too many pending; EINVAL:
 * the message does not validate as a command.
 */
int cp_dp_send(struct cp_dp *dp, union dp_msg *m, uint64_t now_ns,
	       cp_dp_result_h *resh, void *arg);

/* Route leg events to legh (NULL: back to logging them). */
void cp_dp_set_leg_h(struct cp_dp *dp, cp_dp_leg_h *legh, void *arg);

/*
 * IF_GW: make addr (struct in_addr / in6_addr bytes of family) the default
 * gateway of that family on port, or clear it with addr NULL. The RESULT
 * (resh) is 0, -ENODEV, -EINVAL (an own address) or -EHOSTUNREACH (not
 * on-link: IPv4 outside the interface's prefixes, IPv6 neither link-local
 * nor inside one: add the address first). Returns what cp_dp_send does.
 */
int cp_dp_if_gw(struct cp_dp *dp, uint16_t port, int family, const void *addr,
		uint64_t now_ns, cp_dp_result_h *resh, void *arg);
/*
 * ADDR_PROBE: ask the dataplane whether addr is in use on port's link
 * (IPv4: RFC 5227 ARP probes; IPv6: RFC 4862 DAD), probes packets
 * (1..DP_PROBE_NUM_MAX) interval_ms apart (DP_PROBE_IV_MIN_MS..MAX). The
 * RESULT is 0 (accepted: one ADDR_PROBED with token follows, after
 * probes * interval_ms or at the first conflict), -ENODEV, -EEXIST
 * (already an own address), -EBUSY (being probed) or -ENOSPC
 * (DP_PROBE_MAX in flight on port). A dataplane restart loses a probe:
 * time it out (a little after probes * interval_ms).
 */
int cp_dp_addr_probe(struct cp_dp *dp, uint16_t port, int family,
		     const void *addr, uint8_t probes, uint32_t interval_ms,
		     uint32_t token, uint64_t now_ns, cp_dp_result_h *resh,
		     void *arg);
/* Route ADDR_PROBED events to probeh (NULL: back to logging them). */
void cp_dp_set_probe_h(struct cp_dp *dp, cp_dp_probe_h *probeh, void *arg);

enum cp_dp_state cp_dp_state(const struct cp_dp *dp);
uint64_t cp_dp_epoch(const struct cp_dp *dp); /* 0 when not attached */
struct dp_shm *cp_dp_shm(struct cp_dp *dp);   /* NULL when not attached */
unsigned int cp_dp_pending(const struct cp_dp *dp);
void cp_dp_counters(const struct cp_dp *dp, struct cp_dp_counters *c);
void cp_dp_log_counters(const struct cp_dp *dp);
const char *cp_dp_state_name(enum cp_dp_state state);

#endif
