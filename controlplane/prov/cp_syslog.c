/* SPDX-License-Identifier: BSD-3-Clause */
/* Syslog messages (RFC 5424, RFC 3164) and their UDP sender (cp_syslog.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "cp_syslog.h"

/* An output buffer that records overflow instead of writing past it. */
struct out {
	char *buf;
	size_t size, len;
	bool full;
};

static void out_printf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* RFC 5424 6: PRINTUSASCII (%d33-126), 1..max characters; extra
 * characters that may not appear (SD-NAME: '=', ']', '"'). */
static bool
token_ok(const char *s, size_t max, const char *forbid)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (*s < 33 || *s > 126 || strchr(forbid, *s) != NULL)
			return false;
	return n >= 1 && n <= max;
}

static int
check_msg(const struct cp_syslog_msg *m)
{
	unsigned int i;

	if (m->facility > 23 || m->severity > 7)
		return EINVAL;
	/* RFC 5424 6.2.4-6.2.7 lengths */
	if ((m->hostname && !token_ok(m->hostname, 255, "")) ||
	    (m->app && !token_ok(m->app, 48, "")) ||
	    (m->procid && !token_ok(m->procid, 128, "")) ||
	    (m->msgid && !token_ok(m->msgid, 32, "")))
		return EINVAL;
	if (m->sd_id == NULL)
		return 0;
	/* RFC 5424 6.3.2 / 6.3.3: SD-NAME is 1*32 PRINTUSASCII except
	 * '=', SP, ']', '"' */
	if (!token_ok(m->sd_id, 32, "=]\""))
		return EINVAL;
	for (i = 0; i < m->nb_param; i++)
		if (m->param[i].name == NULL || m->param[i].value == NULL ||
		    !token_ok(m->param[i].name, 32, "=]\""))
			return EINVAL;
	return 0;
}

/* RFC 5424 6.3.3: '"', '\' and ']' in PARAM-VALUE are escaped. */
static void
out_sd(struct out *o, const struct cp_syslog_msg *m)
{
	unsigned int i;
	const char *v;

	out_printf(o, "[%s", m->sd_id);
	for (i = 0; i < m->nb_param; i++) {
		out_printf(o, " %s=\"", m->param[i].name);
		for (v = m->param[i].value; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\' || *v == ']')
				out_printf(o, "\\%c", *v);
			else
				out_printf(o, "%c", *v);
		}
		out_printf(o, "\"");
	}
	out_printf(o, "]");
}

static int
fmt_5424(struct out *o, const struct cp_syslog_msg *m)
{
	struct tm tm;
	time_t t = (time_t)m->time_s;

	if (gmtime_r(&t, &tm) == NULL || m->time_us > 999999)
		return EINVAL;
	/* RFC 5424 6: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP
	 * PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]; 6.2.3: RFC 3339
	 * time in UTC ("Z") with microseconds (TIME-SECFRAC <= 6) */
	out_printf(o, "<%u>1 %04d-%02d-%02dT%02d:%02d:%02d.%06uZ %s %s %s %s ",
		   m->facility * 8u + m->severity, tm.tm_year + 1900,
		   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		   m->time_us, m->hostname ? m->hostname : "-",
		   m->app ? m->app : CP_SYSLOG_APP, m->procid ? m->procid : "-",
		   m->msgid ? m->msgid : "-");
	if (m->sd_id != NULL)
		out_sd(o, m);
	else
		out_printf(o, "-");
	/* 6.4: MSG-ANY, plain US-ASCII here, so no BOM */
	if (m->msg != NULL)
		out_printf(o, " %s", m->msg);
	return 0;
}

static int
fmt_3164(struct out *o, const struct cp_syslog_msg *m)
{
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	time_t t = (time_t)m->time_s;

	if (gmtime_r(&t, &tm) == NULL)
		return EINVAL;
	/* RFC 3164 4.1.2: "Mmm dd hh:mm:ss", a day below 10 padded with
	 * a space; the time is UTC (the ESG has no local zone) */
	out_printf(o, "<%u>%s %2d %02d:%02d:%02d %s ",
		   m->facility * 8u + m->severity, mon[tm.tm_mon], tm.tm_mday,
		   tm.tm_hour, tm.tm_min, tm.tm_sec,
		   m->hostname ? m->hostname : "-");
	/* 4.1.3: TAG (alphanumeric, at most 32) then CONTENT; "[pid]:" is
	 * the usual way to end the TAG */
	out_printf(o, "%s", m->app ? m->app : CP_SYSLOG_APP);
	if (m->procid != NULL)
		out_printf(o, "[%s]", m->procid);
	out_printf(o, ":");
	if (m->sd_id != NULL) {
		out_printf(o, " ");
		out_sd(o, m);
	}
	if (m->msg != NULL)
		out_printf(o, " %s", m->msg);
	return 0;
}

