/* SPDX-License-Identifier: MIT */
/* Reading whole files from the volume BOOTX64.EFI was loaded from. */
#include "efi/stub.h"
#include "kernel/lib/lib.h"

static EFI_STATUS open_root(EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS st;

	st = uefi_call_wrapper(BS->HandleProtocol, 3, stub_image,
			       &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	st = uefi_call_wrapper(BS->HandleProtocol, 3, li->DeviceHandle,
			       &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return st;
	return uefi_call_wrapper(fs->OpenVolume, 2, fs, root);
}

EFI_STATUS stub_read_file(const char *ascii_path, EFI_PHYSICAL_ADDRESS *phys,
			  UINT64 *size)
{
	CHAR16 path[256];
	EFI_FILE_HANDLE root, file;
	EFI_FILE_INFO *info;
	UINTN i, len, pages;
	void *buf;
	EFI_STATUS st;

	for (i = 0; ascii_path[i] && i + 1 < ARRAY_SIZE(path); i++)
		path[i] = ascii_path[i] == '/' ? L'\\' : ascii_path[i];
	path[i] = 0;

	st = open_root(&root);
	if (EFI_ERROR(st))
		return st;
	st = uefi_call_wrapper(root->Open, 5, root, &file, path,
			       EFI_FILE_MODE_READ, 0);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(file);
	if (!info) {
		st = EFI_DEVICE_ERROR;
		goto close;
	}
	len = info->FileSize;
	FreePool(info);
	/* One spare byte so an empty file still has an allocation. */
	pages = (len + EFI_PAGE_SIZE) / EFI_PAGE_SIZE;
	buf = stub_alloc_pages(len + 1, phys);
	if (!buf) {
		st = EFI_OUT_OF_RESOURCES;
		goto close;
	}
	st = uefi_call_wrapper(file->Read, 3, file, &len, buf);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->FreePages, 2, *phys, pages);
		goto close;
	}
	*size = len;
close:
	uefi_call_wrapper(file->Close, 1, file);
	return st;
}
