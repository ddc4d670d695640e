/* SPDX-License-Identifier: MIT */
/*
 * The framebuffer console: the GOP framebuffer from the stub as a
 * terminal (vt.c) drawn by fbcon_draw.c, showing the kernel log and,
 * through fbcon_write(), tty output. Everything is allocated at init;
 * the write path only touches memory it already owns.
 */
#include "dev/dev.h"
#include "dev/fbcon.h"
#include "mm/mm.h"

extern bool log_panicking;

/* Drawing is deferred to the timer tick when the last flush was recent,
 * so a burst of output costs one redraw per interval, not one per line.
 * The interval grows with the cost of a flush (under TCG a full screen
 * is milliseconds), keeping drawing to a fraction of the time. */
#define FLUSH_MIN_NS (20 * 1000 * 1000ULL)
#define FLUSH_COST_FACTOR 4
#define PANIC_LOCK_SPINS 1000000

static struct {
	bool active;
	struct vt vts[FBCON_VTS]; /* tty1..tty6, each with its own cells */
	unsigned fg;		  /* the one on the screen */
	struct fbcon_draw draw;
	bool pending;	     /* cells changed since the last flush */
	uint64_t next_flush; /* time_ns() before which writes defer */
} fbc;

/* The lock records its owner so that a panic on the CPU that was drawing
 * skips the screen instead of spinning on itself. */
static struct spinlock fbcon_lock = SPINLOCK_INIT("fbcon");
static volatile int fbcon_owner = -1;

static bool fbcon_lock_acquire(bool *irq)
{
	int me = (int)this_cpu()->id;

	*irq = irq_save();
	if (READ_ONCE(fbcon_owner) == me)
		goto skip;
	if (!log_panicking) {
		spin_lock(&fbcon_lock);
	} else {
		/* Another CPU may have been stopped while drawing: wait a
		 * little, once, then leave the screen to serial. */
		static bool gave_up;
		long spins = 0;

		while (!spin_trylock(&fbcon_lock)) {
			if (gave_up || ++spins > PANIC_LOCK_SPINS) {
				gave_up = true;
				goto skip;
			}
			cpu_relax();
		}
	}
	WRITE_ONCE(fbcon_owner, me);
	return true;
skip:
	irq_restore(*irq);
	return false;
}

static void fbcon_lock_release(bool irq)
{
	WRITE_ONCE(fbcon_owner, -1);
	spin_unlock(&fbcon_lock);
	irq_restore(irq);
}

static void flush(void)
{
	uint64_t t0 = time_ns(), cost;

	fbcon_draw_flush(&fbc.draw, &fbc.vts[fbc.fg]);
	fbc.pending = false;
	cost = time_ns() - t0;
	fbc.next_flush =
		time_ns() + MAX(FLUSH_MIN_NS, FLUSH_COST_FACTOR * cost);
}

/* Flush now unless the tick will: before the timer runs, or in a panic,
 * there may never be another tick. */
static void flush_maybe(void)
{
	fbc.pending = true;
	if (log_panicking || READ_ONCE(jiffies) == 0 ||
	    time_ns() >= fbc.next_flush)
		flush();
}

/* The cursor blinks as Linux's does (fbcon's 200 ms), and stays on
 * while output arrives. */
#define BLINK_NS (200 * 1000 * 1000ULL)
static uint64_t next_blink;

static void keep_cursor_on(void)
{
	fbc.draw.blink_off = false;
	next_blink = time_ns() + BLINK_NS;
}

static void fbcon_tick(struct trap_frame *tf)
{
	bool blink = time_ns() >= READ_ONCE(next_blink);

	(void)tf;
	if (blink && fbc.active && spin_trylock(&fbcon_lock)) {
		WRITE_ONCE(fbcon_owner, (int)this_cpu()->id);
		fbc.draw.blink_off = !fbc.draw.blink_off;
		next_blink = time_ns() + BLINK_NS;
		flush(); /* with nothing dirty, only the cursor cell */
		WRITE_ONCE(fbcon_owner, -1);
		spin_unlock(&fbcon_lock);
		return;
	}
	if (!READ_ONCE(fbc.pending) || time_ns() < READ_ONCE(fbc.next_flush))
		return;
	/* Interrupts are off here; a busy lock means a writer will flush. */
	if (!spin_trylock(&fbcon_lock))
		return;
	WRITE_ONCE(fbcon_owner, (int)this_cpu()->id);
	if (fbc.pending)
		flush();
	WRITE_ONCE(fbcon_owner, -1);
	spin_unlock(&fbcon_lock);
}

/* Only the foreground console is on the screen; the others change their
 * cells alone and are drawn whole when switched to. */
static void damage(struct vt *vt, const struct vt_rect *r)
{
	if (vt == &fbc.vts[fbc.fg])
		fbcon_draw_damage(&fbc.draw, r);
}

static void (*reply_fn)(unsigned vt, const char *s, size_t n);

/* Answers to DSR and DA: for the console's tty, which cannot take input
 * here (its lock is held while it writes). */
static void reply(struct vt *vt, const char *s, size_t n)
{
	if (reply_fn)
		reply_fn((unsigned)(vt - fbc.vts), s, n);
}

