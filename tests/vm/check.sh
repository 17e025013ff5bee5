#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make check`: boot the kernel in KROOT with the module and
# selftests built under BUILD, run tests/vm/guest-check.sh in it, and print
# the selftest summary.  Usage: check.sh KROOT BUILD [KO]
# KO: the module to test (default BUILD/KVER/src/wamp.ko); one under
# /lib/modules (installed by DKMS) is loaded with modprobe.
set -euo pipefail
kroot=$1
build=$2
ko=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/guest"

rm -rf "$out"
mkdir -p "$out"
# The selftests' sizes, passed on to the guest (guest-check.sh).  CI's
# default keeps the churn test short; WAMP_CHURN=100000 is the full run.
: "${WAMP_CHURN:=20000}"
for v in WAMP_CHURN WAMP_FUZZ_WRITES; do
	[ -n "${!v:-}" ] && echo "$v=${!v}" >> "$out/env"
done
echo "== booting $kver under QEMU TCG (console: $out/console.log)"
set +e
WAMP_QUIET=${WAMP_QUIET:-} "$here/boot.sh" "$kroot" "$out" "$here/guest-check.sh" \
	"${ko:-$build/$kver/src/wamp.ko}" "$build/selftests"
rc=$?
set -e
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
