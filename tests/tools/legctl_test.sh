#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esg-legctl against a stand-in dataplane (legctl_fake_dp): bad input
# refused with the exact reason before any attach (exit 2); no dataplane
# (exit 3); commands from arguments, a script on stdin and --follow, each
# RESULT printed (text and JSON); a failed command stops the rest (exit 1)
# unless -k; an unknown interface refused with the dataplane's port names;
# LEG_LATCHED / LEG_INACTIVE printed with --stay / --events / --follow;
# PINGs answered; a second control plane refused (one producer per ring);
# a dataplane that does not answer: ETIMEDOUT, bounded.
# usage: legctl_test.sh ESG_LEGCTL LEGCTL_FAKE_DP
set -u
CTL=$1
FAKE=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="lgc-$$"
inst2="lgcm-$$"
tmp=$(mktemp -d)
fpid=
mpid=
epid=
cleanup() {
	for p in $epid $mpid $fpid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
	rm -f "/dev/shm/esg.$inst" "/dev/shm/esg.$inst2"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() {
	echo "not ok - $1"
	fails=$((fails + 1))
}
# run: esg-legctl with output in $tmp/out, $tmp/err; rc in $rc
run() {
	"$CTL" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}
show() { echo "   rc=$rc out: $(cat "$tmp/out") err: $(cat "$tmp/err")"; }
# wait_file FILE PATTERN SECS
wait_file() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# --- refused before attaching: no dataplane runs yet ----------------------
run -i "$inst"
[ $rc -eq 2 ] && ok "no command: exit 2" || { bad "no command"; show; }
run -i "$inst" add 1 lan 192.0.2.1 70000
[ $rc -eq 2 ] && grep -q "line 1: bad RTP port '70000' (1..65535)" "$tmp/err" &&
	ok "bad port refused before attaching" || { bad "bad port"; show; }
run -i "$inst" add 1 lan 192.0.2.1 20000 \; remote 1 192.0.2.999 40000
[ $rc -eq 2 ] && grep -q "line 2: bad address '192.0.2.999'" "$tmp/err" &&
	ok "bad address in the second command: whole input refused" ||
	{ bad "bad address"; show; }
run -i "$inst" --window 0 del 1
[ $rc -eq 2 ] && ok "bad --window: exit 2" || { bad "--window 0"; show; }
run -i "bad/name" del 1
[ $rc -eq 2 ] && ok "bad instance name: exit 2" || { bad "instance"; show; }
run -i "$inst" -w 200 del 1
[ $rc -eq 3 ] && grep -q "dataplane not running (instance $inst)" "$tmp/err" &&
	ok "no dataplane: exit 3 within --wait" || { bad "no dataplane"; show; }

# --- a stand-in dataplane --------------------------------------------------
"$FAKE" "$inst" "$tmp/ready" >"$tmp/fake.out" 2>&1 &
fpid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$tmp/ready" ] || { bad "the stand-in dataplane did not start"; exit 1; }

run -i "$inst" add 1 lan0 192.0.2.1 20000 mux latch \; \
	add 2 wan 2001:db8:2::1 30000 \; bind 1 2 \; dscp 2 46 \; \
	police 1 pps=100 \; remote 2 2001:db8:2::10 30000
n=$(grep -c '^result .* status=0 ok$' "$tmp/out")
[ $rc -eq 0 ] && [ "$n" -eq 6 ] && grep -q '^attached epoch=[0-9a-f]\{16\} ' "$tmp/out" &&
	grep -q '^result line=3 cmd=LEG_BIND leg=1 peer=2 status=0 ok$' "$tmp/out" &&
	ok "six commands from the arguments, six RESULTs ok" ||
	{ bad "six commands"; show; }
grep -q 'event' "$tmp/out" && { bad "events printed without --events"; show; } ||
	ok "no events printed without --events/--stay"

run -i "$inst" add 3 eth9 192.0.2.1 20002
[ $rc -eq 2 ] && grep -q "line 1: unknown interface 'eth9' (this dataplane has: lan, wan)" "$tmp/err" &&
	ok "unknown interface: the dataplane's ports named" ||
	{ bad "unknown interface"; show; }

run -i "$inst" add 1 lan 192.0.2.1 20000 \; del 2
[ $rc -eq 1 ] &&
	grep -q '^result line=1 cmd=LEG_ADD leg=1 status=-17 error=EEXIST reason="File exists"$' "$tmp/out" &&
	! grep -q 'cmd=LEG_DEL' "$tmp/out" && grep -q "1 command(s) not sent" "$tmp/err" &&
	ok "EEXIST reported, the rest not sent, exit 1" || { bad "EEXIST"; show; }
run -i "$inst" -k del 9 \; unbind 1
[ $rc -eq 1 ] && grep -q 'cmd=LEG_DEL leg=9 status=-2 error=ENOENT' "$tmp/out" &&
	grep -q '^result line=2 cmd=LEG_BIND leg=1 peer=none status=0 ok$' "$tmp/out" &&
	ok "-k: goes on after ENOENT, exit 1" || { bad "-k"; show; }

# a script on stdin, with comments and blank lines, JSON out
printf '# legs of a call\n\nadd 4 wan 2001:db8:2::1 30002 30003 strict\nbulkdel all # everything\n' |
	"$CTL" -i "$inst" --json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] &&
	jq -se '[.[] | select(.type == "result")] | length == 2
		and .[0].cmd == "LEG_ADD" and .[0].line == 3 and .[0].ok
		and .[1].cmd == "LEG_BULK_DEL" and .[1].deleted == 3' "$tmp/out" >/dev/null &&
	ok "script on stdin, JSON: bulkdel all deleted 3" || { bad "script"; show; }

