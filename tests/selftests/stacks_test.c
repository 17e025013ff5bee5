// SPDX-License-Identifier: GPL-2.0
/*
 * wamp selftests, the two views of format 1.5: the write-size histogram
 * of each task (the sizes section of /proc/wamp), checked bucket by bucket
 * against bpftrace's hist(); and the kernel stacks that sent a task's
 * bytes to disk (debugfs wamp/stacks), with their I/O classes, checked
 * against perf's call graphs of block:block_getrq in the same guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "checks.h"
#include "slow.h"

#define MIB		(1024 * 1024ULL)
#define STACKS		DEBUGFS_DIR "/stacks"
#define SMALL_WRITES	1000
#define SMALL_SIZE	40
#define BIG_WRITES	10
#define FSYNCS		100
#define MAX_FRAMES	64

/* A task's row of the sizes section: its buckets, or false if none. */
static bool read_sizes(pid_t pid, unsigned long long *b)
{
	char line[1024], comm[64];
	bool in = false, found = false;
	long long p, t;
	int n, off;
	FILE *f = fopen(WAMP_PROC_PATH, "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, WAMP_SIZES_MAGIC " ", 8)) {
			in = true;
			continue;
		}
		if (!in || sscanf(line, "%lld %lld %63s%n", &p, &t, comm,
				  &off) != 3 || p != pid)
			continue;
		for (int k = 0; k < WAMP_HIST_NR; k++) {
			if (sscanf(line + off, "%llu%n", &b[k], &n) != 1)
				break;
			off += n;
			found = k == WAMP_HIST_NR - 1;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/*
 * The sum of every bucket of the sizes section (task rows, (other),
 * (exited)), and the header's column names checked on the way; in
 * @writes, the total writes of the same read.
 */
static unsigned long long sizes_total(struct __test_metadata *_metadata,
				      unsigned long long *writes)
{
	unsigned long long sum = 0, v;
	char line[1024], *s, *end;
	bool in = false;
	FILE *f = fopen(WAMP_PROC_PATH, "r");

	EXPECT_NE(NULL, f);
	*writes = ~0ULL;
	if (f && fgets(line, sizeof(line), f)) {
		s = strstr(line, " writes=");
		if (s)
			*writes = strtoull(s + 8, NULL, 10);
	}
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, WAMP_SIZES_MAGIC " ", 8)) {
			in = true;
			continue;
		}
		if (!in)
			continue;
		if (!strncmp(line, "pid tgid comm 0 1 2 4 ", 22)) {
			EXPECT_NE(NULL, strstr(line, " 524288 1048576\n"));
			continue;
		}
		/* Past pid, tgid and comm. */
		s = line;
		for (int k = 0; k < 3 && s; k++) {
			s = strchr(s, ' ');
			s = s ? s + 1 : NULL;
		}
		for (int k = 0; s && k < WAMP_HIST_NR; k++) {
			v = strtoull(s, &end, 10);
			EXPECT_NE(s, end) TH_LOG("%s", line);
			sum += v;
			s = end;
		}
	}
	if (f)
		fclose(f);
	return sum;
}

static void sized_writes(void *p)
{
	static char big[MIB];
	int fd = open("/dev/null", O_WRONLY);

	(void)p;
	raise(SIGSTOP);		/* until bpftrace is attached, if it is */
	for (int i = 0; i < SMALL_WRITES; i++)
		(void)!write(fd, big, SMALL_SIZE);
	for (int i = 0; i < BIG_WRITES; i++)
		(void)!write(fd, big, sizeof(big));
	close(fd);
}

/*
 * bpftrace's hist() lines, "[32, 64)  1000 |@@@|", "[0]", "[1]", "[1M,
 * 2M)", into wamp's buckets (everything from 1 MiB on in the last).
 */
static int bpftrace_hist(const char *out, unsigned long long *b)
{
	char line[512], unit;
	unsigned long long lo, n;
	int got = 0;
	FILE *f = fopen(out, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (*p != '[')
			continue;
		end = strpbrk(p, ")]");
		if (!end || sscanf(end + 1, "%llu", &n) != 1)
			continue;
		unit = 0;
		if (sscanf(p + 1, "%llu%c", &lo, &unit) < 1)
			continue;
		if (unit == 'K')
			lo <<= 10;
		else if (unit == 'M')
			lo <<= 20;
		else if (unit == 'G')
			lo <<= 30;
		b[wamp_hist_bucket(lo)] += n;
		got++;
	}
	fclose(f);
	return got;
}

