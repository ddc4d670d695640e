/* SPDX-License-Identifier: MIT */
/* Open files, the per-process fd table and fs state, and the kernel's own
 * file access. */
#include "mm/mm.h"
#include "vfs/locks.h"
#include "dev/blk.h"
#include "vfs/vfs.h"

/* ---- I/O buffers ---- */

int iobuf_put(const struct iobuf *b, size_t off, const void *src, size_t n)
{
	if (b->kbuf) {
		memcpy(b->kbuf + off, src, n);
		return 0;
	}
	return copy_to_user(b->ubuf + off, src, n);
}

int iobuf_get(const struct iobuf *b, size_t off, void *dst, size_t n)
{
	if (b->kbuf) {
		memcpy(dst, b->kbuf + off, n);
		return 0;
	}
	return copy_from_user(dst, b->ubuf + off, n);
}

int iobuf_zero(const struct iobuf *b, size_t off, size_t n)
{
	if (b->kbuf) {
		memset(b->kbuf + off, 0, n);
		return 0;
	}
	return clear_user(b->ubuf + off, n);
}

/* ---- struct file ---- */

struct file *file_get(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	locks_release_file(f);
	if (!list_empty(&f->ep_links))
		eventpoll_release(f);
	if (f->ops && f->ops->release)
		f->ops->release(f->inode, f);
	inode_put(f->inode);
	path_put(&f->path);
	kfree(f);
}

static struct file *file_alloc(struct inode *inode, const struct file_ops *ops,
			       unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refcount = 1;
	list_init(&f->ep_links);
	f->inode = inode;
	f->ops = ops;
	f->flags = flags;
	mutex_init(&f->pos_lock);
	return f;
}

struct file *file_alloc_anon(struct inode *inode, const struct file_ops *ops,
			     unsigned flags, void *private)
{
	struct file *f = file_alloc(inode, ops, flags);

	if (!f)
		return NULL;
	inode_get(inode);
	f->private = private;
	return f;
}

struct file *file_open_path(const struct path *p, unsigned flags)
{
	struct inode *inode = p->dentry->inode;
	const struct file_ops *ops = inode->fops;
	struct file *f;
	int err;

	/* Socket nodes are reached with connect(2), not open(2). */
	if (S_ISSOCK(inode->mode) && !(flags & O_PATH))
		return ERR_PTR(-ENXIO);
	/* Device nodes get their driver's ops (unless the mount forbids
	 * devices, MS_NODEV). */
	if (S_ISCHR(inode->mode) && !(flags & O_PATH)) {
		if (p->mnt->flags & MS_NODEV)
			return ERR_PTR(-EACCES);
		ops = chrdev_find(inode->rdev);
		if (!ops)
			return ERR_PTR(-ENXIO);
	} else if (S_ISBLK(inode->mode) && !(flags & O_PATH)) {
		if (p->mnt->flags & MS_NODEV)
			return ERR_PTR(-EACCES);
		ops = &blk_file_ops; /* its open finds the disk (ENXIO) */
	}
	f = file_alloc(inode, ops, flags);
	if (!f)
		return ERR_PTR(-ENOMEM);
	inode_get(inode);
	f->path = *p;
	path_get(p);
	if (!(flags & O_PATH) && ops && ops->open) {
		err = ops->open(inode, f);
		if (err) {
			f->ops = NULL; /* no release for a failed open */
			file_put(f);
			return ERR_PTR(err);
		}
	}
	return f;
}

ssize_t kernel_read(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct iobuf b = { .kbuf = buf, .len = n };

	if (!f->ops || !f->ops->read)
		return -EINVAL;
	return f->ops->read(f, &b, &off);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t n, uint64_t off)
{
	struct iobuf b = { .kbuf = (char *)buf, .len = n };

	if (!f->ops || !f->ops->write)
		return -EINVAL;
	return f->ops->write(f, &b, &off);
}

int vfs_file_page(struct file *f, uint64_t index, struct page **out)
{
	if (!f->ops || !f->ops->get_page)
		return -ENODEV;
	return f->ops->get_page(f, index, out);
}

/* Devices map without an end of file (/dev/zero); files have one. */
uint64_t vfs_file_size(struct file *f)
{
	return S_ISREG(f->inode->mode) ? f->inode->size : UINT64_MAX - 4095;
}

/* mmap(2): EACCES unless the file is open for reading, and for writing
 * too when a shared mapping may write; ENODEV if it cannot be mapped. */
