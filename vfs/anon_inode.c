/* SPDX-License-Identifier: MIT */
/*
 * The anonymous inode: eventfd, epoll, timerfd and signalfd files have no
 * name and share one inode (mode 0600, no file type), as on Linux, where
 * fstat on them shows the same st_ino and /proc shows
 * "anon_inode:[eventfd]".
 */
#include "vfs/vfs.h"
#include "kernel/uapi/fcntl.h"

#define ANON_INODE_FS_MAGIC 0x09041934

static struct fs_type anon_inodefs_type = { .name = "anon_inodefs",
					    .nodev = true };
static struct inode *anon_inode;

static struct inode *get_anon_inode(void)
{
	static struct spinlock lock = SPINLOCK_INIT("anon_inode");
	struct super_block *sb;
	struct inode *i;
	bool irq;

	if (__atomic_load_n(&anon_inode, __ATOMIC_ACQUIRE))
		return anon_inode;
	sb = super_alloc(&anon_inodefs_type, NULL, ANON_INODE_FS_MAGIC);
	i = sb ? inode_alloc(sb, 0600) : NULL;
	if (!i) {
		kfree(sb);
		return NULL;
	}
	irq = spin_lock_irqsave(&lock);
	if (!anon_inode) {
		__atomic_store_n(&anon_inode, i, __ATOMIC_RELEASE);
		i = NULL;
	}
	spin_unlock_irqrestore(&lock, irq);
	if (i) { /* lost a race: someone else's is in place */
		inode_put(i);
	}
	return anon_inode;
}

int anon_inode_fd(const struct file_ops *ops, unsigned flags, void *private)
{
	struct inode *inode = get_anon_inode();
	struct file *f;
	int fd;

	if (!inode)
		return -ENOMEM;
	f = file_alloc_anon(inode, ops, flags & ~O_CLOEXEC, private);
	if (!f)
		return -ENOMEM;
	fd = fd_install(f, (int)(flags & O_CLOEXEC));
	if (fd < 0) {
		f->private = NULL;
		f->ops = NULL; /* the caller frees private */
		file_put(f);
	}
	return fd;
}
