/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sip" section of the configuration (docs/configuration.md "sip"):
 * the operator's trunk side (WAN), the tenants on the LAN side, limits and
 * timers of the B2BUA. Parsed by esg_conf_sip.c under esg_conf.c; every
 * field below has its JSON key in the comment.
 *
 * Addresses of the ESG itself are not here: SIP listens on
 * controlplane.sip_port at every own address of the interfaces, and a
 * side's signalling and media use the own addresses of that side's
 * interface in the family the peer uses.
 */
#ifndef ESG_CONF_SIP_H
#define ESG_CONF_SIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define ESG_CONF_MAX_TENANTS 16
#define ESG_CONF_MAX_NUMBERS 16 /* number ranges per tenant */
#define ESG_CONF_MAX_SOURCES 8	/* allowed source prefixes per tenant */
#define ESG_CONF_SIP_STR 128
#define ESG_CONF_SIP_NAME 32
#define ESG_CONF_E164_LEN 24 /* "+" and up to 15 digits, RFC 3966 style */

struct walk;
struct esg_conf;

enum esg_sip_transport {
	ESG_SIP_UDP, /* "udp" (default) */
	ESG_SIP_TCP, /* "tcp" */
	ESG_SIP_TLS, /* "tls" */
};

enum esg_sip_family {
	ESG_SIP_FAM_ANY,  /* "any": as the peer's address says */
	ESG_SIP_FAM_IPV4, /* "ipv4" */
	ESG_SIP_FAM_IPV6, /* "ipv6" */
};

/* How the enterprise and the operator learn where to send requests. */
enum esg_reg_mode {
	/* "static": no REGISTER either way; the PBX is at "pbx", the
	 * operator routes the number block to the ESG by configuration. */
	ESG_REG_STATIC,
	/* "trunk": mode (a). The PBX registers to the ESG (or is static);
	 * the ESG registers the trunk AOR to the operator on its behalf
	 * (SIPconnect style: one registration for the number block). */
	ESG_REG_TRUNK,
	/* "per-user": mode (b). Each phone's REGISTER is relayed to the
	 * operator with its Contact rewritten to the ESG's WAN side, so
	 * each phone is reachable from the WAN. */
	ESG_REG_PER_USER,
};

/* An IP address, a port (0 = 5060) and its family (AF_INET/AF_INET6). */
struct esg_conf_hostport {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
	uint16_t port;
};

/* An IP prefix (a source allowed to send SIP to the ESG). */
struct esg_conf_prefix {
	int family;
	uint8_t prefixlen;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* "numbers": ["+4930123400-+4930123499", "+4930555"]: a range of equal
 * length or a single number; "+" optional but the same on both ends. */
struct esg_conf_numrange {
	char first[ESG_CONF_E164_LEN];
	char last[ESG_CONF_E164_LEN];
};

/* "trunk": this tenant's account at the operator. */
struct esg_conf_trunk {
	char username[64];  /* "username": AOR user, the pilot number */
	char auth_user[64]; /* "auth_user": digest user, default username */
	char password[128]; /* "password": digest password, "" = none */
	char aor[ESG_CONF_SIP_STR]; /* "aor": default sip:username@domain */
	unsigned int expires_s;	    /* "expires_s": asked expiry, 60..86400,
				    * default 3600 */
};

struct esg_conf_tenant {
	char name[ESG_CONF_SIP_NAME]; /* "name": unique, [A-Za-z0-9_-] */
	int lan_iface;		      /* "interface": a LAN interface (index) */
	enum esg_reg_mode registration; /* "registration", default "trunk" */
	bool has_pbx;
	struct esg_conf_hostport pbx; /* "pbx": "192.0.2.10:5060" or
				       * "[2001:db8:1::10]:5060"; where LAN
				       * calls go when the PBX does not
				       * register. Required with "static". */
	unsigned int nb_sources;      /* "sources": allowed SIP sources;
				       * none = the interface's prefixes */
	struct esg_conf_prefix sources[ESG_CONF_MAX_SOURCES];
	unsigned int nb_numbers; /* "numbers": DIDs routed to this tenant */
	struct esg_conf_numrange numbers[ESG_CONF_MAX_NUMBERS];
	struct esg_conf_trunk trunk; /* "trunk" */
	unsigned int max_calls;	     /* "max_calls": concurrent, 0 = only
				       * the global limit */
	unsigned int max_cps;	     /* "max_cps": new calls/s, 0 = only the
				       * global limit */
	unsigned int media_port_min; /* "media_ports": "20000-20999", a
				       * slice of dataplane.media_port_min
				       * ..max; 0/0 = the whole range */
	unsigned int media_port_max;
};

struct esg_conf_sip {
	bool enabled; /* the section is present */

