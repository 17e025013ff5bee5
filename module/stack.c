// SPDX-License-Identifier: GPL-2.0
/*
 * Stack signatures of block submissions (format in include/wamp.h,
 * debugfs wamp/stacks).
 *
 * For 1 in stack_sample of the write bios charged on a CPU (blk.c decides
 * which, wamp_stack_tick()), the probe that charges it notes the kernel
 * stack that submitted it: for the task it charges (its own bio, or the
 * writeback or journal commit it is charged for), with the bio's I/O
 * class.  The stack is taken with stack_trace_save() into the CPU's
 * scratch array, without wamp's own frames, and kept in the CPU's table
 * of stack_table_size entries, found by a hash of (task, class, frames):
 * an entry counts the sampled bios and bytes of its (task, class, stack).
 * A stack that finds no entry in its window counts as an overflow.
 *
 * Only the owning CPU writes its table, inside the probe's counted section
 * (wamp_store_charge(): preemption disabled, @busy raised, so a nested
 * probe notes nothing), and a reset clears it there, under the CPU's @gen.
 * Readers copy each CPU's entries, again if @gen moved, merge the same
 * (task, class, stack) of several CPUs and print them by bytes.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/jhash.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include "params.h"
#include "procfs.h"
#include "snapshot.h"
#include "stack.h"
#include "table.h"

unsigned int wamp_stack_sample __read_mostly = WAMP_STACK_SAMPLE_DEF;
unsigned int wamp_stack_size __read_mostly = WAMP_STACK_SIZE_DEF;
DEFINE_PER_CPU(int, wamp_stack_left);

static_assert(sizeof(struct wamp_stack) == 320);

static const char *const wamp_io_names[] = WAMP_IO_NAMES;

/* The table's index mask: stack_table_size is a power of two. */
static unsigned int wamp_stack_mask(void)
{
	return wamp_stack_size - 1;
}

static u64 wamp_stack_hash(const struct wamp_slot *s, unsigned int cls,
			   const unsigned long *ips, unsigned int nr)
{
	u32 lo = jhash(ips, nr * sizeof(*ips), (u32)s->pid ^ (cls << 24));
	u64 h = ((u64)jhash_2words((u32)s->start_time,
				   (u32)(s->start_time >> 32), lo) << 32) | lo;

	return h ? h : 1;
}

/*
 * Note the stack of the bio being charged to @s with @bytes of class
 * @cls, as a bio of its own (@bio) or as a share of one another record
 * counts (a journal commit's).  Called by wamp_store_charge() for a
 * sampled bio, in its counted section on this CPU (@c).
 */
void wamp_stack_note(struct wamp_cpu *c, struct wamp_slot *s, u64 bytes,
		     unsigned int cls, bool bio)
{
	struct wamp_stack_table *t = &c->stk;
	unsigned int nr, skip = 0, i, n;
	const unsigned long *ips;
	struct wamp_stack *e;
	u64 h;

	if (!t->e)
		return;
	nr = wamp_stack_save(t->ips, ARRAY_SIZE(t->ips));
	/* From the first frame that is not wamp's own (the probe's). */
	while (skip < nr && within_module(t->ips[skip], THIS_MODULE))
		skip++;
	ips = t->ips + skip;
	nr = min_t(unsigned int, nr - skip, WAMP_STACK_DEPTH);
	h = wamp_stack_hash(s, cls, ips, nr);
	i = (u32)h & wamp_stack_mask();
	for (n = 0; n < WAMP_STACK_WINDOW; n++, i = (i + 1) & wamp_stack_mask()) {
		e = &t->e[i];
		if (!e->hash) {
			e->start_time = s->start_time;
			e->pid = s->pid;
			e->tgid = s->tgid;
			e->bios = bio;
			e->bytes = bytes;
			memcpy(e->comm, s->comm, WAMP_COMM_LEN);
			e->cls = cls;
			e->nr = nr;
			memcpy(e->ips, ips, nr * sizeof(*ips));
			/* Readers look at an entry once its hash is set. */
			smp_store_release(&e->hash, h);
			WRITE_ONCE(t->used, t->used + 1);
			return;
		}
		if (e->hash == h && e->pid == s->pid &&
		    e->start_time == s->start_time && e->cls == cls &&
		    e->nr == nr && !memcmp(e->ips, ips, nr * sizeof(*ips))) {
			WRITE_ONCE(e->bios, e->bios + bio);
			WRITE_ONCE(e->bytes, e->bytes + bytes);
			return;
		}
	}
	WRITE_ONCE(t->overflow, t->overflow + 1);
}

