/* SPDX-License-Identifier: MIT */
/* The block layer's core: the registry of disks and partitions (sdX
 * names, Linux numbers), request checks and remapping, synchronous I/O. */
#include "dev/blk.h"
#include "dev/blk_part.h"
#include "mm/mm.h"
#include "vfs/vfs.h"

#define MAX_DISKS 16	   /* major 8 holds sda..sdp */
#define RW_MAX_SECTORS 256 /* one blk_rw request: 128 KiB */

static LIST_HEAD(blk_list);
static struct spinlock blk_lock = SPINLOCK_INIT("blk");
static unsigned ndisks;
/* blk_rw's sleepers; a global queue outlives every request. */
static struct wait_queue rw_wait = WAIT_QUEUE_INIT(rw_wait);

struct blkdev *blk_next(struct blkdev *prev)
{
	struct list_head *n;
	struct blkdev *d = NULL;
	bool irq = spin_lock_irqsave(&blk_lock);

	n = prev ? prev->link.next : blk_list.next;
	if (n != &blk_list)
		d = list_entry(n, struct blkdev, link);
	spin_unlock_irqrestore(&blk_lock, irq);
	return d;
}

struct blkdev *blk_get(uint64_t devnum)
{
	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d))
		if (d->devnum == devnum)
			return d;
	return NULL;
}

struct blkdev *blk_get_by_name(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		name += 5;
	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d))
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

int blk_lookup_path(const char *path, struct blkdev **out)
{
	struct path p;
	struct blkdev *d;
	int err = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);

	if (err)
		return err;
	if (!S_ISBLK(p.dentry->inode->mode)) {
		path_put(&p);
		return -ENOTBLK;
	}
	d = blk_get(p.dentry->inode->rdev);
	path_put(&p);
	if (!d)
		return -ENXIO;
	*out = d;
	return 0;
}

/* ---- requests ---- */

static int check_request(const struct blk_request *r)
{
	const struct blkdev *d = r->dev;
	uint64_t bytes = 0;

	if (r->op == BLK_FLUSH)
		return r->count || r->nseg ? -EINVAL : 0;
	if (r->op != BLK_READ && r->op != BLK_WRITE)
		return -EINVAL;
	if (!r->count || !r->nseg || r->nseg > BLK_MAX_SEGS)
		return -EINVAL;
	for (unsigned i = 0; i < r->nseg; i++) {
		if (!r->seg[i].len || r->seg[i].len % SECTOR_SIZE)
			return -EINVAL;
		bytes += r->seg[i].len;
	}
	if (bytes != (uint64_t)r->count * SECTOR_SIZE)
		return -EINVAL;
	if (r->sector >= d->sectors || r->count > d->sectors - r->sector)
		return -EIO; /* as Linux: I/O beyond the end of the device */
	if (r->op == BLK_WRITE &&
	    ((d->flags & BLKDEV_READONLY) ||
	     (d->parent && (d->parent->flags & BLKDEV_READONLY))))
		return -EROFS;
	return 0;
}

int blk_submit(struct blk_request *r)
{
	struct blkdev *disk = r->dev;
	int err = check_request(r);

	if (err)
		return err;
	if (disk->parent) {
		r->sector += disk->start;
		disk = disk->parent;
	}
	r->error = 0;
	return disk->ops->submit(disk, r);
}

void blk_complete(struct blk_request *r, int err)
{
	r->error = err;
	r->done(r);
}

struct rw_wait {
	volatile bool done;
};

static void rw_done(struct blk_request *r)
{
	struct rw_wait *w = r->private;

	/* The last touch of the sleeper's stack; the queue is global. */
	WRITE_ONCE(w->done, true);
	wake_up(&rw_wait);
}

/* Submits r and sleeps until it completes: 0 or a negative errno. */
static int submit_wait(struct blk_request *r)
{
	struct rw_wait w = { false };
	int err;

	r->done = rw_done;
	r->private = &w;
	err = blk_submit(r);
	if (err)
		return err;
	wait_event(&rw_wait, READ_ONCE(w.done));
	return r->error;
}

