/* SPDX-License-Identifier: MIT */
/*
 * ext2 file data: read and write through the block map and the buffer
 * cache, holes read as zeros, truncation, attributes, fsync. mmap's
 * get_page hands out a private copy of the file's page: there is no page
 * cache yet, so shared writable mappings are refused (file_ops
 * .get_page_copies).
 */
#include "vfs/ext2.h"

#define EXT2_READAHEAD 32 /* blocks */

/* Starts reads of the blocks after blk that follow it on disk as they
 * follow lb in the file (sequential read-ahead). */
static void read_ahead(struct inode *i, uint64_t lb, uint32_t blk,
		       uint64_t last)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	unsigned n = 0;

	while (n < EXT2_READAHEAD && lb + n + 1 <= last) {
		uint32_t next;

		if (ext2_bmap(i, lb + n + 1, false, &next, NULL) ||
		    next != blk + n + 1)
			break;
		n++;
	}
	if (n)
		bread_ahead(s->dev, blk, s->g.block_size, n);
}

/* Copies part of one block (or zeros for a hole) to b at done. */
static int read_piece(struct inode *i, uint64_t lb, unsigned in, size_t k,
		      const struct iobuf *b, size_t done, uint64_t last,
		      bool ra)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint32_t blk;
	struct buf *bf;
	int err = ext2_bmap(i, lb, false, &blk, NULL);

	if (err)
		return err;
	if (!blk)
		return iobuf_zero(b, done, k);
	if (ra)
		read_ahead(i, lb, blk, last);
	bf = bread(s->dev, blk, s->g.block_size);
	if (IS_ERR(bf))
		return (int)PTR_ERR(bf);
	err = iobuf_put(b, done, (char *)bf->data + in, k);
	brelse(bf);
	return err;
}

ssize_t ext2_read_data(struct inode *i, const struct iobuf *b, uint64_t off)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint64_t size = READ_ONCE(i->size), last;
	size_t done = 0, n;

	if (off >= size || !b->len)
		return 0;
	n = MIN((uint64_t)b->len, size - off);
	last = (off + n - 1) >> s->g.block_bits;
	while (done < n) {
		uint64_t at = off + done, lb = at >> s->g.block_bits;
		unsigned in = (unsigned)(at & (s->g.block_size - 1));
		size_t k = MIN(n - done, (size_t)(s->g.block_size - in));
		int err = read_piece(i, lb, in, k, b, done, last,
				     done == 0 || lb % EXT2_READAHEAD == 0);

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

/* Copies part of one block from b at done, allocating it if needed. */
static int write_piece(struct inode *i, uint64_t lb, unsigned in, size_t k,
		       const struct iobuf *b, size_t done)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint32_t blk;
	bool fresh;
	struct buf *bf;
	int err = ext2_bmap(i, lb, true, &blk, &fresh);

	if (err)
		return err;
	if (fresh || k == s->g.block_size)
		bf = bget(s->dev, blk, s->g.block_size);
	else
		bf = bread(s->dev, blk, s->g.block_size);
	if (IS_ERR(bf))
		return (int)PTR_ERR(bf);
	if (fresh && k < s->g.block_size)
		memset(bf->data, 0, s->g.block_size);
	err = iobuf_get(b, done, (char *)bf->data + in, k);
	if (!err)
		bdirty(bf);
	brelse(bf);
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
		uint64_t at = off + done, lb = at >> s->g.block_bits;
		unsigned in = (unsigned)(at & (s->g.block_size - 1));
		size_t k = MIN(n - done, (size_t)(s->g.block_size - in));

		err = write_piece(i, lb, in, k, b, done);
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

/* mmap: a copy of the page at index (zeros past the end of file). */
static int ext2_get_page(struct file *f, uint64_t index, struct page **out)
{
	struct page *p = page_alloc(0, PAGE_ZERO);
	struct iobuf b = { .len = PAGE_SIZE };
	ssize_t r;

	if (!p)
		return -ENOMEM;
	b.kbuf = page_address(p);
	r = ext2_read_data(f->inode, &b, index * PAGE_SIZE);
	if (r < 0) {
		page_put(p);
		return (int)r;
	}
	*out = p;
	return 0;
}

static int64_t ext2_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)f->inode->size;
		break;
	case SEEK_DATA: /* holes are not reported: all data */
	case SEEK_HOLE:
		if (off < 0 || (uint64_t)off >= f->inode->size)
			return -ENXIO;
		return whence == SEEK_DATA ? off : (int64_t)f->inode->size;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, off, &base))
		return -EOVERFLOW;
	if (base < 0)
		return -EINVAL;
	return base;
}

static int ext2_fsync(struct file *f)
{
	struct inode *i = f->inode;
	int err = ext2_write_inode(i);
	int e2 = blk_sync(EXT2_SB(i->sb)->dev);

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
	if (a->valid & ATTR_MODE)
		i->mode = (i->mode & S_IFMT) | (a->mode & 07777);
	if (a->valid & ATTR_UID)
		i->uid = a->uid;
	if (a->valid & ATTR_GID)
		i->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		i->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		i->mtime = a->mtime;
	i->ctime = current_time();
	return ext2_write_inode(i);
}

const struct file_ops ext2_file_fops = {
	.read = ext2_read,
	.write = ext2_write,
	.llseek = ext2_llseek,
	.fsync = ext2_fsync,
	.get_page = ext2_get_page,
	.get_page_copies = true,
};

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};
