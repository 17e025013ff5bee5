// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the /proc/wamp parser, the shared flag rules and
 * wampstat's view logic (deltas, folding, flags, output), its write sizes,
 * stacks and explanations (format 1.5, debugfs wamp/stacks), on fixtures.
 * Run from the repository root: fixtures are read from tests/unit/fixtures.
 */
#define _GNU_SOURCE
#include <assert.h>
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
#include "wsexplain.h"
#include "wsstacks.h"
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

/* ---- format 1.4: the cgroup column and section, containers ---- */

#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111"
#define ID_C "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define ID_D "d00dfeedd00dfeedd00dfeedd00dfeedd00dfeedd00dfeedd00dfeedd00dfeed"
#define ID_E "eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222"
#define UID1 "1234abcd-5678-90ab-cdef-1234567890ab"
#define UID2 "abcdef01-2345-6789-abcd-ef0123456789"
#define POD1 "/kubepods.slice/kubepods-burstable.slice/" \
	"kubepods-burstable-pod1234abcd_5678_90ab_cdef_1234567890ab.slice"
#define POD2 "/kubepods.slice/kubepods-besteffort.slice/" \
	"kubepods-besteffort-podabcdef01_2345_6789_abcd_ef0123456789.slice"
#define POD0 "/kubepods.slice/kubepods-pod1234abcd_5678_90ab_cdef_1234567890ab.slice"
/* A kind node's pod, in the node's docker container. */
#define KIND_POD "/system.slice/docker-" ID_B ".scope" KUBELET \
	"/kubelet-kubepods-besteffort-podabcdef01_2345_6789_abcd_ef0123456789.slice"
#define KUBELET "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice"
/* Not container ids: 63 hex digits, a 'g', uppercase. */
#define HEX63 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"
#define HEXG "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEXU "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define FIX14 FIX "v1.4-containers.txt"

/* Each string of the NULL-terminated @want is somewhere in @out. */
static void expect_in(struct __test_metadata *_metadata, const char *out,
		      const char *const *want)
{
	for (; *want; want++)
		EXPECT_NE(NULL, strstr(out, *want))
			TH_LOG("no '%s' in:\n%s", *want, out);
}

FIXTURE(v14) {
	struct wampp_report r;
	struct ws_result res;
};

FIXTURE_SETUP(v14)
{
	char err[256];

	ASSERT_EQ(0, parse_file(FIX14, &self->r, err, sizeof(err)))
		TH_LOG("%s", err);
	memset(&self->res, 0, sizeof(self->res));
}

FIXTURE_TEARDOWN(v14)
{
	ws_result_free(&self->res);
	wampp_free(&self->r);
}

/* The row of the view with cgroup @id (cgroup view), or NULL. */
static const struct ws_ent *ent_cg(const struct ws_result *res, long long id)
{
	for (size_t i = 0; i < res->n; i++)
		if (res->ents[i].cgroup == id)
			return &res->ents[i];
	return NULL;
}

/* The row of the view with pid @pid (tgid with -P), or NULL. */
static const struct ws_ent *ent_pid(const struct ws_result *res,
				    long long pid)
{
	for (size_t i = 0; i < res->n; i++)
		if (res->ents[i].pid == pid)
			return &res->ents[i];
	return NULL;
}

TEST_F(v14, parse_rows_and_keys)
{
	struct wampp_report *r = &self->r;
	bool found = true;

	EXPECT_EQ(1, r->major);
	EXPECT_EQ(4, r->minor);
	EXPECT_EQ(14, r->nrows);
	EXPECT_TRUE(r->has_other);
	EXPECT_TRUE(r->has_cgroups);
	EXPECT_STREQ("v2", r->cg_io);
	EXPECT_EQ(15, r->ncgs);
	EXPECT_EQ(15, wampp_cg_key(r, WAMP_KEY_ROWS, NULL));
	EXPECT_EQ(2, wampp_cg_key(r, WAMP_KEY_OVERFLOW, &found));
	EXPECT_TRUE(found);
	EXPECT_EQ(1, wampp_cg_key(r, WAMP_KEY_RECLAIMED, &found));
	EXPECT_TRUE(found);
	wampp_cg_key(r, WAMP_KEY_SLOTS, &found);	/* "16/256" */
	EXPECT_FALSE(found);
	EXPECT_EQ(4321, wampp_find(r, 144)->cgroup);
	EXPECT_EQ(4321, wampp_find(r, 145)->cgroup);
	EXPECT_EQ(5103, wampp_find(r, 300)->cgroup);
	EXPECT_EQ(WAMPP_NONE, wampp_find(r, 700)->cgroup);
	EXPECT_EQ(WAMPP_NONE, r->other.cgroup);
	EXPECT_EQ(WAMP_F_EXITED, wampp_find(r, 510)->flags);
	/* Unchanged columns still right around the new one. */
	EXPECT_EQ(120000000, wampp_find(r, 144)->jrnl_bytes);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP,
		  wampp_find(r, 144)->flags);
}

TEST_F(v14, parse_cgroup_rows)
{
	const struct wampp_cg *g;
	struct wampp_report *r = &self->r;
	unsigned long long w = 0, b = 0, s = 0;

	g = wampp_find_cg(r, 4321);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(4321, g->id);
	EXPECT_EQ(11062, g->writes);
	EXPECT_EQ(539432, g->write_bytes);
	EXPECT_EQ(48, g->avg_write);
	EXPECT_EQ(11033, g->syncs);
	EXPECT_EQ(2000, g->blk_reqs);
	EXPECT_EQ(180000000, g->blk_bytes);
	EXPECT_EQ(180000000, g->tc[WAMP_TC_blk_bytes]);
	EXPECT_EQ(0, g->dirtied);	/* not a cgroup column */
	EXPECT_EQ(33368, g->amp_centi);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, g->flags);
	EXPECT_STREQ("SMALL,SYNC,AMP", g->flagstr);
	EXPECT_STREQ("/docker/" ID_A, g->path);
	EXPECT_STREQ("/docker/" ID_A, g->upath);
	g = wampp_find_cg(r, 1);
	ASSERT_NE(NULL, g);
	EXPECT_STREQ("/", g->upath);
	EXPECT_EQ(273066, g->amp_centi);
	EXPECT_EQ(0, g->flags);
	EXPECT_EQ(WAMP_F_REMOVED, wampp_find_cg(r, 5555)->flags);
	EXPECT_STREQ("REMOVED", wampp_find_cg(r, 5555)->flagstr);
	g = wampp_find_cg(r, 7100);
	ASSERT_NE(NULL, g);
	EXPECT_STREQ("/system.slice/my\\040app.service", g->path);
	EXPECT_STREQ("/system.slice/my app.service", g->upath);
	EXPECT_EQ(g, wampp_find_cg_path(r, "/system.slice/my app.service"));
	EXPECT_EQ(NULL, wampp_find_cg_path(r, g->path));
	EXPECT_EQ(5103, wampp_find_cg_path(r, POD1 "/cri-containerd-" ID_C
					   ".scope")->id);
	EXPECT_EQ(NULL, wampp_find_cg(r, 999));
	EXPECT_EQ(NULL, wampp_find_cg(r, (unsigned long long)WAMPP_NONE));
	ASSERT_TRUE(r->has_cg_other);
	g = &r->cg_other;
	EXPECT_EQ(WAMPP_NONE, g->id);
	EXPECT_EQ(4, g->writes);
	EXPECT_EQ(40, g->write_bytes);
	EXPECT_EQ(10, g->avg_write);
	EXPECT_EQ(3, g->blk_reqs);
	EXPECT_EQ(12288, g->blk_bytes);
	EXPECT_EQ(30720, g->amp_centi);
	EXPECT_STREQ("(other)", g->upath);
	/* The syscalls: every cgroup row and (other) make the totals. */
	for (size_t i = 0; i < r->ncgs; i++) {
		w += r->cgs[i].writes;
		b += r->cgs[i].write_bytes;
		s += r->cgs[i].syncs;
	}
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITES, NULL), w + g->writes);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_WRITE_BYTES, NULL),
		  b + g->write_bytes);
	EXPECT_EQ(wampp_key(r, WAMP_KEY_SYNCS, NULL), s + g->syncs);
}

/* Before 1.4: no column (unknown cgroup), no section. */
TEST(parse_older_have_no_cgroups)
{
	static const char *const files[] = { FIX "v1.0.txt",
					     FIX "v1.1-demo.txt",
					     FIX "v1.9-future.txt" };
	struct wampp_report r;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		ASSERT_EQ(0, parse_file(files[i], &r, err, sizeof(err)))
			TH_LOG("%s: %s", files[i], err);
		EXPECT_FALSE(r.has_cgroups);
		EXPECT_EQ(0, r.ncgs);
		EXPECT_FALSE(r.has_cg_other);
		EXPECT_EQ(NULL, wampp_find_cg(&r, 1));
		for (size_t j = 0; j < r.nrows; j++)
			EXPECT_EQ(WAMPP_NONE, r.rows[j].cgroup);
		EXPECT_EQ(WAMPP_NONE, r.other.cgroup);
		wampp_free(&r);
	}
}

/* A later minor: unknown keys, columns (even after path), flags, sections. */
TEST(parse_cgroup_section_future_minor)
{
	static const char txt[] =
		"# wamp 1.7 writes=2 write_bytes=20 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup newcol flags\n"
		"5 5 a 2 20 10 0 0 0 0.00 77 x -\n"
		"- - (other) 0 0 - 0 0 0 - - x -\n"
		"# cgroup io=v1 rows=1 slots=1/16 overflow=0 newkey=3\n"
		"new1 id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path new2\n"
		"q 77 2 20 10 0 0 0 0.00 SYNC,NEWFLAG /a\\134b z\n"
		"q - 0 0 - 0 0 0 - - (other) z\n"
		"# later k=v\n"
		"anything goes 1 2 3\n";
	const struct wampp_cg *g;
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(77, r.rows[0].cgroup);
	EXPECT_STREQ("v1", r.cg_io);
	EXPECT_EQ(3, wampp_cg_key(&r, "newkey", NULL));
	ASSERT_EQ(1, r.ncgs);
	g = wampp_find_cg(&r, 77);
	ASSERT_NE(NULL, g);
	EXPECT_EQ(2, g->writes);
	EXPECT_EQ(WAMP_F_SYNC, g->flags);
	EXPECT_STREQ("/a\\134b", g->path);
	EXPECT_STREQ("/a\\b", g->upath);
	EXPECT_TRUE(r.has_cg_other);
	wampp_free(&r);
}

/* A 1.4 report's first lines, then its cgroup section's first two. */
#define HEAD14 "# wamp 1.4 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n"
#define CGHDR "id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n"
#define CG14 HEAD14 "# cgroup io=v2\n" CGHDR

TEST(parse_cgroup_rejects_malformed)
{
	static const char *const bad[] = {
		HEAD14 "# cgroup io=v2\n",			/* no header */
		HEAD14 "# cgroup io=v2\n# system a=1\n",	/* no header */
		HEAD14 "# cgroup io\n" CGHDR,			/* bad key */
		HEAD14 "# cgroup io=v2\n"			/* no path */
		"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags\n",
		CG14 "1 0 0 - 0 0 0 - -\n",
		CG14 "x 0 0 - 0 0 0 - - /\n",
		CG14 "-5 0 0 - 0 0 0 - - /\n",
		CG14 "1 -1 0 - 0 0 0 - - /\n",
		CG14 "1 0 0 a 0 0 0 - - /\n",
		CG14 "1 1 1 1 0 0 0 1.234 - /\n",
		CG14 "1 0 0 - 0 0 99999999999999999999 - - /\n",
		/* good rows first: their paths must be freed too */
		CG14 "1 0 0 - 0 0 0 - - /\n- 0 0 - 0 0 0 - - (other)\n"
		"2 0 x - 0 0 0 - - /a\n",
		"# wamp 1.4 a=1\n"
		"pid tgid comm writes write_bytes avg_write syncs cgroup flags\n"
		"1 1 x 1 1 1 0 abc -\n",
	};
	struct wampp_report r;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, wampp_parse(bad[i], &r, err, sizeof(err)))
			TH_LOG("input #%zu was accepted", i);
		EXPECT_NE('\0', err[0]) TH_LOG("input #%zu: no message", i);
		EXPECT_EQ(NULL, r.cgs);
		EXPECT_EQ(NULL, r.cg_other.path);
	}
}

struct ct_case {
	const char *path;
	const char *runtime;
	const char *id;		/* full; the short one is its first 12 */
	const char *pod;
	const char *unit;
	const char *label;
};

/* Every layout, and what must not be taken for a container. */
static const struct ct_case ct_cases[] = {
	{ "/docker/" ID_A, "docker", ID_A, "", "", "0123456789ab" },
	{ "/system.slice/docker-" ID_B ".scope", "docker", ID_B, "", "",
	  "bbbb1111bbbb" },
	{ "/docker-" ID_B ".scope", "docker", ID_B, "", "", "bbbb1111bbbb" },
	{ POD1 "/cri-containerd-" ID_C ".scope", "containerd", ID_C, UID1, "",
	  "c0ffee00c0ff" },
	{ POD1, "", "", UID1, "", UID1 },
	{ POD0, "", "", UID1, "", UID1 },
	{ POD2 "/crio-" ID_D ".scope", "cri-o", ID_D, UID2, "",
	  "d00dfeedd00d" },
	{ POD2 "/crio-conmon-" ID_D ".scope", "", "", UID2,
	  "crio-conmon-" ID_D ".scope", UID2 },
	{ "/machine.slice/libpod-" ID_E ".scope", "podman", ID_E, "", "",
	  "eeee2222eeee" },
	{ "/machine.slice/libpod-conmon-" ID_E ".scope", "", "", "",
	  "libpod-conmon-" ID_E ".scope", "libpod-conmon-" ID_E ".scope" },
	{ "/libpod_parent/libpod-" ID_E, "podman", ID_E, "", "",
	  "eeee2222eeee" },
	{ "/kubepods/burstable/pod" UID1 "/" ID_C, "kubernetes", ID_C, UID1,
	  "", "c0ffee00c0ff" },
	{ "/kubepods/pod" UID1 "/" ID_C, "kubernetes", ID_C, UID1, "",
	  "c0ffee00c0ff" },
	{ "/kubepods/besteffort/pod" UID2, "", "", UID2, "", UID2 },
	{ "/kubepods/burstable/pod" UID1 "/crio-" ID_D, "cri-o", ID_D, UID1,
	  "", "d00dfeedd00d" },
	{ "/system.slice/redis-server.service", "", "", "",
	  "redis-server.service", "redis-server.service" },
	{ "/user.slice/user-1000.slice/session-3.scope", "", "", "",
	  "session-3.scope", "session-3.scope" },
	{ "/system.slice", "", "", "", "system.slice", "system.slice" },
	{ "/", "", "", "", "", "-" },
	{ "(other)", "", "", "", "", "-" },
	/* Below a container: the container's; its unit if it is one. */
	{ "/docker/" ID_A "/init.scope", "docker", ID_A, "", "init.scope",
	  "0123456789ab" },
	{ "/../docker/" ID_A, "docker", ID_A, "", "", "0123456789ab" },
	/* A kind node: the pod in the node's container starts afresh. */
	{ KIND_POD "/cri-containerd-" ID_C ".scope", "containerd", ID_C, UID2,
	  "", "c0ffee00c0ff" },
	{ KIND_POD, "", "", UID2, "", UID2 },
	/* Not containers: 63 hex, a non-hex digit, uppercase, no context. */
	{ "/system.slice/docker-" HEX63 ".scope", "", "", "",
	  "docker-" HEX63 ".scope", NULL },
	{ "/system.slice/docker-" HEXG ".scope", "", "", "",
	  "docker-" HEXG ".scope", NULL },
	{ "/system.slice/docker-" HEXU ".scope", "", "", "",
	  "docker-" HEXU ".scope", NULL },
	{ "/docker/" HEX63, "", "", "", "", "-" },
	{ "/docker/" ID_A "0", "", "", "", "", "-" },
	{ "/" ID_C, "", "", "", "", "-" },
	{ "/foo/" ID_C, "", "", "", "", "-" },
	{ "/machine.slice/libpod-" ID_E, "podman", ID_E, "", "",
	  "eeee2222eeee" },
	{ "/system.slice/cri-containerd-" ID_C, "", "", "", "", "-" },
	{ "/kubepods.slice/kubepods-burstable-podxyz.slice", "", "", "",
	  "kubepods-burstable-podxyz.slice", NULL },
	{ "/kubepods.slice/kubepods-burstable-pod.slice", "", "", "",
	  "kubepods-burstable-pod.slice", NULL },
	{ "/kubepods.slice/notkubepods-pod1234.slice", "", "", "",
	  "notkubepods-pod1234.slice", NULL },
	{ "/notkubepods/pod" UID1, "", "", "", "", "-" },
	{ "/kubepods/guaranteed/pod" UID1, "", "", "", "", "-" },
	{ "/kubepods/pod" UID1 "_x", "", "", "", "", "-" },
	{ "/system.slice/.service", "", "", "", "", "-" },
};

