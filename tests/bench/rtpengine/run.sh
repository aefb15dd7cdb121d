#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Side by side with rtpengine (issue 3, benchmark 2; docs/performance.md).
#
# In one run on this machine, the same RTP load through two relays:
#
#   rtpengine  Debian's rtpengine-daemon, userspace forwarding only
#              (--table=-1: no kernel module, no iptables), calls set up
#              over its NG control protocol (ng_calls.py);
#   esg        esg-dataplane on net_af_packet ports, legs installed over
#              the command ring with esg-legctl (esg_calls.py).
#
# Topology, three namespaces made here (TEST-NET addresses only):
#
#   [gen] a0 192.0.2.10 ==veth== a1 [relay] b1 ==veth== b0 198.51.100.10 /
#                                                        2001:db8:2::10 [rcv]
#
# The relay namespace holds either rtpengine (the kernel owns a1/b1 with
# 192.0.2.1, 198.51.100.1, 2001:db8:2::1) or esg-dataplane (af_packet on
# a1/b1, whose kernel stack is silenced as in the lab). The generator
# (esg-bench-rtpload gen) sends raw frames on a0: one stream per call, RTP
# with 160 bytes of payload (a 200-byte IPv4 packet), round-robin over the
# calls at a paced total rate; the receiver (esg-bench-rtpload recv) counts
# every stream on b0 (sequence numbers, destinations, checksums).
#
# CPUs: the relay is pinned to --relay-cpu (default 1) and the kernel's
# receive work for the relay's interfaces is steered there too (RPS on
# a1/b1), so that core carries everything the relay costs; the generator,
# the receiver and the kernel's receive work for b0 run on --load-cpu
# (default 0). The relay's CPU is its core's busy time from /proc/stat
# (user + system + irq + softirq) over the measurement window; the
# process's own utime + stime is reported beside it.
#
# For each relay, path (v4-v4, v4-v6) and number of calls, a ramp finds
# the highest offered rate at which loss stays below 0.1 %: doubling from
# --start-rate until a step fails, then bisection to --precision percent.
# rtpengine is started afresh with new calls for every step (after an
# overload it stops reading the sockets that overflowed: its
# MAX_RECV_LOOP_STRIKES), esg keeps running with its legs.
#
# Usage (root):  tests/bench/rtpengine/run.sh [options]
#   --build DIR        build directory (default: ESG_BUILD_DIR, else the
#                      first of build-rtpengine, build-ci, build with the
#                      binaries)
#   --relays LIST      "rtpengine esg" (default); "kernel" adds Linux's
#                      own IPv4 forwarding in the relay namespace, a
#                      reference for the kernel path and the harness
#   --calls LIST       "1000 4000" (default; 1..4000)
#   --families LIST    "v4-v4 v4-v6" (default)
#   --runs N           ramps per case (default 3)
#   --step-secs S      seconds per step (default 4; the first --warmup
#                      seconds are not measured, default 1)
#   --start-rate PPS   first step (default 25000)
#   --max-rate PPS     never offer more (default 3000000)
#   --precision PCT    bisection stops when bad - good <= PCT % of good
#                      (default 5)
#   --relay-cpu N / --load-cpu N   (defaults 1 / 0)
#   --no-rps           leave the kernel's receive work where it falls
#   --esg-idle-sleep-us N   dataplane.idle_sleep_us for esg (default 0:
#                      pure polling, as in production; the lab uses 100 so
#                      the kernel gets the CPU when the dataplane is idle)
#   --ceiling FILE     esg-bench-relay JSON for the fast-path ratio
#                      (default BUILD/bench/relay.json when present)
#   --json FILE        write everything (default BUILD/bench/rtpengine.json)
#   --max-minutes M    give up after M minutes (default 60)
#   --keep             keep the work directory (logs, every step's JSON)
#
# Exit: 0 done, 1 failed, 2 usage, 77 no root / netns / rtpengine.
# Not a test: never run by ci/test.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
PY=${ESG_PYTHON:-/usr/bin/python3}

