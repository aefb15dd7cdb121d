/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's status document (controlplane/cp_status.h): every
 * section present, and null exactly when its part does not run; the
 * values of each part read back from the written JSON (listeners, call
 * counters, admission per tenant, registration per tenant, calls with
 * their numbers and families, provisioning lease); the calls list
 * bounded with the total of all calls; the file replaced atomically (a
 * reader holding the old file reads it whole, no temporary file left,
 * mode 0640); the writer object writes at once and removes the file when
 * freed; the digest follows a state change.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "cp_dp.h"
#include "cp_status.h"
#include "dp_shm.h"
#include "media/cp_leg.h"
#include "prov/cp_prov.h"
#include "sip/cp_b2bua.h"
#include "sip/cp_cac.h"
#include "sip/cp_call.h"
#include "sip/cp_reg.h"
#include "sip/cp_sip.h"
#include "sip/cp_sipguard.h"

#define NB_CALLS 1005 /* more than CP_STATUS_MAX_CALLS */

struct fx {
	struct esg_conf conf;
	struct cp_dp *dp;
	struct cp_leg_tbl *legs;
	struct cp_b2bua *b2bua;
	struct cp_ports *ports;
	struct cp_call *calls[NB_CALLS];
	struct cp_cac *cac;
	struct cp_sipguard *guard;
	struct cp_sip *sip;
	struct sip *stack;
	struct cp_reg *reg;
	struct cp_prov prov;
	struct cp_status_src src;
	char dir[64];
};

static struct fx fx; /* large: not on the stack */

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	(void)dp;
	(void)epoch;
	(void)now_ns;
	(void)arg;
}

static const struct cp_prov_io prov_io; /* nothing is sent before start */

static int
setup(void **state)
{
	struct cp_dp_cfg dcfg;
	struct cp_b2bua_cfg bc;
	struct cp_cmedia_cfg mc;
	struct sa sa;
	unsigned int i;

	(void)state;
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(libre_init(), 0);
	esg_conf_defaults(&fx.conf);
	snprintf(fx.conf.instance, sizeof(fx.conf.instance), "cpst-%d",
		 (int)getpid());
	fx.conf.sip.enabled = false; /* no operator: nothing is sent */
	fx.conf.nb_ifaces = 1;	     /* the WAN side the registrations use */
	snprintf(fx.conf.iface[0].name, sizeof(fx.conf.iface[0].name), "wan");
	fx.conf.sip.wan_iface = 0;
	fx.conf.sip.nb_tenants = 2;
	snprintf(fx.conf.sip.tenant[0].name, sizeof(fx.conf.sip.tenant[0].name),
		 "acme");
	fx.conf.sip.tenant[0].registration = ESG_REG_TRUNK;
	snprintf(fx.conf.sip.tenant[1].name, sizeof(fx.conf.sip.tenant[1].name),
		 "beta");
	fx.conf.sip.tenant[1].registration = ESG_REG_PER_USER;

	memset(&dcfg, 0, sizeof(dcfg));
	snprintf(dcfg.instance, sizeof(dcfg.instance), "%s", fx.conf.instance);
	dcfg.retry_ns = 200000000ULL;
	dcfg.dead_ns = 100000000000ULL;
	dcfg.result_timeout_ns = 100000000000ULL;
	assert_int_equal(
		cp_dp_alloc(&fx.dp, &dcfg, dp_shm_now_ns(), attach_h, NULL), 0);
	assert_int_equal(cp_leg_tbl_alloc(&fx.legs, fx.dp, 64), 0);
	memset(&bc, 0, sizeof(bc));
	bc.conf = &fx.conf;
	bc.legs = fx.legs;
	assert_int_equal(cp_b2bua_alloc(&fx.b2bua, &bc), 0);
	assert_int_equal(cp_ports_alloc(&fx.ports, 20000, 29999), 0);
	memset(&mc, 0, sizeof(mc));
	mc.legs = fx.legs;
	mc.side[0].ports = fx.ports;
	mc.side[1].ports = fx.ports;
	for (i = 0; i < NB_CALLS; i++)
		assert_int_equal(
			cp_call_alloc(&fx.calls[i], fx.b2bua, i % 2, &mc), 0);
	/* the first call: an incoming one, IPv6 operator to IPv4 PBX */
	fx.calls[0]->side[CP_SIDE_A].where = CP_ROUTE_WAN;
	fx.calls[0]->side[CP_SIDE_A].af = AF_INET6;
	fx.calls[0]->side[CP_SIDE_B].af = AF_INET;
	snprintf(fx.calls[0]->side[CP_SIDE_A].user, CP_CALL_USER,
		 "+4930123401");
	snprintf(fx.calls[0]->side[CP_SIDE_B].user, CP_CALL_USER, "201");
	fx.calls[0]->state = CP_CALL_CONNECTED;

	assert_int_equal(cp_cac_alloc(&fx.cac, &fx.conf.sip, 0), 0);
	assert_int_equal(cp_sipguard_alloc(&fx.guard, &fx.conf.sip), 0);
	/* one listener on loopback, port chosen by the kernel */
	assert_int_equal(sa_set_str(&sa, "127.0.0.1", 0), 0);
	assert_int_equal(cp_sip_alloc(&fx.sip, &sa, 1, 0, 1000), 0);
	fx.stack = cp_sip_stack(fx.sip);
	assert_non_null(fx.stack);
	assert_int_equal(cp_reg_alloc(&fx.reg, fx.stack, &fx.conf, 5060), 0);
	cp_prov_init(&fx.prov, &fx.conf.prov, &prov_io, NULL);

	fx.src.conf = &fx.conf;
	fx.src.sip = fx.sip;
	fx.src.guard = fx.guard;
	fx.src.reg = fx.reg;
	fx.src.cac = fx.cac;
	fx.src.b2bua = fx.b2bua;
	fx.src.prov = &fx.prov;
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/cpst-XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	return 0;
}

