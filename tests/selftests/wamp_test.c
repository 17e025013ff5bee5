// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests: run in a guest with wamp.ko loaded, as root.  Every test
 * drives a workload in a child whose syscalls are known exactly, stops the
 * child (SIGSTOP is no write) and compares its /proc/wamp row.
 *
 * Environment: WAMP_KO (the module, for the tests that reload it),
 * WAMP_MNT (a directory on ext4 over virtio-blk; default /tmp).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "wamp.h"
#include "wampparse.h"
#include "workload.h"

#define PARAMS "/sys/module/wamp/parameters/"
#define DEBUGFS_RESET "/sys/kernel/debug/wamp/reset"

static char self_dir[PATH_MAX];

static const char *wampstat_path(void);
static int capture(const char *cmd, char *out, size_t len);

static const char *mnt(void)
{
	const char *m = getenv("WAMP_MNT");

	return m && *m ? m : "/tmp";
}

/*
 * WAMP_LIGHT (the debug kernel's run, where every syscall costs many
 * times more): skip the long I/O and timing runs, which check-kernels
 * covers; the code paths they reach are reached by the other tests too.
 */
static bool light(void)
{
	const char *l = getenv("WAMP_LIGHT");

	return l && *l;
}

static int read_report(struct wampp_report *r)
{
	char err[256];
	char *text = wampp_read_file(WAMP_PROC_PATH);
	int ret;

	if (!text) {
		fprintf(stderr, "cannot read %s: %s\n", WAMP_PROC_PATH,
			strerror(errno));
		return -1;
	}
	ret = wampp_parse(text, r, err, sizeof(err));
	if (ret)
		fprintf(stderr, "parse: %s\n---\n%s---\n", err, text);
	free(text);
	return ret;
}

static int write_str(const char *path, const char *s, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int control(const char *cmd)
{
	return write_str(WAMP_PROC_PATH, cmd, strlen(cmd));
}

/* /sys/block/<disk>/stat: the kernel's own count of completed writes. */
struct blkstat {
	unsigned long long wios;
	unsigned long long wsect;
};

static int read_blkstat(const char *disk, struct blkstat *st)
{
	unsigned long long f[7];
	char path[128];
	FILE *fp;
	int n;

	snprintf(path, sizeof(path), "/sys/block/%s/stat", disk);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	n = fscanf(fp, "%llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
		   &f[2], &f[3], &f[4], &f[5], &f[6]);
	fclose(fp);
	if (n != 7)
		return -1;
	st->wios = f[4];
	st->wsect = f[6];
	return 0;
}

static bool blkstat_eq(const struct blkstat *a, const struct blkstat *b)
{
	return a->wios == b->wios && a->wsect == b->wsect;
}

/*
 * Reset at a moment when @disk completes no write, and return its stat
 * then: the window that wamp's device totals must match.
 */
static int reset_quiet(const char *disk, struct blkstat *st)
{
	struct blkstat a;

	sync();
	for (int i = 0; i < 50; i++) {
		if (read_blkstat(disk, &a) || control("reset") ||
		    read_blkstat(disk, st))
			return -1;
		if (blkstat_eq(&a, st))
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* Read the report at a moment when @disk's write stats hold still. */
static int read_quiet(struct wampp_report *r, const char *disk,
		      struct blkstat *st)
{
	struct blkstat a;

	for (int i = 0; i < 50; i++) {
		if (read_blkstat(disk, &a) || read_report(r))
			return -1;
		if (read_blkstat(disk, st))
			break;
		if (blkstat_eq(&a, st))
			return 0;
		wampp_free(r);
		usleep(100 * 1000);
	}
	return -1;
}

/* The header's slots=USED/CAP; the number of fields found (2 if fine). */
static int read_slots(const struct wampp_report *r, unsigned long long *used,
		      unsigned long long *cap)
{
	for (size_t i = 0; i < r->nkv; i++)
		if (!strcmp(r->kv[i].key, WAMP_KEY_SLOTS))
			return sscanf(r->kv[i].val, "%llu/%llu", used, cap);
	return 0;
}

static unsigned int read_param(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	(void)!read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return (unsigned int)strtoul(buf, NULL, 10);
}

/*
 * Run @fn(@arg) in a child named @comm, which then stops itself.  Returns
 * the stopped child's pid: its row can be read while it is still alive.
 */
static pid_t spawn_stopped(void (*fn)(void *), void *arg, const char *comm)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		fn(arg);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
		return -1;
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Task rows, (other) and exited equal the totals, at quiescent reads. */
static void expect_rows_sum_to_totals(struct __test_metadata *_metadata,
				      const struct wampp_report *r)
{
	unsigned long long w = r->other.writes, b = r->other.write_bytes;
	unsigned long long s = r->other.syncs;

	/* Rows of exited tasks folded to make room (format 1.2). */
	w += wampp_exited_key(r, WAMP_KEY_WRITES, NULL);
	b += wampp_exited_key(r, WAMP_KEY_WRITE_BYTES, NULL);
	s += wampp_exited_key(r, WAMP_KEY_SYNCS, NULL);

	ASSERT_TRUE(r->has_other);
	for (size_t i = 0; i < r->nrows; i++) {
		w += r->rows[i].writes;
		b += r->rows[i].write_bytes;
		s += r->rows[i].syncs;
	}
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITES, NULL), w);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITE_BYTES, NULL), b);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_SYNCS, NULL), s);
}

/*
 * Block bytes charged to tasks plus (other) equal the bytes the devices
 * were sent, and the system line says so: asserted when no I/O is in
 * flight.
 */
static void expect_blk_sums_to_devices(struct __test_metadata *_metadata,
				       const struct wampp_report *r)
{
	unsigned long long tasks = r->other.blk_bytes, devs = 0;

	tasks += wampp_exited_key(r, WAMP_KEY_BLK_BYTES, NULL);

	for (size_t i = 0; i < r->nrows; i++)
		tasks += r->rows[i].blk_bytes;
	for (size_t i = 0; i < r->ndevs; i++)
		devs += r->devs[i].write_bytes;
	EXPECT_EQ(wampp_key(r, WAMP_KEY_BLK_BYTES, NULL), tasks);
	EXPECT_EQ(devs, tasks);
	EXPECT_EQ(devs, wampp_sys_key(r, WAMP_KEY_DEV_WRITE_BYTES, NULL));
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITE_BYTES, NULL),
		  wampp_sys_key(r, WAMP_KEY_WRITE_BYTES, NULL));
}

/* wamp's device row for @disk equals the kernel's stat growth @d. */
static void expect_dev_matches_stat(struct __test_metadata *_metadata,
				    const struct wampp_report *r,
				    const char *disk,
				    const struct blkstat *before,
				    const struct blkstat *after)
{
	const struct wampp_dev *d = wampp_find_dev(r, disk);
	unsigned long long bytes = (after->wsect - before->wsect) * 512;

	if (!bytes) {
		EXPECT_TRUE(!d || !d->write_bytes);
		return;
	}
	ASSERT_NE(NULL, d);
	EXPECT_EQ(bytes, d->write_bytes) TH_LOG("%s", disk);
	EXPECT_EQ(after->wios - before->wios, d->write_reqs) TH_LOG("%s", disk);
}

/* ---------------------------------------------------------------- */

struct fd_arg {
	int fd;
	void (*fn)(int fd);
};

static void run_wl(void *p)
{
	struct fd_arg *a = p;

	a->fn(a->fd);
}

FIXTURE(calls) {
	int fd;
	char path[PATH_MAX];
};

FIXTURE_VARIANT(calls) {
	const struct wl *wl;
};