BUILD=${ESG_BUILD_DIR:-}
RELAYS="rtpengine esg"
CALLS="1000 4000"
FAMILIES="v4-v4 v4-v6"
RUNS=3
STEP_SECS=4
WARMUP=1
START_RATE=25000
MAX_RATE=3000000
PRECISION=5
RELAY_CPU=1
LOAD_CPU=0
RPS=1
CEILING=
JSON=
MAX_MINUTES=60
KEEP=0
ESG_IDLE_SLEEP=0
MAX_STEPS=14
LINGER=0.3

log() { printf '[rtpbench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "FAIL: $*"
	exit 1
}
usage() {
	sed -n '/^# Usage/,/^# Not a test/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2 ;;
	--relays) RELAYS=$2 ;;
	--calls) CALLS=$2 ;;
	--families) FAMILIES=$2 ;;
	--runs) RUNS=$2 ;;
	--step-secs) STEP_SECS=$2 ;;
	--warmup) WARMUP=$2 ;;
	--start-rate) START_RATE=$2 ;;
	--max-rate) MAX_RATE=$2 ;;
	--precision) PRECISION=$2 ;;
	--relay-cpu) RELAY_CPU=$2 ;;
	--load-cpu) LOAD_CPU=$2 ;;
	--ceiling) CEILING=$2 ;;
	--json) JSON=$2 ;;
	--max-minutes) MAX_MINUTES=$2 ;;
	--esg-idle-sleep-us) ESG_IDLE_SLEEP=$2 ;;
	--no-rps) RPS=0 && shift && continue ;;
	--keep) KEEP=1 && shift && continue ;;
	-h | --help) usage ;;
	*) echo "unknown option $1" >&2 && usage ;;
	esac
	shift 2 || usage
done

for v in RUNS STEP_SECS START_RATE MAX_RATE PRECISION RELAY_CPU LOAD_CPU \
	MAX_MINUTES ESG_IDLE_SLEEP; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "--${v,,} must be a whole number"
done
[[ $WARMUP =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--warmup must be a number"
[ "$RUNS" -ge 1 ] && [ "$STEP_SECS" -ge 2 ] && [ "$START_RATE" -ge 100 ] ||
	die "--runs >= 1, --step-secs >= 2, --start-rate >= 100"
for f in $FAMILIES; do
	case $f in v4-v4 | v4-v6) ;; *) die "family $f: v4-v4 or v4-v6" ;; esac
done
for r in $RELAYS; do
	case $r in rtpengine | esg | kernel) ;;
	*) die "relay $r: rtpengine, esg or kernel" ;;
	esac
done
for c in $CALLS; do
	[[ $c =~ ^[0-9]+$ ]] && [ "$c" -ge 1 ] && [ "$c" -le 4000 ] ||
		die "calls $c: 1..4000"
done

skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
[ "$(nproc)" -gt "$RELAY_CPU" ] && [ "$(nproc)" -gt "$LOAD_CPU" ] ||
	die "CPUs $RELAY_CPU and $LOAD_CPU: this machine has $(nproc)"
[ "$RELAY_CPU" != "$LOAD_CPU" ] || die "--relay-cpu and --load-cpu must differ"
if [ -z "$BUILD" ]; then
	for d in "$ROOT"/build-rtpengine "$ROOT"/build-ci "$ROOT"/build; do
		[ -x "$d/tests/bench/rtpengine/esg-bench-rtpload" ] && BUILD=$d && break
	done
