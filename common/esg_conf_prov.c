/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "provisioning" section: see esg_conf_prov.h and docs/configuration.md.
 */
#include <string.h>

#include <jansson.h>

#include "esg_conf.h"
#include "esg_conf_walk.h"

void
esg_conf_prov_defaults(struct esg_conf_prov *x)
{
	memset(x, 0, sizeof(*x));
}

int
esg_conf_prov_parse(struct walk *w, void *o, struct esg_conf_prov *x,
		    const struct esg_conf *conf)
{
	static const char *const keys[] = {NULL};
	json_t *obj = o;

	(void)conf;
	if (!json_is_object(obj))
		return fail(w, "must be an object, not %s", json_kind(obj));
	x->enabled = true;
	return check_keys(w, obj, keys);
}
