/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WAMP_INTERNAL_H
#define WAMP_INTERNAL_H

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/uidgid.h>
#include <asm/local64.h>
#include "wamp.h"

struct bio;
struct file;
struct gendisk;
struct pt_regs;
struct request;
struct request_queue;

/* What one task (or the (other) row, or the totals) accumulated. */
struct wamp_counts {
	u64 writes;
	u64 write_bytes;
	u64 syncs;
	u64 blk_reqs;
	u64 blk_bytes;
};

/*
 * One block device as one CPU saw it at block_rq_issue.  Claimed with
 * cmpxchg_local() and counted with local64: the issue probe runs in any
 * context (task, softirq, hardirq) and may interrupt itself on one CPU.
 */
struct wamp_dev {
	u32 devt;		/* 0: free; claimed with cmpxchg_local() */
	u32 named;		/* @name written: release-stored after it */
	char name[32];		/* DISK_NAME_LEN */
	local64_t write_reqs;
	local64_t write_bytes;
	local64_t flush_reqs;
	local64_t fua_reqs;
	local64_t preflush_reqs;
	local64_t discard_reqs;
	local64_t discard_bytes;
	local64_t requeues;
};

#define WAMP_DEV_MAX	32	/* devices per CPU table */

struct wamp_dev_row {
	u32 devt;
	char name[32];
	u64 write_reqs;
	u64 write_bytes;
	u64 flush_reqs;
	u64 fua_reqs;
	u64 preflush_reqs;
	u64 discard_reqs;
	u64 discard_bytes;
	u64 requeues;
};

#define WAMP_SLOT_USED	1u

/*
 * One slot of a CPU's table: 96 bytes.  A task is identified by its pid and
 * its start time, so a task that inherits a recycled pid never lands in a
 * dead task's slot.  Only the owning CPU writes a slot; @state is published
 * last with a release store, and readers on other CPUs acquire it first.
 *
 * @uid is the task's uid if its real, effective and saved uids agreed when
 * it claimed the slot or last exec'd (the rule of /proc/PID/io), else
 * INVALID_UID: readers use it for exited tasks only (a live task is judged
 * by its credentials at read time).  @comm and @uid are refreshed when the
 * task's exec count (@exec_id, the low half of self_exec_id) moves on, so
 * an exited task keeps the name of its last exec.  @ns_inum, @vpid and
 * @vtgid place the task in its own pid namespace, for readers there once
 * it has exited.
 */
struct wamp_slot {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	u32 state;
	char comm[WAMP_COMM_LEN];
	struct wamp_counts c;
	u32 ns_inum;
	pid_t vpid;
	pid_t vtgid;
	u32 exec_id;
};

/*
 * Per-CPU state.  @busy detects a probe nested inside a probe on the same
 * CPU (an interrupt, or a maintenance pass); the nested one counts only
 * into the local64 counters, which are interrupt-safe on the local CPU.
 * There is no per-CPU total: a reader sums the slots, (other), the exited
 * row and the nested counters it copied, so the probe counts every event
 * once and the totals always agree with the rows.
 */
struct wamp_cpu {
	unsigned int busy;
	unsigned int used;		/* slots claimed: entries of @order */
	struct wamp_slot *slots;
	u32 hash_shift;			/* 32 - log2(table size) */
	u32 mask;			/* table size - 1 */
	u16 *order;			/* claimed slots, in claim order */
	struct wamp_dev *devs;
	unsigned int gen;		/* odd while a slot is folded or a reset runs */
	unsigned long reclaim_after;	/* jiffies: no fold scan before */
	struct wamp_counts other;
	struct wamp_counts exited;	/* folded rows of exited tasks */
	u64 folded;
	u64 overflow;
	u64 iov_fault;
	local64_t nested;
	local64_t nested_writes;
	local64_t nested_bytes;
	local64_t nested_syncs;
	local64_t nested_blk_reqs;
	local64_t nested_blk_bytes;
	local64_t dev_overflow;
};