/*
 * 1000 writes of 40 bytes and 10 of 1 MiB: exactly 1000 in the 32-63
 * bucket and 10 in the last, nothing elsewhere; bpftrace's hist() of the
 * same calls agrees bucket by bucket where it runs.
 */
TEST_F_TIMEOUT(slow, write_size_histogram_exact, 900)
{
	unsigned long long b[WAMP_HIST_NR] = { 0 }, bt[WAMP_HIST_NR] = { 0 };
	unsigned long long sum, writes;
	char prog[256], why[512], out[] = "/tmp/wamp_hist.XXXXXX";
	const struct wampp_row *row;
	struct wampp_report r;
	bool have_bt;
	pid_t child, bt_pid = -1;
	int st;

	ASSERT_EQ(0, control("reset"));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		prctl(PR_SET_NAME, "wamp_sizes");
		sized_writes(NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	have_bt = !run("command -v bpftrace >/dev/null");
	if (have_bt) {
		snprintf(prog, sizeof(prog),
			 "tracepoint:syscalls:sys_enter_write /pid == %d/ { @h = hist(args->count); }",
			 child);
		bt_pid = bpftrace_start(prog, out, why, sizeof(why));
		if (bt_pid < 0)
			TH_LOG("bpftrace cannot run on this kernel: %s", why);
	}
	kill(child, SIGCONT);
	ASSERT_EQ(child, waitpid(child, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));

	ASSERT_TRUE(read_sizes(child, b));
	for (int k = 0; k < WAMP_HIST_NR; k++) {
		unsigned long long want = k == wamp_hist_bucket(SMALL_SIZE) ?
			SMALL_WRITES : k == WAMP_HIST_NR - 1 ? BIG_WRITES : 0;

		EXPECT_EQ(want, b[k]) TH_LOG("bucket %llu",
					     wamp_hist_lower(k));
	}
	EXPECT_EQ(6, wamp_hist_bucket(SMALL_SIZE));	/* 32..63 */
	row = read_row(_metadata, &r, child);
	EXPECT_EQ(SMALL_WRITES + BIG_WRITES, row->writes);
	/* The section's buckets add up to the writes of all rows. */
	sum = sizes_total(_metadata, &writes);
	EXPECT_EQ(writes, sum);
	wampp_free(&r);

	if (bt_pid > 0) {
		ASSERT_EQ(0, bpftrace_stop(bt_pid, out));
		ASSERT_LT(0, bpftrace_hist(out, bt));
		for (int k = 0; k < WAMP_HIST_NR; k++) {
			EXPECT_EQ(bt[k], b[k])
				TH_LOG("bucket %llu: bpftrace %llu wamp %llu",
				       wamp_hist_lower(k), bt[k], b[k]);
		}
		TH_LOG("bpftrace hist() agrees: %llu in [32, 64), %llu from 1M",
		       bt[6], bt[WAMP_HIST_NR - 1]);
	}
	if (have_bt)
		unlink(out);
	reap(child);
}

/* One record of the stacks file. */
struct stack_rec {
	long long pid;
	char cls[16];
	unsigned long long bios, bytes;
	int nr;
	char fn[MAX_FRAMES][80];	/* function names, no offsets */
};

struct stacks {
	unsigned long long sample, used, cap, overflow;
	size_t n;
	struct stack_rec *rec;
};

#define STACKS_LINE							\
	WAMP_STACKS_MAGIC " 1.%*d sample=%llu depth=%*u entries=%llu/%llu overflow=%llu"
#define STACK_REC							\
	"stack pid=%lld tgid=%*d comm=%*s class=%15s bios=%llu bytes=%llu"

/* The function of a %pS frame: "ext4_sync_file+0x1c4/0x3a0 [ext4]". */
static void frame_fn(const char *s, char *fn, size_t len)
{
	size_t n = strcspn(s, "+\t\n ");

	snprintf(fn, len, "%.*s", (int)n, s);
}

static int read_stacks(struct stacks *st)
{
	char line[512];
	struct stack_rec *cur = NULL;
	FILE *f = fopen(STACKS, "r");

	memset(st, 0, sizeof(*st));
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, STACKS_LINE, &st->sample, &st->used, &st->cap,
		   &st->overflow) != 4) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "stack ", 6)) {
			st->rec = realloc(st->rec, (st->n + 1) * sizeof(*cur));
			cur = &st->rec[st->n++];
			memset(cur, 0, sizeof(*cur));
			if (sscanf(line, STACK_REC, &cur->pid, cur->cls,
				   &cur->bios, &cur->bytes) != 4)
				cur->pid = -1;
		} else if (line[0] == '\t' && cur && cur->nr < MAX_FRAMES) {
			frame_fn(line + 1, cur->fn[cur->nr], sizeof(cur->fn[0]));
			cur->nr++;
		}
	}
	fclose(f);
	return 0;
}

