/* SPDX-License-Identifier: MIT */
/* The keyboard decoder against the Linux console's default US keymap. */
#include <stdlib.h>
#include <string.h>

#include "dev/keymap.h"
#include "test/unit/unit.h"

static struct keymap km;
static char out[256];
static size_t out_len;
static int last_action, last_arg, nactions;

static void feed(const uint8_t *sc, size_t n)
{
	struct keymap_event ev;

	for (size_t i = 0; i < n; i++) {
		if (!keymap_scancode(&km, sc[i], &ev))
			continue;
		if (out_len + ev.len < sizeof(out)) {
			memcpy(out + out_len, ev.buf, ev.len);
			out_len += ev.len;
			out[out_len] = 0;
		}
		if (ev.action != KBD_NONE) {
			last_action = ev.action;
			last_arg = ev.arg;
			nactions++;
		}
	}
}

static void reset(void)
{
	keymap_init(&km);
	out_len = 0;
	out[0] = 0;
	last_action = last_arg = nactions = 0;
}

static void clear_out(void)
{
	out_len = 0;
	out[0] = 0;
	last_action = last_arg = nactions = 0;
}

/* Press and release a plain (non-E0) key. */
static void tap(uint8_t sc)
{
	uint8_t s[2] = { sc, (uint8_t)(sc | 0x80) };

	feed(s, 2);
}

static void tap_e0(uint8_t sc)
{
	uint8_t s[4] = { 0xe0, sc, 0xe0, (uint8_t)(sc | 0x80) };

	feed(s, 4);
}

static void press(uint8_t sc)
{
	feed(&sc, 1);
}

static void release(uint8_t sc)
{
	uint8_t b = sc | 0x80;

	feed(&b, 1);
}

static void press_e0(uint8_t sc)
{
	uint8_t s[2] = { 0xe0, sc };

	feed(s, 2);
}

static void release_e0(uint8_t sc)
{
	uint8_t s[2] = { 0xe0, (uint8_t)(sc | 0x80) };

	feed(s, 2);
}

/* Set 1 make codes used below. */
enum {
	S_ESC = 0x01,
	S_1 = 0x02,
	S_2 = 0x03,
	S_3 = 0x04,
	S_8 = 0x09,
	S_MINUS = 0x0c,
	S_BS = 0x0e,
	S_TAB = 0x0f,
	S_Q = 0x10,
	S_E = 0x12,
	S_LBRACKET = 0x1a,
	S_ENTER = 0x1c,
	S_CTRL = 0x1d,
	S_A = 0x1e,
	S_H = 0x23,
	S_LSHIFT = 0x2a,
	S_BACKSLASH = 0x2b,
	S_Z = 0x2c,
	S_C = 0x2e,
	S_RSHIFT = 0x36,
	S_KPSTAR = 0x37,
	S_ALT = 0x38,
	S_SPACE = 0x39,
	S_CAPS = 0x3a,
	S_F1 = 0x3b,
	S_F5 = 0x3f,
	S_F6 = 0x40,
	S_F10 = 0x44,
	S_NUM = 0x45,
	S_SCROLL = 0x46,
	S_KP7 = 0x47,
	S_KP8 = 0x48,
	S_KP9 = 0x49,
	S_KPMINUS = 0x4a,
	S_KP4 = 0x4b,
	S_KP5 = 0x4c,
	S_KP1 = 0x4f,
	S_KP0 = 0x52,
	S_KPDOT = 0x53,
	S_F11 = 0x57,
	S_F12 = 0x58,
	/* after E0 */
	S_KPENTER = 0x1c,
	S_KPSLASH = 0x35,
	S_ALTGR = 0x38,
	S_HOME = 0x47,
	S_UP = 0x48,
	S_PGUP = 0x49,
	S_LEFT = 0x4b,
	S_RIGHT = 0x4d,
	S_END = 0x4f,
	S_DOWN = 0x50,
	S_PGDN = 0x51,
	S_INSERT = 0x52,
	S_DELETE = 0x53,
};

