/* SPDX-License-Identifier: MIT */
/* Block special files: /dev/sda and its partitions read and written
 * through the buffer cache, with the BLK* ioctls (linux/fs.h). */
#include "dev/blk_cache.h"
#include "vfs/vfs.h"

/* linux/fs.h: _IO(0x12, n) and _IOR(0x12, n, size_t). */
#define BLKROGET 0x125e
#define BLKRRPART 0x125f
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272

#define RA_STEP 16   /* every RA_STEP blocks, read ahead ... */
#define RA_BLOCKS 64 /* ... this many (256 KiB of 4 KiB blocks) */

static struct blkdev *file_dev(struct file *f)
{
	return f->private;
}

/* The cache block size for a device: 4 KiB when its size allows. */
static unsigned dev_block_size(const struct blkdev *d)
{
	for (unsigned s = PAGE_SIZE; s > SECTOR_SIZE; s /= 2)
		if (d->sectors % (s / SECTOR_SIZE) == 0)
			return s;
	return SECTOR_SIZE;
}

static uint64_t dev_bytes(const struct blkdev *d)
{
	return d->sectors * SECTOR_SIZE;
}

static int blk_file_open(struct inode *inode, struct file *f)
{
	struct blkdev *d = blk_get(inode->rdev);

	if (!d)
		return -ENXIO;
	if ((f->flags & O_ACCMODE) != O_RDONLY && (d->flags & BLKDEV_READONLY))
		return -EROFS;
	f->private = d;
	return 0;
}

static ssize_t blk_file_read(struct file *f, const struct iobuf *b,
			     uint64_t *pos)
{
	struct blkdev *d = file_dev(f);
	unsigned bs = dev_block_size(d);
	size_t done = 0;

	while (done < b->len && *pos < dev_bytes(d)) {
		uint64_t blk = *pos / bs;
		size_t off = *pos % bs;
		size_t n =
			MIN(MIN(b->len - done, bs - off), dev_bytes(d) - *pos);
		struct buf *bf;
		int err;

		if (blk % RA_STEP == 0 || !blk_cache_has(d, blk, bs))
			blk_cache_readahead(d, blk, bs, RA_BLOCKS);
		bf = bread(d, blk, bs);
		if (IS_ERR(bf))
			return done ? (ssize_t)done : PTR_ERR(bf);
		err = iobuf_put(b, done, (char *)bf->data + off, n);
		brelse(bf);
		if (err)
			return done ? (ssize_t)done : err;
		done += n;
		*pos += n;
	}
	return (ssize_t)done;
}

static ssize_t blk_file_write(struct file *f, const struct iobuf *b,
			      uint64_t *pos)
{
	struct blkdev *d = file_dev(f);
	unsigned bs = dev_block_size(d);
	size_t done = 0;

	if (b->len && *pos >= dev_bytes(d))
		return -ENOSPC; /* as Linux at the end of a block device */
	while (done < b->len && *pos < dev_bytes(d)) {
		uint64_t blk = *pos / bs;
		size_t off = *pos % bs;
		size_t n =
			MIN(MIN(b->len - done, bs - off), dev_bytes(d) - *pos);
		struct buf *bf = n == bs ? bget(d, blk, bs) : bread(d, blk, bs);
		int err;

		if (IS_ERR(bf))
			return done ? (ssize_t)done : PTR_ERR(bf);
		err = iobuf_get(b, done, (char *)bf->data + off, n);
		if (!err)
			bdirty(bf);
		brelse(bf);
		if (err)
			return done ? (ssize_t)done : err;
		done += n;
		*pos += n;
	}
	return (ssize_t)done;
}

static int64_t blk_file_llseek(struct file *f, int64_t off, int whence)
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
		base = (int64_t)dev_bytes(file_dev(f));
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	return base + off;
}

static long blk_file_ioctl(struct file *f, unsigned cmd, uaddr_t arg)
{
	struct blkdev *d = file_dev(f);
	uint64_t bytes = dev_bytes(d);

	switch (cmd) {
	case BLKGETSIZE64:
		return put_user(bytes, arg) ? -EFAULT : 0;
	case BLKGETSIZE:
		return put_user((unsigned long)d->sectors, arg) ? -EFAULT : 0;
	case BLKSSZGET:
		return put_user((int)SECTOR_SIZE, arg) ? -EFAULT : 0;
	case BLKBSZGET:
		return put_user((int)dev_block_size(d), arg) ? -EFAULT : 0;
	case BLKROGET: {
		bool ro = (d->flags & BLKDEV_READONLY) ||
			  (d->parent && (d->parent->flags & BLKDEV_READONLY));
		return put_user((int)ro, arg) ? -EFAULT : 0;
	}
	case BLKFLSBUF:
		if (!capable())
			return -EACCES;
		return blk_invalidate(d);
	case BLKRRPART:
		/* Partitions stay as found at boot (block devices are never
		 * unregistered); Linux too refuses while they are in use. */
		return -EBUSY;
	default:
		return -ENOTTY;
	}
}

static int blk_file_fsync(struct file *f)
{
	return blk_sync(file_dev(f));
}

/* The last close writes the device's dirty blocks back, as Linux's
 * blkdev_release() -> sync_blockdev(). */
static void blk_file_release(struct inode *inode, struct file *f)
{
	(void)inode;
	if (f->private && (f->flags & O_ACCMODE) != O_RDONLY)
		blk_cache_writeback(file_dev(f));
}

const struct file_ops blk_file_ops = {
	.open = blk_file_open,
	.read = blk_file_read,
	.write = blk_file_write,
	.llseek = blk_file_llseek,
	.ioctl = blk_file_ioctl,
	.fsync = blk_file_fsync,
	.release = blk_file_release,
};
