/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-dataplane: load the configuration, start EAL, open the ports and
 * their kernel exception interfaces, create the shared segment, run the
 * lcores until SIGINT/SIGTERM, then undo all of it in reverse order.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_kif.h"
#include "dp_relay.h"
#include "dp_state.h"

struct dp_state dp_g;

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: esg-dataplane -c CONF.json [--instance NAME] [--help]\n"
		"\n"
		"The poll-mode dataplane of esg: owns the NIC ports named in\n"
		"CONF.json, answers ARP, ND and echo for the ESG's addresses,\n"
		"passes the rest to kernel exception interfaces, and publishes\n"
		"its rings and counters in /dev/shm/esg.NAME.\n"
		"\n"
		"  -c, --config FILE    configuration (docs/configuration.md)\n"
		"  -i, --instance NAME  override the configuration's instance\n"
		"  -h, --help           this text\n"
		"\n"
		"EAL arguments are built from the configuration (dataplane.*);\n"
		"add more with dataplane.eal_args. SIGINT/SIGTERM stop it.\n");
}

static void
on_signal(int sig)
{
	(void)sig;
	dp_g.quit = true;
}

static int
setup_lcores(struct dp_state *s)
{
	unsigned int lcore_id, idx = 1;
	size_t sz;

	s->nb_workers = rte_lcore_count() - 1;
	if (s->nb_workers != s->conf.dp.workers) {
		DP_ERR("dataplane.workers is %u but EAL has %u worker lcores",
		       s->conf.dp.workers, s->nb_workers);
		return -EINVAL;
	}
	if (s->nb_workers >= DP_MAX_LCORES) {
		DP_ERR("at most %u workers", DP_MAX_LCORES - 1);
		return -EINVAL;
	}
	if (s->nb_workers > 0) {
		sz = rte_rcu_qsbr_get_memsize(s->nb_workers);
		s->qsbr = rte_zmalloc("esg_qsbr", sz, RTE_CACHE_LINE_SIZE);
		if (s->qsbr == NULL ||
		    rte_rcu_qsbr_init(s->qsbr, s->nb_workers) != 0)
			return -ENOMEM;
	}
	/* the main lcore publishes address lists (dp_addrs_publish) */
	s->lcore[0].qsbr = s->qsbr;
	s->lcore[0].st->lcore_id = rte_get_main_lcore();
	s->lcore[0].st->is_main = 1;
	s->lcore[0].st->in_use = 1;
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		char name[32];

		snprintf(name, sizeof(name), "esg_exc%u", idx);
		s->exc_ring[idx] =
			rte_ring_create(name, DP_EXC_RING_SIZE, SOCKET_ID_ANY,
					RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (s->exc_ring[idx] == NULL)
			return -rte_errno;
		s->lcore[idx].st->lcore_id = lcore_id;
		s->lcore[idx].st->in_use = 1;
		idx++;
	}
	s->stats->nb_lcores = s->nb_workers + 1;
	return 0;
}

static void
lcore_init(struct dp_state *s, unsigned int idx)
{
	struct dp_lcore *lc = &s->lcore[idx];

	lc->idx = idx;
	lc->stats = s->stats;
	lc->st = &s->stats->lcore[idx];
	lc->icmp_rate_pps = s->conf.dp.icmp_rate_pps;
	lc->pool = s->pool;
	lc->xmit = dp_main_xmit;
	lc->to_kernel = dp_main_to_kernel;
	lc->evt = dp_ctl_evt;
	lc->kif_route = dp_kif_route_default_metric;
	lc->neigh_ttl_ns = (uint64_t)s->conf.dp.neigh_ttl_s * 1000000000ull;
	lc->neigh_retry_ns = (uint64_t)s->conf.dp.neigh_retry_ms * 1000000ull;
}

/* The kernel side: addresses (no DAD: we answer on the wire) and a
 * default route through the tun when a gateway is configured. */
