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
 * A slot, once claimed, stays with its task, so the counts of a task that
 * exited are kept, until a reset or until a task finds no free slot within
 * its WAMP_PROBE_MAX probes: it then takes over the first slot there whose
 * task has exited, and that task's counts are folded into the CPU's
 * exited row (@folded counts such rows).  A task that finds neither is
 * counted in the CPU's (other) row and in @overflow.  The probe counts
 * each event once, in one row; the totals a reader shows are the sum of
 * the rows, (other), exited and nested counts it copied.
 *
 * Changing a CPU's table from outside the probe (reset) runs on that CPU
 * with preemption disabled and @busy raised, so it can never interleave
 * with a probe's update: a probe in an interrupt on top of it is counted
 * as nested, into the interrupt-safe local64 counters.
 */
#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/cred.h>
#include <linux/blkdev.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "internal.h"
#include "account.h"

/* Rows a snapshot may gain while it is being taken, before it retries. */
#define WAMP_SNAP_SLACK		32
/* Rows judged between two chances for the reader to be rescheduled. */
#define WAMP_SNAP_RESCHED	256

struct wamp_cpu __percpu *wamp_cpus __read_mostly;
unsigned int wamp_bits __read_mostly;
static DEFINE_MUTEX(wamp_reset_lock);

static_assert(sizeof(struct wamp_slot) == 96);
static_assert(WAMP_TABLE_SIZE_MAX <= 1u << 16);	/* u16 @order entries */
static_assert(TASK_COMM_LEN == WAMP_COMM_LEN);

/*
 * The uid a task is shown under: its uid if its real, effective and saved
 * uids agree, and so do its gids (no setuid or setgid program: what
 * /proc/PID/io's ptrace check asks of a task's credentials), else
 * INVALID_UID: only a privileged reader sees it.
 */
static kuid_t wamp_cred_uid(const struct cred *cred)
{
	return uid_eq(cred->uid, cred->euid) && uid_eq(cred->uid, cred->suid) &&
	       gid_eq(cred->gid, cred->egid) && gid_eq(cred->gid, cred->sgid) ?
	       cred->uid : INVALID_UID;
}

/*
 * What may change while a task runs: its name and uid, at each exec.  Only
 * a syscall probe (@sys) takes the task's exec count: a block probe may run
 * in the task inside execve(), after the count moved and before the new
 * credentials are committed, so it records the count before, and the
 * task's next counted syscall takes name, uid and count again.
 */
static void wamp_slot_ident(struct wamp_slot *s, bool sys)
{
	struct task_struct *t = current;

	s->uid = wamp_cred_uid(current_cred());
	s->exec_id = (u32)t->self_exec_id - !sys;
	memcpy(s->comm, t->comm, WAMP_COMM_LEN);
	s->comm[WAMP_COMM_LEN - 1] = '\0';
}

/* Make @s current's, with zero counts; its @state is the caller's. */
static void wamp_slot_own(struct wamp_slot *s, bool sys)
{
	struct task_struct *t = current;
	struct pid_namespace *ns = task_active_pid_ns(t);

	s->start_time = t->start_time;
	s->pid = t->pid;
	s->tgid = t->tgid;
	/* An exiting task may have lost its pid already: no namespace. */
	s->ns_inum = ns ? ns->ns.inum : 0;
	s->vpid = ns ? task_pid_nr_ns(t, ns) : 0;
	s->vtgid = ns ? task_tgid_nr_ns(t, ns) : 0;
	wamp_slot_ident(s, sys);
	memset(&s->c, 0, sizeof(s->c));
}

/*
 * current exec'd since it last refreshed @s (its slot on this CPU): take
 * its new name and uid.  Readers copying this CPU see @gen change and copy
 * again, so none copies half a name.
 */
