/* SPDX-License-Identifier: BSD-3-Clause */
/* The DHCPv6 client state machine (cp_dhcp6.h): RFC 8415 18.2. */
#include <errno.h>
#include <string.h>

#include "cp_dhcp6_priv.h"
#include "cp_prov_rules.h"

#define SOL_MAX_DELAY_MS 1000u /* RFC 8415 7.6 */
#define INFINITY32 0xffffffffu /* RFC 8415 7.7 */
#define PREF_MAX 255	       /* RFC 8415 18.2.9 */

/* RFC 8415 7.6: IRT, MRT and MRC of each message (MRD: Renew until T2,
 * Rebind until the valid lifetime ends, RFC 8415 18.2.4 / 18.2.5). */
struct retx {
	uint32_t irt_ms, mrt_ms;
	unsigned mrc;
};

static struct retx
retx_of(uint8_t type)
{
	switch (type) {
	case ESG_DHCP6_SOLICIT: /* SOL_TIMEOUT, SOL_MAX_RT */
		return (struct retx){1000, 3600 * 1000, 0};
	case ESG_DHCP6_REQUEST: /* REQ_TIMEOUT, REQ_MAX_RT, REQ_MAX_RC */
		return (struct retx){1000, 30 * 1000, 10};
	case ESG_DHCP6_RENEW: /* REN_TIMEOUT, REN_MAX_RT */
		return (struct retx){10 * 1000, 600 * 1000, 0};
	case ESG_DHCP6_REBIND: /* REB_TIMEOUT, REB_MAX_RT */
		return (struct retx){10 * 1000, 600 * 1000, 0};
	case ESG_DHCP6_RELEASE: /* REL_TIMEOUT, REL_MAX_RC */
		return (struct retx){1000, 0, 4};
	case ESG_DHCP6_DECLINE: /* DEC_TIMEOUT, DEC_MAX_RC */
		return (struct retx){1000, 0, 4};
	default:
		return (struct retx){1000, 0, 1};
	}
}

const char *
cp_dhcp6_state_name(enum cp_dhcp6_state s)
{
	switch (s) {
	case CP_DHCP6_INIT:
		return "init";
	case CP_DHCP6_SOLICITING:
		return "soliciting";
	case CP_DHCP6_REQUESTING:
		return "requesting";
	case CP_DHCP6_CHECKING:
		return "checking";
	case CP_DHCP6_BOUND:
		return "bound";
	case CP_DHCP6_RENEWING:
		return "renewing";
	case CP_DHCP6_REBINDING:
		return "rebinding";
	case CP_DHCP6_DECLINING:
		return "declining";
	case CP_DHCP6_RELEASING:
		return "releasing";
	case CP_DHCP6_STOPPED:
		return "stopped";
	}
	return "?";
}

void
cp_dhcp6_init(struct cp_dhcp6 *c, const struct cp_dhcp6_cfg *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	if (c->cfg.duid_len == 0) { /* RFC 8415 11.4: DUID-LL, Ethernet */
		static const uint8_t ll[4] = {0, 3, 0, 1};

		memcpy(c->cfg.duid, ll, 4);
		memcpy(c->cfg.duid + 4, cfg->mac, 6);
		c->cfg.duid_len = 10;
	}
	if (c->cfg.iaid == 0) /* RFC 8415 12: stable across restarts */
		c->cfg.iaid = (uint32_t)cfg->mac[2] << 24 |
			      (uint32_t)cfg->mac[3] << 16 |
			      (uint32_t)cfg->mac[4] << 8 | cfg->mac[5];
	c->state = CP_DHCP6_INIT;
}

static void
out_reset(struct cp_dhcp6_out *out)
{
	out->len = 0;
	out->events = 0;
	memset(&out->addr, 0, sizeof(out->addr));
	out->timer_ms = 0;
}

static uint64_t
min_nz(uint64_t a, uint64_t b)
{
	if (a == 0)
		return b;
	if (b == 0)
		return a;
	return a < b ? a : b;
}

/* RFC 8415 15: RT = IRT + RAND*IRT, then 2*RTprev + RAND*RTprev, above
 * MRT: MRT + RAND*MRT; RAND in -0.1..+0.1 from rnd, for the first
 * Solicit strictly above 0 (RFC 8415 18.2.1). In ms. */