static int
kernel_setup(struct dp_iface *ifc, char *err, size_t errlen)
{
	const struct dp_addrs *a = ifc->addrs;
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < a->nb4; i++)
		rc = dp_kif_addr(ifc->tun_ifindex, true, AF_INET,
				 &a->a4[i].addr, a->a4[i].plen);
	for (i = 0; !rc && i < a->nb6; i++)
		rc = dp_kif_addr(ifc->tun_ifindex, true, AF_INET6,
				 a->a6[i].addr, a->a6[i].plen);
	if (rc) {
		snprintf(err, errlen, "interface %s: %s: address: %s",
			 ifc->name, ifc->exception, strerror(-rc));
		return rc;
	}
	/* Only then may traffic reach the kernel: an address it does not
	 * yet route as local would be dropped, not answered. */
	for (i = 0; !rc && i < a->nb4; i++)
		rc = dp_kif_wait_local(AF_INET, &a->a4[i].addr, 2000);
	/* A link-local address's local route is scoped to its interface:
	 * a lookup without one does not find it, and nothing but the
	 * interface's own link uses it. */
	for (i = 0; !rc && i < a->nb6; i++)
		if (a->a6[i].addr[0] != 0xfe ||
		    (a->a6[i].addr[1] & 0xc0) != 0x80)
			rc = dp_kif_wait_local(AF_INET6, a->a6[i].addr, 2000);
	if (rc) {
		snprintf(err, errlen,
			 "interface %s: %s: addresses not local in the "
			 "kernel: %s",
			 ifc->name, ifc->exception, strerror(-rc));
		return rc;
	}
	if (a->has_gw4)
		rc = dp_kif_route_default(ifc->tun_ifindex, AF_INET);
	if (!rc && a->has_gw6)
		rc = dp_kif_route_default(ifc->tun_ifindex, AF_INET6);
	if (rc)
		snprintf(err, errlen, "interface %s: %s: default route: %s",
			 ifc->name, ifc->exception, strerror(-rc));
	return rc;
}

static int
iface_open(struct dp_state *s, unsigned int i, char *err, size_t errlen)
{
	const struct esg_conf_iface *ci = &s->conf.iface[i];
	struct dp_iface *ifc = &s->iface[i];
	struct dp_stats_port *sp = &s->stats->port[i];
	int rc;

	ifc->idx = (uint16_t)i;
	snprintf(ifc->name, sizeof(ifc->name), "%s", ci->name);
	snprintf(ifc->exception, sizeof(ifc->exception), "%s", ci->exception);
	snprintf(ifc->device, sizeof(ifc->device), "%s", ci->device);
	ifc->vlan = ci->vlan;
	ifc->media_port_min = (uint16_t)s->conf.dp.media_port_min;
	ifc->media_port_max = (uint16_t)s->conf.dp.media_port_max;
	ifc->neigh = dp_neigh_create();
	if (ifc->neigh == NULL || dp_addr_init(ifc, ci) != 0) {
		snprintf(err, errlen, "interface %s: out of memory", ci->name);
		return -ENOMEM;
	}
	rc = dp_port_open(ifc, ci, &s->conf.dp, s->nb_workers, s->pool, err,
			  errlen);
	if (rc)
		return rc;
	s->port2if[ifc->port_id] = (int16_t)i;
	rc = dp_addr_add_ll(ifc);
	if (rc) {
		snprintf(err, errlen, "interface %s: link-local address: %s",
			 ci->name, strerror(-rc));
		return rc;
	}
	rc = dp_tun_open(ifc, s->pool, err, errlen);
	if (!rc)
		rc = kernel_setup(ifc, err, errlen);
	if (rc)
		return rc;
	snprintf(sp->name, sizeof(sp->name), "%s", ifc->name);
	snprintf(sp->exception, sizeof(sp->exception), "%s", ifc->exception);
	snprintf(sp->device, sizeof(sp->device), "%s", ifc->device);
	memcpy(sp->mac, &ifc->mac, 6);
	sp->in_use = 1;
	dp_port_link_poll(ifc);
	DP_INFO("interface %s: port %u (%s) mac " RTE_ETHER_ADDR_PRT_FMT
		", %u rx / %u tx queues, exception %s",
		ifc->name, ifc->port_id, ifc->device,
		RTE_ETHER_ADDR_BYTES(&ifc->mac), ifc->nb_rxq, ifc->nb_txq,
		ifc->exception);
	return 0;
}

