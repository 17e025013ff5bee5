/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/wamp (procfs.c) and the control path it shares with debugfs. */
#ifndef WAMP_PROCFS_H
#define WAMP_PROCFS_H

#include <linux/types.h>

struct file;
struct seq_file;

int wamp_procfs_init(void);
void wamp_procfs_exit(void);
ssize_t wamp_control_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos);
void wamp_seq_name(struct seq_file *m, const char *name, size_t len);

#endif /* WAMP_PROCFS_H */
