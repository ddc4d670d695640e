/* SPDX-License-Identifier: MIT */
/* Creating and removing names: mkdir, rmdir, unlink, rename, link,
 * symlink, mknod, with the checks POSIX and Linux make. */
#include "vfs/tmpfs.h"
#include "vfs/vfs.h"

/* A name being created or removed: its directory (locked) and dentry. */
struct target {
	struct path dir;
	struct dentry *d;
	char name[NAME_MAX + 1];
	size_t len;
	bool trailing_slash;
};

static int target_get_name(int dirfd, const char *name, struct target *t)
{
	size_t n = strlen(name);
	int err;

	t->trailing_slash = n > 0 && name[n - 1] == '/';
	err = path_parent_at(dirfd, name, &t->dir, t->name, &t->len);
	if (err)
		return err;
	t->d = NULL;
	return 0;
}

static int target_get(int dirfd, uaddr_t upath, struct target *t)
{
	char *name;
	int err = 0;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	err = target_get_name(dirfd, name, t);
	kfree(name);
	return err;
}

static bool is_dot(const struct target *t)
{
	return !strcmp(t->name, ".") || !strcmp(t->name, "..");
}

/* Looks the name up with the directory locked; the caller unlocks. */
static int target_lookup(struct target *t)
{
	struct inode *dir = t->dir.dentry->inode;

	mutex_lock(&dir->lock);
	t->d = dentry_lookup(t->dir.dentry, t->name, t->len);
	if (IS_ERR(t->d)) {
		int err = PTR_ERR(t->d);
		t->d = NULL;
		mutex_unlock(&dir->lock);
		return err;
	}
	return 0;
}

static void target_put(struct target *t, bool locked)
{
	if (locked)
		mutex_unlock(&t->dir.dentry->inode->lock);
	if (t->d)
		dput(t->d);
	path_put(&t->dir);
}

static int may_create(struct target *t)
{
	int err = inode_permission(t->dir.dentry->inode, MAY_WRITE | MAY_EXEC);

	return err ? err : mount_want_write(&t->dir);
}

/* Removal also respects the sticky bit (POSIX XBD 4.5, "S_ISVTX"). */
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

typedef int (*create_fn)(struct inode *dir, struct dentry *d, void *arg);

/* The shared shape of mkdir, mknod and symlink. */
static long create_at_name(int dirfd, const char *name, create_fn fn, void *arg,
			   bool dir_ok_slash)
{
	struct target t;
	int err = target_get_name(dirfd, name, &t);

	if (err)
		return err;
	if (!t.len || is_dot(&t)) {
		target_put(&t, false);
		return -EEXIST;
	}
	if (t.trailing_slash && !dir_ok_slash) {
		target_put(&t, false);
		return -ENOENT;
	}
	err = target_lookup(&t);
	if (err) {
		target_put(&t, false);
		return err;
	}
	if (t.d->inode)
		err = -EEXIST;
	else
		err = may_create(&t);
	if (!err)
		err = fn(t.dir.dentry->inode, t.d, arg);
	target_put(&t, true);
	return err;
}

static long create_at(int dirfd, uaddr_t upath, create_fn fn, void *arg,
		      bool dir_ok_slash)
{
	char *name;
	int err = 0;
	long r;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	r = create_at_name(dirfd, name, fn, arg, dir_ok_slash);
	kfree(name);
	return r;
}

static int do_mkdir(struct inode *dir, struct dentry *d, void *arg)
{
	uint32_t mode = *(uint32_t *)arg & ~current->fs->umask & 07777;

	if (!dir->iops || !dir->iops->mkdir)
		return -EPERM;
	return dir->iops->mkdir(dir, d, mode);
}

int vfs_mkdir(const char *path, uint32_t mode)
{
	return create_at_name(AT_FDCWD, path, do_mkdir, &mode, true);
}