fi
LOAD_BIN=$BUILD/tests/bench/rtpengine/esg-bench-rtpload
DP_BIN=$BUILD/dataplane/esg-dataplane
CTL_BIN=$BUILD/mgmt/esgctl/esgctl
LEGCTL_BIN=$BUILD/tests/tools/esg-legctl
[ -x "$LOAD_BIN" ] || die "esg-bench-rtpload not built (--build DIR)"
"$LOAD_BIN" selftest >/dev/null || die "esg-bench-rtpload selftest failed"
case " $RELAYS " in *" rtpengine "*)
	command -v rtpengine >/dev/null ||
		skip "no rtpengine (apt-get install rtpengine-daemon)"
	;;
esac
case " $RELAYS " in *" esg "*)
	for b in "$DP_BIN" "$CTL_BIN" "$LEGCTL_BIN"; do
		[ -x "$b" ] || die "$b not built"
	done
	;;
esac
[ -x "$PY" ] || die "no $PY"
[ -n "$JSON" ] || JSON=$BUILD/bench/rtpengine.json
[ -n "$CEILING" ] || { [ -f "$BUILD/bench/relay.json" ] && CEILING=$BUILD/bench/relay.json; }

ID=$$
NS_GEN=rtpb-$ID-gen
NS_RLY=rtpb-$ID-rly
NS_RCV=rtpb-$ID-rcv
DIR=$(mktemp -d "/tmp/rtpbench-$ID.XXXXXX")
STEPS=$DIR/steps.jsonl
BEST=$DIR/best.jsonl
: >"$STEPS"
: >"$BEST"
PIDS=()
NSS=()
RELAY_PID=
DEADLINE=$((SECONDS + MAX_MINUTES * 60))
INSTANCE=rtpb$ID
STEP_NO=0

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "${NSS[@]}"; do
		ip netns del "$p" 2>/dev/null
	done
	rm -f "/dev/shm/esg.$INSTANCE"
	if [ "$KEEP" = 1 ]; then
		log "work directory kept: $DIR"
	else
		rm -rf "$DIR"
	fi
}
trap cleanup EXIT
trap 'log interrupted; exit 130' INT
trap 'log terminated; exit 143' TERM

ip netns add "rtpb-$ID-probe" 2>/dev/null || skip "ip netns does not work here"
ip netns del "rtpb-$ID-probe"
# The kernel thread that takes over the relay CPU's softirq work when
# there is much of it: part of what the relay costs.
KSOFTIRQD=$(pgrep -x "ksoftirqd/$RELAY_CPU" | head -1)
[ -n "$KSOFTIRQD" ] || die "no ksoftirqd/$RELAY_CPU"

# wait_for SECS CMD...: poll every 0.1 s, bounded.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.1
	done
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# stop_pid PID: SIGTERM, up to 5 s, then SIGKILL; reaped.
stop_pid() {
	local p=$1
	kill -TERM "$p" 2>/dev/null
	for _ in $(seq 50); do
		alive "$p" || break
		[ "$(ps -o stat= -p "$p" 2>/dev/null)" = Z ] && break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	forget_pid "$p"
}

forget_pid() {
	local q keep=()
	for q in "${PIDS[@]}"; do
		[ "$q" = "$1" ] || keep+=("$q")
	done
	PIDS=("${keep[@]}")
}

cpumask() { printf '%x' $((1 << $1)); }

ns_add() {
	ip netns add "$1" || die "ip netns add $1"
	NSS+=("$1")
	ip -n "$1" link set lo up
}

