// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "wsview.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WS_FINDINGS (WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP)

void ws_unescape(const char *in, char *out, size_t len)
{
	wampp_unescape(in, out, len);
}

/* The length of @s without its trailing '/'s: 0 for the root. */
static size_t path_len(const char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '/')
		n--;
	return n;
}

/* @path is @parent or below it; only strictly below if @strict. */
static bool below(const char *path, const char *parent, bool strict)
{
	size_t pl = path_len(parent), l = path_len(path);

	if (l < pl || strncmp(path, parent, pl) ||
	    (path[pl] != '/' && path[pl] != '\0'))
		return false;
	/* A privileged reader's "/..": outside its namespace's root. */
	if (!pl && !strncmp(path, "/..", 3) &&
	    (path[3] == '/' || path[3] == '\0'))
		return false;
	return !strict || l > pl;
}

bool ws_path_below(const char *path, const char *parent)
{
	return below(path, parent, false);
}

int ws_thresholds(const struct wampp_report *r, struct wamp_thresholds *th)
{
	bool a, b, c, d = true;

	th->min_writes = wampp_key(r, WAMP_KEY_MIN_WRITES, &a);
	th->small_write_bytes = wampp_key(r, WAMP_KEY_SMALL_BYTES, &b);
	th->sync_ratio = wampp_key(r, WAMP_KEY_SYNC_RATIO, &c);
	th->amp_ratio = wampp_key(r, WAMP_KEY_AMP_RATIO, &d);
	if (r->minor < 1 && !d) {
		th->amp_ratio = WAMP_AMP_RATIO_DEF;	/* no AMP before 1.1 */
		d = true;
	}
	return a && b && c && d ? 0 : -1;
}

static unsigned long long sub(unsigned long long a, unsigned long long b)
{
	return a >= b ? a - b : a;
}

typedef unsigned long long (*key_fn)(const struct wampp_report *r,
				     const char *key, bool *found);

/* A key of @cur less the same key of @p (NULL: since load or reset). */
static unsigned long long key_delta(key_fn key, const struct wampp_report *cur,
				    const struct wampp_report *p,
				    const char *name)
{
	return sub(key(cur, name, NULL), p ? key(p, name, NULL) : 0);
}

static bool pid_wanted(const struct ws_opts *o, long long pid, long long tgid)
{
	int i;

	if (!o->npids)
		return true;
	for (i = 0; i < o->npids; i++)
		if (o->pids[i] == pid || o->pids[i] == tgid)
			return true;
	return false;
}

/* The cgroup row of @id in the report, with its container; or NULL. */
static const struct ws_cgi *find_cgi(const struct ws_result *res,
				     long long id)
{
	size_t i;

	for (i = 0; id != WAMPP_NONE && i < res->ncgi; i++)
		if (res->cgi[i].cg->id == id)
			return &res->cgi[i];
	return NULL;
}

/* What --cgroup and --container keep: NULL is an unknown cgroup. */
static bool cg_wanted(const struct ws_opts *o, const struct ws_cgi *cgi)
{
	if (!o->cgroup && !o->container)
		return true;
	if (!cgi)
		return false;
	if (o->cgroup && !ws_path_below(cgi->cg->upath, o->cgroup))
		return false;
	return !o->container || ws_container_match(&cgi->ct, o->container);
}

/* Nothing over the interval: left out of it. */
static bool idle(const struct ws_ent *e)
{
	return !e->writes && !e->syncs && !e->blk_bytes && !e->dirtied;
}

static const struct wampp_row *prev_row(const struct wampp_report *prev,
					const struct wampp_row *r)
{
	const struct wampp_row *p = wampp_find(prev, (pid_t)r->pid);

	int k;

	/* A reused pid or a reset: counts went down, or the name changed. */
	if (!p || strcmp(p->comm, r->comm))
		return NULL;
	for (k = 0; k < WAMP_TC_NR; k++)
		if (p->tc[k] > r->tc[k])
			return NULL;
	for (k = 0; k < WAMP_HIST_NR; k++)
		if (p->hist[k] > r->hist[k])
			return NULL;
	return p;
}

static void ent_add(struct ws_ent *e, const struct ws_ent *t)
{
	int k;

	for (k = 0; k < WAMP_TC_NR; k++)
		e->tc[k] += t->tc[k];
	for (k = 0; k < WAMP_HIST_NR; k++)
		e->hist[k] += t->hist[k];
	e->cum_writes += t->cum_writes;
	/* Tasks of several cgroups folded: no one cgroup. */
	if (e->ntasks && e->cgroup != t->cgroup) {
		e->cgroup = WAMPP_NONE;
		e->cgi = NULL;
	}
	e->ntasks += t->ntasks;
}

/*
 * The row @t folds into.  Tasks are rows of their own, except in
 * Prometheus output, where two rows with one pid, tgid and comm (a pid
 * reused by the same program) would be one series twice.
 */
static struct ws_ent *find_or_add(struct ws_result *res, size_t *cap,
				  const struct ws_ent *t,
				  const struct ws_opts *o)
{
	bool fold = o->view != WS_TASKS || o->format == WS_PROM;
	struct ws_ent *e, *ne;
	size_t i;

	for (i = 0; fold && i < res->n; i++) {
		e = &res->ents[i];
		if (o->view == WS_COMMS ? !strcmp(e->name, t->name) :
		    e->pid == t->pid && (o->view == WS_PROCS ||
		    (e->tgid == t->tgid && !strcmp(e->name, t->name))))
			return e;
	}
	if (res->n == *cap) {
		ne = realloc(res->ents, (*cap ? *cap * 2 : 64) * sizeof(*ne));
		if (!ne)
			return NULL;
		res->ents = ne;
		*cap = *cap ? *cap * 2 : 64;
	}
	e = &res->ents[res->n++];
	memset(e, 0, sizeof(*e));
	e->pid = t->pid;
	e->tgid = t->tgid;
	e->cgroup = t->cgroup;
	e->cgi = t->cgi;
	snprintf(e->name, sizeof(e->name), "%s", t->name);
	return e;
}

static int build_tasks(const struct wampp_report *cur,
		       const struct wampp_report *prev,
		       const struct ws_opts *o, struct ws_result *res)
{
	const struct wampp_row *r, *p;
	struct ws_ent t, *e;
	size_t i, cap = 0;
	int k;

	for (i = 0; i < cur->nrows; i++) {
		r = &cur->rows[i];
		if (!pid_wanted(o, r->pid, r->tgid))
			continue;
		memset(&t, 0, sizeof(t));
		t.cgroup = r->cgroup;
		t.cgi = find_cgi(res, r->cgroup);
		if (!cg_wanted(o, t.cgi))
			continue;
		p = prev ? prev_row(prev, r) : NULL;
		t.pid = o->view == WS_PROCS ? r->tgid :
			o->view == WS_COMMS ? -1 : r->pid;
		t.tgid = o->view == WS_COMMS ? -1 : r->tgid;
		ws_unescape(r->comm, t.name, sizeof(t.name));
		if (o->comm && strcmp(t.name, o->comm))
			continue;
		for (k = 0; k < WAMP_TC_NR; k++)
			t.tc[k] = r->tc[k] - (p ? p->tc[k] : 0);
		for (k = 0; k < WAMP_HIST_NR; k++)
			t.hist[k] = r->hist[k] - (p ? p->hist[k] : 0);
		t.cum_writes = r->writes;
		t.ntasks = 1;
		if (prev && idle(&t))
			continue;	/* idle over the interval */
		e = find_or_add(res, &cap, &t, o);
		if (!e)
			return -1;
		/* A process is named after its main thread. */
		if (o->view == WS_PROCS && r->pid == r->tgid)
			snprintf(e->name, sizeof(e->name), "%s", t.name);
		if (r->flags & WAMP_F_EXITED && o->view == WS_TASKS)
			e->flags |= WAMP_F_EXITED;
		ent_add(e, &t);
	}
	return 0;
}

