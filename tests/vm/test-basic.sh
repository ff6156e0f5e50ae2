#!/bin/sh
# test-basic.sh - the module loads, answers the tool, and unloads cleanly.
# Oracles: /proc/modules, uname, va-probe (an mmap hinted at 2^50 lands
# above 2^48 only with 5 levels) and the architectures' known geometry:
# x86-64's user tops 2^47 - 4K and 2^56 - 4K with 48- and 57-bit
# addresses, arm64's 2^48 and 2^52 (TASK_SIZE_64 is 1 << vabits_actual).
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

levels=$(va-probe | sed -n 's/^levels \([45]\) .*/\1/p')
case $(uname -m)-$levels in
x86_64-5) arch=x86_64 top=0xfffffffffff000 va=57 root=CR3 ;;
x86_64-4) arch=x86_64 top=0x7ffffffff000 va=48 root=CR3 ;;
aarch64-5) arch=arm64 top=0x10000000000000 va=52 root=TTBR0_EL1 ;;
aarch64-4) arch=arm64 top=0x1000000000000 va=48 root=TTBR0_EL1 ;;
*) arch=? top=? va=? root=? ;;
esac
check "paging levels match the mmap probe ($levels)" "$levels" "$(json_field paging_levels "$info")"
check "user address-space top for $levels-level paging" $top "$(json_field task_size "$info")"
check "architecture ($(uname -m))" "$arch" "$(json_field arch "$info")"
check "virtual address bits for $levels-level paging" "$va" "$(json_field va_bits "$info")"
case $(json_field table_roots "$info") in
"$root"*) pass "table roots begin with $root" ;;
*) fail "table roots begin with $root: '$(json_field table_roots "$info")'" ;;
esac
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
