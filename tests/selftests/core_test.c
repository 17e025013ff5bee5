// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, counting: every write and sync syscall of every ABI
 * counted exactly per task, threads and migrating tasks merged, exited
 * tasks kept, reset, and agreement with the bpftrace one-liner.  Each test
 * drives a workload in a child whose syscalls are known exactly, stops the
 * child (SIGSTOP is no write) and compares its /proc/wamp row.
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
#include "workload.h"

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
	row = read_row(_metadata, &r, pid);
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
	row = read_row(_metadata, &r, pid);
	EXPECT_EQ(w, row->writes);
	EXPECT_EQ(b, row->write_bytes);
	EXPECT_EQ(s, row->syncs);
	EXPECT_STREQ("wamp_writer32", row->comm);
	wampp_free(&r);
	reap(pid);
	unlink(path);
}

/* ---------------------------------------------------------------- */

struct high_bits {
	int fd;
	unsigned long writes, syncs;	/* the calls that ran */
	unsigned long other;		/* failed otherwise than refused */
};

static void high_bits_calls(void *p)
{
	struct high_bits *a = p;
	int refused;

	/* The errno of a number no syscall has. */
	syscall(-1L);
	refused = errno;
	for (int i = 0; i < 10; i++) {
		if (syscall(SYS_write | 1L << 32, a->fd, "0123456789", 10) == 10)
			a->writes++;
		else if (errno != refused)
			a->other++;
		if (syscall(SYS_fsync | 1L << 32, a->fd) == 0)
			a->syncs++;
		else if (errno != refused)
			a->other++;
	}
}

/*
 * A syscall number with high bits set: the kernel runs the syscall of its
 * low 32 bits, or refuses it (5.10 without entry work: ENOSYS), and wamp
 * counts exactly the calls that ran, with either hook (guest-check.sh runs
 * this suite with syscall_hook=0 too): the number is syscall_get_nr()'s,
 * not orig_ax's 64 bits, so such numbers hide nothing.
 */
TEST(high_bit_numbers_counted_as_run)
{
	struct high_bits *a = shared_buf(sizeof(*a));
	char path[PATH_MAX];
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;

	ASSERT_NE(NULL, a);
	snprintf(path, sizeof(path), "%s/wamp_hb.%d", mnt(), getpid());
	a->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, a->fd);
	pid = spawn_stopped(high_bits_calls, a, "wamp_hb");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, pid);
	TH_LOG("%lu writes and %lu fsyncs ran", a->writes, a->syncs);
	/* The kernel runs them all or refuses them all. */
	EXPECT_EQ(0, a->other);
	EXPECT_TRUE(a->writes == 0 || a->writes == 10);
	EXPECT_EQ(a->writes, a->syncs);
	if (a->writes || a->syncs) {
		ASSERT_NE(NULL, row);
		EXPECT_EQ(a->writes, row->writes);
		EXPECT_EQ(10 * a->writes, row->write_bytes);
		EXPECT_EQ(a->syncs, row->syncs);
	} else {
		EXPECT_EQ(NULL, row);
	}
	wampp_free(&r);
	reap(pid);
	close(a->fd);
	unlink(path);
	munmap(a, sizeof(*a));
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
	row = read_row(_metadata, &r, pid);
	EXPECT_EQ(123, row->writes);
	EXPECT_EQ(123 * 7, row->write_bytes);
	EXPECT_EQ(7, row->avg_write);
	EXPECT_STREQ("EXITED", row->flagstr);
	EXPECT_STREQ("wamp_gone", row->comm);
	EXPECT_EQ(r.nrows, wampp_key(&r, WAMP_KEY_ROWS, NULL));
	expect_rows_sum_to_totals(_metadata, &r);
	wampp_free(&r);
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

#define BT_ONE_LINER							\
	"tracepoint:syscalls:sys_enter_write { @bytes[comm] = sum(args->count); @cnt[comm] = count(); }"

/* wamp and the bpftrace one-liner it replaces agree on the same workload. */
TEST_F_TIMEOUT(slow, agrees_with_bpftrace, 1200)
{
	unsigned long long bt_bytes = 0, bt_cnt = 0;
	const struct wampp_row *row;
	struct wampp_report r;
	char line[512], why[512], out[] = "/tmp/wamp_bt.XXXXXX";
	pid_t child, bt;
	FILE *f;
	int st;

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
	bt = bpftrace_start(BT_ONE_LINER, out, why, sizeof(why));
	if (bt < 0) {
		reap(child);
		unlink(out);
		SKIP(return, "bpftrace cannot run on this kernel: %s", why);
	}
	kill(child, SIGCONT);
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, bpftrace_stop(bt, out));
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

	row = read_row(_metadata, &r, child);
	EXPECT_EQ(2000, bt_cnt);
	EXPECT_EQ(bt_cnt, row->writes);
	EXPECT_EQ(bt_bytes, row->write_bytes);
	TH_LOG("bpftrace: %llu writes %llu bytes; wamp: %llu writes %llu bytes",
	       bt_cnt, bt_bytes, row->writes, row->write_bytes);
	wampp_free(&r);
	reap(child);
}

TEST_HARNESS_MAIN
