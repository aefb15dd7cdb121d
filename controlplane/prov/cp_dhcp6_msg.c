/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DHCPv6 client's messages (cp_dhcp6.h): what each message it sends
 * carries (RFC 8415 18.2.1-18.2.8, PKT-EUE-PROV 6.3.4.3 eUE-1/eUE-3,
 * 6.3.5, spec 000 8.1.3) and the checks on what it receives (RFC 8415
 * 16, 21.4, 21.6; PKT-EUE-PROV 6.2.1.2, 6.3.2.2, 6.4.1.4).
 */
#include <errno.h>
#include <string.h>

#include "cp_dhcp6_priv.h"

#define CL_ORO 1	       /* CL_OPTION_ORO */
#define CL_DEVICE_ID 36	       /* CL_OPTION_DEVICE_ID: the MAC */
#define FQDN_FLAG_S 0x01       /* RFC 4704 4.1 */
#define DHCP6_OPT_FQDN 39      /* RFC 4704 */
#define DHCP6_OPT_DNS 23       /* RFC 3646 */
#define DHCP6_OPT_AFTR 64      /* RFC 6334 */
#define DHCP6_OPT_S46_MAPE 94  /* RFC 7598 */
#define DHCP6_OPT_S46_MAPT 95  /* RFC 7598 */
#define DHCP6_OPT_S46_LW 96    /* RFC 7598 */
#define CL_OPT_TFTP 32	       /* CL_OPTION_TFTP_SERVERS */
#define CL_OPT_CONFIG_FILE 33  /* CL_OPTION_CONFIG_FILE_NAME */
#define CL_OPT_SYSLOG 34       /* CL_OPTION_SYSLOG_SERVERS */
#define CL_OPT_CCCV6 2171      /* CL_OPTION_CCCV6 */
#define ELAPSED_MAX 0xffffu    /* RFC 8415 21.9 */
#define VENDOR_CLASS "pktc2.0" /* PKT-EUE-PROV eUE-1, 6.6.1 */
#define DEVICE_TYPE "SESG"     /* spec 000 8.1.3 */

/* PKT-EUE-PROV eUE-1: OPTION_ORO asks for 39 and 23; RFC 7598 / 6334:
 * the softwire options only when asked for. */
static const uint16_t oro_std[] = {DHCP6_OPT_FQDN, DHCP6_OPT_DNS};
static const uint16_t oro_s46[] = {DHCP6_OPT_AFTR, DHCP6_OPT_S46_MAPE,
				   DHCP6_OPT_S46_MAPT, DHCP6_OPT_S46_LW};
/* PKT-EUE-PROV eUE-1: CL_OPTION_ORO asks for 32, 33, 34 and 2171 */
static const uint16_t cl_oro[] = {CL_OPT_TFTP, CL_OPT_CONFIG_FILE,
				  CL_OPT_SYSLOG, CL_OPT_CCCV6};

/* eUE-1 / eUE-3 (REQUEST asks for what SOLICIT asked) / RENEW, REBIND:
 * ORO, option 16, option 17 and option 39. */
static void
add_requests(const struct cp_dhcp6 *c, struct esg_dhcp6_msg *m,
	     const char *fqdn)
{
	const struct cp_dhcp6_cfg *cfg = &c->cfg;

	memcpy(m->oro, oro_std, sizeof(oro_std));
	m->n_oro = sizeof(oro_std) / sizeof(oro_std[0]);
	if (cfg->softwire) {
		memcpy(m->oro + m->n_oro, oro_s46, sizeof(oro_s46));
		m->n_oro += sizeof(oro_s46) / sizeof(oro_s46[0]);
	}
	/* option 16: enterprise 4491, "pktc2.0" (eUE-1, 6.6.1) */
	m->present |= ESG_DHCP6_HAS_VENDOR_CLASS | ESG_DHCP6_HAS_VENDOR_OPTS;
	if (cfg->vendor_class_len > 0) {
		m->vendor_class_len = cfg->vendor_class_len;
		memcpy(m->vendor_class, cfg->vendor_class,
		       cfg->vendor_class_len);
	} else {
		m->vendor_class_len = sizeof(VENDOR_CLASS) - 1;
		memcpy(m->vendor_class, VENDOR_CLASS, m->vendor_class_len);
	}
	/* option 17, 4491: CL_OPTION_ORO, CL_OPTION_DEVICE_TYPE "SESG"
	 * (spec 000 8.1.3), CL_OPTION_DEVICE_ID = the MAC (eUE-1) */
	m->cl.present = ESG_CL_HAS_ORO | ESG_CL_HAS_DEVICE_TYPE;
	memcpy(m->cl.oro, cl_oro, sizeof(cl_oro));
	m->cl.n_oro = sizeof(cl_oro) / sizeof(cl_oro[0]);
	memcpy(m->cl.device_type, DEVICE_TYPE, sizeof(DEVICE_TYPE));
	m->cl.other = cfg->cl_info;
	esg_dhcp_subopt_add(&m->cl.other, CL_DEVICE_ID, cfg->mac, 6);
	/* option 39: S=1, N=0, O=0 (eUE-1); the name is empty in SOLICIT
	 * and REQUEST, the last known FQDN in RENEW / REBIND (6.3.5) */
	m->present |= ESG_DHCP6_HAS_FQDN;
	m->fqdn_flags = FQDN_FLAG_S;
	strncpy(m->fqdn, fqdn, sizeof(m->fqdn) - 1);
}

