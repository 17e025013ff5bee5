#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host side of `make demo`.  Usage: demo.sh KROOT BUILD
set -euo pipefail
kroot=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/demo"
rm -rf "$out"
mkdir -p "$out"
echo "== booting Debian's $kver under QEMU TCG; the guest's console follows"
WAMP_QUIET=1 "$here/boot.sh" "$kroot" "$out" "$here/guest-demo.sh" \
	"$build/$kver/src/wamp.ko" "$build/tools/wampstat" ||
	{ cat "$out/console.log"; exit 1; }
cat "$out/demo.txt"
