# SPDX-License-Identifier: GPL-2.0
# Sourced by the scripts that run inside the guest (bash, chrooted into the
# host's root; WAMP_KROOT and WAMP_KVER come from the kernel command line).

gmodprobe() {
	modprobe -d "$WAMP_KROOT" -S "$WAMP_KVER" "$@"
}

# ext4 on the virtio-blk disk, mounted at /tmp/mnt.
guest_disk() {
	gmodprobe virtio_blk && gmodprobe ext4 || return 1
	for i in $(seq 50); do [ -b /dev/vda ] && break; sleep 0.1; done
	mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 /dev/vda && mkdir -p /tmp/mnt && mount /dev/vda /tmp/mnt
}

# The kernel's complaints: any line here fails a run.
dmesg_splats() {
	dmesg | grep -E 'BUG:|WARNING:|Oops|general protection|Call Trace|possible circular locking|KASAN|unreferenced object'
}
