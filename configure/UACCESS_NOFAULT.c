// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of what wamp builds on: the probe reads iovecs with
 * copy_from_user_nofault(), from c0ee37e85e0e ("maccess: rename
 * probe_user_{read,write} to copy_{from,to}_user_nofault"), v5.8, and the
 * oldest series CI tests is 5.10.  Without it compat.h stops the build.
 */
#include <linux/uaccess.h>

long wamp_feature(void *dst, const void __user *src);

long wamp_feature(void *dst, const void __user *src)
{
	return copy_from_user_nofault(dst, src, 1);
}
