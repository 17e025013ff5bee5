// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace callbacks receive a struct ftrace_regs instead of a pt_regs:
 * d19ad0775dcd ("ftrace: Have the callbacks receive a struct ftrace_regs
 * instead of pt_regs"), v5.11.  Before it, the callback's pt_regs is NULL
 * unless the ops asks for FTRACE_OPS_FL_SAVE_REGS.
 */
#include <linux/ftrace.h>

static void cb(unsigned long ip, unsigned long pip, struct ftrace_ops *op,
	       struct ftrace_regs *fregs)
{
}

ftrace_func_t wamp_feature(void);

ftrace_func_t wamp_feature(void)
{
	return cb;
}
