/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The provisioning status notification as SNMPv2c messages (RFC 1901,
 * RFC 3416) with net-snmp's encoder and BER parsers, and the pure state
 * machine of one INFORM toward one receiver (cp_snmp_notify.h).
 *
 * Why net-snmp's encoder and not its session API: the session API keeps
 * global state (its session list, persistent files under /var/lib/snmp
 * once init_snmp() runs, its own request-id and retry clock) and wants
 * its fds polled by select(); the control plane runs libre's loop and
 * decides retries with time as an input (STYLE rule 7). So net-snmp
 * writes and reads the BER (snmp_build(), snmp_comstr_parse(),
 * snmp_pdu_parse(): code that snmpd and snmptrapd run on every packet),
 * and the request-id matching, time-outs and retries are ours, here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmp_impl.h>

#include "cp_snmp_notify.h"

/* esgMIB 1.3.6.1.4.1.32473.1 (cp_cfgfile_map.c, RFC 5612's number for
 * documentation): esgNotifications .0, esgProvObjects .1 (the settings
 * of the configuration file), esgProvStatus .2 (what the notification
 * carries). docs/ESG-PROV-MIB.txt. */
#define ESG_MIB 1, 3, 6, 1, 4, 1, 32473, 1
const struct cp_cfgfile_oid cp_snmp_oid_prov_notification = {
	.sub = {ESG_MIB, 0, 1}, .n = 10};
const struct cp_cfgfile_oid cp_snmp_oid_prov_state = {.sub = {ESG_MIB, 2, 1, 0},
						      .n = 11};
const struct cp_cfgfile_oid cp_snmp_oid_prov_reason = {
	.sub = {ESG_MIB, 2, 2, 0}, .n = 11};
const struct cp_cfgfile_oid cp_snmp_oid_prov_file = {.sub = {ESG_MIB, 2, 3, 0},
						     .n = 11};
const struct cp_cfgfile_oid cp_snmp_oid_prov_wan4 = {.sub = {ESG_MIB, 2, 4, 0},
						     .n = 11};
const struct cp_cfgfile_oid cp_snmp_oid_prov_wan6 = {.sub = {ESG_MIB, 2, 5, 0},
						     .n = 11};

/* RFC 3418 (SNMPv2-MIB): sysUpTime.0, snmpTrapOID.0 */
static const oid oid_sysuptime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
static const oid oid_trapoid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

static int
add_oid(netsnmp_pdu *pdu, const struct cp_cfgfile_oid *name, u_char type,
	const void *val, size_t len)
{
	oid o[CP_CFGFILE_OID_MAX];
	size_t i;

	for (i = 0; i < name->n; i++)
		o[i] = name->sub[i];
	return snmp_pdu_add_variable(pdu, o, name->n, type, val, len) == NULL
		       ? ENOMEM
		       : 0;
}

static size_t
text_len(const char *s)
{
	return s == NULL ? 0 : strnlen(s, CP_SNMP_TEXT_MAX);
}

static int
add_varbinds(netsnmp_pdu *pdu, const struct cp_snmp_prov_status *st)
{
	const struct cp_cfgfile_oid *n = &cp_snmp_oid_prov_notification;
	u_long ticks = st->uptime_cs;
	oid trap[CP_CFGFILE_OID_MAX];
	long state = st->pass ? CP_SNMP_PROV_PASS : CP_SNMP_PROV_FAIL;
	static const uint8_t any4[4];
	size_t i;
	int err;

	for (i = 0; i < n->n; i++)
		trap[i] = n->sub[i];
	/* RFC 3416 4.2.6/4.2.7: sysUpTime.0 first, snmpTrapOID.0 second */
	if (snmp_pdu_add_variable(pdu, oid_sysuptime, OID_LENGTH(oid_sysuptime),
				  ASN_TIMETICKS, &ticks,
				  sizeof(ticks)) == NULL ||
	    snmp_pdu_add_variable(pdu, oid_trapoid, OID_LENGTH(oid_trapoid),
				  ASN_OBJECT_ID, trap,
				  n->n * sizeof(trap[0])) == NULL)
		return ENOMEM;
	err = add_oid(pdu, &cp_snmp_oid_prov_state, ASN_INTEGER, &state,
		      sizeof(state));
	err = err ? err
		  : add_oid(pdu, &cp_snmp_oid_prov_reason, ASN_OCTET_STR,
			    st->reason ? st->reason : "", text_len(st->reason));
	err = err ? err
		  : add_oid(pdu, &cp_snmp_oid_prov_file, ASN_OCTET_STR,
			    st->file ? st->file : "", text_len(st->file));
	/* no address of a family: 0.0.0.0 / a zero-length string */
	err = err ? err
		  : add_oid(pdu, &cp_snmp_oid_prov_wan4, ASN_IPADDRESS,
			    st->has_wan4 ? st->wan4 : any4, 4);
	err = err ? err
		  : add_oid(pdu, &cp_snmp_oid_prov_wan6, ASN_OCTET_STR,
			    st->wan6, st->has_wan6 ? 16 : 0);
	return err;
}

