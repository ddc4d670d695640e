/* SPDX-License-Identifier: MIT */
/*
 * The kernel around the ext2 driver, on the host: a block device and
 * buffer cache over an image file, and just enough of the VFS (inodes,
 * dentries, super blocks) for ext2host.c to drive the driver's ops. The
 * image is then checked with e2fsck and debugfs by test/ext2host/run.py.
 */

#define _GNU_SOURCE
#include "test/ext2host/host.h"
#include "test/ext2host/host_io.h"

char *mm_host_phys_base;
struct page *mem_map;
const struct file_ops fifo_file_ops;
static struct cpu fake_cpu;

/* ---- memory, locks, time, logging ---- */

void *kmalloc(size_t n)
{
	return malloc(n ? n : 1);
}
void *kzalloc(size_t n)
{
	return calloc(1, n ? n : 1);
}
void kfree(const void *p)
{
	free((void *)p);
}
void mutex_init(struct mutex *m)
{
	(void)m;
}
void mutex_lock(struct mutex *m)
{
	(void)m;
}
void mutex_unlock(struct mutex *m)
{
	(void)m;
}
bool capable(void)
{
	return true;
}
struct linux_timespec current_time(void)
{
	return (struct linux_timespec){ time(NULL), 0 };
}
int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs(buf[0] == '\001' ? buf + 2 : buf, stderr);
	return 0;
}
/* Pages: an arena of HOST_PAGES frames at "physical" address 0. */
#define HOST_PAGES 32768
static uint32_t free_list[HOST_PAGES], nfree;
long host_live_pages;

static void pages_init(void)
{
	mem_map = calloc(HOST_PAGES, sizeof(struct page));
	mm_host_phys_base = calloc(HOST_PAGES, PAGE_SIZE);
	for (uint32_t k = 0; k < HOST_PAGES; k++)
		free_list[nfree++] = HOST_PAGES - 1 - k;
}

struct page *page_alloc(unsigned order, unsigned flags)
{
	struct page *p;

	if (order || !nfree)
		return NULL;
	p = &mem_map[free_list[--nfree]];
	p->refcount = 1;
	if (flags & PAGE_ZERO)
		memset(page_address(p), 0x00, PAGE_SIZE);
	else
		memset(page_address(p), 0xa5, PAGE_SIZE); /* show stale use */
	host_live_pages++;
	return p;
}

void page_put(struct page *p)
{
	if (p->refcount <= 0)
		abort();
	if (--p->refcount)
		return;
	free_list[nfree++] = (uint32_t)(p - mem_map);
	host_live_pages--;
}

/* `current` reads %gs:0: a CPU with no task running. */
void host_init(void)
{
	fake_cpu.self = &fake_cpu;
	pages_init();
	host_set_gs(&fake_cpu);
}

/* ---- the block device and buffer cache over an image file ---- */

#define NBUCKETS 65536
static struct list_head buckets[NBUCKETS];
static int img_fd = -1;
static struct blkdev img_dev = { .name = "img" };
long host_reads, host_writes, host_live_refs;

void host_attach(int fd, uint64_t bytes, bool ro)
{
	img_fd = fd;
	img_dev.sectors = bytes / 512;
	img_dev.flags = ro ? BLKDEV_READONLY : 0;
	for (int i = 0; i < NBUCKETS; i++)
		if (!buckets[i].next)
			list_init(&buckets[i]);
}

int blk_lookup_path(const char *path, struct blkdev **out)
{
	(void)path;
	if (img_fd < 0)
		return -ENXIO;
	*out = &img_dev;
	return 0;
}

static struct buf *find(uint64_t block, unsigned size)
{
	struct list_head *h = &buckets[(block * 7 + size) % NBUCKETS];
	struct buf *b;

	list_for_each_entry(b, h, hash) if (b->block == block &&
					    b->size == size) return b;
	b = calloc(1, sizeof(*b));
	b->dev = &img_dev;
	b->block = block;
	b->size = size;
	b->data = calloc(1, size);
	list_add_tail(&b->hash, h);
	return b;
}

static void check_range(uint64_t block, unsigned size)
{
	if ((block + 1) * size > img_dev.sectors * 512) {
		fprintf(stderr,
			"ext2host: access past the device: block %llu\n",
			(unsigned long long)block);
		abort();
	}
}

struct buf *bread(struct blkdev *dev, uint64_t block, unsigned size)
{
	struct buf *b;

	(void)dev;
	check_range(block, size);
	b = find(block, size);
	if (!(b->flags & BUF_VALID)) {
		if (host_pread(img_fd, b->data, size, block * size) !=
		    (long)size)
			return ERR_PTR(-EIO);
		host_reads++;
		b->flags |= BUF_VALID;
	}
	b->refcount++;
	host_live_refs++;
	return b;
}

