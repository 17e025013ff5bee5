// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "wampparse.h"
#include "wamp.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The columns the parser knows, from the lists of wamp.h: a row's field is
 * found by its name in the report's header line, wherever it is.
 */
enum wampp_kind { K_PID, K_TGID, K_COMM, K_FLAGS, K_COUNTER, K_AVG, K_AMP,
		  K_CGROUP, K_ID, K_PATH };

struct wampp_col {
	const char *name;
	enum wampp_kind kind;
	int minor;		/* the format minor that added it */
	int index;		/* of a counter */
};

#define WAMPP_KEY_COL(name) \
	{ #name, WAMPP_KIND_##name, WAMPP_MINOR_##name, -1 },
#define WAMPP_KIND_pid		K_PID
#define WAMPP_KIND_tgid		K_TGID
#define WAMPP_KIND_comm		K_COMM
#define WAMPP_KIND_cgroup	K_CGROUP
#define WAMPP_KIND_flags	K_FLAGS
#define WAMPP_KIND_avg_write	K_AVG
#define WAMPP_KIND_amp		K_AMP
/* The format minor that added each key column (older reports lack it). */
#define WAMPP_MINOR_pid		0
#define WAMPP_MINOR_tgid	0
#define WAMPP_MINOR_comm	0
#define WAMPP_MINOR_cgroup	4
#define WAMPP_MINOR_flags	0
#define WAMPP_TASK_COL(name, minor, ...) \
	{ #name, K_COUNTER, minor, WAMP_TC_##name },
#define WAMPP_DERIVED_COL(name, minor) { #name, WAMPP_KIND_##name, minor, -1 },

static const struct wampp_col wampp_cols[] = {
	WAMP_TASK_COLUMNS(WAMPP_KEY_COL, WAMPP_TASK_COL, WAMPP_DERIVED_COL,
			  WAMPP_KEY_COL)
};

#define WAMPP_NCOLS	ARRAY_SIZE(wampp_cols)

#define WAMPP_DEV_KEY_COL(name)	{ #name, K_PID, 0, -1 },
#define WAMPP_DEV_COL(name, ...) { #name, K_COUNTER, 1, WAMP_DC_##name },

/* The device section's columns; the first two (device, disk) are keys. */
static const struct wampp_col wampp_devcols[] = {
	WAMP_DEV_COLUMNS(WAMPP_DEV_KEY_COL, WAMPP_DEV_COL)
};

#define WAMPP_NDEVCOLS	ARRAY_SIZE(wampp_devcols)

/*
 * The cgroup section's columns (1.4), all there since the section is: its
 * counters are stored at the index of the task counter of the same name.
 */
#define WAMPP_CG_KEY_COL(name)	{ #name, WAMPP_CG_KIND_##name, 0, -1 },
#define WAMPP_CG_KIND_id	K_ID
#define WAMPP_CG_KIND_path	K_PATH
#define WAMPP_CG_KIND_flags	K_FLAGS
#define WAMPP_CG_COL(name, ...)	{ #name, K_COUNTER, 0, WAMP_TC_##name },
#define WAMPP_CG_DERIVED_COL(name) { #name, WAMPP_KIND_##name, 0, -1 },

static const struct wampp_col wampp_cgcols[] = {
	WAMP_CG_COLUMNS(WAMPP_CG_KEY_COL, WAMPP_CG_COL, WAMPP_CG_DERIVED_COL,
			WAMPP_CG_KEY_COL)
};

#define WAMPP_NCGCOLS	ARRAY_SIZE(wampp_cgcols)

/* A cgroup's counters are the first WAMP_CG_NR task counters, in order. */
#define WAMPP_CG_INDEX(name, ...)	WAMPP_CGI_##name,
enum { WAMP_CG_COUNTERS(WAMPP_CG_INDEX) WAMPP_CGI_NR };
#define WAMPP_CG_CHECK(name, ...) \
	static_assert((int)WAMPP_CGI_##name == (int)WAMP_TC_##name, \
		       "cgroup counter " #name " is not task counter " #name);
WAMP_CG_COUNTERS(WAMPP_CG_CHECK)
static_assert((int)WAMPP_CGI_NR == (int)WAMP_CG_NR, "WAMP_CG_NR");

/*
 * The sizes section's columns (1.5): the task's keys, then one column per
 * bucket of the write-size histogram, named by its lower bound.
 */
#define WAMPP_SIZE_KEY_COL(name)	{ #name, WAMPP_KIND_##name, 0, -1 },
#define WAMPP_HIST_COL(name, k)		{ name, K_COUNTER, 0, k },

static const struct wampp_col wampp_sizecols[] = {
	WAMPP_SIZE_KEY_COL(pid) WAMPP_SIZE_KEY_COL(tgid)
	WAMPP_SIZE_KEY_COL(comm)
	WAMPP_HIST_COL("0", 0) WAMPP_HIST_COL("1", 1) WAMPP_HIST_COL("2", 2)
	WAMPP_HIST_COL("4", 3) WAMPP_HIST_COL("8", 4) WAMPP_HIST_COL("16", 5)
	WAMPP_HIST_COL("32", 6) WAMPP_HIST_COL("64", 7)
	WAMPP_HIST_COL("128", 8) WAMPP_HIST_COL("256", 9)
	WAMPP_HIST_COL("512", 10) WAMPP_HIST_COL("1024", 11)
	WAMPP_HIST_COL("2048", 12) WAMPP_HIST_COL("4096", 13)
	WAMPP_HIST_COL("8192", 14) WAMPP_HIST_COL("16384", 15)
	WAMPP_HIST_COL("32768", 16) WAMPP_HIST_COL("65536", 17)
	WAMPP_HIST_COL("131072", 18) WAMPP_HIST_COL("262144", 19)
	WAMPP_HIST_COL("524288", 20) WAMPP_HIST_COL("1048576", 21)
};

#define WAMPP_NSIZECOLS		ARRAY_SIZE(wampp_sizecols)
#define WAMPP_SIZE_KEYS		3	/* pid, tgid, comm */
static_assert(WAMP_HIST_NR + WAMPP_SIZE_KEYS == WAMPP_NSIZECOLS,
	      "a sizes column per bucket of WAMP_HIST_NR");

/* The io_ counters follow one another in the order of WAMP_IO_CLASSES. */
#define WAMPP_IO_CHECK(name) \
	static_assert((int)WAMP_TC_io_##name == \
		      (int)WAMP_TC_io_fsync + (int)WAMP_IO_##name, \
		      "io_" #name " is not io_fsync + WAMP_IO_" #name);
WAMP_IO_CLASSES(WAMPP_IO_CHECK)

#define WAMPP_MAX_COLS	64

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

char *wampp_read_file(const char *path)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto err;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto err;
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
err:
	n = errno;
	close(fd);
	free(buf);
	errno = n;
	return NULL;
}

/* Split @line (modified in place) at blanks; at most @max fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(line, " \t", &save); t && n < max;
	     t = strtok_r(NULL, " \t", &save))
		f[n++] = t;
	return n;
}

static bool parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static bool parse_s64(const char *s, long long *v)
{
	unsigned long long u;

	if (!strcmp(s, "-")) {
		*v = WAMPP_NONE;
		return true;
	}
	if (!parse_u64(s, &u) || u > (unsigned long long)INT64_MAX)
		return false;
	*v = (long long)u;
	return true;
}

/* "1.23" (or "1", "1.2") in hundredths; "-" is WAMPP_NONE. */
static bool parse_centi(const char *s, long long *v)
{
	unsigned long long ip, fp = 0;
	const char *dot = strchr(s, '.');
	char ipart[32];
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (!strcmp(s, "-")) {
		*v = WAMPP_NONE;
		return true;
	}
	if (n == 0 || n >= sizeof(ipart))
		return false;
	memcpy(ipart, s, n);
	ipart[n] = '\0';
	if (!parse_u64(ipart, &ip) || ip > (unsigned long long)INT64_MAX / 100)
		return false;
	if (dot) {
		if (strlen(dot + 1) < 1 || strlen(dot + 1) > 2 ||
		    !parse_u64(dot + 1, &fp))
			return false;
		if (strlen(dot + 1) == 1)
			fp *= 10;
	}
	*v = (long long)(ip * 100 + fp);
	return true;
}

static unsigned int parse_flags(const char *s)
{
	static const struct wamp_flag_name names[] = WAMP_FLAG_NAMES;
	unsigned int flags = 0;
	size_t i, n;

	while (*s && strcmp(s, "-")) {
		n = strcspn(s, ",");
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == n &&
			    !strncmp(s, names[i].name, n))
				flags |= names[i].bit;
		s += n + (s[n] == ',');
	}
	return flags;
}

static int parse_kvs(char **f, size_t n, struct wampp_kv *kv, size_t *nkv,
		     char *err, size_t errlen)
{
	char *eq;
	size_t i;

	for (i = 0; i < n && *nkv < WAMPP_MAX_KV; i++) {
		eq = strchr(f[i], '=');
		if (!eq || eq == f[i])
			return fail(err, errlen, "bad key '%s'", f[i]);
		*eq = '\0';
		snprintf(kv[*nkv].key, sizeof(kv[0].key), "%s", f[i]);
		snprintf(kv[*nkv].val, sizeof(kv[0].val), "%s", eq + 1);
		(*nkv)++;
	}
	return 0;
}

static int parse_first(char *line, struct wampp_report *r, char *err,
		       size_t errlen)
{
	char *f[WAMPP_MAX_KV + 3], tail;
	size_t n;

	if (strncmp(line, WAMP_MAGIC " ", strlen(WAMP_MAGIC) + 1))
		return fail(err, errlen, "not a wamp report (no '%s' line)",
			    WAMP_MAGIC);
	n = split(line, f, WAMPP_MAX_KV + 3);
	if (n < 3 ||
	    sscanf(f[2], "%d.%d%c", &r->major, &r->minor, &tail) != 2)
		return fail(err, errlen, "no format version");
	if (r->major != WAMP_FORMAT_MAJOR)
		return fail(err, errlen,
			    "format %d.%d is not supported (this reader knows %d.x)",
			    r->major, r->minor, WAMP_FORMAT_MAJOR);
	return parse_kvs(f + 3, n - 3, r->kv, &r->nkv, err, errlen);
}

/*
 * Map column names to positions; the columns of format x.0 (minor 0) must
 * be there.  Returns the number of fields a row must have.
 */
static int parse_columns(char **f, size_t n, const struct wampp_col *cols,
			 int *col, int nr, char *err, size_t errlen)
{
	int c, need = 0;
	size_t i;

	for (c = 0; c < nr; c++) {
		col[c] = -1;
		for (i = 0; i < n; i++)
			if (!strcmp(f[i], cols[c].name))
				col[c] = (int)i;
		if (col[c] < 0 && !cols[c].minor)
			return fail(err, errlen, "column '%s' missing",
				    cols[c].name);
		if (col[c] >= need)
			need = col[c] + 1;
	}
	return need;
}

static int parse_row(char *line, const int *col, int ncols,
		     struct wampp_row *w, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	int n = (int)split(line, f, WAMPP_MAX_COLS);
	const struct wampp_col *c;
	bool ok = true;
	size_t i;

	if (n < ncols)
		return fail(err, errlen, "row with %d fields, expected %d", n,
			    ncols);
	memset(w, 0, sizeof(*w));
	w->amp_centi = WAMPP_NONE;
	w->cgroup = WAMPP_NONE;
	for (i = 0; i < WAMPP_NCOLS && ok; i++) {
		const char *v = col[i] >= 0 ? f[col[i]] : NULL;

		c = &wampp_cols[i];
		if (!v)
			continue;
		switch (c->kind) {
		case K_PID:
			ok = parse_s64(v, &w->pid);
			break;
		case K_TGID:
			ok = parse_s64(v, &w->tgid);
			break;
		case K_COMM:
			snprintf(w->comm, sizeof(w->comm), "%s", v);
			break;
		case K_FLAGS:
			snprintf(w->flagstr, sizeof(w->flagstr), "%s", v);
			w->flags = parse_flags(w->flagstr);
			break;
		case K_COUNTER:
			ok = parse_u64(v, &w->tc[c->index]);
			break;
		case K_AVG:
			ok = parse_s64(v, &w->avg_write);
			break;
		case K_AMP:
			ok = parse_centi(v, &w->amp_centi);
			break;
		case K_CGROUP:
			ok = parse_s64(v, &w->cgroup);
			break;
		default:
			break;
		}
	}
	return ok ? 0 : fail(err, errlen, "bad number in row");
}

/* The allocations of a cgroup row. */
static void cg_free(struct wampp_cg *g)
{
	free(g->path);
	free(g->upath);
	g->path = NULL;
	g->upath = NULL;
}

/* The path field of a cgroup row: as printed and unescaped. */
static bool cg_path(struct wampp_cg *g, const char *v)
{
	size_t len = strlen(v) + 1;

	cg_free(g);
	g->path = strdup(v);
	g->upath = malloc(len);
	if (!g->path || !g->upath)
		return false;
	wampp_unescape(v, g->upath, len);
	return true;
}

/* One field of a cgroup row; false if it is not what its column holds. */
static bool cg_field(struct wampp_cg *g, const struct wampp_col *c,
		     const char *v)
{
	switch (c->kind) {
	case K_ID:
		return parse_s64(v, &g->id);
	case K_COUNTER:
		return parse_u64(v, &g->tc[c->index]);
	case K_AVG:
		return parse_s64(v, &g->avg_write);
	case K_AMP:
		return parse_centi(v, &g->amp_centi);
	case K_FLAGS:
		snprintf(g->flagstr, sizeof(g->flagstr), "%s", v);
		g->flags = parse_flags(g->flagstr);
		return true;
	case K_PATH:
		return cg_path(g, v);
	default:
		return true;
	}
}

/* A row of the cgroup section; on failure @g holds no allocation. */
static int parse_cg(char *line, const int *col, int ncols,
		    struct wampp_cg *g, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	int n = (int)split(line, f, WAMPP_MAX_COLS);
	size_t i;

	if (n < ncols)
		return fail(err, errlen, "cgroup row with %d fields, expected %d",
			    n, ncols);
	memset(g, 0, sizeof(*g));
	g->avg_write = WAMPP_NONE;
	g->amp_centi = WAMPP_NONE;
	for (i = 0; i < WAMPP_NCGCOLS; i++) {
		if (col[i] < 0 || cg_field(g, &wampp_cgcols[i], f[col[i]]))
			continue;
		cg_free(g);
		if (wampp_cgcols[i].kind == K_PATH)
			return fail(err, errlen, "out of memory");
		return fail(err, errlen, "bad field '%s' in cgroup row",
			    f[col[i]]);
	}
	return 0;
}

static int parse_dev(char *line, const int *col, int ncols,
		     struct wampp_dev *d, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS], tail;
	int n = (int)split(line, f, WAMPP_MAX_COLS);
	size_t c;

	if (n < ncols)
		return fail(err, errlen, "device row with %d fields", n);
	memset(d, 0, sizeof(*d));
	/* The two keys come first in the list: device, then disk. */
	if (sscanf(f[col[0]], "%u:%u%c", &d->major, &d->minor, &tail) != 2)
		return fail(err, errlen, "bad device '%s'", f[col[0]]);
	snprintf(d->name, sizeof(d->name), "%s", f[col[1]]);
	for (c = 2; c < WAMPP_NDEVCOLS; c++)
		if (col[c] >= 0 &&
		    !parse_u64(f[col[c]], &d->dc[wampp_devcols[c].index]))
			return fail(err, errlen, "bad number in device row");
	return 0;
}

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	void *np;

	if (n < *cap)
		return p;
	np = realloc(p, (*cap ? *cap * 2 : 64) * size);
	if (np)
		*cap = *cap ? *cap * 2 : 64;
	return np;
}

