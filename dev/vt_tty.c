/* SPDX-License-Identifier: MIT */
/*
 * tty1..tty6: the framebuffer's virtual consoles with the PS/2 keyboard,
 * as terminals (major 4, minors 1-6, as on Linux). Typed bytes go to the
 * foreground console's line discipline; Alt+Fn switches consoles and
 * Ctrl+Alt+Del goes to ctrl_alt_del(). /dev/tty0 is the foreground one.
 */
#include "dev/dev.h"
#include "dev/tty.h"
#include "kernel/uapi/stat.h"

static struct tty vt_ttys[FBCON_VTS];

/* With the tty lock held and interrupts off: fbcon_write_vt draws
 * without sleeping or allocating. */
static void vt_tty_write(struct tty *tty, const char *s, size_t n)
{
	fbcon_write_vt((unsigned)(tty - vt_ttys), s, n);
}

/* Terminal replies wait here for the next tick: they arrive while the
 * tty's lock is held, and tty_receive() takes it. */
static struct {
	struct spinlock lock;
	char buf[FBCON_VTS][64];
	size_t len[FBCON_VTS];
} replies = { .lock = SPINLOCK_INIT("vt_replies") };

static void queue_reply(unsigned vt, const char *s, size_t n)
{
	bool irq = spin_lock_irqsave(&replies.lock);

	if (vt < FBCON_VTS && replies.len[vt] + n <= sizeof(replies.buf[vt])) {
		memcpy(replies.buf[vt] + replies.len[vt], s, n);
		replies.len[vt] += n;
	}
	spin_unlock_irqrestore(&replies.lock, irq);
}

static void deliver_replies(struct trap_frame *tf)
{
	(void)tf;
	for (unsigned vt = 0; vt < FBCON_VTS; vt++) {
		char buf[sizeof(replies.buf[0])];
		size_t n;

		if (!READ_ONCE(replies.len[vt]))
			continue;
		spin_lock(&replies.lock);
		n = replies.len[vt];
		memcpy(buf, replies.buf[vt], n);
		replies.len[vt] = 0;
		spin_unlock(&replies.lock);
		tty_receive(&vt_ttys[vt], buf, n);
	}
}

static const struct tty_driver vt_tty_driver = {
	.write = vt_tty_write,
};

static void kbd_input(void *arg, const char *s, size_t n)
{
	(void)arg;
	tty_receive(&vt_ttys[fbcon_foreground()], s, n);
}

static void switch_to(unsigned vt)
{
	if (vt < FBCON_VTS)
		fbcon_switch(vt);
}

static void kbd_action(void *arg, int action, int n)
{
	unsigned fg = fbcon_foreground();

	(void)arg;
	switch (action) {
	case KBD_CONSOLE:
		switch_to((unsigned)n - 1);
		break;
	case KBD_CONSOLE_PREV:
		switch_to((fg + FBCON_VTS - 1) % FBCON_VTS);
		break;
	case KBD_CONSOLE_NEXT:
		switch_to((fg + 1) % FBCON_VTS);
		break;
	case KBD_REBOOT:
		ctrl_alt_del();
		break;
	default:
		break; /* scrollback and hold: not yet */
	}
}

static const struct kbd_receiver vt_receiver = {
	.input = kbd_input,
	.action = kbd_action,
};

struct tty *vt_tty_current(void)
{
	return &vt_ttys[fbcon_foreground()];
}

void vt_ttys_init(void)
{
	unsigned cols, rows;

	fbcon_size(&cols, &rows);
	for (unsigned i = 0; i < FBCON_VTS; i++) {
		struct tty *tty = &vt_ttys[i];
		char name[8];

		ksnprintf(name, sizeof(name), "tty%u", i + 1);
		tty_init(tty, name, MKDEV(4, i + 1), &vt_tty_driver, NULL);
		tty->winsize.ws_col = (uint16_t)(cols ? cols : 80);
		tty->winsize.ws_row = (uint16_t)(rows ? rows : 25);
		tty_register(tty);
	}
	fbcon_set_reply(queue_reply);
	timer_add_tick_handler(deliver_replies);
	kbd_set_receiver(&vt_receiver);
}
