/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "provisioning" section of the configuration (docs/configuration.md
 * "provisioning"): how the ESG provisions its WAN side, PacketCable style
 * (DHCPv4/DHCPv6, configuration file, syslog, SNMP) or from static
 * settings. Parsed by esg_conf_prov.c under esg_conf.c.
 */
#ifndef ESG_CONF_PROV_H
#define ESG_CONF_PROV_H

#include <stdbool.h>
#include <stdint.h>

struct walk;
struct esg_conf;

struct esg_conf_prov {
	bool enabled; /* the section is present */
};

void esg_conf_prov_defaults(struct esg_conf_prov *p);
/* Parse o (the "provisioning" object) into p; conf is the rest of the
 * document (interfaces are parsed already) for cross-checks. */
int esg_conf_prov_parse(struct walk *w, void *o, struct esg_conf_prov *p,
			const struct esg_conf *conf);

#endif
