// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, cgroups: a cgroup's row counts the syscalls of tasks
 * while they were in it, and the write bios the kernel charged to it,
 * exactly as its io.stat counts wbytes (buffered writes written back by
 * the flusher, O_DIRECT, a real container run by runc); the task rows name
 * each task's cgroup; a reader in a cgroup namespace sees its own subtree,
 * with paths from its root.  Workloads run in children moved into cgroups
 * of their own under /sys/fs/cgroup/wamp_t, on ext4 over virtio-blk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "checks.h"
#include "slow.h"

#define CGFS		"/sys/fs/cgroup"
#define TOP		"wamp_t"
#define KIB		1024ULL
#define MIB		(1024 * KIB)

static char vda_devt[32];	/* "254:0" */

static int put(const char *path, const char *s)
{
	return write_str(path, s, strlen(s));
}

/*
 * cgroup2 mounted (the guest has nothing mounted), with io and memory on
 * from the root down to TOP's children; 0, or -1 if this kernel cannot.
 */
static int cgroup2_setup(void)
{
	char ctl[256] = "";
	FILE *f;

	mkdir(CGFS, 0755);
	if (run("mountpoint -q " CGFS " || mount -t cgroup2 none " CGFS))
		return -1;
	f = fopen(CGFS "/cgroup.controllers", "r");
	if (!f || !fgets(ctl, sizeof(ctl), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	if (!strstr(ctl, "io") || !strstr(ctl, "memory"))
		return -1;
	mkdir(CGFS "/" TOP, 0755);
	if (put(CGFS "/cgroup.subtree_control", "+io +memory") ||
	    put(CGFS "/" TOP "/cgroup.subtree_control", "+io +memory"))
		return -1;
	f = fopen("/sys/block/vda/dev", "r");
	if (!f || !fgets(vda_devt, sizeof(vda_devt), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	vda_devt[strcspn(vda_devt, "\n")] = '\0';
	return 0;
}

static void cg_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, CGFS "/%s", rel);
}

/* CGFS/@rel, made (with io and memory for its children if @subtree). */
static int cg_make(const char *rel, bool subtree)
{
	char p[PATH_MAX], c[PATH_MAX + 32];

	cg_path(p, sizeof(p), rel);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -1;
	snprintf(c, sizeof(c), "%s/cgroup.subtree_control", p);
	return subtree ? put(c, "+io +memory") : 0;
}

/* The cgroup's id: its directory's inode number. */
static unsigned long long cg_id(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	cg_path(p, sizeof(p), rel);
	return stat(p, &st) ? 0 : st.st_ino;
}

static int cg_enter(const char *rel, pid_t pid)
{
	char p[PATH_MAX + 32], s[32];

	snprintf(p, sizeof(p), CGFS "/%s/cgroup.procs", rel);
	snprintf(s, sizeof(s), "%d", pid);
	return put(p, s);
}

/* io.stat's wbytes for vda in cgroup @rel (0 if it has no line for it). */
static long long io_wbytes(const char *rel)
{
	char p[PATH_MAX + 16], line[512], *w;
	long long v = 0;
	FILE *f;

	snprintf(p, sizeof(p), CGFS "/%s/io.stat", rel);
	f = fopen(p, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, vda_devt, strlen(vda_devt)) ||
		    line[strlen(vda_devt)] != ' ')
			continue;
		w = strstr(line, " wbytes=");
		if (w)
			v = strtoll(w + 8, NULL, 10);
	}
	fclose(f);
	return v;
}

/* Remove TOP and everything below it (tasks gone). */
static void cg_cleanup(void)
{
	run("find " CGFS "/" TOP " -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null");
}

/* The cgroup row of @id, or a zero row. */
static struct wampp_cg cg_row(const struct wampp_report *r,
			      unsigned long long id)
{
	const struct wampp_cg *c = wampp_find_cg(r, id);
	struct wampp_cg z = { .id = (long long)id };

	return c ? *c : z;
}

/* The sums of the task rows in cgroup @id. */
static struct wampp_row tasks_in(const struct wampp_report *r,
				 unsigned long long id)
{
	struct wampp_row s = { 0 };

	for (size_t i = 0; i < r->nrows; i++) {
		if (r->rows[i].cgroup != (long long)id)
			continue;
		for (int k = 0; k < WAMP_TC_NR; k++)
			s.tc[k] += r->rows[i].tc[k];
	}
	return s;
}

