/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging of esg-dataplane: stderr with a "esg-dataplane[instance]:"
 * prefix, or syslog. Never called on the fast path (drops are counters).
 * Levels follow enum esg_log_level (0 = error .. 4 = debug).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

#include "dp.h"

static char log_instance[40] = "esg";
static bool log_syslog;
static int log_level = 3;

static const char *const level_name[] = {"error", "warning", "notice", "info",
					 "debug"};
static const int level_prio[] = {LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO,
				 LOG_DEBUG};

void
dp_log_open(const char *instance, bool use_syslog, int level)
{
	snprintf(log_instance, sizeof(log_instance), "%s", instance);
	log_syslog = use_syslog;
	log_level = level;
	if (use_syslog)
		openlog("esg-dataplane", LOG_PID, LOG_DAEMON);
}

void
dp_log(int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (level > log_level)
		return;
	if (level < 0)
		level = 0;
	if (level > 4)
		level = 4;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(level_prio[level], "[%s] %s", log_instance, msg);
	else
		fprintf(stderr, "esg-dataplane[%s]: %s: %s\n", log_instance,
			level_name[level], msg);
}
