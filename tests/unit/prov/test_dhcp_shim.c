/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The esg_dhcp shim (controlplane/prov/dhcp/), from C:
 * - round trips of every option family the ESG sends or reads: DHCPv4
 *   standard options, 43 (spec 000 8.1.3: "SESG" in sub-option 2), 60,
 *   122 (RFC 3495), 125 (RFC 3925, enterprise 4491); DHCPv6 IA_NA, ORO,
 *   FQDN (RFC 4704), DNS (RFC 3646), 16/17 with the CableLabs options of
 *   PKT-EUE-PROV 6.3.4.3 eUE-1 (CL_OPTION_ORO, DEVICE_TYPE "SESG", 32,
 *   33, 34, CCCv6 2171), AFTR name (RFC 6334) and the RFC 7598 softwire
 *   containers 94/95/96 with 89-93 inside;
 * - parse of byte vectors written here by hand from the RFC layouts;
 * - PKT-EUE-PROV 6.4.1.4: a DSS_ID counts for its first 32 bytes;
 * - malformed packets (truncated options, bad lengths, overlong) refused
 *   with EBADMSG and a reason, never a crash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "esg_dhcp.h"

static struct esg_dhcp4_msg m4, r4;
static struct esg_dhcp6_msg m6, r6;
static uint8_t buf[2048];

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static size_t
build4(void)
{
	char err[ESG_DHCP_ERR_LEN] = "";
	size_t len = 0;

	assert_int_equal(esg_dhcp4_build(&m4, buf, sizeof(buf), &len, err), 0);
	assert_int_equal(esg_dhcp4_parse(buf, len, &r4, err), 0);
	return len;
}

static size_t
build6(void)
{
	char err[ESG_DHCP_ERR_LEN] = "";
	size_t len = 0;

	assert_int_equal(esg_dhcp6_build(&m6, buf, sizeof(buf), &len, err), 0);
	if (esg_dhcp6_parse(buf, len, &r6, err) != 0)
		fail_msg("parse: %s", err);
	return len;
}

/* spec 000 8.1.3: DISCOVER with "SESG" in option 43 sub-option 2, an
 * option 60, and 122 asked for in option 55 (RFC 3495 / PKT-PROV1.5). */
static void
test_v4_discover_round_trip(void **state)
{
	static const uint8_t mac[6] = {0x02, 0, 0x5e, 0x10, 0, 1};
	static const uint8_t prl[] = {1, 3, 6, 7, 12, 15, 43, 122, 125};
	const struct esg_dhcp_subopt *o;
	(void)state;

	memset(&m4, 0, sizeof(m4));
	m4.type = ESG_DHCP4_DISCOVER;
	m4.xid = 0x12345678;
	m4.secs = 3;
	m4.flags = 0x8000;
	m4.htype = 1;
	m4.hlen = 6;
	memcpy(m4.chaddr, mac, 6);
	m4.present = ESG_DHCP4_HAS_VENDOR_ENC | ESG_DHCP4_HAS_VENDOR_CLASS |
		     ESG_DHCP4_HAS_CLIENT_ID;
	assert_int_equal(esg_dhcp_subopt_add(&m4.vendor_enc, 2, "SESG", 4), 0);
	memcpy(m4.vendor_class, "pktc1.5:051f0101", 16);
	m4.vendor_class_len = 16;
	m4.client_id[0] = 1;
	memcpy(m4.client_id + 1, mac, 6);
	m4.client_id_len = 7;
	memcpy(m4.prl, prl, sizeof(prl));
	m4.n_prl = sizeof(prl);
	build4();

	assert_int_equal(r4.type, ESG_DHCP4_DISCOVER);
	assert_int_equal(r4.xid, 0x12345678);
	assert_int_equal(r4.secs, 3);
	assert_int_equal(r4.flags, 0x8000);
	assert_int_equal(r4.hlen, 6);
	assert_memory_equal(r4.chaddr, mac, 6);
	o = esg_dhcp_subopt_find(&r4.vendor_enc, 2);
	assert_non_null(o);
	assert_int_equal(o->len, 4);
	assert_memory_equal(o->data, "SESG", 4);
	assert_true(r4.present & ESG_DHCP4_HAS_VENDOR_CLASS);
	assert_int_equal(r4.vendor_class_len, 16);
	assert_memory_equal(r4.vendor_class, "pktc1.5:051f0101", 16);
	assert_int_equal(r4.n_prl, sizeof(prl));
	assert_memory_equal(r4.prl, prl, sizeof(prl));
	assert_int_equal(r4.client_id_len, 7);
	assert_memory_equal(r4.client_id, m4.client_id, 7);
}

