/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracepoints (tp.c) and the probes registered on them: the syscall
 * probe (probe.c) and the block probes (blk.c), whose argument lists come
 * from compat.h.
 */
#ifndef WAMP_TP_H
#define WAMP_TP_H

struct bio;
struct pt_regs;
struct request;
struct request_queue;

int wamp_tp_init(void);
void wamp_tp_exit(void);

void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id);
WAMP_GETRQ_PROBE(wamp_probe_getrq);
WAMP_BIO_MERGE_PROBE(wamp_probe_bio_merge);
WAMP_RQ_PROBE(wamp_probe_rq_issue);
WAMP_RQ_PROBE(wamp_probe_rq_requeue);

#endif /* WAMP_TP_H */
