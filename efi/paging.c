/* SPDX-License-Identifier: MIT */
/*
 * The first page tables: [0, top) identity-mapped (so this code keeps running
 * after the CR3 switch) and again at DIRECT_MAP_BASE, both with 2 MiB pages
 * sharing the same PDPTs, plus the kernel image at KERNEL_VIRT_BASE with
 * 4 KiB pages. No NX bits: EFER.NXE is the kernel's to set. The kernel
 * replaces all of this with its own tables early on.
 */
#include "efi/stub.h"

#define PTE_P 0x1ULL
#define PTE_W 0x2ULL
#define PTE_PS 0x80ULL
#define GIB (1ULL << 30)
#define MIB2 (1ULL << 21)

EFI_STATUS stub_build_page_tables(struct boot_info *bi, UINT64 top,
				  UINT64 *pml4_phys)
{
	UINT64 gibs = (top + GIB - 1) / GIB;
	UINT64 pdpt_pages = (gibs + 511) / 512;
	UINT64 kpt_pages = (bi->kernel_size + MIB2 - 1) / MIB2;
	UINT64 pages = 1 + pdpt_pages + gibs + 2 + kpt_pages;
	EFI_PHYSICAL_ADDRESS base;
	UINT64 *pml4, *pdpt, *pd, *kpdpt, *kpd, *kpt;

	if (pdpt_pages > 256)
		return EFI_UNSUPPORTED; /* more than 128 TiB */
	pml4 = stub_alloc_pages(pages * EFI_PAGE_SIZE, &base);
	if (!pml4)
		return EFI_OUT_OF_RESOURCES;
	pdpt = pml4 + 512;
	pd = pdpt + 512 * pdpt_pages;
	kpdpt = pd + 512 * gibs;
	kpd = kpdpt + 512;
	kpt = kpd + 512;

	for (UINT64 i = 0; i < pdpt_pages; i++) {
		UINT64 e = (UINT64)(pdpt + 512 * i) | PTE_P | PTE_W;
		pml4[i] = e;
		pml4[256 + i] = e;
	}
	for (UINT64 g = 0; g < gibs; g++) {
		pdpt[g] = (UINT64)(pd + 512 * g) | PTE_P | PTE_W;
		for (UINT64 j = 0; j < 512; j++)
			pd[512 * g + j] = (g * GIB + j * MIB2) | PTE_P | PTE_W |
					  PTE_PS;
	}

	/* KERNEL_VIRT_BASE is PML4 slot 511, PDPT slot 510. */
	pml4[511] = (UINT64)kpdpt | PTE_P | PTE_W;
	kpdpt[510] = (UINT64)kpd | PTE_P | PTE_W;
	for (UINT64 i = 0; i < kpt_pages; i++)
		kpd[i] = (UINT64)(kpt + 512 * i) | PTE_P | PTE_W;
	for (UINT64 off = 0; off < bi->kernel_size; off += EFI_PAGE_SIZE)
		kpt[off / EFI_PAGE_SIZE] = (bi->kernel_phys + off) | PTE_P |
					   PTE_W;

	bi->early_pt_phys = base;
	bi->early_pt_size = pages * EFI_PAGE_SIZE;
	*pml4_phys = base;
	return EFI_SUCCESS;
}
