#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian source package and its two binary packages
# (wamp-dkms, wampstat), built with dpkg-buildpackage from a clean copy of
# this tree (the files git knows, committed or not: no build products)
# in OUTDIR/wamp-VERSION, so that the results land in OUTDIR and the
# tree's top level stays clean.  Then lintian on the .changes: any error
# or warning fails (debian/*lintian-overrides say why the few accepted
# ones are), and its whole output, info tags included, is kept in
# OUTDIR/lintian.txt.  Usage: deb.sh OUTDIR
set -euo pipefail

out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
log() { echo "deb.sh: $*" >&2; }

# One version: dkms.conf's.  The changelog's entry must say the same.
chver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
if [ "$chver" != "$ver" ]; then
	log "dkms.conf says $ver, debian/changelog $chver: add a changelog entry for $ver"
	exit 1
fi

mkdir -p "$out"
out=$(realpath "$out")
case "$out/" in
"$top/") log "OUTDIR must not be the tree itself"; exit 2 ;;
esac
src="$out/wamp-$ver"
rm -rf "$out"/wamp-* "$out"/wamp_* "$out"/wamp-dkms_* "$out"/wampstat_* \
	"$out"/wampstat-dbgsym_* "$out/lintian.txt"
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	# Tracked and new files; not ignored ones, not deleted ones.
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	 while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	 done) | rsync -a --from0 --files-from=- "$top/" "$src/"
else
	rsync -a --exclude=/build --exclude=/.git "$top/" "$src/"
fi

log "dpkg-buildpackage in $src"
if ! (cd "$src" && dpkg-buildpackage -us -uc --build=full) > "$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	log "dpkg-buildpackage failed (log: $out/build.log)"
	exit 1
fi
changes="$out/wamp_${ver}_$(dpkg-architecture -qDEB_HOST_ARCH).changes"
ls "$out"/*.deb "$out"/*.dsc

# Every tag shown, down to pedantic and experimental ones and the
# overridden; only errors and warnings fail.
rc=0
lintian --display-info --pedantic --display-experimental --show-overrides \
	--fail-on error,warning "$changes" > "$out/lintian.txt" || rc=$?
cat "$out/lintian.txt"
if [ "$rc" -ne 0 ]; then
	log "lintian found errors or warnings (above)"
	exit 1
fi
log "lintian: no errors, no warnings; tags shown, overridden ones included: $(grep -c '^[EWIPXO]: ' "$out/lintian.txt" || true) (above, in $out/lintian.txt)"
