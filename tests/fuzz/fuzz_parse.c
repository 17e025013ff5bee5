// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the /proc/wamp parser and every wampstat view and
 * output (cgroup view, filters and container recognition included) on
 * whatever it accepts.  Never a crash, a leak or undefined
 * behaviour (built with ASan and UBSan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wampparse.h"
#include "wscontainer.h"
#include "wsview.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every view, and the cgroup view and filters in their variants. */
static void views(const struct wampp_report *r, const struct wampp_report *p)
{
	static const enum ws_view v[] = { WS_TASKS, WS_PROCS, WS_COMMS,
					   WS_DEVS, WS_CGROUPS, WS_CGROUPS,
					   WS_TASKS, WS_CGROUPS };
	static const char *const cg[] = { NULL, NULL, NULL, NULL, NULL, "/",
					  "/system.slice", "/kubepods" };
	static const char *const ct[] = { NULL, NULL, NULL, NULL, NULL, NULL,
					  "0123", "1234abcd" };
	struct ws_result res;
	FILE *null = fopen("/dev/null", "w");
	size_t i;

	for (i = 0; null && i < ARRAY_SIZE(v); i++) {
		struct ws_opts o = { .view = v[i], .top = 5,
				     .format = (enum ws_format)(i % 3),
				     .subtree = i >= 5, .cgroup = cg[i],
				     .container = ct[i] };

		if (ws_build(r, p, 1.0, &o, &res))
			continue;
		ws_print_text(null, &res, &o);
		ws_print_json(null, &res, &o, 0);
		ws_print_prom(null, &res, &o);
		ws_result_free(&res);
	}
	if (null)
		fclose(null);
}

/* What a path says, for every cgroup row: no overrun on any path. */
static void containers(const struct wampp_report *r)
{
	struct ws_container c;
	size_t i;

	for (i = 0; i < r->ncgs; i++) {
		ws_container_parse(r->cgs[i].upath, &c);
		ws_container_match(&c, "0123");
		(void)wampp_find_cg_path(r, r->cgs[i].upath);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wampp_report r;
	char err[256], *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!wampp_parse(text, &r, err, sizeof(err))) {
		views(&r, NULL);
		views(&r, &r);
		containers(&r);
		wampp_free(&r);
	}
	free(text);
	return 0;
}
