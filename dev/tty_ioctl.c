/* SPDX-License-Identifier: MIT */
/* The tty ioctls (tty_ioctl(4)): termios, window size, flushing and flow,
 * controlling terminals and foreground process groups. */
#include "dev/tty.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/misc.h"
#include "proc/proc_internal.h"

/* Background processes changing terminal settings get SIGTTOU, as Linux's
 * tty_check_change (regardless of TOSTOP). */
static int check_change(struct tty *tty)
{
	struct process *p = current->proc;
	struct task *t = current;

	if (p->ctty != tty || tty->pgrp <= 0 || p->pgid == tty->pgrp)
		return 0;
	if ((t->blocked & SIGMASK(SIGTTOU)) ||
	    t->sighand->action[SIGTTOU - 1].handler == SIG_IGN)
		return 0;
	if (pgrp_is_orphaned(p->pgid))
		return -EIO;
	signal_send_pgrp(p->pgid, SIGTTOU, NULL);
	return -ERESTARTSYS;
}

static void set_termios(struct tty *tty, const struct linux_termios *new,
			bool flush)
{
	struct linux_termios old;
	bool irq = spin_lock_irqsave(&tty->lock);

	old = tty->termios;
	tty->termios = *new;
	if (flush)
		n_tty_flush_input(&tty->ldisc);
	n_tty_termios_changed(&tty->ldisc, &old);
	if (tty->driver->set_termios)
		tty->driver->set_termios(tty, &old);
	spin_unlock_irqrestore(&tty->lock, irq);
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

/* The speed fields of termios2 follow the CBAUD bits. */
static uint32_t baud_of(uint32_t cflag)
{
	static const uint32_t rates[] = { 0,	50,   75,    110,  134,	 150,
					  200,	300,  600,   1200, 1800, 2400,
					  4800, 9600, 19200, 38400 };
	uint32_t b = cflag & CBAUD;

	if (b < 16)
		return rates[b];
	return b == B115200 ? 115200 : 38400;
}

long tty_ioctl_termios(struct tty *tty, unsigned cmd, uaddr_t arg)
{
	struct linux_termios t;
	struct linux_termios2 t2;
	struct linux_winsize ws;
	int err;

	switch (cmd) {
	case TCGETS:
		t = tty->termios;
		return copy_to_user(arg, &t, sizeof(t)) ? -EFAULT : 0;
	case TCGETS2:
		memset(&t2, 0, sizeof(t2));
		memcpy(&t2, &tty->termios, sizeof(tty->termios));
		t2.c_ispeed = t2.c_ospeed = baud_of(tty->termios.c_cflag);
		return copy_to_user(arg, &t2, sizeof(t2)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		err = check_change(tty);
		if (err)
			return err;
		/* Output is written synchronously: draining is immediate. */
		set_termios(tty, &t, cmd == TCSETSF || cmd == TCSETSF2);
		return 0;
	case TIOCGWINSZ:
		ws = tty->winsize;
		return copy_to_user(arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		if (copy_from_user(&ws, arg, sizeof(ws)))
			return -EFAULT;
		if (memcmp(&ws, &tty->winsize, sizeof(ws))) {
			tty->winsize = ws;
			if (tty->pgrp > 0)
				signal_send_pgrp(tty->pgrp, SIGWINCH, NULL);
		}
		return 0;
	case TCFLSH:
		err = check_change(tty);
		if (err)
			return err;
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			bool irq = spin_lock_irqsave(&tty->lock);
			n_tty_flush_input(&tty->ldisc);
			spin_unlock_irqrestore(&tty->lock, irq);
		} else if (arg != TCOFLUSH) {
			return -EINVAL;
		}
		return 0;
	case TCXONC: {
		bool irq;

		err = check_change(tty);
		if (err)
			return err;
		irq = spin_lock_irqsave(&tty->lock);
		switch (arg) {
		case TCOOFF:
			tty->ldisc.stopped = true;
			break;
		case TCOON:
			tty->ldisc.stopped = false;
			break;
		case TCIOFF:
		case TCION: {
			char c = tty->termios
					 .c_cc[arg == TCIOFF ? VSTOP : VSTART];
			tty->driver->write(tty, &c, 1);
			break;
		}
		default:
			spin_unlock_irqrestore(&tty->lock, irq);
			return -EINVAL;
		}
		spin_unlock_irqrestore(&tty->lock, irq);
		wake_up(&tty->write_wait);
		return 0;
	}
	case FIONREAD: {
		int n = (int)n_tty_readable(&tty->ldisc);
		return put_user(n, arg) ? -EFAULT : 0;
	}
	case TIOCOUTQ: /* output leaves synchronously */
		return put_user((int)0, arg) ? -EFAULT : 0;
	case TCSBRK:
	case TCSBRKP:
	case TIOCSBRK:
	case TIOCCBRK:
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	case TIOCGETD:
		return put_user((int)0, arg) ? -EFAULT : 0; /* N_TTY */
	case TIOCSETD: {
		int ld;
		if (get_user(ld, arg))
			return -EFAULT;
		return ld == 0 ? 0 : -EINVAL;
	}
	case TIOCGDEV: {
		uint32_t dev = (uint32_t)tty->dev;
		return put_user(dev, arg) ? -EFAULT : 0;
	}
	}
	return -ENOIOCTLCMD;
}

struct pgrp_in_session {
	int pgid, sid;
	bool found;
};

static void find_pgrp(struct task *t, void *ctx)
{
	struct pgrp_in_session *q = ctx;

	/* Zombies count until reaped (see setpgid). */
	if (t->proc->pgid == q->pgid && t->proc->sid == q->sid)
		q->found = true;
}

static long set_pgrp(struct tty *tty, uaddr_t arg)
{
	struct process *p = current->proc;
	struct pgrp_in_session q;
	int pgrp, err = check_change(tty);
	bool irq;

	if (err)
		return err;
	if (get_user(pgrp, arg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (p->ctty != tty || tty->session != p->sid)
		return -ENOTTY;
	q = (struct pgrp_in_session){ pgrp, p->sid, false };
	irq = spin_lock_irqsave(&tasklist_lock);
	for_each_task(find_pgrp, &q);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	if (!q.found)
		return -EPERM;
	tty->pgrp = pgrp;
	return 0;
}

/* TIOCSCTTY: a session leader takes tty as its controlling terminal; if
 * another session has it, only root with arg 1 may steal it. */
static long set_ctty(struct tty *tty, uaddr_t arg)
{
	struct process *p = current->proc;
	bool irq;

	if (p->ctty == tty)
		return 0;
	/* A hung-up terminal's files are dead (Linux: hung_up_tty_fops). */
	if (tty->hung_up)
		return -EIO;
	if (p->pid != p->sid || p->ctty)
		return -EPERM;
	if (tty->session && tty->session != p->sid) {
		if (arg != 1 || !capable())
			return -EPERM;
		tty_hangup(tty);
		tty->hung_up = false;
	}
	irq = spin_lock_irqsave(&tasklist_lock);
	p->ctty = tty;
	tty->session = p->sid;
	tty->pgrp = p->pgid;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return 0;
}

long tty_ioctl_jobs(struct tty *tty, unsigned cmd, uaddr_t arg)
{
	struct process *p = current->proc;

	switch (cmd) {
	case TIOCGPGRP:
		if (p->ctty != tty)
			return -ENOTTY;
		return put_user((int32_t)tty->pgrp, arg) ? -EFAULT : 0;
	case TIOCSPGRP:
		return set_pgrp(tty, arg);
	case TIOCGSID:
		if (p->ctty != tty || !tty->session)
			return -ENOTTY;
		return put_user((int32_t)tty->session, arg) ? -EFAULT : 0;
	case TIOCSCTTY:
		return set_ctty(tty, arg);
	case TIOCNOTTY:
		if (p->ctty != tty)
			return -ENOTTY;
		if (p->pid == p->sid)
			tty_session_leader_exit(p);
		else
			p->ctty = NULL;
		return 0;
	case TIOCSTI: {
		char c;
		if (p->ctty != tty && !capable())
			return -EPERM;
		if (get_user(c, arg))
			return -EFAULT;
		tty_receive(tty, &c, 1);
		return 0;
	}
	}
	return -ENOIOCTLCMD;
}
