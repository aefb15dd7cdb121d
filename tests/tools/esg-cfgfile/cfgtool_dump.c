/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A configuration file back to the text of cfgtool_build.c: the TLVs in
 * their order, each in the most specific form that rebuilds the same
 * bytes (raw / bytes when a TLV does not decode), then the verdict of
 * the ESG's own parser (cp_cfgfile_parse) on err.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfgtool.h"
#include "cp_cfgfile.h"

static void
hex(FILE *f, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static bool
printable(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || p[0] == ' ' || p[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '#')
			return false;
	return true;
}

static void
value(FILE *f, const struct cp_cfgfile_value *v)
{
	char t[512];

	fprintf(f, "%s ", cp_cfgfile_vtype_name(v->type));
	switch (v->type) {
	case CP_CFGFILE_V_INTEGER:
		fprintf(f, "%d", v->i);
		break;
	case CP_CFGFILE_V_OCTETS:
		if (printable(v->octets, v->octets_len))
			fprintf(f, "%.*s", v->octets_len, v->octets);
		else
			hex(f, v->octets, v->octets_len);
		break;
	case CP_CFGFILE_V_OID:
		cp_cfgfile_oid_print(t, sizeof(t), &v->oid);
		fprintf(f, "%s", t);
		break;
	case CP_CFGFILE_V_IPADDR:
		fprintf(f, "%u.%u.%u.%u", v->ip[0], v->ip[1], v->ip[2],
			v->ip[3]);
		break;
	case CP_CFGFILE_V_COUNTER32:
	case CP_CFGFILE_V_GAUGE32:
	case CP_CFGFILE_V_TIMETICKS:
		fprintf(f, "%u", v->u);
		break;
	}
}

/* The builder takes one hash line: a second hash TLV is dumped as a
 * plain varbind. */
static bool hash_seen;

static bool
is_hash(const struct cp_cfgfile_oid *o)
{
	return cp_cfgfile_oid_equal(o, &cp_cfgfile_oid_hash_cl);
}

/* "hash sha1" when the digest is the file's without this TLV. */
static void
dump_hash(FILE *f, const uint8_t *buf, size_t len, size_t off, size_t tl,
	  const struct cp_cfgfile_varbind *vb)
{
	uint8_t md[20];

	cfgtool_sha1(buf, off, buf + off + tl, len - off - tl, md);
	if (memcmp(md, vb->val.octets, 20) == 0) {
		fprintf(f, "hash sha1\n");
		return;
	}
	md[19] ^= 1;
	fprintf(f, "%s\n",
		memcmp(md, vb->val.octets, 20) == 0
			? "hash bad"
			: "# hash that is neither right nor 'bad'");
}

static bool
dump_varbind(FILE *f, const uint8_t *buf, size_t len, size_t off, size_t hdr,
	     size_t l)
{
	struct cp_cfgfile_varbind vb;
	struct cp_cfgfile_err e;
	char oid[512];

	if (cp_cfgfile_varbind_decode(buf + off + hdr, l, off + hdr, &vb, &e))
		return false;
	if (!hash_seen && is_hash(&vb.oid) && buf[off] == CP_CFGFILE_TLV_SNMP &&
	    vb.val.type == CP_CFGFILE_V_OCTETS && vb.val.octets_len == 20) {
		dump_hash(f, buf, len, off, hdr + l, &vb);
		return true;
	}
	cp_cfgfile_oid_print(oid, sizeof(oid), &vb.oid);
	fprintf(f, "%s %s ",
		buf[off] == CP_CFGFILE_TLV_SNMP ? "varbind" : "varbind64", oid);
	value(f, &vb.val);
	fprintf(f, "\n");
	return true;
}

static const char *const trap_names[] = {NULL,	   "v1",      "trap",
					 "inform", "trap-v3", "inform-v3"};

static bool
dump_notify(FILE *f, const uint8_t *v, size_t l)
{
	size_t p;
	char a[INET6_ADDRSTRLEN];

	/* every sub-TLV must be one the builder writes */
	for (p = 0; p < l; p += 2 + v[p + 1]) {
		static const uint8_t want[9] = {0, 4, 2, 2, 2, 2, 0, 0, 16};
		uint8_t st = v[p];

		if (l - p < 2 || v[p + 1] > l - p - 2 || st < 1 || st > 8 ||
		    (want[st] && v[p + 1] != want[st]) ||
		    (st == 6 && (v[p + 1] < 2 || v[p + 2] != 0x06)) ||
		    (st == 7 && !printable(v + p + 2, v[p + 1])))
			return false;
		if (st == 7 && memchr(v + p + 2, ' ', v[p + 1]) != NULL)
			return false;
	}
	fprintf(f, "notify");
	for (p = 0; p < l; p += 2 + v[p + 1]) {
		const uint8_t *s = v + p + 2;
		unsigned int n = (unsigned int)(s[0] << 8 | s[1]);
		struct cp_cfgfile_oid oid;
		char t[512];

		switch (v[p]) {
		case 1:
			inet_ntop(AF_INET, s, a, sizeof(a));
			fprintf(f, " ipv4=%s", a);
			break;
		case 8:
			inet_ntop(AF_INET6, s, a, sizeof(a));
			fprintf(f, " ipv6=%s", a);
			break;
		case 2:
			fprintf(f, " port=%u", n);
			break;
		case 3:
			if (n >= 1 && n <= 5)
				fprintf(f, " type=%s", trap_names[n]);
			else
				fprintf(f, " type=%u", n);
			break;
		case 4:
			fprintf(f, " timeout=%u", n);
			break;
		case 5:
			fprintf(f, " retries=%u", n);
			break;
		case 6:
			if (cp_cfgfile_oid_decode(s + 2, v[p + 1] - 2, 0, &oid,
						  NULL) ||
			    cp_cfgfile_oid_print(t, sizeof(t), &oid))
				snprintf(t, sizeof(t), "0.0");
			fprintf(f, " filter=%s", t);
			break;
		case 7:
			fprintf(f, " secname=%.*s", v[p + 1], (const char *)s);
			break;
		default:
			break;
		}
	}
	fprintf(f, "\n");
	return true;
}

static bool
dump_vendor(FILE *f, const uint8_t *v, size_t l)
{
	if (l < 5 || v[0] != 8 || v[1] != 3)
		return false;
	fprintf(f, "vendor ");
	hex(f, v + 2, 3);
	if (l > 5) {
		fprintf(f, " ");
		hex(f, v + 5, l - 5);
	}
	fprintf(f, "\n");
	return true;
}

/* The text of one TLV rebuilds its bytes (minimal BER, known
 * sub-TLVs): else the caller prints it raw. A hash line is compared
 * without its digest, which depends on the whole file. */
static bool
rebuilds(const char *text, size_t tlen, const uint8_t *tlv, size_t n)
{
	struct cfgbuf b = {0};
	FILE *in = fmemopen((void *)text, tlen, "r");
	bool same = false, h = strncmp(text, "hash ", 5) == 0;

	if (in == NULL)
		return false;
	if (cfgtool_build(in, "dump", &b) == 0 && b.len == n)
		same = memcmp(b.p, tlv, h ? n - 20 : n) == 0;
	fclose(in);
	free(b.p);
	return same;
}

static bool
dump_one(FILE *out, const uint8_t *buf, size_t len, size_t off, size_t hdr,
	 size_t l)
{
	const uint8_t *v = buf + off + hdr;
	uint8_t type = buf[off];
	char *text = NULL;
	size_t tlen = 0;
	FILE *m = open_memstream(&text, &tlen);
	bool done = false;

	if (m == NULL)
		return false;
	if (type == CP_CFGFILE_TLV_MARKER && l == 1 &&
	    (v[0] == CP_CFGFILE_MARKER_START || v[0] == CP_CFGFILE_MARKER_END))
		done = fprintf(m, "%s\n", v[0] == 1 ? "start" : "end") > 0;
	else if (type == CP_CFGFILE_TLV_SNMP || type == CP_CFGFILE_TLV_SNMP64)
		done = dump_varbind(m, buf, len, off, hdr, l);
	else if (type == CP_CFGFILE_TLV_NOTIFY)
		done = dump_notify(m, v, l);
	else if (type == CP_CFGFILE_TLV_VENDOR)
		done = dump_vendor(m, v, l);
	fclose(m);
	done = done && rebuilds(text, tlen, buf + off, hdr + l);
	if (done && strncmp(text, "hash ", 5) == 0)
		hash_seen = true;
	if (done)
		fputs(text, out);
	free(text);
	return done;
}

int
cfgtool_dump(const uint8_t *buf, size_t len, FILE *out, FILE *err)
{
	struct cp_cfgfile *cf;
	struct cp_cfgfile_err e;
	size_t off = 0;
	int rc;

	hash_seen = false;
	while (off < len) {
		uint8_t type = buf[off];
		size_t hdr = type == CP_CFGFILE_TLV_SNMP64 ? 3 : 2, l;
		const uint8_t *v;
		bool done = false;

		if (len - off < hdr)
			break;
		l = hdr == 3 ? (size_t)(buf[off + 1] << 8 | buf[off + 2])
			     : buf[off + 1];
		if (l > len - off - hdr)
			break;
		v = buf + off + hdr;
		done = dump_one(out, buf, len, off, hdr, l);
		if (!done) {
			fprintf(out, "raw %u", type);
			if (l) {
				fprintf(out, " ");
				hex(out, v, l);
			}
			fprintf(out, "\n");
		}
		off += hdr + l;
	}
	if (off < len) {
		fprintf(out, "bytes ");
		hex(out, buf + off, len - off);
		fprintf(out, "\n");
	}
	cf = malloc(sizeof(*cf));
	if (cf == NULL)
		return ENOMEM;
	rc = cp_cfgfile_parse(buf, len, NULL, cf, &e);
	if (rc)
		fprintf(err, "refused: %s\n", e.reason);
	else
		fprintf(err,
			"accepted: %u varbinds, %u receivers, %u vendor, "
			"%u unknown TLVs, hash %s\n",
			cf->nb_vb, cf->nb_notify, cf->nb_vendor, cf->nb_unknown,
			cf->hash_in_file ? "checked" : "absent");
	free(cf);
	return rc ? 1 : 0;
}
