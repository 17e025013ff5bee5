#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The application rows of `make bench`, inside a guest booted with
# -icount shift=0,sleep=off -smp 1 (a task's schedstat run time is then the
# instructions it ran, interrupts that hit it included).  Sourced by
# guest-bench.sh after guest-lib.sh (guest_disk, /tmp/mnt), or run alone:
#   guest-appbench.sh KO FLOOR_KO APPS REQUESTS [OUT]
# APPS: a comma-separated list of redis (no persistence), redis-aof (appendonly yes,
# appendfsync always, on ext4 on virtio-blk), sqlite (sqlite3 committing
# one small INSERT per transaction, on the same file system).  REQUESTS:
# redis-benchmark's -n (SET and GET each: 2 x REQUESTS requests; sqlite:
# REQUESTS / 10 transactions).
#
# Each app is measured untraced, with the empty-probe floor module, with
# the floor module's empty ftrace callback on write(2) instead, with wamp
# (its default, syscall_hook=1: the ftrace hook on the counted syscalls),
# with wamp syscall_hook=0 (the sys_enter probe) and with the bpftrace
# one-liner, the six in turn, $app_rounds rounds (5);
# each row is the median of its rounds, as instructions per request of the
# server process (all its threads).  Not the cheapest, as the loops of
# wamp_bench are: a run can be cheaper than its configuration's usual
# (an fsync that finds its journal commit done already), so the cheapest
# of five is an outlier as often as not.  Each round starts one
# configuration later than the one before.  KEY VALUE lines go to OUT
# (default /tmp/out/bench.txt): app_<app>_<config> (the median),
# app_<app>_<config>_runs (each round's, comma-separated),
# app_<app>_syscalls and app_<app>_census (app_census below).

app_ko=
app_floor=
# The configurations, in the order each round runs them: ftrace is the
# floor module's empty ftrace callback on __x64_sys_write (floor.c);
# wamptp is wamp with syscall_hook=0, the sys_enter probe.
app_cfgs="untraced floor ftrace wamp wamptp bpftrace"
app_rounds=5
app_out=/tmp/out/bench.txt

app_rec() { echo "$1 $2" | tee -a "$app_out"; }

# The run time of every thread of process $1, in ns (instructions).
app_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null |
		awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# bpftrace prints "Attaching" before it attaches; it is attached once it
# waits in its event loop (measured: ~0.2 s of guest time later).
app_bt_start() {
	bpftrace -e 'tracepoint:syscalls:sys_enter_write { @bytes[comm] = sum(args->count); @cnt[comm] = count(); }' \
		> /tmp/app-bt.log 2>&1 &
	app_bt=$!
	for i in $(seq 1200); do
		if grep -q Attaching /tmp/app-bt.log; then
			case $(cat "/proc/$app_bt/wchan" 2>/dev/null) in
			do_epoll_wait | ep_poll | do_sys_poll | poll_schedule_timeout*)
				return 0 ;;
			esac
		fi
		kill -0 $app_bt 2>/dev/null || break
		sleep 0.1
	done
	echo "bpftrace did not attach:"; cat /tmp/app-bt.log
	return 1
}
# SIGINT makes bpftrace print its maps and exit; bpftrace 0.17 can miss
# one (tests/selftests/lib.c, bpftrace_stop()), so again every second.
app_bt_stop() {
	local i
	for i in $(seq 60); do
		case $(cut -d' ' -f3 "/proc/$app_bt/stat" 2>/dev/null) in
		'' | Z) break ;;
		esac
		kill -INT "$app_bt"
		sleep 1
	done
	wait "$app_bt"
}

# Set up / tear down configuration $1 around one run.
app_cfg_on() {
	case $1 in
	untraced) ;;
	floor) insmod "$app_floor" ;;
	ftrace) insmod "$app_floor" hook=ftrace ;;
	wamp) insmod "$app_ko" ;;
	wamptp) insmod "$app_ko" syscall_hook=0 ;;
	bpftrace) app_bt_start ;;
	esac
}
app_cfg_off() {
	case $1 in
	untraced) ;;
	floor | ftrace) rmmod wamp_floor ;;
	wamp | wamptp) rmmod wamp ;;
	bpftrace) app_bt_stop ;;
	esac
}

# --- redis: redis-benchmark SET and GET, one connection, 16-byte values --
app_redis_port=6390

app_redis_start() {
	local dir=/tmp/mnt/redis-$1
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	case $1 in
	redis) set -- --save "" --appendonly no ;;
	redis-aof) set -- --save "" --appendonly yes --appendfsync always ;;
	esac
	# hz 1: its timer (serverCron) runs once a second instead of ten
	# times, so that a run's count depends less on how long it took.
	redis-server --port $app_redis_port --dir "$dir" --daemonize no \
		--logfile "$dir/log" --hz 1 "$@" &
	app_pid=$!
	for i in $(seq 200); do
		redis-cli -p $app_redis_port ping 2>/dev/null | grep -q PONG &&
			return 0
		sleep 0.1
	done
	echo "redis-server did not answer"; return 1
}

app_redis_stop() {
	redis-cli -p $app_redis_port shutdown nosave >/dev/null 2>&1
	wait "$app_pid" 2>/dev/null
}

# Instructions per request of one redis-benchmark run of $1 each.
app_redis_run() {
	local a b
	a=$(app_ns "$app_pid")
	redis-benchmark -p $app_redis_port -t set,get -n "$1" -c 1 -d 16 -q \
		> /dev/null 2>&1 || return 1
	b=$(app_ns "$app_pid")
	awk -v a="$a" -v b="$b" -v n="$1" 'BEGIN { printf "%.1f\n", (b - a) / (2 * n) }'
}

