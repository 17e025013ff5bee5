// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * wampstat: read /proc/wamp and report which tasks turn small writes into
 * much bigger device I/O, once or over intervals (like iostat 1 5), per
 * task, process, command, device or cgroup (container), as a table, JSON
 * or Prometheus metrics, or full screen (--top); the write sizes
 * (--sizes), the kernel stacks (--stacks) and the findings explained
 * (--explain).  See wampstat(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "wampparse.h"
#include "wscontainer.h"
#include "wsexplain.h"
#include "wsstacks.h"
#include "wstop.h"
#include "wsview.h"

#ifndef WAMP_VERSION
#error "WAMP_VERSION comes from dkms.conf, through the Makefile"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: wampstat [options] [INTERVAL [COUNT]]\n"
		"\n"
		"Report write amplification per task from /proc/wamp (wamp.ko).\n"
		"With INTERVAL (seconds), report rates over each interval, COUNT times\n"
		"(default: until interrupted); a row is flagged when its writes since\n"
		"load reach min_writes and the interval's own counts break a rule.\n"
		"\n"
		"  -f, --file FILE     read FILE instead of /proc/wamp\n"
		"  -s, --sort KEY      writes, bytes, syncs, blk or amp (default: blk,\n"
		"                      or bytes when the report has no block columns)\n"
		"  -n, --rows N        show N rows (default 20, 0: all)\n"
		"  -h, --human         bytes in K, M, G, T (1024-based) in text views\n"
		"      --top           full screen, refreshed every INTERVAL (default 1):\n"
		"                      q quit, s sort, P processes, C commands,\n"
		"                      c cgroups, f flagged only, h human\n"
		"  -P, --processes     one row per process (threads summed by tgid)\n"
		"  -C, --commands      one row per command name\n"
		"  -d, --devices       one row per block device\n"
		"  -c, --cgroups       one row per cgroup (format 1.4), with its container\n"
		"      --subtree       with -c: each cgroup's counts with those below it\n"
		"  -p, --pid PID[,PID] only these tasks (pid or tgid)\n"
		"      --cgroup PATH   only tasks (cgroups) in cgroup PATH or below it\n"
		"      --container ID  only this container (id or prefix, 4+ hex digits)\n"
		"                      or Kubernetes pod (uid or prefix)\n"
		"      --comm NAME     only tasks whose command name is NAME\n"
		"      --flagged       only rows flagged SMALL, SYNC or AMP\n"
		"      --sizes         write-size histograms (format 1.5), per task, -P, -C\n"
		"      --stacks        the sampled kernel stacks of the tasks' block I/O\n"
		"                      (debugfs, root), per task, -P, -C\n"
		"      --stacks-file FILE  a saved copy of the stacks (--stacks, --explain)\n"
		"      --no-offsets    --stacks: frames without their +offset/size\n"
		"      --explain       each flagged process (-C: command) in sentences, with\n"
		"                      what to try\n"
		"      --json          one JSON object per report\n"
		"      --prometheus    Prometheus text exposition format\n"
		"      --help          this help\n"
		"  -V, --version       the version\n");
}

static int parse_pids(const char *s, long long **pids, int *n)
{
	char *copy = strdup(s), *t, *save = NULL, *end;
	long long *p = NULL, *np;
	int cnt = 0;

	if (!copy)
		return -1;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long long v = strtoll(t, &end, 10);

		if (*end || v <= 0 || end == t) {
			free(copy);
			free(p);
			return -1;
		}
		np = realloc(p, (cnt + 1) * sizeof(*p));
		if (!np) {
			free(copy);
			free(p);
			return -1;
		}
		p = np;
		p[cnt++] = v;
	}
	free(copy);
	if (!cnt)
		return -1;
	*pids = p;
	*n = cnt;
	return 0;
}

/* --cgroup PATH: absolute; its trailing '/'s go (but the root's). */
static char *parse_cgroup_arg(const char *s)
{
	size_t n = strlen(s);
	char *p;

	if (s[0] != '/')
		return NULL;
	while (n > 1 && s[n - 1] == '/')
		n--;
	p = strndup(s, n);
	return p;
}

static const char *mode_opt(enum ws_mode m)
{
	return m == WS_MODE_SIZES ? "--sizes" : m == WS_MODE_STACKS ?
	       "--stacks" : "--explain";
}

