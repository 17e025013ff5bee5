/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A parser of /proc/wamp for userspace: the selftests and wampstat.
 * Columns are found by name in the header line, so later format versions
 * that add columns, keys or sections parse as they are; an unknown major
 * version is refused.
 */
#ifndef WAMPPARSE_H
#define WAMPPARSE_H

#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>
#include "wamp.h"

#define WAMPP_MAX_KV	64
#define WAMPP_NONE	(-1LL)	/* a "-" field */

struct wampp_kv {
	char key[32];
	char val[32];
};

/* A task row; a counter a report lacks (an older format) is 0. */
struct wampp_row {
	long long pid;		/* WAMPP_NONE for (other) */
	long long tgid;
	char comm[4 * WAMP_COMM_LEN + 1];	/* as printed: escaped */

	WAMP_TASK_COUNTS_MEMBERS;

	long long avg_write;	/* WAMPP_NONE for "-" */
	long long amp_centi;	/* amp x 100; WAMPP_NONE for "-" */
	unsigned int flags;	/* WAMP_F_* */
	char flagstr[64];
	long long cgroup;	/* its cgroup's id; WAMPP_NONE: "-" or absent */
	/*
	 * Its write-size histogram (the "# sizes" section, 1.5): hist[k]
	 * counts the writes of wamp_hist_lower(k) bytes up to the next
	 * bucket's; all 0 when the section has no row for it (no writes).
	 */
	unsigned long long hist[WAMP_HIST_NR];
};

/*
 * A row of the "# cgroup" section (1.4): a cgroup's own events.  Only the
 * first WAMP_CG_NR counters (writes..blk_bytes) are set, by name.
 */
struct wampp_cg {
	long long id;		/* WAMPP_NONE for (other) */

	WAMP_TASK_COUNTS_MEMBERS;

	long long avg_write;	/* WAMPP_NONE for "-" */
	long long amp_centi;	/* amp x 100; WAMPP_NONE for "-" */
	unsigned int flags;	/* WAMP_F_* */
	char flagstr[64];
	char *path;		/* as printed: escaped (malloc'd) */
	char *upath;		/* unescaped (malloc'd) */
};

struct wampp_dev {
	unsigned int major;
	unsigned int minor;
	char name[4 * WAMP_DISK_LEN + 1];	/* as printed: escaped */

	WAMP_DEV_COUNTS_MEMBERS;
};

struct wampp_report {
	int major;
	int minor;
	size_t nkv;
	struct wampp_kv kv[WAMPP_MAX_KV];
	size_t nrows;
	struct wampp_row *rows;	/* task rows, as printed */
	bool has_other;
	struct wampp_row other;
	size_t ndevs;
	struct wampp_dev *devs;
	size_t nsys;
	struct wampp_kv sys[WAMPP_MAX_KV];	/* the "# system" line */
	size_t nexited;
	struct wampp_kv exited[WAMPP_MAX_KV];	/* "# exited" (1.2) */
	bool has_cgroups;	/* the "# cgroup" section was there (1.4) */
	char cg_io[8];		/* its io= key: v2, v1, none ("" if absent) */
	size_t ncgkv;
	struct wampp_kv cgkv[WAMPP_MAX_KV];	/* the "# cgroup" line */
	size_t ncgs;
	struct wampp_cg *cgs;	/* cgroup rows, as printed */
	bool has_cg_other;
	struct wampp_cg cg_other;
	bool has_io;		/* the task rows have the io_ columns (1.5) */
	bool has_sizes;		/* the "# sizes" section was there (1.5) */
	unsigned long long exited_hist[WAMP_HIST_NR];	/* its (exited) row */
};

/* A record of debugfs wamp/stacks: bios of one task, class and stack. */
struct wampp_stack {
	long long pid;		/* WAMPP_NONE for "-" */
	long long tgid;
	char comm[4 * WAMP_COMM_LEN + 1];	/* as printed: escaped */
	char class_name[16];	/* an io_ column's name without "io_" */
	unsigned long long bios;	/* of the sampled bios */
	unsigned long long bytes;
	size_t nframes;
	char **frames;		/* innermost first, as %pS printed them */
};

struct wampp_stacks {
	int major;
	int minor;
	unsigned long long sample;	/* 1 in N bios; 0: none taken */
	unsigned long long depth;
	char entries[32];		/* U/C, as printed */
	unsigned long long overflow;
	size_t n;
	struct wampp_stack *st;	/* as printed: by bytes, largest first */
};

/* 0, or -1 with a message in @err.  Free with wampp_free(). */
int wampp_parse(const char *text, struct wampp_report *r, char *err,
		size_t errlen);
void wampp_free(struct wampp_report *r);
/* Read a whole file (e.g. /proc/wamp); NULL with errno set on failure. */
char *wampp_read_file(const char *path);
/* A first-line key as a number; @found may be NULL. */
unsigned long long wampp_key(const struct wampp_report *r, const char *key,
			     bool *found);
/* A "# system" key as a number, hundredths for a "1.23" value. */
unsigned long long wampp_sys_key(const struct wampp_report *r,
				 const char *key, bool *found);
/* A key of the "# exited" line: folded rows of exited tasks (1.2). */
unsigned long long wampp_exited_key(const struct wampp_report *r,
				    const char *key, bool *found);
const struct wampp_dev *wampp_find_dev(const struct wampp_report *r,
				       const char *name);
/* The row of a task: the live one if the pid was reused. */
const struct wampp_row *wampp_find(const struct wampp_report *r, pid_t pid);
/* A cgroup's row by id, or by unescaped path; NULL if it has none. */
const struct wampp_cg *wampp_find_cg(const struct wampp_report *r,
				     unsigned long long id);
const struct wampp_cg *wampp_find_cg_path(const struct wampp_report *r,
					  const char *upath);
/* A key of the "# cgroup" line as a number (1.4). */
unsigned long long wampp_cg_key(const struct wampp_report *r, const char *key,
				bool *found);
/* "\\040" escapes of /proc/wamp back to bytes; writes at most @len. */
void wampp_unescape(const char *in, char *out, size_t len);
/*
 * The sizes section's column of bucket @k: its lower bound in decimal, as
 * the header line names it ("0", "1", "2", "4" ... "1048576").
 */
const char *wampp_hist_name(unsigned int k);

/*
 * debugfs wamp/stacks (its own format, 1.0): 0, or -1 with a message in
 * @err (an unknown major version is refused).  Free with
 * wampp_stacks_free().
 */
int wampp_stacks_parse(const char *text, struct wampp_stacks *s, char *err,
		       size_t errlen);
void wampp_stacks_free(struct wampp_stacks *s);

#endif /* WAMPPARSE_H */
