#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: every command of docs/PLAYBOOK.md, in its order,
# against redis with appendfsync always under redis-benchmark load, in a
# runc container laid out as containerd lays out a Kubernetes pod's
# container (the kubelet's systemd cgroup driver), then checks what each
# step printed: the container and redis found and flagged SYNC, explained
# with the appendfsync advice, the sizes and stacks shown, perf and
# bpftrace agreeing, and after appendfsync everysec the syncs per write
# down tenfold, SYNC gone and amplification at least halved.  TAP on
# stdout (and in /tmp/out/playbook.txt); the status is the verdict.
#
# The playbook's sh blocks each follow an "<!-- step NAME -->" line; each
# block is sourced in this shell, in order (so that the variables it sets,
# PID and CID, hold for the next), with its output in /tmp/out/steps.
# Three shims stand for the host the playbook is written for: wampstat is
# the one under test, sudo runs the command (the guest runs as root) and
# modprobe wamp loads the module under test (other modules: the guest
# kernel's modprobe).  Two of the playbook's commands are prose, not sh
# blocks, and are not run: crictl and kubectl need a cluster.
#
# Usage: guest-playbook.sh KO WAMPSTAT [PLAYBOOK]
set -u
ko=$1
wampstat=$2
here=$(cd "$(dirname "$0")" && pwd)
playbook=${3:-$here/../../docs/PLAYBOOK.md}
# shellcheck source=tests/vm/guest-lib.sh
. "$here/guest-lib.sh"

out=/tmp/out
steps=$out/steps
exec > >(tee "$out/playbook.txt") 2>&1

