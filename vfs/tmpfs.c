/* SPDX-License-Identifier: MIT */
/*
 * tmpfs: a file system in memory whose directories are the dentry cache
 * (like Linux's ramfs/shmem). Also the root file system and, as
 * devtmpfs, /dev.
 */
#include "vfs/tmpfs.h"

static const struct inode_ops tmpfs_dir_iops;
static const struct inode_ops tmpfs_link_iops;
extern const struct file_ops fifo_file_ops;

static struct inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode,
				     uint64_t rdev)
{
	struct inode *i = inode_alloc(sb, mode);
	struct tmpfs_inode *ti = kzalloc(sizeof(*ti));

	if (!i || !ti) {
		kfree(ti);
		if (i)
			kfree(i);
		return NULL;
	}
	ti->lock = (struct spinlock)SPINLOCK_INIT("tmpfs inode");
	i->private = ti;
	i->rdev = rdev;
	switch (mode & S_IFMT) {
	case S_IFDIR:
		i->iops = &tmpfs_dir_iops;
		i->fops = &tmpfs_dir_ops;
		i->nlink = 2;
		i->size = 4096; /* st_size of a directory, as tmpfs shows */
		break;
	case S_IFREG:
		i->iops = &tmpfs_file_iops;
		i->fops = &tmpfs_file_ops;
		break;
	case S_IFLNK:
		i->iops = &tmpfs_link_iops;
		break;
	case S_IFIFO:
		i->iops = &tmpfs_file_iops;
		i->fops = &fifo_file_ops;
		break;
	default: /* devices and sockets: ops come at open time */
		i->iops = &tmpfs_file_iops;
	}
	return i;
}

/* The setgid bit of a directory passes its group on (POSIX mkdir). */
static void inherit_group(struct inode *dir, struct inode *i)
{
	if (dir->mode & S_ISGID) {
		i->gid = dir->gid;
		if (S_ISDIR(i->mode))
			i->mode |= S_ISGID;
	}
}

static int add(struct inode *dir, struct dentry *d, uint32_t mode,
	       uint64_t rdev, struct inode **out)
{
	struct inode *i = tmpfs_new_inode(dir->sb, mode, rdev);

	if (!i)
		return -ENOSPC;
	inherit_group(dir, i);
	d->inode = i;
	d->pinned = true;
	inode_touch(dir, false, true, true);
	if (out)
		*out = i;
	return 0;
}

static int tmpfs_create(struct inode *dir, struct dentry *d, uint32_t mode)
{
	return add(dir, d, S_IFREG | (mode & 07777), 0, NULL);
}

static int tmpfs_mkdir(struct inode *dir, struct dentry *d, uint32_t mode)
{
	int err = add(dir, d, S_IFDIR | (mode & 07777), 0, NULL);

	if (!err)
		dir->nlink++;
	return err;
}

static int tmpfs_mknod(struct inode *dir, struct dentry *d, uint32_t mode,
		       uint64_t rdev)
{
	return add(dir, d, mode, rdev, NULL);
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d,
			 const char *target)
{
	size_t len = strlen(target);
	struct inode *i;
	int err = add(dir, d, S_IFLNK | 0777, 0, &i);

	if (err)
		return err;
	TI(i)->link = kmalloc(len + 1);
	if (!TI(i)->link) {
		d->inode = NULL;
		d->pinned = false;
		inode_put(i);
		return -ENOMEM;
	}
	memcpy(TI(i)->link, target, len + 1);
	i->size = len;
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *i = old->inode;

	inode_get(i);
	i->nlink++;
	i->ctime = current_time();
	d->inode = i;
	d->pinned = true;
	inode_touch(dir, false, true, true);
	return 0;
}

/* Turns d negative; the inode lives on while files hold it. */
static void drop_name(struct inode *dir, struct dentry *d)
{
	struct inode *i = d->inode;

	i->nlink--;
	i->ctime = current_time();
	d->inode = NULL;
	d->pinned = false;
	inode_touch(dir, false, true, true);
	inode_put(i);
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	drop_name(dir, d);
	return 0;
}

static bool any_child(struct dentry *d, void *ctx)
{
	(void)d;
	*(bool *)ctx = true;
	return false;
}

static bool dir_empty(struct dentry *d)
{
	bool found = false;

	dentry_for_each_child(d, 0, any_child, &found);
	return !found;
}

static int tmpfs_rmdir(struct inode *dir, struct dentry *d)
{
	if (!dir_empty(d))
		return -ENOTEMPTY;
	d->inode->nlink--; /* its "." */
	drop_name(dir, d);
	dir->nlink--; /* its ".." */
	return 0;
}

