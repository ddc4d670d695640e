/* SPDX-License-Identifier: MIT */
/* Private to the block layer: the buffer cache's knobs and counters, for
 * the block special files and the self-tests. */
#ifndef STRIX_DEV_BLK_CACHE_H
#define STRIX_DEV_BLK_CACHE_H

#include "dev/blk.h"

struct blk_cache_stats {
	uint64_t hits, misses, evictions, writebacks; /* buffers */
	size_t bytes, budget;			      /* held, allowed */
	size_t dirty;				      /* buffers dirty now */
};
void blk_cache_get_stats(struct blk_cache_stats *st);
/* Sets the memory budget (bytes); returns the old one. */
size_t blk_cache_set_budget(size_t bytes);
/* Starts reads of the n blocks from first that are neither cached nor
 * being read; does not wait. */
void blk_cache_readahead(struct blkdev *dev, uint64_t first, unsigned size,
			 unsigned n);
/* Is the block cached with valid data? */
bool blk_cache_has(struct blkdev *dev, uint64_t block, unsigned size);
/* Writes back dev's dirty buffers (NULL: all) without flushing the
 * disks' caches: 0 or the first error. */
int blk_cache_writeback(struct blkdev *dev);

#endif
