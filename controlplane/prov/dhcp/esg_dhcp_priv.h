/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside of the esg_dhcp shim (C++ only, never included from C): the
 * error helper, the wire walkers that check option framing before Kea
 * sees a packet, and DNS name encoding.
 */
#ifndef ESG_DHCP_PRIV_H
#define ESG_DHCP_PRIV_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "esg_dhcp.h"

namespace esg_dhcp
{

/* Write a reason into err (ESG_DHCP_ERR_LEN bytes, may be NULL); returns
 * e so callers can `return fail(err, EBADMSG, ...)`. */
int fail(char *err, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Kea's option unpackers stop silently at a truncated option (they keep
 * what came before: "be liberal in what you accept"). A provisioning
 * client must not act on half a packet, so the shim walks the framing
 * first and refuses: every option header and body inside the buffer.
 */
/* DHCPv4 options area (RFC 2132 2: pad 0, end 255, code + 1-byte len). */
int walk4(const uint8_t *p, size_t len, char *err);
/* DHCPv6 options (RFC 8415 21.1: 2-byte code, 2-byte len); recurses into
 * the containers the shim decodes (IA_NA, IAADDR, vendor opts, s46). */
int walk6(const uint8_t *p, size_t len, int depth, char *err);

/* RFC 1035 3.1 wire-form name <-> dotted text ("a.b"; "" for root). */
int dns_decode(const uint8_t *p, size_t len, char *out, size_t cap);
int dns_encode(const char *name, std::vector<uint8_t> &out);

/* Bounded copy of a byte string into a NUL-ended char array. */
void copy_str(char *dst, size_t cap, const uint8_t *p, size_t len);
void copy_str(char *dst, size_t cap, const std::string &s);

/* memcpy that takes an empty vector's NULL data() (UBSan: nonnull). */
static inline void
copy_mem(void *dst, const void *src, size_t n)
{
	if (n > 0)
		__builtin_memcpy(dst, src, n);
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline void
put16(std::vector<uint8_t> &v, uint16_t x)
{
	v.push_back((uint8_t)(x >> 8));
	v.push_back((uint8_t)x);
}

static inline void
put32(std::vector<uint8_t> &v, uint32_t x)
{
	put16(v, (uint16_t)(x >> 16));
	put16(v, (uint16_t)x);
}

} // namespace esg_dhcp

#endif /* ESG_DHCP_PRIV_H */
