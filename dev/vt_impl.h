/* SPDX-License-Identifier: MIT */
/* What the terminal core's files share: screen operations (vt.c) for the
 * parser (vt_parse.c) and the CSI handlers (vt_csi.c). */
#ifndef STRIX_DEV_VT_IMPL_H
#define STRIX_DEV_VT_IMPL_H

#include "dev/vt.h"

#define VT_DEFAULT_COLOR 9 /* SGR 39/49: the default foreground/background */

void vt_put(struct vt *vt, uint32_t cp);
void vt_goto(struct vt *vt, int x, int y);
void vt_linefeed(struct vt *vt);
void vt_reverse_index(struct vt *vt);
void vt_carriage_return(struct vt *vt);
void vt_backspace(struct vt *vt);
void vt_tab(struct vt *vt);
/* Moves rows [top, bottom) up by n (down if n < 0), filling with blanks. */
void vt_scroll(struct vt *vt, unsigned top, unsigned bottom, int n);
/* Shifts the cursor's row right from the cursor by n cells (left if
 * n < 0), blanking what opens up (ICH, DCH). */
void vt_shift_row(struct vt *vt, int n);
/* Blanks columns [x0, x1) of row y with the current background. */
void vt_erase(struct vt *vt, unsigned y, unsigned x0, unsigned x1);
void vt_save_cursor(struct vt *vt);
void vt_restore_cursor(struct vt *vt);
void vt_notify_cursor(struct vt *vt);

/* A CSI sequence as parsed: parameters with 0 meaning "default". */
struct vt_csi {
	const unsigned *p;
	unsigned n;
	char priv_marker;
	char final;
};
/* The nth parameter, or def when absent or 0. */
static inline unsigned vt_arg(const struct vt_csi *c, unsigned i, unsigned def)
{
	return i < c->n && c->p[i] ? c->p[i] : def;
}
/* Runs the handler for csi->final, if there is one. */
void vt_csi_dispatch(struct vt *vt, const struct vt_csi *csi);

#endif