/* The row of @g in @prev whose counts it continues; NULL: new, or reset. */
static const struct wampp_cg *prev_cg(const struct wampp_report *prev,
				      const struct wampp_cg *g)
{
	const struct wampp_cg *p;
	int k;

	if (!prev)
		return NULL;
	p = g->id == WAMPP_NONE ? (prev->has_cg_other ? &prev->cg_other :
				   NULL) : wampp_find_cg(prev, g->id);
	for (k = 0; p && k < WAMP_CG_NR; k++)
		if (p->tc[k] > g->tc[k])
			return NULL;
	return p;
}

/* A cgroup's own counts (since @prev's, if not NULL) as a row. */
static void cg_ent(struct ws_ent *e, const struct wampp_cg *g,
		   const struct wampp_report *prev, const struct ws_cgi *cgi)
{
	const struct wampp_cg *p = prev_cg(prev, g);
	int k;

	memset(e, 0, sizeof(*e));
	e->pid = -1;
	e->tgid = -1;
	e->cgroup = g->id;
	e->cgi = cgi;
	e->flags = g->flags & WAMP_F_REMOVED;
	for (k = 0; k < WAMP_CG_NR; k++)
		e->tc[k] = g->tc[k] - (p ? p->tc[k] : 0);
	e->cum_writes = g->writes;
}

/* Each cgroup row of @cur with what its path says about its container. */
static int build_cgi(const struct wampp_report *cur, struct ws_result *res)
{
	size_t i;

	res->cgi = calloc(cur->ncgs ? cur->ncgs : 1, sizeof(*res->cgi));
	if (!res->cgi)
		return -1;
	for (i = 0; i < cur->ncgs; i++) {
		res->cgi[i].cg = &cur->cgs[i];
		ws_container_parse(cur->cgs[i].upath, &res->cgi[i].ct);
	}
	res->ncgi = cur->ncgs;
	return 0;
}

/* @out[i] gets the counts of @own[i]'s subtree: its own and below it. */
static void cg_subtree(struct ws_ent *out, const struct ws_ent *own, size_t n)
{
	const char *top, *path;
	size_t i, j;
	int k;

	for (i = 0; i < n; i++) {
		out[i] = own[i];
		top = own[i].cgi->cg->upath;
		for (j = 0; j < n; j++) {
			path = own[j].cgi->cg->upath;
			if (j == i || !below(path, top, true))
				continue;
			for (k = 0; k < WAMP_CG_NR; k++)
				out[i].tc[k] += own[j].tc[k];
			out[i].cum_writes += own[j].cum_writes;
		}
	}
}

/* Keep the rows the filters want (and, over an interval, not idle). */
static size_t cg_keep(struct ws_ent *e, size_t n, const struct ws_opts *o,
		      bool interval)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (cg_wanted(o, e[i].cgi) && !(interval && idle(&e[i])))
			e[w++] = e[i];
	return w;
}

/*
 * The cgroup section: res->cgs, every row's own counts as the filters keep
 * them; and for the cgroup view its rows, subtree totals if asked.
 */
static int build_cgroups(const struct wampp_report *cur,
			 const struct wampp_report *prev,
			 const struct ws_opts *o, struct ws_result *res)
{
	size_t i, n = res->ncgi, sz = (n ? n : 1) * sizeof(struct ws_ent);

	res->cgs = malloc(sz);
	if (!res->cgs)
		return -1;
	for (i = 0; i < n; i++)
		cg_ent(&res->cgs[i], res->cgi[i].cg, prev, &res->cgi[i]);
	if (cur->has_cg_other)
		cg_ent(&res->cg_other, &cur->cg_other, prev, NULL);
	if (o->view == WS_CGROUPS) {
		res->ents = malloc(sz);
		if (!res->ents)
			return -1;
		if (o->subtree)
			cg_subtree(res->ents, res->cgs, n);
		else
			memcpy(res->ents, res->cgs, n * sizeof(*res->ents));
		res->n = cg_keep(res->ents, n, o, prev);
	}
	res->ncgs = cg_keep(res->cgs, n, o, prev);
	return 0;
}

/* The cgroup section's keys, for the text view. */
static void cg_keys(const struct wampp_report *cur,
		    const struct wampp_report *p, struct ws_result *res)
{
	size_t i;

	res->has_cgroups = true;
	snprintf(res->cg_io, sizeof(res->cg_io), "%s",
		 cur->cg_io[0] ? cur->cg_io : "-");
	snprintf(res->cg_slots, sizeof(res->cg_slots), "-");
	for (i = 0; i < cur->ncgkv; i++)
		if (!strcmp(cur->cgkv[i].key, WAMP_KEY_SLOTS))
			snprintf(res->cg_slots, sizeof(res->cg_slots), "%s",
				 cur->cgkv[i].val);
	res->cg_overflow = key_delta(wampp_cg_key, cur, p, WAMP_KEY_OVERFLOW);
}

unsigned int ws_classify(unsigned long long cum_writes,
			 unsigned long long writes, unsigned long long bytes,
			 unsigned long long syncs, unsigned long long blk_bytes,
			 const struct wamp_thresholds *th)
{
	struct wamp_thresholds t = *th;

	if (cum_writes < th->min_writes)
		return 0;
	t.min_writes = 1;
	return wamp_classify(writes, bytes, syncs, blk_bytes, &t);
}

/* Flags on what each row shows, by ws_classify(); state flags kept. */
static void classify(struct ws_ent *e, size_t n,
		     const struct wamp_thresholds *th)
{
	size_t i;

	for (i = 0; i < n; i++)
		e[i].flags |= ws_classify(e[i].cum_writes, e[i].writes,
					  e[i].write_bytes, e[i].syncs,
					  e[i].blk_bytes, th);
}

static int build_devs(const struct wampp_report *cur,
		      const struct wampp_report *prev, struct ws_result *res)
{
	const struct wampp_dev *d, *p;
	struct ws_ent *e;
	size_t i, j;
	int k;

	res->ents = calloc(cur->ndevs ? cur->ndevs : 1, sizeof(*res->ents));
	if (!res->ents)
		return -1;
	for (i = 0; i < cur->ndevs; i++) {
		d = &cur->devs[i];
		p = NULL;
		for (j = 0; prev && j < prev->ndevs; j++)
			if (prev->devs[j].major == d->major &&
			    prev->devs[j].minor == d->minor &&
			    prev->devs[j].write_bytes <= d->write_bytes)
				p = &prev->devs[j];
		e = &res->ents[res->n++];
		e->pid = -1;
		e->tgid = -1;
		ws_unescape(d->name, e->name, sizeof(e->name));
		snprintf(e->dev, sizeof(e->dev), "%u:%u", d->major, d->minor);
		for (k = 0; k < WAMP_DC_NR; k++)
			e->d.dc[k] = sub(d->dc[k], p ? p->dc[k] : 0);
	}
	return 0;
}

