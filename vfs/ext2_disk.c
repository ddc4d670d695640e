/* SPDX-License-Identifier: MIT */
/* ext2's pure logic: superblock and group descriptor validation, bitmap
 * search, block-map index math, directory entry rules. Host-testable. */
#include "vfs/ext2_fs.h"

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

static bool is_pow2(uint32_t x)
{
	return x && !(x & (x - 1));
}

/* Revision-dependent fields [Poirier §3.1, s_rev_level]. */
static int check_rev(const struct ext2_super_block *s, struct ext2_geom *g,
		     const char **why)
{
	if (s->s_rev_level > EXT2_DYNAMIC_REV)
		return bad(why, "unknown revision");
	if (s->s_rev_level == EXT2_GOOD_OLD_REV) {
		g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
		return 0;
	}
	g->inode_size = s->s_inode_size;
	g->first_ino = s->s_first_ino;
	if (!is_pow2(g->inode_size) ||
	    g->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    g->inode_size > g->block_size)
		return bad(why, "bad inode size");
	if (g->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    g->first_ino >= s->s_inodes_count)
		return bad(why, "bad first inode");
	return 0;
}

static int check_groups(const struct ext2_super_block *s, struct ext2_geom *g,
			const char **why)
{
	uint32_t bits = g->block_size * 8;
	uint64_t gdt_end;

	if (s->s_blocks_per_group < 8 || s->s_blocks_per_group > bits ||
	    s->s_blocks_per_group % 8)
		return bad(why, "bad blocks per group");
	if (s->s_frags_per_group != s->s_blocks_per_group)
		return bad(why, "fragments unsupported");
	g->inodes_per_block = g->block_size / g->inode_size;
	if (s->s_inodes_per_group < g->inodes_per_block ||
	    s->s_inodes_per_group > bits ||
	    s->s_inodes_per_group % g->inodes_per_block)
		return bad(why, "bad inodes per group");
	g->itable_blocks = s->s_inodes_per_group / g->inodes_per_block;
	g->groups =
		(uint32_t)(((uint64_t)s->s_blocks_count -
			    s->s_first_data_block + s->s_blocks_per_group - 1) /
			   s->s_blocks_per_group);
	if ((uint64_t)g->groups * s->s_inodes_per_group != s->s_inodes_count)
		return bad(why, "inode count disagrees with groups");
	g->desc_per_block = g->block_size / sizeof(struct ext2_group_desc);
	g->gdt_blocks = (g->groups + g->desc_per_block - 1) / g->desc_per_block;
	gdt_end = (uint64_t)s->s_first_data_block + 1 + g->gdt_blocks;
	if (gdt_end > s->s_blocks_count)
		return bad(why, "descriptors past the end");
	return 0;
}

int ext2_sb_check(const struct ext2_super_block *s, uint64_t dev_bytes,
		  struct ext2_geom *g, const char **why)
{
	int err;

	memset(g, 0, sizeof(*g));
	if (s->s_magic != EXT2_SUPER_MAGIC)
		return bad(why, "bad magic");
	if (s->s_log_block_size > 2) /* 1, 2 or 4 KiB */
		return bad(why, "unsupported block size");
	if (s->s_log_frag_size != s->s_log_block_size)
		return bad(why, "fragment size differs from block size");
	g->block_bits = 10 + s->s_log_block_size;
	g->block_size = 1u << g->block_bits;
	g->addr_per_block = g->block_size / 4;
	g->addr_bits = g->block_bits - 2;
	if (s->s_first_data_block != (g->block_size == 1024 ? 1u : 0u))
		return bad(why, "bad first data block");
	if (s->s_blocks_count <= s->s_first_data_block + 2)
		return bad(why, "too few blocks");
	if ((uint64_t)s->s_blocks_count * g->block_size > dev_bytes)
		return bad(why, "file system larger than the device");
	if (s->s_r_blocks_count > s->s_blocks_count)
		return bad(why, "bad reserved block count");
	if (s->s_inodes_count < EXT2_GOOD_OLD_FIRST_INO)
		return bad(why, "too few inodes");
	err = check_rev(s, g, why);
	if (!err)
		err = check_groups(s, g, why);
	return err;
}

