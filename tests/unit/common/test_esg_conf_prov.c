/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "provisioning" section (common/esg_conf_prov.c): mode "static"
 * (spec 000 8.1.3: address, DNS, configuration server and file name all
 * configured, no DHCP) and "dhcp" with its stack (spec 001 6.1); the
 * overrides (configuration file, syslog server); every refusal with its
 * exact JSON path and reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "esg_conf.h"

/* interfaces[0] lan (v4+v6), [1] wan with v4+v6, [2] wan2 without any
 * address, [3] wan3 with IPv6 only */
#define IFACES                                                                 \
	"\"interfaces\":["                                                     \
	"{\"name\":\"lan\",\"role\":\"lan\",\"device\":\"d0\","                \
	"\"exception\":\"e0\",\"ipv4\":[\"192.0.2.1/24\"],"                    \
	"\"ipv6\":[\"2001:db8:1::1/64\"]},"                                    \
	"{\"name\":\"wan\",\"role\":\"wan\",\"device\":\"d1\","                \
	"\"exception\":\"e1\",\"ipv4\":[\"198.51.100.1/24\"],"                 \
	"\"ipv6\":[\"2001:db8:2::1/64\"]},"                                    \
	"{\"name\":\"wan2\",\"role\":\"wan\",\"device\":\"d2\","               \
	"\"exception\":\"e2\"},"                                               \
	"{\"name\":\"wan3\",\"role\":\"wan\",\"device\":\"d3\","               \
	"\"exception\":\"e3\",\"ipv6\":[\"2001:db8:3::1/64\"]}]"
#define DOC(p) "{" IFACES ",\"provisioning\":{" p "}}"

/* one WAN interface without IPv4, as the lab's DHCPv4 configuration */
#define DOC1(p)                                                                \
	"{\"interfaces\":[{\"name\":\"lan\",\"role\":\"lan\","                 \
	"\"device\":\"d0\",\"exception\":\"e0\","                              \
	"\"ipv4\":[\"192.0.2.1/24\"]},{\"name\":\"wan\",\"role\":\"wan\","     \
	"\"device\":\"d1\",\"exception\":\"e1\","                              \
	"\"ipv6\":[\"2001:db8:2::1/64\"]}],"                                   \
	"\"provisioning\":{" p "}}"

static void
load_ok(const char *doc, struct esg_conf *c)
{
	char err[ESG_CONF_ERR_LEN] = "";

	if (esg_conf_parse(doc, c, err) != 0)
		fail_msg("refused: %s", err);
}

static void
test_absent(void **state)
{
	struct esg_conf c;

	(void)state;
	load_ok("{" IFACES "}", &c);
	assert_false(c.prov.enabled);
	assert_int_equal(c.prov.mode, ESG_PROV_OFF);
	assert_int_equal(c.prov.iface, -1);
}

/* spec 000 8.1.3: the fully preconfigured ESG */
static void
test_static_full(void **state)
{
	char a[INET6_ADDRSTRLEN];
	struct esg_conf c;

	(void)state;
	load_ok(DOC("\"mode\":\"static\",\"interface\":\"wan\","
		    "\"config_file\":{\"server\":\"198.51.100.254:6969\","
		    "\"file\":\"esg/esg1.cfg\"},"
		    "\"dns\":[\"198.51.100.53\",\"2001:db8:2::53\"],"
		    "\"syslog\":\"[2001:db8:2::fe]:5514\","
		    "\"syslog_format\":\"rfc3164\""),
		&c);
	assert_true(c.prov.enabled);
	assert_int_equal(c.prov.mode, ESG_PROV_STATIC);
	assert_int_equal(c.prov.iface, 1);
	/* no stack given: what the interface has (v4 + v6) */
	assert_int_equal(c.prov.stack, ESG_PROV_STACK_DUAL);
	assert_int_equal(c.prov.cfg_server.family, AF_INET);
	inet_ntop(AF_INET, &c.prov.cfg_server.u.v4, a, sizeof(a));
	assert_string_equal(a, "198.51.100.254");
	assert_int_equal(c.prov.cfg_server.port, 6969);
	assert_string_equal(c.prov.cfg_file, "esg/esg1.cfg");
	assert_int_equal(c.prov.nb_dns, 2);
	assert_int_equal(c.prov.dns[0].family, AF_INET);
	assert_int_equal(c.prov.dns[1].family, AF_INET6);
	inet_ntop(AF_INET6, &c.prov.dns[1].u.v6, a, sizeof(a));
	assert_string_equal(a, "2001:db8:2::53");
	assert_int_equal(c.prov.syslog.family, AF_INET6);
	assert_int_equal(c.prov.syslog.port, 5514);
	assert_int_equal(c.prov.syslog_fmt, ESG_PROV_SYSLOG_RFC3164);
	assert_int_equal(c.prov.nb_dhcp_servers, 0);
	assert_string_equal(c.prov.vendor_class, "");
}

