/* SPDX-License-Identifier: MIT */
/*
 * Signals: queueing (per thread and per process), default actions, job
 * control stops, and delivery on the way back to user mode. The frame a
 * handler runs on is built in signal_frame.c. Locking: the sighand lock
 * guards actions, pending sets and masks of every task sharing it.
 */
#include "mm/mm.h"
#include "proc/proc_internal.h"

/* signal(7): the default disposition of each standard signal. */
enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return SIG_CORE;
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return SIG_IGNORE;
	case SIGCONT:
		return SIG_CONT;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return SIG_STOP;
	}
	return SIG_TERM;
}

#define STOP_SIGNALS                                              \
	(SIGMASK(SIGSTOP) | SIGMASK(SIGTSTP) | SIGMASK(SIGTTIN) | \
	 SIGMASK(SIGTTOU))
#define UNBLOCKABLE (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kzalloc(sizeof(*sh));

	if (sh) {
		sh->refcount = 1;
		sh->lock = (struct spinlock)SPINLOCK_INIT("sighand");
		wq_init(&sh->signalfd_wait);
	}
	return sh;
}

struct sighand *sighand_dup(struct sighand *old)
{
	struct sighand *sh = sighand_alloc();

	if (sh) {
		bool irq = spin_lock_irqsave(&old->lock);
		memcpy(sh->action, old->action, sizeof(sh->action));
		spin_unlock_irqrestore(&old->lock, irq);
	}
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (__atomic_sub_fetch(&sh->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(sh);
}

void sighand_reset_for_exec(struct sighand *sh)
{
	bool irq = spin_lock_irqsave(&sh->lock);

	for (int i = 0; i < NSIG; i++) {
		struct linux_sigaction *a = &sh->action[i];
		if (a->handler != SIG_IGN)
			*a = (struct linux_sigaction){ .handler = SIG_DFL };
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
	spin_unlock_irqrestore(&sh->lock, irq);
}

static sigset_t pending_set(struct task *t)
{
	return t->pending.set | t->proc->shared_pending.set;
}

/* Also true while the process is stopping or exiting, so that threads
 * asleep in the kernel come out and take part (Linux's TIF_SIGPENDING). */
bool signal_pending(struct task *t)
{
	sigset_t p;

	if (!t->proc) /* the boot idle task */
		return false;
	p = pending_set(t);
	return (p & ~t->blocked) || (p & SIGMASK(SIGKILL)) ||
	       t->proc->stopped || t->proc->exiting;
}

/* Would sig be discarded on arrival? Blocked signals are kept, since the
 * handler may change before they are unblocked (POSIX, XSH 2.4.1). */
static bool sig_ignored(struct task *t, int sig)
{
	struct linux_sigaction *a = &t->sighand->action[sig - 1];

	if (t->blocked & SIGMASK(sig))
		return false;
	return a->handler == SIG_IGN ||
	       (a->handler == SIG_DFL && sig_default_action(sig) == SIG_IGNORE);
}

static void flush_from(struct sigpending *pend, sigset_t mask)
{
	struct sigqueue *q, *n;

	pend->set &= ~mask;
	list_for_each_entry_safe(q, n, &pend->queue, link)
	{
		if (SIGMASK(q->info.si_signo) & mask) {
			list_del(&q->link);
			kfree(q);
		}
	}
}

static void flush_process(struct process *p, sigset_t mask)
{
	struct task *t;

	flush_from(&p->shared_pending, mask);
	list_for_each_entry(t, &p->threads, thread_link)
		flush_from(&t->pending, mask);
}

/* Queues sig with its info. Standard signals coalesce; real-time ones
 * queue each instance. sighand lock held. */
static int queue(struct sigpending *pend, int sig,
		 const struct linux_siginfo *info)
{
	struct sigqueue *q;

	if (sig < SIGRTMIN && (pend->set & SIGMASK(sig)))
		return 0;
	q = kzalloc(sizeof(*q));
	if (!q) {
		if (sig >= SIGRTMIN)
			return -EAGAIN;
	} else {
		if (info)
			q->info = *info;
		else
			q->info.si_code = SI_KERNEL;
		q->info.si_signo = sig;
		list_add_tail(&q->link, &pend->queue);
	}
	pend->set |= SIGMASK(sig);
	return 0;
}

/* SIGCONT and stop signals cancel each other, and SIGCONT resumes a
 * stopped process, as soon as they are sent (signal(7)). */
static void job_control_on_send(struct process *p, int sig)
{
	struct task *t;

	if (SIGMASK(sig) & STOP_SIGNALS) {
		flush_process(p, SIGMASK(SIGCONT));
		return;
	}
	if (sig != SIGCONT && sig != SIGKILL)
		return;
	flush_process(p, STOP_SIGNALS);
	if (p->stopped) {
		p->stopped = false;
		p->group_stop_count = 0;
		if (sig == SIGCONT) {
			p->report_continue = true;
			p->report_stop = false;
		}
		list_for_each_entry(t, &p->threads, thread_link)
			task_wake_state(t, TASK_STOPPED);
		if (sig == SIGCONT)
			signal_notify_parent(p, CLD_CONTINUED, SIGCONT);
	}
}

/* Wakes a thread that can take sig: t itself, or for a process-wide
 * signal a thread not blocking it. */
static void wake_for(struct process *p, struct task *t, int sig)
{
	int states = TASK_INTERRUPTIBLE;

	if (sig == SIGKILL)
		states |= TASK_STOPPED;
	if (t) {
		task_wake_state(t, states);
		return;
	}
	list_for_each_entry(t, &p->threads, thread_link)
	{
		if (sig == SIGKILL || !(t->blocked & SIGMASK(sig))) {
			task_wake_state(t, states);
			if (sig != SIGKILL)
				return;
		}
	}
}

static int send(struct process *p, struct task *t, int sig,
		const struct linux_siginfo *info)
{
	struct sighand *sh = (t ? t : p->leader)->sighand;
	struct task *any = t ? t : p->leader;
	bool irq;
	int err = 0;

	if (sig < 1 || sig > NSIG)
		return -EINVAL;
	irq = spin_lock_irqsave(&sh->lock);
	if (p->zombie || (p->exiting && sig != SIGKILL))
		goto out;
	job_control_on_send(p, sig);
	if (sig_ignored(any, sig) && sig != SIGKILL)
		goto out;
	err = queue(t ? &t->pending : &p->shared_pending, sig, info);
	if (!err)
		wake_for(p, t, sig);
out:
	spin_unlock_irqrestore(&sh->lock, irq);
	if (!err)
		wake_up(&sh->signalfd_wait);
	return err;
}

int signal_send_task(struct task *t, int sig, const struct linux_siginfo *info)
{
	return send(t->proc, t, sig, info);
}

int signal_send_process(struct process *p, int sig,
			const struct linux_siginfo *info)
{
	return send(p, NULL, sig, info);
}

struct pgrp_send {
	int pgid, sig, sent, err;
	const struct linux_siginfo *info;
};

static void send_if_in_group(struct task *t, void *ctx)
{
	struct pgrp_send *s = ctx;

	if (t->proc->leader != t || t->proc->pgid != s->pgid || t->proc->zombie)
		return;
	s->err = signal_send_process(t->proc, s->sig, s->info);
	s->sent++;
}

int signal_send_pgrp(int pgid, int sig, const struct linux_siginfo *info)
{
	struct pgrp_send s = { pgid, sig, 0, 0, info };
	bool irq = spin_lock_irqsave(&tasklist_lock);

	for_each_task(send_if_in_group, &s);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return s.sent ? 0 : -ESRCH;
}

/* Takes the next deliverable signal in mask: thread-directed first, then
 * the process's; lowest number first, as Linux (next_signal). sighand lock
 * held. Returns 0 when there is none. */
int sig_dequeue(struct task *t, sigset_t mask, struct linux_siginfo *info)
{
	struct sigpending *sources[2] = { &t->pending,
					  &t->proc->shared_pending };

	for (int s = 0; s < 2; s++) {
		struct sigpending *pend = sources[s];
		sigset_t ready = pend->set & mask;
		struct sigqueue *q;
		int sig;

		if (!ready)
			continue;
		sig = __builtin_ctzll(ready) + 1;
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_KERNEL;
		list_for_each_entry(q, &pend->queue, link)
		{
			if (q->info.si_signo == sig) {
				*info = q->info;
				list_del(&q->link);
				kfree(q);
				break;
			}
		}
		/* A real-time signal stays pending while instances remain. */
		list_for_each_entry(q, &pend->queue,
				    link) if (q->info.si_signo ==
					      sig) return sig;
		pend->set &= ~SIGMASK(sig);
		return sig;
	}
	return 0;
}
