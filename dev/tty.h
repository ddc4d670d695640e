/* SPDX-License-Identifier: MIT */
/*
 * The tty layer: one struct tty per terminal, a driver below it (serial,
 * framebuffer console + keyboard, pty) and the line discipline above.
 * Sessions and process groups meet terminals here.
 */
#ifndef STRIX_DEV_TTY_H
#define STRIX_DEV_TTY_H

#include "dev/n_tty.h"
#include "kernel/kernel.h"
#include "proc/proc.h"

struct tty;
struct file_ops;

struct tty_driver {
	/* Sends processed output to the device. Called with the tty's
	 * spinlock held and interrupts off (echo comes from interrupts). */
	void (*write)(struct tty *tty, const char *s, size_t n);
	/* The termios changed (speed, size...), optional. */
	void (*set_termios)(struct tty *tty, const struct linux_termios *old);
	/* Output was stopped or restarted by ^S/^Q, optional. */
	void (*flow)(struct tty *tty, bool stopped);
	/* Optional: how many bytes write() can take now; writers wait on
	 * tty->write_wait while it is too small (pty slaves). */
	size_t (*write_room)(struct tty *tty);
	/* Optional: a reader made room in the input buffer (pty masters
	 * wait for it). */
	void (*unthrottle)(struct tty *tty);
};

struct tty {
	char name[16]; /* "ttyS0", "tty1", "pts/0" */
	uint64_t dev;  /* device number, as makedev() */
	const struct tty_driver *driver;
	void *driver_data;

	struct spinlock lock; /* termios, winsize, line discipline */
	struct linux_termios termios;
	struct linux_winsize winsize;
	struct n_tty ldisc;
	struct wait_queue read_wait, write_wait;
	struct mutex write_mutex; /* one writer's chunks stay together */

	int session; /* sid of the controlling session, 0 if none */
	int pgrp;    /* the foreground process group */
	int open_count;
	bool hung_up;
};

/* Sets up a tty with the standard termios; the driver fills in the
 * rest. Does not make a device node (the driver's registration does). */
void tty_init(struct tty *tty, const char *name, uint64_t dev,
	      const struct tty_driver *driver, void *driver_data);
/* Input from the device: runs the line discipline. Any context. */
void tty_receive(struct tty *tty, const char *s, size_t n);
/* Output from the kernel (no job control, no user memory). */
void tty_write_kernel(struct tty *tty, const char *s, size_t n);
/* Hangs up: SIGHUP and SIGCONT to the session, reads return 0. */
void tty_hangup(struct tty *tty);

/* What file operations on a tty do; user addresses, f_flags as open. */
ssize_t tty_read(struct tty *tty, uaddr_t buf, size_t n, int f_flags);
ssize_t tty_write(struct tty *tty, uaddr_t buf, size_t n, int f_flags);
long tty_ioctl(struct tty *tty, unsigned cmd, uaddr_t arg);
/* POLLIN/POLLOUT/POLLHUP readiness; queues on the tty's wait queues
 * through add_wait(wq, ctx) when given. */
unsigned tty_poll(struct tty *tty,
		  void (*add_wait)(struct wait_queue *, void *), void *ctx);
/* Open and close bookkeeping: a session leader without a controlling
 * terminal acquires this one unless noctty. */
int tty_open(struct tty *tty, bool noctty);
void tty_release(struct tty *tty);

/* The file operations of terminal device files, for drivers that open
 * their ttys themselves (pty slaves) and reuse the rest. */
extern const struct file_ops tty_fops;

/* Makes tty reachable by its device number, with a /dev node. */
int tty_register(struct tty *tty);
/* Registers the console ttys and their device nodes (/dev/console,
 * /dev/tty, /dev/ttyS0, ...); console= on the command line picks the
 * console ("ttyS0" or "tty1"). */
void console_ttys_init(void);
/* vt_tty.c: tty1..tty6 on the framebuffer consoles and the keyboard;
 * the foreground one (/dev/tty0). */
void vt_ttys_init(void);
struct tty *vt_tty_current(void);
/* The controlling terminal of the calling process, or NULL. */
struct tty *tty_current(void);
/* The console: where /dev/console and kernel output to user land go. */
extern struct tty *tty_console;
/* The session leader gives up its terminal (exit, TIOCNOTTY): SIGHUP
 * and SIGCONT to the foreground group (POSIX XBD 11.1.3). */
void tty_session_leader_exit(struct process *p);

#endif
