/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sip" section of the configuration (common/esg_conf_sip.c,
 * esg_conf_sip_tenant.c): a full document loads with every field where it
 * belongs, an almost empty one gets the documented defaults, and each bad
 * value is refused with its exact JSON path and reason, nothing of the
 * document applied.
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

/* interfaces[0] lan (v4+v6), [1] wan (v4+v6), [2] lan2 (v4 only) */
#define IFACES                                                                 \
	"\"interfaces\":["                                                     \
	"{\"name\":\"lan\",\"role\":\"lan\",\"device\":\"d0\","                \
	"\"exception\":\"e0\",\"ipv4\":[\"192.0.2.1/24\"],"                    \
	"\"ipv6\":[\"2001:db8:1::1/64\"]},"                                    \
	"{\"name\":\"wan\",\"role\":\"wan\",\"device\":\"d1\","                \
	"\"exception\":\"e1\",\"ipv4\":[\"198.51.100.1/24\"],"                 \
	"\"ipv6\":[\"2001:db8:2::1/64\"]},"                                    \
	"{\"name\":\"lan2\",\"role\":\"lan\",\"device\":\"d2\","               \
	"\"exception\":\"e2\",\"ipv4\":[\"203.0.113.1/24\"]}]"

#define DOC(sip) "{" IFACES ",\"sip\":{" sip "}}"
#define OP                                                                     \
	"\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:198.51.100.10\"}"
#define T_STATIC(name)                                                         \
	"{\"name\":\"" name "\",\"interface\":\"lan\",\"registration\":"       \
	"\"static\",\"pbx\":\"192.0.2.10\""
#define TENANTS(...) OP ",\"tenants\":[" __VA_ARGS__ "]"

static const char full[] = DOC(
	"\"operator\":{\"interface\":\"wan\","
	"\"proxy\":\"sip:[2001:db8:2::10]:5070\",\"transport\":\"tcp\","
	"\"domain\":\"operator.example\",\"family\":\"ipv6\","
	"\"options_interval_s\":0,\"reg_retry_min_s\":10,"
	"\"reg_retry_max_s\":600},"
	"\"limits\":{\"max_calls\":500,\"max_cps\":20,\"source_rps\":0,"
	"\"max_msg_bytes\":4096,\"retry_after_s\":30},"
	"\"timers\":{\"media_timeout_s\":0,\"session_expires_s\":600,"
	"\"min_se_s\":120,\"no_answer_s\":60},"
	"\"records\":\"/var/log/esg/calls.jsonl\","
	"\"tenants\":[{\"name\":\"acme\",\"interface\":\"lan\","
	"\"pbx\":\"[2001:db8:1::10]:5062\","
	"\"sources\":[\"192.0.2.0/24\",\"2001:db8:1::10\"],"
	"\"numbers\":[\"+4930123400-+4930123499\",\"+4930555\"],"
	"\"trunk\":{\"username\":\"+4930123400\",\"auth_user\":\"acme1\","
	"\"password\":\"s3cret\",\"expires_s\":600},"
	"\"max_calls\":100,\"max_cps\":5,\"media_ports\":\"20000-20999\"},"
	"{\"name\":\"beta-2\",\"interface\":\"lan2\",\"registration\":"
	"\"per-user\",\"numbers\":[\"4940777\"],"
	"\"trunk\":{\"username\":\"beta\",\"aor\":\"sip:beta@op.example:5080\"},"
	"\"media_ports\":\"21000-21099\"}]");

