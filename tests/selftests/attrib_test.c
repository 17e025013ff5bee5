// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, attribution: a device byte of written-back file data is
 * charged to the task that dirtied the file, whoever submits it (the
 * flusher, another task's sync), as wb_bytes; and dirtied counts the page
 * cache a task dirtied exactly as its /proc/<tid>/io write_bytes does.
 * The workloads run in stopped children, on ext4 over virtio-blk (vda).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "checks.h"
#include "slow.h"

#define KIB		1024ULL
#define MIB		(1024 * KIB)
/* What kernel threads may gain in a window: their own metadata. */
#define KTHREAD_SLACK	(512 * KIB)

/* /proc/<pid>/task/<tid>/io's write_bytes, or -1. */
static long long proc_write_bytes(pid_t pid, pid_t tid)
{
	char path[64], line[128];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/io", pid, tid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "write_bytes:", 12))
			v = strtoll(line + 12, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static void rm_rf(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	run(cmd);
}

/*
 * @dirtied equals the task's /proc/<pid>/task/<tid>/io write_bytes.
 * Every Debian kernel has task I/O accounting; wamp's own debug kernel
 * (tests/kconfig) does not, and says so instead.
 */
static void expect_proc_io(struct __test_metadata *_metadata, pid_t pid,
			   pid_t tid, unsigned long long dirtied)
{
	if (access("/proc/self/io", F_OK)) {
		TH_LOG("no /proc/PID/io (CONFIG_TASK_IO_ACCOUNTING) here: not compared");
		return;
	}
	EXPECT_EQ(proc_write_bytes(pid, tid), (long long)dirtied);
}

/* Block bytes of every row but @pid's, (other) and exited included. */
static unsigned long long blk_but(const struct wampp_report *r, pid_t pid)
{
	unsigned long long n = r->other.blk_bytes;

	n += wampp_exited_key(r, WAMP_KEY_BLK_BYTES, NULL);
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].pid != pid)
			n += r->rows[i].blk_bytes;
	return n;
}

/*
 * @row was charged its file's @data exactly, written back for it, plus
 * at most its own metadata: its share of the journal commits.
 */
static void expect_data_and_own_journal(struct __test_metadata *_metadata,
					const struct wampp_row *row,
					unsigned long long data)
{
	EXPECT_EQ(data, row->blk_bytes - row->jrnl_bytes);
	EXPECT_LT(row->jrnl_bytes, KTHREAD_SLACK);
}

struct file_arg {
	char path[PATH_MAX];
	size_t bs;
	size_t count;
	bool mmap;
};

/* dd bs=@bs count=@count into a new file, or the same through mmap. */
static void fill_file(void *p)
{
	const struct file_arg *a = p;
	size_t len = a->bs * a->count;
	char *buf, *map;
	int fd;

	fd = open(a->path, O_RDWR | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		return;
	if (a->mmap) {
		if (ftruncate(fd, len))
			return;
		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (map == MAP_FAILED)
			return;
		memset(map, 0x5a, len);
		munmap(map, len);
	} else {
		buf = malloc(a->bs);
		if (!buf)
			return;
		memset(buf, 0x5a, a->bs);
		for (size_t i = 0; i < a->count; i++)
			(void)!write(fd, buf, a->bs);
		free(buf);
	}
	close(fd);
}

/*
 * run_quiet() for writeback: run fill_file(@a) in a stopped child named
 * @comm with the flusher off (@w->pid, for the caller to reap), check that
 * it dirtied what /proc/<pid>/io says, then have @flush write it back
 * (NULL: the flusher) and read the report at a quiet @disk (@w->r,
 * @w->before, @w->after); the child's row.
 */
static const struct wampp_row *
dirty_then_flush(struct __test_metadata *_metadata, const char *disk,
		 struct file_arg *a, const char *comm, void (*flush)(void),
		 struct quiet_window *w)
{
	const struct wampp_row *row;
	struct wampp_report mid;

	flusher_off();
	EXPECT_EQ(0, reset_quiet(disk, &w->before));
	w->pid = spawn_stopped(fill_file, a, comm);
	ASSERT_LT(0, w->pid);
	/*
	 * Dirtied, and (nearly) nothing written back yet: xfs may write a
	 * little on its own (72 KiB seen on 6.1), so the writeback is only
	 * judged at the end, in full.
	 */
	row = read_row(_metadata, &mid, w->pid);
	expect_proc_io(_metadata, w->pid, w->pid, row->dirtied);
	EXPECT_EQ(a->bs * a->count, row->dirtied);
	EXPECT_LT(row->wb_bytes, a->bs * a->count);
	wampp_free(&mid);
	if (flush)
		flush();
	else
		flusher_now();
	EXPECT_EQ(0, wait_clean()) TH_LOG("dirty data left");
	flusher_default();
	EXPECT_EQ(0, read_quiet(&w->r, disk, &w->after));
	row = wampp_find(&w->r, w->pid);
	ASSERT_NE(NULL, row) TH_LOG("no row for %s", comm);
	return row;
}

/*
 * The first case: dd bs=4k count=4096 into a new file, no fsync,
 * written back by the flusher.  Before wamp 1.3 dd was charged 0 bytes and
 * the flusher 16 MiB.
 */
TEST_F_TIMEOUT(slow, flusher_writeback_charged_to_dirtier, 300)
{
	struct file_arg a = { .bs = 4096, .count = 4096 };
	const struct wampp_row *row;
	struct quiet_window w;

	snprintf(a.path, sizeof(a.path), "%s/wamp_dd.%d", mnt(), getpid());
	row = dirty_then_flush(_metadata, "vda", &a, "wamp_dd", NULL, &w);
	EXPECT_EQ(16 * MIB, row->dirtied);
	EXPECT_EQ(16 * MIB, row->wb_bytes);
	expect_data_and_own_journal(_metadata, row, 16 * MIB);
	/* The flusher's writeback (1.5): the class of all of its data. */
	EXPECT_EQ(row->wb_bytes, row->io_writeback);
	EXPECT_EQ(row->jrnl_bytes, row->io_journal);
	EXPECT_LT(blk_but(&w.r, w.pid), KTHREAD_SLACK);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	TH_LOG("dd: dirtied %llu, blk %llu (wb %llu, journal %llu) in %llu requests; others %llu",
	       row->dirtied, row->blk_bytes, row->wb_bytes, row->jrnl_bytes,
	       row->blk_reqs,
	       blk_but(&w.r, w.pid));
	wampp_free(&w.r);
	reap(w.pid);
	unlink(a.path);
}

#define XFS_NULLB	"/sys/kernel/config/nullb/wampxfs"
#define XFS_MNT		"/tmp/wamp_xfs"

/*
 * xfs on a memory-backed null_blk device made through configfs (the
 * module's own nullb0 has no memory): its name, or NULL (skip).
 */
static const char *xfs_disk(void)
{
	static char name[32];
	char cmd[512];
	int idx;
	FILE *f;

	static const char modprobe[] =
		"modprobe -d \"$WAMP_KROOT\" -S \"$WAMP_KVER\" xfs 2>/dev/null";

	if (run("command -v mkfs.xfs >/dev/null") ||
	    (run(modprobe) && run("grep -qw xfs /proc/filesystems")))
		return NULL;
	run("mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config");
	if (run("mkdir -p " XFS_NULLB) ||
	    write_sysctl(XFS_NULLB "/memory_backed", "1") ||
	    write_sysctl(XFS_NULLB "/size", "1024") ||
	    write_sysctl(XFS_NULLB "/power", "1"))
		return NULL;
	f = fopen(XFS_NULLB "/index", "r");
	if (!f)
		return NULL;
	idx = -1;
	if (fscanf(f, "%d", &idx) != 1)
		idx = -1;
	fclose(f);
	if (idx < 0)
		return NULL;
	/* Named after its configfs directory (5.x and later), else by index. */
	if (!access("/sys/block/wampxfs", F_OK))
		snprintf(name, sizeof(name), "wampxfs");
	else
		snprintf(name, sizeof(name), "nullb%d", idx);
	snprintf(cmd, sizeof(cmd),
		 "mkfs.xfs -q -f /dev/%s && mkdir -p " XFS_MNT " && mount -t xfs /dev/%s " XFS_MNT,
		 name, name);
	return run(cmd) ? NULL : name;
}

static void xfs_undo(void)
{
	run("umount " XFS_MNT " 2>/dev/null; rmdir " XFS_NULLB " 2>/dev/null");
}

static void sync_elsewhere(void);
static pid_t wamp_syncer;

/*
 * The data cases on xfs: a buffered writer's file written back by the
 * flusher, by another task's sync, and stores through a shared mapping:
 * each charged to the task that dirtied it.  xfs's log has no
 * attribution: it stays with whoever writes it (its log workers, or the
 * sync caller forcing the log), as the README says.
 */
TEST_F_TIMEOUT(slow, xfs_data_charged_to_dirtier, 300)
{
	static const struct {
		const char *comm;
		bool mmap;
		bool sync;
	} cases[] = {
		{ "wamp_xfs_dd", false, false },
		{ "wamp_xfs_buf", false, true },
		{ "wamp_xfs_map", true, false },
	};
	const struct wampp_row *row;
	const struct wampp_dev *d;
	struct quiet_window w;
	const char *disk;

	disk = xfs_disk();
	if (!disk) {
		xfs_undo();
		SKIP(return, "no xfs (mkfs.xfs, the xfs module, null_blk configfs)");
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct file_arg a = { .bs = 4096, .count = 2048,
				      .mmap = cases[i].mmap };
		void (*flush)(void) = NULL;

		if (cases[i].sync)
			flush = sync_elsewhere;
		snprintf(a.path, sizeof(a.path), XFS_MNT "/%s.%d",
			 cases[i].comm, getpid());
		wamp_syncer = 0;
		row = dirty_then_flush(_metadata, disk, &a, cases[i].comm,
				       flush, &w);
		EXPECT_EQ(8 * MIB, row->wb_bytes) TH_LOG("%s", cases[i].comm);
		EXPECT_EQ(8 * MIB, row->blk_bytes) TH_LOG("%s", cases[i].comm);
		if (wamp_syncer > 0 && wampp_find(&w.r, wamp_syncer))
			EXPECT_EQ(0, wampp_find(&w.r, wamp_syncer)->wb_bytes);
		d = wampp_find_dev(&w.r, disk);
		ASSERT_NE(NULL, d);
		expect_dev_matches_stat(_metadata, &w.r, disk, &w.before, &w.after);
		expect_blk_sums_to_devices(_metadata, &w.r);
		TH_LOG("xfs %s: writer %llu of %s's %llu bytes; others %llu",
		       cases[i].comm, row->blk_bytes, disk, d->write_bytes,
		       blk_but(&w.r, w.pid));
		wampp_free(&w.r);
		reap(w.pid);
		unlink(a.path);
	}
	xfs_undo();
}

static void do_sync(void *p)
{
	(void)p;
	sync();
}

/* Another task's sync(2) writes the data back. */
static void sync_elsewhere(void)
{
	wamp_syncer = spawn(do_sync, NULL, "wamp_syncer");
	if (wamp_syncer > 0)
		waitpid(wamp_syncer, NULL, 0);
}

/*
 * 8 MiB buffered by one task, then sync run by another: the writer is
 * charged its data, the sync caller nothing of it.
 */
TEST_F_TIMEOUT(slow, sync_by_another_charged_to_writer, 300)
{
	struct file_arg a = { .bs = 65536, .count = 128 };
	const struct wampp_row *row, *syncer;
	struct quiet_window w;

	snprintf(a.path, sizeof(a.path), "%s/wamp_buf.%d", mnt(), getpid());
	row = dirty_then_flush(_metadata, "vda", &a, "wamp_buffered",
			       sync_elsewhere, &w);
	EXPECT_EQ(8 * MIB, row->wb_bytes);
	expect_data_and_own_journal(_metadata, row, 8 * MIB);
	/*
	 * sync(2) has the flusher write back first (writeback), then waits
	 * for a data-integrity pass (sync): nothing else carries the data.
	 */
	EXPECT_EQ(row->wb_bytes, row->io_writeback + row->io_sync);
	EXPECT_EQ(row->jrnl_bytes, row->io_journal);
	syncer = wampp_find(&w.r, wamp_syncer);
	ASSERT_NE(NULL, syncer) TH_LOG("no row for the sync caller");
	EXPECT_EQ(1, syncer->syncs);
	EXPECT_EQ(0, syncer->wb_bytes);
	EXPECT_LT(syncer->blk_bytes, KTHREAD_SLACK);
	EXPECT_LT(blk_but(&w.r, w.pid), KTHREAD_SLACK);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	TH_LOG("writer: blk %llu (wb %llu, journal %llu); sync caller: blk %llu; others %llu",
	       row->blk_bytes, row->wb_bytes, row->jrnl_bytes, syncer->blk_bytes,
	       blk_but(&w.r, w.pid));
	wampp_free(&w.r);
	reap(w.pid);
	unlink(a.path);
}

/* 4 MiB of stores through a shared mapping, written back later. */
TEST_F_TIMEOUT(slow, mmap_stores_charged_to_mapper, 300)
{
	struct file_arg a = { .bs = 4096, .count = 1024, .mmap = true };
	const struct wampp_row *row;
	struct quiet_window w;

	snprintf(a.path, sizeof(a.path), "%s/wamp_map.%d", mnt(), getpid());
	row = dirty_then_flush(_metadata, "vda", &a, "wamp_mapper", NULL, &w);
	EXPECT_EQ(0, row->writes);
	EXPECT_EQ(4 * MIB, row->wb_bytes);
	expect_data_and_own_journal(_metadata, row, 4 * MIB);
	EXPECT_EQ(row->wb_bytes, row->io_writeback);
	EXPECT_LT(blk_but(&w.r, w.pid), KTHREAD_SLACK);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	wampp_free(&w.r);
	reap(w.pid);
	unlink(a.path);
}

/*
 * The rule when two tasks dirty one file between two writebacks: the most
 * recent dirtier owns the file and is charged for all of it (README,
 * "Attribution").  The first appender is charged nothing.
 */
TEST_F_TIMEOUT(slow, most_recent_dirtier_owns_the_file, 300)
{
	struct file_arg a = { .bs = 4096, .count = 256 };
	const struct wampp_row *first, *second;
	struct blkstat before, after;
	struct wampp_report r;
	pid_t p1, p2;

	snprintf(a.path, sizeof(a.path), "%s/wamp_two.%d", mnt(), getpid());
	flusher_off();
	ASSERT_EQ(0, reset_quiet("vda", &before));
	p1 = spawn_stopped(fill_file, &a, "wamp_first");
	p2 = spawn_stopped(fill_file, &a, "wamp_second");
	ASSERT_LT(0, p1);
	ASSERT_LT(0, p2);
	flusher_now();
	EXPECT_EQ(0, wait_clean());
	flusher_default();
	ASSERT_EQ(0, read_quiet(&r, "vda", &after));
	first = wampp_find(&r, p1);
	second = wampp_find(&r, p2);
	ASSERT_NE(NULL, first);
	ASSERT_NE(NULL, second);
	EXPECT_EQ(1 * MIB, first->dirtied);
	EXPECT_EQ(1 * MIB, second->dirtied);
	EXPECT_EQ(0, first->wb_bytes);
	EXPECT_EQ(0, first->blk_bytes - first->jrnl_bytes);
	EXPECT_EQ(2 * MIB, second->wb_bytes);
	expect_data_and_own_journal(_metadata, second, 2 * MIB);
	expect_blk_sums_to_devices(_metadata, &r);
	wampp_free(&r);
	reap(p1);
	reap(p2);
	unlink(a.path);
}

#define FSYNCS		300

static void small_fsyncs(void *p)
{
	const struct file_arg *a = p;
	char buf[48];
	int fd;

	memset(buf, 'r', sizeof(buf));
	fd = open(a->path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	for (int i = 0; i < FSYNCS; i++) {
		(void)!write(fd, buf, sizeof(buf));
		fsync(fd);
	}
	close(fd);
}

/* Block bytes of the rows whose comm starts with @prefix. */
static unsigned long long blk_of(const struct wampp_report *r,
				 const char *prefix)
{
	unsigned long long n = 0;

	for (size_t i = 0; i < r->nrows; i++)
		if (!strncmp(r->rows[i].comm, prefix, strlen(prefix)))
			n += r->rows[i].blk_bytes;
	return n;
}

/*
 * 48-byte writes with an fsync each, on ext4: the journal commits each
 * fsync forces are the writer's (jrnl_bytes), not jbd2's.  Before 1.3,
 * jbd2 was charged about three quarters of the disk's bytes here.
 */
TEST_F_TIMEOUT(slow, journal_commits_charged_to_writer, 300)
{
	struct file_arg a = { 0 };
	struct quiet_window w;
	const struct wampp_row *row;
	unsigned long long jbd2, kept;

	snprintf(a.path, sizeof(a.path), "%s/wamp_jrnl.%d", mnt(), getpid());
	row = run_quiet(_metadata, "vda", small_fsyncs, &a, "wamp_jrnl", &w);
	jbd2 = blk_of(&w.r, "jbd2/");
	kept = wampp_key(&w.r, WAMP_KEY_JRNL_KEPT_BYTES, NULL);
	EXPECT_EQ(FSYNCS, row->syncs);
	EXPECT_EQ(0, row->wb_bytes);
	/* A commit of at least two blocks (descriptor or inode, commit). */
	EXPECT_LE(FSYNCS * 2 * 4096ULL, row->jrnl_bytes);
	/* Its own data: a 4 KiB block per fsync. */
	EXPECT_LE(FSYNCS * 4096ULL, row->blk_bytes - row->jrnl_bytes);
	/* Classes (1.5): its data by its fsyncs, its share of the commits. */
	EXPECT_EQ(row->jrnl_bytes, row->io_journal);
	EXPECT_EQ(row->blk_bytes - row->jrnl_bytes, row->io_fsync);
	EXPECT_LT(jbd2, KTHREAD_SLACK);
	EXPECT_LT(blk_but(&w.r, w.pid), KTHREAD_SLACK);
	EXPECT_GE(jbd2, kept);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	TH_LOG("writer: blk %llu of which journal %llu; jbd2 %llu (kept %llu)",
	       row->blk_bytes, row->jrnl_bytes, jbd2, kept);
	wampp_free(&w.r);
	reap(w.pid);
	unlink(a.path);
}

#define REDIS_AOF	"--appendonly yes --appendfsync always --save ''"
#define REDIS_DAEMON	"--daemonize yes --pidfile /tmp/wamp_redis.pid"
#define REDIS_LOG	"--logfile /tmp/wamp_redis.log"

/* The pid in @path (a pidfile), or -1. */
static pid_t read_pidfile(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	(void)!read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return atoi(buf) > 0 ? atoi(buf) : -1;
}

/*
 * The redis case: redis 7, appendfsync always, SETs from
 * redis-benchmark.  Before 1.3, redis was charged 25% of the disk's bytes
 * and jbd2 75%; now redis all of it but kernel threads' own metadata.
 */
TEST_F_TIMEOUT(slow, redis_appendfsync_always_charged_to_redis, 600)
{
	struct blkstat before, after;
	unsigned long long mine = 0, devs = 0, jrnl = 0;
	struct wampp_report r;
	char cmd[PATH_MAX * 2];
	pid_t redis = -1;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");
	if (run("command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null"))
		SKIP(return, "redis not installed");
	run("ip link set lo up");
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/wamp_redis", mnt());
	ASSERT_EQ(0, run(cmd));
	snprintf(cmd, sizeof(cmd), "redis-server --port 6398 --dir %s/wamp_redis %s %s %s",
		 mnt(), REDIS_AOF, REDIS_DAEMON, REDIS_LOG);
	ASSERT_EQ(0, run(cmd));
	for (int i = 0; i < 100 && redis <= 0; i++) {
		if (!run("redis-cli -p 6398 ping >/dev/null 2>&1"))
			redis = read_pidfile("/tmp/wamp_redis.pid");
		usleep(200 * 1000);
	}
	ASSERT_LT(0, redis);
	ASSERT_EQ(0, reset_quiet("vda", &before));
	EXPECT_EQ(0, run("redis-benchmark -p 6398 -t set -n 1000 -c 1 -d 16 -q >/dev/null 2>&1"));
	EXPECT_EQ(0, read_quiet(&r, "vda", &after));
	for (size_t i = 0; i < r.nrows; i++) {
		if (r.rows[i].tgid != redis)
			continue;
		mine += r.rows[i].blk_bytes;
		jrnl += r.rows[i].jrnl_bytes;
	}
	for (size_t i = 0; i < r.ndevs; i++)
		devs += r.devs[i].write_bytes;
	EXPECT_LT(0, jrnl);
	EXPECT_LT(devs - mine, KTHREAD_SLACK) TH_LOG("redis %llu of %llu", mine, devs);
	EXPECT_LT(blk_of(&r, "jbd2/"), KTHREAD_SLACK);
	expect_dev_matches_stat(_metadata, &r, "vda", &before, &after);
	expect_blk_sums_to_devices(_metadata, &r);
	TH_LOG("redis: %llu of the disk's %llu bytes (journal %llu); jbd2 %llu",
	       mine, devs, jrnl, blk_of(&r, "jbd2/"));
	wampp_free(&r);
	run("redis-cli -p 6398 shutdown nosave >/dev/null 2>&1");
	snprintf(cmd, sizeof(cmd), "rm -rf %s/wamp_redis", mnt());
	run(cmd);
}

/* ------------------------------------------------------------------ */

struct mixed_arg {
	char dir[PATH_MAX];
};

/*
 * Every way into the page cache a single task has: small writes (a page
 * is dirtied once, however many writes land in it), large writes,
 * sendfile, and a rewrite of a page that is dirty already (nothing).
 */
static void mixed_writes(void *p)
{
	const struct mixed_arg *a = p;
	static char big[1 << 20];
	char path[PATH_MAX + 16], small[40];
	int fd, src;

	memset(small, 's', sizeof(small));
	snprintf(path, sizeof(path), "%s/small", a->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (int i = 0; i < 1000; i++)
		(void)!write(fd, small, sizeof(small));
	(void)!pwrite(fd, small, sizeof(small), 0);	/* dirty already */
	close(fd);
	snprintf(path, sizeof(path), "%s/big", a->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (int i = 0; i < 10; i++)
		(void)!write(fd, big, sizeof(big));
	close(fd);
	src = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "%s/copy", a->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	(void)!sendfile(fd, src, NULL, 65536);
	close(fd);
	close(src);
}

/* dirtied is /proc/<pid>/io's write_bytes, for a live buffered writer. */
TEST_F_TIMEOUT(slow, dirtied_equals_proc_io, 120)
{
	struct mixed_arg a;
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;

	snprintf(a.dir, sizeof(a.dir), "%s/wamp_mixed.%d", mnt(), getpid());
	ASSERT_EQ(0, mkdir(a.dir, 0700));
	flusher_off();
	pid = spawn_stopped(mixed_writes, &a, "wamp_mixed");
	ASSERT_LT(0, pid);
	row = read_row(_metadata, &r, pid);
	/* 40000 bytes: 10 pages; 10 MiB; 64 KiB. */
	EXPECT_EQ(10 * 4096 + 10 * MIB + 64 * KIB, row->dirtied);
	expect_proc_io(_metadata, pid, pid, row->dirtied);
	EXPECT_EQ(1011, row->writes);
	wampp_free(&r);
	reap(pid);
	flusher_default();
	rm_rf(a.dir);
}

#define THREADS	3

struct thread_arg {
	char dir[PATH_MAX];
	pthread_barrier_t *done;
	pid_t *tids;		/* shared with the parent */
	int n;
};

static void *thread_writes(void *p)
{
	struct thread_arg *a = p;
	char path[PATH_MAX + 16], buf[4096];
	int fd;

	a->tids[a->n] = (pid_t)syscall(SYS_gettid);
	memset(buf, 't', sizeof(buf));
	snprintf(path, sizeof(path), "%s/t%d", a->dir, a->n);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	/* Thread n dirties (n + 1) * 64 pages. */
	for (int i = 0; i < (a->n + 1) * 64; i++)
		(void)!write(fd, buf, sizeof(buf));
	close(fd);
	pthread_barrier_wait(a->done);
	/* Stay alive, and stopped with the process, until it is killed. */
	for (;;)
		pause();
	return NULL;
}

struct threads_arg {
	char dir[PATH_MAX];
	pid_t *tids;
};

static void threaded_writes(void *p)
{
	struct threads_arg *ta = p;
	struct thread_arg a[THREADS];
	pthread_barrier_t done;
	pthread_t t[THREADS];

	pthread_barrier_init(&done, NULL, THREADS + 1);
	for (int i = 0; i < THREADS; i++) {
		snprintf(a[i].dir, sizeof(a[i].dir), "%s", ta->dir);
		a[i].done = &done;
		a[i].tids = ta->tids;
		a[i].n = i;
		pthread_create(&t[i], NULL, thread_writes, &a[i]);
	}
	pthread_barrier_wait(&done);
}

/* The same per thread: each thread's row against its own io file. */
TEST_F_TIMEOUT(slow, dirtied_per_thread, 120)
{
	struct threads_arg a;
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;

	a.tids = shared_buf(THREADS * sizeof(pid_t));
	ASSERT_NE(NULL, a.tids);
	snprintf(a.dir, sizeof(a.dir), "%s/wamp_threads.%d", mnt(), getpid());
	ASSERT_EQ(0, mkdir(a.dir, 0700));
	flusher_off();
	pid = spawn_stopped(threaded_writes, &a, "wamp_threads");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	for (int i = 0; i < THREADS; i++) {
		row = wampp_find(&r, a.tids[i]);
		ASSERT_NE(NULL, row) TH_LOG("no row for thread %d", i);
		EXPECT_EQ((i + 1) * 64 * 4096ULL, row->dirtied);
		expect_proc_io(_metadata, pid, a.tids[i], row->dirtied);
	}
	wampp_free(&r);
	kill(pid, SIGKILL);
	reap(pid);
	flusher_default();
	rm_rf(a.dir);
}

static void odirect_file(void *p)
{
	const struct file_arg *a = p;
	void *buf;
	int fd;

	fd = open(a->path, O_WRONLY | O_CREAT | O_DIRECT, 0600);
	if (fd < 0 || posix_memalign(&buf, 4096, a->bs))
		return;
	memset(buf, 0xd1, a->bs);
	for (size_t i = 0; i < a->count; i++)
		(void)!pwrite(fd, buf, a->bs, (off_t)(i * a->bs));
	free(buf);
	close(fd);
}

/*
 * O_DIRECT dirties nothing and stays charged to its submitter, on a file
 * of ext4 (where the block allocation is the writer's too).
 */
TEST_F_TIMEOUT(slow, odirect_dirties_nothing, 120)
{
	struct file_arg a = { .bs = 65536, .count = 32 };
	struct quiet_window w;
	const struct wampp_row *row;

	snprintf(a.path, sizeof(a.path), "%s/wamp_dio.%d", mnt(), getpid());
	row = run_quiet(_metadata, "vda", odirect_file, &a, "wamp_dio", &w);
	EXPECT_EQ(0, row->dirtied);
	EXPECT_EQ(0, row->wb_bytes);
	EXPECT_EQ(2 * MIB, row->blk_bytes);
	EXPECT_EQ(32, row->writes);
	wampp_free(&w.r);
	reap(w.pid);
	unlink(a.path);
}

TEST_HARNESS_MAIN
