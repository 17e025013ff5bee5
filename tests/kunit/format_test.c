// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: control input (module/procfs.c, module/params.c) and the lines of
 * /proc/wamp (module/procfs.c), byte for byte.
 */
#include <kunit/test.h>
#include <linux/kdev_t.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kunit.h"
#include "params.h"
#include "snapshot.h"

/* Inputs a control write may carry, with their lengths (NULs included). */
struct wamp_ctl_case {
	const char *buf;
	size_t len;
	int ret;
};

#define WAMP_CTL(s, r)	{ s, sizeof(s) - 1, r }

static const struct wamp_ctl_case wamp_ctl_cases[] = {
	WAMP_CTL("reset", 0),
	WAMP_CTL("reset\n", 0),
	WAMP_CTL("", -EINVAL),
	WAMP_CTL("\n", -EINVAL),
	WAMP_CTL("reset\n\n", -EINVAL),
	WAMP_CTL("reset\r\n", -EINVAL),
	WAMP_CTL("reset ", -EINVAL),
	WAMP_CTL(" reset", -EINVAL),
	WAMP_CTL("reset\t", -EINVAL),
	WAMP_CTL("Reset", -EINVAL),
	WAMP_CTL("RESET", -EINVAL),
	WAMP_CTL("rese", -EINVAL),
	WAMP_CTL("resett", -EINVAL),
	WAMP_CTL("reset\0", -EINVAL),
	WAMP_CTL("\0reset", -EINVAL),
	WAMP_CTL("res\0et", -EINVAL),
	WAMP_CTL("reset\nreset", -EINVAL),
	WAMP_CTL("reset\nx", -EINVAL),
	WAMP_CTL("1", -EINVAL),
	WAMP_CTL("resetresetresetresetresetresetresetreset", -EINVAL),
};

static void wamp_ctl_test_parse(struct kunit *test)
{
	const struct wamp_ctl_case *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_ctl_cases); i++) {
		c = &wamp_ctl_cases[i];
		KUNIT_EXPECT_EQ_MSG(test, wamp_control_parse(c->buf, c->len),
				    c->ret, "control input %zu (%zu bytes)", i,
				    c->len);
	}
}

struct wamp_param_case {
	const char *in;
	int ret;
	unsigned int val;	/* the value after the write */
};

/* A threshold in [1..100], starting at 50: set through the module's ops. */
static const struct wamp_param_case wamp_uint_cases[] = {
	{ "7", 0, 7 },
	{ "100", 0, 100 },
	{ "1\n", 0, 1 },
	{ "+9", 0, 9 },
	{ "0", -EINVAL, 50 },
	{ "101", -EINVAL, 50 },
	{ "-1", -EINVAL, 50 },
	{ "4294967295", -EINVAL, 50 },
	{ "4294967296", -EINVAL, 50 },
	{ "4294967297", -EINVAL, 50 },
	{ "99999999999999999999999", -EINVAL, 50 },
	{ "", -EINVAL, 50 },
	{ "\n", -EINVAL, 50 },
	{ "5\n\n", -EINVAL, 50 },
	{ " 5", -EINVAL, 50 },
	{ "5 ", -EINVAL, 50 },
	{ "0x10", -EINVAL, 50 },
	{ "1e2", -EINVAL, 50 },
	{ "5.0", -EINVAL, 50 },
	{ "five", -EINVAL, 50 },
};

