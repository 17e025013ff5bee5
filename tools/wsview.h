/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wampstat's logic, apart from its I/O so that it can be unit-tested:
 * turning one or two parsed reports into the rows of a view (tasks,
 * processes, commands, devices, cgroups), as totals or as deltas over an
 * interval, filtered by cgroup or container, classifying them with the
 * module's own rules and thresholds, sorting, and printing them as text,
 * JSON or Prometheus metrics.
 */
#ifndef WSVIEW_H
#define WSVIEW_H

#include <stdio.h>
#include <time.h>
#include "wamp.h"
#include "wampparse.h"
#include "wscontainer.h"

/* The JSON document's own version: bumped when its schema changes. */
#define WS_JSON_VERSION	1

enum ws_view { WS_TASKS, WS_PROCS, WS_COMMS, WS_DEVS, WS_CGROUPS };
enum ws_key { WS_KEY_DEFAULT, WS_KEY_WRITES, WS_KEY_BYTES, WS_KEY_SYNCS,
	      WS_KEY_BLK, WS_KEY_AMP };
enum ws_format { WS_TEXT, WS_JSON, WS_PROM };
/*
 * What is shown of the rows: the table; their write-size histograms
 * (--sizes); their kernel stacks (--stacks, wsstacks.h); the findings in
 * sentences (--explain, wsexplain.h).
 */
enum ws_mode { WS_MODE_TABLE, WS_MODE_SIZES, WS_MODE_STACKS,
	       WS_MODE_EXPLAIN };

/* A cgroup row of the report, with what its path says (1.4). */
struct ws_cgi {
	const struct wampp_cg *cg;	/* in the current report */
	struct ws_container ct;
};

/* A row of a view: a task, process or command, a device (@d), a cgroup. */
struct ws_ent {
	long long pid;		/* tasks: pid; processes: tgid; else -1 */
	long long tgid;
	char name[80];		/* comm unescaped, or the disk's name */
	char dev[24];		/* devices: major:minor */
	/*
	 * Tasks: their cgroup's id (WAMPP_NONE: unknown, or the folded
	 * tasks' differ) and its row (NULL: none); cgroups: their own.
	 */
	long long cgroup;
	const struct ws_cgi *cgi;

	WAMP_TASK_COUNTS_MEMBERS;

	struct {
		WAMP_DEV_COUNTS_MEMBERS;
	} d;			/* devices */
	/*
	 * The writes of the row since load or reset (its tasks' or cgroups'
	 * rows in the current report): over an interval, a row can be
	 * flagged only if these reach min_writes (ws_classify()).
	 */
	unsigned long long cum_writes;
	unsigned int flags;	/* WAMP_F_*: classified on what is shown */
	int ntasks;		/* tasks folded into this row */
	unsigned long long hist[WAMP_HIST_NR];	/* write sizes (1.5) */
};

/* Errors of ws_build(). */
#define WS_ERR_THRESHOLDS	(-1)	/* no thresholds in the first line */
#define WS_ERR_NO_CGROUPS	(-2)	/* a cgroup view or filter, no section */
#define WS_ERR_NOMEM		(-3)

struct ws_opts {
	enum ws_view view;
	enum ws_key key;
	enum ws_format format;
	int top;		/* rows shown; 0: all */
	bool flagged;		/* only rows with SMALL, SYNC or AMP */
	bool human;		/* text: bytes in K, M, G, T (1024-based) */
	const long long *pids;	/* filter on pid (tasks) or tgid */
	int npids;
	bool subtree;		/* cgroups: the counts of their subtrees */
	const char *cgroup;	/* only in this cgroup (unescaped) or below */
	const char *container;	/* only this container or pod (ws_container_arg) */
	const char *comm;	/* only tasks of this command name (unescaped) */
	enum ws_mode mode;
	bool no_offsets;	/* --stacks: frames without +off/size */
};

struct ws_result {
	struct ws_ent *ents;
	size_t n;
	struct wamp_thresholds th;
	bool has_blk;
	double seconds;		/* 0: totals since load or reset */
	/* totals of the report (or of the interval) */
	unsigned long long writes, write_bytes, syncs, blk_bytes;
	unsigned long long dev_write_bytes;
	/* the "# exited" line (1.2): rows of exited tasks folded, and theirs */
	unsigned long long exited_rows, exited_writes, exited_write_bytes;
	int major, minor;
	/* the "# cgroup" section (1.4): its rows, and their own counts */
	bool has_cgroups;
	char cg_io[8];
	char cg_slots[32];
	unsigned long long cg_overflow;
	struct ws_cgi *cgi;	/* each row of the report's section */
	size_t ncgi;
	struct ws_ent *cgs;	/* the rows the filters keep, in report order */
	size_t ncgs;
	struct ws_ent cg_other;	/* the section's (other) row */
	/* the io_ columns (1.5): the totals' split of blk_bytes by path */
	bool has_io;
	unsigned long long io[WAMP_IO_NR];
	/* the sizes section (1.5): (other)'s and (exited)'s histograms */
	bool has_sizes;
	unsigned long long other_hist[WAMP_HIST_NR];
	unsigned long long exited_hist[WAMP_HIST_NR];
	bool filtered;		/* -p, --comm, --cgroup or --container */
};

