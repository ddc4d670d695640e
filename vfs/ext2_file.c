/* SPDX-License-Identifier: MIT */
/*
 * ext2 file data: read, write and mmap through the page cache
 * (ext2_pcache.c), holes read as zeros, truncation, attributes, fsync.
 */
#include "vfs/ext2.h"

/* Copies part of page index (zeros for a page of holes) to b at done. */
static int read_piece(struct inode *i, uint64_t index, unsigned in, size_t k,
		      const struct iobuf *b, size_t done)
{
	struct page *p;
	int err;

	if (ext2_pc_hole(i, index))
		return iobuf_zero(b, done, k);
	err = ext2_pc_page(i, index, true, false, false, &p);
	if (err)
		return err;
	err = iobuf_put(b, done, (char *)page_address(p) + in, k);
	page_put(p);
	return err;
}

ssize_t ext2_read_data(struct inode *i, const struct iobuf *b, uint64_t off)
{
	uint64_t size = READ_ONCE(i->size);
	size_t done = 0, n;

	if (off >= size || !b->len)
		return 0;
	n = MIN((uint64_t)b->len, size - off);
	while (done < n) {
		uint64_t at = off + done;
		unsigned in = (unsigned)(at % PAGE_SIZE);
		size_t k = MIN(n - done, (size_t)(PAGE_SIZE - in));
		int err = read_piece(i, at / PAGE_SIZE, in, k, b, done);

		if (err)
			return done ? (ssize_t)done : err;
		done += k;
	}
	return (ssize_t)done;
}

/* relatime: atime moves when older than mtime/ctime or a day old. */
static void touch_atime(struct file *f)
{
	struct inode *i = f->inode;
	struct linux_timespec now = current_time();

	if ((f->flags & O_NOATIME) ||
	    (f->path.mnt && (f->path.mnt->flags & MS_NOATIME)))
		return;
	if (i->atime.tv_sec <= i->mtime.tv_sec ||
	    i->atime.tv_sec <= i->ctime.tv_sec ||
	    now.tv_sec - i->atime.tv_sec >= 24 * 3600)
		i->atime = now;
}

static ssize_t ext2_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	ssize_t r = ext2_read_data(f->inode, b, *pos);

	if (r > 0) {
		*pos += (uint64_t)r;
		touch_atime(f);
	}
	return r;
}

/* Copies part of page index from b at done: the page is read in first
 * (unless wholly overwritten), then the blocks under the new bytes are
 * allocated, so a full disk fails the write rather than the write-back. */
static int write_piece(struct inode *i, uint64_t at, size_t k,
		       const struct iobuf *b, size_t done)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	unsigned in = (unsigned)(at % PAGE_SIZE);
	struct page *p = NULL;
	/* Only a page wholly past the end of file needs no reading: a
	 * partial copy (EFAULT) must not leave zeros over file data. */
	bool fill = at - in < i->size;
	int err = ext2_pc_page(i, at / PAGE_SIZE, fill, true, false, &p);

	for (uint64_t lb = at >> s->g.block_bits;
	     !err && lb <= (at + k - 1) >> s->g.block_bits; lb++) {
		uint32_t blk;

		err = ext2_bmap(i, lb, true, &blk, NULL);
	}
	if (!err)
		err = iobuf_get(b, done, (char *)page_address(p) + in, k);
	if (p)
		page_put(p);
	return err;
}

ssize_t ext2_write_data(struct inode *i, const struct iobuf *b, uint64_t off)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint64_t max = ext2_max_size(s);
	size_t done = 0, n = b->len;
	int err = 0;

	if (off >= max)
		return n ? -EFBIG : 0;
	n = MIN((uint64_t)n, max - off);
	while (done < n) {
		uint64_t at = off + done;
		size_t k = MIN(n - done, (size_t)(PAGE_SIZE - at % PAGE_SIZE));

		err = write_piece(i, at, k, b, done);
		if (err)
			break;
		done += k;
		if (off + done > i->size)
			i->size = off + done;
	}
	if (done) {
		inode_touch(i, false, true, true);
		ext2_note_large_file(s, i);
	}
	ext2_write_inode(i);
	return done ? (ssize_t)done : err;
}

static ssize_t ext2_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	uint64_t off;
	ssize_t r;

	mutex_lock(&i->lock);
	off = (f->flags & O_APPEND) ? i->size : *pos;
	r = ext2_write_data(i, b, off);
	if (r > 0) {
		*pos = off + (uint64_t)r;
		/* A write by someone else clears set-user-ID (POSIX). */
		if ((i->mode & (S_ISUID | S_ISGID)) && !capable())
			i->mode &= ~(S_ISUID | S_ISGID);
	}
	mutex_unlock(&i->lock);
	if (r > 0 && (f->flags & O_SYNC))
		blk_sync(EXT2_SB(i->sb)->dev);
	return r;
}

/* mmap: the file's own cached page (written back at sync, fsync,
 * unmount and eviction, compared with the disk as mappings may change
 * it). */
static int ext2_get_page(struct file *f, uint64_t index, struct page **out)
{
	return ext2_pc_page(f->inode, index, true, false, true, out);
}

static int ext2_fsync(struct file *f)
{
	struct inode *i = f->inode;
	int err, e2;

	mutex_lock(&i->lock);
	err = ext2_pc_writeback(i);
	mutex_unlock(&i->lock);
	e2 = ext2_write_inode(i);
	err = err ? err : e2;
	e2 = blk_sync(EXT2_SB(i->sb)->dev);
	return err ? err : e2;
}

/* Truncation (shrink frees blocks and zeroes the rest of the last block
 * so a later extension reads zeros) or extension (a hole). */
static int set_size(struct inode *i, uint64_t size)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint64_t bs = s->g.block_size;
	uint32_t blk;
	int err;

	if (size > ext2_max_size(s))
		return -EFBIG;
	if (size < i->size) {
		ext2_pc_truncate(i, size);
		err = ext2_truncate_blocks(i, (size + bs - 1) / bs);
		if (err)
			return err;
		if (size % bs && !ext2_bmap(i, size / bs, false, &blk, NULL) &&
		    blk) {
			struct buf *b = bread(s->dev, blk, s->g.block_size);

			if (!IS_ERR(b)) {
				memset((char *)b->data + size % bs, 0,
				       bs - size % bs);
				bdirty(b);
				brelse(b);
			}
		}
	}
	i->size = size;
	inode_touch(i, false, true, true);
	ext2_note_large_file(s, i);
	return 0;
}

int ext2_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *i = d->inode;
	int err = 0;

	if (a->valid & ATTR_SIZE) {
		if (!S_ISREG(i->mode))
			return -EINVAL;
		mutex_lock(&i->lock);
		err = set_size(i, a->size);
		mutex_unlock(&i->lock);
		if (err)
			return err;
	}
	setattr_copy(i, a);
	return ext2_write_inode(i);
}

const struct file_ops ext2_file_fops = {
	.read = ext2_read,
	.write = ext2_write,
	.llseek = generic_file_llseek,
	.fsync = ext2_fsync,
	.get_page = ext2_get_page,
};

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};
