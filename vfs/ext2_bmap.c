/* SPDX-License-Identifier: MIT */
/* ext2 block maps: logical to disk blocks through i_block's direct,
 * indirect, double and triple indirect pointers [Poirier §3.5, i_block], block
 * allocation for writes and freeing for truncation. */
#include "vfs/ext2.h"

uint64_t ext2_max_size(struct ext2_sb *s)
{
	uint64_t map = ext2_max_blocks(s->g.addr_bits) << s->g.block_bits;
	/* i_blocks counts 512-byte sectors in 32 bits, indirect blocks
	 * included; leave them room. */
	uint64_t sectors = (1ull << 41) - (1ull << 32);

	return map < sectors ? map : sectors;
}

static uint32_t goal_of(struct ext2_sb *s, struct inode *i)
{
	struct ext2_inode_info *ei = EI(i);

	if (ei->last_block && ext2_block_ok(s, ei->last_block + 1))
		return ei->last_block + 1;
	return s->raw.s_first_data_block +
	       ei->group * s->raw.s_blocks_per_group;
}

/* Allocates a block for i; an indirect block (zero) is written zeroed. */
static int alloc_for(struct ext2_sb *s, struct inode *i, bool zero,
		     uint32_t *out)
{
	int err = ext2_new_block(s, goal_of(s, i), out);
	struct buf *b;

	if (err)
		return err;
	EI(i)->last_block = *out;
	i->blocks += s->g.block_size / 512;
	if (!zero)
		return 0;
	b = bget(s->dev, *out, s->g.block_size);
	if (IS_ERR(b)) {
		ext2_free_block(s, *out);
		i->blocks -= s->g.block_size / 512;
		return (int)PTR_ERR(b);
	}
	memset(b->data, 0, s->g.block_size);
	bdirty(b);
	brelse(b);
	return 0;
}

static int check_ptr(struct ext2_sb *s, struct inode *i, uint32_t blk)
{
	if (blk && !ext2_block_ok(s, blk)) {
		ext2_error(s, "ext2_bmap", "inode %llu: block %u out of range",
			   (unsigned long long)i->ino, blk);
		return -EUCLEAN;
	}
	return 0;
}

/* Reads (or, with create, fills) the slot; *blk is its block or 0. */
static int slot(struct ext2_sb *s, struct inode *i, uint32_t *p, bool create,
		bool leaf, uint32_t *blk, bool *fresh)
{
	int err = check_ptr(s, i, *p);

	if (err)
		return err;
	if (*p || !create) {
		*blk = *p;
		return 0;
	}
	err = alloc_for(s, i, !leaf, blk);
	if (err)
		return err;
	*p = *blk;
	if (leaf && fresh)
		*fresh = true;
	return 0;
}

int ext2_bmap(struct inode *i, uint64_t lblock, bool create, uint32_t *out,
	      bool *fresh)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	unsigned off[4];
	int depth = ext2_bmap_path(lblock, s->g.addr_bits, off), err;
	uint32_t blk;

	if (fresh)
		*fresh = false;
	if (depth < 0)
		return depth;
	err = slot(s, i, &EI(i)->i_block[off[0]], create, depth == 1, &blk,
		   fresh);
	for (int k = 1; !err && blk && k < depth; k++) {
		struct buf *b = bread(s->dev, blk, s->g.block_size);
		uint32_t *p;

		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		p = (uint32_t *)b->data + off[k];
		err = slot(s, i, p, create, k == depth - 1, &blk, fresh);
		if (!err && create)
			bdirty(b); /* cheap when nothing changed */
		brelse(b);
	}
	if (err)
		return err;
	*out = blk;
	return 0;
}

static void free_one(struct ext2_sb *s, struct inode *i, uint32_t blk)
{
	ext2_free_block(s, blk);
	if (i->blocks >= s->g.block_size / 512)
		i->blocks -= s->g.block_size / 512;
}

/* Frees blk and, below it, level levels of blocks it points to. */
static void free_tree(struct ext2_sb *s, struct inode *i, uint32_t blk,
		      int level)
{
	if (check_ptr(s, i, blk))
		return;
	if (level > 0) {
		struct buf *b = bread(s->dev, blk, s->g.block_size);

		if (IS_ERR(b))
			return; /* leaked rather than guessed */
		for (uint32_t e = 0; e < s->g.addr_per_block; e++) {
			uint32_t c = ((uint32_t *)b->data)[e];

			if (c)
				free_tree(s, i, c, level - 1);
		}
		brelse(b);
	}
	free_one(s, i, blk);
}

/* Truncates the subtree in *slotp (level levels of indirection) that
 * maps logical blocks from base on, keeping those below first. */
static void trunc_tree(struct ext2_sb *s, struct inode *i, uint32_t *slotp,
		       int level, uint64_t base, uint64_t first)
{
	uint64_t span = 1ull << (s->g.addr_bits * (level - 1));
	uint32_t *e;
	bool empty = true;
	struct buf *b;

	if (!*slotp || check_ptr(s, i, *slotp))
		return;
	if (base >= first) {
		free_tree(s, i, *slotp, level);
		*slotp = 0;
		return;
	}
	if (base + span * s->g.addr_per_block <= first)
		return;
	b = bread(s->dev, *slotp, s->g.block_size);
	if (IS_ERR(b))
		return;
	e = b->data;
	for (uint32_t n = 0; n < s->g.addr_per_block; n++) {
		uint64_t cb = base + n * span;

		if (e[n] && cb + span > first) {
			if (level == 1) {
				if (!check_ptr(s, i, e[n]))
					free_one(s, i, e[n]);
				e[n] = 0;
			} else {
				trunc_tree(s, i, &e[n], level - 1, cb, first);
			}
		}
		if (e[n])
			empty = false;
	}
	bdirty(b);
	brelse(b);
	if (empty) {
		free_one(s, i, *slotp);
		*slotp = 0;
	}
}

int ext2_truncate_blocks(struct inode *i, uint64_t first)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	struct ext2_inode_info *ei = EI(i);
	uint64_t apb = s->g.addr_per_block, base = EXT2_NDIR_BLOCKS;

	for (uint64_t k = first; k < EXT2_NDIR_BLOCKS; k++) {
		if (ei->i_block[k] && !check_ptr(s, i, ei->i_block[k]))
			free_one(s, i, ei->i_block[k]);
		ei->i_block[k] = 0;
	}
	trunc_tree(s, i, &ei->i_block[EXT2_IND_BLOCK], 1, base, first);
	base += apb;
	trunc_tree(s, i, &ei->i_block[EXT2_DIND_BLOCK], 2, base, first);
	base += apb * apb;
	trunc_tree(s, i, &ei->i_block[EXT2_TIND_BLOCK], 3, base, first);
	ei->last_block = 0;
	return ext2_write_inode(i);
}
