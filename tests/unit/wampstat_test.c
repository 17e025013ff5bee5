// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the /proc/wamp parser, the shared flag rules and
 * wampstat's view logic (deltas, folding, flags, output), on fixtures.
 * Run from the repository root: fixtures are read from tests/unit/fixtures.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "wamp.h"
#include "wampparse.h"
#include "wsview.h"

#define FIX "tests/unit/fixtures/"

static int parse_file(const char *path, struct wampp_report *r, char *err,
		      size_t len)
{
	char *text = wampp_read_file(path);
	int ret;

	if (!text) {
		snprintf(err, len, "cannot read %s", path);
		return -1;
	}
	ret = wampp_parse(text, r, err, len);
	free(text);
	return ret;
}

TEST(parse_current_format)
{
	const struct wampp_row *row;
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, parse_file(FIX "v1.1-demo.txt", &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(1, r.major);
	EXPECT_EQ(1, r.minor);
	EXPECT_EQ(4, r.nrows);
	EXPECT_EQ(1, r.ndevs);
	EXPECT_TRUE(r.has_other);
	row = wampp_find(&r, 144);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(3016, row->writes);
	EXPECT_EQ(4251648, row->blk_bytes);
	EXPECT_EQ(3282, row->amp_centi);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, row->flags);
	EXPECT_EQ(WAMPP_NONE, wampp_find(&r, 132)->amp_centi);
	EXPECT_STREQ("redis\\040bio", wampp_find(&r, 145)->comm);
	EXPECT_STREQ("vda", r.devs[0].name);
	EXPECT_EQ(254, r.devs[0].major);
	EXPECT_EQ(2014, r.devs[0].flush_reqs);
	EXPECT_EQ(84070400, wampp_sys_key(&r, WAMP_KEY_DEV_WRITE_BYTES, NULL));
	EXPECT_EQ(124, wampp_sys_key(&r, WAMP_KEY_AMP, NULL));
	EXPECT_EQ(200, wampp_key(&r, WAMP_KEY_AMP_RATIO, NULL));
	wampp_free(&r);
}

TEST(parse_format_1_0)
{
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, parse_file(FIX "v1.0.txt", &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(0, r.minor);
	EXPECT_EQ(2, r.nrows);
	EXPECT_EQ(0, r.ndevs);
	EXPECT_EQ(529536, wampp_find(&r, 300)->write_bytes);
	EXPECT_EQ(WAMPP_NONE, wampp_find(&r, 300)->amp_centi);
	wampp_free(&r);
}

/* Later minor versions: unknown keys, columns, flags and sections pass. */
TEST(parse_tolerates_future_minor)
{
	const struct wampp_row *row;
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, parse_file(FIX "v1.9-future.txt", &r, err, sizeof(err)))
		TH_LOG("%s", err);
	row = wampp_find(&r, 7);
	ASSERT_NE(NULL, row);
	EXPECT_EQ(100, row->writes);
	EXPECT_EQ(5120, row->amp_centi);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, row->flags);
	EXPECT_EQ(1, r.ndevs);
	EXPECT_STREQ("sda", r.devs[0].name);
	EXPECT_EQ(245760, r.devs[0].write_bytes);
	EXPECT_EQ(7, wampp_key(&r, "new_key", NULL));
	wampp_free(&r);
}

TEST(parse_refuses_unknown_major)
{
	struct wampp_report r;
	char err[256] = "";

	EXPECT_EQ(-1, parse_file(FIX "v2.0-major.txt", &r, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "format 2.0 is not supported"));
}

TEST(parse_rejects_malformed)
{
	static const char *const bad[] = {
		"",
		"hello\n",
		"# wamp\n",
		"# wamp x.y writes=1\n",
		"# wamp 1.1 writes=1\n",			/* no header */
		"# wamp 1.1 =1\npid tgid comm writes write_bytes avg_write syncs flags\n",
		"# wamp 1.1 a=1\npid tgid comm writes\n",	/* columns missing */
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n1 1 x 1\n",
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n1 1 x -1 2 2 0 -\n",
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n1 1 x 99999999999999999999 2 2 0 -\n",
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n1 1 x 1 2 2 0 0 0 1.234 -\n",
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n# dev device disk\nvda 1\n",
		"# wamp 1.1 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n# system x\n",
	};
	struct wampp_report r;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, wampp_parse(bad[i], &r, err, sizeof(err)))
			TH_LOG("input #%zu was accepted", i);
		EXPECT_NE('\0', err[0]) TH_LOG("input #%zu: no message", i);
	}
}

