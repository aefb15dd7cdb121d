/* SPDX-License-Identifier: BSD-3-Clause */
/* The DHCPv4 client state machine (cp_dhcp4.h): RFC 2131 4.4. */
#include <errno.h>
#include <string.h>

#include "cp_dhcp4.h"
#include "cp_prov_rules.h"

#define BACKOFF_FIRST_S 4     /* RFC 2131 4.1 */
#define BACKOFF_MAX_S 64      /* RFC 2131 4.1 */
#define REQUEST_TRIES 4	      /* REQUESTING gives up after 4 sends */
#define RENEW_MIN_RETX_S 60   /* RFC 2131 4.4.5 */
#define DECLINE_WAIT_MS 10000 /* RFC 2131 3.1.5: at least 10 s */
#define INFINITE_LEASE 0xffffffffu

static const uint8_t prl[] = {
	1,   /* subnet mask */
	3,   /* routers */
	6,   /* DNS servers */
	7,   /* log servers: syslog (PKT-EUE-PROV 6.3.5) */
	12,  /* host name */
	15,  /* domain name */
	43,  /* vendor specific */
	54,  /* server identifier */
	58,  /* T1 */
	59,  /* T2 */
	122, /* CableLabs client configuration, RFC 3495 */
	125, /* V-I vendor specific, RFC 3925 (4491: TFTP servers) */
};

const char *
cp_dhcp4_state_name(enum cp_dhcp4_state s)
{
	switch (s) {
	case CP_DHCP4_INIT:
		return "init";
	case CP_DHCP4_SELECTING:
		return "selecting";
	case CP_DHCP4_REQUESTING:
		return "requesting";
	case CP_DHCP4_CHECKING:
		return "checking";
	case CP_DHCP4_BOUND:
		return "bound";
	case CP_DHCP4_RENEWING:
		return "renewing";
	case CP_DHCP4_REBINDING:
		return "rebinding";
	case CP_DHCP4_STOPPED:
		return "stopped";
	}
	return "?";
}

void
cp_dhcp4_init(struct cp_dhcp4 *c, const struct cp_dhcp4_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	if (c->cfg.client_id_len == 0) { /* RFC 2132 9.14: type 1 + MAC */
		c->cfg.client_id[0] = 1;
		memcpy(c->cfg.client_id + 1, cfg->mac, 6);
		c->cfg.client_id_len = 7;
	}
	c->state = CP_DHCP4_INIT;
}

/* RFC 2131 4.1: base delay randomized by a uniform -1..+1 s. */
static uint64_t
jitter_ms(unsigned base_s, uint32_t rnd)
{
	return (uint64_t)base_s * 1000u + (rnd % 2001u) - 1000u;
}

static void
out_reset(struct cp_dhcp4_out *out)
{
	out->len = 0;
	out->broadcast = 0;
	out->dst.s_addr = 0;
	out->events = 0;
	out->addr.s_addr = 0;
	out->timer_ms = 0;
}

/* The fields every message of this client carries. */
static void
msg_base(const struct cp_dhcp4 *c, struct esg_dhcp4_msg *m, uint8_t type,
	 uint64_t now_ms)
{
	uint64_t secs = (now_ms - c->start_ms) / 1000u;

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->xid = c->xid;
	m->secs = secs > 0xffff ? 0xffff : (uint16_t)secs;
	m->htype = 1;
	m->hlen = 6;
	memcpy(m->chaddr, c->cfg.mac, 6);
	m->present = ESG_DHCP4_HAS_CLIENT_ID | ESG_DHCP4_HAS_VENDOR_ENC;
	m->client_id_len = c->cfg.client_id_len;
	memcpy(m->client_id, c->cfg.client_id, c->cfg.client_id_len);
	/* spec 000 8.1.3: "SESG" in option 43 sub-option 2 */
	esg_dhcp_subopt_add(&m->vendor_enc, 2, "SESG", 4);
	if (c->cfg.vendor_class_len > 0) { /* spec 000 8.1.3: optional */
		m->present |= ESG_DHCP4_HAS_VENDOR_CLASS;
		m->vendor_class_len = c->cfg.vendor_class_len;
		memcpy(m->vendor_class, c->cfg.vendor_class,
		       c->cfg.vendor_class_len);
	}
	if (type == ESG_DHCP4_DISCOVER || type == ESG_DHCP4_REQUEST) {
		memcpy(m->prl, prl, sizeof(prl));
		m->n_prl = sizeof(prl);
	}
}