int wamp_stack_table_init(struct wamp_stack_table *t, int node)
{
	t->e = kvzalloc_node(array_size(wamp_stack_size, sizeof(*t->e)),
			     GFP_KERNEL, node);
	return t->e ? 0 : -ENOMEM;
}

/* On the table's CPU, in a reset (table.c, wamp_cpu_clear()). */
void wamp_stack_table_clear(struct wamp_stack_table *t)
{
	memset(t->e, 0, array_size(wamp_stack_size, sizeof(*t->e)));
	WRITE_ONCE(t->used, 0);
	WRITE_ONCE(t->overflow, 0);
}

void wamp_stack_table_exit(struct wamp_stack_table *t)
{
	kvfree(t->e);
	t->e = NULL;
}

size_t wamp_stack_table_bytes(void)
{
	return array_size(wamp_stack_size, sizeof(struct wamp_stack));
}

/*
 * A reader's copy: the merged entries, by bytes.  Room for the entries in
 * use when it is taken and some slack (@room), not for every entry there
 * is: entries claimed beyond it while it copies are left out of this copy.
 */
#define WAMP_STACKS_SLACK	32	/* per CPU */

struct wamp_stacks {
	unsigned int used;
	unsigned int cap;
	u64 overflow;
	size_t room;
	size_t n;
	struct wamp_stack e[];
};

/* Copy one CPU's entries from @st->n on; again if its @gen moved. */
static void wamp_stacks_cpu(struct wamp_stacks *st, struct wamp_cpu *c)
{
	size_t start = st->n;
	unsigned int seq, i;
	int tries;
	u64 h;

	for (tries = 0; tries < WAMP_SNAP_TRIES; tries++) {
		st->n = start;
		seq = raw_read_seqcount(&c->gen);
		for (i = 0; i < wamp_stack_size && st->n < st->room; i++) {
			/* Pairs with the release in wamp_stack_note(). */
			h = smp_load_acquire(&c->stk.e[i].hash);
			if (!h)
				continue;
			st->e[st->n] = c->stk.e[i];
			st->e[st->n].hash = h;
			st->e[st->n].bios = READ_ONCE(c->stk.e[i].bios);
			st->e[st->n].bytes = READ_ONCE(c->stk.e[i].bytes);
			st->e[st->n].nr = min_t(u32, st->e[st->n].nr,
						WAMP_STACK_DEPTH);
			st->n++;
		}
		if (!(seq & 1) && !read_seqcount_retry(&c->gen, seq))
			break;
	}
	st->used += READ_ONCE(c->stk.used);
	st->overflow += READ_ONCE(c->stk.overflow);
}

/* The same (task, class, stack): the key of a record. */
static int wamp_stack_key_cmp(const void *a, const void *b)
{
	const struct wamp_stack *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return memcmp(x->ips, y->ips, x->nr * sizeof(x->ips[0]));
}

static int wamp_stack_bytes_cmp(const void *a, const void *b)
{
	const struct wamp_stack *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return wamp_stack_key_cmp(a, b);
}

static struct wamp_stacks *wamp_stacks_take(void)
{
	size_t room = 0, i, w;
	struct wamp_stacks *st;
	int cpu;