static void
test_static_stack_from_addrs(void **state)
{
	struct esg_conf c;

	(void)state;
	load_ok(DOC("\"mode\":\"static\",\"interface\":\"wan3\","
		    "\"config_file\":{\"server\":\"2001:db8:3::fe\","
		    "\"file\":\"a.cfg\"},\"dns\":[\"2001:db8:3::53\"]"),
		&c);
	assert_int_equal(c.prov.iface, 3);
	assert_int_equal(c.prov.stack, ESG_PROV_STACK_IPV6);
	assert_int_equal(c.prov.cfg_server.family, AF_INET6);
	assert_int_equal(c.prov.cfg_server.port, 0);
}

static void
test_dhcp(void **state)
{
	char a[INET_ADDRSTRLEN];
	struct esg_conf c;

	(void)state;
	/* the only role-wan interface is picked without "interface" */
	load_ok(DOC1("\"mode\":\"dhcp\",\"stack\":\"ipv4\","
		     "\"vendor_class\":\"pktc2.0:SESG\","
		     "\"dhcp_servers\":[\"198.51.100.254\","
		     "\"255.255.255.255\"],"
		     "\"syslog\":\"198.51.100.7\""),
		&c);
	assert_int_equal(c.prov.mode, ESG_PROV_DHCP);
	assert_int_equal(c.prov.stack, ESG_PROV_STACK_IPV4);
	assert_int_equal(c.prov.iface, 1);
	assert_string_equal(c.prov.vendor_class, "pktc2.0:SESG");
	assert_int_equal(c.prov.nb_dhcp_servers, 2);
	inet_ntop(AF_INET, &c.prov.dhcp_servers[1], a, sizeof(a));
	assert_string_equal(a, "255.255.255.255");
	assert_int_equal(c.prov.cfg_server.family, 0); /* from DHCP */
	assert_int_equal(c.prov.syslog.family, AF_INET);
	assert_int_equal(c.prov.syslog.port, 0);
	assert_int_equal(c.prov.syslog_fmt, ESG_PROV_SYSLOG_RFC5424);
	/* the override of siaddr/file */
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"dual\",\"config_file\":{\"server\":"
		    "\"198.51.100.9\",\"file\":\"x.cfg\"}"),
		&c);
	assert_int_equal(c.prov.iface, 2);
	assert_int_equal(c.prov.stack, ESG_PROV_STACK_DUAL);
	assert_string_equal(c.prov.cfg_file, "x.cfg");
	/* defaults: IA_NA address as /128 (RFC 8415 21.6, RFC 5942),
	 * management family IPv6 (spec 001 6.3.2.1 Table 4) */
	assert_int_equal(c.prov.ipv6_prefix_len, 128);
	assert_int_equal(c.prov.mgmt_family, AF_INET6);
	/* eUE-25 receivers besides TLV 38; community "public" by default */
	assert_int_equal(c.prov.nb_snmp, 0);
	assert_string_equal(c.prov.snmp_community, "public");
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"dual\",\"snmp_receivers\":[\"198.51.100.9\","
		    "\"[2001:db8:2::9]:1162\"],\"snmp_community\":\"esg-ro\""),
		&c);
	assert_int_equal(c.prov.nb_snmp, 2);
	assert_int_equal(c.prov.snmp[0].family, AF_INET);
	assert_int_equal(c.prov.snmp[0].port, 0);
	assert_int_equal(c.prov.snmp[1].family, AF_INET6);
	assert_int_equal(c.prov.snmp[1].port, 1162);
	assert_string_equal(c.prov.snmp_community, "esg-ro");
	/* the file by HTTP (spec 000 8.1.3): a URL with an address */
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"dual\",\"config_file\":{\"url\":"
		    "\"http://[2001:db8:2::9]:8080/esg/a%20b.cfg\"}"),
		&c);
	assert_int_equal(c.prov.cfg_server.family, AF_INET6);
	assert_int_equal(c.prov.cfg_server.port, 8080);
	assert_string_equal(c.prov.cfg_file,
			    "http://[2001:db8:2::9]:8080/esg/a%20b.cfg");
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"ipv4\",\"config_file\":{\"url\":"
		    "\"http://198.51.100.9/esg.cfg\"}"),
		&c);
	assert_int_equal(c.prov.cfg_server.family, AF_INET);
	assert_int_equal(c.prov.cfg_server.port, 0);
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"dual\",\"ipv6_prefix_len\":64,"
		    "\"management_family\":\"ipv4\""),
		&c);
	assert_int_equal(c.prov.ipv6_prefix_len, 64);
	assert_int_equal(c.prov.mgmt_family, AF_INET);
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"ipv6\",\"ipv6_prefix_len\":64"),
		&c);
	assert_int_equal(c.prov.ipv6_prefix_len, 64);
	/* softwire (RFC 6334 / 7598 options): off unless asked */
	assert_false(c.prov.softwire);
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"ipv6\",\"softwire\":true"),
		&c);
	assert_true(c.prov.softwire);
	load_ok(DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\","
		    "\"stack\":\"dual\",\"softwire\":false"),
		&c);
	assert_false(c.prov.softwire);
}