/* Run @fn(@arg) in a child placed in cgroup @rel before it starts. */
static pid_t spawn_in(const char *rel, void (*fn)(void *), void *arg,
		      const char *comm)
{
	int go[2];
	pid_t pid;
	char c;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		/* A read, not a counted syscall, while it is moved. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		prctl(PR_SET_NAME, comm);
		fn(arg);
		_exit(0);
	}
	close(go[0]);
	if (pid > 0 && cg_enter(rel, pid)) {
		reap(pid);
		pid = -1;
	}
	if (pid > 0 && write(go[1], "g", 1) != 1)
		pid = -1;
	close(go[1]);
	return pid;
}

static int wait_child(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ?
	       WEXITSTATUS(st) : -1;
}

struct dd_arg {
	char path[PATH_MAX];
	size_t bs;
	size_t count;
	bool direct;
};

static void dd(void *p)
{
	const struct dd_arg *a = p;
	int fd = open(a->path, O_WRONLY | O_CREAT | O_TRUNC |
		      (a->direct ? O_DIRECT : 0), 0644);
	void *buf;

	if (fd < 0 || posix_memalign(&buf, 4096, a->bs))
		_exit(1);
	memset(buf, 'c', a->bs);
	for (size_t i = 0; i < a->count; i++)
		if (write(fd, buf, a->bs) != (ssize_t)a->bs)
			_exit(1);
	close(fd);
}

FIXTURE(cgv2) {
};

FIXTURE_SETUP(cgv2)
{
	if (cgroup2_setup())
		SKIP(return, "no cgroup2 with io and memory here");
	cg_cleanup();
}

FIXTURE_TEARDOWN(cgv2)
{
	flusher_default();
	cg_cleanup();
	/* A test that reloaded wamp with other parameters, failed or not. */
	if (read_param("cgroup_table_size") != WAMP_CG_SIZE_DEF)
		reload("");
}

/* ------------------------------------------------------------------ */

/*
 * Buffered writes in one cgroup, written back by the flusher, and
 * O_DIRECT writes in another: each cgroup's blk_bytes is its io.stat
 * wbytes, exactly, and holds the data it wrote.
 */
TEST_F_TIMEOUT(cgv2, flusher_and_odirect_match_io_stat, 300)
{
	struct dd_arg buffered = { .bs = 64 * KIB, .count = 128 };
	struct dd_arg direct = { .bs = 64 * KIB, .count = 64, .direct = true };
	struct blkstat st;
	struct wampp_report r;
	struct wampp_cg w, d;
	pid_t a, b;

	ASSERT_EQ(0, cg_make(TOP "/buffered", false));
	ASSERT_EQ(0, cg_make(TOP "/direct", false));
	snprintf(buffered.path, sizeof(buffered.path), "%s/cg_buffered", mnt());
	snprintf(direct.path, sizeof(direct.path), "%s/cg_direct", mnt());
	flusher_off();
	ASSERT_EQ(0, reset_quiet("vda", &st));
	a = spawn_in(TOP "/buffered", dd, &buffered, "cg_buffered");
	b = spawn_in(TOP "/direct", dd, &direct, "cg_direct");
	ASSERT_EQ(0, wait_child(a));
	ASSERT_EQ(0, wait_child(b));
	flusher_now();
	ASSERT_EQ(0, wait_clean());
	flusher_off();
	ASSERT_EQ(0, read_quiet(&r, "vda", &st));
	w = cg_row(&r, cg_id(TOP "/buffered"));
	d = cg_row(&r, cg_id(TOP "/direct"));
	EXPECT_STREQ(WAMP_IO_V2, r.cg_io);
	EXPECT_EQ(io_wbytes(TOP "/buffered"), (long long)w.blk_bytes);
	EXPECT_EQ(io_wbytes(TOP "/direct"), (long long)d.blk_bytes);
	EXPECT_LE(buffered.bs * buffered.count, w.blk_bytes);
	EXPECT_EQ(direct.bs * direct.count, d.blk_bytes);
	EXPECT_EQ(buffered.count, w.writes);
	EXPECT_EQ(buffered.bs * buffered.count, w.write_bytes);
	EXPECT_EQ(direct.count, d.writes);
	EXPECT_STREQ("/" TOP "/buffered", w.upath);
	TH_LOG("buffered %llu (io.stat %lld), direct %llu (io.stat %lld)",
	       w.blk_bytes, io_wbytes(TOP "/buffered"), d.blk_bytes,
	       io_wbytes(TOP "/direct"));
	wampp_free(&r);
	unlink(buffered.path);
	unlink(direct.path);
}