	/* "operator": the WAN side */
	int wan_iface;		      /* "interface": a WAN interface (index) */
	char proxy[ESG_CONF_SIP_STR]; /* "proxy": the P-CSCF / trunk
					* proxy, "sip:host[:port]" with host
					* an IP literal or FQDN (required) */
	enum esg_sip_transport transport; /* "transport", default "udp" */
	char domain[ESG_CONF_SIP_STR];	  /* "domain": the operator's domain
					   * (AORs, request URIs); default the
					   * proxy's host */
	enum esg_sip_family family;	  /* "family": signalling family
					   * toward the operator, "any" */
	unsigned int options_interval_s;  /* "options_interval_s": OPTIONS
					   * keep-alive to the proxy, default
					   * 30, 0 = off */
	unsigned int reg_retry_min_s;	  /* "reg_retry_min_s": back-off
					   * after a failed REGISTER, 30 */
	unsigned int reg_retry_max_s;	  /* "reg_retry_max_s": 1800 */
	/* TLS toward the proxy, transport "tls" only (docs/b2bua.md
	 * "Transport toward the operator") */
	char tls_ca[256];   /* "tls_ca": PEM file of the CA(s) the proxy's
			     * certificate must chain to; required unless
			     * tls_verify is false */
	char tls_cert[256]; /* "tls_cert": PEM certificate (chain) of the
			     * ESG, optional: sent as a client certificate
			     * and served on the TLS listener */
	char tls_key[256];  /* "tls_key": its private key, default the
			     * tls_cert file; only with tls_cert */
	bool tls_verify;    /* "tls_verify": verify the proxy's certificate
			     * and its name or address, default true */

	/* "limits" */
	unsigned int max_calls;	    /* "max_calls": concurrent, 100000 */
	unsigned int max_cps;	    /* "max_cps": new calls/s, 0 = no limit */
	unsigned int source_rps;    /* "source_rps": requests/s per source
				     * address, default 200, 0 = off */
	unsigned int max_msg_bytes; /* "max_msg_bytes": larger messages are
				     * refused (513), default 16384 */
	unsigned int retry_after_s; /* "retry_after_s": in a 503, 5 */

	/* "timers" */
	unsigned int media_timeout_s;	/* "media_timeout_s": no media this
					 * long ends the call (BYE), 60, 0 =
					 * off */
	unsigned int session_expires_s; /* "session_expires_s": RFC 4028,
					 * 1800 */
	unsigned int min_se_s;		/* "min_se_s": 90 */
	unsigned int no_answer_s;	/* "no_answer_s": an unanswered
					 * INVITE is CANCELled after this,
					 * 180 */

	char records[256]; /* "records": call records file (JSON lines);
			    * "" = one log line per call */

	unsigned int nb_tenants; /* "tenants" */
	struct esg_conf_tenant tenant[ESG_CONF_MAX_TENANTS];
};

void esg_conf_sip_defaults(struct esg_conf_sip *s);
/* Parse o (the "sip" object) into s; conf is the rest of the document
 * (interfaces are parsed already) for cross-checks. */
int esg_conf_sip_parse(struct walk *w, void *o, struct esg_conf_sip *s,
		       const struct esg_conf *conf);

#endif