# events with --stay
run -i "$inst" --json --stay 1 add 5 lan 192.0.2.1 20010 latch
[ $rc -eq 0 ] &&
	jq -se 'map(select(.type == "event"))[0] | .event == "LEG_LATCHED"
		and .leg == 5 and .addr == "192.0.2.10" and .port == 40000
		and .family == 4 and .rtcp == false' "$tmp/out" >/dev/null &&
	ok "--stay: LEG_LATCHED printed" || { bad "--stay LEG_LATCHED"; show; }

# --follow: commands while attached, through a FIFO
mkfifo "$tmp/fifo"
"$CTL" -i "$inst" --follow <"$tmp/fifo" >"$tmp/fout" 2>"$tmp/ferr" &
mpid=$!
exec 3>"$tmp/fifo"
echo "add 6 wan 2001:db8:2::1 30020 mux latch" >&3
wait_file "$tmp/fout" '^result line=1 cmd=LEG_ADD leg=6 status=0 ok$' 5 &&
	wait_file "$tmp/fout" '^event LEG_LATCHED leg=6 addr=2001:db8:2::10 port=40000 rtcp=0 latches=1$' 5 &&
	ok "--follow: a command and its event" || bad "--follow add"
echo "del 6" >&3
wait_file "$tmp/fout" '^event LEG_INACTIVE leg=6 idle_ms=1234' 5 &&
	ok "--follow: LEG_INACTIVE printed" || bad "--follow inactive"
# while it runs, nobody else may drive the rings
run -i "$inst" del 5
[ $rc -eq 3 ] && grep -q "a control plane is attached (pid $mpid, esg-legctl)" "$tmp/err" &&
	ok "second control plane refused while one is attached" ||
	{ bad "second control plane"; show; }
echo "del x" >&3
wait_file "$tmp/fout" "^error line=3 reason=\"bad leg id 'x'" 5 &&
	ok "--follow: a bad line reported, the tool goes on" || bad "--follow bad line"
echo "del 5" >&3
wait_file "$tmp/fout" '^result line=4 cmd=LEG_DEL leg=5 status=0 ok$' 5 &&
	ok "--follow: next line after a bad one" || bad "--follow after bad"
exec 3>&-
wait "$mpid"
rc=$?
mpid=
[ $rc -eq 2 ] && ok "--follow: exit 2 after a bad line, at EOF" ||
	{ bad "--follow exit ($rc)"; cat "$tmp/fout" "$tmp/ferr"; }

# --events until SIGTERM
"$CTL" -i "$inst" --events >"$tmp/eout" 2>"$tmp/eerr" </dev/null &
epid=$!
wait_file "$tmp/eout" '^attached' 5
sleep 0.5
kill -TERM "$epid"
wait "$epid"
rc=$?
epid=
[ $rc -eq 0 ] && ok "--events: SIGTERM ends it, exit 0" || bad "--events exit $rc"

# --- a dataplane that answers nothing: bounded wait ------------------------
"$FAKE" "$inst2" "$tmp/ready2" mute >/dev/null 2>&1 &
mpid=$!
i=0
while [ ! -e "$tmp/ready2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
t0=$(date +%s)
run -i "$inst2" -t 300 del 1
t1=$(date +%s)
[ $rc -eq 1 ] && grep -q 'status=-110 error=ETIMEDOUT reason="no RESULT within 300 ms"' "$tmp/out" &&
	[ $((t1 - t0)) -le 3 ] && ok "no RESULT: ETIMEDOUT after --timeout" ||
	{ bad "timeout"; show; }
kill "$mpid" && wait "$mpid"
mpid=

# --- the stand-in saw PONGs and no bad message -----------------------------
kill -TERM "$fpid"
wait "$fpid"
fpid=
p=$(awk '/^pongs/ { print $2 }' "$tmp/fake.out")
b=$(awk '/^bad/ { print $2 }' "$tmp/fake.out")
[ "${p:-0}" -gt 0 ] && [ "${b:-1}" -eq 0 ] &&
	ok "PINGs of the dataplane answered ($p PONGs), no bad command" ||
	bad "pongs ${p:-?} bad ${b:-?}"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
