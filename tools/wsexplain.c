// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "wsexplain.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WS_FINDINGS (WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP)

/* ---- the application ---- */

static const struct {
	enum ws_app app;
	const char *name;
	const char *const progs[3];	/* comm or program name */
} ws_apps[] = {
	{ WS_APP_REDIS, "redis", { "redis-server" } },
	{ WS_APP_POSTGRES, "postgresql", { "postgres", "postmaster" } },
	{ WS_APP_MYSQL, "mysql", { "mysqld", "mariadbd" } },
	{ WS_APP_SQLITE, "sqlite", { "sqlite3" } },
	{ WS_APP_ETCD, "etcd", { "etcd" } },
};

const char *ws_app_name(enum ws_app app)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ws_apps); i++)
		if (ws_apps[i].app == app)
			return ws_apps[i].name;
	return NULL;
}

/* The application whose program is @prog (a comm, or argv[0]'s name). */
static enum ws_app app_of(const char *prog)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(ws_apps); i++)
		for (j = 0; j < ARRAY_SIZE(ws_apps[i].progs); j++)
			if (ws_apps[i].progs[j] &&
			    !strcmp(prog, ws_apps[i].progs[j]))
				return ws_apps[i].app;
	return WS_APP_NONE;
}

/* Up to @len - 1 bytes of /proc/PID/@name; its length, or -1. */
static ssize_t read_proc(const char *root, long long pid, const char *name,
			 char *buf, size_t len)
{
	char path[256];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%lld/%s", root, pid, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * argv[0]'s program name: its last '/' component, up to a blank or ':'
 * (programs that rewrite their title: "redis-server *:6379",
 * "postgres: walwriter").
 */
static void prog_name(const char *argv0, char *out, size_t len)
{
	const char *p = argv0, *slash;
	size_t n = strcspn(p, " :");

	for (slash = p; (slash = memchr(slash, '/', n - (slash - p))); ) {
		slash++;
		n -= slash - p;
		p = slash;
	}
	snprintf(out, len, "%.*s", (int)n, p);
}

enum ws_app ws_app_recognise(const char *comm, long long pid,
			     const char *proc_root, const char **from)
{
	enum ws_app app = app_of(comm);
	char buf[4096], prog[256];
	ssize_t n;

	*from = "comm";
	if (app != WS_APP_NONE || !proc_root || pid <= 0)
		return app;
	n = read_proc(proc_root, pid, "cmdline", buf, sizeof(buf));
	if (n > 0) {
		prog_name(buf, prog, sizeof(prog));
		app = app_of(prog);
		*from = "cmdline";
		if (app != WS_APP_NONE)
			return app;
	}
	/* A program that links SQLite: its mappings name the library. */
	n = read_proc(proc_root, pid, "maps", buf, sizeof(buf));
	*from = "maps";
	if (n > 0 && strstr(buf, "/libsqlite3"))
		return WS_APP_SQLITE;
	*from = NULL;
	return WS_APP_NONE;
}

/* ---- sentences ---- */

#define WS_SB_LEN	1536

struct sb {
	char s[WS_SB_LEN];
	size_t n;
};

static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->n >= sizeof(b->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->s + b->n, sizeof(b->s) - b->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->n += (size_t)n;
	if (b->n >= sizeof(b->s))
		b->n = sizeof(b->s) - 1;
}

struct ws_line {
	const char *key;	/* the flag, or the advice's id */
	struct sb t;
};

#define WS_MAX_ADVICE	8

struct finding {
	const struct ws_ent *e;
	enum ws_view view;
	bool human;
	enum ws_app app;
	const char *app_from;
	struct sb title;
	struct ws_line reason[3];
	int nreason;
	struct sb io;
	int dom;
	unsigned int dom_pct;
	const struct wampp_stack *top;	/* the top stack, or NULL */
	unsigned long long top_pct;	/* hundredths of its group's bytes */
	struct sb stack;
	struct sb sizes;
	struct ws_line adv[WS_MAX_ADVICE];
	int nadv;
};

/* A byte count for a sentence: exact, or 1024-based with -h. */
static const char *num(const struct finding *fd, unsigned long long v)
{
	static char bufs[16][32];
	static unsigned int i;
	char *b = bufs[i++ % ARRAY_SIZE(bufs)];

	if (fd->human)
		ws_human((double)v, b, sizeof(bufs[0]));
	else
		snprintf(b, sizeof(bufs[0]), "%llu", v);
	return b;
}

/* "1 sync per 3 writes", "1 sync per write", "1.5 syncs per write". */
static const char *per_sync(unsigned long long writes,
			    unsigned long long syncs, char *buf, size_t len)
{
	/* Tenths of writes per sync, rounded down: as the rules compare. */
	unsigned long long t = syncs ? (unsigned long long)
		((__uint128_t)writes * 10 / syncs) : 0;

	if (!syncs)
		snprintf(buf, len, "no syncs");
	else if (!writes)
		snprintf(buf, len, "%llu syncs and no writes", syncs);
	else if (syncs > writes)
		snprintf(buf, len, "%llu.%llu syncs per write",
			 syncs / writes,
			 (unsigned long long)((__uint128_t)syncs * 10 /
					      writes % 10));
	else if (t <= 10)
		snprintf(buf, len, "1 sync per write");
	else if (t % 10)
		snprintf(buf, len, "1 sync per %llu.%llu writes", t / 10,
			 t % 10);
	else
		snprintf(buf, len, "1 sync per %llu writes", t / 10);
	return buf;
}

static const char *amp_of(unsigned long long written,
			  unsigned long long blk, char *buf, size_t len)
{
	unsigned long long c = wamp_amp_centi(written, blk);

	snprintf(buf, len, "%llu.%02llu", c / 100, c % 100);
	return buf;
}

static struct sb *add_line(struct ws_line *l, int *n, int max,
			   const char *key)
{
	if (*n >= max)
		return NULL;
	l[*n].key = key;
	l[*n].t.n = 0;
	l[*n].t.s[0] = '\0';
	return &l[(*n)++].t;
}

static void explain_title(struct finding *fd, const struct ws_result *res)
{
	const struct ws_ent *e = fd->e;
	const struct ws_container *ct = e->cgi ? &e->cgi->ct : NULL;
	char fl[64];

	sb_add(&fd->title, "%s", e->name);
	if (fd->view == WS_PROCS)
		sb_add(&fd->title, ", tgid %lld", e->pid);
	sb_add(&fd->title, " (%d task%s)", e->ntasks, e->ntasks == 1 ? "" : "s");
	if (e->cgroup != WAMPP_NONE)
		sb_add(&fd->title, ", cgroup %lld", e->cgroup);
	if (ct && ct->id[0])
		sb_add(&fd->title, " (%s container %s)", ct->runtime,
		       ct->short_id);
	else if (ct && ct->pod_uid[0])
		sb_add(&fd->title, " (pod %s)", ct->pod_uid);
	else if (ct && ct->unit[0])
		sb_add(&fd->title, " (%s)", ct->unit);
	ws_flags_str(e->flags & WS_FINDINGS, fl, sizeof(fl));
	sb_add(&fd->title, ": %s", fl);
	if (res->seconds > 0)
		sb_add(&fd->title, ", over the last %.1f s", res->seconds);
}

static void reason_amp(struct finding *fd, const struct ws_result *res,
		       struct sb *b)
{
	const struct ws_ent *e = fd->e;
	const struct wamp_thresholds *t = &res->th;
	char amp[32];

	sb_add(b, "AMP: the disk received %sx the bytes it was asked to write: ",
	       amp_of(e->write_bytes, e->blk_bytes, amp, sizeof(amp)));
	sb_add(b, "%s bytes for %s (amp_ratio=%u.%02u)", num(fd, e->blk_bytes),
	       num(fd, e->write_bytes), t->amp_ratio / 100,
	       t->amp_ratio % 100);
	if (e->jrnl_bytes)
		sb_add(b, "; %u%% of it journal commits that carried its changes%s (jrnl_bytes %s)",
		       ws_pct(e->jrnl_bytes, e->blk_bytes),
		       e->flags & WAMP_F_SYNC ? ", forced by its syncs" : "",
		       num(fd, e->jrnl_bytes));
	if (e->wb_bytes)
		sb_add(b, "; %u%% written back for it by other tasks (wb_bytes %s)",
		       ws_pct(e->wb_bytes, e->blk_bytes), num(fd, e->wb_bytes));
	sb_add(b, ".");
}

static void explain_reasons(struct finding *fd, const struct ws_result *res)
{
	const struct ws_ent *e = fd->e;
	const struct wamp_thresholds *t = &res->th;
	char per[64];
	struct sb *b;

	if (e->flags & WAMP_F_SMALL) {
		b = add_line(fd->reason, &fd->nreason, 3, "SMALL");
		sb_add(b, "SMALL: %llu writes averaging %s bytes, ", e->writes,
		       num(fd, e->writes ? e->write_bytes / e->writes : 0));
		sb_add(b, "under small_write_bytes=%u", t->small_write_bytes);
		if (res->seconds > 0)
			sb_add(b, " (%llu writes since load or reset, min_writes=%u).",
			       e->cum_writes, t->min_writes);
		else
			sb_add(b, " (min_writes=%u).", t->min_writes);
	}
	if (e->flags & WAMP_F_SYNC) {
		b = add_line(fd->reason, &fd->nreason, 3, "SYNC");
		sb_add(b, "SYNC: %llu syncs for %llu writes, %s ", e->syncs,
		       e->writes, per_sync(e->writes, e->syncs, per,
					   sizeof(per)));
		sb_add(b, "(sync_ratio=%u: syncs for %u%% of the writes or more).",
		       t->sync_ratio, t->sync_ratio);
	}
	if (e->flags & WAMP_F_AMP) {
		b = add_line(fd->reason, &fd->nreason, 3, "AMP");
		reason_amp(fd, res, b);
	}
}

static void explain_io(struct finding *fd, const struct ws_result *res)
{
	const struct ws_ent *e = fd->e;
	char split[512];

	fd->dom = -1;
	if (!res->has_io) {
		sb_add(&fd->io, "by path: not in this report (format %d.%d; ",
		       res->major, res->minor);
		sb_add(&fd->io, "1.5 splits blk_bytes by path).");
		return;
	}
	if (!e->blk_bytes) {
		sb_add(&fd->io, "by path: no block bytes.");
		return;
	}
	fd->dom = ws_io_dominant(e, &fd->dom_pct);
	sb_add(&fd->io, "by path: %s; dominant: %s.",
	       ws_io_split(&e->tc[WAMP_TC_io_fsync], true, fd->human, split,
			   sizeof(split)),
	       fd->dom >= 0 ? ws_io_name(fd->dom) : "-");
}

/*
 * The top stack of the row: its class, share, and frames (shortened).
 * The stacks have no interval: over one, they are still since load.
 */
static void explain_stack(struct finding *fd, const struct ws_result *res,
			  const struct ws_explain_ctx *x)
{
	const struct ws_stack_group *g;
	const struct wampp_stacks *s;
	char frame[256];
	size_t j;

	if (!x->stacks)
		return;
	s = x->stacks->s;
	g = ws_stacks_find(x->stacks, fd->e);
	if (!g || !g->n) {
		sb_add(&fd->stack, "top kernel path: ");
		if (!s->sample)
			sb_add(&fd->stack, "the module takes no stacks (stack_sample=0).");
		else
			sb_add(&fd->stack, "no stack sampled for it (1 in %llu bios sampled).",
			       s->sample);
		return;
	}
	fd->top = g->st[0];
	fd->top_pct = g->bytes ? (unsigned long long)
		      (((__uint128_t)fd->top->bytes * 10000 + g->bytes / 2) /
		       g->bytes) : 0;
	sb_add(&fd->stack, "top kernel path (class %s, %llu.%02llu%% ",
	       fd->top->class_name, fd->top_pct / 100, fd->top_pct % 100);
	sb_add(&fd->stack, "of its %llu sampled bytes; 1 in %llu bios sampled",
	       g->bytes, s->sample);
	sb_add(&fd->stack, "%s):", res->seconds > 0 ? ", since load or reset" :
	       "");
	for (j = 0; j < fd->top->nframes; j++) {
		ws_frame_short(fd->top->frames[j], frame, sizeof(frame));
		sb_add(&fd->stack, "%s%s", j ? " <- " : " ", frame);
	}
	if (!fd->top->nframes)
		sb_add(&fd->stack, " (no frames)");
}

static void explain_sizes(struct finding *fd, const struct ws_result *res)
{
	const unsigned long long *h = fd->e->hist;
	unsigned long long total = ws_sum(h, WAMP_HIST_NR);
	unsigned int k, best = 0;
	char label[32];

	if (!res->has_sizes) {
		sb_add(&fd->sizes, "write sizes: not in this report (format %d.%d; ",
		       res->major, res->minor);
		sb_add(&fd->sizes, "1.5 has the sizes section)");
		return;
	}
	if (!total) {
		sb_add(&fd->sizes, "write sizes: no writes");
		return;
	}
	for (k = 1; k < WAMP_HIST_NR; k++)
		if (h[k] > h[best])
			best = k;
	ws_hist_label(best, label, sizeof(label));
	sb_add(&fd->sizes, "write sizes: %llu of %llu writes (%u%%) in %s bytes",
	       h[best], total, ws_pct(h[best], total), label);
}

/* The writes of at least WS_X_LARGE_BYTES, and their bytes' lower bound. */
static unsigned long long large_writes(const unsigned long long *h,
				       unsigned long long *bytes)
{
	unsigned long long n = 0;
	unsigned int k;

	*bytes = 0;
	for (k = 0; k < WAMP_HIST_NR; k++) {
		if (wamp_hist_lower(k) < WS_X_LARGE_BYTES)
			continue;
		n += h[k];
		*bytes += h[k] * wamp_hist_lower(k);
	}
	return n;
}

static void advise_redis(struct finding *fd, const struct ws_result *res)
{
	const struct ws_ent *e = fd->e;
	unsigned long long n, lb;
	char per[64];
	struct sb *b;

	if (e->flags & WAMP_F_SYNC) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE,
			     "redis-appendfsync");
		sb_add(b, "appendfsync everysec (CONFIG SET appendfsync everysec, ");
		sb_add(b, "and in redis.conf): %llu syncs for %llu writes, %s, ",
		       e->syncs, e->writes,
		       per_sync(e->writes, e->syncs, per, sizeof(per)));
		sb_add(b, "is appendfsync always's fsync of the AOF after every write; ");
		sb_add(b, "everysec fsyncs it once a second from a background thread, ");
		sb_add(b, "and a crash loses about a second of writes at most.");
	}
	n = large_writes(e->hist, &lb);
	if (res->has_sizes && n &&
	    (__uint128_t)lb * 100 >= (__uint128_t)e->write_bytes * WS_X_LARGE_PCT) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE,
			     "redis-aof-rewrite");
		sb_add(b, "AOF rewrite settings: %llu writes of 64 KiB or more ", n);
		sb_add(b, "(at least %s bytes, %u%% of its %s write bytes) ",
		       num(fd, lb), ws_pct(lb, e->write_bytes),
		       num(fd, e->write_bytes));
		sb_add(b, "are an AOF rewrite or an RDB save writing the dataset again; ");
		sb_add(b, "raise auto-aof-rewrite-percentage (100 by default) and ");
		sb_add(b, "auto-aof-rewrite-min-size (64mb) so that it rewrites less ");
		sb_add(b, "often, and with appendfsync everysec set ");
		sb_add(b, "no-appendfsync-on-rewrite yes so that the AOF's fsyncs do ");
		sb_add(b, "not wait behind the rewrite.");
	}
}

