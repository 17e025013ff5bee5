#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug kernel: the KUnit suites, the selftests (with
# unload and dmesg checks) and the load/unload stress, in that order, all
# under lockdep, KASAN, kmemleak and atomic-sleep checking.
# Usage: guest-debug.sh KO KUNIT_KO SELFTEST_DIR [CYCLES]
set -u
here=$(dirname "$0")
rc=0
bash "$here/guest-kunit.sh" "$2" || rc=1
bash "$here/guest-check.sh" "$1" "$3" || rc=1
bash "$here/guest-stress.sh" "$1" "${4:-100}" "$3/wamp_fops" || rc=1
exit $rc
