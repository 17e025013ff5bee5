#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-pkg`: the Debian packages of DEBDIR (make deb) on a Debian 12
# machine, a copy of chroot.sh's bookworm chroot, as a user takes them:
#   install  apt-get install ./wamp-dkms_VER_all.deb ./wampstat_VER_amd64.deb:
#            DKMS's own hooks (the package's postinst) build and install
#            the module for the chroot's kernel; dkms status, the module
#            under updates/dkms with the version and vermagic, modprobe's
#            index, wampstat -V, the man pages, the systemd units (not
#            enabled) and the examples are checked
#   upgrade  bookworm-backports' kernel image and headers (6.12) installed:
#            DKMS builds for it from the kernel's hooks
#            (/etc/kernel/postinst.d, header_postinst.d), nothing else
#   purge    apt-get purge of both: nothing of wamp left in /usr/src,
#            /var/lib/dkms, /lib/modules/*/updates, /etc, /usr, /var
# Each step's minutes are printed at the end, DKMS's builds among them.
# With --boot SELFTESTS, each kernel boots under QEMU with the chroot as
# the guest's root (tests/vm/boot.sh, WAMP_ROOT), right after its module
# was built (the first after install, the second after upgrade), and
# guest.sh loads the module with modprobe from updates/dkms and runs the
# selftests of SELFTESTS (make selftests) against it, at the sizes the
# kernel matrix gives kernels other than the reference one.  Logs and
# results go to OUTDIR; after a failure the chroot stays in
# WAMP_CACHE/pkg-chroot/run (until the next run) for a look.
# Usage: check.sh [--boot SELFTESTS] DEBDIR OUTDIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
selftests=
if [ "${1:-}" = --boot ]; then
	selftests=$(realpath "$2")
	shift 2
fi
debdir=$(realpath "$1")
out=$2
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
arch=$(dpkg --print-architecture)
debs=("wamp-dkms_${ver}_all.deb" "wampstat_${ver}_$arch.deb")
root="$pkg_cache/run"
fail=0
times=()
log() { echo "check.sh: $*" >&2; }
bad() { echo "check.sh: FAIL: $*" >&2; fail=1; }
ok() { echo "  ok: $*"; }

for d in "${debs[@]}"; do
	[ -f "$debdir/$d" ] || { log "no $debdir/$d: make deb first"; exit 1; }
done
mkdir -p "$out"
out=$(realpath "$out")
trap 'chroot_umount "$root"' EXIT

# step NAME CMD...: CMD, its output in OUTDIR/NAME.log with each line's
# second since the step began; its minutes in the summary.
step() {
	local name=$1 t0=$SECONDS rc=0
	shift
	echo "== $name"
	"$@" 2>&1 | while IFS= read -r line; do
		printf '%4d %s\n' $((SECONDS - t0)) "$line"
	done > "$out/$name.log" || rc=$?
	[ "$rc" -eq 0 ] || { tail -30 "$out/$name.log"; log "$name failed: $out/$name.log"; }
	times+=("$name $((SECONDS - t0))")
	return $rc
}

# dkms_minutes LOG KVER: how long DKMS took to build and install for KVER,
# from the line where it starts on KVER (the package's postinst, or a
# kernel's hook) to its depmod, as LOG stamps them.
dkms_minutes() {
	awk -v k="$2" '
		!s && (index($0, "Building for " k) ||
		       index($0, "auto installation service for kernel " k)) {
			s = $1 + 0; on = 1
		}
		on && /depmod/ { e = $1 + 0; exit }
		END { if (on) printf "%.1f", (e - s) / 60; else print "?" }' "$1"
}

# The kernels of the chroot that have headers, oldest first.
kernels() {
	local d
	for d in "$root"/lib/modules/*; do
		if [ -d "$root/usr/src/linux-headers-${d##*/}" ]; then
			echo "${d##*/}"
		fi
	done | sort -V
}

