/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which syscalls wamp counts, by ABI.  The numbers come from the kernel's
 * own generated headers (asm/unistd_64.h, asm/unistd_32_ia32.h and
 * asm/unistd_64_x32.h), never from a copied table.
 */
#ifndef WAMP_SYSCALLS_H
#define WAMP_SYSCALLS_H

#include <linux/types.h>

/*
 * The hot-path table is indexed by syscall number: the low nibble is the
 * event for a 64-bit task, the high nibble the event for an ia32 task.
 * Every native and ia32 number wamp counts is below WAMP_SC_MAX; x32
 * numbers carry __X32_SYSCALL_BIT and take the slow path.
 */
#define WAMP_SC_MAX		512
#define WAMP_SC_IA32_SHIFT	4
#define WAMP_SC_MASK		0xf

struct wamp_sc {
	unsigned int nr;
	unsigned int ev;	/* enum wamp_event */
};

extern const struct wamp_sc wamp_sc_native[];
extern const size_t wamp_sc_native_len;
extern const struct wamp_sc wamp_sc_ia32[];
extern const size_t wamp_sc_ia32_len;
extern const struct wamp_sc wamp_sc_x32[];
extern const size_t wamp_sc_x32_len;

void wamp_syscalls_init(void);
unsigned int wamp_syscall_event(unsigned long id, bool ia32);

#endif /* WAMP_SYSCALLS_H */