FIXTURE_VARIANT_ADD(calls, write) { .wl = &wl_all[WL_WRITE] };
FIXTURE_VARIANT_ADD(calls, pwrite64) { .wl = &wl_all[WL_PWRITE64] };
FIXTURE_VARIANT_ADD(calls, writev) { .wl = &wl_all[WL_WRITEV] };
FIXTURE_VARIANT_ADD(calls, pwritev) { .wl = &wl_all[WL_PWRITEV] };
FIXTURE_VARIANT_ADD(calls, pwritev2) { .wl = &wl_all[WL_PWRITEV2] };
FIXTURE_VARIANT_ADD(calls, writev_max) { .wl = &wl_all[WL_WRITEV_MAX] };
FIXTURE_VARIANT_ADD(calls, write_ebadf) { .wl = &wl_all[WL_WRITE_EBADF] };
FIXTURE_VARIANT_ADD(calls, fsync) { .wl = &wl_all[WL_FSYNC] };
FIXTURE_VARIANT_ADD(calls, fdatasync) { .wl = &wl_all[WL_FDATASYNC] };
FIXTURE_VARIANT_ADD(calls, sync_file_range) { .wl = &wl_all[WL_SYNC_FILE_RANGE] };
FIXTURE_VARIANT_ADD(calls, syncfs) { .wl = &wl_all[WL_SYNCFS] };
FIXTURE_VARIANT_ADD(calls, sync) { .wl = &wl_all[WL_SYNC] };
FIXTURE_VARIANT_ADD(calls, decoys) { .wl = &wl_all[WL_DECOYS] };