static uint32_t
next_rt(const struct cp_dhcp6 *c, uint32_t rnd)
{
	struct retx p = retx_of(c->cur_type);
	int64_t r = (int64_t)(rnd % 201u) - 100, rt;

	if (c->tries == 0) {
		if (c->cur_type == ESG_DHCP6_SOLICIT)
			r = 1 + (int64_t)(rnd % 100u);
		rt = p.irt_ms + (int64_t)p.irt_ms * r / 1000;
	} else {
		rt = 2 * (int64_t)c->rt_ms + (int64_t)c->rt_ms * r / 1000;
		if (p.mrt_ms != 0 && rt > p.mrt_ms)
			rt = p.mrt_ms + (int64_t)p.mrt_ms * r / 1000;
	}
	return (uint32_t)rt;
}

/* When the lease needs the client next: T1 (BOUND), T2 (BOUND,
 * RENEWING), the end of the valid lifetime; 0: never. */
static uint64_t
lease_next(const struct cp_dhcp6 *c)
{
	uint64_t n = c->end_ms;

	if (c->state == CP_DHCP6_BOUND || c->state == CP_DHCP6_RENEWING)
		n = min_nz(n, c->t2_ms);
	if (c->state == CP_DHCP6_BOUND)
		n = min_nz(n, c->t1_ms);
	return n;
}

static int
emit(struct cp_dhcp6 *c, uint64_t now_ms, struct cp_dhcp6_out *out)
{
	struct esg_dhcp6_msg m;
	int err;

	cp_dhcp6_msg_build(c, c->cur_type, now_ms, &m);
	err = esg_dhcp6_build(&m, out->pkt, sizeof(out->pkt), &out->len, NULL);
	if (err == 0)
		c->n_tx++;
	else
		out->len = 0;
	return err;
}

/* One transmission of the current message and its retransmission
 * timer, never past the exchange's MRD (RFC 8415 15). */
static int
transmit(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
	 struct cp_dhcp6_out *out)
{
	c->rt_ms = next_rt(c, rnd);
	c->tries++;
	c->next_ms = now_ms + c->rt_ms;
	if (c->state == CP_DHCP6_RENEWING || c->state == CP_DHCP6_REBINDING) {
		uint64_t mrd = lease_next(c);

		if (mrd != 0 && mrd < c->next_ms)
			c->next_ms = mrd;
	}
	if (c->cur_type == ESG_DHCP6_SOLICIT && c->tries == 1)
		c->first_rt_ms = c->next_ms;
	return emit(c, now_ms, out);
}

/* A new message exchange: a new transaction id (RFC 8415 16.1), the
 * Elapsed Time from 0 (21.9), the RT from IRT. */
static int
exchange(struct cp_dhcp6 *c, enum cp_dhcp6_state st, uint8_t type,
	 uint64_t now_ms, uint32_t rnd, struct cp_dhcp6_out *out)
{
	uint32_t xid = (rnd * 2654435761u + c->xid + 1u) & 0xffffffu;

	c->xid = xid != c->xid ? xid : (xid + 1u) & 0xffffffu;
	c->state = st;
	c->cur_type = type;
	c->start_ms = now_ms;
	c->tries = 0;
	c->rt_ms = 0;
	return transmit(c, now_ms, rnd, out);
}

static int
solicit(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
	struct cp_dhcp6_out *out)
{
	c->have_best = 0;
	return exchange(c, CP_DHCP6_SOLICITING, ESG_DHCP6_SOLICIT, now_ms, rnd,
			out);
}

/* The lease is gone (expired, a new address on renewal, an exchange
 * failed): say so and solicit again (PKT-EUE-PROV eUE-1). */
static int
restart(struct cp_dhcp6 *c, unsigned ev, uint64_t now_ms, uint32_t rnd,
	struct cp_dhcp6_out *out)
{
	if (c->have_lease) {
		ev |= CP_DHCP6_EV_LOST;
		out->addr = c->lease.ia[0].addr[0].addr;
	}
	c->have_lease = 0;
	c->t1_ms = c->t2_ms = c->end_ms = 0;
	out->events |= ev;
	return solicit(c, now_ms, rnd, out);
}

static uint64_t
at(uint64_t base_ms, uint32_t s)
{
	return s == INFINITY32 ? 0 : base_ms + (uint64_t)s * 1000u;
}