/* amp_ratio-like: hundredths in [0.01..1000000.00], starting at 2.00. */
static const struct wamp_param_case wamp_centi_cases[] = {
	{ "2", 0, 200 },
	{ "2.5", 0, 250 },
	{ "2.50", 0, 250 },
	{ "0.01", 0, 1 },
	{ "1.5\n", 0, 150 },
	{ "1000000.00", 0, 100000000 },
	{ "1000000", 0, 100000000 },
	{ "007.07", 0, 707 },
	{ "1000000.01", -EINVAL, 200 },
	{ "0", -EINVAL, 200 },
	{ "0.00", -EINVAL, 200 },
	{ "0.001", -EINVAL, 200 },
	{ "2.505", -EINVAL, 200 },
	{ "2.", -EINVAL, 200 },
	{ ".5", -EINVAL, 200 },
	{ "-1", -EINVAL, 200 },
	{ "-0.5", -EINVAL, 200 },
	{ "+2", -EINVAL, 200 },
	{ "1..2", -EINVAL, 200 },
	{ "1.2.3", -EINVAL, 200 },
	{ " 1", -EINVAL, 200 },
	{ "1 ", -EINVAL, 200 },
	{ "1.5\n\n", -EINVAL, 200 },
	{ "1.5\nx", -EINVAL, 200 },
	{ "", -EINVAL, 200 },
	{ "\n", -EINVAL, 200 },
	{ "42949672.95", -EINVAL, 200 },
	{ "42949672.96", -EINVAL, 200 },
	{ "99999999999999999999999", -EINVAL, 200 },
	{ "1e3", -EINVAL, 200 },
	{ "nan", -EINVAL, 200 },
};

static void wamp_param_run(struct kunit *test, const struct wamp_param_case *c,
			   size_t n, unsigned int min, unsigned int max,
			   unsigned int start,
			   int (*set)(const char *, const struct kernel_param *))
{
	unsigned int v;
	struct wamp_uint_param p = { &v, min, max };
	struct kernel_param kp = { .name = "wamp_test", .arg = &p };
	size_t i;

	for (i = 0; i < n; i++) {
		v = start;
		KUNIT_EXPECT_EQ_MSG(test, set(c[i].in, &kp), c[i].ret,
				    "input \"%s\"", c[i].in);
		KUNIT_EXPECT_EQ_MSG(test, v, c[i].val, "input \"%s\"", c[i].in);
	}
}

static void wamp_param_test_uint(struct kunit *test)
{
	wamp_param_run(test, wamp_uint_cases, ARRAY_SIZE(wamp_uint_cases),
		       1, 100, 50, wamp_param_set_uint);
}

static void wamp_param_test_centi(struct kunit *test)
{
	wamp_param_run(test, wamp_centi_cases, ARRAY_SIZE(wamp_centi_cases),
		       WAMP_AMP_RATIO_MIN, WAMP_AMP_RATIO_MAX, 200,
		       wamp_param_set_centi);
}