/* An event, as the probe classified it. */
enum wamp_event {
	WAMP_EV_NONE = 0,
	WAMP_EV_WRITE,		/* arg 2 is the byte count */
	WAMP_EV_WRITEV,		/* arg 1 the iovec array, arg 2 its length */
	WAMP_EV_SYNC,
	WAMP_EV_BLK_RQ,		/* a new write request for current's bio */
	WAMP_EV_BLK_MERGE,	/* current's bio merged into a request */
};

/* How wamp_store_account() charges an event. */
#define WAMP_ACC_IOV_FAULT	0x1u	/* the iovec array was unreadable */
#define WAMP_ACC_OTHER		0x2u	/* no task to charge: (other) */

/* A merged row, as a reader sees it. */
struct wamp_row {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	unsigned int flags;
	char comm[WAMP_COMM_LEN];
	struct wamp_counts c;
	u32 ns_inum;
	pid_t vpid;
	pid_t vtgid;
	u32 exec_id;
};

struct pid_namespace;

/*
 * Who reads, and so which rows a snapshot keeps: the tasks of the pid
 * namespace of the reader's /proc (with that namespace's pids), and of
 * those only the ones that ran under the reader's fsuid unless the reader
 * has CAP_SYS_ADMIN.  NULL: every row, as the init namespace numbers it.
 */
struct wamp_view {
	struct pid_namespace *ns;
	bool all_uids;
	kuid_t uid;
};

struct wamp_snapshot {
	struct wamp_counts total;
	struct wamp_counts other;
	struct wamp_counts exited;
	u64 folded;
	u64 overflow;
	u64 nested;
	u64 iov_fault;
	u64 dev_overflow;
	unsigned int slots_used;
	unsigned int slots_cap;
	struct wamp_thresholds th;
	size_t nr_devs;
	struct wamp_dev_row *devs;
	size_t nr_rows;
	struct wamp_row rows[];
};

/* A threshold parameter: its variable and the range a write must fall in. */
struct wamp_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

/* params.c */
extern unsigned int wamp_table_size;
extern unsigned int wamp_root_only;
void wamp_params_thresholds(struct wamp_thresholds *t);

/* store.c */
int wamp_store_init(void);
void wamp_store_exit(void);

struct wamp_dev *wamp_store_dev(struct gendisk *disk);
void wamp_snapshot_free(struct wamp_snapshot *snap);
void wamp_store_reset(void);
struct wamp_snapshot *wamp_store_snapshot(const struct wamp_view *view);
void wamp_store_cpu_stats(int cpu, unsigned int *used, u64 *overflow,
			  u64 *nested);
size_t wamp_store_bytes_per_cpu(void);

/* probe.c */
void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id);

/* blk.c: the probes' argument lists come from compat.h */
WAMP_GETRQ_PROBE(wamp_probe_getrq);
WAMP_BIO_MERGE_PROBE(wamp_probe_bio_merge);
WAMP_RQ_PROBE(wamp_probe_rq_issue);
WAMP_RQ_PROBE(wamp_probe_rq_requeue);

/* tp.c */
int wamp_tp_init(void);
void wamp_tp_exit(void);

/* procfs.c */
int wamp_procfs_init(void);
void wamp_procfs_exit(void);
ssize_t wamp_control_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos);

/* debugfs.c */
void wamp_debugfs_init(void);
void wamp_debugfs_exit(void);

/*
 * Static in wamp.ko, visible to the KUnit suites in wamp_kunit.ko (see
 * WAMP_VISIBLE_IF_KUNIT in compat.h).
 */
#ifdef WAMP_KUNIT
struct kernel_param;
struct seq_file;
int wamp_parse_centi(const char *s, unsigned int *out);
int wamp_param_set_uint(const char *val, const struct kernel_param *kp);
int wamp_param_set_centi(const char *val, const struct kernel_param *kp);
int wamp_control_parse(const char *buf, size_t len);
void wamp_seq_header(struct seq_file *m, const struct wamp_snapshot *s);
void wamp_seq_row(struct seq_file *m, const struct wamp_row *r);
void wamp_seq_tail(struct seq_file *m, const struct wamp_snapshot *s);
#endif

#endif /* WAMP_INTERNAL_H */