FIXTURE_SETUP(calls)
{
	snprintf(self->path, sizeof(self->path), "%s/wamp_calls.%d", mnt(),
		 getpid());
	self->fd = open(self->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(calls)
{
	close(self->fd);
	unlink(self->path);
}

/* Each write/sync syscall, counted exactly, bytes as requested. */
TEST_F(calls, counted_exactly)
{
	struct fd_arg a = { self->fd, variant->wl->fn };
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;

	pid = spawn_stopped(run_wl, &a, "wamp_calls");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, pid);
	if (variant->wl->writes || variant->wl->syncs) {
		ASSERT_NE(NULL, row);
		EXPECT_EQ(variant->wl->writes, row->writes);
		EXPECT_EQ(variant->wl->bytes, row->write_bytes);
		EXPECT_EQ(variant->wl->syncs, row->syncs);
		EXPECT_STREQ("wamp_calls", row->comm);
		EXPECT_EQ(pid, row->tgid);
	} else {
		/* Nothing counted, so the task never got a row. */
		EXPECT_EQ(NULL, row);
	}
	wampp_free(&r);
	reap(pid);
}

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

/* Tests that take longer than the harness's default 30 s under TCG. */
FIXTURE(slow) {
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

/*
 * The redis appendfsync-always shape on ext4 over virtio-blk: each 48-byte
 * write costs a 4 KiB block write in the writer's own fsync, and a journal
 * commit that the jbd2 thread writes.
 */
TEST_F_TIMEOUT(slow, small_writes_with_fsync_flagged, 900)
{
	struct blkstat b0, b1;
	const struct wampp_row *row;
	unsigned long long jbd2 = 0;
	struct wampp_report r;
	char path[PATH_MAX];
	pid_t pid;
	int fd;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");

	snprintf(path, sizeof(path), "%s/wamp_aof.%d", mnt(), getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, reset_quiet("vda", &b0));
	pid = spawn_stopped(small_fsync, &fd, "wamp_aof");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_quiet(&r, "vda", &b1));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
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
	for (size_t i = 0; i < r.nrows; i++)
		if (!strncmp(r.rows[i].comm, "jbd2/vda", 8))
			jbd2 += r.rows[i].blk_bytes;
	EXPECT_LT(0, jbd2) TH_LOG("no journal writes charged to jbd2");
	expect_dev_matches_stat(_metadata, &r, "vda", &b0, &b1);
	expect_blk_sums_to_devices(_metadata, &r);
	TH_LOG("writer: %llu writes %llu bytes %llu blk, amp %lld.%02lld; jbd2 %llu",
	       row->writes, row->write_bytes, row->blk_bytes,
	       row->amp_centi / 100, row->amp_centi % 100, jbd2);
	wampp_free(&r);
	reap(pid);
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

static int write_sysctl(const char *path, const char *val)
{
	return write_str(path, val, strlen(val));
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
	struct blkstat b0, b1;
	const struct wampp_row *row;
	struct wampp_report r;
	char path[PATH_MAX];
	pid_t pid;
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
	ASSERT_EQ(0, reset_quiet("vda", &b0));
	pid = spawn_stopped(big_file_fsync, &fd, "wamp_seq");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_quiet(&r, "vda", &b1));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(4096, row->writes);
	EXPECT_EQ(64ULL << 20, row->write_bytes);
	EXPECT_EQ(1, row->syncs);
	EXPECT_LE(98, row->amp_centi);
	EXPECT_GE(105, row->amp_centi);
	EXPECT_STREQ("-", row->flagstr);
	expect_dev_matches_stat(_metadata, &r, "vda", &b0, &b1);
	expect_blk_sums_to_devices(_metadata, &r);
	TH_LOG("64 MiB + fsync: %llu block bytes in %llu requests, amp %lld.%02lld",
	       row->blk_bytes, row->blk_reqs, row->amp_centi / 100,
	       row->amp_centi % 100);
	wampp_free(&r);
	reap(pid);
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

static void big_writes(void *p)
{
	static char buf[65536];
	int fd = *(int *)p;

	for (int i = 0; i < 1500; i++)
		(void)!write(fd, buf, sizeof(buf));
	fsync(fd);
}

/* Large writes, one fsync: neither SMALL nor SYNC. */
TEST(large_writes_not_flagged)
{
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;
	int fd = open("/dev/null", O_WRONLY);

	ASSERT_LE(0, fd);
	pid = spawn_stopped(big_writes, &fd, "wamp_big");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(1500, row->writes);
	EXPECT_EQ(1500ULL * 65536, row->write_bytes);
	EXPECT_EQ(1, row->syncs);
	EXPECT_STREQ("-", row->flagstr);
	wampp_free(&r);
	reap(pid);
	close(fd);
}

/* ---------------------------------------------------------------- */

/* The same workloads through the ia32 ABI, from a gcc -m32 program. */
TEST(ia32_counted_with_ia32_numbers)
{
	unsigned long long w = 0, b = 0, s = 0;
	const struct wampp_row *row;
	char prog[PATH_MAX + 32], path[PATH_MAX];
	struct wampp_report r;
	pid_t pid;
	int st;

	snprintf(prog, sizeof(prog), "%s/wamp_writer32", self_dir);
	if (access(prog, X_OK))
		SKIP(return, "wamp_writer32 not built");
	snprintf(path, sizeof(path), "%s/wamp_w32.%d", mnt(), getpid());
	for (size_t i = 0; i < WL_NR; i++) {
		w += wl_all[i].writes;
		b += wl_all[i].bytes;
		s += wl_all[i].syncs;
	}
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(prog, "wamp_writer32", path, (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(w, row->writes);
	EXPECT_EQ(b, row->write_bytes);
	EXPECT_EQ(s, row->syncs);
	EXPECT_STREQ("wamp_writer32", row->comm);
	wampp_free(&r);
	reap(pid);
	unlink(path);
}

/* ---------------------------------------------------------------- */

struct pinned {
	int cpu;
	int writes;
	int size;
	pid_t tid;
};

static void *pinned_writer(void *p)
{
	struct pinned *a = p;
	static char buf[64];
	cpu_set_t set;
	int fd = open("/dev/null", O_WRONLY);

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	a->tid = (pid_t)syscall(SYS_gettid);
	if (sched_setaffinity(0, sizeof(set), &set))
		a->tid = -1;
	for (int i = 0; i < a->writes; i++)
		(void)!write(fd, buf, a->size);
	close(fd);
	return NULL;
}

static void two_threads(void *p)
{
	struct pinned *a = p;
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, pinned_writer, &a[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

/* Two threads, each on its own CPU, each counted exactly in its row. */
TEST(two_threads_on_two_cpus)
{
	struct pinned *a;
	struct wampp_report r;
	pid_t pid;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	a = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, a);
	a[0] = (struct pinned){ .cpu = 0, .writes = 3000, .size = 8 };
	a[1] = (struct pinned){ .cpu = 1, .writes = 5000, .size = 24 };
	pid = spawn_stopped(two_threads, a, "wamp_thr");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	for (int i = 0; i < 2; i++) {
		const struct wampp_row *row;

		ASSERT_LT(0, a[i].tid);
		row = wampp_find(&r, a[i].tid);
		ASSERT_NE(NULL, row);
		EXPECT_EQ(pid, row->tgid);
		EXPECT_EQ(a[i].writes, row->writes);
		EXPECT_EQ((unsigned long long)a[i].writes * a[i].size,
			  row->write_bytes);
		/* The threads have exited; their counts stay. */
		EXPECT_TRUE(row->flags & WAMP_F_EXITED);
	}
	wampp_free(&r);
	reap(pid);
	munmap(a, 4096);
}

static void migrating(void *p)
{
	int fd = open("/dev/null", O_WRONLY);
	cpu_set_t set;
	char buf[16];

	(void)p;
	for (int round = 0; round < 6; round++) {
		CPU_ZERO(&set);
		CPU_SET(round % 2, &set);
		sched_setaffinity(0, sizeof(set), &set);
		for (int i = 0; i < 100 + round; i++)
			(void)!write(fd, buf, 16);
	}
	close(fd);
}

/* One task writing on both CPUs: its per-CPU parts merge into one row. */
TEST(migrating_task_merged)
{
	const struct wampp_row *row;
	struct wampp_report r;
	int rows = 0;
	pid_t pid;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs");
	pid = spawn_stopped(migrating, NULL, "wamp_mig");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	for (size_t i = 0; i < r.nrows; i++)
		rows += r.rows[i].pid == pid;
	EXPECT_EQ(1, rows);
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(615, row->writes);
	EXPECT_EQ(615 * 16, row->write_bytes);
	wampp_free(&r);
	reap(pid);
}

/* ---------------------------------------------------------------- */

/* A task that exited keeps its row; rows plus (other) make the totals. */
TEST(exited_task_kept_and_rows_sum_to_totals)
{
	const struct wampp_row *row;
	struct wampp_report r;
	char buf[7] = "exited";
	pid_t pid = fork();
	int fd;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		prctl(PR_SET_NAME, "wamp_gone");
		fd = open("/dev/null", O_WRONLY);
		for (int i = 0; i < 123; i++)
			(void)!write(fd, buf, sizeof(buf));
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(123, row->writes);
	EXPECT_EQ(123 * 7, row->write_bytes);
	EXPECT_EQ(7, row->avg_write);
	EXPECT_STREQ("EXITED", row->flagstr);
	EXPECT_STREQ("wamp_gone", row->comm);
	EXPECT_EQ(r.nrows, wampp_key(&r, WAMP_KEY_ROWS, NULL));
	expect_rows_sum_to_totals(_metadata, &r);
	wampp_free(&r);
}

static void ten_writes(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (int i = 0; i < 10; i++)
		(void)!write(fd, "0123456789", 10);
}

/* reset zeroes every counter and drops every row. */
TEST(reset_zeroes)
{
	struct wampp_report r;
	pid_t pid;

	pid = spawn_stopped(ten_writes, NULL, "wamp_rst");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	ASSERT_NE(NULL, wampp_find(&r, pid));
	wampp_free(&r);

	ASSERT_EQ(0, control("reset\n"));
	ASSERT_EQ(0, read_report(&r));
	EXPECT_EQ(0, wampp_key(&r, WAMP_KEY_WRITES, NULL));
	EXPECT_EQ(0, wampp_key(&r, WAMP_KEY_WRITE_BYTES, NULL));
	EXPECT_EQ(0, wampp_key(&r, WAMP_KEY_SYNCS, NULL));
	EXPECT_EQ(0, wampp_key(&r, WAMP_KEY_OVERFLOW, NULL));
	EXPECT_EQ(0, r.nrows);
	EXPECT_EQ(0, r.other.writes);
	wampp_free(&r);

	/* Without the newline too; and debugfs takes the same command. */
	ASSERT_EQ(0, control("reset"));
	if (!access(DEBUGFS_RESET, F_OK))
		EXPECT_EQ(0, write_str(DEBUGFS_RESET, "reset\n", 6));
	reap(pid);
}

/* Every malformed control write: -EINVAL, and no reset happened. */
TEST(control_rejects_bad_input)
{
	static char big[65536];
	static const struct { const char *s; size_t len; } bad[] = {
		{ "rese", 4 }, { "resets", 6 }, { "RESET", 5 },
		{ "reset\n\n", 7 }, { " reset", 6 }, { "reset x", 7 },
		{ "reset\0xx", 8 }, { "\n", 1 }, { "0", 1 },
		{ "clear", 5 },
	};
	unsigned long long w0, b0, w1, b1, lens = 0, n = 0;
	struct wampp_report r;
	int fd;

	/* Make sure there is something a reset would erase: our own row. */
	fd = open("/dev/null", O_WRONLY);
	(void)!write(fd, "x", 1);
	close(fd);
	ASSERT_EQ(0, read_report(&r));
	ASSERT_NE(NULL, wampp_find(&r, getpid()));
	w0 = wampp_find(&r, getpid())->writes;
	b0 = wampp_find(&r, getpid())->write_bytes;
	wampp_free(&r);
	ASSERT_LT(0, w0);

	fd = open(WAMP_PROC_PATH, O_WRONLY);
	ASSERT_LE(0, fd);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, write(fd, bad[i].s, bad[i].len));
		EXPECT_EQ(EINVAL, errno) TH_LOG("input #%zu", i);
		lens += bad[i].len;
		n++;
	}
	memset(big, 'r', sizeof(big));
	memcpy(big, "reset", 5);
	for (size_t len = 32; len <= sizeof(big); len *= 2) {
		errno = 0;
		EXPECT_EQ(-1, write(fd, big, len));
		EXPECT_EQ(EINVAL, errno);
		lens += len;
		n++;
	}
	close(fd);

	/* Nothing reset: our row grew by exactly the writes just made. */
	ASSERT_EQ(0, read_report(&r));
	ASSERT_NE(NULL, wampp_find(&r, getpid()));
	w1 = wampp_find(&r, getpid())->writes;
	b1 = wampp_find(&r, getpid())->write_bytes;
	EXPECT_EQ(w0 + n, w1);
	EXPECT_EQ(b0 + lens, b1);
	wampp_free(&r);
}

/* Threshold parameters: valid values apply, invalid ones change nothing. */
TEST(params_validated)
{
	static const struct { const char *name; const char *good; } p[] = {
		{ "min_writes", "500" },
		{ "small_write_bytes", "4096" },
		{ "sync_ratio", "50" },
	};
	static const char *const bad[] = {
		"0", "-1", "abc", "\n", "4294967296", "99999999999999999999",
		"1 2", "0x10", "1000000001", "101",
	};
	char path[128], key[64];
	struct wampp_report r;

	for (size_t i = 0; i < ARRAY_SIZE(p); i++) {
		unsigned int old = read_param(p[i].name);

		snprintf(path, sizeof(path), PARAMS "%s", p[i].name);
		ASSERT_LT(0, old);
		for (size_t j = 0; j < ARRAY_SIZE(bad); j++) {
			/* 101 is valid for all but sync_ratio. */
			if (!strcmp(bad[j], "101") &&
			    strcmp(p[i].name, "sync_ratio"))
				continue;
			if (!strcmp(bad[j], "1000000001") &&
			    !strcmp(p[i].name, "small_write_bytes"))
				continue;
			EXPECT_EQ(-EINVAL, write_str(path, bad[j],
						     strlen(bad[j])))
				TH_LOG("%s <- '%s'", p[i].name, bad[j]);
			EXPECT_EQ(old, read_param(p[i].name));
		}
		ASSERT_EQ(0, write_str(path, p[i].good, strlen(p[i].good)));
		EXPECT_EQ(strtoul(p[i].good, NULL, 10), read_param(p[i].name));
		/* The report states the thresholds in force. */
		ASSERT_EQ(0, read_report(&r));
		snprintf(key, sizeof(key), "%s", p[i].name);
		EXPECT_EQ(strtoul(p[i].good, NULL, 10), wampp_key(&r, key, NULL));
		wampp_free(&r);
		snprintf(key, sizeof(key), "%u\n", old);
		ASSERT_EQ(0, write_str(path, key, strlen(key)));
		EXPECT_EQ(old, read_param(p[i].name));
	}
	/* table_size is fixed at load. */
	EXPECT_NE(0, write_str(PARAMS "table_size", "64", 2));
	EXPECT_EQ(WAMP_TABLE_SIZE_DEF, read_param("table_size"));
}

static int drop_cap_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	d[CAP_TO_INDEX(CAP_SYS_ADMIN)].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	return (int)syscall(SYS_capset, &h, d);
}

/* Without CAP_SYS_ADMIN nothing can be changed, through any path. */
TEST(unprivileged_writers_refused)
{
	struct wampp_report r;
	unsigned long long w0;
	int st, inherited;
	pid_t pid;

	ASSERT_EQ(0, read_report(&r));
	w0 = wampp_key(&r, WAMP_KEY_WRITES, NULL);
	wampp_free(&r);
	ASSERT_LT(0, w0);
	/* Opened by root, written by a task without the capability. */
	inherited = open(WAMP_PROC_PATH, O_WRONLY);
	ASSERT_LE(0, inherited);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = 0;

		if (drop_cap_sys_admin())
			_exit(100);
		bad |= (write(inherited, "reset", 5) != -1 || errno != EPERM);
		bad |= (control("reset") != -EPERM) << 1;
		bad |= (write_str(PARAMS "min_writes", "7", 1) != -EPERM) << 2;
		if (!access(DEBUGFS_RESET, F_OK))
			bad |= (write_str(DEBUGFS_RESET, "reset", 5) != -EPERM) << 3;
		if (setresuid(65534, 65534, 65534))
			_exit(101);
		/* Mode 0644: an ordinary user cannot even open it. */
		bad |= (control("reset") != -EACCES) << 4;
		bad |= (write_str(PARAMS "min_writes", "7", 1) != -EACCES) << 5;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(inherited);

	ASSERT_EQ(0, read_report(&r));
	EXPECT_LE(w0, wampp_key(&r, WAMP_KEY_WRITES, NULL));
	EXPECT_EQ(WAMP_MIN_WRITES_DEF, wampp_key(&r, WAMP_KEY_MIN_WRITES, NULL));
	wampp_free(&r);
}

/* ---------------------------------------------------------------- */

/*
 * Unload wamp if it is loaded and load $WAMP_KO with @params: 0 or -1.
 * The syscalls insmod and rmmod make, without their exec (which costs
 * seconds under KASAN in TCG, where kmod's libraries come over 9p).
 */
static int reload(const char *params)
{
	const char *ko = getenv("WAMP_KO");
	int fd, ret;

	if (!ko)
		return -1;
	if (!access(WAMP_PROC_PATH, F_OK) &&
	    syscall(SYS_delete_module, "wamp", O_NONBLOCK))
		return -1;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, params, 0);
	close(fd);
	return ret ? -1 : 0;
}

static void three_writes(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	(void)!write(fd, "12345", 5);
	(void)!write(fd, "12345", 5);
	(void)!write(fd, "12345", 5);
	close(fd);
}

/*
 * More live tasks than slots: the ones that find no slot go to (other),
 * overflow counts their events, the totals stay exact.  (Exited tasks'
 * rows would be folded instead: churn_bounded_and_exact.)
 */
TEST(overflow_into_other)
{
	unsigned long long cap, n, used;
	struct wampp_report r;
	pid_t *pids;
	int got;

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	ASSERT_EQ(0, reload("table_size=16"));
	ASSERT_EQ(0, control("reset"));
	ASSERT_EQ(0, read_report(&r));
	got = read_slots(&r, &used, &cap);
	wampp_free(&r);
	ASSERT_EQ(2, got);
	EXPECT_EQ(16 * sysconf(_SC_NPROCESSORS_CONF), cap);

	n = cap + 40;
	pids = calloc(n, sizeof(*pids));
	ASSERT_NE(NULL, pids);
	for (unsigned long long i = 0; i < n; i++) {
		pids[i] = spawn_stopped(three_writes, NULL, "wamp_many");
		ASSERT_LT(0, pids[i]);
	}
	ASSERT_EQ(0, read_report(&r));
	EXPECT_EQ(3 * n, wampp_key(&r, WAMP_KEY_WRITES, NULL));
	EXPECT_EQ(15 * n, wampp_key(&r, WAMP_KEY_WRITE_BYTES, NULL));
	EXPECT_LT(0, wampp_key(&r, WAMP_KEY_OVERFLOW, NULL));
	EXPECT_LT(0, r.other.writes);
	/*
	 * overflow counts events of every kind: the writes of the tasks
	 * that found no slot, and whatever else ran on those full tables
	 * meanwhile (jbd2's block requests, on the debug kernel).  Nested
	 * events go to (other) too.
	 */
	EXPECT_LE(r.other.writes, wampp_key(&r, WAMP_KEY_OVERFLOW, NULL));
	EXPECT_LE(r.other.writes + r.other.syncs + r.other.blk_reqs,
		  wampp_key(&r, WAMP_KEY_OVERFLOW, NULL) +
		  wampp_key(&r, WAMP_KEY_NESTED, NULL));
	EXPECT_EQ(0, wampp_exited_key(&r, WAMP_KEY_ROWS, NULL));
	EXPECT_LE(r.nrows, cap);
	expect_rows_sum_to_totals(_metadata, &r);
	wampp_free(&r);
	for (unsigned long long i = 0; i < n; i++)
		reap(pids[i]);
	free(pids);
	ASSERT_EQ(0, reload(""));
}

static void write_forever(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (;;)
		(void)!write(fd, "w", 1);
}

static void blk_forever(int which)
{
	char path[PATH_MAX];
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 65536))
		_exit(1);
	memset(buf, 0, 65536);
	if (which == 0) {
		fd = open("/dev/nullb0", O_WRONLY | O_DIRECT);
		for (off_t off = 0; fd >= 0; off = (off + 65536) % (1 << 30))
			(void)!pwrite(fd, buf, 65536, off);
	}
	snprintf(path, sizeof(path), "%s/wamp_rmmod.%d", mnt(), getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	for (int i = 0; fd >= 0; i++) {
		(void)!pwrite(fd, buf, 4096, (off_t)(i % 1024) * 4096);
		fsync(fd);
	}
	_exit(1);
}