static void check_ct(struct __test_metadata *_metadata,
		     const struct ct_case *c)
{
	struct ws_container ct;
	char shrt[WS_CT_SHORT_LEN + 1];

	snprintf(shrt, sizeof(shrt), "%s", c->id);
	ws_container_parse(c->path, &ct);
	EXPECT_STREQ(c->runtime, ct.runtime) TH_LOG("%s", c->path);
	EXPECT_STREQ(c->id, ct.id) TH_LOG("%s", c->path);
	EXPECT_STREQ(shrt, ct.short_id) TH_LOG("%s", c->path);
	EXPECT_STREQ(c->pod, ct.pod_uid) TH_LOG("%s", c->path);
	EXPECT_STREQ(c->unit, ct.unit) TH_LOG("%s", c->path);
	EXPECT_STREQ(c->label ? c->label : c->unit, ws_container_label(&ct))
		TH_LOG("%s", c->path);
}

TEST(container_recognition)
{
	struct ws_container ct;
	char longp[600];

	for (size_t i = 0; i < ARRAY_SIZE(ct_cases); i++)
		check_ct(_metadata, &ct_cases[i]);
	/* A component longer than a cgroup's name: not recognised. */
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	memcpy(longp + sizeof(longp) - 9, ".service", 9);
	ws_container_parse(longp, &ct);
	EXPECT_STREQ("", ct.unit);
	EXPECT_STREQ("-", ws_container_label(&ct));
}

TEST(container_arg_and_match)
{
	struct ws_container ct;
	char out[WS_CT_ID_LEN + 1];

	EXPECT_EQ(0, ws_container_arg("0123", out, sizeof(out)));
	EXPECT_STREQ("0123", out);
	EXPECT_EQ(0, ws_container_arg("0123456789AB", out, sizeof(out)));
	EXPECT_STREQ("0123456789ab", out);
	EXPECT_EQ(0, ws_container_arg("1234ABCD_5678", out, sizeof(out)));
	EXPECT_STREQ("1234abcd-5678", out);
	EXPECT_EQ(0, ws_container_arg(ID_A, out, sizeof(out)));
	EXPECT_STREQ(ID_A, out);
	EXPECT_EQ(-1, ws_container_arg("012", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg("xyz1", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg("----", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg("12-3", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg(ID_A "0", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg("", out, sizeof(out)));
	EXPECT_EQ(-1, ws_container_arg("0123", out, 4));
	ws_container_parse(POD1 "/cri-containerd-" ID_C ".scope", &ct);
	EXPECT_TRUE(ws_container_match(&ct, "c0ffee00"));
	EXPECT_TRUE(ws_container_match(&ct, "c0ffee00c0ff"));
	EXPECT_TRUE(ws_container_match(&ct, ID_C));
	EXPECT_TRUE(ws_container_match(&ct, "1234abcd"));
	EXPECT_TRUE(ws_container_match(&ct, UID1));
	EXPECT_FALSE(ws_container_match(&ct, "0ffee00c"));
	EXPECT_FALSE(ws_container_match(&ct, "abcd"));
	ws_container_parse("/system.slice/redis-server.service", &ct);
	EXPECT_FALSE(ws_container_match(&ct, "0000"));
}

TEST(path_below)
{
	EXPECT_TRUE(ws_path_below("/a/b", "/a"));
	EXPECT_TRUE(ws_path_below("/a", "/a"));
	EXPECT_TRUE(ws_path_below("/a", "/a/"));
	EXPECT_TRUE(ws_path_below("/a/b/c", "/a/b"));
	EXPECT_FALSE(ws_path_below("/ab", "/a"));
	EXPECT_FALSE(ws_path_below("/a", "/a/b"));
	EXPECT_TRUE(ws_path_below("/", "/"));
	EXPECT_TRUE(ws_path_below("/x", "/"));
	EXPECT_TRUE(ws_path_below("/..x", "/"));
	EXPECT_FALSE(ws_path_below("/..", "/"));
	EXPECT_FALSE(ws_path_below("/../x", "/"));
	EXPECT_TRUE(ws_path_below("/../x", "/.."));
	EXPECT_FALSE(ws_path_below("(other)", "/"));
}

/* The text output of a view of @r; the caller frees it. */
static char *text_of(const struct wampp_report *r,
		     const struct wampp_report *prev, double secs,
		     const struct ws_opts *o,
		     void (*fn)(FILE *, const struct ws_result *,
				const struct ws_opts *))
{
	struct ws_result res;
	char *out;

	if (ws_build(r, prev, secs, o, &res))
		return strdup("(ws_build failed)");
	out = render(fn, &res, o);
	ws_result_free(&res);
	return out;
}

/* -c: one row per cgroup, sorted, the container columns, path last. */
TEST_F(v14, cgroup_view)
{
	static const long long order[] = { 4321, 5103, 5000, 6000, 7000, 1,
					   5200, 7100, 100, 5100, 5101, 5102,
					   5201, 5555, 6001 };
	struct ws_opts o = { .view = WS_CGROUPS };
	struct ws_result *res = &self->res;
	const struct ws_ent *e;

	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	EXPECT_TRUE(res->has_cgroups);
	EXPECT_STREQ("v2", res->cg_io);
	EXPECT_STREQ("16/256", res->cg_slots);
	EXPECT_EQ(2, res->cg_overflow);
	EXPECT_EQ(4, res->cg_other.writes);
	EXPECT_EQ(12288, res->cg_other.blk_bytes);
	EXPECT_EQ(15, res->ncgi);
	EXPECT_EQ(15, res->ncgs);
	ASSERT_EQ(ARRAY_SIZE(order), res->n);
	for (size_t i = 0; i < res->n; i++)
		EXPECT_EQ(order[i], res->ents[i].cgroup);
	e = ent_cg(res, 4321);
	EXPECT_EQ(11062, e->writes);
	EXPECT_EQ(180000000, e->blk_bytes);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, e->flags);
	EXPECT_STREQ("docker", e->cgi->ct.runtime);
	EXPECT_EQ(WAMP_F_REMOVED, ent_cg(res, 5555)->flags);
	ws_result_free(res);
	o.flagged = true;
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	ASSERT_EQ(3, res->n);		/* REMOVED is no finding */
	EXPECT_EQ(4321, res->ents[0].cgroup);
	EXPECT_EQ(5103, res->ents[1].cgroup);
	EXPECT_EQ(7000, res->ents[2].cgroup);
	ws_result_free(res);
	o = (struct ws_opts){ .view = WS_CGROUPS, .key = WS_KEY_WRITES,
			      .top = 2 };
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	ASSERT_EQ(2, res->n);
	EXPECT_EQ(4321, res->ents[0].cgroup);
	EXPECT_EQ(5103, res->ents[1].cgroup);
}

TEST_F(v14, cgroup_view_text)
{
	struct ws_opts o = { .view = WS_CGROUPS };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_text);

	expect_in(_metadata, out, (const char *const []){
		"\ncgroups: io v2, slots 16/256, overflow 2; (other): 4 writes, 40 bytes, 12288 bytes to devices\n",
		"\n    CGROUP     WRITES        BYTES    AVG    SYNCS   BLK_REQS    BLK_BYTES     AMP RUNTIME    CONTAINER    FLAGS          PATH\n",
		"\n*     4321      11062       539432     48    11033       2000    180000000  333.68 docker     0123456789ab SMALL,SYNC,AMP /docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		"\n*     5103       4000      1024000    256     4000       4000     16384000   16.00 containerd c0ffee00c0ff SMALL,SYNC,AMP /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ab_cdef_1234567890ab.slice/cri-containerd-c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00.scope\n",
		"\n      5102          3           30     10        0          0            0    0.00 -          1234abcd-5678-90ab-cdef-1234567890ab -              /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ab_cdef_1234567890ab.slice\n",
		"\n      5555          3           30     10        0          0            0    0.00 -          foo.service  REMOVED        /system.slice/foo.service\n",
		NULL });
	/* The path as printed: escaped. */
	expect_in(_metadata, out, (const char *const []){
		" my app.service -              /system.slice/my\\040app.service\n",
		NULL });
	EXPECT_EQ(NULL, strstr(out, "(other) ")) TH_LOG("%s", out);
	free(out);
}

/* --subtree: a row's own counts plus those of the rows below its path. */
TEST_F(v14, cgroup_subtree)
{
	struct ws_opts o = { .view = WS_CGROUPS, .subtree = true };
	struct ws_result *res = &self->res;
	const struct ws_ent *e;
	char *out;

	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	ASSERT_EQ(15, res->n);
	e = ent_cg(res, 1);		/* the root: every row */
	EXPECT_EQ(21770, e->writes);
	EXPECT_EQ(16082503, e->write_bytes);
	EXPECT_EQ(216655104, e->blk_bytes);
	EXPECT_EQ(wampp_key(&self->r, WAMP_KEY_WRITES, NULL),
		  e->writes + self->r.cg_other.writes);
	e = ent_cg(res, 100);		/* /system.slice */
	EXPECT_EQ(5 + 2000 + 3016 + 3 + 100, e->writes);
	EXPECT_EQ(500 + 8192000 + 129521 + 30 + 1000, e->write_bytes);
	EXPECT_EQ(1003, e->syncs);
	EXPECT_EQ(2000 + 1014 + 1, e->blk_reqs);
	EXPECT_EQ(8192000 + 4251648 + 4096, e->blk_bytes);
	EXPECT_EQ(WAMP_F_SYNC, e->flags);	/* classified on the subtree */
	EXPECT_EQ(1 + 2 + 3 + 4000 + 50 + 7, ent_cg(res, 5100)->writes);
	EXPECT_EQ(2 + 3 + 4000, ent_cg(res, 5101)->writes);
	EXPECT_EQ(3 + 4000, ent_cg(res, 5102)->writes);
	EXPECT_EQ(4000, ent_cg(res, 5103)->writes);	/* a leaf */
	EXPECT_EQ(WAMP_F_REMOVED, ent_cg(res, 5555)->flags);
	/* res->cgs keeps the own counts. */
	for (size_t i = 0; i < res->ncgs; i++)
		if (res->cgs[i].cgroup == 1)
			EXPECT_EQ(12, res->cgs[i].writes);
	out = render(ws_print_text, res, &o);
	expect_in(_metadata, out, (const char *const []){
		"overflow 2; counts of subtrees; (other)",
		NULL });
	free(out);
	ws_result_free(res);
	o.cgroup = "/kubepods.slice";
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	EXPECT_EQ(6, res->n);
	EXPECT_EQ(4063, ent_cg(res, 5100)->writes);
}

/* Rows of one path (a removed cgroup and its successor) are not nested. */
TEST(cgroup_subtree_same_path)
{
	static const char txt[] =
		"# wamp 1.4 writes=111 write_bytes=111 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1000 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
		"- - (other) 0 0 - 0 0 0 - - -\n"
		"# cgroup io=v2 rows=4 slots=4/16 overflow=0\n"
		"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n"
		"20 1 1 1 0 0 0 0.00 REMOVED /s/x.service\n"
		"21 10 10 1 0 0 0 0.00 - /s/x.service\n"
		"22 100 100 1 0 0 0 0.00 - /s/x.service/sub\n"
		"23 1000 1000 1 0 0 0 0.00 - /../outside\n"
		"24 5 5 1 0 0 0 0.00 - /\n";
	struct ws_opts o = { .view = WS_CGROUPS, .subtree = true };
	struct wampp_report r;
	struct ws_result res;
	char err[256];

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &o, &res));
	EXPECT_EQ(101, ent_cg(&res, 20)->writes);
	EXPECT_EQ(110, ent_cg(&res, 21)->writes);
	EXPECT_EQ(100, ent_cg(&res, 22)->writes);
	EXPECT_EQ(1000, ent_cg(&res, 23)->writes);
	EXPECT_EQ(5 + 1 + 10 + 100, ent_cg(&res, 24)->writes);	/* not /.. */
	ws_result_free(&res);
	wampp_free(&r);
}

/* --cgroup and --container on the task views: by the cgroup's path. */
TEST_F(v14, task_filters)
{
	static const struct {
		const char *cgroup, *container;
		long long pids[8];	/* 0-terminated */
	} cases[] = {
		{ "/system.slice", NULL, { 200, 500, 510, 520 } },
		{ "/system.slice/", NULL, { 200, 500, 510, 520 } },
		{ "/system.slice/docker-" ID_B ".scope", NULL, { 200 } },
		{ "/system", NULL, { 0 } },
		{ "/kubepods.slice", NULL, { 300, 310, 311 } },
		{ "/system.slice/my app.service", NULL, { 520 } },
		{ NULL, "0123", { 144, 145 } },
		{ NULL, "0123456789ab", { 144, 145 } },
		{ NULL, ID_A, { 144, 145 } },
		{ NULL, "1234abcd", { 300 } },
		{ NULL, "c0ffee00c0ff", { 300 } },
		{ NULL, "abcdef01-2345", { 310, 311 } },	/* with conmon */
		{ NULL, "d00dfeed", { 310 } },		/* not conmon */
		{ NULL, "eeee2222", { 400 } },
		{ NULL, "dead", { 0 } },
		{ "/kubepods.slice", "abcdef01", { 310, 311 } },
		{ "/system.slice", "0123", { 0 } },
	};
	struct ws_result *res = &self->res;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ws_opts o = { .cgroup = cases[i].cgroup,
				     .container = cases[i].container };
		size_t n = 0;

		while (cases[i].pids[n])
			n++;
		ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
		EXPECT_EQ(n, res->n) TH_LOG("case %zu", i);
		for (size_t j = 0; j < n; j++) {
			EXPECT_NE(NULL, ent_pid(res, cases[i].pids[j]))
				TH_LOG("case %zu: pid %lld", i,
				       cases[i].pids[j]);
		}
		ws_result_free(res);
	}
	/* The root keeps every task of a known cgroup: not 700 ("-"). */
	struct ws_opts o = { .cgroup = "/" };

	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	EXPECT_EQ(13, res->n);
	EXPECT_EQ(NULL, ent_pid(res, 700));
	ws_result_free(res);
	o = (struct ws_opts){ 0 };
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	EXPECT_EQ(14, res->n);
}

