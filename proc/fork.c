/* SPDX-License-Identifier: MIT */
/* fork, vfork, clone and clone3: new tasks sharing or copying what the
 * flags say (clone(2)). */
#include "mm/mm.h"
#include "proc/proc_internal.h"

struct clone_req {
	uint64_t flags;
	uaddr_t stack; /* 0: the child uses the parent's rsp */
	uaddr_t parent_tid, child_tid;
	uint64_t tls;
	int exit_signal;
};

/* Argument checks as Linux's copy_process() makes them. */
static int clone_check(const struct clone_req *r)
{
	uint64_t f = r->flags;

	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_FS) && (f & CLONE_NEWNS))
		return -EINVAL;
	/* Namespaces and pidfds are not supported. */
	if (f & (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
		 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_PIDFD))
		return -EINVAL;
	/* Init may not make siblings (they would have no reaper), but may
	 * make threads: glibc's pthread_create in a program run as init. */
	if ((f & CLONE_PARENT) && current->proc->pid == 1)
		return -EINVAL;
	if (r->exit_signal < 0 || r->exit_signal > NSIG)
		return -EINVAL;
	return 0;
}

/* The child's share of the parent's resources. */
static int copy_resources(struct task *t, const struct clone_req *r)
{
	struct task *p = current;
	uint64_t f = r->flags;

	if (p->mm) {
		if (f & CLONE_VM) {
			mm_get(p->mm);
			t->mm = p->mm;
		} else if (!(t->mm = mm_dup(p->mm))) {
			return -ENOMEM;
		}
	}
	if (p->files) {
		if (f & CLONE_FILES) {
			files_get(p->files);
			t->files = p->files;
		} else if (IS_ERR_OR_NULL(t->files = files_dup(p->files))) {
			t->files = NULL;
			return -ENOMEM;
		}
	}
	if (p->fs) {
		if (f & CLONE_FS) {
			fs_get(p->fs);
			t->fs = p->fs;
		} else if (IS_ERR_OR_NULL(t->fs = fs_dup(p->fs))) {
			t->fs = NULL;
			return -ENOMEM;
		}
	}
	if (f & CLONE_SIGHAND) {
		__atomic_add_fetch(&p->sighand->refcount, 1, __ATOMIC_RELAXED);
		t->sighand = p->sighand;
	} else if (!(t->sighand = sighand_dup(p->sighand))) {
		return -ENOMEM;
	}
	return 0;
}

static void drop_resources(struct task *t)
{
	if (t->mm)
		mm_put(t->mm);
	if (t->files)
		files_put(t->files);
	if (t->fs)
		fs_put(t->fs);
	if (t->sighand)
		sighand_put(t->sighand);
}

/* A new process around t, child of the caller (or of its parent). */
static struct process *new_process(struct task *t, const struct clone_req *r)
{
	struct process *parent = current->proc, *p = process_alloc();

	if (!p)
		return NULL;
	p->leader = t;
	p->parent = (r->flags & CLONE_PARENT) ? parent->parent : parent;
	p->cred = parent->cred;
	memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
	p->ctty = parent->ctty;
	p->exit_signal = r->exit_signal;
	p->arg_start = parent->arg_start;
	p->arg_end = parent->arg_end;
	p->env_start = parent->env_start;
	p->env_end = parent->env_end;
	if (parent->exe)
		p->exe = file_get(parent->exe);
	cgroup_fork(p, parent);
	return p;
}

/* Registers the new task (and process) under tasklist_lock. */
static int link_child(struct task *t, struct process *p, bool thread)
{
	struct process *cur = current->proc;
	bool irq = spin_lock_irqsave(&tasklist_lock);
	int err = tid_alloc(t);

	if (err)
		goto out;
	/* A dying process accepts no new threads (Linux: copy_process). */
	if (thread && (cur->exiting || cur->zombie)) {
		tid_free(t->tid);
		err = -EAGAIN;
		goto out;
	}
	if (thread) {
		t->proc = cur;
		cur->refcount++;
		cur->nr_threads++;
		list_add_tail(&t->thread_link, &cur->threads);
	} else {
		t->proc = p;
		p->pid = t->tid;
		p->nr_threads = 1;
		list_add_tail(&t->thread_link, &p->threads);
		list_add_tail(&p->sibling, &p->parent->children);
		process_set_groups(p, cur->pgid, cur->sid);
	}
out:
	spin_unlock_irqrestore(&tasklist_lock, irq);
	return err;
}

