// SPDX-License-Identifier: GPL-2.0
/*
 * The ftrace hook on the counted syscalls (syscall_hook=1), which tp.c
 * registers instead of the sys_enter probe.  Built only with
 * CONFIG_DYNAMIC_FTRACE (Kbuild): without it there is no filter, so no
 * hook, and tp.h's stubs make wamp fall back to the sys_enter probe.
 */
#include <linux/kernel.h>
#include <linux/ftrace.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/syscall.h>
#include "tp.h"

/*
 * One callback on the entry of each counted syscall's wrapper,
 * __x64_sys_write(const struct pt_regs *regs) and the like, whose one
 * argument is the task's user registers.  Other syscalls do not pass here at
 * all.  The syscall's number is syscall_get_nr()'s, as the sys_enter
 * probe gets it: the low 32 bits of orig_ax, on which the kernel
 * dispatches (a number with high bits set runs the syscall of its low
 * ones), so the same code counts it: one ops for all the wrappers, whose
 * unregistration waits for one grace period (an ops per kind made every
 * unload wait for seven).
 */
static notrace WAMP_FTRACE_CB(wamp_fh_syscall)
{
	struct pt_regs *regs = (struct pt_regs *)wamp_ftrace_arg0(fr);

	wamp_probe_sys_enter(NULL, regs, syscall_get_nr(current, regs));
}

/*
 * syscall_hook=1: an ftrace callback on the entry of the syscall wrappers
 * that the kernel's syscall tables call for the counted syscalls (their
 * names in arch/x86/entry/syscalls/ and <asm/syscall_wrapper.h>), instead
 * of the sys_enter probe.  Every filter entry costs a walk of all of
 * ftrace's functions (with a symbol lookup each: about 45 ms under TCG), so
 * the filter is three globs, not one name per wrapper:
 *  - x86-64's and x32's wrappers, __x64_sys_, __x64_compat_sys_ (x32's,
 *    named __x32_compat_sys_ before v5.11) with "wri" or "ync" in the
 *    name: write, pwrite64, writev, pwritev, pwritev2, fsync, fdatasync,
 *    sync_file_range and syncfs, x32's pwritev64 and pwritev64v2;
 *  - ia32's, __ia32_sys_ and __ia32_compat_sys_, likewise;
 *  - sync(), whose SYSCALL_DEFINE0 stubs __x64_sys_sync and
 *    __ia32_sys_sync are aliases of __do_sys_sync(), which gets the
 *    registers too (static in fs/sync.c: nothing else calls it); ftrace
 *    names the address by one of the three, __do_sys_sync on every kernel
 *    wamp is tested on, so the glob names all three.
 * GCC's clones of a function (name.isra.0, name.part.1, name.constprop.2)
 * have entries of their own whose arguments are not the wrapper's: the
 * notrace filter drops any such name the globs match (none on the kernels
 * wamp is tested on, but a callback there would read garbage).
 * A glob also hooks a few wrappers that are not counted (msync,
 * process_vm_writev, and wrappers no table calls, such as x86-64's
 * __x64_sys_ia32_pwrite64): every function it can match takes the user
 * registers, and the callback counts by syscall number as the sys_enter
 * probe does, so those cost a call and count nothing.  The control
 * selftest checks the hooked set on every kernel wamp is tested on.
 * A glob that matches nothing fails the hook: wamp falls back to the
 * sys_enter probe, says so, and syscall_hook then reads 0.
 */
enum wamp_fh_kind { WAMP_FH_NATIVE, WAMP_FH_IA32, WAMP_FH_CLONES };

static const struct wamp_fh_glob {
	const char *glob;
	enum wamp_fh_kind kind;
} wamp_fh_globs[] = {
	{ "__x[36][24]_*sys_*[wy][rn][ic]*", WAMP_FH_NATIVE },
	{ "__ia32_*sys_*[wy][rn][ic]*", WAMP_FH_IA32 },
	{ "__*sys_sync", WAMP_FH_NATIVE },
	{ "__*sys_*.*", WAMP_FH_CLONES },	/* the notrace filter */
};

static struct ftrace_ops wamp_fh_ops = { .func = wamp_fh_syscall };
static bool wamp_fh_registered;

/*
 * Add @g's functions to the filter, or for the clones to the notrace
 * filter, where -EINVAL (none matched) is what is expected.
 */
static int wamp_fh_set(const struct wamp_fh_glob *g)
{
	bool clones = g->kind == WAMP_FH_CLONES;
	char buf[64];
	int ret;

	if (g->kind == WAMP_FH_IA32 && !IS_ENABLED(CONFIG_IA32_EMULATION))
		return 0;
	/* The filter parser writes into its buffer. */
	strscpy(buf, g->glob, sizeof(buf));
	if (clones)
		ret = ftrace_set_notrace(&wamp_fh_ops, (unsigned char *)buf,
					 strlen(buf), 0);
	else
		ret = ftrace_set_filter(&wamp_fh_ops, (unsigned char *)buf,
					strlen(buf), 0);
	if (clones && ret == -EINVAL)
		return 0;
	if (ret)
		pr_info("syscall_hook=1: %s %s: %d%s\n",
			clones ? "notrace" : "filter", g->glob, ret,
			ret == -EINVAL ? " (no function matches)" : "");
	return ret;
}

/*
 * Empty filters free the entries (ftrace_free_filter() is not exported
 * before v6.2).  The ops is never registered with an empty filter: that
 * would trace every function.
 */
static void wamp_fh_free(void)
{
	ftrace_set_filter(&wamp_fh_ops, NULL, 0, 1);
	ftrace_set_notrace(&wamp_fh_ops, NULL, 0, 1);
}

void wamp_fhook_exit(void)
{
	if (!wamp_fh_registered)
		return;
	/*
	 * This waits until no callback runs, one preempted inside it
	 * included (the ops of a module are dynamic ones).
	 */
	if (unregister_ftrace_function(&wamp_fh_ops))
		pr_warn("syscall_hook=1: ftrace cannot unregister the hook\n");
	wamp_fh_registered = false;
	wamp_fh_free();
}

int wamp_fhook_init(void)
{
	size_t i;
	int ret;

	/*
	 * PERMANENT: with kernel.ftrace_enabled=0 registering fails (wamp
	 * falls back to the sys_enter probe) instead of succeeding with
	 * nothing patched, and the sysctl refuses 0 while the hook is in:
	 * else writes and syncs would go uncounted with syscall_hook=1.
	 */
	wamp_fh_ops.flags = WAMP_FTRACE_FLAGS | FTRACE_OPS_FL_PERMANENT;
	for (i = 0; i < ARRAY_SIZE(wamp_fh_globs); i++) {
		ret = wamp_fh_set(&wamp_fh_globs[i]);
		if (ret)
			goto err;
	}
	ret = register_ftrace_function(&wamp_fh_ops);
	if (ret) {
		pr_info("syscall_hook=1: cannot register: %d\n", ret);
		goto err;
	}
	wamp_fh_registered = true;
	return 0;

err:
	wamp_fh_free();
	return ret;
}