enum section { S_COLUMNS, S_TASKS, S_DEVS, S_CG_COLUMNS, S_CGS,
	       S_SIZE_COLUMNS, S_SIZES, S_UNKNOWN };

/* Where the parser is in the report, and the columns of its sections. */
struct wampp_state {
	enum section sec;
	int col[WAMPP_NCOLS], ncols;
	int dcol[WAMPP_NDEVCOLS], ndcols;
	int cgcol[WAMPP_NCGCOLS], ncgcols;
	int scol[WAMPP_NSIZECOLS], nscols;
	size_t cap, dcap, cgcap;
	size_t scursor;		/* the task row after the last sizes row's */
};

/* A section whose header line must come next. */
static bool wants_header(const struct wampp_state *st)
{
	return st->sec == S_COLUMNS || st->sec == S_CG_COLUMNS ||
	       st->sec == S_SIZE_COLUMNS;
}

static const char *header_name(const struct wampp_state *st)
{
	return st->sec == S_COLUMNS ? "" : st->sec == S_CG_COLUMNS ?
	       "cgroup " : "sizes ";
}

/* The "# cgroup" line (1.4): its keys; the header line comes next. */
static int parse_cg_line(char **f, size_t n, struct wampp_report *r,
			 char *err, size_t errlen)
{
	size_t i;

	r->has_cgroups = true;
	r->ncgkv = 0;
	r->cg_io[0] = '\0';
	if (parse_kvs(f, n, r->cgkv, &r->ncgkv, err, errlen))
		return -1;
	for (i = 0; i < r->ncgkv; i++)
		if (!strcmp(r->cgkv[i].key, WAMP_KEY_IO))
			snprintf(r->cg_io, sizeof(r->cg_io), "%s",
				 r->cgkv[i].val);
	return 0;
}