/* rmmod while writers and block I/O run and a reader holds /proc/wamp open. */
TEST(rmmod_under_load)
{
	pid_t w[2], b[2];
	char buf[256];
	int fd;

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	for (int i = 0; i < 2; i++) {
		w[i] = fork();
		ASSERT_LE(0, w[i]);
		if (w[i] == 0)
			write_forever(NULL);
	}
	/* Heavy block I/O as well: O_DIRECT to null_blk, fsyncs on ext4. */
	for (int i = 0; i < 2; i++) {
		b[i] = fork();
		ASSERT_LE(0, b[i]);
		if (b[i] == 0)
			blk_forever(i);
	}
	usleep(300 * 1000);
	fd = open(WAMP_PROC_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, 16));	/* mid-read */
	EXPECT_EQ(0, run("rmmod wamp"));
	EXPECT_NE(0, access(WAMP_PROC_PATH, F_OK));
	EXPECT_GT(0, read(fd, buf, sizeof(buf)));
	close(fd);
	if (!access(wampstat_path(), X_OK)) {
		char cmd[PATH_MAX + 64], out[512];

		/* wampstat says what is wrong and how to fix it. */
		snprintf(cmd, sizeof(cmd), "%s 2>&1", wampstat_path());
		EXPECT_EQ(1, capture(cmd, out, sizeof(out)));
		EXPECT_NE(NULL, strstr(out, "modprobe wamp")) TH_LOG("%s", out);
	}
	for (int i = 0; i < 2; i++) {
		reap(w[i]);
		reap(b[i]);
	}
	ASSERT_EQ(0, reload(""));
}

/* ---------------------------------------------------------------- */

static void bt_workload(void *p)
{
	int fd = open("/dev/null", O_WRONLY);
	static char buf[128];

	(void)p;
	raise(SIGSTOP);		/* until bpftrace is attached */
	for (int i = 0; i < 2000; i++)
		(void)!write(fd, buf, 1 + i % 97);
}