static int
teardown(void **state)
{
	unsigned int i;
	char cmd[96];

	(void)state;
	for (i = 0; i < NB_CALLS; i++)
		fx.calls[i] = mem_deref(fx.calls[i]);
	fx.reg = mem_deref(fx.reg);
	fx.sip = mem_deref(fx.sip);
	fx.guard = mem_deref(fx.guard);
	fx.cac = mem_deref(fx.cac);
	fx.b2bua = mem_deref(fx.b2bua);
	fx.ports = mem_deref(fx.ports);
	fx.dp = mem_deref(fx.dp);
	fx.legs = mem_deref(fx.legs);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	assert_int_equal(system(cmd), 0);
	libre_close();
	return 0;
}

/* Build, write, read back, decode. */
static struct odict *
roundtrip(const struct cp_status_src *src, unsigned int max_calls)
{
	struct odict *doc = NULL, *back = NULL;
	char path[128], *txt = NULL;
	struct stat stt;
	FILE *f;

	assert_int_equal(cp_status_build(&doc, src, 4242, tmr_jiffies(),
					 1700000000123LL, max_calls, 1000),
			 0);
	snprintf(path, sizeof(path), "%s/doc.json", fx.dir);
	assert_int_equal(cp_status_write(path, doc), 0);
	mem_deref(doc);
	assert_int_equal(stat(path, &stt), 0);
	txt = calloc(1, (size_t)stt.st_size + 1);
	assert_non_null(txt);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(txt, 1, (size_t)stt.st_size, f),
			 (size_t)stt.st_size);
	fclose(f);
	assert_int_equal(json_decode_odict(&back, 32, txt, strlen(txt), 16), 0);
	free(txt);
	return back;
}

static const struct odict *
obj(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	assert_non_null(e);
	assert_true(e->type == ODICT_OBJECT || e->type == ODICT_ARRAY);
	return e->u.odict;
}

static const struct odict *
at(const struct odict *a, unsigned int i)
{
	char key[16];

	snprintf(key, sizeof(key), "%u", i);
	return obj(a, key);
}

static int64_t
num(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	assert_non_null(e);
	assert_int_equal(e->type, ODICT_INT);
	return e->u.integer;
}

static const char *
str(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	assert_non_null(e);
	assert_int_equal(e->type, ODICT_STRING);
	return e->u.str;
}

static bool
is_null(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	assert_non_null(e);
	return e->type == ODICT_NULL;
}

