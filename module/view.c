// SPDX-License-Identifier: GPL-2.0
/*
 * The view policy: whether the task of a merged row still runs, whether
 * a reader may see it, and under which name and pids (README, "Security");
 * and the flags it is printed with, found at print time.
 */
#include <linux/kernel.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include "snapshot.h"
#include "view.h"

/*
 * The task (@pid, @start_time) if it still runs, else NULL.  PF_EXITING is
 * set first thing in do_exit(), before a joined thread's tid is cleared
 * and long before the task is released, so a task that has called exit is
 * never taken for alive.  Called under rcu_read_lock().
 */
struct task_struct *wamp_live_task(pid_t pid, u64 start_time)
{
	struct task_struct *t = pid_task(find_pid_ns(pid, &init_pid_ns),
					 PIDTYPE_PID);

	if (!t || t->start_time != start_time ||
	    (READ_ONCE(t->flags) & PF_EXITING))
		return NULL;
	return t;
}

/*
 * When the init of @v's pid namespace started (0 for the init namespace
 * or no view), or U64_MAX if it has none (any more).
 */
u64 wamp_view_ns_birth(const struct wamp_view *v)
{
	struct task_struct *init;
	u64 birth = U64_MAX;

	if (!v || v->ns == &init_pid_ns)
		return 0;
	rcu_read_lock();
	init = pid_task(find_pid_ns(1, v->ns), PIDTYPE_PID);
	if (init)
		birth = init->start_time;
	rcu_read_unlock();
	return birth;
}

/*
 * Whether the task of a row still runs and whether @v may see it, and
 * under which pids.  A live task is judged by what it is now: its name and
 * its credentials at this read (so a daemon that dropped to its service
 * user is its user's); an exited one by what it was at its last exec.  A
 * live task is placed in the reader's pid namespace by its pid; an exited
 * one by the namespace it ran in (its inode number), and must have started
 * after that namespace's init (@ns_birth), so that a namespace that reuses
 * a dead one's inode number never sees the dead one's tasks.  A live
 * task's cgroup is the one it is in now.  Called under rcu_read_lock().
 */
bool wamp_view_row(struct wamp_row *r, const struct wamp_view *v,
		   u64 ns_birth)
{
	struct task_struct *t = wamp_live_task(r->pid, r->start_time);
	kuid_t uid = t ? wamp_cred_uid(__task_cred(t)) : r->uid;

	if (!t)
		r->flags |= WAMP_F_EXITED;
	if (v && !v->all_uids && !uid_eq(uid, v->uid))
		return false;
	if (t) {
		get_task_comm(r->comm, t);
		r->cgid = cgroup_id(task_dfl_cgroup(t));
	}
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

/* The cgroup namespace whose root the paths are relative to. */
struct cgroup_namespace *wamp_view_cgns(const struct wamp_view *v)
{
	return v && v->cgns ? v->cgns : current->nsproxy->cgroup_ns;
}

/*
 * Whether @v may see the row of @cgrp: a privileged reader every row; any
 * other its own cgroup (the opener's, now) and the cgroups below it, or
 * only its own if that is the root.  Not
 * every cgroup whose io.stat it could read: the syscall columns are what
 * /proc/PID/io keeps to a task's owner (another user's session scope would
 * show when its user types), and a cgroup's owner is not known here.
 * Called in the reader's context, under rcu_read_lock().
 */
bool wamp_view_cgroup(struct cgroup *cgrp, const struct wamp_view *v)
{
	struct cgroup *own;

	if (!v || v->all_uids)
		return true;
	own = task_dfl_cgroup(current);
	/* In the root (no systemd): the root's own row, not every one. */
	if (!cgroup_parent(own))
		return cgrp == own;
	return cgroup_is_descendant(cgrp, own);
}

/* The flags a row is printed with: its state and, at @th, its findings. */
unsigned int wamp_view_flags(const struct wamp_row *r,
			     const struct wamp_thresholds *th)
{
	return r->flags | wamp_classify(r->c.writes, r->c.write_bytes,
					r->c.syncs, r->c.blk_bytes, th);
}

/* The same for a cgroup row. */
unsigned int wamp_view_cg_flags(const struct wamp_cg_row *r,
				const struct wamp_thresholds *th)
{
	return r->flags | wamp_classify(r->c.cc[WAMP_TC_writes],
					r->c.cc[WAMP_TC_write_bytes],
					r->c.cc[WAMP_TC_syncs],
					r->c.cc[WAMP_TC_blk_bytes], th);
}