TEST(keymap_letters_and_shift)
{
	reset();
	tap(S_H);
	tap(S_Q);
	press(S_LSHIFT);
	tap(S_A);
	release(S_LSHIFT);
	press(S_RSHIFT);
	tap(S_Z);
	tap(S_1);
	tap(S_8);
	release(S_RSHIFT);
	tap(S_A);
	CHECK(!strcmp(out, "hqAZ!*a"));
}

TEST(keymap_special_keys)
{
	reset();
	tap(S_BS);
	tap(S_ENTER);
	tap(S_TAB);
	tap(S_ESC);
	tap(S_SPACE);
	tap(S_MINUS);
	CHECK(!strcmp(out, "\177\r\t\033 -"));
}

TEST(keymap_ctrl)
{
	reset();
	press(S_CTRL);
	tap(S_C);
	tap(S_A);
	tap(S_Z);
	tap(S_LBRACKET);  /* ESC */
	tap(S_BACKSLASH); /* FS */
	tap(S_3);	  /* ESC */
	tap(S_8);	  /* DEL */
	tap(S_MINUS);	  /* US */
	tap(S_BS);	  /* BS */
	tap(S_1);	  /* nothing */
	release(S_CTRL);
	CHECK_EQ(out_len, 9);
	CHECK(!memcmp(out, "\003\001\032\033\034\033\177\037\010", 9));
	/* Ctrl+Space and Ctrl+2 send NUL; right Ctrl is Ctrl too. */
	clear_out();
	press_e0(S_CTRL);
	tap(S_SPACE);
	tap(S_2);
	release_e0(S_CTRL);
	CHECK_EQ(out_len, 2);
	CHECK(out[0] == 0 && out[1] == 0);
	/* Shift+Ctrl+letter is still the control character. */
	clear_out();
	press(S_LSHIFT);
	press(S_CTRL);
	tap(S_C);
	release(S_CTRL);
	release(S_LSHIFT);
	CHECK(!strcmp(out, "\003"));
}

TEST(keymap_alt_is_esc_prefix)
{
	reset();
	press(S_ALT);
	tap(S_A);
	tap(S_1);
	tap(S_BS);
	tap(S_ENTER);
	release(S_ALT);
	CHECK(!strcmp(out, "\033a\0331\033\177\033\r"));
	/* Ctrl+Alt+letter: ESC and the control character. */
	clear_out();
	press(S_CTRL);
	press(S_ALT);
	tap(S_C);
	release(S_ALT);
	release(S_CTRL);
	CHECK(!strcmp(out, "\033\003"));
	/* Shift+Alt is not a map of the default keymap: nothing. */
	clear_out();
	press(S_LSHIFT);
	press(S_ALT);
	tap(S_A);
	release(S_ALT);
	release(S_LSHIFT);
	CHECK_EQ(out_len, 0);
}

TEST(keymap_altgr)
{
	reset();
	press_e0(S_ALTGR);
	tap(S_2);     /* @ */
	tap(S_8);     /* [ */
	tap(S_MINUS); /* \ */
	tap(S_Q);     /* q */
	release_e0(S_ALTGR);
	CHECK(!strcmp(out, "@[\\q"));
}

TEST(keymap_cursor_keys)
{
	reset();
	tap_e0(S_UP);
	tap_e0(S_DOWN);
	tap_e0(S_RIGHT);
	tap_e0(S_LEFT);
	CHECK(!strcmp(out, "\033[A\033[B\033[C\033[D"));
	clear_out();
	km.app_cursor = true;
	tap_e0(S_UP);
	tap_e0(S_LEFT);
	CHECK(!strcmp(out, "\033OA\033OD"));
}

TEST(keymap_edit_keys)
{
	reset();
	tap_e0(S_HOME);
	tap_e0(S_INSERT);
	tap_e0(S_DELETE);
	tap_e0(S_END);
	tap_e0(S_PGUP);
	tap_e0(S_PGDN);
	CHECK(!strcmp(out, "\033[1~\033[2~\033[3~\033[4~\033[5~\033[6~"));
}

