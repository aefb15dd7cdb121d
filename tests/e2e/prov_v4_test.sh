#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# WAN provisioning over IPv4 (issue 5), end to end, in the lab with real
# servers in the WAN namespace (tests/e2e/lib/prov_lab.sh): Debian's
# kea-dhcp4, tftpd-hpa and a syslog listener.
#
#   pass     "provisioning": {"mode": "dhcp", "stack": "ipv4"}, no static
#            WAN IPv4: the ESG's DHCPv4 client (spec 000 8.1.3: "SESG" in
#            option 43) gets 198.51.100.100/24 from kea (RFC 2131: DISCOVER
#            from 0.0.0.0 with the broadcast flag, broadcast replies
#            through the dataplane to the exception interface), the address
#            lands in the dataplane and on esg-wan (the WAN host pings it),
#            the configuration file 'file' on 'siaddr' (8.1.3) is fetched by
#            TFTP and applied, and the syslog server of option 7 receives
#            "provisioning complete" pass (spec 001 eUE-24); the address
#            was ARP-probed by the dataplane first (RFC 2131 4.4.1, RFC
#            5227) and option 3's router became the default gateway
#            (IF_GW: the dataplane's next hop and esg-wan's default route).
#   static   "mode": "static" (8.1.3, fully preconfigured): the file is
#            fetched and pass reported, and tshark on the WAN host sees no
#            DHCP packet at all during PROV_CAPTURE_S (15) seconds.
#   badfile  the served file has no end marker (spec 001 6.4.2.1): the ESG
#            keeps its lease and its previous settings, reports "fail"
#            with the parser's offset and reason (eUE-23/eUE-24).
#
#   http     config_file {"url": "http://198.51.100.254:8080/esg.cfg"}
#            (spec 000 8.1.3 "e.g., HTTP, TFTP"): the file comes from
#            python3 -m http.server in the WAN namespace, is applied and
#            pass is reported; no TFTP read request.
#
# Usage: prov_v4_test.sh [pass|static|badfile|http]   (none: all, each in
# a fresh lab). Exit 0 pass, 1 fail, 77 skipped (not root, no netns, no
# kea-dhcp4 / in.tftpd).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)

