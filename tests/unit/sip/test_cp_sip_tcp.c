/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP and TLS toward the operator (docs/b2bua.md "Transport toward the
 * operator"): the ESG's stacks from cp_sip (the WAN one on 127.0.0.2 with
 * cp_sip_stream), the trunk registered by cp_reg through the registrar
 * mock of test_cp_reg_mock.c listening on TCP or TLS on 127.0.0.1:
 * - transport "tcp": the REGISTERs arrive over TCP, the Route and the
 *   Contact carry ";transport=tcp" (RFC 3261 19.1.1, 10.2.1), registered
 *   after the 401 (22.2); the route URI of cp_route_proxy_uri for each
 *   transport (sip: with ;transport=tls, not sips:, RFC 3261 26.2.2);
 * - transport "tls" with a self-signed certificate for IP 127.0.0.1 made
 *   by openssl(1) in a temporary directory: registered over TLS when
 *   tls_ca is that certificate (RFC 3261 26.3.1, RFC 5922: chain and IP
 *   address checked); with another CA nothing reaches the registrar
 *   (the handshake fails) and the registration fails; skipped with a
 *   message when openssl is missing.
 * Every wait is bounded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <re.h>

#include "cp_log.h"
#include "esg_conf.h"
#include "sip/cp_reg.h"
#include "sip/cp_route.h"
#include "sip/cp_sip.h"
#include "test_cp_reg_mock.h"

/* requests the mock received, by transport (its trace handler) */
static unsigned int rx_tp[SIP_TRANSPC];

static void
trace_h(bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
	const uint8_t *pkt, size_t len, void *arg)
{
	(void)src;
	(void)dst;
	(void)arg;
	if (!tx && len > 8 && memcmp(pkt, "REGISTER", 8) == 0 &&
	    tp < SIP_TRANSPC)
		rx_tp[tp]++;
}

static uint16_t
tcp_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	uint16_t port;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = inet_addr("127.0.0.2");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sl), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static bool
registered(const void *arg)
{
	return cp_reg_status(arg, 0)->state == CP_REG_REGISTERED;
}

static bool
failed(const void *arg)
{
	return cp_reg_status(arg, 0)->state == CP_REG_FAILED;
}

static bool
esg_h(const struct sip_msg *msg, void *arg)
{
	return cp_reg_request(arg, msg);
}

/* The ESG as esg-controlplane builds it: cp_sip with a LAN group on
 * 127.0.0.1 and the WAN group on 127.0.0.2 with the stream transport;
 * cp_reg on those stacks with the configured transport. */
struct tesg {
	struct esg e; /* conf only */
	struct cp_sip *cs;
	struct cp_reg *reg;
};

static void
tesg_open(struct tesg *t, struct mock *m, enum esg_sip_transport tr,
	  struct tls *tls)
{
	struct sip *sips[2];
	struct sa addrs[2];
	unsigned int grp[2] = {0, 1};
	struct esg_conf_tenant *tn;
	uint16_t port = tcp_free_port();

	esg_conf(&t->e, m, ESG_REG_TRUNK);
	t->e.conf.iface[1].addr4[0].u.v4.s_addr = inet_addr("127.0.0.2");
	t->e.conf.sip.transport = tr;
	tn = &t->e.conf.sip.tenant[0];
	snprintf(tn->trunk.username, sizeof(tn->trunk.username), TRUNK_USER);
	snprintf(tn->trunk.password, sizeof(tn->trunk.password), TRUNK_PASS);
	tn->trunk.expires_s = 60;
	assert_int_equal(sa_set_str(&addrs[0], "127.0.0.1", 0), 0);
	assert_int_equal(sa_set_str(&addrs[1], "127.0.0.2", 0), 0);
	assert_int_equal(cp_sip_alloc_groups(&t->cs, addrs, grp, 2, port, 100),
			 0);
	assert_int_equal(cp_sip_stream(t->cs, 1,
				       tr == ESG_SIP_TLS ? SIP_TRANSP_TLS
							 : SIP_TRANSP_TCP,
				       tls),
			 0);
	assert_int_equal(cp_sip_stream(t->cs, 1, SIP_TRANSP_TCP, NULL),
			 EALREADY);
	assert_int_equal(cp_sip_bound(t->cs), 2);
	sips[0] = cp_sip_stack_of(t->cs, 0);
	sips[1] = cp_sip_stack_of(t->cs, 1);
	assert_int_equal(cp_reg_alloc_stacks(&t->reg, sips, &t->e.conf, port),
			 0);
	cp_sip_set_handler(t->cs, esg_h, NULL, t->reg, NULL);
	assert_int_equal(cp_reg_start(t->reg), 0);
}

static void
tesg_close(struct tesg *t)
{
	t->reg = mem_deref(t->reg);
	t->cs = mem_deref(t->cs);
}

