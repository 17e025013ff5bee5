/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A reader's snapshot: a copy of every CPU's table, merged per task, with
 * the totals, as one reader may see it.  See snapshot.c.
 */
#ifndef WAMP_SNAPSHOT_H
#define WAMP_SNAPSHOT_H

#include "table.h"

struct wamp_view;

/* A merged row, as a reader sees it. */
struct wamp_row {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	unsigned int flags;	/* WAMP_F_EXITED; the findings at print time */
	char comm[WAMP_COMM_LEN];
	struct wamp_counts c;
	u32 ns_inum;
	pid_t vpid;
	pid_t vtgid;
	u32 exec_id;
	u64 cgid;	/* the task's cgroup; 0: not known */
	u64 ran;	/* its run time at the syscall that found it */
};

/* A device as all CPUs saw it. */
struct wamp_dev_row {
	u32 devt;
	char name[WAMP_DISK_LEN];

	WAMP_DEV_COUNTS_MEMBERS;
};

/* A cgroup as all CPUs counted it, with its path for the reader. */
struct wamp_cg_row {
	u64 id;
	struct wamp_cg_counts c;
	unsigned int flags;	/* WAMP_F_REMOVED; the findings at print time */
	size_t path;		/* offset of its path in @cg_paths */
};

struct wamp_snapshot {
	struct wamp_counts total;
	struct wamp_counts other;
	struct wamp_counts exited;
	/* A CPU's copy while it is taken (wamp_snap_cpu_stable()). */
	struct wamp_counts cpu_sum;
	struct wamp_counts cpu_exited;
	struct wamp_counts cpu_other;
	u64 folded;
	u64 overflow;
	u64 nested;
	u64 iov_fault;
	u64 dev_overflow;
	u64 owner_evicted;
	u64 wb_unowned;
	u64 wb_unowned_bytes;
	u64 jrnl_kept_bytes;
	unsigned int owners_used;
	unsigned int owners_cap;
	unsigned int slots_used;
	unsigned int slots_cap;
	struct wamp_thresholds th;
	size_t nr_devs;
	struct wamp_dev_row *devs;
	const char *cg_io;		/* WAMP_IO_* */
	unsigned int cg_used;
	unsigned int cg_cap;
	u64 cg_overflow;
	u64 cg_reclaimed;
	struct wamp_cg_counts cg_other;
	size_t nr_cgs;
	struct wamp_cg_row *cgs;
	char *cg_paths;			/* NUL-terminated paths */
	size_t nr_rows;
	struct wamp_row rows[];
};

struct wamp_snapshot *wamp_snapshot_take(const struct wamp_view *view);
void *wamp_snap_alloc(size_t size);
void *wamp_snap_shrink(void *arr, size_t n, size_t size);

/* Copies of a CPU, and snapshots, tried before settling for what was had. */
#define WAMP_SNAP_TRIES		4
void wamp_snapshot_free(struct wamp_snapshot *snap);

#endif /* WAMP_SNAPSHOT_H */