int vfs_mmap_check(struct file *f, int prot, bool shared)
{
	unsigned mode = f->flags & O_ACCMODE;

	if (!f->ops || !f->ops->get_page)
		return -ENODEV;
	if (mode == O_WRONLY || (f->flags & O_PATH))
		return -EACCES;
	if (shared && (prot & PROT_WRITE) && mode != O_RDWR)
		return -EACCES;
	if (shared && (prot & PROT_WRITE) && f->ops->mmap_copy)
		return -ENODEV; /* no page cache to share */
	if ((prot & PROT_EXEC) &&
	    (f->path.mnt && (f->path.mnt->flags & MS_NOEXEC)))
		return -EPERM;
	return 0;
}

/* ---- fd tables ---- */

#define FD_INITIAL 64

/* Grows the table to hold at least want slots. New arrays are made
 * outside the lock and swapped in under it (threads share tables). */
static int files_grow(struct files_struct *fs, unsigned want)
{
	unsigned max = READ_ONCE(fs->max) ? READ_ONCE(fs->max) : FD_INITIAL;
	struct file **fd, **old_fd = NULL;
	uint64_t *cloexec, *old_cloexec = NULL;
	bool irq;

	while (max < want)
		max *= 2;
	if (max <= READ_ONCE(fs->max))
		return 0;
	fd = kzalloc(max * sizeof(*fd));
	cloexec = kzalloc(max / 8);
	if (!fd || !cloexec) {
		kfree(fd);
		kfree(cloexec);
		return -ENOMEM;
	}
	irq = spin_lock_irqsave(&fs->lock);
	if (fs->max < max) {
		if (fs->max) {
			memcpy(fd, fs->fd, fs->max * sizeof(*fd));
			memcpy(cloexec, fs->cloexec, fs->max / 8);
		}
		old_fd = fs->fd;
		old_cloexec = fs->cloexec;
		fs->fd = fd;
		fs->cloexec = cloexec;
		fs->max = max;
		fd = NULL;
		cloexec = NULL;
	}
	spin_unlock_irqrestore(&fs->lock, irq);
	kfree(fd);
	kfree(cloexec);
	kfree(old_fd);
	kfree(old_cloexec);
	return 0;
}

struct files_struct *files_alloc(void)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->lock = (struct spinlock)SPINLOCK_INIT("files");
	if (files_grow(fs, FD_INITIAL)) {
		kfree(fs);
		return NULL;
	}
	return fs;
}

struct files_struct *files_dup(struct files_struct *old)
{
	struct files_struct *fs = kzalloc(sizeof(*fs));
	bool irq;

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->lock = (struct spinlock)SPINLOCK_INIT("files");
	/* Allocate outside the lock, then copy; the table may have grown
	 * meanwhile, so retry until it fits. */
	for (;;) {
		unsigned want = READ_ONCE(old->max);
		if (files_grow(fs, want)) {
			files_put(fs);
			return NULL;
		}
		irq = spin_lock_irqsave(&old->lock);
		if (old->max <= fs->max)
			break;
		spin_unlock_irqrestore(&old->lock, irq);
	}
	for (unsigned i = 0; i < old->max; i++) {
		if (old->fd[i])
			fs->fd[i] = file_get(old->fd[i]);
	}
	memcpy(fs->cloexec, old->cloexec, old->max / 8);
	spin_unlock_irqrestore(&old->lock, irq);
	return fs;
}

