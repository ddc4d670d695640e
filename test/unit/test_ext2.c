/* SPDX-License-Identifier: MIT */
/* ext2's pure logic: superblock checks, group backups, block-map index
 * math at each indirection level, bitmap search, directory entries. */
#include <string.h>

#include "kernel/uapi/errno.h"
#include "test/unit/unit.h"
#include "vfs/ext2_fs.h"

/* A valid 1 KiB-block superblock of 8192 blocks in one group. */
static struct ext2_super_block good_sb(void)
{
	struct ext2_super_block s;

	memset(&s, 0, sizeof(s));
	s.s_magic = EXT2_SUPER_MAGIC;
	s.s_rev_level = EXT2_DYNAMIC_REV;
	s.s_inode_size = 256;
	s.s_first_ino = 11;
	s.s_log_block_size = 0;
	s.s_log_frag_size = 0;
	s.s_first_data_block = 1;
	s.s_blocks_count = 8192;
	s.s_blocks_per_group = 8192;
	s.s_frags_per_group = 8192;
	s.s_inodes_per_group = 2048;
	s.s_inodes_count = 2048;
	return s;
}

TEST(ext2_sb_check_good)
{
	struct ext2_super_block s = good_sb();
	struct ext2_geom g;
	const char *why = NULL;

	CHECK_EQ(ext2_sb_check(&s, 8192 * 1024, &g, &why), 0);
	CHECK_EQ(g.block_size, 1024);
	CHECK_EQ(g.groups, 1); /* blocks 1..8191 */
	CHECK_EQ(g.inodes_per_block, 4);
	CHECK_EQ(g.itable_blocks, 512);
	CHECK_EQ(g.addr_bits, 8);
	CHECK_EQ(g.gdt_blocks, 1);
	/* 4 KiB blocks: first data block 0. */
	s.s_log_block_size = s.s_log_frag_size = 2;
	s.s_first_data_block = 0;
	s.s_blocks_count = 70000;
	s.s_blocks_per_group = s.s_frags_per_group = 32768;
	s.s_inodes_count = 3 * 2048;
	CHECK_EQ(ext2_sb_check(&s, 70000ull * 4096, &g, &why), 0);
	CHECK_EQ(g.groups, 3);
	CHECK_EQ(g.addr_bits, 10);
}

TEST(ext2_sb_check_rejects)
{
	struct ext2_geom g;
	const char *why;
	struct ext2_super_block s;

#define BAD(field, value, bytes)                                       \
	do {                                                           \
		s = good_sb();                                         \
		s.field = value;                                       \
		why = NULL;                                            \
		CHECK_EQ(ext2_sb_check(&s, bytes, &g, &why), -EINVAL); \
		CHECK(why != NULL);                                    \
	} while (0)
	BAD(s_magic, 0x1234, 8192 * 1024);
	BAD(s_log_block_size, 3, 8192 * 1024); /* 8 KiB: unsupported */
	BAD(s_log_block_size, 40, 8192 * 1024);
	BAD(s_first_data_block, 0, 8192 * 1024);
	BAD(s_blocks_count, 8193, 8192 * 1024); /* past the device */
	BAD(s_blocks_count, 2, 8192 * 1024);
	BAD(s_blocks_per_group, 0, 8192 * 1024);
	BAD(s_blocks_per_group, 8200, 8192 * 1024); /* > bits in a block */
	BAD(s_inodes_per_group, 0, 8192 * 1024);
	BAD(s_inodes_per_group, 2047, 8192 * 1024); /* not whole blocks */
	BAD(s_inodes_count, 4096, 8192 * 1024);	    /* != groups * ipg */
	BAD(s_inode_size, 100, 8192 * 1024);
	BAD(s_inode_size, 2048, 8192 * 1024); /* > block */
	BAD(s_first_ino, 3, 8192 * 1024);
	BAD(s_rev_level, 7, 8192 * 1024);
	BAD(s_r_blocks_count, 9000, 8192 * 1024);
	/* Smaller device than the file system. */
	s = good_sb();
	CHECK_EQ(ext2_sb_check(&s, 8191 * 1024, &g, &why), -EINVAL);
#undef BAD
}

TEST(ext2_gd_check)
{
	struct ext2_super_block s = good_sb();
	struct ext2_geom g;
	const char *why;
	struct ext2_group_desc gd = { .bg_block_bitmap = 3,
				      .bg_inode_bitmap = 4,
				      .bg_inode_table = 5,
				      .bg_free_blocks_count = 7000,
				      .bg_free_inodes_count = 2000 };

	CHECK_EQ(ext2_sb_check(&s, 8192 * 1024, &g, &why), 0);
	CHECK_EQ(ext2_gd_check(&s, &g, 0, &gd, &why), 0);
	gd.bg_inode_table = 8000; /* 512 blocks would run past the group */
	CHECK_EQ(ext2_gd_check(&s, &g, 0, &gd, &why), -EUCLEAN);
	gd.bg_inode_table = 5;
	gd.bg_block_bitmap = 0;
	CHECK_EQ(ext2_gd_check(&s, &g, 0, &gd, &why), -EUCLEAN);
	gd.bg_block_bitmap = 3;
	gd.bg_free_inodes_count = 3000;
	CHECK_EQ(ext2_gd_check(&s, &g, 0, &gd, &why), -EUCLEAN);
}

