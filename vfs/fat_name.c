/* SPDX-License-Identifier: MIT */
/*
 * FAT names without I/O: UTF-8 <-> UTF-16, long-name checks, short names
 * (display form and generation with numeric tails, fatgen103). Pure: the
 * host unit tests use it directly.
 */
#include "vfs/fat_fmt.h"

#include "kernel/lib/lib.h"
#include "kernel/uapi/errno.h"

/* One code point from s (at most n bytes): its length, or 0 if invalid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80		 ? 1 :
		     s[0] >= 0xc2 && s[0] < 0xe0 ? 2 :
		     s[0] >= 0xe0 && s[0] < 0xf0 ? 3 :
		     s[0] >= 0xf0 && s[0] < 0xf5 ? 4 :
						   0;
	uint32_t c;

	if (!len || len > n)
		return 0;
	c = len == 1 ? s[0] : s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0;
	*cp = c;
	return len;
}

int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t c;
		size_t k =
			utf8_decode((const unsigned char *)s + i, len - i, &c);
		if (!k)
			return -EINVAL;
		i += k;
		if (c >= 0x10000) {
			if (n + 2 > max)
				return -ENAMETOOLONG;
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | c >> 10);
			out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			if (n + 1 > max)
				return -ENAMETOOLONG;
			out[n++] = (uint16_t)c;
		}
	}
	return (int)n;
}

int fat_utf16_to_utf8(const uint16_t *s, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t c = s[i];
		unsigned char b[4];
		size_t k;

		if (c >= 0xd800 && c < 0xdc00 && i + 1 < len &&
		    s[i + 1] >= 0xdc00 && s[i + 1] < 0xe000)
			c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
		else if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80) {
			b[0] = (unsigned char)c;
			k = 1;
		} else if (c < 0x800) {
			b[0] = (unsigned char)(0xc0 | c >> 6);
			b[1] = (unsigned char)(0x80 | (c & 0x3f));
			k = 2;
		} else if (c < 0x10000) {
			b[0] = (unsigned char)(0xe0 | c >> 12);
			b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (unsigned char)(0x80 | (c & 0x3f));
			k = 3;
		} else {
			b[0] = (unsigned char)(0xf0 | c >> 18);
			b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			b[3] = (unsigned char)(0x80 | (c & 0x3f));
			k = 4;
		}
		if (n + k + 1 > size)
			return -ENAMETOOLONG;
		memcpy(out + n, b, k);
		n += k;
	}
	if (!size)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return (int)n;
}

/* Characters no long name may hold (fatgen103 "File and Directory Name
 * Restrictions"): controls and " * / : < > ? \ |. */
static bool long_char_ok(uint16_t c)
{
	return c >= 0x20 && !(c < 0x80 && strchr("\"*/:<>?\\|", c));
}

/* Characters a short name may hold besides letters and digits: those
 * long names allow beyond these ( + , ; = [ ] space .) need a long name. */
static bool short_char_ok(uint16_t c)
{
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c >= '0' && c <= '9')
		return true;
	return c > 0x20 && c < 0x7f && strchr("!#$%&'()-@^_`{}~", c);
}

