// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-CPU tables (module/table.[ch]), snapshots and the view
 * policy (module/snapshot.c, module/view.c).
 *
 * Events are counted by real tasks: kernel threads bound to a CPU, so the
 * table each one lands in, and whether it is alive, are known exactly.
 * Each case starts from a fresh store of 16 slots per CPU.
 */
#include <kunit/test.h>
#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include "owner.h"
#include "params.h"
#include "snapshot.h"
#include "stack.h"
#include "table.h"
#include "view.h"

#define WAMP_KT_TABLE	16

struct wamp_kt {
	struct task_struct *task;
	struct completion done;
	enum wamp_event ev;
	unsigned int n;
	u64 bytes;
	pid_t pid;
	u64 start_time;
};

/* A test thread that counted what it had to: say so, wait to be stopped. */
static int wamp_kt_park(struct wamp_kt *k)
{
	complete(&k->done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int wamp_kt_fn(void *arg)
{
	struct wamp_kt *k = arg;
	unsigned int i;

	k->pid = current->pid;
	k->start_time = current->start_time;
	for (i = 0; i < k->n; i++)
		wamp_store_account(k->ev, k->bytes, 0);
	return wamp_kt_park(k);
}

/* A thread on @cpu counts @n events of @bytes, then waits to be stopped. */
static void wamp_kt_run(struct kunit *test, struct wamp_kt *k, int cpu,
			unsigned int idx, enum wamp_event ev, unsigned int n,
			u64 bytes)
{
	k->ev = ev;
	k->n = n;
	k->bytes = bytes;
	init_completion(&k->done);
	k->task = kthread_create(wamp_kt_fn, k, "wamp_kt%u", idx);
	KUNIT_ASSERT_FALSE(test, IS_ERR(k->task));
	kthread_bind(k->task, cpu);
	wake_up_process(k->task);
	wait_for_completion(&k->done);
}

static void wamp_kt_stop(struct wamp_kt *k)
{
	if (k->task)
		kthread_stop(k->task);
	k->task = NULL;
}

static struct wamp_snapshot *wamp_snap_view(struct kunit *test,
					    const struct wamp_view *v)
{
	struct wamp_snapshot *s = wamp_snapshot_take(v);

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	return s;
}

static struct wamp_snapshot *wamp_snap(struct kunit *test)
{
	return wamp_snap_view(test, NULL);
}

static const struct wamp_row *wamp_find(const struct wamp_snapshot *s,
					pid_t pid, u64 start_time)
{
	size_t i;

	for (i = 0; i < s->nr_rows; i++)
		if (s->rows[i].pid == pid && s->rows[i].start_time == start_time)
			return &s->rows[i];
	return NULL;
}

/*
 * The cgroup rows and their (other) add up to the totals of the syscall
 * counters, and (@blk) of the block ones: the tests here count a block
 * event for a task and for a cgroup separately, as blk.c does.
 */
static void wamp_expect_cg_sums(struct kunit *test,
				const struct wamp_snapshot *s, bool blk)
{
	const int nr = blk ? WAMP_CG_NR : WAMP_TC_blk_reqs;
	struct wamp_cg_counts sum = s->cg_other;
	size_t i;
	int k;

	for (i = 0; i < s->nr_cgs; i++)
		for (k = 0; k < nr; k++)
			sum.cc[k] += s->cgs[i].c.cc[k];
	for (k = 0; k < nr; k++)
		KUNIT_EXPECT_EQ(test, sum.cc[k], s->total.tc[k]);
}

/* The rows, (other) and the folded exited rows add up to the totals. */
static void wamp_expect_sums(struct kunit *test, const struct wamp_snapshot *s)
{
	struct wamp_counts sum = s->other;
	size_t i;

	sum.writes += s->exited.writes;
	sum.write_bytes += s->exited.write_bytes;
	sum.syncs += s->exited.syncs;
	sum.blk_reqs += s->exited.blk_reqs;
	sum.blk_bytes += s->exited.blk_bytes;

	for (i = 0; i < s->nr_rows; i++) {
		sum.writes += s->rows[i].c.writes;
		sum.write_bytes += s->rows[i].c.write_bytes;
		sum.syncs += s->rows[i].c.syncs;
		sum.blk_reqs += s->rows[i].c.blk_reqs;
		sum.blk_bytes += s->rows[i].c.blk_bytes;
	}
	KUNIT_EXPECT_EQ(test, sum.writes, s->total.writes);
	KUNIT_EXPECT_EQ(test, sum.write_bytes, s->total.write_bytes);
	KUNIT_EXPECT_EQ(test, sum.syncs, s->total.syncs);
	KUNIT_EXPECT_EQ(test, sum.blk_reqs, s->total.blk_reqs);
	KUNIT_EXPECT_EQ(test, sum.blk_bytes, s->total.blk_bytes);
	wamp_expect_cg_sums(test, s, false);
}

static int wamp_store_test_init(struct kunit *test)
{
	wamp_table_size = WAMP_KT_TABLE;
	wamp_cg_size = WAMP_CG_SIZE_DEF;
	wamp_stack_size = WAMP_STACK_SIZE_DEF;
	return wamp_store_init();
}

static void wamp_store_test_exit(struct kunit *test)
{
	wamp_store_exit();
}

/* Every event kind lands in the task's row and the totals. */
static void wamp_store_test_events(struct kunit *test)
{
	struct wamp_snapshot *s;
	const struct wamp_row *r;

	/* Pinned: the row is the current task's slot on this CPU only. */
	preempt_disable();
	wamp_store_account(WAMP_EV_WRITE, 48, 0);
	wamp_store_account(WAMP_EV_WRITE, 48, 0);
	wamp_store_account(WAMP_EV_WRITE, 48, WAMP_ACC_IOV_FAULT);
	wamp_store_account(WAMP_EV_SYNC, 0, 0);
	wamp_store_account(WAMP_EV_BLK_RQ, 4096, 0);
	wamp_store_account(WAMP_EV_BLK_MERGE, 512, 0);
	preempt_enable();

	s = wamp_snap(test);
	KUNIT_ASSERT_EQ(test, s->nr_rows, 1);
	r = wamp_find(s, current->pid, current->start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->tgid, current->tgid);
	KUNIT_EXPECT_STREQ(test, r->comm, current->comm);
	KUNIT_EXPECT_TRUE(test, uid_eq(r->uid, current_uid()));
	KUNIT_EXPECT_EQ(test, r->c.writes, 3);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, 144);
	KUNIT_EXPECT_EQ(test, r->c.syncs, 1);
	KUNIT_EXPECT_EQ(test, r->c.blk_reqs, 1);
	KUNIT_EXPECT_EQ(test, r->c.blk_bytes, 4608);
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, 0);
	KUNIT_EXPECT_EQ(test, s->slots_used, 1);
	KUNIT_EXPECT_EQ(test, s->slots_cap, num_possible_cpus() * WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, s->iov_fault, 1);
	KUNIT_EXPECT_EQ(test, s->overflow, 0);
	KUNIT_EXPECT_EQ(test, s->other.writes, 0);
	wamp_expect_sums(test, s);
	wamp_snapshot_free(s);
}

