#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The RTP relay (issue 3), end to end, in the lab (tests/e2e/lib/lab.sh)
# with esg-legctl as the control plane (no esg-controlplane: legs are not
# signalled by SIP yet):
#
#   LAN host 192.0.2.10:40000 (IPv4)          WAN host [2001:db8:2::fe]:40000 (IPv6)
#        |                                          |
#   leg 1: lan 192.0.2.1:20000, rtcp-mux,      leg 2: wan [2001:db8:2::1]:30000,
#          LATCH + STRICT, idle 2 s                   rtcp-mux, STRICT, signalled
#                    \______ bound (1 <-> 2) ______/  remote [2001:db8:2::fe]:40000
#
# - RTP LAN -> WAN: the first packet latches leg 1 (LEG_LATCHED event);
#   every packet arrives at the WAN host, IPv4 translated to IPv6 (RFC
#   7915), from [2001:db8:2::1]:30000, header and payload intact, in order,
#   with leg 2's DSCP 46;
# - RTP WAN -> LAN the same way back (IPv6 -> IPv4), to the latched remote,
#   leg 1 keeping the sender's DSCP (34);
# - both directions at once (a call), with new SSRCs;
# - strict sources: another LAN host and another port to leg 1 (latched,
#   STRICT), another port to leg 2 (signalled, STRICT): dropped as
#   leg_src, nothing relayed;
# - UDP to a media port without a leg: dropped as media_no_leg;
# - counters: relay_tx + relay_resolve exactly the packets relayed, per
#   leg (esgctl legs)
#   rx/fwd packets, RFC 3550 expected/lost, SSRC change, latches, drops;
# - LEG_INACTIVE once leg 1 is silent for 2 s; LEG_BULK_DEL deletes both.
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no netns).
set -uo pipefail

. "$(dirname "$0")/lib/lab.sh"

N=${ESG_RELAY_PACKETS:-200}  # per stream
IV=${ESG_RELAY_INTERVAL_MS:-10}
TS=$((IV * 8)) # RTP timestamp step: the interval at 8 kHz
SSRC_A=0x1a2b3c4d # LAN -> WAN
SSRC_B=0x5e6f7081 # WAN -> LAN
SSRC_C=0x0c0c0c0c # the call, LAN side
SSRC_D=0x0d0d0d0d # the call, WAN side

fails=0
ok() { echo "ok - $*"; }
notok() {
	echo "not ok - $*"
	fails=$((fails + 1))
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

snap() { lab_stats_json >"$LAB_DIR/snap.json" || lab_die "esgctl stats --json"; }
# delta KIND NAME: growth since snap
delta() {
	local now before
	now=$(lab_value "$1" "$2") || return 1
	before=$(lab_value "$1" "$2" "$LAB_DIR/snap.json") || return 1
	echo $((now - before))
}
# is KIND NAME N: grew by exactly N since snap
is() {
	local d
	d=$(delta "$1" "$2") || {
		echo "   no $1 named $2 in esgctl stats --json"
		return 1
	}
	echo "   $1 $2 +$d (want +$3)"
	[ "$d" -eq "$3" ]
}

# relayed N: the relay sent exactly N packets since snap: relay_tx (sent
# by the worker) plus relay_resolve (handed to the main lcore because the
# next hop's MAC was not known yet, sent from there).
relayed() {
	local tx res
	tx=$(delta counter relay_tx) && res=$(delta counter relay_resolve) || {
		echo "   no relay_tx / relay_resolve in esgctl stats --json"
		return 1
	}
	echo "   relay_tx +$tx, relay_resolve +$res (want +$1 together)"
	[ $((tx + res)) -eq "$1" ]
}

# A receiver in NS, ready before the sender starts; its JSON in FILE.
# rx_start NS FILE ARGS...
rx_start() {
	local ns=$1 out=$2
	shift 2
	rm -f "$out.ready"
	lab_rtp "$ns" recv --ready "$out.ready" --idle 2 --timeout 30 "$@" \
		>"$out" 2>"$out.err" &
	RX_PID=$!
	LAB_PIDS+=("$RX_PID")
	lab_wait_for 5 "receiver in $ns" test -s "$out.ready" ||
		lab_die "RTP receiver did not start: $(cat "$out.err")"
}
rx_wait() {
	wait "$RX_PID"
	local rc=$?
	RX_PID=
	return $rc
}
# report FILE: the receiver's figures on one line
report() {
	jq -c '{ok, received, lost, duplicates, reordered, bad_header,
		bad_payload, bad_source, source, first_problem}' "$1" 2>/dev/null ||
		cat "$1"
}