/* The folded views: a process in one cgroup keeps it; commands mix. */
TEST_F(v14, folded_views_cgroup)
{
	struct ws_opts o = { .view = WS_PROCS, .container = "0123" };
	struct ws_result *res = &self->res;
	const struct ws_ent *e = NULL;

	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	ASSERT_EQ(1, res->n);
	EXPECT_EQ(144, res->ents[0].pid);
	EXPECT_EQ(2, res->ents[0].ntasks);
	EXPECT_EQ(11062, res->ents[0].writes);
	EXPECT_EQ(4321, res->ents[0].cgroup);
	EXPECT_EQ(4321, res->ents[0].cgi->cg->id);
	ws_result_free(res);
	o = (struct ws_opts){ .view = WS_COMMS };
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	for (size_t i = 0; i < res->n; i++)
		if (!strcmp(res->ents[i].name, "redis-server"))
			e = &res->ents[i];
	ASSERT_NE(NULL, e);
	EXPECT_EQ(2, e->ntasks);		/* 144 in docker, 500 not */
	EXPECT_EQ(WAMPP_NONE, e->cgroup);
	EXPECT_EQ(NULL, e->cgi);
	ws_result_free(res);
	o.cgroup = "/system.slice";
	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
	EXPECT_EQ(4, res->n);
	EXPECT_STREQ("nginx", res->ents[0].name);
	EXPECT_STREQ("redis-server", res->ents[1].name);
	EXPECT_EQ(1, res->ents[1].ntasks);
	EXPECT_EQ(3016, res->ents[1].writes);
	EXPECT_EQ(7000, res->ents[1].cgroup);
}

/* -c and the filters: rows at or below the path, of the container. */
TEST_F(v14, cgroup_view_filters)
{
	static const struct {
		const char *cgroup, *container;
		long long ids[8];
	} cases[] = {
		{ "/system.slice", NULL, { 100, 5000, 7000, 5555, 7100 } },
		{ "/", NULL, { 1, 100, 4321, 5000, 7000, 5555, 7100 } },
		{ NULL, "0123", { 4321 } },
		{ NULL, "abcdef01", { 5200, 5201 } },
		{ NULL, UID1, { 5102, 5103 } },
		{ "/kubepods.slice", "c0ffee", { 5103 } },
	};
	struct ws_result *res = &self->res;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ws_opts o = { .view = WS_CGROUPS,
				     .cgroup = cases[i].cgroup,
				     .container = cases[i].container };
		size_t n = 0;

		while (cases[i].ids[n])
			n++;
		if (cases[i].cgroup && !strcmp(cases[i].cgroup, "/"))
			n = 15;		/* all of them */
		ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, res));
		EXPECT_EQ(n, res->n) TH_LOG("case %zu", i);
		EXPECT_EQ(n, res->ncgs) TH_LOG("case %zu", i);
		for (size_t j = 0; cases[i].ids[j]; j++) {
			EXPECT_NE(NULL, ent_cg(res, cases[i].ids[j]))
				TH_LOG("case %zu: id %lld", i,
				       cases[i].ids[j]);
		}
		ws_result_free(res);
	}
}

/* No cgroup section: -c and the filters of task views are errors. */
TEST(cgroups_need_the_section)
{
	struct ws_opts c = { .view = WS_CGROUPS };
	struct ws_opts f = { .cgroup = "/" };
	struct ws_opts k = { .view = WS_PROCS, .container = "0123" };
	struct ws_opts d = { .view = WS_DEVS, .cgroup = "/" };
	struct wampp_report r;
	struct ws_result res;
	char err[256];

	ASSERT_EQ(0, parse_file(FIX "v1.1-demo.txt", &r, err, sizeof(err)));
	EXPECT_EQ(WS_ERR_NO_CGROUPS, ws_build(&r, NULL, 0, &c, &res));
	EXPECT_EQ(WS_ERR_NO_CGROUPS, ws_build(&r, NULL, 0, &f, &res));
	EXPECT_EQ(WS_ERR_NO_CGROUPS, ws_build(&r, NULL, 0, &k, &res));
	EXPECT_TRUE(ws_needs_cgroups(&c));
	EXPECT_FALSE(ws_needs_cgroups(&d));
	ASSERT_EQ(0, ws_build(&r, NULL, 0, &d, &res));	/* not filtered */
	EXPECT_EQ(1, res.n);
	EXPECT_FALSE(res.has_cgroups);
	ws_result_free(&res);
	wampp_free(&r);
}

/* The task views' cgroup columns; none before 1.4. */
TEST_F(v14, task_view_text)
{
	struct ws_opts o = { .top = 0 };
	struct wampp_report old;
	char err[256], *out = text_of(&self->r, NULL, 0, &o, ws_print_text);

	expect_in(_metadata, out, (const char *const []){
		"   JRNL_BYTES   CGROUP RUNTIME    CONTAINER    FLAGS\n",
		"    120000000     4321 docker     0123456789ab SMALL,SYNC,AMP\n",
		"      8192000     5103 containerd c0ffee00c0ff SMALL,SYNC,AMP\n",
		"            0     7100 -          my app.service -\n",
		"            0     5201 -          abcdef01-2345-6789-abcd-ef0123456789 -\n",
		" old                       4           40     10        0          0            0    0.00           40            0            0        - -          -            -\n",
		NULL });
	free(out);
	o.view = WS_COMMS;
	out = text_of(&self->r, NULL, 0, &o, ws_print_text);
	expect_in(_metadata, out, (const char *const []){
		"        - -          -            SMALL,SYNC,AMP\n",
		NULL });
	free(out);
	ASSERT_EQ(0, parse_file(FIX "v1.1-demo.txt", &old, err, sizeof(err)));
	o.view = WS_TASKS;
	out = text_of(&old, NULL, 0, &o, ws_print_text);
	EXPECT_EQ(NULL, strstr(out, "CGROUP")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "JRNL_BYTES FLAGS\n")) TH_LOG("%s", out);
	free(out);
	wampp_free(&old);
}

TEST_F(v14, json_keys)
{
	struct ws_opts o = { 0 };
	struct wampp_report old;
	char err[256], *out = text_of(&self->r, NULL, 0, &o, json_at_0);

	expect_in(_metadata, out, (const char *const []){
		"\"comm\":\"redis-server\",\"writes\":11032,",
		",\"flags\":[\"SMALL\",\"SYNC\",\"AMP\"],\"cgroup\":4321,\"cgroup_path\":\"/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"runtime\":\"docker\",\"container_id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
		"\"cgroup\":5103,\"cgroup_path\":\"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ab_cdef_1234567890ab.slice/cri-containerd-c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00.scope\",\"runtime\":\"containerd\",\"container_id\":\"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00\",\"pod_uid\":\"1234abcd-5678-90ab-cdef-1234567890ab\"}",
		"\"cgroup\":7000,\"cgroup_path\":\"/system.slice/redis-server.service\",\"unit\":\"redis-server.service\"}",
		"\"cgroup_path\":\"/system.slice/my app.service\",\"unit\":\"my app.service\"}",
		"\"comm\":\"old\",\"writes\":4,",
		"\"flags\":[],\"cgroup\":null}",
		"],\"cgroup_io\":\"v2\",\"cgroup_other\":{\"overflow\":2,\"writes\":4,\"write_bytes\":40,\"syncs\":0,\"blk_reqs\":3,\"blk_bytes\":12288},\"cgroups\":[{\"id\":1,\"path\":\"/\",\"writes\":12,\"write_bytes\":600,\"syncs\":0,\"blk_reqs\":40,\"blk_bytes\":1638400,\"amp\":2730.66,\"flags\":[]},{\"id\":100,",
		"{\"id\":5555,\"path\":\"/system.slice/foo.service\",\"writes\":3,\"write_bytes\":30,\"syncs\":0,\"blk_reqs\":0,\"blk_bytes\":0,\"amp\":0.00,\"flags\":[\"REMOVED\"],\"unit\":\"foo.service\"}",
		"{\"id\":6001,\"path\":\"/machine.slice/libpod-conmon-eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222.scope\",\"writes\":9,\"write_bytes\":90,\"syncs\":0,\"blk_reqs\":0,\"blk_bytes\":0,\"amp\":0.00,\"flags\":[],\"unit\":\"libpod-conmon-eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222eeee2222.scope\"}]}\n",
		NULL });
	EXPECT_EQ(NULL, strstr(out, "\"subtree\"")) TH_LOG("%s", out);
	free(out);
	o = (struct ws_opts){ .view = WS_CGROUPS, .subtree = true,
			      .top = 1 };
	out = text_of(&self->r, NULL, 0, &o, json_at_0);
	expect_in(_metadata, out, (const char *const []){
		",\"view\":\"cgroups\",",
		",\"rows\":[{\"id\":1,\"path\":\"/\",\"writes\":21770,\"write_bytes\":16082503,\"syncs\":16051,\"blk_reqs\":10565,\"blk_bytes\":216655104,\"amp\":13.47,\"flags\":[\"SYNC\",\"AMP\"]}],\"subtree\":true,\"cgroup_io\":\"v2\",",
		NULL });
	free(out);
	/* Before 1.4: tasks have "cgroup":null, and no cgroup keys. */
	ASSERT_EQ(0, parse_file(FIX "v1.1-demo.txt", &old, err, sizeof(err)));
	o = (struct ws_opts){ 0 };
	out = text_of(&old, NULL, 0, &o, json_at_0);
	expect_in(_metadata, out, (const char *const []){
		"\"flags\":[\"SMALL\",\"SYNC\",\"AMP\"],\"cgroup\":null}",
		NULL });
	EXPECT_EQ(NULL, strstr(out, "cgroups")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "cgroup_")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "]}\n")) TH_LOG("%s", out);
	free(out);
	wampp_free(&old);
}

/* Occurrences of @needle in @hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

TEST_F(v14, prometheus_labels)
{
	struct ws_opts o = { .format = WS_PROM };
	struct wampp_report old;
	char err[256], *out = text_of(&self->r, NULL, 0, &o, ws_print_prom);

	expect_in(_metadata, out, (const char *const []){
		"\nwamp_task_writes_total{pid=\"144\",tgid=\"144\",comm=\"redis-server\",cgroup_id=\"4321\",container_id=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"} 11032\n",
		"\nwamp_task_writes_total{pid=\"500\",tgid=\"500\",comm=\"redis-server\",cgroup_id=\"7000\",container_id=\"\"} 3016\n",
		"\nwamp_task_writes_total{pid=\"700\",tgid=\"700\",comm=\"old\",cgroup_id=\"\",container_id=\"\"} 4\n",
		"\n# HELP wamp_cgroup_blk_bytes_total Bytes of write bios the kernel charged to the cgroup (io.stat wbytes).\n# TYPE wamp_cgroup_blk_bytes_total counter\n",
		"\nwamp_cgroup_writes_total{cgroup_id=\"5103\",path=\"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234abcd_5678_90ab_cdef_1234567890ab.slice/cri-containerd-c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00.scope\",runtime=\"containerd\",container_id=\"c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00\",pod_uid=\"1234abcd-5678-90ab-cdef-1234567890ab\",unit=\"\"} 4000\n",
		"\nwamp_cgroup_blk_requests_total{cgroup_id=\"7100\",path=\"/system.slice/my app.service\",runtime=\"\",container_id=\"\",pod_uid=\"\",unit=\"my app.service\"} 1\n",
		NULL });
	EXPECT_EQ(5, count(out, "# TYPE wamp_cgroup_"));
	EXPECT_EQ(8, count(out, "# TYPE wamp_task_"));
	EXPECT_EQ(15, count(out, "\nwamp_cgroup_syncs_total{"));
	EXPECT_EQ(14, count(out, "\nwamp_task_syncs_total{"));
	free(out);
	/* -c: the view's rows, subtree totals with --subtree; no tasks. */
	o = (struct ws_opts){ .view = WS_CGROUPS, .format = WS_PROM,
			      .subtree = true, .container = "0123" };
	out = text_of(&self->r, NULL, 0, &o, ws_print_prom);
	EXPECT_EQ(0, count(out, "wamp_task_"));
	EXPECT_EQ(1, count(out, "\nwamp_cgroup_writes_total{"));
	expect_in(_metadata, out, (const char *const []){
		"\nwamp_cgroup_writes_total{cgroup_id=\"4321\",path=\"/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",runtime=\"docker\",container_id=\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",pod_uid=\"\",unit=\"\"} 11062\n",
		NULL });
	free(out);
	/* Before 1.4: neither the families nor the labels. */
	ASSERT_EQ(0, parse_file(FIX "v1.1-demo.txt", &old, err, sizeof(err)));
	o = (struct ws_opts){ .format = WS_PROM };
	out = text_of(&old, NULL, 0, &o, ws_print_prom);
	EXPECT_EQ(0, count(out, "cgroup"));
	expect_in(_metadata, out, (const char *const []){
		"\nwamp_task_writes_total{pid=\"144\",tgid=\"144\",comm=\"redis-server\"} 3016\n",
		NULL });
	free(out);
	wampp_free(&old);
}

/* A path with a quote, backslash, newline, a byte not UTF-8 and an é. */
static const char odd_txt[] =
	"# wamp 1.4 writes=1 write_bytes=1 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
	"5 5 a\\377b 1 1 1 0 0 0 0.00 9 SMALL\n"
	"- - (other) 0 0 - 0 0 0 - - -\n"
	"# cgroup io=v2 rows=1 slots=1/16 overflow=0\n"
	"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n"
	"9 1 1 1 0 0 0 0.00 SMALL /a\\042b\\134c\\012d\\377\\303\\251.service\n"
	"- 0 0 - 0 0 0 - - (other)\n";

TEST(escaping_of_paths)
{
	struct ws_opts o = { .view = WS_CGROUPS, .format = WS_PROM };
	struct wampp_report r;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(odd_txt, &r, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_STREQ("/a\"b\\c\nd\377\303\251.service", r.cgs[0].upath);
	out = text_of(&r, NULL, 0, &o, ws_print_prom);
	expect_in(_metadata, out, (const char *const []){
		"{cgroup_id=\"9\",path=\"/a\\\"b\\\\c\\nd\\\\377\303\251.service\",runtime=\"\",container_id=\"\",pod_uid=\"\",unit=\"a\\\"b\\\\c\\nd\\\\377\303\251.service\"} 1\n",
		NULL });
	free(out);
	o.view = WS_TASKS;
	out = text_of(&r, NULL, 0, &o, ws_print_prom);
	expect_in(_metadata, out, (const char *const []){
		"{pid=\"5\",tgid=\"5\",comm=\"a\\\\377b\",cgroup_id=\"9\",container_id=\"\"} 1\n",
		NULL });
	free(out);
	o.view = WS_CGROUPS;
	out = text_of(&r, NULL, 0, &o, json_at_0);
	expect_in(_metadata, out, (const char *const []){
		"\"path\":\"/a\\\"b\\\\c\\u000ad\\u00ff\\u00c3\\u00a9.service\"",
		NULL });
	free(out);
	out = text_of(&r, NULL, 0, &o, ws_print_text);
	expect_in(_metadata, out, (const char *const []){
		" /a\\042b\\134c\\012d\\377\\303\\251.service\n",
		NULL });
	free(out);
	wampp_free(&r);
}

/* promtool accepts every view's metrics (when it is installed). */
TEST(prometheus_promtool)
{
	static const char *const views[] = { "", "-P", "-C", "-d", "-c",
					     "-c --subtree",
					     "--container 0123",
					     "-c --cgroup /system.slice" };
	char cmd[512], odd[] = "/tmp/wampstat_odd.XXXXXX";
	int fd;

	if (system("command -v promtool >/dev/null 2>&1"))
		SKIP(return, "promtool not installed");
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		snprintf(cmd, sizeof(cmd),
			 "build/tools/wampstat -f %s %s -n 0 --prometheus | promtool check metrics",
			 FIX14, views[i]);
		EXPECT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	}
	fd = mkstemp(odd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(sizeof(odd_txt) - 1, write(fd, odd_txt, sizeof(odd_txt) - 1));
	close(fd);
	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "build/tools/wampstat -f %s %s --prometheus | promtool check metrics",
			 odd, i ? "-c" : "");
		EXPECT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	}
	unlink(odd);
}

