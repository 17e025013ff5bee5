/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-CPU tables and their hot path: what a task counted on one CPU
 * (its slot), what a device was sent from one CPU, and the inline code
 * the probes run to count one event.  See table.c for the rules.
 */
#ifndef WAMP_TABLE_H
#define WAMP_TABLE_H

#include <linux/types.h>
#include <linux/cache.h>
#include <linux/cgroup.h>
#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/instrumented.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/uidgid.h>
#include <asm/local64.h>
#include "wamp.h"
#include "cgroup.h"
#include "stack.h"

struct gendisk;

/*
 * What one task (or the (other) row, or the totals) counted: the task
 * counters, then the write-size histogram, all of them u64 counts that
 * folding, merging and resetting treat alike, as @all.
 */
#define WAMP_COUNTS_NR	(WAMP_TC_NR + WAMP_HIST_NR)

/* The io_ counters are consecutive, in the order of the classes. */
#define WAMP_IO_CHECK(name)						\
	static_assert(WAMP_TC_io_##name == WAMP_TC_io_fsync + WAMP_IO_##name);
WAMP_IO_CLASSES(WAMP_IO_CHECK)

struct wamp_counts {
	union {
		struct {
			WAMP_TASK_COUNTS_MEMBERS;
			u64 hist[WAMP_HIST_NR];
		};
		u64 all[WAMP_COUNTS_NR];
	};
};

/*
 * The events the probes count, and the task counters each one adds to:
 * X(event, counter it adds one to, counters it adds its bytes to), NONE
 * for none.  The WB_ events are bios of page-cache writeback charged to
 * the task that dirtied the file, which another task submitted: they add
 * to blk_bytes and, as its part written back for it, to wb_bytes; the
 * JRNL_ events are a task's share of a journal commit (jrnl_bytes).
 */
#define WAMP_EVENTS(X)							\
	X(WRITE, writes, write_bytes, NONE)	/* a write syscall */	\
	X(SYNC, syncs, NONE, NONE)		/* a sync syscall */	\
	X(BLK_RQ, blk_reqs, blk_bytes, NONE)	/* a new request for a bio */ \
	X(BLK_MERGE, NONE, blk_bytes, NONE)	/* a bio merged into one */ \
	X(WB_RQ, blk_reqs, blk_bytes, wb_bytes)	/* the same, written back */ \
	X(WB_MERGE, NONE, blk_bytes, wb_bytes)				\
	X(JRNL_RQ, blk_reqs, blk_bytes, jrnl_bytes) /* its journal share */ \
	X(JRNL_MERGE, NONE, blk_bytes, jrnl_bytes)			\
	X(DIRTY, NONE, dirtied, NONE)		/* page cache dirtied */

#define WAMP_TC_NONE	(-1)
#define WAMP_EVENT_ENUM(ev, n, b, b2)	WAMP_EV_##ev,

enum wamp_event { WAMP_EVENTS(WAMP_EVENT_ENUM) WAMP_EV_NR };

/*
 * The counter an event adds one to, and the ones it adds its bytes to
 * (WAMP_TC_NONE: none).  Constant for a constant @e: the probes inline
 * straight-line code for their own event.
 */
#define WAMP_EVENT_COUNT(ev, n, b, b2)	e == WAMP_EV_##ev ? WAMP_TC_##n :
#define WAMP_EVENT_BYTES(ev, n, b, b2)	e == WAMP_EV_##ev ? WAMP_TC_##b :
#define WAMP_EVENT_BYTES2(ev, n, b, b2)	e == WAMP_EV_##ev ? WAMP_TC_##b2 :

static __always_inline int wamp_event_count(enum wamp_event e)
{
	return WAMP_EVENTS(WAMP_EVENT_COUNT) WAMP_TC_NONE;
}

static __always_inline int wamp_event_bytes(enum wamp_event e)
{
	return WAMP_EVENTS(WAMP_EVENT_BYTES) WAMP_TC_NONE;
}

static __always_inline int wamp_event_bytes2(enum wamp_event e)
{
	return WAMP_EVENTS(WAMP_EVENT_BYTES2) WAMP_TC_NONE;
}

#define WAMP_LOCAL64_FIELD(name, ...)	local64_t name;

/*
 * One block device as one CPU saw it at block_rq_issue.  Claimed with
 * cmpxchg_local() and counted with local64: the issue probe runs in any
 * context (task, softirq, hardirq) and may interrupt itself on one CPU.
 */
struct wamp_dev {
	u32 devt;		/* 0: free; claimed with cmpxchg_local() */
	u32 named;		/* @name written: release-stored after it */
	char name[WAMP_DISK_LEN];
	union {
		struct {
			WAMP_DEV_COUNTERS(WAMP_LOCAL64_FIELD)
		};
		local64_t dc[WAMP_DC_NR];
	};
};

#define WAMP_DEV_MAX	32	/* devices per CPU table */
#define WAMP_WINDOW	16	/* slots a task may use, from its hash on */
#define WAMP_SLOT_USED	1u

/*
 * Who a task is, as a slot records it: what wamp_slot_own() copies into a
 * slot it claims, and what the inode-owner table keeps of the task that
 * dirtied a file, so that its writeback can claim a slot for it on any
 * CPU, even after it exited (owner.c).
 */
struct wamp_ident {
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	kuid_t uid;
	u32 ns_inum;
	pid_t vpid;
	pid_t vtgid;
	u32 exec_id;
	char comm[WAMP_COMM_LEN];
};

/*
 * One slot of a CPU's table: 368 bytes.  A task is identified by its pid
 * and its start time, so a task that inherits a recycled pid never lands
 * in a dead task's slot.  Only the owning CPU writes a slot; @state is
 * published last with a release store, and readers on other CPUs acquire
 * it first.
 *
 * @uid is the task's uid if its real, effective and saved uids agreed when
 * it claimed the slot or last exec'd (the rule of /proc/PID/io), else
 * INVALID_UID: readers use it for exited tasks only (a live task is judged
 * by its credentials at read time).  @comm and @uid are refreshed when the
 * task's exec count (@exec_id, the low half of self_exec_id) moves on, so
 * an exited task keeps the name of its last exec.  @ns_inum, @vpid and
 * @vtgid place the task in its own pid namespace, for readers there once
 * it has exited.  @cge is the cgroup entry of the task's last counted
 * syscall on this CPU (NULL: none, or no room), which a syscall counts
 * into without a lookup while the task stays in that cgroup, and @ran
 * the task's run time then: of a task that ran on several CPUs, the part
 * that ran last names the cgroup shown once it has exited (moving to
 * another CPU accounts its run time, so the parts never tie).
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
	struct wamp_cg *cge;
	u64 ran;
};

/*
 * Per-CPU state.  @busy detects a probe nested inside a probe on the same
 * CPU (an interrupt, or a reset); the nested one counts only into the
 * local64 counters, which are interrupt-safe on the local CPU.  There is
 * no per-CPU total: a reader sums the slots, (other), the exited row and
 * the nested counters it copied, so the probe counts every event once and
 * the totals always agree with the rows.
 *
 * @gen is a seqcount: odd while a slot changes hands or is renamed, or a
 * reset runs, so that readers copying this CPU's table copy again.  Its
 * writers run on this CPU with preemption disabled; the raw_ accessors are
 * used because they may run in a probe, where lockdep must not recurse.
 */
struct wamp_cpu {
	unsigned int busy;
	unsigned int used;		/* slots claimed: entries of @order */
	struct wamp_slot *slots;
	u32 hash_shift;			/* 32 - log2(table size) */
	u32 mask;			/* table size - 1 */
	u16 *order;			/* claimed slots, in claim order */
	struct wamp_dev *devs;
	seqcount_t gen;
	unsigned long reclaim_after;	/* jiffies: no fold scan before */
	struct wamp_counts other;
	struct wamp_counts exited;	/* folded rows of exited tasks */
	u64 folded;
	u64 overflow;
	u64 iov_fault;
	local64_t nested;
	local64_t nested_tc[WAMP_COUNTS_NR];	/* as wamp_counts.all */
	local64_t dev_overflow;
	local64_t wb_unowned;		/* writeback bios of no known owner */
	local64_t wb_unowned_bytes;
	local64_t owner_evicted;	/* owners dropped for lack of room */
	local64_t jrnl_kept_bytes;	/* journal bytes left to jbd2 */
	struct wamp_cg_table cg;	/* the cgroups counted here */
	struct wamp_stack_table stk;	/* the stacks sampled here */
};

/*
 * How wamp_store_account() charges an event: flags, and for a bio the I/O
 * class its bytes go to (enum wamp_io_class, in bits 8 and up).
 */
#define WAMP_ACC_IOV_FAULT	0x1u	/* the iovec array was unreadable */
#define WAMP_ACC_OTHER		0x2u	/* no task to charge: (other) */
#define WAMP_ACC_STACK		0x4u	/* a sampled bio: note its stack */
#define WAMP_ACC_SHARE		0x8u	/* ... but not as a bio of its own */
#define WAMP_ACC_CLASS_SHIFT	8
#define WAMP_ACC_CLASS(cls)	(((unsigned int)(cls) + 1) << WAMP_ACC_CLASS_SHIFT)

/* The class @how carries; a bio charged without one is (other)'s. */
static __always_inline unsigned int wamp_acc_cls(unsigned int how)
{
	unsigned int k = how >> WAMP_ACC_CLASS_SHIFT;

	return k && k <= WAMP_IO_NR ? k - 1 : WAMP_IO_other;
}

extern struct wamp_cpu __percpu *wamp_cpus;
extern unsigned int wamp_bits;

int wamp_store_init(void);
void wamp_store_exit(void);
void wamp_store_reset(void);
struct wamp_dev *wamp_store_dev(struct gendisk *disk);
void wamp_store_cpu_stats(int cpu, unsigned int *used, u64 *overflow,
			  u64 *nested);
size_t wamp_store_bytes_per_cpu(void);
void wamp_ident_current(struct wamp_ident *id, bool sys);
void wamp_store_account_for(const struct wamp_ident *id, enum wamp_event ev,
			    u64 bytes, unsigned int how);
void wamp_store_unowned(u64 bytes);
void wamp_store_jrnl_kept(u64 bytes);
void wamp_store_cg_bio(struct cgroup *cgrp, enum wamp_event ev, u64 bytes);
void wamp_store_read_lock(void);
void wamp_store_read_unlock(void);

/* The slow paths of the inline code below (table.c). */
struct wamp_slot *wamp_slot_claim(struct wamp_cpu *c, u32 i, bool sys,
				  const struct wamp_ident *id);
struct wamp_slot *wamp_slot_reclaim(struct wamp_cpu *c, u32 i, bool sys,
				    const struct wamp_ident *id);
struct wamp_cg_counts *wamp_slot_cg(struct wamp_cpu *c, struct wamp_slot *s,
				    struct cgroup *cgrp);
void wamp_slot_refresh(struct wamp_cpu *c, struct wamp_slot *s);
void wamp_account_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes,
			 unsigned int how);