# --- sqlite3: one 48-byte INSERT per transaction (autocommit), the default
# rollback journal and synchronous=FULL: each commit writes and fsyncs the
# journal and the database.  The sqlite3 process reads its own schedstat
# before the first and after the last (.system runs sh as its child). ---
app_sqlite_start() {
	rm -rf /tmp/mnt/sqlite && mkdir -p /tmp/mnt/sqlite || return 1
	sqlite3 /tmp/mnt/sqlite/t.db \
		'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);' || return 1
	app_pid=
}

app_sqlite_stop() { :; }

# One sqlite3 run of $1 / 10 transactions; with $2 set, a census run:
# sqlite3 itself loads the floor module's census of its own syscalls
# (sh's $PPID is sqlite3) and saves it at the end, so that it counts what
# the window between the two schedstat readings runs, not its start-up.
app_sqlite_run() {
	local n=$(($1 / 10)) d=/tmp/mnt/sqlite
	{
		[ -n "${2:-}" ] &&
			echo ".system insmod $app_floor census=\$PPID"
		echo ".system cat /proc/\$PPID/schedstat > $d/s0"
		awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
			printf "INSERT INTO t (v) VALUES (%c%048d%c);\n", 39, i, 39 }'
		echo ".system cat /proc/\$PPID/schedstat > $d/s1"
		[ -n "${2:-}" ] &&
			echo ".system cat /sys/kernel/debug/wamp_floor_census > $d/census"
	} > $d/run.sql
	sqlite3 $d/t.db < $d/run.sql > /dev/null || return 1
	cat $d/s0 $d/s1 | awk -v n="$n" '{ v[NR] = $1 }
		END { printf "%.1f\n", (v[2] - v[1]) / n }'
}

# The syscalls per request of one run, by number, from the floor module's
# census (tests/bench/floor.c; -1 counts numbers beyond its table, none
# of ours): app_<app>_syscalls TOTAL and app_<app>_census
# NR:PER_REQUEST,... (the most frequent first, down to 0.01).
app_census() {
	local app=$1 kind=$2 n=$3 reqs c=/tmp/census.txt
	case $kind in
	redis)
		reqs=$((2 * n))
		insmod "$app_floor" census="$app_pid" || return 1
		app_redis_run "$n" > /dev/null || return 1
		cat /sys/kernel/debug/wamp_floor_census > $c ;;
	sqlite)
		reqs=$((n / 10))
		app_sqlite_run "$n" census > /dev/null || return 1
		cp /tmp/mnt/sqlite/census $c || return 1 ;;
	esac
	rmmod wamp_floor
	app_rec "app_${app}_syscalls" "$(awk -v r="$reqs" '{ s += $2 }
		END { printf "%.2f", s / r }' $c)"
	app_rec "app_${app}_census" "$(sort -k2,2nr $c | awk -v r="$reqs" '
		$2 / r >= 0.01 { printf "%s%d:%.2f", n++ ? "," : "", $1, $2 / r }')"
}

# After a failure: nothing of ours left loaded or running.
app_cleanup() {
	[ -n "${app_bt:-}" ] && kill -INT "$app_bt" 2>/dev/null
	rmmod wamp_floor 2>/dev/null
	rmmod wamp 2>/dev/null
	app_${1}_stop
	return 1
}

# One app: $app_rounds rounds of the configurations.
app_bench() {
	local app=$1 n=$2 kind cfg r x order
	case $app in
	redis | redis-aof) kind=redis ;;
	sqlite) kind=sqlite ;;
	*) echo "appbench: unknown app $app"; return 1 ;;
	esac
	app_${kind}_start "$app" || app_cleanup $kind || return 1
	# A warm-up run: the first one allocates what the others reuse.
	app_${kind}_run "$n" > /dev/null || app_cleanup $kind || return 1
	app_census "$app" "$kind" "$n" || app_cleanup $kind || return 1
	declare -A all
	order=$app_cfgs
	for r in $(seq "$app_rounds"); do
		for cfg in $order; do
			app_cfg_on $cfg || app_cleanup $kind || return 1
			x=$(app_${kind}_run "$n") || app_cleanup $kind || return 1
			app_cfg_off $cfg
			all[$cfg]="${all[$cfg]:-} $x"
		done
		# The next round starts one later: the database and the AOF
		# grow, and no configuration always runs last.
		order="${order#* } ${order%% *}"
	done
	app_${kind}_stop
	for cfg in $app_cfgs; do
		app_rec "app_${app}_$cfg" "$(printf '%s\n' ${all[$cfg]} | sort -g |
			awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
		app_rec "app_${app}_${cfg}_runs" "$(echo ${all[$cfg]} | tr ' ' ,)"
	done
}

# Run alone: guest-appbench.sh KO FLOOR_KO APPS REQUESTS [OUT].
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	here=$(dirname "$0")
	. "$here/guest-lib.sh"
	app_ko=$1 app_floor=$2
	app_out=${5:-/tmp/out/bench.txt}
	: > "$app_out"
	ip link set lo up
	guest_disk || exit 1
	app_rec kernel "$(uname -r)"
	app_rec app_requests "$4"
	for a in ${3//,/ }; do
		app_bench "$a" "$4" || exit 1
	done
	if dmesg_splats; then echo "dmesg has splats"; exit 1; fi
	exit 0
fi