static int
emit(struct cp_dhcp4 *c, const struct esg_dhcp4_msg *m,
     struct cp_dhcp4_out *out)
{
	int err =
		esg_dhcp4_build(m, out->pkt, sizeof(out->pkt), &out->len, NULL);

	if (err == 0)
		c->n_tx++;
	else
		out->len = 0;
	return err;
}

static int
send_discover(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
	      struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;

	c->state = CP_DHCP4_SELECTING;
	msg_base(c, &m, ESG_DHCP4_DISCOVER, now_ms);
	m.flags = 0x8000; /* RFC 2131 4.1: no address yet: broadcast */
	out->broadcast = 1;
	c->tries++;
	c->next_ms = now_ms + jitter_ms(c->backoff_s, rnd);
	if (c->backoff_s < BACKOFF_MAX_S)
		c->backoff_s *= 2;
	return emit(c, &m, out);
}

/* A new exchange: new xid, back-off from its start (RFC 2131 4.1). */
static int
new_exchange(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
	     struct cp_dhcp4_out *out)
{
	c->xid = rnd * 2654435761u + 1u;
	c->start_ms = now_ms;
	c->tries = 0;
	c->backoff_s = BACKOFF_FIRST_S;
	return send_discover(c, now_ms, rnd, out);
}

static int
send_select_request(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
		    struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;

	c->state = CP_DHCP4_REQUESTING;
	msg_base(c, &m, ESG_DHCP4_REQUEST, now_ms);
	/* RFC 2131 4.3.2 SELECTING: 50 and 54 set, ciaddr 0 */
	m.flags = 0x8000;
	m.present |= ESG_DHCP4_HAS_REQ_IP | ESG_DHCP4_HAS_SERVER_ID;
	m.req_ip = c->offer.yiaddr;
	m.server_id = c->offer.server_id;
	out->broadcast = 1;
	c->tries++;
	c->next_ms = now_ms + jitter_ms(c->backoff_s, rnd);
	if (c->backoff_s < BACKOFF_MAX_S)
		c->backoff_s *= 2;
	return emit(c, &m, out);
}

/* RENEWING (unicast) / REBINDING (broadcast): ciaddr set, no 50/54
 * (RFC 2131 4.3.2); next send after half the time left, at least 60 s,
 * not past the deadline (RFC 2131 4.4.5). */
static int
send_renew_request(struct cp_dhcp4 *c, uint64_t now_ms,
		   struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;
	uint64_t until = c->state == CP_DHCP4_RENEWING ? c->t2_ms : c->end_ms;
	uint64_t wait = until > now_ms ? (until - now_ms) / 2u : 0;

	msg_base(c, &m, ESG_DHCP4_REQUEST, now_ms);
	m.ciaddr = c->lease.yiaddr;
	if (c->state == CP_DHCP4_RENEWING) {
		out->dst = c->lease.server_id;
	} else {
		out->broadcast = 1;
	}
	if (wait < RENEW_MIN_RETX_S * 1000u)
		wait = RENEW_MIN_RETX_S * 1000u;
	c->next_ms = now_ms + wait < until ? now_ms + wait : until;
	return emit(c, &m, out);
}

