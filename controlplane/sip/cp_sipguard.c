/* SPDX-License-Identifier: BSD-3-Clause */
/* The SIP input guard in front of libre's UDP sockets (cp_sipguard.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cp_log.h"
#include "cp_ratelim.h"
#include "cp_sipguard.h"

/* The layer of our UDP helper; any value, it is the only helper on a SIP
 * socket, and udp_helper_find() by it tells whether a socket has it. */
#define GUARD_LAYER 0x5e9
#define GUARD_SOURCES 4096 /* rate-limited sources remembered */
#define GUARD_EXEMPT 64	   /* sources never rate limited */
#define PROBE_PREFIX "esg-sipguard-probe-"

struct guard_sock {
	struct le le;
	struct udp_helper *uh; /* unlinked from the socket when freed */
	struct udp_sock *us;   /* a ref: the helper may not outlive it */
	struct cp_sipguard *g;
};

struct cp_sipguard {
	size_t max_bytes;
	struct cp_ratelim *rl;
	unsigned int nb_exempt;
	struct sa exempt[GUARD_EXEMPT];
	struct list socks;
	char probe_id[24];
	struct cp_sipguard_counters c;
};

static void
sock_destructor(void *arg)
{
	struct guard_sock *gs = arg;

	list_unlink(&gs->le);
	mem_deref(gs->uh);
	mem_deref(gs->us);
}

static void
destructor(void *arg)
{
	struct cp_sipguard *g = arg;

	list_flush(&g->socks);
	mem_deref(g->rl);
}

static bool
exempt_has(const struct cp_sipguard *g, const struct sa *a)
{
	unsigned int i;

	for (i = 0; i < g->nb_exempt; i++)
		if (sa_cmp(&g->exempt[i], a, SA_ADDR))
			return true;
	return false;
}

int
cp_sipguard_exempt(struct cp_sipguard *g, const struct sa *addr)
{
	if (g == NULL || addr == NULL || !sa_isset(addr, SA_ADDR))
		return EINVAL;
	if (exempt_has(g, addr))
		return 0;
	if (g->nb_exempt == GUARD_EXEMPT)
		return ENOSPC;
	g->exempt[g->nb_exempt++] = *addr;
	return 0;
}

static void
exempt_hostport(struct cp_sipguard *g, const struct esg_conf_hostport *hp)
{
	struct sa a;

	if (hp->family == AF_INET)
		sa_set_in(&a, ntohl(hp->u.v4.s_addr), 0);
	else if (hp->family == AF_INET6)
		sa_set_in6(&a, hp->u.v6.s6_addr, 0);
	else
		return;
	(void)cp_sipguard_exempt(g, &a);
}

/* The proxy "sip:host[:port]" when host is an IP literal. */
static void
exempt_proxy(struct cp_sipguard *g, const char *proxy)
{
	char host[ESG_CONF_SIP_STR];
	const char *h = proxy + 4, *e;
	struct sa a;

	if (strncmp(proxy, "sip:", 4) != 0)
		return;
	if (*h == '[') {
		e = strchr(++h, ']');
	} else {
		e = strchr(h, ':');
		if (e == NULL)
			e = h + strlen(h);
	}
	if (e == NULL || (size_t)(e - h) >= sizeof(host))
		return;
	memcpy(host, h, (size_t)(e - h));
	host[e - h] = '\0';
	if (sa_set_str(&a, host, 0) == 0)
		(void)cp_sipguard_exempt(g, &a);
}