/* wamp and the bpftrace one-liner it replaces agree on the same workload. */
TEST_F_TIMEOUT(slow, agrees_with_bpftrace, 300)
{
	unsigned long long bt_bytes = 0, bt_cnt = 0;
	const struct wampp_row *row;
	struct wampp_report r;
	char line[512], out[] = "/tmp/wamp_bt.XXXXXX";
	bool attached = false;
	pid_t child, bt;
	FILE *f;
	int st, ofd;

	if (run("command -v bpftrace >/dev/null"))
		SKIP(return, "bpftrace not installed");
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		prctl(PR_SET_NAME, "wamp_bt");
		bt_workload(NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	ofd = mkstemp(out);
	ASSERT_LE(0, ofd);
	bt = fork();
	ASSERT_LE(0, bt);
	if (bt == 0) {
		dup2(ofd, 1);
		dup2(ofd, 2);
		execlp("bpftrace", "bpftrace", "-e",
		       "tracepoint:syscalls:sys_enter_write { @bytes[comm] = sum(args->count); @cnt[comm] = count(); }",
		       (char *)NULL);
		_exit(127);
	}
	for (int t = 0; t < 1200 && !attached; t++) {
		bool gone = waitpid(bt, &st, WNOHANG) == bt;
		char why[sizeof(line)] = "";

		usleep(100 * 1000);
		f = fopen(out, "r");
		while (f && fgets(line, sizeof(line), f)) {
			attached |= !!strstr(line, "Attaching");
			if (strstr(line, "ERROR") && !why[0])
				snprintf(why, sizeof(why), "%s", line);
		}
		if (f)
			fclose(f);
		if (gone && !attached) {
			/* The case wamp exists for: a kernel bpftrace can't use. */
			reap(child);
			unlink(out);
			SKIP(return, "bpftrace cannot run on this kernel: %s", why);
		}
	}
	ASSERT_TRUE(attached);
	sleep(1);
	kill(child, SIGCONT);
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	kill(bt, SIGINT);
	ASSERT_EQ(bt, waitpid(bt, &st, 0));
	f = fopen(out, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "@bytes[wamp_bt]: %llu", &bt_bytes) == 1)
			continue;
		if (sscanf(line, "@cnt[wamp_bt]: %llu", &bt_cnt) == 1)
			continue;
	}
	fclose(f);
	unlink(out);
	close(ofd);

	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, child);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(2000, bt_cnt);
	EXPECT_EQ(bt_cnt, row->writes);
	EXPECT_EQ(bt_bytes, row->write_bytes);
	TH_LOG("bpftrace: %llu writes %llu bytes; wamp: %llu writes %llu bytes",
	       bt_cnt, bt_bytes, row->writes, row->write_bytes);
	wampp_free(&r);
	reap(child);
}

/* ------------------------------------------------------------------ */
/* wampstat on the live /proc/wamp */

static const char *wampstat_path(void)
{
	static char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/../tools/wampstat", self_dir);
	return path;
}

/* Run a shell command, its stdout into @out (NUL-terminated). */
static int capture(const char *cmd, char *out, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = 0;
	int st;

	if (!f)
		return -1;
	while (n + 1 < len && !feof(f))
		n += fread(out + n, 1, len - 1 - n, f);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The number after "key": in @json, from @from on. */
static long long json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

static void wl_mixed(void *p)
{
	wl_all[WL_PWRITEV].fn(*(int *)p);
	wl_all[WL_WRITE].fn(*(int *)p);
	wl_all[WL_FSYNC].fn(*(int *)p);
}

/* wampstat --json -p PID reports exactly the known workload. */
TEST(wampstat_json_exact)
{
	char cmd[PATH_MAX + 128], out[8192], path[PATH_MAX], *row;
	pid_t pid;
	int fd;

	if (access(wampstat_path(), X_OK))
		SKIP(return, "wampstat not built");
	snprintf(path, sizeof(path), "%s/wamp_ws.%d", mnt(), getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	pid = spawn_stopped(wl_mixed, &fd, "wamp_ws");
	ASSERT_LT(0, pid);
	snprintf(cmd, sizeof(cmd), "%s --json -p %d", wampstat_path(), pid);
	ASSERT_EQ(0, capture(cmd, out, sizeof(out)));
	row = strstr(out, "\"rows\":[{");
	ASSERT_NE(NULL, row) TH_LOG("%s", out);
	EXPECT_EQ(1, json_num(out, "version"));
	EXPECT_EQ(pid, json_num(row, "pid"));
	EXPECT_EQ(13 + 37, json_num(row, "writes"));
	EXPECT_EQ(13 * 45 + 37 * 100, json_num(row, "write_bytes"));
	EXPECT_EQ(5, json_num(row, "syncs"));
	EXPECT_NE(NULL, strstr(row, "\"comm\":\"wamp_ws\""));
	/* One row only: -p filters. */
	EXPECT_EQ(NULL, strstr(row, "},{"));
	reap(pid);
	close(fd);
	unlink(path);
}

static void paced_writer(void *p)
{
	struct timespec next;
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int i = 0; i < 600; i++) {	/* 100 writes a second, 6 s */
		(void)!write(fd, "paced", 5);
		next.tv_nsec += 10 * 1000 * 1000;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
}

/* wampstat 1 3 on a task writing 100 times a second: 100/s within 10%. */
TEST_F_TIMEOUT(slow, wampstat_interval_rates, 120)
{
	char cmd[PATH_MAX + 128], out[16384], *line, *save = NULL;
	int lines = 0;
	pid_t pid;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");

	if (access(wampstat_path(), X_OK))
		SKIP(return, "wampstat not built");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		prctl(PR_SET_NAME, "wamp_paced");
		paced_writer(NULL);
		_exit(0);
	}
	usleep(500 * 1000);
	snprintf(cmd, sizeof(cmd), "%s --json -p %d 1 3", wampstat_path(), pid);
	ASSERT_EQ(0, capture(cmd, out, sizeof(out)));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *row = strstr(line, "\"rows\":[{");
		double secs = strtod(strstr(line, "\"interval\":") + 11, NULL);
		double rate;

		ASSERT_NE(NULL, row) TH_LOG("%s", line);
		rate = json_num(row, "writes") / secs;
		EXPECT_LE(90.0, rate) TH_LOG("%.1f writes/s", rate);
		EXPECT_GE(110.0, rate) TH_LOG("%.1f writes/s", rate);
		TH_LOG("interval %d: %.3f s, %.1f writes/s", lines, secs, rate);
		lines++;
	}
	EXPECT_EQ(3, lines);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
}

/* The Prometheus output of every view passes promtool (slow to start). */
TEST_F_TIMEOUT(slow, wampstat_prometheus_promtool, 300)
{
	static const char *const views[] = { "", "-P", "-C", "-d" };
	char cmd[PATH_MAX + 256], out[4096];

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");

	if (access(wampstat_path(), X_OK))
		SKIP(return, "wampstat not built");
	if (run("command -v promtool >/dev/null"))
		SKIP(return, "promtool not installed");
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s %s -n 0 --prometheus | promtool check metrics 2>&1",
			 wampstat_path(), views[i]);
		EXPECT_EQ(0, capture(cmd, out, sizeof(out)))
			TH_LOG("view '%s': %s", views[i], out);
	}
}

/* ------------------------- hardening ---------------------------- */

#define NOBODY	65534

/* Read /proc/wamp as @uid (capabilities dropped) into @buf; -errno. */
static int read_as(uid_t uid, bool keep_uid0_caps, char *buf, size_t len)
{
	int st, fd;
	pid_t pid;

	memset(buf, 0, len);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		size_t got = 0;
		ssize_t n;

		if (keep_uid0_caps ? drop_cap_sys_admin() :
		    (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)))
			_exit(100);
		fd = open(WAMP_PROC_PATH, O_RDONLY);
		if (fd < 0)
			_exit(errno);
		while (got < len - 1 &&
		       (n = read(fd, buf + got, len - 1 - got)) > 0)
			got += n;
		_exit(n < 0 ? errno : 0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -ECHILD;
	return -WEXITSTATUS(st);
}

