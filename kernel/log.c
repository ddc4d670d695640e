/* SPDX-License-Identifier: MIT */
/*
 * printk and the kernel log: a ring of "<level>[seconds] text" lines (the
 * format syslog(2) hands out) and the consoles that show them.
 */
#include "kernel/kernel.h"

#define LOG_RING_SIZE (128 * 1024)

static char ring[LOG_RING_SIZE];
static uint64_t ring_total; /* bytes ever written; head = total % size */
static struct console *consoles;
static struct spinlock log_lock = SPINLOCK_INIT("log");
static bool line_open; /* the last message did not end its line */
static int line_level;
bool log_panicking; /* set by panic(): take no locks from here on */

/* Linux's defaults: console shows levels below 7; unlevelled means 4. */
static int console_loglevel = 7;
#define DEFAULT_MESSAGE_LEVEL 4

static void ring_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ring[(ring_total + i) % LOG_RING_SIZE] = s[i];
	ring_total += n;
}

static void consoles_write(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(c, s, n);
}

static size_t format_stamp(char *buf, size_t size)
{
	uint64_t ns = time_ns();

	return (size_t)ksnprintf(
		buf, size, "[%5llu.%06llu] ",
		(unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC / 1000));
}

/* Emits text (no level prefix) as part of a line at line_level. */
static void emit(const char *s, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t seg = nl ? (size_t)(nl - s) + 1 : n;
		bool show = line_level < console_loglevel;

		if (!line_open) {
			char pre[40];
			size_t plen;

			pre[0] = '<';
			pre[1] = (char)('0' + line_level);
			pre[2] = '>';
			plen = 3 + format_stamp(pre + 3, sizeof(pre) - 3);
			ring_put(pre, plen);
			if (show)
				consoles_write(pre + 3, plen - 3);
			line_open = true;
		}
		ring_put(s, seg);
		if (show)
			consoles_write(s, seg);
		if (nl)
			line_open = false;
		s += seg;
		n -= seg;
	}
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	const char *text = buf;
	int level = DEFAULT_MESSAGE_LEVEL;
	size_t n;
	bool irq = false;

	n = (size_t)kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (buf[0] == '\001' && buf[1] >= '0' && buf[1] <= '7') {
		level = buf[1] - '0';
		text += 2;
		n -= 2;
	}
	if (!log_panicking)
		irq = spin_lock_irqsave(&log_lock);
	if (!line_open)
		line_level = level;
	emit(text, n);
	if (!log_panicking)
		spin_unlock_irqrestore(&log_lock, irq);
	return (int)n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* Replays the ring to one console, dropping the "<N>" prefixes and the
 * lines it would not have shown. */
static void replay(struct console *con)
{
	uint64_t start =
		ring_total > LOG_RING_SIZE ? ring_total - LOG_RING_SIZE : 0;
	bool at_line_start = start == 0, show = true;
	char chunk[128];
	size_t len = 0;

	for (uint64_t i = start; i < ring_total; i++) {
		char c = ring[i % LOG_RING_SIZE];

		if (at_line_start && c == '<' && i + 2 < ring_total) {
			int lvl = ring[(i + 1) % LOG_RING_SIZE] - '0';
			show = lvl < console_loglevel;
			i += 2;
			at_line_start = false;
			continue;
		}
		at_line_start = c == '\n';
		if (!show)
			continue;
		chunk[len++] = c;
		if (len == sizeof(chunk) || c == '\n') {
			con->write(con, chunk, len);
			len = 0;
		}
	}
	if (len)
		con->write(con, chunk, len);
}

void console_register(struct console *con)
{
	bool irq = spin_lock_irqsave(&log_lock);
	const char *lv = cmdline_get("loglevel");

	if (lv && *lv >= '0' && *lv <= '8')
		console_loglevel = *lv - '0';
	else if (cmdline_get("quiet"))
		console_loglevel = 4;
	replay(con);
	con->next = consoles;
	consoles = con;
	spin_unlock_irqrestore(&log_lock, irq);
}

size_t log_read_tail(char *buf, size_t n)
{
	bool irq = spin_lock_irqsave(&log_lock);
	uint64_t avail = MIN(ring_total, (uint64_t)LOG_RING_SIZE);

	if (n > avail)
		n = avail;
	for (size_t i = 0; i < n; i++)
		buf[i] = ring[(ring_total - n + i) % LOG_RING_SIZE];
	spin_unlock_irqrestore(&log_lock, irq);
	return n;
}
