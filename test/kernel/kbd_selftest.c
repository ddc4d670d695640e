/* SPDX-License-Identifier: MIT */
/* Self-tests of the PS/2 keyboard driver on the real (virtual) machine. */
#include "dev/dev.h"
#include "dev/i8042.h"
#include "kernel/kernel.h"

#define FAIL(...)                         \
	do {                              \
		pr_err("  " __VA_ARGS__); \
		return 1;                 \
	} while (0)

/* The controller answered its self-test (0xAA) with 0x55. */
SELFTEST(kbd_controller)
{
	if (!kbd_present())
		FAIL("kbd_init found no keyboard\n");
	if (i8042_selftest_reply() != 0x55)
		FAIL("self-test reply %d, want 0x55\n", i8042_selftest_reply());
	return 0;
}

/* Scancodes through the interrupt path's decoder come out of kbd_read:
 * h, Shift+a, Ctrl+c, Up, F12, keypad 7 with Num Lock off, Pause, and a
 * fake-shift-wrapped Insert. */
SELFTEST(kbd_decode_path)
{
	static const uint8_t sc[] = {
		0x23, 0xa3,			    /* h */
		0x2a, 0x1e, 0x9e, 0xaa,		    /* Shift+a */
		0x1d, 0x2e, 0xae, 0x9d,		    /* Ctrl+c */
		0xe0, 0x48, 0xe0, 0xc8,		    /* Up */
		0x58, 0xd8,			    /* F12 */
		0x47, 0xc7,			    /* keypad 7: Home */
		0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, /* Pause */
		0xe0, 0xaa, 0xe0, 0x52, 0xe0, 0xd2, /* fake shift, Insert */
	};
	static const char want[] = "hA\003\033[A\033[24~\033[1~\033[P\033[2~";
	char buf[64];
	size_t n;

	while (kbd_read(buf, sizeof(buf)))
		; /* whatever was typed before */
	kbd_inject(sc, sizeof(sc));
	n = kbd_read(buf, sizeof(buf));
	if (n != sizeof(want) - 1 || memcmp(buf, want, n))
		FAIL("kbd_read gave %zu bytes, want %zu\n", n,
		     sizeof(want) - 1);
	if (kbd_read(buf, sizeof(buf)))
		FAIL("bytes left over in the ring\n");
	return 0;
}

/* Waits up to 200 ms for the keyboard to acknowledge an LED update. */
static int leds_settle(uint8_t *shown)
{
	bool busy = true;

	for (int i = 0; i < 200 && busy; i++) {
		*shown = kbd_leds_shown(&busy);
		if (busy)
			time_delay_us(1000);
	}
	return busy ? -ETIMEDOUT : 0;
}

/* Caps Lock toggles the LED through the interrupt-driven 0xED exchange:
 * the keyboard must ACK the command and the value. */
SELFTEST(kbd_led_update)
{
	static const uint8_t caps[] = { 0x3a, 0xba };
	uint8_t before, after, again;

	if (!kbd_present())
		FAIL("no keyboard\n");
	if (leds_settle(&before))
		FAIL("an LED update is stuck\n");
	kbd_inject(caps, sizeof(caps));
	if (leds_settle(&after))
		FAIL("LED update after Caps Lock never completed\n");
	kbd_inject(caps, sizeof(caps));
	if (leds_settle(&again))
		FAIL("second LED update never completed\n");
	if (after != (before ^ KEYMAP_LED_CAPS) || again != before)
		FAIL("LEDs %#x -> %#x -> %#x\n", before, after, again);
	return 0;
}
