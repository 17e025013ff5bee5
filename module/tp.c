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
#include <linux/tracepoint.h>
#include <linux/blkdev.h>
#include <trace/events/syscalls.h>
#include <trace/events/block.h>
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

struct wamp_tp {
	const char *name;
	void *probe;
	bool required;
	struct tracepoint *tp;
	bool registered;
};

/*
 * Device totals first, then the per-task charges, so that a request is
 * never charged to a task while its device could not be counted.
 */
static struct wamp_tp wamp_tps[] = {
	{ .name = "block_rq_issue", .probe = wamp_probe_rq_issue,
	  .required = true },
	{ .name = "block_rq_requeue", .probe = wamp_probe_rq_requeue },
	{ .name = "block_getrq", .probe = wamp_probe_getrq, .required = true },
	{ .name = "block_bio_backmerge", .probe = wamp_probe_bio_merge,
	  .required = true },
	{ .name = "block_bio_frontmerge", .probe = wamp_probe_bio_merge,
	  .required = true },
	{ .name = "sys_enter", .probe = wamp_probe_sys_enter,
	  .required = true },
};

static void wamp_tp_lookup(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_tps); i++)
		if (!strcmp(tp->name, wamp_tps[i].name))
			wamp_tps[i].tp = tp;
}

void wamp_tp_exit(void)
{
	size_t i = ARRAY_SIZE(wamp_tps);

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
	return 0;

err_unregister:
	wamp_tp_exit();
	return ret;
}
