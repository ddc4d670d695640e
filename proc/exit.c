/* SPDX-License-Identifier: MIT */
/*
 * Leaving: a thread's exit, a process's group exit, becoming a zombie,
 * orphans going to init, and the release of what a task held.
 */
#include "dev/tty.h"
#include "mm/mm.h"
#include "proc/proc_internal.h"

/* Tasks that have run their last instruction, freed by the next task to
 * run (their stacks are in use until the switch away). */
static LIST_HEAD(dead_tasks);
static struct spinlock dead_lock = SPINLOCK_INIT("dead tasks");

void reap_dead_tasks(void)
{
	struct task *t, *n;
	LIST_HEAD(batch);
	bool irq = spin_lock_irqsave(&dead_lock);

	list_for_each_entry_safe(t, n, &dead_tasks, run_link)
	{
		if (t == current)
			continue;
		list_del(&t->run_link);
		list_add(&t->run_link, &batch);
	}
	spin_unlock_irqrestore(&dead_lock, irq);
	list_for_each_entry_safe(t, n, &batch, run_link) task_free(t);
}

/* Queues a dead task to be freed once nothing runs on its stack. */
void task_release_dead(struct task *t)
{
	bool irq = spin_lock_irqsave(&dead_lock);

	list_add_tail(&t->run_link, &dead_tasks);
	spin_unlock_irqrestore(&dead_lock, irq);
}

/* Wait status of a death by signal (wait(2): WTERMSIG, WCOREDUMP). */
static int signal_to_code(int status)
{
	return (status & 0x7f) ? ((status & 0x80) ? CLD_DUMPED : CLD_KILLED) :
				 CLD_EXITED;
}

void reparent_children(struct process *p)
{
	struct process *init = process_by_pid(1), *c, *n;
	bool zombies = false;

	list_for_each_entry_safe(c, n, &p->children, sibling)
	{
		list_del(&c->sibling);
		c->parent = init != p ? init : NULL;
		if (c->parent)
			list_add_tail(&c->sibling, &init->children);
		zombies |= c->zombie;
		/* The new parent learns of an already stopped child. */
	}
	if (zombies && init && init != p)
		wake_up(&init->child_wait);
}

/* Frees a reaped zombie. tasklist_lock held. */
void process_release(struct process *p)
{
	struct task *leader = p->leader;

	list_del(&p->sibling);
	process_set_groups(p, 0, 0);
	tid_free(p->pid);
	if (p->parent) {
		p->parent->cutime_ns += p->utime_ns + p->cutime_ns;
		p->parent->cstime_ns += p->stime_ns + p->cstime_ns;
	}
	/* The leader's task struct waited for this: free it once it is
	 * off its stack (it may still be switching away). */
	if (leader)
		task_release_dead(leader);
	process_put(p);
}

/* Would the parent rather not be told (SIGCHLD ignored or SA_NOCLDWAIT)?
 * Then the child is released at once (POSIX XSH 2.4.3, wait(2)). */
static bool parent_autoreaps(struct process *p)
{
	struct linux_sigaction *a;

	if (!p->parent || p->exit_signal != SIGCHLD)
		return false;
	a = &p->parent->leader->sighand->action[SIGCHLD - 1];
	return a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);
}

/* The last thread is gone: the process becomes a zombie for its parent.
 * tasklist_lock held. */
static void process_became_zombie(struct process *p)
{
	int status = p->exit_status;

	if (p->pid == 1)
		panic("Attempted to kill init! exit status %#x", status);
	reparent_children(p);
	cgroup_exit(p);
	p->zombie = true;
	if (!p->parent) { /* a kernel thread: nobody will wait */
		process_release(p);
		return;
	}
	if (parent_autoreaps(p)) {
		struct process *parent = p->parent;
		process_release(p);
		wake_up(&parent->child_wait);
		return;
	}
	signal_notify_parent(p, signal_to_code(status),
			     (status & 0x7f) ? (status & 0x7f) :
					       (status >> 8) & 0xff);
}

