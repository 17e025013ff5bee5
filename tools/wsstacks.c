// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "wsstacks.h"

/* The record's group matches @g (same view): by pid, tgid or comm. */
static bool same_group(const struct ws_stack_group *g, enum ws_view view,
		       const struct wampp_stack *st, const char *name)
{
	if (view == WS_COMMS)
		return !strcmp(g->name, name);
	if (view == WS_PROCS)
		return g->pid == st->tgid;
	return g->pid == st->pid && g->tgid == st->tgid &&
	       !strcmp(g->name, name);
}

/* What -p, --comm and the report's task rows (@keep) keep. */
static bool wanted(const struct wampp_stack *st, const char *name,
		   const struct ws_result *keep, const struct ws_opts *o)
{
	size_t i;
	int k;

	if (o->npids) {
		for (k = 0; k < o->npids; k++)
			if (o->pids[k] == st->pid || o->pids[k] == st->tgid)
				break;
		if (k == o->npids)
			return false;
	}
	if (o->comm && strcmp(o->comm, name))
		return false;
	if (!keep)
		return true;
	for (i = 0; i < keep->n; i++)
		if (keep->ents[i].pid == st->pid &&
		    keep->ents[i].tgid == st->tgid)
			return true;
	return false;
}

/* A pid of the group's records before the @i-th: not a new task. */
static bool pid_seen(const struct ws_stack_group *g, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (g->st[j]->pid == g->st[i]->pid)
			return true;
	return false;
}

static int add_record(struct ws_stack_view *v, size_t *cap,
		      const struct wampp_stack *st, const char *name)
{
	const struct wampp_stack **ns;
	struct ws_stack_group *g = NULL, *ng;
	size_t i;

	for (i = 0; i < v->n && !g; i++)
		if (same_group(&v->g[i], v->view, st, name))
			g = &v->g[i];
	if (!g) {
		if (v->n == *cap) {
			ng = realloc(v->g, (*cap ? *cap * 2 : 16) * sizeof(*ng));
			if (!ng)
				return -1;
			v->g = ng;
			*cap = *cap ? *cap * 2 : 16;
		}
		g = &v->g[v->n++];
		memset(g, 0, sizeof(*g));
		g->pid = v->view == WS_PROCS ? st->tgid :
			 v->view == WS_COMMS ? -1 : st->pid;
		g->tgid = v->view == WS_TASKS ? st->tgid : -1;
		snprintf(g->name, sizeof(g->name), "%s", name);
	}
	/* A process is named after its main thread. */
	if (v->view == WS_PROCS && st->pid == st->tgid)
		snprintf(g->name, sizeof(g->name), "%s", name);
	ns = realloc(g->st, (g->n + 1) * sizeof(*ns));
	if (!ns)
		return -1;
	g->st = ns;
	g->st[g->n++] = st;
	g->bios += st->bios;
	g->bytes += st->bytes;
	if (!pid_seen(g, g->n - 1))
		g->ntasks++;
	return 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct wampp_stack *x = *(const struct wampp_stack *const *)a;
	const struct wampp_stack *y = *(const struct wampp_stack *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x < y ? -1 : x > y;	/* the file's order */
}

static int group_cmp(const void *a, const void *b)
{
	const struct ws_stack_group *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->name, y->name);
}

int ws_stacks_build(const struct wampp_stacks *s, const struct ws_result *keep,
		    const struct ws_opts *o, struct ws_stack_view *v)
{
	char name[80];
	size_t i, cap = 0;

	memset(v, 0, sizeof(*v));
	v->s = s;
	v->view = o->view == WS_PROCS || o->view == WS_COMMS ? o->view :
		  WS_TASKS;
	for (i = 0; i < s->n; i++) {
		wampp_unescape(s->st[i].comm, name, sizeof(name));
		if (!wanted(&s->st[i], name, keep, o))
			continue;
		if (add_record(v, &cap, &s->st[i], name)) {
			ws_stacks_free(v);
			return -1;
		}
	}
	for (i = 0; i < v->n; i++)
		qsort(v->g[i].st, v->g[i].n, sizeof(*v->g[i].st), rec_cmp);
	if (v->n)
		qsort(v->g, v->n, sizeof(*v->g), group_cmp);
	return 0;
}

void ws_stacks_free(struct ws_stack_view *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->g[i].st);
	free(v->g);
	v->g = NULL;
	v->n = 0;
}

