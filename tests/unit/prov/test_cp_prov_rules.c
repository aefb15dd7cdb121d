/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PKT-SP-EUE-PROV 6.3.5 (controlplane/prov/cp_prov_rules.c): one test per
 * row of the post-initialization tables, DHCPv4 then DHCPv6.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp_prov_rules.h"

static struct esg_dhcp4_msg cur4, ack4, next4;
static struct esg_dhcp6_msg cur6, rep6, next6;

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static int
setup4(void **state)
{
	(void)state;
	memset(&cur4, 0, sizeof(cur4));
	cur4.type = ESG_DHCP4_ACK;
	cur4.yiaddr = a4("198.51.100.20");
	cur4.siaddr = a4("198.51.100.7");
	strcpy(cur4.file, "esg-1.cfg");
	cur4.present = ESG_DHCP4_HAS_MASK | ESG_DHCP4_HAS_LEASE |
		       ESG_DHCP4_HAS_HOSTNAME | ESG_DHCP4_HAS_DOMAIN |
		       ESG_DHCP4_HAS_CCC;
	cur4.mask = a4("255.255.255.0");
	cur4.routers[0] = a4("198.51.100.1");
	cur4.n_routers = 1;
	cur4.dns[0] = a4("198.51.100.53");
	cur4.n_dns = 1;
	cur4.log[0] = a4("198.51.100.9");
	cur4.n_log = 1;
	cur4.lease = 3600;
	strcpy(cur4.hostname, "esg1");
	strcpy(cur4.domain, "example.net");
	cur4.ccc.present = ESG_CCC_HAS_PRIMARY;
	cur4.ccc.primary = a4("198.51.100.2");
	ack4 = cur4;
	ack4.lease = 7200;
	return 0;
}

/* Nothing changed but the lease: nothing to report, new lease times. */
static void
test_v4_same(void **state)
{
	(void)state;
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4), 0);
	assert_int_equal(next4.lease, 7200);
}

/* Row 1: yiaddr different: reinitialize and start from eUE-1. */
static void
test_v4_yiaddr(void **state)
{
	(void)state;
	ack4.yiaddr = a4("198.51.100.21");
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4),
			 CP_PROV_RENEW_RESTART);
	assert_int_equal(next4.yiaddr.s_addr, ack4.yiaddr.s_addr);
}

/* Row 2: subnet mask (1) or router (3) different: MAY use the new
 * values without reinitializing: the ESG does. */
static void
test_v4_mask_router(void **state)
{
	(void)state;
	ack4.mask = a4("255.255.254.0");
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4),
			 CP_PROV_RENEW_ROUTE);
	assert_int_equal(next4.mask.s_addr, ack4.mask.s_addr);
	setup4(NULL);
	ack4.routers[0] = a4("198.51.100.254");
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4),
			 CP_PROV_RENEW_ROUTE);
	assert_int_equal(next4.routers[0].s_addr, ack4.routers[0].s_addr);
}

/* Row 3: DNS (6) or syslog (7) different: MUST use the new values at
 * once, without reinitializing. */
static void
test_v4_dns_syslog(void **state)
{
	(void)state;
	ack4.dns[1] = a4("198.51.100.54");
	ack4.n_dns = 2;
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4),
			 CP_PROV_RENEW_DNS);
	assert_int_equal(next4.n_dns, 2);
	assert_int_equal(next4.dns[1].s_addr, ack4.dns[1].s_addr);
	setup4(NULL);
	ack4.log[0] = a4("198.51.100.10");
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4),
			 CP_PROV_RENEW_SYSLOG);
	assert_int_equal(next4.log[0].s_addr, ack4.log[0].s_addr);
}

/* Row 4: any other difference is ignored: 'file', 'siaddr', host name
 * (12), domain name (15), every sub-option of 122. */
static void
test_v4_others_ignored(void **state)
{
	(void)state;
	strcpy(ack4.file, "other.cfg");
	ack4.siaddr = a4("198.51.100.8");
	strcpy(ack4.hostname, "other");
	strcpy(ack4.domain, "other.example");
	ack4.ccc.primary = a4("198.51.100.3");
	assert_int_equal(cp_prov_renew4(&cur4, &ack4, &next4), 0);
	assert_string_equal(next4.file, "esg-1.cfg");
	assert_int_equal(next4.siaddr.s_addr, cur4.siaddr.s_addr);
	assert_string_equal(next4.hostname, "esg1");
	assert_string_equal(next4.domain, "example.net");
	assert_int_equal(next4.ccc.primary.s_addr, cur4.ccc.primary.s_addr);
	assert_int_equal(next4.lease, 7200);
}

