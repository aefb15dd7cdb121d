#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Foundation (issue 2), end to end, with the real binaries in the lab
# (tests/e2e/lib/lab.sh): hosts on both sides reach the ESG's IPv4 and IPv6
# addresses by ping through the DPDK dataplane (ARP, ND, ICMP echo), a UDP
# socket of the control plane answers SIP OPTIONS through the exception
# path (kernel tun esg-lan / esg-wan), a bad IPv4 header checksum is dropped
# under its own counter, the control plane re-attaches to a restarted
# dataplane (new epoch), and both processes stop cleanly on SIGTERM, the
# dataplane removing its segment. A router advertisement on the LAN link
# gives the LAN interface an IPv6 default gateway (RFC 4861 6.3.4) and
# takes it back (lifetime 0). Between the two stops, esg-dpcmd plays
# the control plane for IF_GW (the tun's default route follows) and
# ADDR_PROBE (RFC 5227 / RFC 4862 conflicts with the WAN host).
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no netns).
set -uo pipefail

. "$(dirname "$0")/lib/lab.sh"

fails=0
ok() { echo "ok - $*"; }
notok() {
	echo "not ok - $*"
	fails=$((fails + 1))
}
# check DESC CMD...: run CMD, report.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

# Counter deltas against a snapshot taken with snap.
snap() { lab_stats_json >"$LAB_DIR/snap.json" || lab_die "esgctl stats --json"; }
delta() {
	local kind=$1 name=$2 now before
	now=$(lab_value "$kind" "$name") || return 1
	before=$(lab_value "$kind" "$name" "$LAB_DIR/snap.json") || return 1
	echo $((now - before))
}
# grew KIND NAME MIN: counter (or drop) NAME went up by at least MIN.
grew() {
	local d
	d=$(delta "$1" "$2") || {
		echo "   no $1 named $2 in esgctl stats --json"
		return 1
	}
	echo "   $1 $2 +$d"
	[ "$d" -ge "$3" ]
}

drop_grew() {
	local d
	d=$(delta drop "$1") && [ "$d" -ge "$2" ]
}

# Two different epochs attached, in the control plane's log.
reattached() {
	[ "$(grep -o 'dataplane epoch [0-9a-f]* attached' "$LAB_CP_LOG" |
		sort -u | wc -l)" -ge 2 ]
}

# Every configured address (4) confirmed by the dataplane after each of
# the two attaches: "installed", or "already present" (an IF_ADDR_ADD
# answered EEXIST, which the control plane takes as done); none refused
# or unconfirmed.
if_addr_ok() {
	local good bad
	good=$(grep -cE 'address [0-9a-f:.]+/[0-9]+ (installed in|already present in) the dataplane' "$LAB_CP_LOG")
	bad=$(grep -cE 'address [0-9a-f:.]+/[0-9]+ (refused by|not confirmed by) the dataplane' "$LAB_CP_LOG")
	echo "   IF_ADDR confirmed $good, refused or unconfirmed $bad"
	[ "$good" -ge 8 ] && [ "$bad" -eq 0 ]
}

# ping NS DST: 3 echoes; prints how many came back; fails on none.
replies() {
	local ns=$1 dst=$2 out n
	out=$(ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -W 2 "$dst" 2>&1)
	n=$(awk '/received/ { print $4 }' <<<"$out")
	echo "${n:-0}"
	# a duplicate would mean a kernel answered besides the dataplane
	! grep -q 'duplicates' <<<"$out" && [ "${n:-0}" -gt 0 ]
}

lab_init
lab_up
echo "lab up: instance $LAB_INSTANCE, ports $LAB_PORTS, namespaces $LAB_NS_LAN $LAB_NS_ESG $LAB_NS_WAN"

# The control plane attached and the dataplane accepted its addresses.
check "control plane attached to the dataplane" \
	lab_wait_for 15 "attach in the control plane log" \
	grep -q 'dataplane epoch [0-9a-f]* attached' "$LAB_CP_LOG"

snap

