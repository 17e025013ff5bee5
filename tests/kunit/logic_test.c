// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which syscalls wamp counts (module/probe.c), the probe's argument
 * decoding, the flag rules and the ratio arithmetic (include/wamp.h).
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/uio.h>
#include <asm/ptrace.h>
#include <asm/unistd.h>
#include <asm/unistd_32_ia32.h>
#include <asm/unistd_64_x32.h>
#include "kunit.h"
#include "params.h"
#include "snapshot.h"
#include "table.h"
#include "tp.h"
#include "syscalls.h"

struct wamp_sc_case {
	unsigned long nr;
	unsigned int kind;
};

/* What each ABI must count, written out here rather than taken from probe.c. */
static const struct wamp_sc_case wamp_native_cases[] = {
	{ __NR_write, WAMP_SC_WRITE },
	{ __NR_pwrite64, WAMP_SC_WRITE },
	{ __NR_writev, WAMP_SC_WRITEV },
	{ __NR_pwritev, WAMP_SC_WRITEV },
	{ __NR_pwritev2, WAMP_SC_WRITEV },
	{ __NR_fsync, WAMP_SC_SYNC },
	{ __NR_fdatasync, WAMP_SC_SYNC },
	{ __NR_sync_file_range, WAMP_SC_SYNC },
	{ __NR_syncfs, WAMP_SC_SYNCFS },
	{ __NR_sync, WAMP_SC_SYNCFS },
};

static const struct wamp_sc_case wamp_ia32_cases[] = {
	{ __NR_ia32_write, WAMP_SC_WRITE },
	{ __NR_ia32_pwrite64, WAMP_SC_WRITE },
	{ __NR_ia32_writev, WAMP_SC_WRITEV },
	{ __NR_ia32_pwritev, WAMP_SC_WRITEV },
	{ __NR_ia32_pwritev2, WAMP_SC_WRITEV },
	{ __NR_ia32_fsync, WAMP_SC_SYNC },
	{ __NR_ia32_fdatasync, WAMP_SC_SYNC },
	{ __NR_ia32_sync_file_range, WAMP_SC_SYNC },
	{ __NR_ia32_syncfs, WAMP_SC_SYNCFS },
	{ __NR_ia32_sync, WAMP_SC_SYNCFS },
};

static const struct wamp_sc_case wamp_x32_cases[] = {
	{ __NR_write, WAMP_SC_WRITE },
	{ __NR_pwrite64, WAMP_SC_WRITE },
	{ __NR_x32_writev, WAMP_SC_WRITEV },
	{ __NR_x32_pwritev, WAMP_SC_WRITEV },
	{ __NR_x32_pwritev2, WAMP_SC_WRITEV },
	{ __NR_fsync, WAMP_SC_SYNC },
	{ __NR_fdatasync, WAMP_SC_SYNC },
	{ __NR_sync_file_range, WAMP_SC_SYNC },
	{ __NR_syncfs, WAMP_SC_SYNCFS },
	{ __NR_sync, WAMP_SC_SYNCFS },
};

static unsigned int wamp_expected(const struct wamp_sc_case *c, size_t n,
				  unsigned long nr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].nr == nr)
			return c[i].kind;
	return WAMP_SC_NONE;
}

/* The kind of a syscall, without the ABI it was found for. */
static unsigned int wamp_kind(unsigned long nr, bool ia32)
{
	return wamp_syscall_kind(nr, ia32) & WAMP_SC_MASK;
}

static int wamp_sc_test_init(struct kunit *test)
{
	wamp_syscalls_init();
	return 0;
}

/* Every number below 1024, each ABI: exactly the listed ones count. */
static void wamp_sc_test_sweep(struct kunit *test)
{
	unsigned long nr;

	for (nr = 0; nr < 1024; nr++) {
		KUNIT_EXPECT_EQ_MSG(test, wamp_kind(nr, false),
				    wamp_expected(wamp_native_cases,
						  ARRAY_SIZE(wamp_native_cases), nr),
				    "native syscall %lu", nr);
		KUNIT_EXPECT_EQ_MSG(test, wamp_kind(nr, true),
				    wamp_expected(wamp_ia32_cases,
						  ARRAY_SIZE(wamp_ia32_cases), nr),
				    "ia32 syscall %lu", nr);
	}
}

