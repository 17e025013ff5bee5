#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch a Debian kernel image and its headers from the archive this machine's
# apt is configured with, unpack them (no install) under the cache and print
# the unpack root.  Usage: kernel.sh [META]   (default META: linux-image-amd64)
#
# The unpacked tree is keyed by the exact package version, so a new Debian
# kernel is picked up automatically and an old one is never rebuilt.
set -euo pipefail

meta=${1:-linux-image-amd64}
cache=${WAMP_CACHE:-/var/cache/wamp}

log() { echo "kernel.sh: $*" >&2; }

# The concrete image package the meta package points at, e.g.
# linux-image-6.1.0-57-amd64.
dep_of() {
	apt-cache depends "$1" 2>/dev/null |
		awk -v re="$2" '$1 == "Depends:" && $2 ~ re { print $2; exit }'
}

image=$(dep_of "$meta" '^linux-image-[0-9]')
if [ -z "$image" ]; then
	log "apt knows no $meta; running apt-get update"
	apt-get update -qq >&2
	image=$(dep_of "$meta" '^linux-image-[0-9]')
fi
[ -n "$image" ] || { log "cannot resolve $meta"; exit 1; }
kver=${image#linux-image-}
ver=$(apt-cache policy "$image" | awk '/Candidate:/ { print $2 }')
root="$cache/kernels/$kver-$ver/root"

if [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi

headers="linux-headers-$kver"
common=$(dep_of "$headers" '^linux-headers-.*-common')
kbuild=$(dep_of "$headers" '^linux-kbuild-')
log "fetching $image $headers $common $kbuild ($ver)"

dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
(cd "$dl" && apt-get download -q "$image" "$headers" "$common" "$kbuild" >&2)
rm -rf "$root"
mkdir -p "$root"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$root"
done

# The flavour Makefile includes the common tree by absolute path; point it at
# the unpack root.  scripts/ and tools/ are relative links and work as is.
hdr="$root/usr/src/$headers"
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$hdr/Makefile"
ln -sfn "$hdr" "$root/lib/modules/$kver/build"

# modules.dep, so that modprobe -d ROOT works in the guest.
depmod -b "$root" "$kver"
echo "$kver" > "$root/.kver"
touch "$root/.complete"
echo "$root"
