/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Call routing (controlplane/sip/cp_route.c) over a parsed configuration:
 * the side of a local address, the LAN tenant of a source (its "sources",
 * else its interface's prefixes; 403 cases), the WAN source check (only
 * the proxy when it is an IP literal), the tenant of a number (ranges of
 * one length, RFC 3966 5.1.1 visual separators, ";" parameters, "+"),
 * the proxy and PBX addresses, the own address per family.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <re.h>

#include "esg_conf.h"
#include "sip/cp_route.h"

static struct esg_conf conf;

static const char CONF[] =
	"{\"interfaces\": ["
	"{\"name\": \"lan\", \"role\": \"lan\", \"device\": \"x0\","
	" \"exception\": \"t0\", \"ipv4\": [\"192.0.2.1/24\"],"
	" \"ipv6\": [\"2001:db8:1::1/64\"]},"
	"{\"name\": \"lan2\", \"role\": \"lan\", \"device\": \"x2\","
	" \"exception\": \"t2\", \"ipv4\": [\"203.0.113.1/24\"]},"
	"{\"name\": \"wan\", \"role\": \"wan\", \"device\": \"x1\","
	" \"exception\": \"t1\", \"ipv4\": [\"198.51.100.1/24\"],"
	" \"ipv6\": [\"2001:db8:2::1/64\"]}],"
	"\"sip\": {\"operator\": {\"interface\": \"wan\","
	" \"proxy\": \"sip:198.51.100.254:5070\"},"
	" \"tenants\": ["
	"  {\"name\": \"a\", \"interface\": \"lan\", \"registration\": "
	"\"static\","
	"   \"pbx\": \"[2001:db8:1::10]\", \"sources\": [\"192.0.2.10/32\","
	"   \"2001:db8:1::/64\"],"
	"   \"numbers\": [\"+4930123400-+4930123499\", \"+4930555\"],"
	"   \"media_ports\": \"20000-20999\"},"
	"  {\"name\": \"b\", \"interface\": \"lan2\", \"registration\": "
	"\"static\","
	"   \"pbx\": \"203.0.113.10:5080\", \"numbers\": [\"0301000-0301099\"],"
	"   \"media_ports\": \"21000-21999\"}]}}";

static int
setup(void **state)
{
	char err[ESG_CONF_ERR_LEN];

	(void)state;
	if (esg_conf_parse(CONF, &conf, err) != 0)
		fail_msg("configuration: %s", err);
	return 0;
}

static struct sa
sa_of(const char *s, uint16_t port)
{
	struct sa sa;

	assert_int_equal(sa_set_str(&sa, s, port), 0);
	return sa;
}

static struct pl
pl_of(const char *s)
{
	struct pl pl;

	pl_set_str(&pl, s);
	return pl;
}

static void
test_side(void **state)
{
	struct sa a;

	(void)state;
	a = sa_of("192.0.2.1", 5060);
	assert_int_equal(cp_route_iface(&conf, &a), 0);
	assert_int_equal(cp_route_side(&conf, &a), CP_ROUTE_LAN);
	a = sa_of("2001:db8:2::1", 5060);
	assert_int_equal(cp_route_iface(&conf, &a), 2);
	assert_int_equal(cp_route_side(&conf, &a), CP_ROUTE_WAN);
	a = sa_of("203.0.113.1", 5060);
	assert_int_equal(cp_route_side(&conf, &a), CP_ROUTE_LAN);
	a = sa_of("192.0.2.2", 5060); /* in the prefix, not ours */
	assert_int_equal(cp_route_iface(&conf, &a), -1);
	assert_int_equal(cp_route_side(&conf, &a), CP_ROUTE_NONE);
}