/* Eight tasks on one CPU: eight rows, each exact, in pid order. */
static void wamp_store_test_tasks(struct kunit *test)
{
	struct wamp_kt *k = kunit_kcalloc(test, 8, sizeof(*k), GFP_KERNEL);
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	char comm[WAMP_COMM_LEN];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, k);
	for (i = 0; i < 8; i++)
		wamp_kt_run(test, &k[i], 0, i, WAMP_EV_WRITE, i + 1, 10 * (i + 1));
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 8);
	KUNIT_EXPECT_EQ(test, s->slots_used, 8);
	for (i = 0; i < 8; i++) {
		r = wamp_find(s, k[i].pid, k[i].start_time);
		KUNIT_ASSERT_NOT_NULL(test, r);
		snprintf(comm, sizeof(comm), "wamp_kt%u", i);
		KUNIT_EXPECT_STREQ(test, r->comm, comm);
		KUNIT_EXPECT_EQ(test, r->c.writes, i + 1);
		KUNIT_EXPECT_EQ(test, r->c.write_bytes, 10ull * (i + 1) * (i + 1));
		KUNIT_EXPECT_EQ(test, r->flags, 0);
	}
	for (i = 1; i < s->nr_rows; i++)
		KUNIT_EXPECT_LT(test, s->rows[i - 1].pid, s->rows[i].pid);
	KUNIT_EXPECT_EQ(test, s->total.writes, 36);
	KUNIT_EXPECT_EQ(test, s->total.write_bytes, 2040);
	wamp_expect_sums(test, s);
	wamp_snapshot_free(s);
	for (i = 0; i < 8; i++)
		wamp_kt_stop(&k[i]);
}

/*
 * A full table: 40 tasks on CPU 0 with 16 slots.  The first 16 get rows,
 * the other 24 count in (other) and in overflow (per event), the totals
 * count everything.
 */
static void wamp_store_test_full(struct kunit *test)
{
	struct wamp_kt *k;
	struct wamp_snapshot *s;
	unsigned int i, used = 0;
	u64 overflow = 0, nested = 0;

	k = kunit_kcalloc(test, 40, sizeof(*k), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	for (i = 0; i < 40; i++)
		wamp_kt_run(test, &k[i], 0, i, WAMP_EV_WRITE, 2, 7);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, s->slots_used, WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, s->overflow, 48);
	KUNIT_EXPECT_EQ(test, s->other.writes, 48);
	KUNIT_EXPECT_EQ(test, s->other.write_bytes, 336);
	KUNIT_EXPECT_EQ(test, s->total.writes, 80);
	KUNIT_EXPECT_EQ(test, s->total.write_bytes, 560);
	for (i = 0; i < 16; i++) {
		KUNIT_EXPECT_NOT_NULL(test, wamp_find(s, k[i].pid, k[i].start_time));
		KUNIT_EXPECT_EQ(test, s->rows[i].c.writes, 2);
	}
	wamp_expect_sums(test, s);
	wamp_store_cpu_stats(0, &used, &overflow, &nested);
	KUNIT_EXPECT_EQ(test, used, WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, overflow, 48);
	KUNIT_EXPECT_EQ(test, nested, 0);
	wamp_snapshot_free(s);
	for (i = 0; i < 40; i++)
		wamp_kt_stop(&k[i]);
}

/*
 * A full table of exited tasks: a new task takes over one of their slots
 * and the exited task's counts are folded, not lost; a table full of live
 * tasks sends the new one to (other).
 */
static void wamp_store_test_fold(struct wamp_kt *k, struct kunit *test,
				 bool stop)
{
	struct wamp_kt *late = &k[WAMP_KT_TABLE];
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	unsigned int i;

	for (i = 0; i < WAMP_KT_TABLE; i++) {
		wamp_kt_run(test, &k[i], 0, i, WAMP_EV_WRITE, 3, 5);
		if (stop)
			wamp_kt_stop(&k[i]);
	}
	wamp_kt_run(test, late, 0, WAMP_KT_TABLE, WAMP_EV_WRITE, 7, 11);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->slots_used, WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, s->nr_rows, WAMP_KT_TABLE);
	KUNIT_EXPECT_EQ(test, s->total.writes, 3 * WAMP_KT_TABLE + 7);
	r = wamp_find(s, late->pid, late->start_time);
	if (stop) {
		KUNIT_ASSERT_NOT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, r->c.writes, 7);
		KUNIT_EXPECT_EQ(test, r->c.write_bytes, 77);
		KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, 0);
		KUNIT_EXPECT_EQ(test, s->folded, 1);
		KUNIT_EXPECT_EQ(test, s->exited.writes, 3);
		KUNIT_EXPECT_EQ(test, s->exited.write_bytes, 15);
		KUNIT_EXPECT_EQ(test, s->overflow, 0);
	} else {
		KUNIT_EXPECT_NULL(test, r);
		KUNIT_EXPECT_EQ(test, s->folded, 0);
		KUNIT_EXPECT_EQ(test, s->overflow, 7);
		KUNIT_EXPECT_EQ(test, s->other.write_bytes, 77);
	}
	wamp_expect_sums(test, s);
	wamp_snapshot_free(s);
	for (i = 0; i <= WAMP_KT_TABLE; i++)
		wamp_kt_stop(&k[i]);
}

