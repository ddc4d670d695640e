/* SPDX-License-Identifier: MIT */
/*
 * tmpfs file data: a sparse array of pages that is also the page cache
 * (mmap maps these very pages). Reads copy without the inode mutex so a
 * read into a mapping of the same file can fault without deadlock.
 */
#include "vfs/tmpfs.h"

static struct tmpfs_sb *SB(struct inode *i)
{
	return i->sb->private;
}

/* Charges or returns pages against the mount's size= limit. */
static bool charge(struct inode *i, int64_t pages)
{
	struct tmpfs_sb *s = SB(i);
	bool irq = spin_lock_irqsave(&s->lock), ok = true;

	if (pages > 0 && s->used_pages + pages > s->max_pages)
		ok = false;
	else
		s->used_pages += pages;
	spin_unlock_irqrestore(&s->lock, irq);
	return ok;
}

/* The page at index, referenced; allocated zeroed if create and it is a
 * hole. NULL for a hole without create; ERR_PTR on failure. */
static struct page *get_page(struct inode *i, uint64_t index, bool create)
{
	struct tmpfs_inode *ti = TI(i);
	struct page *p = NULL, *fresh = NULL, **grown = NULL, **old = NULL;
	uint64_t want = 0;
	bool irq;

	for (;;) {
		irq = spin_lock_irqsave(&ti->lock);
		if (grown && index >= ti->npages && want > ti->npages) {
			memcpy(grown, ti->pages, ti->npages * sizeof(*grown));
			old = ti->pages;
			ti->pages = grown;
			ti->npages = want;
			grown = NULL;
		}
		if (index < ti->npages) {
			p = ti->pages[index];
			if (!p && fresh) {
				ti->pages[index] = p = fresh;
				fresh = NULL;
			}
			if (p)
				page_get(p);
		}
		want = index < ti->npages ? 0 : MAX(index + 1, ti->npages * 2);
		spin_unlock_irqrestore(&ti->lock, irq);
		kfree(old);
		old = NULL;
		if (p || !create)
			break;
		if (want) {
			kfree(grown);
			grown = kzalloc(want * sizeof(*grown));
			if (!grown) {
				p = ERR_PTR(-ENOMEM);
				break;
			}
		} else if (!fresh) {
			if (!charge(i, 1)) {
				p = ERR_PTR(-ENOSPC);
				break;
			}
			fresh = page_alloc(0, PAGE_ZERO);
			if (!fresh) {
				charge(i, -1);
				p = ERR_PTR(-ENOMEM);
				break;
			}
		}
	}
	kfree(grown);
	if (fresh) {
		page_put(fresh);
		charge(i, -1);
	}
	return p;
}

static ssize_t tmpfs_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	uint64_t size = READ_ONCE(i->size), off = *pos;
	size_t done = 0, n;

	if (off >= size || !b->len)
		return 0;
	n = MIN((uint64_t)b->len, size - off);
	while (done < n) {
		uint64_t at = off + done;
		size_t in = at % PAGE_SIZE, k = MIN(n - done, PAGE_SIZE - in);
		struct page *p = get_page(i, at / PAGE_SIZE, false);
		int err;

		if (IS_ERR(p))
			return done ? (ssize_t)done : PTR_ERR(p);
		if (p) {
			err = iobuf_put(b, done, (char *)page_address(p) + in,
					k);
			page_put(p);
		} else {
			err = iobuf_zero(b, done, k);
		}
		if (err)
			return done ? (ssize_t)done : err;
		done += k;
	}
	*pos = off + done;
	if (!(f->flags & O_NOATIME))
		i->atime = current_time();
	return done;
}

static ssize_t tmpfs_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	uint64_t off;
	size_t done = 0;
	int err = 0;

	mutex_lock(&i->lock);
	off = (f->flags & O_APPEND) ? i->size : *pos;
	if (off + b->len < off) {
		mutex_unlock(&i->lock);
		return -EFBIG;
	}
	while (done < b->len) {
		uint64_t at = off + done;
		size_t in = at % PAGE_SIZE,
		       k = MIN(b->len - done, PAGE_SIZE - in);
		struct page *p = get_page(i, at / PAGE_SIZE, true);

		if (IS_ERR(p)) {
			err = PTR_ERR(p);
			break;
		}
		err = iobuf_get(b, done, (char *)page_address(p) + in, k);
		page_put(p);
		if (err)
			break;
		done += k;
		if (off + done > i->size)
			i->size = off + done;
	}
	if (done) {
		*pos = off + done;
		inode_touch(i, false, true, true);
		/* A write by someone else clears set-user-ID (POSIX). */
		if ((i->mode & (S_ISUID | S_ISGID)) && !capable())
			i->mode &= ~(S_ISUID | S_ISGID);
	}
	mutex_unlock(&i->lock);
	return done ? (ssize_t)done : err;
}

static int tmpfs_get_page(struct file *f, uint64_t index, struct page **out)
{
	struct page *p = get_page(f->inode, index, true);

	if (IS_ERR(p))
		return PTR_ERR(p);
	*out = p;
	return 0;
}

static int tmpfs_fsync(struct file *f)
{
	(void)f;
	return 0; /* memory is the backing store */
}

const struct file_ops tmpfs_file_ops = {
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = generic_file_llseek,
	.fsync = tmpfs_fsync,
	.get_page = tmpfs_get_page,
};

void tmpfs_truncate_pages(struct inode *i, uint64_t first)
{
	struct tmpfs_inode *ti = TI(i);
	int64_t freed = 0;

	for (;;) {
		struct page *p = NULL;
		bool irq = spin_lock_irqsave(&ti->lock);

		for (uint64_t k = first; k < ti->npages && !p; k++) {
			p = ti->pages[k];
			ti->pages[k] = NULL;
		}
		spin_unlock_irqrestore(&ti->lock, irq);
		if (!p)
			break;
		page_put(p);
		freed++;
	}
	charge(i, -freed);
}

int tmpfs_set_size(struct inode *i, uint64_t size)
{
	uint64_t keep = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	if (size < i->size) {
		tmpfs_truncate_pages(i, keep);
		/* Bytes past the new end in the last page read as zeros
		 * if the file grows again. */
		if (size % PAGE_SIZE) {
			struct page *p = get_page(i, size / PAGE_SIZE, false);
			if (p && !IS_ERR(p)) {
				memset((char *)page_address(p) +
					       size % PAGE_SIZE,
				       0, PAGE_SIZE - size % PAGE_SIZE);
				page_put(p);
			}
		}
	}
	i->size = size;
	return 0;
}

void tmpfs_release_data(struct inode *i)
{
	struct tmpfs_inode *ti = TI(i);

	if (!ti)
		return;
	tmpfs_truncate_pages(i, 0);
	kfree(ti->pages);
	kfree(ti->link);
	kfree(ti);
	i->private = NULL;
}