TEST(keymap_function_keys)
{
	static const char *want[12] = {
		"\033[[A",  "\033[[B",	"\033[[C",  "\033[[D",
		"\033[[E",  "\033[17~", "\033[18~", "\033[19~",
		"\033[20~", "\033[21~", "\033[23~", "\033[24~",
	};

	reset();
	for (int i = 0; i < 12; i++) {
		clear_out();
		tap(i < 10 ? (uint8_t)(S_F1 + i) : (uint8_t)(S_F11 + i - 10));
		CHECK(!strcmp(out, want[i]));
	}
	/* Shift+F1 is F11, Shift+F10 is F20 (ESC [ 34 ~). */
	clear_out();
	press(S_LSHIFT);
	tap(S_F1);
	tap(S_F10);
	release(S_LSHIFT);
	CHECK(!strcmp(out, "\033[23~\033[34~"));
}

TEST(keymap_console_switch)
{
	reset();
	press(S_ALT);
	tap(S_F1);
	CHECK_EQ(last_action, KBD_CONSOLE);
	CHECK_EQ(last_arg, 1);
	tap(S_F12);
	CHECK_EQ(last_arg, 12);
	tap_e0(S_LEFT);
	CHECK_EQ(last_action, KBD_CONSOLE_PREV);
	tap_e0(S_RIGHT);
	CHECK_EQ(last_action, KBD_CONSOLE_NEXT);
	release(S_ALT);
	press(S_CTRL);
	press(S_ALT);
	tap(S_F5);
	CHECK_EQ(last_action, KBD_CONSOLE);
	CHECK_EQ(last_arg, 5);
	release(S_ALT);
	release(S_CTRL);
	CHECK_EQ(out_len, 0);
}

TEST(keymap_scroll_and_reboot)
{
	reset();
	press(S_LSHIFT);
	tap_e0(S_PGUP);
	CHECK_EQ(last_action, KBD_SCROLL_BACK);
	tap_e0(S_PGDN);
	CHECK_EQ(last_action, KBD_SCROLL_FORWARD);
	release(S_LSHIFT);
	CHECK_EQ(out_len, 0);
	clear_out();
	press(S_CTRL);
	press(S_ALT);
	tap_e0(S_DELETE);
	CHECK_EQ(last_action, KBD_REBOOT);
	clear_out();
	tap(S_KPDOT); /* Ctrl+Alt+keypad Del too */
	CHECK_EQ(last_action, KBD_REBOOT);
	release(S_ALT);
	release(S_CTRL);
	CHECK_EQ(out_len, 0);
	/* Scroll Lock is Hold and lights its LED. */
	clear_out();
	tap(S_SCROLL);
	CHECK_EQ(last_action, KBD_HOLD);
	CHECK(km.leds & KEYMAP_LED_SCROLL);
}

TEST(keymap_caps_lock)
{
	reset();
	tap(S_CAPS);
	CHECK_EQ(km.leds, KEYMAP_LED_CAPS);
	tap(S_A);
	tap(S_1); /* not a letter: unaffected */
	press(S_LSHIFT);
	tap(S_A); /* Shift undoes Caps for letters */
	tap(S_1);
	release(S_LSHIFT);
	press(S_CTRL);
	tap(S_A);
	release(S_CTRL);
	CHECK(!strcmp(out, "A1a!\001"));
	/* A held key repeats its make code; the lock toggles once. */
	press(S_CAPS);
	press(S_CAPS);
	press(S_CAPS);
	release(S_CAPS);
	CHECK_EQ(km.leds, 0);
	clear_out();
	tap(S_A);
	CHECK(!strcmp(out, "a"));
}

