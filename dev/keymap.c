/* SPDX-License-Identifier: MIT */
/*
 * The keyboard decoder: scancode set 1 to Linux keycodes, keycodes to the
 * bytes and actions of the Linux console's default US keymap.
 *
 * The values follow Linux's drivers/tty/vt/defkeymap.map and the console
 * semantics in drivers/tty/vt/keyboard.c: seven modifier maps (plain,
 * Shift, AltGr, Ctrl, Shift+Ctrl, Alt, Ctrl+Alt); any other combination
 * sends nothing; Alt is "Meta" and sends ESC before the character; Caps
 * Lock flips Shift for letters only; Num Lock chooses digits or editing
 * keys on the keypad. The tables here are our own encoding of those facts.
 */
#include "dev/keymap.h"
#include "kernel/lib/lib.h"

/* Modifier bits, in Linux's order (KG_SHIFT, KG_ALTGR, KG_CTRL, KG_ALT). */
#define M_SHIFT 1
#define M_ALTGR 2
#define M_CTRL 4
#define M_ALT 8

/* Keycodes (Linux input-event-codes.h) the code below names. */
enum {
	KC_ESC = 1,
	KC_LEFTCTRL = 29,
	KC_LEFTSHIFT = 42,
	KC_RIGHTSHIFT = 54,
	KC_KPASTERISK = 55,
	KC_LEFTALT = 56,
	KC_CAPSLOCK = 58,
	KC_F1 = 59,
	KC_F10 = 68,
	KC_NUMLOCK = 69,
	KC_SCROLLLOCK = 70,
	KC_KPDOT = 83,
	KC_F11 = 87,
	KC_F12 = 88,
	KC_KPENTER = 96,
	KC_RIGHTCTRL = 97,
	KC_KPSLASH = 98,
	KC_SYSRQ = 99,
	KC_RIGHTALT = 100, /* AltGr in the default keymap */
	KC_BREAK = 101,
	KC_HOME = 102,
	KC_UP = 103,
	KC_PAGEUP = 104,
	KC_LEFT = 105,
	KC_RIGHT = 106,
	KC_END = 107,
	KC_DOWN = 108,
	KC_PAGEDOWN = 109,
	KC_INSERT = 110,
	KC_DELETE = 111,
};

/* ---- stage 1: set 1 scancodes to keycodes ---- */

/* After 0xe0 (the extended keys of the 101-key keyboard). The fake
 * shifts E0 2A / E0 36 the keyboard wraps around some of them have no
 * entry, so they are dropped. */
static const uint8_t e0_keycodes[128] = {
	[0x1c] = KC_KPENTER, [0x1d] = KC_RIGHTCTRL, [0x35] = KC_KPSLASH,
	[0x37] = KC_SYSRQ,   [0x38] = KC_RIGHTALT,  [0x46] = KC_BREAK,
	[0x47] = KC_HOME,    [0x48] = KC_UP,	    [0x49] = KC_PAGEUP,
	[0x4b] = KC_LEFT,    [0x4d] = KC_RIGHT,	    [0x4f] = KC_END,
	[0x50] = KC_DOWN,    [0x51] = KC_PAGEDOWN,  [0x52] = KC_INSERT,
	[0x53] = KC_DELETE,  [0x5b] = 125,	    [0x5c] = 126,
	[0x5d] = 127,
};

unsigned keymap_set1_keycode(uint8_t code, bool e0)
{
	if (code >= 128)
		return 0;
	if (e0)
		return e0_keycodes[code];
	/* Linux keycodes 1-88 are the set 1 scancodes; 0x54 is what
	 * Alt+PrintScreen sends (SysRq). */
	if (code == 0x54)
		return KC_SYSRQ;
	return code <= KC_F12 ? code : 0;
}

/* ---- stage 2: keycodes to bytes ---- */

/* A value with META set is sent as ESC followed by the low byte. */
#define META 0x100
#define NO (-1)

/* Character keys other than letters, per modifier map. */
struct chardef {
	short plain, shift, altgr, ctrl, sctrl, alt, ctrlalt;
};

