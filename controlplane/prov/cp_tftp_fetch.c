/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cp_tftp_fetch(): the TFTP state machine (cp_tftp.c) on a libre UDP
 * socket and timer. Datagrams from any other address than the server's
 * are dropped here; the machine judges the port (the TID, RFC 1350 4).
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "cp_tftp.h"

struct cp_tftp_fetch {
	struct cp_tftp *t;
	struct udp_sock *us;
	struct tmr tmr;
	struct sa srv;
	cp_tftp_done_h *h;
	void *arg;
	bool done;
};

static void
fetch_destructor(void *arg)
{
	struct cp_tftp_fetch *f = arg;

	tmr_cancel(&f->tmr);
	mem_deref(f->us);
	mem_deref(f->t);
}

static void timer_h(void *arg);

static void
finish(struct cp_tftp_fetch *f)
{
	const uint8_t *data = NULL;
	const char *msg = NULL;
	uint16_t code = 0;
	size_t len = 0;
	int err;

	err = cp_tftp_result(f->t, &code, &msg);
	if (err == 0)
		data = cp_tftp_data(f->t, &len);
	f->done = true;
	tmr_cancel(&f->tmr);
	f->h(err, data, len, code, msg, f->arg);
}

/* Send what the machine asks for, rearm, and report the end. */
static void
apply(struct cp_tftp_fetch *f, const struct cp_tftp_out *out)
{
	enum cp_tftp_state st;

	if (out->len != 0) {
		struct mbuf *mb = mbuf_alloc(out->len);
		struct sa dst = f->srv;

		if (mb != NULL) {
			(void)mbuf_write_mem(mb, out->pkt, out->len);
			mb->pos = 0;
			sa_set_port(&dst, out->port);
			/* a lost datagram is what retransmission is for */
			(void)udp_send(f->us, &dst, mb);
			mem_deref(mb);
		}
	}
	st = cp_tftp_state(f->t);
	if (st == CP_TFTP_DONE || st == CP_TFTP_FAILED) {
		if (!f->done)
			finish(f);
		return;
	}
	if (out->deadline_ms != 0) {
		uint64_t now = tmr_jiffies();

		tmr_start(&f->tmr,
			  out->deadline_ms > now ? out->deadline_ms - now : 0,
			  timer_h, f);
	}
}

static void
timer_h(void *arg)
{
	struct cp_tftp_fetch *f = arg;
	struct cp_tftp_out out;

	if (cp_tftp_timer(f->t, tmr_jiffies(), &out) == 0)
		apply(f, &out);
}

static void
recv_h(const struct sa *src, struct mbuf *mb, void *arg)
{
	struct cp_tftp_fetch *f = arg;
	struct cp_tftp_out out;

	if (f->done || !sa_cmp(src, &f->srv, SA_ADDR))
		return;
	if (cp_tftp_recv(f->t, sa_port(src), mbuf_buf(mb), mbuf_get_left(mb),
			 tmr_jiffies(), &out) == 0)
		apply(f, &out);
}

int
cp_tftp_fetch(struct cp_tftp_fetch **fp, const struct sa *srv,
	      const struct cp_tftp_cfg *cfg, cp_tftp_done_h *h, void *arg)
{
	struct cp_tftp_fetch *f;
	struct cp_tftp_cfg c;
	struct cp_tftp_out out;
	struct sa local;
	int err;

	if (fp == NULL || srv == NULL || cfg == NULL || h == NULL ||
	    !sa_isset(srv, SA_ADDR))
		return EINVAL;
	c = *cfg;
	if (sa_port(srv))
		c.port = sa_port(srv);
	if (c.blksize == 0)
		c.blksize = sa_af(srv) == AF_INET6 ? CP_TFTP_BLKSIZE_V6
						   : CP_TFTP_BLKSIZE_V4;
	f = mem_zalloc(sizeof(*f), fetch_destructor);
	if (f == NULL)
		return ENOMEM;
	tmr_init(&f->tmr);
	f->srv = *srv;
	f->h = h;
	f->arg = arg;
	err = cp_tftp_alloc(&f->t, &c);
	if (err)
		goto out;
	/* an ephemeral port of the server's family: our TID */
	sa_init(&local, sa_af(srv));
	err = udp_listen(&f->us, &local, recv_h, f);
	if (err)
		goto out;
	err = cp_tftp_start(f->t, tmr_jiffies(), &out);
	if (err)
		goto out;
	apply(f, &out);
out:
	if (err)
		mem_deref(f);
	else
		*fp = f;
	return err;
}
