/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESG configuration file (docs/provisioning-cfgfile.md): the TLV file
 * the ESG downloads from its configuration server (spec 000 8.1.3, spec
 * 001 eUE-22/eUE-23 and 6.4.2 Table 6).
 *
 *  - cp_cfgfile_parse(): a pure, bounds-checked parser of the whole file:
 *    254 start (0x01) first and 254 end (0xFF) last, TLV 11 and TLV 64
 *    (2-byte length) SNMP varbinds in BER, TLV 38 notification receivers
 *    (38.1 / 38.8, spec 001 6.5), TLV 43 vendor specific with the vendor
 *    id sub-TLV 8, the SHA-1 configuration hash (given from outside,
 *    eUE-19/eUE-23, or carried in the file as pktcMtaDevProvConfigHash).
 *    A malformed file is refused with the byte offset and the reason; out
 *    is written only on success, so the caller's previous configuration
 *    stays as it was.
 *  - cp_cfgfile_apply(): maps the varbinds onto the ESG's own settings
 *    (esg MIB, enterprise 32473 subtree: docs) and refuses unknown or
 *    ill-typed objects with the reason; s is written only on success.
 *
 * Functions return 0 or a positive errno (EBADMSG for a malformed file,
 * EINVAL for a refused varbind), with err filled on failure.
 */
#ifndef CP_CFGFILE_H
#define CP_CFGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_CFGFILE_MAX_VARBINDS 128
#define CP_CFGFILE_MAX_NOTIFY 8
#define CP_CFGFILE_MAX_VENDOR 8
#define CP_CFGFILE_MAX_UNKNOWN 16
#define CP_CFGFILE_OID_MAX 32	  /* sub-identifiers of an OID */
#define CP_CFGFILE_OCTETS_MAX 255 /* an OCTET STRING value */
#define CP_CFGFILE_SECNAME_MAX 32 /* 38.7 security name */
#define CP_CFGFILE_VENDOR_MAX 255 /* TLV 43 sub-TLVs but the id */
#define CP_CFGFILE_SHA1_LEN 20

/* TLV types (spec 001 6.4.2 Table 6). */
#define CP_CFGFILE_TLV_SNMP 11
#define CP_CFGFILE_TLV_NOTIFY 38
#define CP_CFGFILE_TLV_VENDOR 43
#define CP_CFGFILE_TLV_SNMP64 64
#define CP_CFGFILE_TLV_MARKER 254
#define CP_CFGFILE_MARKER_START 0x01
#define CP_CFGFILE_MARKER_END 0xff

/* BER / SNMP SMI value types (RFC 2578 7.1, RFC 3416 3). */
enum cp_cfgfile_vtype {
	CP_CFGFILE_V_INTEGER,	/* 0x02 */
	CP_CFGFILE_V_OCTETS,	/* 0x04 */
	CP_CFGFILE_V_OID,	/* 0x06 */
	CP_CFGFILE_V_IPADDR,	/* 0x40 */
	CP_CFGFILE_V_COUNTER32, /* 0x41 */
	CP_CFGFILE_V_GAUGE32,	/* 0x42 */
	CP_CFGFILE_V_TIMETICKS, /* 0x43 */
};

struct cp_cfgfile_oid {
	uint32_t sub[CP_CFGFILE_OID_MAX];
	uint8_t n;
};

struct cp_cfgfile_value {
	enum cp_cfgfile_vtype type;
	int32_t i;  /* INTEGER */
	uint32_t u; /* Counter32, Gauge32, TimeTicks */
	uint8_t ip[4];
	struct cp_cfgfile_oid oid;
	uint8_t octets[CP_CFGFILE_OCTETS_MAX];
	uint16_t octets_len;
};

struct cp_cfgfile_varbind {
	uint32_t offset; /* of its TLV in the file */
	uint8_t tlv;	 /* 11 or 64 */
	struct cp_cfgfile_oid oid;
	struct cp_cfgfile_value val;
};

/* Trap types of 38.3 (DOCSIS SNMPv3 Notification Receiver). */
enum cp_cfgfile_trap {
	CP_CFGFILE_TRAP_V1 = 1,
	CP_CFGFILE_TRAP_V2C = 2,
	CP_CFGFILE_INFORM_V2C = 3,
	CP_CFGFILE_TRAP_V3 = 4,
	CP_CFGFILE_INFORM_V3 = 5,
};

struct cp_cfgfile_notify {
	uint32_t offset;
	bool has_v4; /* 38.1 */
	bool has_v6; /* 38.8 (spec 001 6.5) */
	uint8_t v4[4];
	uint8_t v6[16];
	uint16_t port;		      /* 38.2, default 162 */
	uint16_t type;		      /* 38.3, enum cp_cfgfile_trap */
	uint16_t timeout_ms;	      /* 38.4, default 15000 */
	uint16_t retries;	      /* 38.5, default 3 */
	struct cp_cfgfile_oid filter; /* 38.6, n = 0 when absent */
	char secname[CP_CFGFILE_SECNAME_MAX + 1]; /* 38.7 */
};

struct cp_cfgfile_vendor {
	uint32_t offset;
	uint8_t oui[3];			     /* sub-TLV 8 */
	uint8_t data[CP_CFGFILE_VENDOR_MAX]; /* the other sub-TLVs, as is */
	uint8_t data_len;
};