#define CH(p, s) p, s
static const struct chardef chars[KEYMAP_NR_KEYS] = {
	[KC_ESC] = { CH(033, 033), NO, NO, NO, META | 033, NO },
	[2] = { CH('1', '!'), NO, NO, NO, META | '1', NO },
	[3] = { CH('2', '@'), '@', 0, 0, META | '2', NO },
	[4] = { CH('3', '#'), NO, 033, NO, META | '3', NO },
	[5] = { CH('4', '$'), '$', 034, NO, META | '4', NO },
	[6] = { CH('5', '%'), NO, 035, NO, META | '5', NO },
	[7] = { CH('6', '^'), NO, 036, NO, META | '6', NO },
	[8] = { CH('7', '&'), '{', 037, NO, META | '7', NO },
	[9] = { CH('8', '*'), '[', 0177, NO, META | '8', NO },
	[10] = { CH('9', '('), ']', NO, NO, META | '9', NO },
	[11] = { CH('0', ')'), '}', NO, NO, META | '0', NO },
	[12] = { CH('-', '_'), '\\', 037, 037, META | '-', NO },
	[13] = { CH('=', '+'), NO, NO, NO, META | '=', NO },
	[14] = { CH(0177, 0177), NO, 010, NO, META | 0177, NO }, /* BS */
	[15] = { CH('\t', '\t'), NO, NO, NO, META | '\t', NO },
	[26] = { CH('[', '{'), NO, 033, NO, META | '[', NO },
	[27] = { CH(']', '}'), '~', 035, NO, META | ']', NO },
	[28] = { CH('\r', '\r'), '\r', '\r', '\r', META | '\r', '\r' },
	[39] = { CH(';', ':'), NO, NO, NO, META | ';', NO },
	[40] = { CH('\'', '"'), NO, 007, NO, META | '\'', NO },
	[41] = { CH('`', '~'), NO, 0, NO, META | '`', NO },
	[43] = { CH('\\', '|'), NO, 034, NO, META | '\\', NO },
	[51] = { CH(',', '<'), NO, NO, NO, META | ',', NO },
	/* Ctrl+. is Compose, which we do not implement. */
	[52] = { CH('.', '>'), NO, NO, NO, META | '.', NO },
	[53] = { CH('/', '?'), NO, 0177, NO, META | '/', NO },
	[57] = { CH(' ', ' '), NO, 0, NO, META | ' ', NO },
	[86] = { CH('<', '>'), '|', NO, NO, META | '<', NO }, /* 102nd key */
	/* SysRq (PrintScreen) is Control_backslash, without Meta. */
	[KC_SYSRQ] = { CH(034, NO), NO, 034, NO, 034, NO },
};

static const char letters[KEYMAP_NR_KEYS] = {
	[16] = 'q', [17] = 'w', [18] = 'e', [19] = 'r', [20] = 't', [21] = 'y',
	[22] = 'u', [23] = 'i', [24] = 'o', [25] = 'p', [30] = 'a', [31] = 's',
	[32] = 'd', [33] = 'f', [34] = 'g', [35] = 'h', [36] = 'j', [37] = 'k',
	[38] = 'l', [44] = 'z', [45] = 'x', [46] = 'c', [47] = 'v', [48] = 'b',
	[49] = 'n', [50] = 'm',
};

/* The keypad: the character each key sends with Num Lock on. */
static const char pad_chars[KEYMAP_NR_KEYS] = {
	[71] = '7',	     [72] = '8',
	[73] = '9',	     [74] = '-',
	[75] = '4',	     [76] = '5',
	[77] = '6',	     [78] = '+',
	[79] = '1',	     [80] = '2',
	[81] = '3',	     [82] = '0',
	[KC_KPDOT] = '.',    [KC_KPASTERISK] = '*',
	[KC_KPENTER] = '\r', [KC_KPSLASH] = '/',
};

/* Function key strings (defkeymap's "string Fn" lines): F1-F5 are the
 * Linux console's own ESC [ [ A-E, F6 on the VT220 numbers. */
static const uint8_t fn_numbers[21] = {
	0,  0,	0,  0,	0,  0,	17, 18, 19, 20, 21,
	23, 24, 25, 26, 28, 29, 31, 32, 33, 34,
};

static bool key_is_down(const struct keymap *km, unsigned kc)
{
	return km->down[kc / 8] & (1u << (kc % 8));
}

static void key_set_down(struct keymap *km, unsigned kc, bool down)
{
	if (down)
		km->down[kc / 8] |= (uint8_t)(1u << (kc % 8));
	else
		km->down[kc / 8] &= (uint8_t) ~(1u << (kc % 8));
}

