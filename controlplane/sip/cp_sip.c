/* SPDX-License-Identifier: BSD-3-Clause */
/* The SIP endpoint: stack, listeners and bind retry (cp_sip.h). */
#include <errno.h>
#include <string.h>

#include "cp_log.h"
#include "cp_sip.h"

/* libre's client and server transaction tables (buckets, a power of 2).
 * A finished non-INVITE server transaction stays 64*T1 = 32 s for
 * retransmissions (RFC 3261 17.2.2 Timer J): at 2,000 calls/s one stack
 * holds some 64,000 BYE transactions, and every request and response is
 * matched by a scan of one bucket (with 16 buckets that scan was half of
 * the control plane's time at 400 calls/s). 16,384 buckets: 256 KiB per
 * table, a few entries per bucket at 3,000 calls/s. */
#define CP_SIP_HASH 16384
/* TCP/TLS connections: toward the operator's proxy (cp_sip_stream) */
#define CP_SIP_HASH_TCP 16
/* SO_RCVBUF/SO_SNDBUF of each SIP UDP socket. The kernel default (about
 * 200 KB, some 90 datagrams of SIP) holds 15 ms of traffic at 1,000
 * calls/s: any longer pause of the event loop (the scheduler) drops
 * datagrams, and each costs a 500 ms retransmission (measured with
 * tests/bench/cps: 15,000 drops in 5 s at 1,000 calls/s on a busy host).
 * 2 MiB is about 160 ms; the kernel caps it at net.core.rmem_max /
 * wmem_max (docs/performance.md). */
#define CP_SIP_SOCKBUF (2 * 1024 * 1024)

struct cp_sip;

/* One libre stack: the addresses of one group (an interface). libre
 * 1.1.0 sends a request from the first transport of the destination's
 * family, whatever the route: one stack per interface is what keeps a
 * request toward the WAN from leaving with a LAN Via and source address
 * (docs/b2bua.md "Topology hiding"). */
struct cp_sip_grp {
	struct cp_sip *cs;
	unsigned int id;
	struct sip *sip;
	struct sip_lsnr *lsnr;
	enum sip_transp stp; /* a stream transport too (cp_sip_stream) */
	struct tls *tls;     /* SIP_TRANSP_TLS: the context */
	bool stream;
};

struct cp_sip_bind {
	struct sa addr;
	unsigned int grp;
	bool bound;
	bool sbound;  /* the group's stream transport, if it has one */
	int last_err; /* logged once per distinct error */
};

struct cp_sip {
	struct cp_sip_grp g[CP_SIP_MAX_GROUPS];
	void *tuned[CP_SIP_MAX_ADDRS]; /* UDP sockets whose buffers are set
					* (compared, never dereferenced) */
	struct tmr retry;
	uint32_t retry_ms;
	uint16_t port;
	unsigned int nb;
	struct cp_sip_bind b[CP_SIP_MAX_ADDRS];
	struct cp_sip_counters c;
	cp_sip_req_h *reqh;
	cp_sip_bound_h *boundh;
	void *arg;
	const char *allow;
};

static void
destructor(void *arg)
{
	struct cp_sip *cs = arg;
	unsigned int i;

	tmr_cancel(&cs->retry);
	for (i = 0; i < CP_SIP_MAX_GROUPS; i++) {
		cs->g[i].lsnr = mem_deref(cs->g[i].lsnr);
		if (cs->g[i].sip != NULL)
			sip_close(cs->g[i].sip, true); /* drop transactions */
		cs->g[i].sip = mem_deref(cs->g[i].sip);
		cs->g[i].tls = mem_deref(cs->g[i].tls);
	}
}

/* libre 1.1.0 does not hand out its transport sockets: each one is
 * known from the first request on it (the input guard's probe, sent
 * right after the bind, or a peer's). */