struct cp_cfgfile {
	struct cp_cfgfile_varbind vb[CP_CFGFILE_MAX_VARBINDS];
	unsigned int nb_vb;
	struct cp_cfgfile_notify notify[CP_CFGFILE_MAX_NOTIFY];
	unsigned int nb_notify;
	struct cp_cfgfile_vendor vendor[CP_CFGFILE_MAX_VENDOR];
	unsigned int nb_vendor;
	/* TLV types the ESG does not implement, skipped (docs: "Unknown
	 * TLV types"); the first CP_CFGFILE_MAX_UNKNOWN kept. */
	uint8_t unknown_type[CP_CFGFILE_MAX_UNKNOWN];
	uint32_t unknown_offset[CP_CFGFILE_MAX_UNKNOWN];
	unsigned int nb_unknown;
	bool hash_in_file;  /* pktcMtaDevProvConfigHash checked */
	bool hash_external; /* the caller's hash checked */
	uint8_t sha1[CP_CFGFILE_SHA1_LEN]; /* of the whole file */
};

struct cp_cfgfile_err {
	size_t offset;
	char reason[256]; /* "offset 37: TLV 64 length 300 runs ..." */
};

/* The OIDs of pktcMtaDevProvConfigHash that may carry the file's own
 * hash (basic flow: the hash is in the file, PKTC-IETF-MTA-MIB): the
 * CableLabs one (PKTC-MTA-MIB) and the IETF one (RFC 4682). */
extern const struct cp_cfgfile_oid cp_cfgfile_oid_hash_cl;
extern const struct cp_cfgfile_oid cp_cfgfile_oid_hash_ietf;

/*
 * Parse the file buf/len into out. ext_sha1: NULL, or the 20-byte SHA-1
 * of the file received out of band (spec 001 eUE-19, pktcMtaDevProvConfig
 * Hash by SNMP SET; checked over the whole file, eUE-23). 0, or EBADMSG
 * with err (offset and reason); EINVAL for NULL arguments.
 */
int cp_cfgfile_parse(const uint8_t *buf, size_t len, const uint8_t *ext_sha1,
		     struct cp_cfgfile *out, struct cp_cfgfile_err *err);

/*
 * One varbind: the BER SEQUENCE { OID, value } of a TLV 11/64 value
 * (buf/len), base = the value's offset in the file for error offsets.
 * 0 or EBADMSG with err. Used by the parser and by tools that dump files.
 */
int cp_cfgfile_varbind_decode(const uint8_t *buf, size_t len, size_t base,
			      struct cp_cfgfile_varbind *vb,
			      struct cp_cfgfile_err *err);

/* The contents of a BER OBJECT IDENTIFIER (X.690 8.19), tag and length
 * excluded; base = offset of c in the file. 0 or EBADMSG with err. */
int cp_cfgfile_oid_decode(const uint8_t *c, size_t len, size_t base,
			  struct cp_cfgfile_oid *oid,
			  struct cp_cfgfile_err *err);

/* The address a receiver is reached at in an addressing mode (spec 001
 * 6.5: in IPv6 mode 38.8 in lieu of 38.1; in IPv4 mode 38.8 ignored):
 * 0 with addr (4 or 16 bytes) and *alen, or ENOENT. */
int cp_cfgfile_notify_addr(const struct cp_cfgfile_notify *n, bool ipv6,
			   uint8_t addr[16], size_t *alen);

/* OID text "1.3.6.1..." <-> struct; 0 or EINVAL / ENOSPC. */
int cp_cfgfile_oid_parse(const char *s, struct cp_cfgfile_oid *oid);
int cp_cfgfile_oid_print(char *buf, size_t size,
			 const struct cp_cfgfile_oid *oid);
bool cp_cfgfile_oid_equal(const struct cp_cfgfile_oid *a,
			  const struct cp_cfgfile_oid *b);
const char *cp_cfgfile_vtype_name(enum cp_cfgfile_vtype t);
/* For the parser's files: fill err ("offset N: " + reason), EBADMSG. */
int cp_cfgfile_errf(struct cp_cfgfile_err *err, size_t off, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

/* ---- the ESG's own settings (docs/provisioning-cfgfile.md "esg MIB") */

enum cp_cfgfile_stack {
	CP_CFGFILE_STACK_UNSET = 0,
	CP_CFGFILE_STACK_IPV4 = 1,
	CP_CFGFILE_STACK_IPV6 = 2,
	CP_CFGFILE_STACK_DUAL = 3,
};

enum cp_cfgfile_family {
	CP_CFGFILE_FAMILY_UNSET = 0,
	CP_CFGFILE_FAMILY_IPV4 = 1,
	CP_CFGFILE_FAMILY_IPV6 = 2,
};

#define CP_CFGFILE_NAME_MAX 128

struct cp_cfgfile_settings {
	enum cp_cfgfile_stack stack;		/* esgStackMode */
	enum cp_cfgfile_family sig_family;	/* esgSignallingFamily */
	enum cp_cfgfile_family media_family;	/* esgPreferredMediaFamily */
	char trunk_proxy[CP_CFGFILE_NAME_MAX];	/* esgTrunkProxy */
	char trunk_domain[CP_CFGFILE_NAME_MAX]; /* esgTrunkDomain */
	int syslog_level;			/* esgSyslogLevel, -1 unset */
	uint16_t sip_port;			/* esgSipPort, 0 unset */
};

/* The esg MIB subtree: 1.3.6.1.4.1.32473.1.1 (32473: the enterprise
 * number for documentation use, RFC 5612). */
extern const struct cp_cfgfile_oid cp_cfgfile_oid_esg_prov;

void cp_cfgfile_settings_init(struct cp_cfgfile_settings *s);

/*
 * Apply the varbinds of cf onto a copy of *s; on success *s is replaced.
 * EINVAL with err (the varbind's offset, its OID and why) for an object
 * outside the mapping table, a wrong type, a value out of range, or
 * settings that contradict each other (spec 000 8.1.3: single stack
 * means one family for signalling and media).
 */
int cp_cfgfile_apply(const struct cp_cfgfile *cf, struct cp_cfgfile_settings *s,
		     struct cp_cfgfile_err *err);

#endif
