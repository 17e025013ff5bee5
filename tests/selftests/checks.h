/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The invariants the selftests assert, as harness checks: include after
 * kselftest_harness.h.
 */
#ifndef WAMP_SELFTEST_CHECKS_H
#define WAMP_SELFTEST_CHECKS_H

#include "lib.h"

/* Task rows, (other) and exited equal the totals, at quiescent reads. */
static inline void
expect_rows_sum_to_totals(struct __test_metadata *_metadata,
			  const struct wampp_report *r)
{
	unsigned long long w = r->other.writes, b = r->other.write_bytes;
	unsigned long long s = r->other.syncs;

	/* Rows of exited tasks folded to make room (format 1.2). */
	w += wampp_exited_key(r, WAMP_KEY_WRITES, NULL);
	b += wampp_exited_key(r, WAMP_KEY_WRITE_BYTES, NULL);
	s += wampp_exited_key(r, WAMP_KEY_SYNCS, NULL);

	ASSERT_TRUE(r->has_other);
	for (size_t i = 0; i < r->nrows; i++) {
		w += r->rows[i].writes;
		b += r->rows[i].write_bytes;
		s += r->rows[i].syncs;
	}
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITES, NULL), w);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITE_BYTES, NULL), b);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_SYNCS, NULL), s);
}

/* The io_ columns of a row (1.5): every byte of blk_bytes in one class. */
static inline unsigned long long io_sum(const struct wampp_row *row)
{
	unsigned long long n = 0;

	for (int k = 0; k < WAMP_IO_NR; k++)
		n += row->tc[WAMP_TC_io_fsync + k];
	return n;
}

/* The same, of the first line's totals or of the exited line. */
static inline unsigned long long io_key_sum(const struct wampp_report *r,
					    bool exited)
{
	static const char *const names[] = {
#define IO_KEY(name)	"io_" #name,
		WAMP_IO_CLASSES(IO_KEY)
#undef IO_KEY
	};
	unsigned long long n = 0;

	for (size_t k = 0; k < ARRAY_SIZE(names); k++)
		n += exited ? wampp_exited_key(r, names[k], NULL) :
			      wampp_key(r, names[k], NULL);
	return n;
}

/* In every row, the totals and the exited line, the classes add up. */
static inline void
expect_io_classes_sum(struct __test_metadata *_metadata,
		      const struct wampp_report *r)
{
	for (size_t k = 0; k < r->nrows; k++) {
		const struct wampp_row *row = &r->rows[k];

		EXPECT_EQ(row->blk_bytes, io_sum(row))
			TH_LOG("pid %lld (%s)", row->pid, row->comm);
	}
	EXPECT_EQ(r->other.blk_bytes, io_sum(&r->other));
	EXPECT_EQ(wampp_key(r, WAMP_KEY_BLK_BYTES, NULL), io_key_sum(r, false));
	EXPECT_EQ(wampp_exited_key(r, WAMP_KEY_BLK_BYTES, NULL),
		  io_key_sum(r, true));
}

/*
 * Block bytes charged to tasks plus (other) equal the bytes the devices
 * were sent, and the system line says so: asserted when no I/O is in
 * flight.  Each row's bytes are split into its I/O classes exactly.
 */
static inline void
expect_blk_sums_to_devices(struct __test_metadata *_metadata,
			   const struct wampp_report *r)
{
	unsigned long long tasks = r->other.blk_bytes, devs = 0;

	expect_io_classes_sum(_metadata, r);

	tasks += wampp_exited_key(r, WAMP_KEY_BLK_BYTES, NULL);

	for (size_t i = 0; i < r->nrows; i++)
		tasks += r->rows[i].blk_bytes;
	for (size_t i = 0; i < r->ndevs; i++)
		devs += r->devs[i].write_bytes;
	EXPECT_EQ(wampp_key(r, WAMP_KEY_BLK_BYTES, NULL), tasks);
	EXPECT_EQ(devs, tasks);
	EXPECT_EQ(devs, wampp_sys_key(r, WAMP_KEY_DEV_WRITE_BYTES, NULL));
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITE_BYTES, NULL),
		  wampp_sys_key(r, WAMP_KEY_WRITE_BYTES, NULL));
}

/* wamp's device row for @disk equals the kernel's stat growth @d. */
static inline void
expect_dev_matches_stat(struct __test_metadata *_metadata,
			const struct wampp_report *r, const char *disk,
			const struct blkstat *before,
			const struct blkstat *after)
{
	const struct wampp_dev *d = wampp_find_dev(r, disk);
	unsigned long long bytes = (after->wsect - before->wsect) * 512;

	if (!bytes) {
		EXPECT_TRUE(!d || !d->write_bytes);
		return;
	}
	ASSERT_NE(NULL, d);
	EXPECT_EQ(bytes, d->write_bytes) TH_LOG("%s", disk);
	EXPECT_EQ(after->wios - before->wios, d->write_reqs) TH_LOG("%s", disk);
}

/* Read the report into @r (freed by the caller) and the row of @pid. */
static inline const struct wampp_row *
read_row(struct __test_metadata *_metadata, struct wampp_report *r, pid_t pid)
{
	const struct wampp_row *row;

	ASSERT_EQ(0, read_report(r));
	row = wampp_find(r, pid);
	ASSERT_NE(NULL, row) TH_LOG("no row for %d", pid);
	return row;
}

/*
 * A quiet window on @disk around a workload: reset when the disk completes
 * no write (its stat in @w->before), run @fn(@arg) in a stopped child
 * named @comm (@w->pid, for the caller to reap), read the report when the
 * disk holds still again (@w->r, @w->after); the child's row.
 */
struct quiet_window {
	pid_t pid;
	struct wampp_report r;
	struct blkstat before, after;
};

static inline const struct wampp_row *
run_quiet(struct __test_metadata *_metadata, const char *disk,
	  void (*fn)(void *), void *arg, const char *comm,
	  struct quiet_window *w)
{
	const struct wampp_row *row;

	ASSERT_EQ(0, reset_quiet(disk, &w->before));
	w->pid = spawn_stopped(fn, arg, comm);
	ASSERT_LT(0, w->pid);
	ASSERT_EQ(0, read_quiet(&w->r, disk, &w->after));
	row = wampp_find(&w->r, w->pid);
	ASSERT_NE(NULL, row) TH_LOG("no row for %s", comm);
	return row;
}

/* The row of @pid has @writes writes of @bytes bytes in all. */
static inline void expect_task_counts(struct __test_metadata *_metadata,
				      pid_t pid, unsigned long long writes,
				      unsigned long long bytes)
{
	struct wampp_report r;
	const struct wampp_row *row = read_row(_metadata, &r, pid);

	EXPECT_EQ(writes, row->writes);
	EXPECT_EQ(bytes, row->write_bytes);
	wampp_free(&r);
}

#endif /* WAMP_SELFTEST_CHECKS_H */
