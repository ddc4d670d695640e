/* SPDX-License-Identifier: MIT */
/*
 * The buddy allocator: free blocks of 2^order pages on one list per order,
 * merged with their buddy (pfn ^ 2^order) when both are free. Bookkeeping
 * lives in struct page, so it never touches the memory it manages.
 */
#include "mm/mm.h"

struct page *mem_map;
uint64_t max_pfn;

static struct {
	struct spinlock lock;
	struct page *free[MAX_ORDER + 1];
	uint64_t free_pages;
	uint64_t total_pages;
} zone = { .lock = SPINLOCK_INIT("buddy") };

static void list_push(unsigned order, struct page *p)
{
	p->list.prev = NULL;
	p->list.next = zone.free[order];
	if (p->list.next)
		p->list.next->list.prev = p;
	zone.free[order] = p;
}

static void list_remove(unsigned order, struct page *p)
{
	if (p->list.prev)
		p->list.prev->list.next = p->list.next;
	else
		zone.free[order] = p->list.next;
	if (p->list.next)
		p->list.next->list.prev = p->list.prev;
}

void page_alloc_init(struct page *map, uint64_t npages)
{
	mem_map = map;
	max_pfn = npages;
	for (uint64_t i = 0; i < npages; i++)
		map[i] = (struct page){ .flags = PG_RESERVED };
	for (unsigned o = 0; o <= MAX_ORDER; o++)
		zone.free[o] = NULL;
	zone.free_pages = zone.total_pages = 0;
}

/* Puts a block on the free lists, merging it upwards. Lock held. */
static void free_block(uint64_t pfn, unsigned order)
{
	while (order < MAX_ORDER) {
		uint64_t buddy = pfn ^ (1ULL << order);
		struct page *b = &mem_map[buddy];

		if (buddy >= max_pfn || !(b->flags & PG_BUDDY) ||
		    b->order != order)
			break;
		list_remove(order, b);
		b->flags &= ~PG_BUDDY;
		pfn &= ~(1ULL << order);
		order++;
	}
	mem_map[pfn].flags = PG_BUDDY;
	mem_map[pfn].order = (uint8_t)order;
	list_push(order, &mem_map[pfn]);
}

void page_free_range(uint64_t start, uint64_t end)
{
	bool irq;

	if (end > max_pfn)
		end = max_pfn;
	if (start >= end)
		return;
	irq = spin_lock_irqsave(&zone.lock);
	for (uint64_t pfn = start; pfn < end; pfn++)
		ASSERT(mem_map[pfn].flags == PG_RESERVED);
	for (uint64_t pfn = start; pfn < end;) {
		unsigned order = 0;

		while (order < MAX_ORDER && !(pfn & ((2ULL << order) - 1)) &&
		       pfn + (2ULL << order) <= end)
			order++;
		for (uint64_t i = 0; i < (1ULL << order); i++)
			mem_map[pfn + i].flags = 0;
		free_block(pfn, order);
		pfn += 1ULL << order;
	}
	zone.free_pages += end - start;
	zone.total_pages += end - start;
	spin_unlock_irqrestore(&zone.lock, irq);
}

struct page *page_alloc(unsigned order, unsigned flags)
{
	struct page *p;
	unsigned o;
	bool irq;

	if (order > MAX_ORDER)
		return NULL;
	irq = spin_lock_irqsave(&zone.lock);
	for (o = order; o <= MAX_ORDER && !zone.free[o]; o++)
		;
	if (o > MAX_ORDER) {
		spin_unlock_irqrestore(&zone.lock, irq);
		return NULL;
	}
	p = zone.free[o];
	list_remove(o, p);
	p->flags &= ~PG_BUDDY;
	/* Split: hand the upper halves back, keep the lower one. */
	while (o > order) {
		struct page *half;

		o--;
		half = p + (1ULL << o);
		half->flags = PG_BUDDY;
		half->order = (uint8_t)o;
		list_push(o, half);
	}
	zone.free_pages -= 1ULL << order;
	spin_unlock_irqrestore(&zone.lock, irq);

	p->refcount = 1;
	p->order = (uint8_t)order;
	p->private = NULL;
	if (flags & PAGE_ZERO)
		memset(page_address(p), 0, PAGE_SIZE << order);
	return p;
}

void page_free(struct page *p, unsigned order)
{
	bool irq;

	ASSERT(!(p->flags & (PG_BUDDY | PG_RESERVED)));
	p->flags = 0;
	p->refcount = 0;
	irq = spin_lock_irqsave(&zone.lock);
	free_block(page_to_pfn(p), order);
	zone.free_pages += 1ULL << order;
	spin_unlock_irqrestore(&zone.lock, irq);
}

void page_put(struct page *p)
{
	int left = __atomic_sub_fetch(&p->refcount, 1, __ATOMIC_ACQ_REL);

	ASSERT(left >= 0);
	if (left == 0)
		page_free(p, 0);
}

uint64_t page_free_count(void)
{
	return zone.free_pages;
}

uint64_t page_total_count(void)
{
	return zone.total_pages;
}

uint64_t page_alloc_phys(void)
{
	struct page *p = page_alloc(0, PAGE_ZERO);

	return p ? page_to_phys(p) : 0;
}

void page_free_phys(uint64_t phys)
{
	page_free(phys_to_page(phys), 0);
}
