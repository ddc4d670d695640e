/* SPDX-License-Identifier: MIT */
/*
 * The block layer: disks and their partitions as struct blkdev, requests
 * the drivers (AHCI, ATA) complete asynchronously, and the buffer cache
 * file systems read and write blocks through (write-back, synced by
 * sync(2), fsync(2), umount and a flusher thread).
 *
 * Numbers are Linux's: whole disks sda, sdb, ... are 8:0, 8:16, ...; the
 * partitions of a disk are the minors after it (sda1 is 8:1), at most 15.
 */
#ifndef STRIX_BLK_H
#define STRIX_BLK_H

#include "kernel/kernel.h"
#include "kernel/lib/list.h"

#define SECTOR_SIZE 512
#define SECTOR_SHIFT 9
#define SCSI_DISK_MAJOR 8
#define BLK_PART_MAX 15

struct blkdev;

/* One physically contiguous piece of a request's memory. Drivers split
 * segments further where their hardware needs it (ATA PRDs must not
 * cross 64 KiB). len is a multiple of SECTOR_SIZE. */
struct blk_seg {
	uint64_t phys;
	uint32_t len;
};

#define BLK_MAX_SEGS 32

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct blk_request {
	struct blkdev *dev; /* what the caller asked for (may be a partition) */
	enum blk_op op;
	uint64_t sector; /* 512-byte units; relative to dev until blk_submit
			  * turns it into the whole disk's */
	uint32_t count;	 /* sectors; 0 for BLK_FLUSH */
	unsigned nseg;
	struct blk_seg seg[BLK_MAX_SEGS];
	int error; /* 0 or -EIO ..., set by blk_complete */
	/* Called once the request is done, from any context (the driver's
	 * interrupt handler included): it must not sleep. */
	void (*done)(struct blk_request *r);
	void *private;	       /* the submitter's */
	struct list_head link; /* free for the driver while it owns r */
};

struct blkdev_ops {
	/* Starts r, whose sectors are relative to this whole disk and
	 * within it. The driver finishes it later with blk_complete(). 0,
	 * or a negative errno if r was not started (done is then not
	 * called). May sleep waiting for a free command slot. */
	int (*submit)(struct blkdev *d, struct blk_request *r);
};

#define BLKDEV_READONLY 0x1
#define BLKDEV_REMOVABLE 0x2

struct blkdev {
	char name[16];	  /* "sda", "sda1" */
	uint64_t devnum;  /* MKDEV(8, n) */
	uint64_t sectors; /* size in 512-byte sectors */
	unsigned flags;	  /* BLKDEV_* */
	/* Partitions: the disk they are on and their first sector there. */
	struct blkdev *parent;
	uint64_t start;
	unsigned partno; /* 1.. for partitions, 0 for a disk */
	/* Whole disks: the driver's. */
	const struct blkdev_ops *ops;
	void *driver;
	char model[41]; /* IDENTIFY's model string, for the boot log/sysfs */
	struct list_head link; /* all block devices, in registration order */
};

/* ---- devices and requests (dev/blk.c) ---- */

/* Registers a whole disk a driver found (sectors, ops, driver, model and
 * flags filled in): names it sdX in order of registration, reads its
 * partition table (GPT, else MBR) and registers each partition, and
 * makes the /dev nodes, /sys/block and /proc/partitions entries.
 * 0 or a negative errno. Process context (it reads the disk). */
int blk_register_disk(struct blkdev *d);
/* Checks r against r->dev's size (-EIO past the end, -EROFS for writes
 * to a read-only disk), moves partition sectors to the disk's and hands
 * r to the driver. 0 or a negative errno (r->done then not called). */
int blk_submit(struct blk_request *r);
/* For drivers: r finished with err (0 or negative errno). */
void blk_complete(struct blk_request *r, int err);
/* Synchronous I/O of count sectors at sector of d into/from buf (kernel
 * memory in the direct map, any alignment is split into segments). Sleeps.
 * 0 or a negative errno. */
int blk_rw(struct blkdev *d, uint64_t sector, void *buf, uint32_t count,
	   bool write);
/* Asks the disk to write its volatile cache to the medium. */
int blk_flush(struct blkdev *d);
/* blk_flush() of every disk (reboot(2), as Linux's device_shutdown). */
int blk_flush_all(void);
/* The block device with number devnum, or NULL. */
struct blkdev *blk_get(uint64_t devnum);
/* The block device a path names (a block special file, e.g. the source of
 * mount(2) or root=): 0 and *out, -ENOENT, -ENOTBLK, -ENXIO. */
int blk_lookup_path(const char *path, struct blkdev **out);
/* The first device whose name matches (root=/dev/sda2 before /dev
 * exists), or NULL. */
struct blkdev *blk_get_by_name(const char *name);

/* The device registered after prev (NULL: the first), or NULL. Devices
 * are never unregistered, so the pointers stay valid. */
struct blkdev *blk_next(struct blkdev *prev);
/* /proc/partitions, in Linux's format, into buf; the length written
 * (at most size). */
size_t blk_partitions_show(char *buf, size_t size);
/* Starts the buffer cache's flusher thread; from pid 1 before the disk
 * drivers probe (a kernel thread started earlier would take pid 1). */
void blk_init(void);

/* The file ops of block special files (/dev/sda...): reads and writes
 * through the buffer cache, the BLK* ioctls (dev/blk_file.c). */
struct file_ops;
extern const struct file_ops blk_file_ops;

/* ---- the buffer cache (dev/blk_cache.c) ---- */

/* A cached block of size bytes (512..4096, a power of two) at block index
 * block (in units of size) of dev. Buffers carry no lock: callers that
 * change one serialize among themselves (a file system's own lock). */
struct buf {
	struct blkdev *dev;
	uint64_t block;
	unsigned size;
	unsigned flags; /* BUF_* */
	int refcount;
	void *data;
	struct list_head hash, lru;
};
#define BUF_VALID 0x1 /* data holds the block's contents */
#define BUF_DIRTY 0x2 /* data is newer than the disk */
#define BUF_BUSY 0x4  /* the cache's: a read or write is in flight */

/* The block, read from the disk if it is not cached; referenced.
 * ERR_PTR(-EIO) (or another errno) if it cannot be read. */
struct buf *bread(struct blkdev *dev, uint64_t block, unsigned size);
/* The block without reading it, for a caller about to overwrite all of
 * it: data is zeroed unless the buffer was already valid. Referenced;
 * ERR_PTR(-ENOMEM). */
struct buf *bget(struct blkdev *dev, uint64_t block, unsigned size);
/* Marks b changed; it is written back later (write-back). */
void bdirty(struct buf *b);
/* Writes b now if dirty; 0 or a negative errno. */
int bwrite(struct buf *b);
void brelse(struct buf *b);
/* Starts reads of n blocks after block that are not cached (sequential
 * read-ahead); does not wait. */
void bread_ahead(struct blkdev *dev, uint64_t block, unsigned size, unsigned n);
/* Writes back every dirty buffer of dev (NULL: of all devices) and
 * flushes the disks' caches. 0 or the first error. */
int blk_sync(struct blkdev *dev);
/* After an unmount: writes back and drops dev's buffers. */
int blk_invalidate(struct blkdev *dev);

#endif