void wamp_cg_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes);

/* The write-size bucket of @bytes: wamp.h's wamp_hist_bucket(), inline. */
static __always_inline unsigned int wamp_write_bucket(u64 bytes)
{
	return min_t(unsigned int, fls64(bytes), WAMP_HIST_NR - 1);
}

/*
 * The counters of wamp_counts.all an event adds to besides its own: the
 * write-size bucket of a write syscall, the I/O class of a bio's bytes
 * (@how).  -1: none.
 */
static __always_inline int wamp_event_hist(enum wamp_event e, u64 bytes)
{
	if (e != WAMP_EV_WRITE)
		return -1;
	return WAMP_TC_NR + wamp_write_bucket(bytes);
}

static __always_inline int wamp_event_class(enum wamp_event e,
					    unsigned int how)
{
	if (wamp_event_bytes(e) != WAMP_TC_blk_bytes)
		return -1;
	return WAMP_TC_io_fsync + wamp_acc_cls(how);
}

/*
 * Add @v to a counter that only this CPU writes and other CPUs read: one
 * add to memory, so that a reader sees the value before or after it, never
 * a torn one, and the compiler cannot split it: what WRITE_ONCE(*p, *p +
 * v) guarantees in three instructions (a load, an add, a store), in one.
 * Not atomic against other CPUs, which never write it; interrupts on this
 * CPU count elsewhere (@busy).  x86_64 only, as the module is.
 */
