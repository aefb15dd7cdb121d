#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Calls per second and concurrent calls through the ESG (issue 4
# benchmark; docs/performance.md "Calls per second (issue 4)").
#
# The lab of tests/e2e/lib/lab.sh (namespaces lan / esg / wan, the real
# esg-dataplane and esg-controlplane) with a "sip" section made here:
#
#   [lan ns] 192.0.2.10:5070  esg-bench-cps UAC side, posing as the PBX of
#            tenant "bench" (registration "static", numbers
#            +4930100000-+4930199999)
#       |      INVITE sip:+4940...@192.0.2.1 (the ESG's LAN address)
#   [esg ns] esg-dataplane + esg-controlplane (pinned to --cp-cpu)
#       |      INVITE toward the operator proxy
#   [wan ns] 198.51.100.10:5060 esg-bench-cps UAS side, posing as the
#            operator's proxy (sip.operator.proxy)
#
# One esg-bench-cps process holds both sides (its sockets are made in the
# two namespaces). Every call carries an SDP offer and answer, so the ESG
# installs two media legs per call (dataplane.max_legs is set to 2 * N +
# margin); the tool checks that each SDP it receives shows the ESG's
# address, not the other side's (media anchored).
#
# (a) ramp: for each rate in --rates, --step-secs seconds of calls with
#     hold 0 (BYE right after the ACK); the highest rate with zero failures
#     (every call answered, ACKed, hung up, BYE arrived) is reported, with
#     esg-controlplane's CPU over the step (utime + stime from
#     /proc/PID/stat) while it is pinned to one CPU (taskset). The ramp
#     stops at the first step with failures.
# (b) concurrency: --concurrent N calls placed at --conc-rate and held;
#     at the plateau esg-controlplane's VmRSS and Private_Dirty
#     (/proc/PID/smaps_rollup: heap and other private memory) are read and
#     compared with the same figures just before the calls; (at N - at 0)
#     / N is the memory per call. Then the calls are released (hung up at
#     the same rate) and the figures and the dataplane's leg count are
#     read again (what was not given back).
#
# Usage (root):  tests/bench/cps/run.sh [options]
#   --build DIR         build directory (ESG_BUILD_DIR, else build-cps,
#                       build-ci, build)
#   --rates LIST        "250 500 1000 2000 3000" (default)
#   --step-secs S       seconds per ramp step (default 10)
#   --concurrent N      calls held at once in (b) (default 20000; 0 = skip
#                       (b)); capped by the media port pairs per side
#   --conc-rate R       calls/s while building up (b) (default 500)
#   --settle S          seconds held before the memory is read (default
#                       40: after 64*T1 the set-up's transactions are gone)
#   --runs K            repeat everything K times, fresh lab each time
#                       (default 1); the summary shows min and median
#   --cp-cpu N          CPU for esg-controplane (default 1); everything
#                       else runs on the other CPUs
#   --cp-nice N         nice value of esg-controlplane (default 0; -10
#                       stands in for a core of its own on a shared host:
#                       its CPU still counts only its own time)
#   --cp-quota PCT      cap esg-controlplane at PCT % of one CPU (cgroup
#                       v1 cpu controller, 10 ms period; default 0: no
#                       cap): a rate held at 50 % is what a whole core
#                       would hold at twice the rate, if the cost per call
#                       stays (it falls as the rate rises). Not with
#                       --cp-fifo (CFS bandwidth does not apply to RT)
#   --tool-cpus LIST    CPUs of the load tool (default: all but --cp-cpu);
#                       "all": every CPU (with --cp-fifo the control plane
#                       still runs first on its CPU, the tool takes what
#                       is left there)
#   --cp-fifo P         run esg-controlplane SCHED_FIFO at priority P
#                       (default 0: no): on a shared host this is what
#                       comes closest to a core of its own (it runs as
#                       soon as a datagram wakes it); the kernel's RT
#                       throttling still leaves 5 % of the CPU to others
#   --ports KIND        lab ports: tap (default) or af_packet
#   --json FILE         results (default BUILD/bench/cps.json)
#   --log-level L       esg-controlplane's log.level (default notice:
#                       no info line per call; the call records go to
#                       the lab's calls.jsonl as in production)
#   --keep              keep the lab's work directory
#
# Exit: 0 done (failures are results, not errors), 1 broken, 2 usage,
# 77 no root / netns. Not a test: never run by ci/test.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)

