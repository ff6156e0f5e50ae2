#!/bin/sh
# reliability.sh - the guest side of the reliability stage: the stress run
# (tests/stress), rmmod while busy, and the netlink/procfs fuzzer
# (tests/fuzz), each counted like run-suite.sh counts a test.  The
# figures each one prints (seconds of stress, operations, requests fuzzed)
# are repeated at the end, before "N passed, N failed, N skipped".
#
#   reliability.sh [STRESS_SECONDS]
seconds=${1:-60}
pass=0
fail=0
skip=0
log=/tmp/reliability.$$
figures=/tmp/reliability-figures.$$
: >$figures
limit=${PTSCOPE_TEST_TIMEOUT:-600}

run() { # NAME CMD...
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
		echo "FAIL: $name exited with status $rc"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
	grep -E '^(stress|unload|fuzz): ' $log >>$figures
}

run ptscope-stress ptscope-stress --seconds "$seconds"
run unload-busy sh /ptscope/tests/unload-busy.sh
run ptscope-fuzz ptscope-fuzz
# The fuzzer runs again without privileges: there, refusals are the answers.
run "ptscope-fuzz as uid 1000" su -s /bin/sh user -c "ptscope-fuzz --seed 2"

echo "--- figures"
cat $figures
rm -f $log $figures
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
