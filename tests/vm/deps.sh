#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and booting the test guests needs, from Debian's
# archive.  Idempotent and quiet when everything is there.
set -euo pipefail

pkgs=(make gcc gcc-multilib bc flex bison libelf-dev libssl-dev kmod cpio
      qemu-system-x86 busybox-static e2fsprogs sparse dwarves
      linux-source-6.1 bpftrace linux-perf xz-utils rsync redis-server
      redis-tools clang libclang-rt-14-dev prometheus debootstrap dkms)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
