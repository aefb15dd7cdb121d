#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# esg-dataplane end to end on net_pcap: frames from a capture in, replies
# out to a capture, compared with what RFC 826/792/4443/4861 require
# (pcap_check.py). The exception path is real: UDP to a closed port goes
# through the kernel tun (in a private network namespace) and its ICMP
# port unreachable comes back out through the dataplane.
#   dp_pcap_test.sh ESG_DATAPLANE
# Exit 77 (skipped) without root, unshare or python3-scapy.
set -u
DP=${1:?usage: dp_pcap_test.sh path/to/esg-dataplane}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "skip: needs root (tun, netns)"; exit 77; }
command -v unshare >/dev/null || { echo "skip: no unshare"; exit 77; }
$PY -c 'import scapy' 2>/dev/null || { echo "skip: no python3-scapy"; exit 77; }
[ -c /dev/net/tun ] || { echo "skip: no /dev/net/tun"; exit 77; }

T=$(mktemp -d /tmp/esg-pcap.XXXXXX)
INST=pcap$$
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	rm -rf "$T" "/dev/shm/esg.$INST"
}
trap cleanup EXIT INT TERM

$PY "$HERE/pcap_check.py" gen "$T/in.pcap" || exit 1
cat > "$T/conf.json" <<JSON
{
	"instance": "$INST",
	"log": { "level": "info" },
	"dataplane": { "workers": 0, "no_huge": true, "memory_mb": 128,
		       "mbufs": 2047 },
	"interfaces": [ {
		"name": "lan", "role": "lan",
		"device": "net_pcap0,rx_pcap=$T/in.pcap,tx_pcap=$T/out.pcap",
		"mac": "02:00:00:00:00:01",
		"exception": "esgp-lan",
		"ipv4": [ "192.0.2.1/24" ], "ipv6": [ "2001:db8:1::1/64" ]
	} ]
}
JSON

unshare -n sh -c "ip link set lo up && exec \"\$0\" -c \"\$1\"" "$DP" "$T/conf.json" > "$T/dp.log" 2>&1 &
PID=$!
# bounded waits: up to 10 s to start, then 1.5 s for the kernel's answers
i=0
until grep -q "running:" "$T/dp.log"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then
		echo "esg-dataplane did not start:"; cat "$T/dp.log"; exit 1
	fi
	sleep 0.1
done
sleep 1.5
kill -TERM "$PID"
i=0
while kill -0 "$PID" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "esg-dataplane ignored SIGTERM"; exit 1; }
	sleep 0.1
done
wait "$PID"
rc=$?
PID=
[ $rc = 0 ] || { echo "esg-dataplane exited $rc"; cat "$T/dp.log"; exit 1; }
[ -e "/dev/shm/esg.$INST" ] && { echo "segment left behind"; exit 1; }

fail=0
$PY "$HERE/pcap_check.py" check "$T/out.pcap" || fail=1
for want in "drop ip4_csum: 1" "drop nd_hoplimit: 1" "count exc_to_kernel: 2"; do
	grep -q "$want" "$T/dp.log" || { echo "log lacks '$want'"; fail=1; }
done
[ $fail = 0 ] || cat "$T/dp.log"
exit $fail
