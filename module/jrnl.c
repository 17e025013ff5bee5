// SPDX-License-Identifier: GPL-2.0
/*
 * Journal attribution (jbd2: ext4, ocfs2): the bytes the journal thread
 * writes to commit a transaction are charged to the tasks whose changes
 * the transaction carries, in proportion to the journal blocks each of
 * their handles dirtied in it.
 *
 * - jbd2_handle_stats fires as a task stops a handle, in the task, with
 *   the transaction's id and the blocks the handle dirtied (its used
 *   credits).  Each CPU keeps, for the last WAMP_JRNL_TX transactions it
 *   saw, up to WAMP_JRNL_WHO tasks and their blocks and handles; kernel
 *   threads' handles and tasks beyond that are the transaction's rest.
 *   Only the CPU itself writes its table (preemption disabled, never
 *   from an interrupt), under a seqcount for the readers.
 * - jbd2_commit_logging fires in the journal thread once every handle of
 *   the transaction has stopped and before it writes the log: the thread
 *   gathers the transaction's tasks from every CPU into a commit record of
 *   its own (one of WAMP_JRNL_COMMITS), released at jbd2_end_commit.
 * - Between the two, a bio the journal thread submits that is not file
 *   data (that is charged to its dirtier, blk.c) is a block of the log:
 *   its bytes are split among the record's tasks by their blocks (by
 *   their handles if no handle dirtied a block), the request goes to the
 *   largest share, and the rest's share, and the rounding, stay with the
 *   journal thread (jrnl_kept_bytes).
 *
 * What is never attributed and stays with the journal thread: commits no
 * task's handle is known for, checkpoints it writes, journal superblock
 * updates outside a commit, and the fast-commit area.  A superblock update
 * the thread writes inside a commit (the log tail moving on) is part of
 * that commit's cost and is split like its log blocks.  Checkpoints a task
 * writes itself while it waits for log space are that task's.  A record
 * is only ever read by the thread that owns it, so a bio never sees one
 * half made.
 */
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/jbd2.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "jrnl.h"
#include "table.h"
#include "view.h"

#define WAMP_JRNL_TX		4	/* transactions per CPU */
#define WAMP_JRNL_WHO		8	/* tasks per transaction per CPU */
#define WAMP_JRNL_COMMITS	8	/* commits in progress at once */
#define WAMP_JRNL_SPLIT		16	/* tasks one commit is split among */

struct wamp_jrnl_who {
	struct wamp_ident id;
	u32 blocks;
	u32 handles;
};

struct wamp_jrnl_tx {
	seqcount_t seq;		/* odd while this CPU writes the entry */
	u32 dev;		/* the journal's fs device; 0: free */
	u32 tid;
	unsigned long stamp;	/* jiffies of its last handle here */
	u64 rest_blocks;	/* kernel threads', and beyond @who */
	u64 rest_handles;
	unsigned int n;
	struct wamp_jrnl_who who[WAMP_JRNL_WHO];
};

struct wamp_jrnl_cpu {
	struct wamp_jrnl_tx tx[WAMP_JRNL_TX];
};

struct wamp_jrnl_share {
	struct wamp_ident id;
	u64 blocks;
	u64 handles;
};

/*
 * A commit in progress, owned by its journal thread (@task, @pid,
 * @start_time): only that thread reads or writes it once claimed.
 */
struct wamp_jrnl_commit {
	struct task_struct *task;	/* NULL: free; claimed by cmpxchg */
	pid_t pid;
	u64 start_time;
	u64 weight;			/* the sum of the weights, rest included */
	u64 rest;			/* weight left to the journal thread */
	u64 rest_blocks;		/* while gathering */
	u64 rest_handles;
	bool by_blocks;			/* weights are blocks, else handles */
	unsigned int n;
	struct wamp_jrnl_share who[WAMP_JRNL_SPLIT];
};

static struct wamp_jrnl_cpu __percpu *wamp_jrnl_cpus;
/* Claims and releases of the commit records (wamp_jrnl_claim()). */
static DEFINE_RAW_SPINLOCK(wamp_jrnl_lock);
static struct wamp_jrnl_commit *wamp_jrnl_commits;

