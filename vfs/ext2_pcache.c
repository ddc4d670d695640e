/* SPDX-License-Identifier: MIT */
/*
 * The page cache of ext2 regular files: pages keyed by index that read,
 * write and mmap (get_page) all go through, so a MAP_SHARED mapping sees
 * write(2) and the other way round. Pages are written back through the
 * block map into the buffer cache on fsync, sync, unmount and when the
 * inode leaves memory. Mapped pages carry no dirty bit (no PTE dirty
 * tracking), so they are compared with the disk's copy at write-back.
 */
#include "vfs/ext2.h"

#define PC_BUCKETS 256
#ifndef PC_MAX_PAGES
#define PC_MAX_PAGES 2048 /* per file; then clean pages are let go */
#endif
#define EXT2_READAHEAD 32 /* blocks */

struct ext2_pent {
	uint64_t index;
	struct page *page;
	bool dirty;  /* written by write(2) since the last write-back */
	bool mapped; /* handed to mmap: may change behind our back */
	struct ext2_pent *next;
};

struct ext2_pcache {
	struct mutex lock;
	unsigned count; /* pages cached */
	struct ext2_pent *bucket[PC_BUCKETS];
};

static int write_page(struct inode *i, struct ext2_pent *e);

static struct ext2_pcache *pc_of(struct inode *i, bool create)
{
	struct ext2_inode_info *ei = EI(i);
	struct ext2_pcache *pc = __atomic_load_n(&ei->pcache, __ATOMIC_ACQUIRE);

	if (pc || !create)
		return pc;
	pc = kzalloc(sizeof(*pc));
	if (!pc)
		return NULL;
	mutex_init(&pc->lock);
	struct ext2_pcache *none = NULL;
	if (!__atomic_compare_exchange_n(&ei->pcache, &none, pc, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		kfree(pc);
		pc = none;
	}
	return pc;
}

/* Starts reads of the blocks after blk that follow it on disk as they
 * follow lb in the file (sequential read-ahead). */
static void read_ahead(struct inode *i, uint64_t lb, uint32_t blk)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	uint64_t last = (i->size + s->g.block_size - 1) >> s->g.block_bits;
	unsigned n = 0;

	while (n < EXT2_READAHEAD && lb + n + 1 < last) {
		uint32_t next;

		if (ext2_bmap(i, lb + n + 1, false, &next, NULL) ||
		    next != blk + n + 1)
			break;
		n++;
	}
	if (n)
		bread_ahead(s->dev, blk + 1, s->g.block_size, n);
}

/* Reads the blocks of page index that lie before the end of file. */
static int fill_page(struct inode *i, uint64_t index, char *data)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	unsigned per = PAGE_SIZE >> s->g.block_bits;

	for (unsigned k = 0; k < per; k++) {
		uint64_t lb = index * per + k;
		uint32_t blk;
		struct buf *b;
		int err;

		if ((lb << s->g.block_bits) >= i->size)
			break;
		err = ext2_bmap(i, lb, false, &blk, NULL);
		if (err)
			return err;
		if (!blk)
			continue; /* a hole: zeros */
		if (lb % EXT2_READAHEAD == 0)
			read_ahead(i, lb, blk);
		b = bread(s->dev, blk, s->g.block_size);
		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		memcpy(data + (k << s->g.block_bits), b->data, s->g.block_size);
		brelse(b);
	}
	return 0;
}

/* Keeps a file's cache bounded (a big file read through once must not
 * pin all of it): pages nobody else holds and no mapping changed are
 * written back if dirty (their blocks exist since write(2)) and let go,
 * down to half the limit. Caller holds pc->lock. */
