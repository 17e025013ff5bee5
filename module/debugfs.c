// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: wamp/reset (the control path of /proc/wamp, for scripts that
 * keep knobs in debugfs), wamp/cpus (the per-CPU internals: slots in
 * use, overflowed and nested events, memory) and wamp/stacks (stack.c).
 * Absent debugfs is no error.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include "debugfs.h"
#include "params.h"
#include "procfs.h"
#include "stack.h"
#include "table.h"

static struct dentry *wamp_debugfs;

static const struct file_operations wamp_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = wamp_control_write,
	.llseek = noop_llseek,
};

static int wamp_cpus_show(struct seq_file *m, void *v)
{
	unsigned int used;
	u64 overflow, nested;
	int cpu;

	seq_printf(m, "slots_per_cpu %u bytes_per_cpu %zu possible_cpus %u\n",
		   wamp_table_size, wamp_store_bytes_per_cpu(),
		   num_possible_cpus());
	seq_puts(m, "cpu online used overflow nested\n");
	for_each_possible_cpu(cpu) {
		wamp_store_cpu_stats(cpu, &used, &overflow, &nested);
		seq_printf(m, "%d %d %u %llu %llu\n", cpu, cpu_online(cpu),
			   used, overflow, nested);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(wamp_cpus);

void wamp_debugfs_init(void)
{
	wamp_debugfs = debugfs_create_dir(WAMP_PROC_NAME, NULL);
	debugfs_create_file("reset", 0200, wamp_debugfs, NULL,
			    &wamp_reset_fops);
	debugfs_create_file("cpus", 0400, wamp_debugfs, NULL,
			    &wamp_cpus_fops);
	debugfs_create_file("stacks", 0400, wamp_debugfs, NULL,
			    &wamp_stacks_fops);
}

void wamp_debugfs_exit(void)
{
	debugfs_remove_recursive(wamp_debugfs);
}
