/* SPDX-License-Identifier: MIT */
/* Device drivers: serial, framebuffer console, keyboard, RTC, PCI. */
#ifndef STRIX_DEV_H
#define STRIX_DEV_H

#include "kernel/kernel.h"

/* serial.c: COM1 at 115200 8N1, registered as a console. */
void serial_init(void);
void serial_putc(char c);
/* Writes directly, without locks: for panic output. */
void serial_write_raw(const char *s, size_t n);
struct tty;
/* Makes COM1 the tty ttyS0 with interrupt-driven input; NULL if there
 * is no UART. */
struct tty *serial_tty_init(void);

/* rtc.c: the CMOS clock as seconds since the epoch (0 if implausible). */
int64_t rtc_read_unix_time(void);

/* Registers the simple character devices and their /dev nodes (null,
 * zero, full, random, urandom). */
void dev_init(void);

/* random.c: n bytes from the kernel's CSPRNG (getrandom, AT_RANDOM).
 * Returns 0. */
int random_get_bytes(void *buf, size_t n);

/* ahci.c: finds the AHCI SATA controllers, brings their ports up and
 * registers the disks with the block layer. Process context (pid 1). */
void ahci_init(void);

/* ata.c: finds the IDE controllers (PCI class 01:01), identifies their
 * disks and registers them with the block layer (ata.dma=0 on the command
 * line: PIO only). Process context, after the block layer is up. */
void ata_init(void);

/* pty.c: /dev/ptmx and the pty slaves (major 136). */
void pty_init(void);
/* Is pty index live (master open)? Then its slave node's owner. */
bool pty_slave_info(unsigned index, uint32_t *uid, uint32_t *gid);
/* The lowest live pty index >= from, or -1 (devpts readdir). */
int pty_next_index(unsigned from);

/* fbcon.c: the GOP framebuffer as a console for the log and a tty.
 * fbcon_init() returns 0, or -ENODEV without a usable framebuffer (serial
 * stays the only console), or -ENOMEM. The rest are safe in any context
 * and do nothing (sizes 0, empty text) when the console is not active. */
int fbcon_init(void);
bool fbcon_active(void);
/* Terminal output: UTF-8 with escape sequences, as a tty writes it, to
 * the foreground console or to virtual console vt (0 is tty1). */
void fbcon_write(const char *s, size_t n);
#define FBCON_VTS 6
void fbcon_write_vt(unsigned vt, const char *s, size_t n);
/* Shows virtual console vt (Alt+Fn); the kernel log follows it. */
void fbcon_switch(unsigned vt);
unsigned fbcon_foreground(void);
/* fn gets the terminal's answers to queries (cursor position, device
 * attributes) for console vt; it runs under the console's locks. */
void fbcon_set_reply(void (*fn)(unsigned vt, const char *s, size_t n));
void fbcon_size(unsigned *cols, unsigned *rows);
/* Row's text as UTF-8 without trailing blanks, NUL-terminated in buf;
 * returns its length. */
size_t fbcon_row_text(unsigned row, char *buf, size_t size);
/* i8042.c: the PS/2 keyboard on IRQ 1, decoded with the Linux console's
 * default US keymap (dev/keymap.h, which also defines enum kbd_action). */
#include "dev/keymap.h"

/* Where typed bytes and key actions go. Both callbacks run in interrupt
 * context, outside the keyboard's lock; input() has tty_receive()'s
 * shape. action() gets an enum kbd_action and its argument (the console
 * number for KBD_CONSOLE, else 0). */
struct kbd_receiver {
	void (*input)(void *arg, const char *s, size_t n);
	void (*action)(void *arg, int action, int n);
	void *arg;
};
/* Installs r (copied); bytes already buffered go to it at once. NULL:
 * bytes stay in the ring for kbd_read() and are logged, and Ctrl+Alt+Del
 * reboots. */
void kbd_set_receiver(const struct kbd_receiver *r);
/* Probes and initialises the 8042 and the keyboard, then takes IRQ 1.
 * Needs interrupts on. 0, or -ENODEV when there is no controller or
 * keyboard. */
int kbd_init(void);
/* Takes up to n buffered bytes (no receiver set); never blocks. */
size_t kbd_read(char *buf, size_t n);
/* DECCKM and DECKPAM, as the console's escape parser sees them. */
void kbd_set_modes(bool app_cursor, bool app_keypad);

#endif