/* The combinations of options that make no sense; 0 if none. */
static int check_opts(const struct ws_opts *o)
{
	if (o->mode != WS_MODE_TABLE &&
	    (o->view == WS_DEVS || o->view == WS_CGROUPS)) {
		fprintf(stderr,
			"wampstat: %s takes no -d or -c: it is per task, process (-P) or command (-C)\n",
			mode_opt(o->mode));
		return -1;
	}
	if (o->comm && (o->view == WS_DEVS || o->view == WS_CGROUPS)) {
		fprintf(stderr,
			"wampstat: --comm takes tasks: not with -d or -c\n");
		return -1;
	}
	if (o->mode != WS_MODE_TABLE && o->format == WS_PROM) {
		fprintf(stderr, "wampstat: %s has no Prometheus output (--json has it all)\n",
			mode_opt(o->mode));
		return -1;
	}
	if (o->view == WS_DEVS && (o->cgroup || o->container)) {
		fprintf(stderr,
			"wampstat: -d takes no --cgroup or --container: devices are not per cgroup\n");
		return -1;
	}
	if (o->view == WS_CGROUPS && o->npids) {
		fprintf(stderr,
			"wampstat: -c takes no -p (use --cgroup or --container)\n");
		return -1;
	}
	if (o->subtree && o->view != WS_CGROUPS) {
		fprintf(stderr, "wampstat: --subtree needs -c\n");
		return -1;
	}
	return 0;
}

/*
 * -c, --cgroup and --container need the report's cgroup section (1.4),
 * --sizes its sizes section (1.5).
 */
static int check_cgroups(const struct wampp_report *r, const char *path,
			 const struct ws_opts *o)
{
	if (o->mode == WS_MODE_SIZES && !r->has_sizes) {
		fprintf(stderr,
			"wampstat: %s has no sizes section (format %d.%d, not 1.5 or later): no write sizes to show\n",
			path, r->major, r->minor);
		return -1;
	}
	if (!ws_needs_cgroups(o) || r->has_cgroups)
		return 0;
	fprintf(stderr,
		"wampstat: %s has no cgroup section (format %d.%d, not 1.4 or later)\n"
		"-c, --cgroup and --container need one\n", path, r->major,
		r->minor);
	return -1;
}

/* Where the stacks come from, and what --explain says without them. */
struct stacks_src {
	const char *file;	/* --stacks-file, or NULL */
	bool live;		/* the report is /proc/wamp */
};

/*
 * The stacks for --explain: the file's, or the live ones with a live
 * report; NULL with why in @note (said once, in the output) otherwise.
 */
static struct wampp_stacks *explain_stacks(const struct stacks_src *src,
					   const struct wampp_report *r,
					   char *note, size_t len)
{
	const char *path = src->file ? src->file : WAMP_STACKS_PATH;
	struct wampp_stacks *s;
	char err[256], *text;

	if (!src->file && !src->live) {
		snprintf(note, len,
			 "none for a saved report (--stacks-file gives saved stacks)");
		return NULL;
	}
	if (!src->file && r->minor < 5) {
		snprintf(note, len, "none: this wamp has no stacks (format %d.%d < 1.5)",
			 r->major, r->minor);
		return NULL;
	}
	text = wampp_read_file(path);
	if (!text) {
		if (src->file)
			snprintf(note, len, "cannot read %s: %s", path,
				 strerror(errno));
		else
			snprintf(note, len,
				 "not readable (root and debugfs needed)");
		return NULL;
	}
	s = malloc(sizeof(*s));
	if (s && wampp_stacks_parse(text, s, err, sizeof(err))) {
		snprintf(note, len, "%s: %s", path, err);
		free(s);
		s = NULL;
	} else if (!s) {
		snprintf(note, len, "out of memory");
	}
	free(text);
	return s;
}

/* --explain: the view not cut by -n, with the stacks of the same view. */
static int emit_explain(const struct wampp_report *cur,
			const struct wampp_report *prev, double secs,
			const struct ws_opts *o, const struct stacks_src *src,
			struct ws_result *res)
{
	struct ws_opts b = *o;
	struct ws_stack_view sv;
	struct ws_explain_ctx x = { .proc_root = src->live ? "/proc" : NULL };
	struct wampp_stacks *s;
	char note[512];
	int ret;

