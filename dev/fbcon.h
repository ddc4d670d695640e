/* SPDX-License-Identifier: MIT */
/* The framebuffer console's renderer (fbcon_draw.c): terminal cells to
 * 32-bit pixels. Pure, so host unit tests draw into ordinary memory. */
#ifndef STRIX_DEV_FBCON_H
#define STRIX_DEV_FBCON_H

#include "dev/font.h"
#include "dev/vt.h"

/* A linear 32 bpp framebuffer, as boot_framebuffer describes one. */
struct fbcon_fb {
	uint8_t *base;
	unsigned width, height, pitch; /* pitch in bytes */
	uint8_t red_shift, red_size, green_shift, green_size;
	uint8_t blue_shift, blue_size;
};

/* Marks a shadow cell drawn with the cursor on it. */
#define FBCON_SHADOW_CURSOR 0x80

struct fbcon_draw {
	struct fbcon_fb fb;
	const struct font *font;
	unsigned cols, rows;
	uint32_t palette[16];	/* pixel values of the ANSI colours */
	struct vt_cell *shadow; /* cols * rows: what the screen shows */
	unsigned dirty_top, dirty_bottom; /* rows [top, bottom) to compare */
	unsigned cur_x, cur_y;		  /* where the cursor was drawn */
	bool blink_off; /* the cursor's blink phase: hidden for now */
};

/* Linux's default console palette (drivers/tty/vt/vt.c), ANSI order. */
extern const uint8_t fbcon_palette_rgb[16][3];

/* The grid a framebuffer holds with this font. */
static inline unsigned fbcon_cols(const struct fbcon_fb *fb,
				  const struct font *f)
{
	return fb->width / f->width;
}
static inline unsigned fbcon_rows(const struct fbcon_fb *fb,
				  const struct font *f)
{
	return fb->height / f->height;
}

/* Sets up d; shadow holds fbcon_cols() * fbcon_rows() cells. Clears the
 * framebuffer to black and marks everything for the next flush. */
void fbcon_draw_init(struct fbcon_draw *d, const struct fbcon_fb *fb,
		     const struct font *font, struct vt_cell *shadow);
/* Notes rows that may differ from the shadow (a vt_ops damage hook). */
void fbcon_draw_damage(struct fbcon_draw *d, const struct vt_rect *r);
/* Draws every damaged cell of vt that differs from the shadow, and the
 * cursor; vt must have the renderer's cols and rows. */
void fbcon_draw_flush(struct fbcon_draw *d, struct vt *vt);
/* The pixel value for an RGB colour in this framebuffer's format. */
uint32_t fbcon_pixel(const struct fbcon_fb *fb, uint8_t r, uint8_t g,
		     uint8_t b);

#ifndef STRIX_HOST
/* Kernel side (fbcon.c): draws whatever is pending now, rather than at
 * the next tick; for the self-test's timing. */
void fbcon_sync(void);
#endif

#endif
