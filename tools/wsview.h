/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wampstat's logic, apart from its I/O so that it can be unit-tested:
 * turning one or two parsed reports into the rows of a view (tasks,
 * processes, commands, devices), as totals or as deltas over an interval,
 * classifying them with the module's own rules and thresholds, sorting,
 * and printing them as text, JSON or Prometheus metrics.
 */
#ifndef WSVIEW_H
#define WSVIEW_H

#include <stdio.h>
#include <time.h>
#include "wamp.h"
#include "wampparse.h"

/* The JSON document's own version: bumped when its schema changes. */
#define WS_JSON_VERSION	1

enum ws_view { WS_TASKS, WS_PROCS, WS_COMMS, WS_DEVS };
enum ws_key { WS_KEY_DEFAULT, WS_KEY_WRITES, WS_KEY_BYTES, WS_KEY_SYNCS,
	      WS_KEY_BLK, WS_KEY_AMP };
enum ws_format { WS_TEXT, WS_JSON, WS_PROM };

/* A row of a view: a task, process or command, or a device (@d). */
struct ws_ent {
	long long pid;		/* tasks: pid; processes: tgid; else -1 */
	long long tgid;
	char name[80];		/* comm unescaped, or the disk's name */
	char dev[24];		/* devices: major:minor */

	WAMP_TASK_COUNTS_MEMBERS;

	struct {
		WAMP_DEV_COUNTS_MEMBERS;
	} d;			/* devices */
	unsigned int flags;	/* WAMP_F_*: classified on what is shown */
	int ntasks;		/* tasks folded into this row */
};

struct ws_opts {
	enum ws_view view;
	enum ws_key key;
	enum ws_format format;
	int top;		/* rows shown; 0: all */
	bool flagged;		/* only rows with SMALL, SYNC or AMP */
	const long long *pids;	/* filter on pid (tasks) or tgid */
	int npids;
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
};

/* The module's thresholds, from the report's first line. */
int ws_thresholds(const struct wampp_report *r, struct wamp_thresholds *th);

/*
 * Build a view of @cur, or of @cur - @prev over @seconds when @prev is not
 * NULL (a task whose counts went down is new: pid reused, or a reset).
 */
int ws_build(const struct wampp_report *cur, const struct wampp_report *prev,
	     double seconds, const struct ws_opts *o, struct ws_result *res);
void ws_result_free(struct ws_result *res);

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

#endif /* WSVIEW_H */
