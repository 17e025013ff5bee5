// SPDX-License-Identifier: GPL-2.0
/*
 * A traced function's arguments read from its struct ftrace_regs through
 * an accessor: 94d095ffa0e1 ("ftrace: abstract DYNAMIC_FTRACE_WITH_ARGS
 * accesses"), v6.2.  Before it, x86's ftrace_regs is a struct pt_regs
 * named regs; later kernels make it opaque (<linux/ftrace_regs.h>).
 */
#include <linux/ftrace.h>

unsigned long wamp_feature(struct ftrace_regs *fregs);

unsigned long wamp_feature(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}