/* The advice of a recognised application: its settings, on SYNC. */
static void advise_app(struct finding *fd, const struct ws_result *res)
{
	const struct ws_ent *e = fd->e;
	char per[64], jr[64] = "";
	struct sb *b;

	if (fd->app == WS_APP_REDIS) {
		advise_redis(fd, res);
		return;
	}
	if (!(e->flags & WAMP_F_SYNC))
		return;
	per_sync(e->writes, e->syncs, per, sizeof(per));
	switch (fd->app) {
	case WS_APP_POSTGRES:
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "pg-commit");
		sb_add(b, "synchronous_commit = off for the sessions or roles ");
		sb_add(b, "that can lose their last few hundred milliseconds of ");
		sb_add(b, "commits after a crash (never corruption), or ");
		sb_add(b, "commit_delay = 1000 (microseconds, with ");
		sb_add(b, "commit_siblings = 5) so that concurrent commits share ");
		sb_add(b, "one WAL flush: %llu syncs for %llu writes, %s, ",
		       e->syncs, e->writes, per);
		sb_add(b, "is a WAL flush per commit; with synchronous_commit off ");
		sb_add(b, "the WAL writer flushes every wal_writer_delay ");
		sb_add(b, "(200ms by default; more batches more).");
		break;
	case WS_APP_MYSQL:
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE,
			     "innodb-flush-log");
		sb_add(b, "innodb_flush_log_at_trx_commit = 2: ");
		sb_add(b, "%llu syncs for %llu writes, %s, ", e->syncs,
		       e->writes, per);
		sb_add(b, "is the default (1) flushing the redo log at every ");
		sb_add(b, "commit; with 2 it is written at each commit and ");
		sb_add(b, "flushed once a second (an OS crash or a power loss ");
		sb_add(b, "can lose about a second of transactions, a mysqld ");
		sb_add(b, "crash none).");
		break;
	case WS_APP_SQLITE:
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "sqlite-wal");
		sb_add(b, "PRAGMA journal_mode=WAL and PRAGMA synchronous=NORMAL: ");
		sb_add(b, "%llu syncs for %llu writes, %s; ", e->syncs,
		       e->writes, per);
		sb_add(b, "in WAL mode NORMAL syncs at checkpoints, not at each ");
		sb_add(b, "commit (a power loss can roll back the last commits, ");
		sb_add(b, "not corrupt the database); and group statements into ");
		sb_add(b, "one transaction (BEGIN ... COMMIT).");
		break;
	case WS_APP_ETCD:
		if (e->jrnl_bytes && e->blk_bytes)
			snprintf(jr, sizeof(jr), " (%u%% of its device bytes)",
				 ws_pct(e->jrnl_bytes, e->blk_bytes));
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "etcd-wal-dir");
		sb_add(b, "etcd's fsyncs are Raft's durability: keep them ");
		sb_add(b, "(%llu syncs for %llu writes, %s); ", e->syncs,
		       e->writes, per);
		sb_add(b, "put its WAL on a disk of its own (--wal-dir), where ");
		sb_add(b, "the journal commits they force%s wait behind no ", jr);
		sb_add(b, "other writer, and watch ");
		sb_add(b, "etcd_disk_wal_fsync_duration_seconds.");
		break;
	default:
		break;
	}
}

