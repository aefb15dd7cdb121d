/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The state pushed to every dataplane epoch (controlplane/cp_state.c):
 * every configured address of every interface goes out as IF_ADDR_ADD
 * with the interface's position as port, and comes again after the
 * dataplane is replaced. The fake dataplane is this process.
 */
#include <arpa/inet.h>
#include <errno.h>
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

#include "cp_log.h"
#include "cp_state.h"

#define MS 1000000ULL

static char inst[32];
static struct esg_conf conf;

static void
add_addr(struct esg_conf_iface *ifc, int af, const char *s, uint8_t plen)
{
	struct esg_conf_addr *a = af == AF_INET ? &ifc->addr4[ifc->nb_addr4++]
						: &ifc->addr6[ifc->nb_addr6++];

	a->family = af;
	a->prefixlen = plen;
	assert_int_equal(inet_pton(af, s, &a->u), 1);
}

static int
setup(void **state)
{
	char path[64];

	(void)state;
	snprintf(inst, sizeof(inst), "cpst-%d", (int)getpid());
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	memset(&conf, 0, sizeof(conf));
	conf.nb_ifaces = 2;
	snprintf(conf.iface[0].name, ESG_CONF_NAME_LEN, "lan");
	snprintf(conf.iface[1].name, ESG_CONF_NAME_LEN, "wan");
	add_addr(&conf.iface[0], AF_INET, "192.0.2.1", 24);
	add_addr(&conf.iface[0], AF_INET6, "2001:db8:1::1", 64);
	add_addr(&conf.iface[1], AF_INET, "198.51.100.1", 24);
	add_addr(&conf.iface[1], AF_INET, "198.51.100.2", 32);
	add_addr(&conf.iface[1], AF_INET6, "2001:db8:2::1", 64);
	return 0;
}

static int
teardown(void **state)
{
	char path[64];

	(void)state;
	if (dp_shm_path(inst, path, sizeof(path)) == 0)
		unlink(path);
	return 0;
}

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	(void)epoch;
	assert_int_equal(cp_state_push(dp, arg, now_ns), 0);
}

static struct dp_shm *
fake_dp(uint64_t now)
{
	const struct dp_shm_params p = {64, 64, 2, 2, 16};
	struct dp_shm *shm = NULL;

	assert_int_equal(dp_shm_create(inst, &p, &shm), 0);
	dp_shm_heartbeat(shm, now);
	return shm;
}

/* Take the commands the control plane sent; answer each with RESULT. */
static unsigned int
take_addrs(struct dp_shm *fdp, union dp_msg *got, unsigned int max)
{
	union dp_msg m[64], r;
	unsigned int i, n = 0;
	int k = dp_shm_cmd_recv(fdp, m, 64);

	for (i = 0; i < (unsigned int)k; i++) {
		if (m[i].hdr.type != DP_MSG_IF_ADDR_ADD)
			continue;
		assert_true(n < max);
		got[n++] = m[i];
		memset(&r, 0, sizeof(r));
		r.hdr.type = DP_MSG_RESULT;
		r.hdr.len = sizeof(r.result);
		r.hdr.seq = m[i].hdr.seq;
		r.result.cmd_type = DP_MSG_IF_ADDR_ADD;
		assert_int_equal(dp_shm_evt_send(fdp, &r, 1), 1);
	}
	return n;
}

static void
check_addrs(const union dp_msg *got, unsigned int n)
{
	static const struct {
		uint16_t port;
		int af;
		const char *addr;
		uint8_t plen;
	} want[] = {
		{0, AF_INET, "192.0.2.1", 24},
		{0, AF_INET6, "2001:db8:1::1", 64},
		{1, AF_INET, "198.51.100.1", 24},
		{1, AF_INET, "198.51.100.2", 32},
		{1, AF_INET6, "2001:db8:2::1", 64},
	};
	uint8_t a[16];
	unsigned int i;

	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		memset(a, 0, sizeof(a));
		assert_int_equal(inet_pton(want[i].af, want[i].addr, a), 1);
		assert_int_equal(got[i].if_addr.port, want[i].port);
		assert_int_equal(got[i].if_addr.family, want[i].af);
		assert_int_equal(got[i].if_addr.prefixlen, want[i].plen);
		assert_memory_equal(got[i].if_addr.addr, a, 16);
	}
}

static void
test_push_on_every_attach(void **state)
{
	struct cp_dp_counters c;
	struct cp_dp_cfg cfg;
	struct cp_dp *dp = NULL;
	union dp_msg got[8];
	struct dp_shm *fdp, *fdp2;
	uint64_t t0 = dp_shm_now_ns();

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", inst);
	cfg.retry_ns = 200 * MS;
	cfg.dead_ns = 1000 * MS;
	cfg.result_timeout_ns = 2000 * MS;
	assert_int_equal(cp_dp_alloc(&dp, &cfg, t0, attach_h, &conf), 0);

	fdp = fake_dp(t0);
	assert_int_equal(cp_dp_poll(dp, t0), 0);
	assert_int_equal(cp_dp_pending(dp), 5);
	check_addrs(got, take_addrs(fdp, got, 8));
	assert_int_equal(cp_dp_poll(dp, t0 + 1 * MS), 0);
	assert_int_equal(cp_dp_pending(dp), 0);
	cp_dp_counters(dp, &c);
	assert_int_equal(c.results_ok, 5);

	/* A new dataplane epoch starts empty: everything again. */
	fdp2 = fake_dp(t0 + 200 * MS);
	assert_int_equal(cp_dp_poll(dp, t0 + 200 * MS), 0);
	assert_int_equal(cp_dp_poll(dp, t0 + 201 * MS), 0);
	assert_int_equal(cp_dp_state(dp), CP_DP_ATTACHED);
	check_addrs(got, take_addrs(fdp2, got, 8));
	assert_int_equal(take_addrs(fdp, got, 8), 0);
	mem_deref(dp);
	dp_shm_destroy(fdp2);
	dp_shm_destroy(fdp);
}

static void
test_push_not_attached(void **state)
{
	struct cp_dp_cfg cfg;
	struct cp_dp *dp = NULL;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", inst);
	cfg.retry_ns = 200 * MS;
	cfg.dead_ns = 1000 * MS;
	assert_int_equal(cp_dp_alloc(&dp, &cfg, 0, NULL, NULL), 0);
	assert_int_equal(cp_state_push(dp, &conf, 0), ENOTCONN);
	mem_deref(dp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_on_every_attach,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_not_attached, setup,
						teardown),
	};

	cp_log_init(ESG_LOG_DEBUG, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
