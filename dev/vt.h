/* SPDX-License-Identifier: MIT */
/*
 * A terminal core in the manner of Linux's console (console_codes(4)):
 * UTF-8 and escape sequences in, a grid of cells out. It never draws;
 * struct vt_ops tells a renderer what changed. Pure C, built on the host
 * for unit tests.
 */
#ifndef STRIX_DEV_VT_H
#define STRIX_DEV_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cell attributes kept beside the resolved colours. */
#define VT_ATTR_BOLD 0x01
#define VT_ATTR_HALF 0x02
#define VT_ATTR_UNDERLINE 0x04
#define VT_ATTR_BLINK 0x08
#define VT_ATTR_REVERSE 0x10

/* Colours are indexes into the 16-colour ANSI palette (0 black, 1 red,
 * ..., 7 grey, 8-15 the bright ones), already resolved as Linux's
 * build_attr() does: bold brightens the foreground, and so on. */
struct vt_cell {
	uint32_t cp;
	uint8_t fg, bg, attr;
	uint8_t unused;
};

/* Columns [x0, x1) of rows [y0, y1). */
struct vt_rect {
	unsigned x0, y0, x1, y1;
};

struct vt;
struct vt_ops {
	/* Cells in r changed. */
	void (*damage)(struct vt *vt, const struct vt_rect *r);
	/* Rows [top, bottom) moved up by n lines (down if n < 0); the
	 * moved rows are reported through damage() as well. */
	void (*scroll)(struct vt *vt, unsigned top, unsigned bottom, int n);
	/* The cursor moved or was shown or hidden. */
	void (*cursor)(struct vt *vt);
	void (*bell)(struct vt *vt);
	/* Bytes the terminal answers with (DSR, DA), for the tty's input;
	 * no sequence uses it yet. */
	void (*reply)(struct vt *vt, const char *s, size_t n);
};

#define VT_MAX_PARAMS 16
#define VT_PARAM_MAX 65535 /* parameters saturate here */

struct vt_cursor {
	unsigned x, y;
	uint8_t fg, bg, attr; /* SGR state: fg/bg are 0-7 or 9 (default) */
};

struct vt {
	unsigned cols, rows;
	struct vt_cell *cells; /* rows * cols, owned by the caller */
	const struct vt_ops *ops;
	void *priv; /* the renderer's */

	struct vt_cursor cur, saved;
	bool wrap_pending; /* at the last column: wrap before the next char */
	unsigned top, bottom; /* scroll region rows [top, bottom) */
	bool cursor_visible;  /* DECTCEM, ?25 */
	/* G0 and G1 (ESC ( and ESC )): true for DEC special graphics, the
	 * line-drawing set; SO picks G1, SI G0. */
	bool g_graphics[2];
	unsigned char g_select; /* set by the intermediate byte of ESC ( */
	bool shift_out;
	bool autowrap; /* DECAWM, ?7 */

	/* The parser (vt_parse.c). */
	unsigned state;
	uint32_t utf8_cp, utf8_min;
	unsigned utf8_left;
	unsigned params[VT_MAX_PARAMS];
	unsigned nparams;
	char priv_marker;  /* '?', '>', '=', '<' or 0 */
	char intermediate; /* the one intermediate byte, or 0 */
	bool bad;	   /* the sequence is malformed: drop at the end */
};

/* Sets up vt over cells (cols * rows, both at least 1) and clears it. */
void vt_init(struct vt *vt, struct vt_cell *cells, unsigned cols, unsigned rows,
	     const struct vt_ops *ops, void *priv);
/* Interprets n bytes of terminal output. */
void vt_write(struct vt *vt, const char *s, size_t n);
/* RIS (ESC c): modes, colours, region, cursor back to defaults; clears. */
void vt_reset(struct vt *vt);
/* The cell at column x, row y. */
static inline struct vt_cell *vt_cell(struct vt *vt, unsigned x, unsigned y)
{
	return &vt->cells[(size_t)y * vt->cols + x];
}

#endif
