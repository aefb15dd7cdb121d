/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file's TLV walk (cp_cfgfile.h): markers, varbinds,
 * notification receivers, vendor TLVs, the SHA-1 hash. Spec 001 6.4.2
 * Table 6 gives the TLVs: one type octet, a one-octet length except TLV
 * 64 whose length has two octets (big-endian), then the value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cp_cfgfile.h"

/* pktcMtaDevProvConfigHash.0: PKTC-MTA-MIB (CableLabs, 4491) and
 * PKTC-IETF-MTA-MIB (RFC 4682, mib-2 140). */
const struct cp_cfgfile_oid cp_cfgfile_oid_hash_cl = {
	.sub = {1, 3, 6, 1, 4, 1, 4491, 2, 2, 1, 1, 2, 7, 0},
	.n = 14,
};
const struct cp_cfgfile_oid cp_cfgfile_oid_hash_ietf = {
	.sub = {1, 3, 6, 1, 2, 1, 140, 1, 2, 11, 0},
	.n = 11,
};

/* DOCSIS "SNMPv3 Notification Receiver" defaults, which PKT-PROV1.5's
 * TLV-38 specification (spec 001 6.5) takes over. */
#define NOTIFY_PORT_DEFAULT 162
#define NOTIFY_TIMEOUT_DEFAULT 15000
#define NOTIFY_RETRIES_DEFAULT 3

struct walk_state {
	const uint8_t *buf;
	size_t len;
	struct cp_cfgfile *out;
	struct cp_cfgfile_err *err;
	size_t hash_off, hash_len; /* the in-file hash TLV, len 0 = none */
	uint8_t hash[CP_CFGFILE_SHA1_LEN];
};

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static bool
is_hash_oid(const struct cp_cfgfile_oid *oid)
{
	return cp_cfgfile_oid_equal(oid, &cp_cfgfile_oid_hash_cl) ||
	       cp_cfgfile_oid_equal(oid, &cp_cfgfile_oid_hash_ietf);
}

static int
tlv_varbind(struct walk_state *w, uint8_t type, size_t off, size_t voff,
	    size_t vlen)
{
	struct cp_cfgfile *o = w->out;
	struct cp_cfgfile_varbind vb;
	int err;

	err = cp_cfgfile_varbind_decode(w->buf + voff, vlen, voff, &vb, w->err);
	if (err)
		return err;
	vb.offset = (uint32_t)off;
	vb.tlv = type;
	if (is_hash_oid(&vb.oid)) {
		/* basic flow: the file carries its own hash (RFC 4682
		 * pktcMtaDevProvConfigHash, "provided in the configuration
		 * file itself"), SHA-1 of 160 bits */
		if (w->hash_len != 0)
			return cp_cfgfile_errf(w->err, off,
					       "a second configuration hash "
					       "(first at offset %zu)",
					       w->hash_off);
		if (vb.val.type != CP_CFGFILE_V_OCTETS ||
		    vb.val.octets_len != CP_CFGFILE_SHA1_LEN)
			return cp_cfgfile_errf(w->err, off,
					       "configuration hash is not an "
					       "OCTET STRING of 20 bytes "
					       "(SHA-1)");
		memcpy(w->hash, vb.val.octets, CP_CFGFILE_SHA1_LEN);
		w->hash_off = off;
		w->hash_len = voff + vlen - off;
		return 0;
	}
	if (o->nb_vb == CP_CFGFILE_MAX_VARBINDS)
		return cp_cfgfile_errf(w->err, off, "more than %d varbinds",
				       CP_CFGFILE_MAX_VARBINDS);
	o->vb[o->nb_vb++] = vb;
	return 0;
}

