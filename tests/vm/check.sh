#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make check`: boot the kernel in KROOT with the module and
# selftests built under BUILD and run tests/vm/guest-check.sh in it, twice:
# the suites of BUILD/selftests/suites with a TCG thread per vCPU, then
# those of suites.serial (they load and unload wamp under a syscall storm)
# with one TCG thread (see boot.sh).  Prints the selftest summary of both.
# Usage: check.sh KROOT BUILD [KO]
# KO: the module to test (default BUILD/KVER/src/wamp.ko); one under
# /lib/modules (installed by DKMS) is loaded with modprobe.
set -euo pipefail
kroot=$1
build=$2
ko=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/guest"

# The selftests' sizes, passed on to the guest (guest-check.sh).  CI's
# default keeps the churn test short; WAMP_CHURN=100000 is the full run.
: "${WAMP_CHURN:=20000}"
rc=0
for run in parallel serial; do
	dir=$out
	suites=$build/selftests/suites
	thread=multi
	if [ $run = serial ]; then
		dir=$out-serial
		suites=$suites.serial
		thread=single
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	for v in WAMP_CHURN WAMP_FUZZ_WRITES; do
		[ -n "${!v:-}" ] && echo "$v=${!v}" >> "$dir/env"
	done
	echo "== booting $kver under QEMU TCG, $thread-threaded: $(cat "$suites") (console: $dir/console.log)"
	set +e
	WAMP_QUIET=${WAMP_QUIET:-} WAMP_TCG_THREAD=$thread \
		"$here/boot.sh" "$kroot" "$dir" "$here/guest-check.sh" \
		"${ko:-$build/$kver/src/wamp.ko}" "$build/selftests" "$suites"
	r=$?
	set -e
	[ $r -eq 0 ] || rc=$r
done
# One TAP file and one result for both boots (matrix.sh reads them).
cat "$out-serial/selftests.tap" >> "$out/selftests.tap" 2>/dev/null || rc=1
unload=ok dmesg=clean
for d in "$out" "$out-serial"; do
	grep -q 'unload=ok' "$d/result" 2>/dev/null || unload=FAIL
	grep -q 'dmesg=clean' "$d/result" 2>/dev/null || dmesg=FAIL
done
cat "$out-serial/dmesg.txt" >> "$out/dmesg.txt" 2>/dev/null || true
echo "unload=$unload dmesg=$dmesg" > "$out/result"
tap="$out/selftests.tap"
if [ -f "$tap" ]; then
	grep '^not ok ' "$tap" || true
	echo "selftests in $kver:"
	summary=$("$here/tap-summary.sh" "$tap")
	echo "$summary"
	skip=$(echo "$summary" | sed 's/.* \([0-9]*\) skipped$/\1/')
fi
# On the reference kernel every test must run: a skip there hides a broken
# setup.  Other kernels may skip what they cannot do (WAMP_ALLOW_SKIP=1).
if [ "$rc" -eq 0 ] && [ "${skip:-0}" -gt 0 ] && [ -z "${WAMP_ALLOW_SKIP:-}" ]; then
	echo "check.sh: $skip selftests skipped on $kver" >&2
	rc=1
fi
[ "$rc" -eq 0 ] && echo "== check on $kver: PASS" || echo "== check on $kver: FAIL ($rc)"
exit "$rc"