# topo_up KIND: the three namespaces and two veth pairs; KIND rtpengine
# gives the relay's kernel the addresses, esg silences it (lab_veth).
topo_up() {
	local kind=$1 ifn
	ns_add "$NS_GEN"
	ns_add "$NS_RLY"
	ns_add "$NS_RCV"
	ip link add a0 netns "$NS_GEN" type veth peer name a1 netns "$NS_RLY" ||
		die "veth a0/a1"
	ip link add b0 netns "$NS_RCV" type veth peer name b1 netns "$NS_RLY" ||
		die "veth b0/b1"
	ip -n "$NS_GEN" addr add 192.0.2.10/24 dev a0
	ip -n "$NS_GEN" -6 addr add 2001:db8:1::10/64 dev a0 nodad
	ip -n "$NS_GEN" link set a0 up
	ip -n "$NS_RCV" addr add 198.51.100.10/24 dev b0
	ip -n "$NS_RCV" -6 addr add 2001:db8:2::10/64 dev b0 nodad
	ip -n "$NS_RCV" link set b0 up
	# Nothing listens on the receiver's ports (it reads the wire):
	# no port unreachable back to the relay.
	ip netns exec "$NS_RCV" sysctl -qw net.ipv4.icmp_ratelimit=100000 \
		net.ipv4.icmp_msgs_per_sec=1 net.ipv4.icmp_msgs_burst=1 \
		net.ipv6.icmp.ratelimit=100000
	if [ "$kind" != esg ]; then
		ip -n "$NS_RLY" addr add 192.0.2.1/24 dev a1
		ip -n "$NS_RLY" -6 addr add 2001:db8:1::1/64 dev a1 nodad
		ip -n "$NS_RLY" addr add 198.51.100.1/24 dev b1
		ip -n "$NS_RLY" -6 addr add 2001:db8:2::1/64 dev b1 nodad
		ip -n "$NS_RLY" link set a1 up
		ip -n "$NS_RLY" link set b1 up
	else
		for ifn in a1 b1; do
			ip netns exec "$NS_RLY" sysctl -qw \
				"net.ipv6.conf.$ifn.disable_ipv6=1" \
				"net.ipv4.conf.$ifn.arp_ignore=8" \
				"net.ipv4.conf.$ifn.rp_filter=1"
			ip -n "$NS_RLY" link set "$ifn" arp off promisc on up
		done
	fi
	if [ "$RPS" = 1 ]; then
		ip netns exec "$NS_RLY" sh -c "echo $(cpumask "$RELAY_CPU") \
			>/sys/class/net/a1/queues/rx-0/rps_cpus && echo \
			$(cpumask "$RELAY_CPU") >/sys/class/net/b1/queues/rx-0/rps_cpus" ||
			die "RPS on a1/b1"
		ip netns exec "$NS_RCV" sh -c "echo $(cpumask "$LOAD_CPU") \
			>/sys/class/net/b0/queues/rx-0/rps_cpus" || die "RPS on b0"
		ip netns exec "$NS_GEN" sh -c "echo $(cpumask "$LOAD_CPU") \
			>/sys/class/net/a0/queues/rx-0/rps_cpus" || die "RPS on a0"
	fi
	RELAY_MAC=$(ip -n "$NS_RLY" -j link show a1 | jq -r '.[0].address')
	[ -n "$RELAY_MAC" ] || die "no MAC on a1"
}

topo_down() {
	local n
	for n in "$NS_GEN" "$NS_RLY" "$NS_RCV"; do
		ip netns del "$n" 2>/dev/null
	done
	NSS=()
}

# The busy share of the relay CPU over SECS with nothing of ours running
# on it: how quiet the machine is.
cpu_background() {
	local i0 i1 t0 t1
	i0=$(awk -v c="cpu$RELAY_CPU" '$1 == c { print $5 + $6 }' /proc/stat)
	t0=$(date +%s.%N)
	sleep "$1"
	i1=$(awk -v c="cpu$RELAY_CPU" '$1 == c { print $5 + $6 }' /proc/stat)
	t1=$(date +%s.%N)
	# idle + iowait (exact on a tickless kernel, USER_HZ units) against
	# the wall clock, as esg-bench-rtpload gen counts busy
	awk -v i0="$i0" -v i1="$i1" -v t0="$t0" -v t1="$t1" \
		-v hz="$(getconf CLK_TCK)" 'BEGIN { b = 1 - (i1 - i0) / hz / (t1 - t0);
		printf "%.3f\n", (b < 0 ? 0 : b) }'
}

