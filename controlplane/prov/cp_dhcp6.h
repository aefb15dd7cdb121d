/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESG's DHCPv6 client (RFC 8415, PKT-SP-EUE-PROV 6.3.4.3 eUE-1..eUE-4
 * as the Basic Provisioning Flow that spec 000 8.1.3 asks for): SOLICIT,
 * ADVERTISE collection, REQUEST, REPLY, the caller's DAD on the leased
 * address and DECLINE on conflict, RENEW at T1, REBIND at T2, RELEASE;
 * one IA_NA; the retransmission of RFC 8415 15 with the parameters of
 * RFC 8415 7.6; the renewal rules of PKT-EUE-PROV 6.3.5 (cp_prov_renew6).
 *
 * Pure (STYLE rule 7): no socket, no clock, no random source. Every entry
 * takes the time (ms, any monotonic origin) and a random number, and
 * fills a struct cp_dhcp6_out: at most one packet to send (always to
 * All_DHCP_Relay_Agents_and_Servers ff02::1:2, port 547: this client
 * never takes the Server Unicast option), the one time the caller must
 * call cp_dhcp6_timer() at, and events.
 */
#ifndef CP_DHCP6_H
#define CP_DHCP6_H

#include <stdint.h>

#include "dhcp/esg_dhcp.h"

enum cp_dhcp6_state {
	CP_DHCP6_INIT,	     /* waiting to send the first SOLICIT */
	CP_DHCP6_SOLICITING, /* SOLICIT sent, collecting ADVERTISEs */
	CP_DHCP6_REQUESTING, /* REQUEST sent to the chosen server */
	CP_DHCP6_CHECKING,   /* REPLY taken; the caller runs DAD */
	CP_DHCP6_BOUND,
	CP_DHCP6_RENEWING,
	CP_DHCP6_REBINDING,
	CP_DHCP6_DECLINING, /* DAD failed: DECLINE sent */
	CP_DHCP6_RELEASING, /* RELEASE sent */
	CP_DHCP6_STOPPED,   /* released, or told not to provision */
};

/* Events in struct cp_dhcp6_out (bits). */
enum {
	CP_DHCP6_EV_DAD = 1u << 0,	/* run DAD on out->addr, then call
					 * cp_dhcp6_dad_result() */
	CP_DHCP6_EV_BOUND = 1u << 1,	/* first lease: provision on it */
	CP_DHCP6_EV_LOST = 1u << 2,	/* out->addr must go now */
	CP_DHCP6_EV_RESTART = 1u << 3,	/* 6.3.5: new address on renewal */
	CP_DHCP6_EV_RENEWED = 1u << 4,	/* lease extended */
	CP_DHCP6_EV_DNS = 1u << 5,	/* 6.3.5: new DNS servers (23) */
	CP_DHCP6_EV_SYSLOG = 1u << 6,	/* 6.3.5: new syslog servers (34) */
	CP_DHCP6_EV_DECLINED = 1u << 7, /* DECLINE sent (DAD failed) */
	CP_DHCP6_EV_FAILED = 1u << 8,	/* an exchange failed: SOLICIT again */
	CP_DHCP6_EV_STOPPED = 1u << 9,	/* RELEASE done: the client stops */
	/* 6.3.5: the renewal's softwire options (64, 94-96) differ from
	 * the lease's: ignored, the lease keeps the first REPLY's */
	CP_DHCP6_EV_SW_IGNORED = 1u << 10,
};

/* PKT-EUE-PROV 6.3.2.2 / 6.4.1.4: a DSS_ID given by the eCM side (here:
 * the configuration); 00000000 = do not provision, FFFFFFFF = any. */
struct cp_dhcp6_dss {
	uint16_t len;
	uint8_t id[ESG_DHCP_DSS_ID_MAX];
};

struct cp_dhcp6_cfg {
	uint8_t mac[6];
	/* option 1; 0 = DUID-LL from mac (RFC 8415 11.4) */
	uint16_t duid_len;
	uint8_t duid[ESG_DHCP_MAX_ID];
	uint32_t iaid; /* 0 = the last 4 bytes of mac (RFC 8415 12) */
	/* option 16, enterprise 4491; 0 = "pktc2.0" (PKT-EUE-PROV eUE-1,
	 * 6.6.1) */
	uint16_t vendor_class_len;
	uint8_t vendor_class[ESG_DHCP_MAX_OPTLEN];
	/* more CableLabs sub-options of option 17 to send as they are
	 * (eUE-1: serial number 4, versions 5-7, OUI 8, model 9, vendor
	 * name 10); CL_OPTION_ORO, DEVICE_TYPE "SESG" and DEVICE_ID (36,
	 * the MAC) are always sent */
	struct esg_dhcp_subopts cl_info;
	/* PKT-EUE-PROV 6.3.2.2: ADVERTISEs only from these DSS_IDs (sub-
	 * option 1 of CL_OPTION_CCCV6); none = any server */
	unsigned n_dss;
	struct cp_dhcp6_dss dss[2];
	/* RFC 8415 18.2.1 Rapid Commit; PKT-EUE-PROV 6.3.4.3 forbids it in
	 * the eUE flow, so it stays 0 unless the operator asks */
	int rapid_commit;
	/* ask for AFTR-Name (64) and S46 containers 94-96 (RFC 7598) */
	int softwire;
};

