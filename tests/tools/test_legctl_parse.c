/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl's command language (tests/tools/legctl_parse.c): every verb
 * into the right LEG_* message with every field; malformed input refused
 * with the reason naming the word (bad id, port, address, DSCP, key,
 * unknown words, missing and extra words, numbers that overflow, RTCP on
 * the RTP port, multicast and loopback addresses); the word splitter
 * (blanks, comments, too many words); interface names resolved by
 * configured name, exception interface, iface= of the device and index,
 * an unknown one refused with the list of the dataplane's ports.
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

#include <cmocka.h>

#include "legctl.h"

static struct legctl_cmd cmd;
static char err[LEGCTL_ERR_LEN];

/* Parse a line; 0 or -EINVAL. */
static int
p(const char *line)
{
	char buf[LEGCTL_LINE_MAX], *argv[LEGCTL_MAX_ARGS];
	int argc;

	snprintf(buf, sizeof(buf), "%s", line);
	err[0] = '\0';
	argc = legctl_split(buf, argv, LEGCTL_MAX_ARGS);
	if (argc < 0)
		return argc;
	return legctl_parse(argc, argv, &cmd, err, sizeof(err));
}

/* Refused, with a reason containing want. */
static void
bad(const char *line, const char *want)
{
	int rc = p(line);

	if (rc != -EINVAL || strstr(err, want) == NULL)
		fail_msg("'%s': rc %d, reason '%s', wanted '%s'", line, rc, err,
			 want);
}

static void
addr_is(const uint8_t *got, int af, const char *s)
{
	uint8_t a[16];

	memset(a, 0, sizeof(a));
	assert_int_equal(inet_pton(af, s, a), 1);
	assert_memory_equal(got, a, 16);
}

static void
test_add(void **state)
{
	(void)state;
	assert_int_equal(p("add 1 lan0 192.0.2.1 20000 mux latch strict "
			   "idle=5000 clock=48000 relatch=300"),
			 0);
	assert_int_equal(cmd.verb, LEGCTL_LEG);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_ADD);
	assert_int_equal(cmd.msg.hdr.len, sizeof(struct dp_msg_leg_add));
	assert_int_equal(cmd.msg.leg_add.leg_id, 1);
	assert_string_equal(cmd.ifname, "lan0");
	assert_int_equal(cmd.msg.leg_add.family, AF_INET);
	addr_is(cmd.msg.leg_add.addr, AF_INET, "192.0.2.1");
	assert_int_equal(cmd.msg.leg_add.rtp_port, 20000);
	assert_int_equal(cmd.msg.leg_add.rtcp_port, 0);
	assert_int_equal(cmd.msg.leg_add.flags,
			 DP_LEG_F_LATCH | DP_LEG_F_STRICT);
	assert_int_equal(cmd.msg.leg_add.idle_ms, 5000);
	assert_int_equal(cmd.msg.leg_add.clock_hz, 48000);
	assert_int_equal(cmd.msg.leg_add.relatch_ms, 300);

	/* RTCP defaults to RTP + 1 (RFC 3550 11), or is given */
	assert_int_equal(p("add 2 wan 2001:db8:2::1 30000"), 0);
	assert_int_equal(cmd.msg.leg_add.family, AF_INET6);
	addr_is(cmd.msg.leg_add.addr, AF_INET6, "2001:db8:2::1");
	assert_int_equal(cmd.msg.leg_add.rtcp_port, 30001);
	assert_int_equal(cmd.msg.leg_add.flags, 0);
	assert_int_equal(p("add 3 wan 2001:db8:2::1 30000 30007 same-ip"), 0);
	assert_int_equal(cmd.msg.leg_add.rtcp_port, 30007);
	assert_int_equal(cmd.msg.leg_add.flags, DP_LEG_F_SAME_IP);
	assert_int_equal(p("add 4294967294 lan 192.0.2.1 65535 mux"), 0);
	assert_int_equal(cmd.msg.leg_add.leg_id, 4294967294u);
}

