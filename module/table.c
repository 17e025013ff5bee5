// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU tables: claiming, taking over and renaming slots, device
 * entries, reset, and their memory.
 *
 * Each possible CPU owns a table of wamp_table_size slots (open addressing:
 * a task may use the WAMP_WINDOW slots from its hash on).  Only the owning
 * CPU writes its table, from probes that run with preemption disabled, so
 * the hot path takes no lock and no atomic read-modify-write.  Readers on
 * other CPUs copy the slots without blocking anybody (snapshot.c).
 *
 * A slot, once claimed, stays with its task, so the counts of a task that
 * exited are kept, until a reset or until a task finds no free slot in its
 * window: it then takes over the first slot there whose task has exited,
 * and that task's counts are folded into the CPU's exited row (@folded
 * counts such rows).  A task that finds neither is counted in the CPU's
 * (other) row and in @overflow.  The probe counts each event once, in one
 * row.
 *
 * Changing a CPU's table from outside the probe (reset) runs on that CPU
 * with preemption disabled and @busy raised, so it can never interleave
 * with a probe's update: a probe in an interrupt on top of it is counted
 * as nested, into the interrupt-safe local64 counters.
 */
#include <linux/kernel.h>
#include <linux/blkdev.h>
#include <linux/cpu.h>
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rwsem.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "table.h"
#include "params.h"
#include "view.h"

struct wamp_cpu __percpu *wamp_cpus __read_mostly;
unsigned int wamp_bits __read_mostly;
/* Held by a reset for writing, by readers of the cgroup tables (cgroup.c). */
static DECLARE_RWSEM(wamp_reset_sem);

static_assert(sizeof(struct wamp_slot) == 368);
static_assert(sizeof(struct wamp_counts) == WAMP_COUNTS_NR * sizeof(u64));

static_assert(WAMP_TABLE_SIZE_MAX <= 1u << 16);	/* u16 @order entries */
static_assert(TASK_COMM_LEN == WAMP_COMM_LEN);
static_assert(DISK_NAME_LEN == WAMP_DISK_LEN);

/*
 * What may change while a task runs: its name and uid, at each exec.  Only
 * a syscall probe (@sys) takes the task's exec count: a block probe may run
 * in the task inside execve(), after the count moved and before the new
 * credentials are committed, so it records the count before, and the
 * task's next counted syscall takes name, uid and count again.
 */
static void wamp_slot_ident(kuid_t *uid, u32 *exec_id, char *comm, bool sys)
{
	struct task_struct *t = current;

	*uid = wamp_cred_uid(current_cred());
	*exec_id = (u32)t->self_exec_id - !sys;
	memcpy(comm, t->comm, WAMP_COMM_LEN);
	comm[WAMP_COMM_LEN - 1] = '\0';
}

/* Who current is, as its slot would record it (@sys: as above). */
void wamp_ident_current(struct wamp_ident *id, bool sys)
{
	struct task_struct *t = current;
	struct pid_namespace *ns = task_active_pid_ns(t);

	id->start_time = t->start_time;
	id->pid = t->pid;
	id->tgid = t->tgid;
	/* An exiting task may have lost its pid already: no namespace. */
	id->ns_inum = ns ? ns->ns.inum : 0;
	id->vpid = ns ? task_pid_nr_ns(t, ns) : 0;
	id->vtgid = ns ? task_tgid_nr_ns(t, ns) : 0;
	wamp_slot_ident(&id->uid, &id->exec_id, id->comm, sys);
}

/*
 * Make @s the slot of @id (NULL: current), with zero counts and no cgroup
 * entry yet; its @state is the caller's.
 */
static void wamp_slot_own(struct wamp_slot *s, bool sys,
			  const struct wamp_ident *id)
{
	struct wamp_ident cur;

	if (!id) {
		wamp_ident_current(&cur, sys);
		id = &cur;
	}
	s->start_time = id->start_time;
	s->pid = id->pid;
	s->tgid = id->tgid;
	s->uid = id->uid;
	s->ns_inum = id->ns_inum;
	s->vpid = id->vpid;
	s->vtgid = id->vtgid;
	s->exec_id = id->exec_id;
	s->cge = NULL;
	s->ran = 0;
	memcpy(s->comm, id->comm, WAMP_COMM_LEN);
	memset(&s->c, 0, sizeof(s->c));
}

/*
 * current exec'd since it last refreshed @s (its slot on this CPU): take
 * its new name and uid.  Readers copying this CPU see @gen change and copy
 * again, so none copies half a name.
 */