static void
test_lan_tenant(void **state)
{
	unsigned int t = 99;
	struct sa s;

	(void)state;
	s = sa_of("192.0.2.10", 5060);
	assert_int_equal(cp_route_lan_tenant(&conf, 0, &s, &t), 0);
	assert_int_equal(t, 0);
	s = sa_of("2001:db8:1::77", 5060);
	assert_int_equal(cp_route_lan_tenant(&conf, 0, &s, &t), 0);
	/* in the interface's prefix but not in "sources": refused */
	s = sa_of("192.0.2.11", 5060);
	assert_int_equal(cp_route_lan_tenant(&conf, 0, &s, &t), EPERM);
	/* no "sources": the interface's prefixes */
	s = sa_of("203.0.113.99", 5060);
	assert_int_equal(cp_route_lan_tenant(&conf, 1, &s, &t), 0);
	assert_int_equal(t, 1);
	s = sa_of("203.0.114.1", 5060);
	assert_int_equal(cp_route_lan_tenant(&conf, 1, &s, &t), EPERM);
	/* no tenant on the WAN interface */
	assert_int_equal(cp_route_lan_tenant(&conf, 2, &s, &t), ENOENT);
}

static void
test_wan_source(void **state)
{
	struct esg_conf_sip s2;
	struct sa s;

	(void)state;
	s = sa_of("198.51.100.254", 1234); /* any port of the proxy */
	assert_true(cp_route_wan_source(&conf.sip, &s));
	s = sa_of("198.51.100.253", 5060);
	assert_false(cp_route_wan_source(&conf.sip, &s));
	/* a proxy by name: its addresses are not known here */
	s2 = conf.sip;
	snprintf(s2.proxy, sizeof(s2.proxy), "sip:pcscf.operator.example");
	assert_true(cp_route_wan_source(&s2, &s));
}

static void
test_numbers(void **state)
{
	unsigned int t = 99;
	struct pl n;

	(void)state;
	n = pl_of("+4930123455");
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), 0);
	assert_int_equal(t, 0);
	n = pl_of("4930123400"); /* "+" not compared */
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), 0);
	n = pl_of("+49-30-1234-99"); /* RFC 3966 5.1.1 separators */
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), 0);
	n = pl_of("+4930555;phone-context=x"); /* a single number */
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), 0);
	n = pl_of("+49301234555"); /* longer than the range */
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), ENOENT);
	n = pl_of("+4930123500"); /* above it */
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), ENOENT);
	n = pl_of("0301042");
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), 0);
	assert_int_equal(t, 1);
	n = pl_of("alice");
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), EINVAL);
	n = pl_of("");
	assert_int_equal(cp_route_number(&conf.sip, &n, &t), EINVAL);
	n = pl_of("+4930123455");
	assert_true(cp_route_tenant_has(&conf.sip.tenant[0], &n));
	assert_false(cp_route_tenant_has(&conf.sip.tenant[1], &n));
}

static void
test_addresses(void **state)
{
	struct sa a;
	struct pl host;

	(void)state;
	assert_int_equal(cp_route_proxy(&conf.sip, AF_UNSPEC, &a), 0);
	assert_true(sa_cmp(&a, &(struct sa){0}, SA_ALL) == false);
	assert_int_equal(sa_port(&a), 5070);
	assert_int_equal(cp_route_proxy(&conf.sip, AF_INET6, &a), EAFNOSUPPORT);
	assert_int_equal(cp_route_proxy_host(&conf.sip, &host), 0);
	assert_int_equal(pl_strcmp(&host, "198.51.100.254"), 0);
	assert_int_equal(cp_route_pbx(&conf.sip.tenant[0], &a), 0);
	assert_int_equal(sa_af(&a), AF_INET6);
	assert_int_equal(sa_port(&a), 5060); /* RFC 3261 19.1.2 default */
	assert_int_equal(cp_route_pbx(&conf.sip.tenant[1], &a), 0);
	assert_int_equal(sa_port(&a), 5080);
	assert_int_equal(cp_route_own_addr(&conf, 0, AF_INET6, &a), 0);
	assert_true(sa_cmp(&a, &(struct sa){0}, SA_ALL) == false);
	assert_int_equal(cp_route_own_addr(&conf, 1, AF_INET6, &a), ENOENT);
	assert_int_equal(cp_route_own_addr(&conf, 7, AF_INET, &a), ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_side),
		cmocka_unit_test(test_lan_tenant),
		cmocka_unit_test(test_wan_source),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_addresses),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