void fbcon_set_reply(void (*fn)(unsigned vt, const char *s, size_t n))
{
	reply_fn = fn;
}

static const struct vt_ops fbcon_vt_ops = {
	.damage = damage,
	.reply = reply,
};

void fbcon_write_vt(unsigned vt, const char *s, size_t n)
{
	bool irq;

	if (!fbc.active || vt >= FBCON_VTS || !fbcon_lock_acquire(&irq))
		return;
	vt_write(&fbc.vts[vt], s, n);
	if (vt == fbc.fg) {
		keep_cursor_on();
		flush_maybe();
	}
	fbcon_lock_release(irq);
}

void fbcon_write(const char *s, size_t n)
{
	fbcon_write_vt(fbc.fg, s, n);
}

void fbcon_switch(unsigned vt)
{
	struct vt_rect all;
	bool irq;

	if (!fbc.active || vt >= FBCON_VTS || !fbcon_lock_acquire(&irq))
		return;
	if (vt != fbc.fg) {
		fbc.fg = vt;
		all = (struct vt_rect){ 0, 0, fbc.vts[vt].cols,
					fbc.vts[vt].rows };
		fbcon_draw_damage(&fbc.draw, &all);
		flush(); /* the shadow keeps it to the cells that differ */
	}
	fbcon_lock_release(irq);
}

unsigned fbcon_foreground(void)
{
	return fbc.fg;
}

void fbcon_sync(void)
{
	bool irq;

	if (!fbc.active || !fbcon_lock_acquire(&irq))
		return;
	flush();
	fbcon_lock_release(irq);
}

/* The log's lines end in "\n" alone; the terminal needs CR LF. */
static void console_write(struct console *con, const char *s, size_t n)
{
	bool irq;

	(void)con;
	if (!fbcon_lock_acquire(&irq))
		return;
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t seg = nl ? (size_t)(nl - s) : n;

		vt_write(&fbc.vts[fbc.fg], s, seg);
		if (nl) {
			vt_write(&fbc.vts[fbc.fg], "\r\n", 2);
			seg++;
		}
		s += seg;
		n -= seg;
	}
	flush_maybe();
	fbcon_lock_release(irq);
}

static struct console fbcon_console = {
	.name = "fbcon",
	.write = console_write,
};

bool fbcon_active(void)
{
	return fbc.active;
}

void fbcon_size(unsigned *cols, unsigned *rows)
{
	*cols = fbc.active ? fbc.vts[0].cols : 0;
	*rows = fbc.active ? fbc.vts[0].rows : 0;
}

static size_t put_utf8(char *buf, size_t size, size_t len, uint32_t cp)
{
	char u[4];
	size_t k;

	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (len + k >= size)
		return len;
	memcpy(buf + len, u, k);
	return len + k;
}

size_t fbcon_row_text(unsigned row, char *buf, size_t size)
{
	size_t len = 0, keep = 0;
	bool irq;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (!fbc.active || row >= fbc.vts[fbc.fg].rows ||
	    !fbcon_lock_acquire(&irq))
		return 0;
	for (unsigned x = 0; x < fbc.vts[fbc.fg].cols; x++) {
		uint32_t cp = vt_cell(&fbc.vts[fbc.fg], x, row)->cp;

		len = put_utf8(buf, size, len, cp);
		if (cp != ' ')
			keep = len; /* trailing blanks are dropped */
	}
	fbcon_lock_release(irq);
	buf[keep] = '\0';
	return keep;
}

int fbcon_init(void)
{
	const struct boot_framebuffer *b = &boot_info.fb;
	const struct font *font = &font_default;
	struct fbcon_fb fb = {
		.width = b->width,
		.height = b->height,
		.pitch = b->pitch,
		.red_shift = b->red_shift,
		.red_size = b->red_size,
		.green_shift = b->green_shift,
		.green_size = b->green_size,
		.blue_shift = b->blue_shift,
		.blue_size = b->blue_size,
	};
	struct vt_cell *cells, *shadow;
	size_t ncells;

	/* No framebuffer, or one we cannot draw: serial stays the console. */
	if (!b->base || b->bpp != 32 || b->pitch < b->width * 4ULL ||
	    b->size < (uint64_t)b->pitch * b->height ||
	    b->width < font->width || b->height < font->height)
		return -ENODEV;
	ncells = (size_t)fbcon_cols(&fb, font) * fbcon_rows(&fb, font);
	cells = kmalloc(FBCON_VTS * ncells * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	shadow = kmalloc(ncells * sizeof(*shadow));
	if (!shadow)
		goto free_cells;
	fb.base = ioremap(b->base, b->size, PTE_CACHE_WC);
	if (!fb.base)
		goto free_shadow;
	fbcon_draw_init(&fbc.draw, &fb, font, shadow);
	for (unsigned i = 0; i < FBCON_VTS; i++)
		vt_init(&fbc.vts[i], cells + i * ncells, fbc.draw.cols,
			fbc.draw.rows, &fbcon_vt_ops, NULL);
	fbc.active = true;
	timer_add_tick_handler(fbcon_tick);
	console_register(&fbcon_console);
	return 0;

free_shadow:
	kfree(shadow);
free_cells:
	kfree(cells);
	return -ENOMEM;
}
