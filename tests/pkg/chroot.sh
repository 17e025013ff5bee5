#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian 12 machine the package test installs wamp on, as a user's is
# before wamp: a bookworm chroot made with debootstrap from the archive
# this machine's apt uses (bookworm, bookworm-updates, bookworm-backports
# and, from where this machine gets it, bookworm-security enabled), with
# DKMS and the current bookworm kernel and its headers (linux-image-amd64,
# linux-headers-amd64) installed.  Made once and cached under WAMP_CACHE;
# made again when bookworm's kernel is no longer the one it has, or its
# sources or packages below change.  apt's downloads are kept beside it,
# not in it (lib.sh).  Prints the chroot's path.  Usage: chroot.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
base="$pkg_cache/bookworm"
log() { echo "chroot.sh: $*" >&2; }
trap 'chroot_umount "$base"' EXIT

# The kernel image package bookworm's linux-image-amd64 names now.
current_image() {
	in_chroot "$base" apt-cache depends linux-image-amd64 |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# Its sources: the archive this machine's apt uses, and its security
# archive as this machine's apt has it (none: left out).
uri=$("$here/../vm/apt-suite.sh" --main-uri)
sec=$(apt-get indextargets --format '$(SITE) $(RELEASE)' 'Created-By: Packages' |
	awk '$2 == "bookworm-security" { print $1; exit }')
key=/usr/share/keyrings/debian-archive-keyring.gpg
sources=$(for s in bookworm bookworm-updates bookworm-backports; do
		echo "deb [signed-by=$key] $uri $s main"
	done
	[ -z "$sec" ] || echo "deb [signed-by=$key] $sec bookworm-security main")
# zstd: what initramfs-tools compresses with (a Recommends).  The guest
# part (check.sh --boot) formats its disks with e2fsprogs and xfsprogs.
pkgs="dkms linux-image-amd64 linux-headers-amd64 zstd e2fsprogs xfsprogs"

# The cached one, if it has these sources and packages and bookworm's
# current kernel.
if [ -f "$base/.complete" ] &&
   [ "$sources" = "$(cat "$base/etc/apt/sources.list" 2>/dev/null)" ] &&
   [ "$pkgs" = "$(cat "$base/.packages" 2>/dev/null)" ]; then
	in_chroot "$base" apt-get update -qq >&2
	img=$(current_image)
	if [ -n "$img" ] && [ "$img" = "$(cat "$base/.kernel")" ]; then
		echo "$base"
		exit 0
	fi
	log "bookworm's kernel is now ${img:-unknown}: making the chroot again"
fi

remove_tree "$base"
t0=$SECONDS
log "debootstrap bookworm from the machine's archive"
debootstrap --variant=minbase bookworm "$base" "$uri" >&2
t1=$SECONDS
echo "$sources" > "$base/etc/apt/sources.list"
echo 'Acquire::Check-Valid-Until "false";' \
	> "$base/etc/apt/apt.conf.d/99check-valid-until"
# No services start in a chroot.
printf '#!/bin/sh\nexit 101\n' > "$base/usr/sbin/policy-rc.d"
chmod 0755 "$base/usr/sbin/policy-rc.d"
archives_in "$base"
in_chroot "$base" apt-get update -qq >&2
# shellcheck disable=SC2086
in_chroot "$base" apt-get install -y -qq --no-install-recommends $pkgs >&2
archives_out "$base"
echo "$pkgs" > "$base/.packages"
current_image > "$base/.kernel"
[ -s "$base/.kernel" ] || { log "no kernel image in the chroot"; exit 1; }
touch "$base/.complete"
log "debootstrap $(minutes $((t1 - t0))) min, DKMS and $(cat "$base/.kernel") with headers $(minutes $((SECONDS - t1))) min"
echo "$base"
