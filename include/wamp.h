/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What wamp.ko and its userspace tools share: the /proc/wamp format, its
 * field names, the flag bits and the rules that set them, and the defaults
 * and limits of the thresholds.
 *
 * /proc/wamp, format 1.2:
 *
 *   # wamp 1.2 writes=W write_bytes=B syncs=S blk_reqs=Q blk_bytes=K rows=R
 *     slots=U/C overflow=O nested=N iov_fault=F dev_overflow=D
 *     min_writes=M small_write_bytes=SW sync_ratio=SR amp_ratio=A.AA
 *   pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags
 *   <one row per task>
 *   - - (other) <the same columns>
 *   # exited rows=F writes=W write_bytes=B syncs=S blk_reqs=Q blk_bytes=K
 *   # dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs
 *     discard_reqs discard_bytes requeues
 *   <one row per block device: major:minor, name, counters>
 *   # system write_bytes=B dev_write_bytes=D amp=A.AA
 *
 * (lines shown wrapped are one line).  The first line carries the totals
 * and the thresholds in force; the task rows, the (other) row and the
 * exited line add up to the totals exactly at a quiescent read, for a
 * reader who may see every row.  The exited line holds the counts of the F
 * rows of exited tasks that were folded to make room for new tasks.  comm is escaped: bytes outside
 * 0x21..0x7e and the backslash are written as \ooo (octal), as in
 * /proc/mounts.  avg_write is write_bytes / writes rounded down, or "-"
 * when writes is 0; amp is blk_bytes / write_bytes rounded down to two
 * decimals, or "-" when write_bytes is 0.  flags is a comma-separated list
 * of flag names or "-".
 *
 * blk_* of a task are the bytes of the write requests it submitted to a
 * block device (data, not flushes), charged in its own context when the
 * block layer allocates a request for its bio or merges the bio into one.
 * The device rows are what block_rq_issue saw, per disk.
 *
 * Format 1.0 had neither the blk columns nor the device section; 1.1 had
 * no exited line.
 *
 * Compatibility: a reader must refuse a major version it does not know and
 * must ignore keys, columns and sections it does not know; minor versions
 * only add.
 */
#ifndef WAMP_H
#define WAMP_H

#define WAMP_FORMAT_MAJOR	1
#define WAMP_FORMAT_MINOR	2
#define WAMP_PROC_NAME		"wamp"
#define WAMP_PROC_PATH		"/proc/wamp"
#define WAMP_MAGIC		"# wamp"
#define WAMP_OTHER_COMM		"(other)"
#define WAMP_COMM_LEN		16

#define WAMP_COLUMNS \
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags"
#define WAMP_DEV_MAGIC		"# dev"
#define WAMP_DEV_COLUMNS \
	"device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues"
#define WAMP_SYSTEM_MAGIC	"# system"
#define WAMP_EXITED_MAGIC	"# exited"

/* Keys of the first line. */
#define WAMP_KEY_WRITES		"writes"
#define WAMP_KEY_WRITE_BYTES	"write_bytes"
#define WAMP_KEY_SYNCS		"syncs"
#define WAMP_KEY_BLK_REQS	"blk_reqs"
#define WAMP_KEY_BLK_BYTES	"blk_bytes"
#define WAMP_KEY_ROWS		"rows"
#define WAMP_KEY_SLOTS		"slots"
#define WAMP_KEY_OVERFLOW	"overflow"
#define WAMP_KEY_NESTED		"nested"
#define WAMP_KEY_IOV_FAULT	"iov_fault"
#define WAMP_KEY_DEV_OVERFLOW	"dev_overflow"
#define WAMP_KEY_MIN_WRITES	"min_writes"
#define WAMP_KEY_SMALL_BYTES	"small_write_bytes"
#define WAMP_KEY_SYNC_RATIO	"sync_ratio"
#define WAMP_KEY_AMP_RATIO	"amp_ratio"
/* Keys of the system line. */
#define WAMP_KEY_DEV_WRITE_BYTES "dev_write_bytes"
#define WAMP_KEY_AMP		"amp"

