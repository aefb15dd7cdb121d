# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The lab: network namespaces around one esg, for e2e tests and ci/demo.
# Source it, then:
#
#   lab_init                 root + netns or exit 77; unique names; trap
#   lab_up                   namespaces, dataplane, hosts, control plane
#   lab_lan CMD... / lab_wan CMD... / lab_esg CMD...   run in a namespace
#   lab_stats_json           esgctl stats --json (one JSON document)
#   lab_counter NAME         a counter summed over lcores (jq; see below)
#   lab_wait_for SECS DESC CMD...   poll CMD until it succeeds, bounded
#   lab_stop_dataplane / lab_stop_controlplane   SIGTERM, wait, exit code
#   lab_up_dataplane         lab_up without esg-controlplane (media tests:
#                            esg-legctl is the control plane)
#   lab_legctl_start / lab_leg CMD... / lab_legctl_stop   esg-legctl
#                            --follow as the control plane; lab_leg waits
#                            for the command's RESULT
#   lab_rtp NS ARGS...       tests/e2e/lib/rtp_stream.py in a namespace
#   lab_legs_json            esgctl legs --json
#
# Topology (all addresses TEST-NET, inside namespaces this file creates):
#
#   [lan ns]  lan0 192.0.2.10/24 2001:db8:1::10/64, default via the ESG
#       |
#   [esg ns]  esg-dataplane  port lan | port wan   (DPDK, owns L2)
#             esg-lan / esg-wan: kernel L3 tun exception interfaces made by
#             the dataplane, carrying the ESG's addresses; esg-controlplane
#             binds its sockets there
#       |
#   [wan ns]  wan0 198.51.100.254/24 2001:db8:2::fe/64 (the gateway)
#
# The port kind is one variable, LAB_PORTS (env ESG_LAB_PORTS):
#   tap        net_tap ports; the dataplane creates lan0/wan0 in the esg ns
#              and the lab moves their kernel ends into the lan/wan ns.
#   af_packet  veth pairs lan0/wan0 between esg ns and lan/wan ns; the
#              dataplane opens net_af_packet on the esg-ns ends, whose own
#              kernel stack is silenced (no ARP, no IPv6, strict rp_filter)
#              so only the dataplane answers.
#
# Every wait is bounded; lab_cleanup (EXIT/INT/TERM trap) kills only the
# processes this lab started (by pid) and deletes its namespaces.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
LAB_PORTS=${ESG_LAB_PORTS:-tap}
LAB_VERBOSE=${LAB_VERBOSE:-0}
# Debian's python3 (python3-scapy is installed for it), not whatever
# python3 comes first in PATH (pyenv and the like).
LAB_PY=${ESG_PYTHON:-/usr/bin/python3}
[ -x "$LAB_PY" ] || LAB_PY=python3

lab_log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_debug() { [ "$LAB_VERBOSE" = 1 ] && lab_log "$@"; return 0; }
lab_die() {
	lab_log "FAIL: $*"
	exit 1
}
lab_skip() {
	echo "SKIP: $*"
	exit 77
}

# Find the build directory holding the binaries.
lab_find_build() {
	local d
	if [ -n "${ESG_BUILD_DIR:-}" ]; then
		LAB_BUILD=$ESG_BUILD_DIR
	else
		LAB_BUILD=
		for d in "$LAB_ROOT"/build-ci "$LAB_ROOT"/build "$LAB_ROOT"/build-*; do
			if [ -x "$d/dataplane/esg-dataplane" ]; then
				LAB_BUILD=$d
				break
			fi
		done
	fi
	LAB_DP_BIN=${ESG_DATAPLANE:-$LAB_BUILD/dataplane/esg-dataplane}
	LAB_CP_BIN=${ESG_CONTROLPLANE:-$LAB_BUILD/controlplane/esg-controlplane}
	LAB_CTL_BIN=${ESG_ESGCTL:-$LAB_BUILD/mgmt/esgctl/esgctl}
	# esg-legctl is built with the tests; only media tests need it
	LAB_LEGCTL_BIN=${ESG_LEGCTL:-$LAB_BUILD/tests/tools/esg-legctl}
	local b
	for b in "$LAB_DP_BIN" "$LAB_CP_BIN" "$LAB_CTL_BIN"; do
		[ -x "$b" ] || lab_die "binary $b not built (set ESG_BUILD_DIR)"
	done
}

