/* SPDX-License-Identifier: MIT */
/* /proc/PID and /proc/PID/task/TID: what ps, top and init systems read
 * about a process, in the formats proc(5) gives. */
#include "dev/tty.h"
#include "vfs/procfs.h"

/* A consistent copy of what the files show, taken under tasklist_lock. */
struct snap {
	char comm[16];
	char state;
	int pid, tid, ppid, pgid, sid, tty_nr, tpgid, nthreads, exit_signal;
	int nice;
	uint64_t utime, stime, cutime, cstime, start_ns, minflt;
	uint64_t vm_pages, nvcsw, nivcsw;
	uint64_t arg_start, arg_end, env_start, env_end, brk, brk_start;
	uint64_t stack_top;
	sigset_t blocked, pending, shared_pending, ignored, caught;
	struct cred cred;
	uint32_t umask;
	struct mm *mm;
};

static char state_letter(const struct task *t, const struct process *p)
{
	if (p->zombie)
		return 'Z';
	switch (t->state) {
	case TASK_RUNNING:
		return 'R';
	case TASK_INTERRUPTIBLE:
		return 'S';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	case TASK_STOPPED:
		return 'T';
	}
	return 'X';
}

/* new_encode_dev(), as /proc/PID/stat's tty_nr uses it. */
static int encode_dev(uint64_t dev)
{
	unsigned ma = MAJOR(dev), mi = MINOR(dev);

	return (int)((mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12));
}

static int snapshot(const struct proc_ctx *c, struct snap *s)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);
	struct task *t = task_by_tid(c->tid), *th;
	struct process *p;
	int err = 0;

	if (!t || t->proc->pid != c->pid) {
		err = -ESRCH;
		goto out;
	}
	p = t->proc;
	memset(s, 0, sizeof(*s));
	strlcpy(s->comm, t->comm, sizeof(s->comm));
	s->state = state_letter(t, p);
	s->pid = p->pid;
	s->tid = t->tid;
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->tty_nr = p->ctty ? encode_dev(p->ctty->dev) : 0;
	s->tpgid = p->ctty && p->ctty->pgrp ? p->ctty->pgrp : -1;
	s->nthreads = p->nr_threads;
	s->exit_signal = p->exit_signal;
	s->nice = t->nice;
	s->cutime = p->cutime_ns;
	s->cstime = p->cstime_ns;
	s->start_ns = p->start_ns;
	s->cred = p->cred;
	s->blocked = t->blocked;
	s->pending = t->pending.set;
	s->shared_pending = p->shared_pending.set;
	if (c->tid == c->pid) { /* the process: every thread's times */
		s->utime = p->utime_ns;
		s->stime = p->stime_ns;
		list_for_each_entry(th, &p->threads, thread_link)
		{
			if (th->state == TASK_DEAD)
				continue;
			s->utime += th->utime_ns;
			s->stime += th->stime_ns;
			s->minflt += th->minflt;
			s->nvcsw += th->nvcsw;
			s->nivcsw += th->nivcsw;
		}
	} else {
		s->utime = t->utime_ns;
		s->stime = t->stime_ns;
		s->minflt = t->minflt;
		s->nvcsw = t->nvcsw;
		s->nivcsw = t->nivcsw;
	}
	for (int sig = 1; sig <= NSIG && t->sighand; sig++) {
		uint64_t h = t->sighand->action[sig - 1].handler;
		if (h == SIG_IGN)
			s->ignored |= SIGMASK(sig);
		else if (h != SIG_DFL)
			s->caught |= SIGMASK(sig);
	}
	s->arg_start = p->arg_start;
	s->arg_end = p->arg_end;
	s->env_start = p->env_start;
	s->env_end = p->env_end;
	if (t->fs)
		s->umask = t->fs->umask;
	if (t->mm) {
		s->mm = t->mm;
		mm_get(t->mm);
		s->vm_pages = t->mm->vm_pages;
		s->brk = t->mm->brk;
		s->brk_start = t->mm->brk_start;
		s->stack_top = t->mm->stack_top;
	}
out:
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return err;
}

static void snap_done(struct snap *s)
{
	if (s->mm)
		mm_put(s->mm);
}

/* Clock ticks of USER_HZ (100 per second). */
static unsigned long long ticks(uint64_t ns)
{
	return ns / (NSEC_PER_SEC / 100);
}

