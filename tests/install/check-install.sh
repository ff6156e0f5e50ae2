#!/bin/bash
# check-install.sh - `make check-install`: build the Debian packages and
# install them in a real Debian 12 system, the way a user would.
#
#   1. export the tree (tracked and new files, not build products) to
#      build/install/src and build both packages there with
#      `dpkg-buildpackage -us -uc -b`;
#   2. lintian on them: any error fails, warnings are listed;
#   3. boot the cached bookworm image of scripts/debian-image (its own
#      6.1 kernel, systemd, dkms; no network) under QEMU TCG, with a second
#      disk carrying the .debs, the tree (for make dkms-install) and
#      tests/install/guest.sh, which runs the tree's DKMS targets, installs
#      the packages, reboots, checks as a normal user and purges;
#      the root disk is a snapshot, so the cached image never changes.
#
# Prints PASS:/FAIL: lines and ends with "N passed, N failed, N skipped",
# like the other suites, so tests/check.sh can fold it in.  Needs root
# the first time, to build the image (debootstrap).
# --quick leaves out the tree's make dkms-install (twice) and make
# dkms-uninstall in the guest: each DKMS build takes minutes under TCG, so
# make check runs it so.  PTSCOPE_INSTALL_TIMEOUT (seconds, default 2400)
# bounds the guest.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
quick=0
case ${1:-} in
--quick) quick=1 ;;
"") ;;
*) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

passed=0 failed=0 skipped=0
start=$(date +%s)
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
finish() {
	echo "$passed passed, $failed failed, $skipped skipped ($(($(date +%s) - start)) s)"
	[ "$failed" -eq 0 ]
	exit
}

work=$top/build/install
rm -rf "$work"
mkdir -p "$work/src" "$work/disk"

for tool in dpkg-buildpackage dh dh_dkms lintian qemu-system-x86_64 mke2fs debootstrap; do
	command -v "$tool" >/dev/null || { fail "$tool is not installed (run scripts/deps.sh)"; finish; }
done

# --- the packages --------------------------------------------------------
version=$(sed -n 's/^#define PTSCOPE_VERSION[[:space:]]*"\(.*\)"/\1/p' module/internal.h)
git ls-files -co --exclude-standard | grep -v '^build/' |
	tar -cf "$work/disk/src.tar" -T -
