/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions static in wamp.ko that the KUnit suites in wamp_kunit.ko call
 * (WAMP_VISIBLE_IF_KUNIT in compat.h): declared for the KUnit build only,
 * where they are not static.
 */
#ifndef WAMP_KUNIT_H
#define WAMP_KUNIT_H

#include <linux/types.h>

#ifdef WAMP_KUNIT
struct kernel_param;
struct seq_file;
struct wamp_row;
struct wamp_snapshot;

/* params.c */
int wamp_parse_centi(const char *s, unsigned int *out);
int wamp_param_set_uint(const char *val, const struct kernel_param *kp);
int wamp_param_set_centi(const char *val, const struct kernel_param *kp);

/* probe.c */
unsigned int wamp_syscall_kind(unsigned long id, bool ia32);

/* procfs.c */
int wamp_control_parse(const char *buf, size_t len);
void wamp_seq_header(struct seq_file *m, const struct wamp_snapshot *s);
void wamp_seq_row(struct seq_file *m, const struct wamp_row *r,
		  unsigned int flags);
void wamp_seq_tail(struct seq_file *m, const struct wamp_snapshot *s);
struct wamp_cg_row;
void wamp_seq_cg_header(struct seq_file *m, const struct wamp_snapshot *s);
void wamp_seq_cg_row(struct seq_file *m, const struct wamp_snapshot *s,
		     const struct wamp_cg_row *r, unsigned int flags);
void wamp_seq_sizes_header(struct seq_file *m, const struct wamp_snapshot *s);
void wamp_seq_sizes_row(struct seq_file *m, const struct wamp_snapshot *s,
			const struct wamp_row *r);

#endif /* WAMP_KUNIT */
#endif /* WAMP_KUNIT_H */
