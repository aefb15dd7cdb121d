#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# WAN provisioning over IPv6 and dual stack (issue 5), end to end, in the
# lab with real servers in the WAN namespace (tests/e2e/lib/prov_lab.sh):
# Debian's kea-dhcp6 (and kea-dhcp4 for dual), tftpd-hpa on IPv6 and a
# syslog listener on IPv6.
#
#   v6         "provisioning": {"mode": "dhcp", "stack": "ipv6"}, no static
#              WAN IPv6: the ESG's DHCPv6 client SOLICITs from its
#              link-local address to ff02::1:2 (RFC 8415 13.1, 7.1) with
#              CL_OPTION_DEVICE_TYPE "SESG" (spec 000 8.1.3); kea gives
#              2001:db8:2::100 (IA_NA) and the CableLabs options 32/33/34;
#              the address lands in the dataplane and on esg-wan (the WAN
#              host pings it); the file CL_OPTION_CONFIG_FILE_NAME on the
#              first CL_OPTION_TFTP_SERVERS address is fetched over
#              TFTP/IPv6 with blksize 1428 (spec 001 eUE-22) from the
#              global address (6.2.1.2: link-local only for DHCP); the
#              syslog server of option 34 gets "provisioning complete"
#              pass (eUE-24); DAD by the dataplane found the address
#              free (RFC 4862 5.4, eUE-4); RELEASE at shutdown (RFC 8415
#              18.2.7).
#   dual       "stack": "dual": both leases (kea-dhcp4 and kea-dhcp6), both
#              addresses pingable; the file and the event from the IPv6
#              lease (management family IPv6 by default: spec 000 7.2 5f /
#              8.1.3, spec 001 6.3.2.1 Table 4).
#   linklocal  a DHCPv6 server of our own (tests/e2e/lib/dhcp6_ll_server.py,
#              scapy) ADVERTISEs only fe80::1234: the ESG ignores it (spec
#              001 6.2.1.2), counts it, sends no REQUEST, keeps soliciting;
#              then that server stops, kea starts, and the ESG gets
#              2001:db8:2::100 from kea.
#   renew      kea with T1 = 6 s; once provisioned, kea is restarted (lease
#              file kept) with another DNS server (option 23); at the next
#              RENEW the ESG logs the new DNS server, used at once, without
#              restarting provisioning (spec 001 6.3.5): no second file
#              download, the address stays.
#   softwire   provisioning.softwire true; kea-dhcp6 sends AFTR-Name (64,
#              RFC 6334) and a MAP-E container (94: S46_RULE 89 with
#              S46_PORTPARAMS 93, S46_BR 90; RFC 7598): the SOLICIT asks
#              for 64 and 94-96, the control plane keeps and logs them,
#              `esgctl prov --json` shows them (no softwire mode runs).
#   dad        the WAN host already has 2001:db8:2::100: the dataplane's DAD
#              (RFC 4862 5.4) finds it in use (the host's MAC), the ESG
#              sends a DECLINE (RFC 8415 18.2.8), kea marks the address
#              declined, the address is never added.
#
# Usage: prov_v6_test.sh [v6|dual|linklocal|renew|softwire|dad]   (none: all, each
# in a fresh lab). Exit 0 pass, 1 fail, 77 skipped (not root, no netns, no
# kea-dhcp6 / kea-dhcp4 / in.tftpd / scapy).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ]; then
	rc=0
	for c in v6 dual linklocal renew softwire dad; do
		echo "# case $c"
		"$0" "$c"
		r=$?
		[ $r -eq 77 ] && exit 77
		[ $r -ne 0 ] && rc=1
	done
	exit $rc
fi
CASE=$1

. "$HERE/lib/lab.sh"
. "$HERE/lib/prov_lab.sh"

