/* SPDX-License-Identifier: MIT */
/*
 * Private to the FAT file system (vfat): the mounted volume and the
 * in-memory inode. fat_super.c mounts; fat_table.c owns the FAT;
 * fat_dir.c directory entries; fat_namei.c names; fat_file.c file data.
 *
 * Locking: fs->lock (a mutex) covers everything on the disk and every
 * fat_inode field; it is taken after the VFS's inode locks and is never
 * held while user memory is touched (a fault may map a FAT file) or
 * while an inode reference is dropped (destroy_inode takes it).
 */
#ifndef STRIX_VFS_FAT_H
#define STRIX_VFS_FAT_H

#include "dev/blk.h"
#include "vfs/fat_fmt.h"
#include "vfs/vfs.h"

#define MSDOS_SUPER_MAGIC 0x4d44
#define FAT_ROOT_INO 1

struct fat_sb {
	struct fat_geom g;
	struct blkdev *dev;
	struct super_block *sb;
	struct mutex lock;
	uint32_t free_count; /* UINT32_MAX: not counted yet */
	uint32_t next_free;  /* where the search for a free cluster starts */
	uint32_t uid, gid;
	uint32_t fmask, dmask;
	bool rw;		 /* mounted writable: FAT[1] says dirty */
	bool fsinfo_dirty;	 /* FSInfo needs the counters written */
	struct list_head inodes; /* live fat_inodes, for fat_iget */
	struct list_head link;	 /* all mounted volumes */
};

struct fat_extent {
	uint32_t idx, clus, len; /* file clusters idx.. are clus.. */
};

struct fat_inode {
	struct inode *vfs;
	uint32_t start;	 /* first cluster; 0: none (empty file, FAT16 root) */
	uint64_t de_pos; /* byte on the volume of the short entry; 0: root */
	uint32_t dir_start; /* start cluster of the directory holding it */
	uint8_t attr;
	bool unlinked; /* the entry is gone; clusters go with the inode */
	/* The chain as it is known so far, in runs of contiguous clusters
	 * from file cluster 0 (fat_bmap.c). */
	struct fat_extent *ext;
	uint32_t next, ext_cap;
	uint32_t mapped; /* file clusters the runs cover */
	struct list_head link;
};

static inline struct fat_sb *FS(struct super_block *sb)
{
	return sb->private;
}
static inline struct fat_inode *FI(struct inode *i)
{
	return i->private;
}

/* The first sector of cluster c (2..nclusters+1). */
static inline uint64_t fat_clus_sector(struct fat_sb *fs, uint32_t c)
{
	return fs->g.data_start + (uint64_t)(c - 2) * fs->g.spc;
}
static inline bool fat_clus_ok(struct fat_sb *fs, uint32_t c)
{
	return c >= 2 && c <= fs->g.nclusters + 1;
}

/* ---- fat_table.c (fs->lock held) ---- */

/* Cluster n's entry, normalised (FAT_FREE, a cluster, FAT_BAD, FAT_EOC):
 * 0 or -EIO. */
int fat_get(struct fat_sb *fs, uint32_t n, uint32_t *val);
/* Sets n's entry in every FAT copy that is kept (fatgen103 BPB_ExtFlags). */
int fat_set(struct fat_sb *fs, uint32_t n, uint32_t val);
/* The entry after c in a chain: 0 and *next (FAT_EOC at the end), or
 * -EIO for a free, bad or out-of-range link (a corrupt chain). */
int fat_next(struct fat_sb *fs, uint32_t c, uint32_t *next);
/* Starts reading the FAT sectors after cluster n's entry when a chain
 * walk reaches a new stretch of them. */
void fat_prefetch(struct fat_sb *fs, uint32_t n);
/* Allocates a free cluster, marks it the end of a chain and links prev
 * (if nonzero) to it. 0 and *out, -ENOSPC or -EIO. */
int fat_alloc(struct fat_sb *fs, uint32_t prev, uint32_t *out);
/* Frees the chain from c on. */
int fat_free_chain(struct fat_sb *fs, uint32_t c);
/* Counts the free clusters if not yet known. */
int fat_count_free(struct fat_sb *fs);
/* Writes zeros over cluster c (directories). */
int fat_zero_cluster(struct fat_sb *fs, uint32_t c);
/* FAT[1]'s clean-shutdown bit (fatgen103 "FAT Data Structure"): set
 * clean or not. */
