/* SPDX-License-Identifier: MIT */
/*
 * Pure helpers shared by the kernel, the EFI stub and the host unit tests:
 * string functions, formatted printing, ELF header checks.
 */
#ifndef STRIX_LIB_H
#define STRIX_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/uapi/elf.h"

typedef long ssize_t;

#ifdef STRIX_HOST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
#endif

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * printf-style formatting into buf (always NUL-terminated when size > 0).
 * Supports %d %i %u %x %X %o %p %s %c %% with flags "-0+ #", width,
 * precision and the length modifiers hh h l ll z t j.
 * Returns the length the whole output would have had, as C99 snprintf.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parses an unsigned number in base 10, or 16 with 0x, or 8 with a leading 0.
 * Returns 0 and stores it, or -EINVAL / -ERANGE. */
int kstrtou64(const char *s, uint64_t *out);

/*
 * ELF: checks that buf[0..len) holds an ELF64 little-endian x86-64 header of
 * type ET_EXEC or ET_DYN whose program header table lies inside the buffer.
 * Returns 0 or -ENOEXEC.
 */
int elf_check_header(const void *buf, size_t len);
/* The same checks of the header alone, without the table's bounds. */
int elf_check_ehdr(const struct elf64_ehdr *eh);
/* As elf_load_span, for a program header table read separately from a
 * file of file_len bytes. */
int elf_phdrs_span(const struct elf64_phdr *phdrs, unsigned n,
		   uint64_t file_len, uint64_t *lo, uint64_t *hi);
static inline const struct elf64_phdr *elf_phdr(const void *buf, unsigned i)
{
	const struct elf64_ehdr *eh = buf;
	return (const struct elf64_phdr *)((const char *)buf + eh->e_phoff +
					   (uint64_t)i * eh->e_phentsize);
}
/* The page-aligned span [lo, hi) covered by PT_LOAD segments, after checking
 * each one (memsz >= filesz, no wrap-around, file range inside len).
 * Returns 0 or -ENOEXEC. */
int elf_load_span(const void *buf, size_t len, uint64_t *lo, uint64_t *hi);
/* Section i, or NULL unless it and its bytes lie inside the buffer. */
const struct elf64_shdr *elf_section(const void *buf, size_t len, unsigned i);
/* The first section of the given type whose bytes lie inside the buffer,
 * or NULL. */
const struct elf64_shdr *elf_find_section(const void *buf, size_t len,
					  uint32_t type);

/* A vDSO image the kernel can map raw (kernel/lib/vdso_image.c): ET_DYN,
 * one non-writable PT_LOAD at address and offset 0, a PT_DYNAMIC with a
 * DT_HASH and no relocations or imports. 0 or -ENOEXEC. */
int vdso_image_check(const void *buf, size_t len);
/* The address (image-relative) of the function name, found through the
 * image's DT_HASH table; 0 if absent or the image is malformed. */
uint64_t vdso_image_sym(const void *buf, size_t len, const char *name);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#endif