lab_init() {
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root (network namespaces)"
	command -v ip >/dev/null || lab_skip "no ip(8)"
	case $LAB_PORTS in
	tap | af_packet) ;;
	*) lab_die "ESG_LAB_PORTS must be tap or af_packet, not $LAB_PORTS" ;;
	esac
	LAB_ID=${LAB_ID:-$$}
	LAB_INSTANCE="lab$LAB_ID"
	LAB_NS_LAN="esg-$LAB_ID-lan"
	LAB_NS_WAN="esg-$LAB_ID-wan"
	LAB_NS_ESG="esg-$LAB_ID-esg"
	LAB_SHM="/dev/shm/esg.$LAB_INSTANCE"
	LAB_PIDS=()
	LAB_NSS=()
	LAB_DP_PID=
	LAB_CP_PID=
	LAB_DIR=$(mktemp -d "/tmp/esg-lab-$LAB_ID.XXXXXX")
	LAB_CONF="$LAB_DIR/esg.json"
	LAB_DP_LOG="$LAB_DIR/dataplane.log"
	LAB_CP_LOG="$LAB_DIR/controlplane.log"
	trap 'lab_cleanup' EXIT
	trap 'lab_log "interrupted"; exit 130' INT
	trap 'lab_log "terminated"; exit 143' TERM
	# Probe: can we make a namespace at all (containers may refuse)?
	if ! ip netns add "esg-$LAB_ID-probe" 2>/dev/null; then
		lab_skip "ip netns does not work here"
	fi
	ip netns del "esg-$LAB_ID-probe"
	lab_find_build
	lab_debug "id $LAB_ID, ports $LAB_PORTS, build $LAB_BUILD, logs $LAB_DIR"
}

# lab_wait_for SECS DESC CMD...: poll every 0.1 s; fail after SECS.
lab_wait_for() {
	local secs=$1 desc=$2
	shift 2
	local end=$((SECONDS + secs))
	while ! "$@" >/dev/null 2>&1; do
		if [ $SECONDS -ge $end ]; then
			lab_log "timed out after ${secs}s waiting for $desc"
			return 1
		fi
		sleep 0.1
	done
	lab_debug "ok: $desc"
}

lab_lan() { ip netns exec "$LAB_NS_LAN" "$@"; }
lab_wan() { ip netns exec "$LAB_NS_WAN" "$@"; }
lab_esg() { ip netns exec "$LAB_NS_ESG" "$@"; }

lab_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

lab_ns_add() {
	ip netns add "$1" || lab_die "ip netns add $1"
	LAB_NSS+=("$1")
	ip -n "$1" link set lo up
}

# The device argument of a port for the configured kind.
lab_device() {
	local idx=$1 ifname=$2
	case $LAB_PORTS in
	tap) echo "net_tap$idx,iface=$ifname" ;;
	af_packet) echo "net_af_packet$idx,iface=$ifname" ;;
	esac
}

# The lab configuration: conf/lab.json with this run's instance and
# port devices.
lab_config() {
	jq --arg inst "$LAB_INSTANCE" \
		--arg lan "$(lab_device 0 lan0)" --arg wan "$(lab_device 1 wan0)" \
		'.instance = $inst
		| .interfaces |= map(if .name == "lan" then .device = $lan
			elif .name == "wan" then .device = $wan else . end)' \
		"$LAB_ROOT/conf/lab.json" >"$LAB_CONF" ||
		lab_die "cannot generate $LAB_CONF from conf/lab.json"
}