static void advise_sync(struct finding *fd)
{
	const struct ws_ent *e = fd->e;
	char per[64];
	struct sb *b;

	per_sync(e->writes, e->syncs, per, sizeof(per));
	if ((__uint128_t)e->syncs * WS_X_ODSYNC_WRITES >= e->writes) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "o-dsync");
		sb_add(b, "O_DSYNC instead of write + fsync: ");
		sb_add(b, "%llu syncs for %llu writes, %s; ", e->syncs,
		       e->writes, per);
		sb_add(b, "if every write must be durable, open the file O_DSYNC ");
		sb_add(b, "(or use fdatasync), which makes each write durable in ");
		sb_add(b, "one call and commits no journal transaction for ");
		sb_add(b, "timestamps alone; if not, sync once per batch of ");
		sb_add(b, "writes (group commit).");
	} else {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "group-commit");
		sb_add(b, "group commit: %llu syncs for %llu writes, %s; ",
		       e->syncs, e->writes, per);
		sb_add(b, "each sync makes the disk write and flush what is ");
		sb_add(b, "dirty and commit the journal: one sync per batch of ");
		sb_add(b, "writes, or fdatasync instead of fsync, sends fewer.");
	}
}

/* The advice from the measured pattern alone (no application known). */
static void advise_generic(struct finding *fd)
{
	const struct ws_ent *e = fd->e;
	unsigned long long avg = e->writes ? e->write_bytes / e->writes : 0;
	char times[32];
	struct sb *b;

	if (e->flags & WAMP_F_SMALL) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "batch");
		sb_add(b, "batch small writes: %llu writes averaging %s bytes; ",
		       e->writes, num(fd, avg));
		sb_add(b, "gathered into writes of %d bytes or more ",
		       WS_X_BATCH_BYTES);
		sb_add(b, "(a buffer in the program, or writev) the same %s bytes ",
		       num(fd, e->write_bytes));
		sb_add(b, "take about %llu writes.",
		       (e->write_bytes + WS_X_BATCH_BYTES - 1) / WS_X_BATCH_BYTES);
	}
	if (e->flags & WAMP_F_SYNC)
		advise_sync(fd);
	if (e->flags & WAMP_F_AMP && e->jrnl_bytes &&
	    (__uint128_t)e->jrnl_bytes * 100 >=
	    (__uint128_t)e->blk_bytes * WS_X_JOURNAL_PCT) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "journal");
		sb_add(b, "fewer journal commits: %u%% of its %s device bytes ",
		       ws_pct(e->jrnl_bytes, e->blk_bytes),
		       num(fd, e->blk_bytes));
		sb_add(b, "(%s) are journal commits; ", num(fd, e->jrnl_bytes));
		sb_add(b, "fewer syncs, fdatasync or O_DSYNC instead of fsync, ");
		sb_add(b, "and a preallocated file (fallocate) so that a sync has ");
		sb_add(b, "no size change to commit, all send fewer.");
	}
	if (e->flags & WAMP_F_AMP && e->write_bytes &&
	    (__uint128_t)e->dirtied >=
	    (__uint128_t)e->write_bytes * WS_X_DIRTY_TIMES) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "whole-pages");
		sb_add(b, "whole-page writes: it dirtied %s bytes of page cache ",
		       num(fd, e->dirtied));
		sb_add(b, "for %s bytes written (%sx): ", num(fd, e->write_bytes),
		       amp_of(e->write_bytes, e->dirtied, times, sizeof(times)));
		sb_add(b, "each small write into a page cleaned since (by its ");
		sb_add(b, "syncs or writeback) dirties the whole 4 KiB page ");
		sb_add(b, "again; write whole, 4 KiB-aligned blocks, or sync ");
		sb_add(b, "less often.");
	}
	if (e->io_direct && e->writes && avg % WS_X_ALIGN_BYTES) {
		b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "direct-align");
		sb_add(b, "align O_DIRECT to 4 KiB: %s bytes went to the disk ",
		       num(fd, e->io_direct));
		sb_add(b, "by direct I/O (io_direct), and its writes average ");
		sb_add(b, "%s bytes, not a multiple of %d; ", num(fd, avg),
		       WS_X_ALIGN_BYTES);
		sb_add(b, "a direct write's offset, length and buffer address ");
		sb_add(b, "must be multiples of the device's logical block size ");
		sb_add(b, "(4096 on most disks), or it fails with EINVAL or ");
		sb_add(b, "falls back to buffered I/O.");
	}
}