/* RFC 8415 18.2.10.1: T1, T2 and the lifetimes count from the REPLY;
 * T1 / T2 of 0 are the client's: 0.5 and 0.8 of the preferred lifetime
 * (RFC 8415 14.2, 21.4). */
static void
arm_lease(struct cp_dhcp6 *c, uint64_t reply_ms)
{
	const struct esg_dhcp6_ia_na *ia = &c->lease.ia[0];
	uint32_t pref = ia->addr[0].preferred, t1 = ia->t1, t2 = ia->t2;

	if (t1 == 0 || t2 == 0) {
		t1 = pref == INFINITY32 ? INFINITY32 : pref / 2u;
		t2 = pref == INFINITY32 ? INFINITY32
					: (uint32_t)((uint64_t)pref * 4u / 5u);
	}
	c->reply_ms = reply_ms;
	c->t1_ms = at(reply_ms, t1);
	c->t2_ms = at(reply_ms, t2);
	c->end_ms = at(reply_ms, ia->addr[0].valid);
	c->next_ms = lease_next(c);
}

int
cp_dhcp6_start(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
	       struct cp_dhcp6_out *out)
{
	out_reset(out);
	/* PKT-EUE-PROV 6.3.2.2: DSS_ID 00000000 = must not provision */
	if (cp_dhcp6_dss_forbids(&c->cfg)) {
		c->state = CP_DHCP6_STOPPED;
		c->next_ms = 0;
		return ECONNREFUSED;
	}
	c->state = CP_DHCP6_INIT;
	c->have_lease = 0;
	/* RFC 8415 18.2.1: the first Solicit after 0..SOL_MAX_DELAY */
	c->next_ms = now_ms + rnd % (SOL_MAX_DELAY_MS + 1u);
	if (c->next_ms == 0) /* 0 means "no timer" */
		c->next_ms = 1;
	out->timer_ms = c->next_ms;
	return 0;
}

/* The lease timers: T1 -> RENEW, T2 -> REBIND, end -> lost (RFC 8415
 * 18.2.4, 18.2.5, 18.2.10.1). */
static int
lease_timer(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
	    struct cp_dhcp6_out *out)
{
	if (c->end_ms != 0 && now_ms >= c->end_ms)
		return restart(c, 0, now_ms, rnd, out);
	if (c->state != CP_DHCP6_REBINDING && c->t2_ms != 0 &&
	    now_ms >= c->t2_ms)
		return exchange(c, CP_DHCP6_REBINDING, ESG_DHCP6_REBIND, now_ms,
				rnd, out);
	if (c->state == CP_DHCP6_BOUND)
		return exchange(c, CP_DHCP6_RENEWING, ESG_DHCP6_RENEW, now_ms,
				rnd, out);
	return transmit(c, now_ms, rnd, out);
}

int
cp_dhcp6_timer(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
	       struct cp_dhcp6_out *out)
{
	unsigned mrc = retx_of(c->cur_type).mrc;
	int err = 0;

	out_reset(out);
	if (c->next_ms == 0 || now_ms < c->next_ms) {
		out->timer_ms = c->next_ms;
		return 0;
	}
	switch (c->state) {
	case CP_DHCP6_INIT:
		err = solicit(c, now_ms, rnd, out);
		break;
	case CP_DHCP6_SOLICITING:
		/* RFC 8415 18.2.1: the first RT over, the best ADVERTISE
		 * collected is taken; none: retransmit, no MRC / MRD */
		if (c->have_best)
			err = exchange(c, CP_DHCP6_REQUESTING,
				       ESG_DHCP6_REQUEST, now_ms, rnd, out);
		else
			err = transmit(c, now_ms, rnd, out);
		break;
	case CP_DHCP6_REQUESTING:
		/* RFC 8415 18.2.2: REQ_MAX_RC sends, then the exchange
		 * fails; PKT-EUE-PROV eUE-3: restart with eUE-1 */
		if (c->tries >= mrc)
			err = restart(c, CP_DHCP6_EV_FAILED, now_ms, rnd, out);
		else
			err = transmit(c, now_ms, rnd, out);
		break;
	case CP_DHCP6_DECLINING: /* RFC 8415 18.2.8, DEC_MAX_RC */
		if (c->tries >= mrc)
			err = solicit(c, now_ms, rnd, out);
		else
			err = transmit(c, now_ms, rnd, out);
		break;
	case CP_DHCP6_RELEASING: /* RFC 8415 18.2.7, REL_MAX_RC */
		if (c->tries >= mrc) {
			c->state = CP_DHCP6_STOPPED;
			c->next_ms = 0;
			out->events |= CP_DHCP6_EV_STOPPED;
		} else {
			err = transmit(c, now_ms, rnd, out);
		}
		break;
	case CP_DHCP6_BOUND:
	case CP_DHCP6_RENEWING:
	case CP_DHCP6_REBINDING:
		err = lease_timer(c, now_ms, rnd, out);
		break;
	case CP_DHCP6_CHECKING:
	case CP_DHCP6_STOPPED:
		c->next_ms = 0;
		break;
	}
	out->timer_ms = c->next_ms;
	return err;
}