# --- ping through the dataplane: ARP / ND, ICMP and ICMPv6 echo ----------
n4=0
n6=0
for pair in "$LAB_NS_LAN 192.0.2.1 4" "$LAB_NS_LAN 2001:db8:1::1 6" \
	"$LAB_NS_WAN 198.51.100.1 4" "$LAB_NS_WAN 2001:db8:2::1 6"; do
	set -- $pair
	if r=$(replies "$1" "$2"); then
		ok "ping $2 from ${1##*-} ($r/3 replies)"
		[ "$3" = 4 ] && n4=$((n4 + r)) || n6=$((n6 + r))
	else
		notok "ping $2 from ${1##*-} (no reply)"
	fi
done
# The ESG's own link-local address (RFC 4291 2.5.6): fe80:: + the
# modified EUI-64 of the WAN port's MAC (RFC 4291 Appendix A). The WAN
# host resolves it by ND and pings it; the kernel exception interface has
# it too (a DHCPv6 client speaks from it, RFC 8415 13.1).
wmac=$(lab_stats_json | jq -r '.ports[] | select(.name == "wan") | .mac')
wll=$(/usr/bin/python3 -c '
import sys, ipaddress
m = bytes.fromhex(sys.argv[1].replace(":", ""))
iid = bytes([m[0] ^ 2]) + m[1:3] + b"\xff\xfe" + m[3:6]
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + iid))' "$wmac")
if r=$(replies "$LAB_NS_WAN" "$wll%wan0"); then
	ok "ping the ESG's link-local $wll from wan ($r/3 replies)"
	n6=$((n6 + r))
else
	notok "ping the ESG's link-local $wll from wan (no reply)"
fi
kif_has() { ip -n "$LAB_NS_ESG" -6 -o addr show dev "$1" | grep -q "$2"; }
check "the exception interface esg-wan has $wll" kif_has esg-wan "$wll/64"
check "icmp4_echo_reply counted every IPv4 reply ($n4)" \
	grew counter icmp4_echo_reply "$((n4 > 0 ? n4 : 1))"
check "icmp6_echo_reply counted every IPv6 reply ($n6)" \
	grew counter icmp6_echo_reply "$((n6 > 0 ? n6 : 1))"

# The hosts learned the ESG from the dataplane's ARP / NA answers.
check "arp_request_rx counted" grew counter arp_request_rx 1
check "arp_reply_tx counted" grew counter arp_reply_tx 1
check "nd_ns_rx counted" grew counter nd_ns_rx 1
check "nd_na_tx counted" grew counter nd_na_tx 1

# --- exception path: SIP OPTIONS to the control plane's UDP socket --------
snap
for pair in "$LAB_NS_LAN 192.0.2.1" "$LAB_NS_LAN 2001:db8:1::1" \
	"$LAB_NS_WAN 198.51.100.1" "$LAB_NS_WAN 2001:db8:2::1"; do
	set -- $pair
	if st=$(lab_sip_options "$1" "$2"); then
		ok "SIP OPTIONS to $2:5060 from ${1##*-}: $st"
	else
		notok "SIP OPTIONS to $2:5060 from ${1##*-}: $st"
	fi
done
check "exc_to_kernel counted the requests" grew counter exc_to_kernel 4
check "exc_from_kernel counted the answers" grew counter exc_from_kernel 4

# --- a bad packet has a named drop ----------------------------------------
snap
mac=$(lab_lan ip neigh show 192.0.2.1 dev lan0 | awk '{ print $3; exit }')
if [ -n "$mac" ]; then
	lab_lan "$LAB_PY" - "$mac" <<'EOF'
import sys
from scapy.all import Ether, IP, ICMP, sendp, conf
conf.verb = 0
# a wrong IPv4 header checksum, sent at L2 (a raw IP socket would let
# the kernel fix it)
sendp(Ether(dst=sys.argv[1]) / IP(src="192.0.2.10", dst="192.0.2.1",
      chksum=0xdead) / ICMP(), iface="lan0", count=3)
