// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, the reader: wampstat on the live /proc/wamp (JSON,
 * interval rates, Prometheus checked by promtool).
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

static void wl_mixed(void *p)
{
	wl_all[WL_PWRITEV].fn(*(int *)p);
	wl_all[WL_WRITE].fn(*(int *)p);
	wl_all[WL_FSYNC].fn(*(int *)p);
}

/* wampstat --json -p PID reports exactly the known workload. */
TEST(wampstat_json_exact)
{
	char cmd[PATH_MAX + 128], out[8192], path[PATH_MAX], *row, *end;
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
	/*
	 * One row only: -p filters.  In the rows array: the cgroups array
	 * after it (1.4) has a row per cgroup, whichever tasks are shown.
	 */
	end = strstr(row, "}]");
	ASSERT_NE(NULL, end) TH_LOG("%s", out);
	*end = '\0';
	EXPECT_EQ(NULL, strstr(row, "},{")) TH_LOG("%s", row);
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
	pid = spawn(paced_writer, NULL, "wamp_paced");
	ASSERT_LT(0, pid);
	usleep(500 * 1000);
	snprintf(cmd, sizeof(cmd), "%s --json -p %d 1 3", wampstat_path(), pid);
	ASSERT_EQ(0, capture(cmd, out, sizeof(out)));
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *row = strstr(line, "\"rows\":[{");
		char *ivl = strstr(line, "\"interval\":");
		double secs, rate;

		ASSERT_NE(NULL, row) TH_LOG("%s", line);
		ASSERT_NE(NULL, ivl) TH_LOG("%s", line);
		secs = strtod(ivl + strlen("\"interval\":"), NULL);
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

TEST_HARNESS_MAIN
