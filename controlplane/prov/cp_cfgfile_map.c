/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Varbinds of the configuration file onto the ESG's own settings: the
 * esg MIB mapping table of docs/provisioning-cfgfile.md. Spec 000 8.1.3
 * asks for options for the stack mode, the family of WAN signalling and
 * management and the preferred media family, and leaves "the provisioning
 * mechanisms and attribute names" to us: they are scalars under
 * 1.3.6.1.4.1.32473.1.1 (esgProvObjects; 32473 is RFC 5612's enterprise
 * number for documentation until the project has its own).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cp_cfgfile.h"

const struct cp_cfgfile_oid cp_cfgfile_oid_esg_prov = {
	.sub = {1, 3, 6, 1, 4, 1, 32473, 1, 1},
	.n = 9,
};

enum map_leaf {
	LEAF_STACK = 1,
	LEAF_SIG_FAMILY = 2,
	LEAF_MEDIA_FAMILY = 3,
	LEAF_TRUNK_PROXY = 4,
	LEAF_TRUNK_DOMAIN = 5,
	LEAF_SYSLOG_LEVEL = 6,
	LEAF_SIP_PORT = 7,
};

struct map_entry {
	enum map_leaf leaf;
	const char *name;
	enum cp_cfgfile_vtype type;
	int32_t min, max; /* INTEGER range, or OCTET STRING length */
};

static const struct map_entry map[] = {
	{LEAF_STACK, "esgStackMode", CP_CFGFILE_V_INTEGER, 1, 3},
	{LEAF_SIG_FAMILY, "esgSignallingFamily", CP_CFGFILE_V_INTEGER, 1, 2},
	{LEAF_MEDIA_FAMILY, "esgPreferredMediaFamily", CP_CFGFILE_V_INTEGER, 1,
	 2},
	{LEAF_TRUNK_PROXY, "esgTrunkProxy", CP_CFGFILE_V_OCTETS, 1,
	 CP_CFGFILE_NAME_MAX - 1},
	{LEAF_TRUNK_DOMAIN, "esgTrunkDomain", CP_CFGFILE_V_OCTETS, 1,
	 CP_CFGFILE_NAME_MAX - 1},
	{LEAF_SYSLOG_LEVEL, "esgSyslogLevel", CP_CFGFILE_V_INTEGER, 0, 7},
	{LEAF_SIP_PORT, "esgSipPort", CP_CFGFILE_V_INTEGER, 1, 65535},
};

void
cp_cfgfile_settings_init(struct cp_cfgfile_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->syslog_level = -1;
}

/* The entry of a scalar instance esgProvObjects.<leaf>.0, or NULL. */
static const struct map_entry *
map_find(const struct cp_cfgfile_oid *oid)
{
	const struct cp_cfgfile_oid *b = &cp_cfgfile_oid_esg_prov;
	size_t i;

	if (oid->n != b->n + 2 || oid->sub[b->n + 1] != 0 ||
	    memcmp(oid->sub, b->sub, b->n * sizeof(b->sub[0])) != 0)
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((uint32_t)map[i].leaf == oid->sub[b->n])
			return &map[i];
	return NULL;
}

/* A host name, address or host:port: printable, no blanks. */
static bool
printable(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f)
			return false;
	return true;
}

static int
map_set(const struct map_entry *m, const struct cp_cfgfile_varbind *vb,
	struct cp_cfgfile_settings *s, const char *oidtxt,
	struct cp_cfgfile_err *err)
{
	const struct cp_cfgfile_value *v = &vb->val;

