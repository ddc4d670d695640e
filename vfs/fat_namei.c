/* SPDX-License-Identifier: MIT */
/*
 * FAT names: lookup (case-insensitive, case kept), create, mkdir with "."
 * and "..", unlink, rmdir, rename, as Linux's vfat behaves. Symlinks,
 * device nodes and hard links have no place in FAT: the VFS answers
 * EPERM for the missing ops, as Linux does.
 */
#include "vfs/fat.h"
#include "vfs/tmpfs.h" /* dentry_move, dentry_unhash */

/* A name from the VFS as a FAT long name. */
struct fname {
	uint16_t u[FAT_LFN_MAX + 2];
	size_t len;
};

/* 0, or -EINVAL for a name FAT cannot hold (Linux vfat's answer),
 * -ENAMETOOLONG. */
static int to_fname(const char *name, struct fname *n)
{
	int k = fat_utf8_to_utf16(name, strlen(name), n->u, FAT_LFN_MAX + 2);

	if (k < 0)
		return k;
	n->len = (size_t)k;
	if (n->len > FAT_LFN_MAX)
		return -ENAMETOOLONG;
	return fat_long_name_ok(n->u, &n->len) ? 0 : -EINVAL;
}

static int fat_lookup(struct inode *dir, struct dentry *d)
{
	struct fat_sb *fs = FS(dir->sb);
	struct fname *n = kmalloc(sizeof(*n));
	struct fat_slot *s = kmalloc(sizeof(*s));
	struct inode *i = NULL;
	int err;

	if (!n || !s) {
		err = -ENOMEM;
		goto out;
	}
	err = to_fname(d->name, n);
	if (err) { /* no such name can exist */
		err = err == -ENAMETOOLONG ? err : 0;
		goto out;
	}
	mutex_lock(&fs->lock);
	err = fat_dir_find(dir, n->u, n->len, s);
	if (!err) {
		i = fat_iget(fs, s, FI(dir)->start);
		err = IS_ERR(i) ? (int)PTR_ERR(i) : 0;
	} else if (err == -ENOENT) {
		err = 0;
	}
	mutex_unlock(&fs->lock);
	if (!err && i)
		dentry_instantiate(d, i);
out:
	kfree(n);
	kfree(s);
	return err;
}

/* A short entry for a new file or directory, times now. */
static void new_de(uint8_t *de, uint8_t attr, uint32_t start, unsigned fat_type)
{
	struct linux_timespec now = current_time();
	uint16_t date, time;
	uint8_t cs;

	memset(de, 0, FAT_DIRENT_SIZE);
	de[DE_ATTR] = attr;
	fat_put16(de + DE_LO, (uint16_t)start);
	fat_put16(de + DE_HI, fat_type == 32 ? (uint16_t)(start >> 16) : 0);
	fat_time_from_unix(now.tv_sec, (uint32_t)now.tv_nsec, &date, &time,
			   &cs);
	de[DE_CTIME_CS] = cs;
	fat_put16(de + DE_CTIME, time);
	fat_put16(de + DE_CDATE, date);
	fat_put16(de + DE_MTIME, time);
	fat_put16(de + DE_MDATE, date);
	fat_put16(de + DE_ADATE, date);
}

/* Adds the entry and makes its inode; fs->lock held. */
static int add_entry(struct inode *dir, const struct fname *n, uint8_t *de,
		     struct inode **out)
{
	struct fat_sb *fs = FS(dir->sb);
	struct fat_slot *s = kmalloc(sizeof(*s));
	struct inode *i;
	int err;

	if (!s)
		return -ENOMEM;
	err = fat_dir_add(dir, n->u, n->len, de, s);
	if (!err) {
		i = fat_iget(fs, s, FI(dir)->start);
		if (IS_ERR(i)) /* the entry stays: found by the next lookup */
			err = (int)PTR_ERR(i);
		else
			*out = i;
	}
	kfree(s);
	return err;
}

static int fat_create(struct inode *dir, struct dentry *d, uint32_t mode)
{
	struct fat_sb *fs = FS(dir->sb);
	struct fname *n = kmalloc(sizeof(*n));
	uint8_t de[FAT_DIRENT_SIZE];
	struct inode *i = NULL;
	int err = n ? to_fname(d->name, n) : -ENOMEM;

	if (err)
		goto out;
	/* Linux: no write permission in the mode makes it read-only. */
	new_de(de, FAT_ATTR_ARCHIVE | ((mode & 0222) ? 0 : FAT_ATTR_RO), 0,
	       fs->g.type);
	mutex_lock(&fs->lock);
	err = add_entry(dir, n, de, &i);
	if (!err)
		fat_touch(dir);
	mutex_unlock(&fs->lock);
	if (!err)
		dentry_instantiate(d, i);
out:
	kfree(n);
	return err;
}