/* An ACK with every option the client reads: RFC 2132 1, 3, 6, 7, 12,
 * 15, 51, 54, 58, 59; siaddr/file (spec 000 8.1.3: the config file);
 * 122 sub-options 1, 2, 3 (FQDN), 6, 8; 125 for 4491 (TFTP servers). */
static void
test_v4_ack_round_trip(void **state)
{
	/* RFC 3495 3.3 / 3.6: type 0 + RFC 1035 name; realm as a name */
	static const uint8_t prov[] = {0,   4, 'p', 'r', 'o',
				       'v', 2, 'e', 'x', 0};
	static const uint8_t realm[] = {5, 'R', 'E', 'A', 'L', 'M',
					3, 'C', 'O', 'M', 0};
	uint8_t timer = 10, tftp[8];
	struct in_addr t0 = a4("198.51.100.7"), t1 = a4("198.51.100.8");
	(void)state;

	memset(&m4, 0, sizeof(m4));
	m4.type = ESG_DHCP4_ACK;
	m4.xid = 7;
	m4.yiaddr = a4("198.51.100.20");
	m4.siaddr = a4("198.51.100.7");
	strcpy(m4.file, "esg-1.cfg");
	strcpy(m4.sname, "tftp.example");
	m4.present = ESG_DHCP4_HAS_MASK | ESG_DHCP4_HAS_LEASE |
		     ESG_DHCP4_HAS_SERVER_ID | ESG_DHCP4_HAS_T1 |
		     ESG_DHCP4_HAS_T2 | ESG_DHCP4_HAS_HOSTNAME |
		     ESG_DHCP4_HAS_DOMAIN | ESG_DHCP4_HAS_CCC |
		     ESG_DHCP4_HAS_VIVSO;
	m4.mask = a4("255.255.255.0");
	m4.routers[0] = a4("198.51.100.1");
	m4.n_routers = 1;
	m4.dns[0] = a4("198.51.100.53");
	m4.dns[1] = a4("198.51.100.54");
	m4.n_dns = 2;
	m4.log[0] = a4("198.51.100.9");
	m4.n_log = 1;
	m4.lease = 3600;
	m4.t1 = 1800;
	m4.t2 = 3150;
	m4.server_id = a4("198.51.100.2");
	strcpy(m4.hostname, "esg1");
	strcpy(m4.domain, "example.net");
	assert_int_equal(esg_dhcp_subopt_add(&m4.ccc.all, 1, &m4.server_id, 4),
			 0);
	assert_int_equal(esg_dhcp_subopt_add(&m4.ccc.all, 2, &t1, 4), 0);
	assert_int_equal(
		esg_dhcp_subopt_add(&m4.ccc.all, 3, prov, sizeof(prov)), 0);
	assert_int_equal(
		esg_dhcp_subopt_add(&m4.ccc.all, 6, realm, sizeof(realm)), 0);
	assert_int_equal(esg_dhcp_subopt_add(&m4.ccc.all, 8, &timer, 1), 0);
	memcpy(tftp, &t0, 4);
	memcpy(tftp + 4, &t1, 4);
	assert_int_equal(esg_dhcp_subopt_add(&m4.vivso, 2, tftp, 8), 0);
	build4();

	assert_int_equal(r4.type, ESG_DHCP4_ACK);
	assert_int_equal(r4.yiaddr.s_addr, m4.yiaddr.s_addr);
	assert_int_equal(r4.siaddr.s_addr, m4.siaddr.s_addr);
	assert_string_equal(r4.file, "esg-1.cfg");
	assert_string_equal(r4.sname, "tftp.example");
	assert_int_equal(r4.mask.s_addr, m4.mask.s_addr);
	assert_int_equal(r4.n_routers, 1);
	assert_int_equal(r4.routers[0].s_addr, m4.routers[0].s_addr);
	assert_int_equal(r4.n_dns, 2);
	assert_int_equal(r4.dns[1].s_addr, m4.dns[1].s_addr);
	assert_int_equal(r4.n_log, 1);
	assert_int_equal(r4.log[0].s_addr, m4.log[0].s_addr);
	assert_int_equal(r4.lease, 3600);
	assert_int_equal(r4.t1, 1800);
	assert_int_equal(r4.t2, 3150);
	assert_int_equal(r4.server_id.s_addr, m4.server_id.s_addr);
	assert_string_equal(r4.hostname, "esg1");
	assert_string_equal(r4.domain, "example.net");
	assert_int_equal(r4.ccc.present,
			 ESG_CCC_HAS_PRIMARY | ESG_CCC_HAS_SECONDARY |
				 ESG_CCC_HAS_PROV_SERVER | ESG_CCC_HAS_REALM |
				 ESG_CCC_HAS_PROV_TIMER);
	assert_int_equal(r4.ccc.primary.s_addr, m4.server_id.s_addr);
	assert_int_equal(r4.ccc.secondary.s_addr, t1.s_addr);
	assert_int_equal(r4.ccc.prov_type, 0);
	assert_string_equal(r4.ccc.prov_fqdn, "prov.ex");
	assert_string_equal(r4.ccc.realm, "REALM.COM");
	assert_int_equal(r4.ccc.prov_timer, 10);
	assert_true(r4.present & ESG_DHCP4_HAS_VIVSO);
	assert_int_equal(r4.vivso.n, 1);
	assert_int_equal(r4.vivso.o[0].code, 2);
	assert_int_equal(r4.vivso.o[0].len, 8);
	assert_memory_equal(r4.vivso.o[0].data, tftp, 8);
}

