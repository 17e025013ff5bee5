/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-cgroup accounting: each CPU's table of the cgroups (v2) whose tasks
 * made counted syscalls there, or whose bios it saw.  The rules are in
 * cgroup.c; table.h counts a syscall through the task's slot.
 */
#ifndef WAMP_CGROUP_H
#define WAMP_CGROUP_H

#include <linux/types.h>
#include <asm/local64.h>
#include "wamp.h"

struct cgroup;
struct wamp_snapshot;
struct wamp_view;

/* What a cgroup (or the (other) row) counted: the first task counters. */
struct wamp_cg_counts {
	u64 cc[WAMP_CG_NR];
};

/*
 * One cgroup in one CPU's table: 56 bytes.  @cgrp holds a reference on
 * the cgroup, taken by the probe that claimed the entry and dropped at
 * reset or unload, or by the drain work once a new cgroup took the entry
 * of a removed one over, so the pointer names one cgroup for as long as
 * the entry has it.  It is published last, with a release store.
 */
struct wamp_cg {
	struct cgroup *cgrp;
	u64 id;
	struct wamp_cg_counts c;
};

#define WAMP_CG_WINDOW	8	/* entries a cgroup may use, from its hash on */
#define WAMP_CG_DEAD	64	/* references to drop, per CPU, at most */

/*
 * One CPU's cgroup table, written by that CPU only, as its task slots are
 * (table.c).  @put is where a reset collects the references it drops once
 * it is off the CPU.  @dead is a ring of the references of removed
 * cgroups whose entries were taken over, which the probe fills (@head)
 * and the drain work empties (@tail) under the reset lock.  @nested
 * counts events of a probe nested in a probe, in (other).
 */
struct wamp_cg_table {
	struct wamp_cg *ents;
	u16 *order;			/* claimed entries, in claim order */
	struct cgroup **put;
	unsigned int used;
	unsigned int nput;
	u32 bits;			/* log2(entries) */
	u32 mask;
	struct wamp_cg_counts other;
	u64 overflow;			/* events in (other) for want of room */
	u64 reclaimed;			/* removed cgroups' entries taken over */
	unsigned int head;
	unsigned int tail;
	struct cgroup *dead[WAMP_CG_DEAD];
	local64_t nested[WAMP_CG_NR];
};

extern unsigned int wamp_cg_bits;

struct wamp_cpu;

struct wamp_cg *wamp_cg_lookup(struct wamp_cpu *c, struct cgroup *cgrp);
bool wamp_cg_table_drain(struct wamp_cg_table *t);
int wamp_cg_table_init(struct wamp_cg_table *t, int node);
void wamp_cg_table_clear(struct wamp_cg_table *t);
void wamp_cg_table_put(struct wamp_cg_table *t);
void wamp_cg_table_exit(struct wamp_cg_table *t);
size_t wamp_cg_table_bytes(void);
int wamp_cg_snapshot(struct wamp_snapshot *snap, const struct wamp_view *v);
void wamp_cg_snapshot_free(struct wamp_snapshot *snap);

#endif /* WAMP_CGROUP_H */
