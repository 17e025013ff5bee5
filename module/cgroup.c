// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cgroup accounting.
 *
 * A syscall is counted for the cgroup (of the unified hierarchy) current
 * is in when it makes it; a bio, at its request or merge, for the cgroup
 * the kernel itself charges it to (wamp_bio_cgroup(): its blkcg's), so a
 * cgroup's blk_bytes are what its io.stat counts as wbytes.  Each CPU has
 * a table of cgroups (cgroup_table_size entries, open addressing with a
 * window of WAMP_CG_WINDOW), written by that CPU only, from the probes,
 * with preemption disabled, as the task slots are (table.c); a cgroup
 * whose window is full counts in the CPU's (other) row and in @overflow.
 *
 * The probe that claims an entry takes a reference on the cgroup (a
 * percpu_ref get: fine in any context), so that a reader may resolve the
 * cgroup's path from its pointer, and the entry names that cgroup until a
 * reset or the unload drops the reference.  A removed cgroup is thus kept,
 * with its row, until a reset (its struct cgroup only: the controllers'
 * state goes as usual), at most cgroup_table_size per CPU, or until a new
 * cgroup whose window is full takes its entry over (wamp_cg_reclaim();
 * the reference is then dropped by the drain work, table.c).  A reset
 * clears each table on its CPU and drops the references afterwards, off
 * the probes' path, holding the store's reset lock for writing; readers
 * hold it for reading while they use the pointers.
 *
 * Readers resolve paths at open, from the opener's cgroup namespace's
 * root, with kernfs_path_from_node() (what cgroup_path_ns() does, without
 * the cgroup_mutex): never in a probe.  A reader without CAP_SYS_ADMIN
 * sees its own cgroup and the cgroups below it (view.c).
 */
#include <linux/kernel.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/kernfs.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "snapshot.h"
#include "table.h"
#include "view.h"

unsigned int wamp_cg_bits __read_mostly;

static_assert(sizeof(struct wamp_cg) == 56);
static_assert(WAMP_CG_SIZE_MAX <= 1u << 16);	/* u16 @order entries */
static_assert(WAMP_CG_WINDOW <= WAMP_CG_SIZE_MIN);
/*
 * A cgroup's counters are the task counters of the same names, in the
 * same order, from the first: one event adds to the same index in both.
 */
#define WAMP_CG_INDEX(name, ...)	WAMP_CC_##name,
enum { WAMP_CG_COUNTERS(WAMP_CG_INDEX) };
#define WAMP_CG_SAME_INDEX(name, ...)					\
	(int)WAMP_CC_##name == (int)WAMP_TC_##name &&
static_assert(WAMP_CG_COUNTERS(WAMP_CG_SAME_INDEX) true);

/* Whether @cgrp was removed (rmdir): its self css went offline. */
static bool wamp_cgroup_removed(struct cgroup *cgrp)
{
	return !(READ_ONCE(cgrp->self.flags) & CSS_ONLINE);
}

/* Make @e the entry of @cgrp, with a reference and zero counts. */
static void wamp_cg_own(struct wamp_cg *e, struct cgroup *cgrp)
{
	int k;

	cgroup_get(cgrp);
	WRITE_ONCE(e->id, cgroup_id(cgrp));
	for (k = 0; k < WAMP_CG_NR; k++)
		WRITE_ONCE(e->c.cc[k], 0);
	/* Publish the id before readers may look at the entry. */
	smp_store_release(&e->cgrp, cgrp);
}

/*
 * @cgrp's window is full: take over the entry of a removed cgroup there,
 * if the ring of references to drop has room.  Its counts go to (other),
 * its reference to the ring (the drain work drops it once no reader can
 * hold the pointer), and the slots that point to it forget it (their
 * exited tasks then show no cgroup).  Readers copying this CPU see @gen
 * move and copy again.  NULL if there is none: an overflow.
 */
static struct wamp_cg *wamp_cg_reclaim(struct wamp_cpu *c, u32 i,
				       struct cgroup *cgrp)
{
	struct wamp_cg_table *t = &c->cg;
	struct wamp_cg *e = NULL;
	struct cgroup *old;
	unsigned int n, k;
	struct wamp_slot *s;

	/*
	 * A removed cgroup's own events (its writeback) take no entry over:
	 * two of them would otherwise take each other's, round and round.
	 */
	if (wamp_cgroup_removed(cgrp))
		return NULL;
	/* Pairs with the release of @tail in wamp_cg_table_drain(). */
	if (t->head - smp_load_acquire(&t->tail) >= WAMP_CG_DEAD)
		return NULL;
	for (n = 0; n < WAMP_CG_WINDOW; n++, i = (i + 1) & t->mask) {
		if (wamp_cgroup_removed(t->ents[i].cgrp)) {
			e = &t->ents[i];
			break;
		}
	}
	if (!e)
		return NULL;
	raw_write_seqcount_begin(&c->gen);
	for (k = 0; k < WAMP_CG_NR; k++)
		WRITE_ONCE(t->other.cc[k], t->other.cc[k] + e->c.cc[k]);
	WRITE_ONCE(t->reclaimed, t->reclaimed + 1);
	for (k = 0; k < c->used; k++) {
		s = &c->slots[c->order[k]];
		if (s->cge == e)
			WRITE_ONCE(s->cge, NULL);
	}
	old = e->cgrp;
	wamp_cg_own(e, cgrp);
	t->dead[t->head % WAMP_CG_DEAD] = old;
	/*
	 * The entry shows @cgrp before the drain work may take @old: a
	 * reader that takes the reset lock after the drain dropped @old can
	 * only find @cgrp here.
	 */
	smp_store_release(&t->head, t->head + 1);
	raw_write_seqcount_end(&c->gen);
	return e;
}

/*
 * The entry of @cgrp in this CPU's cgroup table: found, or claimed (the
 * free entry of its window takes a reference: readers walk @order up to
 * @used), or a removed cgroup's taken over; NULL for no cgroup, or if its
 * window is full of live cgroups (an overflow: the caller counts
 * (other)).  The caller holds what keeps @cgrp alive: current's css_set,
 * or the bio's blkg.
 */
struct wamp_cg *wamp_cg_lookup(struct wamp_cpu *c, struct cgroup *cgrp)
{
	struct wamp_cg_table *t = &c->cg;
	u32 i = hash_ptr(cgrp, t->bits), first = i;
	struct wamp_cg *e;
	unsigned int n;

	if (!cgrp)
		return NULL;
	for (n = 0; n < WAMP_CG_WINDOW; n++, i = (i + 1) & t->mask) {
		e = &t->ents[i];
		if (e->cgrp == cgrp)
			return e;
		if (!e->cgrp)
			goto claim;
	}
	e = wamp_cg_reclaim(c, first, cgrp);
	if (!e)
		WRITE_ONCE(t->overflow, t->overflow + 1);
	return e;

claim:
	wamp_cg_own(e, cgrp);
	WRITE_ONCE(t->order[t->used], i);
	/* And the entry's index before readers may look for it. */
	smp_store_release(&t->used, t->used + 1);
	return e;
}

/*
 * Drop the references the ring holds, off the CPU, with the reset lock
 * held for writing (no reader holds a pointer it copied).  Whether there
 * were any.
 */
bool wamp_cg_table_drain(struct wamp_cg_table *t)
{
	/* Pairs with the release of @head in wamp_cg_reclaim(). */
	unsigned int head = smp_load_acquire(&t->head), tail = t->tail;

	if (head == tail)
		return false;
	for (; tail != head; tail++)
		cgroup_put(t->dead[tail % WAMP_CG_DEAD]);
	/* The slots read before the probe may fill them again. */
	smp_store_release(&t->tail, tail);
	return true;
}

/*
 * Empty a CPU's table, on that CPU (or with it offline), keeping the
 * references its entries held in @put for wamp_cg_table_put().
 */
void wamp_cg_table_clear(struct wamp_cg_table *t)
{
	unsigned long flags;
	unsigned int k;
	int i;

	for (k = 0; k < t->used; k++)
		t->put[t->nput++] = t->ents[t->order[k]].cgrp;
	while (t->tail != t->head) {
		t->put[t->nput++] = t->dead[t->tail % WAMP_CG_DEAD];
		WRITE_ONCE(t->tail, t->tail + 1);
	}
	memset(t->ents, 0, sizeof(*t->ents) << t->bits);
	WRITE_ONCE(t->used, 0);
	memset(&t->other, 0, sizeof(t->other));
	t->overflow = 0;
	t->reclaimed = 0;
	/* The nested counters are also written from interrupts. */
	local_irq_save(flags);
	for (i = 0; i < WAMP_CG_NR; i++)
		local64_set(&t->nested[i], 0);
	local_irq_restore(flags);
}

/* Drop the references a clear collected; process context. */
void wamp_cg_table_put(struct wamp_cg_table *t)
{
	unsigned int k;

	for (k = 0; k < t->nput; k++)
		cgroup_put(t->put[k]);
	t->nput = 0;
}

size_t wamp_cg_table_bytes(void)
{
	return ((sizeof(struct wamp_cg) + sizeof(u16) +
		 sizeof(struct cgroup *)) << wamp_cg_bits) +
	       WAMP_CG_DEAD * sizeof(struct cgroup *);
}

int wamp_cg_table_init(struct wamp_cg_table *t, int node)
{
	t->bits = wamp_cg_bits;
	t->mask = (1u << wamp_cg_bits) - 1;
	t->ents = kvzalloc_node(array_size(1u << wamp_cg_bits,
					   sizeof(*t->ents)),
				GFP_KERNEL, node);
	t->order = kvzalloc_node(array_size(1u << wamp_cg_bits,
					    sizeof(*t->order)),
				 GFP_KERNEL, node);
	t->put = kvzalloc_node(array_size((1u << wamp_cg_bits) + WAMP_CG_DEAD,
					  sizeof(*t->put)),
			       GFP_KERNEL, node);
	return t->ents && t->order && t->put ? 0 : -ENOMEM;
}

/* Only once no probe runs: drops every reference the table holds. */
void wamp_cg_table_exit(struct wamp_cg_table *t)
{
	if (t->ents && t->order && t->put) {
		wamp_cg_table_clear(t);
		wamp_cg_table_put(t);
	}
	kvfree(t->ents);
	kvfree(t->order);
	kvfree(t->put);
	t->ents = NULL;
	t->order = NULL;
	t->put = NULL;
}

/* One CPU's entry as a reader copied it. */
struct wamp_cg_copy {
	struct cgroup *cgrp;
	u64 id;
	struct wamp_cg_counts c;
};

static void wamp_cg_counts_read(struct wamp_cg_counts *dst,
				const struct wamp_cg_counts *src)
{
	int k;

	for (k = 0; k < WAMP_CG_NR; k++)
		dst->cc[k] += READ_ONCE(src->cc[k]);
}

static int wamp_cg_copy_cmp(const void *a, const void *b)
{
	const struct wamp_cg_copy *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Copy one CPU's entries into @cp from @n on (room up to @cap), the rest
 * of what they counted into @other; returns the new @n.  Entries claimed
 * since @cap was counted go to @other, so that rows and (other) add up to
 * what the table holds.  A takeover of a removed cgroup's entry moves
 * @gen: then copy again (a few times at most, then nearly exact).
 */
static size_t wamp_cg_copy_cpu(struct wamp_cpu *c, struct wamp_cg_copy *cp,
			       size_t n, size_t cap,
			       struct wamp_cg_counts *other)
{
	struct wamp_cg_counts rest;
	unsigned int used, k, seq;
	struct cgroup *cgrp;
	struct wamp_cg *e;
	size_t start = n;
	int tries, i;

	for (tries = 0; tries < WAMP_SNAP_TRIES; tries++) {
		n = start;
		memset(&rest, 0, sizeof(rest));
		seq = raw_read_seqcount(&c->gen);
		/* Pairs with the release in wamp_cg_lookup(). */
		used = smp_load_acquire(&c->cg.used);
		for (k = 0; k < used; k++) {
			e = &c->cg.ents[READ_ONCE(c->cg.order[k]) & c->cg.mask];
			/* Its id is written: the release in wamp_cg_own(). */
			cgrp = smp_load_acquire(&e->cgrp);
			if (!cgrp)
				continue;
			if (n == cap) {
				wamp_cg_counts_read(&rest, &e->c);
				continue;
			}
			cp[n].cgrp = cgrp;
			cp[n].id = READ_ONCE(e->id);
			memset(&cp[n].c, 0, sizeof(cp[n].c));
			wamp_cg_counts_read(&cp[n].c, &e->c);
			n++;
		}
		wamp_cg_counts_read(&rest, &c->cg.other);
		if (!(seq & 1) && !read_seqcount_retry(&c->gen, seq))
			break;
	}
	/* Never held still: no row may pair a cgroup with another's id. */
	if (tries == WAMP_SNAP_TRIES) {
		for (; n > start; n--)
			wamp_cg_counts_read(&rest, &cp[n - 1].c);
	}
	for (i = 0; i < WAMP_CG_NR; i++)
		other->cc[i] += rest.cc[i] + local64_read(&c->cg.nested[i]);
	return n;
}

/* Every CPU's entries, into @cp (room for @cap); the number copied. */
static size_t wamp_cg_copy(struct wamp_snapshot *snap, struct wamp_cg_copy *cp,
			   size_t cap)
{
	struct wamp_cpu *c;
	size_t n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(wamp_cpus, cpu);
		n = wamp_cg_copy_cpu(c, cp, n, cap, &snap->cg_other);
		snap->cg_used += READ_ONCE(c->cg.used);
		snap->cg_overflow += READ_ONCE(c->cg.overflow);
		snap->cg_reclaimed += READ_ONCE(c->cg.reclaimed);
	}
	return n;
}

/* Append @n bytes of @s and a NUL to the snapshot's paths. */
static int wamp_cg_path_add(struct wamp_snapshot *snap, size_t *len,
			    size_t *cap, const char *s, size_t n)
{
	char *np;

	if (*len + n + 1 > *cap) {
		size_t ncap = max(*cap * 2, *len + n + 1);

		np = wamp_snap_alloc(ncap);
		if (!np)
			return -ENOMEM;
		if (snap->cg_paths)
			memcpy(np, snap->cg_paths, *len);
		kvfree(snap->cg_paths);
		snap->cg_paths = np;
		*cap = ncap;
	}
	memcpy(snap->cg_paths + *len, s, n);
	snap->cg_paths[*len + n] = '\0';
	*len += n + 1;
	return 0;
}

/*
 * Merge the copies of one cgroup (sorted by id: one id, one cgroup, as
 * the entries hold references) into the rows @v may see, with their
 * paths in the reader's cgroup namespace.
 */
static int wamp_cg_rows(struct wamp_snapshot *snap, struct wamp_cg_copy *cp,
			size_t n, const struct wamp_view *v)
{
	struct kernfs_node *root = wamp_view_cgns(v)->root_cset->dfl_cgrp->kn;
	size_t i, j, len = 0, cap = 0;
	struct wamp_cg_row *r;
	char *buf;
	int ret = 0, plen;
	bool seen;

	buf = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && cp[j].id == cp[i].id; j++)
			wamp_cg_counts_read(&cp[i].c, &cp[j].c);
		rcu_read_lock();
		seen = wamp_view_cgroup(cp[i].cgrp, v);
		rcu_read_unlock();
		if (!seen)
			continue;
		r = &snap->cgs[snap->nr_cgs];
		r->id = cp[i].id;
		r->c = cp[i].c;
		r->flags = wamp_cgroup_removed(cp[i].cgrp) ? WAMP_F_REMOVED : 0;
		r->path = len;
		/*
		 * What cgroup_path_ns() does for the unified hierarchy, without
		 * its cgroup_mutex: both nodes are pinned (the entry's reference,
		 * the namespace's root css_set), so a rename is all that can
		 * race, and kernfs takes its own lock for it.
		 */
		plen = kernfs_path_from_node(cp[i].cgrp->kn, root, buf, PATH_MAX);
		if (plen < 0 || plen >= PATH_MAX)
			plen = strscpy(buf, "?", PATH_MAX);
		ret = wamp_cg_path_add(snap, &len, &cap, buf, plen);
		if (ret)
			break;
		snap->nr_cgs++;
		cond_resched();
	}
	kfree(buf);
	return ret;
}