const struct ws_stack_group *ws_stacks_find(const struct ws_stack_view *v,
					    const struct ws_ent *e)
{
	const struct ws_stack_group *g;
	size_t i;

	for (i = 0; i < v->n; i++) {
		g = &v->g[i];
		if (v->view == WS_COMMS ? !strcmp(g->name, e->name) :
		    v->view == WS_PROCS ? g->pid == e->pid :
		    g->pid == e->pid && g->tgid == e->tgid &&
		    !strcmp(g->name, e->name))
			return g;
	}
	return NULL;
}

void ws_frame_short(const char *frame, char *buf, size_t len)
{
	const char *plus = strstr(frame, "+0x");
	size_t n;

	if (!plus) {
		snprintf(buf, len, "%s", frame);
		return;
	}
	n = (size_t)(plus - frame);
	snprintf(buf, len, "%.*s%s", (int)n, frame, plus + strcspn(plus, " "));
}

/* @part of @whole in hundredths of a percent, rounded to the nearest. */
static unsigned long long pct100(unsigned long long part,
				 unsigned long long whole)
{
	if (!whole)
		return 0;
	return (unsigned long long)(((__uint128_t)part * 10000 + whole / 2) /
				    whole);
}

/* bytes x sample, saturating. */
static unsigned long long estimate(const struct wampp_stacks *s,
				   unsigned long long bytes)
{
	__uint128_t e = (__uint128_t)bytes * s->sample;

	return e > ~0ULL ? ~0ULL : (unsigned long long)e;
}

static void group_title(FILE *f, const struct ws_stack_group *g,
			enum ws_view view)
{
	fputs(g->name, f);
	if (view == WS_TASKS)
		fprintf(f, " pid %lld tgid %lld", g->pid, g->tgid);
	else if (view == WS_PROCS)
		fprintf(f, " tgid %lld (%d task%s)", g->pid, g->ntasks,
			g->ntasks == 1 ? "" : "s");
	else
		fprintf(f, " (%d task%s)", g->ntasks, g->ntasks == 1 ? "" : "s");
}

