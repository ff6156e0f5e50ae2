# SPDX-License-Identifier: GPL-2.0
#
# ptscope: one Makefile for people; the kernel side is described in Kbuild.
#
#   make                 ptscope.ko (for KDIR) and the ptscope tool
#   make check           host unit tests, then the VM suite on Debian's 6.1
#                        and 6.12 kernels with 4- and 5-level paging
#   make demo [DEMO=x]   boot a VM and show ptscope inspecting live processes
#   make bench           boot a VM, run the walker benchmarks and the
#                        statistics overhead (docs/benchmarks.md, README)
#   make install         module into /lib/modules/KVER/extra, tool into
#                        $(PREFIX)/bin, man page into section 1 (DESTDIR=)
#   make uninstall       remove exactly what make install put there
#   make dkms-install    copy the module's sources to /usr/src/ptscope-VERSION,
#                        then register, build and install them with DKMS
#   make dkms-uninstall  remove the module from DKMS and /usr/src
#   make check-install   build the Debian packages and test them in a real
#                        Debian 12 system under QEMU
#   make check-arm64     what works on arm64 so far: the cross-build, and
#                        arm64 guests booting 6.12 and 7.2 at 4 and 5 levels
#   make style           checkpatch, W=1 and sparse on the module

# The one version: module/internal.h's.  The tool, dkms.conf (filled in
# when installed) and debian/changelog (checked by debian/rules) follow it.
VERSION := $(shell sed -n 's/^\#define PTSCOPE_VERSION[[:space:]]*"\(.*\)"/\1/p' \
	     module/internal.h)

# The running kernel's build tree when it has one, else the newest
# installed kernel headers.
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),\
	     $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1))
# Debian 6.1 puts the upstream version in kernel.release; utsrelease.h has
# the real release string.
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr/local
DESTDIR ?=

CC ?= cc
TEST_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	       -Itests/common -Imodule
TEST_LDLIBS := -lpthread

