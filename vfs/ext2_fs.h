/* SPDX-License-Identifier: MIT */
/*
 * ext2 revision 0/1 on-disk structures and the pure logic over them
 * (superblock validation, bitmaps, block-map index math, directory
 * entries). Follows Dave Poirier's "The Second Extended File System"
 * (cited as [Poirier §x]) and Linux's Documentation/filesystems/ext2.rst.
 * Pure: the host unit tests use ext2_disk.c directly. All fields are
 * little-endian, as x86 is.
 */
#ifndef STRIX_VFS_EXT2_FS_H
#define STRIX_VFS_EXT2_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXT2_SUPER_MAGIC 0xEF53
#define EXT2_SB_OFFSET 1024 /* [Poirier §3.1]: 1024 bytes from the start */
#define EXT2_ROOT_INO 2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15
#define EXT2_NAME_LEN 255
#define EXT2_LINK_MAX 32000
#define EXT2_FAST_LINK_MAX 60 /* bytes of i_block */

/* s_state [Poirier §3.1, s_state] */
#define EXT2_VALID_FS 1
#define EXT2_ERROR_FS 2

/* Features [Poirier §3.1, s_feature_*]. */
#define EXT2_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_COMPAT_IMAGIC_INODES 0x0002
#define EXT3_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_COMPAT_EXT_ATTR 0x0008
#define EXT2_COMPAT_RESIZE_INO 0x0010
#define EXT2_COMPAT_DIR_INDEX 0x0020
#define EXT2_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_RO_COMPAT_BTREE_DIR 0x0004
#define EXT2_INCOMPAT_COMPRESSION 0x0001
#define EXT2_INCOMPAT_FILETYPE 0x0002
#define EXT3_INCOMPAT_RECOVER 0x0004
#define EXT3_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_INCOMPAT_META_BG 0x0010

/* What this driver implements: everything else incompat refuses the
 * mount, everything else ro_compat makes it read-only. */
#define EXT2_INCOMPAT_SUPP EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_SUPP \
	(EXT2_RO_COMPAT_SPARSE_SUPER | EXT2_RO_COMPAT_LARGE_FILE)

/* i_flags [Poirier §3.5, i_flags] */
#define EXT2_INDEX_FL 0x00001000 /* hash-indexed directory */

/* Directory entry file types [Poirier §4.1, file_type] */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* The superblock [Poirier §3.1]. */
struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_pad[3];
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint8_t s_rest[760];
};
_Static_assert(sizeof(struct ext2_super_block) == 1024, "ext2 sb size");

/* A block group descriptor [Poirier §3.2]. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint32_t bg_reserved[3];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 gd size");

/* An inode, the first 128 bytes [Poirier §3.5]. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* i_dir_acl in revision 0 */
	uint32_t i_faddr;
	uint8_t i_frag;
	uint8_t i_fsize;
	uint16_t i_pad1;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == 128, "ext2 inode size");

/* A directory entry [Poirier §4.1]: name_len is 16 bits without the
 * filetype feature, whose high byte is then 0 for every legal name. */
struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
#define EXT2_DIRENT_HEAD 8

/* Sizes derived from a validated superblock. */
struct ext2_geom {
	uint32_t block_size, block_bits;
	uint32_t groups;
	uint32_t desc_per_block, gdt_blocks;
	uint32_t inode_size, inodes_per_block, itable_blocks;
	uint32_t first_ino;
	uint32_t addr_per_block, addr_bits; /* block numbers per block */
};

/*
 * Checks every number of a superblock before use and fills g: magic,
 * revision, block size 1K..4K, group sizes, counts consistent with each
 * other and with the device (dev_bytes). 0, or -EINVAL with *why set.
 */
int ext2_sb_check(const struct ext2_super_block *s, uint64_t dev_bytes,
		  struct ext2_geom *g, const char **why);
/* Checks group g's descriptor: bitmaps and inode table inside the group
 * [Poirier §3.2], free counts within the group's size. 0 or -EUCLEAN. */
int ext2_gd_check(const struct ext2_super_block *s, const struct ext2_geom *g,
		  uint32_t group, const struct ext2_group_desc *gd,
		  const char **why);
/* Blocks in group (the last group may be short). */
uint32_t ext2_group_blocks(const struct ext2_super_block *s,
			   const struct ext2_geom *g, uint32_t group);