/* This CPU's entry for (@dev, @tid): found, free, or the stalest one. */
static struct wamp_jrnl_tx *wamp_jrnl_tx_find(struct wamp_jrnl_cpu *jc,
					      u32 dev, u32 tid)
{
	struct wamp_jrnl_tx *tx, *victim = &jc->tx[0];
	int i;

	for (i = 0; i < WAMP_JRNL_TX; i++) {
		tx = &jc->tx[i];
		if (tx->dev == dev && tx->tid == tid)
			return tx;
		if (victim->dev && (!tx->dev ||
				    time_before(tx->stamp, victim->stamp)))
			victim = tx;
	}
	return victim;
}

/* Make @tx the entry of (@dev, @tid), if it is not yet; in its seqcount. */
static void wamp_jrnl_tx_own(struct wamp_jrnl_tx *tx, u32 dev, u32 tid)
{
	if (tx->dev == dev && tx->tid == tid)
		return;
	tx->dev = dev;
	tx->tid = tid;
	tx->rest_blocks = 0;
	tx->rest_handles = 0;
	tx->n = 0;
}

void wamp_probe_jbd2_handle_stats(void *data, dev_t dev, unsigned int tid,
				  unsigned int type, unsigned int line_no,
				  int interval, int sync, int requested_blocks,
				  int dirtied_blocks)
{
	struct task_struct *t = current;
	u32 blocks = max(dirtied_blocks, 0);
	struct wamp_jrnl_cpu *jc;
	struct wamp_jrnl_tx *tx;
	struct wamp_jrnl_who *w;
	unsigned int i;

	if (!in_task() || !dev)
		return;
	preempt_disable_notrace();
	jc = this_cpu_ptr(wamp_jrnl_cpus);
	tx = wamp_jrnl_tx_find(jc, (u32)dev, tid);
	raw_write_seqcount_begin(&tx->seq);
	wamp_jrnl_tx_own(tx, (u32)dev, tid);
	tx->stamp = jiffies;
	if (t->flags & PF_KTHREAD)
		goto rest;
	for (i = 0; i < tx->n; i++) {
		w = &tx->who[i];
		if (w->id.pid == t->pid && w->id.start_time == t->start_time)
			goto add;
	}
	if (tx->n == WAMP_JRNL_WHO)
		goto rest;
	w = &tx->who[tx->n++];
	wamp_ident_current(&w->id, false);
	w->blocks = 0;
	w->handles = 0;
add:
	w->blocks += blocks;
	w->handles++;
	goto out;
rest:
	tx->rest_blocks += blocks;
	tx->rest_handles++;
out:
	raw_write_seqcount_end(&tx->seq);
	preempt_enable_notrace();
}

/*
 * Add one CPU's entry @tx to @c if it is (@dev, @tid) and held still while
 * it was read.  Every handle of the transaction has stopped by now, so the
 * entry only moves if the CPU reuses it for a newer transaction: then its
 * part is lost (it stays with the journal thread).  A task first met here
 * is appended to @c before the check, with no weight until it passes.
 */
static void wamp_jrnl_gather(struct wamp_jrnl_commit *c,
			     const struct wamp_jrnl_tx *tx, u32 dev, u32 tid)
{
	struct {
		u32 blocks;
		u32 handles;
		int k;		/* the task's share in @c; -1: the rest */
	} add[WAMP_JRNL_WHO];
	const struct wamp_jrnl_who *w;
	unsigned int seq, n, j, k;
	u64 rest_b, rest_h;

	seq = raw_read_seqcount(&tx->seq);
	if ((seq & 1) || READ_ONCE(tx->dev) != dev ||
	    READ_ONCE(tx->tid) != tid)
		return;
	rest_b = READ_ONCE(tx->rest_blocks);
	rest_h = READ_ONCE(tx->rest_handles);
	n = min_t(unsigned int, READ_ONCE(tx->n), WAMP_JRNL_WHO);
	for (j = 0; j < n; j++) {
		w = &tx->who[j];
		add[j].blocks = READ_ONCE(w->blocks);
		add[j].handles = READ_ONCE(w->handles);
		for (k = 0; k < c->n; k++)
			if (c->who[k].id.pid == READ_ONCE(w->id.pid) &&
			    c->who[k].id.start_time == READ_ONCE(w->id.start_time))
				break;
		if (k == c->n && k < WAMP_JRNL_SPLIT) {
			c->who[k].id = w->id;
			c->who[k].blocks = 0;
			c->who[k].handles = 0;
			c->n++;
		}
		add[j].k = k < c->n ? k : -1;
	}
	if (read_seqcount_retry(&tx->seq, seq))
		return;
	for (j = 0; j < n; j++) {
		if (add[j].k < 0) {
			rest_b += add[j].blocks;
			rest_h += add[j].handles;
			continue;
		}
		c->who[add[j].k].blocks += add[j].blocks;
		c->who[add[j].k].handles += add[j].handles;
	}
	c->rest_blocks += rest_b;
	c->rest_handles += rest_h;
}

