/* SPDX-License-Identifier: MIT */
/*
 * The File Allocation Table: entries through the buffer cache (every kept
 * copy written), cluster allocation with the FSInfo hints, freeing
 * chains, the clean-shutdown bit (fatgen103 "FAT Data Structure",
 * "FAT32 FSInfo Sector Structure"). Callers hold fs->lock.
 */
#include "vfs/fat.h"

/* Moves n bytes between tmp and FAT copy k at byte off, which may cross
 * a sector boundary (a FAT12 entry can). */
static int fat_bytes(struct fat_sb *fs, unsigned k, uint32_t off, uint8_t *tmp,
		     unsigned n, bool write)
{
	uint64_t base = fs->g.rsvd + (uint64_t)k * fs->g.fat_sectors;

	for (unsigned i = 0; i < n;) {
		uint32_t at = off + i, in = at % fs->g.bps;
		unsigned len = MIN(n - i, fs->g.bps - in);
		struct buf *b =
			bread(fs->dev, base + at / fs->g.bps, fs->g.bps);

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		if (write) {
			memcpy((uint8_t *)b->data + in, tmp + i, len);
			bdirty(b);
		} else {
			memcpy(tmp + i, (uint8_t *)b->data + in, len);
		}
		brelse(b);
		i += len;
	}
	return 0;
}

static unsigned entry_bytes(struct fat_sb *fs)
{
	return fs->g.type == 32 ? 4 : 2;
}

int fat_get(struct fat_sb *fs, uint32_t n, uint32_t *val)
{
	uint8_t tmp[4];
	int err = fat_bytes(fs, fs->g.active_fat,
			    fat_entry_offset(fs->g.type, n), tmp,
			    entry_bytes(fs), false);

	if (err)
		return err;
	*val = fat_entry_decode(fs->g.type, n, tmp);
	return 0;
}

int fat_set(struct fat_sb *fs, uint32_t n, uint32_t val)
{
	uint32_t off = fat_entry_offset(fs->g.type, n);
	uint8_t tmp[4];
	int err;

	for (unsigned k = 0; k < fs->g.nfats; k++) {
		if (!fs->g.mirror && k != fs->g.active_fat)
			continue;
		err = fat_bytes(fs, k, off, tmp, entry_bytes(fs), false);
		if (err)
			return err;
		fat_entry_encode(fs->g.type, n, tmp, val);
		err = fat_bytes(fs, k, off, tmp, entry_bytes(fs), true);
		if (err)
			return err;
	}
	return 0;
}

void fat_prefetch(struct fat_sb *fs, uint32_t n)
{
	uint32_t off = fat_entry_offset(fs->g.type, n);
	uint64_t sector = fs->g.rsvd +
			  (uint64_t)fs->g.active_fat * fs->g.fat_sectors +
			  off / fs->g.bps;

	/* Once per 8 sectors of FAT, when the walk enters them. */
	if (off % (8 * fs->g.bps) < 4 &&
	    off / fs->g.bps + 8 <= fs->g.fat_sectors)
		bread_ahead(fs->dev, sector, fs->g.bps, 8);
}

int fat_next(struct fat_sb *fs, uint32_t c, uint32_t *next)
{
	int err = fat_get(fs, c, next);

	if (err)
		return err;
	if (*next == FAT_EOC)
		return 0;
	if (!fat_clus_ok(fs, *next)) {
		pr_warn("vfat: %s: cluster %u links to %#x: corrupt chain\n",
			fs->dev->name, c, *next);
		return -EIO;
	}
	return 0;
}

int fat_count_free(struct fat_sb *fs)
{
	uint32_t n = 0, v;

	if (fs->free_count != UINT32_MAX)
		return 0;
	for (uint32_t c = 2; c <= fs->g.nclusters + 1; c++) {
		int err = fat_get(fs, c, &v);
		if (err)
			return err;
		n += v == FAT_FREE;
	}
	fs->free_count = n;
	fs->fsinfo_dirty = true;
	return 0;
}