lab_topology() {
	lab_ns_add "$LAB_NS_LAN"
	lab_ns_add "$LAB_NS_WAN"
	lab_ns_add "$LAB_NS_ESG"
	if [ "$LAB_PORTS" = af_packet ]; then
		lab_veth lan0 "$LAB_NS_LAN"
		lab_veth wan0 "$LAB_NS_WAN"
	fi
}

# af_packet: a veth pair named $1 on both sides. The esg-ns end belongs to
# the dataplane: its kernel stack must not answer for the ESG's addresses
# (which the exception interfaces put in that namespace).
lab_veth() {
	local ifn=$1 ns=$2
	ip link add "$ifn" netns "$LAB_NS_ESG" type veth peer name "$ifn" \
		netns "$ns" || lab_die "veth $ifn"
	lab_esg sysctl -qw "net.ipv6.conf.$ifn.disable_ipv6=1"
	lab_esg sysctl -qw "net.ipv4.conf.$ifn.arp_ignore=8"
	lab_esg sysctl -qw "net.ipv4.conf.$ifn.rp_filter=1"
	ip -n "$LAB_NS_ESG" link set "$ifn" arp off promisc on up
	# veth leaves checksums to the receiver; af_packet would hand the
	# dataplane unfinished ones.
	lab_in_ns "$ns" ethtool -K "$ifn" tx off >/dev/null 2>&1 ||
		lab_die "ethtool -K $ifn tx off"
}

lab_in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# tap: the dataplane made lan0/wan0 in the esg ns; move the kernel ends.
lab_move_taps() {
	local ifn ns
	for ifn in lan0 wan0; do
		[ "$ifn" = lan0 ] && ns=$LAB_NS_LAN || ns=$LAB_NS_WAN
		lab_wait_for 20 "tap $ifn in $LAB_NS_ESG" \
			ip -n "$LAB_NS_ESG" link show "$ifn" ||
			lab_die "dataplane did not create $ifn"
		ip -n "$LAB_NS_ESG" link set "$ifn" netns "$ns" ||
			lab_die "cannot move $ifn to $ns"
		# net_tap gives the kernel end the port's own MAC; the host
		# gets one of its own, as a real station on the wire would.
		ip -n "$ns" link set "$ifn" address "$(lab_host_mac "$ifn")" ||
			lab_die "cannot set the MAC of $ifn in $ns"
	done
}

# Locally administered MACs of the lab hosts (tap mode).
lab_host_mac() {
	case $1 in
	lan0) echo 02:00:5e:00:01:10 ;;
	wan0) echo 02:00:5e:00:02:fe ;;
	esac
}

# Address the LAN host and the WAN host (the operator's gateway).
lab_hosts() {
	ip -n "$LAB_NS_LAN" link set lan0 up
	ip -n "$LAB_NS_LAN" addr replace 192.0.2.10/24 dev lan0
	ip -n "$LAB_NS_LAN" -6 addr replace 2001:db8:1::10/64 dev lan0 nodad
	ip -n "$LAB_NS_LAN" route replace default via 192.0.2.1
	ip -n "$LAB_NS_LAN" -6 route replace default via 2001:db8:1::1
	ip -n "$LAB_NS_WAN" link set wan0 up
	ip -n "$LAB_NS_WAN" addr replace 198.51.100.254/24 dev wan0
	ip -n "$LAB_NS_WAN" -6 addr replace 2001:db8:2::fe/64 dev wan0 nodad
	# The operator side reaches the enterprise LAN through the ESG.
	ip -n "$LAB_NS_WAN" route replace 192.0.2.0/24 via 198.51.100.1
	ip -n "$LAB_NS_WAN" -6 route replace 2001:db8:1::/64 via 2001:db8:2::1
}

