/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The syscall workloads the selftests count, shared by the 64-bit test and
 * the 32-bit (ia32) writer, with the exact numbers each must produce.
 */
#ifndef WAMP_WORKLOAD_H
#define WAMP_WORKLOAD_H

struct wl {
	const char *name;
	void (*fn)(int fd);
	unsigned long long writes;
	unsigned long long bytes;
	unsigned long long syncs;
};

void wl_write(int fd);		/* 37 x write(100) */
void wl_pwrite64(int fd);	/* 19 x pwrite64(4096) */
void wl_writev(int fd);		/* 11 x writev {10,20,30} */
void wl_pwritev(int fd);	/* 13 x pwritev {1..9}: crosses a chunk */
void wl_pwritev2(int fd);	/* 7 x pwritev2 {100,0,300} */
void wl_writev_max(int fd);	/* 3 x writev of 1024 one-byte iovecs */
void wl_write_ebadf(int fd);	/* 3 x write(-1, 555): requested bytes */
void wl_fsync(int fd);		/* 5 */
void wl_fdatasync(int fd);	/* 6 */
void wl_sync_file_range(int fd);	/* 7 */
void wl_syncfs(int fd);		/* 8 */
void wl_sync(int fd);		/* 2 */
/* Syscalls whose ia32 numbers are x86_64 write/sync numbers. */
void wl_decoys(int fd);

/* Indices into wl_all[]. */
enum {
	WL_WRITE, WL_PWRITE64, WL_WRITEV, WL_PWRITEV, WL_PWRITEV2,
	WL_WRITEV_MAX, WL_WRITE_EBADF, WL_FSYNC, WL_FDATASYNC,
	WL_SYNC_FILE_RANGE, WL_SYNCFS, WL_SYNC, WL_DECOYS, WL_NR
};

extern const struct wl wl_all[WL_NR];

#endif /* WAMP_WORKLOAD_H */
