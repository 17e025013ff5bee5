// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, block I/O: who is charged for device writes (the writer
 * for O_DIRECT and its own fsync, jbd2 for the journal), the device rows
 * against /sys/block/<disk>/stat and against perf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "checks.h"
#include "slow.h"

/* ---------------------------------------------------------------- */

#define SMALL_WRITES	11032
#define SMALL_SIZE	48

static void small_fsync(void *p)
{
	int fd = *(int *)p;
	char buf[SMALL_SIZE];

	memset(buf, 'r', sizeof(buf));
	for (int i = 0; i < SMALL_WRITES; i++) {
		(void)!write(fd, buf, sizeof(buf));
		fsync(fd);
	}
}

/*
 * The redis appendfsync-always shape on ext4 over virtio-blk: each 48-byte
 * write costs a 4 KiB block write in the writer's own fsync, and a journal
 * commit that the jbd2 thread writes and the writer is charged for.
 */
TEST_F_TIMEOUT(slow, small_writes_with_fsync_flagged, 900)
{
	struct quiet_window w;
	const struct wampp_row *row;
	unsigned long long jbd2 = 0;
	char path[PATH_MAX];
	int fd;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");

	snprintf(path, sizeof(path), "%s/wamp_aof.%d", mnt(), getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	ASSERT_LE(0, fd);
	row = run_quiet(_metadata, "vda", small_fsync, &fd, "wamp_aof", &w);
	EXPECT_EQ(SMALL_WRITES, row->writes);
	EXPECT_EQ(SMALL_WRITES * SMALL_SIZE, row->write_bytes);
	EXPECT_EQ(SMALL_SIZE, row->avg_write);
	EXPECT_EQ(SMALL_WRITES, row->syncs);
	EXPECT_STREQ("SMALL,SYNC,AMP", row->flagstr);
	/* At least one 4 KiB block per 48-byte write and fsync. */
	EXPECT_LE(SMALL_WRITES * 4096ULL, row->blk_bytes);
	EXPECT_LE(SMALL_WRITES, row->blk_reqs);
	EXPECT_EQ(wamp_amp_centi(row->write_bytes, row->blk_bytes),
		  row->amp_centi);
	EXPECT_LE(8000, row->amp_centi);	/* 80.00: 4096 / 48 = 85.3 */
	for (size_t i = 0; i < w.r.nrows; i++)
		if (!strncmp(w.r.rows[i].comm, "jbd2/vda", 8))
			jbd2 += w.r.rows[i].blk_bytes;
	/* The journal commits its fsyncs force are its own (format 1.3). */
	EXPECT_LT(SMALL_WRITES * 4096ULL, row->jrnl_bytes);
	EXPECT_GT(512 * 1024ULL, jbd2) TH_LOG("jbd2 kept %llu", jbd2);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	TH_LOG("writer: %llu writes %llu bytes %llu blk (journal %llu), amp %lld.%02lld; jbd2 %llu",
	       row->writes, row->write_bytes, row->blk_bytes, row->jrnl_bytes,
	       row->amp_centi / 100, row->amp_centi % 100, jbd2);
	wampp_free(&w.r);
	reap(w.pid);
	close(fd);
	unlink(path);
}

#define NULLB_WRITES	100
#define NULLB_SIZE	4096

static void odirect_writes(void *p)
{
	int fd = *(int *)p;
	void *buf;

	if (posix_memalign(&buf, 4096, NULLB_SIZE))
		return;
	memset(buf, 0xab, NULLB_SIZE);
	for (int i = 0; i < NULLB_WRITES; i++)
		(void)!pwrite(fd, buf, NULLB_SIZE, (off_t)i * NULLB_SIZE);
}

/*
 * O_DIRECT to null_blk: block_rq_issue fires in a kblockd worker, but the
 * requests belong to the writer, and no kworker row may carry them.
 */
TEST(odirect_charged_to_writer_not_kworker)
{
	struct blkstat n0, n1, v0, v1;
	const struct wampp_row *row;
	const struct wampp_dev *nb;
	struct wampp_report r;
	unsigned long long elsewhere = 0;
	pid_t pid;
	int fd;

	fd = open("/dev/nullb0", O_WRONLY | O_DIRECT);
	if (fd < 0)
		SKIP(return, "no /dev/nullb0 (null_blk)");
	ASSERT_EQ(0, read_blkstat("vda", &v0));
	ASSERT_EQ(0, reset_quiet("nullb0", &n0));
	pid = spawn_stopped(odirect_writes, &fd, "wamp_odirect");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_quiet(&r, "nullb0", &n1));
	ASSERT_EQ(0, read_blkstat("vda", &v1));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(NULLB_WRITES, row->writes);
	EXPECT_EQ(NULLB_WRITES * NULLB_SIZE, row->write_bytes);
	EXPECT_EQ(NULLB_WRITES, row->blk_reqs);
	EXPECT_EQ(NULLB_WRITES * NULLB_SIZE, row->blk_bytes);
	EXPECT_EQ(100, row->amp_centi);
	/* Direct I/O: no page cache dirtied, nothing written back for it. */
	EXPECT_EQ(0, row->dirtied);
	EXPECT_EQ(0, row->wb_bytes);
	/* Its class (1.5): direct, all of it. */
	EXPECT_EQ(row->blk_bytes, row->io_direct);
	nb = wampp_find_dev(&r, "nullb0");
	ASSERT_NE(NULL, nb);
	EXPECT_EQ(NULLB_WRITES, nb->write_reqs);
	EXPECT_EQ(NULLB_WRITES * NULLB_SIZE, nb->write_bytes);
	expect_dev_matches_stat(_metadata, &r, "nullb0", &n0, &n1);
	/* Whatever else was charged went to vda, if anything did. */
	for (size_t i = 0; i < r.nrows; i++)
		if (&r.rows[i] != row)
			elsewhere += r.rows[i].blk_bytes;
	if (blkstat_eq(&v0, &v1)) {
		EXPECT_EQ(0, elsewhere);
		expect_blk_sums_to_devices(_metadata, &r);
	}
	wampp_free(&r);
	reap(pid);
	close(fd);
}