# ---- rtpengine --------------------------------------------------------

rtpe_start() {
	RTPE_LOG=$DIR/rtpengine.log
	echo "=== step $((STEP_NO + 1))" >>"$RTPE_LOG"
	ip netns exec "$NS_RLY" taskset -c "$RELAY_CPU" rtpengine \
		--config-file=none --table=-1 --foreground --log-stderr -L 4 \
		--interface=a/192.0.2.1 --interface=a/2001:db8:1::1 \
		--interface=b/198.51.100.1 --interface=b/2001:db8:2::1 \
		--listen-ng=127.0.0.1:2223 --port-min=10000 --port-max=60000 \
		--num-threads=1 --timeout=600 --silent-timeout=600 \
		--delete-delay=0 >>"$RTPE_LOG" 2>&1 </dev/null &
	RELAY_PID=$!
	PIDS+=("$RELAY_PID")
	ip netns exec "$NS_RLY" "$PY" "$HERE/ng_calls.py" ping --wait 10 ||
		die "rtpengine does not answer NG ping (log $RTPE_LOG)"
	[ "$(cat "/proc/$RELAY_PID/comm" 2>/dev/null)" = rtpengine ] ||
		die "pid $RELAY_PID is not rtpengine"
}

rtpe_stop() {
	stop_pid "$RELAY_PID"
	RELAY_PID=
}

# rtpe_calls CALLS FAMILY: offer/answer CALLS calls; streams in $STREAMS.
rtpe_calls() {
	local dst=198.51.100.10
	[ "$2" = v4-v6 ] && dst=2001:db8:2::10
	STREAMS=$DIR/streams.txt
	timeout 120 ip netns exec "$NS_RLY" "$PY" "$HERE/ng_calls.py" setup \
		--calls "$1" --dst-ip "$dst" --out "$STREAMS" >/dev/null ||
		die "rtpengine: call setup failed"
}