if [ $# -eq 0 ]; then
	rc=0
	for c in pass static badfile http; do
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
EXAMPLES="$LAB_ROOT/tests/tools/esg-cfgfile/examples"

case $CASE in
pass)
	# spec 001 eUE-25 / 6.5: the file's TLV 38 names the WAN host's
	# snmptrapd (port 162) and 198.51.100.2, where nobody answers (38.4
	# 1000 ms, 38.5 2: three sends, then a time-out); the configuration
	# adds a receiver on port 1162 and the community
	sed 's/^notify .*/notify ipv4=198.51.100.254 port=162 type=inform timeout=1000 retries=2\
notify ipv4=198.51.100.2 ipv6=2001:db8:2::2 port=162 type=inform timeout=1000 retries=2/' \
		"$EXAMPLES/good.txt" >"$LAB_DIR/inform.txt"
	prov_lab_file "$LAB_DIR/inform.txt"
	PROV_CONF_EXTRA='.provisioning.snmp_receivers = ["198.51.100.254:1162"]
		| .provisioning.snmp_community = "esg-e2e"'
	PROV_TRAPD_ARGS="esg-e2e udp:198.51.100.254:162 udp:198.51.100.254:1162"
	# longer than the first DISCOVER's 1-10 s wait plus the exchange; the
	# capture is left to end by itself (a SIGTERM-ed tshark may leave its
	# file without the packets)
	PROV_CAPTURE_S=25
	prov_lab_up dhcp4 "$LAB_DIR/dhcp.pcap"
	# RFC 2131 4.4.1: the first DISCOVER after 1-10 s
	check "esg-wan has the leased $PROV_LAB_LEASE/24" \
		lab_wait_for 30 "lease on esg-wan" prov_lab_esg_has_addr "$PROV_LAB_LEASE"
	check "syslog: provisioning complete: pass (eUE-24)" \
		lab_wait_for 20 "syslog pass" prov_lab_syslog_has \
		'^198\.51\.100\.100 <133>1 .* esg - PROV \[esgProv@32473 status="pass" file="esg\.cfg"\] provisioning complete: pass$'
	check "kea leased $PROV_LAB_LEASE (DHCP4_LEASE_ALLOC)" \
		grep -q "DHCP4_LEASE_ALLOC.*$PROV_LAB_LEASE" "$LAB_DIR/kea-dhcp4.log"
	check "the control plane applied the file's settings" \
		prov_lab_cp_log_has "settings from the file: stack 3, signalling family 2, media family 2, trunk proxy 'proxy.example.net:5060'"
	lab_stop_pid_wait "$PROV_TSHARK_PID" $((PROV_CAPTURE_S + 10))
	# RFC 2131 4.1: DISCOVER from 0.0.0.0 to 255.255.255.255 with the
	# broadcast flag; spec 000 8.1.3: option 43 sub-option 2 "SESG"
	# (02 04 53 45 53 47); the OFFER broadcast back
	disc=$(tshark -n -r "$LAB_DIR/dhcp.pcap" -Y "dhcp.option.dhcp == 1" \
		-T fields -e ip.src -e ip.dst -e dhcp.flags.bc \
		-e dhcp.option.vendor.value 2>/dev/null | head -n 1)
	echo "# DISCOVER: $disc"
	check "DISCOVER from 0.0.0.0, broadcast flag, 43.2 = SESG" \
		grep -Eq "^0\.0\.0\.0	255\.255\.255\.255	(1|True)	.*02:?04:?53:?45:?53:?47" <<<"$disc"
	offer=$(tshark -n -r "$LAB_DIR/dhcp.pcap" -Y "dhcp.option.dhcp == 2" \
		-T fields -e ip.dst 2>/dev/null | head -n 1)
	check "OFFER broadcast ($offer)" [ "$offer" = 255.255.255.255 ]
	check "the lease is in the dataplane (IF_ADDR_ADD)" \
		prov_lab_cp_log_has "IF_ADDR_ADD $PROV_LAB_LEASE/24 in the dataplane"
	check "the WAN host reaches the ESG at the leased address" \
		lab_wan ping -c 2 -W 2 -q "$PROV_LAB_LEASE"
	check "the file is 'file' on 'siaddr' (spec 000 8.1.3)" \
		prov_lab_cp_log_has "TFTP esg.cfg from 198\.51\.100\.254:0"
	check "ARP probe by the dataplane: free (RFC 2131 4.4.1, RFC 5227)" \
		prov_lab_cp_log_has "$PROV_LAB_LEASE: ARP probe: free"
	check "option 3's router is the default gateway (IF_GW)" \
		prov_lab_cp_log_has "default gateway $PROV_LAB_SERVER in the dataplane"
	# a tun has no gateway to name: the route is "default dev esg-wan"
	# and the dataplane picks the next hop (dp_kif.c)
	check "esg-wan has an IPv4 default route" \
		bash -c "ip -n '$LAB_NS_ESG' -4 route show default dev esg-wan | grep -q ."
	# an off-link destination (TEST-NET-3 on the WAN host's loopback)
	ip -n "$LAB_NS_WAN" addr add 203.0.113.1/32 dev lo
	check "an off-link address is reached through the gateway" \
		lab_esg ping -c 1 -W 2 -q 203.0.113.1
	# eUE-25: the INFORM to each receiver, acknowledged by snmptrapd
	check "SNMP INFORM to the TLV 38 receiver acknowledged (eUE-25)" \
		lab_wait_for 10 "inform tlv38" prov_lab_cp_log_has \
		"SNMP INFORM to 198\.51\.100\.254:162 \(TLV 38\): acknowledged after 1 send"
	check "SNMP INFORM to the configured receiver acknowledged" \
		prov_lab_cp_log_has "SNMP INFORM to 198\.51\.100\.254:1162 \(configured\): acknowledged after 1 send"
	check "the silent TLV 38 receiver: 3 sends (38.5 = 2), timed out" \
		prov_lab_cp_log_has "to 198\.51\.100\.2:162 \(TLV 38\): Connection timed out \(no Response\) after 3 send"
	for port in 162 1162; do
		check "snmptrapd on $port got the INFORM from $PROV_LAB_LEASE" \
			prov_lab_trapd_has "UDP: \[$PROV_LAB_LEASE\]:[0-9]+->\[198\.51\.100\.254\]:$port"
	done
	for vb in '\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0 = OID: \.1\.3\.6\.1\.4\.1\.32473\.1\.0\.1' \
		'\.1\.3\.6\.1\.4\.1\.32473\.1\.2\.1\.0 = INTEGER: 1' \
		'\.1\.3\.6\.1\.4\.1\.32473\.1\.2\.3\.0 = STRING: "esg\.cfg"' \
		"\\.1\\.3\\.6\\.1\\.4\\.1\\.32473\\.1\\.2\\.4\\.0 = IpAddress: $PROV_LAB_LEASE"; do
		check "snmptrapd logged $vb" prov_lab_trapd_has "$vb"
	done
	# the status document (esgctl prov --json) has each receiver's result
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" prov --json >"$LAB_DIR/prov.json" 2>&1
	check "esgctl prov: inform pass, 2 acked + 1 timeout" \
		jq -e '.provisioning.inform.status == "pass" and
			([.provisioning.inform.receivers[].result] | sort) == ["acked", "acked", "timeout"]' \
		"$LAB_DIR/prov.json"
	lab_stop_controlplane
	check "RELEASE at shutdown (RFC 2131 4.4.6)" \
		lab_wait_for 5 "kea release" grep -q "DHCP4_RELEASE" "$LAB_DIR/kea-dhcp4.log"
	;;
