/* SPDX-License-Identifier: MIT */
/*
 * Scancode set 1 to Linux keycodes to the bytes and actions the Linux
 * console's default US keymap (drivers/tty/vt/defkeymap.map) produces.
 * Pure C: no locks, no I/O; the caller serialises calls per keymap.
 */
#ifndef STRIX_DEV_KEYMAP_H
#define STRIX_DEV_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a key does besides sending bytes (KBD_NONE: nothing). */
enum kbd_action {
	KBD_NONE,
	KBD_CONSOLE,	    /* switch to console n (1-based) */
	KBD_CONSOLE_PREV,   /* Alt+Left */
	KBD_CONSOLE_NEXT,   /* Alt+Right */
	KBD_SCROLL_BACK,    /* Shift+PgUp */
	KBD_SCROLL_FORWARD, /* Shift+PgDn */
	KBD_HOLD,	    /* Scroll Lock: stop/start tty output */
	KBD_BREAK,	    /* Ctrl+Break */
	KBD_REBOOT,	    /* Ctrl+Alt+Del */
};

/* PS/2 "set LEDs" bits (IBM PS/2 Technical Reference, command 0xED). */
#define KEYMAP_LED_SCROLL 0x01
#define KEYMAP_LED_NUM 0x02
#define KEYMAP_LED_CAPS 0x04

/* Linux keycodes (include/uapi/linux/input-event-codes.h) we name. */
#define KEYMAP_NR_KEYS 128
#define KC_PAUSE 119

struct keymap {
	uint8_t prefix;	 /* 0, 0xe0 or 0xe1: the sequence in progress */
	uint8_t e1_seen; /* bytes seen after 0xe1 */
	uint8_t down[KEYMAP_NR_KEYS / 8]; /* keys held, by keycode */
	uint8_t leds;			  /* KEYMAP_LED_* */
	bool app_cursor;		  /* DECCKM: cursor keys send ESC O x */
	bool app_keypad;		  /* DECKPAM: keypad sends ESC O x */
	int ascii; /* Alt+keypad digits so far, -1 if none */
};

/* One key's result: up to 8 bytes and/or an action with its argument. */
struct keymap_event {
	char buf[8];
	uint8_t len;
	uint8_t action; /* enum kbd_action */
	uint8_t arg;	/* console number for KBD_CONSOLE */
};

/* No keys down, no locks, normal cursor and keypad modes. */
void keymap_init(struct keymap *km);
/*
 * Feeds one byte from the keyboard. Returns true when ev holds bytes or
 * an action; prefixes, releases and unmapped codes return false.
 */
bool keymap_scancode(struct keymap *km, uint8_t sc, struct keymap_event *ev);
/* The second stage alone: a Linux keycode pressed (or repeated) or
 * released. Same return as keymap_scancode. */
bool keymap_key(struct keymap *km, unsigned keycode, bool down,
		struct keymap_event *ev);
/* The keycode a set 1 scancode (without its break bit) names, after an
 * 0xe0 prefix if e0; 0 if none. */
unsigned keymap_set1_keycode(uint8_t code, bool e0);

#endif