/* The commit record of current, the journal thread; NULL if none. */
static struct wamp_jrnl_commit *wamp_jrnl_mine(void)
{
	struct wamp_jrnl_commit *c;
	int i;

	for (i = 0; i < WAMP_JRNL_COMMITS; i++) {
		c = &wamp_jrnl_commits[i];
		if (READ_ONCE(c->task) == current && c->pid == current->pid &&
		    c->start_time == current->start_time)
			return c;
	}
	return NULL;
}

void wamp_probe_jbd2_end_commit(void *data, journal_t *journal,
				transaction_t *transaction)
{
	struct wamp_jrnl_commit *c = wamp_jrnl_mine();

	if (!c)
		return;
	raw_spin_lock(&wamp_jrnl_lock);
	WRITE_ONCE(c->task, NULL);
	raw_spin_unlock(&wamp_jrnl_lock);
}

/*
 * A free commit record for current, or one whose thread has gone (it
 * stopped between commit_logging and end_commit); NULL if there is none.
 */
static struct wamp_jrnl_commit *wamp_jrnl_claim(void)
{
	struct wamp_jrnl_commit *c, *got = NULL;
	int i;

	/*
	 * Under the lock, a record's owner fields are whole whenever its
	 * liveness is judged: a claim in progress is never taken for a dead
	 * thread's record.  Once a commit, in the journal thread.
	 */
	raw_spin_lock(&wamp_jrnl_lock);
	rcu_read_lock();
	for (i = 0; i < WAMP_JRNL_COMMITS && !got; i++) {
		c = &wamp_jrnl_commits[i];
		if (c->task && wamp_live_task(c->pid, c->start_time))
			continue;
		c->pid = current->pid;
		c->start_time = current->start_time;
		WRITE_ONCE(c->task, current);
		got = c;
	}
	rcu_read_unlock();
	raw_spin_unlock(&wamp_jrnl_lock);
	return got;
}

/*
 * The journal thread starts writing the log of @transaction: gather whose
 * handles it carries, from every CPU.  Its pages of file data (ordered
 * mode) were submitted before this, and are charged to their dirtiers.
 */
void wamp_probe_jbd2_commit_logging(void *data, journal_t *journal,
				    transaction_t *transaction)
{
	u32 dev = journal->j_fs_dev ? (u32)journal->j_fs_dev->bd_dev : 0;
	u32 tid = transaction->t_tid;
	struct wamp_jrnl_commit *c;
	u64 blocks = 0, handles;
	unsigned int i;
	int cpu;

	if (!dev || !in_task())
		return;
	c = wamp_jrnl_mine();
	if (!c)
		c = wamp_jrnl_claim();
	if (!c)
		return;		/* kept by the journal thread */
	c->n = 0;
	c->weight = 0;
	c->rest_blocks = 0;
	c->rest_handles = 0;
	for_each_possible_cpu(cpu)
		for (i = 0; i < WAMP_JRNL_TX; i++)
			wamp_jrnl_gather(c, &per_cpu_ptr(wamp_jrnl_cpus,
							 cpu)->tx[i],
					 dev, tid);
	handles = c->rest_handles;
	for (i = 0; i < c->n; i++) {
		blocks += c->who[i].blocks;
		handles += c->who[i].handles;
	}
	/* By blocks, the kernel threads' included; by handles if none. */
	c->by_blocks = blocks + c->rest_blocks != 0;
	c->rest = c->by_blocks ? c->rest_blocks : c->rest_handles;
	c->weight = c->by_blocks ? blocks + c->rest_blocks : handles;
}

