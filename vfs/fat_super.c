/* SPDX-License-Identifier: MIT */
/*
 * The vfat file system type: mount options as Linux's vfat, mounting
 * (BPB checks, FSInfo, the root), the volume-dirty marks kept while
 * mounted writable, statfs, sync and umount.
 */
#include "vfs/fat.h"

static LIST_HEAD(fat_volumes);
static struct mutex fat_volumes_lock = MUTEX_INIT(fat_volumes_lock);

/* Boot sector byte with Windows NT's "volume dirty" flag (BS_Reserved1,
 * as Linux's FAT_STATE_DIRTY): offset 37, or 65 on FAT32. */
#define BS_STATE_DIRTY 0x01

static int parse_octal(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7' || v > 07777)
			return -EINVAL;
		v = v * 8 + (uint32_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* One option; the ones Linux takes that change nothing here are
 * accepted, anything else is -EINVAL ("Unrecognized mount option"). */
static int parse_one(struct fat_sb *fs, char *p)
{
	static const char *const ignored[] = {
		"utf8",	       "iocharset",   "codepage", "shortname",
		"errors",      "quiet",	      "flush",	  "tz",
		"allow_utime", "rodir",	      "nfs",	  "discard",
		"usefree",     "time_offset", "check",	  NULL,
	};
	char *v = strchr(p, '=');
	uint64_t n;
	uint32_t m;

	if (v)
		*v++ = '\0';
	if (!strcmp(p, "uid") || !strcmp(p, "gid")) {
		if (!v || kstrtou64(v, &n) || n > UINT32_MAX - 1)
			return -EINVAL;
		*(p[0] == 'u' ? &fs->uid : &fs->gid) = (uint32_t)n;
		return 0;
	}
	if (!strcmp(p, "umask") || !strcmp(p, "dmask") || !strcmp(p, "fmask")) {
		if (!v || parse_octal(v, &m))
			return -EINVAL;
		if (p[0] != 'f')
			fs->dmask = m & 0777;
		if (p[0] != 'd')
			fs->fmask = m & 0777;
		return 0;
	}
	for (int i = 0; ignored[i]; i++)
		if (!strcmp(p, ignored[i]))
			return 0;
	pr_warn("vfat: unrecognized mount option \"%s\"\n", p);
	return -EINVAL;
}

static int parse_options(struct fat_sb *fs, const char *opts)
{
	char *buf, *p;
	int err = 0;

	/* Defaults as Linux: the mounter's ids and umask. */
	fs->uid = current->proc->cred.fsuid;
	fs->gid = current->proc->cred.fsgid;
	fs->fmask = fs->dmask = current->fs ? current->fs->umask : 022;
	if (!opts || !*opts)
		return 0;
	buf = kmalloc(strlen(opts) + 1);
	if (!buf)
		return -ENOMEM;
	strlcpy(buf, opts, strlen(opts) + 1);
	for (p = buf; p && !err;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma++ = '\0';
		if (*p)
			err = parse_one(fs, p);
		p = comma;
	}
	kfree(buf);
	return err;
}

/* The boot sector's dirty flag (as Linux's fat_set_state). */
static int set_bs_state(struct fat_sb *fs, bool dirty)
{
	unsigned off = fs->g.type == 32 ? 65 : 37;
	struct buf *b = bread(fs->dev, 0, fs->g.bps);
	uint8_t *p;

	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	p = b->data;
	/* Only with an extended boot signature is the byte ours. */
	if (p[off + 1] == 0x29) {
		p[off] = dirty ? (p[off] | BS_STATE_DIRTY) :
				 (p[off] & ~BS_STATE_DIRTY);
		bdirty(b);
	}
	brelse(b);
	return 0;
}

/* Writable: mark the volume in use; or clean again (fs->lock held). */
static int set_dirty(struct fat_sb *fs, bool dirty)
{
	int err = 0;

	if (!dirty)
		err = fat_write_fsinfo(fs);
	if (!err)
		err = fat_set_clean(fs, !dirty);
	if (!err)
		err = set_bs_state(fs, dirty);
	return err;
}

/* FSInfo's hints (fatgen103 "FAT32 FSInfo Sector Structure"), trusted
 * only within range. */
static void read_fsinfo(struct fat_sb *fs)
{
	struct buf *b;
	const uint8_t *p;

	fs->free_count = UINT32_MAX;
	fs->next_free = 2;
	if (fs->g.type != 32 || !fs->g.fsinfo)
		return;
	b = bread(fs->dev, fs->g.fsinfo, fs->g.bps);
	if (IS_ERR(b))
		return;
	p = b->data;
	if (fat_le32(p) == 0x41615252 && fat_le32(p + 484) == 0x61417272 &&
	    fat_le32(p + 508) == 0xaa550000) {
		if (fat_le32(p + 488) <= fs->g.nclusters)
			fs->free_count = fat_le32(p + 488);
		if (fat_clus_ok(fs, fat_le32(p + 492)))
			fs->next_free = fat_le32(p + 492);
	}
	brelse(b);
}

static struct inode *make_root(struct fat_sb *fs)
{
	struct inode *root = fat_new_inode(fs, fat_mode(fs, FAT_ATTR_DIR));
	int sub;

	if (!root)
		return NULL;
	FI(root)->attr = FAT_ATTR_DIR;
	FI(root)->start = fs->g.type == 32 ? fs->g.root_cluster : 0;
	root->ino = FAT_ROOT_INO;
	root->uid = fs->uid;
	root->gid = fs->gid;
	root->atime = root->mtime = root->ctime =
		(struct linux_timespec){ 0, 0 };
	mutex_lock(&fs->lock);
	sub = fat_dir_subdirs(root);
	root->nlink = 2 + (sub > 0 ? sub : 0);
	list_add_tail(&FI(root)->link, &fs->inodes);
	mutex_unlock(&fs->lock);
	root->size = fs->g.type == 32 ? fs->g.cluster_size :
					(uint64_t)fs->g.root_ents * 32;
	return root;
}

/* Reads and checks the boot sector; 0 or -EINVAL with a log line. */
static int read_bpb(struct fat_sb *fs)
{
	uint8_t *sec = kmalloc(SECTOR_SIZE);
	const char *why;
	int err;

	/* Writes to the block special file may still sit in the cache:
	 * out first, so the uncached read sees them. */
	blk_sync(fs->dev);
	err = sec ? blk_rw(fs->dev, 0, sec, 1, false) : -ENOMEM;

	if (!err) {
		err = fat_parse_bpb(sec, SECTOR_SIZE,
				    fs->dev->sectors * SECTOR_SIZE, &fs->g,
				    &why);
		if (err)
			pr_warn("vfat: %s: not a valid FAT file system: %s\n",
				fs->dev->name, why);
		else if (*why)
			pr_warn("vfat: %s: %s\n", fs->dev->name, why);
	}
	kfree(sec);
	return err;
}

static const struct super_ops fat_super_ops;

static struct fat_sb *volume_new(struct blkdev *dev, unsigned flags,
				 const char *opts, int *err)
{
	struct fat_sb *fs = kzalloc(sizeof(*fs));

	*err = -ENOMEM;
	if (!fs)
		return NULL;
	fs->dev = dev;
	mutex_init(&fs->lock);
	list_init(&fs->inodes);
	list_init(&fs->link);
	*err = parse_options(fs, opts);
	if (!*err)
		*err = read_bpb(fs);
	if (*err) {
		kfree(fs);
		return NULL;
	}
	fs->rw = !(flags & MS_RDONLY) && !(dev->flags & BLKDEV_READONLY);
	read_fsinfo(fs);
	return fs;
}

static bool volume_busy(struct blkdev *dev)
{
	struct fat_sb *v;

	list_for_each_entry(v, &fat_volumes,
			    link) if (v->dev == dev) return true;
	return false;
}

static struct super_block *fat_mount(struct fs_type *type, const char *source,
				     unsigned flags, const char *opts)
{
	struct blkdev *dev;
	struct fat_sb *fs;
	struct super_block *sb;
	int err = blk_lookup_path(source, &dev);

	if (err)
		return ERR_PTR(err);
	mutex_lock(&fat_volumes_lock);
	fs = volume_busy(dev) ? NULL : volume_new(dev, flags, opts, &err);
	if (!fs && !err)
		err = -EBUSY;
	sb = fs ? super_alloc(type, &fat_super_ops, MSDOS_SUPER_MAGIC) : NULL;
	if (fs && !sb)
		err = -ENOMEM;
	if (sb) {
		fs->sb = sb;
		sb->private = fs;
		sb->dev = dev->devnum;
		if (!fs->rw)
			sb->flags |= MS_RDONLY;
		sb = super_set_root(sb, make_root(fs));
		err = IS_ERR(sb) ? (int)PTR_ERR(sb) : 0;
	}
	if (!err && fs->rw) {
		mutex_lock(&fs->lock);
		err = set_dirty(fs, true);
		mutex_unlock(&fs->lock);
	}
	if (!err)
		list_add_tail(&fs->link, &fat_volumes);
	mutex_unlock(&fat_volumes_lock);
	if (err) {
		kfree(fs);
		return ERR_PTR(err);
	}
	pr_info("vfat: %s: FAT%u, %u clusters of %u bytes, %s\n", dev->name,
		fs->g.type, fs->g.nclusters, fs->g.cluster_size,
		fs->rw ? "read-write" : "read-only");
	return sb;
}

/* The last mount went: the volume is marked clean and written out. */
static void fat_put_super(struct super_block *sb)
{
	struct fat_sb *fs = FS(sb);

	mutex_lock(&fs->lock);
	if (fs->rw)
		set_dirty(fs, false);
	fs->rw = false; /* late inode releases write nothing */
	mutex_unlock(&fs->lock);
	blk_sync(fs->dev);
	blk_invalidate(fs->dev);
	mutex_lock(&fat_volumes_lock);
	list_del(&fs->link);
	mutex_unlock(&fat_volumes_lock);
}

static int fat_sync_fs(struct super_block *sb)
{
	struct fat_sb *fs = FS(sb);
	int err;

	mutex_lock(&fs->lock);
	err = fat_write_fsinfo(fs);
	mutex_unlock(&fs->lock);
	return err ? err : blk_sync(fs->dev);
}

static int fat_statfs(struct super_block *sb, struct statfs_info *st)
{
	struct fat_sb *fs = FS(sb);
	int err;

	mutex_lock(&fs->lock);
	err = fat_count_free(fs);
	st->bfree = st->bavail = fs->free_count;
	mutex_unlock(&fs->lock);
	st->type = MSDOS_SUPER_MAGIC;
	st->bsize = fs->g.cluster_size;
	st->blocks = fs->g.nclusters;
	st->namelen = 1530; /* 255 characters of up to 6 bytes, as Linux */
	return err;
}

static int fat_remount(struct super_block *sb, unsigned flags, const char *opts)
{
	struct fat_sb *fs = FS(sb);
	bool rw = !(flags & MS_RDONLY);
	int err = 0;

	(void)opts;
	if (rw && (fs->dev->flags & BLKDEV_READONLY))
		return -EACCES;
	mutex_lock(&fs->lock);
	if (rw != fs->rw) {
		if (rw)
			fs->rw = true;
		err = set_dirty(fs, rw);
		fs->rw = rw;
	}
	mutex_unlock(&fs->lock);
	return err ? err : blk_sync(fs->dev);
}

static void fat_show_options(struct super_block *sb, char *buf, size_t size)
{
	struct fat_sb *fs = FS(sb);
	size_t n = 0;

	if (fs->uid)
		n += ksnprintf(buf + n, size - MIN(n, size), ",uid=%u",
			       fs->uid);
	if (fs->gid)
		n += ksnprintf(buf + n, size - MIN(n, size), ",gid=%u",
			       fs->gid);
	ksnprintf(buf + n, size - MIN(n, size),
		  ",fmask=%04o,dmask=%04o,codepage=437,iocharset=ascii,"
		  "shortname=mixed,utf8,errors=remount-ro",
		  fs->fmask, fs->dmask);
}

/* A cached name is stale once its file is gone or moved (another case
 * of the same name may have been used to unlink or rename it). */
static bool fat_revalidate(struct dentry *d)
{
	struct fat_inode *fi = FI(d->inode);

	if (d->parent == d)
		return true;
	return !fi->unlinked && d->parent->inode &&
	       FI(d->parent->inode)->start == fi->dir_start;
}

static const struct super_ops fat_super_ops = {
	.destroy_inode = fat_destroy_inode,
	.statfs = fat_statfs,
	.drop_dentry = always_drop_dentry,
	.revalidate = fat_revalidate,
	.remount = fat_remount,
	.show_options = fat_show_options,
	.sync_fs = fat_sync_fs,
	.put_super = fat_put_super,
};

struct fs_type vfat_type = { .name = "vfat", .mount = fat_mount };