TEST(ext2_sparse_super_groups)
{
	const uint32_t with[] = { 0, 1, 3, 5, 7, 9, 25, 27, 49, 81, 125, 343 };
	const uint32_t without[] = { 2, 4, 6, 8, 10, 15, 21, 35, 45, 100 };

	for (unsigned k = 0; k < sizeof(with) / sizeof(with[0]); k++)
		CHECK(ext2_group_has_super(with[k], true));
	for (unsigned k = 0; k < sizeof(without) / sizeof(without[0]); k++)
		CHECK(!ext2_group_has_super(without[k], true));
	CHECK(ext2_group_has_super(6, false));
}

TEST(ext2_bmap_path_levels)
{
	unsigned off[4];
	const unsigned bits = 8; /* 1 KiB blocks: 256 pointers */

	CHECK_EQ(ext2_bmap_path(0, bits, off), 1);
	CHECK_EQ(off[0], 0);
	CHECK_EQ(ext2_bmap_path(11, bits, off), 1);
	CHECK_EQ(off[0], 11);
	CHECK_EQ(ext2_bmap_path(12, bits, off), 2);
	CHECK_EQ(off[0], EXT2_IND_BLOCK);
	CHECK_EQ(off[1], 0);
	CHECK_EQ(ext2_bmap_path(12 + 255, bits, off), 2);
	CHECK_EQ(off[1], 255);
	CHECK_EQ(ext2_bmap_path(12 + 256, bits, off), 3);
	CHECK_EQ(off[0], EXT2_DIND_BLOCK);
	CHECK_EQ(off[1], 0);
	CHECK_EQ(off[2], 0);
	CHECK_EQ(ext2_bmap_path(12 + 256 + 256 * 3 + 7, bits, off), 3);
	CHECK_EQ(off[1], 3);
	CHECK_EQ(off[2], 7);
	CHECK_EQ(ext2_bmap_path(12 + 256 + 65535, bits, off), 3);
	CHECK_EQ(off[1], 255);
	CHECK_EQ(off[2], 255);
	CHECK_EQ(ext2_bmap_path(12 + 256 + 65536, bits, off), 4);
	CHECK_EQ(off[0], EXT2_TIND_BLOCK);
	CHECK_EQ(off[1], 0);
	CHECK_EQ(off[2], 0);
	CHECK_EQ(off[3], 0);
	CHECK_EQ(ext2_bmap_path(12 + 256 + 65536 + 65536 * 2 + 256 * 5 + 9,
				bits, off),
		 4);
	CHECK_EQ(off[1], 2);
	CHECK_EQ(off[2], 5);
	CHECK_EQ(off[3], 9);
	CHECK_EQ(ext2_max_blocks(bits), 12 + 256 + 65536 + 16777216ull);
	CHECK_EQ(ext2_bmap_path(ext2_max_blocks(bits) - 1, bits, off), 4);
	CHECK_EQ(off[1], 255);
	CHECK_EQ(off[3], 255);
	CHECK_EQ(ext2_bmap_path(ext2_max_blocks(bits), bits, off), -EFBIG);
	/* 4 KiB blocks: 1024 pointers. */
	CHECK_EQ(ext2_bmap_path(12 + 1024, 10, off), 3);
	CHECK_EQ(off[1], 0);
}

TEST(ext2_bitmap_search)
{
	uint8_t map[4];

	memset(map, 0xff, sizeof(map));
	CHECK_EQ(ext2_bitmap_find_zero(map, 32, 0), -1);
	ext2_clear_bit(map, 5);
	ext2_clear_bit(map, 20);
	CHECK_EQ(ext2_bitmap_find_zero(map, 32, 0), 5);
	CHECK_EQ(ext2_bitmap_find_zero(map, 32, 6), 20);
	CHECK_EQ(ext2_bitmap_find_zero(map, 32, 21), 5); /* wraps */
	CHECK_EQ(ext2_bitmap_find_zero(map, 20, 6), 5);	 /* 20 is past nbits */
	ext2_set_bit(map, 5);
	CHECK(ext2_test_bit(map, 5));
	CHECK_EQ(ext2_bitmap_find_zero(map, 20, 0), -1);
	CHECK_EQ(ext2_bitmap_find_zero(map, 32, 100), 20); /* start too big */
}

static struct ext2_dirent *de_at(uint8_t *blk, unsigned off)
{
	return (struct ext2_dirent *)(blk + off);
}