/* A DHCPv4 NAK written by hand from RFC 2131 2 (fixed header), 3 (magic
 * cookie) and RFC 2132 9.6 / 9.7 / 9.9 (53, 54, 56). */
static size_t
hand_nak(uint8_t *p)
{
	size_t off = 240;

	memset(p, 0, 240);
	p[0] = 2; /* BOOTREPLY */
	p[1] = 1;
	p[2] = 6;
	p[4] = 0xde, p[5] = 0xad, p[6] = 0xbe, p[7] = 0xef;
	p[28] = 0x02, p[33] = 0x01; /* chaddr */
	p[236] = 0x63, p[237] = 0x82, p[238] = 0x53, p[239] = 0x63;
	p[off++] = 53, p[off++] = 1, p[off++] = 6;
	p[off++] = 54, p[off++] = 4;
	p[off++] = 198, p[off++] = 51, p[off++] = 100, p[off++] = 2;
	p[off++] = 56, p[off++] = 3;
	p[off++] = 'n', p[off++] = 'o', p[off++] = '!';
	p[off++] = 0; /* a pad before end (RFC 2132 3.1) */
	p[off++] = 255;
	return off;
}

static void
test_v4_hand_built(void **state)
{
	char err[ESG_DHCP_ERR_LEN];
	size_t len = hand_nak(buf);
	(void)state;

	assert_int_equal(esg_dhcp4_parse(buf, len, &r4, err), 0);
	assert_int_equal(r4.type, ESG_DHCP4_NAK);
	assert_int_equal(r4.xid, 0xdeadbeef);
	assert_int_equal(r4.server_id.s_addr, a4("198.51.100.2").s_addr);
	assert_string_equal(r4.message, "no!");
	assert_int_equal(r4.chaddr[0], 0x02);
	assert_int_equal(r4.chaddr[5], 0x01);
}

static void
expect4_bad(const uint8_t *p, size_t len, const char *why)
{
	char err[ESG_DHCP_ERR_LEN] = "";

	if (esg_dhcp4_parse(p, len, &r4, err) != EBADMSG)
		fail_msg("accepted: %s", why);
	assert_true(err[0] != '\0');
}

static void
test_v4_malformed(void **state)
{
	uint8_t p[400];
	size_t len = hand_nak(p);
	(void)state;

	expect4_bad(p, 100, "shorter than the fixed header");
	expect4_bad(p, 239, "no room for the cookie");
	p[236] = 0;
	expect4_bad(p, len, "bad magic cookie");
	p[236] = 0x63;
	expect4_bad(p, len - 1, "no end option");
	expect4_bad(p, 244, "option 54 cut inside its value");
	expect4_bad(p, 246, "option 54 cut, length octet only");
	p[244] = 200; /* option 54 claims 200 bytes */
	expect4_bad(p, len, "option length past the end");
	len = hand_nak(p);
	p[240] = 0, p[241] = 0, p[242] = 0; /* pads where 53 was */
	expect4_bad(p, len, "no option 53");
	len = hand_nak(p);
	p[242] = 99;
	expect4_bad(p, len, "message type 99");
	/* option 51 with 3 bytes (RFC 2132 9.2: 4) */
	len = hand_nak(p);
	len--;
	p[len++] = 51, p[len++] = 3, p[len++] = 0, p[len++] = 0, p[len++] = 1;
	p[len++] = 255;
	expect4_bad(p, len, "lease time of 3 bytes");
	/* option 122.1 with 3 bytes (RFC 3495 3.1: 4) */
	len = hand_nak(p) - 1;
	p[len++] = 122, p[len++] = 5, p[len++] = 1, p[len++] = 3;
	p[len++] = 1, p[len++] = 2, p[len++] = 3, p[len++] = 255;
	expect4_bad(p, len, "122.1 of 3 bytes");
	/* option 43 whose sub-option runs past the option */
	len = hand_nak(p) - 1;
	p[len++] = 43, p[len++] = 3, p[len++] = 2, p[len++] = 4, p[len++] = 'S';
	p[len++] = 255;
	expect4_bad(p, len, "43 sub-option past its option");
}