static const char prev14_txt[] =
	"# wamp 1.4 writes=655 write_bytes=6550 syncs=0 blk_reqs=10 blk_bytes=40960 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
	"10 10 a 100 1000 10 0 10 40960 40.96 10 -\n"
	"11 11 b 50 500 10 0 0 0 0.00 11 -\n"
	"12 12 c 500 5000 10 0 0 0 0.00 12 SMALL\n"
	"- - (other) 5 50 10 0 0 0 0.00 - -\n"
	"# cgroup io=v2 rows=3 slots=3/16 overflow=1\n"
	"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n"
	"10 100 1000 10 0 10 40960 40.96 - /a\n"
	"11 50 500 10 0 0 0 0.00 - /a/b\n"
	"12 500 5000 10 0 0 0 0.00 SMALL /c\n"
	"- 5 50 10 0 0 0 0.00 - (other)\n";

/*
 * 2 s later: /a wrote 200 8-byte writes, synced each, 512x; /a/b idle; /c's
 * counts went down (it counts from zero); /a/d is new.
 */
static const char cur14_txt[] =
	"# wamp 1.4 writes=906 write_bytes=8660 syncs=200 blk_reqs=210 blk_bytes=860160 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
	"10 10 a 300 2600 8 200 210 860160 330.83 10 SMALL,SYNC,AMP\n"
	"11 11 b 50 500 10 0 0 0 0.00 11 -\n"
	"14 14 c 7 70 10 0 0 0 0.00 12 -\n"
	"13 13 d 40 400 10 0 0 0 0.00 13 -\n"
	"- - (other) 9 90 10 0 0 0 0.00 - -\n"
	"# exited rows=1 writes=500 write_bytes=5000 syncs=0 blk_reqs=0 blk_bytes=0\n"
	"# cgroup io=v2 rows=4 slots=4/16 overflow=3\n"
	"id writes write_bytes avg_write syncs blk_reqs blk_bytes amp flags path\n"
	"10 300 2600 8 200 210 860160 330.83 SMALL,SYNC,AMP /a\n"
	"11 50 500 10 0 0 0 0.00 - /a/b\n"
	"12 7 70 10 0 0 0 0.00 - /c\n"
	"13 40 400 10 0 0 0 0.00 - /a/d\n"
	"- 9 90 10 0 0 0 0.00 - (other)\n";

TEST(cgroup_interval)
{
	struct ws_opts o = { .view = WS_CGROUPS };
	struct wampp_report p, c;
	struct ws_result res;
	const struct ws_ent *e;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(prev14_txt, &p, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, wampp_parse(cur14_txt, &c, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, ws_build(&c, &p, 2.0, &o, &res));
	EXPECT_EQ(2.0, res.seconds);
	ASSERT_EQ(3, res.n);		/* /a/b was idle */
	EXPECT_EQ(3, res.ncgs);
	e = &res.ents[0];
	EXPECT_EQ(10, e->cgroup);
	EXPECT_EQ(200, e->writes);
	EXPECT_EQ(1600, e->write_bytes);
	EXPECT_EQ(200, e->syncs);
	EXPECT_EQ(200, e->blk_reqs);
	EXPECT_EQ(819200, e->blk_bytes);
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, e->flags);
	EXPECT_EQ(12, res.ents[1].cgroup);
	EXPECT_EQ(7, res.ents[1].writes);	/* from zero */
	EXPECT_EQ(0, res.ents[1].flags);
	EXPECT_EQ(13, res.ents[2].cgroup);
	EXPECT_EQ(40, res.ents[2].writes);	/* new */
	EXPECT_EQ(4, res.cg_other.writes);
	EXPECT_EQ(2, res.cg_overflow);
	out = render(ws_print_text, &res, &o);
	expect_in(_metadata, out, (const char *const []){
		"wamp 1.4 interval: 251 writes, 2110 bytes, 200 syncs,",
		"cgroups: io v2, slots 4/16, overflow 2; (other): 4 writes, 40 bytes, 0 bytes to devices\n",
		"    CGROUP   WRITES/s      BYTES/s    AVG  SYNCS/s    BREQS/s     BBYTES/s     AMP RUNTIME",
		"\n*       10      100.0        800.0      8    100.0      100.0     409600.0  512.00 -          -            SMALL,SYNC,AMP /a\n",
		NULL });
	free(out);
	out = render(json_at_0, &res, &o);
	expect_in(_metadata, out, (const char *const []){
		",\"interval\":2.000,\"view\":\"cgroups\",",
		"\"cgroups\":[{\"id\":10,\"path\":\"/a\",\"writes\":200,",
		NULL });
	free(out);
	ws_result_free(&res);
	/* Subtrees over the interval: /a and below it. */
	o.subtree = true;
	ASSERT_EQ(0, ws_build(&c, &p, 2.0, &o, &res));
	EXPECT_EQ(240, ent_cg(&res, 10)->writes);
	EXPECT_EQ(2000, ent_cg(&res, 10)->write_bytes);
	ws_result_free(&res);
	/* The task view, filtered by the current report's paths. */
	o = (struct ws_opts){ .cgroup = "/a" };
	ASSERT_EQ(0, ws_build(&c, &p, 2.0, &o, &res));
	ASSERT_EQ(2, res.n);
	EXPECT_EQ(10, res.ents[0].pid);
	EXPECT_EQ(13, res.ents[1].pid);
	ws_result_free(&res);
	/* A reset between the reads: counts since it, nothing dropped. */
	o = (struct ws_opts){ .view = WS_CGROUPS };
	ASSERT_EQ(0, ws_build(&p, &c, 1.0, &o, &res));
	ASSERT_EQ(3, res.n);
	EXPECT_EQ(500, ent_cg(&res, 12)->writes);
	EXPECT_EQ(100, ent_cg(&res, 10)->writes);
	EXPECT_EQ(1, res.cg_overflow);
	ws_result_free(&res);
	wampp_free(&p);
	wampp_free(&c);
}

/* What the last run_wampstat() wrote to stderr. */
static char ws_stderr[1024];

/* Run wampstat on a file; its exit status, its stderr in ws_stderr. */
static int run_wampstat(const char *file, const char *args)
{
	char cmd[512];
	FILE *f;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "build/tools/wampstat -f %s %s 2>&1 >/dev/null",
		 file, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(ws_stderr, 1, sizeof(ws_stderr) - 1, f);
	ws_stderr[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(wampstat_cgroup_options)
{
	EXPECT_EQ(0, run_wampstat(FIX14, "-c --subtree"));
	EXPECT_EQ(0, run_wampstat(FIX14, "--cgroup /system.slice -P"));
	EXPECT_EQ(0, run_wampstat(FIX14, "--container 0123456789AB --json"));
	EXPECT_EQ(1, run_wampstat(FIX "v1.1-demo.txt", "-c"));
	EXPECT_NE(NULL, strstr(ws_stderr, "has no cgroup section (format 1.1, not 1.4 or later)"))
		TH_LOG("%s", ws_stderr);
	EXPECT_EQ(1, run_wampstat(FIX "v1.9-future.txt", "--container 0123"));
	EXPECT_EQ(0, run_wampstat(FIX "v1.9-future.txt", ""));
	EXPECT_EQ(2, run_wampstat(FIX14, "-d --cgroup /"));
	EXPECT_NE(NULL, strstr(ws_stderr, "-d takes no --cgroup or --container"))
		TH_LOG("%s", ws_stderr);
	EXPECT_EQ(2, run_wampstat(FIX14, "--container 0123 -d"));
	EXPECT_EQ(2, run_wampstat(FIX14, "-c -p 1"));
	EXPECT_EQ(2, run_wampstat(FIX14, "--subtree"));
	EXPECT_EQ(2, run_wampstat(FIX14, "--container abc"));
	EXPECT_EQ(2, run_wampstat(FIX14, "--cgroup system.slice"));
}

/*
 * The demo, one second apart: redis-server has 2916 writes since load and
 * did 400 in the interval (42-byte, a sync per two, amp 64): below
 * min_writes=1000 on the interval alone, flagged all the same, in every
 * view; sh, new, did its 3 writes in it: never flagged, though each of
 * its ratios breaks a rule.
 */
TEST(interval_flags_demo)
{
	static const enum ws_view views[] = { WS_TASKS, WS_PROCS, WS_COMMS,
					      WS_CGROUPS };
	const unsigned int all = WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP;
	struct wampp_report p, c;
	struct ws_result res;
	const struct ws_ent *e;
	char err[256], *out;

	ASSERT_EQ(0, parse_file(FIX "v1.4-demo-t0.txt", &p, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, parse_file(FIX "v1.4-demo-t1.txt", &c, err, sizeof(err)))
		TH_LOG("%s", err);
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		struct ws_opts o = { .view = views[i] };
		bool redis = false, sh = false;

		ASSERT_EQ(0, ws_build(&c, &p, 1.0, &o, &res));
		for (size_t j = 0; j < res.n; j++) {
			e = &res.ents[j];
			if (views[i] == WS_CGROUPS ? e->cgroup == 7000 :
			    !strcmp(e->name, "redis-server")) {
				redis = true;
				EXPECT_EQ(400, e->writes);
				EXPECT_EQ(16800, e->write_bytes);
				EXPECT_EQ(200, e->syncs);
				EXPECT_EQ(1075200, e->blk_bytes);
				EXPECT_EQ(all, e->flags) TH_LOG("view %zu", i);
				EXPECT_EQ(views[i] == WS_CGROUPS ? 2946 : 2916,
					  e->cum_writes);
			} else if (views[i] == WS_CGROUPS ? e->cgroup == 7100 :
				   !strcmp(e->name, "sh")) {
				sh = true;
				EXPECT_EQ(3, e->writes);
				EXPECT_EQ(3, e->cum_writes);
				EXPECT_EQ(0, e->flags) TH_LOG("view %zu", i);
			} else {
				EXPECT_EQ(0, e->flags & all)
					TH_LOG("%s, view %zu", e->name, i);
			}
		}
		EXPECT_TRUE(redis) TH_LOG("view %zu", i);
		EXPECT_TRUE(sh) TH_LOG("view %zu", i);
		if (views[i] == WS_TASKS) {
			out = render(ws_print_text, &res, &o);
			expect_in(_metadata, out, (const char *const []){
				"\n*     144     144 redis-server          400.0      16800.0     42    200.0      200.0    1075200.0   64.00      16800.0          0.0     600000.0     7000 -          redis-server.service SMALL,SYNC,AMP\n",
				"\n      600     600 sh                      3.0         30.0     10      1.0        1.0       4096.0  136.53         30.0          0.0          0.0     7100 -          session-1.scope -\n",
				NULL });
			free(out);
		}
		ws_result_free(&res);
		/* --flagged keeps redis alone. */
		o.flagged = true;
		ASSERT_EQ(0, ws_build(&c, &p, 1.0, &o, &res));
		ASSERT_EQ(1, res.n) TH_LOG("view %zu", i);
		EXPECT_EQ(all, res.ents[0].flags);
		ws_result_free(&res);
	}
	wampp_free(&p);
	wampp_free(&c);
}

/* The rule itself: cumulative writes gate, the shown counts decide. */
TEST(interval_classify_rule)
{
	struct wamp_thresholds t = { 1000, 512, 10, 200 };

	EXPECT_EQ(0, ws_classify(999, 400, 400 * 42, 200, 400 * 42 * 64, &t));
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP,
		  ws_classify(1000, 400, 400 * 42, 200, 400 * 42 * 64, &t));
	EXPECT_EQ(WAMP_F_SMALL, ws_classify(5000, 1, 10, 0, 0, &t));
	EXPECT_EQ(0, ws_classify(5000, 0, 0, 0, 4096, &t));
	EXPECT_EQ(0, ws_classify(3, 3, 30, 1, 4096, &t));
	/* On totals (cumulative == shown): the module's own rule. */
	for (unsigned long long w = 990; w < 1010; w++)
		EXPECT_EQ(wamp_classify(w, w * 48, w, w * 4096, &t),
			  ws_classify(w, w, w * 48, w, w * 4096, &t));
}

TEST(human_units)
{
	static const struct {
		double v;
		const char *s;
	} c[] = {
		{ 0, "0" }, { 512, "512" }, { 1023, "1023" }, { 1023.4, "1023" },
		{ 1023.5, "1.0K" }, { 1024, "1.0K" }, { 4096, "4.0K" },
		{ 1536, "1.5K" }, { 102400, "100K" }, { 15.2 * 1048576, "15.2M" },
		{ 215.0 * 1048576, "215M" }, { 1048575, "1.0M" },
		{ 3.0 * 1073741824, "3.0G" }, { 2.5 * 1099511627776.0, "2.5T" },
		{ 8192000, "7.8M" }, { 99.96 * 1024, "100K" },
	};
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		ws_human(c[i].v, buf, sizeof(buf));
		EXPECT_STREQ(c[i].s, buf) TH_LOG("%f", c[i].v);
	}
}

/* -h: the byte columns in units in every text view; JSON stays exact. */
TEST_F(v14, human_text)
{
	struct ws_opts o = { .human = true };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_text);

	expect_in(_metadata, out, (const char *const []){
		"wamp 1.4 since load or reset: 21774 writes, 15.3M bytes, 16051 syncs, 207M bytes to devices, amp 13.47\n",
		"exited tasks folded: 3, with 11 writes, 560 bytes\n",
		"\n*     144     144 redis-server          11032         526K     48    11032       2000         172M  334.30         526K            0         114M     4321 docker     0123456789ab SMALL,SYNC,AMP\n",
		"\n      200     200 nginx                  2000         7.8M   4.0K        0       2000         7.8M    1.00         7.8M         7.8M            0     5000 docker     bbbb1111bbbb -\n",
		NULL });
	free(out);
	o.view = WS_CGROUPS;
	out = text_of(&self->r, NULL, 0, &o, ws_print_text);
	expect_in(_metadata, out, (const char *const []){
		"(other): 4 writes, 40 bytes, 12.0K bytes to devices\n",
		"\n*     4321      11062         527K     48    11033       2000         172M  333.68 docker",
		NULL });
	free(out);
	o.view = WS_DEVS;
	out = text_of(&self->r, NULL, 0, &o, ws_print_text);
	expect_in(_metadata, out, (const char *const []){
		"\n254:0    vda                 10568           207M     16050",
		NULL });
	free(out);
	o.view = WS_TASKS;
	out = text_of(&self->r, NULL, 0, &o, json_at_0);
	expect_in(_metadata, out, (const char *const []){
		"\"write_bytes\":538432,", NULL });
	free(out);
}

/* Every long option of --help is in the man page, and the other way round. */
TEST(help_and_man_agree)
{
	char help[8192], *man = wampp_read_file("tools/wampstat.8"), *p;
	char opt[64];
	FILE *f = popen("build/tools/wampstat --help", "r");
	size_t n, checked = 0;

	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, man);
	n = fread(help, 1, sizeof(help) - 1, f);
	help[n] = '\0';
	pclose(f);
	for (p = strstr(help, "--"); p; p = strstr(p + 2, "--")) {
		char want[80];

		if (sscanf(p + 2, "%63[a-z]", opt) != 1)
			continue;
		snprintf(want, sizeof(want), "\\-\\-%s", opt);
		EXPECT_NE(NULL, strstr(man, want)) TH_LOG("--%s", opt);
		checked++;
	}
	for (p = strstr(man, "\\-\\-"); p; p = strstr(p + 4, "\\-\\-")) {
		char want[80];

		if (sscanf(p + 4, "%63[a-z]", opt) != 1)
			continue;
		snprintf(want, sizeof(want), "--%s", opt);
		EXPECT_NE(NULL, strstr(help, want)) TH_LOG("--%s", opt);
	}
	EXPECT_LE(16, checked);
	free(man);
}

/* ---- format 1.5: the io_ columns, the sizes section; the stacks ---- */

#define FIX15 FIX "v1.5-redis.txt"
#define STACKS15 FIX "v1.5-stacks.txt"

FIXTURE(v15) {
	struct wampp_report r;
	struct wampp_stacks s;
	struct ws_result res;
};

