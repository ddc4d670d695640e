/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer console's renderer: cells to pixels. It never reads the
 * framebuffer (write-combined memory is slow to read); a shadow of the
 * cells as drawn decides what to redraw, so a scroll costs only the cells
 * whose contents actually changed.
 */
#include "dev/fbcon.h"
#include "kernel/lib/lib.h"

const uint8_t fbcon_palette_rgb[16][3] = {
	{ 0x00, 0x00, 0x00 }, { 0xaa, 0x00, 0x00 }, { 0x00, 0xaa, 0x00 },
	{ 0xaa, 0x55, 0x00 }, { 0x00, 0x00, 0xaa }, { 0xaa, 0x00, 0xaa },
	{ 0x00, 0xaa, 0xaa }, { 0xaa, 0xaa, 0xaa }, { 0x55, 0x55, 0x55 },
	{ 0xff, 0x55, 0x55 }, { 0x55, 0xff, 0x55 }, { 0xff, 0xff, 0x55 },
	{ 0x55, 0x55, 0xff }, { 0xff, 0x55, 0xff }, { 0x55, 0xff, 0xff },
	{ 0xff, 0xff, 0xff },
};

static uint32_t channel(uint8_t v, uint8_t shift, uint8_t size)
{
	if (size == 0 || size > 8)
		return 0;
	return (uint32_t)(v >> (8 - size)) << shift;
}

uint32_t fbcon_pixel(const struct fbcon_fb *fb, uint8_t r, uint8_t g, uint8_t b)
{
	return channel(r, fb->red_shift, fb->red_size) |
	       channel(g, fb->green_shift, fb->green_size) |
	       channel(b, fb->blue_shift, fb->blue_size);
}

void fbcon_draw_init(struct fbcon_draw *d, const struct fbcon_fb *fb,
		     const struct font *font, struct vt_cell *shadow)
{
	d->fb = *fb;
	d->font = font;
	d->cols = fbcon_cols(fb, font);
	d->rows = fbcon_rows(fb, font);
	d->shadow = shadow;
	for (unsigned i = 0; i < 16; i++)
		d->palette[i] = fbcon_pixel(fb, fbcon_palette_rgb[i][0],
					    fbcon_palette_rgb[i][1],
					    fbcon_palette_rgb[i][2]);
	/* The framebuffer is cleared to black below, which is what a blank
	 * cell in the default colours looks like: only text gets drawn. */
	for (size_t i = 0; i < (size_t)d->cols * d->rows; i++)
		shadow[i] = (struct vt_cell){ .cp = ' ', .fg = 7, .bg = 0 };
	for (unsigned y = 0; y < fb->height; y++)
		memset(fb->base + (size_t)y * fb->pitch, 0, fb->width * 4);
	d->dirty_top = 0;
	d->dirty_bottom = d->rows;
	d->cur_x = d->cur_y = 0;
}

void fbcon_draw_damage(struct fbcon_draw *d, const struct vt_rect *r)
{
	if (d->dirty_top >= d->dirty_bottom) {
		d->dirty_top = r->y0;
		d->dirty_bottom = r->y1;
		return;
	}
	if (r->y0 < d->dirty_top)
		d->dirty_top = r->y0;
	if (r->y1 > d->dirty_bottom)
		d->dirty_bottom = r->y1;
}

/* fbcon's underline cursor: the glyph's last rows with colours swapped
 * (drivers/video/fbdev/core/fbcon.c, CUR_UNDERLINE). */
static unsigned cursor_rows(const struct font *f)
{
	return f->height < 10 ? 1 : 2;
}

static void draw_cell(struct fbcon_draw *d, unsigned cx, unsigned cy,
		      const struct vt_cell *c)
{
	const struct font *f = d->font;
	const uint8_t *glyph = font_glyph(f, c->cp);
	uint32_t fg = d->palette[c->fg & 15], bg = d->palette[c->bg & 15];
	unsigned first_cursor_row = f->height;
	uint8_t *row = d->fb.base + (size_t)cy * f->height * d->fb.pitch +
		       (size_t)cx * f->width * 4;

	if (c->attr & FBCON_SHADOW_CURSOR)
		first_cursor_row = f->height - cursor_rows(f);
	for (unsigned y = 0; y < f->height; y++, row += d->fb.pitch) {
		const uint8_t *bits = glyph + y * f->stride;
		uint32_t *px = (uint32_t *)row;
		uint32_t on = fg, off = bg;

		if (y >= first_cursor_row) {
			on = bg;
			off = fg;
		}
		for (unsigned x = 0; x < f->width; x++)
			px[x] = bits[x >> 3] & (0x80 >> (x & 7)) ? on : off;
	}
}

static bool same(const struct vt_cell *a, const struct vt_cell *b)
{
	return a->cp == b->cp && a->fg == b->fg && a->bg == b->bg &&
	       a->attr == b->attr;
}

/* Brings cell (x, y) of the screen up to date with vt. */
static void update(struct fbcon_draw *d, struct vt *vt, unsigned x, unsigned y)
{
	struct vt_cell want = *vt_cell(vt, x, y);
	struct vt_cell *shadow = &d->shadow[(size_t)y * d->cols + x];

	want.unused = 0;
	if (vt->cursor_visible && !d->blink_off && x == vt->cur.x &&
	    y == vt->cur.y)
		want.attr |= FBCON_SHADOW_CURSOR;
	if (same(&want, shadow))
		return;
	draw_cell(d, x, y, &want);
	*shadow = want;
}

void fbcon_draw_flush(struct fbcon_draw *d, struct vt *vt)
{
	for (unsigned y = d->dirty_top; y < d->dirty_bottom && y < d->rows; y++)
		for (unsigned x = 0; x < d->cols; x++)
			update(d, vt, x, y);
	d->dirty_top = d->dirty_bottom = 0;
	/* The old cursor cell loses its cursor, the new one gains it. */
	if (d->cur_x < d->cols && d->cur_y < d->rows)
		update(d, vt, d->cur_x, d->cur_y);
	update(d, vt, vt->cur.x, vt->cur.y);
	d->cur_x = vt->cur.x;
	d->cur_y = vt->cur.y;
}
