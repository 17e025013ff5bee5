#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make check-debug`: build wamp.ko and wamp_kunit.ko against
# the debug kernel in KROOT (build-kernel.sh debug: lockdep, KASAN,
# kmemleak, atomic-sleep and preemption checks) and boot it twice: with a
# TCG thread per vCPU for KUnit and the selftest suites, then with one TCG
# thread (see boot.sh) for the serial suites and the load/unload stress.
# Usage: debug.sh KROOT BUILD [CYCLES (100)]
set -euo pipefail
kroot=$1
build=$2
cycles=${3:-100}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/debug-guest"

"$here/build-module.sh" "$kroot" "$build" debug
"$here/build-module.sh" "$kroot" "$build" debug-kunit WAMP_KUNIT=1
rc=0
for run in parallel serial; do
	dir=$out
	thread=multi
	if [ $run = serial ]; then
		dir=$out-serial
		thread=single
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	# KASAN and lockdep make a fork cost many times what it costs in
	# check-kernels: the churn and fuzz selftests run shorter here, the
	# churn on a 16-slot table so that it still folds rows.
	{
		echo "WAMP_CHURN=${WAMP_CHURN:-400}"
		echo "WAMP_CHURN_TABLE=16"
		echo "WAMP_FUZZ_WRITES=${WAMP_FUZZ_WRITES:-10000}"
		echo "WAMP_LIGHT=1"
	} > "$dir/env"
	echo "== debug kernel $kver under QEMU TCG, $thread-threaded (console: $dir/console.log)"
	set +e
	# q35: the i440fx firmware's _PRT is an AML loop that the ACPI
	# interpreter, under KASAN and lockdep in TCG, cannot finish in its
	# 30 s loop timeout (boot then takes minutes and logs
	# AE_AML_LOOP_TIMEOUT); q35's is static.
	WAMP_QUIET=1 WAMP_MEM=2048 WAMP_TIMEOUT=2400 WAMP_QEMU_EXTRA="-M q35" \
		WAMP_TCG_THREAD=$thread "$here/boot.sh" "$kroot" "$dir" \
		"$here/guest-debug.sh" $run "$build/$kver/debug/wamp.ko" \
		"$build/$kver/debug-kunit/wamp_kunit.ko" "$build/selftests" \
		"$cycles"
	r=$?
	set -e
	[ $r -eq 0 ] || rc=$r
	grep -hE '^ *not ok |^kunit: no results' "$dir/kunit.tap" \
		"$dir/selftests.tap" 2>/dev/null || true
done
cat "$out/kunit.summary" 2>/dev/null || echo "kunit: no summary"
for dir in "$out" "$out-serial"; do
	tap="$dir/selftests.tap"
	if [ -f "$tap" ]; then
		grep '^ok .*# SKIP' "$tap" || true
		"$here/tap-summary.sh" "$tap"
	fi
done
cat "$out-serial/stress.summary" 2>/dev/null || echo "stress: no summary"
[ "$rc" -eq 0 ] || echo "debug.sh: consoles: $out/console.log $out-serial/console.log" >&2
[ "$rc" -eq 0 ] && echo "== check-debug on $kver: PASS" || echo "== check-debug on $kver: FAIL ($rc)"
exit "$rc"
