/* SPDX-License-Identifier: MIT */
/* read, write and their vector and positional forms, lseek, sendfile. */
#include "vfs/socket.h"
#include "vfs/vfs.h"

/* Linux caps one transfer at INT_MAX rounded to pages (MAX_RW_COUNT). */
#define MAX_RW_COUNT 0x7ffff000UL

static bool seekable(struct file *f)
{
	return f->ops && f->ops->llseek;
}

/* Regular files and directories keep their position under a lock, so
 * threads sharing the file do not lose updates (Linux's f_pos_lock). */
static bool atomic_pos(struct file *f)
{
	return S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode);
}

ssize_t vfs_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_WRONLY || (f->flags & O_PATH))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (!b->kbuf && !user_range_ok(b->ubuf, b->len))
		return -EFAULT;
	return f->ops->read(f, b, pos);
}

ssize_t vfs_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (!b->kbuf && !user_range_ok(b->ubuf, b->len))
		return -EFAULT;
	return f->ops->write(f, b, pos);
}

/* read or write at the file position. */
static ssize_t rw_at_pos(int fd, uaddr_t buf, size_t n, bool write)
{
	struct iobuf b = { .ubuf = buf, .len = MIN(n, MAX_RW_COUNT) };
	struct file *f = fd_get(fd);
	uint64_t pos;
	ssize_t r;

	if (!f)
		return -EBADF;
	if (atomic_pos(f))
		mutex_lock(&f->pos_lock);
	pos = f->pos;
	r = write ? vfs_write(f, &b, &pos) : vfs_read(f, &b, &pos);
	if (r >= 0)
		f->pos = pos;
	if (atomic_pos(f))
		mutex_unlock(&f->pos_lock);
	file_put(f);
	return r;
}

static long sys_read(int fd, uaddr_t buf, size_t n)
{
	return rw_at_pos(fd, buf, n, false);
}
SYSCALL_REGISTER(read, sys_read);

static long sys_write(int fd, uaddr_t buf, size_t n)
{
	return rw_at_pos(fd, buf, n, true);
}
SYSCALL_REGISTER(write, sys_write);

static ssize_t rw_positional(int fd, uaddr_t buf, size_t n, int64_t off,
			     bool write)
{
	struct iobuf b = { .ubuf = buf, .len = MIN(n, MAX_RW_COUNT) };
	struct file *f = fd_get(fd);
	uint64_t pos = (uint64_t)off;
	ssize_t r;

	if (!f)
		return -EBADF;
	if (off < 0)
		r = -EINVAL;
	else if (!seekable(f))
		r = -ESPIPE;
	else
		r = write ? vfs_write(f, &b, &pos) : vfs_read(f, &b, &pos);
	file_put(f);
	return r;
}

static long sys_pread64(int fd, uaddr_t buf, size_t n, int64_t off)
{
	return rw_positional(fd, buf, n, off, false);
}
SYSCALL_REGISTER(pread64, sys_pread64);

static long sys_pwrite64(int fd, uaddr_t buf, size_t n, int64_t off)
{
	return rw_positional(fd, buf, n, off, true);
}
SYSCALL_REGISTER(pwrite64, sys_pwrite64);