int fat_set_clean(struct fat_sb *fs, bool clean);
/* Writes FSInfo's free count and next-free hint (FAT32). */
int fat_write_fsinfo(struct fat_sb *fs);

/* ---- fat_dir.c (fs->lock held) ---- */

/* A directory entry as found: its names and where it lies. */
struct fat_slot {
	uint8_t de[FAT_DIRENT_SIZE]; /* the short entry */
	uint32_t first;		     /* its first slot (a long entry's) */
	uint32_t slot;		     /* the short entry's slot */
	uint64_t pos;		     /* byte on the volume of the short entry */
	uint16_t name[FAT_LFN_MAX];  /* the long name, else the short one */
	size_t len;
};

/* Looks name (UTF-16) up in directory dir, ignoring case: 0 and *s,
 * -ENOENT, or -EIO. */
int fat_dir_find(struct inode *dir, const uint16_t *name, size_t len,
		 struct fat_slot *s);
/* A walk over a directory's entries from slot at; NULL if out of
 * memory. next: 0 and *s, -ENOENT at the end, -EIO; "." and "..", volume
 * labels and deleted entries are skipped. pos: the slot to go on from. */
struct fat_diter;
struct fat_diter *fat_diter_open(struct inode *dir, uint32_t at);
int fat_diter_next(struct fat_diter *it, struct fat_slot *s);
uint32_t fat_diter_pos(struct fat_diter *it);
void fat_diter_close(struct fat_diter *it);
/* Adds an entry called name (a valid long name) with short entry de
 * (everything but the name filled in); 0 and *s. -ENOSPC when the
 * directory cannot grow. */
int fat_dir_add(struct inode *dir, const uint16_t *name, size_t len,
		const uint8_t *de, struct fat_slot *s);
/* Marks the entry's slots deleted (0xE5). */
int fat_dir_remove(struct inode *dir, const struct fat_slot *s);
/* Reads or rewrites the 32 bytes of the short entry at volume byte pos. */
int fat_de_read(struct fat_sb *fs, uint64_t pos, uint8_t *de);
int fat_de_write(struct fat_sb *fs, uint64_t pos, const uint8_t *de);
/* Is the directory empty but for "." and ".."? 1, 0 or -errno. */
int fat_dir_empty(struct inode *dir);
/* The number of subdirectories (for a directory's link count). */
int fat_dir_subdirs(struct inode *dir);

/* ---- fat_namei.c ---- */

/* The one inode for the entry s of the directory starting at dir_start
 * (referenced); fs->lock held. ERR_PTR(-ENOMEM). */
struct inode *fat_iget(struct fat_sb *fs, const struct fat_slot *s,
		       uint32_t dir_start);
/* A new in-memory inode with the ops for mode; NULL if out of memory. */
struct inode *fat_new_inode(struct fat_sb *fs, uint32_t mode);
/* Writes i's size, start cluster, attributes and times to its entry
 * (nothing for the root or read-only); fs->lock held. */
int fat_inode_sync(struct inode *i);
void fat_inode_to_de(struct inode *i, uint8_t *de);
/* mtime/ctime now (2-second granularity), written out; fs->lock held. */
void fat_touch(struct inode *i);
void fat_destroy_inode(struct inode *i);
/* The mode Linux's vfat shows for attributes attr (fmask/dmask). */
uint32_t fat_mode(struct fat_sb *fs, uint8_t attr);
int fat_setattr(struct dentry *d, const struct iattr *a);
int fat_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
	       struct dentry *nd, unsigned flags);
extern const struct inode_ops fat_dir_iops, fat_file_iops;
extern const struct file_ops fat_dir_fops;

/* ---- fat_bmap.c (fs->lock held) ---- */

/* Cluster number of file cluster index idx: 0 and *out (and in *run, if
 * given, how many clusters from it on are contiguous), or -EIO past the
 * chain's end or for a corrupt chain; with alloc, the chain grows to
 * reach it (-ENOSPC). */
int fat_bmap(struct inode *i, uint32_t idx, bool alloc, uint32_t *out,
	     uint32_t *run);
/* Forgets the runs (the chain changed: truncate). */
void fat_bmap_forget(struct fat_inode *fi);

/* ---- fat_file.c ---- */

extern const struct file_ops fat_file_fops;
/* Sets the file's size, freeing or zero-filling clusters (truncate);
 * i->lock held. */
int fat_set_size(struct inode *i, uint64_t size);
/* Writes the inode's entry, FSInfo and the volume's dirty blocks. */
int fat_fsync_inode(struct inode *i);

#endif