/* A "# ..." line after the first: the start of a section. */
static int parse_section(char *line, struct wampp_report *r,
			 struct wampp_state *st, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	size_t n = split(line, f, WAMPP_MAX_COLS);

	st->sec = S_UNKNOWN;
	if (n >= 2 && !strcmp(f[1], "dev")) {
		st->ndcols = parse_columns(f + 2, n - 2, wampp_devcols,
					   st->dcol, WAMPP_NDEVCOLS, err,
					   errlen);
		if (st->ndcols < 0)
			return -1;
		st->sec = S_DEVS;
	} else if (n >= 2 && !strcmp(f[1], "system")) {
		r->nsys = 0;
		return parse_kvs(f + 2, n - 2, r->sys, &r->nsys, err, errlen);
	} else if (n >= 2 && !strcmp(f[1], "exited")) {
		r->nexited = 0;
		return parse_kvs(f + 2, n - 2, r->exited, &r->nexited, err,
				 errlen);
	} else if (n >= 2 && !strcmp(f[1], "cgroup")) {
		st->sec = S_CG_COLUMNS;
		return parse_cg_line(f + 2, n - 2, r, err, errlen);
	} else if (n >= 2 && !strcmp(f[1], "sizes")) {
		st->sec = S_SIZE_COLUMNS;
		st->scursor = 0;
		r->has_sizes = true;
	}
	return 0;
}