static bool is_ancestor(struct dentry *a, struct dentry *d)
{
	for (; d->parent != d; d = d->parent)
		if (d == a)
			return true;
	return d == a;
}

/* RENAME_EXCHANGE: the two dentries trade places (each keeps its inode
 * and, for a directory, its children). */
static int exchange(struct inode *odir, struct dentry *od, struct inode *ndir,
		    struct dentry *nd)
{
	bool odir_is = S_ISDIR(od->inode->mode);
	bool ndir_is = nd->inode && S_ISDIR(nd->inode->mode);
	struct dentry *oparent;
	char *oname;
	int err;

	if (!nd->inode)
		return -ENOENT;
	if ((odir_is && is_ancestor(od, nd->parent)) ||
	    (ndir_is && is_ancestor(nd, od->parent)))
		return -EINVAL;
	oname = kmalloc(strlen(od->name) + 1);
	if (!oname)
		return -ENOMEM;
	strlcpy(oname, od->name, strlen(od->name) + 1);
	oparent = dget(od->parent);
	err = dentry_move(od, nd->parent, nd->name, strlen(nd->name));
	if (!err)
		err = dentry_move(nd, oparent, oname, strlen(oname));
	dput(oparent);
	kfree(oname);
	if (err)
		return err;
	if (odir != ndir) {
		odir->nlink += (int)ndir_is - (int)odir_is;
		ndir->nlink += (int)odir_is - (int)ndir_is;
	}
	inode_touch(odir, false, true, true);
	inode_touch(ndir, false, true, true);
	return 0;
}

static int tmpfs_rename(struct inode *odir, struct dentry *od,
			struct inode *ndir, struct dentry *nd, unsigned flags)
{
	bool dir = S_ISDIR(od->inode->mode);
	int err;

	if (flags & RENAME_EXCHANGE)
		return exchange(odir, od, ndir, nd);
	if (dir && is_ancestor(od, nd->parent))
		return -EINVAL;
	if (nd->inode) {
		if (dir && !S_ISDIR(nd->inode->mode))
			return -ENOTDIR;
		if (!dir && S_ISDIR(nd->inode->mode))
			return -EISDIR;
		if (dir) {
			if (!dir_empty(nd))
				return -ENOTEMPTY;
			nd->inode->nlink--;
			ndir->nlink--;
		}
		drop_name(ndir, nd);
	}
	/* The dentry moves (with a directory's children under it); the
	 * negative target dentry leaves the cache. */
	dentry_unhash(nd);
	err = dentry_move(od, nd->parent, nd->name, strlen(nd->name));
	if (err)
		return err;
	if (dir && odir != ndir) {
		odir->nlink--;
		ndir->nlink++;
	}
	od->inode->ctime = current_time();
	inode_touch(odir, false, true, true);
	inode_touch(ndir, false, true, true);
	return 0;
}

static ssize_t tmpfs_readlink(struct dentry *d, char *buf, size_t size)
{
	const char *target = TI(d->inode)->link;
	size_t len = strlen(target);

	if (len > size)
		len = size;
	memcpy(buf, target, len);
	return len;
}

int tmpfs_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *i = d->inode;
	int err = 0;

	if (a->valid & ATTR_SIZE) {
		mutex_lock(&i->lock);
		err = tmpfs_set_size(i, a->size);
		mutex_unlock(&i->lock);
		if (err)
			return err;
		i->mtime = current_time();
	}
	setattr_copy(i, a);
	return 0;
}

static const struct inode_ops tmpfs_dir_iops = {
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.mknod = tmpfs_mknod,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.setattr = tmpfs_setattr,
};

const struct inode_ops tmpfs_file_iops = {
	.setattr = tmpfs_setattr,
};

static const struct inode_ops tmpfs_link_iops = {
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
};

/* ---- directories ---- */

static unsigned dtype(uint32_t mode)
{
	return (mode & S_IFMT) >> 12; /* DT_* are the S_IF* bits shifted */
}

struct iter {
	struct dir_context *ctx;
};

static bool emit_child(struct dentry *d, void *arg)
{
	struct dir_context *ctx = arg;

	if (!ctx->fill(ctx, d->name, strlen(d->name), d->inode->ino,
		       dtype(d->inode->mode)))
		return false;
	ctx->pos++;
	return true;
}

