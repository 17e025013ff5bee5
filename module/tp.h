/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoints (tp.c) and the probes registered on them: the syscall
 * probe (probe.c), the block probes (blk.c) and the dirtying probe
 * (dirty.c), whose argument lists come from compat.h.
 */
#ifndef WAMP_TP_H
#define WAMP_TP_H

#include <linux/errno.h>

struct address_space;
struct bio;
struct folio;
struct page;
struct pt_regs;
struct request;
struct request_queue;

int wamp_tp_init(void);
void wamp_tp_exit(void);

/*
 * The ftrace hook (fhook.c), built with CONFIG_DYNAMIC_FTRACE only: without
 * it there is no filter, so the hook is not possible (and without
 * CONFIG_FUNCTION_TRACER, as in wamp's debug kernel, no struct ftrace_ops).
 */
#ifdef CONFIG_DYNAMIC_FTRACE
int wamp_fhook_init(void);
void wamp_fhook_exit(void);
#else
static inline int wamp_fhook_init(void)
{
	return -EOPNOTSUPP;
}

static inline void wamp_fhook_exit(void)
{
}
#endif

void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id);
WAMP_GETRQ_PROBE(wamp_probe_getrq);
WAMP_BIO_MERGE_PROBE(wamp_probe_bio_merge);
WAMP_RQ_PROBE(wamp_probe_rq_issue);
WAMP_RQ_PROBE(wamp_probe_rq_requeue);
WAMP_DIRTY_PROBE(wamp_probe_dirty);

#endif /* WAMP_TP_H */
