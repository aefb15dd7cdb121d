/* SPDX-License-Identifier: BSD-3-Clause */
/* Call records: one JSON line per ended call (cp_cdr.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>

#include "cp_cdr.h"
#include "cp_log.h"
#include "dp_stats.h"

struct cp_cdr {
	char *path; /* NULL: log lines */
	FILE *f;
	bool failing; /* a write error logged, until one succeeds */
	struct cp_cdr_counters c;
};

static void
destructor(void *arg)
{
	struct cp_cdr *cdr = arg;

	if (cdr->f != NULL)
		fclose(cdr->f);
	mem_deref(cdr->path);
}

static int
open_file(struct cp_cdr *cdr)
{
	int fd, err;

	fd = open(cdr->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	cdr->f = fdopen(fd, "a");
	if (cdr->f == NULL) {
		err = errno;
		close(fd);
		return err;
	}
	/* a record is one line: whole lines reach the file */
	setvbuf(cdr->f, NULL, _IOLBF, 0);
	return 0;
}

int
cp_cdr_alloc(struct cp_cdr **cdrp, const char *path)
{
	struct cp_cdr *cdr;
	int err = 0;

	if (cdrp == NULL)
		return EINVAL;
	cdr = mem_zalloc(sizeof(*cdr), destructor);
	if (cdr == NULL)
		return ENOMEM;
	if (path != NULL && path[0] != '\0') {
		err = str_dup(&cdr->path, path);
		if (!err)
			err = open_file(cdr);
		if (err) {
			cp_err("call records: cannot open %s: %s", path,
			       strerror(err));
			goto out;
		}
	}
	*cdrp = cdr;
	return 0;
out:
	mem_deref(cdr);
	return err;
}

int
cp_cdr_reopen(struct cp_cdr *cdr)
{
	int err;

	if (cdr == NULL)
		return EINVAL;
	if (cdr->path == NULL)
		return 0;
	if (cdr->f != NULL)
		fclose(cdr->f);
	cdr->f = NULL;
	err = open_file(cdr);
	if (err) {
		cdr->c.errors++;
		cp_err("call records: cannot reopen %s: %s", cdr->path,
		       strerror(err));
		return err;
	}
	cdr->c.reopens++;
	cp_notice("call records: %s reopened", cdr->path);
	return 0;
}

const char *
cp_cdr_disp_str(enum cp_cdr_disp d)
{
	switch (d) {
	case CP_CDR_ANSWERED:
		return "answered";
	case CP_CDR_CANCELLED:
		return "cancelled";
	case CP_CDR_REJECTED:
		return "rejected";
	case CP_CDR_FAILED:
		return "failed";
	case CP_CDR_TIMEOUT:
		return "timeout";
	case CP_CDR_MEDIA_TIMEOUT:
		return "media-timeout";
	}
	return "?";
}

static const char *
party_str(enum cp_cdr_party p)
{
	switch (p) {
	case CP_CDR_BY_LAN:
		return "lan";
	case CP_CDR_BY_WAN:
		return "wan";
	case CP_CDR_BY_ESG:
		return "esg";
	}
	return "?";
}

static json_t *
family(int af)
{
	if (af == AF_INET)
		return json_string("ipv4");
	if (af == AF_INET6)
		return json_string("ipv6");
	return json_null();
}

/* RFC 3339 UTC with milliseconds, or null for 0. */
static json_t *
stamp(uint64_t ms)
{
	char buf[96];
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL)
		return json_null();
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned int)(ms % 1000));
	return json_string(buf);
}

static json_t *
dir_json(const struct cp_cdr_dir_stats *d)
{
	return json_pack(
		"{s:I, s:I, s:I, s:I, s:I}", "rx_pkts", (json_int_t)d->rx_pkts,
		"rx_bytes", (json_int_t)d->rx_bytes, "fwd_pkts",
		(json_int_t)d->fwd_pkts, "fwd_bytes", (json_int_t)d->fwd_bytes,
		"rtcp_pkts", (json_int_t)d->rtcp_pkts);
}

