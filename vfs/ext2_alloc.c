/* SPDX-License-Identifier: MIT */
/* ext2 allocation: the block and inode bitmaps of each group, the free
 * counts in the group descriptors and the superblock [Poirier §3.3-3.4]. */
#include "vfs/ext2.h"

static uint64_t group_first(struct ext2_sb *s, uint32_t g)
{
	return s->raw.s_first_data_block +
	       (uint64_t)g * s->raw.s_blocks_per_group;
}

/* Copies descriptor g into its block of the table (written back with
 * the buffer cache). Caller holds alloc_lock. */
static void write_gd(struct ext2_sb *s, uint32_t g)
{
	uint32_t blk = s->raw.s_first_data_block + 1 + g / s->g.desc_per_block;
	struct buf *b = bread(s->dev, blk, s->g.block_size);

	if (IS_ERR(b))
		return; /* ext2_write_super retries at sync */
	memcpy((char *)b->data + (g % s->g.desc_per_block) *
					 sizeof(struct ext2_group_desc),
	       &s->gd[g], sizeof(struct ext2_group_desc));
	bdirty(b);
	brelse(b);
}

bool ext2_block_ok(struct ext2_sb *s, uint32_t block)
{
	return block >= s->raw.s_first_data_block &&
	       block < s->raw.s_blocks_count;
}

static bool is_metadata(struct ext2_sb *s, uint32_t g, uint32_t block)
{
	const struct ext2_group_desc *gd = &s->gd[g];

	return block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap ||
	       (block >= gd->bg_inode_table &&
		block < gd->bg_inode_table + s->g.itable_blocks);
}

/* Takes a free bit in group g's block bitmap from start on. */
static int take_block(struct ext2_sb *s, uint32_t g, uint32_t start,
		      uint32_t *out)
{
	struct buf *b =
		bread(s->dev, s->gd[g].bg_block_bitmap, s->g.block_size);
	uint32_t nbits = ext2_group_blocks(&s->raw, &s->g, g);
	int64_t bit;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	bit = ext2_bitmap_find_zero(b->data, nbits, start);
	if (bit < 0) {
		brelse(b);
		ext2_error(s, __func__, "group %u: free count %u, bitmap full",
			   g, s->gd[g].bg_free_blocks_count);
		s->gd[g].bg_free_blocks_count = 0;
		return -ENOSPC;
	}
	*out = (uint32_t)(group_first(s, g) + (uint64_t)bit);
	if (is_metadata(s, g, *out)) {
		brelse(b);
		ext2_error(s, __func__, "block %u in the system zone is free",
			   *out);
		return -EUCLEAN;
	}
	ext2_set_bit(b->data, (uint32_t)bit);
	bdirty(b);
	brelse(b);
	s->gd[g].bg_free_blocks_count--;
	s->raw.s_free_blocks_count--;
	write_gd(s, g);
	return 0;
}

static bool may_use_reserved(struct ext2_sb *s)
{
	const struct cred *c = current && current->proc ? &current->proc->cred :
							  NULL;

	return !c || c->fsuid == 0 || c->fsuid == s->raw.s_def_resuid;
}

int ext2_new_block(struct ext2_sb *s, uint32_t goal, uint32_t *out)
{
	uint32_t g0, start;
	int err = -ENOSPC;

	if (!ext2_block_ok(s, goal))
		goal = s->raw.s_first_data_block;
	g0 = (goal - s->raw.s_first_data_block) / s->raw.s_blocks_per_group;
	start = (uint32_t)(goal - group_first(s, g0));
	mutex_lock(&s->alloc_lock);
	if (s->raw.s_free_blocks_count <= s->raw.s_r_blocks_count &&
	    !may_use_reserved(s))
		goto out;
	for (uint32_t n = 0; n < s->g.groups; n++) {
		uint32_t g = (g0 + n) % s->g.groups;

		if (!s->gd[g].bg_free_blocks_count)
			continue;
		err = take_block(s, g, n ? 0 : start, out);
		if (err != -ENOSPC)
			break;
	}
out:
	mutex_unlock(&s->alloc_lock);
	return err;
}

