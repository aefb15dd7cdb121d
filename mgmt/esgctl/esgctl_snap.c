/* SPDX-License-Identifier: BSD-3-Clause */
/* Taking a snapshot of the dataplane's segment (esgctl.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "esgctl.h"

static uint64_t
realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned int
clamp(uint32_t v, unsigned int max)
{
	return v < max ? v : max;
}

static void
terminate(char *s, size_t len)
{
	s[len - 1] = '\0';
}

void
esgctl_snap_clamp(struct esgctl_snap *s)
{
	unsigned int i;

	s->nb_ports = clamp(s->st.nb_ports, DP_MAX_PORTS);
	s->nb_lcores = clamp(s->st.nb_lcores, DP_MAX_LCORES);
	s->nb_drops = clamp(s->st.nb_drops, DP_STATS_MAX_DROPS);
	s->nb_cnts = clamp(s->st.nb_cnts, DP_STATS_MAX_CNTS);
	s->nb_leg_drops = clamp(s->st.nb_leg_drops, DP_LEG_STATS_DROPS);
	for (i = 0; i < sizeof(s->st.leg_drop_names) / DP_STAT_NAME_LEN; i++)
		terminate(s->st.leg_drop_names[i], DP_STAT_NAME_LEN);
	for (i = 0; i < DP_STATS_MAX_DROPS; i++)
		terminate(s->st.drop_names[i], DP_STAT_NAME_LEN);
	for (i = 0; i < DP_STATS_MAX_CNTS; i++)
		terminate(s->st.cnt_names[i], DP_STAT_NAME_LEN);
	for (i = 0; i < DP_MAX_PORTS; i++) {
		struct dp_stats_port *p = &s->st.port[i];

		terminate(p->name, sizeof(p->name));
		terminate(p->exception, sizeof(p->exception));
		terminate(p->device, sizeof(p->device));
	}
}

int
esgctl_snap_take(const char *instance, struct esgctl_snap *snap, char *why,
		 size_t whylen)
{
	struct dp_shm *shm = NULL;
	int err;

	err = esgctl_snap_attach(instance, snap, &shm, why, whylen);
	if (err)
		return err;
	dp_shm_detach(shm);
	return 0;
}

int
esgctl_snap_attach(const char *instance, struct esgctl_snap *snap,
		   struct dp_shm **shmp, char *why, size_t whylen)
{
	struct dp_shm *shm = NULL;
	uint64_t now, hb, started;
	int err;

	memset(snap, 0, sizeof(*snap));
	*shmp = NULL;
	err = dp_shm_attach(instance, &shm, why, whylen);
	if (err)
		return err;
	/* Copy first, then look: the dataplane keeps writing. */
	memcpy(&snap->hdr, dp_shm_hdr(shm), sizeof(snap->hdr));
	memcpy(&snap->st, dp_shm_stats(shm), sizeof(snap->st));
	now = dp_shm_now_ns();

	esgctl_snap_clamp(snap);
	hb = snap->hdr.heartbeat_ns;
	snap->heartbeat_age_ns = hb < now ? now - hb : 0;
	started = snap->hdr.started_ns;
	now = realtime_ns();
	snap->uptime_ns = started < now ? now - started : 0;
	/* A segment whose dataplane died stays until the next one starts. */
	if (snap->hdr.dp_pid == 0 ||
	    (kill((pid_t)snap->hdr.dp_pid, 0) < 0 && errno == ESRCH)) {
		snprintf(why, whylen,
			 "segment of instance %s left by pid %u, which is gone",
			 instance, snap->hdr.dp_pid);
		dp_shm_detach(shm);
		return -ESRCH;
	}
	*shmp = shm;
	return 0;
}

uint64_t
esgctl_drop_total(const struct esgctl_snap *s, unsigned int i)
{
	uint64_t sum = 0;
	unsigned int l;

	/* Every block: unused ones are zero, and the sum does not depend on
	 * how the dataplane numbers its lcore blocks. */
	for (l = 0; l < DP_MAX_LCORES; l++)
		sum += s->st.lcore[l].drops[i];
	return sum;
}

uint64_t
esgctl_cnt_total(const struct esgctl_snap *s, unsigned int i)
{
	uint64_t sum = 0;
	unsigned int l;

	for (l = 0; l < DP_MAX_LCORES; l++)
		sum += s->st.lcore[l].cnt[i];
	return sum;
}
