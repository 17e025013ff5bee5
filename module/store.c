// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU per-task store.
 *
 * Each possible CPU owns a table of wamp_table_size slots (open addressing,
 * linear probing over at most WAMP_PROBE_MAX slots).  Only the owning CPU
 * writes its table, from probes that run with preemption disabled, so the
 * hot path takes no lock and no atomic read-modify-write.  Readers on other
 * CPUs copy the slots without blocking anybody and merge the per-CPU parts
 * of each task by (pid, start_time).
 *
 * A slot, once claimed, stays with its task until a reset, so the counts of
 * a task that exited are kept.  A task that finds no free slot within
 * WAMP_PROBE_MAX probes is counted in the CPU's (other) row and in
 * @overflow; the totals always count every event.
 *
 * Changing a CPU's table from outside the probe (reset) runs on that CPU
 * with preemption disabled and @busy raised, so it can never interleave
 * with a probe's update: a probe in an interrupt on top of it is counted
 * as nested, into the interrupt-safe local64 counters.
 */
#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/cred.h>
#include <linux/blkdev.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "internal.h"
#include "account.h"

/* Rows a snapshot may gain while it is being taken, before it retries. */
#define WAMP_SNAP_SLACK		256

struct wamp_cpu __percpu *wamp_cpus __read_mostly;
unsigned int wamp_bits __read_mostly;
static DEFINE_MUTEX(wamp_reset_lock);

static_assert(sizeof(struct wamp_slot) == 80);
static_assert(TASK_COMM_LEN == WAMP_COMM_LEN);

/* The slow half of wamp_slot_get(): a task's first event on this CPU. */
struct wamp_slot *wamp_slot_claim(struct wamp_cpu *c, struct wamp_slot *s)
{
	struct task_struct *t = current;

	s->start_time = t->start_time;
	s->pid = t->pid;
	s->tgid = t->tgid;
	s->uid = current_uid();
	memcpy(s->comm, t->comm, WAMP_COMM_LEN);
	s->comm[WAMP_COMM_LEN - 1] = '\0';
	memset(&s->c, 0, sizeof(s->c));
	/* Publish the key before readers may look at the slot. */
	smp_store_release(&s->state, WAMP_SLOT_USED);
	c->used++;
	return s;
}

/* A probe that interrupted a probe on this CPU: interrupt-safe counters. */
void wamp_account_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes)
{
	local64_inc(&c->nested);
	switch (ev) {
	case WAMP_EV_SYNC:
		local64_inc(&c->nested_syncs);
		break;
	case WAMP_EV_BLK_RQ:
		local64_inc(&c->nested_blk_reqs);
		fallthrough;
	case WAMP_EV_BLK_MERGE:
		local64_add(bytes, &c->nested_blk_bytes);
		break;
	default:
		local64_inc(&c->nested_writes);
		local64_add(bytes, &c->nested_bytes);
		break;
	}
}

/*
 * This CPU's entry for @disk, claimed if need be; NULL if the table is
 * full.  The caller has preemption disabled.  Interrupt-safe: a claim is a
 * local cmpxchg, so a nested caller either finds the entry or claims
 * another one.
 */
struct wamp_dev *wamp_store_dev(struct gendisk *disk)
{
	struct wamp_cpu *c = this_cpu_ptr(wamp_cpus);
	u32 devt = disk ? (u32)disk_devt(disk) : 0;
	struct wamp_dev *d;
	u32 cur;
	int i;

	if (!devt)
		goto full;
	for (i = 0; i < WAMP_DEV_MAX; i++) {
		d = &c->devs[i];
		cur = READ_ONCE(d->devt);
		if (cur == devt)
			return d;
		if (cur)
			continue;
		cur = cmpxchg_local(&d->devt, 0, devt);
		if (!cur) {
			strscpy(d->name, disk->disk_name, sizeof(d->name));
			return d;
		}
		if (cur == devt)
			return d;
	}
full:
	local64_inc(&c->dev_overflow);
	return NULL;
}