/* One 38.x sub-TLV into n. seen: bit per sub-type. */
static int
notify_sub(struct walk_state *w, struct cp_cfgfile_notify *n, uint8_t st,
	   const uint8_t *v, size_t l, size_t off, uint32_t *seen)
{
	static const uint8_t want_len[9] = {0, 4, 2, 2, 2, 2, 0, 0, 16};

	if (st >= 1 && st <= 8 && (*seen & (1u << st)))
		return cp_cfgfile_errf(w->err, off, "sub-TLV 38.%u repeated",
				       st);
	if (st >= 1 && st <= 8)
		*seen |= 1u << st;
	if (st >= 1 && st <= 8 && want_len[st] != 0 && l != want_len[st])
		return cp_cfgfile_errf(w->err, off,
				       "sub-TLV 38.%u of length %zu (%u)", st,
				       l, want_len[st]);
	switch (st) {
	case 1:
		n->has_v4 = true;
		memcpy(n->v4, v, 4);
		return 0;
	case 2:
		n->port = be16(v);
		if (n->port == 0)
			return cp_cfgfile_errf(w->err, off,
					       "sub-TLV 38.2: UDP port 0");
		return 0;
	case 3:
		n->type = be16(v);
		if (n->type < CP_CFGFILE_TRAP_V1 ||
		    n->type > CP_CFGFILE_INFORM_V3)
			return cp_cfgfile_errf(w->err, off,
					       "sub-TLV 38.3: trap type %u "
					       "(1 to 5)",
					       n->type);
		return 0;
	case 4:
		n->timeout_ms = be16(v);
		return 0;
	case 5:
		n->retries = be16(v);
		return 0;
	case 6: /* the filter: a BER OBJECT IDENTIFIER, tag included */
		if (l < 3 || v[0] != 0x06 || v[1] != l - 2 || v[1] > 0x7f)
			return cp_cfgfile_errf(w->err, off,
					       "sub-TLV 38.6 is not a BER "
					       "OBJECT IDENTIFIER");
		return cp_cfgfile_oid_decode(v + 2, l - 2, off + 4, &n->filter,
					     w->err);
	case 7:
		if (l < 1 || l > CP_CFGFILE_SECNAME_MAX)
			return cp_cfgfile_errf(w->err, off,
					       "sub-TLV 38.7: security name "
					       "of %zu bytes (1 to %d)",
					       l, CP_CFGFILE_SECNAME_MAX);
		memcpy(n->secname, v, l);
		n->secname[l] = '\0';
		if (strlen(n->secname) != l)
			return cp_cfgfile_errf(w->err, off,
					       "sub-TLV 38.7: NUL in the "
					       "security name");
		return 0;
	case 8: /* spec 001 6.5: 16 bytes of an IPv6 address */
		n->has_v6 = true;
		memcpy(n->v6, v, 16);
		return 0;
	default:
		return cp_cfgfile_errf(w->err, off, "unknown sub-TLV 38.%u",
				       st);
	}
}

static int
tlv_notify(struct walk_state *w, size_t off, size_t voff, size_t vlen)
{
	struct cp_cfgfile *o = w->out;
	struct cp_cfgfile_notify n;
	size_t p = voff, end = voff + vlen;
	uint32_t seen = 0;
	int err;

	if (o->nb_notify == CP_CFGFILE_MAX_NOTIFY)
		return cp_cfgfile_errf(w->err, off,
				       "more than %d notification receivers",
				       CP_CFGFILE_MAX_NOTIFY);
	memset(&n, 0, sizeof(n));
	n.offset = (uint32_t)off;
	n.port = NOTIFY_PORT_DEFAULT;
	n.timeout_ms = NOTIFY_TIMEOUT_DEFAULT;
	n.retries = NOTIFY_RETRIES_DEFAULT;
	while (p < end) {
		size_t l;

		if (end - p < 2)
			return cp_cfgfile_errf(w->err, p,
					       "TLV 38 sub-TLV header "
					       "truncated");
		l = w->buf[p + 1];
		if (l > end - p - 2)
			return cp_cfgfile_errf(w->err, p,
					       "sub-TLV 38.%u length %zu runs "
					       "past TLV 38 (%zu bytes left)",
					       w->buf[p], l, end - p - 2);
		err = notify_sub(w, &n, w->buf[p], w->buf + p + 2, l, p, &seen);
		if (err)
			return err;
		p += 2 + l;
	}
	if (!(seen & (1u << 3)))
		return cp_cfgfile_errf(w->err, off,
				       "TLV 38 without its trap type (38.3)");
	if (!n.has_v4 && !n.has_v6)
		return cp_cfgfile_errf(w->err, off,
				       "TLV 38 without an address (38.1 or "
				       "38.8)");
	o->notify[o->nb_notify++] = n;
	return 0;
}