static void explain_advice(struct finding *fd, const struct ws_result *res)
{
	struct sb *b;

	if (fd->app != WS_APP_NONE)
		advise_app(fd, res);
	else
		advise_generic(fd);
	if (fd->nadv)
		return;
	b = add_line(fd->adv, &fd->nadv, WS_MAX_ADVICE, "none");
	sb_add(b, "no advice matches these numbers ");
	sb_add(b, "(wampstat(8), EXPLAIN, has the rules).");
}

static struct finding *explain_one(const struct ws_ent *e,
				   const struct ws_result *res,
				   const struct ws_opts *o,
				   const struct ws_explain_ctx *x, bool human)
{
	struct finding *fd = calloc(1, sizeof(*fd));

	if (!fd)
		return NULL;
	fd->e = e;
	fd->view = o->view;
	fd->human = human;
	fd->app = ws_app_recognise(e->name, o->view == WS_PROCS ? e->pid : -1,
				   x->proc_root, &fd->app_from);
	explain_title(fd, res);
	explain_reasons(fd, res);
	explain_io(fd, res);
	explain_stack(fd, res, x);
	explain_sizes(fd, res);
	explain_advice(fd, res);
	return fd;
}

/* ---- the container (--container) ---- */

struct ctr {
	struct ws_ent sum;	/* its cgroups' own counts */
	size_t ncg;
	const struct ws_cgi *cgi;	/* the first */
	unsigned long long task_blk, task_jrnl;
	struct sb text;
};

