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
#                        /usr/local/sbin
#   make dkms-install    register, build and install the module with DKMS
#   make style           checkpatch, W=1 and sparse on the module

VERSION := 0.1

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
GUEST_DIR := build/guest/bin
TEST_COMMON := $(wildcard tests/common/*.c)
TEST_HDRS := $(wildcard tests/common/*.h) module/uapi/ptscope.h
GUEST_DIRS := tests/vm tests/scenarios tests/demos tests/bench tests/stress \
	      tests/fuzz
GUEST_SRCS := $(foreach d,$(GUEST_DIRS),$(wildcard $(d)/*.c))
GUEST_BINS := $(addprefix $(GUEST_DIR)/,$(notdir $(GUEST_SRCS:.c=)))

KMOD_SRCS := Kbuild $(wildcard module/*.c module/*.h module/uapi/*.h)
# Helper modules the race tests load (tests/modules/NAME/), built beside
# ptscope.ko for the same kernel; never part of the product.
TEST_MODS := $(wildcard tests/modules/*)

.PHONY: all module tool guest guest-progs kmod check check-host check-vm \
	check-debug demo bench install dkms-install style clean help

all: module tool

help:
	@sed -n '3,14s/^# \{0,1\}//p' Makefile

module:
	@test -d "$(KDIR)" || { echo "ptscope: no kernel build tree; install headers (scripts/deps.sh) or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	cp ptscope.ko module/ptscope.ko

tool:
	$(MAKE) -C userspace

# Build ptscope.ko for KDIR in a separate tree, KMOD_OUT, so that modules
# for several kernels can coexist.  Warnings are errors here: this is the
# build every test uses.  PTSCOPE_TEST_HOOKS=y makes the test build with
# the delay points of module/testhook.h (scripts/vm --test-hooks).
kmod:
	@test -n "$(KMOD_OUT)" || { echo "ptscope: make kmod needs KMOD_OUT=DIR" >&2; exit 2; }
	@mkdir -p $(KMOD_OUT)/module/uapi
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
GUEST_PROCPS := $(GUEST_DIR)/procps-free $(GUEST_DIR)/procps-pmap

guest-progs: $(GUEST_BINS) $(GUEST_PROCPS)

$(GUEST_DIR)/procps-%: /usr/bin/%
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

demo:
	@scripts/demo.sh $(DEMO)

bench:
	@tests/bench/bench.sh
	@tests/bench/stats-overhead.sh

install: module tool
	install -D -m 644 ptscope.ko $(DESTDIR)/lib/modules/$(KVER)/extra/ptscope.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

DKMS_SRC := $(DESTDIR)/usr/src/ptscope-$(VERSION)

dkms-install:
	@command -v dkms >/dev/null || { echo "ptscope: dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild dkms.conf module $(DKMS_SRC)/
	dkms add -m ptscope -v $(VERSION)
	dkms build -m ptscope -v $(VERSION) -k $(KVER)
	dkms install -m ptscope -v $(VERSION) -k $(KVER)

style:
	@scripts/style.sh

clean:
	-[ -d "$(KDIR)" ] && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f module/ptscope.ko
	-$(MAKE) -C userspace clean
	-$(MAKE) -C tests/unit clean
	rm -rf build
