/* SPDX-License-Identifier: MIT */
/*
 * Pseudo-terminals (pty(7)): opening /dev/ptmx (5,2) makes a pair; the
 * master is that file, the slave is a tty, /dev/pts/N (136,N), with the
 * usual line discipline. Bytes written to the master are the slave's
 * input; the slave's processed output waits in a buffer for master reads.
 */
#include "dev/dev.h"
#include "dev/tty.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/termios.h"
#include "vfs/vfs.h"

#define PTY_MAX 256   /* minors of major 136 */
#define PTY_BUF 16384 /* slave output not yet read by the master */
#define PTS_MAJOR 136

struct pty {
	struct tty slave;
	int index;
	/* Slave output, guarded by slave.lock (the tty core calls the
	 * driver's write with it held). Positions count up forever. */
	char *out;
	size_t out_head, out_tail;
	struct wait_queue master_wait; /* master readers and writers */
	bool locked;		       /* TIOCSPTLCK: slave opens fail */
	bool master_open;
	bool slave_opened; /* once; then "no slave" is EIO */
	int slave_files;   /* open files on the slave */
	uint32_t uid, gid; /* the slave node's owner */
};

/* ptys[] and every pty's master_open / slave_files. */
static struct spinlock pty_lock = SPINLOCK_INIT("pty");
static struct pty *ptys[PTY_MAX];
static struct file_ops pts_fops;

static struct pty *pty_of_tty(struct tty *tty)
{
	return container_of(tty, struct pty, slave);
}

static size_t out_used(const struct pty *p)
{
	return p->out_head - p->out_tail;
}

/* ---- the slave's driver ---- */

/* Called with slave.lock held and interrupts off. The tty core asks
 * write_room() first, so only echo can overflow; that is dropped. */
static void pts_write(struct tty *tty, const char *s, size_t n)
{
	struct pty *p = pty_of_tty(tty);

	for (size_t i = 0; i < n && out_used(p) < PTY_BUF; i++)
		p->out[p->out_head++ % PTY_BUF] = s[i];
	wake_up(&p->master_wait);
}

static size_t pts_write_room(struct tty *tty)
{
	struct pty *p = pty_of_tty(tty);

	return PTY_BUF - out_used(p);
}

static void pts_unthrottle(struct tty *tty)
{
	wake_up(&pty_of_tty(tty)->master_wait);
}

static const struct tty_driver pts_driver = {
	.write = pts_write,
	.write_room = pts_write_room,
	.unthrottle = pts_unthrottle,
};

static void pty_free(struct pty *p)
{
	kfree(p->out);
	kfree(p);
}

/* ---- the slave's files, /dev/pts/N ---- */

static int pts_open(struct inode *inode, struct file *f)
{
	unsigned minor = MINOR(inode->rdev);
	struct pty *p = NULL;
	bool irq = spin_lock_irqsave(&pty_lock);
	int err = 0;

	if (minor < PTY_MAX)
		p = ptys[minor];
	if (!p || !p->master_open)
		err = -EIO;
	else if (p->locked)
		err = -EIO;
	else {
		p->slave_files++;
		p->slave_opened = true;
	}
	spin_unlock_irqrestore(&pty_lock, irq);
	if (err)
		return err;
	f->private = &p->slave;
	return tty_open(&p->slave, f->flags & O_NOCTTY);
}

static void pts_release(struct inode *inode, struct file *f)
{
	struct pty *p = pty_of_tty(f->private);
	bool irq, gone;

	(void)inode;
	tty_release(&p->slave);
	irq = spin_lock_irqsave(&pty_lock);
	gone = --p->slave_files == 0 && !p->master_open &&
	       READ_ONCE(p->slave.open_count) == 0;
	spin_unlock_irqrestore(&pty_lock, irq);
	if (gone)
		pty_free(p);
	else
		wake_up(&p->master_wait); /* the master sees the hang-up */
}

/* ---- the master, /dev/ptmx ---- */

static bool slave_gone(const struct pty *p)
{
	return p->slave_opened && p->slave_files == 0;
}

static int ptmx_open(struct inode *inode, struct file *f)
{
	struct pty *p = kzalloc(sizeof(*p));
	char name[16];
	bool irq;
	int index = -1;

	(void)inode;
	if (!p)
		return -ENOMEM;
	p->out = kmalloc(PTY_BUF);
	if (!p->out) {
		kfree(p);
		return -ENOMEM;
	}
	irq = spin_lock_irqsave(&pty_lock);
	for (int i = 0; i < PTY_MAX && index < 0; i++)
		if (!ptys[i])
			index = i;
	if (index >= 0)
		ptys[index] = p;
	spin_unlock_irqrestore(&pty_lock, irq);
	if (index < 0) {
		pty_free(p);
		return -ENOSPC;
	}
	p->index = index;
	ksnprintf(name, sizeof(name), "pts/%d", index);
	tty_init(&p->slave, name, MKDEV(PTS_MAJOR, index), &pts_driver, p);
	wq_init(&p->master_wait);
	/* Linux locks a new pair until unlockpt(); the node belongs to the
	 * opener (devpts(5), with gid=5,mode=620 as Debian mounts it). */
	p->locked = true;
	p->uid = current->proc->cred.fsuid;
	p->gid = 5;
	p->master_open = true;
	f->private = p;
	return 0;
}

