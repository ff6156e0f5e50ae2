#!/bin/sh
# test-table.sh - the text output's shape, against independent oracles.
#  - width: every line of every command, run on the scenario layouts with
#    COLUMNS=80 and without COLUMNS (stdout is a pipe, not a terminal),
#    is at most 80 columns: the oracle is the limit itself;
#  - free: "ptscope free" and procps' own free(1) (Debian's binary, added
#    to the guest as procps-free) print the same figures for every field
#    they share, in KiB, in bytes and with -h;
#  - maps totals: VSZ and RSS equal pmap -x's "total kB" line (procps'
#    pmap, added as procps-pmap), swap the sum of smaps' Swap lines as
#    pmap -X adds them, page tables /proc/PID/status's VmPTE.
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
skip() { echo "SKIP: $1"; }

tmp=/tmp/test-table.$$
mkdir -p $tmp
levels=$(ptscope --json info | sed -n 's/.*"paging_levels":\([0-9]*\).*/\1/p')

# Starts "layout NAME", waits for its READY line; sets lpid and laddr.
start_layout() {
	# Emptied here, not by the background job's redirection: the loop
	# below could otherwise read the last layout's READY line first.
	: >$tmp/ready
	layout "$1" >>$tmp/ready 2>&1 &
	lbg=$!
	i=0
	lpid=
	while [ -z "$lpid" ] && [ $i -lt 1200 ]; do
		lpid=$(sed -n 's/^READY.* pid=\([0-9][0-9]*\) .*/\1/p' $tmp/ready | head -n 1)
		[ -n "$lpid" ] || sleep 0.1
		i=$((i + 1))
	done
	laddr=$(sed -n 's/^READY.* region=[^:]*:\([0-9a-f]*\):.*/\1/p' $tmp/ready | head -n 1)
	# A layout without regions (threads): its first mapping.
	[ -n "$laddr" ] || laddr=$(cut -d- -f1 /proc/$lpid/maps 2>/dev/null | head -n 1)
	[ -n "$lpid" ]
}

stop_layout() {
	kill -9 "$lbg" 2>/dev/null
	[ -n "$lpid" ] && kill -9 "$lpid" 2>/dev/null
	wait "$lbg" 2>/dev/null
	lpid=
}

# check_width WHAT CMD...: runs CMD, fails on a line over 80 columns.
check_width() {
	what=$1
	shift
	"$@" >$tmp/out 2>$tmp/err
	rc=$?
	lines=$(wc -l <$tmp/out)
	long=$(awk 'length > 80 { n++ } END { print n + 0 }' $tmp/out)
	if [ "$long" -eq 0 ] && [ "$lines" -gt 0 ]; then
		nwidth=$((nwidth + 1))
	else
		fail "width/$what: $long of $lines lines over 80 columns (exit $rc): $(awk 'length > 80 { print; exit }' $tmp/out)$(head -c 200 $tmp/err)"
		badwidth=$((badwidth + 1))
	fi
}

nwidth=0
badwidth=0
for layout in everyother mmap100 readonly protnone zero cow shared file \
	      thp hugetlb pageout softdirty reserve threads; do
	if ! start_layout $layout; then
		fail "width/$layout: the layout did not start: $(cat $tmp/ready)"
		stop_layout
		continue
	fi
	for env in "COLUMNS=80" "COLUMNS="; do
		for cmd in "maps $lpid" "maps --tree $lpid" "walk $lpid" \
			   "walk $lpid --pages --range 0x$laddr+64K" \
			   "walk $lpid --state none,present,swap,protnone" \
			   "compare $lpid" "summary $lpid" "vtop $lpid 0x$laddr" \
			   "info" "free" "free -h" "free --top 3" "free -b" \
			   "stats $lpid -c 1" "maps -b $lpid" "maps $lpid $lpid" \
			   "maps $lpid --vma [stack]"; do
			check_width "$layout/$env/$cmd" env $env ptscope $cmd
		done
	done
	stop_layout
done
check_width "trace" env COLUMNS=80 ptscope trace true
if [ $badwidth -eq 0 ]; then
	pass "width: $nwidth command runs on the layouts ($levels-level paging) print no line over 80 columns"
fi

# --- free against procps free -------------------------------------------

# fields FILE: Mem's six figures and Swap's three, one line.
fields() {
	awk '$1 == "Mem:" { m = $2 " " $3 " " $4 " " $5 " " $6 " " $7 }
	     $1 == "Swap:" { s = $2 " " $3 " " $4 }
	     END { print m " | " s }' "$1"
}

if ! command -v procps-free >/dev/null; then
	skip "free: procps' free is not in the guest"
