/* SPDX-License-Identifier: MIT */
/*
 * Private to the ext2 driver: the mounted file system (ext2_super.c), the
 * in-memory inodes and their block maps (ext2_inode.c, ext2_bmap.c),
 * allocation (ext2_alloc.c), directories (ext2_dir.c), names
 * (ext2_namei.c) and file data (ext2_file.c).
 */
#ifndef STRIX_VFS_EXT2_H
#define STRIX_VFS_EXT2_H

#include "dev/blk.h"
#include "vfs/ext2_fs.h"
#include "vfs/vfs.h"

#define EXT2_ICACHE_BUCKETS 256

struct ext2_sb {
	struct blkdev *dev;
	struct super_block *sb;
	struct ext2_super_block raw; /* in memory; written by ext2_write_super */
	struct ext2_geom g;
	struct ext2_group_desc *gd; /* g.groups of them */
	bool filetype, ro;
	uint16_t mount_state; /* s_state when mounted: restored at umount */
	/* Bitmaps, group descriptors, the free counts in raw. */
	struct mutex alloc_lock;
	/* The in-memory inodes by number. */
	struct mutex icache_lock;
	struct list_head icache[EXT2_ICACHE_BUCKETS];
	struct list_head link; /* all mounted ext2 file systems */
};

/* What ext2 keeps beside struct inode. */
struct ext2_inode_info {
	struct inode *inode;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t flags, dtime, file_acl, generation;
	uint32_t group;	     /* where the inode lives */
	uint32_t last_block; /* allocation goal: the last block placed */
	struct list_head hash;
	bool hashed;
	struct ext2_pcache *pcache; /* regular files' pages (ext2_pcache.c) */
};

static inline struct ext2_sb *EXT2_SB(struct super_block *sb)
{
	return sb->private;
}
static inline struct ext2_inode_info *EI(struct inode *i)
{
	return i->private;
}

/* ---- ext2_super.c ---- */

/* Logs a corruption found at run time (Linux's ext2_error), once per
 * call; the operation then fails with -EUCLEAN. */
void ext2_error(struct ext2_sb *s, const char *fn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Writes the in-memory superblock and descriptors to their buffers. */
int ext2_write_super(struct ext2_sb *s);

/* ---- ext2_inode.c ---- */

/* The in-memory inode ino, read from disk if not cached; referenced.
 * ERR_PTR(-EUCLEAN) for numbers out of range or a bad mode. */
struct inode *ext2_iget(struct super_block *sb, uint32_t ino);
/* A new inode of mode in the group near dir (bitmap, counts); uid/gid
 * from the caller, i_block zeroed; hashed and referenced. */
struct inode *ext2_new_inode(struct inode *dir, uint32_t mode);
/* Copies the in-memory inode to its inode-table buffer. 0 or -errno. */
int ext2_write_inode(struct inode *i);
/* super_ops->destroy_inode: write back, or free if it has no links. */
void ext2_destroy_inode(struct inode *i);
/* Writes back every cached inode (sync). */
int ext2_sync_inodes(struct ext2_sb *s);
void ext2_set_ops(struct inode *i);
/* Sets the large_file feature once i passes 2 GiB - 1. */
void ext2_note_large_file(struct ext2_sb *s, struct inode *i);

/* ---- ext2_bmap.c ---- */

/* The disk block of logical block lblock of i (0: a hole). With create,
 * allocates it (and indirect blocks) zeroed... except the data block
 * itself, which *fresh then reports. 0 or -errno. Caller holds i->lock
 * when creating. */
int ext2_bmap(struct inode *i, uint64_t lblock, bool create, uint32_t *out,
	      bool *fresh);
/* Frees every block at or past logical block first. Caller holds
 * i->lock. */
int ext2_truncate_blocks(struct inode *i, uint64_t first);
/* Largest file size the block map and i_blocks allow. */
uint64_t ext2_max_size(struct ext2_sb *s);

/* ---- ext2_alloc.c ---- */

/* A free block, preferably at or after goal; marked used. 0 and *out,
 * -ENOSPC or -EUCLEAN. */
int ext2_new_block(struct ext2_sb *s, uint32_t goal, uint32_t *out);
void ext2_free_block(struct ext2_sb *s, uint32_t block);
/* An inode number for a new inode near group; marked used. */
int ext2_alloc_ino(struct ext2_sb *s, uint32_t group, bool dir, uint32_t *out);
void ext2_free_ino(struct ext2_sb *s, uint32_t ino, bool dir);
/* Is block a legal data block number (inside the file system)? */
bool ext2_block_ok(struct ext2_sb *s, uint32_t block);

/* ---- ext2_dir.c ---- */

extern const struct file_ops ext2_dir_fops;
int ext2_lookup(struct inode *dir, struct dentry *d);
/* The inode number of name in dir, or -ENOENT / -errno. */
int ext2_dir_find(struct inode *dir, const char *name, size_t len,
		  uint32_t *ino);
/* Adds name -> ino (of mode) to dir. Caller holds dir->lock. */
int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode);
/* Removes name from dir. */
int ext2_dir_remove(struct inode *dir, const char *name, size_t len);
/* Points the existing name at ino (rename over a target; '..'). */
int ext2_dir_set(struct inode *dir, const char *name, size_t len, uint32_t ino,
		 uint32_t mode);
/* 1 if dir holds nothing but "." and "..", 0 if it does, or -errno. */
int ext2_dir_is_empty(struct inode *dir);
/* Writes the first block of a new directory. */
int ext2_dir_make(struct inode *dir, uint32_t parent);

/* ---- ext2_namei.c ---- */

extern const struct inode_ops ext2_dir_iops;
extern const struct inode_ops ext2_symlink_iops;

/* ---- ext2_pcache.c ---- */

/* The cached page index of a regular file, referenced: read in (fill) or
 * zeroed when new; write marks it dirty, map as handed to mmap. */
int ext2_pc_page(struct inode *i, uint64_t index, bool fill, bool write,
		 bool map, struct page **out);
/* Is page index all holes, and not cached (reads give zeros)? */
bool ext2_pc_hole(struct inode *i, uint64_t index);
/* Writes dirty and mapped pages through the block map into the buffer
 * cache. Caller holds i->lock or the last reference. */
int ext2_pc_writeback(struct inode *i);
/* Drops pages past size and zeroes the rest of the last one. */
void ext2_pc_truncate(struct inode *i, uint64_t size);
/* Drops every page (no write-back) and the cache. */
void ext2_pc_free(struct inode *i);

/* ---- ext2_file.c ---- */

extern const struct file_ops ext2_file_fops;
extern const struct inode_ops ext2_file_iops;
int ext2_setattr(struct dentry *d, const struct iattr *a);
/* Reads/writes file bytes through the block map and buffer cache. */
ssize_t ext2_read_data(struct inode *i, const struct iobuf *b, uint64_t pos);
ssize_t ext2_write_data(struct inode *i, const struct iobuf *b, uint64_t pos);

#endif
