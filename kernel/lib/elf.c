/* SPDX-License-Identifier: MIT */
/* Bounds-checked reading of ELF64 headers, shared by the stub and execve. */
#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

int elf_check_ehdr(const struct elf64_ehdr *eh)
{
	static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (memcmp(eh->e_ident, magic, 4) != 0)
		return -ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_ident[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return -ENOEXEC;
	if (eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0)
		return -ENOEXEC;
	/* Linux refuses tables over 64 KiB (fs/binfmt_elf.c, elf_read_phdrs). */
	if ((uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > 65536)
		return -ENOEXEC;
	return 0;
}

int elf_check_header(const void *buf, size_t len)
{
	const struct elf64_ehdr *eh = buf;
	uint64_t table;

	if (len < sizeof(*eh) || elf_check_ehdr(eh))
		return -ENOEXEC;
	table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (eh->e_phoff > len || table > len - eh->e_phoff || eh->e_phoff % 8)
		return -ENOEXEC;
	return 0;
}

int elf_phdrs_span(const struct elf64_phdr *phdrs, unsigned n,
		   uint64_t file_len, uint64_t *lo, uint64_t *hi)
{
	uint64_t min = UINT64_MAX, max = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct elf64_phdr *ph = &phdrs[i];
		uint64_t end;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > file_len ||
		    ph->p_filesz > file_len - ph->p_offset)
			return -ENOEXEC;
		if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end) ||
		    end > UINT64_MAX - 4095)
			return -ENOEXEC;
		/* The file offset and address must agree modulo the page size
		 * so the segment can be mapped (gABI, "Program Loading"). */
		if ((ph->p_vaddr - ph->p_offset) % 4096)
			return -ENOEXEC;
		min = MIN(min, ALIGN_DOWN(ph->p_vaddr, 4096));
		max = MAX(max, ALIGN_UP(end, 4096));
	}
	if (min >= max)
		return -ENOEXEC;
	*lo = min;
	*hi = max;
	return 0;
}

int elf_load_span(const void *buf, size_t len, uint64_t *lo, uint64_t *hi)
{
	const struct elf64_ehdr *eh = buf;

	return elf_phdrs_span(elf_phdr(buf, 0), eh->e_phnum, len, lo, hi);
}

/* Section i, if the section table and the section's bytes are inside len. */
const struct elf64_shdr *elf_section(const void *buf, size_t len, unsigned i)
{
	const struct elf64_ehdr *eh = buf;
	uint64_t table = (uint64_t)eh->e_shnum * sizeof(struct elf64_shdr);
	const struct elf64_shdr *sh;

	if (eh->e_shentsize != sizeof(struct elf64_shdr) || eh->e_shoff > len ||
	    table > len - eh->e_shoff || eh->e_shoff % 8 || i >= eh->e_shnum)
		return NULL;
	sh = (const void *)((const char *)buf + eh->e_shoff +
			    (uint64_t)i * sizeof(*sh));
	/* .bss and friends occupy no bytes of the file. */
	if (sh->sh_type != SHT_NOBITS &&
	    (sh->sh_offset > len || sh->sh_size > len - sh->sh_offset))
		return NULL;
	return sh;
}

const struct elf64_shdr *elf_find_section(const void *buf, size_t len,
					  uint32_t type)
{
	const struct elf64_ehdr *eh = buf;

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		const struct elf64_shdr *sh = elf_section(buf, len, i);

		if (!sh)
			return NULL;
		if (sh->sh_type == type)
			return sh;
	}
	return NULL;
}
