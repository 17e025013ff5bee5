#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# wampstat --top on a terminal of tmux's: what it shows, its keys, and the
# terminal it gives back.  Usage: top_test.sh WAMPSTAT (from the repository
# root; make unit runs it).  tmux comes with deps.sh's build set.
set -uo pipefail

ws=$(realpath "${1:-build/tools/wampstat}")
fix=$(realpath tests/unit/fixtures)
command -v tmux >/dev/null || tests/vm/deps.sh build
if ! command -v tmux >/dev/null; then
	echo "top_test.sh: tmux is missing (tests/vm/deps.sh build installs it)" >&2
	exit 1
fi

tmp=$(mktemp -d)
sock=wamp-top-test-$$
tm() { tmux -L "$sock" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0 n=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() {
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n $1"; echo "# the screen:"; sed 's/^/# /' "$tmp/screen"
}
screen() { tm capture-pane -p > "$tmp/screen"; }
# Wait (5 s at most) until the screen has line $1 (a fixed string).
wait_for() {
	local _
	for _ in $(seq 50); do
		screen
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
	done
	return 1
}
hasnt() { grep -qF -- "$2" "$tmp/screen" && not_ok "$1" || ok "$1"; }
# Line $2 of the screen (from 1) is exactly $3.
line_is() {
	[ "$(sed -n "$2p" "$tmp/screen")" = "$3" ] && ok "$1" || not_ok "$1"
}
# The title line: its left part, and the keys flush right on 160 columns.
title() { printf '%s%*s' "$1" $((160 - ${#1})) "q s P C c f h"; }
keys() { tm send-keys "$@"; sleep 0.3; screen; }

# Without a terminal: a clear refusal, status 2.
"$ws" --top -f "$fix/v1.4-demo-t1.txt" < /dev/null > "$tmp/out" 2>&1
st=$?
[ $st -eq 2 ] && grep -qF "wampstat: --top needs a terminal" "$tmp/out" &&
	ok "no tty: exit 2 with a message" ||
	{ cp "$tmp/out" "$tmp/screen"; not_ok "no tty: exit 2 (got $st)"; }

tm new-session -d -x 160 -y 40 \
	"env -i PATH=/usr/bin:/bin TERM=screen HOME=/nonexistent HISTFILE= PS1='prompt\$ ' bash --norc --noprofile"
sleep 0.3
run="$ws --top -f $fix/v1.4-demo-t1.txt 3600"
tm send-keys "$run" Enter
wait_for "wampstat --top:" || true

# The first screen: totals since load, by block bytes.
line_is "title" 1 "$(title "wampstat --top: tasks by blk, every 3600 s")"
line_is "summary" 2 "wamp 1.4 since load or reset: 5349 writes, 9953902 bytes, 1005 syncs, 16134144 bytes to devices, amp 1.62"
line_is "column header" 3 "      PID    TGID COMM                 WRITES        BYTES    AVG    SYNCS   BLK_REQS    BLK_BYTES     AMP      DIRTIED     WB_BYTES   JRNL_BYTES   CGROUP RUNTI"
line_is "top row by blk: nginx" 4 "      200     200 nginx                  2400      9830400   4096        0       2400      9830400    1.00      9830400      9830400            0     5000 docke"
line_is "flagged redis-server marked" 5 "*     144     144 redis-server           2916       122472     42     1003       1014      4251648   34.71       122472            0      3000000     7000 -"
line_is "sh, 3 writes, not flagged" 7 "      600     600 sh                        3           30     10        1          1         4096  136.53           30            0            0     7100 -"

keys s
line_is "s: sorted by bytes" 1 "$(title "wampstat --top: tasks by bytes, every 3600 s")"
line_is "s: redis bio third by bytes" 6 "      145     144 redis bio                30         1000     33        1          0            0    0.00         1000            0            0     7000 -"
line_is "s: jbd2 last by bytes" 8 "       57      57 jbd2/vda-8                0            0      -        0         50      2048000       -            0            0            0        1 -"

keys P
line_is "P: per process" 1 "$(title "wampstat --top: processes by bytes, every 3600 s")"
line_is "P: header" 3 "     TGID   TASKS COMM                 WRITES        BYTES    AVG    SYNCS   BLK_REQS    BLK_BYTES     AMP      DIRTIED     WB_BYTES   JRNL_BYTES   CGROUP RUNTI"
line_is "P: redis-server with its thread" 5 "*     144       2 redis-server           2946       123472     41     1004       1014      4251648   34.43       123472            0      3000000     7000 -"

keys f
line_is "f: flagged only" 1 "$(title "wampstat --top: processes by bytes, every 3600 s, flagged only")"
line_is "f: redis-server the only row" 4 "*     144       2 redis-server           2946       123472     41     1004       1014      4251648   34.43       123472            0      3000000     7000 -"
line_is "f: nothing after it" 5 ""
hasnt "f: nginx filtered out" "nginx"

keys c
line_is "c: cgroups" 1 "$(title "wampstat --top: cgroups by bytes, every 3600 s, flagged only")"
line_is "c: the redis service" 5 "*     7000       2946       123472     41     1004       1014      4251648   34.43 -          redis-server.service SMALL,SYNC,AMP /system.slice/redis-server.ser"

keys h c f
line_is "h: human units" 4 "      200     200 nginx                  2400         9.4M   4.0K        0       2400         9.4M    1.00         9.4M         9.4M            0     5000 docke"

# Too small a terminal: a message, not garbage; and back on a resize.
tm resize-window -x 60 -y 20
sleep 0.3; screen
line_is "small: a message" 1 "wampstat: terminal too small (60x20), needs 80x8; q quits"
tm resize-window -x 160 -y 40
sleep 0.3; screen
line_is "resize: back" 1 "$(title "wampstat --top: tasks by bytes, every 3600 s, human")"

keys q
grep -qxF "prompt\$ $run" "$tmp/screen" && grep -qx 'prompt\$' "$tmp/screen" &&
	ok "q: the shell and its screen back" || not_ok "q: the shell back"
hasnt "q: no trace of the view" "wampstat --top:"

# SIGINT (^C) restores the terminal too.
tm send-keys "clear" Enter
tm send-keys "$run" Enter
wait_for "wampstat --top:" || true
keys C-c
grep -qx 'prompt\$' "$tmp/screen" && ok "^C: the shell back" ||
	not_ok "^C: the shell back"
hasnt "^C: no trace of the view" "wampstat --top:"

# SIGTERM to wampstat (the pane's shell's child) restores it as well.
tm send-keys "clear" Enter
tm send-keys "$run" Enter
wait_for "wampstat --top:" || true
shell=$(tm display-message -p '#{pane_pid}')
kill -TERM "$(pgrep -P "$shell")"
sleep 0.3; screen
grep -qx 'prompt\$' "$tmp/screen" && ok "SIGTERM: the shell back" ||
	not_ok "SIGTERM: the shell back"
hasnt "SIGTERM: no trace of the view" "wampstat --top:"

# Rates: the report changes under it between two refreshes (2 s).
cp "$fix/v1.4-demo-t0.txt" "$tmp/wamp"
tm send-keys "clear" Enter
tm send-keys "$ws --top -f $tmp/wamp 2" Enter
wait_for "wampstat --top:" || true
cp "$fix/v1.4-demo-t1.txt" "$tmp/wamp.new" && mv "$tmp/wamp.new" "$tmp/wamp"
if wait_for "wamp 1.4 interval:"; then
	line_is "rates: the interval's totals" 2 "wamp 1.4 interval: 803 writes, 1655230 bytes, 201 syncs, 3127296 bytes to devices, amp 1.88 (counts are per second below)"
	grep -qE '^\*     144     144 redis-server +[0-9]+\.[0-9] ' "$tmp/screen" &&
		ok "rates: redis-server flagged on the interval" ||
		not_ok "rates: redis-server flagged on the interval"
	grep -qE '^      600     600 sh +[0-9]+\.[0-9] ' "$tmp/screen" &&
		ok "rates: sh's 3 writes not flagged" ||
		not_ok "rates: sh's 3 writes not flagged"
else
	not_ok "rates: no interval screen"
fi
keys q

echo "# top_test.sh: $((n - fails)) / $n passed"
[ $fails -eq 0 ]
