#!/usr/bin/env bash
# Run esg-bench-relay with 2 MB hugepages: reserve them (root), run, give
# back what was reserved. Without root or hugepage support the benchmark
# runs with --no-huge (it says which in its first line and in the JSON).
#
#   tests/bench/relay/run.sh BUILD_DIR [esg-bench-relay options]
#   e.g. tests/bench/relay/run.sh build --json build/bench/relay.json
#
# HUGEPAGES=N sets how many 2 MB pages to add (default 1024: 2 GB, what
# a million legs need with room to spare).
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
"$bin" "$@"
