#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host side of the guest runs the make targets ask for: boot the kernel
# in KROOT (kernel.sh or build-kernel.sh) under QEMU TCG with a guest
# script, and sum up what it left in BUILD/KVER/<run>.
#
# Usage: run.sh SUITE KROOT BUILD [ARGS...]
#   check [KO]     the selftests (guest-check.sh), in two boots: the suites
#                  of BUILD/selftests/suites, then those of suites.serial
#                  (they load and unload wamp under a syscall storm, and
#                  get a fresh guest).  KO:
#                  the module to test (default BUILD/KVER/src/wamp.ko); one
#                  under /lib/modules (installed by DKMS) is loaded with
#                  modprobe.  WAMP_ALLOW_SKIP=1 lets tests skip.
#   kunit          wamp_kunit.ko's suites (guest-kunit.sh)
#   debug [CYCLES] the debug kernel (lockdep, KASAN, kmemleak): KUnit, the
#                  selftests and CYCLES (100) load/unload cycles under load,
#                  then the serial suites in a second boot (guest-debug.sh)
#   demo           `make demo` (guest-demo.sh)
#   playbook       docs/PLAYBOOK.md's commands (guest-playbook.sh)
# Every boot runs the vCPUs in one TCG thread: boot.sh says why.
set -euo pipefail

suite=$1
kroot=$2
build=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")

# boot RUN ENV SCRIPT ARGS...: boot with SCRIPT in a fresh BUILD/KVER/RUN,
# the lines of ENV in its env file (the guest scripts read it); the
# guest's status.
boot() {
	local run=$1 env=$2 script=$3 dir=$build/$kver/$1 rc
	shift 3
	rm -rf "$dir"
	mkdir -p "$dir"
	[ -z "$env" ] || printf '%s\n' $env > "$dir/env"
	echo "== $suite: $kver under QEMU TCG (console: $dir/console.log)"
	set +e
	"$here/boot.sh" "$kroot" "$dir" \
		"$here/$script" "$@"
	rc=$?
	set -e
	return $rc
}

verdict() {
	[ "$1" -eq 0 ] && echo "== $suite on $kver: PASS" ||
		echo "== $suite on $kver: FAIL ($1)"
	exit "$1"
}

rc=0
case $suite in
check)
	ko=${1:-$build/$kver/src/wamp.ko}
	out=$build/$kver/guest
	# The selftests' sizes.  CI's default keeps the churn test short;
	# WAMP_CHURN=100000 is the full run.  The others, if set, go as they
	# are (see lib.c, size_of_run()).
	env="WAMP_CHURN=${WAMP_CHURN:-20000}"
	for v in WAMP_FUZZ_WRITES WAMP_FOPS_OPS WAMP_RELOADS WAMP_HOLD_SMALL; do
		[ -z "${!v:-}" ] || env="$env $v=${!v}"
	done
	boot guest "$env" guest-check.sh "$ko" "$build/selftests" \
		"$build/selftests/suites" || rc=$?
	boot guest-serial "$env" guest-check.sh "$ko" "$build/selftests" \
		"$build/selftests/suites.serial" || rc=$?
	# One TAP file and one result for both boots (matrix.sh reads them).
	cat "$out-serial/selftests.tap" >> "$out/selftests.tap" 2>/dev/null || rc=1
	cat "$out-serial/dmesg.txt" >> "$out/dmesg.txt" 2>/dev/null || true
	unload=ok dmesg=clean
	for d in "$out" "$out-serial"; do
		grep -q 'unload=ok' "$d/result" 2>/dev/null || unload=FAIL
		grep -q 'dmesg=clean' "$d/result" 2>/dev/null || dmesg=FAIL
	done
	echo "unload=$unload dmesg=$dmesg" > "$out/result"
	tap=$out/selftests.tap
	if [ -f "$tap" ]; then
		grep '^not ok ' "$tap" || true
		echo "selftests in $kver:"
		summary=$("$here/tap-summary.sh" "$tap")
		echo "$summary"
		skip=$(echo "$summary" | sed 's/.* \([0-9]*\) skipped$/\1/')
	fi
	# On the reference kernel every test must run: a skip there hides a
	# broken setup.  Other kernels may skip what they cannot do.
	if [ "$rc" -eq 0 ] && [ "${skip:-0}" -gt 0 ] && [ -z "${WAMP_ALLOW_SKIP:-}" ]; then
		echo "run.sh: $skip selftests skipped on $kver" >&2
		rc=1
	fi
	;;