static void shrink(struct inode *i, struct ext2_pcache *pc)
{
	for (unsigned n = 0; n < PC_BUCKETS && pc->count > PC_MAX_PAGES / 2;
	     n++) {
		struct ext2_pent **pp = &pc->bucket[n];

		while (*pp) {
			struct ext2_pent *e = *pp;

			if (e->mapped || e->page->refcount != 1 ||
			    (e->dirty && write_page(i, e))) {
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			page_put(e->page);
			kfree(e);
			pc->count--;
		}
	}
}

/* The cached page at index, read in if fill (else zeroed) when new.
 * Caller holds pc->lock. */
static int lookup(struct inode *i, struct ext2_pcache *pc, uint64_t index,
		  bool fill, struct ext2_pent **out)
{
	struct ext2_pent **head = &pc->bucket[index % PC_BUCKETS], *e;
	int err;

	for (e = *head; e; e = e->next)
		if (e->index == index) {
			*out = e;
			return 0;
		}
	if (pc->count >= PC_MAX_PAGES)
		shrink(i, pc);
	e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->page = page_alloc(0, PAGE_ZERO);
	if (!e->page) {
		kfree(e);
		return -ENOMEM;
	}
	e->index = index;
	err = fill ? fill_page(i, index, page_address(e->page)) : 0;
	if (err) {
		page_put(e->page);
		kfree(e);
		return err;
	}
	e->next = *head;
	*head = e;
	pc->count++;
	*out = e;
	return 0;
}

int ext2_pc_page(struct inode *i, uint64_t index, bool fill, bool write,
		 bool map, struct page **out)
{
	struct ext2_pcache *pc = pc_of(i, true);
	struct ext2_pent *e;
	int err;

	if (!pc)
		return -ENOMEM;
	mutex_lock(&pc->lock);
	err = lookup(i, pc, index, fill, &e);
	if (!err) {
		e->dirty |= write;
		e->mapped |= map;
		page_get(e->page);
		*out = e->page;
	}
	mutex_unlock(&pc->lock);
	return err;
}

/* Copies the blocks of e below the end of file to the buffer cache. A
 * block of a page that was only mapped is written if it changed; a hole
 * stays a hole while its bytes are zero. */
static int write_page(struct inode *i, struct ext2_pent *e)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	unsigned per = PAGE_SIZE >> s->g.block_bits, bs = s->g.block_size;
	const char *data = page_address(e->page);

	for (unsigned k = 0; k < per; k++) {
		uint64_t lb = e->index * per + k;
		const char *src = data + k * bs;
		uint32_t blk;
		struct buf *b;
		int err;

		if ((lb << s->g.block_bits) >= i->size)
			break;
		err = ext2_bmap(i, lb, false, &blk, NULL);
		if (!err && !blk) {
			bool zero = true;
			for (unsigned n = 0; n < bs && zero; n++)
				zero = !src[n];
			if (zero)
				continue;
			err = ext2_bmap(i, lb, true, &blk, NULL);
		}
		if (err)
			return err;
		b = e->dirty ? bget(s->dev, blk, bs) : bread(s->dev, blk, bs);
		if (IS_ERR(b))
			return (int)PTR_ERR(b);
		if (e->dirty || memcmp(b->data, src, bs)) {
			memcpy(b->data, src, bs);
			bdirty(b);
		}
		brelse(b);
	}
	e->dirty = false;
	if (e->page->refcount == 1)
		e->mapped = false; /* no mapping holds it any more */
	return 0;
}

bool ext2_pc_hole(struct inode *i, uint64_t index)
{
	struct ext2_sb *s = EXT2_SB(i->sb);
	struct ext2_pcache *pc = pc_of(i, false);
	unsigned per = PAGE_SIZE >> s->g.block_bits;

	if (pc) {
		bool cached = false;

		mutex_lock(&pc->lock);
		for (struct ext2_pent *e = pc->bucket[index % PC_BUCKETS]; e;
		     e = e->next)
			cached |= e->index == index;
		mutex_unlock(&pc->lock);
		if (cached)
			return false;
	}
	for (unsigned k = 0; k < per; k++) {
		uint32_t blk;

		if (ext2_bmap(i, index * per + k, false, &blk, NULL) || blk)
			return false;
	}
	return true;
}

int ext2_pc_writeback(struct inode *i)
{
	struct ext2_pcache *pc = pc_of(i, false);
	int err = 0;

	if (!pc)
		return 0;
	mutex_lock(&pc->lock);
	for (unsigned n = 0; n < PC_BUCKETS; n++)
		for (struct ext2_pent *e = pc->bucket[n]; e; e = e->next)
			if (e->dirty || e->mapped) {
				int r = write_page(i, e);
				if (r && !err)
					err = r;
			}
	mutex_unlock(&pc->lock);
	return err;
}

void ext2_pc_truncate(struct inode *i, uint64_t size)
{
	struct ext2_pcache *pc = pc_of(i, false);
	uint64_t keep = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;

	if (!pc)
		return;
	mutex_lock(&pc->lock);
	for (unsigned n = 0; n < PC_BUCKETS; n++) {
		struct ext2_pent **pp = &pc->bucket[n];

		while (*pp) {
			struct ext2_pent *e = *pp;

			if (e->index < keep) {
				if (size % PAGE_SIZE && e->index == keep - 1)
					memset((char *)page_address(e->page) +
						       size % PAGE_SIZE,
					       0, PAGE_SIZE - size % PAGE_SIZE);
				pp = &e->next;
				continue;
			}
			*pp = e->next;
			page_put(e->page); /* mappings keep theirs */
			kfree(e);
			pc->count--;
		}
	}
	mutex_unlock(&pc->lock);
}

void ext2_pc_free(struct inode *i)
{
	ext2_pc_truncate(i, 0);
	kfree(EI(i)->pcache);
	EI(i)->pcache = NULL;
}
