// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots: a reader's copy of every CPU's table, merged per task, with
 * the totals, kept as the reader may see it.
 *
 * A reader copies the claimed slots of each CPU without blocking any
 * probe, and copies a CPU again when its @gen moved meanwhile (a slot
 * changed hands or was renamed, or a reset ran).  Events counted while it
 * copies land in the copy or not, each entirely in one row, so the totals
 * it shows, which are the sum of the rows, (other), exited and nested
 * counts it copied, always equal the sum of the rows.  The parts of one
 * task on several CPUs are merged by (pid, start_time); view.c then
 * decides which rows the reader may see.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "cgroup.h"
#include "owner.h"
#include "snapshot.h"
#include "params.h"
#include "view.h"

/* Rows and devices a snapshot may gain while it is taken, before it retries. */
#define WAMP_SNAP_SLACK		32
/* Rows judged between two chances for the reader to be rescheduled. */
#define WAMP_SNAP_RESCHED	256

/*
 * A snapshot is memory any reader of /proc/wamp makes the kernel hold until
 * it closes the file: charged to the reader's memory cgroup, and failing
 * with -ENOMEM at its limit rather than invoking its OOM killer or warning.
 */
#define WAMP_GFP_SNAP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
/* Larger than this, a snapshot's arrays are made of single pages. */
#define WAMP_SNAP_KMALLOC_MAX	(4 * PAGE_SIZE)

/*
 * Memory for a snapshot's arrays (freed with kvfree()).  Not kvmalloc():
 * with __GFP_RETRY_MAYFAIL it would try hard for physically contiguous
 * pages, so that any user opening the file in a loop could drive
 * compaction; and a kmalloc'ed array is rounded up to a power of two.
 * Beyond a few pages, vmalloc: order-0 pages, the exact number.
 */
void *wamp_snap_alloc(size_t size)
{
	if (size <= WAMP_SNAP_KMALLOC_MAX)
		return kmalloc(size, WAMP_GFP_SNAP);
	return __vmalloc(size, WAMP_GFP_SNAP);
}

/*
 * @arr (of @n elements of @size bytes, in a larger allocation) moved to
 * an allocation of its exact size; @arr itself if that cannot be had (it
 * is charged to the reader as well).  Never NULL for a non-NULL @arr.
 */
void *wamp_snap_shrink(void *arr, size_t n, size_t size)
{
	void *fit = wamp_snap_alloc(array_size(max_t(size_t, n, 1), size));

	if (!fit)
		return arr;
	memcpy(fit, arr, n * size);
	kvfree(arr);
	return fit;
}

/*
 * Add @src to a reader's @dst.  @src may be counts a probe is updating
 * (READ_ONCE), or the reader's own copy.
 */
static void wamp_counts_read(struct wamp_counts *dst,
			     const struct wamp_counts *src)
{
	int k;

	for (k = 0; k < WAMP_COUNTS_NR; k++)
		dst->all[k] += READ_ONCE(src->all[k]);
}

static void wamp_nested_read(struct wamp_counts *dst, struct wamp_cpu *c)
{
	int k;

	for (k = 0; k < WAMP_COUNTS_NR; k++)
		dst->all[k] += local64_read(&c->nested_tc[k]);
}

/*
 * Merge one CPU's device table into the snapshot's, keyed by devt; false
 * if the snapshot has no room for one more device (@dcap).  An entry is
 * read once named (the release in wamp_store_dev()): a claim in progress
 * is an event not counted yet.
 */
static bool wamp_snap_devs(struct wamp_snapshot *snap, size_t dcap,
			   struct wamp_cpu *c)
{
	struct wamp_dev_row *r;
	struct wamp_dev *d;
	size_t i, j;
	u32 devt;
	int k;

	for (i = 0; i < WAMP_DEV_MAX; i++) {
		d = &c->devs[i];
		/* Pairs with the release in wamp_store_dev(). */
		if (!smp_load_acquire(&d->named))
			continue;
		devt = READ_ONCE(d->devt);
		if (!devt)	/* a reset is clearing the table */
			continue;
		for (j = 0; j < snap->nr_devs; j++)
			if (snap->devs[j].devt == devt)
				break;
		r = &snap->devs[j];
		if (j == snap->nr_devs) {
			if (j == dcap)
				return false;
			snap->nr_devs++;
			memset(r, 0, sizeof(*r));
			r->devt = devt;
			strscpy(r->name, d->name, sizeof(r->name));
		}
		for (k = 0; k < WAMP_DC_NR; k++)
			r->dc[k] += local64_read(&d->dc[k]);
	}
	return true;
}

