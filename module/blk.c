// SPDX-License-Identifier: GPL-2.0
/*
 * Block-layer accounting.
 *
 * Per task: block_rq_issue runs wherever the request is dispatched, very
 * often in a kblockd worker, so current there is not who asked for the
 * I/O.  Instead a task is charged where the block layer handles its bio in
 * its own context: block_getrq (a new request was allocated for the bio)
 * and block_bio_backmerge/frontmerge (the bio was added to an existing
 * request).  Each write bio with data is charged exactly once, so per-task
 * bytes plus (other) equal what the devices are sent.
 *
 * To whom: a bio whose first page is a page-cache page under writeback
 * writes back a file's dirty data, and is charged to the task that last
 * dirtied that file (owner.c), as wb_bytes when another task submits it.
 * A block of a journal commit is split among the tasks whose handles the
 * transaction carries (jrnl.c).  Any other bio (direct I/O, metadata
 * buffers, checkpoints, swap, bounce and encryption pages, which belong
 * to no file) is charged to its submitter, or to (other) outside task
 * context.  A cloned bio (a stacked
 * device's) shares the original's pages, so it is charged to the same
 * task; only the bio that becomes a request is charged, never both.
 *
 * Per cgroup: each such bio is also counted, once, for the cgroup the
 * kernel charges it to (cgroup.c).
 *
 * Per device: block_rq_issue counts what is dispatched to each disk:
 * write requests and bytes (as /sys/block/<disk>/stat counts writes),
 * flushes, FUA and preflush flags, discards; block_rq_requeue counts
 * requests that will be issued again.
 */
#include <linux/kernel.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/bio.h>
#include <linux/blk-cgroup.h>
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/swap.h>
#include "jrnl.h"
#include "syscalls.h"
#include "owner.h"
#include "table.h"
#include "tp.h"

/*
 * What /sys/block/<disk>/stat counts as written, as op_stat_group() does:
 * the write ops (odd numbers, op_is_write()) but discards.  @op is the
 * plain number: its type changed in 6.0 (blk_opf_t, enum req_op).
 */
#define WAMP_OP(op)	((__force unsigned int)(op))

static bool wamp_op_is_data_write(unsigned int op)
{
	return (op & 1) && op != WAMP_OP(REQ_OP_DISCARD);
}

/*
 * The file whose dirty data @bio writes back, or NULL.  A page under
 * writeback keeps its mapping until the writeback ends (truncation waits
 * for it), which is after this bio completes.  Anonymous and movable
 * pages, and pages of no mapping (bounce, fscrypt), are no file's.
 */
static struct inode *wamp_bio_wb_inode(struct bio *bio)
{
	struct address_space *mapping;
	struct page *page;

	if (!bio_has_data(bio))
		return NULL;
	page = compound_head(bio_page(bio));
	if (!PageWriteback(page))
		return NULL;
	mapping = READ_ONCE(page->mapping);
	if (!mapping || ((unsigned long)mapping & WAMP_MAPPING_FLAGS))
		return NULL;
	return mapping->host;
}

/*
 * Whether @bio writes pages of a file or of a block device (page cache,
 * buffers), not anonymous memory (direct I/O from a program's buffer) nor
 * pages of no mapping (bounce and encryption pages, a driver's own).  The
 * bio holds its pages; the mapping is only tested, never followed.
 */
static bool wamp_bio_mapped(struct bio *bio)
{
	struct address_space *mapping;

	if (!bio_has_data(bio))
		return false;
	mapping = READ_ONCE(compound_head(bio_page(bio))->mapping);
	return mapping && !((unsigned long)mapping & WAMP_MAPPING_FLAGS);
}

/* Whether @id is the task running here (its own fsync, say). */
static bool wamp_ident_is_current(const struct wamp_ident *id)
{
	return in_task() && id->pid == current->pid &&
	       id->start_time == current->start_time;
}

/*
 * The I/O class of a bio charged here (wamp.h, the io_ columns), from the
 * context of its submission: outside a task, (other); kswapd or a task in
 * reclaim, reclaim; a journal thread writing a commit, journal; another
 * kernel thread: pages of a file or device (@pagecache) are writeback,
 * or sync if it is data-integrity writeback (REQ_SYNC: WB_SYNC_ALL, a
 * checkpoint), other pages (other); a task, by the syscall it is in: in a
 * file sync, fsync; in sync or syncfs, sync; other than pages of a file
 * or device, direct; those in a write call (O_SYNC, O_DSYNC), fsync.
 */
