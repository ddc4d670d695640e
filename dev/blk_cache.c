/* SPDX-License-Identifier: MIT */
/* The buffer cache: blocks of block devices in memory, found by hash, aged
 * by LRU within a memory budget, written back by a flusher thread. */
#include "dev/blk_cache.h"
#include "mm/mm.h"

#define HASH_BITS 10
#define NHASH (1u << HASH_BITS)
#define FLUSH_INTERVAL_NS (5 * NSEC_PER_SEC)
#define BUDGET_MIN (1UL << 20)
#define BUDGET_MAX (256UL << 20)

static struct list_head hash[NHASH];
static LIST_HEAD(lru); /* every buffer; least recently used first */
static struct spinlock cache_lock = SPINLOCK_INIT("bcache");
/* Sleepers for a buffer's I/O and for write-back batches. */
static struct wait_queue buf_wq = WAIT_QUEUE_INIT(buf_wq);
static size_t cache_bytes, cache_budget;
static size_t cache_ndirty; /* buffers with BUF_DIRTY */
static bool cache_ready;
static struct blk_cache_stats stats;

/* A read or write of buffers that are adjacent on the disk. */
struct io_batch {
	struct blk_request r;
	unsigned n;
	struct buf *bufs[BLK_MAX_SEGS];
	struct wb_wait *wait; /* writes: the waiting blk_cache_writeback */
};

struct wb_wait {
	int pending; /* batches in flight */
	int error;
};

/* Under cache_lock: the hash table on first use (self-tests use the
 * cache before blk_init). */
static void cache_init_locked(void)
{
	if (cache_ready)
		return;
	for (unsigned i = 0; i < NHASH; i++)
		list_init(&hash[i]);
	if (!cache_budget) {
		cache_budget = page_total_count() * PAGE_SIZE / 8;
		cache_budget = MAX(cache_budget, BUDGET_MIN);
		cache_budget = MIN(cache_budget, BUDGET_MAX);
	}
	cache_ready = true;
}

static struct list_head *bucket(struct blkdev *dev, uint64_t block,
				unsigned size)
{
	uint64_t h = ((uint64_t)dev >> 4) ^ block ^ ((uint64_t)size << 40);

	return &hash[(h * 0x9e3779b97f4a7c15ULL) >> (64 - HASH_BITS)];
}

static struct buf *find_locked(struct blkdev *dev, uint64_t block,
			       unsigned size)
{
	struct buf *b;

	list_for_each_entry(b, bucket(dev, block, size),
			    hash) if (b->dev == dev && b->block == block &&
				      b->size == size) return b;
	return NULL;
}

/* Frees clean, unreferenced, idle buffers from the old end until need
 * more bytes fit in the budget (or none is left to free). */
static void evict_clean(size_t need)
{
	LIST_HEAD(victims);
	struct buf *b, *tmp;
	bool irq = spin_lock_irqsave(&cache_lock);

	list_for_each_entry_safe(b, tmp, &lru, lru)
	{
		if (cache_bytes + need <= cache_budget)
			break;
		if (b->refcount || (b->flags & (BUF_DIRTY | BUF_BUSY)))
			continue;
		list_del(&b->hash);
		list_del(&b->lru);
		list_add_tail(&b->lru, &victims);
		cache_bytes -= b->size;
		stats.evictions++;
	}
	spin_unlock_irqrestore(&cache_lock, irq);
	list_for_each_entry_safe(b, tmp, &victims, lru)
	{
		kfree(b->data);
		kfree(b);
	}
}

static bool over_budget(size_t need)
{
	return READ_ONCE(cache_bytes) + need > READ_ONCE(cache_budget);
}

/* Makes room for need bytes: clean buffers go first; if only dirty ones
 * are left, they are written back and then go. Referenced buffers stay,
 * so the budget may be exceeded while they are in use. */
static void make_room(size_t need)
{
	if (!over_budget(need))
		return;
	evict_clean(need);
	if (over_budget(need)) {
		blk_cache_writeback(NULL);
		evict_clean(need);
	}
}

