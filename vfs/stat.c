/* SPDX-License-Identifier: MIT */
/* stat(2) and friends, statx(2), statfs(2), readlink(2). */
#include "vfs/vfs.h"

/*
 * What fstatat and statx look at: the inode (referenced) and, when it has
 * one, its path (referenced, else p->mnt is NULL). AT_EMPTY_PATH with ""
 * is fstat(dirfd), which must work on pipes too: they have no path.
 */
static int stat_at(int dirfd, uaddr_t upath, int flags, struct path *p,
		   struct inode **inode)
{
	char *name;
	int err = 0;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
		      AT_STATX_SYNC_TYPE))
		return -EINVAL;
	name = path_from_user(upath, &err);
	if (!name)
		return err;
	*p = (struct path){ 0 };
	if (!name[0] && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct file *f = fd_get(dirfd);

		kfree(name);
		if (!f)
			return -EBADF;
		*inode = f->inode;
		inode_get(*inode);
		if (f->path.mnt) {
			*p = f->path;
			path_get(p);
		}
		file_put(f);
		return 0;
	}
	err = path_lookup_at(
		dirfd, name,
		((flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
			((flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0),
		p);
	kfree(name);
	if (!err) {
		*inode = p->dentry->inode;
		inode_get(*inode);
	}
	return err;
}

static void stat_done(struct path *p, struct inode *inode)
{
	inode_put(inode);
	if (p->mnt)
		path_put(p);
}

static long copy_stat(struct inode *i, uaddr_t ust)
{
	struct linux_stat st;

	inode_stat(i, &st);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static long do_fstatat(int dirfd, uaddr_t upath, uaddr_t ust, int flags)
{
	struct inode *inode;
	struct path p;
	long err = stat_at(dirfd, upath, flags, &p, &inode);

	if (err)
		return err;
	err = copy_stat(inode, ust);
	stat_done(&p, inode);
	return err;
}

static long sys_stat(uaddr_t path, uaddr_t st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}
SYSCALL_REGISTER(stat, sys_stat);

static long sys_lstat(uaddr_t path, uaddr_t st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
SYSCALL_REGISTER(lstat, sys_lstat);

static long sys_newfstatat(int dirfd, uaddr_t path, uaddr_t st, int flags)
{
	return do_fstatat(dirfd, path, st, flags);
}
SYSCALL_REGISTER(newfstatat, sys_newfstatat);

static long sys_fstat(int fd, uaddr_t ust)
{
	struct file *f = fd_get(fd);
	long err;

	if (!f)
		return -EBADF;
	err = copy_stat(f->inode, ust);
	file_put(f);
	return err;
}
SYSCALL_REGISTER(fstat, sys_fstat);

static void ts_to_statx(struct statx_timestamp *t, struct linux_timespec ts)
{
	t->tv_sec = ts.tv_sec;
	t->tv_nsec = (uint32_t)ts.tv_nsec;
}

static long sys_statx(int dirfd, uaddr_t upath, int flags, unsigned mask,
		      uaddr_t ubuf)
{
	struct statx sx;
	struct path p;
	struct inode *i;
	long err;

	if (mask & 0x80000000U) /* STATX__RESERVED */
		return -EINVAL;
	err = stat_at(dirfd, upath, flags, &p, &i);
	if (err)
		return err;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS | STATX_MNT_ID;
	sx.stx_blksize = 4096;
	sx.stx_nlink = i->nlink;
	sx.stx_uid = i->uid;
	sx.stx_gid = i->gid;
	sx.stx_mode = (uint16_t)i->mode;
	sx.stx_ino = i->ino;
	sx.stx_size = i->size;
	sx.stx_blocks = i->blocks ? i->blocks : ALIGN_UP(i->size, 512) / 512;
	ts_to_statx(&sx.stx_atime, i->atime);
	ts_to_statx(&sx.stx_ctime, i->ctime);
	ts_to_statx(&sx.stx_mtime, i->mtime);
	sx.stx_rdev_major = MAJOR(i->rdev);
	sx.stx_rdev_minor = MINOR(i->rdev);
	sx.stx_dev_major = MAJOR(i->sb->dev);
	sx.stx_dev_minor = MINOR(i->sb->dev);
	sx.stx_mnt_id = p.mnt ? p.mnt->id : 0;
	stat_done(&p, i);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(statx, sys_statx);

/* struct statfs, x86-64 (asm-generic/statfs.h). */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};

/* statfs f_flags bits: ST_RDONLY 1, ST_NOSUID 2, ST_NODEV 4, ST_NOEXEC 8,
 * ST_RELATIME 4096, and ST_VALID 0x20 says they are set. */
static long fill_statfs(const struct path *p, uaddr_t ubuf)
{
	struct super_block *sb = p->dentry->sb;
	struct statfs_info info = { 0 };
	struct linux_statfs st;
	unsigned mf = p->mnt->flags | (sb->flags & MS_RDONLY);

	if (sb->ops && sb->ops->statfs)
		sb->ops->statfs(sb, &info);
	memset(&st, 0, sizeof(st));
	st.f_type = (int64_t)sb->magic;
	st.f_bsize = st.f_frsize = info.bsize ? (int64_t)info.bsize : 4096;
	st.f_blocks = info.blocks;
	st.f_bfree = info.bfree;
	st.f_bavail = info.bavail;
	st.f_files = info.files;
	st.f_ffree = info.ffree;
	st.f_namelen = info.namelen ? (int64_t)info.namelen : NAME_MAX;
	st.f_fsid[0] = (int32_t)sb->dev;
	st.f_flags = 0x20 | ((mf & MS_RDONLY) ? 1 : 0) |
		     ((mf & MS_NOSUID) ? 2 : 0) | ((mf & MS_NODEV) ? 4 : 0) |
		     ((mf & MS_NOEXEC) ? 8 : 0) |
		     ((mf & MS_RELATIME) ? 4096 : 0);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long sys_statfs(uaddr_t upath, uaddr_t ubuf)
{
	struct inode *inode;
	struct path p;
	long err = stat_at(AT_FDCWD, upath, 0, &p, &inode);

	if (err)
		return err;
	err = fill_statfs(&p, ubuf);
	stat_done(&p, inode);
	return err;
}
SYSCALL_REGISTER(statfs, sys_statfs);

static long sys_fstatfs(int fd, uaddr_t ubuf)
{
	struct file *f = fd_get(fd);
	long err;

	if (!f)
		return -EBADF;
	/* Anonymous files (pipes) have no mount; they report pipefs. */
	if (!f->path.mnt) {
		struct linux_statfs st = { .f_type = 0x50495045,
					   .f_bsize = 4096,
					   .f_namelen = NAME_MAX };
		err = copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
	} else {
		err = fill_statfs(&f->path, ubuf);
	}
	file_put(f);
	return err;
}
SYSCALL_REGISTER(fstatfs, sys_fstatfs);

static long do_readlinkat(int dirfd, uaddr_t upath, uaddr_t ubuf, int size)
{
	struct inode *i;
	struct path p;
	char *buf;
	long n;

	if (size <= 0)
		return -EINVAL;
	/* An empty name means dirfd itself, an O_PATH link (readlinkat(2)). */
	n = stat_at(dirfd, upath,
		    AT_SYMLINK_NOFOLLOW |
			    (dirfd != AT_FDCWD ? AT_EMPTY_PATH : 0),
		    &p, &i);
	if (n)
		return n;
	buf = kmalloc(PATH_MAX);
	if (!buf)
		n = -ENOMEM;
	else if (!p.mnt || !S_ISLNK(i->mode) || !i->iops || !i->iops->readlink)
		n = -EINVAL;
	else
		n = i->iops->readlink(p.dentry, buf,
				      MIN((size_t)size, PATH_MAX));
	if (n > 0 && copy_to_user(ubuf, buf, n))
		n = -EFAULT;
	kfree(buf);
	stat_done(&p, i);
	return n;
}

static long sys_readlink(uaddr_t path, uaddr_t buf, int size)
{
	return do_readlinkat(AT_FDCWD, path, buf, size);
}
SYSCALL_REGISTER(readlink, sys_readlink);

static long sys_readlinkat(int dirfd, uaddr_t path, uaddr_t buf, int size)
{
	return do_readlinkat(dirfd, path, buf, size);
}
SYSCALL_REGISTER(readlinkat, sys_readlinkat);
