/* SPDX-License-Identifier: MIT */
/*
 * The terminal core's screen operations: printing with Linux's deferred
 * wrap, cursor motion, scrolling inside the region, erasing, saving the
 * cursor. Behaviour follows Linux's drivers/tty/vt/vt.c.
 */
#include "dev/vt_impl.h"
#include "kernel/lib/lib.h"

/* Linux's build_attr(): the colours a cell gets from the SGR state. The
 * colour byte is bg << 4 | fg; defaults are grey on black; underline and
 * half-bright replace the foreground with ulcolor (cyan) and halfcolor
 * (dark grey), since a colour console does not draw them. */
static void resolve(const struct vt_cursor *c, uint8_t *fg, uint8_t *bg)
{
	unsigned f = c->fg == VT_DEFAULT_COLOR ? 7 : c->fg;
	unsigned b = c->bg == VT_DEFAULT_COLOR ? 0 : c->bg;
	unsigned a = b << 4 | f;

	if (c->attr & VT_ATTR_UNDERLINE)
		a = (a & 0xf0) | 6;
	else if (c->attr & VT_ATTR_HALF)
		a = (a & 0xf0) | 8;
	if (c->attr & VT_ATTR_REVERSE)
		a = (a & 0x88) | (((a >> 4) | (a << 4)) & 0x77);
	if (c->attr & VT_ATTR_BLINK)
		a ^= 0x80; /* fbcon shows blink as a bright background */
	if (c->attr & VT_ATTR_BOLD)
		a ^= 0x08;
	*fg = a & 0x0f;
	*bg = (a >> 4) & 0x0f;
}

static void damage(struct vt *vt, unsigned x0, unsigned y0, unsigned x1,
		   unsigned y1)
{
	struct vt_rect r = { x0, y0, x1, y1 };

	if (x0 < x1 && y0 < y1 && vt->ops && vt->ops->damage)
		vt->ops->damage(vt, &r);
}

void vt_notify_cursor(struct vt *vt)
{
	if (vt->ops && vt->ops->cursor)
		vt->ops->cursor(vt);
}

/* Erased cells take the current colours without bold, underline or
 * reverse, as Linux's vc_video_erase_char. */
void vt_erase(struct vt *vt, unsigned y, unsigned x0, unsigned x1)
{
	struct vt_cursor plain = vt->cur;
	struct vt_cell blank = { .cp = ' ' };

	plain.attr &= VT_ATTR_BLINK;
	resolve(&plain, &blank.fg, &blank.bg);
	if (x1 > vt->cols)
		x1 = vt->cols;
	for (unsigned x = x0; x < x1; x++)
		*vt_cell(vt, x, y) = blank;
	damage(vt, x0, y, x1, y + 1);
}

void vt_shift_row(struct vt *vt, int n)
{
	unsigned x = vt->cur.x, y = vt->cur.y, left = vt->cols - x;
	unsigned k = (unsigned)(n < 0 ? -n : n);

	if (k > left)
		k = left;
	if (n > 0)
		memmove(vt_cell(vt, x + k, y), vt_cell(vt, x, y),
			(left - k) * sizeof(struct vt_cell));
	else
		memmove(vt_cell(vt, x, y), vt_cell(vt, x + k, y),
			(left - k) * sizeof(struct vt_cell));
	if (n > 0)
		vt_erase(vt, y, x, x + k);
	else
		vt_erase(vt, y, vt->cols - k, vt->cols);
	vt->wrap_pending = false;
	damage(vt, x, y, vt->cols, y + 1);
}

void vt_scroll(struct vt *vt, unsigned top, unsigned bottom, int n)
{
	unsigned height = bottom - top, k = n < 0 ? -n : n;
	size_t row = vt->cols * sizeof(struct vt_cell);

	if (top >= bottom || n == 0)
		return;
	if (k > height)
		k = height;
	if (n > 0)
		memmove(vt_cell(vt, 0, top), vt_cell(vt, 0, top + k),
			(height - k) * row);
	else
		memmove(vt_cell(vt, 0, top + k), vt_cell(vt, 0, top),
			(height - k) * row);
	for (unsigned i = 0; i < k; i++)
		vt_erase(vt, n > 0 ? bottom - 1 - i : top + i, 0, vt->cols);
	if (vt->ops && vt->ops->scroll)
		vt->ops->scroll(vt, top, bottom, n);
	damage(vt, 0, top, vt->cols, bottom);
}

