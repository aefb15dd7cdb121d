/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-relay: the relay's fast-path ceiling (docs/performance.md
 * "Relay fast path"). Shared between the benchmark's files:
 *   bench_relay.c  options, EAL, the runs, the table and the JSON
 *   bench_pkt.c    address plan, packet building, output checking
 *   bench_gen.c    the generator lcore (saturated and paced phases)
 *   bench_dut.c    the dataplane under test: ports, legs, the worker
 *   bench_feed.c   --feed prebuilt: the worker feeds itself from a set
 */
#ifndef BENCH_RELAY_H
#define BENCH_RELAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_stats.h"

/*
 * Four interfaces: side A of every call on interfaces 0 and 1, side B on
 * 2 and 3, eight addresses per family on each. Four, not two, because a
 * million legs without rtcp-mux need two million local ports: two
 * interfaces of eight addresses each give 8 x 64512 x 2.
 */
#define BENCH_NB_IF 4
#define BENCH_NB_ADDR 8
#define BENCH_PORT_MIN 1024u /* dataplane.media_port_min for the run */
#define BENCH_PORT_MAX 65535u
#define BENCH_IP_LEN 200u   /* IP total length of every injected packet */
#define BENCH_FRAME_MAX 256 /* room for the largest frame (v4 -> v6) */
#define BENCH_HDR_MAX 64    /* Ethernet + IPv6 + UDP = 62 */
#define BENCH_BURST 32
#define BENCH_MAX_RUNS 20
#define BENCH_HIST_SUB 16 /* sub-buckets per power of two (~6 %) */
#define BENCH_HIST_BUCKETS (48 * BENCH_HIST_SUB)

enum bench_case_id {
	BENCH_V4_V4,
	BENCH_V4_V6,
	BENCH_V6_V4,
	BENCH_RTCP_MUX,
	BENCH_NB_CASES,
};

struct bench_case {
	const char *name; /* "v4-v4": command line, table, JSON */
	int fam_a;	  /* family of side A (receives the traffic) */
	int fam_b;	  /* family of side B */
	bool mux;	  /* legs with rtcp-mux; packets are RTCP */
	bool both_ways;	  /* same family both sides: B legs receive too */
};

extern const struct bench_case bench_cases[BENCH_NB_CASES];

/* Which legs exist and which receive: everything derives from the leg id
 * (bench_pkt.c), so the generator keeps no per-leg state. */
struct bench_plan {
	const struct bench_case *c;
	uint32_t nb_legs; /* legs installed: nb_legs / 2 bound pairs */
	/* receiving legs per interface, in a random order */
	uint32_t *rx_legs[BENCH_NB_IF];
	uint32_t nb_rx_legs[BENCH_NB_IF];
	/* L4 payload checksum part that does not depend on the leg */
	uint32_t payload_sum;
	/* per interface: a packet's headers without the leg's parts */
	uint8_t hdr[BENCH_NB_IF][BENCH_HDR_MAX];
	uint32_t ip_sum[BENCH_NB_IF]; /* IPv4 header sum of hdr */
	uint64_t l4_const; /* UDP sum that does not depend on the leg */
};

/* Where one leg lives. Addresses network order, ports host order. */
struct bench_leg {
	int family;
	unsigned int ifidx;
	uint8_t local[16];
	uint16_t local_rtp;
	uint16_t local_rtcp; /* 0 with rtcp-mux */
	uint8_t remote[16];
	uint16_t remote_rtp;
	uint32_t ssrc;
};

/* bench_pkt.c */
int bench_plan_init(struct bench_plan *p, const struct bench_case *c,
		    uint32_t nb_legs, uint64_t seed);
void bench_plan_free(struct bench_plan *p);
uint32_t bench_plan_max_legs(const struct bench_case *c);
void bench_leg(const struct bench_plan *p, uint32_t leg, struct bench_leg *l);
void bench_if_mac(unsigned int ifidx, uint8_t mac[6]);
void bench_gw_mac(unsigned int ifidx, uint8_t mac[6]);
void bench_if_addr(unsigned int ifidx, int family, unsigned int a,
		   uint8_t addr[16]);
void bench_if_gw(unsigned int ifidx, int family, uint8_t addr[16]);
uint8_t bench_if_plen(int family);
/* Write the frame for a packet to leg `leg`, its round and timestamp. */
uint16_t bench_pkt_build(const struct bench_plan *p, uint8_t *frame,
			 uint32_t leg, uint32_t round, uint64_t tsc);
/* The payload bytes no packet changes (once per fresh mbuf). */
void bench_pkt_payload(const struct bench_plan *p, uint8_t *frame);
/* Offset of the L4 payload in an injected frame. */
uint16_t bench_in_payload_off(const struct bench_plan *p);
uint16_t bench_out_payload_off(const struct bench_plan *p);
/* The interface a receiving leg's packets leave from (its peer's). */
static inline unsigned int
bench_out_if(uint32_t leg)
{
	uint32_t peer = leg ^ 1;

	return (peer & 1) * 2 + ((peer >> 1) & 1);
}
/* The relayed frame: where its marker is (offset of the timestamp). */
uint16_t bench_out_marker_off(const struct bench_plan *p);
uint16_t bench_out_len(const struct bench_plan *p);
/* Full check of one relayed frame that left interface ifidx; 0 or -1
 * with why filled. */