static void explain_container(struct ctr *c, const struct ws_result *res,
			      const struct ws_opts *o, bool h)
{
	struct finding fake = { .human = h };
	const struct ws_container *ct;
	char amp[32], fl[64];
	size_t i;
	int k;

	memset(&c->sum, 0, sizeof(c->sum));
	for (i = 0; i < res->ncgs; i++) {
		for (k = 0; k < WAMP_CG_NR; k++)
			c->sum.tc[k] += res->cgs[i].tc[k];
		c->sum.cum_writes += res->cgs[i].cum_writes;
		if (!c->ncg++)
			c->cgi = res->cgs[i].cgi;
	}
	for (i = 0; i < res->n; i++) {
		c->task_blk += res->ents[i].blk_bytes;
		c->task_jrnl += res->ents[i].jrnl_bytes;
	}
	c->sum.flags = ws_classify(c->sum.cum_writes, c->sum.writes,
				   c->sum.write_bytes, c->sum.syncs,
				   c->sum.blk_bytes, &res->th);
	if (!c->ncg) {
		sb_add(&c->text, "container %s: no cgroup of it in the report.",
		       o->container);
		return;
	}
	ct = &c->cgi->ct;
	ws_flags_str(c->sum.flags, fl, sizeof(fl));
	sb_add(&c->text, "%s %s (", ct->id[0] ? "container" :
	       ct->pod_uid[0] ? "pod" : "cgroup", ws_container_label(ct));
	if (ct->runtime[0])
		sb_add(&c->text, "%s, ", ct->runtime);
	if (c->ncg == 1)
		sb_add(&c->text, "cgroup %s)", c->cgi->cg->upath);
	else
		sb_add(&c->text, "%zu cgroups, the first %s)", c->ncg,
		       c->cgi->cg->upath);
	sb_add(&c->text, ": %llu writes averaging %s bytes, %llu syncs, ",
	       c->sum.writes,
	       num(&fake, c->sum.writes ? c->sum.write_bytes / c->sum.writes :
		   0), c->sum.syncs);
	sb_add(&c->text, "flags %s; the kernel billed it %s bytes ", fl,
	       num(&fake, c->sum.blk_bytes));
	sb_add(&c->text, "(io.stat wbytes)");
	if (c->sum.write_bytes)
		sb_add(&c->text, ", amp %s",
		       amp_of(c->sum.write_bytes, c->sum.blk_bytes, amp,
			      sizeof(amp)));
	sb_add(&c->text, "; its tasks were charged %s bytes",
	       num(&fake, c->task_blk));
	if (c->task_jrnl) {
		sb_add(&c->text, ", %s of them journal commits, ",
		       num(&fake, c->task_jrnl));
		sb_add(&c->text, "which jbd2 writes and the root cgroup is billed ");
		sb_add(&c->text, "for (io.max and io.weight on the container do ");
		sb_add(&c->text, "not hold them back)");
	}
	sb_add(&c->text, ".");
}

