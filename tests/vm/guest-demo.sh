#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make demo`: redis with appendfsync always under
# redis-benchmark (the small-write-plus-fsync shape), in a container that
# runc runs in docker's cgroup layout, next to a large sequential copy with
# one fsync and a buffered one that another task's sync writes back, in a
# systemd-style service cgroup; then /proc/wamp and wampstat's reports,
# ending with wampstat --explain on the redis container.
# Usage: guest-demo.sh KO WAMPSTAT
set -u
ko=$1
wampstat=$2
here=$(dirname "$0")
. "$here/guest-lib.sh"

exec > >(tee /tmp/out/demo.txt) 2>&1
guest_disk || { echo "cannot set up the ext4 disk"; exit 1; }
ip link set lo up
insmod "$ko" || exit 1
echo "== wamp loaded: $(dmesg | grep 'wamp: format' | tail -1 | sed 's/^\[[^]]*\] //')"

mkdir -p /sys/fs/cgroup
mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
echo "+io +memory" > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/system.slice/backup.service
echo "+io +memory" > /sys/fs/cgroup/system.slice/cgroup.subtree_control

# A container: the host's / as its rootfs (pivot_root refuses / itself),
# the host's network namespace (so /sys is bound), the ext4 disk at /mnt.
cid=4f3c9a1be27d58e0a9c6b1f2d3e4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c
mkdir -p /tmp/rootfs /tmp/bundle /tmp/mnt/redis
mount --bind / /tmp/rootfs
cat > /tmp/bundle/config.json <<JSON
{"ociVersion": "1.0.2",
 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
  "args": ["redis-server", "--port", "6399", "--dir", "/mnt/redis",
   "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
  "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "cwd": "/"},
 "root": {"path": "/tmp/rootfs", "readonly": true},
 "hostname": "redis",
 "mounts": [
  {"destination": "/proc", "type": "proc", "source": "proc"},
  {"destination": "/dev", "type": "bind", "source": "/dev", "options": ["rbind"]},
  {"destination": "/sys", "type": "bind", "source": "/sys", "options": ["rbind"]},
  {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"},
  {"destination": "/mnt", "type": "bind", "source": "/tmp/mnt", "options": ["rbind"]}],
 "linux": {"cgroupsPath": "/docker/$cid",
  "namespaces": [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}]}}
JSON

echo "== runc: redis-server --appendonly yes --appendfsync always in /docker/${cid:0:12}..., 2000 SETs"
runc --root /tmp/runc run -d -b /tmp/bundle "$cid" </dev/null >/tmp/runc.log 2>&1 ||
	{ echo "runc failed:"; cat /tmp/runc.log; exit 1; }
for i in $(seq 100); do redis-cli -p 6399 ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-benchmark -p 6399 -t set -n 2000 -c 4 -d 16 -q >/dev/null 2>&1

echo "== in /system.slice/backup.service:"
echo "== dd: 64 MiB in 1 MiB writes, one fsync at the end"
echo "== dd: 16 MiB in 4 KiB writes, no fsync; then sync(1), another task, writes it back"
sh -c 'echo $$ > /sys/fs/cgroup/system.slice/backup.service/cgroup.procs
	dd if=/dev/zero of=/tmp/mnt/big bs=1M count=64 conv=fsync status=none
	dd if=/dev/zero of=/tmp/mnt/buffered bs=4k count=4096 status=none
	sync'

echo "== cat /proc/wamp (tasks with 100+ writes or 1+ MiB written or sent to disk)"
cat /proc/wamp > /tmp/wamp.txt
head -1 /tmp/wamp.txt
awk 'NR == 1 { next } /^# / { exit }
     NR == 2 || $4 >= 100 || $5 >= 1048576 || $9 >= 1048576 ||
     $3 == "(other)"' /tmp/wamp.txt | column -t
echo
sed -n '/^# dev/,/^# system/p' /tmp/wamp.txt | grep -v '^# system' |
	sed 's/^# dev //' | column -t
echo
grep '^# system' /tmp/wamp.txt
echo
sed -n '/^# cgroup/p' /tmp/wamp.txt
sed -n '/^# cgroup/,/^# sizes/p' /tmp/wamp.txt | sed '1d;$d' | column -t
echo
echo "== the sizes section (write-size histograms) of the same tasks"
sed -n '/^# sizes/p' /tmp/wamp.txt
sed -n '/^# sizes/,$p' /tmp/wamp.txt | sed 1d |
	awk 'NR == 1 || $3 ~ /^(redis-server|dd|\(other\)|\(exited\))$/' | column -t
echo
echo "== wampstat --flagged (the reader: who is flagged, and why)"
"$wampstat" --flagged
echo
echo "== wampstat -P -n 5 (per process, by block bytes)"
"$wampstat" -P -n 5
echo
echo "== wampstat -c (per cgroup, as the kernel charges it: io.stat's wbytes)"
"$wampstat" -c
echo
echo "== wampstat --container ${cid:0:12} (the container's tasks)"
"$wampstat" --container "${cid:0:12}"
echo
echo "== wampstat -P 1 2 while redis takes 500 more SETs (rates per second)"
redis-benchmark -p 6399 -t set -n 500 -c 2 -d 16 -q >/dev/null 2>&1 &
bench=$!
"$wampstat" -P -n 3 1 2
wait "$bench"
echo
echo "== wampstat --sizes -P --container ${cid:0:12} (redis's write sizes, as bpftrace's hist() draws them)"
"$wampstat" --sizes -P --container "${cid:0:12}"
echo "== wampstat --stacks -P --container ${cid:0:12} -n 2 --no-offsets (the sampled kernel stacks of its block I/O)"
"$wampstat" --stacks -P --container "${cid:0:12}" -n 2 --no-offsets
echo
echo "== wampstat --explain --container ${cid:0:12} (why redis is flagged, and what to try)"
"$wampstat" --explain --container "${cid:0:12}"
runc --root /tmp/runc kill "$cid" KILL >/dev/null 2>&1
sleep 0.5
runc --root /tmp/runc delete -f "$cid" >/dev/null 2>&1
rmmod wamp
if dmesg_splats; then echo "== dmesg has splats"; exit 1; fi
