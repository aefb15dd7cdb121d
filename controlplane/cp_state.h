/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control plane installs in the dataplane, pushed again after
 * every attach (a new dataplane epoch starts empty). For now: the
 * interface addresses of the configuration, as IF_ADDR_ADD, which the
 * dataplane applies idempotently.
 */
#ifndef CP_STATE_H
#define CP_STATE_H

#include <stdint.h>

#include "cp_dp.h"
#include "esg_conf.h"

/* Fill an IF_ADDR_ADD for address a of interface port. */
void cp_state_if_addr(union dp_msg *m, uint16_t port,
		      const struct esg_conf_addr *a);
/* Send every configured address; conf must outlive the RESULTs.
 * Returns 0 or the first send error (the rest is still attempted). */
int cp_state_push(struct cp_dp *dp, const struct esg_conf *conf,
		  uint64_t now_ns);

#endif