/*
 * The cgroup rows and (other) add up to the first line's totals, for
 * every counter a cgroup has.
 */
TEST_F_TIMEOUT(cgv2, rows_add_up_to_totals, 120)
{
	struct dd_arg a = { .bs = 4 * KIB, .count = 256 };
	unsigned long long sum[WAMP_TC_NR] = { 0 };
	struct blkstat st;
	struct wampp_report r;
	pid_t p;

	ASSERT_EQ(0, cg_make(TOP "/sum", false));
	snprintf(a.path, sizeof(a.path), "%s/cg_sum", mnt());
	ASSERT_EQ(0, reset_quiet("vda", &st));
	p = spawn_in(TOP "/sum", dd, &a, "cg_sum");
	ASSERT_EQ(0, wait_child(p));
	sync();
	ASSERT_EQ(0, read_quiet(&r, "vda", &st));
	ASSERT_TRUE(r.has_cgroups);
	ASSERT_TRUE(r.has_cg_other);
	for (size_t i = 0; i <= r.ncgs; i++) {
		const struct wampp_cg *c = i < r.ncgs ? &r.cgs[i] : &r.cg_other;

		for (int k = 0; k < WAMP_CG_NR; k++)
			sum[k] += c->tc[k];
	}
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_WRITES, NULL), sum[WAMP_TC_writes]);
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_WRITE_BYTES, NULL),
		  sum[WAMP_TC_write_bytes]);
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_SYNCS, NULL), sum[WAMP_TC_syncs]);
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_BLK_REQS, NULL), sum[WAMP_TC_blk_reqs]);
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_BLK_BYTES, NULL),
		  sum[WAMP_TC_blk_bytes]);
	EXPECT_EQ(a.count, cg_row(&r, cg_id(TOP "/sum")).writes);
	wampp_free(&r);
	unlink(a.path);
}

/*
 * Nested cgroups: a parent's io.stat counts its subtree, which is the sum
 * of its own row and its children's.
 */
TEST_F_TIMEOUT(cgv2, parent_io_stat_is_subtree_sum, 300)
{
	struct dd_arg a = { .bs = 16 * KIB, .count = 64, .direct = true };
	struct dd_arg b = { .bs = 4 * KIB, .count = 512 };
	unsigned long long sum;
	struct blkstat st;
	struct wampp_report r;
	pid_t x, y;

	ASSERT_EQ(0, cg_make(TOP "/p", true));
	ASSERT_EQ(0, cg_make(TOP "/p/a", false));
	ASSERT_EQ(0, cg_make(TOP "/p/b", false));
	snprintf(a.path, sizeof(a.path), "%s/cg_pa", mnt());
	snprintf(b.path, sizeof(b.path), "%s/cg_pb", mnt());
	ASSERT_EQ(0, reset_quiet("vda", &st));
	x = spawn_in(TOP "/p/a", dd, &a, "cg_pa");
	y = spawn_in(TOP "/p/b", dd, &b, "cg_pb");
	ASSERT_EQ(0, wait_child(x));
	ASSERT_EQ(0, wait_child(y));
	flusher_now();
	ASSERT_EQ(0, wait_clean());
	flusher_off();
	ASSERT_EQ(0, read_quiet(&r, "vda", &st));
	sum = cg_row(&r, cg_id(TOP "/p")).blk_bytes +
	      cg_row(&r, cg_id(TOP "/p/a")).blk_bytes +
	      cg_row(&r, cg_id(TOP "/p/b")).blk_bytes;
	EXPECT_EQ(io_wbytes(TOP "/p"), (long long)sum);
	EXPECT_EQ(io_wbytes(TOP "/p/a"),
		  (long long)cg_row(&r, cg_id(TOP "/p/a")).blk_bytes);
	EXPECT_EQ(io_wbytes(TOP "/p/b"),
		  (long long)cg_row(&r, cg_id(TOP "/p/b")).blk_bytes);
	EXPECT_LE(a.bs * a.count + b.bs * b.count, sum);
	TH_LOG("p's io.stat %lld = %llu summed", io_wbytes(TOP "/p"), sum);
	wampp_free(&r);
	unlink(a.path);
	unlink(b.path);
}

/* ------------------------------------------------------------------ */

#define MOVE_N1		37
#define MOVE_N2		53
#define MOVE_BS		100