/* The buffer for (dev, block, size), referenced; created empty if it is
 * not cached. ERR_PTR(-ENOMEM). */
static struct buf *getblk(struct blkdev *dev, uint64_t block, unsigned size)
{
	struct buf *b, *nb;
	bool irq;

	make_room(size);
	irq = spin_lock_irqsave(&cache_lock);
	cache_init_locked();
	b = find_locked(dev, block, size);
	if (b)
		goto found;
	spin_unlock_irqrestore(&cache_lock, irq);
	nb = kzalloc(sizeof(*nb));
	if (nb)
		nb->data = kmalloc(size);
	if (!nb || !nb->data) {
		kfree(nb);
		return ERR_PTR(-ENOMEM);
	}
	nb->dev = dev;
	nb->block = block;
	nb->size = size;
	irq = spin_lock_irqsave(&cache_lock);
	b = find_locked(dev, block, size);
	if (b) {
		kfree(nb->data); /* kfree takes its own lock: safe here */
		kfree(nb);
		goto found;
	}
	b = nb;
	list_add(&b->hash, bucket(dev, block, size));
	list_add_tail(&b->lru, &lru);
	cache_bytes += size;
	b->refcount = 1;
	spin_unlock_irqrestore(&cache_lock, irq);
	return b;
found:
	b->refcount++;
	list_del(&b->lru);
	list_add_tail(&b->lru, &lru);
	spin_unlock_irqrestore(&cache_lock, irq);
	return b;
}

/* ---- I/O ---- */

/* Finishes a batch, from the driver's completion (any context). */
static void io_done(struct blk_request *r)
{
	struct io_batch *io = (struct io_batch *)r;
	struct wb_wait *w = io->wait;
	bool irq = spin_lock_irqsave(&cache_lock);

	for (unsigned i = 0; i < io->n; i++) {
		struct buf *b = io->bufs[i];

		b->flags &= ~BUF_BUSY;
		if (r->op == BLK_READ && !r->error)
			b->flags |= BUF_VALID;
		b->refcount--; /* the batch's reference */
	}
	spin_unlock_irqrestore(&cache_lock, irq);
	if (w) {
		if (r->error)
			__atomic_compare_exchange_n(&w->error, &(int){ 0 },
						    r->error, false,
						    __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED);
		/* The last touch of the waiter's memory. */
		__atomic_sub_fetch(&w->pending, 1, __ATOMIC_RELEASE);
	}
	kfree(io);
	wake_up(&buf_wq);
}

/* Starts io (its buffers BUSY and referenced for it). If it cannot be
 * started, undoes that as a failed completion would. */
static void io_start(struct io_batch *io, enum blk_op op)
{
	struct blk_request *r = &io->r;
	struct buf *first = io->bufs[0];
	int err;

	r->dev = first->dev;
	r->op = op;
	r->sector = first->block * (first->size / SECTOR_SIZE);
	r->count = io->n * (first->size / SECTOR_SIZE);
	r->nseg = io->n;
	for (unsigned i = 0; i < io->n; i++)
		r->seg[i] = (struct blk_seg){ virt_to_phys(io->bufs[i]->data),
					      first->size };
	r->done = io_done;
	if (io->wait)
		__atomic_add_fetch(&io->wait->pending, 1, __ATOMIC_RELAXED);
	err = blk_submit(r);
	if (err)
		blk_complete(r, err);
}

/* Takes b for I/O if nobody else has it: BUSY and one more reference. */
static bool claim(struct buf *b, bool for_read)
{
	bool ok, irq = spin_lock_irqsave(&cache_lock);

	ok = !(b->flags & BUF_BUSY) &&
	     (for_read ? !(b->flags & BUF_VALID) : !!(b->flags & BUF_DIRTY));
	if (ok) {
		b->flags |= BUF_BUSY;
		if (!for_read) {
			b->flags &= ~BUF_DIRTY;
			cache_ndirty--;
		}
		b->refcount++;
	}
	spin_unlock_irqrestore(&cache_lock, irq);
	return ok;
}

