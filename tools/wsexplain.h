/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wampstat --explain: each flagged process (or command) of a view in
 * plain sentences with its numbers: what each flag is based on, where its
 * block bytes came from (the io_ split, the top sampled kernel stack), its
 * write sizes, the application recognised from its comm (and, live, its
 * cmdline and mappings), and what to try, each item with the numbers that
 * call for it.  The rules that choose the advice are the WS_X_ constants
 * below; wampstat(8) lists them (EXPLAIN).
 */
#ifndef WSEXPLAIN_H
#define WSEXPLAIN_H

#include <stdio.h>
#include "wsstacks.h"
#include "wsview.h"

/*
 * The thresholds of the advice, beyond the module's flags:
 *   WS_X_ODSYNC_WRITES  O_DSYNC rather than fsync: SYNC, and a sync for
 *                       every 2 writes or fewer (syncs x 2 >= writes);
 *                       fewer: group commit instead
 *   WS_X_BATCH_BYTES    the write size that batching aims at (SMALL)
 *   WS_X_JOURNAL_PCT    journal advice: AMP, and jrnl_bytes at least this
 *                       percent of blk_bytes
 *   WS_X_DIRTY_TIMES    partial pages: AMP, and dirtied at least this many
 *                       times write_bytes
 *   WS_X_ALIGN_BYTES    O_DIRECT alignment: io_direct > 0 and avg_write
 *                       not a multiple of this
 *   WS_X_LARGE_BYTES    redis AOF rewrite: writes of at least this many
 *                       bytes (the sizes section) whose bytes (counted at
 *                       their buckets' lower bounds) are at least
 *   WS_X_LARGE_PCT      this percent of write_bytes
 *   WS_X_TOP_ROWS       rows shown with their numbers when nothing is
 *                       flagged
 */
#define WS_X_ODSYNC_WRITES	2
#define WS_X_BATCH_BYTES	4096
#define WS_X_JOURNAL_PCT	50
#define WS_X_DIRTY_TIMES	2
#define WS_X_ALIGN_BYTES	4096
#define WS_X_LARGE_BYTES	65536
#define WS_X_LARGE_PCT		25
#define WS_X_TOP_ROWS		3

/* The applications --explain knows. */
enum ws_app { WS_APP_NONE, WS_APP_REDIS, WS_APP_POSTGRES, WS_APP_MYSQL,
	      WS_APP_SQLITE, WS_APP_ETCD };

/*
 * The application of a row named @comm (unescaped), and for a live
 * process @pid (> 0) with @proc_root (e.g. "/proc"; NULL: comm only) its
 * cmdline's program and, for SQLite, a mapping of libsqlite3.  @from gets
 * what told ("comm", "cmdline", "maps"); NULL if not recognised.
 */
enum ws_app ws_app_recognise(const char *comm, long long pid,
			     const char *proc_root, const char **from);
const char *ws_app_name(enum ws_app app);

struct ws_explain_ctx {
	const char *proc_root;	/* "/proc" when the pids are live; or NULL */
	const struct ws_stack_view *stacks;	/* of the same view; or NULL */
	const char *stacks_note;	/* why there are none; or NULL */
};

/*
 * The findings of @res (a ws_build() of WS_PROCS or WS_COMMS, not cut by
 * -n or --flagged): every flagged row, at most @o->top (0: all); with
 * --container, the container first; "nothing flagged" with the top rows'
 * numbers otherwise.
 */
void ws_print_explain(FILE *f, const struct ws_result *res,
		      const struct ws_opts *o, const struct ws_explain_ctx *x);
void ws_print_explain_json(FILE *f, const struct ws_result *res,
			   const struct ws_opts *o,
			   const struct ws_explain_ctx *x, long long timestamp);

#endif /* WSEXPLAIN_H */
