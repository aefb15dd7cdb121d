/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file parser and mapping (controlplane/prov/
 * cp_cfgfile*.c): a good file with every TLV of spec 001 6.4.2 Table 6
 * (254, 11, 64 with its two-octet length, 38 with 38.1 and 38.8 (6.5),
 * 43 with vendor id 8) and an unknown type; every prefix of it refused;
 * the exact reasons of malformed files (offsets); the previous
 * configuration kept (out untouched); bad BER; the SHA-1 hash in the file
 * and out of band (eUE-19/eUE-23); 38.8 in lieu of 38.1 in IPv6 mode;
 * the esg MIB mapping and its refusals (spec 000 8.1.3).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "cp_cfgfile.h"

struct fb {
	uint8_t b[4096];
	size_t n;
};

static void
put(struct fb *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
put8(struct fb *f, unsigned int v)
{
	uint8_t c = (uint8_t)v;

	put(f, &c, 1);
}

static void
tlv(struct fb *f, unsigned int type, const void *v, size_t l)
{
	put8(f, type);
	if (type == 64) {
		put8(f, l >> 8);
		put8(f, l & 0xff);
	} else {
		put8(f, l);
	}
	put(f, v, l);
}

static void
marker(struct fb *f, unsigned int v)
{
	uint8_t c = (uint8_t)v;

	tlv(f, 254, &c, 1);
}

/* esgProvObjects.<leaf>.0 = 1.3.6.1.4.1.32473.1.1.<leaf>.0 in BER */
static size_t
esg_oid(uint8_t *p, unsigned int leaf)
{
	static const uint8_t pre[] = {0x06, 0x0c, 0x2b, 0x06, 0x01, 0x04,
				      0x01, 0x81, 0xfd, 0x59, 0x01, 0x01};

	memcpy(p, pre, sizeof(pre));
	p[sizeof(pre)] = (uint8_t)leaf;
	p[sizeof(pre) + 1] = 0;
	return sizeof(pre) + 2;
}

/* A varbind esg leaf = value (tag, bytes), in TLV type. */
static void
vb(struct fb *f, unsigned int type, unsigned int leaf, uint8_t tag,
   const void *val, size_t vl)
{
	uint8_t s[300];
	size_t n = 2;

	n += esg_oid(s + n, leaf);
	s[n++] = tag;
	s[n++] = (uint8_t)vl;
	memcpy(s + n, val, vl);
	n += vl;
	s[0] = 0x30;
	s[1] = (uint8_t)(n - 2);
	tlv(f, type, s, n);
}

static void
vb_int(struct fb *f, unsigned int leaf, uint8_t v)
{
	vb(f, 11, leaf, 0x02, &v, 1);
}

static const uint8_t v6addr[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0,
				   0,	 0,    0,    0,	   0, 0, 0, 2};

/* start, 4 varbinds (one TLV 64), a receiver, a vendor TLV, an unknown
 * TLV 200, end. */
static void
good_file(struct fb *f)
{
	static const uint8_t notify[] = {
		1, 4,  198,  51,   100,	 2, /* 38.1 */
		8, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0,
		0, 0,  0,    0,	   0,	 0,    0, 0, 2, /* 38.8 */
		2, 2,  0x27, 0x10,			/* 38.2 port 10000 */
		3, 2,  0,    3,				/* 38.3 inform */
		4, 2,  0x03, 0xe8,			/* 38.4 1000 ms */
		5, 2,  0,    2,				/* 38.5 2 retries */
		7, 3,  'e',  's',  'g',			/* 38.7 */
		6, 4,  0x06, 0x02, 0x2b, 0x06,		/* 38.6 filter 1.3.6 */
	};
	static const uint8_t vendor[] = {8, 3, 0x00, 0x00, 0xca,
					 1, 2, 0xab, 0xcd};
	static const uint8_t unknown[] = {9, 9};

	f->n = 0;
	marker(f, 0x01);
	vb_int(f, 1, 3);			     /* dual stack */
	vb_int(f, 2, 2);			     /* signalling IPv6 */
	vb(f, 64, 4, 0x04, "proxy.example.net", 17); /* TLV 64 */
	vb_int(f, 6, 5);			     /* syslog level */
	tlv(f, 38, notify, sizeof(notify));
	tlv(f, 43, vendor, sizeof(vendor));
	tlv(f, 200, unknown, sizeof(unknown));
	marker(f, 0xff);
}

static struct cp_cfgfile *
cf_new(void)
{
	struct cp_cfgfile *cf = malloc(sizeof(*cf));

	assert_non_null(cf);
	memset(cf, 0xa5, sizeof(*cf)); /* "the previous configuration" */
	return cf;
}

static bool
untouched(const struct cp_cfgfile *cf)
{
	const uint8_t *p = (const uint8_t *)cf;
	size_t i;

	for (i = 0; i < sizeof(*cf); i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

static void
sha1(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, uint8_t *md)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	assert_non_null(c);
	assert_true(EVP_DigestInit_ex(c, EVP_sha1(), NULL));
	assert_true(EVP_DigestUpdate(c, a, al));
	assert_true(EVP_DigestUpdate(c, b, bl));
	assert_true(EVP_DigestFinal_ex(c, md, NULL));
	EVP_MD_CTX_free(c);
}

/* Refused with exactly this reason, out untouched. */
static void
refused(const struct fb *f, const uint8_t *ext, const char *reason)
{
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_err e;

	assert_int_equal(cp_cfgfile_parse(f->b, f->n, ext, cf, &e), EBADMSG);
	assert_string_equal(e.reason, reason);
	assert_true(untouched(cf));
	free(cf);
}

static void
test_good(void **state)
{
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_err e;
	struct fb f;
	uint8_t a[16];
	size_t alen;
	char t[128];

	(void)state;
	good_file(&f);
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), 0);
	assert_int_equal(cf->nb_vb, 4);
	assert_int_equal(cf->vb[0].offset, 3);
	assert_int_equal(cf->vb[0].tlv, 11);
	assert_int_equal(cf->vb[0].val.type, CP_CFGFILE_V_INTEGER);
	assert_int_equal(cf->vb[0].val.i, 3);
	assert_int_equal(cp_cfgfile_oid_print(t, sizeof(t), &cf->vb[0].oid), 0);
	assert_string_equal(t, "1.3.6.1.4.1.32473.1.1.1.0");
	assert_int_equal(cf->vb[2].tlv, 64);
	assert_int_equal(cf->vb[2].val.type, CP_CFGFILE_V_OCTETS);
	assert_int_equal(cf->vb[2].val.octets_len, 17);
	assert_memory_equal(cf->vb[2].val.octets, "proxy.example.net", 17);
	/* 38 with every sub-TLV */
	assert_int_equal(cf->nb_notify, 1);
	assert_true(cf->notify[0].has_v4 && cf->notify[0].has_v6);
	assert_int_equal(cf->notify[0].port, 10000);
	assert_int_equal(cf->notify[0].type, CP_CFGFILE_INFORM_V2C);
	assert_int_equal(cf->notify[0].timeout_ms, 1000);
	assert_int_equal(cf->notify[0].retries, 2);
	assert_string_equal(cf->notify[0].secname, "esg");
	assert_int_equal(cf->notify[0].filter.n, 3);
	/* spec 001 6.5: 38.1 in IPv4 mode, 38.8 in lieu of it in IPv6 */
	assert_int_equal(
		cp_cfgfile_notify_addr(&cf->notify[0], false, a, &alen), 0);
	assert_int_equal(alen, 4);
	assert_memory_equal(a, "\xc6\x33\x64\x02", 4);
	assert_int_equal(cp_cfgfile_notify_addr(&cf->notify[0], true, a, &alen),
			 0);
	assert_int_equal(alen, 16);
	assert_memory_equal(a, v6addr, 16);
	/* 43 with its vendor id, the rest kept as is */
	assert_int_equal(cf->nb_vendor, 1);
	assert_memory_equal(cf->vendor[0].oui, "\x00\x00\xca", 3);
	assert_int_equal(cf->vendor[0].data_len, 4);
	/* the unknown TLV skipped and listed */
	assert_int_equal(cf->nb_unknown, 1);
	assert_int_equal(cf->unknown_type[0], 200);
	assert_false(cf->hash_in_file || cf->hash_external);
	free(cf);
}