static void *shared_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void as_nobody_write77(void *p)
{
	int fd;

	(void)p;
	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		_exit(1);
	fd = open("/dev/null", O_WRONLY);
	for (int i = 0; i < 77; i++)
		(void)!write(fd, "abcde", 5);
	close(fd);
}

static void as_root_write55(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (int i = 0; i < 55; i++)
		(void)!write(fd, "abc", 3);
	close(fd);
}

/*
 * Without CAP_SYS_ADMIN a reader sees the rows of its own uid (exited
 * tasks included) and the totals; root_only=1 shuts it out entirely.
 */
TEST(visibility_per_uid)
{
	const size_t len = 4 << 20;
	char *buf = shared_buf(len), err[256];
	struct wampp_report r;
	const struct wampp_row *row;
	pid_t mine, gone, roots;
	unsigned long long total;

	ASSERT_NE(NULL, buf);
	mine = spawn_stopped(as_nobody_write77, NULL, "wamp_nobody");
	ASSERT_LT(0, mine);
	gone = fork();
	ASSERT_LE(0, gone);
	if (gone == 0) {
		prctl(PR_SET_NAME, "wamp_nobody2");
		as_nobody_write77(NULL);
		_exit(0);
	}
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));
	roots = spawn_stopped(as_root_write55, NULL, "wamp_rootw");
	ASSERT_LT(0, roots);

	/* An ordinary user: its two tasks, nobody else's; all the totals. */
	ASSERT_EQ(0, read_as(NOBODY, false, buf, len));
	ASSERT_EQ(0, wampp_parse(buf, &r, err, sizeof(err))) TH_LOG("%s", buf);
	row = wampp_find(&r, mine);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(77, row->writes);
	EXPECT_EQ(385, row->write_bytes);
	row = wampp_find(&r, gone);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(77, row->writes);
	EXPECT_TRUE(row->flags & WAMP_F_EXITED);
	EXPECT_EQ(NULL, wampp_find(&r, roots));
	EXPECT_EQ(NULL, wampp_find(&r, getpid()));
	EXPECT_EQ(NULL, wampp_find(&r, 1));
	for (size_t i = 0; i < r.nrows; i++) {
		EXPECT_TRUE(!strncmp(r.rows[i].comm, "wamp_nobody", 11))
			TH_LOG("row %lld %s", r.rows[i].pid, r.rows[i].comm);
	}
	total = wampp_key(&r, WAMP_KEY_WRITES, NULL);
	EXPECT_LE(77 * 2 + 55, total);
	wampp_free(&r);

	/* uid 0 without CAP_SYS_ADMIN: root's rows, not nobody's. */
	ASSERT_EQ(0, read_as(0, true, buf, len));
	ASSERT_EQ(0, wampp_parse(buf, &r, err, sizeof(err)));
	EXPECT_NE(NULL, wampp_find(&r, roots));
	EXPECT_EQ(NULL, wampp_find(&r, mine));
	EXPECT_EQ(NULL, wampp_find(&r, gone));
	wampp_free(&r);

	/* CAP_SYS_ADMIN: everything. */
	ASSERT_EQ(0, read_report(&r));
	EXPECT_NE(NULL, wampp_find(&r, roots));
	EXPECT_NE(NULL, wampp_find(&r, mine));
	EXPECT_NE(NULL, wampp_find(&r, gone));
	wampp_free(&r);

	/* root_only: bad values refused, 1 shuts ordinary readers out. */
	EXPECT_EQ(-EINVAL, write_str(PARAMS "root_only", "2", 1));
	EXPECT_EQ(-EINVAL, write_str(PARAMS "root_only", "-1", 2));
	EXPECT_EQ(-EINVAL, write_str(PARAMS "root_only", "yes", 3));
	EXPECT_EQ(0, read_param("root_only"));
	ASSERT_EQ(0, write_str(PARAMS "root_only", "1", 1));
	EXPECT_EQ(-EACCES, read_as(NOBODY, false, buf, len));
	EXPECT_EQ(-EACCES, read_as(0, true, buf, len));
	ASSERT_EQ(0, read_report(&r));
	EXPECT_NE(NULL, wampp_find(&r, mine));
	wampp_free(&r);
	ASSERT_EQ(0, write_str(PARAMS "root_only", "0", 1));
	EXPECT_EQ(0, read_as(NOBODY, false, buf, len));
	reap(mine);
	reap(roots);
	munmap(buf, len);
}

struct ns_result {
	pid_t gone, alive;	/* as the namespace numbers them */
	pid_t self;
	int err;
	char text[1 << 20];
};

static void ns_writer(int n)
{
	int fd = open("/dev/null", O_WRONLY);

	for (int i = 0; i < n; i++)
		(void)!write(fd, "nsnsns", 6);
	close(fd);
}

/* pid 1 of a new pid namespace, with its own /proc. */
static int ns_init(struct ns_result *res)
{
	pid_t gone, alive;
	char *text;
	int st;

	/* res is shared: children must not store their fork() result in it. */
	res->self = getpid();
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", 0, NULL))
		return 10;
	gone = fork();
	if (gone == 0) {
		prctl(PR_SET_NAME, "wamp_ns_gone");
		ns_writer(11);
		_exit(0);
	}
	if (gone < 0 || waitpid(gone, NULL, 0) != gone)
		return 11;
	res->gone = gone;
	alive = fork();
	if (alive == 0) {
		prctl(PR_SET_NAME, "wamp_ns_live");
		ns_writer(13);
		raise(SIGSTOP);
		_exit(0);
	}
	if (alive < 0 || waitpid(alive, &st, WUNTRACED) != alive)
		return 12;
	res->alive = alive;
	text = wampp_read_file(WAMP_PROC_PATH);
	if (!text)
		return 13;
	snprintf(res->text, sizeof(res->text), "%s", text);
	free(text);
	kill(res->alive, SIGKILL);
	waitpid(res->alive, NULL, 0);
	return 0;
}

/*
 * A reader in a child pid namespace (unshare --pid --fork --mount-proc)
 * sees the tasks of its namespace only, under the pids it knows them by,
 * exited ones included; everything else is in the totals alone.
 */
TEST(pid_namespace_view)
{
	struct ns_result *res = shared_buf(sizeof(*res));
	const struct wampp_row *row;
	char err[256];
	struct wampp_report r;
	int st, outer_rows = 0;
	pid_t pid;

	ASSERT_NE(NULL, res);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pid_t init;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS))
			_exit(20);
		init = fork();
		if (init == 0)
			_exit(ns_init(res));
		if (init < 0 || waitpid(init, &st, 0) != init || !WIFEXITED(st))
			_exit(21);
		_exit(WEXITSTATUS(st));
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(1, res->self);

	ASSERT_EQ(0, wampp_parse(res->text, &r, err, sizeof(err))) TH_LOG("%s", res->text);
	row = wampp_find(&r, res->gone);
	ASSERT_NE(NULL, row) TH_LOG("%s", res->text);
	EXPECT_STREQ("wamp_ns_gone", row->comm);
	EXPECT_EQ(res->gone, row->tgid);
	EXPECT_EQ(11, row->writes);
	EXPECT_TRUE(row->flags & WAMP_F_EXITED);
	row = wampp_find(&r, res->alive);
	ASSERT_NE(NULL, row) TH_LOG("%s", res->text);
	EXPECT_STREQ("wamp_ns_live", row->comm);
	EXPECT_EQ(res->alive, row->tgid);
	EXPECT_EQ(13, row->writes);
	EXPECT_FALSE(row->flags & WAMP_F_EXITED);
	/* Nothing from outside: every row is one of the namespace's tasks. */
	for (size_t i = 0; i < r.nrows; i++) {
		EXPECT_TRUE(!strncmp(r.rows[i].comm, "wamp_ns_", 8))
			TH_LOG("row %lld %s", r.rows[i].pid, r.rows[i].comm);
	}
	EXPECT_LE(24, wampp_key(&r, WAMP_KEY_WRITES, NULL));
	wampp_free(&r);

	/* The init namespace sees the same tasks under their global pids. */
	ASSERT_EQ(0, read_report(&r));
	for (size_t i = 0; i < r.nrows; i++) {
		if (strncmp(r.rows[i].comm, "wamp_ns_", 8))
			continue;
		outer_rows++;
		EXPECT_NE(res->gone, r.rows[i].pid);
		EXPECT_NE(res->alive, r.rows[i].pid);
	}
	EXPECT_EQ(2, outer_rows);
	wampp_free(&r);
	munmap(res, sizeof(*res));
}