static int
request_best(struct cp_dhcp6 *c, const struct esg_dhcp6_msg *adv,
	     uint64_t now_ms, uint32_t rnd, struct cp_dhcp6_out *out)
{
	c->best = *adv;
	c->have_best = 1;
	return exchange(c, CP_DHCP6_REQUESTING, ESG_DHCP6_REQUEST, now_ms, rnd,
			out);
}

/* RFC 8415 18.2.9 with PKT-EUE-PROV 6.2.1.2 / 6.3.2.2 (m is valid). */
static int
on_advertise(struct cp_dhcp6 *c, struct esg_dhcp6_msg *m, uint64_t now_ms,
	     uint32_t rnd, struct cp_dhcp6_out *out)
{
	unsigned pref =
		(m->present & ESG_DHCP6_HAS_PREFERENCE) ? m->preference : 0;
	unsigned best = (c->best.present & ESG_DHCP6_HAS_PREFERENCE)
				? c->best.preference
				: 0;
	int err;

	if (!cp_dhcp6_dss_allowed(c, m)) {
		c->n_dss_refused++;
		return EPERM;
	}
	/* RFC 8415 18.2.9: an ADVERTISE without addresses (NoAddrsAvail)
	 * is ignored: keep soliciting */
	err = cp_dhcp6_msg_pick(c, m);
	if (err == EADDRNOTAVAIL)
		c->n_linklocal++;
	else if (err != 0)
		c->n_noaddrs++;
	if (err != 0)
		return err;
	/* 18.2.9: preference 255 is taken at once; after the first RT the
	 * first valid ADVERTISE is (18.2.1) */
	if (pref == PREF_MAX || c->tries > 1 || now_ms >= c->first_rt_ms)
		return request_best(c, m, now_ms, rnd, out);
	/* 18.2.9: the highest preference; the first of equals stays */
	if (!c->have_best || pref > best) {
		c->best = *m;
		c->have_best = 1;
	}
	return 0;
}

/* A REPLY to RENEW / REBIND (or to the REQUEST after NoBinding): the
 * PKT-EUE-PROV 6.3.5 rule table. */
static int
on_renewal(struct cp_dhcp6 *c, const struct esg_dhcp6_msg *m, uint64_t now_ms,
	   uint32_t rnd, struct cp_dhcp6_out *out)
{
	struct esg_dhcp6_msg next;
	unsigned r = cp_prov_renew6(&c->lease, m, &next);

	if (r & CP_PROV_RENEW_RESTART) /* 6.3.5: start again from eUE-1 */
		return restart(c, CP_DHCP6_EV_RESTART, now_ms, rnd, out);
	/* RFC 8415 18.2.5: a REBIND may be answered by another server,
	 * which then holds the binding */
	next.server_id_len = m->server_id_len;
	memcpy(next.server_id, m->server_id, m->server_id_len);
	c->lease = next;
	c->state = CP_DHCP6_BOUND;
	arm_lease(c, now_ms);
	out->events |= CP_DHCP6_EV_RENEWED;
	if (r & CP_PROV_RENEW_DNS)
		out->events |= CP_DHCP6_EV_DNS;
	if (r & CP_PROV_RENEW_SYSLOG)
		out->events |= CP_DHCP6_EV_SYSLOG;
	if (r & CP_PROV_RENEW_SW_IGNORED) {
		c->n_sw_ignored++;
		out->events |= CP_DHCP6_EV_SW_IGNORED;
	}
	out->addr = c->lease.ia[0].addr[0].addr;
	return 0;
}

