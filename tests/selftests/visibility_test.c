// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, visibility: which rows a reader sees by uid and by pid
 * namespace, by the task's credentials now and by its last exec.
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
	struct wampp_report r;
	const struct wampp_row *row;
	pid_t mine, gone, roots;
	unsigned long long total;

	mine = spawn_stopped(as_nobody_write77, NULL, "wamp_nobody");
	ASSERT_LT(0, mine);
	gone = spawn(as_nobody_write77, NULL, "wamp_nobody2");
	ASSERT_LT(0, gone);
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));
	roots = spawn_stopped(as_root_write55, NULL, "wamp_rootw");
	ASSERT_LT(0, roots);

	/* An ordinary user: its two tasks, nobody else's; all the totals. */
	ASSERT_EQ(0, read_report_as(NOBODY, false, &r));
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
	ASSERT_EQ(0, read_report_as(0, true, &r));
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
	EXPECT_EQ(-EACCES, read_report_as(NOBODY, false, &r));
	EXPECT_EQ(-EACCES, read_report_as(0, true, &r));
	ASSERT_EQ(0, read_report(&r));
	EXPECT_NE(NULL, wampp_find(&r, mine));
	wampp_free(&r);
	ASSERT_EQ(0, write_str(PARAMS "root_only", "0", 1));
	EXPECT_EQ(0, read_report_as(NOBODY, false, &r));
	wampp_free(&r);
	reap(mine);
	reap(roots);
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

/* --------------- a task's name and uid as they are now --------------- */

static void root_then_nobody(void *p)
{
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	for (int i = 0; i < 4; i++)
		(void)!write(fd, "pid\n", 4);	/* a pid file, as root */
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(1);
	for (int i = 0; i < 6; i++)
		(void)!write(fd, "served", 6);
	close(fd);
}

/*
 * A daemon that writes as root, then drops to its service user: while it
 * runs, its row is that user's, judged by its credentials at the read
 * (/proc/PID/io's rule on credentials), with every count it made.  Once
 * it has exited it is judged by what it was at its last exec: still
 * root's here, since it never exec'd as nobody.
 */
TEST(dropped_privileges_seen_by_new_uid)
{
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;

	pid = spawn_stopped(root_then_nobody, NULL, "wamp_daemon");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_report_as(NOBODY, false, &r));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row) TH_LOG("nobody does not see its daemon");
	EXPECT_EQ(10, row->writes);
	EXPECT_EQ(4 * 4 + 6 * 6, row->write_bytes);
	EXPECT_STREQ("wamp_daemon", row->comm);
	wampp_free(&r);
	/* uid 0 without CAP_SYS_ADMIN no longer does. */
	ASSERT_EQ(0, read_report_as(0, true, &r));
	EXPECT_EQ(NULL, wampp_find(&r, pid));
	wampp_free(&r);
	reap(pid);
	ASSERT_EQ(0, read_report_as(NOBODY, false, &r));
	EXPECT_EQ(NULL, wampp_find(&r, pid));
	wampp_free(&r);
}

/* Named @comm, write 3 bytes 5 times: what a wrapper does before exec. */
static void five_writes(const char *comm)
{
	int fd = open("/dev/null", O_WRONLY);

	prctl(PR_SET_NAME, comm);
	for (int i = 0; i < 5; i++)
		(void)!write(fd, "123", 3);
	close(fd);
}

/*
 * The wrapper shape (sh -c 'echo $$ > pidfile; exec prog') and a
 * container's init (runc:[2:INIT] exec'ing the service): the row of a
 * task that writes, then execs, carries the name of the program it exec'd
 * to, live and after it exited, with every count it made; and the uid it
 * exec'd with, here nobody's.
 */
TEST(exec_renames_row)
{
	const struct wampp_row *row;
	struct wampp_report r;
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		five_writes("wamp_wrapper");
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(1);
		/* Stops before its first write as sh: only exec renamed it. */
		execl("/bin/sh", "sh", "-c",
		      "kill -STOP $$; echo x > /dev/null", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	row = read_row(_metadata, &r, pid);
	EXPECT_STREQ("sh", row->comm);
	EXPECT_EQ(5, row->writes);
	EXPECT_FALSE(row->flags & WAMP_F_EXITED);
	wampp_free(&r);
	kill(pid, SIGCONT);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	row = read_row(_metadata, &r, pid);
	EXPECT_STREQ("sh", row->comm);
	EXPECT_EQ(6, row->writes);
	EXPECT_EQ(5 * 3 + 2, row->write_bytes);
	EXPECT_TRUE(row->flags & WAMP_F_EXITED);
	wampp_free(&r);
	/* Exited: judged by its last exec, which was nobody's. */
	ASSERT_EQ(0, read_report_as(NOBODY, false, &r));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_STREQ("sh", row->comm);
	wampp_free(&r);

	/* And an exited one that wrote after its exec: dd's own writes. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		five_writes("wamp_pre_dd");
		execl("/bin/dd", "dd", "if=/dev/zero", "of=/dev/null", "bs=7",
		      "count=33", "status=none", (char *)NULL);
		_exit(127);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	row = read_row(_metadata, &r, pid);
	EXPECT_STREQ("dd", row->comm);
	EXPECT_EQ(5 + 33, row->writes);
	EXPECT_EQ(5 * 3 + 33 * 7, row->write_bytes);
	wampp_free(&r);
}

TEST_HARNESS_MAIN