TEST(amp_centi_exact)
{
	EXPECT_EQ(8533, wamp_amp_centi(48, 4096));
	EXPECT_EQ(199, wamp_amp_centi(100, 199));
	EXPECT_EQ(200, wamp_amp_centi(100, 200));
	EXPECT_EQ(0, wamp_amp_centi(0, 5));
	EXPECT_EQ(100, wamp_amp_centi(~0ULL, ~0ULL));
	EXPECT_EQ(~0ULL, wamp_amp_centi(1, ~0ULL));
	EXPECT_EQ(200, wamp_amp_centi(1ULL << 62, (1ULL << 63) + 1));
}

/* Each flag at, just below and just above its threshold. */
TEST(classify_thresholds)
{
	struct wamp_thresholds t = { 1000, 512, 10, 200 };

	EXPECT_EQ(0, wamp_classify(999, 999 * 48, 999, 999 * 4096, &t));
	EXPECT_EQ(WAMP_F_SMALL, wamp_classify(1000, 1000 * 511, 0, 0, &t));
	EXPECT_EQ(0, wamp_classify(1000, 1000 * 512, 0, 0, &t));
	EXPECT_EQ(WAMP_F_SMALL, wamp_classify(1000, 1000 * 512 - 1, 0, 0, &t));
	EXPECT_EQ(WAMP_F_SYNC, wamp_classify(1000, 1000 * 4096, 100, 0, &t));
	EXPECT_EQ(0, wamp_classify(1000, 1000 * 4096, 99, 0, &t));
	EXPECT_EQ(WAMP_F_AMP, wamp_classify(1000, 1000 * 4096, 0,
					    2000 * 4096, &t));
	EXPECT_EQ(0, wamp_classify(1000, 1000 * 4096, 0, 2000 * 4096 - 1, &t));
	/* No overflow near 2^64. */
	t = (struct wamp_thresholds){ 1, 1, 100, 100 };
	EXPECT_EQ(WAMP_F_SYNC | WAMP_F_AMP,
		  wamp_classify(~0ULL, ~0ULL, ~0ULL, ~0ULL, &t));
}

TEST(unescape)
{
	char out[64];

	ws_unescape("redis\\040bio", out, sizeof(out));
	EXPECT_STREQ("redis bio", out);
	ws_unescape("a\\134b\\012", out, sizeof(out));
	EXPECT_STREQ("a\\b\n", out);
	ws_unescape("\\9x\\04", out, sizeof(out));
	EXPECT_STREQ("\\9x\\04", out);
	ws_unescape("abcdef", out, 4);
	EXPECT_STREQ("abc", out);
}

static const char prev_txt[] =
	"# wamp 1.1 writes=1000 write_bytes=100000 syncs=10 blk_reqs=10 blk_bytes=40960 rows=3 slots=3/64 overflow=0 nested=0 iov_fault=0 dev_overflow=0 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
	"10 10 app 900 90000 100 10 10 40960 0.45 -\n"
	"11 10 app 100 10000 100 0 0 0 0.00 -\n"
	"12 12 idle 5 5 1 0 0 0 0.00 -\n"
	"- - (other) 0 0 - 0 0 0 - -\n"
	"# dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues\n"
	"254:0 vda 10 40960 1 0 0 0 0 0\n"
	"# system write_bytes=100000 dev_write_bytes=40960 amp=0.40\n";

/* 2 s later: pid 10 wrote 200 small writes and synced each; 13 is new. */
static const char cur_txt[] =
	"# wamp 1.1 writes=1300 write_bytes=106400 syncs=210 blk_reqs=210 blk_bytes=860160 rows=4 slots=4/64 overflow=0 nested=0 iov_fault=0 dev_overflow=0 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
	"10 10 app 1100 91600 83 210 210 860160 9.39 SMALL,SYNC,AMP\n"
	"11 10 app 100 10000 100 0 0 0 0.00 -\n"
	"12 12 idle 5 5 1 0 0 0 0.00 -\n"
	"13 13 new 100 4800 48 0 0 0 0.00 SMALL\n"
	"- - (other) 0 0 - 0 0 0 - -\n"
	"# dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues\n"
	"254:0 vda 210 860160 201 0 0 0 0 0\n"
	"# system write_bytes=106400 dev_write_bytes=860160 amp=8.08\n";

FIXTURE(interval) {
	struct wampp_report prev, cur;
	struct ws_result res;
};

