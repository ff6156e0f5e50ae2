#!/bin/bash
# tests/bench/bench.sh - "make bench": boot one VM with room for a 4 GiB
# target and run ptscope-bench in it.  The guest prints the table (streamed
# here) and the same figures as JSON, which is stored in build/bench.json.
# Under TCG absolute times depend on the host and on whatever else it is
# running; the ratios are what to compare (docs/benchmarks.md).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$top/build/bench.json
log=$top/build/bench.log
kernel=${PTSCOPE_BENCH_KERNEL:-6.12}

mkdir -p "$top/build"
start=$(date +%s)
"$top/scripts/vm" --kernel "$kernel" --mem 7G --smp 2 --timeout 840 \
	-- ptscope-bench | tee "$log"
rc=${PIPESTATUS[0]}
sed -n '/^BENCH-JSON-BEGIN$/,/^BENCH-JSON-END$/p' "$log" | sed '1d;$d' >"$out.tmp"
if [ "$rc" -ne 0 ] || [ ! -s "$out.tmp" ]; then
	rm -f "$out.tmp"
	echo "ptscope: the benchmark run failed (status $rc); see $log" >&2
	exit 1
fi
{
	printf '{"kernel":"%s","host":"%s","host_cpus":%s,"host_load":"%s",' \
		"$kernel" "$(uname -n)" "$(nproc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '"date":"%s","wall_s":%s,"figures":' \
		"$(date -u +%FT%TZ)" "$(($(date +%s) - start))"
	cat "$out.tmp"
	printf '}\n'
} >"$out"
rm -f "$out.tmp"
echo "ptscope: figures in $out; whole run $(($(date +%s) - start)) s" >&2
