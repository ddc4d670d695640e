/* SPDX-License-Identifier: MIT */
/* Loading the kernel ELF embedded in this image (efi/kernel_blob.S). */
#include "efi/stub.h"
#include "kernel/lib/lib.h"
#include "kernel/uapi/elf.h"

extern const char strix_kernel_elf[], strix_kernel_elf_end[];

/* Copies one section into fresh pages; returns its physical address or 0. */
static UINT64 copy_section(const char *elf, const struct elf64_shdr *sh)
{
	EFI_PHYSICAL_ADDRESS phys;
	void *dst = stub_alloc_pages(sh->sh_size, &phys);

	if (!dst)
		return 0;
	CopyMem(dst, (void *)(elf + sh->sh_offset), sh->sh_size);
	return phys;
}

/* The symbol table is optional: without it backtraces show addresses. */
static void copy_symbols(struct boot_info *bi, const char *elf, UINTN len)
{
	const struct elf64_shdr *sym = elf_find_section(elf, len, SHT_SYMTAB);
	const struct elf64_shdr *str;

	if (!sym)
		return;
	str = elf_section(elf, len, sym->sh_link);
	if (!str || str->sh_type != SHT_STRTAB)
		return;
	bi->symtab_phys = copy_section(elf, sym);
	bi->strtab_phys = copy_section(elf, str);
	if (bi->symtab_phys && bi->strtab_phys) {
		bi->symtab_size = sym->sh_size;
		bi->strtab_size = str->sh_size;
	}
}

EFI_STATUS stub_load_kernel(struct boot_info *bi, UINT64 *entry)
{
	const char *elf = strix_kernel_elf;
	UINTN len = strix_kernel_elf_end - strix_kernel_elf;
	const struct elf64_ehdr *eh = (const void *)elf;
	EFI_PHYSICAL_ADDRESS phys;
	uint64_t lo, hi;
	char *image;

	if (elf_check_header(elf, len) || eh->e_type != ET_EXEC ||
	    elf_load_span(elf, len, &lo, &hi) || lo != KERNEL_VIRT_BASE ||
	    hi - lo > 0x40000000 || eh->e_entry < lo || eh->e_entry >= hi)
		return EFI_LOAD_ERROR;

	image = stub_alloc_pages(hi - lo, &phys);
	if (!image)
		return EFI_OUT_OF_RESOURCES;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *ph = elf_phdr(elf, i);

		if (ph->p_type == PT_LOAD)
			CopyMem(image + (ph->p_vaddr - lo),
				(void *)(elf + ph->p_offset), ph->p_filesz);
	}
	bi->kernel_phys = phys;
	bi->kernel_size = hi - lo;
	copy_symbols(bi, elf, len);
	*entry = eh->e_entry;
	return EFI_SUCCESS;
}