static void wamp_store_test_fold_exited(struct kunit *test)
{
	struct wamp_kt *k = kunit_kcalloc(test, WAMP_KT_TABLE + 1, sizeof(*k),
					  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	wamp_store_test_fold(k, test, true);
}

static void wamp_store_test_fold_live(struct kunit *test)
{
	struct wamp_kt *k = kunit_kcalloc(test, WAMP_KT_TABLE + 1, sizeof(*k),
					  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, k);
	wamp_store_test_fold(k, test, false);
}

/* WAMP_ACC_OTHER: no task to charge, only (other) and the totals. */
static void wamp_store_test_other(struct kunit *test)
{
	struct wamp_snapshot *s;

	wamp_store_account(WAMP_EV_BLK_RQ, 8192, WAMP_ACC_OTHER);
	wamp_store_account(WAMP_EV_BLK_MERGE, 4096, WAMP_ACC_OTHER);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 0);
	KUNIT_EXPECT_EQ(test, s->slots_used, 0);
	KUNIT_EXPECT_EQ(test, s->overflow, 0);
	KUNIT_EXPECT_EQ(test, s->other.blk_reqs, 1);
	KUNIT_EXPECT_EQ(test, s->other.blk_bytes, 12288);
	KUNIT_EXPECT_EQ(test, s->total.blk_bytes, 12288);
	wamp_snapshot_free(s);
}

/* A task that exited keeps its row and counts, flagged EXITED. */
static void wamp_store_test_exited(struct kunit *test)
{
	struct wamp_kt live = {}, gone = {};
	struct wamp_snapshot *s;
	const struct wamp_row *r;

	wamp_kt_run(test, &live, 0, 0, WAMP_EV_WRITE, 5, 100);
	wamp_kt_run(test, &gone, 0, 1, WAMP_EV_SYNC, 3, 0);
	wamp_kt_stop(&gone);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 2);
	r = wamp_find(s, live.pid, live.start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, 0);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, 500);
	r = wamp_find(s, gone.pid, gone.start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, WAMP_F_EXITED);
	KUNIT_EXPECT_EQ(test, r->c.syncs, 3);
	wamp_snapshot_free(s);
	wamp_kt_stop(&live);
}

/*
 * A recycled pid: a slot left by an earlier task with the same pid (same
 * pid, another start time) is never reused by the new task, and the two
 * stay two rows; the earlier one reads as exited.
 */
static void wamp_store_test_pid_reuse(struct kunit *test)
{
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	struct wamp_cpu *c;
	unsigned int i, hits = 0;

	preempt_disable();
	for (i = 0; i < 5; i++)
		wamp_store_account(WAMP_EV_WRITE, 10, 0);
	/* Turn this slot into a dead task's: same pid, an earlier start. */
	c = this_cpu_ptr(wamp_cpus);
	for (i = 0; i < WAMP_KT_TABLE; i++) {
		if (c->slots[i].state && c->slots[i].pid == current->pid) {
			c->slots[i].start_time = current->start_time - 1;
			hits++;
		}
	}
	for (i = 0; i < 3; i++)
		wamp_store_account(WAMP_EV_WRITE, 20, 0);
	preempt_enable();
	KUNIT_ASSERT_EQ(test, hits, 1);

	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 2);
	KUNIT_EXPECT_EQ(test, s->slots_used, 2);
	r = wamp_find(s, current->pid, current->start_time - 1);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c.writes, 5);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, 50);
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, WAMP_F_EXITED);
	r = wamp_find(s, current->pid, current->start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c.writes, 3);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, 60);
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, 0);
	wamp_snapshot_free(s);
}

/* Reset empties every CPU's table and counters; counting goes on. */
static void wamp_store_test_reset(struct kunit *test)
{
	struct wamp_kt k = {};
	struct wamp_snapshot *s;
	int cpu = cpumask_last(cpu_online_mask);

	wamp_kt_run(test, &k, cpu, 0, WAMP_EV_WRITE, 4, 1);
	wamp_store_account(WAMP_EV_BLK_RQ, 512, WAMP_ACC_OTHER);
	wamp_store_reset();
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 0);
	KUNIT_EXPECT_EQ(test, s->slots_used, 0);
	KUNIT_EXPECT_EQ(test, s->total.writes, 0);
	KUNIT_EXPECT_EQ(test, s->total.blk_bytes, 0);
	KUNIT_EXPECT_EQ(test, s->other.blk_reqs, 0);
	wamp_snapshot_free(s);

	wamp_store_account(WAMP_EV_SYNC, 0, 0);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 1);
	KUNIT_EXPECT_EQ(test, s->total.syncs, 1);
	wamp_snapshot_free(s);
	wamp_kt_stop(&k);
}

/* One task counting on every online CPU: one row, the sum. */
static void wamp_store_test_cpus(struct kunit *test)
{
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	unsigned int n = 0, used;
	u64 want = 0, overflow, nested;
	int cpu, i, ret;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	for_each_online_cpu(cpu) {
		ret = set_cpus_allowed_ptr(current, cpumask_of(cpu));
		KUNIT_ASSERT_EQ(test, ret, 0);
		preempt_disable();
		KUNIT_EXPECT_EQ(test, smp_processor_id(), cpu);
		for (i = 0; i <= cpu; i++)
			wamp_store_account(WAMP_EV_WRITE, 1000, 0);
		preempt_enable();
		want += cpu + 1;
		n++;
	}
	set_cpus_allowed_ptr(current, cpu_possible_mask);

	for_each_online_cpu(cpu) {
		wamp_store_cpu_stats(cpu, &used, &overflow, &nested);
		KUNIT_EXPECT_EQ(test, used, 1);
	}
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 1);
	KUNIT_EXPECT_EQ(test, s->slots_used, n);
	r = wamp_find(s, current->pid, current->start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c.writes, want);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, want * 1000);
	wamp_expect_sums(test, s);
	wamp_snapshot_free(s);
}

/*
 * A probe that interrupts a probe on the same CPU counts into the nested
 * counters: the totals and (other), never a slot.
 */
static void wamp_store_test_nested(struct kunit *test)
{
	struct wamp_snapshot *s;
	struct wamp_cpu *c;

	preempt_disable();
	c = this_cpu_ptr(wamp_cpus);
	c->busy++;
	wamp_store_account(WAMP_EV_WRITE, 100, 0);
	wamp_store_account(WAMP_EV_BLK_RQ, 4096, 0);
	c->busy--;
	preempt_enable();

	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nested, 2);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 0);
	KUNIT_EXPECT_EQ(test, s->total.writes, 1);
	KUNIT_EXPECT_EQ(test, s->total.write_bytes, 100);
	KUNIT_EXPECT_EQ(test, s->total.blk_reqs, 1);
	KUNIT_EXPECT_EQ(test, s->other.blk_bytes, 4096);
	/* The nested syscall is its cgroup's (other) too; no cgroup row. */
	KUNIT_EXPECT_EQ(test, s->nr_cgs, 0);
	KUNIT_EXPECT_EQ(test, s->cg_other.cc[WAMP_TC_writes], 1);
	KUNIT_EXPECT_EQ(test, s->cg_other.cc[WAMP_TC_write_bytes], 100);
	wamp_expect_sums(test, s);
	wamp_snapshot_free(s);
}

