// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the /proc/wamp parser and every wampstat view and
 * output (cgroup view, filters and container recognition included, the
 * write sizes and the explanations) on whatever it accepts, and the
 * stacks parser and view on the same input.  Never a crash, a leak or
 * undefined behaviour (built with ASan and UBSan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wampparse.h"
#include "wscontainer.h"
#include "wsexplain.h"
#include "wsstacks.h"
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

/* --sizes and --explain in the task views, with stacks @s (or none). */
static void modes(const struct wampp_report *r, const struct wampp_report *p,
		  const struct wampp_stacks *s)
{
	static const enum ws_view v[] = { WS_TASKS, WS_PROCS, WS_COMMS };
	struct ws_stack_view sv;
	struct ws_result res;
	FILE *null = fopen("/dev/null", "w");
	size_t i;

	for (i = 0; null && i < ARRAY_SIZE(v); i++) {
		struct ws_opts o = { .view = v[i], .top = (int)i * 2,
				     .mode = WS_MODE_SIZES,
				     .container = i == 2 ? "0123" : NULL };
		struct ws_explain_ctx x = { .stacks_note = "none" };

		if (!ws_build(r, p, 1.0, &o, &res)) {
			ws_print_sizes(null, &res, &o);
			ws_print_sizes_json(null, &res, &o, 0);
			ws_result_free(&res);
		}
		o.mode = WS_MODE_EXPLAIN;
		o.view = v[i] == WS_TASKS ? WS_PROCS : v[i];
		if (s && !ws_stacks_build(s, NULL, &o, &sv))
			x.stacks = &sv;
		if (!ws_build(r, p, 1.0, &o, &res)) {
			ws_print_explain(null, &res, &o, &x);
			ws_print_explain_json(null, &res, &o, &x, 0);
			ws_result_free(&res);
		}
		if (x.stacks)
			ws_stacks_free(&sv);
	}
	if (null)
		fclose(null);
}

/* The stacks parser and view, in each grouping, on the same input. */
static void stacks(const struct wampp_stacks *s)
{
	static const enum ws_view v[] = { WS_TASKS, WS_PROCS, WS_COMMS };
	struct ws_stack_view sv;
	FILE *null = fopen("/dev/null", "w");
	size_t i;

	for (i = 0; null && i < ARRAY_SIZE(v); i++) {
		struct ws_opts o = { .view = v[i], .top = (int)i,
				     .no_offsets = i == 1 };

		if (ws_stacks_build(s, NULL, &o, &sv))
			continue;
		ws_print_stacks(null, &sv, &o);
		ws_print_stacks_json(null, &sv, &o, 0);
		ws_stacks_free(&sv);
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
	struct wampp_stacks s;
	char err[256], *text = malloc(size + 1);
	bool have_s;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	have_s = !wampp_stacks_parse(text, &s, err, sizeof(err));
	if (have_s)
		stacks(&s);
	if (!wampp_parse(text, &r, err, sizeof(err))) {
		views(&r, NULL);
		views(&r, &r);
		modes(&r, NULL, have_s ? &s : NULL);
		modes(&r, &r, NULL);
		containers(&r);
		wampp_free(&r);
	}
	if (have_s)
		wampp_stacks_free(&s);
	free(text);
	return 0;
}
