/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loading (common/esg_conf.c): the lab file loads, defaults
 * apply, and every kind of bad document is refused with the JSON path of
 * the bad key and a reason, leaving the caller's struct untouched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "esg_conf.h"

#define IFACE_OK                                                               \
	"{\"name\":\"wan\",\"role\":\"wan\",\"device\":\"net_tap0\","          \
	"\"exception\":\"esg-wan\",\"ipv4\":[\"198.51.100.1/24\"],"            \
	"\"ipv6\":[\"2001:db8:2::1/64\"],\"gateway4\":\"198.51.100.254\","     \
	"\"gateway6\":\"fe80::1\"}"

static void
test_lab_file(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "";
	struct esg_conf c;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(esg_conf_load(ESG_SRCDIR "/conf/lab.json", &c, err),
			 0);
	assert_string_equal(c.instance, "lab");
	assert_int_equal(c.nb_ifaces, 2);
	assert_string_equal(c.iface[0].name, "lan");
	assert_int_equal(c.iface[0].role, ESG_IF_LAN);
	assert_string_equal(c.iface[1].exception, "esg-wan");
	assert_int_equal(c.iface[1].nb_addr6, 1);
	assert_int_equal(c.iface[1].addr6[0].prefixlen, 64);
	inet_ntop(AF_INET6, &c.iface[1].addr6[0].u.v6, a, sizeof(a));
	assert_string_equal(a, "2001:db8:2::1");
	assert_true(c.iface[1].has_gw4);
	assert_false(c.iface[0].has_gw4);
	assert_int_equal(c.dp.workers, 1);
	assert_true(c.dp.no_huge);
	assert_int_equal(esg_conf_iface_find(&c, "wan"), 1);
	assert_int_equal(esg_conf_iface_find(&c, "nope"), -1);
}

static void
test_defaults(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "";
	struct esg_conf c;

	(void)state;
	assert_int_equal(esg_conf_parse("{\"interfaces\":[]}", &c, err), 0);
	assert_string_equal(c.instance, "esg");
	assert_int_equal(c.log_level, ESG_LOG_INFO);
	assert_int_equal(c.dp.workers, 0);
	assert_int_equal(c.dp.mbufs, 8191);
	assert_int_equal(c.dp.heartbeat_ms, 100);
	assert_int_equal(c.dp.idle_sleep_us, 0);
	assert_int_equal(c.cp.sip_port, 5060);
	assert_int_equal(c.cp.dp_dead_ms, 1000);
	assert_int_equal(c.iface[0].mtu, 0);
	assert_int_equal(
		esg_conf_parse("{\"interfaces\":[" IFACE_OK "]}", &c, err), 0);
	assert_int_equal(c.iface[0].mtu, 1500);
	assert_int_equal(c.iface[0].vlan, 0);
	assert_true(c.iface[0].has_gw6);
}

