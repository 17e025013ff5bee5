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
	return p;
}

static void ent_add(struct ws_ent *e, const struct ws_ent *t)
{
	int k;

	for (k = 0; k < WAMP_TC_NR; k++)
		e->tc[k] += t->tc[k];
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
		p = prev ? prev_row(prev, r) : NULL;
		memset(&t, 0, sizeof(t));
		t.pid = o->view == WS_PROCS ? r->tgid :
			o->view == WS_COMMS ? -1 : r->pid;
		t.tgid = o->view == WS_COMMS ? -1 : r->tgid;
		ws_unescape(r->comm, t.name, sizeof(t.name));
		for (k = 0; k < WAMP_TC_NR; k++)
			t.tc[k] = r->tc[k] - (p ? p->tc[k] : 0);
		t.ntasks = 1;
		if (prev && !t.writes && !t.syncs && !t.blk_bytes &&
		    !t.dirtied)
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
	return strcmp(x->name, y->name);
}

int ws_build(const struct wampp_report *cur, const struct wampp_report *prev,
	     double seconds, const struct ws_opts *o, struct ws_result *res)
{
	const struct wampp_report *p = prev;
	size_t i, w;
	int ret;

	memset(res, 0, sizeof(*res));
	if (ws_thresholds(cur, &res->th))
		return -1;
	res->major = cur->major;
	res->minor = cur->minor;
	res->has_blk = cur->minor >= 1;
	res->seconds = prev ? seconds : 0;	/* stays: rates either way */
	/* A reset between the two reads: the interval starts at zero. */
	if (p && wampp_key(p, WAMP_KEY_WRITES, NULL) >
		 wampp_key(cur, WAMP_KEY_WRITES, NULL))
		p = NULL;
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
	if (!p)
		prev = NULL;	/* after a reset: counts since the reset */
	ret = o->view == WS_DEVS ? build_devs(cur, prev, res) :
	      build_tasks(cur, prev, o, res);
	if (ret) {
		ws_result_free(res);
		return -1;
	}
	for (i = 0, w = 0; i < res->n; i++) {
		struct ws_ent *e = &res->ents[i];

		if (o->view != WS_DEVS)
			e->flags |= wamp_classify(e->writes, e->write_bytes,
						  e->syncs, e->blk_bytes,
						  &res->th);
		if (o->flagged && !(e->flags & WS_FINDINGS))
			continue;
		res->ents[w++] = *e;
	}
	res->n = w;
	ws_sort_devs = o->view == WS_DEVS;
	ws_sort_key = o->key != WS_KEY_DEFAULT ? o->key :
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
	res->ents = NULL;
	res->n = 0;
}

static void flags_str(unsigned int flags, char *buf, size_t len)
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

static void amp_str(const struct ws_ent *e, char *buf, size_t len)
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

static const char *view_name(enum ws_view v)
{
	static const char *const names[] = { "tasks", "processes",
					     "commands", "devices" };

	return names[v];
}