static void
test_full(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "", a[INET6_ADDRSTRLEN];
	const struct esg_conf_tenant *t;
	struct esg_conf c;

	(void)state;
	if (esg_conf_parse(full, &c, err) != 0)
		fail_msg("refused: %s", err);
	assert_true(c.sip.enabled);
	assert_int_equal(c.sip.wan_iface, 1);
	assert_string_equal(c.sip.proxy, "sip:[2001:db8:2::10]:5070");
	assert_int_equal(c.sip.transport, ESG_SIP_TCP);
	assert_string_equal(c.sip.domain, "operator.example");
	assert_int_equal(c.sip.family, ESG_SIP_FAM_IPV6);
	assert_int_equal(c.sip.options_interval_s, 0);
	assert_int_equal(c.sip.reg_retry_min_s, 10);
	assert_int_equal(c.sip.reg_retry_max_s, 600);
	assert_int_equal(c.sip.max_calls, 500);
	assert_int_equal(c.sip.max_cps, 20);
	assert_int_equal(c.sip.source_rps, 0);
	assert_int_equal(c.sip.max_msg_bytes, 4096);
	assert_int_equal(c.sip.retry_after_s, 30);
	assert_int_equal(c.sip.media_timeout_s, 0);
	assert_int_equal(c.sip.session_expires_s, 600);
	assert_int_equal(c.sip.min_se_s, 120);
	assert_int_equal(c.sip.no_answer_s, 60);
	assert_string_equal(c.sip.records, "/var/log/esg/calls.jsonl");
	assert_int_equal(c.sip.nb_tenants, 2);

	t = &c.sip.tenant[0];
	assert_string_equal(t->name, "acme");
	assert_int_equal(t->lan_iface, 0);
	assert_int_equal(t->registration, ESG_REG_TRUNK);
	assert_true(t->has_pbx);
	assert_int_equal(t->pbx.family, AF_INET6);
	assert_int_equal(t->pbx.port, 5062);
	inet_ntop(AF_INET6, &t->pbx.u.v6, a, sizeof(a));
	assert_string_equal(a, "2001:db8:1::10");
	assert_int_equal(t->nb_sources, 2);
	assert_int_equal(t->sources[0].family, AF_INET);
	assert_int_equal(t->sources[0].prefixlen, 24);
	assert_int_equal(t->sources[1].family, AF_INET6);
	assert_int_equal(t->sources[1].prefixlen, 128);
	assert_int_equal(t->nb_numbers, 2);
	assert_string_equal(t->numbers[0].first, "+4930123400");
	assert_string_equal(t->numbers[0].last, "+4930123499");
	assert_string_equal(t->numbers[1].first, "+4930555");
	assert_string_equal(t->numbers[1].last, "+4930555");
	assert_string_equal(t->trunk.username, "+4930123400");
	assert_string_equal(t->trunk.auth_user, "acme1");
	assert_string_equal(t->trunk.password, "s3cret");
	assert_string_equal(t->trunk.aor, "sip:+4930123400@operator.example");
	assert_int_equal(t->trunk.expires_s, 600);
	assert_int_equal(t->max_calls, 100);
	assert_int_equal(t->max_cps, 5);
	assert_int_equal(t->media_port_min, 20000);
	assert_int_equal(t->media_port_max, 20999);

	t = &c.sip.tenant[1];
	assert_string_equal(t->name, "beta-2");
	assert_int_equal(t->lan_iface, 2);
	assert_int_equal(t->registration, ESG_REG_PER_USER);
	assert_false(t->has_pbx);
	assert_int_equal(t->nb_sources, 0);
	assert_string_equal(t->trunk.auth_user, "beta");
	assert_string_equal(t->trunk.password, "");
	assert_string_equal(t->trunk.aor, "sip:beta@op.example:5080");
	assert_int_equal(t->trunk.expires_s, 3600);
	assert_int_equal(t->max_calls, 0);
	assert_int_equal(t->media_port_min, 21000);
}

/* esg_conf_sip.h: the defaults of every key. */
static void
test_defaults(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "";
	struct esg_conf c;

	(void)state;
	assert_int_equal(esg_conf_parse("{" IFACES "}", &c, err), 0);
	assert_false(c.sip.enabled);
	if (esg_conf_parse(DOC(TENANTS(T_STATIC("a") "}")), &c, err) != 0)
		fail_msg("refused: %s", err);
	assert_true(c.sip.enabled);
	assert_int_equal(c.sip.transport, ESG_SIP_UDP);
	assert_int_equal(c.sip.family, ESG_SIP_FAM_ANY);
	assert_string_equal(c.sip.domain, "198.51.100.10");
	assert_int_equal(c.sip.options_interval_s, 30);
	assert_int_equal(c.sip.reg_retry_min_s, 30);
	assert_int_equal(c.sip.reg_retry_max_s, 1800);
	assert_int_equal(c.sip.max_calls, 100000);
	assert_int_equal(c.sip.max_cps, 0);
	assert_int_equal(c.sip.source_rps, 200);
	assert_int_equal(c.sip.max_msg_bytes, 16384);
	assert_int_equal(c.sip.retry_after_s, 5);
	assert_int_equal(c.sip.media_timeout_s, 60);
	assert_int_equal(c.sip.session_expires_s, 1800);
	assert_int_equal(c.sip.min_se_s, 90);
	assert_int_equal(c.sip.no_answer_s, 180);
	assert_string_equal(c.sip.records, "");
	assert_int_equal(c.sip.nb_tenants, 1);
	assert_int_equal(c.sip.tenant[0].registration, ESG_REG_STATIC);
	assert_int_equal(c.sip.tenant[0].pbx.family, AF_INET);
	assert_int_equal(c.sip.tenant[0].pbx.port, 0);
	assert_int_equal(c.sip.tenant[0].media_port_min, 0);
	assert_int_equal(c.sip.tenant[0].media_port_max, 0);
	/* an IPv6 proxy's domain keeps its brackets (RFC 3261 19.1.1) */
	assert_int_equal(
		esg_conf_parse(DOC("\"operator\":{\"interface\":\"wan\","
				   "\"proxy\":\"sip:[2001:db8:2::10]\"},"
				   "\"records\":\"\""),
			       &c, err),
		0);
	assert_string_equal(c.sip.domain, "[2001:db8:2::10]");
	assert_int_equal(
		esg_conf_parse(
			DOC("\"operator\":{\"interface\":\"wan\","
			    "\"proxy\":\"sip:pcscf.op-1.example:5060\"}"),
			&c, err),
		0);
	assert_string_equal(c.sip.domain, "pcscf.op-1.example");
}