static bool rec_has(const struct stack_rec *s, const char *fn)
{
	for (int i = 0; i < s->nr; i++)
		if (!strcmp(s->fn[i], fn))
			return true;
	return false;
}

/* @pid's record of class @cls with the most bytes (records are sorted). */
static const struct stack_rec *top_of(const struct stacks *st, pid_t pid,
				      const char *cls)
{
	for (size_t i = 0; i < st->n; i++)
		if (st->rec[i].pid == pid && (!cls || !strcmp(st->rec[i].cls, cls)))
			return &st->rec[i];
	return NULL;
}

static unsigned long long bytes_of(const struct stacks *st, pid_t pid,
				   const char *cls)
{
	unsigned long long n = 0;

	for (size_t i = 0; i < st->n; i++)
		if (st->rec[i].pid == pid && (!cls || !strcmp(st->rec[i].cls, cls)))
			n += st->rec[i].bytes;
	return n;
}

static void set_sample(const char *v)
{
	write_str(PARAMS "stack_sample", v, strlen(v));
}

static void small_fsyncs(void *p)
{
	const char *path = p;
	char buf[48] = "wamp";
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	raise(SIGSTOP);		/* until perf is attached, if it is */
	for (int i = 0; i < FSYNCS; i++) {
		(void)!write(fd, buf, sizeof(buf));
		fsync(fd);
	}
	close(fd);
}

/*
 * perf's most frequent kernel call chain of @pid's block:block_getrq
 * events in @data, as function names innermost first; its count, or 0.
 */
static unsigned long long perf_top_path(const char *data, pid_t pid,
					struct stack_rec *top)
{
	struct stack_rec cur;
	unsigned long long best = 0;
	struct stack_rec *seen = NULL;
	unsigned long long *count = NULL;
	size_t nseen = 0;
	char cmd[PATH_MAX + 64], line[512], sym[256];
	bool in = false, mine = false;
	unsigned long long ip;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "perf script -i %s -F pid,ip,sym,dso 2>/dev/null",
		 data);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	memset(&cur, 0, sizeof(cur));
	for (;;) {
		bool eof = !fgets(line, sizeof(line), f);
		size_t i;

		if (eof || line[0] != '\t') {
			/* The end of an event: count its chain. */
			if (in && mine && cur.nr) {
				for (i = 0; i < nseen; i++)
					if (seen[i].nr == cur.nr &&
					    !memcmp(seen[i].fn, cur.fn,
						    sizeof(cur.fn[0]) * cur.nr))
						break;
				if (i == nseen) {
					seen = realloc(seen, (nseen + 1) * sizeof(*seen));
					count = realloc(count, (nseen + 1) * sizeof(*count));
					seen[i] = cur;
					count[i] = 0;
					nseen++;
				}
				count[i]++;
			}
			if (eof)
				break;
			memset(&cur, 0, sizeof(cur));
			in = true;
			mine = atoll(line) == pid;
			continue;
		}
		/*
		 * "\t ffffffff8146e9e0 ext4_sync_file+0x... ([kernel.kallsyms])":
		 * kernel frames only (user ones may follow, as [unknown]).
		 */
		if (sscanf(line, " %llx %255s", &ip, sym) != 2 ||
		    ip < 0xffff800000000000ULL || cur.nr >= MAX_FRAMES)
			continue;
		frame_fn(sym, cur.fn[cur.nr], sizeof(cur.fn[0]));
		cur.nr++;
	}
	pclose(f);
	for (size_t i = 0; i < nseen; i++)
		if (count[i] > best) {
			best = count[i];
			*top = seen[i];
		}
	free(seen);
	free(count);
	return best;
}

