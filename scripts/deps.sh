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
#   6.12 (trixie): the newest linux-headers-6.12.*+deb13-amd64, in a
#         trixie chroot, for build tests only
set -eu

export DEBIAN_FRONTEND=noninteractive

# linux-source-6.12 provides scripts/checkpatch.pl for `make style`; the
# linux-source packages and bc..libssl-dev build the debug kernel
# (scripts/debug-kernel).  debhelper..lintian build and check the Debian
# packages, and debootstrap and e2fsprogs make the real Debian system
# they are installed in (make check-install, scripts/debian-image).
# procps gives the VM tests the real free and pmap to compare with;
# groff-base checks the man page (make style).
base_pkgs="gcc make libc6-dev libmnl-dev libsmartcols-dev procps pkg-config \
dwarves kmod xz-utils zstd qemu-system-x86 qemu-system-arm busybox-static cpio perl sparse \
linux-source-6.12 linux-source-6.1 bc bison flex libelf-dev libssl-dev \
debootstrap e2fsprogs dpkg-dev debhelper dh-dkms lintian groff-base"

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

# --- the chroots: sid's newest kernel (7.2 today) and trixie's 6.12 -----
#
# sid's kernel headers need gcc-16 and a libc newer than bookworm's, and
# trixie's 6.12 headers gcc-14, so the module for those kernels is built in
# minimal debootstrap chroots (scripts/chroot runs commands there), cached
# beside the debug kernel, never in the tree.  sid's kernel is also booted:
# sid splits it into linux-binary-* (the vmlinuz scripts/vm boots) and
# linux-modules-* (zram and its dependencies for the guest).  trixie's is
# only built against (scripts/style.sh), so it gets headers alone.
cache=${PTSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ptscope}
chroot_tool=$(cd "$(dirname "$0")" && pwd)/chroot

# The Debian archive the host already uses (deb822 or one-line sources),
# so that no mirror is named here.
host_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		sed -n -e 's#^URIs: *\([^ ]*/debian\)/*$#\1#p' \
			-e 's#^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*/debian\)/* .*#\2#p' |
		head -n 1
}

# The newest kernel release whose headers package matches the extended
# regex $2 (the release in parentheses), in chroot $1.
resolve_in() {
	"$chroot_tool" "$1" apt-cache search --names-only "^linux-headers-$2\$" 2>/dev/null |
		sed -E -n "s/^linux-headers-($2) .*/\1/p" |
		sort -V | tail -n 1
}

