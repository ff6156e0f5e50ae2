#!/bin/sh
# run-suite.sh - the guest side of the VM suite.  Runs every test program
# (/ptscope/bin/test-*) and test script (/ptscope/tests/test-*.sh), counts
# their PASS/FAIL/SKIP lines and ends with "N passed, N failed, N skipped".
# A test that exits non-zero without printing a FAIL line counts as one
# failure, so a crash is never silent.  Optional arguments select tests by
# name substring.  Each test gets at most PTSCOPE_TEST_TIMEOUT seconds.
pass=0
fail=0
skip=0
log=/tmp/suite.$$
# A hung test must fail on its own, not stall the VM until the runner's
# timeout.  PTSCOPE_TEST_TIMEOUT overrides the per-test limit (seconds).
limit=${PTSCOPE_TEST_TIMEOUT:-300}

selected() {
	[ $# -eq 1 ] && return 0
	sel_name=$1
	shift
	for pat in "$@"; do
		case $sel_name in *"$pat"*) return 0 ;; esac
	done
	return 1
}

for t in /ptscope/bin/test-* /ptscope/tests/test-*.sh; do
	[ -e "$t" ] || continue
	name=${t##*/}
	selected "$name" "$@" || continue
	echo "--- $name"
	case $t in
	*.sh) timeout "$limit" sh "$t" >$log 2>&1 ;;
	*) timeout "$limit" "$t" >$log 2>&1 ;;
	esac
	rc=$?
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 143 ]; then
		echo "FAIL: $name did not finish within ${limit}s" >>$log
	fi
	cat $log
	p=$(grep -c '^PASS' $log)
	f=$(grep -c '^FAIL' $log)
	s=$(grep -c '^SKIP' $log)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL: $name exited with status $rc and no FAIL line"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
done
rm -f $log
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
