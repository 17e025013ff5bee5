// SPDX-License-Identifier: GPL-2.0
/*
 * The inode-owner table: for each file with dirty pages, the task that
 * last dirtied it (turned one of its pages from clean to dirty), so that a
 * bio writing those pages back is charged to that task, whoever submits
 * it: the flusher, another task's sync, jbd2's ordered-data flush.
 *
 * The rule is per inode, most recent dirtier: when several tasks dirty one
 * file between two writebacks, the last of them is charged for all of it
 * (README, "Attribution").  Kernel threads never become owners: the
 * flusher redirtying a page it could not write yet must not take the file
 * from the task that dirtied it.
 *
 * One table for the machine, of owner_table_size entries, allocated at
 * load and never grown: an inode hashes to a window of WAMP_OWNER_WINDOW
 * entries; a new inode takes a free entry there, else the one dirtied
 * least recently (counted in owner_evicted), whose file's later writeback
 * is then left to its submitter (wb_unowned).
 *
 * Lock-free: each entry is a sequence count.  A writer (a dirtying task)
 * takes it with cmpxchg from even to odd and gives up if another holds
 * it; readers (the block probes) copy an entry and keep the copy only if
 * the count was even and did not move.  Neither ever waits.  A task that
 * keeps dirtying a file it already owns only reads its entry.
 *
 * Inode reuse: an entry is keyed by the inode's address, number and
 * generation.  A freed inode has no page under writeback, and a new inode
 * at the same address is a different (number, generation), or is dirtied
 * (so owned anew) before it has anything to write back: a dead file's
 * owner is never charged for a new one.
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include "owner.h"
#include "params.h"
#include "table.h"

#define WAMP_OWNER_WINDOW	4

struct wamp_owner {
	u32 seq;		/* odd while written */
	u32 gen;		/* the inode's i_generation */
	unsigned long inode;	/* the inode's address; 0: free */
	unsigned long ino;
	unsigned long stamp;	/* jiffies when last dirtied by its owner */
	struct wamp_ident id;
};

static_assert(sizeof(struct wamp_owner) == 88);

static struct wamp_owner *wamp_owners __read_mostly;
static unsigned int wamp_owner_bits __read_mostly;
static atomic_t wamp_owners_used = ATOMIC_INIT(0);

static struct wamp_owner *wamp_owner_slot(u32 i)
{
	return &wamp_owners[i & ((1u << wamp_owner_bits) - 1)];
}

/* Whether entry @o already says that current owns @inode. */
static bool wamp_owner_is_current(const struct wamp_owner *o,
				  const struct inode *inode)
{
	const struct task_struct *t = current;

	return !(READ_ONCE(o->seq) & 1) &&
	       READ_ONCE(o->inode) == (unsigned long)inode &&
	       READ_ONCE(o->ino) == inode->i_ino &&
	       READ_ONCE(o->gen) == inode->i_generation &&
	       READ_ONCE(o->id.pid) == t->pid &&
	       READ_ONCE(o->id.start_time) == t->start_time &&
	       READ_ONCE(o->id.exec_id) == (u32)t->self_exec_id - 1;
}

/*
 * current dirtied a page of @inode: it owns the file now.  Called from the
 * dirtying probe in task context, never from a kernel thread.
 */
void wamp_owner_dirtied(struct inode *inode)
{
	u32 h = hash_ptr(inode, wamp_owner_bits), seq, n;
	struct wamp_owner *o, *victim = NULL;
	unsigned long key, now = jiffies;
	bool same = false;

	preempt_disable_notrace();
	for (n = 0; n < WAMP_OWNER_WINDOW; n++) {
		o = wamp_owner_slot(h + n);
		key = READ_ONCE(o->inode);
		if (key == (unsigned long)inode) {
			victim = o;
			same = true;
			break;
		}
		/* A free entry, else the one dirtied least recently. */
		if (!victim || (READ_ONCE(victim->inode) &&
				(!key || time_before(READ_ONCE(o->stamp),
						     READ_ONCE(victim->stamp)))))
			victim = o;
	}
	o = victim;
	if (same && wamp_owner_is_current(o, inode)) {
		if (READ_ONCE(o->stamp) != now)
			WRITE_ONCE(o->stamp, now);
		goto out;
	}
	seq = READ_ONCE(o->seq);
	/* Somebody else is writing this entry: let it, it dirtied later. */
	if ((seq & 1) || cmpxchg(&o->seq, seq, seq + 1) != seq)
		goto out;
	key = o->inode;
	if (!key)
		atomic_inc(&wamp_owners_used);
	else if (key != (unsigned long)inode)
		local64_inc(&this_cpu_ptr(wamp_cpus)->owner_evicted);
	WRITE_ONCE(o->inode, (unsigned long)inode);
	WRITE_ONCE(o->ino, inode->i_ino);
	WRITE_ONCE(o->gen, inode->i_generation);
	WRITE_ONCE(o->stamp, now);
	wamp_ident_current(&o->id, false);
	/* The entry, then the count: pairs with wamp_owner_find(). */
	smp_store_release(&o->seq, seq + 2);
out:
	preempt_enable_notrace();
}

/*
 * The owner of @inode into @id, if one is known and its entry held still
 * while it was copied.  Any context; never waits.
 */
enum wamp_owner_found wamp_owner_find(struct inode *inode,
				      struct wamp_ident *id)
{
	u32 h = hash_ptr(inode, wamp_owner_bits), seq, n;
	struct wamp_owner *o;

	for (n = 0; n < WAMP_OWNER_WINDOW; n++) {
		o = wamp_owner_slot(h + n);
		if (READ_ONCE(o->inode) != (unsigned long)inode)
			continue;
		/* The count, then the entry: pairs with wamp_owner_dirtied(). */
		seq = smp_load_acquire(&o->seq);
		if (seq & 1)
			return WAMP_OWNER_NONE;
		if (READ_ONCE(o->inode) != (unsigned long)inode ||
		    READ_ONCE(o->ino) != inode->i_ino ||
		    READ_ONCE(o->gen) != inode->i_generation)
			return WAMP_OWNER_NONE;
		memcpy(id, &o->id, sizeof(*id));
		/* The copy, before the count is checked again. */
		smp_rmb();
		return READ_ONCE(o->seq) == seq ? WAMP_OWNER_FOUND :
						  WAMP_OWNER_NONE;
	}
	return WAMP_OWNER_NONE;
}

void wamp_owner_stats(unsigned int *used, unsigned int *cap)
{
	*used = atomic_read(&wamp_owners_used);
	*cap = 1u << wamp_owner_bits;
}

size_t wamp_owner_bytes(void)
{
	return sizeof(struct wamp_owner) << wamp_owner_bits;
}

int wamp_owner_init(void)
{
	wamp_owner_bits = ilog2(roundup_pow_of_two(wamp_owner_size));
	if (wamp_owner_size != 1u << wamp_owner_bits) {
		pr_info("owner_table_size %u rounded up to %u\n",
			wamp_owner_size, 1u << wamp_owner_bits);
		wamp_owner_size = 1u << wamp_owner_bits;
	}
	wamp_owners = kvcalloc(1u << wamp_owner_bits, sizeof(*wamp_owners),
			       GFP_KERNEL);
	return wamp_owners ? 0 : -ENOMEM;
}

/* Only after the probes are gone (tracepoint_synchronize_unregister()). */
void wamp_owner_exit(void)
{
	kvfree(wamp_owners);
	wamp_owners = NULL;
	atomic_set(&wamp_owners_used, 0);
}