# make_chroot SUITE RELEASE-REGEX PACKAGES...: create the chroot if it is
# missing, refresh its lists once a day, resolve the newest kernel release
# matching RELEASE-REGEX, install PACKAGES (with @ standing for that
# release) when any is missing, and set $resolved to the release.
make_chroot() {
	suite=$1 regex=$2 dir=$cache/$1-chroot
	shift 2
	if [ ! -x "$dir/usr/bin/apt-get" ]; then
		mirror=$(host_mirror)
		if [ -z "$mirror" ]; then
			echo "ptscope: no Debian mirror in /etc/apt/sources.list*; cannot make the $suite chroot" >&2
			exit 1
		fi
		echo "ptscope: creating the $suite chroot in $dir from $mirror"
		mkdir -p "$cache"
		rm -rf "$dir.tmp"
		run debootstrap --variant=minbase "$suite" "$dir.tmp" "$mirror"
		mv "$dir.tmp" "$dir"
	fi
	[ "$(id -u)" -eq 0 ] || { echo "ptscope: the $suite chroot needs root" >&2; exit 1; }
	# Lists older than a day may miss the newest kernel (or name one the
	# mirror dropped); refreshing costs a few seconds.  A stamp of our own
	# tells their age: apt may date the list files by the mirror's clock.
	# (scripts/chroot --apt passes Acquire::Check-Valid-Until=false: the
	# mirror's sid Release file can be past its Valid-Until date.)
	stamp=$dir/var/lib/apt/ptscope-lists-updated
	if [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
		"$chroot_tool" "$suite" --apt update
		touch "$stamp"
	fi
	resolved=$(resolve_in "$suite" "$regex")
	if [ -z "$resolved" ]; then
		echo "ptscope: cannot resolve a linux-headers-$regex package with apt-cache in $dir" >&2
		exit 1
	fi
	# shellcheck disable=SC2046
	install_in "$suite" $(echo "$*" | sed "s/@/$resolved/g")
}

# install_in SUITE PACKAGES...: apt-get install those of PACKAGES (NAME or
# NAME:ARCH) that are not installed in the chroot of SUITE.
install_in() {
	suite=$1
	shift
	# One dpkg-query for all of them: each chroot call costs a fork or two.
	# Each installed package is listed as NAME and as NAME:ARCH, so that
	# either way of asking finds it.
	# shellcheck disable=SC2016
	have=$("$chroot_tool" "$suite" dpkg-query -W \
		-f '${Package} ${Status}\n${Package}:${Architecture} ${Status}\n' "$@" 2>/dev/null |
		sed -n 's/ install ok installed$//p')
	missing=""
	for p in "$@"; do
		echo "$have" | grep -qx "$p" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "ptscope: installing in the $suite chroot:$missing"
		# shellcheck disable=SC2086
		"$chroot_tool" "$suite" --apt install -y --no-install-recommends $missing
	fi
}

build_pkgs="make sparse dwarves kmod xz-utils zstd"
make_chroot sid '7\.2\.[0-9]+\+deb[0-9]+-amd64' \
	"$build_pkgs linux-headers-@ linux-binary-@ linux-modules-@"
vsid=$resolved
# sid's 7.2 headers package leaves out scripts/checker-valid.sh, which the
# kernel's Makefile runs for C=1/C=2 to vet sparse: without it, kbuild
# prints "C=2 specified, but sparse is not available" and silently skips
# sparse.  Put back the check it makes (sparse runs, and understands
# __typeof_unqual__, which 7.2's headers use); scripts/style.sh fails on
# that message, so a missing checker never passes for a clean run.
for hdr in "$cache"/sid-chroot/usr/src/linux-headers-*-common; do
	if [ -e "$hdr/scripts/checker-valid.sh" ] ||
		! grep -q checker-valid.sh "$hdr/Makefile" 2>/dev/null; then
		continue
	fi
	cat >"$hdr/scripts/checker-valid.sh" <<'CHECKER'
#!/bin/sh -eu
# Put here by ptscope's scripts/deps.sh (Debian's headers package lacks it):
# prints 1 if the checker "$@" runs and parses __typeof_unqual__, else 0.
[ -x "$(command -v "$1")" ] || { echo 0; exit 0; }
tmp_file=$(mktemp)
trap 'rm -f "$tmp_file"' EXIT
printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$tmp_file"
"$@" "$tmp_file" 2>&1 | awk -v c=1 '/error/{c=0}END{print c}'
CHECKER
	chmod 755 "$hdr/scripts/checker-valid.sh"
done
make_chroot trixie '6\.12\.[0-9]+\+deb13-amd64' "$build_pkgs linux-headers-@"
vtrixie=$resolved

# --- arm64: cross toolchains, headers, kernels and libraries -------------
#
# arm64 guests boot under qemu-system-aarch64 (host: qemu-system-arm)
# with -kernel, so they need no firmware.  Everything for arm64 is
# cross-built in the chroots, from their arm64 architecture: the tool
# and the guest programs in trixie's (gcc-14; libc6-dev, libmnl-dev and
# libsmartcols-dev for arm64, busybox-static for the guest's shell), the
# module in the chroot whose headers match the kernel.  Each chroot also
# keeps its arm64 kernel where scripts/vm --arch arm64 boots it from:
# trixie's 6.12 (/boot/vmlinuz-RELEASE, /usr/lib/modules/RELEASE) and
# sid's 7.2 (linux-binary: /usr/lib/modules/RELEASE/vmlinuz).

# add_arm64 SUITE: make arm64 a foreign architecture of the chroot, once,
# and refresh its lists then.
add_arm64() {
	if ! "$chroot_tool" "$1" dpkg --print-foreign-architectures | grep -qx arm64; then
		echo "ptscope: adding the arm64 architecture to the $1 chroot"
		"$chroot_tool" "$1" dpkg --add-architecture arm64
		"$chroot_tool" "$1" --apt update
	fi
}

# unpack_in SUITE DIR PACKAGE:ARCH...: unpack the candidate version of
# each package into DIR of the chroot with dpkg-deb -x, once per version
# (a stamp in /var/lib/ptscope-unpacked says which), outside dpkg's
# bookkeeping.  Only for what apt cannot install: trixie's arm64 headers
# depend on gcc-14:arm64, which conflicts with the amd64 cross compiler
# (sid's depend on gcc-16-for-host, which apt can install), and
# procps:arm64 would replace the chroot's own procps.
unpack_in() {
	suite=$1 dest=$2
	shift 2
	root=$("$chroot_tool" "$suite" --path)
	for p in "$@"; do
		ver=$("$chroot_tool" "$suite" apt-cache show --no-all-versions "$p" 2>/dev/null |
			sed -n 's/^Version: //p' | head -n 1)
		if [ -z "$ver" ]; then
			echo "ptscope: no package $p in the $suite chroot's lists" >&2
			exit 1
		fi
		stamp=/var/lib/ptscope-unpacked/${p%%:*}_$ver
		[ -e "$root$stamp" ] && continue
		echo "ptscope: unpacking $p $ver in the $suite chroot"
		# shellcheck disable=SC2016
		"$chroot_tool" "$suite" sh -euc '
			tmp=$(mktemp -d)
			cd "$tmp"
			apt-get -q download "$1=$2" >/dev/null 2>&1 ||
				apt-get -q download "$1=$2"
			mkdir -p "$4"
			dpkg-deb -x ./*.deb "$4"
			cd /
			rm -rf "$tmp"
			mkdir -p "${3%/*}"
			touch "$3"' sh "$p" "$ver" "$stamp" "$dest"
	done
}

arm64_libs="libc6-dev:arm64 libmnl-dev:arm64 libsmartcols-dev:arm64 busybox-static:arm64"
# procps' free and pmap for arm64 guests (test-table's oracles), beside
# the chroot's own: unpacked into /opt/ptscope-arm64, their libraries
# (libproc2-0 and what it needs) installed by apt.

add_arm64 trixie
varm_trixie=$(resolve_in trixie '6\.12\.[0-9]+\+deb13-arm64')
if [ -z "$varm_trixie" ]; then
	echo "ptscope: cannot resolve a linux-headers-6.12.*+deb13-arm64 package in the trixie chroot" >&2
	exit 1
fi
# The arm64 headers' architecture-independent parts: the common headers
# and kbuild (Multi-Arch: foreign, so the amd64 one serves).
# shellcheck disable=SC2086
install_in trixie gcc-14-aarch64-linux-gnu pkgconf $arm64_libs libproc2-0:arm64 \
	"linux-headers-${varm_trixie%-arm64}-common" "linux-kbuild-${varm_trixie%-arm64}"
unpack_in trixie / "linux-headers-$varm_trixie:arm64" "linux-image-$varm_trixie-unsigned:arm64"
unpack_in trixie /opt/ptscope-arm64 procps:arm64
# The image's postinst would have run depmod; scripts/vm reads modules.dep.
if [ ! -e "$("$chroot_tool" trixie --path)/usr/lib/modules/$varm_trixie/modules.dep" ]; then
	"$chroot_tool" trixie depmod "$varm_trixie"
fi

add_arm64 sid
varm_sid=$(resolve_in sid '7\.2\.[0-9]+\+deb[0-9]+-arm64')
if [ -z "$varm_sid" ]; then
	echo "ptscope: cannot resolve a linux-headers-7.2.*-arm64 package in the sid chroot" >&2
	exit 1
fi
# shellcheck disable=SC2086
install_in sid gcc-16-aarch64-linux-gnu $arm64_libs "linux-headers-$varm_sid:arm64" \
	"linux-binary-$varm_sid:arm64" "linux-modules-$varm_sid:arm64"

# No arm64 kernel gets a /usr/lib/modules/RELEASE/build link: what lists
# the chroots' kernels by those links (scripts/style.sh) builds for amd64,
# and the module is not ported to arm64 yet.  scripts/vm --arch arm64
# builds against /usr/src/linux-headers-RELEASE instead.  trixie's was
# unpacked by hand, so it goes; sid's belongs to its package, so dpkg
# diverts it (and an upgrade's) aside.
hide_build_link() { # SUITE RELEASE
	link=/usr/lib/modules/$2/build
	if [ "$1" = trixie ]; then
		rm -f "$("$chroot_tool" trixie --path)$link"
	else
		"$chroot_tool" "$1" dpkg-divert --quiet --local --rename \
			--divert "$link.ptscope-arm64" --add "$link"
	fi
}
hide_build_link trixie "$varm_trixie"
hide_build_link sid "$varm_sid"

echo "ptscope: all dependencies present (kernels $v61, $v612, sid $vsid, trixie $vtrixie;" \
	"arm64: trixie $varm_trixie, sid $varm_sid)"
