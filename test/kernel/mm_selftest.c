/* SPDX-License-Identifier: MIT */
/* Self-tests of memory management on the real machine. */
#include "kernel/kernel.h"
#include "mm/mm.h"

#define FAIL(...)                                                   \
	do {                                                        \
		pr_err("  " __VA_ARGS__);                           \
		return 1;                                           \
	} while (0)

SELFTEST(page_alloc_stress)
{
	static struct page *held[512];
	uint64_t before = page_free_count();
	uint64_t seed = 12345;
	int n = 0;

	for (int round = 0; round < 20000; round++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if (n < 512 && (seed >> 33) % 3 != 0) {
			unsigned order = (seed >> 40) % 4;
			struct page *p = page_alloc(order, 0);

			if (!p)
				FAIL("page_alloc(%u) failed with %llu free\n",
				     order, (unsigned long long)page_free_count());
			*(uint64_t *)page_address(p) = page_to_pfn(p);
			p->index = order;
			held[n++] = p;
		} else if (n > 0) {
			int i = (seed >> 20) % n;
			struct page *p = held[i];

			if (*(uint64_t *)page_address(p) != page_to_pfn(p))
				FAIL("block at pfn %llu was overwritten\n",
				     (unsigned long long)page_to_pfn(p));
			page_free(p, p->index);
			held[i] = held[--n];
		}
	}
	while (n > 0) {
		n--;
		page_free(held[n], held[n]->index);
	}
	if (page_free_count() != before)
		FAIL("free pages %llu, expected %llu\n",
		     (unsigned long long)page_free_count(),
		     (unsigned long long)before);
	return 0;
}

SELFTEST(kmalloc_stress)
{
	static void *held[1024];
	uint64_t seed = 99;

	for (int i = 0; i < 1024; i++) {
		size_t size;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		size = 1 + (seed >> 33) % 6000;
		held[i] = kmalloc(size);
		if (!held[i])
			FAIL("kmalloc(%zu) failed\n", size);
		if (ksize(held[i]) < size)
			FAIL("ksize %zu < %zu\n", ksize(held[i]), size);
		memset(held[i], i & 0xff, size);
		*(uint32_t *)held[i] = (uint32_t)i;
	}
	for (int i = 0; i < 1024; i++) {
		if (*(uint32_t *)held[i] != (uint32_t)i)
			FAIL("object %d was overwritten\n", i);
		kfree(held[i]);
	}
	return 0;
}

/* Maps one frame at two kernel addresses and checks both see the same
 * bytes, then unmaps and checks the PTE is gone. */
SELFTEST(page_table_map_unmap)
{
	uint64_t pa = page_alloc_phys();
	uint64_t va = VMALLOC_END - 16 * PAGE_SIZE;
	volatile uint64_t *alias = (volatile uint64_t *)va;
	uint64_t *direct = phys_to_virt(pa);
	uint64_t *pte;

	if (!pa)
		FAIL("no page\n");
	if (pt_map(kernel_pml4_phys, va, pa, PTE_W | PTE_NX))
		FAIL("pt_map failed\n");
	*alias = 0x5712158;
	if (*direct != 0x5712158)
		FAIL("alias and direct map disagree\n");
	pte = pt_walk(kernel_pml4_phys, va, false);
	if (!pte || (*pte & PTE_ADDR) != pa || !(*pte & PTE_NX))
		FAIL("walk found %llx\n", pte ? (unsigned long long)*pte : 0ULL);
	if ((pt_unmap(kernel_pml4_phys, va) & PTE_ADDR) != pa)
		FAIL("unmap returned the wrong frame\n");
	tlb_flush_page(va);
	pte = pt_walk(kernel_pml4_phys, va, false);
	if (pte && (*pte & PTE_P))
		FAIL("PTE still present after unmap\n");
	page_free_phys(pa);
	return 0;
}

SELFTEST(kstack_has_guard_page)
{
	char *s = kstack_alloc();
	uint64_t *guard, *first;

	if (!s)
		FAIL("kstack_alloc failed\n");
	guard = pt_walk(kernel_pml4_phys, (uint64_t)s - PAGE_SIZE, false);
	first = pt_walk(kernel_pml4_phys, (uint64_t)s, false);
	if (guard && (*guard & PTE_P))
		FAIL("the page below the stack is mapped\n");
	if (!first || !(*first & PTE_P))
		FAIL("the stack itself is not mapped\n");
	memset(s, 0x5a, KSTACK_SIZE); /* all of it is writable */
	kstack_free(s);
	if ((first = pt_walk(kernel_pml4_phys, (uint64_t)s, false)) &&
	    (*first & PTE_P))
		FAIL("stack still mapped after kstack_free\n");
	return 0;
}

/* W^X: kernel text is not writable, data is not executable. */
SELFTEST(kernel_image_is_wx)
{
	uint64_t *text = pt_walk(kernel_pml4_phys, (uint64_t)__text_start, false);
	uint64_t *data = pt_walk(kernel_pml4_phys, (uint64_t)__data_start, false);
	uint64_t *ro = pt_walk(kernel_pml4_phys, (uint64_t)__rodata_start, false);

	if (!text || (*text & PTE_W) || (*text & PTE_NX))
		FAIL("text PTE %llx\n", text ? (unsigned long long)*text : 0ULL);
	if (!ro || (*ro & PTE_W) || !(*ro & PTE_NX))
		FAIL("rodata PTE %llx\n", ro ? (unsigned long long)*ro : 0ULL);
	if (!data || !(*data & PTE_W) || !(*data & PTE_NX))
		FAIL("data PTE %llx\n", data ? (unsigned long long)*data : 0ULL);
	return 0;
}

SELFTEST(vmalloc_and_ioremap)
{
	char *v = vmalloc(3 * PAGE_SIZE + 1);
	uint64_t pa = page_alloc_phys();
	volatile uint32_t *io;

	if (!v || !pa)
		FAIL("allocation failed\n");
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		if (v[i])
			FAIL("vmalloc memory not zeroed at %zu\n", i);
	*(uint32_t *)phys_to_virt(pa + 0x10) = 0xfeedface;
	io = ioremap(pa + 0x10, 4, PTE_CACHE_WB);
	if (!io || *io != 0xfeedface)
		FAIL("ioremap does not show the frame\n");
	iounmap((void *)io);
	vfree(v);
	page_free_phys(pa);
	return 0;
}