/* Releases the address space: off its page tables first. */
static void drop_mm(struct task *t)
{
	struct mm *mm = t->mm;

	if (!mm)
		return;
	if (this_cpu()->loaded_pml4 == mm->pml4) {
		write_cr3(kernel_pml4_phys);
		this_cpu()->loaded_pml4 = kernel_pml4_phys;
	}
	t->mm = NULL;
	mm_put(mm);
}

/* CLONE_CHILD_CLEARTID: zero the tid word and wake a futex waiter on it,
 * which is how pthread_join learns of the exit (set_tid_address(2)). */
static void clear_child_tid(struct task *t)
{
	uint32_t zero = 0;

	if (t->clear_child_tid && t->mm &&
	    !copy_to_user(t->clear_child_tid, &zero, sizeof(zero)))
		futex_wake(t->clear_child_tid, 1);
	t->clear_child_tid = 0;
}

/* The vforking parent may go on once the child has exec'd or exited;
 * until then they share the address space (vfork(2)). */
void vfork_release(struct task *t)
{
	struct completion *done = t->vfork_done;

	if (done) {
		t->vfork_done = NULL;
		complete(done);
	}
}

__noreturn void task_exit(int status)
{
	struct task *t = current;
	struct process *p = t->proc;
	bool irq, last;

	clear_child_tid(t);
	robust_list_exit(t);
	vfork_release(t);
	/* A session leader's end hangs up its terminal's foreground group
	 * (POSIX XSH _exit: "controlling process"). */
	if (p->nr_threads == 1 && p->pid == p->sid)
		tty_session_leader_exit(p);
	drop_mm(t);
	if (t->files)
		files_put(t->files);
	if (t->fs)
		fs_put(t->fs);
	t->files = NULL;
	t->fs = NULL;

	irq = spin_lock_irqsave(&tasklist_lock);
	t->exit_code = status;
	p->utime_ns += t->utime_ns;
	p->stime_ns += t->stime_ns;
	last = --p->nr_threads == 0;
	if (last && !p->exiting)
		p->exit_status = status;
	/* Interval timers die with the process (POSIX: not inherited,
	 * not kept after exit); the struct may be freed once it is a
	 * zombie, so wait out a callback running on another CPU (it takes
	 * no lock we hold here). */
	if (last)
		ktimer_cancel_sync(&p->real_timer);
	if (t != p->leader) {
		list_del(&t->thread_link);
		tid_free(t->tid);
	}
	if (last)
		process_became_zombie(p);
	spin_unlock_irqrestore(&tasklist_lock, irq);

	cli();
	t->state = TASK_DEAD;
	/* Nobody waits for a non-leader thread: free it right after the
	 * switch. The leader waits for its process's reaping. */
	if (t != p->leader)
		task_release_dead(t);
	schedule();
	panic("a dead task was scheduled");
}

__noreturn void process_exit(int status)
{
	struct task *t = current, *other;
	struct process *p = t->proc;
	bool irq = spin_lock_irqsave(&t->sighand->lock);

	if (!p->exiting) {
		p->exiting = true;
		p->exit_status = status;
	}
	status = p->exit_status;
	/* Every other thread comes out of what it is doing and exits too:
	 * signal_pending() is true for all of them now. */
	list_for_each_entry(other, &p->threads, thread_link) if (other != t)
		task_wake_state(other, TASK_INTERRUPTIBLE | TASK_STOPPED);
	spin_unlock_irqrestore(&t->sighand->lock, irq);
	task_exit(status);
}

static long sys_exit(int code)
{
	task_exit((code & 0xff) << 8);
}
SYSCALL_REGISTER(exit, sys_exit);

static long sys_exit_group(int code)
{
	process_exit((code & 0xff) << 8);
}
SYSCALL_REGISTER(exit_group, sys_exit_group);
