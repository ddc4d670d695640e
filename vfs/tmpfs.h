/* SPDX-License-Identifier: MIT */
/* Private to tmpfs (tmpfs.c: names and attributes; tmpfs_file.c: data). */
#ifndef STRIX_VFS_TMPFS_H
#define STRIX_VFS_TMPFS_H

#include "mm/mm.h"
#include "vfs/vfs.h"

#define TMPFS_MAGIC 0x01021994

struct tmpfs_sb {
	uint64_t max_pages; /* size= */
	uint64_t used_pages;
	uint32_t root_mode; /* mode= */
	struct spinlock lock;
};

/* A file's data: one page per index, NULL for holes. */
struct tmpfs_inode {
	struct spinlock lock; /* pages[] and npages */
	struct page **pages;
	uint64_t npages;
	char *link; /* a symlink's target */
};

static inline struct tmpfs_inode *TI(struct inode *i)
{
	return i->private;
}

extern const struct file_ops tmpfs_file_ops;
extern const struct file_ops tmpfs_dir_ops;
extern const struct inode_ops tmpfs_file_iops;

/* Frees pages at or beyond index first (truncation). */
void tmpfs_truncate_pages(struct inode *i, uint64_t first);
/* Sets the size, freeing or zeroing what lies beyond (truncate(2)). */
int tmpfs_set_size(struct inode *i, uint64_t size);
void tmpfs_release_data(struct inode *i);
int tmpfs_setattr(struct dentry *d, const struct iattr *a);

/* dcache.c helpers tmpfs uses: its dentries are its directories. */
int dentry_for_each_child(struct dentry *dir, int64_t start,
			  bool (*fn)(struct dentry *d, void *ctx), void *ctx);
int dentry_move(struct dentry *d, struct dentry *new_parent, const char *name,
		size_t len);
void dentry_unhash(struct dentry *d);

#endif
