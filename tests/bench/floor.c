// SPDX-License-Identifier: GPL-2.0
/*
 * wamp_floor.ko, for `make bench` only: an empty raw_syscalls:sys_enter
 * probe.  What a syscall costs with it loaded is the floor every sys_enter
 * probe pays (the syscall slow path and the call into the probe), so
 * wamp's cost above it is what wamp itself adds.  Built with
 * make WAMP_FLOOR=1 (see Kbuild).
 *
 * hook=ftrace attaches an empty ftrace callback to __x64_sys_write instead
 * of the sys_enter probe: what a hook on the write syscalls alone would
 * cost (nothing for any other syscall; the syscall fast path stays), for
 * the application rows' comparison of the two ways in.
 *
 * census=TGID loads a counting probe instead: the syscalls of process
 * TGID by number, in debugfs wamp_floor_census ("NR COUNT" lines), so
 * that an application row can say how many syscalls of which kind a
 * request makes, and so what the floor predicts for it.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct pt_regs;

#define WAMP_FLOOR_NR	512

static int wamp_floor_census;
module_param_named(census, wamp_floor_census, int, 0400);
MODULE_PARM_DESC(census, "count the syscalls of this tgid instead (0: none)");

static char *wamp_floor_hook = "sys_enter";
module_param_named(hook, wamp_floor_hook, charp, 0400);
MODULE_PARM_DESC(hook, "sys_enter (the tracepoint, default) or ftrace");

static struct tracepoint *wamp_floor_tp;
static atomic_long_t wamp_floor_counts[WAMP_FLOOR_NR + 1];
static struct dentry *wamp_floor_file;

static notrace void wamp_floor_probe(void *data, struct pt_regs *regs,
				     long id)
{
}

static notrace void wamp_floor_count(void *data, struct pt_regs *regs,
				     long id)
{
	if (current->tgid != wamp_floor_census)
		return;
	if (id < 0 || id >= WAMP_FLOOR_NR)
		id = WAMP_FLOOR_NR;
	atomic_long_inc(&wamp_floor_counts[id]);
}

static int wamp_floor_show(struct seq_file *m, void *v)
{
	long i, n;

	for (i = 0; i <= WAMP_FLOOR_NR; i++) {
		n = atomic_long_read(&wamp_floor_counts[i]);
		if (n)
			seq_printf(m, "%ld %ld\n", i < WAMP_FLOOR_NR ? i : -1L,
				   n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wamp_floor);

static notrace void wamp_floor_ftrace(unsigned long ip, unsigned long pip,
				      struct ftrace_ops *op,
				      struct ftrace_regs *fregs)
{
}

static struct ftrace_ops wamp_floor_ops = { .func = wamp_floor_ftrace };
static bool wamp_floor_use_ftrace;

static int wamp_floor_ftrace_init(void)
{
	static unsigned char fn[] = "__x64_sys_write";
	int ret;

	ret = ftrace_set_filter(&wamp_floor_ops, fn, strlen(fn), 1);
	if (ret)
		return ret;
	ret = register_ftrace_function(&wamp_floor_ops);
	if (ret)
		ftrace_free_filter(&wamp_floor_ops);
	return ret;
}

static void wamp_floor_lookup(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		wamp_floor_tp = tp;
}

static void *wamp_floor_fn(void)
{
	return wamp_floor_census ? (void *)wamp_floor_count :
				   (void *)wamp_floor_probe;
}

static int __init wamp_floor_init(void)
{
	int ret;

	if (!strcmp(wamp_floor_hook, "ftrace")) {
		if (wamp_floor_census)
			return -EINVAL;	/* the census is a sys_enter probe */
		wamp_floor_use_ftrace = true;
		return wamp_floor_ftrace_init();
	}
	if (strcmp(wamp_floor_hook, "sys_enter"))
		return -EINVAL;
	for_each_kernel_tracepoint(wamp_floor_lookup, NULL);
	if (!wamp_floor_tp)
		return -ENOENT;
	if (wamp_floor_census)
		wamp_floor_file = debugfs_create_file("wamp_floor_census", 0400,
						      NULL, NULL,
						      &wamp_floor_fops);
	ret = tracepoint_probe_register(wamp_floor_tp, wamp_floor_fn(), NULL);
	if (ret)
		debugfs_remove(wamp_floor_file);
	return ret;
}

static void __exit wamp_floor_exit(void)
{
	if (wamp_floor_use_ftrace) {
		unregister_ftrace_function(&wamp_floor_ops);
		ftrace_free_filter(&wamp_floor_ops);
		return;
	}
	tracepoint_probe_unregister(wamp_floor_tp, wamp_floor_fn(), NULL);
	tracepoint_synchronize_unregister();
	debugfs_remove(wamp_floor_file);
}

module_init(wamp_floor_init);
module_exit(wamp_floor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wamp benchmark: an empty sys_enter probe (the floor)");
