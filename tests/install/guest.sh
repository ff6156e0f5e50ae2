#!/bin/sh
# guest.sh - the guest half of the packages' install test
# (tests/install/check-install.sh), run as root at every boot of the real
# Debian 12 image (scripts/debian-image) by its ptscope-test-hook.service,
# from the test disk that also carries the two .debs.
#
# It goes through the life of the packages on a real system, one phase per
# boot, keeping its place in /var/lib/ptscope-test (the root disk is a
# throwaway snapshot that lives as long as the QEMU process):
#   install  first the tree's make dkms-install, twice, and make
#            dkms-uninstall (src.tar on the test disk); then apt-get install
#            both .debs offline; DKMS must have built and installed
#            ptscope.ko for the running kernel; then reboot
#   boot     the module was loaded at boot by modules-load.d; as the normal
#            user: ptscope is on PATH, `ptscope info` works and `ptscope
#            maps $$` shows the shell's VMAs, checked against
#            /proc/$$/maps; then apt-get purge both, and DKMS, the module
#            and every file of the packages must be gone; then power off
# Results go to ttyS1 as PASS:/FAIL: lines, apart from the console; the
# oracles are dpkg, DKMS, modinfo, /proc/modules and /proc/PID/maps.
set -u

out=/dev/ttyS1
state=/var/lib/ptscope-test
log=$state/log
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$state"
phase=$(cat "$state/phase" 2>/dev/null || echo install)
release=$(uname -r)

pass() { echo "PASS: $*" >"$out"; }
fail() { echo "FAIL: $*" >"$out"; }
# check DESCRIPTION CMD...: PASS when CMD succeeds; its output goes to the
# log, and on failure to the console too.
check() {
	_d=$1
	shift
	echo "--- $_d: $*" >>"$log"
	if "$@" >"$state/last" 2>&1; then
		cat "$state/last" >>"$log"
		pass "$_d"
	else
		cat "$state/last" >>"$log"
		sed 's/^/  | /' "$state/last" | tail -n 20
		fail "$_d"
	fi
}
as_user() { runuser -u user -- "$@"; }

# The version the packages say they are: the oracle for DKMS and modinfo.
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null; }

# dkms status line of ptscope for the running kernel says "installed".
dkms_installed() {
	dkms status -m ptscope -v "$1" -k "$release" | tee /dev/stderr |
		grep -q "^ptscope/$1, $release, [^:]*: installed"
}

modinfo_version_is() {
	[ -n "$1" ] && [ "$(modinfo -k "$release" -F version ptscope)" = "$1" ]
}

# `ptscope maps PID` for the user's own shell names every VMA start of
# /proc/PID/maps (read by the same shell just before) and the shell's
# executable.  Addresses are compared as numbers, whatever their padding
# or 0x prefix.
maps_shows_shell() {
	d=$(mktemp -d)
	chmod 777 "$d"
	# shellcheck disable=SC2016
	as_user bash -c 'cat /proc/$$/maps >"$1/proc"; readlink /proc/$$/exe >"$1/exe";
		ptscope maps $$ >"$1/tool" 2>&1; echo $? >"$1/rc"' bash "$d"
	echo "ptscope maps exit status $(cat "$d/rc")"
	cat "$d/tool"
	[ "$(cat "$d/rc")" = 0 ] || return 1
	grep -qF "$(cat "$d/exe")" "$d/tool" || { echo "no $(cat "$d/exe") in the output"; return 1; }
	grep -oiE '(0x)?[0-9a-f]{6,}' "$d/tool" | sed 's/^0[xX]//; s/^0*//' |
		tr 'A-F' 'a-f' | sort -u >"$d/tool.addrs"
	missing=0 n=0
	# [vsyscall] is a fixed kernel mapping, not one of the mm's VMAs.
	grep -v '\[vsyscall\]' "$d/proc" | cut -d- -f1 | sed 's/^0*//' >"$d/starts"
	while read -r a; do
		n=$((n + 1))
		grep -qx "$a" "$d/tool.addrs" || { echo "VMA at $a missing"; missing=$((missing + 1)); }
	done <"$d/starts"
	echo "$n VMAs in /proc/PID/maps, $missing missing from ptscope maps"
	rm -rf "$d"
	[ "$n" -gt 0 ] && [ "$missing" -eq 0 ]
}

# Nothing of the packages is left: their files, DKMS's tree, the module.
nothing_left() {
	left=0
	while read -r f; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		echo "left behind: $f"
		left=1
	done <"$state/files"
	for p in ptscope ptscope-dkms; do
		s=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null)
		case $s in "" | pn* | un*) ;; *) echo "$p: dpkg status '$s'"; left=1 ;; esac
	done
	[ "$left" -eq 0 ]
}