static void big_file_fsync(void *p)
{
	static char buf[16384];
	int fd = *(int *)p;

	for (int i = 0; i < 4096; i++)
		(void)!write(fd, buf, sizeof(buf));
	fsync(fd);
}

/* 64 MiB in 16 KiB writes, one fsync: amp close to 1, not flagged. */
TEST_F_TIMEOUT(slow, large_sequential_write_not_amplified, 600)
{
	struct quiet_window w;
	const struct wampp_row *row;
	char path[PATH_MAX];
	int fd;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");

	/* Keep the flusher out: the writer's fsync writes its own data. */
	ASSERT_EQ(0, write_sysctl("/proc/sys/vm/dirty_background_bytes",
				  "536870912"));
	ASSERT_EQ(0, write_sysctl("/proc/sys/vm/dirty_bytes", "805306368"));
	snprintf(path, sizeof(path), "%s/wamp_seq.%d", mnt(), getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	row = run_quiet(_metadata, "vda", big_file_fsync, &fd, "wamp_seq", &w);
	EXPECT_EQ(4096, row->writes);
	EXPECT_EQ(64ULL << 20, row->write_bytes);
	EXPECT_EQ(1, row->syncs);
	EXPECT_LE(98, row->amp_centi);
	EXPECT_GE(105, row->amp_centi);
	EXPECT_STREQ("-", row->flagstr);
	expect_dev_matches_stat(_metadata, &w.r, "vda", &w.before, &w.after);
	expect_blk_sums_to_devices(_metadata, &w.r);
	TH_LOG("64 MiB + fsync: %llu block bytes in %llu requests, amp %lld.%02lld",
	       row->blk_bytes, row->blk_reqs, row->amp_centi / 100,
	       row->amp_centi % 100);
	wampp_free(&w.r);
	reap(w.pid);
	close(fd);
	unlink(path);
	write_sysctl("/proc/sys/vm/dirty_bytes", "0");
	write_sysctl("/proc/sys/vm/dirty_background_bytes", "0");
	write_sysctl("/proc/sys/vm/dirty_ratio", "20");
	write_sysctl("/proc/sys/vm/dirty_background_ratio", "10");
}

/* perf, in the same guest, counts the same requests as wamp's devices. */
TEST_F_TIMEOUT(slow, agrees_with_perf, 300)
{
	const struct wampp_dev *nb;
	struct wampp_report r;
	struct blkstat n0, n1;
	char out[] = "/tmp/wamp_perf.XXXXXX", line[512];
	unsigned long long perf_n = 0;
	struct stat st;
	char filter[64];
	pid_t pid;
	FILE *f;
	int st_, ofd;

	if (run("command -v perf >/dev/null"))
		SKIP(return, "perf not installed");
	if (stat("/dev/nullb0", &st))
		SKIP(return, "no /dev/nullb0 (null_blk)");
	/* The kernel's dev_t, as the tracepoint records it. */
	snprintf(filter, sizeof(filter), "dev == %u",
		 (major(st.st_rdev) << 20) | minor(st.st_rdev));
	ofd = mkstemp(out);
	ASSERT_LE(0, ofd);
	close(ofd);
	ASSERT_EQ(0, reset_quiet("nullb0", &n0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execlp("perf", "perf", "stat", "-a", "-x,", "-o", out,
		       "-e", "block:block_rq_issue", "--filter", filter,
		       "dd", "if=/dev/zero", "of=/dev/nullb0", "bs=4096",
		       "count=150", "oflag=direct", "status=none",
		       (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st_, 0));
	ASSERT_TRUE(WIFEXITED(st_));
	ASSERT_EQ(0, WEXITSTATUS(st_));
	f = fopen(out, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "block:block_rq_issue"))
			perf_n = strtoull(line, NULL, 10);
	fclose(f);
	unlink(out);
	ASSERT_EQ(0, read_quiet(&r, "nullb0", &n1));
	nb = wampp_find_dev(&r, "nullb0");
	ASSERT_NE(NULL, nb);
	EXPECT_EQ(150, perf_n);
	EXPECT_EQ(perf_n, nb->write_reqs + nb->flush_reqs + nb->discard_reqs);
	EXPECT_EQ(150 * 4096, nb->write_bytes);
	expect_dev_matches_stat(_metadata, &r, "nullb0", &n0, &n1);
	TH_LOG("perf: %llu block_rq_issue on nullb0; wamp: %llu write requests",
	       perf_n, nb->write_reqs);
	wampp_free(&r);
}

TEST_HARNESS_MAIN
