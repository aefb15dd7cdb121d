/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "provisioning" section of the configuration (docs/configuration.md
 * "provisioning"): how the ESG provisions its WAN side, PacketCable style
 * (DHCPv4/DHCPv6, configuration file, syslog) or from static settings.
 * Parsed by esg_conf_prov.c under esg_conf.c.
 *
 * Spec 000 (PKT-SP-ESG) 8.1.3: an ESG fully preconfigured with its
 * address, DNS servers, configuration server and configuration file name
 * sends no DHCP at all ("static"); otherwise it runs DHCPv4, DHCPv6 or
 * both per its stack mode ("dhcp"). Spec 001 (PKT-SP-EUE-PROV) 6.1-6.6.
 */
#ifndef ESG_CONF_PROV_H
#define ESG_CONF_PROV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct walk;
struct esg_conf;

#define ESG_CONF_PROV_MAX_DNS 4
#define ESG_CONF_PROV_FILE_LEN 128  /* configuration file name + NUL */
#define ESG_CONF_PROV_VCLASS_LEN 64 /* option 60 + NUL */
#define ESG_CONF_PROV_MAX_DHCP_SERVERS 2
#define ESG_CONF_PROV_MAX_SNMP 4       /* extra SNMP INFORM receivers */
#define ESG_CONF_PROV_COMMUNITY_LEN 65 /* SNMPv2c community + NUL */

enum esg_prov_mode {
	ESG_PROV_OFF = 0, /* no section: static addresses, nothing sent */
	ESG_PROV_STATIC,  /* spec 000 8.1.3: preconfigured, no DHCP */
	ESG_PROV_DHCP,	  /* DHCPv4 / DHCPv6 per the stack */
};

enum esg_prov_stack {
	ESG_PROV_STACK_IPV4 = 1,
	ESG_PROV_STACK_IPV6 = 2,
	ESG_PROV_STACK_DUAL = 3,
};

enum esg_prov_syslog_fmt {
	ESG_PROV_SYSLOG_RFC5424 = 0,
	ESG_PROV_SYSLOG_RFC3164,
};

/* An address with an optional port; family 0 = not set. */
struct esg_conf_host {
	int family; /* AF_INET, AF_INET6 or 0 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
	uint16_t port; /* 0: the protocol's default */
};

struct esg_conf_prov {
	bool enabled; /* the section is present */
	enum esg_prov_mode mode;
	enum esg_prov_stack stack;
	int iface; /* index in conf->iface[] of the provisioned (WAN) side */
	/* the configuration file: in "static" the server and file; in
	 * "dhcp" an override of siaddr/file (both or neither) */
	struct esg_conf_host cfg_server; /* family 0: none */
	char cfg_file[ESG_CONF_PROV_FILE_LEN];
	/* where "provisioning complete" goes (spec 001 eUE-24): overrides
	 * the first syslog server from DHCP (option 7 / CL option 34) */
	struct esg_conf_host syslog; /* family 0: from DHCP, or none */
	enum esg_prov_syslog_fmt syslog_fmt;
	/* "static": the DNS servers (spec 000 8.1.3) */
	unsigned int nb_dns;
	struct esg_conf_host dns[ESG_CONF_PROV_MAX_DNS];
	/* "dhcp": option 60, sent only when set (spec 000 8.1.3) */
	char vendor_class[ESG_CONF_PROV_VCLASS_LEN];
	/* "dhcp": PKT-EUE-PROV 6.3.2.2 OFFERs only from these (none: any) */
	unsigned int nb_dhcp_servers;
	struct in_addr dhcp_servers[ESG_CONF_PROV_MAX_DHCP_SERVERS];
	/* "dhcp" with IPv6: the prefix length the leased IA_NA address is
	 * added with (RFC 8415 21.6 / RFC 5942: DHCPv6 carries none; on-link
	 * prefixes come from Router Advertisements, which the dataplane does
	 * not process): 128 unless the operator states the on-link prefix */
	unsigned int ipv6_prefix_len;
	/* "dhcp", stack "dual": the family whose lease locates the
	 * configuration file and the syslog server (spec 000 8.1.3 / 7.2
	 * 5f: signalling and management use one configured IP version);
	 * default AF_INET6 (spec 001 6.3.2.1 Table 4: no preference and
	 * both families available -> IPv6) */
	int mgmt_family;
	/* "dhcp" with IPv6: ask DHCPv6 for the softwire options, AFTR-Name
	 * (64, RFC 6334) and the S46 containers MAP-E / MAP-T / lw4o6
	 * (94-96, RFC 7598); kept with the lease and shown (issue 5), the
	 * mode selection (spec 004 3) is the softwire issue's. Default off */
	bool softwire;
	/* spec 001 eUE-25: SNMPv2c INFORM receivers of the provisioning
	 * status besides the file's TLV 38 ones (port 0: 162), and the
	 * community for all of them (default "public"; TLV 38 has none) */
	unsigned int nb_snmp;
	struct esg_conf_host snmp[ESG_CONF_PROV_MAX_SNMP];
	char snmp_community[ESG_CONF_PROV_COMMUNITY_LEN];
};

void esg_conf_prov_defaults(struct esg_conf_prov *p);
/* Parse o (the "provisioning" object) into p; conf is the rest of the
 * document (interfaces are parsed already) for cross-checks. */
int esg_conf_prov_parse(struct walk *w, void *o, struct esg_conf_prov *p,
			const struct esg_conf *conf);
/* "a.b.c.d", "a.b.c.d:port", "x::y", "[x::y]:port" (port 1..65535).
 * 0 or EINVAL. */
int esg_conf_host_parse(const char *s, struct esg_conf_host *h);
/* "http://ADDR[:port]/path" (ADDR an IPv4 literal or [IPv6]; no name:
 * no DNS at this step): the server into h (port 0: 80) and a pointer to
 * the path (starting with '/') into *pathp. 0 or EINVAL. */
int esg_conf_http_url_parse(const char *url, struct esg_conf_host *h,
			    const char **pathp);
const char *esg_prov_mode_str(enum esg_prov_mode m);
const char *esg_prov_stack_str(enum esg_prov_stack s);

#endif
