// SPDX-License-Identifier: GPL-2.0
/*
 * Finding and registering the tracepoints.  raw_syscalls:sys_enter is not
 * exported to modules, so it is looked up by name with
 * for_each_kernel_tracepoint(), the way samples/trace_events does it.
 * A required tracepoint that is missing fails the load; an optional one is
 * logged and its feature stays off.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/tracepoint.h>
#include <linux/blkdev.h>
#include <trace/events/syscalls.h>
#include <trace/events/block.h>
#include <trace/events/writeback.h>
#include <linux/jbd2.h>
#include <trace/events/jbd2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include "jrnl.h"
#include "params.h"
#include "tp.h"

/*
 * Re-declare what we expect of each probe: if a kernel changes the
 * prototype, the build breaks here instead of the probe misreading its
 * arguments.  register_trace_<name>() is never called (not exported),
 * only its type is looked at.
 */
typedef void (*wamp_sys_enter_probe_t)(void *data, struct pt_regs *regs,
				       long id);
static_assert(__same_type(&register_trace_sys_enter,
			  int (*)(wamp_sys_enter_probe_t, void *)));
static_assert(__same_type(&wamp_probe_sys_enter, wamp_sys_enter_probe_t));

#define WAMP_CHECK_PROBE(tp, probe) \
	static_assert(__same_type(&register_trace_##tp, \
				  int (*)(__typeof__(probe) *, void *)))
WAMP_CHECK_PROBE(block_getrq, wamp_probe_getrq);
WAMP_CHECK_PROBE(block_bio_backmerge, wamp_probe_bio_merge);
WAMP_CHECK_PROBE(block_bio_frontmerge, wamp_probe_bio_merge);
WAMP_CHECK_PROBE(block_rq_issue, wamp_probe_rq_issue);
WAMP_CHECK_PROBE(block_rq_requeue, wamp_probe_rq_requeue);
#define WAMP_CHECK_PROBE_OF(tp, probe)	WAMP_CHECK_PROBE(tp, probe)
WAMP_CHECK_PROBE_OF(WAMP_DIRTY_TP, wamp_probe_dirty);
WAMP_CHECK_PROBE(jbd2_handle_stats, wamp_probe_jbd2_handle_stats);
WAMP_CHECK_PROBE(jbd2_commit_logging, wamp_probe_jbd2_commit_logging);
WAMP_CHECK_PROBE(jbd2_end_commit, wamp_probe_jbd2_end_commit);

struct wamp_tp {
	const char *name;
	void *probe;
	bool required;
	struct tracepoint *tp;
	bool registered;
	bool syscalls;		/* the syscall hook: not with syscall_hook=1 */
};

/*
 * Device totals first, then the per-task charges, so that a request is
 * never charged to a task while its device could not be counted.  The
 * dirtying probe before the block ones: a file is owned before its
 * writeback is looked at.  Without it, dirtied stays 0 and writeback
 * stays with its submitter.
 */
static struct wamp_tp wamp_tps[] = {
	{ .name = __stringify(WAMP_DIRTY_TP), .probe = wamp_probe_dirty },
	{ .name = "block_rq_issue", .probe = wamp_probe_rq_issue,
	  .required = true },
	{ .name = "block_rq_requeue", .probe = wamp_probe_rq_requeue },
	{ .name = "block_getrq", .probe = wamp_probe_getrq, .required = true },
	{ .name = "block_bio_backmerge", .probe = wamp_probe_bio_merge,
	  .required = true },
	{ .name = "block_bio_frontmerge", .probe = wamp_probe_bio_merge,
	  .required = true },
	{ .name = "sys_enter", .probe = wamp_probe_sys_enter,
	  .required = true, .syscalls = true },
};

/*
 * jbd2's tracepoints, for journal attribution: in the jbd2 module on
 * Debian's kernels, so they come and go with it (the module notifier
 * below, as LTTng's lttng-tracepoint.c does), or built in.  The end of a
 * commit before its start: a record is never left claimed.
 */
static struct wamp_tp wamp_jbd2_tps[] = {
	{ .name = "jbd2_end_commit", .probe = wamp_probe_jbd2_end_commit },
	{ .name = "jbd2_handle_stats", .probe = wamp_probe_jbd2_handle_stats },
	{ .name = "jbd2_commit_logging",
	  .probe = wamp_probe_jbd2_commit_logging },
};

/* Serializes the registration of wamp_jbd2_tps (notifier, init, exit). */
static DEFINE_MUTEX(wamp_jbd2_lock);

static void wamp_tp_match(struct tracepoint *tp, struct wamp_tp *tps,
			  size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tp->name, tps[i].name))
			tps[i].tp = tp;
}

