# SPDX-License-Identifier: GPL-2.0
#
# wamp: write-amplification monitor.
#
#   make                  build wamp.ko for the running kernel (KDIR=...) and wampstat
#   make install          install both (module under /lib/modules/$(KVER)/updates)
#   make dkms-install     register, build and install it with DKMS
#   make deb              the Debian packages wamp-dkms and wampstat, linted (build/deb)
#   make demo             boot Debian's 6.1 kernel in QEMU and show wamp at work
#   make check            every test, in every supported kernel (what CI runs)
#   make check-pkg        the packages installed, upgraded to a new kernel and
#                         purged in a bookworm chroot
#   make lint             checkpatch --strict, sparse and W=1 on the module

# The one version of wamp, set in dkms.conf alone (debian/changelog's entry
# must agree: make deb and debian/rules check).
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(CURDIR)
BUILD := $(CURDIR)/build
CC_USER ?= gcc
WAMP_CACHE ?= /var/cache/wamp
export WAMP_CACHE

# The module's sources: what DKMS and every test build get, and nothing
# else.  make module-src DEST=DIR [EXTRA="more paths"] copies them there
# (keeping DIR's build products, so a rebuild is incremental).
MODULE_SRC := Kbuild Makefile dkms.conf module include configure

.DEFAULT_GOAL := all

module-src:
	@test -n "$(DEST)" || { echo "make module-src DEST=DIR" >&2; exit 2; }
	mkdir -p $(DEST)
	rsync -aR --delete --exclude='*.o' --exclude='*.ko' \
		--exclude='.*.cmd' $(MODULE_SRC) $(EXTRA) $(DEST)/

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	rm -rf $(BUILD)

install: install-module install-tools

install-module: module
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)

PREFIX ?= /usr/local
MANDIR = $(DESTDIR)$(PREFIX)/share/man
# The man pages say the version of dkms.conf on their .TH line.
man_version = sed 's/^\(\.TH .*"wamp \)[^"]*"/\1$(VERSION)"/' $(1) > $(2) && \
	chmod 0644 $(2)
install-tools: tools
	install -D -m 0755 $(BUILD)/tools/wampstat $(DESTDIR)$(PREFIX)/sbin/wampstat
	install -d $(MANDIR)/man8 $(MANDIR)/man5
	$(call man_version,tools/wampstat.8,$(MANDIR)/man8/wampstat.8)
	$(call man_version,tools/wamp.5,$(MANDIR)/man5/wamp.5)

DKMS_SRC := /usr/src/wamp-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	$(MAKE) -s --no-print-directory module-src DEST=$(DKMS_SRC) EXTRA=
	dkms add -m wamp -v $(VERSION) || true
	dkms build -m wamp -v $(VERSION) -k $(KVER)
	dkms install -m wamp -v $(VERSION) -k $(KVER)

dkms-remove:
	dkms remove -m wamp -v $(VERSION) --all || true
	rm -rf $(DKMS_SRC)

# ---- userspace: wampstat, its library and tests ----

USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude -Itools \
	-DWAMP_VERSION='"$(VERSION)"'
TOOLS_LIB := tools/wsview.c tools/wscontainer.c tools/wampparse.c \
	tools/wsstacks.c tools/wsexplain.c
TOOLS_SRC := tools/wampstat.c tools/wstop.c $(TOOLS_LIB)
TOOLS_HDR := tools/wsview.h tools/wscontainer.h tools/wampparse.h \
	tools/wstop.h tools/wsstacks.h tools/wsexplain.h include/wamp.h
# --top's ncurses (libncurses-dev), wide-character build, as pkg-config says.
CURSES_CFLAGS := $(shell pkg-config --cflags ncursesw 2>/dev/null)
CURSES_LIBS := $(shell pkg-config --libs ncursesw 2>/dev/null || echo -lncursesw)

# CPPFLAGS, CFLAGS and LDFLAGS from the environment, such as the Debian
# package build's hardening flags (debian/rules), go last.
$(BUILD)/tools/wampstat: $(TOOLS_SRC) $(TOOLS_HDR) dkms.conf
	mkdir -p $(@D)
	$(CC_USER) $(USER_CFLAGS) $(CURSES_CFLAGS) $(CPPFLAGS) $(CFLAGS) \
		$(LDFLAGS) -o $@ $(TOOLS_SRC) $(CURSES_LIBS)

tools: $(BUILD)/tools/wampstat

# Host unit tests of the parser and wampstat's logic, on fixtures.
$(BUILD)/unit/wampstat_test: tests/unit/wampstat_test.c $(TOOLS_LIB) \
		$(TOOLS_HDR)
	mkdir -p $(@D)
	$(CC_USER) $(USER_CFLAGS) -Wno-sign-compare -Wno-unused-parameter \
		-I$(KSFT) -o $@ tests/unit/wampstat_test.c $(TOOLS_LIB)