struct buf *bget(struct blkdev *dev, uint64_t block, unsigned size)
{
	struct buf *b;

	(void)dev;
	check_range(block, size);
	b = find(block, size);
	if (!(b->flags & BUF_VALID))
		memset(b->data, 0, size);
	b->flags |= BUF_VALID;
	b->refcount++;
	host_live_refs++;
	return b;
}

void bdirty(struct buf *b)
{
	if (b->refcount <= 0)
		abort(); /* dirtying a buffer not held */
	b->flags |= BUF_DIRTY;
}

void brelse(struct buf *b)
{
	if (--b->refcount < 0)
		abort();
	host_live_refs--;
}

int bwrite(struct buf *b)
{
	if (!(b->flags & BUF_DIRTY))
		return 0;
	if (img_dev.flags & BLKDEV_READONLY)
		abort(); /* a read-only mount wrote */
	if (host_pwrite(img_fd, b->data, b->size, b->block * b->size) !=
	    (long)b->size)
		return -EIO;
	host_writes++;
	b->flags &= ~BUF_DIRTY;
	return 0;
}

void bread_ahead(struct blkdev *dev, uint64_t block, unsigned size, unsigned n)
{
	(void)dev;
	(void)block;
	(void)size;
	(void)n;
}

int blk_sync(struct blkdev *dev)
{
	(void)dev;
	for (int i = 0; i < NBUCKETS; i++) {
		struct buf *b;

		list_for_each_entry(b, &buckets[i], hash)
		{
			int err = bwrite(b);
			if (err)
				return err;
		}
	}
	return 0;
}

int blk_invalidate(struct blkdev *dev)
{
	int err = blk_sync(dev);

	for (int i = 0; i < NBUCKETS; i++) {
		while (!list_empty(&buckets[i])) {
			struct buf *b =
				list_first_entry(&buckets[i], struct buf, hash);
			list_del(&b->hash);
			free(b->data);
			free(b);
		}
	}
	return err;
}

/* ---- the VFS ---- */

static struct fs_type *types;

void fs_type_register(struct fs_type *t)
{
	t->next = types;
	types = t;
}

struct fs_type *fs_type_find(const char *name)
{
	for (struct fs_type *t = types; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

bool always_drop_dentry(struct dentry *d)
{
	(void)d;
	return true;
}

struct super_block *super_alloc(struct fs_type *type,
				const struct super_ops *ops, uint64_t magic)
{
	struct super_block *sb = calloc(1, sizeof(*sb));

	sb->type = type;
	sb->ops = ops;
	sb->magic = magic;
	sb->refcount = 1;
	return sb;
}

struct super_block *super_set_root(struct super_block *sb, struct inode *root)
{
	struct dentry *d = calloc(1, sizeof(*d));

	d->name = strdup("/");
	d->parent = d;
	d->sb = sb;
	d->inode = root;
	d->refcount = 1;
	sb->root = d;
	return sb;
}

long host_live_inodes;

struct inode *inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *i = calloc(1, sizeof(*i));

	i->sb = sb;
	i->mode = mode;
	i->nlink = 1;
	i->refcount = 1;
	i->atime = i->mtime = i->ctime = current_time();
	host_live_inodes++;
	return i;
}

void inode_get(struct inode *i)
{
	i->refcount++;
}

void inode_put(struct inode *i)
{
	if (!i || --i->refcount > 0)
		return;
	if (i->sb->ops && i->sb->ops->destroy_inode)
		i->sb->ops->destroy_inode(i);
	host_live_inodes--;
	free(i);
}

void inode_touch(struct inode *i, bool atime, bool mtime, bool ctime)
{
	struct linux_timespec now = current_time();

	if (atime)
		i->atime = now;
	if (mtime)
		i->mtime = now;
	if (ctime)
		i->ctime = now;
}

void dentry_instantiate(struct dentry *d, struct inode *inode)
{
	d->inode = inode;
}

int dentry_move(struct dentry *d, struct dentry *new_parent, const char *name,
		size_t len)
{
	free(d->name);
	d->name = strndup(name, len);
	d->parent = new_parent;
	return 0;
}

void dentry_unhash(struct dentry *d)
{
	(void)d;
}

int iobuf_put(const struct iobuf *b, size_t off, const void *src, size_t n)
{
	memcpy(b->kbuf + off, src, n);
	return 0;
}

int iobuf_get(const struct iobuf *b, size_t off, void *dst, size_t n)
{
	memcpy(dst, b->kbuf + off, n);
	return 0;
}

int iobuf_zero(const struct iobuf *b, size_t off, size_t n)
{
	memset(b->kbuf + off, 0, n);
	return 0;
}