# The pod and its container, as containerd names them.
pod_uid=1234abcd-5678-90ab-cdef-1234567890ab
cid=4f3c9a1be27d58e0a9c6b1f2d3e4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c
pod_slice=kubepods-burstable-pod${pod_uid//-/_}.slice
cgpath=/kubepods.slice/kubepods-burstable.slice/$pod_slice/cri-containerd-$cid.scope

fails=0 n=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
# check DESC CMD...: one TAP line for CMD's status.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# has STEP ERE: the output of STEP has a line matching ERE.
has() { grep -qE -- "$2" "$steps/$1.txt"; }
hasnt() { ! has "$@"; }

# A number of the first row of a wampstat --json report; 0 if absent.
jrow() { sed -n 's/.*"rows":\[{//p' "$steps/$1.json"; }
jnum() {
	local v
	v=$(jrow "$1" | grep -oE "\"$2\":[0-9.]+" | head -1 | cut -d: -f2)
	echo "${v:-0}"
}
jflags() { jrow "$1" | grep -oE '"flags":\[[^]]*\]' | head -1; }
# flagged_not FLAG STEP: STEP's JSON row has flags, not FLAG among them.
flagged_not() { local f; f=$(jflags "$2"); [ -n "$f" ] && ! grep -q "$1" <<<"$f"; }
# awk as a calculator: calc EXPR OP EXPR, true or false (numbers only).
calc() { awk "BEGIN { exit !(($1) $2 ($3)) }" </dev/null; }
# A and B within a factor of 2 of each other.
within2() { calc "$1 * 2" ">=" "$2" && calc "$2 * 2" ">=" "$1"; }

failed=
cleanup() {
	if [ -n "$failed" ]; then
		cat "$steps/$step.txt"
		not_ok "step $failed"
	fi
	[ -f /tmp/bench.pid ] && kill "$(cat /tmp/bench.pid)" 2>/dev/null
	runc --root /tmp/runc kill "$cid" KILL >/dev/null 2>&1
	sleep 0.5
	runc --root /tmp/runc delete -f "$cid" >/dev/null 2>&1
	if grep -q '^wamp ' /proc/modules && ! rmmod wamp; then
		not_ok "rmmod wamp"
	fi
	if dmesg_splats; then
		not_ok "dmesg has no splats"
	else
		ok "dmesg has no splats"
	fi
	echo "1..$n"
	echo "# guest-playbook: $((n - fails)) / $n passed"
	# The status of an EXIT trap is the script's only through exit.
	[ "$fails" -eq 0 ] || exit 1
}

echo "== guest: $(uname -r); playbook: $playbook"
guest_disk || { echo "cannot set up the ext4 disk"; exit 1; }
ip link set lo up
mkdir -p /sys/fs/cgroup "$steps"
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo "+io +memory" > /sys/fs/cgroup/cgroup.subtree_control

# The shims, first in PATH.
bin=/tmp/playbook-bin
mkdir -p "$bin"
ln -sf "$(realpath "$wampstat")" "$bin/wampstat"
# shellcheck disable=SC2016
printf '#!/bin/sh\nexec "$@"\n' > "$bin/sudo"
cat > "$bin/modprobe" <<EOF
#!/bin/sh
[ "\$*" = wamp ] && exec insmod "$(realpath "$ko")"
exec /sbin/modprobe -d "$WAMP_KROOT" -S "$WAMP_KVER" "\$@"
EOF
chmod +x "$bin/sudo" "$bin/modprobe"
export PATH=$bin:$PATH

# redis in the pod's container: the host's / as its rootfs, the ext4 disk
# at /mnt, the host's network namespace (redis-benchmark reaches it).
mkdir -p /tmp/rootfs /tmp/bundle /tmp/mnt/redis
mount --bind / /tmp/rootfs
cat > /tmp/bundle/config.json <<JSON
{"ociVersion": "1.0.2",
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
  "args": ["redis-server", "--dir", "/mnt/redis", "--appendonly", "yes",
   "--appendfsync", "always", "--save", ""],
  "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/"},
 "root": {"path": "/tmp/rootfs", "readonly": true},
 "hostname": "redis",
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc"},
  {"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind"]},
  {"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind"]},
  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
  {"destination": "/mnt", "type": "bind", "source": "/tmp/mnt", "options": ["rbind"]}],
 "linux": {"cgroupsPath": "$cgpath",
  "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}}
JSON
echo "== runc: redis-server --appendfsync always in $cgpath"
runc --root /tmp/runc run -d -b /tmp/bundle "$cid" </dev/null >/tmp/runc.log 2>&1 ||
	{ echo "runc failed:"; cat /tmp/runc.log; exit 1; }
trap cleanup EXIT
for _ in $(seq 100); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.2; done
check "redis answers in its container" redis-cli ping
# The load, all along; not a job of this shell (the playbook's wait).
(redis-benchmark -t set -n 100000000 -c 4 -d 16 -q >/dev/null 2>&1 &
 echo $! > /tmp/bench.pid)

# The playbook's blocks, each after its step line, into STEP.sh files.
awk -v dir="$steps" '
	/^<!-- step [a-z]+ -->$/ { step = $3; next }
	/^```sh$/ {
		if (!step) { print "a sh block without a step line: line " NR > "/dev/stderr"; exit 1 }
		file = sprintf("%s/%02d-%s.sh", dir, ++nb, step); inb = 1; next
	}
	/^```/ && !inb && !inother { inother = 1; next }
	/^```$/ && inother { inother = 0; next }
	/^```$/ && inb { inb = 0; step = ""; close(file); next }
	inb { print > file }
	END { if (inb || inother) { print "an open block at the end" > "/dev/stderr"; exit 1 } }
' "$playbook" || { not_ok "the playbook's blocks parse"; exit 1; }
nblocks=$(grep -c '^```sh$' "$playbook")
check "every sh block of the playbook has a step ($nblocks)" \
	test "$(find "$steps" -name '*.sh' | wc -l)" -eq "$nblocks"

# Before and after some steps: the load's evidence, and the JSON twins of
# the playbook's interval reports (started with them: the same interval).
twin=
post_load() {
	local w=0
	for _ in $(seq 120); do
		w=$(wampstat -P -n 0 --json | grep -oE '"writes":[0-9]+' | head -1 | cut -d: -f2)
		[ "${w:-0}" -ge 3000 ] && break
		sleep 1
	done
	echo "== $w writes counted: on to the next step"
}
start_twin() {
	wampstat --json -P -p "$PID" "$2" 1 > "$steps/$1.json" &
	twin=$!
}
pre_baseline() { start_twin baseline 30; }
pre_crosscheck() { start_twin crosscheck 10; }
pre_verify() { start_twin verify 30; }
post_twin() { [ -z "$twin" ] || wait "$twin" 2>/dev/null; twin=; }

# A command that fails ends the run (set -e): the first is the one said.
trap '[ -n "$failed" ] || failed="$step: failed at: $BASH_COMMAND"' ERR
for f in "$steps"/*.sh; do
	step=$(basename "$f" .sh)
	step=${step#*-}
	echo
	echo "== step $step"
	sed 's/^/$ /' "$f"
	! declare -F "pre_$step" >/dev/null || "pre_$step"
	set -eE
	# shellcheck disable=SC1090
	. "$f" > "$steps/$step.txt" 2>&1
	set +eE
	post_twin
	cat "$steps/$step.txt"
	! declare -F "post_$step" >/dev/null || "post_$step"
done
trap - ERR

echo
echo "== the checks"
check "load: a 1.5 or later report" has load '^# wamp 1\.([5-9]|[1-9][0-9])'
check "load: debugfs has wamp/stacks" has load '^stacks$'
check "find: the container's cgroup, containerd, flagged SYNC" \
	has find "containerd +4f3c9a1be27d +[A-Z,]*SYNC"
check "find: its path names the pod and the container" \
	has find "/$pod_slice/cri-containerd-4f3c9a1be27d"
check "find: redis-server flagged per process" \
	has find '^\* +[0-9]+ +[0-9]+ redis-server '
check "find: PID is redis-server's ($PID)" \
	test "$(cat "/proc/$PID/comm" 2>/dev/null)" = redis-server
check "explain: the container first" \
	has explain "^container 4f3c9a1be27d \(containerd, cgroup /kubepods\.slice/"
check "explain: redis-server flagged SYNC" \
	has explain "^redis-server, tgid $PID \([0-9]+ tasks?\), cgroup [0-9]+ \(containerd container 4f3c9a1be27d\): [A-Z,]*SYNC"
check "explain: SYNC with its numbers" \
	has explain '^  SYNC: [0-9]+ syncs for [0-9]+ writes, 1 sync per'
check "explain: its bytes by path" has explain '^  by path: .*journal'
check "explain: its top kernel path" has explain '^  top kernel path \(class '
check "explain: its write sizes" has explain '^  write sizes: [0-9]+ of [0-9]+ writes'
check "explain: redis recognised" has explain '^  application: redis \(from its comm\)$'
check "explain: appendfsync everysec, with the numbers" \
	has explain '^  - appendfsync everysec \(CONFIG SET appendfsync everysec, and in redis\.conf\): [0-9]+ syncs for [0-9]+ writes'
check "closer: redis-server's write sizes" \
	has closer "^redis-server pid $PID tgid $PID: [0-9]+ writes"
check "closer: a histogram line with a bar" \
	has closer '^\[[0-9]+K?, [0-9]+K?\) +[0-9]+ \|@+ *\|$'
check "closer: redis-server's stacks" \
	has closer "^redis-server pid $PID tgid $PID: [0-9]+ stacks?, "
check "closer: an fsync's or a journal commit's frames" \
	has closer '(ext4_sync_file|jbd2_journal_commit_transaction|kjournald2)'
check "baseline: redis-server flagged over the interval" \
	has baseline "^\* +$PID +[0-9]+ redis-server "
check "baseline: flagged SYNC (JSON)" grep -q SYNC <<<"$(jflags baseline)"
b_w=$(jnum baseline writes) b_s=$(jnum baseline syncs) b_amp=$(jnum baseline amp)
echo "# before: $b_w writes, $b_s syncs, amp $b_amp in 30 s"
perf_syncs=$(grep -E 'syscalls:sys_enter_f(data)?sync' "$steps/crosscheck.txt" |
	awk '{ gsub(",", "", $1); n += $1 } END { print n + 0 }')
c_s=$(jnum crosscheck syncs)
echo "# cross-check: perf counted $perf_syncs fsync and fdatasync calls, wampstat $c_s syncs in 10 s"
check "crosscheck: perf counted the syncs" calc "$perf_syncs" ">" 0
check "crosscheck: perf's syncs and wampstat's within a factor 2" \
	within2 "$perf_syncs" "$c_s"
check "crosscheck: bpftrace drew the write sizes" has crosscheck '^@bytes: *$'
check "crosscheck: bpftrace saw jbd2 submit requests" has crosscheck '^@requests\[jbd2/'
check "change: appendfsync is everysec" has change '^everysec$'
a_w=$(jnum verify writes) a_s=$(jnum verify syncs) a_amp=$(jnum verify amp)
echo "# after: $a_w writes, $a_s syncs, amp $a_amp in 30 s"
check "verify: the load went on" calc "$a_w" ">" 1000
check "verify: SYNC is gone" flagged_not SYNC verify
check "verify: syncs per write down tenfold" \
	calc "$a_s * $b_w * 10" "<=" "$b_s * $a_w"
check "verify: amplification at least halved" calc "$a_amp * 2" "<=" "$b_amp"
check "verify: no appendfsync advice any more" \
	hasnt verify '^  - appendfsync everysec'