/* The vector calls transfer iovec by iovec and stop at a short one. */
static ssize_t rw_vector(int fd, uaddr_t uiov, int cnt, int64_t off,
			 bool positional, bool write)
{
	struct linux_iovec *iov;
	struct file *f;
	uint64_t total = 0, pos;
	ssize_t done = 0;

	if (cnt < 0 || cnt > UIO_MAXIOV)
		return -EINVAL;
	if (cnt == 0)
		return 0;
	iov = kmalloc(cnt * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uiov, cnt * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (int i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (uint64_t)INT64_MAX - total) {
			kfree(iov);
			return -EINVAL;
		}
		total += iov[i].iov_len;
	}
	f = fd_get(fd);
	if (!f) {
		kfree(iov);
		return -EBADF;
	}
	if (positional && (off < 0 || !seekable(f))) {
		done = off < 0 ? -EINVAL : -ESPIPE;
		goto out;
	}
	if (sock_from_file(f)) {
		/* One message for all the vectors (datagram boundaries). */
		struct msg_iter it;

		done = sock_iter_init(&it, iov, cnt);
		if (!done)
			done = sock_rw_iter(f, &it, write);
		goto out;
	}
	if (!positional && atomic_pos(f))
		mutex_lock(&f->pos_lock);
	pos = positional ? (uint64_t)off : f->pos;
	for (int i = 0; i < cnt; i++) {
		struct iobuf b = { .ubuf = iov[i].iov_base,
				   .len = MIN(iov[i].iov_len,
					      MAX_RW_COUNT - (uint64_t)done) };
		ssize_t r;

		if (!b.len)
			continue;
		r = write ? vfs_write(f, &b, &pos) : vfs_read(f, &b, &pos);
		if (r < 0) {
			if (!done)
				done = r;
			break;
		}
		done += r;
		if ((size_t)r < b.len)
			break;
	}
	if (!positional && done >= 0)
		f->pos = pos;
	if (!positional && atomic_pos(f))
		mutex_unlock(&f->pos_lock);
out:
	file_put(f);
	kfree(iov);
	return done;
}

static long sys_readv(int fd, uaddr_t iov, int cnt)
{
	return rw_vector(fd, iov, cnt, 0, false, false);
}
SYSCALL_REGISTER(readv, sys_readv);

static long sys_writev(int fd, uaddr_t iov, int cnt)
{
	return rw_vector(fd, iov, cnt, 0, false, true);
}
SYSCALL_REGISTER(writev, sys_writev);

static long sys_preadv(int fd, uaddr_t iov, int cnt, int64_t off)
{
	return rw_vector(fd, iov, cnt, off, true, false);
}
SYSCALL_REGISTER(preadv, sys_preadv);

static long sys_pwritev(int fd, uaddr_t iov, int cnt, int64_t off)
{
	return rw_vector(fd, iov, cnt, off, true, true);
}
SYSCALL_REGISTER(pwritev, sys_pwritev);

static long sys_lseek(int fd, int64_t off, int whence)
{
	struct file *f = fd_get(fd);
	int64_t r;

	if (!f)
		return -EBADF;
	if (!seekable(f)) {
		file_put(f);
		return -ESPIPE;
	}
	mutex_lock(&f->pos_lock);
	r = f->ops->llseek(f, off, whence);
	if (r >= 0)
		f->pos = (uint64_t)r;
	mutex_unlock(&f->pos_lock);
	file_put(f);
	return r;
}
SYSCALL_REGISTER(lseek, sys_lseek);

/* sendfile(2): copies through a kernel buffer. */
static long sys_sendfile(int out_fd, int in_fd, uaddr_t uoff, size_t count)
{
	struct file *in = fd_get(in_fd), *out = fd_get(out_fd);
	char *buf = kmalloc(4096);
	uint64_t pos, opos;
	ssize_t done = 0, err = 0;

	if (!in || !out || !buf) {
		err = !buf ? -ENOMEM : -EBADF;
		goto out;
	}
	if (uoff) {
		int64_t o;
		if (get_user(o, uoff)) {
			err = -EFAULT;
			goto out;
		}
		if (o < 0) {
			err = -EINVAL;
			goto out;
		}
		pos = (uint64_t)o;
	} else {
		pos = in->pos;
	}
	opos = out->pos;
	count = MIN(count, MAX_RW_COUNT);
	while ((size_t)done < count) {
		struct iobuf kb = { .kbuf = buf,
				    .len = MIN(count - done, 4096) };
		ssize_t r = vfs_read(in, &kb, &pos), w;

		if (r <= 0) {
			err = r;
			break;
		}
		kb.len = r;
		w = vfs_write(out, &kb, &opos);
		if (w < 0) {
			err = w;
			break;
		}
		done += w;
		if (w < r)
			break;
	}
	out->pos = opos;
	if (uoff)
		put_user((int64_t)pos, uoff);
	else
		in->pos = pos;
out:
	kfree(buf);
	file_put(in);
	file_put(out);
	return done ? done : err;
}
SYSCALL_REGISTER(sendfile, sys_sendfile);
