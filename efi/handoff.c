/* SPDX-License-Identifier: MIT */
/*
 * Leaving the firmware: the final memory map, ExitBootServices and the jump
 * into the kernel. After ExitBootServices succeeds nothing here may call the
 * firmware again (UEFI 2.10 §7.4, EFI_BOOT_SERVICES.ExitBootServices()).
 */
#include "efi/stub.h"

/* The memory map in the firmware's own form; the caller frees it. */
static EFI_MEMORY_DESCRIPTOR *get_map(UINTN *size, UINTN *key, UINTN *dsize)
{
	UINT32 dver;

	return LibMemoryMap(size, key, dsize, &dver);
}

static EFI_MEMORY_DESCRIPTOR *desc_at(void *map, UINTN dsize, UINTN i)
{
	return (EFI_MEMORY_DESCRIPTOR *)((char *)map + i * dsize);
}

UINT64 stub_phys_top(void)
{
	UINTN n, key, dsize;
	EFI_MEMORY_DESCRIPTOR *map = get_map(&n, &key, &dsize);
	UINT64 top = 0;

	if (!map)
		return 0;
	n /= dsize;
	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = desc_at(map, dsize, i);
		UINT64 end =
			d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;

		if (end > top)
			top = end;
	}
	FreePool(map);
	return top;
}

static uint32_t boot_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOT_MEM_LOADER;
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOT_MEM_BOOT_SERVICES;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOT_MEM_RUNTIME;
	case EfiConventionalMemory:
		return BOOT_MEM_USABLE;
	case EfiUnusableMemory:
		return BOOT_MEM_UNUSABLE;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOT_MEM_MMIO;
	case 14: /* EfiPersistentMemory */
		return BOOT_MEM_PERSISTENT;
	default: /* PAL code, unaccepted memory, OEM and OS types */
		return BOOT_MEM_RESERVED;
	}
}

/* Converts the firmware's map into out[], merging neighbours of one type. */
static uint32_t convert_map(void *map, UINTN n, UINTN dsize,
			    struct boot_mem_range *out, UINTN cap)
{
	uint32_t count = 0;

	for (UINTN i = 0; i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = desc_at(map, dsize, i);
		uint64_t base = d->PhysicalStart;
		uint64_t size = d->NumberOfPages * EFI_PAGE_SIZE;
		uint32_t type = boot_type(d->Type);
		struct boot_mem_range *prev = count ? &out[count - 1] : NULL;

		if (prev && prev->type == type &&
		    prev->base + prev->size == base) {
			prev->size += size;
			continue;
		}
		if (count == cap)
			break; /* cannot happen: cap exceeds n */
		out[count++] = (struct boot_mem_range){ base, size, type, 0 };
	}
	return count;
}

static void __attribute__((noreturn))
jump_to_kernel(UINT64 pml4, UINT64 entry, struct boot_info *bi)
{
	__asm__ volatile("cli\n\t"
			 "mov %0, %%cr3\n\t"
			 "jmp *%1"
			 :
			 : "r"(pml4), "r"(entry), "D"(bi)
			 : "memory");
	__builtin_unreachable();
}

EFI_STATUS stub_exit_and_jump(struct boot_info *bi, UINT64 entry, UINT64 pml4)
{
	UINTN size = 0, key, dsize, cap, n;
	UINT32 dver;
	EFI_PHYSICAL_ADDRESS map_phys, out_phys;
	void *map;
	struct boot_mem_range *out;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, NULL, &key, &dsize,
			       &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	/* Our own two allocations below may split entries: leave room. */
	cap = size / dsize + 32;
	map = stub_alloc_pages(cap * dsize, &map_phys);
	out = stub_alloc_pages(cap * sizeof(*out), &out_phys);
	if (!map || !out)
		return EFI_OUT_OF_RESOURCES;

	/*
	 * The map key goes stale if anything allocates between GetMemoryMap
	 * and ExitBootServices (timer callbacks can); the spec's remedy is to
	 * fetch the map again and retry, calling nothing else in between.
	 */
	for (int tries = 0; tries < 3; tries++) {
		size = cap * dsize;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key,
				       &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, stub_image,
				       key);
		if (st != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(st))
		return st;

	/* From here on the firmware is gone: no Print, no allocation. */
	n = size / dsize;
	bi->mmap_phys = out_phys;
	bi->mmap_count = convert_map(map, n, dsize, out, cap);
	jump_to_kernel(pml4, entry, bi);
}