/* Every shorter file is refused and leaves out alone. */
static void
test_truncated(void **state)
{
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_err e;
	struct fb f;
	size_t n;

	(void)state;
	good_file(&f);
	for (n = 0; n < f.n; n++) {
		assert_int_equal(cp_cfgfile_parse(f.b, n, NULL, cf, &e),
				 EBADMSG);
		assert_true(strncmp(e.reason, "offset ", 7) == 0);
		assert_true(e.offset <= n);
		assert_true(untouched(cf));
	}
	free(cf);
}

static void
test_markers(void **state)
{
	struct fb f = {.n = 0};

	(void)state;
	/* Table 6: the start is the first TLV */
	vb_int(&f, 1, 1);
	marker(&f, 0xff);
	refused(&f, NULL,
		"offset 0: the file does not start with TLV 254 value 0x01 "
		"(start of file)");
	f.n = 0;
	marker(&f, 0x01);
	vb_int(&f, 1, 1);
	refused(&f, NULL,
		"offset 24: the file ends without the end marker (TLV 254 "
		"value 0xFF)");
	/* the end is the last TLV */
	marker(&f, 0xff);
	put8(&f, 0);
	refused(&f, NULL,
		"offset 27: 1 bytes after the end marker (TLV 254 value "
		"0xFF)");
	f.n = 3;
	marker(&f, 0x01);
	refused(&f, NULL,
		"offset 3: a second start marker (TLV 254 value 0x01)");
	f.n = 3;
	tlv(&f, 254, "\xff\xff", 2);
	refused(&f, NULL, "offset 3: TLV 254 of length 2 (1)");
	f.n = 3;
	marker(&f, 0x07);
	refused(&f, NULL,
		"offset 3: TLV 254 value 0x07 (0x01 start, 0xFF end)");
	/* the empty file between the markers is a file */
	f.n = 3;
	marker(&f, 0xff);
	{
		struct cp_cfgfile *cf = cf_new();
		struct cp_cfgfile_err e;

		assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), 0);
		assert_int_equal(cf->nb_vb, 0);
		free(cf);
	}
}