static long sys_mkdirat(int dirfd, uaddr_t path, uint32_t mode)
{
	return create_at(dirfd, path, do_mkdir, &mode, true);
}
SYSCALL_REGISTER(mkdirat, sys_mkdirat);

static long sys_mkdir(uaddr_t path, uint32_t mode)
{
	return create_at(AT_FDCWD, path, do_mkdir, &mode, true);
}
SYSCALL_REGISTER(mkdir, sys_mkdir);

struct mknod_arg {
	uint32_t mode;
	uint64_t dev;
};

static int do_mknod(struct inode *dir, struct dentry *d, void *arg)
{
	struct mknod_arg *a = arg;
	uint32_t type = a->mode & S_IFMT, perm = a->mode & 07777;

	if (!dir->iops || !dir->iops->mknod)
		return -EPERM;
	if (type == 0)
		type = S_IFREG;
	switch (type) {
	case S_IFCHR:
	case S_IFBLK:
		if (!capable())
			return -EPERM;
		break;
	case S_IFREG:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return type == S_IFDIR ? -EPERM : -EINVAL;
	}
	return dir->iops->mknod(dir, d, type | (perm & ~current->fs->umask),
				a->dev);
}

int vfs_mknod(const char *path, uint32_t mode, uint64_t dev)
{
	struct mknod_arg a = { mode, dev };

	return create_at_name(AT_FDCWD, path, do_mknod, &a, false);
}

int vfs_bind_socket(const char *path, uint32_t perm, struct path *out)
{
	struct mknod_arg a = { S_IFSOCK | (perm & 07777), 0 };
	struct target t;
	int err = target_get_name(AT_FDCWD, path, &t);

	if (err)
		return err;
	if (!t.len || is_dot(&t) || t.trailing_slash) {
		target_put(&t, false);
		return t.trailing_slash ? -ENOENT : -EEXIST;
	}
	err = target_lookup(&t);
	if (err) {
		target_put(&t, false);
		return err;
	}
	err = t.d->inode ? -EEXIST : may_create(&t);
	if (!err)
		err = do_mknod(t.dir.dentry->inode, t.d, &a);
	if (!err) {
		out->mnt = t.dir.mnt;
		out->dentry = t.d;
		path_get(out);
	}
	target_put(&t, true);
	return err;
}

static long sys_mknodat(int dirfd, uaddr_t path, uint32_t mode, uint64_t dev)
{
	struct mknod_arg a = { mode, dev };

	return create_at(dirfd, path, do_mknod, &a, false);
}
SYSCALL_REGISTER(mknodat, sys_mknodat);

static long sys_mknod(uaddr_t path, uint32_t mode, uint64_t dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}
SYSCALL_REGISTER(mknod, sys_mknod);

static int do_symlink(struct inode *dir, struct dentry *d, void *arg)
{
	if (!dir->iops || !dir->iops->symlink)
		return -EPERM;
	return dir->iops->symlink(dir, d, arg);
}

int vfs_symlink(const char *target, const char *path)
{
	return create_at_name(AT_FDCWD, path, do_symlink, (void *)target,
			      false);
}

static long sys_symlinkat(uaddr_t utarget, int dirfd, uaddr_t path)
{
	char *target;
	int err = 0;
	long r;

	target = path_from_user(utarget, &err);
	if (!target)
		return err;
	r = *target ? create_at(dirfd, path, do_symlink, target, false) :
		      -ENOENT;
	kfree(target);
	return r;
}
SYSCALL_REGISTER(symlinkat, sys_symlinkat);

static long sys_symlink(uaddr_t target, uaddr_t path)
{
	return sys_symlinkat(target, AT_FDCWD, path);
}
SYSCALL_REGISTER(symlink, sys_symlink);