FIXTURE_SETUP(v15)
{
	char err[256], *text;

	ASSERT_EQ(0, parse_file(FIX15, &self->r, err, sizeof(err)))
		TH_LOG("%s", err);
	text = wampp_read_file(STACKS15);
	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, wampp_stacks_parse(text, &self->s, err, sizeof(err)))
		TH_LOG("%s", err);
	free(text);
	memset(&self->res, 0, sizeof(self->res));
}

FIXTURE_TEARDOWN(v15)
{
	ws_result_free(&self->res);
	wampp_stacks_free(&self->s);
	wampp_free(&self->r);
}

/* The task counters' names, as the first line and the exited line key them. */
static const char *const counter_names[] = {
	"writes", "write_bytes", "syncs", "blk_reqs", "blk_bytes", "dirtied",
	"wb_bytes", "jrnl_bytes", "io_fsync", "io_sync", "io_writeback",
	"io_journal", "io_direct", "io_reclaim", "io_other",
};

static_assert(ARRAY_SIZE(counter_names) == WAMP_TC_NR, "counter_names");

static unsigned long long sum_hist(const unsigned long long *h)
{
	unsigned long long n = 0;

	for (int k = 0; k < WAMP_HIST_NR; k++)
		n += h[k];
	return n;
}

static unsigned long long sum_io(const unsigned long long *tc)
{
	unsigned long long n = 0;

	for (int k = 0; k < WAMP_IO_NR; k++)
		n += tc[WAMP_TC_io_fsync + k];
	return n;
}

/*
 * The fixture is consistent as the format says a quiescent read is: each
 * row's io_ add up to its blk_bytes and its buckets to its writes; rows,
 * (other) and exited make every total of the first line.
 */
TEST_F(v15, parse_io_and_sizes)
{
	struct wampp_report *r = &self->r;
	const struct wampp_row *w;
	unsigned long long tot;

	EXPECT_EQ(5, r->minor);
	EXPECT_TRUE(r->has_io);
	EXPECT_TRUE(r->has_sizes);
	EXPECT_EQ(9, r->nrows);
	w = wampp_find(r, 159);
	ASSERT_NE(NULL, w);
	EXPECT_EQ(3788800, w->io_fsync);
	EXPECT_EQ(11395072, w->io_journal);
	EXPECT_EQ(0, w->io_writeback);
	EXPECT_EQ(189, w->cgroup);	/* after the io_ columns */
	EXPECT_EQ(WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP, w->flags);
	EXPECT_EQ(6, w->hist[4]);	/* [8, 16) */
	EXPECT_EQ(2880, w->hist[6]);	/* [32, 64) */
	EXPECT_EQ(30, w->hist[7]);
	EXPECT_EQ(18432000, wampp_find(r, 190)->io_direct);
	EXPECT_EQ(64, wampp_find(r, 175)->hist[WAMP_HIST_NR - 1]);
	EXPECT_EQ(0, sum_hist(wampp_find(r, 162)->hist));	/* no writes */
	EXPECT_EQ(5, r->other.hist[4]);
	EXPECT_EQ(3, r->exited_hist[4]);
	for (size_t i = 0; i < r->nrows; i++) {
		w = &r->rows[i];
		EXPECT_EQ(w->blk_bytes, sum_io(w->tc)) TH_LOG("pid %lld", w->pid);
		EXPECT_EQ(w->writes, sum_hist(w->hist)) TH_LOG("pid %lld", w->pid);
	}
	EXPECT_EQ(r->other.writes, sum_hist(r->other.hist));
	EXPECT_EQ(wampp_exited_key(r, "writes", NULL), sum_hist(r->exited_hist));
	for (int k = 0; k < WAMP_TC_NR; k++) {
		tot = r->other.tc[k] +
		      wampp_exited_key(r, counter_names[k], NULL);
		for (size_t i = 0; i < r->nrows; i++)
			tot += r->rows[i].tc[k];
		EXPECT_EQ(wampp_key(r, counter_names[k], NULL), tot)
			TH_LOG("%s", counter_names[k]);
	}
	EXPECT_EQ(wampp_key(r, "blk_bytes", NULL),
		  wampp_sys_key(r, WAMP_KEY_DEV_WRITE_BYTES, NULL));
}

/* The bucket columns are named by wamp_hist_lower(), as the helpers say. */
TEST(hist_buckets_and_names)
{
	char want[32];

	for (unsigned int k = 0; k < WAMP_HIST_NR; k++) {
		snprintf(want, sizeof(want), "%llu", wamp_hist_lower(k));
		EXPECT_STREQ(want, wampp_hist_name(k));
		EXPECT_EQ(k, wamp_hist_bucket(wamp_hist_lower(k)));
		if (k + 1 < WAMP_HIST_NR)
			EXPECT_EQ(k, wamp_hist_bucket(wamp_hist_lower(k + 1) - 1));
	}
	EXPECT_EQ(WAMP_HIST_NR - 1, wamp_hist_bucket(~0ULL));
	EXPECT_EQ(0, wamp_hist_bucket(0));
	EXPECT_EQ(2, wamp_hist_bucket(3));
}

/* bpftrace's hist() labels: [0], [1], [2, 4) ... [512K, 1M), [1M, ...). */
TEST(hist_labels)
{
	static const char *const want[WAMP_HIST_NR] = {
		"[0]", "[1]", "[2, 4)", "[4, 8)", "[8, 16)", "[16, 32)",
		"[32, 64)", "[64, 128)", "[128, 256)", "[256, 512)",
		"[512, 1K)", "[1K, 2K)", "[2K, 4K)", "[4K, 8K)", "[8K, 16K)",
		"[16K, 32K)", "[32K, 64K)", "[64K, 128K)", "[128K, 256K)",
		"[256K, 512K)", "[512K, 1M)", "[1M, ...)",
	};
	char buf[32];

	for (unsigned int k = 0; k < WAMP_HIST_NR; k++) {
		ws_hist_label(k, buf, sizeof(buf));
		EXPECT_STREQ(want[k], buf);
	}
}

static char *hist_text(const unsigned long long *h, const char *indent)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ws_print_hist(f, h, indent);
	fclose(f);
	return buf;
}

static const char drawn[] =
	"[4, 8)               100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
	"[8, 16)               50 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |\n"
	"[16, 32)               1 |                                                    |\n"
	"[32, 64)               0 |                                                    |\n"
	"[64, 128)              3 |@                                                   |\n";

/*
 * Drawn as bpftrace draws it: label in 16 columns, count in 8, a bar of
 * 52 x count / max '@' (rounded down), empty buckets inside kept, those
 * before the first count and after the last left out.
 */
TEST(hist_drawing)
{
	unsigned long long h[WAMP_HIST_NR] = { 0 };
	char *out;

	h[3] = 100;
	h[4] = 50;
	h[5] = 1;
	h[7] = 3;
	out = hist_text(h, "");
	EXPECT_STREQ(drawn, out);
	free(out);
	memset(h, 0, sizeof(h));
	h[0] = 7;
	h[WAMP_HIST_NR - 1] = 123456789;
	out = hist_text(h, "  ");
	expect_in(_metadata, out, (const char *const []){
		"  [0]                    7 |                                                    |\n",
		"  [512K, 1M)             0 |",
		"  [1M, ...)       123456789 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n",
		NULL });
	free(out);
	memset(h, 0, sizeof(h));
	out = hist_text(h, "");
	EXPECT_STREQ("", out ? out : "(null)");
	free(out);
}

/* Rows of one pid (a reused one): each its own sizes row, in order. */
TEST(parse_sizes_rows_matched_in_order)
{
	static const char txt[] =
		"# wamp 1.5 writes=7 write_bytes=70 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
		"5 5 a 3 30 10 0 0 0 0.00 - EXITED\n"
		"6 6 idle 0 0 - 0 0 0 - - -\n"
		"5 5 a 4 40 10 0 0 0 0.00 - -\n"
		"- - (other) 0 0 - 0 0 0 - - -\n"
		"# sizes rows=2 later=1\n"
		"pid tgid comm 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576 2097152\n"
		"5 5 a 0 0 0 0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n"
		"5 5 a 0 0 0 0 4 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n"
		"77 77 gone 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n"
		"- - (other) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n"
		"- - (exited) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n";
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_TRUE(r.has_sizes);
	EXPECT_FALSE(r.has_io);		/* no io_ columns in this one */
	EXPECT_EQ(3, r.rows[0].hist[4]);
	EXPECT_EQ(0, sum_hist(r.rows[1].hist));
	EXPECT_EQ(4, r.rows[2].hist[4]);
	EXPECT_EQ(0, r.rows[2].hist[0]);	/* 77's row matched no task */
	wampp_free(&r);
}

/*
 * A reused pid whose first row has no writes (an exited task charged
 * block bytes only): the section has no row for it, so its one sizes row
 * is the live task's.
 */
TEST(parse_sizes_skip_rows_without_writes)
{
	static const char txt[] =
		"# wamp 1.5 writes=10 write_bytes=100 syncs=0 blk_reqs=1 blk_bytes=4096 min_writes=1 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
		"100 100 foo 0 0 - 0 1 4096 - - EXITED\n"
		"100 100 foo 10 100 10 0 0 0 0.00 - -\n"
		"- - (other) 0 0 - 0 0 0 - - -\n"
		"# sizes rows=1\n"
		"pid tgid comm 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576\n"
		"100 100 foo 0 0 0 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
		"- - (other) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
		"- - (exited) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
	struct wampp_report r;
	char err[256];

	ASSERT_EQ(0, wampp_parse(txt, &r, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, sum_hist(r.rows[0].hist));
	EXPECT_EQ(10, r.rows[1].hist[4]);
	wampp_free(&r);
}

#define HEAD15 "# wamp 1.5 a=1\npid tgid comm writes write_bytes avg_write syncs flags\n1 1 x 1 1 1 0 -\n"
#define SZHDR "pid tgid comm 0 1 2 4 8 16 32 64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576\n"

TEST(parse_sizes_rejects_malformed)
{
	static const struct {
		const char *txt, *msg;
	} bad[] = {
		{ HEAD15 "# sizes rows=1\n", "no sizes header line" },
		{ HEAD15 "# sizes rows=1\n# system a=1\n", "no sizes header line" },
		{ HEAD15 "# sizes rows=1\npid tgid comm 0 1 2 4\n",
		  "column '8' missing" },
		{ HEAD15 "# sizes rows=1\n" SZHDR "1 1 x 0 1\n",
		  "sizes row with 5 fields, expected 25" },
		{ HEAD15 "# sizes rows=1\n" SZHDR
		  "1 1 x 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -1\n",
		  "bad number in sizes row" },
		{ HEAD15 "# sizes rows=1\n" SZHDR
		  "x 1 x 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		  "bad pid or tgid in sizes row" },
	};
	struct wampp_report r;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, wampp_parse(bad[i].txt, &r, err, sizeof(err)))
			TH_LOG("input #%zu was accepted", i);
		EXPECT_STREQ(bad[i].msg, err) TH_LOG("input #%zu", i);
	}
}

/* Before 1.5: no io_ columns, no sizes; every earlier fixture still parses. */
TEST(parse_older_have_no_io_or_sizes)
{
	static const char *const files[] = { FIX "v1.0.txt", FIX "v1.1-demo.txt",
					     FIX14, FIX "v1.4-demo-t0.txt",
					     FIX "v1.4-demo-t1.txt",
					     FIX "v1.9-future.txt" };
	struct wampp_report r;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		ASSERT_EQ(0, parse_file(files[i], &r, err, sizeof(err)))
			TH_LOG("%s: %s", files[i], err);
		EXPECT_FALSE(r.has_io) TH_LOG("%s", files[i]);
		EXPECT_FALSE(r.has_sizes) TH_LOG("%s", files[i]);
		for (size_t j = 0; j < r.nrows; j++) {
			EXPECT_EQ(0, sum_hist(r.rows[j].hist));
			EXPECT_EQ(0, sum_io(r.rows[j].tc));
		}
		wampp_free(&r);
	}
}

/*
 * The task view: the io_ split is the IO_PATH column (the class with the
 * most of the row's block bytes) and a line of the totals' split; every
 * io_ counter in JSON and Prometheus; none of it for a 1.4 report.
 */
TEST_F(v15, task_view_io)
{
	struct ws_opts o = { .top = 0 };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_text);

	expect_in(_metadata, out, (const char *const []){
		"\nblock bytes by path: fsync 55%, journal 23%, direct 11%, writeback 5%, sync 5%\n",
		"   JRNL_BYTES IO_PATH          CGROUP RUNTIME    CONTAINER    FLAGS\n",
		"\n*     159     159 redis-server           2916       129861     44      898       2699     15183872  116.92      3788800            0     11395072 journal:75%         189 docker     4f3c9a1be27d SMALL,SYNC,AMP\n",
		"\n*     190     190 dbwriter               1500      9000000   6000        0       1500     18432000    2.04            0            0            0 direct:100%        7200 -          db.service   AMP\n",
		"        30717 sync:50%             61 -          backup.service EXITED\n",
		"            0 -                     1 -          -            -\n",
		NULL });
	free(out);
	out = text_of(&self->r, NULL, 0, &o, json_at_0);
	expect_in(_metadata, out, (const char *const []){
		"\"jrnl_bytes\":11395072,\"io_fsync\":3788800,\"io_sync\":0,\"io_writeback\":0,\"io_journal\":11395072,\"io_direct\":0,\"io_reclaim\":0,\"io_other\":0,\"amp\":116.92,",
		",\"dev_write_bytes\":161855485,\"io\":{\"fsync\":88920064,\"sync\":8388608,\"writeback\":8392704,\"journal\":37722109,\"direct\":18432000,\"reclaim\":0,\"other\":0}},",
		NULL });
	free(out);
	o.format = WS_PROM;
	out = text_of(&self->r, NULL, 0, &o, ws_print_prom);
	EXPECT_EQ(15, count(out, "# TYPE wamp_task_"));
	expect_in(_metadata, out, (const char *const []){
		"# HELP wamp_task_io_journal_bytes_total Part of blk_bytes that is journal commits.\n# TYPE wamp_task_io_journal_bytes_total counter\n",
		"\nwamp_task_io_direct_bytes_total{pid=\"190\",tgid=\"190\",comm=\"dbwriter\",cgroup_id=\"7200\",container_id=\"\"} 18432000\n",
		NULL });
	free(out);
}

TEST_F(v14, no_io_before_1_5)
{
	struct ws_opts o = { .top = 0 };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_text);

	EXPECT_EQ(NULL, strstr(out, "IO_PATH")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "by path")) TH_LOG("%s", out);
	free(out);
	out = text_of(&self->r, NULL, 0, &o, json_at_0);
	EXPECT_EQ(NULL, strstr(out, "\"io\":")) TH_LOG("%s", out);
	free(out);
	o.format = WS_PROM;
	out = text_of(&self->r, NULL, 0, &o, ws_print_prom);
	EXPECT_EQ(0, count(out, "wamp_task_io_"));
	free(out);
}

