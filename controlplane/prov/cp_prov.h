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
 *  - mode "dhcp" with IPv6 (stack "ipv6" or "dual", spec 001 6.3.4.3):
 *    the DHCPv6 client (cp_dhcp6) gets an IA_NA address, added with
 *    IF_ADDR_ADD (prefix length: esg_conf_prov.ipv6_prefix_len, 128 by
 *    default: RFC 8415 21.6 / RFC 5942); DNS (23), syslog (34) and FQDN
 *    (39) recorded; the file is CL_OPTION_CONFIG_FILE_NAME (33) on the
 *    first CL_OPTION_TFTP_SERVERS (32) address (spec 000 8.1.3).
 *  - stack "dual": both clients run; each family's address is applied;
 *    the configuration file and the syslog server come from the lease of
 *    the management family (spec 000 7.2 5f and 8.1.3: signalling and
 *    management use one configured IP version; esg_conf_prov.mgmt_family,
 *    IPv6 by default per spec 001 6.3.2.1 Table 4), whose BOUND starts
 *    the file download.
 *  - the address check before use (RFC 2131 4.4.1 ARP probe, RFC 4862
 *    5.4 DAD, spec 001 eUE-4) goes through io->probe (the driver: the
 *    dataplane's ADDR_PROBE); without one the address is taken as free
 *    and that is logged. DHCPv4 option 3's router becomes the default
 *    gateway through io->gw (IF_GW).
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
#include "cp_dhcp6.h"
#include "cp_syslog.h"
#include "esg_conf.h"

#define CP_PROV_ERR_LEN 512
/* eUE-25 receivers: the file's TLV 38 ones plus the configured ones */
#define CP_PROV_MAX_INFORM (CP_CFGFILE_MAX_NOTIFY + ESG_CONF_PROV_MAX_SNMP)

/* The outcome of the status notification toward one receiver. */
struct cp_prov_inform {
	char addr[64];	/* "192.0.2.1:162", "[2001:db8::1]:162", "-" */
	int type;	/* 38.3 type (3: INFORM v2c, 2: trap v2c ...) */
	bool from_file; /* TLV 38 of the file; else "snmp_receivers" */
	/* 0 acknowledged (trap: sent), ETIMEDOUT, EPROTO (error-status),
	 * ENOTSUP (v1 / v3: not sent), ENOENT (no address of the mode) */
	int err;
	bool acked;
	uint32_t sends;
};

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
	/* a DHCPv6 packet from the link-local address, UDP 546, to
	 * All_DHCP_Relay_Agents_and_Servers ff02::1:2 port 547 (RFC 8415
	 * 13.1, 7.1) */
	int (*dhcp6_send)(void *arg, const uint8_t *pkt, size_t len);
	/* own IPv6 address on the provisioned interface */
	int (*addr6)(void *arg, bool add, const struct in6_addr *a,
		     uint8_t plen);
	/* NULL when the dataplane cannot probe: check that addr (family
	 * AF_INET: ARP probe, RFC 5227; AF_INET6: DAD, RFC 4862 5.4) is
	 * free; the answer comes by cp_prov_probe_result() */
	int (*probe)(void *arg, int family, const void *addr);
	/* NULL when not available: the default gateway of family on the
	 * provisioned interface (addr NULL: none); DHCPv4 option 3 */
	int (*gw)(void *arg, int family, const void *addr);
	/* start a TFTP download; the result comes by cp_prov_fetch_done() */
	int (*fetch)(void *arg, const struct esg_conf_host *srv,
		     const char *file);
	/* one syslog message to srv (port 0: 514) */
	int (*syslog)(void *arg, const struct esg_conf_host *srv,
		      const struct cp_syslog_msg *m);
	/* the configuration file was applied: s is the new settings */
	void (*settings)(void *arg, const struct cp_cfgfile_settings *s);
	/* NULL when not available: eUE-25, the status notification (pass
	 * or fail, reason) to the TLV 38 receivers rcv[n] of the last
	 * accepted file (n may be 0; ipv6: 38.8 in lieu of 38.1, spec 001
	 * 6.5) and to the configured ones; the outcome comes by
	 * cp_prov_inform_done() */
	int (*inform)(void *arg, bool pass, const char *reason,
		      const struct cp_cfgfile_notify *rcv, unsigned int n,
		      bool ipv6);
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
	bool have_gw4; /* routers[0] installed as the default gateway */
	struct esg_conf_host syslog; /* family 0: none */
	/* DHCPv6 (stack ipv6 / dual) */
	bool have_lease6;
	struct in6_addr addr6; /* the IA_NA address */
	uint8_t plen6;
	unsigned int n_dns6;
	struct in6_addr dns6[ESG_DHCP_MAX_ADDRS]; /* option 23 */
	char fqdn[ESG_DHCP_MAX_NAME];		  /* option 39, "" none */
	/* softwire options (provisioning.softwire asks for them): the
	 * AFTR-Name (64, RFC 6334; "" none) and the S46 containers (94-96,
	 * RFC 7598) of the IPv6 lease, as its first REPLY gave them (spec
	 * 001 6.3.5: a renewal's differences are ignored and counted in
	 * sw_ignored); shown, not used: the mode selection (spec 004 3) is
	 * the softwire issue's */
	bool softwire;
	char aftr_name[ESG_DHCP_MAX_NAME];
	unsigned int n_s46;
	struct esg_s46_cont s46[ESG_S46_MAX_CONT];
	unsigned int sw_ignored;
	int mgmt_family; /* whose lease gives the file and syslog */
	struct esg_conf_host cfg_server; /* family 0: none */
	char cfg_file[ESG_CONF_PROV_FILE_LEN];
	char last_error[CP_PROV_ERR_LEN];    /* "" while none */
	struct cp_cfgfile_settings settings; /* in force */
	unsigned int transitions;
	unsigned int files_ok, files_refused, events_sent;
	/* eUE-25: the last status notification (inform_rounds 0: none
	 * yet; inform_busy: some receiver has not finished) */
	unsigned int inform_rounds;
	bool inform_busy;
	bool inform_pass; /* what the last round said */
	unsigned int n_inform;
	struct cp_prov_inform inform[CP_PROV_MAX_INFORM];
};