TEST(keymap_num_lock_keypad)
{
	reset();
	/* Num Lock off: the keypad is the editing block. */
	tap(S_KP7);
	tap(S_KP8);
	tap(S_KP5);
	tap(S_KP0);
	tap(S_KPDOT);
	tap(S_KPMINUS); /* operators are always characters */
	CHECK(!strcmp(out, "\033[1~\033[A\033[G\033[2~\033[3~-"));
	clear_out();
	tap(S_NUM);
	CHECK_EQ(km.leds, KEYMAP_LED_NUM);
	tap(S_KP7);
	tap(S_KP1);
	tap(S_KP0);
	tap(S_KPDOT);
	tap(S_KPSTAR);
	tap_e0(S_KPSLASH);
	tap_e0(S_KPENTER);
	CHECK(!strcmp(out, "710.*/\r"));
	/* Application keypad: ESC O p.., Num Lock is PF1. */
	clear_out();
	km.app_keypad = true;
	tap(S_KP0);
	tap(S_KP9);
	tap_e0(S_KPENTER);
	tap(S_NUM);
	CHECK(!strcmp(out, "\033Op\033Oy\033OM\033OP"));
	CHECK_EQ(km.leds, KEYMAP_LED_NUM);
}

TEST(keymap_alt_keypad_code)
{
	reset();
	tap(S_NUM);
	press(S_ALT);
	tap(0x4d); /* Alt + keypad 6, 5 = 'A' */
	tap(S_KP5);
	CHECK_EQ(out_len, 0);
	release(S_ALT);
	CHECK(!strcmp(out, "A"));
	CHECK_EQ(km.ascii, -1);
	(void)S_KP1;
	(void)S_KP4;
}

TEST(keymap_e0_e1_sequences)
{
	uint8_t pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	/* Shift held, then Insert: the keyboard wraps it in fake shift
	 * release/press (E0 AA ... E0 2A), which must not change Shift. */
	uint8_t fake[] = { 0x2a, 0xe0, 0xaa, 0xe0, 0x52, 0xe0,
			   0xd2, 0xe0, 0x2a, 0x1e, 0x9e, 0xaa };

	reset();
	feed(pause, sizeof(pause));
	CHECK(!strcmp(out, "\033[P"));
	/* The 1D inside the Pause sequence is not Ctrl. */
	clear_out();
	tap(S_A);
	CHECK(!strcmp(out, "a"));
	clear_out();
	feed(fake, sizeof(fake));
	CHECK(!strcmp(out, "\033[2~A"));
	/* Right Ctrl (E0 1D) is Ctrl, keypad Enter (E0 1C) is CR. */
	clear_out();
	press_e0(S_CTRL);
	tap(S_C);
	release_e0(S_CTRL);
	tap(S_C);
	CHECK(!strcmp(out, "\003c"));
	/* Ctrl+Break: E0 46. */
	clear_out();
	tap_e0(0x46);
	CHECK_EQ(last_action, KBD_BREAK);
	CHECK_EQ(keymap_set1_keycode(0x48, true), 103);
	CHECK_EQ(keymap_set1_keycode(0x48, false), 72);
	CHECK_EQ(keymap_set1_keycode(0x2a, true), 0);
}

TEST(keymap_random_bytes)
{
	struct keymap_event ev;
	unsigned seed = 4242;

	reset();
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < 4096; i++) {
			seed = seed * 1103515245u + 12345u;
			keymap_scancode(&km, (uint8_t)(seed >> 16), &ev);
			CHECK(ev.len <= sizeof(ev.buf));
			CHECK(ev.action <= KBD_REBOOT);
		}
		keymap_set1_keycode(0xff, round & 1);
	}
	/* Release everything; the decoder still works. */
	for (int sc = 1; sc < 0x80; sc++)
		release((uint8_t)sc);
	for (int sc = 1; sc < 0x80; sc++)
		release_e0((uint8_t)sc);
	km.leds = 0;
	km.app_cursor = km.app_keypad = false;
	clear_out();
	tap(S_E);
	CHECK(!strcmp(out, "e"));
}
