/* SPDX-License-Identifier: MIT */
/*
 * CSI sequences: a table indexed by the final byte, so new sequences are
 * new entries. Semantics as Linux's console (console_codes(4)); Linux
 * treats a 0 parameter as 1 for motion, and so do we.
 */
#include "dev/vt_impl.h"
#include "kernel/lib/lib.h"

typedef void (*csi_fn)(struct vt *vt, const struct vt_csi *c);

static void cuu(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, vt->cur.x, (int)vt->cur.y - (int)vt_arg(c, 0, 1));
}

static void cud(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, vt->cur.x, vt->cur.y + vt_arg(c, 0, 1));
}

static void cuf(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, vt->cur.x + vt_arg(c, 0, 1), vt->cur.y);
}

static void cub(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, (int)vt->cur.x - (int)vt_arg(c, 0, 1), vt->cur.y);
}

static void cnl(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, 0, vt->cur.y + vt_arg(c, 0, 1));
}

static void cpl(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, 0, (int)vt->cur.y - (int)vt_arg(c, 0, 1));
}

/* CHA (G) and HPA (`). */
static void cha(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, (int)vt_arg(c, 0, 1) - 1, vt->cur.y);
}

/* CUP (H) and HVP (f). */
static void cup(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, (int)vt_arg(c, 1, 1) - 1, (int)vt_arg(c, 0, 1) - 1);
}

static void vpa(struct vt *vt, const struct vt_csi *c)
{
	vt_goto(vt, vt->cur.x, (int)vt_arg(c, 0, 1) - 1);
}

/* ED: 0 cursor to end, 1 start to cursor, 2 (and Linux's 3) all. */
static void ed(struct vt *vt, const struct vt_csi *c)
{
	unsigned mode = c->p[0], x = vt->cur.x, y = vt->cur.y;

	if (mode == 0) {
		vt_erase(vt, y, x, vt->cols);
		for (unsigned r = y + 1; r < vt->rows; r++)
			vt_erase(vt, r, 0, vt->cols);
	} else if (mode == 1) {
		for (unsigned r = 0; r < y; r++)
			vt_erase(vt, r, 0, vt->cols);
		vt_erase(vt, y, 0, x + 1);
	} else if (mode == 2 || mode == 3) {
		for (unsigned r = 0; r < vt->rows; r++)
			vt_erase(vt, r, 0, vt->cols);
	}
	vt->wrap_pending = false;
}

static void el(struct vt *vt, const struct vt_csi *c)
{
	unsigned mode = c->p[0], x = vt->cur.x, y = vt->cur.y;

	if (mode == 0)
		vt_erase(vt, y, x, vt->cols);
	else if (mode == 1)
		vt_erase(vt, y, 0, x + 1);
	else if (mode == 2)
		vt_erase(vt, y, 0, vt->cols);
	vt->wrap_pending = false;
}

static void ech(struct vt *vt, const struct vt_csi *c)
{
	unsigned n = vt_arg(c, 0, 1), x = vt->cur.x;

	vt_erase(vt, vt->cur.y, x, n > vt->cols - x ? vt->cols : x + n);
	vt->wrap_pending = false;
}

/* DECSTBM: a region of at least two lines, else ignored; homes. */
static void decstbm(struct vt *vt, const struct vt_csi *c)
{
	unsigned top = vt_arg(c, 0, 1), bottom = vt_arg(c, 1, vt->rows);

	if (top >= bottom || bottom > vt->rows)
		return;
	vt->top = top - 1;
	vt->bottom = bottom;
	vt_goto(vt, 0, 0);
}

static void sgr_one(struct vt_cursor *cur, unsigned p)
{
	static const uint8_t set[] = { [1] = VT_ATTR_BOLD,
				       [2] = VT_ATTR_HALF,
				       [4] = VT_ATTR_UNDERLINE,
				       [5] = VT_ATTR_BLINK,
				       [7] = VT_ATTR_REVERSE };

	if (p == 0) {
		cur->attr = 0;
		cur->fg = cur->bg = VT_DEFAULT_COLOR;
	} else if (p < sizeof(set) && set[p]) {
		cur->attr |= set[p];
	} else if (p == 22) {
		cur->attr &= ~(VT_ATTR_BOLD | VT_ATTR_HALF);
	} else if (p == 24 || p == 25 || p == 27) {
		cur->attr &= ~set[p - 20];
	} else if ((p >= 30 && p <= 37) || p == 39) {
		cur->fg = p - 30;
	} else if ((p >= 40 && p <= 47) || p == 49) {
		cur->bg = p - 40;
	} else if (p >= 90 && p <= 97) {
		/* Linux: the bright colours are bold plus the colour. */
		cur->attr |= VT_ATTR_BOLD;
		cur->fg = p - 90;
	} else if (p >= 100 && p <= 107) {
		cur->bg = p - 100; /* Linux keeps the normal background */
	}
}

static void sgr(struct vt *vt, const struct vt_csi *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		/* 38 and 48 take colour arguments we do not support: skip
		 * the rest rather than misread them as attributes. */
		if (c->p[i] == 38 || c->p[i] == 48)
			return;
		sgr_one(&vt->cur, c->p[i]);
	}
}