/* The parser alone, beyond the range check: what fits in a u32. */
static void wamp_param_test_centi_parse(struct kunit *test)
{
	unsigned int v = 0;

	KUNIT_EXPECT_EQ(test, wamp_parse_centi("42949672.95", &v), 0);
	KUNIT_EXPECT_EQ(test, v, U32_MAX);
	KUNIT_EXPECT_EQ(test, wamp_parse_centi("42949672.96", &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, wamp_parse_centi("0", &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0);
	KUNIT_EXPECT_EQ(test, wamp_parse_centi("429496729600", &v), -EINVAL);
}

/* A seq_file over a plain buffer, as seq_read would hand to ->show(). */
static struct seq_file *wamp_seq(struct kunit *test)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->size = 4096;
	m->buf = kunit_kzalloc(test, m->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	return m;
}

static void wamp_expect_seq(struct kunit *test, struct seq_file *m,
			    const char *want)
{
	KUNIT_ASSERT_LT(test, m->count, m->size);
	m->buf[m->count] = '\0';
	KUNIT_EXPECT_STREQ(test, m->buf, want);
	m->count = 0;
}

/* The same, for an expected line given in pieces (kept under 100 columns). */
static void wamp_expect_seqv(struct kunit *test, struct seq_file *m,
			     const char *const *parts)
{
	char *want = kunit_kzalloc(test, m->size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, want);
	for (; *parts; parts++)
		strlcat(want, *parts, m->size);
	wamp_expect_seq(test, m, want);
}

static void wamp_fmt_test_row(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_row r = {
		.pid = 4242, .tgid = 4240, .comm = "redis-server",
		.c = { .tc = { 11032, 529536, 11032, 11117, 45539328, 45187072,
			       4096, 33947648 } },
		.flags = WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP,
	};

	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seqv(test, m, (const char *const []){
		"4242 4240 redis-server 11032 529536 48 ",
		"11032 11117 45539328 85.99 45187072 4096 33947648 ",
		"0 0 0 0 0 0 0 - SMALL,SYNC,AMP\n", NULL });

	/* No writes: avg and amp are "-"; no flags: "-". */
	memset(&r.c, 0, sizeof(r.c));
	r.c.blk_reqs = 3;
	r.c.blk_bytes = 12288;
	r.flags = 0;
	strscpy(r.comm, "kworker/0:1H", sizeof(r.comm));
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seq(test, m,
			"4242 4240 kworker/0:1H 0 0 - 0 3 12288 - 0 0 0 0 0 0 0 0 0 0 - -\n");

	/* Writes of 0 bytes: avg 0, amp "-" (nothing written). */
	r.c.writes = 2;
	r.flags = WAMP_F_EXITED;
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seq(test, m,
			"4242 4240 kworker/0:1H 2 0 0 0 3 12288 - 0 0 0 0 0 0 0 0 0 0 - EXITED\n");

	r.flags = WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP | WAMP_F_EXITED;
	r.c = (struct wamp_counts){ .tc = { U64_MAX, U64_MAX, U64_MAX, U64_MAX, 0,
					    U64_MAX, U64_MAX, U64_MAX } };
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seqv(test, m, (const char *const []){
		"4242 4240 kworker/0:1H ",
		"18446744073709551615 18446744073709551615 1 ",
		"18446744073709551615 18446744073709551615 0 0.00 ",
		"18446744073709551615 18446744073709551615 ",
		"18446744073709551615 0 0 0 0 0 0 0 - SMALL,SYNC,AMP,EXITED\n", NULL });

	r.c = (struct wamp_counts){ .tc = { 3, 1, 0, 1, U64_MAX } };
	r.flags = WAMP_F_AMP;
	r.pid = -1;
	r.cgid = U64_MAX;
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seqv(test, m, (const char *const []){
		"-1 4240 kworker/0:1H 3 1 0 0 1 ",
		"18446744073709551615 184467440737095516.15 0 0 0 0 0 0 0 0 0 0 ",
		"18446744073709551615 AMP\n", NULL });
}

/* comm is escaped as in /proc/mounts: one field whatever a task calls itself. */
static void wamp_fmt_test_comm(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_row r = { .pid = 1, .tgid = 1 };

	memcpy(r.comm, "a b\\c\t\x7f\xff\n,", 11);
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seq(test, m,
			"1 1 a\\040b\\134c\\011\\177\\377\\012, 0 0 - 0 0 0 - 0 0 0 0 0 0 0 0 0 0 - -\n");

	memset(r.comm, 0, sizeof(r.comm));
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seq(test, m, "1 1 \\000 0 0 - 0 0 0 - 0 0 0 0 0 0 0 0 0 0 - -\n");

	/* 15 bytes and the NUL: the longest comm. */
	strscpy(r.comm, "abcdefghijklmno", sizeof(r.comm));
	wamp_seq_row(m, &r, r.flags);
	wamp_expect_seq(test, m, "1 1 abcdefghijklmno 0 0 - 0 0 0 - 0 0 0 0 0 0 0 0 0 0 - -\n");
}

static void wamp_fmt_test_header(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->total = (struct wamp_counts){ .tc = { 11032, 529536, 11032, 11117, 45539328,
						 45187072, 16777216, 24903680 } };
	s->nr_rows = 3;
	s->slots_used = 5;
	s->slots_cap = 2048;
	s->overflow = 6;
	s->nested = 7;
	s->iov_fault = 8;
	s->dev_overflow = 9;
	s->owners_used = 10;
	s->owners_cap = 4096;
	s->owner_evicted = 11;
	s->wb_unowned = 12;
	s->wb_unowned_bytes = 49152;
	s->jrnl_kept_bytes = 65536;
	s->th = (struct wamp_thresholds){ 1000, 512, 10, 205 };
	wamp_seq_header(m, s);
	wamp_expect_seq(test, m,
			"# wamp 1.5 writes=11032 write_bytes=529536 syncs=11032 blk_reqs=11117 blk_bytes=45539328 dirtied=45187072 wb_bytes=16777216 jrnl_bytes=24903680 io_fsync=0 io_sync=0 io_writeback=0 io_journal=0 io_direct=0 io_reclaim=0 io_other=0 rows=3 slots=5/2048 overflow=6 nested=7 iov_fault=8 dev_overflow=9 owners=10/4096 owner_evicted=11 wb_unowned=12 wb_unowned_bytes=49152 jrnl_kept_bytes=65536 min_writes=1000 small_write_bytes=512 sync_ratio=10 amp_ratio=2.05\n"
			"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp dirtied wb_bytes jrnl_bytes io_fsync io_sync io_writeback io_journal io_direct io_reclaim io_other cgroup flags\n");
	s->th.amp_ratio = WAMP_AMP_RATIO_MAX;
	s->total = (struct wamp_counts){};
	wamp_seq_header(m, s);
	KUNIT_EXPECT_NOT_NULL(test, strnstr(m->buf, " amp_ratio=1000000.00\n", m->count));
	m->count = 0;
}

/* (other), the exited line, the device section and the system line. */
static void wamp_fmt_test_tail(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct wamp_dev_row devs[2] = {
		{ .devt = MKDEV(8, 0), .name = "sda", .write_reqs = 10,
		  .write_bytes = 40960, .flush_reqs = 2, .fua_reqs = 3,
		  .preflush_reqs = 4, .discard_reqs = 5, .discard_bytes = 6,
		  .requeues = 7 },
		{ .devt = MKDEV(259, 1048575), .name = "odd name",
		  .write_bytes = 8192 },
	};

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->other = (struct wamp_counts){ .tc = { 4, 100, 1, 2, 8192, 0, 0, 0 } };
	s->exited = (struct wamp_counts){ .tc = { 5, 6, 7, 8, 9, 10, 11, 12 } };
	s->folded = 3;
	s->total.write_bytes = 1000;
	s->devs = devs;
	s->nr_devs = 2;
	wamp_seq_tail(m, s);
	wamp_expect_seq(test, m,
			"- - (other) 4 100 25 1 2 8192 81.92 0 0 0 0 0 0 0 0 0 0 - -\n"
			"# exited rows=3 writes=5 write_bytes=6 syncs=7 blk_reqs=8 blk_bytes=9 dirtied=10 wb_bytes=11 jrnl_bytes=12 io_fsync=0 io_sync=0 io_writeback=0 io_journal=0 io_direct=0 io_reclaim=0 io_other=0\n"
			"# dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues\n"
			"8:0 sda 10 40960 2 3 4 5 6 7\n"
			"259:1048575 odd\\040name 0 8192 0 0 0 0 0 0\n"
			"# system write_bytes=1000 dev_write_bytes=49152 amp=49.15\n");

	s->nr_devs = 0;
	s->other = (struct wamp_counts){};
	s->exited = (struct wamp_counts){};
	s->folded = 0;
	s->total.write_bytes = 0;
	wamp_seq_tail(m, s);
	wamp_expect_seq(test, m,
			"- - (other) 0 0 - 0 0 0 - 0 0 0 0 0 0 0 0 0 0 - -\n"
			"# exited rows=0 writes=0 write_bytes=0 syncs=0 blk_reqs=0 blk_bytes=0 dirtied=0 wb_bytes=0 jrnl_bytes=0 io_fsync=0 io_sync=0 io_writeback=0 io_journal=0 io_direct=0 io_reclaim=0 io_other=0\n"
			"# dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues\n"
			"# system write_bytes=0 dev_write_bytes=0 amp=-\n");
}

/* The cgroup section: its line, header, rows (paths escaped), (other). */
static void wamp_fmt_test_cgroup(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_snapshot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	char paths[] = "/\0/docker/a b\\c\0";
	struct wamp_cg_row rows[2] = {
		{ .id = 1, .c = { .cc = { 6, 143, 0, 8, 61440 } }, .path = 0 },
		{ .id = 61, .c = { .cc = { 1000, 48000, 1000, 1000, 4096000 } },
		  .flags = WAMP_F_REMOVED, .path = 2 },
	};

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->cg_io = WAMP_IO_V2;
	s->cg_used = 3;
	s->cg_cap = 512;
	s->cg_overflow = 4;
	s->cg_reclaimed = 5;
	s->nr_cgs = 2;
	s->cgs = rows;
	s->cg_paths = paths;
	s->cg_other = (struct wamp_cg_counts){ .cc = { 1, 2, 3, 4, 5 } };
	s->th = (struct wamp_thresholds){ 1000, 512, 10, 200 };
	wamp_seq_cg_header(m, s);
	wamp_expect_seq(test, m,
			"# cgroup io=v2 rows=2 slots=3/512 overflow=4 reclaimed=5\n"
			"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n");
	wamp_seq_cg_row(m, s, &rows[0], rows[0].flags);
	wamp_expect_seq(test, m, "1 6 143 23 0 8 61440 429.65 - /\n");
	wamp_seq_cg_row(m, s, &rows[1], rows[1].flags | WAMP_F_SMALL);
	wamp_expect_seq(test, m,
			"61 1000 48000 48 1000 1000 4096000 85.33 SMALL,REMOVED /docker/a\\040b\\134c\n");
	wamp_seq_cg_row(m, s, NULL, 0);
	wamp_expect_seq(test, m, "- 1 2 2 3 4 5 2.50 - (other)\n");
}

/*
 * The sizes section: its line counts the task rows that wrote, its header
 * names the buckets by their lower bounds, a row without writes prints
 * nothing, and the (other) and (exited) rows close it.
 */
static void wamp_fmt_test_sizes(struct kunit *test)
{
	struct seq_file *m = wamp_seq(test);
	struct wamp_snapshot *s = kunit_kzalloc(test, struct_size(s, rows, 2),
						GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->nr_rows = 2;
	s->rows[0] = (struct wamp_row){ .pid = 7, .tgid = 7, .comm = "a b" };
	s->rows[0].c.writes = 1010;
	s->rows[0].c.hist[6] = 1000;
	s->rows[0].c.hist[WAMP_HIST_NR - 1] = 10;
	s->rows[1] = (struct wamp_row){ .pid = 8, .tgid = 7, .comm = "idle" };
	s->other.hist[0] = 2;
	s->exited.hist[1] = 3;
	wamp_seq_sizes_header(m, s);
	wamp_expect_seq(test, m,
			"# sizes rows=1\n"
			"pid tgid comm 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576\n");
	wamp_seq_sizes_row(m, s, &s->rows[0]);
	wamp_expect_seq(test, m,
			"7 7 a\\040b 0 0 0 0 0 0 1000 0 0 0 0 0 0 0 0 0 0 0 0 0 0 10\n");
	wamp_seq_sizes_row(m, s, &s->rows[1]);
	wamp_expect_seq(test, m, "");
	wamp_seq_sizes_row(m, s, NULL);
	wamp_expect_seq(test, m,
			"- - (other) 2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
			"- - (exited) 0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
}

static struct kunit_case wamp_ctl_cases_k[] = {
	KUNIT_CASE(wamp_ctl_test_parse),
	KUNIT_CASE(wamp_param_test_uint),
	KUNIT_CASE(wamp_param_test_centi),
	KUNIT_CASE(wamp_param_test_centi_parse),
	{}
};

static struct kunit_suite wamp_ctl_suite = {
	.name = "wamp_control",
	.test_cases = wamp_ctl_cases_k,
};

static struct kunit_case wamp_fmt_cases[] = {
	KUNIT_CASE(wamp_fmt_test_row),
	KUNIT_CASE(wamp_fmt_test_comm),
	KUNIT_CASE(wamp_fmt_test_header),
	KUNIT_CASE(wamp_fmt_test_tail),
	KUNIT_CASE(wamp_fmt_test_cgroup),
	KUNIT_CASE(wamp_fmt_test_sizes),
	{}
};

static struct kunit_suite wamp_fmt_suite = {
	.name = "wamp_format",
	.test_cases = wamp_fmt_cases,
};

kunit_test_suites(&wamp_ctl_suite, &wamp_fmt_suite);
