#!/usr/bin/env bash
# esg-cfgfile's own test: every example description builds, dumps back to
# the same text (comments aside) and rebuilds to the same bytes; the
# parser's verdicts on good and broken files; check's mapping output.
#   cfgtool_test.sh ESG-CFGFILE EXAMPLES-DIR
set -euo pipefail
tool=$1
ex=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

n=0
for desc in "$ex"/*.txt; do
	name=$(basename "$desc" .txt)
	"$tool" build "$desc" "$tmp/$name.bin" || fail "$name: build"
	# dump's exit is the parser's verdict; broken-*.txt are refused
	rc=0
	"$tool" dump "$tmp/$name.bin" >"$tmp/$name.dump" 2>"$tmp/$name.err" || rc=$?
	case $name in
	broken-*) [ $rc -eq 1 ] || fail "$name: accepted ($(cat "$tmp/$name.err"))" ;;
	*) [ $rc -eq 0 ] || fail "$name: refused ($(cat "$tmp/$name.err"))" ;;
	esac
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$desc" >"$tmp/$name.want"
	diff -u "$tmp/$name.want" "$tmp/$name.dump" || fail "$name: dump differs"
	"$tool" build "$tmp/$name.dump" "$tmp/$name.again" || fail "$name: rebuild"
	cmp "$tmp/$name.bin" "$tmp/$name.again" || fail "$name: bytes differ"
	n=$((n + 1))
done
[ $n -ge 3 ] || fail "only $n examples"

# the reasons of the broken examples (offsets: see the files' comments)
grep -q 'refused: offset 0: the file does not start with TLV 254' \
	"$tmp/broken-nostart.err" || fail "nostart reason"
grep -q 'runs past the end of the file' "$tmp/broken-len64.err" ||
	fail "len64 reason"
grep -q 'configuration hash mismatch' "$tmp/broken-hash.err" ||
	fail "hash reason"
grep -q 'ends without the end marker' "$tmp/broken-noend.err" ||
	fail "noend reason"

# check: the mapping onto the settings, receivers per addressing mode
"$tool" check "$tmp/good.bin" >"$tmp/check4" || fail "check good"
grep -qx 'accepted: hash in file' "$tmp/check4" || fail "check hash"
grep -qx 'stack=dual signalling=ipv6 media=ipv6' "$tmp/check4" ||
	fail "check stack"
grep -qx 'trunk_proxy=proxy.example.net:5060 trunk_domain=example.net' \
	"$tmp/check4" || fail "check trunk"
grep -qx 'syslog_level=5 sip_port=5060' "$tmp/check4" || fail "check level"
grep -qx 'receiver 0: 198.51.100.2 port 162 type 3' "$tmp/check4" ||
	fail "check receiver v4"
"$tool" check "$tmp/good.bin" --ipv6 | grep -qx \
	'receiver 0: 2001:db8:2::2 port 162 type 3' || fail "check receiver v6"
# the out-of-band hash (eUE-19/23): right, then wrong
sum=$("$tool" sha1 "$tmp/good.bin")
[ ${#sum} -eq 40 ] || fail "sha1 length"
"$tool" check "$tmp/good.bin" --sha1 "$sum" >/dev/null || fail "ext hash"
rc=0
"$tool" check "$tmp/good.bin" --sha1 "${sum%?}0" >"$tmp/bad" || rc=$?
{ [ "${sum: -1}" = 0 ] || [ $rc -eq 1 ]; } || fail "wrong ext hash accepted"
# an object outside the mapping table is refused by the mapping
rc=0
"$tool" check "$tmp/unmapped.bin" >"$tmp/unmapped" || rc=$?
[ $rc -eq 1 ] || fail "unmapped accepted"
grep -q 'refused: offset 3: OID 1.3.6.1.4.1.4491.2.2.1.1.1.1.0 is not in the esg mapping table' \
	"$tmp/unmapped" || fail "unmapped reason: $(cat "$tmp/unmapped")"
echo "esg-cfgfile: $n examples round-trip, verdicts and mapping ok"