static bool block_ok(struct blkdev *dev, uint64_t block, unsigned size)
{
	uint64_t per = size / SECTOR_SIZE;

	return block < dev->sectors / per;
}

static bool size_ok(unsigned size)
{
	return size >= SECTOR_SIZE && size <= PAGE_SIZE && !(size & (size - 1));
}

/* Gives back a buffer claim() took without starting its I/O. */
static void unclaim(struct buf *b)
{
	bool irq = spin_lock_irqsave(&cache_lock);

	b->flags &= ~BUF_BUSY;
	b->refcount--;
	spin_unlock_irqrestore(&cache_lock, irq);
	wake_up(&buf_wq);
}

void blk_cache_readahead(struct blkdev *dev, uint64_t first, unsigned size,
			 unsigned n)
{
	struct io_batch *io = NULL;

	if (!size_ok(size))
		return;
	for (uint64_t blk = first; blk < first + n; blk++) {
		struct buf *b;
		bool taken;

		if (!block_ok(dev, blk, size))
			break;
		b = getblk(dev, blk, size);
		if (IS_ERR(b))
			break;
		taken = claim(b, true);
		brelse(b); /* claim took the batch's own reference */
		if (!taken) {
			if (io)
				io_start(io, BLK_READ);
			io = NULL;
			continue;
		}
		if (!io)
			io = kzalloc(sizeof(*io));
		if (!io) {
			unclaim(b);
			break;
		}
		io->bufs[io->n++] = b;
		if (io->n == BLK_MAX_SEGS) {
			io_start(io, BLK_READ);
			io = NULL;
		}
	}
	if (io)
		io_start(io, BLK_READ);
}

void bread_ahead(struct blkdev *dev, uint64_t block, unsigned size, unsigned n)
{
	blk_cache_readahead(dev, block + 1, size, n);
}

/* Reads b (referenced by the caller) unless it is valid; sleeps. */
static int read_buf(struct buf *b)
{
	bool tried = false;

	for (;;) {
		if (READ_ONCE(b->flags) & BUF_VALID)
			return 0;
		if (claim(b, true)) {
			struct io_batch *io = kzalloc(sizeof(*io));

			if (!io) {
				unclaim(b);
				return -ENOMEM;
			}
			io->bufs[io->n++] = b;
			io_start(io, BLK_READ);
			tried = true;
			__atomic_add_fetch(&stats.misses, 1, __ATOMIC_RELAXED);
		}
		wait_event(&buf_wq, !(READ_ONCE(b->flags) & BUF_BUSY));
		if (!(READ_ONCE(b->flags) & BUF_VALID) && tried)
			return -EIO;
	}
}

struct buf *bread(struct blkdev *dev, uint64_t block, unsigned size)
{
	struct buf *b;
	int err;

	if (!size_ok(size))
		return ERR_PTR(-EINVAL);
	if (!block_ok(dev, block, size))
		return ERR_PTR(-EIO);
	b = getblk(dev, block, size);
	if (IS_ERR(b))
		return b;
	if (READ_ONCE(b->flags) & BUF_VALID)
		__atomic_add_fetch(&stats.hits, 1, __ATOMIC_RELAXED);
	err = read_buf(b);
	if (err) {
		brelse(b);
		return ERR_PTR(err);
	}
	return b;
}

struct buf *bget(struct blkdev *dev, uint64_t block, unsigned size)
{
	struct buf *b;

	if (!size_ok(size))
		return ERR_PTR(-EINVAL);
	if (!block_ok(dev, block, size))
		return ERR_PTR(-EIO);
	b = getblk(dev, block, size);
	if (IS_ERR(b))
		return b;
	/* A read in flight would land on top of the caller's data. */
	wait_event(&buf_wq, !(READ_ONCE(b->flags) & BUF_BUSY));
	if (!(READ_ONCE(b->flags) & BUF_VALID))
		memset(b->data, 0, size);
	return b;
}

