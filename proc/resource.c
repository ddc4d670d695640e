/* SPDX-License-Identifier: MIT */
/* Resource limits and usage, priorities, CPU affinity, system facts. */
#include "mm/mm.h"
#include "proc/proc_internal.h"

/* Linux's defaults for init (include/asm-generic/resource.h). */
void process_init_rlimits(struct process *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct linux_rlimit){ RLIM_INFINITY,
						    RLIM_INFINITY };
	p->rlim[RLIMIT_STACK] = (struct linux_rlimit){ 8 << 20, RLIM_INFINITY };
	p->rlim[RLIMIT_CORE] = (struct linux_rlimit){ 0, RLIM_INFINITY };
	p->rlim[RLIMIT_NOFILE] = (struct linux_rlimit){ 1024, 4096 };
	p->rlim[RLIMIT_MEMLOCK] = (struct linux_rlimit){ 8 << 20, 8 << 20 };
	p->rlim[RLIMIT_NPROC] = (struct linux_rlimit){ 3841, 3841 };
	p->rlim[RLIMIT_SIGPENDING] = (struct linux_rlimit){ 3841, 3841 };
	p->rlim[RLIMIT_MSGQUEUE] = (struct linux_rlimit){ 819200, 819200 };
	p->rlim[RLIMIT_NICE] = (struct linux_rlimit){ 0, 0 };
	p->rlim[RLIMIT_RTPRIO] = (struct linux_rlimit){ 0, 0 };
}

static long do_prlimit(struct process *p, int resource,
		       const struct linux_rlimit *new, struct linux_rlimit *old)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (old)
		*old = p->rlim[resource];
	if (!new)
		return 0;
	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	/* Raising the hard limit needs privilege (setrlimit(2)). */
	if (new->rlim_max > p->rlim[resource].rlim_max && !capable())
		return -EPERM;
	if (resource == RLIMIT_NOFILE && new->rlim_max > 1048576)
		return -EPERM; /* fs.nr_open */
	p->rlim[resource] = *new;
	return 0;
}

static long sys_prlimit64(int pid, int resource, uaddr_t unew, uaddr_t uold)
{
	struct linux_rlimit new, old;
	struct process *p = current->proc;
	long err;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (pid) {
		bool irq = spin_lock_irqsave(&tasklist_lock);
		p = process_by_pid(pid);
		spin_unlock_irqrestore(&tasklist_lock, irq);
		if (!p)
			return -ESRCH;
		if (p != current->proc && !capable())
			return -EPERM;
	}
	err = do_prlimit(p, resource, unew ? &new : NULL, &old);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}
SYSCALL_REGISTER(prlimit64, sys_prlimit64);

