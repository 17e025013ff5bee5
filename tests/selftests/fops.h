/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A file-operation fuzzer: open wamp's files in every open mode and call
 * every file operation on them, with random offsets, lengths, whences,
 * flags and bad user pointers.  Every call must return (a result or an
 * errno); a kernel oops kills the caller, which is how a test sees one.
 * Writes are never a valid command (they start with 'x'), so the fuzzer
 * changes nothing.  Used by the control and churn selftests and, as the
 * wamp_fops program, by the debug kernel's load/unload stress.
 */
#ifndef WAMP_SELFTEST_FOPS_H
#define WAMP_SELFTEST_FOPS_H

#include <stddef.h>

enum fops_op {
	FOP_READ, FOP_PREAD, FOP_READV, FOP_PREADV2, FOP_READ_BADPTR,
	FOP_LSEEK, FOP_POLL, FOP_MMAP, FOP_IOCTL, FOP_SPLICE, FOP_SENDFILE,
	FOP_COPY_RANGE, FOP_FSYNC, FOP_TRUNCATE, FOP_FALLOCATE, FOP_FLOCK,
	FOP_FSTAT, FOP_FCNTL, FOP_WRITE, FOP_PWRITE, FOP_WRITE_BADPTR, FOP_NR
};

/* What one run did; the counters are updated as it goes (shared memory). */
struct fops_stats {
	unsigned long opens;		/* open() calls */
	unsigned long open_refused;	/* of which failed (EACCES, ENOENT...) */
	unsigned long ops;		/* operations on open files */
	unsigned long ok;		/* of which returned >= 0 */
	unsigned long by_op[FOP_NR];
};

extern const char *const fops_op_names[FOP_NR];

/*
 * Run until @ops operations are done, or until *@stop becomes nonzero
 * (when @ops is 0; another process or a signal handler sets it), on
 * @files in random order.  0, or -1 if a helper file
 * (a pipe, a scratch file) could not be made.
 */
int fops_run(const char *const *files, size_t nfiles, unsigned long ops,
	     const int *stop, unsigned int seed, struct fops_stats *st);

/* wamp's files: /proc/wamp, every debugfs file and every parameter. */
size_t fops_wamp_files(const char **files, size_t max);

#endif /* WAMP_SELFTEST_FOPS_H */