uint32_t ext2_group_blocks(const struct ext2_super_block *s,
			   const struct ext2_geom *g, uint32_t group)
{
	uint64_t first =
		s->s_first_data_block + (uint64_t)group * s->s_blocks_per_group;

	if (group + 1 < g->groups)
		return s->s_blocks_per_group;
	return (uint32_t)(s->s_blocks_count - first);
}

int ext2_gd_check(const struct ext2_super_block *s, const struct ext2_geom *g,
		  uint32_t group, const struct ext2_group_desc *gd,
		  const char **why)
{
	uint64_t first =
		s->s_first_data_block + (uint64_t)group * s->s_blocks_per_group;
	uint64_t last = first + ext2_group_blocks(s, g, group); /* exclusive */

	*why = NULL;
	if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= last)
		*why = "block bitmap outside its group";
	else if (gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= last)
		*why = "inode bitmap outside its group";
	else if (gd->bg_inode_table < first ||
		 (uint64_t)gd->bg_inode_table + g->itable_blocks > last)
		*why = "inode table outside its group";
	else if (gd->bg_free_blocks_count > ext2_group_blocks(s, g, group))
		*why = "free block count too large";
	else if (gd->bg_free_inodes_count > s->s_inodes_per_group)
		*why = "free inode count too large";
	else if (gd->bg_used_dirs_count > s->s_inodes_per_group)
		*why = "directory count too large";
	return *why ? -EUCLEAN : 0;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(uint32_t group, bool sparse)
{
	if (!sparse || group <= 1)
		return true;
	if (!(group & 1))
		return false;
	return is_power_of(group, 3) || is_power_of(group, 5) ||
	       is_power_of(group, 7);
}

uint32_t ext2_group_overhead(const struct ext2_super_block *s,
			     const struct ext2_geom *g, uint32_t group)
{
	bool sparse = s->s_feature_ro_compat & EXT2_RO_COMPAT_SPARSE_SUPER;
	uint32_t n = 2 + g->itable_blocks;

	if (ext2_group_has_super(group, sparse))
		n += 1 + g->gdt_blocks + s->s_reserved_gdt_blocks;
	return n;
}

int ext2_bmap_path(uint64_t lblock, unsigned addr_bits, unsigned off[4])
{
	uint64_t apb = 1ull << addr_bits, mask = apb - 1;

	if (lblock < EXT2_NDIR_BLOCKS) {
		off[0] = (unsigned)lblock;
		return 1;
	}
	lblock -= EXT2_NDIR_BLOCKS;
	if (lblock < apb) {
		off[0] = EXT2_IND_BLOCK;
		off[1] = (unsigned)lblock;
		return 2;
	}
	lblock -= apb;
	if (lblock < apb * apb) {
		off[0] = EXT2_DIND_BLOCK;
		off[1] = (unsigned)(lblock >> addr_bits);
		off[2] = (unsigned)(lblock & mask);
		return 3;
	}
	lblock -= apb * apb;
	if (lblock < apb * apb * apb) {
		off[0] = EXT2_TIND_BLOCK;
		off[1] = (unsigned)(lblock >> (2 * addr_bits));
		off[2] = (unsigned)((lblock >> addr_bits) & mask);
		off[3] = (unsigned)(lblock & mask);
		return 4;
	}
	return -EFBIG;
}

uint64_t ext2_max_blocks(unsigned addr_bits)
{
	uint64_t apb = 1ull << addr_bits;

	return EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
}

static int64_t find_zero_range(const uint8_t *map, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to;) {
		if ((i & 7) == 0 && i + 8 <= to && map[i >> 3] == 0xff) {
			i += 8; /* a full byte */
			continue;
		}
		if (!ext2_test_bit(map, i))
			return i;
		i++;
	}
	return -1;
}

int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits,
			      uint32_t start)
{
	int64_t r;

	if (start >= nbits)
		start = 0;
	r = find_zero_range(map, start, nbits);
	if (r < 0)
		r = find_zero_range(map, 0, start);
	return r;
}