int
cp_syslog_format(char *buf, size_t size, enum cp_syslog_fmt fmt,
		 const struct cp_syslog_msg *m, size_t *lenp)
{
	struct out o = {.buf = buf, .size = size};
	int err;

	if (buf == NULL || size == 0 || m == NULL || lenp == NULL)
		return EINVAL;
	buf[0] = '\0';
	err = check_msg(m);
	if (err)
		return err;
	switch (fmt) {
	case CP_SYSLOG_RFC5424:
		err = fmt_5424(&o, m);
		break;
	case CP_SYSLOG_RFC3164:
		/* 4.1.3: the TAG is alphanumeric, at most 32 characters */
		if (m->app != NULL && strlen(m->app) > 32)
			return EINVAL;
		if (o.size > CP_SYSLOG_3164_MAX + 1)
			o.size = CP_SYSLOG_3164_MAX + 1;
		err = fmt_3164(&o, m);
		if (!err && o.full && o.size == CP_SYSLOG_3164_MAX + 1) {
			/* 4.1: cut to 1024 bytes rather than not sent */
			o.len = CP_SYSLOG_3164_MAX;
			o.buf[o.len] = '\0';
			o.full = false;
		}
		break;
	}
	if (err)
		return err;
	if (o.full)
		return ENOSPC;
	*lenp = o.len;
	return 0;
}

void
cp_syslog_prov_event(struct cp_syslog_msg *m, struct cp_syslog_param param[3],
		     bool pass, const char *file, const char *reason)
{
	unsigned int n = 0;

	memset(m, 0, sizeof(*m));
	m->facility = CP_SYSLOG_FAC_LOCAL0;
	m->severity = pass ? CP_SYSLOG_SEV_NOTICE : CP_SYSLOG_SEV_ERR;
	m->msgid = "PROV";
	/* our SD-ID under the documentation enterprise number (RFC 5424
	 * 7.2.2 form name@PEN; 32473 as in the esg MIB, RFC 5612) */
	m->sd_id = "esgProv@32473";
	param[n].name = "status";
	param[n++].value = pass ? "pass" : "fail";
	if (file != NULL) {
		param[n].name = "file";
		param[n++].value = file;
	}
	if (!pass && reason != NULL) {
		param[n].name = "reason";
		param[n++].value = reason;
	}
	m->param = param;
	m->nb_param = n;
	m->msg = pass ? "provisioning complete: pass"
		      : "provisioning complete: fail";
}

struct cp_syslog {
	struct udp_sock *us;
	struct sa server;
	enum cp_syslog_fmt fmt;
	char hostname[256];
};

static void
syslog_destructor(void *arg)
{
	struct cp_syslog *s = arg;

	mem_deref(s->us);
}

static int
open_sock(struct cp_syslog *s)
{
	struct sa local;

	s->us = mem_deref(s->us);
	sa_init(&local, sa_af(&s->server));
	return udp_listen(&s->us, &local, NULL, NULL);
}

int
cp_syslog_alloc(struct cp_syslog **sp, const struct sa *server,
		enum cp_syslog_fmt fmt, const char *hostname)
{
	struct cp_syslog *s;
	int err;

	if (sp == NULL || server == NULL || !sa_isset(server, SA_ADDR))
		return EINVAL;
	s = mem_zalloc(sizeof(*s), syslog_destructor);
	if (s == NULL)
		return ENOMEM;
	s->server = *server;
	if (sa_port(&s->server) == 0)
		sa_set_port(&s->server, CP_SYSLOG_PORT);
	s->fmt = fmt;
	if (hostname != NULL)
		snprintf(s->hostname, sizeof(s->hostname), "%s", hostname);
	err = open_sock(s);
	if (err)
		mem_deref(s);
	else
		*sp = s;
	return err;
}

void
cp_syslog_set_server(struct cp_syslog *s, const struct sa *server)
{
	int af = sa_af(&s->server);

	s->server = *server;
	if (sa_port(&s->server) == 0)
		sa_set_port(&s->server, CP_SYSLOG_PORT);
	if (sa_af(server) != af)
		(void)open_sock(s); /* a send without a socket fails */
}

int
cp_syslog_send(struct cp_syslog *s, const struct cp_syslog_msg *m)
{
	struct cp_syslog_msg c;
	char buf[CP_SYSLOG_MAX];
	struct mbuf *mb;
	size_t len;
	int err;

	if (s == NULL || m == NULL)
		return EINVAL;
	if (s->us == NULL)
		return ENOTCONN;
	c = *m;
	if (c.hostname == NULL && s->hostname[0] != '\0')
		c.hostname = s->hostname;
	err = cp_syslog_format(buf, sizeof(buf), s->fmt, &c, &len);
	if (err)
		return err;
	mb = mbuf_alloc(len);
	if (mb == NULL)
		return ENOMEM;
	err = mbuf_write_mem(mb, (const uint8_t *)buf, len);
	mb->pos = 0;
	if (!err)
		err = udp_send(s->us, &s->server, mb);
	mem_deref(mb);
	return err;
}