static void
test_route_uri(void **state)
{
	struct esg_conf_sip s;
	char buf[64];

	(void)state;
	esg_conf_sip_defaults(&s);
	snprintf(s.proxy, sizeof(s.proxy), "sip:pcscf.op.example:5060");
	assert_int_equal(cp_route_proxy_uri(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sip:pcscf.op.example:5060");
	s.transport = ESG_SIP_TCP;
	assert_int_equal(cp_route_proxy_uri(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sip:pcscf.op.example:5060;transport=tcp");
	s.transport = ESG_SIP_TLS;
	assert_int_equal(cp_route_proxy_uri(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "sip:pcscf.op.example:5060;transport=tls");
	assert_int_equal(cp_route_proxy_uri(&s, buf, 20), ENOSPC);
	/* the API refuses what it cannot serve */
	assert_int_equal(cp_sip_stream(NULL, 0, SIP_TRANSP_TCP, NULL), EINVAL);
}

static void
test_tcp_register(void **state)
{
	struct mock m;
	struct tesg t;

	(void)state;
	memset(rx_tp, 0, sizeof(rx_tp));
	mock_open(&m);
	assert_int_equal(sip_transp_add(m.sip, SIP_TRANSP_TCP, &m.addr), 0);
	sip_set_trace_handler(m.sip, trace_h);
	tesg_open(&t, &m, ESG_SIP_TCP, NULL);
	assert_true(wait_for(registered, t.reg, 5000));
	/* 401 then 200, both REGISTERs over TCP, none over UDP */
	assert_int_equal(m.registers, 2);
	assert_int_equal(rx_tp[SIP_TRANSP_TCP], 2);
	assert_int_equal(rx_tp[SIP_TRANSP_UDP], 0);
	assert_non_null(strstr(m.route, ";transport=tcp"));
	assert_non_null(strstr(m.contact, ";transport=tcp"));
	/* libre 1.1.0 binds no source address for a TCP connection: the
	 * kernel's for the route to the proxy (the WAN interface's on the
	 * ESG). The Contact names the WAN group's address with
	 * ;transport=tcp (its port is not the connection's: docs/b2bua.md
	 * "Transport toward the operator", limits). */
	assert_non_null(strstr(m.contact, "@127.0.0.2:"));
	tesg_close(&t);
	mock_close(&m);
}

/* openssl(1) makes a self-signed certificate for IP 127.0.0.1 in dir;
 * false when it cannot (the caller skips). */
static bool
mkcert(const char *dir, const char *name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:prime256v1 -nodes -days 1 "
		 "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
		 "-keyout %s/%s.key -out %s/%s.crt >/dev/null 2>&1 && "
		 "cat %s/%s.crt %s/%s.key > %s/%s.pem",
		 dir, name, dir, name, dir, name, dir, name, dir, name);
	return system(cmd) == 0;
}

static void
tls_case(const char *dir, bool trusted)
{
	struct tls *mtls = NULL, *etls = NULL;
	struct esg_conf_sip s;
	char path[512];
	struct mock m;
	struct tesg t;

	memset(rx_tp, 0, sizeof(rx_tp));
	mock_open(&m);
	snprintf(path, sizeof(path), "%s/proxy.pem", dir);
	assert_int_equal(tls_alloc(&mtls, TLS_METHOD_SSLV23, path, NULL), 0);
	assert_int_equal(sip_transp_add(m.sip, SIP_TRANSP_TLS, &m.addr, mtls),
			 0);
	sip_set_trace_handler(m.sip, trace_h);
	/* the ESG's context from the configuration, as cp_main makes it */
	esg_conf_sip_defaults(&s);
	s.transport = ESG_SIP_TLS;
	re_snprintf(s.proxy, sizeof(s.proxy), "sip:%J", &m.addr);
	snprintf(s.tls_ca, sizeof(s.tls_ca), "%s/%s.crt", dir,
		 trusted ? "proxy" : "other");
	assert_int_equal(cp_sip_tls_alloc(&etls, &s), 0);
	tesg_open(&t, &m, ESG_SIP_TLS, etls);
	if (trusted) {
		assert_true(wait_for(registered, t.reg, 5000));
		assert_int_equal(m.registers, 2);
		assert_int_equal(rx_tp[SIP_TRANSP_TLS], 2);
		assert_non_null(strstr(m.route, ";transport=tls"));
		assert_non_null(strstr(m.contact, ";transport=tls"));
	} else {
		/* RFC 3261 26.3.1: an unverified proxy gets nothing */
		assert_true(wait_for(failed, t.reg, 8000));
		assert_int_equal(m.registers, 0);
		assert_int_equal(rx_tp[SIP_TRANSP_TLS], 0);
	}
	tesg_close(&t);
	mem_deref(etls);
	mock_close(&m);
	mem_deref(mtls);
}

static void
test_tls_register(void **state)
{
	char dir[] = "/tmp/esg-tls-XXXXXX", cmd[256];
	struct esg_conf_sip s;
	struct tls *tls = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	if (!mkcert(dir, "proxy") || !mkcert(dir, "other")) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)system(cmd);
		skip(); /* openssl(1) missing: no certificate to test with */
	}
	/* a CA file that does not load is refused */
	esg_conf_sip_defaults(&s);
	s.transport = ESG_SIP_TLS;
	snprintf(s.proxy, sizeof(s.proxy), "sip:127.0.0.1");
	snprintf(s.tls_ca, sizeof(s.tls_ca), "%s/none.crt", dir);
	assert_int_not_equal(cp_sip_tls_alloc(&tls, &s), 0);
	assert_null(tls);
	s.transport = ESG_SIP_TCP;
	assert_int_equal(cp_sip_tls_alloc(&tls, &s), EINVAL);

	tls_case(dir, true);
	tls_case(dir, false);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	(void)system(cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_uri),
		cmocka_unit_test(test_tcp_register),
		cmocka_unit_test(test_tls_register),
	};
	int err;

	cp_log_init(ESG_LOG_DEBUG, false);
	err = libre_init();
	if (err)
		return 1;
	err = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return err;
}