static void
test_host_parse(void **state)
{
	struct esg_conf_host h;

	(void)state;
	assert_int_equal(esg_conf_host_parse("10.1.2.3", &h), 0);
	assert_int_equal(h.family, AF_INET);
	assert_int_equal(h.port, 0);
	assert_int_equal(esg_conf_host_parse("10.1.2.3:65535", &h), 0);
	assert_int_equal(h.port, 65535);
	assert_int_equal(esg_conf_host_parse("::1", &h), 0);
	assert_int_equal(h.family, AF_INET6);
	assert_int_equal(esg_conf_host_parse("[2001:db8::1]:69", &h), 0);
	assert_int_equal(h.port, 69);
	assert_int_equal(esg_conf_host_parse("10.1.2.3:0", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("10.1.2.3:65536", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("10.1.2.3:", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("10.1.2.3:-1", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("[2001:db8::1]", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("[2001:db8::1]69", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("[10.1.2.3]:69", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("host.example", &h), EINVAL);
	assert_int_equal(esg_conf_host_parse("", &h), EINVAL);
}

static const struct {
	const char *doc;
	const char *err;
} bad[] = {
	{"{" IFACES ",\"provisioning\":[]}",
	 "provisioning: must be an object, not an array"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"retries\":3"),
	 "provisioning.retries: unknown key"},
	{DOC("\"interface\":\"wan\""), "provisioning.mode: missing (required)"},
	{DOC("\"mode\":\"bootp\""),
	 "provisioning.mode: 'bootp' is not \"static\" or \"dhcp\""},
	{DOC("\"mode\":\"dhcp\",\"stack\":\"ipv4\""),
	 "provisioning.interface: missing, and several interfaces have role "
	 "wan: name one"},
	{"{\"interfaces\":[{\"name\":\"lan\",\"role\":\"lan\",\"device\":"
	 "\"d0\",\"exception\":\"e0\"}],\"provisioning\":{\"mode\":\"dhcp\","
	 "\"stack\":\"ipv4\"}}",
	 "provisioning.interface: missing, and no interface has role wan"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"nope\",\"stack\":\"ipv4\""),
	 "provisioning.interface: no interface 'nope'"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"lan\",\"stack\":\"ipv4\""),
	 "provisioning.interface: 'lan' has role lan, not wan"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\""),
	 "provisioning.stack: missing (required with mode dhcp)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"v4\""),
	 "provisioning.stack: 'v4' is not \"ipv4\", \"ipv6\" or \"dual\""},
	/* DHCP gives the addresses of its families */
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan\",\"stack\":\"ipv4\""),
	 "provisioning.mode: dhcp with stack ipv4: interface 'wan' may not "
	 "have static ipv4 addresses (DHCPv4 gives them)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan3\",\"stack\":\"dual\""),
	 "provisioning.mode: dhcp with stack dual: interface 'wan3' may not "
	 "have static ipv6 addresses (DHCPv6 gives them)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"dns\":[\"198.51.100.53\"]"),
	 "provisioning.dns: only with mode static (DHCP gives the DNS "
	 "servers: option 6 / 23)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"server\":\"2001:db8:2::fe\",\"file\":\"a\"}"),
	 "provisioning.config_file: an IPv6 address with stack \"ipv4\""},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv6\","
	     "\"syslog\":\"198.51.100.7\""),
	 "provisioning.syslog: an IPv4 address with stack \"ipv6\""},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"file\":\"a\"}"),
	 "provisioning.config_file.server: missing (required)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"server\":\"198.51.100.9\"}"),
	 "provisioning.config_file.file: missing (required)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"server\":\"198.51.100.9\",\"file\":\"a b\"}"),
	 "provisioning.config_file.file: 'a b': printable ASCII without "
	 "blanks only"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"server\":\"tftp.example\",\"file\":\"a\"}"),
	 "provisioning.config_file.server: 'tftp.example' is not an address "
	 "(a.b.c.d[:port], x::y, [x::y]:port)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"server\":\"224.0.0.1\",\"file\":\"a\"}"),
	 "provisioning.config_file.server: '224.0.0.1' is not a unicast "
	 "address"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":\"a\""),
	 "provisioning.config_file: must be an object, not a string"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"syslog_format\":\"json\""),
	 "provisioning.syslog_format: 'json' is not \"rfc5424\" or "
	 "\"rfc3164\""},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"dhcp_servers\":[\"198.51.100.1\",\"2001:db8::1\"]"),
	 "provisioning.dhcp_servers[1]: not an IPv4 address string"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"dhcp_servers\":[]"),
	 "provisioning.dhcp_servers: 0 servers: give 1..2"},
	/* spec 000 8.1.3: static means everything is configured */
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"config_file\":{\"server\":\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.dns: missing (required with mode static: spec 000 "
	 "8.1.3)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"198.51.100.53\"]"),
	 "provisioning.config_file: missing (required with mode static: "
	 "spec 000 8.1.3)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan2\","
	     "\"dns\":[\"198.51.100.53\"],\"config_file\":{\"server\":"
	     "\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.mode: static needs an ipv4 address on interface "
	 "'wan2' (stack ipv4)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan3\",\"stack\":\"dual\","
	     "\"dns\":[\"2001:db8:3::53\"],\"config_file\":{\"server\":"
	     "\"2001:db8:3::fe\",\"file\":\"a\"}"),
	 "provisioning.mode: static needs an ipv4 address on interface "
	 "'wan3' (stack dual)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan3\","
	     "\"dns\":[\"2001:db8:3::53\",\"198.51.100.53\"],"
	     "\"config_file\":{\"server\":\"2001:db8:3::fe\",\"file\":\"a\"}"),
	 "provisioning.dns[1]: an IPv4 address with stack \"ipv6\""},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"198.51.100.53:53\"],\"config_file\":{\"server\":"
	     "\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.dns[0]: '198.51.100.53:53': no port here"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[1],\"config_file\":{\"server\":"
	     "\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.dns[0]: must be a string, not an integer"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"1.1.1.1\",\"1.1.1.2\",\"1.1.1.3\",\"1.1.1.4\","
	     "\"1.1.1.5\"],\"config_file\":{\"server\":"
	     "\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.dns: 5 servers: give 1..4"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"198.51.100.53\"],\"vendor_class\":\"x\","
	     "\"config_file\":{\"server\":\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.vendor_class: only with mode dhcp (option 60)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"198.51.100.53\"],\"dhcp_servers\":[\"1.2.3.4\"],"
	     "\"config_file\":{\"server\":\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.dhcp_servers: only with mode dhcp"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"ipv6_prefix_len\":64"),
	 "provisioning.ipv6_prefix_len: only with mode dhcp and stack ipv6 "
	 "or dual"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv6\","
	     "\"ipv6_prefix_len\":129"),
	 "provisioning.ipv6_prefix_len: 129 is out of range 1..128"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"softwire\":true"),
	 "provisioning.softwire: only with mode dhcp and stack ipv6 or dual "
	 "(DHCPv6 options 64, 94-96)"},
	{DOC("\"mode\":\"static\",\"interface\":\"wan\","
	     "\"dns\":[\"198.51.100.53\"],\"softwire\":false,"
	     "\"config_file\":{\"server\":\"198.51.100.254\",\"file\":\"a\"}"),
	 "provisioning.softwire: only with mode dhcp and stack ipv6 or dual "
	 "(DHCPv6 options 64, 94-96)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv6\","
	     "\"softwire\":\"yes\""),
	 "provisioning.softwire: must be true or false, not a string"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv6\","
	     "\"management_family\":\"ipv6\""),
	 "provisioning.management_family: only with mode dhcp and stack dual"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"dual\","
	     "\"management_family\":\"any\""),
	 "provisioning.management_family: 'any' is not \"ipv4\" or \"ipv6\""},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_receivers\":\"198.51.100.9\""),
	 "provisioning.snmp_receivers: must be an array, not a string"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_receivers\":[]"),
	 "provisioning.snmp_receivers: 0 receivers: give 1..4"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_receivers\":[\"198.51.100.9:162\",\"nms.example\"]"),
	 "provisioning.snmp_receivers[1]: 'nms.example' is not an address "
	 "(a.b.c.d[:port], x::y, [x::y]:port)"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_receivers\":[\"[2001:db8:2::9]:162\"]"),
	 "provisioning.snmp_receivers[0]: an IPv6 address with stack "
	 "\"ipv4\""},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_community\":\"pub lic\""),
	 "provisioning.snmp_community: printable ASCII without blanks only"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"snmp_community\":\"\""),
	 "provisioning.snmp_community: length 0 is out of range 1..64"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"url\":\"http://nms.example/esg.cfg\"}"),
	 "provisioning.config_file.url: 'http://nms.example/esg.cfg' is not "
	 "http://ADDRESS[:port]/path (an IPv4 address or [IPv6])"},
	{DOC("\"mode\":\"dhcp\",\"interface\":\"wan2\",\"stack\":\"ipv4\","
	     "\"config_file\":{\"url\":\"http://198.51.100.9/a\","
	     "\"file\":\"b\"}"),
	 "provisioning.config_file: \"url\" or \"server\" + \"file\", not "
	 "both"},
};

static void
test_refused(void **state)
{
	char err[ESG_CONF_ERR_LEN];
	struct esg_conf c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(err, 0, sizeof(err));
		memset(&c, 0x5a, sizeof(c));
		if (esg_conf_parse(bad[i].doc, &c, err) != EINVAL)
			fail_msg("case %zu accepted: %s", i, bad[i].doc);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu:\n got  %s\n want %s", i, err,
				 bad[i].err);
		/* nothing of a refused document is applied */
		assert_int_equal(((unsigned char *)&c)[0], 0x5a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_static_full),
		cmocka_unit_test(test_static_stack_from_addrs),
		cmocka_unit_test(test_dhcp),
		cmocka_unit_test(test_host_parse),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