# Counters around a step, one flat JSON object (snap): per-CPU backlog
# drops, what the veth ends dropped, and the relay's own (snap_RELAY).
snap() {
	{
		"snap_$1"
		local cpu=0 _p drop _r
		while read -r _p drop _r; do
			printf '{"softnet_drop_cpu%d": %d}\n' $cpu $((16#$drop))
			cpu=$((cpu + 1))
		done </proc/net/softnet_stat
		snap_link "$NS_GEN" a0
		snap_link "$NS_RLY" a1
		snap_link "$NS_RLY" b1
		snap_link "$NS_RCV" b0
	} | jq -cs add
}

snap_link() {
	local k
	for k in rx_dropped tx_dropped rx_packets tx_packets; do
		printf '{"%s_%s": %s}\n' "$2" "$k" \
			"$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/$k")"
	done
}

# The relay namespace's UDP counters (rtpengine's socket overflows).
snap_rtpengine() {
	ip netns exec "$NS_RLY" cat /proc/net/snmp /proc/net/netstat \
		/proc/net/snmp6 | "$PY" -c '
import json, sys
out = {}
lines = sys.stdin.read().splitlines()
# snmp and netstat: a line of names, a line of values, same "Ip:" head
for i in range(len(lines) - 1):
    a, b = lines[i].split(), lines[i + 1].split()
    if (a and b and a[0] == b[0] and a[0] in ("Ip:", "Udp:", "IpExt:")
            and len(a) == len(b) and not b[1].isalpha()):
        pre = a[0][:-1].lower() + "_"
        out.update({pre + k: int(v) for k, v in zip(a[1:], b[1:])})
# snmp6: one name and value a line
for l in lines:
    p = l.split()
    if (len(p) == 2 and p[1].isdigit() and
            (p[0].startswith("Udp6") or p[0].startswith("Ip6"))):
        out[p[0]] = int(p[1])
print(json.dumps(out))'
}

# ---- esg ---------------------------------------------------------------

esg_start() {
	ESG_CONF=$DIR/esg.json
	ESG_LOG=$DIR/dataplane.log
	jq --arg i "$INSTANCE" --argjson c "$RELAY_CPU" \
		--argjson s "$ESG_IDLE_SLEEP" \
		'.instance = $i | .dataplane.main_lcore = $c
		| .dataplane.idle_sleep_us = $s' \
		"$HERE/esg-bench.json" >"$ESG_CONF" || die "esg config"
	: >"$ESG_LOG"
	ip netns exec "$NS_RLY" "$DP_BIN" --config "$ESG_CONF" \
		>>"$ESG_LOG" 2>&1 </dev/null &
	RELAY_PID=$!
	PIDS+=("$RELAY_PID")
	wait_for 30 esg_ready || {
		tail -20 "$ESG_LOG" >&2
		die "esg-dataplane did not come up"
	}
}

esg_ready() {
	alive "$RELAY_PID" && grep -q 'notice: running:' "$ESG_LOG" &&
		"$CTL_BIN" --instance "$INSTANCE" stats --json >/dev/null
}

esg_stop() {
	stop_pid "$RELAY_PID"
	RELAY_PID=
}

# esg_calls CALLS FAMILY: delete every leg, install CALLS calls.
esg_calls() {
	local wan=198.51.100.1 dst=198.51.100.10
	[ "$2" = v4-v6 ] && wan=2001:db8:2::1 && dst=2001:db8:2::10
	STREAMS=$DIR/streams.txt
	"$PY" "$HERE/esg_calls.py" --calls "$1" --wan-ip "$wan" \
		--dst-ip "$dst" --legs-out "$DIR/legs.txt" \
		--streams-out "$STREAMS" || die "esg_calls.py"
	timeout 60 "$LEGCTL_BIN" --instance "$INSTANCE" bulkdel all \
		>>"$DIR/legctl.log" 2>&1 || die "esg-legctl bulkdel"
	timeout 120 "$LEGCTL_BIN" --instance "$INSTANCE" --window 64 \
		--file "$DIR/legs.txt" >>"$DIR/legctl.log" 2>&1 ||
		die "esg-legctl: installing legs failed (log $DIR/legctl.log)"
}

snap_esg() {
	"$CTL_BIN" --instance "$INSTANCE" stats --json | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
out = {}
for k, v in d.get("counters", {}).items():
    out[k] = v
for k, v in d.get("drops", {}).items():
    out["drop_" + k] = v
for lc in d.get("lcores", []):
    for k in ("polls", "busy_polls"):
        out["lcore%d_%s" % (lc["lcore_id"], k)] = lc[k]
for p in d.get("ports", []):
    for kind in ("hw", "sw"):
        for k, v in p.get(kind, {}).items():
            out["port_%s_%s_%s" % (p["name"], kind, k)] = v
print(json.dumps(out))'
}

# ---- kernel: the reference ------------------------------------------------
#
# Linux's own IPv4 forwarding in the relay namespace (no NAT, no port
# rewrite: not an RTP relay). It tells what the kernel's per-packet path
# costs on the relay core, and what the load CPU can offer and take: a
# ramp that ends on "generator" or "loss" with the relay core not full is
# the harness's own limit.

# kernel_calls CALLS: streams straight to the receiver through the router.
kernel_calls() {
	STREAMS=$DIR/streams.txt
	ip netns exec "$NS_RLY" sysctl -qw net.ipv4.ip_forward=1 ||
		die "ip_forward in $NS_RLY"
	seq 0 $(($1 - 1)) | awk '{ p = 40000 + 2 * $1;
		print $1, "192.0.2.10", p, "198.51.100.10", p, "198.51.100.10", p }' \
		>"$STREAMS"
}

snap_kernel() { snap_rtpengine; }

# ---- one step, one ramp -------------------------------------------------

