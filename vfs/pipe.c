/* SPDX-License-Identifier: MIT */
/*
 * Pipes and FIFOs (pipe(7)): a 64 KiB ring, writes of up to PIPE_BUF
 * bytes are atomic, EOF when the last writer closes, EPIPE and SIGPIPE
 * when the last reader has, O_NONBLOCK, and FIFO open rules.
 */
#include "mm/mm.h"
#include "vfs/vfs.h"

#define PIPE_BUF 4096
#define PIPE_DEF_SIZE (64 * 1024)
#define PIPE_MAX_SIZE (1024 * 1024) /* /proc/sys/fs/pipe-max-size */
#define PIPEFS_MAGIC 0x50495045

struct pipe {
	struct mutex lock;
	struct wait_queue rd_wait, wr_wait;
	char *buf;
	size_t size;	     /* a power of two */
	uint64_t head, tail; /* bytes written and read, ever */
	int readers, writers;
	unsigned r_counter, w_counter; /* opens so far, for FIFOs */
};

static struct super_block *pipefs;
static struct mutex fifo_mutex = MUTEX_INIT(fifo_mutex);

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_DEF_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	p->size = PIPE_DEF_SIZE;
	mutex_init(&p->lock);
	wq_init(&p->rd_wait);
	wq_init(&p->wr_wait);
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

static size_t used(const struct pipe *p)
{
	return (size_t)(p->head - p->tail);
}

static struct pipe *pipe_of(struct file *f)
{
	return f->private ? f->private : f->inode->pipe;
}

/* Copies between the ring and b: the caller holds p->lock. */
static int ring_copy(struct pipe *p, const struct iobuf *b, size_t off,
		     size_t n, bool to_ring)
{
	uint64_t pos = to_ring ? p->head : p->tail;

	while (n > 0) {
		size_t at = pos & (p->size - 1);
		size_t k = MIN(n, p->size - at);
		int err = to_ring ? iobuf_get(b, off, p->buf + at, k) :
				    iobuf_put(b, off, p->buf + at, k);
		if (err)
			return err;
		pos += k;
		off += k;
		n -= k;
	}
	return 0;
}

static ssize_t pipe_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct pipe *p = pipe_of(f);
	size_t n;
	int err;

	(void)pos;
	if (!b->len)
		return 0;
	mutex_lock(&p->lock);
	while (!used(p)) {
		if (!p->writers) {
			mutex_unlock(&p->lock);
			return 0;
		}
		mutex_unlock(&p->lock);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&p->rd_wait,
					       used(p) || !p->writers);
		if (err)
			return err;
		mutex_lock(&p->lock);
	}
	n = MIN(b->len, used(p));
	err = ring_copy(p, b, 0, n, false);
	if (!err)
		p->tail += n;
	mutex_unlock(&p->lock);
	wake_up(&p->wr_wait);
	return err ? err : (ssize_t)n;
}

static ssize_t pipe_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct pipe *p = pipe_of(f);
	bool atomic = b->len <= PIPE_BUF;
	size_t done = 0;
	int err = 0;

	(void)pos;
	mutex_lock(&p->lock);
	while (done < b->len) {
		size_t room = p->size - used(p), k;

		if (!p->readers) {
			signal_send_task(current, SIGPIPE, NULL);
			err = -EPIPE;
			break;
		}
		/* Up to PIPE_BUF bytes go in one piece or not at all. */
		if (room == 0 || (atomic && room < b->len)) {
			mutex_unlock(&p->lock);
			if (done)
				wake_up(&p->rd_wait);
			if (f->flags & O_NONBLOCK) {
				err = -EAGAIN;
				goto out;
			}
			err = wait_event_interruptible(
				&p->wr_wait,
				!p->readers || p->size - used(p) >=
						       (atomic ? b->len : 1));
			if (err)
				goto out;
			mutex_lock(&p->lock);
			continue;
		}
		k = MIN(room, b->len - done);
		err = ring_copy(p, b, done, k, true);
		if (err)
			break;
		p->head += k;
		done += k;
	}
	mutex_unlock(&p->lock);
