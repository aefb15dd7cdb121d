#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esg-controlplane reopens its call-records file (sip.records) on SIGHUP,
# as logrotate expects (docs/admission.md "Call records"): against a
# stand-in dataplane (esgctl_fake_dp) with the lab configuration, the file
# is created at start; after it is renamed and SIGHUP is sent, the process
# is still running, a new file exists at the configured path and the log
# says it was reopened; a second rotation works too; SIGTERM then stops
# it cleanly. No call is placed (that needs SIP peers: the e2e tests).
# The lab's own addresses are not on this host: SIP binds are retried in
# the background, which this test does not need.
# usage: cp_records_hup_test.sh ESG_CONTROLPLANE FAKE_DP LAB_JSON
set -u
CP=$1
FAKE=$2
LAB=$3
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="cph-$$"
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
# wait_for CMD...: up to 5 s
wait_for() {
	i=0
	until "$@"; do
		[ $i -ge 100 ] && return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 0
}
reopened() { [ "$(grep -c "call records: $rec reopened" "$tmp/cp.log")" -ge "$1" ]; }

rec="$tmp/calls.jsonl"
jq --arg i "$inst" --arg r "$rec" '.instance = $i | .sip.records = $r |
	.controlplane.attach_timeout_s = 5' "$LAB" >"$tmp/run.json"

"$FAKE" "$inst" "$tmp/ready" &
fpid=$!
wait_for test -e "$tmp/ready" ||
	{ echo "not ok - stand-in dataplane did not start"; exit 1; }
"$CP" -c "$tmp/run.json" >"$tmp/cp.log" 2>&1 &
cpid=$!
wait_for grep -q "started (instance $inst" "$tmp/cp.log" &&
	[ -f "$rec" ] && ok "records file created at start" ||
	{ bad "start: $(cat "$tmp/cp.log")"; exit 1; }

for n in 1 2; do
	mv "$rec" "$rec.$n"
	kill -HUP "$cpid"
	if wait_for test -f "$rec" && wait_for reopened $n; then
		ok "SIGHUP $n: a new $rec, reopen logged"
	else
		bad "SIGHUP $n: no new file or no log line: $(cat "$tmp/cp.log")"
	fi
	kill -0 "$cpid" 2>/dev/null && ok "SIGHUP $n: still running" ||
		{ bad "SIGHUP $n: the process ended"; cpid=; break; }
	[ -f "$rec.$n" ] && ok "SIGHUP $n: the rotated file is left alone" ||
		bad "SIGHUP $n: $rec.$n gone"
done

if [ -n "$cpid" ]; then
	kill -TERM "$cpid"
	wait_for sh -c "! kill -0 $cpid 2>/dev/null"
	wait "$cpid"
	rc=$?
	cpid=
	[ $rc -eq 0 ] && grep -q "signal 15: shutting down" "$tmp/cp.log" &&
		! grep -q "signal 1:" "$tmp/cp.log" &&
		ok "SIGTERM: clean stop, SIGHUP did not stop it" ||
		bad "SIGTERM: rc=$rc $(cat "$tmp/cp.log")"
fi

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
exit 0