/* The task rows have every io_ column (1.5). */
static bool has_io_cols(const struct wampp_state *st)
{
	size_t i;

	for (i = 0; i < WAMPP_NCOLS; i++)
		if (wampp_cols[i].kind == K_COUNTER &&
		    wampp_cols[i].index >= WAMP_TC_io_fsync &&
		    wampp_cols[i].index < WAMP_TC_io_fsync + WAMP_IO_NR &&
		    st->col[i] < 0)
			return false;
	return true;
}

/* The header line of a section: where each known column is. */
static int parse_header(char *line, const struct wampp_col *cols, int *col,
			int nr, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	size_t n = split(line, f, WAMPP_MAX_COLS);

	return parse_columns(f, n, cols, col, nr, err, errlen);
}

static int add_task(char *line, struct wampp_report *r,
		    struct wampp_state *st, char *err, size_t errlen)
{
	struct wampp_row row;
	void *np;

	if (parse_row(line, st->col, st->ncols, &row, err, errlen))
		return -1;
	if (row.pid == WAMPP_NONE) {
		r->other = row;
		r->has_other = true;
		return 0;
	}
	np = grow(r->rows, &st->cap, r->nrows, sizeof(*r->rows));
	if (!np)
		return fail(err, errlen, "out of memory");
	r->rows = np;
	r->rows[r->nrows++] = row;
	return 0;
}