/* Frames from the first @fn on in @a equal those in @b. */
static bool same_path_from(const struct stack_rec *a, const struct stack_rec *b,
			   const char *fn)
{
	int i = 0, j = 0;

	while (i < a->nr && strcmp(a->fn[i], fn))
		i++;
	while (j < b->nr && strcmp(b->fn[j], fn))
		j++;
	if (i == a->nr || j == b->nr || a->nr - i != b->nr - j)
		return false;
	for (; i < a->nr; i++, j++)
		if (strcmp(a->fn[i], b->fn[j]))
			return false;
	return true;
}

/*
 * 48-byte writes each followed by fsync, on ext4, every bio's stack noted
 * (stack_sample=1): the task's own bytes are of class fsync, through
 * ext4_sync_file, its share of the journal commits of class journal,
 * through jbd2's commit; the stacks' bytes are exactly its blk_bytes; and
 * perf's call graph of the same task's block_getrq has the same path.
 */
TEST_F_TIMEOUT(slow, fsync_stacks_and_classes, 900)
{
	char path[PATH_MAX], data[] = "/tmp/wamp_perf.XXXXXX", cmd[PATH_MAX + 256];
	const struct stack_rec *own, *jrnl;
	const struct wampp_row *row;
	struct stack_rec perf_top;
	struct wampp_report r;
	struct blkstat b0, b1;
	struct stacks st;
	bool have_perf;
	pid_t child, perf = -1;
	int status, fd;

	if (access(STACKS, R_OK))
		SKIP(return, "no %s (debugfs)", STACKS);
	snprintf(path, sizeof(path), "%s/wamp_stk.%d", mnt(), getpid());
	set_sample("1");
	ASSERT_EQ(0, reset_quiet("vda", &b0));
	child = spawn_stopped(small_fsyncs, path, "wamp_stk");
	ASSERT_LT(0, child);
	have_perf = !run("command -v perf >/dev/null");
	if (have_perf) {
		fd = mkstemp(data);
		ASSERT_LE(0, fd);
		close(fd);
		perf = fork();
		ASSERT_LE(0, perf);
		if (perf == 0) {
			char p[16];

			snprintf(p, sizeof(p), "%d", child);
			freopen("/dev/null", "w", stdout);
			freopen("/dev/null", "w", stderr);
			execlp("perf", "perf", "record", "-q", "-g", "-e",
			       "block:block_getrq", "-p", p, "-o", data,
			       (char *)NULL);
			_exit(127);
		}
		sleep(3);	/* perf attaches */
	}
	kill(child, SIGCONT);
	ASSERT_EQ(child, waitpid(child, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	if (perf > 0) {
		kill(perf, SIGINT);
		waitpid(perf, &status, 0);
		/*
		 * A perf that cannot record here is no cross-check.  On
		 * SIGINT perf writes its file and dies by the signal again.
		 */
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) &&
		    !(WIFEXITED(status) && !WEXITSTATUS(status))) {
			TH_LOG("perf record failed here: no cross-check");
			unlink(data);
			perf = -1;
		}
	}
	ASSERT_EQ(0, read_quiet(&r, "vda", &b1));
	ASSERT_EQ(0, read_stacks(&st));
	set_sample("64");
	row = wampp_find(&r, child);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(FSYNCS, row->syncs);
	expect_blk_sums_to_devices(_metadata, &r);
	/* Classes: its data by its fsyncs, its share of the commits. */
	EXPECT_LT(0, row->jrnl_bytes);
	EXPECT_EQ(row->jrnl_bytes, row->io_journal);
	EXPECT_EQ(row->blk_bytes - row->jrnl_bytes, row->io_fsync);
	/* Every bio noted: the stacks hold the row's bytes exactly. */
	EXPECT_EQ(1, st.sample);
	EXPECT_EQ(0, st.overflow);
	EXPECT_EQ(row->blk_bytes, bytes_of(&st, child, NULL));
	EXPECT_EQ(row->io_fsync, bytes_of(&st, child, "fsync"));
	EXPECT_EQ(row->io_journal, bytes_of(&st, child, "journal"));
	own = top_of(&st, child, "fsync");
	ASSERT_NE(NULL, own);
	EXPECT_TRUE(rec_has(own, "ext4_sync_file"));
	jrnl = top_of(&st, child, "journal");
	ASSERT_NE(NULL, jrnl);
	EXPECT_TRUE(rec_has(jrnl, "jbd2_journal_commit_transaction"));
	TH_LOG("wamp: fsync %llu bytes, top path %d frames; journal %llu bytes",
	       row->io_fsync, own->nr, row->io_journal);
	if (perf > 0) {
		unsigned long long n = perf_top_path(data, child, &perf_top);

		/*
		 * perf, like bpftrace, is the cross-check of kernels with BTF
		 * (every Debian one); wamp's own debug kernel records nothing.
		 */
		if (!access("/sys/kernel/btf/vmlinux", F_OK)) {
			EXPECT_LT(0, n)
				TH_LOG("perf recorded no block_getrq of the task");
		} else if (!n) {
			TH_LOG("perf recorded nothing here (no BTF): no cross-check");
		}
		if (n) {
			EXPECT_TRUE(rec_has(&perf_top, "ext4_sync_file"));
			EXPECT_TRUE(same_path_from(own, &perf_top, "ext4_sync_file"));
			TH_LOG("perf: top path of %llu events, %d kernel frames: %s",
			       n, perf_top.nr,
			       same_path_from(own, &perf_top, "ext4_sync_file") ?
			       "the same from there" : "differs");
		}
		snprintf(cmd, sizeof(cmd), "rm -f %s %s.old", data, data);
		run(cmd);
	}
	free(st.rec);
	wampp_free(&r);
	reap(child);
	unlink(path);
}