static void
test_lengths(void **state)
{
	struct fb f = {.n = 0};

	(void)state;
	marker(&f, 0x01);
	vb_int(&f, 1, 1);
	/* TLV 64's length has two octets (Table 6): 300 > what is left */
	put(&f, "\x40\x01\x2c\x30\x06\x06\x01\x2b\x02\x01\x01", 11);
	refused(&f, NULL,
		"offset 24: TLV 64 length 300 runs past the end of the file "
		"(len 35)");
	f.n = 24;
	put(&f, "\x40\x01", 2);
	refused(&f, NULL, "offset 24: TLV 64 header truncated (2 bytes left)");
	f.n = 24;
	put(&f, "\x0b\x09\x30", 3);
	refused(&f, NULL,
		"offset 24: TLV 11 length 9 runs past the end of the file "
		"(len 27)");
	/* a sub-TLV running past its TLV 38 */
	f.n = 24;
	put(&f, "\x26\x04\x03\x05\x00\x02", 6);
	marker(&f, 0xff);
	refused(&f, NULL,
		"offset 26: sub-TLV 38.3 length 5 runs past TLV 38 (2 bytes "
		"left)");
}

/* BER of a varbind (X.690), each refused with its reason. */
static void
ber_case(const char *ber, size_t n, const char *reason)
{
	struct fb f = {.n = 0};

	marker(&f, 0x01);
	tlv(&f, 11, ber, n);
	marker(&f, 0xff);
	refused(&f, NULL, reason);
}

