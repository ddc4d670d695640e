/* SPDX-License-Identifier: MIT */
/*
 * ext2 mounts: reading and checking the superblock and group descriptors
 * [Poirier §3.1-3.2], feature flags, the clean/not-clean state
 * (s_state, s_mnt_count), statfs, sync, remount and unmount; the "ext2",
 * "ext3" and "ext4" file system types.
 */
#include "vfs/ext2.h"

static LIST_HEAD(ext2_mounts);
static struct mutex ext2_mounts_lock = MUTEX_INIT(ext2_mounts_lock);

void ext2_error(struct ext2_sb *s, const char *fn, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("ext2 error (device %s): %s: %s\n", s->dev->name, fn, msg);
	s->raw.s_state |= EXT2_ERROR_FS;
}

/* The descriptors and the superblock into their buffers (written back
 * by the buffer cache or blk_sync). */
int ext2_write_super(struct ext2_sb *s)
{
	struct buf *b;

	mutex_lock(&s->alloc_lock);
	for (uint32_t k = 0; k < s->g.gdt_blocks; k++) {
		uint32_t first = k * s->g.desc_per_block;
		uint32_t n = MIN(s->g.desc_per_block, s->g.groups - first);

		b = bread(s->dev, s->raw.s_first_data_block + 1 + k,
			  s->g.block_size);
		if (IS_ERR(b)) {
			mutex_unlock(&s->alloc_lock);
			return (int)PTR_ERR(b);
		}
		memcpy(b->data, &s->gd[first], n * sizeof(*s->gd));
		bdirty(b);
		brelse(b);
	}
	s->raw.s_wtime = (uint32_t)current_time().tv_sec;
	b = bread(s->dev, EXT2_SB_OFFSET / 1024, 1024);
	if (!IS_ERR(b)) {
		memcpy(b->data, &s->raw, sizeof(s->raw));
		bdirty(b);
		brelse(b);
	}
	mutex_unlock(&s->alloc_lock);
	return IS_ERR(b) ? (int)PTR_ERR(b) : 0;
}

static int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	int err;

	if (s->ro)
		return 0;
	err = ext2_sync_inodes(s);
	if (!err)
		err = ext2_write_super(s);
	if (!err)
		err = blk_sync(s->dev);
	return err;
}

static int ext2_statfs(struct super_block *sb, struct statfs_info *st)
{
	struct ext2_sb *s = EXT2_SB(sb);
	uint64_t overhead = s->raw.s_first_data_block;

	for (uint32_t g = 0; g < s->g.groups; g++)
		overhead += ext2_group_overhead(&s->raw, &s->g, g);
	st->type = EXT2_SUPER_MAGIC;
	st->bsize = s->g.block_size;
	st->blocks = s->raw.s_blocks_count > overhead ?
			     s->raw.s_blocks_count - overhead :
			     0;
	st->bfree = s->raw.s_free_blocks_count;
	st->bavail = st->bfree > s->raw.s_r_blocks_count ?
			     st->bfree - s->raw.s_r_blocks_count :
			     0;
	st->files = s->raw.s_inodes_count;
	st->ffree = s->raw.s_free_inodes_count;
	st->namelen = EXT2_NAME_LEN;
	return 0;
}

/* rw: not clean until unmounted, one more mount [Poirier §3.1, s_mnt_count and s_state]. */
static int mark_dirty(struct ext2_sb *s)
{
	int err;

	s->raw.s_state &= (uint16_t)~EXT2_VALID_FS;
	s->raw.s_mnt_count++;
	s->raw.s_mtime = (uint32_t)current_time().tv_sec;
	err = ext2_write_super(s);
	return err ? err : blk_sync(s->dev);
}

/* Clean again: the state as found at mount, everything on the disk. */
static int mark_clean(struct ext2_sb *s, uint16_t state)
{
	int err = ext2_sync_inodes(s);

	s->raw.s_state = state | (s->raw.s_state & EXT2_ERROR_FS);
	if (!err)
		err = ext2_write_super(s);
	return err ? err : blk_sync(s->dev);
}

static int ext2_remount(struct super_block *sb, unsigned flags,
			const char *opts)
{
	struct ext2_sb *s = EXT2_SB(sb);

	(void)opts;
	if ((flags & MS_RDONLY) && !s->ro) {
		int err = mark_clean(s, s->mount_state);
		if (err)
			return err;
		s->ro = true;
	} else if (!(flags & MS_RDONLY) && s->ro) {
		if (s->raw.s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP)
			return -EROFS;
		s->mount_state = s->raw.s_state;
		s->ro = false;
		return mark_dirty(s);
	}
	return 0;
}

