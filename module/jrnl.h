/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journal attribution (jrnl.c): jbd2's commits charged to the tasks whose
 * handles they carry.
 */
#ifndef WAMP_JRNL_H
#define WAMP_JRNL_H

#include <linux/types.h>

typedef struct journal_s journal_t;
typedef struct transaction_s transaction_t;

int wamp_jrnl_init(void);
void wamp_jrnl_exit(void);
bool wamp_jrnl_charge(u64 bytes, bool rq);

void wamp_probe_jbd2_handle_stats(void *data, dev_t dev, unsigned int tid,
				  unsigned int type, unsigned int line_no,
				  int interval, int sync, int requested_blocks,
				  int dirtied_blocks);
void wamp_probe_jbd2_commit_logging(void *data, journal_t *journal,
				    transaction_t *transaction);
void wamp_probe_jbd2_end_commit(void *data, journal_t *journal,
				transaction_t *transaction);

#endif /* WAMP_JRNL_H */