/* Writes and one sync, stop (to be moved), the same again, exit. */
static void write_move_write(void *p)
{
	char buf[MOVE_BS] = { 0 };
	int fd = open("/dev/null", O_WRONLY);

	for (int i = 0; i < MOVE_N1; i++)
		(void)!write(fd, buf, sizeof(buf));
	(void)!fsync(fd);
	raise(SIGSTOP);
	for (int i = 0; i < MOVE_N2; i++)
		(void)!write(fd, buf, sizeof(buf));
	(void)!fsync(fd);
	close(fd);
}

/* cgroup.stat's nr_dying_descendants of @rel, or -1. */
static long long cg_dying(const char *rel)
{
	char p[PATH_MAX + 16], line[128];
	long long v = -1;
	FILE *f;

	snprintf(p, sizeof(p), CGFS "/%s/cgroup.stat", rel);
	f = fopen(p, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "nr_dying_descendants ", 21))
			v = strtoll(line + 21, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/*
 * A task moved between cgroups while it runs: each syscall is counted
 * where the task was when it made it; its row names the cgroup it is in
 * (live), and the one of its last syscall once it has exited.  The first
 * cgroup, removed, keeps its row, flagged REMOVED, until a reset, which
 * drops wamp's reference: the cgroup is freed (no controller in these
 * two, so nothing else holds it once its task is gone).
 */
TEST_F_TIMEOUT(cgv2, moved_task_counts_where_it_was, 120)
{
	unsigned long long a, b;
	const struct wampp_row *row;
	struct wampp_report r;
	struct wampp_cg ra, rb;
	long long dying = -1;
	int st;
	pid_t p;

	ASSERT_EQ(0, cg_make(TOP "/mv", false));
	ASSERT_EQ(0, cg_make(TOP "/mv/from", false));
	ASSERT_EQ(0, cg_make(TOP "/mv/to", false));
	a = cg_id(TOP "/mv/from");
	b = cg_id(TOP "/mv/to");
	ASSERT_EQ(0, control("reset"));
	p = spawn_in(TOP "/mv/from", write_move_write, NULL, "cg_mover");
	ASSERT_EQ(p, waitpid(p, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, p);
	ASSERT_NE(NULL, row);
	EXPECT_EQ((long long)a, row->cgroup);
	wampp_free(&r);
	ASSERT_EQ(0, cg_enter(TOP "/mv/to", p));
	/* Live: the cgroup it is in now, before any syscall there. */
	ASSERT_EQ(0, read_report(&r));
	row = wampp_find(&r, p);
	ASSERT_NE(NULL, row);
	EXPECT_EQ((long long)b, row->cgroup);
	wampp_free(&r);
	kill(p, SIGCONT);
	ASSERT_EQ(0, wait_child(p));
	ASSERT_EQ(0, run("rmdir " CGFS "/" TOP "/mv/from"));
	ASSERT_EQ(0, read_report(&r));
	ra = cg_row(&r, a);
	rb = cg_row(&r, b);
	EXPECT_EQ(MOVE_N1, ra.writes);
	EXPECT_EQ(MOVE_N1 * MOVE_BS, ra.write_bytes);
	EXPECT_EQ(1, ra.syncs);
	EXPECT_EQ(MOVE_N2, rb.writes);
	EXPECT_EQ(MOVE_N2 * MOVE_BS, rb.write_bytes);
	EXPECT_EQ(1, rb.syncs);
	EXPECT_TRUE(ra.flags & WAMP_F_REMOVED);
	EXPECT_FALSE(rb.flags & WAMP_F_REMOVED);
	EXPECT_STREQ("/" TOP "/mv/from", ra.upath);
	row = wampp_find(&r, p);
	ASSERT_NE(NULL, row);
	EXPECT_TRUE(row->flags & WAMP_F_EXITED);
	EXPECT_EQ((long long)b, row->cgroup);
	EXPECT_EQ(MOVE_N1 + MOVE_N2, row->writes);
	wampp_free(&r);
	/* Pinned by wamp's entries, as long as the rows are there. */
	EXPECT_LE(1, cg_dying(TOP "/mv"));
	ASSERT_EQ(0, control("reset"));
	ASSERT_EQ(0, read_report(&r));
	EXPECT_EQ(NULL, wampp_find_cg(&r, a));
	wampp_free(&r);
	for (int i = 0; i < 100 && dying; i++) {
		dying = cg_dying(TOP "/mv");
		usleep(50 * 1000);
	}
	EXPECT_EQ(0, dying);
}

#define RC_DEAD		40
#define RC_NEW		6	/* with the root's, fewer live ones than a window */

static void three_writes(void *p)
{
	char buf[10] = { 0 };
	int fd = open("/dev/null", O_WRONLY);

	for (int i = 0; i < 3; i++)
		(void)!write(fd, buf, sizeof(buf));
	close(fd);
}

/*
 * Entries of removed cgroups are taken over when a new cgroup finds its
 * window full (cgroup_table_size=16: 16 entries per CPU, windows of 8):
 * after 40 cgroups came and went, 6 new ones each get their row, exact,
 * with no overflow, taking entries over; the rows still add up to the
 * totals; the drain work drops the references of the entries taken over
 * (the cgroups that are still dying are those whose rows are still
 * there), and a reset the rest.  All on CPU 0, so that each cgroup has
 * one entry and the counts are the same every run.
 */
TEST_F_TIMEOUT(cgv2, removed_cgroups_entries_are_reclaimed, 300)
{
	unsigned long long sum = 0, removed_rows = 0, before;
	cpu_set_t cpu0, all;
	struct wampp_report r;
	char rel[64];
	long long dying = -1;
	pid_t p;

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set: cannot reload");
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, reload("cgroup_table_size=16"));
	ASSERT_EQ(0, cg_make(TOP "/rc", false));
	for (int i = 0; i < RC_DEAD; i++) {
		snprintf(rel, sizeof(rel), TOP "/rc/d%d", i);
		ASSERT_EQ(0, cg_make(rel, false));
		p = spawn_in(rel, three_writes, NULL, "cg_dead");
		ASSERT_EQ(0, wait_child(p));
		snprintf(rel, sizeof(rel), CGFS "/" TOP "/rc/d%d", i);
		ASSERT_EQ(0, rmdir(rel));
	}
	ASSERT_EQ(0, read_report(&r));
	before = wampp_cg_key(&r, WAMP_KEY_RECLAIMED, NULL);
	EXPECT_LT(0, before);
	wampp_free(&r);
	for (int i = 0; i < RC_NEW; i++) {
		snprintf(rel, sizeof(rel), TOP "/rc/n%d", i);
		ASSERT_EQ(0, cg_make(rel, false));
		p = spawn_in(rel, three_writes, NULL, "cg_new");
		ASSERT_EQ(0, wait_child(p));
	}
	ASSERT_EQ(0, read_report(&r));
	EXPECT_EQ(0, wampp_cg_key(&r, WAMP_KEY_OVERFLOW, NULL));
	EXPECT_LT(before, wampp_cg_key(&r, WAMP_KEY_RECLAIMED, NULL));
	for (int i = 0; i < RC_NEW; i++) {
		snprintf(rel, sizeof(rel), TOP "/rc/n%d", i);
		EXPECT_EQ(3, cg_row(&r, cg_id(rel)).writes) TH_LOG("%s", rel);
	}
	for (size_t i = 0; i <= r.ncgs; i++) {
		const struct wampp_cg *c = i < r.ncgs ? &r.cgs[i] : &r.cg_other;

		sum += c->writes;
		if (i < r.ncgs && (c->flags & WAMP_F_REMOVED) &&
		    !strncmp(c->upath, "/" TOP "/rc/d", strlen(TOP) + 6))
			removed_rows++;
	}
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_WRITES, NULL), sum);
	EXPECT_GT(RC_DEAD, removed_rows);
	TH_LOG("reclaimed %llu entries; %llu removed cgroups keep their rows",
	       wampp_cg_key(&r, WAMP_KEY_RECLAIMED, NULL), removed_rows);
	wampp_free(&r);
	/* The drain work runs every 5 s. */
	for (int i = 0; i < 300 && dying != (long long)removed_rows; i++) {
		dying = cg_dying(TOP "/rc");
		usleep(50 * 1000);
	}
	EXPECT_EQ((long long)removed_rows, dying);
	ASSERT_EQ(0, control("reset"));
	for (int i = 0; i < 100 && dying; i++) {
		dying = cg_dying(TOP "/rc");
		usleep(50 * 1000);
	}
	EXPECT_EQ(0, dying);
	EXPECT_EQ(0, sched_setaffinity(0, sizeof(all), &all));
}

