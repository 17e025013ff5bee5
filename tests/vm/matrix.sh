#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernels`: every kernel wamp claims, built and tested in that
# very kernel.  For each: fetch it (kernel.sh), build wamp.ko with W=1,
# build it again with sparse (C=2), install it with DKMS where the
# kernel's compiler is this machine's (dkms.sh), boot the kernel under QEMU
# TCG and run the whole selftest suite (run.sh check) on the DKMS-installed
# module loaded by modprobe (else the built one, by insmod), unload, read
# dmesg.  Prints the matrix,
# writes BUILD/matrix.txt, and fails unless every cell is green and the
# README's supported-kernel table names only kernels of this matrix.
# Usage: matrix.sh BUILD [SPEC...]   (default: all of KERNELS below)
set -uo pipefail

KERNELS=(
	bullseye:linux-image-amd64
	bookworm:linux-image-amd64
	bookworm:linux-image-rt-amd64
	bookworm-backports:linux-image-amd64
	sid:linux-image-amd64
)

build=$1
shift
full=1
if [ $# -gt 0 ]; then
	KERNELS=("$@")
	full=
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
matrix="$build/matrix.txt"
fail=0
green=0
red=0

mkdir -p "$build"
row() {
	printf '%-37s %-20s %-5s %-6s %-5s %-5s %-9s %-6s %-6s %s\n' "$@"
}
row spec kernel build sparse proto dkms selftests unload dmesg features > "$matrix"
for spec in "${KERNELS[@]}"; do
	b=- s=- p=- k=- t=- u=- d=- feat=- kver=- ko=
	if kroot=$("$here/kernel.sh" "$spec"); then
		kver=$(cat "$kroot/.kver")
		"$here/build-module.sh" "$kroot" "$build" src && b=ok || b=FAIL
		"$here/build-module.sh" "$kroot" "$build" lint C=2 && s=ok || s=FAIL
		if [ "$b" = ok ]; then
			"$here/wrong-proto.sh" "$kroot" "$build" && p=ok || p=FAIL
		fi
		# DKMS builds with the machine's compiler: bookworm's kernels.
		case "$(cat "$kroot/.suite")" in
		bookworm*) ko=$("$here/dkms.sh" "$kroot") && k=ok || k=FAIL ;;
		esac
		if [ "$b" = ok ]; then
			feat=$(modinfo -F wamp_features "$build/$kver/src/wamp.ko" | tr ' ' ,)
			# Churn and fuzzing at full CI size on the reference
			# kernel, smaller on the others (the same code paths).
			if [ "$spec" = bookworm:linux-image-amd64 ]; then
				sizes=(WAMP_CHURN=20000 WAMP_FUZZ_WRITES=100000)
			else
				sizes=(WAMP_CHURN=5000 WAMP_FUZZ_WRITES=10000
				       WAMP_FOPS_OPS=10000 WAMP_RELOADS=10
				       WAMP_HOLD_SMALL=1)
			fi
			out=$(env "${sizes[@]}" WAMP_QUIET=1 WAMP_ALLOW_SKIP=1 \
			      "$here/run.sh" check "$kroot" "$build" $ko 2>&1)
			echo "$out" | tail -3
			t=$(echo "$out" | sed -n 's/^selftests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped/\1\/\2\/\3/p')
			res="$build/$kver/guest/result"
			u=$(sed -n 's/.*unload=\([A-Za-z]*\).*/\1/p' "$res" 2>/dev/null)
			d=$(sed -n 's/.*dmesg=\([A-Za-z]*\).*/\1/p' "$res" 2>/dev/null)
			echo "$out" | grep -q ": PASS$" || t="FAIL:${t:-none}"
		fi
	else
		b=FAIL
	fi
	row "$spec" "$kver" "$b" "$s" "$p" "$k" "${t:--}" "${u:--}" "${d:--}" \
		"$feat" >> "$matrix"
	# Green: built, sparse-clean, selftests passed, unloaded, dmesg clean.
	if [ "$b" != ok ] || [ "$s" != ok ] || [ "$p" != ok ] || [ "$k" = FAIL ] ||
	   [ "${u:-}" != ok ] ||
	   [ "${d:-}" != clean ] || [ -z "${t:-}" ] || [ "${t#FAIL}" != "$t" ]; then
		fail=1
		red=$((red + 1))
	else
		green=$((green + 1))
	fi
done
echo "== kernel matrix (proto: a forced wrong prototype fails the build;"
echo "   dkms -: not run; selftests: passed/failed/skipped)"
cat "$matrix"
echo "kernels: $green passed, $red failed"

# The README may claim only kernels that are green here (full runs).
[ -n "$full" ] || exit $fail
claimed=$(sed -n '/<!-- kernels:begin -->/,/<!-- kernels:end -->/p' "$top/README.md" |
	  sed -n 's/^| `\([a-z-]*:[a-z0-9-]*\)`.*/\1/p')
for spec in $claimed; do
	row=$(awk -v s="$spec" '$1 == s' "$matrix")
	if [ -z "$row" ] || echo "$row" | grep -q FAIL; then
		echo "matrix.sh: README claims $spec, which this matrix did not pass" >&2
		fail=1
	fi
done
[ -n "$claimed" ] || { echo "matrix.sh: no kernel table in README" >&2; fail=1; }
exit $fail
