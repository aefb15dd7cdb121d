/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The BER varbinds of configuration file TLVs 11 and 64 (spec 001 6.4.2
 * Table 6: "variable binding"): SEQUENCE { OBJECT IDENTIFIER, value }
 * with the SMI types of RFC 2578 7.1 in their SNMP encodings (RFC 3416
 * 3, X.690 8.3 / 8.7 / 8.19). Definite lengths only (X.690 8.1.3; SNMP
 * never uses the indefinite form), at most 2 length octets (a TLV 64
 * value is at most 65535 bytes). Every read is bounds-checked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_cfgfile.h"

int
cp_cfgfile_errf(struct cp_cfgfile_err *err, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL)
		return EBADMSG;
	err->offset = off;
	n = snprintf(err->reason, sizeof(err->reason), "offset %zu: ", off);
	if (n < 0 || (size_t)n >= sizeof(err->reason))
		return EBADMSG;
	va_start(ap, fmt);
	vsnprintf(err->reason + n, sizeof(err->reason) - n, fmt, ap);
	va_end(ap);
	return EBADMSG;
}

/* A BER identifier and length at buf[*pos]; *pos moves to the contents,
 * whose length must fit in end. */
static int
ber_header(const uint8_t *buf, size_t end, size_t *pos, size_t base,
	   uint8_t *tag, size_t *clen, struct cp_cfgfile_err *err)
{
	size_t p = *pos, l;

	if (p + 2 > end)
		return cp_cfgfile_errf(err, base + p,
				       "BER header truncated (%zu bytes left)",
				       end - p);
	*tag = buf[p];
	l = buf[p + 1];
	p += 2;
	if (l == 0x80)
		return cp_cfgfile_errf(err, base + p - 1,
				       "BER indefinite length refused");
	if (l > 0x80) {
		size_t k = l & 0x7f, i;

		if (k > 2)
			return cp_cfgfile_errf(err, base + p - 1,
					       "BER length of %zu octets (at "
					       "most 2)",
					       k);
		if (p + k > end)
			return cp_cfgfile_errf(err, base + p - 1,
					       "BER length octets truncated");
		for (l = 0, i = 0; i < k; i++)
			l = (l << 8) | buf[p + i];
		p += k;
	}
	if (l > end - p)
		return cp_cfgfile_errf(
			err, base + *pos,
			"BER tag 0x%02x length %zu runs past its "
			"container (%zu bytes left)",
			*tag, l, end - p);
	*pos = p;
	*clen = l;
	return 0;
}

/* X.690 8.19: the first octet holds two arcs, then base-128 arcs. */
int
cp_cfgfile_oid_decode(const uint8_t *c, size_t len, size_t off,
		      struct cp_cfgfile_oid *oid, struct cp_cfgfile_err *err)
{
	size_t i;
	uint64_t v = 0;
	bool first = true, start = true;

	if (len == 0)
		return cp_cfgfile_errf(err, off, "empty OBJECT IDENTIFIER");
	oid->n = 0;
	for (i = 0; i < len; i++) {
		if (start && c[i] == 0x80)
			return cp_cfgfile_errf(err, off + i,
					       "OID sub-identifier with a "
					       "leading 0x80 (X.690 8.19.2)");
		start = false;
		v = (v << 7) | (c[i] & 0x7f);
		if (v > UINT32_MAX)
			return cp_cfgfile_errf(err, off + i,
					       "OID sub-identifier over 32 "
					       "bits");
		if (c[i] & 0x80)
			continue;
		if (oid->n + (first ? 2 : 1) > CP_CFGFILE_OID_MAX)
			return cp_cfgfile_errf(err, off + i,
					       "OID of more than %d "
					       "sub-identifiers",
					       CP_CFGFILE_OID_MAX);
		if (first) {
			uint32_t a = v < 40 ? 0 : v < 80 ? 1 : 2;

			oid->sub[oid->n++] = a;
			oid->sub[oid->n++] = (uint32_t)(v - 40 * a);
			first = false;
		} else {
			oid->sub[oid->n++] = (uint32_t)v;
		}
		v = 0;
		start = true;
	}
	if (!start)
		return cp_cfgfile_errf(err, off + len - 1,
				       "OID ends inside a sub-identifier");
	return 0;
}

static int
ber_value(uint8_t tag, const uint8_t *c, size_t len, size_t off,
	  struct cp_cfgfile_value *v, struct cp_cfgfile_err *err)
{
	size_t i;
	uint64_t u = 0;

