// SPDX-License-Identifier: GPL-2.0
/*
 * The loops `make bench` times in a guest whose clock counts instructions
 * (QEMU -icount shift=0: one guest nanosecond per instruction), so every
 * figure it prints is guest instructions, not time.
 *
 *   wamp_bench write N          N x write(/dev/null, 1 byte)
 *   wamp_bench getpid N         N x getpid()
 *   wamp_bench tasks T N        N writes spread over T live tasks
 *   wamp_bench fsync48 DIR N    N x (write 48 bytes, fsync) on DIR's fs
 *   wamp_bench rows K           K tasks that wrote once and exited
 *   wamp_bench procread         read /proc/wamp whole; prints rows too
 *
 * Prints "<instructions per operation> <operations>".
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

static void report(unsigned long long ns, long ops)
{
	printf("%.2f %ld\n", (double)ns / ops, ops);
}

/*
 * N writes over T live tasks, timed one task at a time (the guest has one
 * CPU): every task first writes once, so that it holds a slot, and stops;
 * then each is continued in turn for its share of the loop and stops again.
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
			ns[i] = write_loop(fd, n / t);
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

static int fsync48(const char *dir, long n)
{
	char path[4096], buf[48];
	unsigned long long t0;
	int fd;

	snprintf(path, sizeof(path), "%s/bench.%d", dir, getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (fd < 0)
		return 1;
	memset(buf, 'a', sizeof(buf));
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		(void)!write(fd, buf, sizeof(buf));
		fsync(fd);
	}
	report(now_ns() - t0, n);
	close(fd);
	unlink(path);
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

/* The cheapest of 5 whole reads of /proc/wamp, and its number of lines. */
static int procread(void)
{
	static char buf[1 << 20];
	unsigned long long best = ~0ULL, t0, dt;
	long lines = 0;

	for (int r = 0; r < 5; r++) {
		int fd;
		ssize_t n;

		t0 = now_ns();
		fd = open("/proc/wamp", O_RDONLY);
		if (fd < 0)
			return 1;
		lines = 0;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < n; i++)
				lines += buf[i] == '\n';
		close(fd);
		dt = now_ns() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%llu %ld\n", best, lines);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[argc - 1]) : 0;

	if (argc < 2)
		return 2;
	if (!strcmp(argv[1], "write")) {
		report(write_loop(open("/dev/null", O_WRONLY), n), n);
	} else if (!strcmp(argv[1], "getpid")) {
		unsigned long long t0 = now_ns();

		for (long i = 0; i < n; i++)
			syscall(SYS_getpid);
		report(now_ns() - t0, n);
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
