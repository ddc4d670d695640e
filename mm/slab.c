/* SPDX-License-Identifier: MIT */
/*
 * kmalloc: small sizes come from per-size caches of one-page slabs, whose
 * free objects are chained through their first word; anything over 2 KiB is
 * a block straight from the buddy allocator, marked PG_LARGE.
 */
#include "mm/mm.h"

struct kmem_cache {
	const char *name;
	uint32_t size;
	struct spinlock lock;
	struct page *partial; /* slabs with at least one free object */
	struct page *empty;   /* at most one fully free slab, kept warm */
};

#define SIZE(n)                                   \
	{                                         \
		.name = "kmalloc-" #n, .size = n, \
		.lock = SPINLOCK_INIT("slab")     \
	}
static struct kmem_cache caches[] = {
	SIZE(16),  SIZE(32),  SIZE(64),	 SIZE(96),   SIZE(128),
	SIZE(192), SIZE(256), SIZE(512), SIZE(1024), SIZE(2048),
};
#undef SIZE

void kmalloc_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		caches[i].partial = caches[i].empty = NULL;
}

static struct kmem_cache *cache_for(size_t size)
{
	for (size_t i = 0; i < ARRAY_SIZE(caches); i++)
		if (size <= caches[i].size)
			return &caches[i];
	return NULL;
}

static void partial_push(struct kmem_cache *c, struct page *p)
{
	p->list.prev = NULL;
	p->list.next = c->partial;
	if (c->partial)
		c->partial->list.prev = p;
	c->partial = p;
}

static void partial_remove(struct kmem_cache *c, struct page *p)
{
	if (p->list.prev)
		p->list.prev->list.next = p->list.next;
	else
		c->partial = p->list.next;
	if (p->list.next)
		p->list.next->list.prev = p->list.prev;
}

/* A fresh slab with every object on its free list. Lock not held. */
static struct page *slab_new(struct kmem_cache *c)
{
	struct page *p = page_alloc(0, 0);
	char *base;
	unsigned n;

	if (!p)
		return NULL;
	base = page_address(p);
	n = PAGE_SIZE / c->size;
	for (unsigned i = 0; i < n; i++)
		*(void **)(base + i * c->size) =
			i + 1 < n ? base + (i + 1) * c->size : NULL;
	p->flags = PG_SLAB;
	p->slab.freelist = base;
	p->slab.cache = c;
	p->slab_inuse = 0;
	return p;
}

static void *cache_alloc(struct kmem_cache *c)
{
	struct page *p;
	void *obj;
	bool irq = spin_lock_irqsave(&c->lock);

	if (!c->partial && c->empty) {
		partial_push(c, c->empty);
		c->empty = NULL;
	}
	if (!c->partial) {
		spin_unlock_irqrestore(&c->lock, irq);
		p = slab_new(c);
		if (!p)
			return NULL;
		irq = spin_lock_irqsave(&c->lock);
		partial_push(c, p);
	}
	p = c->partial;
	obj = p->slab.freelist;
	p->slab.freelist = *(void **)obj;
	p->slab_inuse++;
	if (!p->slab.freelist)
		partial_remove(c, p);
	spin_unlock_irqrestore(&c->lock, irq);
	return obj;
}

static void cache_free(struct kmem_cache *c, struct page *p, void *obj)
{
	struct page *drop = NULL;
	bool irq = spin_lock_irqsave(&c->lock);

	ASSERT(((char *)obj - (char *)page_address(p)) % c->size == 0);
	if (!p->slab.freelist)
		partial_push(c, p); /* was full */
	*(void **)obj = p->slab.freelist;
	p->slab.freelist = obj;
	if (--p->slab_inuse == 0) {
		partial_remove(c, p);
		if (c->empty)
			drop = p;
		else
			c->empty = p;
	}
	spin_unlock_irqrestore(&c->lock, irq);
	if (drop) {
		drop->flags = 0;
		page_free(drop, 0);
	}
}

static unsigned order_for(size_t size)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

void *kmalloc(size_t size)
{
	struct kmem_cache *c;
	struct page *p;

	if (size == 0 || size > KMALLOC_MAX)
		return NULL;
	c = cache_for(size);
	if (c)
		return cache_alloc(c);
	p = page_alloc(order_for(size), 0);
	if (!p)
		return NULL;
	p->flags = PG_LARGE;
	return page_address(p);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(const void *obj)
{
	struct page *p;

	if (!obj)
		return;
	p = virt_to_page(obj);
	if (p->flags & PG_SLAB) {
		cache_free(p->slab.cache, p, (void *)obj);
		return;
	}
	ASSERT(p->flags & PG_LARGE);
	ASSERT(obj == page_address(p));
	p->flags = 0;
	page_free(p, p->order);
}

size_t ksize(const void *obj)
{
	struct page *p = virt_to_page(obj);

	if (p->flags & PG_SLAB)
		return p->slab.cache->size;
	return PAGE_SIZE << p->order;
}