EOF
	check "ip4_csum drop counted 3 bad IPv4 checksums" \
		lab_wait_for 5 "ip4_csum +3" drop_grew ip4_csum 3
else
	notok "no ARP entry for 192.0.2.1 on the LAN host (ping failed?)"
fi

# --- router advertisement (RFC 4861 6.3.4) on the LAN link ----------------
# conf/lab.json gives the WAN interface a static gateway6, which wins over
# any RA, and the LAN interface none: so a router advertisement from the
# LAN host's link-local address (scapy, SLLA and a prefix option) makes it
# the LAN interface's IPv6 default gateway, and the exception interface
# esg-lan gets a default route of metric 2048 (the WAN one keeps 1024). A
# second RA with router lifetime 0 removes it again (6.3.4).
ra_send() { # LIFETIME
	timeout 30 ip netns exec "$LAB_NS_LAN" "$LAB_PY" - "$lll" "$lmac" "$1" \
		<<'EOF'
import sys
from scapy.all import (Ether, IPv6, ICMPv6ND_RA, ICMPv6NDOptSrcLLAddr,
                       ICMPv6NDOptPrefixInfo, sendp, conf)
conf.verb = 0
ll, mac, life = sys.argv[1], sys.argv[2], int(sys.argv[3])
sendp(Ether(src=mac, dst="33:33:00:00:00:01") /
      IPv6(src=ll, dst="ff02::1", hlim=255) /
      ICMPv6ND_RA(routerlifetime=life) / ICMPv6NDOptSrcLLAddr(lladdr=mac) /
      ICMPv6NDOptPrefixInfo(prefix="2001:db8:1::", prefixlen=64),
      iface="lan0")
EOF
}
lan_default() { ip -n "$LAB_NS_ESG" -6 route show default dev esg-lan; }
has_lan_default() { [ -n "$(lan_default)" ]; }
no_lan_default() { [ -z "$(lan_default)" ]; }
snap
lmac=$(lab_lan cat /sys/class/net/lan0/address)
lll=$(lab_lan ip -6 -o addr show dev lan0 scope link |
	awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -n "$lll" ] && ra_send 1800; then
	check "RA from $lll: esg-lan has an IPv6 default route" \
		lab_wait_for 5 "esg-lan default route" has_lan_default
	echo "   $(lan_default)"
	check "the route is the RA router's (metric 2048)" \
		eval 'lan_default | grep -q "metric 2048"'
	check "nd_ra_rx counted" grew counter nd_ra_rx 1
	check "ra_router_set counted" grew counter ra_router_set 1
	check "esg-wan keeps its configured default route" \
		eval '[ -n "$(ip -n "$LAB_NS_ESG" -6 route show default dev esg-wan)" ]'
	check "RA lifetime 0: the default route of esg-lan is gone" \
		eval 'ra_send 0 && lab_wait_for 5 "no esg-lan default" no_lan_default'
	check "ra_router_expired counted" grew counter ra_router_expired 1
else
	notok "RA from the LAN host: no link-local address on lan0 or scapy failed"
fi

# --- restart: a new dataplane, a new epoch; the control plane re-attaches -
epoch1=$(lab_epoch)
lab_restart_dataplane KILL
check "control plane re-attached to a new epoch" \
	lab_wait_for 20 "second attach" reattached
epoch2=$(lab_epoch)
check "epoch changed ($epoch1 -> $epoch2)" \
	test -n "$epoch1" -a -n "$epoch2" -a "$epoch1" != "$epoch2"
# the control plane pushed the addresses again: the new dataplane answers
check "ping 192.0.2.1 from lan after restart" \
	lab_wait_for 15 "ping after restart" replies "$LAB_NS_LAN" 192.0.2.1
check "SIP OPTIONS to 2001:db8:2::1 from wan after restart" \
	lab_wait_for 15 "OPTIONS after restart" \
	lab_sip_options "$LAB_NS_WAN" 2001:db8:2::1

