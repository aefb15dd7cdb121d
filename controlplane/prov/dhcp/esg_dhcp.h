/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg_dhcp: build and parse DHCPv4 and DHCPv6 packets.
 *
 * A C API over Kea's libdhcp++ (C++ inside, extern "C" here): no C++
 * type crosses it. Every message is a plain, bounded struct; options the
 * ESG uses are typed fields, CableLabs vendor sub-options (enterprise 4491)
 * are decoded where PKT-EUE-PROV names them. Functions return 0 or a
 * positive errno (EBADMSG malformed packet, ENOSPC buffer or struct too
 * small, EINVAL bad input) and write a reason into err (ESG_DHCP_ERR_LEN
 * bytes, may be NULL).
 *
 * Addresses are struct in_addr / struct in6_addr, network byte order.
 * Every field guarded by a presence bit is valid only with that bit set.
 */
#ifndef ESG_DHCP_H
#define ESG_DHCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ESG_DHCP_ERR_LEN 128
#define ESG_DHCP_MAX_ADDRS 4	/* per address-list option */
#define ESG_DHCP_MAX_SUBOPTS 12 /* per vendor container */
#define ESG_DHCP_MAX_OPTLEN 255
#define ESG_DHCP_MAX_NAME 256 /* host / domain / file names, NUL ended */
#define ESG_DHCP_MAX_ORO 32
#define ESG_DHCP_MAX_ID 128	    /* client / server identifiers, DUIDs */
#define ESG_DHCP_ENTERPRISE_CL 4491 /* CableLabs */
#define ESG_DHCP_DSS_ID_MAX 32	    /* PKT-EUE-PROV 6.4.1.4 */

/* One vendor sub-option as it is on the wire (code, length, data). */
struct esg_dhcp_subopt {
	uint16_t code;
	uint16_t len;
	uint8_t data[ESG_DHCP_MAX_OPTLEN];
};

struct esg_dhcp_subopts {
	unsigned n;
	struct esg_dhcp_subopt o[ESG_DHCP_MAX_SUBOPTS];
};

/* ---------------------------------------------------------------- v4 */

enum esg_dhcp4_type {
	ESG_DHCP4_DISCOVER = 1,
	ESG_DHCP4_OFFER = 2,
	ESG_DHCP4_REQUEST = 3,
	ESG_DHCP4_DECLINE = 4,
	ESG_DHCP4_ACK = 5,
	ESG_DHCP4_NAK = 6,
	ESG_DHCP4_RELEASE = 7,
	ESG_DHCP4_INFORM = 8,
};

/* Presence bits of struct esg_dhcp4_msg. */
#define ESG_DHCP4_HAS_MASK (1u << 0)	     /* option 1 */
#define ESG_DHCP4_HAS_REQ_IP (1u << 1)	     /* option 50 */
#define ESG_DHCP4_HAS_LEASE (1u << 2)	     /* option 51 */
#define ESG_DHCP4_HAS_SERVER_ID (1u << 3)    /* option 54 */
#define ESG_DHCP4_HAS_T1 (1u << 4)	     /* option 58 */
#define ESG_DHCP4_HAS_T2 (1u << 5)	     /* option 59 */
#define ESG_DHCP4_HAS_VENDOR_CLASS (1u << 6) /* option 60 */
#define ESG_DHCP4_HAS_VENDOR_ENC (1u << 7)   /* option 43 */
#define ESG_DHCP4_HAS_CCC (1u << 8)	     /* option 122 */
#define ESG_DHCP4_HAS_VIVSO (1u << 9)	     /* option 125, 4491 */
#define ESG_DHCP4_HAS_CLIENT_ID (1u << 10)   /* option 61 */
#define ESG_DHCP4_HAS_HOSTNAME (1u << 11)    /* option 12 */
#define ESG_DHCP4_HAS_DOMAIN (1u << 12)	     /* option 15 */
#define ESG_DHCP4_HAS_MESSAGE (1u << 13)     /* option 56 */

