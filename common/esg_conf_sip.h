/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sip" section of the configuration (docs/configuration.md "sip"):
 * the operator's trunk side, the tenants on the LAN side, limits and
 * media timers of the B2BUA. Parsed by esg_conf_sip.c under esg_conf.c.
 */
#ifndef ESG_CONF_SIP_H
#define ESG_CONF_SIP_H

#include <stdbool.h>
#include <stdint.h>

struct walk;
struct esg_conf;

struct esg_conf_sip {
	bool enabled; /* the section is present */
};

void esg_conf_sip_defaults(struct esg_conf_sip *s);
/* Parse o (the "sip" object) into s; conf is the rest of the document
 * (interfaces are parsed already) for cross-checks. */
int esg_conf_sip_parse(struct walk *w, void *o, struct esg_conf_sip *s,
		       const struct esg_conf *conf);

#endif