static void buffered_4m(void *p)
{
	static char buf[65536];
	int fd = open((const char *)p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	for (int i = 0; i < 64; i++)
		(void)!write(fd, buf, sizeof(buf));
	close(fd);
}

static void direct_writes(void *p)
{
	void *buf;
	int fd = *(int *)p;

	if (posix_memalign(&buf, 4096, 65536))
		return;
	memset(buf, 0, 65536);
	for (int i = 0; i < 64; i++)
		(void)!pwrite(fd, buf, 65536, (off_t)i * 65536);
	free(buf);
}

/*
 * A buffered writer's file written back by the flusher: class writeback,
 * its stacks through the flusher's wb_workfn; direct I/O: class
 * direct, through blkdev_write_iter.  Each the row's bytes exactly.
 */
TEST_F_TIMEOUT(slow, writeback_and_direct_classified, 600)
{
	char path[PATH_MAX];
	const struct stack_rec *top;
	const struct wampp_row *row;
	struct wampp_report r;
	struct blkstat b0, b1;
	struct stacks st;
	pid_t pid;
	int fd;

	if (access(STACKS, R_OK))
		SKIP(return, "no %s (debugfs)", STACKS);
	snprintf(path, sizeof(path), "%s/wamp_wbk.%d", mnt(), getpid());
	set_sample("1");
	flusher_off();
	ASSERT_EQ(0, reset_quiet("vda", &b0));
	pid = spawn_stopped(buffered_4m, path, "wamp_wbk");
	ASSERT_LT(0, pid);
	flusher_now();
	ASSERT_EQ(0, wait_clean());
	flusher_default();
	ASSERT_EQ(0, read_quiet(&r, "vda", &b1));
	ASSERT_EQ(0, read_stacks(&st));
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(4 * MIB, row->wb_bytes);
	EXPECT_EQ(row->wb_bytes, row->io_writeback);
	EXPECT_EQ(row->io_writeback, bytes_of(&st, pid, "writeback"));
	top = top_of(&st, pid, "writeback");
	ASSERT_NE(NULL, top);
	EXPECT_TRUE(rec_has(top, "wb_workfn"));
	expect_blk_sums_to_devices(_metadata, &r);
	free(st.rec);
	wampp_free(&r);
	reap(pid);
	unlink(path);

	fd = open("/dev/nullb0", O_WRONLY | O_DIRECT);
	if (fd < 0) {
		set_sample("64");
		SKIP(return, "no /dev/nullb0 (null_blk)");
	}
	ASSERT_EQ(0, reset_quiet("nullb0", &b0));
	pid = spawn_stopped(direct_writes, &fd, "wamp_dio");
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, read_quiet(&r, "nullb0", &b1));
	ASSERT_EQ(0, read_stacks(&st));
	set_sample("64");
	row = wampp_find(&r, pid);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(4 * MIB, row->blk_bytes);
	EXPECT_EQ(row->blk_bytes, row->io_direct);
	EXPECT_EQ(row->io_direct, bytes_of(&st, pid, "direct"));
	EXPECT_EQ(row->blk_bytes, bytes_of(&st, pid, NULL));
	top = top_of(&st, pid, "direct");
	ASSERT_NE(NULL, top);
	/* Near the block layer: the debug kernel's deeper stacks are cut. */
	EXPECT_TRUE(rec_has(top, "blkdev_write_iter"));
	free(st.rec);
	wampp_free(&r);
	reap(pid);
	close(fd);
}