fails=0
ok() { echo "ok - $*"; }
notok() {
	echo "not ok - $*"
	fails=$((fails + 1))
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

prov_lab_init
prov_lab_need_kea6
EXAMPLES="$LAB_ROOT/tests/tools/esg-cfgfile/examples"
L6=$PROV_LAB_LEASE6
L6RE=${L6//./\\.}
S6=$PROV_LAB_SERVER6
PASS_RE=' <133>1 .* esg - PROV \[esgProv@32473 status="pass" file="esg\.cfg"\] provisioning complete: pass$'

cp_count() { grep -Ec "$1" "$LAB_CP_LOG"; }
# the ESG's link-local address (docs/dataplane.md "Link-local address")
esg_ll() {
	ip -n "$LAB_NS_ESG" -6 -o addr show dev esg-wan scope link |
		awk '{ sub("/.*", "", $4); print $4; exit }'
}

case $CASE in
v6)
	prov_lab_file "$EXAMPLES/good.txt"
	PROV_CAPTURE_S=20
	prov_lab_up dhcp6 "$LAB_DIR/v6.pcap" \
		"udp port 546 or udp port 547 or udp port 69"
	# RFC 8415 18.2.1: the first SOLICIT within 1 s (SOL_MAX_DELAY)
	check "esg-wan has the leased $L6/64" \
		lab_wait_for 30 "lease6 on esg-wan" prov_lab_esg_has_addr "$L6"
	check "syslog over IPv6 from $L6: provisioning complete: pass (eUE-24)" \
		lab_wait_for 20 "syslog pass" prov_lab_syslog_has "^$L6RE$PASS_RE"
	check "kea-dhcp6 leased $L6 (DHCP6_LEASE_ALLOC)" \
		grep -q "DHCP6_LEASE_ALLOC.*$L6" "$LAB_DIR/kea-dhcp6.log"
	check "the lease is in the dataplane (IF_ADDR_ADD)" \
		prov_lab_cp_log_has "IF_ADDR_ADD $L6/64 in the dataplane"
	check "the WAN host reaches the ESG at $L6" \
		lab_wan ping -6 -c 2 -W 2 -q "$L6"
	check "DNS (23), syslog (34), file (32/33) taken from the REPLY" \
		prov_lab_cp_log_has "lease6 $L6/64, .* dns 2001:db8:2::53, syslog $S6"
	check "the file is 33 on 32's first address (spec 000 8.1.3)" \
		prov_lab_cp_log_has "TFTP esg\.cfg from \[$S6\]:0"
	check "the control plane applied the file's settings" \
		prov_lab_cp_log_has "settings from the file: stack 3"
	check "DAD by the dataplane: free (RFC 4862 5.4, eUE-4)" \
		prov_lab_cp_log_has "$L6: DAD: free"
	lab_stop_pid_wait "$PROV_TSHARK_PID" $((PROV_CAPTURE_S + 10))
	ll=$(esg_ll)
	# RFC 8415 13.1 / 7.1: SOLICIT from the link-local address to
	# ff02::1:2; spec 000 8.1.3: CL_OPTION_DEVICE_TYPE "SESG" (sub-option
	# 2, length 4: 00 02 00 04 53 45 53 47 inside option 17)
	sol=$(tshark -n -r "$LAB_DIR/v6.pcap" -Y "dhcpv6.msgtype == 1" \
		-T fields -e ipv6.src -e ipv6.dst -e udp.srcport -e data.data \
		-e dhcpv6.vendoropts.enterprise 2>/dev/null | head -n 1)
	echo "# SOLICIT: $sol (ESG link-local $ll)"
	check "SOLICIT from $ll:546 to ff02::1:2, enterprise 4491" \
		grep -Eq "^$ll	ff02::1:2	546	.*4491" <<<"$sol"
	sesg=$(tshark -n -r "$LAB_DIR/v6.pcap" -Y "dhcpv6.msgtype == 1" \
		-x 2>/dev/null | tr -d ' \n' | grep -c "0002000453455347" || true)
	check "CL_OPTION_DEVICE_TYPE SESG in the SOLICIT" [ "${sesg:-0}" -ge 1 ]
	# spec 001 eUE-22: blksize 1428 over IPv6; 6.2.1.2: TFTP from the
	# global address, not the link-local one
	rrq=$(tshark -n -r "$LAB_DIR/v6.pcap" -Y "tftp.opcode == 1" \
		-T fields -e ipv6.src -e ipv6.dst -e tftp.source_file \
		-e tftp.option.name -e tftp.option.value 2>/dev/null | head -n 1)
	echo "# RRQ: $rrq"
	check "RRQ esg.cfg from $L6 to $S6 with blksize 1428" \
		grep -Eq "^$L6	$S6	esg\.cfg	.*blksize.*	.*1428" <<<"$rrq"
	lab_stop_controlplane
	check "RELEASE at shutdown (RFC 8415 18.2.7)" \
		lab_wait_for 5 "kea release" grep -q "DHCP6_RELEASE" "$LAB_DIR/kea-dhcp6.log"
	;;
dual)
	prov_lab_file "$EXAMPLES/good.txt"
	prov_lab_up dual
	check "esg-wan has the leased $PROV_LAB_LEASE/24" \
		lab_wait_for 30 "lease on esg-wan" prov_lab_esg_has_addr "$PROV_LAB_LEASE"
	check "esg-wan has the leased $L6/64" \
		lab_wait_for 30 "lease6 on esg-wan" prov_lab_esg_has_addr "$L6"
	check "syslog from $L6 (management family IPv6): pass" \
		lab_wait_for 20 "syslog pass" prov_lab_syslog_has "^$L6RE$PASS_RE"
	check "kea-dhcp4 leased $PROV_LAB_LEASE" \
		grep -q "DHCP4_LEASE_ALLOC.*$PROV_LAB_LEASE" "$LAB_DIR/kea-dhcp4.log"
	check "kea-dhcp6 leased $L6" \
		grep -q "DHCP6_LEASE_ALLOC.*$L6" "$LAB_DIR/kea-dhcp6.log"
	check "the WAN host reaches $PROV_LAB_LEASE" \
		lab_wan ping -c 2 -W 2 -q "$PROV_LAB_LEASE"
	check "the WAN host reaches $L6" \
		lab_wan ping -6 -c 2 -W 2 -q "$L6"
	check "the file from the IPv6 lease (spec 000 7.2 5f)" \
		prov_lab_cp_log_has "TFTP esg\.cfg from \[$S6\]:0"
	check "one file download only" [ "$(cp_count 'TFTP esg\.cfg from')" -eq 1 ]
	check "no event from the IPv4 address" \
		bash -c "! grep -q '^198\.51\.100\.100 ' '$PROV_SYSLOG_OUT'"
	lab_stop_controlplane
	check "both leases released" lab_wait_for 5 "kea releases" bash -c \
		"grep -q DHCP4_RELEASE '$LAB_DIR/kea-dhcp4.log' && grep -q DHCP6_RELEASE '$LAB_DIR/kea-dhcp6.log'"
	;;
