/* SPDX-License-Identifier: MIT */
/* ext2 names: create, mknod, mkdir, symlink (fast in i_block or slow in a
 * block, as Linux's ext2 stores them), link, unlink, rmdir, rename and
 * readlink [Poirier §4.1]. The VFS holds the directories' locks. */
#include "vfs/ext2.h"
#include "vfs/tmpfs.h" /* dentry_move, dentry_unhash */

static int dirty(struct inode *i)
{
	return ext2_write_inode(i);
}

/* A symlink target of len bytes: in i_block if it fits (a "fast"
 * symlink, len < 60), else in one data block. */
static int write_link(struct inode *i, const char *target, size_t len)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint32_t blk;
	struct buf *b;
	int err;

	i->size = len;
	if (len < EXT2_FAST_LINK_MAX) {
		memcpy(EI(i)->i_block, target, len);
		return 0;
	}
	err = ext2_bmap(i, 0, true, &blk, NULL);
	if (err)
		return err;
	b = bget(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return (int)PTR_ERR(b);
	memset(b->data, 0, s->g.block_size);
	memcpy(b->data, target, len);
	bdirty(b);
	brelse(b);
	return 0;
}

/* Fills a new inode according to its type. */
static int init_node(struct inode *dir, struct inode *i, uint64_t rdev,
		     const char *target)
{
	if (S_ISCHR(i->mode) || S_ISBLK(i->mode)) {
		i->rdev = rdev;
		ext2_encode_dev(EI(i)->i_block, MAJOR(rdev), MINOR(rdev));
	} else if (S_ISDIR(i->mode)) {
		i->nlink = 2;
		return ext2_dir_make(i, (uint32_t)dir->ino);
	} else if (S_ISLNK(i->mode)) {
		return write_link(i, target, strlen(target));
	}
	return 0;
}

/* The shared shape of create, mknod, mkdir and symlink. */
static int make_node(struct inode *dir, struct dentry *d, uint32_t mode,
		     uint64_t rdev, const char *target)
{
	size_t len = strlen(d->name);
	struct inode *i;
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	if (target && strlen(target) >= EXT2_SB(dir->sb)->g.block_size)
		return -ENAMETOOLONG;
	i = ext2_new_inode(dir, mode);
	if (IS_ERR(i))
		return (int)PTR_ERR(i);
	err = init_node(dir, i, rdev, target);
	if (!err)
		err = dirty(i);
	if (!err)
		err = ext2_dir_add(dir, d->name, len, (uint32_t)i->ino,
				   i->mode);
	if (err) {
		i->nlink = 0; /* destroy_inode frees it */
		inode_put(i);
		return err;
	}
	if (S_ISDIR(mode)) {
		dir->nlink++;
		dirty(dir);
	}
	dentry_instantiate(d, i);
	return 0;
}

static int ext2_create(struct inode *dir, struct dentry *d, uint32_t mode)
{
	return make_node(dir, d, S_IFREG | (mode & 07777), 0, NULL);
}

static int ext2_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	return make_node(dir, d, S_IFDIR | (mode & 07777), 0, NULL);
}

static int ext2_mknod(struct inode *dir, struct dentry *d, uint32_t mode,
		      uint64_t rdev)
{
	return make_node(dir, d, mode, rdev, NULL);
}

static int ext2_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	return make_node(dir, d, S_IFLNK | 0777, 0, target);
}

static int ext2_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *i = old->inode;
	size_t len = strlen(d->name);
	int err;

	if (i->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_dir_add(dir, d->name, len, (uint32_t)i->ino, i->mode);
	if (err)
		return err;
	i->nlink++;
	i->ctime = current_time();
	dirty(i);
	inode_get(i);
	dentry_instantiate(d, i);
	return 0;
}

/* Turns d negative after its entry went; the inode lives on while
 * files hold it and is freed by destroy_inode once unlinked. */
static void drop_name(struct dentry *d)
{
	struct inode *i = d->inode;

	i->ctime = current_time();
	dirty(i);
	d->inode = NULL;
	inode_put(i);
}

static int ext2_unlink(struct inode *dir, struct dentry *d)
{
	int err = ext2_dir_remove(dir, d->name, strlen(d->name));

	if (err)
		return err;
	if (d->inode->nlink)
		d->inode->nlink--;
	drop_name(d);
	return 0;
}

