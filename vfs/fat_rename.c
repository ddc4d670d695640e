/* SPDX-License-Identifier: MIT */
/*
 * FAT rename: within and across directories, replacing an existing file
 * or empty directory by taking over its entry (as Linux's vfat_rename),
 * and a moved directory's ".." pointed at its new parent.
 */
#include "vfs/fat.h"
#include "vfs/tmpfs.h" /* dentry_move, dentry_unhash */

struct rename_ctx {
	struct inode *odir, *ndir, *src, *dst;
	struct dentry *od, *nd;
	struct fat_slot s; /* the old entry */
	struct fat_slot t; /* the new one */
	uint16_t u[FAT_LFN_MAX + 2];
	size_t len;
};

static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (; d->parent != d; d = d->parent)
		if (d == a)
			return true;
	return d == a;
}

/* The checks the VFS leaves to the file system (rename(2)). */
static int check(struct rename_ctx *r)
{
	bool dir = S_ISDIR(r->src->mode);
	int k;

	if (dir && is_ancestor(r->od, r->nd->parent))
		return -EINVAL;
	k = fat_utf8_to_utf16(r->nd->name, strlen(r->nd->name), r->u,
			      FAT_LFN_MAX + 2);
	if (k < 0)
		return k;
	r->len = (size_t)k;
	if (r->len > FAT_LFN_MAX)
		return -ENAMETOOLONG;
	if (!fat_long_name_ok(r->u, &r->len))
		return -EINVAL;
	if (!r->dst)
		return 0;
	if (dir && !S_ISDIR(r->dst->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(r->dst->mode))
		return -EISDIR;
	return 0;
}

/* Finds the entry of inode i under name in dir (fs->lock held). */
static int find(struct inode *dir, struct inode *i, const char *name,
		struct fat_slot *s)
{
	uint16_t u[FAT_LFN_MAX + 2];
	size_t len;
	int k = fat_utf8_to_utf16(name, strlen(name), u, FAT_LFN_MAX + 2);
	int err;

	if (k < 0)
		return k;
	len = (size_t)k;
	if (!fat_long_name_ok(u, &len))
		return -ENOENT;
	err = fat_dir_find(dir, u, len, s);
	if (!err && s->pos != FI(i)->de_pos)
		err = -ENOENT;
	return err;
}

/* Points the moved directory's ".." (its second slot) at ndir. */
static int fix_dotdot(struct fat_sb *fs, struct inode *src, struct inode *ndir)
{
	uint32_t up = FI(ndir)->de_pos ? FI(ndir)->start : 0;
	uint8_t de[FAT_DIRENT_SIZE];
	uint64_t pos;
	int err;

	if (!fat_clus_ok(fs, FI(src)->start))
		return -EIO;
	pos = fat_clus_sector(fs, FI(src)->start) * fs->g.bps + FAT_DIRENT_SIZE;
	err = fat_de_read(fs, pos, de);
	if (err)
		return err;
	if (memcmp(de, "..         ", 11))
		return 0; /* no ".." to fix */
	fat_put16(de + DE_LO, (uint16_t)up);
	fat_put16(de + DE_HI, fs->g.type == 32 ? (uint16_t)(up >> 16) : 0);
	return fat_de_write(fs, pos, de);
}

/* The new name: the target's entry taken over, or a new one added. */
static int place(struct fat_sb *fs, struct rename_ctx *r)
{
	uint8_t de[FAT_DIRENT_SIZE];
	int err;

	if (r->dst) {
		if (S_ISDIR(r->dst->mode)) {
			err = fat_dir_empty(r->dst);
			if (err <= 0)
				return err ? err : -ENOTEMPTY;
		}
		err = find(r->ndir, r->dst, r->nd->name, &r->t);
		if (err)
			return err;
		/* Keep the target's names (and NT case bits), take the
		 * source's cluster, size, attributes and times. */
		memcpy(de, r->t.de, FAT_DIRENT_SIZE);
		memcpy(de + DE_ATTR + 2, r->s.de + DE_ATTR + 2,
		       FAT_DIRENT_SIZE - DE_ATTR - 2);
		de[DE_ATTR] = r->s.de[DE_ATTR];
		err = fat_de_write(fs, r->t.pos, de);
		if (!err) {
			FI(r->dst)->unlinked = true;
			r->dst->nlink = 0;
		}
		return err;
	}
	return fat_dir_add(r->ndir, r->u, r->len, r->s.de, &r->t);
}

static int do_rename(struct fat_sb *fs, struct rename_ctx *r)
{
	bool dir = S_ISDIR(r->src->mode);
	int err;

	err = find(r->odir, r->src, r->od->name, &r->s);
	if (err)
		return err;
	err = place(fs, r);
	if (err)
		return err;
	err = fat_dir_remove(r->odir, &r->s);
	if (err)
		return err;
	FI(r->src)->de_pos = r->t.pos;
	FI(r->src)->dir_start = FI(r->ndir)->start;
	if (dir && r->odir != r->ndir) {
		err = fix_dotdot(fs, r->src, r->ndir);
		r->odir->nlink--;
		r->ndir->nlink++;
	}
	if (dir && r->dst)
		r->ndir->nlink--; /* the replaced directory's ".." */
	fat_touch(r->odir);
	if (r->ndir != r->odir)
		fat_touch(r->ndir);
	return err;
}

int fat_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
	       struct dentry *nd, unsigned flags)
{
	struct fat_sb *fs = FS(odir->sb);
	struct rename_ctx *r;
	int err;

	if (flags & RENAME_EXCHANGE)
		return -EINVAL; /* as Linux's vfat before 6.0 */
	r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct rename_ctx){ .odir = odir,
				  .ndir = ndir,
				  .od = od,
				  .nd = nd,
				  .src = od->inode,
				  .dst = nd->inode };
	err = check(r);
	if (!err) {
		mutex_lock(&fs->lock);
		err = do_rename(fs, r);
		mutex_unlock(&fs->lock);
	}
	if (!err && r->dst) {
		nd->inode = NULL;
		inode_put(r->dst); /* outside fs->lock: it may be the last */
	}
	if (!err) {
		/* The dentry moves with the file; the target name's
		 * dentry leaves the cache. */
		dentry_unhash(nd);
		err = dentry_move(od, nd->parent, nd->name, strlen(nd->name));
	}
	kfree(r);
	return err;
}
