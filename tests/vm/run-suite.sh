#!/bin/sh
# run-suite.sh - the guest side of the VM suite.  Runs every test program
# (/ptscope/bin/test-*) and test script (/ptscope/tests/test-*.sh), counts
# their PASS/FAIL/SKIP lines and ends with "N passed, N failed, N skipped".
# A test that exits non-zero without printing a FAIL line counts as one
# failure, so a crash is never silent.  Optional arguments select tests by
# name substring.  Each test gets at most PTSCOPE_TEST_TIMEOUT seconds.
#
#   run-suite.sh [NAME...]             the test-* programs and scripts
#   run-suite.sh --run 'CMD ARGS'...   these command lines instead, each
#                                      counted as one test
#
# Figure lines the tests print ("stress: ...", "fuzz: ...") are repeated
# at the end, before the summary.
pass=0
fail=0
skip=0
log=/tmp/suite.$$
figures=/tmp/suite-figures.$$
: >$figures
# A hung test must fail on its own, not stall the VM until the runner's
# timeout.  PTSCOPE_TEST_TIMEOUT overrides the per-test limit (seconds).
# test-cli, the longest, has been seen past 300 s on a host running four
# guests at once.
limit=${PTSCOPE_TEST_TIMEOUT:-600}

selected() {
	[ $# -eq 1 ] && return 0
	sel_name=$1
	shift
	for pat in "$@"; do
		case $sel_name in *"$pat"*) return 0 ;; esac
	done
	return 1
}

# run_test NAME CMD...: run, show its output, count its lines.
run_test() {
	name=$1
	shift
	echo "--- $name"
	timeout "$limit" "$@" >$log 2>&1
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
	grep -E '^(stress|fuzz): ' $log >>$figures
}

if [ "${1:-}" = --run ]; then
	shift
	for cmd in "$@"; do
		run_test "$cmd" sh -c "$cmd"
	done
else
	for t in /ptscope/bin/test-* /ptscope/tests/test-*.sh; do
		[ -e "$t" ] || continue
		name=${t##*/}
		selected "$name" "$@" || continue
		case $t in
		*.sh) run_test "$name" sh "$t" ;;
		*) run_test "$name" "$t" ;;
		esac
	done
fi
if [ -s $figures ]; then
	echo "--- figures"
	cat $figures
fi
rm -f $log $figures
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
