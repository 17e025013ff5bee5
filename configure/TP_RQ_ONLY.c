// SPDX-License-Identifier: GPL-2.0
/*
 * The request-based block tracepoints lost their request_queue argument:
 * a54895fa057c ("block: remove the request_queue to argument request
 * based tracepoints"), v5.11, backported to 5.10.137.
 */
#include <linux/blkdev.h>
#include <trace/events/block.h>

static void probe(void *data, struct request *rq)
{
}

int wamp_feature(void);

int wamp_feature(void)
{
	return register_trace_block_rq_issue(probe, NULL);
}