linklocal)
	prov_lab_file "$EXAMPLES/good.txt"
	prov_lab_up dhcp6-nokea
	lab_wait_for 10 "wan0 link-local address usable" prov_wan_ll_ready ||
		lab_die "wan0 has no usable link-local address"
	LLS_OUT="$LAB_DIR/ll-server.txt"
	: >"$LLS_OUT"
	# not through lab_wan: $! must be the server's pid, not a subshell's
	ip netns exec "$LAB_NS_WAN" \
		"$LAB_PY" -u "$HERE/lib/dhcp6_ll_server.py" wan0 "$LLS_OUT" \
		>"$LAB_DIR/ll-server.err" 2>&1 </dev/null &
	LLS_PID=$!
	LAB_PIDS+=("$LLS_PID")
	# two SOLICITs answered: the ESG went on soliciting after the first
	# ADVERTISE (1 s, then about 2 s later: RFC 8415 18.2.1, 15)
	check "the link-local server answered two SOLICITs" \
		lab_wait_for 20 "two SOLICITs" bash -c "[ \$(grep -c ^solicit '$LLS_OUT') -ge 2 ]"
	check "the ESG ignored each link-local offer (spec 001 6.2.1.2)" \
		lab_wait_for 5 "two ignored" bash -c \
		"[ \$(grep -c 'offer of a link-local address ignored' '$LAB_CP_LOG') -ge 2 ]"
	check "no REQUEST for the link-local offer" \
		bash -c "! grep -q ^request '$LLS_OUT'"
	check "no address added for it" \
		bash -c "! grep -q 'IF_ADDR_ADD fe80::1234' '$LAB_CP_LOG'"
	lab_stop_pid "$LLS_PID" 5
	lab_wait_for 10 "UDP 547 free" prov_wan_closed 547 ||
		lab_die "the link-local server did not stop"
	prov_kea6_start 2001:db8:2::53
	# the SOLICIT back-off is 4, 8, 16 ... s by now
	check "then kea's address: $L6 on esg-wan" \
		lab_wait_for 60 "lease6 on esg-wan" prov_lab_esg_has_addr "$L6"
	check "syslog pass from $L6" \
		lab_wait_for 20 "syslog pass" prov_lab_syslog_has "^$L6RE$PASS_RE"
	lab_stop_controlplane
	check "the count at shutdown (link-local offers ignored >= 2)" \
		prov_lab_cp_log_has "dhcp6 [a-z]+ \(link-local offers ignored ([2-9]|[1-9][0-9])\)"
	;;
