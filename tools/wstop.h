/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * wampstat --top: a full-screen view of wsview's rows, refreshed every
 * interval, in the tradition of top, iotop and htop (ncurses).
 */
#ifndef WSTOP_H
#define WSTOP_H

#include <stdbool.h>
#include <stddef.h>
#include "wampparse.h"
#include "wsview.h"

/* Read and parse the report; -1 with why in @msg. */
typedef int (*ws_load_fn)(const char *path, bool is_proc,
			  struct wampp_report *r, char *msg, size_t len);

/*
 * Run the full-screen view on @path every @interval_ns, @count refreshes
 * (-1: until q, SIGINT or SIGTERM), starting from @o.  wampstat's exit
 * status: 0, 1 when the report cannot be read, 2 without a terminal.
 */
int ws_top_main(const char *path, bool is_proc, long long interval_ns,
		long long count, struct ws_opts *o, ws_load_fn load);

#endif /* WSTOP_H */