	if (v->type != m->type) {
		cp_cfgfile_errf(err, vb->offset, "%s (%s) is %s, not %s",
				m->name, oidtxt, cp_cfgfile_vtype_name(m->type),
				cp_cfgfile_vtype_name(v->type));
		return EINVAL;
	}
	if (m->type == CP_CFGFILE_V_OCTETS) {
		if (v->octets_len < m->min || v->octets_len > m->max ||
		    !printable(v->octets, v->octets_len)) {
			cp_cfgfile_errf(err, vb->offset,
					"%s (%s): %u bytes, want %d to %d "
					"printable characters without blanks",
					m->name, oidtxt, v->octets_len, m->min,
					m->max);
			return EINVAL;
		}
	} else if (v->i < m->min || v->i > m->max) {
		cp_cfgfile_errf(err, vb->offset, "%s (%s) = %d, out of %d..%d",
				m->name, oidtxt, v->i, m->min, m->max);
		return EINVAL;
	}
	switch (m->leaf) {
	case LEAF_STACK:
		s->stack = (enum cp_cfgfile_stack)v->i;
		break;
	case LEAF_SIG_FAMILY:
		s->sig_family = (enum cp_cfgfile_family)v->i;
		break;
	case LEAF_MEDIA_FAMILY:
		s->media_family = (enum cp_cfgfile_family)v->i;
		break;
	case LEAF_TRUNK_PROXY:
		memcpy(s->trunk_proxy, v->octets, v->octets_len);
		s->trunk_proxy[v->octets_len] = '\0';
		break;
	case LEAF_TRUNK_DOMAIN:
		memcpy(s->trunk_domain, v->octets, v->octets_len);
		s->trunk_domain[v->octets_len] = '\0';
		break;
	case LEAF_SYSLOG_LEVEL:
		s->syslog_level = v->i;
		break;
	case LEAF_SIP_PORT:
		s->sip_port = (uint16_t)v->i;
		break;
	}
	return 0;
}

/* Spec 000 8.1.3: single-stack mode supports one IP version only, so
 * the signalling and media families (when given) must be that one. */
static int
cross_check(const struct cp_cfgfile *cf, const struct cp_cfgfile_settings *s,
	    struct cp_cfgfile_err *err)
{
	enum cp_cfgfile_family only;
	size_t off = 0;
	unsigned int i;

	if (s->stack != CP_CFGFILE_STACK_IPV4 &&
	    s->stack != CP_CFGFILE_STACK_IPV6)
		return 0;
	only = s->stack == CP_CFGFILE_STACK_IPV4 ? CP_CFGFILE_FAMILY_IPV4
						 : CP_CFGFILE_FAMILY_IPV6;
	for (i = 0; i < cf->nb_vb; i++) {
		const struct map_entry *m = map_find(&cf->vb[i].oid);

		if (m != NULL && m->leaf == LEAF_STACK)
			off = cf->vb[i].offset;
	}
	if ((s->sig_family != CP_CFGFILE_FAMILY_UNSET &&
	     s->sig_family != only) ||
	    (s->media_family != CP_CFGFILE_FAMILY_UNSET &&
	     s->media_family != only)) {
		cp_cfgfile_errf(err, off,
				"esgStackMode is single-stack IPv%c but the "
				"signalling or preferred media family is the "
				"other one (spec 000 8.1.3)",
				only == CP_CFGFILE_FAMILY_IPV4 ? '4' : '6');
		return EINVAL;
	}
	return 0;
}

int
cp_cfgfile_apply(const struct cp_cfgfile *cf, struct cp_cfgfile_settings *s,
		 struct cp_cfgfile_err *err)
{
	struct cp_cfgfile_settings n;
	char oidtxt[CP_CFGFILE_OID_MAX * 11];
	unsigned int i;
	int e;

	if (cf == NULL || s == NULL || err == NULL)
		return EINVAL;
	memset(err, 0, sizeof(*err));
	n = *s;
	for (i = 0; i < cf->nb_vb; i++) {
		const struct cp_cfgfile_varbind *vb = &cf->vb[i];
		const struct map_entry *m = map_find(&vb->oid);

		if (cp_cfgfile_oid_print(oidtxt, sizeof(oidtxt), &vb->oid))
			snprintf(oidtxt, sizeof(oidtxt), "?");
		if (m == NULL) {
			cp_cfgfile_errf(err, vb->offset,
					"OID %s is not in the esg mapping "
					"table",
					oidtxt);
			return EINVAL;
		}
		e = map_set(m, vb, &n, oidtxt, err);
		if (e)
			return e;
	}
	e = cross_check(cf, &n, err);
	if (e)
		return e;
	*s = n;
	return 0;
}
