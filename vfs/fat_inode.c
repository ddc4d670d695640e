/* SPDX-License-Identifier: MIT */
/*
 * FAT inodes: one per directory entry while in use, found by the entry's
 * position; attributes to modes as Linux's vfat (uid=, gid=, fmask=,
 * dmask=), DOS times to timestamps, and writing them back.
 */
#include "vfs/fat.h"

uint32_t fat_mode(struct fat_sb *fs, uint8_t attr)
{
	uint32_t mode;

	if (attr & FAT_ATTR_DIR)
		return S_IFDIR | (0777 & ~fs->dmask);
	mode = S_IFREG | (0777 & ~fs->fmask);
	if (attr & FAT_ATTR_RO) /* Linux: read-only files lose write bits */
		mode &= ~0222u;
	return mode;
}

static struct linux_timespec ts(int64_t secs, uint8_t cs)
{
	/* The 10 ms count beyond the 2-second time (fatgen103
	 * DIR_CrtTimeTenth; Linux reads it as centiseconds). */
	return (struct linux_timespec){ secs,
					cs < 200 ? (cs % 100) * 10000000 : 0 };
}

/* Takes a reference unless the inode is already on its way out. */
static bool inode_tryget(struct inode *i)
{
	int r = __atomic_load_n(&i->refcount, __ATOMIC_RELAXED);

	while (r > 0)
		if (__atomic_compare_exchange_n(&i->refcount, &r, r + 1, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/* Inode numbers are the entry's position (Linux keeps i_pos the same
 * way); one a renamed, still-used inode took is replaced by a number no
 * entry can have. */
static uint64_t pick_ino(struct fat_sb *fs, uint64_t pos)
{
	static uint64_t spare = 1ull << 48;
	uint64_t ino = pos / FAT_DIRENT_SIZE;
	struct fat_inode *fi;

	list_for_each_entry(
		fi, &fs->inodes,
		link) if (fi->vfs->ino ==
			  ino) return __atomic_add_fetch(&spare, 1,
							 __ATOMIC_RELAXED);
	return ino;
}

static uint64_t chain_bytes(struct fat_sb *fs, uint32_t c)
{
	uint64_t n = 0;

	while (fat_clus_ok(fs, c) && n < fs->g.nclusters) {
		n++;
		if (fat_next(fs, c, &c))
			break;
	}
	return n * fs->g.cluster_size;
}

/* Fills a new inode from short entry de. */
static void fill_inode(struct fat_sb *fs, struct inode *i, const uint8_t *de)
{
	struct fat_inode *fi = FI(i);

	fi->attr = de[DE_ATTR];
	fi->start = fat_le16(de + DE_LO);
	if (fs->g.type == 32)
		fi->start |= (uint32_t)fat_le16(de + DE_HI) << 16;
	i->mode = fat_mode(fs, fi->attr);
	i->uid = fs->uid;
	i->gid = fs->gid;
	i->mtime = ts(fat_time_to_unix(fat_le16(de + DE_MDATE),
				       fat_le16(de + DE_MTIME), 0),
		      0);
	i->atime = ts(fat_time_to_unix(fat_le16(de + DE_ADATE), 0, 0), 0);
	/* ctime is not stored; the creation time (DIR_CrtTime) is not a
	 * change time: ctime reads as mtime, as Linux 6's fat does. */
	i->ctime = i->mtime;
	if (S_ISDIR(i->mode)) {
		int sub = fat_dir_subdirs(i);
		i->size = chain_bytes(fs, fi->start);
		i->nlink = 2 + (sub > 0 ? sub : 0);
	} else {
		i->size = fat_le32(de + DE_SIZE);
		i->nlink = 1;
	}
	i->blocks = ALIGN_UP(i->size, fs->g.cluster_size) / 512;
}

/* A new in-memory inode for the file system (not yet listed). */
struct inode *fat_new_inode(struct fat_sb *fs, uint32_t mode)
{
	struct inode *i = inode_alloc(fs->sb, mode);
	struct fat_inode *fi = kzalloc(sizeof(*fi));

	if (!i || !fi) {
		kfree(i);
		kfree(fi);
		return NULL;
	}
	fi->vfs = i;
	i->private = fi;
	list_init(&fi->link);
	if (S_ISDIR(mode)) {
		i->iops = &fat_dir_iops;
		i->fops = &fat_dir_fops;
	} else {
		i->iops = &fat_file_iops;
		i->fops = &fat_file_fops;
	}
	return i;
}

struct inode *fat_iget(struct fat_sb *fs, const struct fat_slot *s,
		       uint32_t dir_start)
{
	struct fat_inode *fi;
	struct inode *i;

	list_for_each_entry(fi, &fs->inodes, link)
	{
		if (fi->de_pos == s->pos && !fi->unlinked &&
		    inode_tryget(fi->vfs))
			return fi->vfs;
	}
	i = fat_new_inode(fs, fat_mode(fs, s->de[DE_ATTR]));
	if (!i)
		return ERR_PTR(-ENOMEM);
	fi = FI(i);
	fi->de_pos = s->pos;
	fi->dir_start = dir_start;
	fill_inode(fs, i, s->de);
	i->ino = pick_ino(fs, s->pos);
	list_add_tail(&fi->link, &fs->inodes);
	return i;
}

/* Stores i's start cluster, size, attributes and times in entry de. */
void fat_inode_to_de(struct inode *i, uint8_t *de)
{
	struct fat_inode *fi = FI(i);
	uint16_t date, time;

	de[DE_ATTR] = fi->attr;
	fat_put16(de + DE_LO, (uint16_t)fi->start);
	fat_put16(de + DE_HI,
		  FS(i->sb)->g.type == 32 ? (uint16_t)(fi->start >> 16) : 0);
	fat_put32(de + DE_SIZE, S_ISDIR(i->mode) ? 0 : (uint32_t)i->size);
	fat_time_from_unix(i->mtime.tv_sec, 0, &date, &time, NULL);
	fat_put16(de + DE_MDATE, date);
	fat_put16(de + DE_MTIME, time);
	fat_time_from_unix(i->atime.tv_sec, 0, &date, &time, NULL);
	fat_put16(de + DE_ADATE, date);
}

int fat_inode_sync(struct inode *i)
{
	struct fat_sb *fs = FS(i->sb);
	struct fat_inode *fi = FI(i);
	uint8_t de[FAT_DIRENT_SIZE];
	int err;

	if (!fi->de_pos || fi->unlinked || !fs->rw)
		return 0; /* the root has no entry */
	err = fat_de_read(fs, fi->de_pos, de);
	if (err)
		return err;
	fat_inode_to_de(i, de);
	return fat_de_write(fs, fi->de_pos, de);
}

/* mtime and ctime now, in the 2 seconds a FAT time holds (as Linux's
 * fat_truncate_time), and written to the entry. */
void fat_touch(struct inode *i)
{
	struct linux_timespec now = current_time();

	now.tv_sec &= ~1ll;
	now.tv_nsec = 0;
	i->mtime = i->ctime = now;
	fat_inode_sync(i);
}

/* super_ops.destroy_inode: the last reference went; an unlinked file's
 * clusters are freed now (POSIX: data lives while open). */
void fat_destroy_inode(struct inode *i)
{
	struct fat_sb *fs = FS(i->sb);
	struct fat_inode *fi = FI(i);

	if (!fi)
		return;
	mutex_lock(&fs->lock);
	list_del(&fi->link);
	if (fi->unlinked && fi->start && fs->rw)
		fat_free_chain(fs, fi->start);
	mutex_unlock(&fs->lock);
	kfree(fi->ext);
	kfree(fi);
	i->private = NULL;
}

/* chmod can only set or clear the read-only attribute, chown only keep
 * the mount's owner: EPERM otherwise (Linux's fat_sanitize_mode_change
 * without "quiet"). The mask's bits are ignored; of the others, the r and
 * x bits must stay, the w bits be all or none. */
static int check_attr(struct fat_sb *fs, struct inode *i, const struct iattr *a,
		      uint8_t *attr)
{
	uint32_t mask = S_ISDIR(i->mode) ? fs->dmask : fs->fmask, perm;

	*attr = FI(i)->attr;
	if ((a->valid & ATTR_UID) && a->uid != fs->uid)
		return -EPERM;
	if ((a->valid & ATTR_GID) && a->gid != fs->gid)
		return -EPERM;
	if (!(a->valid & ATTR_MODE))
		return 0;
	perm = a->mode & 0777 & ~mask;
	if ((perm & 0555) != (i->mode & 0555))
		return -EPERM;
	if ((perm & 0222) == (0222 & ~mask))
		*attr &= ~FAT_ATTR_RO;
	else if (!(perm & 0222) && !S_ISDIR(i->mode))
		*attr |= FAT_ATTR_RO;
	else
		return -EPERM;
	return 0;
}

int fat_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *i = d->inode;
	struct fat_sb *fs = FS(i->sb);
	uint8_t attr;
	int err = check_attr(fs, i, a, &attr);

	if (err)
		return err;
	if (a->valid & ATTR_SIZE) {
		if (S_ISDIR(i->mode))
			return -EISDIR;
		mutex_lock(&i->lock);
		err = fat_set_size(i, a->size);
		mutex_unlock(&i->lock);
		if (err)
			return err;
	}
	mutex_lock(&fs->lock);
	FI(i)->attr = attr;
	i->mode = fat_mode(fs, attr);
	if (a->valid & ATTR_SIZE)
		fat_touch(i);
	/* DOS times hold 2 seconds; the access time only a date. */
	if (a->valid & ATTR_ATIME)
		i->atime = (struct linux_timespec){
			a->atime.tv_sec - a->atime.tv_sec % 86400, 0
		};
	if (a->valid & ATTR_MTIME)
		i->mtime = (struct linux_timespec){ a->mtime.tv_sec & ~1ll, 0 };
	i->ctime = current_time();
	err = fat_inode_sync(i);
	mutex_unlock(&fs->lock);
	return err;
}
