#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest that check.sh --boot boots with the package test's
# chroot as its root (tests/vm/boot.sh, WAMP_ROOT): the module the
# packages had DKMS build for this kernel is found by modprobe under
# updates/dkms, with the packages' version, and loads; /proc/wamp's first
# line is a wamp report, which the packaged wampstat reads; then the
# selftests of SELFTEST_DIR, if there are any, against that module
# (tests/vm/guest-check.sh: modprobe, the suites, unload, dmesg).
# Writes /tmp/out/pkg-result.  Usage: guest.sh VERSION SELFTEST_DIR
set -u
ver=$1
tdir=$2
here=$(dirname "$0")
out=/tmp/out
kver=$(uname -r)
[ -f "$out/env" ] && { set -a; . "$out/env"; set +a; }
# The chroot is the root here: its kernels' modules are under /.
export WAMP_KROOT=/ WAMP_KVER=$kver
result() {
	echo "kernel=$kver $*" > "$out/pkg-result"
	echo "== $*"
}

echo "== guest: $kver, $(nproc) CPUs, root: the package test's chroot"
ko=$(modinfo -n wamp) || { result "modprobe=FAIL (no wamp for $kver)"; exit 1; }
case $ko in
"/lib/modules/$kver/updates/dkms/wamp.ko"*) echo "== modinfo -n wamp: $ko" ;;
*) result "modprobe=FAIL ($ko is not DKMS's)"; exit 1 ;;
esac
v=$(modinfo -F version wamp)
[ "$v" = "$ver" ] || { result "modprobe=FAIL (version $v, not $ver)"; exit 1; }
if ! modprobe wamp; then
	dmesg | tail -20
	result "modprobe=FAIL"
	exit 1
fi
first=$(head -1 /proc/wamp)
echo "== /proc/wamp: $first"
case $first in
"# wamp 1."*) ;;
*) rmmod wamp; result "modprobe=ok proc=FAIL"; exit 1 ;;
esac
# The packaged reader, and what its timer writes for node_exporter.
if ! /usr/sbin/wampstat -n 5 ||
   ! /usr/sbin/wampstat -P -n 50 --prometheus > /tmp/wamp.prom ||
   ! grep -q '^wamp_write_bytes_total ' /tmp/wamp.prom; then
	rmmod wamp
	result "modprobe=ok proc=ok wampstat=FAIL"
	exit 1
fi
rmmod wamp || { result "modprobe=ok proc=ok wampstat=ok rmmod=FAIL"; exit 1; }
fmt=$(echo "$first" | awk '{ print $3 }')
if [ ! -x "$tdir/wamp_core_test" ]; then
	result "modprobe=ok version=$v format=$fmt wampstat=ok selftests=none"
	exit 0
fi
# The selftests reload the module from WAMP_KO with finit_module() and no
# MODULE_INIT_COMPRESSED_FILE: a compressed module (DKMS compresses as
# the kernel does its own: 6.12's is wamp.ko.xz) goes to them
# decompressed, the same module, loaded with insmod.  Tests that need
# what this chroot lacks (redis, bpftrace, perf, runc, promtool) skip.
tko=$ko how=modprobe
case $ko in
*.xz) tko=/tmp/wamp-dkms.ko how=insmod; xz -dc "$ko" > "$tko" ;;
*.zst) tko=/tmp/wamp-dkms.ko how=insmod; zstd -qdc "$ko" > "$tko" ;;
*.gz) tko=/tmp/wamp-dkms.ko how=insmod; gzip -dc "$ko" > "$tko" ;;
esac
# WAMP_PKG_SUITES (the env file; commas): the suites to run, default all.
suites=$tdir/suites
if [ -n "${WAMP_PKG_SUITES:-}" ]; then
	echo "${WAMP_PKG_SUITES//,/ }" > /tmp/pkg-suites
	suites=/tmp/pkg-suites
fi
bash "$here/../vm/guest-check.sh" "$tko" "$tdir" "$suites"
rc=$?
[ "$rc" -eq 0 ] && s=ok || s=FAIL
result "modprobe=ok version=$v format=$fmt wampstat=ok selftests=$s($how) $(cat "$out/result" 2>/dev/null)"
exit $rc