static void
test_sections(void **state)
{
	struct odict *d;
	const struct odict *s, *r, *t, *c, *p;
	uint32_t retry = 0;

	(void)state;
	assert_int_equal(cp_cac_admit(fx.cac, 1, 0, &retry), 0);
	d = roundtrip(&fx.src, CP_STATUS_MAX_CALLS);
	assert_int_equal(num(d, "version"), CP_STATUS_VERSION);
	assert_int_equal(num(d, "pid"), 4242);
	assert_int_equal(num(d, "written_ms"), 1700000000123LL);
	assert_string_equal(str(d, "instance"), fx.conf.instance);

	s = obj(d, "sip");
	assert_int_equal(odict_count(obj(s, "listeners"), false), 1);
	assert_string_equal(str(at(obj(s, "listeners"), 0), "address"),
			    "127.0.0.1");
	assert_int_equal(num(obj(s, "counters"), "requests"), 0);
	assert_int_equal(num(obj(s, "calls"), "active"), NB_CALLS);
	assert_int_equal(num(obj(obj(s, "calls"), "ended"), "bye_a"), 0);
	assert_int_equal(num(obj(obj(s, "admission"), "global"), "admitted"),
			 1);
	t = at(obj(obj(s, "admission"), "tenants"), 1);
	assert_string_equal(str(t, "tenant"), "beta");
	assert_int_equal(num(t, "active"), 1);
	assert_int_equal(num(obj(s, "guard"), "datagrams"), 0);
	assert_int_equal(num(obj(s, "dialogs"), "live"), 0);

	r = obj(d, "registration");
	assert_int_equal(odict_count(obj(r, "tenants"), false), 2);
	t = at(obj(r, "tenants"), 0);
	assert_string_equal(str(t, "tenant"), "acme");
	assert_string_equal(str(t, "mode"), "trunk");
	assert_string_equal(str(t, "state"), "unregistered");
	assert_true(is_null(t, "expires_in_s"));
	assert_string_equal(str(at(obj(r, "tenants"), 1), "mode"), "per-user");
	assert_non_null(odict_lookup(obj(r, "keepalive"), "state"));
	assert_int_equal(num(r, "bindings_total"), 0);
	assert_int_equal(odict_count(obj(r, "bindings"), false), 0);

	c = obj(d, "calls");
	assert_int_equal(num(c, "total"), NB_CALLS);
	assert_int_equal(num(c, "shown"), CP_STATUS_MAX_CALLS);
	assert_int_equal(odict_count(obj(c, "list"), false),
			 CP_STATUS_MAX_CALLS);
	t = at(obj(c, "list"), 0);
	assert_int_equal(num(t, "id"), 1);
	assert_string_equal(str(t, "tenant"), "acme");
	assert_string_equal(str(t, "direction"), "in");
	assert_string_equal(str(t, "from"), "+4930123401");
	assert_string_equal(str(t, "to"), "201");
	assert_string_equal(str(t, "family_a"), "ipv6");
	assert_string_equal(str(t, "family_b"), "ipv4");
	assert_string_equal(str(t, "state"), "connected");
	assert_true(is_null(t, "answered_s"));
	assert_int_equal(odict_count(obj(t, "legs"), false), 0);
	t = at(obj(c, "list"), 1);
	assert_string_equal(str(t, "direction"), "out");
	assert_string_equal(str(t, "tenant"), "beta");
	assert_string_equal(str(t, "state"), "calling");
	assert_true(is_null(t, "family_a"));

	p = obj(d, "provisioning");
	assert_string_equal(str(p, "state"), "waiting");
	assert_true(is_null(p, "lease"));
	assert_true(is_null(p, "last_error"));
	mem_deref(d);
	cp_cac_release(fx.cac, 1);
}

static void
test_bounded(void **state)
{
	struct odict *d;
	const struct odict *c;

	(void)state;
	d = roundtrip(&fx.src, 3);
	c = obj(d, "calls");
	assert_int_equal(num(c, "total"), NB_CALLS);
	assert_int_equal(num(c, "shown"), 3);
	assert_int_equal(num(c, "limit"), 3);
	assert_int_equal(odict_count(obj(c, "list"), false), 3);
	assert_int_equal(num(at(obj(c, "list"), 2), "id"), 3);
	mem_deref(d);
}

/* Parts that do not run are null, the keys are still there. */
static void
test_nulls(void **state)
{
	struct cp_status_src src = {.conf = &fx.conf};
	struct odict *d;
	const struct odict *s;

	(void)state;
	d = roundtrip(&src, CP_STATUS_MAX_CALLS);
	s = obj(d, "sip");
	assert_int_equal(odict_count(obj(s, "listeners"), false), 0);
	assert_true(is_null(s, "counters"));
	assert_true(is_null(s, "calls"));
	assert_true(is_null(s, "admission"));
	assert_true(is_null(s, "guard"));
	assert_true(is_null(s, "dialogs"));
	assert_true(is_null(d, "registration"));
	assert_true(is_null(d, "calls"));
	assert_true(is_null(d, "provisioning"));
	mem_deref(d);
}