# Guest programs: each tests/{vm,scenarios,demos,bench,stress,fuzz}/*.c is
# one program,
# linked with the shared helpers in tests/common/.
GUEST_DIR := $(if $(filter arm64,$(ARCH)),build/arm64/guest/bin,build/guest/bin)
TEST_COMMON := $(wildcard tests/common/*.c)
TEST_HDRS := $(wildcard tests/common/*.h) module/uapi/ptscope.h
GUEST_DIRS := tests/vm tests/scenarios tests/demos tests/bench tests/stress \
	      tests/fuzz
GUEST_SRCS := $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*.c))
GUEST_BINS := $(addprefix $(GUEST_DIR)/,$(notdir $(GUEST_SRCS:.c=)))

# Cross-building for arm64: `make ARCH=arm64 guest` (scripts/vm --arch
# arm64 runs it in the trixie chroot, which has the arm64 libraries)
# builds the tool and the guest programs under build/arm64/.  The module
# needs nothing here: Debian's arm64 headers set ARCH and CROSS_COMPILE
# themselves.
TOOL_MAKE_ARGS :=
ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
CC := $(CROSS_COMPILE)gcc-$(or $(CROSS_GCC_VERSION),14)
TOOL_MAKE_ARGS := CC=$(CC) OUT=$(CURDIR)/build/arm64/userspace \
	PKG_CONFIG="env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config"
endif

KMOD_SRCS := Kbuild $(wildcard module/*.c module/*.h module/uapi/*.h \
	     module/arch/*.c module/arch/*.h)
# Helper modules the race tests load (tests/modules/NAME/), built beside
# ptscope.ko for the same kernel; never part of the product.
TEST_MODS := $(wildcard tests/modules/*)

.PHONY: all module tool guest guest-progs kmod check check-host check-vm \
	check-debug check-install check-arm64 demo bench install install-module install-tool \
	uninstall dkms-src dkms-install dkms-uninstall style clean help

all: module tool

help:
	@sed -n '3,22s/^# \{0,1\}//p' Makefile

module:
	@test -d "$(KDIR)" || { echo "ptscope: no kernel build tree; install headers (scripts/deps.sh) or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	cp ptscope.ko module/ptscope.ko

tool:
	$(MAKE) -C userspace $(TOOL_MAKE_ARGS)

# Build ptscope.ko for KDIR in a separate tree, KMOD_OUT, so that modules
# for several kernels can coexist.  Warnings are errors here: this is the
# build every test uses.  PTSCOPE_TEST_HOOKS=y makes the test build with
# the delay points of module/testhook.h (scripts/vm --test-hooks).
kmod:
	@test -n "$(KMOD_OUT)" || { echo "ptscope: make kmod needs KMOD_OUT=DIR" >&2; exit 2; }
	@mkdir -p $(KMOD_OUT)/module/uapi $(KMOD_OUT)/module/arch
	@for f in $(KMOD_SRCS); do \
		cmp -s $$f $(KMOD_OUT)/$$f || cp -p $$f $(KMOD_OUT)/$$f; \
	done
	$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_OUT)) W=1 KCFLAGS=-Werror \
		$(if $(PTSCOPE_TEST_HOOKS),PTSCOPE_TEST_HOOKS=y) modules
	@for d in $(TEST_MODS); do \
		o=$(KMOD_OUT)/testmods/$${d##*/}; mkdir -p $$o; \
		for f in $$d/*; do cmp -s $$f $$o/$${f##*/} || cp -p $$f $$o/; done; \
		$(MAKE) -C $(KDIR) M=$(abspath $(KMOD_OUT))/testmods/$${d##*/} \
			W=1 KCFLAGS=-Werror modules || exit 1; \
	done

# procps' free and pmap, the oracles of test-table.sh, with their
# libraries (scripts/vm copies them); busybox's own free stays "free".
# arm64's are unpacked in the trixie chroot by scripts/deps.sh.
GUEST_PROCPS := $(GUEST_DIR)/procps-free $(GUEST_DIR)/procps-pmap
PROCPS_BIN := $(if $(filter arm64,$(ARCH)),/opt/ptscope-arm64/usr/bin,/usr/bin)

guest-progs: $(GUEST_BINS) $(GUEST_PROCPS)

$(GUEST_DIR)/procps-%: $(PROCPS_BIN)/%
	@mkdir -p $(GUEST_DIR)
	cp -p $< $@

define guest_rule
$(GUEST_DIR)/%: $(1)/%.c $(TEST_COMMON) $(TEST_HDRS)
	@mkdir -p $(GUEST_DIR)
	$(CC) $(TEST_CFLAGS) -o $$@ $$< $(TEST_COMMON) $(TEST_LDLIBS)
endef
$(foreach d,$(GUEST_DIRS),$(eval $(call guest_rule,$(d))))

# Everything scripts/vm puts in the guest.
guest: tool guest-progs
	@if [ -n "$(KMOD_OUT)" ]; then $(MAKE) --no-print-directory kmod; fi

check:
	@tests/check.sh

check-host:
	@tests/check.sh --host-only

check-debug:
	@tests/check.sh --debug

check-install:
	@tests/install/check-install.sh

check-arm64:
	@tests/check-arm64.sh

demo:
	@scripts/demo.sh $(DEMO)

bench:
	@tests/bench/bench.sh
	@tests/bench/stats-overhead.sh

install: install-module install-tool

MODULE_FILE = $(DESTDIR)/lib/modules/$(KVER)/extra/ptscope.ko

install-module: module
	install -D -m 644 ptscope.ko $(MODULE_FILE)
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

install-tool: tool
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

uninstall:
	@test -n "$(KVER)" || { echo "ptscope: no kernel build tree to name the release; set KDIR=" >&2; exit 1; }
	rm -f $(MODULE_FILE)
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# The module's sources as DKMS wants them, and nothing built: Kbuild,
# module/ and dkms.conf with its version filled in.  debian/rules uses it
# for ptscope-dkms.
DKMS_SRC := $(DESTDIR)/usr/src/ptscope-$(VERSION)

dkms-src:
	@test -n "$(VERSION)" || { echo "ptscope: no PTSCOPE_VERSION in module/internal.h" >&2; exit 1; }
	for f in $(KMOD_SRCS); do install -D -m 644 $$f $(DKMS_SRC)/$$f || exit 1; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

# Safe to run again: a registration of the same version is removed first
# (its sources too), so the module is rebuilt from this tree.
dkms-install: dkms-uninstall
	@test -n "$(KVER)" || { echo "ptscope: no kernel build tree to build for; install headers or set KDIR=" >&2; exit 1; }
	$(MAKE) --no-print-directory dkms-src DESTDIR=
	dkms add -m ptscope -v $(VERSION)
	dkms install -m ptscope -v $(VERSION) -k $(KVER)

dkms-uninstall:
	@command -v dkms >/dev/null || { echo "ptscope: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	if [ -n "$$(dkms status -m ptscope -v $(VERSION))" ]; then \
		dkms remove -m ptscope -v $(VERSION) --all; fi
	rm -rf /usr/src/ptscope-$(VERSION)

style:
	@scripts/style.sh

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f module/ptscope.ko
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/unit clean
	rm -rf build
