/* SPDX-License-Identifier: MIT */
/* Opening and closing files (open(2)), and the calls that work on paths
 * and directories of the process: access, chdir, chroot, getcwd, umask. */
#include "vfs/vfs.h"

/* Creates the last component under parent if missing (O_CREAT). On
 * return *out is the (positive) path and *created says if it is new. */
static int open_create(const struct path *parent, const char *last, size_t len,
		       int flags, uint32_t mode, struct path *out,
		       bool *created)
{
	struct inode *dir = parent->dentry->inode;
	struct dentry *d;
	int err;

	mutex_lock(&dir->lock);
	d = dentry_lookup(parent->dentry, last, len);
	if (IS_ERR(d)) {
		mutex_unlock(&dir->lock);
		return PTR_ERR(d);
	}
	if (d->inode) {
		mutex_unlock(&dir->lock);
		if (flags & O_EXCL) {
			dput(d);
			return -EEXIST;
		}
		*out = (struct path){ parent->mnt, d };
		mount_get(parent->mnt);
		*created = false;
		return 0;
	}
	err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = mount_want_write(parent);
	if (!err)
		err = dir->iops && dir->iops->create ?
			      dir->iops->create(dir, d,
						mode & ~current->fs->umask) :
			      -EACCES;
	mutex_unlock(&dir->lock);
	if (err) {
		dput(d);
		return err;
	}
	*out = (struct path){ parent->mnt, d };
	mount_get(parent->mnt);
	*created = true;
	return 0;
}

/* Checks an existing file against the open flags (open(2), ERRORS). */
static int may_open(const struct path *p, int flags)
{
	struct inode *i = p->dentry->inode;
	int acc = flags & O_ACCMODE, mask = 0, err;

	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(i->mode))
		return -ELOOP; /* O_NOFOLLOW on a link */
	if (S_ISDIR(i->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(i->mode))
		return -ENOTDIR;
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	err = inode_permission(i, mask);
	if (err)
		return err;
	if ((mask & MAY_WRITE) && S_ISREG(i->mode))
		return mount_want_write(p);
	return 0;
}

static int truncate_path(const struct path *p, uint64_t size)
{
	struct inode *i = p->dentry->inode;
	struct iattr a = { .valid = ATTR_SIZE, .size = size };

	/* Files with no attributes to set (procfs, sysfs, cgroupfs) take
	 * O_TRUNC as Linux's simple_setattr does: as a no-op, so a shell's
	 * "echo 1 > /proc/..." works. */
	if (!i->iops || !i->iops->setattr)
		return 0;
	return i->iops->setattr(p->dentry, &a);
}

static int open_path(int dirfd, const char *name, int flags, uint32_t mode,
		     struct path *p, bool *created)
{
	struct path parent;
	char last[NAME_MAX + 1];
	size_t len = strlen(name), last_len;
	int err;