void bdirty(struct buf *b)
{
	bool irq = spin_lock_irqsave(&cache_lock);

	if (!(b->flags & BUF_DIRTY))
		cache_ndirty++;
	b->flags |= BUF_VALID | BUF_DIRTY;
	spin_unlock_irqrestore(&cache_lock, irq);
}

void brelse(struct buf *b)
{
	bool irq;

	if (IS_ERR_OR_NULL(b))
		return;
	irq = spin_lock_irqsave(&cache_lock);
	ASSERT(b->refcount > 0);
	b->refcount--;
	spin_unlock_irqrestore(&cache_lock, irq);
}

static int wait_batches(struct wb_wait *w)
{
	wait_event(&buf_wq, !__atomic_load_n(&w->pending, __ATOMIC_ACQUIRE));
	return w->error;
}

int bwrite(struct buf *b)
{
	struct wb_wait w = { 0, 0 };
	struct io_batch *io;

	for (;;) {
		/* A write-back in flight has not reached the disk yet. */
		wait_event(&buf_wq, !(READ_ONCE(b->flags) & BUF_BUSY));
		if (!(READ_ONCE(b->flags) & BUF_DIRTY))
			return 0;
		if (claim(b, false))
			break;
	}
	io = kzalloc(sizeof(*io));
	if (!io) {
		bdirty(b);
		unclaim(b);
		return -ENOMEM;
	}
	io->bufs[io->n++] = b;
	io->wait = &w;
	io_start(io, BLK_WRITE);
	return wait_batches(&w);
}

/* ---- write-back ---- */

static bool buf_before(const struct buf *a, const struct buf *b)
{
	if (a->dev != b->dev)
		return (uint64_t)a->dev < (uint64_t)b->dev;
	if (a->size != b->size)
		return a->size < b->size;
	return a->block < b->block;
}

/* Shell sort: by device, size and block, so neighbours on the disk
 * become one request. */
