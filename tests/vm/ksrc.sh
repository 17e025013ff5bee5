#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack from Debian's linux-source-6.1 the few files wamp builds against
# (the kselftest harness, checkpatch) into the cache; print the tree.
# Nothing of it is copied into the repository.
set -euo pipefail

cache=${WAMP_CACHE:-/var/cache/wamp}
tarball=$(ls /usr/src/linux-source-6.1.tar.xz)
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dst="$cache/linux-source-6.1-$ver"
if [ ! -f "$dst/.complete" ]; then
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -C "$dst" --strip-components=1 -xf "$tarball" \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$dst/.complete"
fi
echo "$dst"
