/* SPDX-License-Identifier: MIT */
/*
 * Taking signals on the way back to user mode: default actions, job
 * control stops, handler frames, syscall restarts; and signals raised by
 * exceptions in user code.
 */
#include "kernel/uapi/unistd.h"
#include "mm/mm.h"
#include "proc/proc_internal.h"

int signal_frame_setup(struct trap_frame *tf, int sig,
		       const struct linux_siginfo *info,
		       const struct linux_sigaction *act, sigset_t saved_mask);

void signal_notify_parent(struct process *p, int why, int status)
{
	struct process *parent = p->parent;
	struct linux_siginfo info = { 0 };
	struct linux_sigaction *act;

	if (!parent)
		return;
	info.si_signo = SIGCHLD;
	info.si_code = why;
	info.proc.pid = p->pid;
	info.proc.uid = p->cred.uid;
	info.proc.chld.status = status;
	act = &parent->leader->sighand->action[SIGCHLD - 1];
	/* SA_NOCLDSTOP: no SIGCHLD for stops and continues (sigaction(2)). */
	if (why == CLD_EXITED || why == CLD_KILLED || why == CLD_DUMPED) {
		if (p->exit_signal)
			signal_send_process(parent, p->exit_signal, &info);
	} else if (!(act->flags & SA_NOCLDSTOP)) {
		signal_send_process(parent, SIGCHLD, &info);
	}
	wake_up(&parent->child_wait);
}

/* Linux's syscall restart rules (arch/x86/kernel/signal.c, handle_signal
 * and arch_do_signal_or_restart). act is NULL when no handler runs. */
static void syscall_restart(struct trap_frame *tf,
			    const struct linux_sigaction *act)
{
	long ret = (long)tf->rax;
	bool restart;

	if (tf->vector != VECTOR_SYSCALL)
		return;
	switch (ret) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		restart = !act;
		break;
	case -ERESTARTSYS:
		restart = !act || (act->flags & SA_RESTART);
		break;
	case -ERESTARTNOINTR:
		restart = true;
		break;
	default:
		return;
	}
	if (!restart) {
		tf->rax = (uint64_t)-EINTR;
		return;
	}
	tf->rax = ret == -ERESTART_RESTARTBLOCK ? __NR_restart_syscall
						: tf->error;
	tf->rip -= 2; /* back onto the SYSCALL instruction */
}

bool syscall_restart_pending(const struct trap_frame *tf)
{
	long ret = (long)tf->rax;

	return tf->vector == VECTOR_SYSCALL &&
	       (ret == -ERESTARTSYS || ret == -ERESTARTNOINTR ||
		ret == -ERESTARTNOHAND || ret == -ERESTART_RESTARTBLOCK);
}

/* A process group is orphaned when no member has a parent in another
 * group of the same session (POSIX, XBD 3.265): its members must not be
 * stopped by terminal-generated signals, which nobody could undo. */
struct orphan_check {
	int pgid;
	bool orphaned;
};

static void check_member(struct task *t, void *ctx)
{
	struct orphan_check *c = ctx;
	struct process *p = t->proc, *parent = p->parent;

	if (p->leader != t || p->pgid != c->pgid || p->zombie || !parent)
		return;
	if (parent->pgid != p->pgid && parent->sid == p->sid)
		c->orphaned = false;
}

bool pgrp_is_orphaned(int pgid)
{
	struct orphan_check c = { pgid, true };
	bool irq = spin_lock_irqsave(&tasklist_lock);

	for_each_task(check_member, &c);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return c.orphaned;
}

/* Stops the whole process (job control) and sleeps until SIGCONT. */
static void group_stop(struct task *t, int sig)
{
	struct process *p = t->proc;
	bool irq = spin_lock_irqsave(&t->sighand->lock);
	bool notify = false;

	if (!p->stopped && !p->exiting) {
		p->stopped = true;
		p->stop_signal = sig;
		p->report_stop = true;
		p->report_continue = false;
		notify = true;
	}
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	if (notify)
		signal_notify_parent(p, CLD_STOPPED, sig);
}

/* Sleeps while the process is stopped, unless SIGKILL comes. */
static void wait_while_stopped(struct task *t)
{
	for (;;) {
		bool irq = spin_lock_irqsave(&t->sighand->lock);
		bool stop = t->proc->stopped &&
			    !(t->pending.set & SIGMASK(SIGKILL)) &&
			    !(t->proc->shared_pending.set & SIGMASK(SIGKILL));

		if (stop)
			t->state = TASK_STOPPED;
		spin_unlock_irqrestore(&t->sighand->lock, irq);
		if (!stop)
			return;
		schedule();
	}
}

/* Takes one signal's default action; returns only if it does nothing
 * more (ignore, continue, stop then resumed). */