/* unlink and rmdir share the lookup and checks. */
static long remove_at(int dirfd, uaddr_t upath, bool dir)
{
	struct target t;
	struct inode *di, *victim;
	int err = target_get(dirfd, upath, &t);

	if (err)
		return err;
	if (!t.len || is_dot(&t)) {
		/* rmdir(".") EINVAL, rmdir("..") ENOTEMPTY, "/" EBUSY;
		 * unlink of any of them EISDIR (Linux). */
		err = !dir		   ? -EISDIR :
		      !t.len		   ? -EBUSY :
		      !strcmp(t.name, ".") ? -EINVAL :
					     -ENOTEMPTY;
		target_put(&t, false);
		return err;
	}
	err = target_lookup(&t);
	if (err) {
		target_put(&t, false);
		return err;
	}
	di = t.dir.dentry->inode;
	victim = t.d->inode;
	if (!victim)
		err = -ENOENT;
	else if (dir && !S_ISDIR(victim->mode))
		err = -ENOTDIR;
	else if (!dir && S_ISDIR(victim->mode))
		err = -EISDIR;
	else if (!dir && t.trailing_slash)
		err = -ENOTDIR;
	else if (t.d->mounted)
		err = -EBUSY;
	else if (!(err = may_delete(di, victim)) &&
		 !(err = mount_want_write(&t.dir)))
		err = dir ? (di->iops->rmdir ? di->iops->rmdir(di, t.d) :
					       -EPERM) :
			    (di->iops->unlink ? di->iops->unlink(di, t.d) :
						-EPERM);
	target_put(&t, true);
	return err;
}

static long sys_unlink(uaddr_t path)
{
	return remove_at(AT_FDCWD, path, false);
}
SYSCALL_REGISTER(unlink, sys_unlink);

static long sys_rmdir(uaddr_t path)
{
	return remove_at(AT_FDCWD, path, true);
}
SYSCALL_REGISTER(rmdir, sys_rmdir);

static long sys_unlinkat(int dirfd, uaddr_t path, int flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return remove_at(dirfd, path, flags & AT_REMOVEDIR);
}
SYSCALL_REGISTER(unlinkat, sys_unlinkat);

static int link_names(int olddirfd, const char *oldname, int newdirfd,
		      const char *newname, int flags)
{
	struct path old;
	struct target t;
	struct inode *dir;
	int err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_lookup_at(olddirfd, oldname,
			     ((flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0) |
				     ((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY :
								0),
			     &old);
	if (err)
		return err;
	err = target_get_name(newdirfd, newname, &t);
	if (err) {
		path_put(&old);
		return err;
	}
	if (S_ISDIR(old.dentry->inode->mode))
		err = -EPERM;
	else if (old.mnt != t.dir.mnt)
		err = -EXDEV;
	else if (!t.len || is_dot(&t))
		err = -EEXIST;
	if (err || (err = target_lookup(&t))) {
		target_put(&t, false);
		path_put(&old);
		return err;
	}
	dir = t.dir.dentry->inode;
	if (t.d->inode)
		err = -EEXIST;
	else if (!(err = may_create(&t)))
		err = dir->iops->link ? dir->iops->link(old.dentry, dir, t.d) :
					-EPERM;
	target_put(&t, true);
	path_put(&old);
	return err;
}

int vfs_link(const char *oldpath, const char *newpath)
{
	return link_names(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static long sys_linkat(int olddirfd, uaddr_t oldpath, int newdirfd,
		       uaddr_t newpath, int flags)
{
	char *o, *n;
	int err = 0;

	o = path_from_user(oldpath, &err);
	if (!o)
		return err;
	n = path_from_user(newpath, &err);
	if (!n) {
		kfree(o);
		return err;
	}
	err = link_names(olddirfd, o, newdirfd, n, flags);
	kfree(o);
	kfree(n);
	return err;
}
SYSCALL_REGISTER(linkat, sys_linkat);

static long sys_link(uaddr_t oldpath, uaddr_t newpath)
{
	return sys_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}
SYSCALL_REGISTER(link, sys_link);