/* RFC 3495 option 122 (CableLabs Client Configuration), decoded. */
#define ESG_CCC_HAS_PRIMARY (1u << 0)	  /* sub-option 1 */
#define ESG_CCC_HAS_SECONDARY (1u << 1)	  /* sub-option 2 */
#define ESG_CCC_HAS_PROV_SERVER (1u << 2) /* sub-option 3 */
#define ESG_CCC_HAS_REALM (1u << 3)	  /* sub-option 6 */
#define ESG_CCC_HAS_PROV_TIMER (1u << 4)  /* sub-option 8 */
struct esg_dhcp4_ccc {
	uint32_t present;
	struct in_addr primary;	  /* 1: eUE primary DHCP server */
	struct in_addr secondary; /* 2: eUE secondary DHCP server */
	/* 3: provisioning server, type 0 = FQDN (RFC 1035 wire form
	 * decoded to dotted text), type 1 = IPv4 address */
	uint8_t prov_type;
	struct in_addr prov_addr;
	char prov_fqdn[ESG_DHCP_MAX_NAME];
	char realm[ESG_DHCP_MAX_NAME]; /* 6: Kerberos realm (dotted) */
	uint8_t prov_timer;	       /* 8: seconds */
	struct esg_dhcp_subopts all;   /* every sub-option, in order */
};

struct esg_dhcp4_msg {
	uint8_t type; /* enum esg_dhcp4_type (option 53) */
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	struct in_addr ciaddr, yiaddr, siaddr, giaddr;
	uint8_t htype, hlen;
	uint8_t chaddr[16];
	char sname[65]; /* NUL ended */
	char file[129]; /* NUL ended: spec 000 8.1.3, the config file */

	uint32_t present; /* ESG_DHCP4_HAS_* */
	struct in_addr mask;
	unsigned n_routers, n_dns, n_log;
	struct in_addr routers[ESG_DHCP_MAX_ADDRS]; /* option 3 */
	struct in_addr dns[ESG_DHCP_MAX_ADDRS];	    /* option 6 */
	struct in_addr log[ESG_DHCP_MAX_ADDRS];	    /* option 7: syslog */
	struct in_addr req_ip, server_id;
	uint32_t lease, t1, t2; /* seconds */
	unsigned n_prl;
	uint8_t prl[ESG_DHCP_MAX_ORO]; /* option 55 */
	uint16_t client_id_len;
	uint8_t client_id[ESG_DHCP_MAX_ID];
	char hostname[ESG_DHCP_MAX_NAME];
	char domain[ESG_DHCP_MAX_NAME];
	char message[ESG_DHCP_MAX_NAME];
	uint16_t vendor_class_len; /* option 60, opaque */
	uint8_t vendor_class[ESG_DHCP_MAX_OPTLEN];
	/* option 43 sub-options (code 1 byte); spec 000 8.1.3: sub-option
	 * 2 = device type "SESG" */
	struct esg_dhcp_subopts vendor_enc;
	struct esg_dhcp4_ccc ccc; /* option 122 */
	/* option 125 (RFC 3925) block of enterprise 4491: sub-options,
	 * e.g. 1 = ORO, 2 = TFTP servers */
	struct esg_dhcp_subopts vivso;
};

/* ---------------------------------------------------------------- v6 */

enum esg_dhcp6_type {
	ESG_DHCP6_SOLICIT = 1,
	ESG_DHCP6_ADVERTISE = 2,
	ESG_DHCP6_REQUEST = 3,
	ESG_DHCP6_CONFIRM = 4,
	ESG_DHCP6_RENEW = 5,
	ESG_DHCP6_REBIND = 6,
	ESG_DHCP6_REPLY = 7,
	ESG_DHCP6_RELEASE = 8,
	ESG_DHCP6_DECLINE = 9,
	ESG_DHCP6_RECONFIGURE = 10,
	ESG_DHCP6_INFO_REQUEST = 11,
};

