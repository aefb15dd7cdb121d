#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The media relay end to end on net_pcap: the real esg-dataplane (one
# worker), legs installed over the command ring by pcap_legs, frames in
# from two FIFOs (LAN, WAN) that relay_pcap.py holds back until the legs
# are there (net_pcap reads its rx_pcap from port start), frames out to a
# capture per TX queue (worker, main lcore), compared byte for byte with
# what relay_pcap.py builds: IPv4 <-> IPv6, DSCP, latching, RTCP to a mux
# leg, next hops resolved by the main lcore (ARP, ND); and the named drops
# in the closing counters.
#   relay_pcap_test.sh ESG_DATAPLANE PCAP_LEGS
# Exit 77 (skipped) without root, unshare or python3-scapy.
set -u
DP=${1:?usage: relay_pcap_test.sh esg-dataplane pcap_legs}
LEGS=${2:?usage: relay_pcap_test.sh esg-dataplane pcap_legs}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

[ "$(id -u)" = 0 ] || { echo "skip: needs root (tun, netns)"; exit 77; }
command -v unshare >/dev/null || { echo "skip: no unshare"; exit 77; }
$PY -c 'import scapy' 2>/dev/null || { echo "skip: no python3-scapy"; exit 77; }
[ -c /dev/net/tun ] || { echo "skip: no /dev/net/tun"; exit 77; }

# short paths: a device string has at most 127 characters
T=$(mktemp -d /tmp/esgrp.XXXXXX)
INST=rpcap$$
PID=
FEED=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null
	[ -n "$FEED" ] && kill -KILL "$FEED" 2>/dev/null
	rm -rf "$T" "/dev/shm/esg.$INST"
}
trap cleanup EXIT INT TERM

mkfifo "$T/l.fifo" "$T/w.fifo" || exit 1
$PY "$HERE/relay_pcap.py" feed "$T/l.fifo" "$T/w.fifo" "$T/go" &
FEED=$!
cat > "$T/conf.json" <<JSON
{
	"instance": "$INST",
	"log": { "level": "info" },
	"dataplane": { "workers": 1, "no_huge": true, "memory_mb": 256,
		       "mbufs": 2047, "idle_sleep_us": 100, "max_legs": 1024 },
	"interfaces": [ {
		"name": "lan", "role": "lan",
		"device": "net_pcap0,rx_pcap=$T/l.fifo,tx_pcap=$T/lw,tx_pcap=$T/lm",
		"mac": "02:00:00:00:00:01",
		"exception": "esgr-lan",
		"ipv4": [ "192.0.2.1/24" ], "ipv6": [ "2001:db8:1::1/64" ]
	}, {
		"name": "wan", "role": "wan",
		"device": "net_pcap1,rx_pcap=$T/w.fifo,tx_pcap=$T/ww,tx_pcap=$T/wm",
		"mac": "02:00:00:00:00:03",
		"exception": "esgr-wan",
		"ipv4": [ "198.51.100.1/24" ], "ipv6": [ "2001:db8:2::1/64" ],
		"gateway4": "198.51.100.254", "gateway6": "2001:db8:2::fe"
	} ]
}
JSON

unshare -n sh -c "ip link set lo up && exec \"\$0\" -c \"\$1\"" "$DP" "$T/conf.json" > "$T/dp.log" 2>&1 &
PID=$!
# bounded waits: 10 s to start, 10 s for the feeder, then 1 s
i=0
until grep -q "running:" "$T/dp.log"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$PID" 2>/dev/null; then
		echo "esg-dataplane did not start:"; cat "$T/dp.log"; exit 1
	fi
	sleep 0.1
done
if ! $PY "$HERE/relay_pcap.py" legs | "$LEGS" "$INST"; then
	echo "legs not installed"; cat "$T/dp.log"; exit 1
fi
# phases (relay_pcap.py feed): each waits for the neighbours the last
# one taught the dataplane (bounded: 5 s each)
touch "$T/go"
"$LEGS" "$INST" wait neigh_added 2 || { cat "$T/dp.log"; exit 1; }
touch "$T/go.2"
"$LEGS" "$INST" wait neigh_added 3 || { cat "$T/dp.log"; exit 1; }
touch "$T/go.3"
i=0
while kill -0 "$FEED" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "feeder stuck"; exit 1; }
	sleep 0.1
done
wait "$FEED" || { echo "feeder failed"; exit 1; }
FEED=
sleep 1
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

fail=0
$PY "$HERE/relay_pcap.py" check "$T/lw" "$T/lm" -- \
	"$T/ww" "$T/wm" || fail=1
for want in "drop leg_src: 1" "drop media_no_leg: 1" "drop eth_not_ours: 61" \
	"drop media_not_rtp: 1" "count leg_latch: 2" "count relay_tx: 5" \
	"count relay_resolve: 1" "count arp_request_tx: 1" "count neigh_added: 4"; do
	grep -q "$want\$" "$T/dp.log" || { echo "log lacks '$want'"; fail=1; }
done
[ $fail = 0 ] && [ -z "${RELAY_PCAP_VERBOSE:-}" ] || cat "$T/dp.log"
exit $fail
