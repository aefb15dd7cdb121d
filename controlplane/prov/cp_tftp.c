/* SPDX-License-Identifier: BSD-3-Clause */
/* The TFTP read state machine (cp_tftp.h): RFC 1350, 2347, 2348, 2349. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <re.h>

#include "cp_tftp.h"

enum {
	OP_RRQ = 1,
	OP_WRQ = 2,
	OP_DATA = 3,
	OP_ACK = 4,
	OP_ERROR = 5,
	OP_OACK = 6, /* RFC 2347 */
};

#define DEFAULT_BLKSIZE 512 /* RFC 1350 */
#define DEFAULT_RTO_MS 1000
#define DEFAULT_RETRIES 5
#define DEFAULT_MAX_SIZE (1u << 20)

struct cp_tftp {
	enum cp_tftp_state state;
	char file[CP_TFTP_FILE_MAX + 1];
	uint16_t port;
	uint16_t req_blksize;
	bool req_tsize;
	uint8_t req_timeout;
	uint32_t rto_ms, retries;
	size_t max_size;

	uint16_t tid; /* the server's port, RFC 1350 4; 0 = not yet */
	uint16_t blksize;
	uint64_t tsize;
	uint16_t last_block; /* last block acknowledged */
	uint32_t tries;
	uint64_t deadline;
	uint8_t last[CP_TFTP_OUT_MAX]; /* for retransmission */
	size_t last_len;
	struct mbuf *data;

	int err;
	uint16_t ecode;
	char emsg[128];
	struct cp_tftp_counters cnt;
};

static void
tftp_destructor(void *arg)
{
	struct cp_tftp *t = arg;

	mem_deref(t->data);
}

