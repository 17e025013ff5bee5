// SPDX-License-Identifier: GPL-2.0 OR MIT
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
enum wampp_kind { K_PID, K_TGID, K_COMM, K_FLAGS, K_COUNTER, K_AVG, K_AMP };

struct wampp_col {
	const char *name;
	enum wampp_kind kind;
	int minor;		/* the format minor that added it */
	int index;		/* of a counter */
};

#define WAMPP_KEY_COL(name)	{ #name, WAMPP_KIND_##name, 0, -1 },
#define WAMPP_KIND_pid		K_PID
#define WAMPP_KIND_tgid		K_TGID
#define WAMPP_KIND_comm		K_COMM
#define WAMPP_KIND_flags	K_FLAGS
#define WAMPP_KIND_avg_write	K_AVG
#define WAMPP_KIND_amp		K_AMP
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
		}
	}
	return ok ? 0 : fail(err, errlen, "bad number in row");
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

enum section { S_COLUMNS, S_TASKS, S_DEVS, S_UNKNOWN };

/* A "# ..." line after the first: the start of a section. */
static int parse_section(char *line, struct wampp_report *r, int *dcol,
			 int *ndcols, enum section *sec, char *err,
			 size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	size_t n = split(line, f, WAMPP_MAX_COLS);

	*sec = S_UNKNOWN;
	if (n >= 2 && !strcmp(f[1], "dev")) {
		*ndcols = parse_columns(f + 2, n - 2, wampp_devcols, dcol,
					WAMPP_NDEVCOLS, err, errlen);
		if (*ndcols < 0)
			return -1;
		*sec = S_DEVS;
	} else if (n >= 2 && !strcmp(f[1], "system")) {
		r->nsys = 0;
		return parse_kvs(f + 2, n - 2, r->sys, &r->nsys, err, errlen);
	} else if (n >= 2 && !strcmp(f[1], "exited")) {
		r->nexited = 0;
		return parse_kvs(f + 2, n - 2, r->exited, &r->nexited, err,
				 errlen);
	}
	return 0;
}

int wampp_parse(const char *text, struct wampp_report *r, char *err,
		size_t errlen)
{
	int col[WAMPP_NCOLS], dcol[WAMPP_NDEVCOLS], ncols = 0, ndcols = 0;
	int ret = -1;
	char *copy = strdup(text), *line, *save = NULL;
	char *f[WAMPP_MAX_COLS];
	enum section sec = S_COLUMNS;
	size_t cap = 0, dcap = 0, n;
	struct wampp_row row;
	bool first = true;
	void *np;

	memset(r, 0, sizeof(*r));
	if (!copy)
		return fail(err, errlen, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (first) {
			if (parse_first(line, r, err, errlen))
				goto out;
			first = false;
		} else if (line[0] == '#') {
			if (sec == S_COLUMNS) {
				fail(err, errlen, "no header line");
				goto out;
			}
			if (parse_section(line, r, dcol, &ndcols, &sec, err,
					  errlen))
				goto out;
		} else if (sec == S_COLUMNS) {
			n = split(line, f, WAMPP_MAX_COLS);
			ncols = parse_columns(f, n, wampp_cols, col,
					      WAMPP_NCOLS, err, errlen);
			if (ncols < 0)
				goto out;
			sec = S_TASKS;
		} else if (sec == S_TASKS) {
			if (parse_row(line, col, ncols, &row, err, errlen))
				goto out;
			if (row.pid == WAMPP_NONE) {
				r->other = row;
				r->has_other = true;
				continue;
			}
			np = grow(r->rows, &cap, r->nrows, sizeof(*r->rows));
			if (!np) {
				fail(err, errlen, "out of memory");
				goto out;
			}
			r->rows = np;
			r->rows[r->nrows++] = row;
		} else if (sec == S_DEVS) {
			np = grow(r->devs, &dcap, r->ndevs, sizeof(*r->devs));
			if (!np) {
				fail(err, errlen, "out of memory");
				goto out;
			}
			r->devs = np;
			if (parse_dev(line, dcol, ndcols, &r->devs[r->ndevs],
				      err, errlen))
				goto out;
			r->ndevs++;
		}
	}
	if (first || sec == S_COLUMNS) {
		fail(err, errlen, first ? "empty report" : "no header line");
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
	free(r->rows);
	free(r->devs);
	r->rows = NULL;
	r->devs = NULL;
	r->nrows = 0;
	r->ndevs = 0;
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
