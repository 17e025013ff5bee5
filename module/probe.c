// SPDX-License-Identifier: GPL-2.0
/*
 * The raw_syscalls:sys_enter probe.  Every syscall on the machine passes
 * through here, so the common case (a syscall wamp does not count) is one
 * bounds check and one byte load from a read-mostly table: see
 * wamp_sc_entry() and wamp_sc_kind() in syscalls.h, the code this probe
 * runs and KUnit tests.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/compat.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <asm/unistd_32_ia32.h>
#include <asm/unistd_64_x32.h>
#include "kunit.h"
#include "syscalls.h"
#include "table.h"
#include "tp.h"

#define WAMP_SC_NATIVE(name, kind, x32)	{ __NR_##name, WAMP_SC_##kind },
#define WAMP_SC_IA32(name, kind, x32)	{ __NR_ia32_##name, WAMP_SC_##kind },
#define WAMP_SC_X32(name, kind, x32)	{ x32, WAMP_SC_##kind },

const struct wamp_sc wamp_sc_native[] = { WAMP_SYSCALLS(WAMP_SC_NATIVE) };
const struct wamp_sc wamp_sc_ia32[] = { WAMP_SYSCALLS(WAMP_SC_IA32) };
const struct wamp_sc wamp_sc_x32[] = { WAMP_SYSCALLS(WAMP_SC_X32) };
const size_t wamp_sc_native_len = ARRAY_SIZE(wamp_sc_native);
const size_t wamp_sc_ia32_len = ARRAY_SIZE(wamp_sc_ia32);
const size_t wamp_sc_x32_len = ARRAY_SIZE(wamp_sc_x32);

u8 wamp_sc_table[WAMP_SC_MAX] __read_mostly;

static_assert(__NR_ia32_pwritev2 < WAMP_SC_MAX);
static_assert(__NR_pwritev2 < WAMP_SC_MAX && __NR_syncfs < WAMP_SC_MAX);

void wamp_syscalls_init(void)
{
	size_t i;

	for (i = 0; i < wamp_sc_native_len; i++)
		wamp_sc_table[wamp_sc_native[i].nr] |= wamp_sc_native[i].kind;
	for (i = 0; i < wamp_sc_ia32_len; i++)
		wamp_sc_table[wamp_sc_ia32[i].nr] |=
			wamp_sc_ia32[i].kind << WAMP_SC_IA32_SHIFT;
}

/* The kind of x32 syscall @nr (its number without __X32_SYSCALL_BIT). */
unsigned int wamp_sc_x32_kind(unsigned long nr)
{
	size_t i;

	for (i = 0; i < wamp_sc_x32_len; i++)
		if (wamp_sc_x32[i].nr == nr)
			return wamp_sc_x32[i].kind;
	return WAMP_SC_NONE;
}

static __always_inline bool wamp_in_ia32(void)
{
	return in_ia32_syscall();
}

/* For KUnit: both steps of the classification for a task of ABI @ia32. */
static bool wamp_kunit_ia32;

static bool wamp_kunit_is_ia32(void)
{
	return wamp_kunit_ia32;
}

WAMP_VISIBLE_IF_KUNIT unsigned int __maybe_unused
wamp_syscall_kind(unsigned long id, bool ia32)
{
	unsigned int k = wamp_sc_entry(id);

	wamp_kunit_ia32 = ia32;
	return k ? wamp_sc_kind(id, k, wamp_kunit_is_ia32) : WAMP_SC_NONE;
}

/*
 * The kind of the syscall current is in (WAMP_SC_NONE: none counted, or
 * not in one), for the class of a bio it submits (blk.c).  A kernel
 * thread is in none; in an exception, orig_ax is no syscall number.
 */
