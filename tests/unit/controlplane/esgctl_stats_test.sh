#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esgctl stats against a stand-in dataplane with known counters
# (esgctl_fake_dp): JSON values checked with jq -e, zero counters present
# in JSON and absent from the text, a drop reason known only by the name
# in the region, "dataplane not running" (no segment, and a segment left
# by a dead process) exits 1, usage errors exit 2.
# usage: esgctl_stats_test.sh ESGCTL FAKE_DP
set -u
ESGCTL=$1
FAKE=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="ctl-$$"
tmp=$(mktemp -d)
fpid=
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -rf "$tmp"
	rm -f "/dev/shm/esg.$inst"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # description, jq expression
	if jq -e "$2" "$tmp/stats.json" >/dev/null; then ok "$1"; else bad "$1: $2"; fi
}

# Not running: no segment at all.
"$ESGCTL" --instance "$inst" stats >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "dataplane not running" "$tmp/err" &&
	ok "no segment: exit 1 with a message" ||
	bad "no segment: rc=$rc $(cat "$tmp/err")"

"$FAKE" "$inst" "$tmp/ready" &
fpid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$tmp/ready" ] || { echo "not ok - stand-in dataplane did not start"; exit 1; }

if "$ESGCTL" --instance "$inst" stats --json >"$tmp/stats.json"; then
	ok "stats --json exit 0"
else
	bad "stats --json failed"
fi
check "dataplane pid" ".dataplane.pid == $fpid"
check "epoch is 16 hex digits" '.dataplane.epoch | test("^[0-9a-f]{16}$")'
check "state running" '.dataplane.state == "running"'
check "heartbeat fresh" '.dataplane.heartbeat_age_ms < 5000'
check "uptime" '.dataplane.uptime_ms >= 0 and .dataplane.uptime_ms < 60000'
check "controlplane pid" '.controlplane.pid == 4242 and .controlplane.attaches == 3'
check "two ports" '.ports | length == 2'
check "port identity" '.ports[0] | .name == "lan" and .device == "net_tap0,iface=lan0" and .exception == "esg-lan" and .mac == "02:00:00:00:00:01" and .link_up == true and .speed_mbps == 10000'
check "port hw counters" '.ports[1].hw | .ipackets == 2000 and .opackets == 1900 and .ibytes == 200000 and .imissed == 0'
check "port sw counters summed over lcores" '.ports[0].sw | .rx_pkts == 42 and .tx_pkts == 5 and .drops == 2'
check "lcores" '.lcores | length == 2 and .[0].main == true and .[0].polls == 5000 and .[1].busy_polls == 300'
check "drop summed over lcores" '.drops.eth_not_ours == 7 and .drops.ip4_csum == 1'
check "zero drops present" '.drops.eth_short == 0 and .drops.no_mbuf == 0'
check "drop name from the region" '.drops.future_drop == 9'
check "counters" '.counters.arp_request_rx == 5 and .counters.cmd_rx == 0'

"$ESGCTL" --instance "$inst" stats >"$tmp/stats.txt"
rc=$?
[ $rc -eq 0 ] && ok "stats exit 0" || bad "stats rc=$rc"
grep -Eq '^  eth_not_ours +7$' "$tmp/stats.txt" && ok "text: named drop" ||
	bad "text: no eth_not_ours line"
grep -Eq '^  future_drop +9$' "$tmp/stats.txt" && ok "text: region-only name" ||
	bad "text: no future_drop line"
grep -q 'eth_short' "$tmp/stats.txt" && bad "text: zero drop shown" ||
	ok "text: zero drops hidden"
grep -q '^port 0 lan .*exception esg-lan.*link up' "$tmp/stats.txt" &&
	ok "text: port line" || bad "text: port line"
grep -q "^dataplane pid $fpid " "$tmp/stats.txt" && ok "text: dataplane pid" ||
	bad "text: dataplane pid"

# Usage errors.
"$ESGCTL" --instance "$inst" bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown command: exit 2" || bad "unknown command"
"$ESGCTL" --instance "$inst" stats --nope >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown option: exit 2" || bad "unknown option"
"$ESGCTL" --instance 'a/b' stats >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad instance: exit 2" || bad "bad instance"
"$ESGCTL" version | grep -q "contract version" && ok "version" || bad "version"
"$ESGCTL" --help | grep -q "usage: esgctl" && ok "help" || bad "help"

# A segment whose dataplane died: not running.
kill -9 "$fpid"
wait "$fpid" 2>/dev/null
fpid=
"$ESGCTL" --instance "$inst" stats >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "dataplane not running" "$tmp/err" &&
	ok "dead dataplane: exit 1 with a message" ||
	bad "dead dataplane: rc=$rc $(cat "$tmp/err")"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
exit 0