TEST(ext2_dirent_rules)
{
	uint8_t blk[1024];
	unsigned bad, off, prev;

	CHECK_EQ(ext2_rec_len(1), 12);
	CHECK_EQ(ext2_rec_len(4), 12);
	CHECK_EQ(ext2_rec_len(5), 16);
	CHECK_EQ(ext2_rec_len(255), 264);
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad), 0);
	CHECK_EQ(de_at(blk, 12)->rec_len, 1012);
	/* Insert splits ".." (it keeps 12 bytes). */
	off = (unsigned)ext2_dirent_space(blk, sizeof(blk), 5, true);
	CHECK_EQ(off, 12);
	off = ext2_dirent_insert(blk, off, 20, "hello", 5, EXT2_FT_REG_FILE,
				 true);
	CHECK_EQ(off, 24);
	CHECK_EQ(de_at(blk, 12)->rec_len, 12);
	CHECK_EQ(de_at(blk, 24)->rec_len, 1000);
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad), 0);
	CHECK_EQ(ext2_dirent_find(blk, sizeof(blk), "hello", 5, true, &off,
				  &prev),
		 0);
	CHECK_EQ(off, 24);
	CHECK_EQ(prev, 12);
	CHECK_EQ(ext2_dirent_find(blk, sizeof(blk), "hell", 4, true, &off,
				  &prev),
		 -ENOENT);
	/* Removing merges into the previous entry. */
	ext2_dirent_remove(blk, 24, 12);
	CHECK_EQ(de_at(blk, 12)->rec_len, 1012);
	CHECK_EQ(ext2_dirent_find(blk, sizeof(blk), "hello", 5, true, &off,
				  &prev),
		 -ENOENT);
	/* The first entry of a block is only marked free. */
	ext2_dirent_remove(blk, 0, UINT32_MAX);
	CHECK_EQ(de_at(blk, 0)->inode, 0);
	CHECK_EQ(de_at(blk, 0)->rec_len, 12);
	/* A free entry is reused in place (no split). */
	CHECK_EQ(ext2_dirent_space(blk, sizeof(blk), 4, true), 0);
	CHECK_EQ(ext2_dirent_insert(blk, 0, 30, "abcd", 4, 1, true), 0);
	CHECK_EQ(de_at(blk, 0)->rec_len, 12);
	/* A name that does not fit anywhere. */
	for (unsigned k = 0; k < 3; k++) {
		char name[255];
		int o;

		memset(name, 'a' + k, sizeof(name));
		o = ext2_dirent_space(blk, sizeof(blk), 255, true);
		if (k < 3 && o >= 0)
			ext2_dirent_insert(blk, (unsigned)o, 40 + k, name, 255,
					   1, true);
	}
	CHECK_EQ(ext2_dirent_space(blk, sizeof(blk), 255, true), -ENOSPC);
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad), 0);
}

TEST(ext2_dirent_corrupt)
{
	uint8_t blk[1024];
	unsigned bad;

	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	de_at(blk, 12)->rec_len = 2000; /* past the block */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad),
		 -EUCLEAN);
	CHECK_EQ(bad, 12);
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	de_at(blk, 0)->rec_len = 10; /* below the minimum */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad),
		 -EUCLEAN);
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	de_at(blk, 0)->rec_len = 14; /* not a multiple of 4 */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad),
		 -EUCLEAN);
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	de_at(blk, 0)->name_len = 9; /* name longer than the entry */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad),
		 -EUCLEAN);
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, true);
	de_at(blk, 12)->inode = 101; /* past s_inodes_count */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, true, &bad),
		 -EUCLEAN);
	/* Without filetype the type byte is name_len's high byte. */
	ext2_dir_init_block(blk, sizeof(blk), 12, 2, false);
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, false, &bad), 0);
	de_at(blk, 0)->file_type = 1; /* name_len 257 */
	CHECK_EQ(ext2_dir_block_check(blk, sizeof(blk), 100, false, &bad),
		 -EUCLEAN);
}

TEST(ext2_device_numbers)
{
	uint32_t ib[3] = { 0, 0, 0 }, ma, mi;

	ext2_encode_dev(ib, 8, 17);
	CHECK_EQ(ib[0], 0x811);
	ext2_decode_dev(ib, &ma, &mi);
	CHECK_EQ(ma, 8);
	CHECK_EQ(mi, 17);
	ext2_encode_dev(ib, 259, 300);
	CHECK_EQ(ib[0], 0);
	ext2_decode_dev(ib, &ma, &mi);
	CHECK_EQ(ma, 259);
	CHECK_EQ(mi, 300);
	ext2_encode_dev(ib, 4095, 1048575);
	ext2_decode_dev(ib, &ma, &mi);
	CHECK_EQ(ma, 4095);
	CHECK_EQ(mi, 1048575);
}
