/* SPDX-License-Identifier: MIT */
/* The line discipline's state and entry points (private to the tty
 * layer; pure, so host unit tests can drive it). */
#ifndef STRIX_DEV_N_TTY_H
#define STRIX_DEV_N_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/lib.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/termios.h"

#define N_TTY_BUF 4096

struct n_tty_ops {
	/* Bytes for the device, already output-processed. */
	void (*output)(void *ctx, const char *s, size_t n);
	/* A signal character was typed (ISIG). */
	void (*signal)(void *ctx, int sig);
	/* Output was stopped or started (IXON). */
	void (*flow)(void *ctx, bool stopped);
};

struct n_tty {
	const struct linux_termios *t;
	const struct n_tty_ops *ops;
	void *ctx;
	unsigned char buf[N_TTY_BUF];
	uint8_t eol[N_TTY_BUF / 8]; /* this byte ends a line */
	uint8_t eof[N_TTY_BUF / 8]; /* ...and is an EOF marker */
	/* Positions count up forever; buf index is position % N_TTY_BUF.
	 * tail <= canon_head <= line_start... head: readers take
	 * [tail, canon_head); the line being edited is [line_start, head). */
	size_t head, tail, canon_head, line_start;
	unsigned column;       /* output column, for tabs and rub-out */
	unsigned canon_column; /* column where the edited line began */
	bool lnext;	       /* the next byte is literal (VLNEXT) */
	bool stopped;	       /* output stopped by VSTOP (IXON) */
};

void n_tty_std_termios(struct linux_termios *t);
void n_tty_init(struct n_tty *n, const struct linux_termios *t,
		const struct n_tty_ops *ops, void *ctx);
/* Input processing of one received byte. */
void n_tty_receive(struct n_tty *n, unsigned char c);
/* Bytes a read may take now (in canonical mode, complete lines). */
size_t n_tty_readable(const struct n_tty *n);
bool n_tty_input_full(const struct n_tty *n);
/* Takes up to len bytes; in canonical mode at most one line. */
size_t n_tty_read(struct n_tty *n, char *dst, size_t len);
/* Output processing of what a program writes (OPOST and friends). */
void n_tty_write(struct n_tty *n, const char *s, size_t len);
void n_tty_flush_input(struct n_tty *n);
/* Called after the termios changed, with the previous settings. */
void n_tty_termios_changed(struct n_tty *n, const struct linux_termios *old);

#endif
