/* SPDX-License-Identifier: MIT */
/* Private to dev/i8042.c and its self-tests. */
#ifndef STRIX_DEV_I8042_H
#define STRIX_DEV_I8042_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the controller answered to its self-test (0xAA; 0x55 is a pass),
 * or -1 when it was never asked or did not answer. */
int i8042_selftest_reply(void);
/* Whether kbd_init() found and set up a keyboard. */
bool kbd_present(void);
/* The LEDs the keyboard last acknowledged (KEYMAP_LED_*), and whether
 * an LED update is still in flight. */
uint8_t kbd_leds_shown(bool *busy);
/* Feeds scancodes through the same path as IRQ 1 (decode, ring,
 * receiver or log), for the self-tests. */
void kbd_inject(const uint8_t *sc, size_t n);

#endif