/* RFC 8415 18.2.10 / 18.2.10.1: a REPLY to REQUEST, RENEW or REBIND. */
static int
on_reply(struct cp_dhcp6 *c, struct esg_dhcp6_msg *m, uint64_t now_ms,
	 uint32_t rnd, struct cp_dhcp6_out *out)
{
	const struct esg_dhcp6_ia_na *ia = cp_dhcp6_msg_ia(c, m);
	int renewal =
		c->state == CP_DHCP6_RENEWING || c->state == CP_DHCP6_REBINDING;
	int err;

	if ((m->present & ESG_DHCP6_HAS_STATUS) && m->status != 0) {
		if (m->status == CP_DHCP6_ST_USEMULTICAST) {
			/* 18.2.10: resend using multicast (the only way
			 * this client sends) */
			c->n_usemcast++;
			return emit(c, now_ms, out);
		}
		if (m->status != CP_DHCP6_ST_NOADDRS)
			return EAGAIN; /* UnspecFail...: retransmit on */
	}
	/* 18.2.10.1: NoBinding for a RENEW / REBIND: REQUEST the binding
	 * from the server that answered */
	if (renewal && ia != NULL && ia->status == CP_DHCP6_ST_NOBINDING) {
		c->best = c->lease;
		c->best.server_id_len = m->server_id_len;
		memcpy(c->best.server_id, m->server_id, m->server_id_len);
		c->have_best = 1;
		return exchange(c, CP_DHCP6_REQUESTING, ESG_DHCP6_REQUEST,
				now_ms, rnd, out);
	}
	err = cp_dhcp6_msg_pick(c, m);
	if (err == EADDRNOTAVAIL)
		c->n_linklocal++;
	else if (err != 0)
		c->n_noaddrs++;
	/* a REQUEST: PKT-EUE-PROV eUE-4, a REPLY not valid by the eUE-2
	 * rules fails the step: restart with eUE-1 (also RFC 8415
	 * 18.2.10.1 for NoAddrsAvail / NotOnLink) */
	if (!renewal && err == 0 && !cp_dhcp6_dss_allowed(c, m)) {
		c->n_dss_refused++;
		err = EPERM;
	}
	if (err == 0 && (m->present & ESG_DHCP6_HAS_FQDN))
		memcpy(c->fqdn, m->fqdn, sizeof(c->fqdn)); /* 6.3.5 */
	if (renewal) /* no usable address: renew on until the end */
		return err != 0 ? err : on_renewal(c, m, now_ms, rnd, out);
	if (err != 0) {
		restart(c, CP_DHCP6_EV_FAILED, now_ms, rnd, out);
		return err;
	}
	if (c->have_lease) /* the REQUEST after NoBinding: a renewal */
		return on_renewal(c, m, now_ms, rnd, out);
	c->lease = *m;
	c->reply_ms = now_ms;
	c->state = CP_DHCP6_CHECKING; /* eUE-4: DAD on the address */
	c->next_ms = 0;
	out->events |= CP_DHCP6_EV_DAD;
	out->addr = m->ia[0].addr[0].addr;
	return 0;
}

static int
dispatch(struct cp_dhcp6 *c, struct esg_dhcp6_msg *m, uint64_t now_ms,
	 uint32_t rnd, struct cp_dhcp6_out *out)
{
	if (m->type == ESG_DHCP6_RECONFIGURE) {
		/* RFC 8415 21.20: no Reconfigure Accept sent, so none is
		 * accepted (18.2.11) */
		c->n_reconfigure++;
		return EPROTO;
	}
	switch (c->state) {
	case CP_DHCP6_SOLICITING:
		if (m->type == ESG_DHCP6_ADVERTISE)
			return on_advertise(c, m, now_ms, rnd, out);
		/* RFC 8415 18.2.1: a REPLY only with Rapid Commit asked */
		if (m->type == ESG_DHCP6_REPLY && c->cfg.rapid_commit &&
		    (m->present & ESG_DHCP6_HAS_RAPID_COMMIT))
			return on_reply(c, m, now_ms, rnd, out);
		return EPROTO;
	case CP_DHCP6_REQUESTING:
	case CP_DHCP6_RENEWING:
	case CP_DHCP6_REBINDING:
		return m->type == ESG_DHCP6_REPLY
			       ? on_reply(c, m, now_ms, rnd, out)
			       : EPROTO;
	case CP_DHCP6_DECLINING: /* RFC 8415 18.2.10.1: done; eUE-4 fails */
		if (m->type != ESG_DHCP6_REPLY)
			return EPROTO;
		return solicit(c, now_ms, rnd, out);
	case CP_DHCP6_RELEASING: /* RFC 8415 18.2.10.1: done */
		if (m->type != ESG_DHCP6_REPLY)
			return EPROTO;
		c->state = CP_DHCP6_STOPPED;
		c->next_ms = 0;
		out->events |= CP_DHCP6_EV_STOPPED;
		return 0;
	case CP_DHCP6_INIT:
	case CP_DHCP6_CHECKING:
	case CP_DHCP6_BOUND:
	case CP_DHCP6_STOPPED:
		return EPROTO;
	}
	return EPROTO;
}

