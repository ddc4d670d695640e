/* SPDX-License-Identifier: MIT */
/*
 * efi_main: gathers what the firmware knows into a struct boot_info, loads
 * the kernel embedded in this image and jumps to it (DESIGN.md, boot flow).
 */
#include "efi/stub.h"

EFI_HANDLE stub_image;

EFI_STATUS stub_fail(EFI_STATUS status, const CHAR16 *msg)
{
	Print(L"strix: %s: %r\n", msg, status);
	Print(L"strix: cannot boot; returning to the firmware in 10 seconds\n");
	uefi_call_wrapper(BS->Stall, 1, 10 * 1000 * 1000);
	return status;
}

void *stub_alloc_pages(UINTN bytes, EFI_PHYSICAL_ADDRESS *phys)
{
	EFI_PHYSICAL_ADDRESS addr = 0;
	UINTN pages = (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages,
			       STUB_MEM_TYPE, pages, &addr);
	if (EFI_ERROR(st))
		return NULL;
	SetMem((void *)addr, pages * EFI_PAGE_SIZE, 0);
	if (phys)
		*phys = addr;
	return (void *)addr;
}

/* ACPI 2.0 RSDP and SMBIOS from the configuration table (UEFI 2.10 §4.6). */
static void find_config_tables(struct boot_info *bi)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	EFI_GUID smbios3 = SMBIOS3_TABLE_GUID;
	EFI_GUID smbios = SMBIOS_TABLE_GUID;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		UINT64 addr = (UINT64)t->VendorTable;

		if (!CompareGuid(&t->VendorGuid, &acpi20))
			bi->rsdp_phys = addr;
		else if (!CompareGuid(&t->VendorGuid, &smbios3))
			bi->smbios_phys = addr;
		else if (!CompareGuid(&t->VendorGuid, &smbios) &&
			 !bi->smbios_phys)
			bi->smbios_phys = addr;
	}
	if (!bi->rsdp_phys)
		Print(L"strix: warning: no ACPI 2.0 RSDP; the kernel will see "
		      L"one CPU and no power-off\n");
}

/* Linux's EFI stub takes initrd=PATH; we keep that spelling. */
static void load_initrd(struct boot_info *bi)
{
	char path[256] = "\\EFI\\strix\\initrd.cpio";
	EFI_PHYSICAL_ADDRESS phys;
	UINT64 size;
	EFI_STATUS st;

	stub_cmdline_get(bi, "initrd", path, sizeof(path));
	st = stub_read_file(path, &phys, &size);
	if (EFI_ERROR(st)) {
		Print(L"strix: warning: cannot read initrd %a: %r; booting "
		      L"without one\n",
		      path, st);
		return;
	}
	bi->initrd_phys = phys;
	bi->initrd_size = size;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	struct boot_info *bi;
	UINT64 entry, pml4, top;
	EFI_STATUS st;

	InitializeLib(image, systab);
	stub_image = image;
	/* The firmware watchdog would reset us after 5 minutes (UEFI §7.5). */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);

	bi = stub_alloc_pages(sizeof(*bi), NULL);
	if (!bi)
		return stub_fail(EFI_OUT_OF_RESOURCES, L"allocating boot_info");
	bi->magic = BOOT_INFO_MAGIC;
	bi->version = BOOT_INFO_VERSION;
	bi->size = sizeof(*bi);

	stub_read_cmdline(bi);
	stub_setup_gop(bi);
	find_config_tables(bi);
	load_initrd(bi);

	st = stub_load_kernel(bi, &entry);
	if (EFI_ERROR(st))
		return stub_fail(st, L"loading the kernel");

	/* Map at least the 32-bit space, where firmware puts the LAPIC,
	 * IOAPIC, HPET and usually the framebuffer. */
	top = stub_phys_top();
	if (top < 0x100000000ULL)
		top = 0x100000000ULL;
	if (bi->fb.base + bi->fb.size > top)
		top = bi->fb.base + bi->fb.size;
	st = stub_build_page_tables(bi, top, &pml4);
	if (EFI_ERROR(st))
		return stub_fail(st, L"building page tables");

	st = stub_exit_and_jump(bi, entry, pml4);
	return stub_fail(st, L"leaving boot services");
}