void vt_goto(struct vt *vt, int x, int y)
{
	if (x < 0)
		x = 0;
	if (x >= (int)vt->cols)
		x = vt->cols - 1;
	if (y < 0)
		y = 0;
	if (y >= (int)vt->rows)
		y = vt->rows - 1;
	vt->cur.x = x;
	vt->cur.y = y;
	vt->wrap_pending = false;
	vt_notify_cursor(vt);
}

/* LF, VT, FF and IND: down a row, scrolling at the region's bottom. */
void vt_linefeed(struct vt *vt)
{
	if (vt->cur.y + 1 == vt->bottom)
		vt_scroll(vt, vt->top, vt->bottom, 1);
	else if (vt->cur.y + 1 < vt->rows)
		vt->cur.y++;
	vt->wrap_pending = false;
	vt_notify_cursor(vt);
}

/* RI: up a row, scrolling down at the region's top. */
void vt_reverse_index(struct vt *vt)
{
	if (vt->cur.y == vt->top)
		vt_scroll(vt, vt->top, vt->bottom, -1);
	else if (vt->cur.y > 0)
		vt->cur.y--;
	vt->wrap_pending = false;
	vt_notify_cursor(vt);
}

void vt_carriage_return(struct vt *vt)
{
	vt->cur.x = 0;
	vt->wrap_pending = false;
	vt_notify_cursor(vt);
}

/* Linux: BS stops at column 0 and cancels a pending wrap. */
void vt_backspace(struct vt *vt)
{
	if (vt->cur.x > 0)
		vt->cur.x--;
	vt->wrap_pending = false;
	vt_notify_cursor(vt);
}

/* HT: the next multiple of 8, at most the last column. */
void vt_tab(struct vt *vt)
{
	unsigned x = (vt->cur.x | 7) + 1;

	vt->cur.x = x < vt->cols ? x : vt->cols - 1;
	vt_notify_cursor(vt);
}

/* Prints one character. At the last column the cursor stays and a wrap
 * is pending, so a line of exactly cols characters followed by CR LF
 * does not leave a blank line (Linux's vc_need_wrap). */
/* DEC special graphics for 0x5f-0x7e, as Unicode (the VT100's line
 * drawing set, Linux's GRAF_MAP). */
static const uint16_t dec_graphics[32] = {
	0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,
	0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,
	0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,
	0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

void vt_put(struct vt *vt, uint32_t cp)
{
	if (vt->g_graphics[vt->shift_out] && cp >= 0x5f && cp <= 0x7e)
		cp = dec_graphics[cp - 0x5f];
	struct vt_cell *c;

	if (vt->wrap_pending && vt->autowrap) {
		vt->cur.x = 0;
		vt_linefeed(vt);
	}
	c = vt_cell(vt, vt->cur.x, vt->cur.y);
	c->cp = cp;
	c->attr = vt->cur.attr;
	resolve(&vt->cur, &c->fg, &c->bg);
	damage(vt, vt->cur.x, vt->cur.y, vt->cur.x + 1, vt->cur.y + 1);
	if (vt->cur.x + 1 < vt->cols)
		vt->cur.x++;
	else
		vt->wrap_pending = vt->autowrap;
	vt_notify_cursor(vt);
}

/* ESC 7 / CSI s: position and rendition (Linux's save_cur). */
void vt_save_cursor(struct vt *vt)
{
	vt->saved = vt->cur;
}

void vt_restore_cursor(struct vt *vt)
{
	vt->cur = vt->saved;
	vt_goto(vt, vt->cur.x, vt->cur.y);
}

void vt_reset(struct vt *vt)
{
	vt->cur = (struct vt_cursor){ 0, 0, VT_DEFAULT_COLOR, VT_DEFAULT_COLOR,
				      0 };
	vt->saved = vt->cur;
	vt->wrap_pending = false;
	vt->top = 0;
	vt->bottom = vt->rows;
	vt->cursor_visible = true;
	vt->autowrap = true;
	vt->g_graphics[0] = vt->g_graphics[1] = false;
	vt->shift_out = false;
	vt->state = 0;
	vt->utf8_left = 0;
	for (unsigned y = 0; y < vt->rows; y++)
		vt_erase(vt, y, 0, vt->cols);
	vt_notify_cursor(vt);
}

void vt_init(struct vt *vt, struct vt_cell *cells, unsigned cols, unsigned rows,
	     const struct vt_ops *ops, void *priv)
{
	memset(vt, 0, sizeof(*vt));
	vt->cells = cells;
	vt->cols = cols;
	vt->rows = rows;
	vt->ops = ops;
	vt->priv = priv;
	vt_reset(vt);
}
