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

#define WL_TABLE						\
	{ "write", wl_write, 37, 3700, 0 },			\
	{ "pwrite64", wl_pwrite64, 19, 19 * 4096, 0 },		\
	{ "writev", wl_writev, 11, 11 * 60, 0 },		\
	{ "pwritev", wl_pwritev, 13, 13 * 45, 0 },		\
	{ "pwritev2", wl_pwritev2, 7, 7 * 400, 0 },		\
	{ "writev_max", wl_writev_max, 3, 3 * 1024, 0 },	\
	{ "write_ebadf", wl_write_ebadf, 3, 3 * 555, 0 },	\
	{ "fsync", wl_fsync, 0, 0, 5 },				\
	{ "fdatasync", wl_fdatasync, 0, 0, 6 },			\
	{ "sync_file_range", wl_sync_file_range, 0, 0, 7 },	\
	{ "syncfs", wl_syncfs, 0, 0, 8 },			\
	{ "sync", wl_sync, 0, 0, 2 },				\
	{ "decoys", wl_decoys, 0, 0, 0 }

#endif /* WAMP_WORKLOAD_H */