/* The last mount went: write everything back, clean, and let go. */
static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb *s = EXT2_SB(sb);
	struct dentry *root = sb->root;

	inode_put(root->inode);
	kfree(root->name);
	kfree(root);
	if (!s->ro && mark_clean(s, s->mount_state))
		pr_err("ext2: %s: could not write back at unmount\n",
		       s->dev->name);
	blk_invalidate(s->dev);
	mutex_lock(&ext2_mounts_lock);
	list_del(&s->link);
	mutex_unlock(&ext2_mounts_lock);
	kfree(s->gd);
	kfree(s);
	kfree(sb);
}

static const struct super_ops ext2_sops = {
	.destroy_inode = ext2_destroy_inode,
	.statfs = ext2_statfs,
	.drop_dentry = always_drop_dentry,
	.remount = ext2_remount,
	.sync_fs = ext2_sync_fs,
	.put_super = ext2_put_super,
};

/* Feature flags [Poirier §3.1, s_feature_*]: unknown incompat ones refuse the
 * mount, unknown ro_compat ones make it read-only. "ext3" needs a
 * journal (which is not replayed: a journal needing recovery is an
 * unsupported incompat feature). */
static int check_features(struct ext2_sb *s, const char *type, unsigned *flags)
{
	uint32_t inc = s->raw.s_rev_level ? s->raw.s_feature_incompat : 0;
	uint32_t roc = s->raw.s_rev_level ? s->raw.s_feature_ro_compat : 0;

	if (inc & ~EXT2_INCOMPAT_SUPP) {
		pr_err("ext2: %s: unsupported incompatible features %#x, "
		       "not mounted as %s\n",
		       s->dev->name, inc & ~EXT2_INCOMPAT_SUPP, type);
		return -EINVAL;
	}
	if (!strcmp(type, "ext3") &&
	    !(s->raw.s_feature_compat & EXT3_COMPAT_HAS_JOURNAL)) {
		pr_err("ext2: %s: no journal: not an ext3 file system\n",
		       s->dev->name);
		return -EINVAL;
	}
	if ((roc & ~EXT2_RO_COMPAT_SUPP) && !(*flags & MS_RDONLY)) {
		pr_warn("ext2: %s: unsupported ro_compat features %#x, "
			"mounting read-only\n",
			s->dev->name, roc & ~EXT2_RO_COMPAT_SUPP);
		*flags |= MS_RDONLY;
	}
	s->filetype = inc & EXT2_INCOMPAT_FILETYPE;
	return 0;
}

/* Reads and checks every group descriptor; sums the free counts. */
static int read_groups(struct ext2_sb *s)
{
	uint64_t fb = 0, fi = 0;
	const char *why;

	s->gd = kmalloc((size_t)s->g.gdt_blocks * s->g.block_size);
	if (!s->gd)
		return -ENOMEM;
	for (uint32_t k = 0; k < s->g.gdt_blocks; k++) {
		struct buf *b = bread(s->dev, s->raw.s_first_data_block + 1 + k,
				      s->g.block_size);
		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		memcpy((char *)s->gd + (size_t)k * s->g.block_size, b->data,
		       s->g.block_size);
		brelse(b);
	}
	for (uint32_t g = 0; g < s->g.groups; g++) {
		if (ext2_gd_check(&s->raw, &s->g, g, &s->gd[g], &why)) {
			pr_err("ext2: %s: group %u: %s\n", s->dev->name, g,
			       why);
			return -EUCLEAN;
		}
		fb += s->gd[g].bg_free_blocks_count;
		fi += s->gd[g].bg_free_inodes_count;
	}
	if (fb > s->raw.s_blocks_count || fi > s->raw.s_inodes_count) {
		pr_err("ext2: %s: free counts exceed the totals\n",
		       s->dev->name);
		return -EUCLEAN;
	}
	s->raw.s_free_blocks_count = (uint32_t)fb;
	s->raw.s_free_inodes_count = (uint32_t)fi;
	return 0;
}