/*
 * The cgroup table: a syscall counts for current's cgroup, through the
 * slot's cached entry the second time; a bio for the cgroup given, or
 * (other) without one; the task row names the cgroup; a reset empties the
 * table (and drops its references: the cgroups here are the root and
 * current's, which never go, so only the emptying is seen).
 */
static void wamp_store_test_cgroup(struct kunit *test)
{
	struct wamp_slot *slot = NULL;
	const struct wamp_row *r;
	struct wamp_snapshot *s;
	struct cgroup *cgrp;
	struct wamp_cg *cge;
	struct wamp_cpu *c;
	u64 id;
	u32 i;

	/* A kthread's: the root, which never goes. */
	rcu_read_lock();
	cgrp = task_dfl_cgroup(current);
	rcu_read_unlock();
	id = cgroup_id(cgrp);

	wamp_store_account(WAMP_EV_WRITE, 100, 0);
	wamp_store_account(WAMP_EV_WRITE, 20, 0);
	wamp_store_account(WAMP_EV_SYNC, 0, 0);
	wamp_store_cg_bio(cgrp, WAMP_EV_BLK_RQ, 4096);
	wamp_store_cg_bio(cgrp, WAMP_EV_BLK_MERGE, 512);
	wamp_store_cg_bio(NULL, WAMP_EV_BLK_RQ, 8192);
	/* A bio's cgroup part nested in a probe: (other). */
	preempt_disable();
	this_cpu_ptr(wamp_cpus)->busy++;
	wamp_store_cg_bio(cgrp, WAMP_EV_BLK_MERGE, 1024);
	this_cpu_ptr(wamp_cpus)->busy--;
	preempt_enable();
	/* What blk.c counts for the tasks, for the sums. */
	wamp_store_account(WAMP_EV_BLK_RQ, 4096, 0);
	wamp_store_account(WAMP_EV_BLK_MERGE, 512, 0);
	wamp_store_account(WAMP_EV_BLK_RQ, 8192, 0);
	wamp_store_account(WAMP_EV_BLK_MERGE, 1024, 0);
	s = wamp_snap(test);
	KUNIT_ASSERT_EQ(test, s->nr_cgs, 1);
	KUNIT_EXPECT_EQ(test, s->cgs[0].id, id);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_writes], 2);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_write_bytes], 120);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_syncs], 1);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_blk_reqs], 1);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_blk_bytes], 4608);
	KUNIT_EXPECT_EQ(test, s->cgs[0].flags, 0);
	KUNIT_EXPECT_EQ(test, s->cg_other.cc[WAMP_TC_blk_reqs], 1);
	KUNIT_EXPECT_EQ(test, s->cg_other.cc[WAMP_TC_blk_bytes], 8192 + 1024);
	wamp_expect_cg_sums(test, s, true);
	KUNIT_EXPECT_EQ(test, s->cg_overflow, 0);
	KUNIT_EXPECT_GE(test, s->cg_used, 1);
	KUNIT_EXPECT_STREQ(test, s->cg_io, wamp_cg_io());
	r = wamp_find(s, current->pid, current->start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->cgid, id);
	wamp_snapshot_free(s);

	wamp_store_reset();
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_cgs, 0);
	KUNIT_EXPECT_EQ(test, s->cg_used, 0);
	KUNIT_EXPECT_EQ(test, s->cg_other.cc[WAMP_TC_blk_bytes], 0);
	wamp_snapshot_free(s);
	/* The slot's cached entry went with the reset: counted anew. */
	wamp_store_account(WAMP_EV_WRITE, 7, 0);
	s = wamp_snap(test);
	KUNIT_ASSERT_EQ(test, s->nr_cgs, 1);
	KUNIT_EXPECT_EQ(test, s->cgs[0].c.cc[WAMP_TC_write_bytes], 7);
	wamp_snapshot_free(s);

	/* The slot keeps its CPU's entry: no lookup while the task stays. */
	preempt_disable();
	wamp_store_account(WAMP_EV_WRITE, 1, 0);
	c = this_cpu_ptr(wamp_cpus);
	for (i = 0; i <= c->mask; i++)
		if (c->slots[i].state && c->slots[i].pid == current->pid &&
		    c->slots[i].start_time == current->start_time)
			slot = &c->slots[i];
	cge = slot ? slot->cge : NULL;
	preempt_enable();
	KUNIT_EXPECT_NOT_NULL(test, slot);
	KUNIT_EXPECT_NOT_NULL(test, cge);
	KUNIT_EXPECT_PTR_EQ(test, cge ? cge->cgrp : NULL, cgrp);
}

/* Device entries: one per disk and CPU, 32 at most, then dev_overflow. */
static void wamp_store_test_devs(struct kunit *test)
{
	struct wamp_dev **d, *again;
	struct gendisk *disks;
	struct wamp_snapshot *s;
	unsigned int i;

	disks = kunit_kcalloc(test, WAMP_DEV_MAX + 1, sizeof(*disks), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, disks);
	d = kunit_kcalloc(test, WAMP_DEV_MAX + 1, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	for (i = 0; i <= WAMP_DEV_MAX; i++) {
		disks[i].major = 250;
		disks[i].first_minor = WAMP_DEV_MAX - i;
		snprintf(disks[i].disk_name, sizeof(disks[i].disk_name),
			 "wampd%u", WAMP_DEV_MAX - i);
	}
	preempt_disable();
	for (i = 0; i <= WAMP_DEV_MAX; i++) {
		d[i] = wamp_store_dev(&disks[i]);
		if (d[i]) {
			local64_add(i + 1, &d[i]->write_reqs);
			local64_add(4096 * (i + 1), &d[i]->write_bytes);
		}
	}
	again = wamp_store_dev(&disks[3]);
	KUNIT_EXPECT_PTR_EQ(test, again, d[3]);
	KUNIT_EXPECT_NULL(test, wamp_store_dev(NULL));
	preempt_enable();
	for (i = 0; i < WAMP_DEV_MAX; i++)
		KUNIT_EXPECT_NOT_NULL(test, d[i]);
	KUNIT_EXPECT_NULL(test, d[WAMP_DEV_MAX]);

	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_devs, WAMP_DEV_MAX);
	KUNIT_EXPECT_EQ(test, s->dev_overflow, 2);
	for (i = 0; i < s->nr_devs; i++) {
		/*
		 * Sorted by devt: minors 1..32 (minor 0, the last disk, found
		 * the table full); disk j has minor 32 - j and j + 1 requests.
		 */
		KUNIT_EXPECT_EQ(test, s->devs[i].devt, MKDEV(250, i + 1));
		KUNIT_EXPECT_EQ(test, s->devs[i].write_reqs, WAMP_DEV_MAX - i);
		KUNIT_EXPECT_EQ(test, s->devs[i].write_bytes,
				4096ull * (WAMP_DEV_MAX - i));
	}
	KUNIT_EXPECT_STREQ(test, s->devs[1].name, "wampd2");
	wamp_snapshot_free(s);
}