else
	for opt in "" "-b" "-h"; do
		same=0
		# The figures move between the two reads: a few tries.
		for try in 1 2 3 4 5 6 7 8; do
			procps-free $opt >$tmp/procps
			ptscope free $opt >$tmp/ours
			a=$(fields $tmp/procps)
			b=$(fields $tmp/ours)
			[ "$a" = "$b" ] && { same=1; break; }
		done
		if [ $same -eq 1 ] && [ -n "${a%% |*}" ]; then
			pass "free $opt: Mem and Swap as procps free prints them ($a)"
		else
			fail "free $opt: procps '$a', ptscope '$b'"
		fi
	done
	if grep -q '^SecPageTables:' /proc/meminfo; then
		if ptscope free | grep -q '^SecPageTables:'; then
			pass "free: the SecPageTables row keeps its whole name"
		else
			fail "free: no 'SecPageTables:' row: $(ptscope free | grep '^Sec')"
		fi
	fi
fi

# --- maps totals against pmap -x, smaps and status ----------------------

if ! command -v procps-pmap >/dev/null; then
	skip "maps/totals: procps' pmap is not in the guest"
else
	for layout in everyother mmap100 cow file thp pageout threads; do
		if ! start_layout $layout; then
			fail "maps/totals/$layout: the layout did not start"
			stop_layout
			continue
		fi
		# total line: total, "N VMAs", SIZE, RSS, SWAP, PT (bytes)
		tot=$(ptscope -r -n -b -o start,end,size,rss,swap,pt maps $lpid |
		      awk '$1 == "total" { print $3, $4, $5, $6 }')
		pm=$(procps-pmap -x $lpid | awk '$1 == "total" { print $3, $4 }')
		# [vsyscall] is in smaps (so in pmap) but is no VMA, nor in VmSize.
		gate=$(awk '/^[0-9a-f]+-[0-9a-f]+ .*\[vsyscall\]/ { g = 1; next }
			    /^[0-9a-f]+-/ { g = 0 }
			    g && $1 == "Size:" { print $2 }' /proc/$lpid/smaps)
		swap=$(awk '$1 == "Swap:" { s += $2 } END { print s + 0 }' /proc/$lpid/smaps)
		vmpte=$(awk '$1 == "VmPTE:" { print $2 }' /proc/$lpid/status)
		set -- $tot
		vsz=$(( ${1:-0} / 1024 )); rss=$(( ${2:-0} / 1024 ))
		sw=$(( ${3:-0} / 1024 )); pt=$(( ${4:-0} / 1024 ))
		set -- $pm
		pvsz=$(( ${1:-0} - ${gate:-0} ))
		if [ -n "$tot" ] && [ "$vsz" = "$pvsz" ] && [ "$rss" = "${2:-x}" ] &&
		   [ "$sw" = "$swap" ] && [ "$pt" = "$vmpte" ]; then
			pass "maps/totals/$layout: VSZ $vsz kB, RSS $rss kB as pmap -x; swap $sw kB as smaps; PT $pt kB as VmPTE"
		else
			fail "maps/totals/$layout: ptscope VSZ/RSS/swap/PT kB '$vsz $rss $sw $pt', pmap -x '$pm' (less [vsyscall] ${gate:-0}), smaps swap $swap, VmPTE $vmpte"
		fi
		stop_layout
	done
fi

# --- the table options ----------------------------------------------------

out=$(ptscope -r -n -o PERM,start free 2>&1)
[ $? -eq 2 ] && echo "$out" | grep -q "unknown column 'PERM'" &&
	pass "options: -o names an unknown column in one line, exit 2" ||
	fail "options: -o PERM on free: $out"
if start_layout everyother; then
	n=$(ptscope maps $lpid -n -o start,end | awk '/^[0-9a-f]+ / && NF != 2 { n++ } END { print n + 0 }')
	first=$(ptscope -n -o start maps $lpid | head -n 1)
	maps1=$(head -n 1 /proc/$lpid/maps | cut -d- -f1)
	if [ "$n" -eq 0 ] && [ "$first" = "$maps1" ]; then
		pass "options: -n -o start,end gives two columns; addresses as /proc/PID/maps prints them ($maps1)"
	else
		fail "options: $n odd rows; first start '$first', maps '$maps1'"
	fi
	ptscope --wide -o +offset,dev,inode,4K,2M,1G,dirty,cow,zero maps $lpid >$tmp/wide
	if awk 'length > 80 { n++ } END { exit !n }' $tmp/wide; then
		pass "options: --wide does not fit the table to 80 columns"
	else
		fail "options: --wide output stayed within 80 columns"
	fi
	stop_layout
fi
rm -rf $tmp