/* ------------------------------------------------------------------ */

#define NS_BUF	(1024 * 1024)

struct ns_arg {
	char *buf;
	int in[2];
};

/*
 * In its cgroup: (@ns) a cgroup namespace rooted there, a few writes (its
 * row), then, as nobody, the whole report into @buf.
 */
static void reader_as_nobody(struct ns_arg *a, bool ns)
{
	char c = 0;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (ns && unshare(CLONE_NEWCGROUP))
		_exit(10);
	fd = open("/dev/null", O_WRONLY);
	for (int i = 0; i < 10; i++)
		(void)!write(fd, &c, 1);
	close(fd);
	if (setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		_exit(11);
	fd = open(WAMP_PROC_PATH, O_RDONLY);
	if (fd < 0)
		_exit(12);
	while (got < NS_BUF - 1 &&
	       (n = read(fd, a->buf + got, NS_BUF - 1 - got)) > 0)
		got += n;
	_exit(n < 0 ? 13 : 0);
}

static void ns_reader(void *p)
{
	reader_as_nobody(p, true);
}

static void plain_reader(void *p)
{
	reader_as_nobody(p, false);
}

static void ns_sub_writer(void *p)
{
	char c = 0;
	int fd = open("/dev/null", O_WRONLY);

	for (int i = 0; i < 5; i++)
		(void)!write(fd, &c, 1);
	close(fd);
}

/*
 * A reader without privilege sees the rows of its own cgroup and below,
 * with paths from its cgroup namespace's root ("/" in a namespace rooted
 * there), and no other cgroup: not the root's, not a sibling's, whose
 * io.stat it could read but whose syscall counts are its owner's; a
 * privileged reader sees them all.
 */
TEST_F_TIMEOUT(cgv2, nobody_in_cgroup_ns_sees_own_subtree, 120)
{
	struct ns_arg a;
	struct wampp_report r;
	char err[256];
	unsigned long long ns_id, sub_id, sib_id;
	pid_t p;

	ASSERT_EQ(0, cg_make(TOP "/ns", true));
	ASSERT_EQ(0, cg_make(TOP "/ns/sub", false));
	ASSERT_EQ(0, cg_make(TOP "/sibling", false));
	ns_id = cg_id(TOP "/ns");
	sub_id = cg_id(TOP "/ns/sub");
	sib_id = cg_id(TOP "/sibling");
	a.buf = shared_buf(NS_BUF);
	ASSERT_NE(NULL, a.buf);
	ASSERT_EQ(0, control("reset"));
	/* ns has a child: its tasks live below it; the reader in sub. */
	p = spawn_in(TOP "/sibling", ns_sub_writer, NULL, "cg_sibling");
	ASSERT_EQ(0, wait_child(p));
	p = spawn_in(TOP "/ns/sub", ns_reader, &a, "cg_nsreader");
	ASSERT_EQ(0, wait_child(p));
	ASSERT_EQ(0, wampp_parse(a.buf, &r, err, sizeof(err))) TH_LOG("%s", err);
	/* Rooted at sub: sub is "/", and nothing else is in its subtree. */
	ASSERT_EQ(1, r.ncgs);
	EXPECT_EQ((long long)sub_id, r.cgs[0].id);
	EXPECT_STREQ("/", r.cgs[0].upath);
	EXPECT_EQ(10, r.cgs[0].writes);
	EXPECT_EQ(NULL, wampp_find_cg(&r, sib_id));
	EXPECT_EQ(NULL, wampp_find_cg(&r, 1));
	wampp_free(&r);
	/* No namespace: its own cgroup, by its full path, and no other. */
	memset(a.buf, 0, NS_BUF);
	p = spawn_in(TOP "/ns/sub", plain_reader, &a, "cg_reader");
	ASSERT_EQ(0, wait_child(p));
	ASSERT_EQ(0, wampp_parse(a.buf, &r, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(1, r.ncgs);
	EXPECT_EQ((long long)sub_id, r.cgs[0].id);
	EXPECT_STREQ("/" TOP "/ns/sub", r.cgs[0].upath);
	EXPECT_EQ(20, r.cgs[0].writes);
	EXPECT_EQ(NULL, wampp_find_cg(&r, sib_id));
	EXPECT_EQ(NULL, wampp_find_cg(&r, 1));
	wampp_free(&r);
	/* As root: all of them, from the init namespace's root. */
	ASSERT_EQ(0, read_report(&r));
	ASSERT_NE(NULL, wampp_find_cg(&r, sib_id));
	EXPECT_STREQ("/" TOP "/sibling", wampp_find_cg(&r, sib_id)->upath);
	EXPECT_EQ(5, wampp_find_cg(&r, sib_id)->writes);
	EXPECT_EQ(NULL, wampp_find_cg(&r, ns_id));
	wampp_free(&r);
	munmap(a.buf, NS_BUF);
}

/* ------------------------------------------------------------------ */

#define CID	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define RUNC	"runc --root /tmp/wamp_runc"
#define ROOTFS	"/tmp/wamp_rootfs"
#define BUNDLE	"/tmp/wamp_bundle"
#define RPORT	"6397"

/*
 * An OCI bundle whose rootfs is a bind mount of / (pivot_root refuses /
 * itself), in docker's cgroupfs layout (/docker/<id>), keeping the host's
 * network namespace (so /sys is bound, not mounted), with the ext4 disk
 * at /mnt; running redis with appendfsync always.
 */
static int runc_bundle(void)
{
	char cfg[4096];
	FILE *f;

	mkdir(ROOTFS, 0755);
	mkdir(BUNDLE, 0755);
	if (run("mountpoint -q " ROOTFS " || mount --bind / " ROOTFS))
		return -1;
	snprintf(cfg, sizeof(cfg),
		 "{\"ociVersion\": \"1.0.2\",\n"
		 " \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},\n"
		 "  \"args\": [\"redis-server\", \"--port\", \"" RPORT "\",\n"
		 "   \"--dir\", \"/mnt/wamp_redis_c\", \"--appendonly\", \"yes\",\n"
		 "   \"--appendfsync\", \"always\", \"--save\", \"\"],\n"
		 "  \"env\": [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"], \"cwd\": \"/\"},\n"
		 " \"root\": {\"path\": \"" ROOTFS "\", \"readonly\": true},\n"
		 " \"hostname\": \"wamp\",\n"
		 " \"mounts\": [\n"
		 "  {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
		 "  {\"destination\": \"/dev\", \"type\": \"bind\", \"source\": \"/dev\", \"options\": [\"rbind\"]},\n"
		 "  {\"destination\": \"/sys\", \"type\": \"bind\", \"source\": \"/sys\", \"options\": [\"rbind\"]},\n"
		 "  {\"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"},\n"
		 "  {\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"%s\", \"options\": [\"rbind\"]}],\n"
		 " \"linux\": {\"cgroupsPath\": \"/docker/" CID "\",\n"
		 "  \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]}}\n",
		 mnt());
	f = fopen(BUNDLE "/config.json", "w");
	if (!f)
		return -1;
	fputs(cfg, f);
	return fclose(f);
}

static void runc_cleanup(void)
{
	run(RUNC " kill " CID " KILL >/dev/null 2>&1");
	usleep(200 * 1000);
	run(RUNC " delete -f " CID " >/dev/null 2>&1");
	run("umount " ROOTFS " 2>/dev/null");
	run("rmdir " CGFS "/docker 2>/dev/null");
}

/*
 * The container: redis with appendfsync always, run by runc in
 * /docker/<id>.  The container's row: blk_bytes is the cgroup's io.stat
 * wbytes on the disk, exactly; writes and syncs are its tasks' rows
 * summed; wampstat -c names it docker, with its short id.
 */
TEST_F_TIMEOUT(cgv2, runc_docker_redis_matches_io_stat, 600)
{
	struct wampp_report r;
	struct wampp_row tasks;
	struct wampp_cg c;
	struct blkstat st;
	char cmd[PATH_MAX * 2], out[16384];
	unsigned long long id = 0;
	long long io0;

	if (light())
		SKIP(return, "WAMP_LIGHT: a long run, covered by check-kernels");
	if (run("command -v runc >/dev/null && command -v redis-server >/dev/null") ||
	    run("command -v redis-benchmark >/dev/null"))
		SKIP(return, "runc or redis not installed");
	run("ip link set lo up");
	runc_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf %s/wamp_redis_c && mkdir %s/wamp_redis_c",
		 mnt(), mnt());
	ASSERT_EQ(0, run(cmd));
	ASSERT_EQ(0, runc_bundle());
	ASSERT_EQ(0, run(RUNC " run -d -b " BUNDLE " " CID
			 " </dev/null >/tmp/wamp_runc.log 2>&1"))
		TH_LOG("runc failed: see /tmp/wamp_runc.log");
	for (int i = 0; i < 100; i++) {
		if (!run("redis-cli -p " RPORT " ping >/dev/null 2>&1"))
			break;
		usleep(200 * 1000);
	}
	ASSERT_EQ(0, run("redis-cli -p " RPORT " ping >/dev/null 2>&1"));
	id = cg_id("docker/" CID);
	ASSERT_NE(0, id);
	ASSERT_EQ(0, reset_quiet("vda", &st));
	/* io.stat counts from the cgroup's birth: take it before and after. */
	io0 = io_wbytes("docker/" CID);

	EXPECT_EQ(0, run("redis-benchmark -p " RPORT
			 " -t set -n 1000 -c 1 -d 16 -q >/dev/null 2>&1"));
	EXPECT_EQ(0, read_quiet(&r, "vda", &st));
	c = cg_row(&r, id);
	tasks = tasks_in(&r, id);
	EXPECT_EQ(io_wbytes("docker/" CID) - io0, (long long)c.blk_bytes);
	EXPECT_LT(1000 * 16, c.blk_bytes);
	EXPECT_EQ(tasks.writes, c.writes);
	EXPECT_EQ(tasks.syncs, c.syncs);
	EXPECT_LE(1000, c.syncs);
	EXPECT_STREQ("/docker/" CID, c.upath);
	TH_LOG("container: writes %llu syncs %llu blk_bytes %llu (io.stat +%lld);",
	       c.writes, c.syncs, c.blk_bytes, io_wbytes("docker/" CID) - io0);
	TH_LOG("its tasks: blk_bytes %llu (journal %llu)", tasks.blk_bytes,
	       tasks.jrnl_bytes);
	wampp_free(&r);
	snprintf(cmd, sizeof(cmd), "%s -c", wampstat_path());
	ASSERT_EQ(0, capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "docker")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "0123456789ab")) TH_LOG("%s", out);
	runc_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf %s/wamp_redis_c", mnt());
	run(cmd);
}