int bench_pkt_check(const struct bench_plan *p, const uint8_t *frame,
		    uint32_t len, unsigned int ifidx, char *why, size_t whylen);
/* Check an injected frame (--selftest); 0 or -1. */
int bench_in_check(const struct bench_plan *p, const uint8_t *frame,
		   uint32_t leg);
/* RFC 1071 sum, byte by byte: the checker's own, not the relay's. */
uint16_t bench_csum_ref(const uint8_t *buf, size_t len, uint32_t sum);

/* A log-linear histogram of TSC cycles. */
struct bench_hist {
	uint64_t n;
	uint64_t b[BENCH_HIST_BUCKETS];
};
void bench_hist_add(struct bench_hist *h, uint64_t v);
uint64_t bench_hist_pct(const struct bench_hist *h, double pct);

/* The worker's counters the benchmark reads (its dp_stats_lcore). */
struct bench_dut_cnt {
	uint64_t relay_tx;
	uint64_t polls;
	uint64_t busy_polls;
	uint64_t drops[DP_DROP_MAX];
	uint64_t relay_cycles; /* --loop burst: TSC inside the relay */
	uint64_t relay_pkts;   /* --loop burst: packets given to it */
	uint64_t slow;	       /* frames handed to the main lcore */
	uint64_t latched;      /* LEG_LATCHED events */
};

/* bench_dut.c: the real dataplane, one worker. */
struct bench_dut_port {
	struct rte_ring *rx;	/* generator -> worker: the port's RX queue */
	struct rte_ring *tx[2]; /* worker (0), main lcore (1) -> generator */
};
struct bench_dut_opts {
	unsigned int worker_lcore;
	bool burst_loop;    /* own minimal loop instead of dp_worker_main() */
	uint8_t leg_flags;  /* DP_LEG_F_* of every leg */
	bool leg_stats_eal; /* per-leg counters in EAL memory, not the shm */
};
int bench_dut_init(const struct bench_dut_opts *o, uint32_t max_legs,
		   struct rte_mempool *pool, struct bench_dut_port *ports);
int bench_dut_legs_install(const struct bench_plan *p);
int bench_dut_legs_clear(const struct bench_plan *p);
int bench_dut_start(void);
int bench_dut_stop(void);
void bench_dut_read(struct bench_dut_cnt *c);
/* Print every non-zero dataplane counter (--verbose). */
void bench_dut_dump(FILE *f);
/* The main lcore's periodic work (the generator calls it). */
void bench_dut_tick(void);
void bench_dut_fini(void);

/* bench_gen.c: the generator, on the main lcore. */
struct bench_gen_opts {
	unsigned int window;	  /* packets in flight when saturating */
	unsigned int check_every; /* full check of 1 in N relayed */
	double warmup_s;	  /* saturated, not measured */
	double duration_s;	  /* saturated, measured */
	double lat_s;		  /* paced phase */
	double lat_load;	  /* paced rate: this share of the measured */
	unsigned int lat_burst;	  /* packets per paced injection */
};

struct bench_run {
	double mpps;		  /* relayed per second, measured phase; --feed
		      * prebuilt: the whole loop, restore included */
	double relay_mpps;	  /* --feed prebuilt: the relay calls only */
	uint64_t fed;		  /* --feed prebuilt: packets measured */
	double cyc_per_pkt;	  /* worker TSC cycles per relayed packet */
	double relay_cyc_per_pkt; /* --loop burst: inside the relay only */
	double busy;	     /* share of the worker's polls that got packets */
	double gen_cap_mpps; /* what the generator could recycle: packets
			      * per second of its turns that moved some */
	double gen_cpu;	     /* CPU time the generator thread had / wall */
	double worker_cpu;   /* the same for the worker thread */
	double gen_empty;    /* share of the generator's top-ups that found
			     * the RX ring empty (generator-bound when high) */
	uint64_t relayed;    /* in the measured phase */
	double lat_rate_mpps;
	double lat_ns[3]; /* p50, p99, p99.9 */
	uint64_t lat_n;
	uint64_t checked;	     /* fully checked relayed packets */
	uint64_t bad;		     /* packets that failed a check */
	uint64_t lost;		     /* injected and never returned */
	uint64_t drops[DP_DROP_MAX]; /* worker drops in the whole run */
	uint64_t slow;		     /* frames the worker punted, whole run */
	uint64_t latched;	     /* LEG_LATCHED events, whole run */
	char why[160];		     /* first failed check */
};

struct bench_gen {
	const struct bench_plan *plan;
	struct bench_dut_port *ports;
	struct rte_mempool *pool;
	unsigned int worker_lcore;
	struct bench_gen_opts o;
	uint64_t tsc_hz;
};
int bench_gen_run(struct bench_gen *g, struct bench_run *r);

/* bench_feed.c: --feed prebuilt, on the worker lcore. */
struct bench_feed_opts {
	unsigned int nb_pkts;	  /* the prebuilt set */
	unsigned int check_every; /* full check of 1 in N relayed */
	double warmup_s;	  /* not measured */
	double duration_s;	  /* measured */
};
/* The set's mempool (once, before any run); nb_pkts at most. */
int bench_feed_init(unsigned int nb_pkts);
/* One run; the worker lcore must not be running dp_worker_main. */
int bench_feed_run(const struct bench_plan *p, const struct bench_feed_opts *o,
		   unsigned int worker_lcore, struct bench_run *r);
void bench_feed_fini(void);

#endif
