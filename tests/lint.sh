#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict on every C file, and sparse (C=2) plus W=1 on the
# module against the kernel headers in KROOT: any finding fails.
# Usage: lint.sh KROOT BUILD
set -euo pipefail
kroot=$1
build=$2
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/tests/vm/ksrc.sh")
cd "$top"

files=$(git ls-files '*.c' '*.h' 2>/dev/null || find module include tools tests -name '*.[ch]')
# libFuzzer's entry point has a fixed name and fixed types.
fuzz=tests/fuzz/fuzz_parse.c
# The one-list-per-record files: X-macro lists (include/wamp.h and the
# module's event and syscall lists) and the files that expand them into
# statements and tables.  checkpatch's rules for function-like macros do
# not fit a list macro (each argument is used once an item, items are not
# parenthesised, expanders end in the separator their expansion needs), so
# those five rules are off there, and only there.
lists="include/wamp.h module/table.h module/syscalls.h module/procfs.c
module/params.c module/cgroup.c tools/wsview.c tools/wampparse.c"
list_rules=MACRO_ARG_REUSE,COMPLEX_MACRO,TRAILING_SEMICOLON,MULTISTATEMENT_MACRO_USE_DO_WHILE,MACRO_ARG_PRECEDENCE
checkpatch() {
	perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree -f --terse \
		--show-types "$@"
}
out=$( (checkpatch $(echo "$files" | grep -vxF -e "$fuzz" $(printf -- '-e %s ' $lists))
	checkpatch --ignore "$list_rules" $lists
	checkpatch --ignore CAMELCASE,PREFER_KERNEL_TYPES,AVOID_EXTERNS "$fuzz") |
	grep -v 'total: 0 errors, 0 warnings, 0 checks' || true)
if [ -n "$out" ]; then
	echo "$out"
	echo "lint: checkpatch --strict found the above"
	exit 1
fi
echo "lint: checkpatch --strict clean ($(echo $files | wc -w) files)"
"$top/tests/vm/build-module.sh" "$kroot" "$build" lint C=2
echo "lint: sparse (C=2) and W=1 clean on $(cat "$kroot/.kver")"