/* --sizes: one histogram per row with writes, as bpftrace's hist(). */
TEST_F(v15, sizes_text)
{
	struct ws_opts o = { .mode = WS_MODE_SIZES, .top = 20 };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_sizes);

	expect_in(_metadata, out, (const char *const []){
		"\nwrite sizes per task (the bytes each write syscall asked for; counts since load or reset):\n\n",
		"\nredis-server pid 159 tgid 159: 2916 writes, 129861 bytes, avg 44\n"
		"[8, 16)                6 |                                                    |\n"
		"[16, 32)               0 |                                                    |\n"
		"[32, 64)            2880 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[64, 128)             30 |                                                    |\n\n",
		"\ndd pid 175 tgid 175: 64 writes, 67108864 bytes, avg 1048576\n"
		"[1M, ...)             64 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n\n",
		"\n(other): 5 writes\n[8, 16)                5 |",
		"\n(exited): 3 writes (of the rows of exited tasks folded)\n[8, 16)                3 |",
		NULL });
	/* Sorted by writes; no block for a row of no writes (jbd2, bio_aof). */
	EXPECT_LT(strstr(out, "\ndd pid 176"), strstr(out, "\nredis-server pid 159"));
	EXPECT_EQ(NULL, strstr(out, "jbd2")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "bio_aof")) TH_LOG("%s", out);
	free(out);
	/* Per process: its tasks' histograms summed; filtered: no (other). */
	o = (struct ws_opts){ .mode = WS_MODE_SIZES, .view = WS_PROCS,
			      .container = "4f3c" };
	out = text_of(&self->r, NULL, 0, &o, ws_print_sizes);
	expect_in(_metadata, out, (const char *const []){
		"write sizes per process (",
		"\nredis-server tgid 159 (2 tasks): 2916 writes, 129861 bytes, avg 44\n[8, 16)",
		NULL });
	EXPECT_EQ(NULL, strstr(out, "(other)")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "\ndd ")) TH_LOG("%s", out);
	free(out);
	o = (struct ws_opts){ .mode = WS_MODE_SIZES, .view = WS_COMMS,
			      .comm = "dd" };
	out = text_of(&self->r, NULL, 0, &o, ws_print_sizes);
	expect_in(_metadata, out, (const char *const []){
		"\ndd (2 tasks): 4160 writes, 83886080 bytes, avg 20164\n"
		"[4K, 8K)            4096 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[8K, 16K)              0 |                                                    |\n",
		"[512K, 1M)             0 |                                                    |\n"
		"[1M, ...)             64 |                                                    |\n",
		NULL });
	free(out);
}

/* The whole document, exactly (the two rows -n 2 keeps). */
static const char *const sizes_want[] = {
	"{\"version\":1,\"format\":\"1.5\",\"time\":0,\"interval\":0.000,\"view\":\"sizes\",\"group\":\"tasks\",\"has_sizes\":true,\"rows\":[{\"pid\":176,\"tgid\":176,\"tasks\":1,\"comm\":\"dd\",\"writes\":4096,\"write_bytes\":16777216,\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":0,\"16\":0,\"32\":0,\"64\":0,\"128\":0,\"256\":0,\"512\":0,\"1024\":0,\"2048\":0,\"4096\":4096,\"8192\":0,\"16384\":0,\"32768\":0,\"65536\":0,\"131072\":0,\"262144\":0,\"524288\":0,\"1048576\":0}},{\"pid\":159,\"tgid\":159,\"tasks\":1,\"comm\":\"redis-server\",\"writes\":2916,\"write_bytes\":129861,\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":6,\"16\":0,\"32\":2880,\"64\":30,\"128\":0,\"256\":0,\"512\":0,\"1024\":0,\"2048\":0,\"4096\":0,\"8192\":0,\"16384\":0,\"32768\":0,\"65536\":0,\"131072\":0,\"262144\":0,\"524288\":0,\"1048576\":0}}],\"other\":{\"writes\":5,\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":5,\"16\":0,\"32\":0,\"64\":0,\"128\":0,\"256\":0,\"512\":0,\"1024\":0,\"2048\":0,\"4096\":0,\"8192\":0,\"16384\":0,\"32768\":0,\"65536\":0,\"131072\":0,\"262144\":0,\"524288\":0,\"1048576\":0}},\"exited\":{\"writes\":3,\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":3,\"16\":0,\"32\":0,\"64\":0,\"128\":0,\"256\":0,\"512\":0,\"1024\":0,\"2048\":0,\"4096\":0,\"8192\":0,\"16384\":0,\"32768\":0,\"65536\":0,\"131072\":0,\"262144\":0,\"524288\":0,\"1048576\":0}}}\n",
};

static void sizes_json_at_0(FILE *f, const struct ws_result *res,
			    const struct ws_opts *o)
{
	ws_print_sizes_json(f, res, o, 0);
}

TEST_F(v15, sizes_json)
{
	struct ws_opts o = { .mode = WS_MODE_SIZES, .top = 2 };
	char *out = text_of(&self->r, NULL, 0, &o, sizes_json_at_0);

	EXPECT_STREQ(sizes_want[0], out);
	free(out);
}

static const char sz_prev[] =
	"# wamp 1.5 writes=110 write_bytes=1100 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
	"10 10 a 100 1000 10 0 0 0 0.00 - SMALL\n"
	"11 11 b 10 100 10 0 0 0 0.00 - -\n"
	"- - (other) 0 0 - 0 0 0 - - -\n"
	"# sizes rows=2\n" SZHDR
	"10 10 a 0 0 0 0 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"11 11 b 0 0 0 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"- - (other) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"- - (exited) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* 2 s later: a wrote 50 more of 8..15 bytes and 2 of 4 KiB; b idle. */
static const char sz_cur[] =
	"# wamp 1.5 writes=162 write_bytes=9592 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=100 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
	"pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp cgroup flags\n"
	"10 10 a 152 9492 62 0 0 0 0.00 - SMALL\n"
	"11 11 b 10 100 10 0 0 0 0.00 - -\n"
	"- - (other) 0 0 - 0 0 0 - - -\n"
	"# sizes rows=2\n" SZHDR
	"10 10 a 0 0 0 0 150 0 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0 0\n"
	"11 11 b 0 0 0 0 10 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"- - (other) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	"- - (exited) 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* With an interval: the interval's histogram (counts, not rates). */
TEST(sizes_interval)
{
	struct ws_opts o = { .mode = WS_MODE_SIZES };
	struct wampp_report p, c;
	char err[256], *out;

	ASSERT_EQ(0, wampp_parse(sz_prev, &p, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, wampp_parse(sz_cur, &c, err, sizeof(err))) TH_LOG("%s", err);
	out = text_of(&c, &p, 2.0, &o, ws_print_sizes);
	expect_in(_metadata, out, (const char *const []){
		"write sizes per task over the interval (the bytes each write syscall asked for; counts in the interval, not per second):\n",
		"\na pid 10 tgid 10: 52 writes, 8492 bytes, avg 163\n"
		"[8, 16)               50 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"[16, 32)               0 |                                                    |\n"
		"[32, 64)               0 |                                                    |\n"
		"[64, 128)              0 |                                                    |\n"
		"[128, 256)             0 |                                                    |\n"
		"[256, 512)             0 |                                                    |\n"
		"[512, 1K)              0 |                                                    |\n"
		"[1K, 2K)               0 |                                                    |\n"
		"[2K, 4K)               0 |                                                    |\n"
		"[4K, 8K)               2 |@@                                                  |\n\n",
		NULL });
	EXPECT_EQ(NULL, strstr(out, "\nb pid")) TH_LOG("%s", out);	/* idle */
	free(out);
	o.format = WS_JSON;
	out = text_of(&c, &p, 2.0, &o, sizes_json_at_0);
	expect_in(_metadata, out, (const char *const []){
		"\"interval\":2.000,\"view\":\"sizes\",",
		"{\"pid\":10,\"tgid\":10,\"tasks\":1,\"comm\":\"a\",\"writes\":52,\"write_bytes\":8492,\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":50,",
		"\"4096\":2,",
		NULL });
	free(out);
	wampp_free(&p);
	wampp_free(&c);
}

/* A report without the section: said, in text and JSON; wampstat exits 1. */
TEST_F(v14, sizes_unavailable)
{
	struct ws_opts o = { .mode = WS_MODE_SIZES };
	char *out = text_of(&self->r, NULL, 0, &o, ws_print_sizes);

	expect_in(_metadata, out, (const char *const []){
		"\nno write sizes: the report has no sizes section (format 1.4; 1.5 has it)\n",
		NULL });
	free(out);
	out = text_of(&self->r, NULL, 0, &o, sizes_json_at_0);
	EXPECT_NE(NULL, strstr(out, "\"has_sizes\":false,\"rows\":[]}\n"))
		TH_LOG("%s", out);
	free(out);
}

TEST(stacks_parse)
{
	const struct wampp_stack *st;
	struct wampp_stacks s;
	char err[256], *text = wampp_read_file(STACKS15);

	ASSERT_NE(NULL, text);
	ASSERT_EQ(0, wampp_stacks_parse(text, &s, err, sizeof(err)))
		TH_LOG("%s", err);
	free(text);
	EXPECT_EQ(1, s.major);
	EXPECT_EQ(0, s.minor);
	EXPECT_EQ(4, s.sample);
	EXPECT_EQ(16, s.depth);
	EXPECT_STREQ("11/4096", s.entries);
	EXPECT_EQ(0, s.overflow);
	ASSERT_EQ(11, s.n);
	st = &s.st[0];
	EXPECT_EQ(175, st->pid);
	EXPECT_EQ(175, st->tgid);
	EXPECT_STREQ("dd", st->comm);
	EXPECT_STREQ("fsync", st->class_name);
	EXPECT_EQ(4096, st->bios);
	EXPECT_EQ(16777216, st->bytes);
	ASSERT_EQ(11, st->nframes);
	EXPECT_STREQ("submit_bio_noacct+0x1a0/0x5e0", st->frames[0]);
	EXPECT_STREQ("ext4_sync_file+0x1c4/0x3a0 [ext4]", st->frames[7]);
	EXPECT_STREQ("entry_SYSCALL_64_after_hwframe+0x63/0xcd",
		     st->frames[10]);
	for (size_t i = 1; i < s.n; i++)
		EXPECT_GE(s.st[i - 1].bytes, s.st[i].bytes);	/* sorted */
	wampp_stacks_free(&s);
}

TEST(stacks_parse_formats)
{
	static const char future[] =
		"# wamp stacks 1.3 sample=1 depth=8 entries=2/64 overflow=5 new=7\n"
		"# a comment of a later version\n"
		"stack pid=5 tgid=4 comm=a\\040b class=fsync bios=2 bytes=8192 extra=x\n"
		"\tf1+0x1/0x2\n"
		"\tf2+0x1/0x2 [mod]\n"
		"\n"
		"later lines are ignored\n"
		"stack pid=- tgid=- comm=(other) class=newclass bios=1 bytes=4096\n"
		"\n";
	static const struct {
		const char *txt, *msg;
	} bad[] = {
		{ "", "empty stacks file" },
		{ "# wamp 1.5 writes=1\n", "not a wamp stacks file (no '# wamp stacks' line)" },
		{ "# wamp stacks x\n", "no stacks format version" },
		{ "# wamp stacks 2.0 sample=1\n",
		  "stacks format 2.0 is not supported (this reader knows 1.x)" },
		{ "# wamp stacks 1.0 sample=x\n", "bad number in the stacks line" },
		{ "# wamp stacks 1.0 sample\n", "bad key 'sample'" },
		{ "# wamp stacks 1.0 sample=1\n\tframe\n",
		  "a frame before any stack record" },
		{ "# wamp stacks 1.0 sample=1\nstack pid=1 tgid=1 comm=a class=fsync bios=1\n",
		  "a stack record without pid, tgid, comm, class, bios or bytes" },
		{ "# wamp stacks 1.0 sample=1\n"
		  "stack pid=1 tgid=1 comm=a class=fsync bios=1 bytes=-4\n",
		  "bad number in a stack record" },
		{ "# wamp stacks 1.0 sample=1\n"
		  "stack pid=1 tgid=1 comm=a class=fsync bios=1 bytes=4096\n"
		  "\tf\nstack pid\n",
		  "bad key 'pid' in a stack record" },
	};
	struct wampp_stacks s;
	char err[256];

	ASSERT_EQ(0, wampp_stacks_parse(future, &s, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(3, s.minor);
	EXPECT_EQ(5, s.overflow);
	ASSERT_EQ(2, s.n);
	EXPECT_STREQ("a\\040b", s.st[0].comm);
	EXPECT_EQ(4, s.st[0].tgid);
	ASSERT_EQ(2, s.st[0].nframes);
	EXPECT_STREQ("f2+0x1/0x2 [mod]", s.st[0].frames[1]);
	EXPECT_EQ(WAMPP_NONE, s.st[1].pid);
	EXPECT_STREQ("newclass", s.st[1].class_name);
	EXPECT_EQ(0, s.st[1].nframes);
	wampp_stacks_free(&s);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, wampp_stacks_parse(bad[i].txt, &s, err, sizeof(err)))
			TH_LOG("input #%zu was accepted", i);
		EXPECT_STREQ(bad[i].msg, err) TH_LOG("input #%zu", i);
		EXPECT_EQ(NULL, s.st);
	}
}

TEST(frame_short)
{
	static const char *const c[][2] = {
		{ "submit_bio_noacct+0x1a0/0x5e0", "submit_bio_noacct" },
		{ "ext4_sync_file+0x1c4/0x3a0 [ext4]", "ext4_sync_file [ext4]" },
		{ "0xffffffffc0a01234", "0xffffffffc0a01234" },
		{ "plain", "plain" },
		{ "", "" },
	};
	char buf[128];

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		ws_frame_short(c[i][0], buf, sizeof(buf));
		EXPECT_STREQ(c[i][1], buf);
	}
}

static char *stacks_text(const struct wampp_stacks *s,
			 const struct ws_result *keep, const struct ws_opts *o,
			 bool json)
{
	struct ws_stack_view v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (ws_stacks_build(s, keep, o, &v))
		return strdup("(ws_stacks_build failed)");
	f = open_memstream(&buf, &len);
	if (json)
		ws_print_stacks_json(f, &v, o, 0);
	else
		ws_print_stacks(f, &v, o);
	fclose(f);
	ws_stacks_free(&v);
	return buf;
}

/* --stacks: perf report --stdio --no-children's call chains, per task. */
TEST_F(v15, stacks_text)
{
	struct ws_opts o = { .view = WS_TASKS, .top = 20 };
	long long pid159 = 159;
	char *out = stacks_text(&self->s, NULL, &o, false);

	expect_in(_metadata, out, (const char *const []){
		"wamp stacks 1.0: 1 in 4 charged write bios sampled, depth 16, entries 11/4096, overflow 0\n"
		"bios and bytes are the sampled bios'; est. = bytes x 4\n\n"
		"dd pid 175 tgid 175: 1 stack, 4096 bios, 16777216 bytes sampled, est. 67108864 bytes\n"
		"    100.00%  fsync     bios 4096  bytes 16777216  est. 67108864\n"
		"            |\n"
		"            ---submit_bio_noacct+0x1a0/0x5e0\n"
		"               ext4_io_submit+0x4c/0x60 [ext4]\n",
		"               entry_SYSCALL_64_after_hwframe+0x63/0xcd\n\n",
		"\nredis-server pid 159 tgid 159: 3 stacks, 927 bios, 3796992 bytes sampled, est. 15187968 bytes\n"
		"     69.80%  journal   bios 647  bytes 2650112  est. 10600448\n"
		"            |\n"
		"            ---submit_bio_noacct+0x1a0/0x5e0\n"
		"               submit_bh_wbc+0x16b/0x1a0\n"
		"               jbd2_journal_commit_transaction+0x6c7/0x1b70 [jbd2]\n"
		"               kjournald2+0xae/0x280 [jbd2]\n"
		"               kthread+0xe9/0x110\n"
		"               ret_from_fork+0x22/0x30\n\n"
		"     24.92%  fsync     bios 231  bytes 946176  est. 3784704\n",
		"\n      5.29%  journal   bios 49  bytes 200704  est. 802816\n",
		NULL });
	free(out);
	/* -n 1 and --no-offsets; -p keeps the pid's (or tgid's) records. */
	o = (struct ws_opts){ .top = 1, .no_offsets = true, .pids = &pid159,
			      .npids = 1 };
	out = stacks_text(&self->s, NULL, &o, false);
	expect_in(_metadata, out, (const char *const []){
		"\nredis-server pid 159 tgid 159: 3 stacks, 927 bios, 3796992 bytes sampled, est. 15187968 bytes\n"
		"     69.80%  journal   bios 647  bytes 2650112  est. 10600448\n"
		"            |\n"
		"            ---submit_bio_noacct\n"
		"               submit_bh_wbc\n"
		"               jbd2_journal_commit_transaction [jbd2]\n"
		"               kjournald2 [jbd2]\n"
		"               kthread\n"
		"               ret_from_fork\n\n"
		"    (2 more stacks: -n 0 shows them)\n",
		NULL });
	EXPECT_EQ(1, count(out, " stacks, "));
	free(out);
	/* -C, --comm: the command's tasks together. */
	o = (struct ws_opts){ .view = WS_COMMS, .comm = "dd" };
	out = stacks_text(&self->s, NULL, &o, false);
	expect_in(_metadata, out, (const char *const []){
		"\ndd (2 tasks): 3 stacks, 5120 bios, 20971520 bytes sampled, est. 83886080 bytes\n"
		"     80.00%  fsync     bios 4096  bytes 16777216  est. 67108864\n",
		"\n     10.00%  writeback bios 512  bytes 2097152  est. 8388608\n",
		"\n     10.00%  sync      bios 512  bytes 2097152  est. 8388608\n",
		NULL });
	EXPECT_EQ(1, count(out, " stacks, "));
	free(out);
}

