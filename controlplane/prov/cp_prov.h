/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning orchestrator (docs/provisioning.md "Modes", "Running
 * it"): spec 000 (PKT-SP-ESG) 8.1.3 and spec 001 (PKT-SP-EUE-PROV) 6.1-6.6.
 *
 *  - mode "dhcp": the DHCPv4 client (cp_dhcp4) gets a lease; the lease is
 *    applied (address/prefix to the dataplane's own addresses and the
 *    kernel exception interface, through IF_ADDR_ADD; routers, DNS and
 *    syslog servers recorded); the configuration file is fetched from
 *    'siaddr'/'file' (8.1.3) or the configured override, parsed and
 *    applied (cp_cfgfile); the "provisioning complete" event (eUE-24)
 *    goes to the first syslog server of option 7 (or the override).
 *  - mode "static" (8.1.3, fully preconfigured): no DHCP packet at all;
 *    the configured file is fetched, then the event.
 *
 * struct cp_prov is the logic, pure (STYLE rule 7): time and random
 * numbers are inputs, every side effect goes through struct cp_prov_io
 * (so the unit test drives it with fakes). cp_prov_run (cp_prov_run.c)
 * is the libre driver: sockets on the WAN exception interface, timer,
 * TFTP, syslog, IF_ADDR_ADD through cp_dp.
 *
 * A refused configuration file (download error, parse error, mapping
 * error) keeps the previous settings and is reported as "fail" with the
 * reason (eUE-23/eUE-24).
 */
#ifndef CP_PROV_H
#define CP_PROV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp_cfgfile.h"
#include "cp_dhcp4.h"
#include "cp_syslog.h"
#include "esg_conf.h"

#define CP_PROV_ERR_LEN 512

enum cp_prov_state {
	CP_PROV_WAITING, /* for the dataplane (port MAC, exception iface) */
	CP_PROV_DHCP,	 /* DHCP running, no lease yet */
	CP_PROV_CONFIG,	 /* addresses applied; configuration file */
	CP_PROV_DONE,	 /* provisioned: "pass" reported */
	CP_PROV_FAILED,	 /* "fail" reported; the previous settings kept */
};

/* Side effects; each returns 0 or a positive errno. */
struct cp_prov_io {
	/* a DHCPv4 packet from src (0.0.0.0 before a lease: RFC 2131 4.1)
	 * to dst (255.255.255.255 for broadcast), UDP 68 -> 67 */
	int (*dhcp4_send)(void *arg, const uint8_t *pkt, size_t len,
			  struct in_addr src, struct in_addr dst);
	/* own address on the provisioned interface (add or delete) */
	int (*addr)(void *arg, bool add, struct in_addr a, uint8_t plen);
	/* start a TFTP download; the result comes by cp_prov_fetch_done() */
	int (*fetch)(void *arg, const struct esg_conf_host *srv,
		     const char *file);
	/* one syslog message to srv (port 0: 514) */
	int (*syslog)(void *arg, const struct esg_conf_host *srv,
		      const struct cp_syslog_msg *m);
	/* the configuration file was applied: s is the new settings */
	void (*settings)(void *arg, const struct cp_cfgfile_settings *s);
};

/* What `esgctl` and the logs show (docs/provisioning.md). */
struct cp_prov_status {
	enum cp_prov_state state;
	bool have_lease;
	struct in_addr addr; /* the leased address */
	uint8_t plen;
	unsigned int n_routers, n_dns;
	struct in_addr routers[ESG_DHCP_MAX_ADDRS]; /* option 3 */
	struct in_addr dns[ESG_DHCP_MAX_ADDRS];	    /* option 6 */
	struct esg_conf_host syslog;		    /* family 0: none */
	struct esg_conf_host cfg_server;	    /* family 0: none */
	char cfg_file[ESG_CONF_PROV_FILE_LEN];
	char last_error[CP_PROV_ERR_LEN];    /* "" while none */
	struct cp_cfgfile_settings settings; /* in force */
	unsigned int transitions;
	unsigned int files_ok, files_refused, events_sent;
};

struct cp_prov {
	const struct esg_conf_prov *conf;
	const struct cp_prov_io *io;
	void *arg;
	char hostname[64]; /* for syslog; "" = NILVALUE */
	struct cp_dhcp4 dhcp4;
	bool dhcp4_on;
	struct cp_prov_status st;
	struct cp_cfgfile cf; /* scratch for the parser (large) */
	int64_t wall_s;	      /* wall clock of the last event, for syslog */
};

/* conf must outlive p; nothing is sent yet. */
void cp_prov_init(struct cp_prov *p, const struct esg_conf_prov *conf,
		  const struct cp_prov_io *io, void *arg);
/*
 * Start with the provisioned port's MAC (the dataplane's, for chaddr):
 * "dhcp" starts DHCPv4 (its first DISCOVER after 1-10 s, RFC 2131
 * 4.4.1); "static" fetches the configured file at once (no DHCP).
 * now_ms: a monotonic clock; wall_s: UTC seconds for syslog stamps.
 */
int cp_prov_start(struct cp_prov *p, const uint8_t mac[6], uint64_t now_ms,
		  int64_t wall_s, uint32_t rnd);
/* The timer returned by cp_prov_next_ms() fired. */
int cp_prov_timer(struct cp_prov *p, uint64_t now_ms, int64_t wall_s,
		  uint32_t rnd);
/* A datagram to UDP port 68 (DHCPv4 server reply). */
int cp_prov_dhcp4_recv(struct cp_prov *p, const uint8_t *buf, size_t len,
		       uint64_t now_ms, int64_t wall_s, uint32_t rnd);
/* The download of io->fetch ended: err 0 with the file, or the failure
 * (TFTP code and message when the server sent ERROR). */
void cp_prov_fetch_done(struct cp_prov *p, int err, const uint8_t *data,
			size_t len, uint16_t code, const char *msg,
			int64_t wall_s);
/* A new dataplane epoch starts empty: apply the lease again. */
void cp_prov_reapply(struct cp_prov *p);
/* Give the lease back (RFC 2131 4.4.6) at shutdown. */
void cp_prov_stop(struct cp_prov *p);
/* When cp_prov_timer() is due (0: none). */
uint64_t cp_prov_next_ms(const struct cp_prov *p);
const struct cp_prov_status *cp_prov_status(const struct cp_prov *p);
const char *cp_prov_state_name(enum cp_prov_state s);
/* One log line with the state, lease, servers, file and last error. */
void cp_prov_log_status(const struct cp_prov *p);

#endif
