#!/bin/bash
# test-runner.sh - tests of scripts/vm itself: status and output pass
# through, --user really drops privileges, --levels really changes the
# paging mode, and kernel reports (a WARN_ON at module load, a report in
# the log) fail the run.  Prints PASS/FAIL lines and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
vm=$top/scripts/vm
kernel=${1:-6.12}
pass=0
fail=0

ok() { echo "PASS: $1"; pass=$((pass + 1)); }
ko() { echo "FAIL: $1"; fail=$((fail + 1)); }

expect_eq() { # name expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi
}

# Build once; later runs use --no-build.
"$vm" -q --kernel "$kernel" -- true >/dev/null 2>&1
rc=$?
expect_eq "exit status 0 passes through" 0 "$rc"

out=$("$vm" -q --no-build --kernel "$kernel" -- sh -c 'echo out; echo err >&2; exit 3' 2>/dev/null)
rc=$?
expect_eq "exit status 3 passes through" 3 "$rc"
expect_eq "stdout and stderr reach the host" "out err" "$(echo $out)"

out=$("$vm" -q --no-build --kernel "$kernel" --user -- id -u 2>/dev/null)
expect_eq "--user runs as uid 1000" 1000 "$out"

out=$("$vm" -q --no-build --kernel "$kernel" -- id -u 2>/dev/null)
expect_eq "default runs as root" 0 "$out"

out=$("$vm" -q --no-build --kernel "$kernel" --levels 5 -- grep -c la57 /proc/cpuinfo 2>/dev/null)
[ "${out:-0}" -gt 0 ] 2>/dev/null && ok "--levels 5 boots with la57" || ko "--levels 5: la57 count '$out'"

out=$("$vm" -q --no-build --kernel "$kernel" --levels 4 -- grep -c la57 /proc/cpuinfo 2>/dev/null)
expect_eq "--levels 4 boots without la57" 0 "$out"

out=$("$vm" -q --no-build --kernel "$kernel" -- sh -c 'grep -c "^ptscope " /proc/modules' 2>/dev/null)
expect_eq "ptscope.ko is loaded by default" 1 "$out"

out=$("$vm" -q --no-build --kernel "$kernel" --no-module -- sh -c 'grep -c "^ptscope " /proc/modules' 2>/dev/null)
expect_eq "--no-module boots without ptscope.ko" 0 "$out"

# A module that calls WARN_ON(1) at load must fail the run.
release=$("$vm" -q --no-build --kernel "$kernel" --no-module -- uname -r 2>/dev/null)
wdir=$top/build/warnmod/$release
mkdir -p "$wdir"
cp -p "$top"/tests/runner/warnmod/* "$wdir"/
if make -s -C "/lib/modules/$release/build" M="$wdir" modules >/dev/null 2>&1; then
	log=$("$vm" -q --no-build --kernel "$kernel" --add "$wdir/ptscope_warnmod.ko:/warn.ko" \
		-- insmod /warn.ko 2>&1)
	rc=$?
	expect_eq "a WARN_ON(1) module fails the run" 125 "$rc"
	if echo "$log" | grep -q 'WARNING: CPU'; then
		ok "the failed run shows the kernel log"
	else
		ko "the failed run shows the kernel log"
	fi
else
	ko "build the WARN_ON(1) module for $release"
fi

# A report in the kernel log fails the run even without a panic.
"$vm" -q --no-build --kernel "$kernel" -- \
	sh -c 'echo "BUG: ptscope runner self-test" >/dev/kmsg' >/dev/null 2>&1
expect_eq "a BUG report in the log fails the run" 125 "$?"

# --add of a static ELF: ldd finds no libraries, which is no failure.
out=$("$vm" -q --no-build --kernel "$kernel" --add /bin/busybox:/mnt/busybox \
	-- /mnt/busybox echo static 2>/dev/null)
rc=$?
expect_eq "--add of a static ELF runs" "0 static" "$rc $out"
# Every failure of the runner says why, on stderr.
err=$("$vm" -q --no-build --kernel /nonexistent/vmlinuz -- true 2>&1 >/dev/null)
rc=$?
if [ "$rc" -ne 0 ] && [ -n "$err" ]; then
	ok "a missing kernel fails with a message ($rc: $err)"
else
	ko "a missing kernel: exit $rc, message '$err'"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
