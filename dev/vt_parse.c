/* SPDX-License-Identifier: MIT */
/*
 * The terminal's input parser: strict UTF-8 (RFC 3629) for text, C0
 * controls, ESC and CSI sequences (ECMA-48 §5.4 syntax), and OSC, DCS,
 * SOS, PM, APC strings skipped up to BEL or ST. A malformed sequence is
 * dropped whole; CSI finals go to vt_csi.c's table.
 */
#include "dev/vt_impl.h"

enum {
	S_GROUND,
	S_ESC,	      /* after ESC */
	S_ESC_INTER,  /* ESC + intermediate: ESC ( B and the like, ignored */
	S_CSI,	      /* after CSI, collecting parameters */
	S_STRING,     /* OSC, DCS, ...: skip to BEL or ST */
	S_STRING_ESC, /* ESC inside a string: '\' ends it */
};

#define REPLACEMENT 0xfffd

static void csi_start(struct vt *vt)
{
	vt->state = S_CSI;
	vt->nparams = 0;
	vt->params[0] = 0;
	vt->priv_marker = 0;
	vt->intermediate = 0;
	vt->bad = false;
}

/* C0 controls act in every state but strings (ECMA-48 §5.4: they may
 * appear inside a control sequence and are executed). */
static void control(struct vt *vt, unsigned char c)
{
	switch (c) {
	case 0x07:
		if (vt->ops && vt->ops->bell)
			vt->ops->bell(vt);
		break;
	case 0x08:
		vt_backspace(vt);
		break;
	case 0x09:
		vt_tab(vt);
		break;
	case 0x0a:
	case 0x0b:
	case 0x0c:
		vt_linefeed(vt);
		break;
	case 0x0d:
		vt_carriage_return(vt);
		break;
	case 0x0e: /* SO: G1 */
		vt->shift_out = true;
		break;
	case 0x0f: /* SI: G0 */
		vt->shift_out = false;
		break;
	case 0x18: /* CAN and SUB abort a sequence */
	case 0x1a:
		vt->state = S_GROUND;
		break;
	case 0x1b:
		vt->state = S_ESC;
		break;
	}
}

static void esc_final(struct vt *vt, unsigned char c)
{
	vt->state = S_GROUND;
	switch (c) {
	case '[':
		csi_start(vt);
		break;
	case ']': /* OSC */
	case 'P': /* DCS */
	case 'X': /* SOS */
	case '^': /* PM */
	case '_': /* APC */
		vt->state = S_STRING;
		break;
	case '7':
		vt_save_cursor(vt);
		break;
	case '8':
		vt_restore_cursor(vt);
		break;
	case 'c':
		vt_reset(vt);
		break;
	case 'D':
		vt_linefeed(vt);
		break;
	case 'E':
		vt_carriage_return(vt);
		vt_linefeed(vt);
		break;
	case 'M':
		vt_reverse_index(vt);
		break;
	default:
		if (c >= 0x20 && c <= 0x2f) { /* ESC ( B and the like */
			vt->g_select = c;
			vt->state = S_ESC_INTER;
		}
		break;
	}
}

static void csi_param_byte(struct vt *vt, unsigned char c)
{
	unsigned *p = &vt->params[vt->nparams];

	if (c >= '0' && c <= '9') {
		*p = *p * 10 + (c - '0');
		if (*p > VT_PARAM_MAX)
			*p = VT_PARAM_MAX;
	} else if (c == ';') {
		/* Parameters beyond VT_MAX_PARAMS are dropped, as in Linux. */
		if (vt->nparams + 1 < VT_MAX_PARAMS)
			vt->params[++vt->nparams] = 0;
		else
			vt->params[vt->nparams] = 0;
	} else if (c >= '<' && c <= '?' && vt->nparams == 0 &&
		   vt->params[0] == 0 && !vt->priv_marker) {
		vt->priv_marker = (char)c;
	} else {
		vt->bad = true; /* ':' sub-parameters, or a misplaced marker */
	}
}