/* transport "tls": the CA, the optional client certificate and key
 * (default: the certificate's file), tls_verify false without a CA. */
static void
test_tls(void **state)
{
	struct esg_conf c;
	char err[ESG_CONF_ERR_LEN];

	(void)state;
	assert_int_equal(
		esg_conf_parse(DOC("\"operator\":{\"interface\":\"wan\","
				   "\"proxy\":\"sip:198.51.100.10\","
				   "\"transport\":\"tls\","
				   "\"tls_ca\":\"/etc/esg/ca.pem\","
				   "\"tls_cert\":\"/etc/esg/esg.pem\"}"),
			       &c, err),
		0);
	assert_int_equal(c.sip.transport, ESG_SIP_TLS);
	assert_string_equal(c.sip.tls_ca, "/etc/esg/ca.pem");
	assert_string_equal(c.sip.tls_cert, "/etc/esg/esg.pem");
	assert_string_equal(c.sip.tls_key, "");
	assert_true(c.sip.tls_verify);
	assert_int_equal(
		esg_conf_parse(DOC("\"operator\":{\"interface\":\"wan\","
				   "\"proxy\":\"sip:198.51.100.10\","
				   "\"transport\":\"tls\","
				   "\"tls_verify\":false}"),
			       &c, err),
		0);
	assert_false(c.sip.tls_verify);
	assert_string_equal(c.sip.tls_ca, "");
	/* the defaults of udp */
	assert_int_equal(
		esg_conf_parse(DOC("\"operator\":{\"interface\":\"wan\","
				   "\"proxy\":\"sip:198.51.100.10\"}"),
			       &c, err),
		0);
	assert_true(c.sip.tls_verify);
}

