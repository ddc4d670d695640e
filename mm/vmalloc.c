/* SPDX-License-Identifier: MIT */
/*
 * The kernel's virtual allocations between VMALLOC_START and VMALLOC_END:
 * kernel stacks with guard pages, vmalloc and ioremap. Areas are kept in
 * a list sorted by address and placed first-fit, each followed by at least
 * one unmapped page so overruns fault instead of corrupting a neighbour.
 */
#include "mm/mm.h"

struct vm_area_k {
	uint64_t start;
	uint64_t pages;	 /* mapped pages, not counting the guards */
	uint64_t offset; /* where the mapping starts: after a low guard */
	bool owns_pages; /* vmalloc and stacks free their frames */
	struct vm_area_k *next;
};

static struct vm_area_k *areas;
static struct spinlock areas_lock = SPINLOCK_INIT("vmalloc");

static uint64_t area_end(const struct vm_area_k *a)
{
	return a->start + a->offset + (a->pages + 1) * PAGE_SIZE;
}

/* Reserves room for pages mapped pages at offset bytes into the area,
 * plus a trailing guard page; returns the area or NULL. */
static struct vm_area_k *area_reserve(uint64_t offset, uint64_t pages,
				      bool owns_pages)
{
	struct vm_area_k *a = kzalloc(sizeof(*a)), **link;
	uint64_t addr = VMALLOC_START;
	uint64_t span = offset + (pages + 1) * PAGE_SIZE;
	bool irq;

	if (!a)
		return NULL;
	a->offset = offset;
	a->pages = pages;
	a->owns_pages = owns_pages;
	irq = spin_lock_irqsave(&areas_lock);
	for (link = &areas; *link; link = &(*link)->next) {
		struct vm_area_k *n = *link;
		if (n->start - addr >= span)
			break;
		addr = area_end(n);
	}
	if (addr + span > VMALLOC_END) {
		spin_unlock_irqrestore(&areas_lock, irq);
		kfree(a);
		return NULL;
	}
	a->start = addr;
	a->next = *link;
	*link = a;
	spin_unlock_irqrestore(&areas_lock, irq);
	return a;
}

/* Finds and unlinks the area whose mapping begins at va. */
static struct vm_area_k *area_remove(uint64_t va)
{
	struct vm_area_k **link, *a = NULL;
	bool irq = spin_lock_irqsave(&areas_lock);

	for (link = &areas; *link; link = &(*link)->next) {
		if ((*link)->start + (*link)->offset == va) {
			a = *link;
			*link = a->next;
			break;
		}
	}
	spin_unlock_irqrestore(&areas_lock, irq);
	return a;
}

static void area_unmap(struct vm_area_k *a)
{
	uint64_t va = a->start + a->offset;

	for (uint64_t i = 0; i < a->pages; i++, va += PAGE_SIZE) {
		uint64_t old = pt_unmap(kernel_pml4_phys, va);

		tlb_flush_page(va);
		if (a->owns_pages && (old & PTE_P))
			page_free_phys(old & PTE_ADDR);
	}
}

/* An area of pages fresh zeroed frames after a guard page of its own. */
static void *alloc_backed(uint64_t pages)
{
	struct vm_area_k *a = area_reserve(PAGE_SIZE, pages, true);
	uint64_t va;

	if (!a)
		return NULL;
	va = a->start + a->offset;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa = page_alloc_phys();

		if (!pa || pt_map(kernel_pml4_phys, va + i * PAGE_SIZE, pa,
				  PTE_W | PTE_G | PTE_NX)) {
			if (pa)
				page_free_phys(pa);
			a->pages = i;
			area_remove(va);
			area_unmap(a);
			kfree(a);
			return NULL;
		}
	}
	return (void *)va;
}

void *vmalloc(size_t size)
{
	if (size == 0)
		return NULL;
	return alloc_backed(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
}

void vfree(void *p)
{
	struct vm_area_k *a;

	if (!p)
		return;
	a = area_remove((uint64_t)p);
	ASSERT(a);
	area_unmap(a);
	kfree(a);
}

void *kstack_alloc(void)
{
	return alloc_backed(KSTACK_SIZE / PAGE_SIZE);
}

void kstack_free(void *stack)
{
	vfree(stack);
}

void *ioremap(uint64_t phys, size_t size, uint64_t cache)
{
	uint64_t base = ALIGN_DOWN(phys, PAGE_SIZE);
	uint64_t pages = (ALIGN_UP(phys + size, PAGE_SIZE) - base) / PAGE_SIZE;
	struct vm_area_k *a = area_reserve(0, pages, false);

	if (!a)
		return NULL;
	for (uint64_t i = 0; i < pages; i++) {
		if (pt_map(kernel_pml4_phys, a->start + i * PAGE_SIZE,
			   base + i * PAGE_SIZE,
			   PTE_W | PTE_G | PTE_NX | cache)) {
			a->pages = i;
			area_remove(a->start);
			area_unmap(a);
			kfree(a);
			return NULL;
		}
	}
	return (void *)(a->start + (phys - base));
}

void iounmap(void *va)
{
	struct vm_area_k *a = area_remove(ALIGN_DOWN((uint64_t)va, PAGE_SIZE));

	ASSERT(a);
	area_unmap(a);
	kfree(a);
}
