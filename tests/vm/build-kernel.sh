#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build wamp's own test kernel from Debian's linux-source-6.1: tinyconfig
# + kvm_guest.config + tests/kconfig/wamp.config (+ debug.config for the
# debug variant).  No BTF, KUnit results in debugfs.  Always O=; the tree
# and the build are cached under WAMP_CACHE keyed by the source version
# and the fragments' hash, so only a fresh machine pays for the build.
# Prints a kernel root laid out like kernel.sh's (boot/, lib/modules/,
# .kver), with lib/modules/KVER/build pointing at the O= tree.
# Usage: build-kernel.sh [kunit|debug]
set -euo pipefail

variant=${1:-kunit}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${WAMP_CACHE:-/var/cache/wamp}
frags=("$top/tests/kconfig/wamp.config")
case "$variant" in
kunit) ;;
debug) frags+=("$top/tests/kconfig/debug.config") ;;
*) echo "build-kernel.sh: unknown variant $variant" >&2; exit 2 ;;
esac

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
hash=$(cat "${frags[@]}" | sha256sum | cut -c1-12)
src="$cache/linux-6.1-tree-$ver"
obj="$cache/kbuild/$variant-$ver-$hash"
kroot="$obj/root"
log="$obj/build.log"

if [ -f "$kroot/.complete" ]; then
	echo "$kroot"
	exit 0
fi

if [ ! -f "$src/.complete" ]; then
	echo "build-kernel.sh: unpacking linux-source-6.1 $ver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz
	touch "$src/.complete"
fi

rm -rf "$obj"
mkdir -p "$obj/build"
echo "build-kernel.sh: building the $variant kernel in $obj (log: $log)" >&2
kmake() {
	make -C "$src" O="$obj/build" ARCH=x86_64 "$@" >> "$log" 2>&1 || {
		tail -40 "$log" >&2; exit 1; }
}
kmake tinyconfig
(cd "$obj/build" && "$src/scripts/kconfig/merge_config.sh" -m -O . .config \
	"$src/kernel/configs/kvm_guest.config" "${frags[@]}") >> "$log" 2>&1
kmake olddefconfig
# A fragment line Kconfig dropped (unmet dependency, renamed symbol) would
# silently test something else: every symbol must end up as the last
# fragment that names it says.
declare -A want=()
order=()
for f in "${frags[@]}"; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		[ -n "${want[$sym]:-}" ] || order+=("$sym")
		want[$sym]=$line
	done < "$f"
done
bad=0
for sym in "${order[@]}"; do
	line=${want[$sym]}
	case "$line" in
	CONFIG_*) grep -qxF "$line" "$obj/build/.config" || {
		echo "build-kernel.sh: $line not in .config" >&2; bad=1; } ;;
	*) ! grep -q "^$sym=" "$obj/build/.config" || {
		echo "build-kernel.sh: $sym is set, the fragments say not" >&2
		bad=1; } ;;
	esac
done
[ "$bad" -eq 0 ] || exit 1
kmake -j"$(nproc)" bzImage modules
kver=$(cat "$obj/build/include/config/kernel.release")
mkdir -p "$kroot/boot"
kmake INSTALL_MOD_PATH="$kroot" modules_install
cp "$obj/build/arch/x86/boot/bzImage" "$kroot/boot/vmlinuz-$kver"
ln -sfn "$obj/build" "$kroot/lib/modules/$kver/build"
echo "$kver" > "$kroot/.kver"
echo "built-$variant" > "$kroot/.suite"
touch "$kroot/.complete"
# Builds of this variant from older sources or fragments: gone.
for old in "$cache/kbuild/$variant"-*; do
	[ "$old" = "$obj" ] || rm -rf "$old"
done
echo "$kroot"
