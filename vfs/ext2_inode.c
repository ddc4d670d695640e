/* SPDX-License-Identifier: MIT */
/* ext2 inodes: reading and writing the inode table [Poirier §3.5], the
 * cache of in-memory inodes (one struct inode per number, so hard links
 * share it), creation and the freeing of unlinked inodes. */
#include "vfs/ext2.h"

extern const struct file_ops fifo_file_ops;

static struct list_head *bucket(struct ext2_sb *s, uint32_t ino)
{
	return &s->icache[ino % EXT2_ICACHE_BUCKETS];
}

/* The inode-table buffer holding ino and its offset there. */
static struct buf *inode_buf(struct ext2_sb *s, uint32_t ino, unsigned *off)
{
	uint32_t g = (ino - 1) / s->raw.s_inodes_per_group;
	uint32_t index = (ino - 1) % s->raw.s_inodes_per_group;
	uint32_t blk = s->gd[g].bg_inode_table + index / s->g.inodes_per_block;

	*off = (index % s->g.inodes_per_block) * s->g.inode_size;
	return bread(s->dev, blk, s->g.block_size);
}

void ext2_set_ops(struct inode *i)
{
	switch (i->mode & S_IFMT) {
	case S_IFDIR:
		i->iops = &ext2_dir_iops;
		i->fops = &ext2_dir_fops;
		break;
	case S_IFREG:
		i->iops = &ext2_file_iops;
		i->fops = &ext2_file_fops;
		break;
	case S_IFLNK:
		i->iops = &ext2_symlink_iops;
		break;
	case S_IFIFO:
		i->iops = &ext2_file_iops;
		i->fops = &fifo_file_ops;
		break;
	default: /* devices and sockets: ops come at open time */
		i->iops = &ext2_file_iops;
	}
}

static bool mode_ok(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return true;
	}
	return false;
}

/* Fills i from the on-disk inode; -EUCLEAN if it makes no sense. */
static int fill_inode(struct ext2_sb *s, struct inode *i,
		      const struct ext2_inode *di)
{
	struct ext2_inode_info *ei = EI(i);
	uint32_t major, minor;

	if (!di->i_links_count || !mode_ok(di->i_mode))
		return -EUCLEAN;
	i->mode = di->i_mode;
	i->uid = di->i_uid | (uint32_t)di->i_uid_high << 16;
	i->gid = di->i_gid | (uint32_t)di->i_gid_high << 16;
	i->nlink = di->i_links_count;
	i->size = di->i_size;
	if (S_ISREG(i->mode))
		i->size |= (uint64_t)di->i_size_high << 32;
	i->blocks = di->i_blocks;
	i->atime = (struct linux_timespec){ (int32_t)di->i_atime, 0 };
	i->mtime = (struct linux_timespec){ (int32_t)di->i_mtime, 0 };
	i->ctime = (struct linux_timespec){ (int32_t)di->i_ctime, 0 };
	memcpy(ei->i_block, di->i_block, sizeof(ei->i_block));
	ei->flags = di->i_flags;
	ei->dtime = di->i_dtime;
	ei->file_acl = di->i_file_acl;
	ei->generation = di->i_generation;
	if (S_ISCHR(i->mode) || S_ISBLK(i->mode)) {
		ext2_decode_dev(ei->i_block, &major, &minor);
		i->rdev = MKDEV(major, minor);
	}
	if (S_ISLNK(i->mode) && i->size >= s->g.block_size)
		return -EUCLEAN;
	if (S_ISREG(i->mode) && i->size > ext2_max_size(s))
		return -EUCLEAN;
	ext2_set_ops(i);
	return 0;
}

static struct inode *new_mem_inode(struct super_block *sb, uint32_t ino)
{
	struct inode *i = inode_alloc(sb, 0);
	struct ext2_inode_info *ei = kzalloc(sizeof(*ei));

	if (!i || !ei) {
		kfree(i);
		kfree(ei);
		return NULL;
	}
	i->ino = ino;
	i->private = ei;
	ei->inode = i;
	ei->group = (ino - 1) / EXT2_SB(sb)->raw.s_inodes_per_group;
	list_init(&ei->hash);
	return i;
}

/* The cached inode ino, referenced, or NULL. One whose last reference is
 * going (its destroy_inode waits for icache_lock) is written back and
 * unhashed, so the caller reads it afresh. Caller holds icache_lock. */
static struct inode *cache_find(struct ext2_sb *s, uint32_t ino)
{
	struct ext2_inode_info *ei;