# Then --top, on a terminal of tmux's (tests/unit/top_test.sh).
unit: deps-build $(BUILD)/unit/wampstat_test $(BUILD)/tools/wampstat
	$(BUILD)/unit/wampstat_test
	tests/unit/top_test.sh $(BUILD)/tools/wampstat

# libFuzzer on the parser and every view; FUZZ_SECONDS=180 by default.
FUZZ_SECONDS ?= 180
$(BUILD)/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(TOOLS_LIB) $(TOOLS_HDR)
	mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Iinclude -Itools -o $@ \
		tests/fuzz/fuzz_parse.c $(TOOLS_LIB)

fuzz: deps-build deps-host $(BUILD)/fuzz/fuzz_parse
	rm -rf $(BUILD)/fuzz/corpus && cp -r tests/fuzz/corpus $(BUILD)/fuzz/corpus
	cd $(BUILD)/fuzz && ./fuzz_parse -max_total_time=$(FUZZ_SECONDS) \
		-max_len=8192 -print_final_stats=1 corpus 2>&1 | \
		grep -E '^(stat::number_of_executed_units|Done|==|SUMMARY)'

KSFT = $(shell tests/vm/ksrc.sh)/tools/testing/selftests
# The selftests, one binary per topic (tests/selftests/<topic>_test.c),
# over one helper library, run in this order.  The serial ones load and
# unload wamp under a syscall storm: they run in a boot of their own,
# after the others.
SELFTESTS := core block attrib stacks cgroup visibility control reader
SELFTESTS_SERIAL := churn
SELFTEST_LIB := tests/selftests/lib.c tests/selftests/fops.c \
	tests/selftests/workload.c tools/wampparse.c
SELFTEST_HDR := tests/selftests/lib.h tests/selftests/checks.h \
	tests/selftests/slow.h \
	tests/selftests/fops.h tests/selftests/workload.h tools/wampparse.h \
	include/wamp.h
SELFTEST_BINS := $(SELFTESTS:%=$(BUILD)/selftests/wamp_%_test) \
	$(SELFTESTS_SERIAL:%=$(BUILD)/selftests/wamp_%_test)

$(BUILD)/selftests/wamp_%_test: tests/selftests/%_test.c $(SELFTEST_LIB) \
		$(SELFTEST_HDR)
	mkdir -p $(@D)
	$(CC_USER) $(USER_CFLAGS) -Wno-sign-compare -Wno-unused-parameter \
		-I$(KSFT) -Itests/selftests -o $@ $< $(SELFTEST_LIB) -lpthread

$(BUILD)/selftests/wamp_writer32: tests/selftests/wamp_writer32.c \
		tests/selftests/workload.c tests/selftests/workload.h
	mkdir -p $(@D)
	$(CC_USER) -m32 -static -O2 -Wall -o $@ \
		tests/selftests/wamp_writer32.c tests/selftests/workload.c

$(BUILD)/selftests/wamp_fops: tests/selftests/wamp_fops.c $(SELFTEST_LIB) \
		$(SELFTEST_HDR)
	mkdir -p $(@D)
	$(CC_USER) $(USER_CFLAGS) -Itests/selftests -o $@ $< $(SELFTEST_LIB)

$(BUILD)/selftests/suites: Makefile
	mkdir -p $(@D)
	echo $(SELFTESTS) > $@
	echo $(SELFTESTS_SERIAL) > $@.serial

selftests: $(SELFTEST_BINS) $(BUILD)/selftests/wamp_writer32 \
	$(BUILD)/selftests/wamp_fops $(BUILD)/selftests/suites

# ---- the guest: Debian's current 6.1 kernel under QEMU TCG ----

# What each part needs from Debian's archive (tests/vm/deps.sh): building
# and linting; the host-only tests beyond the unit tests; the guests; the
# Debian packages and their test.
deps-build:
	tests/vm/deps.sh build
deps-host:
	tests/vm/deps.sh host
deps-guest:
	tests/vm/deps.sh guest
deps-pkg:
	tests/vm/deps.sh pkg
deps:
	tests/vm/deps.sh build host guest pkg

# Build wamp.ko against the guest kernel's headers, in a copy of the
# sources per kernel so that builds for several kernels never mix.
guest-module: deps-build
	tests/vm/build-module.sh "$$(tests/vm/kernel.sh)" $(BUILD)

