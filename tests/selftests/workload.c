// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "workload.h"

static char buf[4096];

void wl_write(int fd)
{
	for (int i = 0; i < 37; i++)
		(void)!write(fd, buf, 100);
}

void wl_pwrite64(int fd)
{
	for (int i = 0; i < 19; i++)
		(void)!pwrite(fd, buf, 4096, (off_t)i * 4096);
}

void wl_writev(int fd)
{
	struct iovec v[3] = { { buf, 10 }, { buf, 20 }, { buf, 30 } };

	for (int i = 0; i < 11; i++)
		(void)!writev(fd, v, 3);
}

void wl_pwritev(int fd)
{
	struct iovec v[9];

	for (int i = 0; i < 9; i++)
		v[i] = (struct iovec){ buf, (size_t)i + 1 };
	for (int i = 0; i < 13; i++)
		(void)!pwritev(fd, v, 9, 0);
}

void wl_pwritev2(int fd)
{
	struct iovec v[3] = { { buf, 100 }, { buf, 0 }, { buf, 300 } };

	for (int i = 0; i < 7; i++)
		(void)!pwritev2(fd, v, 3, 0, 0);
}

void wl_writev_max(int fd)
{
	static struct iovec v[1024];

	for (int i = 0; i < 1024; i++)
		v[i] = (struct iovec){ buf, 1 };
	for (int i = 0; i < 3; i++)
		(void)!writev(fd, v, 1024);
}

void wl_write_ebadf(int fd)
{
	(void)fd;
	for (int i = 0; i < 3; i++)
		(void)!write(-1, buf, 555);
}

void wl_fsync(int fd)
{
	for (int i = 0; i < 5; i++)
		fsync(fd);
}

void wl_fdatasync(int fd)
{
	for (int i = 0; i < 6; i++)
		fdatasync(fd);
}

void wl_sync_file_range(int fd)
{
	for (int i = 0; i < 7; i++)
		sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

void wl_syncfs(int fd)
{
	for (int i = 0; i < 8; i++)
		syncfs(fd);
}

void wl_sync(int fd)
{
	(void)fd;
	for (int i = 0; i < 2; i++)
		sync();
}

void wl_decoys(int fd)
{
	struct timespec ts = { 0, 0 };

	(void)fd;
	/* ia32 20 (getpid) is x86_64 writev; ia32 162 (nanosleep) is sync. */
	for (int i = 0; i < 5; i++)
		syscall(SYS_getpid);
	for (int i = 0; i < 3; i++)
		nanosleep(&ts, NULL);
	/* ia32 24 (getuid) is x86_64 sched_yield: neither is counted. */
	for (int i = 0; i < 4; i++)
		getuid();
}

const struct wl wl_all[WL_NR] = {
	[WL_WRITE] = { "write", wl_write, 37, 37 * 100, 0 },
	[WL_PWRITE64] = { "pwrite64", wl_pwrite64, 19, 19 * 4096, 0 },
	[WL_WRITEV] = { "writev", wl_writev, 11, 11 * 60, 0 },
	[WL_PWRITEV] = { "pwritev", wl_pwritev, 13, 13 * 45, 0 },
	[WL_PWRITEV2] = { "pwritev2", wl_pwritev2, 7, 7 * 400, 0 },
	[WL_WRITEV_MAX] = { "writev_max", wl_writev_max, 3, 3 * 1024, 0 },
	[WL_WRITE_EBADF] = { "write_ebadf", wl_write_ebadf, 3, 3 * 555, 0 },
	[WL_FSYNC] = { "fsync", wl_fsync, 0, 0, 5 },
	[WL_FDATASYNC] = { "fdatasync", wl_fdatasync, 0, 0, 6 },
	[WL_SYNC_FILE_RANGE] = { "sync_file_range", wl_sync_file_range, 0, 0, 7 },
	[WL_SYNCFS] = { "syncfs", wl_syncfs, 0, 0, 8 },
	[WL_SYNC] = { "sync", wl_sync, 0, 0, 2 },
	[WL_DECOYS] = { "decoys", wl_decoys, 0, 0, 0 },
};