static void
sockbuf_once(struct cp_sip *cs, const struct sip_msg *msg)
{
	unsigned int i;
	int err;

	if (msg->tp != SIP_TRANSP_UDP || msg->sock == NULL)
		return;
	for (i = 0; i < CP_SIP_MAX_ADDRS && cs->tuned[i] != NULL; i++) {
		if (cs->tuned[i] == msg->sock)
			return;
	}
	if (i == CP_SIP_MAX_ADDRS)
		return;
	cs->tuned[i] = msg->sock;
	err = udp_sockbuf_set(msg->sock, CP_SIP_SOCKBUF);
	if (err)
		cp_warn("SIP: socket buffers: %s", strerror(err));
}

static bool
request_h(const struct sip_msg *msg, void *arg)
{
	struct cp_sip_grp *g = arg;
	struct cp_sip *cs = g->cs;

	sockbuf_once(cs, msg);

	if (cs->reqh != NULL && cs->reqh(msg, cs->arg)) {
		cs->c.requests++;
		return true;
	}
	cp_sip_options_handle(g->sip, msg, &cs->c, cs->allow);
	return true;
}

/* The stream listener of b: TCP on the port, TLS on the port + 1
 * (5061 next to 5060, RFC 3261 19.1.2). */
static int
stream_bind(struct cp_sip *cs, struct cp_sip_bind *b)
{
	struct cp_sip_grp *g = &cs->g[b->grp];
	struct sa a = b->addr;

	if (g->stp == SIP_TRANSP_TLS) {
		sa_set_port(&a, cs->port + 1);
		return sip_transp_add(g->sip, SIP_TRANSP_TLS, &a, g->tls);
	}
	return sip_transp_add(g->sip, g->stp, &a);
}

static bool
bind_done(const struct cp_sip *cs, const struct cp_sip_bind *b)
{
	return b->bound && (!cs->g[b->grp].stream || b->sbound);
}

static void
try_bind(struct cp_sip *cs, struct cp_sip_bind *b)
{
	const char *tp = "udp";
	char addr[64];
	int err = 0;

	re_snprintf(addr, sizeof(addr), "%J", &b->addr);
	if (!b->bound) {
		err = sip_transp_add(cs->g[b->grp].sip, SIP_TRANSP_UDP,
				     &b->addr);
		if (err == 0) {
			b->bound = true;
			cp_info("SIP: listening on udp %s", addr);
			if (cs->boundh != NULL)
				cs->boundh(&b->addr, cs->arg);
		}
	}
	if (!err && !bind_done(cs, b)) {
		tp = sip_transp_name(cs->g[b->grp].stp);
		err = stream_bind(cs, b);
		if (err == 0) {
			b->sbound = true;
			cp_info("SIP: listening on %s %s%s", tp, addr,
				cs->g[b->grp].stp == SIP_TRANSP_TLS ? " (+1)"
								    : "");
		}
	}
	if (err == 0)
		return;
	if (err != b->last_err)
		cp_warn("SIP: cannot listen on %s %s: %s; retrying every "
			"%u ms",
			tp, addr, strerror(err), cs->retry_ms);
	b->last_err = err;
}

static void
retry_h(void *arg)
{
	struct cp_sip *cs = arg;
	unsigned int i, left = 0;

	for (i = 0; i < cs->nb; i++) {
		if (bind_done(cs, &cs->b[i]))
			continue;
		try_bind(cs, &cs->b[i]);
		if (!bind_done(cs, &cs->b[i]))
			left++;
	}
	if (left > 0)
		tmr_start(&cs->retry, cs->retry_ms, retry_h, cs);
}

static int
grp_open(struct cp_sip *cs, unsigned int id)
{
	struct cp_sip_grp *g = &cs->g[id];
	int err;

	if (g->sip != NULL)
		return 0;
	g->cs = cs;
	g->id = id;
	err = sip_alloc(&g->sip, NULL, CP_SIP_HASH, CP_SIP_HASH,
			CP_SIP_HASH_TCP, "esg", NULL, NULL);
	if (err)
		return err;
	return sip_listen(&g->lsnr, g->sip, true, request_h, g);
}

