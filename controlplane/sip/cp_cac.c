/* SPDX-License-Identifier: BSD-3-Clause */
/* Call admission control: concurrent calls and calls per second, globally
 * and per tenant (cp_cac.h). */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "cp_cac.h"
#include "cp_log.h"
#include "cp_ratelim.h"

struct cac_scope {
	uint32_t max_calls; /* 0 = no limit */
	struct cp_ratelim_tb cps;
	struct cp_cac_counters c;
};

struct cp_cac {
	uint32_t retry_after_s;
	unsigned int nb_tenants;
	struct cac_scope global;
	struct cac_scope tenant[ESG_CONF_MAX_TENANTS];
};

int
cp_cac_alloc(struct cp_cac **cacp, const struct esg_conf_sip *conf,
	     uint64_t now_ns)
{
	struct cp_cac *cac;
	unsigned int i;

	if (cacp == NULL || conf == NULL ||
	    conf->nb_tenants > ESG_CONF_MAX_TENANTS)
		return EINVAL;
	cac = mem_zalloc(sizeof(*cac), NULL);
	if (cac == NULL)
		return ENOMEM;
	cac->retry_after_s = conf->retry_after_s;
	cac->nb_tenants = conf->nb_tenants;
	cac->global.max_calls = conf->max_calls;
	cp_ratelim_tb_init(&cac->global.cps, conf->max_cps, now_ns);
	for (i = 0; i < conf->nb_tenants; i++) {
		cac->tenant[i].max_calls = conf->tenant[i].max_calls;
		cp_ratelim_tb_init(&cac->tenant[i].cps, conf->tenant[i].max_cps,
				   now_ns);
	}
	*cacp = cac;
	return 0;
}

static bool
calls_full(const struct cac_scope *s)
{
	return s->max_calls != 0 && s->c.active >= s->max_calls;
}

static void
admitted(struct cac_scope *s)
{
	s->c.admitted++;
	s->c.active++;
	if (s->c.active > s->c.peak)
		s->c.peak = s->c.active;
}

int
cp_cac_admit(struct cp_cac *cac, unsigned int tenant, uint64_t now_ns,
	     uint32_t *retry_after_s)
{
	struct cac_scope *t = NULL, *g;

	if (cac == NULL ||
	    (tenant != CP_CAC_NO_TENANT && tenant >= cac->nb_tenants))
		return EINVAL;
	g = &cac->global;
	if (tenant != CP_CAC_NO_TENANT)
		t = &cac->tenant[tenant];
	/* Concurrent calls first: a call refused for that takes no token. */
	if (calls_full(g) || (t != NULL && calls_full(t))) {
		g->c.refused_calls++;
		if (t != NULL)
			t->c.refused_calls++;
		goto busy;
	}
	/* Both buckets are looked at before either gives a token, so a
	 * refusal by one does not cost the other a call. */
	if (!cp_ratelim_tb_peek(&g->cps, now_ns) ||
	    (t != NULL && !cp_ratelim_tb_peek(&t->cps, now_ns))) {
		g->c.refused_rate++;
		if (t != NULL)
			t->c.refused_rate++;
		goto busy;
	}
	cp_ratelim_tb_take(&g->cps);
	admitted(g);
	if (t != NULL) {
		cp_ratelim_tb_take(&t->cps);
		admitted(t);
	}
	return 0;
busy:
	if (retry_after_s != NULL)
		*retry_after_s = cac->retry_after_s;
	return EBUSY;
}

void
cp_cac_release(struct cp_cac *cac, unsigned int tenant)
{
	struct cac_scope *t = NULL;

	if (cac == NULL)
		return;
	if (tenant != CP_CAC_NO_TENANT && tenant >= cac->nb_tenants) {
		cp_warn("cac: release of unknown tenant %u", tenant);
		return;
	}
	if (tenant != CP_CAC_NO_TENANT)
		t = &cac->tenant[tenant];
	/* A release without an admission is a caller's bug: the counts
	 * stay right rather than wrap or drift apart. */
	if (cac->global.c.active == 0 || (t != NULL && t->c.active == 0)) {
		cp_warn("cac: release of tenant %d with no active call",
			tenant == CP_CAC_NO_TENANT ? -1 : (int)tenant);
		return;
	}
	cac->global.c.active--;
	if (t != NULL)
		t->c.active--;
}

const struct cp_cac_counters *
cp_cac_counters(const struct cp_cac *cac, unsigned int tenant)
{
	if (tenant == CP_CAC_NO_TENANT)
		return &cac->global.c;
	if (tenant >= cac->nb_tenants)
		return NULL;
	return &cac->tenant[tenant].c;
}