static unsigned modifiers(const struct keymap *km)
{
	unsigned m = 0;

	if (key_is_down(km, KC_LEFTSHIFT) || key_is_down(km, KC_RIGHTSHIFT))
		m |= M_SHIFT;
	if (key_is_down(km, KC_RIGHTALT))
		m |= M_ALTGR;
	if (key_is_down(km, KC_LEFTCTRL) || key_is_down(km, KC_RIGHTCTRL))
		m |= M_CTRL;
	if (key_is_down(km, KC_LEFTALT))
		m |= M_ALT;
	return m;
}

static bool is_modifier(unsigned kc)
{
	return kc == KC_LEFTSHIFT || kc == KC_RIGHTSHIFT || kc == KC_LEFTCTRL ||
	       kc == KC_RIGHTCTRL || kc == KC_LEFTALT || kc == KC_RIGHTALT;
}

/* The default keymap defines maps 0-2, 4, 5, 8 and 12 ("keymaps
 * 0-2,4-5,8,12"); a key pressed under any other combination does nothing
 * (keyboard.c returns when key_maps[shift_final] is NULL). */
static bool map_exists(unsigned m)
{
	return m <= 2 || m == 4 || m == 5 || m == 8 || m == 12;
}

static void put(struct keymap_event *ev, const char *s, size_t n)
{
	for (size_t i = 0; i < n && ev->len < sizeof(ev->buf); i++)
		ev->buf[ev->len++] = s[i];
}

static void put_value(struct keymap_event *ev, int v)
{
	char c = (char)(v & 0xff);

	if (v & META)
		put(ev, "\033", 1);
	put(ev, &c, 1);
}

static void put_action(struct keymap_event *ev, int action, int arg)
{
	ev->action = (uint8_t)action;
	ev->arg = (uint8_t)arg;
}

/* ESC [ c, or ESC O c in the application mode (keyboard.c applkey()). */
static void put_appl(struct keymap_event *ev, char c, bool appl)
{
	char s[3] = { '\033', appl ? 'O' : '[', c };

	put(ev, s, 3);
}

/* ESC [ n ~: the VT220 editing keys. */
static void put_tilde(struct keymap_event *ev, unsigned n)
{
	char s[8];
	size_t len = 0;

	s[len++] = '\033';
	s[len++] = '[';
	if (n >= 10)
		s[len++] = (char)('0' + n / 10);
	s[len++] = (char)('0' + n % 10);
	s[len++] = '~';
	put(ev, s, len);
}

static void put_fn(struct keymap_event *ev, unsigned n)
{
	char s[4] = { '\033', '[', '[', (char)('A' + n - 1) };

	if (n <= 5)
		put(ev, s, 4);
	else
		put_tilde(ev, fn_numbers[n]);
}

static void do_letter(struct keymap *km, char l, unsigned m,
		      struct keymap_event *ev)
{
	/* Caps Lock flips Shift, when the flipped map exists. */
	if ((km->leds & KEYMAP_LED_CAPS) && map_exists(m ^ M_SHIFT))
		m ^= M_SHIFT;
	switch (m) {
	case M_SHIFT:
		put_value(ev, l - 'a' + 'A');
		break;
	case M_CTRL:
	case M_CTRL | M_SHIFT:
		put_value(ev, l - 'a' + 1);
		break;
	case M_ALT:
		put_value(ev, META | l);
		break;
	case M_CTRL | M_ALT:
		put_value(ev, META | (l - 'a' + 1));
		break;
	default: /* plain; AltGr (Hex_A-F not implemented) */
		put_value(ev, l);
	}
}

static void do_char(const struct chardef *d, unsigned m,
		    struct keymap_event *ev)
{
	const short by_map[13] = {
		[0] = d->plain,
		[M_SHIFT] = d->shift,
		[M_ALTGR] = d->altgr,
		[M_CTRL] = d->ctrl,
		[M_CTRL | M_SHIFT] = d->sctrl,
		[M_ALT] = d->alt,
		[M_CTRL | M_ALT] = d->ctrlalt,
	};

	if (by_map[m] != NO)
		put_value(ev, by_map[m]);
}

static unsigned fn_number(unsigned kc)
{
	if (kc >= KC_F1 && kc <= KC_F10)
		return kc - KC_F1 + 1;
	if (kc == KC_F11 || kc == KC_F12)
		return kc - KC_F11 + 11;
	return 0;
}