# step RELAY CALLS FAMILY RUN RATE: the verdict in $VERDICT, the record
# in $LAST_STEP and appended to $STEPS. Not in a subshell: the pids it
# starts must stay known to the cleanup trap.
step() {
	local relay=$1 calls=$2 fam=$3 run=$4 rate=$5 rpid
	local gen=$DIR/gen.json recv=$DIR/recv.json ready=$DIR/recv.ready
	case $relay in
	rtpengine)
		rtpe_start
		rtpe_calls "$calls" "$fam"
		;;
	kernel) RELAY_PID=$KSOFTIRQD ;;
	esac
	STEP_NO=$((STEP_NO + 1))
	rm -f "$ready" "$gen" "$recv"
	ip netns exec "$NS_RCV" "$LOAD_BIN" recv --streams "$STREAMS" \
		--ifname b0 --cpu "$LOAD_CPU" --duration $((STEP_SECS + 30)) \
		--ready "$ready" --tag "$STEP_NO" \
		>"$recv" 2>>"$DIR/recv.err" &
	rpid=$!
	PIDS+=("$rpid")
	wait_for 5 test -e "$ready" || die "receiver not ready"
	snap "$relay" >"$DIR/before.json" || die "counters before"
	timeout $((STEP_SECS + 15)) ip netns exec "$NS_GEN" "$LOAD_BIN" gen \
		--streams "$STREAMS" --ifname a0 --dst-mac "$RELAY_MAC" \
		--rate "$rate" --duration "$STEP_SECS" --warmup "$WARMUP" \
		--cpu "$LOAD_CPU" --watch "$RELAY_PID" --watch "$KSOFTIRQD" \
		--watch-cpu "$RELAY_CPU" \
		--tag "$STEP_NO" >"$gen" 2>>"$DIR/gen.err" || die "generator failed (see $DIR/gen.err)"
	# What arrives later than this after the last packet sent is lost.
	sleep "$LINGER"
	kill -TERM "$rpid" 2>/dev/null
	wait_for 10 test -s "$recv" || die "receiver gave no result"
	wait "$rpid" 2>/dev/null
	forget_pid "$rpid"
	snap "$relay" >"$DIR/after.json" || die "counters after"
	[ "$relay" = rtpengine ] && rtpe_stop
	LAST_STEP=$("$PY" "$HERE/summarize.py" step --gen "$gen" --recv "$recv" \
		--before "$DIR/before.json" --after "$DIR/after.json" \
		--meta "relay=$relay" "calls=$calls" "family=$fam" "run=$run" \
		"step=$STEP_NO") ||
		die "summarize step"
	echo "$LAST_STEP" >>"$STEPS"
	cp "$gen" "$DIR/step$STEP_NO-gen.json"
	cp "$recv" "$DIR/step$STEP_NO-recv.json"
	cp "$DIR/before.json" "$DIR/step$STEP_NO-before.json"
	cp "$DIR/after.json" "$DIR/step$STEP_NO-after.json"
	VERDICT=$(jq -r '.verdict' <<<"$LAST_STEP")
}

# Prime the path (neighbour entries) with a short low-rate step that is
# not counted.
prime() {
	local relay=$1 calls=$2 fam=$3
	step "$relay" "$calls" "$fam" 0 1000
	log "$relay $fam $calls calls: priming step at 1000 pps: $VERDICT"
}

