/* SPDX-License-Identifier: MIT */
/*
 * FAT file data: mapping file offsets to clusters, read, write (growing
 * the chain, zero-filling gaps), truncate, fsync, and pages for mmap and
 * exec. There is no page cache: get_page hands out a private copy, so
 * writable MAP_SHARED mappings are refused (ENODEV, file_ops.mmap_copy).
 */
#include "vfs/fat.h"

/* fatgen103: DIR_FileSize is 32 bits. */
#define FAT_MAX_SIZE 0xffffffffull

/* The sector holding byte at of the file (fs->lock held); *run (if
 * given): the contiguous sectors from it on. */
static int file_sector(struct inode *i, uint64_t at, bool alloc,
		       uint64_t *sector, uint64_t *run)
{
	struct fat_sb *fs = FS(i->sb);
	uint32_t c, n, in = (at % fs->g.cluster_size) / fs->g.bps;
	int err =
		fat_bmap(i, (uint32_t)(at / fs->g.cluster_size), alloc, &c, &n);

	if (err)
		return err;
	*sector = fat_clus_sector(fs, c) + in;
	if (run)
		*run = (uint64_t)n * fs->g.spc - in;
	return 0;
}

/* Reading ahead, as far as the clusters are contiguous: what the call
 * asks for (left bytes) when it starts, and at each 64 KiB of the file
 * the whole window (sequential reads). */
#define READ_AHEAD 65536

static void read_ahead(struct fat_sb *fs, uint64_t at, uint64_t sector,
		       uint64_t run, uint64_t left, bool first)
{
	uint64_t n = at % READ_AHEAD == 0 ? READ_AHEAD / fs->g.bps :
		     first ? MIN(ALIGN_UP(left + at % fs->g.bps, fs->g.bps) /
					 fs->g.bps,
				 READ_AHEAD / fs->g.bps) :
			     0;

	n = MIN(n, run);
	if (n > 1)
		bread_ahead(fs->dev, sector + 1, fs->g.bps, (unsigned)n - 1);
}

/* Reads bytes at off into b (user or kernel); the count or -errno. The
 * copy happens without fs->lock: the buffer may be a mapping of a FAT
 * file whose fault reads through here too. */
static ssize_t read_at(struct inode *i, const struct iobuf *b, uint64_t off)
{
	struct fat_sb *fs = FS(i->sb);
	uint64_t size = READ_ONCE(i->size);
	size_t done = 0, n;

	if (off >= size || !b->len)
		return 0;
	n = (size_t)MIN((uint64_t)b->len, size - off);
	while (done < n) {
		uint64_t at = off + done, sector, run;
		size_t in = at % fs->g.bps, k = MIN(n - done, fs->g.bps - in);
		struct buf *bh;
		int err;

		mutex_lock(&fs->lock);
		err = file_sector(i, at, false, &sector, &run);
		mutex_unlock(&fs->lock);
		if (err)
			return done ? (ssize_t)done : err;
		read_ahead(fs, at, sector, run, n - done, done == 0);
		bh = bread(fs->dev, sector, fs->g.bps);
		if (IS_ERR(bh))
			return done ? (ssize_t)done : PTR_ERR(bh);
		err = iobuf_put(b, done, (char *)bh->data + in, k);
		brelse(bh);
		if (err)
			return done ? (ssize_t)done : err;
		done += k;
	}
	return (ssize_t)done;
}

static ssize_t fat_read(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	ssize_t n = read_at(f->inode, b, *pos);

	if (n > 0)
		*pos += (uint64_t)n;
	return n;
}

/* Writes k bytes (zeros if src is NULL) at byte at, within one sector,
 * growing the chain as needed; fs->lock held. */
static int write_piece(struct inode *i, uint64_t at, const void *src, size_t k)
{
	struct fat_sb *fs = FS(i->sb);
	size_t in = at % fs->g.bps;
	uint64_t sector;
	struct buf *bh;
	int err = file_sector(i, at, true, &sector, NULL);

	if (err)
		return err;
	bh = k == fs->g.bps ? bget(fs->dev, sector, fs->g.bps) :
			      bread(fs->dev, sector, fs->g.bps);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	if (src)
		memcpy((char *)bh->data + in, src, k);
	else
		memset((char *)bh->data + in, 0, k);
	bdirty(bh);
	brelse(bh);
	if (at + k > i->size) {
		i->size = at + k;
		i->blocks = ALIGN_UP(i->size, fs->g.cluster_size) / 512;
	}
	return 0;
}

/* Zeros from the end of the file up to end (a write or truncate past
 * the end: FAT has no holes). */