static int cpu_online(int cpu, int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	return write_str(path, on ? "1" : "0", 1);
}

static void hotplug_writer(void *p)
{
	int fd = open("/dev/null", O_WRONLY);
	cpu_set_t set;

	(void)p;
	CPU_ZERO(&set);
	CPU_SET(1, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (int i = 0; i < 1000; i++)
		(void)!write(fd, "hotplug!", 8);
	/* Stopped here while CPU 1 goes offline; then on CPU 0. */
	raise(SIGSTOP);
	for (int i = 0; i < 500; i++)
		(void)!write(fd, "hotplug!", 8);
	close(fd);
}

/*
 * CPU hotplug: counts made on a CPU that goes offline stay counted (the
 * store sums over possible CPUs); a reset clears offline CPUs too.
 */
TEST(cpu_hotplug_keeps_counts)
{
	const struct wampp_row *row;
	struct wampp_report r;
	int st, got, reset;
	pid_t pid, waited;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    access("/sys/devices/system/cpu/cpu1/online", W_OK))
		SKIP(return, "CPU 1 cannot go offline here");
	pid = spawn_stopped(hotplug_writer, NULL, "wamp_hotplug");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, cpu_online(1, 0));
	kill(pid, SIGCONT);
	waited = waitpid(pid, &st, WUNTRACED);
	got = read_report(&r);
	/* Reset while CPU 1 is offline: its table is cleared as well. */
	reset = control("reset");
	ASSERT_EQ(0, cpu_online(1, 1));
	ASSERT_EQ(pid, waited);
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, got);
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(1500, row->writes);
	EXPECT_EQ(12000, row->write_bytes);
	expect_rows_sum_to_totals(_metadata, &r);
	wampp_free(&r);
	ASSERT_EQ(0, reset);
	ASSERT_EQ(0, read_report(&r));
	EXPECT_EQ(NULL, wampp_find(&r, pid));
	wampp_free(&r);
	reap(pid);
}

/*
 * Bad parameters at load: the load fails, says why, and leaves no module;
 * a table size that is no power of two is rounded up, and says so.
 */
TEST_F_TIMEOUT(slow, load_rejects_bad_params, 600)
{
	static const char *const bad[] = {
		"table_size=0", "table_size=15", "table_size=65537",
		"table_size=4294967296", "table_size=-1", "min_writes=0",
		"small_write_bytes=1073741825", "sync_ratio=0",
		"sync_ratio=101", "amp_ratio=0", "amp_ratio=0.001",
		"amp_ratio=abc", "root_only=2",
	};
	char cmd[PATH_MAX + 256], out[1024], name[64];

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_NE(0, reload(bad[i])) TH_LOG("%s", bad[i]);
		EXPECT_NE(0, access(WAMP_PROC_PATH, F_OK)) TH_LOG("%s", bad[i]);
		EXPECT_NE(0, access("/sys/module/wamp", F_OK)) TH_LOG("%s", bad[i]);
		snprintf(name, sizeof(name), "%.*s",
			 (int)(strchr(bad[i], '=') - bad[i]), bad[i]);
		snprintf(cmd, sizeof(cmd),
			 "dmesg | tail -5 | grep \"invalid for parameter .%s'\"",
			 name);
		EXPECT_EQ(0, capture(cmd, out, sizeof(out))) TH_LOG("%s", bad[i]);
	}
	ASSERT_EQ(0, reload("table_size=17"));
	EXPECT_EQ(32, read_param("table_size"));
	EXPECT_EQ(0, capture("dmesg | tail -5 | grep 'table_size 17 rounded up to 32'",
			     out, sizeof(out)));
	ASSERT_EQ(0, reload(""));
}

static void churn_child(void)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)!write(fd, "churn", 5);
	(void)!write(fd, "churn", 5);
	(void)!write(fd, "churn", 5);
	_exit(0);
}

/*
 * WAMP_CHURN (100,000) short-lived processes, one after the other, each
 * writing 3 x 5 bytes: the totals stay exact, memory stays what was
 * allocated at load, rows of exited tasks are folded to make room, so a
 * live task still gets a row of its own afterwards, and no row ever holds
 * two tasks although pids wrap around (pid_max is lowered to 4096 for the
 * run, so that fewer processes wrap it several times).  WAMP_CHURN_TABLE
 * reloads wamp with that table_size first.
 */
TEST_F_TIMEOUT(slow, churn_bounded_and_exact, 3600)
{
	const char *n_env = getenv("WAMP_CHURN");
	const char *tbl = getenv("WAMP_CHURN_TABLE");
	unsigned long n = n_env ? strtoul(n_env, NULL, 10) : 100000;
	unsigned long long cap, used, folded, reused = 0;
	unsigned long long others = 0, other_bytes = 0;
	unsigned long partial = 0;
	unsigned char *seen = calloc(1 << 22, 1);
	const struct wampp_row *row;
	struct wampp_report r;
	char out[256], pid_max[32];
	struct timespec t0, t1;
	pid_t pid, live;
	bool found;
	int got;

	ASSERT_NE(NULL, seen);
	/* A small table makes a short run fold too (the debug kernel's). */
	if (tbl && getenv("WAMP_KO")) {
		snprintf(out, sizeof(out), "table_size=%s", tbl);
		ASSERT_EQ(0, reload(out));
	}
	ASSERT_EQ(0, capture("cat /proc/sys/kernel/pid_max", pid_max,
			     sizeof(pid_max)));
	ASSERT_EQ(0, write_str("/proc/sys/kernel/pid_max", "4096", 4));
	ASSERT_EQ(0, control("reset"));
	for (unsigned long i = 0; i < n; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			prctl(PR_SET_NAME, "wamp_churn");
			churn_child();
		}
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		if (pid < (1 << 22))
			reused += seen[pid]++ != 0;
	}
	ASSERT_EQ(0, write_str("/proc/sys/kernel/pid_max", pid_max,
			       strlen(pid_max)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, read_report(&r));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/*
	 * Every event is in the totals: the churn's, and those of whatever
	 * else ran meanwhile, which have rows of their own.
	 */
	for (size_t i = 0; i < r.nrows; i++) {
		if (!strcmp(r.rows[i].comm, "wamp_churn"))
			continue;
		others += r.rows[i].writes;
		other_bytes += r.rows[i].write_bytes;
		if (r.rows[i].writes)
			TH_LOG("also wrote: %lld %s %llu", r.rows[i].pid,
			       r.rows[i].comm, r.rows[i].writes);
	}
	EXPECT_EQ(3 * n, wampp_key(&r, WAMP_KEY_WRITES, NULL) - others);
	EXPECT_EQ(15 * n,
		  wampp_key(&r, WAMP_KEY_WRITE_BYTES, NULL) - other_bytes);
	expect_rows_sum_to_totals(_metadata, &r);
	got = read_slots(&r, &used, &cap);
	ASSERT_EQ(2, got);
	EXPECT_LE(used, cap);
	EXPECT_LE(r.nrows, cap);
	folded = wampp_exited_key(&r, WAMP_KEY_ROWS, &found);
	EXPECT_TRUE(found);
	if (n > cap)
		EXPECT_LT(0, folded);
	/*
	 * One task per row: a row with more than 3 writes merged two.  (Fewer
	 * is a task that migrated and whose part on one CPU was folded.)
	 */
	for (size_t i = 0; i < r.nrows; i++) {
		if (strcmp(r.rows[i].comm, "wamp_churn"))
			continue;
		EXPECT_GE(3, r.rows[i].writes) TH_LOG("pid %lld", r.rows[i].pid);
		partial += r.rows[i].writes < 3;
	}
	TH_LOG("%lu procs, %llu pids recycled, rows=%zu slots=%llu/%llu",
	       n, reused, r.nrows, used, cap);
	TH_LOG("folded=%llu", folded);
	TH_LOG("%lu rows with part of a task folded", partial);
	TH_LOG("overflow=%llu, a read took %ld ms",
	       wampp_key(&r, WAMP_KEY_OVERFLOW, NULL),
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 +
		      (t1.tv_nsec - t0.tv_nsec) / 1000000));
	wampp_free(&r);
	if (n > 3 * 4096)
		EXPECT_LT(2 * 4096, reused);

	/* Afterwards a live task still gets a row of its own. */
	live = spawn_stopped(ten_writes, NULL, "wamp_live");
	ASSERT_LT(0, live);
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, live);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(10, row->writes);
	EXPECT_EQ(100, row->write_bytes);
	wampp_free(&r);
	reap(live);
	/* Memory is what the load allocated: the debugfs figure, unchanged. */
	if (!capture("head -1 /sys/kernel/debug/wamp/cpus", out, sizeof(out)))
		TH_LOG("%s", out);
	free(seen);
	if (tbl && getenv("WAMP_KO"))
		ASSERT_EQ(0, reload(""));
}