http)
	prov_lab_file "$EXAMPLES/good.txt"
	PROV_CONF_EXTRA='.provisioning.config_file = {"url": "http://198.51.100.254:8080/esg.cfg"}'
	PROV_HTTP_PORT=8080
	prov_lab_up dhcp4
	check "syslog: provisioning complete: pass (eUE-24)" \
		lab_wait_for 40 "syslog pass" prov_lab_syslog_has \
		'^198\.51\.100\.100 <133>1 .* status="pass" file="http://198\.51\.100\.254:8080/esg\.cfg"\] provisioning complete: pass$'
	check "the file by HTTP from the URL's server" \
		prov_lab_cp_log_has "HTTP http://198\.51\.100\.254:8080/esg\.cfg from 198\.51\.100\.254:8080"
	check "http.server served GET /esg.cfg 200 to the leased address" \
		grep -Eq '^198\.51\.100\.100 .*"GET /esg\.cfg HTTP/1\.1" 200' "$LAB_DIR/http.log"
	check "the control plane applied the file's settings" \
		prov_lab_cp_log_has "settings from the file: stack 3"
	;;
static)
	prov_lab_file "$EXAMPLES/good.txt"
	PROV_CAPTURE_S=${PROV_CAPTURE_S:-15}
	prov_lab_up static "$LAB_DIR/dhcp.pcap"
	check "syslog: provisioning complete: pass (eUE-24)" \
		lab_wait_for 20 "syslog pass" prov_lab_syslog_has \
		'^198\.51\.100\.1 <133>1 .* PROV \[esgProv@32473 status="pass" file="esg\.cfg"\] provisioning complete: pass$'
	check "mode static logged (spec 000 8.1.3)" \
		prov_lab_cp_log_has "mode static \(spec 000 8.1.3\): no DHCP"
	# the capture ends by itself (-a duration); longer than the 1-10 s
	# a DHCP client would wait before its first DISCOVER
	lab_stop_pid_wait "$PROV_TSHARK_PID" $((PROV_CAPTURE_S + 10))
	n=$(tshark -n -r "$LAB_DIR/dhcp.pcap" 2>/dev/null | wc -l)
	check "no DHCP packet on the WAN in ${PROV_CAPTURE_S}s (tshark: $n)" \
		[ "$n" -eq 0 ]
	check "no DHCP socket opened" \
		bash -c "! grep -q 'DHCPv4 on esg-wan' '$LAB_CP_LOG'"
	;;
badfile)
	prov_lab_file "$EXAMPLES/broken-noend.txt"
	prov_lab_up dhcp4
	check "esg-wan has the leased $PROV_LAB_LEASE/24" \
		lab_wait_for 30 "lease on esg-wan" prov_lab_esg_has_addr "$PROV_LAB_LEASE"
	check "syslog: provisioning complete: fail with the reason" \
		lab_wait_for 20 "syslog fail" prov_lab_syslog_has \
		'^198\.51\.100\.100 <131>1 .* PROV \[esgProv@32473 status="fail" file="esg\.cfg" reason="configuration file esg\.cfg: offset [0-9]+: the file ends without the end marker \(TLV 254 value 0xFF\)"\] provisioning complete: fail$'
	check "no settings taken from the refused file" \
		bash -c "! grep -q 'settings from the file' '$LAB_CP_LOG'"
	check "the lease stays (the WAN host pings $PROV_LAB_LEASE)" \
		lab_wan ping -c 2 -W 2 -q "$PROV_LAB_LEASE"
	lab_stop_controlplane
	check "state failed with the last error at shutdown" \
		prov_lab_cp_log_has "state failed, .*files ok 0 refused 1, events 1, last error: configuration file esg.cfg: offset"
	;;
*)
	echo "usage: $0 [pass|static|badfile]" >&2
	exit 2
	;;
esac

if [ $fails -ne 0 ]; then
	lab_tail "$LAB_CP_LOG" 40
	lab_tail "$PROV_SYSLOG_OUT" 10
	lab_tail "$LAB_DIR/kea-dhcp4.log" 20
	echo "FAIL: $fails check(s) failed ($CASE)"
	exit 1
fi
echo "PASS: prov_v4 $CASE"
