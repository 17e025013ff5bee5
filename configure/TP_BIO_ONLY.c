// SPDX-License-Identifier: GPL-2.0
/*
 * block_getrq and the block_bio_merge class take only the bio:
 * e8a676d61c07 ("block: simplify and extend the block_bio_merge
 * tracepoint class"), v5.11.  Not backported to 5.10.
 */
#include <linux/blkdev.h>
#include <trace/events/block.h>

static void probe(void *data, struct bio *bio)
{
}

int wamp_feature(void);

int wamp_feature(void)
{
	return register_trace_block_getrq(probe, NULL) +
	       register_trace_block_bio_backmerge(probe, NULL);
}
