/* SPDX-License-Identifier: MIT */
/* Descriptor operations: dup, dup2, dup3, fcntl, ioctl, fsync, sync. */
#include "dev/blk.h"
#include "kernel/uapi/termios.h"
#include "vfs/locks.h"
#include "vfs/vfs.h"

static long sys_dup(int fd)
{
	struct file *f = fd_get(fd);
	int r;

	if (!f)
		return -EBADF;
	r = fd_install(f, 0);
	if (r < 0)
		file_put(f);
	return r;
}
SYSCALL_REGISTER(dup, sys_dup);

static long do_dup3(int oldfd, int newfd, int flags)
{
	struct file *f;

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < 0) {
		file_put(f);
		return -EBADF;
	}
	return fd_replace(newfd, f, flags);
}

static long sys_dup2(int oldfd, int newfd)
{
	/* dup2 to itself only checks oldfd (dup2(2)). */
	if (oldfd == newfd) {
		struct file *f = fd_get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}
SYSCALL_REGISTER(dup2, sys_dup2);

static long sys_dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}
SYSCALL_REGISTER(dup3, sys_dup3);

/* F_SETFL may change only these (fcntl(2)). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long pipe_fcntl(struct file *f, int cmd, unsigned long arg);

static long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= INT32_MAX) {
			r = -EINVAL;
			break;
		}
		r = fd_install_from(file_get(f),
				    cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0,
				    (int)arg);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd);
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = f->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
		break;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = fcntl_lock(f, cmd, (uaddr_t)arg);
		break;
	case F_GETOWN:
	case F_SETOWN:
	case F_GETSIG:
	case F_SETSIG:
		r = 0; /* no SIGIO delivery yet: nobody owns the file */
		break;
	case F_GETPIPE_SZ:
	case F_SETPIPE_SZ:
		r = pipe_fcntl(f, cmd, arg);
		break;
	case F_GETLEASE:
		r = F_UNLCK;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}
SYSCALL_REGISTER(fcntl, sys_fcntl);

static long sys_ioctl(int fd, unsigned cmd, uaddr_t arg)
{
	struct file *f = fd_get(fd);
	long r = -ENOTTY;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(fd, cmd == FIOCLEX);
		break;
	case FIONBIO: {
		int on;
		if (get_user(on, arg)) {
			r = -EFAULT;
			break;
		}
		f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
		r = 0;
		break;
	}
	case FIOASYNC:
		r = 0;
		break;
	default:
		if (f->ops && f->ops->ioctl)
			r = f->ops->ioctl(f, cmd, arg);
		else if (cmd == FIONREAD && S_ISREG(f->inode->mode)) {
			int left = (int)MIN(f->inode->size -
						    MIN(f->pos, f->inode->size),
					    (uint64_t)INT32_MAX);
			r = put_user(left, arg) ? -EFAULT : 0;
		}
	}
	file_put(f);
	return r;
}
SYSCALL_REGISTER(ioctl, sys_ioctl);

static long sys_fsync(int fd)
{
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	r = f->ops && f->ops->fsync ? f->ops->fsync(f) :
	    (S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode)) ? 0 :
								   -EINVAL;
	file_put(f);
	return r;
}
SYSCALL_REGISTER(fsync, sys_fsync);
SYSCALL_REGISTER(fdatasync, sys_fsync);

/* sync(2): the file systems' own state into the buffer cache, then the
 * cache to the disks and the disks' caches to the media. Always 0. */
static long sys_sync(void)
{
	vfs_sync_supers();
	blk_sync(NULL);
	return 0;
}
SYSCALL_REGISTER(sync, sys_sync);

static long sys_syncfs(int fd)
{
	struct file *f = fd_get(fd);

	struct super_block *sb;
	struct blkdev *d;
	long r = 0;

	if (!f)
		return -EBADF;
	sb = f->inode->sb;
	if (sb && sb->ops && sb->ops->sync_fs)
		r = sb->ops->sync_fs(sb);
	/* A file system on a disk has the device's number as st_dev. */
	d = sb ? blk_get(sb->dev) : NULL;
	if (d) {
		long e = blk_sync(d);
		r = r ? r : e;
	}
	file_put(f);
	return r;
}
SYSCALL_REGISTER(syncfs, sys_syncfs);
