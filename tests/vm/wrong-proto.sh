#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# For each tracepoint prototype probe, force the other answer and check
# that the build breaks at the static_assert against register_trace_*()
# rather than producing a module whose probes misread their arguments.
# Usage: wrong-proto.sh KROOT BUILD   (after a good build in BUILD/KVER/src)
set -uo pipefail
kroot=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
kver=$(cat "$kroot/.kver")
feats=$(modinfo -F wamp_features "$build/$kver/src/wamp.ko")
rc=0

for probe in TP_RQ_ONLY TP_BIO_ONLY; do
	if echo "$feats" | grep -qw "$probe"; then
		flip=WAMP_FORCE_NO=$probe
	else
		flip=WAMP_FORCE=$probe
	fi
	if out=$("$here/build-module.sh" "$kroot" "$build" wrongproto "$flip" 2>&1); then
		echo "wrong-proto.sh: $kver built with $flip: the check is blind" >&2
		rc=1
	elif ! echo "$out" | grep -q 'static assertion failed.*register_trace_block_'; then
		echo "$out" | tail -20 >&2
		echo "wrong-proto.sh: $kver failed with $flip, but not at the prototype check" >&2
		rc=1
	else
		echo "wrong-proto.sh: $kver refuses $flip at the prototype check"
	fi
done
exit $rc