void ext2_free_block(struct ext2_sb *s, uint32_t block)
{
	uint32_t g, bit;
	struct buf *b;

	if (!ext2_block_ok(s, block)) {
		ext2_error(s, __func__, "freeing block %u out of range", block);
		return;
	}
	g = (block - s->raw.s_first_data_block) / s->raw.s_blocks_per_group;
	bit = (uint32_t)(block - group_first(s, g));
	if (is_metadata(s, g, block)) {
		ext2_error(s, __func__, "freeing system block %u", block);
		return;
	}
	mutex_lock(&s->alloc_lock);
	b = bread(s->dev, s->gd[g].bg_block_bitmap, s->g.block_size);
	if (IS_ERR(b))
		goto out;
	if (!ext2_test_bit(b->data, bit)) {
		ext2_error(s, __func__, "block %u already free", block);
	} else {
		ext2_clear_bit(b->data, bit);
		bdirty(b);
		s->gd[g].bg_free_blocks_count++;
		s->raw.s_free_blocks_count++;
		write_gd(s, g);
	}
	brelse(b);
out:
	mutex_unlock(&s->alloc_lock);
}

/* A directory goes to a group with at least average free inodes and the
 * most free blocks (spreading directories, as Linux's find_group_dir);
 * a file to its directory's group or the next one with room. */
static uint32_t pick_group(struct ext2_sb *s, uint32_t parent, bool dir)
{
	uint32_t avg = s->raw.s_free_inodes_count / s->g.groups, best = parent;
	int64_t best_free = -1;

	if (!dir)
		return parent;
	for (uint32_t g = 0; g < s->g.groups; g++) {
		const struct ext2_group_desc *gd = &s->gd[g];

		if (gd->bg_free_inodes_count &&
		    gd->bg_free_inodes_count >= avg &&
		    gd->bg_free_blocks_count > best_free) {
			best = g;
			best_free = gd->bg_free_blocks_count;
		}
	}
	return best;
}

static int take_ino(struct ext2_sb *s, uint32_t g, bool dir, uint32_t *out)
{
	struct buf *b =
		bread(s->dev, s->gd[g].bg_inode_bitmap, s->g.block_size);
	uint32_t start = g == 0 ? s->g.first_ino - 1 : 0;
	int64_t bit;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	bit = ext2_bitmap_find_zero(b->data, s->raw.s_inodes_per_group, start);
	*out = (uint32_t)((uint64_t)g * s->raw.s_inodes_per_group + bit + 1);
	if (bit < 0 || *out < s->g.first_ino) {
		brelse(b);
		ext2_error(s, __func__, "group %u: free inode count %u wrong",
			   g, s->gd[g].bg_free_inodes_count);
		s->gd[g].bg_free_inodes_count = 0;
		return -ENOSPC;
	}
	ext2_set_bit(b->data, (uint32_t)bit);
	bdirty(b);
	brelse(b);
	s->gd[g].bg_free_inodes_count--;
	if (dir)
		s->gd[g].bg_used_dirs_count++;
	s->raw.s_free_inodes_count--;
	write_gd(s, g);
	return 0;
}

int ext2_alloc_ino(struct ext2_sb *s, uint32_t group, bool dir, uint32_t *out)
{
	uint32_t g0;
	int err = -ENOSPC;

	mutex_lock(&s->alloc_lock);
	g0 = pick_group(s, group < s->g.groups ? group : 0, dir);
	for (uint32_t n = 0; n < s->g.groups; n++) {
		uint32_t g = (g0 + n) % s->g.groups;

		if (!s->gd[g].bg_free_inodes_count)
			continue;
		err = take_ino(s, g, dir, out);
		if (err != -ENOSPC)
			break;
	}
	mutex_unlock(&s->alloc_lock);
	return err;
}

void ext2_free_ino(struct ext2_sb *s, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / s->raw.s_inodes_per_group;
	uint32_t bit = (ino - 1) % s->raw.s_inodes_per_group;
	struct buf *b;

	if (ino < s->g.first_ino || ino > s->raw.s_inodes_count) {
		ext2_error(s, __func__, "freeing reserved inode %u", ino);
		return;
	}
	mutex_lock(&s->alloc_lock);
	b = bread(s->dev, s->gd[g].bg_inode_bitmap, s->g.block_size);
	if (IS_ERR(b))
		goto out;
	if (!ext2_test_bit(b->data, bit)) {
		ext2_error(s, __func__, "inode %u already free", ino);
	} else {
		ext2_clear_bit(b->data, bit);
		bdirty(b);
		s->gd[g].bg_free_inodes_count++;
		if (dir && s->gd[g].bg_used_dirs_count)
			s->gd[g].bg_used_dirs_count--;
		s->raw.s_free_inodes_count++;
		write_gd(s, g);
	}
	brelse(b);
out:
	mutex_unlock(&s->alloc_lock);
}
