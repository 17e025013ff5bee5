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

/* The event a syscall entry stands for, or WAMP_EV_NONE. */
unsigned int wamp_syscall_event(unsigned long id, bool ia32)
{
	unsigned int k;

	if (unlikely(id >= WAMP_SC_MAX)) {
		if (!ia32 && (id & __X32_SYSCALL_BIT))
			return wamp_x32_event(id & ~__X32_SYSCALL_BIT);
		return WAMP_EV_NONE;
	}
	k = wamp_sc_table[id];
	if (likely(!k))
		return WAMP_EV_NONE;
	return ia32 ? k >> WAMP_SC_IA32_SHIFT : k & WAMP_SC_MASK;
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
 * A write or sync syscall: out of line, so that the probe's common path
 * (a syscall we do not count) carries no stack frame, no stack protector
 * and no argument decoding.  The byte count is the third argument, in dx
 * in both the x86_64 and the ia32 convention; the iovec array is the
 * second, in si (x86_64, x32) or cx (ia32).  A 32-bit task's registers
 * are meaningful in their low halves only.
 */
static noinline void wamp_sys_enter_counted(struct pt_regs *regs,
					    unsigned long id)
{
	bool ia32 = in_ia32_syscall();
	bool compat = ia32 || in_compat_syscall();
	unsigned long a1 = ia32 ? regs->cx : regs->si;
	unsigned long a2 = regs->dx;
	bool fault = false;
	unsigned int ev;
	u64 bytes = 0;

	ev = wamp_syscall_event(id, ia32);
	if (ev == WAMP_EV_NONE)
		return;
	if (compat) {
		a1 = (u32)a1;
		a2 = (u32)a2;
	}
	if (ev == WAMP_EV_WRITE)
		bytes = a2;
	else if (ev == WAMP_EV_WRITEV)
		bytes = wamp_iov_bytes(a1, a2, compat, &fault);
	wamp_store_account(ev == WAMP_EV_SYNC ? WAMP_EV_SYNC : WAMP_EV_WRITE,
			   bytes, fault ? WAMP_ACC_IOV_FAULT : 0);
}

void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	/* The common case: a syscall no ABI of ours counts. */
	if (likely((unsigned long)id < WAMP_SC_MAX && !wamp_sc_table[id]))
		return;
	wamp_sys_enter_counted(regs, (unsigned long)id);
}