static void csi_byte(struct vt *vt, unsigned char c)
{
	struct vt_csi csi;

	if (c >= 0x30 && c <= 0x3f) {
		if (vt->intermediate)
			vt->bad = true; /* parameters after intermediates */
		else
			csi_param_byte(vt, c);
		return;
	}
	if (c >= 0x20 && c <= 0x2f) {
		if (vt->intermediate)
			vt->bad = true;
		vt->intermediate = (char)c;
		return;
	}
	vt->state = S_GROUND;
	if (c < 0x40 || c > 0x7e || vt->bad || vt->intermediate)
		return; /* not a final byte, or a sequence we do not know */
	csi.p = vt->params;
	csi.n = vt->nparams + 1;
	csi.priv_marker = vt->priv_marker;
	csi.final = (char)c;
	vt_csi_dispatch(vt, &csi);
}

/* Feeds one byte of text through the UTF-8 decoder. */
static void utf8_byte(struct vt *vt, unsigned char c)
{
	if (vt->utf8_left) {
		if ((c & 0xc0) == 0x80) {
			vt->utf8_cp = vt->utf8_cp << 6 | (c & 0x3f);
			if (--vt->utf8_left)
				return;
			/* Overlong forms, surrogates and values past U+10FFFF
			 * are errors (RFC 3629 §3). */
			if (vt->utf8_cp < vt->utf8_min ||
			    (vt->utf8_cp >= 0xd800 && vt->utf8_cp <= 0xdfff) ||
			    vt->utf8_cp > 0x10ffff)
				vt_put(vt, REPLACEMENT);
			else
				vt_put(vt, vt->utf8_cp);
			return;
		}
		/* A truncated sequence: one U+FFFD, then c on its own. */
		vt->utf8_left = 0;
		vt_put(vt, REPLACEMENT);
	}
	if (c < 0x80) {
		vt_put(vt, c);
	} else if (c >= 0xc2 && c <= 0xdf) {
		vt->utf8_cp = c & 0x1f;
		vt->utf8_left = 1;
		vt->utf8_min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		vt->utf8_cp = c & 0x0f;
		vt->utf8_left = 2;
		vt->utf8_min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		vt->utf8_cp = c & 0x07;
		vt->utf8_left = 3;
		vt->utf8_min = 0x10000;
	} else {
		vt_put(vt, REPLACEMENT); /* stray continuation, C0, C1, F5+ */
	}
}

static void byte(struct vt *vt, unsigned char c)
{
	if (vt->state == S_STRING || vt->state == S_STRING_ESC) {
		if (c == 0x07 || (vt->state == S_STRING_ESC && c == '\\'))
			vt->state = S_GROUND;
		else if (c == 0x18 || c == 0x1a)
			vt->state = S_GROUND;
		else if (vt->state == S_STRING_ESC)
			esc_final(vt, c); /* ESC ended the string: a new one */
		else if (c == 0x1b)
			vt->state = S_STRING_ESC;
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		if (c == 0x7f)
			return; /* DEL is ignored everywhere */
		if (vt->utf8_left && vt->state == S_GROUND) {
			vt->utf8_left = 0;
			vt_put(vt, REPLACEMENT);
		}
		control(vt, c);
		return;
	}
	switch (vt->state) {
	case S_GROUND:
		utf8_byte(vt, c);
		break;
	case S_ESC:
		esc_final(vt, c);
		break;
	case S_ESC_INTER:
		if (c < 0x20 || c > 0x2f) {
			/* ESC ( F designates G0, ESC ) F G1: '0' is the
			 * line-drawing set, anything else (B, U, K) text. */
			if (vt->g_select == '(' || vt->g_select == ')')
				vt->g_graphics[vt->g_select == ')'] = c == '0';
			vt->state = S_GROUND;
		}
		break;
	case S_CSI:
		csi_byte(vt, c);
		break;
	}
}

void vt_write(struct vt *vt, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		byte(vt, (unsigned char)s[i]);
}