lab_start_dataplane() {
	: >"$LAB_DP_LOG"
	# shellcheck disable=SC2086
	ip netns exec "$LAB_NS_ESG" "$LAB_DP_BIN" --config "$LAB_CONF" \
		${LAB_DP_ARGS:-} >>"$LAB_DP_LOG" 2>&1 </dev/null &
	LAB_DP_PID=$!
	LAB_PIDS+=("$LAB_DP_PID")
	lab_debug "esg-dataplane pid $LAB_DP_PID"
	lab_wait_for 30 "segment $LAB_SHM" lab_dp_ready || {
		lab_tail "$LAB_DP_LOG"
		lab_die "esg-dataplane did not come up"
	}
}

# Ready means ports started (its "running:" line), not only the segment
# made: the segment exists before the ports are configured, and moving a
# tap out of the namespace while net_tap still configures it by name fails.
lab_dp_ready() {
	lab_alive "$LAB_DP_PID" || return 1
	[ -e "$LAB_SHM" ] || return 1
	grep -q 'notice: running:' "$LAB_DP_LOG" || return 1
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" stats --json >/dev/null
}

lab_start_controlplane() {
	: >"$LAB_CP_LOG"
	# shellcheck disable=SC2086
	ip netns exec "$LAB_NS_ESG" "$LAB_CP_BIN" --config "$LAB_CONF" \
		${LAB_CP_ARGS:-} >>"$LAB_CP_LOG" 2>&1 </dev/null &
	LAB_CP_PID=$!
	LAB_PIDS+=("$LAB_CP_PID")
	lab_debug "esg-controlplane pid $LAB_CP_PID"
}

# Wait for the exception interfaces the dataplane creates (with their
# addresses, and the default routes of the WAN side: the dataplane sets
# those itself from the configuration's gateways).
lab_exception_up() {
	local ifn
	for ifn in esg-lan esg-wan; do
		lab_wait_for 20 "exception interface $ifn" \
			lab_if_has_addr "$LAB_NS_ESG" "$ifn" || {
			lab_tail "$LAB_DP_LOG"
			lab_die "no exception interface $ifn with its addresses"
		}
	done
}

lab_if_has_addr() {
	ip -n "$1" -o addr show dev "$2" 2>/dev/null | grep -q 'inet '
}

# Everything: topology, dataplane, hosts, control plane, first answers.
lab_up() {
	lab_config
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	lab_start_controlplane
	lab_exception_up
	lab_wait_for 20 "control plane listening on 5060" \
		lab_esg_listening 5060 || {
		lab_tail "$LAB_CP_LOG"
		lab_die "esg-controlplane does not listen on UDP 5060"
	}
}

# The lab without esg-controlplane: the dataplane has its addresses from
# the configuration; a test drives it with esg-legctl (one control plane
# at a time: the rings have one producer).
lab_up_dataplane() {
	[ -x "$LAB_LEGCTL_BIN" ] ||
		lab_die "esg-legctl not built ($LAB_LEGCTL_BIN; meson -Dtests=true)"
	lab_config
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	lab_exception_up
}

# esg-legctl --follow --json as the control plane: commands go in through
# a FIFO (lab_leg), its output (results, events) is $LAB_LEGCTL_OUT.
lab_legctl_start() {
	LAB_LEGCTL_OUT="$LAB_DIR/legctl.out"
	LAB_LEGCTL_FIFO="$LAB_DIR/legctl.in"
	LAB_LEGCTL_N=0
	rm -f "$LAB_LEGCTL_FIFO"
	mkfifo "$LAB_LEGCTL_FIFO" || lab_die "mkfifo $LAB_LEGCTL_FIFO"
	"$LAB_LEGCTL_BIN" --instance "$LAB_INSTANCE" --follow --json \
		--keep-going <"$LAB_LEGCTL_FIFO" >"$LAB_LEGCTL_OUT" \
		2>"$LAB_DIR/legctl.err" &
	LAB_LEGCTL_PID=$!
	LAB_PIDS+=("$LAB_LEGCTL_PID")
	exec {LAB_LEGCTL_FD}>"$LAB_LEGCTL_FIFO"
	lab_wait_for 10 "esg-legctl attached" \
		grep -q '"type":"attached"' "$LAB_LEGCTL_OUT" || {
		lab_tail "$LAB_DIR/legctl.err"
		lab_die "esg-legctl did not attach"
	}
}