/* Set the uid of the task @pid's slots on CPU @cpu (the task is idle). */
static void wamp_cpu_set_uid(int cpu, pid_t pid, kuid_t uid)
{
	struct wamp_cpu *c = per_cpu_ptr(wamp_cpus, cpu);
	unsigned int i;

	for (i = 0; i < WAMP_KT_TABLE; i++)
		if (c->slots[i].state && c->slots[i].pid == pid)
			c->slots[i].uid = uid;
}

/* The same on every CPU. */
static void wamp_set_uid(pid_t pid, kuid_t uid)
{
	int cpu;

	for_each_possible_cpu(cpu)
		wamp_cpu_set_uid(cpu, pid, uid);
}

static size_t wamp_view_rows(struct kunit *test, const struct wamp_view *v,
			     u64 *total_writes)
{
	struct wamp_snapshot *s = wamp_snap_view(test, v);
	size_t n;

	n = s->nr_rows;
	*total_writes = s->total.writes;
	wamp_snapshot_free(s);
	return n;
}

/*
 * A reader without CAP_SYS_ADMIN sees the rows of its own uid only: a live
 * task's uid is the one of its credentials now (these threads are root's,
 * whatever their slots recorded), an exited task's the one its slot
 * recorded; a row whose task changed identity (INVALID_UID) only a
 * privileged one sees.  The totals are the same for everybody.
 */
static void wamp_store_test_view_uid(struct kunit *test)
{
	struct wamp_view user = { .ns = &init_pid_ns, .uid = KUIDT_INIT(1000) };
	struct wamp_view root = { .ns = &init_pid_ns, .uid = GLOBAL_ROOT_UID };
	struct wamp_view admin = { .ns = &init_pid_ns, .all_uids = true,
				   .uid = KUIDT_INIT(1000) };
	struct wamp_kt a = {}, b = {};
	struct wamp_snapshot *s;
	u64 total;

	wamp_kt_run(test, &a, 0, 0, WAMP_EV_WRITE, 2, 1);
	wamp_kt_run(test, &b, 0, 1, WAMP_EV_WRITE, 3, 1);
	/* Live: the recorded uid does not matter, the credentials do. */
	wamp_set_uid(b.pid, KUIDT_INIT(1000));
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &user, &total), 0);
	KUNIT_EXPECT_EQ(test, total, 5);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 2);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &admin, &total), 2);
	/* Exited: the recorded uid decides. */
	wamp_kt_stop(&b);
	s = wamp_snap_view(test, &user);
	KUNIT_ASSERT_EQ(test, s->nr_rows, 1);
	KUNIT_EXPECT_EQ(test, s->rows[0].pid, b.pid);
	KUNIT_EXPECT_EQ(test, s->total.writes, 5);
	wamp_snapshot_free(s);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 1);
	wamp_set_uid(b.pid, INVALID_UID);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &user, &total), 0);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 1);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &admin, &total), 2);
	wamp_kt_stop(&a);
}

/* A thread that counts one write on each online CPU, then waits. */
static int wamp_kt_every_cpu(void *arg)
{
	struct wamp_kt *k = arg;
	int cpu;

	k->pid = current->pid;
	k->start_time = current->start_time;
	for_each_online_cpu(cpu) {
		if (set_cpus_allowed_ptr(current, cpumask_of(cpu)))
			continue;
		wamp_store_account(WAMP_EV_WRITE, 1, 0);
		k->n++;
	}
	return wamp_kt_park(k);
}

/* The slot of @pid on @cpu, or NULL. */
static struct wamp_slot *wamp_cpu_slot(int cpu, pid_t pid)
{
	struct wamp_cpu *c = per_cpu_ptr(wamp_cpus, cpu);
	unsigned int i;

	for (i = 0; i < WAMP_KT_TABLE; i++)
		if (c->slots[i].state && c->slots[i].pid == pid)
			return &c->slots[i];
	return NULL;
}

/*
 * The parts of one exited task on two CPUs: of one exec and disagreeing on
 * the uid, the row is for privileged readers only; the part of the later
 * exec gives the row its uid and name.
 */
static void wamp_store_test_view_merge(struct kunit *test)
{
	struct wamp_view root = { .ns = &init_pid_ns, .uid = GLOBAL_ROOT_UID };
	struct wamp_view user = { .ns = &init_pid_ns, .uid = KUIDT_INIT(1000) };
	struct wamp_kt k = {};
	struct wamp_slot *p0 = NULL, *p1 = NULL;
	struct wamp_snapshot *s;
	u64 total;
	int cpu;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	init_completion(&k.done);
	k.task = kthread_run(wamp_kt_every_cpu, &k, "wamp_ktm");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k.task));
	wait_for_completion(&k.done);
	KUNIT_ASSERT_EQ(test, k.n, num_online_cpus());
	wamp_kt_stop(&k);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 1);
	for_each_online_cpu(cpu) {
		if (!p0)
			p0 = wamp_cpu_slot(cpu, k.pid);
		else if (!p1)
			p1 = wamp_cpu_slot(cpu, k.pid);
	}
	KUNIT_ASSERT_NOT_NULL(test, p0);
	KUNIT_ASSERT_NOT_NULL(test, p1);
	p0->uid = KUIDT_INIT(1000);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 0);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &user, &total), 0);
	KUNIT_EXPECT_EQ(test, total, num_online_cpus());
	/* p0 was refreshed by a later exec: its uid and name win. */
	p0->exec_id++;
	strscpy(p0->comm, "wamp_new", sizeof(p0->comm));
	s = wamp_snap_view(test, &user);
	KUNIT_ASSERT_EQ(test, s->nr_rows, 1);
	KUNIT_EXPECT_STREQ(test, s->rows[0].comm, "wamp_new");
	KUNIT_EXPECT_EQ(test, s->rows[0].c.writes, num_online_cpus());
	KUNIT_EXPECT_EQ(test, s->rows[0].flags & WAMP_F_EXITED, WAMP_F_EXITED);
	wamp_snapshot_free(s);
	KUNIT_EXPECT_EQ(test, wamp_view_rows(test, &root, &total), 0);
}