# ramp RELAY CALLS FAMILY RUN: appends the best passing step to $BEST.
ramp() {
	local relay=$1 calls=$2 fam=$3 run=$4
	local good=0 bad=0 rate=$START_RATE n=0 v best="" limited=loss
	while [ $n -lt $MAX_STEPS ]; do
		[ $SECONDS -lt $DEADLINE ] || die "--max-minutes reached"
		n=$((n + 1))
		step "$relay" "$calls" "$fam" "$run" "$rate"
		v=$VERDICT
		log "$relay $fam $calls calls run $run: $rate pps -> $v" \
			"(loss $(jq -r '.loss' <<<"$LAST_STEP"), core busy" \
			"$(jq -r '.relay_core_busy' <<<"$LAST_STEP"), proc cpu" \
			"$(jq -r '.relay_proc_cpu' <<<"$LAST_STEP"))"
		case $v in
		pass)
			good=$rate
			best=$LAST_STEP
			if [ $bad -eq 0 ]; then
				if [ "$rate" -ge "$MAX_RATE" ]; then
					limited=max-rate
					break
				fi
				rate=$((rate * 2))
				[ "$rate" -gt "$MAX_RATE" ] && rate=$MAX_RATE
				continue
			fi
			;;
		generator)
			# The load did not reach the offer: what passed is a
			# floor for the relay, not its limit.
			best=$LAST_STEP
			good=$rate
			limited=generator
			break
			;;
		loss | corrupt)
			bad=$rate
			[ "$v" = corrupt ] && log "WARNING: packets damaged at $rate pps"
			;;
		*) die "step verdict '$v'" ;;
		esac
		[ $bad -gt 0 ] || continue
		if [ $good -eq 0 ] && [ $bad -le 1000 ]; then
			break
		fi
		if [ $((bad - good)) -le $((good * PRECISION / 100)) ]; then
			break
		fi
		rate=$(((good + bad) / 2))
	done
	if [ -z "$best" ]; then
		log "$relay $fam $calls calls run $run: no rate passed"
		best='{}'
	fi
	jq -c --arg l "$limited" --arg r "$relay" --arg f "$fam" \
		--argjson c "$calls" --argjson run "$run" \
		'. + {limited_by: $l, relay: $r, family: $f, calls: $c, run: $run}' \
		<<<"$best" >>"$BEST"
}

# ---- main ----------------------------------------------------------------

log "build $BUILD, work $DIR, relays: $RELAYS, calls: $CALLS," \
	"paths: $FAMILIES, runs: $RUNS, steps of ${STEP_SECS}s"
BG=$(cpu_background 1)
log "relay CPU $RELAY_CPU busy with other work: $BG (want < 0.05)"
for relay in $RELAYS; do
	topo_up "$relay"
	[ "$relay" = esg ] && esg_start
	for fam in $FAMILIES; do
		if [ "$relay" = kernel ] && [ "$fam" != v4-v4 ]; then
			log "kernel: IPv4 forwarding only, no $fam"
			continue
		fi
		for calls in $CALLS; do
			[ "$relay" = esg ] && esg_calls "$calls" "$fam"
			[ "$relay" = kernel ] && kernel_calls "$calls"
			prime "$relay" "$calls" "$fam"
			for run in $(seq "$RUNS"); do
				ramp "$relay" "$calls" "$fam" "$run"
			done
		done
	done
	[ "$relay" = esg ] && esg_stop
	topo_down
done
BG2=$(cpu_background 1)

mkdir -p "$(dirname "$JSON")"
"$PY" "$HERE/summarize.py" report --best "$BEST" --steps "$STEPS" \
	${CEILING:+--ceiling "$CEILING"} --json "$JSON" \
	--meta "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	"rtpengine_version=$(dpkg-query -W -f '${Version}' rtpengine-daemon 2>/dev/null || echo none)" \
	"kernel=$(uname -r)" "cpus=$(nproc)" "relay_cpu=$RELAY_CPU" \
	"load_cpu=$LOAD_CPU" "rps=$RPS" "step_secs=$STEP_SECS" \
	"warmup_s=$WARMUP" "runs=$RUNS" "precision_pct=$PRECISION" \
	"relay_cpu_background_before=$BG" "relay_cpu_background_after=$BG2" \
	"esg_idle_sleep_us=$ESG_IDLE_SLEEP" "git=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none)" \
	"ceiling_file=${CEILING:-none}" || die "report"
log "JSON: $JSON"