static void do_fn(unsigned n, unsigned m, struct keymap_event *ev)
{
	switch (m) {
	case 0:
	case M_CTRL:
		put_fn(ev, n);
		break;
	case M_SHIFT: /* Shift+F1-F10 are F11-F20; F11, F12 stay */
		put_fn(ev, n <= 10 ? n + 10 : n);
		break;
	case M_ALTGR:
		put_action(ev, KBD_CONSOLE, (int)n + 12);
		break;
	case M_ALT:
	case M_ALT | M_CTRL:
		put_action(ev, KBD_CONSOLE, (int)n);
		break;
	}
}

/* The cursor keys' final letters (keyboard.c cur_chars). */
static char cursor_letter(unsigned kc)
{
	switch (kc) {
	case KC_UP:
		return 'A';
	case KC_DOWN:
		return 'B';
	case KC_RIGHT:
		return 'C';
	case KC_LEFT:
		return 'D';
	}
	return 0;
}

/* Home, Insert, Delete, End, PgUp, PgDn: ESC [ n ~ (0 if not one). */
static unsigned edit_number(unsigned kc)
{
	switch (kc) {
	case KC_HOME:
		return 1;
	case KC_INSERT:
		return 2;
	case KC_DELETE:
		return 3;
	case KC_END:
		return 4;
	case KC_PAGEUP:
		return 5;
	case KC_PAGEDOWN:
		return 6;
	}
	return 0;
}

static void do_edit(unsigned kc, unsigned m, struct keymap_event *ev)
{
	if (m == M_SHIFT && kc == KC_PAGEUP)
		put_action(ev, KBD_SCROLL_BACK, 0);
	else if (m == M_SHIFT && kc == KC_PAGEDOWN)
		put_action(ev, KBD_SCROLL_FORWARD, 0);
	else if (m == (M_CTRL | M_ALT) && kc == KC_DELETE)
		put_action(ev, KBD_REBOOT, 0);
	else
		put_tilde(ev, edit_number(kc));
}

static void do_cursor(struct keymap *km, unsigned kc, unsigned m,
		      struct keymap_event *ev)
{
	if (m == M_ALT && kc == KC_LEFT)
		put_action(ev, KBD_CONSOLE_PREV, 0);
	else if (m == M_ALT && kc == KC_RIGHT)
		put_action(ev, KBD_CONSOLE_NEXT, 0);
	else
		put_appl(ev, cursor_letter(kc), km->app_cursor);
}

/* A keypad key with Num Lock off acts as the editing key printed on it
 * (keyboard.c k_pad()); 5 sends ESC [ G. */
static void pad_as_edit(struct keymap *km, char c, struct keymap_event *ev)
{
	static const uint8_t edit_of[10] = { 2, 4, 0, 6, 0, 0, 0, 1, 0, 5 };
	static const char cur_of[10] = {
		0, 0, 'B', 0, 'D', 'G', 'C', 0, 'A', 0
	};

	if (c == '.')
		put_tilde(ev, 3);
	else if (edit_of[c - '0'])
		put_tilde(ev, edit_of[c - '0']);
	else if (c == '5')
		put_appl(ev, 'G', false);
	else
		put_appl(ev, cur_of[c - '0'], km->app_cursor);
}

/* The application keypad letters (keyboard.c app_map). */
static char pad_app_letter(char c)
{
	switch (c) {
	case '+':
		return 'l';
	case '-':
		return 'S';
	case '*':
		return 'R';
	case '/':
		return 'Q';
	case '\r':
		return 'M';
	case '.':
		return 'n';
	}
	return (char)('p' + (c - '0'));
}

static void do_pad(struct keymap *km, unsigned kc, unsigned m,
		   struct keymap_event *ev)
{
	char c = pad_chars[kc];
	bool digit = c >= '0' && c <= '9';

	if (m == (M_CTRL | M_ALT) && kc == KC_KPDOT) {
		put_action(ev, KBD_REBOOT, 0);
		return;
	}
	if (m == M_ALT && digit) {
		/* Alt+keypad digits compose a character code, sent when Alt
		 * is released (defkeymap Ascii_0-9). */
		km->ascii = (km->ascii < 0 ? 0 : km->ascii * 10) + (c - '0');
		return;
	}
	if (m == M_ALTGR && digit)
		return; /* Hex_0-9: not implemented */
	if (km->app_keypad && !(m & M_SHIFT)) {
		put_appl(ev, pad_app_letter(c), true);
		return;
	}
	if (!(km->leds & KEYMAP_LED_NUM) && (digit || c == '.')) {
		pad_as_edit(km, c, ev);
		return;
	}
	put(ev, &c, 1);
}

