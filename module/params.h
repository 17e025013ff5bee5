/* SPDX-License-Identifier: GPL-2.0 */
/* The module parameters (params.c): the table size and the thresholds. */
#ifndef WAMP_PARAMS_H
#define WAMP_PARAMS_H

#include "wamp.h"

/* A threshold parameter: its variable and the range a write must fall in. */
struct wamp_uint_param {
	unsigned int *val;
	unsigned int min;
	unsigned int max;
};

extern unsigned int wamp_table_size;
extern unsigned int wamp_owner_size;
extern unsigned int wamp_cg_size;
extern unsigned int wamp_root_only;
extern unsigned int wamp_syscall_hook;
void wamp_params_thresholds(struct wamp_thresholds *t);

#endif /* WAMP_PARAMS_H */