static int
setup6(void **state)
{
	(void)state;
	memset(&cur6, 0, sizeof(cur6));
	cur6.type = ESG_DHCP6_REPLY;
	cur6.n_ia = 1;
	cur6.ia[0].t1 = 900;
	cur6.ia[0].t2 = 1440;
	cur6.ia[0].n_addr = 1;
	cur6.ia[0].addr[0].addr = a6("2001:db8:2::20");
	cur6.ia[0].addr[0].valid = 3600;
	cur6.dns[0] = a6("2001:db8:2::53");
	cur6.n_dns = 1;
	cur6.present = ESG_DHCP6_HAS_FQDN | ESG_DHCP6_HAS_RECONF_ACCEPT;
	strcpy(cur6.fqdn, "esg1.example.net.");
	cur6.cl.present = ESG_CL_HAS_CONFIG_FILE | ESG_CL_HAS_CCCV6;
	strcpy(cur6.cl.config_file, "esg-1.cfg");
	cur6.cl.tftp[0] = a6("2001:db8:2::7");
	cur6.cl.n_tftp = 1;
	cur6.cl.syslog[0] = a6("2001:db8:2::9");
	cur6.cl.n_syslog = 1;
	cur6.cl.cccv6.present = ESG_CCCV6_HAS_PRIMARY;
	cur6.cl.cccv6.primary_len = 4;
	rep6 = cur6;
	rep6.ia[0].t1 = 1800;
	rep6.ia[0].addr[0].valid = 7200;
	return 0;
}

static void
test_v6_same(void **state)
{
	(void)state;
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6), 0);
	assert_int_equal(next6.ia[0].t1, 1800);
	assert_int_equal(next6.ia[0].addr[0].valid, 7200);
}

/* Row 1: the IA_NA's IA Address different: start again from eUE-1; a
 * REPLY without an address counts as different. */
static void
test_v6_address(void **state)
{
	(void)state;
	rep6.ia[0].addr[0].addr = a6("2001:db8:2::21");
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6),
			 CP_PROV_RENEW_RESTART);
	setup6(NULL);
	rep6.ia[0].n_addr = 0;
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6),
			 CP_PROV_RENEW_RESTART);
}

/* Row 2: DNS (23) or CL_OPTION_SYSLOG_SERVERS different: use at once. */
static void
test_v6_dns_syslog(void **state)
{
	(void)state;
	rep6.dns[0] = a6("2001:db8:2::54");
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6),
			 CP_PROV_RENEW_DNS);
	assert_memory_equal(&next6.dns[0], &rep6.dns[0], 16);
	setup6(NULL);
	rep6.cl.n_syslog = 0;
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6),
			 CP_PROV_RENEW_SYSLOG);
	assert_int_equal(next6.cl.n_syslog, 0);
}

/* Row 3: other differences ignored: CL_OPTION_TFTP_SERVERS,
 * CL_OPTION_CONFIG_FILE_NAME, Reconfigure Accept (20), FQDN (39), every
 * sub-option of CL_OPTION_CCCV6. */
static void
test_v6_others_ignored(void **state)
{
	(void)state;
	rep6.cl.tftp[0] = a6("2001:db8:2::8");
	strcpy(rep6.cl.config_file, "other.cfg");
	rep6.present &= ~ESG_DHCP6_HAS_RECONF_ACCEPT;
	strcpy(rep6.fqdn, "other.example.net.");
	rep6.cl.cccv6.primary_len = 8;
	assert_int_equal(cp_prov_renew6(&cur6, &rep6, &next6), 0);
	assert_memory_equal(&next6.cl.tftp[0], &cur6.cl.tftp[0], 16);
	assert_string_equal(next6.cl.config_file, "esg-1.cfg");
	assert_true(next6.present & ESG_DHCP6_HAS_RECONF_ACCEPT);
	assert_string_equal(next6.fqdn, "esg1.example.net.");
	assert_int_equal(next6.cl.cccv6.primary_len, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_v4_same, setup4),
		cmocka_unit_test_setup(test_v4_yiaddr, setup4),
		cmocka_unit_test_setup(test_v4_mask_router, setup4),
		cmocka_unit_test_setup(test_v4_dns_syslog, setup4),
		cmocka_unit_test_setup(test_v4_others_ignored, setup4),
		cmocka_unit_test_setup(test_v6_same, setup6),
		cmocka_unit_test_setup(test_v6_address, setup6),
		cmocka_unit_test_setup(test_v6_dns_syslog, setup6),
		cmocka_unit_test_setup(test_v6_others_ignored, setup6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
