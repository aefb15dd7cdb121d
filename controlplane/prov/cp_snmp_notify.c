/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cp_snmp_notify: the provisioning status notification (spec 001 eUE-25)
 * to a set of receivers on libre's main loop. Each receiver has its own
 * UDP socket (an ephemeral port of its family) and timer, and runs one
 * struct cp_snmp_tx (cp_snmp_msg.c). Datagrams from any other address
 * or port than the receiver's are dropped here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "cp_snmp_notify.h"

struct rcv {
	struct cp_snmp_notify *n;
	struct sa addr;
	enum cp_snmp_kind kind;
	uint32_t timeout_ms, retries;
	struct udp_sock *us;
	struct tmr tmr;
	struct cp_snmp_tx tx;
	bool finished;
};

struct cp_snmp_notify {
	char community[CP_SNMP_COMMUNITY_MAX + 1];
	struct rcv rcv[CP_SNMP_MAX_RCV];
	struct cp_snmp_result res[CP_SNMP_MAX_RCV];
	unsigned int nb;
	unsigned int left; /* receivers still running */
	bool started, reported;
	struct tmr done_tmr;
	cp_snmp_notify_done_h *h;
	void *arg;
};

static void
notify_destructor(void *arg)
{
	struct cp_snmp_notify *n = arg;
	unsigned int i;

	tmr_cancel(&n->done_tmr);
	for (i = 0; i < n->nb; i++) {
		tmr_cancel(&n->rcv[i].tmr);
		n->rcv[i].us = mem_deref(n->rcv[i].us);
	}
}

static void
done_tmr_h(void *arg)
{
	struct cp_snmp_notify *n = arg;

	if (n->reported)
		return;
	n->reported = true;
	n->h(n->res, n->nb, n->arg);
}

/* A receiver finished: its result, its socket closed; the handler from
 * the loop (not from inside a libre receive handler). */
static void
rcv_finish(struct rcv *r)
{
	struct cp_snmp_notify *n = r->n;
	struct cp_snmp_result *res = &n->res[r - n->rcv];

	if (r->finished)
		return;
	r->finished = true;
	tmr_cancel(&r->tmr);
	res->err = r->tx.state == CP_SNMP_TX_DONE ? 0 : r->tx.err;
	res->acked =
		r->kind == CP_SNMP_INFORM_V2C && r->tx.state == CP_SNMP_TX_DONE;
	res->error_status = r->tx.error_status;
	res->sends = r->tx.cnt.sends;
	if (n->left > 0 && --n->left == 0)
		tmr_start(&n->done_tmr, 0, done_tmr_h, n);
}

static void rcv_tmr_h(void *arg);

static void
rcv_apply(struct rcv *r, const struct cp_snmp_tx_out *out)
{
	if (out->send) {
		struct mbuf *mb = mbuf_alloc(r->tx.msg_len);

		if (mb != NULL) {
			(void)mbuf_write_mem(mb, r->tx.msg, r->tx.msg_len);
			mb->pos = 0;
			/* a lost datagram is what the retries are for */
			(void)udp_send(r->us, &r->addr, mb);
			mem_deref(mb);
		}
	}
	if (r->tx.state == CP_SNMP_TX_DONE ||
	    r->tx.state == CP_SNMP_TX_FAILED) {
		rcv_finish(r);
		return;
	}
	if (out->deadline_ms != 0) {
		uint64_t now = tmr_jiffies();

		tmr_start(&r->tmr,
			  out->deadline_ms > now ? out->deadline_ms - now : 0,
			  rcv_tmr_h, r);
	}
}

static void
rcv_tmr_h(void *arg)
{
	struct rcv *r = arg;
	struct cp_snmp_tx_out out;

	if (cp_snmp_tx_timer(&r->tx, tmr_jiffies(), &out) == 0)
		rcv_apply(r, &out);
}

static void
rcv_recv_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct rcv *r = arg;
	struct cp_snmp_tx_out out;

	if (r->finished || !sa_cmp(src, &r->addr, SA_ALL))
		return;
	if (cp_snmp_tx_recv(&r->tx, mbuf_buf(mb), mbuf_get_left(mb),
			    tmr_jiffies(), &out) == 0)
		rcv_apply(r, &out);
}

int
cp_snmp_notify_alloc(struct cp_snmp_notify **np, const char *community,
		     cp_snmp_notify_done_h *h, void *arg)
{
	struct cp_snmp_notify *n;

	if (np == NULL || h == NULL)
		return EINVAL;
	if (community == NULL)
		community = "public";
	if (community[0] == '\0' || strlen(community) > CP_SNMP_COMMUNITY_MAX)
		return EINVAL;
	n = mem_zalloc(sizeof(*n), notify_destructor);
	if (n == NULL)
		return ENOMEM;
	tmr_init(&n->done_tmr);
	snprintf(n->community, sizeof(n->community), "%s", community);
	n->h = h;
	n->arg = arg;
	*np = n;
	return 0;
}