/* Each bad document and the exact error it must give. */
static const struct {
	const char *json;
	const char *err;
} bad[] = {
	{"", "line 1 column 0: '[' or '{' expected near end of file"},
	{"[]", "(top): the document must be an object, not an array"},
	{"{}", "interfaces: missing (required)"},
	{"{\"interfaces\":[],\"color\":1}", "color: unknown key"},
	{"{\"interfaces\":[],\"interfaces\":[]}",
	 "line 1 column 29: duplicate object key near '\"interfaces\"'"},
	{"{\"interfaces\":{}}", "interfaces: must be an array, not an object"},
	{"{\"interfaces\":[],\"instance\":\"a.b\"}",
	 "instance: 'a.b': use letters, digits, '-', '_'"},
	{"{\"interfaces\":[],\"log\":{\"level\":\"loud\"}}",
	 "log.level: 'loud' is not one of err, warning, notice, info, debug"},
	{"{\"interfaces\":[],\"log\":{\"syslog\":1}}",
	 "log.syslog: must be true or false, not an integer"},
	{"{\"interfaces\":[],\"dataplane\":{\"workers\":16}}",
	 "dataplane.workers: 16 is out of range 0..15"},
	{"{\"interfaces\":[],\"dataplane\":{\"workers\":-1}}",
	 "dataplane.workers: -1 is out of range 0..15"},
	{"{\"interfaces\":[],\"dataplane\":{\"workers\":1.5}}",
	 "dataplane.workers: must be an integer, not a number with a fraction"},
	{"{\"interfaces\":[],\"dataplane\":{\"worker_cpus\":\"1;2\"}}",
	 "dataplane.worker_cpus: '1;2' is not a cpu list like \"1-3,6\""},
	{"{\"interfaces\":[],\"dataplane\":{\"eal_args\":[\"-l\",3]}}",
	 "dataplane.eal_args[1]: must be a string of 1..127 bytes"},
	{"{\"interfaces\":[],\"dataplane\":{\"idle_sleep_us\":10001}}",
	 "dataplane.idle_sleep_us: 10001 is out of range 0..10000"},
	{"{\"interfaces\":[],\"dataplane\":{\"max_legs\":1}}",
	 "dataplane.max_legs: 1 is out of range 2..16777216"},
	{"{\"interfaces\":[],\"dataplane\":{\"media_port_min\":80}}",
	 "dataplane.media_port_min: 80 is out of range 1024..65535"},
	{"{\"interfaces\":[],\"dataplane\":{\"media_port_min\":20000,"
	 "\"media_port_max\":19999}}",
	 "dataplane.media_port_max: 19999 is below media_port_min 20000"},
	{"{\"interfaces\":[],\"controlplane\":{\"sip_port\":20000}}",
	 "controlplane.sip_port: 20000 lies in the media port range "
	 "16384..32767"},
	{"{\"interfaces\":[],\"dataplane\":{\"mbuf\":1}}",
	 "dataplane.mbuf: unknown key"},
	{"{\"interfaces\":[],\"controlplane\":{\"sip_port\":70000}}",
	 "controlplane.sip_port: 70000 is out of range 0..65535"},
	{"{\"interfaces\":[{}]}", "interfaces[0].name: missing (required)"},
	{"{\"interfaces\":[7]}",
	 "interfaces[0]: must be an object, not an integer"},
	{"{\"interfaces\":[{\"name\":\"\"}]}",
	 "interfaces[0].name: length 0 is out of range 1..15"},
	{"{\"interfaces\":[{\"name\":\"a b\"}]}",
	 "interfaces[0].name: 'a b': use letters, digits, '-', '_', '.'"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"dmz\"}]}",
	 "interfaces[0].role: 'dmz' is not \"lan\" or \"wan\""},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\"}]}",
	 "interfaces[0].device: missing (required)"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv4\":[\"10.0.0.300/24\"]}]}",
	 "interfaces[0].ipv4[0]: '10.0.0.300/24' is not an IPv4 "
	 "address/length"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv4\":[\"192.0.2.1\"]}]}",
	 "interfaces[0].ipv4[0]: '192.0.2.1' is not an IPv4 address/length"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv4\":[\"192.0.2.1/33\"]}]}",
	 "interfaces[0].ipv4[0]: '192.0.2.1/33' is not an IPv4 "
	 "address/length"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv4\":[\"127.0.0.1/8\"]}]}",
	 "interfaces[0].ipv4[0]: '127.0.0.1/8' is not a usable host address"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv6\":[\"2001:db8::1/64\",\"2001:db8::1/"
	 "64\"]}]}",
	 "interfaces[0].ipv6[1]: '2001:db8::1/64' is listed twice"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv6\":[\"ff02::1/64\"]}]}",
	 "interfaces[0].ipv6[0]: 'ff02::1/64' is not a usable host address"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"ipv4\":[\"192.0.2.1/24\"],\"gateway4\":"
	 "\"198.51.100.1\"}]}",
	 "interfaces[0].gateway4: not inside any of this interface's ipv4 "
	 "prefixes"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"gateway6\":\"2001:db8::1/64\"}]}",
	 "interfaces[0].gateway6: '2001:db8::1/64' is not an IPv6 address"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"mac\":\"01:00:5e:00:00:01\"}]}",
	 "interfaces[0].mac: '01:00:5e:00:00:01' is not a unicast MAC "
	 "(xx:xx:xx:xx:xx:xx)"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"mtu\":100}]}",
	 "interfaces[0].mtu: 100 is out of range 576..9000"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"vlan\":4095}]}",
	 "interfaces[0].vlan: 4095 is out of range 0..4094"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\"},{\"name\":\"w\",\"role\":\"lan\",\"device\":"
	 "\"d2\",\"exception\":\"e2\"}]}",
	 "interfaces[1]: name 'w' is also used by interfaces[0]"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\"},{\"name\":\"l\",\"role\":\"lan\",\"device\":"
	 "\"d\",\"exception\":\"e2\"}]}",
	 "interfaces[1]: device 'd' is also used by interfaces[0]"},
	{"{\"interfaces\":[{\"name\":\"w\",\"role\":\"wan\",\"device\":\"d\","
	 "\"exception\":\"e\",\"speed\":1}]}",
	 "interfaces[0].speed: unknown key"},
};

static void
test_bad_documents(void **state)
{
	struct esg_conf c, before;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[ESG_CONF_ERR_LEN] = "";

		memset(&c, 0xa5, sizeof(c));
		before = c;
		if (esg_conf_parse(bad[i].json, &c, err) != EINVAL)
			fail_msg("case %zu accepted: %s", i, bad[i].json);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err,
				 bad[i].err);
		/* nothing half-applied */
		assert_memory_equal(&c, &before, sizeof(c));
	}
}

static void
test_missing_file(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "";
	struct esg_conf c;

	(void)state;
	assert_int_equal(esg_conf_load("/nonexistent/esg.json", &c, err),
			 ENOENT);
	assert_string_equal(err, "cannot open: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