static void wamp_cpu_clear(struct wamp_cpu *c)
{
	unsigned long flags;

	memset(c->slots, 0, sizeof(*c->slots) << wamp_bits);
	memset(&c->total, 0, sizeof(c->total));
	memset(&c->other, 0, sizeof(c->other));
	c->used = 0;
	c->overflow = 0;
	c->iov_fault = 0;
	/* The local64 counters are also written from interrupts. */
	local_irq_save(flags);
	memset(c->devs, 0, sizeof(*c->devs) * WAMP_DEV_MAX);
	local64_set(&c->nested, 0);
	local64_set(&c->nested_writes, 0);
	local64_set(&c->nested_bytes, 0);
	local64_set(&c->nested_syncs, 0);
	local64_set(&c->nested_blk_reqs, 0);
	local64_set(&c->nested_blk_bytes, 0);
	local64_set(&c->dev_overflow, 0);
	local_irq_restore(flags);
}

/* Runs on the CPU whose table it clears: see the comment at the top. */
static long wamp_cpu_clear_local(void *unused)
{
	struct wamp_cpu *c;

	preempt_disable();
	c = this_cpu_ptr(wamp_cpus);
	c->busy++;
	wamp_cpu_clear(c);
	c->busy--;
	preempt_enable();
	return 0;
}

void wamp_store_reset(void)
{
	int cpu;

	mutex_lock(&wamp_reset_lock);
	/* Online CPUs clear their own table; offline ones run no probe. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu))
			work_on_cpu(cpu, wamp_cpu_clear_local, NULL);
		else
			wamp_cpu_clear(per_cpu_ptr(wamp_cpus, cpu));
	}
	cpus_read_unlock();
	mutex_unlock(&wamp_reset_lock);
}

static void wamp_counts_read(struct wamp_counts *dst,
			     const struct wamp_counts *src)
{
	dst->writes += READ_ONCE(src->writes);
	dst->write_bytes += READ_ONCE(src->write_bytes);
	dst->syncs += READ_ONCE(src->syncs);
	dst->blk_reqs += READ_ONCE(src->blk_reqs);
	dst->blk_bytes += READ_ONCE(src->blk_bytes);
}

static void wamp_nested_read(struct wamp_counts *dst, struct wamp_cpu *c)
{
	dst->writes += local64_read(&c->nested_writes);
	dst->write_bytes += local64_read(&c->nested_bytes);
	dst->syncs += local64_read(&c->nested_syncs);
	dst->blk_reqs += local64_read(&c->nested_blk_reqs);
	dst->blk_bytes += local64_read(&c->nested_blk_bytes);
}

static void wamp_dev_read(struct wamp_dev_row *r, struct wamp_dev *d)
{
	r->write_reqs += local64_read(&d->write_reqs);
	r->write_bytes += local64_read(&d->write_bytes);
	r->flush_reqs += local64_read(&d->flush_reqs);
	r->fua_reqs += local64_read(&d->fua_reqs);
	r->preflush_reqs += local64_read(&d->preflush_reqs);
	r->discard_reqs += local64_read(&d->discard_reqs);
	r->discard_bytes += local64_read(&d->discard_bytes);
	r->requeues += local64_read(&d->requeues);
}

/* Merge one CPU's device table into the snapshot's, keyed by devt. */
static void wamp_snap_devs(struct wamp_snapshot *snap, struct wamp_cpu *c)
{
	struct wamp_dev_row *r;
	struct wamp_dev *d;
	size_t i, j;
	u32 devt;

	for (i = 0; i < WAMP_DEV_MAX; i++) {
		d = &c->devs[i];
		devt = READ_ONCE(d->devt);
		if (!devt)
			continue;
		for (j = 0; j < snap->nr_devs; j++)
			if (snap->devs[j].devt == devt)
				break;
		r = &snap->devs[j];
		if (j == snap->nr_devs) {
			snap->nr_devs++;
			r->devt = devt;
		}
		if (!r->name[0])
			strscpy(r->name, d->name, sizeof(r->name));
		wamp_dev_read(r, d);
	}
}

static int wamp_dev_cmp(const void *a, const void *b)
{
	const struct wamp_dev_row *x = a, *y = b;

	return x->devt < y->devt ? -1 : x->devt > y->devt;
}

static int wamp_row_cmp(const void *a, const void *b)
{
	const struct wamp_row *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	return 0;
}

/* Copy the used slots of one CPU; false if @snap has no room left. */
static bool wamp_snap_cpu(struct wamp_snapshot *snap, size_t cap,
			  struct wamp_cpu *c)
{
	struct wamp_slot *s, *end = c->slots + (1u << wamp_bits);
	struct wamp_row *r;

	for (s = c->slots; s < end; s++) {
		/* Pairs with the release in wamp_slot_claim(): key first. */
		if (!smp_load_acquire(&s->state))
			continue;
		if (snap->nr_rows == cap)
			return false;
		r = &snap->rows[snap->nr_rows++];
		memset(r, 0, sizeof(*r));
		r->start_time = s->start_time;
		r->pid = s->pid;
		r->tgid = s->tgid;
		r->uid = s->uid;
		memcpy(r->comm, s->comm, WAMP_COMM_LEN);
		wamp_counts_read(&r->c, &s->c);
	}
	return true;
}

/*
 * Whether the task of a row still runs.  PF_EXITING is set first thing in
 * do_exit(), before a joined thread's tid is cleared and long before the
 * task is released, so a task that has called exit is never shown alive.
 */
static bool wamp_counts_eq(const struct wamp_counts *a,
			   const struct wamp_counts *b)
{
	return a->writes == b->writes && a->write_bytes == b->write_bytes &&
	       a->syncs == b->syncs && a->blk_reqs == b->blk_reqs &&
	       a->blk_bytes == b->blk_bytes;
}

/*
 * Copy one CPU's slots so that they agree with its totals: if the CPU
 * counted anything while its slots were copied, copy them again (a few
 * times at most; a busy CPU then gets a copy that is only nearly exact).
 */
static bool wamp_snap_cpu_stable(struct wamp_snapshot *snap, size_t cap,
				 struct wamp_cpu *c)
{
	struct wamp_counts before, after;
	size_t start = snap->nr_rows;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		memset(&before, 0, sizeof(before));
		memset(&after, 0, sizeof(after));
		snap->nr_rows = start;
		wamp_counts_read(&before, &c->total);
		smp_rmb();	/* the totals before the slots */
		if (!wamp_snap_cpu(snap, cap, c))
			return false;
		smp_rmb();	/* the slots before the totals again */
		wamp_counts_read(&after, &c->total);
		if (wamp_counts_eq(&before, &after))
			break;
	}
	return true;
}

