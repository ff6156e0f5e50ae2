#!/bin/sh
# test-basic.sh - the module loads, answers the tool, and unloads cleanly.
# Oracles: /proc/modules, uname, /proc/cpuinfo's la57 flag and the known
# x86-64 user address-space tops for 4- and 5-level paging.
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
check() { # name expected actual
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}
json_field() { # key json
	echo "$2" | sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1
}

if grep -q '^ptscope ' /proc/modules; then
	pass "ptscope.ko is loaded"
else
	fail "ptscope.ko is loaded"
	exit 1
fi

info=$(ptscope --json info)
check "ptscope info exits 0" 0 $?
check "kernel release matches uname -r" "$(uname -r)" "$(json_field kernel_release "$info")"

if grep -qw la57 /proc/cpuinfo; then
	levels=5
	top=0xfffffffffff000
else
	levels=4
	top=0x7ffffffff000
fi
check "paging levels match /proc/cpuinfo ($levels)" $levels "$(json_field paging_levels "$info")"
check "user address-space top for $levels-level paging" $top "$(json_field task_size "$info")"
check "page size" 4096 "$(json_field page_size "$info")"
check "root sees PFNs" true "$(json_field pfn_visible "$info")"

uinfo=$(su -s /bin/sh user -c "PATH=$PATH ptscope --json info")
check "an unprivileged user can query the module" 0 $?
check "an unprivileged user does not see PFNs" false "$(json_field pfn_visible "$uinfo")"

if [ -d /proc/ptscope ]; then
	pass "/proc/ptscope exists while loaded"
else
	fail "/proc/ptscope exists while loaded"
fi

# Unload and reload: the family and procfs go away and come back.
rmmod ptscope
check "rmmod succeeds" 0 $?
ptscope info >/tmp/basic.out 2>&1
check "the tool exits 3 when the module is not loaded" 3 $?
grep -q 'not loaded' /tmp/basic.out && pass "the tool says the module is not loaded" ||
	fail "the tool says the module is not loaded: $(cat /tmp/basic.out)"
[ ! -e /proc/ptscope ] && pass "/proc/ptscope is gone after rmmod" ||
	fail "/proc/ptscope is gone after rmmod"
insmod /ptscope/ptscope.ko
check "insmod again succeeds" 0 $?
ptscope info >/dev/null 2>&1
check "the tool works after reload" 0 $?