static int
tlv_vendor(struct walk_state *w, size_t off, size_t voff, size_t vlen)
{
	struct cp_cfgfile *o = w->out;
	struct cp_cfgfile_vendor vd;
	size_t p = voff, end = voff + vlen;
	bool have_id = false;

	if (o->nb_vendor == CP_CFGFILE_MAX_VENDOR)
		return cp_cfgfile_errf(w->err, off,
				       "more than %d vendor specific TLVs",
				       CP_CFGFILE_MAX_VENDOR);
	memset(&vd, 0, sizeof(vd));
	vd.offset = (uint32_t)off;
	while (p < end) {
		size_t l;

		if (end - p < 2)
			return cp_cfgfile_errf(w->err, p,
					       "TLV 43 sub-TLV header "
					       "truncated");
		l = w->buf[p + 1];
		if (l > end - p - 2)
			return cp_cfgfile_errf(w->err, p,
					       "sub-TLV 43.%u length %zu runs "
					       "past TLV 43 (%zu bytes left)",
					       w->buf[p], l, end - p - 2);
		if (w->buf[p] == 8) {
			if (have_id)
				return cp_cfgfile_errf(w->err, p,
						       "vendor id (43.8) "
						       "repeated");
			if (l != 3)
				return cp_cfgfile_errf(w->err, p,
						       "vendor id (43.8) of "
						       "length %zu (3)",
						       l);
			memcpy(vd.oui, w->buf + p + 2, 3);
			have_id = true;
		} else {
			/* kept as is for the vendor's code */
			if (vd.data_len + l + 2 > sizeof(vd.data))
				return cp_cfgfile_errf(w->err, p,
						       "TLV 43 sub-TLVs over "
						       "%zu bytes",
						       sizeof(vd.data));
			memcpy(vd.data + vd.data_len, w->buf + p, l + 2);
			vd.data_len = (uint8_t)(vd.data_len + l + 2);
		}
		p += 2 + l;
	}
	if (!have_id)
		return cp_cfgfile_errf(w->err, off,
				       "TLV 43 without its vendor id (43.8)");
	o->vendor[o->nb_vendor++] = vd;
	return 0;
}

/* A 254 marker other than the first: only the end, and last. */
static int
tlv_marker(struct walk_state *w, size_t off, size_t vlen, bool *end)
{
	uint8_t v;

	if (vlen != 1)
		return cp_cfgfile_errf(w->err, off, "TLV 254 of length %zu (1)",
				       vlen);
	v = w->buf[off + 2];
	if (v == CP_CFGFILE_MARKER_START)
		return cp_cfgfile_errf(w->err, off,
				       "a second start marker (TLV 254 value "
				       "0x01)");
	if (v != CP_CFGFILE_MARKER_END)
		return cp_cfgfile_errf(w->err, off,
				       "TLV 254 value 0x%02x (0x01 start, "
				       "0xFF end)",
				       v);
	/* spec 001 6.4.2 Table 6: eUE End of File is the last TLV */
	if (off + 3 != w->len)
		return cp_cfgfile_errf(w->err, off + 3,
				       "%zu bytes after the end marker (TLV "
				       "254 value 0xFF)",
				       w->len - off - 3);
	*end = true;
	return 0;
}

static int
tlv_one(struct walk_state *w, size_t off, size_t *next, bool *end)
{
	const uint8_t *b = w->buf;
	uint8_t type = b[off];
	size_t hdr = type == CP_CFGFILE_TLV_SNMP64 ? 3 : 2, l;
	struct cp_cfgfile *o = w->out;

	if (w->len - off < hdr)
		return cp_cfgfile_errf(w->err, off,
				       "TLV %u header truncated (%zu bytes "
				       "left)",
				       type, w->len - off);
	l = hdr == 3 ? be16(b + off + 1) : b[off + 1];
	if (l > w->len - off - hdr)
		return cp_cfgfile_errf(w->err, off,
				       "TLV %u length %zu runs past the end of "
				       "the file (len %zu)",
				       type, l, w->len);
	*next = off + hdr + l;
	switch (type) {
	case CP_CFGFILE_TLV_MARKER:
		return tlv_marker(w, off, l, end);
	case CP_CFGFILE_TLV_SNMP:
	case CP_CFGFILE_TLV_SNMP64:
		return tlv_varbind(w, type, off, off + hdr, l);
	case CP_CFGFILE_TLV_NOTIFY:
		return tlv_notify(w, off, off + hdr, l);
	case CP_CFGFILE_TLV_VENDOR:
		return tlv_vendor(w, off, off + hdr, l);
	default:
		/* not in Table 6: skipped and listed (docs "Unknown TLV
		 * types"); the one-octet length walks over it */
		if (o->nb_unknown < CP_CFGFILE_MAX_UNKNOWN) {
			o->unknown_type[o->nb_unknown] = type;
			o->unknown_offset[o->nb_unknown] = (uint32_t)off;
		}
		o->nb_unknown++;
		return 0;
	}
}

