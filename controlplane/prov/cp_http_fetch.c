/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cp_http_fetch(): GET one file over a libre TCP connection with the
 * bounded parser of cp_http_msg.c and one overall time-out.
 *
 * Why not libre's own HTTP client (re_http.h http_client_alloc /
 * http_request): in libre 1.1.0 it needs a DNS client even for an
 * address, its time-outs are fixed (30 s connect, 60 s receive) and its
 * buffer limit is fixed (512 KiB) with no size limit of ours, and its
 * response parsing is not ours to test and fuzz. The configuration
 * server's address comes from DHCP (spec 000 8.1.3) or the configuration,
 * so no DNS is needed here, and the size limit and the time-out are the
 * caller's.
 *
 * The handler is always called from a 0 ms timer, never from inside a
 * libre TCP handler, so the caller may mem_deref() the fetch in it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "cp_http_fetch.h"

#define TIMEOUT_MS 30000
#define MAX_SIZE (1024 * 1024)

struct cp_http_fetch {
	struct tcp_conn *tc;
	struct tmr tmr;	     /* the overall time-out */
	struct tmr done_tmr; /* the handler, from the loop */
	struct mbuf *rx;     /* every byte received */
	size_t max_size;
	size_t rx_max; /* max_size with the framing */
	uint32_t timeout_ms;
	char req[CP_HTTP_REQ_MAX];
	size_t req_len;
	/* the outcome */
	bool done;
	int err;
	uint16_t status;
	char msg[CP_HTTP_ERR_MAX];
	uint8_t *body;
	size_t body_len;
	cp_http_done_h *h;
	void *arg;
};

static void
fetch_destructor(void *arg)
{
	struct cp_http_fetch *f = arg;

	tmr_cancel(&f->tmr);
	tmr_cancel(&f->done_tmr);
	mem_deref(f->tc);
	mem_deref(f->rx);
	mem_deref(f->body);
}

static void
done_tmr_h(void *arg)
{
	struct cp_http_fetch *f = arg;

	f->tc = mem_deref(f->tc);
	f->h(f->err, f->body, f->body_len, f->status, f->msg, f->arg);
}

static void
finish(struct cp_http_fetch *f, int err)
{
	if (f->done)
		return;
	f->done = true;
	f->err = err;
	tmr_cancel(&f->tmr);
	tmr_start(&f->done_tmr, 0, done_tmr_h, f);
}

/* The response in f->rx, eof: the server closed. */
static void
judge(struct cp_http_fetch *f, bool eof)
{
	struct cp_http_resp r;
	int err;

	err = cp_http_resp_parse(f->rx->buf, f->rx->end, eof, f->max_size, &r,
				 f->msg, sizeof(f->msg));
	if (err == EAGAIN)
		return;
	if (err) {
		finish(f, err);
		return;
	}
	f->status = r.status;
	snprintf(f->msg, sizeof(f->msg), "%s", r.reason);
	/* spec 001 eUE-23: the file or a failure; 200 is the file */
	if (r.status != 200) {
		finish(f, EPROTO);
		return;
	}
	f->body = mem_alloc(r.body_len ? r.body_len : 1, NULL);
	if (f->body == NULL) {
		finish(f, ENOMEM);
		return;
	}
	err = cp_http_resp_body(f->rx->buf, f->rx->end, &r, f->body,
				r.body_len);
	f->body_len = r.body_len;
	finish(f, err);
}

static void
estab_h(void *arg)
{
	struct cp_http_fetch *f = arg;
	struct mbuf *mb;
	int err;

	if (f->done)
		return;
	mb = mbuf_alloc(f->req_len);
	if (mb == NULL) {
		finish(f, ENOMEM);
		return;
	}
	(void)mbuf_write_mem(mb, (const uint8_t *)f->req, f->req_len);
	mb->pos = 0;
	err = tcp_send(f->tc, mb);
	mem_deref(mb);
	if (err)
		finish(f, err);
}

static void
recv_h(struct mbuf *mb, void *arg)
{
	struct cp_http_fetch *f = arg;
	size_t n = mbuf_get_left(mb);

	if (f->done)
		return;
	if (f->rx->end + n > f->rx_max) {
		snprintf(f->msg, sizeof(f->msg),
			 "response over %zu bytes (size limit %zu)", f->rx_max,
			 f->max_size);
		finish(f, EFBIG);
		return;
	}
	f->rx->pos = f->rx->end;
	if (mbuf_write_mem(f->rx, mbuf_buf(mb), n) != 0) {
		finish(f, ENOMEM);
		return;
	}
	judge(f, false);
}

static void
close_h(int err, void *arg)
{
	struct cp_http_fetch *f = arg;

	if (f->done)
		return;
	if (err) {
		(void)re_snprintf(f->msg, sizeof(f->msg), "connection: %m",
				  err);
		finish(f, err);
		return;
	}
	judge(f, true);
	if (!f->done) /* judge() with eof always decides; kept safe */
		finish(f, EBADMSG);
}

static void
timeout_h(void *arg)
{
	struct cp_http_fetch *f = arg;

	snprintf(f->msg, sizeof(f->msg), "no complete response in %u ms",
		 (unsigned int)f->timeout_ms);
	finish(f, ETIMEDOUT);
}

int
cp_http_fetch(struct cp_http_fetch **fp, const struct sa *srv,
	      const struct cp_http_cfg *cfg, cp_http_done_h *h, void *arg)
{
	struct cp_http_fetch *f;
	char host[80];
	struct sa peer;
	int err;

	if (fp == NULL || srv == NULL || cfg == NULL || cfg->path == NULL ||
	    h == NULL || !sa_isset(srv, SA_ADDR))
		return EINVAL;
	peer = *srv;
	if (sa_port(&peer) == 0)
		sa_set_port(&peer, cfg->port ? cfg->port : CP_HTTP_PORT);
	f = mem_zalloc(sizeof(*f), fetch_destructor);
	if (f == NULL)
		return ENOMEM;
	tmr_init(&f->tmr);
	tmr_init(&f->done_tmr);
	f->h = h;
	f->arg = arg;
	f->max_size = cfg->max_size ? cfg->max_size : MAX_SIZE;
	/* chunk lines and the header section on top of the body */
	f->rx_max = 2 * f->max_size + 2 * CP_HTTP_HDR_MAX;
	f->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : TIMEOUT_MS;
	/* RFC 9112 3.2: Host is the authority; an IPv6 literal in
	 * brackets (RFC 3986 3.2.2), the port when not 80 */
	if (cfg->host != NULL)
		snprintf(host, sizeof(host), "%s", cfg->host);
	else if (sa_port(&peer) == CP_HTTP_PORT)
		(void)re_snprintf(host, sizeof(host),
				  sa_af(&peer) == AF_INET6 ? "[%j]" : "%j",
				  &peer);
	else
		(void)re_snprintf(host, sizeof(host), "%J", &peer);
	err = cp_http_req_build(host, cfg->path, f->req, sizeof(f->req),
				&f->req_len);
	if (err)
		goto out;
	f->rx = mbuf_alloc(4096);
	if (f->rx == NULL) {
		err = ENOMEM;
		goto out;
	}
	err = tcp_connect(&f->tc, &peer, estab_h, recv_h, close_h, f);
	if (err)
		goto out;
	tmr_start(&f->tmr, f->timeout_ms, timeout_h, f);
out:
	if (err)
		mem_deref(f);
	else
		*fp = f;
	return err;
}