void
cp_dhcp6_msg_build(const struct cp_dhcp6 *c, uint8_t type, uint64_t now_ms,
		   struct esg_dhcp6_msg *m)
{
	const struct esg_dhcp6_msg *srv = NULL; /* whose DUID and address */
	uint64_t el = (now_ms - c->start_ms) / 10u;

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->xid = c->xid;
	m->client_id_len = c->cfg.duid_len;
	memcpy(m->client_id, c->cfg.duid, c->cfg.duid_len);
	/* RFC 8415 21.9: every client message, 1/100 s since the first
	 * message of this exchange */
	m->present = ESG_DHCP6_HAS_ELAPSED;
	m->elapsed = el > ELAPSED_MAX ? ELAPSED_MAX : (uint16_t)el;
	/* RFC 8415 21.4 / 21.6: T1, T2 and lifetimes 0 from a client */
	m->n_ia = 1;
	m->ia[0].iaid = c->cfg.iaid;
	m->ia[0].status = -1;
	switch (type) {
	case ESG_DHCP6_SOLICIT:
		add_requests(c, m, "");
		/* RFC 8415 18.2.1; PKT-EUE-PROV 6.3.4.3: off by default */
		if (c->cfg.rapid_commit)
			m->present |= ESG_DHCP6_HAS_RAPID_COMMIT;
		break;
	case ESG_DHCP6_REQUEST: /* RFC 8415 18.2.2 */
		srv = &c->best;
		add_requests(c, m, "");
		break;
	case ESG_DHCP6_RENEW: /* RFC 8415 18.2.4; 6.3.5: last FQDN */
		srv = &c->lease;
		add_requests(c, m, c->fqdn);
		break;
	case ESG_DHCP6_REBIND: /* RFC 8415 18.2.5: no Server Identifier */
		add_requests(c, m, c->fqdn);
		break;
	case ESG_DHCP6_RELEASE: /* RFC 8415 18.2.7 */
	case ESG_DHCP6_DECLINE: /* RFC 8415 18.2.8 */
		srv = &c->lease;
		break;
	default:
		break;
	}
	if (srv != NULL) {
		m->server_id_len = srv->server_id_len;
		memcpy(m->server_id, srv->server_id, srv->server_id_len);
	}
	if (type == ESG_DHCP6_REBIND)
		srv = &c->lease;
	if (srv != NULL && srv->n_ia > 0 && srv->ia[0].n_addr > 0) {
		m->ia[0].n_addr = 1;
		m->ia[0].addr[0].addr = srv->ia[0].addr[0].addr;
		m->ia[0].addr[0].status = -1;
	}
}

/* RFC 8415 16.3 / 16.10: an ADVERTISE or REPLY for this client. */
int
cp_dhcp6_msg_valid(const struct cp_dhcp6 *c, const struct esg_dhcp6_msg *m)
{
	if (m->xid != c->xid)
		return EPROTO;
	if (m->server_id_len == 0)
		return EPROTO;
	if (m->client_id_len != c->cfg.duid_len ||
	    memcmp(m->client_id, c->cfg.duid, c->cfg.duid_len) != 0)
		return EPROTO;
	return 0;
}

static int
dss_is(const struct cp_dhcp6_dss *d, uint8_t byte)
{
	static const uint8_t zero[4], ones[4] = {0xff, 0xff, 0xff, 0xff};

	return d->len == 4 && memcmp(d->id, byte ? ones : zero, 4) == 0;
}

/* PKT-EUE-PROV 6.3.2.2: a DSS_ID of 00000000 = do not provision. */
int
cp_dhcp6_dss_forbids(const struct cp_dhcp6_cfg *cfg)
{
	for (unsigned i = 0; i < cfg->n_dss && i < 2; i++)
		if (dss_is(&cfg->dss[i], 0x00))
			return 1;
	return 0;
}

