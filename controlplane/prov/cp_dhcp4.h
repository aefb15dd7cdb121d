/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ESG's DHCPv4 client: the RFC 2131 4.4 state machine (INIT,
 * SELECTING, REQUESTING, BOUND, RENEWING, REBINDING), with the address
 * check of RFC 2131 4.4.1 (the caller ARP-probes, CHECKING) and DECLINE
 * on conflict, the retransmission back-off of RFC 2131 4.1 and the lease
 * timers of 4.4.5. Spec 000 8.1.3: "SESG" in option 43 sub-option 2,
 * option 60 only if configured, 'siaddr' and 'file' locate the
 * configuration file; option 122 (RFC 3495) asked for in option 55.
 *
 * Pure (STYLE rule 7): no socket, no clock, no random source. Every entry
 * takes the time (ms, any monotonic origin) and a random number, and
 * fills a struct cp_dhcp4_out: at most one packet to send, the one time
 * the caller must call cp_dhcp4_timer() at, and events.
 */
#ifndef CP_DHCP4_H
#define CP_DHCP4_H

#include <stdint.h>

#include "dhcp/esg_dhcp.h"

enum cp_dhcp4_state {
	CP_DHCP4_INIT,	     /* waiting to send a DISCOVER */
	CP_DHCP4_SELECTING,  /* DISCOVER sent, waiting for an OFFER */
	CP_DHCP4_REQUESTING, /* REQUEST sent for an OFFER */
	CP_DHCP4_CHECKING,   /* ACKed; the caller probes the address */
	CP_DHCP4_BOUND,
	CP_DHCP4_RENEWING,
	CP_DHCP4_REBINDING,
	CP_DHCP4_STOPPED, /* released, or told not to provision */
};

/* Events in struct cp_dhcp4_out (bits). */
enum {
	CP_DHCP4_EV_PROBE = 1u << 0,	/* ARP-probe out->addr, then call
					   * cp_dhcp4_probe_result() */
	CP_DHCP4_EV_BOUND = 1u << 1,	/* first lease: provision on it */
	CP_DHCP4_EV_LOST = 1u << 2,	/* the address must go now */
	CP_DHCP4_EV_RESTART = 1u << 3,	/* 6.3.5: new yiaddr on renewal */
	CP_DHCP4_EV_RENEWED = 1u << 4,	/* lease extended */
	CP_DHCP4_EV_ROUTE = 1u << 5,	/* 6.3.5: new mask / routers */
	CP_DHCP4_EV_DNS = 1u << 6,	/* 6.3.5: new DNS servers */
	CP_DHCP4_EV_SYSLOG = 1u << 7,	/* 6.3.5: new syslog servers */
	CP_DHCP4_EV_NAK = 1u << 8,	/* a DHCPNAK restarted the client */
	CP_DHCP4_EV_DECLINED = 1u << 9, /* DECLINE sent (address in use) */
};

struct cp_dhcp4_cfg {
	uint8_t mac[6];
	/* option 61; 0 = type 1 + MAC (RFC 2132 9.14) */
	uint16_t client_id_len;
	uint8_t client_id[ESG_DHCP_MAX_ID];
	/* option 60, sent only when set (spec 000 8.1.3: optional, and
	 * advertising only what the ESG supports) */
	uint16_t vendor_class_len;
	uint8_t vendor_class[ESG_DHCP_MAX_OPTLEN];
	/* PKT-EUE-PROV 6.3.2.2: OFFERs only from these servers; none
	 * configured or 255.255.255.255 = any; 0.0.0.0 = do not provision */
	unsigned n_servers;
	struct in_addr servers[2];
};

struct cp_dhcp4_out {
	size_t len; /* 0: nothing to send */
	uint8_t pkt[1500];
	int broadcast;	    /* else unicast to dst (RENEWING) */
	struct in_addr dst; /* the server, for unicast */
	uint64_t timer_ms;  /* call cp_dhcp4_timer() then; 0: no timer */
	unsigned events;
	struct in_addr addr; /* the address of EV_PROBE / EV_BOUND */
};

struct cp_dhcp4 {
	enum cp_dhcp4_state state;
	struct cp_dhcp4_cfg cfg;
	uint32_t xid;
	uint64_t start_ms;	    /* of this exchange, for 'secs' */
	uint64_t next_ms;	    /* the armed timer */
	unsigned tries;		    /* transmissions of the current message */
	unsigned backoff_s;	    /* RFC 2131 4.1: 4, 8, ... 64 */
	struct esg_dhcp4_msg offer; /* SELECTING -> REQUESTING */
	struct esg_dhcp4_msg lease; /* the ACK in use */
	uint64_t bound_ms;	    /* when lease was ACKed */
	uint64_t t1_ms, t2_ms, end_ms;
	int have_lease;
	unsigned n_tx, n_rx, n_rx_bad; /* counters */
};

void cp_dhcp4_init(struct cp_dhcp4 *c, const struct cp_dhcp4_cfg *cfg);
/* Start from INIT: the first DISCOVER after a random 1-10 s (RFC 2131
 * 4.4.1); ECONNREFUSED when 6.3.2.2 says not to provision (0.0.0.0). */
int cp_dhcp4_start(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
		   struct cp_dhcp4_out *out);
/* The armed timer fired (early calls do nothing). */
int cp_dhcp4_timer(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
		   struct cp_dhcp4_out *out);
/* A packet from the DHCP server port; EBADMSG / EPROTO when ignored. */
int cp_dhcp4_recv(struct cp_dhcp4 *c, const uint8_t *buf, size_t len,
		  uint64_t now_ms, uint32_t rnd, struct cp_dhcp4_out *out);
/* The ARP probe of EV_PROBE: in_use != 0 sends a DECLINE (RFC 2131
 * 4.4.1) and restarts after 10 s (RFC 2131 3.1.5). */
int cp_dhcp4_probe_result(struct cp_dhcp4 *c, int in_use, uint64_t now_ms,
			  uint32_t rnd, struct cp_dhcp4_out *out);
/* Give the lease back (RFC 2131 4.4.6) and stop. */
int cp_dhcp4_release(struct cp_dhcp4 *c, struct cp_dhcp4_out *out);
/* Spec 000 8.1.3: the configuration file is 'file' on 'siaddr';
 * ENOENT when the lease names none. */
int cp_dhcp4_config_file(const struct cp_dhcp4 *c, struct in_addr *server,
			 const char **file);
const char *cp_dhcp4_state_name(enum cp_dhcp4_state s);

#endif /* CP_DHCP4_H */
