/* SPDX-License-Identifier: MIT */
/*
 * The terminal line discipline, as Linux's n_tty: input processing (CR/NL
 * mapping, flow control characters, signal characters, line editing in
 * canonical mode, literal next), echo, and output processing (OPOST).
 * Pure logic: the tty layer supplies the lock, the sleeping and the
 * hooks; host unit tests drive it directly. POSIX XBD ch. 11 and
 * termios(3) describe the behaviour.
 */
#include "dev/n_tty.h"

static bool flag(const struct n_tty *n, uint32_t lflag)
{
	return n->t->c_lflag & lflag;
}

static bool iflag(const struct n_tty *n, uint32_t f)
{
	return n->t->c_iflag & f;
}

/* Is c the (enabled) control character at index i? 0 disables one. */
static bool is_cc(const struct n_tty *n, int i, unsigned char c)
{
	return n->t->c_cc[i] && c == n->t->c_cc[i];
}

static bool bit(const uint8_t *map, size_t pos)
{
	pos %= N_TTY_BUF;
	return map[pos / 8] & (1u << (pos % 8));
}

static void set_bit(uint8_t *map, size_t pos, bool on)
{
	pos %= N_TTY_BUF;
	if (on)
		map[pos / 8] |= 1u << (pos % 8);
	else
		map[pos / 8] &= ~(1u << (pos % 8));
}

static unsigned char at(const struct n_tty *n, size_t pos)
{
	return n->buf[pos % N_TTY_BUF];
}