static void init_child_task(struct task *t, const struct clone_req *r)
{
	struct task *p = current;
	struct trap_frame *tf = t->user_regs;

	strlcpy(t->comm, p->comm, sizeof(t->comm));
	t->nice = p->nice;
	t->blocked = p->blocked;
	/* A thread sharing the address space does not inherit the
	 * alternate signal stack (Linux: copy_process, CLONE_VM). */
	if ((r->flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM)
		t->altstack = p->altstack;
	t->fs_base = (r->flags & CLONE_SETTLS) ? r->tls : p->fs_base;
	t->gs_base = p->gs_base;
	*tf = *p->user_regs;
	tf->rax = 0;
	if (r->stack)
		tf->rsp = r->stack;
	if (r->flags & CLONE_CHILD_SETTID)
		t->set_child_tid = r->child_tid;
	if (r->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = r->child_tid;
	/* The parent's live FPU registers are its current state. */
	fpu_save(p->fpu);
	memcpy(t->fpu, p->fpu, fpu_state_size);
}

long do_clone(const struct clone_req *r)
{
	bool thread = r->flags & CLONE_THREAD;
	struct process *p = NULL;
	struct completion vfork_done;
	struct task *t;
	int err, tid;

	err = clone_check(r);
	if (err)
		return err;
	t = task_alloc();
	if (!t)
		return -EAGAIN;
	err = task_alloc_fpu(t);
	if (!err)
		err = copy_resources(t, r);
	if (!err && !thread && !(p = new_process(t, r)))
		err = -ENOMEM;
	if (err)
		goto fail;
	init_child_task(t, r);
	err = link_child(t, p, thread);
	if (err)
		goto fail;
	tid = t->tid;
	/* Linux ignores a bad parent_tid pointer here (kernel_clone). */
	if (r->flags & CLONE_PARENT_SETTID)
		put_user((int32_t)tid, r->parent_tid);
	if (r->flags & CLONE_VFORK) {
		completion_init(&vfork_done);
		t->vfork_done = &vfork_done;
	}
	task_prepare_stack(t, task_return_to_user, NULL);
	sched_new_task(t, current);
	if (r->flags & CLONE_VFORK)
		wait_event(&vfork_done.wq, READ_ONCE(vfork_done.done));
	return tid;
fail:
	drop_resources(t);
	if (p)
		process_put(p);
	task_free(t);
	return err;
}

static long sys_fork(void)
{
	struct clone_req r = { .exit_signal = SIGCHLD };

	return do_clone(&r);
}
SYSCALL_REGISTER(fork, sys_fork);

static long sys_vfork(void)
{
	struct clone_req r = { .flags = CLONE_VFORK | CLONE_VM,
			       .exit_signal = SIGCHLD };

	return do_clone(&r);
}
SYSCALL_REGISTER(vfork, sys_vfork);

/* x86-64 argument order: flags, stack, parent_tid, child_tid, tls. */
static long sys_clone(uint64_t flags, uaddr_t stack, uaddr_t parent_tid,
		      uaddr_t child_tid, uint64_t tls)
{
	struct clone_req r = {
		.flags = flags & ~(uint64_t)CSIGNAL,
		.stack = stack,
		.parent_tid = parent_tid,
		.child_tid = child_tid,
		.tls = tls,
		.exit_signal = (int)(flags & CSIGNAL),
	};

	return do_clone(&r);
}
SYSCALL_REGISTER(clone, sys_clone);

static long sys_clone3(uaddr_t uargs, size_t size)
{
	struct linux_clone_args a = { 0 };
	struct clone_req r;

	/* CLONE_ARGS_SIZE_VER0 is 64 bytes; later fields must be zero if
	 * we do not know them (clone3(2)). */
	if (size < 64 || size > 4096)
		return -EINVAL;
	if (copy_from_user(&a, uargs, MIN(size, sizeof(a))))
		return -EFAULT;
	for (size_t off = sizeof(a); off < size; off++) {
		uint8_t b;
		if (copy_from_user(&b, uargs + off, 1))
			return -EFAULT;
		if (b)
			return -E2BIG;
	}
	if (a.set_tid || a.set_tid_size || a.cgroup || (a.flags & CSIGNAL) ||
	    a.exit_signal > NSIG || (a.stack && !a.stack_size))
		return -EINVAL;
	r = (struct clone_req){
		.flags = a.flags,
		.stack = a.stack ? a.stack + a.stack_size : 0,
		.parent_tid = a.parent_tid,
		.child_tid = a.child_tid,
		.tls = a.tls,
		.exit_signal = (int)a.exit_signal,
	};
	return do_clone(&r);
}
SYSCALL_REGISTER(clone3, sys_clone3);
