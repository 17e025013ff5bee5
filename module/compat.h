/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where wamp adapts to the kernel it is built against.  It is
 * force-included into every file (see Kbuild), so the .c files are written
 * against one API and carry no #if.  WAMP_HAVE_<FEATURE> come from the
 * build-time probes in configure/, each of which cites the upstream change
 * it detects.
 */
#ifndef WAMP_COMPAT_H
#define WAMP_COMPAT_H

#include <linux/kconfig.h>

/* The floor, found by what the kernel has rather than by its version. */
#ifndef WAMP_HAVE_UACCESS_NOFAULT
#error "wamp needs Linux 5.10 or later (no copy_from_user_nofault() here)"
#endif

#ifndef CONFIG_X86_64
#error "wamp supports x86_64 only: syscall numbers and compat decoding are x86's"
#endif

#ifndef CONFIG_HAVE_SYSCALL_TRACEPOINTS
#error "wamp needs CONFIG_HAVE_SYSCALL_TRACEPOINTS (raw_syscalls:sys_enter)"
#endif

#ifndef CONFIG_TRACEPOINTS
#error "wamp needs CONFIG_TRACEPOINTS"
#endif

#ifndef CONFIG_CGROUPS
#error "wamp needs CONFIG_CGROUPS (every task is in a cgroup it reports)"
#endif

/*
 * Probe argument lists of the block tracepoints.  A probe is declared as
 * wamp_probe_x(void *data, WAMP_TP_RQ_ARGS) and uses @rq (or @bio); the
 * static_asserts in tp.c check them against the kernel's prototypes.
 */
#ifdef WAMP_HAVE_TP_RQ_ONLY
#define WAMP_TP_RQ_ARGS		struct request *rq
#else
#define WAMP_TP_RQ_ARGS		struct request_queue *wamp_q, struct request *rq
#endif

#ifdef WAMP_HAVE_TP_BIO_ONLY
#define WAMP_TP_GETRQ_ARGS	struct bio *bio
#define WAMP_TP_BIO_MERGE_ARGS	struct bio *bio
#else
#define WAMP_TP_GETRQ_ARGS	struct request_queue *wamp_q, struct bio *bio, \
				int wamp_rw
#define WAMP_TP_BIO_MERGE_ARGS	struct request_queue *wamp_q, \
				struct request *wamp_rq, struct bio *bio
#endif

/*
 * The dirtying tracepoint: writeback_dirty_folio (v5.16), before it
 * writeback_dirty_page, which accounted one page at a time.  A probe
 * declared with WAMP_DIRTY_PROBE() gets @wamp_dirty (the folio or page)
 * and @mapping; wamp_dirty_bytes() is what folio_account_dirtied() hands
 * to task_io_account_write().
 */
#ifdef WAMP_HAVE_TP_DIRTY_FOLIO
#define WAMP_DIRTY_TP		writeback_dirty_folio
#define WAMP_TP_DIRTY_ARGS	struct folio *wamp_dirty, \
				struct address_space *mapping
#define wamp_dirty_bytes(f)	((u64)folio_nr_pages(f) * PAGE_SIZE)
#else
#define WAMP_DIRTY_TP		writeback_dirty_page
#define WAMP_TP_DIRTY_ARGS	struct page *wamp_dirty, \
				struct address_space *mapping
#define wamp_dirty_bytes(p)	((void)(p), (u64)PAGE_SIZE)
#endif
#define WAMP_DIRTY_PROBE(fn)	void fn(void *data, WAMP_TP_DIRTY_ARGS)

/* The low bits of page->mapping that say it is no file's mapping. */
#ifdef WAMP_HAVE_FOLIO_MAPPING_FLAGS
#define WAMP_MAPPING_FLAGS	FOLIO_MAPPING_FLAGS
#else
#define WAMP_MAPPING_FLAGS	PAGE_MAPPING_FLAGS
#endif

/* Declares or defines a block probe with this kernel's argument list. */
#define WAMP_RQ_PROBE(fn)		void fn(void *data, WAMP_TP_RQ_ARGS)
#define WAMP_GETRQ_PROBE(fn)		void fn(void *data, WAMP_TP_GETRQ_ARGS)
#define WAMP_BIO_MERGE_PROBE(fn)	void fn(void *data, WAMP_TP_BIO_MERGE_ARGS)

/*
 * Functions the KUnit suites (tests/kunit/, built into wamp_kunit.ko with
 * WAMP_KUNIT defined) call directly are static in wamp.ko.  The kernel's
 * own VISIBLE_IF_KUNIT (<kunit/visibility.h>, v6.2) keys on CONFIG_KUNIT,
 * which would expose them in every production build on a kernel that has
 * KUnit, and 5.10 and 6.1 lack it: this one keys on the test build.
 */
#ifdef WAMP_KUNIT
#define WAMP_VISIBLE_IF_KUNIT
#else
#define WAMP_VISIBLE_IF_KUNIT static
#endif