	b.top = 0;
	b.flagged = false;
	ret = ws_build(cur, prev, secs, &b, res);
	if (ret)
		return ret;
	s = explain_stacks(src, cur, note, sizeof(note));
	if (s && !ws_stacks_build(s, NULL, &b, &sv))
		x.stacks = &sv;
	else
		x.stacks_note = s ? "out of memory" : note;
	if (o->format == WS_JSON)
		ws_print_explain_json(stdout, res, o, &x, (long long)time(NULL));
	else
		ws_print_explain(stdout, res, o, &x);
	if (x.stacks)
		ws_stacks_free(&sv);
	if (s) {
		wampp_stacks_free(s);
		free(s);
	}
	return 0;
}

/* Read and parse the report; on failure why, the way a user needs it. */
static int load_msg(const char *path, bool is_proc, struct wampp_report *r,
		    char *msg, size_t len)
{
	char err[256];
	char *text = wampp_read_file(path);
	int ret;

	if (!text) {
		if (is_proc && errno == ENOENT)
			snprintf(msg, len,
				 "wampstat: %s does not exist: the wamp module is not loaded.\n"
				 "Load it with: sudo modprobe wamp\n", path);
		else
			snprintf(msg, len, "wampstat: cannot read %s: %s\n", path,
				 strerror(errno));
		return -1;
	}
	ret = wampp_parse(text, r, err, sizeof(err));
	free(text);
	if (ret)
		snprintf(msg, len, "wampstat: %s: %s\n", path, err);
	return ret;
}

