// SPDX-License-Identifier: GPL-2.0
/*
 * The raw_syscalls:sys_enter probe.  Every syscall on the machine passes
 * through here, so the common case (a syscall wamp does not count) is one
 * bounds check and one byte load from a read-mostly table.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/compat.h>
#include <asm/unistd.h>
#include <asm/unistd_32_ia32.h>
#include <asm/unistd_64_x32.h>
#include "internal.h"
#include "account.h"
#include "syscalls.h"

const struct wamp_sc wamp_sc_native[] = {
	{ __NR_write,		WAMP_EV_WRITE },
	{ __NR_pwrite64,	WAMP_EV_WRITE },
	{ __NR_writev,		WAMP_EV_WRITEV },
	{ __NR_pwritev,		WAMP_EV_WRITEV },
	{ __NR_pwritev2,	WAMP_EV_WRITEV },
	{ __NR_fsync,		WAMP_EV_SYNC },
	{ __NR_fdatasync,	WAMP_EV_SYNC },
	{ __NR_sync_file_range,	WAMP_EV_SYNC },
	{ __NR_syncfs,		WAMP_EV_SYNC },
	{ __NR_sync,		WAMP_EV_SYNC },
};

const size_t wamp_sc_native_len = ARRAY_SIZE(wamp_sc_native);

const struct wamp_sc wamp_sc_ia32[] = {
	{ __NR_ia32_write,		WAMP_EV_WRITE },
	{ __NR_ia32_pwrite64,		WAMP_EV_WRITE },
	{ __NR_ia32_writev,		WAMP_EV_WRITEV },
	{ __NR_ia32_pwritev,		WAMP_EV_WRITEV },
	{ __NR_ia32_pwritev2,		WAMP_EV_WRITEV },
	{ __NR_ia32_fsync,		WAMP_EV_SYNC },
	{ __NR_ia32_fdatasync,		WAMP_EV_SYNC },
	{ __NR_ia32_sync_file_range,	WAMP_EV_SYNC },
	{ __NR_ia32_syncfs,		WAMP_EV_SYNC },
	{ __NR_ia32_sync,		WAMP_EV_SYNC },
};

const size_t wamp_sc_ia32_len = ARRAY_SIZE(wamp_sc_ia32);

/*
 * x32 shares the 64-bit numbers of write, pwrite64 and the sync family, and
 * has numbers of its own for the vector calls (compat iovecs).
 */
const struct wamp_sc wamp_sc_x32[] = {
	{ __NR_write,		WAMP_EV_WRITE },
	{ __NR_pwrite64,	WAMP_EV_WRITE },
	{ __NR_x32_writev,	WAMP_EV_WRITEV },
	{ __NR_x32_pwritev,	WAMP_EV_WRITEV },
	{ __NR_x32_pwritev2,	WAMP_EV_WRITEV },
	{ __NR_fsync,		WAMP_EV_SYNC },
	{ __NR_fdatasync,	WAMP_EV_SYNC },
	{ __NR_sync_file_range,	WAMP_EV_SYNC },
	{ __NR_syncfs,		WAMP_EV_SYNC },
	{ __NR_sync,		WAMP_EV_SYNC },
};

const size_t wamp_sc_x32_len = ARRAY_SIZE(wamp_sc_x32);

static u8 wamp_sc_table[WAMP_SC_MAX] __read_mostly;

static_assert(__NR_ia32_pwritev2 < WAMP_SC_MAX);
static_assert(__NR_pwritev2 < WAMP_SC_MAX && __NR_syncfs < WAMP_SC_MAX);

void wamp_syscalls_init(void)
{
	size_t i;

	for (i = 0; i < wamp_sc_native_len; i++)
		wamp_sc_table[wamp_sc_native[i].nr] |= wamp_sc_native[i].ev;
	for (i = 0; i < wamp_sc_ia32_len; i++)
		wamp_sc_table[wamp_sc_ia32[i].nr] |=
			wamp_sc_ia32[i].ev << WAMP_SC_IA32_SHIFT;
}

static unsigned int wamp_x32_event(unsigned long nr)
{
	size_t i;

	for (i = 0; i < wamp_sc_x32_len; i++)
		if (wamp_sc_x32[i].nr == nr)
			return wamp_sc_x32[i].ev;
	return WAMP_EV_NONE;
}

/* The event of a table entry for an ia32 or a 64-bit task. */
static __always_inline unsigned int wamp_sc_event(unsigned int k, bool ia32)
{
	return ia32 ? k >> WAMP_SC_IA32_SHIFT : k & WAMP_SC_MASK;
}