void wamp_slot_refresh(struct wamp_cpu *c, struct wamp_slot *s)
{
	WRITE_ONCE(c->gen, c->gen + 1);
	smp_wmb();	/* gen odd before the slot changes */
	wamp_slot_ident(s, true);
	smp_wmb();	/* the new name before gen is even again */
	WRITE_ONCE(c->gen, c->gen + 1);
}

/*
 * The slow half of wamp_slot_counts(): a task's first event on this CPU
 * takes the free slot @i.  Readers walk @order up to @used, so they visit
 * the claimed slots only, whatever the size of the table.
 */
struct wamp_counts *wamp_slot_claim(struct wamp_cpu *c, u32 i, bool sys)
{
	struct wamp_slot *s = &c->slots[i];

	wamp_slot_own(s, sys);
	/* Publish the key before readers may look at the slot. */
	smp_store_release(&s->state, WAMP_SLOT_USED);
	WRITE_ONCE(c->order[c->used], i);
	/* And the slot's index before readers may look for it. */
	smp_store_release(&c->used, c->used + 1);
	return &s->c;
}

static void wamp_counts_fold(struct wamp_counts *dst,
			     const struct wamp_counts *src)
{
	WRITE_ONCE(dst->writes, dst->writes + src->writes);
	WRITE_ONCE(dst->write_bytes, dst->write_bytes + src->write_bytes);
	WRITE_ONCE(dst->syncs, dst->syncs + src->syncs);
	WRITE_ONCE(dst->blk_reqs, dst->blk_reqs + src->blk_reqs);
	WRITE_ONCE(dst->blk_bytes, dst->blk_bytes + src->blk_bytes);
}

/*
 * The task (@pid, @start_time) if it still runs, else NULL.  PF_EXITING is
 * set first thing in do_exit(), before a joined thread's tid is cleared
 * and long before the task is released, so a task that has called exit is
 * never taken for alive.  Called under rcu_read_lock().
 */
static struct task_struct *wamp_live_task(pid_t pid, u64 start_time)
{
	struct task_struct *t = pid_task(find_pid_ns(pid, &init_pid_ns),
					 PIDTYPE_PID);

	if (!t || t->start_time != start_time ||
	    (READ_ONCE(t->flags) & PF_EXITING))
		return NULL;
	return t;
}

/*
 * The slow half of wamp_slot_counts() when current's window of the table
 * is full: take over the first slot in it whose task has exited, folding
 * its counts into this CPU's exited row.  Readers copying this CPU's table
 * see @gen change and copy again.  A scan that finds only live tasks is
 * not tried again before the next tick, so a table full of live tasks
 * costs one scan per tick, not one per event.  With no slot to take, the
 * event goes to (other) and counts as an overflow.
 */
struct wamp_counts *wamp_slot_reclaim(struct wamp_cpu *c, u32 i, bool sys)
{
	struct wamp_slot *s = NULL;
	unsigned int n;