#define P "sip.tenants[0]."
static const struct {
	const char *json;
	const char *err;
} bad[] = {
	{DOC("\"color\":1"), "sip.color: unknown key"},
	{"{" IFACES ",\"sip\":[]}", "sip: must be an object, not an array"},
	{DOC("\"limits\":{}"), "sip.operator: missing (required)"},
	{DOC("\"operator\":{\"proxy\":\"sip:a.example\"}"),
	 "sip.operator.interface: missing (required)"},
	{DOC("\"operator\":{\"interface\":\"dmz\",\"proxy\":\"sip:a\"}"),
	 "sip.operator.interface: 'dmz' is not an interface"},
	{DOC("\"operator\":{\"interface\":\"lan\",\"proxy\":\"sip:a\"}"),
	 "sip.operator.interface: 'lan' is not a wan interface"},
	{DOC("\"operator\":{\"interface\":\"wan\"}"),
	 "sip.operator.proxy: missing (required)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"198.51.100.10\"}"),
	 "sip.operator.proxy: '198.51.100.10' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:\"}"),
	 "sip.operator.proxy: 'sip:' is not a \"sip:host[:port]\" URI (host: "
	 "IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:1.2.3.400\"}"),
	 "sip.operator.proxy: 'sip:1.2.3.400' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a.b:0\"}"),
	 "sip.operator.proxy: 'sip:a.b:0' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:[::1\"}"),
	 "sip.operator.proxy: 'sip:[::1' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:-a.b\"}"),
	 "sip.operator.proxy: 'sip:-a.b' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\","
	     "\"proxy\":\"sip:u@a.b\"}"),
	 "sip.operator.proxy: 'sip:u@a.b' is not a \"sip:host[:port]\" URI "
	 "(host: IPv4, [IPv6] or a domain name)"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"sctp\"}"),
	 "sip.operator.transport: 'sctp' is not one of udp, tcp, tls"},
	/* TLS keys (docs/configuration.md "sip", docs/b2bua.md "Transport
	 * toward the operator") */
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"tls\"}"),
	 "sip.operator.tls_ca: required with transport \"tls\" (the proxy's "
	 "certificate is verified against it) unless tls_verify is false"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"tcp\",\"tls_ca\":\"/ca.pem\"}"),
	 "sip.operator.tls_ca: only with transport \"tls\""},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"tls_verify\":false}"),
	 "sip.operator.tls_verify: only with transport \"tls\""},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"tls\",\"tls_ca\":\"/ca.pem\","
	     "\"tls_key\":\"/k.pem\"}"),
	 "sip.operator.tls_key: only with tls_cert"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"tls\",\"tls_ca\":\"\"}"),
	 "sip.operator.tls_ca: length 0 is out of range 1..255"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"transport\":\"tls\",\"tls_verify\":1}"),
	 "sip.operator.tls_verify: must be true or false, not an integer"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"family\":\"ip\"}"),
	 "sip.operator.family: 'ip' is not one of any, ipv4, ipv6"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"domain\":\"a.b:5060\"}"),
	 "sip.operator.domain: 'a.b:5060' is not a host"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"reg_retry_min_s\":100,\"reg_retry_max_s\":50}"),
	 "sip.operator.reg_retry_max_s: 50 is below reg_retry_min_s 100"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	     "\"options_interval_s\":3601}"),
	 "sip.operator.options_interval_s: 3601 is out of range 0..3600"},
	{DOC("\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:1.2.3.4\","
	     "\"family\":\"ipv6\"}"),
	 "sip.operator.proxy: 'sip:1.2.3.4' is not of family 'ipv6'"},
	{"{\"interfaces\":[{\"name\":\"wan\",\"role\":\"wan\",\"device\":"
	 "\"d\",\"exception\":\"e\",\"ipv4\":[\"198.51.100.1/24\"]}],"
	 "\"sip\":{\"operator\":{\"interface\":\"wan\",\"proxy\":\"sip:a\","
	 "\"family\":\"ipv6\"}}}",
	 "sip.operator.family: 'ipv6' but interface 'wan' has no such address"},
	{"{\"interfaces\":[{\"name\":\"wan\",\"role\":\"wan\",\"device\":"
	 "\"d\",\"exception\":\"e\",\"ipv4\":[\"198.51.100.1/24\"]}],"
	 "\"sip\":{\"operator\":{\"interface\":\"wan\","
	 "\"proxy\":\"sip:[2001:db8::1]\"}}}",
	 "sip.operator.proxy: 'sip:[2001:db8::1]': interface 'wan' has no "
	 "address of that family"},
	{DOC(OP ",\"limits\":{\"max_calls\":0}"),
	 "sip.limits.max_calls: 0 is out of range 1..10000000"},
	{DOC(OP ",\"limits\":{\"max_msg_bytes\":70000}"),
	 "sip.limits.max_msg_bytes: 70000 is out of range 1024..65507"},
	{DOC(OP ",\"limits\":{\"retry_after_s\":0}"),
	 "sip.limits.retry_after_s: 0 is out of range 1..3600"},
	{DOC(OP ",\"limits\":{\"max_legs\":1}"),
	 "sip.limits.max_legs: unknown key"},
	{DOC(OP ",\"timers\":{\"min_se_s\":89}"),
	 "sip.timers.min_se_s: 89 is out of range 90..86400"},
	{DOC(OP ",\"timers\":{\"min_se_s\":600,\"session_expires_s\":300}"),
	 "sip.timers.session_expires_s: 300 is below min_se_s 600"},
	{DOC(OP ",\"timers\":{\"no_answer_s\":0}"),
	 "sip.timers.no_answer_s: 0 is out of range 1..3600"},
	{DOC(OP ",\"records\":\"calls.jsonl\""),
	 "sip.records: 'calls.jsonl' is not an absolute path"},
	{DOC(OP ",\"records\":3"),
	 "sip.records: must be a string, not an integer"},
	{DOC(OP ",\"tenants\":{}"),
	 "sip.tenants: must be an array, not an object"},
	{DOC(TENANTS("{\"interface\":\"lan\"}")), P "name: missing (required)"},
	{DOC(TENANTS("{\"name\":\"a b\"}")),
	 P "name: 'a b': use letters, digits, '-', '_'"},
	{DOC(TENANTS(T_STATIC("a") "}," T_STATIC("a") "}")),
	 "sip.tenants[1].name: 'a' is also used by tenants[0]"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"wan\"}")),
	 P "interface: 'wan' is not a lan interface"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan9\"}")),
	 P "interface: 'lan9' is not an interface"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan\","
		     "\"registration\":\"dynamic\"}")),
	 P "registration: 'dynamic' is not one of static, trunk, per-user"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan\","
		     "\"registration\":\"static\"}")),
	 P "pbx: missing (required with registration \"static\")"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan\"}")),
	 P "trunk: missing (required with registration \"trunk\")"},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan\",\"registration\":"
		     "\"static\",\"pbx\":\"pbx.example\"}")),
	 P "pbx: 'pbx.example' is not \"address[:port]\" or "
	   "\"[IPv6]:port\""},
	{DOC(TENANTS("{\"name\":\"a\",\"interface\":\"lan\",\"registration\":"
		     "\"static\",\"pbx\":\"192.0.2.10:99999\"}")),
	 P "pbx: '192.0.2.10:99999' is not \"address[:port]\" or "
	   "\"[IPv6]:port\""},
	{DOC(TENANTS(T_STATIC("a") ",\"sources\":[\"192.0.2.1/24\"]}")),
	 P "sources[0]: '192.0.2.1/24' is not an address or a prefix "
	   "\"address/length\" without host bits"},
	{DOC(TENANTS(T_STATIC("a") ",\"sources\":[\"2001:db8::/129\"]}")),
	 P "sources[0]: '2001:db8::/129' is not an address or a prefix "
	   "\"address/length\" without host bits"},
	{DOC(TENANTS(T_STATIC("a") ",\"sources\":[\"10.0.0.0/8\",7]}")),
	 P "sources[1]: must be a string, not an integer"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"+49-30\"]}")),
	 P "numbers[0]: '+49-30' is not a number or range"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"49 30\"]}")),
	 P "numbers[0]: '49 30' is not a number or range"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"+1234567890123456\"]}")),
	 P "numbers[0]: '+1234567890123456' is not a number or range"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"100-\"]}")),
	 P "numbers[0]: '100-' is not a number or range"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"100-1999\"]}")),
	 P "numbers[0]: '100-1999': both ends must have as many digits"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"199-100\"]}")),
	 P "numbers[0]: '199-100': the first number is above the last"},
	{DOC(TENANTS(T_STATIC("a") ",\"numbers\":[\"100-199\",\"150\"]}")),
	 P "numbers[1]: '150' overlaps tenants[0].numbers[0]"},
	{DOC(TENANTS(T_STATIC(
		 "a") ",\"numbers\":[\"+100-+199\"]},"
		      "{\"name\":\"b\",\"interface\":\"lan2\",\"registration\":"
		      "\"static\",\"pbx\":\"203.0.113.9\","
		      "\"numbers\":[\"200-299\",\"190-209\"]}")),
	 "sip.tenants[1].numbers[1]: '190-209' overlaps "
	 "tenants[0].numbers[0]"},
	{DOC(TENANTS(T_STATIC("a") ",\"trunk\":{\"username\":\"a@b\"}}")),
	 P "trunk.username: 'a@b' is not a SIP user part"},
	{DOC(TENANTS(T_STATIC("a") ",\"trunk\":{\"user\":\"a\"}}")),
	 P "trunk.user: unknown key"},
	{DOC(TENANTS(T_STATIC("a") ",\"trunk\":{\"username\":\"a\","
				   "\"aor\":\"tel:+4930\"}}")),
	 P "trunk.aor: 'tel:+4930' is not a \"sip:user@host\" URI"},
	{DOC(TENANTS(T_STATIC("a") ",\"trunk\":{\"username\":\"a\","
				   "\"expires_s\":30}}")),
	 P "trunk.expires_s: 30 is out of range 60..86400"},
	{DOC(OP ",\"limits\":{\"max_calls\":10},\"tenants\":[" T_STATIC(
		 "a") ",\"max_calls\":11}]"),
	 P "max_calls: 11 is out of range 0..10"},
	{DOC(OP ",\"limits\":{\"max_cps\":10},\"tenants\":[" T_STATIC(
		 "a") ",\"max_cps\":11}]"),
	 P "max_cps: 11 is out of range 0..10"},
	{DOC(TENANTS(T_STATIC("a") ",\"media_ports\":\"20000\"}")),
	 P "media_ports: '20000' is not a port range \"first-last\""},
	{DOC(TENANTS(T_STATIC("a") ",\"media_ports\":\"20000-20999x\"}")),
	 P "media_ports: '20000-20999x' is not a port range \"first-last\""},
	{DOC(TENANTS(T_STATIC("a") ",\"media_ports\":\"20999-20000\"}")),
	 P "media_ports: '20999-20000': 20999 is above 20000"},
	{DOC(TENANTS(T_STATIC("a") ",\"media_ports\":\"10000-20000\"}")),
	 P "media_ports: '10000-20000' is not inside the dataplane's media "
	   "ports 16384-32767"},
	{DOC(TENANTS(T_STATIC(
		 "a") ",\"media_ports\":\"20000-20999\"},"
		      "{\"name\":\"b\",\"interface\":\"lan\",\"registration\":"
		      "\"static\",\"pbx\":\"192.0.2.11\","
		      "\"media_ports\":\"20500-21999\"}")),
	 "sip.tenants[1].media_ports: '20500-21999' overlaps tenants[0] "
	 "20000-20999"},
};
#undef P