static int show_stat(const struct proc_ctx *c, struct proc_buf *b)
{
	struct snap s;
	int err = snapshot(c, &s);

	if (err)
		return err;
	/* proc(5), /proc/pid/stat: 52 fields. */
	proc_printf(b, "%d (%s) %c %d %d %d %d %d %u %llu 0 0 0 ", s.tid,
		    s.comm, s.state, s.ppid, s.pgid, s.sid, s.tty_nr, s.tpgid,
		    0x400000u, (unsigned long long)s.minflt);
	proc_printf(b, "%llu %llu %llu %llu %d %d %d 0 %llu %llu %llu ",
		    ticks(s.utime), ticks(s.stime), ticks(s.cutime),
		    ticks(s.cstime), 20 + s.nice, s.nice, s.nthreads,
		    ticks(s.start_ns), (unsigned long long)s.vm_pages * 4096,
		    (unsigned long long)s.vm_pages);
	proc_printf(
		b,
		"18446744073709551615 0 0 %llu 0 0 0 %llu %llu %llu 0 0 0 "
		"%d 0 0 0 0 0 0 0 0 %llu %llu %llu %llu %llu 0\n",
		(unsigned long long)s.stack_top,
		(unsigned long long)(s.pending | s.shared_pending),
		(unsigned long long)s.blocked, (unsigned long long)s.ignored,
		s.exit_signal, (unsigned long long)s.brk_start,
		(unsigned long long)s.arg_start, (unsigned long long)s.arg_end,
		(unsigned long long)s.env_start, (unsigned long long)s.env_end);
	snap_done(&s);
	return 0;
}

static const char *state_name(char st)
{
	switch (st) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (sleeping)";
	case 'D':
		return "D (disk sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	}
	return "X (dead)";
}