BUILD=${ESG_BUILD_DIR:-}
RATES="250 500 1000 2000 3000"
STEP_SECS=10
CONC=20000
CONC_RATE=500
RUNS=1
CP_CPU=1
PORTS=tap
JSON=
KEEP=0
LOG_LEVEL=notice
SETTLE=40
CP_NICE=0
CP_FIFO=0
TOOL_CPUS=
CP_QUOTA=0
CGROUP=
# Media ports of the ESG, one RTP/RTCP pair per call on each side.
MEDIA_MIN=10000
MEDIA_MAX=65535

usage() {
	sed -n '/^# Usage/,/^# Exit/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}
CMDLINE="$0 $*"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2 ;;
	--rates) RATES=$2 ;;
	--step-secs) STEP_SECS=$2 ;;
	--concurrent) CONC=$2 ;;
	--conc-rate) CONC_RATE=$2 ;;
	--runs) RUNS=$2 ;;
	--cp-cpu) CP_CPU=$2 ;;
	--ports) PORTS=$2 ;;
	--json) JSON=$2 ;;
	--log-level) LOG_LEVEL=$2 ;;
	--settle) SETTLE=$2 ;;
	--cp-nice) CP_NICE=$2 ;;
	--cp-fifo) CP_FIFO=$2 ;;
	--tool-cpus) TOOL_CPUS=$2 ;;
	--cp-quota) CP_QUOTA=$2 ;;
	--keep) KEEP=1 && shift && continue ;;
	-h | --help) usage ;;
	*) echo "unknown option $1" >&2 && usage ;;
	esac
	shift 2 || usage
done
for v in STEP_SECS CONC CONC_RATE RUNS CP_CPU SETTLE CP_FIFO CP_QUOTA; do
	[[ ${!v} =~ ^[0-9]+$ ]] || { echo "--${v,,}: a whole number" >&2; usage; }
done
for r in $RATES; do
	[[ $r =~ ^[0-9]+$ ]] && [ "$r" -ge 1 ] || { echo "rate $r" >&2; usage; }
done
case $LOG_LEVEL in err | warning | notice | info | debug) ;; *) usage ;; esac
[[ $CP_NICE =~ ^-?[0-9]+$ ]] || usage
[ "$CP_QUOTA" -le 100 ] || usage
if [ "$CP_QUOTA" -gt 0 ]; then
	[ "$CP_FIFO" = 0 ] || { echo "--cp-quota and --cp-fifo exclude each other" >&2; usage; }
	[ -d /sys/fs/cgroup/cpu ] || { echo "no cgroup v1 cpu controller" >&2; exit 77; }
	CGROUP=/sys/fs/cgroup/cpu/esg-cps-$$
fi
[ "$RUNS" -ge 1 ] && [ "$STEP_SECS" -ge 2 ] && [ "$CONC_RATE" -ge 1 ] || usage
[ "$(nproc)" -gt "$CP_CPU" ] || { echo "no CPU $CP_CPU" >&2; exit 1; }
PAIRS=$(((MEDIA_MAX - MEDIA_MIN + 1) / 2))
if [ "$CONC" -gt $((PAIRS - 100)) ]; then
	echo "--concurrent $CONC: one address per side has $PAIRS media port pairs; using $((PAIRS - 100))" >&2
	CONC=$((PAIRS - 100))
fi

if [ -z "$BUILD" ]; then
	for d in "$ROOT"/build-cps "$ROOT"/build-ci "$ROOT"/build; do
		[ -x "$d/tests/bench/cps/esg-bench-cps" ] && BUILD=$d && break
	done