# --- clean shutdown ---------------------------------------------------------
lab_stop_controlplane
rc=$?
check "esg-controlplane exits 0 on SIGTERM (rc $rc)" test "$rc" -eq 0
check "control plane: every IF_ADDR command answered OK" if_addr_ok

# --- IF_GW and ADDR_PROBE (contract 3), esg-dpcmd as the control plane ----
# (the rings have one producer and one consumer: the control plane is
# stopped). IF_GW: an off-link gateway is refused, clearing removes the
# exception interface's default route, setting brings it back. ADDR_PROBE:
# RFC 5227 ARP probes and RFC 4862 DAD on the WAN link: a free address is
# free, the WAN host's own addresses conflict with the WAN host's MAC.
DPCMD=$LAB_BUILD/tests/tools/esg-dpcmd
if [ -x "$DPCMD" ]; then
	dpcmd() { "$DPCMD" --instance "$LAB_INSTANCE" "$@"; }
	has_default() {
		[ -n "$(ip -n "$LAB_NS_ESG" -"$1" route show default dev esg-wan)" ]
	}
	# expect WANT CMD...: the output of esg-dpcmd CMD is WANT.
	expect() {
		local want=$1 out
		shift
		out=$(dpcmd "$@" | tr '\n' ' ')
		echo "   esg-dpcmd $*: $out"
		[ "$out" = "$want" ]
	}
	snap
	whost=$(lab_wan cat /sys/class/net/wan0/address)
	zero=00:00:00:00:00:00
	check "IF_GW to an off-link gateway: EHOSTUNREACH" \
		expect "result EHOSTUNREACH " gw wan 203.0.113.1
	check "IF_GW clear4: 0" expect "result 0 " gw wan clear4
	check "IF_GW clear4: esg-wan has no IPv4 default route" \
		eval '! has_default 4'
	check "IF_GW 198.51.100.254: 0" expect "result 0 " gw wan 198.51.100.254
	check "IF_GW set: esg-wan has its IPv4 default route again" has_default 4
	check "IF_GW clear6 then fe80::fe: 0, 0" \
		eval 'expect "result 0 " gw wan clear6 &&
		! has_default 6 &&
		expect "result 0 " gw wan fe80::fe && has_default 6'
	check "IF_GW back to 2001:db8:2::fe: 0" \
		expect "result 0 " gw wan 2001:db8:2::fe
	check "ADDR_PROBE 198.51.100.77 (free): conflict 0" \
		expect "result 0 probed 198.51.100.77 conflict 0 mac $zero " \
		probe wan 198.51.100.77 2 200
	check "ADDR_PROBE 198.51.100.254 (the WAN host's): conflict, its MAC" \
		expect "result 0 probed 198.51.100.254 conflict 1 mac $whost " \
		probe wan 198.51.100.254 3 300
	check "ADDR_PROBE 2001:db8:2::77 (free): conflict 0" \
		expect "result 0 probed 2001:db8:2::77 conflict 0 mac $zero " \
		probe wan 2001:db8:2::77 1 500
	check "ADDR_PROBE 2001:db8:2::fe (the WAN host's): conflict, its MAC" \
		expect "result 0 probed 2001:db8:2::fe conflict 1 mac $whost " \
		probe wan 2001:db8:2::fe 2 500
	check "ADDR_PROBE of an own address: EEXIST" \
		expect "result EEXIST " probe wan 198.51.100.1 1 100
	check "probe_tx counted the probes (>= 4)" grew counter probe_tx 4
	check "probe_conflict counted 2" grew counter probe_conflict 2
	check "the WAN host still reaches 198.51.100.1" \
		replies "$LAB_NS_WAN" 198.51.100.1
else
	notok "esg-dpcmd not built ($DPCMD)"
fi
lab_stop_dataplane
rc=$?
check "esg-dataplane exits 0 on SIGTERM (rc $rc)" test "$rc" -eq 0
check "segment $LAB_SHM removed" test ! -e "$LAB_SHM"

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
exit 0
