#!/bin/sh
# test-stats-tool.sh - "ptscope stats" and "ptscope trace" through netlink.
# Oracles: known page counts (touch-pages N), the kernel's getrusage()
# counts the tool prints beside its own, /proc/ptscope/stats for the state
# the tool must restore, and the JSON-lines shape of --json.
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
skip() { echo "SKIP: $1"; }
json_field() { # key json
	echo "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1
}
state() { sed -n 's/^enabled //p' /proc/ptscope/stats; }

N=3000
echo off >/proc/ptscope/stats

out=$(ptscope --json trace -- touch-pages $N)
rc=$?
user=$(json_field fault_user "$out")
write=$(json_field fault_write "$out")
kmin=$(json_field kernel_min_flt "$out")
diff=$(json_field tracepoint_minus_kernel "$out")
if [ $rc -eq 0 ] && [ "${user:-0}" -ge $N ] && [ "${write:-0}" -ge $N ]; then
	pass "trace: $user user faults, $write writes for $N pages"
else
	fail "trace: rc $rc, user '$user', write '$write' for $N pages"
fi
if [ "${kmin:-0}" -ge $N ] && [ "${diff:--1}" -ge 0 ]; then
	pass "trace: kernel min_flt $kmin >= $N, tracepoint - kernel = $diff"
else
	fail "trace: kernel min_flt '$kmin', tracepoint - kernel '$diff'"
fi
out=$(ptscope --json stats --run touch-pages $N read)
read=$(json_field fault_read "$out")
if [ "${read:-0}" -ge $N ]; then
	pass "stats --run: $read read faults for $N read-touched pages"
else
	fail "stats --run: read faults '$read' for $N pages"
fi
if [ "$(state)" = 0 ] && grep -q '^watch$' /proc/ptscope/stats; then
	pass "trace: statistics off again and the watch list empty"
else
	fail "trace: state not restored: $(head -n 2 /proc/ptscope/stats | tr '\n' ' ')"
fi

out=$(ptscope trace -- sh -c 'exit 3')
rc=$?
if echo "$out" | grep -q 'exit status: *3' && [ $rc -eq 3 ]; then
	pass "trace: the command's exit status is reported, and is trace's own"
else
	fail "trace: exit status not reported or not passed on (exit $rc)"
fi
ptscope trace -- /no/such/program 2>/dev/null
rc=$?
if [ $rc -eq 127 ]; then pass "trace: a missing command exits 127, as in a shell"; else fail "trace: missing command: exit $rc"; fi

lines=$(ptscope --json stats -i 0.2 -c 3)
n=$(echo "$lines" | grep -c '^{.*}$')
first=$(echo "$lines" | head -n 1)
second=$(echo "$lines" | sed -n 2p)
if [ "$n" = 3 ] && [ "$(json_field rates "$first")" = false ] &&
	[ "$(json_field rates "$second")" = true ]; then
	pass "stats --json: 3 JSON lines, totals then rates"
else
	fail "stats --json: $n lines: $lines"
fi

# A rate a known load makes: touch-pages in a loop while sampling a pid.
sh -c 'while :; do touch-pages 500; done' &
loader=$!
out=$(ptscope --json stats -i 0.5 -c 3)
kill $loader
wait $loader 2>/dev/null
rate=$(echo "$out" | sed -n 3p)
u=$(json_field fault_user "$rate")
k=$(json_field kernel_faults "$rate")
if ! grep -q '^pgfault ' /proc/vmstat; then
	skip "stats: rates under load: /proc/vmstat has no pgfault (kernel without CONFIG_VM_EVENT_COUNTERS)"
elif [ "${u:-0}" -ge 500 ] && [ "${k:-0}" -ge 500 ]; then
	pass "stats: live rate $u user faults/s, kernel pgfault $k/s"
else
	fail "stats: rates under load: user '$u', kernel '$k'"
fi

sleep 1000 &
sl=$!
out=$(ptscope stats $sl -c 2 -i 0.2)
if [ $? -eq 0 ] && echo "$out" | grep -q "pid $sl"; then
	pass "stats PID: rows for one process"
else
	fail "stats PID: $out"
fi
kill $sl

err=$(su -s /bin/sh user -c "PATH=$PATH ptscope stats -c 1" 2>&1)
rc=$?
if [ $rc -eq 1 ] && echo "$err" | grep -q 'CAP_SYS_ADMIN or CAP_PERFMON'; then
	pass "stats: unprivileged switch-on denied with a hint"
else
	fail "stats: unprivileged: rc $rc: $err"
fi
[ "$(state)" = 0 ] && pass "stats: left off" || fail "stats: left on"