/* Linux's tty_std_termios: cooked mode, echo, ^C ^\\ ^Z, 38400 8N1. */
void n_tty_std_termios(struct linux_termios *t)
{
	static const uint8_t cc[NCCS] = {
		[VINTR] = 003,	  [VQUIT] = 034,   [VERASE] = 0177,
		[VKILL] = 025,	  [VEOF] = 004,	   [VTIME] = 0,
		[VMIN] = 1,	  [VSTART] = 021,  [VSTOP] = 023,
		[VSUSP] = 032,	  [VEOL] = 0,	   [VREPRINT] = 022,
		[VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
		[VEOL2] = 0,
	};

	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE |
		     IEXTEN;
	memcpy(t->c_cc, cc, sizeof(cc));
}

void n_tty_init(struct n_tty *n, const struct linux_termios *t,
		const struct n_tty_ops *ops, void *ctx)
{
	memset(n, 0, sizeof(*n));
	n->t = t;
	n->ops = ops;
	n->ctx = ctx;
}

/* ---- output ---- */

static void emit(struct n_tty *n, const char *s, size_t len)
{
	if (len)
		n->ops->output(n->ctx, s, len);
}

/* Output processing of one special character (tty_termios(3), OPOST). */
static void out_special(struct n_tty *n, unsigned char c)
{
	const struct linux_termios *t = n->t;

	switch (c) {
	case '\n':
		if (t->c_oflag & ONLRET)
			n->column = 0;
		if (t->c_oflag & ONLCR) {
			emit(n, "\r\n", 2);
			n->column = 0;
			return;
		}
		break;
	case '\r':
		if ((t->c_oflag & ONOCR) && n->column == 0)
			return;
		if (t->c_oflag & OCRNL) {
			c = '\n';
			if (t->c_oflag & ONLRET)
				n->column = 0;
			break;
		}
		n->column = 0;
		break;
	case '\t':
		if ((t->c_oflag & TABDLY) == XTABS) {
			unsigned spaces = 8 - n->column % 8;
			emit(n, "        ", spaces);
			n->column += spaces;
			return;
		}
		n->column = (n->column | 7) + 1;
		break;
	case '\b':
		if (n->column > 0)
			n->column--;
		break;
	}
	emit(n, (const char *)&c, 1);
}

static bool needs_processing(unsigned char c)
{
	return c == '\n' || c == '\r' || c == '\t' || c == '\b';
}

void n_tty_write(struct n_tty *n, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	if (!(n->t->c_oflag & OPOST)) {
		emit(n, s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (!needs_processing(c)) {
			/* UTF-8 continuation bytes take no column. */
			if (c >= 0x20 && c != 0x7f &&
			    (!iflag(n, IUTF8) || (c & 0xc0) != 0x80))
				n->column++;
			run++;
			continue;
		}
		emit(n, (const char *)p + i - run, run);
		run = 0;
		out_special(n, c);
	}
	emit(n, (const char *)p + len - run, run);
}

/* Echoes c the way ECHOCTL shows control characters: ^X, DEL as ^?. */
static void echo_char(struct n_tty *n, unsigned char c)
{
	if (flag(n, ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' &&
	    c != '\n' && !is_cc(n, VSTART, c) && !is_cc(n, VSTOP, c)) {
		char s[2] = { '^', (char)(c ^ 0x40) };
		n_tty_write(n, s, 2);
		return;
	}
	n_tty_write(n, (const char *)&c, 1);
}

/* ---- input ---- */

static size_t used(const struct n_tty *n)
{
	return n->head - n->tail;
}

/* Stores one input byte; false when the buffer is full. In canonical
 * mode one slot stays free so a line can always be ended. */
static bool store(struct n_tty *n, unsigned char c, bool eol, bool eof)
{
	size_t room = N_TTY_BUF - (flag(n, ICANON) && !eol ? 1 : 0);

	if (used(n) >= room)
		return false;
	n->buf[n->head % N_TTY_BUF] = c;
	set_bit(n->eol, n->head, eol);
	set_bit(n->eof, n->head, eof);
	n->head++;
	return true;
}

/* Ends the line being edited: it becomes readable. */
static void line_done(struct n_tty *n)
{
	n->canon_head = n->line_start = n->head;
	n->canon_column = n->column;
}

void n_tty_flush_input(struct n_tty *n)
{
	n->head = n->tail = n->canon_head = n->line_start = 0;
	n->lnext = false;
	memset(n->eol, 0, sizeof(n->eol));
	memset(n->eof, 0, sizeof(n->eof));
}

/* The display width of the line from line_start to head, for erasing
 * a tab back to where it started. */
static unsigned line_width(const struct n_tty *n)
{
	unsigned col = n->canon_column;

	for (size_t p = n->line_start; p < n->head; p++) {
		unsigned char c = at(n, p);
		if (c == '\t')
			col = (col | 7) + 1;
		else if (c < 0x20 || c == 0x7f)
			col += flag(n, ECHOCTL) ? 2 : 0;
		else if (!iflag(n, IUTF8) || (c & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/* Rubs out the last character on screen (it is already off the buffer). */
static void rub_out(struct n_tty *n, unsigned char c)
{
	if (c == '\t') {
		unsigned col = line_width(n);
		while (n->column > col)
			n_tty_write(n, "\b", 1);
		return;
	}
	if ((c < 0x20 || c == 0x7f) && flag(n, ECHOCTL)) {
		n_tty_write(n, "\b \b\b \b", 6);
		return;
	}
	if (c >= 0x20 && (!iflag(n, IUTF8) || (c & 0xc0) != 0x80))
		n_tty_write(n, "\b \b", 3);
}

static bool is_word(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

enum erase_kind { ERASE, WERASE, KILL };

/* VERASE, VWERASE and VKILL in canonical mode (Linux's eraser()). */
static void erase(struct n_tty *n, enum erase_kind kind, unsigned char c)
{
	bool seen_word = false;

	if (n->head == n->line_start)
		return;
	if (kind == KILL && (!flag(n, ECHO) || !flag(n, ECHOE) ||
			     !flag(n, ECHOK) || !flag(n, ECHOKE))) {
		n->head = n->line_start;
		if (flag(n, ECHO)) {
			echo_char(n, c);
			if (flag(n, ECHOK))
				n_tty_write(n, "\n", 1);
		}
		return;
	}
	while (n->head > n->line_start) {
		unsigned char ch = at(n, n->head - 1);

		if (kind == WERASE) {
			if (is_word(ch))
				seen_word = true;
			else if (seen_word)
				break;
		}
		n->head--;
		/* Remove a whole UTF-8 sequence, not half of it. */
		if (iflag(n, IUTF8) && (ch & 0xc0) == 0x80)
			continue;
		if (flag(n, ECHO)) {
			if (flag(n, ECHOE))
				rub_out(n, ch);
			else if (kind == ERASE)
				echo_char(n, c);
		}
		if (kind == ERASE)
			break;
	}
}

static void reprint(struct n_tty *n, unsigned char c)
{
	echo_char(n, c);
	n_tty_write(n, "\n", 1);
	for (size_t p = n->line_start; p < n->head; p++)
		echo_char(n, at(n, p));
}

/* A signal character: flush (unless NOFLSH), echo it, signal. */
static void isig(struct n_tty *n, int sig, unsigned char c)
{
	if (!flag(n, NOFLSH))
		n_tty_flush_input(n);
	if (flag(n, ECHO))
		echo_char(n, c);
	n->ops->signal(n->ctx, sig);
}

/* Canonical-mode specials; true if c was consumed. */
static bool canon_special(struct n_tty *n, unsigned char c)
{
	bool iexten = flag(n, IEXTEN);

	if (is_cc(n, VERASE, c)) {
		erase(n, ERASE, c);
	} else if (is_cc(n, VKILL, c)) {
		erase(n, KILL, c);
	} else if (iexten && is_cc(n, VWERASE, c)) {
		erase(n, WERASE, c);
	} else if (iexten && is_cc(n, VLNEXT, c)) {
		n->lnext = true;
		if (flag(n, ECHO) && flag(n, ECHOCTL))
			n_tty_write(n, "^\b", 2);
	} else if (iexten && flag(n, ECHO) && is_cc(n, VREPRINT, c)) {
		reprint(n, c);
	} else if (c == '\n' || is_cc(n, VEOL, c) ||
		   (iexten && is_cc(n, VEOL2, c))) {
		if (flag(n, ECHO) || (c == '\n' && flag(n, ECHONL)))
			echo_char(n, c);
		store(n, c, true, false);
		line_done(n);
	} else if (is_cc(n, VEOF, c)) {
		/* EOF ends the line without a character (not echoed). */
		store(n, c, true, true);
		line_done(n);
	} else {
		return false;
	}
	return true;
}

/* Flow control characters (IXON); true if c was consumed. */
static bool flow_special(struct n_tty *n, unsigned char c)
{
	if (is_cc(n, VSTOP, c)) {
		if (!n->stopped) {
			n->stopped = true;
			n->ops->flow(n->ctx, true);
		}
		return true;
	}
	if (is_cc(n, VSTART, c) || (n->stopped && iflag(n, IXANY))) {
		if (n->stopped) {
			n->stopped = false;
			n->ops->flow(n->ctx, false);
		}
		return is_cc(n, VSTART, c);
	}
	return false;
}

void n_tty_receive(struct n_tty *n, unsigned char c)
{
	if (iflag(n, ISTRIP))
		c &= 0x7f;
	if (n->lnext) {
		n->lnext = false;
		if (flag(n, ECHO) && flag(n, ECHOCTL))
			n_tty_write(n, "\b", 1); /* over the "^" shown */
		goto normal;
	}
	if (c == '\r') {
		if (iflag(n, IGNCR))
			return;
		if (iflag(n, ICRNL))
			c = '\n';
	} else if (c == '\n' && iflag(n, INLCR)) {
		c = '\r';
	}
	if (iflag(n, IXON) && flow_special(n, c))
		return;
	if (flag(n, ISIG)) {
		if (is_cc(n, VINTR, c)) {
			isig(n, SIGINT, c);
			return;
		}
		if (is_cc(n, VQUIT, c)) {
			isig(n, SIGQUIT, c);
			return;
		}
		if (is_cc(n, VSUSP, c)) {
			isig(n, SIGTSTP, c);
			return;
		}
	}
	if (flag(n, ICANON) && canon_special(n, c))
		return;
normal:
	if (!store(n, c, false, false)) {
		if (iflag(n, IMAXBEL) && flag(n, ECHO))
			n_tty_write(n, "\a", 1);
		return;
	}
	if (flag(n, ECHO))
		echo_char(n, c);
	if (!flag(n, ICANON))
		line_done(n);
}

size_t n_tty_readable(const struct n_tty *n)
{
	return n->canon_head - n->tail;
}

bool n_tty_input_full(const struct n_tty *n)
{
	return used(n) >= N_TTY_BUF - 1;
}

size_t n_tty_read(struct n_tty *n, char *dst, size_t len)
{
	size_t copied = 0;

	if (!flag(n, ICANON)) {
		while (copied < len && n->tail < n->canon_head)
			dst[copied++] = (char)at(n, n->tail++);
		return copied;
	}
	/* One line at most; its EOF marker, if any, is consumed but not
	 * returned (so a read of an empty line at EOF returns 0). */
	while (n->tail < n->canon_head) {
		size_t p = n->tail;
		bool eol = bit(n->eol, p);

		if (bit(n->eof, p)) {
			if (copied == 0)
				n->tail++;
			break;
		}
		if (copied == len)
			break;
		dst[copied++] = (char)at(n, p);
		n->tail++;
		if (eol)
			break;
	}
	return copied;
}

void n_tty_termios_changed(struct n_tty *n, const struct linux_termios *old)
{
	/* Either way, what was typed so far becomes readable: in canonical
	 * mode as one complete line (as Linux's n_tty_set_termios). */
	if ((old->c_lflag ^ n->t->c_lflag) & ICANON) {
		memset(n->eol, 0, sizeof(n->eol));
		memset(n->eof, 0, sizeof(n->eof));
		if (flag(n, ICANON) && n->head > n->tail)
			set_bit(n->eol, n->head - 1, true);
		line_done(n);
		n->lnext = false;
	}
	if (!iflag(n, IXON) && n->stopped) {
		n->stopped = false;
		n->ops->flow(n->ctx, false);
	}
}