void ws_print_text(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o)
{
	double s = res->seconds;
	char fl[64], amp[32], sys[32];
	const struct ws_ent *e;
	size_t i;

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
	fprintf(f, "%llu writes, %llu bytes, %llu syncs, ", res->writes,
		res->write_bytes, res->syncs);
	fprintf(f, "%llu bytes to devices, amp %s%s\n", res->dev_write_bytes,
		sys, s > 0 ? " (counts are per second below)" : "");
	if (res->exited_rows)
		fprintf(f, "exited tasks folded: %llu, with %llu writes, %llu bytes\n",
			res->exited_rows, res->exited_writes,
			res->exited_write_bytes);
	if (o->view == WS_DEVS) {
		fprintf(f, "%-8s %-12s %12s %14s %9s %9s %9s %9s\n", "DEVICE",
			"DISK", s > 0 ? "WREQS/s" : "WRITE_REQS",
			s > 0 ? "WBYTES/s" : "WRITE_BYTES", "FLUSHES", "FUA",
			"DISCARDS", "REQUEUES");
		for (i = 0; i < res->n; i++) {
			e = &res->ents[i];
			fprintf(f, "%-8s %-12s", e->dev, e->name);
			print_num(f, e->d.write_reqs, s, 12);
			print_num(f, e->d.write_bytes, s, 14);
			print_num(f, e->d.flush_reqs, s, 9);
			print_num(f, e->d.fua_reqs, s, 9);
			print_num(f, e->d.discard_reqs, s, 9);
			print_num(f, e->d.requeues, s, 9);
			fputc('\n', f);
		}
		return;
	}
	fprintf(f, "  %7s %7s %-16s %10s %12s %6s %8s %10s %12s %7s %12s %12s %12s %s\n",
		o->view == WS_COMMS ? "TASKS" : o->view == WS_PROCS ? "TGID" : "PID",
		o->view == WS_TASKS ? "TGID" : o->view == WS_PROCS ? "TASKS" : "",
		"COMM", s > 0 ? "WRITES/s" : "WRITES",
		s > 0 ? "BYTES/s" : "BYTES", "AVG", s > 0 ? "SYNCS/s" : "SYNCS",
		s > 0 ? "BREQS/s" : "BLK_REQS", s > 0 ? "BBYTES/s" : "BLK_BYTES",
		"AMP", s > 0 ? "DIRTIED/s" : "DIRTIED",
		s > 0 ? "WBBYTES/s" : "WB_BYTES",
		s > 0 ? "JRNL/s" : "JRNL_BYTES", "FLAGS");
	for (i = 0; i < res->n; i++) {
		e = &res->ents[i];
		flags_str(e->flags, fl, sizeof(fl));
		amp_str(e, amp, sizeof(amp));
		fprintf(f, "%c ", e->flags & WS_FINDINGS ? '*' : ' ');
		if (o->view == WS_COMMS)
			fprintf(f, "%7d %7s", e->ntasks, "");
		else if (o->view == WS_PROCS)
			fprintf(f, "%7lld %7d", e->pid, e->ntasks);
		else
			fprintf(f, "%7lld %7lld", e->pid, e->tgid);
		fprintf(f, " %-16s", e->name);
		print_num(f, e->writes, s, 10);
		print_num(f, e->write_bytes, s, 12);
		if (e->writes)
			fprintf(f, " %6llu", e->write_bytes / e->writes);
		else
			fprintf(f, " %6s", "-");
		print_num(f, e->syncs, s, 8);
		print_num(f, e->blk_reqs, s, 10);
		print_num(f, e->blk_bytes, s, 12);
		fprintf(f, " %7s", amp);
		print_num(f, e->dirtied, s, 12);
		print_num(f, e->wb_bytes, s, 12);
		print_num(f, e->jrnl_bytes, s, 12);
		fprintf(f, " %s\n", fl);
	}
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void json_str(FILE *f, const char *s)
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

	flags_str(flags, buf, sizeof(buf));
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

/* The counters of a row, named as in /proc/wamp's columns. */
#define WS_JSON_COUNTER(name, ...)	jnum(f, #name, e->name);
#define WS_JSON_DEV_COUNTER(name, ...)	jnum(f, #name, e->d.name);

static void json_task(FILE *f, const struct ws_ent *e, enum ws_view view)
{
	char amp[32];

	if (view == WS_TASKS)
		fprintf(f, "{\"pid\":%lld,\"tgid\":%lld,", e->pid, e->tgid);
	else if (view == WS_PROCS)
		fprintf(f, "{\"tgid\":%lld,", e->pid);
	else
		fputc('{', f);
	fprintf(f, "\"tasks\":%d,\"comm\":", e->ntasks);
	json_str(f, e->name);
	WAMP_TASK_COUNTERS(WS_JSON_COUNTER)
	amp_str(e, amp, sizeof(amp));
	fprintf(f, ",\"amp\":%s,\"flags\":", strcmp(amp, "-") ? amp : "null");
	json_flags(f, e->flags);
	fputc('}', f);
}

static void json_dev(FILE *f, const struct ws_ent *e)
{
	fprintf(f, "{\"device\":\"%s\",\"disk\":", e->dev);
	json_str(f, e->name);
	WAMP_DEV_COUNTERS(WS_JSON_DEV_COUNTER)
	fputc('}', f);
}

void ws_print_json(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o, long long timestamp)
{
	const struct wamp_thresholds *t = &res->th;
	size_t i;

	fprintf(f, "{\"version\":%d,\"format\":\"%d.%d\"", WS_JSON_VERSION,
		res->major, res->minor);
	fprintf(f, ",\"time\":%lld,\"interval\":%.3f,\"view\":\"%s\"",
		timestamp, res->seconds, view_name(o->view));
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
	fprintf(f, "},\"exited\":{\"rows\":%llu", res->exited_rows);
	jnum(f, "writes", res->exited_writes);
	jnum(f, "write_bytes", res->exited_write_bytes);
	fputs("},\"rows\":[", f);
	for (i = 0; i < res->n; i++) {
		if (i)
			fputc(',', f);
		if (o->view == WS_DEVS)
			json_dev(f, &res->ents[i]);
		else
			json_task(f, &res->ents[i], o->view);
	}
	fputs("]}\n", f);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

struct prom_metric {
	const char *name;
	const char *type;
	const char *help;
	size_t off;	/* of the value in struct ws_ent */
};

/* The metrics of each view, from the lists of wamp.h. */
#define WS_PROM_TASK(name, minor, prom, help)				\
	{ "wamp_task_" prom "_total", "counter", help,			\
	  offsetof(struct ws_ent, name) },
#define WS_PROM_DEV(name, prom, help)					\
	{ "wamp_device_" prom "_total", "counter", help,		\
	  offsetof(struct ws_ent, d.name) },

static const struct prom_metric prom_task[] = {
	WAMP_TASK_COUNTERS(WS_PROM_TASK)
};

static const struct prom_metric prom_dev[] = {
	WAMP_DEV_COUNTERS(WS_PROM_DEV)
};

static void prom_total(FILE *f, const char *name, const char *help,
		       unsigned long long v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
		name, name, v);
}

void ws_print_prom(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o)
{
	bool dev = o->view == WS_DEVS;
	const struct prom_metric *m = dev ? prom_dev : prom_task;
	size_t nm = dev ? ARRAY_SIZE(prom_dev) : ARRAY_SIZE(prom_task);
	const struct ws_ent *e;
	size_t i, j;

	for (j = 0; j < nm; j++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m[j].name,
			m[j].help, m[j].name, m[j].type);
		for (i = 0; i < res->n; i++) {
			e = &res->ents[i];
			fprintf(f, "%s{", m[j].name);
			if (dev)
				fprintf(f, "dev=\"%s\",disk=\"", e->dev);
			else if (o->view == WS_TASKS)
				fprintf(f, "pid=\"%lld\",tgid=\"%lld\",comm=\"",
					e->pid, e->tgid);
			else if (o->view == WS_PROCS)
				fprintf(f, "tgid=\"%lld\",comm=\"", e->pid);
			else
				fprintf(f, "comm=\"");
			prom_label(f, e->name);
			fprintf(f, "\"} %llu\n", *(const unsigned long long *)
				((const char *)e + m[j].off));
		}
	}
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
