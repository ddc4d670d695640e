/* SPDX-License-Identifier: MIT */
/* The 16550 UART on COM1 as the first kernel console (PC16550D datasheet). */
#include "dev/dev.h"
#include "dev/tty.h"
#include "kernel/uapi/stat.h"

#define COM1 0x3f8
#define UART_DATA 0 /* THR / RBR; divisor low with DLAB */
#define UART_IER 1  /* divisor high with DLAB */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define LSR_DR 0x01	  /* data ready */
#define LSR_THRE 0x20	  /* transmit holding register empty */
#define IER_RDA 0x01	  /* interrupt on received data */
#define UART_CLOCK 115200 /* divisor 1 gives 115200 baud */

static bool serial_present;

void serial_putc(char c)
{
	if (!serial_present)
		return;
	for (int spins = 0; !(inb(COM1 + UART_LSR) & LSR_THRE); spins++)
		if (spins > 100000)
			return; /* a stuck UART must not hang the kernel */
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_write_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static void serial_console_write(struct console *con __unused, const char *s,
				 size_t n)
{
	serial_write_raw(s, n);
}

static struct console serial_console = {
	.name = "ttyS0",
	.write = serial_console_write,
};

/* ---- COM1 as the tty ttyS0 (major 4, minor 64, as on Linux) ---- */

static struct tty serial_tty;

static void serial_tty_write(struct tty *tty, const char *s, size_t n)
{
	(void)tty;
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
}

static const struct tty_driver serial_tty_driver = {
	.write = serial_tty_write,
};

/* IRQ 4: drain the receive FIFO into the line discipline. */
static void serial_irq(struct trap_frame *tf, void *arg)
{
	char buf[16];
	size_t n = 0;

	(void)tf;
	(void)arg;
	while (n < sizeof(buf) && (inb(COM1 + UART_LSR) & LSR_DR))
		buf[n++] = (char)inb(COM1 + UART_DATA);
	if (n)
		tty_receive(&serial_tty, buf, n);
}

struct tty *serial_tty_init(void)
{
	if (!serial_present)
		return NULL;
	tty_init(&serial_tty, "ttyS0", MKDEV(4, 64), &serial_tty_driver, NULL);
	/* 115200 baud, as the UART was programmed. */
	serial_tty.termios.c_cflag =
		(serial_tty.termios.c_cflag & ~CBAUD) | B115200 | CLOCAL;
	if (irq_request_isa(4, serial_irq, NULL)) {
		pr_warn("serial: cannot route IRQ 4; ttyS0 has no input\n");
		return &serial_tty;
	}
	outb(COM1 + UART_IER, IER_RDA);
	return &serial_tty;
}

void serial_init(void)
{
	/* The scratch register test: a missing UART reads back 0xff. */
	outb(COM1 + 7, 0x5a);
	if (inb(COM1 + 7) != 0x5a)
		return;
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DATA, UART_CLOCK / 115200);
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, 0xc7); /* enable and clear FIFOs, 14-byte level */
	outb(COM1 + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (IRQ line enable) */
	serial_present = true;
	console_register(&serial_console);
}