unsigned int wamp_sc_current(void)
{
	struct task_struct *t = current;
	long nr;
	unsigned int k;

	if (t->flags & PF_KTHREAD)
		return WAMP_SC_NONE;
	nr = syscall_get_nr(t, task_pt_regs(t));
	if (nr < 0)
		return WAMP_SC_NONE;
	k = wamp_sc_entry(nr);
	return k ? wamp_sc_kind(nr, k, wamp_in_ia32) & WAMP_SC_MASK :
		   WAMP_SC_NONE;
}

#define WAMP_IOV_CHUNK	8

/*
 * The bytes a vector write asks for: the sum of its iovec lengths, read
 * without faulting (the sys_enter probe runs with preemption disabled
 * before 6.13; the ftrace hook's callback may run preemptible).
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
 * Inlined with constant @ia32 and @compat into each case below.
 */
static __always_inline void wamp_sys_count(struct pt_regs *regs,
					   unsigned int kind, bool ia32,
					   bool compat)
{
	if (likely(kind == WAMP_SC_WRITE))
		wamp_store_account(WAMP_EV_WRITE,
				   compat ? (u32)regs->dx : regs->dx, 0);
	else if (kind >= WAMP_SC_SYNC)		/* SYNC, SYNCFS */
		wamp_store_account(WAMP_EV_SYNC, 0, 0);
	else if (kind == WAMP_SC_WRITEV)
		wamp_sys_writev(regs, ia32, compat);
}

/*
 * A syscall whose table entry @k is set: out of line, so that the probe's
 * common path (a syscall we do not count) carries no stack frame.  Its
 * first three arguments are the probe's, in the probe's registers, and
 * noipa keeps gcc from dropping the unused one: the common path moves none
 * of them.
 */
static noinline notrace __attribute__((noipa)) void
wamp_sys_enter_counted(void *data, struct pt_regs *regs, unsigned long id,
		       unsigned int k)
{
	unsigned int kind = wamp_sc_kind(id, k, wamp_in_ia32);

	if (unlikely(kind & WAMP_SC_ABI_IA32))
		wamp_sys_count(regs, kind & WAMP_SC_MASK, true, true);
	else if (unlikely(kind & WAMP_SC_ABI_X32))
		wamp_sys_count(regs, kind & WAMP_SC_MASK, false, true);
	else
		wamp_sys_count(regs, kind, false, false);
}

/* A native write the fast path did not count: the general path. */
static noinline notrace void wamp_sys_write_slow(u64 bytes)
{
	wamp_store_account(WAMP_EV_WRITE, bytes, 0);
}

/*
 * A syscall whose entry @k is WAMP_SC_WRITE alone (write and pwrite64:
 * their ia32 numbers are exit and oldstat, which no ABI of ours counts):
 * for a task not in an ia32 syscall, a native write, what wamp_sc_kind()
 * returns for it.  The call counted most: table.h's wamp_store_write_hit(),
 * which calls nothing, so this saves no register; when it does not count
 * the call, a tail call to the general path does.  The probe's arguments
 * stay where they came (noipa), for the ia32 case's tail call.
 */
static noinline notrace __attribute__((noipa)) void
wamp_sys_write(void *data, struct pt_regs *regs, unsigned long id,
	       unsigned int k)
{
	u64 bytes;

	if (unlikely(wamp_in_ia32())) {
		wamp_sys_enter_counted(data, regs, id, k);
		return;
	}
	bytes = regs->dx;
	if (likely(wamp_store_write_hit(bytes)))
		return;
	wamp_sys_write_slow(bytes);
}

/*
 * notrace, as the kernel's own trace event probes are: this runs on every
 * syscall, and function tracing it would trace each traced call again.
 * The classification is syscalls.h's, in its two steps, the entry of a
 * write or pwrite64 first (wamp_sys_write()).
 */
notrace void wamp_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned int k = wamp_sc_entry(id);

	if (likely(!k))
		return;
	if (likely(k == WAMP_SC_WRITE)) {
		wamp_sys_write(data, regs, id, k);
		return;
	}
	wamp_sys_enter_counted(data, regs, id, k);
}