int
cp_snmp_msg_build(const struct cp_snmp_prov_status *st, enum cp_snmp_kind kind,
		  const char *community, int32_t reqid, uint8_t *buf,
		  size_t cap, size_t *lenp)
{
	netsnmp_session sess;
	netsnmp_pdu *pdu = NULL;
	u_char *pkt = NULL;
	size_t plen = CP_SNMP_MSG_MAX + 64, off = 0;
	size_t clen;
	int err = 0;

	if (st == NULL || community == NULL || buf == NULL || lenp == NULL)
		return EINVAL;
	clen = strlen(community);
	if (clen == 0 || clen > CP_SNMP_COMMUNITY_MAX)
		return EINVAL;
	snmp_sess_init(&sess); /* sets net-snmp's defaults once */
	/* net-snmp's default (and only tested) way: the message is written
	 * backwards from the end of the buffer */
	if (!netsnmp_ds_get_boolean(NETSNMP_DS_LIBRARY_ID,
				    NETSNMP_DS_LIB_REVERSE_ENCODE))
		return ENOTSUP;
	sess.version = SNMP_VERSION_2c;
	sess.community = (u_char *)(uintptr_t)community;
	sess.community_len = clen;
	switch (kind) {
	case CP_SNMP_INFORM_V2C:
		pdu = snmp_pdu_create(SNMP_MSG_INFORM);
		break;
	case CP_SNMP_TRAP_V2C:
		pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
		break;
	}
	if (pdu == NULL)
		return ENOMEM;
	pdu->version = SNMP_VERSION_2c;
	pdu->reqid = reqid;
	pdu->msgid = reqid;
	pdu->community = (u_char *)strdup(community);
	pdu->community_len = clen;
	pkt = malloc(plen);
	if (pdu->community == NULL || pkt == NULL) {
		err = ENOMEM;
		goto out;
	}
	err = add_varbinds(pdu, st);
	if (err)
		goto out;
	if (snmp_build(&pkt, &plen, &off, &sess, pdu) != 0 || off > plen) {
		err = ENOSPC;
		goto out;
	}
	if (off > cap) {
		err = ENOSPC;
		goto out;
	}
	memcpy(buf, pkt + plen - off, off);
	*lenp = off;
out:
	free(pkt);
	snmp_free_pdu(pdu);
	return err;
}

static int
perr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errsz > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return EBADMSG;
}

int
cp_snmp_msg_parse(const uint8_t *buf, size_t len, struct cp_snmp_msg *m,
		  char *err, size_t errsz)
{
	u_char copy[CP_SNMP_MSG_MAX * 2];
	u_char comm[CP_SNMP_COMMUNITY_MAX + 1];
	size_t clen = sizeof(comm) - 1, left = len;
	netsnmp_variable_list *v;
	netsnmp_pdu *pdu;
	long version = -1;
	u_char *p;
	int rc = 0;

	if (buf == NULL || m == NULL)
		return EINVAL;
	if (len < 2 || len > sizeof(copy))
		return perr(err, errsz, "message of %zu bytes", len);
	/* net-snmp's parsers take non-const buffers */
	memcpy(copy, buf, len);
	p = snmp_comstr_parse(copy, &left, comm, &clen, &version);
	if (p == NULL)
		return perr(err, errsz,
			    "not an SNMPv1/v2c message (version, community)");
	if (version != SNMP_VERSION_1 && version != SNMP_VERSION_2c)
		return perr(err, errsz, "SNMP version %ld", version);
	pdu = snmp_pdu_create(0);
	if (pdu == NULL)
		return ENOMEM;
	pdu->version = version;
	if (snmp_pdu_parse(pdu, p, &left) != 0) {
		rc = perr(err, errsz, "malformed PDU");
		goto out;
	}
	memset(m, 0, sizeof(*m));
	m->version = version;
	memcpy(m->community, comm, clen);
	m->community[clen] = '\0';
	m->pdu = (uint8_t)pdu->command;
	m->reqid = (int32_t)pdu->reqid;
	m->error_status = pdu->errstat;
	m->error_index = pdu->errindex;
	for (v = pdu->variables; v != NULL; v = v->next_variable)
		m->nb_vb++;
out:
	snmp_free_pdu(pdu);
	return rc;
}

