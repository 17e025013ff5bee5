// SPDX-License-Identifier: GPL-2.0
/*
 * The page-cache dirtying probe, on writeback_dirty_folio (before v5.16:
 * writeback_dirty_page), which fires where the kernel accounts a folio
 * turning from clean to dirty (folio_account_dirtied()).  Of a mapping
 * that can be written back it counts the bytes as the kernel's own
 * task_io_account_write() does, so a task's dirtied equals the
 * write_bytes of its /proc/<tid>/io for buffered I/O; and it makes the
 * task the owner of the file (owner.c).  Every way into the page cache
 * passes there: write(2), stores through a shared mapping, splice,
 * copy_file_range, buffered io_uring writes.  A small write into a page
 * that is dirty already dirties nothing.
 */
#include <linux/kernel.h>
#include <linux/backing-dev.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include "owner.h"
#include "table.h"
#include "tp.h"

WAMP_DIRTY_PROBE(wamp_probe_dirty)
{
	if (!mapping || !mapping_can_writeback(mapping))
		return;
	if (!in_task()) {
		wamp_store_account(WAMP_EV_DIRTY, wamp_dirty_bytes(wamp_dirty),
				   WAMP_ACC_OTHER);
		return;
	}
	wamp_store_account(WAMP_EV_DIRTY, wamp_dirty_bytes(wamp_dirty), 0);
	if (!(current->flags & PF_KTHREAD) && mapping->host)
		wamp_owner_dirtied(mapping->host);
}