int
cp_dhcp6_recv(struct cp_dhcp6 *c, const uint8_t *buf, size_t len,
	      uint64_t now_ms, uint32_t rnd, struct cp_dhcp6_out *out)
{
	struct esg_dhcp6_msg m;
	int err;

	out_reset(out);
	c->n_rx++;
	err = esg_dhcp6_parse(buf, len, &m, NULL);
	if (err == 0 && m.type != ESG_DHCP6_RECONFIGURE)
		err = cp_dhcp6_msg_valid(c, &m); /* RFC 8415 16 */
	if (err == 0)
		err = dispatch(c, &m, now_ms, rnd, out);
	if (err != 0)
		c->n_rx_bad++;
	out->timer_ms = c->next_ms;
	return err;
}

int
cp_dhcp6_dad_result(struct cp_dhcp6 *c, int in_use, uint64_t now_ms,
		    uint32_t rnd, struct cp_dhcp6_out *out)
{
	int err;

	out_reset(out);
	if (c->state != CP_DHCP6_CHECKING)
		return EPROTO;
	out->addr = c->lease.ia[0].addr[0].addr;
	if (!in_use) {
		c->state = CP_DHCP6_BOUND;
		c->have_lease = 1;
		arm_lease(c, c->reply_ms);
		out->events |= CP_DHCP6_EV_BOUND;
		out->timer_ms = c->next_ms;
		return 0;
	}
	/* PKT-EUE-PROV eUE-4: address in use: DECLINE (RFC 8415 18.2.8),
	 * the step failed: SOLICIT again after the exchange */
	out->events |= CP_DHCP6_EV_DECLINED;
	err = exchange(c, CP_DHCP6_DECLINING, ESG_DHCP6_DECLINE, now_ms, rnd,
		       out);
	out->timer_ms = c->next_ms;
	return err;
}

int
cp_dhcp6_release(struct cp_dhcp6 *c, uint64_t now_ms, uint32_t rnd,
		 struct cp_dhcp6_out *out)
{
	int err = 0;

	out_reset(out);
	if (!c->have_lease) {
		c->state = CP_DHCP6_STOPPED;
		c->next_ms = 0;
		return 0;
	}
	/* RFC 8415 18.2.7: the addresses stop being used as the RELEASE
	 * exchange begins */
	out->events |= CP_DHCP6_EV_LOST;
	out->addr = c->lease.ia[0].addr[0].addr;
	err = exchange(c, CP_DHCP6_RELEASING, ESG_DHCP6_RELEASE, now_ms, rnd,
		       out);
	c->have_lease = 0;
	c->t1_ms = c->t2_ms = c->end_ms = 0;
	out->timer_ms = c->next_ms;
	return err;
}

int
cp_dhcp6_config_file(const struct cp_dhcp6 *c, struct in6_addr *server,
		     const char **file)
{
	/* spec 000 8.1.3: CL_OPTION_TFTP_SERVERS and
	 * CL_OPTION_CONFIG_FILE_NAME locate the configuration file */
	if (!c->have_lease || c->lease.cl.n_tftp == 0 ||
	    !(c->lease.cl.present & ESG_CL_HAS_CONFIG_FILE) ||
	    c->lease.cl.config_file[0] == '\0')
		return ENOENT;
	*server = c->lease.cl.tftp[0];
	*file = c->lease.cl.config_file;
	return 0;
}