static enum ws_key ws_sort_key;
static bool ws_sort_devs;	/* the device view: sort on what disks got */

static unsigned long long sort_val(const struct ws_ent *e, enum ws_key k)
{
	switch (k) {
	case WS_KEY_WRITES:
		return ws_sort_devs ? e->d.write_reqs : e->writes;
	case WS_KEY_SYNCS:
		return e->syncs;
	case WS_KEY_BLK:
		return ws_sort_devs ? e->d.write_bytes : e->blk_bytes;
	case WS_KEY_AMP:
		return e->write_bytes ?
		       wamp_amp_centi(e->write_bytes, e->blk_bytes) : 0;
	default:
		return e->write_bytes;
	}
}

static int ent_cmp(const void *a, const void *b)
{
	const struct ws_ent *x = a, *y = b;
	unsigned long long vx = sort_val(x, ws_sort_key);
	unsigned long long vy = sort_val(y, ws_sort_key);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (strcmp(x->name, y->name))
		return strcmp(x->name, y->name);
	if (x->cgroup != y->cgroup)
		return x->cgroup < y->cgroup ? -1 : 1;
	return 0;
}

bool ws_needs_cgroups(const struct ws_opts *o)
{
	return o->view == WS_CGROUPS ||
	       (o->view != WS_DEVS && (o->cgroup || o->container));
}

#define WS_IO_KEY(name)	"io_" #name,
static const char *const ws_io_keys[] = { WAMP_IO_CLASSES(WS_IO_KEY) };
static const char *const ws_io_names[] = WAMP_IO_NAMES;

const char *ws_io_name(unsigned int k)
{
	return k < WAMP_IO_NR ? ws_io_names[k] : "?";
}

/*
 * The totals' io_ split (1.5), and the histograms of (other) and
 * (exited), of the report or of the interval since @p.
 */
static void build_io_hist(const struct wampp_report *cur,
			  const struct wampp_report *p, struct ws_result *res)
{
	unsigned int k;

	res->has_io = cur->has_io;
	for (k = 0; k < WAMP_IO_NR; k++)
		res->io[k] = key_delta(wampp_key, cur, p, ws_io_keys[k]);
	res->has_sizes = cur->has_sizes;
	for (k = 0; k < WAMP_HIST_NR; k++) {
		res->other_hist[k] = sub(cur->other.hist[k],
					 p ? p->other.hist[k] : 0);
		res->exited_hist[k] = sub(cur->exited_hist[k],
					  p ? p->exited_hist[k] : 0);
	}
}

/* The totals of the report's lines, or of the interval since @p. */
static void build_totals(const struct wampp_report *cur,
			 const struct wampp_report *p, struct ws_result *res)
{
	res->writes = key_delta(wampp_key, cur, p, WAMP_KEY_WRITES);
	res->write_bytes = key_delta(wampp_key, cur, p, WAMP_KEY_WRITE_BYTES);
	res->syncs = key_delta(wampp_key, cur, p, WAMP_KEY_SYNCS);
	res->blk_bytes = key_delta(wampp_key, cur, p, WAMP_KEY_BLK_BYTES);
	res->dev_write_bytes = key_delta(wampp_sys_key, cur, p,
					 WAMP_KEY_DEV_WRITE_BYTES);
	res->exited_rows = key_delta(wampp_exited_key, cur, p, WAMP_KEY_ROWS);
	res->exited_writes = key_delta(wampp_exited_key, cur, p,
				       WAMP_KEY_WRITES);
	res->exited_write_bytes = key_delta(wampp_exited_key, cur, p,
					    WAMP_KEY_WRITE_BYTES);
	build_io_hist(cur, p, res);
}

/* The rows of the view, unsorted and unclassified. */
static int build_rows(const struct wampp_report *cur,
		      const struct wampp_report *prev,
		      const struct ws_opts *o, struct ws_result *res)
{
	if (cur->has_cgroups &&
	    (build_cgi(cur, res) || build_cgroups(cur, prev, o, res)))
		return WS_ERR_NOMEM;
	if (o->view == WS_CGROUPS)
		return 0;
	if (o->view == WS_DEVS)
		return build_devs(cur, prev, res) ? WS_ERR_NOMEM : 0;
	return build_tasks(cur, prev, o, res) ? WS_ERR_NOMEM : 0;
}

int ws_build(const struct wampp_report *cur, const struct wampp_report *prev,
	     double seconds, const struct ws_opts *o, struct ws_result *res)
{
	const struct wampp_report *p = prev;
	size_t i, w;
	int ret;

	memset(res, 0, sizeof(*res));
	if (ws_thresholds(cur, &res->th))
		return WS_ERR_THRESHOLDS;
	if (!cur->has_cgroups && ws_needs_cgroups(o))
		return WS_ERR_NO_CGROUPS;
	res->major = cur->major;
	res->minor = cur->minor;
	res->has_blk = cur->minor >= 1;
	res->seconds = prev ? seconds : 0;	/* stays: rates either way */
	/* A reset between the two reads: the interval starts at zero. */
	if (p && wampp_key(p, WAMP_KEY_WRITES, NULL) >
		 wampp_key(cur, WAMP_KEY_WRITES, NULL))
		p = NULL;
	build_totals(cur, p, res);
	if (cur->has_cgroups)
		cg_keys(cur, p, res);
	if (!p)
		prev = NULL;	/* after a reset: counts since the reset */
	ret = build_rows(cur, prev, o, res);
	if (ret) {
		ws_result_free(res);
		return ret;
	}
	if (o->view != WS_DEVS)
		classify(res->ents, res->n, &res->th);
	classify(res->cgs, res->ncgs, &res->th);
	classify(&res->cg_other, 1, &res->th);
	res->filtered = o->npids || o->comm || o->cgroup || o->container;
	for (i = 0, w = 0; i < res->n; i++) {
		if (o->flagged && !(res->ents[i].flags & WS_FINDINGS))
			continue;
		/* A histogram of no writes is no histogram. */
		if (o->mode == WS_MODE_SIZES && !res->ents[i].writes)
			continue;
		res->ents[w++] = res->ents[i];
	}
	res->n = w;
	ws_sort_devs = o->view == WS_DEVS;
	ws_sort_key = o->key != WS_KEY_DEFAULT ? o->key :
		      o->mode == WS_MODE_SIZES ? WS_KEY_WRITES :
		      o->view == WS_DEVS || res->has_blk ? WS_KEY_BLK :
		      WS_KEY_BYTES;
	if (res->n)
		qsort(res->ents, res->n, sizeof(*res->ents), ent_cmp);
	if (o->top > 0 && res->n > (size_t)o->top)
		res->n = o->top;
	return 0;
}

void ws_result_free(struct ws_result *res)
{
	free(res->ents);
	free(res->cgs);
	free(res->cgi);
	res->ents = NULL;
	res->cgs = NULL;
	res->cgi = NULL;
	res->n = 0;
	res->ncgs = 0;
	res->ncgi = 0;
}