static void
test_v4_build_errors(void **state)
{
	char err[ESG_DHCP_ERR_LEN] = "";
	size_t len = 0;
	(void)state;

	memset(&m4, 0, sizeof(m4));
	m4.type = ESG_DHCP4_REQUEST;
	assert_int_equal(esg_dhcp4_build(&m4, buf, 100, &len, err), ENOSPC);
	assert_true(err[0] != '\0');
	m4.type = 0;
	assert_int_equal(esg_dhcp4_build(&m4, buf, sizeof(buf), &len, err),
			 EINVAL);
	m4.type = ESG_DHCP4_REQUEST;
	m4.hlen = 17;
	assert_int_equal(esg_dhcp4_build(&m4, buf, sizeof(buf), &len, err),
			 EINVAL);
	/* overlong: option 43 sub-options adding up to more than 255 */
	m4.hlen = 6;
	m4.present = ESG_DHCP4_HAS_VENDOR_ENC;
	for (int i = 0; i < 3; i++)
		m4.vendor_enc.o[i] = (struct esg_dhcp_subopt){
			.code = (uint16_t)(i + 1), .len = 100};
	m4.vendor_enc.n = 3;
	assert_int_equal(esg_dhcp4_build(&m4, buf, sizeof(buf), &len, err),
			 EINVAL);
}

/* PKT-EUE-PROV 6.3.4.3 eUE-1: the SOLICIT's options; spec 000 8.1.3:
 * CL_OPTION_DEVICE_TYPE = "SESG". */
static void
test_v6_solicit_round_trip(void **state)
{
	static const uint8_t duid[] = {0, 3, 0, 1, 2, 0, 0x5e, 0x10, 0, 1};
	static const uint16_t cl_oro[] = {32, 33, 34, 2171};
	uint8_t serial[] = "SN-1";
	(void)state;

	memset(&m6, 0, sizeof(m6));
	m6.type = ESG_DHCP6_SOLICIT;
	m6.xid = 0xabcdef;
	memcpy(m6.client_id, duid, sizeof(duid));
	m6.client_id_len = sizeof(duid);
	m6.n_ia = 1;
	m6.ia[0].iaid = 1;
	m6.ia[0].status = -1;
	m6.oro[0] = 39, m6.oro[1] = 23, m6.oro[2] = 17;
	m6.n_oro = 3;
	m6.present = ESG_DHCP6_HAS_ELAPSED | ESG_DHCP6_HAS_FQDN |
		     ESG_DHCP6_HAS_VENDOR_CLASS | ESG_DHCP6_HAS_VENDOR_OPTS |
		     ESG_DHCP6_HAS_RECONF_ACCEPT;
	m6.elapsed = 0;
	m6.fqdn_flags = 1; /* S=1, N=0, O=0, empty name (eUE-1) */
	memcpy(m6.vendor_class, "pktc2.0", 7);
	m6.vendor_class_len = 7;
	m6.cl.present = ESG_CL_HAS_ORO | ESG_CL_HAS_DEVICE_TYPE;
	memcpy(m6.cl.oro, cl_oro, sizeof(cl_oro));
	m6.cl.n_oro = 4;
	strcpy(m6.cl.device_type, "SESG");
	assert_int_equal(esg_dhcp_subopt_add(&m6.cl.other, 4, serial, 4), 0);
	build6();

	assert_int_equal(r6.type, ESG_DHCP6_SOLICIT);
	assert_int_equal(r6.xid, 0xabcdef);
	assert_int_equal(r6.client_id_len, sizeof(duid));
	assert_memory_equal(r6.client_id, duid, sizeof(duid));
	assert_int_equal(r6.n_ia, 1);
	assert_int_equal(r6.ia[0].iaid, 1);
	assert_int_equal(r6.ia[0].n_addr, 0);
	assert_int_equal(r6.n_oro, 3);
	assert_int_equal(r6.oro[2], 17);
	assert_true(r6.present & ESG_DHCP6_HAS_ELAPSED);
	assert_true(r6.present & ESG_DHCP6_HAS_RECONF_ACCEPT);
	assert_true(r6.present & ESG_DHCP6_HAS_FQDN);
	assert_int_equal(r6.fqdn_flags, 1);
	assert_string_equal(r6.fqdn, "");
	assert_int_equal(r6.vendor_class_len, 7);
	assert_memory_equal(r6.vendor_class, "pktc2.0", 7);
	assert_true(r6.cl.present & ESG_CL_HAS_ORO);
	assert_int_equal(r6.cl.n_oro, 4);
	assert_memory_equal(r6.cl.oro, cl_oro, sizeof(cl_oro));
	assert_string_equal(r6.cl.device_type, "SESG");
	assert_int_equal(r6.cl.other.n, 1);
	assert_int_equal(r6.cl.other.o[0].code, 4);
	assert_memory_equal(r6.cl.other.o[0].data, "SN-1", 4);
}

