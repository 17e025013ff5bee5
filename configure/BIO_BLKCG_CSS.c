// SPDX-License-Identifier: GPL-2.0
/*
 * The blkcg a bio is charged to is found with bio_blkcg_css(), exported:
 * "blk-cgroup: replace bio_blkcg with bio_blkcg_css" (Christoph Hellwig),
 * v5.19, when struct blkcg and struct blkcg_gq left <linux/blk-cgroup.h>.
 * Before it the structs are public and bio->bi_blkg->blkcg->css is it.
 */
#include <linux/bio.h>
#include <linux/blk-cgroup.h>
#include <linux/cgroup.h>

struct cgroup_subsys_state *wamp_feature(struct bio *bio);

struct cgroup_subsys_state *wamp_feature(struct bio *bio)
{
	return bio_blkcg_css(bio);
}
