/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only view of the registration bindings for the status document
 * (cp_status.c, `esgctl sip`): the LAN registrar's bindings and the
 * per-user relayed ones, one by one. Nothing here changes a binding.
 */
#include <string.h>

#include "cp_reg_int.h"

struct walk {
	cp_reg_binding_h *h;
	void *arg;
	unsigned int n;
	bool stop;
};

static bool
lan_h(struct le *le, void *arg)
{
	const struct cp_reg_lan *l = le->data;
	struct walk *w = arg;
	struct cp_reg_binding bi;

	memset(&bi, 0, sizeof(bi));
	bi.tenant = l->tenant;
	bi.user = l->user;
	bi.per_user = false;
	bi.live = true;
	bi.c = &l->c;
	w->n++;
	w->stop = w->h(&bi, w->arg);
	return w->stop;
}

static bool
relay_h(struct le *le, void *arg)
{
	const struct cp_reg_relay *r = le->data;
	struct walk *w = arg;
	struct cp_reg_binding bi;

	memset(&bi, 0, sizeof(bi));
	bi.tenant = r->tenant;
	bi.user = r->user;
	bi.per_user = true;
	bi.live = r->live;
	bi.c = r->live ? &r->c : &r->pend;
	w->n++;
	w->stop = w->h(&bi, w->arg);
	return w->stop;
}

unsigned int
cp_reg_bindings_apply(const struct cp_reg *reg, cp_reg_binding_h *h, void *arg)
{
	struct walk w = {.h = h, .arg = arg};

	if (reg == NULL)
		return 0;
	if (reg->lan != NULL)
		(void)hash_apply(reg->lan, lan_h, &w);
	if (!w.stop && reg->relay != NULL)
		(void)hash_apply(reg->relay, relay_h, &w);
	return w.n;
}