/* A REPLY with IA_NA, DNS, FQDN and the CableLabs options the eUE reads
 * (32, 33, 34, 2171 sub-options 1, 3, 6). */
static void
test_v6_reply_round_trip(void **state)
{
	static const uint8_t dss[4] = {1, 2, 3, 4};
	/* CCCv6.3: 2-byte type 1 + IPv6 address */
	uint8_t prov[18] = {0, 1};
	struct in6_addr pa = a6("2001:db8:2::5");
	static const uint8_t realm[] = {5, 'R', 'E', 'A', 'L', 'M', 0};
	(void)state;

	memcpy(prov + 2, &pa, 16);
	memset(&m6, 0, sizeof(m6));
	m6.type = ESG_DHCP6_REPLY;
	m6.xid = 1;
	m6.server_id[0] = 0, m6.server_id[1] = 2;
	m6.server_id_len = 8;
	m6.n_ia = 1;
	m6.ia[0] = (struct esg_dhcp6_ia_na){
		.iaid = 1, .t1 = 900, .t2 = 1440, .status = 0, .n_addr = 1};
	m6.ia[0].addr[0].addr = a6("2001:db8:2::20");
	m6.ia[0].addr[0].preferred = 1800;
	m6.ia[0].addr[0].valid = 3600;
	m6.ia[0].addr[0].status = -1;
	m6.dns[0] = a6("2001:db8:2::53");
	m6.n_dns = 1;
	m6.present = ESG_DHCP6_HAS_FQDN | ESG_DHCP6_HAS_VENDOR_OPTS |
		     ESG_DHCP6_HAS_STATUS | ESG_DHCP6_HAS_PREFERENCE;
	m6.status = 0;
	strcpy(m6.status_msg, "ok");
	m6.preference = 255;
	m6.fqdn_flags = 1;
	strcpy(m6.fqdn, "esg1.example.net.");
	m6.cl.present = ESG_CL_HAS_CONFIG_FILE | ESG_CL_HAS_CCCV6;
	strcpy(m6.cl.config_file, "esg-1.cfg");
	m6.cl.tftp[0] = a6("2001:db8:2::7");
	m6.cl.n_tftp = 1;
	m6.cl.syslog[0] = a6("2001:db8:2::9");
	m6.cl.syslog[1] = a6("2001:db8:2::a");
	m6.cl.n_syslog = 2;
	assert_int_equal(esg_dhcp_subopt_add(&m6.cl.cccv6.all, 1, dss, 4), 0);
	assert_int_equal(esg_dhcp_subopt_add(&m6.cl.cccv6.all, 3, prov, 18), 0);
	assert_int_equal(
		esg_dhcp_subopt_add(&m6.cl.cccv6.all, 6, realm, sizeof(realm)),
		0);
	build6();

	assert_int_equal(r6.type, ESG_DHCP6_REPLY);
	assert_int_equal(r6.server_id_len, 8);
	assert_int_equal(r6.n_ia, 1);
	assert_int_equal(r6.ia[0].t1, 900);
	assert_int_equal(r6.ia[0].t2, 1440);
	assert_int_equal(r6.ia[0].status, 0);
	assert_int_equal(r6.ia[0].n_addr, 1);
	assert_memory_equal(&r6.ia[0].addr[0].addr, &m6.ia[0].addr[0].addr, 16);
	assert_int_equal(r6.ia[0].addr[0].preferred, 1800);
	assert_int_equal(r6.ia[0].addr[0].valid, 3600);
	assert_int_equal(r6.ia[0].addr[0].status, -1);
	assert_int_equal(r6.n_dns, 1);
	assert_memory_equal(&r6.dns[0], &m6.dns[0], 16);
	assert_string_equal(r6.fqdn, "esg1.example.net.");
	assert_true(r6.present & ESG_DHCP6_HAS_STATUS);
	assert_string_equal(r6.status_msg, "ok");
	assert_int_equal(r6.preference, 255);
	assert_string_equal(r6.cl.config_file, "esg-1.cfg");
	assert_int_equal(r6.cl.n_tftp, 1);
	assert_memory_equal(&r6.cl.tftp[0], &m6.cl.tftp[0], 16);
	assert_int_equal(r6.cl.n_syslog, 2);
	assert_memory_equal(&r6.cl.syslog[1], &m6.cl.syslog[1], 16);
	assert_true(r6.cl.present & ESG_CL_HAS_CCCV6);
	assert_int_equal(r6.cl.cccv6.present,
			 ESG_CCCV6_HAS_PRIMARY | ESG_CCCV6_HAS_PROV_SERVER |
				 ESG_CCCV6_HAS_REALM);
	assert_int_equal(r6.cl.cccv6.primary_len, 4);
	assert_memory_equal(r6.cl.cccv6.primary, dss, 4);
	assert_int_equal(r6.cl.cccv6.prov_type, 1);
	assert_memory_equal(&r6.cl.cccv6.prov_addr, &pa, 16);
	assert_string_equal(r6.cl.cccv6.realm, "REALM");
}