/* The module's thresholds, from the report's first line. */
int ws_thresholds(const struct wampp_report *r, struct wamp_thresholds *th);

/*
 * Build a view of @cur, or of @cur - @prev over @seconds when @prev is not
 * NULL (a task whose counts went down is new: pid reused, or a reset; a
 * cgroup is matched by id).  0, or a WS_ERR_*.  The result points into
 * @cur: free it before @cur.
 */
int ws_build(const struct wampp_report *cur, const struct wampp_report *prev,
	     double seconds, const struct ws_opts *o, struct ws_result *res);
void ws_result_free(struct ws_result *res);

/*
 * The flags of a row (WAMP_F_SMALL, _SYNC, _AMP) by the module's rules:
 * eligible when @cum_writes, its writes since load or reset, reach
 * min_writes; then SMALL, SYNC and AMP are judged on the counts shown
 * (the interval's, or the totals), from one write up.  On totals
 * (@cum_writes == @writes) this is wamp_classify() itself.
 */
unsigned int ws_classify(unsigned long long cum_writes,
			 unsigned long long writes, unsigned long long bytes,
			 unsigned long long syncs, unsigned long long blk_bytes,
			 const struct wamp_thresholds *th);

/*
 * @v bytes (or bytes per second) as -h shows them, 1024-based: "512",
 * "4.0K", "15.2M", "215M", "1.0G"; one decimal below 100 of a unit.
 */
void ws_human(double v, char *buf, size_t len);

/* The options need a cgroup section: -c, or a filter of a task view. */
bool ws_needs_cgroups(const struct ws_opts *o);

void ws_print_text(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o);
/* --sizes: a histogram per row, drawn as bpftrace's hist() draws them. */
void ws_print_sizes(FILE *f, const struct ws_result *res,
		    const struct ws_opts *o);
void ws_print_sizes_json(FILE *f, const struct ws_result *res,
			 const struct ws_opts *o, long long timestamp);

/* The I/O classes' names: "fsync", "sync" ... (WAMP_IO_CLASSES). */
const char *ws_io_name(unsigned int k);
/*
 * The class with the most of @e's block bytes (WAMP_IO_*), and its share
 * in whole percent (rounded to nearest) in @pct; -1 without block bytes.
 */
int ws_io_dominant(const struct ws_ent *e, unsigned int *pct);
/*
 * "journal 75%, fsync 25%": a split of block bytes by path, the classes
 * with bytes, most first (with their bytes if @bytes); "-" for none.
 */
const char *ws_io_split(const unsigned long long *io, bool bytes, bool human,
			char *buf, size_t len);
/* @part of @whole in percent, rounded to the nearest; 0 if @whole is 0. */
unsigned int ws_pct(unsigned long long part, unsigned long long whole);
unsigned long long ws_sum(const unsigned long long *v, unsigned int n);

/*
 * The lines of a histogram as bpftrace's hist() prints them: from the
 * first bucket with a count to the last, "[4, 8)" labels, the count, and
 * a bar of up to 52 '@' scaled to the largest bucket; each line starts
 * with @indent.  Nothing for an empty histogram.
 */
void ws_print_hist(FILE *f, const unsigned long long *hist,
		   const char *indent);
/* The label of bucket @k: "[0]", "[1]", "[2, 4)", "[512K, 1M)", "[1M, ...)". */
void ws_hist_label(unsigned int k, char *buf, size_t len);

/* Shared with the other views: JSON strings, names, the summary line. */
void ws_json_str(FILE *f, const char *s);
void ws_json_hist(FILE *f, const unsigned long long *hist);
/* A task view's row as its JSON object has it, without the closing '}'. */
void ws_json_ent_open(FILE *f, const struct ws_ent *e, enum ws_view view);
void ws_json_head(FILE *f, const struct ws_result *res, const char *view,
		  long long timestamp);
void ws_print_summary(FILE *f, const struct ws_result *res, bool human,
		      bool rates);
void ws_flags_str(unsigned int flags, char *buf, size_t len);
void ws_amp_str(const struct ws_ent *e, char *buf, size_t len);
const char *ws_view_name(enum ws_view v);
void ws_print_json(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o, long long timestamp);
void ws_print_prom(FILE *f, const struct ws_result *res,
		   const struct ws_opts *o);

/*
 * The interval argument ("1", "0.5", "5000") in nanoseconds, exactly for
 * up to nine decimals; -1 unless it is a number in (0, 86400].
 */
long long ws_interval_ns(const char *s);

/*
 * The @k-th deadline of a schedule that started at @start (CLOCK_MONOTONIC)
 * with @interval_ns between reports: start + k * interval, so that reports
 * do not drift by the time each one takes.
 */
struct timespec ws_deadline(const struct timespec *start,
			    long long interval_ns, long long k);

/*
 * The number of the next deadline to sleep to after deadline @k, at @now:
 * k + 1, or the first one still ahead of @now if the report came late.
 */
long long ws_next_interval(const struct timespec *start,
			   const struct timespec *now, long long interval_ns,
			   long long k);

/* "\\040" escapes of /proc/wamp back to bytes; writes at most @len. */
void ws_unescape(const char *in, char *out, size_t len);

/* @path is @parent or below it ("/.." paths are not below "/"). */
bool ws_path_below(const char *path, const char *parent);

#endif /* WSVIEW_H */