/*
 * A table too small for the stacks: the rest counted as overflow, the
 * entries within their capacity; a reset empties it; unload with stacks
 * held is clean (kmemleak and KASAN judge it on the debug kernel).
 */
TEST_F_TIMEOUT(slow, stack_table_full_reset_unload, 600)
{
	pid_t pids[48];
	size_t kept = 0;
	cpu_set_t one, all;
	struct stacks st;
	unsigned long long before;
	int fd;

	if (!getenv("WAMP_KO"))
		SKIP(return, "WAMP_KO not set");
	ASSERT_EQ(0, reload("stack_table_size=16 stack_sample=1"));
	if (access(STACKS, R_OK)) {
		reload("");
		SKIP(return, "no %s (debugfs)", STACKS);
	}
	fd = open("/dev/nullb0", O_WRONLY | O_DIRECT);
	if (fd < 0) {
		reload("");
		SKIP(return, "no /dev/nullb0 (null_blk)");
	}
	before = read_taint();
	/*
	 * 48 tasks on CPU 0, each its own (task, stack) of 64 bios: more
	 * than its 16 entries; what found none is overflow.
	 */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++) {
		pids[i] = spawn_stopped(direct_writes, &fd, "wamp_full");
		ASSERT_LT(0, pids[i]);
	}
	sched_setaffinity(0, sizeof(all), &all);
	ASSERT_EQ(0, read_stacks(&st));
	EXPECT_EQ(16ULL * sysconf(_SC_NPROCESSORS_CONF), st.cap);
	EXPECT_LE(st.used, st.cap);
	EXPECT_LE(st.n, st.used);
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		kept += !!top_of(&st, pids[i], NULL);
	EXPECT_LE(kept, 16);
	EXPECT_LE((ARRAY_SIZE(pids) - kept) * 64, st.overflow);
	TH_LOG("%zu records (%zu of the 48 tasks), entries %llu/%llu, overflow %llu",
	       st.n, kept, st.used, st.cap, st.overflow);
	free(st.rec);
	ASSERT_EQ(0, control("reset"));
	ASSERT_EQ(0, read_stacks(&st));
	EXPECT_EQ(0, st.used);
	EXPECT_EQ(0, st.overflow);
	EXPECT_EQ(0, st.n);
	free(st.rec);
	/* Unload with stacks held. */
	reap(pids[0]);
	pids[0] = spawn_stopped(direct_writes, &fd, "wamp_held");
	ASSERT_EQ(0, read_stacks(&st));
	EXPECT_LT(0, st.n);
	free(st.rec);
	ASSERT_EQ(0, reload(""));
	EXPECT_EQ(before, read_taint());
	EXPECT_EQ(WAMP_STACK_SAMPLE_DEF, read_param("stack_sample"));
	for (size_t i = 0; i < ARRAY_SIZE(pids); i++)
		reap(pids[i]);
	close(fd);
}

/* stack_sample: 0..1000000, anything else -EINVAL and unchanged. */
TEST(stack_sample_validated)
{
	static const char *const bad[] = {
		"-1", "abc", "\n", "1000001", "4294967296", "1 2", "0x10",
	};
	unsigned int old = read_param("stack_sample");
	char key[32];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, write_str(PARAMS "stack_sample", bad[i],
					     strlen(bad[i])))
			TH_LOG("'%s'", bad[i]);
		EXPECT_EQ(old, read_param("stack_sample"));
	}
	ASSERT_EQ(0, write_str(PARAMS "stack_sample", "0", 1));
	EXPECT_EQ(0, read_param("stack_sample"));
	ASSERT_EQ(0, write_str(PARAMS "stack_sample", "1000000", 7));
	EXPECT_EQ(1000000, read_param("stack_sample"));
	snprintf(key, sizeof(key), "%u\n", old);
	ASSERT_EQ(0, write_str(PARAMS "stack_sample", key, strlen(key)));
	/* Fixed at load. */
	EXPECT_NE(0, write_str(PARAMS "stack_table_size", "64", 2));
	EXPECT_EQ(WAMP_STACK_SIZE_DEF, read_param("stack_table_size"));
}

TEST_HARNESS_MAIN