/* One record, as perf report --stdio --no-children shows a call chain. */
static void print_record(FILE *f, const struct ws_stack_view *v,
			 const struct ws_stack_group *g,
			 const struct wampp_stack *st, bool no_offsets)
{
	unsigned long long p = pct100(st->bytes, g->bytes);
	char buf[256];
	size_t j;

	fprintf(f, "    %3llu.%02llu%%  %-9s bios %llu  bytes %llu  est. %llu\n",
		p / 100, p % 100, st->class_name, st->bios, st->bytes,
		estimate(v->s, st->bytes));
	if (!st->nframes) {
		fputs("            (no frames)\n\n", f);
		return;
	}
	fputs("            |\n", f);
	for (j = 0; j < st->nframes; j++) {
		if (no_offsets)
			ws_frame_short(st->frames[j], buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%s", st->frames[j]);
		fprintf(f, "            %s%s\n", j ? "   " : "---", buf);
	}
	fputc('\n', f);
}

void ws_print_stacks(FILE *f, const struct ws_stack_view *v,
		     const struct ws_opts *o)
{
	const struct wampp_stacks *s = v->s;
	const struct ws_stack_group *g;
	size_t i, j, top = o->top > 0 ? (size_t)o->top : (size_t)-1;

	fprintf(f, "wamp stacks %d.%d: 1 in %llu charged write bios sampled, ",
		s->major, s->minor, s->sample);
	fprintf(f, "depth %llu, entries %s, overflow %llu\n", s->depth,
		s->entries, s->overflow);
	if (!s->sample) {
		fputs("the module takes no stacks (sample=0: its stack_sample parameter is 0)\n",
		      f);
		return;
	}
	fprintf(f, "bios and bytes are the sampled bios'; est. = bytes x %llu%s\n",
		s->sample, s->overflow ?
		"; overflow: sampled bios not recorded for lack of an entry" :
		"");
	fputc('\n', f);
	if (!v->n) {
		fputs("no stacks\n", f);
		return;
	}
	/* Each record ends in a blank line, as perf's call chains do. */
	for (i = 0; i < v->n && i < top; i++) {
		g = &v->g[i];
		group_title(f, g, v->view);
		fprintf(f, ": %zu stack%s, %llu bios, %llu bytes sampled, est. %llu bytes\n",
			g->n, g->n == 1 ? "" : "s", g->bios, g->bytes,
			estimate(s, g->bytes));
		for (j = 0; j < g->n && j < top; j++)
			print_record(f, v, g, g->st[j], o->no_offsets);
		if (j < g->n)
			fprintf(f, "    (%zu more stacks: -n 0 shows them)\n\n",
				g->n - j);
	}
}

static void json_record(FILE *f, const struct ws_stack_view *v,
			const struct ws_stack_group *g,
			const struct wampp_stack *st, bool no_offsets)
{
	unsigned long long p = pct100(st->bytes, g->bytes);
	char buf[256];
	size_t j;

	fputs("{\"class\":", f);
	ws_json_str(f, st->class_name);
	fprintf(f, ",\"pid\":%lld,\"bios\":%llu,\"bytes\":%llu", st->pid,
		st->bios, st->bytes);
	fprintf(f, ",\"est_bytes\":%llu,\"pct\":%llu.%02llu,\"frames\":[",
		estimate(v->s, st->bytes), p / 100, p % 100);
	for (j = 0; j < st->nframes; j++) {
		if (no_offsets)
			ws_frame_short(st->frames[j], buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%s", st->frames[j]);
		if (j)
			fputc(',', f);
		ws_json_str(f, buf);
	}
	fputs("]}", f);
}

void ws_print_stacks_json(FILE *f, const struct ws_stack_view *v,
			  const struct ws_opts *o, long long timestamp)
{
	const struct wampp_stacks *s = v->s;
	const struct ws_stack_group *g;
	size_t i, j, top = o->top > 0 ? (size_t)o->top : (size_t)-1;

	fprintf(f, "{\"version\":%d,\"stacks_format\":\"%d.%d\",\"time\":%lld",
		WS_JSON_VERSION, s->major, s->minor, timestamp);
	fprintf(f, ",\"view\":\"stacks\",\"group\":\"%s\"",
		ws_view_name(v->view));
	fprintf(f, ",\"sample\":%llu,\"depth\":%llu,\"entries\":", s->sample,
		s->depth);
	ws_json_str(f, s->entries);
	fprintf(f, ",\"overflow\":%llu,\"rows\":[", s->overflow);
	for (i = 0; i < v->n && i < top; i++) {
		g = &v->g[i];
		if (i)
			fputc(',', f);
		if (v->view == WS_TASKS)
			fprintf(f, "{\"pid\":%lld,\"tgid\":%lld,", g->pid,
				g->tgid);
		else if (v->view == WS_PROCS)
			fprintf(f, "{\"tgid\":%lld,", g->pid);
		else
			fputc('{', f);
		fprintf(f, "\"tasks\":%d,\"comm\":", g->ntasks);
		ws_json_str(f, g->name);
		fprintf(f, ",\"bios\":%llu,\"bytes\":%llu,\"est_bytes\":%llu,\"stacks\":[",
			g->bios, g->bytes, estimate(s, g->bytes));
		for (j = 0; j < g->n && j < top; j++) {
			if (j)
				fputc(',', f);
			json_record(f, v, g, g->st[j], o->no_offsets);
		}
		fputs("]}", f);
	}
	fputs("]}\n", f);
}

void ws_stacks_why(const char *path, int err, bool live,
		   const struct wampp_report *r, char *msg, size_t len)
{
	static const char debugfs[] =
		"needs root and debugfs: mount -t debugfs none /sys/kernel/debug";
	struct stat sb;

	if (!live)
		snprintf(msg, len, "cannot read %s: %s", path, strerror(err));
	else if (r && r->minor < 5)
		snprintf(msg, len, "this wamp has no stacks (format %d.%d < 1.5)",
			 r->major, r->minor);
	else if (err == EACCES || err == EPERM)
		snprintf(msg, len, "%s: %s: %s", path, strerror(err), debugfs);
	else if (err != ENOENT)
		snprintf(msg, len, "cannot read %s: %s", path, strerror(err));
	else if (!stat("/sys/kernel/debug/wamp", &sb))
		snprintf(msg, len, "this wamp has no stacks (format < 1.5)");
	else if (stat(WAMP_PROC_PATH, &sb))
		snprintf(msg, len,
			 "%s does not exist: the wamp module is not loaded (sudo modprobe wamp)",
			 path);
	else
		snprintf(msg, len, "%s does not exist: %s", path, debugfs);
}
