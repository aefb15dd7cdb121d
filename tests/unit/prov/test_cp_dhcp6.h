/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fake server and fake clock shared by test_cp_dhcp6.c and
 * test_cp_dhcp6_lease.c (one copy per test executable).
 */
#ifndef TEST_CP_DHCP6_H
#define TEST_CP_DHCP6_H

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp_dhcp6.h"

#define T0 1000 /* the fake clock starts here (ms) */
#define T0 1000 /* the fake clock starts here (ms) */

static const uint8_t mac[6] = {0x02, 0, 0x5e, 0x10, 0, 1};
static struct cp_dhcp6 c;
static struct cp_dhcp6_out out;
static struct esg_dhcp6_msg sent;

static inline struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static inline int
same6(struct in6_addr a, const char *s)
{
	struct in6_addr b = a6(s);

	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* What the client sent last, parsed. */
static inline void
got(uint8_t type)
{
	char err[ESG_DHCP_ERR_LEN];

	assert_true(out.len > 0);
	assert_int_equal(esg_dhcp6_parse(out.pkt, out.len, &sent, err), 0);
	assert_int_equal(sent.type, type);
}

static inline int
has16(const uint16_t *l, unsigned n, uint16_t v)
{
	for (unsigned i = 0; i < n; i++)
		if (l[i] == v)
			return 1;
	return 0;
}

/* The fake server's answer to the last message sent: server sid, one
 * address in our IA_NA (none when addr is NULL), T1 1800 s, T2 2880 s,
 * preferred 3600 s, valid 7200 s, DNS, TFTP server, file, syslog, FQDN. */
static inline struct esg_dhcp6_msg
srv(uint8_t type, uint8_t sid, const char *addr)
{
	static const uint8_t duid[9] = {0, 3, 0, 1, 2, 0, 0, 0, 0};
	struct esg_dhcp6_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.xid = sent.xid;
	m.client_id_len = sent.client_id_len;
	memcpy(m.client_id, sent.client_id, sent.client_id_len);
	m.server_id_len = 10;
	memcpy(m.server_id, duid, 9);
	m.server_id[9] = sid;
	m.n_ia = 1;
	m.ia[0].iaid = sent.ia[0].iaid;
	m.ia[0].t1 = 1800;
	m.ia[0].t2 = 2880;
	m.ia[0].status = -1;
	if (addr != NULL) {
		m.ia[0].n_addr = 1;
		m.ia[0].addr[0].addr = a6(addr);
		m.ia[0].addr[0].preferred = 3600;
		m.ia[0].addr[0].valid = 7200;
		m.ia[0].addr[0].status = -1;
	}
	m.n_dns = 1;
	m.dns[0] = a6("2001:db8:2::53");
	m.present = ESG_DHCP6_HAS_VENDOR_OPTS | ESG_DHCP6_HAS_FQDN;
	m.fqdn_flags = 1;
	strcpy(m.fqdn, "esg1.example.net.");
	m.cl.n_tftp = 1;
	m.cl.tftp[0] = a6("2001:db8:2::69");
	m.cl.present = ESG_CL_HAS_CONFIG_FILE;
	strcpy(m.cl.config_file, "esg-v6.cfg");
	m.cl.n_syslog = 1;
	m.cl.syslog[0] = a6("2001:db8:2::514");
	return m;
}

static inline int
deliver(const struct esg_dhcp6_msg *m, uint64_t now)
{
	uint8_t buf[1500];
	size_t len;

	assert_int_equal(esg_dhcp6_build(m, buf, sizeof(buf), &len, NULL), 0);
	return cp_dhcp6_recv(&c, buf, len, now, 100, &out);
}

static inline void
setup_client(void)
{
	struct cp_dhcp6_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, mac, 6);
	cp_dhcp6_init(&c, &cfg);
}

/* SOLICIT sent at T0 (rnd 0: no initial delay); RAND from rnd 100 is 0,
 * so the first RT is IRT * 1.001 = 1001 ms. */
static inline void
to_soliciting(void)
{
	assert_int_equal(cp_dhcp6_start(&c, T0, 0, &out), 0);
	assert_int_equal(out.timer_ms, T0);
	assert_int_equal(cp_dhcp6_timer(&c, T0, 100, &out), 0);
	got(ESG_DHCP6_SOLICIT);
	assert_int_equal(out.timer_ms, T0 + 1001);
}

/* To BOUND with 2001:db8:2::100 from server 1; returns the REPLY time. */
static inline uint64_t
to_bound(void)
{
	struct esg_dhcp6_msg m;

	to_soliciting();
	m = srv(ESG_DHCP6_ADVERTISE, 1, "2001:db8:2::100");
	m.present |= ESG_DHCP6_HAS_PREFERENCE;
	m.preference = 255;
	assert_int_equal(deliver(&m, T0 + 100), 0);
	got(ESG_DHCP6_REQUEST);
	m = srv(ESG_DHCP6_REPLY, 1, "2001:db8:2::100");
	assert_int_equal(deliver(&m, T0 + 200), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_DAD);
	assert_int_equal(cp_dhcp6_dad_result(&c, 0, T0 + 1200, 0, &out), 0);
	assert_int_equal(out.events, CP_DHCP6_EV_BOUND);
	assert_int_equal(c.state, CP_DHCP6_BOUND);
	return T0 + 200;
}

#endif /* TEST_CP_DHCP6_H */