static int
sha1_2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
       uint8_t md[CP_CFGFILE_SHA1_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL)
		return ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) &&
	     EVP_DigestUpdate(ctx, a, alen) && EVP_DigestUpdate(ctx, b, blen) &&
	     EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : ENOMEM;
}

static void
hex20(char *s, const uint8_t *h)
{
	int i;

	for (i = 0; i < CP_CFGFILE_SHA1_LEN; i++)
		sprintf(s + 2 * i, "%02x", h[i]);
}

static int
check_hashes(struct walk_state *w, const uint8_t *ext)
{
	struct cp_cfgfile *o = w->out;
	uint8_t md[CP_CFGFILE_SHA1_LEN];
	char got[41], want[41];
	int err;

	err = sha1_2(w->buf, w->len, NULL, 0, o->sha1);
	if (err)
		return err;
	/* eUE-23: the hash of the downloaded file against eUE-19's */
	if (ext != NULL) {
		if (memcmp(o->sha1, ext, CP_CFGFILE_SHA1_LEN) != 0) {
			hex20(got, o->sha1);
			hex20(want, ext);
			return cp_cfgfile_errf(w->err, 0,
					       "configuration hash mismatch: "
					       "SHA-1 of the file %s, expected "
					       "%s",
					       got, want);
		}
		o->hash_external = true;
	}
	if (w->hash_len == 0)
		return 0;
	/* in the file: over the file without the hash TLV itself */
	err = sha1_2(w->buf, w->hash_off, w->buf + w->hash_off + w->hash_len,
		     w->len - w->hash_off - w->hash_len, md);
	if (err)
		return err;
	if (memcmp(md, w->hash, CP_CFGFILE_SHA1_LEN) != 0) {
		hex20(got, md);
		hex20(want, w->hash);
		return cp_cfgfile_errf(w->err, w->hash_off,
				       "configuration hash mismatch: SHA-1 "
				       "of the file without its hash TLV %s, "
				       "the file says %s",
				       got, want);
	}
	o->hash_in_file = true;
	return 0;
}

int
cp_cfgfile_parse(const uint8_t *buf, size_t len, const uint8_t *ext_sha1,
		 struct cp_cfgfile *out, struct cp_cfgfile_err *err)
{
	struct walk_state w;
	size_t off, next = 0;
	bool end = false;
	int e;

	if (buf == NULL || out == NULL || err == NULL)
		return EINVAL;
	memset(err, 0, sizeof(*err));
	memset(&w, 0, sizeof(w));
	w.buf = buf;
	w.len = len;
	w.err = err;
	/* spec 001 6.4.2 Table 6 / 6.4.2.1: "eUE Start of File" first */
	if (len < 3 || buf[0] != CP_CFGFILE_TLV_MARKER || buf[1] != 1 ||
	    buf[2] != CP_CFGFILE_MARKER_START)
		return cp_cfgfile_errf(err, 0,
				       "the file does not start with TLV 254 "
				       "value 0x01 (start of file)");
	w.out = calloc(1, sizeof(*w.out));
	if (w.out == NULL)
		return ENOMEM;
	for (off = 3; off < len && !end; off = next) {
		e = tlv_one(&w, off, &next, &end);
		if (e)
			goto out;
	}
	if (!end) {
		e = cp_cfgfile_errf(err, len,
				    "the file ends without the end marker "
				    "(TLV 254 value 0xFF)");
		goto out;
	}
	e = check_hashes(&w, ext_sha1);
	if (e)
		goto out;
	/* only now: a refused file leaves the caller's copy alone */
	memcpy(out, w.out, sizeof(*out));
out:
	free(w.out);
	return e;
}

int
cp_cfgfile_notify_addr(const struct cp_cfgfile_notify *n, bool ipv6,
		       uint8_t addr[16], size_t *alen)
{
	if (n == NULL || addr == NULL || alen == NULL)
		return EINVAL;
	/* spec 001 6.5: IPv6 mode uses 38.8 in lieu of 38.1 and ignores
	 * 38.1; IPv4 mode ignores 38.8 */
	if (ipv6) {
		if (!n->has_v6)
			return ENOENT;
		memcpy(addr, n->v6, 16);
		*alen = 16;
		return 0;
	}
	if (!n->has_v4)
		return ENOENT;
	memcpy(addr, n->v4, 4);
	*alen = 4;
	return 0;
}
