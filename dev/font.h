/* SPDX-License-Identifier: MIT */
/* Bitmap console fonts: glyphs and the Unicode map that picks them. The
 * default font is generated at build time by dev/psf2c.py. */
#ifndef STRIX_DEV_FONT_H
#define STRIX_DEV_FONT_H

#include <stddef.h>
#include <stdint.h>

#define FONT_NO_GLYPH 0xffff

/* One entry of the Unicode table, sorted by code point. */
struct font_map {
	uint32_t cp;
	uint16_t glyph;
};

struct font {
	unsigned width, height; /* pixels */
	unsigned stride;	/* bytes per glyph row, MSB is leftmost */
	unsigned count;		/* glyphs */
	const uint8_t *bitmap;	/* count * height * stride bytes */
	const uint16_t *direct; /* U+0000-U+00FF -> glyph or FONT_NO_GLYPH */
	const struct font_map *map;
	size_t map_len;
};

extern const struct font font_default;

/* The bitmap of the glyph for cp: cp's own, else U+FFFD's, else '?''s,
 * else glyph 0. Never NULL. */
const uint8_t *font_glyph(const struct font *f, uint32_t cp);

#endif
