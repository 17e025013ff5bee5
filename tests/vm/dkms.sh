#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The real install path, as a user takes it: dkms add, dkms build -k KVER,
# dkms install -k KVER, against the headers unpacked in KROOT.  The module
# lands in /lib/modules/KVER/updates/dkms, which the guest sees through the
# shared root and loads with modprobe after dkms's depmod.  Prints the
# installed module's path.  Usage: dkms.sh KROOT
set -euo pipefail

kroot=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(cat "$kroot/.kver")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
hdr="$kroot/usr/src/linux-headers-$kver"
src="/usr/src/wamp-$ver"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {
	if ! "$@" > "$log" 2>&1; then
		cat "$log" >&2
		echo "dkms.sh: failed: $*" >&2
		exit 1
	fi
}

# A fresh copy of this tree as the DKMS source, as make dkms-install does.
dkms remove -m wamp -v "$ver" -k "$kver" > /dev/null 2>&1 || true
dkms remove -m wamp -v "$ver" --all > /dev/null 2>&1 || true
rm -rf "$src"
make -s --no-print-directory -C "$top" module-src DEST="$src" EXTRA= >&2
# dkms installs only into a kernel's existing /lib/modules/KVER: give the
# guest kernel its index files, as its package would (not its modules).
mkdir -p "/lib/modules/$kver"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$kroot/lib/modules/$kver/$f" ] &&
		cp "$kroot/lib/modules/$kver/$f" "/lib/modules/$kver/$f"
done
run dkms add -m wamp -v "$ver"
run dkms build -m wamp -v "$ver" -k "$kver" --kernelsourcedir "$hdr"
run dkms install -m wamp -v "$ver" -k "$kver" --kernelsourcedir "$hdr" --force
ko="/lib/modules/$kver/updates/dkms/wamp.ko"
[ -f "$ko" ] || ko=$(ls "/lib/modules/$kver/updates/dkms/"wamp.ko* | head -1)
echo "$ko"