int
cp_sip_alloc_groups(struct cp_sip **csp, const struct sa *addrs,
		    const unsigned int *groups, unsigned int n, uint16_t port,
		    uint32_t retry_ms)
{
	struct cp_sip *cs;
	unsigned int i;
	int err = 0;

	if (csp == NULL || (addrs == NULL && n > 0) || n > CP_SIP_MAX_ADDRS ||
	    retry_ms == 0)
		return EINVAL;
	for (i = 0; groups != NULL && i < n; i++)
		if (groups[i] >= CP_SIP_MAX_GROUPS)
			return EINVAL;
	cs = mem_zalloc(sizeof(*cs), destructor);
	if (cs == NULL)
		return ENOMEM;
	tmr_init(&cs->retry);
	cs->retry_ms = retry_ms;
	cs->port = port;
	cs->nb = n;
	for (i = 0; i < n && !err; i++) {
		cs->b[i].addr = addrs[i];
		cs->b[i].grp = groups != NULL ? groups[i] : 0;
		sa_set_port(&cs->b[i].addr, port);
		err = grp_open(cs, cs->b[i].grp);
	}
	if (!err)
		err = grp_open(cs, 0); /* the default stack, even unbound */
	if (err)
		goto out;
	retry_h(cs); /* first attempt now, the rest on the timer */
	*csp = cs;
	return 0;
out:
	mem_deref(cs);
	return err;
}

int
cp_sip_stream(struct cp_sip *cs, unsigned int group, enum sip_transp tp,
	      struct tls *tls)
{
	struct cp_sip_grp *g;
	unsigned int i;
	int err;

	if (cs == NULL || group >= CP_SIP_MAX_GROUPS ||
	    (tp != SIP_TRANSP_TCP && tp != SIP_TRANSP_TLS) ||
	    ((tp == SIP_TRANSP_TLS) != (tls != NULL)) ||
	    (tp == SIP_TRANSP_TLS && cs->port == UINT16_MAX))
		return EINVAL;
	err = grp_open(cs, group);
	if (err)
		return err;
	g = &cs->g[group];
	if (g->stream)
		return EALREADY;
	g->stream = true;
	g->stp = tp;
	g->tls = mem_ref(tls);
	for (i = 0; i < cs->nb; i++)
		if (cs->b[i].grp == group)
			try_bind(cs, &cs->b[i]);
	retry_h(cs);
	return 0;
}

int
cp_sip_group_open(struct cp_sip *cs, unsigned int group)
{
	if (cs == NULL || group >= CP_SIP_MAX_GROUPS)
		return EINVAL;
	return grp_open(cs, group);
}

static int
bind_find(const struct cp_sip *cs, const struct sa *addr, unsigned int group)
{
	unsigned int i;

	for (i = 0; i < cs->nb; i++)
		if (cs->b[i].grp == group &&
		    sa_af(&cs->b[i].addr) == sa_af(addr) &&
		    sa_cmp(&cs->b[i].addr, addr, SA_ADDR))
			return (int)i;
	return -1;
}

int
cp_sip_add(struct cp_sip *cs, const struct sa *addr, unsigned int group)
{
	struct cp_sip_bind *b;
	int err;

	if (cs == NULL || addr == NULL || group >= CP_SIP_MAX_GROUPS)
		return EINVAL;
	if (bind_find(cs, addr, group) >= 0)
		return EALREADY;
	if (cs->nb == CP_SIP_MAX_ADDRS)
		return ENOSPC;
	err = grp_open(cs, group);
	if (err)
		return err;
	b = &cs->b[cs->nb++];
	memset(b, 0, sizeof(*b));
	sa_cpy(&b->addr, addr);
	sa_set_port(&b->addr, cs->port);
	b->grp = group;
	/* now, else on the retry timer (a leased address may not be on the
	 * exception interface yet: the dataplane adds it after IF_ADDR_ADD) */
	try_bind(cs, b);
	if (!bind_done(cs, b) && !tmr_isrunning(&cs->retry))
		tmr_start(&cs->retry, cs->retry_ms, retry_h, cs);
	return 0;
}

