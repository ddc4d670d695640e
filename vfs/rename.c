/* SPDX-License-Identifier: MIT */
/* rename(2), renameat(2) and renameat2(2). */
#include "vfs/vfs.h"

/* One rename at a time: two directory locks and the ancestry checks need
 * a stable tree (Linux's s_vfs_rename_mutex). */
static struct mutex rename_mutex = MUTEX_INIT(rename_mutex);

struct side {
	struct path dir;
	char name[NAME_MAX + 1];
	size_t len;
	bool slash;
	struct dentry *d;
};

static int side_get(int dirfd, uaddr_t upath, struct side *s)
{
	char *name;
	size_t n;
	int err = 0;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	n = strlen(name);
	s->slash = n && name[n - 1] == '/';
	err = path_parent_at(dirfd, name, &s->dir, s->name, &s->len);
	kfree(name);
	s->d = NULL;
	if (!err &&
	    (!s->len || !strcmp(s->name, ".") || !strcmp(s->name, ".."))) {
		path_put(&s->dir);
		err = -EBUSY;
	}
	return err;
}

static int may_delete(struct inode *dir, struct inode *victim)
{
	const struct cred *c = &current->proc->cred;
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if ((dir->mode & S_ISVTX) && c->fsuid != 0 && c->fsuid != victim->uid &&
	    c->fsuid != dir->uid)
		return -EPERM;
	return 0;
}

static int check(struct side *o, struct side *n, unsigned flags)
{
	struct inode *src = o->d->inode, *dst = n->d->inode;
	int err;

	if (!src)
		return -ENOENT;
	if ((o->slash && !S_ISDIR(src->mode)) ||
	    (n->slash && !S_ISDIR(src->mode)))
		return -ENOTDIR;
	if ((flags & RENAME_NOREPLACE) && dst)
		return -EEXIST;
	if ((flags & RENAME_EXCHANGE) && !dst)
		return -ENOENT;
	if (o->d->mounted || (dst && n->d->mounted))
		return -EBUSY;
	err = may_delete(o->dir.dentry->inode, src);
	if (!err && dst)
		err = may_delete(n->dir.dentry->inode, dst);
	if (!err)
		err = inode_permission(n->dir.dentry->inode,
				       MAY_WRITE | MAY_EXEC);
	if (!err)
		err = mount_want_write(&n->dir);
	return err;
}

static long do_rename(int odfd, uaddr_t opath, int ndfd, uaddr_t npath,
		      unsigned flags)
{
	struct side o, n;
	struct inode *odir, *ndir;
	int err;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	err = side_get(odfd, opath, &o);
	if (err)
		return err;
	err = side_get(ndfd, npath, &n);
	if (err) {
		path_put(&o.dir);
		return err;
	}
	if (o.dir.mnt != n.dir.mnt) {
		err = -EXDEV;
		goto out;
	}
	odir = o.dir.dentry->inode;
	ndir = n.dir.dentry->inode;
	mutex_lock(&rename_mutex);
	mutex_lock(odir < ndir ? &odir->lock : &ndir->lock);
	if (odir != ndir)
		mutex_lock(odir < ndir ? &ndir->lock : &odir->lock);
	o.d = dentry_lookup(o.dir.dentry, o.name, o.len);
	n.d = IS_ERR(o.d) ? NULL : dentry_lookup(n.dir.dentry, n.name, n.len);
	if (IS_ERR(o.d) || IS_ERR(n.d)) {
		err = IS_ERR(o.d) ? PTR_ERR(o.d) : PTR_ERR(n.d);
		if (IS_ERR(o.d))
			o.d = NULL;
		if (n.d && IS_ERR(n.d))
			n.d = NULL;
	} else if (o.d->inode && o.d->inode == n.d->inode) {
		err = 0; /* the same file: nothing to do (rename(2)) */
	} else if (!(err = check(&o, &n, flags))) {
		err = odir->iops && odir->iops->rename ?
			      odir->iops->rename(odir, o.d, ndir, n.d, flags) :
			      -EPERM;
	}
	if (odir != ndir)
		mutex_unlock(odir < ndir ? &ndir->lock : &odir->lock);
	mutex_unlock(odir < ndir ? &odir->lock : &ndir->lock);
	mutex_unlock(&rename_mutex);
out:
	if (o.d)
		dput(o.d);
	if (n.d)
		dput(n.d);
	path_put(&o.dir);
	path_put(&n.dir);
	return err;
}

static long sys_rename(uaddr_t oldpath, uaddr_t newpath)
{
	return do_rename(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
SYSCALL_REGISTER(rename, sys_rename);

static long sys_renameat(int odfd, uaddr_t oldpath, int ndfd, uaddr_t newpath)
{
	return do_rename(odfd, oldpath, ndfd, newpath, 0);
}
SYSCALL_REGISTER(renameat, sys_renameat);

static long sys_renameat2(int odfd, uaddr_t oldpath, int ndfd, uaddr_t newpath,
			  unsigned flags)
{
	return do_rename(odfd, oldpath, ndfd, newpath, flags);
}
SYSCALL_REGISTER(renameat2, sys_renameat2);
