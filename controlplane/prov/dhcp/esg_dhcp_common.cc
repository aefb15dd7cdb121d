/* SPDX-License-Identifier: BSD-3-Clause */
/* The shim's shared helpers: errors, framing walkers, DNS names,
 * sub-option lists. */
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "esg_dhcp_priv.h"

namespace esg_dhcp
{

int
fail(char *err, int e, const char *fmt, ...)
{
	va_list ap;

	if (err != nullptr) {
		va_start(ap, fmt);
		vsnprintf(err, ESG_DHCP_ERR_LEN, fmt, ap);
		va_end(ap);
	}
	return e;
}

int
walk4(const uint8_t *p, size_t len, char *err)
{
	size_t off = 0;

	while (off < len) {
		uint8_t code = p[off];

		if (code == 0) { /* RFC 2132 3.1 pad */
			off++;
			continue;
		}
		if (code == 255) /* RFC 2132 3.2 end: the rest is padding */
			return 0;
		if (off + 2 > len)
			return fail(err, EBADMSG,
				    "option %u at %zu: no length octet", code,
				    off);
		if (off + 2 + p[off + 1] > len)
			return fail(err, EBADMSG,
				    "option %u at %zu: length %u past the end",
				    code, off, p[off + 1]);
		off += 2 + (size_t)p[off + 1];
	}
	/* RFC 2131 4.1 / RFC 2132 3.2: the options field ends with end. */
	return fail(err, EBADMSG, "options without the end option (255)");
}

/* Which DHCPv6 options hold options, and where their options start. */
static int
walk6_inner(uint16_t code, size_t *skipp)
{
	switch (code) {
	case 3: /* IA_NA: IAID, T1, T2 (RFC 8415 21.4) */
		*skipp = 12;
		return 1;
	case 5: /* IAADDR: address, preferred, valid (RFC 8415 21.6) */
		*skipp = 24;
		return 1;
	case 17: /* vendor opts: enterprise number (RFC 8415 21.17) */
		*skipp = 4;
		return 1;
	case 94: /* RFC 7598 containers: options only */
	case 95:
	case 96:
		*skipp = 0;
		return 1;
	case 89: /* S46_RULE: flags, ea-len, prefix4-len, ipv4, p6 len */
		*skipp = 8;
		return 2; /* plus the IPv6 prefix, its length decided below */
	case 92:	  /* S46_V4V6BIND: ipv4, prefix6-len, prefix */
		*skipp = 5;
		return 2;
	default:
		return 0;
	}
}

int
walk6(const uint8_t *p, size_t len, int depth, char *err)
{
	size_t off = 0;

	if (depth > 4)
		return fail(err, EBADMSG, "options nested too deep");
	while (off < len) {
		uint16_t code, olen;
		size_t skip = 0;
		int kind;

		if (off + 4 > len)
			return fail(err, EBADMSG,
				    "option header at %zu: %zu bytes left", off,
				    len - off);
		code = get16(p + off);
		olen = get16(p + off + 2);
		if (off + 4 + olen > len)
			return fail(err, EBADMSG,
				    "option %u at %zu: length %u past the end",
				    code, off, olen);
		kind = walk6_inner(code, &skip);
		if (kind != 0) {
			const uint8_t *b = p + off + 4;

			if (olen < skip)
				return fail(err, EBADMSG,
					    "option %u: length %u < %zu", code,
					    olen, skip);
			if (kind == 2) { /* RFC 7598: prefix in ceil(len/8) */
				uint8_t plen = b[skip - 1];

				if (plen > 128)
					return fail(err, EBADMSG,
						    "option %u: prefix length "
						    "%u",
						    code, plen);
				skip += (plen + 7u) / 8u;
				if (olen < skip)
					return fail(err, EBADMSG,
						    "option %u: prefix past "
						    "its length",
						    code);
			}
			/* vendor opts of another enterprise: not ours to
			 * frame-check */
			if (!(code == 17 &&
			      get32(b) != ESG_DHCP_ENTERPRISE_CL)) {
				int e = walk6(b + skip, olen - skip, depth + 1,
					      err);
				if (e != 0)
					return e;
			}
		}
		off += 4 + (size_t)olen;
	}
	return 0;
}

int
dns_decode(const uint8_t *p, size_t len, char *out, size_t cap)
{
	size_t off = 0, o = 0;

	if (cap == 0)
		return ENOSPC;
	out[0] = '\0';
	while (off < len) {
		uint8_t l = p[off++];

		if (l == 0)
			return off == len ? 0 : EBADMSG;
		if (l > 63 || off + l > len) /* RFC 1035 2.3.4; no pointers */
			return EBADMSG;
		if (o + l + 2 > cap)
			return ENOSPC;
		if (o > 0)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			char c = (char)p[off + i];
			if (c == '\0' || c == '.')
				return EBADMSG;
			out[o++] = c;
		}
		out[o] = '\0';
		off += l;
	}
	/* no terminating root label: a partial name (RFC 4704 4.1) */
	return 0;
}

int
dns_encode(const char *name, std::vector<uint8_t> &out)
{
	const char *s = name;

	while (*s != '\0') {
		const char *dot = strchr(s, '.');
		size_t l = dot != nullptr ? (size_t)(dot - s) : strlen(s);

		if (l == 0 || l > 63)
			return EINVAL;
		out.push_back((uint8_t)l);
		out.insert(out.end(), s, s + l);
		s += l;
		if (*s == '.')
			s++;
	}
	out.push_back(0);
	return 0;
}

void
copy_str(char *dst, size_t cap, const uint8_t *p, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	copy_mem(dst, p, len);
	dst[len] = '\0';
}

void
copy_str(char *dst, size_t cap, const std::string &s)
{
	copy_str(dst, cap, (const uint8_t *)s.data(), s.size());
}

} // namespace esg_dhcp

extern "C" int
esg_dhcp_subopt_add(struct esg_dhcp_subopts *l, uint16_t code, const void *data,
		    size_t len)
{
	struct esg_dhcp_subopt *o;

	if (l->n >= ESG_DHCP_MAX_SUBOPTS || len > ESG_DHCP_MAX_OPTLEN)
		return ENOSPC;
	o = &l->o[l->n++];
	o->code = code;
	o->len = (uint16_t)len;
	if (len > 0)
		memcpy(o->data, data, len);
	return 0;
}

extern "C" const struct esg_dhcp_subopt *
esg_dhcp_subopt_find(const struct esg_dhcp_subopts *l, uint16_t code)
{
	for (unsigned i = 0; i < l->n && i < ESG_DHCP_MAX_SUBOPTS; i++)
		if (l->o[i].code == code)
			return &l->o[i];
	return nullptr;
}