/* The physical address of kernel address va, or ~0 if it has none. */
static uint64_t kva_to_phys(const void *va)
{
	uint64_t a = (uint64_t)va, *pte;

	if (a < KERNEL_SPACE_START)
		return ~0ULL;
	if (a < VMALLOC_START || a >= KERNEL_VIRT_BASE)
		return virt_to_phys(va);
	pte = pt_walk(kernel_pml4_phys, a & PAGE_MASK, false);
	if (!pte || !(*pte & PTE_P))
		return ~0ULL;
	return (*pte & PTE_ADDR) | (a & ~PAGE_MASK);
}

/* Fills r's segments for len bytes at buf, merging physically adjacent
 * pages. false if buf cannot be described (no mapping, too many pieces
 * or pieces that are not whole sectors). */
static bool build_segs(struct blk_request *r, char *buf, size_t len)
{
	r->nseg = 0;
	while (len) {
		size_t in_page = PAGE_SIZE - ((uint64_t)buf & ~PAGE_MASK);
		size_t n = MIN(len, in_page);
		uint64_t phys = kva_to_phys(buf);
		struct blk_seg *last = r->nseg ? &r->seg[r->nseg - 1] : NULL;

		if (phys == ~0ULL)
			return false;
		if (last && last->phys + last->len == phys) {
			last->len += n;
		} else {
			if (r->nseg == BLK_MAX_SEGS)
				return false;
			r->seg[r->nseg++] = (struct blk_seg){ phys, n };
		}
		buf += n;
		len -= n;
	}
	for (unsigned i = 0; i < r->nseg; i++)
		if (r->seg[i].len % SECTOR_SIZE)
			return false;
	return true;
}

/* One request of count sectors (at most RW_MAX_SECTORS), through a
 * bounce buffer when buf's memory cannot be handed to a DMA engine as
 * it is (odd alignment, pieces that are not whole sectors). */
static int rw_chunk(struct blkdev *d, uint64_t sector, char *buf,
		    uint32_t count, bool write)
{
	struct blk_request *r = kzalloc(sizeof(*r));
	size_t len = (size_t)count * SECTOR_SIZE;
	char *bounce = NULL;
	int err;

	if (!r)
		return -ENOMEM;
	r->dev = d;
	r->op = write ? BLK_WRITE : BLK_READ;
	r->sector = sector;
	r->count = count;
	if (((uint64_t)buf & 3) || !build_segs(r, buf, len)) {
		bounce = kmalloc(len);
		if (!bounce || !build_segs(r, bounce, len)) {
			err = -ENOMEM;
			goto out;
		}
		if (write)
			memcpy(bounce, buf, len);
	}
	err = submit_wait(r);
	if (!err && bounce && !write)
		memcpy(buf, bounce, len);
out:
	kfree(bounce);
	kfree(r);
	return err;
}

int blk_rw(struct blkdev *d, uint64_t sector, void *buf, uint32_t count,
	   bool write)
{
	char *p = buf;

	while (count) {
		uint32_t n = MIN(count, RW_MAX_SECTORS);
		int err = rw_chunk(d, sector, p, n, write);

		if (err)
			return err;
		sector += n;
		p += (size_t)n * SECTOR_SIZE;
		count -= n;
	}
	return 0;
}

int blk_flush(struct blkdev *d)
{
	struct blk_request *r = kzalloc(sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->dev = d->parent ? d->parent : d;
	r->op = BLK_FLUSH;
	err = submit_wait(r);
	kfree(r);
	return err;
}

int blk_flush_all(void)
{
	int err = 0;

	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d)) {
		int e = d->parent ? 0 : blk_flush(d);
		if (e && !err)
			err = e;
	}
	return err;
}

/* ---- registration ---- */

static void add_to_list(struct blkdev *d)
{
	bool irq = spin_lock_irqsave(&blk_lock);

	list_add_tail(&d->link, &blk_list);
	spin_unlock_irqrestore(&blk_lock, irq);
}

/* The /dev node; devtmpfs is absent only in early self-tests. */
static void make_node(struct blkdev *d)
{
	int err = devtmpfs_create(d->name, S_IFBLK | 0660, d->devnum);

	if (err && err != -ENODEV && err != -EEXIST)
		pr_warn("%s: cannot create /dev/%s (%d)\n", d->name, d->name,
			err);
}

static int read_sector(void *ctx, uint64_t sector, void *buf)
{
	return blk_rw(ctx, sector, buf, 1, false);
}

/* Registers one partition of disk; clipped to the disk as Linux's
 * add_partition does. Appends its name to the log line in line. */