/* Caps Lock, Num Lock, Scroll Lock: toggles happen on the first press,
 * not on typematic repeats. */
static void do_lock(struct keymap *km, unsigned kc, unsigned m, bool repeat,
		    struct keymap_event *ev)
{
	if (kc == KC_CAPSLOCK) {
		if (!repeat)
			km->leds ^= KEYMAP_LED_CAPS;
	} else if (kc == KC_NUMLOCK) {
		/* In application keypad mode Num Lock is PF1 (ESC O P);
		 * Shift+Num Lock (Bare_Num_Lock) always toggles. */
		if (km->app_keypad && m != M_SHIFT)
			put_appl(ev, 'P', true);
		else if (!repeat)
			km->leds ^= KEYMAP_LED_NUM;
	} else if ((m == 0 || m == M_ALT) && !repeat) {
		/* Scroll Lock is Hold; Shift/AltGr/Ctrl show state. */
		km->leds ^= KEYMAP_LED_SCROLL;
		put_action(ev, KBD_HOLD, 0);
	}
}

/* A key press that is not a modifier, under existing map m. */
static void key_press(struct keymap *km, unsigned kc, unsigned m, bool repeat,
		      struct keymap_event *ev)
{
	unsigned n;

	if (letters[kc])
		do_letter(km, letters[kc], m, ev);
	else if (chars[kc].plain)
		do_char(&chars[kc], m, ev);
	else if ((n = fn_number(kc)))
		do_fn(n, m, ev);
	else if (pad_chars[kc])
		do_pad(km, kc, m, ev);
	else if (cursor_letter(kc))
		do_cursor(km, kc, m, ev);
	else if (edit_number(kc))
		do_edit(kc, m, ev);
	else if (kc == KC_CAPSLOCK || kc == KC_NUMLOCK || kc == KC_SCROLLLOCK)
		do_lock(km, kc, m, repeat, ev);
	else if (kc == KC_PAUSE)
		put(ev, "\033[P", 3);
	else if (kc == KC_BREAK)
		put_action(ev, KBD_BREAK, 0);
}

bool keymap_key(struct keymap *km, unsigned kc, bool down,
		struct keymap_event *ev)
{
	bool repeat;
	unsigned m;

	memset(ev, 0, sizeof(*ev));
	if (kc == 0 || kc >= KEYMAP_NR_KEYS)
		return false;
	repeat = down && key_is_down(km, kc);
	key_set_down(km, kc, down);
	if (is_modifier(kc)) {
		if (!down && kc == KC_LEFTALT && km->ascii >= 0) {
			put_value(ev, km->ascii & 0xff);
			km->ascii = -1;
		}
		return ev->len > 0;
	}
	m = modifiers(km);
	if (!down || !map_exists(m))
		return false;
	key_press(km, kc, m, repeat, ev);
	return ev->len > 0 || ev->action != KBD_NONE;
}

bool keymap_scancode(struct keymap *km, uint8_t sc, struct keymap_event *ev)
{
	bool e0;
	unsigned kc;

	memset(ev, 0, sizeof(*ev));
	if (sc == 0xe0 || sc == 0xe1) {
		km->prefix = sc;
		km->e1_seen = 0;
		return false;
	}
	if (km->prefix == 0xe1) {
		/* Pause: E1 1D 45 on press, E1 9D C5 on release, and no
		 * repeat (IBM PS/2 Technical Reference, scan code set 1). */
		if (++km->e1_seen < 2)
			return false;
		km->prefix = 0;
		if ((sc & 0x7f) != 0x45)
			return false;
		return keymap_key(km, KC_PAUSE, !(sc & 0x80), ev);
	}
	e0 = km->prefix == 0xe0;
	km->prefix = 0;
	kc = keymap_set1_keycode(sc & 0x7f, e0);
	return keymap_key(km, kc, !(sc & 0x80), ev);
}

void keymap_init(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	km->ascii = -1;
}
