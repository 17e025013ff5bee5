// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, churn and lifetime: a table full of live tasks, many
 * short-lived tasks, CPU hotplug, and unloading and loading again under
 * load (which the guest runs with one TCG thread: see tests/vm/boot.sh).
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
#include "fops.h"

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

/* Milliseconds from @t0 to @t1 (CLOCK_MONOTONIC), for the logs. */
static long ms_between(const struct timespec *t0, const struct timespec *t1)
{
	return (t1->tv_sec - t0->tv_sec) * 1000 +
	       (t1->tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * rmmod while writers and block I/O run and a reader holds /proc/wamp open.
 * The default 30 s were too few on 5.10 with both vCPUs in one TCG thread
 * and four busy tasks: how long the unload took is logged.
 */
TEST_F_TIMEOUT(slow, rmmod_under_load, 300)
{
	pid_t w[2], b[2];
	struct timespec t0, t1;
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
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(0, run("rmmod wamp"));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("rmmod took %ld ms", ms_between(&t0, &t1));
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
	       wampp_key(&r, WAMP_KEY_OVERFLOW, NULL), ms_between(&t0, &t1));
	wampp_free(&r);
	if (n > 3 * 4096)
		EXPECT_LT(2 * 4096, reused);

	/* Afterwards a live task still gets a row of its own. */
	live = spawn_stopped(ten_writes, NULL, "wamp_live");
	ASSERT_LT(0, live);
	expect_task_counts(_metadata, live, 10, 100);
	reap(live);
	/* Memory is what the load allocated: the debugfs figure, unchanged. */
	if (!capture("head -1 /sys/kernel/debug/wamp/cpus", out, sizeof(out)))
		TH_LOG("%s", out);
	free(seen);
	if (tbl && getenv("WAMP_KO"))
		ASSERT_EQ(0, reload(""));
}

/* Unload wamp, waiting while an open debugfs file pins the module. */
static int unload_retrying(void)
{
	for (int i = 0; i < 500; i++) {
		if (!syscall(SYS_delete_module, "wamp", O_NONBLOCK))
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EBUSY)
			return -1;
		usleep(10 * 1000);
	}
	return -1;
}

/*
 * The reload storms' parameters for cycle @c of @n: most cycles load the
 * sys_enter probe (syscall_hook=0), every fifth and the last the default
 * ftrace hook (the module is left as the suites expect it).
 * Each unregistration of the hook waits for an RCU-tasks grace period,
 * which under this load takes about a second in TCG: 30 cycles of it made
 * the storm 109 s instead of 66.  The storm is about the files, which are
 * the same either way; the hook's own teardown under load is in every
 * fifth cycle and in rmmod_under_load.
 */
static const char *cycle_params(int c, int n)
{
	return c % 5 == 4 || c == n - 1 ? "" : "syscall_hook=0";
}

/*
 * Readers that open, operate on and close wamp's files at random, as root
 * and as nobody, while the module is unloaded and loaded again and again:
 * every call returns (a file that is gone is ENOENT or EIO), the kernel
 * stays untainted, and the module loads clean at the end.
 */
TEST_F_TIMEOUT(slow, fops_storm_across_reloads, 1200)
{
	struct { int stop; struct fops_stats st[4]; } *sh;
	int cycles = size_of_run("WAMP_RELOADS", 30, 10);
	unsigned long taint = read_taint(), ops = 0, opens = 0;
	const char *files[64];
	size_t n;
	pid_t f[4];

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	sh = shared_buf(sizeof(*sh));
	ASSERT_NE(NULL, sh);
	n = fops_wamp_files(files, ARRAY_SIZE(files));
	ASSERT_LT(2, n);
	for (int i = 0; i < 4; i++) {
		f[i] = fork();
		ASSERT_LE(0, f[i]);
		if (f[i] == 0) {
			if (i % 2 && (setresgid(NOBODY, NOBODY, NOBODY) ||
				      setresuid(NOBODY, NOBODY, NOBODY)))
				_exit(100);
			_exit(fops_run(files, n, 0, &sh->stop, 77 + i,
				       &sh->st[i]) ? 101 : 0);
		}
	}
	for (int c = 0; c < cycles; c++) {
		usleep(50 * 1000);
		ASSERT_EQ(0, unload_retrying()) TH_LOG("cycle %d", c);
		usleep(20 * 1000);
		ASSERT_EQ(0, reload(cycle_params(c, cycles)))
			TH_LOG("cycle %d", c);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 4; i++) {
		int st;

		ASSERT_EQ(f[i], waitpid(f[i], &st, 0));
		EXPECT_TRUE(WIFEXITED(st)) TH_LOG("fuzzer %d: signal %d", i,
						  WTERMSIG(st));
		EXPECT_EQ(0, WEXITSTATUS(st));
		ops += sh->st[i].ops;
		opens += sh->st[i].opens;
	}
	TH_LOG("%d unload/load cycles, %lu opens, %lu operations", cycles,
	       opens, ops);
	EXPECT_LT(0, ops);
	EXPECT_EQ(taint, read_taint());
	munmap(sh, sizeof(*sh));
}

/* ------------------ parameters while unloading ------------------- */

/*
 * A parameter write by a task without CAP_SYS_ADMIN is refused at every
 * moment, also while the module unloads and its sysfs files still exist
 * (issue 13: exit used to drop the check first).  uid 0 keeps the files'
 * DAC permission, so only the capability check stands in the way.
 */
TEST_F_TIMEOUT(slow, param_write_refused_while_unloading, 600)
{
	unsigned long *sh = shared_buf(4096);	/* stop, accepted, tried */
	int cycles = size_of_run("WAMP_RELOADS", 40, 10), status;
	pid_t w;

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	ASSERT_NE(NULL, sh);
	w = fork();
	ASSERT_LE(0, w);
	if (w == 0) {
		if (drop_admin_caps())
			_exit(100);
		while (!__atomic_load_n(&sh[0], __ATOMIC_RELAXED)) {
			int fd = open(PARAMS "min_writes", O_WRONLY);

			while (fd >= 0 && !__atomic_load_n(&sh[0], __ATOMIC_RELAXED)) {
				if (write(fd, "5", 1) == 1)
					sh[1]++;
				else if (errno != EPERM)
					break;
				sh[2]++;
			}
			if (fd >= 0)
				close(fd);
		}
		_exit(0);
	}
	for (int i = 0; i < cycles; i++) {
		ASSERT_EQ(0, reload(cycle_params(i, cycles)))
			TH_LOG("cycle %d", i);
		usleep(20 * 1000);
	}
	__atomic_store_n(&sh[0], 1, __ATOMIC_RELAXED);
	ASSERT_EQ(w, waitpid(w, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%d unloads, %lu writes tried, %lu accepted", cycles, sh[2],
	       sh[1]);
	EXPECT_LT(0, sh[2]);
	EXPECT_EQ(0, sh[1]);
	EXPECT_EQ(WAMP_MIN_WRITES_DEF, read_param("min_writes"));
	munmap(sh, 4096);
}

TEST_HARNESS_MAIN
