/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `esgctl stats --json`: one object with every counter, zero or not, under
 * stable keys (docs/esgctl.md), for jq and scripts. 64-bit values that
 * are identities rather than counts (the epoch) are hex strings: JSON
 * numbers lose precision above 2^53 in most readers.
 */
#include <inttypes.h>
#include <stdio.h>

#include "esgctl.h"
#include "esgctl_fields.h"

/* Sets a key, or marks the whole document as failed. */
static void
set(json_t *o, const char *key, json_t *v, int *err)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*err = 1;
}

static json_t *
u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *
port_json(const struct esgctl_snap *s, unsigned int i, int *err)
{
	const struct dp_stats_port *p = &s->st.port[i];
	json_t *o = json_object(), *hw = json_object(), *sw = json_object();
	struct esgctl_sw_sum sum;
	char mac[18];

	if (o == NULL || hw == NULL || sw == NULL) {
		json_decref(o);
		json_decref(hw);
		json_decref(sw);
		*err = 1;
		return NULL;
	}
	esgctl_mac_str(p->mac, mac, sizeof(mac));
	esgctl_sw_sum(p, &sum);
	set(o, "index", json_integer(i), err);
	set(o, "name", json_string(p->name), err);
	set(o, "device", json_string(p->device), err);
	set(o, "exception", json_string(p->exception), err);
	set(o, "mac", json_string(mac), err);
	set(o, "link_up", json_boolean(p->link_up), err);
	set(o, "speed_mbps", json_integer(p->speed_mbps), err);
#define HW_JSON(n, field) set(hw, #n, u64(p->field), err);
	HW_LIST(HW_JSON)
#undef HW_JSON
#define SW_JSON(n) set(sw, #n, u64(sum.n), err);
	SW_LIST(SW_JSON)
#undef SW_JSON
	set(o, "hw", hw, err);
	set(o, "sw", sw, err);
	return o;
}

static json_t *
lcore_json(const struct dp_stats_lcore *l, int *err)
{
	json_t *o = json_object();

	if (o == NULL) {
		*err = 1;
		return NULL;
	}
	set(o, "lcore_id", json_integer(l->lcore_id), err);
	set(o, "main", json_boolean(l->is_main), err);
	set(o, "polls", u64(l->polls), err);
	set(o, "busy_polls", u64(l->busy_polls), err);
	return o;
}

static json_t *
named_json(const struct esgctl_snap *s, unsigned int n,
	   const char (*names)[DP_STAT_NAME_LEN],
	   uint64_t (*total)(const struct esgctl_snap *, unsigned int),
	   int *err)
{
	json_t *o = json_object();
	unsigned int i;

	if (o == NULL) {
		*err = 1;
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (names[i][0] != '\0')
			set(o, names[i], u64(total(s, i)), err);
	return o;
}

static json_t *
header_json(const struct esgctl_snap *s, int *err)
{
	const struct dp_shm_hdr *h = &s->hdr;
	json_t *dp = json_object();
	char epoch[17];

	if (dp == NULL) {
		*err = 1;
		return NULL;
	}
	snprintf(epoch, sizeof(epoch), "%016" PRIx64, h->epoch);
	set(dp, "pid", json_integer(h->dp_pid), err);
	set(dp, "epoch", json_string(epoch), err);
	set(dp, "state", json_string(esgctl_state_name(h->state)), err);
	set(dp, "contract_version", json_integer(h->version), err);
	set(dp, "uptime_ms", u64(s->uptime_ns / 1000000), err);
	set(dp, "heartbeat_age_ms", u64(s->heartbeat_age_ns / 1000000), err);
	return dp;
}

json_t *
esgctl_stats_json(const struct esgctl_snap *s)
{
	json_t *root = json_object(), *cp = json_object();
	json_t *ports = json_array(), *lcores = json_array();
	unsigned int i;
	int err = 0;

	if (root == NULL || cp == NULL || ports == NULL || lcores == NULL) {
		json_decref(cp);
		json_decref(ports);
		json_decref(lcores);
		err = 1;
		goto out;
	}
	set(root, "dataplane", header_json(s, &err), &err);
	set(cp, "pid", json_integer(s->hdr.cp_pid), &err);
	set(cp, "attaches", u64(s->hdr.cp_attaches), &err);
	set(root, "controlplane", cp, &err);
	for (i = 0; i < s->nb_ports; i++)
		if (json_array_append_new(ports, port_json(s, i, &err)) != 0)
			err = 1;
	set(root, "ports", ports, &err);
	for (i = 0; i < DP_MAX_LCORES; i++)
		if (s->st.lcore[i].in_use &&
		    json_array_append_new(
			    lcores, lcore_json(&s->st.lcore[i], &err)) != 0)
			err = 1;
	set(root, "lcores", lcores, &err);
	set(root, "drops",
	    named_json(s, s->nb_drops,
		       (const char(*)[DP_STAT_NAME_LEN])s->st.drop_names,
		       esgctl_drop_total, &err),
	    &err);
	set(root, "counters",
	    named_json(s, s->nb_cnts,
		       (const char(*)[DP_STAT_NAME_LEN])s->st.cnt_names,
		       esgctl_cnt_total, &err),
	    &err);
out:
	if (err) {
		json_decref(root);
		return NULL;
	}
	return root;
}