static struct rte_mempool *
pool_create(const struct esg_conf *c)
{
	uint32_t room = RTE_MBUF_DEFAULT_BUF_SIZE, need;
	unsigned int i;

	/* One frame per mbuf: the classifier reads one segment. */
	for (i = 0; i < c->nb_ifaces; i++) {
		need = RTE_PKTMBUF_HEADROOM + c->iface[i].mtu +
		       RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN + RTE_ETHER_CRC_LEN;
		if (need > room)
			room = need;
	}
	return rte_pktmbuf_pool_create("esg_mbuf", c->dp.mbufs, 256, 0,
				       (uint16_t)room, (int)rte_socket_id());
}

static void
log_counters(const struct dp_state *s)
{
	uint64_t v;
	unsigned int i, l;

	for (i = 0; i < DP_DROP_MAX; i++) {
		for (v = 0, l = 0; l <= s->nb_workers; l++)
			v += s->stats->lcore[l].drops[i];
		if (v != 0)
			DP_INFO("drop %s: %" PRIu64, s->stats->drop_names[i],
				v);
	}
	for (i = 0; i < DP_CNT_MAX; i++) {
		for (v = 0, l = 0; l <= s->nb_workers; l++)
			v += s->stats->lcore[l].cnt[i];
		if (v != 0)
			DP_INFO("count %s: %" PRIu64, s->stats->cnt_names[i],
				v);
	}
}

/* The media relay: its legs' counters are the segment's legs region. */
static int
relay_setup(struct dp_state *s, char *err, size_t errlen)
{
	struct dp_relay_params rp;
	uint64_t huge = 0, size = 0;
	uint32_t count = 0;
	unsigned int i;
	int rc;

	memset(&rp, 0, sizeof(rp));
	rp.leg_stats = dp_shm_legs(s->shm, &count);
	/* Per-leg counters on 4 kB pages cost a page walk per packet at
	 * scale: say whether they got huge pages (docs/real-nics.md). */
	if (dp_shm_legs_huge(s->shm, &huge, &size) == 0) {
		if (huge >= size)
			DP_INFO("legs region: %u legs, %" PRIu64
				" MiB on 2 MiB pages",
				count, size >> 20);
		else
			DP_NOTICE("legs region: %u legs, %" PRIu64
				  " of %" PRIu64 " MiB on 2 MiB pages (tmpfs "
				  "huge pages off: mount /dev/shm with "
				  "huge=advise, docs/real-nics.md)",
				  count, huge >> 20, size >> 20);
	}
	rp.max_legs = count;
	rp.ifaces = s->iface;
	rp.nb_ifaces = s->nb_ifaces;
	rp.nb_lcores = s->nb_workers + 1;
	rp.qsbr = s->qsbr;
	rp.socket_id = (int)rte_socket_id();
	rc = dp_relay_create(&rp, &s->relay);
	if (rc) {
		snprintf(err, errlen, "media relay for %u legs: %s", count,
			 strerror(-rc));
		return rc;
	}
	for (i = 0; i <= s->nb_workers; i++)
		dp_relay_lcore_init(s->relay, &s->lcore[i],
				    i == 0 ? NULL : s->exc_ring[i]);
	return 0;
}