void ws_flags_str(unsigned int flags, char *buf, size_t len)
{
	static const struct wamp_flag_name names[] = WAMP_FLAG_NAMES;
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(names) && o < len; i++)
		if (flags & names[i].bit)
			o += snprintf(buf + o, len - o, "%s%s", o ? "," : "",
				      names[i].name);
	if (!o)
		snprintf(buf, len, "-");
}

void ws_amp_str(const struct ws_ent *e, char *buf, size_t len)
{
	unsigned long long c;

	if (!e->write_bytes) {
		snprintf(buf, len, "-");
		return;
	}
	c = wamp_amp_centi(e->write_bytes, e->blk_bytes);
	snprintf(buf, len, "%llu.%02llu", c / 100, c % 100);
}

static void print_num(FILE *f, unsigned long long v, double secs, int w)
{
	if (secs > 0)
		fprintf(f, " %*.1f", w, (double)v / secs);
	else
		fprintf(f, " %*llu", w, v);
}

void ws_human(double v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	if (v < 1023.5) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	/* Up a unit when rounding would show 1024 of this one. */
	while (u < 0 || (v >= 1023.5 && units[u + 1])) {
		v /= 1024;
		u++;
	}
	if (v < 99.95)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

/* A byte count (a rate over @secs), in units with -h. */
static void print_bytes(FILE *f, unsigned long long v, double secs, int w,
			bool h)
{
	char buf[32];

	if (!h) {
		print_num(f, v, secs, w);
		return;
	}
	ws_human(secs > 0 ? (double)v / secs : (double)v, buf, sizeof(buf));
	fprintf(f, " %*s", w, buf);
}

/* A byte count in a sentence: exact, or in units with -h. */
static const char *bytes_str(unsigned long long v, bool h, char *buf,
			     size_t len)
{
	if (h)
		ws_human((double)v, buf, len);
	else
		snprintf(buf, len, "%llu", v);
	return buf;
}

unsigned int ws_pct(unsigned long long part, unsigned long long whole)
{
	if (!whole)
		return 0;
	if (part >= whole)
		return 100;
	return (unsigned int)(((__uint128_t)part * 100 + whole / 2) / whole);
}

/* The sum of @n counters (a row's io_ split, a histogram's buckets). */
unsigned long long ws_sum(const unsigned long long *v, unsigned int n)
{
	unsigned long long sum = 0;
	unsigned int k;

	/* Saturating: counters near 2^64 never wrap into a small sum. */
	for (k = 0; k < n; k++)
		sum = v[k] > ~0ULL - sum ? ~0ULL : sum + v[k];
	return sum;
}

static unsigned long long io_sum(const unsigned long long *io)
{
	return ws_sum(io, WAMP_IO_NR);
}

/* The class of @io with the most bytes (the first of equals), or -1. */
static int io_max(const unsigned long long *io, const bool *done)
{
	int k, best = -1;

	for (k = 0; k < WAMP_IO_NR; k++)
		if (io[k] && !(done && done[k]) &&
		    (best < 0 || io[k] > io[best]))
			best = k;
	return best;
}

int ws_io_dominant(const struct ws_ent *e, unsigned int *pct)
{
	const unsigned long long *io = &e->tc[WAMP_TC_io_fsync];
	int k = io_max(io, NULL);

	*pct = k < 0 ? 0 : ws_pct(io[k], io_sum(io));
	return k;
}

/*
 * "journal 75%, fsync 25%": the classes with bytes, most first, in percent
 * of their sum ("<1%" for a few bytes), with the bytes if @bytes.
 */
const char *ws_io_split(const unsigned long long *io, bool bytes, bool h,
			char *buf, size_t len)
{
	unsigned long long sum = io_sum(io);
	bool done[WAMP_IO_NR] = { false };
	unsigned int pct;
	size_t o = 0;
	char b[32], p[16];
	int k;

	snprintf(buf, len, "-");
	while ((k = io_max(io, done)) >= 0 && o < len) {
		done[k] = true;
		pct = ws_pct(io[k], sum);
		if (pct)
			snprintf(p, sizeof(p), "%u%%", pct);
		else
			snprintf(p, sizeof(p), "<1%%");
		o += snprintf(buf + o, len - o, "%s%s %s", o ? ", " : "",
			      ws_io_name(k), p);
		if (bytes && o < len)
			o += snprintf(buf + o, len - o, " (%s bytes)",
				      bytes_str(io[k], h, b, sizeof(b)));
	}
	return buf;
}

const char *ws_view_name(enum ws_view v)
{
	static const char *const names[] = { "tasks", "processes",
					     "commands", "devices",
					     "cgroups" };

	return names[v];
}

/* The lines above every text view: totals, folded exited tasks. */
void ws_print_summary(FILE *f, const struct ws_result *res, bool h,
		      bool rates)
{
	double s = res->seconds;
	char sys[32], b1[256], b2[32];

	if (res->write_bytes)
		snprintf(sys, sizeof(sys), "%llu.%02llu",
			 wamp_amp_centi(res->write_bytes,
					res->dev_write_bytes) / 100,
			 wamp_amp_centi(res->write_bytes,
					res->dev_write_bytes) % 100);
	else
		snprintf(sys, sizeof(sys), "-");
	fprintf(f, "wamp %d.%d %s: ", res->major, res->minor,
		s > 0 ? "interval" : "since load or reset");
	fprintf(f, "%llu writes, %s bytes, %llu syncs, ", res->writes,
		bytes_str(res->write_bytes, h, b1, sizeof(b1)), res->syncs);
	fprintf(f, "%s bytes to devices, amp %s%s\n",
		bytes_str(res->dev_write_bytes, h, b2, sizeof(b2)), sys,
		s > 0 && rates ? " (counts are per second below)" : "");
	if (res->exited_rows)
		fprintf(f, "exited tasks folded: %llu, with %llu writes, %s bytes\n",
			res->exited_rows, res->exited_writes,
			bytes_str(res->exited_write_bytes, h, b1, sizeof(b1)));
	if (res->has_io && io_sum(res->io))
		fprintf(f, "block bytes by path: %s\n",
			ws_io_split(res->io, false, h, b1, sizeof(b1)));
}

static void print_devs(FILE *f, const struct ws_result *res, bool h)
{
	double s = res->seconds;
	const struct ws_ent *e;
	size_t i;

	fprintf(f, "%-8s %-12s %12s %14s %9s %9s %9s %9s\n", "DEVICE",
		"DISK", s > 0 ? "WREQS/s" : "WRITE_REQS",
		s > 0 ? "WBYTES/s" : "WRITE_BYTES", "FLUSHES", "FUA",
		"DISCARDS", "REQUEUES");
	for (i = 0; i < res->n; i++) {
		e = &res->ents[i];
		fprintf(f, "%-8s %-12s", e->dev, e->name);
		print_num(f, e->d.write_reqs, s, 12);
		print_bytes(f, e->d.write_bytes, s, 14, h);
		print_num(f, e->d.flush_reqs, s, 9);
		print_num(f, e->d.fua_reqs, s, 9);
		print_num(f, e->d.discard_reqs, s, 9);
		print_num(f, e->d.requeues, s, 9);
		fputc('\n', f);
	}
}

/* The columns of a row's cgroup: id, runtime, container (or pod, unit). */
static void print_cg_cols(FILE *f, const struct ws_ent *e)
{
	const struct ws_container *ct = e->cgi ? &e->cgi->ct : NULL;
	char id[24] = "-";

	if (e->cgroup != WAMPP_NONE)
		snprintf(id, sizeof(id), "%lld", e->cgroup);
	fprintf(f, " %8s %-10s %-12s", id,
		ct && ct->runtime[0] ? ct->runtime : "-",
		ct ? ws_container_label(ct) : "-");
}

/* IO_PATH: the class with the most of the block bytes, and its share. */
static void print_io_col(FILE *f, const struct ws_ent *e)
{
	char buf[32] = "-";
	unsigned int pct;
	int k = ws_io_dominant(e, &pct);

	if (k >= 0)
		snprintf(buf, sizeof(buf), "%s:%u%%", ws_io_name(k), pct);
	fprintf(f, " %-14s", buf);
}

/* The header of a task view; the cgroup columns with a cgroup section. */
static void print_task_header(FILE *f, const struct ws_result *res,
			      enum ws_view v)
{
	double s = res->seconds;

	fprintf(f, "  %7s %7s %-16s %10s %12s %6s %8s %10s %12s %7s %12s %12s %12s",
		v == WS_COMMS ? "TASKS" : v == WS_PROCS ? "TGID" : "PID",
		v == WS_TASKS ? "TGID" : v == WS_PROCS ? "TASKS" : "",
		"COMM", s > 0 ? "WRITES/s" : "WRITES",
		s > 0 ? "BYTES/s" : "BYTES", "AVG", s > 0 ? "SYNCS/s" : "SYNCS",
		s > 0 ? "BREQS/s" : "BLK_REQS", s > 0 ? "BBYTES/s" : "BLK_BYTES",
		"AMP", s > 0 ? "DIRTIED/s" : "DIRTIED",
		s > 0 ? "WBBYTES/s" : "WB_BYTES",
		s > 0 ? "JRNL/s" : "JRNL_BYTES");
	if (res->has_io)
		fprintf(f, " %-14s", "IO_PATH");
	if (res->has_cgroups)
		fprintf(f, " %8s %-10s %-12s", "CGROUP", "RUNTIME", "CONTAINER");
	fputs(" FLAGS\n", f);
}

/* WRITES BYTES AVG SYNCS BLK_REQS BLK_BYTES AMP, as both views show them. */
static void print_counts(FILE *f, const struct ws_ent *e, double s, bool h)
{
	char amp[32];

	ws_amp_str(e, amp, sizeof(amp));
	print_num(f, e->writes, s, 10);
	print_bytes(f, e->write_bytes, s, 12, h);
	if (e->writes)
		print_bytes(f, e->write_bytes / e->writes, 0, 6, h);
	else
		fprintf(f, " %6s", "-");
	print_num(f, e->syncs, s, 8);
	print_num(f, e->blk_reqs, s, 10);
	print_bytes(f, e->blk_bytes, s, 12, h);
	fprintf(f, " %7s", amp);
}

static void print_task(FILE *f, const struct ws_result *res,
		       const struct ws_ent *e, enum ws_view v, bool h)
{
	double s = res->seconds;
	char fl[64];

	ws_flags_str(e->flags, fl, sizeof(fl));
	fprintf(f, "%c ", e->flags & WS_FINDINGS ? '*' : ' ');
	if (v == WS_COMMS)
		fprintf(f, "%7d %7s", e->ntasks, "");
	else if (v == WS_PROCS)
		fprintf(f, "%7lld %7d", e->pid, e->ntasks);
	else
		fprintf(f, "%7lld %7lld", e->pid, e->tgid);
	fprintf(f, " %-16s", e->name);
	print_counts(f, e, s, h);
	print_bytes(f, e->dirtied, s, 12, h);
	print_bytes(f, e->wb_bytes, s, 12, h);
	print_bytes(f, e->jrnl_bytes, s, 12, h);
	if (res->has_io)
		print_io_col(f, e);
	if (res->has_cgroups)
		print_cg_cols(f, e);
	fprintf(f, " %s\n", fl);
}

/* The cgroup section's line: its keys, and what no row could hold. */
static void print_cg_section(FILE *f, const struct ws_result *res,
			     const struct ws_opts *o)
{
	const struct ws_ent *x = &res->cg_other;
	char b1[32], b2[32];

	fprintf(f, "cgroups: io %s, slots %s, overflow %llu%s; ", res->cg_io,
		res->cg_slots, res->cg_overflow,
		o->subtree ? "; counts of subtrees" : "");
	fprintf(f, "(other): %llu writes, %s bytes, %s bytes to devices\n",
		x->writes, bytes_str(x->write_bytes, o->human, b1, sizeof(b1)),
		bytes_str(x->blk_bytes, o->human, b2, sizeof(b2)));
}

static void print_cgroups(FILE *f, const struct ws_result *res,
			  const struct ws_opts *o)
{
	double s = res->seconds;
	const struct ws_ent *e;
	char fl[64];
	size_t i;

	print_cg_section(f, res, o);
	fprintf(f, "  %8s %10s %12s %6s %8s %10s %12s %7s %-10s %-12s %-14s %s\n",
		"CGROUP", s > 0 ? "WRITES/s" : "WRITES",
		s > 0 ? "BYTES/s" : "BYTES", "AVG", s > 0 ? "SYNCS/s" : "SYNCS",
		s > 0 ? "BREQS/s" : "BLK_REQS", s > 0 ? "BBYTES/s" : "BLK_BYTES",
		"AMP", "RUNTIME", "CONTAINER", "FLAGS", "PATH");
	for (i = 0; i < res->n; i++) {
		e = &res->ents[i];
		ws_flags_str(e->flags, fl, sizeof(fl));
		fprintf(f, "%c %8lld", e->flags & WS_FINDINGS ? '*' : ' ',
			e->cgroup);
		print_counts(f, e, s, o->human);
		fprintf(f, " %-10s %-12s %-14s %s\n",
			e->cgi->ct.runtime[0] ? e->cgi->ct.runtime : "-",
			ws_container_label(&e->cgi->ct), fl, e->cgi->cg->path);
	}
}

void ws_print_text(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o)
{
	size_t i;

	ws_print_summary(f, res, o->human, true);
	if (o->view == WS_DEVS) {
		print_devs(f, res, o->human);
		return;
	}
	if (o->view == WS_CGROUPS) {
		print_cgroups(f, res, o);
		return;
	}
	print_task_header(f, res, o->view);
	for (i = 0; i < res->n; i++)
		print_task(f, res, &res->ents[i], o->view, o->human);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
void ws_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_flags(FILE *f, unsigned int flags)
{
	char buf[64], *t, *save = NULL;
	bool first = true;

	ws_flags_str(flags, buf, sizeof(buf));
	fputc('[', f);
	for (t = strtok_r(buf, ",", &save); t && strcmp(t, "-");
	     t = strtok_r(NULL, ",", &save)) {
		fprintf(f, "%s\"%s\"", first ? "" : ",", t);
		first = false;
	}
	fputc(']', f);
}

/* ,"key":value -- a JSON member after the first one of its object. */
static void jnum(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, ",\"%s\":%llu", key, v);
}

/* ,"key":"value" -- only when there is a value. */
static void jstr_opt(FILE *f, const char *key, const char *v)
{
	if (!*v)
		return;
	fprintf(f, ",\"%s\":", key);
	ws_json_str(f, v);
}

/* The keys of what a cgroup's path says: those it says. */
static void json_container(FILE *f, const struct ws_container *ct)
{
	jstr_opt(f, "runtime", ct->runtime);
	jstr_opt(f, "container_id", ct->id);
	jstr_opt(f, "pod_uid", ct->pod_uid);
	jstr_opt(f, "unit", ct->unit);
}

/* The counters of a row, named as in /proc/wamp's columns. */
#define WS_JSON_COUNTER(name, ...)	jnum(f, #name, e->name);
#define WS_JSON_DEV_COUNTER(name, ...)	jnum(f, #name, e->d.name);

/* ,"amp":X.XX or null, "flags":[...] */
static void json_amp_flags(FILE *f, const struct ws_ent *e)
{
	char amp[32];

	ws_amp_str(e, amp, sizeof(amp));
	fprintf(f, ",\"amp\":%s,\"flags\":", strcmp(amp, "-") ? amp : "null");
	json_flags(f, e->flags);
}

/* A task's cgroup: its id (null: unknown), and its path and container. */
static void json_task_cg(FILE *f, const struct ws_ent *e)
{
	if (e->cgroup == WAMPP_NONE)
		fputs(",\"cgroup\":null", f);
	else
		fprintf(f, ",\"cgroup\":%lld", e->cgroup);
	if (!e->cgi)
		return;
	fputs(",\"cgroup_path\":", f);
	ws_json_str(f, e->cgi->cg->upath);
	json_container(f, &e->cgi->ct);
}

static void json_keys(FILE *f, const struct ws_ent *e, enum ws_view view);

void ws_json_ent_open(FILE *f, const struct ws_ent *e, enum ws_view view)
{
	json_keys(f, e, view);
	WAMP_TASK_COUNTERS(WS_JSON_COUNTER)
	json_amp_flags(f, e);
	json_task_cg(f, e);
}

static void json_task(FILE *f, const struct ws_ent *e, enum ws_view view)
{
	ws_json_ent_open(f, e, view);
	fputc('}', f);
}

static void json_dev(FILE *f, const struct ws_ent *e)
{
	fprintf(f, "{\"device\":\"%s\",\"disk\":", e->dev);
	ws_json_str(f, e->name);
	WAMP_DEV_COUNTERS(WS_JSON_DEV_COUNTER)
	fputc('}', f);
}

static void json_cg(FILE *f, const struct ws_ent *e)
{
	fprintf(f, "{\"id\":%lld,\"path\":", e->cgroup);
	ws_json_str(f, e->cgi->cg->upath);
	WAMP_CG_COUNTERS(WS_JSON_COUNTER)
	json_amp_flags(f, e);
	json_container(f, &e->cgi->ct);
	fputc('}', f);
}

/* The rows of the view: tasks, processes, commands, devices or cgroups. */
static void json_rows(FILE *f, const struct ws_result *res,
		      const struct ws_opts *o)
{
	size_t i;

	fputs(",\"rows\":[", f);
	for (i = 0; i < res->n; i++) {
		if (i)
			fputc(',', f);
		if (o->view == WS_DEVS)
			json_dev(f, &res->ents[i]);
		else if (o->view == WS_CGROUPS)
			json_cg(f, &res->ents[i]);
		else
			json_task(f, &res->ents[i], o->view);
	}
	fputc(']', f);
}

/* The cgroup section (1.4): its keys, (other), and its rows' own counts. */
static void json_cgroups(FILE *f, const struct ws_result *res,
			 const struct ws_opts *o)
{
	const struct ws_ent *e = &res->cg_other;
	size_t i;

	if (o->view == WS_CGROUPS)
		fprintf(f, ",\"subtree\":%s", o->subtree ? "true" : "false");
	fputs(",\"cgroup_io\":", f);
	ws_json_str(f, res->cg_io);
	fprintf(f, ",\"cgroup_other\":{\"overflow\":%llu", res->cg_overflow);
	WAMP_CG_COUNTERS(WS_JSON_COUNTER)
	fputs("},\"cgroups\":[", f);
	for (i = 0; i < res->ncgs; i++) {
		if (i)
			fputc(',', f);
		json_cg(f, &res->cgs[i]);
	}
	fputc(']', f);
}

void ws_json_head(FILE *f, const struct ws_result *res, const char *view,
		  long long timestamp)
{
	fprintf(f, "{\"version\":%d,\"format\":\"%d.%d\"", WS_JSON_VERSION,
		res->major, res->minor);
	fprintf(f, ",\"time\":%lld,\"interval\":%.3f,\"view\":\"%s\"",
		timestamp, res->seconds, view);
}

/* ,"io":{"fsync":N,...}: a split of block bytes by path (1.5). */
static void json_io(FILE *f, const unsigned long long *io)
{
	unsigned int k;

	fputs(",\"io\":{", f);
	for (k = 0; k < WAMP_IO_NR; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", ws_io_name(k),
			io[k]);
	fputc('}', f);
}

void ws_print_json(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o, long long timestamp)
{
	const struct wamp_thresholds *t = &res->th;

	ws_json_head(f, res, ws_view_name(o->view), timestamp);
	fprintf(f, ",\"thresholds\":{\"min_writes\":%u", t->min_writes);
	jnum(f, "small_write_bytes", t->small_write_bytes);
	jnum(f, "sync_ratio", t->sync_ratio);
	fprintf(f, ",\"amp_ratio\":%u.%02u}", t->amp_ratio / 100,
		t->amp_ratio % 100);
	fprintf(f, ",\"totals\":{\"writes\":%llu", res->writes);
	jnum(f, "write_bytes", res->write_bytes);
	jnum(f, "syncs", res->syncs);
	jnum(f, "blk_bytes", res->blk_bytes);
	jnum(f, "dev_write_bytes", res->dev_write_bytes);
	if (res->has_io)
		json_io(f, res->io);
	fprintf(f, "},\"exited\":{\"rows\":%llu", res->exited_rows);
	jnum(f, "writes", res->exited_writes);
	jnum(f, "write_bytes", res->exited_write_bytes);
	fputc('}', f);
	json_rows(f, res, o);
	if (res->has_cgroups)
		json_cgroups(f, res, o);
	fputs("}\n", f);
}

/*
 * The length of the valid UTF-8 sequence at @s, or 0: by its lead byte's
 * range, the range its second byte must be in, then continuation bytes.
 */
static size_t utf8_len(const unsigned char *s)
{
	static const struct {
		unsigned char lo, hi, lo2, hi2, len;
	} seq[] = {
		{ 0x01, 0x7f, 0, 0, 1 },	{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },	{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },	{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },	{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(seq); i++) {
		if (s[0] < seq[i].lo || s[0] > seq[i].hi)
			continue;
		if (seq[i].len == 1)
			return 1;
		if (s[1] < seq[i].lo2 || s[1] > seq[i].hi2)
			return 0;
		for (k = 2; k < seq[i].len; k++)
			if ((s[k] & 0xc0) != 0x80)
				return 0;
		return seq[i].len;
	}
	return 0;
}

/*
 * A Prometheus label value: backslash, quote and newline escaped, and a
 * byte that is not UTF-8 (which a label value must be) as /proc/wamp
 * writes it, \ooo.
 */
static void prom_label(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	while (*u) {
		n = utf8_len(u);
		if (*u == '\\' || *u == '"')
			fprintf(f, "\\%c", *u);
		else if (*u == '\n')
			fputs("\\n", f);
		else if (!n)
			fprintf(f, "\\\\%03o", *u);
		else
			fwrite(u, 1, n, f);
		u += n ? n : 1;
	}
}

/* ,name="value" */
static void prom_kv(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",%s=\"", name);
	prom_label(f, v);
	fputc('"', f);
}

struct prom_metric {
	const char *name;
	const char *type;
	const char *help;
	size_t off;	/* of the value in struct ws_ent */
	int minor;	/* the format minor that added it */
};

/* The metrics of each view, from the lists of wamp.h. */
#define WS_PROM_TASK(name, minor, prom, help)				\
	{ "wamp_task_" prom "_total", "counter", help,			\
	  offsetof(struct ws_ent, name), minor },
#define WS_PROM_DEV(name, prom, help)					\
	{ "wamp_device_" prom "_total", "counter", help,		\
	  offsetof(struct ws_ent, d.name), 0 },
#define WS_PROM_CG(name, prom, help)					\
	{ "wamp_cgroup_" prom "_total", "counter", help,		\
	  offsetof(struct ws_ent, name), 0 },

static const struct prom_metric prom_task[] = {
	WAMP_TASK_COUNTERS(WS_PROM_TASK)
};

static const struct prom_metric prom_dev[] = {
	WAMP_DEV_COUNTERS(WS_PROM_DEV)
};

static const struct prom_metric prom_cg[] = {
	WAMP_CG_COUNTERS(WS_PROM_CG)
};

static void prom_total(FILE *f, const char *name, const char *help,
		       unsigned long long v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
		name, name, v);
}

