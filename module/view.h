/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The view policy: who may see which rows, and under which pids.  See
 * README, "Security".
 */
#ifndef WAMP_VIEW_H
#define WAMP_VIEW_H

#include <linux/cred.h>
#include <linux/types.h>
#include <linux/uidgid.h>

struct cgroup;
struct cgroup_namespace;
struct pid_namespace;
struct task_struct;
struct wamp_cg_row;
struct wamp_row;

/*
 * Who reads, and so which rows a snapshot keeps: the tasks of the pid
 * namespace of the reader's /proc (with that namespace's pids), and of
 * those only the reader's own unless the reader has CAP_SYS_ADMIN; of the
 * cgroups, its own and those below it (every one with CAP_SYS_ADMIN), with
 * their paths from the root of its cgroup namespace (@cgns, the opener's).
 * NULL: every row, as the init namespace numbers it, with paths as
 * current's cgroup namespace has them.
 */
struct wamp_view {
	struct pid_namespace *ns;
	struct cgroup_namespace *cgns;
	bool all_uids;
	kuid_t uid;
};

/*
 * The uid a task is shown under: its uid if its real, effective and saved
 * uids agree, and so do its gids (no setuid or setgid program: what
 * /proc/PID/io's ptrace check asks of a task's credentials), else
 * INVALID_UID: only a privileged reader sees it.
 */
static inline kuid_t wamp_cred_uid(const struct cred *cred)
{
	return uid_eq(cred->uid, cred->euid) && uid_eq(cred->uid, cred->suid) &&
	       gid_eq(cred->gid, cred->egid) && gid_eq(cred->gid, cred->sgid) ?
	       cred->uid : INVALID_UID;
}

struct wamp_thresholds;

struct task_struct *wamp_live_task(pid_t pid, u64 start_time);
unsigned int wamp_view_flags(const struct wamp_row *r,
			     const struct wamp_thresholds *th);
unsigned int wamp_view_cg_flags(const struct wamp_cg_row *r,
				const struct wamp_thresholds *th);
u64 wamp_view_ns_birth(const struct wamp_view *v);
bool wamp_view_row(struct wamp_row *r, const struct wamp_view *v,
		   u64 ns_birth);
struct cgroup_namespace *wamp_view_cgns(const struct wamp_view *v);
bool wamp_view_cgroup(struct cgroup *cgrp, const struct wamp_view *v);

#endif /* WAMP_VIEW_H */
