/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `esgctl sip`, `esgctl calls`, `esgctl prov`: the control plane's status
 * document (controlplane/cp_status.h, docs/esgctl.md "Control plane
 * status"), read from /dev/shm/esg.<instance>.cp.json. The document is
 * checked before it is shown: its version, its writer's pid (alive), its
 * age (ESGCTL_CP_STALE_MS). Text is built from the document's keys with
 * every value looked up by type, so a missing or mistyped key shows as
 * "-" rather than a crash.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "esgctl.h"

#define ESGCTL_CP_VERSION 1 /* CP_STATUS_VERSION */

int
esgctl_cp_path(const char *instance, char *buf, size_t len)
{
	char base[64];
	int n;

	if (dp_shm_path(instance, base, sizeof(base)) != 0)
		return -EINVAL;
	n = snprintf(buf, len, "%s.cp.json", base);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int64_t
esgctl_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
esgctl_cp_load(const char *instance, int64_t now_ms, json_t **docp, char *why,
	       size_t whylen)
{
	json_error_t jerr;
	char path[96];
	json_t *doc;
	json_int_t pid, written;
	int err;

	err = esgctl_cp_path(instance, path, sizeof(path));
	if (err)
		return err;
	doc = json_load_file(path, 0, &jerr);
	if (doc == NULL) {
		FILE *f = fopen(path, "r");

		if (f == NULL) {
			snprintf(why, whylen, "no %s", path);
			return -ENOENT;
		}
		fclose(f);
		snprintf(why, whylen, "%s: %s (line %d)", path, jerr.text,
			 jerr.line);
		return -EPROTO;
	}
	if (!json_is_object(doc) ||
	    json_integer_value(json_object_get(doc, "version")) !=
		    ESGCTL_CP_VERSION) {
		snprintf(why, whylen, "%s: not a status document of version %d",
			 path, ESGCTL_CP_VERSION);
		json_decref(doc);
		return -EPROTO;
	}
	pid = json_integer_value(json_object_get(doc, "pid"));
	written = json_integer_value(json_object_get(doc, "written_ms"));
	/* a crashed control plane leaves its last document behind */
	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH)) {
		snprintf(why, whylen,
			 "%s left by pid %" JSON_INTEGER_FORMAT
			 ", which is gone",
			 path, pid);
		json_decref(doc);
		return -ESRCH;
	}
	if (now_ms - written > ESGCTL_CP_STALE_MS) {
		snprintf(why, whylen,
			 "%s is stale: written %" PRId64 " s ago by pid "
			 "%" JSON_INTEGER_FORMAT,
			 path, (int64_t)(now_ms - written) / 1000, pid);
		json_decref(doc);
		return -ESTALE;
	}
	*docp = doc;
	return 0;
}

