/* SPDX-License-Identifier: MIT */
/*
 * The hand-off from the EFI stub (efi/) to the kernel: plain physical
 * addresses and sizes, no UEFI types. The stub fills it, the kernel copies it.
 */
#ifndef STRIX_BOOT_INFO_H
#define STRIX_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC 0x4f4f425849525453ULL /* "STRIXBOO" */
#define BOOT_INFO_VERSION 1

/* Where the kernel image is linked; the stub maps it there. */
#define KERNEL_VIRT_BASE 0xffffffff80000000ULL
/* Every physical address p is reachable at DIRECT_MAP_BASE + p. */
#define DIRECT_MAP_BASE 0xffff800000000000ULL

#define BOOT_CMDLINE_MAX 1024

enum boot_mem_type {
	BOOT_MEM_USABLE = 1, /* free RAM */
	BOOT_MEM_BOOT_SERVICES, /* firmware boot-time memory: free after hand-off */
	BOOT_MEM_LOADER,	/* the stub's memory: free once the kernel has
				 * kept the ranges boot_info names */
	BOOT_MEM_ACPI_RECLAIM, /* ACPI tables: free once parsed */
	BOOT_MEM_ACPI_NVS,
	BOOT_MEM_RUNTIME, /* EFI runtime services code/data */
	BOOT_MEM_RESERVED,
	BOOT_MEM_MMIO,
	BOOT_MEM_UNUSABLE,
	BOOT_MEM_PERSISTENT,
};

struct boot_mem_range {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved;
};

/* A linear framebuffer; base == 0 means there is none (serial only). */
struct boot_framebuffer {
	uint64_t base;
	uint64_t size;
	uint32_t width;
	uint32_t height;
	uint32_t pitch; /* bytes per scan line */
	uint32_t bpp;	/* 32 for every GOP mode we accept */
	uint8_t red_shift, red_size;
	uint8_t green_shift, green_size;
	uint8_t blue_shift, blue_size;
	uint8_t reserved[2];
};

struct boot_info {
	uint64_t magic;
	uint32_t version;
	uint32_t size; /* sizeof(struct boot_info) as the stub knew it */

	/* The kernel ELF's PT_LOAD segments, contiguous from KERNEL_VIRT_BASE. */
	uint64_t kernel_phys;
	uint64_t kernel_size;

	/* The initrd (newc cpio) as read from the ESP; size 0 if none. */
	uint64_t initrd_phys;
	uint64_t initrd_size;

	/* The kernel ELF's .symtab and .strtab, for symbolized backtraces. */
	uint64_t symtab_phys;
	uint64_t symtab_size;
	uint64_t strtab_phys;
	uint64_t strtab_size;

	/* The stub's page tables: in use until the kernel loads its own. */
	uint64_t early_pt_phys;
	uint64_t early_pt_size;

	uint64_t rsdp_phys;   /* ACPI 2.0+ RSDP, 0 if absent */
	uint64_t smbios_phys; /* SMBIOS 3 or 2 entry point, 0 if absent */

	uint64_t mmap_phys; /* array of struct boot_mem_range */
	uint32_t mmap_count;
	uint32_t reserved;

	struct boot_framebuffer fb;

	char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated */
};

_Static_assert(sizeof(struct boot_mem_range) == 24, "boot_mem_range layout");
_Static_assert(sizeof(struct boot_framebuffer) == 40, "boot_framebuffer "
						      "layout");

#endif