tar -xf "$work/disk/src.tar" -C "$work/src"
t=$(date +%s)
if (cd "$work/src" && nice -n 10 dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b builds ptscope and ptscope-dkms $version ($(($(date +%s) - t)) s)"
else
	tail -n 30 "$work/build.log"
	fail "dpkg-buildpackage -us -uc -b (log: $work/build.log)"
	finish
fi
debs=("$work/ptscope_${version}_"*.deb "$work/ptscope-dkms_${version}_all.deb")
for d in "${debs[@]}"; do
	[ -f "$d" ] || { fail "no package $d (is debian/changelog at $version?)"; finish; }
done
# The man page names the same version as the module.
if grep -q "^\.TH PTSCOPE 1 .*\"ptscope $version\"" userspace/ptscope.1; then
	pass "man page is ptscope(1), version $version"
else
	fail "userspace/ptscope.1's .TH is not section 1 with \"ptscope $version\""
fi

lintian -I --tag-display-limit 0 "$work/ptscope_${version}_"*.changes >"$work/lintian.log" 2>&1
sed 's/^/  lintian: /' "$work/lintian.log"
if grep -q '^E: ' "$work/lintian.log"; then
	fail "lintian reports errors on the packages"
else
	pass "lintian: no errors ($(grep -c '^W: ' "$work/lintian.log") warnings)"
fi

# --- make install, uninstall and dkms-src, into a DESTDIR ----------------
# The oracle is the list of files that appear, against the sources git
# knows (dkms-src) or the documented paths (install).  In the exported
# copy, so that nothing is built in the tree the VM stages share.
dest=$work/destdir
src=$work/src
# shellcheck disable=SC2016
kver=$(make -s -C "$src" --no-print-directory --eval='print-kver: ; @echo $(KVER)' print-kver)
want_install=$(printf '%s\n' usr/bin/ptscope usr/share/man/man1/ptscope.1 \
	"lib/modules/$kver/extra/ptscope.ko" | sort)
if nice -n 10 make -s -C "$src" install DESTDIR="$dest" PREFIX=/usr >"$work/make-install.log" 2>&1 &&
	[ "$(cd "$dest" && find . -type f | sed 's#^\./##' | sort)" = "$want_install" ]; then
	pass "make install DESTDIR= PREFIX=/usr puts exactly the tool, ptscope.1 and ptscope.ko"
else
	(cd "$dest" 2>/dev/null && find . -type f)
	fail "make install DESTDIR= (log: $work/make-install.log)"
fi
if make -s -C "$src" uninstall DESTDIR="$dest" PREFIX=/usr >>"$work/make-install.log" 2>&1 &&
	[ -z "$(find "$dest" -type f)" ]; then
	pass "make uninstall removes every file make install put there"
else
	find "$dest" -type f
	fail "make uninstall DESTDIR= left files"
fi
rm -rf "$dest"
want_src=$({ echo dkms.conf; git ls-files Kbuild module; } | sort)
if make -s -C "$src" dkms-src DESTDIR="$dest" >>"$work/make-install.log" 2>&1 &&
	[ "$(cd "$dest/usr/src/ptscope-$version" && find . -type f | sed 's#^\./##' | sort)" = "$want_src" ] &&
	grep -qx "PACKAGE_VERSION=\"$version\"" "$dest/usr/src/ptscope-$version/dkms.conf"; then
	pass "make dkms-src copies exactly Kbuild, module/ and dkms.conf (version $version)"
else
	(cd "$dest" 2>/dev/null && find . -type f)
	fail "make dkms-src DESTDIR= copies other files, or no version in dkms.conf"
fi
rm -rf "$dest"

# --- the real Debian system ----------------------------------------------
t=$(date +%s)
if ! image=$(scripts/debian-image); then
	fail "scripts/debian-image could not make the Debian 12 image"
	finish
fi
echo "image: $image ($(cat "$image/release"), $(($(date +%s) - t)) s)"
cp "${debs[@]}" tests/install/guest.sh "$work/disk/"
[ "$quick" = 0 ] || rm -f "$work/disk/src.tar"
mke2fs -q -t ext4 -L ptscope-test -d "$work/disk" "$work/test.img" 64M >/dev/null ||
	{ fail "mke2fs of the test disk"; finish; }

timeout=${PTSCOPE_INSTALL_TIMEOUT:-2400}
t=$(date +%s)
# One vCPU, single-threaded TCG (one host core, as the other VM stages);
# -cpu max gives 5-level paging.  No soft-lockup or RCU-stall reports: on
# a busy host this guest has spent 20-45 s clearing pages in its initramfs,
# long before ptscope loads; the module's own stalls are the VM suites'
# business, with their own watchdog settings.  Oopses, BUGs and WARNINGs
# still fail the test.  The guest reboots once: QEMU keeps the
# snapshot across the reset and boots -kernel again.
timeout --foreground "$timeout" qemu-system-x86_64 -nodefaults -no-user-config \
	-display none -accel tcg,thread=single -cpu max -smp 1 -m 2G \
	-kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 nosoftlockup rcupdate.rcu_cpu_stall_suppress=1" \
	-drive "file=$image/root.img,format=raw,if=virtio,snapshot=on" \
	-drive "file=$work/test.img,format=raw,if=virtio,readonly=on" \
	-device virtio-rng-pci \
	-serial "file:$work/console.log" -serial "file:$work/results.log" \
	</dev/null >"$work/qemu.log" 2>&1
rc=$?
echo "guest: exit status $rc after $(($(date +%s) - t)) s"
tr -d '\r' <"$work/results.log" | grep -v '^--- guest done' |
	while IFS= read -r l; do echo "$l"; done
passed=$((passed + $(tr -d '\r' <"$work/results.log" | grep -c '^PASS: ')))
skipped=$((skipped + $(tr -d '\r' <"$work/results.log" | grep -c '^SKIP: ')))
failed=$((failed + $(tr -d '\r' <"$work/results.log" | grep -c '^FAIL: ')))
if ! tr -d '\r' <"$work/results.log" | grep -q '^--- guest done'; then
	tail -n 40 "$work/console.log"
	fail "the guest did not finish (status $rc; console: $work/console.log)"
fi
if grep -aE '^\[ *[0-9.]+\] .*(BUG:|WARNING:|Oops|general protection)' "$work/console.log"; then
	fail "kernel or module reports in the guest's console ($work/console.log)"
else
	pass "no kernel reports in the guest's console"
fi
finish
