// SPDX-License-Identifier: GPL-2.0
/*
 * FTRACE_OPS_FL_RECURSION, set by a callback that wants ftrace to guard it
 * against recursion, from a25d036d939a ("ftrace: Reverse what the RECURSION
 * flag means in the ftrace_ops"), v5.11.  Before it, every callback was
 * guarded unless it set FTRACE_OPS_FL_RECURSION_SAFE.
 */
#include <linux/ftrace.h>

unsigned long wamp_feature(void);

unsigned long wamp_feature(void)
{
	return FTRACE_OPS_FL_RECURSION;
}
