/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the cp_reg*.c files (cp_reg.h is the API): the
 * service object, the per-tenant trunk client, the LAN registrar's
 * bindings and the per-user relay bindings.
 */
#ifndef CP_REG_INT_H
#define CP_REG_INT_H

#include "cp_reg.h"

#define CP_REG_HASH 256
#define CP_REG_MAX_CONTACTS 8 /* LAN bindings per AOR */
#define CP_REG_CALLID_LEN 128
#define CP_REG_DEFAULT_EXPIRES 3600 /* RFC 3261 10.3.7: neither asks */

/* Mode "trunk": the registration of one tenant's trunk AOR. */
struct cp_reg_trunk {
	struct cp_reg *reg;
	unsigned int idx; /* tenant index */
	struct sip_dialog *dlg;
	struct sip_auth *auth;
	struct sip_request *req;
	struct tmr tmr;
	uint32_t expires_s; /* asked; raised by a 423's Min-Expires */
	bool active;	    /* mode "trunk" with a username */
	struct cp_reg_status st;
};

/* LAN registrar: one contact of one AOR user of one tenant. */
struct cp_reg_lan {
	struct le he; /* reg->lan, key: tenant and user */
	struct cp_reg *reg;
	unsigned int tenant;
	char user[CP_REG_USER_LEN];
	char callid[CP_REG_CALLID_LEN];
	uint32_t cseq;
	uint64_t updated_ms; /* the latest registered wins a lookup */
	struct cp_reg_contact c;
	struct tmr tmr; /* expiry */
};

/* Per-user: a phone's registration relayed to the operator. */
struct cp_reg_relay {
	struct le he;	  /* reg->relay, key: tenant and user */
	struct le he_tok; /* reg->tok, key: token */
	struct cp_reg *reg;
	unsigned int tenant;
	char user[CP_REG_USER_LEN];
	struct sip_dialog *dlg; /* toward the operator: own Call-ID, tag */
	struct sip_request *req;
	struct sip_strans *st;	    /* the phone's REGISTER being relayed */
	struct sip_msg *pmsg;	    /* that REGISTER (referenced) */
	uint32_t asked_s;	    /* expiry it asks, 0 = unregister */
	struct cp_reg_contact pend; /* the contact it registers */
	bool live;		    /* the operator holds the binding */
	struct cp_reg_contact c;    /* the live binding */
	struct tmr tmr;		    /* expiry */
};

struct cp_reg {
	struct sip *sips[ESG_CONF_MAX_IFACES]; /* per interface, referenced */
	struct sip *sip;      /* the WAN one: requests toward the operator */
	struct esg_conf conf; /* a copy: lives as long as the service */
	uint16_t sip_port;
	char route[CP_REG_URI_LEN];  /* "sip:proxy;transport=..;lr" */
	char domain[CP_REG_URI_LEN]; /* operator domain (host only) */
	struct cp_reg_trunk trunk[ESG_CONF_MAX_TENANTS];
	struct hash *lan;
	struct hash *relay;
	struct hash *tok;
	/* OPTIONS keep-alive */
	struct sip_request *ka_req;
	struct tmr ka_tmr;
	uint64_t ka_sent_ms;
	uint32_t ka_cseq;
	char ka_callid[32];
	char ka_tag[20];
	struct cp_reg_ka_status ka;
	struct cp_reg_counters c;
};

uint32_t cp_reg_key(unsigned int tenant, const struct pl *user);
/* The stack of the interface msg arrived at (msg->dst), NULL if none:
 * its server transactions absorb msg's retransmissions. */
struct sip *cp_reg_stack_of(const struct cp_reg *reg,
			    const struct sip_msg *msg);
/* Expiry a REGISTER asks for one contact (RFC 3261 10.2.1.1 / 10.3.7):
 * the contact's expires param, else the Expires header, else dflt. */
uint32_t cp_reg_asked(const struct sip_msg *msg, const struct sip_addr *c,
		      uint32_t dflt);
/* Reply on msg through the stack it arrived on, statefully (*stp, or a
 * new transaction when stp is NULL); counted. fmt adds headers after
 * the standard ones. */
int cp_reg_reply(struct cp_reg *reg, struct sip_strans **stp,
		 const struct sip_msg *msg, uint16_t scode, const char *reason,
		 const char *fmt, ...);

void cp_reg_lan_request(struct cp_reg *reg, unsigned int tenant,
			const struct sip_msg *msg);
void cp_reg_lan_flush(struct cp_reg *reg);
int cp_reg_lan_lookup(const struct cp_reg *reg, unsigned int tenant,
		      const struct pl *user, struct cp_reg_contact *out);

void cp_reg_relay_request(struct cp_reg *reg, unsigned int tenant,
			  const struct sip_msg *msg);
void cp_reg_relay_flush(struct cp_reg *reg);
int cp_reg_relay_lookup(const struct cp_reg *reg, unsigned int tenant,
			const struct pl *user, struct cp_reg_contact *out);

int cp_reg_trunk_init(struct cp_reg *reg);
void cp_reg_trunk_start(struct cp_reg *reg);
void cp_reg_trunk_close(struct cp_reg *reg);

void cp_reg_ka_start(struct cp_reg *reg);
void cp_reg_ka_close(struct cp_reg *reg);

/* The expiry the registrar granted our binding (RFC 3261 10.2.4): the
 * expires parameter of the Contact whose user is user, else the Expires
 * header, else fallback (what we asked). 0: nothing bound. */
uint32_t cp_reg_granted_s(const struct sip_msg *msg, const char *user,
			  uint32_t fallback);

#endif