json_t *
esgctl_cp_json(const json_t *doc, const char *const *keys, int64_t now_ms)
{
	json_t *out = json_object(), *cp;
	json_int_t written =
		json_integer_value(json_object_get(doc, "written_ms"));

	cp = json_pack("{s:O?, s:I, s:I}", "pid", json_object_get(doc, "pid"),
		       "written_ms", written, "age_ms",
		       (json_int_t)(now_ms - written));
	if (out == NULL || cp == NULL ||
	    json_object_set_new(out, "controlplane", cp) != 0) {
		json_decref(out);
		return NULL;
	}
	for (; *keys != NULL; keys++) {
		json_t *v = json_object_get(doc, *keys);

		if (json_object_set(out, *keys, v != NULL ? v : json_null()) !=
		    0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* --- value helpers: "-" for anything missing or null --- */

static const char *
s_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

/* An integer as text into buf, or "-". */
static const char *
i_of(const json_t *o, const char *key, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

static json_int_t
n_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* "label: name N name N ..." of the non-zero integers of o; "none". */
static void
nonzero_line(FILE *f, const char *label, const json_t *o)
{
	const char *key;
	json_t *v;
	bool any = false;

	if (!json_is_object(o))
		return;
	fprintf(f, "%s:", label);
	json_object_foreach((json_t *)o, key, v)
	{
		if (json_is_integer(v) && json_integer_value(v) != 0) {
			fprintf(f, " %s %" JSON_INTEGER_FORMAT, key,
				json_integer_value(v));
			any = true;
		}
	}
	fprintf(f, "%s\n", any ? "" : " none");
}

static void
header(FILE *f, const json_t *doc, int64_t now_ms)
{
	fprintf(f,
		"controlplane pid %" JSON_INTEGER_FORMAT
		"  instance %s  written %.1f s ago\n",
		n_of(doc, "pid"), s_of(doc, "instance"),
		(double)(now_ms - n_of(doc, "written_ms")) / 1000.0);
}

/* --- esgctl sip --- */

static void
listeners_line(FILE *f, const json_t *sip)
{
	const json_t *l = json_object_get(sip, "listeners");
	size_t i;
	json_t *e;

	fprintf(f, "listeners: %" JSON_INTEGER_FORMAT " of %zu bound",
		n_of(sip, "bound"), json_array_size(l));
	json_array_foreach((json_t *)l, i, e)
	{
		fprintf(f, "%s%s%s", i == 0 ? "  " : " ", s_of(e, "address"),
			json_is_true(json_object_get(e, "bound"))
				? ""
				: "(unbound)");
	}
	fputc('\n', f);
}

static void
keepalive_line(FILE *f, const json_t *ka)
{
	char b[6][24];

	if (!json_is_object(ka))
		return;
	fprintf(f,
		"keep-alive: %s  rtt %s ms  since %s s  last code %s  "
		"sent %s answered %s failed %s\n",
		s_of(ka, "state"), i_of(ka, "rtt_ms", b[0], sizeof(b[0])),
		i_of(ka, "since_s", b[1], sizeof(b[1])),
		i_of(ka, "last_code", b[2], sizeof(b[2])),
		i_of(ka, "sent", b[3], sizeof(b[3])),
		i_of(ka, "answered", b[4], sizeof(b[4])),
		i_of(ka, "failed", b[5], sizeof(b[5])));
}

static void
tenants_table(FILE *f, const json_t *reg, const json_t *adm)
{
	const json_t *ts = json_object_get(reg, "tenants");
	const json_t *at = json_object_get(adm, "tenants");
	char b[6][24];
	size_t i;
	json_t *t;

	fprintf(f, "%-16s %-8s %-12s %8s %6s %5s %8s %6s %9s %8s\n", "tenant",
		"mode", "registration", "expires", "retry", "code", "bindings",
		"calls", "admitted", "refused");
	json_array_foreach((json_t *)ts, i, t)
	{
		const json_t *a = json_array_get(at, i);
		char ref[24] = "-";

		if (json_is_object(a))
			snprintf(ref, sizeof(ref), "%" JSON_INTEGER_FORMAT,
				 n_of(a, "refused_calls") +
					 n_of(a, "refused_rate"));
		fprintf(f, "%-16s %-8s %-12s %8s %6s %5s %8s %6s %9s %8s\n",
			s_of(t, "tenant"), s_of(t, "mode"), s_of(t, "state"),
			i_of(t, "expires_in_s", b[0], sizeof(b[0])),
			i_of(t, "retry_in_s", b[1], sizeof(b[1])),
			i_of(t, "last_code", b[2], sizeof(b[2])),
			i_of(t, "lan_bindings", b[3], sizeof(b[3])),
			i_of(a, "active", b[4], sizeof(b[4])),
			i_of(a, "admitted", b[5], sizeof(b[5])), ref);
		if (json_is_string(json_object_get(t, "last_error")))
			fprintf(f, "  %s: last error: %s\n", s_of(t, "tenant"),
				s_of(t, "last_error"));
	}
}

static void
bindings_lines(FILE *f, const json_t *reg)
{
	const json_t *l = json_object_get(reg, "bindings");
	char b[24];
	size_t i;
	json_t *e;

	if (json_array_size(l) == 0)
		return;
	fprintf(f, "bindings (%" JSON_INTEGER_FORMAT "):\n",
		n_of(reg, "bindings_total"));
	json_array_foreach((json_t *)l, i, e)
	{
		fprintf(f, "  %-16s %-20s %-8s %-40s expires %s s%s\n",
			s_of(e, "tenant"), s_of(e, "user"), s_of(e, "kind"),
			s_of(e, "contact"),
			i_of(e, "expires_in_s", b, sizeof(b)),
			json_is_false(json_object_get(e, "live")) ? " (pending)"
								  : "");
	}
}

void
esgctl_cp_sip_print(FILE *f, const json_t *doc, int64_t now_ms)
{
	const json_t *sip = json_object_get(doc, "sip");
	const json_t *reg = json_object_get(doc, "registration");
	const json_t *calls = json_object_get(sip, "calls");

	header(f, doc, now_ms);
	listeners_line(f, sip);
	if (!json_is_true(json_object_get(sip, "b2bua"))) {
		fprintf(f, "b2bua: off (no \"sip\" section): OPTIONS only\n");
		nonzero_line(f, "sip", json_object_get(sip, "counters"));
		return;
	}
	keepalive_line(f, json_object_get(reg, "keepalive"));
	tenants_table(f, reg, json_object_get(sip, "admission"));
	bindings_lines(f, reg);
	fprintf(f,
		"calls: attempts %" JSON_INTEGER_FORMAT
		"  answered %" JSON_INTEGER_FORMAT
		"  failed %" JSON_INTEGER_FORMAT
		"  active %" JSON_INTEGER_FORMAT "\n",
		n_of(calls, "attempts"), n_of(calls, "answered"),
		n_of(calls, "failed"), n_of(calls, "active"));
	nonzero_line(f, "ended", json_object_get(calls, "ended"));
	nonzero_line(
		f, "admission",
		json_object_get(json_object_get(sip, "admission"), "global"));
	nonzero_line(f, "sip", json_object_get(sip, "counters"));
	nonzero_line(f, "guard", json_object_get(sip, "guard"));
	nonzero_line(f, "dialogs", json_object_get(sip, "dialogs"));
	nonzero_line(f, "registrar", json_object_get(reg, "counters"));
}

/* --- esgctl calls --- */

static char
fam_char(const json_t *c, const char *key)
{
	const char *s = json_string_value(json_object_get(c, key));

	return s == NULL ? '-' : strcmp(s, "ipv6") == 0 ? '6' : '4';
}

void
esgctl_cp_calls_print(FILE *f, const json_t *doc, bool all)
{
	const json_t *calls = json_object_get(doc, "calls");
	const json_t *l = json_object_get(calls, "list");
	char b[3][24], legs[96];
	size_t i, j, n = 0;
	json_t *c, *leg;

	if (!json_is_object(calls)) {
		fprintf(f, "calls: the B2BUA is off (no \"sip\" section)\n");
		return;
	}
	fprintf(f, "%8s %-12s %-3s %-16s %-16s %-3s %-9s %6s %6s %s\n", "id",
		"tenant", "dir", "from", "to", "fam", "state", "age_s", "ans_s",
		"legs");
	json_array_foreach((json_t *)l, i, c)
	{
		size_t k = 0;

		if (!all && i >= ESGCTL_CP_CALLS_SHOWN)
			break;
		legs[0] = '\0';
		json_array_foreach(json_object_get(c, "legs"), j, leg)
		{
			int w = snprintf(legs + k, sizeof(legs) - k,
					 "%s%" JSON_INTEGER_FORMAT,
					 j == 0 ? "" : ",",
					 json_integer_value(leg));

			if (w < 0 || (size_t)w >= sizeof(legs) - k)
				break;
			k += (size_t)w;
		}
		fprintf(f, "%8s %-12s %-3s %-16s %-16s %c>%c %-9s %6s %6s %s\n",
			i_of(c, "id", b[0], sizeof(b[0])), s_of(c, "tenant"),
			s_of(c, "direction"), s_of(c, "from"), s_of(c, "to"),
			fam_char(c, "family_a"), fam_char(c, "family_b"),
			s_of(c, "state"), i_of(c, "age_s", b[1], sizeof(b[1])),
			i_of(c, "answered_s", b[2], sizeof(b[2])),
			legs[0] != '\0' ? legs : "-");
		n++;
	}
	fprintf(f, "%zu shown of %" JSON_INTEGER_FORMAT " calls", n,
		n_of(calls, "total"));
	if (n < json_array_size(l))
		fprintf(f, " (--all: the %zu listed)", json_array_size(l));
	else if ((json_int_t)n < n_of(calls, "total"))
		fprintf(f,
			" (the status lists the first %" JSON_INTEGER_FORMAT
			")",
			n_of(calls, "limit"));
	fputc('\n', f);
}

/* --- esgctl prov --- */

static void
list_line(FILE *f, const char *label, const json_t *a)
{
	size_t i;
	json_t *e;

	fprintf(f, "%s:", label);
	json_array_foreach((json_t *)a, i, e)
	{
		fprintf(f, " %s",
			json_is_string(e) ? json_string_value(e) : "-");
	}
	fprintf(f, "%s\n", json_array_size(a) == 0 ? " none" : "");
}

/* eUE-25: the last SNMP status notification, a line per receiver */
static void
prov_inform_print(FILE *f, const json_t *in)
{
	const json_t *e;
	char b[2][24];
	size_t i;

	if (!json_is_object(in)) {
		fprintf(f, "snmp inform: none sent\n");
		return;
	}
	fprintf(f, "snmp inform: round %s  status %s%s\n",
		i_of(in, "rounds", b[0], sizeof(b[0])), s_of(in, "status"),
		json_is_true(json_object_get(in, "busy")) ? "  (in progress)"
							  : "");
	json_array_foreach(json_object_get(in, "receivers"), i, e)
	{
		fprintf(f, "  %s (%s, type %s): %s after %s send(s)\n",
			s_of(e, "receiver"), s_of(e, "source"),
			i_of(e, "type", b[0], sizeof(b[0])), s_of(e, "result"),
			i_of(e, "sends", b[1], sizeof(b[1])));
	}
}

/* RFC 7598 4.5 port parameters: "psid OFFSET/LEN/PSID" or nothing */
static void
prov_psid_print(FILE *f, const json_t *o)
{
	char b[3][24];

	if (!json_is_integer(json_object_get(o, "psid")))
		return;
	fprintf(f, "  psid offset %s len %s psid %s",
		i_of(o, "psid_offset", b[0], sizeof(b[0])),
		i_of(o, "psid_len", b[1], sizeof(b[1])),
		i_of(o, "psid", b[2], sizeof(b[2])));
}

/* The softwire options of the IPv6 lease (RFC 6334, RFC 7598): a line,
 * then one per container and one per rule / binding. */
static void
prov_softwire_print(FILE *f, const json_t *sw)
{
	const json_t *k, *r, *b;
	char n[24];
	size_t i, j;

	if (!json_is_object(sw)) {
		fprintf(f, "softwire: not asked\n");
		return;
	}
	fprintf(f,
		"softwire: aftr-name %s  containers %zu  renewals ignored "
		"%s\n",
		s_of(sw, "aftr_name"),
		json_array_size(json_object_get(sw, "containers")),
		i_of(sw, "renewals_ignored", n, sizeof(n)));
	json_array_foreach(json_object_get(sw, "containers"), i, k)
	{
		fprintf(f, "  %s:", s_of(k, "kind"));
		list_line(f, " br", json_object_get(k, "br"));
		if (json_is_string(json_object_get(k, "dmr")))
			fprintf(f, "    dmr %s\n", s_of(k, "dmr"));
		json_array_foreach(json_object_get(k, "rules"), j, r)
		{
			fprintf(f, "    rule%s %s %s  ea-len %s",
				json_is_true(json_object_get(r, "fmr"))
					? " (fmr)"
					: "",
				s_of(r, "ipv4_prefix"), s_of(r, "ipv6_prefix"),
				i_of(r, "ea_len", n, sizeof(n)));
			prov_psid_print(f, r);
			fputc('\n', f);
		}
		b = json_object_get(k, "binding");
		if (json_is_object(b)) {
			fprintf(f, "    binding %s %s", s_of(b, "ipv4"),
				s_of(b, "bind_prefix"));
			prov_psid_print(f, b);
			fputc('\n', f);
		}
	}
}

void
esgctl_cp_prov_print(FILE *f, const json_t *doc)
{
	const json_t *p = json_object_get(doc, "provisioning");
	const json_t *l = json_object_get(p, "lease");
	char b[4][24];

	if (!json_is_object(p)) {
		fprintf(f, "provisioning: not configured (no \"provisioning\" "
			   "section)\n");
		return;
	}
	fprintf(f, "provisioning: mode %s  stack %s  state %s  dhcpv4 %s\n",
		s_of(p, "mode"), s_of(p, "stack"), s_of(p, "state"),
		s_of(p, "dhcp4"));
	if (json_is_object(l))
		fprintf(f, "lease: %s/%s  renew in %s s  expires in %s s\n",
			s_of(l, "address"), i_of(l, "plen", b[0], sizeof(b[0])),
			i_of(l, "renew_in_s", b[1], sizeof(b[1])),
			i_of(l, "expires_in_s", b[2], sizeof(b[2])));
	else
		fprintf(f, "lease: none\n");
	list_line(f, "routers", json_object_get(p, "routers"));
	fprintf(f, "gateway4: %s\n",
		json_is_true(json_object_get(p, "gateway4")) ? "installed"
							     : "none");
	list_line(f, "dns", json_object_get(p, "dns"));
	fprintf(f, "dhcpv6 %s  management family %s\n", s_of(p, "dhcp6"),
		s_of(p, "management_family"));
	l = json_object_get(p, "lease6");
	if (json_is_object(l))
		fprintf(f, "lease6: %s/%s  renew in %s s  expires in %s s\n",
			s_of(l, "address"), i_of(l, "plen", b[0], sizeof(b[0])),
			i_of(l, "renew_in_s", b[1], sizeof(b[1])),
			i_of(l, "expires_in_s", b[2], sizeof(b[2])));
	else
		fprintf(f, "lease6: none\n");
	list_line(f, "dns6", json_object_get(p, "dns6"));
	fprintf(f, "fqdn: %s\n", s_of(p, "fqdn"));
	prov_softwire_print(f, json_object_get(p, "softwire"));
	fprintf(f, "syslog: %s  config: server %s file %s\n", s_of(p, "syslog"),
		s_of(p, "config_server"), s_of(p, "config_file"));
	fprintf(f, "files ok %s refused %s  events sent %s  transitions %s\n",
		i_of(p, "files_ok", b[0], sizeof(b[0])),
		i_of(p, "files_refused", b[1], sizeof(b[1])),
		i_of(p, "events_sent", b[2], sizeof(b[2])),
		i_of(p, "transitions", b[3], sizeof(b[3])));
	if (json_is_string(json_object_get(p, "last_error")))
		fprintf(f, "last error: %s\n", s_of(p, "last_error"));
	prov_inform_print(f, json_object_get(p, "inform"));
}
