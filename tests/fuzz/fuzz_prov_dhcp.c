/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the DHCP shim (controlplane/prov/dhcp/) parses any bytes as
 * DHCPv4 and as DHCPv6 without crashing; a refusal names its reason; a
 * packet it accepts builds again (the parsed struct is within bounds) and
 * that packet parses again.
 */
#include <stdint.h>
#include <stdlib.h>

#include "esg_dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check4(const uint8_t *data, size_t size)
{
	static struct esg_dhcp4_msg m, m2;
	static uint8_t out[4096];
	char err[ESG_DHCP_ERR_LEN];
	size_t len = 0;

	err[0] = '\0';
	if (esg_dhcp4_parse(data, size, &m, err) != 0) {
		if (err[0] == '\0')
			abort(); /* a refusal must say why */
		return;
	}
	err[0] = '\0';
	if (esg_dhcp4_build(&m, out, sizeof(out), &len, err) != 0) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (esg_dhcp4_parse(out, len, &m2, err) != 0)
		abort(); /* what the shim builds, it parses */
	if (m2.type != m.type || m2.xid != m.xid)
		abort();
}

static void
check6(const uint8_t *data, size_t size)
{
	static struct esg_dhcp6_msg m, m2;
	static uint8_t out[8192];
	char err[ESG_DHCP_ERR_LEN];
	size_t len = 0;

	err[0] = '\0';
	if (esg_dhcp6_parse(data, size, &m, err) != 0) {
		if (err[0] == '\0')
			abort();
		return;
	}
	err[0] = '\0';
	if (esg_dhcp6_build(&m, out, sizeof(out), &len, err) != 0) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (esg_dhcp6_parse(out, len, &m2, err) != 0)
		abort();
	if (m2.type != m.type || m2.xid != m.xid)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check4(data, size);
	check6(data, size);
	return 0;
}
