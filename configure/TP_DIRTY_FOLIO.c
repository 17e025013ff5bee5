// SPDX-License-Identifier: GPL-2.0
/*
 * The dirtying tracepoint takes a folio and is named writeback_dirty_folio:
 * "mm/writeback: Convert tracing writeback_page_template to folios"
 * (Matthew Wilcox), v5.16.  Before it: writeback_dirty_page(page,
 * mapping).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <trace/events/writeback.h>

static void probe(void *data, struct folio *folio,
		  struct address_space *mapping)
{
}

int wamp_feature(void);

int wamp_feature(void)
{
	return register_trace_writeback_dirty_folio(probe, NULL);
}
