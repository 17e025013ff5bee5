#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel unpacked by kernel.sh under QEMU TCG and run one script in
# it.  The guest sees this machine's root read-only over virtio-9p and
# chroots into it, so host-built programs (the selftests, bpftrace, mkfs)
# run there as they are; OUTDIR is shared writable at /tmp/out.  The
# guest's script exit status becomes ours.
#
# Usage: boot.sh KROOT OUTDIR SCRIPT [ARGS...]
# Environment: WAMP_SMP (2), WAMP_MEM (1024), WAMP_TIMEOUT (seconds, 1500),
#              WAMP_TCG_THREAD (single, or multi: see below),
#              WAMP_QEMU_EXTRA (more QEMU options, e.g. -icount ...),
#              WAMP_ROOT (a directory to be the guest's root instead of this
#              machine's: a Debian chroot with kernels of its own, as
#              tests/pkg/check.sh --boot makes; KROOT may then be that
#              directory, and WAMP_ROOT_KVER names the kernel of it to
#              boot).
set -euo pipefail

kroot=$(realpath "$1")
out=$(realpath "$2")
script=$(realpath "$3")
shift 3
kver=${WAMP_ROOT_KVER:-$(cat "$kroot/.kver")}
here=$(dirname "$(realpath "$0")")
root=$(realpath "${WAMP_ROOT:-/}")
# The guest's modprobe -d: KROOT, or / when KROOT is the guest's root.
gkroot=$kroot
[ "$kroot" != "$root" ] || gkroot=/

mkdir -p "$out"
rm -f "$out/status" "$out/console.log"

# --- initramfs: busybox, and the modules that reach the 9p root ---
ird=$(mktemp -d)
trap 'rm -rf "$ird"' EXIT
mkdir -p "$ird"/{bin,dev,proc,sys,host,mods}
cp /bin/busybox "$ird/bin/busybox"
for a in sh mount mkdir insmod chroot cat echo ln reboot sleep poweroff; do
	ln -s busybox "$ird/bin/$a"
done
: > "$ird/mods/order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null || true
done | awk '$1 == "insmod" { print $2 }' | while read -r ko; do
	base=$(basename "$ko")
	grep -qx "$base" "$ird/mods/order" && continue
	case "$ko" in
	*.xz) xz -dc "$ko" > "$ird/mods/${base%.xz}"; base=${base%.xz} ;;
	*.zst) zstd -qdc "$ko" > "$ird/mods/${base%.zst}"; base=${base%.zst} ;;
	*) cp "$ko" "$ird/mods/$base" ;;
	esac
	echo "$base" >> "$ird/mods/order"
done
printf '%s\n' "$script" "$@" > "$ird/cmd"
# The repository and the kernel tree are shared once more on their own, so
# that the guest sees them even under a directory it mounts a tmpfs on
# (/tmp, /run, /var/tmp, /root): CI may clone anywhere.
top=$(cd "$here/../.." && pwd)
shares=()
: > "$ird/shares"
# A root other than this machine's gets (empty) mount points for them, and
# the guest mounts them there even though the paths exist.
for p in "$top" "$kroot"; do
	[ "$p" != "$root" ] || continue
	tag="share${#shares[@]}"
	shares+=(-virtfs "local,path=$p,mount_tag=$tag,security_model=none,readonly=on,multidevs=remap")
	if [ "$root" = / ]; then
		echo "$tag $p" >> "$ird/shares"
	else
		mkdir -p "$root$p"
		echo "$tag $p always" >> "$ird/shares"
	fi
done
cp "$here/init" "$ird/init"
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/initramfs.gz"

[ -f "$out/disk.img" ] || truncate -s 512M "$out/disk.img"

vmlinuz=
for f in "$kroot/boot/vmlinuz-$kver" "$kroot/usr/lib/modules/$kver/vmlinuz"; do
	[ -f "$f" ] && { vmlinuz=$f; break; }
done
[ -n "$vmlinuz" ] || { echo "boot.sh: no kernel image in $kroot" >&2; exit 1; }
# WAMP_TCG_THREAD: QEMU's TCG threading, single (the default here: all
# vCPUs in one host thread, as -icount requires anyway) or multi (a thread
# per vCPU).  QEMU 7.2's multi-threaded TCG mishandles code that one vCPU
# patches while another runs it: a vCPU executes a stale INT3 of a
# finished jump-label or static-call patch.  Seen here with no wamp code
# involved: Debian 6.12 oopsed at boot ("Oops: int3" at
# sched_clock_cpu+0x9, 3 s in, before init), and Debian 6.1 livelocked at
# syscall_trace_enter+0xe9 while a tracepoint was (un)registered under a
# syscall storm; never with thread=single.  A test verdict must not hang
# on that, so every boot is single-threaded unless asked otherwise.
# shellcheck disable=SC2086
timeout --foreground -k 10 "${WAMP_TIMEOUT:-1500}" \
qemu-system-x86_64 -accel "tcg,thread=${WAMP_TCG_THREAD:-single}" -smp "${WAMP_SMP:-2}" -m "${WAMP_MEM:-1024}" \
	-nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$out/initramfs.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4 WAMP_KROOT=$gkroot WAMP_KVER=$kver" \
	-virtfs local,path="$root",mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=out,security_model=none \
	"${shares[@]}" \
	-drive file="$out/disk.img",if=virtio,format=raw,cache=unsafe \
	${WAMP_QEMU_EXTRA:-} < /dev/null 2>&1 | tee "$out/console.log" |
	sed -u 's/\r$//' | { [ -n "${WAMP_QUIET:-}" ] && cat > /dev/null || cat; }

if [ ! -f "$out/status" ]; then
	echo "boot.sh: the guest ended without a status (crash or timeout); console: $out/console.log" >&2
	exit 1
fi
exit "$(cat "$out/status")"
