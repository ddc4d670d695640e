/* SPDX-License-Identifier: MIT */
/* The signal system calls: actions, masks, waiting, sending. */
#include "kernel/uapi/unistd.h"
#include "proc/proc_internal.h"

#define UNBLOCKABLE (SIGMASK(SIGKILL) | SIGMASK(SIGSTOP))

static long sys_rt_sigaction(int sig, uaddr_t uact, uaddr_t uoact,
			     size_t setsize)
{
	struct task *t = current;
	struct linux_sigaction act, old;
	bool irq;

	if (setsize != sizeof(sigset_t) || sig < 1 || sig > NSIG)
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	irq = spin_lock_irqsave(&t->sighand->lock);
	old = t->sighand->action[sig - 1];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		t->sighand->action[sig - 1] = act;
		/* POSIX: setting a signal to be ignored discards it if
		 * pending, even when blocked (XSH sigaction). */
		if (act.handler == SIG_IGN ||
		    (act.handler == SIG_DFL &&
		     sig_default_action(sig) == SIG_IGNORE)) {
			struct task *th;
			t->proc->shared_pending.set &= ~SIGMASK(sig);
			list_for_each_entry(th, &t->proc->threads, thread_link)
				th->pending.set &= ~SIGMASK(sig);
		}
	}
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	if (uoact && copy_to_user(uoact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(rt_sigaction, sys_rt_sigaction);

/* Changes current's mask; how as in sigprocmask(2). */
int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	struct task *t = current;
	bool irq = spin_lock_irqsave(&t->sighand->lock);
	int err = 0;

	if (old)
		*old = t->blocked;
	if (set) {
		switch (how) {
		case SIG_BLOCK:
			t->blocked |= *set;
			break;
		case SIG_UNBLOCK:
			t->blocked &= ~*set;
			break;
		case SIG_SETMASK:
			t->blocked = *set;
			break;
		default:
			err = -EINVAL;
		}
		t->blocked &= ~UNBLOCKABLE;
	}
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	return err;
}

static long sys_rt_sigprocmask(int how, uaddr_t uset, uaddr_t uold,
			       size_t setsize)
{
	sigset_t set, old;
	int err;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uset && how != SIG_BLOCK && how != SIG_UNBLOCK &&
	    how != SIG_SETMASK)
		return -EINVAL;
	err = sigprocmask(how, uset ? &set : NULL, &old);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}
SYSCALL_REGISTER(rt_sigprocmask, sys_rt_sigprocmask);

static long sys_rt_sigpending(uaddr_t uset, size_t setsize)
{
	struct task *t = current;
	sigset_t set;
	bool irq;

	if (setsize > sizeof(sigset_t))
		return -EINVAL;
	irq = spin_lock_irqsave(&t->sighand->lock);
	set = (t->pending.set | t->proc->shared_pending.set) & t->blocked;
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	return copy_to_user(uset, &set, setsize) ? -EFAULT : 0;
}
SYSCALL_REGISTER(rt_sigpending, sys_rt_sigpending);

/* Sleeps until a signal is taken; the original mask comes back once the
 * handler frame has recorded it (signal_deliver). */
static long sys_rt_sigsuspend(uaddr_t umask, size_t setsize)
{
	struct task *t = current;
	sigset_t mask;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_blocked = t->blocked;
	t->restore_blocked = true;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	while (!signal_pending(t)) {
		t->state = TASK_INTERRUPTIBLE;
		if (!signal_pending(t))
			schedule();
		t->state = TASK_RUNNING;
	}
	return -ERESTARTNOHAND;
}
SYSCALL_REGISTER(rt_sigsuspend, sys_rt_sigsuspend);

static long sys_pause(void)
{
	struct task *t = current;

	while (!signal_pending(t)) {
		t->state = TASK_INTERRUPTIBLE;
		if (!signal_pending(t))
			schedule();
		t->state = TASK_RUNNING;
	}
	return -ERESTARTNOHAND;
}
SYSCALL_REGISTER(pause, sys_pause);