renew)
	prov_lab_file "$EXAMPLES/good.txt"
	PROV_KEA6_T1=6 # T2 9 s, preferred 18 s, valid 24 s
	prov_lab_up dhcp6
	check "syslog pass from $L6" \
		lab_wait_for 30 "syslog pass" prov_lab_syslog_has "^$L6RE$PASS_RE"
	# kea again with another DNS server, the lease file kept
	prov_kea6_stop
	prov_kea6_start 2001:db8:2::54
	# RENEW at T1 (6 s after the last REPLY; if it fell in kea's
	# restart, the REBIND at T2 reaches the new kea)
	check "6.3.5: the new DNS server logged, used at once" \
		lab_wait_for 30 "new dns" prov_lab_cp_log_has \
		"6\.3\.5: new dns in the DHCPv6 renewal, used at once: dns 2001:db8:2::54"
	check "provisioning not restarted: one file download" \
		[ "$(cp_count 'TFTP esg\.cfg from')" -eq 1 ]
	check "the address stayed" \
		bash -c "! grep -q 'removed (6.3.5' '$LAB_CP_LOG'"
	check "the state stayed done" \
		bash -c "! grep -q 'done -> dhcp' '$LAB_CP_LOG'"
	check "the WAN host still reaches $L6" \
		lab_wan ping -6 -c 2 -W 2 -q "$L6"
	;;
