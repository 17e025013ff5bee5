#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make bench`, booted with -icount shift=0
# -smp 1: every figure is guest instructions.  Writes KEY VALUE lines to
# /tmp/out/bench.txt.  Usage:
#   guest-bench.sh KO FLOOR_KO BENCH ITERATIONS APPS REQUESTS [CONFIGS]
# (FLOOR_KO: wamp_floor.ko, an empty sys_enter probe; APPS and REQUESTS:
# the application rows, guest-appbench.sh; CONFIGS, comma-separated, the
# configurations they run, default all five).
set -u
ko=$1
floor=$2
b=$3
n=$4
apps=${5:-}
requests=${6:-}
cfgs=${7:-}
here=$(dirname "$0")
. "$here/guest-lib.sh"
. "$here/guest-appbench.sh"
app_ko=$ko app_floor=$floor
out=/tmp/out/bench.txt
: > "$out"
rec() { echo "$1 $2" | tee -a "$out"; }
one() { "$b" "$@" | awk '{ print $1 }'; }

# The bpftrace one-liner, attached (guest-appbench.sh's app_bt_start(): a
# loop timed before it waits in its event loop would run partly untraced).
bt_start() { app_bt_start; }
bt_stop() { app_bt_stop; }

guest_disk || exit 1
rec kernel "$(uname -r)"
rec iterations "$n"
rec write_untraced "$(one write "$n")"
rec getpid_untraced "$(one getpid "$n")"
rec fsync48_untraced "$(one fsync48 /tmp/mnt $((n / 500)))"

bt_start || exit 1
rec write_bpftrace "$(one write "$n")"
bt_stop

# The floor: what any sys_enter probe costs, here an empty one.
insmod "$floor" || exit 1
rec write_floor "$(one write "$n")"
rec getpid_floor "$(one getpid "$n")"
rmmod wamp_floor
# The same empty probe as an ftrace callback on __x64_sys_write only.
insmod "$floor" hook=ftrace || exit 1
rec write_ftrace "$(one write "$n")"
rec getpid_ftrace "$(one getpid "$n")"
rmmod wamp_floor

# wamp with syscall_hook=0: the sys_enter probe instead of the default
# ftrace hook on the counted syscalls.
insmod "$ko" syscall_hook=0 || exit 1
rec write_wamptp "$(one write "$n")"
rec getpid_wamptp "$(one getpid "$n")"
rmmod wamp

insmod "$ko" || exit 1
rec syscall_hook "$(cat /sys/module/wamp/parameters/syscall_hook)"
rec write_wamp "$(one write "$n")"
rec getpid_wamp "$(one getpid "$n")"
for t in 1 100 1000; do
	rec "write_wamp_${t}_tasks" "$(one tasks "$t" "$n")"
done
# What the stacks of sampled bios cost that loop: the default sampling
# against none, alternated three times (the loop's cost drifts with the
# file system's state), the cheapest of each; then every bio's stack.
sp=/sys/module/wamp/parameters/stack_sample
def=$(cat $sp)
fw= fns=
for i in 1 2 3; do
	echo "$def" > $sp
	fw="$fw $(one fsync48 /tmp/mnt $((n / 500)))"
	echo 0 > $sp
	fns="$fns $(one fsync48 /tmp/mnt $((n / 500)))"
done
cheapest() { printf '%s\n' $1 | sort -g | head -1; }
rec fsync48_wamp "$(cheapest "$fw")"
rec fsync48_nostacks "$(cheapest "$fns")"
echo 1 > $sp
rec fsync48_allstacks "$(one fsync48 /tmp/mnt $((n / 500)))"
echo "$def" > $sp
echo reset > /proc/wamp
rec stack_sample "$def"
bt_start || exit 1
rec write_both "$(one write "$n")"
bt_stop
rec bytes_per_cpu "$(awk 'NR == 1 { print $4 }' /sys/kernel/debug/wamp/cpus)"
rmmod wamp
# The untraced loops again, in the same boot: how far the baseline moves.
rec write_untraced_again "$(one write "$n")"
rec getpid_untraced_again "$(one getpid "$n")"

# /proc/wamp cost per row, with a table big enough for 10000 tasks.
insmod "$ko" table_size=16384 || exit 1
for k in 10 1000 10000; do
	echo reset > /proc/wamp
	"$b" rows "$k"
	ns=$("$b" procread | awk '{ print $1 }')
	rows=$(head -1 /proc/wamp | sed 's/.* rows=\([0-9]*\) .*/\1/')
	rec "procread_${k}" "$(awk -v ns="$ns" -v r="$rows" 'BEGIN { printf "%.0f %d", ns / r, r }')"
done
rec bytes_per_cpu_16384 "$(awk 'NR == 1 { print $4 }' /sys/kernel/debug/wamp/cpus)"
rmmod wamp

# Instructions per request of real programs (guest-appbench.sh).
ip link set lo up
if [ -n "$apps" ]; then
	rec app_requests "$requests"
	rec app_list "$apps"
fi
[ -n "$cfgs" ] && app_cfgs=${cfgs//,/ }
for a in ${apps//,/ }; do
	app_bench "$a" "$requests" || exit 1
done
if dmesg_splats; then echo "dmesg has splats"; exit 1; fi
exit 0
