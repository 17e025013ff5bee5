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