static int
start(struct dp_state *s, const char *prog)
{
	struct dp_shm_params sp = DP_SHM_PARAMS_DEFAULT;
	struct dp_eal_args ea;
	char err[512];
	unsigned int i;
	int rc;

	sp.max_legs = s->conf.dp.max_legs;
	rc = dp_eal_args_build(&s->conf, s->instance, prog, &ea, err,
			       sizeof(err));
	if (rc)
		goto fail;
	if (rte_eal_init(ea.argc, ea.argv) < 0) {
		snprintf(err, sizeof(err), "EAL init failed: %s",
			 rte_strerror(rte_errno));
		DP_ERR("%s", err);
		/* rte_errno can be 0 here; never report success */
		return rte_errno > 0 ? -rte_errno : -EIO;
	}
	s->eal_up = true;
	rc = dp_shm_create(s->instance, &sp, &s->shm);
	if (rc) {
		snprintf(err, sizeof(err), "shared segment %s: %s", s->instance,
			 strerror(-rc));
		goto fail;
	}
	s->stats = dp_shm_stats(s->shm);
	for (i = 0; i < DP_MAX_LCORES; i++)
		lcore_init(s, i);
	rc = setup_lcores(s);
	if (rc) {
		snprintf(err, sizeof(err), "lcores: %s", strerror(-rc));
		goto fail;
	}
	s->pool = pool_create(&s->conf);
	if (s->pool == NULL) {
		rc = -rte_errno;
		snprintf(err, sizeof(err), "mbuf pool of %u: %s",
			 s->conf.dp.mbufs, rte_strerror(rte_errno));
		goto fail;
	}
	for (i = 0; i < DP_MAX_LCORES; i++)
		s->lcore[i].pool = s->pool;
	for (i = 0; i < s->conf.nb_ifaces; i++) {
		s->nb_ifaces = i + 1; /* stop() closes what opened */
		rc = iface_open(s, i, err, sizeof(err));
		if (rc)
			goto fail;
	}
	s->stats->nb_ports = s->nb_ifaces;
	rc = relay_setup(s, err, sizeof(err));
	if (rc)
		goto fail;
	return 0;
fail:
	DP_ERR("%s", err);
	return rc;
}

static void
stop(struct dp_state *s)
{
	unsigned int i;

	if (!s->eal_up)
		return;
	rte_eal_mp_wait_lcore();
	if (s->stats != NULL)
		log_counters(s);
	for (i = 0; i <= s->nb_workers && s->relay != NULL; i++)
		dp_relay_flush(&s->lcore[i]);
	dp_relay_free(s->relay);
	s->relay = NULL;
	for (i = 0; i < s->nb_ifaces; i++) {
		dp_port_close(&s->iface[i]);
		dp_neigh_free(&s->lcore[0], s->iface[i].neigh);
		free(s->iface[i].addrs);
	}
	for (i = 1; i < DP_MAX_LCORES; i++)
		rte_ring_free(s->exc_ring[i]);
	rte_mempool_free(s->pool);
	rte_free(s->qsbr);
	if (s->shm != NULL)
		dp_shm_destroy(s->shm);
	rte_eal_cleanup();
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"instance", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct dp_state *s = &dp_g;
	const char *conf_path = NULL, *instance = NULL;
	struct sigaction sa;
	char err[ESG_CONF_ERR_LEN];
	unsigned int i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf_path = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (conf_path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	rc = esg_conf_load(conf_path, &s->conf, err);
	if (rc) {
		fprintf(stderr, "esg-dataplane: %s: %s\n", conf_path, err);
		return 1;
	}
	if (instance == NULL)
		instance = s->conf.instance;
	if (strlen(instance) >= sizeof(s->conf.instance) || instance[0] == 0 ||
	    strchr(instance, '/') != NULL) {
		fprintf(stderr, "esg-dataplane: bad instance name '%s'\n",
			instance);
		return 2;
	}
	memcpy(s->instance, instance, strlen(instance) + 1);
	dp_log_open(s->instance, s->conf.log_syslog, (int)s->conf.log_level);
	for (i = 0; i < RTE_MAX_ETHPORTS; i++)
		s->port2if[i] = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	rc = start(s, argv[0]);
	if (rc == 0 && !s->quit) {
		for (i = 0; i < s->nb_ifaces; i++) {
			dp_ctl_if_state(&s->lcore[0], &s->iface[i]);
			/* RFC 4861 6.3.7: solicit routers as the port opens,
			 * after a random 0..MAX_RTR_SOLICITATION_DELAY (1 s) */
			s->lcore[0].now_ns = dp_shm_now_ns();
			dp_ra_solicit_start(&s->lcore[0], &s->iface[i],
					    rte_rand_max(1000000000ull));
		}
		i = 1;
		RTE_LCORE_FOREACH_WORKER(c)
		rte_eal_remote_launch(dp_worker_main, &s->lcore[i++],
				      (unsigned int)c);
		DP_NOTICE("running: %u interfaces, %u workers, segment "
			  "/dev/shm/esg.%s",
			  s->nb_ifaces, s->nb_workers, s->instance);
		dp_main_loop(s);
		DP_NOTICE("stopping");
	}
	s->quit = true;
	stop(s);
	return rc == 0 ? 0 : 1;
}