static int zero_fill(struct inode *i, uint64_t end)
{
	struct fat_sb *fs = FS(i->sb);
	int err = 0;

	mutex_lock(&fs->lock);
	while (!err && i->size < end) {
		uint64_t at = i->size;
		size_t k = (size_t)MIN(end - at, fs->g.bps - at % fs->g.bps);
		err = write_piece(i, at, NULL, k);
	}
	mutex_unlock(&fs->lock);
	return err;
}

static ssize_t fat_write(struct file *f, const struct iobuf *b, uint64_t *pos)
{
	struct inode *i = f->inode;
	struct fat_sb *fs = FS(i->sb);
	size_t done = 0, len = b->len;
	char *tmp = kmalloc(fs->g.bps);
	uint64_t off;
	int err = tmp ? 0 : -ENOMEM;

	mutex_lock(&i->lock);
	off = (f->flags & O_APPEND) ? i->size : *pos;
	if (!err && off >= FAT_MAX_SIZE && len)
		err = -EFBIG;
	len = (size_t)MIN((uint64_t)len, FAT_MAX_SIZE - MIN(off, FAT_MAX_SIZE));
	if (!err && off > i->size && len)
		err = zero_fill(i, off);
	while (!err && done < len) {
		uint64_t at = off + done;
		size_t k = MIN(len - done, fs->g.bps - at % fs->g.bps);

		err = iobuf_get(b, done, tmp, k); /* may fault: no fs->lock */
		if (err)
			break;
		mutex_lock(&fs->lock);
		err = write_piece(i, at, tmp, k);
		mutex_unlock(&fs->lock);
		if (!err)
			done += k;
	}
	if (done) {
		*pos = off + done;
		mutex_lock(&fs->lock);
		fat_touch(i);
		mutex_unlock(&fs->lock);
	}
	mutex_unlock(&i->lock);
	kfree(tmp);
	return done ? (ssize_t)done : err;
}

/* fsync(2): the entry, FSInfo and every dirty block of the volume. */
int fat_fsync_inode(struct inode *i)
{
	struct fat_sb *fs = FS(i->sb);
	int err;

	mutex_lock(&fs->lock);
	err = fat_inode_sync(i);
	if (!err)
		err = fat_write_fsinfo(fs);
	mutex_unlock(&fs->lock);
	return err ? err : blk_sync(fs->dev);
}

static int fat_fsync(struct file *f)
{
	return fat_fsync_inode(f->inode);
}

/* mmap and exec: a copy of the file's page at index (zeros past the
 * end). */
static int fat_get_page(struct file *f, uint64_t index, struct page **out)
{
	struct page *p = page_alloc(0, PAGE_ZERO);
	struct iobuf b = { .len = PAGE_SIZE };
	ssize_t n;

	if (!p)
		return -ENOMEM;
	b.kbuf = page_address(p);
	n = read_at(f->inode, &b, index * PAGE_SIZE);
	if (n < 0) {
		page_put(p);
		return (int)n;
	}
	*out = p;
	return 0;
}

const struct file_ops fat_file_fops = {
	.read = fat_read,
	.write = fat_write,
	.llseek = generic_file_llseek,
	.fsync = fat_fsync,
	.get_page = fat_get_page,
	.mmap_copy = true,
};

/* Shrinks the chain to what size needs; fs->lock held. */
static int shrink(struct inode *i, uint64_t size)
{
	struct fat_sb *fs = FS(i->sb);
	struct fat_inode *fi = FI(i);
	uint32_t keep = (uint32_t)(ALIGN_UP(size, fs->g.cluster_size) /
				   fs->g.cluster_size),
		 last, next;
	int err;

	fat_bmap_forget(fi);
	if (!keep) {
		err = fi->start ? fat_free_chain(fs, fi->start) : 0;
		fi->start = 0;
	} else {
		err = fat_bmap(i, keep - 1, false, &last, NULL);
		if (!err)
			err = fat_get(fs, last, &next);
		if (!err && next != FAT_EOC) {
			err = fat_set(fs, last, FAT_EOC);
			if (!err)
				err = fat_free_chain(fs, next);
		}
	}
	fat_bmap_forget(fi);
	if (!err) {
		i->size = size;
		i->blocks = ALIGN_UP(size, fs->g.cluster_size) / 512;
	}
	return err;
}

int fat_set_size(struct inode *i, uint64_t size)
{
	struct fat_sb *fs = FS(i->sb);
	int err;

	if (size > FAT_MAX_SIZE)
		return -EFBIG;
	if (size > i->size)
		return zero_fill(i, size);
	mutex_lock(&fs->lock);
	err = size < i->size ? shrink(i, size) : 0;
	mutex_unlock(&fs->lock);
	return err;
}
