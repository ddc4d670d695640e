/* SPDX-License-Identifier: MIT */
/* Looks glyphs up in a font's Unicode map. */
#include "dev/font.h"

static unsigned lookup(const struct font *f, uint32_t cp)
{
	size_t lo = 0, hi = f->map_len;

	if (cp < 256)
		return f->direct[cp];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->map[mid].cp == cp)
			return f->map[mid].glyph;
		if (f->map[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FONT_NO_GLYPH;
}

const uint8_t *font_glyph(const struct font *f, uint32_t cp)
{
	unsigned g = lookup(f, cp);

	if (g == FONT_NO_GLYPH || g >= f->count)
		g = lookup(f, 0xfffd);
	if (g == FONT_NO_GLYPH || g >= f->count)
		g = lookup(f, '?');
	if (g == FONT_NO_GLYPH || g >= f->count)
		g = 0;
	return f->bitmap + (size_t)g * f->height * f->stride;
}