/* Each listed number by name, so a failure names the syscall. */
static void wamp_sc_test_listed(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_native_cases); i++)
		KUNIT_EXPECT_EQ(test,
				wamp_kind(wamp_native_cases[i].nr, false),
				wamp_native_cases[i].kind);
	for (i = 0; i < ARRAY_SIZE(wamp_ia32_cases); i++)
		KUNIT_EXPECT_EQ(test,
				wamp_kind(wamp_ia32_cases[i].nr, true),
				wamp_ia32_cases[i].kind);
	/* The ABIs disagree: ia32's write is native stat, native write ia32 exit. */
	KUNIT_EXPECT_EQ(test, wamp_kind(__NR_ia32_write, false),
			WAMP_SC_NONE);
	KUNIT_EXPECT_EQ(test, wamp_kind(__NR_write, true), WAMP_SC_NONE);
	KUNIT_EXPECT_EQ(test, wamp_kind(__NR_getpid, false), WAMP_SC_NONE);
	KUNIT_EXPECT_EQ(test, wamp_kind(__NR_read, false), WAMP_SC_NONE);
	KUNIT_EXPECT_EQ(test, wamp_kind(__NR_ia32_read, true),
			WAMP_SC_NONE);
}

/* x32: the x32 bit plus x32's numbers; anything else with the bit is not ours. */
static void wamp_sc_test_x32(struct kunit *test)
{
	unsigned long nr;

	for (nr = 0; nr < 1024; nr++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    wamp_kind(nr | __X32_SYSCALL_BIT, false),
				    wamp_expected(wamp_x32_cases,
						  ARRAY_SIZE(wamp_x32_cases), nr),
				    "x32 syscall %lu", nr);
		/* An ia32 task never has the x32 bit set in a valid number. */
		KUNIT_EXPECT_EQ(test,
				wamp_kind(nr | __X32_SYSCALL_BIT, true),
				WAMP_SC_NONE);
	}
}

/*
 * A counted syscall carries the ABI it was found for, which decides how
 * the probe reads its registers: none for x86_64, ia32 or x32.
 */
static void wamp_sc_test_abi(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_native_cases); i++)
		KUNIT_EXPECT_EQ(test,
				wamp_syscall_kind(wamp_native_cases[i].nr, false),
				wamp_native_cases[i].kind);
	for (i = 0; i < ARRAY_SIZE(wamp_ia32_cases); i++)
		KUNIT_EXPECT_EQ(test,
				wamp_syscall_kind(wamp_ia32_cases[i].nr, true),
				wamp_ia32_cases[i].kind | WAMP_SC_ABI_IA32);
	for (i = 0; i < ARRAY_SIZE(wamp_x32_cases); i++)
		KUNIT_EXPECT_EQ(test,
				wamp_syscall_kind(wamp_x32_cases[i].nr |
						  __X32_SYSCALL_BIT, false),
				wamp_x32_cases[i].kind | WAMP_SC_ABI_X32);
}

/* Numbers no ABI has: -1 (the entry code's "no syscall"), huge values. */
static void wamp_sc_test_bogus(struct kunit *test)
{
	static const unsigned long bogus[] = {
		ULONG_MAX, ULONG_MAX - 1, 1024, 4096, 1ul << 31, 1ul << 32,
		(1ul << 63) | __NR_write, __X32_SYSCALL_BIT | (1ul << 40),
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		KUNIT_EXPECT_EQ(test, wamp_kind(bogus[i], false),
				WAMP_SC_NONE);
		KUNIT_EXPECT_EQ(test, wamp_kind(bogus[i], true),
				WAMP_SC_NONE);
	}
}

static int wamp_probe_test_init(struct kunit *test)
{
	wamp_syscalls_init();
	wamp_table_size = 16;
	return wamp_store_init();
}

static void wamp_probe_test_exit(struct kunit *test)
{
	wamp_store_exit();
}

static void wamp_probe_call(long id, unsigned long si, unsigned long dx)
{
	struct pt_regs regs = {};

	regs.si = si;
	regs.dx = dx;
	wamp_probe_sys_enter(NULL, &regs, id);
}

/*
 * The probe itself, with the registers a 64-bit task's syscall leaves:
 * the byte count is the third argument (dx), as large as a u64 holds.
 */