static __always_inline void wamp_count(u64 *p, u64 v)
{
	/* What KASAN and KCSAN would check of a plain write. */
	instrument_write(p, sizeof(*p));
	asm volatile("addq %1, %0" : "+m" (*p) : "er" (v));
}

/*
 * Enter the counted section of this CPU: true if a probe is in it already
 * (this one interrupted it).  One increment of memory and a compare, a
 * compiler barrier after them (the section must stay after the increment).
 */
static __always_inline bool wamp_busy_enter(struct wamp_cpu *c)
{
	instrument_write(&c->busy, sizeof(c->busy));
	asm volatile("incl %0" : "+m" (c->busy) : : "memory");
	return c->busy != 1;
}

/* Leave it, the compiler barrier before the decrement. */
static __always_inline void wamp_busy_exit(struct wamp_cpu *c)
{
	barrier();
	c->busy--;
}

static __always_inline void wamp_counts_add(struct wamp_counts *c,
					    enum wamp_event ev, u64 bytes,
					    unsigned int how)
{
	const int n = wamp_event_count(ev), b = wamp_event_bytes(ev);
	const int b2 = wamp_event_bytes2(ev);
	const int k = wamp_event_class(ev, how);

	if (n != WAMP_TC_NONE)
		wamp_count(&c->tc[n], 1);
	if (b != WAMP_TC_NONE)
		wamp_count(&c->tc[b], bytes);
	if (b2 != WAMP_TC_NONE)
		wamp_count(&c->tc[b2], bytes);
	/*
	 * wamp_event_hist()'s counter; through a pointer, as the bucket is
	 * bounded already (an array subscript costs a UBSAN_BOUNDS check).
	 */
	if (ev == WAMP_EV_WRITE)
		wamp_count((u64 *)c->hist + wamp_write_bucket(bytes), 1);
	if (k >= 0)
		wamp_count(&c->all[k], bytes);
}

