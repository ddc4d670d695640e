/* SPDX-License-Identifier: MIT */
/* Self-tests of the block layer over a RAM disk whose driver completes at
 * once: registration and an MBR with logical partitions, range checks,
 * partition remapping, and the buffer cache's hits, eviction, read-ahead
 * and write-back. */
#include "dev/blk_cache.h"
#include "dev/blk_part.h"
#include "mm/mm.h"

#define FAIL(...)                         \
	do {                              \
		pr_err("  " __VA_ARGS__); \
		return 1;                 \
	} while (0)

#define RAM_SECTORS 4096 /* 2 MiB */

static uint8_t *ram;
static unsigned ram_reqs, ram_flushes;

static int ram_submit(struct blkdev *d, struct blk_request *r)
{
	uint64_t off = r->sector * SECTOR_SIZE;

	(void)d;
	if (r->op == BLK_FLUSH)
		ram_flushes++;
	else
		ram_reqs++;
	for (unsigned i = 0; i < r->nseg; i++) {
		void *mem = phys_to_virt(r->seg[i].phys);

		if (r->op == BLK_READ)
			memcpy(mem, ram + off, r->seg[i].len);
		else
			memcpy(ram + off, mem, r->seg[i].len);
		off += r->seg[i].len;
	}
	blk_complete(r, 0);
	return 0;
}

static const struct blkdev_ops ram_ops = { .submit = ram_submit };
static struct blkdev ram_disk = { .ops = &ram_ops,
				  .sectors = RAM_SECTORS,
				  .model = "selftest RAM disk" };

static void mbr_entry(uint8_t *s, int slot, uint8_t type, uint32_t start,
		      uint32_t size)
{
	uint8_t *e = s + 446 + 16 * slot;

	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &size, 4);
	s[510] = 0x55;
	s[511] = 0xaa;
}

/* sdX1 at 2048 (1024 sectors), sdX2 extended at 3072 with sdX5 at 3136
 * (512 sectors). */
static struct blkdev *ram_setup(void)
{
	static bool done;

	if (done)
		return &ram_disk;
	ram = kzalloc(RAM_SECTORS * SECTOR_SIZE);
	if (!ram)
		return NULL;
	mbr_entry(ram, 0, 0x83, 2048, 1024);
	mbr_entry(ram, 1, 0x05, 3072, 1024);
	mbr_entry(ram + 3072 * 512, 0, 0x83, 64, 512);
	if (blk_register_disk(&ram_disk))
		return NULL;
	done = true;
	return &ram_disk;
}

static struct blkdev *part(const char *suffix)
{
	char name[24];

	ksnprintf(name, sizeof(name), "%s%s", ram_disk.name, suffix);
	return blk_get_by_name(name);
}

SELFTEST(blk_partitions)
{
	struct blkdev *d = ram_setup(), *p1, *p2, *p5;

	if (!d)
		FAIL("cannot set up the RAM disk\n");
	p1 = part("1");
	p2 = part("2");
	p5 = part("5");
	if (!p1 || !p2 || !p5 || part("3"))
		FAIL("partitions 1, 2, 5 expected\n");
	if (p1->start != 2048 || p1->sectors != 1024 || p1->parent != d ||
	    p1->devnum != d->devnum + 1)
		FAIL("p1 at %llu+%llu\n", (unsigned long long)p1->start,
		     (unsigned long long)p1->sectors);
	if (p2->sectors != 2 || p5->start != 3136 || p5->sectors != 512)
		FAIL("p2 %llu sectors, p5 at %llu\n",
		     (unsigned long long)p2->sectors,
		     (unsigned long long)p5->start);
	if (blk_get(p5->devnum) != p5 || blk_get_by_name("/dev/sdz9"))
		FAIL("lookups\n");
	return 0;
}

