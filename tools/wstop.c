// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * wampstat --top.  Each screen is wsview's text view of the last two
 * reads (rates over the interval; totals since load before the first
 * interval has passed), cut to the terminal: keys rebuild it from the
 * same reads at once, the next read comes at the next deadline.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "wstop.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TOP_MIN_COLS	80
#define TOP_MIN_LINES	8

/* Lock-free, so safe to set in a handler (C11 7.14.1.1). */
static atomic_int top_signal;

static void on_signal(int sig)
{
	top_signal = sig;
}

struct top {
	struct wampp_report cur, prev;
	bool has_prev;
	double secs;		/* between prev and cur */
	struct ws_opts *o;
	long long interval_ns;
	const char *msg;	/* the status line, or NULL */
	int xoff;		/* columns scrolled off on the left */
	bool color;
};

static const enum ws_key sort_keys[] = { WS_KEY_BLK, WS_KEY_BYTES,
					 WS_KEY_WRITES, WS_KEY_SYNCS,
					 WS_KEY_AMP };
static const char *const key_names[] = { "", "writes", "bytes", "syncs",
					 "blk", "amp" };
static const char *const view_names[] = { "tasks", "processes", "commands",
					  "devices", "cgroups" };

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The sort key in effect: the default is blk, or bytes without blocks. */
static enum ws_key cur_key(const struct top *t)
{
	if (t->o->key != WS_KEY_DEFAULT)
		return t->o->key;
	return t->cur.minor >= 1 || t->o->view == WS_DEVS ? WS_KEY_BLK :
	       WS_KEY_BYTES;
}

static void next_key(struct top *t)
{
	enum ws_key k = cur_key(t);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sort_keys) && sort_keys[i] != k; i++)
		;
	t->o->key = sort_keys[(i + 1) % ARRAY_SIZE(sort_keys)];
}

/* P, C and c: into that view, or back to tasks if it is the one shown. */
static void toggle_view(struct top *t, enum ws_view v)
{
	if (v == WS_CGROUPS && !t->cur.has_cgroups) {
		t->msg = "no cgroup view: the report has no cgroup section (format 1.4)";
		return;
	}
	t->o->view = t->o->view == v ? WS_TASKS : v;
}

static void draw_line(int y, const char *s, size_t n, attr_t a)
{
	attron(a);
	mvaddnstr(y, 0, s, (int)n < COLS ? (int)n : COLS);
	attroff(a);
}

static void draw_title(const struct top *t)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "wampstat --top: %s by %s, every %g s%s%s",
		     view_names[t->o->view], key_names[cur_key(t)],
		     t->interval_ns / 1e9, t->o->flagged ? ", flagged only" : "",
		     t->o->human ? ", human" : "");
	snprintf(buf + n, sizeof(buf) - n, "%*s", COLS - n > 0 ? COLS - n : 0,
		 "q s P C c f h");
	draw_line(0, buf, strlen(buf), A_REVERSE);
}

static void draw_small(void)
{
	char buf[128];

	snprintf(buf, sizeof(buf),
		 "wampstat: terminal too small (%dx%d), needs %dx%d; q quits",
		 COLS, LINES, TOP_MIN_COLS, TOP_MIN_LINES);
	draw_line(0, buf, strlen(buf), A_BOLD);
}

/* The rows under the header, cut to the screen; flagged ones stand out. */
static void draw_text(const struct top *t, char *text, size_t nrows)
{
	attr_t flagged = A_BOLD | (t->color ? COLOR_PAIR(1) : A_REVERSE);
	bool header_seen = false;
	char *line, *nl, *from;
	int y = 1, last = LINES - (t->msg ? 2 : 1);

	for (line = text; *line && y <= last; line = nl + 1, y++) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		from = nl - line > t->xoff ? line + t->xoff : nl;
		if (!header_seen && (!strncmp(line, "  ", 2) ||
				     !strncmp(line, "DEVICE ", 7))) {
			header_seen = true;
			draw_line(y, from, nl - from, A_REVERSE);
		} else {
			draw_line(y, from, nl - from,
				  *line == '*' ? flagged : A_NORMAL);
		}
		if (!*nl)
			break;
	}
	if (!nrows && y <= last)
		draw_line(y + 1, t->o->flagged ? "(no flagged rows)" :
			  "(no rows)", 17, A_NORMAL);
}

