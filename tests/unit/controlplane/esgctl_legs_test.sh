#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esgctl legs against a stand-in dataplane (esgctl_fake_dp) whose legs
# region holds known legs (see the comment at the top of esgctl_fake_dp.c):
# JSON checked with jq -e (traffic, flags, RFC 3550 A.3 expected / lost,
# A.8 jitter, SSRC change, per-leg drops by the region's names, legs with
# no RTP yet), which slots are shown (in use; --all adds deleted legs; IDs
# pick slots), the text table, usage errors (exit 2), and a region of 2^20
# slots scanned (the time is printed, not judged).
# usage: esgctl_legs_test.sh ESGCTL FAKE_DP
set -u
ESGCTL=$1
FAKE=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="legs-$$"
big="legsbig-$$"
tmp=$(mktemp -d)
fpid=
bpid=
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
	rm -rf "$tmp"
	rm -f "/dev/shm/esg.$inst" "/dev/shm/esg.$big"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
check() { # description, jq expression, file
	if jq -e "$2" "$3" >/dev/null; then ok "$1"; else bad "$1: $2"; fi
}
wait_ready() { # file
	i=0
	while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$1" ]
}

# Not running.
"$ESGCTL" --instance "$inst" legs >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "dataplane not running" "$tmp/err" &&
	ok "no segment: exit 1" || bad "no segment: rc=$rc $(cat "$tmp/err")"

"$FAKE" "$inst" "$tmp/ready" 16 &
fpid=$!
wait_ready "$tmp/ready" || { echo "not ok - stand-in did not start"; exit 1; }

J="$tmp/legs.json"
if "$ESGCTL" --instance "$inst" legs --json >"$J"; then
	ok "legs --json exit 0"
else
	bad "legs --json failed"
fi
check "header" ".dataplane.pid == $fpid and .max_legs == 16 and .in_use == 3 and .shown == 3" "$J"
check "legs in use, by id" '[.legs[].id] == [0, 5, 15]' "$J"
check "leg 0 traffic" '.legs[0] | .in_use and .gen == 1 and .rx_pkts == 7 and .rx_bytes == 1400 and .fwd_pkts == 6 and .fwd_bytes == 1200 and .rtcp_pkts == 2 and .latches == 1' "$J"
check "leg 0 flags" '.legs[0].flags == {"latch": true, "same_ip": false, "strict": true} and .legs[0].flags_raw == 5' "$J"
check "leg 0 last seen 1.5 s ago" '.legs[0].last_rx_age_ms >= 1500 and .legs[0].last_rx_age_ms < 60000' "$J"
# RFC 3550 A.3: 100..105 expected, 103 lost; A.8: 16 J = 37, J = 2
check "leg 0 A.3" '.legs[0] | .ssrc == 287454020 and .ssrc_changes == 0 and .rtp_received == 5 and .expected == 6 and .lost == 1' "$J"
check "leg 0 A.8" '.legs[0] | .jitter_x16 == 37 and .jitter == 2' "$J"
check "leg 0 drops by name" '.legs[0].drops == {"src": 3, "police": 1, "no_peer": 0, "not_rtp": 0, "other": 0}' "$J"
check "leg 5 nothing received" '.legs[1] | .id == 5 and .rx_pkts == 0 and .last_rx_age_ms == null and .ssrc == null and .jitter == null and .expected == 0 and .lost == 0 and .flags.same_ip' "$J"
check "last leg SSRC change" '.legs[2] | .id == 15 and .ssrc == 48059 and .ssrc_changes == 1 and .rtp_received == 2 and .expected == 2 and .lost == 0 and .jitter == 0' "$J"
check "unknown flag bit kept" '.legs[2].flags_raw == 128 and .legs[2].flags == {"latch": false, "same_ip": false, "strict": false}' "$J"

"$ESGCTL" --instance "$inst" legs --json --all >"$tmp/all.json" &&
	check "--all adds the deleted leg" '[.legs[].id] == [0, 5, 7, 15] and (.legs[2] | .in_use == false and .gen == 2 and .rx_pkts == 50)' "$tmp/all.json" ||
	bad "legs --all failed"
"$ESGCTL" --instance "$inst" legs --json 8 7 0 >"$tmp/ids.json" &&
	check "ids in the order given, used or not" '[.legs[] | [.id, .in_use]] == [[8, false], [7, false], [0, true]] and .in_use == 3' "$tmp/ids.json" ||
	bad "legs IDs failed"
"$ESGCTL" --instance "$inst" legs --json 9 >"$tmp/one.json" &&
	check "an unused slot by id" '.legs | length == 1 and .[0].gen == 0' "$tmp/one.json" ||
	bad "legs 9 failed"

T="$tmp/legs.txt"
"$ESGCTL" --instance "$inst" legs >"$T"
rc=$?
[ $rc -eq 0 ] && ok "legs text exit 0" || bad "legs text rc=$rc"
head -1 "$T" | grep -Eq '^ +id flag use +rx_pkts .* jitter_ts latches drops$' &&
	ok "text: column header" || bad "text: header: $(head -1 "$T")"
grep -Eq '^ +0 L-S +yes +7 +1400 +6 +1200 +2 +[0-9]+ +11223344 +0 +6 +1 +2\.3 +1 src=3,police=1$' "$T" &&
	ok "text: leg 0 row" || bad "text: leg 0: $(grep -E '^ +0 ' "$T")"
grep -Eq '^ +5 LI- +yes +0 +0 +0 +0 +0 +- +- +0 +- +- +- +0 -$' "$T" &&
	ok "text: leg 5 row (nothing yet)" || bad "text: leg 5: $(grep -E '^ +5 ' "$T")"
grep -Eq '^ +15 ---\+ +yes .* 0000bbbb +1 +2 +0 +0\.0 ' "$T" &&
	ok "text: leg 15 row" || bad "text: leg 15: $(grep -E '^ +15 ' "$T")"
grep -Eq '^ +7 ' "$T" && bad "text: deleted leg shown without --all" ||
	ok "text: deleted leg hidden"
tail -1 "$T" | grep -q '^3 shown, 3 in use of 16 slots$' && ok "text: summary" ||
	bad "text: summary: $(tail -1 "$T")"

# Usage errors.
"$ESGCTL" --instance "$inst" legs 16 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "past the 16 slots" "$tmp/err" && ok "id past the region: exit 2" ||
	bad "id past the region"
for a in x -1 1x 4294967295 99999999999; do
	"$ESGCTL" --instance "$inst" legs "$a" >/dev/null 2>&1
	[ $? -eq 2 ] && ok "bad id '$a': exit 2" || bad "bad id '$a'"
done
"$ESGCTL" --instance "$inst" legs --nope >/dev/null 2>&1
[ $? -eq 2 ] && ok "unknown option: exit 2" || bad "unknown option"

# 2^20 slots, three in use: the scan skips the rest.
"$FAKE" "$big" "$tmp/ready-big" 1048576 &
bpid=$!
wait_ready "$tmp/ready-big" || { echo "not ok - big stand-in did not start"; exit 1; }
t0=$(date +%s%N)
"$ESGCTL" --instance "$big" legs --json >"$tmp/big.json"
rc=$?
t1=$(date +%s%N)
[ $rc -eq 0 ] && ok "2^20 slots: exit 0" || bad "2^20 slots: rc=$rc"
check "2^20 slots: the last slot found" '.max_legs == 1048576 and .in_use == 3 and [.legs[].id] == [0, 5, 1048575]' "$tmp/big.json"
echo "# legs --json over 2^20 slots: $(((t1 - t0) / 1000000)) ms"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
exit 0