static void wamp_probe_test_native(struct kunit *test)
{
	struct wamp_snapshot *s;

	wamp_probe_call(__NR_write, 0, 48);
	wamp_probe_call(__NR_pwrite64, 0, 4096);
	wamp_probe_call(__NR_write, 0, 1ull << 40);
	wamp_probe_call(__NR_fsync, 0, 0);
	wamp_probe_call(__NR_fdatasync, 0, 12345);
	wamp_probe_call(__NR_getpid, 0, 999);
	wamp_probe_call(__NR_read, 0, 999);
	wamp_probe_call(-1, 0, 999);
	s = wamp_snapshot_take(NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	KUNIT_EXPECT_EQ(test, s->total.writes, 3);
	KUNIT_EXPECT_EQ(test, s->total.write_bytes, (1ull << 40) + 4144);
	KUNIT_EXPECT_EQ(test, s->total.syncs, 2);
	KUNIT_EXPECT_EQ(test, s->nr_rows, 1);
	KUNIT_EXPECT_EQ(test, s->rows[0].pid, current->pid);
	KUNIT_EXPECT_EQ(test, s->iov_fault, 0);
	wamp_snapshot_free(s);
}

/*
 * Vector writes: the iovec array is read without faulting.  A kernel
 * thread has no user memory, so every array is unreadable: the call
 * counts with 0 bytes and in iov_fault.  A count above UIO_MAXIOV is one
 * the kernel refuses: counted, 0 bytes, not a fault; so is an empty one.
 */
static void wamp_probe_test_writev(struct kunit *test)
{
	struct wamp_snapshot *s;

	wamp_probe_call(__NR_writev, 0x10000, 2);
	wamp_probe_call(__NR_pwritev2, 0, 1);
	wamp_probe_call(__NR_writev, 0x10000, UIO_MAXIOV + 1);
	wamp_probe_call(__NR_pwritev, 0x10000, 0);
	s = wamp_snapshot_take(NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(s));
	KUNIT_EXPECT_EQ(test, s->total.writes, 4);
	KUNIT_EXPECT_EQ(test, s->total.write_bytes, 0);
	KUNIT_EXPECT_EQ(test, s->iov_fault, 2);
	wamp_snapshot_free(s);
}

static const struct wamp_thresholds wamp_def = {
	.min_writes = WAMP_MIN_WRITES_DEF,
	.small_write_bytes = WAMP_SMALL_BYTES_DEF,
	.sync_ratio = WAMP_SYNC_RATIO_DEF,
	.amp_ratio = WAMP_AMP_RATIO_DEF,
};

struct wamp_cls_case {
	u64 writes, bytes, syncs, blk;
	unsigned int flags;
};

/* At, just below and just above each default threshold. */
static const struct wamp_cls_case wamp_cls_cases[] = {
	/* min_writes (1000): below it nothing is flagged. */
	{ 0, 0, 0, 0, 0 },
	{ 999, 999, 999, 1ull << 40, 0 },
	{ 1000, 1000, 1000, 1ull << 40, WAMP_F_SMALL | WAMP_F_SYNC | WAMP_F_AMP },
	/* small_write_bytes (512): average = bytes / writes, rounded down. */
	{ 1000, 511999, 0, 0, WAMP_F_SMALL },
	{ 1000, 512000, 0, 0, 0 },
	{ 1000, 512999, 0, 0, 0 },
	{ 1000, 0, 0, 0, WAMP_F_SMALL },
	/* sync_ratio (10%): 100 syncs per 1000 writes. */
	{ 1000, 1 << 20, 99, 0, 0 },
	{ 1000, 1 << 20, 100, 0, WAMP_F_SYNC },
	{ 1001, 1 << 20, 100, 0, 0 },
	{ 1000, 1 << 20, 100000, 0, WAMP_F_SYNC },
	/* amp_ratio (2.00): block bytes twice the written bytes. */
	{ 1000, 1 << 20, 0, (2 << 20) - 1, 0 },
	{ 1000, 1 << 20, 0, 2 << 20, WAMP_F_AMP },
	{ 1000, 0, 0, 1ull << 40, WAMP_F_SMALL },
	/* 64-bit extremes: no overflow anywhere. */
	{ U64_MAX, U64_MAX, U64_MAX, U64_MAX, WAMP_F_SMALL | WAMP_F_SYNC },
	{ U64_MAX, U64_MAX, U64_MAX / 10, 0, WAMP_F_SMALL },
	{ U64_MAX, U64_MAX, U64_MAX / 10 + 1, 0, WAMP_F_SMALL | WAMP_F_SYNC },
	{ 1000, 1ull << 62, 0, 1ull << 63, WAMP_F_AMP },
	{ 1000, 1ull << 62, 0, (1ull << 63) - 1, 0 },
	{ 1000, 1ull << 63, 0, U64_MAX, 0 },
};

static void wamp_cls_test_defaults(struct kunit *test)
{
	const struct wamp_cls_case *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_cls_cases); i++) {
		c = &wamp_cls_cases[i];
		KUNIT_EXPECT_EQ_MSG(test,
				    wamp_classify(c->writes, c->bytes, c->syncs,
						  c->blk, &wamp_def),
				    c->flags, "case %zu", i);
	}
}