/* One screen: 0, or -1 with nothing drawn (out of memory). */
static int draw(struct top *t)
{
	struct ws_result res;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	erase();
	if (COLS < TOP_MIN_COLS || LINES < TOP_MIN_LINES) {
		draw_small();
		refresh();
		return 0;
	}
	ret = ws_build(&t->cur, t->has_prev ? &t->prev : NULL, t->secs, t->o,
		       &res);
	if (ret)
		return -1;
	f = open_memstream(&text, &len);
	if (!f) {
		ws_result_free(&res);
		return -1;
	}
	ws_print_text(f, &res, t->o);
	fclose(f);
	draw_title(t);
	draw_text(t, text, res.n);
	if (t->msg)
		draw_line(LINES - 1, t->msg, strlen(t->msg), A_BOLD);
	refresh();
	free(text);
	ws_result_free(&res);
	return 0;
}

static void handle_key(struct top *t, int ch)
{
	t->msg = NULL;
	switch (ch) {
	case 's':
		next_key(t);
		break;
	case 'P':
		toggle_view(t, WS_PROCS);
		break;
	case 'C':
		toggle_view(t, WS_COMMS);
		break;
	case 'c':
		toggle_view(t, WS_CGROUPS);
		break;
	case 'f':
		t->o->flagged = !t->o->flagged;
		break;
	case 'h':
		t->o->human = !t->o->human;
		break;
	case KEY_RIGHT:
		t->xoff += 20;
		break;
	case KEY_LEFT:
		t->xoff = t->xoff > 20 ? t->xoff - 20 : 0;
		break;
	default:
		break;
	}
}

static void start_screen(struct top *t)
{
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	t->color = has_colors();
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
	}
}

/* The milliseconds to @deadline, at least 0. */
static int ms_to(double deadline)
{
	double ms = (deadline - mono()) * 1000;

	return ms > 0 ? (int)ms + 1 : 0;
}

int ws_top_main(const char *path, bool is_proc, long long interval_ns,
		long long count, struct ws_opts *o, ws_load_fn load)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct top t = { .o = o, .interval_ns = interval_ns };
	char msg[512];
	double t0, deadline;
	int ch, ret = 0;

	if (o->format != WS_TEXT) {
		fprintf(stderr, "wampstat: --top takes no --json or --prometheus\n");
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr,
			"wampstat: --top needs a terminal (stdin and stdout); without one, use wampstat INTERVAL\n");
		return 2;
	}
	o->top = 0;		/* as many rows as the screen has */
	if (load(path, is_proc, &t.cur, msg, sizeof(msg))) {
		fputs(msg, stderr);
		return 1;
	}
	if (ws_needs_cgroups(o) && !t.cur.has_cgroups) {
		fprintf(stderr,
			"wampstat: %s has no cgroup section (format %d.%d, not 1.4 or later)\n",
			path, t.cur.major, t.cur.minor);
		wampp_free(&t.cur);
		return 1;
	}
	t0 = mono();
	deadline = t0 + interval_ns / 1e9;
	start_screen(&t);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (draw(&t))
		goto nomem;
	while (!top_signal) {
		timeout(ms_to(deadline));
		ch = getch();
		if (top_signal || ch == 'q' || ch == 'Q')
			break;
		if (ch != ERR) {
			if (ch != KEY_RESIZE)
				handle_key(&t, ch);
			if (draw(&t))
				goto nomem;
			continue;
		}
		if (mono() < deadline)
			continue;
		/* The next deadline still ahead: late reads skip, not drift. */
		while (deadline <= mono())
			deadline += interval_ns / 1e9;
		if (t.has_prev)
			wampp_free(&t.prev);
		t.prev = t.cur;
		t.has_prev = true;
		if (load(path, is_proc, &t.cur, msg, sizeof(msg))) {
			t.cur = t.prev;
			t.has_prev = false;
			ret = 1;
			break;
		}
		t.secs = mono() - t0;
		t0 += t.secs;
		if (draw(&t))
			goto nomem;
		if (count > 0 && !--count)
			break;
	}
	endwin();
	if (ret)
		fputs(msg, stderr);
	goto out;
nomem:
	endwin();
	fprintf(stderr, "wampstat: out of memory\n");
	ret = 1;
out:
	if (t.has_prev)
		wampp_free(&t.prev);
	wampp_free(&t.cur);
	return ret;
}