/* RFC 2131 4.4.5: T1 = 0.5 and T2 = 0.875 of the lease unless given. */
static void
arm_lease(struct cp_dhcp4 *c, uint64_t now_ms)
{
	const struct esg_dhcp4_msg *l = &c->lease;
	uint64_t lease = l->lease, t1, t2;

	c->bound_ms = now_ms;
	if (l->lease == INFINITE_LEASE) {
		c->t1_ms = c->t2_ms = c->end_ms = 0;
		c->next_ms = 0;
		return;
	}
	t1 = (l->present & ESG_DHCP4_HAS_T1) ? l->t1 : lease / 2u;
	t2 = (l->present & ESG_DHCP4_HAS_T2) ? l->t2 : lease * 7u / 8u;
	if (t2 > lease || t2 == 0)
		t2 = lease * 7u / 8u;
	if (t1 > t2 || t1 == 0)
		t1 = lease / 2u;
	c->t1_ms = now_ms + t1 * 1000u;
	c->t2_ms = now_ms + t2 * 1000u;
	c->end_ms = now_ms + lease * 1000u;
	c->next_ms = c->t1_ms;
}

static int
server_allowed(const struct cp_dhcp4 *c, struct in_addr sid)
{
	if (c->cfg.n_servers == 0)
		return 1;
	for (unsigned i = 0; i < c->cfg.n_servers && i < 2; i++)
		if (c->cfg.servers[i].s_addr == INADDR_BROADCAST ||
		    c->cfg.servers[i].s_addr == sid.s_addr)
			return 1;
	return 0;
}

int
cp_dhcp4_start(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
	       struct cp_dhcp4_out *out)
{
	out_reset(out);
	/* PKT-EUE-PROV 6.3.2.2: server 0.0.0.0 = must not provision */
	for (unsigned i = 0; i < c->cfg.n_servers && i < 2; i++)
		if (c->cfg.servers[i].s_addr == INADDR_ANY) {
			c->state = CP_DHCP4_STOPPED;
			c->next_ms = 0;
			return ECONNREFUSED;
		}
	c->state = CP_DHCP4_INIT;
	/* RFC 2131 4.4.1: wait a random 1 to 10 s before the DISCOVER */
	c->next_ms = now_ms + 1000u + rnd % 9001u;
	out->timer_ms = c->next_ms;
	return 0;
}

static int
lose_lease(struct cp_dhcp4 *c, unsigned ev, uint64_t now_ms, uint32_t rnd,
	   struct cp_dhcp4_out *out)
{
	if (c->have_lease) {
		ev |= CP_DHCP4_EV_LOST;
		out->addr = c->lease.yiaddr;
	}
	c->have_lease = 0;
	out->events |= ev;
	return new_exchange(c, now_ms, rnd, out);
}

int
cp_dhcp4_timer(struct cp_dhcp4 *c, uint64_t now_ms, uint32_t rnd,
	       struct cp_dhcp4_out *out)
{
	int err = 0;

	out_reset(out);
	if (c->next_ms == 0 || now_ms < c->next_ms) {
		out->timer_ms = c->next_ms;
		return 0;
	}
	switch (c->state) {
	case CP_DHCP4_INIT:
		err = new_exchange(c, now_ms, rnd, out);
		break;
	case CP_DHCP4_SELECTING: /* RFC 2131 4.1: same xid, backed off */
		err = send_discover(c, now_ms, rnd, out);
		break;
	case CP_DHCP4_REQUESTING:
		if (c->tries >= REQUEST_TRIES) /* RFC 2131 3.1.5: to INIT */
			err = new_exchange(c, now_ms, rnd, out);
		else
			err = send_select_request(c, now_ms, rnd, out);
		break;
	case CP_DHCP4_CHECKING:
	case CP_DHCP4_STOPPED:
		c->next_ms = 0;
		break;
	case CP_DHCP4_BOUND: /* T1: RFC 2131 4.4.5 */
		c->state = CP_DHCP4_RENEWING;
		c->xid = rnd * 2654435761u + 1u;
		c->start_ms = now_ms;
		err = send_renew_request(c, now_ms, out);
		break;
	case CP_DHCP4_RENEWING:
		if (now_ms >= c->t2_ms)
			c->state = CP_DHCP4_REBINDING; /* T2 */
		err = send_renew_request(c, now_ms, out);
		break;
	case CP_DHCP4_REBINDING:
		if (now_ms >= c->end_ms) /* RFC 2131 4.4.5: lease expired */
			err = lose_lease(c, 0, now_ms, rnd, out);
		else
			err = send_renew_request(c, now_ms, out);
		break;
	}
	out->timer_ms = c->next_ms;
	return err;
}

