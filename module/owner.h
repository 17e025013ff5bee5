/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inode-owner table: which task last dirtied each file, so that its
 * writeback is charged to it (owner.c).
 */
#ifndef WAMP_OWNER_H
#define WAMP_OWNER_H

#include <linux/types.h>

struct inode;
struct wamp_ident;

enum wamp_owner_found {
	WAMP_OWNER_FOUND,
	WAMP_OWNER_NONE,	/* no owner known for this inode */
};

int wamp_owner_init(void);
void wamp_owner_exit(void);
void wamp_owner_dirtied(struct inode *inode);
enum wamp_owner_found wamp_owner_find(struct inode *inode,
				      struct wamp_ident *id);
void wamp_owner_stats(unsigned int *used, unsigned int *cap);
size_t wamp_owner_bytes(void);

#endif /* WAMP_OWNER_H */