	for_each_possible_cpu(cpu)
		room += min_t(size_t, wamp_stack_size,
			      READ_ONCE(per_cpu_ptr(wamp_cpus, cpu)->stk.used) +
			      WAMP_STACKS_SLACK);
	st = wamp_snap_alloc(struct_size(st, e, room));
	if (!st)
		return ERR_PTR(-ENOMEM);
	memset(st, 0, sizeof(*st));
	st->room = room;
	st->cap = num_possible_cpus() * wamp_stack_size;
	for_each_possible_cpu(cpu) {
		wamp_stacks_cpu(st, per_cpu_ptr(wamp_cpus, cpu));
		cond_resched();
	}
	sort(st->e, st->n, sizeof(st->e[0]), wamp_stack_key_cmp, NULL);
	cond_resched();
	for (i = 0, w = 0; i < st->n; i++) {
		if (w && !wamp_stack_key_cmp(&st->e[w - 1], &st->e[i])) {
			st->e[w - 1].bios += st->e[i].bios;
			st->e[w - 1].bytes += st->e[i].bytes;
			continue;
		}
		if (w != i)
			st->e[w] = st->e[i];
		w++;
	}
	st->n = w;
	sort(st->e, st->n, sizeof(st->e[0]), wamp_stack_bytes_cmp, NULL);
	return st;
}

/* Positions: 0 the header line, 1..n the records. */
static void *wamp_stacks_start(struct seq_file *m, loff_t *pos)
{
	const struct wamp_stacks *st = m->private;

	if (!st || *pos < 0 || *pos > (loff_t)st->n)
		return NULL;
	return (void *)(uintptr_t)(*pos + 1);
}

static void *wamp_stacks_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return wamp_stacks_start(m, pos);
}

static void wamp_stacks_stop(struct seq_file *m, void *v)
{
}

/* Whether @ip is the tracepoint's iterator (a kernel frame above ours). */
static bool wamp_stack_iter(unsigned long ip)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol_no_offset(sym, ip);
	return !strncmp(sym, "__traceiter_", 12);
}

static int wamp_stacks_show(struct seq_file *m, void *v)
{
	const struct wamp_stacks *st = m->private;
	size_t idx = (uintptr_t)v - 1;
	const struct wamp_stack *e;
	unsigned int i = 0;

	if (!idx) {
		seq_printf(m, WAMP_STACKS_MAGIC " %d.%d sample=%u depth=%u entries=%u/%u overflow=%llu\n",
			   WAMP_STACKS_MAJOR, WAMP_STACKS_MINOR,
			   READ_ONCE(wamp_stack_sample), WAMP_STACK_DEPTH,
			   st->used, st->cap, st->overflow);
		return 0;
	}
	e = &st->e[idx - 1];
	seq_printf(m, "stack pid=%d tgid=%d comm=", e->pid, e->tgid);
	wamp_seq_name(m, e->comm, sizeof(e->comm));
	seq_printf(m, " class=%s bios=%llu bytes=%llu\n",
		   e->cls < WAMP_IO_NR ? wamp_io_names[e->cls] : "other",
		   e->bios, e->bytes);
	if (e->nr && wamp_stack_iter(e->ips[0]))
		i = 1;
	for (; i < e->nr; i++)
		seq_printf(m, "\t%pS\n", (void *)e->ips[i]);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations wamp_stacks_seq_ops = {
	.start = wamp_stacks_start,
	.next = wamp_stacks_next,
	.stop = wamp_stacks_stop,
	.show = wamp_stacks_show,
};

/* As /proc/wamp: a seq_file for every open, a copy for a reader's. */
static int wamp_stacks_open(struct inode *inode, struct file *file)
{
	struct wamp_stacks *st = NULL;
	int ret;

	if (file->f_mode & FMODE_READ) {
		st = wamp_stacks_take();
		if (IS_ERR(st))
			return PTR_ERR(st);
	}
	ret = seq_open(file, &wamp_stacks_seq_ops);
	if (ret) {
		kvfree(st);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = st;
	return 0;
}

static int wamp_stacks_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	kvfree(m->private);
	return seq_release(inode, file);
}

const struct file_operations wamp_stacks_fops = {
	.owner = THIS_MODULE,
	.open = wamp_stacks_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = wamp_stacks_release,
};