# built KVER: DKMS built and installed wamp VER for KVER, where modprobe
# finds it.
built() {
	local k=$1 ko st
	st=$(in_chroot "$root" dkms status -m wamp -v "$ver" -k "$k" 2>/dev/null)
	case $st in
	*": installed"*) ok "dkms status: $st" ;;
	*) bad "dkms status for $k: ${st:-nothing}"; return ;;
	esac
	ko=$(ls "$root/lib/modules/$k/updates/dkms/"wamp.ko* 2>/dev/null | head -1 || true)
	[ -n "$ko" ] || { bad "no wamp.ko in /lib/modules/$k/updates/dkms"; return; }
	ok "${ko#"$root"}"
	[ "$(modinfo -F version "$ko")" = "$ver" ] &&
		ok "modinfo version $ver" || bad "$ko: version $(modinfo -F version "$ko"), not $ver"
	[ "$(modinfo -F vermagic "$ko" | awk '{ print $1 }')" = "$k" ] &&
		ok "vermagic $k" || bad "$ko: vermagic $(modinfo -F vermagic "$ko")"
	[ "$(in_chroot "$root" modinfo -k "$k" -n wamp)" = "${ko#"$root"}" ] &&
		ok "modprobe -S $k wamp loads it" ||
		bad "modinfo -k $k -n wamp: $(in_chroot "$root" modinfo -k "$k" -n wamp 2>&1)"
}

# boot KVER: the guest part, when asked for.
boot() {
	local k=$1 dir="$out/guest-$1" rc=0
	[ -n "$selftests" ] || return 0
	echo "== boot $k (console: $dir/console.log)"
	local t0=$SECONDS
	chroot_umount "$root"
	rm -rf "$dir"
	mkdir -p "$dir"
	printf '%s\n' WAMP_FUZZ_WRITES=10000 WAMP_FOPS_OPS=10000 WAMP_RELOADS=10 \
		WAMP_HOLD_SMALL=1 "WAMP_PKG_SUITES=${WAMP_PKG_SUITES:-core,stacks,reader}" \
		> "$dir/env"
	WAMP_ROOT=$root WAMP_ROOT_KVER=$k WAMP_QUIET=1 \
		"$top/tests/vm/boot.sh" "$root" "$dir" "$here/guest.sh" \
		"$ver" "$selftests" || rc=$?
	times+=("boot-$k $((SECONDS - t0))")
	cat "$dir/pkg-result" 2>/dev/null || echo "no result"
	[ -f "$dir/selftests.tap" ] && "$top/tests/vm/tap-summary.sh" "$dir/selftests.tap"
	[ "$rc" -eq 0 ] && ok "$k booted, modprobe wamp from updates/dkms" ||
		bad "the guest on $k failed ($rc): $dir/console.log"
}

t0=$SECONDS
base=$("$here/chroot.sh")
times+=("chroot $((SECONDS - t0))")
t0=$SECONDS
remove_tree "$root"
cp -a "$base" "$root"
times+=("copy $((SECONDS - t0))")
archives_in "$root"
mkdir -p "$root/tmp/wamp-debs"
for d in "${debs[@]}"; do
	cp "$debdir/$d" "$root/tmp/wamp-debs/"
done
before=$(kernels)
[ -n "$before" ] || { log "no kernel with headers in the chroot"; exit 1; }

# --- install: what a user types ---
step install in_chroot "$root" sh -c "cd /tmp/wamp-debs && apt-get install -y ./${debs[0]} ./${debs[1]}"
for k in $before; do
	built "$k"
	times+=("dkms-$k $(dkms_minutes "$out/install.log" "$k")m")
done
st=$(in_chroot "$root" dpkg-query -W -f '${Package}=${Version}\n' wamp-dkms wampstat | tr '\n' ' ')
[ "$st" = "wamp-dkms=$ver wampstat=$ver " ] && ok "installed $st" || bad "installed: $st"
v=$(in_chroot "$root" wampstat -V) && [ "${v#wampstat "$ver" }" != "$v" ] &&
	ok "$v" || bad "wampstat -V: $v"
cp "$top/tests/unit/fixtures/v1.4-demo-t0.txt" "$root/tmp/wamp-debs/report.txt"
in_chroot "$root" wampstat -f /tmp/wamp-debs/report.txt > /dev/null &&
	ok "wampstat -f reads a 1.4 report" || bad "wampstat -f failed"
for f in /usr/sbin/wampstat /usr/share/man/man8/wampstat.8.gz \
	 /usr/share/man/man5/wamp.5.gz /lib/systemd/system/wampstat-prom.service \
	 /lib/systemd/system/wampstat-prom.timer \
	 /usr/share/doc/wampstat/examples/modules-load.d/wamp.conf \
	 "/usr/src/wamp-$ver/dkms.conf"; do
	[ -f "$root$f" ] && ok "$f" || bad "no $f"