static void wamp_tp_lookup(struct tracepoint *tp, void *priv)
{
	wamp_tp_match(tp, wamp_tps, ARRAY_SIZE(wamp_tps));
	wamp_tp_match(tp, wamp_jbd2_tps, ARRAY_SIZE(wamp_jbd2_tps));
}

/* Register the jbd2 probes found and not registered yet. */
static void wamp_jbd2_register(void)
{
	struct wamp_tp *w;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(wamp_jbd2_tps); i++) {
		w = &wamp_jbd2_tps[i];
		if (!w->tp || w->registered)
			continue;
		ret = tracepoint_probe_register(w->tp, w->probe, NULL);
		if (ret)
			pr_info("cannot register on %s: %d: journal commits stay with jbd2\n",
				w->name, ret);
		else
			w->registered = true;
	}
}

/* Unregister the jbd2 probes on tracepoints of @mod (NULL: all). */
static void wamp_jbd2_unregister(struct module *mod)
{
	struct wamp_tp *w;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_jbd2_tps); i++) {
		w = &wamp_jbd2_tps[i];
		if (!w->tp || (mod && !within_module((unsigned long)w->tp, mod)))
			continue;
		if (w->registered)
			tracepoint_probe_unregister(w->tp, w->probe, NULL);
		w->registered = false;
		w->tp = NULL;
	}
}

static int wamp_tp_module_notify(struct notifier_block *nb,
				 unsigned long val, void *data)
{
	struct tp_module *tp_mod = data;
	struct module *mod = tp_mod->mod;
	unsigned int i;

	mutex_lock(&wamp_jbd2_lock);
	if (val == MODULE_STATE_COMING) {
		for (i = 0; i < mod->num_tracepoints; i++)
			wamp_tp_match(tracepoint_ptr_deref(&mod->tracepoints_ptrs[i]),
				      wamp_jbd2_tps, ARRAY_SIZE(wamp_jbd2_tps));
		wamp_jbd2_register();
	} else if (val == MODULE_STATE_GOING) {
		wamp_jbd2_unregister(mod);
	}
	mutex_unlock(&wamp_jbd2_lock);
	return NOTIFY_OK;
}

static struct notifier_block wamp_tp_module_nb = {
	.notifier_call = wamp_tp_module_notify,
};

void wamp_tp_exit(void)
{
	size_t i = ARRAY_SIZE(wamp_tps);

	/* No notifier call runs past this point. */
	unregister_tracepoint_module_notifier(&wamp_tp_module_nb);
	mutex_lock(&wamp_jbd2_lock);
	wamp_jbd2_unregister(NULL);
	mutex_unlock(&wamp_jbd2_lock);
	wamp_fhook_exit();
	while (i--) {
		if (!wamp_tps[i].registered)
			continue;
		tracepoint_probe_unregister(wamp_tps[i].tp, wamp_tps[i].probe,
					    NULL);
		wamp_tps[i].registered = false;
	}
	/* No probe runs past this point: the store may be freed. */
	tracepoint_synchronize_unregister();
}

int wamp_tp_init(void)
{
	struct wamp_tp *w;
	size_t i;
	int ret;

	for_each_kernel_tracepoint(wamp_tp_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(wamp_tps); i++) {
		w = &wamp_tps[i];
		if (w->syscalls && wamp_syscall_hook) {
			ret = wamp_fhook_init();
			if (!ret)
				continue;
			pr_info("syscall_hook=1 is not possible here (%d%s): the write and sync syscalls are seen on raw_syscalls:sys_enter instead (syscall_hook=0)\n",
				ret, ret == -EOPNOTSUPP ?
				", no CONFIG_DYNAMIC_FTRACE" : "");
			wamp_syscall_hook = 0;
		}
		if (!w->tp) {
			if (w->required) {
				pr_err("tracepoint %s not found\n", w->name);
				ret = -ENOENT;
				goto err_unregister;
			}
			pr_info("tracepoint %s not found: its counters stay 0\n",
				w->name);
			continue;
		}
		ret = tracepoint_probe_register(w->tp, w->probe, NULL);
		if (ret) {
			pr_err("cannot register on %s: %d\n", w->name, ret);
			goto err_unregister;
		}
		w->registered = true;
	}
	/* Built-in jbd2 now; a jbd2 module now (replayed) or when it loads. */
	mutex_lock(&wamp_jbd2_lock);
	wamp_jbd2_register();
	mutex_unlock(&wamp_jbd2_lock);
	ret = register_tracepoint_module_notifier(&wamp_tp_module_nb);
	if (ret) {
		pr_err("cannot register the tracepoint module notifier: %d\n",
		       ret);
		goto err_unregister;
	}
	return 0;

err_unregister:
	wamp_tp_exit();
	return ret;
}