static int add_dev(char *line, struct wampp_report *r,
		   struct wampp_state *st, char *err, size_t errlen)
{
	void *np = grow(r->devs, &st->dcap, r->ndevs, sizeof(*r->devs));

	if (!np)
		return fail(err, errlen, "out of memory");
	r->devs = np;
	if (parse_dev(line, st->dcol, st->ndcols, &r->devs[r->ndevs], err,
		      errlen))
		return -1;
	r->ndevs++;
	return 0;
}

/* A cgroup row, or the cgroup section's (other) row (id "-"). */
static int add_cg(char *line, struct wampp_report *r,
		  struct wampp_state *st, char *err, size_t errlen)
{
	struct wampp_cg g;
	void *np;

	if (parse_cg(line, st->cgcol, st->ncgcols, &g, err, errlen))
		return -1;
	if (g.id == WAMPP_NONE) {
		cg_free(&r->cg_other);
		r->cg_other = g;
		r->has_cg_other = true;
		return 0;
	}
	np = grow(r->cgs, &st->cgcap, r->ncgs, sizeof(*r->cgs));
	if (!np) {
		cg_free(&g);
		return fail(err, errlen, "out of memory");
	}
	r->cgs = np;
	r->cgs[r->ncgs++] = g;
	return 0;
}

static bool hist_empty(const unsigned long long *h)
{
	unsigned int k;

	for (k = 0; k < WAMP_HIST_NR; k++)
		if (h[k])
			return false;
	return true;
}

/*
 * The task row a sizes row is of: the next one after the last matched with
 * its pid, tgid and comm (the section is in the task rows' order; a reused
 * pid has two rows), or else any such row with writes not matched yet.
 */
static struct wampp_row *size_row(struct wampp_report *r,
				  struct wampp_state *st, long long pid,
				  long long tgid, const char *comm)
{
	struct wampp_row *w;
	size_t i;

	for (i = st->scursor; i < r->nrows; i++) {
		w = &r->rows[i];
		/* The section has rows of tasks that wrote only. */
		if (w->pid == pid && w->tgid == tgid && w->writes &&
		    !strcmp(w->comm, comm)) {
			st->scursor = i + 1;
			return w;
		}
	}
	for (i = 0; i < r->nrows; i++) {
		w = &r->rows[i];
		if (w->pid == pid && w->tgid == tgid &&
		    !strcmp(w->comm, comm) && w->writes && hist_empty(w->hist))
			return w;
	}
	return NULL;
}