static json_t *
streams_json(const struct cp_cdr_rec *r)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a != NULL && i < r->nb_streams && i < CP_CDR_MAX_STREAMS;
	     i++)
		if (json_array_append_new(
			    a, json_pack("{s:s, s:o, s:o}", "kind",
					 r->stream[i].kind, "lan_to_wan",
					 dir_json(&r->stream[i].lan_wan),
					 "wan_to_lan",
					 dir_json(&r->stream[i].wan_lan))) !=
		    0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A span in ms; setup = start until answered or given up. A clock step
 * backwards gives 0, never a negative. */
static uint64_t
span_ms(uint64_t from, uint64_t to)
{
	return to > from ? to - from : 0;
}

int
cp_cdr_format(const struct cp_cdr_rec *r, char **textp)
{
	uint64_t setup_end, dur_ms;
	json_t *o;

	if (r == NULL || textp == NULL)
		return EINVAL;
	setup_end = r->answer_ms != 0 ? r->answer_ms : r->end_ms;
	dur_ms = r->answer_ms != 0 ? span_ms(r->answer_ms, r->end_ms) : 0;
	o = json_pack(
		"{s:I, s:o, s:s, s:s%, s:s%, s:{s:o, s:o}, s:{s:o, s:o}, "
		"s:o, s:o, s:o, s:I, s:f, s:I, s:s, s:i, s:s, s:s, s:o}",
		"id", (json_int_t)r->id, "tenant",
		r->tenant != NULL ? json_string(r->tenant) : json_null(),
		"direction", r->dir == CP_CDR_OUTBOUND ? "outbound" : "inbound",
		"caller", r->caller, strnlen(r->caller, sizeof(r->caller)),
		"callee", r->callee, strnlen(r->callee, sizeof(r->callee)),
		"lan", "signalling", family(r->lan.sig_af), "media",
		family(r->lan.media_af), "wan", "signalling",
		family(r->wan.sig_af), "media", family(r->wan.media_af),
		"start", stamp(r->start_ms), "answer", stamp(r->answer_ms),
		"end", stamp(r->end_ms), "setup_ms",
		(json_int_t)span_ms(r->start_ms, setup_end), "duration_s",
		(double)dur_ms / 1000.0, "duration_ms", (json_int_t)dur_ms,
		"disposition", cp_cdr_disp_str(r->disp), "sip_code",
		(int)r->scode, "sip_reason", r->reason, "hangup_by",
		party_str(r->by), "streams", streams_json(r));
	if (o == NULL)
		return ENOMEM;
	/* duration_s is the only real: 15 significant digits (DBL_DIG)
	 * print back the decimal n/1000 it was made of (2.244, not
	 * jansson's default 17 digits: 2.2440000000000002). */
	*textp = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
				       JSON_ENSURE_ASCII |
				       JSON_REAL_PRECISION(15));
	json_decref(o);
	return *textp != NULL ? 0 : ENOMEM;
}

int
cp_cdr_write(struct cp_cdr *cdr, const struct cp_cdr_rec *rec)
{
	char *text = NULL;
	int err;

	if (cdr == NULL || rec == NULL)
		return EINVAL;
	err = cp_cdr_format(rec, &text);
	if (err)
		goto out;
	if (cdr->path == NULL) {
		cp_info("call record %s", text);
		goto out;
	}
	if (cdr->f == NULL) {
		err = EBADF; /* a failed reopen: counted, next SIGHUP */
		goto out;
	}
	if (fprintf(cdr->f, "%s\n", text) < 0 || fflush(cdr->f) != 0)
		err = errno != 0 ? errno : EIO;
out:
	free(text);
	if (err) {
		cdr->c.errors++;
		if (!cdr->failing)
			cp_err("call records: record %llu not written: %s",
			       (unsigned long long)rec->id, strerror(err));
		cdr->failing = true;
		return err;
	}
	cdr->failing = false;
	cdr->c.written++;
	return 0;
}

void
cp_cdr_dir_from_leg(struct cp_cdr_dir_stats *d, const struct dp_leg_stats *ls)
{
	d->rx_pkts = ls->rx_pkts;
	d->rx_bytes = ls->rx_bytes;
	d->fwd_pkts = ls->fwd_pkts;
	d->fwd_bytes = ls->fwd_bytes;
	d->rtcp_pkts = ls->rtcp_pkts;
}

uint64_t
cp_cdr_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const struct cp_cdr_counters *
cp_cdr_counters(const struct cp_cdr *cdr)
{
	return &cdr->c;
}
