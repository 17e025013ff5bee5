#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Debian sid chroot to build modules for sid's kernels: their headers
# need sid's compiler and glibc.  Made once per machine with debootstrap
# from the archive this machine's apt uses, cached, and given the headers
# of KVER.  Prints the chroot's path.  Usage: sid-chroot.sh KVER
set -euo pipefail

kver=$1
here=$(cd "$(dirname "$0")" && pwd)
cache=${WAMP_CACHE:-/var/cache/wamp}
chroot_dir="$cache/sid-chroot"
log() { echo "sid-chroot.sh: $*" >&2; }

in_chroot() {
	chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive "$@"
}

if [ ! -f "$chroot_dir/.complete" ]; then
	uri=$("$here/apt-suite.sh" --main-uri)
	log "debootstrap sid from the machine's archive"
	rm -rf "$chroot_dir"
	debootstrap --variant=minbase sid "$chroot_dir" "$uri" >&2
	echo 'Acquire::Check-Valid-Until "false";' \
		> "$chroot_dir/etc/apt/apt.conf.d/99wamp"
	in_chroot apt-get update -qq >&2
	in_chroot apt-get install -y -qq --no-install-recommends \
		make sparse dwarves kmod >&2
	touch "$chroot_dir/.complete"
fi
if [ ! -d "$chroot_dir/usr/src/linux-headers-$kver" ]; then
	log "installing linux-headers-$kver in the chroot"
	in_chroot apt-get update -qq >&2
	in_chroot apt-get install -y -qq --no-install-recommends \
		"linux-headers-$kver" >&2
fi
echo "$chroot_dir"
