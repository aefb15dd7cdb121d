#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# tests/e2e/lib/rtp_stream.py on loopback (no root): a clean stream over
# IPv4 and IPv6 (with a sequence number wrap) is ok with every packet
# counted; the receiver's checks fail when they must: another source,
# another SSRC, a changed payload byte, a truncated payload, a duplicate,
# a reordered pair, a missing packet, a bad marker or timestamp, another
# DSCP. The
# broken packets are crafted with the tool's own packet() builder.
# usage: rtp_stream_test.sh PYTHON RTP_STREAM_PY
set -u
PY=$1
RS=$2
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
"$PY" -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null ||
	{ echo "SKIP: no IPv6 loopback"; exit 77; }
tmp=$(mktemp -d)
rpid=
trap '[ -n "$rpid" ] && kill "$rpid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
fails=0
ok() { echo "ok - $1"; }
bad() {
	echo "not ok - $1"
	fails=$((fails + 1))
}
# A receiver on a free port of $1 (127.0.0.1 or ::1) expecting from
# port $2; its port in $rport.
recv_start() {
	h=$1
	p=$2
	shift 2
	rm -f "$tmp/ready"
	"$PY" "$RS" recv --bind "$(fmt "$h" 0)" --expect-from "$(fmt "$h" "$p")" \
		--ready "$tmp/ready" --idle 0.5 --linger 0.3 --timeout 10 "$@" \
		>"$tmp/recv.json" 2>"$tmp/recv.err" &
	rpid=$!
	i=0
	while [ ! -s "$tmp/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	rport=$(cat "$tmp/ready")
}
fmt() { case $1 in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }
recv_end() {
	wait "$rpid"
	rrc=$?
	rpid=
}
sport=$((30000 + $$ % 20000))

# clean streams
recv_start 127.0.0.1 "$sport" --count 300 --seq0 65400
"$PY" "$RS" send --bind "127.0.0.1:$sport" --to "127.0.0.1:$rport" \
	--count 300 --seq0 65400 --interval-ms 1 >"$tmp/send.json"
recv_end
[ $rrc -eq 0 ] && jq -e '.ok and .received == 300 and .lost == 0' "$tmp/recv.json" >/dev/null &&
	jq -e '.ok and .sent == 300' "$tmp/send.json" >/dev/null &&
	ok "IPv4: 300 packets across the sequence wrap, all checked" ||
	bad "IPv4 clean: $(cat "$tmp/recv.json" "$tmp/recv.err")"
recv_start ::1 "$sport" --count 100 --ssrc 0xdeadbeef
"$PY" "$RS" send --bind "[::1]:$sport" --to "[::1]:$rport" \
	--count 100 --ssrc 0xdeadbeef --interval-ms 1 >/dev/null
recv_end
[ $rrc -eq 0 ] && jq -e ".ok and .received == 100 and .source == \"[::1]:$sport\"" "$tmp/recv.json" >/dev/null &&
	ok "IPv6: 100 packets, source checked" || bad "IPv6 clean: $(cat "$tmp/recv.json")"

# DSCP (RFC 2474) of each packet: as sent, and a mismatch counted
recv_start ::1 "$sport" --count 10 --expect-dscp 46
"$PY" "$RS" send --bind "[::1]:$sport" --to "[::1]:$rport" \
	--count 10 --dscp 46 --interval-ms 1 >/dev/null
recv_end
[ $rrc -eq 0 ] && jq -e '.ok and .dscp_seen == [46]' "$tmp/recv.json" >/dev/null &&
	ok "DSCP 46 seen on every packet" || bad "DSCP 46: $(cat "$tmp/recv.json")"
recv_start 127.0.0.1 "$sport" --count 10 --expect-dscp 46
"$PY" "$RS" send --bind "127.0.0.1:$sport" --to "127.0.0.1:$rport" \
	--count 10 --dscp 34 --interval-ms 1 >/dev/null
recv_end
[ $rrc -eq 1 ] && jq -e '.bad_dscp == 10 and .dscp_seen == [34]' "$tmp/recv.json" >/dev/null &&
	ok "DSCP 34 where 46 is expected: bad_dscp 10" || bad "DSCP: $(cat "$tmp/recv.json")"

# another source port: nothing accepted
recv_start 127.0.0.1 "$((sport + 2))" --count 20 --timeout 1.5
"$PY" "$RS" send --bind "127.0.0.1:$sport" --to "127.0.0.1:$rport" \
	--count 20 --interval-ms 1 >/dev/null
recv_end
[ $rrc -eq 1 ] && jq -e ".bad_source == 20 and .received == 0 and .bad_sources == [\"127.0.0.1:$sport\"]" "$tmp/recv.json" >/dev/null &&
	ok "another source: 20 refused" || bad "source: $(cat "$tmp/recv.json")"

# another SSRC
recv_start 127.0.0.1 "$sport" --count 10 --peer-ssrc 0x5
"$PY" "$RS" send --bind "127.0.0.1:$sport" --to "127.0.0.1:$rport" \
	--count 10 --interval-ms 1 >/dev/null
recv_end
[ $rrc -eq 1 ] && jq -e '.bad_header == 10 and (.first_problem | test("SSRC"))' "$tmp/recv.json" >/dev/null &&
	ok "another SSRC: bad_header" || bad "SSRC: $(cat "$tmp/recv.json")"

# crafted damage: 8 packets expected
recv_start 127.0.0.1 "$sport" --count 8
"$PY" - "$RS" "$sport" "$rport" <<'EOF'
import importlib.util, socket, sys, time
spec = importlib.util.spec_from_file_location("rs", sys.argv[1])
rs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rs)
class A:
    seq0, ts0, ts_step, pt, ssrc, size = 1000, 160000, 160, 0, 0x11223344, 160
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[2])))
dst = ("127.0.0.1", int(sys.argv[3]))
p = [rs.packet(A, i) for i in range(8)]
def tx(b):
    s.sendto(b, dst)
    time.sleep(0.002)
tx(p[0]); tx(p[0])                      # a duplicate
tx(p[2]); tx(p[1])                      # a reordered pair
b = bytearray(p[3]); b[12 + 77] ^= 0x10; tx(bytes(b))  # one payload byte
tx(p[4][:-1])                           # truncated payload
b = bytearray(p[5]); b[1] |= 0x80; tx(bytes(b))        # marker not first
b = bytearray(p[6]); b[7] ^= 1; tx(bytes(b))           # timestamp
# p[7] never sent: lost
EOF
recv_end
[ $rrc -eq 1 ] && jq -e '.received == 3 and .duplicates == 1 and .reordered == 1
	and .bad_payload == 2 and .bad_header == 2 and .lost == 5
	and .missing_seqs == [1003, 1004, 1005, 1006, 1007]' "$tmp/recv.json" >/dev/null &&
	ok "damage counted: duplicate, reorder, payload x2, header x2, 5 lost" ||
	bad "damage: $(cat "$tmp/recv.json")"

"$PY" "$RS" recv --bind 127.0.0.1:0 --count 1 >/dev/null 2>&1
[ $? -eq 2 ] && ok "usage: recv without --expect-from: exit 2" || bad "usage"

[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