#define ESG_DHCP6_HAS_ELAPSED (1u << 0)	      /* option 8 */
#define ESG_DHCP6_HAS_STATUS (1u << 1)	      /* option 13 */
#define ESG_DHCP6_HAS_RAPID_COMMIT (1u << 2)  /* option 14 */
#define ESG_DHCP6_HAS_VENDOR_CLASS (1u << 3)  /* option 16 */
#define ESG_DHCP6_HAS_VENDOR_OPTS (1u << 4)   /* option 17, 4491 */
#define ESG_DHCP6_HAS_RECONF_ACCEPT (1u << 5) /* option 20 */
#define ESG_DHCP6_HAS_FQDN (1u << 6)	      /* option 39 */
#define ESG_DHCP6_HAS_AFTR (1u << 7)	      /* option 64 */
#define ESG_DHCP6_HAS_PREFERENCE (1u << 8)    /* option 7 */

#define ESG_DHCP6_MAX_IA 2

struct esg_dhcp6_iaaddr {
	struct in6_addr addr;
	uint32_t preferred, valid;
	int16_t status; /* -1: no status option inside */
};

struct esg_dhcp6_ia_na { /* option 3 with its option 5s and 13 */
	uint32_t iaid, t1, t2;
	int16_t status; /* -1: none */
	unsigned n_addr;
	struct esg_dhcp6_iaaddr addr[ESG_DHCP_MAX_ADDRS];
};

/* CL_OPTION_CCCV6 (2171) sub-options, decoded (CL-CANN-DHCP-Reg). */
#define ESG_CCCV6_HAS_PRIMARY (1u << 0)	    /* 1: primary DSS_ID */
#define ESG_CCCV6_HAS_SECONDARY (1u << 1)   /* 2: secondary DSS_ID */
#define ESG_CCCV6_HAS_PROV_SERVER (1u << 2) /* 3 */
#define ESG_CCCV6_HAS_REALM (1u << 3)	    /* 6 */
struct esg_dhcp6_cccv6 {
	uint32_t present;
	/* PKT-EUE-PROV 6.4.1.4: a longer DSS_ID counts for its first 32
	 * bytes; the *_len fields keep the length seen on the wire. */
	uint16_t primary_len, secondary_len;
	uint8_t primary[ESG_DHCP_DSS_ID_MAX];
	uint8_t secondary[ESG_DHCP_DSS_ID_MAX];
	uint16_t prov_type; /* 0 = FQDN, 1 = IPv6 address */
	struct in6_addr prov_addr;
	char prov_fqdn[ESG_DHCP_MAX_NAME];
	char realm[ESG_DHCP_MAX_NAME];
	struct esg_dhcp_subopts all;
};

/* CableLabs vendor options in option 17 (enterprise 4491). */
#define ESG_CL_HAS_DEVICE_TYPE (1u << 0) /* CL_OPTION_DEVICE_TYPE 2 */
#define ESG_CL_HAS_CONFIG_FILE (1u << 1) /* CL_OPTION_CONFIG_FILE_NAME 33 */
#define ESG_CL_HAS_CCCV6 (1u << 2)	 /* CL_OPTION_CCCV6 2171 */
#define ESG_CL_HAS_ORO (1u << 3)	 /* CL_OPTION_ORO 1 */
struct esg_dhcp6_cl {
	uint32_t present;
	unsigned n_oro;
	uint16_t oro[ESG_DHCP_MAX_ORO];
	char device_type[ESG_DHCP_MAX_NAME];
	char config_file[ESG_DHCP_MAX_NAME];
	unsigned n_tftp, n_syslog;
	struct in6_addr tftp[ESG_DHCP_MAX_ADDRS];   /* 32 */
	struct in6_addr syslog[ESG_DHCP_MAX_ADDRS]; /* 34 */
	struct esg_dhcp6_cccv6 cccv6;
	/* any other sub-option (device serial number, vendor name, ...) */
	struct esg_dhcp_subopts other;
};

/* RFC 7598 softwire options. */
struct esg_s46_portparams { /* option 93 */
	uint8_t offset;
	uint8_t psid_len;
	uint16_t psid; /* the PSID value (psid_len bits, right-aligned) */
};