/* ------------------------------------------------------------------ */

/* Last: it moves the io controller away and back. */
#define V1	"/tmp/wamp_blkio"

/*
 * The io controller bound to a v1 hierarchy (cgroup v1 or hybrid hosts):
 * the section says io=v1, the syscalls still count per v2 cgroup, the
 * bios (whose blkcg is a v1 cgroup) in (other), and the rows and (other)
 * still add up to the totals.  Nothing else changes.
 */
TEST_F_TIMEOUT(cgv2, io_on_v1_says_so, 120)
{
	struct dd_arg a = { .bs = 64 * KIB, .count = 16, .direct = true };
	unsigned long long blk = 0;
	struct blkstat st;
	struct wampp_report r;
	pid_t p;

	ASSERT_EQ(0, cg_make(TOP "/v1", false));
	/* io leaves the unified hierarchy once no cgroup enables it. */
	put(CGFS "/" TOP "/cgroup.subtree_control", "-io");
	put(CGFS "/cgroup.subtree_control", "-io");
	mkdir(V1, 0755);
	if (run("mount -t cgroup -o blkio none " V1 " 2>/dev/null")) {
		put(CGFS "/cgroup.subtree_control", "+io");
		SKIP(return, "no v1 blkio hierarchy on this kernel");
	}
	snprintf(a.path, sizeof(a.path), "%s/cg_v1", mnt());
	ASSERT_EQ(0, reset_quiet("vda", &st));
	p = spawn_in(TOP "/v1", dd, &a, "cg_v1");
	EXPECT_EQ(0, wait_child(p));
	EXPECT_EQ(0, read_quiet(&r, "vda", &st));
	EXPECT_STREQ(WAMP_IO_V1, r.cg_io);
	for (size_t i = 0; i < r.ncgs; i++)
		blk += r.cgs[i].blk_bytes;
	EXPECT_EQ(0, blk);
	EXPECT_EQ(wampp_key(&r, WAMP_KEY_BLK_BYTES, NULL),
		  r.cg_other.blk_bytes);
	EXPECT_LE(a.bs * a.count, r.cg_other.blk_bytes);
	EXPECT_EQ(a.count, cg_row(&r, cg_id(TOP "/v1")).writes);
	wampp_free(&r);
	run("umount " V1);
	rmdir(V1);
	/* The v1 hierarchy goes away after the umount, asynchronously. */
	for (int i = 0; i < 100 && put(CGFS "/cgroup.subtree_control", "+io"); i++)
		usleep(50 * 1000);
	EXPECT_EQ(0, put(CGFS "/cgroup.subtree_control", "+io"));
	ASSERT_EQ(0, read_report(&r));
	EXPECT_STREQ(WAMP_IO_V2, r.cg_io);
	wampp_free(&r);
	unlink(a.path);
}

TEST_HARNESS_MAIN