#ifdef WAMP_HAVE_QUEUE_DISK
#define wamp_rq_disk(rq)	((rq)->q->disk)
#else
#define wamp_rq_disk(rq)	((rq)->rq_disk)
#endif

/*
 * The cgroup the kernel charges a bio to, as io.stat counts it: its
 * blkcg's, if the io controller is on the unified hierarchy, else NULL
 * (no block cgroups, io disabled with cgroup_disable=io, or io bound to a
 * v1 hierarchy, whose cgroups are not the v2 ones tasks are counted in).
 * The bio's blkg holds its blkcg, which holds its cgroup.  wamp_cg_io()
 * names the case for the report.
 * Macros: this header comes before any other (see the top).
 */
#if !IS_ENABLED(CONFIG_BLK_CGROUP)
#define wamp_bio_cgroup(bio)	((void)(bio), (struct cgroup *)NULL)
#define wamp_cg_io()		WAMP_IO_NONE
#else
#ifdef WAMP_HAVE_BIO_BLKCG_CSS
#define wamp_bio_css(bio)	bio_blkcg_css(bio)
#else
#define wamp_bio_css(b) ({						\
	struct bio *wamp_b = (b);					\
	wamp_b->bi_blkg ? &wamp_b->bi_blkg->blkcg->css : NULL;		\
})
#endif
#define wamp_io_on_dfl()	(cgroup_subsys_enabled(io_cgrp_subsys) && \
				 cgroup_subsys_on_dfl(io_cgrp_subsys))
#define wamp_cg_io()							\
	(!cgroup_subsys_enabled(io_cgrp_subsys) ? WAMP_IO_NONE :	\
	 wamp_io_on_dfl() ? WAMP_IO_V2 : WAMP_IO_V1)
#define wamp_bio_cgroup(bio) ({						\
	struct cgroup_subsys_state *wamp_css =				\
		wamp_io_on_dfl() ? wamp_bio_css(bio) : NULL;		\
	wamp_css ? wamp_css->cgroup : NULL;				\
})
#endif

/*
 * The ftrace hook on the counted syscalls (syscall_hook=1, fhook.c).  A
 * callback declared with WAMP_FTRACE_CB() reads the traced wrapper's first
 * argument, the task's user registers, with wamp_ftrace_arg0(@fr).  With
 * DYNAMIC_FTRACE_WITH_ARGS (x86 since v5.11) every callback has the argument
 * registers; before, the ops must ask for all of them
 * (FTRACE_OPS_FL_SAVE_REGS), which costs more per call.  WAMP_FTRACE_FLAGS
 * also says that the callback guards itself against recursion (it counts
 * through the store's per-CPU section, which does, and it calls no function
 * it hooks), so that ftrace calls it straight from the trampoline: since
 * v5.11 by leaving out FTRACE_OPS_FL_RECURSION, which asks for
 * ftrace_ops_assist_func() in between; before, by setting
 * FTRACE_OPS_FL_RECURSION_SAFE.  Either way the callback may be preempted:
 * the store disables preemption itself.
 */
#ifdef WAMP_HAVE_FTRACE_REGS
#define wamp_ftrace_regs	ftrace_regs	/* a struct tag */
#if IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define WAMP_FTRACE_SAVE_REGS	0
#ifdef WAMP_HAVE_FTRACE_REGS_ARG
#define wamp_ftrace_arg0(fr)	ftrace_regs_get_argument((fr), 0)
#else
#define wamp_ftrace_arg0(fr)	((fr)->regs.di)
#endif
#else
#define WAMP_FTRACE_SAVE_REGS	FTRACE_OPS_FL_SAVE_REGS
#define wamp_ftrace_arg0(fr)	(ftrace_get_regs(fr)->di)
#endif
#else
#define wamp_ftrace_regs	pt_regs
#define WAMP_FTRACE_SAVE_REGS	FTRACE_OPS_FL_SAVE_REGS
#define wamp_ftrace_arg0(fr)	((fr)->di)
#endif
#ifdef WAMP_HAVE_FTRACE_OPS_RECURSION
#define WAMP_FTRACE_FLAGS	WAMP_FTRACE_SAVE_REGS
#else
#define WAMP_FTRACE_FLAGS	(WAMP_FTRACE_SAVE_REGS | \
				 FTRACE_OPS_FL_RECURSION_SAFE)
#endif
#define WAMP_FTRACE_CB(fn)						\
	void fn(unsigned long ip, unsigned long pip, struct ftrace_ops *op, \
		struct wamp_ftrace_regs *fr)

/*
 * The kernel stack of a sampled bio (stack.c), innermost first, without
 * stack_trace_save() itself.  It is there with CONFIG_STACKTRACE, as in
 * every distribution kernel; without it every stack is empty, so the
 * records are per (task, class) only.
 */
#ifdef CONFIG_STACKTRACE
#define wamp_stack_save(ips, n)	stack_trace_save((ips), (n), 0)
#else
#define wamp_stack_save(ips, n)	((void)(ips), (void)(n), 0u)
#endif

#endif /* WAMP_COMPAT_H */