# leg_is ID JQ: a jq test on leg ID of esgctl legs --json
leg_is() {
	local id=$1 expr=$2 j
	j=$(lab_legs_json "$id") || return 1
	jq -c ".legs[0] | {id, rx_pkts, fwd_pkts, latches, ssrc, ssrc_changes, jitter,
		rtp_received, expected, lost, drops}" <<<"$j" | sed 's/^/   /'
	jq -e ".legs[0] | $expr" <<<"$j" >/dev/null
}

lab_init
lab_up_dataplane
echo "lab up: instance $LAB_INSTANCE, ports $LAB_PORTS, no control plane"
# a third LAN host for the strict-source check
lab_lan ip addr add 192.0.2.20/24 dev lan0 ||
	lab_die "second address on the LAN host"

lab_legctl_start
ok "esg-legctl attached as the control plane"

# --- legs ------------------------------------------------------------------
check "leg 1: lan 192.0.2.1:20000 mux latch strict idle=2000" \
	lab_leg add 1 lan 192.0.2.1 20000 mux latch strict idle=2000
check "leg 2: wan [2001:db8:2::1]:30000 mux strict" \
	lab_leg add 2 wan 2001:db8:2::1 30000 mux strict
check "leg 2: signalled remote [2001:db8:2::fe]:40000" \
	lab_leg remote 2 2001:db8:2::fe 40000
check "bind 1 2" lab_leg bind 1 2
check "leg 2: DSCP 46 (EF)" lab_leg dscp 2 46
check "leg 1: DSCP keep" lab_leg dscp 1 keep
check "legs 1 and 2 in use (esgctl legs)" \
	lab_wait_for 2 "legs in use" \
	eval 'lab_legs_json | jq -e ".in_use == 2"'

# --- LAN (IPv4) -> WAN (IPv6) ------------------------------------------------
snap
rx_start "$LAB_NS_WAN" "$LAB_DIR/rx1.json" --bind '[2001:db8:2::fe]:40000' \
	--expect-from '[2001:db8:2::1]:30000' --count "$N" --ts-step "$TS" --ssrc "$SSRC_A" \
	--expect-dscp 46
lab_rtp "$LAB_NS_LAN" send --bind 192.0.2.10:40000 --to 192.0.2.1:20000 \
	--count "$N" --ts-step "$TS" --interval-ms "$IV" --ssrc "$SSRC_A" >"$LAB_DIR/tx1.json"
rx_wait
rc=$?
echo "   $(report "$LAB_DIR/rx1.json")"
check "LAN v4 -> WAN v6: $N RTP packets, every one intact, in order, from [2001:db8:2::1]:30000, DSCP 46" \
	test $rc -eq 0
check "relayed +$N" relayed "$N"
check "leg_latch +1" is counter leg_latch 1
check "LEG_LATCHED: leg 1 latched to 192.0.2.10:40000" \
	lab_wait_for 3 "LEG_LATCHED" eval \
	'lab_leg_events LEG_LATCHED | jq -se "map(select(.leg == 1 and .addr == \"192.0.2.10\" and .port == 40000 and .rtcp == false)) | length == 1"'

# --- WAN (IPv6) -> LAN (IPv4) ------------------------------------------------
snap
rx_start "$LAB_NS_LAN" "$LAB_DIR/rx2.json" --bind 192.0.2.10:40000 \
	--expect-from 192.0.2.1:20000 --count "$N" --ts-step "$TS" --ssrc "$SSRC_B" \
	--expect-dscp 34
lab_rtp "$LAB_NS_WAN" send --bind '[2001:db8:2::fe]:40000' \
	--to '[2001:db8:2::1]:30000' --count "$N" --ts-step "$TS" --interval-ms "$IV" \
	--ssrc "$SSRC_B" --dscp 34 >"$LAB_DIR/tx2.json"
rx_wait
rc=$?
echo "   $(report "$LAB_DIR/rx2.json")"
check "WAN v6 -> LAN v4: $N RTP packets to the latched remote, every one intact, from 192.0.2.1:20000, DSCP 34 kept" \
	test $rc -eq 0
check "relayed +$N" relayed "$N"

# --- both ways at once: a call -------------------------------------------------
snap
rm -f "$LAB_DIR/call_lan.json" "$LAB_DIR/call_wan.json"
lab_rtp "$LAB_NS_LAN" duplex --bind 192.0.2.10:40000 --to 192.0.2.1:20000 \
	--expect-from 192.0.2.1:20000 --count "$N" --ts-step "$TS" --interval-ms "$IV" \
	--ssrc "$SSRC_C" --peer-ssrc "$SSRC_D" --start-delay 0.5 --idle 2 \
	--timeout 30 >"$LAB_DIR/call_lan.json" 2>&1 &
p1=$!
LAB_PIDS+=("$p1")
lab_rtp "$LAB_NS_WAN" duplex --bind '[2001:db8:2::fe]:40000' \
	--to '[2001:db8:2::1]:30000' --expect-from '[2001:db8:2::1]:30000' \
	--count "$N" --ts-step "$TS" --interval-ms "$IV" --ssrc "$SSRC_D" --peer-ssrc "$SSRC_C" \
	--start-delay 0.5 --idle 2 --timeout 30 >"$LAB_DIR/call_wan.json" 2>&1 &