int
cp_tftp_alloc(struct cp_tftp **tp, const struct cp_tftp_cfg *cfg)
{
	struct cp_tftp *t;
	size_t n;

	if (tp == NULL || cfg == NULL || cfg->file == NULL)
		return EINVAL;
	n = strlen(cfg->file);
	/* the request must fit one datagram with its options */
	if (n == 0 || n > CP_TFTP_FILE_MAX ||
	    (cfg->blksize != 0 && (cfg->blksize < 8 || cfg->blksize > 65464)))
		return EINVAL;
	t = mem_zalloc(sizeof(*t), tftp_destructor);
	if (t == NULL)
		return ENOMEM;
	memcpy(t->file, cfg->file, n + 1);
	t->port = cfg->port ? cfg->port : CP_TFTP_PORT;
	t->req_blksize = cfg->blksize;
	t->req_tsize = cfg->tsize;
	t->req_timeout = cfg->timeout_s;
	t->rto_ms = cfg->rto_ms	     ? cfg->rto_ms
		    : cfg->timeout_s ? cfg->timeout_s * 1000u
				     : DEFAULT_RTO_MS;
	t->retries = cfg->retries ? cfg->retries : DEFAULT_RETRIES;
	t->max_size = cfg->max_size ? cfg->max_size : DEFAULT_MAX_SIZE;
	t->blksize = DEFAULT_BLKSIZE;
	t->data = mbuf_alloc(1024);
	if (t->data == NULL) {
		mem_deref(t);
		return ENOMEM;
	}
	*tp = t;
	return 0;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Append a NUL-terminated string to a packet being built. */
static void
put_str(uint8_t *pkt, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;

	memcpy(pkt + *len, s, n);
	*len += n;
}

/* Send pkt to the server (kept for retransmission) and arm the timer. */
static void
send_tracked(struct cp_tftp *t, uint64_t now, struct cp_tftp_out *out)
{
	memcpy(out->pkt, t->last, t->last_len);
	out->len = t->last_len;
	out->port = t->tid ? t->tid : t->port;
	t->deadline = now + t->rto_ms;
	out->deadline_ms = t->deadline;
}

static void
send_ack(struct cp_tftp *t, uint16_t block, uint64_t now,
	 struct cp_tftp_out *out)
{
	t->last[0] = 0;
	t->last[1] = OP_ACK;
	put16(t->last + 2, block);
	t->last_len = 4;
	send_tracked(t, now, out);
}

/* An ERROR packet to port (RFC 1350 5), not retransmitted. */
static void
send_error(struct cp_tftp_out *out, uint16_t port, enum cp_tftp_ecode code,
	   const char *msg)
{
	size_t n = 4;

	out->pkt[0] = 0;
	out->pkt[1] = OP_ERROR;
	put16(out->pkt + 2, (uint16_t)code);
	put_str(out->pkt, &n, msg);
	out->len = n;
	out->port = port;
}

/* The transfer ends badly; err is what cp_tftp_result() says. */
static void
fail(struct cp_tftp *t, int err, uint16_t code, const char *msg,
     struct cp_tftp_out *out)
{
	t->state = CP_TFTP_FAILED;
	t->err = err;
	t->ecode = code;
	snprintf(t->emsg, sizeof(t->emsg), "%s", msg);
	out->deadline_ms = 0;
}

/* Tell the server why we stop, and stop. */
static void
abort_with(struct cp_tftp *t, int err, enum cp_tftp_ecode code, const char *msg,
	   struct cp_tftp_out *out)
{
	send_error(out, t->tid ? t->tid : t->port, code, msg);
	fail(t, err, (uint16_t)code, msg, out);
}

int
cp_tftp_start(struct cp_tftp *t, uint64_t now_ms, struct cp_tftp_out *out)
{
	size_t n = 2;
	char v[16];

	if (t == NULL || out == NULL || t->state != CP_TFTP_IDLE)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	t->last[0] = 0;
	t->last[1] = OP_RRQ;
	put_str(t->last, &n, t->file);
	put_str(t->last, &n, "octet");
	if (t->req_blksize) {
		snprintf(v, sizeof(v), "%u", t->req_blksize);
		put_str(t->last, &n, "blksize");
		put_str(t->last, &n, v);
	}
	if (t->req_tsize) { /* RFC 2349: 0 in a read request */
		put_str(t->last, &n, "tsize");
		put_str(t->last, &n, "0");
	}
	if (t->req_timeout) {
		snprintf(v, sizeof(v), "%u", t->req_timeout);
		put_str(t->last, &n, "timeout");
		put_str(t->last, &n, v);
	}
	t->last_len = n;
	t->state = CP_TFTP_RRQ;
	send_tracked(t, now_ms, out);
	return 0;
}

static bool
opts_requested(const struct cp_tftp *t)
{
	return t->req_blksize || t->req_tsize || t->req_timeout;
}

/* A decimal option value: 0, or EINVAL. */
static int
opt_num(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (*s < '0' || *s > '9')
		return EINVAL;
	x = strtoull(s, &end, 10);
	if (*end != '\0' || x > max)
		return EINVAL;
	*v = x;
	return 0;
}

/* RFC 2347 OACK: only options we asked for, values we can take. */
static int
oack_parse(struct cp_tftp *t, const uint8_t *p, size_t len, const char **why)
{
	size_t i = 2;
	uint64_t v;

	while (i < len) {
		const char *name = (const char *)p + i, *val;
		const uint8_t *z = memchr(p + i, 0, len - i);

		if (z == NULL)
			goto bad;
		i = (size_t)(z - p) + 1;
		z = memchr(p + i, 0, len - i);
		if (i >= len || z == NULL)
			goto bad;
		val = (const char *)p + i;
		i = (size_t)(z - p) + 1;
		if (t->req_blksize && strcasecmp(name, "blksize") == 0) {
			/* RFC 2348: at most what was asked, at least 8 */
			if (opt_num(val, t->req_blksize, &v) || v < 8) {
				*why = "OACK blksize out of range";
				return EBADMSG;
			}
			t->blksize = (uint16_t)v;
		} else if (t->req_tsize && strcasecmp(name, "tsize") == 0) {
			if (opt_num(val, UINT64_MAX / 2, &v)) {
				*why = "OACK tsize is not a number";
				return EBADMSG;
			}
			t->tsize = v;
		} else if (t->req_timeout && strcasecmp(name, "timeout") == 0) {
			/* RFC 2349: the server answers with the same value */
			if (opt_num(val, 255, &v) || v != t->req_timeout) {
				*why = "OACK timeout differs from the request";
				return EBADMSG;
			}
		} else {
			*why = "OACK with an option not requested";
			return EBADMSG;
		}
	}
	return 0;
bad:
	*why = "OACK option not NUL-terminated";
	return EBADMSG;
}

static void
on_oack(struct cp_tftp *t, const uint8_t *p, size_t len, uint64_t now,
	struct cp_tftp_out *out)
{
	const char *why = NULL;

	if (t->state == CP_TFTP_XFER && t->last_block == 0) {
		/* our ACK 0 was lost and the server sends its OACK again */
		t->cnt.dup_data++;
		send_ack(t, 0, now, out);
		return;
	}
	if (t->state != CP_TFTP_RRQ) {
		t->cnt.ooo_data++;
		return;
	}
	if (!opts_requested(t) || oack_parse(t, p, len, &why)) {
		abort_with(t, EBADMSG, CP_TFTP_E_OPTION,
			   why ? why : "OACK without options requested", out);
		return;
	}
	if (t->tsize > t->max_size) {
		abort_with(t, EFBIG, CP_TFTP_E_DISKFULL,
			   "file larger than the size limit", out);
		return;
	}
	/* RFC 2347: the client acknowledges the OACK with ACK 0 */
	t->state = CP_TFTP_XFER;
	t->tries = 0;
	send_ack(t, 0, now, out);
}

static void
on_data(struct cp_tftp *t, const uint8_t *p, size_t len, uint64_t now,
	struct cp_tftp_out *out)
{
	uint16_t block = get16(p + 2), next = (uint16_t)(t->last_block + 1);
	size_t n = len - 4;

	if (t->state == CP_TFTP_RRQ && block == 1) {
		/* RFC 2347: a server without options answers DATA 1, and
		 * the transfer uses the RFC 1350 block size */
		t->blksize = DEFAULT_BLKSIZE;
		t->state = CP_TFTP_XFER;
	}
	if (t->state == CP_TFTP_RRQ) {
		t->cnt.ooo_data++;
		return;
	}
	if (t->state != CP_TFTP_XFER || block != next) {
		if (block == t->last_block &&
		    (t->state == CP_TFTP_XFER || t->state == CP_TFTP_DONE)) {
			/* our ACK was lost: acknowledge again (RFC 1350 6:
			 * the final ACK too, while the server retries) */
			t->cnt.dup_data++;
			send_ack(t, block, now, out);
			if (t->state == CP_TFTP_DONE)
				out->deadline_ms = 0;
		} else {
			t->cnt.ooo_data++;
		}
		return;
	}
	if (n > t->blksize) {
		abort_with(t, EBADMSG, CP_TFTP_E_ILLEGAL,
			   "DATA longer than the block size", out);
		return;
	}
	if (t->data->end + n > t->max_size) {
		abort_with(t, EFBIG, CP_TFTP_E_DISKFULL,
			   "file larger than the size limit", out);
		return;
	}
	if (mbuf_write_mem(t->data, p + 4, n)) {
		abort_with(t, ENOMEM, CP_TFTP_E_DISKFULL, "out of memory", out);
		return;
	}
	if (block == 0)
		t->cnt.rollovers++; /* 65535 -> 0, as tftp-hpa does */
	t->last_block = block;
	t->tries = 0;
	send_ack(t, block, now, out);
	if (n < t->blksize) { /* RFC 1350 6: a short block ends it */
		t->state = CP_TFTP_DONE;
		out->deadline_ms = 0;
	}
}

int
cp_tftp_recv(struct cp_tftp *t, uint16_t src_port, const uint8_t *pkt,
	     size_t len, uint64_t now_ms, struct cp_tftp_out *out)
{
	uint16_t op;

	if (t == NULL || out == NULL || (pkt == NULL && len != 0))
		return EINVAL;
	memset(out, 0, sizeof(*out));
	out->deadline_ms = (t->state == CP_TFTP_RRQ || t->state == CP_TFTP_XFER)
				   ? t->deadline
				   : 0;
	if (t->state == CP_TFTP_IDLE || t->state == CP_TFTP_FAILED)
		return 0;
	if (t->tid != 0 && src_port != t->tid) {
		/* RFC 1350 4: another TID gets ERROR 5, the transfer goes
		 * on */
		t->cnt.wrong_tid++;
		send_error(out, src_port, CP_TFTP_E_UNKNOWN_TID,
			   "Unknown transfer ID");
		return 0;
	}
	if (len < 4) {
		t->cnt.bad_pkt++;
		return 0;
	}
	op = get16(pkt);
	if (t->state == CP_TFTP_DONE && op != OP_DATA)
		return 0;
	switch (op) {
	case OP_DATA:
		if (t->tid == 0 && get16(pkt + 2) == 1)
			t->tid = src_port;
		on_data(t, pkt, len, now_ms, out);
		return 0;
	case OP_OACK:
		if (t->tid == 0)
			t->tid = src_port;
		on_oack(t, pkt, len, now_ms, out);
		return 0;
	case OP_ERROR:
		if (t->tid == 0)
			t->tid = src_port;
		/* the message is NUL-terminated text (RFC 1350 5) */
		if (memchr(pkt + 4, 0, len - 4) == NULL) {
			fail(t, EPROTO, get16(pkt + 2), "(unterminated)", out);
			return 0;
		}
		fail(t, EPROTO, get16(pkt + 2), (const char *)pkt + 4, out);
		return 0;
	default:
		if (t->tid == 0) {
			t->cnt.bad_pkt++;
			return 0;
		}
		abort_with(t, EBADMSG, CP_TFTP_E_ILLEGAL,
			   "Illegal TFTP operation", out);
		return 0;
	}
}

int
cp_tftp_timer(struct cp_tftp *t, uint64_t now_ms, struct cp_tftp_out *out)
{
	if (t == NULL || out == NULL)
		return EINVAL;
	memset(out, 0, sizeof(*out));
	if (t->state != CP_TFTP_RRQ && t->state != CP_TFTP_XFER)
		return 0;
	if (now_ms < t->deadline) {
		out->deadline_ms = t->deadline;
		return 0;
	}
	if (t->tries >= t->retries) {
		fail(t, ETIMEDOUT, 0, "no answer from the server", out);
		return 0;
	}
	/* RFC 1350 2: the last packet again after a time-out */
	t->tries++;
	t->cnt.retransmits++;
	send_tracked(t, now_ms, out);
	return 0;
}

enum cp_tftp_state
cp_tftp_state(const struct cp_tftp *t)
{
	return t->state;
}

int
cp_tftp_result(const struct cp_tftp *t, uint16_t *codep, const char **msgp)
{
	if (codep != NULL)
		*codep = t->ecode;
	if (msgp != NULL)
		*msgp = t->emsg;
	if (t->state == CP_TFTP_DONE)
		return 0;
	return t->state == CP_TFTP_FAILED ? t->err : EINPROGRESS;
}

const uint8_t *
cp_tftp_data(const struct cp_tftp *t, size_t *lenp)
{
	*lenp = t->data->end;
	return t->data->buf;
}

uint16_t
cp_tftp_blksize(const struct cp_tftp *t)
{
	return t->blksize;
}

uint64_t
cp_tftp_tsize(const struct cp_tftp *t)
{
	return t->tsize;
}

const struct cp_tftp_counters *
cp_tftp_counters(const struct cp_tftp *t)
{
	return &t->cnt;
}
