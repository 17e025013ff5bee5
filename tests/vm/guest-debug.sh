#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug kernel, under lockdep, KASAN, kmemleak and
# atomic-sleep checking.  parallel: the KUnit suites, the selftest suites
# (with unload and dmesg checks), then the load/unload stress; serial (a
# second boot): the serial selftest suites.
# Usage: guest-debug.sh parallel|serial KO KUNIT_KO SELFTEST_DIR [CYCLES]
set -u
here=$(dirname "$0")
run=$1
shift
rc=0
if [ "$run" = parallel ]; then
	bash "$here/guest-kunit.sh" "$2" || rc=1
	bash "$here/guest-check.sh" "$1" "$3" "$3/suites" || rc=1
	bash "$here/guest-stress.sh" "$1" "${4:-100}" "$3/wamp_fops" || rc=1
else
	bash "$here/guest-check.sh" "$1" "$3" "$3/suites.serial" || rc=1
fi
exit $rc
