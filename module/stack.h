/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack signatures of block submissions: for 1 in stack_sample of the
 * write bios charged to a task on a CPU, the kernel stack that submitted
 * it, kept per (task, I/O class, stack) with its bios and bytes in a
 * per-CPU table (stack.c).
 */
#ifndef WAMP_STACK_H
#define WAMP_STACK_H

#include <linux/types.h>
#include <linux/percpu.h>
#include "wamp.h"

#define WAMP_STACK_DEPTH	32	/* frames kept of a stack */
#define WAMP_STACK_WINDOW	8	/* entries a stack may use, from its hash */
#define WAMP_STACK_OWN		8	/* room for wamp's own frames, left out */

/*
 * One (task, class, stack): 320 bytes.  @hash (never 0) is published last
 * with a release store, readers acquire it first; only the owning CPU
 * writes an entry.
 */
struct wamp_stack {
	u64 hash;
	u64 start_time;
	pid_t pid;
	pid_t tgid;
	u64 bios;
	u64 bytes;
	char comm[WAMP_COMM_LEN];
	u32 cls;		/* enum wamp_io_class */
	u32 nr;			/* frames in @ips */
	unsigned long ips[WAMP_STACK_DEPTH];
};

/*
 * A CPU's table of stacks (in its struct wamp_cpu, so under its @busy and
 * @gen), and the frames of the bio being noted.
 */
struct wamp_stack_table {
	struct wamp_stack *e;
	unsigned int used;
	u64 overflow;
	unsigned long ips[WAMP_STACK_DEPTH + WAMP_STACK_OWN];
};

struct wamp_cpu;
struct wamp_slot;
struct seq_file;

extern unsigned int wamp_stack_sample;
extern unsigned int wamp_stack_size;
DECLARE_PER_CPU(int, wamp_stack_left);

/*
 * Whether the bio being charged on this CPU is one to note the stack of:
 * 1 in wamp_stack_sample (0: none); lowered, from the next bio on.  Any
 * context; a race with an interrupt on the countdown only moves a sample
 * by a bio.
 */
static __always_inline bool wamp_stack_tick(void)
{
	unsigned int n = READ_ONCE(wamp_stack_sample);
	int left;

	if (likely(!n))
		return false;
	left = this_cpu_dec_return(wamp_stack_left);
	if (left > 0 && left <= (int)n)
		return false;
	/* The countdown ended, or began under a larger stack_sample. */
	this_cpu_write(wamp_stack_left, n);
	return true;
}

void wamp_stack_note(struct wamp_cpu *c, struct wamp_slot *s, u64 bytes,
		     unsigned int cls, bool bio);
int wamp_stack_table_init(struct wamp_stack_table *t, int node);
void wamp_stack_table_clear(struct wamp_stack_table *t);
void wamp_stack_table_exit(struct wamp_stack_table *t);
size_t wamp_stack_table_bytes(void);
extern const struct file_operations wamp_stacks_fops;

#endif /* WAMP_STACK_H */