/* A row of the sizes section (1.5): the histogram of a task row. */
static int add_sizes(char *line, struct wampp_report *r,
		     struct wampp_state *st, char *err, size_t errlen)
{
	unsigned long long h[WAMP_HIST_NR] = { 0 }, *to = NULL;
	char *f[WAMPP_MAX_COLS];
	int n = (int)split(line, f, WAMPP_MAX_COLS);
	long long pid, tgid;
	struct wampp_row *w;
	const char *comm;
	size_t c;

	if (n < st->nscols)
		return fail(err, errlen, "sizes row with %d fields, expected %d",
			    n, st->nscols);
	/* The three keys come first in the table: pid, tgid, comm. */
	if (!parse_s64(f[st->scol[0]], &pid) ||
	    !parse_s64(f[st->scol[1]], &tgid))
		return fail(err, errlen, "bad pid or tgid in sizes row");
	comm = f[st->scol[2]];
	for (c = WAMPP_SIZE_KEYS; c < WAMPP_NSIZECOLS; c++)
		if (!parse_u64(f[st->scol[c]], &h[wampp_sizecols[c].index]))
			return fail(err, errlen, "bad number in sizes row");
	if (pid == WAMPP_NONE && !strcmp(comm, WAMP_OTHER_COMM)) {
		to = r->other.hist;
	} else if (pid == WAMPP_NONE && !strcmp(comm, WAMP_EXITED_COMM)) {
		to = r->exited_hist;
	} else if (pid != WAMPP_NONE) {
		w = size_row(r, st, pid, tgid, comm);
		to = w ? w->hist : NULL;
	}
	/* A row of no task row (or a later format's kind): ignored. */
	if (to)
		memcpy(to, h, sizeof(h));
	return 0;
}

/* A line after the first, by the section it is in. */
static int parse_line(char *line, struct wampp_report *r,
		      struct wampp_state *st, char *err, size_t errlen)
{
	int n;

	if (line[0] == '#') {
		if (wants_header(st))
			return fail(err, errlen, "no %sheader line",
				    header_name(st));
		return parse_section(line, r, st, err, errlen);
	}
	switch (st->sec) {
	case S_COLUMNS:
		n = parse_header(line, wampp_cols, st->col, WAMPP_NCOLS, err,
				 errlen);
		st->ncols = n;
		st->sec = S_TASKS;
		r->has_io = n >= 0 && has_io_cols(st);
		return n < 0 ? -1 : 0;
	case S_TASKS:
		return add_task(line, r, st, err, errlen);
	case S_DEVS:
		return add_dev(line, r, st, err, errlen);
	case S_CG_COLUMNS:
		n = parse_header(line, wampp_cgcols, st->cgcol, WAMPP_NCGCOLS,
				 err, errlen);
		st->ncgcols = n;
		st->sec = S_CGS;
		return n < 0 ? -1 : 0;
	case S_CGS:
		return add_cg(line, r, st, err, errlen);
	case S_SIZE_COLUMNS:
		n = parse_header(line, wampp_sizecols, st->scol,
				 WAMPP_NSIZECOLS, err, errlen);
		st->nscols = n;
		st->sec = S_SIZES;
		return n < 0 ? -1 : 0;
	case S_SIZES:
		return add_sizes(line, r, st, err, errlen);
	default:
		return 0;
	}
}

int wampp_parse(const char *text, struct wampp_report *r, char *err,
		size_t errlen)
{
	struct wampp_state st = { .sec = S_COLUMNS };
	char *copy = strdup(text), *line, *save = NULL;
	bool first = true;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!copy)
		return fail(err, errlen, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (first ? parse_first(line, r, err, errlen) :
		    parse_line(line, r, &st, err, errlen))
			goto out;
		first = false;
	}
	if (first || wants_header(&st)) {
		if (first)
			fail(err, errlen, "empty report");
		else
			fail(err, errlen, "no %sheader line", header_name(&st));
		goto out;
	}
	ret = 0;
out:
	free(copy);
	if (ret)
		wampp_free(r);
	return ret;
}

void wampp_free(struct wampp_report *r)
{
	size_t i;

	for (i = 0; i < r->ncgs; i++)
		cg_free(&r->cgs[i]);
	cg_free(&r->cg_other);
	free(r->rows);
	free(r->devs);
	free(r->cgs);
	r->rows = NULL;
	r->devs = NULL;
	r->cgs = NULL;
	r->nrows = 0;
	r->ndevs = 0;
	r->ncgs = 0;
	r->has_cg_other = false;
}