/*
 * Add an event to a cgroup's counts: the task counters of the same index
 * (wamp.h), for the events a cgroup counts (syscalls, and bios at their
 * request or merge).
 */
static __always_inline void wamp_cg_add(struct wamp_cg_counts *cc,
					enum wamp_event ev, u64 bytes)
{
	const int n = wamp_event_count(ev), b = wamp_event_bytes(ev);

	if (n != WAMP_TC_NONE && n < WAMP_CG_NR)
		wamp_count(&cc->cc[n], 1);
	if (b != WAMP_TC_NONE && b < WAMP_CG_NR)
		wamp_count(&cc->cc[b], bytes);
}

/*
 * A task's slot on this CPU: found, claimed, or one of an exited task's
 * taken over (its counts folded); NULL if there is none ((other)).  The
 * task is current (@id NULL) or the one @id records (a bio charged to the
 * task that dirtied its pages, alive or not).  @sys: called for a syscall
 * of current, the only place the task's name and uid are taken after an
 * exec (see wamp_slot_ident()).  @t is current, read once by the caller.
 */
/*
 * The first slot of @pid's window in @c: hash_shift is 32 - log2(table
 * size), 16..28, and the mask tells UBSAN so.
 */
static __always_inline u32 wamp_slot_home(const struct wamp_cpu *c, pid_t pid)
{
	return __hash_32((u32)pid) >> (c->hash_shift & 31);
}

/* @s holds the task (@pid, @start_time): used, and that task's. */
static __always_inline bool wamp_slot_holds(const struct wamp_slot *s,
					    pid_t pid, u64 start_time)
{
	return s->pid == pid && s->start_time == start_time && s->state;
}

static __always_inline struct wamp_slot *
wamp_slot_find(struct wamp_cpu *c, struct task_struct *t, bool sys,
	       const struct wamp_ident *id)
{
	pid_t pid = id ? id->pid : t->pid;
	u64 start_time = id ? id->start_time : t->start_time;
	u32 i = wamp_slot_home(c, pid), first = i;
	struct wamp_slot *s;
	unsigned int n;

	/* The first slot of the window, where a task almost always is. */
	s = &c->slots[i];
	if (likely(wamp_slot_holds(s, pid, start_time)))
		goto found;
	for (n = 0;;) {
		if (!s->state)
			return wamp_slot_claim(c, i, sys, id);
		if (s->pid == pid && s->start_time == start_time)
			goto found;
		if (++n == WAMP_WINDOW)
			return wamp_slot_reclaim(c, first, sys, id);
		i = (i + 1) & c->mask;
		s = &c->slots[i];
	}
found:
	/* The task exec'd since: its name (and uid) changed. */
	if (!id && sys && unlikely(s->exec_id != (u32)t->self_exec_id))
		wamp_slot_refresh(c, s);
	return s;
}

/* @e, a slot's cgroup entry, is (still) @cgrp's. */
static __always_inline bool wamp_cge_holds(const struct wamp_cg *e,
					   const struct cgroup *cgrp)
{
	return e && e->cgrp == cgrp;
}

/*
 * The counts of current's cgroup for a syscall: its slot's entry while it
 * stays in the cgroup of its last syscall here, else found anew (table.c).
 * Preemption is disabled here: an RCU reader (what task_css_set() checks
 * for), so current's css_set stays, and so does its cgroup, for a
 * reference to be taken on it: a cgroup whose css_set moved away is
 * released only after its self css is killed, which waits for a grace
 * period.
 */
static __always_inline struct wamp_cg_counts *
wamp_sys_cg(struct wamp_cpu *c, struct wamp_slot *s, struct task_struct *t)
{
	struct cgroup *cgrp = task_dfl_cgroup(t);
	struct wamp_cg *e = s ? s->cge : NULL;

	if (likely(wamp_cge_holds(e, cgrp)))
		return &e->c;
	return wamp_slot_cg(c, s, cgrp);
}

