/* SPDX-License-Identifier: MIT */
/* The buddy allocator and kmalloc over a host-memory "physical" arena. */
#include <string.h>

#include "mm/mm.h"
#include "test/unit/unit.h"

#define ARENA_PAGES 4096 /* 16 MiB */

static struct page map[ARENA_PAGES];

/* A small deterministic generator (the host's rand_() lives in <stdlib.h>,
 * whose signal types clash with the kernel's). */
static uint64_t seed;
static void srand_(uint64_t s)
{
	seed = s;
}
static unsigned rand_(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33);
}

static void fresh_allocator(uint64_t start, uint64_t end)
{
	unit_phys_arena(ARENA_PAGES);
	page_alloc_init(map, ARENA_PAGES);
	page_free_range(start, end);
	kmalloc_init();
}

TEST(buddy_frees_ranges_in_aligned_blocks)
{
	fresh_allocator(3, 2051);
	CHECK_EQ(page_free_count(), 2048);
	CHECK_EQ(page_total_count(), 2048);
	/* pfn 3 can only head an order-0 block; 4 an order-2 block. */
	CHECK(map[3].flags == PG_BUDDY && map[3].order == 0);
	CHECK(map[4].flags == PG_BUDDY && map[4].order == 2);
	CHECK(map[1024].flags == PG_BUDDY && map[1024].order == 10);
	CHECK(map[2].flags == PG_RESERVED);
}

TEST(buddy_splits_and_merges_back)
{
	struct page *a, *b;

	fresh_allocator(0, 1024);
	a = page_alloc(0, 0);
	CHECK(a != NULL);
	CHECK_EQ(page_free_count(), 1023);
	b = page_alloc(3, 0);
	CHECK(b != NULL);
	CHECK_EQ(page_to_pfn(b) % 8, 0);
	CHECK_EQ(a->refcount, 1);
	page_free(a, 0);
	page_free(b, 3);
	CHECK_EQ(page_free_count(), 1024);
	/* Everything merged back into the one order-10 block. */
	CHECK(map[0].flags == PG_BUDDY && map[0].order == 10);
}

TEST(buddy_runs_out_cleanly)
{
	struct page *p[16];
	int n = 0;

	fresh_allocator(0, 16);
	while (n < 16 && (p[n] = page_alloc(0, 0)))
		n++;
	CHECK_EQ(n, 16);
	CHECK(page_alloc(0, 0) == NULL);
	CHECK(page_alloc(MAX_ORDER + 1, 0) == NULL);
	for (int i = 0; i < n; i++)
		page_free(p[i], 0);
	CHECK(page_alloc(4, 0) != NULL);
}

TEST(buddy_zeroes_on_request_and_refcounts)
{
	struct page *p;
	unsigned char *mem;

	fresh_allocator(0, 64);
	p = page_alloc(1, 0);
	memset(page_address(p), 0xaa, 2 * PAGE_SIZE);
	page_free(p, 1);
	p = page_alloc(1, PAGE_ZERO);
	mem = page_address(p);
	for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
		CHECK_EQ(mem[i], 0);
	page_free(p, 1);
	p = page_alloc(0, 0);
	page_get(p);
	page_put(p);
	CHECK_EQ(page_free_count(), 63);
	page_put(p);
	CHECK_EQ(page_free_count(), 64);
}

TEST(buddy_random_stress_keeps_accounting)
{
	struct {
		struct page *p;
		unsigned order;
	} held[256];
	int n = 0;

	fresh_allocator(1, ARENA_PAGES);
	srand_(7);
	for (int round = 0; round < 20000; round++) {
		if (n < 256 && (rand_() & 1)) {
			unsigned order = rand_() % 6;
			struct page *p = page_alloc(order, 0);
			if (p) {
				CHECK_EQ(page_to_pfn(p) % (1u << order), 0);
				/* Tag the block to catch overlapping blocks. */
				memset(page_address(p), n & 0xff,
				       PAGE_SIZE << order);
				held[n].p = p;
				held[n].order = order;
				n++;
			}
		} else if (n > 0) {
			int i = rand_() % n;
			unsigned char *m = page_address(held[i].p);
			CHECK_EQ(m[0], m[(PAGE_SIZE << held[i].order) - 1]);
			page_free(held[i].p, held[i].order);
			held[i] = held[--n];
			/* Re-tag the moved entry with its new index. */
			if (i < n)
				memset(page_address(held[i].p), i & 0xff,
				       PAGE_SIZE << held[i].order);
		}
	}
	while (n > 0) {
		n--;
		page_free(held[n].p, held[n].order);
	}
	CHECK_EQ(page_free_count(), ARENA_PAGES - 1);
}

TEST(kmalloc_sizes_alignment_and_reuse)
{
	void *a, *b, *big;

	fresh_allocator(0, ARENA_PAGES);
	CHECK(kmalloc(0) == NULL);
	a = kmalloc(1);
	b = kmalloc(1);
	CHECK(a && b && a != b);
	CHECK_EQ((uintptr_t)a % 8, 0);
	CHECK_EQ(ksize(a), 16);
	kfree(b);
	CHECK(kmalloc(10) == b); /* LIFO free list */
	CHECK_EQ(ksize(kmalloc(100)), 128);
	big = kmalloc(5000);
	CHECK(big != NULL);
	CHECK_EQ((uintptr_t)big % PAGE_SIZE, 0);
	CHECK_EQ(ksize(big), 2 * PAGE_SIZE);
	kfree(big);
	kfree(NULL);
	CHECK(kmalloc(KMALLOC_MAX + 1) == NULL);
}

TEST(kmalloc_stress_returns_every_page)
{
	void *held[2000];
	size_t sizes[2000];
	uint64_t before;

	fresh_allocator(0, ARENA_PAGES);
	before = page_free_count();
	srand_(11);
	for (int i = 0; i < 2000; i++) {
		sizes[i] = 1 + rand_() % 3000;
		held[i] = kmalloc(sizes[i]);
		CHECK(held[i] != NULL);
		memset(held[i], i & 0xff, sizes[i]);
	}
	for (int i = 0; i < 2000; i += 2)
		kfree(held[i]);
	for (int i = 1; i < 2000; i += 2) {
		unsigned char *m = held[i];
		CHECK_EQ(m[0], i & 0xff);
		CHECK_EQ(m[sizes[i] - 1], i & 0xff);
		kfree(held[i]);
	}
	/* Each cache keeps at most one empty slab. */
	CHECK(before - page_free_count() <= 10);
}
