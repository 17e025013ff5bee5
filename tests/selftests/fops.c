// SPDX-License-Identifier: GPL-2.0
/* The file-operation fuzzer: see fops.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <termios.h>
#include "fops.h"
#include "lib.h"

#define FOPS_BUF	65536
#define FOPS_IOV	8
#define FOPS_PER_OPEN	8	/* operations per open, at most */

const char *const fops_op_names[FOP_NR] = {
	"read", "pread", "readv", "preadv2", "read_badptr", "lseek", "poll",
	"mmap", "ioctl", "splice", "sendfile", "copy_file_range", "fsync",
	"ftruncate", "fallocate", "flock", "fstat", "fcntl", "write",
	"pwrite", "write_badptr",
};

/* Every open mode: read, write or both, each alone, appending, nonblocking. */
static const int fops_modes[] = {
	O_RDONLY, O_WRONLY, O_RDWR,
	O_RDONLY | O_APPEND, O_WRONLY | O_APPEND, O_RDWR | O_APPEND,
	O_RDONLY | O_NONBLOCK, O_WRONLY | O_NONBLOCK, O_RDWR | O_NONBLOCK,
	O_RDONLY | O_APPEND | O_NONBLOCK, O_WRONLY | O_APPEND | O_NONBLOCK,
	O_RDWR | O_APPEND | O_NONBLOCK,
};

/*
 * An address no user buffer has (the first page, kernel space), hidden
 * from the compiler, which would otherwise refuse to pass it.
 */
static void *fops_hide(uintptr_t p)
{
	__asm__("" : "+r"(p));
	return (void *)p;
}

struct fops_ctx {
	unsigned int seed;
	char *buf;
	int pipe[2];
	int null;
	int scratch;
};

static unsigned long fops_rand(struct fops_ctx *c)
{
	unsigned long hi = (unsigned long)rand_r(&c->seed);

	return hi << 31 ^ (unsigned long)rand_r(&c->seed);
}

/* A length: mostly small, sometimes large, sometimes 0 or huge. */
static size_t fops_len(struct fops_ctx *c)
{
	switch (fops_rand(c) % 8) {
	case 0:
		return 0;
	case 1:
		return FOPS_BUF;
	case 2:
		return fops_rand(c) % FOPS_BUF;
	default:
		return fops_rand(c) % 256;
	}
}

/* An offset: 0, small, past any end, near the type's limits, negative. */
static off_t fops_off(struct fops_ctx *c)
{
	switch (fops_rand(c) % 8) {
	case 0:
		return 0;
	case 1:
		return -(off_t)(fops_rand(c) % 4096) - 1;
	case 2:
		return INT64_MAX - (off_t)(fops_rand(c) % 16);
	case 3:
		return (off_t)(fops_rand(c) % (1UL << 40));
	default:
		return (off_t)(fops_rand(c) % 8192);
	}
}

static void fops_iov(struct fops_ctx *c, struct iovec *v, int n)
{
	for (int i = 0; i < n; i++) {
		size_t len = fops_len(c) % (FOPS_BUF / FOPS_IOV);

		v[i].iov_base = c->buf + i * (FOPS_BUF / FOPS_IOV);
		v[i].iov_len = len;
	}
}

/* Bytes that no control file or parameter accepts. */
static size_t fops_junk(struct fops_ctx *c)
{
	size_t len = 1 + fops_rand(c) % 64;

	for (size_t i = 0; i < len; i++)
		c->buf[i] = (char)fops_rand(c);
	c->buf[0] = 'x';
	return len;
}