static int wamp_dev_cmp(const void *a, const void *b)
{
	const struct wamp_dev_row *x = a, *y = b;

	return x->devt < y->devt ? -1 : x->devt > y->devt;
}

static int wamp_row_cmp(const void *a, const void *b)
{
	const struct wamp_row *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	return 0;
}

/*
 * The id of the cgroup of a slot's last syscall, 0 if none is known.  The
 * entries' array is there until unload; a reset that empties an entry
 * also empties the slot, and a takeover forgets it in the slots, both
 * moving @gen: the copy is then retried.
 */
static u64 wamp_slot_cgid(const struct wamp_slot *s)
{
	const struct wamp_cg *e = READ_ONCE(s->cge);

	return e ? READ_ONCE(e->id) : 0;
}

/*
 * Copy the claimed slots of one CPU into @snap->rows from @snap->nr_rows on
 * and add up what they counted into @sum; false if @snap has no room.
 */
static bool wamp_snap_cpu(struct wamp_snapshot *snap, size_t cap,
			  struct wamp_cpu *c, struct wamp_counts *sum)
{
	/* Pairs with the release in wamp_slot_claim(): the index first. */
	unsigned int n = smp_load_acquire(&c->used), k;
	struct wamp_slot *s;
	struct wamp_row *r;

	if (n > cap - snap->nr_rows)
		return false;
	for (k = 0; k < n; k++) {
		s = &c->slots[READ_ONCE(c->order[k]) & c->mask];
		/* A reset may be clearing the table: skip what it cleared. */
		if (!smp_load_acquire(&s->state))
			continue;
		r = &snap->rows[snap->nr_rows++];
		r->start_time = s->start_time;
		r->pid = s->pid;
		r->tgid = s->tgid;
		r->uid = s->uid;
		r->flags = 0;
		r->ns_inum = s->ns_inum;
		r->vpid = s->vpid;
		r->vtgid = s->vtgid;
		r->exec_id = s->exec_id;
		r->cgid = wamp_slot_cgid(s);
		r->ran = READ_ONCE(s->ran);
		memcpy(r->comm, s->comm, WAMP_COMM_LEN);
		memset(&r->c, 0, sizeof(r->c));
		wamp_counts_read(&r->c, &s->c);
		wamp_counts_read(sum, &r->c);
	}
	return true;
}

/*
 * Copy one CPU's slots, its exited row and its (other) row, and add what
 * they counted to the totals.  If a slot changed hands or the table was
 * reset while it copied (@gen moved), copy again: a few times at most,
 * then the copy is only nearly exact.  Either way the totals equal the
 * sum of the rows.
 */
static bool wamp_snap_cpu_stable(struct wamp_snapshot *snap, size_t cap,
				 struct wamp_cpu *c)
{
	/* 296 bytes each: in the snapshot, not on the reader's stack. */
	struct wamp_counts *sum = &snap->cpu_sum, *exited = &snap->cpu_exited;
	struct wamp_counts *other = &snap->cpu_other;
	size_t start = snap->nr_rows, k;
	unsigned int seq;
	u64 folded;
	int tries;

	for (tries = 0; tries < WAMP_SNAP_TRIES; tries++) {
		memset(sum, 0, sizeof(*sum));
		memset(exited, 0, sizeof(*exited));
		memset(other, 0, sizeof(*other));
		snap->nr_rows = start;
		/* Odd while a writer runs: then copy, but do not keep it. */
		seq = raw_read_seqcount(&c->gen);
		if (!wamp_snap_cpu(snap, cap, c, sum))
			return false;
		wamp_counts_read(exited, &c->exited);
		wamp_counts_read(other, &c->other);
		folded = READ_ONCE(c->folded);
		if (!(seq & 1) && !read_seqcount_retry(&c->gen, seq))
			break;
	}
	/*
	 * A copy that never held still may pair a renamed slot's old uid
	 * with its new exec count: who may see those rows once their tasks
	 * have exited is then unknown, so only privileged readers do.
	 */
	if (tries == WAMP_SNAP_TRIES)
		for (k = start; k < snap->nr_rows; k++)
			snap->rows[k].uid = INVALID_UID;
	wamp_counts_read(&snap->exited, exited);
	wamp_counts_read(&snap->other, other);
	wamp_counts_read(sum, exited);
	wamp_counts_read(sum, other);
	wamp_counts_read(&snap->total, sum);
	snap->folded += folded;
	return true;
}