	if (time_before(jiffies, c->reclaim_after))
		goto overflow;
	rcu_read_lock();
	for (n = 0; n < WAMP_PROBE_MAX; n++, i = (i + 1) & c->mask) {
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
	WRITE_ONCE(c->gen, c->gen + 1);
	smp_wmb();	/* gen odd before the slot changes */
	wamp_counts_fold(&c->exited, &s->c);
	WRITE_ONCE(c->folded, c->folded + 1);
	wamp_slot_own(s, sys);	/* still in use: @state and @used stay */
	smp_wmb();	/* the slot's new owner before gen is even again */
	WRITE_ONCE(c->gen, c->gen + 1);
	return &s->c;

overflow:
	WRITE_ONCE(c->overflow, c->overflow + 1);
	return &c->other;
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

	/* Readers copying this CPU see @gen change and copy again. */
	WRITE_ONCE(c->gen, c->gen + 1);
	smp_wmb();	/* gen odd before the table changes */
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
	local64_set(&c->nested_writes, 0);
	local64_set(&c->nested_bytes, 0);
	local64_set(&c->nested_syncs, 0);
	local64_set(&c->nested_blk_reqs, 0);
	local64_set(&c->nested_blk_bytes, 0);
	local64_set(&c->dev_overflow, 0);
	local_irq_restore(flags);
	smp_wmb();	/* the cleared table before gen is even again */
	WRITE_ONCE(c->gen, c->gen + 1);
}

/* Runs on the CPU whose table it clears: see the comment at the top. */
static long wamp_cpu_clear_local(void *unused)
{
	struct wamp_cpu *c;

	preempt_disable();
	c = this_cpu_ptr(wamp_cpus);
	c->busy++;
	barrier();	/* as in wamp_store_account() */
	wamp_cpu_clear(c);
	barrier();
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

/*
 * Add @src to a reader's @dst.  @src may be counts a probe is updating
 * (READ_ONCE), or the reader's own copy.
 */
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

/*
 * Merge one CPU's device table into the snapshot's, keyed by devt; false
 * if the snapshot has no room for one more device (@dcap).  An entry is
 * read once named (the release in wamp_store_dev()): a claim in progress
 * is an event not counted yet.
 */
static bool wamp_snap_devs(struct wamp_snapshot *snap, size_t dcap,
			   struct wamp_cpu *c)
{
	struct wamp_dev_row *r;
	struct wamp_dev *d;
	size_t i, j;
	u32 devt;

	for (i = 0; i < WAMP_DEV_MAX; i++) {
		d = &c->devs[i];
		/* Pairs with the release in wamp_store_dev(). */
		if (!smp_load_acquire(&d->named))
			continue;
		devt = READ_ONCE(d->devt);
		if (!devt)	/* a reset is clearing the table */
			continue;
		for (j = 0; j < snap->nr_devs; j++)
			if (snap->devs[j].devt == devt)
				break;
		r = &snap->devs[j];
		if (j == snap->nr_devs) {
			if (j == dcap)
				return false;
			snap->nr_devs++;
			memset(r, 0, sizeof(*r));
			r->devt = devt;
			strscpy(r->name, d->name, sizeof(r->name));
		}
		wamp_dev_read(r, d);
	}
	return true;
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

/*
 * Copy the claimed slots of one CPU into @snap->rows from @snap->nr_rows on
 * and add up what they counted into @sum; false if @snap has no room.
 */
static bool wamp_snap_cpu(struct wamp_snapshot *snap, size_t cap,
			  struct wamp_cpu *c, struct wamp_counts *sum)
{
	/* Pairs with the release in wamp_slot_claim(): the index first. */
	unsigned int n = smp_load_acquire(&c->used), k;
	struct wamp_slot *s;
	struct wamp_row *r;

	if (n > cap - snap->nr_rows)
		return false;
	for (k = 0; k < n; k++) {
		s = &c->slots[READ_ONCE(c->order[k]) & c->mask];
		/* A reset may be clearing the table: skip what it cleared. */
		if (!smp_load_acquire(&s->state))
			continue;
		r = &snap->rows[snap->nr_rows++];
		r->start_time = s->start_time;
		r->pid = s->pid;
		r->tgid = s->tgid;
		r->uid = s->uid;
		r->flags = 0;
		r->ns_inum = s->ns_inum;
		r->vpid = s->vpid;
		r->vtgid = s->vtgid;
		r->exec_id = s->exec_id;
		memcpy(r->comm, s->comm, WAMP_COMM_LEN);
		memset(&r->c, 0, sizeof(r->c));
		wamp_counts_read(&r->c, &s->c);
		wamp_counts_read(sum, &r->c);
	}
	return true;
}

/*
 * Copy one CPU's slots, its exited row and its (other) row, and add what
 * they counted to the totals.  If a slot was folded or the table reset
 * while it copied (@gen changed), copy again: a few times at most, then
 * the copy is only nearly exact.  Events counted while it copies land in
 * the copy or not, each entirely in one row, so the totals always equal
 * the sum of the rows.
 */
static bool wamp_snap_cpu_stable(struct wamp_snapshot *snap, size_t cap,
				 struct wamp_cpu *c)
{
	struct wamp_counts sum, exited, other;
	size_t start = snap->nr_rows, k;
	unsigned int gen0, gen1;
	u64 folded;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		memset(&sum, 0, sizeof(sum));
		memset(&exited, 0, sizeof(exited));
		memset(&other, 0, sizeof(other));
		snap->nr_rows = start;
		gen0 = READ_ONCE(c->gen);
		smp_rmb();	/* gen before the slots */
		if (!wamp_snap_cpu(snap, cap, c, &sum))
			return false;
		wamp_counts_read(&exited, &c->exited);
		wamp_counts_read(&other, &c->other);
		folded = READ_ONCE(c->folded);
		smp_rmb();	/* the slots before gen again */
		gen1 = READ_ONCE(c->gen);
		if (!(gen0 & 1) && gen0 == gen1)
			break;
	}
	/*
	 * A copy that never held still may pair a renamed slot's old uid
	 * with its new exec count: who may see those rows once their tasks
	 * have exited is then unknown, so only privileged readers do.
	 */
	if (tries == 4)
		for (k = start; k < snap->nr_rows; k++)
			snap->rows[k].uid = INVALID_UID;
	wamp_counts_read(&snap->exited, &exited);
	wamp_counts_read(&snap->other, &other);
	wamp_counts_read(&sum, &exited);
	wamp_counts_read(&sum, &other);
	wamp_counts_read(&snap->total, &sum);
	snap->folded += folded;
	return true;
}

/*
 * Whether the task of a row still runs and whether @v may see it, and
 * under which pids.  A live task is judged by what it is now: its name and
 * its credentials at this read (so a daemon that dropped to its service
 * user is its user's); an exited one by what it was at its last exec.  A
 * live task is placed in the reader's pid namespace by its pid; an exited
 * one by the namespace it ran in (its inode number), and must have started
 * after that namespace's init, so that a namespace that reuses a dead
 * one's inode number never sees the dead one's tasks.  Called under
 * rcu_read_lock().
 */
static bool wamp_row_view(struct wamp_row *r, const struct wamp_view *v,
			  u64 ns_birth)
{
	struct task_struct *t = wamp_live_task(r->pid, r->start_time);
	kuid_t uid = t ? wamp_cred_uid(__task_cred(t)) : r->uid;

	if (!t)
		r->flags |= WAMP_F_EXITED;
	if (v && !v->all_uids && !uid_eq(uid, v->uid))
		return false;
	if (t)
		get_task_comm(r->comm, t);
	if (!v || v->ns == &init_pid_ns)
		return true;
	if (t) {
		r->pid = task_pid_nr_ns(t, v->ns);
		r->tgid = task_tgid_nr_ns(t, v->ns);
		return r->pid != 0;
	}
	if (r->ns_inum != v->ns->ns.inum || r->start_time < ns_birth)
		return false;
	r->pid = r->vpid;
	r->tgid = r->vtgid;
	return true;
}

/* When the init of @ns started, or U64_MAX if it has none (any more). */
static u64 wamp_ns_birth(struct pid_namespace *ns)
{
	struct task_struct *init;
	u64 birth = U64_MAX;

	rcu_read_lock();
	init = pid_task(find_pid_ns(1, ns), PIDTYPE_PID);
	if (init)
		birth = init->start_time;
	rcu_read_unlock();
	return birth;
}

/*
 * Add the part @r of a task to its row @w.  The part refreshed at the later
 * exec has the name and uid that task had last; parts of one exec that
 * disagree on the uid (it changed identity between CPUs without an exec)
 * leave the row to privileged readers once the task has exited.
 */
static void wamp_row_merge(struct wamp_row *w, const struct wamp_row *r)
{
	s32 newer = (s32)(r->exec_id - w->exec_id);

	wamp_counts_read(&w->c, &r->c);
	if (newer > 0) {
		w->exec_id = r->exec_id;
		w->uid = r->uid;
		memcpy(w->comm, r->comm, WAMP_COMM_LEN);
	} else if (!newer && !uid_eq(w->uid, r->uid)) {
		w->uid = INVALID_UID;
	}
}

/*
 * Merge the per-CPU parts of each task, classify the result and keep the
 * rows @v may see.
 */
static void wamp_snap_merge(struct wamp_snapshot *snap,
			    const struct wamp_view *v)
{
	struct wamp_row *r = snap->rows, *w = snap->rows;
	struct wamp_row *end = snap->rows + snap->nr_rows;
	u64 ns_birth = 0;

	sort(snap->rows, snap->nr_rows, sizeof(*r), wamp_row_cmp, NULL);
	for (; r < end; r++) {
		if (w != snap->rows && !wamp_row_cmp(w - 1, r)) {
			wamp_row_merge(w - 1, r);
			continue;
		}
		if (w != r)
			*w = *r;
		w++;
	}
	end = w;
	if (v && v->ns != &init_pid_ns)
		ns_birth = wamp_ns_birth(v->ns);
	rcu_read_lock();
	for (r = snap->rows, w = snap->rows; r < end; r++) {
		/* Let the CPU go now and then on a long table. */
		if (!((r - snap->rows + 1) % WAMP_SNAP_RESCHED)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
		r->flags = wamp_classify(r->c.writes, r->c.write_bytes,
					 r->c.syncs, r->c.blk_bytes, &snap->th);
		if (!wamp_row_view(r, v, ns_birth))
			continue;
		if (w != r)
			*w = *r;
		w++;
	}
	rcu_read_unlock();
	snap->nr_rows = w - snap->rows;
}

/* Slots claimed (parts of rows) and device entries named, on all CPUs. */
static void wamp_store_used(size_t *slots, size_t *devs)
{
	struct wamp_cpu *c;
	int cpu, i;

	*slots = 0;
	*devs = 0;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		*slots += READ_ONCE(c->used);
		for (i = 0; i < WAMP_DEV_MAX; i++)
			*devs += !!READ_ONCE(c->devs[i].named);
	}
}

void wamp_snapshot_free(struct wamp_snapshot *snap)
{
	if (IS_ERR_OR_NULL(snap))
		return;
	kvfree(snap->devs);
	kvfree(snap);
}

/*
 * A snapshot is memory any reader of /proc/wamp makes the kernel hold until
 * it closes the file: charged to the reader's memory cgroup, and failing
 * with -ENOMEM at its limit rather than invoking its OOM killer or warning.
 */
#define WAMP_GFP_SNAP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
/* Larger than this, a snapshot's arrays are made of single pages. */
#define WAMP_SNAP_KMALLOC_MAX	(4 * PAGE_SIZE)

/*
 * Memory for a snapshot's arrays (freed with kvfree()).  Not kvmalloc():
 * with __GFP_RETRY_MAYFAIL it would try hard for physically contiguous
 * pages, so that any user opening the file in a loop could drive
 * compaction; and a kmalloc'ed array is rounded up to a power of two.
 * Beyond a few pages, vmalloc: order-0 pages, the exact number.
 */
static void *wamp_snap_alloc(size_t size)
{
	if (size <= WAMP_SNAP_KMALLOC_MAX)
		return kmalloc(size, WAMP_GFP_SNAP);
	return __vmalloc(size, WAMP_GFP_SNAP);
}

/*
 * The rows are written in full as they are copied, and a device row when
 * it is first met, so neither array is zeroed: a snapshot costs what the
 * claimed slots cost, not what the table size would.  NULL if there was
 * no room for what was claimed while it copied.
 */
static struct wamp_snapshot *wamp_snap_try(size_t cap, size_t dcap,
					   const struct wamp_view *v)
{
	struct wamp_snapshot *snap;
	struct wamp_cpu *c;
	int cpu;

	snap = wamp_snap_alloc(struct_size(snap, rows, cap));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	memset(snap, 0, sizeof(*snap));
	snap->devs = wamp_snap_alloc(array_size(dcap, sizeof(*snap->devs)));
	if (!snap->devs) {
		kvfree(snap);
		return ERR_PTR(-ENOMEM);
	}
	wamp_params_thresholds(&snap->th);
	snap->slots_cap = num_possible_cpus() << wamp_bits;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		if (!wamp_snap_cpu_stable(snap, cap, c) ||
		    !wamp_snap_devs(snap, dcap, c)) {
			wamp_snapshot_free(snap);
			return NULL;
		}
		wamp_nested_read(&snap->total, c);
		wamp_nested_read(&snap->other, c);
		snap->overflow += READ_ONCE(c->overflow);
		snap->iov_fault += READ_ONCE(c->iov_fault);
		snap->nested += local64_read(&c->nested);
		snap->dev_overflow += local64_read(&c->dev_overflow);
		snap->slots_used += READ_ONCE(c->used);
	}
	wamp_snap_merge(snap, v);
	sort(snap->devs, snap->nr_devs, sizeof(*snap->devs), wamp_dev_cmp,
	     NULL);
	return snap;
}

/*
 * What the reader keeps: the rows it may see and the devices, not the
 * parts of every task it had to copy to merge them.  So an unprivileged
 * reader holds memory for its own rows, however many the table has.  If
 * the smaller copy cannot be had, the larger one is kept (it is charged
 * to the reader as well).
 */
static struct wamp_snapshot *wamp_snap_fit(struct wamp_snapshot *snap,
					   size_t cap)
{
	size_t need = struct_size(snap, rows, snap->nr_rows);
	struct wamp_dev_row *devs;
	struct wamp_snapshot *fit;

	devs = wamp_snap_alloc(array_size(max_t(size_t, snap->nr_devs, 1),
					  sizeof(*devs)));
	if (devs) {
		memcpy(devs, snap->devs, snap->nr_devs * sizeof(*devs));
		kvfree(snap->devs);
		snap->devs = devs;
	}
	if (struct_size(snap, rows, cap) - need < PAGE_SIZE)
		return snap;
	fit = wamp_snap_alloc(need);
	if (!fit)
		return snap;
	memcpy(fit, snap, need);
	kvfree(snap);
	return fit;
}

/*
 * A copy of the store, merged per task, as @view may see it (NULL: all of
 * it).  Never blocks a probe.  Retries with more room if tasks claimed
 * slots or devices while it copied.
 */
struct wamp_snapshot *wamp_store_snapshot(const struct wamp_view *view)
{
	struct wamp_snapshot *snap;
	size_t cap, dcap;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		wamp_store_used(&cap, &dcap);
		cap += WAMP_SNAP_SLACK << tries;
		dcap += WAMP_SNAP_SLACK << tries;
		snap = wamp_snap_try(cap, dcap, view);
		if (snap)
			goto out;
	}
	/* Room for every slot and device entry there is: never too small. */
	cap = (size_t)num_possible_cpus() << wamp_bits;
	dcap = (size_t)num_possible_cpus() * WAMP_DEV_MAX;
	snap = wamp_snap_try(cap, dcap, view);
	if (WARN_ON_ONCE(!snap))
		return ERR_PTR(-EAGAIN);
out:
	return IS_ERR(snap) ? snap : wamp_snap_fit(snap, cap);
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
		if (!c->slots || !c->order || !c->devs)
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

	if (!wamp_cpus)
		return;
	for_each_possible_cpu(cpu) {
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->slots);
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->order);
		kvfree(per_cpu_ptr(wamp_cpus, cpu)->devs);
	}
	free_percpu(wamp_cpus);
	wamp_cpus = NULL;
}
