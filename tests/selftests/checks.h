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

/*
 * Block bytes charged to tasks plus (other) equal the bytes the devices
 * were sent, and the system line says so: asserted when no I/O is in
 * flight.
 */
static inline void
expect_blk_sums_to_devices(struct __test_metadata *_metadata,
			   const struct wampp_report *r)
{
	unsigned long long tasks = r->other.blk_bytes, devs = 0;

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
