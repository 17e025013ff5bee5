/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wampstat --stacks: the kernel stacks that submitted the bios charged to
 * each task (debugfs wamp/stacks, sampled), grouped per task, process or
 * command like the other views, filtered like them, and printed the way
 * perf report --stdio --no-children prints call chains (or as JSON).
 */
#ifndef WSSTACKS_H
#define WSSTACKS_H

#include <stdio.h>
#include "wampparse.h"
#include "wsview.h"

/* A row of the view: a task's, a process's or a command's stacks. */
struct ws_stack_group {
	long long pid;		/* tasks: pid; processes: tgid; else -1 */
	long long tgid;		/* tasks: tgid; else -1 */
	char name[80];		/* comm, unescaped */
	int ntasks;		/* tasks (pids) with stacks in it */
	unsigned long long bios, bytes;	/* sampled */
	size_t n;
	const struct wampp_stack **st;	/* by bytes, largest first */
};

struct ws_stack_view {
	const struct wampp_stacks *s;
	enum ws_view view;	/* WS_TASKS, WS_PROCS or WS_COMMS */
	size_t n;
	struct ws_stack_group *g;	/* by sampled bytes, largest first */
};

/*
 * Group the records of @s by @o->view, keeping those of -p and --comm
 * and, when @keep is not NULL, only those of a task row of @keep (a task
 * view of the report built with the same options: --cgroup, --container).
 * 0, or -1 out of memory.  The view points into @s.
 */
int ws_stacks_build(const struct wampp_stacks *s, const struct ws_result *keep,
		    const struct ws_opts *o, struct ws_stack_view *v);
void ws_stacks_free(struct ws_stack_view *v);

/* The group of a row of a ws_build() of the same view, or NULL. */
const struct ws_stack_group *ws_stacks_find(const struct ws_stack_view *v,
					    const struct ws_ent *e);

/*
 * Text: per group (at most @o->top, 0: all) its stacks (as many), each
 * with its share of the group's sampled bytes, class, bios, bytes and the
 * estimate (bytes x sample), frames innermost first; JSON the same.
 */
void ws_print_stacks(FILE *f, const struct ws_stack_view *v,
		     const struct ws_opts *o);
void ws_print_stacks_json(FILE *f, const struct ws_stack_view *v,
			  const struct ws_opts *o, long long timestamp);

/* @frame without its "+0x1a0/0x5e0" (the module's name stays). */
void ws_frame_short(const char *frame, char *buf, size_t len);

/*
 * Why the stacks at @path cannot be read (errno @err), for the user:
 * @live is the default path on this system, @r the live report if it was
 * read (its format says whether the module has stacks at all).
 */
void ws_stacks_why(const char *path, int err, bool live,
		   const struct wampp_report *r, char *msg, size_t len);

#endif /* WSSTACKS_H */
