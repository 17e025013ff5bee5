#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kselftest TAP file's summary, as matrix.sh reads it:
#   selftests: P passed, F failed, S skipped
# Usage: tap-summary.sh TAP
set -euo pipefail
tap=$1
pass=$(grep -c '^ok ' "$tap" || true)
fail=$(grep -c '^not ok ' "$tap" || true)
skip=$(grep -c '^ok .*# SKIP' "$tap" || true)
echo "selftests: $((pass - skip)) passed, $fail failed, $skip skipped"