static void
test_prov_lease(void **state)
{
	struct odict *d;
	const struct odict *p, *l;
	uint64_t now = tmr_jiffies();

	(void)state;
	fx.prov.st.state = CP_PROV_DONE;
	fx.prov.st.have_lease = true;
	fx.prov.st.addr.s_addr = htonl(0xc6336402); /* 198.51.100.2 */
	fx.prov.st.plen = 24;
	fx.prov.st.n_dns = 1;
	fx.prov.st.dns[0].s_addr = htonl(0xc6336401);
	snprintf(fx.prov.st.cfg_file, sizeof(fx.prov.st.cfg_file), "esg.cfg");
	snprintf(fx.prov.st.last_error, sizeof(fx.prov.st.last_error),
		 "TLV 43 at offset 12: bad length");
	fx.prov.dhcp4_on = true;
	fx.prov.dhcp4.state = CP_DHCP4_BOUND;
	fx.prov.dhcp4.t1_ms = now + 1800 * 1000 + 500;
	fx.prov.dhcp4.end_ms = now + 3600 * 1000 + 500;
	d = roundtrip(&fx.src, CP_STATUS_MAX_CALLS);
	p = obj(d, "provisioning");
	assert_string_equal(str(p, "state"), "done");
	assert_string_equal(str(p, "dhcp4"), "bound");
	l = obj(p, "lease");
	assert_string_equal(str(l, "address"), "198.51.100.2");
	assert_int_equal(num(l, "plen"), 24);
	assert_true(num(l, "expires_in_s") >= 3599 &&
		    num(l, "expires_in_s") <= 3600);
	assert_true(num(l, "renew_in_s") >= 1799);
	assert_string_equal(str(obj(p, "dns"), "0"), "198.51.100.1");
	assert_string_equal(str(p, "config_file"), "esg.cfg");
	assert_string_equal(str(p, "last_error"),
			    "TLV 43 at offset 12: bad length");
	mem_deref(d);
	memset(&fx.prov.st, 0, sizeof(fx.prov.st));
	fx.prov.dhcp4_on = false;
}

/* provisioning.softwire: null unless asked for; the AFTR-Name (RFC 6334)
 * and the S46 containers (RFC 7598) of the IPv6 lease: a MAP-E rule with
 * port parameters and BR, a lw4o6 binding. */
static void
test_prov_softwire(void **state)
{
	struct odict *d;
	const struct odict *p, *sw, *k, *r, *b;
	struct esg_s46_cont *c;

	(void)state;
	d = roundtrip(&fx.src, CP_STATUS_MAX_CALLS);
	assert_true(is_null(obj(d, "provisioning"), "softwire"));
	mem_deref(d);

	fx.prov.st.softwire = true;
	d = roundtrip(&fx.src, CP_STATUS_MAX_CALLS);
	sw = obj(obj(d, "provisioning"), "softwire");
	assert_true(is_null(sw, "aftr_name"));
	assert_int_equal(odict_count(obj(sw, "containers"), false), 0);
	mem_deref(d);

	snprintf(fx.prov.st.aftr_name, sizeof(fx.prov.st.aftr_name),
		 "aftr.example.net");
	fx.prov.st.n_s46 = 2;
	fx.prov.st.sw_ignored = 2;
	c = &fx.prov.st.s46[0];
	c->kind = ESG_S46_MAPE;
	c->n_rules = 1;
	c->rules[0].flags = 1;
	c->rules[0].ea_len = 16;
	c->rules[0].prefix4_len = 24;
	inet_pton(AF_INET, "192.0.2.0", &c->rules[0].prefix4);
	c->rules[0].prefix6_len = 56;
	inet_pton(AF_INET6, "2001:db8:ff00::", &c->rules[0].prefix6);
	c->rules[0].has_portparams = 1;
	c->rules[0].portparams.offset = 6;
	c->rules[0].portparams.psid_len = 8;
	c->rules[0].portparams.psid = 0x34;
	c->n_br = 1;
	inet_pton(AF_INET6, "2001:db8:ffff::1", &c->br[0]);
	c = &fx.prov.st.s46[1];
	c->kind = ESG_S46_LW;
	c->n_br = 1;
	inet_pton(AF_INET6, "2001:db8:ffff::2", &c->br[0]);
	c->has_v4v6bind = 1;
	inet_pton(AF_INET, "192.0.2.33", &c->bind_v4);
	c->bind_prefix6_len = 128;
	inet_pton(AF_INET6, "2001:db8:5::33", &c->bind_prefix6);
	d = roundtrip(&fx.src, CP_STATUS_MAX_CALLS);
	p = obj(d, "provisioning");
	sw = obj(p, "softwire");
	assert_string_equal(str(sw, "aftr_name"), "aftr.example.net");
	assert_int_equal(num(sw, "renewals_ignored"), 2);
	assert_int_equal(odict_count(obj(sw, "containers"), false), 2);
	k = at(obj(sw, "containers"), 0);
	assert_string_equal(str(k, "kind"), "map-e");
	assert_true(is_null(k, "dmr"));
	assert_true(is_null(k, "binding"));
	assert_string_equal(str(obj(k, "br"), "0"), "2001:db8:ffff::1");
	r = at(obj(k, "rules"), 0);
	assert_int_equal(num(r, "ea_len"), 16);
	assert_string_equal(str(r, "ipv4_prefix"), "192.0.2.0/24");
	assert_string_equal(str(r, "ipv6_prefix"), "2001:db8:ff00::/56");
	assert_int_equal(num(r, "psid_offset"), 6);
	assert_int_equal(num(r, "psid_len"), 8);
	assert_int_equal(num(r, "psid"), 0x34);
	k = at(obj(sw, "containers"), 1);
	assert_string_equal(str(k, "kind"), "lw4o6");
	assert_int_equal(odict_count(obj(k, "rules"), false), 0);
	b = obj(k, "binding");
	assert_string_equal(str(b, "ipv4"), "192.0.2.33");
	assert_string_equal(str(b, "bind_prefix"), "2001:db8:5::33/128");
	assert_true(is_null(b, "psid"));
	mem_deref(d);
	memset(&fx.prov.st, 0, sizeof(fx.prov.st));
}