void wamp_slot_refresh(struct wamp_cpu *c, struct wamp_slot *s)
{
	raw_write_seqcount_begin(&c->gen);
	wamp_slot_ident(&s->uid, &s->exec_id, s->comm, true);
	raw_write_seqcount_end(&c->gen);
}

/*
 * The slow half of wamp_slot_find(): a task's first event on this CPU
 * takes the free slot @i.  Readers walk @order up to @used, so they visit
 * the claimed slots only, whatever the size of the table.
 */
struct wamp_slot *wamp_slot_claim(struct wamp_cpu *c, u32 i, bool sys,
				  const struct wamp_ident *id)
{
	struct wamp_slot *s = &c->slots[i];

	wamp_slot_own(s, sys, id);
	/* Publish the key before readers may look at the slot. */
	smp_store_release(&s->state, WAMP_SLOT_USED);
	WRITE_ONCE(c->order[c->used], i);
	/* And the slot's index before readers may look for it. */
	smp_store_release(&c->used, c->used + 1);
	return s;
}

/*
 * The slow half of wamp_slot_find() when current's window of the table
 * is full: take over the first slot in it whose task has exited, folding
 * its counts into this CPU's exited row.  Readers copying this CPU's table
 * see @gen change and copy again.  A scan that finds only live tasks is
 * not tried again before the next tick, so a table full of live tasks
 * costs one scan per tick, not one per event.  With no slot to take, the
 * event goes to (other) and counts as an overflow.
 */
struct wamp_slot *wamp_slot_reclaim(struct wamp_cpu *c, u32 i, bool sys,
				    const struct wamp_ident *id)
{
	struct wamp_slot *s = NULL;
	unsigned int n, k;

	if (time_before(jiffies, c->reclaim_after))
		goto overflow;
	rcu_read_lock();
	for (n = 0; n < WAMP_WINDOW; n++, i = (i + 1) & c->mask) {
		if (!wamp_live_task(c->slots[i].pid, c->slots[i].start_time)) {
			s = &c->slots[i];
			break;
		}
	}
	rcu_read_unlock();
	if (!s) {
		c->reclaim_after = jiffies + 1;
		goto overflow;
	}
	raw_write_seqcount_begin(&c->gen);
	for (k = 0; k < WAMP_COUNTS_NR; k++)
		WRITE_ONCE(c->exited.all[k], c->exited.all[k] + s->c.all[k]);
	WRITE_ONCE(c->folded, c->folded + 1);
	wamp_slot_own(s, sys, id);	/* in use: @state and @used stay */
	raw_write_seqcount_end(&c->gen);
	return s;

overflow:
	WRITE_ONCE(c->overflow, c->overflow + 1);
	return NULL;
}

/*
 * The slow half of wamp_sys_cg(): current's cgroup @cgrp is not the one
 * of its last syscall on this CPU (or it has no slot): look it up, and
 * keep its entry in the slot.  Readers take @cge as it is.
 */
struct wamp_cg_counts *wamp_slot_cg(struct wamp_cpu *c, struct wamp_slot *s,
				    struct cgroup *cgrp)
{
	struct wamp_cg *e = wamp_cg_lookup(c, cgrp);

	if (s)
		WRITE_ONCE(s->cge, e);
	return e ? &e->c : &c->cg.other;
}

/*
 * A probe that interrupted a probe on this CPU: interrupt-safe counters,
 * in (other).  The cgroup's part of the event (a syscall's, a bio's).
 */
void wamp_cg_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes)
{
	const int n = wamp_event_count(ev), b = wamp_event_bytes(ev);

	if (n != WAMP_TC_NONE && n < WAMP_CG_NR)
		local64_inc(&c->cg.nested[n]);
	if (b != WAMP_TC_NONE && b < WAMP_CG_NR)
		local64_add(bytes, &c->cg.nested[b]);
}

/* The task's part of it (no stack is noted for it). */
void wamp_account_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes,
			 unsigned int how)
{
	const int n = wamp_event_count(ev), b = wamp_event_bytes(ev);
	const int b2 = wamp_event_bytes2(ev);
	const int h = wamp_event_hist(ev, bytes);
	const int k = wamp_event_class(ev, how);

	local64_inc(&c->nested);
	if (n != WAMP_TC_NONE)
		local64_inc(&c->nested_tc[n]);
	if (b != WAMP_TC_NONE)
		local64_add(bytes, &c->nested_tc[b]);
	if (b2 != WAMP_TC_NONE)
		local64_add(bytes, &c->nested_tc[b2]);
	if (h >= 0)
		local64_inc(&c->nested_tc[h]);
	if (k >= 0)
		local64_add(bytes, &c->nested_tc[k]);
}

