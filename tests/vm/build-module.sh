#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build wamp.ko against the headers unpacked in KROOT, in a private copy of
# the sources (BUILD/KVER/TAG), W=1 warnings fatal.  Prints nothing but
# errors; the module ends up at BUILD/KVER/TAG/wamp.ko.
#
# Kernels from sid are built in a sid chroot (sid-chroot.sh) with sid's
# compiler.  Headers that name a compiler this machine lacks (5.10's
# gcc-10) are built with the machine's gcc.
# Usage: build-module.sh KROOT BUILD [TAG (src)] [make args, e.g. C=2]
# (WAMP_KUNIT=1 builds wamp_kunit.ko instead, WAMP_FLOOR=1 wamp_floor.ko:
# see Kbuild.)
set -euo pipefail

kroot=$1
build=$2
tag=${3:-src}
shift $(($# < 3 ? $# : 3))
top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tests/vm"
kver=$(cat "$kroot/.kver")
suite=$(cat "$kroot/.suite" 2>/dev/null || echo bookworm)
src="$build/$kver/$tag"
log="$build/$kver/$tag.log"
# The module's sources, and what Kbuild names for wamp_kunit.ko and
# wamp_floor.ko.
make -s --no-print-directory -C "$top" module-src DEST="$src" \
	EXTRA="tests/kunit tests/bench" >&2

if [ "$suite" = sid ]; then
	croot=$("$here/sid-chroot.sh" "$kver")
	csrc="/build/$kver/$tag"
	mkdir -p "$croot$csrc"
	rsync -a --delete "$src/" "$croot$csrc/"
	# objtool reads /proc/self/limits.
	mountpoint -q "$croot/proc" || mount -t proc proc "$croot/proc"
	trap 'umount "$croot/proc" 2>/dev/null || true' EXIT
	cmd=(chroot "$croot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin
	     make -C "/lib/modules/$kver/build" M="$csrc" W=1 "$@" modules)
else
	args=()
	cc=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' \
		"$kroot/usr/src/linux-headers-$kver/.kernelvariables" 2>/dev/null ||
		true)
	if [ -n "$cc" ] && ! command -v "$cc" >/dev/null; then
		args=(CC=gcc)
	fi
	cmd=(make -C "$kroot/lib/modules/$kver/build" M="$src" W=1 "${args[@]}"
	     "$@" modules)
fi
if ! "${cmd[@]}" > "$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
# Whichever module Kbuild made (wamp.ko, wamp_kunit.ko, wamp_floor.ko).
[ "$suite" = sid ] && cp "$croot$csrc"/*.ko "$src/"
# W=1 output that is a warning or a sparse complaint fails the build.
if grep -E 'warning:|error:' "$log" >&2; then
	echo "build-module.sh: warnings building for $kver (see $log)" >&2
	exit 1
fi