static int
on_offer(struct cp_dhcp4 *c, const struct esg_dhcp4_msg *m, uint64_t now_ms,
	 uint32_t rnd, struct cp_dhcp4_out *out)
{
	if (m->yiaddr.s_addr == INADDR_ANY ||
	    !(m->present & ESG_DHCP4_HAS_SERVER_ID))
		return EBADMSG;
	if (!server_allowed(c, m->server_id)) /* PKT-EUE-PROV 6.3.2.2 */
		return EPERM;
	/* RFC 2131 4.4.1: the first acceptable OFFER is taken */
	c->offer = *m;
	c->tries = 0;
	c->backoff_s = BACKOFF_FIRST_S;
	return send_select_request(c, now_ms, rnd, out);
}

static int
on_renew_ack(struct cp_dhcp4 *c, const struct esg_dhcp4_msg *m, uint64_t now_ms,
	     uint32_t rnd, struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg next;
	unsigned r = cp_prov_renew4(&c->lease, m, &next);

	if (r & CP_PROV_RENEW_RESTART) /* PKT-EUE-PROV 6.3.5 */
		return lose_lease(c, CP_DHCP4_EV_RESTART, now_ms, rnd, out);
	c->lease = next;
	c->state = CP_DHCP4_BOUND;
	arm_lease(c, now_ms);
	out->events |= CP_DHCP4_EV_RENEWED;
	if (r & CP_PROV_RENEW_ROUTE)
		out->events |= CP_DHCP4_EV_ROUTE;
	if (r & CP_PROV_RENEW_DNS)
		out->events |= CP_DHCP4_EV_DNS;
	if (r & CP_PROV_RENEW_SYSLOG)
		out->events |= CP_DHCP4_EV_SYSLOG;
	out->addr = c->lease.yiaddr;
	return 0;
}

static int
dispatch(struct cp_dhcp4 *c, const struct esg_dhcp4_msg *m, uint64_t now_ms,
	 uint32_t rnd, struct cp_dhcp4_out *out)
{
	switch (c->state) {
	case CP_DHCP4_SELECTING:
		return m->type == ESG_DHCP4_OFFER
			       ? on_offer(c, m, now_ms, rnd, out)
			       : EPROTO;
	case CP_DHCP4_REQUESTING:
		if (m->type == ESG_DHCP4_NAK) /* RFC 2131 3.1.4: restart */
			return lose_lease(c, CP_DHCP4_EV_NAK, now_ms, rnd, out);
		if (m->type != ESG_DHCP4_ACK)
			return EPROTO;
		/* RFC 2131 4.3.1: an ACK to a REQUEST carries a lease */
		if (!(m->present & ESG_DHCP4_HAS_LEASE) ||
		    m->yiaddr.s_addr == INADDR_ANY)
			return EBADMSG;
		c->lease = *m;
		if (!(m->present & ESG_DHCP4_HAS_SERVER_ID))
			c->lease.server_id = c->offer.server_id;
		c->state = CP_DHCP4_CHECKING; /* RFC 2131 4.4.1: probe */
		c->next_ms = 0;
		out->events |= CP_DHCP4_EV_PROBE;
		out->addr = m->yiaddr;
		return 0;
	case CP_DHCP4_RENEWING:
	case CP_DHCP4_REBINDING:
		if (m->type == ESG_DHCP4_NAK)
			return lose_lease(c, CP_DHCP4_EV_NAK, now_ms, rnd, out);
		if (m->type != ESG_DHCP4_ACK ||
		    !(m->present & ESG_DHCP4_HAS_LEASE))
			return EPROTO;
		return on_renew_ack(c, m, now_ms, rnd, out);
	case CP_DHCP4_INIT:
	case CP_DHCP4_CHECKING:
	case CP_DHCP4_BOUND:
	case CP_DHCP4_STOPPED:
		return EPROTO;
	}
	return EPROTO;
}

