#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (the debug kernel): CYCLES load/unload cycles of
# wamp.ko while, on every CPU, a small-write+fsync loop on ext4 and an
# O_DIRECT loop on null_blk run, one reader loops over /proc/wamp and
# reset, another keeps /proc/wamp open, reading slowly, across the
# unloads, and two file-operation fuzzers (FOPS: wamp_fops, as root and
# as nobody) open, operate on and close /proc/wamp and the parameters at
# random, holding them across the unloads.  The fuzzers stop while wamp's
# tracepoints are registered or unregistered (see tests/vm/boot.sh: QEMU's
# multi-threaded TCG, if asked for with WAMP_TCG_THREAD=multi, can livelock
# on a syscall storm then; the readers and writers here are slower);
# fops_storm_across_reloads keeps them going.  Then kmemleak scans.  Fails
# on a failed load or unload, a dead fuzzer, a kmemleak report or any
# kernel complaint in dmesg.
# Usage: guest-stress.sh KO [CYCLES (100)] [FOPS]
set -u
ko=$1
cycles=${2:-100}
fops=${3:-}
here=$(dirname "$0")
. "$here/guest-lib.sh"
out=/tmp/out
kml=/sys/kernel/debug/kmemleak
rc=0

mountpoint -q /tmp/mnt || guest_disk || { echo "no ext4 disk"; exit 1; }
[ -b /dev/nullb0 ] || gmodprobe null_blk || { echo "no null_blk"; exit 1; }
lsmod | grep -q '^wamp ' && rmmod wamp
# Leaks reported so far are not ours: start from a clean list.
if [ -w "$kml" ]; then
	echo scan > "$kml"
	echo clear > "$kml"
fi

ncpu=$(nproc)
echo "== stress: $cycles load/unload cycles, $ncpu CPUs, writers and block I/O on each"
# Long-running processes and shell builtins only: under KASAN and lockdep
# a fork costs so much that loops of short commands would starve the
# load/unload cycles they are meant to load.
loops=()
for cpu in $(seq 0 $((ncpu - 1))); do
	# 48-byte synchronous writes on ext4 (an fsync each), and 4 KiB
	# O_DIRECT writes to null_blk.
	# Niced: they run whenever the load/unload loop waits, and do not
	# stretch each cycle to the time the whole load takes to schedule.
	nice -n 19 taskset -c "$cpu" dd if=/dev/zero of="/tmp/mnt/stress$cpu" \
		bs=48 count=100000000 oflag=dsync status=none &
	loops+=($!)
	nice -n 19 taskset -c "$cpu" dd if=/dev/zero of=/dev/nullb0 bs=4k \
		count=100000000 oflag=direct status=none &
	loops+=($!)
done
# The readers sleep with a timed read on a FIFO nobody writes (no fork).
rm -f /tmp/stress.fifo
mkfifo /tmp/stress.fifo
# A reader of the whole report, resetting every fourth read.
nice -n 10 bash -c 'exec 4<>/tmp/stress.fifo; n=0; while :; do if read -r -d "" t < /proc/wamp; then :; fi; [ -e /proc/wamp ] || read -r -t 0.01 -u 4 x; n=$((n + 1)); [ $((n % 4)) -eq 0 ] && echo reset > /proc/wamp; done 2>/dev/null' &
loops+=($!)
# A reader that keeps /proc/wamp open across unloads, reading slowly.
nice -n 10 bash -c 'exec 4<>/tmp/stress.fifo; while :; do if exec 3</proc/wamp; then while read -r l <&3; do read -r -t 0.02 -u 4 x; done; exec 3<&-; fi; read -r -t 0.05 -u 4 x; done 2>/dev/null' &
loops+=($!)
# Load and unload with the fuzzers stopped (they hold their files open).
fuzz=()
load() {
	[ ${#fuzz[@]} -eq 0 ] || kill -STOP "${fuzz[@]}"
	busybox insmod "$ko"
	local r=$?
	[ ${#fuzz[@]} -eq 0 ] || kill -CONT "${fuzz[@]}"
	return $r
}
unload() {
	[ ${#fuzz[@]} -eq 0 ] || kill -STOP "${fuzz[@]}"
	busybox rmmod wamp
	local r=$?
	[ ${#fuzz[@]} -eq 0 ] || kill -CONT "${fuzz[@]}"
	return $r
}

# The fuzzers take their file list at start: load the module for it.
if [ -x "$fops" ]; then
	busybox insmod "$ko" || { echo "stress: insmod failed"; exit 1; }
	files=(/proc/wamp /sys/module/wamp/parameters/*)
	for u in 0 65534; do
		nice -n 10 "$fops" -n 0 -s $((u + 7)) -u $u "${files[@]}" \
			> "$out/fops.$u" 2>&1 &
		fuzz+=($!)
	done
	unload || { echo "stress: rmmod failed"; rc=1; }
fi

# busybox's insmod and rmmod (static): kmod's load their shared libraries
# (libcrypto among them) over 9p on every exec, which under KASAN in TCG
# took 6 to 8 s per call against 1.5 to 2 s, most of a cycle (measured
# with both in one boot of the debug kernel, under this load).
events=0 done_cycles=0
for i in $(seq "$cycles"); do
	if ! load; then
		echo "stress: insmod failed in cycle $i"; rc=1; break
	fi
	sleep 0.2
	# Events counted since the reader's last reset: writes, syncs,
	# requests.  Builtins only: two forks per cycle less.
	n=0
	if read -r hdr < /proc/wamp; then
		for f in $hdr; do
			case $f in
			writes=* | syncs=* | blk_reqs=*) n=$((n + ${f#*=})) ;;
			esac
		done
	fi
	events=$((events + n))
	if ! unload; then
		echo "stress: rmmod failed in cycle $i"; rc=1; break
	fi
	done_cycles=$i
	[ $((i % 10)) -eq 0 ] && echo "stress: $i cycles, $SECONDS s"
done
kill "${loops[@]}" 2>/dev/null
fops_ops=0
if [ ${#fuzz[@]} -gt 0 ]; then
	kill -TERM "${fuzz[@]}"
	for p in "${fuzz[@]}"; do
		wait "$p" || { echo "stress: a file-operation fuzzer died ($?)"; rc=1; }
	done
	cat "$out"/fops.*
	fops_ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' "$out"/fops.* | awk '{ s += $1 } END { print s + 0 }')
fi
wait 2>/dev/null
rm -f /tmp/stress.fifo
echo "stress: $done_cycles cycles, $events events in the last read of each cycle"

leaks=0
if [ -w "$kml" ]; then
	# An object must go unreferenced through two scans to be reported.
	echo scan > "$kml"; sleep 6; echo scan > "$kml"
	cat "$kml" > "$out/kmemleak.txt"
	leaks=$(grep -c '^unreferenced object' "$out/kmemleak.txt")
	[ "$leaks" -eq 0 ] || { cat "$out/kmemleak.txt"; rc=1; }
	echo "stress: kmemleak: $leaks unreferenced objects"
else
	echo "stress: no kmemleak in this kernel"
fi
splats=0
if dmesg_splats > "$out/stress-splats.txt"; then
	splats=$(wc -l < "$out/stress-splats.txt")
	cat "$out/stress-splats.txt"; rc=1
fi
echo "stress: cycles=$done_cycles events=$events fops_ops=$fops_ops leaks=$leaks splat_lines=$splats" | tee "$out/stress.summary"
exit $rc
