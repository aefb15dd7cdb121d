/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration model: one JSON document (conf/NAME.json, schema in
 * docs/configuration.md) loaded and validated as a whole into this plain
 * struct. Both processes and esgctl read the same file. A bad document is
 * refused with the JSON path of the bad key and the reason, and nothing of
 * it is used: esg_conf_load() fills *conf only on success.
 * Returns 0 or a positive errno (EINVAL for a bad document, ENOENT, EIO...).
 */
#ifndef ESG_CONF_H
#define ESG_CONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "esg_conf_prov.h"
#include "esg_conf_sip.h"

#define ESG_CONF_MAX_IFACES 16 /* = DP_MAX_PORTS */
#define ESG_CONF_MAX_ADDRS 8   /* per family per interface */
#define ESG_CONF_MAX_EAL_ARGS 32
#define ESG_CONF_NAME_LEN 16 /* interface names incl. NUL (IFNAMSIZ) */
#define ESG_CONF_ERR_LEN 256

enum esg_if_role {
	ESG_IF_LAN,
	ESG_IF_WAN,
};

enum esg_log_level {
	ESG_LOG_ERR,
	ESG_LOG_WARNING,
	ESG_LOG_NOTICE,
	ESG_LOG_INFO,
	ESG_LOG_DEBUG,
};

struct esg_conf_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

struct esg_conf_iface {
	char name[ESG_CONF_NAME_LEN]; /* "wan", "lan0": unique */
	enum esg_if_role role;
	char device[128];		   /* PCI address or vdev devargs */
	char exception[ESG_CONF_NAME_LEN]; /* kernel exception interface */
	bool has_mac;
	uint8_t mac[6]; /* override; else the port's */
	uint16_t mtu;	/* 576..9000, default 1500 */
	uint16_t vlan;	/* 0 = untagged, else 1..4094 */
	unsigned int nb_addr4;
	struct esg_conf_addr addr4[ESG_CONF_MAX_ADDRS];
	unsigned int nb_addr6;
	struct esg_conf_addr addr6[ESG_CONF_MAX_ADDRS];
	bool has_gw4;
	struct in_addr gw4; /* default route, IPv4 */
	bool has_gw6;
	struct in6_addr gw6; /* default route, IPv6 */
};

struct esg_conf_dataplane {
	unsigned int workers; /* worker lcores besides the main lcore; 0..15 */
	unsigned int main_lcore; /* cpu of the main lcore, default 0 */
	char worker_cpus[64]; /* cpu list for workers ("1-3"); "" = next ones */
	unsigned int nb_eal_args;
	char eal_args[ESG_CONF_MAX_EAL_ARGS][128]; /* extra EAL arguments */
	bool no_huge;		     /* run without hugepages (tests, labs) */
	unsigned int memory_mb;	     /* EAL -m, default 256 */
	unsigned int mbufs;	     /* mbuf pool size, default 8191 */
	unsigned int rx_desc;	     /* default 1024 */
	unsigned int tx_desc;	     /* default 1024 */
	unsigned int heartbeat_ms;   /* default 100 */
	unsigned int neigh_ttl_s;    /* reachable neighbour lifetime, 300 */
	unsigned int neigh_retry_ms; /* resolution retry interval, 1000 */
	/* echo replies per second per lcore, 1000 */
	unsigned int icmp_rate_pps;
	/* sleep this long after 64 empty polls; 0 = pure polling (default) */
	unsigned int idle_sleep_us;
	/* media legs: ids 0..max_legs-1, default 65536 */
	unsigned int max_legs;
	/* UDP ports the fast path owns on every own address: a packet to
	 * one without a leg is dropped (media_no_leg), never punted.
	 * default 16384..32767 */
	unsigned int media_port_min;
	unsigned int media_port_max;
};

struct esg_conf_controlplane {
	unsigned int attach_timeout_s; /* how long to wait for the dataplane
					* at start; 0 = forever. default 0 */
	unsigned int dp_dead_ms;       /* heartbeat age that means the
					* dataplane is gone, default 1000 */
	unsigned int ping_interval_ms; /* ring liveness ping, default 1000 */
	uint16_t sip_port;	       /* UDP SIP listener on every own
					* address, default 5060; 0 = off */
};

struct esg_conf {
	char instance[33]; /* shm segment /dev/shm/esg.<instance>, "esg" */
	enum esg_log_level log_level; /* default info */
	bool log_syslog;	      /* syslog instead of stderr */
	struct esg_conf_dataplane dp;
	struct esg_conf_controlplane cp;
	unsigned int nb_ifaces;
	struct esg_conf_iface iface[ESG_CONF_MAX_IFACES];
	struct esg_conf_sip sip;   /* "sip": trunk, tenants, limits */
	struct esg_conf_prov prov; /* "provisioning": DHCP, config file */
};

/* Load and validate path. On error, err (ESG_CONF_ERR_LEN bytes) reads
 * like "interfaces[1].ipv4[0]: '10.0.0.300/24' is not an IPv4 prefix". */
int esg_conf_load(const char *path, struct esg_conf *conf, char *err);
/* The same from a string (tests, REST later). */
int esg_conf_parse(const char *json, struct esg_conf *conf, char *err);
/* Defaults for everything (what an empty "{}" would give, no interfaces). */
void esg_conf_defaults(struct esg_conf *conf);
/* Index of the interface called name, or -1. */
int esg_conf_iface_find(const struct esg_conf *conf, const char *name);

const char *esg_conf_role_str(enum esg_if_role role);

#endif