/*
 * Add the part @r of a task to its row @w.  The part refreshed at the later
 * exec has the name and uid that task had last; parts of one exec that
 * disagree on the uid (it changed identity between CPUs without an exec)
 * leave the row to privileged readers once the task has exited.
 */
static void wamp_row_merge(struct wamp_row *w, const struct wamp_row *r)
{
	s32 newer = (s32)(r->exec_id - w->exec_id);

	wamp_counts_read(&w->c, &r->c);
	/* The cgroup of the part that made the last syscall. */
	if (r->cgid && (!w->cgid || r->ran > w->ran)) {
		w->cgid = r->cgid;
		w->ran = r->ran;
	}
	if (newer > 0) {
		w->exec_id = r->exec_id;
		w->uid = r->uid;
		memcpy(w->comm, r->comm, WAMP_COMM_LEN);
	} else if (!newer && !uid_eq(w->uid, r->uid)) {
		w->uid = INVALID_UID;
	}
}

/* What a row is sorted by, and where it is. */
struct wamp_row_key {
	u64 start_time;
	pid_t pid;
	u32 idx;
};

static int wamp_key_cmp(const void *a, const void *b)
{
	const struct wamp_row_key *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	return 0;
}

/*
 * Sort the rows by (pid, start_time).  A row is 368 bytes: sorting 16-byte
 * keys and then moving each row once, along the cycles of the
 * permutation, costs a fraction of swapping rows (BENCHMARKS.md,
 * /proc/wamp per row).  Without memory for the keys, the rows themselves.
 */
static void wamp_snap_sort(struct wamp_snapshot *snap)
{
	struct wamp_row_key *keys;
	struct wamp_row *tmp;
	size_t i, j, k, n = snap->nr_rows;

	/* The keys, and after them room for the row a cycle lifts out. */
	keys = n > 1 ? wamp_snap_alloc(size_add(array_size(n, sizeof(*keys)),
						sizeof(*tmp))) : NULL;
	if (!keys) {
		sort(snap->rows, n, sizeof(snap->rows[0]), wamp_row_cmp, NULL);
		return;
	}
	for (i = 0; i < n; i++) {
		keys[i].start_time = snap->rows[i].start_time;
		keys[i].pid = snap->rows[i].pid;
		keys[i].idx = i;
	}
	sort(keys, n, sizeof(*keys), wamp_key_cmp, NULL);
	tmp = (struct wamp_row *)(keys + n);
	/* rows[i] becomes the old rows[keys[i].idx]. */
	for (i = 0; i < n; i++) {
		if (keys[i].idx == i)
			continue;
		*tmp = snap->rows[i];
		for (j = i;; j = k) {
			k = keys[j].idx;
			keys[j].idx = j;
			if (k == i)
				break;
			snap->rows[j] = snap->rows[k];
		}
		snap->rows[j] = *tmp;
	}
	kvfree(keys);
}

/* Merge the per-CPU parts of each task and keep the rows @v may see. */
static void wamp_snap_merge(struct wamp_snapshot *snap,
			    const struct wamp_view *v)
{
	struct wamp_row *r = snap->rows, *w = snap->rows;
	struct wamp_row *end = snap->rows + snap->nr_rows;
	u64 ns_birth;

	wamp_snap_sort(snap);
	for (; r < end; r++) {
		if (w != snap->rows && !wamp_row_cmp(w - 1, r)) {
			wamp_row_merge(w - 1, r);
			continue;
		}
		if (w != r)
			*w = *r;
		w++;
	}
	end = w;
	ns_birth = wamp_view_ns_birth(v);
	rcu_read_lock();
	for (r = snap->rows, w = snap->rows; r < end; r++) {
		/* Let the CPU go now and then on a long table. */
		if (!((r - snap->rows + 1) % WAMP_SNAP_RESCHED)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
		if (!wamp_view_row(r, v, ns_birth))
			continue;
		if (w != r)
			*w = *r;
		w++;
	}
	rcu_read_unlock();
	snap->nr_rows = w - snap->rows;
}

/* Slots claimed (parts of rows) and device entries named, on all CPUs. */
static void wamp_store_used(size_t *slots, size_t *devs)
{
	struct wamp_cpu *c;
	int cpu, i;

	*slots = 0;
	*devs = 0;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		*slots += READ_ONCE(c->used);
		for (i = 0; i < WAMP_DEV_MAX; i++)
			*devs += !!READ_ONCE(c->devs[i].named);
	}
}

void wamp_snapshot_free(struct wamp_snapshot *snap)
{
	if (IS_ERR_OR_NULL(snap))
		return;
	wamp_cg_snapshot_free(snap);
	kvfree(snap->devs);
	kvfree(snap);
}