static void
test_add_bad(void **state)
{
	(void)state;
	bad("add", "add: ID IFACE ADDR RTP");
	bad("add 1 lan 192.0.2.1", "add: ID IFACE ADDR RTP");
	bad("add x lan 192.0.2.1 20000", "bad leg id 'x'");
	bad("add -1 lan 192.0.2.1 20000", "bad leg id '-1'");
	bad("add 4294967295 lan 192.0.2.1 20000", "bad leg id '4294967295'");
	bad("add 99999999999999999999999 lan 192.0.2.1 20000", "bad leg id");
	bad("add 1 lan 192.0.2.300 20000", "bad address '192.0.2.300'");
	bad("add 1 lan host.example 20000", "bad address 'host.example'");
	bad("add 1 lan 224.0.0.5 20000", "not a unicast address");
	bad("add 1 lan 127.0.0.1 20000", "not a unicast address");
	bad("add 1 lan 0.0.0.0 20000", "not a unicast address");
	bad("add 1 lan ff02::1 20000", "not a unicast address");
	bad("add 1 lan ::1 20000", "not a unicast address");
	bad("add 1 lan :: 20000", "not a unicast address");
	bad("add 1 lan 192.0.2.1 0", "bad RTP port '0' (1..65535)");
	bad("add 1 lan 192.0.2.1 70000", "bad RTP port '70000'");
	bad("add 1 lan 192.0.2.1 2x0", "bad RTP port '2x0'");
	bad("add 1 lan 192.0.2.1 20000 70000", "bad RTCP port '70000'");
	bad("add 1 lan 192.0.2.1 20000 20000", "is the RTP port: use mux");
	bad("add 1 lan 192.0.2.1 65535", "no next port");
	bad("add 1 lan 192.0.2.1 20000 mux latchh", "unknown word 'latchh'");
	bad("add 1 lan 192.0.2.1 20000 idle=", "bad value in 'idle='");
	bad("add 1 lan 192.0.2.1 20000 idle=-5", "bad value in 'idle=-5'");
	bad("add 1 lan 192.0.2.1 20000 clock=1000001", "clock=0..1000000");
	bad("add 1 lan 192.0.2.1 20000 relatch=65536", "relatch=0..65535");
	bad("add 1 lan 192.0.2.1 20000 idle=4294967296", "idle=0..");
	bad("add 1 averyveryveryveryveryveryveryveryveryveryveryveryvery"
	    "veryveryverylongname 192.0.2.1 20000",
	    "unknown interface");
}

