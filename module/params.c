// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the flag thresholds (writable at runtime, by
 * CAP_SYS_ADMIN only, validated) and the table size (load time only).
 * A rejected value returns -EINVAL and leaves the old one in force.
 */
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/moduleparam.h>
#include <linux/stringify.h>
#include "kunit.h"
#include "params.h"
#include "stack.h"

unsigned int wamp_table_size = WAMP_TABLE_SIZE_DEF;
unsigned int wamp_owner_size = WAMP_OWNER_SIZE_DEF;
unsigned int wamp_cg_size = WAMP_CG_SIZE_DEF;
unsigned int wamp_root_only = WAMP_ROOT_ONLY_DEF;
unsigned int wamp_syscall_hook = WAMP_SYSCALL_HOOK_DEF;
static unsigned int wamp_min_writes = WAMP_MIN_WRITES_DEF;
static unsigned int wamp_small_write_bytes = WAMP_SMALL_BYTES_DEF;
static unsigned int wamp_sync_ratio = WAMP_SYNC_RATIO_DEF;
static unsigned int wamp_amp_ratio = WAMP_AMP_RATIO_DEF;

/*
 * A decimal with at most two fractional digits ("2", "2.5", "2.50") in
 * hundredths, with at most one trailing newline.  0 or -EINVAL.
 */
