/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging of esg-controlplane (cp_log.h): stderr or syslog, by level. */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>

#include "cp_log.h"

static enum esg_log_level log_level = ESG_LOG_INFO;
static bool log_syslog;

const char *
cp_log_level_name(enum esg_log_level level)
{
	switch (level) {
	case ESG_LOG_ERR:
		return "error";
	case ESG_LOG_WARNING:
		return "warning";
	case ESG_LOG_NOTICE:
		return "notice";
	case ESG_LOG_INFO:
		return "info";
	case ESG_LOG_DEBUG:
		return "debug";
	}
	return "?";
}

static int
syslog_prio(enum esg_log_level level)
{
	switch (level) {
	case ESG_LOG_ERR:
		return LOG_ERR;
	case ESG_LOG_WARNING:
		return LOG_WARNING;
	case ESG_LOG_NOTICE:
		return LOG_NOTICE;
	case ESG_LOG_INFO:
		return LOG_INFO;
	case ESG_LOG_DEBUG:
		return LOG_DEBUG;
	}
	return LOG_ERR;
}

void
cp_log_init(enum esg_log_level level, bool use_syslog)
{
	log_level = level;
	log_syslog = use_syslog;
	if (log_syslog)
		openlog("esg-controlplane", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
cp_log_close(void)
{
	if (log_syslog)
		closelog();
	log_syslog = false;
}

bool
cp_log_enabled(enum esg_log_level level)
{
	return level <= log_level;
}

void
cp_log(enum esg_log_level level, const char *fmt, ...)
{
	char ts[32] = "";
	struct timeval tv;
	struct tm tm;
	va_list ap;

	if (!cp_log_enabled(level))
		return;
	va_start(ap, fmt);
	if (log_syslog) {
		vsyslog(syslog_prio(level), fmt, ap);
		va_end(ap);
		return;
	}
	gettimeofday(&tv, NULL);
	if (localtime_r(&tv.tv_sec, &tm) != NULL)
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	/* One fprintf per line part on an unbuffered stderr; the lines of a
	 * single-threaded process do not interleave. */
	fprintf(stderr, "%s.%03ld esg-controlplane %s: ", ts,
		(long)(tv.tv_usec / 1000), cp_log_level_name(level));
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
