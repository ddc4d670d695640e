/* SPDX-License-Identifier: MIT */
/* Identities: pids and tids, credentials (credentials(7)), process groups
 * and sessions. */
#include "proc/proc_internal.h"

bool capable(void)
{
	return current->proc->cred.euid == 0;
}

bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (c->fsgid == gid)
		return true;
	for (uint32_t i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

static long sys_getpid(void)
{
	return current->proc->pid;
}
SYSCALL_REGISTER(getpid, sys_getpid);

static long sys_gettid(void)
{
	return current->tid;
}
SYSCALL_REGISTER(gettid, sys_gettid);

static long sys_getppid(void)
{
	struct process *parent = READ_ONCE(current->proc->parent);

	return parent ? parent->pid : 0;
}
SYSCALL_REGISTER(getppid, sys_getppid);

static long sys_set_tid_address(uaddr_t tidptr)
{
	current->clear_child_tid = tidptr;
	return current->tid;
}
SYSCALL_REGISTER(set_tid_address, sys_set_tid_address);

static long sys_getuid(void)
{
	return current->proc->cred.uid;
}
SYSCALL_REGISTER(getuid, sys_getuid);

static long sys_geteuid(void)
{
	return current->proc->cred.euid;
}
SYSCALL_REGISTER(geteuid, sys_geteuid);

static long sys_getgid(void)
{
	return current->proc->cred.gid;
}
SYSCALL_REGISTER(getgid, sys_getgid);

static long sys_getegid(void)
{
	return current->proc->cred.egid;
}
SYSCALL_REGISTER(getegid, sys_getegid);

/*
 * setresuid(2) and friends share one rule: without privilege, each new id
 * must be one of the current real, effective or saved ids. -1 keeps a
 * value. The filesystem id follows the effective id.
 */
static long set_ids(uint32_t *real, uint32_t *eff, uint32_t *saved,
		    uint32_t *fs, uint32_t r, uint32_t e, uint32_t s)
{
	uint32_t ids[3] = { r, e, s };

	if (!capable()) {
		for (int i = 0; i < 3; i++)
			if (ids[i] != (uint32_t)-1 && ids[i] != *real &&
			    ids[i] != *eff && ids[i] != *saved)
				return -EPERM;
	}
	if (r != (uint32_t)-1)
		*real = r;
	if (e != (uint32_t)-1)
		*eff = e;
	if (s != (uint32_t)-1)
		*saved = s;
	*fs = *eff;
	return 0;
}

static long sys_setresuid(uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = &current->proc->cred;

	return set_ids(&c->uid, &c->euid, &c->suid, &c->fsuid, r, e, s);
}
SYSCALL_REGISTER(setresuid, sys_setresuid);

static long sys_setresgid(uint32_t r, uint32_t e, uint32_t s)
{
	struct cred *c = &current->proc->cred;

	return set_ids(&c->gid, &c->egid, &c->sgid, &c->fsgid, r, e, s);
}
SYSCALL_REGISTER(setresgid, sys_setresgid);

/* setreuid(2): setting the real id, or the effective id to anything but
 * the real id, also sets the saved id to the new effective id. */
static long setre(uint32_t *real, uint32_t *eff, uint32_t *saved, uint32_t *fs,
		  uint32_t r, uint32_t e)
{
	uint32_t old_real = *real;
	uint32_t s =
		(r != (uint32_t)-1 || (e != (uint32_t)-1 && e != old_real)) ?
			(e != (uint32_t)-1 ? e : *eff) :
			(uint32_t)-1;

	/* An unprivileged caller may set the real id only to the real or
	 * effective id. */
	if (!capable() && r != (uint32_t)-1 && r != *real && r != *eff)
		return -EPERM;
	if (!capable() && e != (uint32_t)-1 && e != *real && e != *eff &&
	    e != *saved)
		return -EPERM;
	return set_ids(real, eff, saved, fs, r, e, s);
}

static long sys_setreuid(uint32_t r, uint32_t e)
{
	struct cred *c = &current->proc->cred;

	return setre(&c->uid, &c->euid, &c->suid, &c->fsuid, r, e);
}
SYSCALL_REGISTER(setreuid, sys_setreuid);

static long sys_setregid(uint32_t r, uint32_t e)
{
	struct cred *c = &current->proc->cred;

	return setre(&c->gid, &c->egid, &c->sgid, &c->fsgid, r, e);
}
SYSCALL_REGISTER(setregid, sys_setregid);

/* setuid(2): privileged callers set all three ids; others only the
 * effective one, to the real or saved id. */
static long sys_setuid(uint32_t id)
{
	struct cred *c = &current->proc->cred;

	if (capable())
		return set_ids(&c->uid, &c->euid, &c->suid, &c->fsuid, id, id,
			       id);
	if (id != c->uid && id != c->suid)
		return -EPERM;
	return set_ids(&c->uid, &c->euid, &c->suid, &c->fsuid, -1, id, -1);
}
SYSCALL_REGISTER(setuid, sys_setuid);

static long sys_setgid(uint32_t id)
{
	struct cred *c = &current->proc->cred;

	if (capable())
		return set_ids(&c->gid, &c->egid, &c->sgid, &c->fsgid, id, id,
			       id);
	if (id != c->gid && id != c->sgid)
		return -EPERM;
	return set_ids(&c->gid, &c->egid, &c->sgid, &c->fsgid, -1, id, -1);
}
SYSCALL_REGISTER(setgid, sys_setgid);

static long get_res(uint32_t r, uint32_t e, uint32_t s, uaddr_t ur, uaddr_t ue,
		    uaddr_t us)
{
	if (put_user(r, ur) || put_user(e, ue) || put_user(s, us))
		return -EFAULT;
	return 0;
}

static long sys_getresuid(uaddr_t r, uaddr_t e, uaddr_t s)
{
	struct cred *c = &current->proc->cred;

	return get_res(c->uid, c->euid, c->suid, r, e, s);
}
SYSCALL_REGISTER(getresuid, sys_getresuid);

static long sys_getresgid(uaddr_t r, uaddr_t e, uaddr_t s)
{
	struct cred *c = &current->proc->cred;

	return get_res(c->gid, c->egid, c->sgid, r, e, s);
}
SYSCALL_REGISTER(getresgid, sys_getresgid);

/* setfsuid(2) returns the previous value, success or not. */
static long sys_setfsuid(uint32_t id)
{
	struct cred *c = &current->proc->cred;
	uint32_t old = c->fsuid;

	if (capable() || id == c->uid || id == c->euid || id == c->suid ||
	    id == c->fsuid)
		c->fsuid = id;
	return old;
}
SYSCALL_REGISTER(setfsuid, sys_setfsuid);

static long sys_setfsgid(uint32_t id)
{
	struct cred *c = &current->proc->cred;
	uint32_t old = c->fsgid;

	if (capable() || id == c->gid || id == c->egid || id == c->sgid ||
	    id == c->fsgid)
		c->fsgid = id;
	return old;
}
SYSCALL_REGISTER(setfsgid, sys_setfsgid);

static long sys_getgroups(int size, uaddr_t list)
{
	struct cred *c = &current->proc->cred;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((uint32_t)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return c->ngroups;
}
SYSCALL_REGISTER(getgroups, sys_getgroups);

static long sys_setgroups(int size, uaddr_t list)
{
	struct cred *c = &current->proc->cred;
	uint32_t groups[CRED_GROUPS];

	if (!capable())
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	/* We keep CRED_GROUPS; more is refused rather than truncated. */
	if (size > CRED_GROUPS)
		return -ENOMEM;
	if (copy_from_user(groups, list, size * sizeof(uint32_t)))
		return -EFAULT;
	memcpy(c->groups, groups, size * sizeof(uint32_t));
	c->ngroups = size;
	return 0;
}
SYSCALL_REGISTER(setgroups, sys_setgroups);

/* ---- process groups and sessions ---- */

static long sys_getpgid(int pid)
{
	struct process *p;
	bool irq;
	long ret;

	if (pid == 0)
		return current->proc->pgid;
	irq = spin_lock_irqsave(&tasklist_lock);
	p = process_by_pid(pid);
	ret = p ? p->pgid : -ESRCH;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(getpgid, sys_getpgid);

static long sys_getpgrp(void)
{
	return current->proc->pgid;
}
SYSCALL_REGISTER(getpgrp, sys_getpgrp);

static long sys_getsid(int pid)
{
	struct process *p;
	bool irq;
	long ret;

	if (pid == 0)
		return current->proc->sid;
	irq = spin_lock_irqsave(&tasklist_lock);
	p = process_by_pid(pid);
	ret = p ? p->sid : -ESRCH;
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(getsid, sys_getsid);

struct group_probe {
	int pgid, sid;
	bool found_in_session;
};

static void probe_group(struct task *t, void *ctx)
{
	struct group_probe *g = ctx;
	struct process *p = t->proc;

	/* A zombie still belongs to its group until it is reaped, as on
	 * Linux: a pipeline's later members join after the first exited. */
	if (p->leader == t && p->pgid == g->pgid && p->sid == g->sid)
		g->found_in_session = true;
}

/* setpgid(2): the target is the caller or a child of it that has not
 * exec'd, in the same session and not a session leader; the group must
 * exist in that session unless it is the target's own pid. */
static long sys_setpgid(int pid, int pgid)
{
	struct process *self = current->proc, *p;
	struct group_probe g;
	bool irq;
	long ret = 0;

	if (pgid < 0 || pid < 0)
		return -EINVAL;
	irq = spin_lock_irqsave(&tasklist_lock);
	p = pid ? process_by_pid(pid) : self;
	if (!p || (p != self && p->parent != self)) {
		ret = -ESRCH;
		goto out;
	}
	if (!pgid)
		pgid = p->pid;
	if (p->sid != self->sid || p->sid == p->pid) {
		ret = -EPERM;
		goto out;
	}
	if (p != self && p->exec_done) {
		ret = -EACCES;
		goto out;
	}
	g = (struct group_probe){ pgid, self->sid, false };
	for_each_task(probe_group, &g);
	if (pgid != p->pid && !g.found_in_session) {
		ret = -EPERM;
		goto out;
	}
	process_set_groups(p, pgid, p->sid);
out:
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(setpgid, sys_setpgid);

struct group_used {
	int id;
	bool used;
};

static void probe_pgid(struct task *t, void *ctx)
{
	struct group_used *g = ctx;

	if (t->proc->leader == t && t->proc->pgid == g->id)
		g->used = true;
}

/* setsid(2): fails if the caller already leads a process group. */
static long sys_setsid(void)
{
	struct process *p = current->proc;
	struct group_used g = { p->pid, false };
	bool irq = spin_lock_irqsave(&tasklist_lock);
	long ret;

	for_each_task(probe_pgid, &g);
	if (g.used) {
		ret = -EPERM;
	} else {
		process_set_groups(p, p->pid, p->pid);
		p->ctty = NULL;
		ret = p->pid;
	}
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return ret;
}
SYSCALL_REGISTER(setsid, sys_setsid);