struct fuzz_target {
	const char *path;
	bool param;	/* numbers are commands here */
	int fd;
};

/*
 * Whether @buf might be a valid command, which is not fuzz: /proc/wamp
 * and debugfs take "reset" with at most one newline; a parameter may take
 * a number (digits, a dot, a plus, one newline) and sees the text only up
 * to the first NUL (sysfs hands it a C string).
 */
static bool maybe_valid(const char *buf, size_t len, bool param)
{
	if (!param)
		return (len == 5 || (len == 6 && buf[5] == '\n')) &&
		       !memcmp(buf, "reset", 5);
	len = strnlen(buf, len);
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789.+\n", buf[i]))
			return false;
	return len > 0;
}

/* An input no parser of ours may accept, from random bytes and lengths. */
static size_t fuzz_input(char *buf, const char *noise, size_t noise_len,
			 bool param, unsigned int *seed)
{
	static const char *const near[] = {
		"reset", "reset\n", "RESET", "reset\n\n", " reset", "reset ",
		"-1", "-0", "4294967296", "18446744073709551616", "1e9",
		"0x7fffffff", "0", "00", "1.", ".1", "1.234", "--1", "+-1",
		"1000000001", "99999999999999999999999999", "\n", "",
	};
	unsigned int k = rand_r(seed) % 4;
	size_t len;

	if (k == 0) {
		/* A near miss, maybe with junk around it. */
		const char *s = near[rand_r(seed) % ARRAY_SIZE(near)];

		len = strlen(s);
		memcpy(buf, s, len);
		if (rand_r(seed) % 2)
			buf[len++] = "\n \t\0x-"[rand_r(seed) % 6];
	} else {
		/* Random bytes, up to 64 KiB, mostly short. */
		len = k == 1 ? rand_r(seed) % 65537 : rand_r(seed) % 48;
		memcpy(buf, noise + rand_r(seed) % (noise_len - 65536), len);
	}
	if (maybe_valid(buf, len, param))
		buf[0] = 'x';
	return len;
}

static void fuzz_reader(void)
{
	for (;;) {
		char *t = wampp_read_file(WAMP_PROC_PATH);

		free(t);
	}
}

/*
 * Random writes to every writable file, with readers and writers running:
 * each is refused with EINVAL, none changes a threshold or resets, dmesg
 * stays clean (checked by the harness around the suite).
 */
TEST_F_TIMEOUT(slow, control_files_fuzzed, 1800)
{
	struct fuzz_target t[] = {
		{ WAMP_PROC_PATH, false, -1 }, { DEBUGFS_RESET, false, -1 },
		{ PARAMS "min_writes", true, -1 },
		{ PARAMS "small_write_bytes", true, -1 },
		{ PARAMS "sync_ratio", true, -1 }, { PARAMS "amp_ratio", true, -1 },
		{ PARAMS "root_only", true, -1 },
	};
	static const char *const params[] = {
		"min_writes", "small_write_bytes", "sync_ratio", "root_only",
		"table_size",
	};
	unsigned int before[ARRAY_SIZE(params)];
	const char *n_env = getenv("WAMP_FUZZ_WRITES");
	unsigned long n = n_env ? strtoul(n_env, NULL, 10) : 100000;
	size_t noise_len = 1 << 20;
	char *noise = malloc(noise_len), *buf = malloc(65536 + 8);
	unsigned long refused = 0, empty = 0;
	unsigned int seed = 20261129;
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t sentinel, rd[2], wr;
	char amp[32];

	ASSERT_NE(NULL, noise);
	ASSERT_NE(NULL, buf);
	for (size_t i = 0; i < noise_len; i++)
		noise[i] = (char)rand_r(&seed);
	for (size_t i = 0; i < ARRAY_SIZE(params); i++)
		before[i] = read_param(params[i]);
	{
		char *t = wampp_read_file(PARAMS "amp_ratio");

		ASSERT_NE(NULL, t);
		snprintf(amp, sizeof(amp), "%s", t);
		free(t);
	}
	/* A row that a reset would erase. */
	sentinel = spawn_stopped(ten_writes, NULL, "wamp_sentinel");
	ASSERT_LT(0, sentinel);
	for (int i = 0; i < 2; i++) {
		rd[i] = fork();
		ASSERT_LE(0, rd[i]);
		if (rd[i] == 0)
			fuzz_reader();
	}
	wr = fork();
	ASSERT_LE(0, wr);
	if (wr == 0)
		write_forever(NULL);

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		t[i].fd = open(t[i].path, O_WRONLY);
		ASSERT_LE(0, t[i].fd) TH_LOG("%s", t[i].path);
	}
	for (unsigned long i = 0; i < n; i++) {
		struct fuzz_target *f = &t[rand_r(&seed) % ARRAY_SIZE(t)];
		size_t len = fuzz_input(buf, noise, noise_len, f->param, &seed);
		ssize_t ret;
		size_t cut = len >= 2 ? 1 + rand_r(&seed) % (len - 1) : 0;

		errno = 0;
		if (cut && rand_r(&seed) % 8 == 0 &&
		    !maybe_valid(buf, cut, f->param) &&
		    !maybe_valid(buf + cut, len - cut, f->param)) {
			/* A partial write: the input in two pieces. */
			ret = write(f->fd, buf, cut);
			EXPECT_EQ(-1, ret) TH_LOG("%s, %zu bytes", f->path, cut);
			if (ret >= 0) {
				TH_LOG("accepted: '%.*s'", (int)cut, buf);
				break;
			}
			ret = write(f->fd, buf + cut, len - cut);
			EXPECT_EQ(-1, ret);
		} else {
			ret = write(f->fd, buf, len);
		}
		if (ret == 0 && len == 0) {
			empty++;	/* kernfs answers 0 to an empty write */
			continue;
		}
		if (ret != -1 || (errno != EINVAL && errno != E2BIG)) {
			EXPECT_EQ(-1, ret) TH_LOG("%s, %zu bytes: '%.*s'",
						  f->path, len, (int)len, buf);
			EXPECT_EQ(EINVAL, errno) TH_LOG("%s, %zu bytes", f->path, len);
			break;
		}
		refused++;
	}
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		close(t[i].fd);
	reap(wr);
	reap(rd[0]);
	reap(rd[1]);
	TH_LOG("%lu writes: %lu refused, %lu empty ones answered 0",
	       n, refused, empty);
	EXPECT_EQ(n, refused + empty);

	/* Nothing changed: thresholds as before, no reset happened. */
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		unsigned int now = read_param(params[i]);

		EXPECT_EQ(before[i], now) TH_LOG("%s", params[i]);
	}
	{
		char *a = wampp_read_file(PARAMS "amp_ratio");

		ASSERT_NE(NULL, a);
		EXPECT_STREQ(amp, a);
		free(a);
	}
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, sentinel);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(10, row->writes);
	EXPECT_EQ(100, row->write_bytes);
	wampp_free(&r);
	reap(sentinel);
	free(noise);
	free(buf);
}

static void __attribute__((constructor)) find_self(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		snprintf(self_dir, sizeof(self_dir), "%s", dirname(buf));
	}
}

TEST_HARNESS_MAIN