int ext2_dir_block_check(const uint8_t *blk, unsigned bs, uint32_t inodes,
			 bool filetype, unsigned *bad_off)
{
	unsigned off = 0;

	while (off < bs) {
		const struct ext2_dirent *de = (const void *)(blk + off);

		*bad_off = off;
		if (bs - off < EXT2_DIRENT_HEAD + 4)
			return -EUCLEAN;
		if (de->rec_len < EXT2_DIRENT_HEAD + 4 || de->rec_len % 4 ||
		    de->rec_len > bs - off)
			return -EUCLEAN;
		if (EXT2_DIRENT_HEAD + ext2_dirent_name_len(de, filetype) >
		    de->rec_len)
			return -EUCLEAN;
		if (de->inode > inodes)
			return -EUCLEAN;
		off += de->rec_len;
	}
	return 0;
}

int ext2_dirent_find(const uint8_t *blk, unsigned bs, const char *name,
		     size_t len, bool filetype, unsigned *off, unsigned *prev)
{
	unsigned o = 0, p = UINT32_MAX;

	while (o < bs) {
		const struct ext2_dirent *de = (const void *)(blk + o);

		if (de->inode && ext2_dirent_name_len(de, filetype) == len &&
		    !memcmp(de->name, name, len)) {
			*off = o;
			*prev = p;
			return 0;
		}
		p = o;
		o += de->rec_len;
	}
	return -ENOENT;
}

int ext2_dirent_space(const uint8_t *blk, unsigned bs, unsigned name_len,
		      bool filetype)
{
	unsigned need = ext2_rec_len(name_len), o = 0;

	while (o < bs) {
		const struct ext2_dirent *de = (const void *)(blk + o);
		unsigned used = de->inode ? ext2_rec_len(ext2_dirent_name_len(
						    de, filetype)) :
					    0;

		if (de->rec_len >= used + need)
			return (int)o;
		o += de->rec_len;
	}
	return -ENOSPC;
}

unsigned ext2_dirent_insert(uint8_t *blk, unsigned off, uint32_t ino,
			    const char *name, unsigned len, uint8_t type,
			    bool filetype)
{
	struct ext2_dirent *de = (void *)(blk + off);
	unsigned rec = de->rec_len;

	if (de->inode) { /* split: the live entry keeps what it uses */
		unsigned used =
			ext2_rec_len(ext2_dirent_name_len(de, filetype));

		de->rec_len = (uint16_t)used;
		off += used;
		rec -= used;
		de = (void *)(blk + off);
	}
	de->inode = ino;
	de->rec_len = (uint16_t)rec;
	de->name_len = (uint8_t)len;
	de->file_type = filetype ? type : 0;
	memcpy(de->name, name, len);
	return off;
}

void ext2_dirent_remove(uint8_t *blk, unsigned off, unsigned prev)
{
	struct ext2_dirent *de = (void *)(blk + off);

	if (prev != UINT32_MAX) {
		struct ext2_dirent *pd = (void *)(blk + prev);

		pd->rec_len = (uint16_t)(pd->rec_len + de->rec_len);
	} else {
		de->inode = 0;
	}
}

void ext2_dir_init_block(uint8_t *blk, unsigned bs, uint32_t self,
			 uint32_t parent, bool filetype)
{
	struct ext2_dirent *dot = (void *)blk, *dotdot = (void *)(blk + 12);

	memset(blk, 0, bs);
	dot->inode = self;
	dot->rec_len = 12;
	dot->name_len = 1;
	dot->file_type = filetype ? EXT2_FT_DIR : 0;
	dot->name[0] = '.';
	dotdot->inode = parent;
	dotdot->rec_len = (uint16_t)(bs - 12);
	dotdot->name_len = 2;
	dotdot->file_type = filetype ? EXT2_FT_DIR : 0;
	dotdot->name[0] = dotdot->name[1] = '.';
}

void ext2_decode_dev(const uint32_t *i_block, uint32_t *major, uint32_t *minor)
{
	uint32_t x;

	if (i_block[0]) {
		*major = (i_block[0] >> 8) & 0xff;
		*minor = i_block[0] & 0xff;
		return;
	}
	x = i_block[1];
	*major = (x & 0xfff00) >> 8;
	*minor = (x & 0xff) | ((x >> 12) & 0xfff00);
}

void ext2_encode_dev(uint32_t *i_block, uint32_t major, uint32_t minor)
{
	if (major < 256 && minor < 256) {
		i_block[0] = major << 8 | minor;
		i_block[1] = 0;
		return;
	}
	i_block[0] = 0;
	i_block[1] = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
	i_block[2] = 0;
}