/* A task's labels: its keys, and its cgroup's with a cgroup section. */
static void prom_task_labels(FILE *f, const struct ws_result *res,
			     const struct ws_ent *e, enum ws_view v)
{
	char id[24] = "";

	if (v == WS_TASKS)
		fprintf(f, "pid=\"%lld\",tgid=\"%lld\",comm=\"", e->pid,
			e->tgid);
	else if (v == WS_PROCS)
		fprintf(f, "tgid=\"%lld\",comm=\"", e->pid);
	else
		fprintf(f, "comm=\"");
	prom_label(f, e->name);
	fputc('"', f);
	if (!res->has_cgroups)
		return;
	if (e->cgroup != WAMPP_NONE)
		snprintf(id, sizeof(id), "%lld", e->cgroup);
	prom_kv(f, "cgroup_id", id);
	prom_kv(f, "container_id", e->cgi ? e->cgi->ct.id : "");
}

/* A cgroup's labels: id, path and what the path says. */
static void prom_cg_labels(FILE *f, const struct ws_ent *e)
{
	const struct ws_container *ct = &e->cgi->ct;

	fprintf(f, "cgroup_id=\"%lld\"", e->cgroup);
	prom_kv(f, "path", e->cgi->cg->upath);
	prom_kv(f, "runtime", ct->runtime);
	prom_kv(f, "container_id", ct->id);
	prom_kv(f, "pod_uid", ct->pod_uid);
	prom_kv(f, "unit", ct->unit);
}