/*
 * Keep room for the rows the reader may see only, as wamp_snap_fit()
 * does for the tasks (if the smaller copy cannot be had, the larger one
 * stays: it is charged to the reader too).
 */
static void wamp_cg_fit(struct wamp_snapshot *snap, size_t cap)
{
	if ((cap - snap->nr_cgs) * sizeof(*snap->cgs) >= PAGE_SIZE)
		snap->cgs = wamp_snap_shrink(snap->cgs, snap->nr_cgs,
					     sizeof(*snap->cgs));
}

/*
 * The cgroup part of a snapshot, as @v (NULL: everything) may see it: the
 * rows, their paths, (other) and the use of the tables.  Holds the store's
 * reset lock for reading: the entries' references stay meanwhile.
 */
int wamp_cg_snapshot(struct wamp_snapshot *snap, const struct wamp_view *v)
{
	struct wamp_cg_copy *cp;
	size_t cap = 0, n;
	int cpu, ret;

	snap->cg_io = wamp_cg_io();
	snap->cg_cap = num_possible_cpus() << wamp_cg_bits;
	wamp_store_read_lock();
	for_each_possible_cpu(cpu)
		cap += READ_ONCE(per_cpu_ptr(wamp_cpus, cpu)->cg.used);
	cap += 32;	/* claims while copying; the rest go to (other) */
	cp = wamp_snap_alloc(array_size(cap, sizeof(*cp)));
	snap->cgs = wamp_snap_alloc(array_size(cap, sizeof(*snap->cgs)));
	ret = -ENOMEM;
	if (!cp || !snap->cgs)
		goto out;
	n = wamp_cg_copy(snap, cp, cap);
	sort(cp, n, sizeof(*cp), wamp_cg_copy_cmp, NULL);
	ret = wamp_cg_rows(snap, cp, n, v);
	if (!ret)
		wamp_cg_fit(snap, cap);
out:
	wamp_store_read_unlock();
	kvfree(cp);
	return ret;
}

void wamp_cg_snapshot_free(struct wamp_snapshot *snap)
{
	kvfree(snap->cgs);
	kvfree(snap->cg_paths);
}