static void set_mode(struct vt *vt, const struct vt_csi *c, bool on)
{
	if (c->priv_marker != '?')
		return; /* ANSI modes (IRM, LNM): not supported */
	for (unsigned i = 0; i < c->n; i++) {
		if (c->p[i] == 25) {
			vt->cursor_visible = on;
			vt_notify_cursor(vt);
		} else if (c->p[i] == 7) {
			vt->autowrap = on;
			if (!on)
				vt->wrap_pending = false;
		}
	}
}

static void sm(struct vt *vt, const struct vt_csi *c)
{
	set_mode(vt, c, true);
}

static void rm(struct vt *vt, const struct vt_csi *c)
{
	set_mode(vt, c, false);
}

static void scosc(struct vt *vt, const struct vt_csi *c)
{
	vt_save_cursor(vt);
}

static void scorc(struct vt *vt, const struct vt_csi *c)
{
	vt_restore_cursor(vt);
}

/* IL (L) and DL (M): lines inserted or deleted at the cursor's row
 * push the rest of the scroll region down or pull it up; outside the
 * region they do nothing (Linux's csi_L/csi_M). */
static void il(struct vt *vt, const struct vt_csi *c)
{
	if (vt->cur.y >= vt->top && vt->cur.y < vt->bottom)
		vt_scroll(vt, vt->cur.y, vt->bottom, -(int)vt_arg(c, 0, 1));
	vt_goto(vt, 0, vt->cur.y);
}

static void dl(struct vt *vt, const struct vt_csi *c)
{
	if (vt->cur.y >= vt->top && vt->cur.y < vt->bottom)
		vt_scroll(vt, vt->cur.y, vt->bottom, (int)vt_arg(c, 0, 1));
	vt_goto(vt, 0, vt->cur.y);
}

/* ICH (@) and DCH (P): characters inserted or deleted at the cursor
 * shift the rest of the row; the cursor stays. */
static void ich(struct vt *vt, const struct vt_csi *c)
{
	vt_shift_row(vt, (int)vt_arg(c, 0, 1));
}

static void dch(struct vt *vt, const struct vt_csi *c)
{
	vt_shift_row(vt, -(int)vt_arg(c, 0, 1));
}

/* SU (S) and SD (T): the scroll region moves without the cursor. */
static void su(struct vt *vt, const struct vt_csi *c)
{
	vt_scroll(vt, vt->top, vt->bottom, (int)vt_arg(c, 0, 1));
}

static void sd(struct vt *vt, const struct vt_csi *c)
{
	vt_scroll(vt, vt->top, vt->bottom, -(int)vt_arg(c, 0, 1));
}

static void reply(struct vt *vt, const char *s, size_t n)
{
	if (vt->ops && vt->ops->reply)
		vt->ops->reply(vt, s, n);
}

/* DSR (n): 5 asks for status ("OK"), 6 for the cursor position. */
static void dsr(struct vt *vt, const struct vt_csi *c)
{
	char buf[32];
	int n;

	if (c->priv_marker)
		return;
	if (vt_arg(c, 0, 0) == 5) {
		reply(vt, "\033[0n", 4);
	} else if (vt_arg(c, 0, 0) == 6) {
		n = ksnprintf(buf, sizeof(buf), "\033[%u;%uR", vt->cur.y + 1,
			      vt->cur.x + 1);
		reply(vt, buf, (size_t)n);
	}
}

/* DA (c): Linux's console says "VT102" (console_codes(4)). */
static void da(struct vt *vt, const struct vt_csi *c)
{
	if (!c->priv_marker && vt_arg(c, 0, 0) == 0)
		reply(vt, "\033[?6c", 5);
}

/* Indexed by final byte - 0x40. Entries that take a private marker
 * ("CSI ? 25 h") say so; for the others a marker means "not ours". */
static const struct {
	csi_fn fn;
	bool private_ok;
} csi_table[0x3f] = {
	['A' - 0x40] = { cuu },	      ['B' - 0x40] = { cud },
	['C' - 0x40] = { cuf },	      ['D' - 0x40] = { cub },
	['E' - 0x40] = { cnl },	      ['F' - 0x40] = { cpl },
	['G' - 0x40] = { cha },	      ['`' - 0x40] = { cha },
	['H' - 0x40] = { cup },	      ['f' - 0x40] = { cup },
	['d' - 0x40] = { vpa },	      ['J' - 0x40] = { ed },
	['K' - 0x40] = { el },	      ['X' - 0x40] = { ech },
	['r' - 0x40] = { decstbm },   ['m' - 0x40] = { sgr },
	['h' - 0x40] = { sm, true },  ['l' - 0x40] = { rm, true },
	['s' - 0x40] = { scosc },     ['u' - 0x40] = { scorc },
	['L' - 0x40] = { il },	      ['M' - 0x40] = { dl },
	['@' - 0x40] = { ich },	      ['P' - 0x40] = { dch },
	['S' - 0x40] = { su },	      ['T' - 0x40] = { sd },
	['n' - 0x40] = { dsr, true }, ['c' - 0x40] = { da, true },
};

void vt_csi_dispatch(struct vt *vt, const struct vt_csi *csi)
{
	unsigned i = (unsigned char)csi->final - 0x40;

	if (i >= sizeof(csi_table) / sizeof(csi_table[0]) || !csi_table[i].fn ||
	    (csi->priv_marker && !csi_table[i].private_ok))
		return;
	csi_table[i].fn(vt, csi);
}