/* A thread that counts a write, "execs" (a new name and exec id), counts. */
static int wamp_kt_exec(void *arg)
{
	struct wamp_kt *k = arg;

	k->pid = current->pid;
	k->start_time = current->start_time;
	wamp_store_account(WAMP_EV_WRITE, 10, 0);
	strscpy_pad(current->comm, "wamp_after", sizeof(current->comm));
	WRITE_ONCE(current->self_exec_id, current->self_exec_id + 1);
	wamp_store_account(WAMP_EV_WRITE, 20, 0);
	return wamp_kt_park(k);
}

/*
 * A task is named as it is now while it lives, and by its last exec once
 * it has exited: the slot follows an exec at the task's next event.
 */
static void wamp_store_test_exec_renames(struct kunit *test)
{
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	struct wamp_kt k = {};

	init_completion(&k.done);
	k.task = kthread_create(wamp_kt_exec, &k, "wamp_before");
	KUNIT_ASSERT_FALSE(test, IS_ERR(k.task));
	kthread_bind(k.task, 0);
	wake_up_process(k.task);
	wait_for_completion(&k.done);
	s = wamp_snap(test);
	r = wamp_find(s, k.pid, k.start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->comm, "wamp_after");
	KUNIT_EXPECT_EQ(test, r->c.writes, 2);
	KUNIT_EXPECT_EQ(test, r->c.write_bytes, 30);
	wamp_snapshot_free(s);
	KUNIT_ASSERT_NOT_NULL(test, wamp_cpu_slot(0, k.pid));
	KUNIT_EXPECT_STREQ(test, wamp_cpu_slot(0, k.pid)->comm, "wamp_after");
	wamp_kt_stop(&k);
	s = wamp_snap(test);
	r = wamp_find(s, k.pid, k.start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->comm, "wamp_after");
	KUNIT_EXPECT_EQ(test, r->flags & WAMP_F_EXITED, WAMP_F_EXITED);
	wamp_snapshot_free(s);
}

/*
 * A device entry is read once it is named: one claimed but not named yet
 * (its claimer interrupted between the two) is not shown with an empty or
 * partial name.
 */
static void wamp_store_test_dev_unnamed(struct kunit *test)
{
	struct wamp_cpu *c = per_cpu_ptr(wamp_cpus, 0);
	struct wamp_snapshot *s;

	WRITE_ONCE(c->devs[0].devt, MKDEV(251, 7));
	local64_add(4096, &c->devs[0].write_bytes);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_devs, 0);
	wamp_snapshot_free(s);
	strscpy(c->devs[0].name, "wampx", sizeof(c->devs[0].name));
	smp_store_release(&c->devs[0].named, 1);	/* as wamp_store_dev() */
	s = wamp_snap(test);
	KUNIT_ASSERT_EQ(test, s->nr_devs, 1);
	KUNIT_EXPECT_STREQ(test, s->devs[0].name, "wampx");
	KUNIT_EXPECT_EQ(test, s->devs[0].write_bytes, 4096);
	wamp_snapshot_free(s);
}

/* table_size is rounded up to a power of two; the memory follows it. */
static void wamp_store_test_sizes(struct kunit *test)
{
	int cpu;

	wamp_store_exit();
	wamp_table_size = WAMP_KT_TABLE + 1;
	wamp_cg_size = 17;
	wamp_stack_size = 17;
	KUNIT_ASSERT_EQ(test, wamp_store_init(), 0);
	KUNIT_EXPECT_EQ(test, wamp_stack_size, 32);
	KUNIT_EXPECT_EQ(test, wamp_table_size, 32);
	KUNIT_EXPECT_EQ(test, wamp_bits, 5);
	KUNIT_EXPECT_EQ(test, wamp_cg_size, 32);
	KUNIT_EXPECT_EQ(test, wamp_cg_bits, 5);
	/* 66 bytes per cgroup entry: itself, its index, a reset's pointer. */
	KUNIT_EXPECT_EQ(test, wamp_store_bytes_per_cpu(),
			sizeof(struct wamp_cpu) + 32 * sizeof(struct wamp_slot) +
			32 * sizeof(u16) + WAMP_DEV_MAX * sizeof(struct wamp_dev) +
			32 * 66 + WAMP_CG_DEAD * sizeof(void *) +
			32 * sizeof(struct wamp_stack));
	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(wamp_cpus, cpu)->mask, 31);
		KUNIT_EXPECT_EQ(test, per_cpu_ptr(wamp_cpus, cpu)->hash_shift,
				27);
	}
	KUNIT_EXPECT_EQ(test, sizeof(struct wamp_slot), 368);
	KUNIT_EXPECT_EQ(test, sizeof(struct wamp_stack), 320);
	KUNIT_EXPECT_EQ(test, sizeof(struct wamp_cg), 56);
}

/*
 * A bio written back for another task: charged to that task's identity,
 * with a slot claimed for it even though it is not running (here: never
 * was), as blk and wb bytes; the submitter gains nothing.
 */