FIXTURE_SETUP(interval)
{
	char err[256];

	ASSERT_EQ(0, wampp_parse(prev_txt, &self->prev, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, wampp_parse(cur_txt, &self->cur, err, sizeof(err)))
		TH_LOG("%s", err);
	memset(&self->res, 0, sizeof(self->res));
}

FIXTURE_TEARDOWN(interval)
{
	ws_result_free(&self->res);
	wampp_free(&self->prev);
	wampp_free(&self->cur);
}

/* Deltas, idle tasks dropped, flags on the deltas with the header's rules. */
TEST_F(interval, task_deltas_and_flags)
{
	struct ws_opts o = { .top = 20 };
	const struct ws_ent *e;

	ASSERT_EQ(0, ws_build(&self->cur, &self->prev, 2.0, &o, &self->res));
	EXPECT_EQ(2.0, self->res.seconds);
	EXPECT_EQ(100, self->res.th.min_writes);
	ASSERT_EQ(2, self->res.n);	/* 11 and 12 were idle */
	e = &self->res.ents[0];		/* sorted by block bytes */
	EXPECT_EQ(10, e->pid);
	EXPECT_EQ(200, e->writes);
	EXPECT_EQ(1600, e->write_bytes);
	EXPECT_EQ(200, e->syncs);
	EXPECT_EQ(819200, e->blk_bytes);
	/* 8-byte writes, a sync each, 512x: all three, on the interval. */
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, e->flags);
	e = &self->res.ents[1];
	EXPECT_EQ(13, e->pid);		/* new since prev: all of it counts */
	EXPECT_EQ(100, e->writes);
	EXPECT_EQ(WAMP_F_SMALL, e->flags);
	EXPECT_EQ(300, self->res.writes);
	EXPECT_EQ(819200, self->res.dev_write_bytes);
}

TEST_F(interval, processes_fold_threads)
{
	struct ws_opts o = { .view = WS_PROCS };

	ASSERT_EQ(0, ws_build(&self->cur, NULL, 0, &o, &self->res));
	ASSERT_EQ(3, self->res.n);
	EXPECT_EQ(10, self->res.ents[0].pid);
	EXPECT_EQ(2, self->res.ents[0].ntasks);
	EXPECT_EQ(1200, self->res.ents[0].writes);
	EXPECT_EQ(101600, self->res.ents[0].write_bytes);
}

TEST_F(interval, filters_and_top)
{
	long long pids[] = { 12, 13 };
	struct ws_opts o = { .pids = pids, .npids = 2, .key = WS_KEY_WRITES };

	ASSERT_EQ(0, ws_build(&self->cur, NULL, 0, &o, &self->res));
	ASSERT_EQ(2, self->res.n);
	EXPECT_EQ(13, self->res.ents[0].pid);
	ws_result_free(&self->res);
	o = (struct ws_opts){ .flagged = true, .top = 1 };
	ASSERT_EQ(0, ws_build(&self->cur, NULL, 0, &o, &self->res));
	ASSERT_EQ(1, self->res.n);
	EXPECT_EQ(10, self->res.ents[0].pid);
}

/* A reset between the reads: counts since the reset, nothing negative. */
TEST_F(interval, reset_between_reads)
{
	struct ws_opts o = { 0 };

	ASSERT_EQ(0, ws_build(&self->prev, &self->cur, 1.0, &o, &self->res));
	EXPECT_EQ(1000, self->res.writes);
	for (size_t i = 0; i < self->res.n; i++)
		EXPECT_GE(1000000, self->res.ents[i].writes);
}

TEST_F(interval, device_deltas)
{
	struct ws_opts o = { .view = WS_DEVS };

	ASSERT_EQ(0, ws_build(&self->cur, &self->prev, 2.0, &o, &self->res));
	ASSERT_EQ(1, self->res.n);
	EXPECT_STREQ("254:0", self->res.ents[0].dev);
	EXPECT_EQ(200, self->res.ents[0].d.write_reqs);
	EXPECT_EQ(819200, self->res.ents[0].d.write_bytes);
	EXPECT_EQ(200, self->res.ents[0].d.flush_reqs);
}

static char *render(void (*fn)(FILE *, const struct ws_result *,
			       const struct ws_opts *),
		    const struct ws_result *res, const struct ws_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, res, o);
	fclose(f);
	return buf;
}