bool fat_long_name_ok(const uint16_t *name, size_t *len)
{
	size_t n = *len;

	if ((n == 1 && name[0] == '.') ||
	    (n == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	while (n && name[n - 1] == '.') /* Linux vfat: trailing dots go */
		n--;
	if (!n || n > FAT_LFN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!long_char_ok(name[i]))
			return false;
	*len = n;
	return true;
}

bool fat_name_is_short(const uint16_t *name, size_t len, uint8_t out[11])
{
	size_t i, k = 0, dot = len;

	for (i = 0; i < len; i++)
		if (name[i] == '.') {
			if (dot != len)
				return false; /* two dots */
			dot = i;
		}
	if (dot == 0 || dot > 8 || (dot < len && len - dot - 1 > 3) ||
	    (dot < len && len - dot - 1 == 0))
		return false;
	memset(out, ' ', 11);
	for (i = 0; i < len; i++) {
		if (i == dot) {
			k = 8;
			continue;
		}
		if (!short_char_ok(name[i]))
			return false;
		out[k++] = (uint8_t)name[i];
	}
	if (out[0] == FAT_DELETED)
		out[0] = 0x05;
	return true;
}

size_t fat_short_to_utf16(const uint8_t name[11], uint8_t ntres,
			  uint16_t out[12])
{
	size_t n = 0;
	int base = 8, ext = 3;

	while (base > 0 && name[base - 1] == ' ')
		base--;
	while (ext > 0 && name[8 + ext - 1] == ' ')
		ext--;
	for (int i = 0; i < base; i++) {
		uint16_t c = (i == 0 && name[0] == 0x05) ? FAT_DELETED :
							   name[i];
		if ((ntres & FAT_NT_LOWER_BASE) && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		out[n++] = c;
	}
	if (ext)
		out[n++] = '.';
	for (int i = 0; i < ext; i++) {
		uint16_t c = name[8 + i];
		if ((ntres & FAT_NT_LOWER_EXT) && c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		out[n++] = c;
	}
	return n;
}

static uint16_t upper(uint16_t c)
{
	return c >= 'a' && c <= 'z' ? (uint16_t)(c - 'a' + 'A') : c;
}

bool fat_name_eq(const uint16_t *a, size_t alen, const uint16_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (upper(a[i]) != upper(b[i]))
			return false;
	return true;
}

/* One character of the basis name: upper case, or '_' for what a short
 * name cannot hold (a "lossy conversion", fatgen103 step 2). */
static uint8_t basis_char(uint16_t c, bool *lossy)
{
	c = upper(c);
	if (short_char_ok(c))
		return (uint8_t)c;
	*lossy = true;
	return '_';
}

/* fatgen103 "Basis-Name Generation Algorithm": fills base (8) and ext
 * (3) with spaces padding; *blen is the base's length. */
static void basis(const uint16_t *name, size_t len, uint8_t out[11],
		  size_t *blen, bool *lossy)
{
	size_t i = 0, k = 0, start, last_dot = len;

	memset(out, ' ', 11);
	while (i < len && (name[i] == '.' || name[i] == ' '))
		i++; /* leading periods and spaces (steps 3-4) */
	start = i;
	for (size_t j = start; j < len; j++)
		if (name[j] == '.')
			last_dot = j;
	for (; i < len && k < 8; i++) {
		if (name[i] == '.')
			break; /* step 5 stops at the first period */
		if (name[i] == ' ')
			continue; /* embedded spaces (step 3) */
		out[k++] = basis_char(name[i], lossy);
	}
	*blen = k;
	if (last_dot < len && last_dot > start) { /* step 7: the extension */
		size_t e = 0;
		for (i = last_dot + 1; i < len && e < 3; i++)
			if (name[i] != ' ')
				out[8 + e++] = basis_char(name[i], lossy);
	}
	if (!k) /* a name of only dots and spaces */
		out[0] = '_', *blen = 1, *lossy = true;
	if (out[0] == FAT_DELETED)
		out[0] = 0x05;
}

int fat_gen_short(const uint16_t *name, size_t len,
		  bool (*exists)(void *ctx, const uint8_t name[11]), void *ctx,
		  uint8_t out[11])
{
	uint8_t b[11], cand[11];
	size_t blen;
	bool lossy = false;

	basis(name, len, b, &blen, &lossy);
	/* The basis alone when nothing was lost and the long name is a
	 * valid 8.3 name once upper-cased (fatgen103 numeric-tail rule). */
	if (!lossy) {
		uint16_t up[FAT_LFN_MAX];
		uint8_t fit[11];
		for (size_t i = 0; i < len && i < FAT_LFN_MAX; i++)
			up[i] = upper(name[i]);
		if (fat_name_is_short(up, len, fit) && !memcmp(fit, b, 11) &&
		    !exists(ctx, b)) {
			memcpy(out, b, 11);
			return 0;
		}
	}
	for (uint32_t n = 1; n <= 999999; n++) {
		char tail[8];
		int tl = ksnprintf(tail, sizeof(tail), "~%u", n);
		size_t keep = MIN(blen, (size_t)(8 - tl));

		memcpy(cand, b, 11);
		memset(cand + keep, ' ', 8 - keep);
		memcpy(cand + keep, tail, (size_t)tl);
		if (!exists(ctx, cand)) {
			memcpy(out, cand, 11);
			return 0;
		}
	}
	return -EEXIST;
}