static void
test_ber(void **state)
{
	(void)state;
	ber_case("\x04\x00", 2,
		 "offset 5: varbind is not a BER SEQUENCE (tag 0x04)");
	ber_case("\x30\x80\x00\x00", 4,
		 "offset 6: BER indefinite length refused");
	ber_case("\x30\x83\x00\x00\x00", 5,
		 "offset 6: BER length of 3 octets (at most 2)");
	ber_case("\x30\x05\x06\x01\x2b\x02\x00\x00", 8,
		 "offset 12: 1 bytes after the varbind SEQUENCE");
	ber_case("\x30\x05\x02\x01\x2b\x02\x00", 7,
		 "offset 7: varbind name is not an OBJECT IDENTIFIER (tag "
		 "0x02)");
	ber_case("\x30\x06\x06\x02\x2b\x81\x02\x00", 8,
		 "offset 10: OID ends inside a sub-identifier");
	ber_case("\x30\x07\x06\x03\x2b\x80\x01\x02\x00", 9,
		 "offset 10: OID sub-identifier with a leading 0x80 (X.690 "
		 "8.19.2)");
	ber_case("\x30\x0a\x06\x01\x2b\x02\x05\x00\x00\x00\x00\x01", 12,
		 "offset 12: INTEGER of 5 bytes (1 to 4)");
	ber_case("\x30\x05\x06\x01\x2b\x05\x00", 7,
		 "offset 10: unsupported BER value type 0x05");
	ber_case("\x30\x08\x06\x01\x2b\x40\x03\x0a\x00\x00", 10,
		 "offset 12: IpAddress of 3 bytes (4)");
	ber_case("\x30\x07\x06\x01\x2b\x41\x02\x80\x00", 9,
		 "offset 12: unsigned 32-bit value (tag 0x41) badly encoded "
		 "in 2 bytes");
	ber_case("\x30\x06\x06\x01\x2b\x02\x05\x00", 8,
		 "offset 10: BER tag 0x02 length 5 runs past its container "
		 "(1 bytes left)");
}

static void
test_ber_types(void **state)
{
	static const uint8_t b[] = {
		0x30, 0x0a, 0x06, 0x01, 0x2b, 0x02, 0x02, 0xff, 0x38, /* -200 */
	};
	struct cp_cfgfile_varbind v;
	struct cp_cfgfile_err e;

	(void)state;
	assert_int_equal(cp_cfgfile_varbind_decode(b, 9, 0, &v, &e), EBADMSG);
	assert_int_equal(cp_cfgfile_varbind_decode(
				 (const uint8_t *)"\x30\x07\x06\x01\x2b\x02"
						  "\x02\xff\x38",
				 9, 0, &v, &e),
			 0);
	assert_int_equal(v.val.type, CP_CFGFILE_V_INTEGER);
	assert_int_equal(v.val.i, -200);
	assert_int_equal(v.oid.n, 2);
	assert_int_equal(cp_cfgfile_varbind_decode(
				 (const uint8_t *)"\x30\x0a\x06\x01\x2b\x43"
						  "\x05\x00\xff\xff\xff\xff",
				 12, 0, &v, &e),
			 0);
	assert_int_equal(v.val.type, CP_CFGFILE_V_TIMETICKS);
	assert_int_equal(v.val.u, 0xffffffffu);
	assert_int_equal(cp_cfgfile_varbind_decode(
				 (const uint8_t *)"\x30\x09\x06\x01\x2b\x06"
						  "\x04\x2b\x06\x81\x00",
				 11, 0, &v, &e),
			 0);
	assert_int_equal(v.val.type, CP_CFGFILE_V_OID);
	assert_int_equal(v.val.oid.n, 4);
	assert_int_equal(v.val.oid.sub[3], 128);
}