struct cp_prov {
	const struct esg_conf_prov *conf;
	const struct cp_prov_io *io;
	void *arg;
	char hostname[64]; /* for syslog; "" = NILVALUE */
	struct cp_dhcp4 dhcp4;
	bool dhcp4_on;
	struct cp_dhcp6 dhcp6;
	bool dhcp6_on;
	unsigned int probe_wait; /* families (bit 0 v4, bit 1 v6) probed */
	uint64_t last_ms;	 /* the time of the last entry (RELEASE) */
	struct cp_prov_status st;
	struct cp_cfgfile cf; /* scratch for the parser (large) */
	/* TLV 38 of the last accepted file (a refused one keeps these) */
	struct cp_cfgfile_notify notify[CP_CFGFILE_MAX_NOTIFY];
	unsigned int nb_notify;
	int64_t wall_s; /* wall clock of the last event, for syslog */
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
/* A datagram to UDP port 546 (DHCPv6 server reply). */
int cp_prov_dhcp6_recv(struct cp_prov *p, const uint8_t *buf, size_t len,
		       uint64_t now_ms, int64_t wall_s, uint32_t rnd);
/* The answer to io->probe: conflict true = the address is in use. */
int cp_prov_probe_result(struct cp_prov *p, int family, bool conflict,
			 uint64_t now_ms, int64_t wall_s, uint32_t rnd);
/* The download of io->fetch ended: err 0 with the file, or the failure
 * (TFTP code and message when the server sent ERROR). */
void cp_prov_fetch_done(struct cp_prov *p, int err, const uint8_t *data,
			size_t len, uint16_t code, const char *msg,
			int64_t wall_s);
/* The status notification of io->inform ended: res[n], one per
 * receiver; logged one line each and kept in the status. */
void cp_prov_inform_done(struct cp_prov *p, const struct cp_prov_inform *res,
			 unsigned int n);
/* A new dataplane epoch starts empty: apply the lease again. */
void cp_prov_reapply(struct cp_prov *p);
/* Give the leases back (RFC 2131 4.4.6, RFC 8415 18.2.7) at shutdown. */
void cp_prov_stop(struct cp_prov *p);
/* When cp_prov_timer() is due (0: none). */
uint64_t cp_prov_next_ms(const struct cp_prov *p);
const struct cp_prov_status *cp_prov_status(const struct cp_prov *p);
const char *cp_prov_state_name(enum cp_prov_state s);
/* One log line with the state, lease, servers, file and last error. */
void cp_prov_log_status(const struct cp_prov *p);

#endif