/* The event a syscall entry stands for, or WAMP_EV_NONE. */
unsigned int wamp_syscall_event(unsigned long id, bool ia32)
{
	if (unlikely(id >= WAMP_SC_MAX)) {
		if (!ia32 && (id & __X32_SYSCALL_BIT))
			return wamp_x32_event(id & ~__X32_SYSCALL_BIT);
		return WAMP_EV_NONE;
	}
	return wamp_sc_event(wamp_sc_table[id], ia32);
}

#define WAMP_IOV_CHUNK	8

/*
 * The bytes a vector write asks for: the sum of its iovec lengths, read
 * without faulting (before 6.13 this probe runs with preemption disabled).
 * An unreadable iovec array counts the call with 0 bytes and sets @fault.
 */
static u64 wamp_iov_bytes(unsigned long uvec, unsigned long cnt, bool compat,
			  bool *fault)
{
	size_t esz = compat ? sizeof(struct compat_iovec) : sizeof(struct iovec);
	union {
		struct iovec n[WAMP_IOV_CHUNK];
		struct compat_iovec c[WAMP_IOV_CHUNK];
	} buf;
	unsigned long done = 0, n, i;
	u64 sum = 0;

	if (cnt > UIO_MAXIOV)
		return 0;	/* the kernel refuses it with -EINVAL */
	while (done < cnt) {
		n = min_t(unsigned long, cnt - done, WAMP_IOV_CHUNK);
		if (copy_from_user_nofault(&buf, (const void __user *)
					   (uvec + done * esz), n * esz)) {
			*fault = true;
			return 0;
		}
		for (i = 0; i < n; i++)
			sum += compat ? buf.c[i].iov_len : buf.n[i].iov_len;
		done += n;
	}
	return sum;
}

/*
 * The vector writes, out of line: the iovec walk needs a stack buffer (and
 * so a stack protector) that the plain write path should not pay for.
 * The iovec array is the second argument, in si (x86_64, x32) or cx
 * (ia32), its length the third, in dx.
 */
static noinline notrace void wamp_sys_writev(struct pt_regs *regs, bool ia32,
					     bool compat)
{
	unsigned long uvec = ia32 ? regs->cx : regs->si;
	unsigned long cnt = regs->dx;
	bool fault = false;
	u64 bytes;

	if (compat) {
		uvec = (u32)uvec;
		cnt = (u32)cnt;
	}
	bytes = wamp_iov_bytes(uvec, cnt, compat, &fault);
	wamp_store_account(WAMP_EV_WRITE, bytes,
			   fault ? WAMP_ACC_IOV_FAULT : 0);
}

/*
 * Count one write or sync syscall.  The byte count of a write is the
 * third argument, in dx in both the x86_64 and the ia32 convention; a
 * compat task's registers are meaningful in their low halves only.
 * Inlined with constant @ia32 and @compat into each caller below.
 */
static __always_inline void wamp_sys_count(struct pt_regs *regs,
					   unsigned int ev, bool ia32,
					   bool compat)
{
	if (likely(ev == WAMP_EV_WRITE))
		wamp_store_account(WAMP_EV_WRITE,
				   compat ? (u32)regs->dx : regs->dx, 0);
	else if (ev == WAMP_EV_SYNC)
		wamp_store_account(WAMP_EV_SYNC, 0, 0);
	else if (ev == WAMP_EV_WRITEV)
		wamp_sys_writev(regs, ia32, compat);
}

/*
 * A syscall whose table entry @k is set: out of line, so that the probe's
 * common path (a syscall we do not count) carries no stack frame.
 */
static noinline notrace void wamp_sys_enter_counted(struct pt_regs *regs,
						    unsigned int k)
{
	if (unlikely(in_ia32_syscall()))
		wamp_sys_count(regs, wamp_sc_event(k, true), true, true);
	else
		wamp_sys_count(regs, wamp_sc_event(k, false), false, false);
}

/* An x32 syscall: its number carries __X32_SYSCALL_BIT. */
static noinline notrace void wamp_sys_enter_x32(struct pt_regs *regs,
						unsigned long id)
{
	wamp_sys_count(regs, wamp_syscall_event(id, false), false, true);
}

/*
 * notrace, as the kernel's own trace event probes are: this runs on every
 * syscall, and function tracing it would trace each traced call again.
 */
notrace void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned int k;

	if (likely((unsigned long)id < WAMP_SC_MAX)) {
		k = wamp_sc_table[id];
		/* The common case: a syscall no ABI of ours counts. */
		if (likely(!k))
			return;
		wamp_sys_enter_counted(regs, k);
	} else if (!in_ia32_syscall() && (id & __X32_SYSCALL_BIT)) {
		wamp_sys_enter_x32(regs, (unsigned long)id);
	}
}
