/* SPDX-License-Identifier: MIT */
/* Terminals as files: the tty character devices (major 4: tty1..63 and
 * ttyS0..; major 5: /dev/tty and /dev/console), and the console set-up. */
#include "dev/dev.h"
#include "dev/tty.h"
#include "vfs/vfs.h"

#define MAX_TTYS 64

static struct {
	uint64_t dev;
	struct tty *tty;
} ttys[MAX_TTYS];
static unsigned nttys;
/* With no console= on the command line, /dev/console is the serial line
 * and what is written to it is also shown on the foreground virtual
 * console: boot messages from init reach both the screen and serial
 * (Linux shows them on one console; console= keeps that behaviour). */
static bool console_mirrors_vt;

int tty_register(struct tty *tty)
{
	char name[24];

	if (nttys == MAX_TTYS)
		return -ENOSPC;
	ttys[nttys].dev = tty->dev;
	ttys[nttys++].tty = tty;
	ksnprintf(name, sizeof(name), "%s", tty->name);
	return devtmpfs_create(name, S_IFCHR | 0620, tty->dev);
}

static struct tty *tty_by_dev(uint64_t dev)
{
	if (dev == MKDEV(5, 0))
		return tty_current();
	if (dev == MKDEV(4, 0))
		return vt_tty_current();
	if (dev == MKDEV(5, 1))
		return tty_console;
	for (unsigned i = 0; i < nttys; i++)
		if (ttys[i].dev == dev)
			return ttys[i].tty;
	return NULL;
}

static struct tty *tty_of(struct file *f)
{
	return f->private;
}

static int ttyf_open(struct inode *inode, struct file *f)
{
	struct tty *tty = tty_by_dev(inode->rdev);

	if (!tty)
		return inode->rdev == MKDEV(5, 0) ? -ENXIO : -ENODEV;
	f->private = tty;
	/* /dev/tty and /dev/console never make a controlling terminal. */
	return tty_open(tty, (f->flags & O_NOCTTY) ||
				     inode->rdev == MKDEV(5, 0) ||
				     inode->rdev == MKDEV(5, 1));
}

static void ttyf_release(struct inode *inode, struct file *f)
{
	(void)inode;
	tty_release(tty_of(f));
}

static ssize_t ttyf_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	(void)pos;
	if (b->kbuf)
		return -EINVAL;
	return tty_read(tty_of(f), b->ubuf, b->len, (int)f->flags);
}

static ssize_t ttyf_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct tty *vt;

	(void)pos;
	/* The copy on the screen never blocks the console's writer. */
	if (console_mirrors_vt && f->inode->rdev == MKDEV(5, 1) &&
	    (vt = vt_tty_current()) && vt != tty_of(f)) {
		if (b->kbuf)
			tty_write_kernel(vt, b->kbuf, b->len);
		else
			tty_write(vt, b->ubuf, b->len, O_NONBLOCK);
	}
	if (b->kbuf) {
		tty_write_kernel(tty_of(f), b->kbuf, b->len);
		return (ssize_t)b->len;
	}
	return tty_write(tty_of(f), b->ubuf, b->len, (int)f->flags);
}

static long ttyf_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	return tty_ioctl(tty_of(f), cmd, arg);
}

static void poll_add(struct wait_queue *wq, void *ctx)
{
	poll_wait(ctx, wq);
}

static unsigned ttyf_poll(struct file *f, struct poll_table *pt)
{
	return tty_poll(tty_of(f), pt ? poll_add : NULL, pt);
}

const struct file_ops tty_fops = {
	.open = ttyf_open,
	.release = ttyf_release,
	.read = ttyf_read,
	.write = ttyf_write,
	.ioctl = ttyf_ioctl,
	.poll = ttyf_poll,
};

void console_ttys_init(void)
{
	struct tty *serial = serial_tty_init();
	const char *want = cmdline_get("console");

	chrdev_register(4, 0, 256, "tty", &tty_fops);
	chrdev_register(5, 0, 2, "tty", &tty_fops);
	devtmpfs_create("tty", S_IFCHR | 0666, MKDEV(5, 0));
	devtmpfs_create("console", S_IFCHR | 0600, MKDEV(5, 1));
	devtmpfs_create("tty0", S_IFCHR | 0620, MKDEV(4, 0));
	vt_ttys_init();
	if (serial)
		tty_register(serial);
	/* console=NAME picks /dev/console; else the serial line, where a
	 * headless machine and the tests can see it. */
	for (unsigned i = 0; i < nttys; i++)
		if (want && !strcmp(want, ttys[i].tty->name))
			tty_console = ttys[i].tty;
	if (!tty_console && serial) {
		tty_console = serial;
		console_mirrors_vt = !want;
	}
	if (!tty_console && nttys)
		tty_console = ttys[0].tty;
	if (tty_console)
		pr_info("console: /dev/console is %s%s\n", tty_console->name,
			console_mirrors_vt ? ", its output also on the screen" :
					     "");
	else
		pr_warn("console: no terminal for /dev/console\n");
}