static unsigned int
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* rename(2) semantics: a reader that opened the old file reads it whole
 * after the replacement; no temporary file stays; mode 0640. */
static void
test_atomic(void **state)
{
	struct cp_status_src src = {.conf = &fx.conf};
	struct odict *doc = NULL;
	char path[128], old[16] = "", buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/atomic.json", fx.dir);
	assert_int_equal(cp_status_build(&doc, &src, 1, 0, 1, 10, 10), 0);
	assert_int_equal(cp_status_write(path, doc), 0);
	mem_deref(doc);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	doc = NULL;
	assert_int_equal(cp_status_build(&doc, &src, 2, 0, 2, 10, 10), 0);
	assert_int_equal(cp_status_write(path, doc), 0);
	mem_deref(doc);
	n = read(fd, old, sizeof(old) - 1);
	close(fd);
	assert_true(n > 0);
	assert_memory_equal(old, "{\"version\":1,", 13); /* the old one */
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"pid\":2,"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* atomic.json and doc.json of the other tests: no temporaries */
	assert_int_equal(dir_entries(fx.dir), 2);
	/* a directory that does not exist: an error, nothing left */
	snprintf(path, sizeof(path), "%s/none/x.json", fx.dir);
	doc = NULL;
	assert_int_equal(cp_status_build(&doc, &src, 3, 0, 3, 10, 10), 0);
	assert_int_equal(cp_status_write(path, doc), ENOENT);
	mem_deref(doc);
	assert_int_equal(dir_entries(fx.dir), 2);
}

static void
test_path(void **state)
{
	char buf[96];

	(void)state;
	assert_int_equal(cp_status_path("lab", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/dev/shm/esg.lab.cp.json");
	assert_int_equal(cp_status_path("../x", buf, sizeof(buf)), EINVAL);
	assert_int_equal(cp_status_path("lab", buf, 10), ENAMETOOLONG);
}

/* The writer: a file at once, gone when freed. */
static void
test_writer(void **state)
{
	struct cp_status *st = NULL;
	char path[96];
	struct stat sb;

	(void)state;
	assert_int_equal(cp_status_path(fx.conf.instance, path, sizeof(path)),
			 0);
	assert_int_equal(cp_status_alloc(&st, &fx.src), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 100);
	mem_deref(st);
	assert_int_equal(stat(path, &sb), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_digest(void **state)
{
	uint64_t d0, d1;

	(void)state;
	d0 = cp_status_digest(&fx.src);
	assert_true(d0 == cp_status_digest(&fx.src));
	fx.prov.st.state = CP_PROV_CONFIG;
	d1 = cp_status_digest(&fx.src);
	assert_true(d1 != d0);
	fx.prov.st.state = CP_PROV_WAITING;
	assert_true(cp_status_digest(&fx.src) == d0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_nulls),
		cmocka_unit_test(test_prov_lease),
		cmocka_unit_test(test_prov_softwire),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_digest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