/*
 * Whether current is a journal thread writing a commit (its bios are of
 * the I/O class journal, attributed or not).
 */
bool wamp_jrnl_committing(void)
{
	return in_task() && (current->flags & PF_KTHREAD) && wamp_jrnl_mine();
}

/* A share's weight in @c. */
static u64 wamp_jrnl_weight(const struct wamp_jrnl_commit *c, unsigned int i)
{
	return c->by_blocks ? c->who[i].blocks : c->who[i].handles;
}

/*
 * Charge a bio of @bytes the journal thread (current) submits while it
 * commits (@rq: the bio got a request of its own) to the commit's tasks;
 * false if current commits nothing attributable (the caller charges it).
 * The shares are of the class journal; @how may ask for their stacks.
 */
bool wamp_jrnl_charge(u64 bytes, bool rq, unsigned int how)
{
	u64 share[WAMP_JRNL_SPLIT], given = 0, top = 0, attrib;
	struct wamp_jrnl_commit *c;
	unsigned int i, largest = 0;
	u64 w;

	if (!in_task() || !(current->flags & PF_KTHREAD))
		return false;
	c = wamp_jrnl_mine();
	if (!c || !c->weight || c->rest >= c->weight ||
	    c->n > WAMP_JRNL_SPLIT)
		return false;
	how |= WAMP_ACC_CLASS(WAMP_IO_journal);
	attrib = mul_u64_u64_div_u64(bytes, c->weight - c->rest, c->weight);
	for (i = 0; i < c->n; i++) {
		w = wamp_jrnl_weight(c, i);
		share[i] = mul_u64_u64_div_u64(bytes, w, c->weight);
		given += share[i];
		if (w > top) {
			top = w;
			largest = i;
		}
	}
	/* The rounding of the shares goes to the largest. */
	share[largest] += attrib - given;
	for (i = 0; i < c->n; i++) {
		/* A sampled bio counts once, in the largest share's stack. */
		if (i == largest && rq)
			wamp_store_account_for(&c->who[i].id, WAMP_EV_JRNL_RQ,
					       share[i], how);
		else if (share[i])
			wamp_store_account_for(&c->who[i].id,
					       WAMP_EV_JRNL_MERGE, share[i],
					       i == largest ? how :
					       how | WAMP_ACC_SHARE);
	}
	if (bytes > attrib) {
		wamp_store_account(WAMP_EV_BLK_MERGE, bytes - attrib,
				   how | WAMP_ACC_SHARE);
		wamp_store_jrnl_kept(bytes - attrib);
	}
	return true;
}

/* What the journal tables take: per CPU, and the commit records. */
size_t wamp_jrnl_bytes(void)
{
	return sizeof(struct wamp_jrnl_cpu) * num_possible_cpus() +
	       sizeof(struct wamp_jrnl_commit) * WAMP_JRNL_COMMITS;
}

int wamp_jrnl_init(void)
{
	int cpu, i;

	wamp_jrnl_cpus = alloc_percpu(struct wamp_jrnl_cpu);
	if (!wamp_jrnl_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		for (i = 0; i < WAMP_JRNL_TX; i++)
			seqcount_init(&per_cpu_ptr(wamp_jrnl_cpus, cpu)->tx[i].seq);
	wamp_jrnl_commits = kcalloc(WAMP_JRNL_COMMITS,
				    sizeof(*wamp_jrnl_commits), GFP_KERNEL);
	if (!wamp_jrnl_commits) {
		free_percpu(wamp_jrnl_cpus);
		wamp_jrnl_cpus = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Only after the probes are gone (tracepoint_synchronize_unregister()). */
void wamp_jrnl_exit(void)
{
	kfree(wamp_jrnl_commits);
	wamp_jrnl_commits = NULL;
	free_percpu(wamp_jrnl_cpus);
	wamp_jrnl_cpus = NULL;
}