/* ---- one notification toward one receiver */

int
cp_snmp_tx_init(struct cp_snmp_tx *tx, const struct cp_snmp_prov_status *st,
		enum cp_snmp_kind kind, const char *community, int32_t reqid,
		uint32_t timeout_ms, uint32_t retries)
{
	int err;

	if (tx == NULL || community == NULL ||
	    strlen(community) > CP_SNMP_COMMUNITY_MAX)
		return EINVAL;
	memset(tx, 0, sizeof(*tx));
	/* request-id 0 is valid BER but reads as "unset" in net-snmp */
	tx->reqid = reqid != 0 ? (reqid & 0x7fffffff) : 1;
	if (tx->reqid == 0)
		tx->reqid = 1;
	tx->kind = kind;
	tx->timeout_ms = timeout_ms ? timeout_ms : CP_SNMP_TIMEOUT_MS;
	tx->retries = retries;
	snprintf(tx->community, sizeof(tx->community), "%s", community);
	err = cp_snmp_msg_build(st, kind, community, tx->reqid, tx->msg,
				sizeof(tx->msg), &tx->msg_len);
	if (err)
		return err;
	tx->state = CP_SNMP_TX_IDLE;
	return 0;
}

int
cp_snmp_tx_start(struct cp_snmp_tx *tx, uint64_t now_ms,
		 struct cp_snmp_tx_out *out)
{
	if (tx == NULL || out == NULL || tx->state != CP_SNMP_TX_IDLE)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	out->send = true;
	tx->cnt.sends = 1;
	switch (tx->kind) {
	case CP_SNMP_TRAP_V2C:
		/* RFC 3416 4.2.6: unconfirmed, no response */
		tx->state = CP_SNMP_TX_DONE;
		break;
	case CP_SNMP_INFORM_V2C:
		tx->state = CP_SNMP_TX_WAIT;
		tx->deadline_ms = now_ms + tx->timeout_ms;
		out->deadline_ms = tx->deadline_ms;
		break;
	}
	return 0;
}

int
cp_snmp_tx_recv(struct cp_snmp_tx *tx, const uint8_t *buf, size_t len,
		uint64_t now_ms, struct cp_snmp_tx_out *out)
{
	struct cp_snmp_msg m;

	(void)now_ms;
	if (tx == NULL || out == NULL)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	if (tx->state != CP_SNMP_TX_WAIT) {
		tx->cnt.ignored++;
		return 0;
	}
	out->deadline_ms = tx->deadline_ms;
	if (cp_snmp_msg_parse(buf, len, &m, NULL, 0) != 0) {
		tx->cnt.malformed++;
		return 0;
	}
	/* RFC 3416 4.2.7: the Response-PDU carries the INFORM's
	 * request-id; RFC 1901: same version and community */
	if (m.version != SNMP_VERSION_2c || m.pdu != SNMP_MSG_RESPONSE ||
	    m.reqid != tx->reqid || strcmp(m.community, tx->community) != 0) {
		tx->cnt.ignored++;
		return 0;
	}
	tx->error_status = m.error_status;
	if (m.error_status != 0) {
		tx->state = CP_SNMP_TX_FAILED;
		tx->err = EPROTO;
	} else {
		tx->state = CP_SNMP_TX_DONE;
	}
	out->deadline_ms = 0;
	return 0;
}

int
cp_snmp_tx_timer(struct cp_snmp_tx *tx, uint64_t now_ms,
		 struct cp_snmp_tx_out *out)
{
	if (tx == NULL || out == NULL)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	if (tx->state != CP_SNMP_TX_WAIT)
		return 0;
	if (now_ms < tx->deadline_ms) {
		out->deadline_ms = tx->deadline_ms;
		return 0;
	}
	/* 38.4 / 38.5: the same message again after each time-out, retries
	 * times; same request-id, so a late Response to an earlier send
	 * still counts */
	if (tx->cnt.sends > tx->retries) {
		tx->state = CP_SNMP_TX_FAILED;
		tx->err = ETIMEDOUT;
		return 0;
	}
	tx->cnt.sends++;
	tx->deadline_ms = now_ms + tx->timeout_ms;
	out->send = true;
	out->deadline_ms = tx->deadline_ms;
	return 0;
}