/* PKT-EUE-PROV 6.4.1.4: a DSS_ID longer than 32 bytes counts for its
 * first 32; the reserved 4-byte values pass through unchanged. */
static void
test_v6_dss_id_rules(void **state)
{
	uint8_t longid[40], ones[4] = {0xff, 0xff, 0xff, 0xff};
	(void)state;

	for (int i = 0; i < 40; i++)
		longid[i] = (uint8_t)i;
	memset(&m6, 0, sizeof(m6));
	m6.type = ESG_DHCP6_ADVERTISE;
	m6.present = ESG_DHCP6_HAS_VENDOR_OPTS;
	m6.cl.present = ESG_CL_HAS_CCCV6;
	assert_int_equal(esg_dhcp_subopt_add(&m6.cl.cccv6.all, 1, longid, 40),
			 0);
	assert_int_equal(esg_dhcp_subopt_add(&m6.cl.cccv6.all, 2, ones, 4), 0);
	build6();
	assert_int_equal(r6.cl.cccv6.primary_len, 40);
	assert_memory_equal(r6.cl.cccv6.primary, longid, 32);
	assert_int_equal(r6.cl.cccv6.secondary_len, 4);
	assert_memory_equal(r6.cl.cccv6.secondary, ones, 4);
}

/* RFC 6334 AFTR name; RFC 7598 MAP-E (94: rule 89 + port params 93, BR
 * 90), MAP-T (95: rule, DMR 91), lw4o6 (96: BR, V4V6BIND 92 + 93). */
static void
test_v6_softwire_round_trip(void **state)
{
	struct esg_s46_cont *c;
	(void)state;

	memset(&m6, 0, sizeof(m6));
	m6.type = ESG_DHCP6_REPLY;
	m6.present = ESG_DHCP6_HAS_AFTR;
	strcpy(m6.aftr_name, "aftr.example.net");
	m6.n_s46 = 3;
	c = &m6.s46[0];
	c->kind = ESG_S46_MAPE;
	c->n_rules = 1;
	c->rules[0] = (struct esg_s46_rule){
		.flags = 1,
		.ea_len = 16,
		.prefix4_len = 24,
		.prefix4 = a4("192.0.2.0"),
		.prefix6_len = 56,
		.prefix6 = a6("2001:db8:ff00::"),
		.has_portparams = 1,
		.portparams = {.offset = 6, .psid_len = 8, .psid = 0x34}};
	c->br[0] = a6("2001:db8:ffff::1");
	c->n_br = 1;
	c = &m6.s46[1];
	c->kind = ESG_S46_MAPT;
	c->n_rules = 1;
	c->rules[0] = (struct esg_s46_rule){.ea_len = 8,
					    .prefix4_len = 24,
					    .prefix4 = a4("198.51.100.0"),
					    .prefix6_len = 64,
					    .prefix6 = a6("2001:db8:1::")};
	c->has_dmr = 1;
	c->dmr_len = 64;
	c->dmr = a6("2001:db8:64::");
	c = &m6.s46[2];
	c->kind = ESG_S46_LW;
	c->br[0] = a6("2001:db8:ffff::2");
	c->n_br = 1;
	c->has_v4v6bind = 1;
	c->bind_v4 = a4("192.0.2.33");
	c->bind_prefix6_len = 128;
	c->bind_prefix6 = a6("2001:db8:5::33");
	c->bind_has_portparams = 1;
	c->bind_portparams = (struct esg_s46_portparams){
		.offset = 0, .psid_len = 6, .psid = 0x01};
	build6();

	assert_string_equal(r6.aftr_name, "aftr.example.net");
	assert_int_equal(r6.n_s46, 3);
	for (unsigned i = 0; i < 3; i++) {
		const struct esg_s46_cont *w = &m6.s46[i], *g = NULL;

		for (unsigned j = 0; j < r6.n_s46; j++)
			if (r6.s46[j].kind == w->kind)
				g = &r6.s46[j];
		assert_non_null(g);
		assert_int_equal(g->n_rules, w->n_rules);
		for (unsigned k = 0; k < w->n_rules; k++) {
			const struct esg_s46_rule *a = &w->rules[k],
						  *b = &g->rules[k];
			assert_int_equal(b->flags, a->flags);
			assert_int_equal(b->ea_len, a->ea_len);
			assert_int_equal(b->prefix4_len, a->prefix4_len);
			assert_int_equal(b->prefix4.s_addr, a->prefix4.s_addr);
			assert_int_equal(b->prefix6_len, a->prefix6_len);
			assert_memory_equal(&b->prefix6, &a->prefix6, 16);
			assert_int_equal(b->has_portparams, a->has_portparams);
			assert_memory_equal(&b->portparams, &a->portparams,
					    sizeof(a->portparams));
		}
		assert_int_equal(g->n_br, w->n_br);
		if (w->n_br > 0)
			assert_memory_equal(&g->br[0], &w->br[0], 16);
		assert_int_equal(g->has_dmr, w->has_dmr);
		assert_int_equal(g->dmr_len, w->dmr_len);
		assert_memory_equal(&g->dmr, &w->dmr, 16);
		assert_int_equal(g->has_v4v6bind, w->has_v4v6bind);
		assert_int_equal(g->bind_v4.s_addr, w->bind_v4.s_addr);
		assert_int_equal(g->bind_prefix6_len, w->bind_prefix6_len);
		assert_memory_equal(&g->bind_prefix6, &w->bind_prefix6, 16);
		assert_memory_equal(&g->bind_portparams, &w->bind_portparams,
				    sizeof(w->bind_portparams));
	}
}

