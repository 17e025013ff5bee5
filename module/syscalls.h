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
/* Added to a kind by wamp_sc_classify(): the ABI it found it for. */
#define WAMP_SC_ABI_IA32	0x10
#define WAMP_SC_ABI_X32		0x20

/* What a counted syscall is, as its table entry says (4 bits). */
enum wamp_sc_kind {
	WAMP_SC_NONE = 0,
	WAMP_SC_WRITE,		/* arg 2 is the byte count */
	WAMP_SC_WRITEV,		/* arg 1 the iovec array, arg 2 its length */
	WAMP_SC_SYNC,		/* of a file: fsync, fdatasync, sync_file_range */
	WAMP_SC_SYNCFS,		/* of file systems: syncfs, sync */
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
	X(syncfs, SYNCFS, __NR_syncfs)					\
	X(sync, SYNCFS, __NR_sync)

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
unsigned int wamp_sc_current(void);

/* The table entry an x32 number stands for (it is beyond the table). */
#define WAMP_SC_ENTRY_X32	0x100

/*
 * How syscalls are classified, in two steps: the probe takes the first on
 * every syscall and the second only when the first says the syscall may
 * be ours; wamp_syscall_kind() (for KUnit) is the two in a row.
 *
 * Step one: the table entry of syscall @id, 0 if no ABI of ours counts it.
 * A syscall no ABI of ours counts costs the bounds check and one byte
 * load; the few whose table byte is set for the other ABI only (x86_64
 * numbers that are ia32 write or sync numbers: stat, getitimer,
 * getresuid, getpmsg, sched_get_priority_max, sched_rr_get_interval, rseq,
 * sched_setattr among them) and the x32 numbers (with __X32_SYSCALL_BIT)
 * go on to step two.
 */
static __always_inline unsigned int wamp_sc_entry(unsigned long id)
{
	/*
	 * Through a pointer: the bound is checked here, and an array
	 * subscript would be checked again by UBSAN_BOUNDS (Debian's 7.x
	 * kernels have it), on every syscall.
	 */
	const u8 *table = wamp_sc_table;

	if (likely(id < WAMP_SC_MAX))
		return table[id];
	return id & __X32_SYSCALL_BIT ? WAMP_SC_ENTRY_X32 : 0;
}

/*
 * Step two: the kind of syscall @id, whose entry @k is nonzero, for a
 * task that @is_ia32() says is an ia32 one or not, with the ABI it is of
 * (WAMP_SC_ABI_*); WAMP_SC_NONE if this ABI does not count it.  Inlined
 * with a constant @is_ia32, the call costs what the test costs.
 */
static __always_inline unsigned int wamp_sc_kind(unsigned long id,
						 unsigned int k,
						 bool (*is_ia32)(void))
{
	if (unlikely(k == WAMP_SC_ENTRY_X32)) {
		if (is_ia32())
			return WAMP_SC_NONE;
		k = wamp_sc_x32_kind(id & ~__X32_SYSCALL_BIT);
		return k ? k | WAMP_SC_ABI_X32 : WAMP_SC_NONE;
	}
	if (!is_ia32())
		return k & WAMP_SC_MASK;
	k >>= WAMP_SC_IA32_SHIFT;
	return k ? k | WAMP_SC_ABI_IA32 : WAMP_SC_NONE;
}

#endif /* WAMP_SYSCALLS_H */
