/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the ethdev of each configured interface (a PCI device taken with
 * -a, or a virtual device probed here: net_tap, net_af_packet, net_pcap,
 * net_ring...) and its kernel exception interface, a net_tun vdev (an L3
 * tun: no ARP, no ND in the kernel; the dataplane owns L2).
 * Queues: one RX queue per worker (at least one; the main lcore polls
 * queue 0 when there are no workers), one TX queue per worker plus one of
 * the main lcore's own. A device with fewer queues gets what it has; one
 * that wants as many RX as TX queues gets an extra RX queue, polled by
 * the main lcore (RX queues >= workers are the main lcore's).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>

#include "dp_state.h"

/* "net_tap0,iface=x" -> "net_tap0"; "0000:01:00.0,k=v" -> the address. */
static void
dev_name(const char *device, char *name, size_t len)
{
	size_t n = strcspn(device, ",");

	if (n >= len)
		n = len - 1;
	memcpy(name, device, n);
	name[n] = '\0';
}

static int
find_port(const char *device, uint16_t *port)
{
	char name[RTE_ETH_NAME_MAX_LEN], full[RTE_ETH_NAME_MAX_LEN + 8];

	dev_name(device, name, sizeof(name));
	if (rte_eth_dev_get_port_by_name(name, port) == 0)
		return 0;
	/* PCI ports are named with the domain: 0000:01:00.0 */
	snprintf(full, sizeof(full), "0000:%s", name);
	return rte_eth_dev_get_port_by_name(full, port);
}

/*
 * With several workers, spread traffic over their RX queues by RSS on the
 * IP addresses and UDP/TCP ports, as far as the device can hash them: one
 * media flow then always lands on the same worker. Devices without RSS
 * (most virtual ones) keep a single flow of work.
 */
static int
rss_conf(uint16_t port, uint16_t nb_rxq, struct rte_eth_conf *conf)
{
	struct rte_eth_dev_info info;
	uint64_t hf;
	int err;

	if (nb_rxq < 2)
		return 0;
	err = rte_eth_dev_info_get(port, &info);
	if (err)
		return err;
	hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
	     info.flow_type_rss_offloads;
	if (hf == 0)
		return 0;
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_key = NULL; /* the PMD's default */
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
	return 0;
}

static int
queues_setup(uint16_t port, uint16_t *nb_rxq, uint16_t nb_txq,
	     unsigned int rx_desc, unsigned int tx_desc,
	     struct rte_mempool *pool, char *what, size_t wlen)
{
	struct rte_eth_conf conf;
	uint16_t nrx = (uint16_t)rx_desc, ntx = (uint16_t)tx_desc, q;
	int socket = rte_eth_dev_socket_id(port), err;

	if (socket < 0)
		socket = 0;
	memset(&conf, 0, sizeof(conf));
	err = rss_conf(port, *nb_rxq, &conf);
	if (err) {
		snprintf(what, wlen, "device info");
		return err;
	}
	err = rte_eth_dev_configure(port, *nb_rxq, nb_txq, &conf);
	if (err && *nb_rxq < nb_txq) {
		/* Some PMDs (net_tap) want as many RX as TX queues: the
		 * main lcore polls the RX queues no worker owns. */
		err = rte_eth_dev_configure(port, nb_txq, nb_txq, &conf);
		if (err == 0)
			*nb_rxq = nb_txq;
	}
	if (err) {
		snprintf(what, wlen, "configure %u/%u queues", *nb_rxq, nb_txq);
		return err;
	}
	err = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	if (err) {
		snprintf(what, wlen, "descriptors");
		return err;
	}
	for (q = 0; q < *nb_rxq; q++) {
		err = rte_eth_rx_queue_setup(port, q, nrx, (unsigned int)socket,
					     NULL, pool);
		if (err) {
			snprintf(what, wlen, "rx queue %u", q);
			return err;
		}
	}
	for (q = 0; q < nb_txq; q++) {
		err = rte_eth_tx_queue_setup(port, q, ntx, (unsigned int)socket,
					     NULL);
		if (err) {
			snprintf(what, wlen, "tx queue %u", q);
			return err;
		}
	}
	return 0;
}

static int
probe(const char *device, uint16_t *port)
{
	int err;

	if (find_port(device, port) == 0)
		return 0; /* PCI, taken by EAL init */
	if (!dp_dev_is_vdev(device))
		return -ENODEV;
	err = rte_dev_probe(device);
	if (err)
		return err;
	return find_port(device, port) == 0 ? 0 : -ENODEV;
}

int
dp_port_open(struct dp_iface *ifc, const struct esg_conf_iface *ci,
	     const struct esg_conf_dataplane *dc, unsigned int nb_workers,
	     struct rte_mempool *pool, char *err, size_t errlen)
{
	struct rte_eth_dev_info info;
	char what[64] = "";
	int rc;

	rc = probe(ci->device, &ifc->port_id);
	if (rc == 0)
		ifc->port_open = true;
	if (rc) {
		snprintf(err, errlen,
			 "interface %s: device %s: probe failed: %s", ci->name,
			 ci->device, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_info_get(ifc->port_id, &info);
	if (rc) {
		snprintf(what, sizeof(what), "device info");
		goto fail;
	}
	ifc->nb_rxq = (uint16_t)RTE_MAX(1u, nb_workers);
	ifc->nb_rxq = RTE_MIN(ifc->nb_rxq, info.max_rx_queues);
	ifc->nb_txq = (uint16_t)RTE_MIN(nb_workers + 1, info.max_tx_queues);
	ifc->main_txq = (uint16_t)(ifc->nb_txq - 1);
	rc = queues_setup(ifc->port_id, &ifc->nb_rxq, ifc->nb_txq, dc->rx_desc,
			  dc->tx_desc, pool, what, sizeof(what));
	if (rc)
		goto fail;
	rc = rte_eth_dev_set_mtu(ifc->port_id, ci->mtu);
	if (rc && rc != -ENOTSUP) {
		snprintf(what, sizeof(what), "MTU %u", ci->mtu);
		goto fail;
	}
	ifc->mtu = ci->mtu;
	if (ci->has_mac) {
		memcpy(ifc->mac.addr_bytes, ci->mac, 6);
		rc = rte_eth_dev_default_mac_addr_set(ifc->port_id, &ifc->mac);
		if (rc && rc != -ENOTSUP) {
			snprintf(what, sizeof(what), "set MAC");
			goto fail;
		}
	} else {
		rc = rte_eth_macaddr_get(ifc->port_id, &ifc->mac);
		if (rc) {
			snprintf(what, sizeof(what), "read MAC");
			goto fail;
		}
	}
	rc = rte_eth_dev_start(ifc->port_id);
	if (rc) {
		snprintf(what, sizeof(what), "start");
		goto fail;
	}
	/* Frames for other MACs are of no use: the classifier would drop
	 * them as eth_not_ours anyway. */
	rte_eth_promiscuous_disable(ifc->port_id);
	return 0;
fail:
	snprintf(err, errlen, "interface %s: device %s: %s failed: %s",
		 ci->name, ci->device, what, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? rc : -rc;
}

int
dp_tun_open(struct dp_iface *ifc, struct rte_mempool *pool, char *err,
	    size_t errlen)
{
	char devargs[128], what[192] = "";
	uint16_t one = 1;
	int rc;

	snprintf(devargs, sizeof(devargs), "net_tun%u,iface=%s", ifc->idx,
		 ifc->exception);
	rc = probe(devargs, &ifc->tun_port_id);
	if (rc) {
		snprintf(what, sizeof(what), "create (%s)", devargs);
		goto fail;
	}
	ifc->has_tun = true;
	rc = queues_setup(ifc->tun_port_id, &one, 1, 512, 512, pool, what,
			  sizeof(what));
	if (rc)
		goto fail;
	rc = rte_eth_dev_set_mtu(ifc->tun_port_id, ifc->mtu);
	if (rc) {
		snprintf(what, sizeof(what), "MTU %u", ifc->mtu);
		goto fail;
	}
	rc = rte_eth_dev_start(ifc->tun_port_id);
	if (rc) {
		snprintf(what, sizeof(what), "start");
		goto fail;
	}
	ifc->tun_ifindex = (int)if_nametoindex(ifc->exception);
	if (ifc->tun_ifindex == 0) {
		rc = -errno;
		snprintf(what, sizeof(what), "find kernel interface");
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen,
		 "interface %s: exception interface %s: %s "
		 "failed: %s",
		 ifc->name, ifc->exception, what, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? rc : -rc;
}

static void
close_port(uint16_t port)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (rte_eth_dev_info_get(port, &info) == 0 && info.device != NULL &&
	    dp_dev_is_vdev(rte_dev_name(info.device)))
		dev = info.device;
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	/* A vdev is gone only once removed from its bus (net_tun: this
	 * deletes the kernel interface). */
	if (dev != NULL)
		rte_dev_remove(dev);
}

void
dp_port_close(struct dp_iface *ifc)
{
	if (ifc->has_tun) {
		close_port(ifc->tun_port_id);
		ifc->has_tun = false;
	}
	if (ifc->port_open)
		close_port(ifc->port_id);
	ifc->port_open = false;
}

bool
dp_port_link_poll(struct dp_iface *ifc)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(ifc->port_id, &link) != 0)
		return false;
	if (link.link_status == ifc->link_up &&
	    link.link_speed == ifc->speed_mbps)
		return false;
	ifc->link_up = link.link_status;
	ifc->speed_mbps = link.link_speed;
	return true;
}

void
dp_port_hw_stats(const struct dp_iface *ifc, struct dp_stats_port *sp)
{
	struct rte_eth_stats st;

	if (rte_eth_stats_get(ifc->port_id, &st) != 0)
		return;
	sp->hw_ipackets = st.ipackets;
	sp->hw_opackets = st.opackets;
	sp->hw_ibytes = st.ibytes;
	sp->hw_obytes = st.obytes;
	sp->hw_imissed = st.imissed;
	sp->hw_ierrors = st.ierrors;
	sp->hw_oerrors = st.oerrors;
	sp->hw_rx_nombuf = st.rx_nombuf;
	sp->link_up = ifc->link_up;
	sp->speed_mbps = ifc->speed_mbps;
}
