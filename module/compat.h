/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where wamp adapts to the kernel it is built against.  It is
 * force-included into every file (see Kbuild), so the .c files are written
 * against one API and carry no #if.  Build-time feature probes (configure/,
 * run by Kbuild) define WAMP_HAVE_<FEATURE>; each probe cites the upstream
 * change it detects.
 */
#ifndef WAMP_COMPAT_H
#define WAMP_COMPAT_H

#include <linux/kconfig.h>

#ifndef CONFIG_X86_64
#error "wamp supports x86_64 only: syscall numbers and compat decoding are x86's"
#endif

#ifndef CONFIG_HAVE_SYSCALL_TRACEPOINTS
#error "wamp needs CONFIG_HAVE_SYSCALL_TRACEPOINTS (the raw_syscalls:sys_enter tracepoint)"
#endif

#ifndef CONFIG_TRACEPOINTS
#error "wamp needs CONFIG_TRACEPOINTS"
#endif

#endif /* WAMP_COMPAT_H */
