#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run apt-get or apt-cache against one Debian suite through a private
# configuration under the cache, leaving the machine's own apt alone.  The
# archive is the one this machine's apt already uses: its URIs are read
# from /etc/apt at run time, never written into the repository.
#
# Usage: apt-suite.sh SUITE apt-get|apt-cache ARGS...
#        apt-suite.sh --main-uri    (print the archive's URI)
#   SUITE: bookworm, bookworm-backports, bullseye (with bullseye-updates and
#          bullseye-security) or sid
set -euo pipefail

suite=$1
shift
cache=${WAMP_CACHE:-/var/cache/wamp}
root="$cache/apt/$suite"

# "URI suite suite..." for every enabled deb source of this machine.
sources() {
	{ cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '
		BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; suites = ""; on = 1
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, a, " "); uri = a[1] }
				if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", $i); suites = $i }
				if ($i ~ /^Enabled:[ \t]*no/) on = 0
			}
			if (on && uri != "") print uri, suites
		}'
	{ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
		sed -n 's/^[ \t]*deb[ \t]\+\(\[[^]]*\][ \t]*\)\?\([^ \t]\+\)[ \t]\+\([^ \t]\+\).*/\2 \3/p'
}

# The main archive (a suite that is not -security) and the security one.
main_uri=$(sources | awk '{ for (i = 2; i <= NF; i++) if ($i !~ /-security$/) { print $1; exit } }')
sec_uri=$(sources | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /-security$/) { print $1; exit } }')
[ -n "$main_uri" ] || { echo "apt-suite.sh: no Debian archive in /etc/apt" >&2; exit 1; }
if [ "$suite" = --main-uri ]; then
	echo "$main_uri"
	exit 0
fi

opts=(-o "Dir::Etc::SourceList=$root/sources.list" -o "Dir::Etc::SourceParts=-"
      -o "Dir::State::Lists=$root/lists" -o "Dir::Cache=$root/cache"
      -o "Dir::State::status=$root/status"
      -o "Acquire::Check-Valid-Until=false" -o "APT::Architecture=amd64"
      -o "Debug::NoLocking=true")

if [ ! -f "$root/.updated" ] || [ -n "$(find "$root/.updated" -mmin +720)" ]; then
	mkdir -p "$root/lists/partial" "$root/cache/archives/partial"
	: > "$root/status"
	key=/usr/share/keyrings/debian-archive-keyring.gpg
	{
		echo "deb [signed-by=$key] $main_uri $suite main"
		case "$suite" in
		bullseye)
			echo "deb [signed-by=$key] $main_uri bullseye-updates main"
			[ -n "$sec_uri" ] && echo "deb [signed-by=$key] $sec_uri bullseye-security main"
			;;
		esac
	} > "$root/sources.list"
	apt-get "${opts[@]}" update -qq >&2
	touch "$root/.updated"
fi
tool=$1
shift
exec "$tool" "${opts[@]}" "$@"