	list_for_each_entry(ei, bucket(s, ino), hash)
	{
		struct inode *i = ei->inode;
		int ref = __atomic_load_n(&i->refcount, __ATOMIC_ACQUIRE);

		if (i->ino != ino)
			continue;
		while (ref > 0)
			if (__atomic_compare_exchange_n(
				    &i->refcount, &ref, ref + 1, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return i;
		if (!s->ro) {
			ext2_pc_writeback(i);
			ext2_write_inode(i);
		}
		list_del(&ei->hash);
		ei->hashed = false;
		return NULL;
	}
	return NULL;
}

static void hash_inode(struct ext2_sb *s, struct inode *i)
{
	list_add_tail(&EI(i)->hash, bucket(s, (uint32_t)i->ino));
	EI(i)->hashed = true;
}

static struct inode *read_inode(struct ext2_sb *s, uint32_t ino)
{
	struct inode *i = new_mem_inode(s->sb, ino);
	unsigned off;
	struct buf *b;
	int err;

	if (!i)
		return ERR_PTR(-ENOMEM);
	b = inode_buf(s, ino, &off);
	if (IS_ERR(b)) {
		kfree(i->private);
		kfree(i);
		return (struct inode *)b;
	}
	err = fill_inode(s, i,
			 (const struct ext2_inode *)((char *)b->data + off));
	brelse(b);
	if (err) {
		ext2_error(s, __func__, "inode %u is bad (deleted or corrupt)",
			   ino);
		kfree(i->private);
		kfree(i);
		return ERR_PTR(err);
	}
	hash_inode(s, i);
	return i;
}

struct inode *ext2_iget(struct super_block *sb, uint32_t ino)
{
	struct ext2_sb *s = EXT2_SB(sb);
	struct inode *i;

	if ((ino != EXT2_ROOT_INO && ino < s->g.first_ino) ||
	    ino > s->raw.s_inodes_count) {
		ext2_error(s, __func__, "bad inode number %u", ino);
		return ERR_PTR(-EUCLEAN);
	}
	mutex_lock(&s->icache_lock);
	i = cache_find(s, ino);
	if (!i)
		i = read_inode(s, ino);
	mutex_unlock(&s->icache_lock);
	return i;
}

static void put_times(struct ext2_inode *di, const struct inode *i)
{
	di->i_atime = (uint32_t)i->atime.tv_sec;
	di->i_mtime = (uint32_t)i->mtime.tv_sec;
	di->i_ctime = (uint32_t)i->ctime.tv_sec;
}

int ext2_write_inode(struct inode *i)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	struct ext2_inode_info *ei = EI(i);
	struct ext2_inode *di;
	unsigned off;
	struct buf *b = inode_buf(s, (uint32_t)i->ino, &off);

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	di = (struct ext2_inode *)((char *)b->data + off);
	di->i_mode = (uint16_t)i->mode;
	di->i_uid = (uint16_t)i->uid;
	di->i_uid_high = (uint16_t)(i->uid >> 16);
	di->i_gid = (uint16_t)i->gid;
	di->i_gid_high = (uint16_t)(i->gid >> 16);
	di->i_links_count = (uint16_t)i->nlink;
	di->i_size = (uint32_t)i->size;
	di->i_size_high = S_ISREG(i->mode) ? (uint32_t)(i->size >> 32) : 0;
	di->i_blocks = (uint32_t)i->blocks;
	put_times(di, i);
	di->i_dtime = ei->dtime;
	di->i_flags = ei->flags;
	di->i_file_acl = ei->file_acl;
	di->i_generation = ei->generation;
	memcpy(di->i_block, ei->i_block, sizeof(di->i_block));
	bdirty(b);
	brelse(b);
	return 0;
}

/* Sets the large_file feature once a file passes 2 GiB - 1
 * [Poirier §3.1, s_feature_ro_compat]. */
void ext2_note_large_file(struct ext2_sb *s, struct inode *i)
{
	if (i->size > 0x7fffffffu &&
	    !(s->raw.s_feature_ro_compat & EXT2_RO_COMPAT_LARGE_FILE)) {
		mutex_lock(&s->alloc_lock);
		s->raw.s_feature_ro_compat |= EXT2_RO_COMPAT_LARGE_FILE;
		mutex_unlock(&s->alloc_lock);
		ext2_write_super(s);
	}
}

/* Initialises the on-disk inode of a new inode: all of it zeroed (the
 * bytes past 128 too), then the fields. */
static int init_disk_inode(struct ext2_sb *s, struct inode *i)
{
	unsigned off;
	struct buf *b = inode_buf(s, (uint32_t)i->ino, &off);

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset((char *)b->data + off, 0, s->g.inode_size);
	if (s->g.inode_size > EXT2_GOOD_OLD_INODE_SIZE + 4) {
		/* i_extra_isize: the fields Linux's ext4 inode adds. */
		uint16_t extra = 32;

		if (extra > s->g.inode_size - EXT2_GOOD_OLD_INODE_SIZE)
			extra = (uint16_t)(s->g.inode_size -
					   EXT2_GOOD_OLD_INODE_SIZE);
		memcpy((char *)b->data + off + EXT2_GOOD_OLD_INODE_SIZE, &extra,
		       2);
	}
	bdirty(b);
	brelse(b);
	return ext2_write_inode(i);
}

struct inode *ext2_new_inode(struct inode *dir, uint32_t mode)
{
	static uint32_t generation;
	struct ext2_sb *s = EXT2_SB(dir->sb);
	struct inode *i;
	uint32_t ino;
	int err = ext2_alloc_ino(s, EI(dir)->group, S_ISDIR(mode), &ino);

