#!/bin/sh
# leakcheck.sh CMD [ARG...] - run a guest test command between two kmemleak
# scans, then unload ptscope.ko and scan again: every object the module
# allocated must be gone once it is unloaded.
#
# Objects that were already unreferenced before CMD (boot-time noise) are
# cleared first.  CMD's own "N passed, N failed, N skipped" line is folded
# with the kmemleak result into the last line, so the host counts both.
# On a kernel without kmemleak the check is a SKIP.
km=/sys/kernel/debug/kmemleak
out=/tmp/leakcheck.$$

if [ $# -eq 0 ]; then
	echo "usage: leakcheck.sh CMD [ARG...]" >&2
	exit 2
fi
have_km=0
if [ -w "$km" ]; then
	have_km=1
	echo scan >"$km"
	echo clear >"$km"
fi

"$@" >"$out" 2>&1
rc=$?
cat "$out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
rm -f "$out"
p=0 f=0 s=0
if [ -n "$line" ]; then
	set -- $line
	p=$1 f=$3 s=$5
fi
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=$((f + 1))

if [ "$have_km" = 0 ]; then
	echo "SKIP: kmemleak: this kernel has no /sys/kernel/debug/kmemleak"
	s=$((s + 1))
elif grep -q '^ptscope ' /proc/modules && ! rmmod ptscope; then
	echo "FAIL: kmemleak: rmmod ptscope failed, cannot check for leaks"
	f=$((f + 1))
else
	# kmemleak reports only objects older than its minimum age (5 s).
	sleep 6
	echo scan >"$km"
	echo scan >"$km"
	n=$(grep -c '^unreferenced object' "$km")
	if [ "$n" -eq 0 ]; then
		echo "PASS: kmemleak: nothing unreferenced after rmmod ptscope"
		p=$((p + 1))
	else
		echo "FAIL: kmemleak: $n unreferenced objects"
		cat "$km"
		f=$((f + 1))
	fi
fi
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
