#!/bin/bash
# style.sh - the module's quality bar: checkpatch (strict) clean, and a
# W=1 build with sparse (C=1) free of warnings on every installed Debian
# kernel, and on the kernels of the sid and trixie chroots (scripts/deps.sh),
# x86-64 and arm64;
# and a man page groff reads without a warning.
# Prints PASS/FAIL lines and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
pass=0
fail=0

# checkpatch.pl and its data files, taken from Debian's linux-source package
# once and cached.
tools=$top/build/tools
checkpatch=$tools/scripts/checkpatch.pl
if [ ! -x "$checkpatch" ]; then
	src=$(ls /usr/src/linux-source-6.12.tar.xz /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n 1)
	if [ -z "$src" ]; then
		echo "FAIL: checkpatch: no /usr/src/linux-source-*.tar.xz; run scripts/deps.sh"
		echo "0 passed, 1 failed"
		exit 1
	fi
	mkdir -p "$tools"
	tar -xJf "$src" -C "$tools" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

# verdict STATUS WHAT OUTPUT: one PASS or FAIL line (OUTPUT before a FAIL).
verdict() {
	if [ "$1" -eq 0 ]; then
		echo "PASS: $2"
		pass=$((pass + 1))
	else
		[ -n "$3" ] && echo "$3"
		echo "FAIL: $2"
		fail=$((fail + 1))
	fi
}

# compat.h is the one file allowed to test kernel versions.
check() { # name ignore-types files...
	local name=$1 ignore=$2 out rc
	shift 2
	out=$("$checkpatch" --no-tree --strict --quiet --show-types \
		--ignore "$ignore" -f "$@" 2>&1)
	rc=$?
	verdict "$rc" "checkpatch --strict, $name" "$out"
}
base_ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
# shellcheck disable=SC2046
check "module" "$base_ignore" $(ls module/*.c module/*.h module/uapi/*.h module/arch/*.[ch] | grep -v compat.h)
check "compat.h" "$base_ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON" module/compat.h
# The race tests' helper modules, each with its own compat header.
# shellcheck disable=SC2046
check "test modules" "$base_ignore" $(ls tests/modules/*/*.c)
# shellcheck disable=SC2046
check "test modules' compat headers" \
	"$base_ignore,LINUX_VERSION_CODE,CONSTANT_COMPARISON" \
	$(ls tests/modules/*/*compat.h)

# build_style KDIR RELEASE [RUNNER...]: the production build and the test
# build, with its delay points, for one kernel; RUNNER runs make (the sid
# chroot for kernels whose headers need sid's compiler).
build_style() {
	local kdir=$1 rel=$2 out_dir=$top/build/style/$2 hooks what out rc
	shift 2
	rm -rf "$out_dir" "$out_dir-test"
	for hooks in "" PTSCOPE_TEST_HOOKS=y; do
		what="W=1 + sparse build${hooks:+ (test build)}, $rel"
		# shellcheck disable=SC2086
		out=$("$@" make -s kmod KDIR="$kdir" KMOD_OUT="$out_dir${hooks:+-test}" \
			C=2 $hooks 2>&1)
		rc=$?
		out=$(echo "$out" | grep -v 'Skipping BTF')
		if [ "$rc" -eq 0 ] && echo "$out" | grep -qE 'warning|error|is not available'; then
			rc=1
		fi
		verdict "$rc" "$what" "$out"
	done
}

for kdir in $(ls -d /lib/modules/*/build 2>/dev/null | sort -V); do
	build_style "$kdir" "$(basename "$(dirname "$kdir")")" env
done
# Kernels whose headers need a newer gcc and libc than the host's, each
# built in its own chroot (scripts/deps.sh): sid's 7.2 (gcc-16) and
# trixie's 6.12 (gcc-14; built here only, never booted).  A missing chroot
# is a failure: make check must keep building for both.
for suite in sid trixie; do
	root=$(scripts/chroot "$suite" --path)
	kdirs=$(ls -d "$root"/lib/modules/*/build 2>/dev/null | sort -V)
	if [ -z "$kdirs" ]; then
		echo "FAIL: W=1 + sparse build, $suite: no kernel headers in $root; run scripts/deps.sh"
		fail=$((fail + 1))
	fi
	for kdir in $kdirs; do
		build_style "${kdir#"$root"}" "$(basename "$(dirname "$kdir")")" \
			scripts/chroot "$suite"
	done
	# The chroot's arm64 kernel (docs/arm64.md), cross-built: its headers
	# have no build link, so that the loop above never picks them up.
	kdirs=$(ls -d "$root"/usr/src/linux-headers-*-arm64 2>/dev/null | sort -V)
	if [ -z "$kdirs" ]; then
		echo "FAIL: W=1 + sparse build, $suite arm64: no arm64 kernel headers in $root; run scripts/deps.sh"
		fail=$((fail + 1))
	fi
	for kdir in $kdirs; do
		build_style "${kdir#"$root"}" "${kdir##*/linux-headers-}" \
			scripts/chroot "$suite"
	done
done

# The man page: every groff warning (-ww) is a fault, as a raw control
# character or a misspelt macro would otherwise print silently wrong.
out=$(groff -man -ww -z userspace/ptscope.1 2>&1)
rc=$?
[ -n "$out" ] && rc=1
verdict "$rc" "groff -man -ww, userspace/ptscope.1" "$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