/* One family per metric of @m, a sample per row of @ents. */
static void prom_families(FILE *f, const struct ws_result *res,
			  enum ws_view v, const struct prom_metric *m,
			  size_t nm, const struct ws_ent *ents, size_t n)
{
	const struct ws_ent *e;
	size_t i, j;

	for (j = 0; j < nm; j++) {
		/* A counter the report's format lacks: no series, not zeros. */
		if (m[j].minor > res->minor)
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m[j].name,
			m[j].help, m[j].name, m[j].type);
		for (i = 0; i < n; i++) {
			e = &ents[i];
			fprintf(f, "%s{", m[j].name);
			if (v == WS_DEVS) {
				fprintf(f, "dev=\"%s\",disk=\"", e->dev);
				prom_label(f, e->name);
				fputc('"', f);
			} else if (v == WS_CGROUPS) {
				prom_cg_labels(f, e);
			} else {
				prom_task_labels(f, res, e, v);
			}
			fprintf(f, "} %llu\n", *(const unsigned long long *)
				((const char *)e + m[j].off));
		}
	}
}

void ws_print_prom(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o)
{
	if (o->view == WS_DEVS)
		prom_families(f, res, WS_DEVS, prom_dev, ARRAY_SIZE(prom_dev),
			      res->ents, res->n);
	else if (o->view != WS_CGROUPS)
		prom_families(f, res, o->view, prom_task,
			      ARRAY_SIZE(prom_task), res->ents, res->n);
	/* The cgroup view's rows, or else every cgroup the filters keep. */
	if (o->view == WS_CGROUPS)
		prom_families(f, res, WS_CGROUPS, prom_cg, ARRAY_SIZE(prom_cg),
			      res->ents, res->n);
	else if (res->has_cgroups)
		prom_families(f, res, WS_CGROUPS, prom_cg, ARRAY_SIZE(prom_cg),
			      res->cgs, res->ncgs);
	prom_total(f, "wamp_write_bytes_total",
		   "Bytes all write syscalls asked to write.", res->write_bytes);
	prom_total(f, "wamp_device_write_bytes_all_total",
		   "Bytes of write requests issued to all devices.",
		   res->dev_write_bytes);
	prom_total(f, "wamp_exited_rows_total",
		   "Rows of exited tasks folded into the exited line.",
		   res->exited_rows);
	prom_total(f, "wamp_exited_writes_total",
		   "Write syscalls of the folded rows of exited tasks.",
		   res->exited_writes);
	prom_total(f, "wamp_exited_write_bytes_total",
		   "Bytes the folded rows of exited tasks asked to write.",
		   res->exited_write_bytes);
}