softwire)
	# RFC 6334 AFTR-Name and an RFC 7598 MAP-E container (S46_RULE with
	# S46_PORTPARAMS, S46_BR) from kea-dhcp6 (Kea's s46-* definitions)
	prov_lab_file "$EXAMPLES/good.txt"
	PROV_CONF_EXTRA='.provisioning.softwire = true'
	PROV_KEA6_OPTS='{ "name": "aftr-name", "data": "aftr.example.net." },
			{ "name": "s46-cont-mape" },
			{ "name": "s46-rule", "space": "s46-cont-mape-options",
			  "data": "1, 16, 24, 192.0.2.0, 2001:db8:ff00::/56" },
			{ "name": "s46-portparams", "space": "s46-rule-options",
			  "data": "6, 52/8" },
			{ "name": "s46-br", "space": "s46-cont-mape-options",
			  "data": "2001:db8:ffff::1" }'
	PROV_CAPTURE_S=20
	prov_lab_up dhcp6 "$LAB_DIR/sw.pcap" "udp port 546 or udp port 547"
	check "esg-wan has the leased $L6/64" \
		lab_wait_for 30 "lease6 on esg-wan" prov_lab_esg_has_addr "$L6"
	check "the control plane logged the softwire options" \
		lab_wait_for 10 "softwire log" prov_lab_cp_log_has \
		"softwire options: aftr-name aftr\.example\.net\.?, s46 map-e \(1 rules, 1 BR\)"
	# the status document shows a new lease6 at its next write (<= 1 s)
	sw_shown() {
		"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" prov --json 2>/dev/null |
			jq -e '.provisioning.softwire.aftr_name != null' >/dev/null
	}
	lab_wait_for 10 "softwire in the status document" sw_shown
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" prov --json >"$LAB_DIR/prov.json" 2>&1
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" prov >"$LAB_DIR/prov.txt" 2>&1
	grep '^softwire\|^  \|^    ' "$LAB_DIR/prov.txt" | sed 's/^/# /'
	check "esgctl prov --json: AFTR name and the MAP-E rule, port set, BR" \
		jq -e '.provisioning.softwire as $s
			| ($s.aftr_name | test("^aftr\\.example\\.net\\.?$"))
			and ($s.containers | length) == 1
			and $s.containers[0].kind == "map-e"
			and $s.containers[0].rules == [{"fmr": true, "ea_len": 16,
				"ipv4_prefix": "192.0.2.0/24",
				"ipv6_prefix": "2001:db8:ff00::/56",
				"psid_offset": 6, "psid_len": 8, "psid": 52}]
			and $s.containers[0].br == ["2001:db8:ffff::1"]
			and $s.containers[0].dmr == null
			and $s.containers[0].binding == null' "$LAB_DIR/prov.json"
	check "esgctl prov prints the softwire lines" \
		grep -q '^softwire: aftr-name aftr\.example\.net\.\?  containers 1' "$LAB_DIR/prov.txt"
	lab_stop_pid_wait "$PROV_TSHARK_PID" $((PROV_CAPTURE_S + 10))
	# RFC 7598 / 6334: the SOLICIT's ORO asks for 64 and 94-96
	oro=$(tshark -n -r "$LAB_DIR/sw.pcap" -Y "dhcpv6.msgtype == 1" \
		-T fields -e dhcpv6.requested_option_code 2>/dev/null | head -n 1)
	echo "# SOLICIT ORO: $oro"
	check "SOLICIT ORO has 64, 94, 95, 96" \
		bash -c "tr ',' '\n' <<<'$oro' | sort -n | tr '\n' ' ' | grep -q '64 94 95 96'"
	;;
dad)
	prov_lab_file "$EXAMPLES/good.txt"
	prov_lab_config dhcp6
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	# the address kea will offer is taken on the link already
	ip -n "$LAB_NS_WAN" -6 addr add "$L6/64" dev wan0 nodad
	hostmac=$(ip -n "$LAB_NS_WAN" -o link show dev wan0 |
		grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
	prov_tftpd_start 6
	prov_syslog_start
	prov_kea6_start 2001:db8:2::53
	lab_start_controlplane
	check "DAD: $L6 in use by the WAN host ($hostmac)" \
		lab_wait_for 30 "DAD conflict" prov_lab_cp_log_has \
		"$L6: DAD: in use by $hostmac"
	check "DECLINE sent (RFC 8415 18.2.8)" \
		lab_wait_for 5 "declined" prov_lab_cp_log_has "$L6 declined \(DAD: in use\)"
	check "kea got the DECLINE" \
		lab_wait_for 10 "kea decline" grep -q "DHCP6_DECLINE" "$LAB_DIR/kea-dhcp6.log"
	check "the address was never added" \
		bash -c "! grep -q 'IF_ADDR_ADD $L6' '$LAB_CP_LOG'"
	check "no file fetched, no event" \
		bash -c "! grep -q 'TFTP esg' '$LAB_CP_LOG' && ! [ -s '$PROV_SYSLOG_OUT' ]"
	;;
*)
	echo "usage: $0 [v6|dual|linklocal|renew|softwire|dad]" >&2
	exit 2
	;;
esac

if [ $fails -ne 0 ]; then
	lab_tail "$LAB_CP_LOG" 40
	lab_tail "$PROV_SYSLOG_OUT" 10
	lab_tail "$LAB_DIR/kea-dhcp6.log" 20
	echo "FAIL: $fails check(s) failed ($CASE)"
	exit 1
fi
echo "PASS: prov_v6 $CASE"
