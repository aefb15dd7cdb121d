#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The esg-controlplane binary: --check, a bad configuration refused with
# exit 2 and the JSON path, usage errors, the attach timeout (exit 1), and
# a run against a stand-in dataplane (esgctl_fake_dp): it attaches, writes
# its pid into the segment (seen by esgctl), and stops cleanly on SIGTERM
# with its counters logged.
# usage: cp_main_test.sh ESG_CONTROLPLANE ESGCTL FAKE_DP LAB_JSON
set -u
CP=$1
ESGCTL=$2
FAKE=$3
LAB=$4
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="cpm-$$"
tmp=$(mktemp -d)
fpid=
cpid=
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	rm -rf "$tmp"
	rm -f "/dev/shm/esg.$inst"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }

"$CP" -c "$LAB" --check >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -qx "configuration OK: 2 interfaces" "$tmp/out" &&
	ok "--check" || bad "--check: rc=$rc $(cat "$tmp/out")"

jq '.interfaces[1].ipv4[0] = "198.51.100.300/24"' "$LAB" >"$tmp/bad.json"
"$CP" -c "$tmp/bad.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] &&
	grep -q "^esg-controlplane: $tmp/bad.json: interfaces\[1\]\.ipv4\[0\]: " "$tmp/out" &&
	ok "bad configuration: exit 2 with the JSON path" ||
	bad "bad configuration: rc=$rc $(cat "$tmp/out")"

"$CP" -c "$tmp/missing.json" >/dev/null 2>&1
[ $? -eq 2 ] && ok "missing file: exit 2" || bad "missing file"
"$CP" >/dev/null 2>&1
[ $? -eq 2 ] && ok "no -c: exit 2" || bad "no -c"
"$CP" -c "$LAB" --bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown option: exit 2" || bad "unknown option"
"$CP" -c "$LAB" --instance 'x/y' >/dev/null 2>&1
[ $? -eq 2 ] && ok "bad instance: exit 2" || bad "bad instance"
"$CP" --help | grep -q "^usage: esg-controlplane" && ok "--help" || bad "--help"

# No dataplane within attach_timeout_s: exit 1, bounded.
jq --arg i "$inst" '.instance = $i | .controlplane.attach_timeout_s = 1 |
	.controlplane.sip_port = 0' "$LAB" >"$tmp/run.json"
timeout 10 "$CP" -c "$tmp/run.json" >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "waiting for esg-dataplane (instance $inst)" "$tmp/out" &&
	grep -q "no esg-dataplane" "$tmp/out" &&
	ok "attach timeout: exit 1" || bad "attach timeout: rc=$rc $(cat "$tmp/out")"

# Against a stand-in dataplane.
"$FAKE" "$inst" "$tmp/ready" &
fpid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$tmp/ready" ] || { echo "not ok - stand-in dataplane did not start"; exit 1; }
"$CP" -c "$tmp/run.json" >"$tmp/cp.log" 2>&1 &
cpid=$!
i=0
until "$ESGCTL" --instance "$inst" stats --json 2>/dev/null |
	jq -e ".controlplane.pid == $cpid" >/dev/null; do
	[ $i -ge 100 ] && break
	sleep 0.05
	i=$((i + 1))
done
[ $i -lt 100 ] && ok "attached: pid in the segment" || bad "attach: $(cat "$tmp/cp.log")"
grep -q "dataplane epoch [0-9a-f]\{16\} attached (pid $fpid)" "$tmp/cp.log" &&
	ok "attach logged" || bad "attach not logged"
kill -TERM "$cpid"
i=0
while kill -0 "$cpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
wait "$cpid"
rc=$?
cpid=
[ $rc -eq 0 ] && grep -q "signal 15: shutting down" "$tmp/cp.log" &&
	grep -q "messages sent [0-9]* (ring full 0), received [0-9]*, bad 0" "$tmp/cp.log" &&
	grep -q "stopped" "$tmp/cp.log" && ok "SIGTERM: clean stop, counters logged" ||
	bad "SIGTERM: rc=$rc $(cat "$tmp/cp.log")"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
exit 0