p2=$!
LAB_PIDS+=("$p2")
wait "$p1"
rc1=$?
wait "$p2"
rc2=$?
jq -c '.recv | {ok, received, lost, duplicates, reordered, bad_header, bad_payload, bad_source}' \
	"$LAB_DIR/call_lan.json" "$LAB_DIR/call_wan.json" 2>/dev/null | sed 's/^/   /'
check "call: $N packets each way at once, both receivers clean" \
	test $rc1 -eq 0 -a $rc2 -eq 0
check "relayed +$((2 * N))" relayed $((2 * N))

# --- per-leg counters (esgctl legs) -------------------------------------------
check "leg 1: rx = fwd = $((2 * N)), latched once, SSRC changed once, A.3 expected $N lost 0" \
	leg_is 1 ".rx_pkts == $((2 * N)) and .fwd_pkts == $((2 * N)) and .latches == 1
		and .ssrc == $((SSRC_C)) and .ssrc_changes == 1 and .expected == $N
		and .lost == 0 and .drops.src == 0"
check "leg 2: rx = fwd = $((2 * N)), never latched, SSRC $SSRC_D, A.3 expected $N lost 0" \
	leg_is 2 ".rx_pkts == $((2 * N)) and .fwd_pkts == $((2 * N)) and .latches == 0
		and .ssrc == $((SSRC_D)) and .expected == $N and .lost == 0"

# --- strict sources ---------------------------------------------------------------
snap
rx_start "$LAB_NS_WAN" "$LAB_DIR/rx3.json" --bind '[2001:db8:2::fe]:40000' \
	--expect-from '[2001:db8:2::1]:30000' --count 1 --idle 1 --timeout 4
lab_rtp "$LAB_NS_LAN" send --bind 192.0.2.20:40000 --to 192.0.2.1:20000 \
	--count 20 --interval-ms 2 >/dev/null
lab_rtp "$LAB_NS_LAN" send --bind 192.0.2.10:40002 --to 192.0.2.1:20000 \
	--count 20 --interval-ms 2 >/dev/null
lab_rtp "$LAB_NS_WAN" send --bind '[2001:db8:2::fe]:40002' \
	--to '[2001:db8:2::1]:30000' --count 20 --interval-ms 2 >/dev/null
rx_wait
echo "   WAN host: $(report "$LAB_DIR/rx3.json")"
check "leg_src +60: another host and another port to leg 1, another port to leg 2" \
	lab_wait_for 3 "leg_src +60" is drop leg_src 60
check "nothing relayed for them (relayed +0, WAN host got nothing)" \
	eval 'relayed 0 && jq -e ".received == 0 and .bad_source == 0" "$LAB_DIR/rx3.json" >/dev/null'
check "leg 1: drops.src 40" leg_is 1 '.drops.src == 40 and .rx_pkts == '$((2 * N))
check "leg 2: drops.src 20" leg_is 2 '.drops.src == 20 and .rx_pkts == '$((2 * N))

# --- a media port without a leg ----------------------------------------------------
snap
lab_rtp "$LAB_NS_LAN" send --bind 192.0.2.10:40004 --to 192.0.2.1:20002 \
	--count 5 --interval-ms 2 >/dev/null
check "media_no_leg +5 (UDP to 192.0.2.1:20002, no leg there)" \
	lab_wait_for 3 "media_no_leg +5" is drop media_no_leg 5

# --- silence, then the end of the call ------------------------------------------
check "LEG_INACTIVE: leg 1 silent for 2000 ms" \
	lab_wait_for 6 "LEG_INACTIVE" eval \
	'lab_leg_events LEG_INACTIVE | jq -se "map(select(.leg == 1 and .idle_ms == 2000)) | length >= 1"'
check "bulkdel all: 2 legs deleted" \
	eval 'lab_leg bulkdel all | jq -e ".deleted == 2" >/dev/null'
check "no leg in use after bulkdel" \
	eval 'lab_legs_json | jq -e ".in_use == 0" >/dev/null'
lab_legctl_stop
rc=$?
check "esg-legctl exits 0 (every command answered OK) (rc $rc)" test $rc -eq 0
check "no command failed in the dataplane (leg_cmd_fail 0)" \
	eval '[ "$(lab_counter leg_cmd_fail)" -eq 0 ]'

lab_stop_dataplane
rc=$?
check "esg-dataplane exits 0 on SIGTERM (rc $rc)" test "$rc" -eq 0

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed"
	echo "esg-legctl output: $LAB_DIR/legctl.out"
	exit 1
fi
echo "all checks passed"
exit 0
