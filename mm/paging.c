/* SPDX-License-Identifier: MIT */
/*
 * Four-level page tables (Intel SDM Vol. 3A §4.5): the kernel's own tables
 * replacing the stub's, and the walk/map/unmap primitives everything else
 * uses. The upper half of every PML4 is the kernel's and is shared.
 */
#include "mm/mm.h"

uint64_t kernel_pml4_phys;
uint64_t kernel_phys_base;
static uint64_t nx_bit = PTE_NX; /* 0 when the CPU has no NX */
static bool gbpages;

static inline unsigned index_at(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

/* The entry for va at level (4 = PML4 ... 1 = PT), allocating tables on
 * the way when alloc is set. NULL if absent, huge above level, or OOM. */
static uint64_t *walk_to(uint64_t pml4, uint64_t va, int level, bool alloc)
{
	uint64_t *table = phys_to_virt(pml4);

	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[index_at(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t t;

			if (!alloc || !(t = page_alloc_phys()))
				return NULL;
			*e = t | PTE_P | PTE_W |
			     (va < USER_SPACE_END ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = phys_to_virt(*e & PTE_ADDR);
	}
	return &table[index_at(va, level)];
}

uint64_t *pt_walk(uint64_t pml4_phys, uint64_t va, bool alloc)
{
	return walk_to(pml4_phys, va, 1, alloc);
}

int pt_map(uint64_t pml4_phys, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pte = pt_walk(pml4_phys, va, true);

	if (!pte)
		return -ENOMEM;
	*pte = (pa & PTE_ADDR) | (flags & ~PTE_NX) | (flags & nx_bit) | PTE_P;
	return 0;
}

uint64_t pt_unmap(uint64_t pml4_phys, uint64_t va)
{
	uint64_t *pte = pt_walk(pml4_phys, va, false);
	uint64_t old;

	if (!pte)
		return 0;
	old = *pte;
	*pte = 0;
	return old;
}

static void walk_range(uint64_t table, int level, uint64_t base, uint64_t start,
		       uint64_t end, pt_range_fn fn, void *ctx)
{
	uint64_t *t = phys_to_virt(table);
	uint64_t span = 1ULL << (PAGE_SHIFT + 9 * (level - 1));
	unsigned i = start > base ? (start - base) / span : 0;

	for (; i < 512; i++) {
		uint64_t va = base + i * span;

		if (va >= end)
			break;
		if (level == 1 && (t[i] & (PTE_P | PTE_PROTNONE)))
			fn(va, &t[i], ctx);
		if (level == 1 || !(t[i] & PTE_P))
			continue;
		if (!(t[i] & PTE_PS))
			walk_range(t[i] & PTE_ADDR, level - 1, va, start, end,
				   fn, ctx);
	}
}

void pt_walk_range(uint64_t pml4_phys, uint64_t start, uint64_t end,
		   pt_range_fn fn, void *ctx)
{
	if (start < end)
		walk_range(pml4_phys, 4, 0, start, end, fn, ctx);
}

void tlb_flush_page(uint64_t va)
{
	invlpg(va);
}

void tlb_flush_all(void)
{
	/* Toggling PGE drops global entries too (SDM §4.10.4.1). */
	uint64_t cr4 = read_cr4();

	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
}

/* Maps [pa, pa + size) at va with the largest pages alignment allows. */
static void map_span(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags)
{
	while (size > 0) {
		uint64_t *e;
		uint64_t step;

		if (gbpages && !(va & ((1ULL << 30) - 1)) &&
		    !(pa & ((1ULL << 30) - 1)) && size >= (1ULL << 30)) {
			e = walk_to(kernel_pml4_phys, va, 3, true);
			step = 1ULL << 30;
		} else if (!(va & ((1ULL << 21) - 1)) &&
			   !(pa & ((1ULL << 21) - 1)) && size >= (1ULL << 21)) {
			e = walk_to(kernel_pml4_phys, va, 2, true);
			step = 1ULL << 21;
		} else {
			e = walk_to(kernel_pml4_phys, va, 1, true);
			step = PAGE_SIZE;
		}
		if (!e)
			panic("out of memory building the direct map");
		*e = pa | flags | (step > PAGE_SIZE ? PTE_PS : 0);
		va += step;
		pa += step;
		size -= step;
	}
}

static bool is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_BOOT_SERVICES ||
	       type == BOOT_MEM_LOADER || type == BOOT_MEM_ACPI_RECLAIM ||
	       type == BOOT_MEM_ACPI_NVS;
}

/* The direct map covers RAM only; devices go through ioremap(). Adjacent
 * RAM ranges (the map is sorted) are joined so huge pages fit. */
static void map_ram(void)
{
	uint64_t flags = PTE_P | PTE_W | PTE_G | nx_bit;
	unsigned i = 0;

	while (i < boot_mmap_count) {
		uint64_t base, end;

		if (!is_ram(boot_mmap[i].type)) {
			i++;
			continue;
		}
		base = ALIGN_DOWN(boot_mmap[i].base, PAGE_SIZE);
		end = boot_mmap[i].base + boot_mmap[i].size;
		while (++i < boot_mmap_count && is_ram(boot_mmap[i].type) &&
		       boot_mmap[i].base == end)
			end += boot_mmap[i].size;
		end = ALIGN_UP(end, PAGE_SIZE);
		map_span(DIRECT_MAP_BASE + base, base, end - base, flags);
	}
}

/* Text read-only and executable, rodata read-only, data and bss writable
 * and never executable: W^X for the kernel image. */
static void map_kernel_image(void)
{
	struct {
		const char *start, *end;
		uint64_t flags;
	} parts[] = {
		{ __text_start, __text_end, 0 },
		{ __rodata_start, __rodata_end, nx_bit },
		{ __data_start, __bss_end, PTE_W | nx_bit },
	};

	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		uint64_t va = ALIGN_DOWN((uint64_t)parts[i].start, PAGE_SIZE);
		uint64_t end = ALIGN_UP((uint64_t)parts[i].end, PAGE_SIZE);

		map_span(va, va - KERNEL_VIRT_BASE + kernel_phys_base, end - va,
			 PTE_P | PTE_G | parts[i].flags);
	}
}

static void enable_cpu_paging_features(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (d & (1u << 20))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	else
		nx_bit = 0;
	gbpages = d & (1u << 26);
	/* PAT as Linux sets it: WB, WC, UC-, UC, then the same again; so
	 * PWT alone selects write-combining (SDM Vol. 3A §12.12.2). */
	wrmsr(MSR_PAT, 0x0007010600070106ULL);
	write_cr0(read_cr0() | CR0_WP);
	write_cr4(read_cr4() | CR4_PGE);
}

void paging_init(void)
{
	uint64_t *pml4;

	kernel_phys_base = boot_info.kernel_phys;
	enable_cpu_paging_features();
	kernel_pml4_phys = page_alloc_phys();
	if (!kernel_pml4_phys)
		panic("out of memory for the kernel page tables");
	pml4 = phys_to_virt(kernel_pml4_phys);
	/* Pre-allocate every upper-half PDPT so that later kernel mappings
	 * appear in all address spaces without synchronising PML4s. */
	for (unsigned i = 256; i < 512; i++) {
		uint64_t t = page_alloc_phys();
		if (!t)
			panic("out of memory for the kernel page tables");
		pml4[i] = t | PTE_P | PTE_W;
	}
	map_ram();
	map_kernel_image();
	write_cr3(kernel_pml4_phys);
}
