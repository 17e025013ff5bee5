#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a Debian kernel image and its headers from the archive this
# machine's apt is configured with, unpack them (no install) under the
# cache and print the unpack root.
#
# Usage: kernel.sh [SUITE:META]   (default bookworm:linux-image-amd64)
#   bookworm:linux-image-amd64, bookworm:linux-image-rt-amd64,
#   bookworm-backports:linux-image-amd64, bullseye:linux-image-amd64,
#   sid:linux-image-amd64
# bookworm uses the machine's apt as it is (with its security updates);
# other suites go through apt-suite.sh's private configuration.
#
# The tree is keyed by the exact package version, so a new Debian kernel is
# picked up automatically and an old one is never fetched again.  It holds
# .kver, .suite and .complete next to the unpacked packages.
set -euo pipefail

spec=${1:-bookworm:linux-image-amd64}
suite=${spec%%:*}
meta=${spec#*:}
here=$(cd "$(dirname "$0")" && pwd)
cache=${WAMP_CACHE:-/var/cache/wamp}

log() { echo "kernel.sh: $*" >&2; }

apt_do() {
	if [ "$suite" = bookworm ]; then
		"$@"
	else
		"$here/apt-suite.sh" "$suite" "$@"
	fi
}

# The first dependency of package $1 whose name matches $2.
dep_of() {
	apt_do apt-cache depends "$1" 2>/dev/null |
		awk -v re="$2" '$1 == "Depends:" && $2 ~ re { print $2; exit }'
}

image=$(dep_of "$meta" '^linux-image-[0-9]')
if [ -z "$image" ] && [ "$suite" = bookworm ]; then
	log "apt knows no $meta; running apt-get update"
	apt-get update -qq >&2
	image=$(dep_of "$meta" '^linux-image-[0-9]')
fi
[ -n "$image" ] || { log "cannot resolve $meta in $suite"; exit 1; }
kver=${image#linux-image-}
ver=$(apt_do apt-cache policy "$image" | awk '/Candidate:/ { print $2 }')
root="$cache/kernels/$kver-$ver/root"

if [ -f "$root/.complete" ]; then
	[ -f "$root/.suite" ] || echo "$suite" > "$root/.suite"
	echo "$root"
	exit 0
fi

headers="linux-headers-$kver"
pkgs=("$image" "$headers"
      "$(dep_of "$headers" '^linux-headers-.*-common')"
      "$(dep_of "$headers" '^linux-kbuild-')")
# Since 7.x the image package is empty: the kernel and its modules come in
# linux-binary-* and linux-modules-*.
for p in $(apt_do apt-cache depends "$image" 2>/dev/null |
	   awk '$1 == "Depends:" && $2 ~ /^linux-(binary|modules)-/ { print $2 }'); do
	pkgs+=("$p")
done
log "fetching ${pkgs[*]} ($suite, $ver)"

dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
(cd "$dl" && apt_do apt-get download -q "${pkgs[@]}" >&2)
rm -rf "$root"
mkdir -p "$root"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$root"
done

# Merged /usr (7.x): modules live in usr/lib/modules.
[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
# The flavour Makefile includes the common tree by absolute path; point it
# at the unpack root.  scripts/ and tools/ are relative links.
hdr="$root/usr/src/$headers"
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
ln -sfn "$hdr" "$root/lib/modules/$kver/build"

# modules.dep, so that modprobe -d ROOT works in the guest.
depmod -b "$root" "$kver"
echo "$kver" > "$root/.kver"
echo "$suite" > "$root/.suite"
touch "$root/.complete"
echo "$root"