	switch (tag) {
	case 0x02: /* INTEGER, Integer32 (X.690 8.3) */
		if (len < 1 || len > 4)
			return cp_cfgfile_errf(
				err, off, "INTEGER of %zu bytes (1 to 4)", len);
		u = (c[0] & 0x80) ? UINT64_MAX : 0;
		for (i = 0; i < len; i++)
			u = (u << 8) | c[i];
		v->type = CP_CFGFILE_V_INTEGER;
		v->i = (int32_t)(uint32_t)u;
		return 0;
	case 0x04: /* OCTET STRING */
		if (len > CP_CFGFILE_OCTETS_MAX)
			return cp_cfgfile_errf(err, off,
					       "OCTET STRING of %zu bytes (at "
					       "most %d)",
					       len, CP_CFGFILE_OCTETS_MAX);
		v->type = CP_CFGFILE_V_OCTETS;
		memcpy(v->octets, c, len);
		v->octets_len = (uint16_t)len;
		return 0;
	case 0x06:
		v->type = CP_CFGFILE_V_OID;
		return cp_cfgfile_oid_decode(c, len, off, &v->oid, err);
	case 0x40: /* IpAddress: OCTET STRING (SIZE (4)), RFC 2578 7.1.5 */
		if (len != 4)
			return cp_cfgfile_errf(
				err, off, "IpAddress of %zu bytes (4)", len);
		v->type = CP_CFGFILE_V_IPADDR;
		memcpy(v->ip, c, 4);
		return 0;
	case 0x41: /* Counter32 */
	case 0x42: /* Gauge32 / Unsigned32 */
	case 0x43: /* TimeTicks */
		/* unsigned 32 bits: 5 octets only with a leading 0 */
		if (len < 1 || len > 5 || (len == 5 && c[0] != 0) ||
		    (c[0] & 0x80))
			return cp_cfgfile_errf(err, off,
					       "unsigned 32-bit value (tag "
					       "0x%02x) badly encoded in %zu "
					       "bytes",
					       tag, len);
		for (i = 0; i < len; i++)
			u = (u << 8) | c[i];
		v->type = tag == 0x41	? CP_CFGFILE_V_COUNTER32
			  : tag == 0x42 ? CP_CFGFILE_V_GAUGE32
					: CP_CFGFILE_V_TIMETICKS;
		v->u = (uint32_t)u;
		return 0;
	default:
		return cp_cfgfile_errf(
			err, off - 2, "unsupported BER value type 0x%02x", tag);
	}
}

int
cp_cfgfile_varbind_decode(const uint8_t *buf, size_t len, size_t base,
			  struct cp_cfgfile_varbind *vb,
			  struct cp_cfgfile_err *err)
{
	size_t pos = 0, clen, end;
	uint8_t tag;
	int e;

	if (buf == NULL || vb == NULL)
		return EINVAL;
	memset(vb, 0, sizeof(*vb));
	e = ber_header(buf, len, &pos, base, &tag, &clen, err);
	if (e)
		return e;
	if (tag != 0x30)
		return cp_cfgfile_errf(err, base,
				       "varbind is not a BER SEQUENCE (tag "
				       "0x%02x)",
				       tag);
	if (pos + clen != len)
		return cp_cfgfile_errf(err, base + pos + clen,
				       "%zu bytes after the varbind SEQUENCE",
				       len - pos - clen);
	end = pos + clen;
	e = ber_header(buf, end, &pos, base, &tag, &clen, err);
	if (e)
		return e;
	if (tag != 0x06)
		return cp_cfgfile_errf(err, base + pos - 2,
				       "varbind name is not an OBJECT "
				       "IDENTIFIER (tag 0x%02x)",
				       tag);
	e = cp_cfgfile_oid_decode(buf + pos, clen, base + pos, &vb->oid, err);
	if (e)
		return e;
	pos += clen;
	e = ber_header(buf, end, &pos, base, &tag, &clen, err);
	if (e)
		return e;
	if (pos + clen != end)
		return cp_cfgfile_errf(err, base + pos + clen,
				       "%zu bytes after the varbind value",
				       end - pos - clen);
	return ber_value(tag, buf + pos, clen, base + pos, &vb->val, err);
}

int
cp_cfgfile_oid_parse(const char *s, struct cp_cfgfile_oid *oid)
{
	char *endp;
	unsigned long v;

	if (s == NULL || oid == NULL || *s == '\0')
		return EINVAL;
	oid->n = 0;
	for (;;) {
		if (*s < '0' || *s > '9')
			return EINVAL;
		v = strtoul(s, &endp, 10);
		if (v > UINT32_MAX)
			return EINVAL;
		if (oid->n == CP_CFGFILE_OID_MAX)
			return ENOSPC;
		oid->sub[oid->n++] = (uint32_t)v;
		if (*endp == '\0')
			break;
		if (*endp != '.')
			return EINVAL;
		s = endp + 1;
	}
	/* X.690 8.19.4: the first two arcs share one octet */
	if (oid->n < 2 || oid->sub[0] > 2 ||
	    (oid->sub[0] < 2 && oid->sub[1] >= 40) ||
	    oid->sub[1] > UINT32_MAX - 80)
		return EINVAL;
	return 0;
}

int
cp_cfgfile_oid_print(char *buf, size_t size, const struct cp_cfgfile_oid *oid)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (buf == NULL || size == 0 || oid == NULL)
		return EINVAL;
	buf[0] = '\0';
	for (i = 0; i < oid->n; i++) {
		n = snprintf(buf + used, size - used, "%s%u", i ? "." : "",
			     oid->sub[i]);
		if (n < 0 || (size_t)n >= size - used)
			return ENOSPC;
		used += (size_t)n;
	}
	return 0;
}

bool
cp_cfgfile_oid_equal(const struct cp_cfgfile_oid *a,
		     const struct cp_cfgfile_oid *b)
{
	return a->n == b->n &&
	       memcmp(a->sub, b->sub, a->n * sizeof(a->sub[0])) == 0;
}

const char *
cp_cfgfile_vtype_name(enum cp_cfgfile_vtype t)
{
	switch (t) {
	case CP_CFGFILE_V_INTEGER:
		return "int";
	case CP_CFGFILE_V_OCTETS:
		return "str";
	case CP_CFGFILE_V_OID:
		return "oid";
	case CP_CFGFILE_V_IPADDR:
		return "ip";
	case CP_CFGFILE_V_COUNTER32:
		return "counter";
	case CP_CFGFILE_V_GAUGE32:
		return "gauge";
	case CP_CFGFILE_V_TIMETICKS:
		return "ticks";
	}
	return "?";
}
