/* SPDX-License-Identifier: MIT */
/* The C string and memory functions the compiler and the kernel rely on. */
#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

#ifndef STRIX_HOST
#ifndef STRIX_EFI /* gnu-efi's libefi brings its own memcpy and memset */
/*
 * Bulk copies move 8 bytes per iteration: under QEMU's software emulation
 * every iteration of a rep-prefixed string instruction costs about the same.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t quads = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq"
			 : "+D"(dst), "+S"(src), "+c"(quads)
			 :
			 : "memory");
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(bytes)
			 :
			 : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	uint64_t pattern = 0x0101010101010101ULL * (unsigned char)c;
	size_t quads = n / 8, bytes = n % 8;

	__asm__ volatile("rep stosq"
			 : "+D"(dst), "+c"(quads)
			 : "a"(pattern)
			 : "memory");
	__asm__ volatile("rep stosb"
			 : "+D"(dst), "+c"(bytes)
			 : "a"(pattern)
			 : "memory");
	return ret;
}
#endif

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std; rep movsb; cld"
			 : "+D"(d), "+S"(s), "+c"(n)
			 :
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
#endif /* !STRIX_HOST */

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int kstrtou64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned d = digit_value(*s);
		if (d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}