done
for f in "$root/usr/share/man/man8/wampstat.8.gz" "$root/usr/share/man/man5/wamp.5.gz"; do
	zcat "$f" | grep -q "^\.TH .*\"wamp $ver\"" || bad "${f#"$root"} does not say wamp $ver"
done
grep -qx "PACKAGE_VERSION=\"$ver\"" "$root/usr/src/wamp-$ver/dkms.conf" ||
	bad "/usr/src/wamp-$ver/dkms.conf does not say $ver"
# The units as systemd reads them (here: the chroot runs no systemd),
# their man: references resolved against the package's man pages.
u="$root/lib/systemd/system/wampstat-prom"
MANPATH="$root/usr/share/man" systemd-analyze verify "$u.service" "$u.timer" \
	> "$out/units.log" 2>&1 && ok "systemd-analyze verify wampstat-prom.service wampstat-prom.timer" ||
	bad "systemd-analyze verify: $(cat "$out/units.log")"
enabled=$(find "$root/etc/systemd" -name 'wampstat-prom*' 2>/dev/null)
[ -z "$enabled" ] && ok "wampstat-prom.timer not enabled" || bad "enabled: $enabled"
[ ! -e "$root/etc/modules-load.d/wamp.conf" ] || bad "/etc/modules-load.d/wamp.conf is active"
for k in $before; do
	boot "$k"
done

# --- upgrade: a new kernel, and nothing else ---
step upgrade in_chroot "$root" apt-get install -y -t bookworm-backports \
	linux-image-amd64 linux-headers-amd64
new=$(kernels | grep -vxF "$before" || true)
[ -n "$new" ] || bad "no new kernel with headers after the upgrade"
for k in $new; do
	grep -q "dkms: running auto installation service for kernel $k" "$out/upgrade.log" &&
		ok "the kernel's hook ran DKMS for $k" || bad "no DKMS autoinstall for $k in $out/upgrade.log"
	built "$k"
	times+=("dkms-$k $(dkms_minutes "$out/upgrade.log" "$k")m")
done
for k in $before; do
	[ -n "$(ls "$root/lib/modules/$k/updates/dkms/"wamp.ko* 2>/dev/null)" ] ||
		bad "the upgrade lost $k's module"
done
for k in $new; do
	boot "$k"
done

# --- purge ---
step purge in_chroot "$root" apt-get purge -y wamp-dkms wampstat
left=$( (ls -d "$root"/usr/src/wamp* "$root"/var/lib/dkms/wamp* 2>/dev/null
	find "$root"/lib/modules/*/updates -mindepth 1 -not -type d 2>/dev/null
	# (less the mount point the guest part made for this tree)
	find "$root"/etc "$root"/usr "$root"/var -xdev -path "$root$top" -prune -o \
		-name '*wamp*' -print 2>/dev/null) |
	sed "s|^$root||" | sort -u)
[ -z "$left" ] && ok "nothing of wamp left" || bad "left after purge: $(echo "$left" | tr "\n" " ")"
st=$(in_chroot "$root" dpkg-query -W -f '${Package} ${Status}\n' 'wamp*' 2>/dev/null || true)
[ -z "$st" ] && ok "dpkg knows no wamp package" || bad "dpkg still has: $st"
for k in $before $new; do
	in_chroot "$root" modinfo -k "$k" -n wamp > /dev/null 2>&1 &&
		bad "modprobe -S $k still finds wamp"
done
archives_out "$root"

echo "== minutes (chroot: chroot.sh, its apt-get update when cached; copy: the"
echo "   previous run's copy removed, a new one made; dkms-KVER: DKMS's build"
echo "   and install for KVER, within the step before it)"
for t in "${times[@]}"; do
	set -- $t
	case $2 in
	*m) printf '  %-28s %s\n' "$1" "${2%m}" ;;
	*) printf '  %-28s %s\n' "$1" "$(minutes "$2")" ;;
	esac
done | tee "$out/minutes.txt"
echo "kernels: $(echo $before $new)" | tee -a "$out/minutes.txt"
if [ "$fail" -eq 0 ]; then
	remove_tree "$root"
	echo "== check-pkg: PASS"
else
	echo "== check-pkg: FAIL (the chroot: $root)"
fi
exit $fail