static int show_status(const struct proc_ctx *c, struct proc_buf *b)
{
	struct snap s;
	int err = snapshot(c, &s);

	if (err)
		return err;
	proc_printf(b,
		    "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\n"
		    "Ngid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		    s.comm, s.umask, state_name(s.state), s.pid, s.tid, s.ppid);
	proc_printf(b, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
		    s.cred.uid, s.cred.euid, s.cred.suid, s.cred.fsuid,
		    s.cred.gid, s.cred.egid, s.cred.sgid, s.cred.fsgid);
	proc_printf(b, "FDSize:\t64\nGroups:\t");
	for (uint32_t i = 0; i < s.cred.ngroups; i++)
		proc_printf(b, "%u ", s.cred.groups[i]);
	proc_printf(b, "\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    s.pid, s.tid, s.pgid, s.sid);
	if (s.mm)
		proc_printf(b,
			    "VmPeak:\t%8llu kB\nVmSize:\t%8llu kB\n"
			    "VmRSS:\t%8llu kB\n",
			    (unsigned long long)s.vm_pages * 4,
			    (unsigned long long)s.vm_pages * 4,
			    (unsigned long long)s.vm_pages * 4);
	proc_printf(b,
		    "Threads:\t%d\nSigQ:\t0/3841\nSigPnd:\t%016llx\n"
		    "ShdPnd:\t%016llx\nSigBlk:\t%016llx\nSigIgn:\t%016llx\n"
		    "SigCgt:\t%016llx\n",
		    s.nthreads, (unsigned long long)s.pending,
		    (unsigned long long)s.shared_pending,
		    (unsigned long long)s.blocked,
		    (unsigned long long)s.ignored,
		    (unsigned long long)s.caught);
	/* Root has every capability; others none (no capabilities yet). */
	proc_printf(b,
		    "CapInh:\t0000000000000000\nCapPrm:\t%s\nCapEff:\t%s\n"
		    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n"
		    "NoNewPrivs:\t0\nSeccomp:\t0\n",
		    s.cred.euid ? "0000000000000000" : "000001ffffffffff",
		    s.cred.euid ? "0000000000000000" : "000001ffffffffff");
	proc_printf(b,
		    "voluntary_ctxt_switches:\t%llu\n"
		    "nonvoluntary_ctxt_switches:\t%llu\n",
		    (unsigned long long)s.nvcsw, (unsigned long long)s.nivcsw);
	snap_done(&s);
	return 0;
}

static int show_statm(const struct proc_ctx *c, struct proc_buf *b)
{
	struct snap s;
	int err = snapshot(c, &s);

	if (err)
		return err;
	proc_printf(b, "%llu %llu 0 0 0 %llu 0\n",
		    (unsigned long long)s.vm_pages,
		    (unsigned long long)s.vm_pages,
		    (unsigned long long)s.vm_pages);
	snap_done(&s);
	return 0;
}

/* cmdline and environ: straight from the process's memory. */
static int show_mem_range(const struct proc_ctx *c, struct proc_buf *b,
			  bool env)
{
	struct snap s;
	uint64_t start, end;
	int err = snapshot(c, &s);

	if (err)
		return err;
	start = env ? s.env_start : s.arg_start;
	end = env ? s.env_end : s.arg_end;
	if (s.mm && end > start && end - start < (1 << 20)) {
		size_t n = end - start;
		if (b->size - b->len >= n)
			b->len += mm_read_foreign(s.mm, start, b->buf + b->len,
						  n);
		else
			b->len += n; /* ask for a bigger buffer */
	}
	snap_done(&s);
	return 0;
}

static int show_cmdline(const struct proc_ctx *c, struct proc_buf *b)
{
	return show_mem_range(c, b, false);
}

static int show_environ(const struct proc_ctx *c, struct proc_buf *b)
{
	return show_mem_range(c, b, true);
}

static int show_comm(const struct proc_ctx *c, struct proc_buf *b)
{
	struct snap s;
	int err = snapshot(c, &s);

	if (err)
		return err;
	proc_printf(b, "%s\n", s.comm);
	snap_done(&s);
	return 0;
}

static int store_comm(const struct proc_ctx *c, const char *data, size_t n)
{
	bool irq = spin_lock_irqsave(&tasklist_lock);
	struct task *t = task_by_tid(c->tid);
	char name[16];

	n = MIN(n, sizeof(name) - 1);
	memcpy(name, data, n);
	name[n] = '\0';
	if (n && name[n - 1] == '\n')
		name[n - 1] = '\0';
	if (t)
		strlcpy(t->comm, name, sizeof(t->comm));
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return t ? 0 : -ESRCH;
}

/* The file a path refers to, for maps and the fd links. */
static int file_name(struct file *f, char *buf, size_t size)
{
	if (!f->path.mnt && f->ops && f->ops->anon_name)
		return ksnprintf(buf, size, "anon_inode:%s", f->ops->anon_name);
	if (!f->path.mnt) {
		const char *kind = S_ISFIFO(f->inode->mode) ? "pipe" :
				   S_ISSOCK(f->inode->mode) ? "socket" :
							      "anon_inode";
		return ksnprintf(buf, size, "%s:[%llu]", kind,
				 (unsigned long long)f->inode->ino);
	}
	return path_name(&f->path, buf, size);
}

static int show_maps(const struct proc_ctx *c, struct proc_buf *b)
{
	struct snap s;
	struct vma *v;
	char *name;
	int err = snapshot(c, &s);

	if (err)
		return err;
	name = kmalloc(PATH_MAX);
	if (!name) {
		snap_done(&s);
		return -ENOMEM;
	}
	if (s.mm) {
		mutex_lock(&s.mm->lock);
		list_for_each_entry(v, &s.mm->vmas, link)
		{
			const char *label = "";
			uint64_t ino = 0;

			if (v->file &&
			    file_name(v->file, name, PATH_MAX) >= 0) {
				label = name;
				ino = v->file->inode->ino;
			} else if (v->flags & VMA_VVAR) {
				label = "[vvar]";
			} else if (v->flags & VMA_VDSO) {
				label = "[vdso]";
			} else if (v->flags & VMA_HEAP) {
				label = "[heap]";
			} else if (v->flags & VMA_GROWSDOWN) {
				label = "[stack]";
			}
			proc_printf(b,
				    "%012llx-%012llx %c%c%c%c %08llx 00:00 "
				    "%llu",
				    (unsigned long long)v->start,
				    (unsigned long long)v->end,
				    v->prot & PROT_READ ? 'r' : '-',
				    v->prot & PROT_WRITE ? 'w' : '-',
				    v->prot & PROT_EXEC ? 'x' : '-',
				    v->flags & VMA_SHARED ? 's' : 'p',
				    (unsigned long long)v->pgoff * 4096,
				    (unsigned long long)ino);
			proc_printf(b, "%*s%s\n", *label ? 10 : 0, "", label);
		}
		mutex_unlock(&s.mm->lock);
	}
	kfree(name);
	snap_done(&s);
	return 0;
}

static int show_mounts(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	b->len += mounts_show(b->buf + b->len, b->size - b->len, false);
	return 0;
}

static int show_mountinfo(const struct proc_ctx *c, struct proc_buf *b)
{
	(void)c;
	b->len += mounts_show(b->buf + b->len, b->size - b->len, true);
	return 0;
}

/* exe, cwd, root: the names of paths the process holds. */
static int path_link(const struct proc_ctx *c, char *buf, size_t size,
		     int which)
{
	struct process *p = proc_get_process(c->pid);
	struct path path = { 0 };
	struct task *t;
	bool irq;
	int n;

	if (!p)
		return -ENOENT;
	irq = spin_lock_irqsave(&tasklist_lock);
	t = p->leader;
	if (which == 0 && p->exe)
		path = p->exe->path;
	else if (which && t->fs)
		path = which == 1 ? t->fs->cwd : t->fs->root;
	if (path.dentry)
		path_get(&path);
	spin_unlock_irqrestore(&tasklist_lock, irq);
	proc_put_process(p);
	if (!path.dentry)
		return -ENOENT;
	n = path_name(&path, buf, size);
	path_put(&path);
	return n;
}

static int link_exe(const struct proc_ctx *c, char *buf, size_t size)
{
	return path_link(c, buf, size, 0);
}

static int link_cwd(const struct proc_ctx *c, char *buf, size_t size)
{
	return path_link(c, buf, size, 1);
}

static int link_root(const struct proc_ctx *c, char *buf, size_t size)
{
	return path_link(c, buf, size, 2);
}

static int link_ns_pid(const struct proc_ctx *c, char *buf, size_t size)
{
	(void)c;
	return ksnprintf(buf, size, "pid:[4026531836]");
}

/* The open file at c->fd, referenced, or NULL. */
static struct file *proc_fd_file(const struct proc_ctx *c)
{
	struct process *p = proc_get_process(c->pid);
	struct files_struct *fs;
	struct file *f = NULL;
	bool irq;

	if (!p)
		return NULL;
	fs = p->leader->files;
	if (fs) {
		irq = spin_lock_irqsave(&fs->lock);
		if ((unsigned)c->fd < fs->max && fs->fd[c->fd])
			f = file_get(fs->fd[c->fd]);
		spin_unlock_irqrestore(&fs->lock, irq);
	}
	proc_put_process(p);
	return f;
}

int proc_fd_link(const struct proc_ctx *c, char *buf, size_t size)
{
	struct file *f = proc_fd_file(c);
	int n;

	if (!f)
		return -ENOENT;
	n = file_name(f, buf, size);
	file_put(f);
	return n;
}

int proc_fdinfo(const struct proc_ctx *c, struct proc_buf *b)
{
	struct file *f = proc_fd_file(c);

	if (!f)
		return -ENOENT;
	proc_printf(b, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%d\nino:\t%llu\n",
		    (unsigned long long)f->pos, f->flags,
		    f->path.mnt ? f->path.mnt->id : 0,
		    (unsigned long long)f->inode->ino);
	file_put(f);
	return 0;
}

/* One line for the cgroup v2 hierarchy: "0::PATH" (cgroups(7)). */
static int show_cgroup(const struct proc_ctx *c, struct proc_buf *b)
{
	struct process *p = proc_get_process(c->pid);
	char path[256];
	int n;

	if (!p)
		return -ESRCH;
	n = cgroup_path_of(p, path, sizeof(path));
	proc_put_process(p);
	if (n < 0)
		return n;
	proc_printf(b, "0::%s\n", path);
	return 0;
}

static const struct proc_entry ns_entries[] = {
	PROC_LINK("pid", link_ns_pid),
	PROC_END,
};

const struct proc_entry proc_pid_entries[] = {
	PROC_FILE("cgroup", 0444, show_cgroup),
	PROC_FILE("cmdline", 0444, show_cmdline),
	PROC_FILE_RW("comm", 0644, show_comm, store_comm),
	PROC_LINK("cwd", link_cwd),
	PROC_FILE("environ", 0400, show_environ),
	PROC_LINK("exe", link_exe),
	PROC_DYN("fd", PK_FDS),
	PROC_DYN("fdinfo", PK_FDINFOS),
	PROC_FILE("maps", 0444, show_maps),
	PROC_FILE("mountinfo", 0444, show_mountinfo),
	PROC_FILE("mounts", 0444, show_mounts),
	PROC_DIR("ns", ns_entries),
	PROC_FILE_RW("oom_score_adj", 0644, proc_show_zero, proc_store_ignore),
	PROC_LINK("root", link_root),
	PROC_FILE("stat", 0444, show_stat),
	PROC_FILE("statm", 0444, show_statm),
	PROC_FILE("status", 0444, show_status),
	PROC_DYN("task", PK_TASKS),
	PROC_END,
};