	if (err)
		return ERR_PTR(err);
	i = new_mem_inode(dir->sb, ino);
	if (!i) {
		ext2_free_ino(s, ino, S_ISDIR(mode));
		return ERR_PTR(-ENOMEM);
	}
	i->mode = mode;
	if (dir->mode & S_ISGID) { /* BSD group semantics (POSIX mkdir) */
		i->gid = dir->gid;
		if (S_ISDIR(mode))
			i->mode |= S_ISGID;
	}
	EI(i)->generation =
		__atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
	ext2_set_ops(i);
	err = init_disk_inode(s, i);
	if (err) {
		ext2_free_ino(s, ino, S_ISDIR(mode));
		kfree(i->private);
		kfree(i);
		return ERR_PTR(err);
	}
	mutex_lock(&s->icache_lock);
	hash_inode(s, i);
	mutex_unlock(&s->icache_lock);
	return i;
}

/* Drops i's extended attribute block reference (h_refcount at offset 4
 * of the block, which starts with magic 0xEA020000). */
static void free_xattr_block(struct ext2_sb *s, struct inode *i)
{
	uint32_t blk = EI(i)->file_acl, *h;
	struct buf *b;

	EI(i)->file_acl = 0;
	if (!blk || !ext2_block_ok(s, blk))
		return;
	b = bread(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return;
	h = b->data;
	if (h[0] != 0xEA020000u) {
		ext2_error(s, __func__, "inode %llu: bad xattr block %u",
			   (unsigned long long)i->ino, blk);
	} else if (h[1] > 1) {
		h[1]--;
		bdirty(b);
	} else {
		ext2_free_block(s, blk);
	}
	brelse(b);
	if (i->blocks >= s->g.block_size / 512)
		i->blocks -= s->g.block_size / 512;
}

/* Frees an inode with no links left: its blocks, then its number. */
static void delete_inode(struct ext2_sb *s, struct inode *i)
{
	bool fast_link = S_ISLNK(i->mode) &&
			 i->blocks ==
				 (EI(i)->file_acl ? s->g.block_size / 512 : 0);

	ext2_pc_free(i); /* the data goes: nothing to write back */
	if (!fast_link &&
	    (S_ISREG(i->mode) || S_ISDIR(i->mode) || S_ISLNK(i->mode)))
		ext2_truncate_blocks(i, 0);
	free_xattr_block(s, i);
	i->size = 0;
	EI(i)->dtime = (uint32_t)current_time().tv_sec;
	ext2_write_inode(i);
	ext2_free_ino(s, (uint32_t)i->ino, S_ISDIR(i->mode));
}

void ext2_destroy_inode(struct inode *i)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	struct ext2_inode_info *ei = EI(i);

	if (!ei)
		return;
	mutex_lock(&s->icache_lock);
	if (ei->hashed) {
		list_del(&ei->hash);
		ei->hashed = false;
		if (!s->ro && i->nlink == 0) {
			delete_inode(s, i);
		} else if (!s->ro) {
			ext2_pc_writeback(i);
			ext2_write_inode(i);
		}
	}
	mutex_unlock(&s->icache_lock);
	ext2_pc_free(i);
	kfree(ei);
	i->private = NULL;
}

/* An inode's pages and fields to the buffer cache. One whose last
 * reference is going is left to its destroy_inode (waiting for
 * icache_lock, which the caller holds). */
static int sync_one(struct inode *i)
{
	int err = 0, e;

	if (EI(i)->pcache && __atomic_load_n(&i->refcount, __ATOMIC_ACQUIRE)) {
		mutex_lock(&i->lock);
		err = ext2_pc_writeback(i);
		mutex_unlock(&i->lock);
	}
	e = ext2_write_inode(i);
	return err ? err : e;
}

int ext2_sync_inodes(struct ext2_sb *s)
{
	int err = 0;

	mutex_lock(&s->icache_lock);
	for (unsigned n = 0; n < EXT2_ICACHE_BUCKETS; n++) {
		struct ext2_inode_info *ei;

		list_for_each_entry(ei, &s->icache[n], hash)
		{
			int e = sync_one(ei->inode);
			if (e && !err)
				err = e;
		}
	}
	mutex_unlock(&s->icache_lock);
	return err;
}