static void default_act(struct task *t, int sig)
{
	switch (sig_default_action(sig)) {
	case SIG_IGNORE:
	case SIG_CONT:
		return;
	case SIG_STOP:
		if (sig != SIGSTOP && pgrp_is_orphaned(t->proc->pgid))
			return;
		group_stop(t, sig);
		return;
	case SIG_CORE:
		/* No core files are written; the status says "dumped" only
		 * if one was, so the 0x80 bit stays clear. */
	case SIG_TERM:
		process_exit(sig);
	}
}

void signal_deliver(struct trap_frame *tf)
{
	struct task *t = current;
	struct linux_sigaction act;
	struct linux_siginfo info;
	sigset_t saved;
	bool irq;
	int sig;

	for (;;) {
		wait_while_stopped(t);
		if (t->proc->exiting)
			process_exit(t->proc->exit_status);
		irq = spin_lock_irqsave(&t->sighand->lock);
		sig = sig_dequeue(t, ~t->blocked | SIGMASK(SIGKILL), &info);
		if (!sig) {
			spin_unlock_irqrestore(&t->sighand->lock, irq);
			break;
		}
		act = t->sighand->action[sig - 1];
		if (act.handler > SIG_IGN && (act.flags & SA_RESETHAND))
			t->sighand->action[sig - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&t->sighand->lock, irq);
		if (act.handler == SIG_IGN && sig != SIGKILL)
			continue;
		if (act.handler == SIG_DFL || sig == SIGKILL) {
			default_act(t, sig);
			continue;
		}
		syscall_restart(tf, &act);
		saved = t->restore_blocked ? t->saved_blocked : t->blocked;
		t->restore_blocked = false;
		if (signal_frame_setup(tf, sig, &info, &act, saved)) {
			/* No room for the frame: Linux's force_sigsegv. */
			process_exit(SIGSEGV);
		}
		irq = spin_lock_irqsave(&t->sighand->lock);
		t->blocked = (saved | act.mask |
			      ((act.flags & SA_NODEFER) ? 0 : SIGMASK(sig))) &
			     ~(SIGMASK(SIGKILL) | SIGMASK(SIGSTOP));
		spin_unlock_irqrestore(&t->sighand->lock, irq);
		return;
	}
	syscall_restart(tf, NULL);
	if (t->restore_blocked) {
		t->restore_blocked = false;
		t->blocked = t->saved_blocked;
	}
}

/* Exceptions in user mode (SDM Vol. 3A ch. 6) as the signals Linux sends
 * for them (arch/x86/kernel/traps.c). */
static void trap_to_signal(struct trap_frame *tf, int err, uint64_t addr,
			   struct linux_siginfo *info)
{
	info->fault.addr = tf->rip;
	switch (tf->vector) {
	case 0:
		info->si_signo = SIGFPE;
		info->si_code = FPE_INTDIV;
		break;
	case 1:
	case 3:
		info->si_signo = SIGTRAP;
		info->si_code = tf->vector == 3 ? SI_KERNEL : TRAP_BRKPT;
		info->fault.addr = 0;
		break;
	case 6:
		info->si_signo = SIGILL;
		info->si_code = ILL_ILLOPC;
		break;
	case 16:
	case 19:
		info->si_signo = SIGFPE;
		info->si_code = FPE_FLTINV;
		break;
	case 11:
	case 12:
		info->si_signo = SIGBUS;
		info->si_code = SI_KERNEL;
		info->fault.addr = 0;
		break;
	case 17:
		info->si_signo = SIGBUS;
		info->si_code = BUS_ADRALN;
		info->fault.addr = addr;
		break;
	case 14:
		info->fault.addr = addr;
		info->si_signo = err == -ENXIO ? SIGBUS : SIGSEGV;
		info->si_code = err == -ENXIO	 ? BUS_ADRERR :
				err == -EACCES ? SEGV_ACCERR :
						 SEGV_MAPERR;
		if (err == -ENOMEM) /* out of memory: the OOM killer's way */
			info->si_signo = SIGKILL;
		break;
	default: /* #GP, #OF, #BR and the rest */
		info->si_signo = SIGSEGV;
		info->si_code = SI_KERNEL;
		info->fault.addr = 0;
	}
}

void signal_from_trap(struct trap_frame *tf, int err, uint64_t addr)
{
	struct task *t = current;
	struct linux_siginfo info = { 0 };
	struct linux_sigaction *a;
	bool irq;

	trap_to_signal(tf, err, addr, &info);
	irq = spin_lock_irqsave(&t->sighand->lock);
	a = &t->sighand->action[info.si_signo - 1];
	/* Like Linux's force_sig_info: a fault the program blocks or ignores
	 * would repeat forever, so it gets the default action instead. */
	if ((t->blocked & SIGMASK(info.si_signo)) || a->handler == SIG_IGN) {
		a->handler = SIG_DFL;
		t->blocked &= ~SIGMASK(info.si_signo);
	}
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	signal_send_task(t, info.si_signo, &info);
}