static void
test_notify(void **state)
{
	struct fb f = {.n = 0};
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_err e;
	uint8_t a[16];
	size_t alen;

	(void)state;
	marker(&f, 0x01);
	tlv(&f, 38, "\x01\x04\x0a\x00\x00\x01", 6);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 3: TLV 38 without its trap type (38.3)");
	f.n = 3;
	tlv(&f, 38, "\x03\x02\x00\x02", 4);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 3: TLV 38 without an address (38.1 or 38.8)");
	f.n = 3;
	tlv(&f, 38, "\x03\x02\x00\x09\x01\x04\x0a\x00\x00\x01", 10);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 5: sub-TLV 38.3: trap type 9 (1 to 5)");
	f.n = 3;
	tlv(&f, 38, "\x03\x02\x00\x02\x01\x03\x0a\x00\x00", 9);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 9: sub-TLV 38.1 of length 3 (4)");
	f.n = 3;
	tlv(&f, 38, "\x03\x02\x00\x02\x03\x02\x00\x02", 8);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 9: sub-TLV 38.3 repeated");
	/* an IPv6-only receiver: defaults, none in IPv4 mode (6.5) */
	f.n = 3;
	{
		uint8_t n[22] = {3, 2, 0, 2, 8, 16};

		memcpy(n + 6, v6addr, 16);
		tlv(&f, 38, n, sizeof(n));
	}
	marker(&f, 0xff);
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), 0);
	assert_int_equal(cf->notify[0].port, 162);
	assert_int_equal(cf->notify[0].timeout_ms, 15000);
	assert_int_equal(cf->notify[0].retries, 3);
	assert_int_equal(
		cp_cfgfile_notify_addr(&cf->notify[0], false, a, &alen),
		ENOENT);
	assert_int_equal(cp_cfgfile_notify_addr(&cf->notify[0], true, a, &alen),
			 0);
	free(cf);
}

static void
test_vendor(void **state)
{
	struct fb f = {.n = 0};

	(void)state;
	marker(&f, 0x01);
	tlv(&f, 43, "\x01\x01\x00", 3);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 3: TLV 43 without its vendor id (43.8)");
	f.n = 3;
	tlv(&f, 43, "\x08\x02\x00\x00", 4);
	marker(&f, 0xff);
	refused(&f, NULL, "offset 5: vendor id (43.8) of length 2 (3)");
}

/* The hash TLV (CableLabs pktcMtaDevProvConfigHash.0) before the end. */
static size_t
add_hash(struct fb *f, bool good)
{
	static const uint8_t pre[] = {0x0b, 0x28, 0x30, 0x26, 0x06, 0x0e,
				      0x2b, 0x06, 0x01, 0x04, 0x01, 0xa3,
				      0x0b, 0x02, 0x02, 0x01, 0x01, 0x02,
				      0x07, 0x00, 0x04, 0x14};
	size_t at = f->n;
	uint8_t md[20];

	/* the file without the hash TLV: what comes before and the end */
	sha1(f->b, at, (const uint8_t *)"\xfe\x01\xff", 3, md);
	if (!good)
		md[0] ^= 0x80;
	put(f, pre, sizeof(pre));
	put(f, md, 20);
	marker(f, 0xff);
	return at;
}

static void
test_hash(void **state)
{
	struct fb f = {.n = 0};
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_err e;
	uint8_t md[20];

	(void)state;
	marker(&f, 0x01);
	vb_int(&f, 1, 1);
	add_hash(&f, true);
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), 0);
	assert_true(cf->hash_in_file);
	assert_int_equal(cf->nb_vb, 1); /* the hash is not a setting */
	/* eUE-19/eUE-23: the out-of-band hash of the whole file */
	sha1(f.b, f.n, NULL, 0, md);
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, md, cf, &e), 0);
	assert_true(cf->hash_external && cf->hash_in_file);
	assert_memory_equal(cf->sha1, md, 20);
	free(cf);
	md[5] ^= 1;
	cf = cf_new();
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, md, cf, &e), EBADMSG);
	assert_int_equal(e.offset, 0);
	assert_non_null(strstr(e.reason, "configuration hash mismatch"));
	assert_true(untouched(cf));
	free(cf);
	/* a wrong hash in the file, at its offset */
	f.n = 0;
	marker(&f, 0x01);
	vb_int(&f, 1, 1);
	add_hash(&f, false);
	cf = cf_new();
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), EBADMSG);
	assert_int_equal(e.offset, 24);
	assert_true(strncmp(e.reason,
			    "offset 24: configuration hash mismatch: SHA-1 of "
			    "the file without its hash TLV ",
			    79) == 0);
	assert_true(untouched(cf));
	free(cf);
	/* the hash must be 20 bytes of OCTET STRING */
	f.n = 3;
	put(&f,
	    "\x0b\x15\x30\x13\x06\x0e\x2b\x06\x01\x04\x01\xa3\x0b\x02\x02"
	    "\x01\x01\x02\x07\x00\x04\x01\x00",
	    23);
	marker(&f, 0xff);
	refused(&f, NULL,
		"offset 3: configuration hash is not an OCTET STRING of 20 "
		"bytes (SHA-1)");
}