static void wamp_store_test_account_for(struct kunit *test)
{
	struct wamp_ident id = {
		.start_time = 1, .pid = 999999, .tgid = 999999,
		.uid = GLOBAL_ROOT_UID, .exec_id = 7, .comm = "dirtier",
	};
	struct wamp_snapshot *s;
	const struct wamp_row *r;

	wamp_store_account_for(&id, WAMP_EV_WB_RQ, 8192, 0);
	wamp_store_account_for(&id, WAMP_EV_WB_MERGE, 4096, 0);
	wamp_store_account_for(&id, WAMP_EV_JRNL_RQ, 4096, 0);
	wamp_store_account_for(&id, WAMP_EV_JRNL_MERGE, 512, 0);
	s = wamp_snap(test);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 1);
	r = wamp_find(s, 999999, 1);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_STREQ(test, r->comm, "dirtier");
	KUNIT_EXPECT_TRUE(test, r->flags & WAMP_F_EXITED);
	KUNIT_EXPECT_EQ(test, r->c.blk_reqs, 2);
	KUNIT_EXPECT_EQ(test, r->c.blk_bytes, 16896);
	KUNIT_EXPECT_EQ(test, r->c.wb_bytes, 12288);
	KUNIT_EXPECT_EQ(test, r->c.jrnl_bytes, 4608);
	KUNIT_EXPECT_EQ(test, s->total.blk_bytes, 16896);
	wamp_snapshot_free(s);
}

/*
 * The write-size histogram and the I/O classes: each write in its log2
 * bucket (the inline bucket of the hot path is wamp.h's), each bio's bytes
 * in its class; both add up to the row's writes and blk_bytes, in the
 * row and in the totals.
 */
static void wamp_store_test_hist_classes(struct kunit *test)
{
	static const u64 sizes[] = {
		0, 1, 40, 4095, 4096, (1 << 20) - 1, 1 << 20, (1 << 21) + 5,
	};
	struct wamp_snapshot *s;
	const struct wamp_row *r;
	u64 v, sum = 0, io = 0;
	unsigned int k;
	size_t i;

	for (k = 0; k < 64; k++) {
		for (v = (1ULL << k) - 1; v <= (1ULL << k) + 1 && v; v++)
			KUNIT_EXPECT_EQ(test, wamp_event_hist(WAMP_EV_WRITE, v),
					WAMP_TC_NR + (int)wamp_hist_bucket(v));
	}
	KUNIT_EXPECT_EQ(test, wamp_event_hist(WAMP_EV_WRITE, 0), WAMP_TC_NR);
	KUNIT_EXPECT_EQ(test, wamp_hist_bucket(U64_MAX), WAMP_HIST_NR - 1);
	KUNIT_EXPECT_EQ(test, wamp_hist_lower(6), 32);
	KUNIT_EXPECT_EQ(test, wamp_hist_lower(WAMP_HIST_NR - 1), 1 << 20);
	KUNIT_EXPECT_EQ(test, wamp_event_hist(WAMP_EV_SYNC, 40), -1);
	KUNIT_EXPECT_EQ(test, wamp_event_class(WAMP_EV_WRITE, 0), -1);
	KUNIT_EXPECT_EQ(test, wamp_event_class(WAMP_EV_DIRTY, 0), -1);

	preempt_disable();
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		wamp_store_account(WAMP_EV_WRITE, sizes[i], 0);
	wamp_store_account(WAMP_EV_BLK_RQ, 4096,
			   WAMP_ACC_CLASS(WAMP_IO_direct));
	wamp_store_account(WAMP_EV_BLK_MERGE, 512,
			   WAMP_ACC_CLASS(WAMP_IO_fsync));
	wamp_store_account(WAMP_EV_BLK_RQ, 8192,
			   WAMP_ACC_CLASS(WAMP_IO_other) | WAMP_ACC_OTHER);
	preempt_enable();
	s = wamp_snap(test);
	r = wamp_find(s, current->pid, current->start_time);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->c.writes, ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, r->c.hist[0], 1);
	KUNIT_EXPECT_EQ(test, r->c.hist[1], 1);
	KUNIT_EXPECT_EQ(test, r->c.hist[6], 1);	/* 32..63 */
	KUNIT_EXPECT_EQ(test, r->c.hist[12], 1);	/* 2048..4095 */
	KUNIT_EXPECT_EQ(test, r->c.hist[13], 1);	/* 4096.. */
	KUNIT_EXPECT_EQ(test, r->c.hist[20], 1);	/* ..1 MiB - 1 */
	KUNIT_EXPECT_EQ(test, r->c.hist[WAMP_HIST_NR - 1], 2);
	for (k = 0; k < WAMP_HIST_NR; k++) {
		sum += r->c.hist[k];
		KUNIT_EXPECT_EQ(test, s->total.hist[k], r->c.hist[k]);
	}
	KUNIT_EXPECT_EQ(test, sum, r->c.writes);
	KUNIT_EXPECT_EQ(test, r->c.io_direct, 4096);
	KUNIT_EXPECT_EQ(test, r->c.io_fsync, 512);
	KUNIT_EXPECT_EQ(test, s->other.io_other, 8192);
	for (k = 0; k < WAMP_IO_NR; k++)
		io += r->c.tc[WAMP_TC_io_fsync + k];
	KUNIT_EXPECT_EQ(test, io, r->c.blk_bytes);
	KUNIT_EXPECT_EQ(test, s->total.io_direct + s->total.io_fsync +
			s->total.io_other, s->total.blk_bytes);
	wamp_snapshot_free(s);
}

/* A stack noted from one call site (a macro: each use is a site). */
#define WAMP_NOTE_HERE(id, bytes)					\
	wamp_store_account_for((id), WAMP_EV_BLK_RQ, (bytes),		\
			       WAMP_ACC_STACK | WAMP_ACC_CLASS(WAMP_IO_sync))

/*
 * Stack entries: one per (task, class, stack), bios and bytes added up;
 * a full table counts overflows; a reset empties it.
 */