/* --container: the records of the tasks the report puts in it. */
TEST_F(v15, stacks_filtered_by_container)
{
	struct ws_opts o = { .container = "4f3c9a1b" };
	char *out;

	ASSERT_EQ(0, ws_build(&self->r, NULL, 0, &o, &self->res));
	o.view = WS_PROCS;
	out = stacks_text(&self->s, &self->res, &o, false);
	expect_in(_metadata, out, (const char *const []){
		"\nredis-server tgid 159 (1 task): 3 stacks, 927 bios, 3796992 bytes sampled, est. 15187968 bytes\n",
		NULL });
	EXPECT_EQ(1, count(out, " stacks, ")) TH_LOG("%s", out);
	free(out);
	out = stacks_text(&self->s, &self->res, &o, true);
	expect_in(_metadata, out, (const char *const []){
		"{\"version\":1,\"stacks_format\":\"1.0\",\"time\":0,\"view\":\"stacks\",\"group\":\"processes\",\"sample\":4,\"depth\":16,\"entries\":\"11/4096\",\"overflow\":0,\"rows\":[{\"tgid\":159,\"tasks\":1,\"comm\":\"redis-server\",\"bios\":927,\"bytes\":3796992,\"est_bytes\":15187968,\"stacks\":[{\"class\":\"journal\",\"pid\":159,\"bios\":647,\"bytes\":2650112,\"est_bytes\":10600448,\"pct\":69.80,\"frames\":[\"submit_bio_noacct+0x1a0/0x5e0\",\"submit_bh_wbc+0x16b/0x1a0\",",
		NULL });
	EXPECT_EQ(out, strstr(out, "{\"version\":1,\"stacks_format\":"));
	EXPECT_NE(NULL, strstr(out, "]}]}]}\n")) TH_LOG("%s", out);
	free(out);
}

TEST(stacks_sampling_off)
{
	static const char off[] = "# wamp stacks 1.0 sample=0 depth=16 entries=0/4096 overflow=0\n";
	struct ws_opts o = { 0 };
	struct wampp_stacks s;
	char err[256], *out;

	ASSERT_EQ(0, wampp_stacks_parse(off, &s, err, sizeof(err)));
	out = stacks_text(&s, NULL, &o, false);
	expect_in(_metadata, out, (const char *const []){
		"\nthe module takes no stacks (sample=0: its stack_sample parameter is 0)\n",
		NULL });
	free(out);
	wampp_stacks_free(&s);
}

static const char *const eacces[] = {
	"/sys/kernel/debug/wamp/stacks: Permission denied: needs root and debugfs: mount -t debugfs none /sys/kernel/debug",
};

TEST(stacks_why)
{
	struct wampp_report r = { .major = 1, .minor = 4 };
	char msg[512];

	ws_stacks_why("saved.txt", ENOENT, false, NULL, msg, sizeof(msg));
	EXPECT_STREQ("cannot read saved.txt: No such file or directory", msg);
	ws_stacks_why(WAMP_STACKS_PATH, ENOENT, true, &r, msg, sizeof(msg));
	EXPECT_STREQ("this wamp has no stacks (format 1.4 < 1.5)", msg);
	r.minor = 5;
	ws_stacks_why(WAMP_STACKS_PATH, EACCES, true, &r, msg, sizeof(msg));
	EXPECT_STREQ(eacces[0], msg);
}

static char *explain_text(const struct wampp_report *r,
			  const struct wampp_report *prev, double secs,
			  const struct ws_opts *o,
			  const struct ws_explain_ctx *x, bool json)
{
	struct ws_opts b = *o;
	struct ws_result res;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	b.top = 0;
	if (ws_build(r, prev, secs, &b, &res))
		return strdup("(ws_build failed)");
	f = open_memstream(&buf, &len);
	if (json)
		ws_print_explain_json(f, &res, o, x, 0);
	else
		ws_print_explain(f, &res, o, x);
	fclose(f);
	ws_result_free(&res);
	return buf;
}

/* --explain: each flagged process, every sentence with its numbers. */
TEST_F(v15, explain_text)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .top = 20 };
	struct ws_stack_view sv;
	struct ws_explain_ctx x = { 0 };
	char *out;

	ASSERT_EQ(0, ws_stacks_build(&self->s, NULL, &o, &sv));
	x.stacks = &sv;
	out = explain_text(&self->r, NULL, 0, &o, &x, false);
	expect_in(_metadata, out, (const char *const []){
		"\nthresholds: min_writes=1000 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00; 4 of 8 processes flagged\n",
		"\n\nredis-server, tgid 159 (2 tasks), cgroup 189 (docker container 4f3c9a1be27d): SMALL,SYNC,AMP\n"
		"  SMALL: 2916 writes averaging 44 bytes, under small_write_bytes=512 (min_writes=1000).\n"
		"  SYNC: 900 syncs for 2916 writes, 1 sync per 3.2 writes (sync_ratio=10: syncs for 10% of the writes or more).\n"
		"  AMP: the disk received 116.92x the bytes it was asked to write: 15183872 bytes for 129861 (amp_ratio=2.00); 75% of it journal commits that carried its changes, forced by its syncs (jrnl_bytes 11395072).\n"
		"  by path: journal 75% (11395072 bytes), fsync 25% (3788800 bytes); dominant: journal.\n"
		"  top kernel path (class journal, 69.80% of its 3796992 sampled bytes; 1 in 4 bios sampled): submit_bio_noacct <- submit_bh_wbc <- jbd2_journal_commit_transaction [jbd2] <- kjournald2 [jbd2] <- kthread <- ret_from_fork\n"
		"  write sizes: 2880 of 2916 writes (99%) in [32, 64) bytes:\n"
		"    [8, 16)                6 |                                                    |\n"
		"    [16, 32)               0 |                                                    |\n"
		"    [32, 64)            2880 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|\n"
		"    [64, 128)             30 |                                                    |\n"
		"  application: redis (from its comm)\n"
		"  what to try:\n"
		"  - appendfsync everysec (CONFIG SET appendfsync everysec, and in redis.conf): 900 syncs for 2916 writes, 1 sync per 3.2 writes, is appendfsync always's fsync of the AOF after every write; everysec fsyncs it once a second from a background thread, and a crash loses about a second of writes at most.\n",
		/* Not recognised: the pattern's advice, each with its numbers. */
		"\nlogger, tgid 180 (1 task), cgroup 7100 (logger.service): SMALL,SYNC,AMP\n",
		"\n  AMP: the disk received 122.88x the bytes it was asked to write: 24576000 bytes for 200000 (amp_ratio=2.00); 67% of it journal commits that carried its changes, forced by its syncs (jrnl_bytes 16384000).\n",
		"\n  top kernel path (class journal, 66.67% of its 6144000 sampled bytes; 1 in 4 bios sampled): submit_bio_noacct <- ",
		"\n  application: not recognised (comm logger)\n",
		"\n  - batch small writes: 2000 writes averaging 100 bytes; gathered into writes of 4096 bytes or more (a buffer in the program, or writev) the same 200000 bytes take about 49 writes.\n",
		"\n  - O_DSYNC instead of write + fsync: 2000 syncs for 2000 writes, 1 sync per write; if every write must be durable,",
		"\n  - fewer journal commits: 67% of its 24576000 device bytes (16384000) are journal commits; ",
		"\n  - whole-page writes: it dirtied 8192000 bytes of page cache for 200000 bytes written (40.96x): ",
		"\ndbwriter, tgid 190 (1 task), cgroup 7200 (db.service): AMP\n"
		"  AMP: the disk received 2.04x the bytes it was asked to write: 18432000 bytes for 9000000 (amp_ratio=2.00).\n"
		"  by path: direct 100% (18432000 bytes); dominant: direct.\n"
		"  top kernel path (class direct, 100.00% of its 4608000 sampled bytes; 1 in 4 bios sampled): submit_bio_noacct <- iomap_dio_bio_iter <- __iomap_dio_rw <- iomap_dio_rw <- ext4_dio_write_iter [ext4] <- vfs_write <- __x64_sys_pwrite64 <- do_syscall_64 <- entry_SYSCALL_64_after_hwframe\n",
		"\n  - align O_DIRECT to 4 KiB: 18432000 bytes went to the disk by direct I/O (io_direct), and its writes average 6000 bytes, not a multiple of 4096; ",
		"\npostgres, tgid 200 (1 task), cgroup 7300 (postgresql.service): SYNC,AMP\n",
		"\n  application: postgresql (from its comm)\n",
		"\n  - synchronous_commit = off for the sessions or roles that can lose their last few hundred milliseconds of commits after a crash (never corruption), or commit_delay = 1000 (microseconds, with commit_siblings = 5) so that concurrent commits share one WAL flush: 1200 syncs for 1200 writes, 1 sync per write, is a WAL flush per commit; with synchronous_commit off the WAL writer flushes every wal_writer_delay (200ms by default; more batches more).\n",
		NULL });
	/* Only the flagged; in the view's order (block bytes). */
	EXPECT_EQ(NULL, strstr(out, "\ndd, tgid")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "nothing flagged")) TH_LOG("%s", out);
	EXPECT_LT(strstr(out, "\nlogger, tgid"), strstr(out, "\npostgres, tgid"));
	EXPECT_LT(strstr(out, "\ndbwriter, tgid"), strstr(out, "\nredis-server, tgid"));
	EXPECT_EQ(4, count(out, "  what to try:\n"));
	free(out);
	/* -n 1: one explained, the others counted. */
	o.top = 1;
	out = explain_text(&self->r, NULL, 0, &o, &x, false);
	EXPECT_EQ(1, count(out, "  what to try:\n"));
	EXPECT_NE(NULL, strstr(out, "\n(3 more flagged: -n 0 explains them all)\n"));
	free(out);
	ws_stacks_free(&sv);
	/* No stacks: said once, and no kernel path line. */
	x = (struct ws_explain_ctx){ .stacks_note = "not readable (root and debugfs needed)" };
	o.top = 0;
	out = explain_text(&self->r, NULL, 0, &o, &x, false);
	EXPECT_EQ(1, count(out, "stacks: not readable (root and debugfs needed)\n"));
	EXPECT_EQ(0, count(out, "top kernel path"));
	free(out);
}

/*
 * --explain --json: the same sentences, and the numbers as keys.  --comm
 * keeps the tasks of that name: redis's bio_aof thread is not one.
 */
TEST_F(v15, explain_json)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .format = WS_JSON, .comm = "redis-server" };
	struct ws_stack_view sv;
	struct ws_explain_ctx x = { 0 };
	char *out;

	ASSERT_EQ(0, ws_stacks_build(&self->s, NULL, &o, &sv));
	x.stacks = &sv;
	out = explain_text(&self->r, NULL, 0, &o, &x, true);
	expect_in(_metadata, out, (const char *const []){
		"{\"version\":1,\"format\":\"1.5\",\"time\":0,\"interval\":0.000,\"view\":\"explain\",\"group\":\"processes\",\"thresholds\":{\"min_writes\":1000,\"small_write_bytes\":512,\"sync_ratio\":10,\"amp_ratio\":2.00},\"stacks_note\":null,\"flagged\":1,\"findings\":[{\"tgid\":159,\"tasks\":1,\"comm\":\"redis-server\",\"writes\":2916,\"write_bytes\":129861,\"syncs\":898,",
		",\"io_fsync\":3788800,\"io_sync\":0,\"io_writeback\":0,\"io_journal\":11395072,",
		",\"avg_write\":44,\"title\":\"redis-server, tgid 159 (1 task), cgroup 189 (docker container 4f3c9a1be27d): SMALL,SYNC,AMP\",\"reasons\":[{\"flag\":\"SMALL\",\"text\":\"SMALL: 2916 writes averaging 44 bytes, under small_write_bytes=512 (min_writes=1000).\"},{\"flag\":\"SYNC\",",
		",\"io_text\":\"by path: journal 75% (11395072 bytes), fsync 25% (3788800 bytes); dominant: journal.\",\"dominant_class\":\"journal\",\"dominant_pct\":75,\"top_stack\":{\"class\":\"journal\",\"pct\":69.80,\"bios\":647,\"bytes\":2650112,\"sample\":4,\"frames\":[\"submit_bio_noacct+0x1a0/0x5e0\",",
		",\"sizes\":{\"0\":0,\"1\":0,\"2\":0,\"4\":0,\"8\":6,\"16\":0,\"32\":2880,\"64\":30,",
		",\"sizes_text\":\"write sizes: 2880 of 2916 writes (99%) in [32, 64) bytes\",\"app\":\"redis\",\"app_from\":\"comm\",\"advice\":[{\"id\":\"redis-appendfsync\",\"text\":\"appendfsync everysec (CONFIG SET appendfsync everysec, and in redis.conf): 898 syncs for 2916 writes, 1 sync per 3.2 writes, ",
		"}]}],\"top\":[]}\n",
		NULL });
	free(out);
	ws_stacks_free(&sv);
}

/* --container: the container itself first, as the kernel bills it. */
TEST_F(v15, explain_container)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .container = "4f3c9a1b" };
	struct ws_explain_ctx x = { .stacks_note = "none" };
	char *out = explain_text(&self->r, NULL, 0, &o, &x, false);

	expect_in(_metadata, out, (const char *const []){
		"; 1 of 1 process flagged\n",
		"\n\ncontainer 4f3c9a1be27d (docker, cgroup /docker/4f3c9a1be27d58e0a9c6b1f2d3e4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c): 2916 writes averaging 44 bytes, 900 syncs, flags SMALL,SYNC,AMP; the kernel billed it 3788800 bytes (io.stat wbytes), amp 29.17; its tasks were charged 15183872 bytes, 11395072 of them journal commits, which jbd2 writes and the root cgroup is billed for (io.max and io.weight on the container do not hold them back).\n\n"
		"redis-server, tgid 159 (2 tasks), cgroup 189 (docker container 4f3c9a1be27d): SMALL,SYNC,AMP\n",
		NULL });
	free(out);
	out = explain_text(&self->r, NULL, 0, &o, &x, true);
	expect_in(_metadata, out, (const char *const []){
		",\"stacks_note\":\"none\",\"container\":{\"match\":\"4f3c9a1b\",\"cgroups\":[189],\"writes\":2916,\"write_bytes\":129861,\"syncs\":900,\"blk_reqs\":925,\"blk_bytes\":3788800,\"tasks_blk_bytes\":15183872,\"tasks_jrnl_bytes\":11395072,\"flags\":[\"SMALL\",\"SYNC\",\"AMP\"],\"text\":\"container 4f3c9a1be27d (docker, ",
		NULL });
	free(out);
	o.container = "dead";
	out = explain_text(&self->r, NULL, 0, &o, &x, false);
	expect_in(_metadata, out, (const char *const []){
		"\n\ncontainer dead: no cgroup of it in the report.\n",
		"\nnothing flagged: ",
		"\nno rows.\n",
		NULL });
	free(out);
}

