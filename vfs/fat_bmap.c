/* SPDX-License-Identifier: MIT */
/*
 * File offsets to clusters: each inode keeps its cluster chain as runs of
 * contiguous clusters, learnt by following the FAT once and grown as the
 * file is (random access and mmap faults then cost no chain walks).
 * Callers hold fs->lock.
 */
#include "vfs/fat.h"

void fat_bmap_forget(struct fat_inode *fi)
{
	fi->next = 0;
	fi->mapped = 0;
}

/* Appends cluster clus as file cluster fi->mapped. */
static int ext_add(struct fat_inode *fi, uint32_t clus)
{
	struct fat_extent *e = fi->next ? &fi->ext[fi->next - 1] : NULL;

	if (e && e->clus + e->len == clus) {
		e->len++;
	} else {
		if (fi->next == fi->ext_cap) {
			uint32_t cap = fi->ext_cap ? fi->ext_cap * 2 : 4;
			struct fat_extent *n = kmalloc(cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			if (fi->next)
				memcpy(n, fi->ext, fi->next * sizeof(*n));
			kfree(fi->ext);
			fi->ext = n;
			fi->ext_cap = cap;
		}
		fi->ext[fi->next++] =
			(struct fat_extent){ fi->mapped, clus, 1 };
	}
	fi->mapped++;
	return 0;
}

/* Learns the chain up to file cluster idx, allocating if asked. */
static int extend(struct fat_sb *fs, struct fat_inode *fi, uint32_t idx,
		  bool alloc)
{
	int err;

	if (!fi->start) {
		if (!alloc)
			return -EIO;
		err = fat_alloc(fs, 0, &fi->start);
		if (err)
			return err;
		fat_bmap_forget(fi);
	}
	if (!fi->mapped) {
		if (!fat_clus_ok(fs, fi->start))
			return -EIO;
		err = ext_add(fi, fi->start);
		if (err)
			return err;
	}
	while (fi->mapped <= idx) {
		struct fat_extent *e = &fi->ext[fi->next - 1];
		uint32_t last = e->clus + e->len - 1, next;

		if (fi->mapped > fs->g.nclusters)
			return -EIO; /* longer than the volume: a loop */
		fat_prefetch(fs, last);
		err = fat_next(fs, last, &next);
		if (!err && next == FAT_EOC)
			err = alloc ? fat_alloc(fs, last, &next) : -EIO;
		if (!err)
			err = ext_add(fi, next);
		if (err)
			return err;
	}
	return 0;
}

int fat_bmap(struct inode *i, uint32_t idx, bool alloc, uint32_t *out,
	     uint32_t *run)
{
	struct fat_inode *fi = FI(i);
	uint32_t lo = 0, hi;
	int err = extend(FS(i->sb), fi, idx, alloc);

	if (err)
		return err;
	hi = fi->next; /* binary search: the run holding idx */
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;
		if (fi->ext[mid].idx <= idx)
			lo = mid;
		else
			hi = mid;
	}
	*out = fi->ext[lo].clus + (idx - fi->ext[lo].idx);
	if (run)
		*run = fi->ext[lo].len - (idx - fi->ext[lo].idx);
	return 0;
}