out:
	if (done) {
		wake_up(&p->rd_wait);
		inode_touch(f->inode, false, true, true);
	}
	return done ? (ssize_t)done : err;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = pipe_of(f);
	unsigned mask = 0, acc = f->flags & O_ACCMODE;

	poll_wait(pt, &p->rd_wait);
	poll_wait(pt, &p->wr_wait);
	if (acc != O_WRONLY) {
		if (used(p))
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers && p->w_counter)
			mask |= POLLHUP;
	}
	if (acc != O_RDONLY) {
		if (p->size - used(p) >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct pipe *p = pipe_of(f);

	if (cmd != 0x541B) /* FIONREAD */
		return -ENOTTY;
	return put_user((int)used(p), arg) ? -EFAULT : 0;
}

/* Drops one end; the last one frees the pipe. */
static void pipe_release_end(struct pipe *p, unsigned acc, bool fifo,
			     struct inode *inode)
{
	bool gone;

	mutex_lock(&p->lock);
	if (acc != O_WRONLY)
		p->readers--;
	if (acc != O_RDONLY)
		p->writers--;
	gone = !p->readers && !p->writers;
	mutex_unlock(&p->lock);
	wake_up(&p->rd_wait);
	wake_up(&p->wr_wait);
	if (gone) {
		if (fifo)
			inode->pipe = NULL;
		pipe_free(p);
	}
}

static void pipe_release(struct inode *inode, struct file *f)
{
	pipe_release_end(f->private, f->flags & O_ACCMODE, false, inode);
}

static const struct file_ops pipe_file_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

long pipe_fcntl(struct file *f, int cmd, unsigned long arg)
{
	struct pipe *p;
	size_t size = PAGE_SIZE;
	char *buf;

	if (f->ops != &pipe_file_ops && !S_ISFIFO(f->inode->mode))
		return -EBADF;
	p = pipe_of(f);
	if (!p)
		return -EBADF;
	if (cmd == F_GETPIPE_SZ)
		return (long)p->size;
	while (size < arg)
		size *= 2;
	if (size > PIPE_MAX_SIZE && !capable())
		return -EPERM;
	mutex_lock(&p->lock);
	if (used(p) > size) {
		mutex_unlock(&p->lock);
		return -EBUSY;
	}
	buf = kmalloc(size);
	if (!buf) {
		mutex_unlock(&p->lock);
		return -ENOMEM;
	}
	for (uint64_t k = 0; k < used(p); k++)
		buf[k] = p->buf[(p->tail + k) & (p->size - 1)];
	p->head = used(p);
	p->tail = 0;
	kfree(p->buf);
	p->buf = buf;
	p->size = size;
	mutex_unlock(&p->lock);
	wake_up(&p->wr_wait);
	return (long)size;
}

static long sys_pipe2(uaddr_t ufds, int flags)
{
	struct inode *inode;
	struct pipe *p;
	struct file *r, *w;
	int fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	p = pipe_alloc();
	inode = p ? inode_alloc(pipefs, S_IFIFO | 0600) : NULL;
	if (!inode) {
		if (p)
			pipe_free(p);
		return -ENFILE;
	}
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	r = file_alloc_anon(inode, &pipe_file_ops,
			    O_RDONLY | (flags & O_NONBLOCK), p);
	w = file_alloc_anon(inode, &pipe_file_ops,
			    O_WRONLY | (flags & O_NONBLOCK), p);
	inode_put(inode);
	if (!r || !w) {
		if (r)
			file_put(r);
		else
			pipe_release_end(p, O_RDONLY, false, NULL);
		if (w)
			file_put(w);
		else
			pipe_release_end(p, O_WRONLY, false, NULL);
		return -ENFILE;
	}
	fds[0] = fd_install(r, flags);
	if (fds[0] < 0) {
		file_put(r);
		file_put(w);
		return fds[0];
	}
	fds[1] = fd_install(w, flags);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(w);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}
SYSCALL_REGISTER(pipe2, sys_pipe2);

static long sys_pipe(uaddr_t ufds)
{
	return sys_pipe2(ufds, 0);
}
SYSCALL_REGISTER(pipe, sys_pipe);

/* ---- FIFOs (fifo(7)) ---- */

int fifo_open(struct inode *inode, struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	struct pipe *p;
	unsigned seen;
	int err = 0;

	mutex_lock(&fifo_mutex);
	p = inode->pipe;
	if (!p && !(p = inode->pipe = pipe_alloc())) {
		mutex_unlock(&fifo_mutex);
		return -ENOMEM;
	}
	mutex_lock(&p->lock);
	if (acc == O_WRONLY && !p->readers && (f->flags & O_NONBLOCK)) {
		mutex_unlock(&p->lock);
		if (!p->writers && !p->readers) {
			inode->pipe = NULL;
			pipe_free(p);
		}
		mutex_unlock(&fifo_mutex);
		return -ENXIO;
	}
	if (acc != O_WRONLY) {
		p->readers++;
		p->r_counter++;
	}
	if (acc != O_RDONLY) {
		p->writers++;
		p->w_counter++;
	}
	mutex_unlock(&p->lock);
	mutex_unlock(&fifo_mutex);
	wake_up(&p->rd_wait);
	wake_up(&p->wr_wait);
	/* A reader waits for a writer and a writer for a reader, unless
	 * O_NONBLOCK or O_RDWR (fifo(7)). */
	if (acc == O_RDONLY && !(f->flags & O_NONBLOCK) && !p->writers) {
		seen = p->w_counter;
		err = wait_event_interruptible(&p->rd_wait,
					       p->w_counter != seen);
	} else if (acc == O_WRONLY && !p->readers) {
		seen = p->r_counter;
		err = wait_event_interruptible(&p->wr_wait,
					       p->r_counter != seen);
	}
	if (err) {
		mutex_lock(&fifo_mutex);
		pipe_release_end(p, acc, true, inode);
		mutex_unlock(&fifo_mutex);
	}
	return err;
}

static void fifo_release(struct inode *inode, struct file *f)
{
	mutex_lock(&fifo_mutex);
	pipe_release_end(inode->pipe, f->flags & O_ACCMODE, true, inode);
	mutex_unlock(&fifo_mutex);
}

static int fifo_open_op(struct inode *inode, struct file *f)
{
	return fifo_open(inode, f);
}

const struct file_ops fifo_file_ops = {
	.open = fifo_open_op,
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.release = fifo_release,
};

static struct fs_type pipefs_type = { .name = "pipefs", .nodev = true };

void pipe_init(void)
{
	pipefs = super_alloc(&pipefs_type, NULL, PIPEFS_MAGIC);
	if (!pipefs)
		panic("pipe_init: no memory");
}
