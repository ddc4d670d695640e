/* SPDX-License-Identifier: MIT */
/* Changing attributes: chmod, chown, truncate, utimensat and their
 * variants (POSIX chmod/chown/truncate/utimensat, with Linux's errnos). */
#include "vfs/vfs.h"

static int setattr(struct path *p, struct iattr *a)
{
	struct inode *i = p->dentry->inode;
	int err = mount_want_write(p);

	if (err)
		return err;
	if (!i->iops || !i->iops->setattr)
		return -EPERM;
	return i->iops->setattr(p->dentry, a);
}

static int path_at(int dirfd, uaddr_t upath, int flags, struct path *p)
{
	char *name;
	int err = 0;

	name = path_from_user(upath, &err);
	if (!name)
		return err;
	err = path_lookup_at(
		dirfd, name,
		((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
		p);
	kfree(name);
	return err;
}

static bool owner_or_root(struct inode *i)
{
	const struct cred *c = &current->proc->cred;

	return c->fsuid == 0 || c->fsuid == i->uid;
}

static int do_chmod(struct path *p, uint32_t mode)
{
	struct inode *i = p->dentry->inode;
	struct iattr a = { .valid = ATTR_MODE, .mode = mode & 07777 };

	if (!owner_or_root(i))
		return -EPERM;
	/* Non-root may not keep setgid on a file of a group it is not in. */
	if (current->proc->cred.fsuid != 0 &&
	    !cred_in_group(&current->proc->cred, i->gid))
		a.mode &= ~S_ISGID;
	return setattr(p, &a);
}

static long sys_fchmodat(int dirfd, uaddr_t path, uint32_t mode)
{
	struct path p;
	int err = path_at(dirfd, path, 0, &p);

	if (err)
		return err;
	err = do_chmod(&p, mode);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(fchmodat, sys_fchmodat);

static long sys_chmod(uaddr_t path, uint32_t mode)
{
	return sys_fchmodat(AT_FDCWD, path, mode);
}
SYSCALL_REGISTER(chmod, sys_chmod);

static long sys_fchmod(int fd, uint32_t mode)
{
	struct file *f = fd_get(fd);
	int err;

	if (!f)
		return -EBADF;
	err = f->path.mnt ? do_chmod(&f->path, mode) : -EPERM;
	file_put(f);
	return err;
}
SYSCALL_REGISTER(fchmod, sys_fchmod);

/* chown(2): only root changes the owner; the owner may change the group
 * to one of its own. Set-user/group-ID bits go on a regular file. */
static int do_chown(struct path *p, uint32_t uid, uint32_t gid)
{
	struct inode *i = p->dentry->inode;
	const struct cred *c = &current->proc->cred;
	struct iattr a = { 0 };

	if (uid != (uint32_t)-1 && uid != i->uid) {
		if (c->fsuid != 0)
			return -EPERM;
		a.valid |= ATTR_UID;
		a.uid = uid;
	}
	if (gid != (uint32_t)-1 && gid != i->gid) {
		if (c->fsuid != 0 &&
		    (c->fsuid != i->uid || !cred_in_group(c, gid)))
			return -EPERM;
		a.valid |= ATTR_GID;
		a.gid = gid;
	}
	if (uid != (uint32_t)-1 || gid != (uint32_t)-1) {
		if (!owner_or_root(i) && !a.valid)
			return -EPERM;
		if (S_ISREG(i->mode) && (i->mode & (S_ISUID | S_ISGID))) {
			a.valid |= ATTR_MODE;
			a.mode = i->mode & ~(S_ISUID | S_ISGID);
		}
	}
	return a.valid ? setattr(p, &a) : 0;
}

static long sys_fchownat(int dirfd, uaddr_t path, uint32_t uid, uint32_t gid,
			 int flags)
{
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_at(dirfd, path, flags, &p);
	if (err)
		return err;
	err = do_chown(&p, uid, gid);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(fchownat, sys_fchownat);

static long sys_chown(uaddr_t path, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, 0);
}
SYSCALL_REGISTER(chown, sys_chown);

static long sys_lchown(uaddr_t path, uint32_t uid, uint32_t gid)
{
	return sys_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}
SYSCALL_REGISTER(lchown, sys_lchown);

static long sys_fchown(int fd, uint32_t uid, uint32_t gid)
{
	struct file *f = fd_get(fd);
	int err;

	if (!f)
		return -EBADF;
	err = f->path.mnt ? do_chown(&f->path, uid, gid) : -EPERM;
	file_put(f);
	return err;
}
SYSCALL_REGISTER(fchown, sys_fchown);

static int do_truncate(struct path *p, int64_t len)
{
	struct inode *i = p->dentry->inode;
	struct iattr a = { .valid = ATTR_SIZE, .size = (uint64_t)len };

	if (len < 0)
		return -EINVAL;
	if (S_ISDIR(i->mode))
		return -EISDIR;
	if (!S_ISREG(i->mode))
		return -EINVAL;
	return setattr(p, &a);
}

static long sys_truncate(uaddr_t path, int64_t len)
{
	struct path p;
	int err = path_at(AT_FDCWD, path, 0, &p);

	if (err)
		return err;
	err = inode_permission(p.dentry->inode, MAY_WRITE);
	if (!err)
		err = do_truncate(&p, len);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(truncate, sys_truncate);

static long sys_ftruncate(int fd, int64_t len)
{
	struct file *f = fd_get(fd);
	int err;

	if (!f)
		return -EBADF;
	if ((f->flags & O_ACCMODE) == O_RDONLY || !f->path.mnt)
		err = -EINVAL; /* not open for writing (ftruncate(2)) */
	else
		err = do_truncate(&f->path, len);
	file_put(f);
	return err;
}
SYSCALL_REGISTER(ftruncate, sys_ftruncate);

/* utimensat(2): explicit times need ownership; "now" for both needs
 * only write permission. */
static int set_times(struct path *p, const struct linux_timespec *ts)
{
	struct inode *i = p->dentry->inode;
	struct linux_timespec now = current_time();
	struct iattr a = { .valid = 0 };
	bool explicit = false;

	for (int k = 0; k < 2; k++) {
		struct linux_timespec t =
			ts ? ts[k] : (struct linux_timespec){ 0, UTIME_NOW };
		if (t.tv_nsec == UTIME_OMIT)
			continue;
		if (t.tv_nsec == UTIME_NOW)
			t = now;
		else if (t.tv_nsec < 0 || t.tv_nsec >= 1000000000)
			return -EINVAL;
		else
			explicit = true;
		if (k == 0) {
			a.valid |= ATTR_ATIME;
			a.atime = t;
		} else {
			a.valid |= ATTR_MTIME;
			a.mtime = t;
		}
	}
	if (explicit && !owner_or_root(i))
		return -EPERM;
	if (!explicit && !owner_or_root(i) && inode_permission(i, MAY_WRITE))
		return -EACCES;
	return a.valid ? setattr(p, &a) : 0;
}

static long sys_utimensat(int dirfd, uaddr_t upath, uaddr_t utimes, int flags)
{
	struct linux_timespec ts[2];
	struct path p;
	int err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (utimes && copy_from_user(ts, utimes, sizeof(ts)))
		return -EFAULT;
	if (!upath) { /* futimens(): the file dirfd itself */
		struct file *f = fd_get(dirfd);
		if (!f)
			return -EBADF;
		p = f->path;
		path_get(&p);
		file_put(f);
		if (!p.mnt) {
			path_put(&p);
			return -EPERM;
		}
	} else if ((err = path_at(dirfd, upath, flags, &p))) {
		return err;
	}
	err = set_times(&p, utimes ? ts : NULL);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(utimensat, sys_utimensat);

static long utimes_tv(int dirfd, uaddr_t path, uaddr_t utv)
{
	struct linux_timeval tv[2];
	struct linux_timespec ts[2];
	struct path p;
	int err;

	if (utv) {
		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		for (int k = 0; k < 2; k++) {
			if (tv[k].tv_usec < 0 || tv[k].tv_usec >= 1000000)
				return -EINVAL;
			ts[k].tv_sec = tv[k].tv_sec;
			ts[k].tv_nsec = tv[k].tv_usec * 1000;
		}
	}
	err = path_at(dirfd, path, 0, &p);
	if (err)
		return err;
	err = set_times(&p, utv ? ts : NULL);
	path_put(&p);
	return err;
}

static long sys_utimes(uaddr_t path, uaddr_t tv)
{
	return utimes_tv(AT_FDCWD, path, tv);
}
SYSCALL_REGISTER(utimes, sys_utimes);

static long sys_futimesat(int dirfd, uaddr_t path, uaddr_t tv)
{
	return utimes_tv(dirfd, path, tv);
}
SYSCALL_REGISTER(futimesat, sys_futimesat);

static long sys_utime(uaddr_t path, uaddr_t ubuf)
{
	struct {
		int64_t actime, modtime;
	} b;
	struct linux_timespec ts[2];
	struct path p;
	int err;

	if (ubuf) {
		if (copy_from_user(&b, ubuf, sizeof(b)))
			return -EFAULT;
		ts[0] = (struct linux_timespec){ b.actime, 0 };
		ts[1] = (struct linux_timespec){ b.modtime, 0 };
	}
	err = path_at(AT_FDCWD, path, 0, &p);
	if (err)
		return err;
	err = set_times(&p, ubuf ? ts : NULL);
	path_put(&p);
	return err;
}
SYSCALL_REGISTER(utime, sys_utime);