/* ---- output ---- */

static size_t nflagged(const struct ws_result *res)
{
	size_t i, n = 0;

	for (i = 0; i < res->n; i++)
		if (res->ents[i].flags & WS_FINDINGS)
			n++;
	return n;
}

static const char *group_name(const struct ws_opts *o, size_t n)
{
	if (o->view == WS_COMMS)
		return n == 1 ? "command" : "commands";
	return n == 1 ? "process" : "processes";
}

/* A row's numbers in one line, for "nothing flagged". */
static void top_line(struct sb *b, const struct ws_ent *e,
		     const struct ws_opts *o, bool h)
{
	struct finding fake = { .human = h };
	char per[64], amp[32];

	sb_add(b, "%s", e->name);
	if (o->view == WS_PROCS)
		sb_add(b, ", tgid %lld", e->pid);
	sb_add(b, ": %llu writes averaging %s bytes, %s, %s bytes to the disk",
	       e->writes, num(&fake, e->writes ? e->write_bytes / e->writes : 0),
	       per_sync(e->writes, e->syncs, per, sizeof(per)),
	       num(&fake, e->blk_bytes));
	if (e->write_bytes)
		sb_add(b, " (amp %s)", amp_of(e->write_bytes, e->blk_bytes, amp,
					      sizeof(amp)));
}