static int read_super(struct ext2_sb *s, const char *type, unsigned *flags)
{
	uint64_t bytes = s->dev->sectors * SECTOR_SIZE;
	const char *why;
	struct buf *b;
	int err;

	if (bytes < EXT2_SB_OFFSET + sizeof(s->raw)) {
		pr_err("ext2: %s: device too small\n", s->dev->name);
		return -EINVAL;
	}
	b = bread(s->dev, EXT2_SB_OFFSET / 1024, 1024);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memcpy(&s->raw, b->data, sizeof(s->raw));
	brelse(b);
	if (ext2_sb_check(&s->raw, bytes, &s->g, &why)) {
		pr_err("ext2: %s: bad superblock: %s\n", s->dev->name, why);
		return -EINVAL;
	}
	err = check_features(s, type, flags);
	if (!err)
		err = read_groups(s);
	if (!err && !(s->raw.s_state & EXT2_VALID_FS))
		pr_warn("ext2: %s: not cleanly unmounted, run e2fsck\n",
			s->dev->name);
	return err;
}

static int claim_dev(struct ext2_sb *s)
{
	struct ext2_sb *o;
	int err = 0;

	mutex_lock(&ext2_mounts_lock);
	list_for_each_entry(o, &ext2_mounts, link) if (o->dev == s->dev)
		err = -EBUSY;
	if (!err)
		list_add_tail(&s->link, &ext2_mounts);
	mutex_unlock(&ext2_mounts_lock);
	return err;
}

static struct ext2_sb *sb_info_alloc(struct blkdev *dev)
{
	struct ext2_sb *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->dev = dev;
	mutex_init(&s->alloc_lock);
	mutex_init(&s->icache_lock);
	list_init(&s->link);
	for (unsigned n = 0; n < EXT2_ICACHE_BUCKETS; n++)
		list_init(&s->icache[n]);
	return s;
}

/* The super block around s with its root directory. */
static struct super_block *make_sb(struct fs_type *type, struct ext2_sb *s,
				   unsigned flags)
{
	struct super_block *sb =
		super_alloc(type, &ext2_sops, EXT2_SUPER_MAGIC);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->private = s;
	sb->dev = s->dev->devnum;
	sb->flags = flags & MS_RDONLY;
	s->sb = sb;
	root = ext2_iget(sb, EXT2_ROOT_INO);
	if (!IS_ERR(root) && !S_ISDIR(root->mode)) {
		pr_err("ext2: %s: root inode is not a directory\n",
		       s->dev->name);
		inode_put(root);
		root = ERR_PTR(-EUCLEAN);
	}
	if (IS_ERR(root)) {
		kfree(sb);
		return (struct super_block *)root;
	}
	return super_set_root(sb, root);
}

static struct super_block *ext2_mount(struct fs_type *type, const char *dev,
				      unsigned flags, const char *opts)
{
	struct super_block *sb;
	struct blkdev *bd;
	struct ext2_sb *s;
	int err = blk_lookup_path(dev, &bd);

	(void)opts;
	if (err)
		return ERR_PTR(err);
	s = sb_info_alloc(bd);
	if (!s)
		return ERR_PTR(-ENOMEM);
	err = claim_dev(s);
	if (err) {
		kfree(s);
		return ERR_PTR(err);
	}
	if ((bd->flags & BLKDEV_READONLY) && !(flags & MS_RDONLY))
		flags |= MS_RDONLY; /* as Linux: "write-protected, ro" */
	err = read_super(s, type->name, &flags);
	s->ro = flags & MS_RDONLY;
	sb = err ? ERR_PTR(err) : make_sb(type, s, flags);
	if (!IS_ERR(sb) && !s->ro) {
		s->mount_state = s->raw.s_state;
		err = mark_dirty(s);
		if (err)
			pr_warn("ext2: %s: cannot write the superblock (%d)\n",
				bd->name, err);
	}
	if (IS_ERR(sb)) {
		mutex_lock(&ext2_mounts_lock);
		list_del(&s->link);
		mutex_unlock(&ext2_mounts_lock);
		kfree(s->gd);
		kfree(s);
	}
	return sb;
}

static struct fs_type ext2_type = { .name = "ext2", .mount = ext2_mount };
static struct fs_type ext3_type = { .name = "ext3", .mount = ext2_mount };
static struct fs_type ext4_type = { .name = "ext4", .mount = ext2_mount };

void ext2_register(void)
{
	fs_type_register(&ext4_type);
	fs_type_register(&ext3_type);
	fs_type_register(&ext2_type);
}