static unsigned int wamp_io_class(const struct bio *bio, bool pagecache)
{
	unsigned int k;

	if (!in_task())
		return WAMP_IO_other;
	if (current_is_kswapd() || (current->flags & PF_MEMALLOC))
		return WAMP_IO_reclaim;
	if (current->flags & PF_KTHREAD) {
		if (wamp_jrnl_committing())
			return WAMP_IO_journal;
		if (!pagecache)
			return WAMP_IO_other;
		return bio->bi_opf & REQ_SYNC ? WAMP_IO_sync : WAMP_IO_writeback;
	}
	k = wamp_sc_current();
	if (k == WAMP_SC_SYNC)
		return WAMP_IO_fsync;
	if (k == WAMP_SC_SYNCFS)
		return WAMP_IO_sync;
	if (!pagecache)
		return WAMP_IO_direct;
	if (k == WAMP_SC_WRITE || k == WAMP_SC_WRITEV)
		return WAMP_IO_fsync;
	return WAMP_IO_other;
}

/*
 * Charge @bio (@rq: it got a request of its own; else it was merged) to
 * the task that dirtied its file, else to its submitter, for its class;
 * 1 in stack_sample such bios notes the stack that submitted it.
 */
static void wamp_blk_bio(struct bio *bio, bool rq)
{
	unsigned int bytes = bio->bi_iter.bi_size;
	enum wamp_owner_found found;
	struct wamp_ident id;
	struct inode *inode;
	unsigned int how;

	/* An empty preflush bio is a cache flush, not data. */
	if (!bytes || !wamp_op_is_data_write(WAMP_OP(bio_op(bio))))
		return;
	/* The cgroup the kernel charges it to (io.stat), whoever the task. */
	wamp_store_cg_bio(wamp_bio_cgroup(bio),
			  rq ? WAMP_EV_BLK_RQ : WAMP_EV_BLK_MERGE, bytes);
	how = wamp_stack_tick() ? WAMP_ACC_STACK : 0;
	/*
	 * The journal thread's bios while it writes a commit's log are the
	 * commit's, even on a page another buffer's writeback holds (the log
	 * copy of a metadata block may be written from its page): its file
	 * data went out before (ordered mode), and is charged below.
	 */
	if (wamp_jrnl_charge(bytes, rq, how))
		return;
	found = WAMP_OWNER_NONE;
	/*
	 * The inode outlives the writeback of its pages, and is RCU-freed:
	 * probes are not RCU readers everywhere (7.x: SRCU), so be one.
	 */
	rcu_read_lock();
	inode = wamp_bio_wb_inode(bio);
	if (inode)
		found = wamp_owner_find(inode, &id);
	rcu_read_unlock();
	how |= WAMP_ACC_CLASS(wamp_io_class(bio, inode || wamp_bio_mapped(bio)));
	if (inode) {
		if (found != WAMP_OWNER_FOUND) {
			wamp_store_unowned(bytes);
		} else if (!wamp_ident_is_current(&id)) {
			wamp_store_account_for(&id, rq ? WAMP_EV_WB_RQ :
						   WAMP_EV_WB_MERGE, bytes, how);
			return;
		}
	}
	if (!in_task())
		how |= WAMP_ACC_OTHER;
	if (rq)
		wamp_store_account(WAMP_EV_BLK_RQ, bytes, how);
	else
		wamp_store_account(WAMP_EV_BLK_MERGE, bytes, how);
}

WAMP_GETRQ_PROBE(wamp_probe_getrq)
{
	wamp_blk_bio(bio, true);
}

WAMP_BIO_MERGE_PROBE(wamp_probe_bio_merge)
{
	wamp_blk_bio(bio, false);
}

WAMP_RQ_PROBE(wamp_probe_rq_issue)
{
	unsigned int op = WAMP_OP(req_op(rq));
	unsigned int bytes = blk_rq_bytes(rq);
	struct wamp_dev *d;

	/* Passthrough commands are not I/O the disk's statistics count. */
	if (blk_rq_is_passthrough(rq))
		return;
	preempt_disable_notrace();
	d = wamp_store_dev(wamp_rq_disk(rq));
	if (!d)
		goto out;
	if (op == WAMP_OP(REQ_OP_FLUSH)) {
		local64_inc(&d->flush_reqs);
	} else if (op == WAMP_OP(REQ_OP_DISCARD)) {
		local64_inc(&d->discard_reqs);
		local64_add(bytes, &d->discard_bytes);
	} else if (wamp_op_is_data_write(op) && bytes) {
		local64_inc(&d->write_reqs);
		local64_add(bytes, &d->write_bytes);
	}
	if (rq->cmd_flags & REQ_FUA)
		local64_inc(&d->fua_reqs);
	if (rq->cmd_flags & REQ_PREFLUSH)
		local64_inc(&d->preflush_reqs);
out:
	preempt_enable_notrace();
}

WAMP_RQ_PROBE(wamp_probe_rq_requeue)
{
	struct wamp_dev *d;

	if (blk_rq_is_passthrough(rq))
		return;
	preempt_disable_notrace();
	d = wamp_store_dev(wamp_rq_disk(rq));
	if (d)
		local64_inc(&d->requeues);
	preempt_enable_notrace();
}
