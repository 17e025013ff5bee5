#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: wamp's cost in guest instructions.  Boots Debian's 6.1
# kernel with -icount shift=0,sleep=off -smp 1 (the guest clock advances
# one nanosecond per instruction, so timed loops are instruction counts
# that repeat across boots) and runs tests/vm/guest-bench.sh: untraced,
# with the bpftrace one-liner, with an empty sys_enter probe (the floor,
# tests/bench/floor.c; and the same as an ftrace callback on write(2)),
# with wamp, with wamp and bpftrace.  Prints the table,
# checks the targets, and with --write updates BENCHMARKS.md.  Then the
# application rows (guest-appbench.sh): instructions per request of redis,
# redis with appendfsync always, sqlite3, in the same boot.
# Usage: bench.sh KROOT BUILD ITERATIONS APPS REQUESTS [--write]
# (APPS: comma-separated, of redis, redis-aof, sqlite; REQUESTS: the
# redis-benchmark -n, sqlite3 runs a tenth as many transactions;
# BENCH_APP_CFGS=untraced,floor,wamp runs only those configurations)
# BENCH_REUSE=1 renders the last run's results again without booting.
set -euo pipefail
kroot=$1
build=$2
n=$3
apps=${4:-}
requests=${5:-}
write=${6:-}
# The form before the application rows: bench.sh KROOT BUILD N --write.
if [ "$apps" = --write ]; then
	write=--write apps= requests=
fi
if [ -z "${BENCH_REUSE:-}" ] && { [ -z "$apps" ] || [ -z "$requests" ]; }; then
	echo "usage: bench.sh KROOT BUILD ITERATIONS APPS REQUESTS [--write]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kver=$(cat "$kroot/.kver")