void files_get(struct files_struct *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void files_put(struct files_struct *f)
{
	if (__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (unsigned i = 0; i < f->max; i++)
		if (f->fd[i])
			file_put(f->fd[i]);
	kfree(f->fd);
	kfree(f->cloexec);
	kfree(f);
}

static bool cloexec_test(struct files_struct *f, unsigned fd)
{
	return f->cloexec[fd / 64] & (1ULL << (fd % 64));
}

static void cloexec_set(struct files_struct *f, unsigned fd, bool on)
{
	if (on)
		f->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		f->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

void files_close_on_exec(struct files_struct *f)
{
	for (unsigned i = 0; i < f->max; i++) {
		struct file *file = NULL;
		bool irq = spin_lock_irqsave(&f->lock);

		if (f->fd[i] && cloexec_test(f, i)) {
			file = f->fd[i];
			f->fd[i] = NULL;
			cloexec_set(f, i, false);
		}
		spin_unlock_irqrestore(&f->lock, irq);
		file_put(file);
	}
}

struct file *fd_get(int fd)
{
	struct files_struct *f = current->files;
	struct file *file = NULL;
	bool irq;

	if (fd < 0 || !f)
		return NULL;
	irq = spin_lock_irqsave(&f->lock);
	if ((unsigned)fd < f->max && f->fd[fd])
		file = file_get(f->fd[fd]);
	spin_unlock_irqrestore(&f->lock, irq);
	return file;
}

static uint64_t fd_limit(void)
{
	return current->proc->rlim[RLIMIT_NOFILE].rlim_cur;
}

int fd_install_from(struct file *file, int flags, int min)
{
	struct files_struct *f = current->files;
	uint64_t limit = fd_limit();
	bool irq;

	for (;;) {
		unsigned max;

		irq = spin_lock_irqsave(&f->lock);
		for (unsigned i = min; i < f->max && i < limit; i++) {
			if (!f->fd[i]) {
				f->fd[i] = file;
				cloexec_set(f, i, flags & O_CLOEXEC);
				spin_unlock_irqrestore(&f->lock, irq);
				return (int)i;
			}
		}
		max = f->max;
		spin_unlock_irqrestore(&f->lock, irq);
		if (max >= limit || (uint64_t)min >= limit)
			return -EMFILE;
		if (files_grow(f, max * 2))
			return -ENOMEM;
	}
}

int fd_install(struct file *file, int flags)
{
	return fd_install_from(file, flags, 0);
}

/* Puts file at exactly fd, closing what was there (dup2/dup3). */
int fd_replace(int fd, struct file *file, int flags)
{
	struct files_struct *f = current->files;
	struct file *old;
	bool irq;

	if (fd < 0 || (uint64_t)fd >= fd_limit())
		return -EBADF;
	while ((unsigned)fd >= READ_ONCE(f->max))
		if (files_grow(f, fd + 1))
			return -ENOMEM;
	irq = spin_lock_irqsave(&f->lock);
	old = f->fd[fd];
	f->fd[fd] = file;
	cloexec_set(f, fd, flags & O_CLOEXEC);
	spin_unlock_irqrestore(&f->lock, irq);
	file_put(old);
	return fd;
}

int fd_close(int fd)
{
	struct files_struct *f = current->files;
	struct file *file = NULL;
	bool irq;

	if (fd < 0)
		return -EBADF;
	irq = spin_lock_irqsave(&f->lock);
	if ((unsigned)fd < f->max) {
		file = f->fd[fd];
		f->fd[fd] = NULL;
		cloexec_set(f, fd, false);
	}
	spin_unlock_irqrestore(&f->lock, irq);
	if (!file)
		return -EBADF;
	if (current->proc)
		locks_release_posix(file->inode, current->proc->pid);
	file_put(file);
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct files_struct *f = current->files;
	bool irq = spin_lock_irqsave(&f->lock);
	int r = -EBADF;

	if (fd >= 0 && (unsigned)fd < f->max && f->fd[fd])
		r = cloexec_test(f, fd) ? FD_CLOEXEC : 0;
	spin_unlock_irqrestore(&f->lock, irq);
	return r;
}

int fd_set_cloexec(int fd, bool on)
{
	struct files_struct *f = current->files;
	bool irq = spin_lock_irqsave(&f->lock);
	int r = -EBADF;

	if (fd >= 0 && (unsigned)fd < f->max && f->fd[fd]) {
		cloexec_set(f, fd, on);
		r = 0;
	}
	spin_unlock_irqrestore(&f->lock, irq);
	return r;
}

int sys_dup2_kernel(int oldfd, int newfd)
{
	struct file *f = fd_get(oldfd);

	if (!f)
		return -EBADF;
	return fd_replace(newfd, f, 0);
}

/* ---- fs_struct: root, cwd, umask ---- */

struct fs_struct *fs_alloc_root(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->lock = (struct spinlock)SPINLOCK_INIT("fs");
	fs->root = (struct path){ root_mount, root_mount->root };
	fs->cwd = fs->root;
	path_get(&fs->root);
	path_get(&fs->cwd);
	fs->umask = 022;
	return fs;
}

struct fs_struct *fs_dup(struct fs_struct *old)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));
	bool irq;

	if (!fs)
		return NULL;
	fs->refcount = 1;
	fs->lock = (struct spinlock)SPINLOCK_INIT("fs");
	irq = spin_lock_irqsave(&old->lock);
	fs->root = old->root;
	fs->cwd = old->cwd;
	fs->umask = old->umask;
	path_get(&fs->root);
	path_get(&fs->cwd);
	spin_unlock_irqrestore(&old->lock, irq);
	return fs;
}

void fs_get(struct fs_struct *fs)
{
	__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void fs_put(struct fs_struct *fs)
{
	if (__atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	path_put(&fs->root);
	path_put(&fs->cwd);
	kfree(fs);
}
