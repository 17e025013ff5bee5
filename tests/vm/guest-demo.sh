#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest for `make demo`: redis with appendfsync always under
# redis-benchmark (the small-write-plus-fsync shape), next to a large
# sequential copy with one fsync and a buffered one that another task's
# sync writes back, then /proc/wamp and wampstat's reports.
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

echo "== redis-server --appendonly yes --appendfsync always, 2000 SETs"
mkdir -p /tmp/mnt/redis
redis-server --port 6399 --dir /tmp/mnt/redis --appendonly yes \
	--appendfsync always --save '' --daemonize yes \
	--logfile /tmp/redis.log >/dev/null
for i in $(seq 100); do redis-cli -p 6399 ping >/dev/null 2>&1 && break; sleep 0.2; done
redis-benchmark -p 6399 -t set -n 2000 -c 4 -d 16 -q >/dev/null 2>&1

echo "== dd: 64 MiB in 1 MiB writes, one fsync at the end"
dd if=/dev/zero of=/tmp/mnt/big bs=1M count=64 conv=fsync status=none

echo "== dd: 16 MiB in 4 KiB writes, no fsync; then sync(1), another task, writes it back"
dd if=/dev/zero of=/tmp/mnt/buffered bs=4k count=4096 status=none
sync

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
echo "== wampstat --flagged (the reader: who is flagged, and why)"
"$wampstat" --flagged
echo
echo "== wampstat -P -n 5 (per process, by block bytes)"
"$wampstat" -P -n 5
echo
echo "== wampstat -P 1 2 while redis takes 500 more SETs (rates per second)"
redis-benchmark -p 6399 -t set -n 500 -c 2 -d 16 -q >/dev/null 2>&1 &
bench=$!
"$wampstat" -P -n 3 1 2
wait "$bench"
redis-cli -p 6399 shutdown nosave >/dev/null 2>&1
rmmod wamp
if dmesg_splats; then echo "== dmesg has splats"; exit 1; fi
