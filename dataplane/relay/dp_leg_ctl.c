/* SPDX-License-Identifier: BSD-3-Clause */
/* TEMPORARY during the session: replaced by the relay work. */
#include <errno.h>

#include "dp_state.h"

int
dp_leg_cmd(struct dp_state *s, struct dp_lcore *lc, const union dp_msg *c)
{
	(void)s;
	(void)lc;
	(void)c;
	return -EOPNOTSUPP;
}
