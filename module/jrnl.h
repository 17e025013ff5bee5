/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Journal attribution (jrnl.c): jbd2's commits charged to the tasks whose
 * handles they carry.
 */
#ifndef WAMP_JRNL_H
#define WAMP_JRNL_H

#include <linux/types.h>

struct journal_s;
struct transaction_s;

int wamp_jrnl_init(void);
void wamp_jrnl_exit(void);
bool wamp_jrnl_charge(u64 bytes, bool rq, unsigned int how);
bool wamp_jrnl_committing(void);
size_t wamp_jrnl_bytes(void);

void wamp_probe_jbd2_handle_stats(void *data, dev_t dev, unsigned int tid,
				  unsigned int type, unsigned int line_no,
				  int interval, int sync, int requested_blocks,
				  int dirtied_blocks);
void wamp_probe_jbd2_commit_logging(void *data, struct journal_s *journal,
				    struct transaction_s *transaction);
void wamp_probe_jbd2_end_commit(void *data, struct journal_s *journal,
				struct transaction_s *transaction);

#endif /* WAMP_JRNL_H */