/* A slot for a receiver, its result's address text and type filled. */
static struct rcv *
slot(struct cp_snmp_notify *n, const struct sa *addr, int type)
{
	struct cp_snmp_result *res;
	struct rcv *r;

	if (n->started || n->nb >= CP_SNMP_MAX_RCV)
		return NULL;
	r = &n->rcv[n->nb];
	res = &n->res[n->nb];
	n->nb++;
	memset(r, 0, sizeof(*r));
	memset(res, 0, sizeof(*res));
	r->n = n;
	tmr_init(&r->tmr);
	res->type = type;
	if (addr != NULL)
		(void)re_snprintf(res->addr, sizeof(res->addr), "%J", addr);
	return r;
}

int
cp_snmp_notify_add(struct cp_snmp_notify *n, const struct sa *addr,
		   enum cp_snmp_kind kind, uint32_t timeout_ms,
		   uint32_t retries)
{
	struct sa a;
	struct rcv *r;

	if (n == NULL || addr == NULL || !sa_isset(addr, SA_ADDR))
		return EINVAL;
	a = *addr;
	if (sa_port(&a) == 0)
		sa_set_port(&a, CP_SNMP_PORT);
	r = slot(n, &a,
		 kind == CP_SNMP_INFORM_V2C ? CP_CFGFILE_INFORM_V2C
					    : CP_CFGFILE_TRAP_V2C);
	if (r == NULL)
		return n->started ? EALREADY : ENOSPC;
	r->addr = a;
	r->kind = kind;
	r->timeout_ms = timeout_ms ? timeout_ms : CP_SNMP_TIMEOUT_MS;
	r->retries = retries;
	return 0;
}

/* A receiver reported without traffic (ENOTSUP, ENOENT). */
static int
add_unsent(struct cp_snmp_notify *n, const struct sa *addr, int type, int err)
{
	struct rcv *r = slot(n, addr, type);

	if (r == NULL)
		return n->started ? EALREADY : ENOSPC;
	r->finished = true;
	n->res[r - n->rcv].err = err;
	return 0;
}

int
cp_snmp_notify_add_cfgfile(struct cp_snmp_notify *n,
			   const struct cp_cfgfile *cf, bool ipv6)
{
	unsigned int i;
	int err = 0;

	if (n == NULL || cf == NULL)
		return EINVAL;
	for (i = 0; i < cf->nb_notify && err == 0; i++) {
		const struct cp_cfgfile_notify *c = &cf->notify[i];
		uint8_t ip[16];
		size_t alen = 0;
		struct sa a;

		/* spec 001 6.5: IPv6 mode takes 38.8 in lieu of 38.1, IPv4
		 * mode ignores 38.8 */
		if (cp_cfgfile_notify_addr(c, ipv6, ip, &alen) != 0) {
			err = add_unsent(n, NULL, c->type, ENOENT);
			continue;
		}
		if (alen == 16)
			sa_set_in6(&a, ip, c->port);
		else
			sa_set_in(&a,
				  (uint32_t)ip[0] << 24 |
					  (uint32_t)ip[1] << 16 |
					  (uint32_t)ip[2] << 8 | ip[3],
				  c->port);
		switch (c->type) {
		case CP_CFGFILE_INFORM_V2C:
			err = cp_snmp_notify_add(n, &a, CP_SNMP_INFORM_V2C,
						 c->timeout_ms, c->retries);
			break;
		case CP_CFGFILE_TRAP_V2C:
			err = cp_snmp_notify_add(n, &a, CP_SNMP_TRAP_V2C,
						 c->timeout_ms, c->retries);
			break;
		default: /* v1 trap, v3 trap / inform: not sent */
			err = add_unsent(n, &a, c->type, ENOTSUP);
			break;
		}
	}
	return err;
}

static int
rcv_start(struct cp_snmp_notify *n, struct rcv *r,
	  const struct cp_snmp_prov_status *st)
{
	struct cp_snmp_tx_out out;
	struct sa local;
	int err;

	err = cp_snmp_tx_init(&r->tx, st, r->kind, n->community,
			      (int32_t)rand_u32(), r->timeout_ms, r->retries);
	if (err)
		return err;
	sa_init(&local, sa_af(&r->addr));
	err = udp_listen(&r->us, &local, rcv_recv_h, r);
	if (err)
		return err;
	err = cp_snmp_tx_start(&r->tx, tmr_jiffies(), &out);
	if (err)
		return err;
	rcv_apply(r, &out);
	return 0;
}

int
cp_snmp_notify_start(struct cp_snmp_notify *n,
		     const struct cp_snmp_prov_status *st)
{
	unsigned int i;

	if (n == NULL || st == NULL)
		return EINVAL;
	if (n->started)
		return EALREADY;
	n->started = true;
	for (i = 0; i < n->nb; i++)
		if (!n->rcv[i].finished)
			n->left++;
	/* counted first: a trap finishes inside rcv_start() */
	n->left++;
	for (i = 0; i < n->nb; i++) {
		struct rcv *r = &n->rcv[i];
		int err;

		if (r->finished)
			continue;
		err = rcv_start(n, r, st);
		if (err) {
			r->tx.state = CP_SNMP_TX_FAILED;
			r->tx.err = err;
			rcv_finish(r);
		}
	}
	if (--n->left == 0)
		tmr_start(&n->done_tmr, 0, done_tmr_h, n);
	return 0;
}