static unsigned long long kv_get(const struct wampp_kv *kv, size_t n,
				 const char *key, bool *found)
{
	unsigned long long v = 0;
	long long c;
	size_t i;
	bool ok = false;

	for (i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key))
			continue;
		if (strchr(kv[i].val, '.')) {
			ok = parse_centi(kv[i].val, &c) && c >= 0;
			v = ok ? (unsigned long long)c : 0;
		} else {
			ok = parse_u64(kv[i].val, &v);
		}
		break;
	}
	if (found)
		*found = ok;
	return ok ? v : 0;
}

unsigned long long wampp_key(const struct wampp_report *r, const char *key,
			     bool *found)
{
	return kv_get(r->kv, r->nkv, key, found);
}

unsigned long long wampp_sys_key(const struct wampp_report *r,
				 const char *key, bool *found)
{
	return kv_get(r->sys, r->nsys, key, found);
}

unsigned long long wampp_exited_key(const struct wampp_report *r,
				    const char *key, bool *found)
{
	return kv_get(r->exited, r->nexited, key, found);
}

unsigned long long wampp_cg_key(const struct wampp_report *r, const char *key,
				bool *found)
{
	return kv_get(r->cgkv, r->ncgkv, key, found);
}

const struct wampp_dev *wampp_find_dev(const struct wampp_report *r,
				       const char *name)
{
	size_t i;

	for (i = 0; i < r->ndevs; i++)
		if (!strcmp(r->devs[i].name, name))
			return &r->devs[i];
	return NULL;
}

const struct wampp_row *wampp_find(const struct wampp_report *r, pid_t pid)
{
	const struct wampp_row *hit = NULL;
	size_t i;

	for (i = 0; i < r->nrows; i++) {
		if (r->rows[i].pid != pid)
			continue;
		hit = &r->rows[i];
		if (!(hit->flags & WAMP_F_EXITED))
			break;
	}
	return hit;
}

const struct wampp_cg *wampp_find_cg(const struct wampp_report *r,
				     unsigned long long id)
{
	size_t i;

	for (i = 0; i < r->ncgs; i++)
		if ((unsigned long long)r->cgs[i].id == id)
			return &r->cgs[i];
	return NULL;
}

const struct wampp_cg *wampp_find_cg_path(const struct wampp_report *r,
					  const char *upath)
{
	size_t i;

	for (i = 0; i < r->ncgs; i++)
		if (!strcmp(r->cgs[i].upath, upath))
			return &r->cgs[i];
	return NULL;
}

void wampp_unescape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	while (*in && o + 1 < len) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' && in[3] >= '0' &&
		    in[3] <= '7') {
			out[o++] = (char)((in[1] - '0') * 64 +
					  (in[2] - '0') * 8 + (in[3] - '0'));
			in += 4;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = '\0';
}

const char *wampp_hist_name(unsigned int k)
{
	return k < WAMP_HIST_NR ? wampp_sizecols[WAMPP_SIZE_KEYS + k].name :
	       "?";
}

void wampp_stacks_free(struct wampp_stacks *s)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->st[i].nframes; j++)
			free(s->st[i].frames[j]);
		free(s->st[i].frames);
	}
	free(s->st);
	s->st = NULL;
	s->n = 0;
}

/* The first line's keys: sample=N depth=D entries=U/C overflow=O. */
static int stacks_first(char *line, struct wampp_stacks *s, char *err,
			size_t errlen)
{
	char *f[WAMPP_MAX_KV + 4], tail, *eq;
	size_t n, i, magic = strlen(WAMP_STACKS_MAGIC);
	bool ok = true;

	if (strncmp(line, WAMP_STACKS_MAGIC " ", magic + 1))
		return fail(err, errlen, "not a wamp stacks file (no '%s' line)",
			    WAMP_STACKS_MAGIC);
	n = split(line + magic, f, ARRAY_SIZE(f));
	if (n < 1 || sscanf(f[0], "%d.%d%c", &s->major, &s->minor,
			    &tail) != 2)
		return fail(err, errlen, "no stacks format version");
	if (s->major != WAMP_STACKS_MAJOR)
		return fail(err, errlen,
			    "stacks format %d.%d is not supported (this reader knows %d.x)",
			    s->major, s->minor, WAMP_STACKS_MAJOR);
	snprintf(s->entries, sizeof(s->entries), "-");
	for (i = 1; i < n && ok; i++) {
		eq = strchr(f[i], '=');
		if (!eq)
			return fail(err, errlen, "bad key '%s'", f[i]);
		*eq++ = '\0';
		if (!strcmp(f[i], "sample"))
			ok = parse_u64(eq, &s->sample);
		else if (!strcmp(f[i], "depth"))
			ok = parse_u64(eq, &s->depth);
		else if (!strcmp(f[i], "overflow"))
			ok = parse_u64(eq, &s->overflow);
		else if (!strcmp(f[i], "entries"))
			snprintf(s->entries, sizeof(s->entries), "%s", eq);
	}
	return ok ? 0 : fail(err, errlen, "bad number in the stacks line");
}

