#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build wamp.ko against the headers unpacked in KROOT, in a private copy of
# the sources (BUILD/KVER/TAG), W=1 warnings fatal.  Prints nothing but
# errors; the module ends up at BUILD/KVER/TAG/wamp.ko.
# Usage: build-module.sh KROOT BUILD [TAG (src)] [make args, e.g. C=2]
set -euo pipefail

kroot=$1
build=$2
tag=${3:-src}
shift $(($# < 3 ? $# : 3))
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(cat "$kroot/.kver")
src="$build/$kver/$tag"

mkdir -p "$src"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	"$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/include" \
	"$top/configure" "$src/"
log="$build/$kver/$tag.log"
if ! make -C "$kroot/lib/modules/$kver/build" M="$src" W=1 "$@" modules \
	> "$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
# W=1 output that is a warning or a sparse complaint fails the build.
if grep -E 'warning:|error:' "$log" >&2; then
	echo "build-module.sh: warnings building for $kver (see $log)" >&2
	exit 1
fi
