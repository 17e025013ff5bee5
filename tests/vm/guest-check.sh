#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: load wamp.ko, run the selftest suites listed in
# SUITES (default SELFTEST_DIR/suites), unload, and check that the kernel
# said nothing bad.  Usage: guest-check.sh KO SELFTEST_DIR [SUITES]
set -u
ko=$1
tdir=$2
suites=${3:-$tdir/suites}
here=$(dirname "$0")
. "$here/guest-lib.sh"
out=/tmp/out
rc=0
# Knobs from the host (run.sh check, run.sh debug): WAMP_CHURN, WAMP_CHURN_TABLE,
# WAMP_FUZZ_WRITES, WAMP_LIGHT.
[ -f "$out/env" ] && { set -a; . "$out/env"; set +a; }

echo "== guest: $(uname -r), $(nproc) CPUs"
guest_disk || { echo "cannot set up the ext4 disk"; exit 1; }
gmodprobe null_blk || { echo "cannot load null_blk"; exit 1; }
if [ "${ko#/lib/modules/}" != "$ko" ]; then
	# Installed by DKMS: load it the way a user does.
	echo "== modprobe wamp ($(modinfo -n wamp))"
	[ "$(modinfo -n wamp)" = "$ko" ] || { echo "modprobe would not load $ko"; exit 1; }
	load=(modprobe wamp)
else
	load=(insmod "$ko")
fi
if ! "${load[@]}"; then
	echo "${load[*]} failed"; dmesg | tail -20; exit 1
fi
modinfo -F version "$ko" | sed 's/^/== wamp version /'
hook=$(cat /sys/module/wamp/parameters/syscall_hook)
echo "== syscall_hook $hook"
[ -n "$hook" ] || { echo "cannot read syscall_hook"; rc=1; }

# One binary per topic, in the order of SUITES.  Straight to
# a file, printed afterwards: a tee copying the output while a test runs
# would be one more writer in the counts the test checks.
: > "$out/selftests.tap"
for s in $(cat "$suites"); do
	echo "# suite $s" >> "$out/selftests.tap"
	t0=$SECONDS
	WAMP_KO=$ko WAMP_MNT=/tmp/mnt "$tdir/wamp_${s}_test" >> "$out/selftests.tap" 2>&1 ||
		{ echo "# suite $s failed" >> "$out/selftests.tap"; rc=1; }
	echo "# suite $s took $((SECONDS - t0)) s" >> "$out/selftests.tap"
done
cat "$out/selftests.tap"

echo "== /proc/wamp after the selftests (head)"
head -15 /proc/wamp

unload=ok dmesg=clean
if ! rmmod wamp; then
	echo "rmmod failed"; rc=1; unload=FAIL
fi

# The other way in: core's exact counts (every write and sync syscall of
# every ABI) with syscall_hook=0, the raw_syscalls:sys_enter probe (the
# suites ran with the default, 1, the ftrace hook on the counted syscalls;
# where the kernel has no dynamic ftrace they ran with its fallback, that
# same probe, so there is nothing to rerun).
if [ "$hook" = 1 ] && grep -qw core "$suites"; then
	echo "# suite core, syscall_hook=0" > "$out/selftests-hook0.tap"
	if "${load[@]}" syscall_hook=0; then
		WAMP_KO=$ko WAMP_MNT=/tmp/mnt "$tdir/wamp_core_test" \
			>> "$out/selftests-hook0.tap" 2>&1 || rc=1
		rmmod wamp || { echo "rmmod failed"; rc=1; unload=FAIL; }
	else
		echo "not ok 1 load with syscall_hook=0" >> "$out/selftests-hook0.tap"
		rc=1
	fi
	cat "$out/selftests-hook0.tap"
	cat "$out/selftests-hook0.tap" >> "$out/selftests.tap"
fi
dmesg > "$out/dmesg.txt"
if dmesg_splats; then
	echo "== dmesg has splats (above): failing"; rc=1; dmesg=FAIL
else
	echo "== dmesg clean"
fi
echo "unload=$unload dmesg=$dmesg" > "$out/result"
exit $rc