void ws_hist_label(unsigned int k, char *buf, size_t len)
{
	static const char *const units[] = { "", "K", "M" };
	unsigned long long lo = wamp_hist_lower(k), hi = lo * 2;
	int ul = 0, uh = 0;

	if (k <= 1) {
		snprintf(buf, len, "[%llu]", lo);
		return;
	}
	for (; lo >= 1024 && !(lo % 1024); lo /= 1024)
		ul++;
	if (k == WAMP_HIST_NR - 1) {
		snprintf(buf, len, "[%llu%s, ...)", lo, units[ul]);
		return;
	}
	for (; hi >= 1024 && !(hi % 1024); hi /= 1024)
		uh++;
	snprintf(buf, len, "[%llu%s, %llu%s)", lo, units[ul], hi, units[uh]);
}

#define WS_HIST_BAR	52	/* bpftrace's bar: the largest bucket's */

void ws_print_hist(FILE *f, const unsigned long long *hist,
		   const char *indent)
{
	unsigned long long max = 0;
	unsigned int k, first = WAMP_HIST_NR, last = 0, bar;
	char label[32];

	for (k = 0; k < WAMP_HIST_NR; k++) {
		if (!hist[k])
			continue;
		if (first == WAMP_HIST_NR)
			first = k;
		last = k;
		if (hist[k] > max)
			max = hist[k];
	}
	for (k = first; k <= last && max; k++) {
		bar = (unsigned int)((__uint128_t)hist[k] * WS_HIST_BAR / max);
		ws_hist_label(k, label, sizeof(label));
		fprintf(f, "%s%-16s%8llu |%.*s%*s|\n", indent, label, hist[k],
			(int)bar, "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
			(int)(WS_HIST_BAR - bar), "");
	}
}

