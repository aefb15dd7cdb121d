#!/usr/bin/env bash
# Run esg-bench-relay with 2 MB hugepages: reserve them (root), run, give
# back what was reserved. Without root or hugepage support the benchmark
# runs with --no-huge (it says which in its first line and in the JSON).
#
#   tests/bench/relay/run.sh BUILD_DIR [esg-bench-relay options]
#   e.g. tests/bench/relay/run.sh build --json build/bench/relay.json
#
# Both feeds run, one table each (and both in the JSON): "generator"
# (a generator on another lcore through net_ring ports) and "prebuilt"
# (the worker feeds itself from a prebuilt set, same core); a --feed
# option of your own replaces that.
#
# HUGEPAGES=N sets how many 2 MB pages to add (default 1024: 2 GB, what
# a million legs need with room to spare).
#
# The per-leg counters (the segment's legs region, /dev/shm) get 2 MB
# pages only from a tmpfs mounted with huge=advise (docs/real-nics.md);
# /sys/kernel/mm/transparent_hugepage/shmem_enabled does not apply to a
# tmpfs mount, only to SysV shm, memfd and shared anonymous memory. As
# root, the benchmark runs in a mount namespace of its own with a fresh
# /dev/shm mounted huge=advise (the machine's /dev/shm is not touched);
# SHM_HUGE=0 keeps the machine's /dev/shm. The legs region's 2 MB-page
# share, read from the benchmark's /proc/PID/smaps_rollup, is printed at
# the end.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BUILD_DIR [esg-bench-relay options]" >&2
	exit 2
fi
bin="$1/tests/bench/relay/esg-bench-relay"
shift
if [ ! -x "$bin" ]; then
	echo "$bin: not built (ninja -C BUILD_DIR)" >&2
	exit 2
fi

nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
pages=${HUGEPAGES:-1024}
old=""
# shellcheck disable=SC2317 # called by the EXIT trap
restore() {
	if [ -n "$old" ]; then
		echo "$old" >"$nr" 2>/dev/null || true
	fi
}
trap restore EXIT

if [ -w "$nr" ]; then
	old=$(cat "$nr")
	echo $((old + pages)) >"$nr" 2>/dev/null || true
	got=$(($(cat "$nr") - old))
	echo "run.sh: reserved $got of $pages 2 MB hugepages" >&2
else
	echo "run.sh: cannot reserve hugepages (not root?): --no-huge" >&2
fi
for d in "$@"; do
	case "$d" in
	--json=*) mkdir -p "$(dirname "${d#--json=}")" ;;
	esac
done
# the JSON path may follow --json as its own word
prev=""
for d in "$@"; do
	if [ "$prev" = "--json" ]; then
		mkdir -p "$(dirname "$d")"
	fi
	prev="$d"
done
feed=(--feed generator,prebuilt)
for d in "$@"; do
	case "$d" in
	--feed | --feed=*) feed=() ;;
	esac
done
set -- "${feed[@]}" "$@"
if [ "${SHM_HUGE:-1}" != 0 ] && [ "$(id -u)" = 0 ] &&
	unshare -m --propagation private true 2>/dev/null; then
	echo "run.sh: private /dev/shm (tmpfs huge=advise) for the segment" >&2
	# shellcheck disable=SC2016 # expanded by the inner shell
	set -- unshare -m --propagation private sh -c \
		'mount -t tmpfs -o huge=advise,mode=1777 tmpfs /dev/shm && exec "$0" "$@"' \
		"$bin" "$@"
else
	echo "run.sh: segment in the machine's /dev/shm" >&2
	set -- "$bin" "$@"
fi
"$@" &
pid=$!
# The most of ShmemPmdMapped (2 MB-page mapped tmpfs: the legs region)
# seen while it runs; the EAL's hugepages are hugetlbfs, not counted.
pmd=0
while kill -0 "$pid" 2>/dev/null; do
	kb=$(awk '/^ShmemPmdMapped:/ {print $2}' "/proc/$pid/smaps_rollup" \
		2>/dev/null || true)
	if [ -n "$kb" ] && [ "$kb" -gt "$pmd" ]; then
		pmd=$kb
	fi
	sleep 1
done
rc=0
wait "$pid" || rc=$?
echo "run.sh: legs region on 2 MB pages: up to $((pmd / 1024)) MB seen" >&2
exit "$rc"