static bool wamp_task_alive(pid_t pid, u64 start_time)
{
	struct task_struct *t;
	bool alive;

	rcu_read_lock();
	t = pid_task(find_pid_ns(pid, &init_pid_ns), PIDTYPE_PID);
	alive = t && t->start_time == start_time &&
		!(READ_ONCE(t->flags) & PF_EXITING);
	rcu_read_unlock();
	return alive;
}

/* Merge the per-CPU parts of each task and classify the result. */
static void wamp_snap_merge(struct wamp_snapshot *snap)
{
	struct wamp_row *r = snap->rows, *w = snap->rows;
	struct wamp_row *end = snap->rows + snap->nr_rows;

	sort(snap->rows, snap->nr_rows, sizeof(*r), wamp_row_cmp, NULL);
	for (; r < end; r++) {
		if (w != snap->rows && !wamp_row_cmp(w - 1, r)) {
			(w - 1)->c.writes += r->c.writes;
			(w - 1)->c.write_bytes += r->c.write_bytes;
			(w - 1)->c.syncs += r->c.syncs;
			(w - 1)->c.blk_reqs += r->c.blk_reqs;
			(w - 1)->c.blk_bytes += r->c.blk_bytes;
			continue;
		}
		if (w != r)
			*w = *r;
		w++;
	}
	snap->nr_rows = w - snap->rows;
	for (r = snap->rows; r < w; r++) {
		r->flags = wamp_classify(r->c.writes, r->c.write_bytes,
					 r->c.syncs, r->c.blk_bytes, &snap->th);
		if (!wamp_task_alive(r->pid, r->start_time))
			r->flags |= WAMP_F_EXITED;
	}
}

static unsigned int wamp_slots_used(void)
{
	unsigned int used = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		used += READ_ONCE(per_cpu_ptr(wamp_cpus, cpu)->used);
	return used;
}