/* Label values escaped; a reused pid of one program is one series. */
TEST(prometheus_output)
{
	static const char txt[] =
		"# wamp 1.1 writes=3 write_bytes=3 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
		"5 5 a\\042b\\134 1 1 1 0 0 0 0.00 EXITED\n"
		"5 5 a\\042b\\134 2 2 1 0 0 0 0.00 -\n"
		"- - (other) 0 0 - 0 0 0 - -\n";
	static const char want[] =
		"wamp_task_writes_total{pid=\"5\",tgid=\"5\",comm=\"a\\\"b\\\\\"} 3\n";
	struct ws_opts o = { .format = WS_PROM };
	struct wampp_report r;
	struct ws_result res;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &o, &res));
	EXPECT_EQ(1, res.n);
	out = render(ws_print_prom, &res, &o);
	EXPECT_NE(NULL, strstr(out, want));
	EXPECT_NE(NULL, strstr(out, "# TYPE wamp_task_writes_total counter\n"));
	free(out);
	ws_result_free(&res);
	wampp_free(&r);
}

/* Format 1.2's exited line: parsed; unknown sections still skipped. */
TEST(exited_line)
{
	static const char txt[] =
		"# wamp 1.2 writes=9 write_bytes=90 syncs=1 blk_reqs=0 blk_bytes=0\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
		"5 5 a 4 40 10 0 0 0 0.00 -\n"
		"- - (other) 0 0 - 0 0 0 - -\n"
		"# exited rows=2 writes=5 write_bytes=50 syncs=1 blk_reqs=0 blk_bytes=0\n"
		"# future k=v\n"
		"1 2 3\n"
		"# system write_bytes=90 dev_write_bytes=0 amp=0.00\n";
	struct wampp_report r;
	char err[256];
	bool found = false;

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(2, r.minor);
	EXPECT_EQ(1, r.nrows);
	EXPECT_EQ(2, wampp_exited_key(&r, "rows", &found));
	EXPECT_TRUE(found);
	EXPECT_EQ(5, wampp_exited_key(&r, "writes", NULL));
	EXPECT_EQ(50, wampp_exited_key(&r, "write_bytes", NULL));
	EXPECT_EQ(90, wampp_sys_key(&r, "write_bytes", NULL));
	/* Rows, (other) and exited make the totals. */
	EXPECT_EQ(wampp_key(&r, "writes", NULL),
		  r.rows[0].writes + r.other.writes +
		  wampp_exited_key(&r, "writes", NULL));
	wampp_free(&r);
}

static void json_at_0(FILE *f, const struct ws_result *res,
		      const struct ws_opts *o)
{
	ws_print_json(f, res, o, 0);
}

/*
 * Format 1.3: dirtied and wb_bytes, in every view and format.  The flusher
 * row has nothing left: the writeback went to the dirtier (dd).
 */
TEST(attribution_columns)
{
	static const char txt[] =
		"# wamp 1.3 writes=4096 write_bytes=16777216 syncs=0 blk_reqs=130 blk_bytes=16805888 dirtied=16777216 wb_bytes=16777216 jrnl_bytes=20480 rows=2 slots=2/2048 overflow=0 nested=0 iov_fault=0 dev_overflow=0 owners=3/4096 owner_evicted=0 wb_unowned=1 wb_unowned_bytes=4096 jrnl_kept_bytes=8192 min_writes=1000 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp dirtied wb_bytes jrnl_bytes flags\n"
		"301 301 dd 4096 16777216 4096 0 128 16797696 1.00 16777216 16777216 20480 -\n"
		"57 57 jbd2/vda-8 0 0 - 0 2 8192 - 0 0 0 -\n"
		"- - (other) 0 0 - 0 0 0 - 0 0 0 -\n"
		"# exited rows=0 writes=0 write_bytes=0 syncs=0 blk_reqs=0 blk_bytes=0 dirtied=0 wb_bytes=0 jrnl_bytes=0\n"
		"# dev device disk write_reqs write_bytes flush_reqs fua_reqs preflush_reqs discard_reqs discard_bytes requeues\n"
		"254:0 vda 130 16805888 0 0 0 0 0 0\n"
		"# system write_bytes=16777216 dev_write_bytes=16805888 amp=1.00\n";
	struct ws_opts o = { .format = WS_TEXT };
	const struct wampp_row *dd;
	struct wampp_report r;
	struct ws_result res;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(3, r.minor);
	dd = wampp_find(&r, 301);
	ASSERT_NE(NULL, dd);
	EXPECT_EQ(16777216, dd->dirtied);
	EXPECT_EQ(16777216, dd->wb_bytes);
	EXPECT_EQ(20480, dd->jrnl_bytes);
	EXPECT_EQ(100, dd->amp_centi);
	EXPECT_EQ(8192, wampp_key(&r, WAMP_KEY_JRNL_KEPT_BYTES, NULL));
	EXPECT_EQ(0, wampp_find(&r, 57)->wb_bytes);
	EXPECT_EQ(1, wampp_key(&r, WAMP_KEY_WB_UNOWNED, NULL));
	EXPECT_EQ(4096, wampp_key(&r, WAMP_KEY_WB_UNOWNED_BYTES, NULL));
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &o, &res));
	out = render(ws_print_text, &res, &o);
	EXPECT_NE(NULL, strstr(out, "DIRTIED     WB_BYTES   JRNL_BYTES FLAGS\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "    16777216     16777216        20480 -\n"))
		TH_LOG("%s", out);
	free(out);
	out = render(json_at_0, &res, &o);
	EXPECT_NE(NULL, strstr(out, "\"wb_bytes\":16777216,\"jrnl_bytes\":20480"))
		TH_LOG("%s", out);
	free(out);
	out = render(ws_print_prom, &res, &o);
	EXPECT_NE(NULL, strstr(out, "# TYPE wamp_task_writeback_bytes_total counter\n"))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "wamp_task_dirtied_bytes_total{pid=\"301\""))
		TH_LOG("%s", out);
	free(out);
	ws_result_free(&res);
	wampp_free(&r);
}

