/* SPDX-License-Identifier: MIT */
/* wait4 and waitid: collecting children that exited, stopped or went on. */
#include "proc/proc_internal.h"

struct wait_req {
	int idtype; /* P_ALL, P_PID, P_PGID */
	int id;
	int options;
};

struct wait_result {
	int pid;
	int status;	/* wait(2) status word */
	int code;	/* CLD_* for waitid */
	uint32_t uid;
	uint64_t utime_ns, stime_ns;
};

static bool wanted(const struct wait_req *w, struct process *c)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (w->idtype == P_PID && c->pid != w->id)
		return false;
	if (w->idtype == P_PGID && c->pgid != w->id)
		return false;
	/* __WCLONE waits only for children that signal something other
	 * than SIGCHLD; __WALL for all (wait(2), "Linux notes"). */
	if (!(w->options & __WALL) && clone_child != !!(w->options & __WCLONE))
		return false;
	return true;
}

/* Looks for a reportable child. Returns its pid, 0 if children exist but
 * none is ready, -ECHILD if there are none. tasklist_lock held. */
static int scan_children(const struct wait_req *w, struct wait_result *r)
{
	struct process *self = current->proc, *c, *n;
	bool any = false, nowait = w->options & WNOWAIT;

	list_for_each_entry_safe(c, n, &self->children, sibling) {
		if (!wanted(w, c))
			continue;
		any = true;
		*r = (struct wait_result){ .pid = c->pid, .uid = c->cred.uid };
		if (c->zombie && (w->options & WEXITED)) {
			int st = c->exit_status;
			r->status = st;
			r->code = (st & 0x7f) ? ((st & 0x80) ? CLD_DUMPED
							      : CLD_KILLED)
					      : CLD_EXITED;
			r->utime_ns = c->utime_ns + c->cutime_ns;
			r->stime_ns = c->stime_ns + c->cstime_ns;
			if (!nowait)
				process_release(c);
			return r->pid;
		}
		if (c->stopped && c->report_stop &&
		    (w->options & WUNTRACED)) {
			r->status = (c->stop_signal << 8) | 0x7f;
			r->code = CLD_STOPPED;
			if (!nowait)
				c->report_stop = false;
			return r->pid;
		}
		if (c->report_continue && (w->options & WCONTINUED)) {
			r->status = 0xffff;
			r->code = CLD_CONTINUED;
			if (!nowait)
				c->report_continue = false;
			return r->pid;
		}
	}
	return any ? 0 : -ECHILD;
}

static int do_wait(const struct wait_req *w, struct wait_result *r)
{
	struct process *self = current->proc;
	struct waiter wt;
	int ret;

	waiter_init(&wt);
	for (;;) {
		bool irq;

		prepare_to_wait(&self->child_wait, &wt, TASK_INTERRUPTIBLE);
		irq = spin_lock_irqsave(&tasklist_lock);
		ret = scan_children(w, r);
		spin_unlock_irqrestore(&tasklist_lock, irq);
		if (ret != 0 || (w->options & WNOHANG))
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(&self->child_wait, &wt);
	return ret;
}

static void fill_rusage(struct linux_rusage *ru, const struct wait_result *r)
{
	memset(ru, 0, sizeof(*ru));
	ru->ru_utime.tv_sec = r->utime_ns / NSEC_PER_SEC;
	ru->ru_utime.tv_usec = r->utime_ns % NSEC_PER_SEC / 1000;
	ru->ru_stime.tv_sec = r->stime_ns / NSEC_PER_SEC;
	ru->ru_stime.tv_usec = r->stime_ns % NSEC_PER_SEC / 1000;
}

static long sys_wait4(int pid, uaddr_t ustatus, int options, uaddr_t urusage)
{
	struct wait_req w = { P_ALL, 0, (options & ~WUNTRACED) | WEXITED };
	struct wait_result r = { 0 };
	struct linux_rusage ru;
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	if (options & WUNTRACED)
		w.options |= WUNTRACED;
	if (pid > 0) {
		w.idtype = P_PID;
		w.id = pid;
	} else if (pid == 0) {
		w.idtype = P_PGID;
		w.id = current->proc->pgid;
	} else if (pid < -1) {
		w.idtype = P_PGID;
		w.id = -pid;
	}
	ret = do_wait(&w, &r);
	if (ret <= 0)
		return ret;
	if (ustatus && put_user(r.status, ustatus))
		return -EFAULT;
	if (urusage) {
		fill_rusage(&ru, &r);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return ret;
}
SYSCALL_REGISTER(wait4, sys_wait4);

static long sys_waitid(int idtype, int id, uaddr_t uinfo, int options,
		       uaddr_t urusage)
{
	struct wait_req w = { idtype, id, options };
	struct linux_siginfo info;
	struct linux_rusage ru;
	struct wait_result r = { 0 };
	int ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			__WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype == P_PGID && id == 0)
		w.id = current->proc->pgid;
	if (idtype != P_ALL && idtype != P_PID && idtype != P_PGID)
		return -EINVAL;
	if ((idtype == P_PID || idtype == P_PGID) && w.id <= 0)
		return -EINVAL;
	ret = do_wait(&w, &r);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		info.si_signo = SIGCHLD;
		info.si_code = r.code;
		info.proc.pid = r.pid;
		info.proc.uid = r.uid;
		info.proc.chld.status = r.code == CLD_EXITED ?
						(r.status >> 8) & 0xff :
					r.code == CLD_CONTINUED ? SIGCONT :
					r.code == CLD_STOPPED ?
						(r.status >> 8) & 0xff :
						r.status & 0x7f;
	}
	/* With WNOHANG and nothing ready, si_pid reads 0 (waitid(2)). */
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (urusage) {
		fill_rusage(&ru, &r);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return 0;
}
SYSCALL_REGISTER(waitid, sys_waitid);