# The tree's own DKMS targets, before the packages: make dkms-install
# twice (the second must replace the first), only sources in /usr/src,
# then make dkms-uninstall leaves nothing.
dkms_targets() {
	src=$(mktemp -d)
	tar -xf "$here/src.tar" -C "$src"
	sv=$(sed -n 's/^#define PTSCOPE_VERSION[[:space:]]*"\(.*\)"/\1/p' "$src/module/internal.h")
	check "make dkms-install" make -C "$src" dkms-install
	check "make dkms-install again (replaces the first)" make -C "$src" dkms-install
	check "DKMS lists ptscope $sv installed for $release" dkms_installed "$sv"
	# shellcheck disable=SC2016
	check "/usr/src/ptscope-$sv holds only sources" sh -c '[ -f "$1/module/main.c" ] &&
		[ -z "$(find "$1" -name "*.o" -o -name "*.ko" -o -name ".*.cmd" -o -name "*.mod*" |
			tee /dev/stderr)" ]' sh "/usr/src/ptscope-$sv"
	# shellcheck disable=SC2016
	check "make dkms-uninstall leaves no registration, module or sources" \
		sh -c 'make -C "$1" dkms-uninstall && ! dkms status | grep ptscope &&
			[ ! -e "/usr/src/ptscope-$2" ] &&
			[ -z "$(find /lib/modules -name "ptscope.ko*")" ]' sh "$src" "$sv"
	rm -rf "$src"
}

case $phase in
install)
	if [ -f "$here/src.tar" ]; then
		echo "ptscope install test: make dkms-install on $release" >"$out"
		dkms_targets
	else
		echo "SKIP: make dkms-install twice, make dkms-uninstall: no tree on the test disk (check-install.sh --quick)" >"$out"
	fi
	echo "ptscope install test: installing the packages" >"$out"
	cd "$here" || exit 1
	# Offline: the guest has no network and no package lists, so apt can
	# only use the .debs and what the image has.
	check "apt-get install ./ptscope_*.deb ./ptscope-dkms_*.deb (offline)" \
		env DEBIAN_FRONTEND=noninteractive apt-get install -y \
		"$here"/ptscope_*.deb "$here"/ptscope-dkms_*.deb
	v=$(pkgver ptscope-dkms)
	check "DKMS built and installed ptscope $v for $release" dkms_installed "$v"
	check "ptscope.ko for $release has version $v (modinfo)" modinfo_version_is "$v"
	# README.Debian's Secure Boot note relies on this key.
	# shellcheck disable=SC2016
	check "DKMS signed ptscope.ko (modinfo signer) with /var/lib/dkms/mok.key" \
		sh -c '[ -f /var/lib/dkms/mok.pub ] && [ -n "$(modinfo -k "$1" -F signer ptscope)" ]' sh "$release"
	check "modules-load.d names ptscope" \
		grep -qx ptscope /usr/lib/modules-load.d/ptscope.conf
	check "man page in section 1" test -f /usr/share/man/man1/ptscope.1.gz
	check "UAPI header in /usr/include/linux" test -f /usr/include/linux/ptscope.h
	# Every file (not directory) the packages own, and what DKMS made.
	dpkg -L ptscope ptscope-dkms | while read -r f; do
		[ -d "$f" ] || echo "$f"
	done >"$state/files"
	echo "/var/lib/dkms/ptscope" >>"$state/files"
	modinfo -k "$release" -n ptscope >>"$state/files" 2>/dev/null
	echo boot >"$state/phase"
	sync
	systemctl --no-block reboot
	;;
boot)
	echo "ptscope install test: after reboot" >"$out"
	v=$(pkgver ptscope)
	check "ptscope.ko loaded at boot (/proc/modules)" grep -q '^ptscope ' /proc/modules
	# shellcheck disable=SC2016
	check "ptscope on a normal user's PATH is /usr/bin/ptscope" \
		sh -c '[ "$(runuser -u user -- bash -lc "command -v ptscope")" = /usr/bin/ptscope ]'
	check "ptscope --version as user says $v" \
		sh -c "[ -n '$v' ] && runuser -u user -- ptscope --version | tee /dev/stderr | grep -qF '$v'"
	check "ptscope info as user works and names $release" \
		sh -c "runuser -u user -- ptscope info | tee /dev/stderr | grep -qF '$release'"
	check "ptscope maps \$\$ as user shows the shell's VMAs (/proc/\$\$/maps)" maps_shows_shell
	check "apt-get purge ptscope ptscope-dkms" \
		env DEBIAN_FRONTEND=noninteractive apt-get purge -y ptscope ptscope-dkms
	check "DKMS no longer lists ptscope" \
		sh -c '! dkms status | tee /dev/stderr | grep -q ptscope'
	# shellcheck disable=SC2016
	check "no ptscope.ko left in /lib/modules" \
		sh -c '[ -z "$(find /lib/modules -name "ptscope.ko*" | tee /dev/stderr)" ]'
	check "no file of the packages left, both purged in dpkg" nothing_left
	echo finished >"$state/phase"
	echo "--- guest done" >"$out"
	sync
	systemctl --no-block poweroff
	;;
*)
	systemctl --no-block poweroff
	;;
esac