static long sys_rt_sigtimedwait(uaddr_t uset, uaddr_t uinfo, uaddr_t utimeout,
				size_t setsize)
{
	struct task *t = current;
	struct linux_timespec ts;
	struct linux_siginfo info;
	sigset_t set, saved;
	uint64_t deadline = 0;
	bool irq;
	int sig;

	if (setsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (utimeout) {
		if (copy_from_user(&ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		deadline = time_ns() + ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		if (!deadline)
			deadline = 1;
	}
	set &= ~UNBLOCKABLE;
	for (;;) {
		irq = spin_lock_irqsave(&t->sighand->lock);
		sig = sig_dequeue(t, set, &info);
		saved = t->blocked;
		/* While waiting, the awaited signals must be able to wake us
		 * (Linux sets real_blocked the same way). */
		if (!sig)
			t->blocked &= ~set;
		if (!sig)
			t->state = TASK_INTERRUPTIBLE;
		spin_unlock_irqrestore(&t->sighand->lock, irq);
		if (sig)
			break;
		if (signal_pending(t) &&
		    !((t->pending.set | t->proc->shared_pending.set) & set)) {
			t->state = TASK_RUNNING;
			t->blocked = saved;
			return -EINTR;
		}
		if (deadline && time_ns() >= deadline) {
			t->state = TASK_RUNNING;
			t->blocked = saved;
			return -EAGAIN;
		}
		if (!signal_pending(t))
			schedule_deadline(deadline);
		t->state = TASK_RUNNING;
		t->blocked = saved;
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}
SYSCALL_REGISTER(rt_sigtimedwait, sys_rt_sigtimedwait);

static long sys_sigaltstack(uaddr_t uss, uaddr_t uoss)
{
	struct task *t = current;
	struct linux_stack ss, old = t->altstack;
	int err;

	if (on_altstack(t, t->user_regs->rsp))
		old.ss_flags = SS_ONSTACK;
	else if (old.ss_flags != SS_DISABLE)
		old.ss_flags &= SS_AUTODISARM;
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		err = altstack_set(t, &ss);
		if (err)
			return err;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(sigaltstack, sys_sigaltstack);

/* kill(2): the sender must be privileged or share a real or effective uid
 * with the target's real or saved uid; SIGCONT within a session is
 * always allowed. */
static bool may_signal(struct process *target, int sig)
{
	const struct cred *c = &current->proc->cred;
	const struct cred *tc = &target->cred;

	if (c->euid == 0)
		return true;
	if (sig == SIGCONT && target->sid == current->proc->sid)
		return true;
	return c->uid == tc->uid || c->uid == tc->suid ||
	       c->euid == tc->uid || c->euid == tc->suid;
}

static void user_siginfo(struct linux_siginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->proc.pid = current->proc->pid;
	info->proc.uid = current->proc->cred.uid;
}

static int kill_one(struct process *p, int sig)
{
	struct linux_siginfo info;

	if (!may_signal(p, sig))
		return -EPERM;
	if (sig == 0 || p->zombie)
		return 0;
	user_siginfo(&info, sig, SI_USER);
	return signal_send_process(p, sig, &info);
}

struct kill_many {
	int pgid; /* 0: everyone but init and the caller */
	int sig, found, sent, err;
};

static void kill_visit(struct task *t, void *ctx)
{
	struct kill_many *k = ctx;
	struct process *p = t->proc;
	int err;

	if (p->leader != t || p->zombie || !p->parent)
		return; /* kernel threads have no parent */
	if (k->pgid ? p->pgid != k->pgid
		    : (p->pid == 1 || p == current->proc))
		return;
	k->found++;
	err = kill_one(p, k->sig);
	if (err)
		k->err = err;
	else
		k->sent++;
}

static long sys_kill(int pid, int sig)
{
	struct kill_many k = { 0, sig, 0, 0, 0 };
	struct process *p;
	bool irq;
	long ret;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	irq = spin_lock_irqsave(&tasklist_lock);
	if (pid > 0) {
		p = process_by_pid(pid);
		ret = p && !p->zombie ? kill_one(p, sig)
				      : (p ? 0 : -ESRCH);
		spin_unlock_irqrestore(&tasklist_lock, irq);
		return ret;
	}
	if (pid == 0)
		k.pgid = current->proc->pgid;
	else if (pid < -1)
		k.pgid = -pid;
	if (pid == INT32_MIN)
		k.pgid = -1; /* no such group */
	for_each_task(kill_visit, &k);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	/* kill(-1) succeeds if any process was signalled; a group kill
	 * fails with ESRCH if the group is empty (kill(2)). */
	if (!k.found)
		return -ESRCH;
	return k.sent ? 0 : k.err;
}
SYSCALL_REGISTER(kill, sys_kill);

static long do_tkill(int tgid, int tid, int sig)
{
	struct linux_siginfo info;
	struct task *t;
	bool irq;
	long ret;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	irq = spin_lock_irqsave(&tasklist_lock);
	t = task_by_tid(tid);
	if (!t || (tgid > 0 && t->proc->pid != tgid) || t->state == TASK_DEAD) {
		ret = -ESRCH;
	} else if (!may_signal(t->proc, sig)) {
		ret = -EPERM;
	} else if (sig == 0) {
		ret = 0;
	} else {
		user_siginfo(&info, sig, SI_TKILL);
		ret = signal_send_task(t, sig, &info);
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}

static long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}
SYSCALL_REGISTER(tgkill, sys_tgkill);

static long sys_tkill(int tid, int sig)
{
	return do_tkill(0, tid, sig);
}
SYSCALL_REGISTER(tkill, sys_tkill);

static long sys_rt_sigqueueinfo(int pid, int sig, uaddr_t uinfo)
{
	struct linux_siginfo info;
	struct process *p;
	bool irq;
	long ret;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	/* Only the kernel may claim to be the kernel (sigqueue(3)). */
	if (info.si_code >= 0 || info.si_code == SI_TKILL)
		return -EPERM;
	info.si_signo = sig;
	irq = spin_lock_irqsave(&tasklist_lock);
	p = process_by_pid(pid);
	if (!p)
		ret = -ESRCH;
	else if (!may_signal(p, sig))
		ret = -EPERM;
	else
		ret = sig ? signal_send_process(p, sig, &info) : 0;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(rt_sigqueueinfo, sys_rt_sigqueueinfo);
