/* SPDX-License-Identifier: MIT */
/*
 * Turning the boot memory map into allocatable pages: which RAM exists,
 * what the stub handed over that must be kept, and when the rest is freed.
 */
#include "mm/mm.h"

static uint64_t low_page;

/* RAM the kernel may map and, once free, allocate. */
static bool is_ram(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
	case BOOT_MEM_BOOT_SERVICES:
	case BOOT_MEM_LOADER:
	case BOOT_MEM_ACPI_RECLAIM:
	case BOOT_MEM_ACPI_NVS:
		return true;
	}
	return false;
}

/* Ranges inside free-able memory that must stay: [base, end). */
struct keep {
	uint64_t base, end;
};
static struct keep keeps[8];
static unsigned nkeeps;

static void keep_range(uint64_t base, uint64_t size)
{
	if (size == 0)
		return;
	ASSERT(nkeeps < ARRAY_SIZE(keeps));
	keeps[nkeeps++] = (struct keep){ ALIGN_DOWN(base, PAGE_SIZE),
					 ALIGN_UP(base + size, PAGE_SIZE) };
}

/* Frees the pages of [base, end) that no keep covers. */
static void free_except_keeps(uint64_t base, uint64_t end)
{
	base = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	/* The first megabyte stays reserved, as on Linux: firmware leftovers
	 * and the real-mode trampoline live there. */
	if (base < 0x100000)
		base = 0x100000;
	while (base < end) {
		uint64_t stop = end;
		bool skipped = false;

		for (unsigned i = 0; i < nkeeps; i++) {
			if (keeps[i].base <= base && base < keeps[i].end) {
				base = keeps[i].end;
				skipped = true;
				break;
			}
			if (keeps[i].base > base && keeps[i].base < stop)
				stop = keeps[i].base;
		}
		if (skipped)
			continue;
		page_free_range(base >> PAGE_SHIFT, stop >> PAGE_SHIFT);
		base = stop;
	}
}

/* A page under 1 MiB from usable RAM, for the SMP start-up code. */
static void take_low_page(void)
{
	for (unsigned i = 0; i < boot_mmap_count; i++) {
		const struct boot_mem_range *r = &boot_mmap[i];
		uint64_t base = MAX(r->base, (uint64_t)0x1000);

		if (r->type == BOOT_MEM_USABLE &&
		    base + PAGE_SIZE <= 0x100000 &&
		    base + PAGE_SIZE <= r->base + r->size) {
			low_page = base;
			memset(phys_to_virt(low_page), 0, PAGE_SIZE);
			return;
		}
	}
}

/* Places mem_map in the first usable range above 1 MiB that holds it. */
static uint64_t place_mem_map(uint64_t bytes)
{
	for (unsigned i = 0; i < boot_mmap_count; i++) {
		const struct boot_mem_range *r = &boot_mmap[i];
		uint64_t base = MAX(r->base, (uint64_t)0x100000);

		if (r->type == BOOT_MEM_USABLE && base < r->base + r->size &&
		    r->base + r->size - base >= bytes)
			return base;
	}
	panic("no room for the page array (%llu KiB)",
	      (unsigned long long)(bytes >> 10));
}

void pmm_init(void)
{
	uint64_t top = 0, map_bytes, map_phys;

	for (unsigned i = 0; i < boot_mmap_count; i++)
		if (is_ram(boot_mmap[i].type))
			top = MAX(top, boot_mmap[i].base + boot_mmap[i].size);
	max_pfn = top >> PAGE_SHIFT;
	map_bytes = ALIGN_UP(max_pfn * sizeof(struct page), PAGE_SIZE);
	map_phys = place_mem_map(map_bytes);
	page_alloc_init(phys_to_virt(map_phys), max_pfn);
	kmalloc_init();

	keep_range(map_phys, map_bytes);
	keep_range(boot_info.kernel_phys, boot_info.kernel_size);
	keep_range(boot_info.initrd_phys, boot_info.initrd_size);
	keep_range(boot_info.symtab_phys, boot_info.symtab_size);
	keep_range(boot_info.strtab_phys, boot_info.strtab_size);
	keep_range(boot_info.early_pt_phys, boot_info.early_pt_size);
	take_low_page();

	/* Firmware boot-time memory is dead: we run on our own stack, GDT
	 * and IDT, and CR3 points at the stub's tables (loader memory). */
	for (unsigned i = 0; i < boot_mmap_count; i++) {
		const struct boot_mem_range *r = &boot_mmap[i];

		if (r->type == BOOT_MEM_USABLE ||
		    r->type == BOOT_MEM_BOOT_SERVICES)
			free_except_keeps(r->base, r->base + r->size);
	}
	pr_info("mm: %llu MiB usable of %llu MiB, page array %llu KiB\n",
		(unsigned long long)(page_free_count() >> 8),
		(unsigned long long)(top >> 20),
		(unsigned long long)(map_bytes >> 10));
}

void pmm_reclaim_boot_memory(void)
{
	uint64_t before = page_free_count();

	/* The early page tables are no longer in use: drop that keep. */
	for (unsigned i = 0; i < nkeeps; i++)
		if (keeps[i].base == boot_info.early_pt_phys)
			keeps[i] = keeps[--nkeeps];
	for (unsigned i = 0; i < boot_mmap_count; i++) {
		const struct boot_mem_range *r = &boot_mmap[i];

		if (r->type == BOOT_MEM_LOADER)
			free_except_keeps(r->base, r->base + r->size);
	}
	pr_info("mm: reclaimed %llu KiB of loader memory\n",
		(unsigned long long)((page_free_count() - before) * 4));
}

uint64_t pmm_low_page(void)
{
	return low_page;
}

void pmm_free_initrd(void)
{
	uint64_t base = ALIGN_DOWN(boot_info.initrd_phys, PAGE_SIZE);
	uint64_t end = ALIGN_UP(boot_info.initrd_phys + boot_info.initrd_size,
				PAGE_SIZE);

	if (!boot_info.initrd_size)
		return;
	for (unsigned i = 0; i < nkeeps; i++)
		if (keeps[i].base == base)
			keeps[i] = keeps[--nkeeps];
	page_free_range(base >> PAGE_SHIFT, end >> PAGE_SHIFT);
	pr_info("mm: freed %llu KiB of initrd\n",
		(unsigned long long)((end - base) >> 10));
	boot_info.initrd_size = 0;
}
