#!/bin/bash
# check-arm64.sh - everything on arm64 (make check-arm64), with one
# closing line.  make check runs a subset (tests/check.sh).
#
#   1. the tool and the guest programs cross-build for arm64 in the trixie
#      chroot (make ARCH=arm64 guest, under build/arm64/);
#   2. for Debian's arm64 6.12 (trixie) and 7.2 (sid) kernels, with 4- and
#      5-level paging (scripts/vm --arch arm64): the guest boots, the
#      paging shape is the one asked for (va-probe: an mmap hinted at 2^50
#      lands above 2^48 only with 5 levels; the boot log's LPA2 line), the
#      command's status comes back and a kernel report fails the run;
#   3. with the module: the whole VM suite (every tests/vm test) and the
#      reliability runs (stress, rmmod while busy, fuzz as root and as
#      uid 1000) on each kernel and shape, two guests at a time, each test
#      allowed 2400 s (aarch64 TCG is about three times slower than x86).
#
# KERNELS="6.12 7.2" and LEVELS="4 5" narrow the matrix.  Needs
# scripts/deps.sh (the chroots' arm64 parts).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
vm=$top/scripts/vm
kernels=${KERNELS:-6.12 7.2}
levels=${LEVELS:-4 5}

pass=0
fail=0
skip=0
ok() { echo "PASS: $*"; pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
sk() { echo "SKIP: $*"; skip=$((skip + 1)); }
expect_eq() { # name expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else ko "$1: expected '$2', got '$3'"; fi
}
start=$(date +%s)

echo "--- cross-build (make ARCH=arm64 guest, trixie chroot)"
if nice -n 10 scripts/chroot trixie make -s -C "$top" guest ARCH=arm64 \
	>build/arm64-build.log 2>&1; then
	ok "tool and guest programs cross-build for arm64"
else
	tail -n 20 build/arm64-build.log
	ko "cross-build for arm64 (build/arm64-build.log)"
	echo "$pass passed, $fail failed, $skip skipped"
	exit 1
fi

for k in $kernels; do
	for l in $levels; do
		name="arm64 $k, $l levels"
		echo "--- $name"
		t0=$(date +%s)
		out=$("$vm" -q --no-build --no-module --arch arm64 --kernel "$k" --levels "$l" -- \
			sh -c 'va-probe || exit; dmesg | grep -c "detected: 52-bit Virtual Addressing (LPA2)" || true' 2>&1)
		rc=$?
		echo "$out" | tail -n 5
		expect_eq "$name: the guest boots and runs a command" 0 "$rc"
		expect_eq "$name: paging shape from mmap (va-probe)" "$l" \
			"$(echo "$out" | sed -n 's/^levels \([45]\) .*/\1/p')"
		lpa2=0
		[ "$l" = 5 ] && lpa2=1
		expect_eq "$name: LPA2 in the boot log" "$lpa2" "$(echo "$out" | tail -n 1)"
		echo "$name: boot to result in $(($(date +%s) - t0)) s"

		"$vm" -q --no-build --no-module --arch arm64 --kernel "$k" --levels "$l" -- \
			sh -c 'exit 7' >/dev/null 2>&1
		expect_eq "$name: the command's status comes back" 7 "$?"
		"$vm" -q --no-build --no-module --arch arm64 --kernel "$k" --levels "$l" -- \
			sh -c 'echo "Internal error: ptscope check-arm64" >/dev/kmsg' >/dev/null 2>&1
		expect_eq "$name: a kernel report in the log fails the run" 125 "$?"
	done
done

# The module suites, two guests at a time; each log folded in at the end.
guest_path=/ptscope/bin:/ptscope/tests:/bin:/sbin
dir=$(mktemp -d)
names=()
n=0
suite() { # NAME VM-ARGS... -- GUEST-COMMAND...
	local name=$1
	shift
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
	names+=("$name")
	echo "--- started: $name ($(($(date +%s) - start)) s)"
	("$vm" -q --arch arm64 --timeout 10800 "$@" >"$dir/$n.log" 2>&1
		echo $? >"$dir/$n.rc") &
	n=$((n + 1))
}
for k in $kernels; do
	for l in $levels; do
		suite "arm64 $k, $l levels: VM suite" --kernel "$k" --levels "$l" -- \
			env PTSCOPE_TEST_TIMEOUT=2400 run-suite.sh
		suite "arm64 $k, $l levels: reliability" --kernel "$k" --levels "$l" -- \
			env PTSCOPE_TEST_TIMEOUT=2400 run-suite.sh --run \
			"ptscope-stress --seconds 60" ptscope-unload-busy ptscope-fuzz \
			"su -s /bin/sh user -c 'PATH=$guest_path ptscope-fuzz --seed 2'"
	done
done
wait
for ((i = 0; i < n; i++)); do
	echo "--- ${names[i]}"
	cat "$dir/$i.log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/$i.log" | tail -n 1)
	rc=$(cat "$dir/$i.rc" 2>/dev/null || echo 1)
	p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	pass=$((pass + ${p:-0})) skip=$((skip + ${s:-0}))
	if [ "${f:-0}" -gt 0 ]; then
		fail=$((fail + f))
	elif [ "$rc" -ne 0 ] || [ -z "$line" ]; then
		ko "${names[i]}: exited with status $rc"
	fi
	echo "=== ${names[i]}: ${p:-0} pass, ${f:-0} fail, ${s:-0} skip"
done
rm -rf "$dir"

echo "check-arm64: $(($(date +%s) - start)) s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