/* The one control command, written to /proc/wamp or debugfs wamp/reset. */
#define WAMP_CMD_RESET		"reset"

/* Flag bits and their names, in the order they are printed. */
#define WAMP_F_SMALL		0x1u	/* many writes, small on average */
#define WAMP_F_SYNC		0x2u	/* many writes, a sync every few */
#define WAMP_F_AMP		0x4u	/* device bytes a multiple of written */
#define WAMP_F_EXITED		0x80u	/* state, not a finding: task is gone */

#define WAMP_F_SMALL_NAME	"SMALL"
#define WAMP_F_SYNC_NAME	"SYNC"
#define WAMP_F_AMP_NAME		"AMP"
#define WAMP_F_EXITED_NAME	"EXITED"

/* Threshold defaults and the ranges a write to them must fall in. */
#define WAMP_MIN_WRITES_DEF	1000u
#define WAMP_MIN_WRITES_MIN	1u
#define WAMP_MIN_WRITES_MAX	1000000000u
#define WAMP_SMALL_BYTES_DEF	512u
#define WAMP_SMALL_BYTES_MIN	1u
#define WAMP_SMALL_BYTES_MAX	1073741824u	/* 1 GiB */
/* sync_ratio is in percent of writes: 10 means a sync per ten writes. */
#define WAMP_SYNC_RATIO_DEF	10u
#define WAMP_SYNC_RATIO_MIN	1u
#define WAMP_SYNC_RATIO_MAX	100u
/* amp_ratio is in hundredths (written and shown as 2.00). */
#define WAMP_AMP_RATIO_DEF	200u
#define WAMP_AMP_RATIO_MIN	1u
#define WAMP_AMP_RATIO_MAX	100000000u	/* 1000000.00 */

/* Slots per CPU in the per-task table (rounded up to a power of two). */
#define WAMP_TABLE_SIZE_DEF	1024u
#define WAMP_TABLE_SIZE_MIN	16u
#define WAMP_TABLE_SIZE_MAX	65536u

struct wamp_thresholds {
	unsigned int min_writes;
	unsigned int small_write_bytes;
	unsigned int sync_ratio;
	unsigned int amp_ratio;		/* hundredths */
};

/*
 * blk_bytes / write_bytes in hundredths, rounded down (saturating); 0 when
 * nothing was written.  Long division by digits with 128-bit products and
 * no 128-bit division, which the kernel has no helper for.
 */
static inline unsigned long long wamp_amp_centi(unsigned long long write_bytes,
						unsigned long long blk_bytes)
{
	unsigned long long q, d;
	__uint128_t rem;
	int i;

	if (!write_bytes)
		return 0;
	q = blk_bytes / write_bytes;
	if (q > ~0ULL / 100)
		return ~0ULL;
	rem = blk_bytes % write_bytes;
	for (i = 0; i < 2; i++) {
		rem *= 10;
		for (d = 9; d && (__uint128_t)d * write_bytes > rem; d--)
			;
		rem -= (__uint128_t)d * write_bytes;
		q = q * 10 + d;
	}
	return q;
}

/*
 * The flag rules, shared so that the tools classify deltas exactly as the
 * module classifies totals.  Exact integer arithmetic, no overflow for any
 * 64-bit input: avg < small <=> bytes / writes < small (floor division);
 * the ratios are compared as 128-bit products.
 */
static inline unsigned int wamp_classify(unsigned long long writes,
					 unsigned long long bytes,
					 unsigned long long syncs,
					 unsigned long long blk_bytes,
					 const struct wamp_thresholds *t)
{
	unsigned int flags = 0;

	if (writes == 0 || writes < t->min_writes)
		return 0;
	if (bytes / writes < t->small_write_bytes)
		flags |= WAMP_F_SMALL;
	if ((__uint128_t)syncs * 100 >= (__uint128_t)writes * t->sync_ratio)
		flags |= WAMP_F_SYNC;
	if (bytes &&
	    (__uint128_t)blk_bytes * 100 >= (__uint128_t)bytes * t->amp_ratio)
		flags |= WAMP_F_AMP;
	return flags;
}

#endif /* WAMP_H */