static int load(const char *path, bool is_proc, struct wampp_report *r)
{
	char msg[512];

	if (load_msg(path, is_proc, r, msg, sizeof(msg))) {
		fputs(msg, stderr);
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct timespec *now_ts(void)
{
	static struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return &ts;
}

static int emit(const struct wampp_report *cur, const struct wampp_report *prev,
		double secs, const struct ws_opts *o,
		const struct stacks_src *src)
{
	struct ws_result res;
	int ret = o->mode == WS_MODE_EXPLAIN ?
		  emit_explain(cur, prev, secs, o, src, &res) :
		  ws_build(cur, prev, secs, o, &res);

	if (ret) {
		fprintf(stderr, "wampstat: %s\n",
			ret == WS_ERR_THRESHOLDS ?
			"the report has no thresholds in its first line" :
			ret == WS_ERR_NO_CGROUPS ?
			"the report has no cgroup section (format 1.4)" :
			"out of memory");
		return -1;
	}
	if (o->mode == WS_MODE_EXPLAIN)
		;	/* printed */
	else if (o->mode == WS_MODE_SIZES && o->format == WS_JSON)
		ws_print_sizes_json(stdout, &res, o, (long long)time(NULL));
	else if (o->mode == WS_MODE_SIZES)
		ws_print_sizes(stdout, &res, o);
	else if (o->format == WS_JSON)
		ws_print_json(stdout, &res, o, (long long)time(NULL));
	else if (o->format == WS_PROM)
		ws_print_prom(stdout, &res, o);
	else
		ws_print_text(stdout, &res, o);
	fflush(stdout);
	ws_result_free(&res);
	return 0;
}

/*
 * --stacks: the stacks file (debugfs, or --stacks-file), and for
 * --cgroup and --container the report whose task rows say which tasks
 * are theirs.  wampstat's exit status.
 */
static int run_stacks(const char *path, bool path_given,
		      const struct stacks_src *src, const struct ws_opts *o)
{
	const char *spath = src->file ? src->file : WAMP_STACKS_PATH;
	struct ws_opts b = *o;
	struct wampp_report r;
	struct wampp_stacks s;
	struct ws_stack_view v;
	struct ws_result keep;
	bool have_r = false, have_keep = false;
	char err[512], *text;
	int ret = 1, e;

	if (ws_needs_cgroups(o) || path_given) {
		if (load(path, !strcmp(path, WAMP_PROC_PATH), &r))
			return 1;
		have_r = true;
		if (check_cgroups(&r, path, o))
			goto out;
		b.view = WS_TASKS;
		b.mode = WS_MODE_TABLE;
		b.top = 0;
		b.flagged = false;
		if (ws_build(&r, NULL, 0, &b, &keep)) {
			fprintf(stderr, "wampstat: %s: cannot build its task rows\n",
				path);
			goto out;
		}
		have_keep = true;
	}
	text = wampp_read_file(spath);
	if (!text) {
		e = errno;
		/* The live report, if there is one, says if it has stacks. */
		if (!src->file && !have_r &&
		    !load_msg(WAMP_PROC_PATH, true, &r, err, sizeof(err)))
			have_r = true;
		ws_stacks_why(spath, e, !src->file, have_r ? &r : NULL, err,
			      sizeof(err));
		fprintf(stderr, "wampstat: --stacks: %s\n", err);
		goto out;
	}
	e = wampp_stacks_parse(text, &s, err, sizeof(err));
	free(text);
	if (e) {
		fprintf(stderr, "wampstat: %s: %s\n", spath, err);
		goto out;
	}
	if (ws_stacks_build(&s, have_keep ? &keep : NULL, o, &v)) {
		fprintf(stderr, "wampstat: out of memory\n");
	} else {
		if (o->format == WS_JSON)
			ws_print_stacks_json(stdout, &v, o, (long long)time(NULL));
		else
			ws_print_stacks(stdout, &v, o);
		ws_stacks_free(&v);
		ret = 0;
	}
	wampp_stacks_free(&s);
out:
	if (have_keep)
		ws_result_free(&keep);
	if (have_r)
		wampp_free(&r);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "sort", required_argument, NULL, 's' },
		{ "rows", required_argument, NULL, 'n' },
		{ "human", no_argument, NULL, 'h' },
		{ "top", optional_argument, NULL, 'T' },
		{ "processes", no_argument, NULL, 'P' },
		{ "commands", no_argument, NULL, 'C' },
		{ "devices", no_argument, NULL, 'd' },
		{ "cgroups", no_argument, NULL, 'c' },
		{ "subtree", no_argument, NULL, 'S' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'G' },
		{ "container", required_argument, NULL, 'K' },
		{ "flagged", no_argument, NULL, 'F' },
		{ "comm", required_argument, NULL, 'm' },
		{ "sizes", no_argument, NULL, 'Z' },
		{ "stacks", no_argument, NULL, 'k' },
		{ "stacks-file", required_argument, NULL, 'L' },
		{ "no-offsets", no_argument, NULL, 'O' },
		{ "explain", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'J' },
		{ "prometheus", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const keys[] = { "", "writes", "bytes", "syncs",
					    "blk", "amp" };
	struct ws_opts o = { .top = 20 };
	struct wampp_report cur, prev;
	const char *path = WAMP_PROC_PATH;
	long long *pids = NULL, count = -1, interval = 0, n = 0;
	char want[WS_CT_ID_LEN + 1], *cgroup = NULL;
	struct stacks_src src = { NULL, false };
	struct timespec start, deadline;
	double t0, t1;
	char *end;
	bool top = false, path_given = false;
	int c, k, modes = 0, ret = 0;

	while ((c = getopt_long(argc, argv, "f:s:n:PCdcp:hV", lo, NULL)) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			path_given = true;
			break;
		case 's':
			for (k = 1; k < (int)ARRAY_SIZE(keys) &&
			     strcmp(optarg, keys[k]); k++)
				;
			if (k == (int)ARRAY_SIZE(keys)) {
				fprintf(stderr, "wampstat: unknown sort key '%s'\n", optarg);
				return 2;
			}
			o.key = (enum ws_key)k;
			break;
		case 'n':
			o.top = (int)strtol(optarg, &end, 10);
			if (*end || o.top < 0) {
				fprintf(stderr, "wampstat: bad -n '%s'\n", optarg);
				return 2;
			}
			break;
		case 'P':
			o.view = WS_PROCS;
			break;
		case 'C':
			o.view = WS_COMMS;
			break;
		case 'd':
			o.view = WS_DEVS;
			break;
		case 'c':
			o.view = WS_CGROUPS;
			break;
		case 'S':
			o.subtree = true;
			break;
		case 'G':
			free(cgroup);
			cgroup = parse_cgroup_arg(optarg);
			if (!cgroup) {
				fprintf(stderr,
					"wampstat: bad --cgroup '%s': not a path like /system.slice\n",
					optarg);
				return 2;
			}
			o.cgroup = cgroup;
			break;
		case 'K':
			if (ws_container_arg(optarg, want, sizeof(want))) {
				fprintf(stderr,
					"wampstat: bad --container '%s': not 4 to 64 hex digits\n",
					optarg);
				return 2;
			}
			o.container = want;
			break;
		case 'p':
			if (parse_pids(optarg, &pids, &o.npids)) {
				fprintf(stderr, "wampstat: bad pid list '%s'\n", optarg);
				return 2;
			}
			o.pids = pids;
			break;
		case 'F':
			o.flagged = true;
			break;
		case 'm':
			o.comm = optarg;
			break;
		case 'Z':
		case 'k':
		case 'E':
			o.mode = c == 'Z' ? WS_MODE_SIZES : c == 'k' ?
				 WS_MODE_STACKS : WS_MODE_EXPLAIN;
			modes++;
			break;
		case 'L':
			src.file = optarg;
			break;
		case 'O':
			o.no_offsets = true;
			break;
		case 'J':
			o.format = WS_JSON;
			break;
		case 'M':
			o.format = WS_PROM;
			break;
		case 'h':
			o.human = true;
			break;
		case 'T':
			top = true;
			/* --top=2: the interval; --top 2 is the INTERVAL argument. */
			if (optarg) {
				interval = ws_interval_ns(optarg);
				if (interval < 0) {
					fprintf(stderr, "wampstat: bad interval '%s'\n",
						optarg);
					return 2;
				}
			}
			break;
		case 'H':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("wampstat %s (reads /proc/wamp format %d.x)\n",
			       WAMP_VERSION, WAMP_FORMAT_MAJOR);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		interval = ws_interval_ns(argv[optind]);
		if (interval < 0) {
			fprintf(stderr, "wampstat: bad interval '%s'\n", argv[optind]);
			return 2;
		}
		if (++optind < argc) {
			count = strtoll(argv[optind], &end, 10);
			if (*end || count <= 0) {
				fprintf(stderr, "wampstat: bad count '%s'\n", argv[optind]);
				return 2;
			}
			optind++;
		}
	}
	if (optind < argc) {
		print_usage(stderr);
		return 2;
	}
	if (modes > 1) {
		fprintf(stderr,
			"wampstat: --sizes, --stacks and --explain are views of their own: one at a time\n");
		return 2;
	}
	if (src.file && o.mode != WS_MODE_STACKS && o.mode != WS_MODE_EXPLAIN) {
		fprintf(stderr, "wampstat: --stacks-file goes with --stacks or --explain\n");
		return 2;
	}
	if (o.no_offsets && o.mode != WS_MODE_STACKS) {
		fprintf(stderr, "wampstat: --no-offsets goes with --stacks\n");
		return 2;
	}
	if (top && o.mode != WS_MODE_TABLE) {
		fprintf(stderr, "wampstat: --top shows the table only, not %s\n",
			mode_opt(o.mode));
		return 2;
	}
	if (o.mode == WS_MODE_STACKS && interval) {
		fprintf(stderr,
			"wampstat: --stacks takes no interval: the stacks are counts since load or reset\n");
		return 2;
	}
	/* --explain explains processes, or commands with -C. */
	if (o.mode == WS_MODE_EXPLAIN && o.view == WS_TASKS)
		o.view = WS_PROCS;
	if (check_opts(&o))
		return 2;
	if (o.mode == WS_MODE_STACKS) {
		ret = run_stacks(path, path_given, &src, &o);
		free(pids);
		free(cgroup);
		return ret;
	}
	src.live = !strcmp(path, WAMP_PROC_PATH);
	if (top)
		return ws_top_main(path, !strcmp(path, WAMP_PROC_PATH),
				   interval ? interval : 1000000000LL, count,
				   &o, load_msg);

	clock_gettime(CLOCK_MONOTONIC, &start);
	t0 = now();
	if (load(path, !strcmp(path, WAMP_PROC_PATH), &cur)) {
		free(pids);
		free(cgroup);
		return 1;
	}
	ret = check_cgroups(&cur, path, &o);
	if (ret || interval == 0) {
		ret = ret || emit(&cur, NULL, 0, &o, &src);
		wampp_free(&cur);
		free(pids);
		free(cgroup);
		return ret ? 1 : 0;
	}
	while (count < 0 || count-- > 0) {
		prev = cur;
		/*
		 * Absolute deadlines, start + k intervals: the reports keep
		 * their schedule whatever each takes; one that comes late
		 * skips the deadlines it missed.
		 */
		n = ws_next_interval(&start, now_ts(), interval, n);
		deadline = ws_deadline(&start, interval, n);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME,
				       &deadline, NULL) == EINTR)
			;
		t1 = now();
		if (load(path, !strcmp(path, WAMP_PROC_PATH), &cur)) {
			wampp_free(&prev);
			ret = 1;
			break;
		}
		if (emit(&cur, &prev, t1 - t0, &o, &src))
			ret = 1;
		wampp_free(&prev);
		t0 = t1;
		if (ret)
			break;
		if (o.format == WS_TEXT && count)
			putchar('\n');
	}
	if (!ret)
		wampp_free(&cur);
	free(pids);
	free(cgroup);
	return ret;
}
