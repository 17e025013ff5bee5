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

enum {
	C_PID, C_TGID, C_COMM, C_WRITES, C_BYTES, C_AVG, C_SYNCS, C_FLAGS, C_NR
};

static const char *const wampp_colnames[C_NR] = {
	"pid", "tgid", "comm", "writes", "write_bytes", "avg_write", "syncs",
	"flags",
};

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

static unsigned int parse_flags(const char *s)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ WAMP_F_SMALL, WAMP_F_SMALL_NAME },
		{ WAMP_F_SYNC, WAMP_F_SYNC_NAME },
		{ WAMP_F_EXITED, WAMP_F_EXITED_NAME },
	};
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

static int parse_first(char *line, struct wampp_report *r, char *err,
		       size_t errlen)
{
	char *f[WAMPP_MAX_KV + 3], *eq;
	size_t n, i;

	if (strncmp(line, WAMP_MAGIC " ", strlen(WAMP_MAGIC) + 1))
		return fail(err, errlen, "not a wamp report (no '%s' line)",
			    WAMP_MAGIC);
	n = split(line, f, WAMPP_MAX_KV + 3);
	if (n < 3 || sscanf(f[2], "%d.%d", &r->major, &r->minor) != 2)
		return fail(err, errlen, "no format version");
	if (r->major != WAMP_FORMAT_MAJOR)
		return fail(err, errlen,
			    "format %d.%d is not supported (this reader knows %d.x)",
			    r->major, r->minor, WAMP_FORMAT_MAJOR);
	for (i = 3; i < n && r->nkv < WAMPP_MAX_KV; i++) {
		eq = strchr(f[i], '=');
		if (!eq || eq == f[i])
			return fail(err, errlen, "bad key '%s'", f[i]);
		*eq = '\0';
		snprintf(r->kv[r->nkv].key, sizeof(r->kv[0].key), "%s", f[i]);
		snprintf(r->kv[r->nkv].val, sizeof(r->kv[0].val), "%s", eq + 1);
		r->nkv++;
	}
	return 0;
}

static int parse_columns(char *line, int *col, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	size_t n, i, c;

	n = split(line, f, WAMPP_MAX_COLS);
	for (c = 0; c < C_NR; c++) {
		col[c] = -1;
		for (i = 0; i < n; i++)
			if (!strcmp(f[i], wampp_colnames[c]))
				col[c] = (int)i;
		if (col[c] < 0)
			return fail(err, errlen, "column '%s' missing",
				    wampp_colnames[c]);
	}
	return (int)n;
}

static int parse_row(char *line, const int *col, int ncols,
		     struct wampp_row *w, char *err, size_t errlen)
{
	char *f[WAMPP_MAX_COLS];
	int n = (int)split(line, f, WAMPP_MAX_COLS);

	if (n < ncols)
		return fail(err, errlen, "row with %d fields, expected %d", n,
			    ncols);
	memset(w, 0, sizeof(*w));
	if (!parse_s64(f[col[C_PID]], &w->pid) ||
	    !parse_s64(f[col[C_TGID]], &w->tgid) ||
	    !parse_u64(f[col[C_WRITES]], &w->writes) ||
	    !parse_u64(f[col[C_BYTES]], &w->write_bytes) ||
	    !parse_s64(f[col[C_AVG]], &w->avg_write) ||
	    !parse_u64(f[col[C_SYNCS]], &w->syncs))
		return fail(err, errlen, "bad number in row");
	snprintf(w->comm, sizeof(w->comm), "%s", f[col[C_COMM]]);
	snprintf(w->flagstr, sizeof(w->flagstr), "%s", f[col[C_FLAGS]]);
	w->flags = parse_flags(w->flagstr);
	return 0;
}

int wampp_parse(const char *text, struct wampp_report *r, char *err,
		size_t errlen)
{
	int col[C_NR], ncols = -1, ret = -1;
	char *copy = strdup(text), *line, *save = NULL;
	struct wampp_row row, *nr;
	size_t cap = 0;
	bool first = true;

	memset(r, 0, sizeof(*r));
	if (!copy)
		return fail(err, errlen, "out of memory");
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (first) {
			if (parse_first(line, r, err, errlen))
				goto out;
			first = false;
			continue;
		}
		if (line[0] == '#') {
			/* Another section (a later minor version): no rows. */
			if (ncols > 0)
				ncols = 0;
			continue;
		}
		if (ncols < 0) {
			ncols = parse_columns(line, col, err, errlen);
			if (ncols < 0)
				goto out;
			continue;
		}
		if (ncols == 0)
			continue;
		if (parse_row(line, col, ncols, &row, err, errlen))
			goto out;
		if (row.pid == WAMPP_NONE) {
			r->other = row;
			r->has_other = true;
			continue;
		}
		if (r->nrows == cap) {
			cap = cap ? cap * 2 : 64;
			nr = realloc(r->rows, cap * sizeof(*nr));
			if (!nr) {
				fail(err, errlen, "out of memory");
				goto out;
			}
			r->rows = nr;
		}
		r->rows[r->nrows++] = row;
	}
	if (first || ncols < 0) {
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
	r->rows = NULL;
	r->nrows = 0;
}

unsigned long long wampp_key(const struct wampp_report *r, const char *key,
			     bool *found)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < r->nkv; i++) {
		bool ok;

		if (strcmp(r->kv[i].key, key))
			continue;
		ok = parse_u64(r->kv[i].val, &v);
		if (found)
			*found = ok;
		return ok ? v : 0;
	}
	if (found)
		*found = false;
	return 0;
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