struct cp_dhcp6_out {
	size_t len; /* 0: nothing to send */
	uint8_t pkt[1500];
	uint64_t timer_ms; /* call cp_dhcp6_timer() then; 0: no timer */
	unsigned events;
	struct in6_addr addr; /* the address of EV_DAD / BOUND / LOST ... */
};

struct cp_dhcp6 {
	enum cp_dhcp6_state state;
	struct cp_dhcp6_cfg cfg;
	uint32_t xid;
	uint8_t cur_type;	   /* the message being retransmitted */
	uint64_t start_ms;	   /* of this exchange: Elapsed Time */
	uint64_t next_ms;	   /* the armed timer */
	uint64_t first_rt_ms;	   /* SOLICIT: end of the collection */
	uint32_t rt_ms;		   /* RFC 8415 15: the current RT */
	unsigned tries;		   /* transmissions of the current message */
	int have_best;		   /* an ADVERTISE is kept in best */
	struct esg_dhcp6_msg best; /* the preferred ADVERTISE so far */
	/* the REPLY in use: ia[0].addr[0]; with cfg.softwire its AFTR-Name
	 * (aftr_name, ESG_DHCP6_HAS_AFTR) and S46 containers (s46[n_s46])
	 * as the REPLY to the REQUEST gave them (6.3.5: kept on renewal) */
	struct esg_dhcp6_msg lease;
	int have_lease;
	uint64_t reply_ms; /* lifetimes count from here (RFC 8415 18.2.10.1) */
	uint64_t t1_ms, t2_ms, end_ms; /* 0: infinite */
	/* PKT-EUE-PROV 6.3.5: the last FQDN received, sent in RENEW/REBIND */
	char fqdn[ESG_DHCP_MAX_NAME];
	/* counters */
	unsigned n_tx, n_rx, n_rx_bad;
	unsigned n_linklocal;	/* 6.2.1.2: link-local address refused */
	unsigned n_noaddrs;	/* NoAddrsAvail / no usable address */
	unsigned n_dss_refused; /* 6.3.2.2: DSS_ID not allowed */
	unsigned n_usemcast;	/* UseMulticast: resent */
	unsigned n_reconfigure; /* RECONFIGURE dropped (not accepted) */
	unsigned n_sw_ignored;	/* renewals with other softwire options */
};

void cp_dhcp6_init(struct cp_dhcp6 *c, const struct cp_dhcp6_cfg *cfg);
/* Start: the first SOLICIT after a random 0-1 s (RFC 8415 18.2.1,
 * SOL_MAX_DELAY); ECONNREFUSED when a DSS_ID is 00000000 (6.3.2.2). */
int cp_dhcp6_start(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
		   struct cp_dhcp6_out *out);
/* The armed timer fired (early calls do nothing). rnd gives RAND of
 * RFC 8415 15: (rnd % 201 - 100) / 1000, i.e. -0.1..+0.1; for the first
 * SOLICIT RT (1 + rnd % 100) / 1000, strictly above 0. */
int cp_dhcp6_timer(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
		   struct cp_dhcp6_out *out);
/* A packet from a server (port 546). 0 when taken; else why it was not:
 * EBADMSG malformed, EPROTO not for this exchange (type, xid, DUIDs,
 * RECONFIGURE), ENOENT no usable address (NoAddrsAvail), EADDRNOTAVAIL a
 * link-local address (6.2.1.2), EPERM a DSS_ID not allowed (6.3.2.2),
 * EAGAIN a failure status (UnspecFail ...): retransmission goes on. out
 * is valid whatever the return: a REPLY refused in REQUESTING fails the
 * step (eUE-4) and out then holds EV_FAILED and a new SOLICIT. */
int cp_dhcp6_recv(struct cp_dhcp6 *c, const uint8_t *buf, size_t len,
		  uint64_t now_ms, uint32_t rnd, struct cp_dhcp6_out *out);
/* The DAD of EV_DAD (PKT-EUE-PROV eUE-4, RFC 4862): in_use != 0 sends a
 * DECLINE (RFC 8415 18.2.8); after its REPLY or the last retransmission
 * the client solicits again. */
int cp_dhcp6_dad_result(struct cp_dhcp6 *c, int in_use, uint64_t now_ms,
			uint32_t rnd, struct cp_dhcp6_out *out);
/* Give the lease back (RFC 8415 18.2.7) and stop. */
int cp_dhcp6_release(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
		     struct cp_dhcp6_out *out);
/* Spec 000 8.1.3: CL_OPTION_TFTP_SERVERS (first) and
 * CL_OPTION_CONFIG_FILE_NAME; ENOENT when the lease names none. */
int cp_dhcp6_config_file(const struct cp_dhcp6 *c, struct in6_addr *server,
			 const char **file);
const char *cp_dhcp6_state_name(enum cp_dhcp6_state s);

#endif /* CP_DHCP6_H */