/* wampstat shows the exited line in every format, and its interval. */
TEST(exited_line_shown)
{
	static const char before[] =
		"# wamp 1.2 writes=9 write_bytes=90 syncs=1 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
		"5 5 a 4 40 10 0 0 0 0.00 -\n"
		"- - (other) 0 0 - 0 0 0 - -\n"
		"# exited rows=2 writes=5 write_bytes=50 syncs=1 blk_reqs=0 blk_bytes=0\n"
		"# system write_bytes=90 dev_write_bytes=0 amp=0.00\n";
	static const char after[] =
		"# wamp 1.2 writes=19 write_bytes=190 syncs=1 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
		"5 5 a 4 40 10 0 0 0 0.00 -\n"
		"- - (other) 0 0 - 0 0 0 - -\n"
		"# exited rows=7 writes=15 write_bytes=150 syncs=1 blk_reqs=0 blk_bytes=0\n"
		"# system write_bytes=190 dev_write_bytes=0 amp=0.00\n";
	static const char old11[] =
		"# wamp 1.1 writes=4 write_bytes=40 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n"
		"5 5 a 4 40 10 0 0 0 0.00 -\n"
		"- - (other) 0 0 - 0 0 0 - -\n";
	struct ws_opts o = { .format = WS_TEXT };
	struct wampp_report r, p;
	struct ws_result res;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(after, &r, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, wampp_parse(before, &p, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &o, &res));
	out = render(ws_print_text, &res, &o);
	EXPECT_NE(NULL, strstr(out, "exited tasks folded: 7, with 15 writes, 150 bytes\n"))
		TH_LOG("%s", out);
	free(out);
	out = render(json_at_0, &res, &o);
	EXPECT_NE(NULL, strstr(out, ",\"exited\":{\"rows\":7,\"writes\":15,\"write_bytes\":150},"))
		TH_LOG("%s", out);
	free(out);
	out = render(ws_print_prom, &res, &o);
	EXPECT_NE(NULL, strstr(out, "\nwamp_exited_rows_total 7\n"));
	EXPECT_NE(NULL, strstr(out, "\nwamp_exited_write_bytes_total 150\n"));
	free(out);
	ws_result_free(&res);
	/* An interval: what was folded in it. */
	ASSERT_EQ(0, ws_build(&r, &p, 2.0, &o, &res));
	EXPECT_EQ(5, res.exited_rows);
	EXPECT_EQ(10, res.exited_writes);
	EXPECT_EQ(100, res.exited_write_bytes);
	ws_result_free(&res);
	wampp_free(&p);
	wampp_free(&r);
	/* No exited line (format 1.1): nothing shown. */
	ASSERT_EQ(0, wampp_parse(old11, &r, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &o, &res));
	EXPECT_EQ(0, res.exited_rows);
	out = render(ws_print_text, &res, &o);
	EXPECT_EQ(0, strstr(out, "exited tasks") ? 1 : 0);
	free(out);
	ws_result_free(&res);
	wampp_free(&r);
}

