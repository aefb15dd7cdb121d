/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running dataplane: configuration, ports, lcores, the shared segment.
 * One instance (dp_g), set up by dp_main.c before the lcores start; after
 * that each field has one writer, named in its comment.
 */
#ifndef DP_STATE_H
#define DP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#include "dp.h"
#include "dp_shm.h"
#include "esg_conf.h"

struct rte_ring;
struct rte_rcu_qsbr;

struct dp_state {
	struct esg_conf conf;
	char instance[40];
	struct dp_shm *shm;
	struct dp_stats *stats;
	struct rte_mempool *pool;
	unsigned int nb_ifaces;
	struct dp_iface iface[DP_MAX_PORTS];
	int16_t port2if[RTE_MAX_ETHPORTS]; /* ethdev -> iface, -1 */
	unsigned int nb_workers;
	/* per worker (index = lcore idx): worker -> main lcore, SP/SC */
	struct rte_ring *exc_ring[DP_MAX_LCORES];
	struct rte_rcu_qsbr *qsbr; /* workers' quiescent states */
	struct dp_relay *relay;	   /* media legs (dataplane/relay/) */
	struct dp_lcore lcore[DP_MAX_LCORES];
	volatile bool quit; /* set by the signal handler */
	/* main lcore */
	uint64_t ping_token;
	uint64_t last_pong_ns;
	bool cmd_ring_broken;
	bool eal_up;
};

extern struct dp_state dp_g;

/* dp_eal.c */
#define DP_EAL_MAX_ARGS (ESG_CONF_MAX_EAL_ARGS + ESG_CONF_MAX_IFACES * 2 + 16)
struct dp_eal_args {
	int argc;
	char *argv[DP_EAL_MAX_ARGS + 1];
	char buf[8192];
	size_t used;
};
bool dp_dev_is_vdev(const char *device);
int dp_eal_args_build(const struct esg_conf *c, const char *instance,
		      const char *prog, struct dp_eal_args *ea, char *err,
		      size_t errlen);

/* dp_port.c */
int dp_port_open(struct dp_iface *ifc, const struct esg_conf_iface *ci,
		 const struct esg_conf_dataplane *dc, unsigned int nb_workers,
		 struct rte_mempool *pool, char *err, size_t errlen);
int dp_tun_open(struct dp_iface *ifc, struct rte_mempool *pool, char *err,
		size_t errlen);
void dp_port_close(struct dp_iface *ifc);
/* Refresh link state; true when it changed. */
bool dp_port_link_poll(struct dp_iface *ifc);
void dp_port_hw_stats(const struct dp_iface *ifc, struct dp_stats_port *sp);

/* dp_ctl.c (main lcore) */
int dp_addr_init(struct dp_iface *ifc, const struct esg_conf_iface *ci);
/* RFC 4291 2.5.6: add the interface's own link-local address, fe80::/64
 * with the modified EUI-64 of its MAC (RFC 4291 2.5.1, Appendix A). */
int dp_addr_add_ll(struct dp_iface *ifc);
int dp_addr_change(struct dp_state *s, struct dp_iface *ifc, bool add,
		   int family, const uint8_t *addr, uint8_t plen);
/* IF_GW: gw (NULL: clear) as the default gateway of family; 0,
 * -EINVAL (own address), -EHOSTUNREACH (not on-link), -ENOMEM or the
 * kernel's error for the exception interface's default route. */
int dp_gw_change(struct dp_state *s, struct dp_iface *ifc, int family,
		 const uint8_t *gw);
void dp_ctl_poll(struct dp_state *s, struct dp_lcore *lc);
void dp_ctl_evt(struct dp_lcore *lc, const union dp_msg *m);
void dp_ctl_if_state(struct dp_lcore *lc, const struct dp_iface *ifc);
void dp_ctl_ping(struct dp_state *s, struct dp_lcore *lc);

/* dp_ctl.c (main lcore): apply a LEG_* command (dp_relay_cmd()); 0, a
 * count (LEG_BULK_DEL) or a negative errno for its RESULT. */
int dp_leg_cmd(struct dp_state *s, struct dp_lcore *lc, const union dp_msg *c);

/* dp_loop.c */
int dp_worker_main(void *arg);
void dp_main_loop(struct dp_state *s);
void dp_main_xmit(struct dp_lcore *lc, struct dp_iface *ifc,
		  struct rte_mbuf *m);
void dp_main_to_kernel(struct dp_lcore *lc, struct dp_iface *ifc,
		       struct rte_mbuf *m);

#endif