/*
 * Count a bio (@ev: its request or merge) for the cgroup the kernel
 * charges it to (NULL: none known, (other)), with the protocol of
 * wamp_store_charge().
 */
void wamp_store_cg_bio(struct cgroup *cgrp, enum wamp_event ev, u64 bytes)
{
	struct wamp_cpu *c;
	struct wamp_cg *e;

	preempt_disable_notrace();
	c = this_cpu_ptr(wamp_cpus);
	if (unlikely(wamp_busy_enter(c))) {
		wamp_cg_nested(c, ev, bytes);
		goto out;
	}
	e = wamp_cg_lookup(c, cgrp);
	wamp_cg_add(e ? &e->c : &c->cg.other, ev, bytes);
out:
	wamp_busy_exit(c);
	preempt_enable_notrace();
}

/*
 * Drop the references of removed cgroups whose entries were taken over
 * (cgroup.c), every WAMP_CG_DRAIN_SECS while there are any: with the
 * reset lock held for writing, so that no reader holds such a pointer.
 */
#define WAMP_CG_DRAIN_SECS	5

static void wamp_cg_drain(struct work_struct *work);
static DECLARE_DEFERRABLE_WORK(wamp_cg_drain_work, wamp_cg_drain);

static bool wamp_cg_pending(void)
{
	struct wamp_cpu *c;
	int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		/* A hint only: the drain itself reads @head with acquire. */
		if (READ_ONCE(c->cg.head) != READ_ONCE(c->cg.tail))
			return true;
	}
	return false;
}

static void wamp_cg_drain(struct work_struct *work)
{
	int cpu;

	if (wamp_cg_pending()) {
		down_write(&wamp_reset_sem);
		for_each_possible_cpu(cpu)
			wamp_cg_table_drain(&per_cpu_ptr(wamp_cpus, cpu)->cg);
		up_write(&wamp_reset_sem);
	}
	schedule_delayed_work(&wamp_cg_drain_work, WAMP_CG_DRAIN_SECS * HZ);
}

/* Readers of the cgroup tables: no reset meanwhile (cgroup.c). */
void wamp_store_read_lock(void)
{
	down_read(&wamp_reset_sem);
}

void wamp_store_read_unlock(void)
{
	up_read(&wamp_reset_sem);
}

/*
 * Count one block event for the task @id records instead of current: the
 * same code as wamp_store_account(), out of line (a bio, not a syscall).
 */
void wamp_store_account_for(const struct wamp_ident *id, enum wamp_event ev,
			    u64 bytes, unsigned int how)
{
	wamp_store_charge(id, ev, bytes, how);
}

/* Journal bytes of a commit that stay with the journal thread. */
void wamp_store_jrnl_kept(u64 bytes)
{
	preempt_disable_notrace();
	local64_add(bytes, &this_cpu_ptr(wamp_cpus)->jrnl_kept_bytes);
	preempt_enable_notrace();
}

/* A writeback bio whose file has no owner known: its submitter pays. */
void wamp_store_unowned(u64 bytes)
{
	struct wamp_cpu *c;

	preempt_disable_notrace();
	c = this_cpu_ptr(wamp_cpus);
	local64_inc(&c->wb_unowned);
	local64_add(bytes, &c->wb_unowned_bytes);
	preempt_enable_notrace();
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
			/* Readers look at an entry once it is named. */
			smp_store_release(&d->named, 1);
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
	int k;

	/* Readers copying this CPU see @gen change and copy again. */
	raw_write_seqcount_begin(&c->gen);
	memset(c->slots, 0, sizeof(*c->slots) << wamp_bits);
	memset(&c->other, 0, sizeof(c->other));
	memset(&c->exited, 0, sizeof(c->exited));
	c->folded = 0;
	c->reclaim_after = jiffies;
	WRITE_ONCE(c->used, 0);
	c->overflow = 0;
	c->iov_fault = 0;
	/* The local64 counters are also written from interrupts. */
	local_irq_save(flags);
	memset(c->devs, 0, sizeof(*c->devs) * WAMP_DEV_MAX);
	local64_set(&c->nested, 0);
	for (k = 0; k < WAMP_COUNTS_NR; k++)
		local64_set(&c->nested_tc[k], 0);
	local64_set(&c->dev_overflow, 0);
	local64_set(&c->wb_unowned, 0);
	local64_set(&c->wb_unowned_bytes, 0);
	local64_set(&c->owner_evicted, 0);
	local64_set(&c->jrnl_kept_bytes, 0);
	local_irq_restore(flags);
	wamp_cg_table_clear(&c->cg);
	wamp_stack_table_clear(&c->stk);
	raw_write_seqcount_end(&c->gen);
}

