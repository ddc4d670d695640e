/* SPDX-License-Identifier: MIT */
/* eventfd(2): a 64-bit counter as a file, for wake-ups between threads,
 * processes and event loops. */
#include "kernel/uapi/fcntl.h"
#include "vfs/vfs.h"

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd {
	struct spinlock lock;
	uint64_t count;
	bool semaphore;
	struct wait_queue wait; /* readers, writers and pollers */
};

static ssize_t eventfd_read(struct file *f, const struct iobuf *b,
			    uint64_t *pos)
{
	struct eventfd *e = f->private;
	uint64_t v;
	bool irq;
	int err;

	(void)pos;
	if (b->len < 8)
		return -EINVAL;
	for (;;) {
		irq = spin_lock_irqsave(&e->lock);
		if (e->count) {
			v = e->semaphore ? 1 : e->count;
			e->count -= v;
			spin_unlock_irqrestore(&e->lock, irq);
			break;
		}
		spin_unlock_irqrestore(&e->lock, irq);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&e->wait, e->count != 0);
		if (err)
			return err;
	}
	wake_up(&e->wait);
	return iobuf_put(b, 0, &v, 8) ? -EFAULT : 8;
}

static ssize_t eventfd_write(struct file *f, const struct iobuf *b,
			     uint64_t *pos)
{
	struct eventfd *e = f->private;
	uint64_t v;
	bool irq;
	int err;

	(void)pos;
	if (b->len < 8)
		return -EINVAL;
	if (iobuf_get(b, 0, &v, 8))
		return -EFAULT;
	if (v == ~0ULL)
		return -EINVAL;
	for (;;) {
		irq = spin_lock_irqsave(&e->lock);
		if (EVENTFD_MAX - e->count >= v) {
			e->count += v;
			spin_unlock_irqrestore(&e->lock, irq);
			break;
		}
		spin_unlock_irqrestore(&e->lock, irq);
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&e->wait,
					       EVENTFD_MAX - e->count >= v);
		if (err)
			return err;
	}
	if (v)
		wake_up(&e->wait);
	return 8;
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->private;
	uint64_t count = __atomic_load_n(&e->count, __ATOMIC_RELAXED);
	unsigned mask = 0;

	poll_wait(pt, &e->wait);
	if (count)
		mask |= POLLIN | POLLRDNORM;
	if (count < EVENTFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

static void eventfd_release(struct inode *inode, struct file *f)
{
	(void)inode;
	kfree(f->private);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
	.anon_name = "[eventfd]",
};

static long sys_eventfd2(unsigned initval, int flags)
{
	struct eventfd *e;
	int fd;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->lock = (struct spinlock)SPINLOCK_INIT("eventfd");
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	wq_init(&e->wait);
	fd = anon_inode_fd(&eventfd_ops,
			   O_RDWR | (flags & (EFD_CLOEXEC | EFD_NONBLOCK)), e);
	if (fd < 0)
		kfree(e);
	return fd;
}
SYSCALL_REGISTER(eventfd2, sys_eventfd2);

static long sys_eventfd(unsigned initval)
{
	return sys_eventfd2(initval, 0);
}
SYSCALL_REGISTER(eventfd, sys_eventfd);