/* The keys every record has, as bits. */
enum {
	SK_PID = 1, SK_TGID = 2, SK_COMM = 4, SK_CLASS = 8, SK_BIOS = 16,
	SK_BYTES = 32, SK_ALL = 63
};

/* "stack pid=P tgid=T comm=COMM class=CLASS bios=B bytes=K" */
static int stack_record(char *line, struct wampp_stack *st, char *err,
			size_t errlen)
{
	char *f[WAMPP_MAX_KV], *eq;
	size_t n = split(line, f, ARRAY_SIZE(f)), i;
	unsigned int seen = 0;
	bool ok = true;

	memset(st, 0, sizeof(*st));
	for (i = 1; i < n && ok; i++) {
		eq = strchr(f[i], '=');
		if (!eq)
			return fail(err, errlen, "bad key '%s' in a stack record",
				    f[i]);
		*eq++ = '\0';
		if (!strcmp(f[i], "pid")) {
			ok = parse_s64(eq, &st->pid);
			seen |= SK_PID;
		} else if (!strcmp(f[i], "tgid")) {
			ok = parse_s64(eq, &st->tgid);
			seen |= SK_TGID;
		} else if (!strcmp(f[i], "comm")) {
			snprintf(st->comm, sizeof(st->comm), "%s", eq);
			seen |= SK_COMM;
		} else if (!strcmp(f[i], "class")) {
			snprintf(st->class_name, sizeof(st->class_name), "%s",
				 eq);
			seen |= SK_CLASS;
		} else if (!strcmp(f[i], "bios")) {
			ok = parse_u64(eq, &st->bios);
			seen |= SK_BIOS;
		} else if (!strcmp(f[i], "bytes")) {
			ok = parse_u64(eq, &st->bytes);
			seen |= SK_BYTES;
		}
	}
	if (!ok)
		return fail(err, errlen, "bad number in a stack record");
	if (seen != SK_ALL)
		return fail(err, errlen,
			    "a stack record without pid, tgid, comm, class, bios or bytes");
	return 0;
}

/* A frame line: the record before it gets the frame. */
static int stack_frame(struct wampp_stack *st, const char *frame, char *err,
		       size_t errlen)
{
	char **nf, *copy;

	if (!st)
		return fail(err, errlen, "a frame before any stack record");
	copy = strdup(frame);
	nf = copy ? realloc(st->frames, (st->nframes + 1) * sizeof(*nf)) :
	     NULL;
	if (!nf) {
		free(copy);
		return fail(err, errlen, "out of memory");
	}
	st->frames = nf;
	st->frames[st->nframes++] = copy;
	return 0;
}

static int stacks_line(char *line, struct wampp_stacks *s, size_t *cap,
		       char *err, size_t errlen)
{
	struct wampp_stack *cur = s->n ? &s->st[s->n - 1] : NULL;
	void *np;

	if (line[0] == '\t')
		return stack_frame(cur, line + 1, err, errlen);
	if (strncmp(line, "stack ", 6))
		return 0;	/* a later version's line: ignored */
	np = grow(s->st, cap, s->n, sizeof(*s->st));
	if (!np)
		return fail(err, errlen, "out of memory");
	s->st = np;
	if (stack_record(line, &s->st[s->n], err, errlen))
		return -1;
	s->n++;
	return 0;
}

int wampp_stacks_parse(const char *text, struct wampp_stacks *s, char *err,
		       size_t errlen)
{
	char *copy = strdup(text), *line, *save = NULL;
	bool first = true;
	size_t cap = 0;
	int ret = -1;

	memset(s, 0, sizeof(*s));
	if (!copy)
		return fail(err, errlen, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (first ? stacks_first(line, s, err, errlen) :
		    stacks_line(line, s, &cap, err, errlen))
			goto out;
		first = false;
	}
	if (first) {
		fail(err, errlen, "empty stacks file");
		goto out;
	}
	ret = 0;
out:
	free(copy);
	if (ret)
		wampp_stacks_free(s);
	return ret;
}