/* Intervals parse exactly, beyond what 32-bit microseconds could hold. */
TEST(interval_parse)
{
	EXPECT_EQ(1000000000LL, ws_interval_ns("1"));
	EXPECT_EQ(500000000LL, ws_interval_ns("0.5"));
	EXPECT_EQ(1LL, ws_interval_ns("0.000000001"));
	EXPECT_EQ(5000LL * 1000000000LL, ws_interval_ns("5000"));
	EXPECT_EQ(86400LL * 1000000000LL, ws_interval_ns("86400"));
	EXPECT_EQ(86400LL * 1000000000LL, ws_interval_ns("86400.0"));
	EXPECT_EQ(-1, ws_interval_ns("86400.1"));
	EXPECT_EQ(-1, ws_interval_ns("86401"));
	EXPECT_EQ(-1, ws_interval_ns("0"));
	EXPECT_EQ(-1, ws_interval_ns("0.0"));
	EXPECT_EQ(-1, ws_interval_ns("-1"));
	EXPECT_EQ(-1, ws_interval_ns("1e3"));
	EXPECT_EQ(-1, ws_interval_ns(".5"));
	EXPECT_EQ(-1, ws_interval_ns("1s"));
	EXPECT_EQ(-1, ws_interval_ns(""));
	EXPECT_EQ(-1, ws_interval_ns("0.0000000001"));
	EXPECT_EQ(-1, ws_interval_ns("99999999999999999999"));
}

/*
 * Deadlines are start + k intervals: 5000 s (which overflowed a 32-bit
 * usleep() argument and slept 705 s) is 5000 s, and the thousandth
 * deadline of a 0.1 s schedule is exactly 100 s on, not 100 s plus the
 * reports' run time.
 */
TEST(interval_deadlines)
{
	struct timespec start = { 1000, 999999999 }, d;

	d = ws_deadline(&start, ws_interval_ns("5000"), 1);
	EXPECT_EQ(6000, d.tv_sec);
	EXPECT_EQ(999999999, d.tv_nsec);
	d = ws_deadline(&start, ws_interval_ns("5000"), 17);
	EXPECT_EQ(1000 + 17 * 5000, d.tv_sec);
	d = ws_deadline(&start, ws_interval_ns("0.1"), 1000);
	EXPECT_EQ(1100, d.tv_sec);
	EXPECT_EQ(999999999, d.tv_nsec);
	d = ws_deadline(&start, ws_interval_ns("0.000000001"), 1);
	EXPECT_EQ(1001, d.tv_sec);
	EXPECT_EQ(0, d.tv_nsec);
	d = ws_deadline(&start, ws_interval_ns("86400"), 100000);
	EXPECT_EQ(1000 + 86400LL * 100000, d.tv_sec);
	EXPECT_EQ(999999999, d.tv_nsec);
}

/*
 * After deadline k the next is k + 1, or, for a report that came late,
 * the first deadline still ahead: found by division, so a tiny interval
 * never spins through the ones missed.
 */
TEST(interval_next_skips_missed)
{
	struct timespec start = { 100, 500000000 }, now = { 100, 700000000 };

	EXPECT_EQ(1, ws_next_interval(&start, &now, ws_interval_ns("1"), 0));
	EXPECT_EQ(8, ws_next_interval(&start, &now, ws_interval_ns("1"), 7));
	now.tv_sec = 105;	/* 5.2 s after the start */
	EXPECT_EQ(6, ws_next_interval(&start, &now, ws_interval_ns("1"), 1));
	EXPECT_EQ(6, ws_next_interval(&start, &now, ws_interval_ns("1"), 5));
	EXPECT_EQ(7, ws_next_interval(&start, &now, ws_interval_ns("1"), 6));
	EXPECT_EQ(5200000001LL, ws_next_interval(&start, &now,
						 ws_interval_ns("0.000000001"),
						 1));
	now.tv_sec = 100;
	now.tv_nsec = 0;	/* before the start: the clock cannot, but */
	EXPECT_EQ(3, ws_next_interval(&start, &now, ws_interval_ns("1"), 2));
}

/*
 * wampstat 4295 1 sleeps 4295 s: as a 32-bit usleep() argument in
 * microseconds that was 32704, and it reported after 33 ms.  It must
 * still be waiting a second later.
 */
TEST(interval_long_sleeps_long)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl("build/tools/wampstat", "wampstat", "-f",
		      FIX "v1.1-demo.txt", "4295", "1", (char *)NULL);
		_exit(127);
	}
	sleep(1);
	EXPECT_EQ(0, waitpid(pid, &st, WNOHANG));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
}

TEST_HARNESS_MAIN
