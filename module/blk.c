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
 * bytes plus (other) equal what the devices are sent.  A bio handled
 * outside task context goes to (other).
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
#include <linux/preempt.h>
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

static void wamp_blk_bio(struct bio *bio, enum wamp_event ev)
{
	unsigned int bytes = bio->bi_iter.bi_size;

	/* An empty preflush bio is a cache flush, not data. */
	if (!bytes || !wamp_op_is_data_write(WAMP_OP(bio_op(bio))))
		return;
	wamp_store_account(ev, bytes, in_task() ? 0 : WAMP_ACC_OTHER);
}

WAMP_GETRQ_PROBE(wamp_probe_getrq)
{
	wamp_blk_bio(bio, WAMP_EV_BLK_RQ);
}

WAMP_BIO_MERGE_PROBE(wamp_probe_bio_merge)
{
	wamp_blk_bio(bio, WAMP_EV_BLK_MERGE);
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