# lab_leg WORDS...: one esg-legctl command; waits (5 s) for its RESULT,
# prints the RESULT line; fails unless it is ok.
lab_leg() {
	local n res
	LAB_LEGCTL_N=$((LAB_LEGCTL_N + 1))
	n=$LAB_LEGCTL_N
	lab_alive "$LAB_LEGCTL_PID" || {
		echo "esg-legctl is not running: $(tail -n 2 "$LAB_DIR/legctl.err")"
		return 1
	}
	echo "$*" >&"$LAB_LEGCTL_FD"
	lab_wait_for 5 "RESULT of '$*'" lab_leg_result "$n" || {
		echo "no RESULT for '$*'"
		return 1
	}
	res=$(lab_leg_result "$n")
	echo "$res"
	jq -e '.ok' <<<"$res" >/dev/null
}

lab_leg_result() {
	grep -E "^\{\"type\":\"(result|error)\",\"line\":$1," "$LAB_LEGCTL_OUT"
}

# Leg events seen so far (JSON lines): lab_leg_events [EVENT].
lab_leg_events() {
	grep '"type":"event"' "$LAB_LEGCTL_OUT" |
		jq -c --arg e "${1:-}" 'select($e == "" or .event == $e)'
}

# Close esg-legctl's input: it exits when its commands are answered.
lab_legctl_stop() {
	local rc=0
	exec {LAB_LEGCTL_FD}>&-
	lab_stop_pid_wait "$LAB_LEGCTL_PID" 10 || rc=$?
	LAB_LEGCTL_PID=
	return $rc
}

# Wait for a process of ours to exit on its own (bounded), then SIGTERM.
lab_stop_pid_wait() {
	local pid=$1 secs=${2:-10}
	local end=$((SECONDS + secs))
	while lab_alive "$pid" && [ $SECONDS -lt $end ]; do
		[ "$(ps -o stat= -p "$pid" 2>/dev/null)" = Z ] && break
		sleep 0.1
	done
	lab_stop_pid "$pid" 5
}

lab_legs_json() {
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" legs --json "$@"
}

# lab_rtp NS ARGS...: the RTP stream tool in a namespace.
lab_rtp() {
	local ns=$1
	shift
	ip netns exec "$ns" "$LAB_PY" "$LAB_ROOT/tests/e2e/lib/rtp_stream.py" "$@"
}

# Kill the dataplane the hard way (a crash) and start a new one; the
# control plane must notice the new epoch on its own.
lab_restart_dataplane() {
	local sig=${1:-KILL}
	kill "-$sig" "$LAB_DP_PID" 2>/dev/null
	lab_stop_pid "$LAB_DP_PID" 10
	LAB_DP_PID=
	# net_tap ports vanish with their process; wait before reusing names
	if [ "$LAB_PORTS" = tap ]; then
		lab_wait_for 10 "old taps gone" lab_taps_gone ||
			lab_die "old tap devices still present"
	fi
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	lab_exception_up
}

lab_taps_gone() {
	! ip -n "$LAB_NS_LAN" link show lan0 && ! ip -n "$LAB_NS_WAN" link show wan0
}

lab_esg_listening() {
	lab_alive "$LAB_CP_PID" || return 1
	ip netns exec "$LAB_NS_ESG" ss -Hlun "sport = :$1" | grep -q .
}

lab_stats_json() {
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" stats --json
}

lab_stats() {
	"$LAB_CTL_BIN" --instance "$LAB_INSTANCE" stats
}

