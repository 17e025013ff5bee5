/* SPDX-License-Identifier: GPL-2.0 */
#ifndef WAMP_INTERNAL_H
#define WAMP_INTERNAL_H

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/uidgid.h>
#include <asm/local64.h>
#include "wamp.h"

struct file;
struct pt_regs;

/* What one task (or the (other) row, or the totals) accumulated. */
struct wamp_counts {
	u64 writes;
	u64 write_bytes;
	u64 syncs;
	/* Room for the block-layer columns of format 1.1. */
	u64 blk_reqs;
	u64 blk_bytes;
};

#define WAMP_SLOT_USED	1u

/*
 * One slot of a CPU's table: 80 bytes.  A task is identified by its pid and
 * its start time, so a task that inherits a recycled pid never lands in a
 * dead task's slot.  Only the owning CPU writes a slot; @state is published
 * last with a release store, and readers on other CPUs acquire it first.
 */
struct wamp_slot {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	u32 state;
	char comm[WAMP_COMM_LEN];
	struct wamp_counts c;
};

/*
 * Per-CPU state.  @busy detects a probe nested inside a probe on the same
 * CPU (an interrupt, or a maintenance pass); the nested one counts only
 * into the local64 counters, which are interrupt-safe on the local CPU.
 */
struct wamp_cpu {
	unsigned int busy;
	unsigned int used;
	struct wamp_slot *slots;
	struct wamp_counts total;
	struct wamp_counts other;
	u64 overflow;
	u64 iov_fault;
	local64_t nested;
	local64_t nested_writes;
	local64_t nested_bytes;
	local64_t nested_syncs;
};

/* An event, as the probe classified it. */
enum wamp_event {
	WAMP_EV_NONE = 0,
	WAMP_EV_WRITE,		/* arg 2 is the byte count */
	WAMP_EV_WRITEV,		/* arg 1 the iovec array, arg 2 its length */
	WAMP_EV_SYNC,
};

/* A merged row, as a reader sees it. */
struct wamp_row {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	unsigned int flags;
	char comm[WAMP_COMM_LEN];
	struct wamp_counts c;
};

struct wamp_snapshot {
	struct wamp_counts total;
	struct wamp_counts other;
	u64 overflow;
	u64 nested;
	u64 iov_fault;
	unsigned int slots_used;
	unsigned int slots_cap;
	struct wamp_thresholds th;
	size_t nr_rows;
	struct wamp_row rows[];
};

/* params.c */
extern unsigned int wamp_table_size;
void wamp_params_thresholds(struct wamp_thresholds *t);
void wamp_params_set_loaded(bool loaded);

/* store.c */
int wamp_store_init(void);
void wamp_store_exit(void);
void wamp_store_account(enum wamp_event ev, u64 bytes, bool iov_fault);
void wamp_store_reset(void);
struct wamp_snapshot *wamp_store_snapshot(void);
void wamp_store_cpu_stats(int cpu, unsigned int *used, u64 *overflow,
			  u64 *nested);
size_t wamp_store_bytes_per_cpu(void);

/* probe.c */
void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id);

/* tp.c */
int wamp_tp_init(void);
void wamp_tp_exit(void);

/* procfs.c */
int wamp_procfs_init(void);
void wamp_procfs_exit(void);
int wamp_control(struct file *file, const char __user *ubuf, size_t len);

/* debugfs.c */
void wamp_debugfs_init(void);
void wamp_debugfs_exit(void);

#endif /* WAMP_INTERNAL_H */