static void add_partition(struct blkdev *disk, const struct blk_part_info *p,
			  char *line, size_t size)
{
	struct blkdev *d;
	uint64_t sectors = p->sectors;
	size_t len = strlen(line);

	if (p->start >= disk->sectors) {
		pr_warn("%s: p%u start %llu is beyond EOD\n", disk->name,
			p->partno, (unsigned long long)p->start);
		return;
	}
	if (sectors > disk->sectors - p->start) {
		pr_warn("%s: p%u size %llu extends beyond EOD, truncated\n",
			disk->name, p->partno, (unsigned long long)sectors);
		sectors = disk->sectors - p->start;
	}
	d = kzalloc(sizeof(*d));
	if (!d)
		return;
	ksnprintf(d->name, sizeof(d->name), "%s%u", disk->name, p->partno);
	d->devnum = disk->devnum + p->partno;
	d->sectors = sectors;
	d->flags = disk->flags;
	d->parent = disk;
	d->start = p->start;
	d->partno = p->partno;
	memcpy(d->model, disk->model, sizeof(d->model));
	add_to_list(d);
	make_node(d);
	ksnprintf(line + len, size - len, "%s %s", p->partno == 5 ? " <" : "",
		  d->name);
}

/* Reads the partition table and registers what it holds; logs
 * "sda: sda1 sda2 < sda5 sda6 >" as Linux. */
static void scan_partitions(struct blkdev *disk)
{
	struct blk_part_info parts[BLK_PART_MAX];
	enum blk_part_kind kind;
	char line[160];
	int n = blk_part_parse(read_sector, disk, disk->sectors, parts,
			       BLK_PART_MAX, &kind);
	bool logical = false;

	ksnprintf(line, sizeof(line), "%s:", disk->name);
	if (n < 0)
		pr_warn("%s: cannot read the partition table (%d)\n",
			disk->name, n);
	for (int i = 0; i < n; i++) {
		add_partition(disk, &parts[i], line, sizeof(line));
		logical |= parts[i].partno >= 5;
	}
	if (logical)
		strlcpy(line + strlen(line), " >", sizeof(line) - strlen(line));
	pr_info(" %s\n", line);
}

static void disk_name(unsigned index, char *buf, size_t size)
{
	ksnprintf(buf, size, "sd%c", 'a' + index);
}

int blk_register_disk(struct blkdev *d)
{
	bool irq = spin_lock_irqsave(&blk_lock);
	unsigned index = ndisks;
	uint64_t bytes = d->sectors * SECTOR_SIZE, unit;

	if (index >= MAX_DISKS) {
		spin_unlock_irqrestore(&blk_lock, irq);
		return -ENOSPC;
	}
	ndisks++;
	spin_unlock_irqrestore(&blk_lock, irq);
	disk_name(index, d->name, sizeof(d->name));
	d->devnum = MKDEV(SCSI_DISK_MAJOR, index * (BLK_PART_MAX + 1));
	d->parent = NULL;
	d->start = 0;
	d->partno = 0;
	add_to_list(d);
	/* "sda: 2097152 sectors (1.07 GB) QEMU HARDDISK", decimal units as
	 * sd.c prints them. */
	unit = bytes >= 1000000000 ? 1000000000 : 1000000;
	pr_info("%s: %llu sectors (%llu.%02llu %s)%s %s\n", d->name,
		(unsigned long long)d->sectors,
		(unsigned long long)(bytes / unit),
		(unsigned long long)(bytes % unit / (unit / 100)),
		unit == 1000000 ? "MB" : "GB",
		(d->flags & BLKDEV_READONLY) ? " [ro]" : "", d->model);
	make_node(d);
	scan_partitions(d);
	return 0;
}

/* ---- /proc/partitions ---- */

size_t blk_partitions_show(char *buf, size_t size)
{
	size_t n = ksnprintf(buf, size, "major minor  #blocks  name\n\n");

	/* block/genhd.c show_partition(): "%4d  %7d %10llu %pg\n". */
	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d))
		n += ksnprintf(buf + n, n < size ? size - n : 0,
			       "%4u  %7u %10llu %s\n", MAJOR(d->devnum),
			       MINOR(d->devnum),
			       (unsigned long long)(d->sectors >> 1), d->name);
	return MIN(n, size);
}
