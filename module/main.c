// SPDX-License-Identifier: GPL-2.0
/*
 * wamp: write-amplification monitor.  Counts, per task, the write-family
 * and sync-family syscalls and the bytes they ask to write, and reports
 * them with amplification flags in /proc/wamp.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include "debugfs.h"
#include "jrnl.h"
#include "owner.h"
#include "params.h"
#include "procfs.h"
#include "syscalls.h"
#include "table.h"
#include "tp.h"

static int __init wamp_init(void)
{
	int ret;

	wamp_syscalls_init();
	ret = wamp_store_init();
	if (ret)
		return ret;
	ret = wamp_owner_init();
	if (ret)
		goto err_store;
	ret = wamp_jrnl_init();
	if (ret)
		goto err_owner;
	ret = wamp_procfs_init();
	if (ret)
		goto err_jrnl;
	wamp_debugfs_init();
	/* Probes last: everything they and the readers touch exists. */
	ret = wamp_tp_init();
	if (ret)
		goto err_debugfs;
	pr_info("format %d.%d, %u slots and %u cgroup entries per CPU, %zu bytes per CPU, %u CPUs, %u owners in %zu bytes, journal tables %zu bytes\n",
		WAMP_FORMAT_MAJOR, WAMP_FORMAT_MINOR, wamp_table_size,
		wamp_cg_size, wamp_store_bytes_per_cpu(), num_possible_cpus(),
		wamp_owner_size, wamp_owner_bytes(), wamp_jrnl_bytes());
	return 0;

err_debugfs:
	wamp_debugfs_exit();
	wamp_procfs_exit();
err_jrnl:
	wamp_jrnl_exit();
err_owner:
	wamp_owner_exit();
err_store:
	wamp_store_exit();
	return ret;
}

static void __exit wamp_exit(void)
{
	wamp_tp_exit();		/* includes tracepoint_synchronize_unregister() */
	wamp_debugfs_exit();
	wamp_procfs_exit();
	wamp_jrnl_exit();
	wamp_owner_exit();
	wamp_store_exit();
}

module_init(wamp_init);
module_exit(wamp_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("wamp developers");
MODULE_DESCRIPTION("Write-amplification monitor: per-task write and sync accounting");
MODULE_VERSION(WAMP_VERSION);
/* The build-time feature tests that passed (configure/). */
MODULE_INFO(wamp_features, WAMP_FEATURES);
