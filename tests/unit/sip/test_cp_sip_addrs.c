/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The issue 5 hand-off to SIP (spec 000 8.1.3; spec 001 6.3.5: a changed
 * address starts again): the run-time own-address table (cp_addrs: add,
 * duplicates, delete, lookups, prefixes, watchers), SIP listeners added
 * and removed at run time on 127.0.0.x (cp_sip_add/cp_sip_del: an OPTIONS
 * to the new address is answered, none after removal, the group's other
 * address bound again after libre's flush), routing over a leased WAN
 * address (cp_route_own_addr / cp_route_iface / cp_route_side /
 * cp_route_sig_af) and the trunk registration started from the leased
 * address when it appears (cp_reg_wan_changed against the mock
 * registrar: RFC 3261 10.2 Contact at the leased address).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <re.h>

#include "cp_addrs.h"
#include "cp_log.h"
#include "esg_conf.h"
#include "sip/cp_reg.h"
#include "sip/cp_route.h"
#include "sip/cp_sip.h"
#include "test_cp_reg_mock.h"

struct seen {
	unsigned int n, iface;
	bool added;
	struct sa a;
};

static void
seen_h(unsigned int iface, const struct sa *a, bool added, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->iface = iface;
	s->added = added;
	s->a = *a;
}

static void
sa4(struct sa *sa, const char *ip, uint16_t port)
{
	assert_int_equal(sa_set_str(sa, ip, port), 0);
}

static void
test_addrs_table(void **state)
{
	struct cp_addrs_watch *w = NULL;
	struct seen s = {0};
	struct sa a, b, c6, out, in;
	unsigned int ifc;
	uint8_t plen;

	(void)state;
	cp_addrs_clear();
	assert_int_equal(cp_addrs_watch(&w, seen_h, &s), 0);
	sa4(&a, "198.51.100.7", 5060); /* the port is not part of it */
	sa4(&b, "198.51.100.8", 0);
	sa4(&c6, "2001:db8:2::7", 0);
	assert_int_equal(cp_addrs_find(&a, &ifc), ENOENT);
	assert_int_equal(cp_addrs_add(1, &a, 24), 0);
	assert_int_equal(s.n, 1);
	assert_true(s.added);
	assert_int_equal(s.iface, 1);
	assert_int_equal(sa_port(&s.a), 0);
	/* re-applied after a dataplane attach: nothing changes */
	assert_int_equal(cp_addrs_add(1, &a, 24), EALREADY);
	assert_int_equal(s.n, 1);
	assert_int_equal(cp_addrs_add(1, &c6, 64), 0);
	assert_int_equal(cp_addrs_add(1, &a, 24), EALREADY);
	assert_int_equal(cp_addrs_add(1, &b, 33), EINVAL);
	assert_int_equal(cp_addrs_find(&a, &ifc), 0);
	assert_int_equal(ifc, 1);
	assert_int_equal(cp_addrs_first(1, AF_INET, &out), 0);
	assert_true(sa_cmp(&out, &a, SA_ADDR));
	assert_int_equal(cp_addrs_first(1, AF_INET6, &out), 0);
	assert_true(sa_cmp(&out, &c6, SA_ADDR));
	assert_int_equal(cp_addrs_first(0, AF_INET, &out), ENOENT);
	/* prefixes: the lease's /24 and /64 */
	sa4(&in, "198.51.100.200", 0);
	assert_true(cp_addrs_prefix_has(1, &in));
	assert_false(cp_addrs_prefix_has(0, &in));
	sa4(&in, "198.51.101.1", 0);
	assert_false(cp_addrs_prefix_has(1, &in));
	sa4(&in, "2001:db8:2::99", 0);
	assert_true(cp_addrs_prefix_has(1, &in));
	assert_int_equal(cp_addrs_get(1, &ifc, &out, &plen), 0);
	assert_int_equal(plen, 64);
	assert_int_equal(cp_addrs_get(2, &ifc, &out, &plen), ENOENT);
	/* delete: told, gone; twice: ENOENT */
	assert_int_equal(cp_addrs_del(1, &a), 0);
	assert_int_equal(s.n, 3);
	assert_false(s.added);
	assert_int_equal(cp_addrs_del(1, &a), ENOENT);
	assert_int_equal(cp_addrs_find(&a, &ifc), ENOENT);
	assert_int_equal(cp_addrs_del(0, &c6), ENOENT); /* other interface */
	/* a watcher gone is told nothing */
	w = mem_deref(w);
	assert_int_equal(cp_addrs_add(1, &a, 24), 0);
	assert_int_equal(s.n, 3);
	cp_addrs_clear();
	assert_int_equal(cp_addrs_find(&c6, &ifc), ENOENT);
}

static void
test_addrs_full(void **state)
{
	struct sa a;
	unsigned int i;
	char ip[32];

	(void)state;
	cp_addrs_clear();
	for (i = 0; i < CP_ADDRS_MAX; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%u", i + 1);
		sa4(&a, ip, 0);
		assert_int_equal(cp_addrs_add(0, &a, 32), 0);
	}
	sa4(&a, "10.0.1.1", 0);
	assert_int_equal(cp_addrs_add(0, &a, 32), ENOSPC);
	memset(&a, 0, sizeof(a));
	assert_int_equal(cp_addrs_add(0, &a, 32), EAFNOSUPPORT);
	cp_addrs_clear();
}

/* ---- run-time listeners ------------------------------------------ */

static uint16_t
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t port;

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

struct answer {
	int fd;
	char buf[2048];
	ssize_t n;
};

static bool
answered(const void *arg)
{
	struct answer *an = (struct answer *)(uintptr_t)arg;

	if (an->n > 0)
		return true; /* wait_for() asks once more at the end */
	an->n = recv(an->fd, an->buf, sizeof(an->buf) - 1, MSG_DONTWAIT);
	return an->n > 0;
}

/* Send an OPTIONS to ip:port from a plain socket; true when a 200 came
 * back within 500 ms of the event loop (RFC 3261 11.2). */
static bool
options_ok(const char *ip, uint16_t port)
{
	static struct answer an;
	struct sockaddr_in to;
	char req[512];
	int len;
	bool ok;

	an.n = 0;
	an.fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(an.fd >= 0);
	len = snprintf(req, sizeof(req),
		       "OPTIONS sip:%s:%u SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK%u\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:t@127.0.0.1>;tag=1\r\n"
		       "To: <sip:%s>\r\n"
		       "Call-ID: addrs-%u@test\r\n"
		       "CSeq: 1 OPTIONS\r\n"
		       "Content-Length: 0\r\n\r\n",
		       ip, port, rand_u32(), ip, rand_u32());
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(port);
	to.sin_addr.s_addr = inet_addr(ip);
	assert_true(sendto(an.fd, req, (size_t)len, 0, (struct sockaddr *)&to,
			   sizeof(to)) == len);
	ok = wait_for(answered, &an, 500);
	close(an.fd);
	if (!ok)
		return false;
	an.buf[an.n] = '\0';
	return strncmp(an.buf, "SIP/2.0 200", 11) == 0;
}

static void
test_sip_listeners(void **state)
{
	struct cp_sip *cs = NULL;
	struct sa a, b, got;
	uint16_t port = free_port();
	bool bound;

	(void)state;
	sa4(&a, "127.0.0.3", 0);
	sa4(&b, "127.0.0.4", 0);
	/* no configured address on group 1 (the WAN of a DHCP ESG) */
	assert_int_equal(cp_sip_alloc_groups(&cs, NULL, NULL, 0, port, 100), 0);
	assert_int_equal(cp_sip_group_open(cs, 1), 0);
	assert_non_null(cp_sip_stack_of(cs, 1));
	assert_int_equal(cp_sip_group_open(cs, CP_SIP_MAX_GROUPS), EINVAL);
	assert_int_equal(cp_sip_bound(cs), 0);
	assert_false(options_ok("127.0.0.3", port));

	/* the lease arrives: listening at once, the listener's port */
	assert_int_equal(cp_sip_add(cs, &a, 1), 0);
	assert_int_equal(cp_sip_add(cs, &a, 1), EALREADY);
	assert_int_equal(cp_sip_bound(cs), 1);
	assert_int_equal(cp_sip_listener(cs, 0, &got, &bound), 0);
	assert_true(bound);
	assert_int_equal(sa_port(&got), port);
	assert_true(options_ok("127.0.0.3", port));
	assert_int_equal(cp_sip_add(cs, &b, 1), 0);
	assert_int_equal(cp_sip_bound(cs), 2);
	assert_true(options_ok("127.0.0.4", port));

	/* the second lease goes: the other one is untouched */
	assert_int_equal(cp_sip_del(cs, &b, 1), 0);
	assert_int_equal(cp_sip_del(cs, &b, 1), ENOENT);
	assert_int_equal(cp_sip_bound(cs), 1);
	assert_int_equal(cp_sip_listener(cs, 0, &got, &bound), 0);
	assert_true(sa_cmp(&got, &a, SA_ADDR));
	assert_int_equal(cp_sip_listener(cs, 1, &got, &bound), ENOENT);
	assert_true(options_ok("127.0.0.3", port));
	/* the last one goes (the group is flushed), a new lease comes
	 * (6.3.5): the new address answers */
	assert_int_equal(cp_sip_del(cs, &a, 1), 0);
	assert_int_equal(cp_sip_bound(cs), 0);
	sa4(&b, "127.0.0.7", 0);
	assert_int_equal(cp_sip_add(cs, &b, 1), 0);
	assert_true(options_ok("127.0.0.7", port));
	assert_true(cp_sip_counters(cs)->options >= 4);
	mem_deref(cs);
}

/* ---- routing over a leased address --------------------------------- */

static void
route_conf(struct esg_conf *c)
{
	memset(c, 0, sizeof(*c));
	esg_conf_defaults(c);
	c->nb_ifaces = 2;
	c->iface[0].role = ESG_IF_LAN;
	c->iface[1].role = ESG_IF_WAN;
	c->iface[0].nb_addr4 = 1;
	c->iface[0].addr4[0].family = AF_INET;
	c->iface[0].addr4[0].prefixlen = 24;
	c->iface[0].addr4[0].u.v4.s_addr = inet_addr("192.0.2.1");
	c->sip.enabled = true;
	c->sip.wan_iface = 1;
	snprintf(c->sip.proxy, sizeof(c->sip.proxy), "sip:198.51.100.2");
}

static void
test_route_leased(void **state)
{
	static struct esg_conf c;
	struct sa lease, out, v6;

	(void)state;
	cp_addrs_clear();
	route_conf(&c);
	sa4(&lease, "198.51.100.7", 5060);
	/* before the lease the WAN side has no IPv4 address: no media or
	 * Contact address for the trunk */
	assert_int_equal(cp_route_own_addr(&c, 1, AF_INET, &out), ENOENT);
	assert_int_equal(cp_route_iface(&c, &lease), -1);
	assert_int_equal(cp_route_side(&c, &lease), CP_ROUTE_NONE);
	assert_int_equal(cp_addrs_add(1, &lease, 24), 0);
	assert_int_equal(cp_route_own_addr(&c, 1, AF_INET, &out), 0);
	assert_true(sa_cmp(&out, &lease, SA_ADDR));
	assert_int_equal(sa_port(&out), 0);
	assert_int_equal(cp_route_iface(&c, &lease), 1);
	assert_int_equal(cp_route_side(&c, &lease), CP_ROUTE_WAN);
	assert_int_equal(cp_route_own_addr(&c, 1, AF_INET6, &out), ENOENT);
	/* the LAN keeps its configured address; a leased one of another
	 * interface is not the LAN's */
	assert_int_equal(cp_route_own_addr(&c, 0, AF_INET, &out), 0);
	assert_int_equal(sa_in(&out), ntohl(inet_addr("192.0.2.1")));
	/* a configured address wins over a leased one of its family */
	c.iface[1].nb_addr4 = 1;
	c.iface[1].addr4[0] = c.iface[0].addr4[0];
	c.iface[1].addr4[0].u.v4.s_addr = inet_addr("198.51.100.1");
	assert_int_equal(cp_route_own_addr(&c, 1, AF_INET, &out), 0);
	assert_int_equal(sa_in(&out), ntohl(inet_addr("198.51.100.1")));
	c.iface[1].nb_addr4 = 0;
	/* the lease goes (6.3.5): nothing left */
	assert_int_equal(cp_addrs_del(1, &lease), 0);
	assert_int_equal(cp_route_own_addr(&c, 1, AF_INET, &out), ENOENT);
	assert_int_equal(cp_route_side(&c, &lease), CP_ROUTE_NONE);
	/* an interface index past the configuration is none of ours */
	sa4(&v6, "2001:db8:2::7", 0);
	assert_int_equal(cp_addrs_add(5, &v6, 64), 0);
	assert_int_equal(cp_route_iface(&c, &v6), -1);
	cp_addrs_clear();

	/* the signalling family (spec 000 8.1.3): the proxy literal's,
	 * else "family", else either */
	assert_int_equal(cp_route_sig_af(&c.sip), AF_INET);
	snprintf(c.sip.proxy, sizeof(c.sip.proxy), "sip:[2001:db8:2::2]");
	assert_int_equal(cp_route_sig_af(&c.sip), AF_INET6);
	snprintf(c.sip.proxy, sizeof(c.sip.proxy), "sip:proxy.example");
	c.sip.family = ESG_SIP_FAM_ANY;
	assert_int_equal(cp_route_sig_af(&c.sip), AF_UNSPEC);
	c.sip.family = ESG_SIP_FAM_IPV6;
	assert_int_equal(cp_route_sig_af(&c.sip), AF_INET6);
	c.sip.family = ESG_SIP_FAM_IPV4;
	assert_int_equal(cp_route_sig_af(&c.sip), AF_INET);
}

/* ---- the trunk registers when the WAN address appears -------------- */

struct hand_off {
	struct cp_sip *cs;
	struct cp_reg *reg;
};

/* What esg-controlplane's addrs_h does (cp_main.c). */
static void
hand_off_h(unsigned int iface, const struct sa *a, bool added, void *arg)
{
	struct hand_off *h = arg;

	if (added)
		assert_int_equal(cp_sip_add(h->cs, a, iface), 0);
	else
		assert_int_equal(cp_sip_del(h->cs, a, iface), 0);
	if (iface == 1)
		cp_reg_wan_changed(h->reg);
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

static void
test_reg_on_lease(void **state)
{
	struct cp_addrs_watch *w = NULL;
	struct hand_off h = {0};
	struct sip *sips[2];
	struct esg_conf_tenant *t;
	struct sa lease, lease2;
	char want[160];
	uint64_t attempts;
	struct mock m;
	struct esg e;

	(void)state;
	cp_addrs_clear();
	mock_open(&m);
	esg_conf(&e, &m, ESG_REG_TRUNK);
	e.conf.iface[1].nb_addr4 = 0; /* "provisioning": {"mode": "dhcp"} */
	/* a back-off far longer than the test: only the hand-off can
	 * start the next REGISTER */
	e.conf.sip.reg_retry_min_s = 600;
	e.conf.sip.reg_retry_max_s = 1200;
	t = &e.conf.sip.tenant[0];
	snprintf(t->trunk.username, sizeof(t->trunk.username), TRUNK_USER);
	snprintf(t->trunk.password, sizeof(t->trunk.password), TRUNK_PASS);
	t->trunk.expires_s = 60;
	assert_int_equal(
		cp_sip_alloc_groups(&h.cs, NULL, NULL, 0, free_port(), 100), 0);
	assert_int_equal(cp_sip_group_open(h.cs, 1), 0);
	sips[0] = cp_sip_stack_of(h.cs, 0);
	sips[1] = cp_sip_stack_of(h.cs, 1);
	assert_int_equal(cp_reg_alloc_stacks(&h.reg, sips, &e.conf, 5060), 0);
	assert_int_equal(cp_addrs_watch(&w, hand_off_h, &h), 0);

	/* no WAN address: the REGISTER cannot leave, nothing reached the
	 * operator */
	assert_int_equal(cp_reg_start(h.reg), 0);
	assert_true(wait_for(failed, h.reg, 2000));
	assert_int_equal(m.registers, 0);
	attempts = cp_reg_status(h.reg, 0)->attempts;

	/* the DHCP lease: listener, then REGISTER from it at once */
	sa4(&lease, "127.0.0.5", 0);
	assert_int_equal(cp_addrs_add(1, &lease, 8), 0);
	assert_true(wait_for(registered, h.reg, 3000));
	assert_true(cp_reg_status(h.reg, 0)->attempts > attempts);
	assert_int_equal(cp_reg_status(h.reg, 0)->failc, 0);
	assert_true(sa_cmp(&m.src, &lease, SA_ADDR));
	re_snprintf(want, sizeof(want), "<sip:" TRUNK_USER "@%j:%u>", &lease,
		    sa_port(&m.src));
	assert_non_null(strstr(m.contact, want));

	/* spec 001 6.3.5: a new address on renewal starts again; the
	 * Contact follows */
	sa4(&lease2, "127.0.0.6", 0);
	assert_int_equal(cp_addrs_del(1, &lease), 0);
	assert_int_equal(cp_addrs_add(1, &lease2, 8), 0);
	assert_true(wait_for(registered, h.reg, 3000));
	assert_true(sa_cmp(&m.src, &lease2, SA_ADDR));
	re_snprintf(want, sizeof(want), "<sip:" TRUNK_USER "@%j:%u>", &lease2,
		    sa_port(&m.src));
	assert_non_null(strstr(m.contact, want));

	w = mem_deref(w);
	h.reg = mem_deref(h.reg);
	h.cs = mem_deref(h.cs);
	mock_close(&m);
	cp_addrs_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrs_table),
		cmocka_unit_test(test_addrs_full),
		cmocka_unit_test(test_sip_listeners),
		cmocka_unit_test(test_route_leased),
		cmocka_unit_test(test_reg_on_lease),
	};
	int rc;

	cp_log_init(ESG_LOG_DEBUG, false);
	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