int fat_alloc(struct fat_sb *fs, uint32_t prev, uint32_t *out)
{
	uint32_t total = fs->g.alloc_max - 1, c = fs->next_free, v = FAT_BAD;
	int err;

	if (fs->free_count == 0)
		return -ENOSPC;
	if (!fat_clus_ok(fs, c) || c > total + 1)
		c = 2;
	for (uint32_t tried = 0; tried < total; tried++) {
		err = fat_get(fs, c, &v);
		if (err)
			return err;
		if (v == FAT_FREE)
			break;
		c = c + 1 > total + 1 ? 2 : c + 1;
	}
	if (v != FAT_FREE) {
		fs->free_count = 0;
		return -ENOSPC;
	}
	err = fat_set(fs, c, FAT_EOC);
	if (!err && prev)
		err = fat_set(fs, prev, c);
	if (err)
		return err;
	if (fs->free_count != UINT32_MAX)
		fs->free_count--;
	/* FSI_Nxt_Free: a hint where to look next (fatgen103). */
	fs->next_free = c + 1 > total + 1 ? 2 : c + 1;
	fs->fsinfo_dirty = true;
	*out = c;
	return 0;
}

int fat_free_chain(struct fat_sb *fs, uint32_t c)
{
	uint32_t next, guard = fs->g.nclusters;

	while (fat_clus_ok(fs, c) && guard--) {
		int err = fat_get(fs, c, &next);
		if (err)
			return err;
		if (next == FAT_FREE) {
			pr_warn("vfat: %s: freeing free cluster %u\n",
				fs->dev->name, c);
			return -EIO;
		}
		err = fat_set(fs, c, FAT_FREE);
		if (err)
			return err;
		if (fs->free_count != UINT32_MAX)
			fs->free_count++;
		fs->fsinfo_dirty = true;
		c = next;
	}
	return 0;
}

int fat_zero_cluster(struct fat_sb *fs, uint32_t c)
{
	uint64_t s = fat_clus_sector(fs, c);

	for (uint32_t k = 0; k < fs->g.spc; k++) {
		struct buf *b = bget(fs->dev, s + k, fs->g.bps);
		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		memset(b->data, 0, fs->g.bps);
		bdirty(b);
		brelse(b);
	}
	return 0;
}

int fat_set_clean(struct fat_sb *fs, bool clean)
{
	uint32_t bit = fat_clean_bit(fs->g.type), off;
	uint8_t tmp[4];
	int err;

	if (!bit)
		return 0; /* FAT12 has no such bit */
	off = fat_entry_offset(fs->g.type, 1);
	for (unsigned k = 0; k < fs->g.nfats; k++) {
		uint32_t v;
		if (!fs->g.mirror && k != fs->g.active_fat)
			continue;
		err = fat_bytes(fs, k, off, tmp, entry_bytes(fs), false);
		if (err)
			return err;
		v = fs->g.type == 16 ? fat_le16(tmp) : fat_le32(tmp);
		v = clean ? v | bit : v & ~bit;
		if (fs->g.type == 16)
			fat_put16(tmp, (uint16_t)v);
		else
			fat_put32(tmp, v);
		err = fat_bytes(fs, k, off, tmp, entry_bytes(fs), true);
		if (err)
			return err;
	}
	return 0;
}

int fat_write_fsinfo(struct fat_sb *fs)
{
	struct buf *b;
	uint8_t *p;

	if (fs->g.type != 32 || !fs->g.fsinfo || !fs->fsinfo_dirty)
		return 0;
	b = bread(fs->dev, fs->g.fsinfo, fs->g.bps);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	p = b->data;
	/* Only a sector with all three signatures is FSInfo. */
	if (fat_le32(p) == 0x41615252 && fat_le32(p + 484) == 0x61417272 &&
	    fat_le32(p + 508) == 0xaa550000) {
		fat_put32(p + 488, fs->free_count);
		fat_put32(p + 492, fs->next_free);
		bdirty(b);
	}
	brelse(b);
	fs->fsinfo_dirty = false;
	return 0;
}