out="$build/$kver/bench"
if [ -z "${BENCH_REUSE:-}" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	"$here/build-module.sh" "$kroot" "$build"
	"$here/build-module.sh" "$kroot" "$build" floor WAMP_FLOOR=1
	echo "== booting $kver with -icount shift=0,sleep=off -smp 1 ($n iterations)"
	WAMP_QUIET=1 WAMP_SMP=1 WAMP_TIMEOUT=3600 \
		WAMP_QEMU_EXTRA="-icount shift=0,sleep=off" \
		"$here/boot.sh" "$kroot" "$out" "$here/guest-bench.sh" \
		"$build/$kver/src/wamp.ko" "$build/$kver/floor/wamp_floor.ko" \
		"$build/bench/wamp_bench" "$n" "$apps" "$requests" \
		"${BENCH_APP_CFGS:-}" ||
		{ tail -40 "$out/console.log"; exit 1; }
fi
r="$out/bench.txt"
n=$(awk '$1 == "iterations" { print $2 }' "$r")
v() { awk -v k="$1" '$1 == k { print $2 }' "$r"; }
# A procread line: instructions per row, rows.
vrows() { awk -v k="$1" '$1 == k { print $2 " | " $3 }' "$r"; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

wu=$(v write_untraced) ww=$(v write_wamp) wb=$(v write_bpftrace)
wboth=$(v write_both) gu=$(v getpid_untraced) gw=$(v getpid_wamp)
t1=$(v write_wamp_1_tasks) t100=$(v write_wamp_100_tasks)
t1000=$(v write_wamp_1000_tasks)
fu=$(v fsync48_untraced) fw=$(v fsync48_wamp)
fns=$(v fsync48_nostacks) fas=$(v fsync48_allstacks)
wu2=$(v write_untraced_again) gu2=$(v getpid_untraced_again)
wf=$(v write_floor) gf=$(v getpid_floor)
wtp=$(v write_wamptp) gtp=$(v getpid_wamptp) hook=$(v syscall_hook)
wft=$(v write_ftrace) gft=$(v getpid_ftrace)
bpc=$(v bytes_per_cpu)
qemu=$(qemu-system-x86_64 --version | head -1)

table() {
	cat <<EOT
Measured with \`tests/vm/bench.sh KROOT BUILD $n\` ($n iterations per
loop; \`make bench\` runs 1000000, \`make bench-short\` 100000):
Debian's \`$kver\` kernel in $qemu, \`-accel tcg -icount shift=0,sleep=off
-smp 1\`, so every figure is guest instructions (one per guest nanosecond)
and repeats across boots.  Each write and getpid figure is the cheapest
of 5 runs of the loop (other guest activity can only add instructions to
a timed window); the bpftrace loops start once bpftrace waits in its
event loop, i.e. is attached.  "added" is against the untraced loop.

| loop | instructions per call | added | ratio to untraced | share of bpftrace's added cost |
|---|---|---|---|---|
| \`write(fd, buf, 1)\` to /dev/null, untraced | $wu | | 1.000 | |
| the same, bpftrace one-liner running | $wb | $(add "$wb" "$wu") | $(ratio "$wb" "$wu") | 100% |
| the same, an empty sys_enter probe loaded (the floor) | $wf | $(add "$wf" "$wu") | $(ratio "$wf" "$wu") | |
| the same, wamp loaded (its default, syscall_hook=$hook: the ftrace hook on the counted syscalls) | $ww | $(add "$ww" "$wu") | $(ratio "$ww" "$wu") | $(awk -v a="$ww" -v b="$wb" -v u="$wu" 'BEGIN { printf "%.1f%%", 100 * (a - u) / (b - u) }') |
| the same, wamp syscall_hook=0 (the sys_enter probe) | $wtp | $(add "$wtp" "$wu") | $(ratio "$wtp" "$wu") | $(awk -v a="$wtp" -v b="$wb" -v u="$wu" 'BEGIN { printf "%.1f%%", 100 * (a - u) / (b - u) }') |
| the same, wamp and bpftrace | $wboth | $(add "$wboth" "$wu") | $(ratio "$wboth" "$wu") | |
| the same, an empty ftrace callback on \`__x64_sys_write\` instead (a floor of hooking the write calls alone) | $wft | $(add "$wft" "$wu") | $(ratio "$wft" "$wu") | |
| \`getpid()\`, untraced | $gu | | 1.000 | |
| \`getpid()\`, an empty sys_enter probe loaded (the floor) | $gf | $(add "$gf" "$gu") | $(ratio "$gf" "$gu") | |
| \`getpid()\`, the empty ftrace callback on \`__x64_sys_write\` | $gft | $(add "$gft" "$gu") | $(ratio "$gft" "$gu") | |
| \`getpid()\`, wamp loaded (syscall_hook=$hook) | $gw | $(add "$gw" "$gu") | $(ratio "$gw" "$gu") | |
| \`getpid()\`, wamp syscall_hook=0 | $gtp | $(add "$gtp" "$gu") | $(ratio "$gtp" "$gu") | |
| write, untraced again after \`rmmod wamp\` | $wu2 | $(add "$wu2" "$wu") | $(ratio "$wu2" "$wu") | |
| \`getpid()\`, untraced again after \`rmmod wamp\` | $gu2 | $(add "$gu2" "$gu") | $(ratio "$gu2" "$gu") | |
| write, wamp, 1 live task | $t1 | $(add "$t1" "$wu") | $(ratio "$t1" "$wu") | |
| write, wamp, 100 live tasks | $t100 | $(add "$t100" "$wu") | $(ratio "$t100" "$wu") | |
| write, wamp, 1000 live tasks | $t1000 | $(add "$t1000" "$wu") | $(ratio "$t1000" "$wu") | |
| 48-byte write + fsync, ext4 on virtio-blk, untraced (the writer's own instructions) | $fu | | 1.000 | |
| the same, wamp loaded (stack_sample=$(v stack_sample), the default; cheapest of 3, alternated with the next row) | $fw | $(add "$fw" "$fu") | $(ratio "$fw" "$fu") | |
| the same, wamp with stack_sample=0 (no stacks; cheapest of 3) | $fns | $(add "$fns" "$fu") | $(ratio "$fns" "$fu") | |
| the same, wamp with stack_sample=1 (every bio's stack) | $fas | $(add "$fas" "$fu") | $(ratio "$fas" "$fu") | |

\`cat /proc/wamp\` (open, read until EOF, close: the cheapest of 5; the
reader's own work on the bytes is not counted; table_size=16384):

| tracked tasks | instructions per row | rows |
|---|---|---|
| 10 | $(vrows procread_10) |
| 1000 | $(vrows procread_1000) |
| 10000 | $(vrows procread_10000) |

The fsync rows count what the writing thread runs itself (its CPU time
under \`-icount\`): the write and fsync syscalls, wamp's probes on them and
on the block layer's submission in the writer's context, ext4 and jbd2
work done in that context.  Its wall time is no instruction count: while
it waits for the disk the guest idles and QEMU (\`sleep=off\`) moves its
clock on by what the host takes.  Work in other contexts (the kblockd
worker that issues the request, the jbd2 thread) is not in these rows;
interrupts that arrive while the writer runs are (Debian's kernel has no
IRQ_TIME_ACCOUNTING).  Unlike the other rows they depend on the loop's
length (the file grows, journal commits fall differently): bench-short's
200 write+fsync and bench's 2000 gave per-call figures about 10% apart.
Compare the two rows of one run.

Memory, from the module's own allocation sizes (debugfs \`wamp/cpus\`):
$bpc bytes per CPU at the default table_size=1024 (370 per task slot: 368
for the slot, 2 for its index in the claim order; $(( bpc - 370 * 1024 )) for the
per-CPU header, the device, cgroup and stack tables), so
$(( bpc * 2 )) bytes on 2 CPUs, $(( bpc * 64 )) on 64 and $(( bpc * 256 ))
on 256; $(v bytes_per_cpu_16384) bytes per CPU at table_size=16384.  Not
counted here: the inode-owner table (88 bytes per entry, one for the
machine) and the journal tables (README, "Memory").
EOT
	apptable
}

# pct ADDED BASE: ADDED as a share of BASE.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f%%", 100 * a / b }'; }
appname() {
	case $1 in
	redis) echo "redis-server, no persistence: \`redis-benchmark -t set,get -n $areq -c 1 -d 16\`" ;;
	redis-aof) echo "redis-server, \`appendonly yes\`, \`appendfsync always\` (ext4 on virtio-blk): the same benchmark" ;;
	sqlite) echo "sqlite3: $((areq / 10)) transactions of one 48-byte INSERT each (rollback journal, synchronous=FULL, ext4 on virtio-blk)" ;;
	esac
}
apptable() {
	areq=$(v app_requests)
	[ -n "$areq" ] || return 0
	# The run's own list (BENCH_REUSE renders it without the arguments).
	apps=$(awk '$1 == "app_list" { print $2 }' "$r")
	cat <<EOT

Applications: instructions per request of the server process, all its
threads (its \`/proc/PID/task/*/schedstat\` run time under \`-icount\`:
its own instructions, the kernel's work in its context included), the
median of 5 rounds that alternate the configurations in one boot (each
round's figures in bench.txt: the cheapest run can be an outlier, an
fsync that found its journal commit done); sqlite3's "request" is one
transaction.
redis runs with \`hz 1\` (its timer's work depends on the run's length).
"added" is against untraced, with its share of untraced; "syscalls" is
the floor module's census of the process (\`census=TGID\`) per request.

| program | untraced | empty sys_enter probe (the floor) | empty ftrace callback on write(2) | wamp (default: syscall_hook=1) | wamp syscall_hook=0 (sys_enter) | bpftrace one-liner | wamp / floor | wamp syscall_hook=0 / floor | syscalls per request |
|---|---|---|---|---|---|---|---|---|---|
EOT
	local a u f t w h b
	# cell ADDED-FROM: "+N (P%)" against untraced, "-" if not run.
	cell() { [ -n "$1" ] && echo "$(add "$1" "$u") ($(pct "$(add "$1" "$u")" "$u"))" || echo -; }
	for a in ${apps//,/ }; do
		u=$(v "app_${a}_untraced") f=$(v "app_${a}_floor")
		t=$(v "app_${a}_ftrace") w=$(v "app_${a}_wamp")
		h=$(v "app_${a}_wamptp") b=$(v "app_${a}_bpftrace")
		echo "| $(appname "$a") | $u | $(cell "$f") | $(cell "$t") | $(cell "$w") | $(cell "$h") | $(cell "$b") | $(ratio "$(add "$w" "$u")" "$(add "$f" "$u")") | $([ -n "$h" ] && ratio "$(add "$h" "$u")" "$(add "$f" "$u")" || echo -) | $(v "app_${a}_syscalls") ($(v "app_${a}_census" | sed 's/,/, /g')) |"
	done
	echo
	echo "Census: syscall number:calls per request (x86_64 numbers: 0 read, 1 write, 232 epoll_wait, 75 fdatasync, 74 fsync, 17 pread64, 18 pwrite64, 8 lseek, 72 fcntl, 257 openat, 3 close, 87 unlink, 5 fstat, 262 newfstatat)."
}
table | tee "$out/table.md"

# Targets (issue 7): fail, never loosen.
fail=0
status=""
# target FATAL NAME VALUE LIMIT: FATAL 1 fails the run above LIMIT, 0
# reports it only (a tracked target, see issue 20 below).
target() {
	if awk -v x="$3" -v lim="$4" 'BEGIN { exit !(x <= lim) }'; then
		status="$status
- $2: $3, target $4: met"
	elif [ "$1" = 1 ]; then
		echo "bench: $2 = $3, over the target $4" >&2
		status="$status
- $2: $3, target $4: **not met**"
		fail=1
	else
		echo "bench: $2 = $3, over the target $4 (tracked, issue 20)" >&2
		status="$status
- $2: $3, target $4: **not met** (tracked, not enforced: issue 20)"
	fi
}
check() { target 1 "$@"; }
track() { target 0 "$@"; }
check "added per write()" "$(add "$ww" "$wu")" 150
check "added per getpid()" "$(add "$gw" "$gu")" 70
check "added per write(), syscall_hook=0" "$(add "$wtp" "$wu")" 150
check "added per getpid(), syscall_hook=0" "$(add "$gtp" "$gu")" 70
check "1000 tasks vs 1 task" "$(ratio "$t1000" "$t1")" 1.10
# Issue 17: the default stack sampling costs the write+fsync loop at most
# 1% over the same module without stacks.  What one in stack_sample bios
# costs is that share of what every bio's stack costs: the pair of runs
# that differ in the sampling alone differ as much by the file system's
# state (3% either way, while sampling costs under 0.5%), so they are
# shown, and the target is checked on the estimate.
check "48-byte write + fsync, default stack_sample's cost (stack_sample=1 - stack_sample=0) / $(v stack_sample), vs none" \
	"$(awk -v a="$fas" -v z="$fns" -v k="$(v stack_sample)" 'BEGIN { printf "%.4f", 1 + (a - z) / k / z }')" 1.010
# And measured directly, within the pair's noise: a default that sampled
# every bio (stack_sample=1 costs 29% here) or every few fails this.
check "48-byte write + fsync, default stack_sample vs none, measured (noise: 3%)" \
	"$(ratio "$fw" "$fns")" 1.050
for k in 10 1000 10000; do
	check "/proc/wamp instructions per row ($k)" "$(v procread_$k | awk '{ print $1 }')" 10000
done
# Issue 20: redis (no persistence), wamp (its default, the ftrace hook on
# the counted syscalls) adds at most 1% over untraced and at most 1.3 times
# what the floor module adds: checked.  With syscall_hook=0 (the sys_enter
# probe) both are tracked: the floor alone takes about 1% (0.89% to 1.05%
# measured on 6.1), and the ratio is 1 + wamp's own ~70 instructions per
# request over a floor that measured 212 to 250 on different hosts (1.25
# to 1.35: README, "Cost").
if [ -n "$(v app_redis_untraced)" ]; then
	ru=$(v app_redis_untraced) rf=$(v app_redis_floor) rw=$(v app_redis_wamp)
	check "redis instructions per request, wamp's added share (%)" \
		"$(awk -v w="$rw" -v u="$ru" 'BEGIN { printf "%.2f", 100 * (w - u) / u }')" 1.00
	check "redis, wamp's added instructions / the floor's" \
		"$(ratio "$(add "$rw" "$ru")" "$(add "$rf" "$ru")")" 1.30
	rh=$(v app_redis_wamptp)
	if [ -n "$rh" ]; then
		track "redis instructions per request, wamp syscall_hook=0's added share (%)" \
			"$(awk -v w="$rh" -v u="$ru" 'BEGIN { printf "%.2f", 100 * (w - u) / u }')" 1.00
		track "redis, wamp syscall_hook=0's added instructions / the floor's" \
			"$(ratio "$(add "$rh" "$ru")" "$(add "$rf" "$ru")")" 1.30
	fi
fi
# Not a target: what wamp costs above an empty probe on the same hook.
status="$status
- wamp above the empty ftrace callback on write(2): write() $(add "$ww" "$wft"), getpid() $(add "$gw" "$gft")
- wamp syscall_hook=0 above the floor (an empty sys_enter probe): write() $(add "$wtp" "$wf"), getpid() $(add "$gtp" "$gf")"
if [ "$write" = --write ]; then
	{
		echo "# Benchmarks"
		echo
		echo "What wamp costs the machine it watches, in instructions."
		echo "Reproduce: \`make bench\` (1000000 iterations per loop) or"
		echo "\`make bench-short\` (100000), which check the targets below."
		echo
		table
		echo
		echo "Targets (issue 7), checked by both targets: at most +150"
		echo "instructions per \`write()\`, at most +70 per \`getpid()\`, 1000"
		echo "tasks within 10% of 1 task, at most 10000 instructions per"
		echo "\`/proc/wamp\` row; the default stack_sample costs the 48-byte"
		echo "write + fsync loop at most 1% over stack_sample=0 (issue 17)."
		echo "Issue 20: wamp adds at most 1% to redis's instructions per"
		echo "request and at most 1.3 times what the floor adds (both checked);"
		echo "with syscall_hook=0 both are tracked (the floor of any sys_enter"
		echo "probe alone takes about 1%)."
		echo
		echo "This run:$status"
		echo
		echo "The \"untraced again\" rows are the baseline measured once more in"
		echo "the same boot after unloading wamp: they show how far it moves."
	} > "$top/BENCHMARKS.md"
	echo "bench: BENCHMARKS.md written"
fi
exit $fail