WAMP_VISIBLE_IF_KUNIT int wamp_parse_centi(const char *s, unsigned int *out)
{
	unsigned long long v = 0;
	int frac = -1;

	if (!isdigit(*s))
		return -EINVAL;
	for (; *s && *s != '\n'; s++) {
		if (*s == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (!isdigit(*s) || frac >= 2)
			return -EINVAL;
		v = v * 10 + (*s - '0');
		if (frac >= 0)
			frac++;
		if (v > U32_MAX)
			return -EINVAL;
	}
	if (*s == '\n' && s[1])
		return -EINVAL;
	if (frac == 0)
		return -EINVAL;	/* "2." */
	for (frac = frac < 0 ? 0 : frac; frac < 2; frac++)
		v *= 10;
	if (v > U32_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * CAP_SYS_ADMIN, or CAP_SYS_MODULE (which may load any code anyway, and is
 * what a loader that passes parameters holds), checked at every write, at
 * load too: no flag set by init or exit could cover the windows in which
 * sysfs has the parameters and init has not run yet, or exit has run and
 * sysfs still has them.
 */
static int wamp_param_store(const struct kernel_param *kp, unsigned int v,
			    int parsed)
{
	const struct wamp_uint_param *p = kp->arg;

	if (!ns_capable_noaudit(&init_user_ns, CAP_SYS_MODULE) &&
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	/* At load, the kernel itself reports the parameter it refused. */
	if (parsed || v < p->min || v > p->max)
		return -EINVAL;
	WRITE_ONCE(*p->val, v);
	return 0;
}

WAMP_VISIBLE_IF_KUNIT int wamp_param_set_uint(const char *val,
					      const struct kernel_param *kp)
{
	unsigned int v = 0;
	int ret = kstrtouint(val, 10, &v);

	return wamp_param_store(kp, v, ret);
}

static int wamp_param_get_uint(char *buf, const struct kernel_param *kp)
{
	const struct wamp_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(*p->val));
}

WAMP_VISIBLE_IF_KUNIT int wamp_param_set_centi(const char *val,
					       const struct kernel_param *kp)
{
	unsigned int v = 0;
	int ret = wamp_parse_centi(val, &v);

	return wamp_param_store(kp, v, ret);
}

static int wamp_param_get_centi(char *buf, const struct kernel_param *kp)
{
	const struct wamp_uint_param *p = kp->arg;
	unsigned int v = READ_ONCE(*p->val);

	return scnprintf(buf, PAGE_SIZE, "%u.%02u\n", v / 100, v % 100);
}

static const struct kernel_param_ops wamp_centi_ops = {
	.set = wamp_param_set_centi,
	.get = wamp_param_get_centi,
};

static const struct kernel_param_ops wamp_uint_ops = {
	.set = wamp_param_set_uint,
	.get = wamp_param_get_uint,
};

/*
 * A parameter: its variable, the range a write must fall in, and its
 * description, which modinfo shows with the range and the default.  A
 * plain number's range and default are wamp.h's <C>_MIN, <C>_MAX, <C>_DEF.
 */
#define WAMP_DEFINE_PARAM(name, ops, perm, var, min, max, range, def, desc) \
	static struct wamp_uint_param wamp_param_##name = {		\
		&(var), (min), (max),					\
	};								\
	module_param_cb(name, &(ops), &wamp_param_##name, perm);	\
	MODULE_PARM_DESC(name, desc " [" range "] (default " def ")")
#define WAMP_DEFINE_UINT_PARAM(name, perm, var, c, desc)		\
	WAMP_DEFINE_PARAM(name, wamp_uint_ops, perm, var, c##_MIN, c##_MAX, \
			  __stringify(c##_MIN) ".." __stringify(c##_MAX), \
			  __stringify(c##_DEF), desc)

WAMP_DEFINE_UINT_PARAM(table_size, 0444, wamp_table_size, WAMP_TABLE_SIZE,
		       "Per-task slots per CPU, rounded up to a power of two, 368 bytes each");
WAMP_DEFINE_UINT_PARAM(owner_table_size, 0444, wamp_owner_size, WAMP_OWNER_SIZE,
		       "Inode-owner entries (files with dirty pages tracked), rounded up to a power of two, 88 bytes each");
WAMP_DEFINE_UINT_PARAM(cgroup_table_size, 0444, wamp_cg_size, WAMP_CG_SIZE,
		       "Cgroup entries per CPU, rounded up to a power of two, 66 bytes each");
WAMP_DEFINE_UINT_PARAM(stack_table_size, 0444, wamp_stack_size, WAMP_STACK_SIZE,
		       "Stack entries per CPU (debugfs wamp/stacks), rounded up to a power of two, 320 bytes each");
WAMP_DEFINE_UINT_PARAM(stack_sample, 0644, wamp_stack_sample, WAMP_STACK_SAMPLE,
		       "Note the kernel stack of 1 in this many charged write bios (0: none)");
WAMP_DEFINE_UINT_PARAM(min_writes, 0644, wamp_min_writes, WAMP_MIN_WRITES,
		       "Writes a task needs before it can be flagged");
WAMP_DEFINE_UINT_PARAM(small_write_bytes, 0644, wamp_small_write_bytes,
		       WAMP_SMALL_BYTES, "SMALL: average write below this many bytes");
WAMP_DEFINE_UINT_PARAM(sync_ratio, 0644, wamp_sync_ratio, WAMP_SYNC_RATIO,
		       "SYNC: sync calls at least this percentage of writes");
WAMP_DEFINE_PARAM(amp_ratio, wamp_centi_ops, 0644, wamp_amp_ratio,
		  WAMP_AMP_RATIO_MIN, WAMP_AMP_RATIO_MAX, WAMP_AMP_RATIO_RANGE,
		  WAMP_AMP_RATIO_DEF_SHOWN,
		  "AMP: block bytes at least this multiple of write bytes, two decimals");
WAMP_DEFINE_UINT_PARAM(root_only, 0644, wamp_root_only, WAMP_ROOT_ONLY,
		       "1: only CAP_SYS_ADMIN may read /proc/wamp; 0: anyone, each seeing the rows of its own uid");
WAMP_DEFINE_UINT_PARAM(syscall_hook, 0444, wamp_syscall_hook, WAMP_SYSCALL_HOOK,
		       "1 (default): ftrace on the write and sync syscalls only, where the kernel can (else 0); 0: the raw_syscalls:sys_enter tracepoint, which every syscall passes");

void wamp_params_thresholds(struct wamp_thresholds *t)
{
	t->min_writes = READ_ONCE(wamp_min_writes);
	t->small_write_bytes = READ_ONCE(wamp_small_write_bytes);
	t->sync_ratio = READ_ONCE(wamp_sync_ratio);
	t->amp_ratio = READ_ONCE(wamp_amp_ratio);
}