fi
CPS_BIN=$BUILD/tests/bench/cps/esg-bench-cps
[ -x "$CPS_BIN" ] || { echo "esg-bench-cps not built (--build DIR)" >&2; exit 1; }
[ -n "$JSON" ] || JSON=$BUILD/bench/cps.json
mkdir -p "$(dirname "$JSON")"
export ESG_BUILD_DIR=$BUILD ESG_LAB_PORTS=$PORTS
[ "$KEEP" = 1 ] && export LAB_KEEP=1

# shellcheck source=../../e2e/lib/lab.sh
. "$ROOT/tests/e2e/lib/lab.sh"

log() { printf '[cps %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

OTHER_CPUS=$(seq 0 $(($(nproc) - 1)) | grep -vx "$CP_CPU" | paste -sd,)
case $TOOL_CPUS in
"") TOOL_CPUS=$OTHER_CPUS ;;
all) TOOL_CPUS=$(seq 0 $(($(nproc) - 1)) | paste -sd,) ;;
*) [[ $TOOL_CPUS =~ ^[0-9]+(,[0-9]+)*$ ]] || usage ;;
esac
TICK=$(getconf CLK_TCK)
UAC_ADDR=192.0.2.10
UAS_ADDR=198.51.100.10

# The lab's configuration plus the benchmark's sip section and media
# limits (lab_config writes $LAB_CONF from conf/lab.json).
eval "$(declare -f lab_config | sed '1s/lab_config/lab_config_base/')"
lab_config() {
	lab_config_base
	jq --argjson legs $((2 * CONC + 4096)) \
		--argjson mmin "$MEDIA_MIN" --argjson mmax "$MEDIA_MAX" \
		--argjson calls $((CONC + 1000)) \
		--arg proxy "sip:$UAS_ADDR:5060" --arg pbx "$UAC_ADDR:5070" \
		--arg level "$LOG_LEVEL" --arg records "$LAB_DIR/calls.jsonl" \
		'.log.level = $level
		| .dataplane.max_legs = $legs
		| .dataplane.media_port_min = $mmin
		| .dataplane.media_port_max = $mmax
		| .sip = {
			operator: { interface: "wan", proxy: $proxy,
				options_interval_s: 0 },
			limits: { max_calls: $calls, max_cps: 0,
				source_rps: 0 },
			timers: { media_timeout_s: 0 },
			records: $records,
			tenants: [ { name: "bench", interface: "lan",
				registration: "static", pbx: $pbx,
				sources: [ "192.0.2.0/24" ],
				numbers: [ "+4930100000-+4930199999" ] } ] }' \
		"$LAB_CONF" >"$LAB_CONF.new" && mv "$LAB_CONF.new" "$LAB_CONF" ||
		lab_die "cannot add the sip section to $LAB_CONF"
}