/* Runs on the CPU whose table it clears: see the comment at the top. */
static long wamp_cpu_clear_local(void *unused)
{
	struct wamp_cpu *c;

	preempt_disable();
	c = this_cpu_ptr(wamp_cpus);
	/* Raised, as in wamp_store_charge(): a probe it interrupts nests. */
	(void)wamp_busy_enter(c);
	wamp_cpu_clear(c);
	wamp_busy_exit(c);
	preempt_enable();
	return 0;
}

/*
 * Clear every CPU's tables, then drop the cgroup references the cleared
 * entries held, here, off the probes' path.  Readers of the cgroup tables
 * wait (they use those references).
 */
void wamp_store_reset(void)
{
	struct wamp_cpu *c;
	int cpu;

	down_write(&wamp_reset_sem);
	/* Online CPUs clear their own table; offline ones run no probe. */
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		if (cpu_online(cpu))
			work_on_cpu(cpu, wamp_cpu_clear_local, NULL);
		else
			wamp_cpu_clear(c);
		wamp_cg_table_put(&c->cg);
	}
	cpus_read_unlock();
	up_write(&wamp_reset_sem);
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
	       ((sizeof(struct wamp_slot) + sizeof(u16)) << wamp_bits) +
	       sizeof(struct wamp_dev) * WAMP_DEV_MAX + wamp_cg_table_bytes() +
	       wamp_stack_table_bytes();
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
	if (!is_power_of_2(wamp_stack_size)) {
		pr_info("stack_table_size %u rounded up to %lu\n",
			wamp_stack_size, roundup_pow_of_two(wamp_stack_size));
		wamp_stack_size = roundup_pow_of_two(wamp_stack_size);
	}
	wamp_cg_bits = ilog2(roundup_pow_of_two(wamp_cg_size));
	if (wamp_cg_size != 1u << wamp_cg_bits) {
		pr_info("cgroup_table_size %u rounded up to %u\n", wamp_cg_size,
			1u << wamp_cg_bits);
		wamp_cg_size = 1u << wamp_cg_bits;
	}
	wamp_cpus = alloc_percpu(struct wamp_cpu);
	if (!wamp_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		seqcount_init(&c->gen);
		c->reclaim_after = jiffies;
		c->hash_shift = 32 - wamp_bits;
		c->mask = (1u << wamp_bits) - 1;
		c->slots = kvzalloc_node(array_size(1u << wamp_bits,
						    sizeof(*c->slots)),
					 GFP_KERNEL, cpu_to_node(cpu));
		c->order = kvzalloc_node(array_size(1u << wamp_bits,
						    sizeof(*c->order)),
					 GFP_KERNEL, cpu_to_node(cpu));
		c->devs = kvzalloc_node(array_size(WAMP_DEV_MAX,
						   sizeof(*c->devs)),
					GFP_KERNEL, cpu_to_node(cpu));
		if (!c->slots || !c->order || !c->devs ||
		    wamp_cg_table_init(&c->cg, cpu_to_node(cpu)) ||
		    wamp_stack_table_init(&c->stk, cpu_to_node(cpu)))
			goto err_free;
	}
	schedule_delayed_work(&wamp_cg_drain_work, WAMP_CG_DRAIN_SECS * HZ);
	return 0;

err_free:
	wamp_store_exit();
	return -ENOMEM;
}

/* Only after the probes are gone (tracepoint_synchronize_unregister()). */
void wamp_store_exit(void)
{
	int cpu;

	if (!wamp_cpus)
		return;
	/* It rearms itself: cancel_delayed_work_sync() stops that too. */
	cancel_delayed_work_sync(&wamp_cg_drain_work);
	for_each_possible_cpu(cpu) {
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->slots);
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->order);
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->devs);
		wamp_cg_table_exit(&per_cpu_ptr(wamp_cpus, cpu)->cg);
		wamp_stack_table_exit(&per_cpu_ptr(wamp_cpus, cpu)->stk);
	}
	free_percpu(wamp_cpus);
	wamp_cpus = NULL;
}