static void print_nothing(FILE *f, const struct ws_result *res,
			  const struct ws_opts *o)
{
	const struct wamp_thresholds *t = &res->th;
	struct sb b;
	size_t i;

	fprintf(f, "\nnothing flagged: no %s has min_writes=%u writes or more ",
		group_name(o, 1), t->min_writes);
	fprintf(f, "with an average under small_write_bytes=%u, ",
		t->small_write_bytes);
	fprintf(f, "syncs for sync_ratio=%u%% of them, ", t->sync_ratio);
	fprintf(f, "or amp_ratio=%u.%02u times their bytes on the disk.\n",
		t->amp_ratio / 100, t->amp_ratio % 100);
	if (!res->n) {
		fputs("no rows.\n", f);
		return;
	}
	fprintf(f, "the top %zu by %s:\n",
		res->n < WS_X_TOP_ROWS ? res->n : (size_t)WS_X_TOP_ROWS,
		res->has_blk ? "block bytes" : "bytes");
	for (i = 0; i < res->n && i < WS_X_TOP_ROWS; i++) {
		b.n = 0;
		b.s[0] = '\0';
		top_line(&b, &res->ents[i], o, o->human);
		fprintf(f, "  %s\n", b.s);
	}
}

static void print_finding(FILE *f, const struct finding *fd)
{
	int i;

	fprintf(f, "\n%s\n", fd->title.s);
	for (i = 0; i < fd->nreason; i++)
		fprintf(f, "  %s\n", fd->reason[i].t.s);
	fprintf(f, "  %s\n", fd->io.s);
	if (fd->stack.n)
		fprintf(f, "  %s\n", fd->stack.s);
	fprintf(f, "  %s%s\n", fd->sizes.s,
		ws_sum(fd->e->hist, WAMP_HIST_NR) ? ":" : ".");
	ws_print_hist(f, fd->e->hist, "    ");
	if (fd->app != WS_APP_NONE)
		fprintf(f, "  application: %s (from its %s)\n",
			ws_app_name(fd->app), fd->app_from);
	else
		fprintf(f, "  application: not recognised (comm %s)\n",
			fd->e->name);
	fputs("  what to try:\n", f);
	for (i = 0; i < fd->nadv; i++)
		fprintf(f, "  - %s\n", fd->adv[i].t.s);
}

void ws_print_explain(FILE *f, const struct ws_result *res,
		      const struct ws_opts *o, const struct ws_explain_ctx *x)
{
	const struct wamp_thresholds *t = &res->th;
	size_t i, shown = 0, top = o->top > 0 ? (size_t)o->top : (size_t)-1;
	struct finding *fd;
	struct ctr c = { .task_blk = 0 };

	ws_print_summary(f, res, o->human, false);
	fprintf(f, "thresholds: min_writes=%u small_write_bytes=%u ",
		t->min_writes, t->small_write_bytes);
	fprintf(f, "sync_ratio=%u amp_ratio=%u.%02u; ", t->sync_ratio,
		t->amp_ratio / 100, t->amp_ratio % 100);
	fprintf(f, "%zu of %zu %s flagged\n", nflagged(res), res->n,
		group_name(o, res->n));
	if (x->stacks_note)
		fprintf(f, "stacks: %s\n", x->stacks_note);
	if (o->container) {
		explain_container(&c, res, o, o->human);
		fprintf(f, "\n%s\n", c.text.s);
	}
	for (i = 0; i < res->n && shown < top; i++) {
		if (!(res->ents[i].flags & WS_FINDINGS))
			continue;
		fd = explain_one(&res->ents[i], res, o, x, o->human);
		if (!fd) {
			fputs("(out of memory)\n", f);
			return;
		}
		print_finding(f, fd);
		free(fd);
		shown++;
	}
	if (!nflagged(res))
		print_nothing(f, res, o);
	else if (shown < nflagged(res))
		fprintf(f, "\n(%zu more flagged: -n 0 explains them all)\n",
			nflagged(res) - shown);
}

static void json_line_array(FILE *f, const char *name, const char *key,
			    const struct ws_line *l, int n)
{
	int i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"%s\":", i ? "," : "", key);
		ws_json_str(f, l[i].key);
		fputs(",\"text\":", f);
		ws_json_str(f, l[i].t.s);
		fputc('}', f);
	}
	fputc(']', f);
}

static void json_top_stack(FILE *f, const struct finding *fd,
			   const struct ws_explain_ctx *x)
{
	const struct wampp_stack *st = fd->top;
	size_t j;

	if (!st) {
		fputs(",\"top_stack\":null", f);
		return;
	}
	fputs(",\"top_stack\":{\"class\":", f);
	ws_json_str(f, st->class_name);
	fprintf(f, ",\"pct\":%llu.%02llu,\"bios\":%llu,\"bytes\":%llu,\"sample\":%llu,\"frames\":[",
		fd->top_pct / 100, fd->top_pct % 100, st->bios, st->bytes,
		x->stacks->s->sample);
	for (j = 0; j < st->nframes; j++) {
		if (j)
			fputc(',', f);
		ws_json_str(f, st->frames[j]);
	}
	fputs("]}", f);
}

