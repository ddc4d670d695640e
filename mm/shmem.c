/* SPDX-License-Identifier: MIT */
/* Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS): pages that every
 * mapping of the object sees, kept until the last mapping goes. */
#include "mm/mm.h"

struct shmem {
	int refcount;
	struct spinlock lock;
	uint64_t npages; /* capacity of pages[] */
	struct page **pages;
};

struct shmem *shmem_alloc(uint64_t npages)
{
	struct shmem *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->refcount = 1;
	s->lock = (struct spinlock)SPINLOCK_INIT("shmem");
	s->npages = npages ? npages : 1;
	s->pages = kzalloc(s->npages * sizeof(*s->pages));
	if (!s->pages) {
		kfree(s);
		return NULL;
	}
	return s;
}

void shmem_get(struct shmem *s)
{
	__atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED);
}

void shmem_put(struct shmem *s)
{
	if (__atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (uint64_t i = 0; i < s->npages; i++)
		if (s->pages[i])
			page_put(s->pages[i]);
	kfree(s->pages);
	kfree(s);
}

/*
 * The page at index, allocated zeroed on first use. Allocations happen with
 * the lock dropped; the loop then re-checks, as another mapping may have
 * raced us to the same index or grown the array.
 */
struct page *shmem_page(struct shmem *s, uint64_t index)
{
	struct page *p = NULL, *fresh = NULL, **grown = NULL, **old = NULL;
	uint64_t grown_n = 0, want;
	bool irq;

	for (;;) {
		irq = spin_lock_irqsave(&s->lock);
		if (index >= s->npages && grown_n > index) {
			memcpy(grown, s->pages, s->npages * sizeof(*grown));
			old = s->pages;
			s->pages = grown;
			s->npages = grown_n;
			grown = NULL;
		}
		if (index < s->npages) {
			p = s->pages[index];
			if (!p && fresh) {
				s->pages[index] = p = fresh;
				fresh = NULL;
			}
			if (p)
				page_get(p);
		}
		want = index < s->npages ? 0 : MAX(index + 1, s->npages * 2);
		spin_unlock_irqrestore(&s->lock, irq);
		if (p)
			break;
		if (want) {
			kfree(grown);
			grown = kzalloc(want * sizeof(*grown));
			grown_n = want;
			if (!grown)
				break;
		} else if (!(fresh = page_alloc(0, PAGE_ZERO))) {
			break;
		}
	}
	kfree(grown);
	kfree(old);
	if (fresh)
		page_put(fresh);
	return p;
}
