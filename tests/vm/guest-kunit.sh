#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: load wamp_kunit.ko (its suites run at load), read
# every wamp_* suite's results from debugfs into /tmp/out/kunit.tap,
# unload.  Fails on any "not ok", on a suite without results, and on a
# kernel complaint in dmesg.  Usage: guest-kunit.sh KUNIT_KO
set -u
ko=$1
here=$(dirname "$0")
. "$here/guest-lib.sh"
out=/tmp/out
tap=$out/kunit.tap
suites="wamp_store wamp_syscalls wamp_probe wamp_classify wamp_control wamp_format"
rc=0

echo "== guest: $(uname -r), $(nproc) CPUs: KUnit"
d=/sys/kernel/debug/kunit
if ! insmod "$ko"; then
	echo "insmod $ko failed"; dmesg | tail -30; exit 1
fi
: > "$tap"
for s in $suites; do
	if [ ! -r "$d/$s/results" ]; then
		echo "kunit: no results for suite $s" | tee -a "$tap"
		rc=1
		continue
	fi
	cat "$d/$s/results" >> "$tap"
done
rmmod wamp_kunit || { echo "rmmod wamp_kunit failed"; rc=1; }
cat "$tap"
# Case lines are indented ("    ok 3 - name"); suite lines are not.
cases=$(grep -cE '^ +(not )?ok [0-9]+ ' "$tap")
failed=$(grep -cE '^ *not ok ' "$tap")
skipped=$(grep -cE '^ +ok [0-9]+ .*# SKIP' "$tap")
echo "kunit: $((cases - failed - skipped)) passed, $failed failed, $skipped skipped ($cases cases)"
echo "kunit: $((cases - failed - skipped)) passed, $failed failed, $skipped skipped ($cases cases)" > "$out/kunit.summary"
[ "$failed" -eq 0 ] && [ "$cases" -gt 0 ] || rc=1
if dmesg_splats; then
	dmesg > "$out/dmesg.txt"
	echo "== dmesg has splats (above; all of it in $out/dmesg.txt): failing"; rc=1
fi
exit $rc