static long fops_one(struct fops_ctx *c, int fd, enum fops_op op)
{
	static const unsigned long ioctls[] = {
		FIONREAD, FIONBIO, TCGETS, FIOCLEX, FIONCLEX, FS_IOC_GETFLAGS,
		FS_IOC_GETVERSION, FIGETBSZ, BLKGETSIZE64, 0, 0xdeadbeef,
	};
	static const int whences[] = {
		SEEK_SET, SEEK_CUR, SEEK_END, SEEK_DATA, SEEK_HOLE, 5, -1,
	};
	struct iovec v[FOPS_IOV];
	struct pollfd p;
	loff_t off;
	void *map;
	long ret;
	int arg = 0;

	switch (op) {
	case FOP_READ:
		return read(fd, c->buf, fops_len(c));
	case FOP_PREAD:
		return pread(fd, c->buf, fops_len(c), fops_off(c));
	case FOP_READV:
		fops_iov(c, v, 1 + fops_rand(c) % FOPS_IOV);
		return readv(fd, v, 1 + fops_rand(c) % FOPS_IOV);
	case FOP_PREADV2:
		fops_iov(c, v, FOPS_IOV);
		return preadv2(fd, v, 1 + fops_rand(c) % FOPS_IOV, fops_off(c),
			       fops_rand(c) % 2 ? RWF_NOWAIT : 0);
	case FOP_READ_BADPTR:
		return read(fd, fops_hide(fops_rand(c) % 2 ? 1 :
					  0xffff800000000000UL),
			    1 + fops_len(c));
	case FOP_LSEEK:
		return lseek(fd, fops_off(c),
			     whences[fops_rand(c) % ARRAY_SIZE(whences)]);
	case FOP_POLL:
		p = (struct pollfd){ fd, POLLIN | POLLOUT | POLLPRI, 0 };
		return poll(&p, 1, 0);
	case FOP_MMAP:
		map = mmap(NULL, 4096 * (1 + fops_rand(c) % 4),
			   fops_rand(c) % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			   fops_rand(c) % 2 ? MAP_SHARED : MAP_PRIVATE, fd,
			   4096 * (off_t)(fops_rand(c) % 4));
		if (map == MAP_FAILED)
			return -1;
		munmap(map, 4096);
		return 0;
	case FOP_IOCTL:
		return ioctl(fd, ioctls[fops_rand(c) % ARRAY_SIZE(ioctls)], &arg);
	case FOP_SPLICE:
		off = fops_off(c);
		ret = splice(fd, fops_rand(c) % 2 ? &off : NULL, c->pipe[1],
			     NULL, fops_len(c), SPLICE_F_NONBLOCK);
		while (read(c->pipe[0], c->buf, FOPS_BUF) > 0)
			;
		return ret;
	case FOP_SENDFILE:
		off = fops_off(c);
		return sendfile(c->null, fd, fops_rand(c) % 2 ? &off : NULL,
				fops_len(c));
	case FOP_COPY_RANGE:
		return copy_file_range(fd, NULL, c->scratch, NULL, fops_len(c),
				       0);
	case FOP_FSYNC:
		return fops_rand(c) % 2 ? fsync(fd) : fdatasync(fd);
	case FOP_TRUNCATE:
		return ftruncate(fd, fops_off(c));
	case FOP_FALLOCATE:
		return fallocate(fd, 0, 0, 4096);
	case FOP_FLOCK:
		ret = flock(fd, (fops_rand(c) % 2 ? LOCK_SH : LOCK_EX) | LOCK_NB);
		flock(fd, LOCK_UN);
		return ret;
	case FOP_FSTAT: {
		struct statfs sfs;
		struct stat st;

		return fops_rand(c) % 2 ? fstat(fd, &st) : fstatfs(fd, &sfs);
	}
	case FOP_FCNTL:
		ret = fcntl(fd, F_GETFL);
		if (ret >= 0)
			ret = fcntl(fd, F_SETFL, fops_rand(c) % 2 ?
				    (ret | O_APPEND | O_NONBLOCK) :
				    (ret & ~(O_APPEND | O_NONBLOCK)));
		return ret;
	case FOP_WRITE:
		return write(fd, c->buf, fops_junk(c));
	case FOP_PWRITE:
		return pwrite(fd, c->buf, fops_junk(c), fops_off(c));
	case FOP_WRITE_BADPTR:
		return write(fd, fops_hide(1), 1 + fops_rand(c) % 64);
	default:
		return -1;
	}
}

int fops_run(const char *const *files, size_t nfiles, unsigned long ops,
	     const int *stop, unsigned int seed, struct fops_stats *st)
{
	struct fops_ctx c = { .seed = seed };
	char scratch[] = "/tmp/wamp_fops.XXXXXX";
	int ret = -1;

	c.buf = malloc(FOPS_BUF);
	if (!c.buf || pipe2(c.pipe, O_NONBLOCK | O_CLOEXEC))
		goto out;
	c.null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	c.scratch = mkostemp(scratch, O_CLOEXEC);
	if (c.null < 0 || c.scratch < 0)
		goto out;
	unlink(scratch);
	while (ops ? st->ops < ops : !__atomic_load_n(stop, __ATOMIC_RELAXED)) {
		const char *f = files[fops_rand(&c) % nfiles];
		int mode = fops_modes[fops_rand(&c) % ARRAY_SIZE(fops_modes)];
		int fd, n = 1 + fops_rand(&c) % FOPS_PER_OPEN;

		st->opens++;
		fd = open(f, mode | O_CLOEXEC);
		if (fd < 0) {
			st->open_refused++;
			continue;
		}
		for (int i = 0; i < n; i++) {
			enum fops_op op = fops_rand(&c) % FOP_NR;

			st->ok += fops_one(&c, fd, op) >= 0;
			st->by_op[op]++;
			st->ops++;
		}
		close(fd);
	}
	ret = 0;
out:
	free(c.buf);
	return ret;
}

/* Regular files of @dir, appended to @files (at most @max in all). */
static size_t fops_dir(const char *dir, const char **files, size_t n,
		       size_t max)
{
	char path[512];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && n < max && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		files[n] = strdup(path);
		if (files[n])
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

size_t fops_wamp_files(const char **files, size_t max)
{
	size_t n = 0;

	if (max)
		files[n++] = WAMP_PROC_PATH;
	n = fops_dir(DEBUGFS_DIR, files, n, max);
	return fops_dir("/sys/module/wamp/parameters", files, n, max);
}
