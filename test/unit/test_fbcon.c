/* SPDX-License-Identifier: MIT */
/* The renderer and the font: pixels against a per-pixel reference,
 * redraw only of changed cells, glyph fallback. */
#include <stdlib.h>
#include <string.h>

#include "dev/fbcon.h"
#include "test/unit/unit.h"

/* An odd format on purpose: blue in the low byte's place is red here,
 * 6-bit channels, and padding at the end of each line. */
#define W (8 * 7 + 3)
#define H (16 * 4 + 5)
#define PITCH (W * 4 + 12)
#define CANARY 0xdeadbeef

extern const struct font font_test_wide; /* 10x20, from a PSF2 */

static uint8_t pixels[PITCH * H];
static const struct font *font = &font_default;
static struct fbcon_draw d;
static struct vt vt;
static struct vt_cell cells[7 * 4], shadow[7 * 4];

static void damage(struct vt *v, const struct vt_rect *r)
{
	(void)v;
	fbcon_draw_damage(&d, r);
}

static const struct vt_ops ops = { .damage = damage };

static void setup(void)
{
	struct fbcon_fb fb = {
		.base = pixels,
		.width = W,
		.height = H,
		.pitch = PITCH,
		.red_shift = 2,
		.red_size = 6,
		.green_shift = 10,
		.green_size = 6,
		.blue_shift = 18,
		.blue_size = 6,
	};

	for (size_t i = 0; i < sizeof(pixels) / 4; i++)
		((uint32_t *)pixels)[i] = CANARY;
	fbcon_draw_init(&d, &fb, font, shadow);
	vt_init(&vt, cells, d.cols, d.rows, &ops, NULL);
}

static uint32_t *px(unsigned x, unsigned y)
{
	return (uint32_t *)(pixels + (size_t)y * PITCH + x * 4);
}

static uint32_t rgb(unsigned idx)
{
	const uint8_t *c = fbcon_palette_rgb[idx];

	return (uint32_t)(c[0] >> 2) << 2 | (uint32_t)(c[1] >> 2) << 10 |
	       (uint32_t)(c[2] >> 2) << 18;
}

/* What pixel (x, y) must be, computed from the cells alone. */
static uint32_t expected(unsigned x, unsigned y)
{
	const struct font *f = font;
	unsigned cx = x / f->width, cy = y / f->height;
	unsigned gx = x % f->width, gy = y % f->height;
	const struct vt_cell *c;
	const uint8_t *g;
	bool on;

	if (cx >= d.cols || cy >= d.rows)
		return 0; /* the margin is cleared to black */
	c = vt_cell(&vt, cx, cy);
	g = font_glyph(f, c->cp);
	on = g[gy * f->stride + gx / 8] & (0x80 >> (gx % 8));
	if (vt.cursor_visible && cx == vt.cur.x && cy == vt.cur.y &&
	    gy >= f->height - 2)
		on = !on;
	return rgb(on ? c->fg : c->bg);
}

static int mismatches(void)
{
	int bad = 0;

	for (unsigned y = 0; y < H; y++) {
		for (unsigned x = 0; x < W; x++)
			bad += *px(x, y) != expected(x, y);
		for (unsigned x = W; x < PITCH / 4; x++)
			bad += *px(x, y) != CANARY; /* padding untouched */
	}
	return bad;
}

static void put(const char *s)
{
	vt_write(&vt, s, strlen(s));
	fbcon_draw_flush(&d, &vt);
}

static void draw_and_compare(void)
{
	setup();
	CHECK_EQ(d.cols, W / font->width);
	CHECK_EQ(d.rows, H / font->height);
	put("");
	CHECK_EQ(mismatches(), 0);
	put("Strix\r\n\x1b[1;31mred\x1b[44m blue\x1b[0m\r\n\xc3\xa9\xe2\x82\xac"
	    "\x1b[7mrev");
	CHECK_EQ(mismatches(), 0);
	/* Scrolling several times, a region, then the cursor hidden. */
	put("\r\n1\r\n22\r\n333\r\n4444\x1b[2;3r\x1b[3;1Hx\n\ny");
	CHECK_EQ(mismatches(), 0);
	put("\x1b[?25l\x1b[r\x1b[4;1H\n\n\x1b[33mzz");
	CHECK_EQ(mismatches(), 0);
	put("\x1b[?25h\x1b[2J\x1b[H");
	CHECK_EQ(mismatches(), 0);
	/* Motion alone damages nothing, yet the cursor must follow. */
	put("ab\x1b[3;4H");
	CHECK_EQ(mismatches(), 0);
}

TEST(fbcon_pixels_match_reference)
{
	font = &font_default;
	draw_and_compare();
}

TEST(fbcon_pixels_match_reference_wide_font)
{
	font = &font_test_wide;
	CHECK_EQ(font->width, 10);
	CHECK_EQ(font->stride, 2);
	draw_and_compare();
	font = &font_default;
}

TEST(fbcon_redraws_only_changed_cells)
{
	font = &font_default;
	setup();
	put("ab\r\ncd");
	/* Scribble on cell (0, 1), then change its row: a renderer that
	 * redraws unchanged cells would repair it. */
	*px(1, 17) = CANARY;
	put("e");
	CHECK_EQ(*px(1, 17), CANARY);
	*px(1, 17) = expected(1, 17);
	/* After a scroll, cells whose contents moved are redrawn. */
	put("\r\n\r\n\r\n");
	CHECK_EQ(mismatches(), 0);
}

TEST(font_glyph_fallback)
{
	const struct font *f = &font_default;
	const uint8_t *repl = font_glyph(f, 0xfffd);

	CHECK(f->width == 8 && f->height == 16);
	CHECK(font_glyph(f, 0x10fff0) == repl);
	CHECK(font_glyph(f, 'A') != repl);
	CHECK(font_glyph(f, 'A') != font_glyph(f, 'B'));
	/* The Unicode table, not the glyph order: U+00E9 and U+20AC are in
	 * Lat15 and are not the replacement glyph. */
	CHECK(font_glyph(f, 0xe9) != repl);
	CHECK(font_glyph(f, 0x20ac) != repl);
	CHECK(font_glyph(f, 0x4e00) == repl);
}
