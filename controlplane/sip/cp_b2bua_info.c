/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only views of the B2BUA for the status document (cp_status.c,
 * `esgctl calls`, `esgctl sip`): the live calls one by one, and the
 * dialog socks' counters summed over the interfaces. Nothing here changes
 * a call.
 */
#include <string.h>

#include "cp_call.h"

_Static_assert(CP_B2BUA_INFO_LEGS >= 2 * CP_CMEDIA_MAX,
	       "every leg of a call fits the info");

static const char *
state_str(enum cp_call_state s)
{
	switch (s) {
	case CP_CALL_CALLING:
		return "calling";
	case CP_CALL_CONNECTED:
		return "connected";
	case CP_CALL_ENDED:
		return "ended";
	}
	return "?";
}

static void
info_fill(struct cp_b2bua_call_info *ci, const struct cp_call *call)
{
	unsigned int i, n;
	int s;

	memset(ci, 0, sizeof(*ci));
	ci->id = call->id;
	ci->tenant = call->tenant;
	ci->incoming = call->side[CP_SIDE_A].where == CP_ROUTE_WAN;
	ci->state = state_str(call->state);
	ci->user_a = call->side[CP_SIDE_A].user;
	ci->user_b = call->side[CP_SIDE_B].user;
	ci->af_a = call->side[CP_SIDE_A].af;
	ci->af_b = call->side[CP_SIDE_B].af;
	ci->start_ms = call->t_start_ms;
	ci->answer_ms = call->t_answer_ms;
	n = call->media != NULL ? cp_cmedia_count(call->media) : 0;
	for (i = 0; i < n && i < CP_CMEDIA_MAX; i++) {
		for (s = CP_SIDE_A; s <= CP_SIDE_B; s++) {
			const struct cp_leg *leg =
				cp_cmedia_leg(call->media, (enum cp_side)s, i);

			if (leg != NULL && ci->nb_legs < CP_B2BUA_INFO_LEGS)
				ci->legs[ci->nb_legs++] = cp_leg_id(leg);
		}
	}
}

unsigned int
cp_b2bua_calls_apply(const struct cp_b2bua *b, cp_b2bua_call_h *h, void *arg)
{
	struct cp_b2bua_call_info ci;
	struct le *le;
	unsigned int n = 0;

	if (b == NULL)
		return 0;
	for (le = list_head(&b->calls); le != NULL; le = le->next) {
		info_fill(&ci, le->data);
		n++;
		if (h(&ci, arg))
			break;
	}
	return n;
}

uint32_t
cp_b2bua_dlg_counters(const struct cp_b2bua *b, struct cp_dlg_counters *sum)
{
	uint32_t live = 0;
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	if (b == NULL)
		return 0;
	for (i = 0; i < ESG_CONF_MAX_IFACES; i++) {
		const struct cp_dlg_counters *c;

		if (b->ds[i] == NULL)
			continue;
		c = cp_dlgsock_counters(b->ds[i]);
		sum->dialogs += c->dialogs;
		sum->no_dialog += c->no_dialog;
		sum->bad_cseq += c->bad_cseq;
		sum->glare += c->glare;
		sum->retrans_2xx += c->retrans_2xx;
		sum->retrans_1xx += c->retrans_1xx;
		sum->late_forks += c->late_forks;
		sum->malformed += c->malformed;
		sum->expired += c->expired;
		sum->refreshes += c->refreshes;
		live += cp_dlgsock_count(b->ds[i]);
	}
	return live;
}

void
cp_b2bua_dlg_live(const struct cp_b2bua *b, struct cp_dlg_live *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	if (b == NULL)
		return;
	for (i = 0; i < ESG_CONF_MAX_IFACES; i++) {
		struct cp_dlg_live l;

		if (b->ds[i] == NULL)
			continue;
		cp_dlgsock_live(b->ds[i], &l);
		sum->invs += l.invs;
		sum->dlgs += l.dlgs;
	}
}