/* Does group hold a superblock and descriptor backup? With sparse_super
 * only groups 0, 1 and powers of 3, 5 and 7 do [Poirier §3.1, sparse_super]. */
bool ext2_group_has_super(uint32_t group, bool sparse);
/* Metadata blocks of group: superblock + descriptors (+ reserved GDT
 * blocks) if it has them, both bitmaps, the inode table. */
uint32_t ext2_group_overhead(const struct ext2_super_block *s,
			     const struct ext2_geom *g, uint32_t group);

/*
 * Where logical block lblock lives in the i_block tree [Poirier §3.5, i_block]:
 * off[0] is the index in i_block (0..14), off[1..depth-1] the indices in
 * the indirect blocks. The depth (1 direct .. 4 triple indirect), or
 * -EFBIG past the triple indirect range.
 */
int ext2_bmap_path(uint64_t lblock, unsigned addr_bits, unsigned off[4]);
/* Logical blocks the tree can address with 2^addr_bits per block. */
uint64_t ext2_max_blocks(unsigned addr_bits);

/* The first clear bit in [start, nbits), else in [0, start); -1 if all
 * nbits are set. */
int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits,
			      uint32_t start);
static inline bool ext2_test_bit(const uint8_t *map, uint32_t bit)
{
	return map[bit >> 3] & (1u << (bit & 7));
}
static inline void ext2_set_bit(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}
static inline void ext2_clear_bit(uint8_t *map, uint32_t bit)
{
	map[bit >> 3] &= (uint8_t) ~(1u << (bit & 7));
}

/* Bytes a directory entry with a name of len bytes needs: 8 + len,
 * rounded up to 4 [Poirier §4.1, rec_len]. */
static inline unsigned ext2_rec_len(unsigned name_len)
{
	return (EXT2_DIRENT_HEAD + name_len + 3) & ~3u;
}
/*
 * Checks a directory block of bs bytes: every rec_len at least 12 (8 +
 * 4), a multiple of 4, holding its name and ending inside the block;
 * the entries exactly cover it; inode numbers at most inodes. 0, or
 * -EUCLEAN with *bad_off at the offending entry.
 */
int ext2_dir_block_check(const uint8_t *blk, unsigned bs, uint32_t inodes,
			 bool filetype, unsigned *bad_off);
/* The name_len of an entry (16 bits without the filetype feature). */
static inline unsigned ext2_dirent_name_len(const struct ext2_dirent *de,
					    bool filetype)
{
	return filetype ? de->name_len :
			  (unsigned)de->name_len | (unsigned)de->file_type << 8;
}
/* Finds the live entry called name in a checked block: its offset and
 * the previous entry's (UINT32_MAX if first). 0 or -ENOENT. */
int ext2_dirent_find(const uint8_t *blk, unsigned bs, const char *name,
		     size_t len, bool filetype, unsigned *off, unsigned *prev);
/* An offset where an entry of name_len fits (a free entry big enough or
 * a live one with that much slack), or -ENOSPC. Checked block. */
int ext2_dirent_space(const uint8_t *blk, unsigned bs, unsigned name_len,
		      bool filetype);
/* Writes the entry into the slot at off that ext2_dirent_space found,
 * splitting a live entry; returns the new entry's offset. */
unsigned ext2_dirent_insert(uint8_t *blk, unsigned off, uint32_t ino,
			    const char *name, unsigned len, uint8_t type,
			    bool filetype);
/* Removes the entry at off: merged into the previous entry, or marked
 * free (inode 0) if it is the first of the block [Poirier §4.1]. */
void ext2_dirent_remove(uint8_t *blk, unsigned off, unsigned prev);
/* Formats a new directory's first block: "." and ".." (rest of block). */
void ext2_dir_init_block(uint8_t *blk, unsigned bs, uint32_t self,
			 uint32_t parent, bool filetype);

/* Device numbers in i_block[0] (old, 8:8 bits) or i_block[1] (new,
 * 12:20 bits), as Linux encodes them. */
void ext2_decode_dev(const uint32_t *i_block, uint32_t *major, uint32_t *minor);
void ext2_encode_dev(uint32_t *i_block, uint32_t major, uint32_t minor);

#endif
