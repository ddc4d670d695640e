/* SPDX-License-Identifier: MIT */
/* The ELF header checks on well-formed and hostile headers. */
#include <string.h>

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"
#include "test/unit/unit.h"

/* An ET_EXEC image with two PT_LOAD segments and a symbol table. */
static unsigned char image[8192];

static struct elf64_ehdr *make_image(void)
{
	struct elf64_ehdr *eh = (void *)image;
	struct elf64_phdr *ph = (void *)(image + 64);

	memset(image, 0, sizeof(image));
	memcpy(eh->e_ident, "\177ELF", 4);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x401000;
	eh->e_phoff = 64;
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	eh->e_ehsize = 64;
	ph[0] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
				     .p_offset = 0, .p_vaddr = 0x400000,
				     .p_filesz = 0x1800, .p_memsz = 0x1800 };
	ph[1] = (struct elf64_phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
				     .p_offset = 0x1800, .p_vaddr = 0x402800,
				     .p_filesz = 0x100, .p_memsz = 0x3000 };
	return eh;
}

TEST(elf_accepts_a_good_header_and_finds_its_span)
{
	uint64_t lo, hi;

	make_image();
	CHECK_EQ(elf_check_header(image, sizeof(image)), 0);
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), 0);
	CHECK_EQ(lo, 0x400000);
	CHECK_EQ(hi, 0x406000);
}

TEST(elf_rejects_bad_identity)
{
	struct elf64_ehdr *eh;

	eh = make_image();
	eh->e_ident[0] = 0;
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_ident[EI_CLASS] = 1; /* 32-bit */
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_machine = 3; /* i386 */
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_type = 1; /* ET_REL */
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	CHECK_EQ(elf_check_header(image, 63), -ENOEXEC);
}

TEST(elf_rejects_program_headers_outside_the_file)
{
	struct elf64_ehdr *eh;

	eh = make_image();
	eh->e_phoff = sizeof(image) - 60;
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_phoff = UINT64_MAX - 8;
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_phnum = 0xffff;
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
	eh = make_image();
	eh->e_phentsize = 32;
	CHECK_EQ(elf_check_header(image, sizeof(image)), -ENOEXEC);
}

TEST(elf_rejects_bad_segments)
{
	struct elf64_phdr *ph = (void *)(image + 64);
	uint64_t lo, hi;

	make_image();
	ph[1].p_filesz = ph[1].p_memsz + 1;
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), -ENOEXEC);
	make_image();
	ph[1].p_offset = sizeof(image) - 0x10;
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), -ENOEXEC);
	make_image();
	ph[1].p_vaddr = UINT64_MAX - 0x1000;
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), -ENOEXEC);
	make_image();
	ph[1].p_vaddr = 0x402801; /* offset and address disagree mod 4096 */
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), -ENOEXEC);
	make_image();
	ph[0].p_type = PT_NOTE;
	ph[1].p_type = PT_NOTE;
	CHECK_EQ(elf_load_span(image, sizeof(image), &lo, &hi), -ENOEXEC);
}

TEST(elf_sections_are_bounds_checked)
{
	struct elf64_ehdr *eh = make_image();
	struct elf64_shdr *sh = (void *)(image + 4096);

	eh->e_shoff = 4096;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 4;
	/* A .bss-like section larger than the file comes first: it has no
	 * file bytes, so it must not hide what follows. */
	sh[1] = (struct elf64_shdr){ .sh_type = SHT_NOBITS, .sh_offset = 0x1000,
				     .sh_size = 1 << 20 };
	sh[2] = (struct elf64_shdr){ .sh_type = SHT_SYMTAB, .sh_offset = 0x1000,
				     .sh_size = 48, .sh_link = 3 };
	sh[3] = (struct elf64_shdr){ .sh_type = SHT_STRTAB, .sh_offset = 0x1100,
				     .sh_size = 16 };
	CHECK(elf_find_section(image, sizeof(image), SHT_SYMTAB) == &sh[2]);
	CHECK(elf_section(image, sizeof(image), 3) == &sh[3]);
	CHECK(elf_section(image, sizeof(image), 4) == NULL);
	sh[3].sh_size = sizeof(image);
	CHECK(elf_section(image, sizeof(image), 3) == NULL);
	eh->e_shnum = 200;
	CHECK(elf_find_section(image, sizeof(image), SHT_SYMTAB) == NULL);
}