# Everything CI runs: lint, host tests, a short fuzz run, the Debian
# packages installed, upgraded and purged in a bookworm chroot
# (check-pkg), every supported kernel booted with the selftests
# (check-kernels), the debug kernel (which runs the KUnit suites too,
# under KASAN and lockdep: `make kunit` alone runs them in a kernel of
# their own), and the overhead targets (bench-short).
check: deps lint unit
	$(MAKE) fuzz FUZZ_SECONDS=20
	$(MAKE) check-pkg-boot
	$(MAKE) check-kernels
	$(MAKE) check-playbook
	$(MAKE) check-debug
	$(MAKE) bench-short

# The kernel matrix: build, sparse, DKMS, selftests, unload, dmesg per
# kernel; KERNELS="suite:package ..." narrows it (see tests/vm/matrix.sh).
check-kernels: deps-build deps-guest selftests tools
	tests/vm/matrix.sh $(BUILD) $(KERNELS)

$(BUILD)/bench/wamp_bench: tests/bench/wamp_bench.c
	mkdir -p $(@D)
	$(CC_USER) -O2 -Wall -Wextra -Werror -o $@ $<

# Overhead in guest instructions (QEMU -icount): BENCHMARKS.md.
bench: deps-build deps-guest $(BUILD)/bench/wamp_bench
	tests/vm/bench.sh "$$(tests/vm/kernel.sh $(BENCH_KERNEL))" $(BUILD) 1000000 \
		redis,redis-aof,sqlite 20000 --write

# The same loops, shorter, against the same targets, and the redis row
# untraced, with the floor, with wamp (the targets' three) and with wamp
# syscall_hook=0 (the sys_enter probe: its redis figures tracked): part of
# make check.
bench-short: deps-build deps-guest $(BUILD)/bench/wamp_bench
	BENCH_APP_CFGS=untraced,floor,wamp,wamptp \
	tests/vm/bench.sh "$$(tests/vm/kernel.sh $(BENCH_KERNEL))" $(BUILD) 100000 redis 5000

# KUnit: wamp_kunit.ko in wamp's own 6.1 kernel without BTF (built from
# Debian's linux-source-6.1 once, cached in WAMP_CACHE).
kunit: deps-build deps-guest
	tests/vm/run.sh kunit "$$(tests/vm/build-kernel.sh kunit)" $(BUILD)

# The debug kernel (lockdep, KASAN, kmemleak, atomic sleep): KUnit, the
# selftests and STRESS_CYCLES load/unload cycles under load.
STRESS_CYCLES ?= 100
check-debug: deps-build deps-guest selftests
	tests/vm/run.sh debug "$$(tests/vm/build-kernel.sh debug)" $(BUILD) \
		$(STRESS_CYCLES)

# Only the reference kernel (Debian 12's 6.1), module built here.
check-quick: deps-build deps-guest selftests tools guest-module
	tests/vm/run.sh check "$$(tests/vm/kernel.sh)" $(BUILD)

# docs/PLAYBOOK.md, every command of it, in a guest on the reference kernel
# (tests/vm/guest-playbook.sh): redis in a containerd-style container,
# found, explained, appendfsync changed, the numbers moved.
check-playbook: deps-build deps-guest tools guest-module
	tests/vm/run.sh playbook "$$(tests/vm/kernel.sh)" $(BUILD)

demo: deps-build deps-guest selftests tools guest-module
	tests/vm/run.sh demo "$$(tests/vm/kernel.sh)" $(BUILD)

lint: deps-build
	tests/lint.sh "$$(tests/vm/kernel.sh)" $(BUILD)

# ---- the Debian packages (debian/) ----

# wamp-dkms and wampstat, built from a clean copy of the tree into
# build/deb, lintian-clean (tests/pkg/deb.sh).
deb: deps-pkg
	tests/pkg/deb.sh $(BUILD)/deb

# The packages on Debian 12, a bookworm chroot: apt-get install, a new
# kernel from bookworm-backports that DKMS builds for by itself, purge
# (tests/pkg/check.sh; logs in build/pkg).
check-pkg: deb
	tests/pkg/check.sh $(BUILD)/deb $(BUILD)/pkg

# The same, and each of the chroot's kernels booted under QEMU with the
# chroot as the guest's root: modprobe wamp from updates/dkms, and the
# selftests against that module.
check-pkg-boot: deb deps-build deps-guest selftests tools
	tests/pkg/check.sh --boot $(BUILD)/selftests $(BUILD)/deb $(BUILD)/pkg

.PHONY: all module module-src clean install install-module install-tools tools unit \
	fuzz dkms-install dkms-remove selftests deps deps-build deps-host \
	deps-guest deps-pkg guest-module check demo lint \
	check-kernels check-quick check-playbook bench bench-short kunit check-debug \
	deb check-pkg check-pkg-boot