/*
 * The rows are written in full as they are copied, and a device row when
 * it is first met, so neither array is zeroed: a snapshot costs what the
 * claimed slots cost, not what the table size would.  NULL if there was
 * no room for what was claimed while it copied.
 */
static struct wamp_snapshot *wamp_snap_try(size_t cap, size_t dcap,
					   const struct wamp_view *v)
{
	struct wamp_snapshot *snap;
	struct wamp_cpu *c;
	int cpu;

	snap = wamp_snap_alloc(struct_size(snap, rows, cap));
	if (!snap)
		return ERR_PTR(-ENOMEM);
	memset(snap, 0, sizeof(*snap));
	snap->devs = wamp_snap_alloc(array_size(dcap, sizeof(*snap->devs)));
	if (!snap->devs) {
		kvfree(snap);
		return ERR_PTR(-ENOMEM);
	}
	wamp_params_thresholds(&snap->th);
	snap->slots_cap = num_possible_cpus() << wamp_bits;
	wamp_owner_stats(&snap->owners_used, &snap->owners_cap);
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		if (!wamp_snap_cpu_stable(snap, cap, c) ||
		    !wamp_snap_devs(snap, dcap, c)) {
			wamp_snapshot_free(snap);
			return NULL;
		}
		wamp_nested_read(&snap->total, c);
		wamp_nested_read(&snap->other, c);
		snap->overflow += READ_ONCE(c->overflow);
		snap->iov_fault += READ_ONCE(c->iov_fault);
		snap->nested += local64_read(&c->nested);
		snap->dev_overflow += local64_read(&c->dev_overflow);
		snap->owner_evicted += local64_read(&c->owner_evicted);
		snap->wb_unowned += local64_read(&c->wb_unowned);
		snap->wb_unowned_bytes += local64_read(&c->wb_unowned_bytes);
		snap->jrnl_kept_bytes += local64_read(&c->jrnl_kept_bytes);
		snap->slots_used += READ_ONCE(c->used);
	}
	wamp_snap_merge(snap, v);
	sort(snap->devs, snap->nr_devs, sizeof(*snap->devs), wamp_dev_cmp,
	     NULL);
	return snap;
}

/*
 * What the reader keeps: the rows it may see and the devices, not the
 * parts of every task it had to copy to merge them.  So an unprivileged
 * reader holds memory for its own rows, however many the table has.  If
 * the smaller copy cannot be had, the larger one is kept (it is charged
 * to the reader as well).
 */
static struct wamp_snapshot *wamp_snap_fit(struct wamp_snapshot *snap,
					   size_t cap)
{
	size_t need = struct_size(snap, rows, snap->nr_rows);
	struct wamp_snapshot *fit;

	snap->devs = wamp_snap_shrink(snap->devs, snap->nr_devs,
				      sizeof(*snap->devs));
	if (struct_size(snap, rows, cap) - need < PAGE_SIZE)
		return snap;
	fit = wamp_snap_alloc(need);
	if (!fit)
		return snap;
	memcpy(fit, snap, need);
	kvfree(snap);
	return fit;
}

/*
 * A copy of the tables, merged per task, as @view may see it (NULL: all
 * of it).  Never blocks a probe.  Retries with more room if tasks claimed
 * slots or devices while it copied.
 */
struct wamp_snapshot *wamp_snapshot_take(const struct wamp_view *view)
{
	struct wamp_snapshot *snap;
	size_t cap, dcap;
	int tries, ret;

	for (tries = 0; tries < WAMP_SNAP_TRIES; tries++) {
		wamp_store_used(&cap, &dcap);
		cap += WAMP_SNAP_SLACK << tries;
		dcap += WAMP_SNAP_SLACK << tries;
		snap = wamp_snap_try(cap, dcap, view);
		if (snap)
			goto out;
	}
	/* Room for every slot and device entry there is: never too small. */
	cap = (size_t)num_possible_cpus() << wamp_bits;
	dcap = (size_t)num_possible_cpus() * WAMP_DEV_MAX;
	snap = wamp_snap_try(cap, dcap, view);
	if (WARN_ON_ONCE(!snap))
		return ERR_PTR(-EAGAIN);
out:
	if (IS_ERR(snap))
		return snap;
	snap = wamp_snap_fit(snap, cap);
	/* The cgroups, after the tasks: at rest both add up the same. */
	ret = wamp_cg_snapshot(snap, view);
	if (ret) {
		wamp_snapshot_free(snap);
		return ERR_PTR(ret);
	}
	return snap;
}
