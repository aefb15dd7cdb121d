#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esgctl sip / calls / prov against a fixture status document
# (esgctl_cp/status.json, the shape controlplane/cp_status_json.c writes)
# put where esg-controlplane writes it (/dev/shm/esg.<instance>.cp.json):
# the text outputs against golden files (esgctl_cp/*.txt; of sip, the
# first line, with the pid and age, is checked by a pattern), --json passing the sections through
# unchanged, calls cut at 50 rows without --all, "not configured"
# provisioning and an off B2BUA, prov with the softwire options
# (esgctl_cp/softwire.json, golden prov_softwire.txt), and the refusals: no file, a document
# older than 5 s, a writer that is gone, another version, garbage (exit
# 1), bad options (exit 2).
# usage: esgctl_cp_test.sh ESGCTL FIXTURE_DIR
set -u
ESGCTL=$1
FIX=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -w /dev/shm ] || { echo "SKIP: /dev/shm not writable"; exit 77; }

inst="ctlcp-$$"
doc="/dev/shm/esg.$inst.cp.json"
tmp=$(mktemp -d)
cleanup() {
	rm -rf "$tmp"
	rm -f "$doc"
}
trap cleanup EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() { echo "not ok - $1"; fails=$((fails + 1)); }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# put the fixture in place, with jq filter $1 applied (pid: this shell)
put() {
	jq -c --argjson pid $$ --argjson now "$(now_ms)" --arg inst "$inst" \
		".pid = \$pid | .written_ms = \$now | .instance = \$inst | $1" \
		"$FIX/status.json" >"$doc.new" && mv "$doc.new" "$doc"
}
golden() { # name, lines to skip, command...
	name=$1
	skip=$2
	shift 2
	if "$ESGCTL" --instance "$inst" "$@" >"$tmp/$name.out" 2>"$tmp/err"; then
		:
	else
		bad "$name: exit $? $(cat "$tmp/err")"
		return
	fi
	if tail -n +$((skip + 1)) "$tmp/$name.out" | diff -u "$FIX/$name.txt" - >"$tmp/diff"; then
		ok "$name text"
	else
		bad "$name text differs:"
		cat "$tmp/diff"
	fi
}
refused() { # description, expected message part
	"$ESGCTL" --instance "$inst" sip >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$2" "$tmp/err"; then
		ok "$1: exit 1"
	else
		bad "$1: rc=$rc $(cat "$tmp/err")"
	fi
}

# Not running: no document.
rm -f "$doc"
refused "no document" "control plane not running (instance $inst): no $doc"
for c in calls prov; do
	"$ESGCTL" --instance "$inst" $c >/dev/null 2>&1
	[ $? -eq 1 ] && ok "$c without a document: exit 1" || bad "$c: not exit 1"
done

put .
golden sip 1 sip
# the first line: pid and age
head -1 "$tmp/sip.out" | grep -Eq "^controlplane pid $$  instance $inst  written [0-9]+\.[0-9] s ago$" &&
	ok "sip header line" || bad "sip header: $(head -1 "$tmp/sip.out")"
golden calls 0 calls
golden prov 0 prov

# --json: the sections exactly as the document has them
"$ESGCTL" --instance "$inst" sip --json >"$tmp/sip.json" || bad "sip --json failed"
if jq -e --slurpfile d "$doc" '.sip == $d[0].sip and .registration == $d[0].registration and (keys == ["controlplane", "registration", "sip"])' "$tmp/sip.json" >/dev/null; then
	ok "sip --json passes sip and registration through"
else
	bad "sip --json: $(head -c 300 "$tmp/sip.json")"
fi
jq -e ".controlplane.pid == $$ and .controlplane.age_ms >= 0 and .controlplane.age_ms < 5000" "$tmp/sip.json" >/dev/null &&
	ok "sip --json controlplane pid and age" || bad "controlplane object: $(jq -c .controlplane "$tmp/sip.json")"
"$ESGCTL" --instance "$inst" calls --json >"$tmp/calls.json" || bad "calls --json failed"
jq -e --slurpfile d "$doc" '.calls == $d[0].calls and (keys == ["calls", "controlplane"])' "$tmp/calls.json" >/dev/null &&
	ok "calls --json passes calls through" || bad "calls --json"