# lab_value KIND NAME [FILE]: a named counter (KIND counter) or drop
# reason (KIND drop), summed over lcores, from `esgctl stats --json` (or a
# saved copy of it). Fails when the name is not there.
lab_value() {
	local key
	case $1 in
	counter) key=counters ;;
	drop) key=drops ;;
	*) lab_die "lab_value: kind counter or drop, not $1" ;;
	esac
	if [ $# -ge 3 ]; then
		jq -e --arg k "$key" --arg n "$2" '.[$k][$n] | numbers' "$3"
	else
		lab_stats_json | jq -e --arg k "$key" --arg n "$2" '.[$k][$n] | numbers'
	fi
}

lab_counter() { lab_value counter "$1"; }
lab_drop() { lab_value drop "$1"; }

# lab_counter_gt NAME VALUE: counter above VALUE (for lab_wait_for).
lab_counter_gt() {
	local v
	v=$(lab_counter "$1") || return 1
	[ "$v" -gt "$2" ]
}

lab_epoch() {
	lab_stats_json | jq -er '.dataplane.epoch'
}

# One SIP OPTIONS from a namespace: lab_sip_options NS DST [PORT].
# Prints the status line of the answer; fails on timeout.
lab_sip_options() {
	ip netns exec "$1" "$LAB_PY" "$LAB_ROOT/tests/e2e/lib/sip_options.py" \
		--timeout 3 "$2" "${3:-5060}"
}

# Stop one of our processes: SIGTERM, bounded wait, its exit status.
lab_stop_pid() {
	local pid=$1 secs=${2:-10} rc=0
	lab_alive "$pid" || {
		wait "$pid" 2>/dev/null
		return $?
	}
	kill -TERM "$pid" 2>/dev/null
	local end=$((SECONDS + secs))
	while lab_alive "$pid" && [ $SECONDS -lt $end ]; do
		sleep 0.1
		# a zombie of ours is reaped by wait below
		[ "$(ps -o stat= -p "$pid" 2>/dev/null)" = Z ] && break
	done
	if lab_alive "$pid" && [ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z ]; then
		lab_log "pid $pid ignored SIGTERM for ${secs}s; killing"
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	return $rc
}

lab_stop_controlplane() {
	local rc=0
	lab_stop_pid "$LAB_CP_PID" || rc=$?
	LAB_CP_PID=
	return $rc
}

lab_stop_dataplane() {
	local rc=0
	lab_stop_pid "$LAB_DP_PID" || rc=$?
	LAB_DP_PID=
	return $rc
}

lab_tail() {
	[ -s "$1" ] || return 0
	echo "---- $1 (last ${2:-40} lines) ----" >&2
	tail -n "${2:-40}" "$1" >&2
	echo "----" >&2
}

lab_cleanup() {
	local rc=$? pid ns
	trap - EXIT INT TERM
	for pid in "${LAB_PIDS[@]}"; do
		lab_alive "$pid" || continue
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		local end=$((SECONDS + 5))
		while lab_alive "$pid" && [ $SECONDS -lt $end ]; do
			wait "$pid" 2>/dev/null && break
			sleep 0.1
		done
		lab_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${LAB_NSS[@]}"; do
		# anything still running inside our namespaces is ours
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "${LAB_SHM:-}" ] && [ -e "$LAB_SHM" ]; then
		lab_log "segment $LAB_SHM left behind; holders: $(fuser "$LAB_SHM" 2>&1)"
		rm -f "$LAB_SHM"
	fi
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		lab_tail "$LAB_DP_LOG" 60
		lab_tail "$LAB_CP_LOG" 60
		lab_log "logs kept in $LAB_DIR"
	elif [ -n "${LAB_DIR:-}" ] && [ "${LAB_KEEP:-0}" != 1 ]; then
		rm -rf "$LAB_DIR"
	fi
	exit $rc
}