/* PKT-EUE-PROV 6.3.2.2 / 6.4.1.4: only sub-option 1 of CL_OPTION_CCCV6
 * identifies the server (sub-option 2 ignored), its first 32 bytes
 * count; FFFFFFFF = any server; no DSS_ID configured = any server. */
int
cp_dhcp6_dss_allowed(const struct cp_dhcp6 *c, const struct esg_dhcp6_msg *m)
{
	const struct esg_dhcp6_cccv6 *v = &m->cl.cccv6;
	unsigned n = c->cfg.n_dss < 2 ? c->cfg.n_dss : 2;
	uint16_t len;

	if (n == 0)
		return 1;
	for (unsigned i = 0; i < n; i++)
		if (dss_is(&c->cfg.dss[i], 0xff))
			return 1;
	if (!(m->present & ESG_DHCP6_HAS_VENDOR_OPTS) ||
	    !(m->cl.present & ESG_CL_HAS_CCCV6) ||
	    !(v->present & ESG_CCCV6_HAS_PRIMARY))
		return 0;
	len = v->primary_len < ESG_DHCP_DSS_ID_MAX ? v->primary_len
						   : ESG_DHCP_DSS_ID_MAX;
	for (unsigned i = 0; i < n; i++)
		if (c->cfg.dss[i].len == len &&
		    memcmp(c->cfg.dss[i].id, v->primary, len) == 0)
			return 1;
	return 0;
}

/* Our IA_NA (RFC 8415 21.4), or NULL. */
const struct esg_dhcp6_ia_na *
cp_dhcp6_msg_ia(const struct cp_dhcp6 *c, const struct esg_dhcp6_msg *m)
{
	for (unsigned i = 0; i < m->n_ia && i < ESG_DHCP6_MAX_IA; i++)
		if (m->ia[i].iaid == c->cfg.iaid)
			return &m->ia[i];
	return NULL;
}

static int
addr_usable(const struct in6_addr *a)
{
	/* unspecified, loopback and multicast are no lease */
	static const struct in6_addr any = IN6ADDR_ANY_INIT;
	static const struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;

	return memcmp(a, &any, sizeof(*a)) != 0 &&
	       memcmp(a, &lo, sizeof(*a)) != 0 && a->s6_addr[0] != 0xff;
}

/*
 * The address a message offers in our IA_NA, the message rewritten so
 * that ia[0].addr[0] is it (what cp_prov_renew6() reads). ENOENT: no
 * usable address (NoAddrsAvail, an IA discarded by RFC 8415 21.4 for
 * T1 > T2, every address discarded by 21.6 or of valid lifetime 0);
 * EADDRNOTAVAIL: a link-local address offered (PKT-EUE-PROV 6.2.1.2:
 * such offers are rejected as a whole).
 */
int
cp_dhcp6_msg_pick(const struct cp_dhcp6 *c, struct esg_dhcp6_msg *m)
{
	const struct esg_dhcp6_ia_na *ia = cp_dhcp6_msg_ia(c, m);
	const struct esg_dhcp6_iaaddr *pick = NULL;
	struct esg_dhcp6_ia_na one;

	if ((m->present & ESG_DHCP6_HAS_STATUS) &&
	    m->status == CP_DHCP6_ST_NOADDRS)
		return ENOENT;
	if (ia == NULL || (ia->status >= 0 && ia->status != 0))
		return ENOENT;
	if (ia->t1 > ia->t2 && ia->t2 > 0) /* RFC 8415 21.4 */
		return ENOENT;
	for (unsigned i = 0; i < ia->n_addr && i < ESG_DHCP_MAX_ADDRS; i++) {
		const struct esg_dhcp6_iaaddr *a = &ia->addr[i];

		/* 6.2.1.2: fe80::/10 offered: reject the offer */
		if (a->addr.s6_addr[0] == 0xfe &&
		    (a->addr.s6_addr[1] & 0xc0) == 0x80)
			return EADDRNOTAVAIL;
		if (pick != NULL || !addr_usable(&a->addr) ||
		    a->preferred > a->valid || a->valid == 0 ||
		    (a->status >= 0 && a->status != 0))
			continue;
		pick = a;
	}
	if (pick == NULL)
		return ENOENT;
	one = *ia;
	one.n_addr = 1;
	one.addr[0] = *pick;
	m->ia[0] = one;
	m->n_ia = 1;
	return 0;
}
