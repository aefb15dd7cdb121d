/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The text description of a configuration file, one TLV a line:
 *
 *   start | end                      TLV 254 value 0x01 / 0xFF
 *   varbind OID TYPE VALUE           TLV 11, BER SEQUENCE {OID, value}
 *   varbind64 OID TYPE VALUE         TLV 64 (two-octet length)
 *     TYPE: int N | str TEXT | hex HEX | ip A.B.C.D | oid OID |
 *           counter N | gauge N | ticks N
 *   notify ipv4=A ipv6=A port=N type=v1|trap|inform|trap-v3|inform-v3|N
 *          timeout=N retries=N filter=OID secname=S   TLV 38 (any subset,
 *          in the order given)
 *   vendor OUI [HEX]                 TLV 43: sub-TLV 8 (OUI) then HEX
 *   raw T HEX                        any TLV as is
 *   bytes HEX                        bytes as is (broken files)
 *   hash sha1 | hash bad             pktcMtaDevProvConfigHash.0 with the
 *                                    SHA-1 of the file without it (bad:
 *                                    one bit flipped)
 * '#' starts a comment.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfgtool.h"
#include "cp_cfgfile.h"

int
cfgbuf_put(struct cfgbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2 + 64;
		uint8_t *q = realloc(b->p, cap);

		if (q == NULL)
			return ENOMEM;
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static int
put8(struct cfgbuf *b, unsigned int v)
{
	uint8_t c = (uint8_t)v;

	return cfgbuf_put(b, &c, 1);
}

int
cfgtool_unhex(const char *s, struct cfgbuf *out)
{
	unsigned int v;

	while (*s != '\0') {
		if (*s == ' ' || *s == ':' || *s == '\t') {
			s++;
			continue;
		}
		if (sscanf(s, "%2x", &v) != 1 || s[1] == '\0' ||
		    strchr("0123456789abcdefABCDEF", s[1]) == NULL)
			return EINVAL;
		if (put8(out, v))
			return ENOMEM;
		s += 2;
	}
	return 0;
}

/* A BER header: tag and definite length (X.690 8.1.3). */
static int
ber_hdr(struct cfgbuf *b, uint8_t tag, size_t len)
{
	int err = put8(b, tag);

	if (len < 0x80)
		return err ? err : put8(b, len);
	if (len < 0x100)
		return err ? err : (put8(b, 0x81) || put8(b, len));
	return err ? err : (put8(b, 0x82) || put8(b, len >> 8) || put8(b, len));
}

static int
ber_oid(struct cfgbuf *b, const char *txt)
{
	struct cp_cfgfile_oid oid;
	struct cfgbuf c = {0};
	unsigned int i;
	int err;

	if (cp_cfgfile_oid_parse(txt, &oid))
		return EINVAL;
	for (i = 1; i < oid.n; i++) {
		uint64_t v =
			i == 1 ? oid.sub[0] * 40ull + oid.sub[1] : oid.sub[i];
		uint8_t tmp[10];
		int k = 0;

		do {
			tmp[k++] = (uint8_t)(v & 0x7f);
			v >>= 7;
		} while (v);
		while (k > 0) {
			k--;
			if (put8(&c, tmp[k] | (k ? 0x80 : 0)))
				return ENOMEM;
		}
	}
	err = ber_hdr(b, 0x06, c.len) || cfgbuf_put(b, c.p, c.len);
	free(c.p);
	return err ? ENOMEM : 0;
}

/* Minimal two's complement (X.690 8.3.2). */
static int
ber_int(struct cfgbuf *b, uint8_t tag, long long v, bool unsig)
{
	uint8_t t[9];
	int n = 0, i;
	unsigned long long u = (unsigned long long)v;

	for (i = 0; i < 8; i++)
		t[i] = (uint8_t)(u >> (8 * (7 - i)));
	while (n < 7 && ((t[n] == 0 && !(t[n + 1] & 0x80)) ||
			 (!unsig && t[n] == 0xff && (t[n + 1] & 0x80))))
		n++;
	return ber_hdr(b, tag, 8 - n) || cfgbuf_put(b, t + n, 8 - n);
}

static int
ber_value(struct cfgbuf *b, const char *type, const char *val)
{
	struct cfgbuf o = {0};
	char *end;
	long long v;
	uint8_t ip[4];
	int err;

	if (strcmp(type, "str") == 0)
		return ber_hdr(b, 0x04, strlen(val)) ||
		       cfgbuf_put(b, val, strlen(val));
	if (strcmp(type, "hex") == 0) {
		err = cfgtool_unhex(val, &o) || ber_hdr(b, 0x04, o.len) ||
		      cfgbuf_put(b, o.p, o.len);
		free(o.p);
		return err;
	}
	if (strcmp(type, "ip") == 0)
		return inet_pton(AF_INET, val, ip) != 1 ||
		       ber_hdr(b, 0x40, 4) || cfgbuf_put(b, ip, 4);
	if (strcmp(type, "oid") == 0)
		return ber_oid(b, val);
	v = strtoll(val, &end, 0);
	if (*val == '\0' || *end != '\0')
		return EINVAL;
	if (strcmp(type, "int") == 0)
		return ber_int(b, 0x02, v, false);
	if (strcmp(type, "counter") == 0)
		return ber_int(b, 0x41, v, true);
	if (strcmp(type, "gauge") == 0)
		return ber_int(b, 0x42, v, true);
	if (strcmp(type, "ticks") == 0)
		return ber_int(b, 0x43, v, true);
	return EINVAL;
}

/* A TLV of the file: T, L (two octets for 64), V. */
static int
tlv(struct cfgbuf *b, unsigned int type, const struct cfgbuf *v)
{
	if (type == CP_CFGFILE_TLV_SNMP64) {
		if (v->len > 0xffff)
			return EINVAL;
		return put8(b, type) || put8(b, v->len >> 8) ||
		       put8(b, v->len) || cfgbuf_put(b, v->p, v->len);
	}
	if (v->len > 0xff)
		return EINVAL;
	return put8(b, type) || put8(b, v->len) || cfgbuf_put(b, v->p, v->len);
}

static int
varbind(struct cfgbuf *b, unsigned int type, char *args)
{
	struct cfgbuf inner = {0}, seq = {0};
	char *oid = strtok(args, " \t"), *vt = strtok(NULL, " \t");
	char *val = strtok(NULL, "");
	int err;

	if (oid == NULL || vt == NULL || val == NULL)
		return EINVAL;
	err = ber_oid(&inner, oid) || ber_value(&inner, vt, val) ||
	      ber_hdr(&seq, 0x30, inner.len) ||
	      cfgbuf_put(&seq, inner.p, inner.len) || tlv(b, type, &seq);
	free(inner.p);
	free(seq.p);
	return err ? EINVAL : 0;
}

static int
sub16(struct cfgbuf *v, unsigned int st, const char *val)
{
	char *end;
	unsigned long n = strtoul(val, &end, 0);

	if (*val == '\0' || *end != '\0' || n > 0xffff)
		return EINVAL;
	return put8(v, st) || put8(v, 2) || put8(v, n >> 8) || put8(v, n);
}

static const char *const trap_names[] = {NULL,	   "v1",      "trap",
					 "inform", "trap-v3", "inform-v3"};

static int
notify_kv(struct cfgbuf *v, const char *k, const char *val)
{
	uint8_t a[16];
	unsigned int i;
	struct cfgbuf o = {0};
	int err;

	if (strcmp(k, "ipv4") == 0)
		return inet_pton(AF_INET, val, a) != 1 || put8(v, 1) ||
		       put8(v, 4) || cfgbuf_put(v, a, 4);
	if (strcmp(k, "ipv6") == 0) /* spec 001 6.5: 38.8 */
		return inet_pton(AF_INET6, val, a) != 1 || put8(v, 8) ||
		       put8(v, 16) || cfgbuf_put(v, a, 16);
	if (strcmp(k, "port") == 0)
		return sub16(v, 2, val);
	if (strcmp(k, "type") == 0) {
		for (i = 1; i <= 5; i++)
			if (strcmp(val, trap_names[i]) == 0) {
				char n[2] = {(char)('0' + i), 0};

				return sub16(v, 3, n);
			}
		return sub16(v, 3, val);
	}
	if (strcmp(k, "timeout") == 0)
		return sub16(v, 4, val);
	if (strcmp(k, "retries") == 0)
		return sub16(v, 5, val);
	if (strcmp(k, "filter") == 0) {
		err = ber_oid(&o, val) || put8(v, 6) || put8(v, o.len) ||
		      cfgbuf_put(v, o.p, o.len);
		free(o.p);
		return err;
	}
	if (strcmp(k, "secname") == 0)
		return put8(v, 7) || put8(v, strlen(val)) ||
		       cfgbuf_put(v, val, strlen(val));
	return EINVAL;
}

static int
notify(struct cfgbuf *b, char *args)
{
	struct cfgbuf v = {0};
	char *kv, *eq;
	int err = 0;

	for (kv = strtok(args, " \t"); kv != NULL && !err;
	     kv = strtok(NULL, " \t")) {
		eq = strchr(kv, '=');
		if (eq == NULL) {
			err = EINVAL;
			break;
		}
		*eq = '\0';
		err = notify_kv(&v, kv, eq + 1);
	}
	if (!err)
		err = tlv(b, CP_CFGFILE_TLV_NOTIFY, &v);
	free(v.p);
	return err ? EINVAL : 0;
}

static int
vendor(struct cfgbuf *b, char *args)
{
	struct cfgbuf v = {0}, oui = {0};
	char *o = strtok(args, " \t"), *rest = strtok(NULL, "");
	int err;

	err = o == NULL || cfgtool_unhex(o, &oui) || oui.len != 3 ||
	      put8(&v, 8) || put8(&v, 3) || cfgbuf_put(&v, oui.p, 3) ||
	      (rest != NULL && cfgtool_unhex(rest, &v)) ||
	      tlv(b, CP_CFGFILE_TLV_VENDOR, &v);
	free(v.p);
	free(oui.p);
	return err ? EINVAL : 0;
}

static int
raw(struct cfgbuf *b, char *args)
{
	struct cfgbuf v = {0};
	char *t = strtok(args, " \t"), *hex = strtok(NULL, ""), *end;
	unsigned long type;
	int err;

	if (t == NULL)
		return EINVAL;
	type = strtoul(t, &end, 0);
	if (*end != '\0' || type > 255)
		return EINVAL;
	err = (hex != NULL && cfgtool_unhex(hex, &v)) || tlv(b, type, &v);
	free(v.p);
	return err ? EINVAL : 0;
}

/* The hash TLV with 20 placeholder bytes; filled in at the end. */
static int
hash(struct cfgbuf *b, const char *how, long *hash_off, bool *bad)
{
	char oid[128];
	int err;

	if (*hash_off >= 0 || how == NULL ||
	    (strcmp(how, "sha1") && strcmp(how, "bad")))
		return EINVAL;
	*bad = strcmp(how, "bad") == 0;
	*hash_off = (long)b->len;
	if (cp_cfgfile_oid_print(oid, sizeof(oid), &cp_cfgfile_oid_hash_cl))
		return EINVAL;
	err = snprintf(oid + strlen(oid), sizeof(oid) - strlen(oid),
		       " hex %040d", 0) < 0;
	return err ? EINVAL : varbind(b, CP_CFGFILE_TLV_SNMP, oid);
}

static int
line(struct cfgbuf *b, char *s, long *hash_off, bool *bad)
{
	char *kw, *args;
	struct cfgbuf v = {0};
	int err;

	s[strcspn(s, "#\r\n")] = '\0';
	kw = strtok(s, " \t");
	if (kw == NULL)
		return 0;
	args = strtok(NULL, "");
	if (args == NULL)
		args = "";
	while (*args == ' ' || *args == '\t')
		args++;
	if (strcmp(kw, "start") == 0 || strcmp(kw, "end") == 0)
		return put8(b, CP_CFGFILE_TLV_MARKER) || put8(b, 1) ||
		       put8(b, kw[0] == 's' ? CP_CFGFILE_MARKER_START
					    : CP_CFGFILE_MARKER_END);
	if (strcmp(kw, "varbind") == 0)
		return varbind(b, CP_CFGFILE_TLV_SNMP, args);
	if (strcmp(kw, "varbind64") == 0)
		return varbind(b, CP_CFGFILE_TLV_SNMP64, args);
	if (strcmp(kw, "notify") == 0)
		return notify(b, args);
	if (strcmp(kw, "vendor") == 0)
		return vendor(b, args);
	if (strcmp(kw, "raw") == 0)
		return raw(b, args);
	if (strcmp(kw, "hash") == 0)
		return hash(b, strtok(args, " \t"), hash_off, bad);
	if (strcmp(kw, "bytes") == 0) {
		err = cfgtool_unhex(args, &v) || cfgbuf_put(b, v.p, v.len);
		free(v.p);
		return err ? EINVAL : 0;
	}
	return EINVAL;
}

int
cfgtool_build(FILE *in, const char *name, struct cfgbuf *out)
{
	char s[4096];
	unsigned int n = 0;
	long hash_off = -1;
	bool bad = false;
	uint8_t md[20];

	while (fgets(s, sizeof(s), in) != NULL) {
		n++;
		if (line(out, s, &hash_off, &bad)) {
			fprintf(stderr, "%s:%u: cannot read this line\n", name,
				n);
			return EINVAL;
		}
	}
	if (hash_off >= 0) {
		/* the TLV is 11, len, SEQUENCE...: its last 20 bytes are
		 * the digest; hashed: the file without the whole TLV */
		size_t tl = 2 + out->p[hash_off + 1], h = (size_t)hash_off;

		cfgtool_sha1(out->p, h, out->p + h + tl, out->len - h - tl, md);
		if (bad)
			md[19] ^= 1;
		memcpy(out->p + h + tl - 20, md, 20);
	}
	return 0;
}
