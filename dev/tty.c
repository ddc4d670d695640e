/* SPDX-License-Identifier: MIT */
/*
 * The tty core: reading with canonical lines or VMIN/VTIME, writing with
 * flow control, job control (SIGTTIN/SIGTTOU, foreground groups,
 * controlling terminals) and the termios ioctls (tty_ioctl(4)).
 */
#include "dev/tty.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/misc.h"
#include "mm/mm.h"
#include "proc/proc_internal.h"

struct tty *tty_console;

static void ldisc_output(void *ctx, const char *s, size_t n)
{
	struct tty *tty = ctx;

	tty->driver->write(tty, s, n);
}

static void ldisc_signal(void *ctx, int sig)
{
	struct tty *tty = ctx;

	if (tty->pgrp > 0)
		signal_send_pgrp(tty->pgrp, sig, NULL);
}

static void ldisc_flow(void *ctx, bool stopped)
{
	struct tty *tty = ctx;

	if (tty->driver->flow)
		tty->driver->flow(tty, stopped);
	if (!stopped)
		wake_up(&tty->write_wait);
}

static const struct n_tty_ops ldisc_ops = {
	.output = ldisc_output,
	.signal = ldisc_signal,
	.flow = ldisc_flow,
};

void tty_init(struct tty *tty, const char *name, uint64_t dev,
	      const struct tty_driver *driver, void *driver_data)
{
	memset(tty, 0, sizeof(*tty));
	strlcpy(tty->name, name, sizeof(tty->name));
	tty->dev = dev;
	tty->driver = driver;
	tty->driver_data = driver_data;
	tty->lock = (struct spinlock)SPINLOCK_INIT("tty");
	n_tty_std_termios(&tty->termios);
	tty->winsize = (struct linux_winsize){ .ws_row = 24, .ws_col = 80 };
	n_tty_init(&tty->ldisc, &tty->termios, &ldisc_ops, tty);
	wq_init(&tty->read_wait);
	wq_init(&tty->write_wait);
	mutex_init(&tty->write_mutex);
}

void tty_receive(struct tty *tty, const char *s, size_t n)
{
	bool irq = spin_lock_irqsave(&tty->lock), readable;

	for (size_t i = 0; i < n; i++)
		n_tty_receive(&tty->ldisc, (unsigned char)s[i]);
	readable = n_tty_readable(&tty->ldisc) > 0;
	spin_unlock_irqrestore(&tty->lock, irq);
	if (readable)
		wake_up(&tty->read_wait);
}

void tty_write_kernel(struct tty *tty, const char *s, size_t n)
{
	bool irq = spin_lock_irqsave(&tty->lock);

	n_tty_write(&tty->ldisc, s, n);
	spin_unlock_irqrestore(&tty->lock, irq);
}

struct tty *tty_current(void)
{
	return current->proc->ctty;
}

/* Is sig ignored or blocked by the caller? */
static bool sig_refused(int sig)
{
	struct task *t = current;

	return (t->blocked & SIGMASK(sig)) ||
	       t->sighand->action[sig - 1].handler == SIG_IGN;
}

/*
 * Job control for a background process touching its controlling
 * terminal (POSIX XBD 11.1.4; Linux's __tty_check_change): stop its group
 * with sig, or fail with EIO when that cannot work.
 */