static int ext2_rmdir(struct inode *dir, struct dentry *d)
{
	int err = ext2_dir_is_empty(d->inode);

	if (err <= 0)
		return err ? err : -ENOTEMPTY;
	err = ext2_dir_remove(dir, d->name, strlen(d->name));
	if (err)
		return err;
	d->inode->nlink = 0;
	if (dir->nlink > 1)
		dir->nlink--;
	dirty(dir);
	drop_name(d);
	return 0;
}

static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (; d->parent != d; d = d->parent)
		if (d == a)
			return true;
	return d == a;
}

static int rename_check(struct inode *ndir, struct dentry *od,
			struct dentry *nd, unsigned flags)
{
	struct inode *src = od->inode, *dst = nd->inode;
	bool dir = S_ISDIR(src->mode);
	int empty;

	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL; /* no RENAME_EXCHANGE, as Linux's ext2 */
	if (strlen(nd->name) > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (dir && is_ancestor(od, nd->parent))
		return -EINVAL;
	if (!dst)
		return dir && ndir->nlink >= EXT2_LINK_MAX ? -EMLINK : 0;
	if (dir && !S_ISDIR(dst->mode))
		return -ENOTDIR;
	if (!dir && S_ISDIR(dst->mode))
		return -EISDIR;
	if (!S_ISDIR(dst->mode))
		return 0;
	empty = ext2_dir_is_empty(dst);
	return empty < 0 ? empty : empty ? 0 : -ENOTEMPTY;
}

/* Link counts after a rename: a directory's ".." moves from odir to
 * ndir; a replaced directory takes its ".." from ndir. */
static void rename_counts(struct inode *odir, struct inode *ndir,
			  struct inode *src, struct inode *dst)
{
	if (dst) {
		dst->nlink = S_ISDIR(dst->mode) ? 0 :
			     dst->nlink		? dst->nlink - 1 :
						  0;
		if (S_ISDIR(dst->mode) && ndir->nlink > 1)
			ndir->nlink--;
	}
	if (S_ISDIR(src->mode)) {
		odir->nlink--;
		ndir->nlink++;
	}
	src->ctime = current_time();
	dirty(src);
	dirty(odir);
	if (ndir != odir)
		dirty(ndir);
}

static int ext2_rename(struct inode *odir, struct dentry *od,
		       struct inode *ndir, struct dentry *nd, unsigned flags)
{
	struct inode *src = od->inode, *dst = nd->inode;
	size_t nlen = strlen(nd->name);
	int err = rename_check(ndir, od, nd, flags);

	if (err)
		return err;
	err = dst ? ext2_dir_set(ndir, nd->name, nlen, (uint32_t)src->ino,
				 src->mode) :
		    ext2_dir_add(ndir, nd->name, nlen, (uint32_t)src->ino,
				 src->mode);
	if (err)
		return err;
	err = ext2_dir_remove(odir, od->name, strlen(od->name));
	if (err)
		return err;
	if (S_ISDIR(src->mode) && odir != ndir)
		ext2_dir_set(src, "..", 2, (uint32_t)ndir->ino, S_IFDIR);
	rename_counts(odir, ndir, src, dst);
	if (dst)
		drop_name(nd);
	/* The dentry moves with a directory's cached children under it;
	 * the negative target leaves the cache. */
	dentry_unhash(nd);
	return dentry_move(od, nd->parent, nd->name, nlen);
}

static ssize_t ext2_readlink(struct dentry *d, char *buf, size_t size)
{
	struct inode *i = d->inode;
	struct ext2_sb *s = EXT2_SB(i->sb);
	size_t len = MIN((size_t)i->size, size);
	bool fast = i->blocks == (EI(i)->file_acl ? s->g.block_size / 512 : 0);
	uint32_t blk;
	struct buf *b;
	int err;

	if (fast) {
		if (i->size >= EXT2_FAST_LINK_MAX)
			return -EUCLEAN;
		memcpy(buf, EI(i)->i_block, len);
		return (ssize_t)len;
	}
	err = ext2_bmap(i, 0, false, &blk, NULL);
	if (err)
		return err;
	if (!blk)
		return -EUCLEAN;
	b = bread(s->dev, blk, s->g.block_size);
	if (IS_ERR(b))
		return PTR_ERR(b);
	memcpy(buf, b->data, len);
	brelse(b);
	return (ssize_t)len;
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.mknod = ext2_mknod,
	.symlink = ext2_symlink,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
};
