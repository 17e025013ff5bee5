// SPDX-License-Identifier: GPL-2.0
/*
 * The loops `make bench` times in a guest whose clock counts instructions
 * (QEMU -icount shift=0: one guest nanosecond per instruction), so every
 * figure it prints is guest instructions, not time.
 *
 *   wamp_bench write N          N x write(/dev/null, 1 byte)
 *   wamp_bench getpid N         N x getpid()
 *   wamp_bench tasks T N        N writes spread over T live tasks
 *   wamp_bench fsync48 DIR N    N x (write 48 bytes, fsync) on DIR's fs:
 *                               the writer's own instructions (CPU time)
 *   wamp_bench rows K           K tasks that wrote once and exited
 *   wamp_bench procread         read /proc/wamp whole; prints rows too
 *
 * Prints "<instructions per operation> <operations>".
 *
 * write, getpid and each task's share of tasks time their loop
 * WAMP_BENCH_REPS times and keep the cheapest: whatever else the guest
 * runs (a kworker, a 9p reply) can only add instructions to a timed
 * window, never take any away.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static unsigned long long write_loop(int fd, long n)
{
	unsigned long long t0 = now_ns();
	char c = 'w';

	for (long i = 0; i < n; i++)
		(void)!write(fd, &c, 1);
	return now_ns() - t0;
}

#define WAMP_BENCH_REPS	5

static unsigned long long getpid_loop(long n)
{
	unsigned long long t0 = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	return now_ns() - t0;
}

/* The cheapest of WAMP_BENCH_REPS runs of a loop. */
static unsigned long long best_of(int fd, long n)
{
	unsigned long long best = ~0ULL, ns;

	for (int r = 0; r < WAMP_BENCH_REPS; r++) {
		ns = fd >= 0 ? write_loop(fd, n) : getpid_loop(n);
		if (ns < best)
			best = ns;
	}
	return best;
}

static void report(unsigned long long ns, long ops)
{
	printf("%.2f %ld\n", (double)ns / ops, ops);
}

/*
 * N writes over T live tasks, timed one task at a time (the guest has one
 * CPU): every task first writes once, so that it holds a slot, and stops;
 * then each is continued in turn for its share of the loop (the cheapest
 * of WAMP_BENCH_REPS runs of it) and stops again.
 */
static int tasks(long t, long n)
{
	unsigned long long *ns = mmap(NULL, sizeof(*ns) * t, PROT_READ |
				      PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				      -1, 0);
	pid_t *pids = calloc(t, sizeof(*pids));
	int fd = open("/dev/null", O_WRONLY), st;
	unsigned long long sum = 0;
	char c = 't';

	if (ns == MAP_FAILED || !pids || fd < 0)
		return 1;
	for (long i = 0; i < t; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			(void)!write(fd, &c, 1);
			raise(SIGSTOP);
			ns[i] = best_of(fd, n / t);
			raise(SIGSTOP);
			_exit(0);
		}
		if (waitpid(pids[i], &st, WUNTRACED) != pids[i])
			return 1;
	}
	for (long i = 0; i < t; i++) {
		kill(pids[i], SIGCONT);
		if (waitpid(pids[i], &st, WUNTRACED) != pids[i])
			return 1;
		sum += ns[i];
	}
	for (long i = 0; i < t; i++) {
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	report(sum, n / t * t);
	return 0;
}

static unsigned long long thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * N x (48-byte write, fsync) to a new file on DIR's file system, the
 * cheapest of WAMP_BENCH_REPS runs, each on a file of its own.  The
 * figure is the thread's CPU time, i.e. the instructions the writer runs
 * itself, in user space and in the kernel on its behalf (the syscalls,
 * wamp's probes, the block layer's submission): while it waits for the
 * disk the guest idles and its clock jumps ahead by what the host takes,
 * so the wall time (printed third) is not an instruction count.
 */
static int fsync48(const char *dir, long n)
{
	unsigned long long best = ~0ULL, best_wall = 0, c0, t0, dt;
	char path[4096], buf[48];
	int fd;

	memset(buf, 'a', sizeof(buf));
	for (int r = 0; r < WAMP_BENCH_REPS; r++) {
		snprintf(path, sizeof(path), "%s/bench.%d.%d", dir, getpid(),
			 r);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
		if (fd < 0)
			return 1;
		t0 = now_ns();
		c0 = thread_cpu_ns();
		for (long i = 0; i < n; i++) {
			(void)!write(fd, buf, sizeof(buf));
			fsync(fd);
		}
		dt = thread_cpu_ns() - c0;
		if (dt < best) {
			best = dt;
			best_wall = now_ns() - t0;
		}
		close(fd);
		unlink(path);
	}
	printf("%.2f %ld %.2f\n", (double)best / n, n, (double)best_wall / n);
	return 0;
}

static int rows(long k)
{
	int fd = open("/dev/null", O_WRONLY);
	char c = 'r';

	for (long i = 0; i < k; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			(void)!write(fd, &c, 1);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}

/*
 * The cheapest of 5 whole reads of /proc/wamp (open, read until EOF,
 * close: what the kernel spends producing it), and its number of lines,
 * counted outside the timed window.
 */
static int procread(void)
{
	static char buf[16 << 20];
	unsigned long long best = ~0ULL, t0, dt;
	size_t len = 0;
	long lines = 0;

	memset(buf, 0, sizeof(buf));	/* no page faults in the window */
	for (int r = 0; r < WAMP_BENCH_REPS; r++) {
		int fd;
		ssize_t n;

		len = 0;
		t0 = now_ns();
		fd = open("/proc/wamp", O_RDONLY);
		if (fd < 0)
			return 1;
		while ((n = read(fd, buf + len, sizeof(buf) - len)) > 0)
			len += n;
		close(fd);
		dt = now_ns() - t0;
		if (dt < best)
			best = dt;
	}
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	printf("%llu %ld\n", best, lines);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[argc - 1]) : 0;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "write")) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd < 0)
			return 1;
		report(best_of(fd, n), n);
	} else if (!strcmp(argv[1], "getpid")) {
		report(best_of(-1, n), n);
	} else if (!strcmp(argv[1], "tasks") && argc == 4) {
		return tasks(atol(argv[2]), n);
	} else if (!strcmp(argv[1], "fsync48") && argc == 4) {
		return fsync48(argv[2], n);
	} else if (!strcmp(argv[1], "rows")) {
		return rows(n);
	} else if (!strcmp(argv[1], "procread")) {
		return procread();
	} else {
		return 2;
	}
	return 0;
}