	*created = false;
	if (!(flags & O_CREAT))
		return path_lookup_at(
			dirfd, name,
			((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
				((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0),
			p);
	if (len && name[len - 1] == '/')
		return -EISDIR;
	err = path_parent_at(dirfd, name, &parent, last, &last_len);
	if (err)
		return err;
	if (!last_len || !strcmp(last, ".") || !strcmp(last, "..")) {
		path_put(&parent);
		return -EISDIR;
	}
	err = open_create(&parent, last, last_len, flags, mode, p, created);
	path_put(&parent);
	if (err || *created || !S_ISLNK(p->dentry->inode->mode))
		return err;
	/* An existing symlink is followed, unless told not to. */
	if (flags & (O_NOFOLLOW | O_EXCL))
		return 0; /* may_open says ELOOP */
	path_put(p);
	return path_lookup_at(dirfd, name, LOOKUP_FOLLOW, p);
}

struct file *vfs_open_at(int dirfd, const char *name, int flags, uint32_t mode)
{
	struct path p;
	struct file *f;
	bool created;
	int err;

	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	err = open_path(dirfd, name, flags, mode, &p, &created);
	if (err)
		return ERR_PTR(err);
	if (!created)
		err = may_open(&p, flags);
	if (!err && (flags & O_TRUNC) && S_ISREG(p.dentry->inode->mode) &&
	    (flags & O_ACCMODE) != O_RDONLY && !created)
		err = truncate_path(&p, 0);
	if (err) {
		path_put(&p);
		return ERR_PTR(err);
	}
	f = file_open_path(&p, flags & ~(O_CREAT | O_EXCL | O_TRUNC));
	path_put(&p);
	return f;
}

struct file *vfs_open(const char *path, int flags, int mode)
{
	return vfs_open_at(AT_FDCWD, path, flags, (uint32_t)mode);
}

struct file *vfs_open_exec(const char *name)
{
	struct path p;
	struct inode *i;
	int err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	struct file *f;

	if (err)
		return ERR_PTR(err);
	i = p.dentry->inode;
	/* execve(2): EACCES for anything but a regular file, without
	 * execute permission, or on a noexec mount. */
	if (!S_ISREG(i->mode) || (p.mnt->flags & MS_NOEXEC))
		err = -EACCES;
	else
		err = inode_permission(i, MAY_EXEC);
	if (!err && !(i->mode & 0111))
		err = -EACCES;
	if (err) {
		path_put(&p);
		return ERR_PTR(err);
	}
	f = file_open_path(&p, O_RDONLY);
	path_put(&p);
	return f;
}

static long do_openat(int dirfd, uaddr_t upath, int flags, uint32_t mode)
{
	struct file *f;
	char *name;
	int err = 0, fd;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	/* O_TMPFILE is not supported; say so rather than misbehave. */
	if ((flags & __O_TMPFILE) == __O_TMPFILE) {
		kfree(name);
		return -EOPNOTSUPP;
	}
	f = vfs_open_at(dirfd, name, flags | O_LARGEFILE, mode);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(f, flags);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long sys_open(uaddr_t path, int flags, uint32_t mode)
{
	return do_openat(AT_FDCWD, path, flags, mode);
}
SYSCALL_REGISTER(open, sys_open);

static long sys_openat(int dirfd, uaddr_t path, int flags, uint32_t mode)
{
	return do_openat(dirfd, path, flags, mode);
}
SYSCALL_REGISTER(openat, sys_openat);

static long sys_creat(uaddr_t path, uint32_t mode)
{
	return do_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}
SYSCALL_REGISTER(creat, sys_creat);

static long sys_close(int fd)
{
	return fd_close(fd);
}
SYSCALL_REGISTER(close, sys_close);

static long sys_close_range(unsigned first, unsigned last, unsigned flags)
{
	if (flags & ~4u /* CLOSE_RANGE_CLOEXEC */ || first > last)
		return -EINVAL;
	for (unsigned fd = first; fd <= last && fd < current->files->max;
	     fd++) {
		if (flags)
			fd_set_cloexec(fd, true);
		else
			fd_close(fd);
	}
	return 0;
}
SYSCALL_REGISTER(close_range, sys_close_range);

/* access(2) checks with the real ids, not the effective ones. */
static long do_faccessat(int dirfd, uaddr_t upath, int mode, int flags)
{
	struct cred *c = &current->proc->cred, saved = *c;
	struct path p;
	char *name;
	int err = 0;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	name = path_from_user(upath, &err);
	if (!name)
		return err;
	if (!(flags & AT_EACCESS)) {
		c->fsuid = c->uid;
		c->fsgid = c->gid;
	}
	err = path_lookup_at(
		dirfd, name,
		((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
		&p);
	kfree(name);
	if (!err) {
		if (mode)
			err = inode_permission(p.dentry->inode, mode);
		if (!err && (mode & W_OK) && mount_want_write(&p))
			err = -EROFS;
		path_put(&p);
	}
	c->fsuid = saved.fsuid;
	c->fsgid = saved.fsgid;
	return err;
}

static long sys_access(uaddr_t path, int mode)
{
	return do_faccessat(AT_FDCWD, path, mode, 0);
}
SYSCALL_REGISTER(access, sys_access);

static long sys_faccessat(int dirfd, uaddr_t path, int mode)
{
	return do_faccessat(dirfd, path, mode, 0);
}
SYSCALL_REGISTER(faccessat, sys_faccessat);

static long sys_faccessat2(int dirfd, uaddr_t path, int mode, int flags)
{
	return do_faccessat(dirfd, path, mode, flags);
}
SYSCALL_REGISTER(faccessat2, sys_faccessat2);

/* Replaces the cwd (or root) with p, which must be a searchable
 * directory; takes over the reference. */
static int set_fs_path(struct path *p, bool root)
{
	struct fs_struct *fs = current->fs;
	struct path old;
	bool irq;
	int err = S_ISDIR(p->dentry->inode->mode) ? 0 : -ENOTDIR;

	if (!err)
		err = inode_permission(p->dentry->inode, MAY_EXEC);
	if (err) {
		path_put(p);
		return err;
	}
	irq = spin_lock_irqsave(&fs->lock);
	old = root ? fs->root : fs->cwd;
	if (root)
		fs->root = *p;
	else
		fs->cwd = *p;
	spin_unlock_irqrestore(&fs->lock, irq);
	path_put(&old);
	return 0;
}

static long sys_chdir(uaddr_t upath)
{
	struct path p;
	char *name;
	int err = 0;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	kfree(name);
	return err ? err : set_fs_path(&p, false);
}
SYSCALL_REGISTER(chdir, sys_chdir);

static long sys_fchdir(int fd)
{
	struct file *f = fd_get(fd);
	struct path p;

	if (!f)
		return -EBADF;
	p = f->path;
	path_get(&p);
	file_put(f);
	return set_fs_path(&p, false);
}
SYSCALL_REGISTER(fchdir, sys_fchdir);

void vfs_set_root(const struct path *p)
{
	struct fs_struct *fs = current->fs;
	struct path old_root, old_cwd;
	bool irq;

	path_get(p);
	path_get(p);
	irq = spin_lock_irqsave(&fs->lock);
	old_root = fs->root;
	old_cwd = fs->cwd;
	fs->root = *p;
	fs->cwd = *p;
	spin_unlock_irqrestore(&fs->lock, irq);
	path_put(&old_root);
	path_put(&old_cwd);
}

static long sys_chroot(uaddr_t upath)
{
	struct path p;
	char *name;
	int err = 0;

	if (!capable())
		return -EPERM;
	name = path_from_user(upath, &err);
	if (!name)
		return err;
	err = path_lookup_at(AT_FDCWD, name, LOOKUP_FOLLOW, &p);
	kfree(name);
	return err ? err : set_fs_path(&p, true);
}
SYSCALL_REGISTER(chroot, sys_chroot);

static long sys_getcwd(uaddr_t ubuf, size_t size)
{
	struct fs_struct *fs = current->fs;
	char *buf = kmalloc(PATH_MAX);
	struct path cwd;
	bool irq;
	int n;

	if (!buf)
		return -ENOMEM;
	irq = spin_lock_irqsave(&fs->lock);
	cwd = fs->cwd;
	path_get(&cwd);
	spin_unlock_irqrestore(&fs->lock, irq);
	n = path_name(&cwd, buf, PATH_MAX);
	/* A removed cwd: Linux answers "(unreachable)"-style ENOENT. */
	if (n >= 0 && !cwd.dentry->inode)
		n = -ENOENT;
	path_put(&cwd);
	if (n >= 0 && (size_t)n + 1 > size)
		n = -ERANGE;
	if (n >= 0 && copy_to_user(ubuf, buf, n + 1))
		n = -EFAULT;
	kfree(buf);
	return n < 0 ? n : n + 1;
}
SYSCALL_REGISTER(getcwd, sys_getcwd);

static long sys_umask(uint32_t mask)
{
	struct fs_struct *fs = current->fs;
	uint32_t old = fs->umask;

	fs->umask = mask & 0777;
	return old;
}
SYSCALL_REGISTER(umask, sys_umask);
