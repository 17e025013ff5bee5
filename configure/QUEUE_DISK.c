// SPDX-License-Identifier: GPL-2.0
/*
 * The request_queue points at its gendisk: d152c682f03c ("block: add an
 * explicit ->disk backpointer to the request_queue"), v5.15; requests lost
 * ->rq_disk in f3fa33acca9f ("block: remove the ->rq_disk field in struct
 * request"), v5.17.
 */
#include <linux/blkdev.h>
#include <linux/blk-mq.h>

struct gendisk *wamp_feature(struct request *rq);

struct gendisk *wamp_feature(struct request *rq)
{
	return rq->q->disk;
}
