/* SPDX-License-Identifier: MIT */
/* Checking a vDSO image before the kernel maps it raw into every process:
 * loader-free (no relocations, no imports) and with the expected exports.
 * Pure, so the host unit tests run it on the built image. */
#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

/* Dynamic tags (gABI "Dynamic Section"). */
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_HASH 4
#define DT_STRTAB 5
#define DT_SYMTAB 6
#define DT_RELA 7
#define DT_STRSZ 10
#define DT_REL 17
#define DT_TEXTREL 22
#define DT_JMPREL 23

struct dyn_info {
	uint64_t hash, strtab, symtab, strsz;
};

/* 0 if [off, off + n) lies inside len. */
static int in_image(uint64_t off, uint64_t n, size_t len)
{
	return off <= len && n <= len - off ? 0 : -ENOEXEC;
}

/* The dynamic section must ask nothing of a loader; records the tables
 * a symbol lookup needs. */
static int read_dynamic(const char *img, size_t len,
			const struct elf64_phdr *ph, struct dyn_info *di)
{
	const uint64_t *d = (const void *)(img + ph->p_offset);
	size_t n = ph->p_filesz / 16;

	if (in_image(ph->p_offset, ph->p_filesz, len) || ph->p_offset % 8)
		return -ENOEXEC;
	for (size_t i = 0; i < n && d[2 * i] != DT_NULL; i++) {
		uint64_t val = d[2 * i + 1];

		switch (d[2 * i]) {
		case DT_NEEDED:
		case DT_RELA:
		case DT_REL:
		case DT_TEXTREL:
		case DT_JMPREL:
			return -ENOEXEC;
		case DT_HASH:
			di->hash = val;
			break;
		case DT_STRTAB:
			di->strtab = val;
			break;
		case DT_SYMTAB:
			di->symtab = val;
			break;
		case DT_STRSZ:
			di->strsz = val;
			break;
		}
	}
	if (!di->hash || !di->strtab || !di->symtab || !di->strsz ||
	    in_image(di->strtab, di->strsz, len) || di->hash % 4 ||
	    di->symtab % 8 || in_image(di->hash, 8, len))
		return -ENOEXEC;
	return 0;
}

int vdso_image_check(const void *buf, size_t len)
{
	const char *img = buf;
	const struct elf64_ehdr *eh = buf;
	const struct elf64_phdr *ph;
	struct dyn_info di = { 0 };
	unsigned loads = 0, dynamic = 0;

	if (elf_check_header(buf, len) || eh->e_type != ET_DYN)
		return -ENOEXEC;
	ph = elf_phdr(buf, 0);
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			/* Mapped as the file is: at 0, read+execute only. */
			if (loads++ || ph[i].p_vaddr || ph[i].p_offset ||
			    ph[i].p_filesz != ph[i].p_memsz ||
			    ph[i].p_filesz > len || (ph[i].p_flags & PF_W))
				return -ENOEXEC;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			if (dynamic++ || read_dynamic(img, len, &ph[i], &di))
				return -ENOEXEC;
		}
	}
	return loads == 1 && dynamic == 1 ? 0 : -ENOEXEC;
}

/* The gABI's ELF hash function ("Hash Table"). */
static uint32_t elf_hash(const char *name)
{
	uint32_t h = 0, g;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static const struct elf64_phdr *find_dynamic(const void *buf)
{
	const struct elf64_ehdr *eh = buf;

	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (elf_phdr(buf, i)->p_type == PT_DYNAMIC)
			return elf_phdr(buf, i);
	return NULL;
}

uint64_t vdso_image_sym(const void *buf, size_t len, const char *name)
{
	const char *img = buf;
	struct dyn_info di = { 0 };
	const uint32_t *hash;
	uint32_t nbucket, nchain;
	size_t want = strlen(name) + 1;

	if (vdso_image_check(buf, len) ||
	    read_dynamic(img, len, find_dynamic(buf), &di))
		return 0;
	hash = (const void *)(img + di.hash);
	nbucket = hash[0];
	nchain = hash[1];
	if (!nbucket || in_image(di.hash, 8 + 4ULL * (nbucket + nchain), len) ||
	    in_image(di.symtab, (uint64_t)nchain * sizeof(struct elf64_sym),
		     len))
		return 0;
	for (uint32_t i = hash[2 + elf_hash(name) % nbucket], n = 0;
	     i && i < nchain && n < nchain; i = hash[2 + nbucket + i], n++) {
		const struct elf64_sym *s =
			(const void *)(img + di.symtab + i * sizeof(*s));

		if (s->st_name < di.strsz && want <= di.strsz - s->st_name &&
		    !memcmp(img + di.strtab + s->st_name, name, want) &&
		    ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx)
			return s->st_value;
	}
	return 0;
}