cp_ticks() { awk '{print $14 + $15}' "/proc/$LAB_CP_PID/stat"; }
# ns esg-controlplane spent runnable but waiting for its CPU (schedstat's
# second field, all threads): on a shared host the CPU it is pinned to is
# not its own, and this says how much of a step it could not run.
cp_wait_ns() {
	cat /proc/"$LAB_CP_PID"/task/*/schedstat 2>/dev/null |
		awk '{s += $2} END {printf "%.0f\n", s}'
}
cp_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$LAB_CP_PID/status"; }
cp_priv_kb() { awk '/^Private_Dirty:/ {print $2}' "/proc/$LAB_CP_PID/smaps_rollup"; }
# Bytes of heap in use (malloc's own count, glibc malloc_stats() called
# in esg-controlplane through gdb: "in use bytes" of all arenas, mmap'd
# chunks included). VmRSS keeps pages malloc has freed but not returned
# (the ramp's calls), so the heap is the exact figure; null without gdb.
cp_heap_b() {
	local log=$LAB_DIR/controlplane.log n k0 end
	command -v gdb >/dev/null || { echo null; return; }
	k0=$(grep -ac '^max mmap bytes' "$log")
	gdb -p "$LAB_CP_PID" -batch -nx -ex 'call (void)malloc_stats()' \
		-ex detach >/dev/null 2>&1 </dev/null || { echo null; return; }
	# the report reaches the log through the lab's logger: wait for it
	end=$((SECONDS + 5))
	while [ "$(grep -ac '^max mmap bytes' "$log")" -le "$k0" ] &&
		[ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	[ "$(grep -ac '^max mmap bytes' "$log")" -gt "$k0" ] || { echo null; return; }
	# "Total (incl. mmap):" is followed by system bytes, in use bytes
	n=$(grep -a -A2 '^Total (incl. mmap):' "$log" | grep -a 'in use bytes' |
		tail -1 | awk '{print $NF}')
	[[ $n =~ ^[0-9]+$ ]] || n=null
	echo "$n"
}
# esg-controlplane's CPU without calls (its pollers and timers), as a
# fraction of one CPU over 5 s: subtracted from the steps' CPU per call.
cp_idle_frac() {
	local c0 c1
	c0=$(cp_ticks)
	sleep 5
	c1=$(cp_ticks)
	awk -v t=$((c1 - c0)) -v h="$TICK" 'BEGIN {print t / h / 5}'
}
# Legs in use in the dataplane: `esgctl legs --json` is one object whose
# "in_use" counts the slots in use (docs/esgctl.md); its "legs" array is
# not read (it would list every leg).
legs_count() {
	local n
	n=$(lab_legs_json 2>/dev/null | jq '.in_use' 2>/dev/null)
	[[ $n =~ ^[0-9]+$ ]] || n=null
	echo "$n"
}

# The load tool between the LAN host and the WAN proxy (CPS_CMD, then
# the step's own options). cps ARGS... runs it in the foreground; a
# background run starts "${CPS_CMD[@]}" itself so that $! is the tool's
# own pid (taskset execs it), not a subshell's: SIGUSR1 must reach it.
CPS_CMD=()
cps_cmd() {
	CPS_CMD=(taskset -c "$TOOL_CPUS" "$CPS_BIN"
		--uac "$UAC_ADDR:5070" --uac-netns "$LAB_NS_LAN"
		--uas "$UAS_ADDR:5060" --uas-netns "$LAB_NS_WAN"
		--target 192.0.2.1:5060 --domain 192.0.2.10
		--from +4930100000 --to +4940555000 --users 1000
		--media-check anchored)
}
cps() { "${CPS_CMD[@]}" "$@"; }

# UDP datagrams dropped for a full receive buffer in each namespace
# (RcvbufErrors of /proc/net/snmp): {"lan": N, "esg": N, "wan": N}. Read
# before and after each step: where packets were lost, if any.
udp_drops() {
	local ns out='{' sep=''
	for ns in lan esg wan; do
		local v name=LAB_NS_${ns^^}
		v=$(ip netns exec "${!name}" awk '/^Udp:/ && $2 ~ /^[0-9]+$/ {print $6}' /proc/net/snmp 2>/dev/null)
		out+="$sep\"$ns\": ${v:-null}"
		sep=', '
	done
	echo "$out}"
}

# One ramp step: prints a JSON line.
ramp_step() {
	local rate=$1 out=$LAB_DIR/step-$1.json t0 t1 c0 c1 secs d0 d1 w0 w1
	d0=$(udp_drops)
	w0=$(cp_wait_ns)
	c0=$(cp_ticks)
	t0=$(date +%s.%N)
	cps --rate "$rate" --duration "$STEP_SECS" --hold 0 --quiet \
		--setup-timeout 8000 --drain 5000 --json "$out" \
		--label "ramp $rate/s" >"$LAB_DIR/step-$rate.txt" 2>&1
	t1=$(date +%s.%N)
	c1=$(cp_ticks)
	w1=$(cp_wait_ns)
	d1=$(udp_drops)
	[ -s "$out" ] || { lab_tail "$LAB_DIR/step-$rate.txt"; return 1; }
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
	jq -c --argjson rate "$rate" --argjson ticks $((c1 - c0)) \
		--argjson tck "$TICK" --argjson secs "$secs" \
		--argjson idle "$CP_IDLE" --argjson d0 "$d0" --argjson d1 "$d1" \
		--argjson waitns $((w1 - w0)) \
		'{rate: $rate, zero_failures, answered_per_s, setup_p50_ms,
		  setup_p95_ms, setup_p99_ms, counters,
		  cp_cpu_s: ($ticks / $tck), wall_s: $secs,
		  cp_cpu_pct: (100 * $ticks / $tck / $secs),
		  cp_cpu_us_per_call: (if .counters.answered > 0 then
			1e6 * $ticks / $tck / .counters.answered else null end),
		  cp_idle_pct: (100 * $idle),
		  udp_rcvbuf_drops: ($d1 | with_entries(.value -= $d0[.key])),
		  cp_runq_wait_pct: (100 * $waitns / 1e9 / $secs),
		  cp_cpu_us_per_call_net: (if .counters.answered > 0 then
			1e6 * ($ticks / $tck - $idle * $secs) /
			.counters.answered else null end)}' "$out"
}

# (b): build up, measure, release. Prints a JSON line.
concurrency() {
	local st=$LAB_DIR/conc-status.json out=$LAB_DIR/conc.json pid
	local rss0 priv0 rss1 priv1 rss2 priv2 legs1 legs2 cur end
	local heap0 heap1 heap2 cb0 cpu1
	# the ramp's transactions go first (64*T1), as for the reading below
	sleep "$SETTLE"
	rss0=$(cp_rss_kb) priv0=$(cp_priv_kb) heap0=$(cp_heap_b)
	cb0=$(cp_ticks)
	"${CPS_CMD[@]}" --rate "$CONC_RATE" --calls "$CONC" --hold-forever \
		--quiet --hash 65536 --setup-timeout 16000 --drain 20000 \
		--status "$st" --json "$out" --label "concurrency $CONC" \
		>"$LAB_DIR/conc.txt" 2>&1 &
	pid=$!
	end=$((SECONDS + CONC / CONC_RATE + 60))
	cur=0
	while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
		sleep 1
		[ -s "$st" ] || continue
		cur=$(jq '.counters.current' "$st" 2>/dev/null || echo 0)
		if jq -e '.placing_done and .counters.current + .counters.failed + .counters.timeouts + .counters.errors >= .counters.attempted' "$st" >/dev/null 2>&1; then
			break
		fi
	done
	cpu1=$(awk -v t=$(($(cp_ticks) - cb0)) -v h="$TICK" 'BEGIN {print t / h}')
	sleep 2
	log "plateau: $(jq '.counters.current' "$st") calls up; esg-controlplane VmRSS $(cp_rss_kb) kB, heap in use $(cp_heap_b) B; waiting $SETTLE s"
	# What only the set-up needs goes after 64*T1 = 32 s (RFC 3261:
	# finished transactions, an INVITE kept for late forks' 2xx): the
	# memory of a held call is read after that.
	sleep "$SETTLE"
	rss1=$(cp_rss_kb) priv1=$(cp_priv_kb) legs1=$(legs_count)
	heap1=$(cp_heap_b)
	cur=$(jq '.counters.current' "$st" 2>/dev/null)
	cur=${cur:-0}
	log "held: $cur calls up; esg-controlplane VmRSS $rss0 -> $rss1 kB, Private_Dirty $priv0 -> $priv1 kB, heap in use $heap0 -> $heap1 B; legs $legs1"
	kill -USR1 $pid 2>/dev/null
	end=$((SECONDS + CONC / CONC_RATE + 60))
	while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null; do
		sleep 1
	done
	kill -TERM $pid 2>/dev/null
	wait $pid
	sleep 2
	rss2=$(cp_rss_kb) priv2=$(cp_priv_kb) legs2=$(legs_count)
	heap2=$(cp_heap_b)
	[ -s "$out" ] || { lab_tail "$LAB_DIR/conc.txt"; return 1; }
	jq -c --argjson n "$cur" --argjson rss0 "$rss0" --argjson rss1 "$rss1" \
		--argjson rss2 "$rss2" --argjson priv0 "$priv0" \
		--argjson priv1 "$priv1" --argjson priv2 "$priv2" \
		--argjson legs1 "$legs1" --argjson legs2 "$legs2" \
		--argjson heap0 "$heap0" --argjson heap1 "$heap1" \
		--argjson heap2 "$heap2" --argjson cpu1 "$cpu1" \
		'{target: .counters.attempted, concurrent: $n, zero_failures,
		  counters, setup_p99_ms,
		  vmrss_kb: [$rss0, $rss1, $rss2],
		  private_dirty_kb: [$priv0, $priv1, $priv2],
		  legs: [$legs1, $legs2],
		  heap_in_use_b: [$heap0, $heap1, $heap2],
		  heap_per_call_b: (if $n > 0 and $heap0 != null and $heap1 != null
			then ($heap1 - $heap0) / $n else null end),
		  cp_cpu_build_up_us_per_call: (if $n > 0 then 1e6 * $cpu1 / $n
			else null end),
		  rss_per_call_b: (if $n > 0 then ($rss1 - $rss0) * 1024 / $n else null end),
		  private_per_call_b: (if $n > 0 then ($priv1 - $priv0) * 1024 / $n else null end)}' "$out"
}

one_run() {
	local k=$1 rate best=0 line load0
	# shellcheck disable=SC2034 # read by lab_init
	LAB_ID="$$$k"
	lab_init
	lab_up
	cps_cmd
	ip -n "$LAB_NS_WAN" addr add "$UAS_ADDR/24" dev wan0 ||
		lab_die "cannot add $UAS_ADDR to the WAN host"
	taskset -a -pc "$CP_CPU" "$LAB_CP_PID" >/dev/null ||
		lab_die "cannot pin esg-controlplane"
	taskset -a -pc "$OTHER_CPUS" "$LAB_DP_PID" >/dev/null ||
		lab_die "cannot pin esg-dataplane"
	if [ "$CP_NICE" != 0 ]; then
		renice -n "$CP_NICE" -p "$LAB_CP_PID" >/dev/null ||
			lab_die "cannot renice esg-controlplane"
	fi
	if [ -n "$CGROUP" ]; then
		mkdir -p "$CGROUP" &&
			echo 10000 >"$CGROUP/cpu.cfs_period_us" &&
			echo $((CP_QUOTA * 100)) >"$CGROUP/cpu.cfs_quota_us" &&
			echo "$LAB_CP_PID" >"$CGROUP/cgroup.procs" ||
			lab_die "cannot cap esg-controlplane in $CGROUP"
	fi
	if [ "$CP_FIFO" != 0 ]; then
		chrt -f -a -p "$CP_FIFO" "$LAB_CP_PID" >/dev/null ||
			lab_die "cannot make esg-controlplane SCHED_FIFO"
	fi
	log "run $k: lab up (cp pid $LAB_CP_PID on CPU $CP_CPU, nice $CP_NICE, fifo $CP_FIFO, quota ${CP_QUOTA:-0} %; tool on CPUs $TOOL_CPUS); load $(cut -d' ' -f1-3 /proc/loadavg)"
	load0=$(cat /proc/loadavg)
	sleep 1
	CP_IDLE=$(cp_idle_frac)
	log "  esg-controlplane idle: $(awk -v f="$CP_IDLE" 'BEGIN {printf "%.1f", 100 * f}') % of a CPU"
	: >"$LAB_DIR/ramp.jsonl"
	for rate in $RATES; do
		line=$(ramp_step "$rate") || lab_die "ramp step $rate failed to run"
		echo "$line" >>"$LAB_DIR/ramp.jsonl"
		log "  $rate/s: $(jq -r '"\(.answered_per_s) answered/s, zero failures: \(.zero_failures), p99 \(.setup_p99_ms) ms, cp CPU \(.cp_cpu_pct | floor) %, \(.cp_cpu_us_per_call_net // 0 | floor) us/call, UDP drops \(.udp_rcvbuf_drops), cp waited for its CPU \(.cp_runq_wait_pct | floor) %"' <<<"$line")"
		jq -e '.zero_failures' <<<"$line" >/dev/null || break
		best=$rate
	done
	line=null
	if [ "$best" -eq 0 ]; then
		log "  no ramp step without failures: concurrency left out"
	elif [ "$CONC" -gt 0 ]; then
		line=$(concurrency) || lab_die "concurrency step failed to run"
	fi
	jq -n -c --argjson run "$k" --argjson best "$best" \
		--slurpfile ramp "$LAB_DIR/ramp.jsonl" --argjson conc "$line" \
		--arg load "$(cat /proc/loadavg)" --arg load0 "$load0" \
		'{run: $run, best_zero_failure_rate: $best, ramp: $ramp,
		  concurrency: $conc, loadavg_before: $load0,
		  loadavg_after: $load}'
}

RESULTS=$(mktemp /tmp/cps-results.XXXXXX)
# the cgroup goes once its process has (the lab stops it at each run's end)
trap 'rm -f "$RESULTS"; [ -z "$CGROUP" ] || rmdir "$CGROUP" 2>/dev/null' EXIT
for k in $(seq 1 "$RUNS"); do
	# each run in a subshell: the lab's trap cleans up when it ends
	( one_run "$k" ) >>"$RESULTS" || { log "run $k failed"; exit 1; }
done

jq -s --arg cmd "$CMDLINE" --arg host "$(uname -r), $(nproc) CPUs" \
	'def med: sort | .[(length - 1) / 2 | floor];
	{command: $cmd, host: $host, runs: .,
	 summary: {
	   best_rate_min: (map(.best_zero_failure_rate) | min),
	   best_rate_median: (map(.best_zero_failure_rate) | med),
	   mem_per_call_rss_b_min: ([.[].concurrency.rss_per_call_b // empty] | min),
	   mem_per_call_rss_b_median: ([.[].concurrency.rss_per_call_b // empty] | if length > 0 then med else null end),
	   mem_per_call_private_b_min: ([.[].concurrency.private_per_call_b // empty] | min),
	   mem_per_call_private_b_median: ([.[].concurrency.private_per_call_b // empty] | if length > 0 then med else null end),
	   heap_per_call_b_min: ([.[].concurrency.heap_per_call_b // empty] | min),
	   heap_per_call_b_median: ([.[].concurrency.heap_per_call_b // empty] | if length > 0 then med else null end),
	   cp_us_per_call_at_best_median: ([.[] | .best_zero_failure_rate as $b | .ramp[] | select(.rate == $b) | .cp_cpu_us_per_call_net] | if length > 0 then med else null end)}}' \
	"$RESULTS" >"$JSON" || { log "cannot write $JSON"; exit 1; }

printf '\n%-6s %10s %12s %10s %10s %10s\n' run rate answered/s p99_ms cp_cpu% ok
jq -r '.runs[] | .run as $r | .ramp[] | [$r, .rate, .answered_per_s, .setup_p99_ms, (.cp_cpu_pct * 10 | floor / 10), .zero_failures] | @tsv' "$JSON" |
	awk -F'\t' '{printf "%-6s %10s %12s %10s %10s %10s\n", $1, $2, $3, $4, $5, $6}'
printf '\n%-6s %10s %12s %14s %14s %14s %14s\n' run calls zero_fail heap_B/call rss_B/call priv_B/call legs
jq -r '.runs[] | select(.concurrency != null) | [.run, .concurrency.concurrent, .concurrency.zero_failures, (.concurrency.heap_per_call_b // 0 | floor), (.concurrency.rss_per_call_b | floor), (.concurrency.private_per_call_b | floor), (.concurrency.legs | map(tostring) | join("->"))] | @tsv' "$JSON" |
	awk -F'\t' '{printf "%-6s %10s %12s %14s %14s %14s %14s\n", $1, $2, $3, $4, $5, $6, $7}'
echo
jq -r '.summary | "best zero-failure rate: min \(.best_rate_min), median \(.best_rate_median) calls/s (esg-controlplane \(.cp_us_per_call_at_best_median // "-") us CPU per call there); memory per held call: heap min \(.heap_per_call_b_min), median \(.heap_per_call_b_median) B; VmRSS min \(.mem_per_call_rss_b_min), median \(.mem_per_call_rss_b_median) B"' "$JSON"
log "results in $JSON"