void ws_json_hist(FILE *f, const unsigned long long *hist)
{
	unsigned int k;

	fputc('{', f);
	for (k = 0; k < WAMP_HIST_NR; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", wampp_hist_name(k),
			hist[k]);
	fputc('}', f);
}

static unsigned long long hist_sum(const unsigned long long *hist)
{
	return ws_sum(hist, WAMP_HIST_NR);
}

/* "redis-server pid 144 tgid 144", "redis-server tgid 144 (2 tasks)". */
static void ent_title(FILE *f, const struct ws_ent *e, enum ws_view v)
{
	fputs(e->name, f);
	if (v == WS_TASKS)
		fprintf(f, " pid %lld tgid %lld", e->pid, e->tgid);
	else if (v == WS_PROCS)
		fprintf(f, " tgid %lld (%d task%s)", e->pid, e->ntasks,
			e->ntasks == 1 ? "" : "s");
	else
		fprintf(f, " (%d task%s)", e->ntasks, e->ntasks == 1 ? "" : "s");
}

/* A block of --sizes: its title line, its histogram, a blank line. */
static void sizes_block(FILE *f, const struct ws_ent *e, enum ws_view v,
			bool h)
{
	char b[32], avg[32];

	ent_title(f, e, v);
	fprintf(f, ": %llu writes, %s bytes, avg %s\n", e->writes,
		bytes_str(e->write_bytes, h, b, sizeof(b)),
		e->writes ? bytes_str(e->write_bytes / e->writes, h, avg,
				      sizeof(avg)) : "-");
	ws_print_hist(f, e->hist, "");
	fputc('\n', f);
}

/* The block of (other) or (exited): their writes, by the sizes alone. */
static void folded_block(FILE *f, const char *title, const char *note,
			 const unsigned long long *hist)
{
	fprintf(f, "%s: %llu writes%s\n", title, hist_sum(hist), note);
	ws_print_hist(f, hist, "");
	fputc('\n', f);
}

/* (other) and (exited) have sizes of their own: shown unfiltered. */
static bool show_folded(const struct ws_result *res, const struct ws_opts *o)
{
	return res->has_sizes && !res->filtered && !o->flagged;
}

void ws_print_sizes(FILE *f, const struct ws_result *res,
		    const struct ws_opts *o)
{
	static const char *const per[] = { "task", "process", "command" };
	size_t i;

	ws_print_summary(f, res, o->human, false);
	if (!res->has_sizes) {
		fprintf(f, "no write sizes: the report has no sizes section ");
		fprintf(f, "(format %d.%d; 1.5 has it)\n", res->major,
			res->minor);
		return;
	}
	fprintf(f, "write sizes per %s%s (the bytes each write syscall asked for; counts%s):\n\n",
		per[o->view <= WS_COMMS ? o->view : 0],
		res->seconds > 0 ? " over the interval" : "",
		res->seconds > 0 ? " in the interval, not per second" :
		" since load or reset");
	for (i = 0; i < res->n; i++)
		sizes_block(f, &res->ents[i], o->view, o->human);
	if (!show_folded(res, o))
		return;
	if (hist_sum(res->other_hist))
		folded_block(f, WAMP_OTHER_COMM, "", res->other_hist);
	if (hist_sum(res->exited_hist))
		folded_block(f, WAMP_EXITED_COMM,
			     " (of the rows of exited tasks folded)",
			     res->exited_hist);
}

/* The keys of a task row (the view's), as the task rows' JSON has them. */
static void json_keys(FILE *f, const struct ws_ent *e, enum ws_view view)
{
	if (view == WS_TASKS)
		fprintf(f, "{\"pid\":%lld,\"tgid\":%lld,", e->pid, e->tgid);
	else if (view == WS_PROCS)
		fprintf(f, "{\"tgid\":%lld,", e->pid);
	else
		fputc('{', f);
	fprintf(f, "\"tasks\":%d,\"comm\":", e->ntasks);
	ws_json_str(f, e->name);
}

void ws_print_sizes_json(FILE *f, const struct ws_result *res,
			 const struct ws_opts *o, long long timestamp)
{
	const struct ws_ent *e;
	size_t i;

	ws_json_head(f, res, "sizes", timestamp);
	fprintf(f, ",\"group\":\"%s\",\"has_sizes\":%s,\"rows\":[",
		ws_view_name(o->view), res->has_sizes ? "true" : "false");
	for (i = 0; res->has_sizes && i < res->n; i++) {
		e = &res->ents[i];
		if (i)
			fputc(',', f);
		json_keys(f, e, o->view);
		jnum(f, "writes", e->writes);
		jnum(f, "write_bytes", e->write_bytes);
		fputs(",\"sizes\":", f);
		ws_json_hist(f, e->hist);
		fputc('}', f);
	}
	fputc(']', f);
	if (show_folded(res, o)) {
		fprintf(f, ",\"other\":{\"writes\":%llu,\"sizes\":",
			hist_sum(res->other_hist));
		ws_json_hist(f, res->other_hist);
		fprintf(f, "},\"exited\":{\"writes\":%llu,\"sizes\":",
			hist_sum(res->exited_hist));
		ws_json_hist(f, res->exited_hist);
		fputc('}', f);
	}
	fputs("}\n", f);
}

long long ws_interval_ns(const char *s)
{
	long long sec = 0, frac = 0, scale = 1000000000LL;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		sec = sec * 10 + (*p - '0');
		if (sec > 86400)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 1)
				return -1;	/* finer than a nanosecond */
			scale /= 10;
			frac += (*p - '0') * scale;
		}
	}
	if (*p || (sec == 86400 && frac) || (sec == 0 && frac == 0))
		return -1;
	return sec * 1000000000LL + frac;
}

struct timespec ws_deadline(const struct timespec *start,
			    long long interval_ns, long long k)
{
	/* Exact in 64 bits for any k below 9 x 10^9 intervals. */
	long long ns = (long long)start->tv_nsec + interval_ns % 1000000000LL * k;
	struct timespec t;

	t.tv_sec = start->tv_sec + interval_ns / 1000000000LL * k +
		   ns / 1000000000LL;
	t.tv_nsec = ns % 1000000000LL;
	return t;
}

long long ws_next_interval(const struct timespec *start,
			   const struct timespec *now, long long interval_ns,
			   long long k)
{
	long long past = (now->tv_sec - start->tv_sec) * 1000000000LL +
			 (now->tv_nsec - start->tv_nsec);
	long long ahead = past < 0 ? 1 : past / interval_ns + 1;

	return ahead > k + 1 ? ahead : k + 1;
}