/* Nothing flagged: said, with the thresholds and the top rows' numbers. */
TEST_F(v15, explain_nothing_flagged)
{
	long long pids[] = { 1, 176 };
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .pids = pids, .npids = 2 };
	struct ws_explain_ctx x = { 0 };
	char *out = explain_text(&self->r, NULL, 0, &o, &x, false);

	expect_in(_metadata, out, (const char *const []){
		"; 0 of 2 processes flagged\n\n"
		"nothing flagged: no process has min_writes=1000 writes or more with an average under small_write_bytes=512, syncs for sync_ratio=10% of them, or amp_ratio=2.00 times their bytes on the disk.\n"
		"the top 2 by block bytes:\n"
		"  dd, tgid 176: 4096 writes averaging 4096 bytes, no syncs, 16807933 bytes to the disk (amp 1.00)\n"
		"  systemd, tgid 1: 12 writes averaging 50 bytes, no syncs, 0 bytes to the disk (amp 0.00)\n",
		NULL });
	EXPECT_EQ(0, count(out, "what to try"));
	free(out);
	out = explain_text(&self->r, NULL, 0, &o, &x, true);
	expect_in(_metadata, out, (const char *const []){
		",\"flagged\":0,\"findings\":[],\"top\":[{\"tgid\":176,",
		",\"text\":\"dd, tgid 176: 4096 writes averaging 4096 bytes, no syncs, 16807933 bytes to the disk (amp 1.00)\"},{\"tgid\":1,",
		NULL });
	free(out);
	/* -C: per command. */
	o = (struct ws_opts){ .view = WS_COMMS, .mode = WS_MODE_EXPLAIN,
			      .comm = "redis-server" };
	out = explain_text(&self->r, NULL, 0, &o, &x, false);
	expect_in(_metadata, out, (const char *const []){
		"; 1 of 1 command flagged\n",
		"\nredis-server (1 task), cgroup 189 (docker container 4f3c9a1be27d): SMALL,SYNC,AMP\n",
		NULL });
	free(out);
}

/* A 1.4 report: the numbers it has; what it lacks said, not guessed. */
TEST_F(v14, explain_before_1_5)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .comm = "redis-server", .container = "0123" };
	struct ws_explain_ctx x = {
		.stacks_note = "none: this wamp has no stacks (format 1.4 < 1.5)"
	};
	char *out = explain_text(&self->r, NULL, 0, &o, &x, false);

	expect_in(_metadata, out, (const char *const []){
		"\nstacks: none: this wamp has no stacks (format 1.4 < 1.5)\n",
		"\nredis-server, tgid 144 (1 task), cgroup 4321 (docker container 0123456789ab): SMALL,SYNC,AMP\n",
		"\n  by path: not in this report (format 1.4; 1.5 splits blk_bytes by path).\n",
		"\n  write sizes: not in this report (format 1.4; 1.5 has the sizes section).\n  application: redis",
		"\n  - appendfsync everysec (CONFIG SET appendfsync everysec, and in redis.conf): 11032 syncs for 11032 writes, 1 sync per write, ",
		NULL });
	EXPECT_EQ(0, count(out, "    ["));	/* no histogram */
	free(out);
	out = explain_text(&self->r, NULL, 0, &o, &x, true);
	expect_in(_metadata, out, (const char *const []){
		",\"dominant_class\":null,\"top_stack\":null,\"sizes\":null,\"sizes_text\":\"write sizes: not in this report (format 1.4; 1.5 has the sizes section)\",",
		NULL });
	free(out);
}

/* A report of one row, for the rules of the advice. */
static char *explain_row(const char *comm, const char *row,
			 const char *sizes, bool json)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN,
			     .format = json ? WS_JSON : WS_TEXT };
	struct ws_explain_ctx x = { 0 };
	struct wampp_report r;
	char txt[4096], err[256], *out;

	snprintf(txt, sizeof(txt),
		 "# wamp 1.5 writes=1 write_bytes=1 syncs=0 blk_reqs=0 blk_bytes=0 min_writes=1000 small_write_bytes=512 sync_ratio=10 amp_ratio=2.00\n"
		 "pid tgid comm writes write_bytes avg_write syncs blk_reqs blk_bytes amp dirtied wb_bytes jrnl_bytes io_fsync io_sync io_writeback io_journal io_direct io_reclaim io_other cgroup flags\n"
		 "9 9 %s %s - -\n"
		 "- - (other) 0 0 - 0 0 0 - 0 0 0 0 0 0 0 0 0 0 - -\n"
		 "# sizes rows=1\n" SZHDR "9 9 %s %s\n", comm, row, comm, sizes);
	if (wampp_parse(txt, &r, err, sizeof(err)))
		return strdup(err);
	out = explain_text(&r, NULL, 0, &o, &x, json);
	wampp_free(&r);
	return out;
}

#define NO_SIZES "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"

/* Each rule at its threshold and just off it (the WS_X_ constants). */
TEST(explain_advice_rules)
{
	static const struct {
		const char *comm, *row, *sizes, *want, *not;
	} c[] = {
		/* SYNC, unknown: a sync per 2 writes is O_DSYNC's; per 3, group commit */
		{ "app", "2000 2048000 1024 1000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES, "\"id\":\"o-dsync\"", "\"id\":\"group-commit\"" },
		{ "app", "3000 3072000 1024 1000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES, "\"id\":\"group-commit\"", "\"id\":\"o-dsync\"" },
		/* AMP: the journal at 50% of the device bytes, and below */
		{ "app",
		  "1000 4096000 4096 0 2000 8192000 2.00 0 0 4096000 4096000 0 0 4096000 0 0 0",
		  NO_SIZES, "\"id\":\"journal\"", "\"id\":\"whole-pages\"" },
		{ "app",
		  "1000 4096000 4096 0 2000 8192000 2.00 0 0 4095999 4096001 0 0 4095999 0 0 0",
		  NO_SIZES, "\"id\":\"none\"", "\"id\":\"journal\"" },
		/* AMP: dirtied twice what was written */
		{ "app", "1000 4096000 4096 0 2000 8192000 2.00 8192000 0 0 8192000 0 0 0 0 0 0",
		  NO_SIZES, "\"id\":\"whole-pages\"", "\"id\":\"journal\"" },
		/* O_DIRECT: an average not a multiple of 4096, and one that is */
		{ "app", "1000 6000000 6000 0 1000 12288000 2.04 0 0 0 0 0 0 0 12288000 0 0",
		  NO_SIZES, "\"id\":\"direct-align\"", "\"id\":\"none\"" },
		{ "app", "1000 4096000 4096 0 1000 8192000 2.00 0 0 0 0 0 0 0 8192000 0 0",
		  NO_SIZES, "\"id\":\"none\"", "\"id\":\"direct-align\"" },
		/* redis: AOF rewrite at 25% of its bytes in writes of 64 KiB up */
		{ "redis-server", "1100 26214400 23831 200 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  "0 0 0 0 0 0 0 1000 0 0 0 0 0 0 0 0 0 100 0 0 0 0",
		  "\"id\":\"redis-aof-rewrite\",\"text\":\"AOF rewrite settings: 100 writes of 64 KiB or more (at least 6553600 bytes, 25% of its 26214400 write bytes)",
		  "\"id\":\"batch\"" },
		{ "redis-server", "1100 26214404 23831 200 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  "0 0 0 0 0 0 0 1000 0 0 0 0 0 0 0 0 0 100 0 0 0 0",
		  "\"id\":\"redis-appendfsync\"", "\"id\":\"redis-aof-rewrite\"" },
		/* the applications' settings, on SYNC */
		{ "mysqld", "2000 200000 100 1000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES,
		  "\"id\":\"innodb-flush-log\",\"text\":\"innodb_flush_log_at_trx_commit = 2: 1000 syncs for 2000 writes, 1 sync per 2 writes,",
		  "\"id\":\"batch\"" },
		{ "mariadbd", "2000 200000 100 1000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES, "\"app\":\"mysql\",\"app_from\":\"comm\"", NULL },
		{ "sqlite3", "2000 200000 100 1000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES,
		  "\"id\":\"sqlite-wal\",\"text\":\"PRAGMA journal_mode=WAL and PRAGMA synchronous=NORMAL: 1000 syncs for 2000 writes,",
		  NULL },
		{ "etcd",
		  "2000 2048000 1024 2000 4000 16384000 8.00 0 0 8192000 8192000 0 0 8192000 0 0 0",
		  NO_SIZES,
		  "\"id\":\"etcd-wal-dir\",\"text\":\"etcd's fsyncs are Raft's durability: keep them (2000 syncs for 2000 writes, 1 sync per write); put its WAL on a disk of its own (--wal-dir), where the journal commits they force (50% of its device bytes) wait",
		  NULL },
		{ "postmaster", "2000 2048000 1024 2000 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES, "\"id\":\"pg-commit\"", NULL },
		/* an application's advice needs its flag: SMALL alone is none */
		{ "postgres", "2000 20000 10 0 0 0 - 0 0 0 0 0 0 0 0 0 0",
		  NO_SIZES, "\"id\":\"none\"", "\"id\":\"pg-commit\"" },
	};
	char *out;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		out = explain_row(c[i].comm, c[i].row, c[i].sizes, true);
		EXPECT_NE(NULL, strstr(out, c[i].want))
			TH_LOG("case %zu: no '%s' in %s", i, c[i].want, out);
		if (c[i].not)
			EXPECT_EQ(NULL, strstr(out, c[i].not))
				TH_LOG("case %zu: '%s' in %s", i, c[i].not, out);
		free(out);
	}
}

/* A live process: its cmdline's program, or a mapping of libsqlite3. */
TEST(app_recognition)
{
	char root[] = "/tmp/wamp_proc.XXXXXX", path[256];
	const char *from;
	FILE *f;

	ASSERT_NE(NULL, mkdtemp(root));
	snprintf(path, sizeof(path), "mkdir -p %s/41 %s/42 %s/43 %s/44", root,
		 root, root, root);
	ASSERT_EQ(0, system(path));
	snprintf(path, sizeof(path), "%s/41/cmdline", root);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fwrite("/usr/bin/redis-server *:6379\0\0", 1, 30, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/42/cmdline", root);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("postgres: 15/main: walwriter ", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/43/maps", root);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("7f00-7f10 r-xp 00000000 fe:01 123 /usr/lib/libsqlite3.so.0.8.6\n",
	      f);
	fclose(f);
	EXPECT_EQ(WS_APP_REDIS, ws_app_recognise("redis-server", 41, NULL, &from));
	EXPECT_STREQ("comm", from);
	EXPECT_EQ(WS_APP_REDIS, ws_app_recognise("worker", 41, root, &from));
	EXPECT_STREQ("cmdline", from);
	EXPECT_EQ(WS_APP_POSTGRES, ws_app_recognise("x", 42, root, &from));
	EXPECT_EQ(WS_APP_SQLITE, ws_app_recognise("myapp", 43, root, &from));
	EXPECT_STREQ("maps", from);
	EXPECT_EQ(WS_APP_NONE, ws_app_recognise("myapp", 44, root, &from));
	EXPECT_EQ(NULL, from);
	EXPECT_EQ(WS_APP_NONE, ws_app_recognise("myapp", 45, root, &from));
	EXPECT_EQ(WS_APP_NONE, ws_app_recognise("redis-cli", 41, NULL, &from));
	EXPECT_EQ(WS_APP_ETCD, ws_app_recognise("etcd", -1, root, &from));
	snprintf(path, sizeof(path), "rm -rf %s", root);
	ASSERT_EQ(0, system(path));
}

/*
 * Over an interval: the interval's counts, the evidence since load (of
 * the tasks shown: redis's thread, idle in it, is not).
 */
TEST(explain_interval)
{
	struct ws_opts o = { .view = WS_PROCS, .mode = WS_MODE_EXPLAIN };
	struct ws_explain_ctx x = { 0 };
	struct wampp_report p, c;
	char err[256], *out;

	ASSERT_EQ(0, parse_file(FIX "v1.4-demo-t0.txt", &p, err, sizeof(err)));
	ASSERT_EQ(0, parse_file(FIX "v1.4-demo-t1.txt", &c, err, sizeof(err)));
	out = explain_text(&c, &p, 1.0, &o, &x, false);
	expect_in(_metadata, out, (const char *const []){
		"\nredis-server, tgid 144 (1 task), cgroup 7000 (redis-server.service): SMALL,SYNC,AMP, over the last 1.0 s\n"
		"  SMALL: 400 writes averaging 42 bytes, under small_write_bytes=512 (2916 writes since load or reset, min_writes=1000).\n"
		"  SYNC: 200 syncs for 400 writes, 1 sync per 2 writes (sync_ratio=10: syncs for 10% of the writes or more).\n",
		NULL });
	free(out);
	wampp_free(&p);
	wampp_free(&c);
}

/* The options: what goes together, what does not, and old reports. */
TEST(wampstat_new_options)
{
	EXPECT_EQ(0, run_wampstat(FIX15, "--sizes -P"));
	EXPECT_EQ(0, run_wampstat(FIX15, "--sizes --json -C --comm dd"));
	EXPECT_EQ(0, run_wampstat(FIX15, "--explain --container 4f3c9a1b"));
	EXPECT_EQ(0, run_wampstat(FIX15, "--explain -C --stacks-file " STACKS15));
	EXPECT_EQ(0, run_wampstat(FIX15, "--stacks --stacks-file " STACKS15
				  " --container 4f3c -P"));
	EXPECT_EQ(0, run_wampstat(FIX14, "--explain"));
	EXPECT_EQ(1, run_wampstat(FIX14, "--sizes"));
	expect_in(_metadata, ws_stderr, (const char *const []){
		"has no sizes section (format 1.4, not 1.5 or later): no write sizes to show",
		NULL });
	EXPECT_EQ(1, run_wampstat(FIX15, "--stacks --stacks-file /nonexistent/stacks"));
	expect_in(_metadata, ws_stderr, (const char *const []){
		"wampstat: --stacks: cannot read /nonexistent/stacks: No such file or directory",
		NULL });
	EXPECT_EQ(1, run_wampstat(FIX15, "--stacks --stacks-file " FIX15));
	EXPECT_NE(NULL, strstr(ws_stderr, "not a wamp stacks file")) TH_LOG("%s", ws_stderr);
	EXPECT_EQ(2, run_wampstat(FIX15, "--sizes --stacks"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--explain -c"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--sizes -d"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--sizes --prometheus"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--stacks 1"));
	EXPECT_NE(NULL, strstr(ws_stderr, "--stacks takes no interval")) TH_LOG("%s", ws_stderr);
	EXPECT_EQ(2, run_wampstat(FIX15, "--stacks-file x"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--no-offsets"));
	EXPECT_EQ(2, run_wampstat(FIX15, "--top --explain"));
	EXPECT_EQ(2, run_wampstat(FIX15, "-c --comm dd"));
}

/* Every new JSON document is one valid JSON object a line. */
TEST(new_json_is_json)
{
	static const char *const args[] = {
		"--sizes --json", "--sizes -P --json 0.001 2",
		"--explain --json --stacks-file " STACKS15,
		"--explain --json --container 4f3c", "--explain --json -C",
		"--json -n 0", "--stacks --json --stacks-file " STACKS15,
	};
	char cmd[512];

	if (system("command -v python3 >/dev/null 2>&1"))
		SKIP(return, "python3 not installed");
	for (size_t i = 0; i < ARRAY_SIZE(args); i++) {
		snprintf(cmd, sizeof(cmd),
			 "build/tools/wampstat -f %s %s | python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]'",
			 FIX15, args[i]);
		EXPECT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
	}
	snprintf(cmd, sizeof(cmd),
		 "build/tools/wampstat -f %s -n 0 --prometheus | promtool check metrics",
		 FIX15);
	if (!system("command -v promtool >/dev/null 2>&1"))
		EXPECT_EQ(0, system(cmd)) TH_LOG("%s", cmd);
}

TEST_HARNESS_MAIN