int
cp_sipguard_alloc(struct cp_sipguard **gp, const struct esg_conf_sip *conf)
{
	struct cp_sipguard *g;
	unsigned int i;
	int err;

	if (gp == NULL || conf == NULL ||
	    conf->max_msg_bytes < CP_SIPGUARD_MIN_BYTES)
		return EINVAL;
	g = mem_zalloc(sizeof(*g), destructor);
	if (g == NULL)
		return ENOMEM;
	list_init(&g->socks);
	g->max_bytes = conf->max_msg_bytes;
	err = cp_ratelim_alloc(&g->rl, conf->source_rps, GUARD_SOURCES);
	if (err)
		goto out;
	exempt_proxy(g, conf->proxy);
	for (i = 0; i < conf->nb_tenants && i < ESG_CONF_MAX_TENANTS; i++)
		if (conf->tenant[i].has_pbx)
			exempt_hostport(g, &conf->tenant[i].pbx);
	rand_str(g->probe_id, sizeof(g->probe_id));
	*gp = g;
	return 0;
out:
	mem_deref(g);
	return err;
}

static void
reply(struct cp_sipguard *g, const struct sa *src,
      const struct cp_sipguard_msg *m, cp_sipguard_send_h *sendh, void *arg)
{
	struct mbuf *mb = mbuf_alloc(512);
	char tag[16];
	int err;

	if (mb == NULL) {
		g->c.reply_err++;
		return;
	}
	rand_str(tag, sizeof(tag));
	err = cp_sipguard_reply(mb, m, tag);
	mb->pos = 0;
	/* back to the datagram's source, as with rport (RFC 3581 4): a Via
	 * of a broken request does not name a third party to send to */
	if (err == 0)
		err = sendh(src, mb, arg);
	if (err) {
		g->c.reply_err++;
	} else if (m->scode == 513) {
		g->c.replied_513++;
	} else {
		g->c.replied_400++;
	}
	mem_deref(mb);
}

bool
cp_sipguard_input(struct cp_sipguard *g, const struct sa *src, struct mbuf *mb,
		  uint64_t now_ns, cp_sipguard_send_h *sendh, void *arg)
{
	struct cp_sipguard_msg m;
	int err;

	g->c.datagrams++;
	err = cp_sipguard_parse(mbuf_buf(mb), mbuf_get_left(mb), g->max_bytes,
				&m);
	/* A request over its source's rate is dropped before anything is
	 * answered: a reply would feed the flood (docs/admission.md). */
	if (m.request && !exempt_has(g, src) &&
	    cp_ratelim_check(g->rl, src, now_ns) != 0) {
		g->c.rate_limited++;
		return true;
	}
	switch (m.why) {
	case CP_SIPGUARD_OK:
	case CP_SIPGUARD_STUN:
		g->c.passed++;
		return false;
	case CP_SIPGUARD_KEEPALIVE:
		g->c.keepalive++;
		return true;
	case CP_SIPGUARD_TOO_LARGE:
		g->c.too_large++;
		break;
	case CP_SIPGUARD_GARBAGE:
		g->c.garbage++;
		break;
	case CP_SIPGUARD_BAD_HEADER:
	case CP_SIPGUARD_MISSING:
	case CP_SIPGUARD_BAD_CSEQ:
	case CP_SIPGUARD_BAD_MAXFWD:
	case CP_SIPGUARD_BAD_CLEN:
	case CP_SIPGUARD_MANY_VIA:
		g->c.malformed++;
		break;
	}
	if (err != 0 && m.answer && sendh != NULL)
		reply(g, src, &m, sendh, arg);
	return true;
}