static void wamp_store_test_stacks(struct kunit *test)
{
	struct wamp_ident id = {
		.start_time = 1, .pid = 777777, .tgid = 777777,
		.uid = GLOBAL_ROOT_UID, .comm = "stacker",
	};
	struct wamp_stack_table *t;
	unsigned int i;
	u64 lost;

	preempt_disable();
	t = &this_cpu_ptr(wamp_cpus)->stk;
	for (i = 0; i < 3; i++)
		WAMP_NOTE_HERE(&id, 4096);
	KUNIT_EXPECT_EQ(test, t->used, 1);
	/*
	 * Another call site here is the same stack: wamp's own frames (this
	 * suite's too, in wamp_kunit.ko) are left out, from the first
	 * kernel frame on (KUnit's runner) the stacks are the same.
	 */
	WAMP_NOTE_HERE(&id, 512);
	KUNIT_EXPECT_EQ(test, t->used, 1);
	for (i = 0; i < wamp_stack_size; i++) {
		if (!t->e[i].hash)
			continue;
		KUNIT_EXPECT_EQ(test, t->e[i].bios, 4);
		KUNIT_EXPECT_EQ(test, t->e[i].bytes, 3 * 4096 + 512);
		KUNIT_EXPECT_EQ(test, t->e[i].pid, 777777);
		KUNIT_EXPECT_EQ(test, t->e[i].cls, WAMP_IO_sync);
		KUNIT_EXPECT_STREQ(test, t->e[i].comm, "stacker");
		KUNIT_EXPECT_EQ(test, !t->e[i].nr, !IS_ENABLED(CONFIG_STACKTRACE));
		if (t->e[i].nr)
			KUNIT_EXPECT_FALSE(test, within_module(t->e[i].ips[0],
							       THIS_MODULE));
	}
	/*
	 * Many tasks: the table fills, the rest overflow.  A task that found
	 * no slot either (the task table's overflow) notes no stack.
	 */
	lost = this_cpu_ptr(wamp_cpus)->overflow;
	for (i = 0; i < 3 * wamp_stack_size; i++) {
		id.pid = 800000 + i;
		WAMP_NOTE_HERE(&id, 1);
	}
	lost = this_cpu_ptr(wamp_cpus)->overflow - lost;
	KUNIT_EXPECT_LE(test, t->used, wamp_stack_size);
	KUNIT_EXPECT_GT(test, t->overflow, 0);
	KUNIT_EXPECT_EQ(test, t->used + t->overflow + lost,
			1 + 3 * wamp_stack_size);
	preempt_enable();
	wamp_store_reset();
	KUNIT_EXPECT_EQ(test, t->used, 0);
	KUNIT_EXPECT_EQ(test, t->overflow, 0);
	for (i = 0; i < wamp_stack_size; i++)
		KUNIT_EXPECT_EQ(test, t->e[i].hash, 0);
}

/* The inode-owner table: found, keyed against reuse, bounded. */
static void wamp_store_test_owner(struct kunit *test)
{
	struct inode *in = kunit_kcalloc(test, 200, sizeof(*in), GFP_KERNEL);
	struct wamp_ident id;
	unsigned int used, cap, i;
	struct wamp_snapshot *s;

	KUNIT_ASSERT_NOT_NULL(test, in);
	wamp_owner_size = 64;
	KUNIT_ASSERT_EQ(test, wamp_owner_init(), 0);
	for (i = 0; i < 200; i++) {
		in[i].i_ino = 1000 + i;
		in[i].i_generation = i;
	}
	KUNIT_EXPECT_EQ(test, wamp_owner_find(&in[0], &id), WAMP_OWNER_NONE);
	wamp_owner_dirtied(&in[0]);
	KUNIT_ASSERT_EQ(test, wamp_owner_find(&in[0], &id), WAMP_OWNER_FOUND);
	KUNIT_EXPECT_EQ(test, id.pid, current->pid);
	KUNIT_EXPECT_EQ(test, id.start_time, current->start_time);
	KUNIT_EXPECT_STREQ(test, id.comm, current->comm);
	/* Dirtied again by its owner: the entry is only read. */
	wamp_owner_dirtied(&in[0]);
	wamp_owner_stats(&used, &cap);
	KUNIT_EXPECT_EQ(test, used, 1);
	KUNIT_EXPECT_EQ(test, cap, 64);
	/* The same address, another file: not the dead file's owner. */
	in[0].i_generation++;
	KUNIT_EXPECT_EQ(test, wamp_owner_find(&in[0], &id), WAMP_OWNER_NONE);
	in[0].i_generation--;
	in[0].i_ino++;
	KUNIT_EXPECT_EQ(test, wamp_owner_find(&in[0], &id), WAMP_OWNER_NONE);
	/* The new file, once dirtied, is owned in the same entry. */
	wamp_owner_dirtied(&in[0]);
	KUNIT_EXPECT_EQ(test, wamp_owner_find(&in[0], &id), WAMP_OWNER_FOUND);
	wamp_owner_stats(&used, &cap);
	KUNIT_EXPECT_EQ(test, used, 1);
	/* 200 files in 64 entries: each took a free entry or evicted one. */
	for (i = 1; i < 200; i++) {
		wamp_owner_dirtied(&in[i]);
		KUNIT_EXPECT_EQ(test, wamp_owner_find(&in[i], &id),
				WAMP_OWNER_FOUND);
	}
	wamp_owner_stats(&used, &cap);
	s = wamp_snap(test);
	KUNIT_EXPECT_LE(test, used, 64);
	KUNIT_EXPECT_EQ(test, used + s->owner_evicted, 200);
	KUNIT_EXPECT_EQ(test, s->owners_used, used);
	wamp_snapshot_free(s);
	wamp_owner_exit();
}

static struct kunit_case wamp_store_cases[] = {
	KUNIT_CASE(wamp_store_test_events),
	KUNIT_CASE(wamp_store_test_tasks),
	KUNIT_CASE(wamp_store_test_full),
	KUNIT_CASE(wamp_store_test_fold_exited),
	KUNIT_CASE(wamp_store_test_fold_live),
	KUNIT_CASE(wamp_store_test_other),
	KUNIT_CASE(wamp_store_test_exited),
	KUNIT_CASE(wamp_store_test_pid_reuse),
	KUNIT_CASE(wamp_store_test_reset),
	KUNIT_CASE(wamp_store_test_cpus),
	KUNIT_CASE(wamp_store_test_nested),
	KUNIT_CASE(wamp_store_test_cgroup),
	KUNIT_CASE(wamp_store_test_devs),
	KUNIT_CASE(wamp_store_test_view_uid),
	KUNIT_CASE(wamp_store_test_view_merge),
	KUNIT_CASE(wamp_store_test_exec_renames),
	KUNIT_CASE(wamp_store_test_dev_unnamed),
	KUNIT_CASE(wamp_store_test_sizes),
	KUNIT_CASE(wamp_store_test_account_for),
	KUNIT_CASE(wamp_store_test_hist_classes),
	KUNIT_CASE(wamp_store_test_stacks),
	KUNIT_CASE(wamp_store_test_owner),
	{}
};

static struct kunit_suite wamp_store_suite = {
	.name = "wamp_store",
	.init = wamp_store_test_init,
	.exit = wamp_store_test_exit,
	.test_cases = wamp_store_cases,
};

kunit_test_suite(wamp_store_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites of wamp, the write-amplification monitor");