/* The thresholds' own extremes: min 1, ratio 100%, amp 0.01 and 1000000.00. */
static void wamp_cls_test_limits(struct kunit *test)
{
	struct wamp_thresholds t = {
		.min_writes = WAMP_MIN_WRITES_MIN,
		.small_write_bytes = WAMP_SMALL_BYTES_MIN,
		.sync_ratio = WAMP_SYNC_RATIO_MAX,
		.amp_ratio = WAMP_AMP_RATIO_MIN,
	};

	KUNIT_EXPECT_EQ(test, wamp_classify(1, 0, 1, 1, &t), WAMP_F_SMALL | WAMP_F_SYNC);
	KUNIT_EXPECT_EQ(test, wamp_classify(1, 1, 0, 0, &t), 0);
	KUNIT_EXPECT_EQ(test, wamp_classify(2, 2, 1, 0, &t), 0);
	/* amp 0.01: one block byte per hundred written. */
	KUNIT_EXPECT_EQ(test, wamp_classify(1, 100, 0, 1, &t), WAMP_F_AMP);
	KUNIT_EXPECT_EQ(test, wamp_classify(1, 101, 0, 1, &t), 0);
	t.amp_ratio = WAMP_AMP_RATIO_MAX;
	KUNIT_EXPECT_EQ(test, wamp_classify(1, 1, 0, 1000000, &t), WAMP_F_AMP);
	KUNIT_EXPECT_EQ(test, wamp_classify(1, 1, 0, 999999, &t), 0);
	KUNIT_EXPECT_EQ(test, wamp_classify(1, U64_MAX, 0, U64_MAX, &t), 0);
	t.min_writes = WAMP_MIN_WRITES_MAX;
	KUNIT_EXPECT_EQ(test, wamp_classify(WAMP_MIN_WRITES_MAX - 1, 0, U64_MAX,
					    U64_MAX, &t), 0);
	t.small_write_bytes = WAMP_SMALL_BYTES_MAX;
	KUNIT_EXPECT_EQ(test, wamp_classify(WAMP_MIN_WRITES_MAX,
					    (u64)WAMP_MIN_WRITES_MAX *
					    (WAMP_SMALL_BYTES_MAX - 1), 0, 0, &t),
			WAMP_F_SMALL);
}

/* blk / written in hundredths, rounded down, saturating, integer only. */
static const struct {
	u64 written, blk, centi;
} wamp_amp_cases[] = {
	{ 0, 12345, 0 },
	{ 1, 0, 0 },
	{ 3, 1, 33 },
	{ 3, 2, 66 },
	{ 7, 22, 314 },
	{ 529536, 45539328, 8599 },
	{ 1ull << 63, 1ull << 63, 100 },
	{ 1ull << 63, U64_MAX, 199 },
	{ (1ull << 63) + 1, 1ull << 63, 99 },
	{ U64_MAX, U64_MAX, 100 },
	{ U64_MAX, U64_MAX - 1, 99 },
	{ U64_MAX, 1, 0 },
	/* The largest quotient that fits, and one past it: saturated. */
	{ 1, U64_MAX / 100, U64_MAX / 100 * 100 },
	{ 1, U64_MAX / 100 + 1, U64_MAX },
	{ 1, U64_MAX, U64_MAX },
	{ 2, U64_MAX, U64_MAX },
};

static void wamp_ratio_test_amp(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(wamp_amp_cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    wamp_amp_centi(wamp_amp_cases[i].written,
						   wamp_amp_cases[i].blk),
				    wamp_amp_cases[i].centi, "case %zu", i);
}

static struct kunit_case wamp_sc_cases[] = {
	KUNIT_CASE(wamp_sc_test_sweep),
	KUNIT_CASE(wamp_sc_test_listed),
	KUNIT_CASE(wamp_sc_test_x32),
	KUNIT_CASE(wamp_sc_test_abi),
	KUNIT_CASE(wamp_sc_test_bogus),
	{}
};

static struct kunit_suite wamp_sc_suite = {
	.name = "wamp_syscalls",
	.init = wamp_sc_test_init,
	.test_cases = wamp_sc_cases,
};

static struct kunit_case wamp_probe_cases[] = {
	KUNIT_CASE(wamp_probe_test_native),
	KUNIT_CASE(wamp_probe_test_writev),
	{}
};

static struct kunit_suite wamp_probe_suite = {
	.name = "wamp_probe",
	.init = wamp_probe_test_init,
	.exit = wamp_probe_test_exit,
	.test_cases = wamp_probe_cases,
};

static struct kunit_case wamp_cls_cases_k[] = {
	KUNIT_CASE(wamp_cls_test_defaults),
	KUNIT_CASE(wamp_cls_test_limits),
	KUNIT_CASE(wamp_ratio_test_amp),
	{}
};

static struct kunit_suite wamp_cls_suite = {
	.name = "wamp_classify",
	.test_cases = wamp_cls_cases_k,
};

kunit_test_suites(&wamp_sc_suite, &wamp_probe_suite, &wamp_cls_suite);