kunit)
	# W=1 and sparse (C=2) clean, like wamp.ko.
	"$here/build-module.sh" "$kroot" "$build" kunit WAMP_KUNIT=1 C=2
	WAMP_QUIET=1 boot kunit-guest "" guest-kunit.sh \
		"$build/$kver/kunit/wamp_kunit.ko" || rc=$?
	out=$build/$kver/kunit-guest
	grep -E '^ *not ok |^kunit: no results' "$out/kunit.tap" 2>/dev/null || true
	cat "$out/kunit.summary" 2>/dev/null || echo "kunit: no summary (see $out/console.log)"
	;;
debug)
	cycles=${1:-100}
	"$here/build-module.sh" "$kroot" "$build" debug
	# W=1 and sparse (C=2) clean, like wamp.ko (make check runs KUnit here).
	"$here/build-module.sh" "$kroot" "$build" debug-kunit WAMP_KUNIT=1 C=2
	# KASAN and lockdep make a fork cost many times what it costs in
	# check-kernels: the churn and fuzz selftests run shorter here, the
	# churn on a 16-slot table so that it still folds rows.
	env="WAMP_CHURN=${WAMP_CHURN:-400} WAMP_CHURN_TABLE=16
	     WAMP_FUZZ_WRITES=${WAMP_FUZZ_WRITES:-10000} WAMP_LIGHT=1"
	# q35: the i440fx firmware's _PRT is an AML loop that the ACPI
	# interpreter, under KASAN and lockdep in TCG, cannot finish in its
	# 30 s loop timeout (boot then takes minutes and logs
	# AE_AML_LOOP_TIMEOUT); q35's is static.
	export WAMP_QUIET=1 WAMP_MEM=2048 WAMP_TIMEOUT=2400 WAMP_QEMU_EXTRA="-M q35"
	for run in parallel serial; do
		dir=debug-guest
		[ $run = parallel ] || dir=debug-guest-serial
		boot $dir "$env" guest-debug.sh $run \
			"$build/$kver/debug/wamp.ko" \
			"$build/$kver/debug-kunit/wamp_kunit.ko" \
			"$build/selftests" "$cycles" || rc=$?
		grep -hE '^ *not ok |^kunit: no results' \
			"$build/$kver/$dir/kunit.tap" \
			"$build/$kver/$dir/selftests.tap" 2>/dev/null || true
	done
	out=$build/$kver/debug-guest
	cat "$out/kunit.summary" 2>/dev/null || echo "kunit: no summary"
	for tap in "$out/selftests.tap" "$out-serial/selftests.tap"; do
		[ -f "$tap" ] || continue
		grep '^ok .*# SKIP' "$tap" || true
		"$here/tap-summary.sh" "$tap"
	done
	cat "$out/stress.summary" 2>/dev/null || echo "stress: no summary"
	[ "$rc" -eq 0 ] || echo "run.sh: consoles: $out/console.log $out-serial/console.log" >&2
	;;
playbook)
	# docs/PLAYBOOK.md's commands (guest-playbook.sh); playbook.txt is TAP.
	WAMP_QUIET=1 boot playbook "" guest-playbook.sh \
		"$build/$kver/src/wamp.ko" "$(realpath "$build/tools/wampstat")" || rc=$?
	out=$build/$kver/playbook
	grep -E '^not ok |^# guest-playbook' "$out/playbook.txt" 2>/dev/null ||
		echo "playbook: no results (see $out/console.log)"
	;;
demo)
	WAMP_QUIET=1 boot demo "" guest-demo.sh \
		"$build/$kver/src/wamp.ko" "$build/tools/wampstat" || {
		rc=$?
		cat "$build/$kver/demo/console.log"
	}
	cat "$build/$kver/demo/demo.txt"
	exit $rc
	;;
*)
	echo "usage: run.sh check|kunit|debug|demo KROOT BUILD [ARGS...]" >&2
	exit 2
	;;
esac
verdict $rc
