/* SPDX-License-Identifier: MIT */
/* Private to the EFI stub: the steps efi_main() takes, one file each. */
#ifndef STRIX_EFI_STUB_H
#define STRIX_EFI_STUB_H

#include <efi.h>
#include <efilib.h>

#include "kernel/boot_info.h"

/*
 * Every allocation the kernel must keep is EfiLoaderData and is named in
 * boot_info; the kernel frees the rest of the loader's memory.
 */
#define STUB_MEM_TYPE EfiLoaderData

extern EFI_HANDLE stub_image;

/* Prints "strix: <msg>: <status>" on the firmware console, waits so it can be
 * read, and returns status for efi_main to hand back to the firmware. */
EFI_STATUS stub_fail(EFI_STATUS status, const CHAR16 *msg);
void *stub_alloc_pages(UINTN bytes, EFI_PHYSICAL_ADDRESS *phys);

/* cmdline.c: fills bi->cmdline from LoadOptions or \EFI\strix\cmdline.txt. */
void stub_read_cmdline(struct boot_info *bi);
/* Finds "key=" in the command line and copies its value; false if absent. */
BOOLEAN stub_cmdline_get(const struct boot_info *bi, const char *key, char *val,
			 UINTN size);

/* files.c: reads a whole file from the volume the stub was loaded from into
 * fresh pages. ascii_path uses '/' or '\' separators. */
EFI_STATUS stub_read_file(const char *ascii_path, EFI_PHYSICAL_ADDRESS *phys,
			  UINT64 *size);

/* gop.c: sets bi->fb (base 0 when there is no usable GOP). */
void stub_setup_gop(struct boot_info *bi);

/* kernel_load.c: loads the embedded kernel ELF; returns its entry point. */
EFI_STATUS stub_load_kernel(struct boot_info *bi, UINT64 *entry);

/* paging.c: builds the first page tables (identity + direct map of
 * [0, top) and the kernel image); returns the PML4's physical address. */
EFI_STATUS stub_build_page_tables(struct boot_info *bi, UINT64 top,
				  UINT64 *pml4);

/* handoff.c: memory map, ExitBootServices, jump. Returns only on failure. */
EFI_STATUS stub_exit_and_jump(struct boot_info *bi, UINT64 entry, UINT64 pml4);
/* The highest physical address the memory map mentions. */
UINT64 stub_phys_top(void);

#endif