static int job_control(struct tty *tty, int sig)
{
	struct process *p = current->proc;

	if (p->ctty != tty || tty->pgrp <= 0 || p->pgid == tty->pgrp)
		return 0;
	if (sig_refused(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_is_orphaned(p->pgid))
		return -EIO;
	signal_send_pgrp(p->pgid, sig, NULL);
	return -ERESTARTSYS;
}

/* Non-canonical read completion (termios(3), "MIN and TIME"). */
static bool raw_read_done(size_t done, unsigned vmin, unsigned vtime)
{
	if (vmin == 0)
		return done > 0 || vtime == 0;
	return done >= vmin;
}

static ssize_t read_loop(struct tty *tty, char *kbuf, uaddr_t ubuf, size_t n,
			 bool nonblock)
{
	bool canon = tty->termios.c_lflag & ICANON;
	unsigned vmin = canon ? 1 : tty->termios.c_cc[VMIN];
	unsigned vtime = canon ? 0 : tty->termios.c_cc[VTIME];
	uint64_t deadline = (!canon && vmin == 0 && vtime) ?
				    time_ns() + vtime * 100000000ULL :
				    0;
	size_t done = 0;
	int err;

	for (;;) {
		bool irq = spin_lock_irqsave(&tty->lock);
		size_t avail = n_tty_readable(&tty->ldisc), k = 0;

		if (avail)
			k = n_tty_read(&tty->ldisc, kbuf, n - done);
		spin_unlock_irqrestore(&tty->lock, irq);
		if (avail) {
			if (copy_to_user(ubuf + done, kbuf, k))
				return done ? (ssize_t)done : -EFAULT;
			done += k;
			/* A canonical read returns one line (or EOF). */
			if (canon || done == n ||
			    raw_read_done(done, vmin, vtime))
				return done;
			if (vtime) /* the inter-byte timer restarts */
				deadline = time_ns() + vtime * 100000000ULL;
			continue;
		}
		if (tty->hung_up || (!canon && vmin == 0 && vtime == 0))
			return done;
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		err = wait_event_interruptible_deadline(
			&tty->read_wait,
			n_tty_readable(&tty->ldisc) > 0 || tty->hung_up,
			deadline);
		if (err == -ETIMEDOUT)
			return done;
		if (err)
			return done ? (ssize_t)done : err;
	}
}

ssize_t tty_read(struct tty *tty, uaddr_t buf, size_t n, int f_flags)
{
	char *kbuf;
	ssize_t ret;
	int err = job_control(tty, SIGTTIN);

	if (err)
		return err;
	if (n == 0)
		return 0;
	n = MIN(n, (size_t)N_TTY_BUF);
	kbuf = kmalloc(n);
	if (!kbuf)
		return -ENOMEM;
	ret = read_loop(tty, kbuf, buf, n, f_flags & O_NONBLOCK);
	kfree(kbuf);
	if (ret > 0 && tty->driver->unthrottle)
		tty->driver->unthrottle(tty);
	return ret;
}

ssize_t tty_write(struct tty *tty, uaddr_t buf, size_t n, int f_flags)
{
	char chunk[256];
	size_t done = 0;
	int err = 0;

	if (tty->termios.c_lflag & TOSTOP) {
		err = job_control(tty, SIGTTOU);
		if (err)
			return err;
	}
	if (tty->hung_up)
		return -EIO;
	if (mutex_lock_interruptible(&tty->write_mutex))
		return -ERESTARTSYS;
	while (done < n) {
		size_t k = MIN(n - done, sizeof(chunk));
		bool irq;

		if (copy_from_user(chunk, buf + done, k)) {
			err = -EFAULT;
			break;
		}
		/* A driver with a bounded buffer (pty) takes what fits;
		 * output processing can double it (ONLCR). */
		if (tty->driver->write_room) {
			size_t room;

			err = 0;
			if (f_flags & O_NONBLOCK) {
				if (tty->driver->write_room(tty) < 2)
					err = -EAGAIN;
			} else {
				err = wait_event_interruptible(
					&tty->write_wait,
					tty->driver->write_room(tty) >= 2 ||
						tty->hung_up);
			}
			if (err)
				break;
			if (tty->hung_up) {
				err = -EIO;
				break;
			}
			room = tty->driver->write_room(tty) / 2;
			k = MIN(k, room);
		}
		/* ^S stops output until ^Q (IXON). */
		if (tty->ldisc.stopped) {
			if (f_flags & O_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			err = wait_event_interruptible(&tty->write_wait,
						       !tty->ldisc.stopped ||
							       tty->hung_up);
			if (err)
				break;
		}
		irq = spin_lock_irqsave(&tty->lock);
		n_tty_write(&tty->ldisc, chunk, k);
		spin_unlock_irqrestore(&tty->lock, irq);
		done += k;
	}
	mutex_unlock(&tty->write_mutex);
	return done ? (ssize_t)done : err;
}

unsigned tty_poll(struct tty *tty,
		  void (*add_wait)(struct wait_queue *, void *), void *ctx)
{
	unsigned mask = 0;

	if (add_wait) {
		add_wait(&tty->read_wait, ctx);
		add_wait(&tty->write_wait, ctx);
	}
	if (n_tty_readable(&tty->ldisc) > 0)
		mask |= POLLIN | POLLRDNORM;
	if (!tty->ldisc.stopped)
		mask |= POLLOUT | POLLWRNORM;
	if (tty->hung_up)
		mask |= POLLHUP | POLLIN | POLLRDNORM;
	return mask;
}

int tty_open(struct tty *tty, bool noctty)
{
	struct process *p = current->proc;
	bool irq = spin_lock_irqsave(&tasklist_lock);

	tty->open_count++;
	tty->hung_up = false;
	/* A session leader with no terminal acquires the first one it
	 * opens that has no session (POSIX XBD 11.1.3). */
	if (!noctty && p->pid == p->sid && !p->ctty && !tty->session) {
		p->ctty = tty;
		tty->session = p->sid;
		tty->pgrp = p->pgid;
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return 0;
}

void tty_release(struct tty *tty)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);

	tty->open_count--;
	spin_unlock_irqrestore(&tasklist_lock, irq);
}

struct drop_ctty {
	struct tty *tty;
	int sid;
};

static void drop_ctty(struct task *t, void *ctx)
{
	struct drop_ctty *d = ctx;

	if (t->proc->ctty == d->tty && t->proc->sid == d->sid)
		t->proc->ctty = NULL;
}

/* Ends the association of tty with its session: the foreground group
 * gets SIGHUP and SIGCONT. tasklist_lock not held. */
static void disassociate(struct tty *tty)
{
	struct drop_ctty d = { tty, tty->session };
	int pgrp = tty->pgrp;
	bool irq;

	if (!tty->session)
		return;
	irq = spin_lock_irqsave(&tasklist_lock);
	for_each_task(drop_ctty, &d);
	tty->session = 0;
	tty->pgrp = 0;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	if (pgrp > 0) {
		signal_send_pgrp(pgrp, SIGHUP, NULL);
		signal_send_pgrp(pgrp, SIGCONT, NULL);
	}
}

void tty_session_leader_exit(struct process *p)
{
	if (p->ctty && p->pid == p->sid && p->ctty->session == p->sid)
		disassociate(p->ctty);
}

void tty_hangup(struct tty *tty)
{
	tty->hung_up = true;
	disassociate(tty);
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

long tty_ioctl_termios(struct tty *tty, unsigned cmd, uaddr_t arg);
long tty_ioctl_jobs(struct tty *tty, unsigned cmd, uaddr_t arg);

long tty_ioctl(struct tty *tty, unsigned cmd, uaddr_t arg)
{
	long ret = tty_ioctl_termios(tty, cmd, arg);

	if (ret == -ENOIOCTLCMD)
		ret = tty_ioctl_jobs(tty, cmd, arg);
	return ret == -ENOIOCTLCMD ? -ENOTTY : ret;
}