/* An ADVERTISE written by hand from RFC 8415 8 and 21.4 / 21.6: IA_NA
 * (IAID 1, T1 100, T2 160) holding IAADDR fe80::1 (the link-local offer
 * PKT-EUE-PROV 6.2.1.2 has the client reject; the shim only reports). */
static size_t
hand_advertise(uint8_t *p)
{
	static const uint8_t v[] =
		{
			2,    0x11, 0x22, 0x33, /* ADVERTISE, xid */
			0,    3,    0,	  40,	/* IA_NA, 12 + 28 */
			0,    0,    0,	  1,	0, 0,  0,    100, 0,
			0,    0,    160,      /* IAID, T1, T2 */
			0,    5,    0,	  24, /* IAADDR */
			0xfe, 0x80, 0,	  0,	0, 0,  0,    0,	  0,
			0,    0,    0,	  0,	0, 0,  1,    0,	  0,
			0,    200,  0,	  0,	1, 44, /* preferred 200, valid 300 */
			0,    23,   0,	  16,	       /* DNS */
			0x20, 0x01, 0x0d, 0xb8, 0, 2,  0,    0,	  0,
			0,    0,    0,	  0,	0, 0,  0x53,
		};

	memcpy(p, v, sizeof(v));
	return sizeof(v);
}

static void
test_v6_hand_built(void **state)
{
	char err[ESG_DHCP_ERR_LEN];
	size_t len = hand_advertise(buf);
	(void)state;

	assert_int_equal(esg_dhcp6_parse(buf, len, &r6, err), 0);
	assert_int_equal(r6.type, ESG_DHCP6_ADVERTISE);
	assert_int_equal(r6.xid, 0x112233);
	assert_int_equal(r6.n_ia, 1);
	assert_int_equal(r6.ia[0].t1, 100);
	assert_int_equal(r6.ia[0].t2, 160);
	assert_int_equal(r6.ia[0].n_addr, 1);
	assert_memory_equal(&r6.ia[0].addr[0].addr, buf + 24, 16);
	assert_int_equal(r6.ia[0].addr[0].valid, 300);
	assert_int_equal(r6.n_dns, 1);
	assert_memory_equal(&r6.dns[0], a6("2001:db8:2::53").s6_addr, 16);
}

static void
expect6_bad(const uint8_t *p, size_t len, const char *why)
{
	char err[ESG_DHCP_ERR_LEN] = "";

	if (esg_dhcp6_parse(p, len, &r6, err) != EBADMSG)
		fail_msg("accepted: %s", why);
	assert_true(err[0] != '\0');
}