static void json_finding(FILE *f, const struct finding *fd,
			 const struct ws_result *res,
			 const struct ws_explain_ctx *x)
{
	const struct ws_ent *e = fd->e;

	ws_json_ent_open(f, e, fd->view);
	fprintf(f, ",\"avg_write\":");
	if (e->writes)
		fprintf(f, "%llu", e->write_bytes / e->writes);
	else
		fputs("null", f);
	fputs(",\"title\":", f);
	ws_json_str(f, fd->title.s);
	json_line_array(f, "reasons", "flag", fd->reason, fd->nreason);
	fputs(",\"io_text\":", f);
	ws_json_str(f, fd->io.s);
	if (fd->dom >= 0)
		fprintf(f, ",\"dominant_class\":\"%s\",\"dominant_pct\":%u",
			ws_io_name(fd->dom), fd->dom_pct);
	else
		fputs(",\"dominant_class\":null", f);
	json_top_stack(f, fd, x);
	if (fd->stack.n) {
		fputs(",\"stack_text\":", f);
		ws_json_str(f, fd->stack.s);
	}
	fputs(",\"sizes\":", f);
	if (res->has_sizes)
		ws_json_hist(f, e->hist);
	else
		fputs("null", f);
	fputs(",\"sizes_text\":", f);
	ws_json_str(f, fd->sizes.s);
	if (fd->app != WS_APP_NONE)
		fprintf(f, ",\"app\":\"%s\",\"app_from\":\"%s\"",
			ws_app_name(fd->app), fd->app_from);
	else
		fputs(",\"app\":null", f);
	json_line_array(f, "advice", "id", fd->adv, fd->nadv);
	fputc('}', f);
}

static void json_container(FILE *f, const struct ws_result *res,
			   const struct ws_opts *o)
{
	struct ctr c = { .task_blk = 0 };
	char fl[64], *t, *save = NULL;
	size_t i;

	explain_container(&c, res, o, false);
	fputs(",\"container\":{\"match\":", f);
	ws_json_str(f, o->container);
	fputs(",\"cgroups\":[", f);
	for (i = 0; i < res->ncgs; i++)
		fprintf(f, "%s%lld", i ? "," : "", res->cgs[i].cgroup);
	fprintf(f, "],\"writes\":%llu,\"write_bytes\":%llu,\"syncs\":%llu",
		c.sum.writes, c.sum.write_bytes, c.sum.syncs);
	fprintf(f, ",\"blk_reqs\":%llu,\"blk_bytes\":%llu", c.sum.blk_reqs,
		c.sum.blk_bytes);
	fprintf(f, ",\"tasks_blk_bytes\":%llu,\"tasks_jrnl_bytes\":%llu,\"flags\":[",
		c.task_blk, c.task_jrnl);
	ws_flags_str(c.sum.flags, fl, sizeof(fl));
	for (t = strtok_r(fl, ",", &save); t && strcmp(t, "-");
	     t = strtok_r(NULL, ",", &save))
		fprintf(f, "%s\"%s\"", t == fl ? "" : ",", t);
	fputs("],\"text\":", f);
	ws_json_str(f, c.text.s);
	fputc('}', f);
}

void ws_print_explain_json(FILE *f, const struct ws_result *res,
			   const struct ws_opts *o,
			   const struct ws_explain_ctx *x, long long timestamp)
{
	const struct wamp_thresholds *t = &res->th;
	size_t i, shown = 0, top = o->top > 0 ? (size_t)o->top : (size_t)-1;
	struct finding *fd;
	struct sb b;

	ws_json_head(f, res, "explain", timestamp);
	fprintf(f, ",\"group\":\"%s\"", ws_view_name(o->view));
	fprintf(f, ",\"thresholds\":{\"min_writes\":%u,\"small_write_bytes\":%u",
		t->min_writes, t->small_write_bytes);
	fprintf(f, ",\"sync_ratio\":%u,\"amp_ratio\":%u.%02u}", t->sync_ratio,
		t->amp_ratio / 100, t->amp_ratio % 100);
	fputs(",\"stacks_note\":", f);
	if (x->stacks_note)
		ws_json_str(f, x->stacks_note);
	else
		fputs("null", f);
	if (o->container)
		json_container(f, res, o);
	fprintf(f, ",\"flagged\":%zu,\"findings\":[", nflagged(res));
	for (i = 0; i < res->n && shown < top; i++) {
		if (!(res->ents[i].flags & WS_FINDINGS))
			continue;
		fd = explain_one(&res->ents[i], res, o, x, false);
		if (!fd)
			break;
		if (shown++)
			fputc(',', f);
		json_finding(f, fd, res, x);
		free(fd);
	}
	fputs("],\"top\":[", f);
	for (i = 0; !nflagged(res) && i < res->n && i < WS_X_TOP_ROWS; i++) {
		if (i)
			fputc(',', f);
		ws_json_ent_open(f, &res->ents[i], o->view);
		b.n = 0;
		b.s[0] = '\0';
		top_line(&b, &res->ents[i], o, false);
		fputs(",\"text\":", f);
		ws_json_str(f, b.s);
		fputc('}', f);
	}
	fputs("]}\n", f);
}
