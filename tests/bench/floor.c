// SPDX-License-Identifier: GPL-2.0
/*
 * wamp_floor.ko, for `make bench` only: an empty raw_syscalls:sys_enter
 * probe.  What a syscall costs with it loaded is the floor every sys_enter
 * probe pays (the syscall slow path and the call into the probe), so
 * wamp's cost above it is what wamp itself adds.  Built with
 * make WAMP_FLOOR=1 (see Kbuild).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct pt_regs;

static struct tracepoint *wamp_floor_tp;

static notrace void wamp_floor_probe(void *data, struct pt_regs *regs,
				     long id)
{
}

static void wamp_floor_lookup(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_enter"))
		wamp_floor_tp = tp;
}

static int __init wamp_floor_init(void)
{
	for_each_kernel_tracepoint(wamp_floor_lookup, NULL);
	if (!wamp_floor_tp)
		return -ENOENT;
	return tracepoint_probe_register(wamp_floor_tp, wamp_floor_probe, NULL);
}

static void __exit wamp_floor_exit(void)
{
	tracepoint_probe_unregister(wamp_floor_tp, wamp_floor_probe, NULL);
	tracepoint_synchronize_unregister();
}

module_init(wamp_floor_init);
module_exit(wamp_floor_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wamp benchmark: an empty sys_enter probe (the floor)");
