# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by the host side of the package test (chroot.sh, check.sh):
# commands in a chroot, with /proc and /sys mounted only while they run,
# and apt's downloads kept under the cache, outside any chroot.

pkg_cache=${WAMP_CACHE:-/var/cache/wamp}/pkg-chroot
pkg_archives=$pkg_cache/archives

# mounted_below DIR: whether anything is mounted at DIR or below it.
mounted_below() {
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' \
		/proc/self/mounts
}

# chroot_umount ROOT: unmount what in_chroot mounted (also from a trap).
chroot_umount() {
	local m
	for m in "$1/dev/pts" "$1/sys" "$1/proc"; do
		if mountpoint -q "$m"; then
			umount "$m" 2>/dev/null || umount -l "$m"
		fi
	done
}

# in_chroot ROOT CMD...: CMD in ROOT, with a clean environment.
in_chroot() {
	local root=$1 rc=0
	shift
	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
	mountpoint -q "$root/sys" || mount -t sysfs sys "$root/sys"
	# A devpts of its own, for apt's log.
	mountpoint -q "$root/dev/pts" ||
		mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" || rc=$?
	chroot_umount "$root"
	return $rc
}

# remove_tree DIR: rm -rf, refused while anything is mounted below DIR.
remove_tree() {
	if mounted_below "$1"; then
		echo "pkg: $1 has mounts below it; not removing it" >&2
		return 1
	fi
	rm -rf --one-file-system "$1"
}

# archives_in ROOT: the cached downloads into ROOT's apt cache (links).
archives_in() {
	mkdir -p "$pkg_archives" "$1/var/cache/apt/archives/partial"
	find "$pkg_archives" -maxdepth 1 -name '*.deb' \
		-exec ln -f -t "$1/var/cache/apt/archives" {} +
}

# archives_out ROOT: ROOT's downloads back to the cache, the ones no
# longer in the archive dropped (apt-get autoclean), and out of ROOT.
archives_out() {
	local f
	in_chroot "$1" apt-get autoclean -qq > /dev/null
	mkdir -p "$pkg_archives"
	for f in "$pkg_archives"/*.deb; do
		[ -e "$f" ] || continue
		[ -e "$1/var/cache/apt/archives/${f##*/}" ] || rm -f "$f"
	done
	find "$1/var/cache/apt/archives" -maxdepth 1 -name '*.deb' \
		-exec ln -f -t "$pkg_archives" {} +
	find "$1/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -delete
}

# minutes SECONDS: as minutes with one decimal.
minutes() {
	awk -v s="$1" 'BEGIN { printf "%.1f", s / 60 }'
}