static void
test_apply(void **state)
{
	struct fb f;
	struct cp_cfgfile *cf = cf_new();
	struct cp_cfgfile_settings s, before;
	struct cp_cfgfile_err e;

	(void)state;
	good_file(&f);
	assert_int_equal(cp_cfgfile_parse(f.b, f.n, NULL, cf, &e), 0);
	cp_cfgfile_settings_init(&s);
	s.sip_port = 5062; /* not in the file: kept */
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), 0);
	assert_int_equal(s.stack, CP_CFGFILE_STACK_DUAL);
	assert_int_equal(s.sig_family, CP_CFGFILE_FAMILY_IPV6);
	assert_int_equal(s.media_family, CP_CFGFILE_FAMILY_UNSET);
	assert_string_equal(s.trunk_proxy, "proxy.example.net");
	assert_int_equal(s.syslog_level, 5);
	assert_int_equal(s.sip_port, 5062);

	/* refusals leave s as it was */
	before = s;
	cf->vb[0].val.i = 4;
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), EINVAL);
	assert_string_equal(e.reason, "offset 3: esgStackMode "
				      "(1.3.6.1.4.1.32473.1.1.1.0) = 4, out "
				      "of 1..3");
	assert_memory_equal(&s, &before, sizeof(s));
	cf->vb[0].val.type = CP_CFGFILE_V_OCTETS;
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), EINVAL);
	assert_string_equal(e.reason, "offset 3: esgStackMode "
				      "(1.3.6.1.4.1.32473.1.1.1.0) is int, "
				      "not str");
	cf->vb[0].val.type = CP_CFGFILE_V_INTEGER;
	cf->vb[0].oid.sub[9] = 99;
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), EINVAL);
	assert_string_equal(e.reason, "offset 3: OID 1.3.6.1.4.1.32473.1.1."
				      "99.0 is not in the esg mapping table");
	/* spec 000 8.1.3: single-stack IPv4 with IPv6 signalling */
	cf->vb[0].oid.sub[9] = 1;
	cf->vb[0].val.i = 1;
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), EINVAL);
	assert_string_equal(e.reason,
			    "offset 3: esgStackMode is single-stack IPv4 but "
			    "the signalling or preferred media family is the "
			    "other one (spec 000 8.1.3)");
	assert_memory_equal(&s, &before, sizeof(s));
	/* a trunk proxy with a blank is not a host */
	cf->vb[0].val.i = 3;
	memcpy(cf->vb[2].val.octets, "proxy example", 13);
	cf->vb[2].val.octets_len = 13;
	assert_int_equal(cp_cfgfile_apply(cf, &s, &e), EINVAL);
	assert_non_null(strstr(e.reason, "esgTrunkProxy"));
	free(cf);
}

static void
test_oid_text(void **state)
{
	struct cp_cfgfile_oid o;
	char t[64];

	(void)state;
	assert_int_equal(cp_cfgfile_oid_parse("1.3.6.1.4.1.32473.1", &o), 0);
	assert_int_equal(o.n, 8);
	assert_int_equal(cp_cfgfile_oid_print(t, sizeof(t), &o), 0);
	assert_string_equal(t, "1.3.6.1.4.1.32473.1");
	assert_int_equal(cp_cfgfile_oid_parse("1", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("1.40", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("3.1", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("1..3", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("1.3.x", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("1.3.4294967296", &o), EINVAL);
	assert_int_equal(cp_cfgfile_oid_parse("1.3.6.1.4.1.32473.1", &o), 0);
	assert_int_equal(cp_cfgfile_oid_print(t, 4, &o), ENOSPC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_ber),
		cmocka_unit_test(test_ber_types),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_vendor),
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_oid_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
