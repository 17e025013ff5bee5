/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "slow" fixture, for the tests that take longer than the harness's
 * default 30 s under TCG (TEST_F_TIMEOUT(slow, name, seconds)): include
 * after kselftest_harness.h, in the binaries that have such tests.
 */
#ifndef WAMP_SELFTEST_SLOW_H
#define WAMP_SELFTEST_SLOW_H

FIXTURE(slow) {
};

FIXTURE_SETUP(slow)
{
}

FIXTURE_TEARDOWN(slow)
{
}

#endif /* WAMP_SELFTEST_SLOW_H */