/*
 * Count one event for current, for the task @id records (NULL: current),
 * or for (other) with WAMP_ACC_OTHER.  A syscall is also counted for
 * current's cgroup.  Callable from any context.  Inlined with constant
 * @ev, @how and @id, so that each caller gets the straight-line code of
 * its own event.
 */
static __always_inline void wamp_store_charge(const struct wamp_ident *id,
					      enum wamp_event ev, u64 bytes,
					      unsigned int how)
{
	const bool sys = !id && (ev == WAMP_EV_WRITE || ev == WAMP_EV_SYNC);
	/* Once: the counting asm between would make gcc load it again. */
	struct task_struct *t = current;
	struct wamp_slot *s = NULL;
	struct wamp_cpu *c;

	/*
	 * Syscall probes run preemptible since 6.13 (faultable tracepoints),
	 * the ftrace hook's callback on every kernel: pin the CPU
	 * ourselves.  _notrace, as in the kernel's own probes.
	 */
	preempt_disable_notrace();
	c = this_cpu_ptr(wamp_cpus);
	/*
	 * The compiler must keep the counted section between the increment
	 * and the decrement of @busy (an interrupt on this CPU reads it): a
	 * compiler barrier on each side (the increment's asm clobbers
	 * memory), as perf's get_recursion_context() does.
	 */
	if (unlikely(wamp_busy_enter(c))) {
		wamp_account_nested(c, ev, bytes, how);
		if (sys)
			wamp_cg_nested(c, ev, bytes);
		goto out;
	}
	if (unlikely(how & WAMP_ACC_IOV_FAULT))
		WRITE_ONCE(c->iov_fault, c->iov_fault + 1);
	if (!(how & WAMP_ACC_OTHER))
		s = wamp_slot_find(c, t, sys, id);
	if (sys) {
		wamp_cg_add(wamp_sys_cg(c, s, t), ev, bytes);
		if (s)
			WRITE_ONCE(s->ran, t->se.sum_exec_runtime);
	}
	wamp_counts_add(s ? &s->c : &c->other, ev, bytes, how);
	if (unlikely(how & WAMP_ACC_STACK) && s)
		wamp_stack_note(c, s, bytes, wamp_acc_cls(how),
				!(how & WAMP_ACC_SHARE));
out:
	wamp_busy_exit(c);
	preempt_enable_notrace();
}

/*
 * wamp_store_account(WAMP_EV_WRITE, @bytes, 0) in its common case, in
 * straight-line code: no probe is in this CPU's counted section, current's
 * slot is the first of its window and has not seen an exec since, and its
 * cgroup entry is still current's cgroup's.  Then it counts exactly what
 * wamp_store_charge() counts and returns true; else it counts nothing and
 * returns false, for the caller to take the general path.  It calls
 * nothing, so its caller saves no register (probe.c).
 */
static __always_inline bool wamp_store_write_hit(u64 bytes)
{
	struct task_struct *t = current;
	struct wamp_slot *s;
	struct wamp_cpu *c;
	struct wamp_cg *e;

	preempt_disable_notrace();
	c = this_cpu_ptr(wamp_cpus);
	if (unlikely(wamp_busy_enter(c)))
		goto miss;
	s = &c->slots[wamp_slot_home(c, t->pid)];
	if (unlikely(!wamp_slot_holds(s, t->pid, t->start_time)))
		goto miss;
	if (unlikely(s->exec_id != (u32)t->self_exec_id))
		goto miss;
	e = s->cge;
	if (unlikely(!wamp_cge_holds(e, task_dfl_cgroup(t))))
		goto miss;
	wamp_cg_add(&e->c, WAMP_EV_WRITE, bytes);
	WRITE_ONCE(s->ran, t->se.sum_exec_runtime);
	wamp_counts_add(&s->c, WAMP_EV_WRITE, bytes, 0);
	wamp_busy_exit(c);
	preempt_enable_notrace();
	return true;
miss:
	wamp_busy_exit(c);
	preempt_enable_notrace();
	return false;
}

/*
 * Count one event for current, or for (other) with WAMP_ACC_OTHER; a bio's
 * bytes for the class @how carries (WAMP_ACC_CLASS()).
 */
static __always_inline void wamp_store_account(enum wamp_event ev, u64 bytes,
					       unsigned int how)
{
	wamp_store_charge(NULL, ev, bytes, how);
}

#endif /* WAMP_TABLE_H */