int
cp_dhcp4_recv(struct cp_dhcp4 *c, const uint8_t *buf, size_t len,
	      uint64_t now_ms, uint32_t rnd, struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;
	int err;

	out_reset(out);
	c->n_rx++;
	err = esg_dhcp4_parse(buf, len, &m, NULL);
	/* RFC 2131 4.4.1: only replies to our xid and our chaddr count */
	if (err == 0 && (m.xid != c->xid || m.hlen != 6 ||
			 memcmp(m.chaddr, c->cfg.mac, 6) != 0))
		err = EPROTO;
	if (err == 0)
		err = dispatch(c, &m, now_ms, rnd, out);
	if (err != 0)
		c->n_rx_bad++;
	out->timer_ms = c->next_ms;
	return err;
}

int
cp_dhcp4_probe_result(struct cp_dhcp4 *c, int in_use, uint64_t now_ms,
		      uint32_t rnd, struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;
	int err = 0;

	(void)rnd;
	out_reset(out);
	if (c->state != CP_DHCP4_CHECKING)
		return EPROTO;
	if (!in_use) {
		c->state = CP_DHCP4_BOUND;
		c->have_lease = 1;
		arm_lease(c, now_ms);
		out->events |= CP_DHCP4_EV_BOUND;
		out->addr = c->lease.yiaddr;
		out->timer_ms = c->next_ms;
		return 0;
	}
	/* RFC 2131 4.4.1: address in use: DECLINE (50 and 54, ciaddr 0,
	 * RFC 2131 table 5), then INIT after at least 10 s (3.1.5) */
	msg_base(c, &m, ESG_DHCP4_DECLINE, now_ms);
	m.present |= ESG_DHCP4_HAS_REQ_IP | ESG_DHCP4_HAS_SERVER_ID;
	m.req_ip = c->lease.yiaddr;
	m.server_id = c->lease.server_id;
	out->broadcast = 1;
	err = emit(c, &m, out);
	out->events |= CP_DHCP4_EV_DECLINED;
	out->addr = c->lease.yiaddr;
	c->have_lease = 0;
	c->state = CP_DHCP4_INIT;
	c->next_ms = now_ms + DECLINE_WAIT_MS;
	out->timer_ms = c->next_ms;
	return err;
}

int
cp_dhcp4_release(struct cp_dhcp4 *c, struct cp_dhcp4_out *out)
{
	struct esg_dhcp4_msg m;
	int err = 0;

	out_reset(out);
	if (c->have_lease) { /* RFC 2131 4.4.6: unicast, ciaddr, 54 */
		msg_base(c, &m, ESG_DHCP4_RELEASE, c->start_ms);
		m.ciaddr = c->lease.yiaddr;
		m.present |= ESG_DHCP4_HAS_SERVER_ID;
		m.server_id = c->lease.server_id;
		out->dst = c->lease.server_id;
		err = emit(c, &m, out);
		out->events |= CP_DHCP4_EV_LOST;
		out->addr = c->lease.yiaddr;
	}
	c->have_lease = 0;
	c->state = CP_DHCP4_STOPPED;
	c->next_ms = 0;
	return err;
}

int
cp_dhcp4_config_file(const struct cp_dhcp4 *c, struct in_addr *server,
		     const char **file)
{
	/* spec 000 8.1.3: 'siaddr' and 'file' locate the config file */
	if (!c->have_lease || c->lease.siaddr.s_addr == INADDR_ANY ||
	    c->lease.file[0] == '\0')
		return ENOENT;
	*server = c->lease.siaddr;
	*file = c->lease.file;
	return 0;
}