static void ptmx_release(struct inode *inode, struct file *f)
{
	struct pty *p = f->private;
	bool irq, gone;

	(void)inode;
	tty_hangup(&p->slave);
	irq = spin_lock_irqsave(&pty_lock);
	p->master_open = false;
	ptys[p->index] = NULL;
	/* A file opened through /dev/tty counts in open_count but not in
	 * slave_files: while one is open the pair is kept (and, if that
	 * file is the last, leaked rather than freed under it). */
	gone = p->slave_files == 0 && READ_ONCE(p->slave.open_count) == 0;
	spin_unlock_irqrestore(&pty_lock, irq);
	if (gone)
		pty_free(p);
}

static ssize_t ptmx_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct pty *p = f->private;
	char chunk[512];
	size_t k = 0;
	bool irq;
	int err;

	(void)pos;
	if (b->kbuf)
		return -EINVAL;
	for (;;) {
		irq = spin_lock_irqsave(&p->slave.lock);
		k = MIN(MIN(b->len, sizeof(chunk)), out_used(p));
		for (size_t i = 0; i < k; i++)
			chunk[i] = p->out[p->out_tail++ % PTY_BUF];
		spin_unlock_irqrestore(&p->slave.lock, irq);
		if (k || !b->len)
			break;
		/* Linux: once the last slave file closed, EIO. */
		if (slave_gone(p))
			return -EIO;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(&p->master_wait,
					       out_used(p) || slave_gone(p));
		if (err)
			return err;
	}
	wake_up(&p->slave.write_wait);
	return copy_to_user(b->ubuf, chunk, k) ? -EFAULT : (ssize_t)k;
}

/* Room in the slave's input buffer. */
static size_t input_room(struct pty *p)
{
	const struct n_tty *n = &p->slave.ldisc;
	size_t used = n->head - n->tail;

	return used >= N_TTY_BUF - 1 ? 0 : N_TTY_BUF - 1 - used;
}

static ssize_t ptmx_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct pty *p = f->private;
	char chunk[256];
	size_t done = 0;
	int err = 0;

	(void)pos;
	if (b->kbuf)
		return -EINVAL;
	while (done < b->len) {
		size_t k = MIN(b->len - done, sizeof(chunk));

		if (!input_room(p)) {
			if (f->flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			err = wait_event_interruptible(&p->master_wait,
						       input_room(p) > 0);
			if (err)
				break;
		}
		k = MIN(k, input_room(p));
		if (copy_from_user(chunk, b->ubuf + done, k)) {
			err = -EFAULT;
			break;
		}
		tty_receive(&p->slave, chunk, k);
		done += k;
	}
	return done ? (ssize_t)done : err;
}

static long ptmx_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct pty *p = f->private;
	int v;

	switch (cmd) {
	case TIOCGPTN:
		v = p->index;
		return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TIOCSPTLCK:
		if (copy_from_user(&v, arg, sizeof(v)))
			return -EFAULT;
		p->locked = v != 0;
		return 0;
	case TIOCGPTLCK:
		v = p->locked;
		return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
	case FIONREAD:
		v = (int)out_used(p);
		return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TIOCGWINSZ:
	case TIOCSWINSZ:
	case TIOCGPGRP:
	case TCFLSH:
		/* The pair shares one termios and window size: the slave's. */
		return tty_ioctl(&p->slave, cmd, arg);
	}
	return -ENOTTY;
}

static unsigned ptmx_poll(struct file *f, struct poll_table *pt)
{
	struct pty *p = f->private;
	unsigned mask = 0;

	if (pt)
		poll_wait(pt, &p->master_wait);
	if (out_used(p))
		mask |= POLLIN | POLLRDNORM;
	if (input_room(p))
		mask |= POLLOUT | POLLWRNORM;
	if (slave_gone(p))
		mask |= POLLHUP;
	return mask;
}

static const struct file_ops ptmx_fops = {
	.open = ptmx_open,
	.release = ptmx_release,
	.read = ptmx_read,
	.write = ptmx_write,
	.ioctl = ptmx_ioctl,
	.poll = ptmx_poll,
};

/* ---- what devpts shows ---- */

bool pty_slave_info(unsigned index, uint32_t *uid, uint32_t *gid)
{
	bool irq = spin_lock_irqsave(&pty_lock), ok;

	ok = index < PTY_MAX && ptys[index] && ptys[index]->master_open;
	if (ok) {
		*uid = ptys[index]->uid;
		*gid = ptys[index]->gid;
	}
	spin_unlock_irqrestore(&pty_lock, irq);
	return ok;
}

int pty_next_index(unsigned from)
{
	bool irq = spin_lock_irqsave(&pty_lock);
	int found = -1;

	for (unsigned i = from; i < PTY_MAX && found < 0; i++)
		if (ptys[i] && ptys[i]->master_open)
			found = (int)i;
	spin_unlock_irqrestore(&pty_lock, irq);
	return found;
}

void pty_init(void)
{
	pts_fops = tty_fops;
	pts_fops.open = pts_open;
	pts_fops.release = pts_release;
	chrdev_register(5, 2, 1, "ptmx", &ptmx_fops);
	chrdev_register(PTS_MAJOR, 0, PTY_MAX, "pts", &pts_fops);
	devtmpfs_create("ptmx", S_IFCHR | 0666, MKDEV(5, 2));
	devtmpfs_create("pts", S_IFDIR | 0755, 0);
}