static void sort_bufs(struct buf **v, size_t n)
{
	for (size_t gap = n / 2; gap; gap /= 2)
		for (size_t i = gap; i < n; i++) {
			struct buf *t = v[i];
			size_t j = i;

			for (; j >= gap && buf_before(t, v[j - gap]); j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}

/* Takes up to max dirty, idle buffers of dev (NULL: any) for writing. */
static size_t collect_dirty(struct blkdev *dev, struct buf **v, size_t max)
{
	struct buf *b;
	size_t n = 0;
	bool irq = spin_lock_irqsave(&cache_lock);

	list_for_each_entry(b, &lru, lru)
	{
		if (n == max)
			break;
		if (!(b->flags & BUF_DIRTY) || (b->flags & BUF_BUSY) ||
		    (dev && b->dev != dev))
			continue;
		b->flags = (b->flags | BUF_BUSY) & ~BUF_DIRTY;
		cache_ndirty--;
		b->refcount++;
		v[n++] = b;
	}
	spin_unlock_irqrestore(&cache_lock, irq);
	return n;
}

static size_t count_dirty(struct blkdev *dev)
{
	struct buf *b;
	size_t n = 0;
	bool irq = spin_lock_irqsave(&cache_lock);

	if (!dev)
		n = cache_ndirty; /* the flusher: no walk when all is clean */
	else if (cache_ready)
		list_for_each_entry(b, &lru, lru)
			n += (b->flags & BUF_DIRTY) && b->dev == dev;
	spin_unlock_irqrestore(&cache_lock, irq);
	return n;
}

/* Writes v[0..n) (sorted) in batches of adjacent blocks; waits. */
static int write_sorted(struct buf **v, size_t n)
{
	struct wb_wait w = { 0, 0 };
	struct io_batch *io = NULL;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		struct buf *b = v[i], *prev = io ? io->bufs[io->n - 1] : NULL;

		if (io &&
		    (io->n == BLK_MAX_SEGS || prev->dev != b->dev ||
		     prev->size != b->size || prev->block + 1 != b->block)) {
			io_start(io, BLK_WRITE);
			io = NULL;
		}
		if (!io)
			io = kzalloc(sizeof(*io));
		if (!io) {
			for (; i < n; i++) {
				bdirty(v[i]);
				unclaim(v[i]);
			}
			err = -ENOMEM;
			break;
		}
		io->wait = &w;
		io->bufs[io->n++] = b;
	}
	if (io)
		io_start(io, BLK_WRITE);
	return wait_batches(&w) ?: err;
}

int blk_cache_writeback(struct blkdev *dev)
{
	size_t max = count_dirty(dev), n;
	struct buf **v;
	int err;

	if (!max)
		return 0;
	v = kmalloc(max * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = collect_dirty(dev, v, max);
	sort_bufs(v, n);
	err = write_sorted(v, n);
	__atomic_add_fetch(&stats.writebacks, n, __ATOMIC_RELAXED);
	kfree(v);
	return err;
}

int blk_sync(struct blkdev *dev)
{
	int err = blk_cache_writeback(dev), e;

	for (struct blkdev *d = blk_next(NULL); d; d = blk_next(d)) {
		if (dev ? d != dev : d->parent != NULL)
			continue;
		e = blk_flush(d);
		if (e && e != -EOPNOTSUPP && !err)
			err = e;
	}
	return err;
}

int blk_invalidate(struct blkdev *dev)
{
	int err = blk_sync(dev);
	LIST_HEAD(victims);
	struct buf *b, *tmp;
	bool irq = spin_lock_irqsave(&cache_lock);

	if (cache_ready)
		list_for_each_entry_safe(b, tmp, &lru, lru)
		{
			if (b->dev != dev || b->refcount ||
			    (b->flags & (BUF_DIRTY | BUF_BUSY)))
				continue;
			list_del(&b->hash);
			list_del(&b->lru);
			list_add_tail(&b->lru, &victims);
			cache_bytes -= b->size;
		}
	spin_unlock_irqrestore(&cache_lock, irq);
	list_for_each_entry_safe(b, tmp, &victims, lru)
	{
		kfree(b->data);
		kfree(b);
	}
	return err;
}

bool blk_cache_has(struct blkdev *dev, uint64_t block, unsigned size)
{
	bool irq = spin_lock_irqsave(&cache_lock), has;
	struct buf *b;

	cache_init_locked();
	b = find_locked(dev, block, size);
	has = b && (b->flags & BUF_VALID);
	spin_unlock_irqrestore(&cache_lock, irq);
	return has;
}

void blk_cache_get_stats(struct blk_cache_stats *st)
{
	bool irq = spin_lock_irqsave(&cache_lock);

	cache_init_locked();
	*st = stats;
	st->bytes = cache_bytes;
	st->budget = cache_budget;
	st->dirty = cache_ndirty;
	spin_unlock_irqrestore(&cache_lock, irq);
}

size_t blk_cache_set_budget(size_t bytes)
{
	bool irq = spin_lock_irqsave(&cache_lock);
	size_t old;

	cache_init_locked();
	old = cache_budget;
	cache_budget = bytes;
	spin_unlock_irqrestore(&cache_lock, irq);
	return old;
}

/* The flusher: every FLUSH_INTERVAL_NS, dirty buffers go to the disks
 * (Linux's periodic write-back; the disks' caches are not flushed). */
static int flusher(void *unused)
{
	static struct wait_queue never = WAIT_QUEUE_INIT(never);

	(void)unused;
	for (;;) {
		uint64_t deadline = time_ns() + FLUSH_INTERVAL_NS;
		int err;

		while (time_ns() < deadline)
			wait_event_interruptible_deadline(&never, false,
							  deadline);
		err = blk_cache_writeback(NULL);
		if (err)
			pr_warn("blk: write-back failed (%d)\n", err);
	}
	return 0;
}

void blk_init(void)
{
	if (!kthread_start("blk_flush", flusher, NULL))
		pr_err("blk: cannot start the flusher thread\n");
}
