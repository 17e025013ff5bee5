/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What wamp.ko and its userspace tools share: the /proc/wamp format, its
 * field names, the flag bits and the rules that set them, and the defaults
 * and limits of the thresholds.
 *
 * /proc/wamp, format 1.5:
 *
 *   # wamp 1.5 writes=W write_bytes=B syncs=S blk_reqs=Q blk_bytes=K
 *     dirtied=Y wb_bytes=Z jrnl_bytes=J io_fsync=.. io_sync=.. io_writeback=..
 *     io_journal=.. io_direct=.. io_reclaim=.. io_other=.. rows=R slots=U/C
 *     overflow=O nested=N iov_fault=F dev_overflow=D owners=OU/OC owner_evicted=E
 *     wb_unowned=X wb_unowned_bytes=XB jrnl_kept_bytes=JK min_writes=M
 *     small_write_bytes=SW sync_ratio=SR amp_ratio=A.AA
 *   pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp
 *     dirtied wb_bytes jrnl_bytes io_fsync io_sync io_writeback io_journal
 *     io_direct io_reclaim io_other cgroup flags
 *   <one row per task>
 *   - - (other) <the same columns>
 *   # exited rows=F writes=W write_bytes=B syncs=S blk_reqs=Q blk_bytes=K
 *     dirtied=Y wb_bytes=Z jrnl_bytes=J io_fsync=.. (the io_ counters)
 *   # dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs
 *     discard_reqs discard_bytes requeues
 *   <one row per block device: major:minor, name, counters>
 *   # system write_bytes=B dev_write_bytes=D amp=A.AA
 *   # cgroup io=IO rows=G slots=GU/GC overflow=GO reclaimed=GR
 *   id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path
 *   <one row per cgroup v2>
 *   - <the same counters> - (other)
 *   # sizes rows=H
 *   pid tgid comm 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384
 *     32768 65536 131072 262144 524288 1048576
 *   <one row per task row whose writes are not 0, in the task rows' order>
 *   - - (other) <the same columns>
 *   - - (exited) <the same columns>
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
 * blk_* of a task are the bytes of the write requests sent to a block
 * device (data, not flushes) on its behalf, charged when the block layer
 * allocates a request for a bio or merges the bio into one: a bio of
 * page-cache pages under writeback is charged to the task that last
 * dirtied that file (its inode), whoever submits it; any other bio to its
 * submitter.  wb_bytes is the part of blk_bytes that another task (the
 * flusher, another task's sync, jbd2's ordered-data flush) submitted for
 * it.  jrnl_bytes is the part of blk_bytes that is the task's share of
 * the journal commits (jbd2) that carried its changes, split by the
 * journal blocks its handles dirtied; jrnl_kept_bytes is what of the
 * commits stayed with the journal thread.  dirtied is the bytes of page
 * cache the task turned from clean to dirty (what /proc/PID/io counts as
 * write_bytes for buffered I/O).  The device rows are what block_rq_issue
 * saw, per disk.  owners is the use of the inode-owner table,
 * owner_evicted the owners it dropped for lack of room, wb_unowned (_bytes)
 * the writeback bios (bytes) whose file had no owner known: those stay
 * with their submitter.
 *
 * The io_ columns (since 1.5) split blk_bytes by the path that sent the
 * bytes to the device, known from the context of the bio's submission
 * without a stack walk: every byte of blk_bytes is in exactly one of them,
 * so they add up to blk_bytes in every row and in the totals.
 *   io_fsync	submitted in an fsync, fdatasync or sync_file_range call, or
 *		page cache or buffers submitted in a write call (O_SYNC,
 *		O_DSYNC), by a task;
 *   io_sync	submitted in a sync or syncfs call, or data-integrity
 *		writeback (REQ_SYNC) of page cache or buffers by a kernel
 *		thread (the flusher's second pass of sync(2), jbd2's
 *		checkpoints);
 *   io_writeback  other writeback of page cache by a kernel thread (the
 *		flusher: background, periodic, the first pass of sync(2));
 *   io_journal	what a journal thread submits while it writes a commit:
 *		the task's share of journal commits (jrnl_bytes), what the
 *		journal thread keeps of them, ordered data it flushes then;
 *   io_direct	bios of no file's or device's pages (direct I/O from
 *		anonymous memory) submitted by a task;
 *   io_reclaim	submitted by kswapd or in memory reclaim (swap, pageout);
 *   io_other	the rest: page cache or buffers written in another call
 *		(close, rename, unlink, ftruncate), bios of no page cache
 *		submitted by a kernel thread (loop, dm-crypt), bios outside
 *		task context.
 *
 * The sizes section (since 1.5) is the write-size histogram of each task
 * row with writes: the count of its write syscalls by the byte count each
 * asked for, in log2 buckets named by their lower bound: bucket 0 counts
 * writes of 0 bytes, bucket 2^k those of 2^k to 2^(k+1) - 1 bytes, and the
 * last, 1048576, every write of 1 MiB or more.  A row's buckets add up to
 * its writes; (other) and (exited) are the (other) row's and the exited
 * line's; rows is the number of task rows in the section.
 *
 * The cgroup section (since 1.4) has one row per cgroup of the unified
 * (v2) hierarchy that had an event since load or reset: id is the
 * cgroup's id (cgroup_id(): the inode number of its directory in cgroupfs
 * and its file handle), writes, write_bytes and syncs are the syscalls of
 * tasks while they were in it, blk_reqs and blk_bytes the write bios the
 * kernel itself charged to it (the bio's blkcg, as io.stat counts them:
 * cgroup writeback gives the flusher's bios the cgroup that owns the
 * inode's pages; a journal commit is jbd2's, so the root's), path its path
 * from the reader's cgroup-namespace root, escaped as comm is.  Rows are a
 * cgroup's own events, not its subtree's; the root cgroup is a row of its
 * own.  io is v2 when the io controller is on the unified hierarchy, v1
 * when it is bound to a v1 hierarchy (bios then count in (other) only),
 * none without block cgroups.  rows is the number of rows shown, slots the
 * per-CPU cgroup entries used and available, overflow the events counted
 * in (other) for lack of an entry, reclaimed the entries of removed
 * cgroups taken over by new ones (their counts are in (other)).  The task
 * column cgroup is the id of the task's cgroup: now for a live task, at
 * its last counted syscall for an exited one ("-" if unknown).  A cgroup
 * that was removed is flagged REMOVED and keeps its row until a reset, or
 * until a new cgroup needs its entry.
 *
 * Format 1.0 had neither the blk columns nor the device section; 1.1 had
 * no exited line; 1.2 had neither dirtied, wb_bytes nor jrnl_bytes, and
 * charged every bio to its submitter; 1.3 had neither the cgroup column
 * nor the cgroup section; 1.4 had neither the io_ columns nor the sizes
 * section.
 *
 * debugfs wamp/stacks (root only: kernel addresses), its own format 1.0:
 *
 *   # wamp stacks 1.0 sample=N depth=D entries=U/C overflow=O
 *   stack pid=P tgid=T comm=COMM class=CLASS bios=B bytes=K
 *   <TAB>frame, innermost (the block layer) first, as %pS prints it
 *   <a blank line after each stack>
 *
 * One record per (task, I/O class, kernel stack): the stack that submitted
 * the bios charged to the task, taken for 1 in N of the charged write bios
 * on each CPU (sample=0: none are taken), at most D frames, so bios and
 * bytes count the sampled bios only (multiply by N to estimate the whole).
 * CLASS is an io_ column's name without the prefix.  Records are sorted by
 * bytes, largest first; entries is the use of the per-CPU stack tables
 * summed over the CPUs, overflow the sampled bios not recorded for lack of
 * an entry.
 *
 * Compatibility: a reader must refuse a major version it does not know and
 * must ignore keys, columns and sections it does not know; minor versions
 * only add.
 */
#ifndef WAMP_H
#define WAMP_H

#define WAMP_FORMAT_MAJOR	1
#define WAMP_FORMAT_MINOR	5
#define WAMP_PROC_NAME		"wamp"
#define WAMP_PROC_PATH		"/proc/wamp"
#define WAMP_MAGIC		"# wamp"
#define WAMP_OTHER_COMM		"(other)"
#define WAMP_COMM_LEN		16	/* TASK_COMM_LEN */
#define WAMP_DISK_LEN		32	/* DISK_NAME_LEN */

/*
 * One list per record.  Each list below is expanded, by the module and by
 * the tools alike, into the structs that hold the record, the header line
 * of its section, the code that prints its rows, the parser's column table
 * and the JSON and Prometheus names.  Adding a task counter is one line in
 * WAMP_TASK_COLUMNS (and the probe that counts it).
 *
 * The columns of a task row, in the order they are printed:
 *   K(name)			the task's key and name, printed as they are
 *   C(name, minor, prom, help)	a counter: the format minor version that
 *				added it (older reports lack it), its
 *				Prometheus metric name stem and help text
 *   D(name, minor)		a column derived from the counters
 *   F(name)			the flags
 */
#define WAMP_TASK_COLUMNS(K, C, D, F)					\
	K(pid) K(tgid) K(comm)						\
	C(writes, 0, "writes",						\
	  "Write-family syscalls (write, pwrite64, writev, pwritev, pwritev2).") \
	C(write_bytes, 0, "write_bytes",				\
	  "Bytes the write syscalls asked to write.")			\
	D(avg_write, 0)							\
	C(syncs, 0, "syncs",						\
	  "Sync-family syscalls (fsync, fdatasync, sync_file_range, syncfs, sync).") \
	C(blk_reqs, 1, "blk_requests",					\
	  "Block write requests created for the task's bios.")		\
	C(blk_bytes, 1, "blk_bytes",					\
	  "Bytes of block write requests charged to the task.")		\
	D(amp, 1)							\
	C(dirtied, 3, "dirtied_bytes",					\
	  "Bytes of page cache the task dirtied.")			\
	C(wb_bytes, 3, "writeback_bytes",				\
	  "Part of blk_bytes written back for the task by another task.") \
	C(jrnl_bytes, 3, "journal_bytes",				\
	  "Part of blk_bytes that is the task's share of journal commits.") \
	C(io_fsync, 5, "io_fsync_bytes",				\
	  "Part of blk_bytes sent by fsync, fdatasync, sync_file_range, O_SYNC writes.") \
	C(io_sync, 5, "io_sync_bytes",					\
	  "Part of blk_bytes sent by sync, syncfs or integrity writeback.") \
	C(io_writeback, 5, "io_writeback_bytes",			\
	  "Part of blk_bytes written back by the flusher.")		\
	C(io_journal, 5, "io_journal_bytes",				\
	  "Part of blk_bytes that is journal commits.")			\
	C(io_direct, 5, "io_direct_bytes",				\
	  "Part of blk_bytes sent by direct I/O.")			\
	C(io_reclaim, 5, "io_reclaim_bytes",				\
	  "Part of blk_bytes sent by memory reclaim.")			\
	C(io_other, 5, "io_other_bytes",				\
	  "Part of blk_bytes sent on other paths.")			\
	K(cgroup)							\
	F(flags)

/*
 * The columns of a cgroup row (the "# cgroup" section, since format 1.4):
 * K(name) a key, C(name, prom, help) a counter (the task counter of the
 * same name: the first WAMP_CG_NR task counters), D(name) derived, F the
 * flags.  path is last.
 */
#define WAMP_CG_COLUMNS(K, C, D, F)					\
	K(id)								\
	C(writes, "writes",						\
	  "Write-family syscalls of tasks while in the cgroup.")	\
	C(write_bytes, "write_bytes",					\
	  "Bytes those write syscalls asked to write.")			\
	D(avg_write)							\
	C(syncs, "syncs",						\
	  "Sync-family syscalls of tasks while in the cgroup.")		\
	C(blk_reqs, "blk_requests",					\
	  "Block write requests created for bios charged to the cgroup.") \
	C(blk_bytes, "blk_bytes",					\
	  "Bytes of write bios the kernel charged to the cgroup (io.stat wbytes).") \
	D(amp)								\
	F(flags)							\
	K(path)

/*
 * The columns of a device row (the "# dev" section, since format 1.1):
 * K(name) as above, C(name, prom, help) a counter of what block_rq_issue
 * and block_rq_requeue saw.
 */
#define WAMP_DEV_COLUMNS(K, C)						\
	K(device) K(disk)						\
	C(write_reqs, "write_requests",					\
	  "Write requests issued to the device.")			\
	C(write_bytes, "write_bytes",					\
	  "Bytes of write requests issued to the device.")		\
	C(flush_reqs, "flush_requests",					\
	  "Cache flush requests issued to the device.")			\
	C(fua_reqs, "fua_requests", "Requests issued with FUA.")	\
	C(preflush_reqs, "preflush_requests",				\
	  "Requests issued with a preflush.")				\
	C(discard_reqs, "discard_requests",				\
	  "Discard requests issued to the device.")			\
	C(discard_bytes, "discard_bytes",				\
	  "Bytes of discard requests issued to the device.")		\
	C(requeues, "requeues", "Requests requeued by the driver.")

/*
 * The flags, in the order they are printed: X(name, bit).  SMALL: many
 * writes, small on average; SYNC: many writes, a sync every few; AMP:
 * device bytes a multiple of written; EXITED, REMOVED: state, not a
 * finding (the task is gone; the cgroup was removed: cgroup rows only).
 */
#define WAMP_FLAGS(X)							\
	X(SMALL, 0x1u)							\
	X(SYNC, 0x2u)							\
	X(AMP, 0x4u)							\
	X(REMOVED, 0x40u)						\
	X(EXITED, 0x80u)

/* Helpers to expand the lists. */
#define WAMP_NOTHING(...)
#define WAMP_COL_NAME(name, ...)	" " #name
#define WAMP_TASK_INDEX(name, ...)	WAMP_TC_##name,
#define WAMP_DEV_INDEX(name, ...)	WAMP_DC_##name,
#define WAMP_COUNTER_FIELD(name, ...)	unsigned long long name;
#define WAMP_FLAG_ENUM(name, bit)	WAMP_F_##name = (bit),
#define WAMP_FLAG_NAME(name, bit)	{ WAMP_F_##name, #name },

/* The task counters and the device counters alone, as X(name, ...). */
#define WAMP_TASK_COUNTERS(X)						\
	WAMP_TASK_COLUMNS(WAMP_NOTHING, X, WAMP_NOTHING, WAMP_NOTHING)
#define WAMP_DEV_COUNTERS(X)	WAMP_DEV_COLUMNS(WAMP_NOTHING, X)
#define WAMP_CG_COUNTERS(X)						\
	WAMP_CG_COLUMNS(WAMP_NOTHING, X, WAMP_NOTHING, WAMP_NOTHING)

/* Indices of the counters in the arrays that hold them (tc[], dc[]). */
enum wamp_task_counter { WAMP_TASK_COUNTERS(WAMP_TASK_INDEX) WAMP_TC_NR };
enum wamp_dev_counter { WAMP_DEV_COUNTERS(WAMP_DEV_INDEX) WAMP_DC_NR };

/*
 * A cgroup's counters are the first task counters, in the same order, so
 * that one event adds to the same index in both (wamp.h's users check it).
 */
#define WAMP_CG_ONE(name, ...)	+ 1
enum { WAMP_CG_NR = 0 WAMP_CG_COUNTERS(WAMP_CG_ONE) };

/*
 * Members of a struct that holds a task's (a device's) counters, by name
 * and as an array indexed by WAMP_TC_<name> (WAMP_DC_<name>).
 */
#define WAMP_TASK_COUNTS_MEMBERS					\
	union {								\
		struct {						\
			WAMP_TASK_COUNTERS(WAMP_COUNTER_FIELD)		\
		};							\
		unsigned long long tc[WAMP_TC_NR];			\
	}
#define WAMP_DEV_COUNTS_MEMBERS						\
	union {								\
		struct {						\
			WAMP_DEV_COUNTERS(WAMP_COUNTER_FIELD)		\
		};							\
		unsigned long long dc[WAMP_DC_NR];			\
	}

/*
 * The header lines of the sections, from the lists; each starts with a
 * blank, so the line itself is WAMP_TASK_HEADER + 1.
 */
#define WAMP_TASK_HEADER						\
	WAMP_TASK_COLUMNS(WAMP_COL_NAME, WAMP_COL_NAME, WAMP_COL_NAME,	\
			  WAMP_COL_NAME)
#define WAMP_DEV_HEADER	WAMP_DEV_COLUMNS(WAMP_COL_NAME, WAMP_COL_NAME)
#define WAMP_CG_HEADER							\
	WAMP_CG_COLUMNS(WAMP_COL_NAME, WAMP_COL_NAME, WAMP_COL_NAME,	\
			WAMP_COL_NAME)

enum wamp_flag { WAMP_FLAGS(WAMP_FLAG_ENUM) };

/* static const struct wamp_flag_name names[] = WAMP_FLAG_NAMES; */
struct wamp_flag_name {
	unsigned int bit;
	const char *name;
};

#define WAMP_FLAG_NAMES	{ WAMP_FLAGS(WAMP_FLAG_NAME) }

#define WAMP_DEV_MAGIC		"# dev"
#define WAMP_SYSTEM_MAGIC	"# system"
#define WAMP_EXITED_MAGIC	"# exited"
#define WAMP_CGROUP_MAGIC	"# cgroup"
#define WAMP_SIZES_MAGIC	"# sizes"
#define WAMP_EXITED_COMM	"(exited)"
#define WAMP_STACKS_MAGIC	"# wamp stacks"
#define WAMP_STACKS_MAJOR	1
#define WAMP_STACKS_MINOR	0
#define WAMP_STACKS_PATH	"/sys/kernel/debug/wamp/stacks"

/*
 * The I/O classes, in the order of their io_ columns: X(name).  A class's
 * counter is WAMP_TC_io_<name>, its index WAMP_IO_<name>.
 */
#define WAMP_IO_CLASSES(X)						\
	X(fsync) X(sync) X(writeback) X(journal) X(direct) X(reclaim) X(other)
#define WAMP_IO_ENUM(name)	WAMP_IO_##name,
#define WAMP_IO_NAME(name)	#name,
enum wamp_io_class { WAMP_IO_CLASSES(WAMP_IO_ENUM) WAMP_IO_NR };
/* static const char *const names[] = WAMP_IO_NAMES; */
#define WAMP_IO_NAMES	{ WAMP_IO_CLASSES(WAMP_IO_NAME) }

/*
 * The write-size histogram: bucket 0 for 0 bytes, bucket k (1..20) for
 * 2^(k-1) .. 2^k - 1 bytes, the last (21) for 1 MiB and more; named in the
 * sizes section by their lower bounds (0, 1, 2, 4, ... 1048576).
 */
#define WAMP_HIST_NR		22
#define WAMP_HIST_TOP_SHIFT	20	/* the last bucket: 1 << 20 and up */

static inline unsigned int wamp_hist_bucket(unsigned long long bytes)
{
	if (bytes >= 1ULL << WAMP_HIST_TOP_SHIFT)
		return WAMP_HIST_NR - 1;
	return bytes ? 64 - __builtin_clzll(bytes) : 0;
}

static inline unsigned long long wamp_hist_lower(unsigned int bucket)
{
	return bucket ? 1ULL << (bucket - 1) : 0;
}

/* Keys of the first line (the totals are the task counters' names). */
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
#define WAMP_KEY_OWNERS		"owners"
#define WAMP_KEY_OWNER_EVICTED	"owner_evicted"
#define WAMP_KEY_WB_UNOWNED	"wb_unowned"
#define WAMP_KEY_WB_UNOWNED_BYTES "wb_unowned_bytes"
#define WAMP_KEY_JRNL_KEPT_BYTES "jrnl_kept_bytes"
#define WAMP_KEY_MIN_WRITES	"min_writes"
#define WAMP_KEY_SMALL_BYTES	"small_write_bytes"
#define WAMP_KEY_SYNC_RATIO	"sync_ratio"
#define WAMP_KEY_AMP_RATIO	"amp_ratio"
/* Keys of the cgroup section's line (and rows=, slots=, overflow=). */
#define WAMP_KEY_IO		"io"
#define WAMP_KEY_RECLAIMED	"reclaimed"
#define WAMP_IO_V2		"v2"	/* bios charged per cgroup v2 */
#define WAMP_IO_V1		"v1"	/* io bound to a v1 hierarchy */
#define WAMP_IO_NONE		"none"	/* no block cgroups */
/* Keys of the system line. */
#define WAMP_KEY_DEV_WRITE_BYTES "dev_write_bytes"
#define WAMP_KEY_AMP		"amp"

/* The one control command, written to /proc/wamp or debugfs wamp/reset. */
#define WAMP_CMD_RESET		"reset"

/* Threshold defaults and the ranges a write to them must fall in. */
#define WAMP_MIN_WRITES_DEF	1000
#define WAMP_MIN_WRITES_MIN	1
#define WAMP_MIN_WRITES_MAX	1000000000
#define WAMP_SMALL_BYTES_DEF	512
#define WAMP_SMALL_BYTES_MIN	1
#define WAMP_SMALL_BYTES_MAX	1073741824	/* 1 GiB */
/* sync_ratio is in percent of writes: 10 means a sync per ten writes. */
#define WAMP_SYNC_RATIO_DEF	10
#define WAMP_SYNC_RATIO_MIN	1
#define WAMP_SYNC_RATIO_MAX	100
/* amp_ratio is in hundredths (written and shown as 2.00). */
#define WAMP_AMP_RATIO_RANGE	"0.01..1000000.00"	/* MIN..MAX, shown */
#define WAMP_AMP_RATIO_DEF_SHOWN "2.00"			/* DEF, shown */
#define WAMP_AMP_RATIO_DEF	200
#define WAMP_AMP_RATIO_MIN	1
#define WAMP_AMP_RATIO_MAX	100000000	/* 1000000.00 */

/* root_only: 1 lets only CAP_SYS_ADMIN read /proc/wamp. */
#define WAMP_ROOT_ONLY_DEF	0
#define WAMP_ROOT_ONLY_MIN	0
#define WAMP_ROOT_ONLY_MAX	1
/*
 * syscall_hook: how the write and sync syscalls are seen.  1 (the
 * default): ftrace callbacks on the entry of the counted syscalls' wrappers
 * only, or the raw_syscalls:sys_enter tracepoint where the kernel cannot
 * (no dynamic ftrace, no wrapper found).  0: that tracepoint, which every
 * syscall on the machine passes through (on Debian 6.1, redis pays 1.20%
 * per request for it against 0.19% for the hook; the hook costs at load
 * and unload instead: README, "Cost").  Load time only.
 */
#define WAMP_SYSCALL_HOOK_DEF	1
#define WAMP_SYSCALL_HOOK_MIN	0
#define WAMP_SYSCALL_HOOK_MAX	1
/* Entries of the inode-owner table (rounded up to a power of two). */
#define WAMP_OWNER_SIZE_DEF	4096
#define WAMP_OWNER_SIZE_MIN	64
#define WAMP_OWNER_SIZE_MAX	1048576
/* Entries per CPU in the cgroup table (rounded up to a power of two). */
#define WAMP_CG_SIZE_DEF	256
#define WAMP_CG_SIZE_MIN	16
#define WAMP_CG_SIZE_MAX	16384
/*
 * stack_sample: the stack of 1 in this many charged write bios is noted
 * (0: none); stack_table_size: entries per CPU (rounded up to a power of
 * two).
 */
#define WAMP_STACK_SAMPLE_DEF	64
#define WAMP_STACK_SAMPLE_MIN	0
#define WAMP_STACK_SAMPLE_MAX	1000000
#define WAMP_STACK_SIZE_DEF	128
#define WAMP_STACK_SIZE_MIN	16
#define WAMP_STACK_SIZE_MAX	4096
/* Slots per CPU in the per-task table (rounded up to a power of two). */
#define WAMP_TABLE_SIZE_DEF	1024
#define WAMP_TABLE_SIZE_MIN	16
#define WAMP_TABLE_SIZE_MAX	65536

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
