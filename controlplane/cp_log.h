/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging of esg-controlplane: to stderr (one line per message, with a
 * wall-clock time) or to syslog (facility daemon), filtered by the level of
 * the configuration (log.level). The fast path of the dataplane never logs;
 * the control plane logs events, not per-packet work.
 */
#ifndef CP_LOG_H
#define CP_LOG_H

#include <stdbool.h>

#include "esg_conf.h"

void cp_log_init(enum esg_log_level level, bool use_syslog);
void cp_log_close(void);
bool cp_log_enabled(enum esg_log_level level);
void cp_log(enum esg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *cp_log_level_name(enum esg_log_level level);

#define cp_err(...) cp_log(ESG_LOG_ERR, __VA_ARGS__)
#define cp_warn(...) cp_log(ESG_LOG_WARNING, __VA_ARGS__)
#define cp_notice(...) cp_log(ESG_LOG_NOTICE, __VA_ARGS__)
#define cp_info(...) cp_log(ESG_LOG_INFO, __VA_ARGS__)
#define cp_debug(...) cp_log(ESG_LOG_DEBUG, __VA_ARGS__)

#endif