/* A new directory's first cluster: "." and ".." (fatgen103: ".." of a
 * directory in the root holds cluster 0, FAT32 included). */
static int init_dir_cluster(struct fat_sb *fs, struct inode *parent, uint32_t c)
{
	uint8_t de[FAT_DIRENT_SIZE];
	uint64_t pos = fat_clus_sector(fs, c) * fs->g.bps;
	uint32_t up = FI(parent)->de_pos ? FI(parent)->start : 0;
	int err = fat_zero_cluster(fs, c);

	if (err)
		return err;
	new_de(de, FAT_ATTR_DIR, c, fs->g.type);
	memset(de, ' ', 11);
	de[0] = '.';
	err = fat_de_write(fs, pos, de);
	if (err)
		return err;
	new_de(de, FAT_ATTR_DIR, up, fs->g.type);
	memset(de, ' ', 11);
	de[0] = de[1] = '.';
	return fat_de_write(fs, pos + FAT_DIRENT_SIZE, de);
}

static int fat_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	struct fat_sb *fs = FS(dir->sb);
	struct fname *n = kmalloc(sizeof(*n));
	uint8_t de[FAT_DIRENT_SIZE];
	struct inode *i = NULL;
	uint32_t c;
	int err = n ? to_fname(d->name, n) : -ENOMEM;

	(void)mode; /* directories take dmask's mode */
	if (err)
		goto out;
	mutex_lock(&fs->lock);
	err = fat_alloc(fs, 0, &c);
	if (!err) {
		err = init_dir_cluster(fs, dir, c);
		new_de(de, FAT_ATTR_DIR, c, fs->g.type);
		if (!err)
			err = add_entry(dir, n, de, &i);
		if (err)
			fat_free_chain(fs, c);
	}
	if (!err) {
		dir->nlink++;
		fat_touch(dir);
	}
	mutex_unlock(&fs->lock);
	if (!err)
		dentry_instantiate(d, i);
out:
	kfree(n);
	return err;
}

/* Finds the entry of inode i called name in dir; fs->lock held. */
static int find_entry(struct inode *dir, const char *name, struct inode *i,
		      struct fat_slot *s)
{
	struct fname *n = kmalloc(sizeof(*n));
	int err = n ? to_fname(name, n) : -ENOMEM;

	if (!err)
		err = fat_dir_find(dir, n->u, n->len, s);
	if (!err && s->pos != FI(i)->de_pos)
		err = -ENOENT; /* the name now means another file */
	kfree(n);
	return err;
}

/* unlink and rmdir: the entry goes now, the clusters with the inode. */
static int remove_name(struct inode *dir, struct dentry *d, bool isdir)
{
	struct fat_sb *fs = FS(dir->sb);
	struct fat_slot *s = kmalloc(sizeof(*s));
	struct inode *i = d->inode;
	int err = s ? 0 : -ENOMEM;

	if (err)
		return err;
	mutex_lock(&fs->lock);
	if (isdir) {
		err = fat_dir_empty(i);
		err = err < 0 ? err : err ? 0 : -ENOTEMPTY;
	}
	if (!err)
		err = find_entry(dir, d->name, i, s);
	if (!err)
		err = fat_dir_remove(dir, s);
	if (!err) {
		FI(i)->unlinked = true;
		i->nlink = 0;
		if (isdir)
			dir->nlink--;
		fat_touch(dir);
	}
	mutex_unlock(&fs->lock);
	kfree(s);
	if (err)
		return err;
	d->inode = NULL;
	inode_put(i);
	return 0;
}

static int fat_unlink(struct inode *dir, struct dentry *d)
{
	return remove_name(dir, d, false);
}

static int fat_rmdir(struct inode *dir, struct dentry *d)
{
	return remove_name(dir, d, true);
}

const struct inode_ops fat_dir_iops = {
	.lookup = fat_lookup,
	.create = fat_create,
	.mkdir = fat_mkdir,
	.unlink = fat_unlink,
	.rmdir = fat_rmdir,
	.rename = fat_rename,
	.setattr = fat_setattr,
};

const struct inode_ops fat_file_iops = {
	.setattr = fat_setattr,
};
