/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The store's hot path, inlined into the probes: counting one event for
 * current on this CPU.  See store.c for the rules it follows.
 */
#ifndef WAMP_ACCOUNT_H
#define WAMP_ACCOUNT_H

#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include "internal.h"

#define WAMP_PROBE_MAX		16

extern struct wamp_cpu __percpu *wamp_cpus;
extern unsigned int wamp_bits;

struct wamp_counts *wamp_slot_claim(struct wamp_cpu *c, u32 i, bool sys);
struct wamp_counts *wamp_slot_reclaim(struct wamp_cpu *c, u32 i, bool sys);
void wamp_slot_refresh(struct wamp_cpu *c, struct wamp_slot *s);
void wamp_account_nested(struct wamp_cpu *c, enum wamp_event ev, u64 bytes);

static __always_inline void wamp_counts_add(struct wamp_counts *c,
					    enum wamp_event ev, u64 bytes)
{
	switch (ev) {
	case WAMP_EV_SYNC:
		WRITE_ONCE(c->syncs, c->syncs + 1);
		break;
	case WAMP_EV_BLK_RQ:
		WRITE_ONCE(c->blk_reqs, c->blk_reqs + 1);
		fallthrough;
	case WAMP_EV_BLK_MERGE:
		WRITE_ONCE(c->blk_bytes, c->blk_bytes + bytes);
		break;
	default:
		WRITE_ONCE(c->writes, c->writes + 1);
		WRITE_ONCE(c->write_bytes, c->write_bytes + bytes);
		break;
	}
}

/*
 * The counts of @current's slot on this CPU: found, claimed, or one of an
 * exited task's taken over (its counts folded); (other) if there is none.
 * @sys: called for a syscall, the only place the task's name and uid are
 * taken after an exec (see wamp_slot_ident()).
 */
static __always_inline struct wamp_counts *wamp_slot_counts(struct wamp_cpu *c,
							    bool sys)
{
	struct task_struct *t = current;
	u32 i = __hash_32((u32)t->pid) >> c->hash_shift, first = i;
	struct wamp_slot *s;
	unsigned int n;

	for (n = 0; n < WAMP_PROBE_MAX; n++, i = (i + 1) & c->mask) {
		s = &c->slots[i];
		if (!s->state)
			return wamp_slot_claim(c, i, sys);
		if (s->pid == t->pid && s->start_time == t->start_time) {
			/* The task exec'd since: its name (and uid) changed. */
			if (sys && unlikely(s->exec_id != (u32)t->self_exec_id))
				wamp_slot_refresh(c, s);
			return &s->c;
		}
	}
	return wamp_slot_reclaim(c, first, sys);
}

/*
 * Count one event for current, or for (other) with WAMP_ACC_OTHER.
 * Callable from any context.  Inlined with constant @ev and @how, so that
 * each caller gets the straight-line code of its own event.
 */
static __always_inline void wamp_store_account(enum wamp_event ev, u64 bytes,
					       unsigned int how)
{
	struct wamp_cpu *c;
	bool sys;

	/*
	 * Syscall probes run preemptible since 6.13 (faultable tracepoints):
	 * pin the CPU ourselves.  _notrace, as in the kernel's own probes.
	 */
	preempt_disable_notrace();
	c = this_cpu_ptr(wamp_cpus);
	/*
	 * The compiler must keep the counted section between the increment
	 * and the decrement of @busy (an interrupt on this CPU reads it): a
	 * barrier() on each side, as perf's get_recursion_context() does.
	 */
	if (unlikely(c->busy++)) {
		barrier();
		wamp_account_nested(c, ev, bytes);
		goto out;
	}
	barrier();
	if (unlikely(how & WAMP_ACC_IOV_FAULT))
		WRITE_ONCE(c->iov_fault, c->iov_fault + 1);
	sys = ev == WAMP_EV_WRITE || ev == WAMP_EV_SYNC;
	wamp_counts_add(how & WAMP_ACC_OTHER ? &c->other :
			wamp_slot_counts(c, sys), ev, bytes);
out:
	barrier();
	c->busy--;
	preempt_enable_notrace();
}

#endif /* WAMP_ACCOUNT_H */
