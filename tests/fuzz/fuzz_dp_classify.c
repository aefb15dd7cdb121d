/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target of the dataplane's packet classifier (dp_classify: Ethernet,
 * 802.1Q, ARP, IPv4, IPv6 and its extension headers, ICMP/UDP/TCP first
 * bytes, the media port range). Every input is classified for an untagged
 * and a tagged interface; a verdict must name a drop reason or stay inside
 * the input, and a media verdict must leave a whole UDP header right after
 * a plain IPv4/IPv6 header. No EAL: the classifier works on (buf, len)
 * only.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct dp_iface *ifc, const struct dp_addrs *a, const uint8_t *data,
      size_t size)
{
	struct dp_pkt_info pi;
	enum dp_class cls;

	cls = dp_classify(ifc, a, data, (uint32_t)size, &pi);
	switch (cls) {
	case DP_CLASS_DROP:
		if (pi.drop >= DP_DROP_MAX)
			abort();
		return;
	case DP_CLASS_ARP:
	case DP_CLASS_ND:
	case DP_CLASS_ECHO4:
	case DP_CLASS_ECHO6:
	case DP_CLASS_EXC:
		break;
	case DP_CLASS_MEDIA:
		/* The relay reads UDP at l2 + l3 and trusts its length. */
		if (pi.l3_len != 20 && pi.l3_len != 40)
			abort();
		if ((size_t)pi.l2_len + pi.l3_len + 8 > size ||
		    pi.l3_len + 8u > pi.ip_len)
			abort();
		if (((size_t)data[pi.l2_len + pi.l3_len + 4] << 8 |
		     data[pi.l2_len + pi.l3_len + 5]) > pi.ip_len - pi.l3_len)
			abort();
		break;
	case DP_CLASS_RELAY_OUT:
		abort(); /* never a verdict of the classifier */
	}
	/* What the handlers will read must be inside the frame. */
	if ((size_t)pi.l2_len + pi.ip_len > size || pi.l3_len > pi.ip_len)
		abort();
	if (cls == DP_CLASS_ECHO4 && pi.ip_len < pi.l3_len + 8u)
		abort();
	if ((cls == DP_CLASS_ND || cls == DP_CLASS_ECHO6) && pi.ip_len < 44)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
	static const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1};
	struct dp_addrs a;
	struct dp_iface ifc;
	uint8_t *copy;

	memset(&a, 0, sizeof(a));
	memset(&ifc, 0, sizeof(ifc));
	a.nb4 = 1;
	a.a4[0].addr = 0x010200c0; /* 192.0.2.1, network order */
	a.a4[0].plen = 24;
	a.nb6 = 1;
	memcpy(a.a6[0].addr, ip6, 16);
	a.a6[0].plen = 64;
	memcpy(ifc.mac.addr_bytes, mac, 6);
	ifc.media_port_min = 16384; /* the default range */
	ifc.media_port_max = 32767;
	/* An exact-size copy so a sanitizer sees any read past the end. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	check(&ifc, &a, copy, size);
	ifc.vlan = 100;
	check(&ifc, &a, copy, size);
	free(copy);
	return 0;
}