/* "." and "..", then the children, at positions 0, 1, 2... */
static int tmpfs_iterate(struct file *f, struct dir_context *ctx)
{
	struct dentry *d = f->path.dentry;

	if (!d->inode)
		return -ENOENT; /* removed while open */
	if (!dir_emit_dots(f, ctx))
		return 0;
	return dentry_for_each_child(d, ctx->pos - 2, emit_child, ctx);
}

static int64_t dir_llseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		return off;
	if (whence == SEEK_CUR && (int64_t)f->pos + off >= 0)
		return (int64_t)f->pos + off;
	return -EINVAL;
}

const struct file_ops tmpfs_dir_ops = {
	.iterate = tmpfs_iterate,
	.llseek = dir_llseek,
};

/* ---- the file system ---- */

static void tmpfs_destroy_inode(struct inode *i)
{
	tmpfs_release_data(i);
}

static int tmpfs_statfs(struct super_block *sb, struct statfs_info *st)
{
	struct tmpfs_sb *s = sb->private;

	st->type = TMPFS_MAGIC;
	st->bsize = PAGE_SIZE;
	st->blocks = s->max_pages;
	st->bfree = st->bavail = s->max_pages - s->used_pages;
	st->files = st->ffree = page_total_count();
	st->namelen = NAME_MAX;
	return 0;
}

static void tmpfs_show_options(struct super_block *sb, char *buf, size_t size)
{
	struct tmpfs_sb *s = sb->private;

	ksnprintf(buf, size, ",size=%lluk,mode=%o",
		  (unsigned long long)s->max_pages * 4, s->root_mode);
}

/* size=N[kmg%] and mode=OCTAL, as tmpfs(5) takes them. */
static int parse_options(struct tmpfs_sb *s, const char *opts)
{
	char buf[128], *p = buf;

	strlcpy(buf, opts ? opts : "", sizeof(buf));
	while (p && *p) {
		char *comma = strchr(p, ','), *eq;
		uint64_t v;
		if (comma)
			*comma = '\0';
		eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			if (!strcmp(p, "size")) {
				char *u = eq + 1 + strlen(eq + 1);
				char unit = u > eq + 1 ? u[-1] : 0;
				uint64_t mult = unit == 'k' ? 1024 :
						unit == 'm' ? 1 << 20 :
						unit == 'g' ? 1 << 30 :
						unit == '%' ? 0 :
							      1;
				if (mult != 1)
					u[-1] = '\0';
				if (kstrtou64(eq + 1, &v))
					return -EINVAL;
				s->max_pages =
					mult ? v * mult / PAGE_SIZE :
					       page_total_count() * v / 100;
			} else if (!strcmp(p, "mode")) {
				char oct[16] = "0";
				strlcpy(oct + 1, eq + 1, sizeof(oct) - 1);
				if (kstrtou64(oct, &v))
					return -EINVAL;
				s->root_mode = v & 07777;
			}
			/* uid=, gid=, nr_inodes= and the rest: accepted. */
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static const struct super_ops tmpfs_super_ops = {
	.destroy_inode = tmpfs_destroy_inode,
	.statfs = tmpfs_statfs,
	.show_options = tmpfs_show_options,
};

struct super_block *tmpfs_mount_sb(struct fs_type *type, uint32_t root_mode,
				   const char *opts)
{
	struct super_block *sb =
		super_alloc(type, &tmpfs_super_ops, TMPFS_MAGIC);
	struct tmpfs_sb *s = kzalloc(sizeof(*s));
	struct inode *root;

	if (!sb || !s)
		goto fail;
	s->lock = (struct spinlock)SPINLOCK_INIT("tmpfs");
	s->max_pages = page_total_count() / 2; /* tmpfs's default: half */
	s->root_mode = root_mode;
	if (parse_options(s, opts)) {
		kfree(s);
		kfree(sb);
		return ERR_PTR(-EINVAL);
	}
	sb->private = s;
	root = tmpfs_new_inode(sb, S_IFDIR | s->root_mode, 0);
	if (!root)
		goto fail;
	root->uid = root->gid = 0;
	sb->root = dentry_alloc(NULL, "/", 1);
	if (!sb->root)
		goto fail;
	sb->root->sb = sb;
	sb->root->inode = root;
	return sb;
fail:
	kfree(s);
	kfree(sb);
	return ERR_PTR(-ENOMEM);
}

static struct super_block *tmpfs_mount(struct fs_type *type, const char *dev,
				       unsigned flags, const char *opts)
{
	(void)dev;
	(void)flags;
	return tmpfs_mount_sb(type, 01777, opts);
}

struct fs_type tmpfs_type = { .name = "tmpfs",
			      .mount = tmpfs_mount,
			      .nodev = true };
