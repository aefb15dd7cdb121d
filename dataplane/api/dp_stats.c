/* SPDX-License-Identifier: BSD-3-Clause */
/* Name tables of the stats region (dp_stats.h). */
#include <stdio.h>
#include <string.h>

#include "dp_stats.h"

static const char *const drop_names[DP_DROP_MAX] = {
#define DP_DROP_NAME(n, s, d) [DP_DROP_##n] = s,
	DP_DROP_LIST(DP_DROP_NAME)
#undef DP_DROP_NAME
};

static const char *const cnt_names[DP_CNT_MAX] = {
#define DP_CNT_NAME(n, s) [DP_CNT_##n] = s,
	DP_CNT_LIST(DP_CNT_NAME)
#undef DP_CNT_NAME
};

static const char *const leg_drop_names[DP_LEG_DROP_MAX] = {
#define DP_LEG_DROP_NAME(n, s, d) [DP_LEG_DROP_##n] = s,
	DP_LEG_DROP_LIST(DP_LEG_DROP_NAME)
#undef DP_LEG_DROP_NAME
};

void
dp_stats_init(struct dp_stats *st)
{
	unsigned int i;

	st->nb_drops = DP_DROP_MAX;
	st->nb_cnts = DP_CNT_MAX;
	st->nb_leg_drops = DP_LEG_DROP_MAX;
	for (i = 0; i < DP_LEG_DROP_MAX; i++)
		snprintf(st->leg_drop_names[i], DP_STAT_NAME_LEN, "%s",
			 leg_drop_names[i]);
	for (i = 0; i < DP_DROP_MAX; i++)
		snprintf(st->drop_names[i], DP_STAT_NAME_LEN, "%s",
			 drop_names[i]);
	for (i = 0; i < DP_CNT_MAX; i++)
		snprintf(st->cnt_names[i], DP_STAT_NAME_LEN, "%s",
			 cnt_names[i]);
}