static void
test_other_verbs(void **state)
{
	(void)state;
	assert_int_equal(p("mod 7 latch same-ip idle=100"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_MOD);
	assert_int_equal(cmd.msg.leg_mod.leg_id, 7);
	assert_int_equal(cmd.msg.leg_mod.flags,
			 DP_LEG_F_LATCH | DP_LEG_F_SAME_IP);
	assert_int_equal(cmd.msg.leg_mod.idle_ms, 100);
	assert_int_equal(p("mod 7 none"), 0);
	assert_int_equal(cmd.msg.leg_mod.flags, 0);

	assert_int_equal(p("del 3"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_DEL);
	assert_int_equal(cmd.msg.leg_del.leg_id, 3);

	assert_int_equal(p("bind 1 2"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_BIND);
	assert_int_equal(cmd.msg.leg_bind.leg_id, 1);
	assert_int_equal(cmd.msg.leg_bind.peer_id, 2);
	assert_int_equal(p("bind 1 none"), 0);
	assert_int_equal(cmd.msg.leg_bind.peer_id, DP_LEG_NONE);
	assert_int_equal(p("unbind 5"), 0);
	assert_int_equal(cmd.msg.leg_bind.leg_id, 5);
	assert_int_equal(cmd.msg.leg_bind.peer_id, DP_LEG_NONE);

	assert_int_equal(p("remote 2 2001:db8:2::10 30000"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_REMOTE);
	assert_int_equal(cmd.msg.leg_remote.family, AF_INET6);
	addr_is(cmd.msg.leg_remote.addr, AF_INET6, "2001:db8:2::10");
	assert_int_equal(cmd.msg.leg_remote.rtp_port, 30000);
	assert_int_equal(cmd.msg.leg_remote.rtcp_port, 0);
	assert_int_equal(cmd.msg.leg_remote.flags, 0);
	assert_int_equal(p("remote 2 192.0.2.10 40000 40005 relatch"), 0);
	assert_int_equal(cmd.msg.leg_remote.rtcp_port, 40005);
	assert_int_equal(cmd.msg.leg_remote.flags, DP_LEG_REMOTE_RELATCH);
	assert_int_equal(p("remote 2 192.0.2.10 40000 relatch"), 0);
	assert_int_equal(cmd.msg.leg_remote.flags, DP_LEG_REMOTE_RELATCH);

	assert_int_equal(p("dscp 2 46"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_DSCP);
	assert_int_equal(cmd.msg.leg_dscp.dscp, 46);
	assert_int_equal(p("dscp 2 keep"), 0);
	assert_int_equal(cmd.msg.leg_dscp.dscp, DP_DSCP_KEEP);

	assert_int_equal(p("police 1 pps=100 burst=20 kbps=128 bytes=4000"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_POLICE);
	assert_int_equal(cmd.msg.leg_police.pps, 100);
	assert_int_equal(cmd.msg.leg_police.burst_pkts, 20);
	assert_int_equal(cmd.msg.leg_police.kbps, 128);
	assert_int_equal(cmd.msg.leg_police.burst_bytes, 4000);
	assert_int_equal(p("police 1 off"), 0);
	assert_int_equal(cmd.msg.leg_police.pps, 0);

	assert_int_equal(p("bulkdel all"), 0);
	assert_int_equal(cmd.msg.hdr.type, DP_MSG_LEG_BULK_DEL);
	assert_int_equal(cmd.msg.leg_bulk_del.first_id, 0);
	assert_int_equal(cmd.msg.leg_bulk_del.count, 0xffffffff);
	assert_int_equal(cmd.msg.leg_bulk_del.port, 0xffff);
	assert_string_equal(cmd.ifname, "");
	assert_int_equal(p("bulkdel 10 5 wan"), 0);
	assert_int_equal(cmd.msg.leg_bulk_del.first_id, 10);
	assert_int_equal(cmd.msg.leg_bulk_del.count, 5);
	assert_string_equal(cmd.ifname, "wan");

	assert_int_equal(p("sleep 250"), 0);
	assert_int_equal(cmd.verb, LEGCTL_SLEEP);
	assert_int_equal(cmd.sleep_ms, 250);
}

static void
test_other_verbs_bad(void **state)
{
	(void)state;
	bad("frobnicate 1", "unknown command 'frobnicate'");
	bad("del", "del: ID");
	bad("del 1 2", "del: ID");
	bad("bind 1", "bind: ID PEER|none");
	bad("bind 1 1", "its own peer");
	bad("bind 1 x", "bad leg id 'x'");
	bad("unbind 1 2", "unbind: ID");
	bad("remote 1 192.0.2.10", "remote: ID ADDR RTP");
	bad("remote 1 192.0.2.10 0", "bad RTP port '0'");
	bad("remote 1 nowhere 40000", "bad address 'nowhere'");
	bad("remote 1 192.0.2.10 40000 40001 relatch x", "remote: ID ADDR RTP");
	bad("remote 1 192.0.2.10 40000 relatch 40001", "unknown word '40001'");
	bad("dscp 1 64", "bad DSCP '64'");
	bad("dscp 1 ef", "bad DSCP 'ef'");
	bad("dscp 1", "dscp: ID");
	bad("police 1", "police: ID");
	bad("police 1 pps=abc", "bad value in 'pps=abc'");
	bad("police 1 rate=5", "unknown word 'rate=5'");
	bad("police 1 pps=4294967296", "pps=0..4294967295");
	bad("bulkdel", "bulkdel: all");
	bad("bulkdel 5", "bulkdel: all");
	bad("bulkdel 5 0", "bad count '0'");
	bad("bulkdel all lan wan", "too many words");
	bad("sleep", "sleep: MS");
	bad("sleep 3600001", "sleep: MS");
	bad("mod 1 fast", "unknown word 'fast'");
}

static void
test_split(void **state)
{
	char line[256], *argv[4];

	(void)state;
	snprintf(line, sizeof(line), "  add\t1  lan # a comment");
	assert_int_equal(legctl_split(line, argv, 4), 3);
	assert_string_equal(argv[0], "add");
	assert_string_equal(argv[2], "lan");
	snprintf(line, sizeof(line), "# only a comment");
	assert_int_equal(legctl_split(line, argv, 4), 0);
	snprintf(line, sizeof(line), "   \r\n");
	assert_int_equal(legctl_split(line, argv, 4), 0);
	snprintf(line, sizeof(line), "del 1#comment");
	assert_int_equal(legctl_split(line, argv, 4), 2);
	assert_string_equal(argv[1], "1");
	snprintf(line, sizeof(line), "a b c d e");
	assert_int_equal(legctl_split(line, argv, 4), -EINVAL);
}

static void
test_resolve(void **state)
{
	static struct dp_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.nb_ports = 2;
	snprintf(st.port[0].name, DP_IFNAME_LEN, "lan");
	snprintf(st.port[0].exception, DP_IFNAME_LEN, "esg-lan");
	snprintf(st.port[0].device, 64, "net_tap0,iface=lan0");
	snprintf(st.port[1].name, DP_IFNAME_LEN, "wan");
	snprintf(st.port[1].exception, DP_IFNAME_LEN, "esg-wan");
	snprintf(st.port[1].device, 64, "net_af_packet1,iface=wan0,qpairs=1");

	assert_int_equal(p("add 1 wan 2001:db8:2::1 30000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_add.port, 1);
	assert_int_equal(p("add 1 esg-wan 2001:db8:2::1 30000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_add.port, 1);
	assert_int_equal(p("add 1 wan0 2001:db8:2::1 30000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_add.port, 1);
	assert_int_equal(p("add 1 lan0 192.0.2.1 20000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_add.port, 0);
	assert_int_equal(p("add 1 1 192.0.2.1 20000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_add.port, 1);
	assert_int_equal(p("bulkdel all lan"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
	assert_int_equal(cmd.msg.leg_bulk_del.port, 0);

	/* "lan" is not "lan0"'s prefix match, "wan" not "wan0,..." */
	assert_int_equal(p("add 1 lan00 192.0.2.1 20000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown interface 'lan00'"));
	assert_non_null(strstr(err, "lan, wan"));
	assert_int_equal(p("add 1 qpairs=1 192.0.2.1 20000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), -EINVAL);
	assert_int_equal(p("add 1 2 192.0.2.1 20000"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), -EINVAL);
	/* commands without an interface need no resolving */
	assert_int_equal(p("del 1"), 0);
	assert_int_equal(legctl_resolve(&cmd, &st, err, sizeof(err)), 0);
}

static void
test_errno_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(legctl_errno_name(EEXIST, buf, sizeof(buf)),
			    "EEXIST");
	assert_string_equal(legctl_errno_name(EOPNOTSUPP, buf, sizeof(buf)),
			    "EOPNOTSUPP");
	assert_string_equal(legctl_errno_name(4000, buf, sizeof(buf)), "E4000");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_bad),
		cmocka_unit_test(test_other_verbs),
		cmocka_unit_test(test_other_verbs_bad),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_errno_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