void wamp_snapshot_free(struct wamp_snapshot *snap)
{
	if (IS_ERR_OR_NULL(snap))
		return;
	kvfree(snap->devs);
	kvfree(snap);
}

static struct wamp_snapshot *wamp_snap_try(size_t cap)
{
	struct wamp_snapshot *snap;
	struct wamp_cpu *c;
	int cpu;

	snap = kvzalloc(struct_size(snap, rows, cap), GFP_KERNEL);
	if (!snap)
		return ERR_PTR(-ENOMEM);
	snap->devs = kvcalloc(num_possible_cpus() * WAMP_DEV_MAX,
			      sizeof(*snap->devs), GFP_KERNEL);
	if (!snap->devs) {
		kvfree(snap);
		return ERR_PTR(-ENOMEM);
	}
	wamp_params_thresholds(&snap->th);
	snap->slots_cap = num_possible_cpus() << wamp_bits;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		if (!wamp_snap_cpu_stable(snap, cap, c)) {
			wamp_snapshot_free(snap);
			return NULL;
		}
		wamp_counts_read(&snap->total, &c->total);
		wamp_counts_read(&snap->other, &c->other);
		wamp_nested_read(&snap->total, c);
		wamp_nested_read(&snap->other, c);
		wamp_snap_devs(snap, c);
		snap->overflow += READ_ONCE(c->overflow);
		snap->iov_fault += READ_ONCE(c->iov_fault);
		snap->nested += local64_read(&c->nested);
		snap->dev_overflow += local64_read(&c->dev_overflow);
		snap->slots_used += READ_ONCE(c->used);
	}
	wamp_snap_merge(snap);
	sort(snap->devs, snap->nr_devs, sizeof(*snap->devs), wamp_dev_cmp,
	     NULL);
	return snap;
}

/*
 * A copy of the store, merged per task, for one reader.  Never blocks a
 * probe.  Retries with more room if tasks claimed slots while it copied.
 */
struct wamp_snapshot *wamp_store_snapshot(void)
{
	struct wamp_snapshot *snap;
	size_t cap;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		cap = (size_t)wamp_slots_used() + (WAMP_SNAP_SLACK << tries);
		snap = wamp_snap_try(cap);
		if (snap)
			return snap;
	}
	return wamp_snap_try((size_t)num_possible_cpus() << wamp_bits);
}

void wamp_store_cpu_stats(int cpu, unsigned int *used, u64 *overflow,
			  u64 *nested)
{
	struct wamp_cpu *c = per_cpu_ptr(wamp_cpus, cpu);

	*used = READ_ONCE(c->used);
	*overflow = READ_ONCE(c->overflow);
	*nested = local64_read(&c->nested);
}

size_t wamp_store_bytes_per_cpu(void)
{
	return sizeof(struct wamp_cpu) +
	       ((size_t)sizeof(struct wamp_slot) << wamp_bits) +
	       sizeof(struct wamp_dev) * WAMP_DEV_MAX;
}

int wamp_store_init(void)
{
	struct wamp_cpu *c;
	int cpu;

	wamp_bits = ilog2(roundup_pow_of_two(wamp_table_size));
	if (wamp_table_size != 1u << wamp_bits) {
		pr_info("table_size %u rounded up to %u\n", wamp_table_size,
			1u << wamp_bits);
		wamp_table_size = 1u << wamp_bits;
	}
	wamp_cpus = alloc_percpu(struct wamp_cpu);
	if (!wamp_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		c->slots = kvzalloc_node(array_size(1u << wamp_bits,
						    sizeof(*c->slots)),
					 GFP_KERNEL, cpu_to_node(cpu));
		c->devs = kvzalloc_node(array_size(WAMP_DEV_MAX,
						   sizeof(*c->devs)),
					GFP_KERNEL, cpu_to_node(cpu));
		if (!c->slots || !c->devs)
			goto err_free;
	}
	return 0;

err_free:
	wamp_store_exit();
	return -ENOMEM;
}

/* Only after the probes are gone (tracepoint_synchronize_unregister()). */
void wamp_store_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->slots);
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->devs);
	}
	free_percpu(wamp_cpus);
	wamp_cpus = NULL;
}