static long sys_getrlimit(int resource, uaddr_t uold)
{
	struct linux_rlimit old;
	long err = do_prlimit(current->proc, resource, NULL, &old);

	if (!err && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}
SYSCALL_REGISTER(getrlimit, sys_getrlimit);

static long sys_setrlimit(int resource, uaddr_t unew)
{
	struct linux_rlimit new;

	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	return do_prlimit(current->proc, resource, &new, NULL);
}
SYSCALL_REGISTER(setrlimit, sys_setrlimit);

static void ns_to_timeval(uint64_t ns, struct linux_timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = ns % NSEC_PER_SEC / 1000;
}

/* CPU time of the calling process: exited threads plus live ones. */
static void process_times(struct process *p, uint64_t *user, uint64_t *sys)
{
	struct task *t;
	bool irq = spin_lock_irqsave(&tasklist_lock);

	*user = p->utime_ns;
	*sys = p->stime_ns;
	list_for_each_entry(t, &p->threads, thread_link) {
		if (t->state == TASK_DEAD)
			continue;
		*user += t->utime_ns;
		*sys += t->stime_ns;
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
}

static long sys_getrusage(int who, uaddr_t uru)
{
	struct process *p = current->proc;
	struct linux_rusage ru;
	uint64_t user, sys;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
		process_times(p, &user, &sys);
		break;
	case RUSAGE_CHILDREN:
		user = p->cutime_ns;
		sys = p->cstime_ns;
		break;
	case RUSAGE_THREAD:
		user = current->utime_ns;
		sys = current->stime_ns;
		ru.ru_nvcsw = current->nvcsw;
		ru.ru_nivcsw = current->nivcsw;
		ru.ru_minflt = current->minflt;
		break;
	default:
		return -EINVAL;
	}
	ns_to_timeval(user, &ru.ru_utime);
	ns_to_timeval(sys, &ru.ru_stime);
	if (who == RUSAGE_SELF && current->mm)
		ru.ru_maxrss = current->mm->vm_pages * 4; /* KiB, upper bound */
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(getrusage, sys_getrusage);

/* times(2) counts in clock ticks of USER_HZ (100 per second). */
static long sys_times(uaddr_t ubuf)
{
	struct process *p = current->proc;
	struct linux_tms tms;
	uint64_t user, sys;

	process_times(p, &user, &sys);
	tms.tms_utime = user / (NSEC_PER_SEC / 100);
	tms.tms_stime = sys / (NSEC_PER_SEC / 100);
	tms.tms_cutime = p->cutime_ns / (NSEC_PER_SEC / 100);
	tms.tms_cstime = p->cstime_ns / (NSEC_PER_SEC / 100);
	if (ubuf && copy_to_user(ubuf, &tms, sizeof(tms)))
		return -EFAULT;
	return (long)(time_ns() / (NSEC_PER_SEC / 100));
}
SYSCALL_REGISTER(times, sys_times);

struct count_ctx {
	unsigned procs;
};

static void count_task(struct task *t, void *ctx)
{
	(void)t;
	((struct count_ctx *)ctx)->procs++;
}

static long sys_sysinfo(uaddr_t uinfo)
{
	struct linux_sysinfo si;
	struct count_ctx c = { 0 };
	bool irq;

	memset(&si, 0, sizeof(si));
	irq = spin_lock_irqsave(&tasklist_lock);
	for_each_task(count_task, &c);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	si.uptime = time_ns() / NSEC_PER_SEC;
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = (uint16_t)c.procs;
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}
SYSCALL_REGISTER(sysinfo, sys_sysinfo);

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

/* getpriority(2): the raw syscall returns 20 - nice, so never negative. */
static long sys_getpriority(int which, int who)
{
	struct task *t;
	bool irq;
	long ret;

	if (which != PRIO_PROCESS)
		return which == PRIO_PGRP || which == PRIO_USER ?
			       20 - current->nice : -EINVAL;
	if (!who)
		return 20 - current->nice;
	irq = spin_lock_irqsave(&tasklist_lock);
	t = task_by_tid(who);
	ret = t ? 20 - t->nice : -ESRCH;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(getpriority, sys_getpriority);

static long sys_setpriority(int which, int who, int nice)
{
	struct task *t;
	bool irq;
	long ret = 0;

	if (which != PRIO_PROCESS)
		return which == PRIO_PGRP || which == PRIO_USER ? -ESRCH
								 : -EINVAL;
	nice = MAX(-20, MIN(19, nice));
	irq = spin_lock_irqsave(&tasklist_lock);
	t = who ? task_by_tid(who) : current;
	if (!t)
		ret = -ESRCH;
	else if (nice < t->nice && !capable())
		ret = -EACCES; /* raising priority needs privilege */
	else
		t->nice = nice;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(setpriority, sys_setpriority);

static long sys_sched_yield(void)
{
	schedule();
	return 0;
}
SYSCALL_REGISTER(sched_yield, sys_sched_yield);

/* Only the CPUs that are running are in a task's mask. */
static long sys_sched_getaffinity(int pid, size_t len, uaddr_t umask)
{
	uint64_t mask = cpu_count >= 64 ? ~0ULL : (1ULL << cpu_count) - 1;

	(void)pid;
	if (len < sizeof(mask) || len % sizeof(long))
		return -EINVAL;
	if (copy_to_user(umask, &mask, sizeof(mask)) ||
	    clear_user(umask + sizeof(mask), len - sizeof(mask)))
		return -EFAULT;
	return len;
}
SYSCALL_REGISTER(sched_getaffinity, sys_sched_getaffinity);

static long sys_sched_setaffinity(int pid, size_t len, uaddr_t umask)
{
	uint64_t mask = 0;

	(void)pid;
	if (copy_from_user(&mask, umask, MIN(len, sizeof(mask))))
		return -EFAULT;
	/* Every task may run on CPU 0; a mask without it cannot be met. */
	return (mask & 1) ? 0 : -EINVAL;
}
SYSCALL_REGISTER(sched_setaffinity, sys_sched_setaffinity);

static long sys_getcpu(uaddr_t ucpu, uaddr_t unode)
{
	uint32_t cpu = this_cpu()->id, node = 0;

	if ((ucpu && put_user(cpu, ucpu)) || (unode && put_user(node, unode)))
		return -EFAULT;
	return 0;
}
SYSCALL_REGISTER(getcpu, sys_getcpu);
