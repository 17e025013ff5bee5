/* SPDX-License-Identifier: GPL-2.0 */
/* debugfs wamp/ (debugfs.c): absent debugfs is no error. */
#ifndef WAMP_DEBUGFS_H
#define WAMP_DEBUGFS_H

void wamp_debugfs_init(void);
void wamp_debugfs_exit(void);

#endif /* WAMP_DEBUGFS_H */