int
cp_sip_del(struct cp_sip *cs, const struct sa *addr, unsigned int group)
{
	struct cp_sip_grp *g;
	char txt[64];
	unsigned int j;
	int i;

	if (cs == NULL || addr == NULL || group >= CP_SIP_MAX_GROUPS)
		return EINVAL;
	i = bind_find(cs, addr, group);
	if (i < 0)
		return ENOENT;
	re_snprintf(txt, sizeof(txt), "%J", &cs->b[i].addr);
	cp_info("SIP: no longer listening on udp %s", txt);
	memmove(&cs->b[i], &cs->b[i + 1],
		(cs->nb - (unsigned int)i - 1) * sizeof(cs->b[0]));
	cs->nb--;
	/* libre 1.1.0 removes no single transport, and its flush frees
	 * transports whose sockets others still hold (server transactions
	 * for 32 s, the input guard): a flush is done only when the group
	 * has no other listener (a WAN whose only lease went), so that the
	 * next lease's transport is the family's first. Otherwise the
	 * transport stays in libre (docs/controlplane.md, limits). */
	for (j = 0; j < cs->nb; j++)
		if (cs->b[j].grp == group)
			return 0;
	g = &cs->g[group];
	if (g->sip != NULL) {
		sip_transp_flush(g->sip);
		memset(cs->tuned, 0, sizeof(cs->tuned));
	}
	return 0;
}

int
cp_sip_alloc(struct cp_sip **csp, const struct sa *addrs, unsigned int n,
	     uint16_t port, uint32_t retry_ms)
{
	return cp_sip_alloc_groups(csp, addrs, NULL, n, port, retry_ms);
}

void
cp_sip_set_handler(struct cp_sip *cs, cp_sip_req_h *reqh,
		   cp_sip_bound_h *boundh, void *arg, const char *allow)
{
	unsigned int i;

	cs->reqh = reqh;
	cs->boundh = boundh;
	cs->arg = arg;
	cs->allow = allow;
	/* addresses bound before the handler came */
	for (i = 0; boundh != NULL && i < cs->nb; i++)
		if (cs->b[i].bound)
			boundh(&cs->b[i].addr, arg);
}

struct sip *
cp_sip_stack(const struct cp_sip *cs)
{
	return cs->g[0].sip;
}

struct sip *
cp_sip_stack_of(const struct cp_sip *cs, unsigned int group)
{
	return group < CP_SIP_MAX_GROUPS ? cs->g[group].sip : NULL;
}

unsigned int
cp_sip_bound(const struct cp_sip *cs)
{
	unsigned int i, n = 0;

	for (i = 0; i < cs->nb; i++)
		if (cs->b[i].bound)
			n++;
	return n;
}

int
cp_sip_listener(const struct cp_sip *cs, unsigned int i, struct sa *addr,
		bool *bound)
{
	if (cs == NULL || i >= cs->nb)
		return ENOENT;
	*addr = cs->b[i].addr;
	*bound = cs->b[i].bound;
	return 0;
}

const struct cp_sip_counters *
cp_sip_counters(const struct cp_sip *cs)
{
	return &cs->c;
}

void
cp_sip_log_counters(const struct cp_sip *cs)
{
	const struct cp_sip_counters *c = &cs->c;

	cp_notice("SIP: %u of %u addresses bound; requests %llu, OPTIONS "
		  "answered %llu, 405 %llu, 501 %llu, 420 %llu, 481 %llu, "
		  "ACK %llu, reply errors %llu",
		  cp_sip_bound(cs), cs->nb, (unsigned long long)c->requests,
		  (unsigned long long)c->options,
		  (unsigned long long)c->not_allowed,
		  (unsigned long long)c->not_impl,
		  (unsigned long long)c->bad_ext,
		  (unsigned long long)c->no_trans, (unsigned long long)c->acks,
		  (unsigned long long)c->reply_err);
}
