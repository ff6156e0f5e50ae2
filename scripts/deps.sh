#!/bin/sh
# deps.sh - install everything ptscope's build, VM runner and tests need.
#
# Idempotent: does nothing when every package is already installed.
# When not run as root, prints the apt-get command instead of running it.
# Kernel versions are resolved with apt-cache, never hard-coded:
#   6.1:  whatever linux-headers-amd64 depends on (bookworm's default kernel)
#   6.12: the newest linux-image-6.12.*+deb12-amd64-unsigned
set -eu

export DEBIAN_FRONTEND=noninteractive

# linux-source-6.12 provides scripts/checkpatch.pl for `make style`; the
# linux-source packages and bc..libssl-dev build the debug kernel
# (scripts/debug-kernel).
base_pkgs="gcc make libc6-dev libmnl-dev pkg-config dwarves kmod xz-utils \
zstd qemu-system-x86 busybox-static cpio perl sparse linux-source-6.12 \
linux-source-6.1 bc bison flex libelf-dev libssl-dev"

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

if [ -z "$missing" ]; then
	echo "ptscope: all dependencies present (kernels $v61, $v612)"
	exit 0
fi

echo "ptscope: installing:$missing"
# Refresh the lists first: a stale list names versions the mirror dropped.
[ "$need_update" -eq 1 ] || run apt-get update -q
# shellcheck disable=SC2086
run apt-get install -y -q --no-install-recommends $missing
