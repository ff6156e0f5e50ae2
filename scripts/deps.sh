#!/bin/sh
# deps.sh - install everything ptscope's build, VM runner and tests need.
#
# Idempotent: does nothing when every package is already installed.
# When not run as root, prints the apt-get command instead of running it.
# Kernel versions are resolved with apt-cache, never hard-coded:
#   6.1:  whatever linux-headers-amd64 depends on (bookworm's default kernel)
#   6.12: the newest linux-image-6.12.*+deb12-amd64-unsigned
#   7.2:  the newest linux-headers-7.2.*-amd64 in Debian sid, installed into
#         a sid chroot (see below), not on the host
set -eu

export DEBIAN_FRONTEND=noninteractive

# linux-source-6.12 provides scripts/checkpatch.pl for `make style`; the
# linux-source packages and bc..libssl-dev build the debug kernel
# (scripts/debug-kernel).
base_pkgs="gcc make libc6-dev libmnl-dev libsmartcols-dev procps pkg-config dwarves kmod xz-utils \
zstd qemu-system-x86 busybox-static cpio perl sparse linux-source-6.12 \
linux-source-6.1 bc bison flex libelf-dev libssl-dev debootstrap"

need_update=0
[ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' 2>/dev/null | head -n 1)" ] ||
	need_update=1

run() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		echo "ptscope: not root; run this yourself:" >&2
		echo "  sudo $*" >&2
		exit 1
	fi
}

if [ "$need_update" -eq 1 ]; then
	run apt-get update -q
fi

# Resolve the 6.1 ABI name from the meta package, e.g. 6.1.0-56-amd64.
resolve_61() {
	apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' |
		head -n 1
}

# The newest 6.12 unsigned image, e.g. 6.12.117+deb12-amd64.
resolve_612() {
	apt-cache search --names-only '^linux-image-6\.12\..*\+deb12-amd64-unsigned$' 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned .*/\1/p' |
		sort -V | tail -n 1
}

v61=$(resolve_61)
v612=$(resolve_612)
if [ -z "$v61" ] || [ -z "$v612" ]; then
	# Stale or empty package lists: refresh once and retry.
	run apt-get update -q
	v61=$(resolve_61)
	v612=$(resolve_612)
fi
if [ -z "$v61" ] || [ -z "$v612" ]; then
	echo "ptscope: cannot resolve Debian 6.1/6.12 kernel packages with apt-cache;" >&2
	echo "ptscope: check that bookworm and bookworm-backports or -security are in sources.list" >&2
	exit 1
fi

pkgs="$base_pkgs linux-headers-$v61 linux-image-$v61-unsigned \
linux-headers-$v612 linux-image-$v612-unsigned"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "ptscope: installing:$missing"
	# Refresh the lists first: a stale list names versions the mirror dropped.
	[ "$need_update" -eq 1 ] || run apt-get update -q
	# shellcheck disable=SC2086
	run apt-get install -y -q --no-install-recommends $missing
fi

# --- the sid chroot, for sid's newest kernel (7.2 today) ----------------
#
# sid's kernel headers need gcc-16 and a libc newer than bookworm's, so the
# module for that kernel is built in a minimal sid chroot (scripts/sid-chroot
# runs commands there), cached beside the debug kernel, never in the tree.
# sid splits the kernel into linux-binary-* (the vmlinuz scripts/vm boots)
# and linux-modules-* (zram and its dependencies for the guest).
cache=${PTSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptscope}
sid=$cache/sid-chroot

# The Debian archive the host already uses (deb822 or one-line sources),
# so that no mirror is named here.
host_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's#^URIs: *\([^ ]*/debian\)/*$#\1#p' \
			-e 's#^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*/debian\)/* .*#\2#p' |
		head -n 1
}

# Run a command in the chroot, with /proc, in a private mount namespace.
# shellcheck disable=SC2016
in_sid() {
	unshare --mount --propagation private /bin/sh -ec \
		'mount -t proc proc "$0/proc"; exec chroot "$0" "$@"' "$sid" "$@"
}

# The mirror's sid Release file can be past its Valid-Until date (a frozen
# snapshot): without this, apt in the chroot refuses every list.
sid_apt() {
	in_sid env DEBIAN_FRONTEND=noninteractive \
		apt-get -q -o Acquire::Check-Valid-Until=false "$@"
}

# The newest sid 7.2 flavour-amd64 kernel, e.g. 7.2.13+deb14-amd64.
resolve_sid() {
	in_sid apt-cache search --names-only '^linux-headers-7\.2\.[0-9]+\+deb[0-9]+-amd64$' 2>/dev/null |
		sed -n 's/^linux-headers-\(7\.2\.[0-9]*+deb[0-9]*-amd64\) .*/\1/p' |
		sort -V | tail -n 1
}

if [ ! -x "$sid/usr/bin/apt-get" ]; then
	mirror=$(host_mirror)
	if [ -z "$mirror" ]; then
		echo "ptscope: no Debian mirror in /etc/apt/sources.list*; cannot make the sid chroot" >&2
		exit 1
	fi
	echo "ptscope: creating the sid chroot in $sid from $mirror"
	mkdir -p "$cache"
	rm -rf "$sid.tmp"
	run debootstrap --variant=minbase sid "$sid.tmp" "$mirror"
	mv "$sid.tmp" "$sid"
fi
[ "$(id -u)" -eq 0 ] || { echo "ptscope: the sid chroot needs root" >&2; exit 1; }
# Lists older than a day may miss the newest 7.2 (or name one the mirror
# dropped); refreshing costs a few seconds.  A stamp of our own tells
# their age: apt may date the list files by the mirror's clock.
stamp=$sid/var/lib/apt/ptscope-lists-updated
if [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
	sid_apt update
	touch "$stamp"
fi
vsid=$(resolve_sid)
if [ -z "$vsid" ]; then
	echo "ptscope: cannot resolve sid's 7.2 kernel with apt-cache in $sid" >&2
	exit 1
fi
sid_pkgs="make sparse dwarves kmod xz-utils zstd linux-headers-$vsid \
linux-binary-$vsid linux-modules-$vsid"
# One dpkg-query for all of them: each chroot call costs a fork or two.
# shellcheck disable=SC2086
sid_have=$(in_sid dpkg-query -W -f '${Package} ${Status}\n' $sid_pkgs 2>/dev/null |
	sed -n 's/ install ok installed$//p')
sid_missing=""
for p in $sid_pkgs; do
	echo "$sid_have" | grep -qx "$p" || sid_missing="$sid_missing $p"
done
if [ -n "$sid_missing" ]; then
	echo "ptscope: installing in the sid chroot:$sid_missing"
	# shellcheck disable=SC2086
	sid_apt install -y --no-install-recommends $sid_missing
fi

echo "ptscope: all dependencies present (kernels $v61, $v612, sid ${vsid:-?})"
