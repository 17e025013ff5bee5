// SPDX-License-Identifier: GPL-2.0
/*
 * The low bits of page->mapping that mark an anonymous or movable page are
 * FOLIO_MAPPING_FLAGS, no longer PAGE_MAPPING_FLAGS: "mm: rename
 * PAGE_MAPPING_* to FOLIO_MAPPING_*" (David Hildenbrand's movable_ops
 * series), v6.17.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>

int wamp_feature(void);

int wamp_feature(void)
{
	return (int)FOLIO_MAPPING_FLAGS;
}