"$ESGCTL" --instance "$inst" prov --json >"$tmp/prov.json" || bad "prov --json failed"
jq -e --slurpfile d "$doc" '.provisioning == $d[0].provisioning and .provisioning.lease.address == "198.51.100.2"' "$tmp/prov.json" >/dev/null &&
	ok "prov --json passes provisioning through" || bad "prov --json"

# prov with the softwire options of an IPv6 lease (esgctl_cp/softwire.json
# merged into provisioning): RFC 6334 AFTR-Name, RFC 7598 MAP-E / MAP-T /
# lw4o6 containers
put ".provisioning += $(cat "$FIX/softwire.json")"
golden prov_softwire 0 prov
"$ESGCTL" --instance "$inst" prov --json >"$tmp/prov.json" || bad "prov --json (softwire) failed"
jq -e --slurpfile d "$doc" '.provisioning.softwire == $d[0].provisioning.softwire and .provisioning.softwire.containers[0].rules[0].psid == 52' "$tmp/prov.json" >/dev/null &&
	ok "prov --json passes softwire through" || bad "prov --json softwire"

# calls: 60 listed of 1500; text shows 50 without --all, 60 with it
put '.calls.total = 1500 | .calls.shown = 60 | .calls.list = [range(60) as $i | .calls.list[0] | .id = $i + 1]'
"$ESGCTL" --instance "$inst" calls >"$tmp/out" || bad "calls (60) failed"
rows=$(grep -Ec '^ +[0-9]+ acme' "$tmp/out")
[ "$rows" -eq 50 ] && tail -1 "$tmp/out" | grep -q "^50 shown of 1500 calls (--all: the 60 listed)$" &&
	ok "calls: 50 rows without --all" || bad "calls without --all: $rows rows, $(tail -1 "$tmp/out")"
"$ESGCTL" --instance "$inst" calls --all >"$tmp/out" || bad "calls --all failed"
rows=$(grep -Ec '^ +[0-9]+ acme' "$tmp/out")
[ "$rows" -eq 60 ] && tail -1 "$tmp/out" | grep -q "^60 shown of 1500 calls (the status lists the first 1000)$" &&
	ok "calls --all: every listed call" || bad "calls --all: $rows rows, $(tail -1 "$tmp/out")"

# parts that do not run
put '.provisioning = null | .calls = null | .registration = null | .sip.b2bua = false | .sip.calls = null | .sip.admission = null | .sip.guard = null | .sip.dialogs = null'
"$ESGCTL" --instance "$inst" prov >"$tmp/out" && grep -q '^provisioning: not configured' "$tmp/out" &&
	ok "prov: not configured" || bad "prov not configured: $(cat "$tmp/out")"
"$ESGCTL" --instance "$inst" calls >"$tmp/out" && grep -q '^calls: the B2BUA is off' "$tmp/out" &&
	ok "calls: B2BUA off" || bad "calls B2BUA off: $(cat "$tmp/out")"
"$ESGCTL" --instance "$inst" sip >"$tmp/out" && grep -q '^b2bua: off' "$tmp/out" &&
	grep -q '^sip: requests 41 options 3 acks 2$' "$tmp/out" &&
	ok "sip: B2BUA off, listener counters" || bad "sip B2BUA off: $(cat "$tmp/out")"
"$ESGCTL" --instance "$inst" prov --json | jq -e '.provisioning == null' >/dev/null &&
	ok "prov --json: null" || bad "prov --json null"

# refusals
put '.written_ms = .written_ms - 6000'
refused "a document 6 s old" "control plane not running (instance $inst): $doc is stale: written 6 s ago"
sh -c 'exit 0' &
gone=$!
wait $gone
put ".pid = $gone"
refused "a writer that is gone" "left by pid $gone, which is gone"
put '.version = 2'
refused "another version" "status unreadable (instance $inst): $doc: not a status document of version 1"
printf '{"version":1,' >"$doc"
refused "a cut document" "status unreadable"

# usage
put .
for args in "sip --all" "prov --all" "calls extra" "sip --bogus"; do
	# shellcheck disable=SC2086
	"$ESGCTL" --instance "$inst" $args >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] && ok "usage: $args: exit 2" || bad "usage: $args: rc=$rc"
done

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