SELFTEST(blk_requests)
{
	struct blkdev *d = ram_setup(), *p1 = part("1");
	uint8_t *buf = kmalloc(2 * SECTOR_SIZE + 1);
	int err;

	if (!d || !p1 || !buf)
		FAIL("set-up\n");
	/* A partition's sector 0 is the disk's sector 2048; an odd buffer
	 * goes through a bounce buffer. */
	memset(buf + 1, 0x5a, SECTOR_SIZE);
	err = blk_rw(p1, 0, buf + 1, 1, true);
	if (err || ram[2048 * 512] != 0x5a || ram[2048 * 512 + 511] != 0x5a)
		FAIL("write through p1: %d\n", err);
	if ((err = blk_rw(p1, 1023, buf, 2, false)) != -EIO)
		FAIL("read across p1's end: %d, not -EIO\n", err);
	if ((err = blk_rw(p1, 1024, buf, 1, false)) != -EIO)
		FAIL("read past p1's end: %d\n", err);
	if ((err = blk_rw(p1, ~0ULL, buf, 2, false)) != -EIO)
		FAIL("sector overflow: %d\n", err);
	if (!IS_ERR(bread(p1, 256, 2048)))
		FAIL("bread past the end worked\n");
	ram_disk.flags |= BLKDEV_READONLY;
	err = blk_rw(p1, 0, buf, 1, true);
	ram_disk.flags &= ~BLKDEV_READONLY;
	if (err != -EROFS)
		FAIL("write to a read-only disk: %d\n", err);
	kfree(buf);
	return 0;
}

SELFTEST(blk_cache_hits_and_writeback)
{
	struct blkdev *d = ram_setup(), *p5 = part("5");
	struct blk_cache_stats st;
	unsigned reqs, flushes;
	struct buf *b;

	if (!d || !p5)
		FAIL("set-up\n");
	ram[3136 * 512 + 4096] = 0x77;
	reqs = ram_reqs;
	b = bread(p5, 1, 4096);
	if (IS_ERR(b) || ((uint8_t *)b->data)[0] != 0x77 ||
	    ram_reqs != reqs + 1)
		FAIL("first read\n");
	brelse(b);
	b = bread(p5, 1, 4096);
	if (IS_ERR(b) || ram_reqs != reqs + 1)
		FAIL("second read went to the disk\n");
	((uint8_t *)b->data)[1] = 0x99;
	bdirty(b);
	brelse(b);
	if (ram[3136 * 512 + 4097] == 0x99)
		FAIL("a dirty buffer was written at once\n");
	blk_cache_get_stats(&st);
	if (st.dirty != 1)
		FAIL("%zu dirty buffers counted, not 1\n", st.dirty);
	flushes = ram_flushes;
	if (blk_sync(p5) || ram[3136 * 512 + 4097] != 0x99)
		FAIL("blk_sync did not write the buffer\n");
	if (ram_flushes != flushes + 1)
		FAIL("blk_sync did not flush the disk\n");
	blk_cache_get_stats(&st);
	if (st.dirty)
		FAIL("%zu dirty buffers after blk_sync\n", st.dirty);
	if (!st.hits || !st.writebacks)
		FAIL("stats: %llu hits, %llu written\n",
		     (unsigned long long)st.hits,
		     (unsigned long long)st.writebacks);
	return 0;
}

SELFTEST(blk_cache_evict_and_readahead)
{
	struct blkdev *d = ram_setup(), *p1 = part("1");
	struct blk_cache_stats before, after;
	size_t old;
	unsigned reqs;
	struct buf *b;

	if (!d || !p1)
		FAIL("set-up\n");
	/* Read-ahead of 8 adjacent blocks is one request. */
	reqs = ram_reqs;
	blk_cache_readahead(p1, 100, 512, 8);
	if (ram_reqs != reqs + 1 || !blk_cache_has(p1, 107, 512) ||
	    blk_cache_has(p1, 108, 512))
		FAIL("read-ahead: %u requests\n", ram_reqs - reqs);
	/* A dirty buffer survives a small budget: it is written, not lost. */
	b = bget(p1, 10, 4096);
	if (IS_ERR(b))
		FAIL("bget\n");
	memset(b->data, 0x3c, 4096);
	bdirty(b);
	brelse(b);
	blk_cache_get_stats(&before);
	/* One block's worth: the dirty one must go to the disk to make
	 * room. */
	old = blk_cache_set_budget(4096);
	for (uint64_t i = 20; i < 40; i++)
		brelse(bread(p1, i, 4096));
	blk_cache_get_stats(&after);
	blk_cache_set_budget(old);
	if (after.evictions < before.evictions + 19 || after.bytes > 4096)
		FAIL("no eviction: %zu bytes held\n", after.bytes);
	if (ram[(2048 + 80) * 512] != 0x3c ||
	    ram[(2048 + 87) * 512 + 511] != 0x3c)
		FAIL("the dirty buffer was not written before eviction\n");
	return 0;
}
