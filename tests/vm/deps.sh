#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, from Debian's archive, what one part of the work needs; quiet
# and quick when everything is there.  Usage: deps.sh SET...
#   build  compiling the module, the tools and the tests, and linting them
#          (the kselftest harness and checkpatch come from linux-source-6.1;
#          wampstat --top's ncurses, and tmux for its test)
#   host   the host-only tests beyond the unit tests: libFuzzer
#   guest  booting the test guests and what runs in them (QEMU, busybox,
#          bpftrace, perf, redis, sqlite3, promtool, DKMS, a sid chroot's debootstrap)
#   pkg    the Debian packages (make deb: debhelper, dh-dkms, lintian) and
#          their install test in a bookworm chroot (make check-pkg)
set -euo pipefail

pkgs=()
for set in "$@"; do
	case $set in
	build) pkgs+=(make gcc gcc-multilib bc flex bison libelf-dev libssl-dev
		      kmod sparse dwarves linux-source-6.1 xz-utils rsync
		      libncurses-dev pkg-config tmux) ;;
	host) pkgs+=(clang libclang-rt-14-dev) ;;
	guest) pkgs+=(qemu-system-x86 busybox-static e2fsprogs xfsprogs cpio bpftrace
		      linux-perf redis-server redis-tools sqlite3 prometheus runc
		      debootstrap dkms) ;;
	pkg) pkgs+=(make gcc rsync dpkg-dev debhelper dh-dkms lintian
		    libncurses-dev pkg-config debootstrap systemd) ;;
	*) echo "deps.sh: unknown set $set" >&2; exit 2 ;;
	esac
done

# One apt at a time: make -j may run two sets at once.
exec 9> /var/lock/wamp-deps.lock
flock 9

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