static void
test_v6_malformed(void **state)
{
	uint8_t p[256];
	size_t len = hand_advertise(p);
	(void)state;

	expect6_bad(p, 3, "shorter than the header");
	expect6_bad(p, 6, "option header cut");
	expect6_bad(p, 30, "IA_NA cut inside");
	expect6_bad(p, len - 1, "DNS option cut");
	p[0] = 0;
	expect6_bad(p, len, "message type 0");
	p[0] = 200;
	expect6_bad(p, len, "message type 200");
	len = hand_advertise(p);
	p[7] = 8; /* IA_NA of 8 bytes: RFC 8415 21.4 needs 12 */
	expect6_bad(p, len, "IA_NA shorter than 12");
	len = hand_advertise(p);
	p[23] = 30; /* IAADDR claims more than its IA_NA holds */
	expect6_bad(p, len, "IAADDR past its IA_NA");
	len = hand_advertise(p);
	p[len - 17] = 15; /* DNS of 15 bytes: not 16*n */
	expect6_bad(p, len - 1, "DNS of 15 bytes");

	/* vendor opts 4491 whose sub-option runs past the option */
	static const uint8_t vo[] = {7, 0,    0,    1, 0, 17, 0, 10,  0,
				     0, 0x11, 0x8b, 0, 2, 0,  9, 'S', 'E'};
	expect6_bad(vo, sizeof(vo), "vendor sub-option past its option");
	/* CCCv6 whose own sub-option is cut */
	static const uint8_t cv[] = {7, 0, 0,	 1,    0,    17,   0, 14,
				     0, 0, 0x11, 0x8b, 0x08, 0x7b, 0, 6,
				     0, 1, 0,	 9,    1,    2};
	expect6_bad(cv, sizeof(cv), "CCCv6 sub-option cut");
	/* RFC 7598 S46_RULE with prefix6-len 200 */
	static const uint8_t sr[] = {7, 0, 0, 1, 0,  94,  0, 12, 0, 89,
				     0, 8, 0, 0, 24, 192, 0, 2,	 0, 200};
	expect6_bad(sr, sizeof(sr), "S46 rule prefix length 200");
	/* RFC 7598 S46_BR of 15 bytes */
	static const uint8_t br[] = {7,	 0, 0,	1,  0,	94, 0,	19, 0,
				     90, 0, 15, 1,  2,	3,  4,	5,  6,
				     7,	 8, 9,	10, 11, 12, 13, 14, 15};
	expect6_bad(br, sizeof(br), "S46 BR of 15 bytes");
	/* FQDN whose label runs past the option (RFC 4704 4.1) */
	static const uint8_t fq[] = {7, 0, 0, 1, 0, 39, 0, 4, 1, 9, 'a', 'b'};
	expect6_bad(fq, sizeof(fq), "FQDN label past the option");
	/* RFC 6334 AFTR name with a NUL inside a label, or no root label */
	static const uint8_t af[] = {7, 0, 0,	1, 0,	64, 0,
				     5, 3, 'a', 0, 'b', 0};
	expect6_bad(af, sizeof(af), "AFTR label with a NUL");
	static const uint8_t an[] = {7, 0, 0, 1, 0, 64, 0, 2, 1, 'a'};
	expect6_bad(an, sizeof(an), "AFTR name without its root label");
}

static void
test_v6_build_errors(void **state)
{
	char err[ESG_DHCP_ERR_LEN] = "";
	size_t len = 0;
	(void)state;

	memset(&m6, 0, sizeof(m6));
	m6.type = ESG_DHCP6_SOLICIT;
	m6.client_id_len = 100;
	assert_int_equal(esg_dhcp6_build(&m6, buf, 50, &len, err), ENOSPC);
	m6.type = 42;
	assert_int_equal(esg_dhcp6_build(&m6, buf, sizeof(buf), &len, err),
			 EINVAL);
	m6.type = ESG_DHCP6_REPLY;
	m6.present = ESG_DHCP6_HAS_AFTR;
	strcpy(m6.aftr_name, "a..b");
	assert_int_equal(esg_dhcp6_build(&m6, buf, sizeof(buf), &len, err),
			 EINVAL);
	assert_true(err[0] != '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_discover_round_trip),
		cmocka_unit_test(test_v4_ack_round_trip),
		cmocka_unit_test(test_v4_hand_built),
		cmocka_unit_test(test_v4_malformed),
		cmocka_unit_test(test_v4_build_errors),
		cmocka_unit_test(test_v6_solicit_round_trip),
		cmocka_unit_test(test_v6_reply_round_trip),
		cmocka_unit_test(test_v6_dss_id_rules),
		cmocka_unit_test(test_v6_softwire_round_trip),
		cmocka_unit_test(test_v6_hand_built),
		cmocka_unit_test(test_v6_malformed),
		cmocka_unit_test(test_v6_build_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
