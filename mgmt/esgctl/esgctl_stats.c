/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `esgctl stats`: text for people (only non-zero drops and counters) and
 * JSON for machines (everything, stable keys). Counter names come from
 * the region's name tables, so esgctl shows what the running dataplane
 * counts even when it was built from a newer list.
 */
#include <inttypes.h>
#include <stdio.h>

#include "esgctl.h"
#include "esgctl_fields.h"

void
esgctl_mac_str(const uint8_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

const char *
esgctl_state_name(uint32_t state)
{
	switch (state) {
	case DP_SHM_STATE_INIT:
		return "init";
	case DP_SHM_STATE_RUNNING:
		return "running";
	case DP_SHM_STATE_STOPPING:
		return "stopping";
	default: /* written by the peer */
		return "unknown";
	}
}

static void
print_port(FILE *f, const struct esgctl_snap *s, unsigned int i)
{
	const struct dp_stats_port *p = &s->st.port[i];
	struct esgctl_sw_sum sw;
	char mac[18];

	esgctl_mac_str(p->mac, mac, sizeof(mac));
	esgctl_sw_sum(p, &sw);
	fprintf(f,
		"port %u %s  device %s  exception %s  mac %s  link %s "
		"%u Mb/s\n",
		i, p->name, p->device, p->exception, mac,
		p->link_up ? "up" : "down", p->speed_mbps);
	fprintf(f, "  hw:");
#define HW_PRINT(n, field) fprintf(f, " " #n " %" PRIu64, p->field);
	HW_LIST(HW_PRINT)
#undef HW_PRINT
	fprintf(f, "\n  sw:");
#define SW_PRINT(n) fprintf(f, " " #n " %" PRIu64, sw.n);
	SW_LIST(SW_PRINT)
#undef SW_PRINT
	fprintf(f, "\n");
}

static void
print_named(FILE *f, const char *title, const struct esgctl_snap *s,
	    unsigned int n, const char (*names)[DP_STAT_NAME_LEN],
	    uint64_t (*total)(const struct esgctl_snap *, unsigned int))
{
	unsigned int i, shown = 0;

	fprintf(f, "%s:", title);
	for (i = 0; i < n; i++) {
		uint64_t v = total(s, i);

		if (v == 0)
			continue;
		fprintf(f, "\n  %-24s %" PRIu64, names[i], v);
		shown++;
	}
	fprintf(f, "%s\n", shown == 0 ? " none" : "");
}

void
esgctl_stats_print(FILE *f, const struct esgctl_snap *s)
{
	const struct dp_shm_hdr *h = &s->hdr;
	unsigned int i;

	fprintf(f,
		"dataplane pid %u  epoch %016" PRIx64 "  %s  up %" PRIu64
		".%03" PRIu64 " s  heartbeat %" PRIu64 " ms ago\n",
		h->dp_pid, h->epoch, esgctl_state_name(h->state),
		s->uptime_ns / 1000000000, s->uptime_ns / 1000000 % 1000,
		s->heartbeat_age_ns / 1000000);
	if (h->cp_pid != 0)
		fprintf(f, "controlplane pid %u  (attaches %" PRIu64 ")\n",
			h->cp_pid, h->cp_attaches);
	else
		fprintf(f, "controlplane none attached\n");
	for (i = 0; i < s->nb_ports; i++)
		print_port(f, s, i);
	for (i = 0; i < DP_MAX_LCORES; i++) {
		const struct dp_stats_lcore *l = &s->st.lcore[i];

		if (!l->in_use)
			continue;
		fprintf(f, "lcore %u%s  polls %" PRIu64 "  busy %" PRIu64 "\n",
			l->lcore_id, l->is_main ? " (main)" : "", l->polls,
			l->busy_polls);
	}
	print_named(f, "drops", s, s->nb_drops,
		    (const char(*)[DP_STAT_NAME_LEN])s->st.drop_names,
		    esgctl_drop_total);
	print_named(f, "counters", s, s->nb_cnts,
		    (const char(*)[DP_STAT_NAME_LEN])s->st.cnt_names,
		    esgctl_cnt_total);
}
