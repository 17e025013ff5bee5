/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which syscalls wamp counts, by ABI.  The numbers come from the kernel's
 * own generated headers (asm/unistd_64.h, asm/unistd_32_ia32.h and
 * asm/unistd_64_x32.h), never from a copied table.
 */
#ifndef WAMP_SYSCALLS_H
#define WAMP_SYSCALLS_H

#include <linux/types.h>
#include <asm/unistd.h>

/*
 * The hot-path table is indexed by syscall number: the low nibble is the
 * event for a 64-bit task, the high nibble the event for an ia32 task.
 * Every native and ia32 number wamp counts is below WAMP_SC_MAX; x32
 * numbers carry __X32_SYSCALL_BIT and take the slow path.
 */
#define WAMP_SC_MAX		512
#define WAMP_SC_IA32_SHIFT	4
#define WAMP_SC_MASK		0xf

/* What a counted syscall is, as its table entry says (4 bits). */
enum wamp_sc_kind {
	WAMP_SC_NONE = 0,
	WAMP_SC_WRITE,		/* arg 2 is the byte count */
	WAMP_SC_WRITEV,		/* arg 1 the iovec array, arg 2 its length */
	WAMP_SC_SYNC,
};

/*
 * What wamp counts, one line a syscall: X(name, kind, x32 number).  The
 * native and ia32 numbers are __NR_<name> and __NR_ia32_<name>; x32 shares
 * the 64-bit numbers of write, pwrite64 and the sync family, and has
 * numbers of its own for the vector calls (compat iovecs).
 */
#define WAMP_SYSCALLS(X)						\
	X(write, WRITE, __NR_write)					\
	X(pwrite64, WRITE, __NR_pwrite64)				\
	X(writev, WRITEV, __NR_x32_writev)				\
	X(pwritev, WRITEV, __NR_x32_pwritev)				\
	X(pwritev2, WRITEV, __NR_x32_pwritev2)				\
	X(fsync, SYNC, __NR_fsync)					\
	X(fdatasync, SYNC, __NR_fdatasync)				\
	X(sync_file_range, SYNC, __NR_sync_file_range)			\
	X(syncfs, SYNC, __NR_syncfs)					\
	X(sync, SYNC, __NR_sync)

struct wamp_sc {
	unsigned int nr;
	unsigned int kind;	/* enum wamp_sc_kind */
};

extern const struct wamp_sc wamp_sc_native[];
extern const size_t wamp_sc_native_len;
extern const struct wamp_sc wamp_sc_ia32[];
extern const size_t wamp_sc_ia32_len;
extern const struct wamp_sc wamp_sc_x32[];
extern const size_t wamp_sc_x32_len;

extern u8 wamp_sc_table[WAMP_SC_MAX];

void wamp_syscalls_init(void);
unsigned int wamp_sc_x32_kind(unsigned long nr);

/*
 * The kind of syscall @id, for a task that @is_ia32() says is an ia32 one
 * or not: the one classification the probe runs and KUnit tests.  A
 * syscall no ABI of ours counts costs the bounds check and one byte load;
 * the few whose table byte is set for the other ABI only (x86_64 stat,
 * getitimer and getresuid have ia32 write and sync numbers) pay the ABI
 * test too; x32 numbers (with __X32_SYSCALL_BIT) take the slow path.
 * @is_ia32 is called at most once, and only then: inlined with a constant
 * function, it costs what the test costs.
 */
static __always_inline unsigned int wamp_sc_classify(unsigned long id,
						     bool (*is_ia32)(void))
{
	unsigned int k;

	if (likely(id < WAMP_SC_MAX)) {
		k = wamp_sc_table[id];
		if (likely(!k))
			return WAMP_SC_NONE;
		return is_ia32() ? k >> WAMP_SC_IA32_SHIFT : k & WAMP_SC_MASK;
	}
	if ((id & __X32_SYSCALL_BIT) && !is_ia32())
		return wamp_sc_x32_kind(id & ~__X32_SYSCALL_BIT);
	return WAMP_SC_NONE;
}

#endif /* WAMP_SYSCALLS_H */