static int
udp_reply_h(const struct sa *dst, struct mbuf *mb, void *arg)
{
	struct guard_sock *gs = arg;

	return udp_send(gs->us, dst, mb);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool
helper_recv_h(struct sa *src, struct mbuf *mb, void *arg)
{
	struct guard_sock *gs = arg;

	return cp_sipguard_input(gs->g, src, mb, now_ns(), udp_reply_h, gs);
}

static bool
helper_send_h(int *err, struct sa *dst, struct mbuf *mb, void *arg)
{
	(void)err;
	(void)dst;
	(void)mb;
	(void)arg;
	return false; /* sending is not ours to look at */
}

int
cp_sipguard_attach(struct cp_sipguard *g, struct udp_sock *us)
{
	struct guard_sock *gs;
	int err;

	if (g == NULL || us == NULL)
		return EINVAL;
	if (udp_helper_find(us, GUARD_LAYER) != NULL)
		return 0;
	gs = mem_zalloc(sizeof(*gs), sock_destructor);
	if (gs == NULL)
		return ENOMEM;
	gs->g = g;
	err = udp_register_helper(&gs->uh, us, GUARD_LAYER, helper_send_h,
				  helper_recv_h, gs);
	if (err) {
		mem_deref(gs);
		return err;
	}
	/* libre's socket destructor frees the helpers still on it: hold
	 * the socket until our helper is gone (libre's own helpers do) */
	gs->us = mem_ref(us);
	/* libre reads 8192 bytes by default: one more than the limit tells
	 * an oversized datagram from one that just fits */
	udp_rxsz_set(us, g->max_bytes + 1);
	list_append(&g->socks, &gs->le, gs);
	return 0;
}

bool
cp_sipguard_learn(struct cp_sipguard *g, const struct sip_msg *msg)
{
	int err;

	if (g == NULL || msg == NULL)
		return false;
	if (msg->tp == SIP_TRANSP_UDP && msg->sock != NULL) {
		err = cp_sipguard_attach(g, msg->sock);
		if (err)
			cp_warn("sipguard: cannot guard a SIP socket: %s",
				strerror(err));
	}
	return msg->callid.l == strlen(PROBE_PREFIX) + strlen(g->probe_id) &&
	       memcmp(msg->callid.p, PROBE_PREFIX, strlen(PROBE_PREFIX)) == 0 &&
	       memcmp(msg->callid.p + strlen(PROBE_PREFIX), g->probe_id,
		      strlen(g->probe_id)) == 0;
}

int
cp_sipguard_probe(struct cp_sipguard *g, const struct sa *laddr)
{
	struct mbuf *mb;
	char branch[16];
	int err;

	if (g == NULL || laddr == NULL)
		return EINVAL;
	mb = mbuf_alloc(512);
	if (mb == NULL)
		return ENOMEM;
	rand_str(branch, sizeof(branch));
	/* RFC 3261 8.1.1: a complete OPTIONS; the request handler drops it
	 * after cp_sipguard_learn() (no answer to an anonymous socket) */
	err = mbuf_printf(mb,
			  "OPTIONS sip:%J SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP %J;branch=z9hG4bK%s\r\n"
			  "Max-Forwards: 0\r\n"
			  "From: <sip:sipguard@%J>;tag=%s\r\n"
			  "To: <sip:%J>\r\n"
			  "Call-ID: " PROBE_PREFIX "%s\r\n"
			  "CSeq: 1 OPTIONS\r\n"
			  "Content-Length: 0\r\n\r\n",
			  laddr, laddr, branch, laddr, branch, laddr,
			  g->probe_id);
	mb->pos = 0;
	if (err == 0)
		err = udp_send_anon(laddr, mb);
	mem_deref(mb);
	return err;
}

const struct cp_sipguard_counters *
cp_sipguard_counters(const struct cp_sipguard *g)
{
	return &g->c;
}

void
cp_sipguard_log_counters(const struct cp_sipguard *g)
{
	const struct cp_sipguard_counters *c = &g->c;

	cp_notice("SIP guard: datagrams %llu, passed %llu, keep-alives %llu, "
		  "too large %llu, garbage %llu, malformed %llu, 400 sent "
		  "%llu, 513 sent %llu, reply errors %llu, rate limited %llu",
		  (unsigned long long)c->datagrams,
		  (unsigned long long)c->passed,
		  (unsigned long long)c->keepalive,
		  (unsigned long long)c->too_large,
		  (unsigned long long)c->garbage,
		  (unsigned long long)c->malformed,
		  (unsigned long long)c->replied_400,
		  (unsigned long long)c->replied_513,
		  (unsigned long long)c->reply_err,
		  (unsigned long long)c->rate_limited);
}