struct esg_s46_rule { /* option 89 */
	uint8_t flags;
	uint8_t ea_len;
	uint8_t prefix4_len;
	struct in_addr prefix4;
	uint8_t prefix6_len;
	struct in6_addr prefix6;
	int has_portparams;
	struct esg_s46_portparams portparams;
};

#define ESG_S46_MAX_RULES 4
enum esg_s46_kind {
	ESG_S46_MAPE = 94,
	ESG_S46_MAPT = 95,
	ESG_S46_LW = 96,
};

struct esg_s46_cont {  /* option 94, 95 or 96 */
	uint16_t kind; /* enum esg_s46_kind */
	unsigned n_rules;
	struct esg_s46_rule rules[ESG_S46_MAX_RULES];
	unsigned n_br;
	struct in6_addr br[ESG_DHCP_MAX_ADDRS]; /* option 90 */
	int has_dmr;				/* option 91 (MAP-T) */
	uint8_t dmr_len;
	struct in6_addr dmr;
	int has_v4v6bind; /* option 92 (lw4o6) */
	struct in_addr bind_v4;
	uint8_t bind_prefix6_len;
	struct in6_addr bind_prefix6;
	int bind_has_portparams;
	struct esg_s46_portparams bind_portparams;
};

#define ESG_S46_MAX_CONT 3

struct esg_dhcp6_msg {
	uint8_t type;			       /* enum esg_dhcp6_type */
	uint32_t xid;			       /* 24 bits */
	uint32_t present;		       /* ESG_DHCP6_HAS_* */
	uint16_t client_id_len, server_id_len; /* options 1, 2 (DUID) */
	uint8_t client_id[ESG_DHCP_MAX_ID];
	uint8_t server_id[ESG_DHCP_MAX_ID];
	unsigned n_ia;
	struct esg_dhcp6_ia_na ia[ESG_DHCP6_MAX_IA];
	unsigned n_oro;
	uint16_t oro[ESG_DHCP_MAX_ORO]; /* option 6 */
	uint8_t preference;		/* option 7 */
	uint16_t elapsed;		/* option 8, 1/100 s */
	uint16_t status;		/* option 13 */
	char status_msg[ESG_DHCP_MAX_NAME];
	unsigned n_dns;
	struct in6_addr dns[ESG_DHCP_MAX_ADDRS]; /* option 23 */
	/* option 39 (RFC 4704): flags S=1, O=2, N=4; name dotted, a
	 * trailing '.' for a fully qualified name, "" for empty */
	uint8_t fqdn_flags;
	char fqdn[ESG_DHCP_MAX_NAME];
	uint16_t vendor_class_len; /* option 16, 4491: first opaque tuple */
	uint8_t vendor_class[ESG_DHCP_MAX_OPTLEN];
	struct esg_dhcp6_cl cl;		   /* option 17, 4491 */
	char aftr_name[ESG_DHCP_MAX_NAME]; /* option 64 (RFC 6334), dotted */
	unsigned n_s46;
	struct esg_s46_cont s46[ESG_S46_MAX_CONT];
};

int esg_dhcp4_build(const struct esg_dhcp4_msg *m, uint8_t *buf, size_t cap,
		    size_t *lenp, char *err);
int esg_dhcp4_parse(const uint8_t *buf, size_t len, struct esg_dhcp4_msg *m,
		    char *err);
int esg_dhcp6_build(const struct esg_dhcp6_msg *m, uint8_t *buf, size_t cap,
		    size_t *lenp, char *err);
int esg_dhcp6_parse(const uint8_t *buf, size_t len, struct esg_dhcp6_msg *m,
		    char *err);

/* Append a sub-option to a list; ENOSPC when full or too long. */
int esg_dhcp_subopt_add(struct esg_dhcp_subopts *l, uint16_t code,
			const void *data, size_t len);
/* First sub-option with that code, or NULL. */
const struct esg_dhcp_subopt *
esg_dhcp_subopt_find(const struct esg_dhcp_subopts *l, uint16_t code);

#ifdef __cplusplus
}
#endif

#endif /* ESG_DHCP_H */