static void
test_bad(void **state)
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
		assert_memory_equal(&c, &before, sizeof(c));
	}
}

/* A WAN without a static IPv4 address whose IPv4 address comes from
 * DHCPv4 (provisioning "dhcp", spec 000 8.1.3): an IPv4 proxy (or family
 * "ipv4") is accepted, the lease gives the address at run time
 * (docs/provisioning.md "Hand-off to SIP"); with a stack without IPv4,
 * or without provisioning, the same proxy is refused. */
#define WAN6_ONLY                                                              \
	"\"interfaces\":[{\"name\":\"wan\",\"role\":\"wan\",\"device\":"       \
	"\"d\",\"exception\":\"e\",\"ipv6\":[\"2001:db8:2::1/64\"]}]"
#define PROXY4                                                                 \
	"\"sip\":{\"operator\":{\"interface\":\"wan\","                        \
	"\"proxy\":\"sip:198.51.100.254:5060\"}}"

static void
test_leased_family(void **state)
{
	char err[ESG_CONF_ERR_LEN] = "";
	struct esg_conf c;

	(void)state;
	if (esg_conf_parse("{" WAN6_ONLY ",\"provisioning\":{\"mode\":\"dhcp\","
			   "\"stack\":\"ipv4\"}," PROXY4 "}",
			   &c, err) != 0)
		fail_msg("dhcp ipv4: refused: %s", err);
	assert_true(c.sip.enabled);
	assert_int_equal(c.prov.mode, ESG_PROV_DHCP);
	if (esg_conf_parse("{" WAN6_ONLY ",\"provisioning\":{\"mode\":\"dhcp\","
			   "\"stack\":\"ipv4\"},\"sip\":{\"operator\":{"
			   "\"interface\":\"wan\",\"proxy\":\"sip:a\","
			   "\"family\":\"ipv4\"}}}",
			   &c, err) != 0)
		fail_msg("dhcp ipv4, family ipv4: refused: %s", err);
	assert_int_equal(esg_conf_parse("{" WAN6_ONLY "," PROXY4 "}", &c, err),
			 EINVAL);
	assert_string_equal(err, "sip.operator.proxy: 'sip:198.51.100.254:5060'"
				 ": interface 'wan' has no address of that "
				 "family");
	/* no address, DHCP for IPv6 only: still no IPv4 */
	assert_int_equal(
		esg_conf_parse("{\"interfaces\":[{\"name\":\"wan\","
			       "\"role\":\"wan\",\"device\":\"d\","
			       "\"exception\":\"e\"}],\"provisioning\":"
			       "{\"mode\":\"dhcp\",\"stack\":\"ipv6\"}," PROXY4
			       "}",
			       &c, err),
		EINVAL);
	assert_string_equal(err, "sip.operator.proxy: 'sip:198.51.100.254:5060'"
				 ": interface 'wan' has no address of that "
				 "family");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_tls),
		cmocka_unit_test(test_leased_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
