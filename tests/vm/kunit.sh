#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make kunit`: build wamp_kunit.ko against the kernel in
# KROOT (built by build-kernel.sh), boot it, run the suites, print the
# summary.  Usage: kunit.sh KROOT BUILD
set -euo pipefail
kroot=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/kunit-guest"

# W=1 and sparse (C=2) clean, like wamp.ko.
"$here/build-module.sh" "$kroot" "$build" kunit WAMP_KUNIT=1 C=2
rm -rf "$out"
mkdir -p "$out"
echo "== KUnit in $kver under QEMU TCG (console: $out/console.log)"
set +e
WAMP_QUIET=1 "$here/boot.sh" "$kroot" "$out" "$here/guest-kunit.sh" \
	"$build/$kver/kunit/wamp_kunit.ko"
rc=$?
set -e
grep -E '^ *not ok |^kunit: no results' "$out/kunit.tap" 2>/dev/null || true
cat "$out/kunit.summary" 2>/dev/null || echo "kunit: no summary (see $out/console.log)"
[ "$rc" -eq 0 ] && echo "== kunit on $kver: PASS" || echo "== kunit on $kver: FAIL ($rc)"
exit "$rc"
