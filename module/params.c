// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters: the flag thresholds (writable at runtime, by
 * CAP_SYS_ADMIN only, validated) and the table size (load time only).
 * A rejected value returns -EINVAL and leaves the old one in force.
 */
#include <linux/kernel.h>
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include "internal.h"

struct wamp_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

static bool wamp_loaded;

unsigned int wamp_table_size = WAMP_TABLE_SIZE_DEF;
static unsigned int wamp_min_writes = WAMP_MIN_WRITES_DEF;
static unsigned int wamp_small_write_bytes = WAMP_SMALL_BYTES_DEF;
static unsigned int wamp_sync_ratio = WAMP_SYNC_RATIO_DEF;

static int wamp_param_set_uint(const char *val, const struct kernel_param *kp)
{
	const struct wamp_uint_param *p = kp->arg;
	unsigned int v;

	/* At load time the loader's rights apply; afterwards, ours. */
	if (READ_ONCE(wamp_loaded) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (kstrtouint(val, 10, &v) || v < p->min || v > p->max) {
		pr_warn("%s: '%s' is not in %u..%u\n", kp->name, val,
			p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(*p->val, v);
	return 0;
}

static int wamp_param_get_uint(char *buf, const struct kernel_param *kp)
{
	const struct wamp_uint_param *p = kp->arg;

	return scnprintf(buf, PAGE_SIZE, "%u\n", READ_ONCE(*p->val));
}

static const struct kernel_param_ops wamp_uint_ops = {
	.set = wamp_param_set_uint,
	.get = wamp_param_get_uint,
};

static struct wamp_uint_param wamp_param_table_size = {
	&wamp_table_size, WAMP_TABLE_SIZE_MIN, WAMP_TABLE_SIZE_MAX,
};
module_param_cb(table_size, &wamp_uint_ops, &wamp_param_table_size, 0444);
MODULE_PARM_DESC(table_size,
		 "Per-task slots per CPU, rounded up to a power of two, 80 bytes each [16..65536] (default 1024)");

static struct wamp_uint_param wamp_param_min_writes = {
	&wamp_min_writes, WAMP_MIN_WRITES_MIN, WAMP_MIN_WRITES_MAX,
};
module_param_cb(min_writes, &wamp_uint_ops, &wamp_param_min_writes, 0644);
MODULE_PARM_DESC(min_writes,
		 "Writes a task needs before it can be flagged [1..1000000000] (default 1000)");

static struct wamp_uint_param wamp_param_small_write_bytes = {
	&wamp_small_write_bytes, WAMP_SMALL_BYTES_MIN, WAMP_SMALL_BYTES_MAX,
};
module_param_cb(small_write_bytes, &wamp_uint_ops,
		&wamp_param_small_write_bytes, 0644);
MODULE_PARM_DESC(small_write_bytes,
		 "SMALL: average write below this many bytes [1..1073741824] (default 512)");

static struct wamp_uint_param wamp_param_sync_ratio = {
	&wamp_sync_ratio, WAMP_SYNC_RATIO_MIN, WAMP_SYNC_RATIO_MAX,
};
module_param_cb(sync_ratio, &wamp_uint_ops, &wamp_param_sync_ratio, 0644);
MODULE_PARM_DESC(sync_ratio,
		 "SYNC: sync calls at least this percentage of writes [1..100] (default 10)");

void wamp_params_thresholds(struct wamp_thresholds *t)
{
	t->min_writes = READ_ONCE(wamp_min_writes);
	t->small_write_bytes = READ_ONCE(wamp_small_write_bytes);
	t->sync_ratio = READ_ONCE(wamp_sync_ratio);
}

void wamp_params_set_loaded(bool loaded)
{
	WRITE_ONCE(wamp_loaded, loaded);
}
